/*
 * check_stats.c - Check tests for sim/stats.c: gauges, tallies, histograms, confidence intervals
 * and the Erlang B formula.
 *
 * Every expected value is a hand computation or a published/independent one: the tally against
 * the textbook {2,4,4,4,5,5,7,9} and a long-double two-pass computation, the gauge against a
 * hand-integrated step function, the confidence interval against t(0.975, 9) = 2.262157 from
 * the t table, Erlang B against exact rationals and against the direct formula in long double.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <check.h>

#include "sim/sim.h"
#include "sim/stats.h"

/* ---- tally ---- */

/* The classic example (Wikipedia "Standard deviation"): mean 5, sum of squares 32. */
static const double textbook[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
#define TEXTBOOK_N (sizeof textbook / sizeof textbook[0])

/* Fills T with X[0..N). */
static void
tally_fill(struct sim_tally *t, const double *x, size_t n)
{
	sim_tally_init(t);
	for (size_t i = 0; i < n; i++)
		sim_tally_add(t, x[i]);
}

START_TEST(test_tally_textbook)
{
	/* given the textbook data set, when it is tallied */
	struct sim_tally t;
	tally_fill(&t, textbook, TEXTBOOK_N);

	/* then mean 5, sample variance 32/7, min 2, max 9 */
	ck_assert_uint_eq(t.n, 8);
	ck_assert_double_eq_tol(sim_tally_mean(&t), 5.0, 1e-12);
	ck_assert_double_eq_tol(sim_tally_variance(&t), 32.0 / 7.0, 1e-12);
	ck_assert_double_eq_tol(sim_tally_stddev(&t), sqrt(32.0 / 7.0), 1e-12);
	ck_assert_double_eq(t.min, 2.0);
	ck_assert_double_eq(t.max, 9.0);
}
END_TEST

START_TEST(test_tally_empty_and_single)
{
	/* given an empty tally, then everything is NAN */
	struct sim_tally t;
	sim_tally_init(&t);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_double_nan(sim_tally_mean(&t));
	ck_assert_double_nan(sim_tally_variance(&t));
	ck_assert_double_nan(sim_tally_stddev(&t));

	/* when one value is added, then mean/min/max are it and the variance is still NAN */
	sim_tally_add(&t, -3.5);
	ck_assert_double_eq(sim_tally_mean(&t), -3.5);
	ck_assert_double_eq(t.min, -3.5);
	ck_assert_double_eq(t.max, -3.5);
	ck_assert_double_nan(sim_tally_variance(&t));
}
END_TEST

/* Long-double two-pass mean and sample variance of X[0..N), the reference for Welford. */
static void
two_pass(const double *x, size_t n, long double *mean, long double *var)
{
	long double s = 0.0L, ss = 0.0L;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	*mean = s / (long double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*var = ss / (long double)(n - 1);
}

START_TEST(test_tally_two_pass)
{
	/* given 1000 deterministic values on a large offset, where the naive sum of squares
	 * (sum x^2 - n mean^2, ~1e15 each) would lose every digit of a variance of ~5000 */
	enum { N = 1000 };
	double x[N];
	for (size_t i = 0; i < N; i++)
		x[i] = 1e6 + 100.0 * sin((double)i) + (double)(i % 7);
	long double mean, var;
	two_pass(x, N, &mean, &var);

	/* when they are tallied */
	struct sim_tally t;
	tally_fill(&t, x, N);

	/* then Welford agrees with the two-pass computation */
	ck_assert_double_eq_tol(sim_tally_mean(&t), (double)mean, 1e-9);
	ck_assert_double_eq_tol(sim_tally_variance(&t), (double)var, 1e-9 * (double)var);
}
END_TEST

START_TEST(test_tally_large_offset)
{
	/* given 1e9 + {4, 7, 13, 16}: mean 1e9 + 10, sample variance (36+9+9+36)/3 = 30 */
	static const double x[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
	struct sim_tally t;
	tally_fill(&t, x, 4);

	/* then the variance survives the offset */
	ck_assert_double_eq_tol(sim_tally_mean(&t), 1e9 + 10, 1e-6);
	ck_assert_double_eq_tol(sim_tally_variance(&t), 30.0, 1e-6);
}
END_TEST

/* Rows: split the textbook set at _i, merge the two halves, compare with adding all. */
START_TEST(test_tally_merge)
{
	/* given the textbook set split into [0, _i) and [_i, 8) */
	size_t k = (size_t)_i;
	struct sim_tally a, b, all;
	tally_fill(&a, textbook, k);
	tally_fill(&b, textbook + k, TEXTBOOK_N - k);
	tally_fill(&all, textbook, TEXTBOOK_N);

	/* when B is merged into A */
	sim_tally_merge(&a, &b);

	/* then A is as if every value had been added to it */
	ck_assert_uint_eq(a.n, all.n);
	ck_assert_double_eq_tol(sim_tally_mean(&a), 5.0, 1e-12);
	ck_assert_double_eq_tol(sim_tally_variance(&a), 32.0 / 7.0, 1e-12);
	ck_assert_double_eq(a.min, 2.0);
	ck_assert_double_eq(a.max, 9.0);
}
END_TEST

START_TEST(test_tally_merge_self)
{
	/* given {1, 3} (mean 2, m2 2), when merged with itself, then it is {1, 3, 1, 3}:
	 * mean 2, sample variance 4/3 */
	static const double x[] = { 1, 3 };
	struct sim_tally t;
	tally_fill(&t, x, 2);
	sim_tally_merge(&t, &t);
	ck_assert_uint_eq(t.n, 4);
	ck_assert_double_eq_tol(sim_tally_mean(&t), 2.0, 1e-12);
	ck_assert_double_eq_tol(sim_tally_variance(&t), 4.0 / 3.0, 1e-12);
}
END_TEST

/* ---- gauge ---- */

START_TEST(test_gauge_step)
{
	/* given level 0 for 2 s, 3 for 1 s, 1 for 1 s */
	struct sim_gauge g;
	sim_gauge_init(&g, 0, 0.0);
	sim_gauge_add(&g, 2 * SIM_S, 3.0);
	sim_gauge_set(&g, 3 * SIM_S, 1.0);

	/* then the mean over 4 s is (0*2 + 3*1 + 1*1) / 4 = 1.0, max 3, min 0 */
	ck_assert_double_eq_tol(sim_gauge_mean(&g, 4 * SIM_S), 1.0, 1e-12);
	ck_assert_double_eq(g.max, 3.0);
	ck_assert_double_eq(g.min, 0.0);
	ck_assert_double_eq(g.level, 1.0);
	/* and over the first 3 s it is 3/3 = 1.0, over the first 2.5 s 1.5/2.5 = 0.6 */
	ck_assert_double_eq_tol(sim_gauge_mean(&g, 3 * SIM_S), 1.0, 1e-12);
	sim_gauge_init(&g, 0, 0.0);
	sim_gauge_set(&g, 2 * SIM_S, 3.0);
	ck_assert_double_eq_tol(sim_gauge_mean(&g, 2500 * SIM_MS), 0.6, 1e-12);
}
END_TEST

START_TEST(test_gauge_no_time)
{
	/* given a gauge started at 5 s with level 7, then its mean at 5 s is the level */
	struct sim_gauge g;
	sim_gauge_init(&g, 5 * SIM_S, 7.0);
	ck_assert_double_eq(sim_gauge_mean(&g, 5 * SIM_S), 7.0);
	/* and a change at the same instant counts for nothing but the level and max */
	sim_gauge_set(&g, 5 * SIM_S, 2.0);
	ck_assert_double_eq(sim_gauge_mean(&g, 5 * SIM_S), 2.0);
	ck_assert_double_eq_tol(sim_gauge_mean(&g, 6 * SIM_S), 2.0, 1e-12);
	ck_assert_double_eq(g.max, 7.0);
	ck_assert_double_eq(g.min, 2.0);
}
END_TEST

START_TEST(test_gauge_reset)
{
	/* given the step function above (peak 3, level 1 from 3 s), reset at 4 s (warm-up end) */
	struct sim_gauge g;
	sim_gauge_init(&g, 0, 0.0);
	sim_gauge_set(&g, 2 * SIM_S, 3.0);
	sim_gauge_set(&g, 3 * SIM_S, 1.0);
	sim_gauge_reset(&g, 4 * SIM_S);

	/* then the window starts at 4 s with the current level 1, history and extremes gone */
	ck_assert_int_eq(g.t_start, 4 * SIM_S);
	ck_assert_double_eq(g.level, 1.0);
	ck_assert_double_eq(g.max, 1.0);
	ck_assert_double_eq(g.min, 1.0);
	ck_assert_double_eq(sim_gauge_mean(&g, 4 * SIM_S), 1.0);
	ck_assert_double_eq_tol(sim_gauge_mean(&g, 6 * SIM_S), 1.0, 1e-12);

	/* when the level goes to 5 at 6 s, then the mean at 8 s is (1*2 + 5*2) / 4 = 3 */
	sim_gauge_set(&g, 6 * SIM_S, 5.0);
	ck_assert_double_eq_tol(sim_gauge_mean(&g, 8 * SIM_S), 3.0, 1e-12);
	ck_assert_double_eq(g.max, 5.0);
	ck_assert_double_eq(g.min, 1.0);
}
END_TEST

/* ---- histogram ---- */

START_TEST(test_histogram)
{
	/* given 4 bins of 2.5 over [0, 10) */
	struct sim_histogram *h = sim_histogram_new(4, 0.0, 10.0);
	ck_assert_uint_eq(sim_histogram_bins(h), 4);
	double lo, hi;
	sim_histogram_bin_range(h, 1, &lo, &hi);
	ck_assert_double_eq(lo, 2.5);
	ck_assert_double_eq(hi, 5.0);

	/* when values on, inside and outside the edges are added */
	static const double x[] = {
		-1.0, -INFINITY,        /* underflow */
		0.0, 2.4999,            /* bin 0: lower edge included */
		2.5,                    /* bin 1 */
		7.5, 9.999,             /* bin 3 */
		10.0, 11.0, INFINITY,   /* overflow: upper edge excluded */
		NAN,                    /* overflow, by stats.c's choice */
	};
	for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
		sim_histogram_add(h, x[i]);

	/* then */
	ck_assert_double_eq(sim_histogram_bin_count(h, 0), 2.0);
	ck_assert_double_eq(sim_histogram_bin_count(h, 1), 1.0);
	ck_assert_double_eq(sim_histogram_bin_count(h, 2), 0.0);
	ck_assert_double_eq(sim_histogram_bin_count(h, 3), 2.0);
	ck_assert_uint_eq(sim_histogram_underflow(h), 2);
	ck_assert_uint_eq(sim_histogram_overflow(h), 4);
	ck_assert_double_eq(sim_histogram_sum(h), 5.0);
	sim_histogram_free(h);
}
END_TEST

/* ---- confidence interval ---- */

START_TEST(test_ci_known)
{
	/* given 1..10: mean 5.5, s^2 = 82.5/9, t(0.975, 9) = 2.262157 (t table) */
	double x[10];
	for (size_t i = 0; i < 10; i++)
		x[i] = (double)(i + 1);
	double half = 2.262157 * sqrt(82.5 / 9.0 / 10.0);        /* 2.165850 */

	/* when the 95 % interval is computed */
	struct sim_ci ci = sim_ci_compute(x, 10, 0.95);

	/* then it matches the hand computation */
	ck_assert_uint_eq(ci.n, 10);
	ck_assert_double_eq_tol(ci.mean, 5.5, 1e-12);
	ck_assert_double_eq_tol(ci.half_width, half, 1e-6);
	ck_assert_double_eq_tol(ci.lo, 5.5 - half, 1e-6);
	ck_assert_double_eq_tol(ci.hi, 5.5 + half, 1e-6);
	ck_assert(sim_ci_contains(&ci, 5.5));
	ck_assert(sim_ci_contains(&ci, 3.4));
	ck_assert(!sim_ci_contains(&ci, 3.3));
	ck_assert(!sim_ci_contains(&ci, 7.7));

	/* and at 90 % it uses t(0.95, 9) = 1.833113 */
	ci = sim_ci_compute(x, 10, 0.90);
	ck_assert_double_eq_tol(ci.half_width, 1.833113 * sqrt(82.5 / 9.0 / 10.0), 1e-6);
}
END_TEST

START_TEST(test_ci_small)
{
	/* given one replication, then the mean is it and the half width NAN; nothing is inside */
	static const double x[] = { 4.25 };
	struct sim_ci ci = sim_ci_compute(x, 1, 0.95);
	ck_assert_uint_eq(ci.n, 1);
	ck_assert_double_eq(ci.mean, 4.25);
	ck_assert_double_nan(ci.half_width);
	ck_assert(!sim_ci_contains(&ci, 4.25));

	/* given none, then the mean is NAN too */
	ci = sim_ci_compute(NULL, 0, 0.95);
	ck_assert_uint_eq(ci.n, 0);
	ck_assert_double_nan(ci.mean);
	ck_assert_double_nan(ci.half_width);
}
END_TEST

/* ---- Erlang B ---- */

struct erlang_row {
	unsigned c;
	double a;
	double b;               /* expected blocking */
	double tol;
};

static const struct erlang_row erlang_rows[] = {
	{ 0, 3.0, 1.0, 1e-15 },                 /* no server: everything is blocked */
	{ 3, 0.0, 0.0, 1e-15 },                 /* no traffic: nothing is blocked */
	{ 1, 1.0, 0.5, 1e-15 },                 /* A/(1+A) */
	{ 2, 1.0, 0.2, 1e-15 },                 /* (1/2) / (1+1+1/2) */
	{ 5, 2.0, 4.0 / 109.0, 1e-15 },         /* (32/120) / (109/15) */
	{ 10, 5.0, 0.018385, 5e-7 },            /* Erlang B tables: 1.8385 % */
};

START_TEST(test_erlang_b_table)
{
	/* given a row, when B(c, A) is computed, then it is the published value */
	const struct erlang_row *r = &erlang_rows[_i];
	ck_assert_double_eq_tol(sim_erlang_b(r->c, r->a), r->b, r->tol);
}
END_TEST

/* Direct formula (A^c/c!) / sum_{k=0..c} A^k/k!, term by term in long double. */
static long double
erlang_b_direct(unsigned c, long double a)
{
	long double term = 1.0L, sum = 1.0L;
	for (unsigned k = 1; k <= c; k++) {
		term *= a / (long double)k;
		sum += term;
	}
	return term / sum;
}

START_TEST(test_erlang_b_direct)
{
	/* given 64 servers at 56 Erlang (the kernel benchmark's M/M/64/64),
	 * then the recurrence agrees with the direct formula (~0.0331257) */
	long double direct = erlang_b_direct(64, 56.0L);
	ck_assert_double_eq_tol(sim_erlang_b(64, 56.0), (double)direct, 1e-12);
	ck_assert_double_eq_tol(sim_erlang_b(64, 56.0), 0.0331257, 1e-7);
}
END_TEST

START_TEST(test_erlang_b_bad)
{
	/* given a negative or NAN load, then NAN; an infinite load blocks everything */
	ck_assert_double_nan(sim_erlang_b(4, -1.0));
	ck_assert_double_nan(sim_erlang_b(4, NAN));
	ck_assert_double_eq(sim_erlang_b(4, INFINITY), 1.0);
}
END_TEST

/* The stats suite: one test case per statistic. */
static Suite *
stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc;

	tc = tcase_create("tally");
	tcase_add_test(tc, test_tally_textbook);
	tcase_add_test(tc, test_tally_empty_and_single);
	tcase_add_test(tc, test_tally_two_pass);
	tcase_add_test(tc, test_tally_large_offset);
	tcase_add_loop_test(tc, test_tally_merge, 0, (int)TEXTBOOK_N + 1);
	tcase_add_test(tc, test_tally_merge_self);
	suite_add_tcase(s, tc);

	tc = tcase_create("gauge");
	tcase_add_test(tc, test_gauge_step);
	tcase_add_test(tc, test_gauge_no_time);
	tcase_add_test(tc, test_gauge_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("histogram");
	tcase_add_test(tc, test_histogram);
	suite_add_tcase(s, tc);

	tc = tcase_create("ci");
	tcase_add_test(tc, test_ci_known);
	tcase_add_test(tc, test_ci_small);
	suite_add_tcase(s, tc);

	tc = tcase_create("erlang_b");
	tcase_add_loop_test(tc, test_erlang_b_table, 0,
	                    (int)(sizeof erlang_rows / sizeof erlang_rows[0]));
	tcase_add_test(tc, test_erlang_b_direct);
	tcase_add_test(tc, test_erlang_b_bad);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite; exit status 0 when every test passed. */
int
main(void)
{
	SRunner *sr = srunner_create(stats_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
