/*
 * txn.h - SIP transactions (RFC 3261 section 17): the client transaction (ctrans.c) that sends a
 * request and collects its responses, and the server transaction (strans.c) that absorbs request
 * retransmissions and retransmits the last response. Each is an explicit state machine (the four
 * figures 5-8 of RFC 3261) driven by messages from the transport (transport.c) and by the timers
 * A-K on the simulated clock.
 *
 * Who does what:
 * - The transaction user (TU: a phone's UA core, the OfficeServ's B2BUA, the dialog layer) builds
 *   the request bytes (build.h) and hands them to sip_ctrans_new with the next-hop address; the
 *   client transaction sends them, retransmits over UDP (timers A/E), builds the ACK for a non-2xx
 *   final response to an INVITE itself (17.1.1.3) and calls the TU back with each response it lets
 *   through, or once with ETIMEDOUT (timer B/F: the TU acts as for a 408) or a transport error.
 * - The transport creates a server transaction for every new request (not ACK) and hands it to
 *   the TU with the request; the TU answers through sip_strans_reply. The server transaction
 *   resends the last response when the request is retransmitted and, for an INVITE answered with
 *   300-699, retransmits that response (timer G) until the ACK arrives (timer H gives up).
 * - RFC 3261 as written: a client INVITE transaction terminates when a 2xx arrives and a server
 *   INVITE transaction terminates when it sends one; the 2xx and its ACK are end to end, the
 *   UA cores' job (13.2.2.4, 13.3.1.4): see sip_dialog_send_2xx in dialog.h.
 *
 * Lifetime: a transaction lives until it terminates; the transport then drops its reference.
 * Pointers handed to the TU are borrowed: they stay valid during the callback and, while the
 * transaction is not terminated, until the TU's next return to the kernel. A TU that keeps one
 * longer takes a reference (sip_ctrans_ref / sip_strans_ref), and detaches its callbacks when it
 * goes away first (sip_ctrans_detach / sip_strans_detach).
 *
 * Trace: every creation, state change, retransmission and timeout is published on the trace bus
 * as SIM_TRACE_SIP with a struct sip_txn_trace payload, with the transport's host name as source.
 */
#ifndef OSSIM_SIP_TXN_H
#define OSSIM_SIP_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "sim/net.h"
#include "sim/sim.h"

struct sip_msg;
struct sip_build;
struct sip_transport;
struct sip_transport_src;
struct sip_ctrans;
struct sip_strans;

/* ---------------------------------------------------------------- timers */

/* RFC 3261 17.1.1.1 and table 4: the three base values every timer derives from. */
struct sip_timers {
	int64_t t1;             /* RTT estimate, default 500 ms */
	int64_t t2;             /* retransmit interval cap (non-INVITE, INVITE responses), 4 s */
	int64_t t4;             /* maximum time a message stays in the network, 5 s */
};

#define SIP_T1_DEFAULT (500 * SIM_MS)
#define SIP_T2_DEFAULT (4 * SIM_S)
#define SIP_T4_DEFAULT (5 * SIM_S)
/* RFC 3261 17.1.1.2: Timer D is "at least 32 s" over unreliable transports, whatever T1 is. */
#define SIP_TIMER_D_UNRELIABLE (32 * SIM_S)

/* Fills T with the RFC 3261 defaults (T1 500 ms, T2 4 s, T4 5 s). */
void sip_timers_default(struct sip_timers *t);

/* ---------------------------------------------------------------- trace payload */

enum sip_txn_event {
	SIP_TXN_CREATED,        /* state = the initial state */
	SIP_TXN_STATE,          /* prev_state -> state; timer set when a timer caused it */
	SIP_TXN_RETRANSMIT,     /* a request (client) or response (server) sent again; timer set
				   when a timer caused it, 0 when a retransmitted message did */
	SIP_TXN_TIMEOUT,        /* B, F or H fired: the TU is told the transaction failed */
};

