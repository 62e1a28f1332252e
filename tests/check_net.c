/*
 * check_net.c - Check tests for sim/net.c, the simulated network: link delay and loss draws,
 * UDP delivery and drops, reliable ordered streams, the forward hook, the trace bus payloads,
 * determinism under the seed, and address parsing/formatting.
 *
 * Expected values are hand computations: constant links give exact arrival times, the jitter
 * distributions have known bounds and means (U(0,j): j/2; Exp(j): j; |N(0,j)|: j*sqrt(2/pi)),
 * and loss counts are checked against the binomial's mean and standard deviation.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sim/net.h"
#include "sim/sim.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* ---- a small world: two hosts, a trace log, what receivers saw ---- */

struct world {
	struct sim *sim;
	struct sim_net *net;
	struct sim_host *a, *b;
	GString *log;            /* one line per trace point */
	GPtrArray *points;       /* struct seen *, every trace point in order */
	GPtrArray *rx;           /* struct seen *, every UDP or stream delivery to a handler */
	unsigned closes;         /* stream close handlers run */
	int64_t close_at;
};

/* A copy of one trace point or delivery. */
struct seen {
	enum sim_trace_kind kind;
	int64_t time;
	char *source;
	struct sim_net_packet pkt; /* host names and reason are copies, data is referenced */
	void *who;                 /* receiving socket or stream */
};

/* Frees a struct seen. */
static void seen_free(void *p)
{
	struct seen *s = p;

	g_free(s->source);
	g_free((char *)s->pkt.src_host);
	g_free((char *)s->pkt.dst_host);
	g_free((char *)s->pkt.drop_reason);
	if (s->pkt.data != NULL)
		g_bytes_unref(s->pkt.data);
	g_free(s);
}

/* Short name of a net trace kind for the log. */
static const char *kind_name(enum sim_trace_kind k)
{
	return k == SIM_TRACE_NET_SEND ? "send" : k == SIM_TRACE_NET_DELIVER ? "deliver" : "drop";
}

/* Trace subscriber: records the point as a struct seen and as a text line. */
static void on_trace(const struct sim_trace_point *tp, void *arg)
{
	struct world *w = arg;
	const struct sim_net_packet *p = tp->payload;
	struct seen *s = g_new0(struct seen, 1);
	char src[32], dst[32];

	s->kind = tp->kind;
	s->time = tp->time;
	s->source = g_strdup(tp->source);
	s->pkt = *p;
	s->pkt.src_host = g_strdup(p->src_host);
	s->pkt.dst_host = g_strdup(p->dst_host);
	s->pkt.drop_reason = g_strdup(p->drop_reason);
	s->pkt.data = g_bytes_ref(p->data);
	g_ptr_array_add(w->points, s);
	g_string_append_printf(w->log, "%" G_GINT64_FORMAT " %s %s id=%" G_GUINT64_FORMAT
			       " proto=%d %s(%s) > %s(%s) sent=%" G_GINT64_FORMAT " len=%zu"
			       " reason=%s data=%.*s\n", tp->time, kind_name(tp->kind),
			       tp->source ? tp->source : "-", p->id, (int)p->proto,
			       sim_addr_str(&p->src, src, sizeof(src)),
			       p->src_host ? p->src_host : "-",
			       sim_addr_str(&p->dst, dst, sizeof(dst)),
			       p->dst_host ? p->dst_host : "-", p->sent_at,
			       g_bytes_get_size(p->data), p->drop_reason ? p->drop_reason : "-",
			       (int)g_bytes_get_size(p->data),
			       (const char *)g_bytes_get_data(p->data, NULL));
}

/* A world with seed SEED, hosts a = 10.0.0.1 and b = 10.0.0.2, every net point logged. */
static struct world *world_new(uint64_t seed)
{
	struct world *w = g_new0(struct world, 1);

	w->sim = sim_new(seed, 0);
	w->net = sim_net_new(w->sim);
	w->a = sim_net_host_add(w->net, "a", IP(10, 0, 0, 1));
	w->b = sim_net_host_add(w->net, "b", IP(10, 0, 0, 2));
	w->log = g_string_new(NULL);
	w->points = g_ptr_array_new_with_free_func(seen_free);
	w->rx = g_ptr_array_new_with_free_func(seen_free);
	w->close_at = -1;
	sim_trace_subscribe(w->sim, SIM_TRACE_NET_SEND, on_trace, w);
	sim_trace_subscribe(w->sim, SIM_TRACE_NET_DELIVER, on_trace, w);
	sim_trace_subscribe(w->sim, SIM_TRACE_NET_DROP, on_trace, w);
	return w;
}

/* Frees the network, then the world (the order sim_net_free asks for). */
static void world_free(struct world *w)
{
	sim_net_free(w->net);
	sim_free(w->sim);
	g_string_free(w->log, TRUE);
	g_ptr_array_free(w->points, TRUE);
	g_ptr_array_free(w->rx, TRUE);
	g_free(w);
}

/* Records a delivery to a handler. */
static void world_rx(struct world *w, void *who, const struct sim_addr *src,
		     const struct sim_addr *dst, GBytes *data)
{
	struct seen *s = g_new0(struct seen, 1);

	s->time = sim_now(w->sim);
	if (src != NULL)
		s->pkt.src = *src;
	if (dst != NULL)
		s->pkt.dst = *dst;
	s->pkt.data = g_bytes_ref(data);
	s->who = who;
	g_ptr_array_add(w->rx, s);
}

/* UDP receiver: records the delivery in the world passed as ARG. */
static void udp_rx(struct sim_udp *sock, const struct sim_addr *src, const struct sim_addr *dst,
		   GBytes *data, void *arg)
{
	world_rx(arg, sock, src, dst, data);
}

/* GBytes of the text S, without its NUL. */
static GBytes *bytes(const char *s)
{
	return g_bytes_new(s, strlen(s));
}

/* Sends the text S from SOCK to DST and checks it was accepted. */
static void udp_send_str(struct sim_udp *sock, const struct sim_addr *dst, const char *s)
{
	GBytes *b = bytes(s);

	ck_assert_int_eq(sim_udp_send(sock, dst, b), 0);
	g_bytes_unref(b);
}

/* The I-th point of kind KIND in W's trace, or NULL. */
static struct seen *point_nth(struct world *w, enum sim_trace_kind kind, unsigned i)
{
	for (guint k = 0; k < w->points->len; k++) {
		struct seen *s = g_ptr_array_index(w->points, k);

		if (s->kind == kind && i-- == 0)
			return s;
	}
	return NULL;
}

/* Number of points of kind KIND in W's trace. */
static unsigned point_count(struct world *w, enum sim_trace_kind kind)
{
	unsigned n = 0;

	for (guint k = 0; k < w->points->len; k++)
		n += ((struct seen *)g_ptr_array_index(w->points, k))->kind == kind;
	return n;
}

/* Does B hold exactly the text S? */
static bool bytes_is(GBytes *b, const char *s)
{
	size_t n;
	const char *d = g_bytes_get_data(b, &n);

	return n == strlen(s) && memcmp(d, s, n) == 0;
}

/* ---- timed sends: a datagram sent from inside the simulation at a given time ---- */

struct later {
	struct sim_udp *sock;
	struct sim_addr dst;
	char *text;
};

/* Event handler: performs a struct later send. */
static void later_fire(struct sim *sim, void *arg)
{
	struct later *l = arg;

	(void)sim;
	udp_send_str(l->sock, &l->dst, l->text);
	g_free(l->text);
	g_free(l);
}

/* Schedules SOCK to send TEXT to DST at time AT. */
static void send_at(struct world *w, int64_t at, struct sim_udp *sock, const struct sim_addr *dst,
		    const char *text)
{
	struct later *l = g_new0(struct later, 1);

	l->sock = sock;
	l->dst = *dst;
	l->text = g_strdup(text);
	sim_schedule(w->sim, at - sim_now(w->sim), later_fire, l);
}

