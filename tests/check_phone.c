/*
 * check_phone.c - Check tests for the virtual SIP phone (models/phone/): registration with digest
 * authentication, refresh, failure outcomes, NAT keep-alive and public Contact, outgoing and
 * incoming calls, and the phone's life cycle.
 *
 * The world: the phone "phone1" (10.0.0.10, Tel 2001, auth name 2001auth) and a scripted fake
 * server written here on 10.0.0.1 (a bare SIP transport with a request handler) that plays
 * registrar - the first REGISTER of each attempt gets 401 with a challenge from a
 * sip_auth_nonces table, a REGISTER with credentials is verified with sip_auth_verify against HA1
 * of the known password and gets 200 with Contact;expires=600 - and, for calls, the UAS of the
 * phone's INVITEs or the UAC of INVITEs to the phone. Links are 1 ms constant, so a request sent
 * at t is answered at t + 1 ms and the answer arrives at t + 2 ms: expected times below are hand
 * computations from that and RFC 3261's timers (T1 500 ms, T2 4 s).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <check.h>

#include "models/phone/phone.h"
#include "models/sip/auth.h"
#include "models/sip/build.h"
#include "models/sip/dialog.h"
#include "models/sip/msg.h"
#include "models/sip/sdp.h"
#include "models/sip/transport.h"
#include "models/sip/txn.h"
#include "sim/net.h"
#include "sim/sim.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define IP_OS IP(10, 0, 0, 1)
#define IP_PH IP(10, 0, 0, 10)
#define REALM "10.0.0.1"
#define PASSWORD "s3cret-pw"
#define MS SIM_MS
#define S SIM_S

/* One datagram or segment the phone sent. */
struct sent {
	int64_t t;
	enum sim_net_proto proto;
	struct sim_addr dst;
	GBytes *bytes;
	struct sip_msg *msg;    /* NULL when it is not SIP (a keep-alive) */
	char line[96];          /* start line */
};

/* A response the fake server's client transactions received from the phone. */
struct uac_rec {
	int64_t t;
	uint16_t code;
	enum sip_method method;
	char callid[64];
};

/* How the fake registrar answers REGISTER. */
enum reg_mode {
	REG_CHALLENGE,          /* 401 without credentials, verify and 200 with them */
	REG_OPEN,               /* 200 at once */
	REG_SILENT,             /* no answer at all */
};

/* How the fake server answers the phone's INVITE. */
enum inv_mode {
	INV_RING,               /* 180 at once, then nothing */
	INV_RING_ANSWER,        /* 180 at once, 200 with SDP one second later */
	INV_BUSY,               /* 486 at once */
};

struct world {
	struct sim *sim;
	struct sim_net *net;
	struct sim_host *hos, *hph;
	struct sip_transport *os;
	struct phone *ph;
	struct phone_cfg cfg;
	char *password;
	struct sim_trace_sub *sub_send, *sub_note;
	GPtrArray *sent;        /* struct sent * */
	GPtrArray *notes;       /* char *, the phone's action notes */
	GPtrArray *garbage;     /* strings handed out by hdr() */
	bool leaked;            /* the password showed up in bytes or a note */
	uint64_t branch_n;
	/* registrar */
	enum reg_mode reg;
	struct sip_auth_nonces *nonces;
	char ha1[SIP_AUTH_HEX_LEN];
	int verified_ok, verified_bad;
	bool nat;               /* stamp Via received=203.0.113.5;rport=40000, a NAT's view */
	/* the hook drops the first drop_n datagrams from drop_src starting with drop_prefix */
	const char *drop_prefix;
	uint32_t drop_src;
	int drop_n, dropped;
	/* UAS for the phone's INVITEs */
	enum inv_mode inv;
	struct sip_strans *inv_st;
	struct sip_dialog *uas_dlg;
	struct sim_timer t_answer;
	int acks, cancels, byes;
	int64_t ack_t;
	/* UAC towards the phone */
	struct sip_ctrans *uac_ct;
	struct sip_dialog *uac_dlg;
	GArray *uac;            /* struct uac_rec */
	const char *const *offer_codecs;
	size_t n_offer_codecs;
};

/* ---------------------------------------------------------------- recorders */

/* True when the N bytes at D contain the string NEEDLE. */
static bool has_bytes(const char *d, size_t n, const char *needle)
{
	size_t l = strlen(needle);

	for (size_t i = 0; l && i + l <= n; i++)
		if (memcmp(d + i, needle, l) == 0)
			return true;
	return false;
}

static void on_send(const struct sim_trace_point *tp, void *arg)
{
	struct world *w = arg;
	const struct sim_net_packet *p = tp->payload;
	struct sent *s;
	gsize n;
	const char *d = g_bytes_get_data(p->data, &n);
	size_t i = 0;

	if (has_bytes(d, n, PASSWORD) || (w->password && has_bytes(d, n, w->password)))
		w->leaked = true;
	if (p->src.ip != IP_PH)
		return;
	s = g_new0(struct sent, 1);
	s->t = tp->time;
	s->proto = p->proto;
	s->dst = p->dst;
	s->bytes = g_bytes_ref(p->data);
	if (sip_msg_parse(&s->msg, s->bytes) != 0)
		s->msg = NULL;
	while (i < n && i < sizeof s->line - 1 && d[i] != '\r' && d[i] != '\n') {
		s->line[i] = d[i];
		i++;
	}
	g_ptr_array_add(w->sent, s);
}

static void on_note(const struct sim_trace_point *tp, void *arg)
{
	struct world *w = arg;
	const struct sim_trace_note *n = tp->payload;

	if (strstr(n->text, PASSWORD) || (w->password && strstr(n->text, w->password)))
		w->leaked = true;
	if (n->kind == SIM_NOTE_ACTION && !strcmp(n->lane, "phone1"))
		g_ptr_array_add(w->notes, g_strdup(n->text));
}

/* The forward hook: deterministic losses. */
static bool hook(struct sim_net_packet *pkt, const char **reason, void *arg)
{
	struct world *w = arg;
	gsize n = 0;
	const char *d = pkt->data ? g_bytes_get_data(pkt->data, &n) : NULL;

	if (!d || !w->drop_prefix || pkt->src.ip != w->drop_src || w->dropped >= w->drop_n ||
	    n < strlen(w->drop_prefix) || memcmp(d, w->drop_prefix, strlen(w->drop_prefix)))
		return true;
	w->dropped++;
	*reason = "test drop";
	return false;
}

static void sent_free(gpointer data)
{
	struct sent *s = data;

	sip_msg_unref(s->msg);
	g_bytes_unref(s->bytes);
	g_free(s);
}

/* How many messages the phone sent whose start line begins with PREFIX. */
static unsigned n_sent(const struct world *w, const char *prefix)
{
	unsigned n = 0;

	for (guint i = 0; i < w->sent->len; i++)
		n += g_str_has_prefix(((struct sent *)g_ptr_array_index(w->sent, i))->line, prefix);
	return n;
}

/* The I-th message (0 = first) the phone sent whose start line begins with PREFIX. */
static const struct sent *nth(const struct world *w, const char *prefix, unsigned i)
{
	for (guint k = 0; k < w->sent->len; k++) {
		const struct sent *s = g_ptr_array_index(w->sent, k);

		if (g_str_has_prefix(s->line, prefix) && i-- == 0)
			return s;
	}
	ck_abort_msg("no message %u starting with '%s'", i, prefix);
	return NULL;
}

/* Header ID of MSG as a string (owned by the world), "" when absent. */
static const char *hdr(struct world *w, const struct sip_msg *m, enum sip_hdr id)
{
	struct sip_pl v = sip_msg_hdr(m, id);
	char *s = v.p ? sip_pl_dup(v) : g_strdup("");

	g_ptr_array_add(w->garbage, s);
	return s;
}

/* A slice as a string owned by the world. */
static const char *pls(struct world *w, struct sip_pl v)
{
	char *s = v.p ? sip_pl_dup(v) : g_strdup("");

	g_ptr_array_add(w->garbage, s);
	return s;
}

/* The SDP body of MSG (free it). */
static struct sip_sdp *sdp_of(const struct sip_msg *m)
{
	struct sip_pl b = sip_msg_body(m);
	struct sip_sdp *sdp = NULL;

	ck_assert_int_eq(sip_sdp_parse(&sdp, b.p, b.l, NULL, 0), 0);
	return sdp;
}

/* ---------------------------------------------------------------- the fake server */

static void next_branch(struct world *w, char *out, size_t size)
{
	sip_build_branch_counter(out, size, "os", ++w->branch_n);
}

/* Sends a response to ST: a plain one, or one whose top Via says what a NAT in front of the
 * phone would make the server see (received/rport, RFC 3581). */
static void os_reply(struct world *w, struct sip_strans *st, uint16_t code, const char *tag,
		     const char *contact, const char *extra_name, const char *extra)
{
	const struct sip_msg *req = sip_strans_request(st);
	struct sip_build *b;
	GBytes *m;

	if (w->nat && sip_msg_method(req) == SIP_METHOD_REGISTER) {
		/* the phone's Via ends with a bare ;rport */
		char *top = g_strdup_printf("%s=40000;received=203.0.113.5",
					    pls(w, sip_msg_via(req)->raw));

		b = sip_build_reply_via(req, code, NULL, tag, top);
		g_free(top);
	} else {
		b = sip_strans_reply_build(st, code, NULL, tag);
	}
	ck_assert_ptr_nonnull(b);
	if (contact)
		sip_build_hdr(b, SIP_HDR_CONTACT, contact);
	if (extra_name)
		sip_build_hdr_name(b, extra_name, extra);
	m = sip_build_finish(b, NULL, NULL, 0);
	ck_assert_int_eq(sip_strans_reply(st, m), 0);
	g_bytes_unref(m);
}

