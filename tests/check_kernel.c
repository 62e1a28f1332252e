/*
 * check_kernel.c - the kernel's contract: event order and FIFO ties, timer cancel semantics,
 * past scheduling, a randomised comparison with a reference model, entities and deferred
 * destruction, RNG streams, the trace bus.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gsl/gsl_randist.h>

#include "sim/sim.h"

/* ---- helpers ---- */

/* Records "name@time" for each firing into a GString. */
struct rec {
	GString *log;
	struct sim *sim;
};

struct tagged {
	struct rec *rec;
	const char *name;
	struct sim_timer t;
};

static void log_fire(struct sim *sim, void *arg)
{
	struct tagged *x = arg;

	g_string_append_printf(x->rec->log, "%s@%" G_GINT64_FORMAT " ", x->name, sim_now(sim));
}

/* ---- ordering ---- */

START_TEST(test_order_by_time)
{
	/* given timers started out of time order */
	struct sim *sim = sim_new(1, 0);
	struct rec rec = { g_string_new(NULL), sim };
	struct tagged a = { &rec, "a", { 0 } }, b = { &rec, "b", { 0 } }, c = { &rec, "c", { 0 } };

	sim_timer_init(&a.t);
	sim_timer_init(&b.t);
	sim_timer_init(&c.t);
	sim_timer_start(sim, &a.t, 30, log_fire, &a);
	sim_timer_start(sim, &b.t, 10, log_fire, &b);
	sim_timer_start(sim, &c.t, 20, log_fire, &c);
	/* when the world runs */
	ck_assert_uint_eq(sim_run(sim, SIM_TIME_NEVER), 3);
	/* then they fire by time */
	ck_assert_str_eq(rec.log->str, "b@10 c@20 a@30 ");
	ck_assert_int_eq(sim_now(sim), 30);
	g_string_free(rec.log, TRUE);
	sim_free(sim);
}
END_TEST

START_TEST(test_fifo_ties)
{
	/* given 50 timers at one instant, started in a known order */
	struct sim *sim = sim_new(1, 0);
	struct rec rec = { g_string_new(NULL), sim };
	struct tagged x[50];
	char names[50][8];
	GString *want = g_string_new(NULL);

	for (int i = 0; i < 50; i++) {
		g_snprintf(names[i], sizeof names[i], "t%d", i);
		x[i] = (struct tagged){ &rec, names[i], { 0 } };
		sim_timer_init(&x[i].t);
		sim_timer_start(sim, &x[i].t, 5 * SIM_MS, log_fire, &x[i]);
		g_string_append_printf(want, "t%d@5000000 ", i);
	}
	/* when run, then they fire in insertion order */
	sim_run(sim, SIM_TIME_NEVER);
	ck_assert_str_eq(rec.log->str, want->str);
	g_string_free(want, TRUE);
	g_string_free(rec.log, TRUE);
	sim_free(sim);
}
END_TEST

START_TEST(test_restart_moves_to_back_of_ties)
{
	/* given a and b at the same time, a restarted for that time after b */
	struct sim *sim = sim_new(1, 0);
	struct rec rec = { g_string_new(NULL), sim };
	struct tagged a = { &rec, "a", { 0 } }, b = { &rec, "b", { 0 } };

	sim_timer_init(&a.t);
	sim_timer_init(&b.t);
	sim_timer_start(sim, &a.t, 7, log_fire, &a);
	sim_timer_start(sim, &b.t, 7, log_fire, &b);
	sim_timer_start(sim, &a.t, 7, log_fire, &a);
	/* then a restart counts as a new insertion, and a fires once */
	sim_run(sim, SIM_TIME_NEVER);
	ck_assert_str_eq(rec.log->str, "b@7 a@7 ");
	g_string_free(rec.log, TRUE);
	sim_free(sim);
}
END_TEST

START_TEST(test_run_until)
{
	/* given events at 10 and 30 */
	struct sim *sim = sim_new(1, 0);
	struct rec rec = { g_string_new(NULL), sim };
	struct tagged a = { &rec, "a", { 0 } }, b = { &rec, "b", { 0 } };

	sim_timer_init(&a.t);
	sim_timer_init(&b.t);
	sim_timer_start(sim, &a.t, 10, log_fire, &a);
	sim_timer_start(sim, &b.t, 30, log_fire, &b);
	/* when run until 20: only the first fires and the clock stands at 20 */
	ck_assert_uint_eq(sim_run(sim, 20), 1);
	ck_assert_int_eq(sim_now(sim), 20);
	ck_assert_uint_eq(sim_events_pending(sim), 1);
	ck_assert_int_eq(sim_timer_remaining(sim, &b.t), 10);
	/* an event exactly at the limit runs */
	ck_assert_uint_eq(sim_run(sim, 30), 1);
	ck_assert_str_eq(rec.log->str, "a@10 b@30 ");
	g_string_free(rec.log, TRUE);
	sim_free(sim);
}
END_TEST

