/*
 * entity.c - named entities (phones, the OfficeServ, MGI pools, NAT boxes ...).
 *
 * An entity is embedded in its owner; the kernel knows its stable name (for ladders and for
 * seeding its random stream) and how to destroy its owner. Destruction is deferred while an
 * event is being dispatched, so a handler can release its own entity (tmux's
 * session_remove_ref): the kernel destroys it after the handler returns.
 */
#include "config.h"

#include <errno.h>

#include "sim/sim_priv.h"

int sim_entity_init(struct sim *sim, struct sim_entity *e, const char *name,
		    const struct sim_entity_ops *ops)
{
	if (!name || !*name || g_hash_table_contains(sim->entities, name))
		return EEXIST;
	e->sim = sim;
	e->name = g_strdup(name);
	e->ops = ops;
	e->rng = NULL;
	e->dying = false;
	g_hash_table_insert(sim->entities, e->name, e);
	g_ptr_array_add(sim->entity_order, e);
	return 0;
}

/* Unregisters E and lets its owner free itself. The name outlives ops->destroy. */
static void entity_destroy(struct sim_entity *e)
{
	struct sim *sim = e->sim;
	char *name = e->name;

	g_hash_table_remove(sim->entities, name);
	/* O(n) in the number of entities; releases are rare next to events. */
	g_ptr_array_remove(sim->entity_order, e);
	if (e->rng)
		gsl_rng_free(e->rng);
	e->rng = NULL;
	if (e->ops && e->ops->destroy)
		e->ops->destroy(e);
	g_free(name);
}

void sim_entity_release(struct sim_entity *e)
{
	if (!e || e->dying)
		return;
	e->dying = true;
	if (e->sim->dispatching)
		g_ptr_array_add(e->sim->graveyard, e);
	else
		entity_destroy(e);
}

/* Destroys what handlers released during the event just dispatched, in release order. */
void sim_entity_reap(struct sim *sim)
{
	/* A destroy op may release further entities: they join the graveyard and are reaped
	   in this same loop, since the length is re-read each time. */
	for (guint i = 0; i < sim->graveyard->len; i++)
		entity_destroy(g_ptr_array_index(sim->graveyard, i));
	g_ptr_array_set_size(sim->graveyard, 0);
}

/* Destroys every entity, newest first (owners usually depend on older ones). */
void sim_entity_teardown(struct sim *sim)
{
	sim->dispatching = 0;
	sim_entity_reap(sim);
	while (sim->entity_order->len) {
		struct sim_entity *e = g_ptr_array_index(sim->entity_order,
							 sim->entity_order->len - 1);
		e->dying = true;
		entity_destroy(e);
	}
}

struct sim_entity *sim_entity_find(const struct sim *sim, const char *name)
{
	return g_hash_table_lookup(sim->entities, name);
}

gsl_rng *sim_entity_rng(struct sim_entity *e)
{
	if (!e->rng)
		e->rng = sim_rng_new(e->sim, e->name);
	return e->rng;
}
