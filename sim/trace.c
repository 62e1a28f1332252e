/*
 * trace.c - the trace bus: typed trace points published by models, received by outputs.
 *
 * Subscribers of one kind are kept in subscription order. Dispatch takes the count at the
 * start, so a subscriber added during dispatch first sees the next point; an unsubscription
 * during dispatch only marks the entry dead, and dead entries are swept once the outermost
 * dispatch returns (a handler may emit further points: dispatch nests).
 */
#include "config.h"

#include "sim/sim_priv.h"

struct sim_trace_sub {
	enum sim_trace_kind kind;
	sim_trace_h *h;
	void *arg;
	bool dead;
};

struct sim_trace_sub *sim_trace_subscribe(struct sim *sim, enum sim_trace_kind kind,
					  sim_trace_h *h, void *arg)
{
	struct sim_trace_sub *s = g_new0(struct sim_trace_sub, 1);

	g_assert(kind < SIM_TRACE_KIND_COUNT);
	s->kind = kind;
	s->h = h;
	s->arg = arg;
	g_ptr_array_add(sim->subs[kind], s);
	sim->live_subs[kind]++;
	return s;
}

/* Frees the dead entries of every kind (outside dispatch only). */
static void sweep(struct sim *sim)
{
	for (int k = 0; k < SIM_TRACE_KIND_COUNT; k++) {
		GPtrArray *a = sim->subs[k];
		guint j = 0;

		for (guint i = 0; i < a->len; i++) {
			struct sim_trace_sub *s = g_ptr_array_index(a, i);

			if (s->dead)
				g_free(s);
			else
				a->pdata[j++] = s;
		}
		g_ptr_array_set_size(a, j);
	}
	sim->trace_dirty = false;
}

void sim_trace_unsubscribe(struct sim *sim, struct sim_trace_sub *sub)
{
	if (!sub || sub->dead)
		return;
	sub->dead = true;
	sim->live_subs[sub->kind]--;
	sim->trace_dirty = true;
	if (sim->trace_depth == 0)
		sweep(sim);
}

bool sim_trace_wanted(const struct sim *sim, enum sim_trace_kind kind)
{
	return sim->live_subs[kind] != 0;
}

void sim_trace_emit(struct sim *sim, enum sim_trace_kind kind, const char *source,
		    const void *payload)
{
	struct sim_trace_point tp = { kind, sim->now, source, payload };
	GPtrArray *a = sim->subs[kind];
	guint n = a->len;

	if (!sim->live_subs[kind])
		return;
	sim->trace_depth++;
	/* Re-read pdata each time: a subscription during dispatch may reallocate the array. */
	for (guint i = 0; i < n; i++) {
		struct sim_trace_sub *s = g_ptr_array_index(a, i);

		if (!s->dead)
			s->h(&tp, s->arg);
	}
	if (--sim->trace_depth == 0 && sim->trace_dirty)
		sweep(sim);
}

void sim_trace_note(struct sim *sim, enum sim_note_kind kind, const char *lane,
		    const char *peer, const char *text, uint64_t packet)
{
	struct sim_trace_note n = { kind, lane, peer, text, packet };

	if (sim_trace_wanted(sim, SIM_TRACE_EVENT))
		sim_trace_emit(sim, SIM_TRACE_EVENT, lane, &n);
}

void sim_trace_teardown(struct sim *sim)
{
	for (int k = 0; k < SIM_TRACE_KIND_COUNT; k++) {
		g_ptr_array_foreach(sim->subs[k], (GFunc)(void (*)(void))g_free, NULL);
		g_ptr_array_free(sim->subs[k], TRUE);
	}
}
