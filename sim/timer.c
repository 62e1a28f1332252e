/*
 * timer.c - timers and the future event set.
 *
 * The future event set is a binary min-heap on (when, seq). Each slot carries a copy of its
 * key and a pointer to its timer, and the timer records its slot (heap_idx), so cancelling or
 * restarting is O(log n) with no search: SIP cancels most of its timers (a transaction that
 * completes cancels its retransmit and timeout timers), which rules out lazy cancellation.
 * Timers live inside their owners and are reused; the kernel only allocates for sim_schedule's
 * one-shot events, which come from a free list.
 */
#include "config.h"

#include <stdint.h>

#include "sim/sim_priv.h"

#define ONESHOT_CHUNK 256

/* Strict order of two slots: earlier time first, then earlier insertion (FIFO ties). */
static inline bool ent_before(const struct sim_heap_ent *a, const struct sim_heap_ent *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

/* Places E at slot I and tells its timer. */
static inline void heap_put(struct sim *sim, size_t i, struct sim_heap_ent e)
{
	sim->heap[i] = e;
	e.t->heap_idx = i;
}

/* Moves the entry E up from slot I to where it belongs. */
static void sift_up(struct sim *sim, size_t i, struct sim_heap_ent e)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!ent_before(&e, &sim->heap[parent]))
			break;
		heap_put(sim, i, sim->heap[parent]);
		i = parent;
	}
	heap_put(sim, i, e);
}

/* Moves the entry E down from slot I to where it belongs. */
static void sift_down(struct sim *sim, size_t i, struct sim_heap_ent e)
{
	size_t n = sim->heap_len;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && ent_before(&sim->heap[c + 1], &sim->heap[c]))
			c++;
		if (!ent_before(&sim->heap[c], &e))
			break;
		heap_put(sim, i, sim->heap[c]);
		i = c;
	}
	heap_put(sim, i, e);
}

/* Removes the slot I, keeping the heap ordered. */
static void heap_remove(struct sim *sim, size_t i)
{
	struct sim_heap_ent last;

	sim->heap[i].t->heap_idx = SIZE_MAX;
	last = sim->heap[--sim->heap_len];
	if (i == sim->heap_len)
		return;
	if (i > 0 && ent_before(&last, &sim->heap[(i - 1) / 2]))
		sift_up(sim, i, last);
	else
		sift_down(sim, i, last);
}

/* Removes and returns the earliest timer. */
struct sim_timer *sim_timer_pop(struct sim *sim)
{
	struct sim_timer *t = sim->heap[0].t;

	heap_remove(sim, 0);
	return t;
}

/* Frees the event set; pending timers are simply forgotten (their owners are gone). */
void sim_timer_heap_free(struct sim *sim)
{
	for (size_t i = 0; i < sim->heap_len; i++)
		sim->heap[i].t->heap_idx = SIZE_MAX;
	g_free(sim->heap);
	sim->heap = NULL;
	sim->heap_len = sim->heap_cap = 0;
}

void sim_timer_init(struct sim_timer *t)
{
	t->when = 0;
	t->seq = 0;
	t->h = NULL;
	t->arg = NULL;
	t->heap_idx = SIZE_MAX;
}

/* Schedules T at WHEN; the contract forbids the past. */
void sim_timer_start_at(struct sim *sim, struct sim_timer *t, int64_t when, sim_timer_h *h,
			void *arg)
{
	struct sim_heap_ent e;

	if (when < sim->now)
		sim_panic("event scheduled in the past: at %" G_GINT64_FORMAT " ns, now is %"
			  G_GINT64_FORMAT " ns", when, sim->now);
	if (!h)
		sim_panic("timer started without a handler");
	if (t->heap_idx != SIZE_MAX)
		heap_remove(sim, t->heap_idx);
	t->when = when;
	t->seq = sim->next_seq++;
	t->h = h;
	t->arg = arg;
	if (sim->heap_len == sim->heap_cap) {
		sim->heap_cap = sim->heap_cap ? 2 * sim->heap_cap : 64;
		sim->heap = g_renew(struct sim_heap_ent, sim->heap, sim->heap_cap);
	}
	e = (struct sim_heap_ent){ when, t->seq, t };
	sim->heap_len++;
	sift_up(sim, sim->heap_len - 1, e);
}

void sim_timer_start(struct sim *sim, struct sim_timer *t, int64_t delay, sim_timer_h *h,
		     void *arg)
{
	if (delay < 0)
		sim_panic("negative timer delay %" G_GINT64_FORMAT " ns", delay);
	if (delay > INT64_MAX - sim->now)
		sim_panic("timer delay %" G_GINT64_FORMAT " ns overflows the clock", delay);
	sim_timer_start_at(sim, t, sim->now + delay, h, arg);
}

/* Idempotent: a timer that is not pending (never started, fired, cancelled) is left alone. */
void sim_timer_cancel(struct sim *sim, struct sim_timer *t)
{
	if (t->heap_idx != SIZE_MAX)
		heap_remove(sim, t->heap_idx);
}

bool sim_timer_pending(const struct sim_timer *t)
{
	return t->heap_idx != SIZE_MAX;
}

int64_t sim_timer_remaining(const struct sim *sim, const struct sim_timer *t)
{
	return t->heap_idx == SIZE_MAX ? -1 : t->when - sim->now;
}

/* Fires a one-shot: hands the slot back to the free list first, so H may schedule again. */
static void oneshot_fire(struct sim *sim, void *arg)
{
	struct sim_oneshot *o = arg;
	sim_timer_h *h = o->h;
	void *harg = o->arg;

	o->next_free = sim->oneshot_free;
	sim->oneshot_free = o;
	h(sim, harg);
}

void sim_schedule(struct sim *sim, int64_t delay, sim_timer_h *h, void *arg)
{
	struct sim_oneshot *o;

	if (!sim->oneshot_free) {
		struct sim_oneshot *chunk = g_new(struct sim_oneshot, ONESHOT_CHUNK);

		g_ptr_array_add(sim->oneshot_chunks, chunk);
		for (size_t i = 0; i < ONESHOT_CHUNK; i++) {
			sim_timer_init(&chunk[i].t);
			chunk[i].next_free = sim->oneshot_free;
			sim->oneshot_free = &chunk[i];
		}
	}
	o = sim->oneshot_free;
	sim->oneshot_free = o->next_free;
	o->h = h;
	o->arg = arg;
	sim_timer_start(sim, &o->t, delay, oneshot_fire, o);
}
