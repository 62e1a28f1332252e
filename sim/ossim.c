/*
 * ossim.c - the command: parses the command line and dispatches to the sub-commands.
 *
 * This is the one file of sim/ that includes the models: it wires the kernel, the models and
 * the outputs together. Exit status: 0 ok, 1 a check failed or a message is invalid, 2 bad
 * input (command line, files).
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "models/erlang/mmcc.h"
#include "models/osmodel.h"
#include "models/sip/lint.h"
#include "output/diff.h"
#include "output/ladder.h"
#include "scenarios/scenario.h"
#include "scenarios/world.h"
#include "sim/stats.h"

#define EXIT_CHECK_FAILED 1
#define EXIT_BAD_INPUT 2

/* ---- selfcheck: the kernel's M/M/c/c model against Erlang B ---- */

static int cmd_selfcheck(int argc, char **argv)
{
	gint64 seed = 1;
	gint reps = 20;
	gint64 calls = 50000;
	gint servers = 64;
	gdouble offered = 56.0;
	GError *err = NULL;
	GOptionEntry entries[] = {
		{ "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Scenario seed (default 1)", "N" },
		{ "replications", 'r', 0, G_OPTION_ARG_INT, &reps,
		  "Independent replications (default 20)", "R" },
		{ "calls", 'n', 0, G_OPTION_ARG_INT64, &calls,
		  "Measured calls per replication (default 50000)", "N" },
		{ "servers", 'c', 0, G_OPTION_ARG_INT, &servers, "Servers c (default 64)", "C" },
		{ "offered", 'a', 0, G_OPTION_ARG_DOUBLE, &offered,
		  "Offered load in erlangs (default 56)", "A" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("- the kernel's self-check");
	struct mmcc_params p;
	double *blocking;
	double *occupancy;
	struct sim_ci ci, ci999, occ;
	double b;
	uint64_t events = 0;
	bool inside, inside999;

	g_option_context_set_summary(ctx,
		"Runs an M/M/c/c loss system (Poisson calls, exponential holding times, c servers)\n"
		"on the simulation kernel and compares its blocking with the Erlang B formula.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "ossim selfcheck: %s\n", err->message);
		g_error_free(err);
		g_option_context_free(ctx);
		return EXIT_BAD_INPUT;
	}
	g_option_context_free(ctx);
	if (argc > 1 || reps < 2 || calls < 1 || servers < 1 || !(offered > 0) || seed < 0) {
		fprintf(stderr, "ossim selfcheck: need 2+ replications, 1+ calls and servers, a "
			"positive load and a seed >= 0 (see --help)\n");
		return EXIT_BAD_INPUT;
	}

	p = (struct mmcc_params){ (unsigned)servers, offered, 180.0, (uint64_t)calls / 10,
				  (uint64_t)calls };
	blocking = g_new(double, reps);
	occupancy = g_new(double, reps);
	for (int r = 0; r < reps; r++) {
		struct mmcc_result res;

		mmcc_run(&p, (uint64_t)seed, (unsigned)r, &res);
		blocking[r] = res.blocking;
		occupancy[r] = res.occupancy;
		events += res.events;
	}
	ci = sim_ci_compute(blocking, (size_t)reps, 0.95);
	occ = sim_ci_compute(occupancy, (size_t)reps, 0.95);
	b = sim_erlang_b(p.servers, p.offered);
	/* A correct kernel misses the 95 % interval for one seed in twenty: that is what 95 %
	   means. The verdict therefore uses the 99.9 % interval (a false alarm in 1,000 runs);
	   the 95 % interval is reported as well. */
	ci999 = sim_ci_compute(blocking, (size_t)reps, 0.999);
	inside = sim_ci_contains(&ci, b);
	inside999 = sim_ci_contains(&ci999, b);

	printf("ossim %s: kernel self-check, M/M/c/c loss system against Erlang B\n",
	       PACKAGE_VERSION);
	printf("  servers c            %u\n", p.servers);
	printf("  offered load A       %.2f erlangs (mean holding time %.0f s)\n", p.offered,
	       p.mean_hold_s);
	printf("  replications         %d x %" G_GUINT64_FORMAT " calls after %" G_GUINT64_FORMAT
	       " warm-up calls, seed %" G_GINT64_FORMAT "\n", reps, p.arrivals, p.warmup, seed);
	printf("  kernel events        %" G_GUINT64_FORMAT "\n", events);
	printf("  blocking, simulated  %.5f +/- %.5f (95 %% CI, Student t, %d d.f.)\n", ci.mean,
	       ci.half_width, reps - 1);
	printf("  blocking, Erlang B   %.5f\n", b);
	printf("  carried load         %.3f +/- %.3f erlangs (theory A(1-B) = %.3f)\n", occ.mean,
	       occ.half_width, p.offered * (1 - b));
	printf("  Erlang B inside      95 %% CI: %s, 99.9 %% CI [%.5f, %.5f]: %s\n",
	       inside ? "yes" : "no (expected for 1 seed in 20)", ci999.lo, ci999.hi,
	       inside999 ? "yes" : "no");
	printf("  result               %s\n", inside999 ?
	       "PASS: the kernel reproduces Erlang B" :
	       "FAIL: Erlang B lies outside the 99.9 % confidence interval");
	g_free(blocking);
	g_free(occupancy);
	return inside999 ? EXIT_SUCCESS : EXIT_CHECK_FAILED;
}

/* ---- sip: tools for SIP messages ---- */

static int cmd_sip(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "lint"))
		return sip_lint_main(argc - 1, argv + 1);
	fprintf(argc >= 2 && strcmp(argv[1], "--help") ? stderr : stdout,
		"Usage: ossim sip lint FILE...   ('-' reads standard input)\n"
		"Parses each file as one SIP message: 'FILE: ok <METHOD or status>' or\n"
		"'FILE: invalid: <reason>' (what a server must reject with 400).\n"
		"Exit status: 0 all ok, 1 some invalid, 2 a file cannot be read.\n");
	return argc >= 2 && !strcmp(argv[1], "--help") ? EXIT_SUCCESS : EXIT_BAD_INPUT;
}


