/*
 * stats.c - statistics collected during a run and summarised across replications.
 *
 * Implements the contract of stats.h: time-weighted gauges (integral of the level over the
 * observation window), Welford tallies with Chan et al.'s merge, a GSL histogram with
 * underflow/overflow counters, Student-t confidence intervals across replications and the
 * Erlang B formula that checks the kernel against M/M/c/c theory. Nothing here reads a clock or
 * keeps state outside the structs the caller owns.
 *
 * Empty summaries are NAN rather than 0 so that an unobserved quantity can never pass for a real
 * one: a tally's mean, min and max are NAN until its first observation, its variance until its
 * second, a confidence interval's half width (and lo, hi) below two replications.
 */
#include "config.h"

#include "sim/stats.h"

#include <math.h>

#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_histogram.h>

/* ---- time-weighted gauge ---- */

/* Starts observing at NOW with LEVEL. */
void
sim_gauge_init(struct sim_gauge *g, int64_t now, double level)
{
	g->t_start = now;
	g->t_last = now;
	g->level = level;
	g->area = 0.0;
	g->max = level;
	g->min = level;
}

/* The level changes to LEVEL at NOW; time never runs backwards, as in the kernel (aborts). */
void
sim_gauge_set(struct sim_gauge *g, int64_t now, double level)
{
	g_assert(now >= g->t_last);
	/* The old level held over [t_last, now): add that rectangle to the integral. */
	g->area += g->level * (double)(now - g->t_last);
	g->t_last = now;
	g->level = level;
	g->max = fmax(g->max, level);
	g->min = fmin(g->min, level);
}

/* Adds DELTA to the level at NOW. */
void
sim_gauge_add(struct sim_gauge *g, int64_t now, double delta)
{
	sim_gauge_set(g, now, g->level + delta);
}

/* Discards history (end of warm-up): the window restarts at NOW with the current level. */
void
sim_gauge_reset(struct sim_gauge *g, int64_t now)
{
	g_assert(now >= g->t_last);
	sim_gauge_init(g, now, g->level);
}

/* Time-weighted mean over [t_start, NOW]; the current level if no time has passed. */
double
sim_gauge_mean(const struct sim_gauge *g, int64_t now)
{
	g_assert(now >= g->t_last);
	if (now == g->t_start)
		return g->level;
	/* The current level has held since t_last and counts up to NOW. */
	double area = g->area + g->level * (double)(now - g->t_last);
	return area / (double)(now - g->t_start);
}

/* ---- tally (Welford) ---- */

/* Empties T: no observations, mean/min/max NAN until the first sim_tally_add. */
void
sim_tally_init(struct sim_tally *t)
{
	t->n = 0;
	t->mean = 0.0;
	t->m2 = 0.0;
	/* NAN, not +/-inf: fmin/fmax return the other operand when one is NAN. */
	t->min = NAN;
	t->max = NAN;
}

/* Adds observation X (Welford 1962, as in Knuth TAOCP vol. 2, 4.2.2). */
void
sim_tally_add(struct sim_tally *t, double x)
{
	t->n++;
	double d = x - t->mean;
	t->mean += d / (double)t->n;
	/* Uses the deviation from both the old and the new mean: no cancellation of large sums. */
	t->m2 += d * (x - t->mean);
	t->min = fmin(t->min, x);
	t->max = fmax(t->max, x);
}

/* Mean of the observations; NAN when there are none. */
double
sim_tally_mean(const struct sim_tally *t)
{
	return t->n == 0 ? NAN : t->mean;
}

/* Sample variance (divides by n-1); NAN below two observations. */
double
sim_tally_variance(const struct sim_tally *t)
{
	return t->n < 2 ? NAN : t->m2 / (double)(t->n - 1);
}

/* Sample standard deviation; NAN below two observations. */
double
sim_tally_stddev(const struct sim_tally *t)
{
	return sqrt(sim_tally_variance(t));
}

/*
 * Merges B into A as if every observation of B had been added to A (Chan, Golub and LeVeque
 * 1979, "Updating formulae and a pairwise algorithm for computing sample variances"). A and B
 * may be the same tally.
 */
void
sim_tally_merge(struct sim_tally *a, const struct sim_tally *b)
{
	struct sim_tally bb = *b;       /* a copy, so that a == b works */

	if (bb.n == 0)
		return;
	if (a->n == 0) {
		*a = bb;
		return;
	}
	double na = (double)a->n, nb = (double)bb.n, n = na + nb;
	double d = bb.mean - a->mean;
	a->n += bb.n;
	a->mean += d * nb / n;
	a->m2 += bb.m2 + d * d * na * nb / n;
	a->min = fmin(a->min, bb.min);
	a->max = fmax(a->max, bb.max);
}

/* ---- histogram (GSL) ---- */

struct sim_histogram {
	gsl_histogram *h;       /* n equal bins over [lo, hi) */
	uint64_t underflow;     /* observations below lo */
	uint64_t overflow;      /* observations at or above hi, and NANs */
};

