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
#include "output/report.h"
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
	GBytes *svg;                     /* the ladder picture as SVG, when asked for */
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
	if (o->svg != NULL)
		g_bytes_unref(o->svg);
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

/* What `ossim run --format` can write: the ladder pictures (ladder.<format>), then the report;
 * a bit per entry. */
static const char *const output_formats[] = { "svg", "png", "pdf", "html" };
#define N_PICTURES 3
#define FORMAT_SVG (1u << 0)
#define FORMAT_HTML (1u << N_PICTURES)
#define FORMATS_ALL ((1u << G_N_ELEMENTS(output_formats)) - 1)

/* Options of `ossim run`. */
struct run_opts {
	const char *dir;
	gint64 seed;                     /* -1: the scenario's */
	const char *model;               /* NULL: the scenario's; "all"; or a model name */
	gint reps, jobs;
	bool print;                      /* print the ladder (the demo) */
	unsigned formats;                /* pictures and report: bits of output_formats */
	const uint64_t *calls;           /* the ladder narrowed to these calls, or NULL */
	size_t n_calls;
};

/* The ladder WHOLE narrowed to OPT's calls, *TITLE extended to name them; ERR set when one of
 * them does not exist (the ladder is still made: the caller frees it). */
static struct ladder *run_narrow(const struct ladder *whole, const struct run_opts *opt,
				 char **title, GError **err)
{
	size_t count = ladder_call_count(whole);
	GString *t = g_string_new(*title);

	for (size_t i = 0; i < opt->n_calls; i++) {
		if (opt->calls[i] > count && (err == NULL || *err == NULL))
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "ossim run: --calls %" G_GUINT64_FORMAT ": the run has %zu "
				    "calls (numbered 1, 2 ... in the order they were offered)",
				    opt->calls[i], count);
		g_string_append_printf(t, "%s%" G_GUINT64_FORMAT,
				       i ? ", " : opt->n_calls > 1 ? ", calls " : ", call ",
				       opt->calls[i]);
	}
	g_free(*title);
	*title = g_string_free(t, FALSE);
	return ladder_narrow(whole, opt->calls, opt->n_calls);
}

/* Runs scenario S with SEED, replication 0, into O: the ladder (narrowed to OPT's calls), the
 * messages, the DM views and the metrics, and the SVG picture when OPT's formats ask for SVG or
 * the report; and the ladder pictures OPT names into OPT->dir/ladder.<format>, created once the
 * run succeeded. OPT NULL: the text outputs only. False (with ERR) when the world cannot be
 * built, a call asked for does not exist, or a picture cannot be drawn or written. */
