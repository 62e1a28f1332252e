/*
 * phone_call.c - the call appearances ("lines") of a virtual phone: the UAC side of a call it
 * dials (INVITE with an SDP offer, the early and confirmed dialog, the ACK for the 2xx, BYE,
 * CANCEL) and the UAS side of a call it receives (180 Ringing, 200 OK with the SDP answer through
 * the dialog's 2xx retransmission, 486/603/487, BYE and CANCEL from the peer), RFC 3261 sections
 * 9, 12-15 and RFC 3264.
 *
 * A line is free (PHONE_CALL_IDLE) or holds one call; the call ends - the line is free again - on
 * a final failure, a BYE sent or received, or a CANCEL that took effect. The BYE and CANCEL
 * transactions run on without a TU: their answers change nothing here.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "models/phone/phone_priv.h"

/* ---------------------------------------------------------------- lines */

/* Makes every line idle (phone_new). */
void phone_call_init_all(struct phone *p)
{
	for (unsigned i = 0; i < PHONE_MAX_LINES; i++) {
		struct phone_call *c = &p->calls[i];

		memset(c, 0, sizeof *c);
		c->p = p;
		c->line = i + 1;
		c->state = PHONE_CALL_IDLE;
		sim_timer_init(&c->t_cancel);
	}
}

/* Releases what call C holds and frees its line. */
static void call_clear(struct phone_call *c)
{
	struct phone *p = c->p;

	if (c->inv_ct) {
		sip_ctrans_detach(c->inv_ct);
		sip_ctrans_unref(c->inv_ct);
		c->inv_ct = NULL;
	}
	if (c->inv_st) {
		sip_strans_detach(c->inv_st);
		sip_strans_unref(c->inv_st);
		c->inv_st = NULL;
	}
	sip_dialog_free(c->dlg);
	c->dlg = NULL;
	if (c->ack)
		g_bytes_unref(c->ack);
	c->ack = NULL;
	sip_sdp_free(c->offer);
	c->offer = NULL;
	sim_timer_cancel(p->sim, &c->t_cancel);
	c->state = PHONE_CALL_IDLE;
	c->outgoing = false;
	c->cancel_pending = false;
	c->bye_pending = false;
}

/* Ends every call silently (phone_free). */
void phone_call_free_all(struct phone *p)
{
	for (unsigned i = 0; i < PHONE_MAX_LINES; i++)
		call_clear(&p->calls[i]);
}

/* Lines in use. */
unsigned phone_call_active(const struct phone *p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->cfg.lines; i++)
		n += p->calls[i].state != PHONE_CALL_IDLE;
	return n;
}

/* The first line (1..lines) in state S, or NULL. */
static struct phone_call *first_in(struct phone *p, enum phone_call_state s)
{
	for (unsigned i = 0; i < p->cfg.lines; i++)
		if (p->calls[i].state == s)
			return &p->calls[i];
	return NULL;
}

/* The call whose dialog a received request belongs to, or NULL. */
static struct phone_call *by_request(struct phone *p, const struct sip_msg *req)
{
	for (unsigned i = 0; i < p->cfg.lines; i++)
		if (p->calls[i].dlg && sip_dialog_match_request(p->calls[i].dlg, req))
			return &p->calls[i];
	return NULL;
}

/* The SDP profile of call C (ADDR receives the media address). */
static void call_profile(const struct phone_call *c, struct sip_sdp_profile *prof, char addr[16])
{
	const struct phone *p = c->p;

	phone_media_addr(p, addr);
	memset(prof, 0, sizeof *prof);
	prof->user = p->tel;
	prof->sess_id = c->sess_id;
	prof->sess_version = c->sess_version;
	prof->addr = addr;
	prof->audio_port = (uint16_t)(10000 + 2 * (c->line - 1));
	prof->codecs = (const char *const *)p->codecs;
	prof->n_codecs = p->cfg.n_codecs;
	prof->telephone_event = p->cfg.dtmf_rfc2833;
	prof->ptime = 20;
	prof->dir = SIP_SDP_SENDRECV;
}

