/*
 * ctrans.c - SIP client transactions (RFC 3261 17.1): the INVITE state machine of figure 5
 * (Calling, Proceeding, Completed, Terminated; timers A, B, D) and the non-INVITE one of figure 6
 * (Trying, Proceeding, Completed, Terminated; timers E, F, K), on the simulated clock.
 *
 * Over UDP the request is retransmitted: timer A doubles from T1 without bound (17.1.1.2) while
 * timer E doubles from T1 up to T2, and stays at T2 once a provisional response arrived (17.1.2.2).
 * Timers B and F give up after 64*T1. Over TCP/TLS nothing is retransmitted and timers D and K
 * are zero: the transaction terminates as soon as it completes (17.1.1.2, 17.1.2.2).
 * The ACK for a 300-699 answer to an INVITE is built here (17.1.1.3) and sent again for every
 * retransmission of that answer; the ACK for a 2xx is the TU's (13.2.2.4).
 */
#include "config.h"

#include <errno.h>

#include "models/sip/build.h"
#include "models/sip/msg.h"
#include "models/sip/txn_priv.h"

struct sip_ctrans {
	int refs;
	struct sip_transport *tp;       /* NULL once the transport is gone */
	struct sim *sim;
	enum sip_ctrans_state state;
	bool invite;
	bool reliable;                  /* TCP/TLS: no retransmission, D = K = 0 */
	struct sip_msg *req;
	GBytes *bytes;                  /* the request as sent */
	GBytes *ack;                    /* ACK for a non-2xx final, NULL until one came */
	char *key;                      /* in the transport's table */
	char *branch, *method;          /* for trace points */
	struct sim_addr dst;
	enum sim_net_proto proto;
	struct sim_timer t_retx;        /* A (INVITE) or E (non-INVITE) */
	struct sim_timer t_fail;        /* B or F */
	struct sim_timer t_wait;        /* D or K */
	int64_t interval;               /* the current A/E interval */
	unsigned retx;                  /* requests sent again */
	sip_ctrans_resp_h *resp_h;
	sip_ctrans_err_h *err_h;
	void *arg;
};

/* RFC 3261's state names, for traces and ladders. */
const char *sip_ctrans_state_name(enum sip_ctrans_state s)
{
	switch (s) {
	case SIP_CTRANS_CALLING: return "Calling";
	case SIP_CTRANS_TRYING: return "Trying";
	case SIP_CTRANS_PROCEEDING: return "Proceeding";
	case SIP_CTRANS_COMPLETED: return "Completed";
	case SIP_CTRANS_TERMINATED: return "Terminated";
	}
	return "?";
}

/* Publishes one event of CT (only when someone listens). */
static void trace(struct sip_ctrans *ct, enum sip_txn_event ev, const char *prev, char timer,
		  uint16_t status)
{
	struct sip_txn_trace t;

	if (!ct->tp || sip_transport_trace_off(ct->tp))
		return;
	t = (struct sip_txn_trace){
		.event = ev, .server = false, .invite = ct->invite, .method = ct->method,
		.branch = ct->branch, .state = sip_ctrans_state_name(ct->state),
		.prev_state = prev, .timer = timer, .status = status,
	};
	sip_transport_trace(ct->tp, &t);
}

/* Moves CT to state S (TIMER: what caused it, or 0). */
static void set_state(struct sip_ctrans *ct, enum sip_ctrans_state s, char timer)
{
	const char *prev = sip_ctrans_state_name(ct->state);

	if (ct->state == s)
		return;
	ct->state = s;
	trace(ct, SIP_TXN_STATE, prev, timer, 0);
}

/* Enters Terminated: stops every timer and leaves the transport's table. The caller holds a
 * reference, since the table's may have been the last. */
static void terminate(struct sip_ctrans *ct, char timer)
{
	sim_timer_cancel(ct->sim, &ct->t_retx);
	sim_timer_cancel(ct->sim, &ct->t_fail);
	sim_timer_cancel(ct->sim, &ct->t_wait);
	if (ct->state == SIP_CTRANS_TERMINATED)
		return;
	set_state(ct, SIP_CTRANS_TERMINATED, timer);
	if (ct->tp)
		sip_transport_ctrans_remove(ct->tp, ct->key);
}

/* Terminates CT and tells the TU why (timeout or transport error). */
static void fail(struct sip_ctrans *ct, int err, char timer)
{
	sip_ctrans_err_h *h = ct->err_h;

	if (err == ETIMEDOUT)
		trace(ct, SIP_TXN_TIMEOUT, NULL, timer, 0);
	terminate(ct, timer);
	ct->err_h = NULL;
	ct->resp_h = NULL;
	if (h)
		h(ct, err, ct->arg);
}

