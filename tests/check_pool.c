/*
 * check_pool.c - Check tests for models/media/pool.c, the resource pool (MGI ports, MPS
 * channels, licences): takes, refusals, peak, the time-weighted mean level and the
 * SIM_TRACE_POOL points.
 *
 * Expected means are hand-computed integrals of the level over time divided by the time since
 * 0: each row's comment shows the sum. The clock is advanced with sim_run(sim, t), which moves
 * an empty world to t.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "models/media/pool.h"
#include "sim/sim.h"

/* ---- take/give sequences ---- */

enum op { TAKE, GIVE };

struct step {
	int64_t at_s;            /* seconds */
	enum op op;
	unsigned n;
	bool ok;                 /* TAKE: expected result */
};

struct seq_row {
	const char *what;
	unsigned capacity;
	struct step steps[8];
	size_t nsteps;
	int64_t end_s;           /* the mean is read at this time */
	unsigned in_use, peak;
	uint64_t takes, refusals;
	double mean;
};

static const struct seq_row seq_rows[] = {
	/* level 1 on [0,10), 3 on [10,30), 1 on [30,50), 0 after: (10 + 60 + 20) / 100 */
	{ "take, take, refused, give, give", 3,
	  { { 0, TAKE, 1, true }, { 10, TAKE, 2, true }, { 20, TAKE, 1, false },
	    { 30, GIVE, 2, false }, { 50, GIVE, 1, false } }, 5,
	  100, 0, 3, 2, 1, 0.9 },
	/* 0 on [0,40), 2 on [40,80) (1 for no time at 60), 0 after: (2 * 40) / 100 */
	{ "full pool, swap at one instant", 2,
	  { { 40, TAKE, 2, true }, { 40, TAKE, 1, false }, { 60, GIVE, 1, false },
	    { 60, TAKE, 1, true }, { 80, GIVE, 2, false } }, 5,
	  100, 0, 2, 2, 1, 0.8 },
	/* take(0) is a no-op; take(5) of 4 refused; 4 on [25,100): 4 * 75 / 100 */
	{ "zero and oversized takes", 4,
	  { { 0, TAKE, 0, true }, { 0, TAKE, 5, false }, { 25, TAKE, 4, true } }, 3,
	  100, 4, 4, 1, 1, 3.0 },
	/* an empty pool refuses everything and stays at 0 */
	{ "capacity 0", 0,
	  { { 0, TAKE, 1, false }, { 7, TAKE, 1, false } }, 2,
	  10, 0, 0, 0, 2, 0.0 },
	/* 1 on [0,1), 2 on [1,3), 1 on [3,4): (1 + 4 + 1) / 4 */
	{ "short steps", 8,
	  { { 0, TAKE, 1, true }, { 1, TAKE, 1, true }, { 3, GIVE, 1, false },
	    { 4, GIVE, 1, false } }, 4,
	  4, 0, 2, 2, 0, 1.5 },
};

/* Runs ROW's steps on P in SIM, checking each take's result. */
static void run_steps(struct sim *sim, struct media_pool *p, const struct seq_row *row)
{
	for (size_t i = 0; i < row->nsteps; i++) {
		const struct step *st = &row->steps[i];

		sim_run(sim, st->at_s * SIM_S);
		if (st->op == TAKE)
			ck_assert_msg(media_pool_take(p, st->n) == st->ok, "%s: step %zu",
				      row->what, i);
		else
			media_pool_give(p, st->n);
	}
	sim_run(sim, row->end_s * SIM_S);
}

START_TEST(test_sequence)
{
	/* given a pool of the row's capacity at time 0 */
	const struct seq_row *row = &seq_rows[_i];
	struct sim *sim = sim_new(1, 0);
	struct media_pool *p = media_pool_new(sim, "MGI", row->capacity);

	/* when the row's takes and gives happen at their times */
	run_steps(sim, p, row);

	/* then the counters and the time-weighted mean are the hand-computed ones */
	ck_assert_uint_eq(media_pool_capacity(p), row->capacity);
	ck_assert_uint_eq(media_pool_in_use(p), row->in_use);
	ck_assert_uint_eq(media_pool_peak(p), row->peak);
	ck_assert_uint_eq(media_pool_takes(p), row->takes);
	ck_assert_uint_eq(media_pool_refusals(p), row->refusals);
	ck_assert_double_eq(media_pool_mean(p), row->mean);
	media_pool_free(p);
	sim_free(sim);
}
END_TEST