/* A new session (RFC 4566 5.2: o= sess-id from our stream, version 1). */
static void call_new_session(struct phone_call *c)
{
	c->sess_id = gsl_rng_get(phone_rng(c->p));
	c->sess_version = 1;
}

/* Where in-dialog requests of C go: the first route, else the remote target. */
static struct sim_addr call_next_hop(const struct phone_call *c)
{
	if (sip_dialog_route_count(c->dlg) > 0)
		return phone_resolve(c->p, sip_dialog_route_at(c->dlg, 0));
	return phone_resolve(c->p, sip_dialog_remote_target(c->dlg));
}

/* Sends BYE in C's dialog (RFC 3261 15.1.1) and ends the call. */
static void call_send_bye(struct phone_call *c)
{
	struct phone *p = c->p;
	struct sip_dialog_via via;
	char branch[SIP_BRANCH_SIZE];
	struct sip_ctrans *ct = NULL;
	struct sip_build *b;

	if (c->dlg) {
		phone_via(p, &via, branch);
		b = sip_dialog_request(c->dlg, SIP_METHOD_BYE, NULL, &via);
		if (b) {
			struct sim_addr dst = call_next_hop(c);
			GBytes *m;

			if (p->user_agent && *p->user_agent)
				sip_build_hdr(b, SIP_HDR_USER_AGENT, p->user_agent);
			m = sip_build_finish(b, NULL, NULL, 0);
			sip_ctrans_new(&ct, p->tp, m, &dst, p->cfg.transport, NULL, NULL, NULL);
			g_bytes_unref(m);
		}
	}
	call_clear(c);
}

static void on_cancel_timeout(struct sim *sim, void *arg);

/* Sends CANCEL for C's INVITE (RFC 3261 9.1): its own transaction to the INVITE's next hop. */
static void call_send_cancel(struct phone_call *c)
{
	struct phone *p = c->p;
	struct sip_ctrans *ct = NULL;
	GBytes *m = sip_build_cancel(sip_ctrans_request(c->inv_ct));

	if (m) {
		sip_ctrans_new(&ct, p->tp, m, &c->inv_dst, p->cfg.transport, NULL, NULL, NULL);
		g_bytes_unref(m);
	}
	c->state = PHONE_CALL_CANCELLING;
	/* 9.1: no final response within 64*T1 of the CANCEL: the call is over anyway */
	sim_timer_start(p->sim, &c->t_cancel, 64 * p->cfg.timers.t1, on_cancel_timeout, c);
}

/* Timer: no final answer 64*T1 after our CANCEL: the call is over (9.1). */
static void on_cancel_timeout(struct sim *sim, void *arg)
{
	struct phone_call *c = arg;

	(void)sim;
	c->p->stats.calls_failed++;
	call_clear(c);
}

/* ---------------------------------------------------------------- outgoing calls */

/* True for the dialled characters we accept: digits, '*', '#' and '+'. */
static bool digits_ok(const char *d)
{
	if (!d || !*d || strlen(d) > 64)
		return false;
	for (; *d; d++)
		if (!g_ascii_isdigit(*d) && *d != '*' && *d != '#' && *d != '+')
			return false;
	return true;
}

