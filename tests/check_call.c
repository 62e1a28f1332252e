/*
 * check_call.c - Check tests for the OfficeServ's call control (models/officeserv/call.c and
 * media.c): the B2BUA ladders of basic, busy, unregistered, forwarded, cancelled, refused and
 * timed-out calls, the routing answers (404, 484, 403, 480 for feature codes), the media path
 * (direct RTP, MGI for digital phones and trunks, MGI transcoding, MPS for public phones) with
 * its pool levels and RTP notes, and the TDM signals of digital phones and an ISDN trunk.
 *
 * The world: the server at 10.0.0.1 (MGI at 10.0.0.2, public MP 203.0.113.1) on 10.0.0.0/24,
 * raw SIP user agents written here on their own hosts (SIPP1..3 on the LAN, SIPP4 and NATP
 * outside it, ROGUE an unregistered host), a digital phone DGP (3001) and an ISDN trunk PRI
 * (access code 9, two B channels). The agents register through the real registrar (REGISTER,
 * 401, REGISTER with digest, 200) and then speak plain RFC 3261: they ring (180) on INVITE,
 * answer or refuse when the test says, ACK 2xx, answer BYE and CANCEL.
 * Every datagram sent is collected as "SRC>DST label" (label = method or status code), so the
 * ladders are asserted message by message; SDP and headers are read from the bytes sent.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "models/officeserv/officeserv.h"
#include "models/sip/auth.h"
#include "models/sip/build.h"
#include "models/sip/dialog.h"
#include "models/sip/msg.h"
#include "models/sip/sdp.h"
#include "models/sip/transport.h"
#include "sim/net.h"
#include "sim/sim.h"

#define OS_IP "10.0.0.1"
#define N_UA 7

/* ---------------------------------------------------------------- a raw user agent */

struct world;

struct ua {
	struct world *w;
	const char *name;                /* host and lane */
	const char *ip;
	const char *tel;                 /* the From user it calls and registers as */
	const char *contact_ip;          /* the host of its Contact (NATC-02 test: a private one) */
	const char *codec;               /* the one codec it offers and accepts */
	uint16_t refuse;                 /* answer an incoming INVITE with this final, 0 = ring */
	bool no_ack;                     /* never ACK a 2xx (a broken phone) */
	struct sim_host *host;
	struct sip_transport *tp;
	gsl_rng *rng;
	struct sip_auth_creds *creds;
	uint32_t reg_cseq;
	char reg_callid[SIP_CALLID_SIZE];
	uint16_t reg_status;
	/* the call in progress (one at a time) */
	struct sip_dialog *dlg;
	struct sip_strans *in_st;        /* an incoming INVITE not answered finally */
	struct sip_msg *in_inv;
	char in_tag[SIP_TAG_SIZE];
	struct sip_msg *out_inv;         /* our INVITE */
	uint16_t out_status;             /* last final response to it */
	unsigned rang;                   /* incoming INVITEs seen */
};

struct world {
	struct sim *sim;
	struct sim_net *net;
	struct officeserv *os;
	struct os_dm dm;
	struct os_dm_station st[8];
	struct os_dm_mgi_card card;
	char *features[OS_DM_FEAT_MAX];
	struct officeserv_tdm_cfg tdm[2];
	struct ua ua[N_UA];
	GPtrArray *ladder;               /* char *: "SRC>DST label" */
	GPtrArray *bytes;                /* GBytes *, what each ladder row carried */
	GPtrArray *calls;                /* char *: the SIM_TRACE_CALL points but legs */
	GPtrArray *legs;                 /* char *: SIM_CALL_LEG points, "N CALL-ID" */
	GPtrArray *notes;                /* char *: SIM_TRACE_EVENT notes (not NAT crossings) */
	GPtrArray *pools;                /* char *: "MGI 1" ... level changes */
	struct sim_trace_sub *subs[4];
};

enum { SIPP1, SIPP2, SIPP3, SIPP4, NATP, ROGUE, ROGUE2 };

static struct sim_addr os_addr(void)
{
	struct sim_addr a;

	ck_assert_int_eq(sim_addr_parse(OS_IP ":5060", &a), 0);
	return a;
}

/* Sends a request from U on a client transaction. */
static void ua_send(struct ua *u, GBytes *req, sip_ctrans_resp_h *resp)
{
	struct sip_ctrans *ct;
	struct sim_addr dst = os_addr();

	ck_assert_int_eq(sip_ctrans_new(&ct, u->tp, req, &dst, SIM_NET_UDP, resp, NULL, u), 0);
	g_bytes_unref(req);
}

/* The SDP of U: an offer of its codec at its address, port 4000. */
static struct sip_sdp_profile ua_profile(const struct ua *u, const char *const *codecs)
{
	return (struct sip_sdp_profile){ .user = u->tel, .sess_id = 77, .sess_version = 1,
					 .addr = u->ip, .audio_port = 4000, .codecs = codecs,
					 .n_codecs = 1, .dir = SIP_SDP_SENDRECV };
}

static GBytes *sdp_bytes(struct sip_sdp *sdp)
{
	GBytes *b = NULL;

	ck_assert_int_eq(sip_sdp_build_bytes(sdp, &b), 0);
	sip_sdp_free(sdp);
	return b;
}

/* Finishes B with BODY (SDP) or none. */
static GBytes *finish(struct sip_build *b, GBytes *body)
{
	GBytes *out;

	if (body == NULL)
		return sip_build_finish(b, NULL, NULL, 0);
	out = sip_build_finish(b, "application/sdp", g_bytes_get_data(body, NULL),
			       g_bytes_get_size(body));
	g_bytes_unref(body);
	return out;
}

static void ua_register_resp(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg);

/* REGISTER from U, with credentials answering CH when given. */
static void ua_register_send(struct ua *u, const struct sip_auth_challenge *ch)
{
	char branch[SIP_BRANCH_SIZE];
	struct sip_build *b = sip_build_request(SIP_METHOD_REGISTER, NULL, "sip:" OS_IP);

	sip_build_branch(branch, u->rng);
	sip_build_via(b, "UDP", u->ip, 5060, branch, true);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_hdrf(b, SIP_HDR_FROM, "<sip:%s@" OS_IP ">;tag=r%s", u->tel, u->tel);
	sip_build_hdrf(b, SIP_HDR_TO, "<sip:%s@" OS_IP ">", u->tel);
	sip_build_hdr(b, SIP_HDR_CALL_ID, u->reg_callid);
	sip_build_cseq(b, ++u->reg_cseq, SIP_METHOD_REGISTER, NULL);
	sip_build_hdrf(b, SIP_HDR_CONTACT, "<sip:%s@%s:5060>", u->tel, u->contact_ip);
	sip_build_hdr(b, SIP_HDR_EXPIRES, "600");
	if (ch != NULL) {
		struct sip_auth_resp r;
		char cnonce[17];
		GString *v = g_string_new(NULL);

		sip_auth_cnonce(cnonce, u->rng);
		ck_assert_int_eq(sip_auth_creds_answer(u->creds, ch, "REGISTER", "sip:" OS_IP, 1,
						       cnonce, &r), 0);
		ck_assert_int_eq(sip_auth_resp_build(&r, v), 0);
		sip_build_hdr(b, SIP_HDR_AUTHORIZATION, v->str);
		g_string_free(v, TRUE);
	}
	ua_send(u, sip_build_finish(b, NULL, NULL, 0), ua_register_resp);
}

static void ua_register_resp(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg)
{
	struct ua *u = arg;
	uint16_t code = sip_msg_status(resp);
	struct sip_auth_challenge ch;
	struct sip_pl v;

	(void)ct;
	if (code < 200)
		return;
	u->reg_status = code;
	if (code == 401 && u->reg_cseq == 1) {
		v = sip_msg_hdr(resp, SIP_HDR_WWW_AUTHENTICATE);
		ck_assert_int_eq(sip_auth_challenge_parse(&ch, v.p, v.l), 0);
		ua_register_send(u, &ch);
	}
}

