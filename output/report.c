/*
 * report.c - the run report as one self-contained XHTML5 page (report.h): the summary, the
 * ladder, the metrics table and the charts, which are drawn here as inline SVG (a step line per
 * model for the per-second occupancy series, horizontal bars for the per-model comparison).
 *
 * Every piece of text goes through GLib's markup escaping (g_markup_printf_escaped), so a
 * scenario name with '<' or '&' cannot break the page. Numbers are printed with printf in the C
 * locale (the command runs in it), which keeps the bytes the same on every machine.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "output/metrics.h"
#include "output/report.h"

/* Series colours, one per model column (a colour-blind-safe set: Okabe and Ito, 2008). */
static const char *const report_colours[] = {
	"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000",
};

/* Chart geometry (px): the whole picture and the plot area's margins. */
#define CHART_W 720
#define CHART_H 260
#define CHART_LEFT 56
#define CHART_RIGHT 16
#define CHART_TOP 36
#define CHART_BOTTOM 40
/* Bar panels: a row per bar, the labels in a column on the left. */
#define BAR_ROW 26
#define BAR_LEFT 120

static const char report_style[] =
	"body{font-family:sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}"
	"h1{margin-bottom:0.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse}td,th{padding:0.15em 0.8em;text-align:left}"
	"table.metrics td.num,table.metrics th.model{text-align:right;"
	"font-variant-numeric:tabular-nums}"
	"table.metrics tr.sub th{padding-left:2em;font-weight:normal}"
	"table.metrics tbody tr:nth-child(even){background:#f4f4f4}"
	"th{font-weight:normal;color:#555}table.metrics th.model{font-weight:bold;color:#222}"
	"code{font-size:0.85em;color:#666}"
	"div.ladder{overflow:auto;max-height:48em;border:1px solid #ddd}"
	"img.ladder{display:block}pre{font-size:0.8em;overflow:auto}"
	"ul.legend{list-style:none;padding:0;margin:0 0 1em 0}"
	"ul.legend li{display:inline-block;margin-right:1.5em}"
	"ul.legend span{display:inline-block;width:1.6em;height:0.3em;margin-right:0.4em;"
	"vertical-align:middle}"
	"svg.chart{display:block;margin:0.5em 0}svg.chart text{font-size:12px}"
	"p.note{color:#555}footer{margin-top:3em;font-size:0.85em;color:#777}";

/* Appends FORMAT to OUT with every string argument escaped for XML. */
static void G_GNUC_PRINTF(2, 3) report_printf(GString *out, const char *format, ...)
{
	va_list ap;
	char *s;

	va_start(ap, format);
	s = g_markup_vprintf_escaped(format, ap);
	va_end(ap);
	g_string_append(out, s);
	g_free(s);
}

/* A round axis step (1, 2 or 5 times a power of ten, at least MIN) for about TICKS ticks up to
 * MAX. */
static double report_step(double max, int ticks, double min)
{
	double raw = max / ticks, mag, f;

	if (!(raw > 0))
		return min;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	raw = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
	return raw < min ? min : raw;
}

/* The top of an axis holding MAX: a whole number of STEPs, at least one. */
static double report_axis_top(double max, double step)
{
	double top = ceil(max / step) * step;

	return top < step ? step : top;
}

/* Colour I of the palette, round and round. */
static const char *report_colour(size_t i)
{
	return report_colours[i % G_N_ELEMENTS(report_colours)];
}

/* A linear axis: values 0..TOP onto pixels FROM..FROM + LEN (LEN < 0: upward). */
struct report_axis {
	double from, len, top;
};

/* Where value V falls on axis A, in pixels. */
static double report_px(const struct report_axis *a, double v)
{
	return a->from + v / a->top * a->len;
}

/* The index of metric NAME, which must exist (metrics.h). */
static size_t report_metric(const char *name)
{
	size_t k = metrics_find(name);

	g_assert(k < metrics_count());
	return k;
}

/* ---- occupancy over time: a step line per model ---- */

struct report_line {
	const char *name;
	const double *v;                 /* the per-second series */
	size_t n;
	double capacity;
	const char *colour;
};

/* Appends an SVG chart of LINES (N of them) against seconds: each a step line (the level held
 * through each second), its capacity a dashed line in the same colour. */
