/*
 * stats.h - statistics collected during a run and summarised across replications.
 *
 * Counter (events), time-weighted gauge (pool occupancy: the mean is the integral of the level
 * over time divided by the observed time), tally (Welford's online mean and variance of
 * observations such as set-up delays), histogram (GSL), and across replications the mean with a
 * Student-t 95 % confidence interval (GSL's t quantile). Also the Erlang B formula, the analytic
 * reference for loss systems (M/M/c/c) that validates the kernel.
 *
 * Times are int64_t nanoseconds, as in sim.h. None of these touch a struct sim: owners pass
 * the current time in, so statistics can also be used outside a world.
 */
#ifndef OSSIM_STATS_H
#define OSSIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- counter ---- */
struct sim_counter {
	uint64_t n;
};
static inline void sim_counter_add(struct sim_counter *c, uint64_t k) { c->n += k; }

/* ---- time-weighted gauge ---- */
struct sim_gauge {
	int64_t t_start;        /* start of the observation window */
	int64_t t_last;         /* time of the last change */
	double level;           /* current level */
	double area;            /* integral of level dt over [t_start, t_last], level * ns */
	double max;             /* highest level seen in the window */
	double min;             /* lowest level seen in the window */
};
/* Starts observing at NOW with LEVEL. */
void sim_gauge_init(struct sim_gauge *g, int64_t now, double level);
/* The level changes to LEVEL at NOW (NOW >= last change). */
void sim_gauge_set(struct sim_gauge *g, int64_t now, double level);
/* Adds DELTA to the level at NOW. */
void sim_gauge_add(struct sim_gauge *g, int64_t now, double delta);
/* Discards history (end of warm-up): the window restarts at NOW with the current level. */
void sim_gauge_reset(struct sim_gauge *g, int64_t now);
/* Time-weighted mean over [t_start, NOW]; the current level if no time has passed. */
double sim_gauge_mean(const struct sim_gauge *g, int64_t now);

/* ---- tally (Welford) ---- */
struct sim_tally {
	uint64_t n;
	double mean;
	double m2;              /* sum of squared deviations from the running mean */
	double min, max;
};
void sim_tally_init(struct sim_tally *t);
void sim_tally_add(struct sim_tally *t, double x);
double sim_tally_mean(const struct sim_tally *t);     /* NAN when n == 0 */
double sim_tally_variance(const struct sim_tally *t); /* sample variance (n-1); NAN when n < 2 */
double sim_tally_stddev(const struct sim_tally *t);
/* Merges B into A (Chan et al. parallel formula), as if every x of B had been added to A. */
void sim_tally_merge(struct sim_tally *a, const struct sim_tally *b);

/* ---- histogram (GSL) ---- */
struct sim_histogram;
/* N equal bins over [LO, HI); values outside are counted as underflow/overflow. */
struct sim_histogram *sim_histogram_new(size_t n, double lo, double hi);
void sim_histogram_free(struct sim_histogram *h);
void sim_histogram_add(struct sim_histogram *h, double x);
size_t sim_histogram_bins(const struct sim_histogram *h);
double sim_histogram_bin_count(const struct sim_histogram *h, size_t i);
void sim_histogram_bin_range(const struct sim_histogram *h, size_t i, double *lo, double *hi);
uint64_t sim_histogram_underflow(const struct sim_histogram *h);
uint64_t sim_histogram_overflow(const struct sim_histogram *h);
/* Total of the in-range bins. */
double sim_histogram_sum(const struct sim_histogram *h);

/* ---- across replications ---- */
struct sim_ci {
	size_t n;               /* replications */
	double mean;
	double half_width;      /* 95 % half width; NAN when n < 2 */
	double lo, hi;          /* mean -/+ half_width */
};
/* Mean and Student-t confidence interval at LEVEL (0.95 for 95 %) of X[0..N). */
struct sim_ci sim_ci_compute(const double *x, size_t n, double level);
bool sim_ci_contains(const struct sim_ci *ci, double value);

/* ---- analytic references ---- */
/* Erlang B blocking probability for C servers offered A erlangs (stable recurrence). */
double sim_erlang_b(unsigned c, double a);

#endif
