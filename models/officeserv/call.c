/*
 * call.c - the OfficeServ's call control: a back-to-back user agent (CALL-02) between SIP
 * stations, trunk-like SIP callers, digital phones and ISDN trunk channels. Every call is two
 * legs (call_priv.h); the server answers the caller as UAS and reaches the callee as UAC, and
 * media.c decides where the RTP flows.
 *
 * A call's life:
 *   INVITE from a phone -> 100 Trying at once (CALL-03) -> who calls (CALL-06: a registered Tel
 *   Number in From is a station, without a password check, REG-07; anyone else is a trunk-like
 *   caller, CALL-07) -> OFFERED -> routing of the Request-URI user (CALL-01): a SIP station
 *   (busy: 486, CALL-05; not registered: CFU once with Diversion, CFU-01, else 480, CALL-04), a
 *   digital phone (ring), a trunk access code (REG-08: only from the caller's registered source
 *   IP, else 403; then SETUP on a free B channel), a feature code (480, FC-02; 403 from a
 *   trunk-like caller), a proper prefix of a number (484), anything else (404) -> media path and
 *   pool units (media.c) -> INVITE to the callee or ring -> 180 relayed (ALERTING) -> the
 *   callee's 200 is ACKed and our 200 goes to the caller; its ACK makes the call ANSWERED.
 *   A failure of the callee leg is relayed with the same code; Timer B becomes 408 (NATC-02).
 *   CANCEL from the caller: 200, 487, and a CANCEL on the callee leg (sent once the callee has
 *   answered provisionally, RFC 3261 9.1). BYE from either side: 200, BYE to the other side.
 *   Each SIP dialog the call owns (the caller's, and each callee INVITE under a new Call-ID) is
 *   published once as SIM_CALL_LEG with its Call-ID, so that outputs can tell which datagrams
 *   belong to which call without reading the server's state.
 * A TDM leg sends no SIP: its user's actions are ACTION notes on its lane ("off-hook",
 * "dial 2001", "answer", "hook on") and what the server does to it SIGNAL notes ("ring",
 * "ring stop", "ringback tone", "busy tone", "reorder tone", "connect", "disconnect"); an
 * ISDN trunk exchanges Q.931 message names instead (SETUP, ALERTING, CONNECT, DISCONNECT,
 * RELEASE, each in its real direction). A digital phone whose own call fails hears busy or
 * reorder tone and stays off-hook, and busy, until its user hangs up; one whose conversation the
 * other side clears is told "disconnect" and is idle again at once.
 *
 * Busy bookkeeping: a station's port->call and a TDM endpoint's call/busy are set when a call is
 * routed to or from it and cleared when it ends. A station that already holds a call may still
 * place another (CALL-05 suggestion, CONF-04); port->call then keeps the first and passes to the
 * other live call when the first ends. Licences limit registrations, never calls (LIC-05).
 *
 * Calls are kept in os->calls (oldest first) and found by a linear scan: a handful of calls per
 * station at most, and the scan is cheaper than keeping a dialog index in step.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "models/officeserv/call_priv.h"
#include "models/sip/build.h"
#include "models/sip/dialog.h"
#include "models/sip/sdp.h"

/* Methods call control offers (Allow in INVITEs and 2xx). */
#define CALL_ALLOW "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO"

static void call_done(struct os_call *c);
static void call_fail(struct os_call *c, uint16_t code, const char *cause);

/* ------------------------------------------------------------------ small helpers */

/* "UDP", "TCP", "TLS" for a Via. */
static const char *call_proto_name(enum sim_net_proto p)
{
	return p == SIM_NET_TCP ? "TCP" : p == SIM_NET_TLS ? "TLS" : "UDP";
}

/* The server's SIP port for PROTO (STK-02, TLS-03). */
static uint16_t call_sig_port(const struct officeserv *os, enum sim_net_proto proto)
{
	return (uint16_t)(proto == SIM_NET_TLS ? os->dm->options.tls_port
					       : os->dm->options.signal_port);
}

/* The lane of the host at IP, or the address as text when no host has it (g_free it). */
static char *call_lane_of_ip(const struct officeserv *os, uint32_t ip)
{
	struct sim_host *h = sim_net_host_by_ip(os->net, ip);
	char buf[16];

	return g_strdup(h != NULL ? sim_host_name(h) : sim_ip_str(ip, buf, sizeof(buf)));
}

/* A station's lane: the host its Contact names, else its packet source (a NAT's public address
 * names the NAT, not the phone behind it). */
static char *call_lane_of_port(const struct officeserv *os, const struct os_port *p)
{
	if (p->contact.ip != 0 && sim_net_host_by_ip(os->net, p->contact.ip) != NULL)
		return call_lane_of_ip(os, p->contact.ip);
	return call_lane_of_ip(os, p->source.ip);
}

/* Publishes a SIM_TRACE_CALL point of C. */
static void call_trace(struct os_call *c, enum sim_call_event ev, uint16_t status,
		       const char *cause)
{
	struct sim_trace_call t = {
		.event = ev, .call = c->id, .caller = c->a.lane, .callee = c->b.lane,
		.dialled = c->dialled, .status = status, .cause = cause,
		.media = ev == SIM_CALL_ANSWERED ? os_media_name(c->media) : NULL,
	};

	os_trace_call(c->os, &t);
}

/* Publishes SIM_CALL_LEG: the SIP dialog with Call-ID ID (LEN octets) is now a leg of C. */
static void call_trace_leg(struct os_call *c, const char *id, size_t len)
{
	struct sim_trace_call t = {
		.event = SIM_CALL_LEG, .call = c->id, .caller = c->a.lane, .callee = c->b.lane,
		.dialled = c->dialled,
	};
	char *s;

	if (len == 0 || !sim_trace_wanted(c->os->sim, SIM_TRACE_CALL))
		return;
	s = g_strndup(id, len);
	t.call_id = s;
	os_trace_call(c->os, &t);
	g_free(s);
}

/* A SIGNAL note FROM -> TO. */
static void call_signal(struct os_call *c, const char *from, const char *to, const char *text)
{
	sim_trace_note(c->os->sim, SIM_NOTE_SIGNAL, from, to, text, 0);
}

