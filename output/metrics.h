/*
 * metrics.h - what a run measured, from the trace bus only: registrations (ok, challenged,
 * failed by cause), calls (offered, answered, failed by cause, ended), MGI and MPS occupancy
 * (time-weighted mean, maximum, a per-second series), SIP messages handled by the call server
 * per second (mean, peak), and transactions retransmitted or timed out.
 *
 * Every run yields the same fixed list of named values (metrics_names), zeros included, so that
 * runs line up: replications are summarised as mean and Student-t 95 % half width
 * (sim_ci_compute), OS models side by side. The writers turn a table of summaries into the
 * terminal table, metrics.json (json-glib) and metrics.csv.
 */
#ifndef OSSIM_OUTPUT_METRICS_H
#define OSSIM_OUTPUT_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

struct sim;

/* What the collector must know that the trace bus does not say. */
struct metrics_cfg {
	const char *server;              /* the call server's lane ("OfficeServ") */
	const char *mgi_pool, *mps_pool; /* pool names on SIM_TRACE_POOL ("MGI", "MPS") */
	unsigned mgi_capacity, mps_capacity;
	int64_t duration_ns;             /* the run's end: gauges close there */
};

/* One run's values, in metrics_names order, and its per-second occupancy series. */
struct metrics_run {
	double *v;                       /* metrics_count() values */
	size_t n_seconds;                /* ceil(duration / 1 s) */
	double *mgi_series, *mps_series; /* time-weighted mean level within each second */
};

/* The fixed names ("calls.offered", "mgi.mean" ...), and how many there are. */
size_t metrics_count(void);
const char *metrics_name(size_t i);
/* The index of the metric named NAME, or metrics_count() when there is none. */
size_t metrics_find(const char *name);
/* A short description of metric I for tables and the report ("calls refused: MGI busy"). */
const char *metrics_label(size_t i);

struct metrics;
/* A collector on SIM's trace bus from now on. */
struct metrics *metrics_new(struct sim *sim, const struct metrics_cfg *cfg);
/* Unsubscribes and frees. NULL is fine. */
void metrics_free(struct metrics *m);
/* The values at the end of the run (call after the run reached cfg.duration_ns). Free with
 * metrics_run_clear. */
void metrics_result(const struct metrics *m, struct metrics_run *out);
void metrics_run_clear(struct metrics_run *r);

/* Replications of one configuration summarised: per metric the mean and the 95 % half width
 * (NAN with one replication). */
struct metrics_summary {
	char *label;                     /* column title: the OS model */
	size_t n;                        /* replications */
	double *mean, *half;             /* metrics_count() each */
	size_t n_seconds;
	double *mgi_series, *mps_series; /* means over replications */
	char *note;                      /* why the model could not run the scenario, else NULL */
};
void metrics_summarise(const struct metrics_run *runs, size_t n, const char *label,
		       struct metrics_summary *out);
void metrics_summary_clear(struct metrics_summary *s);

/* Metric K of S as a table cell, g_free it: "mean" or "mean +/- half" with up to 6 significant
 * digits, "-" for a model that did not run (note set). */
char *metrics_cell(const struct metrics_summary *s, size_t k);
/* The terminal table: one row per metric, one column per summary ("mean +/- half"). */
void metrics_write_table(const struct metrics_summary *s, size_t n, GString *out);
/* metrics.csv: "model,metric,mean,ci95_half_width,replications" per metric and model. */
void metrics_write_csv(const struct metrics_summary *s, size_t n, GString *out);
/* metrics.json (json-glib, pretty-printed, keys in a fixed order): scenario, seed, replications,
 * models[] with model, metrics{name: {mean, ci95}} and series{mgi[], mps[]}. */
void metrics_write_json(const struct metrics_summary *s, size_t n, const char *scenario,
			uint64_t seed, GString *out);

#endif