/* The registrar. */
static void os_register(struct world *w, struct sip_strans *st, const struct sip_msg *req)
{
	struct sip_pl authz = sip_msg_hdr(req, SIP_HDR_AUTHORIZATION);
	struct sip_auth_challenge ch;
	GString *chs;
	struct sip_addr c;
	char *contact;

	if (w->reg == REG_SILENT)
		return;
	if (sip_pl_isset(authz) || w->reg == REG_OPEN) {
		bool ok = w->reg == REG_OPEN;

		if (!ok) {
			struct sip_auth_resp r;
			enum sip_auth_verdict v = SIP_AUTH_BAD;

			ck_assert_int_eq(sip_auth_resp_parse(&r, authz.p, authz.l), 0);
			ok = sip_auth_verify(w->nonces, &r, w->ha1, "REGISTER", sim_now(w->sim),
					     &v) == 0 && v == SIP_AUTH_OK &&
			     !strcmp(r.uri, "sip:10.0.0.1");
			if (ok)
				w->verified_ok++;
			else
				w->verified_bad++;
		}
		if (ok) {
			ck_assert_int_eq(sip_msg_contact_at(req, 0, &c), 0);
			contact = g_strdup_printf("<%s>;expires=%d", pls(w, c.uri.raw),
						  sip_msg_expires(req) == 0 ? 0 : 600);
			os_reply(w, st, 200, "regtag", contact, NULL, NULL);
			g_free(contact);
			return;
		}
	}
	sip_auth_nonces_challenge(w->nonces, sim_now(w->sim), false, &ch);
	chs = g_string_new(NULL);
	ck_assert_int_eq(sip_auth_challenge_build(&ch, chs), 0);
	os_reply(w, st, 401, "regtag", NULL, "WWW-Authenticate", chs->str);
	g_string_free(chs, TRUE);
}

/* One second after the 180: 200 with an SDP answer from PCMU, through the 2xx retransmission. */
static void os_answer(struct sim *sim, void *arg)
{
	static const char *const codecs[] = { "PCMU" };
	struct world *w = arg;
	struct sip_sdp_profile prof = { .user = "os", .sess_id = 9, .sess_version = 1,
					.addr = "10.0.0.1", .audio_port = 20000, .codecs = codecs,
					.n_codecs = 1, .dir = SIP_SDP_SENDRECV };
	const struct sip_msg *req = sip_strans_request(w->inv_st);
	struct sip_pl body = sip_msg_body(req);
	struct sip_sdp *offer = NULL, *ans = NULL;
	GBytes *sdp, *m;
	gsize n;
	const void *d;
	struct sip_build *b;

	(void)sim;
	ck_assert_int_eq(sip_sdp_parse(&offer, body.p, body.l, NULL, 0), 0);
	ck_assert_int_eq(sip_sdp_answer(&ans, offer, &prof), 0);
	ck_assert_int_eq(sip_sdp_build_bytes(ans, &sdp), 0);
	b = sip_strans_reply_build(w->inv_st, 200, NULL, "ostag");
	sip_build_hdr(b, SIP_HDR_CONTACT, "<sip:os@10.0.0.1:5060>");
	d = g_bytes_get_data(sdp, &n);
	m = sip_build_finish(b, "application/sdp", d, n);
	ck_assert_int_eq(sip_dialog_send_2xx(w->uas_dlg, w->inv_st, m, NULL, NULL), 0);
	g_bytes_unref(m);
	g_bytes_unref(sdp);
	sip_sdp_free(offer);
	sip_sdp_free(ans);
}

/* The phone's INVITE. */
static void os_invite(struct world *w, struct sip_strans *st, const struct sip_msg *req)
{
	struct sip_build *b;
	struct sip_msg *r = NULL;
	GBytes *m;

	if (w->inv == INV_BUSY) {
		os_reply(w, st, 486, "ostag", NULL, NULL, NULL);
		return;
	}
	b = sip_strans_reply_build(st, 180, NULL, "ostag");
	sip_build_hdr(b, SIP_HDR_CONTACT, "<sip:os@10.0.0.1:5060>");
	m = sip_build_finish(b, NULL, NULL, 0);
	ck_assert_int_eq(sip_msg_parse(&r, m), 0);
	sip_dialog_free(w->uas_dlg);
	ck_assert_int_eq(sip_dialog_new_uas(&w->uas_dlg, req, r), 0);
	ck_assert_int_eq(sip_strans_reply(st, m), 0);
	sip_msg_unref(r);
	g_bytes_unref(m);
	sip_strans_unref(w->inv_st);
	w->inv_st = sip_strans_ref(st);
	if (w->inv == INV_RING_ANSWER)
		sim_timer_start(w->sim, &w->t_answer, S, os_answer, w);
}

static void os_request(struct sip_transport *tp, struct sip_strans *st, const struct sip_msg *req,
		       const struct sip_transport_src *src, void *arg)
{
	struct world *w = arg;

	(void)tp;
	(void)src;
	if (!st) {
		w->acks++;
		w->ack_t = sim_now(w->sim);
		if (w->uas_dlg)
			sip_dialog_ack_received(w->uas_dlg, req);
		return;
	}
	switch (sip_msg_method(req)) {
	case SIP_METHOD_REGISTER:
		os_register(w, st, req);
		break;
	case SIP_METHOD_INVITE:
		os_invite(w, st, req);
		break;
	case SIP_METHOD_CANCEL: {
		struct sip_strans *inv = sip_strans_cancel_target(st);

		w->cancels++;
		ck_assert_ptr_nonnull(inv);
		os_reply(w, st, 200, "ostag", NULL, NULL, NULL);
		os_reply(w, inv, 487, "ostag", NULL, NULL, NULL);
		break;
	}
	case SIP_METHOD_BYE:
		w->byes++;
		os_reply(w, st, 200, NULL, NULL, NULL, NULL);
		break;
	default:
		os_reply(w, st, 200, "ostag", NULL, NULL, NULL);
		break;
	}
}

/* ---- the fake server as the UAC of calls to the phone */

static const struct sim_addr addr_ph = { IP_PH, 5060 };

static void uac_resp(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg)
{
	struct world *w = arg;
	struct uac_rec r = { .t = sim_now(w->sim), .code = sip_msg_status(resp),
			     .method = sip_msg_method(resp) };
	struct sip_pl cid = sip_msg_callid(resp);

	memcpy(r.callid, cid.p, MIN(cid.l, sizeof r.callid - 1));
	g_array_append_val(w->uac, r);
	if (r.method == SIP_METHOD_INVITE && r.code / 100 == 2) {
		/* 13.2.2.4: the ACK for the 2xx, end to end */
		struct sip_dialog_via via = { "UDP", "10.0.0.1", 5060, NULL, false };
		char branch[64];
		GBytes *ack;

		next_branch(w, branch, sizeof branch);
		via.branch = branch;
		if (!w->uac_dlg)
			ck_assert_int_eq(sip_dialog_new_uac(&w->uac_dlg, sip_ctrans_request(ct), resp),
					 0);
		else
			sip_dialog_receive_response(w->uac_dlg, resp);
		ack = sip_build_finish(sip_dialog_ack(w->uac_dlg, sip_msg_cseq(resp)->num, &via),
				       NULL, NULL, 0);
		ck_assert_int_eq(sip_transport_send(w->os, SIM_NET_UDP, &addr_ph, ack), 0);
		g_bytes_unref(ack);
	}
}

/* Sends a request from the fake server to the phone in a client transaction. */
static void os_send(struct world *w, GBytes *m, bool keep)
{
	struct sip_ctrans *ct = NULL;

	ck_assert_int_eq(sip_ctrans_new(&ct, w->os, m, &addr_ph, SIM_NET_UDP, uac_resp, NULL, w),
			 0);
	if (keep) {
		sip_ctrans_unref(w->uac_ct);
		w->uac_ct = sip_ctrans_ref(ct);
	}
	g_bytes_unref(m);
}

/* An INVITE from 2002 to the phone with an offer of w->offer_codecs (Call-ID CALLID). */
static void os_call(struct world *w, const char *callid)
{
	struct sip_sdp_profile prof = { .user = "os", .sess_id = 5, .sess_version = 1,
					.addr = "10.0.0.1", .audio_port = 20000,
					.codecs = w->offer_codecs, .n_codecs = w->n_offer_codecs,
					.dir = SIP_SDP_SENDRECV };
	struct sip_sdp *offer = NULL;
	struct sip_build *b = sip_build_request(SIP_METHOD_INVITE, NULL, "sip:2001@10.0.0.10:5060");
	char branch[64];
	GBytes *sdp;
	gsize n;
	const void *d;

	next_branch(w, branch, sizeof branch);
	ck_assert_int_eq(sip_sdp_offer(&offer, &prof), 0);
	ck_assert_int_eq(sip_sdp_build_bytes(offer, &sdp), 0);
	sip_sdp_free(offer);
	sip_build_via(b, "UDP", "10.0.0.1", 5060, branch, false);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, NULL, "sip:2002@10.0.0.1", "from-os");
	sip_build_addr(b, SIP_HDR_TO, NULL, "sip:2001@10.0.0.1", NULL);
	sip_build_hdr(b, SIP_HDR_CALL_ID, callid);
	sip_build_cseq(b, 1, SIP_METHOD_INVITE, NULL);
	sip_build_hdr(b, SIP_HDR_CONTACT, "<sip:2002@10.0.0.1:5060>");
	d = g_bytes_get_data(sdp, &n);
	os_send(w, sip_build_finish(b, "application/sdp", d, n), true);
	g_bytes_unref(sdp);
}