/* A signal from the server to the TDM leg L. */
static void call_signal_to(struct os_call *c, const struct os_leg *l, const char *text)
{
	call_signal(c, c->os->cfg.name, l->lane, text);
}

/* An ACTION note on the lane of T. */
static void call_action(struct officeserv *os, const struct os_tdm *t, const char *text)
{
	sim_trace_note(os->sim, SIM_NOTE_ACTION, t->cfg.name, NULL, text, 0);
}

/* L is an ISDN trunk channel. */
static bool leg_trunk(const struct os_leg *l)
{
	return l->kind == OS_LEG_TDM && l->tdm->cfg.kind == OFFICESERV_TDM_ISDN_TRUNK;
}

/* The Q.931 clearing of trunk leg L started by the server: DISCONNECT out, RELEASE back. */
static void call_trunk_clear(struct os_call *c, const struct os_leg *l)
{
	call_signal(c, c->os->cfg.name, l->lane, "DISCONNECT");
	call_signal(c, l->lane, c->os->cfg.name, "RELEASE");
}

/* ------------------------------------------------------------------ calls and their legs */

static struct os_call *call_new(struct officeserv *os)
{
	gsl_rng *r = sim_entity_rng(&os->ent);
	struct os_call *c = g_new0(struct os_call, 1);

	c->os = os;
	c->id = ++os->next_call;
	sim_timer_init(&c->timer);
	c->a.sess_id = gsl_rng_get(r);
	c->b.sess_id = gsl_rng_get(r);
	sip_build_tag(c->a.tag, r);
	sip_build_tag(c->b.tag, r);
	os->calls = g_list_append(os->calls, c);
	return c;
}

/* Another live call (not C) that involves port P, newest first, or NULL. */
static struct os_call *call_other_on_port(struct officeserv *os, const struct os_port *p,
					  const struct os_call *c)
{
	for (GList *l = g_list_last(os->calls); l != NULL; l = l->prev) {
		struct os_call *o = l->data;

		if (o != c && o->state < OS_CALL_CLEARING &&
		    ((o->a.port == p && o->a.holds_port) || (o->b.port == p && o->b.holds_port)))
			return o;
	}
	return NULL;
}

/* Another call (not C) holding TDM endpoint T, newest first, or NULL. */
static struct os_call *call_other_on_tdm(struct officeserv *os, const struct os_tdm *t,
					 const struct os_call *c)
{
	for (GList *l = g_list_last(os->calls); l != NULL; l = l->prev) {
		struct os_call *o = l->data;

		if (o != c && ((o->a.tdm == t && o->a.seized) || (o->b.tdm == t && o->b.seized)))
			return o;
	}
	return NULL;
}

/* Marks L's station busy with C (unless it already holds another call, CALL-05 note above). */
static void leg_hold_port(struct os_call *c, struct os_leg *l)
{
	l->holds_port = true;
	if (l->port->call == NULL)
		l->port->call = c;
}

/* Seizes TDM endpoint T for leg L of C: the phone, or one B channel. */
static void leg_seize(struct os_call *c, struct os_leg *l, struct os_tdm *t)
{
	l->kind = OS_LEG_TDM;
	l->tdm = t;
	g_free(l->lane);
	l->lane = g_strdup(t->cfg.name);
	l->seized = true;
	t->busy++;
	t->call = c;
}

/* Gives back what leg L of C holds in the registrar's and TDM bookkeeping; a lingering digital
 * phone keeps its seizure until hook on. */
static void leg_release(struct os_call *c, struct os_leg *l)
{
	if (l->holds_port) {
		l->holds_port = false;
		if (l->port->call == c)
			l->port->call = call_other_on_port(c->os, l->port, c);
	}
	if (l->seized && !l->linger) {
		l->seized = false;
		l->tdm->busy--;
		if (l->tdm->call == c)
			l->tdm->call = call_other_on_tdm(c->os, l->tdm, c);
	}
}

/* Everything C holds goes back: pool units, busy marks. */
static void call_release(struct os_call *c)
{
	os_media_release(c);
	leg_release(c, &c->a);
	leg_release(c, &c->b);
}

/* Frees leg L's SIP state silently. */
static void leg_free(struct os_leg *l)
{
	if (l->st != NULL) {
		sip_strans_detach(l->st);
		sip_strans_unref(l->st);
	}
	if (l->ct != NULL) {
		sip_ctrans_detach(l->ct);
		sip_ctrans_unref(l->ct);
	}
	sip_dialog_free(l->dlg);
	sip_sdp_free(l->sdp);
	if (l->ack != NULL)
		g_bytes_unref(l->ack);
	g_free(l->lane);
	g_free(l->number);
}

/* Removes C from the server and frees it (its units and marks go back first). */
static void call_free(struct os_call *c)
{
	c->state = OS_CALL_ENDED;
	c->a.linger = false;
	c->b.linger = false;
	call_release(c);
	c->os->calls = g_list_remove(c->os->calls, c);
	sim_timer_cancel(c->os->sim, &c->timer);
	leg_free(&c->a);
	leg_free(&c->b);
	g_free(c->dialled);
	g_free(c->diverted);
	g_free(c);
}

/* Frees C once it is over and nothing of it remains in flight. */
static void call_done(struct os_call *c)
{
	if (c->state == OS_CALL_ENDED && !c->a.linger && !c->b.linger && c->b.ct == NULL)
		call_free(c);
}

/* Drops our hold on B's INVITE client transaction. */
static void leg_drop_ct(struct os_leg *l)
{
	if (l->ct == NULL)
		return;
	sip_ctrans_detach(l->ct);
	sip_ctrans_unref(l->ct);
	l->ct = NULL;
}

/* ------------------------------------------------------------------ SIP on the legs */

/* Adds the server's Contact towards leg L, with USER as its user part. */
static void leg_contact(struct sip_build *b, const struct officeserv *os, const struct os_leg *l,
			const char *user)
{
	const char *tp = l->proto == SIM_NET_TCP ? ";transport=tcp" :
			 l->proto == SIM_NET_TLS ? ";transport=tls" : "";

	sip_build_hdrf(b, SIP_HDR_CONTACT, "<sip:%s@%s:%u%s>", user, os_media_addr(os, l, false),
		       call_sig_port(os, l->proto), tp);
}