/* ---- cancel semantics ---- */

struct self {
	struct sim_timer t;
	int fired;
	int mode;            /* 0 cancel self, 1 re-arm once, 2 cancel other */
	struct sim_timer *other;
};

static void self_fire(struct sim *sim, void *arg)
{
	struct self *s = arg;

	s->fired++;
	switch (s->mode) {
	case 0:
		sim_timer_cancel(sim, &s->t);          /* not pending any more: a no-op */
		ck_assert(!sim_timer_pending(&s->t));
		break;
	case 1:
		if (s->fired < 3)
			sim_timer_start(sim, &s->t, 100, self_fire, s);
		break;
	case 2:
		sim_timer_cancel(sim, s->other);
		break;
	}
}

static void never_fire(struct sim *sim, void *arg)
{
	(void)sim;
	(void)arg;
	ck_abort_msg("a cancelled timer fired");
}

START_TEST(test_cancel_never_started_and_twice)
{
	struct sim *sim = sim_new(1, 0);
	struct sim_timer t;

	sim_timer_init(&t);
	/* given a timer never started: cancel is harmless */
	sim_timer_cancel(sim, &t);
	ck_assert(!sim_timer_pending(&t));
	ck_assert_int_eq(sim_timer_remaining(sim, &t), -1);
	/* given a started one: cancelling twice is harmless and it never fires */
	sim_timer_start(sim, &t, 5, never_fire, NULL);
	ck_assert(sim_timer_pending(&t));
	sim_timer_cancel(sim, &t);
	sim_timer_cancel(sim, &t);
	ck_assert_uint_eq(sim_events_pending(sim), 0);
	ck_assert_uint_eq(sim_run(sim, SIM_TIME_NEVER), 0);
	sim_free(sim);
}
END_TEST

START_TEST(test_cancel_inside_handler)
{
	struct sim *sim = sim_new(1, 0);
	struct self s = { .mode = 0 };

	sim_timer_init(&s.t);
	sim_timer_start(sim, &s.t, 5, self_fire, &s);
	sim_run(sim, SIM_TIME_NEVER);
	ck_assert_int_eq(s.fired, 1);
	sim_free(sim);
}
END_TEST

START_TEST(test_rearm_inside_handler)
{
	/* given a timer that re-arms itself twice from its own handler */
	struct sim *sim = sim_new(1, 0);
	struct self s = { .mode = 1 };

	sim_timer_init(&s.t);
	sim_timer_start(sim, &s.t, 100, self_fire, &s);
	sim_run(sim, SIM_TIME_NEVER);
	/* then it fires three times, 100 ns apart */
	ck_assert_int_eq(s.fired, 3);
	ck_assert_int_eq(sim_now(sim), 300);
	sim_free(sim);
}
END_TEST

START_TEST(test_cancel_other_inside_handler)
{
	/* given two timers at one instant; the first cancels the second */
	struct sim *sim = sim_new(1, 0);
	struct sim_timer victim;
	struct self s = { .mode = 2, .other = &victim };

	sim_timer_init(&s.t);
	sim_timer_init(&victim);
	sim_timer_start(sim, &s.t, 5, self_fire, &s);
	sim_timer_start(sim, &victim, 5, never_fire, NULL);
	ck_assert_uint_eq(sim_run(sim, SIM_TIME_NEVER), 1);
	sim_free(sim);
}
END_TEST

/* ---- past scheduling aborts ---- */

static void noop(struct sim *sim, void *arg)
{
	(void)sim;
	(void)arg;
}

START_TEST(test_past_aborts)
{
	struct sim *sim = sim_new(1, 0);
	struct sim_timer t;

	sim_timer_init(&t);
	sim_timer_start(sim, &t, 100, noop, NULL);
	sim_run(sim, SIM_TIME_NEVER);
	/* the clock is at 100: scheduling at 50 must abort (the test expects SIGABRT) */
	sim_timer_start_at(sim, &t, 50, noop, NULL);
	sim_free(sim);
}
END_TEST

