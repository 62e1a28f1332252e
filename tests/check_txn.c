/*
 * check_txn.c - Check tests for the SIP transactions (models/sip/ctrans.c, strans.c) and the
 * transport that feeds them (transport.c), run on the simulated network: two hosts, A (the
 * client, 10.0.0.1) and B (the server, 10.0.0.2), each with a SIP transport on port 5060.
 *
 * Expected times are hand computations from RFC 3261's timers with T1 = 500 ms, T2 = 4 s,
 * T4 = 5 s and a 1 ms constant link: e.g. a non-INVITE request is sent at 0 and again after
 * 0.5, 1, 2, 4, 4, 4 ... s (0, 0.5, 1.5, 3.5, 7.5, 11.5 ...) and timer F fires at 64*T1 = 32 s.
 * Send times come from SIM_TRACE_NET_SEND, transaction events from SIM_TRACE_SIP. Deterministic
 * losses come from a forward hook that drops the first N datagrams whose start line begins with
 * a given text; the lossy-link test uses a seeded 30 % loss rate.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "models/sip/build.h"
#include "models/sip/dialog.h"
#include "models/sip/msg.h"
#include "models/sip/transport.h"
#include "models/sip/txn.h"
#include "sim/net.h"
#include "sim/sim.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define IP_A IP(10, 0, 0, 1)
#define IP_B IP(10, 0, 0, 2)

/* One datagram/segment sent, as SIM_TRACE_NET_SEND saw it. */
struct sent {
	int64_t t;
	uint32_t src;
	enum sim_net_proto proto;
	char line[80];          /* the start line */
};

/* One SIM_TRACE_SIP point. */
struct txev {
	int64_t t;
	bool server;
	enum sip_txn_event ev;
	char method[16];
	char state[16];
	char timer;
	uint16_t status;
};

/* What the server TU does with a new INVITE. */
enum b_mode {
	B_SILENT,               /* nothing (the transaction's own 100 aside) */
	B_ANSWER,               /* answer b_code at once */
	B_RING_THEN_200,        /* 180 at once, 200 one second later through the dialog */
	B_RING,                 /* 180 at once, keep the transaction (CANCEL test) */
};

struct world {
	struct sim *sim;
	struct sim_net *net;
	struct sim_host *ha, *hb;
	struct sip_transport *a, *b;
	struct sim_trace_sub *sub_send, *sub_sip;
	GArray *sent;           /* struct sent */
	GArray *ev;             /* struct txev */
	/* the hook: drop the first drop_n datagrams starting with drop_prefix (-1 = all) */
	const char *drop_prefix;
	int drop_n;
	int dropped;
	/* server TU */
	enum b_mode mode;
	uint16_t b_code;        /* for B_ANSWER and non-INVITE requests (0: no answer) */
	int b_requests;         /* new requests seen (server transactions handed over) */
	int b_invites, b_cancels, b_acks_2xx;
	int b_discarded;
	struct sip_strans *b_inv;   /* referenced */
	struct sip_dialog *b_dlg;
	struct sim_timer b_timer;
	int64_t b_ack_time;
	int b_noack;
	int b_err;
	int64_t b_err_time;
	bool cancel_matched;
	int cancel_targets_null;
	/* client TU */
	GArray *a_codes;        /* uint16_t, every response passed up */
	int a_err;
	int64_t a_err_time;
	int a_stray;
	struct sip_dialog *a_dlg;
	GBytes *a_ack;          /* the 2xx ACK, resent for a retransmitted 2xx */
	int a_acks_sent;
};

/* Records every send with its start line. */
static void on_send(const struct sim_trace_point *tp, void *arg)
{
	struct world *w = arg;
	const struct sim_net_packet *p = tp->payload;
	struct sent s = { .t = tp->time, .src = p->src.ip, .proto = p->proto };
	gsize n;
	const char *d = g_bytes_get_data(p->data, &n);
	size_t i = 0;

	while (i < n && i < sizeof s.line - 1 && d[i] != '\r' && d[i] != '\n') {
		s.line[i] = d[i];
		i++;
	}
	g_array_append_val(w->sent, s);
}

/* Records every transaction event. */
static void on_sip(const struct sim_trace_point *tp, void *arg)
{
	struct world *w = arg;
	const struct sip_txn_trace *t = tp->payload;
	struct txev e = { .t = tp->time, .server = t->server, .ev = t->event, .timer = t->timer,
			  .status = t->status };

	g_strlcpy(e.method, t->method, sizeof e.method);
	g_strlcpy(e.state, t->state, sizeof e.state);
	g_array_append_val(w->ev, e);
}

/* Drops the first drop_n datagrams (or segments) whose start line begins with drop_prefix. */
static bool hook(struct sim_net_packet *pkt, const char **reason, void *arg)
{
	struct world *w = arg;
	gsize n;
	const char *d = pkt->data ? g_bytes_get_data(pkt->data, &n) : NULL;
	size_t l = w->drop_prefix ? strlen(w->drop_prefix) : 0;

	if (!d || !w->drop_prefix || n < l || memcmp(d, w->drop_prefix, l) != 0)
		return true;
	if (w->drop_n >= 0 && w->dropped >= w->drop_n)
		return true;
	w->dropped++;
	*reason = "test drop";
	return false;
}

/* ---- the server TU ---- */

/* Answers ST with CODE (To tag "btag" on anything above 100, Contact on 1xx/2xx). */
static int reply(struct sip_strans *st, uint16_t code, GBytes **out)
{
	struct sip_build *b = sip_strans_reply_build(st, code, NULL, "btag");
	GBytes *m;
	int rc;

	if (code < 300)
		sip_build_addr(b, SIP_HDR_CONTACT, NULL, "sip:bob@10.0.0.2:5060", NULL);
	m = sip_build_finish(b, NULL, NULL, 0);
	rc = sip_strans_reply(st, m);
	if (out)
		*out = m;
	else
		g_bytes_unref(m);
	return rc;
}

