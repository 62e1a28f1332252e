/*
 * bench/kernel - events per second of the kernel, against the floor and SimPy.
 *
 * The model is the M/M/c/c loss system (c = 64, A = 56 erlangs, mean holding time 180 s):
 * 20 replications of 50,000 measured arrivals after 5,000 warm-up arrivals (BENCH_QUICK=1:
 * 20 x 5,000). It runs three ways in the same process:
 *   kernel  models/erlang/mmcc.c on struct sim (entities, embedded timers, the indexed heap);
 *   floor   the same model as a plain loop over a bare binary heap of (time, seq, kind) structs:
 *           no entities, no handlers, no cancel support - what a hand-written simulator costs;
 *   simpy   the same model in SimPy 2.3 (Debian python3-simpy), when it can be imported.
 * The floor replays exactly the kernel's random draws (same named streams, same order), so both
 * must report the same blocking: a cheap end-to-end check of the kernel's event order.
 * erlang_b_inside_ci is a 95 % statement: for a fixed seed a correct kernel misses it with
 * probability 0.05, so erlang_b_inside_ci999 is printed too.
 * Output: key=value lines. Wall-clock time is read here only; never inside a model.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <gsl/gsl_randist.h>

#include "models/erlang/mmcc.h"
#include "sim/sim.h"
#include "sim/stats.h"

#define REPS 20
#define SEED 1

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the floor: a bare binary heap ---- */

struct fev {
	int64_t t;
	uint64_t seq;
	int kind;                 /* -1 arrival, else index of the departing server */
};

static inline bool fev_before(const struct fev *a, const struct fev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void fpush(struct fev *h, size_t *n, struct fev e)
{
	size_t i = (*n)++;

	while (i > 0 && fev_before(&e, &h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = e;
}

static struct fev fpop(struct fev *h, size_t *n)
{
	struct fev top = h[0], last = h[--(*n)];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && fev_before(&h[c + 1], &h[c]))
			c++;
		if (!fev_before(&h[c], &last))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = last;
	return top;
}

static int64_t secs(double s)
{
	return (int64_t)(s * (double)SIM_S + 0.5);
}

/* One replication on the floor; returns its blocked count and adds its events to *events. */
static uint64_t floor_run(const struct mmcc_params *p, unsigned rep, uint64_t *events)
{
	gsl_rng *arr = sim_rng_new_seeded(SEED, rep, "mmcc");
	gsl_rng *svc = sim_rng_new_seeded(SEED, rep, "mmcc/service");
	struct fev *heap = g_new(struct fev, p->servers + 2);
	unsigned *free_stack = g_new(unsigned, p->servers);
	unsigned nfree = p->servers;
	size_t n = 0;
	uint64_t seq = 0, seen = 0, blocked = 0;
	double iat = p->mean_hold_s / p->offered;

	for (unsigned i = 0; i < p->servers; i++)
		free_stack[i] = p->servers - 1 - i;
	fpush(heap, &n, (struct fev){ secs(gsl_ran_exponential(arr, iat)), seq++, -1 });
	while (n) {
		struct fev e = fpop(heap, &n);

		(*events)++;
		if (e.kind >= 0) {
			free_stack[nfree++] = (unsigned)e.kind;
			continue;
		}
		seen++;
		if (nfree) {
			unsigned s = free_stack[--nfree];

			fpush(heap, &n, (struct fev){ e.t + secs(gsl_ran_exponential(svc, p->mean_hold_s)),
						     seq++, (int)s });
		} else if (seen > p->warmup) {
			blocked++;
		}
		if (seen < p->warmup + p->arrivals)
			fpush(heap, &n, (struct fev){ e.t + secs(gsl_ran_exponential(arr, iat)),
						     seq++, -1 });
		else
			break;
	}
	gsl_rng_free(arr);
	gsl_rng_free(svc);
	g_free(heap);
	g_free(free_stack);
	return blocked;
}

/* ---- SimPy ---- */

/* Runs bench/kernel_simpy.py; returns its events per second, or NAN (with *why) if it cannot. */
static double simpy_run(const struct mmcc_params *p, double *blocking, const char **why)
{
	const char *py = getenv("PYTHON");
	const char *src = getenv("top_srcdir");
	char *cmd;
	FILE *f;
	char line[256];
	double eps = NAN;

	if (!py || !*py)
		py = "/usr/bin/python3";
	if (!src || !*src)
		src = TOP_SRCDIR;
	/* SimPy runs one replication of the same size: it is ~40x slower than C. */
	cmd = g_strdup_printf("'%s' '%s/bench/kernel_simpy.py' %u %g %g %" G_GUINT64_FORMAT " %"
			      G_GUINT64_FORMAT " 2>&1", py, src, p->servers, p->offered,
			      p->mean_hold_s, p->warmup, p->arrivals);
	f = popen(cmd, "r");
	g_free(cmd);
	*why = "python3 with SimPy 2.3 (Debian python3-simpy) not found";
	if (!f)
		return NAN;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "simpy_events_per_s=%lf", &eps) == 1)
			continue;
		sscanf(line, "simpy_blocking=%lf", blocking);
	}
	if (pclose(f) != 0)
		return NAN;
	return eps;
}

