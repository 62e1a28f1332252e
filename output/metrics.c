/*
 * metrics.c - the run's measurements from the trace bus, their summary over replications, and
 * the table, CSV and JSON writers (see metrics.h).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "models/sip/txn.h"
#include "output/metrics.h"
#include "sim/net.h"
#include "sim/sim.h"
#include "sim/stats.h"

/* The metrics, in output order. Cause names are the words of sim.h's trace payloads. */
enum {
	M_REG_OK, M_REG_CHALLENGED, M_REG_FAILED, M_REG_F_AUTH, M_REG_F_TELNO, M_REG_F_WL,
	M_REG_F_LICENCE, M_REG_F_CAPACITY, M_REG_F_BLOCKED, M_REG_F_OTHER, M_REG_EXPIRED,
	M_CALL_OFFERED, M_CALL_ANSWERED, M_CALL_FAILED, M_CALL_F_BUSY, M_CALL_F_UNREACHABLE,
	M_CALL_F_NOT_FOUND, M_CALL_F_MGI, M_CALL_F_MPS, M_CALL_F_NAT, M_CALL_F_TIMEOUT,
	M_CALL_F_REJECTED, M_CALL_F_CANCELLED, M_CALL_F_FORBIDDEN, M_CALL_F_OTHER, M_CALL_ENDED,
	M_MGI_CAP, M_MGI_MEAN, M_MGI_MAX, M_MPS_CAP, M_MPS_MEAN, M_MPS_MAX,
	M_SIP_MESSAGES, M_SIP_MEAN, M_SIP_PEAK, M_TXN_RETRANSMIT, M_TXN_TIMEOUT,
	M_COUNT
};

static const struct {
	const char *name, *label;
} metrics[M_COUNT] = {
	[M_REG_OK] = { "registrations.ok", "REGISTERs accepted (200 OK)" },
	[M_REG_CHALLENGED] = { "registrations.challenged", "REGISTERs challenged (401)" },
	[M_REG_FAILED] = { "registrations.failed", "REGISTERs refused or ignored" },
	[M_REG_F_AUTH] = { "registrations.failed.auth", "  wrong credentials" },
	[M_REG_F_TELNO] = { "registrations.failed.telno", "  unknown Tel Number" },
	[M_REG_F_WL] = { "registrations.failed.white-list", "  address not white-listed" },
	[M_REG_F_LICENCE] = { "registrations.failed.licence", "  no licence left" },
	[M_REG_F_CAPACITY] = { "registrations.failed.capacity", "  over capacity" },
	[M_REG_F_BLOCKED] = { "registrations.failed.blocked", "  address blocked" },
	[M_REG_F_OTHER] = { "registrations.failed.other", "  other causes" },
	[M_REG_EXPIRED] = { "registrations.expired", "bindings expired" },
	[M_CALL_OFFERED] = { "calls.offered", "calls offered" },
	[M_CALL_ANSWERED] = { "calls.answered", "calls answered" },
	[M_CALL_FAILED] = { "calls.failed", "calls failed" },
	[M_CALL_F_BUSY] = { "calls.failed.busy", "  busy" },
	[M_CALL_F_UNREACHABLE] = { "calls.failed.unreachable", "  not registered (480)" },
	[M_CALL_F_NOT_FOUND] = { "calls.failed.not-found", "  number not found" },
	[M_CALL_F_MGI] = { "calls.failed.mgi", "  no MGI port" },
	[M_CALL_F_MPS] = { "calls.failed.mps", "  no MPS channel" },
	[M_CALL_F_NAT] = { "calls.failed.nat", "  lost behind a NAT" },
	[M_CALL_F_TIMEOUT] = { "calls.failed.timeout", "  no answer to INVITE" },
	[M_CALL_F_REJECTED] = { "calls.failed.rejected", "  rejected by the callee" },
	[M_CALL_F_CANCELLED] = { "calls.failed.cancelled", "  cancelled by the caller" },
	[M_CALL_F_FORBIDDEN] = { "calls.failed.forbidden", "  forbidden" },
	[M_CALL_F_OTHER] = { "calls.failed.other", "  other causes" },
	[M_CALL_ENDED] = { "calls.ended", "answered calls cleared" },
	[M_MGI_CAP] = { "mgi.capacity", "MGI ports" },
	[M_MGI_MEAN] = { "mgi.mean", "MGI ports in use, time-weighted mean" },
	[M_MGI_MAX] = { "mgi.max", "MGI ports in use, maximum" },
	[M_MPS_CAP] = { "mps.capacity", "MPS channels" },
	[M_MPS_MEAN] = { "mps.mean", "MPS channels in use, time-weighted mean" },
	[M_MPS_MAX] = { "mps.max", "MPS channels in use, maximum" },
	[M_SIP_MESSAGES] = { "sip.messages", "SIP messages at the call server (in + out)" },
	[M_SIP_MEAN] = { "sip.per_s.mean", "SIP messages per second, mean" },
	[M_SIP_PEAK] = { "sip.per_s.peak", "SIP messages per second, busiest second" },
	[M_TXN_RETRANSMIT] = { "txn.retransmissions", "SIP retransmissions (all entities)" },
	[M_TXN_TIMEOUT] = { "txn.timeouts", "SIP transactions timed out (B, F, H)" },
};