/* N equal bins over [LO, HI); N == 0 or LO >= HI is a programming error and aborts. */
struct sim_histogram *
sim_histogram_new(size_t n, double lo, double hi)
{
	g_assert(n > 0 && lo < hi);
	struct sim_histogram *sh = g_new0(struct sim_histogram, 1);
	/* GSL's default error handler aborts on allocation failure, like GLib's allocators. */
	sh->h = gsl_histogram_alloc(n);
	g_assert(sh->h != NULL);
	gsl_histogram_set_ranges_uniform(sh->h, lo, hi);
	return sh;
}

/* Frees H; NULL is allowed. */
void
sim_histogram_free(struct sim_histogram *h)
{
	if (h == NULL)
		return;
	gsl_histogram_free(h->h);
	g_free(h);
}

/* Counts X in its bin, or as underflow (X < lo) or overflow (X >= hi, or NAN). */
void
sim_histogram_add(struct sim_histogram *h, double x)
{
	/*
	 * NAN must not reach GSL: its bin search would index with (size_t)NAN and then call the
	 * (aborting) error handler. For any other x, gsl_histogram_increment returns GSL_EDOM,
	 * without calling the error handler, when x is outside [range[0], range[n]); letting GSL
	 * decide keeps the bin edges and the under/overflow test exactly consistent.
	 */
	if (isnan(x)) {
		h->overflow++;
		return;
	}
	if (gsl_histogram_increment(h->h, x) == 0)
		return;
	if (x < gsl_histogram_min(h->h))
		h->underflow++;
	else
		h->overflow++;
}

/* Number of bins. */
size_t
sim_histogram_bins(const struct sim_histogram *h)
{
	return gsl_histogram_bins(h->h);
}

/* Count in bin I (0 <= I < bins; aborts otherwise). */
double
sim_histogram_bin_count(const struct sim_histogram *h, size_t i)
{
	g_assert(i < gsl_histogram_bins(h->h));
	return gsl_histogram_get(h->h, i);
}

/* Bin I covers [*LO, *HI) (0 <= I < bins; aborts otherwise). */
void
sim_histogram_bin_range(const struct sim_histogram *h, size_t i, double *lo, double *hi)
{
	g_assert(i < gsl_histogram_bins(h->h));
	gsl_histogram_get_range(h->h, i, lo, hi);
}

/* Observations below the lowest bin. */
uint64_t
sim_histogram_underflow(const struct sim_histogram *h)
{
	return h->underflow;
}

/* Observations at or above the top of the highest bin, and NANs. */
uint64_t
sim_histogram_overflow(const struct sim_histogram *h)
{
	return h->overflow;
}

/* Total of the in-range bins. */
double
sim_histogram_sum(const struct sim_histogram *h)
{
	return gsl_histogram_sum(h->h);
}

/* ---- across replications ---- */

/*
 * Mean and Student-t confidence interval at LEVEL of X[0..N):
 * mean -/+ t((1+LEVEL)/2, N-1) s/sqrt(N), with s the sample standard deviation.
 * N == 0 gives a NAN mean; N < 2, or LEVEL outside (0, 1), a NAN half width, lo and hi.
 */
struct sim_ci
sim_ci_compute(const double *x, size_t n, double level)
{
	struct sim_tally t;
	struct sim_ci ci;

	sim_tally_init(&t);
	for (size_t i = 0; i < n; i++)
		sim_tally_add(&t, x[i]);
	ci.n = n;
	ci.mean = sim_tally_mean(&t);
	if (n < 2 || !(level > 0.0 && level < 1.0)) {
		ci.half_width = NAN;
	} else {
		/* Two-sided: the upper (1+level)/2 quantile with n-1 degrees of freedom. */
		double q = gsl_cdf_tdist_Pinv((1.0 + level) / 2.0, (double)(n - 1));
		ci.half_width = q * sim_tally_stddev(&t) / sqrt((double)n);
	}
	ci.lo = ci.mean - ci.half_width;
	ci.hi = ci.mean + ci.half_width;
	return ci;
}

/* True when VALUE lies in [lo, hi]; an interval with a NAN bound contains nothing. */
bool
sim_ci_contains(const struct sim_ci *ci, double value)
{
	return ci->lo <= value && value <= ci->hi;
}

/* ---- analytic references ---- */

/*
 * Erlang B blocking probability for C servers offered A erlangs. The direct formula
 * (A^c/c!) / sum_k A^k/k! overflows for c in the hundreds; the recurrence
 * B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)) stays in [0, 1] and costs O(c).
 * A < 0 or NAN gives NAN; A = +inf gives 1.
 */
double
sim_erlang_b(unsigned c, double a)
{
	if (isnan(a) || a < 0.0)
		return NAN;
	if (isinf(a))
		return 1.0;
	double b = 1.0;
	for (unsigned k = 1; k <= c; k++)
		b = a * b / ((double)k + a * b);
	return b;
}