int main(void)
{
	bool quick = getenv("BENCH_QUICK") && strcmp(getenv("BENCH_QUICK"), "0") != 0;
	struct mmcc_params p = { 64, 56.0, 180.0, quick ? 500 : 5000, quick ? 5000 : 50000 };
	double blocking[REPS];
	uint64_t kev = 0, fev = 0, fblocked[REPS];
	double t0, tk, tf, eps, feps, seps, sblock = NAN;
	struct sim_ci ci, ci999;
	double b = sim_erlang_b(p.servers, p.offered);
	const char *why = NULL;
	bool same = true;

	/* Each side runs once untimed first, so neither pays for page faults of the other. */
	for (unsigned r = 0; r < REPS; r++) {
		struct mmcc_result res;

		mmcc_run(&p, SEED, r, &res);
		(void)floor_run(&p, r, &fev);
	}
	kev = fev = 0;

	t0 = wall();
	for (unsigned r = 0; r < REPS; r++) {
		struct mmcc_result res;

		mmcc_run(&p, SEED, r, &res);
		blocking[r] = res.blocking;
		kev += res.events;
	}
	tk = wall() - t0;

	t0 = wall();
	for (unsigned r = 0; r < REPS; r++)
		fblocked[r] = floor_run(&p, r, &fev);
	tf = wall() - t0;
	for (unsigned r = 0; r < REPS; r++)
		same = same && (double)fblocked[r] / (double)p.arrivals == blocking[r];

	eps = (double)kev / tk;
	feps = (double)fev / tf;
	seps = simpy_run(&p, &sblock, &why);
	ci = sim_ci_compute(blocking, REPS, 0.95);
	ci999 = sim_ci_compute(blocking, REPS, 0.999);

	printf("model=M/M/%u/%u offered=%g replications=%d arrivals=%" G_GUINT64_FORMAT
	       " warmup=%" G_GUINT64_FORMAT " quick=%s\n", p.servers, p.servers, p.offered, REPS,
	       (uint64_t)REPS * p.arrivals, p.warmup, quick ? "yes" : "no");
	printf("events=%" G_GUINT64_FORMAT "\n", kev);
	printf("events_per_s=%.0f\n", eps);
	printf("floor_events_per_s=%.0f\n", feps);
	printf("floor_same_blocking=%s\n", same && fev == kev ? "yes" : "no");
	if (isnan(seps)) {
		printf("simpy_events_per_s=NA\n");
		printf("ratio_simpy=NA\n");
		printf("simpy_skipped=%s\n", why);
	} else {
		printf("simpy_events_per_s=%.0f\n", seps);
		printf("simpy_blocking=%.5f\n", sblock);
	}
	printf("ratio_floor=%.2f\n", eps / feps);
	if (!isnan(seps))
		printf("ratio_simpy=%.1f\n", eps / seps);
	printf("blocking=%.5f\n", ci.mean);
	printf("blocking_ci95=%.5f\n", ci.half_width);
	printf("erlang_b=%.5f\n", b);
	printf("erlang_b_inside_ci=%s\n", sim_ci_contains(&ci, b) ? "yes" : "no");
	printf("erlang_b_inside_ci999=%s\n", sim_ci_contains(&ci999, b) ? "yes" : "no");
	/* A floor that disagrees means the kernel did not run the events in (time, seq) order. */
	return same && fev == kev ? 0 : 1;
}