static void report_chart_lines(GString *out, const char *id, const char *title, const char *unit,
			       const struct report_line *lines, size_t n)
{
	const double pw = CHART_W - CHART_LEFT - CHART_RIGHT;
	const double ph = CHART_H - CHART_TOP - CHART_BOTTOM;
	size_t secs = 1;
	double ymax = 1, ystep, xstep, ytop, xtop;
	struct report_axis ax, ay;

	for (size_t i = 0; i < n; i++) {
		secs = MAX(secs, lines[i].n);
		ymax = MAX(ymax, lines[i].capacity);
		for (size_t k = 0; k < lines[i].n; k++)
			ymax = MAX(ymax, lines[i].v[k]);
	}
	ystep = report_step(ymax, 5, 1);
	ytop = report_axis_top(ymax, ystep);
	xstep = report_step((double)secs, 8, 1);
	xtop = report_axis_top((double)secs, xstep);
	ax = (struct report_axis){ CHART_LEFT, pw, xtop };
	ay = (struct report_axis){ CHART_TOP + ph, -ph, ytop };
	report_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"%s\" "
		      "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
		      "<title>%s</title>", id, CHART_W, CHART_H, CHART_W, CHART_H, title);
	report_printf(out, "<text x=\"%d\" y=\"20\" font-weight=\"bold\">%s</text>", CHART_LEFT,
		      title);
	for (double v = 0; v <= ytop + ystep / 2; v += ystep) {
		double y = report_px(&ay, v);

		g_string_append_printf(out, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
				       "stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" "
				       "text-anchor=\"end\">%g</text>", CHART_LEFT, CHART_LEFT + pw,
				       y, y, CHART_LEFT - 6, y + 4, v);
	}
	for (double t = 0; t <= xtop + xstep / 2; t += xstep) {
		double x = report_px(&ax, t);

		g_string_append_printf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
				       "stroke=\"#999\"/><text x=\"%.1f\" y=\"%.1f\" "
				       "text-anchor=\"middle\">%g</text>", x, x, CHART_TOP + ph,
				       CHART_TOP + ph + 5, x, CHART_TOP + ph + 18, t);
	}
	report_printf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">simulated time (s)"
		      "</text><text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" "
		      "transform=\"rotate(-90 14 %.1f)\">%s</text>", CHART_LEFT + pw / 2,
		      CHART_H - 4, CHART_TOP + ph / 2, CHART_TOP + ph / 2, unit);
	g_string_append_printf(out, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
			       "stroke=\"#222\"/>", CHART_LEFT, CHART_LEFT + pw, CHART_TOP + ph,
			       CHART_TOP + ph);
	for (size_t i = 0; i < n; i++) {
		const struct report_line *l = &lines[i];
		double cap = report_px(&ay, l->capacity);
		GString *d;

		report_printf(out, "<line class=\"capacity\" x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" "
			      "y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"6 4\"><title>%s: "
			      "capacity %g</title></line>", CHART_LEFT, CHART_LEFT + pw, cap, cap,
			      l->colour, l->name, l->capacity);
		if (l->n == 0)
			continue;
		/* Each level held through its second: across to its end, then up or down. */
		d = g_string_new("");
		g_string_append_printf(d, "M%.1f %.1f", report_px(&ax, 0), report_px(&ay, l->v[0]));
		for (size_t k = 0; k < l->n; k++) {
			g_string_append_printf(d, "H%.1f", report_px(&ax, (double)(k + 1)));
			if (k + 1 < l->n && l->v[k + 1] != l->v[k])
				g_string_append_printf(d, "V%.1f", report_px(&ay, l->v[k + 1]));
		}
		report_printf(out, "<path class=\"series\" fill=\"none\" stroke=\"%s\" "
			      "stroke-width=\"2\" d=\"%s\"><title>%s</title></path>", l->colour,
			      d->str, l->name);
		g_string_free(d, TRUE);
	}
	g_string_append(out, "</svg>\n");
}

/* ---- the per-model comparison: horizontal bars ---- */

struct report_bar {
	const char *label;
	double v, half;                  /* value and 95 % half width (NAN: none) */
	double mark;                     /* a capacity tick on this bar, or NAN */
	const char *colour;
};

/* Appends an SVG panel of N horizontal bars (with their confidence whiskers and capacity
 * ticks) and, when REF is a number, a vertical reference line labelled REF_LABEL. */