START_TEST(test_new)
{
	/* given a name in a buffer that changes afterwards */
	struct sim *sim = sim_new(1, 0);
	char name[] = "licence:sip-phone";
	struct media_pool *p = media_pool_new(sim, name, 12);

	name[0] = 'X';

	/* then the pool kept its own copy, and starts empty with a mean of 0 */
	ck_assert_str_eq(media_pool_name(p), "licence:sip-phone");
	ck_assert_uint_eq(media_pool_capacity(p), 12);
	ck_assert_uint_eq(media_pool_in_use(p), 0);
	ck_assert_uint_eq(media_pool_peak(p), 0);
	ck_assert_uint_eq(media_pool_takes(p), 0);
	ck_assert_uint_eq(media_pool_refusals(p), 0);
	ck_assert_double_eq(media_pool_mean(p), 0.0);
	media_pool_free(p);
	media_pool_free(NULL);
	sim_free(sim);
}
END_TEST

START_TEST(test_mean_now_zero)
{
	/* given 2 units taken at time 0 */
	struct sim *sim = sim_new(1, 0);
	struct media_pool *p = media_pool_new(sim, "MPS", 4);

	ck_assert(media_pool_take(p, 2));

	/* then with no time elapsed the mean is the current level */
	ck_assert_double_eq(media_pool_mean(p), 2.0);
	media_pool_free(p);
	sim_free(sim);
}
END_TEST

START_TEST(test_created_late)
{
	/* given a pool created at 5 s, one unit taken then */
	struct sim *sim = sim_new(1, 0);
	struct media_pool *p;

	sim_run(sim, 5 * SIM_S);
	p = media_pool_new(sim, "MGI", 1);
	ck_assert(media_pool_take(p, 1));

	/* when the clock reaches 20 s */
	sim_run(sim, 20 * SIM_S);

	/* then the mean runs from time 0: 1 * 15 / 20 */
	ck_assert_double_eq(media_pool_mean(p), 0.75);
	media_pool_free(p);
	sim_free(sim);
}
END_TEST

START_TEST(test_independent)
{
	/* given two pools in one world */
	struct sim *sim = sim_new(1, 0);
	struct media_pool *a = media_pool_new(sim, "MGI", 2);
	struct media_pool *b = media_pool_new(sim, "MPS", 2);

	/* when A is emptied and B is not touched */
	ck_assert(media_pool_take(a, 2));
	ck_assert(!media_pool_take(a, 1));
	sim_run(sim, SIM_S);

	/* then B is unaffected */
	ck_assert_uint_eq(media_pool_in_use(b), 0);
	ck_assert_uint_eq(media_pool_refusals(b), 0);
	ck_assert_double_eq(media_pool_mean(b), 0.0);
	ck_assert_double_eq(media_pool_mean(a), 2.0);
	ck_assert(media_pool_take(b, 2));
	media_pool_free(a);
	media_pool_free(b);
	sim_free(sim);
}
END_TEST

/* ---- trace points ---- */

struct point {
	int64_t time;
	char *source;
	char *pool;
	unsigned in_use, capacity;
};

/* Frees a struct point. */
static void point_free(void *v)
{
	struct point *pt = v;

	g_free(pt->source);
	g_free(pt->pool);
	g_free(pt);
}

/* SIM_TRACE_POOL subscriber: copies the point into the GPtrArray ARG. */
static void on_pool(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_trace_pool *tpl = tp->payload;
	struct point *pt = g_new0(struct point, 1);

	ck_assert_int_eq(tp->kind, SIM_TRACE_POOL);
	pt->time = tp->time;
	pt->source = g_strdup(tp->source);
	pt->pool = g_strdup(tpl->pool);
	pt->in_use = tpl->in_use;
	pt->capacity = tpl->capacity;
	g_ptr_array_add(arg, pt);
}