static bool run_scenario(const struct scenario *s, uint64_t seed, struct run_out *o,
			 const struct run_opts *opt, GError **err)
{
	const char *dir = opt ? opt->dir : NULL;
	unsigned formats = opt ? opt->formats : 0;
	struct world *w = world_new(s, seed, 0, err);
	struct metrics_cfg mc;
	struct metrics *m;
	struct pcap_writer *pw;
	const GByteArray *cap;
	struct ladder *whole, *l;
	char *title;

	if (w == NULL)
		return false;
	o->svg = NULL;
	pw = pcap_writer_new(world_sim(w));
	l = whole = ladder_new(world_sim(w));
	for (const char *const *lane = world_lanes(w); *lane; lane++)
		ladder_lane(l, *lane);
	run_metrics_cfg(s, &mc);
	m = metrics_new(world_sim(w), &mc);
	world_run(w);
	title = g_strdup_printf("%s (seed %" G_GUINT64_FORMAT ")", s->name, seed);
	if (opt != NULL && opt->n_calls > 0)
		l = run_narrow(whole, opt, &title, err);
	o->ladder = g_string_new("");
	o->messages = g_string_new("");
	o->status = g_string_new("");
	o->access = g_string_new("");
	o->log = g_string_new(world_action_log(w));
	ladder_write_text(l, title, o->ladder);
	ladder_write_messages(whole, o->messages);   /* every datagram, as the capture */
	/* The SVG is drawn once, for ladder.svg and the report alike, before any directory is
	   made, so that a failure leaves nothing behind. */
	if ((formats & (FORMAT_SVG | FORMAT_HTML)) && (err == NULL || *err == NULL))
		ladder_render_picture(l, title, "svg", LADDER_PICTURE_WHOLE, &o->svg, err);
	if (dir != NULL && formats != 0 && (err == NULL || *err == NULL) &&
	    g_mkdir_with_parents(dir, 0755) != 0)
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "ossim: cannot create the output directory %s: %s", dir,
			    g_strerror(errno));
	for (size_t i = 0; dir != NULL && i < N_PICTURES; i++) {
		char *name, *path;

		if (!(formats & (1u << i)) || (err != NULL && *err != NULL))
			continue;
		name = g_strconcat("ladder.", output_formats[i], NULL);
		path = g_build_filename(dir, name, NULL);
		if ((1u << i) == FORMAT_SVG)
			ladder_picture_save(path, o->svg, err);
		else
			ladder_write_picture(l, title, output_formats[i], path, err);
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
	if (l != whole)
		ladder_free(l);
	ladder_free(whole);
	pcap_writer_free(pw);
	world_free(w);
	if (err != NULL && *err != NULL) {
		run_out_free(o);
		memset(o, 0, sizeof(*o));
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

/* Removes from DIR the pictures and report FORMATS does not ask for (every page of them), so an
 * earlier run's are not left beside this run's files. False (with a message) when one cannot be
 * removed. */
static bool remove_unasked(const char *dir, unsigned formats)
{
	bool ok = true;

	for (size_t i = 0; ok && i < G_N_ELEMENTS(output_formats); i++) {
		char *name, *path;
		GError *err = NULL;

		if (formats & (1u << i))
			continue;
		name = i < N_PICTURES ? g_strconcat("ladder.", output_formats[i], NULL) :
					g_strdup("report.html");
		path = g_build_filename(dir, name, NULL);
		ok = ladder_picture_remove(path, 0, &err) == 0;
		if (!ok) {
			fprintf(stderr, "ossim: %s\n", err->message);
			g_error_free(err);
		}
		g_free(path);
		g_free(name);
	}
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

/* report.html for scenario S (on its first model) run from PATH: the summary from the
 * scenario, the ladder of replication 0 (O), the metrics SUM of N_SUM models. MODEL is the one
 * model that ran, or NULL when several did. */
static GString *run_report(const char *path, const struct scenario *s,
			   const struct osmodel *model, uint64_t seed, const struct run_out *o,
			   const struct metrics_summary *sum, size_t n_sum)
{
	static const char *const names[] = {
		"scenario file", "OS model", "seed", "replications", "simulated time", "SIP phones",
		"digital phones", "ISDN trunks", "network", "media resources", "script actions",
	};
	const struct scenario_network *net = &s->network;
	size_t count[SCENARIO_EP_ISDN_TRUNK + 1] = { 0 };   /* per enum scenario_endpoint_kind */
	unsigned channels = 0;
	size_t reps = 1;
	struct report_model *models = g_new0(struct report_model, s->models->n_models);
	char *v[G_N_ELEMENTS(names)];
	struct report_fact facts[G_N_ELEMENTS(names)];
	struct report_in r;
	GString *out = g_string_new("");

	for (size_t i = 0; i < s->n_endpoints; i++) {
		count[s->endpoints[i].kind]++;
		if (s->endpoints[i].kind == SCENARIO_EP_ISDN_TRUNK)
			channels += s->endpoints[i].channels;
	}
	v[0] = g_filename_display_name(path);   /* valid UTF-8 whatever the file system's */
	v[1] = model ? g_strdup(model->name) : g_strdup_printf("%zu models, side by side", n_sum);
	v[2] = g_strdup_printf("%" G_GUINT64_FORMAT, seed);
	for (size_t i = 0; i < n_sum; i++)
		reps = MAX(reps, sum[i].n);
	v[3] = g_strdup_printf("%zu", reps);
	v[4] = g_strdup_printf("%g s", (double)s->duration_ns / 1e9);
	v[5] = g_strdup_printf("%zu", count[SCENARIO_EP_SIP_PHONE]);
	v[6] = g_strdup_printf("%zu", count[SCENARIO_EP_DIGITAL_PHONE]);
	v[7] = g_strdup_printf("%zu (%u B channels)", count[SCENARIO_EP_ISDN_TRUNK], channels);
	v[8] = g_strdup_printf("%zu LANs, %zu NAT boundaries, %zu routed links", net->n_lans,
			       net->n_nats, net->n_links);
	v[9] = model ? g_strdup_printf("%u MGI ports, %u MPS channels",
				       os_dm_mgi_ports(&s->system), s->system.mps_channels) :
		       g_strdup_printf("%u MGI ports, %u MPS channels (on the %s)",
				       os_dm_mgi_ports(&s->system), s->system.mps_channels,
				       s->system.model->name);
	v[10] = g_strdup_printf("%zu", s->n_actions);
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		facts[i] = (struct report_fact){ names[i], v[i] };
	for (size_t i = 0; i < s->models->n_models; i++) {
		const struct osmodel *m = &s->models->models[i];

		models[i] = (struct report_model){ m->name, m->sip_stations,
						   s->system.mps_channels_set ?
						   s->system.mps_channels : m->mps_channels };
	}
	r = (struct report_in){
		.title = s->name, .description = s->description,
		.generator = "ossim " PACKAGE_VERSION, .facts = facts,
		.n_facts = G_N_ELEMENTS(facts),
		.ladder_svg = o->svg, .ladder_text = o->ladder->str, .sum = sum, .n_sum = n_sum,
		.models = models, .n_models = s->models->n_models,
		.sip_phones = (unsigned)count[SCENARIO_EP_SIP_PHONE],
	};
	report_write_html(&r, out);
	for (size_t i = 0; i < G_N_ELEMENTS(v); i++)
		g_free(v[i]);
	g_free(models);
	return out;
}

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
	GString *html = NULL;            /* report.html */
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
	if (!run_scenario(&per[first], seed, &o, opt, &err)) {
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
	if (opt->formats & FORMAT_HTML)
		html = run_report(path, &per[first], n_models > 1 ? NULL : models[first], seed, &o,
				  sum, n_models);

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
		if (ok && html != NULL)
			ok = write_file(opt->dir, "report.html", html);
		ok = ok && remove_unasked(opt->dir, opt->formats);
		/* The list for the user: the pictures (run_scenario drew them) after the ladder. */
		for (size_t k = 0; k < N_PICTURES; k++)
			if (opt->formats & (1u << k))
				g_string_append_printf(listed, ", ladder.%s", output_formats[k]);
		for (size_t i = 1; i < G_N_ELEMENTS(files); i++)
			g_string_append_printf(listed, ", %s", files[i].name);
		if (html != NULL)
			g_string_append(listed, ", report.html");
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
	if (html != NULL)
		g_string_free(html, TRUE);
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

/* Parses --calls ("1,3": call numbers from 1) into a new array *OUT of *N; NULL: none. */
static bool parse_calls(const char *list, uint64_t **out, size_t *n)
{
	char **parts;
	bool ok = true;

	*out = NULL;
	*n = 0;
	if (list == NULL)
		return true;
	parts = g_strsplit(list, ",", -1);
	*out = g_new0(uint64_t, g_strv_length(parts) + 1);
	for (char **p = parts; *p != NULL && ok; p++) {
		guint64 v;

		ok = g_ascii_string_to_unsigned(*p, 10, 1, G_MAXUINT32, &v, NULL);
		(*out)[(*n)++] = v;
	}
	g_strfreev(parts);
	ok = ok && *n > 0;
	if (!ok) {
		g_clear_pointer(out, g_free);
		*n = 0;
	}
	return ok;
}

/* Parses --format (NULL: everything) into bits of output_formats. */
static bool parse_formats(const char *list, unsigned *bits)
{
	char **parts;
	bool ok = true;

	*bits = 0;
	if (list == NULL) {
		*bits = FORMATS_ALL;
		return true;
	}
	if (strcmp(list, "none") == 0)
		return true;
	parts = g_strsplit(list, ",", -1);
	for (char **p = parts; *p != NULL && ok; p++) {
		size_t i = 0;

		while (i < G_N_ELEMENTS(output_formats) && strcmp(*p, output_formats[i]) != 0)
			i++;
		ok = i < G_N_ELEMENTS(output_formats);
		if (ok)
			*bits |= 1u << i;
	}
	g_strfreev(parts);
	return ok && *bits != 0;
}

static int cmd_run(int argc, char **argv)
{
	gchar *dir = NULL, *model = NULL, *format = NULL, *calls_opt = NULL;
	uint64_t *calls = NULL;
	size_t n_calls = 0;
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
		  "What to draw: a comma list of svg, png, pdf (ladder pictures; PNG and PDF hold "
		  "150 rows a page, then ladder-2.png ...) and html (report.html), or none "
		  "(default: all)",
		  "LIST" },
		{ "calls", 'c', 0, G_OPTION_ARG_STRING, &calls_opt,
		  "Narrow the ladder (text, pictures, report) to these calls, numbered 1, 2 ... in "
		  "the order the call server was offered them", "N,N..." },
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
		"capture.pcap (every SIP message as seen on the call server's LAN, for Wireshark,\n"
		"tshark and sngrep), metrics.json and metrics.csv (per model: mean and 95 %\n"
		"confidence half width over the replications), the ladder pictures and\n"
		"report.html (one self-contained page: summary, ladder, metrics, charts), and\n"
		"prints the metrics table.");
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
		bad = "--format takes a comma list of svg, png, pdf, html, or none";
	else if (!parse_calls(calls_opt, &calls, &n_calls))
		bad = "--calls takes a comma list of call numbers (1, 2 ...)";
	if (bad != NULL) {
		fprintf(stderr, "ossim run: %s\n", bad);
		g_clear_error(&err);
		g_option_context_free(ctx);
		g_free(dir);
		g_free(model);
		g_free(format);
		g_free(calls_opt);
		return EXIT_BAD_INPUT;
	}
	g_option_context_free(ctx);
	opt = (struct run_opts){ dir ? dir : "ossim-out", seed, model, reps, jobs, false, formats,
				 calls, n_calls };
	rc = run_main(argv[1], &opt);
	g_free(dir);
	g_free(model);
	g_free(format);
	g_free(calls_opt);
	g_free(calls);
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
	if (!run_scenario(s, s->seed, &o, NULL, &err)) {
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
	struct run_opts opt = { "ossim-out", -1, NULL, 1, 1, true, FORMATS_ALL, NULL, 0 };
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
