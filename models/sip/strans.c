/*
 * strans.c - SIP server transactions (RFC 3261 17.2): the INVITE state machine of figure 7
 * (Proceeding, Completed, Confirmed, Terminated; timers G, H, I) and the non-INVITE one of
 * figure 8 (Trying, Proceeding, Completed, Terminated; timer J), on the simulated clock.
 *
 * A server transaction absorbs retransmissions of its request, answering each with the last
 * response it sent. An INVITE answered with 300-699 retransmits that response over UDP (timer G,
 * T1 doubling up to T2) until the ACK arrives, which the client transaction sent with the INVITE's
 * branch (17.1.1.3) so it matches here; timer H (64*T1) gives up and tells the TU. Timers I and J
 * absorb late retransmissions, and are zero over TCP/TLS (17.2.1, 17.2.2).
 * An INVITE answered with 2xx ends its transaction at once (RFC 3261 as written): the ACK for the
 * 2xx has its own branch and goes to the TU, which also retransmits the 2xx (dialog.c).
 */
#include "config.h"

#include <errno.h>

#include "models/sip/build.h"
#include "models/sip/msg.h"
#include "models/sip/txn_priv.h"

/* RFC 3261 17.2.1: 100 Trying unless the TU answers within 200 ms. */
#define SIP_STRANS_TRYING_DELAY (200 * SIM_MS)

struct sip_strans {
	int refs;
	struct sip_transport *tp;       /* NULL once the transport is gone */
	struct sim *sim;
	enum sip_strans_state state;
	bool invite;
	bool reliable;
	struct sip_msg *req;
	struct sip_transport_src src;
	char *key;                      /* in the transport's table; NULL: RFC 2543 list */
	char *branch, *method;          /* for trace points */
	GBytes *last;                   /* the last response sent, NULL before the first */
	uint16_t status;                /* its code, 0 before the first */
	char *to_tag;                   /* its To tag (RFC 2543 ACK matching), NULL if none */
	struct sim_timer t_retx;        /* G */
	struct sim_timer t_fail;        /* H */
	struct sim_timer t_wait;        /* I or J */
	struct sim_timer t_trying;      /* the automatic 100 */
	int64_t interval;               /* the current G interval */
	unsigned retx;
	sip_strans_err_h *err_h;
	void *arg;
};

/* RFC 3261's state names. */
const char *sip_strans_state_name(enum sip_strans_state s)
{
	switch (s) {
	case SIP_STRANS_TRYING: return "Trying";
	case SIP_STRANS_PROCEEDING: return "Proceeding";
	case SIP_STRANS_COMPLETED: return "Completed";
	case SIP_STRANS_CONFIRMED: return "Confirmed";
	case SIP_STRANS_TERMINATED: return "Terminated";
	}
	return "?";
}

/* Publishes one event of ST (only when someone listens). */
static void trace(struct sip_strans *st, enum sip_txn_event ev, const char *prev, char timer,
		  uint16_t status)
{
	struct sip_txn_trace t;

	if (!st->tp || sip_transport_trace_off(st->tp))
		return;
	t = (struct sip_txn_trace){
		.event = ev, .server = true, .invite = st->invite, .method = st->method,
		.branch = st->branch, .state = sip_strans_state_name(st->state),
		.prev_state = prev, .timer = timer, .status = status,
	};
	sip_transport_trace(st->tp, &t);
}

/* Moves ST to state S. */
static void set_state(struct sip_strans *st, enum sip_strans_state s, char timer)
{
	const char *prev = sip_strans_state_name(st->state);

	if (st->state == s)
		return;
	st->state = s;
	trace(st, SIP_TXN_STATE, prev, timer, 0);
}

/* Stops every timer of ST. */
static void cancel_timers(struct sip_strans *st)
{
	sim_timer_cancel(st->sim, &st->t_retx);
	sim_timer_cancel(st->sim, &st->t_fail);
	sim_timer_cancel(st->sim, &st->t_wait);
	sim_timer_cancel(st->sim, &st->t_trying);
}