/* The payload of SIM_TRACE_SIP trace points (borrowed for the duration of the call). */
struct sip_txn_trace {
	enum sip_txn_event event;
	bool server;            /* server transaction (strans) or client (ctrans) */
	bool invite;            /* INVITE transaction (figures 5/7) or non-INVITE (6/8) */
	const char *method;     /* the request's method as written */
	const char *branch;     /* the top Via branch ("" when the request has none) */
	const char *state;      /* state after the event (sip_ctrans_state_name ...) */
	const char *prev_state; /* SIP_TXN_STATE only, else NULL */
	char timer;             /* 'A' ... 'K' when a timer caused the event, else 0 */
	uint16_t status;        /* the response involved (retransmitted, received, sent), or 0 */
};

/* A short lower-case name of an event ("created", "state", "retransmit", "timeout"). */
const char *sip_txn_event_name(enum sip_txn_event ev);

/* ---------------------------------------------------------------- client transactions */

enum sip_ctrans_state {
	SIP_CTRANS_CALLING,     /* INVITE sent, no response yet (timers A, B) */
	SIP_CTRANS_TRYING,      /* non-INVITE sent, no response yet (timers E, F) */
	SIP_CTRANS_PROCEEDING,  /* a provisional response arrived */
	SIP_CTRANS_COMPLETED,   /* a final response arrived; absorbing its retransmissions (D, K) */
	SIP_CTRANS_TERMINATED,
};

/* "Calling", "Trying", "Proceeding", "Completed", "Terminated" (RFC 3261's names). */
const char *sip_ctrans_state_name(enum sip_ctrans_state s);

/* A response for the TU: every provisional, the first final of each code class the state machine
 * lets through (retransmissions of a non-2xx final are absorbed). RESP is borrowed. */
typedef void (sip_ctrans_resp_h)(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg);
/* The transaction failed: ETIMEDOUT (timer B or F fired: act as on a 408, RFC 3261 8.1.3.1) or
 * the transport's error (ECONNREFUSED, EPIPE, EINVAL ...: act as on a 503). Called at most once. */
typedef void (sip_ctrans_err_h)(struct sip_ctrans *ct, int err, void *arg);

/*
 * Starts a client transaction for the request REQ (the bytes are sent as they are, so its top Via
 * must carry the branch; refs REQ) towards DST over PROTO, through transport TP. On success *CTP
 * is the transaction (borrowed; see Lifetime above) and the request has been sent once.
 * Returns 0; EBADMSG (REQ does not parse), EINVAL (REQ is a response or an ACK, which has no
 * client transaction: send it with sip_transport_send; or PROTO is not open on TP), EEXIST (a
 * transaction with the same branch and method is running), or the transport's error for the
 * first send (ECONNREFUSED: nothing listens at DST over TCP/TLS), in which case no transaction
 * remains and no callback runs.
 */
int sip_ctrans_new(struct sip_ctrans **ctp, struct sip_transport *tp, GBytes *req,
		   const struct sim_addr *dst, enum sim_net_proto proto, sip_ctrans_resp_h *resp,
		   sip_ctrans_err_h *err, void *arg);

struct sip_ctrans *sip_ctrans_ref(struct sip_ctrans *ct);
/* Drops a reference (NULL is fine). */
void sip_ctrans_unref(struct sip_ctrans *ct);
/* Clears the TU callbacks: the transaction runs to its end but reports nothing. */
void sip_ctrans_detach(struct sip_ctrans *ct);

enum sip_ctrans_state sip_ctrans_state(const struct sip_ctrans *ct);
/* The request as parsed (borrowed). */
const struct sip_msg *sip_ctrans_request(const struct sip_ctrans *ct);
/* The ACK the transaction built for a non-2xx final response, or NULL (borrowed). */
GBytes *sip_ctrans_ack(const struct sip_ctrans *ct);
/* How many times the request was sent again (timers A/E). */
unsigned sip_ctrans_retransmissions(const struct sip_ctrans *ct);