/* ---- links: delay ---- */

START_TEST(test_const_latency_exact)
{
	/* given a 7 ms constant link a-b */
	struct world *w = world_new(1);
	struct sim_link link = { .latency = 7 * SIM_MS, .dist = SIM_DELAY_CONST };
	sim_net_set_link(w->net, w->a, w->b, &link);
	struct sim_udp *sa = sim_udp_bind(w->a, 5060, udp_rx, w);
	struct sim_udp *sb = sim_udp_bind(w->b, 5060, udp_rx, w);
	struct sim_addr to_b = sim_udp_local(sb), to_a = sim_udp_local(sa);

	/* when a sends at 0 and 3 ms, b sends at 1.5 s */
	send_at(w, 0, sa, &to_b, "one");
	send_at(w, 3 * SIM_MS, sa, &to_b, "two");
	send_at(w, 1500 * SIM_MS, sb, &to_a, "three");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then each arrives exactly 7 ms later, both directions, at the right socket */
	ck_assert_uint_eq(w->rx->len, 3);
	struct seen *r0 = g_ptr_array_index(w->rx, 0), *r1 = g_ptr_array_index(w->rx, 1);
	struct seen *r2 = g_ptr_array_index(w->rx, 2);
	ck_assert_int_eq(r0->time, 7 * SIM_MS);
	ck_assert_int_eq(r1->time, 10 * SIM_MS);
	ck_assert_int_eq(r2->time, 1507 * SIM_MS);
	ck_assert(r0->who == sb && r2->who == sa);
	ck_assert(bytes_is(r1->pkt.data, "two"));
	ck_assert(sim_addr_equal(&r2->pkt.src, &to_b));
	ck_assert(sim_addr_equal(&r2->pkt.dst, &to_a));
	world_free(w);
}
END_TEST

START_TEST(test_default_link)
{
	/* given no link of their own, a and b use the default (1 ms), then a changed default */
	struct world *w = world_new(1);
	struct sim_udp *sa = sim_udp_bind(w->a, 1, udp_rx, w);
	struct sim_udp *sb = sim_udp_bind(w->b, 2, udp_rx, w);
	struct sim_addr to_b = sim_udp_local(sb);

	udp_send_str(sa, &to_b, "x");
	sim_run(w->sim, SIM_TIME_NEVER);
	struct sim_link slow = { .latency = 40 * SIM_MS };
	sim_net_set_default_link(w->net, &slow);
	udp_send_str(sa, &to_b, "y");
	sim_run(w->sim, SIM_TIME_NEVER);

	ck_assert_uint_eq(w->rx->len, 2);
	ck_assert_int_eq(((struct seen *)g_ptr_array_index(w->rx, 0))->time, 1 * SIM_MS);
	ck_assert_int_eq(((struct seen *)g_ptr_array_index(w->rx, 1))->time, 41 * SIM_MS);
	world_free(w);
}
END_TEST

/* Rows: distribution, latency, jitter, the expected mean of the random part as a fraction of
   the jitter, and whether the random part is bounded by the jitter. */
static const struct jitter_row {
	enum sim_delay_dist dist;
	double mean_frac;
	bool bounded;
} jitter_rows[] = {
	{ SIM_DELAY_UNIFORM, 0.5, true },               /* U(0,j): mean j/2, within [0, j] */
	{ SIM_DELAY_EXP, 1.0, false },                  /* Exp(mean j) */
	{ SIM_DELAY_NORMAL, 0.79788456080286536, false }, /* |N(0,j)|: j*sqrt(2/pi) */
};

START_TEST(test_jitter_distribution)
{
	/* given a link of 10 ms + jitter 4 ms of the row's distribution */
	const struct jitter_row *row = &jitter_rows[_i];
	const int n = 4000;
	struct world *w = world_new(42);
	struct sim_link link = { .latency = 10 * SIM_MS, .jitter = 4 * SIM_MS, .dist = row->dist };
	sim_net_set_link(w->net, w->a, w->b, &link);
	struct sim_udp *sa = sim_udp_bind(w->a, 1, udp_rx, w);
	struct sim_udp *sb = sim_udp_bind(w->b, 2, udp_rx, w);
	struct sim_addr to_b = sim_udp_local(sb);

	/* when 4000 datagrams are sent at 0 */
	for (int i = 0; i < n; i++)
		udp_send_str(sa, &to_b, "j");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then no delay is below the latency, the uniform one stays within latency + jitter,
	   the mean of the random part matches the distribution within 5 standard errors */
	ck_assert_uint_eq(w->rx->len, (unsigned)n);
	double sum = 0, sumsq = 0, min = INFINITY, max = 0;
	for (int i = 0; i < n; i++) {
		struct seen *r = g_ptr_array_index(w->rx, i);
		double x = (double)(r->time - 10 * SIM_MS) / (double)SIM_MS; /* ms of jitter */

		ck_assert_int_ge(r->time, 10 * SIM_MS);
		sum += x;
		sumsq += x * x;
		min = fmin(min, x);
		max = fmax(max, x);
	}
	double mean = sum / n, sd = sqrt((sumsq - n * mean * mean) / (n - 1));
	ck_assert_double_le(fabs(mean - row->mean_frac * 4.0), 5 * sd / sqrt(n));
	ck_assert_double_lt(min, 0.05);               /* the draws do reach down to the latency */
	if (row->bounded) {
		ck_assert_double_le(max, 4.0);
		ck_assert_double_gt(max, 3.95);
	} else {
		ck_assert_double_gt(max, 4.0);          /* unbounded tails go past the scale */
	}
	/* UDP reorders under jitter: some datagram arrives before one sent earlier */
	unsigned inversions = 0;
	for (unsigned i = 1; i < (unsigned)n; i++)
		inversions += point_nth(w, SIM_TRACE_NET_DELIVER, i)->pkt.id <
			      point_nth(w, SIM_TRACE_NET_DELIVER, i - 1)->pkt.id;
	ck_assert_uint_gt(inversions, (unsigned)n / 4);
	world_free(w);
}
END_TEST

/* ---- links: loss ---- */

/* Sends N datagrams a->b over a link with LOSS and seed SEED; returns the dropped ids' bitmap. */
static GString *loss_pattern(uint64_t seed, double loss, int n, unsigned *dropped)
{
	struct world *w = world_new(seed);
	struct sim_link link = { .latency = SIM_MS, .loss = loss };
	sim_net_set_link(w->net, w->a, w->b, &link);
	struct sim_udp *sa = sim_udp_bind(w->a, 1, udp_rx, w);
	struct sim_udp *sb = sim_udp_bind(w->b, 2, udp_rx, w);
	struct sim_addr to_b = sim_udp_local(sb);
	GString *pattern = g_string_new(NULL);

	for (int i = 0; i < n; i++)
		udp_send_str(sa, &to_b, "L");
	sim_run(w->sim, SIM_TIME_NEVER);
	g_string_set_size(pattern, (gsize)n);
	memset(pattern->str, '.', (size_t)n);
	*dropped = 0;
	for (guint k = 0; k < w->points->len; k++) {
		struct seen *s = g_ptr_array_index(w->points, k);

		if (s->kind == SIM_TRACE_NET_DROP) {
			ck_assert_str_eq(s->pkt.drop_reason, "loss");
			ck_assert_str_eq(s->source, "a");       /* the sender reports it */
			ck_assert_int_eq(s->time, 0);           /* at send time */
			pattern->str[s->pkt.id - 1] = 'x';
			(*dropped)++;
		}
	}
	struct sim_net_stats st = sim_net_stats(w->net);
	ck_assert_uint_eq(st.sent, (uint64_t)n);
	ck_assert_uint_eq(st.dropped, *dropped);
	ck_assert_uint_eq(st.delivered + st.dropped, (uint64_t)n);
	ck_assert_uint_eq(w->rx->len, (unsigned)n - *dropped);
	world_free(w);
	return pattern;
}

