/*
 * sim.c - the simulation context and its run loop: the clock, the dispatch of the next event,
 * stopping, and the deferred work that follows each event (entities released while it ran).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/sim_priv.h"

/* Prints a kernel contract violation and aborts: these are programming errors, not input. */
void sim_panic(const char *fmt, ...)
{
	va_list ap;

	fputs("ossim: kernel: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Creates an empty world at time 0. */
struct sim *sim_new(uint64_t seed, unsigned replication)
{
	struct sim *sim = g_new0(struct sim, 1);

	sim->seed = seed;
	sim->replication = replication;
	sim->oneshot_chunks = g_ptr_array_new_with_free_func(g_free);
	sim->entities = g_hash_table_new(g_str_hash, g_str_equal);
	sim->entity_order = g_ptr_array_new();
	sim->graveyard = g_ptr_array_new();
	for (int k = 0; k < SIM_TRACE_KIND_COUNT; k++)
		sim->subs[k] = g_ptr_array_new();
	return sim;
}

/* Destroys the entities (newest first), then the event set and the trace bus. */
void sim_free(struct sim *sim)
{
	if (!sim)
		return;
	sim_entity_teardown(sim);
	sim_timer_heap_free(sim);
	g_ptr_array_free(sim->oneshot_chunks, TRUE);
	g_hash_table_destroy(sim->entities);
	g_ptr_array_free(sim->entity_order, TRUE);
	g_ptr_array_free(sim->graveyard, TRUE);
	sim_trace_teardown(sim);
	g_free(sim);
}

int64_t sim_now(const struct sim *sim) { return sim->now; }
uint64_t sim_seed(const struct sim *sim) { return sim->seed; }
unsigned sim_replication(const struct sim *sim) { return sim->replication; }
uint64_t sim_events_executed(const struct sim *sim) { return sim->executed; }
size_t sim_events_pending(const struct sim *sim) { return sim->heap_len; }

/* Runs the earliest event, then destroys what its handler released. */
bool sim_step(struct sim *sim)
{
	struct sim_timer *t;

	if (sim->heap_len == 0)
		return false;
	t = sim_timer_pop(sim);
	sim->now = t->when;
	sim->executed++;
	sim->dispatching++;
	/* The timer is already off the heap: its handler may restart or cancel it. */
	t->h(sim, t->arg);
	sim->dispatching--;
	if (sim->graveyard->len)
		sim_entity_reap(sim);
	return true;
}

/* Runs events up to UNTIL (inclusive) or until stopped; see sim.h. */
uint64_t sim_run(struct sim *sim, int64_t until)
{
	uint64_t n = 0;

	if (until < sim->now)
		sim_panic("sim_run until %" G_GINT64_FORMAT " ns is before now (%" G_GINT64_FORMAT
			  " ns)", until, sim->now);
	sim->stop = false;
	while (!sim->stop && sim->heap_len) {
		if (sim->heap[0].when > until)
			break;
		sim_step(sim);
		n++;
	}
	if (!sim->stop && until != SIM_TIME_NEVER)
		sim->now = until;
	return n;
}

void sim_stop(struct sim *sim)
{
	sim->stop = true;
}
