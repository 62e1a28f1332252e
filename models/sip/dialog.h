/*
 * dialog.h - SIP dialogs (RFC 3261 section 12) and the UA core's end-to-end 2xx duties for INVITE
 * (13.3.1.4): a dialog is the peer-to-peer relationship an INVITE (or SUBSCRIBE, REFER ...) sets
 * up, identified by Call-ID, local tag and remote tag, and carrying the state every in-dialog
 * request needs: local and remote CSeq, the remote target (the peer's Contact) and the route set
 * (Record-Route, reversed on the UAC side).
 *
 * The UAC creates one from its request and a 1xx-with-To-tag (early) or a 2xx (confirmed); the
 * UAS from the request and the 1xx/2xx it sends with its To tag. sip_dialog_request builds
 * in-dialog requests (12.2.1.1); sip_dialog_receive_request checks the CSeq order and refreshes
 * the target (12.2.2); sip_dialog_send_2xx sends a 2xx through the INVITE's server transaction and
 * keeps retransmitting it (T1 doubling up to T2) until sip_dialog_ack_received sees the ACK or
 * 64*T1 pass (13.3.1.4): the server transaction itself ended with the 2xx (RFC 3261 as written).
 */
#ifndef OSSIM_SIP_DIALOG_H
#define OSSIM_SIP_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "models/sip/msg.h"

struct sip_build;
struct sip_strans;
struct sip_dialog;

enum sip_dialog_state {
	SIP_DIALOG_EARLY,       /* from a provisional response */
	SIP_DIALOG_CONFIRMED,   /* from a 2xx */
	SIP_DIALOG_TERMINATED,  /* a non-2xx final to the initial INVITE, or 481/408 (12.2.1.2) */
};

/* "early", "confirmed", "terminated". */
const char *sip_dialog_state_name(enum sip_dialog_state s);

/*
 * UAC side (12.1.2): the dialog of request REQ (that we sent) established by response RESP
 * (101-199 with a To tag: early; 2xx: confirmed). Route set = RESP's Record-Route reversed,
 * remote target = RESP's Contact. Returns 0 (*DP set; free with sip_dialog_free), EINVAL (RESP is
 * not a 101-299 response with a To tag, or REQ not a request), EPROTO (RESP answers another
 * request: Call-ID, From tag or CSeq differ).
 */
int sip_dialog_new_uac(struct sip_dialog **dp, const struct sip_msg *req,
		       const struct sip_msg *resp);
/*
 * UAS side (12.1.1): the dialog of received request REQ, established by the response RESP we
 * send (101-199 with a To tag: early; 2xx: confirmed). Route set = REQ's Record-Route in order,
 * remote target = REQ's Contact, remote CSeq = REQ's. Returns 0, EINVAL, EPROTO as above.
 */
int sip_dialog_new_uas(struct sip_dialog **dp, const struct sip_msg *req,
		       const struct sip_msg *resp);
/* Cancels the 2xx retransmission timers and frees D (NULL is fine). */
void sip_dialog_free(struct sip_dialog *d);

/* Dialog ID match (12): Call-ID, local tag, remote tag (absent tags match absent ones). */
bool sip_dialog_match(const struct sip_dialog *d, struct sip_pl call_id, struct sip_pl local_tag,
		      struct sip_pl remote_tag);
/* A request we received belongs to D: its To tag is ours, its From tag the peer's. */
bool sip_dialog_match_request(const struct sip_dialog *d, const struct sip_msg *req);
/* A response we received belongs to D: its From tag is ours, its To tag the peer's. */
bool sip_dialog_match_response(const struct sip_dialog *d, const struct sip_msg *resp);

/*
 * Applies a response (UAC side) received within D: a 2xx confirms an early dialog (its route set
 * is recomputed from the 2xx, 13.2.2.4), a 2xx/1xx with Contact to a target refresh request
 * (INVITE, UPDATE, SUBSCRIBE, NOTIFY, REFER) updates the remote target (12.2.1.2), a 481 or 408
 * terminates the dialog, and so does a 300-699 to the initial INVITE of an early dialog.
 * Returns 0, or EINVAL when RESP does not belong to D.
 */
int sip_dialog_receive_response(struct sip_dialog *d, const struct sip_msg *resp);
/*
 * Applies a request received within D (12.2.2): its CSeq must not be lower than the remote
 * CSeq (else EPROTO: answer 500), which it then becomes; a target refresh request with a Contact
 * updates the remote target. ACK and CANCEL change nothing. Returns 0, EPROTO, or EINVAL when
 * REQ does not belong to D.
 */
int sip_dialog_receive_request(struct sip_dialog *d, const struct sip_msg *req);