/* A request in the fake server's dialog with the phone (BYE, re-INVITE with BODY). */
static void os_in_dialog(struct world *w, enum sip_method m, GBytes *body)
{
	struct sip_dialog_via via = { "UDP", "10.0.0.1", 5060, NULL, false };
	char branch[64];
	struct sip_build *b;

	next_branch(w, branch, sizeof branch);
	via.branch = branch;
	ck_assert_ptr_nonnull(w->uac_dlg);
	b = sip_dialog_request(w->uac_dlg, m, NULL, &via);
	ck_assert_ptr_nonnull(b);
	sip_build_hdr(b, SIP_HDR_CONTACT, "<sip:2002@10.0.0.1:5060>");
	if (body) {
		gsize n;
		const void *d = g_bytes_get_data(body, &n);

		os_send(w, sip_build_finish(b, "application/sdp", d, n), m == SIP_METHOD_INVITE);
	} else {
		os_send(w, sip_build_finish(b, NULL, NULL, 0), false);
	}
}

/* How many responses with CODE to METHOD the fake server's client transactions saw. */
static unsigned n_uac(const struct world *w, enum sip_method m, uint16_t code)
{
	unsigned n = 0;

	for (guint i = 0; i < w->uac->len; i++) {
		const struct uac_rec *r = &g_array_index(w->uac, struct uac_rec, i);

		n += r->method == m && r->code == code;
	}
	return n;
}

/* ---------------------------------------------------------------- the world */

static const char *const default_offer[] = { "G.711a", "G.711u" };

/* The world without the phone (the test adjusts w->cfg, then calls start()); OS_STREAMS: the
 * server also listens on TCP 5060 and TLS 5061. */
static struct world *world_new(uint64_t seed, bool os_streams)
{
	struct world *w = g_new0(struct world, 1);
	struct sim_link link = { .latency = MS, .dist = SIM_DELAY_CONST };
	struct sip_transport_cfg tcfg;

	w->sim = sim_new(seed, 0);
	w->net = sim_net_new(w->sim);
	sim_net_set_default_link(w->net, &link);
	w->hos = sim_net_host_add(w->net, "os", IP_OS);
	w->hph = sim_net_host_add(w->net, "phone1", IP_PH);
	w->sent = g_ptr_array_new_with_free_func(sent_free);
	w->notes = g_ptr_array_new_with_free_func(g_free);
	w->garbage = g_ptr_array_new_with_free_func(g_free);
	w->uac = g_array_new(FALSE, TRUE, sizeof(struct uac_rec));
	w->sub_send = sim_trace_subscribe(w->sim, SIM_TRACE_NET_SEND, on_send, w);
	w->sub_note = sim_trace_subscribe(w->sim, SIM_TRACE_EVENT, on_note, w);
	sim_net_set_hook(w->net, hook, w);
	w->nonces = sip_auth_nonces_new(REALM, NULL, 0);
	sip_auth_ha1(w->ha1, "2001auth", REALM, PASSWORD);
	sim_timer_init(&w->t_answer);
	w->offer_codecs = default_offer;
	w->n_offer_codecs = 2;
	sip_transport_cfg_init(&tcfg);
	tcfg.auto_trying = false;
	tcfg.tcp = os_streams;
	tcfg.tls = os_streams;
	w->os = sip_transport_new(w->net, w->hos, &tcfg);
	ck_assert_ptr_nonnull(w->os);
	sip_transport_set_handlers(w->os, os_request, NULL, w);

	phone_cfg_init(&w->cfg);
	w->cfg.name = "phone1";
	w->cfg.host = w->hph;
	w->cfg.registrar = (struct sim_addr){ IP_OS, 5060 };
	w->cfg.domain = "10.0.0.1";
	w->cfg.tel = "2001";
	w->cfg.auth_name = "2001auth";
	w->cfg.password = PASSWORD;
	w->cfg.user_agent = "SMT-i5343";
	return w;
}

static void start(struct world *w)
{
	w->ph = phone_new(w->sim, w->net, &w->cfg);
	ck_assert_ptr_nonnull(w->ph);
}

static void world_free(struct world *w)
{
	phone_free(w->ph);
	sim_timer_cancel(w->sim, &w->t_answer);
	sip_dialog_free(w->uas_dlg);
	sip_dialog_free(w->uac_dlg);
	sip_strans_unref(w->inv_st);
	sip_ctrans_unref(w->uac_ct);
	sip_transport_free(w->os);
	sim_net_free(w->net);
	sim_trace_unsubscribe(w->sim, w->sub_send);
	sim_trace_unsubscribe(w->sim, w->sub_note);
	sim_free(w->sim);
	sip_auth_nonces_free(w->nonces);
	g_ptr_array_unref(w->sent);
	g_ptr_array_unref(w->notes);
	g_ptr_array_unref(w->garbage);
	g_array_unref(w->uac);
	g_free(w->password);
	g_free(w);
}

/* Registers the phone at t = 0 and runs to UNTIL. */
static struct world *registered_world(int64_t until)
{
	struct world *w = world_new(1, false);

	start(w);
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, until);
	return w;
}

/* ---------------------------------------------------------------- registration */

START_TEST(test_register_digest_sequence)
{
	/* given the fake registrar that challenges every attempt */
	struct world *w = registered_world(10 * S);
	const struct sent *r1 = nth(w, "REGISTER ", 0), *r2 = nth(w, "REGISTER ", 1);
	struct sip_pl az = sip_msg_hdr(r2->msg, SIP_HDR_AUTHORIZATION);
	struct sip_auth_resp ar;

	/* then the phone sent REGISTER at 0, and again with credentials when the 401 came (2 ms) */
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 2);
	ck_assert_int_eq(r1->t, 0);
	ck_assert_int_eq(r2->t, 2 * MS);
	ck_assert_str_eq(r1->line, "REGISTER sip:10.0.0.1 SIP/2.0");
	ck_assert_str_eq(r2->line, "REGISTER sip:10.0.0.1 SIP/2.0");
	/* with CSeq 1 then 2, one Call-ID, one From tag, a new branch, the AOR in To and From */
	ck_assert_str_eq(hdr(w, r1->msg, SIP_HDR_CSEQ), "1 REGISTER");
	ck_assert_str_eq(hdr(w, r2->msg, SIP_HDR_CSEQ), "2 REGISTER");
	ck_assert_str_eq(pls(w, sip_msg_callid(r1->msg)), pls(w, sip_msg_callid(r2->msg)));
	ck_assert_str_eq(pls(w, sip_msg_from(r1->msg)->tag), pls(w, sip_msg_from(r2->msg)->tag));
	ck_assert_str_ne(pls(w, sip_msg_via(r1->msg)->branch),
			 pls(w, sip_msg_via(r2->msg)->branch));
	ck_assert_str_eq(pls(w, sip_msg_to(r1->msg)->uri.raw), "sip:2001@10.0.0.1");
	ck_assert_str_eq(pls(w, sip_msg_from(r1->msg)->uri.raw), "sip:2001@10.0.0.1");
	ck_assert(!sip_pl_isset(sip_msg_to(r1->msg)->tag));
	ck_assert_str_eq(hdr(w, r1->msg, SIP_HDR_CONTACT), "<sip:2001@10.0.0.10:5060>");
	ck_assert_str_eq(hdr(w, r1->msg, SIP_HDR_EXPIRES), "3600");
	ck_assert_str_eq(hdr(w, r1->msg, SIP_HDR_USER_AGENT), "SMT-i5343");
	ck_assert_str_eq(hdr(w, r1->msg, SIP_HDR_MAX_FORWARDS), "70");
	ck_assert_uint_eq(sip_msg_hdr_count(r1->msg, SIP_HDR_ALLOW), 12);
	ck_assert(sip_pl_isset(sip_msg_via(r1->msg)->rport));
	ck_assert_str_eq(pls(w, sip_msg_via(r1->msg)->host), "10.0.0.10");
	/* no credentials before the challenge; then the authorization name's, nc 1, qop=auth */
	ck_assert(!sip_pl_isset(sip_msg_hdr(r1->msg, SIP_HDR_AUTHORIZATION)));
	ck_assert_int_eq(sip_auth_resp_parse(&ar, az.p, az.l), 0);
	ck_assert_str_eq(ar.username, "2001auth");
	ck_assert_str_eq(ar.realm, REALM);
	ck_assert_str_eq(ar.uri, "sip:10.0.0.1");
	ck_assert_int_eq(ar.qop, SIP_AUTH_QOP_AUTH);
	ck_assert(ar.has_nc && ar.has_cnonce);
	ck_assert_uint_eq(ar.nc, 1);
	ck_assert_uint_eq(strlen(ar.cnonce), 16);
	/* and the digest verified against HA1 of the password, which never went out */
	ck_assert_int_eq(w->verified_ok, 1);
	ck_assert_int_eq(w->verified_bad, 0);
	ck_assert(!w->leaked);
	/* so the phone is registered for the 600 s granted in Contact;expires=600 */
	ck_assert(phone_registered(w->ph));
	ck_assert_int_eq(phone_granted_expiry(w->ph), 600 * S);
	ck_assert_uint_eq(phone_stats(w->ph).reg_ok, 1);
	ck_assert_uint_eq(phone_stats(w->ph).reg_failed, 0);
	/* and registering is not a user action on the ladder */
	ck_assert_uint_eq(w->notes->len, 0);
	world_free(w);
}
END_TEST