/* ---------------------------------------------------------------- server transactions */

enum sip_strans_state {
	SIP_STRANS_TRYING,      /* non-INVITE received, nothing sent yet */
	SIP_STRANS_PROCEEDING,  /* INVITE received, or a provisional response sent */
	SIP_STRANS_COMPLETED,   /* a final response sent (INVITE: 300-699, timers G/H; else J) */
	SIP_STRANS_CONFIRMED,   /* INVITE only: the ACK arrived (timer I) */
	SIP_STRANS_TERMINATED,
};

/* "Trying", "Proceeding", "Completed", "Confirmed", "Terminated". */
const char *sip_strans_state_name(enum sip_strans_state s);

/* The transaction failed: ETIMEDOUT (timer H: no ACK for a 300-699 to an INVITE) or the
 * transport's error sending a response (RFC 3261 17.2.4). Called at most once. */
typedef void (sip_strans_err_h)(struct sip_strans *st, int err, void *arg);

/* Sets (or with NULL clears) the TU callback of ST. */
void sip_strans_set_handler(struct sip_strans *st, sip_strans_err_h *err, void *arg);

/*
 * Sends the response RESP (refs it) and moves the state machine: 1xx keeps it in Proceeding,
 * 2xx to an INVITE terminates it (the UA core retransmits: sip_dialog_send_2xx), any other
 * final goes to Completed. The bytes go where RFC 3261 18.2.2 says (the stream the request came
 * on; over UDP the source address, with the sent-by or rport port).
 * Returns 0; EINVAL (RESP is not a parseable response); EPROTO (a final response was already
 * sent, or the transaction ended); or the transport's error (ECONNREFUSED, EPIPE ...: the
 * transaction then terminates, RFC 3261 17.2.4, and the return code is the only report).
 */
int sip_strans_reply(struct sip_strans *st, GBytes *resp);
/*
 * Starts a response to ST's request like sip_build_reply (build.h) but with the top Via stamped
 * as RFC 3261 18.2.1 and RFC 3581 ask: received= the source IP when it differs from the sent-by
 * host (or rport was asked for), rport= the source port when asked for. The caller adds headers,
 * finishes it and passes it to sip_strans_reply. NULL for a code outside 100-699.
 */
struct sip_build *sip_strans_reply_build(const struct sip_strans *st, uint16_t code,
					 const char *reason, const char *to_tag);

struct sip_strans *sip_strans_ref(struct sip_strans *st);
void sip_strans_unref(struct sip_strans *st);
void sip_strans_detach(struct sip_strans *st);

enum sip_strans_state sip_strans_state(const struct sip_strans *st);
/* The request that created the transaction (borrowed). */
const struct sip_msg *sip_strans_request(const struct sip_strans *st);
struct sip_transport *sip_strans_transport(const struct sip_strans *st);
/* Where the request came from: where responses go (borrowed). */
const struct sip_transport_src *sip_strans_src(const struct sip_strans *st);
/* Status of the last response sent, 0 when none. */
uint16_t sip_strans_status(const struct sip_strans *st);
/* How many times a response was sent again (timer G or a retransmitted request). */
unsigned sip_strans_retransmissions(const struct sip_strans *st);
/*
 * For a CANCEL's server transaction: the INVITE server transaction it cancels (RFC 3261 9.2:
 * matched like 17.2.3, method aside), or NULL when there is none (answer the CANCEL 481).
 */
struct sip_strans *sip_strans_cancel_target(const struct sip_strans *st);
/*
 * Terminates ST without answering: for a request the TU recognises as a retransmission that the
 * transaction layer could not match (an INVITE retransmitted after the 2xx ended its server
 * transaction, the gap of RFC 3261 that RFC 6026 closes). No callback runs.
 */
void sip_strans_discard(struct sip_strans *st);

#endif