static void b_st_err(struct sip_strans *st, int err, void *arg)
{
	struct world *w = arg;

	(void)st;
	w->b_err = err;
	w->b_err_time = sim_now(w->sim);
}

static void b_noack(struct sip_dialog *d, void *arg)
{
	struct world *w = arg;

	(void)d;
	w->b_noack++;
}

/* One second after the 180: the 200 through the dialog's 2xx retransmission. */
static void b_send_200(struct sim *sim, void *arg)
{
	struct world *w = arg;
	struct sip_build *b = sip_strans_reply_build(w->b_inv, 200, NULL, "btag");
	GBytes *m;

	(void)sim;
	sip_build_addr(b, SIP_HDR_CONTACT, NULL, "sip:bob@10.0.0.2:5060", NULL);
	m = sip_build_finish(b, NULL, NULL, 0);
	ck_assert_int_eq(sip_dialog_send_2xx(w->b_dlg, w->b_inv, m, b_noack, w), 0);
	g_bytes_unref(m);
}

static void b_request(struct sip_transport *tp, struct sip_strans *st, const struct sip_msg *req,
		      const struct sip_transport_src *src, void *arg)
{
	struct world *w = arg;
	GBytes *m = NULL;
	struct sip_msg *resp = NULL;

	(void)tp;
	(void)src;
	if (!st) {
		/* an ACK that matched no transaction: the 2xx ACK */
		w->b_acks_2xx++;
		if (w->b_dlg && sip_dialog_ack_received(w->b_dlg, req) == 0)
			w->b_ack_time = sim_now(w->sim);
		return;
	}
	if (w->b_dlg && sip_dialog_is_invite_retransmission(w->b_dlg, req)) {
		w->b_discarded++;
		sip_strans_discard(st);
		return;
	}
	w->b_requests++;
	sip_strans_set_handler(st, b_st_err, w);
	switch (sip_msg_method(req)) {
	case SIP_METHOD_INVITE:
		w->b_invites++;
		if (w->mode == B_ANSWER) {
			reply(st, w->b_code, NULL);
		} else if (w->mode == B_RING || w->mode == B_RING_THEN_200) {
			ck_assert_int_eq(reply(st, 180, &m), 0);
			ck_assert_int_eq(sip_msg_parse(&resp, m), 0);
			ck_assert_int_eq(sip_dialog_new_uas(&w->b_dlg, req, resp), 0);
			sip_msg_unref(resp);
			g_bytes_unref(m);
			w->b_inv = sip_strans_ref(st);
			if (w->mode == B_RING_THEN_200)
				sim_timer_start(w->sim, &w->b_timer, SIM_S, b_send_200, w);
		}
		break;
	case SIP_METHOD_CANCEL: {
		struct sip_strans *inv = sip_strans_cancel_target(st);

		w->b_cancels++;
		if (!inv) {
			w->cancel_targets_null++;
			reply(st, 481, NULL);
			break;
		}
		w->cancel_matched = inv == w->b_inv;
		reply(st, 200, NULL);
		reply(inv, 487, NULL);
		break;
	}
	default:
		if (w->b_code)
			reply(st, w->b_code, NULL);
		break;
	}
}

/* ---- the client TU ---- */

static const struct sim_addr addr_b = { IP_B, 5060 };

static void a_resp(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg)
{
	struct world *w = arg;
	uint16_t code = sip_msg_status(resp);

	g_array_append_val(w->a_codes, code);
	if (sip_msg_method(resp) == SIP_METHOD_INVITE && code >= 200 && code < 300 && !w->a_dlg) {
		/* 13.2.2.4: the UAC core ACKs the 2xx, end to end, in the dialog */
		struct sip_dialog_via via = { "UDP", "10.0.0.1", 5060, "z9hG4bKack1", false };

		ck_assert_int_eq(sip_dialog_new_uac(&w->a_dlg, sip_ctrans_request(ct), resp), 0);
		w->a_ack = sip_build_finish(sip_dialog_ack(w->a_dlg, sip_msg_cseq(resp)->num, &via),
					    NULL, NULL, 0);
		ck_assert_int_eq(sip_transport_send(w->a, SIM_NET_UDP, &addr_b, w->a_ack), 0);
		w->a_acks_sent++;
	}
}

static void a_err(struct sip_ctrans *ct, int err, void *arg)
{
	struct world *w = arg;

	(void)ct;
	w->a_err = err;
	w->a_err_time = sim_now(w->sim);
}

/* A 2xx retransmitted after the INVITE transaction ended: ACK it again (13.2.2.4). */
static void a_stray(struct sip_transport *tp, const struct sip_msg *resp,
		    const struct sip_transport_src *src, void *arg)
{
	struct world *w = arg;

	(void)src;
	w->a_stray++;
	if (w->a_ack && sip_msg_status(resp) / 100 == 2) {
		sip_transport_send(tp, SIM_NET_UDP, &addr_b, w->a_ack);
		w->a_acks_sent++;
	}
}

/* ---- the world ---- */

/* Two hosts, a 1 ms link (LOSS), transports on both (B also on TCP), recorders, the hook. */
static struct world *world_new(uint64_t seed, double loss, bool with_b)
{
	struct world *w = g_new0(struct world, 1);
	struct sim_link link = { .latency = SIM_MS, .dist = SIM_DELAY_CONST, .loss = loss };
	struct sip_transport_cfg cfg;