START_TEST(test_negative_delay_aborts)
{
	struct sim *sim = sim_new(1, 0);
	struct sim_timer t;

	sim_timer_init(&t);
	sim_timer_start(sim, &t, -1, noop, NULL);
	sim_free(sim);
}
END_TEST

/* ---- randomised comparison with a reference model ---- */

/*
 * 100,000 operations drawn at random (start, restart, cancel, step) on 500 timers, checked
 * against a reference that keeps (when, seq) per timer and finds the minimum by a linear scan.
 */
#define RND_TIMERS 500
#define RND_OPS 100000

struct rnd_world {
	struct sim_timer t[RND_TIMERS];
	bool ref_pending[RND_TIMERS];
	int64_t ref_when[RND_TIMERS];
	uint64_t ref_seq[RND_TIMERS];
	uint64_t ref_next_seq;
	int fired_idx;
};

static void rnd_fire(struct sim *sim, void *arg)
{
	struct rnd_world **wp = arg;
	struct rnd_world *w = wp[0];

	(void)sim;
	w->fired_idx = (int)((struct sim_timer *)wp[1] - w->t);
}

START_TEST(test_random_against_reference)
{
	struct sim *sim = sim_new(1, 0);
	struct rnd_world *w = g_new0(struct rnd_world, 1);
	void *args[RND_TIMERS][2];
	gsl_rng *r = sim_rng_new(sim, "test/random-ops");
	unsigned long fired = 0, cancels = 0;

	for (int i = 0; i < RND_TIMERS; i++) {
		sim_timer_init(&w->t[i]);
		args[i][0] = w;
		args[i][1] = &w->t[i];
	}
	for (int op = 0; op < RND_OPS; op++) {
		unsigned long kind = gsl_rng_uniform_int(r, 10);
		int i = (int)gsl_rng_uniform_int(r, RND_TIMERS);

		if (kind < 5) {
			/* start or restart; small delays make many ties */
			int64_t d = (int64_t)gsl_rng_uniform_int(r, 50);

			sim_timer_start(sim, &w->t[i], d, rnd_fire, args[i]);
			w->ref_pending[i] = true;
			w->ref_when[i] = sim_now(sim) + d;
			w->ref_seq[i] = w->ref_next_seq++;
		} else if (kind < 7) {
			sim_timer_cancel(sim, &w->t[i]);
			w->ref_pending[i] = false;
			cancels++;
		} else {
			/* step: the reference's minimum must be what fires */
			int best = -1;

			for (int j = 0; j < RND_TIMERS; j++) {
				if (!w->ref_pending[j])
					continue;
				if (best < 0 || w->ref_when[j] < w->ref_when[best] ||
				    (w->ref_when[j] == w->ref_when[best] &&
				     w->ref_seq[j] < w->ref_seq[best]))
					best = j;
			}
			w->fired_idx = -1;
			ck_assert_int_eq(sim_step(sim), best >= 0);
			ck_assert_int_eq(w->fired_idx, best);
			if (best >= 0) {
				ck_assert_int_eq(sim_now(sim), w->ref_when[best]);
				w->ref_pending[best] = false;
				fired++;
			}
		}
		/* the pending count agrees at every step */
		if (op % 1000 == 0) {
			size_t n = 0;

			for (int j = 0; j < RND_TIMERS; j++) {
				n += w->ref_pending[j];
				ck_assert_int_eq(sim_timer_pending(&w->t[j]), w->ref_pending[j]);
			}
			ck_assert_uint_eq(sim_events_pending(sim), n);
		}
	}
	ck_assert_uint_gt(fired, 10000);
	ck_assert_uint_gt(cancels, 10000);
	gsl_rng_free(r);
	sim_free(sim);
	g_free(w);
}
END_TEST

/* ---- one-shot events ---- */

static void count_fire(struct sim *sim, void *arg)
{
	int *n = arg;

	(*n)++;
	if (*n < 1000)
		sim_schedule(sim, 1, count_fire, n);
}

START_TEST(test_schedule_oneshot_chain)
{
	/* given a one-shot that schedules its successor 999 times (free-list reuse) */
	struct sim *sim = sim_new(1, 0);
	int n = 0;

	sim_schedule(sim, 0, count_fire, &n);
	sim_run(sim, SIM_TIME_NEVER);
	ck_assert_int_eq(n, 1000);
	ck_assert_int_eq(sim_now(sim), 999);
	/* pending one-shots at teardown are freed without running (ASan checks the leak) */
	for (int i = 0; i < 600; i++)
		sim_schedule(sim, 10 + i, noop, NULL);
	sim_free(sim);
}
END_TEST