/* A cause as the trace payloads name it, and the metric it counts in. */
struct metrics_cause {
	const char *cause;
	int metric;
};

static const struct metrics_cause reg_causes[] = {
	{ "auth", M_REG_F_AUTH }, { "telno", M_REG_F_TELNO }, { "white-list", M_REG_F_WL },
	{ "licence", M_REG_F_LICENCE }, { "capacity", M_REG_F_CAPACITY },
	{ "blocked", M_REG_F_BLOCKED },
};

static const struct metrics_cause call_causes[] = {
	{ "busy", M_CALL_F_BUSY }, { "unreachable", M_CALL_F_UNREACHABLE },
	{ "not found", M_CALL_F_NOT_FOUND }, { "mgi", M_CALL_F_MGI }, { "mps", M_CALL_F_MPS },
	{ "nat", M_CALL_F_NAT }, { "timeout", M_CALL_F_TIMEOUT }, { "rejected", M_CALL_F_REJECTED },
	{ "cancelled", M_CALL_F_CANCELLED }, { "forbidden", M_CALL_F_FORBIDDEN },
};

size_t metrics_count(void)
{
	return M_COUNT;
}

const char *metrics_name(size_t i)
{
	return i < M_COUNT ? metrics[i].name : NULL;
}

size_t metrics_find(const char *name)
{
	size_t i = 0;

	while (i < M_COUNT && strcmp(metrics[i].name, name) != 0)
		i++;
	return i;
}

const char *metrics_label(size_t i)
{
	return i < M_COUNT ? metrics[i].label : NULL;
}

/* A pool's level over time: a gauge and the area of each second. */
struct metrics_level {
	struct sim_gauge g;
	double *area;                    /* level x ns, per second */
};

struct metrics {
	struct sim *sim;
	struct metrics_cfg cfg;          /* strings owned */
	struct sim_trace_sub *subs[6];
	double v[M_COUNT];
	size_t n_seconds;
	struct metrics_level mgi, mps;
	uint64_t *per_s;                 /* SIP messages at the server, per second */
};

/* The metric of CAUSE in TABLE, or OTHER. */
#define METRICS_CAUSE(table, cause, other) \
	metrics_cause_find(table, G_N_ELEMENTS(table), cause, other)
static int metrics_cause_find(const struct metrics_cause *t, size_t n, const char *cause,
			      int other)
{
	for (size_t i = 0; cause != NULL && i < n; i++)
		if (strcmp(t[i].cause, cause) == 0)
			return t[i].metric;
	return other;
}

/* The second T (ns) falls in, clipped to the run. */
static size_t metrics_second(const struct metrics *m, int64_t t)
{
	size_t s = (size_t)(t / SIM_S);

	return s < m->n_seconds ? s : m->n_seconds - 1;
}

/* Adds the area of L's current level from its last change up to T, second by second. */
static void metrics_level_advance(struct metrics *m, struct metrics_level *l, int64_t t)
{
	int64_t from = l->g.t_last;

	while (from < t) {
		int64_t end = (from / SIM_S + 1) * SIM_S;

		if (end > t)
			end = t;
		l->area[metrics_second(m, from)] += l->g.level * (double)(end - from);
		from = end;
	}
}

/* Sets L's level to LEVEL at T. */
static void metrics_level_set(struct metrics *m, struct metrics_level *l, int64_t t, double level)
{
	metrics_level_advance(m, l, t);
	sim_gauge_set(&l->g, t, level);
}

static void on_reg(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_trace_reg *r = tp->payload;
	struct metrics *m = arg;

	if (r->challenged)
		m->v[M_REG_CHALLENGED]++;
	else if (r->ok)
		m->v[M_REG_OK] += !r->unregister;
	else if (r->cause != NULL && strcmp(r->cause, "expired") == 0)
		m->v[M_REG_EXPIRED]++;
	else {
		m->v[M_REG_FAILED]++;
		m->v[METRICS_CAUSE(reg_causes, r->cause, M_REG_F_OTHER)]++;
	}
}