static void report_chart_bars(GString *out, const char *id, const char *title,
			      const struct report_bar *b, size_t n, double ref,
			      const char *ref_label)
{
	const double pw = CHART_W - BAR_LEFT - CHART_RIGHT - 60;
	const int bottom = CHART_TOP + (int)n * BAR_ROW;     /* of the last bar's row */
	const int h = bottom + 34;
	double xmax = 1, step, top;
	struct report_axis ax;

	for (size_t i = 0; i < n; i++) {
		xmax = MAX(xmax, b[i].v + (isnan(b[i].half) ? 0 : b[i].half));
		if (!isnan(b[i].mark))
			xmax = MAX(xmax, b[i].mark);
	}
	if (!isnan(ref))
		xmax = MAX(xmax, ref);
	step = report_step(xmax, 5, 1);
	top = report_axis_top(xmax, step);
	ax = (struct report_axis){ BAR_LEFT, pw, top };
	report_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"%s\" "
		      "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
		      "<title>%s</title><text x=\"%d\" y=\"20\" font-weight=\"bold\">%s</text>",
		      id, CHART_W, h, CHART_W, h, title, BAR_LEFT, title);
	for (double v = 0; v <= top + step / 2; v += step) {
		double x = report_px(&ax, v);

		g_string_append_printf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
				       "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" "
				       "text-anchor=\"middle\">%g</text>", x, x, CHART_TOP - 4,
				       bottom, x, bottom + 16, v);
	}
	for (size_t i = 0; i < n; i++) {
		const int y = CHART_TOP + (int)i * BAR_ROW;
		double end = report_px(&ax, b[i].v), mark = NAN;

		report_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
			      BAR_LEFT - 8, y + 17, b[i].label);
		report_printf(out, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
			      "height=\"%d\" fill=\"%s\"><title>%s: %g</title></rect>", BAR_LEFT,
			      y + 4, end - BAR_LEFT, BAR_ROW - 8, b[i].colour, b[i].label, b[i].v);
		if (!isnan(b[i].half) && b[i].half > 0) {
			double lo = report_px(&ax, b[i].v - b[i].half);
			double hi = report_px(&ax, b[i].v + b[i].half);

			g_string_append_printf(out, "<path class=\"ci\" d=\"M%.1f %dV%d"
					       "M%.1f %dH%.1fM%.1f %dV%d\" stroke=\"#222\"/>",
					       lo, y + 8, y + BAR_ROW - 8, lo, y + BAR_ROW / 2, hi,
					       hi, y + 8, y + BAR_ROW - 8);
		}
		if (!isnan(b[i].mark)) {
			mark = report_px(&ax, b[i].mark);
			report_printf(out, "<path class=\"mark\" d=\"M%.1f %dV%d\" stroke=\"#222\" "
				      "stroke-width=\"3\"><title>capacity %g</title></path>",
				      mark, y + 1, y + BAR_ROW - 1, b[i].mark);
		}
		g_string_append_printf(out, "<text x=\"%.1f\" y=\"%d\">%g</text>",
				       (isnan(mark) ? end : MAX(end, mark)) + 6, y + 17, b[i].v);
	}
	if (!isnan(ref)) {
		double x = report_px(&ax, ref);

		report_printf(out, "<line class=\"reference\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
			      "y2=\"%d\" stroke=\"#d55e00\" stroke-width=\"2\" "
			      "stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%d\" "
			      "fill=\"#d55e00\">%s</text>", x, x, CHART_TOP - 4, bottom, x + 4,
			      CHART_TOP - 8, ref_label);
	}
	g_string_append(out, "</svg>\n");
}

/* ---- the page ---- */

/* The summary: a description and the facts. */
static void report_summary(GString *out, const struct report_in *r)
{
	g_string_append(out, "<h2 id=\"summary\">Scenario</h2>\n");
	if (r->description != NULL)
		report_printf(out, "<p class=\"description\">%s</p>\n", r->description);
	g_string_append(out, "<table class=\"facts\"><tbody>\n");
	for (size_t i = 0; i < r->n_facts; i++)
		report_printf(out, "<tr><th>%s</th><td>%s</td></tr>\n", r->facts[i].name,
			      r->facts[i].value);
	g_string_append(out, "</tbody></table>\n");
}