/* Our Via towards leg L, with a fresh branch in BRANCH. */
static struct sip_dialog_via leg_via(struct officeserv *os, const struct os_leg *l,
				     char branch[SIP_BRANCH_SIZE])
{
	sip_build_branch(branch, sim_entity_rng(&os->ent));
	return (struct sip_dialog_via){ call_proto_name(l->proto), os_media_addr(os, l, false),
					call_sig_port(os, l->proto), branch, true };
}

/* Sends an in-dialog request METHOD on leg L (BYE), answers ignored. */
static void leg_request(struct os_call *c, struct os_leg *l, enum sip_method method)
{
	char branch[SIP_BRANCH_SIZE];
	struct sip_dialog_via via = leg_via(c->os, l, branch);
	struct sip_build *b;
	struct sip_ctrans *ct;
	GBytes *req;

	if (l->dlg == NULL || (b = sip_dialog_request(l->dlg, method, NULL, &via)) == NULL)
		return;
	/* The transaction runs on; a lost BYE is the phone's problem, as in a real B2BUA that
	 * has already released the call. */
	req = sip_build_finish(b, NULL, NULL, 0);
	(void)sip_ctrans_new(&ct, c->os->tp, req, &l->dst, l->proto, NULL, NULL, NULL);
	g_bytes_unref(req);
}

/* Sends a response CODE (100-699) to A's INVITE with BODY (an SDP, may be NULL). Finals end our
 * hold on the transaction; a 2xx makes A's dialog and is retransmitted until the ACK. */
static void caller_reply(struct os_call *c, uint16_t code, GBytes *body);

/* 13.3.1.4: no ACK for our 2xx within 64*T1: the call is dead, clear both sides. */
static void caller_noack(struct sip_dialog *d, void *arg)
{
	struct os_call *c = arg;

	(void)d;
	os_media_down(c);
	if (!c->a.gone)
		leg_request(c, &c->a, SIP_METHOD_BYE);
	if (c->b.kind == OS_LEG_SIP)
		leg_request(c, &c->b, SIP_METHOD_BYE);
	else if (leg_trunk(&c->b))
		call_trunk_clear(c, &c->b);
	else if (c->b.kind == OS_LEG_TDM)
		call_signal_to(c, &c->b, "disconnect");
	call_trace(c, SIM_CALL_FAILED, 0, "timeout");
	c->os->stats.calls_failed++;
	c->state = OS_CALL_ENDED;
	call_release(c);
	call_done(c);
}

/* Answers A's INVITE with CODE and BODY (see the declaration above). */
static void caller_reply(struct os_call *c, uint16_t code, GBytes *body)
{
	struct os_leg *a = &c->a;
	struct sip_build *b;
	struct sip_msg *msg = NULL;
	GBytes *bytes;

	if (a->st == NULL)
		return;
	b = sip_strans_reply_build(a->st, code, NULL, code > 100 ? a->tag : NULL);
	if (b == NULL)
		return;
	if (code > 100 && code < 300)
		leg_contact(b, c->os, a, c->dialled);
	if (code >= 200 && code < 300)
		sip_build_hdr(b, SIP_HDR_ALLOW, CALL_ALLOW);
	bytes = body != NULL ? sip_build_finish(b, "application/sdp", g_bytes_get_data(body, NULL),
						g_bytes_get_size(body))
			     : sip_build_finish(b, NULL, NULL, 0);
	if (code < 200) {
		(void)sip_strans_reply(a->st, bytes);
	} else if (code < 300) {
		if (sip_msg_parse(&msg, bytes) == 0 &&
		    sip_dialog_new_uas(&a->dlg, sip_strans_request(a->st), msg) == 0)
			(void)sip_dialog_send_2xx(a->dlg, a->st, bytes, caller_noack, c);
		sip_msg_unref(msg);
	} else {
		(void)sip_strans_reply(a->st, bytes);
	}
	g_bytes_unref(bytes);
	if (code >= 200) {
		sip_strans_unref(a->st);
		a->st = NULL;
	}
}

static void callee_response(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg);
static void callee_error(struct sip_ctrans *ct, int err, void *arg);

/* Sends (again, after a 488: MGI-03) the INVITE to the SIP callee B. Returns 0, or the
 * transport's error (nothing was sent). */