/* Answers ST with CODE (To tag TAG, may be NULL; Contact of U unless NULL). */
static void reply(struct sip_strans *st, uint16_t code, const char *tag, const struct ua *u)
{
	struct sip_build *b = sip_strans_reply_build(st, code, NULL, tag);
	GBytes *r;

	ck_assert_ptr_nonnull(b);
	if (u != NULL)
		sip_build_hdrf(b, SIP_HDR_CONTACT, "<sip:%s@%s:5060>", u->tel, u->ip);
	r = sip_build_finish(b, NULL, NULL, 0);
	ck_assert_int_eq(sip_strans_reply(st, r), 0);
	g_bytes_unref(r);
}

/* An incoming INVITE: ring, or refuse as told (488 when no codec fits). */
static void ua_incoming(struct ua *u, struct sip_strans *st, const struct sip_msg *req)
{
	struct sip_pl body = sip_msg_body(req);
	struct sip_sdp *offer = NULL, *ans = NULL;
	const char *codecs[1] = { u->codec };
	struct sip_sdp_profile prof = ua_profile(u, codecs);
	uint16_t code = u->refuse ? u->refuse : 180;

	u->rang++;
	ck_assert_int_eq(sip_sdp_parse(&offer, body.p, body.l, NULL, 0), 0);
	ck_assert_int_eq(sip_sdp_answer(&ans, offer, &prof), 0);
	if (sip_sdp_first_audio(ans) < 0)
		code = 488;
	sip_sdp_free(offer);
	sip_sdp_free(ans);
	sip_build_tag(u->in_tag, u->rng);
	reply(st, code, u->in_tag, u);
	if (code == 180) {
		sip_strans_unref(u->in_st);
		sip_msg_unref(u->in_inv);
		u->in_st = sip_strans_ref(st);
		u->in_inv = sip_msg_ref((struct sip_msg *)req);
	}
}

/* The UA's request handler. */
static void ua_on_request(struct sip_transport *tp, struct sip_strans *st,
			  const struct sip_msg *req, const struct sip_transport_src *src,
			  void *arg)
{
	struct ua *u = arg;
	struct sip_strans *inv;

	(void)tp;
	(void)src;
	switch (sip_msg_method(req)) {
	case SIP_METHOD_ACK:
		if (u->dlg != NULL)
			(void)sip_dialog_ack_received(u->dlg, req);
		return;
	case SIP_METHOD_INVITE:
		ua_incoming(u, st, req);
		return;
	case SIP_METHOD_CANCEL:
		inv = sip_strans_cancel_target(st);
		reply(st, 200, u->in_tag, NULL);
		if (inv != NULL && inv == u->in_st) {
			reply(inv, 487, u->in_tag, NULL);
			g_clear_pointer(&u->in_st, sip_strans_unref);
		}
		return;
	case SIP_METHOD_BYE:
		reply(st, 200, NULL, NULL);
		g_clear_pointer(&u->dlg, sip_dialog_free);
		return;
	default:
		reply(st, 200, NULL, NULL);
		return;
	}
}

/* The user answers the ringing call with 200 OK and its SDP answer. */
static void ua_answer(struct ua *u)
{
	const char *codecs[1] = { u->codec };
	struct sip_sdp_profile prof = ua_profile(u, codecs);
	struct sip_sdp *offer = NULL, *ans = NULL;
	struct sip_pl body;
	struct sip_build *b;
	struct sip_msg *m = NULL;
	GBytes *bytes;

	ck_assert_ptr_nonnull(u->in_st);
	body = sip_msg_body(u->in_inv);
	ck_assert_int_eq(sip_sdp_parse(&offer, body.p, body.l, NULL, 0), 0);
	ck_assert_int_eq(sip_sdp_answer(&ans, offer, &prof), 0);
	sip_sdp_free(offer);
	b = sip_strans_reply_build(u->in_st, 200, NULL, u->in_tag);
	sip_build_hdrf(b, SIP_HDR_CONTACT, "<sip:%s@%s:5060>", u->tel, u->ip);
	bytes = finish(b, sdp_bytes(ans));
	ck_assert_int_eq(sip_msg_parse(&m, bytes), 0);
	ck_assert_int_eq(sip_dialog_new_uas(&u->dlg, u->in_inv, m), 0);
	ck_assert_int_eq(sip_dialog_send_2xx(u->dlg, u->in_st, bytes, NULL, NULL), 0);
	sip_msg_unref(m);
	g_bytes_unref(bytes);
	g_clear_pointer(&u->in_st, sip_strans_unref);
}

/* Responses to U's INVITE: a 2xx makes the dialog and is ACKed. */
static void ua_invite_resp(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg)
{
	struct ua *u = arg;
	uint16_t code = sip_msg_status(resp);
	char branch[SIP_BRANCH_SIZE];
	struct sip_dialog_via via = { "UDP", u->ip, 5060, branch, true };
	struct sim_addr dst = os_addr();
	GBytes *ack;

	(void)ct;
	if (code < 200)
		return;
	u->out_status = code;
	if (code >= 300)
		return;
	ck_assert_int_eq(sip_dialog_new_uac(&u->dlg, u->out_inv, resp), 0);
	if (u->no_ack)
		return;
	sip_build_branch(branch, u->rng);
	ack = sip_build_finish(sip_dialog_ack(u->dlg, 1, &via), NULL, NULL, 0);
	ck_assert_int_eq(sip_transport_send(u->tp, SIM_NET_UDP, &dst, ack), 0);
	g_bytes_unref(ack);
}

/* The user of U dials DIGITS. */
static void ua_call(struct ua *u, const char *digits)
{
	const char *codecs[1] = { u->codec };
	struct sip_sdp_profile prof = ua_profile(u, codecs);
	struct sip_sdp *offer = NULL;
	char branch[SIP_BRANCH_SIZE], tag[SIP_TAG_SIZE], callid[SIP_CALLID_SIZE];
	struct sip_build *b;
	GBytes *bytes;
	char *ruri;

	ck_assert_int_eq(sip_sdp_offer(&offer, &prof), 0);
	sip_build_branch(branch, u->rng);
	sip_build_tag(tag, u->rng);
	sip_build_callid(callid, u->rng, u->ip);
	ruri = g_strdup_printf("sip:%s@" OS_IP, digits);
	b = sip_build_request(SIP_METHOD_INVITE, NULL, ruri);
	g_free(ruri);
	sip_build_via(b, "UDP", u->ip, 5060, branch, true);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_hdrf(b, SIP_HDR_FROM, "<sip:%s@" OS_IP ">;tag=%s", u->tel, tag);
	sip_build_hdrf(b, SIP_HDR_TO, "<sip:%s@" OS_IP ">", digits);
	sip_build_hdr(b, SIP_HDR_CALL_ID, callid);
	sip_build_cseq(b, 1, SIP_METHOD_INVITE, NULL);
	sip_build_hdrf(b, SIP_HDR_CONTACT, "<sip:%s@%s:5060>", u->tel, u->ip);
	bytes = finish(b, sdp_bytes(offer));
	sip_msg_unref(u->out_inv);
	u->out_inv = NULL;
	ck_assert_int_eq(sip_msg_parse(&u->out_inv, bytes), 0);
	u->out_status = 0;
	ua_send(u, bytes, ua_invite_resp);
}

/* The user of U hangs up a confirmed call (BYE). */
static void ua_bye(struct ua *u)
{
	char branch[SIP_BRANCH_SIZE];
	struct sip_dialog_via via = { "UDP", u->ip, 5060, branch, true };

	ck_assert_ptr_nonnull(u->dlg);
	sip_build_branch(branch, u->rng);
	ua_send(u, sip_build_finish(sip_dialog_request(u->dlg, SIP_METHOD_BYE, NULL, &via), NULL,
				    NULL, 0), NULL);
	g_clear_pointer(&u->dlg, sip_dialog_free);
}

/* The user of U hangs up while its call rings out (CANCEL, RFC 3261 9.1). */
static void ua_cancel(struct ua *u)
{
	ua_send(u, sip_build_cancel(u->out_inv), NULL);
}

