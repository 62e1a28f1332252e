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
#include "models/officeserv/officeserv.h"
#include "models/osmodel.h"
#include "models/sip/lint.h"
#include "output/diff.h"
#include "output/ladder.h"
#include "output/ladder_gv.h"
#include "output/metrics.h"
#include "output/pcap.h"
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
	GString *pcap;                   /* capture.pcap: binary, in a GString for write_file */
	struct metrics_run metrics;
};

static void run_out_free(struct run_out *o)
{
	g_string_free(o->ladder, TRUE);
	g_string_free(o->messages, TRUE);
	g_string_free(o->status, TRUE);
	g_string_free(o->access, TRUE);
	g_string_free(o->log, TRUE);
	g_string_free(o->pcap, TRUE);
	metrics_run_clear(&o->metrics);
}

/* The metrics collector's view of scenario S. */
static void run_metrics_cfg(const struct scenario *s, struct metrics_cfg *mc)
{
	struct officeserv_cfg oc;

	officeserv_cfg_init(&oc);
	mc->server = oc.name;
	mc->mgi_pool = oc.mgi_name;
	mc->mps_pool = oc.mps_name;
	mc->mgi_capacity = os_dm_mgi_ports(&s->system);
	mc->mps_capacity = s->system.mps_channels;
	mc->duration_ns = s->duration_ns;
}

/* The ladder pictures `ossim run --format` can write, and the bits of all of them. */
static const char *const picture_formats[] = { "svg", "png", "pdf" };
#define PICTURES_ALL ((1u << G_N_ELEMENTS(picture_formats)) - 1)

/* Runs scenario S with SEED, replication 0, into O: the ladder, the messages, the DM views and
 * the metrics; and when DIR is given, the ladder pictures named in FORMATS (a bit per entry of
 * picture_formats) into DIR/ladder.<format>, created once the run succeeded. False (with ERR)
 * when the world cannot be built or a picture cannot be written. */
static bool run_scenario(const struct scenario *s, uint64_t seed, struct run_out *o,
			 const char *dir, unsigned formats, GError **err)
{
	struct world *w = world_new(s, seed, 0, err);
	struct metrics_cfg mc;
	struct metrics *m;
	struct pcap_writer *pw;
	const GByteArray *cap;
	struct ladder *l;
	char *title;

	if (w == NULL)
		return false;
	pw = pcap_writer_new(world_sim(w));
	l = ladder_new(world_sim(w));
	for (const char *const *lane = world_lanes(w); *lane; lane++)
		ladder_lane(l, *lane);
	run_metrics_cfg(s, &mc);
	m = metrics_new(world_sim(w), &mc);
	world_run(w);
	o->ladder = g_string_new("");
	o->messages = g_string_new("");
	o->status = g_string_new("");
	o->access = g_string_new("");
	o->log = g_string_new(world_action_log(w));
	title = g_strdup_printf("%s (seed %" G_GUINT64_FORMAT ")", s->name, seed);
	ladder_write_text(l, title, o->ladder);
	ladder_write_messages(l, o->messages);
	if (dir != NULL && formats != 0 && g_mkdir_with_parents(dir, 0755) != 0)
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "ossim: cannot create the output directory %s: %s", dir,
			    g_strerror(errno));
	for (size_t i = 0; dir != NULL && i < G_N_ELEMENTS(picture_formats); i++) {
		char *name, *path;

		if (!(formats & (1u << i)) || (err != NULL && *err != NULL))
			continue;
		name = g_strconcat("ladder.", picture_formats[i], NULL);
		path = g_build_filename(dir, name, NULL);
		ladder_write_picture(l, title, picture_formats[i], path, err);
		g_free(path);
		g_free(name);
	}
	g_free(title);
	world_write_status(w, o->status);
	world_write_access_log(w, o->access);
	metrics_result(m, &o->metrics);
	cap = pcap_writer_bytes(pw);
	o->pcap = g_string_new_len((const char *)cap->data, (gssize)cap->len);
	metrics_free(m);
	ladder_free(l);
	pcap_writer_free(pw);
	world_free(w);
	if (err != NULL && *err != NULL) {
		run_out_free(o);
		return false;
	}
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

/* ---- the same scenario on other OS models, and replications ---- */