/* ---- run and check: a scenario through the world, the ladder out ---- */

/* What one run of a scenario produced (all text; nothing written yet). */
struct run_out {
	GString *ladder, *messages, *status, *access, *log;
};

static void run_out_free(struct run_out *o)
{
	g_string_free(o->ladder, TRUE);
	g_string_free(o->messages, TRUE);
	g_string_free(o->status, TRUE);
	g_string_free(o->access, TRUE);
	g_string_free(o->log, TRUE);
}

/* Runs scenario S with SEED into O. False (with ERR) when the world cannot be built. */
static bool run_scenario(const struct scenario *s, uint64_t seed, struct run_out *o,
			 GError **err)
{
	struct world *w = world_new(s, seed, 0, err);
	struct ladder *l;
	char *title;

	if (w == NULL)
		return false;
	l = ladder_new(world_sim(w));
	for (const char *const *lane = world_lanes(w); *lane; lane++)
		ladder_lane(l, *lane);
	world_run(w);
	o->ladder = g_string_new("");
	o->messages = g_string_new("");
	o->status = g_string_new("");
	o->access = g_string_new("");
	o->log = g_string_new(world_action_log(w));
	title = g_strdup_printf("%s (seed %" G_GUINT64_FORMAT ")", s->name, seed);
	ladder_write_text(l, title, o->ladder);
	g_free(title);
	ladder_write_messages(l, o->messages);
	world_write_status(w, o->status);
	world_write_access_log(w, o->access);
	ladder_free(l);
	world_free(w);
	return true;
}