START_TEST(test_refresh_at_90_percent_of_granted)
{
	/* given a phone registered at 4 ms (200 OK arrival) for 600 s */
	struct world *w = registered_world(1100 * S);
	const struct sent *r3 = nth(w, "REGISTER ", 2), *r4 = nth(w, "REGISTER ", 3);
	struct sip_pl az = sip_msg_hdr(r4->msg, SIP_HDR_AUTHORIZATION);
	struct sip_auth_resp ar;

	/* then it refreshed at 4 ms + 540 s, challenged again, and again at 1080.008 s */
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 6);
	ck_assert_int_eq(r3->t, 540 * S + 4 * MS);
	ck_assert_int_eq(r4->t, 540 * S + 6 * MS);
	ck_assert_int_eq(nth(w, "REGISTER ", 4)->t, 1080 * S + 8 * MS);
	ck_assert_str_eq(hdr(w, r3->msg, SIP_HDR_CSEQ), "3 REGISTER");
	ck_assert_str_eq(hdr(w, r4->msg, SIP_HDR_CSEQ), "4 REGISTER");
	ck_assert(!sip_pl_isset(sip_msg_hdr(r3->msg, SIP_HDR_AUTHORIZATION)));
	ck_assert_str_eq(pls(w, sip_msg_callid(r3->msg)),
			 pls(w, sip_msg_callid(nth(w, "REGISTER ", 0)->msg)));
	/* a new nonce: its count starts at 1 again */
	ck_assert_int_eq(sip_auth_resp_parse(&ar, az.p, az.l), 0);
	ck_assert_uint_eq(ar.nc, 1);
	ck_assert_int_eq(w->verified_ok, 3);
	ck_assert_uint_eq(phone_stats(w->ph).reg_ok, 3);
	ck_assert(phone_registered(w->ph));
	world_free(w);
}
END_TEST

START_TEST(test_refresh_fixed_interval)
{
	/* given a profile that refreshes every 300 s whatever the server grants */
	struct world *w = world_new(1, false);

	w->cfg.refresh_granted = false;
	w->cfg.refresh_ns = 300 * S;
	w->cfg.expires_ns = 1800 * S;
	start(w);
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, 400 * S);

	/* then it asked for 1800 s, got 600 and refreshed 300 s after the 200 OK */
	ck_assert_str_eq(hdr(w, nth(w, "REGISTER ", 0)->msg, SIP_HDR_EXPIRES), "1800");
	ck_assert_int_eq(phone_granted_expiry(w->ph), 600 * S);
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 4);
	ck_assert_int_eq(nth(w, "REGISTER ", 2)->t, 300 * S + 4 * MS);
	world_free(w);
}
END_TEST

START_TEST(test_wrong_password_fails_without_retry)
{
	/* given a phone whose password is not the one the registrar knows */
	struct world *w = world_new(1, false);

	w->password = g_strdup("not-the-pw");
	w->cfg.password = w->password;
	start(w);

	/* when it registers and an hour passes */
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, 3600 * S);

	/* then the 401 to its credentials ended the attempt: one failure, no retry */
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 2);
	ck_assert_int_eq(w->verified_bad, 1);
	ck_assert_uint_eq(phone_stats(w->ph).reg_failed, 1);
	ck_assert_uint_eq(phone_stats(w->ph).reg_ok, 0);
	ck_assert(!phone_registered(w->ph));
	ck_assert_int_eq(phone_granted_expiry(w->ph), 0);
	ck_assert(!w->leaked);
	/* and the script may try again */
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, 3700 * S);
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 4);
	ck_assert_uint_eq(phone_stats(w->ph).reg_failed, 2);
	world_free(w);
}
END_TEST

START_TEST(test_silent_server_timer_f)
{
	/* given a registrar that never answers */
	struct world *w = world_new(1, false);
	static const int64_t expect_ms[] = { 0, 500, 1500, 3500, 7500, 11500, 15500, 19500,
					     23500, 27500, 31500 };

	w->reg = REG_SILENT;
	start(w);
	ck_assert_int_eq(phone_register(w->ph), 0);

	/* then the REGISTER is retransmitted (timer E) until timer F fires at 64*T1 = 32 s */
	sim_run(w->sim, 32 * S - 1);
	ck_assert_uint_eq(phone_stats(w->ph).reg_failed, 0);
	ck_assert_int_eq(phone_register(w->ph), EBUSY);
	sim_run(w->sim, 32 * S);
	ck_assert_uint_eq(phone_stats(w->ph).reg_failed, 1);
	sim_run(w->sim, 3600 * S);
	ck_assert_uint_eq(n_sent(w, "REGISTER "), G_N_ELEMENTS(expect_ms));
	for (unsigned i = 0; i < G_N_ELEMENTS(expect_ms); i++)
		ck_assert_int_eq(nth(w, "REGISTER ", i)->t, expect_ms[i] * MS);
	/* the same REGISTER each time (a retransmission, not a new attempt) */
	ck_assert_str_eq(hdr(w, nth(w, "REGISTER ", 10)->msg, SIP_HDR_CSEQ), "1 REGISTER");
	ck_assert(!phone_registered(w->ph));
	world_free(w);
}
END_TEST

START_TEST(test_unregister)
{
	/* given a registered phone */
	struct world *w = registered_world(10 * S);
	const struct sent *u1, *u2;

	/* when the script unregisters it */
	ck_assert_int_eq(phone_unregister(w->ph), 0);
	ck_assert_int_eq(phone_unregister(w->ph), EBUSY);
	sim_run(w->sim, 2000 * S);

	/* then REGISTER with Expires: 0 and the registered Contact, CSeq 3, challenged, CSeq 4 */
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 4);
	u1 = nth(w, "REGISTER ", 2);
	u2 = nth(w, "REGISTER ", 3);
	ck_assert_int_eq(u1->t, 10 * S);
	ck_assert_str_eq(hdr(w, u1->msg, SIP_HDR_EXPIRES), "0");
	ck_assert_str_eq(hdr(w, u2->msg, SIP_HDR_EXPIRES), "0");
	ck_assert_str_eq(hdr(w, u1->msg, SIP_HDR_CONTACT), "<sip:2001@10.0.0.10:5060>");
	ck_assert_str_eq(hdr(w, u1->msg, SIP_HDR_CSEQ), "3 REGISTER");
	ck_assert_str_eq(hdr(w, u2->msg, SIP_HDR_CSEQ), "4 REGISTER");
	ck_assert(sip_pl_isset(sip_msg_hdr(u2->msg, SIP_HDR_AUTHORIZATION)));
	/* and after its 200 the phone is not registered and the refresh at 540 s never came */
	ck_assert(!phone_registered(w->ph));
	ck_assert_uint_eq(phone_stats(w->ph).reg_ok, 2);
	world_free(w);
}
END_TEST

START_TEST(test_nat_keepalive)
{
	/* given a UDP phone with a 20 s CRLF keep-alive */
	struct world *w = world_new(1, false);
	unsigned n = 0;

	w->cfg.nat_keepalive_ns = 20 * S;
	start(w);
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, 61 * S);

	/* then every 20 s after the 200 OK (4 ms) a double CRLF went to the registrar */
	for (guint i = 0; i < w->sent->len; i++) {
		const struct sent *s = g_ptr_array_index(w->sent, i);
		gsize len;
		const char *d = g_bytes_get_data(s->bytes, &len);

		if (s->msg)
			continue;
		ck_assert_uint_eq(len, 4);
		ck_assert(memcmp(d, "\r\n\r\n", 4) == 0);
		ck_assert_uint_eq(s->dst.ip, IP_OS);
		ck_assert_uint_eq(s->dst.port, 5060);
		ck_assert_int_eq(s->t, (int64_t)(n + 1) * 20 * S + 4 * MS);
		n++;
	}
	ck_assert_uint_eq(n, 3);

	/* and none once unregistered */
	ck_assert_int_eq(phone_unregister(w->ph), 0);
	sim_run(w->sim, 200 * S);
	ck_assert_uint_eq(w->sent->len, 2 + 3 + 2);
	world_free(w);
}
END_TEST

START_TEST(test_contact_public_learnt_from_401)
{
	/* given a contact_public phone behind a NAT that the server sees as 203.0.113.5:40000 */
	struct world *w = world_new(1, false);
	const struct sent *inv;
	struct sip_sdp *sdp;

	w->nat = true;
	w->cfg.contact_public = true;
	start(w);
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, 10 * S);

	/* then the REGISTER answering the 401 already carries the learnt address */
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 2);
	ck_assert_str_eq(hdr(w, nth(w, "REGISTER ", 0)->msg, SIP_HDR_CONTACT),
			 "<sip:2001@10.0.0.10:5060>");
	ck_assert_str_eq(hdr(w, nth(w, "REGISTER ", 1)->msg, SIP_HDR_CONTACT),
			 "<sip:2001@203.0.113.5:40000>");
	/* (the Via keeps the phone's own address) */
	ck_assert_str_eq(pls(w, sip_msg_via(nth(w, "REGISTER ", 1)->msg)->host), "10.0.0.10");
	ck_assert(phone_registered(w->ph));
	ck_assert_int_eq(phone_granted_expiry(w->ph), 600 * S);

	/* and a call offers media on the public address too */
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);
	sim_run(w->sim, 11 * S);
	inv = nth(w, "INVITE ", 0);
	ck_assert_str_eq(hdr(w, inv->msg, SIP_HDR_CONTACT), "<sip:2001@203.0.113.5:40000>");
	sdp = sdp_of(inv->msg);
	ck_assert_str_eq(sdp->addr, "203.0.113.5");
	sip_sdp_free(sdp);
	world_free(w);
}
END_TEST