	w->sim = sim_new(seed, 0);
	w->net = sim_net_new(w->sim);
	sim_net_set_default_link(w->net, &link);
	w->ha = sim_net_host_add(w->net, "alice", IP_A);
	w->hb = sim_net_host_add(w->net, "bob", IP_B);
	w->sent = g_array_new(FALSE, TRUE, sizeof(struct sent));
	w->ev = g_array_new(FALSE, TRUE, sizeof(struct txev));
	w->a_codes = g_array_new(FALSE, TRUE, sizeof(uint16_t));
	w->sub_send = sim_trace_subscribe(w->sim, SIM_TRACE_NET_SEND, on_send, w);
	w->sub_sip = sim_trace_subscribe(w->sim, SIM_TRACE_SIP, on_sip, w);
	sim_net_set_hook(w->net, hook, w);
	sim_timer_init(&w->b_timer);
	sip_transport_cfg_init(&cfg);
	cfg.auto_trying = false;        /* keeps the send logs to what each test asks for */
	w->a = sip_transport_new(w->net, w->ha, &cfg);
	ck_assert_ptr_nonnull(w->a);
	sip_transport_set_handlers(w->a, NULL, a_stray, w);
	if (with_b) {
		cfg.tcp = true;
		w->b = sip_transport_new(w->net, w->hb, &cfg);
		ck_assert_ptr_nonnull(w->b);
		sip_transport_set_handlers(w->b, b_request, NULL, w);
	}
	return w;
}

static void world_free(struct world *w)
{
	sim_timer_cancel(w->sim, &w->b_timer);
	sip_dialog_free(w->a_dlg);
	sip_dialog_free(w->b_dlg);
	sip_strans_unref(w->b_inv);
	if (w->a_ack)
		g_bytes_unref(w->a_ack);
	sip_transport_free(w->a);
	sip_transport_free(w->b);
	sim_net_free(w->net);
	sim_trace_unsubscribe(w->sim, w->sub_send);
	sim_trace_unsubscribe(w->sim, w->sub_sip);
	sim_free(w->sim);
	g_array_unref(w->sent);
	g_array_unref(w->ev);
	g_array_unref(w->a_codes);
	g_free(w);
}

/* A request from A to B (TRANSPORT in the Via; BRANCH NULL = no branch at all). */
static GBytes *make_req(enum sip_method m, const char *transport, const char *branch,
			uint32_t cseq)
{
	struct sip_build *b = sip_build_request(m, NULL, "sip:bob@10.0.0.2");

	if (branch)
		sip_build_via(b, transport, "10.0.0.1", 5060, branch, false);
	else
		sip_build_hdrf(b, SIP_HDR_VIA, "SIP/2.0/%s 10.0.0.1:5060", transport);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, "Alice", "sip:alice@10.0.0.1", "atag");
	sip_build_addr(b, SIP_HDR_TO, "Bob", "sip:bob@10.0.0.2", NULL);
	sip_build_hdr(b, SIP_HDR_CALL_ID, "call-1@10.0.0.1");
	sip_build_cseq(b, cseq, m, NULL);
	sip_build_addr(b, SIP_HDR_CONTACT, NULL, "sip:alice@10.0.0.1:5060", NULL);
	return sip_build_finish(b, NULL, NULL, 0);
}

/* Starts a client transaction on A towards B. */
static struct sip_ctrans *start(struct world *w, enum sip_method m, const char *branch,
				enum sim_net_proto proto)
{
	GBytes *req = make_req(m, proto == SIM_NET_UDP ? "UDP" : "TCP", branch, 1);
	struct sip_ctrans *ct = NULL;

	ck_assert_int_eq(sip_ctrans_new(&ct, w->a, req, &addr_b, proto, a_resp, a_err, w), 0);
	g_bytes_unref(req);
	return ct;
}

/* Send times (ns) of messages from SRC whose start line begins with PREFIX. */
static GArray *times_of(const struct world *w, uint32_t src, const char *prefix)
{
	GArray *t = g_array_new(FALSE, FALSE, sizeof(int64_t));

	for (guint i = 0; i < w->sent->len; i++) {
		const struct sent *s = &g_array_index(w->sent, struct sent, i);

		if (s->src == src && g_str_has_prefix(s->line, prefix))
			g_array_append_val(t, s->t);
	}
	return t;
}

/* The time of the first event of a transaction (SERVER side, METHOD) entering STATE, or -1. */
static int64_t state_time(const struct world *w, bool server, const char *method,
			  const char *state)
{
	for (guint i = 0; i < w->ev->len; i++) {
		const struct txev *e = &g_array_index(w->ev, struct txev, i);

		if (e->server == server && e->ev == SIP_TXN_STATE && !strcmp(e->method, method) &&
		    !strcmp(e->state, state))
			return e->t;
	}
	return -1;
}

/* How many events of kind EV with TIMER were published (by server transactions only when
 * SERVER_ONLY). */
static int count_ev_side(const struct world *w, enum sip_txn_event ev, char timer,
			 bool server_only)
{
	int n = 0;

	for (guint i = 0; i < w->ev->len; i++) {
		const struct txev *e = &g_array_index(w->ev, struct txev, i);

		n += e->ev == ev && e->timer == timer && (!server_only || e->server);
	}
	return n;
}

static int count_ev(const struct world *w, enum sip_txn_event ev, char timer)
{
	return count_ev_side(w, ev, timer, false);
}