/* Enters Terminated and leaves the transport's table (the caller holds a reference). */
static void terminate(struct sip_strans *st, char timer)
{
	cancel_timers(st);
	if (st->state == SIP_STRANS_TERMINATED)
		return;
	set_state(st, SIP_STRANS_TERMINATED, timer);
	if (st->tp)
		sip_transport_strans_remove(st->tp, st->key, st);
}

/* Terminates ST and tells the TU. */
static void fail(struct sip_strans *st, int err, char timer)
{
	sip_strans_err_h *h = st->err_h;

	if (err == ETIMEDOUT)
		trace(st, SIP_TXN_TIMEOUT, NULL, timer, st->status);
	terminate(st, timer);
	st->err_h = NULL;
	if (h)
		h(st, err, st->arg);
}

/* Sends the last response again (TIMER: 'G', or 0 for a retransmitted request). */
static int resend(struct sip_strans *st, char timer)
{
	st->retx++;
	trace(st, SIP_TXN_RETRANSMIT, NULL, timer, st->status);
	return sip_transport_respond(st->tp, st->req, &st->src, st->last);
}

/* Timer G: the 300-699 answer to an INVITE again, T1 doubling up to T2. */
static void on_retx(struct sim *sim, void *arg)
{
	struct sip_strans *st = sip_strans_ref(arg);
	int rc = resend(st, 'G');

	if (rc != 0) {
		fail(st, rc, 'G');
	} else {
		st->interval = MIN(2 * st->interval, sip_transport_timers(st->tp)->t2);
		sim_timer_start(sim, &st->t_retx, st->interval, on_retx, st);
	}
	sip_strans_unref(st);
}

/* Timer H: no ACK came. */
static void on_fail(struct sim *sim, void *arg)
{
	struct sip_strans *st = sip_strans_ref(arg);

	(void)sim;
	fail(st, ETIMEDOUT, 'H');
	sip_strans_unref(st);
}

/* Timer I or J. */
static void on_wait(struct sim *sim, void *arg)
{
	struct sip_strans *st = sip_strans_ref(arg);

	(void)sim;
	terminate(st, st->invite ? 'I' : 'J');
	sip_strans_unref(st);
}

/* 200 ms passed and the TU has not answered the INVITE: 100 Trying (17.2.1). */
static void on_trying(struct sim *sim, void *arg)
{
	struct sip_strans *st = sip_strans_ref(arg);

	(void)sim;
	if (st->state == SIP_STRANS_PROCEEDING && st->status == 0) {
		struct sip_build *b = sip_strans_reply_build(st, 100, NULL, NULL);
		GBytes *out = sip_build_finish(b, NULL, NULL, 0);

		sip_strans_reply(st, out);
		g_bytes_unref(out);
	}
	sip_strans_unref(st);
}

/* Creates the transaction of a new request (see txn_priv.h). */
struct sip_strans *sip_strans_new_incoming(struct sip_transport *tp, const struct sip_msg *req,
					   const struct sip_transport_src *src, const char *key)
{
	struct sip_strans *st = g_new0(struct sip_strans, 1);

	st->refs = 1;   /* the transport's table */
	st->tp = tp;
	st->sim = sip_transport_sim(tp);
	st->req = sip_msg_ref((struct sip_msg *)req);
	st->src = *src;
	st->key = g_strdup(key);
	st->invite = sip_msg_method(req) == SIP_METHOD_INVITE;
	st->state = st->invite ? SIP_STRANS_PROCEEDING : SIP_STRANS_TRYING;
	st->reliable = src->proto != SIM_NET_UDP;
	st->branch = sip_pl_dup(sip_msg_via(req)->branch);
	if (!st->branch)
		st->branch = g_strdup("");
	st->method = sip_pl_dup(sip_msg_method_name(req));
	sim_timer_init(&st->t_retx);
	sim_timer_init(&st->t_fail);
	sim_timer_init(&st->t_wait);
	sim_timer_init(&st->t_trying);
	trace(st, SIP_TXN_CREATED, NULL, 0, 0);
	if (st->invite && sip_transport_auto_trying(tp))
		sim_timer_start(st->sim, &st->t_trying, SIP_STRANS_TRYING_DELAY, on_trying, st);
	return st;
}

