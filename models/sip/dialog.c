/*
 * dialog.c - SIP dialogs (RFC 3261 section 12) and the UAS core's 2xx retransmission (13.3.1.4).
 *
 * A dialog copies what it needs out of the messages that made it (strings it owns), so it does
 * not pin message buffers. The route set is kept in the order requests carry it: the UAC reverses
 * the Record-Route of the response, the UAS keeps the request's (12.1.1, 12.1.2).
 * The 2xx retransmission lives here because it is end to end, above the transaction layer: the
 * INVITE server transaction ended when it sent the 2xx, so the dialog keeps the 2xx, the INVITE
 * and its source, and resends through the transport until the ACK (which has a branch of its own
 * and reaches the TU, not a transaction) stops it.
 */
#include "config.h"

#include <errno.h>

#include "models/sip/build.h"
#include "models/sip/dialog.h"
#include "models/sip/transport.h"
#include "models/sip/txn.h"
#include "sim/sim.h"

struct sip_dialog {
	enum sip_dialog_state state;
	bool uac;
	char *call_id;
	char *local_tag;
	char *remote_tag;               /* NULL: none (RFC 2543 peer) */
	char *local_uri, *local_dname;  /* dname NULL when none */
	char *remote_uri, *remote_dname;
	uint32_t local_cseq;            /* the last one used; UAS starts at 0 (empty) */
	int64_t remote_cseq;            /* -1 = empty */
	char *remote_target;
	GPtrArray *routes;              /* char *, request order */

	/* The 2xx waiting for its ACK (13.3.1.4). */
	struct sip_transport *tp;       /* NULL when none was ever sent */
	struct sim *sim;
	struct sip_msg *invite;         /* the INVITE it answers */
	struct sip_transport_src src;   /* where the INVITE came from */
	GBytes *resp;                   /* the 2xx; NULL when nothing pends */
	int64_t interval;
	unsigned retx;
	struct sim_timer t_retx;
	struct sim_timer t_giveup;
	sip_dialog_noack_h *noack_h;
	void *noack_arg;
};

/* Dialog state names. */
const char *sip_dialog_state_name(enum sip_dialog_state s)
{
	switch (s) {
	case SIP_DIALOG_EARLY: return "early";
	case SIP_DIALOG_CONFIRMED: return "confirmed";
	case SIP_DIALOG_TERMINATED: return "terminated";
	}
	return "?";
}

/* Tags compare equal when both are absent or both hold the same octets. */
static bool tag_eq_str(struct sip_pl a, const char *b)
{
	if (!sip_pl_isset(a) || !b)
		return !sip_pl_isset(a) && !b;
	return sip_pl_eq_str(a, b);
}

/* The route set from MSG's Record-Route values, reversed when REVERSE (UAC). */
static void set_routes(struct sip_dialog *d, const struct sip_msg *msg, bool reverse)
{
	struct sip_hdr_iter it;
	struct sip_pl v;

	g_ptr_array_set_size(d->routes, 0);
	sip_hdr_iter_init(&it, msg, SIP_HDR_RECORD_ROUTE);
	while (sip_hdr_iter_next(&it, &v)) {
		if (reverse)
			g_ptr_array_insert(d->routes, 0, sip_pl_dup(v));
		else
			g_ptr_array_add(d->routes, sip_pl_dup(v));
	}
}

/* Replaces the remote target by MSG's first Contact URI. */
int sip_dialog_target_refresh(struct sip_dialog *d, const struct sip_msg *msg)
{
	struct sip_addr c;

	if (sip_msg_contact_count(msg) == 0 || sip_msg_contact_at(msg, 0, &c) != 0 || c.wildcard)
		return ENOENT;
	g_free(d->remote_target);
	d->remote_target = sip_pl_dup(c.uri.raw);
	return 0;
}