START_TEST(test_contact_public_reregisters_once)
{
	/* given a registrar that accepts without a challenge, behind the same NAT */
	struct world *w = world_new(1, false);

	w->nat = true;
	w->reg = REG_OPEN;
	w->cfg.contact_public = true;
	start(w);
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, 100 * S);

	/* then the private Contact was registered first, and the public one at once after it */
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 2);
	ck_assert_str_eq(hdr(w, nth(w, "REGISTER ", 0)->msg, SIP_HDR_CONTACT),
			 "<sip:2001@10.0.0.10:5060>");
	ck_assert_int_eq(nth(w, "REGISTER ", 1)->t, 2 * MS);
	ck_assert_str_eq(hdr(w, nth(w, "REGISTER ", 1)->msg, SIP_HDR_CONTACT),
			 "<sip:2001@203.0.113.5:40000>");
	ck_assert_str_eq(hdr(w, nth(w, "REGISTER ", 1)->msg, SIP_HDR_CSEQ), "2 REGISTER");
	ck_assert_uint_eq(phone_stats(w->ph).reg_ok, 2);
	world_free(w);
}
END_TEST

/* Streams: the phone's transport, the registrar's port, what Via and Contact say. */
struct stream_row {
	enum sim_net_proto proto;
	uint16_t port;
	const char *via;
	const char *contact;
};

static const struct stream_row stream_rows[] = {
	{ SIM_NET_TCP, 5060, "TCP", "<sip:2001@10.0.0.10:5060;transport=tcp>" },
	{ SIM_NET_TLS, 5061, "TLS", "<sip:2001@10.0.0.10:5060;transport=tls>" },
};

START_TEST(test_register_and_call_over_streams)
{
	/* given a TCP (TLS) phone and a server listening on TCP 5060 and TLS 5061 */
	const struct stream_row *row = &stream_rows[_i];
	struct world *w = world_new(1, true);
	const struct sent *r1;

	w->cfg.transport = row->proto;
	w->cfg.registrar.port = row->port;
	w->inv = INV_RING_ANSWER;
	start(w);
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, 10 * S);

	/* then both REGISTERs went over the stream with its Via transport and Contact parameter */
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 2);
	r1 = nth(w, "REGISTER ", 0);
	ck_assert_int_eq(r1->proto, row->proto);
	ck_assert_int_eq(nth(w, "REGISTER ", 1)->proto, row->proto);
	ck_assert_uint_eq(r1->dst.port, row->port);
	ck_assert_str_eq(pls(w, sip_msg_via(r1->msg)->transport), row->via);
	ck_assert_str_eq(hdr(w, r1->msg, SIP_HDR_CONTACT), row->contact);
	ck_assert(phone_registered(w->ph));

	/* and a call's INVITE, ACK and BYE take the same way */
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);
	sim_run(w->sim, 15 * S);
	ck_assert_int_eq(phone_hang_up(w->ph, 0), 0);
	sim_run(w->sim, 20 * S);
	ck_assert_int_eq(nth(w, "INVITE ", 0)->proto, row->proto);
	ck_assert_uint_eq(n_sent(w, "ACK "), 1);
	ck_assert_int_eq(nth(w, "ACK ", 0)->proto, row->proto);
	ck_assert_int_eq(nth(w, "BYE ", 0)->proto, row->proto);
	ck_assert_int_eq(w->acks, 1);
	ck_assert_int_eq(w->byes, 1);
	ck_assert_uint_eq(phone_stats(w->ph).calls_answered, 1);
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	world_free(w);
}
END_TEST

/* The first REGISTER's bytes in a fresh world with SEED. */
static GBytes *first_register(uint64_t seed)
{
	struct world *w = world_new(seed, false);
	GBytes *b;

	start(w);
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, S);
	b = g_bytes_ref(nth(w, "REGISTER ", 1)->bytes);
	world_free(w);
	return b;
}

START_TEST(test_identifiers_from_the_seed)
{
	/* given two runs with seed 7 and one with seed 8 */
	GBytes *a = first_register(7), *b = first_register(7), *c = first_register(8);

	/* then the same seed gives the same bytes (Call-ID, tag, branch, cnonce), another not */
	ck_assert(g_bytes_equal(a, b));
	ck_assert(!g_bytes_equal(a, c));
	g_bytes_unref(a);
	g_bytes_unref(b);
	g_bytes_unref(c);
}
END_TEST

START_TEST(test_invalid_config)
{
	struct world *w = world_new(1, false);
	struct phone_cfg cfg = w->cfg;

	/* a line count of 0, too many lines, an unknown codec, no Tel: no phone */
	cfg.lines = 0;
	ck_assert_ptr_null(phone_new(w->sim, w->net, &cfg));
	cfg.lines = PHONE_MAX_LINES + 1;
	ck_assert_ptr_null(phone_new(w->sim, w->net, &cfg));
	cfg = w->cfg;
	cfg.codecs[0] = "speex-ultra";
	ck_assert_ptr_null(phone_new(w->sim, w->net, &cfg));
	cfg = w->cfg;
	cfg.tel = NULL;
	ck_assert_ptr_null(phone_new(w->sim, w->net, &cfg));
	/* a good one, then the same name again (and the same port) */
	start(w);
	ck_assert_str_eq(phone_name(w->ph), "phone1");
	ck_assert_ptr_nonnull(sim_entity_find(w->sim, "phone1"));
	cfg = w->cfg;
	cfg.port = 5070;
	ck_assert_ptr_null(phone_new(w->sim, w->net, &cfg));   /* the name is taken */
	cfg = w->cfg;
	cfg.name = "phone1b";
	ck_assert_ptr_null(phone_new(w->sim, w->net, &cfg));   /* port 5060 is taken */
	ck_assert_ptr_null(sim_entity_find(w->sim, "phone1b"));
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- outgoing calls */

START_TEST(test_dial_invite_and_offer)
{
	/* given a 2-codec-plus-G.729 phone with RFC 2833 DTMF */
	struct world *w = world_new(1, false);
	const struct sent *inv;
	struct sip_sdp *sdp;

	w->cfg.codecs[0] = "G.711a";
	w->cfg.codecs[1] = "G.711u";
	w->cfg.codecs[2] = "G.729";
	w->cfg.n_codecs = 3;
	w->cfg.dtmf_rfc2833 = true;
	w->inv = INV_RING;
	start(w);

	/* when it dials 2002 */
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);
	sim_run(w->sim, S);

	/* then one INVITE with the whole number, our AOR, no To tag, CSeq 1 */
	ck_assert_uint_eq(n_sent(w, "INVITE "), 1);
	inv = nth(w, "INVITE ", 0);
	ck_assert_int_eq(inv->t, 0);
	ck_assert_str_eq(inv->line, "INVITE sip:2002@10.0.0.1 SIP/2.0");
	ck_assert_str_eq(pls(w, sip_msg_from(inv->msg)->uri.raw), "sip:2001@10.0.0.1");
	ck_assert(sip_pl_isset(sip_msg_from(inv->msg)->tag));
	ck_assert_str_eq(pls(w, sip_msg_to(inv->msg)->uri.raw), "sip:2002@10.0.0.1");
	ck_assert(!sip_pl_isset(sip_msg_to(inv->msg)->tag));
	ck_assert_str_eq(hdr(w, inv->msg, SIP_HDR_CSEQ), "1 INVITE");
	ck_assert_str_eq(hdr(w, inv->msg, SIP_HDR_CONTACT), "<sip:2001@10.0.0.10:5060>");
	ck_assert_str_eq(hdr(w, inv->msg, SIP_HDR_CONTENT_TYPE), "application/sdp");
	ck_assert_str_eq(hdr(w, inv->msg, SIP_HDR_SUPPORTED), "replaces");
	ck_assert_str_eq(hdr(w, inv->msg, SIP_HDR_USER_AGENT), "SMT-i5343");
	/* and an offer in profile order, telephone-event last, on our IP and line 1's port */
	sdp = sdp_of(inv->msg);
	ck_assert_str_eq(sdp->addr, "10.0.0.10");
	ck_assert_uint_eq(sdp->n_media, 1);
	ck_assert_uint_eq(sdp->media[0].port, 10000);
	ck_assert_uint_eq(sdp->media[0].n_codecs, 4);
	ck_assert_int_eq(sdp->media[0].codecs[0].pt, 8);
	ck_assert_int_eq(sdp->media[0].codecs[1].pt, 0);
	ck_assert_int_eq(sdp->media[0].codecs[2].pt, 18);
	ck_assert_str_eq(sdp->media[0].codecs[3].name, "telephone-event");
	sip_sdp_free(sdp);
	/* and the action note, the early dialog's line in use, the counters */
	ck_assert_uint_eq(w->notes->len, 1);
	ck_assert_str_eq(g_ptr_array_index(w->notes, 0), "dial 2002");
	ck_assert_uint_eq(phone_active_calls(w->ph), 1);
	ck_assert_uint_eq(phone_stats(w->ph).calls_placed, 1);
	world_free(w);
}
END_TEST