/* ---- entities ---- */

struct thing {
	struct sim_entity ent;
	struct sim_timer t;
	int *destroyed;
	GString *order;
};

static void thing_destroy(struct sim_entity *e)
{
	struct thing *x = (struct thing *)e;

	sim_timer_cancel(e->sim, &x->t);
	(*x->destroyed)++;
	if (x->order)
		g_string_append_printf(x->order, "%s ", e->name);
	g_free(x);
}

static const struct sim_entity_ops thing_ops = { "thing", thing_destroy };

static void thing_suicide(struct sim *sim, void *arg)
{
	struct thing *x = arg;

	sim_entity_release(&x->ent);
	/* still alive until the handler returns: touching it is fine */
	ck_assert(x->ent.dying);
	ck_assert_int_eq(*x->destroyed, 0);
	ck_assert_ptr_eq(sim_entity_find(sim, "phone1"), &x->ent);
	sim_entity_release(&x->ent);   /* twice is harmless */
}

START_TEST(test_entity_deferred_destruction)
{
	struct sim *sim = sim_new(1, 0);
	int destroyed = 0;
	struct thing *x = g_new0(struct thing, 1);
	struct thing dup;

	x->destroyed = &destroyed;
	ck_assert_int_eq(sim_entity_init(sim, &x->ent, "phone1", &thing_ops), 0);
	/* a second entity with the same name is refused */
	ck_assert_int_eq(sim_entity_init(sim, &dup.ent, "phone1", &thing_ops), EEXIST);
	sim_timer_init(&x->t);
	sim_timer_start(sim, &x->t, 10, thing_suicide, x);
	sim_run(sim, SIM_TIME_NEVER);
	/* then it was destroyed after its handler returned */
	ck_assert_int_eq(destroyed, 1);
	ck_assert_ptr_null(sim_entity_find(sim, "phone1"));
	sim_free(sim);
}
END_TEST

START_TEST(test_entity_teardown_order)
{
	/* given three entities, one with a pending timer: sim_free destroys newest first */
	struct sim *sim = sim_new(1, 0);
	int destroyed = 0;
	GString *order = g_string_new(NULL);
	const char *names[] = { "a", "b", "c" };

	for (int i = 0; i < 3; i++) {
		struct thing *x = g_new0(struct thing, 1);

		x->destroyed = &destroyed;
		x->order = order;
		sim_timer_init(&x->t);
		ck_assert_int_eq(sim_entity_init(sim, &x->ent, names[i], &thing_ops), 0);
		sim_timer_start(sim, &x->t, 1000, noop, NULL);
	}
	/* releasing outside dispatch destroys at once */
	sim_entity_release(sim_entity_find(sim, "b"));
	ck_assert_int_eq(destroyed, 1);
	sim_free(sim);
	ck_assert_int_eq(destroyed, 3);
	ck_assert_str_eq(order->str, "b c a ");
	g_string_free(order, TRUE);
}
END_TEST

/* ---- RNG streams ---- */

START_TEST(test_rng_streams_independent)
{
	/* given a world with phone1's stream */
	struct sim *a = sim_new(42, 0), *b = sim_new(42, 0);
	gsl_rng *a1 = sim_rng_new(a, "phone1");
	gsl_rng *b0, *b1, *b2;
	unsigned long xa[100], xb[100];

	for (int i = 0; i < 100; i++)
		xa[i] = gsl_rng_get(a1);
	/* when another world creates other streams first and draws from them */
	b0 = sim_rng_new(b, "phone0");
	for (int i = 0; i < 1000; i++)
		gsl_rng_get(b0);
	b1 = sim_rng_new(b, "phone1");
	b2 = sim_rng_new(b, "phone2");
	for (int i = 0; i < 100; i++) {
		gsl_rng_get(b2);
		xb[i] = gsl_rng_get(b1);
	}
	/* then phone1's draws are the same */
	ck_assert_mem_eq(xa, xb, sizeof xa);
	/* and different names, seeds and replications give different streams */
	ck_assert_uint_ne(sim_rng_seed_for(42, 0, "phone1"), sim_rng_seed_for(42, 0, "phone2"));
	ck_assert_uint_ne(sim_rng_seed_for(42, 0, "phone1"), sim_rng_seed_for(43, 0, "phone1"));
	ck_assert_uint_ne(sim_rng_seed_for(42, 0, "phone1"), sim_rng_seed_for(42, 1, "phone1"));
	gsl_rng_free(a1);
	gsl_rng_free(b0);
	gsl_rng_free(b1);
	gsl_rng_free(b2);
	sim_free(a);
	sim_free(b);
}
END_TEST