static void on_call(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_trace_call *c = tp->payload;
	struct metrics *m = arg;

	switch (c->event) {
	case SIM_CALL_OFFERED:
		m->v[M_CALL_OFFERED]++;
		break;
	case SIM_CALL_ANSWERED:
		m->v[M_CALL_ANSWERED]++;
		break;
	case SIM_CALL_FAILED:
		m->v[M_CALL_FAILED]++;
		m->v[METRICS_CAUSE(call_causes, c->cause, M_CALL_F_OTHER)]++;
		break;
	case SIM_CALL_ENDED:
		m->v[M_CALL_ENDED]++;
		break;
	case SIM_CALL_ALERTING:
	case SIM_CALL_LEG:
		break;
	}
}

static void on_pool(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_trace_pool *p = tp->payload;
	struct metrics *m = arg;

	if (p->pool == NULL)
		return;
	if (m->cfg.mgi_pool != NULL && strcmp(p->pool, m->cfg.mgi_pool) == 0)
		metrics_level_set(m, &m->mgi, tp->time, p->in_use);
	else if (m->cfg.mps_pool != NULL && strcmp(p->pool, m->cfg.mps_pool) == 0)
		metrics_level_set(m, &m->mps, tp->time, p->in_use);
}

/* A datagram or segment sent by, or delivered to, the server. */
static void on_net(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_net_packet *p = tp->payload;
	struct metrics *m = arg;
	const char *host = tp->kind == SIM_TRACE_NET_SEND ? p->src_host : p->dst_host;

	if (host == NULL || strcmp(host, m->cfg.server) != 0 || g_bytes_get_size(p->data) == 0)
		return;
	m->v[M_SIP_MESSAGES]++;
	m->per_s[metrics_second(m, tp->time)]++;
}

static void on_txn(const struct sim_trace_point *tp, void *arg)
{
	const struct sip_txn_trace *t = tp->payload;
	struct metrics *m = arg;

	if (t->event == SIP_TXN_RETRANSMIT)
		m->v[M_TXN_RETRANSMIT]++;
	else if (t->event == SIP_TXN_TIMEOUT)
		m->v[M_TXN_TIMEOUT]++;
}

struct metrics *metrics_new(struct sim *sim, const struct metrics_cfg *cfg)
{
	struct metrics *m = g_new0(struct metrics, 1);
	int64_t now = sim_now(sim);

	m->sim = sim;
	m->cfg = *cfg;
	m->cfg.server = g_strdup(cfg->server);
	m->cfg.mgi_pool = g_strdup(cfg->mgi_pool);
	m->cfg.mps_pool = g_strdup(cfg->mps_pool);
	m->n_seconds = (size_t)((cfg->duration_ns + SIM_S - 1) / SIM_S);
	if (m->n_seconds == 0)
		m->n_seconds = 1;
	m->per_s = g_new0(uint64_t, m->n_seconds);
	m->mgi.area = g_new0(double, m->n_seconds);
	m->mps.area = g_new0(double, m->n_seconds);
	sim_gauge_init(&m->mgi.g, now, 0);
	sim_gauge_init(&m->mps.g, now, 0);
	m->subs[0] = sim_trace_subscribe(sim, SIM_TRACE_REG, on_reg, m);
	m->subs[1] = sim_trace_subscribe(sim, SIM_TRACE_CALL, on_call, m);
	m->subs[2] = sim_trace_subscribe(sim, SIM_TRACE_POOL, on_pool, m);
	m->subs[3] = sim_trace_subscribe(sim, SIM_TRACE_NET_SEND, on_net, m);
	m->subs[4] = sim_trace_subscribe(sim, SIM_TRACE_NET_DELIVER, on_net, m);
	m->subs[5] = sim_trace_subscribe(sim, SIM_TRACE_SIP, on_txn, m);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(m->subs); i++)
		sim_trace_unsubscribe(m->sim, m->subs[i]);
	g_free((char *)m->cfg.server);
	g_free((char *)m->cfg.mgi_pool);
	g_free((char *)m->cfg.mps_pool);
	g_free(m->per_s);
	g_free(m->mgi.area);
	g_free(m->mps.area);
	g_free(m);
}