START_TEST(test_trace)
{
	/* given a subscriber to SIM_TRACE_POOL */
	struct sim *sim = sim_new(1, 0);
	struct media_pool *p = media_pool_new(sim, "MGI", 3);
	GPtrArray *pts = g_ptr_array_new_with_free_func(point_free);
	static const struct { int64_t s; unsigned in_use; } want[] = {
		{ 0, 1 }, { 10, 3 }, { 30, 1 }, { 50, 0 },
	};

	sim_trace_subscribe(sim, SIM_TRACE_POOL, on_pool, pts);

	/* when the first sequence runs (with a refusal at 20 s) and take(0)/give(0) follow */
	run_steps(sim, p, &seq_rows[0]);
	ck_assert(media_pool_take(p, 0));
	media_pool_give(p, 0);

	/* then one point per level change, none for the refusal or the no-ops */
	ck_assert_uint_eq(pts->len, G_N_ELEMENTS(want));
	for (guint i = 0; i < pts->len; i++) {
		const struct point *pt = g_ptr_array_index(pts, i);

		ck_assert_int_eq(pt->time, want[i].s * SIM_S);
		ck_assert_str_eq(pt->source, "MGI");
		ck_assert_str_eq(pt->pool, "MGI");
		ck_assert_uint_eq(pt->in_use, want[i].in_use);
		ck_assert_uint_eq(pt->capacity, 3);
	}
	media_pool_free(p);
	sim_free(sim);
	g_ptr_array_free(pts, TRUE);
}
END_TEST

/* ---- misuse ---- */

/* Log handler: counts GLib criticals in the unsigned ARG points to. */
static void count_critical(const gchar *domain, GLogLevelFlags level, const gchar *msg,
			   gpointer arg)
{
	(void)domain;
	(void)msg;
	if (level & G_LOG_LEVEL_CRITICAL)
		(*(unsigned *)arg)++;
}

START_TEST(test_give_too_many)
{
	/* given 2 units held at 0 s and a handler counting criticals */
	struct sim *sim = sim_new(1, 0);
	struct media_pool *p = media_pool_new(sim, "MGI", 4);
	GPtrArray *pts = g_ptr_array_new_with_free_func(point_free);
	unsigned criticals = 0;
	guint h = g_log_set_handler(NULL, G_LOG_LEVEL_CRITICAL, count_critical, &criticals);

	ck_assert(media_pool_take(p, 2));
	sim_trace_subscribe(sim, SIM_TRACE_POOL, on_pool, pts);

	/* when 3 are given back at 10 s */
	sim_run(sim, 10 * SIM_S);
	media_pool_give(p, 3);
	sim_run(sim, 20 * SIM_S);
	g_log_remove_handler(NULL, h);

	/* then one critical, and nothing changed: still 2 held, mean 2, no trace point */
	ck_assert_uint_eq(criticals, 1);
	ck_assert_uint_eq(media_pool_in_use(p), 2);
	ck_assert_double_eq(media_pool_mean(p), 2.0);
	ck_assert_uint_eq(pts->len, 0);
	media_pool_free(p);
	sim_free(sim);
	g_ptr_array_free(pts, TRUE);
}
END_TEST

/* The pool suite. */
static Suite *pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc;

	tc = tcase_create("levels");
	tcase_add_test(tc, test_new);
	tcase_add_loop_test(tc, test_sequence, 0, (int)G_N_ELEMENTS(seq_rows));
	tcase_add_test(tc, test_mean_now_zero);
	tcase_add_test(tc, test_created_late);
	tcase_add_test(tc, test_independent);
	suite_add_tcase(s, tc);

	tc = tcase_create("trace");
	tcase_add_test(tc, test_trace);
	suite_add_tcase(s, tc);

	tc = tcase_create("misuse");
	tcase_add_test(tc, test_give_too_many);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite; exit status 0 when every test passed. */
int main(void)
{
	SRunner *sr = srunner_create(pool_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