START_TEST(test_loss_rate_and_pattern)
{
	/* given 10,000 datagrams over a 10 % loss link */
	unsigned d1, d2, d3;
	GString *p1 = loss_pattern(7, 0.10, 10000, &d1);
	GString *p2 = loss_pattern(7, 0.10, 10000, &d2);
	GString *p3 = loss_pattern(8, 0.10, 10000, &d3);

	/* then about 1000 are lost: binomial sd = sqrt(10000 * 0.1 * 0.9) = 30, allow 4 sd */
	ck_assert_uint_ge(d1, 1000 - 120);
	ck_assert_uint_le(d1, 1000 + 120);
	ck_assert_uint_ge(d3, 1000 - 120);
	ck_assert_uint_le(d3, 1000 + 120);
	/* and the same seed drops the same datagrams, another seed others */
	ck_assert_uint_eq(d1, d2);
	ck_assert_str_eq(p1->str, p2->str);
	ck_assert_str_ne(p1->str, p3->str);
	g_string_free(p1, TRUE);
	g_string_free(p2, TRUE);
	g_string_free(p3, TRUE);
}
END_TEST

START_TEST(test_loss_extremes)
{
	/* loss 0 never drops, loss 1 always drops */
	unsigned d;
	GString *p = loss_pattern(3, 0.0, 500, &d);
	ck_assert_uint_eq(d, 0);
	g_string_free(p, TRUE);
	p = loss_pattern(3, 1.0, 500, &d);
	ck_assert_uint_eq(d, 500);
	g_string_free(p, TRUE);
}
END_TEST

/* ---- UDP drops and sockets ---- */

START_TEST(test_udp_port_unreachable_and_no_route)
{
	/* given a bound on 10.0.0.1:5060 and nothing bound on b */
	struct world *w = world_new(1);
	struct sim_udp *sa = sim_udp_bind(w->a, 5060, udp_rx, w);
	struct sim_addr unbound = { IP(10, 0, 0, 2), 5070 };
	struct sim_addr nohost = { IP(192, 168, 9, 9), 5060 };

	/* when a sends to an unbound port and to an address no host has */
	udp_send_str(sa, &unbound, "hello");
	udp_send_str(sa, &nohost, "anyone?");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then two drops, at arrival time, with the reasons and hosts */
	ck_assert_uint_eq(w->rx->len, 0);
	ck_assert_uint_eq(point_count(w, SIM_TRACE_NET_DROP), 2);
	struct seen *d0 = point_nth(w, SIM_TRACE_NET_DROP, 0);
	struct seen *d1 = point_nth(w, SIM_TRACE_NET_DROP, 1);
	ck_assert_str_eq(d0->pkt.drop_reason, "port unreachable");
	ck_assert_int_eq(d0->time, SIM_MS);
	ck_assert_str_eq(d0->pkt.dst_host, "b");
	ck_assert_str_eq(d0->source, "b");
	ck_assert_uint_eq(d0->pkt.dst.port, 5070);
	ck_assert_str_eq(d1->pkt.drop_reason, "no route");
	ck_assert_ptr_null(d1->pkt.dst_host);
	ck_assert_str_eq(d1->source, "a");
	world_free(w);
}
END_TEST

START_TEST(test_udp_close_in_flight)
{
	/* given a datagram in flight to b:7000 */
	struct world *w = world_new(1);
	struct sim_udp *sa = sim_udp_bind(w->a, 1, udp_rx, w);
	struct sim_udp *sb = sim_udp_bind(w->b, 7000, udp_rx, w);
	struct sim_addr to_b = sim_udp_local(sb);
	udp_send_str(sa, &to_b, "late");

	/* when b closes its socket before it arrives */
	sim_udp_close(sb);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then it is dropped on arrival as port unreachable; the port is free again */
	ck_assert_uint_eq(w->rx->len, 0);
	ck_assert_str_eq(point_nth(w, SIM_TRACE_NET_DROP, 0)->pkt.drop_reason,
			 "port unreachable");
	sb = sim_udp_bind(w->b, 7000, udp_rx, w);
	ck_assert_ptr_nonnull(sb);
	world_free(w);
}
END_TEST

/* Receiver that closes its own socket on the first datagram. */
static void udp_rx_close(struct sim_udp *sock, const struct sim_addr *src,
			 const struct sim_addr *dst, GBytes *data, void *arg)
{
	world_rx(arg, sock, src, dst, data);
	sim_udp_close(sock);
}

START_TEST(test_udp_close_in_handler)
{
	/* given b closes its socket inside its handler, with two datagrams sent */
	struct world *w = world_new(1);
	struct sim_udp *sa = sim_udp_bind(w->a, 1, udp_rx, w);
	struct sim_udp *sb = sim_udp_bind(w->b, 7000, udp_rx_close, w);
	struct sim_addr to_b = sim_udp_local(sb);
	udp_send_str(sa, &to_b, "first");
	udp_send_str(sa, &to_b, "second");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the first is delivered, the second finds the port closed */
	ck_assert_uint_eq(w->rx->len, 1);
	ck_assert_uint_eq(point_count(w, SIM_TRACE_NET_DELIVER), 1);
	ck_assert_str_eq(point_nth(w, SIM_TRACE_NET_DROP, 0)->pkt.drop_reason,
			 "port unreachable");
	world_free(w);
}
END_TEST

START_TEST(test_udp_bind_and_send_errors)
{
	struct world *w = world_new(1);

	/* ephemeral ports count from 49152 and skip taken ones; a taken port is refused */
	struct sim_udp *fixed = sim_udp_bind(w->a, 49153, udp_rx, w);
	struct sim_udp *e1 = sim_udp_bind(w->a, 0, udp_rx, w);
	struct sim_udp *e2 = sim_udp_bind(w->a, 0, udp_rx, w);
	ck_assert_uint_eq(sim_udp_local(e1).port, 49152);
	struct sim_udp *e3 = sim_udp_bind(w->a, 0, udp_rx, w);
	ck_assert_uint_eq(sim_udp_local(e2).port, 49154);
	ck_assert_uint_eq(sim_udp_local(e3).port, 49155);
	ck_assert_uint_eq(sim_udp_local(e1).ip, IP(10, 0, 0, 1));
	ck_assert_ptr_null(sim_udp_bind(w->a, 49153, udp_rx, w));
	/* the same port on another host is free */
	ck_assert_ptr_nonnull(sim_udp_bind(w->b, 49153, udp_rx, w));

	/* empty and oversized datagrams are refused, 65507 bytes pass */
	struct sim_addr dst = { IP(10, 0, 0, 2), 49153 };
	GBytes *empty = g_bytes_new(NULL, 0);
	char *big = g_malloc0(65508);
	GBytes *too_big = g_bytes_new(big, 65508), *max = g_bytes_new(big, 65507);
	ck_assert_int_eq(sim_udp_send(fixed, &dst, empty), EINVAL);
	ck_assert_int_eq(sim_udp_send(fixed, &dst, too_big), EINVAL);
	ck_assert_int_eq(sim_udp_send(fixed, &dst, max), 0);
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_uint_eq(w->rx->len, 1);
	ck_assert_uint_eq(sim_net_stats(w->net).bytes_sent, 65507);
	ck_assert_uint_eq(sim_net_stats(w->net).sent, 1);
	g_bytes_unref(empty);
	g_bytes_unref(too_big);
	g_bytes_unref(max);
	g_free(big);

	/* hosts: duplicate names and addresses are refused, lookups work */
	ck_assert_ptr_null(sim_net_host_add(w->net, "a", IP(10, 0, 0, 9)));
	ck_assert_ptr_null(sim_net_host_add(w->net, "c", IP(10, 0, 0, 2)));
	ck_assert_ptr_eq(sim_net_host_by_ip(w->net, IP(10, 0, 0, 2)), w->b);
	ck_assert_ptr_eq(sim_net_host_by_name(w->net, "a"), w->a);
	ck_assert_ptr_null(sim_net_host_by_name(w->net, "c"));
	ck_assert_str_eq(sim_host_name(w->b), "b");
	ck_assert_uint_eq(sim_host_ip(w->b), IP(10, 0, 0, 2));
	ck_assert_ptr_eq(sim_net_sim(w->net), w->sim);
	world_free(w);
}
END_TEST