/* The top Via of a request the TU sends (the branch is the TU's: one per transaction). */
struct sip_dialog_via {
	const char *transport;  /* "UDP", "TCP", "TLS" */
	const char *host;
	uint16_t port;          /* 0 = omitted */
	const char *branch;
	bool rport;             /* add ;rport (RFC 3581) */
};

/*
 * Starts an in-dialog request (12.2.1.1): Request-URI = the remote target (or, when the first
 * route is a strict router, without ;lr, that route, the remote target then going last in the
 * Route headers), Via, Max-Forwards 70, Route = the route set, From = local URI and tag, To =
 * remote URI and tag, Call-ID, CSeq = local CSeq + 1. The caller adds Contact and the body and
 * finishes it. NULL (EINVAL) for ACK or CANCEL (see sip_dialog_ack; CANCEL is built from the
 * INVITE, build.h) or when the method or target cannot be written.
 */
struct sip_build *sip_dialog_request(struct sip_dialog *d, enum sip_method method,
				     const char *method_name, const struct sip_dialog_via *via);
/* The ACK for a 2xx (13.2.2.4): like sip_dialog_request, but CSeq = CSEQ (the INVITE's) ACK,
 * and the local CSeq is left alone. */
struct sip_build *sip_dialog_ack(struct sip_dialog *d, uint32_t cseq,
				 const struct sip_dialog_via *via);
/* Replaces the remote target by the Contact of MSG (target refresh). Returns 0, or ENOENT when
 * MSG has no usable Contact. */
int sip_dialog_target_refresh(struct sip_dialog *d, const struct sip_msg *msg);

/* Told when a 2xx was retransmitted for 64*T1 without an ACK (13.3.1.4: the TU should BYE). */
typedef void (sip_dialog_noack_h)(struct sip_dialog *d, void *arg);
/*
 * Sends the 2xx RESP to the INVITE of server transaction ST (which terminates on it), then keeps
 * retransmitting it over UDP with T1 doubling up to T2 until sip_dialog_ack_received sees the ACK;
 * after 64*T1 without one, NOACK runs. Over TCP/TLS nothing is retransmitted (each hop here is
 * reliable and no proxy forwards over UDP) but the 64*T1 wait for the ACK still runs. The
 * transport must outlive the retransmission (free the dialog first).
 * Returns 0, EINVAL (ST is not an INVITE transaction, RESP not a 2xx), EBUSY (a 2xx of this
 * dialog still waits for its ACK: 14.1 allows one INVITE at a time), or sip_strans_reply's error.
 */
int sip_dialog_send_2xx(struct sip_dialog *d, struct sip_strans *st, GBytes *resp,
			sip_dialog_noack_h *noack, void *arg);
/* An ACK that matched no transaction: if it is D's and acknowledges the pending 2xx (same CSeq
 * number), the retransmission stops. Returns 0, or ENOENT. */
int sip_dialog_ack_received(struct sip_dialog *d, const struct sip_msg *ack);
/* True when REQ is a retransmission of the INVITE whose 2xx D is retransmitting (same Call-ID,
 * From tag, CSeq and branch): the UA core then discards it (sip_strans_discard). */
bool sip_dialog_is_invite_retransmission(const struct sip_dialog *d, const struct sip_msg *req);
/* A 2xx waits for its ACK. */
bool sip_dialog_2xx_pending(const struct sip_dialog *d);
/* How many times the pending (or last) 2xx was sent again. */
unsigned sip_dialog_2xx_retransmissions(const struct sip_dialog *d);

enum sip_dialog_state sip_dialog_state(const struct sip_dialog *d);
bool sip_dialog_is_uac(const struct sip_dialog *d);
const char *sip_dialog_call_id(const struct sip_dialog *d);
const char *sip_dialog_local_tag(const struct sip_dialog *d);
/* NULL when the peer sent no tag (RFC 2543). */
const char *sip_dialog_remote_tag(const struct sip_dialog *d);
uint32_t sip_dialog_local_cseq(const struct sip_dialog *d);
/* The remote CSeq, or -1 while it is empty (a UAC before the first request from the peer). */
int64_t sip_dialog_remote_cseq(const struct sip_dialog *d);
const char *sip_dialog_remote_target(const struct sip_dialog *d);
const char *sip_dialog_local_uri(const struct sip_dialog *d);
const char *sip_dialog_remote_uri(const struct sip_dialog *d);
/* The route set, in the order requests carry it: its size and entry I (a name-addr value). */
size_t sip_dialog_route_count(const struct sip_dialog *d);
const char *sip_dialog_route_at(const struct sip_dialog *d, size_t i);

#endif
