/*
 * mmcc.h - the M/M/c/c loss system (Erlang's telephone exchange) built on the kernel.
 *
 * Calls arrive as a Poisson process, hold a server for an exponential time, and are lost when
 * all C servers are busy. Its blocking probability is known exactly (Erlang B), which makes it
 * the kernel's self-check (`ossim selfcheck`) and the model of bench/kernel. It is also the
 * simplest capacity question an OfficeServ planner asks: how many MGI ports for A erlangs?
 */
#ifndef OSSIM_MMCC_H
#define OSSIM_MMCC_H

#include <stdint.h>

#include "sim/stats.h"

struct mmcc_params {
	unsigned servers;        /* c */
	double offered;          /* A, erlangs */
	double mean_hold_s;      /* mean holding time, seconds */
	uint64_t warmup;         /* arrivals discarded before measuring */
	uint64_t arrivals;       /* measured arrivals per replication */
};

struct mmcc_result {
	uint64_t arrivals;       /* measured */
	uint64_t blocked;        /* measured arrivals that found every server busy */
	double blocking;         /* blocked / arrivals */
	double occupancy;        /* time-weighted mean number of busy servers, measured window */
	uint64_t events;         /* kernel events executed, warm-up included */
};

/* Runs one replication with SEED on a fresh world. The arrival stream is named "mmcc" and the
   holding-time stream "mmcc/service" (sim_rng_new_seeded), so other implementations of the
   same model can replay the very same draws. */
void mmcc_run(const struct mmcc_params *p, uint64_t seed, unsigned replication,
	      struct mmcc_result *out);

#endif