/* The ladder picture as a data: URI and the text ladder folded away. */
static void report_ladder(GString *out, const struct report_in *r)
{
	g_string_append(out, "<h2 id=\"ladder\">Ladder</h2>\n");
	if (r->ladder_svg != NULL) {
		gsize len;
		const guchar *data = g_bytes_get_data(r->ladder_svg, &len);
		char *b64 = g_base64_encode(data, len);

		report_printf(out, "<div class=\"ladder\"><img class=\"ladder\" alt=\"The ladder "
			      "diagram of %s\" src=\"data:image/svg+xml;base64,", r->title);
		g_string_append(out, b64);
		g_string_append(out, "\"/></div>\n");
		g_free(b64);
	} else {
		g_string_append(out, "<p class=\"note\">No ladder picture was drawn.</p>\n");
	}
	if (r->ladder_text != NULL)
		report_printf(out, "<details><summary>The ladder as text (ladder.txt)</summary>"
			      "<pre class=\"ladder\">%s</pre></details>\n", r->ladder_text);
}

/* The metrics table: a row per metric, a column per model. */
static void report_metrics(GString *out, const struct report_in *r)
{
	size_t reps = 0;

	g_string_append(out, "<h2 id=\"metrics\">Metrics</h2>\n<table class=\"metrics\">\n"
			"<thead><tr><th>metric</th>");
	for (size_t j = 0; j < r->n_sum; j++)
		report_printf(out, "<th class=\"model\">%s</th>", r->sum[j].label);
	g_string_append(out, "<th>name in metrics.json</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < metrics_count(); k++) {
		const char *label = metrics_label(k);
		bool sub = label[0] == ' ';

		report_printf(out, "<tr class=\"%s\"><th>%s</th>", sub ? "sub" : "top",
			      label + strspn(label, " "));
		for (size_t j = 0; j < r->n_sum; j++) {
			char *c = metrics_cell(&r->sum[j], k);

			report_printf(out, "<td class=\"num\">%s</td>", c);
			g_free(c);
		}
		report_printf(out, "<td><code>%s</code></td></tr>\n", metrics_name(k));
	}
	g_string_append(out, "</tbody>\n</table>\n");
	for (size_t j = 0; j < r->n_sum; j++) {
		reps = MAX(reps, r->sum[j].n);
		if (r->sum[j].note != NULL)
			report_printf(out, "<p class=\"note\">%s did not run: %s.</p>\n",
				      r->sum[j].label, r->sum[j].note);
	}
	if (reps > 1)
		report_printf(out, "<p class=\"note\">Each cell is the mean over %zu independent "
			      "replications +/- the half width of its 95 %% confidence interval "
			      "(Student t).</p>\n", reps);
}

/* One occupancy chart, a line per model that ran: the MGI's (MGI true) or the MPS's. */
static void report_occupancy_chart(GString *out, const struct report_in *r, bool mgi)
{
	struct report_line *lines = g_new0(struct report_line, r->n_sum ? r->n_sum : 1);
	size_t cap = report_metric(mgi ? "mgi.capacity" : "mps.capacity"), n = 0;

	for (size_t j = 0; j < r->n_sum; j++) {
		const struct metrics_summary *s = &r->sum[j];

		if (s->note != NULL)
			continue;
		lines[n].name = s->label;
		lines[n].v = mgi ? s->mgi_series : s->mps_series;
		lines[n].n = s->n_seconds;
		lines[n].capacity = s->mean[cap];
		lines[n].colour = report_colour(j);
		n++;
	}
	if (mgi)
		report_chart_lines(out, "chart-mgi", "MGI ports in use", "ports", lines, n);
	else
		report_chart_lines(out, "chart-mps", "MPS channels in use", "channels", lines, n);
	g_string_append(out, "<ul class=\"legend\">");
	for (size_t i = 0; i < n; i++)
		report_printf(out, "<li><span style=\"background:%s\"></span>%s: capacity %g "
			      "(dashed)</li>", lines[i].colour, lines[i].name, lines[i].capacity);
	g_string_append(out, "</ul>\n");
	g_free(lines);
}

/* A comparison panel of metric NAME across the models that ran; with MARK_NAME, each bar gets
 * that metric as its capacity tick. */
