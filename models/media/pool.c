/*
 * pool.c - a pool of identical resources (pool.h): MGI ports, MPS channels, licences. The call
 * server takes units for a call and gives them back when it ends; an empty pool is a simulated
 * outcome (a refusal counted here, a cause in the call's trace), never an error.
 *
 * The level feeds a time-weighted gauge started at time 0 with level 0 (a pool created later
 * was empty before, so its mean still runs from time 0), and each change is published as
 * SIM_TRACE_POOL for ladders and occupancy charts. A refusal changes no level: it is counted,
 * not published.
 */
#include "config.h"

#include <glib.h>

#include "models/media/pool.h"
#include "sim/sim.h"
#include "sim/stats.h"

struct media_pool {
	struct sim *sim;
	char *name;
	unsigned capacity;
	unsigned in_use;
	unsigned peak;           /* highest in_use so far */
	uint64_t refusals;       /* takes refused for want of free units */
	uint64_t takes;          /* successful takes of at least one unit */
	struct sim_gauge level;
};

/* Publishes P's level on the trace bus, when anyone listens. */
static void media_pool_publish(struct media_pool *p)
{
	struct sim_trace_pool tp = { .pool = p->name, .in_use = p->in_use,
				     .capacity = p->capacity };

	if (sim_trace_wanted(p->sim, SIM_TRACE_POOL))
		sim_trace_emit(p->sim, SIM_TRACE_POOL, p->name, &tp);
}

/* A pool NAME (copied) of CAPACITY free units in SIM. */
struct media_pool *media_pool_new(struct sim *sim, const char *name, unsigned capacity)
{
	struct media_pool *p;

	g_return_val_if_fail(sim != NULL && name != NULL, NULL);
	p = g_new0(struct media_pool, 1);
	p->sim = sim;
	p->name = g_strdup(name);
	p->capacity = capacity;
	sim_gauge_init(&p->level, 0, 0.0);
	return p;
}

/* Frees P. NULL is fine. */
void media_pool_free(struct media_pool *p)
{
	if (p == NULL)
		return;
	g_free(p->name);
	g_free(p);
}

/* Takes N units: true, or false with a refusal counted when fewer than N are free. Taking 0
   units succeeds and changes nothing (not counted, not published). */
bool media_pool_take(struct media_pool *p, unsigned n)
{
	g_return_val_if_fail(p != NULL, false);
	if (n == 0)
		return true;
	if (n > p->capacity - p->in_use) {
		/* MGI-09: no free port; the caller decides what the refusal means for the call. */
		p->refusals++;
		return false;
	}
	p->in_use += n;
	p->takes++;
	if (p->in_use > p->peak)
		p->peak = p->in_use;
	sim_gauge_set(&p->level, sim_now(p->sim), (double)p->in_use);
	media_pool_publish(p);
	return true;
}

/* Gives N units back. More than are held: a GLib critical, and nothing changes. */
void media_pool_give(struct media_pool *p, unsigned n)
{
	g_return_if_fail(p != NULL);
	g_return_if_fail(n <= p->in_use);
	if (n == 0)
		return;
	p->in_use -= n;
	sim_gauge_set(&p->level, sim_now(p->sim), (double)p->in_use);
	media_pool_publish(p);
}

/* The pool's name. */
const char *media_pool_name(const struct media_pool *p)
{
	return p->name;
}

/* Units in the pool. */
unsigned media_pool_capacity(const struct media_pool *p)
{
	return p->capacity;
}

/* Units taken now. */
unsigned media_pool_in_use(const struct media_pool *p)
{
	return p->in_use;
}

/* The most units ever taken at once. */
unsigned media_pool_peak(const struct media_pool *p)
{
	return p->peak;
}

/* Takes refused because too few units were free. */
uint64_t media_pool_refusals(const struct media_pool *p)
{
	return p->refusals;
}

/* Successful takes (calls, not units). */
uint64_t media_pool_takes(const struct media_pool *p)
{
	return p->takes;
}

/* Time-weighted mean level over [0, now]. */
double media_pool_mean(const struct media_pool *p)
{
	return sim_gauge_mean(&p->level, sim_now(p->sim));
}