static void ua_free(struct ua *u)
{
	sip_dialog_free(u->dlg);
	sip_strans_unref(u->in_st);
	sip_msg_unref(u->in_inv);
	sip_msg_unref(u->out_inv);
	sip_transport_free(u->tp);
	sip_auth_creds_free(u->creds);
	if (u->rng != NULL)
		gsl_rng_free(u->rng);
}

/* ---------------------------------------------------------------- the world */

/* SIM_TRACE_NET_SEND: one ladder row per datagram. */
static void on_send(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_net_packet *pkt = tp->payload;
	struct world *w = arg;
	struct sip_msg *m = NULL;
	char *label;

	if (sip_msg_parse(&m, pkt->data) != 0)
		return;
	if (sip_msg_is_request(m))
		label = sip_pl_dup(sip_msg_method_name(m));
	else
		label = g_strdup_printf("%u", sip_msg_status(m));
	g_ptr_array_add(w->ladder, g_strdup_printf("%s>%s %s",
						   pkt->src_host ? pkt->src_host : "?",
						   pkt->dst_host ? pkt->dst_host : "?", label));
	g_ptr_array_add(w->bytes, g_bytes_ref(pkt->data));
	g_free(label);
	sip_msg_unref(m);
}

static const char *const call_ev[] = { "offered", "alerting", "answered", "failed", "ended" };

/* SIM_TRACE_CALL points as short text; legs apart, as "N CALL-ID". */
static void on_call(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_trace_call *c = tp->payload;
	struct world *w = arg;
	char *s = NULL;

	switch (c->event) {
	case SIM_CALL_LEG:
		ck_assert_ptr_nonnull(c->call_id);
		g_ptr_array_add(w->legs, g_strdup_printf("%" G_GUINT64_FORMAT " %s", c->call,
							 c->call_id));
		return;
	case SIM_CALL_OFFERED:
		s = g_strdup_printf("offered %s %s", c->caller, c->dialled);
		break;
	case SIM_CALL_ALERTING:
		s = g_strdup_printf("alerting %s", c->callee);
		break;
	case SIM_CALL_ANSWERED:
		s = g_strdup_printf("answered %s", c->media);
		break;
	case SIM_CALL_FAILED:
		s = g_strdup_printf("failed %u %s", c->status, c->cause);
		break;
	case SIM_CALL_ENDED:
		s = g_strdup(call_ev[c->event]);
		break;
	}
	g_ptr_array_add(w->calls, s);
}

/* SIM_TRACE_EVENT notes (actions, signals, media) as short text. */
static void on_note(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_trace_note *n = tp->payload;
	struct world *w = arg;
	static const char *const kind[] = { "action", "signal", "up", "down", "cross" };

	if (n->kind == SIM_NOTE_CROSS)
		return;
	if (n->peer != NULL)
		g_ptr_array_add(w->notes, g_strdup_printf("%s %s>%s %s", kind[n->kind], n->lane,
							  n->peer, n->text));
	else
		g_ptr_array_add(w->notes, g_strdup_printf("%s %s %s", kind[n->kind], n->lane,
							  n->text));
}

/* SIM_TRACE_POOL: "MGI 1" ... (licence pools left out). */
static void on_pool(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_trace_pool *p = tp->payload;
	struct world *w = arg;

	if (strcmp(p->pool, "MGI") == 0 || strcmp(p->pool, "MPS") == 0)
		g_ptr_array_add(w->pools, g_strdup_printf("%s %u", p->pool, p->in_use));
}

static uint32_t ip(const char *s)
{
	uint32_t v;

	ck_assert_int_eq(sim_ip_parse(s, &v), 0);
	return v;
}

static void station(struct world *w, size_t i, const char *tel, const char *cfu)
{
	struct os_dm_station *st = &w->st[i];

	memset(st, 0, sizeof(*st));
	st->tel = (char *)tel;
	st->user_id = (char *)tel;
	st->password = (char *)"secret1";
	st->cfu = (char *)cfu;
	st->use_white_list = false;
	st->nat_check = OS_DM_NATCHECK_IP;
}

static void ua_init(struct world *w, int i, const char *name, const char *addr, const char *tel)
{
	struct ua *u = &w->ua[i];
	struct sip_transport_cfg tc;

	u->w = w;
	u->name = name;
	u->ip = addr;
	u->tel = tel;
	u->contact_ip = addr;
	u->codec = "PCMU";
	u->host = sim_net_host_add(w->net, name, ip(addr));
	ck_assert_ptr_nonnull(u->host);
	sip_transport_cfg_init(&tc);
	u->tp = sip_transport_new(w->net, u->host, &tc);
	ck_assert_ptr_nonnull(u->tp);
	sip_transport_set_handlers(u->tp, ua_on_request, NULL, u);
	u->rng = sim_rng_new(w->sim, name);
	u->creds = sip_auth_creds_new(tel, "secret1");
	sip_build_callid(u->reg_callid, u->rng, addr);
}

static void run_ms(struct world *w, int64_t ms)
{
	sim_run(w->sim, sim_now(w->sim) + ms * SIM_MS);
}

/* Forgets what was traced so far (the registrations). */
static void clear(struct world *w)
{
	g_ptr_array_set_size(w->ladder, 0);
	g_ptr_array_set_size(w->bytes, 0);
	g_ptr_array_set_size(w->calls, 0);
	g_ptr_array_set_size(w->legs, 0);
	g_ptr_array_set_size(w->notes, 0);
	g_ptr_array_set_size(w->pools, 0);
}

/* Builds the world with MGI_PORTS MGI ports and NO_PORT as the MGI-09 answer, registers SIPP1-4
 * and NATP, and clears the traces. */
static struct world *world_new(unsigned mgi_ports, uint16_t no_port)
{
	struct world *w = g_new0(struct world, 1);
	struct officeserv_cfg cfg;
	struct sim_host *h;

	w->sim = sim_new(7, 0);
	w->net = sim_net_new(w->sim);
	w->ladder = g_ptr_array_new_with_free_func(g_free);
	w->bytes = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	w->calls = g_ptr_array_new_with_free_func(g_free);
	w->legs = g_ptr_array_new_with_free_func(g_free);
	w->notes = g_ptr_array_new_with_free_func(g_free);
	w->pools = g_ptr_array_new_with_free_func(g_free);
	w->subs[0] = sim_trace_subscribe(w->sim, SIM_TRACE_NET_SEND, on_send, w);
	w->subs[1] = sim_trace_subscribe(w->sim, SIM_TRACE_CALL, on_call, w);
	w->subs[2] = sim_trace_subscribe(w->sim, SIM_TRACE_EVENT, on_note, w);
	w->subs[3] = sim_trace_subscribe(w->sim, SIM_TRACE_POOL, on_pool, w);

	station(w, 0, "2001", NULL);
	station(w, 1, "2002", NULL);
	station(w, 2, "2003", NULL);
	station(w, 3, "2004", "2002");           /* never registers; CFU to 2002 */
	station(w, 4, "2005", NULL);             /* never registers */
	station(w, 5, "2006", NULL);             /* SIPP4, outside the subnet */
	station(w, 6, "2007", NULL);             /* NATP: private Contact behind a NAT */
	w->dm.stations = w->st;
	w->dm.n_stations = 7;
	w->dm.mp_ip = ip(OS_IP);
	w->dm.mgi_ip = ip("10.0.0.2");
	w->dm.public_mp_ip = ip("203.0.113.1");
	w->dm.mps_channels = 2;
	w->card.type = (char *)"MGI16";
	w->card.count = 1;
	w->card.channels = mgi_ports;
	w->dm.mgi_cards = &w->card;
	w->dm.n_mgi_cards = 1;
	w->dm.licence.third_party_sip_phone = 10;
	w->dm.sip_stn_ports = 10;
	w->dm.options.signal_port = 5060;
	w->dm.options.expire_ns = 600 * SIM_S;
	w->dm.options.nat_reg_expire_ns = 600 * SIM_S;
	w->dm.options.register_retry_limit = 2;
	w->features[OS_DM_FEAT_CF_ALL] = (char *)"601";
	w->features[OS_DM_FEAT_DND] = (char *)"40";
	memcpy(w->dm.plan.feature, w->features, sizeof(w->features));