/* The common part of both constructors. */
static int dialog_new(struct sip_dialog **dp, const struct sip_msg *req,
		      const struct sip_msg *resp, bool uac)
{
	const struct sip_addr *local, *remote;
	struct sip_dialog *d;
	uint16_t code;

	if (!req || !resp || !sip_msg_is_request(req) || sip_msg_is_request(resp))
		return EINVAL;
	code = sip_msg_status(resp);
	/* 12.1: a dialog needs a To tag, from a 101-199 or a 2xx. */
	if (code <= 100 || code >= 300 || !sip_pl_isset(sip_msg_to(resp)->tag))
		return EINVAL;
	if (!sip_pl_eq(sip_msg_callid(req), sip_msg_callid(resp)) ||
	    !sip_pl_eq(sip_msg_from(req)->tag, sip_msg_from(resp)->tag) ||
	    sip_msg_cseq(req)->num != sip_msg_cseq(resp)->num)
		return EPROTO;
	d = g_new0(struct sip_dialog, 1);
	d->uac = uac;
	d->state = code < 200 ? SIP_DIALOG_EARLY : SIP_DIALOG_CONFIRMED;
	d->call_id = sip_pl_dup(sip_msg_callid(req));
	d->routes = g_ptr_array_new_with_free_func(g_free);
	local = uac ? sip_msg_from(req) : sip_msg_to(req);
	remote = uac ? sip_msg_to(req) : sip_msg_from(req);
	d->local_uri = sip_pl_dup(local->uri.raw);
	d->local_dname = sip_pl_dup(local->dname);
	d->remote_uri = sip_pl_dup(remote->uri.raw);
	d->remote_dname = sip_pl_dup(remote->dname);
	if (uac) {
		/* 12.1.2 */
		d->local_tag = sip_pl_dup(sip_msg_from(req)->tag);
		d->remote_tag = sip_pl_dup(sip_msg_to(resp)->tag);
		d->local_cseq = sip_msg_cseq(req)->num;
		d->remote_cseq = -1;
		set_routes(d, resp, true);
		if (sip_dialog_target_refresh(d, resp) != 0)
			d->remote_target = sip_pl_dup(sip_msg_ruri(req)->raw);
	} else {
		/* 12.1.1 */
		d->local_tag = sip_pl_dup(sip_msg_to(resp)->tag);
		d->remote_tag = sip_pl_dup(sip_msg_from(req)->tag);
		d->local_cseq = 0;
		d->remote_cseq = sip_msg_cseq(req)->num;
		set_routes(d, req, false);
		if (sip_dialog_target_refresh(d, req) != 0)
			d->remote_target = sip_pl_dup(sip_msg_from(req)->uri.raw);
	}
	sim_timer_init(&d->t_retx);
	sim_timer_init(&d->t_giveup);
	*dp = d;
	return 0;
}

/* UAC constructor (see dialog.h). */
int sip_dialog_new_uac(struct sip_dialog **dp, const struct sip_msg *req,
		       const struct sip_msg *resp)
{
	return dialog_new(dp, req, resp, true);
}

/* UAS constructor (see dialog.h). */
int sip_dialog_new_uas(struct sip_dialog **dp, const struct sip_msg *req,
		       const struct sip_msg *resp)
{
	return dialog_new(dp, req, resp, false);
}

/* Stops the 2xx retransmission and drops what it kept. */
static void stop_2xx(struct sip_dialog *d)
{
	if (d->sim) {
		sim_timer_cancel(d->sim, &d->t_retx);
		sim_timer_cancel(d->sim, &d->t_giveup);
	}
	if (d->resp)
		g_bytes_unref(d->resp);
	d->resp = NULL;
	sip_msg_unref(d->invite);
	d->invite = NULL;
}

void sip_dialog_free(struct sip_dialog *d)
{
	if (!d)
		return;
	stop_2xx(d);
	g_free(d->call_id);
	g_free(d->local_tag);
	g_free(d->remote_tag);
	g_free(d->local_uri);
	g_free(d->local_dname);
	g_free(d->remote_uri);
	g_free(d->remote_dname);
	g_free(d->remote_target);
	g_ptr_array_unref(d->routes);
	g_free(d);
}