/* Why scenario S cannot run on model M as configured (CAP-01, TLS-02, the cards the model
 * takes), or NULL when it can. (CAP-02's TLS figure is a run-time limit: registrations beyond
 * it are refused.) */
static char *model_misfit(const struct scenario *s, const struct osmodel *m)
{
	const struct os_dm *dm = &s->system;

	if (dm->sip_stn_ports > m->sip_stations)
		return g_strdup_printf("the SIP-STN cards give %u ports, the %s takes %u (CAP-01)",
				       dm->sip_stn_ports, m->name, m->sip_stations);
	if (dm->options.tls && m->tls_stations == 0)
		return g_strdup_printf("TLS is enabled, the %s has no TLS (TLS-02)", m->name);
	for (size_t i = 0; i < dm->n_mgi_cards; i++) {
		const struct osmodel_card *c = osmodel_card_find(m, dm->mgi_cards[i].type);

		if (c == NULL)
			return g_strdup_printf("the %s takes no %s card", m->name,
					       dm->mgi_cards[i].type);
		if (dm->mgi_cards[i].count > c->max)
			return g_strdup_printf("the %s takes at most %u %s cards", m->name, c->max,
					       dm->mgi_cards[i].type);
	}
	return NULL;
}

/* One replication to run on the thread pool. */
struct rep_task {
	const struct scenario *s;        /* the scenario on its model (a shallow copy) */
	uint64_t seed;
	unsigned rep;
	struct metrics_run *out;
};

/* Thread-pool worker: runs one replication for its metrics only. The world is built and
 * freed on this thread; nothing is shared with other replications but the read-only scenario
 * and model table. */
static void rep_run(gpointer data, gpointer user_data)
{
	struct rep_task *t = data;
	struct world *w = world_new(t->s, t->seed, t->rep, NULL);
	struct metrics_cfg mc;
	struct metrics *m;

	(void)user_data;
	g_assert(w != NULL);   /* replication 0 of the same scenario was built already */
	run_metrics_cfg(t->s, &mc);
	m = metrics_new(world_sim(w), &mc);
	world_run(w);
	metrics_result(m, t->out);
	metrics_free(m);
	world_free(w);
	g_free(t);
}

/* Options of `ossim run`. */
struct run_opts {
	const char *dir;
	gint64 seed;                     /* -1: the scenario's */
	const char *model;               /* NULL: the scenario's; "all"; or a model name */
	gint reps, jobs;
	bool print;                      /* print the ladder (the demo) */
	unsigned formats;                /* ladder pictures: bits of picture_formats */
};

/* `ossim run` and the demo: files of replication 0 on the first model, metrics of every model
 * and replication. Returns an exit status. */