	w->tdm[0] = (struct officeserv_tdm_cfg){ OFFICESERV_TDM_DIGITAL_PHONE, "DGP", "3001", 1,
						 NULL };
	w->tdm[1] = (struct officeserv_tdm_cfg){ OFFICESERV_TDM_ISDN_TRUNK, "PRI", NULL, 2, "9" };

	h = sim_net_host_add(w->net, "OfficeServ", ip(OS_IP));
	ck_assert_ptr_nonnull(h);
	officeserv_cfg_init(&cfg);
	cfg.host = h;
	cfg.dm = &w->dm;
	cfg.subnet = ip("10.0.0.0");
	cfg.mask = ip("255.255.255.0");
	cfg.tdm = w->tdm;
	cfg.n_tdm = 2;
	if (no_port != 0)
		cfg.no_port_status = no_port;
	w->os = officeserv_new(w->sim, w->net, &cfg);
	ck_assert_ptr_nonnull(w->os);

	ua_init(w, SIPP1, "SIPP1", "10.0.0.11", "2001");
	ua_init(w, SIPP2, "SIPP2", "10.0.0.12", "2002");
	ua_init(w, SIPP3, "SIPP3", "10.0.0.13", "2003");
	ua_init(w, SIPP4, "SIPP4", "172.16.0.14", "2006");
	ua_init(w, NATP, "NATP", "172.16.0.15", "2007");
	w->ua[NATP].contact_ip = "192.168.1.50";     /* NATC-02: no host has it */
	ua_init(w, ROGUE, "ROGUE", "10.0.0.99", "2001");     /* claims to be 2001 */
	ua_init(w, ROGUE2, "ROGUE2", "10.0.0.98", "5555");   /* no station at all */
	for (int i = SIPP1; i <= NATP; i++)
		ua_register_send(&w->ua[i], NULL);
	run_ms(w, 100);
	for (int i = SIPP1; i <= NATP; i++)
		ck_assert_uint_eq(w->ua[i].reg_status, 200);
	ck_assert_uint_eq(officeserv_registered(w->os), 5);
	clear(w);
	return w;
}

static void world_free(struct world *w)
{
	officeserv_free(w->os);
	for (int i = 0; i < N_UA; i++)
		ua_free(&w->ua[i]);
	for (int i = 0; i < 4; i++)
		sim_trace_unsubscribe(w->sim, w->subs[i]);
	sim_net_free(w->net);
	sim_free(w->sim);
	g_ptr_array_unref(w->ladder);
	g_ptr_array_unref(w->bytes);
	g_ptr_array_unref(w->calls);
	g_ptr_array_unref(w->legs);
	g_ptr_array_unref(w->notes);
	g_ptr_array_unref(w->pools);
	g_free(w);
}

/* The strings of A joined with "|". */
static char *joined(GPtrArray *a)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < a->len; i++) {
		if (i > 0)
			g_string_append_c(s, '|');
		g_string_append(s, g_ptr_array_index(a, i));
	}
	return g_string_free(s, FALSE);
}

#define ASSERT_JOINED(arr, expect) do { \
	char *got_ = joined(arr); \
	ck_assert_str_eq(got_, expect); \
	g_free(got_); \
} while (0)

/* The message of ladder row I, parsed (unref it). */
static struct sip_msg *row_msg(struct world *w, guint i)
{
	struct sip_msg *m = NULL;

	ck_assert_uint_lt(i, w->bytes->len);
	ck_assert_int_eq(sip_msg_parse(&m, g_ptr_array_index(w->bytes, i)), 0);
	return m;
}

/* Row I's SDP: "c=<addr> m=<port> <codec names>". */
static char *row_sdp(struct world *w, guint i)
{
	struct sip_msg *m = row_msg(w, i);
	struct sip_pl body = sip_msg_body(m);
	struct sip_sdp *sdp = NULL;
	GString *s = g_string_new(NULL);
	int a;

	ck_assert_int_eq(sip_sdp_parse(&sdp, body.p, body.l, NULL, 0), 0);
	a = sip_sdp_first_audio(sdp);
	ck_assert_int_ge(a, 0);
	g_string_append_printf(s, "o=%s %s c=%s m=%u", sdp->o_user, sdp->o_addr,
			       sip_sdp_media_addr(sdp, (size_t)a), sdp->media[a].port);
	for (size_t k = 0; k < sdp->media[a].n_codecs; k++)
		g_string_append_printf(s, " %s", sdp->media[a].codecs[k].name);
	sip_sdp_free(sdp);
	sip_msg_unref(m);
	return g_string_free(s, FALSE);
}

#define ASSERT_SDP(w, row, expect) do { \
	char *got_ = row_sdp(w, row); \
	ck_assert_str_eq(got_, expect); \
	g_free(got_); \
} while (0)

/* Header ID of row I as text (g_free it), NULL when absent. */
static char *row_hdr(struct world *w, guint i, enum sip_hdr id)
{
	struct sip_msg *m = row_msg(w, i);
	char *v = sip_pl_dup(sip_msg_hdr(m, id));

	sip_msg_unref(m);
	return v;
}

/* Asserts that leg K published is "CALL <the Call-ID of ladder row ROW>": the dialog of that
 * datagram was attached to call CALL. */
static void assert_leg(struct world *w, guint k, uint64_t call, guint row)
{
	char *id = row_hdr(w, row, SIP_HDR_CALL_ID);
	char *want = g_strdup_printf("%" G_GUINT64_FORMAT " %s", call, id);

	ck_assert_ptr_nonnull(id);
	ck_assert_uint_lt(k, w->legs->len);
	ck_assert_str_eq(g_ptr_array_index(w->legs, k), want);
	g_free(want);
	g_free(id);
}

/* ---------------------------------------------------------------- tests */

/* CALL-02, CALL-03, MGI-02, REG-07, LIC-05: the basic call of F-BASIC, end to end. */
START_TEST(test_basic_call)
{
	struct world *w = world_new(4, 0);
	struct officeserv_stats s;
	struct sip_msg *m;
	char *v;

	/* given SIPP1 (2001) and SIPP2 (2002) registered in the MP's LAN */
	/* when SIPP1 dials 2002, SIPP2 rings and answers */
	ua_call(&w->ua[SIPP1], "2002");
	run_ms(w, 50);
	ua_answer(&w->ua[SIPP2]);
	run_ms(w, 50);

	/* then the server is a B2BUA: 100 before its INVITE, 180 and 200 relayed, each ACKed */
	ASSERT_JOINED(w->ladder,
		      "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|OfficeServ>SIPP2 INVITE|"
		      "SIPP2>OfficeServ 180|OfficeServ>SIPP1 180|SIPP2>OfficeServ 200|"
		      "OfficeServ>SIPP2 ACK|OfficeServ>SIPP1 200|SIPP1>OfficeServ ACK");
	ck_assert_uint_eq(w->ua[SIPP1].out_status, 200);
	/* and the INVITE to SIPP2 goes to its Contact, from 2001, with SIPP1's media (direct) */
	m = row_msg(w, 2);
	ck_assert(sip_pl_eq_str(sip_msg_ruri(m)->raw, "sip:2002@10.0.0.12:5060"));
	ck_assert(sip_pl_eq_str(sip_msg_from(m)->uri.raw, "sip:2001@10.0.0.1"));
	ck_assert(sip_pl_eq_str(sip_msg_to(m)->uri.raw, "sip:2002@10.0.0.1"));
	ck_assert(!sip_pl_isset(sip_msg_hdr(m, SIP_HDR_DIVERSION)));
	sip_msg_unref(m);
	ASSERT_SDP(w, 2, "o=OfficeServ 10.0.0.1 c=10.0.0.11 m=4000 PCMU");
	/* and the 200 to SIPP1 carries SIPP2's media */
	ASSERT_SDP(w, 7, "o=OfficeServ 10.0.0.1 c=10.0.0.12 m=4000 PCMU");
	v = row_hdr(w, 7, SIP_HDR_CONTACT);
	ck_assert_str_eq(v, "<sip:2002@10.0.0.1:5060>");
	g_free(v);
	ASSERT_JOINED(w->calls, "offered SIPP1 2002|alerting SIPP2|answered direct");
	ASSERT_JOINED(w->notes, "up SIPP1>SIPP2 RTP PCMU");
	ck_assert_uint_eq(w->pools->len, 0);    /* MGI-02: no MGI, no MPS */
	/* and call 1 has two legs: the caller's INVITE's dialog, then the one to SIPP2 */
	ck_assert_uint_eq(w->legs->len, 2);
	assert_leg(w, 0, 1, 0);
	assert_leg(w, 1, 1, 2);
	ck_assert_str_ne(g_ptr_array_index(w->legs, 0), g_ptr_array_index(w->legs, 1));

	/* when SIPP1 hangs up */
	clear(w);
	ua_bye(&w->ua[SIPP1]);
	run_ms(w, 50);

	/* then each leg gets its BYE and 200 */
	ASSERT_JOINED(w->ladder, "SIPP1>OfficeServ BYE|OfficeServ>SIPP1 200|"
				 "OfficeServ>SIPP2 BYE|SIPP2>OfficeServ 200");
	ASSERT_JOINED(w->calls, "ended");
	ASSERT_JOINED(w->notes, "down SIPP1>SIPP2 RTP PCMU");
	ck_assert_uint_eq(w->legs->len, 0);     /* the BYEs open no leg */
	s = officeserv_stats(w->os);
	ck_assert_uint_eq(s.calls_offered, 1);
	ck_assert_uint_eq(s.calls_answered, 1);
	ck_assert_uint_eq(s.calls_failed, 0);
	world_free(w);
}
END_TEST