/* A 2xx to our INVITE: confirm the dialog and ACK end to end (RFC 3261 13.2.2.4). */
static void call_confirmed(struct phone_call *c, struct sip_ctrans *ct, const struct sip_msg *resp)
{
	struct phone *p = c->p;
	bool hung_up = c->state == PHONE_CALL_CANCELLING || c->cancel_pending;
	struct sip_dialog_via via;
	char branch[SIP_BRANCH_SIZE];
	struct sip_build *b;

	/* a 2xx with another To tag than the early dialog's comes from another fork */
	if (c->dlg && !sip_dialog_match_response(c->dlg, resp)) {
		sip_dialog_free(c->dlg);
		c->dlg = NULL;
	}
	if (c->dlg)
		sip_dialog_receive_response(c->dlg, resp);
	else if (sip_dialog_new_uac(&c->dlg, sip_ctrans_request(ct), resp) != 0) {
		/* a 2xx without a To tag makes no dialog to ACK in */
		p->stats.calls_failed++;
		call_clear(c);
		return;
	}
	phone_via(p, &via, branch);
	b = sip_dialog_ack(c->dlg, sip_msg_cseq(resp)->num, &via);
	if (b) {
		c->ack = sip_build_finish(b, NULL, NULL, 0);
		c->ack_dst = call_next_hop(c);
		sip_transport_send(p->tp, p->cfg.transport, &c->ack_dst, c->ack);
	}
	/* the INVITE transaction ended with the 2xx */
	sip_ctrans_detach(c->inv_ct);
	sip_ctrans_unref(c->inv_ct);
	c->inv_ct = NULL;
	sim_timer_cancel(p->sim, &c->t_cancel);
	p->stats.calls_answered++;
	c->state = PHONE_CALL_ACTIVE;
	c->cancel_pending = false;
	/* answered while our CANCEL crossed it: 9.1 leaves it to a BYE */
	if (hung_up)
		call_send_bye(c);
}

/* A response to our INVITE. */
static void inv_resp(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg)
{
	struct phone_call *c = arg;
	uint16_t code = sip_msg_status(resp);

	if (ct != c->inv_ct)
		return;
	if (code < 200) {
		/* 12.1.2: a tagged provisional response makes an early dialog */
		if (code > 100 && !c->dlg && sip_pl_isset(sip_msg_to(resp)->tag))
			sip_dialog_new_uac(&c->dlg, sip_ctrans_request(ct), resp);
		if (c->state == PHONE_CALL_CALLING)
			c->state = PHONE_CALL_EARLY;
		if (c->cancel_pending) {
			c->cancel_pending = false;
			call_send_cancel(c);
		}
		return;
	}
	if (code < 300) {
		call_confirmed(c, ct, resp);
		return;
	}
	/* 300-699: the transaction sent the ACK itself (17.1.1.3) */
	c->p->stats.calls_failed++;
	call_clear(c);
}

/* Our INVITE timed out (timer B: as a 408) or could not be sent. */
static void inv_err(struct sip_ctrans *ct, int err, void *arg)
{
	struct phone_call *c = arg;

	(void)err;
	if (ct != c->inv_ct)
		return;
	c->p->stats.calls_failed++;
	call_clear(c);
}