START_TEST(test_free_with_packets_in_flight)
{
	/* given datagrams and stream segments in flight (ASan reports any leak) */
	struct world *w = world_new(1);
	struct sim_udp *sa = sim_udp_bind(w->a, 1, udp_rx, w);
	struct sim_addr to_b = { IP(10, 0, 0, 2), 2 };
	sim_udp_bind(w->b, 2, udp_rx, w);
	for (int i = 0; i < 10; i++)
		udp_send_str(sa, &to_b, "in flight");
	sim_stream_listen(w->b, 5061, SIM_NET_TLS, NULL, NULL);
	struct sim_addr l = { IP(10, 0, 0, 2), 5061 };
	struct sim_stream *s = sim_stream_connect(w->a, &l, SIM_NET_TLS, NULL, NULL, NULL);
	GBytes *b = bytes("segment");
	ck_assert_int_eq(sim_stream_send(s, b), 0);
	g_bytes_unref(b);
	ck_assert_uint_eq(sim_events_pending(w->sim), 12);

	/* when the network is freed first, then nothing is left scheduled */
	sim_net_free(w->net);
	w->net = NULL;
	ck_assert_uint_eq(sim_events_pending(w->sim), 0);
	ck_assert_uint_eq(sim_run(w->sim, SIM_TIME_NEVER), 0);
	world_free(w);
}
END_TEST

/* ---- the trace bus ---- */

START_TEST(test_trace_fields)
{
	/* given a 5 ms link and a socket on each side */
	struct world *w = world_new(1);
	struct sim_link link = { .latency = 5 * SIM_MS };
	sim_net_set_link(w->net, w->a, w->b, &link);
	struct sim_udp *sa = sim_udp_bind(w->a, 5060, udp_rx, w);
	struct sim_udp *sb = sim_udp_bind(w->b, 5062, udp_rx, w);
	struct sim_addr to_b = sim_udp_local(sb), closed = { IP(10, 0, 0, 2), 9 };

	/* when a sends "REGISTER" at 2 ms and "BYE" to a closed port at 3 ms */
	send_at(w, 2 * SIM_MS, sa, &to_b, "REGISTER");
	send_at(w, 3 * SIM_MS, sa, &closed, "BYE");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then send, send, deliver, drop with every field right */
	ck_assert_uint_eq(w->points->len, 4);
	struct seen *s1 = g_ptr_array_index(w->points, 0), *s2 = g_ptr_array_index(w->points, 1);
	struct seen *dv = g_ptr_array_index(w->points, 2), *dr = g_ptr_array_index(w->points, 3);
	ck_assert_int_eq(s1->kind, SIM_TRACE_NET_SEND);
	ck_assert_int_eq(s1->time, 2 * SIM_MS);
	ck_assert_str_eq(s1->source, "a");
	ck_assert_uint_eq(s1->pkt.id, 1);
	ck_assert_int_eq(s1->pkt.proto, SIM_NET_UDP);
	ck_assert_uint_eq(s1->pkt.src.ip, IP(10, 0, 0, 1));
	ck_assert_uint_eq(s1->pkt.src.port, 5060);
	ck_assert_uint_eq(s1->pkt.dst.ip, IP(10, 0, 0, 2));
	ck_assert_uint_eq(s1->pkt.dst.port, 5062);
	ck_assert_str_eq(s1->pkt.src_host, "a");
	ck_assert_str_eq(s1->pkt.dst_host, "b");
	ck_assert_int_eq(s1->pkt.sent_at, 2 * SIM_MS);
	ck_assert_ptr_null(s1->pkt.drop_reason);
	ck_assert(bytes_is(s1->pkt.data, "REGISTER"));

	ck_assert_int_eq(s2->kind, SIM_TRACE_NET_SEND);
	ck_assert_uint_eq(s2->pkt.id, 2);

	ck_assert_int_eq(dv->kind, SIM_TRACE_NET_DELIVER);
	ck_assert_int_eq(dv->time, 7 * SIM_MS);
	ck_assert_str_eq(dv->source, "b");
	ck_assert_uint_eq(dv->pkt.id, 1);
	ck_assert_int_eq(dv->pkt.sent_at, 2 * SIM_MS);
	ck_assert_ptr_null(dv->pkt.drop_reason);
	ck_assert(bytes_is(dv->pkt.data, "REGISTER"));

	ck_assert_int_eq(dr->kind, SIM_TRACE_NET_DROP);
	ck_assert_int_eq(dr->time, 8 * SIM_MS);
	ck_assert_uint_eq(dr->pkt.id, 2);
	ck_assert_uint_eq(dr->pkt.dst.port, 9);
	ck_assert_int_eq(dr->pkt.sent_at, 3 * SIM_MS);
	ck_assert_str_eq(dr->pkt.drop_reason, "port unreachable");
	ck_assert(bytes_is(dr->pkt.data, "BYE"));

	struct sim_net_stats st = sim_net_stats(w->net);
	ck_assert_uint_eq(st.sent, 2);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_uint_eq(st.bytes_sent, 11);
	world_free(w);
}
END_TEST

/* ---- the forward hook ---- */

struct nat {
	struct sim_addr private_addr, public_addr; /* a's address and what the world sees */
	unsigned calls;
};

/* A one-binding NAT in front of a: rewrites a's source outward and the public address
   inward; drops inbound traffic for any other public port. */
static bool nat_hook(struct sim_net_packet *pkt, const char **reason, void *arg)
{
	struct nat *n = arg;

	n->calls++;
	if (sim_addr_equal(&pkt->src, &n->private_addr)) {
		pkt->src = n->public_addr;
		return true;
	}
	if (pkt->dst.ip == n->public_addr.ip) {
		if (pkt->dst.port != n->public_addr.port) {
			*reason = "nat: no binding";
			return false;
		}
		pkt->dst = n->private_addr;
	}
	return true;
}

START_TEST(test_hook_rewrites_and_drops)
{
	/* given a NAT hook mapping 10.0.0.1:5060 <-> 203.0.113.7:40000 */
	struct world *w = world_new(1);
	struct nat n = { { IP(10, 0, 0, 1), 5060 }, { IP(203, 0, 113, 7), 40000 }, 0 };
	sim_net_set_hook(w->net, nat_hook, &n);
	struct sim_udp *sa = sim_udp_bind(w->a, 5060, udp_rx, w);
	struct sim_udp *sb = sim_udp_bind(w->b, 5060, udp_rx, w);
	struct sim_addr to_b = sim_udp_local(sb);
	struct sim_addr wrong = { IP(203, 0, 113, 7), 40001 };

	/* when a sends to b, b answers to the source it saw, and b sends to an unmapped port */
	udp_send_str(sa, &to_b, "REGISTER");
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_uint_eq(w->rx->len, 1);
	struct seen *at_b = g_ptr_array_index(w->rx, 0);
	ck_assert_uint_eq(at_b->pkt.src.ip, IP(203, 0, 113, 7));
	ck_assert_uint_eq(at_b->pkt.src.port, 40000);
	struct sim_addr back = at_b->pkt.src;
	udp_send_str(sb, &back, "200 OK");
	udp_send_str(sb, &wrong, "OPTIONS");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the answer reaches a's socket with the private destination, the other is dropped
	   with the hook's reason, and the traces show addresses before and after the hook */
	ck_assert_uint_eq(n.calls, 3);
	ck_assert_uint_eq(w->rx->len, 2);
	struct seen *at_a = g_ptr_array_index(w->rx, 1);
	ck_assert_ptr_eq(at_a->who, sa);
	ck_assert(sim_addr_equal(&at_a->pkt.dst, &n.private_addr));
	ck_assert(bytes_is(at_a->pkt.data, "200 OK"));
	struct seen *send2 = point_nth(w, SIM_TRACE_NET_SEND, 1);
	struct seen *dlv2 = point_nth(w, SIM_TRACE_NET_DELIVER, 1);
	ck_assert(sim_addr_equal(&send2->pkt.dst, &n.public_addr));
	ck_assert_ptr_null(send2->pkt.dst_host);
	ck_assert(sim_addr_equal(&dlv2->pkt.dst, &n.private_addr));
	ck_assert_str_eq(dlv2->pkt.dst_host, "a");
	struct seen *drop = point_nth(w, SIM_TRACE_NET_DROP, 0);
	ck_assert_str_eq(drop->pkt.drop_reason, "nat: no binding");
	ck_assert_uint_eq(drop->pkt.dst.port, 40001);
	ck_assert_uint_eq(point_count(w, SIM_TRACE_NET_DROP), 1);

	/* and without the hook the public address is unroutable */
	sim_net_set_hook(w->net, NULL, NULL);
	udp_send_str(sb, &back, "200 OK");
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_str_eq(point_nth(w, SIM_TRACE_NET_DROP, 1)->pkt.drop_reason, "no route");
	ck_assert_uint_eq(n.calls, 3);
	world_free(w);
}
END_TEST