static int run_main(const char *path, const struct run_opts *opt)
{
	struct scenario *s = load_scenario(path);
	const struct osmodel **models = NULL;
	size_t n_models = 0, reps = (size_t)opt->reps, first = SIZE_MAX;
	struct scenario *per = NULL;     /* the scenario on each model */
	char **misfit = NULL;            /* per model: why it cannot take the scenario, or NULL */
	struct metrics_run *runs = NULL; /* [model][rep] */
	struct metrics_summary *sum = NULL;
	struct run_out o = { 0 };
	GError *err = NULL;
	GThreadPool *pool;
	GString *table = g_string_new(""), *json = g_string_new(""), *csv = g_string_new("");
	GString *listed = g_string_new("ladder.txt");
	uint64_t seed;
	bool ok = false;

	if (s == NULL)
		goto out;
	seed = opt->seed >= 0 ? (uint64_t)opt->seed : s->seed;
	models = g_new0(const struct osmodel *, s->models->n_models + 1);
	if (opt->model == NULL) {
		models[n_models++] = s->system.model;
	} else if (strcmp(opt->model, "all") == 0) {
		for (size_t i = 0; i < s->models->n_models; i++)
			models[n_models++] = &s->models->models[i];
	} else if ((models[0] = osmodel_find(s->models, opt->model)) != NULL) {
		n_models = 1;
	} else {
		char *names = osmodel_names(s->models);

		fprintf(stderr, "ossim run: --os-model %s is not an OfficeServ model; expected all "
			"or one of %s\n", opt->model, names);
		g_free(names);
		goto out;
	}

	/* The scenario on each model; the first that fits gives the files. */
	per = g_new0(struct scenario, n_models);
	misfit = g_new0(char *, n_models);
	for (size_t i = 0; i < n_models; i++) {
		per[i] = *s;
		per[i].system.model = models[i];
		if (!s->system.mps_channels_set)
			per[i].system.mps_channels = models[i]->mps_channels;
		misfit[i] = model_misfit(&per[i], models[i]);
		if (misfit[i] == NULL && first == SIZE_MAX)
			first = i;
	}
	if (first == SIZE_MAX) {
		fprintf(stderr, "%s: the scenario fits none of the models asked for: %s\n", path,
			misfit[0]);
		goto out;
	}
	if (!run_scenario(&per[first], seed, &o, opt->dir, opt->formats, &err)) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		goto out;
	}

	/* Every other (model, replication) on the pool; each result has its own slot, so the
	   figures do not depend on the number of jobs. */
	runs = g_new0(struct metrics_run, n_models * reps);
	runs[first * reps] = o.metrics;
	memset(&o.metrics, 0, sizeof(o.metrics));
	pool = g_thread_pool_new(rep_run, NULL, opt->jobs, TRUE, NULL);
	for (size_t i = 0; i < n_models; i++)
		for (size_t r = 0; misfit[i] == NULL && r < reps; r++) {
			struct rep_task *t;

			if (i == first && r == 0)
				continue;
			t = g_new0(struct rep_task, 1);
			t->s = &per[i];
			t->seed = seed;
			t->rep = (unsigned)r;
			t->out = &runs[i * reps + r];
			g_thread_pool_push(pool, t, NULL);
		}
	g_thread_pool_free(pool, FALSE, TRUE);
	sum = g_new0(struct metrics_summary, n_models);
	for (size_t i = 0; i < n_models; i++) {
		metrics_summarise(misfit[i] ? NULL : &runs[i * reps], misfit[i] ? 0 : reps,
				  models[i]->name, &sum[i]);
		sum[i].note = g_steal_pointer(&misfit[i]);
	}
	metrics_write_table(sum, n_models, table);
	metrics_write_json(sum, n_models, s->name, seed, json);
	metrics_write_csv(sum, n_models, csv);

	{
		const struct { const char *name; const GString *text; } files[] = {
			{ "ladder.txt", o.ladder }, { "messages.txt", o.messages },
			{ "capture.pcap", o.pcap }, { "sip-phone-status.txt", o.status },
			{ "access-information.txt", o.access }, { "run.log", o.log },
			{ "metrics.json", json }, { "metrics.csv", csv },
		};

		ok = g_mkdir_with_parents(opt->dir, 0755) == 0;
		if (!ok)
			fprintf(stderr, "ossim: cannot create the output directory %s: %s\n",
				opt->dir, g_strerror(errno));
		for (size_t i = 0; ok && i < G_N_ELEMENTS(files); i++)
			ok = write_file(opt->dir, files[i].name, files[i].text);
		/* The list for the user: the pictures (run_scenario drew them) after the ladder. */
		for (size_t k = 0; k < G_N_ELEMENTS(picture_formats); k++)
			if (opt->formats & (1u << k))
				g_string_append_printf(listed, ", ladder.%s", picture_formats[k]);
		for (size_t i = 1; i < G_N_ELEMENTS(files); i++)
			g_string_append_printf(listed, ", %s", files[i].name);
	}
	if (ok) {
		if (opt->print)
			fputs(o.ladder->str, stdout);
		printf("%s: %s on %s, seed %" G_GUINT64_FORMAT ", %zu replication%s\n%s", path,
		       s->name, n_models > 1 ? "every model" : models[first]->name, seed, reps,
		       reps > 1 ? "s" : "", table->str);
		printf("wrote %s/: %s\n", opt->dir, listed->str);
	}
	if (o.log != NULL && o.log->len > 0)
		fprintf(stderr, "%s: script actions that did not apply:\n%s", path, o.log->str);