/* The dial action: INVITE with an SDP offer (see phone.h). */
int phone_call_dial(struct phone *p, const char *digits, unsigned line)
{
	struct sip_sdp_profile prof;
	struct sip_dialog_via via;
	struct sip_ctrans *ct = NULL;
	struct sip_sdp *offer = NULL;
	struct phone_call *c;
	char branch[SIP_BRANCH_SIZE], callid[SIP_CALLID_SIZE], tag[SIP_TAG_SIZE], addr[16];
	char *note, *user, *ruri, *from, *to, *contact;
	GBytes *body = NULL, *m;
	struct sip_build *b;
	GString *u;
	int rc;

	if (!digits_ok(digits) || line > p->cfg.lines)
		return EINVAL;
	c = line ? &p->calls[line - 1] : first_in(p, PHONE_CALL_IDLE);
	if (!c || c->state != PHONE_CALL_IDLE)
		return EBUSY;
	note = g_strdup_printf("dial %s", digits);
	phone_note(p, note);
	g_free(note);

	/* RFC 3261 19.1.2: '#' is not allowed in the user part as it is */
	u = g_string_new(NULL);
	for (const char *d = digits; *d; d++)
		if (*d == '#')
			g_string_append(u, "%23");
		else
			g_string_append_c(u, *d);
	user = g_string_free(u, FALSE);
	ruri = g_strdup_printf("sip:%s@%s", user, p->domain);
	from = g_strdup_printf("sip:%s@%s", p->tel, p->domain);
	to = ruri;
	contact = phone_contact_uri(p);
	sip_build_callid(callid, phone_rng(p), p->ip);
	sip_build_tag(tag, phone_rng(p));
	phone_via(p, &via, branch);
	c->outgoing = true;
	c->state = PHONE_CALL_CALLING;
	call_new_session(c);
	call_profile(c, &prof, addr);
	if (sip_sdp_offer(&offer, &prof) == 0)
		sip_sdp_build_bytes(offer, &body);
	sip_sdp_free(offer);

	b = sip_build_request(SIP_METHOD_INVITE, NULL, ruri);
	sip_build_via(b, via.transport, via.host, via.port, via.branch, true);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, NULL, from, tag);
	sip_build_addr(b, SIP_HDR_TO, NULL, to, NULL);
	sip_build_hdr(b, SIP_HDR_CALL_ID, callid);
	sip_build_cseq(b, 1, SIP_METHOD_INVITE, NULL);
	sip_build_hdrf(b, SIP_HDR_CONTACT, "<%s>", contact);
	phone_build_ua_hdrs(p, b);
	if (body) {
		gsize n;
		const void *d = g_bytes_get_data(body, &n);

		m = sip_build_finish(b, "application/sdp", d, n);
		g_bytes_unref(body);
	} else {
		m = sip_build_finish(b, NULL, NULL, 0);
	}
	p->stats.calls_placed++;
	c->inv_dst = p->cfg.registrar;
	rc = sip_ctrans_new(&ct, p->tp, m, &c->inv_dst, p->cfg.transport, inv_resp, inv_err, c);
	if (rc == 0) {
		c->inv_ct = sip_ctrans_ref(ct);
	} else {
		/* nothing listens (a refused stream): the call failed at once */
		p->stats.calls_failed++;
		call_clear(c);
	}
	g_bytes_unref(m);
	g_free(user);
	g_free(ruri);
	g_free(from);
	g_free(contact);
	return 0;
}

/* The hang-up action: BYE, CANCEL, or either one later (see phone.h). */
int phone_call_hang_up(struct phone *p, unsigned line)
{
	struct phone_call *c = NULL;

	if (line > p->cfg.lines)
		return EINVAL;
	if (line) {
		c = &p->calls[line - 1];
	} else {
		/* the active one: a conversation first, else a call still ringing out */
		c = first_in(p, PHONE_CALL_ACTIVE);
		if (c && c->bye_pending)
			c = NULL;
		if (!c)
			c = first_in(p, PHONE_CALL_EARLY);
		if (!c) {
			c = first_in(p, PHONE_CALL_CALLING);
			if (c && c->cancel_pending)
				c = NULL;
		}
	}
	if (!c)
		return ENOENT;
	switch (c->state) {
	case PHONE_CALL_ACTIVE:
		if (c->bye_pending)
			return ENOENT;
		phone_note(p, "hang up");
		/* 15: the callee waits for the ACK of its 2xx before it may send BYE */
		if (sip_dialog_2xx_pending(c->dlg))
			c->bye_pending = true;
		else
			call_send_bye(c);
		return 0;
	case PHONE_CALL_EARLY:
		phone_note(p, "hang up");
		call_send_cancel(c);
		return 0;
	case PHONE_CALL_CALLING:
		if (c->cancel_pending)
			return ENOENT;
		phone_note(p, "hang up");
		/* 9.1: no CANCEL before a provisional response; it goes when one comes */
		c->cancel_pending = true;
		return 0;
	case PHONE_CALL_IDLE:
	case PHONE_CALL_CANCELLING:
	case PHONE_CALL_RINGING:
		break;
	}
	return ENOENT;
}

/* ---------------------------------------------------------------- incoming calls */

