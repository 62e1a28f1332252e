/*
 * report.h - the run report (DIR/report.html): one self-contained page a capacity planner or a
 * teacher opens in any browser, with nothing fetched from a network:
 * - the scenario summary (what was simulated: model, seed, replications, endpoints ...);
 * - the ladder picture (the SVG of ladder_gv.c, embedded as a data: URI) and, folded away, the
 *   text ladder;
 * - the metrics table, a column per OS model (mean, or mean +/- 95 % half width);
 * - charts drawn here as inline SVG: MGI ports and MPS channels in use over time (the
 *   per-second series of metrics.h, one line per model, the capacity dashed), and a per-model
 *   comparison: with several models, calls answered, calls failed and the MGI/MPS peaks by
 *   model; with one model, each model's SIP station ports and MPS channels against this run's
 *   demand, so the page says which models would carry it.
 *
 * The page is XHTML5 (a polyglot document: well-formed XML that browsers read as HTML), so tests
 * and tools can parse it with any XML parser. Every text from a scenario is escaped. Output is
 * deterministic: the same inputs give the same bytes (numbers in the C locale, no dates).
 *
 * Like every output, the report knows no model: the caller hands it names, numbers and the
 * rendered ladder.
 */
#ifndef OSSIM_OUTPUT_REPORT_H
#define OSSIM_OUTPUT_REPORT_H

#include <stddef.h>

#include <glib.h>

struct metrics_summary;

/* One line of the scenario summary ("OS model", "OS7200-MP20"). */
struct report_fact {
	const char *name, *value;
};

/* An OS model's capacity, for the one-model comparison chart. */
struct report_model {
	const char *name;
	unsigned sip_stations;           /* CAP-01 */
	unsigned mps_channels;           /* MPS-01/02 (the scenario's own figure when it sets one) */
};

struct report_in {
	const char *title;               /* the scenario's name */
	const char *description;         /* or NULL */
	const char *generator;           /* "ossim 0.1" */
	const struct report_fact *facts;
	size_t n_facts;
	GBytes *ladder_svg;              /* the ladder picture as SVG, or NULL (not drawn) */
	const char *ladder_text;         /* the text ladder, or NULL */
	const struct metrics_summary *sum;   /* one per model asked for (metrics.h) */
	size_t n_sum;
	const struct report_model *models;   /* every OS model, in table order */
	size_t n_models;
	unsigned sip_phones;             /* SIP phones in the scenario: the demand on CAP-01 */
};

/* Appends the page for R to OUT. */
void report_write_html(const struct report_in *r, GString *out);

#endif