START_TEST(test_rng_known_values)
{
	/* the seed derivation is part of the reproducibility contract: pin it */
	ck_assert_uint_eq(sim_rng_seed_for(1, 0, ""), sim_rng_seed_for(1, 0, ""));
	gsl_rng *r = sim_rng_new_seeded(1, 0, "phone1");
	gsl_rng *r2 = sim_rng_new_seeded(1, 0, "phone1");
	double m = 0;

	for (int i = 0; i < 100000; i++) {
		double u = gsl_rng_uniform(r);

		ck_assert(u == gsl_rng_uniform(r2));
		m += u;
	}
	/* a sane uniform stream: mean within 5 sigma of 0.5 (sigma = 0.2887/sqrt(n)) */
	ck_assert_double_eq_tol(m / 100000, 0.5, 5 * 0.2887 / 316.2);
	gsl_rng_free(r);
	gsl_rng_free(r2);
}
END_TEST

START_TEST(test_entity_rng_named)
{
	struct sim *sim = sim_new(7, 2);
	struct thing *x = g_new0(struct thing, 1);
	int destroyed = 0;
	gsl_rng *ref = sim_rng_new_seeded(7, 2, "SIPP1");

	x->destroyed = &destroyed;
	sim_timer_init(&x->t);
	sim_entity_init(sim, &x->ent, "SIPP1", &thing_ops);
	for (int i = 0; i < 10; i++)
		ck_assert_uint_eq(gsl_rng_get(sim_entity_rng(&x->ent)), gsl_rng_get(ref));
	gsl_rng_free(ref);
	sim_free(sim);
	ck_assert_int_eq(destroyed, 1);
}
END_TEST

/* ---- trace bus ---- */

struct tsub {
	struct sim *sim;
	GString *log;
	const char *name;
	struct sim_trace_sub *self;
	struct sim_trace_sub *victim;    /* unsubscribed on first call */
	struct tsub *spawn;              /* subscribed on first call */
	int calls;
	bool unsub_self;                 /* unsubscribes itself on first call */
};

static void tsub_h(const struct sim_trace_point *tp, void *arg)
{
	struct tsub *s = arg;

	s->calls++;
	g_string_append_printf(s->log, "%s:%s ", s->name, (const char *)tp->payload);
	if (s->calls == 1 && s->victim)
		sim_trace_unsubscribe(s->sim, s->victim);
	if (s->calls == 1 && s->spawn)
		s->spawn->self = sim_trace_subscribe(s->sim, SIM_TRACE_LOG, tsub_h, s->spawn);
	if (s->calls == 1 && s->unsub_self)
		sim_trace_unsubscribe(s->sim, s->self);
}

START_TEST(test_trace_dispatch_changes)
{
	struct sim *sim = sim_new(1, 0);
	GString *log = g_string_new(NULL);
	struct tsub late = { sim, log, "late", NULL, NULL, NULL, 0, false };
	struct tsub self = { sim, log, "self", NULL, NULL, NULL, 0, true };
	struct tsub c = { sim, log, "c", NULL, NULL, NULL, 0, false };
	struct tsub a = { sim, log, "a", NULL, NULL, &late, 0, false };
	struct tsub b = { sim, log, "b", NULL, NULL, NULL, 0, false };

	/* nobody listens yet */
	ck_assert(!sim_trace_wanted(sim, SIM_TRACE_LOG));
	a.self = sim_trace_subscribe(sim, SIM_TRACE_LOG, tsub_h, &a);
	b.self = sim_trace_subscribe(sim, SIM_TRACE_LOG, tsub_h, &b);
	self.self = sim_trace_subscribe(sim, SIM_TRACE_LOG, tsub_h, &self);
	c.self = sim_trace_subscribe(sim, SIM_TRACE_LOG, tsub_h, &c);
	b.victim = c.self;              /* b removes c during the first dispatch */
	ck_assert(sim_trace_wanted(sim, SIM_TRACE_LOG));
	ck_assert(!sim_trace_wanted(sim, SIM_TRACE_CALL));
	sim_trace_emit(sim, SIM_TRACE_LOG, NULL, "1");
	sim_trace_emit(sim, SIM_TRACE_LOG, NULL, "2");
	/* first point: a adds late (not called yet), b removes c (not called), self removes
	   itself after its call; second point: late is called, c and self are not */
	ck_assert_str_eq(log->str, "a:1 b:1 self:1 a:2 b:2 late:2 ");
	sim_trace_unsubscribe(sim, a.self);
	sim_trace_unsubscribe(sim, b.self);
	sim_trace_unsubscribe(sim, late.self);
	sim_trace_unsubscribe(sim, NULL);
	ck_assert(!sim_trace_wanted(sim, SIM_TRACE_LOG));
	g_string_free(log, TRUE);
	sim_free(sim);
}
END_TEST