/* Sends a response and moves the state machine (see txn.h). */
int sip_strans_reply(struct sip_strans *st, GBytes *resp)
{
	const struct sip_timers *t;
	struct sip_msg *msg = NULL;
	uint16_t code;
	int rc;

	if (!st->tp || st->state == SIP_STRANS_TERMINATED || st->state == SIP_STRANS_COMPLETED ||
	    st->state == SIP_STRANS_CONFIRMED)
		return EPROTO;
	if (sip_msg_parse(&msg, resp) != 0)
		return EINVAL;
	if (sip_msg_is_request(msg)) {
		sip_msg_unref(msg);
		return EINVAL;
	}
	code = sip_msg_status(msg);
	sip_strans_ref(st);
	t = sip_transport_timers(st->tp);
	sim_timer_cancel(st->sim, &st->t_trying);
	if (st->last)
		g_bytes_unref(st->last);
	st->last = g_bytes_ref(resp);
	st->status = code;
	g_free(st->to_tag);
	st->to_tag = sip_pl_dup(sip_msg_to(msg)->tag);
	sip_msg_unref(msg);
	rc = sip_transport_respond(st->tp, st->req, &st->src, resp);
	if (rc != 0) {
		/* 17.2.4: the transport failed; the TU learns it from the return code. */
		st->err_h = NULL;
		terminate(st, 0);
	} else if (code < 200) {
		set_state(st, SIP_STRANS_PROCEEDING, 0);
	} else if (st->invite && code < 300) {
		terminate(st, 0);       /* RFC 3261 17.2.1 as written; the TU retransmits the 2xx */
	} else if (st->invite) {
		set_state(st, SIP_STRANS_COMPLETED, 0);
		st->interval = t->t1;
		if (!st->reliable)
			sim_timer_start(st->sim, &st->t_retx, st->interval, on_retx, st);
		sim_timer_start(st->sim, &st->t_fail, 64 * t->t1, on_fail, st);
	} else {
		set_state(st, SIP_STRANS_COMPLETED, 0);
		if (st->reliable)
			terminate(st, 'J');
		else
			sim_timer_start(st->sim, &st->t_wait, 64 * t->t1, on_wait, st);
	}
	sip_strans_unref(st);
	return rc;
}

/* A retransmitted request or an ACK that matched ST (the transport holds a reference). */
void sip_strans_receive(struct sip_strans *st, const struct sip_msg *req)
{
	int rc = 0;

	if (!st->tp)
		return;
	if (sip_msg_method(req) == SIP_METHOD_ACK) {
		/* 17.2.1: the ACK for our 300-699 ends the retransmissions (G) and the wait (H). */
		if (!st->invite || st->state != SIP_STRANS_COMPLETED)
			return;
		sim_timer_cancel(st->sim, &st->t_retx);
		sim_timer_cancel(st->sim, &st->t_fail);
		set_state(st, SIP_STRANS_CONFIRMED, 0);
		if (st->reliable)
			terminate(st, 'I');
		else
			sim_timer_start(st->sim, &st->t_wait, sip_transport_timers(st->tp)->t4,
					on_wait, st);
		return;
	}
	switch (st->state) {
	case SIP_STRANS_TRYING:         /* 17.2.2: nothing to resend yet: discard */
		break;
	case SIP_STRANS_PROCEEDING:     /* the last provisional again, if any */
	case SIP_STRANS_COMPLETED:      /* the final again */
		if (st->last)
			rc = resend(st, 0);
		break;
	case SIP_STRANS_CONFIRMED:
	case SIP_STRANS_TERMINATED:
		break;
	}
	if (rc != 0)
		fail(st, rc, 0);
}

/* Tags compare equal when both are absent or both hold the same octets. */
static bool tag_eq(struct sip_pl a, struct sip_pl b)
{
	if (!sip_pl_isset(a) || !sip_pl_isset(b))
		return sip_pl_isset(a) == sip_pl_isset(b);
	return sip_pl_eq(a, b);
}