/* CALL-02 suggestion and the callee side hanging up. */
START_TEST(test_callee_hangs_up)
{
	struct world *w = world_new(4, 0);

	/* given an answered call SIPP1 -> SIPP2 */
	ua_call(&w->ua[SIPP1], "2002");
	run_ms(w, 50);
	ua_answer(&w->ua[SIPP2]);
	run_ms(w, 50);
	clear(w);

	/* when SIPP2 hangs up */
	ua_bye(&w->ua[SIPP2]);
	run_ms(w, 50);

	/* then SIPP1 gets a BYE in its dialog and the call ends */
	ASSERT_JOINED(w->ladder, "SIPP2>OfficeServ BYE|OfficeServ>SIPP2 200|"
				 "OfficeServ>SIPP1 BYE|SIPP1>OfficeServ 200");
	ck_assert_ptr_null(w->ua[SIPP1].dlg);
	ASSERT_JOINED(w->calls, "ended");
	world_free(w);
}
END_TEST

/* Rows of one-shot refusals: who calls what, and the exact ladder and trace. */
struct refusal_row {
	const char *what;
	int caller;
	const char *dialled;
	uint16_t callee_refuses;         /* SIPP2 answers its INVITE with this */
	const char *ladder;
	const char *calls;
	unsigned legs;                   /* SIM_CALL_LEG points: the caller's (row 0), the
					    callee's (row 2) */
};

static const struct refusal_row refusal_rows[] = {
	/* CALL-04: not registered, no CFU */
	{ "480 unregistered", SIPP1, "2005", 0,
	  "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|OfficeServ>SIPP1 480|SIPP1>OfficeServ ACK",
	  "offered SIPP1 2005|failed 480 unreachable", 1 },
	/* CALL-01 suggestion: nothing matches */
	{ "404 unknown", SIPP1, "7777", 0,
	  "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|OfficeServ>SIPP1 404|SIPP1>OfficeServ ACK",
	  "offered SIPP1 7777|failed 404 not found", 1 },
	/* CALL-01 suggestion: a proper prefix of station numbers */
	{ "484 prefix", SIPP1, "20", 0,
	  "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|OfficeServ>SIPP1 484|SIPP1>OfficeServ ACK",
	  "offered SIPP1 20|failed 484 not found", 1 },
	/* REG-08: a trunk code from an address that is not 2001's registered one */
	{ "403 trunk from wrong IP", ROGUE, "9123", 0,
	  "ROGUE>OfficeServ INVITE|OfficeServ>ROGUE 100|OfficeServ>ROGUE 403|ROGUE>OfficeServ ACK",
	  "offered ROGUE 9123|failed 403 forbidden", 1 },
	/* CALL-07: a trunk-like caller dials a trunk code or a feature code */
	{ "403 trunk from trunk-like", ROGUE2, "9123", 0,
	  "ROGUE2>OfficeServ INVITE|OfficeServ>ROGUE2 100|OfficeServ>ROGUE2 403|"
	  "ROGUE2>OfficeServ ACK",
	  "offered ROGUE2 9123|failed 403 forbidden", 1 },
	{ "403 feature from trunk-like", ROGUE2, "6012002", 0,
	  "ROGUE2>OfficeServ INVITE|OfficeServ>ROGUE2 100|OfficeServ>ROGUE2 403|"
	  "ROGUE2>OfficeServ ACK",
	  "offered ROGUE2 6012002|failed 403 forbidden", 1 },
	/* FC-02: a station's feature code, 480 at once without 100 Trying; no call traced */
	{ "480 feature code", SIPP1, "6012002", 0,
	  "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 480|SIPP1>OfficeServ ACK", "", 0 },
	/* the callee refuses: the same code goes back */
	{ "603 relayed", SIPP1, "2002", 603,
	  "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|OfficeServ>SIPP2 INVITE|"
	  "SIPP2>OfficeServ 603|OfficeServ>SIPP2 ACK|OfficeServ>SIPP1 603|SIPP1>OfficeServ ACK",
	  "offered SIPP1 2002|failed 603 rejected", 2 },
	{ "486 relayed", SIPP1, "2002", 486,
	  "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|OfficeServ>SIPP2 INVITE|"
	  "SIPP2>OfficeServ 486|OfficeServ>SIPP2 ACK|OfficeServ>SIPP1 486|SIPP1>OfficeServ ACK",
	  "offered SIPP1 2002|failed 486 busy", 2 },
};

START_TEST(test_refusal)
{
	const struct refusal_row *r = &refusal_rows[_i];
	struct world *w = world_new(4, 0);
	struct officeserv_stats s;

	/* given the row's callee behaviour */
	w->ua[SIPP2].refuse = r->callee_refuses;
	/* when the caller dials */
	ua_call(&w->ua[r->caller], r->dialled);
	run_ms(w, 100);
	/* then the ladder and the call trace are the row's, and nothing is left held */
	ASSERT_JOINED(w->ladder, r->ladder);
	ASSERT_JOINED(w->calls, r->calls);
	ck_assert_uint_eq(w->legs->len, r->legs);
	for (guint k = 0; k < r->legs; k++)
		assert_leg(w, k, 1, k == 0 ? 0 : 2);
	ck_assert_uint_eq(w->pools->len, 0);
	s = officeserv_stats(w->os);
	ck_assert_uint_eq(s.calls_failed, r->calls[0] != '\0' ? 1 : 0);
	ck_assert_uint_eq(s.calls_answered, 0);
	world_free(w);
}
END_TEST