/* The series of L (area per second over the second's length), closed at END. */
static double *metrics_series(const struct metrics *m, const struct metrics_level *l, int64_t end)
{
	double *s = g_new0(double, m->n_seconds);
	struct metrics_level tmp = *l;

	tmp.area = s;
	memcpy(s, l->area, m->n_seconds * sizeof(*s));
	metrics_level_advance((struct metrics *)m, &tmp, end);
	for (size_t i = 0; i < m->n_seconds; i++) {
		int64_t len = MIN(end - (int64_t)i * SIM_S, SIM_S);

		s[i] = len > 0 ? s[i] / (double)len : 0;
	}
	return s;
}

void metrics_result(const struct metrics *m, struct metrics_run *out)
{
	int64_t end = m->cfg.duration_ns;
	uint64_t peak = 0;

	out->v = g_memdup2(m->v, sizeof(m->v));
	out->n_seconds = m->n_seconds;
	out->mgi_series = metrics_series(m, &m->mgi, end);
	out->mps_series = metrics_series(m, &m->mps, end);
	out->v[M_MGI_CAP] = m->cfg.mgi_capacity;
	out->v[M_MGI_MEAN] = sim_gauge_mean(&m->mgi.g, end);
	out->v[M_MGI_MAX] = m->mgi.g.max;
	out->v[M_MPS_CAP] = m->cfg.mps_capacity;
	out->v[M_MPS_MEAN] = sim_gauge_mean(&m->mps.g, end);
	out->v[M_MPS_MAX] = m->mps.g.max;
	for (size_t i = 0; i < m->n_seconds; i++)
		peak = MAX(peak, m->per_s[i]);
	out->v[M_SIP_MEAN] = end > 0 ? m->v[M_SIP_MESSAGES] / ((double)end / SIM_S) : 0;
	out->v[M_SIP_PEAK] = (double)peak;
}

void metrics_run_clear(struct metrics_run *r)
{
	g_clear_pointer(&r->v, g_free);
	g_clear_pointer(&r->mgi_series, g_free);
	g_clear_pointer(&r->mps_series, g_free);
}

void metrics_summarise(const struct metrics_run *runs, size_t n, const char *label,
		       struct metrics_summary *out)
{
	double *x = g_new(double, n ? n : 1);

	memset(out, 0, sizeof(*out));
	out->label = g_strdup(label);
	out->n = n;
	out->mean = g_new0(double, M_COUNT);
	out->half = g_new0(double, M_COUNT);
	for (size_t k = 0; k < M_COUNT; k++) {
		struct sim_ci ci;

		for (size_t r = 0; r < n; r++)
			x[r] = runs[r].v[k];
		ci = sim_ci_compute(x, n, 0.95);
		out->mean[k] = n ? ci.mean : NAN;
		out->half[k] = n > 1 ? ci.half_width : NAN;
	}
	out->n_seconds = n ? runs[0].n_seconds : 0;
	out->mgi_series = g_new0(double, out->n_seconds ? out->n_seconds : 1);
	out->mps_series = g_new0(double, out->n_seconds ? out->n_seconds : 1);
	for (size_t r = 0; r < n; r++)
		for (size_t i = 0; i < out->n_seconds; i++) {
			out->mgi_series[i] += runs[r].mgi_series[i] / (double)n;
			out->mps_series[i] += runs[r].mps_series[i] / (double)n;
		}
	g_free(x);
}

void metrics_summary_clear(struct metrics_summary *s)
{
	g_clear_pointer(&s->label, g_free);
	g_clear_pointer(&s->mean, g_free);
	g_clear_pointer(&s->half, g_free);
	g_clear_pointer(&s->mgi_series, g_free);
	g_clear_pointer(&s->mps_series, g_free);
	g_clear_pointer(&s->note, g_free);
}

char *metrics_cell(const struct metrics_summary *s, size_t k)
{
	if (s->note != NULL)
		return g_strdup("-");
	if (isnan(s->half[k]))
		return g_strdup_printf("%.6g", s->mean[k]);
	return g_strdup_printf("%.6g +/- %.3g", s->mean[k], s->half[k]);
}