/* RFC 3261 17.2.3 for requests without the cookie (RFC 2543 matching). */
bool sip_strans_match_2543(const struct sip_strans *st, const struct sip_msg *req,
			   bool as_invite)
{
	const struct sip_msg *orig = st->req;
	enum sip_method m = sip_msg_method(req);

	if (st->key || st->state == SIP_STRANS_TERMINATED)
		return false;
	/* Common part: Request-URI, From tag, Call-ID, CSeq number, top Via. */
	if (!sip_uri_cmp(sip_msg_ruri(orig), sip_msg_ruri(req)) ||
	    !tag_eq(sip_msg_from(orig)->tag, sip_msg_from(req)->tag) ||
	    !sip_pl_eq(sip_msg_callid(orig), sip_msg_callid(req)) ||
	    sip_msg_cseq(orig)->num != sip_msg_cseq(req)->num ||
	    !sip_pl_caseeq(sip_msg_via(orig)->raw, sip_msg_via(req)->raw))
		return false;
	if (m == SIP_METHOD_ACK && !as_invite) {
		/* The ACK's To tag is the one of the response this transaction sent. */
		struct sip_pl sent = st->to_tag ? sip_pl_from_str(st->to_tag) : SIP_PL_NULL;

		return st->invite && tag_eq(sent, sip_msg_to(req)->tag);
	}
	if (!tag_eq(sip_msg_to(orig)->tag, sip_msg_to(req)->tag))
		return false;
	if (as_invite)
		return st->invite;
	return sip_pl_eq(sip_msg_cseq(orig)->method_name, sip_msg_cseq(req)->method_name);
}

/* The INVITE transaction a CANCEL transaction cancels (9.2). */
struct sip_strans *sip_strans_cancel_target(const struct sip_strans *st)
{
	struct sip_strans *inv;
	char *key;

	if (!st->tp || sip_msg_method(st->req) != SIP_METHOD_CANCEL)
		return NULL;
	if (!st->key)
		return sip_transport_strans_find_2543(st->tp, st->req, true);
	key = sip_transport_skey(st->req, "INVITE");
	inv = sip_transport_strans_find(st->tp, key);
	g_free(key);
	return inv;
}

/* Ends ST without an answer (see txn.h). */
void sip_strans_discard(struct sip_strans *st)
{
	sip_strans_ref(st);
	st->err_h = NULL;
	terminate(st, 0);
	sip_strans_unref(st);
}

/* The transport goes away. */
void sip_strans_shutdown(struct sip_strans *st)
{
	cancel_timers(st);
	st->state = SIP_STRANS_TERMINATED;
	st->tp = NULL;
	st->err_h = NULL;
}

/* A response to ST's request with the top Via stamped (see txn.h). */
struct sip_build *sip_strans_reply_build(const struct sip_strans *st, uint16_t code,
					 const char *reason, const char *to_tag)
{
	return sip_transport_reply_build(st->req, &st->src, code, reason, to_tag);
}

void sip_strans_set_handler(struct sip_strans *st, sip_strans_err_h *err, void *arg)
{
	st->err_h = err;
	st->arg = arg;
}

struct sip_strans *sip_strans_ref(struct sip_strans *st)
{
	st->refs++;
	return st;
}

void sip_strans_unref(struct sip_strans *st)
{
	if (!st || --st->refs > 0)
		return;
	cancel_timers(st);
	sip_msg_unref(st->req);
	if (st->last)
		g_bytes_unref(st->last);
	g_free(st->key);
	g_free(st->branch);
	g_free(st->method);
	g_free(st->to_tag);
	g_free(st);
}

void sip_strans_detach(struct sip_strans *st)
{
	st->err_h = NULL;
	st->arg = NULL;
}

enum sip_strans_state sip_strans_state(const struct sip_strans *st) { return st->state; }
const struct sip_msg *sip_strans_request(const struct sip_strans *st) { return st->req; }
struct sip_transport *sip_strans_transport(const struct sip_strans *st) { return st->tp; }
uint16_t sip_strans_status(const struct sip_strans *st) { return st->status; }
unsigned sip_strans_retransmissions(const struct sip_strans *st) { return st->retx; }
const struct sip_transport_src *sip_strans_src(const struct sip_strans *st) { return &st->src; }