/* CALL-05: a station in a call (here: ringing) is busy for a second caller. */
START_TEST(test_busy)
{
	struct world *w = world_new(4, 0);

	/* given SIPP1 -> SIPP2 ringing */
	ua_call(&w->ua[SIPP1], "2002");
	run_ms(w, 50);
	clear(w);
	/* when SIPP3 calls 2002 */
	ua_call(&w->ua[SIPP3], "2002");
	run_ms(w, 50);
	/* then 486 with no INVITE to SIPP2 */
	ASSERT_JOINED(w->ladder, "SIPP3>OfficeServ INVITE|OfficeServ>SIPP3 100|"
				 "OfficeServ>SIPP3 486|SIPP3>OfficeServ ACK");
	ASSERT_JOINED(w->calls, "offered SIPP3 2002|failed 486 busy");
	ck_assert_uint_eq(w->ua[SIPP2].rang, 1);
	/* and the refused call is call 2, with the caller's leg alone */
	ck_assert_uint_eq(w->legs->len, 1);
	assert_leg(w, 0, 2, 0);
	/* and once the first call is over, 2002 takes calls again */
	ua_answer(&w->ua[SIPP2]);
	run_ms(w, 50);
	ua_bye(&w->ua[SIPP2]);
	run_ms(w, 50);
	clear(w);
	ua_call(&w->ua[SIPP3], "2002");
	run_ms(w, 50);
	ASSERT_JOINED(w->calls, "offered SIPP3 2002|alerting SIPP2");
	world_free(w);
}
END_TEST

/* CFU-01, DIV-01: 2004 is not registered and forwards to 2002. */
START_TEST(test_cfu)
{
	struct world *w = world_new(4, 0);
	struct sip_msg *m;
	char *v;

	/* when SIPP1 dials 2004 */
	ua_call(&w->ua[SIPP1], "2004");
	run_ms(w, 50);
	/* then SIPP2 is called instead, To the dialled number, with a Diversion naming 2004 */
	ASSERT_JOINED(w->ladder,
		      "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|OfficeServ>SIPP2 INVITE|"
		      "SIPP2>OfficeServ 180|OfficeServ>SIPP1 180");
	m = row_msg(w, 2);
	ck_assert(sip_pl_eq_str(sip_msg_ruri(m)->raw, "sip:2002@10.0.0.12:5060"));
	ck_assert(sip_pl_eq_str(sip_msg_from(m)->uri.raw, "sip:2001@10.0.0.1"));
	ck_assert(sip_pl_eq_str(sip_msg_to(m)->uri.raw, "sip:2004@10.0.0.1"));
	sip_msg_unref(m);
	v = row_hdr(w, 2, SIP_HDR_DIVERSION);
	ck_assert_str_eq(v, "<sip:2004@10.0.0.1>;reason=unavailable;counter=1");
	g_free(v);
	ASSERT_JOINED(w->calls, "offered SIPP1 2004|alerting SIPP2");
	/* and the forward is the call's one callee leg: CFU on no binding sends 2004 nothing
	 * (CALL-04), so the dialogs are the caller's and the one with SIPP2 */
	ck_assert_uint_eq(w->legs->len, 2);
	assert_leg(w, 0, 1, 0);
	assert_leg(w, 1, 1, 2);
	world_free(w);
}
END_TEST

/* CALL-02 note, RFC 3261 9: the caller hangs up while the callee rings. */
START_TEST(test_cancel)
{
	struct world *w = world_new(4, 0);

	/* given SIPP1 -> SIPP2 ringing */
	ua_call(&w->ua[SIPP1], "2002");
	run_ms(w, 50);
	clear(w);
	/* when SIPP1 cancels */
	ua_cancel(&w->ua[SIPP1]);
	run_ms(w, 100);
	/* then CANCEL > 200 > 487 > ACK on each leg */
	ASSERT_JOINED(w->ladder,
		      "SIPP1>OfficeServ CANCEL|OfficeServ>SIPP1 200|OfficeServ>SIPP1 487|"
		      "OfficeServ>SIPP2 CANCEL|SIPP1>OfficeServ ACK|SIPP2>OfficeServ 200|"
		      "SIPP2>OfficeServ 487|OfficeServ>SIPP2 ACK");
	ck_assert_uint_eq(w->ua[SIPP1].out_status, 487);
	ASSERT_JOINED(w->calls, "failed 487 cancelled");
	/* and both stations are free again */
	clear(w);
	ua_call(&w->ua[SIPP3], "2002");
	run_ms(w, 50);
	ASSERT_JOINED(w->calls, "offered SIPP3 2002|alerting SIPP2");
	ua_call(&w->ua[SIPP2], "2001");
	run_ms(w, 50);
	ASSERT_JOINED(w->calls, "offered SIPP3 2002|alerting SIPP2|offered SIPP2 2001|"
				"alerting SIPP1");
	world_free(w);
}
END_TEST

/* MGI-01, MGI-08: a SIP station calls the digital phone; one MGI port for the call. */
START_TEST(test_sip_to_dgp)
{
	struct world *w = world_new(4, 0);

	/* when SIPP1 dials 3001 */
	ua_call(&w->ua[SIPP1], "3001");
	run_ms(w, 50);
	/* then the DGP rings, SIPP1 hears 180, and one MGI port is taken at routing */
	ASSERT_JOINED(w->ladder, "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|"
				 "OfficeServ>SIPP1 180");
	ASSERT_JOINED(w->notes, "signal OfficeServ>DGP ring");
	ASSERT_JOINED(w->pools, "MGI 1");
	/* and the call's only leg is the caller's: the digital phone has none */
	ck_assert_uint_eq(w->legs->len, 1);
	assert_leg(w, 0, 1, 0);
	ck_assert_int_eq(officeserv_tdm_hang_up(w->os, "DGP"), ENOENT);   /* not picked up */

	/* when the DGP answers */
	ck_assert_int_eq(officeserv_tdm_answer(w->os, "DGP"), 0);
	run_ms(w, 50);
	/* then 200 with the MGI's address and port and SIPP1's codec, and RTP via the MGI */
	ASSERT_JOINED(w->ladder, "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|"
				 "OfficeServ>SIPP1 180|OfficeServ>SIPP1 200|SIPP1>OfficeServ ACK");
	ASSERT_SDP(w, 3, "o=OfficeServ 10.0.0.2 c=10.0.0.2 m=30000 PCMU");
	ASSERT_JOINED(w->calls, "offered SIPP1 3001|alerting DGP|answered mgi");
	ASSERT_JOINED(w->notes, "signal OfficeServ>DGP ring|action DGP answer|"
				"up SIPP1>MGI RTP PCMU|up MGI>DGP TDM");

	/* when SIPP1 hangs up */
	clear(w);
	ua_bye(&w->ua[SIPP1]);
	run_ms(w, 50);
	/* then the port goes back and the DGP hears the clearing */
	ASSERT_JOINED(w->ladder, "SIPP1>OfficeServ BYE|OfficeServ>SIPP1 200");
	ASSERT_JOINED(w->pools, "MGI 0");
	ASSERT_JOINED(w->notes, "down SIPP1>MGI RTP PCMU|down MGI>DGP TDM|"
				"signal OfficeServ>DGP disconnect");
	ASSERT_JOINED(w->calls, "ended");
	/* and the keyset is idle again: nothing to hang up, free to dial */
	ck_assert_int_eq(officeserv_tdm_hang_up(w->os, "DGP"), ENOENT);
	ck_assert_int_eq(officeserv_tdm_dial(w->os, "DGP", "2002", NULL), 0);
	world_free(w);
}
END_TEST

/* MGI-01 from the TDM side: the DGP calls a SIP station; the MGI offers its codecs. */
START_TEST(test_dgp_to_sip)
{
	struct world *w = world_new(4, 0);

	/* when the DGP dials 2002 and SIPP2 answers */
	ck_assert_int_eq(officeserv_tdm_dial(w->os, "DGP", "2002", NULL), 0);
	run_ms(w, 50);
	ua_answer(&w->ua[SIPP2]);
	run_ms(w, 50);
	/* then the INVITE offers the MGI's address and codecs, and the call runs through it */
	ASSERT_JOINED(w->ladder, "OfficeServ>SIPP2 INVITE|SIPP2>OfficeServ 180|"
				 "SIPP2>OfficeServ 200|OfficeServ>SIPP2 ACK");
	ASSERT_SDP(w, 0, "o=OfficeServ 10.0.0.2 c=10.0.0.2 m=30000 PCMU PCMA G729 "
			 "telephone-event");
	ASSERT_JOINED(w->calls, "offered DGP 2002|alerting SIPP2|answered mgi");
	ck_assert_uint_eq(w->legs->len, 1);     /* the callee's alone: the caller is TDM */
	assert_leg(w, 0, 1, 0);
	ASSERT_JOINED(w->notes, "action DGP off-hook|action DGP dial 2002|"
				"signal OfficeServ>DGP ringback tone|signal OfficeServ>DGP connect|"
				"up DGP>MGI TDM|up MGI>SIPP2 RTP PCMU");
	ASSERT_JOINED(w->pools, "MGI 1");

	/* when the DGP hangs up */
	clear(w);
	ck_assert_int_eq(officeserv_tdm_hang_up(w->os, "DGP"), 0);
	run_ms(w, 50);
	ASSERT_JOINED(w->ladder, "OfficeServ>SIPP2 BYE|SIPP2>OfficeServ 200");
	ASSERT_JOINED(w->pools, "MGI 0");
	ASSERT_JOINED(w->calls, "ended");
	world_free(w);
}
END_TEST