/* Parses the SDP body of MSG into *SDPP (NULL when there is no body). Returns 0, or EBADMSG
 * for a body that is not a usable application/sdp. */
static int body_sdp(const struct sip_msg *msg, struct sip_sdp **sdpp)
{
	struct sip_pl body = sip_msg_body(msg), ct = sip_msg_content_type(msg);

	*sdpp = NULL;
	if (!sip_pl_isset(body) || body.l == 0)
		return 0;
	if (!sip_pl_isset(ct) || ct.l < 15 || g_ascii_strncasecmp(ct.p, "application/sdp", 15) != 0)
		return EBADMSG;
	return sip_sdp_parse(sdpp, body.p, body.l, NULL, 0) == 0 ? 0 : EBADMSG;
}

/* The description for our 2xx: the answer to OFFER, or an offer of ours when the INVITE had
 * none (RFC 3264 5; the ACK then carries the answer). Returns 0, or ENOENT when no audio
 * stream is acceptable (488). */
static int call_local_sdp(struct phone_call *c, const struct sip_sdp *offer, GBytes **bodyp)
{
	struct sip_sdp_profile prof;
	struct sip_sdp *sdp = NULL;
	char addr[16];
	int rc;

	*bodyp = NULL;
	call_profile(c, &prof, addr);
	rc = offer ? sip_sdp_answer(&sdp, offer, &prof) : sip_sdp_offer(&sdp, &prof);
	if (rc == 0 && sip_sdp_first_audio(sdp) < 0)
		rc = ENOENT;
	if (rc == 0)
		rc = sip_sdp_build_bytes(sdp, bodyp);
	sip_sdp_free(sdp);
	return rc == 0 ? 0 : ENOENT;
}

static void on_noack(struct sip_dialog *d, void *arg);

/* Sends our 2xx with BODY through C's dialog (13.3.1.4 retransmission). Returns its error. */
static int call_send_2xx(struct phone_call *c, struct sip_strans *st, GBytes *body)
{
	struct phone *p = c->p;
	struct sip_build *b = sip_strans_reply_build(st, 200, NULL, c->tag);
	char *contact = phone_contact_uri(p);
	gsize n;
	const void *d = g_bytes_get_data(body, &n);
	GBytes *m;
	int rc;

	sip_build_hdrf(b, SIP_HDR_CONTACT, "<%s>", contact);
	g_free(contact);
	phone_build_ua_hdrs(p, b);
	m = sip_build_finish(b, "application/sdp", d, n);
	rc = sip_dialog_send_2xx(c->dlg, st, m, on_noack, c);
	g_bytes_unref(m);
	return rc;
}

/* Our 2xx went unacknowledged for 64*T1: end the dialog with BYE (13.3.1.4). */
static void on_noack(struct sip_dialog *d, void *arg)
{
	struct phone_call *c = arg;

	(void)d;
	c->bye_pending = false;
	call_send_bye(c);
}

/* The ringing INVITE's transaction failed (a transport error sending our answer). */
static void on_inv_st_err(struct sip_strans *st, int err, void *arg)
{
	struct phone_call *c = arg;

	(void)err;
	if (c->inv_st == st)
		call_clear(c);
}

/* A re-INVITE in a confirmed dialog: 200 with an answer (or our offer), kept simple. */
static void call_reinvite(struct phone *p, struct sip_strans *st, const struct sip_msg *req)
{
	struct phone_call *c = by_request(p, req);
	struct sip_sdp *offer = NULL;
	GBytes *body = NULL;

	if (!c) {
		phone_reply(p, st, 481, NULL);         /* 12.2.2 */
		return;
	}
	if (c->state != PHONE_CALL_ACTIVE || sip_dialog_2xx_pending(c->dlg)) {
		phone_reply(p, st, 491, NULL);         /* 14.2: one offer at a time */
		return;
	}
	if (sip_dialog_receive_request(c->dlg, req) != 0) {
		phone_reply(p, st, 500, NULL);         /* 12.2.2: CSeq out of order */
		return;
	}
	if (body_sdp(req, &offer) != 0) {
		phone_reply(p, st, 488, NULL);
		return;
	}
	c->sess_version++;                             /* RFC 3264 8: a new description */
	if (call_local_sdp(c, offer, &body) != 0)
		phone_reply(p, st, 488, NULL);         /* the old session stays (RFC 3264 8) */
	else if (call_send_2xx(c, st, body) != 0)
		phone_reply(p, st, 500, NULL);
	if (body)
		g_bytes_unref(body);
	sip_sdp_free(offer);
}