START_TEST(test_inject_udp)
{
	/* given a 3 ms link a-b, a datagram injected from a's address and one from a foreign one */
	struct world *w = world_new(1);
	struct sim_link link = { .latency = 3 * SIM_MS };
	sim_net_set_link(w->net, w->a, w->b, &link);
	struct sim_udp *sb = sim_udp_bind(w->b, 5060, udp_rx, w);
	struct sim_addr to_b = sim_udp_local(sb);
	struct sim_addr from_a = { IP(10, 0, 0, 1), 7777 }, foreign = { IP(198, 51, 100, 1), 1 };
	GBytes *d = bytes("NOTIFY");

	ck_assert_int_eq(sim_net_inject_udp(w->net, &from_a, &to_b, d), 0);
	ck_assert_int_eq(sim_net_inject_udp(w->net, &foreign, &to_b, d), 0);
	g_bytes_unref(d);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the first takes a's link (3 ms), the second the default one (1 ms), both keep
	   their given source */
	ck_assert_uint_eq(w->rx->len, 2);
	struct seen *r0 = g_ptr_array_index(w->rx, 0), *r1 = g_ptr_array_index(w->rx, 1);
	ck_assert_int_eq(r0->time, SIM_MS);
	ck_assert(sim_addr_equal(&r0->pkt.src, &foreign));
	ck_assert_int_eq(r1->time, 3 * SIM_MS);
	ck_assert(sim_addr_equal(&r1->pkt.src, &from_a));
	ck_assert_ptr_null(point_nth(w, SIM_TRACE_NET_SEND, 1)->pkt.src_host);
	world_free(w);
}
END_TEST

/* ---- stream peers ---- */

/* A stream peer: collects what arrives; optionally closes on close. */
struct peer {
	struct world *w;
	GByteArray *got;
	GPtrArray *segs;         /* GBytes *, each segment as received */
	GArray *times;           /* int64_t arrival of each segment */
	struct sim_stream *s;    /* the accepted stream */
	int64_t accepted_at;
	int64_t closed_at;
	bool close_on_close;
	bool close_on_first;     /* close as soon as data arrives */
};

/* Stream receiver: appends the segment to the peer ARG, checks it precedes any close. */
static void stream_rx(struct sim_stream *s, GBytes *data, void *arg)
{
	struct peer *p = arg;
	size_t n;
	const guint8 *d = g_bytes_get_data(data, &n);

	ck_assert_int_eq(p->closed_at, -1);   /* never data after the close */
	g_byte_array_append(p->got, d, (guint)n);
	g_ptr_array_add(p->segs, g_bytes_ref(data));
	int64_t now = sim_now(p->w->sim);
	g_array_append_val(p->times, now);
	if (p->close_on_first)
		sim_stream_close(s);
}

/* Stream close handler: records the time (once), closes our side if asked. */
static void stream_closed(struct sim_stream *s, void *arg)
{
	struct peer *p = arg;

	ck_assert_int_eq(p->closed_at, -1);   /* once */
	p->closed_at = sim_now(p->w->sim);
	if (p->close_on_close)
		sim_stream_close(s);
}

/* Listener's accept handler: adopts the new stream into the peer ARG. */
static void stream_accept(struct sim_stream *s, void *arg)
{
	struct peer *p = arg;

	p->s = s;
	p->accepted_at = sim_now(p->w->sim);
	sim_stream_set_handlers(s, stream_rx, stream_closed, p);
}

/* Prepares an empty peer in W. */
static void peer_init(struct peer *p, struct world *w)
{
	memset(p, 0, sizeof(*p));
	p->w = w;
	p->got = g_byte_array_new();
	p->segs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	p->times = g_array_new(FALSE, FALSE, sizeof(int64_t));
	p->accepted_at = -1;
	p->closed_at = -1;
}

/* Frees what a peer collected. */
static void peer_clear(struct peer *p)
{
	g_byte_array_free(p->got, TRUE);
	g_ptr_array_free(p->segs, TRUE);
	g_array_free(p->times, TRUE);
}

/* ---- determinism ---- */

/* Delivery times of 200 datagrams a->b over a jittery lossy link, in a world where host X
   (if EXTRA) was added before a and b and also sends. */
static GArray *a_to_b_delays(bool extra)
{
	struct sim *sim = sim_new(99, 3);
	struct sim_net *net = sim_net_new(sim);
	struct sim_host *x = extra ? sim_net_host_add(net, "x", IP(10, 0, 0, 9)) : NULL;
	struct sim_host *a = sim_net_host_add(net, "a", IP(10, 0, 0, 1));
	struct sim_host *b = sim_net_host_add(net, "b", IP(10, 0, 0, 2));
	struct sim_link link = { .latency = SIM_MS, .jitter = 20 * SIM_MS,
				 .dist = SIM_DELAY_EXP, .loss = 0.2 };
	struct world w = { 0 };
	GArray *out = g_array_new(FALSE, FALSE, sizeof(int64_t));

	w.sim = sim;
	w.rx = g_ptr_array_new_with_free_func(seen_free);
	sim_net_set_default_link(net, &link);
	struct sim_udp *sa = sim_udp_bind(a, 1, udp_rx, &w);
	struct sim_udp *sb = sim_udp_bind(b, 2, udp_rx, &w);
	struct sim_addr to_b = sim_udp_local(sb);
	struct sim_udp *sx = x != NULL ? sim_udp_bind(x, 1, udp_rx, &w) : NULL;
	for (int i = 0; i < 200; i++) {
		char text[16];

		snprintf(text, sizeof(text), "%d", i);
		if (sx != NULL)
			udp_send_str(sx, &to_b, "noise");
		udp_send_str(sa, &to_b, text);
	}
	sim_run(sim, SIM_TIME_NEVER);
	for (guint k = 0; k < w.rx->len; k++) {
		struct seen *r = g_ptr_array_index(w.rx, k);
		int64_t v;

		if (r->pkt.src.ip != IP(10, 0, 0, 1))
			continue;
		/* (payload number, arrival) pairs, as one number */
		char *text = g_strndup(g_bytes_get_data(r->pkt.data, NULL),
				       g_bytes_get_size(r->pkt.data));
		v = atoi(text) * (int64_t)SIM_S * 100 + r->time;
		g_free(text);
		g_array_append_val(out, v);
	}
	g_ptr_array_free(w.rx, TRUE);
	sim_net_free(net);
	sim_free(sim);
	return out;
}