/* MGI-09: no MGI port free; 503 by default, 486 when configured; the DGP never rings. */
START_TEST(test_mgi_exhausted)
{
	static const uint16_t codes[] = { 0, 486 };
	struct world *w = world_new(0, codes[_i]);
	char expect[160];

	ua_call(&w->ua[SIPP1], "3001");
	run_ms(w, 50);
	g_snprintf(expect, sizeof(expect), "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|"
		   "OfficeServ>SIPP1 %u|SIPP1>OfficeServ ACK", _i == 0 ? 503 : 486);
	ASSERT_JOINED(w->ladder, expect);
	g_snprintf(expect, sizeof(expect), "offered SIPP1 3001|failed %u mgi",
		   _i == 0 ? 503 : 486);
	ASSERT_JOINED(w->calls, expect);
	ck_assert_uint_eq(w->notes->len, 0);
	/* and the digital phone is not held by the failed call */
	ck_assert_int_eq(officeserv_tdm_dial(w->os, "DGP", "3001", NULL), 0);
	world_free(w);
}
END_TEST

/* MGI-09 for a TDM caller: reorder tone, and the phone stays off-hook until hook on. */
START_TEST(test_dgp_reorder)
{
	struct world *w = world_new(0, 0);

	ck_assert_int_eq(officeserv_tdm_dial(w->os, "DGP", "2002", NULL), 0);
	run_ms(w, 50);
	ck_assert_uint_eq(w->ladder->len, 0);
	ASSERT_JOINED(w->notes, "action DGP off-hook|action DGP dial 2002|"
				"signal OfficeServ>DGP reorder tone");
	ASSERT_JOINED(w->calls, "offered DGP 2002|failed 0 mgi");
	ck_assert_uint_eq(w->legs->len, 0);     /* no SIP side was ever reached */
	ck_assert_int_eq(officeserv_tdm_hang_up(w->os, "DGP"), 0);
	world_free(w);
}
END_TEST

/* REG-08, MGI-01: from its registered address 2001 seizes a trunk channel; the trunk's far end
 * answers and clears in Q.931 terms. */
START_TEST(test_trunk_out)
{
	struct world *w = world_new(4, 0);

	ua_call(&w->ua[SIPP1], "90311234567");
	run_ms(w, 50);
	ASSERT_JOINED(w->ladder, "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|"
				 "OfficeServ>SIPP1 180");
	ASSERT_JOINED(w->notes, "signal OfficeServ>PRI SETUP 0311234567|"
				"signal PRI>OfficeServ ALERTING");
	ck_assert_int_eq(officeserv_tdm_answer(w->os, "PRI"), 0);
	run_ms(w, 50);
	ck_assert_uint_eq(w->ua[SIPP1].out_status, 200);
	ASSERT_JOINED(w->calls, "offered SIPP1 90311234567|alerting PRI|answered mgi");
	ASSERT_JOINED(w->pools, "MGI 1");
	clear(w);
	ck_assert_int_eq(officeserv_tdm_hang_up(w->os, "PRI"), 0);
	run_ms(w, 50);
	ASSERT_JOINED(w->notes, "signal PRI>OfficeServ DISCONNECT|"
				"signal OfficeServ>PRI RELEASE|down SIPP1>MGI RTP PCMU|"
				"down MGI>PRI TDM");
	ASSERT_JOINED(w->ladder, "OfficeServ>SIPP1 BYE|SIPP1>OfficeServ 200");
	ASSERT_JOINED(w->pools, "MGI 0");
	world_free(w);
}
END_TEST

/* MGI-03: disjoint codecs; the callee's 488 turns the call into an MGI transcoding one. */
START_TEST(test_transcode)
{
	struct world *w = world_new(4, 0);

	w->ua[SIPP2].codec = "G729";
	ua_call(&w->ua[SIPP1], "2002");
	run_ms(w, 50);
	ua_answer(&w->ua[SIPP2]);
	run_ms(w, 50);
	ASSERT_JOINED(w->ladder,
		      "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|OfficeServ>SIPP2 INVITE|"
		      "SIPP2>OfficeServ 488|OfficeServ>SIPP2 ACK|OfficeServ>SIPP2 INVITE|"
		      "SIPP2>OfficeServ 180|OfficeServ>SIPP1 180|SIPP2>OfficeServ 200|"
		      "OfficeServ>SIPP2 ACK|OfficeServ>SIPP1 200|SIPP1>OfficeServ ACK");
	ASSERT_SDP(w, 2, "o=OfficeServ 10.0.0.1 c=10.0.0.11 m=4000 PCMU");
	ASSERT_SDP(w, 5, "o=OfficeServ 10.0.0.2 c=10.0.0.2 m=30000 PCMU PCMA G729 "
			 "telephone-event");
	ASSERT_SDP(w, 10, "o=OfficeServ 10.0.0.2 c=10.0.0.2 m=30002 PCMU");
	ASSERT_JOINED(w->pools, "MGI 2");
	ASSERT_JOINED(w->calls, "offered SIPP1 2002|alerting SIPP2|answered mgi");
	/* and the retry after 488 is the same leg (same Call-ID, RFC 3261 8.1.3.5): two legs */
	ck_assert_uint_eq(w->legs->len, 2);
	assert_leg(w, 0, 1, 0);
	assert_leg(w, 1, 1, 2);
	assert_leg(w, 1, 1, 5);
	ASSERT_JOINED(w->notes, "up SIPP1>MGI RTP PCMU|up MGI>SIPP2 RTP G729");
	clear(w);
	ua_bye(&w->ua[SIPP2]);
	run_ms(w, 50);
	ASSERT_JOINED(w->pools, "MGI 0");
	world_free(w);
}
END_TEST

/* MPS-02, PRIV-01, PRIV-02: SIPP4 is outside the MP's subnet; both legs point at the MPS, the
 * public one with the public MP address. */
START_TEST(test_public_mps)
{
	struct world *w = world_new(4, 0);
	char *v;

	ua_call(&w->ua[SIPP1], "2006");
	run_ms(w, 50);
	ua_answer(&w->ua[SIPP4]);
	run_ms(w, 50);
	ASSERT_JOINED(w->ladder,
		      "SIPP1>OfficeServ INVITE|OfficeServ>SIPP1 100|OfficeServ>SIPP4 INVITE|"
		      "SIPP4>OfficeServ 180|OfficeServ>SIPP1 180|SIPP4>OfficeServ 200|"
		      "OfficeServ>SIPP4 ACK|OfficeServ>SIPP1 200|SIPP1>OfficeServ ACK");
	ASSERT_SDP(w, 2, "o=OfficeServ 203.0.113.1 c=203.0.113.1 m=30000 PCMU");
	v = row_hdr(w, 2, SIP_HDR_CONTACT);
	ck_assert_str_eq(v, "<sip:2001@203.0.113.1:5060>");
	g_free(v);
	ASSERT_SDP(w, 7, "o=OfficeServ 10.0.0.1 c=10.0.0.1 m=30002 PCMU");
	ASSERT_JOINED(w->pools, "MPS 1");
	ASSERT_JOINED(w->calls, "offered SIPP1 2006|alerting SIPP4|answered mps");
	ASSERT_JOINED(w->notes, "up SIPP1>MPS RTP PCMU|up MPS>SIPP4 RTP PCMU");
	world_free(w);
}
END_TEST