/* Writes CONTENTS to DIR/NAME atomically (a temporary file renamed: never half-written). */
static bool write_file(const char *dir, const char *name, const GString *contents)
{
	char *path = g_build_filename(dir, name, NULL);
	GError *err = NULL;
	bool ok = g_file_set_contents(path, contents->str, (gssize)contents->len, &err);

	if (!ok) {
		fprintf(stderr, "ossim: %s\n", err->message);
		g_error_free(err);
	}
	g_free(path);
	return ok;
}

/* Writes a run's files into DIR (created when missing). */
static bool write_run(const char *dir, const struct run_out *o)
{
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		fprintf(stderr, "ossim: cannot create the output directory %s: %s\n", dir,
			g_strerror(errno));
		return false;
	}
	return write_file(dir, "ladder.txt", o->ladder) &&
	       write_file(dir, "messages.txt", o->messages) &&
	       write_file(dir, "sip-phone-status.txt", o->status) &&
	       write_file(dir, "access-information.txt", o->access) &&
	       write_file(dir, "run.log", o->log);
}

/* Loads PATH; prints the problems and returns NULL when it is not a valid scenario. */
static struct scenario *load_scenario(const char *path)
{
	GError *err = NULL;
	struct scenario *s = scenario_load(path, NULL, &err);

	if (s == NULL) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
	}
	return s;
}

/* `ossim run SCENARIO [-o DIR] [--seed N]`, and the demo (PRINT: print the ladder). */
static int run_main(const char *path, const char *dir, gint64 seed, bool print)
{
	struct scenario *s = load_scenario(path);
	struct run_out o;
	GError *err = NULL;
	bool ok;

	if (s == NULL)
		return EXIT_BAD_INPUT;
	if (!run_scenario(s, seed >= 0 ? (uint64_t)seed : s->seed, &o, &err)) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		scenario_free(s);
		return EXIT_BAD_INPUT;
	}
	ok = write_run(dir, &o);
	if (ok && print)
		fputs(o.ladder->str, stdout);
	if (ok)
		printf("%s: %s, wrote %s/ladder.txt, messages.txt, sip-phone-status.txt, "
		       "access-information.txt\n", path, s->name, dir);
	if (o.log->len > 0)
		fprintf(stderr, "%s: script actions that did not apply:\n%s", path, o.log->str);
	run_out_free(&o);
	scenario_free(s);
	return ok ? EXIT_SUCCESS : EXIT_BAD_INPUT;
}

static int cmd_run(int argc, char **argv)
{
	gchar *dir = NULL;
	gint64 seed = -1;
	GError *err = NULL;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &dir,
		  "Output directory (default ossim-out)", "DIR" },
		{ "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
		  "Seed (default: the scenario's <seed>)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("SCENARIO - run a scenario");
	int rc;

	g_option_context_set_summary(ctx,
		"Runs the scenario and writes DIR/ladder.txt (the ladder diagram), messages.txt\n"
		"(every SIP message in full), sip-phone-status.txt (DM 6.2.3 at the end),\n"
		"access-information.txt (DM 5.2.21) and run.log (script actions that did not apply).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 2 || seed < -1) {
		fprintf(stderr, "ossim run: %s\n", err ? err->message :
			argc != 2 ? "expected exactly one SCENARIO file" : "the seed must be >= 0");
		g_clear_error(&err);
		g_option_context_free(ctx);
		g_free(dir);
		return EXIT_BAD_INPUT;
	}
	g_option_context_free(ctx);
	rc = run_main(argv[1], dir ? dir : "ossim-out", seed, false);
	g_free(dir);
	return rc;
}

/* Compares one scenario's ladder with GOLDEN/<name>.ladder, or rewrites it with UPDATE.
 * Returns an exit status. */