void metrics_write_table(const struct metrics_summary *s, size_t n, GString *out)
{
	int w0 = (int)strlen("metric");
	int *w = g_new0(int, n ? n : 1);

	for (size_t k = 0; k < M_COUNT; k++)
		w0 = MAX(w0, (int)strlen(metrics[k].label));
	for (size_t j = 0; j < n; j++) {
		w[j] = (int)strlen(s[j].label);
		for (size_t k = 0; k < M_COUNT; k++) {
			char *c = metrics_cell(&s[j], k);

			w[j] = MAX(w[j], (int)strlen(c));
			g_free(c);
		}
	}
	g_string_append_printf(out, "%-*s", w0, "metric");
	for (size_t j = 0; j < n; j++)
		g_string_append_printf(out, "  %*s", w[j], s[j].label);
	g_string_append_c(out, '\n');
	for (size_t k = 0; k < M_COUNT; k++) {
		g_string_append_printf(out, "%-*s", w0, metrics[k].label);
		for (size_t j = 0; j < n; j++) {
			char *c = metrics_cell(&s[j], k);

			g_string_append_printf(out, "  %*s", w[j], c);
			g_free(c);
		}
		g_string_append_c(out, '\n');
	}
	for (size_t j = 0; j < n; j++)
		if (s[j].note != NULL)
			g_string_append_printf(out, "%s: %s\n", s[j].label, s[j].note);
	if (n > 0 && s[0].n > 1)
		g_string_append_printf(out, "(mean +/- 95 %% confidence half width over %zu "
				       "replications)\n", s[0].n);
	g_free(w);
}

/* A number as CSV writes it: "%.17g" round-trips; NAN is an empty field. */
static void metrics_csv_num(GString *out, double x)
{
	if (!isnan(x))
		g_string_append_printf(out, "%.17g", x);
}

void metrics_write_csv(const struct metrics_summary *s, size_t n, GString *out)
{
	g_string_append(out, "model,metric,mean,ci95_half_width,replications\n");
	for (size_t j = 0; j < n; j++) {
		if (s[j].note != NULL)
			continue;
		for (size_t k = 0; k < M_COUNT; k++) {
			g_string_append_printf(out, "%s,%s,", s[j].label, metrics[k].name);
			metrics_csv_num(out, s[j].mean[k]);
			g_string_append_c(out, ',');
			metrics_csv_num(out, s[j].half[k]);
			g_string_append_printf(out, ",%zu\n", s[j].n);
		}
	}
}

/* Adds X to B as a JSON number, or null when it is not finite (JSON has no NaN). */
static void metrics_json_num(JsonBuilder *b, double x)
{
	if (isfinite(x))
		json_builder_add_double_value(b, x);
	else
		json_builder_add_null_value(b);
}

void metrics_write_json(const struct metrics_summary *s, size_t n, const char *scenario,
			uint64_t seed, GString *out)
{
	JsonBuilder *b = json_builder_new();
	JsonGenerator *gen = json_generator_new();
	JsonNode *root;
	char *text;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "scenario");
	json_builder_add_string_value(b, scenario);
	json_builder_set_member_name(b, "seed");
	json_builder_add_int_value(b, (gint64)seed);
	json_builder_set_member_name(b, "replications");
	json_builder_add_int_value(b, n > 0 ? (gint64)s[0].n : 0);
	json_builder_set_member_name(b, "models");
	json_builder_begin_array(b);
	for (size_t j = 0; j < n; j++) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "model");
		json_builder_add_string_value(b, s[j].label);
		if (s[j].note != NULL) {
			json_builder_set_member_name(b, "not_applicable");
			json_builder_add_string_value(b, s[j].note);
			json_builder_end_object(b);
			continue;
		}
		json_builder_set_member_name(b, "metrics");
		json_builder_begin_object(b);
		for (size_t k = 0; k < M_COUNT; k++) {
			json_builder_set_member_name(b, metrics[k].name);
			json_builder_begin_object(b);
			json_builder_set_member_name(b, "mean");
			metrics_json_num(b, s[j].mean[k]);
			json_builder_set_member_name(b, "ci95");
			metrics_json_num(b, s[j].half[k]);
			json_builder_end_object(b);
		}
		json_builder_end_object(b);
		json_builder_set_member_name(b, "series");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "seconds");
		json_builder_add_int_value(b, (gint64)s[j].n_seconds);
		json_builder_set_member_name(b, "mgi");
		json_builder_begin_array(b);
		for (size_t i = 0; i < s[j].n_seconds; i++)
			metrics_json_num(b, s[j].mgi_series[i]);
		json_builder_end_array(b);
		json_builder_set_member_name(b, "mps");
		json_builder_begin_array(b);
		for (size_t i = 0; i < s[j].n_seconds; i++)
			metrics_json_num(b, s[j].mps_series[i]);
		json_builder_end_array(b);
		json_builder_end_object(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	json_generator_set_indent(gen, 2);
	text = json_generator_to_data(gen, NULL);
	g_string_append(out, text);
	g_string_append_c(out, '\n');
	g_free(text);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(b);
}