static void report_metric_panel(GString *out, const struct report_in *r, const char *id,
				const char *name, const char *mark_name)
{
	struct report_bar *b = g_new0(struct report_bar, r->n_sum ? r->n_sum : 1);
	size_t k = report_metric(name), n = 0;
	size_t mk = mark_name ? report_metric(mark_name) : metrics_count();
	char *title = mark_name ? g_strdup_printf("%s (tick: capacity)", metrics_label(k)) :
				  g_strdup(metrics_label(k));

	for (size_t j = 0; j < r->n_sum; j++) {
		const struct metrics_summary *s = &r->sum[j];

		if (s->note != NULL)
			continue;
		b[n] = (struct report_bar){ s->label, s->mean[k], s->half[k],
					    mk < metrics_count() ? s->mean[mk] : NAN,
					    report_colour(j) };
		n++;
	}
	report_chart_bars(out, id, title, b, n, NAN, NULL);
	g_free(title);
	g_free(b);
}

/* A capacity panel: every OS model's figure (SIP station ports or MPS channels), the model that
 * ran coloured, and this run's demand DEMAND as the reference line. */
static void report_capacity_panel(GString *out, const struct report_in *r, const char *id,
				  const char *title, bool mps, double demand, const char *what)
{
	struct report_bar *b = g_new0(struct report_bar, r->n_models ? r->n_models : 1);
	char *ref = g_strdup_printf("%s: %g", what, demand);

	for (size_t i = 0; i < r->n_models; i++) {
		const struct report_model *m = &r->models[i];
		bool ran = r->n_sum > 0 && strcmp(m->name, r->sum[0].label) == 0;

		b[i] = (struct report_bar){ m->name, mps ? m->mps_channels : m->sip_stations, NAN,
					    NAN, ran ? report_colour(0) : "#bbbbbb" };
	}
	report_chart_bars(out, id, title, b, r->n_models, demand, ref);
	g_free(ref);
	g_free(b);
}

/* The per-model comparison: metrics side by side, or capacities against this run. */
static void report_models(GString *out, const struct report_in *r)
{
	size_t ran = 0;

	for (size_t j = 0; j < r->n_sum; j++)
		ran += r->sum[j].note == NULL;
	g_string_append(out, "<h2 id=\"models\">Per-model comparison</h2>\n");
	if (r->n_sum > 1) {
		report_printf(out, "<p>The same scenario and seed on %zu models (common random "
			      "numbers), %zu of which could take its configuration.</p>\n",
			      r->n_sum, ran);
		report_metric_panel(out, r, "chart-calls-answered", "calls.answered", NULL);
		report_metric_panel(out, r, "chart-calls-failed", "calls.failed", NULL);
		report_metric_panel(out, r, "chart-mgi-max", "mgi.max", "mgi.capacity");
		report_metric_panel(out, r, "chart-mps-max", "mps.max", "mps.capacity");
		return;
	}
	report_printf(out, "<p>What each OfficeServ model offers against what this run asked of "
		      "its %s (coloured). <code>ossim run --os-model all</code> runs the "
		      "scenario on every model.</p>\n", r->n_sum ? r->sum[0].label : "model");
	report_capacity_panel(out, r, "chart-capacity-stations", "SIP station ports (CAP-01)",
			      false, r->sip_phones, "SIP phones in the scenario");
	report_capacity_panel(out, r, "chart-capacity-mps", "MPS channels (MPS-01/02)", true,
			      r->n_sum ? r->sum[0].mean[report_metric("mps.max")] : 0,
			      "MPS channels in use, maximum");
}

void report_write_html(const struct report_in *r, GString *out)
{
	report_printf(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
		      "lang=\"en\" xml:lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		      "<title>ossim report: %s</title>\n", r->title);
	/* Raw: a style element's text is not entity-decoded by HTML parsers. */
	g_string_append_printf(out, "<style>%s</style>\n", report_style);
	report_printf(out, "</head>\n<body>\n<h1>%s</h1>\n", r->title);
	report_summary(out, r);
	report_ladder(out, r);
	report_metrics(out, r);
	g_string_append(out, "<h2 id=\"occupancy\">Pool occupancy over time</h2>\n<p>The level "
			"of each pool averaged over every simulated second (time-weighted), and "
			"its capacity.</p>\n");
	report_occupancy_chart(out, r, true);
	report_occupancy_chart(out, r, false);
	report_models(out, r);
	report_printf(out, "<footer>Written by %s. The same command (scenario, seed, models, "
		      "replications, calls) gives this page byte for byte.</footer>\n</body>\n"
		      "</html>\n", r->generator);
}