/* A new INVITE: ring on a free line (180), 486 when none, or a re-INVITE. */
void phone_call_on_invite(struct phone *p, struct sip_strans *st, const struct sip_msg *req)
{
	struct sip_sdp *offer = NULL;
	struct sip_msg *r180 = NULL;
	struct phone_call *c;
	struct sip_build *b;
	char *contact;
	GBytes *m;

	/* an INVITE retransmitted after our 2xx ended its transaction (RFC 6026's gap) */
	for (unsigned i = 0; i < p->cfg.lines; i++)
		if (p->calls[i].dlg && sip_dialog_is_invite_retransmission(p->calls[i].dlg, req)) {
			sip_strans_discard(st);
			return;
		}
	if (sip_pl_isset(sip_msg_to(req)->tag)) {
		call_reinvite(p, st, req);
		return;
	}
	c = first_in(p, PHONE_CALL_IDLE);
	if (!c) {
		phone_reply(p, st, 486, NULL);         /* every line is in use */
		return;
	}
	if (body_sdp(req, &offer) != 0) {
		phone_reply(p, st, 488, NULL);
		return;
	}
	/* 180 Ringing with our tag and Contact: the UAS early dialog (12.1.1) */
	sip_build_tag(c->tag, phone_rng(p));
	b = sip_strans_reply_build(st, 180, NULL, c->tag);
	contact = phone_contact_uri(p);
	sip_build_hdrf(b, SIP_HDR_CONTACT, "<%s>", contact);
	g_free(contact);
	m = sip_build_finish(b, NULL, NULL, 0);
	if (sip_msg_parse(&r180, m) != 0 || sip_dialog_new_uas(&c->dlg, req, r180) != 0 ||
	    sip_strans_reply(st, m) != 0) {
		sip_msg_unref(r180);
		g_bytes_unref(m);
		sip_sdp_free(offer);
		call_clear(c);
		return;
	}
	sip_msg_unref(r180);
	g_bytes_unref(m);
	c->outgoing = false;
	c->state = PHONE_CALL_RINGING;
	c->offer = offer;
	c->inv_st = sip_strans_ref(st);
	sip_strans_set_handler(st, on_inv_st_err, c);
	call_new_session(c);
	p->stats.calls_received++;
}

/* The answer action: 200 with the SDP answer (488 without a common codec). */
int phone_call_answer(struct phone *p, unsigned line)
{
	struct phone_call *c;
	GBytes *body = NULL;
	int rc;

	if (line > p->cfg.lines)
		return EINVAL;
	c = line ? &p->calls[line - 1] : first_in(p, PHONE_CALL_RINGING);
	if (!c || c->state != PHONE_CALL_RINGING)
		return ENOENT;
	phone_note(p, "answer");
	if (call_local_sdp(c, c->offer, &body) != 0) {
		/* no codec in common (RFC 3264 6: every stream rejected) */
		phone_reply(p, c->inv_st, 488, c->tag);
		call_clear(c);
		return 0;
	}
	rc = call_send_2xx(c, c->inv_st, body);
	g_bytes_unref(body);
	sip_sdp_free(c->offer);
	c->offer = NULL;
	sip_strans_detach(c->inv_st);
	sip_strans_unref(c->inv_st);
	c->inv_st = NULL;
	if (rc != 0)
		call_clear(c);
	else
		c->state = PHONE_CALL_ACTIVE;
	return 0;
}