/* Orders int64 values. */
static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

START_TEST(test_host_streams_independent)
{
	/* given the same a->b traffic with and without another sending host added first */
	GArray *plain = a_to_b_delays(false), *crowded = a_to_b_delays(true);

	/* then a's datagrams are lost and delayed exactly alike */
	g_array_sort(plain, cmp_i64);
	g_array_sort(crowded, cmp_i64);
	ck_assert_uint_gt(plain->len, 100);
	ck_assert_uint_lt(plain->len, 200);   /* the link does lose some */
	ck_assert_uint_eq(plain->len, crowded->len);
	for (guint i = 0; i < plain->len; i++)
		ck_assert_int_eq(g_array_index(plain, int64_t, i),
				 g_array_index(crowded, int64_t, i));
	g_array_free(plain, TRUE);
	g_array_free(crowded, TRUE);
}
END_TEST

/* A mixed run (UDP both ways with loss and jitter, a TCP stream) under SEED; its trace log. */
static char *mixed_run_log(uint64_t seed)
{
	struct world *w = world_new(seed);
	struct sim_link link = { .latency = 2 * SIM_MS, .jitter = 3 * SIM_MS,
				 .dist = SIM_DELAY_NORMAL, .loss = 0.15 };
	sim_net_set_link(w->net, w->a, w->b, &link);
	struct sim_udp *sa = sim_udp_bind(w->a, 5060, udp_rx, w);
	struct sim_udp *sb = sim_udp_bind(w->b, 5060, udp_rx, w);
	struct sim_addr to_a = sim_udp_local(sa), to_b = sim_udp_local(sb);
	struct peer srv, cli;
	peer_init(&srv, w);
	peer_init(&cli, w);
	srv.close_on_close = true;
	sim_stream_listen(w->b, 5060, SIM_NET_TCP, stream_accept, &srv);
	struct sim_stream *s = sim_stream_connect(w->a, &to_b, SIM_NET_TCP, stream_rx,
						  stream_closed, &cli);

	for (int i = 0; i < 50; i++) {
		char text[32];

		snprintf(text, sizeof(text), "ping %d", i);
		send_at(w, i * SIM_MS, sa, &to_b, text);
		snprintf(text, sizeof(text), "pong %d", i);
		send_at(w, i * SIM_MS + 500 * SIM_US, sb, &to_a, text);
		GBytes *b = bytes(text);
		ck_assert_int_eq(sim_stream_send(s, b), 0);
		g_bytes_unref(b);
	}
	sim_stream_close(s);
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_uint_eq(srv.segs->len, 50);
	ck_assert_int_ge(srv.closed_at, 0);
	char *log = g_strdup(w->log->str);
	peer_clear(&srv);
	peer_clear(&cli);
	world_free(w);
	return log;
}

START_TEST(test_same_seed_same_trace)
{
	/* given the same mixed run twice under one seed, and once under another */
	char *l1 = mixed_run_log(2024), *l2 = mixed_run_log(2024), *l3 = mixed_run_log(2025);

	/* then the logs are identical line for line, and another seed changes them */
	ck_assert_uint_gt(strlen(l1), 1000);
	ck_assert(strstr(l1, " drop ") != NULL);     /* the run did lose datagrams */
	ck_assert_str_eq(l1, l2);
	ck_assert_str_ne(l1, l3);
	g_free(l1);
	g_free(l2);
	g_free(l3);
}
END_TEST

/* ---- streams ---- */

START_TEST(test_stream_order_under_jitter)
{
	/* given a link with heavy exponential jitter and 30 % loss */
	struct world *w = world_new(5);
	struct sim_link link = { .latency = SIM_MS, .jitter = 50 * SIM_MS,
				 .dist = SIM_DELAY_EXP, .loss = 0.3 };
	sim_net_set_link(w->net, w->a, w->b, &link);
	struct peer srv, cli;
	peer_init(&srv, w);
	peer_init(&cli, w);
	srv.close_on_close = true;
	struct sim_addr l = { IP(10, 0, 0, 2), 5060 };
	ck_assert_ptr_nonnull(sim_stream_listen(w->b, 5060, SIM_NET_TCP, stream_accept, &srv));
	struct sim_stream *s = sim_stream_connect(w->a, &l, SIM_NET_TCP, stream_rx,
						  stream_closed, &cli);
	ck_assert_ptr_nonnull(s);

	/* when 100 segments are sent back to back (then the stream is closed) */
	for (int i = 0; i < 100; i++) {
		char text[32];

		snprintf(text, sizeof(text), "segment %03d;", i);
		GBytes *b = bytes(text);
		ck_assert_int_eq(sim_stream_send(s, b), 0);
		g_bytes_unref(b);
	}
	sim_stream_close(s);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then all 100 arrive, in order, intact, at non-decreasing times, then the close */
	ck_assert_uint_eq(srv.segs->len, 100);
	for (int i = 0; i < 100; i++) {
		char text[32];

		snprintf(text, sizeof(text), "segment %03d;", i);
		ck_assert(bytes_is(g_ptr_array_index(srv.segs, i), text));
		if (i > 0)
			ck_assert_int_ge(g_array_index(srv.times, int64_t, i),
					 g_array_index(srv.times, int64_t, i - 1));
	}
	ck_assert_int_ge(srv.closed_at, g_array_index(srv.times, int64_t, 99));
	ck_assert_uint_eq(point_count(w, SIM_TRACE_NET_DROP), 0);
	ck_assert_uint_eq(point_count(w, SIM_TRACE_NET_DELIVER), 100);
	/* the jitter did spread them: the last came well after the first */
	int64_t first = g_array_index(srv.times, int64_t, 0);
	ck_assert_int_gt(g_array_index(srv.times, int64_t, 99) - first, 50 * SIM_MS);
	ck_assert_int_eq(cli.closed_at, -1);   /* our own close is not reported to us */
	peer_clear(&srv);
	peer_clear(&cli);
	world_free(w);
}
END_TEST

START_TEST(test_stream_bytes_exact_both_ways)
{
	/* given 64 KiB of every byte value, in uneven chunks, each way */
	struct world *w = world_new(11);
	struct sim_link link = { .latency = SIM_MS, .jitter = SIM_MS, .dist = SIM_DELAY_UNIFORM };
	sim_net_set_link(w->net, w->a, w->b, &link);
	struct peer srv, cli;
	peer_init(&srv, w);
	peer_init(&cli, w);
	struct sim_addr l = { IP(10, 0, 0, 2), 5061 };
	sim_stream_listen(w->b, 5061, SIM_NET_TLS, stream_accept, &srv);
	struct sim_stream *s = sim_stream_connect(w->a, &l, SIM_NET_TLS, stream_rx,
						  stream_closed, &cli);
	guint8 *blob = g_malloc(65536);
	for (int i = 0; i < 65536; i++)
		blob[i] = (guint8)(i * 7 + i / 256);
	for (size_t off = 0, step = 1; off < 65536; off += step, step = step * 3 % 4093 + 1) {
		size_t n = MIN(step, 65536 - off);
		GBytes *b = g_bytes_new(blob + off, n);

		ck_assert_int_eq(sim_stream_send(s, b), 0);
		g_bytes_unref(b);
	}
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_ptr_nonnull(srv.s);
	for (size_t off = 0; off < 65536; off += 1000) {
		GBytes *b = g_bytes_new(blob + off, MIN(1000, 65536 - off));

		ck_assert_int_eq(sim_stream_send(srv.s, b), 0);
		g_bytes_unref(b);
	}
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then each side received exactly the bytes, and the addresses and proto are right */
	ck_assert_uint_eq(srv.got->len, 65536);
	ck_assert_int_eq(memcmp(srv.got->data, blob, 65536), 0);
	ck_assert_uint_eq(cli.got->len, 65536);
	ck_assert_int_eq(memcmp(cli.got->data, blob, 65536), 0);
	struct sim_addr cl = sim_stream_local(s), cr = sim_stream_remote(s);
	struct sim_addr sl = sim_stream_local(srv.s), sr = sim_stream_remote(srv.s);
	ck_assert(sim_addr_equal(&cr, &l));
	ck_assert(sim_addr_equal(&sl, &l));
	ck_assert(sim_addr_equal(&sr, &cl));
	ck_assert_uint_eq(cl.ip, IP(10, 0, 0, 1));
	ck_assert_uint_eq(cl.port, 49152);
	ck_assert_int_eq(sim_stream_proto(s), SIM_NET_TLS);
	ck_assert_int_eq(sim_stream_proto(srv.s), SIM_NET_TLS);
	struct seen *first = point_nth(w, SIM_TRACE_NET_SEND, 0);
	ck_assert_int_eq(first->pkt.proto, SIM_NET_TLS);
	ck_assert_uint_eq(first->pkt.id, 1);

	/* an empty send sends nothing */
	GBytes *empty = g_bytes_new(NULL, 0);
	uint64_t sent = sim_net_stats(w->net).sent;
	ck_assert_int_eq(sim_stream_send(s, empty), 0);
	ck_assert_uint_eq(sim_net_stats(w->net).sent, sent);
	g_bytes_unref(empty);
	sim_stream_close(s);
	sim_stream_close(srv.s);
	sim_run(w->sim, SIM_TIME_NEVER);
	g_free(blob);
	peer_clear(&srv);
	peer_clear(&cli);
	world_free(w);
}
END_TEST