/* Two runs of a small random world with one seed produce identical trace logs. */
struct pinger {
	struct sim_entity ent;
	struct sim_timer t;
	int left;
};

static void pinger_destroy(struct sim_entity *e)
{
	struct pinger *p = (struct pinger *)e;

	sim_timer_cancel(e->sim, &p->t);
	g_free(p);
}

static const struct sim_entity_ops pinger_ops = { "pinger", pinger_destroy };

static void pinger_fire(struct sim *sim, void *arg)
{
	struct pinger *p = arg;
	char msg[64];

	g_snprintf(msg, sizeof msg, "%s ping %d", p->ent.name, p->left);
	sim_trace_emit(sim, SIM_TRACE_LOG, p->ent.name, msg);
	if (--p->left > 0)
		sim_timer_start(sim, &p->t,
				(int64_t)(gsl_ran_exponential(sim_entity_rng(&p->ent), 1.0) * SIM_S),
				pinger_fire, p);
}

static void log_line(const struct sim_trace_point *tp, void *arg)
{
	g_string_append_printf(arg, "%" G_GINT64_FORMAT " %s\n", tp->time,
			       (const char *)tp->payload);
}

static char *run_world(uint64_t seed)
{
	struct sim *sim = sim_new(seed, 0);
	GString *log = g_string_new(NULL);

	sim_trace_subscribe(sim, SIM_TRACE_LOG, log_line, log);
	for (int i = 0; i < 20; i++) {
		struct pinger *p = g_new0(struct pinger, 1);
		char name[16];

		g_snprintf(name, sizeof name, "p%d", i);
		sim_entity_init(sim, &p->ent, name, &pinger_ops);
		sim_timer_init(&p->t);
		p->left = 50;
		sim_timer_start(sim, &p->t, 0, pinger_fire, p);
	}
	sim_run(sim, SIM_TIME_NEVER);
	sim_free(sim);
	return g_string_free(log, FALSE);
}

START_TEST(test_same_seed_same_trace)
{
	char *a = run_world(99), *b = run_world(99), *c = run_world(100);

	ck_assert_uint_gt(strlen(a), 1000);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	g_free(a);
	g_free(b);
	g_free(c);
}
END_TEST

static Suite *kernel_suite(void)
{
	Suite *s = suite_create("kernel");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_order_by_time);
	tcase_add_test(tc, test_fifo_ties);
	tcase_add_test(tc, test_restart_moves_to_back_of_ties);
	tcase_add_test(tc, test_run_until);
	tcase_add_test(tc, test_cancel_never_started_and_twice);
	tcase_add_test(tc, test_cancel_inside_handler);
	tcase_add_test(tc, test_rearm_inside_handler);
	tcase_add_test(tc, test_cancel_other_inside_handler);
	tcase_add_test_raise_signal(tc, test_past_aborts, SIGABRT);
	tcase_add_test_raise_signal(tc, test_negative_delay_aborts, SIGABRT);
	tcase_add_test(tc, test_random_against_reference);
	tcase_add_test(tc, test_schedule_oneshot_chain);
	tcase_add_test(tc, test_entity_deferred_destruction);
	tcase_add_test(tc, test_entity_teardown_order);
	tcase_add_test(tc, test_rng_streams_independent);
	tcase_add_test(tc, test_rng_known_values);
	tcase_add_test(tc, test_entity_rng_named);
	tcase_add_test(tc, test_trace_dispatch_changes);
	tcase_add_test(tc, test_same_seed_same_trace);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kernel_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