/* ---------------------------------------------------------------- matching */

bool sip_dialog_match(const struct sip_dialog *d, struct sip_pl call_id, struct sip_pl local_tag,
		      struct sip_pl remote_tag)
{
	return sip_pl_eq_str(call_id, d->call_id) && tag_eq_str(local_tag, d->local_tag) &&
	       tag_eq_str(remote_tag, d->remote_tag);
}

bool sip_dialog_match_request(const struct sip_dialog *d, const struct sip_msg *req)
{
	return sip_dialog_match(d, sip_msg_callid(req), sip_msg_to(req)->tag,
				sip_msg_from(req)->tag);
}

bool sip_dialog_match_response(const struct sip_dialog *d, const struct sip_msg *resp)
{
	return sip_dialog_match(d, sip_msg_callid(resp), sip_msg_from(resp)->tag,
				sip_msg_to(resp)->tag);
}

/* ---------------------------------------------------------------- in-dialog traffic */

/* Methods whose requests refresh the remote target (12.2; RFC 3311, 6665, 3515). */
static bool is_target_refresh(enum sip_method m)
{
	return m == SIP_METHOD_INVITE || m == SIP_METHOD_UPDATE || m == SIP_METHOD_SUBSCRIBE ||
	       m == SIP_METHOD_NOTIFY || m == SIP_METHOD_REFER;
}

int sip_dialog_receive_response(struct sip_dialog *d, const struct sip_msg *resp)
{
	uint16_t code = sip_msg_status(resp);
	enum sip_method m = sip_msg_method(resp);

	if (!sip_pl_eq_str(sip_msg_callid(resp), d->call_id) ||
	    !tag_eq_str(sip_msg_from(resp)->tag, d->local_tag))
		return EINVAL;
	/* An early dialog learns nothing from a response with another To tag (a fork). */
	if (!tag_eq_str(sip_msg_to(resp)->tag, d->remote_tag))
		return EINVAL;
	if (code == 481 || code == 408) {
		d->state = SIP_DIALOG_TERMINATED;       /* 12.2.1.2 */
		return 0;
	}
	if (d->state == SIP_DIALOG_EARLY && m == SIP_METHOD_INVITE && code >= 300) {
		d->state = SIP_DIALOG_TERMINATED;       /* 12.3 */
		return 0;
	}
	if (d->state == SIP_DIALOG_EARLY && m == SIP_METHOD_INVITE && code >= 200) {
		d->state = SIP_DIALOG_CONFIRMED;
		if (d->uac)
			set_routes(d, resp, true);      /* 13.2.2.4: recomputed from the 2xx */
	}
	if (code > 100 && code < 300 && is_target_refresh(m))
		sip_dialog_target_refresh(d, resp);
	return 0;
}

int sip_dialog_receive_request(struct sip_dialog *d, const struct sip_msg *req)
{
	enum sip_method m = sip_msg_method(req);
	uint32_t num = sip_msg_cseq(req)->num;

	if (!sip_dialog_match_request(d, req))
		return EINVAL;
	if (m == SIP_METHOD_ACK || m == SIP_METHOD_CANCEL)
		return 0;
	/* 12.2.2: lower than the remote CSeq = out of order, 500. */
	if (d->remote_cseq >= 0 && num < d->remote_cseq)
		return EPROTO;
	d->remote_cseq = num;
	if (is_target_refresh(m))
		sip_dialog_target_refresh(d, req);
	return 0;
}

/* The URI of a route value, or NULL when it does not parse (g_free it). *LR: loose router. */
static char *route_uri(const char *route, bool *lr)
{
	struct sip_addr a;

	if (sip_addr_decode(&a, sip_pl_from_str(route)) != 0)
		return NULL;
	*lr = sip_param_exists(a.uri.params, "lr");
	return sip_pl_dup(a.uri.raw);
}