/* Rows: protocol, link loss, expected accept time and first-data arrival (ms), for a 5 ms
   constant link and data sent at connect time. */
static const struct handshake_row {
	enum sim_net_proto proto;
	double loss;
	int64_t accept_ms, data_ms;
} handshake_rows[] = {
	{ SIM_NET_TCP, 0.0, 5, 15 },     /* SYN 5, SYN-ACK 5, then data 5 */
	{ SIM_NET_TLS, 0.0, 5, 25 },     /* + one TLS round trip */
	{ SIM_NET_TCP, 1.0, 205, 615 },  /* every draw lost: each leg 5 + 200 (RTO) */
};

START_TEST(test_stream_handshake_timing)
{
	/* given a 5 ms constant link with the row's loss */
	const struct handshake_row *row = &handshake_rows[_i];
	struct world *w = world_new(1);
	struct sim_link link = { .latency = 5 * SIM_MS, .loss = row->loss };
	sim_net_set_link(w->net, w->a, w->b, &link);
	struct peer srv, cli;
	peer_init(&srv, w);
	peer_init(&cli, w);
	struct sim_addr l = { IP(10, 0, 0, 2), 5060 };
	sim_stream_listen(w->b, 5060, row->proto, stream_accept, &srv);

	/* when a connects and sends at once, then closes */
	struct sim_stream *s = sim_stream_connect(w->a, &l, row->proto, stream_rx, stream_closed,
						  &cli);
	GBytes *b = bytes("INVITE");
	ck_assert_int_eq(sim_stream_send(s, b), 0);
	g_bytes_unref(b);
	sim_stream_close(s);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the accept, the data and the close come at the hand-computed times */
	ck_assert_int_eq(srv.accepted_at, row->accept_ms * SIM_MS);
	ck_assert_uint_eq(srv.times->len, 1);
	ck_assert_int_eq(g_array_index(srv.times, int64_t, 0), row->data_ms * SIM_MS);
	/* the close leaves with the data (same handshake wait, same constant delay) and is
	   delivered right behind it: same instant, FIFO */
	ck_assert_int_eq(srv.closed_at, row->data_ms * SIM_MS);
	ck_assert_uint_eq(point_count(w, SIM_TRACE_NET_DROP), 0);
	sim_stream_close(srv.s);
	peer_clear(&srv);
	peer_clear(&cli);
	world_free(w);
}
END_TEST

START_TEST(test_stream_connect_refused)
{
	struct world *w = world_new(1);
	struct peer p;
	peer_init(&p, w);
	struct sim_addr tcp = { IP(10, 0, 0, 2), 5060 }, nohost = { IP(10, 9, 9, 9), 5060 };

	/* nothing listening, no such host, wrong protocol: NULL at once */
	ck_assert_ptr_null(sim_stream_connect(w->a, &tcp, SIM_NET_TCP, NULL, NULL, NULL));
	ck_assert_ptr_null(sim_stream_connect(w->a, &nohost, SIM_NET_TCP, NULL, NULL, NULL));
	struct sim_listener *l = sim_stream_listen(w->b, 5060, SIM_NET_TCP, stream_accept, &p);
	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_null(sim_stream_listen(w->b, 5060, SIM_NET_TLS, stream_accept, &p));
	ck_assert_ptr_null(sim_stream_connect(w->a, &tcp, SIM_NET_TLS, NULL, NULL, NULL));

	/* a listener closed while the open travels: the connecting side hears a reset */
	struct peer c;
	peer_init(&c, w);
	struct sim_stream *s = sim_stream_connect(w->a, &tcp, SIM_NET_TCP, stream_rx,
						  stream_closed, &c);
	ck_assert_ptr_nonnull(s);
	GBytes *b = bytes("lost cause");
	ck_assert_int_eq(sim_stream_send(s, b), 0);
	sim_listener_close(l);
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_int_eq(p.accepted_at, -1);
	ck_assert_int_eq(c.closed_at, 2 * SIM_MS);   /* open 1 ms, reset back 1 ms */
	ck_assert_str_eq(point_nth(w, SIM_TRACE_NET_DROP, 0)->pkt.drop_reason,
			 "connection reset");
	ck_assert_int_eq(sim_stream_send(s, b), EPIPE);
	g_bytes_unref(b);
	sim_stream_close(s);
	peer_clear(&p);
	peer_clear(&c);
	world_free(w);
}
END_TEST

START_TEST(test_stream_close_semantics)
{
	/* given an accepted stream on a 1 ms link */
	struct world *w = world_new(1);
	struct peer srv, cli;
	peer_init(&srv, w);
	peer_init(&cli, w);
	srv.close_on_first = true;
	struct sim_addr l = { IP(10, 0, 0, 2), 5060 };
	sim_stream_listen(w->b, 5060, SIM_NET_TCP, stream_accept, &srv);
	struct sim_stream *s = sim_stream_connect(w->a, &l, SIM_NET_TCP, stream_rx, stream_closed,
						  &cli);

	/* when the server closes on its first segment while a second one travels */
	GBytes *b1 = bytes("one"), *b2 = bytes("two");
	ck_assert_int_eq(sim_stream_send(s, b1), 0);
	ck_assert_int_eq(sim_stream_send(s, b2), 0);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the second is dropped as "connection closed", the client hears the close one link
	   delay after the server closed, and may no longer send */
	ck_assert_uint_eq(srv.segs->len, 1);
	ck_assert_int_eq(g_array_index(srv.times, int64_t, 0), 3 * SIM_MS);
	struct seen *d = point_nth(w, SIM_TRACE_NET_DROP, 0);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->pkt.drop_reason, "connection closed");
	ck_assert(bytes_is(d->pkt.data, "two"));
	ck_assert_int_eq(cli.closed_at, 4 * SIM_MS);
	ck_assert_int_eq(sim_stream_send(s, b1), EPIPE);
	g_bytes_unref(b1);
	g_bytes_unref(b2);
	sim_stream_close(s);
	peer_clear(&srv);
	peer_clear(&cli);
	world_free(w);
}
END_TEST