START_TEST(test_dial_answered_ack_then_bye)
{
	/* given a callee that rings at once and answers one second later */
	struct world *w = world_new(1, false);
	const struct sent *inv, *ack, *bye;

	w->inv = INV_RING_ANSWER;
	start(w);
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);
	sim_run(w->sim, 5 * S);

	/* then the 200 sent at 1.001 s is ACKed on arrival (1.002 s), to the callee's Contact */
	ck_assert_uint_eq(n_sent(w, "ACK "), 1);
	inv = nth(w, "INVITE ", 0);
	ack = nth(w, "ACK ", 0);
	ck_assert_int_eq(ack->t, S + 2 * MS);
	ck_assert_str_eq(ack->line, "ACK sip:os@10.0.0.1:5060 SIP/2.0");
	ck_assert_str_eq(hdr(w, ack->msg, SIP_HDR_CSEQ), "1 ACK");
	ck_assert_str_eq(pls(w, sip_msg_callid(ack->msg)), pls(w, sip_msg_callid(inv->msg)));
	ck_assert_str_eq(pls(w, sip_msg_to(ack->msg)->tag), "ostag");
	ck_assert_str_ne(pls(w, sip_msg_via(ack->msg)->branch),
			 pls(w, sip_msg_via(inv->msg)->branch));
	/* and the callee saw it, so it stopped resending its 200 */
	ck_assert_int_eq(w->acks, 1);
	ck_assert_int_eq(w->ack_t, S + 3 * MS);
	ck_assert(!sip_dialog_2xx_pending(w->uas_dlg));
	ck_assert_uint_eq(phone_stats(w->ph).calls_answered, 1);
	ck_assert_uint_eq(phone_active_calls(w->ph), 1);

	/* when the user hangs up at 5 s */
	ck_assert_int_eq(phone_hang_up(w->ph, 0), 0);
	sim_run(w->sim, 10 * S);

	/* then BYE in the dialog with CSeq 2, answered, and the line is free */
	ck_assert_uint_eq(n_sent(w, "BYE "), 1);
	bye = nth(w, "BYE ", 0);
	ck_assert_int_eq(bye->t, 5 * S);
	ck_assert_str_eq(bye->line, "BYE sip:os@10.0.0.1:5060 SIP/2.0");
	ck_assert_str_eq(hdr(w, bye->msg, SIP_HDR_CSEQ), "2 BYE");
	ck_assert_str_eq(pls(w, sip_msg_from(bye->msg)->tag), pls(w, sip_msg_from(inv->msg)->tag));
	ck_assert_int_eq(w->byes, 1);
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	ck_assert_uint_eq(w->notes->len, 2);
	ck_assert_str_eq(g_ptr_array_index(w->notes, 1), "hang up");
	ck_assert_int_eq(phone_hang_up(w->ph, 0), ENOENT);
	world_free(w);
}
END_TEST

START_TEST(test_lost_ack_resent_for_2xx_retransmission)
{
	/* given an answered call whose first ACK is lost */
	struct world *w = world_new(1, false);

	w->inv = INV_RING_ANSWER;
	w->drop_prefix = "ACK ";
	w->drop_src = IP_PH;
	w->drop_n = 1;
	start(w);
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);
	sim_run(w->sim, 10 * S);

	/* then the callee resent its 200 after T1 (1.501 s) and the phone ACKed it again on
	 * arrival (13.2.2.4), the same ACK */
	ck_assert_uint_eq(n_sent(w, "ACK "), 2);
	ck_assert_int_eq(nth(w, "ACK ", 0)->t, S + 2 * MS);
	ck_assert_int_eq(nth(w, "ACK ", 1)->t, S + 502 * MS);
	ck_assert(g_bytes_equal(nth(w, "ACK ", 0)->bytes, nth(w, "ACK ", 1)->bytes));
	ck_assert_int_eq(w->acks, 1);
	ck_assert_int_eq(w->ack_t, S + 503 * MS);
	ck_assert(!sip_dialog_2xx_pending(w->uas_dlg));
	ck_assert_uint_eq(phone_stats(w->ph).calls_answered, 1);
	world_free(w);
}
END_TEST

START_TEST(test_dial_cancelled_while_ringing)
{
	/* given a callee that rings */
	struct world *w = world_new(1, false);
	const struct sent *inv, *cancel, *ack;

	w->inv = INV_RING;
	start(w);
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);
	sim_run(w->sim, 2 * S);

	/* when the user hangs up at 2 s */
	ck_assert_int_eq(phone_hang_up(w->ph, 1), 0);
	ck_assert_int_eq(phone_hang_up(w->ph, 1), ENOENT);
	sim_run(w->sim, 40 * S);

	/* then CANCEL with the INVITE's branch and CSeq number; the 487 ACKed by the transaction */
	inv = nth(w, "INVITE ", 0);
	cancel = nth(w, "CANCEL ", 0);
	ck_assert_uint_eq(n_sent(w, "CANCEL "), 1);
	ck_assert_int_eq(cancel->t, 2 * S);
	ck_assert_str_eq(cancel->line, "CANCEL sip:2002@10.0.0.1 SIP/2.0");
	ck_assert_str_eq(hdr(w, cancel->msg, SIP_HDR_CSEQ), "1 CANCEL");
	ck_assert_str_eq(pls(w, sip_msg_via(cancel->msg)->branch),
			 pls(w, sip_msg_via(inv->msg)->branch));
	ck_assert_int_eq(w->cancels, 1);
	ck_assert_uint_eq(n_sent(w, "ACK "), 1);
	ack = nth(w, "ACK ", 0);
	ck_assert_int_eq(ack->t, 2 * S + 2 * MS);
	ck_assert_str_eq(hdr(w, ack->msg, SIP_HDR_CSEQ), "1 ACK");
	ck_assert_str_eq(pls(w, sip_msg_via(ack->msg)->branch), pls(w, sip_msg_via(inv->msg)->branch));
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	ck_assert_uint_eq(phone_stats(w->ph).calls_failed, 1);
	ck_assert_uint_eq(phone_stats(w->ph).calls_answered, 0);
	world_free(w);
}
END_TEST

START_TEST(test_hang_up_before_provisional_waits)
{
	/* given a call just dialled (no answer yet) */
	struct world *w = world_new(1, false);

	w->inv = INV_RING;
	start(w);
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);

	/* when the user hangs up at once */
	ck_assert_int_eq(phone_hang_up(w->ph, 0), 0);

	/* then nothing goes out before the 180 (RFC 3261 9.1), the CANCEL on its arrival */
	ck_assert_uint_eq(n_sent(w, "CANCEL "), 0);
	sim_run(w->sim, 10 * S);
	ck_assert_uint_eq(n_sent(w, "CANCEL "), 1);
	ck_assert_int_eq(nth(w, "CANCEL ", 0)->t, 2 * MS);
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	ck_assert_uint_eq(phone_stats(w->ph).calls_failed, 1);
	world_free(w);
}
END_TEST

START_TEST(test_dial_busy)
{
	/* given a busy callee */
	struct world *w = world_new(1, false);

	w->inv = INV_BUSY;
	start(w);
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);
	sim_run(w->sim, 40 * S);

	/* then the 486 ended the call; its ACK came from the transaction, once */
	ck_assert_uint_eq(n_sent(w, "ACK "), 1);
	ck_assert_int_eq(nth(w, "ACK ", 0)->t, 2 * MS);
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	ck_assert_uint_eq(phone_stats(w->ph).calls_failed, 1);
	ck_assert_uint_eq(phone_stats(w->ph).calls_placed, 1);
	world_free(w);
}
END_TEST