/* Timer A or E: send the request again and back off. */
static void on_retx(struct sim *sim, void *arg)
{
	struct sip_ctrans *ct = sip_ctrans_ref(arg);
	const struct sip_timers *t = sip_transport_timers(ct->tp);
	char timer = ct->invite ? 'A' : 'E';
	int rc;

	ct->retx++;
	rc = sip_transport_send_req(ct->tp, ct->proto, &ct->dst, ct->bytes);
	trace(ct, SIP_TXN_RETRANSMIT, NULL, timer, 0);
	if (rc != 0) {
		fail(ct, rc, timer);
	} else {
		if (ct->invite)
			ct->interval *= 2;                      /* 17.1.1.2: A doubles, no cap */
		else if (ct->state == SIP_CTRANS_TRYING)
			ct->interval = MIN(2 * ct->interval, t->t2);    /* 17.1.2.2 */
		else
			ct->interval = t->t2;                   /* Proceeding: every T2 */
		sim_timer_start(sim, &ct->t_retx, ct->interval, on_retx, ct);
	}
	sip_ctrans_unref(ct);
}

/* Timer B or F: nothing final came within 64*T1. */
static void on_fail(struct sim *sim, void *arg)
{
	struct sip_ctrans *ct = sip_ctrans_ref(arg);

	(void)sim;
	fail(ct, ETIMEDOUT, ct->invite ? 'B' : 'F');
	sip_ctrans_unref(ct);
}

/* Timer D or K: the wait for response retransmissions is over. */
static void on_wait(struct sim *sim, void *arg)
{
	struct sip_ctrans *ct = sip_ctrans_ref(arg);

	(void)sim;
	terminate(ct, ct->invite ? 'D' : 'K');
	sip_ctrans_unref(ct);
}

/* Starts the client transaction (see txn.h). */
int sip_ctrans_new(struct sip_ctrans **ctp, struct sip_transport *tp, GBytes *req,
		   const struct sim_addr *dst, enum sim_net_proto proto, sip_ctrans_resp_h *resp,
		   sip_ctrans_err_h *err, void *arg)
{
	const struct sip_timers *t = sip_transport_timers(tp);
	struct sip_msg *msg = NULL;
	struct sip_ctrans *ct;
	int rc;

	if (sip_msg_parse(&msg, req) != 0)
		return EBADMSG;
	if (!sip_msg_is_request(msg) || sip_msg_method(msg) == SIP_METHOD_ACK) {
		sip_msg_unref(msg);
		return EINVAL;
	}
	ct = g_new0(struct sip_ctrans, 1);
	ct->refs = 1;
	ct->tp = tp;
	ct->sim = sip_transport_sim(tp);
	ct->req = msg;
	ct->bytes = g_bytes_ref(req);
	ct->invite = sip_msg_method(msg) == SIP_METHOD_INVITE;
	ct->state = ct->invite ? SIP_CTRANS_CALLING : SIP_CTRANS_TRYING;
	ct->reliable = proto != SIM_NET_UDP;
	ct->dst = *dst;
	ct->proto = proto;
	ct->branch = sip_pl_dup(sip_msg_via(msg)->branch);
	if (!ct->branch)
		ct->branch = g_strdup("");
	ct->method = sip_pl_dup(sip_msg_method_name(msg));
	ct->key = sip_transport_ckey(sip_msg_via(msg)->branch, sip_msg_method_name(msg));
	ct->resp_h = resp;
	ct->err_h = err;
	ct->arg = arg;
	sim_timer_init(&ct->t_retx);
	sim_timer_init(&ct->t_fail);
	sim_timer_init(&ct->t_wait);
	rc = sip_transport_ctrans_add(tp, ct->key, ct);
	if (rc != 0) {
		ct->tp = NULL;
		sip_ctrans_unref(ct);
		return rc;
	}
	trace(ct, SIP_TXN_CREATED, NULL, 0, 0);
	rc = sip_transport_send_req(tp, proto, dst, req);
	if (rc != 0) {
		/* 8.1.3.1: the TU learns it from the return code; no callback. */
		ct->resp_h = NULL;
		ct->err_h = NULL;
		terminate(ct, 0);
		sip_ctrans_unref(ct);
		return rc;
	}
	/* 17.1.1.2 / 17.1.2.2: A or E = T1 over UDP only; B or F = 64*T1 always. */
	ct->interval = t->t1;
	if (!ct->reliable)
		sim_timer_start(ct->sim, &ct->t_retx, ct->interval, on_retx, ct);
	sim_timer_start(ct->sim, &ct->t_fail, 64 * t->t1, on_fail, ct);
	*ctp = ct;
	sip_ctrans_unref(ct);   /* the table's reference keeps it */
	return 0;
}

/* Passes RESP to the TU, if it still listens. */
static void deliver(struct sip_ctrans *ct, const struct sip_msg *resp)
{
	if (ct->resp_h)
		ct->resp_h(ct, resp, ct->arg);
}

/* Enters Completed with the D/K wait (zero over streams: terminate at once, after the TU saw
 * the response). */
static void complete(struct sip_ctrans *ct, const struct sip_msg *resp)
{
	const struct sip_timers *t = sip_transport_timers(ct->tp);
	char timer = ct->invite ? 'D' : 'K';

	sim_timer_cancel(ct->sim, &ct->t_retx);
	sim_timer_cancel(ct->sim, &ct->t_fail);
	set_state(ct, SIP_CTRANS_COMPLETED, 0);
	if (!ct->reliable)
		sim_timer_start(ct->sim, &ct->t_wait,
				ct->invite ? MAX(SIP_TIMER_D_UNRELIABLE, 64 * t->t1) : t->t4,
				on_wait, ct);
	deliver(ct, resp);
	if (ct->reliable)
		terminate(ct, timer);
}