/* Asserts that the send times in T are exactly EXPECT (milliseconds, N of them). */
static void assert_times_ms(GArray *t, const int64_t *expect, size_t n)
{
	ck_assert_uint_eq(t->len, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(g_array_index(t, int64_t, i), expect[i] * SIM_MS);
}

/* ---- timers A, B, E, F ---- */

START_TEST(test_nict_timer_e_doubles_to_t2_then_f)
{
	/* given nobody listening at B (the datagrams are dropped as port unreachable) */
	struct world *w = world_new(1, 0.0, false);
	/* 0, then +0.5, +1, +2, +4, +4, +4, +4, +4, +4 (17.1.2.2), all before F at 32 s */
	static const int64_t expect[] = { 0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500,
					  27500, 31500 };
	GArray *t;

	/* when A sends an OPTIONS */
	start(w, SIP_METHOD_OPTIONS, "z9hG4bKnict1", SIM_NET_UDP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the retransmission interval doubles from T1 to T2, and F fires at 64*T1 */
	t = times_of(w, IP_A, "OPTIONS");
	assert_times_ms(t, expect, G_N_ELEMENTS(expect));
	g_array_unref(t);
	ck_assert_int_eq(count_ev(w, SIP_TXN_RETRANSMIT, 'E'), 10);
	ck_assert_int_eq(count_ev(w, SIP_TXN_TIMEOUT, 'F'), 1);
	ck_assert_int_eq(w->a_err, ETIMEDOUT);
	ck_assert_int_eq(w->a_err_time, 32 * SIM_S);
	ck_assert_int_eq(state_time(w, false, "OPTIONS", "Terminated"), 32 * SIM_S);
	ck_assert_uint_eq(sip_transport_ctrans_count(w->a), 0);
	world_free(w);
}
END_TEST

START_TEST(test_ict_timer_a_doubles_then_b)
{
	/* given nobody listening at B */
	struct world *w = world_new(1, 0.0, false);
	/* 17.1.1.2: A doubles without a cap: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 */
	static const int64_t expect[] = { 0, 500, 1500, 3500, 7500, 15500, 31500 };
	GArray *t;

	/* when A sends an INVITE */
	start(w, SIP_METHOD_INVITE, "z9hG4bKict1", SIM_NET_UDP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then it is retransmitted at A's doubling intervals and B fires at 64*T1 = 32 s */
	t = times_of(w, IP_A, "INVITE");
	assert_times_ms(t, expect, G_N_ELEMENTS(expect));
	g_array_unref(t);
	ck_assert_int_eq(count_ev(w, SIP_TXN_RETRANSMIT, 'A'), 6);
	ck_assert_int_eq(count_ev(w, SIP_TXN_TIMEOUT, 'B'), 1);
	ck_assert_int_eq(w->a_err, ETIMEDOUT);
	ck_assert_int_eq(w->a_err_time, 32 * SIM_S);
	world_free(w);
}
END_TEST

START_TEST(test_nict_lossy_link_recovers)
{
	/* given a 30 % loss link (seed 1) and a server answering 200 to OPTIONS */
	struct world *w = world_new(1, 0.3, true);
	struct sip_ctrans *ct[20];
	unsigned retx = 0;
	struct sim_net_stats ns;

	w->b_code = 200;
	/* when A sends 20 OPTIONS, each its own transaction */
	for (int i = 0; i < 20; i++) {
		char branch[32];
		GBytes *req;

		g_snprintf(branch, sizeof branch, "z9hG4bKlossy%d", i);
		req = make_req(SIP_METHOD_OPTIONS, "UDP", branch, (uint32_t)i + 1);
		ck_assert_int_eq(sip_ctrans_new(&ct[i], w->a, req, &addr_b, SIM_NET_UDP, a_resp,
						a_err, w), 0);
		sip_ctrans_ref(ct[i]);
		g_bytes_unref(req);
	}
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then datagrams were lost, retransmissions repaired it: every transaction got its one
	 * 200 and B's TU saw each request exactly once */
	ns = sim_net_stats(w->net);
	ck_assert_uint_gt(ns.dropped, 0);
	for (int i = 0; i < 20; i++) {
		retx += sip_ctrans_retransmissions(ct[i]);
		ck_assert_int_eq(sip_ctrans_state(ct[i]), SIP_CTRANS_TERMINATED);
		sip_ctrans_unref(ct[i]);
	}
	ck_assert_uint_gt(retx, 0);
	ck_assert_int_eq(w->a_err, 0);
	ck_assert_uint_eq(w->a_codes->len, 20);
	for (guint i = 0; i < w->a_codes->len; i++)
		ck_assert_uint_eq(g_array_index(w->a_codes, uint16_t, i), 200);
	ck_assert_int_eq(w->b_requests, 20);
	world_free(w);
}
END_TEST

/* ---- timers J, K (non-INVITE completion) and request absorption ---- */

START_TEST(test_nict_timer_k_and_server_timer_j)
{
	/* given B answering OPTIONS 200 at once */
	struct world *w = world_new(1, 0.0, true);

	w->b_code = 200;
	/* when A sends OPTIONS at 0 (it reaches B at 1 ms, the 200 reaches A at 2 ms) */
	start(w, SIP_METHOD_OPTIONS, "z9hG4bKjk", SIM_NET_UDP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then A waits T4 in Completed (timer K), B waits 64*T1 (timer J) */
	ck_assert_int_eq(state_time(w, false, "OPTIONS", "Completed"), 2 * SIM_MS);
	ck_assert_int_eq(state_time(w, false, "OPTIONS", "Terminated"), 2 * SIM_MS + 5 * SIM_S);
	ck_assert_int_eq(state_time(w, true, "OPTIONS", "Completed"), 1 * SIM_MS);
	ck_assert_int_eq(state_time(w, true, "OPTIONS", "Terminated"), 1 * SIM_MS + 32 * SIM_S);
	ck_assert_uint_eq(w->a_codes->len, 1);
	ck_assert_uint_eq(sip_transport_strans_count(w->b), 0);
	world_free(w);
}
END_TEST

START_TEST(test_request_retransmission_absorbed)
{
	/* given B answering OPTIONS 200, and the first 200 lost */
	struct world *w = world_new(1, 0.0, true);
	GArray *t;

	w->b_code = 200;
	w->drop_prefix = "SIP/2.0 200";
	w->drop_n = 1;
	/* when A sends OPTIONS and retransmits it at 0.5 s */
	start(w, SIP_METHOD_OPTIONS, "z9hG4bKabsorb", SIM_NET_UDP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then B's TU saw one request; B's transaction resent its 200 for the retransmission */
	ck_assert_int_eq(w->b_requests, 1);
	t = times_of(w, IP_B, "SIP/2.0 200");
	ck_assert_uint_eq(t->len, 2);
	ck_assert_int_eq(g_array_index(t, int64_t, 0), 1 * SIM_MS);
	ck_assert_int_eq(g_array_index(t, int64_t, 1), 501 * SIM_MS);
	g_array_unref(t);
	ck_assert_int_eq(count_ev(w, SIP_TXN_RETRANSMIT, 0), 1);       /* B's, request-driven */
	ck_assert_uint_eq(w->a_codes->len, 1);
	world_free(w);
}
END_TEST

/* ---- the INVITE server side: non-2xx ACK, timers G, H, I, D ---- */

START_TEST(test_non2xx_ack_by_ctrans_absorbed_by_strans)
{
	/* given B answering INVITE 486, and the first ACK lost */
	struct world *w = world_new(1, 0.0, true);
	GArray *t;

	w->mode = B_ANSWER;
	w->b_code = 486;
	w->drop_prefix = "ACK";
	w->drop_n = 1;
	/* when A sends an INVITE */
	start(w, SIP_METHOD_INVITE, "z9hG4bKbusy", SIM_NET_UDP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the 486 is sent at 1 ms and again by timer G at 501 ms, each answered by an ACK
	 * that A's client transaction built (A's TU sent none) */
	t = times_of(w, IP_B, "SIP/2.0 486");
	ck_assert_uint_eq(t->len, 2);
	ck_assert_int_eq(g_array_index(t, int64_t, 1), 501 * SIM_MS);
	g_array_unref(t);
	t = times_of(w, IP_A, "ACK");
	ck_assert_uint_eq(t->len, 2);
	ck_assert_int_eq(g_array_index(t, int64_t, 0), 2 * SIM_MS);
	ck_assert_int_eq(g_array_index(t, int64_t, 1), 502 * SIM_MS);
	g_array_unref(t);
	ck_assert_int_eq(w->a_acks_sent, 0);
	ck_assert_int_eq(count_ev(w, SIP_TXN_RETRANSMIT, 'G'), 1);
	/* the TU at A saw the 486 once; B's transaction got the ACK at 503 ms: Confirmed, then
	 * Terminated after timer I = T4; A's ended after timer D = 32 s */
	ck_assert_uint_eq(w->a_codes->len, 1);
	ck_assert_uint_eq(g_array_index(w->a_codes, uint16_t, 0), 486);
	ck_assert_int_eq(state_time(w, true, "INVITE", "Confirmed"), 503 * SIM_MS);
	ck_assert_int_eq(state_time(w, true, "INVITE", "Terminated"), 503 * SIM_MS + 5 * SIM_S);
	ck_assert_int_eq(state_time(w, false, "INVITE", "Completed"), 2 * SIM_MS);
	ck_assert_int_eq(state_time(w, false, "INVITE", "Terminated"), 2 * SIM_MS + 32 * SIM_S);
	ck_assert_int_eq(w->b_acks_2xx, 0);
	ck_assert_int_eq(w->b_err, 0);
	world_free(w);
}
END_TEST

START_TEST(test_timer_g_to_t2_and_h)
{
	/* given B answering INVITE 486 and every ACK lost */
	struct world *w = world_new(1, 0.0, true);
	/* the 486 at 1 ms, then G: +0.5, +1, +2, +4, +4 ... while under H = 32 s */
	static const int64_t expect[] = { 1, 501, 1501, 3501, 7501, 11501, 15501, 19501, 23501,
					  27501, 31501 };
	GArray *t;

	w->mode = B_ANSWER;
	w->b_code = 486;
	w->drop_prefix = "ACK";
	w->drop_n = -1;
	start(w, SIP_METHOD_INVITE, "z9hG4bKnoack", SIM_NET_UDP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then G doubles up to T2 and H tells B's TU at 1 ms + 64*T1 */
	t = times_of(w, IP_B, "SIP/2.0 486");
	assert_times_ms(t, expect, G_N_ELEMENTS(expect));
	g_array_unref(t);
	ck_assert_int_eq(count_ev(w, SIP_TXN_TIMEOUT, 'H'), 1);
	ck_assert_int_eq(w->b_err, ETIMEDOUT);
	ck_assert_int_eq(w->b_err_time, 1 * SIM_MS + 32 * SIM_S);
	world_free(w);
}
END_TEST

/* ---- the 2xx, end to end ---- */

START_TEST(test_lost_200_retransmitted_until_ack)
{
	/* given B ringing, then answering 200 at 1.001 s through its dialog, and the first three
	 * 200s lost */
	struct world *w = world_new(1, 0.0, true);
	static const int64_t expect[] = { 1001, 1501, 2501, 4501 };
	GArray *t;

	w->mode = B_RING_THEN_200;
	w->drop_prefix = "SIP/2.0 200";
	w->drop_n = 3;
	start(w, SIP_METHOD_INVITE, "z9hG4bKlost200", SIM_NET_UDP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the 200 goes out at T1, 2T1, 4T1 intervals until one arrives (4.502 s), A ACKs it
	 * (4.502 s), the ACK reaches B at 4.503 s and the retransmissions stop */
	t = times_of(w, IP_B, "SIP/2.0 200");
	assert_times_ms(t, expect, G_N_ELEMENTS(expect));
	g_array_unref(t);
	ck_assert_int_eq(w->dropped, 3);
	ck_assert_int_eq(w->a_acks_sent, 1);
	ck_assert_int_eq(w->b_acks_2xx, 1);
	ck_assert_int_eq(w->b_ack_time, 4503 * SIM_MS);
	ck_assert(!sip_dialog_2xx_pending(w->b_dlg));
	ck_assert_uint_eq(sip_dialog_2xx_retransmissions(w->b_dlg), 3);
	ck_assert_int_eq(w->b_noack, 0);
	/* A's INVITE was not retransmitted (the 180 stopped timer A), the TU got 180 then 200 */
	t = times_of(w, IP_A, "INVITE");
	ck_assert_uint_eq(t->len, 1);
	g_array_unref(t);
	ck_assert_uint_eq(w->a_codes->len, 2);
	ck_assert_uint_eq(g_array_index(w->a_codes, uint16_t, 1), 200);
	ck_assert_int_eq(sip_dialog_state(w->a_dlg), SIP_DIALOG_CONFIRMED);
	/* the server INVITE transaction ended when it sent the 2xx (RFC 3261 as written) */
	ck_assert_int_eq(state_time(w, true, "INVITE", "Terminated"), 1001 * SIM_MS);
	world_free(w);
}
END_TEST

START_TEST(test_200_without_ack_gives_up)
{
	/* given every 200 lost */
	struct world *w = world_new(1, 0.0, true);
	GArray *t;

	w->mode = B_RING_THEN_200;
	w->drop_prefix = "SIP/2.0 200";
	w->drop_n = -1;
	start(w, SIP_METHOD_INVITE, "z9hG4bKnoack200", SIM_NET_UDP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the 200 is sent at 1.001 + 0, .5, 1.5, 3.5, 7.5, 11.5 ... 31.5 s and the TU is told
	 * at 1.001 + 32 s (13.3.1.4) */
	t = times_of(w, IP_B, "SIP/2.0 200");
	ck_assert_uint_eq(t->len, 11);
	ck_assert_int_eq(g_array_index(t, int64_t, 10), 32501 * SIM_MS);
	g_array_unref(t);
	ck_assert_int_eq(w->b_noack, 1);
	ck_assert(!sip_dialog_2xx_pending(w->b_dlg));
	world_free(w);
}
END_TEST

/* ---- reliable transports ---- */

START_TEST(test_tcp_no_retransmissions)
{
	/* given B listening on TCP and answering nothing */
	struct world *w = world_new(1, 0.0, true);
	GArray *t;

	w->mode = B_SILENT;
	start(w, SIP_METHOD_INVITE, "z9hG4bKtcp1", SIM_NET_TCP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the INVITE went once, timer B still fired at 32 s */
	t = times_of(w, IP_A, "INVITE");
	ck_assert_uint_eq(t->len, 1);
	ck_assert_int_eq(g_array_index(t, int64_t, 0) >= 0, 1);
	g_array_unref(t);
	ck_assert_int_eq(count_ev(w, SIP_TXN_RETRANSMIT, 'A'), 0);
	ck_assert_int_eq(w->a_err, ETIMEDOUT);
	ck_assert_int_eq(w->a_err_time, 32 * SIM_S);
	ck_assert_int_eq(w->b_invites, 1);
	world_free(w);
}
END_TEST

START_TEST(test_tcp_timers_zero)
{
	/* given B answering OPTIONS 200 and INVITE 486 over TCP */
	struct world *w = world_new(1, 0.0, true);
	struct sip_transport_stats sa;
	int64_t done;

	w->b_code = 200;
	start(w, SIP_METHOD_OPTIONS, "z9hG4bKtcpo", SIM_NET_TCP);
	sim_run(w->sim, SIM_TIME_NEVER);
	/* then K and J are zero: Completed and Terminated at the same instant on both sides */
	done = state_time(w, false, "OPTIONS", "Completed");
	ck_assert_int_gt(done, 0);
	ck_assert_int_eq(state_time(w, false, "OPTIONS", "Terminated"), done);
	ck_assert_int_eq(state_time(w, true, "OPTIONS", "Terminated"),
			 state_time(w, true, "OPTIONS", "Completed"));

	/* and for a 486 to an INVITE: D and I are zero; the ACK from the client transaction
	 * goes over the same stream */
	w->mode = B_ANSWER;
	w->b_code = 486;
	start(w, SIP_METHOD_INVITE, "z9hG4bKtcpi", SIM_NET_TCP);
	sim_run(w->sim, SIM_TIME_NEVER);
	done = state_time(w, false, "INVITE", "Completed");
	ck_assert_int_eq(state_time(w, false, "INVITE", "Terminated"), done);
	ck_assert_int_eq(state_time(w, true, "INVITE", "Terminated"),
			 state_time(w, true, "INVITE", "Confirmed"));
	ck_assert_int_eq(count_ev(w, SIP_TXN_RETRANSMIT, 'G'), 0);
	sa = sip_transport_stats(w->a);
	ck_assert_uint_eq(sa.tx_messages, 3);   /* OPTIONS, INVITE, ACK: nothing sent twice */
	world_free(w);
}
END_TEST

/* ---- CANCEL and RFC 2543 matching ---- */

START_TEST(test_cancel_matches_invite)
{
	/* given B ringing and holding the INVITE */
	struct world *w = world_new(1, 0.0, true);
	struct sip_ctrans *inv, *cancel = NULL;
	GBytes *c;

	w->mode = B_RING;
	inv = sip_ctrans_ref(start(w, SIP_METHOD_INVITE, "z9hG4bKtocancel", SIM_NET_UDP));
	sim_run(w->sim, 1 * SIM_S);
	ck_assert_int_eq(sip_ctrans_state(inv), SIP_CTRANS_PROCEEDING);

	/* when A cancels it (same branch, 9.1) */
	c = sip_build_cancel(sip_ctrans_request(inv));
	ck_assert_int_eq(sip_ctrans_new(&cancel, w->a, c, &addr_b, SIM_NET_UDP, a_resp, a_err, w),
			 0);
	g_bytes_unref(c);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then B's CANCEL transaction found the INVITE transaction, A got 180, 200 (CANCEL) and
	 * 487 (INVITE), and ACKed the 487 from its transaction */
	ck_assert(w->cancel_matched);
	ck_assert_int_eq(w->b_cancels, 1);
	ck_assert_uint_eq(w->a_codes->len, 3);
	ck_assert_uint_eq(g_array_index(w->a_codes, uint16_t, 0), 180);
	ck_assert_uint_eq(g_array_index(w->a_codes, uint16_t, 1), 200);
	ck_assert_uint_eq(g_array_index(w->a_codes, uint16_t, 2), 487);
	ck_assert_ptr_nonnull(sip_ctrans_ack(inv));
	ck_assert_int_eq(state_time(w, true, "INVITE", "Confirmed") > 0, 1);
	sip_ctrans_unref(inv);

	/* and a CANCEL whose branch matches nothing finds no INVITE (481) */
	c = make_req(SIP_METHOD_CANCEL, "UDP", "z9hG4bKnosuch", 1);
	ck_assert_int_eq(sip_ctrans_new(&cancel, w->a, c, &addr_b, SIM_NET_UDP, a_resp, a_err, w),
			 0);
	g_bytes_unref(c);
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_int_eq(w->cancel_targets_null, 1);
	ck_assert_uint_eq(g_array_index(w->a_codes, uint16_t, w->a_codes->len - 1), 481);
	world_free(w);
}
END_TEST

START_TEST(test_rfc2543_fallback_matching)
{
	/* given B answering 486, an INVITE without a branch (RFC 2543), the first 486 lost */
	struct world *w = world_new(1, 0.0, true);
	GArray *t;

	w->mode = B_ANSWER;
	w->b_code = 486;
	w->drop_prefix = "SIP/2.0 486";
	w->drop_n = 1;
	start(w, SIP_METHOD_INVITE, NULL, SIM_NET_UDP);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the retransmitted INVITE (it arrives at 501 ms) matched the transaction field by
	 * field: the TU saw one INVITE and the 486 was resent for it (besides timer G's resend at
	 * the same instant); the ACK (To tag of the 486) matched too */
	ck_assert_int_eq(w->b_invites, 1);
	t = times_of(w, IP_B, "SIP/2.0 486");
	ck_assert_uint_eq(t->len, 3);
	ck_assert_int_eq(g_array_index(t, int64_t, 1), 501 * SIM_MS);
	ck_assert_int_eq(g_array_index(t, int64_t, 2), 501 * SIM_MS);
	g_array_unref(t);
	ck_assert_int_eq(count_ev_side(w, SIP_TXN_RETRANSMIT, 0, true), 1);
	ck_assert_int_eq(count_ev_side(w, SIP_TXN_RETRANSMIT, 'G', true), 1);
	ck_assert_int_eq(state_time(w, true, "INVITE", "Confirmed"), 503 * SIM_MS);
	ck_assert_int_eq(w->b_acks_2xx, 0);

	/* and an INVITE with another CSeq is a new transaction */
	GBytes *req = make_req(SIP_METHOD_INVITE, "UDP", NULL, 2);
	struct sip_ctrans *ct = NULL;

	ck_assert_int_eq(sip_ctrans_new(&ct, w->a, req, &addr_b, SIM_NET_UDP, a_resp, a_err, w),
			 0);
	g_bytes_unref(req);
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_int_eq(w->b_invites, 2);
	world_free(w);
}
END_TEST

/* ---- malformed requests (RFC 4475 vectors sent raw) ---- */

struct raw_row {
	const char *file;       /* under tests/data/rfc4475/, or NULL: TEXT is sent */
	const char *text;
	uint16_t code;          /* expected answer, 0 = dropped */
};

static const struct raw_row raw_rows[] = {
	/* 3.1.2.17: CSeq method differs from the request method -> 400 */
	{ "mismatch01.dat", NULL, 400 },
	/* 3.1.2.16: SIP/7.0 -> 505 Version Not Supported */
	{ "badvers.dat", NULL, 505 },
	/* not SIP at all: dropped and counted */
	{ NULL, "hello, world\r\n\r\n", 0 },
};

struct raw_rx {
	int n;
	GBytes *data;
};

static void raw_recv(struct sim_udp *sock, const struct sim_addr *src, const struct sim_addr *dst,
		     GBytes *data, void *arg)
{
	struct raw_rx *rx = arg;

	(void)sock;
	(void)src;
	(void)dst;
	rx->n++;
	if (!rx->data)
		rx->data = g_bytes_ref(data);
}

START_TEST(test_malformed_request_answered)
{
	const struct raw_row *row = &raw_rows[_i];
	struct world *w = world_new(1, 0.0, true);
	struct raw_rx rx = { 0, NULL };
	struct sim_udp *sock = sim_udp_bind(w->ha, 5070, raw_recv, &rx);
	struct sip_transport_stats sb;
	GBytes *data;

	/* given a raw socket on A and the vector's bytes */
	if (row->file) {
		char *path = g_build_filename(TOP_SRCDIR, "tests", "data", "rfc4475", row->file,
					      NULL);
		gchar *buf;
		gsize len;

		ck_assert(g_file_get_contents(path, &buf, &len, NULL));
		data = g_bytes_new_take(buf, len);
		g_free(path);
	} else {
		data = g_bytes_new_static(row->text, strlen(row->text));
	}
	/* the vectors name no port in their Via, so answers go to 5060: bind a socket there */
	sip_transport_free(w->a);
	w->a = NULL;
	struct raw_rx rx5060 = { 0, NULL };
	struct sim_udp *s5060 = sim_udp_bind(w->ha, 5060, raw_recv, &rx5060);

	/* when it is sent to B as one datagram */
	ck_assert_int_eq(sim_udp_send(sock, &addr_b, data), 0);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then B answers statelessly with the expected code, or drops and counts it */
	sb = sip_transport_stats(w->b);
	ck_assert_int_eq(w->b_requests, 0);
	if (row->code == 0) {
		ck_assert_int_eq(rx5060.n, 0);
		ck_assert_uint_eq(sb.rx_dropped, 1);
	} else {
		struct sip_msg *resp = NULL;

		ck_assert_int_eq(rx5060.n, 1);
		ck_assert_int_eq(sip_msg_parse(&resp, rx5060.data), 0);
		ck_assert_uint_eq(sip_msg_status(resp), row->code);
		/* 18.2.1: the sent-by host is a name, so received= names the source */
		ck_assert(sip_pl_eq_str(sip_msg_via(resp)->received, "10.0.0.1"));
		ck_assert_uint_eq(row->code == 400 ? sb.bad_request_400 : sb.version_505, 1);
		if (row->code == 400)
			ck_assert(sip_pl_isset(sip_msg_hdr(resp, SIP_HDR_WARNING)));
		sip_msg_unref(resp);
	}
	ck_assert_int_eq(rx.n, 0);
	if (rx.data)
		g_bytes_unref(rx.data);
	if (rx5060.data)
		g_bytes_unref(rx5060.data);
	g_bytes_unref(data);
	sim_udp_close(sock);
	sim_udp_close(s5060);
	world_free(w);
}
END_TEST

START_TEST(test_response_goes_to_rport)
{
	/* given a request with ;rport sent from port 5070 although its Via says 5060 */
	struct world *w = world_new(1, 0.0, true);
	struct raw_rx rx = { 0, NULL };
	struct sim_udp *sock = sim_udp_bind(w->ha, 5070, raw_recv, &rx);
	struct sip_build *b = sip_build_request(SIP_METHOD_OPTIONS, NULL, "sip:bob@10.0.0.2");
	struct sip_msg *resp = NULL;
	GBytes *req;

	w->b_code = 200;
	sip_build_via(b, "UDP", "10.0.0.1", 5060, "z9hG4bKrport", true);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, NULL, "sip:alice@10.0.0.1", "atag");
	sip_build_addr(b, SIP_HDR_TO, NULL, "sip:bob@10.0.0.2", NULL);
	sip_build_hdr(b, SIP_HDR_CALL_ID, "rport-1");
	sip_build_cseq(b, 1, SIP_METHOD_OPTIONS, NULL);
	req = sip_build_finish(b, NULL, NULL, 0);
	/* when it reaches B */
	ck_assert_int_eq(sim_udp_send(sock, &addr_b, req), 0);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the 200 comes back to the source port, with rport=5070 and received= (RFC 3581) */
	ck_assert_int_eq(rx.n, 1);
	ck_assert_int_eq(sip_msg_parse(&resp, rx.data), 0);
	ck_assert_uint_eq(sip_msg_status(resp), 200);
	ck_assert(sip_pl_eq_str(sip_msg_via(resp)->rport, "5070"));
	ck_assert(sip_pl_eq_str(sip_msg_via(resp)->received, "10.0.0.1"));
	sip_msg_unref(resp);
	g_bytes_unref(rx.data);
	g_bytes_unref(req);
	sim_udp_close(sock);
	world_free(w);
}
END_TEST

START_TEST(test_ctrans_rejects_bad_input)
{
	/* given a transport */
	struct world *w = world_new(1, 0.0, true);
	struct sip_ctrans *ct = NULL;
	GBytes *junk = g_bytes_new_static("junk", 4);
	GBytes *ack = make_req(SIP_METHOD_ACK, "UDP", "z9hG4bKx", 1);
	GBytes *req = make_req(SIP_METHOD_OPTIONS, "UDP", "z9hG4bKdup", 1);

	/* then junk, an ACK and a duplicate branch are refused */
	ck_assert_int_eq(sip_ctrans_new(&ct, w->a, junk, &addr_b, SIM_NET_UDP, NULL, NULL, NULL),
			 EBADMSG);
	ck_assert_int_eq(sip_ctrans_new(&ct, w->a, ack, &addr_b, SIM_NET_UDP, NULL, NULL, NULL),
			 EINVAL);
	ck_assert_int_eq(sip_ctrans_new(&ct, w->a, req, &addr_b, SIM_NET_UDP, NULL, NULL, NULL), 0);
	ck_assert_int_eq(sip_ctrans_new(&ct, w->a, req, &addr_b, SIM_NET_UDP, NULL, NULL, NULL),
			 EEXIST);
	/* and a TCP connect to a port nobody listens on fails at once, leaving nothing behind */
	struct sim_addr nowhere = { IP_B, 5999 };
	GBytes *req2 = make_req(SIP_METHOD_OPTIONS, "TCP", "z9hG4bKrefused", 1);

	ck_assert_int_eq(sip_ctrans_new(&ct, w->a, req2, &nowhere, SIM_NET_TCP, NULL, NULL, NULL),
			 ECONNREFUSED);
	ck_assert_uint_eq(sip_transport_ctrans_count(w->a), 1);
	ck_assert_str_eq(sip_ctrans_state_name(SIP_CTRANS_CALLING), "Calling");
	ck_assert_str_eq(sip_strans_state_name(SIP_STRANS_CONFIRMED), "Confirmed");
	g_bytes_unref(junk);
	g_bytes_unref(ack);
	g_bytes_unref(req);
	g_bytes_unref(req2);
	world_free(w);
}
END_TEST

static Suite *txn_suite(void)
{
	Suite *s = suite_create("txn");
	TCase *tc = tcase_create("client");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_nict_timer_e_doubles_to_t2_then_f);
	tcase_add_test(tc, test_ict_timer_a_doubles_then_b);
	tcase_add_test(tc, test_nict_lossy_link_recovers);
	tcase_add_test(tc, test_nict_timer_k_and_server_timer_j);
	tcase_add_test(tc, test_ctrans_rejects_bad_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("server");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_request_retransmission_absorbed);
	tcase_add_test(tc, test_non2xx_ack_by_ctrans_absorbed_by_strans);
	tcase_add_test(tc, test_timer_g_to_t2_and_h);
	tcase_add_test(tc, test_cancel_matches_invite);
	tcase_add_test(tc, test_rfc2543_fallback_matching);
	suite_add_tcase(s, tc);
	tc = tcase_create("2xx");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lost_200_retransmitted_until_ack);
	tcase_add_test(tc, test_200_without_ack_gives_up);
	suite_add_tcase(s, tc);
	tc = tcase_create("tcp");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tcp_no_retransmissions);
	tcase_add_test(tc, test_tcp_timers_zero);
	suite_add_tcase(s, tc);
	tc = tcase_create("transport");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_malformed_request_answered, 0, G_N_ELEMENTS(raw_rows));
	tcase_add_test(tc, test_response_goes_to_rport);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(txn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