START_TEST(test_action_errors)
{
	/* given an idle one-line phone */
	struct world *w = world_new(1, false);

	w->inv = INV_RING;
	start(w);

	/* then actions that do not apply are refused and publish nothing */
	ck_assert_int_eq(phone_dial(w->ph, "", 0), EINVAL);
	ck_assert_int_eq(phone_dial(w->ph, "20a2", 0), EINVAL);
	ck_assert_int_eq(phone_dial(w->ph, NULL, 0), EINVAL);
	ck_assert_int_eq(phone_dial(w->ph, "2002", 2), EINVAL);
	ck_assert_int_eq(phone_answer(w->ph, 0), ENOENT);
	ck_assert_int_eq(phone_reject(w->ph, 0, 486), ENOENT);
	ck_assert_int_eq(phone_reject(w->ph, 0, 200), EINVAL);
	ck_assert_int_eq(phone_hang_up(w->ph, 0), ENOENT);
	ck_assert_int_eq(phone_hang_up(w->ph, 3), EINVAL);
	ck_assert_uint_eq(w->notes->len, 0);
	ck_assert_uint_eq(w->sent->len, 0);
	/* and a second call on the single line is busy */
	ck_assert_int_eq(phone_dial(w->ph, "*46#", 0), 0);
	ck_assert_int_eq(phone_dial(w->ph, "2003", 0), EBUSY);
	ck_assert_int_eq(phone_dial(w->ph, "2003", 1), EBUSY);
	ck_assert_uint_eq(w->notes->len, 1);
	ck_assert_str_eq(g_ptr_array_index(w->notes, 0), "dial *46#");
	ck_assert_str_eq(nth(w, "INVITE ", 0)->line, "INVITE sip:*46%23@10.0.0.1 SIP/2.0");
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- incoming calls */

START_TEST(test_incoming_ring_answer_bye)
{
	/* given a phone and a call to it offering PCMA then PCMU */
	struct world *w = world_new(1, false);
	const struct sent *r180, *r200;
	struct sip_sdp *sdp;

	start(w);
	os_call(w, "call-1@10.0.0.1");
	sim_run(w->sim, 2 * S);

	/* then it rings: 180 at 1 ms with a To tag and its Contact */
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 180"), 1);
	r180 = nth(w, "SIP/2.0 180", 0);
	ck_assert_int_eq(r180->t, MS);
	ck_assert(sip_pl_isset(sip_msg_to(r180->msg)->tag));
	ck_assert_str_eq(hdr(w, r180->msg, SIP_HDR_CONTACT), "<sip:2001@10.0.0.10:5060>");
	ck_assert_uint_eq(phone_stats(w->ph).calls_received, 1);
	ck_assert_uint_eq(phone_active_calls(w->ph), 1);
	ck_assert_int_eq(phone_hang_up(w->ph, 0), ENOENT);

	/* when the user answers at 2 s */
	ck_assert_int_eq(phone_answer(w->ph, 0), 0);
	sim_run(w->sim, 10 * S);

	/* then 200 with the same tag and an answer: PCMU (the only common codec), our IP, 10000 */
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 200"), 1);
	r200 = nth(w, "SIP/2.0 200", 0);
	ck_assert_int_eq(r200->t, 2 * S);
	ck_assert_str_eq(pls(w, sip_msg_to(r200->msg)->tag), pls(w, sip_msg_to(r180->msg)->tag));
	ck_assert_str_eq(hdr(w, r200->msg, SIP_HDR_CONTACT), "<sip:2001@10.0.0.10:5060>");
	sdp = sdp_of(r200->msg);
	ck_assert_str_eq(sdp->addr, "10.0.0.10");
	ck_assert_uint_eq(sdp->media[0].port, 10000);
	ck_assert_uint_eq(sdp->media[0].n_codecs, 1);
	ck_assert_int_eq(sdp->media[0].codecs[0].pt, 0);
	sip_sdp_free(sdp);
	ck_assert_str_eq(g_ptr_array_index(w->notes, 0), "answer");
	/* and the caller's ACK stopped the 2xx retransmission (nothing more in 8 s) */
	ck_assert_uint_eq(n_uac(w, SIP_METHOD_INVITE, 200), 1);

	/* when the caller hangs up at 10 s */
	os_in_dialog(w, SIP_METHOD_BYE, NULL);
	sim_run(w->sim, 20 * S);

	/* then 200 to the BYE and the line is free */
	ck_assert_uint_eq(n_uac(w, SIP_METHOD_BYE, 200), 1);
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 200"), 2);
	world_free(w);
}
END_TEST

START_TEST(test_incoming_hang_up_waits_for_ack)
{
	/* given a ringing phone */
	struct world *w = world_new(1, false);

	start(w);
	os_call(w, "call-1@10.0.0.1");
	sim_run(w->sim, 2 * S);

	/* when the user answers and hangs up at once (2 s) */
	ck_assert_int_eq(phone_answer(w->ph, 0), 0);
	ck_assert_int_eq(phone_hang_up(w->ph, 0), 0);
	ck_assert_int_eq(phone_hang_up(w->ph, 0), ENOENT);

	/* then the BYE waits for the ACK of the 200 (RFC 3261 15), which arrives at 2.002 s */
	ck_assert_uint_eq(n_sent(w, "BYE "), 0);
	sim_run(w->sim, 10 * S);
	ck_assert_uint_eq(n_sent(w, "BYE "), 1);
	ck_assert_int_eq(nth(w, "BYE ", 0)->t, 2 * S + 2 * MS);
	ck_assert_str_eq(nth(w, "BYE ", 0)->line, "BYE sip:2002@10.0.0.1:5060 SIP/2.0");
	ck_assert_str_eq(hdr(w, nth(w, "BYE ", 0)->msg, SIP_HDR_CSEQ), "1 BYE");
	ck_assert_uint_eq(n_uac(w, SIP_METHOD_INVITE, 200), 1);
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	world_free(w);
}
END_TEST

START_TEST(test_incoming_no_ack_gives_up_with_bye)
{
	/* given an answered call whose caller never gets its ACK through */
	struct world *w = world_new(1, false);
	static const int64_t expect_ms[] = { 2000, 2500, 3500, 5500, 9500, 13500, 17500, 21500,
					     25500, 29500, 33500 };

	w->drop_prefix = "ACK ";
	w->drop_src = IP_OS;
	w->drop_n = 1000;
	start(w);
	os_call(w, "call-1@10.0.0.1");
	sim_run(w->sim, 2 * S);
	ck_assert_int_eq(phone_answer(w->ph, 0), 0);
	sim_run(w->sim, 60 * S);

	/* then the 200 went out at 2 s and again T1, 2T1 ... capped at T2, and 64*T1 after the
	 * first the phone gave up with BYE (13.3.1.4) */
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 200"), G_N_ELEMENTS(expect_ms));
	for (unsigned i = 0; i < G_N_ELEMENTS(expect_ms); i++)
		ck_assert_int_eq(nth(w, "SIP/2.0 200", i)->t, expect_ms[i] * MS);
	ck_assert_uint_eq(n_sent(w, "BYE "), 1);
	ck_assert_int_eq(nth(w, "BYE ", 0)->t, 34 * S);
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	world_free(w);
}
END_TEST

START_TEST(test_incoming_busy_when_lines_in_use)
{
	/* given a one-line phone ringing with a first call */
	struct world *w = world_new(1, false);
	const struct sent *busy;

	start(w);
	os_call(w, "call-1@10.0.0.1");
	sim_run(w->sim, S);

	/* when a second call arrives */
	os_call(w, "call-2@10.0.0.1");
	sim_run(w->sim, 2 * S);

	/* then 486 Busy Here with a To tag at 1.001 s; the first still rings */
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 486"), 1);
	busy = nth(w, "SIP/2.0 486", 0);
	ck_assert_int_eq(busy->t, S + MS);
	ck_assert_str_eq(busy->line, "SIP/2.0 486 Busy Here");
	ck_assert_str_eq(pls(w, sip_msg_callid(busy->msg)), "call-2@10.0.0.1");
	ck_assert(sip_pl_isset(sip_msg_to(busy->msg)->tag));
	ck_assert_uint_eq(phone_stats(w->ph).calls_received, 1);
	ck_assert_uint_eq(phone_active_calls(w->ph), 1);
	world_free(w);
}
END_TEST

START_TEST(test_incoming_two_lines)
{
	/* given a two-line phone */
	struct world *w = world_new(1, false);
	struct sip_sdp *sdp;

	w->cfg.lines = 2;
	start(w);
	os_call(w, "call-1@10.0.0.1");
	sim_run(w->sim, S);
	os_call(w, "call-2@10.0.0.1");
	sim_run(w->sim, 2 * S);

	/* then both ring; answering line 2 offers line 2's media port (10002) */
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 180"), 2);
	ck_assert_uint_eq(phone_active_calls(w->ph), 2);
	ck_assert_int_eq(phone_answer(w->ph, 2), 0);
	sim_run(w->sim, 3 * S);
	sdp = sdp_of(nth(w, "SIP/2.0 200", 0)->msg);
	ck_assert_uint_eq(sdp->media[0].port, 10002);
	ck_assert_str_eq(pls(w, sip_msg_callid(nth(w, "SIP/2.0 200", 0)->msg)), "call-2@10.0.0.1");
	sip_sdp_free(sdp);
	world_free(w);
}
END_TEST

START_TEST(test_incoming_cancelled)
{
	/* given a ringing phone */
	struct world *w = world_new(1, false);
	const struct sent *ok, *r487;

	start(w);
	os_call(w, "call-1@10.0.0.1");
	sim_run(w->sim, S);

	/* when the caller cancels at 1 s */
	os_send(w, sip_build_cancel(sip_ctrans_request(w->uac_ct)), false);
	sim_run(w->sim, 40 * S);

	/* then 200 to the CANCEL and 487 to the INVITE, both at 1.001 s, with the 180's tag */
	ck_assert_uint_eq(n_uac(w, SIP_METHOD_CANCEL, 200), 1);
	ck_assert_uint_eq(n_uac(w, SIP_METHOD_INVITE, 487), 1);
	ok = nth(w, "SIP/2.0 200", 0);
	r487 = nth(w, "SIP/2.0 487", 0);
	ck_assert_int_eq(ok->t, S + MS);
	ck_assert_int_eq(r487->t, S + MS);
	ck_assert_str_eq(r487->line, "SIP/2.0 487 Request Terminated");
	ck_assert_str_eq(pls(w, sip_msg_to(r487->msg)->tag),
			 pls(w, sip_msg_to(nth(w, "SIP/2.0 180", 0)->msg)->tag));
	/* and the caller's ACK for the 487 ended the retransmissions: sent once */
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 487"), 1);
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	ck_assert_int_eq(phone_answer(w->ph, 0), ENOENT);
	world_free(w);
}
END_TEST

START_TEST(test_incoming_rejected)
{
	/* given a ringing phone */
	struct world *w = world_new(1, false);

	start(w);
	os_call(w, "call-1@10.0.0.1");
	sim_run(w->sim, S);

	/* when the user rejects it with 603 */
	ck_assert_int_eq(phone_reject(w->ph, 0, 603), 0);
	sim_run(w->sim, 40 * S);

	/* then 603 Decline went out at 1 s, once; the note says so */
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 603 Decline"), 1);
	ck_assert_int_eq(nth(w, "SIP/2.0 603", 0)->t, S);
	ck_assert_uint_eq(n_uac(w, SIP_METHOD_INVITE, 603), 1);
	ck_assert_str_eq(g_ptr_array_index(w->notes, 0), "reject 603");
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);

	/* and the default code is 486 */
	os_call(w, "call-2@10.0.0.1");
	sim_run(w->sim, 41 * S);
	ck_assert_int_eq(phone_reject(w->ph, 1, 0), 0);
	sim_run(w->sim, 42 * S);
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 486"), 1);
	ck_assert_str_eq(g_ptr_array_index(w->notes, 1), "reject 486");
	world_free(w);
}
END_TEST

