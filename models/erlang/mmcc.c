/*
 * mmcc.c - the M/M/c/c loss system as an entity of the kernel: one arrival timer, one
 * departure timer embedded in each server, a stack of free servers.
 */
#include "config.h"

#include <glib.h>
#include <gsl/gsl_randist.h>

#include "models/erlang/mmcc.h"
#include "sim/sim.h"

struct mmcc;

struct mmcc_server {
	struct sim_timer departure;
	struct mmcc *m;
	unsigned idx;
};

struct mmcc {
	struct sim_entity ent;
	const struct mmcc_params *p;
	struct sim_timer arrival;
	struct mmcc_server *srv;
	unsigned *free_stack;         /* indices of idle servers */
	unsigned nfree;
	gsl_rng *svc;                 /* holding times */
	double mean_iat_s;            /* mean inter-arrival time: hold / A */
	uint64_t seen;                /* arrivals so far, warm-up included */
	uint64_t blocked;
	struct sim_gauge busy;
};

/* Seconds (double) to kernel time, rounded to the nanosecond. */
static int64_t secs(double s)
{
	return (int64_t)(s * (double)SIM_S + 0.5);
}

static void departure(struct sim *sim, void *arg)
{
	struct mmcc_server *s = arg;
	struct mmcc *m = s->m;

	m->free_stack[m->nfree++] = s->idx;
	sim_gauge_add(&m->busy, sim_now(sim), -1);
}

static void arrival(struct sim *sim, void *arg)
{
	struct mmcc *m = arg;
	const struct mmcc_params *p = m->p;
	int64_t now = sim_now(sim);

	if (m->seen == p->warmup)
		sim_gauge_reset(&m->busy, now);   /* measuring starts with this arrival */
	m->seen++;
	if (m->nfree) {
		struct mmcc_server *s = &m->srv[m->free_stack[--m->nfree]];

		sim_gauge_add(&m->busy, now, 1);
		sim_timer_start(sim, &s->departure,
				secs(gsl_ran_exponential(m->svc, p->mean_hold_s)), departure, s);
	} else if (m->seen > p->warmup) {
		m->blocked++;
	}
	if (m->seen < p->warmup + p->arrivals)
		sim_timer_start(sim, &m->arrival,
				secs(gsl_ran_exponential(sim_entity_rng(&m->ent), m->mean_iat_s)),
				arrival, m);
	else
		sim_stop(sim);                     /* calls still in progress are not measured */
}

static void mmcc_destroy(struct sim_entity *e)
{
	struct mmcc *m = (struct mmcc *)e;

	sim_timer_cancel(e->sim, &m->arrival);
	for (unsigned i = 0; i < m->p->servers; i++)
		sim_timer_cancel(e->sim, &m->srv[i].departure);
	gsl_rng_free(m->svc);
	g_free(m->srv);
	g_free(m->free_stack);
	g_free(m);
}

static const struct sim_entity_ops mmcc_ops = { "mmcc", mmcc_destroy };

void mmcc_run(const struct mmcc_params *p, uint64_t seed, unsigned replication,
	      struct mmcc_result *out)
{
	struct sim *sim = sim_new(seed, replication);
	struct mmcc *m = g_new0(struct mmcc, 1);
	int64_t end;

	m->p = p;
	m->srv = g_new0(struct mmcc_server, p->servers);
	m->free_stack = g_new(unsigned, p->servers);
	for (unsigned i = 0; i < p->servers; i++) {
		unsigned idx = p->servers - 1 - i;   /* server 0 on top of the stack */

		sim_timer_init(&m->srv[idx].departure);
		m->srv[idx].m = m;
		m->srv[idx].idx = idx;
		m->free_stack[i] = idx;
	}
	m->nfree = p->servers;
	m->mean_iat_s = p->mean_hold_s / p->offered;
	sim_timer_init(&m->arrival);
	sim_entity_init(sim, &m->ent, "mmcc", &mmcc_ops);
	m->svc = sim_rng_new(sim, "mmcc/service");
	sim_gauge_init(&m->busy, 0, 0);
	sim_timer_start(sim, &m->arrival,
			secs(gsl_ran_exponential(sim_entity_rng(&m->ent), m->mean_iat_s)),
			arrival, m);
	sim_run(sim, SIM_TIME_NEVER);
	end = sim_now(sim);
	out->arrivals = p->arrivals;
	out->blocked = m->blocked;
	out->blocking = p->arrivals ? (double)m->blocked / (double)p->arrivals : 0;
	out->occupancy = sim_gauge_mean(&m->busy, end);
	out->events = sim_events_executed(sim);
	sim_free(sim);
}
