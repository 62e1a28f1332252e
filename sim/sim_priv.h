/*
 * sim_priv.h - the inside of struct sim, shared by the kernel's files (sim.c, timer.c,
 * entity.c, rng.c, trace.c) and nobody else.
 */
#ifndef OSSIM_SIM_PRIV_H
#define OSSIM_SIM_PRIV_H

#include <glib.h>

#include "sim/sim.h"

/*
 * One slot of the future event set. The key (when, seq) is copied into the slot so that sifting
 * compares without touching the timers (cache-friendly); the timer learns its slot on every move,
 * which is what makes cancel O(log n) without a search (OMNeT++'s heapIndex).
 */
struct sim_heap_ent {
	int64_t when;
	uint64_t seq;
	struct sim_timer *t;
};

/* A kernel-owned timer for sim_schedule(); recycled through a free list. */
struct sim_oneshot {
	struct sim_timer t;
	sim_timer_h *h;
	void *arg;
	struct sim_oneshot *next_free;
};

struct sim {
	int64_t now;
	uint64_t seed;
	unsigned replication;
	uint64_t next_seq;          /* insertion counter: FIFO among equal times */
	uint64_t executed;
	bool stop;
	unsigned dispatching;       /* > 0 while an event handler runs */

	struct sim_heap_ent *heap;  /* binary min-heap on (when, seq) */
	size_t heap_len, heap_cap;

	struct sim_oneshot *oneshot_free;
	GPtrArray *oneshot_chunks;  /* every sim_oneshot array ever allocated, freed at the end */

	GHashTable *entities;       /* name -> struct sim_entity *, lookup only: never iterated */
	GPtrArray *entity_order;    /* creation order, for a deterministic teardown */
	GPtrArray *graveyard;       /* released while dispatching; destroyed after the event */

	GPtrArray *subs[SIM_TRACE_KIND_COUNT]; /* struct sim_trace_sub *, subscription order */
	unsigned live_subs[SIM_TRACE_KIND_COUNT];
	unsigned trace_depth;       /* > 0 while a trace point is dispatched */
	bool trace_dirty;           /* unsubscriptions to sweep once dispatch ends */
};

/* Kernel-internal hooks between the files. */
void sim_timer_heap_free(struct sim *sim);
/* Removes and returns the earliest timer (heap must not be empty). */
struct sim_timer *sim_timer_pop(struct sim *sim);
void sim_entity_teardown(struct sim *sim);
void sim_entity_reap(struct sim *sim);
void sim_trace_teardown(struct sim *sim);
/* Prints a kernel contract violation and aborts. */
G_NORETURN void sim_panic(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#endif