/* CALL-07, MPS-01: an INVITE from a CLI that is no registered station rings the station as a
 * trunk-like call, relayed by the MPS. */
START_TEST(test_trunk_like)
{
	struct world *w = world_new(4, 0);

	ua_call(&w->ua[ROGUE2], "2002");
	run_ms(w, 50);
	ua_answer(&w->ua[SIPP2]);
	run_ms(w, 50);
	ck_assert_uint_eq(w->ua[ROGUE2].out_status, 200);
	ASSERT_JOINED(w->calls, "offered ROGUE2 2002|alerting SIPP2|answered mps");
	ASSERT_SDP(w, 2, "o=OfficeServ 10.0.0.1 c=10.0.0.1 m=30000 PCMU");
	ASSERT_JOINED(w->pools, "MPS 1");
	world_free(w);
}
END_TEST

/* NATC-02: NATP registered a private Contact nobody routes; the INVITE is lost, Timer B fires and
 * the caller gets 408, counted as a NAT failure. */
START_TEST(test_nat_timeout)
{
	struct world *w = world_new(4, 0);
	struct sip_msg *m;

	ua_call(&w->ua[SIPP1], "2007");
	run_ms(w, 40000);
	ck_assert_uint_eq(w->ua[SIPP1].out_status, 408);
	ASSERT_JOINED(w->calls, "offered SIPP1 2007|failed 408 nat");
	m = row_msg(w, 2);
	ck_assert(sip_pl_eq_str(sip_msg_ruri(m)->raw, "sip:2007@192.168.1.50:5060"));
	sip_msg_unref(m);
	ck_assert_uint_eq(w->ua[NATP].rang, 0);
	ASSERT_JOINED(w->pools, "MPS 1|MPS 0");
	world_free(w);
}
END_TEST

/* RFC 3261 9.1: the caller cancels before the callee answered anything (NATP's INVITE is lost):
 * no CANCEL may go to the callee, and the call is over when Timer B ends its INVITE. */
START_TEST(test_cancel_before_provisional)
{
	struct world *w = world_new(4, 0);

	ua_call(&w->ua[SIPP1], "2007");
	run_ms(w, 1000);
	clear(w);
	ua_cancel(&w->ua[SIPP1]);
	run_ms(w, 100);
	ASSERT_JOINED(w->ladder, "SIPP1>OfficeServ CANCEL|OfficeServ>SIPP1 200|"
				 "OfficeServ>SIPP1 487|SIPP1>OfficeServ ACK");
	ASSERT_JOINED(w->calls, "failed 487 cancelled");
	ASSERT_JOINED(w->pools, "MPS 0");
	/* Timer B ends the lost INVITE quietly: retransmissions only, no CANCEL, no 408 */
	clear(w);
	run_ms(w, 40000);
	for (guint i = 0; i < w->ladder->len; i++)
		ck_assert_str_eq(g_ptr_array_index(w->ladder, i), "OfficeServ>? INVITE");
	ck_assert_uint_eq(w->ladder->len, 5);   /* A at 2, 4, 8, 16, 32 s after the first */
	ck_assert_uint_eq(w->calls->len, 0);
	world_free(w);
}
END_TEST

/* MGI-01 for an incoming ISDN call: SETUP from the public network to station 2002. */
START_TEST(test_trunk_in)
{
	struct world *w = world_new(4, 0);
	struct sip_msg *m;

	ck_assert_int_eq(officeserv_tdm_dial(w->os, "PRI", "2002", "0311112222"), 0);
	run_ms(w, 50);
	ua_answer(&w->ua[SIPP2]);
	run_ms(w, 50);
	ASSERT_JOINED(w->ladder, "OfficeServ>SIPP2 INVITE|SIPP2>OfficeServ 180|"
				 "SIPP2>OfficeServ 200|OfficeServ>SIPP2 ACK");
	m = row_msg(w, 0);
	ck_assert(sip_pl_eq_str(sip_msg_from(m)->uri.raw, "sip:0311112222@10.0.0.1"));
	sip_msg_unref(m);
	ASSERT_JOINED(w->notes, "signal PRI>OfficeServ SETUP 2002|signal OfficeServ>PRI ALERTING|"
				"signal OfficeServ>PRI CONNECT|up PRI>MGI TDM|up MGI>SIPP2 RTP PCMU");
	ASSERT_JOINED(w->calls, "offered PRI 2002|alerting SIPP2|answered mgi");
	ck_assert_uint_eq(w->legs->len, 1);
	assert_leg(w, 0, 1, 0);
	/* a second SETUP takes the second B channel, a third finds none */
	ck_assert_int_eq(officeserv_tdm_dial(w->os, "PRI", "2003", NULL), 0);
	ck_assert_int_eq(officeserv_tdm_dial(w->os, "PRI", "2001", NULL), EBUSY);
	clear(w);
	ua_bye(&w->ua[SIPP2]);
	run_ms(w, 50);
	/* (the second call's SIPP3 rang meanwhile: its ALERTING comes after the clearing) */
	ASSERT_JOINED(w->notes, "down PRI>MGI TDM|down MGI>SIPP2 RTP PCMU|"
				"signal OfficeServ>PRI DISCONNECT|signal PRI>OfficeServ RELEASE|"
				"signal OfficeServ>PRI ALERTING");
	ck_assert_int_eq(officeserv_tdm_dial(w->os, "PRI", "2001", NULL), 0);
	world_free(w);
}
END_TEST

/* RFC 3261 13.3.1.4: a caller that never ACKs our 200 gets it for 64*T1, then both legs are
 * cleared with BYE and the call counts as failed. */
START_TEST(test_no_ack)
{
	struct world *w = world_new(4, 0);
	guint n;

	w->ua[SIPP1].no_ack = true;
	ua_call(&w->ua[SIPP1], "2002");
	run_ms(w, 50);
	ua_answer(&w->ua[SIPP2]);
	run_ms(w, 40000);
	n = w->ladder->len;
	ck_assert_uint_ge(n, 4);
	ck_assert_str_eq(g_ptr_array_index(w->ladder, n - 4), "OfficeServ>SIPP1 BYE");
	ck_assert_str_eq(g_ptr_array_index(w->ladder, n - 3), "OfficeServ>SIPP2 BYE");
	ck_assert_ptr_null(w->ua[SIPP1].dlg);
	ck_assert_ptr_null(w->ua[SIPP2].dlg);
	ASSERT_JOINED(w->calls, "offered SIPP1 2002|alerting SIPP2|failed 0 timeout");
	ck_assert_uint_eq(officeserv_stats(w->os).calls_failed, 1);
	world_free(w);
}
END_TEST

/* Call control's suite. */
static Suite *call_suite(void)
{
	Suite *s = suite_create("call");
	TCase *tc;

	tc = tcase_create("sip");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_basic_call);
	tcase_add_test(tc, test_callee_hangs_up);
	tcase_add_loop_test(tc, test_refusal, 0, (int)G_N_ELEMENTS(refusal_rows));
	tcase_add_test(tc, test_busy);
	tcase_add_test(tc, test_cfu);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_cancel_before_provisional);
	tcase_add_test(tc, test_no_ack);
	suite_add_tcase(s, tc);

	tc = tcase_create("media");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sip_to_dgp);
	tcase_add_test(tc, test_dgp_to_sip);
	tcase_add_loop_test(tc, test_mgi_exhausted, 0, 2);
	tcase_add_test(tc, test_dgp_reorder);
	tcase_add_test(tc, test_trunk_out);
	tcase_add_test(tc, test_trunk_in);
	tcase_add_test(tc, test_transcode);
	tcase_add_test(tc, test_public_mps);
	tcase_add_test(tc, test_trunk_like);
	tcase_add_test(tc, test_nat_timeout);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite; exit status 0 when every test passed. */
int main(void)
{
	SRunner *sr = srunner_create(call_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