static int callee_invite(struct os_call *c)
{
	struct officeserv *os = c->os;
	struct os_leg *b = &c->b;
	const char *host = os_media_addr(os, b, false);
	char branch[SIP_BRANCH_SIZE];
	struct sip_build *bld;
	struct sip_ctrans *ct;
	GBytes *body, *bytes;
	int rc;

	if (b->call_id[0] == '\0') {
		sip_build_callid(b->call_id, sim_entity_rng(&os->ent), os->mp);
		/* A new Call-ID is a new leg of C; the MGI-03 retry keeps it (RFC 3261 8.1.3.5:
		 * a new request of the same call, CSeq + 1), so it is no new leg. */
		call_trace_leg(c, b->call_id, strlen(b->call_id));
	}
	b->cseq++;
	b->provisional = false;
	sip_build_branch(branch, sim_entity_rng(&os->ent));
	bld = sip_build_request(SIP_METHOD_INVITE, NULL, b->port->contact_uri);
	if (bld == NULL)
		return EINVAL;
	sip_build_via(bld, call_proto_name(b->proto), host, call_sig_port(os, b->proto), branch,
		      true);
	sip_build_hdr(bld, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_hdrf(bld, SIP_HDR_FROM, "<sip:%s@%s>;tag=%s", c->a.number, host, b->tag);
	sip_build_hdrf(bld, SIP_HDR_TO, "<sip:%s@%s>", c->dialled, host);
	sip_build_hdr(bld, SIP_HDR_CALL_ID, b->call_id);
	sip_build_cseq(bld, b->cseq, SIP_METHOD_INVITE, NULL);
	leg_contact(bld, os, b, c->a.number);
	/* DIV-01 / CFU-01 suggestion: RFC 5806, reason unavailable for a forward on no binding. */
	if (c->diverted != NULL)
		sip_build_hdrf(bld, SIP_HDR_DIVERSION, "<sip:%s@%s>;reason=unavailable;counter=1",
			       c->diverted, host);
	sip_build_hdr(bld, SIP_HDR_ALLOW, CALL_ALLOW);
	body = os_media_offer(c);
	bytes = body != NULL ? sip_build_finish(bld, "application/sdp",
						g_bytes_get_data(body, NULL),
						g_bytes_get_size(body))
			     : sip_build_finish(bld, NULL, NULL, 0);
	if (body != NULL)
		g_bytes_unref(body);
	rc = sip_ctrans_new(&ct, os->tp, bytes, &b->dst, b->proto, callee_response, callee_error,
			    c);
	g_bytes_unref(bytes);
	if (rc == 0)
		b->ct = sip_ctrans_ref(ct);
	return rc;
}

/* RFC 3261 9.1: if the cancelled INVITE gets no final answer within 64*T1, forget it. */
static void callee_cancel_timeout(struct sim *sim, void *arg)
{
	struct os_call *c = arg;

	(void)sim;
	leg_drop_ct(&c->b);
	c->state = OS_CALL_ENDED;
	call_done(c);
}

/* CANCELs B's pending INVITE (9.1: only once a provisional response came). */
static void callee_cancel(struct os_call *c)
{
	struct os_leg *b = &c->b;
	struct sip_ctrans *ct;
	GBytes *bytes;

	if (b->ct == NULL)
		return;
	if (!b->provisional) {
		b->cancel_pending = true;
		return;
	}
	b->cancel_pending = false;
	bytes = sip_build_cancel(sip_ctrans_request(b->ct));
	if (bytes != NULL) {
		(void)sip_ctrans_new(&ct, c->os->tp, bytes, &b->dst, b->proto, NULL, NULL, NULL);
		g_bytes_unref(bytes);
	}
	sim_timer_start(c->os->sim, &c->timer, 64 * sip_transport_timers(c->os->tp)->t1,
			callee_cancel_timeout, c);
}

/* ------------------------------------------------------------------ the call's steps */

/* The callee rings: 180 to a SIP caller, ringback or ALERTING to a TDM one. */
static void call_alerting(struct os_call *c)
{
	if (c->alerted || c->state != OS_CALL_SETUP)
		return;
	c->alerted = true;
	if (c->a.kind == OS_LEG_SIP)
		caller_reply(c, 180, NULL);
	else if (leg_trunk(&c->a))
		call_signal_to(c, &c->a, "ALERTING");
	else
		call_signal_to(c, &c->a, "ringback tone");
	call_trace(c, SIM_CALL_ALERTING, 0, NULL);
}

/* The conversation starts. */
static void call_answered(struct os_call *c)
{
	c->state = OS_CALL_ACTIVE;
	c->answered = true;
	c->os->stats.calls_answered++;
	call_trace(c, SIM_CALL_ANSWERED, 0, NULL);
	os_media_up(c);
}

/* The callee answered (its 2xx is ACKed, or the TDM callee connected): our 200 to a SIP caller,
 * which its ACK confirms, or CONNECT / connect to a TDM caller at once. */
static void call_connect(struct os_call *c)
{
	GBytes *body;

	if (c->a.kind == OS_LEG_SIP) {
		body = os_media_answer_caller(c);
		c->state = OS_CALL_CONNECTING;
		caller_reply(c, 200, body);
		if (body != NULL)
			g_bytes_unref(body);
		return;
	}
	call_signal_to(c, &c->a, leg_trunk(&c->a) ? "CONNECT" : "connect");
	call_answered(c);
}

/* Abandons the callee side of C during setup: CANCEL a SIP callee (C stays CLEARING until its
 * INVITE ends), stop a ringing phone, clear a trunk channel. */
static void call_abort_callee(struct os_call *c)
{
	struct os_leg *b = &c->b;

	switch (b->kind) {
	case OS_LEG_SIP:
		if (b->ct != NULL) {
			callee_cancel(c);
			c->state = OS_CALL_CLEARING;
		} else if (b->dlg != NULL) {
			leg_request(c, b, SIP_METHOD_BYE);
		}
		break;
	case OS_LEG_TDM:
		if (b->gone || !b->seized || !b->signalled)
			break;
		if (leg_trunk(b)) {
			call_trunk_clear(c, b);
		} else if (b->answered) {
			call_signal_to(c, b, "disconnect");
		} else {
			call_signal_to(c, b, "ring stop");
		}
		break;
	case OS_LEG_NONE:
		break;
	}
}

/* C fails before answer with CODE (to a SIP caller) and CAUSE; tones or Q.931 clearing for a
 * TDM caller, who hears busy for "busy" and reorder otherwise (CALL-04, MGI-09 suggestions). */
static void call_fail(struct os_call *c, uint16_t code, const char *cause)
{
	struct os_leg *a = &c->a;
	uint16_t status = 0;

	if (c->state >= OS_CALL_CLEARING)
		return;
	if (a->kind == OS_LEG_SIP) {
		status = a->st != NULL ? code : 0;
		caller_reply(c, code, NULL);
	} else if (!a->gone && leg_trunk(a)) {
		call_trunk_clear(c, a);
	} else if (!a->gone) {
		call_signal_to(c, a, strcmp(cause, "busy") == 0 ? "busy tone" : "reorder tone");
		a->linger = true;
	}
	c->os->stats.calls_failed++;
	call_trace(c, SIM_CALL_FAILED, status, cause);
	c->state = OS_CALL_ENDED;
	call_abort_callee(c);
	call_release(c);
	call_done(c);
}

/* C ends after answer because leg FROM hung up (BYE, hook on, DISCONNECT); the other side is
 * cleared. */
static void call_end(struct os_call *c, struct os_leg *from)
{
	struct os_leg *other = from == &c->a ? &c->b : &c->a;

	if (c->state >= OS_CALL_CLEARING)
		return;
	from->gone = true;
	os_media_down(c);
	if (other->kind == OS_LEG_SIP) {
		leg_request(c, other, SIP_METHOD_BYE);
	} else if (leg_trunk(other)) {
		call_trunk_clear(c, other);
	} else if (other->kind == OS_LEG_TDM) {
		/* The keyset goes back to idle by itself (speakerphone habit). */
		call_signal_to(c, other, "disconnect");
	}
	if (c->answered) {
		call_trace(c, SIM_CALL_ENDED, 0, NULL);
	} else {
		/* Cleared between our 200 and its ACK. */
		c->os->stats.calls_failed++;
		call_trace(c, SIM_CALL_FAILED, 0, "cancelled");
	}
	c->state = OS_CALL_ENDED;
	call_release(c);
	call_done(c);
}

/* ------------------------------------------------------------------ routing */

/* D is a proper prefix of ENTRY (CALL-01 suggestion: 484). */
static bool call_prefix_of(const char *d, const char *entry)
{
	size_t n = strlen(d);

	return entry != NULL && n > 0 && n < strlen(entry) && strncmp(entry, d, n) == 0;
}

/* DIGITS start with a number-plan feature code (FC-01, FC-03). */
static bool call_feature(const struct officeserv *os, const char *digits)
{
	for (size_t f = 0; f < OS_DM_FEAT_MAX; f++) {
		const char *code = os->dm->plan.feature[f];

		if (code != NULL && code[0] != '\0' && g_str_has_prefix(digits, code))
			return true;
	}
	return false;
}

/* DIGITS name a feature code and no number that comes before features in routing. */
static bool call_feature_only(struct officeserv *os, const char *digits)
{
	size_t n = strlen(digits);

	return os_port_find(os, digits, n) == NULL && os_tdm_by_station(os, digits, n) == NULL &&
	       os_tdm_by_access_code(os, digits) == NULL && call_feature(os, digits);
}

/* DIGITS are a proper prefix of a number in the plan: a station, an access code, a feature. */
static bool call_incomplete(const struct officeserv *os, const char *digits)
{
	for (size_t i = 0; i < os->n_ports; i++)
		if (call_prefix_of(digits, os->ports[i].st->tel))
			return true;
	for (size_t i = 0; i < os->n_tdm; i++)
		if (call_prefix_of(digits, os->tdm[i].cfg.station) ||
		    call_prefix_of(digits, os->tdm[i].cfg.access_code))
			return true;
	for (size_t f = 0; f < OS_DM_FEAT_MAX; f++)
		if (call_prefix_of(digits, os->dm->plan.feature[f]))
			return true;
	return false;
}

/* The caller of C is no station: a trunk-like SIP caller (CALL-07) or an ISDN trunk. */
static bool call_from_trunk(const struct os_call *c)
{
	return (c->a.kind == OS_LEG_SIP && c->a.port == NULL) || leg_trunk(&c->a);
}

/* Decides C's media path; fails C when that is impossible. */
static bool call_route_media(struct os_call *c)
{
	const char *cause;
	uint16_t code = os_media_route(c, &cause);

	if (code != 0) {
		call_fail(c, code, cause);
		return false;
	}
	return true;
}

static void call_route_dgp(struct os_call *c, struct os_tdm *t);

/* Routes C to SIP station P; DEPTH 1 once CFU has been applied (no chains, no loops). */
static void call_route_station(struct os_call *c, struct os_port *p, int depth)
{
	struct officeserv *os = c->os;
	struct os_leg *b = &c->b;
	const char *cfu = p->st->cfu;
	int rc;

	if (p->status != OS_PORT_REGISTERED) {
		/* CALL-04, CFU-01: no INVITE to an unregistered station; its CFU takes the call. */
		if (depth == 0 && cfu != NULL && cfu[0] != '\0') {
			struct os_port *q = os_port_find(os, cfu, strlen(cfu));
			struct os_tdm *t = os_tdm_by_station(os, cfu, strlen(cfu));

			c->diverted = g_strdup(p->st->tel);
			if (q != NULL && q != p) {
				call_route_station(c, q, 1);
				return;
			}
			if (t != NULL && t->cfg.kind == OFFICESERV_TDM_DIGITAL_PHONE) {
				call_route_dgp(c, t);
				return;
			}
		}
		call_fail(c, 480, "unreachable");
		return;
	}
	b->kind = OS_LEG_SIP;
	b->port = p;
	b->lane = call_lane_of_port(os, p);
	if (p->call != NULL) {
		call_fail(c, 486, "busy");                      /* CALL-05, CW-01 */
		return;
	}
	b->number = g_strdup(p->st->tel);
	b->dst = os_port_target(p);                             /* NATC-01..03 */
	b->proto = p->proto;
	b->public = os_port_public(p);
	leg_hold_port(c, b);
	if (!call_route_media(c))
		return;
	rc = callee_invite(c);
	if (rc != 0)
		call_fail(c, 480, "unreachable");       /* nothing listens there (TCP refused) */
}

/* Routes C to digital phone T: it rings at once. */
static void call_route_dgp(struct os_call *c, struct os_tdm *t)
{
	if (t->call != NULL || t->busy > 0) {
		g_free(c->b.lane);
		c->b.lane = g_strdup(t->cfg.name);
		call_fail(c, 486, "busy");
		return;
	}
	leg_seize(c, &c->b, t);
	c->b.number = g_strdup(t->cfg.station);
	if (!call_route_media(c))
		return;
	call_signal_to(c, &c->b, "ring");
	c->b.signalled = true;
	call_alerting(c);
}

/* Routes C out on trunk T with the digits after its access code. */
static void call_route_trunk(struct os_call *c, struct os_tdm *t, const char *digits)
{
	char setup[64];

	if (t->busy >= t->cfg.channels) {
		g_free(c->b.lane);
		c->b.lane = g_strdup(t->cfg.name);
		call_fail(c, 486, "busy");                      /* every B channel in use */
		return;
	}
	leg_seize(c, &c->b, t);
	c->b.number = g_strdup(digits);
	if (!call_route_media(c))
		return;
	g_snprintf(setup, sizeof(setup), "SETUP %s", digits);
	call_signal_to(c, &c->b, setup);
	c->b.signalled = true;
	/* The public network's far end is not simulated: it alerts at once, and its answer and
	 * clearing are the trunk's user actions (officeserv_tdm_answer / _hang_up). */
	call_signal(c, c->b.lane, c->os->cfg.name, "ALERTING");
	call_alerting(c);
}

/* Routes C by its dialled digits (CALL-01). SRC_IP: a SIP caller's packet source (REG-08). */
static void call_route(struct os_call *c, uint32_t src_ip)
{
	struct officeserv *os = c->os;
	const char *d = c->dialled;
	struct os_port *p = os_port_find(os, d, strlen(d));
	struct os_tdm *t;

	if (p != NULL) {
		call_route_station(c, p, 0);
		return;
	}
	t = os_tdm_by_station(os, d, strlen(d));
	if (t != NULL && t->cfg.kind == OFFICESERV_TDM_DIGITAL_PHONE) {
		call_route_dgp(c, t);
		return;
	}
	t = os_tdm_by_access_code(os, d);
	if (t != NULL) {
		const char *rest = d + strlen(t->cfg.access_code);

		if (call_from_trunk(c)) {
			call_fail(c, 403, "forbidden");         /* CALL-07: no trunk from a trunk */
		} else if (c->a.kind == OS_LEG_SIP && c->a.port->source.ip != src_ip) {
			call_fail(c, 403, "forbidden");         /* REG-08 */
		} else if (rest[0] == '\0') {
			call_fail(c, 484, "not found");
		} else {
			call_route_trunk(c, t, rest);
		}
		return;
	}
	if (call_feature(os, d)) {
		/* Stations' feature codes never get here (os_call_request answers them); a
		 * trunk-like caller gets none (CALL-07), and digital phones' codes are not
		 * modelled yet. */
		call_fail(c, 403, "forbidden");
		return;
	}
	if (call_incomplete(os, d))
		call_fail(c, 484, "not found");
	else
		call_fail(c, 404, "not found");
}

/* ------------------------------------------------------------------ the callee's answers */

/* Sends the ACK for B's 2xx and keeps it for the 2xx's retransmissions (13.2.2.4). */
static void callee_ack(struct os_call *c, uint32_t cseq)
{
	char branch[SIP_BRANCH_SIZE];
	struct sip_dialog_via via = leg_via(c->os, &c->b, branch);
	struct sip_build *b = sip_dialog_ack(c->b.dlg, cseq, &via);

	if (b == NULL)
		return;
	if (c->b.ack != NULL)
		g_bytes_unref(c->b.ack);
	c->b.ack = sip_build_finish(b, NULL, NULL, 0);
	(void)sip_transport_send(c->os->tp, c->b.proto, &c->b.dst, c->b.ack);
}

/* B's 2xx to our INVITE. */
static void callee_2xx(struct os_call *c, struct sip_ctrans *ct, const struct sip_msg *resp)
{
	if (c->b.dlg == NULL &&
	    sip_dialog_new_uac(&c->b.dlg, sip_ctrans_request(ct), resp) != 0) {
		/* A 2xx without a To tag makes no dialog: nothing to ACK or BYE in it. */
		if (c->state == OS_CALL_SETUP) {
			call_fail(c, 502, "rejected");
		} else {
			c->state = OS_CALL_ENDED;
			call_done(c);
		}
		return;
	}
	callee_ack(c, sip_msg_cseq(resp)->num);
	if (c->state != OS_CALL_SETUP) {
		/* 9.1's race: answered while our CANCEL was on its way. */
		leg_request(c, &c->b, SIP_METHOD_BYE);
		c->state = OS_CALL_ENDED;
		call_done(c);
		return;
	}
	if (os_media_answer(c, resp) != 0) {
		/* An answer we cannot use (no audio): fail the caller; the failure BYEs the callee. */
		call_fail(c, 488, "rejected");
		return;
	}
	call_connect(c);
}

/* B's final 300-699 (ACKed by the transaction). */
static void callee_refused(struct os_call *c, uint16_t code)
{
	const char *cause;

	if (c->state != OS_CALL_SETUP) {
		c->state = OS_CALL_ENDED;               /* the cancelled INVITE's 487 */
		call_done(c);
		return;
	}
	if (code == 488 && !c->transcode_tried &&
	    (c->media == OS_MEDIA_DIRECT || c->media == OS_MEDIA_MPS)) {
		/* MGI-03: no common codec; the MGI transcodes. */
		uint16_t st = os_media_transcode(c, &cause);

		if (st != 0) {
			call_fail(c, st, cause);
			return;
		}
		if (callee_invite(c) != 0)
			call_fail(c, 480, "unreachable");
		return;
	}
	call_fail(c, code, code == 486 || code == 600 ? "busy" : "rejected");
}

/* A response of B's INVITE client transaction. */
static void callee_response(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg)
{
	struct os_call *c = arg;
	uint16_t code = sip_msg_status(resp);

	if (code < 200) {
		c->b.provisional = true;
		if (c->b.cancel_pending) {
			callee_cancel(c);
			return;
		}
		if (code > 100)
			call_alerting(c);
		return;
	}
	/* The final answer ends our interest in the transaction (the ACK of a non-2xx is its). */
	leg_drop_ct(&c->b);
	sim_timer_cancel(c->os->sim, &c->timer);
	/* Each path frees C when it is over: nothing may touch C after them. */
	if (code < 300)
		callee_2xx(c, ct, resp);
	else
		callee_refused(c, code);
}

/* B's INVITE failed: Timer B (RFC 3261 8.1.3.1: as a 408; NATC-02 when the phone is behind a
 * NAT that dropped it) or a transport error (as a 503: the station is unreachable). */
static void callee_error(struct sip_ctrans *ct, int err, void *arg)
{
	struct os_call *c = arg;

	(void)ct;
	leg_drop_ct(&c->b);
	sim_timer_cancel(c->os->sim, &c->timer);
	if (c->state != OS_CALL_SETUP) {
		c->state = OS_CALL_ENDED;
		call_done(c);
	} else if (err == ETIMEDOUT) {
		call_fail(c, 408, c->b.public ? "nat" : "timeout");
	} else {
		call_fail(c, 480, "unreachable");
	}
}

/* ------------------------------------------------------------------ SIP requests */

/* Answers ST with CODE and nothing else (To tag added for finals). */
static void call_reply(struct officeserv *os, struct sip_strans *st, uint16_t code)
{
	char tag[SIP_TAG_SIZE];
	struct sip_build *b;
	GBytes *resp;

	sip_build_tag(tag, sim_entity_rng(&os->ent));
	b = sip_strans_reply_build(st, code, NULL, code > 100 ? tag : NULL);
	if (b == NULL)
		return;
	resp = sip_build_finish(b, NULL, NULL, 0);
	(void)sip_strans_reply(st, resp);
	g_bytes_unref(resp);
}

/* The call and leg whose dialog REQ belongs to, or NULL. */
static struct os_call *call_by_request(struct officeserv *os, const struct sip_msg *req,
				       struct os_leg **legp)
{
	for (GList *l = os->calls; l != NULL; l = l->next) {
		struct os_call *c = l->data;

		if (c->a.dlg != NULL && sip_dialog_match_request(c->a.dlg, req)) {
			*legp = &c->a;
			return c;
		}
		if (c->b.dlg != NULL && sip_dialog_match_request(c->b.dlg, req)) {
			*legp = &c->b;
			return c;
		}
	}
	return NULL;
}

/* REQ (INVITE) repeats one whose 2xx we retransmit: its server transaction ended with that 2xx,
 * so the transport could not match it (RFC 3261's gap that RFC 6026 closes). */
static bool call_invite_retransmitted(struct officeserv *os, const struct sip_msg *req)
{
	for (GList *l = os->calls; l != NULL; l = l->next) {
		struct os_call *c = l->data;

		if (c->a.dlg != NULL && sip_dialog_is_invite_retransmission(c->a.dlg, req))
			return true;
	}
	return false;
}

/* An initial INVITE (no To tag): a new call from a SIP phone. */
static void call_invite(struct officeserv *os, struct sip_strans *st, const struct sip_msg *req,
			const struct sip_transport_src *src)
{
	const struct sip_uri *ruri = sip_msg_ruri(req);
	struct sip_pl from = sip_msg_from(req)->uri.user;
	struct sip_pl body = sip_msg_body(req);
	struct os_port *p = sip_pl_isset(from) ? os_port_find(os, from.p, from.l) : NULL;
	char *dialled = sip_pl_isset(ruri->user) ? sip_pl_dup(ruri->user) : g_strdup("");
	struct os_call *c;

	/* CALL-06 / REG-07: a registered Tel Number in From is that station; no challenge. */
	if (p != NULL && p->status != OS_PORT_REGISTERED)
		p = NULL;                                       /* REG-02, CALL-07 */
	if (p != NULL && call_feature_only(os, dialled)) {
		/* FC-01/FC-02: a station's feature code is answered 480 at once, without 100
		 * Trying and without a dialog, whatever the feature does. (The features themselves
		 * are not modelled here.) */
		call_reply(os, st, 480);
		g_free(dialled);
		return;
	}
	call_reply(os, st, 100);                                /* CALL-03 */

	c = call_new(os);
	c->dialled = dialled;
	c->a.kind = OS_LEG_SIP;
	c->a.port = p;
	c->a.st = sip_strans_ref(st);
	/* The lane is where the INVITE came from; a station's own address names it better when
	 * that is where it registered from (behind a NAT the source is the NAT). */
	c->a.lane = p != NULL && p->source.ip == src->remote.ip ? call_lane_of_port(os, p)
								 : call_lane_of_ip(os, src->remote.ip);
	c->a.number = p != NULL ? g_strdup(p->st->tel)
				: sip_pl_isset(from) ? sip_pl_dup(from) : g_strdup("anonymous");
	c->a.dst = p != NULL ? os_port_target(p) : src->remote;
	c->a.proto = src->proto;
	c->a.public = p != NULL ? os_port_public(p) : os_media_ip_public(os, src->remote.ip);
	if (p != NULL)
		leg_hold_port(c, &c->a);
	if (body.l > 0 && sip_sdp_parse(&c->a.sdp, body.p, body.l, NULL, 0) != 0)
		c->a.sdp = NULL;
	os->stats.calls_offered++;
	call_trace(c, SIM_CALL_OFFERED, 0, NULL);
	/* The caller's dialog is the call's first leg. */
	call_trace_leg(c, sip_msg_callid(req).p, sip_msg_callid(req).l);
	if (c->a.sdp == NULL || sip_sdp_first_audio(c->a.sdp) < 0) {
		/* Late offers are not taken: every simulated phone offers in its INVITE. */
		call_fail(c, 488, "rejected");
		return;
	}
	call_route(c, src->remote.ip);
}

/* CANCEL (RFC 3261 9.2): 200 to it; 487 to the INVITE while it has no final answer. */
static void call_cancel(struct officeserv *os, struct sip_strans *st)
{
	struct sip_strans *inv = sip_strans_cancel_target(st);

	if (inv == NULL) {
		call_reply(os, st, 481);
		return;
	}
	call_reply(os, st, 200);
	for (GList *l = os->calls; l != NULL; l = l->next) {
		struct os_call *c = l->data;

		if (c->a.st == inv && c->state == OS_CALL_SETUP) {
			call_fail(c, 487, "cancelled");
			return;
		}
	}
}

/* BYE: 200, and the other side is cleared. */
static void call_bye(struct officeserv *os, struct sip_strans *st, const struct sip_msg *req)
{
	struct os_leg *leg = NULL;
	struct os_call *c = call_by_request(os, req, &leg);

	if (c == NULL) {
		call_reply(os, st, 481);
		return;
	}
	if (sip_dialog_receive_request(leg->dlg, req) == EPROTO) {
		call_reply(os, st, 500);                        /* 12.2.2: CSeq out of order */
		return;
	}
	call_reply(os, st, 200);
	call_end(c, leg);
}

/* A request for call control: a new call, a CANCEL, a BYE, or something inside a dialog. */
void os_call_request(struct officeserv *os, struct sip_strans *st, const struct sip_msg *req,
		     const struct sip_transport_src *src)
{
	enum sip_method m = sip_msg_method(req);
	struct os_leg *leg = NULL;
	struct os_call *c;

	switch (m) {
	case SIP_METHOD_INVITE:
		if (call_invite_retransmitted(os, req)) {
			sip_strans_discard(st);
			return;
		}
		if (!sip_pl_isset(sip_msg_to(req)->tag)) {
			call_invite(os, st, req, src);
			return;
		}
		/* A re-INVITE (hold, resume, session refresh) is not relayed yet. */
		c = call_by_request(os, req, &leg);
		call_reply(os, st, c != NULL ? 501 : 481);
		return;
	case SIP_METHOD_CANCEL:
		call_cancel(os, st);
		return;
	case SIP_METHOD_BYE:
		call_bye(os, st, req);
		return;
	default:
		/* INFO (DTMF-03) is taken and not relayed; UPDATE is not offered. */
		c = call_by_request(os, req, &leg);
		if (c == NULL)
			call_reply(os, st, 481);
		else if (sip_dialog_receive_request(leg->dlg, req) == EPROTO)
			call_reply(os, st, 500);
		else
			call_reply(os, st, m == SIP_METHOD_INFO ? 200 : 501);
		return;
	}
}

/* An ACK outside any transaction: the one for our 2xx to a caller (13.3.1.4). */
void os_call_ack(struct officeserv *os, const struct sip_msg *ack,
		 const struct sip_transport_src *src)
{
	(void)src;
	for (GList *l = os->calls; l != NULL; l = l->next) {
		struct os_call *c = l->data;

		if (c->a.dlg != NULL && sip_dialog_ack_received(c->a.dlg, ack) == 0) {
			if (c->state == OS_CALL_CONNECTING)
				call_answered(c);               /* the caller's ACK ends setup */
			return;
		}
	}
}

/* A response no transaction took: a callee's 2xx sent again, which gets our ACK again. */
void os_call_stray_response(struct officeserv *os, const struct sip_msg *resp,
			    const struct sip_transport_src *src)
{
	uint16_t code = sip_msg_status(resp);

	(void)src;
	if (code < 200 || code >= 300 || sip_msg_method(resp) != SIP_METHOD_INVITE)
		return;
	for (GList *l = os->calls; l != NULL; l = l->next) {
		struct os_call *c = l->data;

		/* 13.2.2.4: a retransmitted 2xx gets the same ACK again. */
		if (c->b.dlg != NULL && c->b.ack != NULL &&
		    sip_dialog_match_response(c->b.dlg, resp)) {
			(void)sip_transport_send(os->tp, c->b.proto, &c->b.dst, c->b.ack);
			return;
		}
	}
}

/* ------------------------------------------------------------------ TDM endpoints */

int os_call_tdm_dial(struct officeserv *os, struct os_tdm *t, const char *digits,
		     const char *cli)
{
	bool trunk = t->cfg.kind == OFFICESERV_TDM_ISDN_TRUNK;
	struct os_call *c;
	char text[64];

	if (trunk ? t->busy >= t->cfg.channels : (t->call != NULL || t->busy > 0))
		return EBUSY;
	if (trunk) {
		g_snprintf(text, sizeof(text), "SETUP %s", digits);
		sim_trace_note(os->sim, SIM_NOTE_SIGNAL, t->cfg.name, os->cfg.name, text, 0);
	} else {
		call_action(os, t, "off-hook");
		g_snprintf(text, sizeof(text), "dial %s", digits);
		call_action(os, t, text);
	}
	c = call_new(os);
	c->dialled = g_strdup(digits);
	leg_seize(c, &c->a, t);
	if (trunk)
		c->a.number = g_strdup(cli != NULL && cli[0] != '\0' ? cli : "anonymous");
	else
		c->a.number = g_strdup(t->cfg.station != NULL ? t->cfg.station : t->cfg.name);
	os->stats.calls_offered++;
	call_trace(c, SIM_CALL_OFFERED, 0, NULL);
	call_route(c, 0);
	return 0;
}

/* The newest call in which T is the unanswered TDM callee, or NULL. */
static struct os_call *call_ringing_on(struct officeserv *os, const struct os_tdm *t)
{
	for (GList *l = g_list_last(os->calls); l != NULL; l = l->prev) {
		struct os_call *c = l->data;

		if (c->b.tdm == t && c->b.seized && c->state == OS_CALL_SETUP)
			return c;
	}
	return NULL;
}

/* A ringing digital phone picks up, or a trunk's far end answers: ENOENT when none rings. */
int os_call_tdm_answer(struct officeserv *os, struct os_tdm *t)
{
	struct os_call *c = call_ringing_on(os, t);

	if (c == NULL)
		return ENOENT;
	if (leg_trunk(&c->b))
		call_signal(c, t->cfg.name, os->cfg.name, "CONNECT");
	else
		call_action(os, t, "answer");
	c->b.answered = true;
	call_connect(c);
	return 0;
}

/* A digital phone hangs up, or a trunk's far end clears: ENOENT when it holds no call. */
int os_call_tdm_hang_up(struct officeserv *os, struct os_tdm *t)
{
	bool trunk = t->cfg.kind == OFFICESERV_TDM_ISDN_TRUNK;
	struct os_call *c = NULL;
	struct os_leg *leg = NULL;

	for (GList *l = g_list_last(os->calls); l != NULL && c == NULL; l = l->prev) {
		struct os_call *o = l->data;

		if (o->a.tdm == t && o->a.seized)
			leg = &o->a;
		else if (o->b.tdm == t && o->b.seized)
			leg = &o->b;
		else
			continue;
		/* A ringing digital phone cannot hang up: it has not picked up. */
		if (!trunk && leg == &o->b && !o->b.answered)
			continue;
		c = o;
	}
	if (c == NULL)
		return ENOENT;
	if (trunk) {
		call_signal(c, t->cfg.name, os->cfg.name, "DISCONNECT");
		call_signal(c, os->cfg.name, t->cfg.name, "RELEASE");
	} else {
		call_action(os, t, "hook on");
	}
	leg->gone = true;
	if (leg->linger) {
		leg->linger = false;
		leg_release(c, leg);
		call_done(c);
		return 0;
	}
	switch (c->state) {
	case OS_CALL_SETUP:
		/* The caller abandons, or the far end of a trunk refuses before answering. */
		call_fail(c, leg == &c->a ? 487 : 480, leg == &c->a ? "cancelled" : "rejected");
		break;
	case OS_CALL_CONNECTING:
	case OS_CALL_ACTIVE:
		call_end(c, leg);
		break;
	case OS_CALL_CLEARING:
	case OS_CALL_ENDED:
		leg_release(c, leg);
		call_done(c);
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------ life */

void os_call_init(struct officeserv *os)
{
	os->calls = NULL;
	os->next_call = 0;
}

/* Frees every call silently: transactions detached, dialogs freed, pool units given back. */
void os_call_fini(struct officeserv *os)
{
	while (os->calls != NULL)
		call_free(os->calls->data);
}