out:
	for (size_t i = 0; runs != NULL && i < n_models * reps; i++)
		metrics_run_clear(&runs[i]);
	for (size_t i = 0; sum != NULL && i < n_models; i++)
		metrics_summary_clear(&sum[i]);
	for (size_t i = 0; misfit != NULL && i < n_models; i++)
		g_free(misfit[i]);
	g_string_free(table, TRUE);
	g_string_free(json, TRUE);
	g_string_free(csv, TRUE);
	g_string_free(listed, TRUE);
	g_free(runs);
	g_free(sum);
	g_free(misfit);
	g_free(per);
	g_free(models);
	if (o.ladder != NULL)
		run_out_free(&o);
	scenario_free(s);
	return ok ? EXIT_SUCCESS : EXIT_BAD_INPUT;
}

/* Parses --format (NULL: every picture format) into bits of picture_formats. */
static bool parse_formats(const char *list, unsigned *bits)
{
	char **parts;
	bool ok = true;

	*bits = 0;
	if (list == NULL) {
		*bits = PICTURES_ALL;
		return true;
	}
	if (strcmp(list, "none") == 0)
		return true;
	parts = g_strsplit(list, ",", -1);
	for (char **p = parts; *p != NULL && ok; p++) {
		size_t i = 0;

		while (i < G_N_ELEMENTS(picture_formats) && strcmp(*p, picture_formats[i]) != 0)
			i++;
		ok = i < G_N_ELEMENTS(picture_formats);
		if (ok)
			*bits |= 1u << i;
	}
	g_strfreev(parts);
	return ok && *bits != 0;
}

static int cmd_run(int argc, char **argv)
{
	gchar *dir = NULL, *model = NULL, *format = NULL;
	gint64 seed = -1;
	gint reps = 1, jobs = 1;
	GError *err = NULL;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &dir,
		  "Output directory (default ossim-out)", "DIR" },
		{ "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
		  "Seed (default: the scenario's <seed>)", "N" },
		{ "os-model", 'm', 0, G_OPTION_ARG_STRING, &model,
		  "Run on this OfficeServ model instead, or on all of them (same seed: common "
		  "random numbers)", "NAME|all" },
		{ "replications", 'r', 0, G_OPTION_ARG_INT, &reps,
		  "Independent replications for the metrics (default 1)", "R" },
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format,
		  "Ladder pictures to draw: a comma list of svg, png, pdf, or none (default "
		  "svg,png,pdf; long ladders give paged PNGs ladder-2.png ...)", "LIST" },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
		  "Replications run at once on threads (default 1; results do not depend on it)",
		  "J" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("SCENARIO - run a scenario");
	struct run_opts opt;
	const char *bad = NULL;
	unsigned formats = 0;
	int rc;

	g_option_context_set_summary(ctx,
		"Runs the scenario and writes DIR/ladder.txt (the ladder diagram), messages.txt\n"
		"(every SIP message in full), sip-phone-status.txt (DM 6.2.3 at the end),\n"
		"access-information.txt (DM 5.2.21), run.log (script actions that did not apply),\n"
		"capture.pcap (every SIP datagram as sent, for Wireshark, tshark and sngrep),\n"
		"metrics.json and metrics.csv (per model: mean and 95 % confidence half width over\n"
		"the replications), and prints the metrics table.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err))
		bad = err->message;
	else if (argc != 2)
		bad = "expected exactly one SCENARIO file";
	else if (seed < -1)
		bad = "the seed must be >= 0";
	else if (reps < 1 || reps > 100000)
		bad = "--replications must be 1 to 100000";
	else if (jobs < 1 || jobs > 256)
		bad = "--jobs must be 1 to 256";
	else if (!parse_formats(format, &formats))
		bad = "--format takes a comma list of svg, png, pdf, or none";
	if (bad != NULL) {
		fprintf(stderr, "ossim run: %s\n", bad);
		g_clear_error(&err);
		g_option_context_free(ctx);
		g_free(dir);
		g_free(model);
		g_free(format);
		return EXIT_BAD_INPUT;
	}
	g_option_context_free(ctx);
	opt = (struct run_opts){ dir ? dir : "ossim-out", seed, model, reps, jobs, false, formats };
	rc = run_main(argv[1], &opt);
	g_free(dir);
	g_free(model);
	g_free(format);
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
	if (!run_scenario(s, s->seed, &o, NULL, 0, &err)) {
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
	struct run_opts opt = { "ossim-out", -1, NULL, 1, 1, true, PICTURES_ALL };
	int rc = run_main(path, &opt);

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