static int check_one(const char *path, const char *golden, bool update)
{
	struct scenario *s = load_scenario(path);
	struct run_out o;
	GError *err = NULL;
	char *name, *file, *want = NULL;
	int rc = EXIT_SUCCESS;

	if (s == NULL)
		return EXIT_BAD_INPUT;
	if (!run_scenario(s, s->seed, &o, &err)) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		scenario_free(s);
		return EXIT_BAD_INPUT;
	}
	name = g_strconcat(s->name, ".ladder", NULL);
	file = g_build_filename(golden, name, NULL);
	if (update) {
		if (g_mkdir_with_parents(golden, 0755) != 0 || !write_file(golden, name, o.ladder))
			rc = EXIT_BAD_INPUT;
		else
			printf("%s: updated %s\n", path, file);
	} else if (!g_file_get_contents(file, &want, NULL, NULL)) {
		printf("%s: FAIL: no golden ladder %s (create it with --update)\n", path, file);
		rc = EXIT_CHECK_FAILED;
	} else {
		GString *d = g_string_new("");
		char *run_name = g_strdup_printf("%s (this run)", path);

		if (diff_unified(file, want, run_name, o.ladder->str, d)) {
			printf("%s: FAIL: the ladder differs from %s\n%s", path, file, d->str);
			rc = EXIT_CHECK_FAILED;
		} else {
			printf("%s: ok\n", path);
		}
		g_free(run_name);
		g_string_free(d, TRUE);
	}
	g_free(want);
	g_free(file);
	g_free(name);
	run_out_free(&o);
	scenario_free(s);
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	gchar *golden = NULL;
	gboolean update = FALSE;
	GError *err = NULL;
	GOptionEntry entries[] = {
		{ "golden", 'g', 0, G_OPTION_ARG_FILENAME, &golden,
		  "Directory of golden ladders (default tests/golden)", "DIR" },
		{ "update", 'u', 0, G_OPTION_ARG_NONE, &update,
		  "Rewrite the golden ladders instead of comparing", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("SCENARIO... - compare ladders with golden ones");
	int rc = EXIT_SUCCESS;

	g_option_context_set_summary(ctx,
		"Runs each scenario with its own seed and compares its text ladder with\n"
		"DIR/<scenario name>.ladder. A difference prints a unified diff.\n"
		"Exit status: 0 all equal, 1 a ladder differs or is missing, 2 bad input.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc < 2) {
		fprintf(stderr, "ossim check: %s\n", err ? err->message :
			"expected at least one SCENARIO file");
		g_clear_error(&err);
		g_option_context_free(ctx);
		g_free(golden);
		return EXIT_BAD_INPUT;
	}
	g_option_context_free(ctx);
	for (int i = 1; i < argc; i++) {
		int r = check_one(argv[i], golden ? golden : "tests/golden", update);

		/* Bad input outranks a failed check. */
		if (r == EXIT_BAD_INPUT || (r == EXIT_CHECK_FAILED && rc == EXIT_SUCCESS))
			rc = r;
	}
	g_free(golden);
	return rc;
}

/* The built-in demonstration: scenarios/demo.xml into ./ossim-out, ladder printed. */
static int cmd_demo(void)
{
	char *path = osmodel_data_path("scenarios/demo.xml");
	int rc = run_main(path, "ossim-out", -1, true);

	g_free(path);
	return rc;
}

/* ---- dispatch ---- */

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "run", cmd_run, "run a scenario: ladder, messages and DM views into a directory" },
	{ "check", cmd_check, "compare scenarios' ladders with golden ones" },
	{ "validate", scenario_validate_main, "check scenario files without running them" },
	{ "selfcheck", cmd_selfcheck, "the kernel's M/M/c/c model against Erlang B" },
	{ "sip", cmd_sip, "sip lint FILE...: check SIP messages as a server would" },
	{ "models", osmodel_models_main, "the per-model OfficeServ capacity table" },
	{ NULL, NULL, NULL }
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: ossim [COMMAND [OPTIONS...]]\n\n"
		"ossim simulates a Samsung OfficeServ call server and its SIP phones.\n"
		"With no command it runs the built-in demonstration.\n\nCommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\n'ossim COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C");
	if (argc < 2)
		return cmd_demo();
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ossim %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "ossim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_BAD_INPUT;
}