/* The reject action: the given final response to the ringing call. */
int phone_call_reject(struct phone *p, unsigned line, uint16_t code)
{
	struct phone_call *c;
	char note[16];

	if (line > p->cfg.lines || (code && (code < 300 || code > 699)))
		return EINVAL;
	if (!code)
		code = 486;
	c = line ? &p->calls[line - 1] : first_in(p, PHONE_CALL_RINGING);
	if (!c || c->state != PHONE_CALL_RINGING)
		return ENOENT;
	g_snprintf(note, sizeof note, "reject %u", code);
	phone_note(p, note);
	phone_reply(p, c->inv_st, code, c->tag);
	call_clear(c);
	return 0;
}

/* A CANCEL: 200 to it and 487 to the ringing INVITE it names (9.2). */
void phone_call_on_cancel(struct phone *p, struct sip_strans *st)
{
	struct sip_strans *inv = sip_strans_cancel_target(st);
	struct phone_call *c = NULL;

	if (!inv) {
		phone_reply(p, st, 481, NULL);         /* 9.2 */
		return;
	}
	for (unsigned i = 0; i < p->cfg.lines && !c; i++)
		if (p->calls[i].state == PHONE_CALL_RINGING && p->calls[i].inv_st == inv)
			c = &p->calls[i];
	/* 9.2: 200 to the CANCEL (with the INVITE response's To tag), 487 to the INVITE */
	phone_reply(p, st, 200, c ? c->tag : NULL);
	if (c) {
		phone_reply(p, c->inv_st, 487, c->tag);
		call_clear(c);
	}
}

/* A BYE: 200, and the call is over (15.1.2). */
void phone_call_on_bye(struct phone *p, struct sip_strans *st, const struct sip_msg *req)
{
	struct phone_call *c = by_request(p, req);

	if (!c) {
		phone_reply(p, st, 481, NULL);         /* 15.1.2 */
		return;
	}
	if (sip_dialog_receive_request(c->dlg, req) == EPROTO) {
		phone_reply(p, st, 500, NULL);
		return;
	}
	phone_reply(p, st, 200, NULL);
	if (c->state == PHONE_CALL_RINGING)
		phone_reply(p, c->inv_st, 487, c->tag);        /* 15.1.2: BYE in an early dialog */
	else if (c->outgoing && c->state != PHONE_CALL_ACTIVE)
		p->stats.calls_failed++;
	call_clear(c);
}

/* The ACK for our 2xx: stop resending it, and send a BYE that waited for it. */
void phone_call_on_ack(struct phone *p, const struct sip_msg *ack)
{
	for (unsigned i = 0; i < p->cfg.lines; i++) {
		struct phone_call *c = &p->calls[i];

		if (!c->dlg || sip_dialog_ack_received(c->dlg, ack) != 0)
			continue;
		if (c->bye_pending) {
			c->bye_pending = false;
			call_send_bye(c);
		}
		return;
	}
}

/* A 2xx retransmitted to our INVITE: ACK it again (13.2.2.4). */
void phone_call_on_stray(struct phone *p, const struct sip_msg *resp)
{
	if (sip_msg_method(resp) != SIP_METHOD_INVITE || sip_msg_status(resp) / 100 != 2)
		return;
	/* 13.2.2.4: every retransmission of the 2xx gets the same ACK */
	for (unsigned i = 0; i < p->cfg.lines; i++) {
		struct phone_call *c = &p->calls[i];

		if (c->ack && c->dlg && sip_dialog_match_response(c->dlg, resp) &&
		    sip_msg_cseq(resp)->num == sip_dialog_local_cseq(c->dlg)) {
			sip_transport_send(p->tp, p->cfg.transport, &c->ack_dst, c->ack);
			return;
		}
	}
}
