/*
 * pool.h - a pool of identical resources the call server hands out: MGI ports (MGI-08), MPS
 * channels (MPS-01), licences (LIC-03). Each take holds one unit until it is given back; an empty
 * pool refuses (MGI-09) and counts the refusal. The level is a time-weighted gauge
 * (sim/stats.h) so occupancy means come out exact, and every change is published as
 * SIM_TRACE_POOL with the pool's name.
 */
#ifndef OSSIM_MEDIA_POOL_H
#define OSSIM_MEDIA_POOL_H

#include <stdbool.h>
#include <stdint.h>

struct sim;
struct media_pool;

/* A pool NAME (copied) of CAPACITY units in world SIM, all free. */
struct media_pool *media_pool_new(struct sim *sim, const char *name, unsigned capacity);
void media_pool_free(struct media_pool *p);
/* Takes N units: true, or false (nothing taken, a refusal counted) when fewer than N are free. */
bool media_pool_take(struct media_pool *p, unsigned n);
/* Gives N units back; giving back more than are held is a programming error (g_critical). */
void media_pool_give(struct media_pool *p, unsigned n);
const char *media_pool_name(const struct media_pool *p);
unsigned media_pool_capacity(const struct media_pool *p);
unsigned media_pool_in_use(const struct media_pool *p);
unsigned media_pool_peak(const struct media_pool *p);
uint64_t media_pool_refusals(const struct media_pool *p);
uint64_t media_pool_takes(const struct media_pool *p);
/* Time-weighted mean of the level from time 0 to now. */
double media_pool_mean(const struct media_pool *p);

#endif