START_TEST(test_incoming_no_common_codec)
{
	/* given a call offering only G.729 to a PCMU phone */
	static const char *const g729[] = { "G.729" };
	struct world *w = world_new(1, false);

	w->offer_codecs = g729;
	w->n_offer_codecs = 1;
	start(w);
	os_call(w, "call-1@10.0.0.1");
	sim_run(w->sim, S);

	/* when the user answers */
	ck_assert_int_eq(phone_answer(w->ph, 0), 0);
	sim_run(w->sim, 2 * S);

	/* then 488 instead of 200, and the line is free */
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 488 Not Acceptable Here"), 1);
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 200"), 0);
	ck_assert_uint_eq(phone_active_calls(w->ph), 0);
	world_free(w);
}
END_TEST

START_TEST(test_incoming_reinvite_and_options)
{
	/* given an answered incoming call */
	struct world *w = world_new(1, false);
	static const char *const pcmu[] = { "PCMU" };
	struct sip_sdp_profile prof = { .user = "os", .sess_id = 5, .sess_version = 2,
					.addr = "10.0.0.1", .audio_port = 20000, .codecs = pcmu,
					.n_codecs = 1, .dir = SIP_SDP_SENDONLY };
	struct sip_sdp *hold = NULL, *ans;
	struct sip_build *b;
	char branch[64];
	GBytes *body;

	start(w);
	os_call(w, "call-1@10.0.0.1");
	sim_run(w->sim, S);
	ck_assert_int_eq(phone_answer(w->ph, 0), 0);
	sim_run(w->sim, 2 * S);

	/* when the caller puts it on hold with a re-INVITE (sendonly) */
	ck_assert_int_eq(sip_sdp_offer(&hold, &prof), 0);
	ck_assert_int_eq(sip_sdp_build_bytes(hold, &body), 0);
	sip_sdp_free(hold);
	os_in_dialog(w, SIP_METHOD_INVITE, body);
	g_bytes_unref(body);
	sim_run(w->sim, 3 * S);

	/* then 200 with a recvonly answer, o= version 2, and the call goes on */
	ck_assert_uint_eq(n_uac(w, SIP_METHOD_INVITE, 200), 2);
	ans = sdp_of(nth(w, "SIP/2.0 200", 1)->msg);
	ck_assert_int_eq(sip_sdp_media_dir(ans, 0), SIP_SDP_RECVONLY);
	ck_assert_uint_eq(ans->sess_version, 2);
	sip_sdp_free(ans);
	ck_assert_uint_eq(phone_active_calls(w->ph), 1);

	/* and OPTIONS gets 200, an unknown method 501 */
	b = sip_build_request(SIP_METHOD_OPTIONS, NULL, "sip:2001@10.0.0.10:5060");
	next_branch(w, branch, sizeof branch);
	sip_build_via(b, "UDP", "10.0.0.1", 5060, branch, false);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, NULL, "sip:os@10.0.0.1", "opt");
	sip_build_addr(b, SIP_HDR_TO, NULL, "sip:2001@10.0.0.1", NULL);
	sip_build_hdr(b, SIP_HDR_CALL_ID, "opt-1");
	sip_build_cseq(b, 1, SIP_METHOD_OPTIONS, NULL);
	os_send(w, sip_build_finish(b, NULL, NULL, 0), false);
	b = sip_build_request(SIP_METHOD_OTHER, "FOO", "sip:2001@10.0.0.10:5060");
	next_branch(w, branch, sizeof branch);
	sip_build_via(b, "UDP", "10.0.0.1", 5060, branch, false);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, NULL, "sip:os@10.0.0.1", "foo");
	sip_build_addr(b, SIP_HDR_TO, NULL, "sip:2001@10.0.0.1", NULL);
	sip_build_hdr(b, SIP_HDR_CALL_ID, "foo-1");
	sip_build_cseq(b, 1, SIP_METHOD_OTHER, "FOO");
	os_send(w, sip_build_finish(b, NULL, NULL, 0), false);
	sim_run(w->sim, 4 * S);
	ck_assert_uint_eq(n_uac(w, SIP_METHOD_OPTIONS, 200), 1);
	ck_assert_uint_eq(n_sent(w, "SIP/2.0 501 Not Implemented"), 1);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- life cycle */

START_TEST(test_free_mid_everything)
{
	/* given a two-line phone with a refresh pending, a keep-alive timer, a ringing call in, a
	 * call ringing out and a REGISTER in flight */
	struct world *w = world_new(1, false);

	w->cfg.lines = 2;
	w->cfg.nat_keepalive_ns = 15 * S;
	w->inv = INV_RING;
	start(w);
	ck_assert_int_eq(phone_register(w->ph), 0);
	sim_run(w->sim, 10 * S);
	os_call(w, "call-1@10.0.0.1");
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);
	sim_run(w->sim, 11 * S);
	ck_assert_uint_eq(phone_active_calls(w->ph), 2);
	ck_assert_int_eq(phone_register(w->ph), 0);

	/* when it is freed */
	phone_free(w->ph);
	w->ph = NULL;

	/* then its name is gone and the world runs on without it (AddressSanitizer watches) */
	ck_assert_ptr_null(sim_entity_find(w->sim, "phone1"));
	sim_run(w->sim, 2000 * S);
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 3);
	world_free(w);
}
END_TEST

/* An event that frees the phone from inside the kernel's dispatch. */
static void free_phone_cb(struct sim *sim, void *arg)
{
	struct world *w = arg;

	phone_free(w->ph);
	/* the kernel defers the destruction to the end of this event */
	ck_assert_ptr_nonnull(sim_entity_find(sim, "phone1"));
	w->ph = NULL;
}

START_TEST(test_free_inside_an_event)
{
	/* given a registered phone in a call that answered */
	struct world *w = registered_world(10 * S);

	w->inv = INV_RING_ANSWER;
	ck_assert_int_eq(phone_dial(w->ph, "2002", 0), 0);
	sim_run(w->sim, 12 * S);

	/* when an event frees it */
	sim_schedule(w->sim, S, free_phone_cb, w);
	sim_run(w->sim, 14 * S);

	/* then it is gone after that event, and its refresh at 540 s never comes */
	ck_assert_ptr_null(sim_entity_find(w->sim, "phone1"));
	sim_run(w->sim, 1000 * S);
	ck_assert_uint_eq(n_sent(w, "REGISTER "), 2);
	ck_assert_uint_eq(n_sent(w, "BYE "), 0);
	world_free(w);
}
END_TEST

static Suite *phone_suite(void)
{
	Suite *s = suite_create("phone");
	TCase *tc = tcase_create("register");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_register_digest_sequence);
	tcase_add_test(tc, test_refresh_at_90_percent_of_granted);
	tcase_add_test(tc, test_refresh_fixed_interval);
	tcase_add_test(tc, test_wrong_password_fails_without_retry);
	tcase_add_test(tc, test_silent_server_timer_f);
	tcase_add_test(tc, test_unregister);
	tcase_add_test(tc, test_nat_keepalive);
	tcase_add_test(tc, test_contact_public_learnt_from_401);
	tcase_add_test(tc, test_contact_public_reregisters_once);
	tcase_add_loop_test(tc, test_register_and_call_over_streams, 0, G_N_ELEMENTS(stream_rows));
	tcase_add_test(tc, test_identifiers_from_the_seed);
	tcase_add_test(tc, test_invalid_config);
	suite_add_tcase(s, tc);
	tc = tcase_create("dial");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dial_invite_and_offer);
	tcase_add_test(tc, test_dial_answered_ack_then_bye);
	tcase_add_test(tc, test_lost_ack_resent_for_2xx_retransmission);
	tcase_add_test(tc, test_dial_cancelled_while_ringing);
	tcase_add_test(tc, test_hang_up_before_provisional_waits);
	tcase_add_test(tc, test_dial_busy);
	tcase_add_test(tc, test_action_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("incoming");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_incoming_ring_answer_bye);
	tcase_add_test(tc, test_incoming_hang_up_waits_for_ack);
	tcase_add_test(tc, test_incoming_no_ack_gives_up_with_bye);
	tcase_add_test(tc, test_incoming_busy_when_lines_in_use);
	tcase_add_test(tc, test_incoming_two_lines);
	tcase_add_test(tc, test_incoming_cancelled);
	tcase_add_test(tc, test_incoming_rejected);
	tcase_add_test(tc, test_incoming_no_common_codec);
	tcase_add_test(tc, test_incoming_reinvite_and_options);
	suite_add_tcase(s, tc);
	tc = tcase_create("lifecycle");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_free_mid_everything);
	tcase_add_test(tc, test_free_inside_an_event);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(phone_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