/* Sends the ACK for a 300-699 final response (built once, 17.1.1.3). */
static void send_ack(struct sip_ctrans *ct, const struct sip_msg *resp)
{
	int rc;

	if (!ct->ack)
		ct->ack = sip_build_ack(ct->req, resp);
	if (!ct->ack)
		return;
	rc = sip_transport_send_req(ct->tp, ct->proto, &ct->dst, ct->ack);
	(void)rc;       /* 17.1.1.2: a lost ACK is repaired by the response's retransmission */
}

/* A response for an INVITE transaction (figure 5). */
static void receive_invite(struct sip_ctrans *ct, const struct sip_msg *resp, uint16_t code)
{
	switch (ct->state) {
	case SIP_CTRANS_CALLING:
	case SIP_CTRANS_PROCEEDING:
		if (code < 200) {
			/* 17.1.1.2: no more retransmissions, and no timeout: the TU may CANCEL. */
			sim_timer_cancel(ct->sim, &ct->t_retx);
			sim_timer_cancel(ct->sim, &ct->t_fail);
			set_state(ct, SIP_CTRANS_PROCEEDING, 0);
			deliver(ct, resp);
		} else if (code < 300) {
			/* RFC 3261 as written: a 2xx ends the transaction; the TU ACKs it. */
			terminate(ct, 0);
			deliver(ct, resp);
		} else {
			send_ack(ct, resp);
			complete(ct, resp);
		}
		break;
	case SIP_CTRANS_COMPLETED:
		/* 17.1.1.2: a retransmitted final gets the ACK again, never goes up. */
		if (code >= 300) {
			trace(ct, SIP_TXN_RETRANSMIT, NULL, 0, code);
			send_ack(ct, resp);
		}
		break;
	case SIP_CTRANS_TRYING:
	case SIP_CTRANS_TERMINATED:
		break;
	}
}

/* A response for a non-INVITE transaction (figure 6). */
static void receive_non_invite(struct sip_ctrans *ct, const struct sip_msg *resp, uint16_t code)
{
	switch (ct->state) {
	case SIP_CTRANS_TRYING:
	case SIP_CTRANS_PROCEEDING:
		if (code < 200) {
			set_state(ct, SIP_CTRANS_PROCEEDING, 0);
			deliver(ct, resp);
		} else {
			complete(ct, resp);
		}
		break;
	case SIP_CTRANS_COMPLETED:      /* 17.1.2.2: retransmitted finals are absorbed */
	case SIP_CTRANS_CALLING:
	case SIP_CTRANS_TERMINATED:
		break;
	}
}

/* A response that matched CT (the transport holds a reference meanwhile). */
void sip_ctrans_receive(struct sip_ctrans *ct, const struct sip_msg *resp)
{
	if (!ct->tp)
		return;
	if (ct->invite)
		receive_invite(ct, resp, sip_msg_status(resp));
	else
		receive_non_invite(ct, resp, sip_msg_status(resp));
}

/* The transport goes away. */
void sip_ctrans_shutdown(struct sip_ctrans *ct)
{
	sim_timer_cancel(ct->sim, &ct->t_retx);
	sim_timer_cancel(ct->sim, &ct->t_fail);
	sim_timer_cancel(ct->sim, &ct->t_wait);
	ct->state = SIP_CTRANS_TERMINATED;
	ct->tp = NULL;
	ct->resp_h = NULL;
	ct->err_h = NULL;
}

struct sip_ctrans *sip_ctrans_ref(struct sip_ctrans *ct)
{
	ct->refs++;
	return ct;
}

void sip_ctrans_unref(struct sip_ctrans *ct)
{
	if (!ct || --ct->refs > 0)
		return;
	sim_timer_cancel(ct->sim, &ct->t_retx);
	sim_timer_cancel(ct->sim, &ct->t_fail);
	sim_timer_cancel(ct->sim, &ct->t_wait);
	sip_msg_unref(ct->req);
	g_bytes_unref(ct->bytes);
	if (ct->ack)
		g_bytes_unref(ct->ack);
	g_free(ct->key);
	g_free(ct->branch);
	g_free(ct->method);
	g_free(ct);
}

void sip_ctrans_detach(struct sip_ctrans *ct)
{
	ct->resp_h = NULL;
	ct->err_h = NULL;
	ct->arg = NULL;
}

enum sip_ctrans_state sip_ctrans_state(const struct sip_ctrans *ct) { return ct->state; }
const struct sip_msg *sip_ctrans_request(const struct sip_ctrans *ct) { return ct->req; }
GBytes *sip_ctrans_ack(const struct sip_ctrans *ct) { return ct->ack; }
unsigned sip_ctrans_retransmissions(const struct sip_ctrans *ct) { return ct->retx; }