/* The request line, Via, Max-Forwards, Route, From, To, Call-ID and CSeq (12.2.1.1). */
static struct sip_build *build_request(struct sip_dialog *d, enum sip_method method,
				       const char *method_name, uint32_t cseq,
				       const struct sip_dialog_via *via)
{
	struct sip_build *b;
	char *first = NULL;
	bool lr = true;
	size_t i = 0;

	if (d->routes->len > 0)
		first = route_uri(g_ptr_array_index(d->routes, 0), &lr);
	if (first && !lr) {
		/* Strict router (RFC 2543): it is the Request-URI, the target goes last. */
		b = sip_build_request(method, method_name, first);
		i = 1;
	} else {
		b = sip_build_request(method, method_name, d->remote_target);
		lr = true;
	}
	g_free(first);
	if (!b)
		return NULL;
	sip_build_via(b, via->transport, via->host, via->port, via->branch, via->rport);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	for (; i < d->routes->len; i++)
		sip_build_hdr(b, SIP_HDR_ROUTE, g_ptr_array_index(d->routes, i));
	if (!lr)
		sip_build_hdrf(b, SIP_HDR_ROUTE, "<%s>", d->remote_target);
	sip_build_addr(b, SIP_HDR_FROM, d->local_dname, d->local_uri, d->local_tag);
	sip_build_addr(b, SIP_HDR_TO, d->remote_dname, d->remote_uri, d->remote_tag);
	sip_build_hdr(b, SIP_HDR_CALL_ID, d->call_id);
	sip_build_cseq(b, cseq, method, method_name);
	return b;
}

struct sip_build *sip_dialog_request(struct sip_dialog *d, enum sip_method method,
				     const char *method_name, const struct sip_dialog_via *via)
{
	struct sip_build *b;

	if (method == SIP_METHOD_ACK || method == SIP_METHOD_CANCEL)
		return NULL;
	/* 12.2.1.1: one more than the last; a UAS dialog starts from empty (0), so 1. */
	b = build_request(d, method, method_name, d->local_cseq + 1, via);
	if (b)
		d->local_cseq++;
	return b;
}

struct sip_build *sip_dialog_ack(struct sip_dialog *d, uint32_t cseq,
				 const struct sip_dialog_via *via)
{
	return build_request(d, SIP_METHOD_ACK, NULL, cseq, via);
}

/* ---------------------------------------------------------------- 2xx retransmission */

/* T1, 2T1, 4T1 ... capped at T2 (13.3.1.4), over UDP only. */
static void on_2xx_retx(struct sim *sim, void *arg)
{
	struct sip_dialog *d = arg;

	d->retx++;
	sip_transport_respond(d->tp, d->invite, &d->src, d->resp);
	d->interval = MIN(2 * d->interval, sip_transport_timers(d->tp)->t2);
	sim_timer_start(sim, &d->t_retx, d->interval, on_2xx_retx, d);
}

/* 64*T1 and no ACK: give up and tell the TU (it should send BYE). */
static void on_2xx_giveup(struct sim *sim, void *arg)
{
	struct sip_dialog *d = arg;
	sip_dialog_noack_h *h = d->noack_h;

	(void)sim;
	stop_2xx(d);
	d->noack_h = NULL;
	if (h)
		h(d, d->noack_arg);
}

