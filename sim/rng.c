/*
 * rng.c - random-number streams.
 *
 * Every stream is a GSL mt19937 generator seeded from (scenario seed, replication, stream
 * name) by a stable hash, never from a shared generator: a phone's draws depend only on its own
 * name, so adding a phone or an OS model column does not perturb any other stream (common
 * random numbers across configurations). mt19937 takes 32 bits of seed, so two names collide
 * with probability ~ n^2 / 2^33 (about 1e-4 for 1,000 streams); a collision would correlate
 * two streams, never break determinism.
 */
#include "config.h"

#include "sim/sim_priv.h"

/* SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t sim_rng_seed_for(uint64_t seed, unsigned replication, const char *name)
{
	/* FNV-1a over the name, then mixed with the seed and the replication. */
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= UINT64_C(0x100000001b3);
	}
	return mix64(mix64(seed ^ mix64(h)) + (uint64_t)replication * UINT64_C(0x9e3779b97f4a7c15));
}

gsl_rng *sim_rng_new_seeded(uint64_t seed, unsigned replication, const char *name)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint64_t s = sim_rng_seed_for(seed, replication, name);

	/* Fold the high half in: mt19937 keeps only the low 32 bits. 0 means "default seed"
	   to GSL, so avoid it. */
	s = (s ^ (s >> 32)) & UINT64_C(0xffffffff);
	gsl_rng_set(r, s ? (unsigned long)s : 1UL);
	return r;
}

gsl_rng *sim_rng_new(const struct sim *sim, const char *name)
{
	return sim_rng_new_seeded(sim->seed, sim->replication, name);
}