START_TEST(test_stream_hook_nat)
{
	/* given the NAT hook in front of a (10.0.0.1:49152 <-> 203.0.113.7:40000) */
	struct world *w = world_new(1);
	struct nat n = { { IP(10, 0, 0, 1), 49152 }, { IP(203, 0, 113, 7), 40000 }, 0 };
	sim_net_set_hook(w->net, nat_hook, &n);
	struct peer srv, cli;
	peer_init(&srv, w);
	peer_init(&cli, w);
	struct sim_addr l = { IP(10, 0, 0, 2), 5061 };
	sim_stream_listen(w->b, 5061, SIM_NET_TLS, stream_accept, &srv);
	struct sim_stream *s = sim_stream_connect(w->a, &l, SIM_NET_TLS, stream_rx, stream_closed,
						  &cli);
	GBytes *b = bytes("REGISTER");
	sim_stream_send(s, b);
	g_bytes_unref(b);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the server sees the public address, its answer comes back to a */
	ck_assert_ptr_nonnull(srv.s);
	struct sim_addr seen_remote = sim_stream_remote(srv.s);
	ck_assert(sim_addr_equal(&seen_remote, &n.public_addr));
	b = bytes("200 OK");
	sim_stream_send(srv.s, b);
	g_bytes_unref(b);
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_uint_eq(cli.segs->len, 1);
	ck_assert(bytes_is(g_ptr_array_index(cli.segs, 0), "200 OK"));
	struct seen *dv = point_nth(w, SIM_TRACE_NET_DELIVER, 1);
	ck_assert(sim_addr_equal(&dv->pkt.dst, &n.private_addr));
	ck_assert_uint_eq(n.calls, 3);   /* open, REGISTER, 200 */

	/* when the NAT forgets the binding, the next server segment is dropped and the
	   connection reset: the client's close handler runs one link delay later */
	n.public_addr.port = 40002;
	b = bytes("NOTIFY");
	ck_assert_int_eq(sim_stream_send(srv.s, b), 0);
	g_bytes_unref(b);
	int64_t t0 = sim_now(w->sim);
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_str_eq(point_nth(w, SIM_TRACE_NET_DROP, 0)->pkt.drop_reason, "nat: no binding");
	ck_assert_int_eq(cli.closed_at, t0 + SIM_MS);
	ck_assert_int_eq(srv.closed_at, t0 + 2 * SIM_MS);
	ck_assert_uint_eq(cli.segs->len, 1);
	b = bytes("x");
	ck_assert_int_eq(sim_stream_send(s, b), EPIPE);
	g_bytes_unref(b);
	sim_stream_close(s);
	sim_stream_close(srv.s);
	peer_clear(&srv);
	peer_clear(&cli);
	world_free(w);
}
END_TEST

/* ---- addresses ---- */

static const struct addr_row {
	const char *text;
	uint32_t ip;
	uint16_t port;
	const char *canonical;   /* what sim_addr_str writes back */
} addr_rows[] = {
	{ "10.0.0.1", IP(10, 0, 0, 1), 0, "10.0.0.1" },
	{ "192.168.1.200:5060", IP(192, 168, 1, 200), 5060, "192.168.1.200:5060" },
	{ "0.0.0.0:0", 0, 0, "0.0.0.0" },            /* port 0 is written without a port */
	{ "255.255.255.255:65535", 0xffffffffu, 65535, "255.255.255.255:65535" },
	{ "1.2.3.4:1", IP(1, 2, 3, 4), 1, "1.2.3.4:1" },
};

START_TEST(test_addr_round_trip)
{
	const struct addr_row *row = &addr_rows[_i];
	struct sim_addr a;
	char buf[22];

	ck_assert_int_eq(sim_addr_parse(row->text, &a), 0);
	ck_assert_uint_eq(a.ip, row->ip);
	ck_assert_uint_eq(a.port, row->port);
	ck_assert_str_eq(sim_addr_str(&a, buf, sizeof(buf)), row->canonical);
	struct sim_addr back;
	ck_assert_int_eq(sim_addr_parse(buf, &back), 0);
	ck_assert(sim_addr_equal(&a, &back));
	uint32_t ip;
	char ipbuf[16];
	ck_assert_int_eq(sim_ip_parse(sim_ip_str(row->ip, ipbuf, sizeof(ipbuf)), &ip), 0);
	ck_assert_uint_eq(ip, row->ip);
}
END_TEST

static const char *const addr_bad[] = {
	"256.1.1.1",          /* octet over 255 */
	"1.2.3",              /* three octets */
	"1.2.3.4:70000",      /* port over 65535 */
	"1.2.3.4:65536",
	"1.2.3.4.5",          /* five octets */
	"1.2.3.4:",           /* empty port */
	"1.2.3.4:-1",
	"01.2.3.4",           /* leading zero (octal in inet_aton) */
	"1.2.3.4:080",
	" 1.2.3.4",
	"1.2.3.4 ",
	"1..3.4",
	"a.b.c.d",
	"",
	"1.2.3.4:5060x",
	"+1.2.3.4",
	"99999999999.1.1.1",  /* no overflow back into range */
};

START_TEST(test_addr_rejects)
{
	struct sim_addr a = { 7, 7 };

	ck_assert_int_eq(sim_addr_parse(addr_bad[_i], &a), EINVAL);
	ck_assert_uint_eq(a.ip, 7);              /* untouched on error */
	ck_assert_uint_eq(a.port, 7);
}
END_TEST

START_TEST(test_ip_parse_rejects_port)
{
	uint32_t ip = 0;

	ck_assert_int_eq(sim_ip_parse("1.2.3.4:5060", &ip), EINVAL);
	ck_assert_int_eq(sim_ip_parse("1.2.3.4", &ip), 0);
	ck_assert_uint_eq(ip, IP(1, 2, 3, 4));
	ck_assert_int_eq(sim_addr_parse(NULL, NULL), EINVAL);
	char small[8];
	struct sim_addr a = { IP(192, 168, 100, 100), 5060 };
	ck_assert_str_eq(sim_addr_str(&a, small, sizeof(small)), "192.168");  /* truncated */
}
END_TEST

/* The suite: link, udp, trace, stream and addr cases. */
static Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc;

	tc = tcase_create("link");
	tcase_add_test(tc, test_const_latency_exact);
	tcase_add_test(tc, test_default_link);
	tcase_add_loop_test(tc, test_jitter_distribution, 0, G_N_ELEMENTS(jitter_rows));
	tcase_add_test(tc, test_loss_rate_and_pattern);
	tcase_add_test(tc, test_loss_extremes);
	suite_add_tcase(s, tc);

	tc = tcase_create("udp");
	tcase_add_test(tc, test_udp_port_unreachable_and_no_route);
	tcase_add_test(tc, test_udp_close_in_flight);
	tcase_add_test(tc, test_udp_close_in_handler);
	tcase_add_test(tc, test_udp_bind_and_send_errors);
	tcase_add_test(tc, test_free_with_packets_in_flight);
	tcase_add_test(tc, test_inject_udp);
	suite_add_tcase(s, tc);

	tc = tcase_create("trace");
	tcase_add_test(tc, test_trace_fields);
	tcase_add_test(tc, test_hook_rewrites_and_drops);
	tcase_add_test(tc, test_host_streams_independent);
	tcase_add_test(tc, test_same_seed_same_trace);
	suite_add_tcase(s, tc);

	tc = tcase_create("stream");
	tcase_add_test(tc, test_stream_order_under_jitter);
	tcase_add_test(tc, test_stream_bytes_exact_both_ways);
	tcase_add_loop_test(tc, test_stream_handshake_timing, 0, G_N_ELEMENTS(handshake_rows));
	tcase_add_test(tc, test_stream_connect_refused);
	tcase_add_test(tc, test_stream_close_semantics);
	tcase_add_test(tc, test_stream_hook_nat);
	suite_add_tcase(s, tc);

	tc = tcase_create("addr");
	tcase_add_loop_test(tc, test_addr_round_trip, 0, G_N_ELEMENTS(addr_rows));
	tcase_add_loop_test(tc, test_addr_rejects, 0, G_N_ELEMENTS(addr_bad));
	tcase_add_test(tc, test_ip_parse_rejects_port);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