int sip_dialog_send_2xx(struct sip_dialog *d, struct sip_strans *st, GBytes *resp,
			sip_dialog_noack_h *noack, void *arg)
{
	const struct sip_msg *req = sip_strans_request(st);
	struct sip_transport *tp = sip_strans_transport(st);
	struct sip_msg *msg = NULL;
	const struct sip_timers *t;
	uint16_t code;
	int rc;

	if (sip_msg_method(req) != SIP_METHOD_INVITE || !tp)
		return EINVAL;
	if (sip_msg_parse(&msg, resp) != 0)
		return EINVAL;
	code = sip_msg_status(msg);
	sip_msg_unref(msg);
	if (code < 200 || code >= 300)
		return EINVAL;
	if (d->resp)
		return EBUSY;
	/* ST ends with this reply; keep what the retransmission needs first. */
	d->invite = sip_msg_ref((struct sip_msg *)req);
	d->src = *sip_strans_src(st);
	rc = sip_strans_reply(st, resp);
	if (rc != 0) {
		sip_msg_unref(d->invite);
		d->invite = NULL;
		return rc;
	}
	d->tp = tp;
	d->sim = sip_transport_sim(tp);
	d->resp = g_bytes_ref(resp);
	d->retx = 0;
	d->noack_h = noack;
	d->noack_arg = arg;
	if (d->state == SIP_DIALOG_EARLY)
		d->state = SIP_DIALOG_CONFIRMED;
	t = sip_transport_timers(tp);
	d->interval = t->t1;
	if (d->src.proto == SIM_NET_UDP)
		sim_timer_start(d->sim, &d->t_retx, d->interval, on_2xx_retx, d);
	sim_timer_start(d->sim, &d->t_giveup, 64 * t->t1, on_2xx_giveup, d);
	return 0;
}

int sip_dialog_ack_received(struct sip_dialog *d, const struct sip_msg *ack)
{
	if (!d->resp || sip_msg_method(ack) != SIP_METHOD_ACK ||
	    !sip_dialog_match_request(d, ack) ||
	    sip_msg_cseq(ack)->num != sip_msg_cseq(d->invite)->num)
		return ENOENT;
	stop_2xx(d);
	return 0;
}

bool sip_dialog_is_invite_retransmission(const struct sip_dialog *d, const struct sip_msg *req)
{
	const struct sip_msg *inv = d->invite;

	return inv && sip_msg_method(req) == SIP_METHOD_INVITE &&
	       sip_pl_eq(sip_msg_callid(req), sip_msg_callid(inv)) &&
	       sip_pl_eq(sip_msg_from(req)->tag, sip_msg_from(inv)->tag) &&
	       sip_msg_cseq(req)->num == sip_msg_cseq(inv)->num &&
	       sip_pl_eq(sip_msg_via(req)->branch, sip_msg_via(inv)->branch);
}

bool sip_dialog_2xx_pending(const struct sip_dialog *d) { return d->resp != NULL; }
unsigned sip_dialog_2xx_retransmissions(const struct sip_dialog *d) { return d->retx; }

/* ---------------------------------------------------------------- accessors */

enum sip_dialog_state sip_dialog_state(const struct sip_dialog *d) { return d->state; }
bool sip_dialog_is_uac(const struct sip_dialog *d) { return d->uac; }
const char *sip_dialog_call_id(const struct sip_dialog *d) { return d->call_id; }
const char *sip_dialog_local_tag(const struct sip_dialog *d) { return d->local_tag; }
const char *sip_dialog_remote_tag(const struct sip_dialog *d) { return d->remote_tag; }
uint32_t sip_dialog_local_cseq(const struct sip_dialog *d) { return d->local_cseq; }
int64_t sip_dialog_remote_cseq(const struct sip_dialog *d) { return d->remote_cseq; }
const char *sip_dialog_remote_target(const struct sip_dialog *d) { return d->remote_target; }
const char *sip_dialog_local_uri(const struct sip_dialog *d) { return d->local_uri; }
const char *sip_dialog_remote_uri(const struct sip_dialog *d) { return d->remote_uri; }
size_t sip_dialog_route_count(const struct sip_dialog *d) { return d->routes->len; }

const char *sip_dialog_route_at(const struct sip_dialog *d, size_t i)
{
	return i < d->routes->len ? g_ptr_array_index(d->routes, i) : NULL;
}
