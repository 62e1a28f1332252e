/*
 * txn_priv.h - what the transport (transport.c) and the transactions (ctrans.c, strans.c) call
 * of each other; not for the TU. The transport keeps the transaction tables (each running
 * transaction holds one reference there) and the sockets; the transactions keep their state
 * machines and timers and ask the transport to send and to forget them when they terminate.
 */
#ifndef OSSIM_SIP_TXN_PRIV_H
#define OSSIM_SIP_TXN_PRIV_H

#include "models/sip/msg.h"
#include "models/sip/transport.h"
#include "models/sip/txn.h"

/* ---- transport.c, for the transactions ---- */

/* The client-transaction key of 17.1.3: branch and CSeq method. g_free it. */
char *sip_transport_ckey(struct sip_pl branch, struct sip_pl method);
/* The server-transaction key of 17.2.3 for a request with an RFC 3261 branch: branch, sent-by
 * and method (ACK counted as INVITE; METHOD overrides the request's own when non-NULL, for the
 * CANCEL -> INVITE lookup of 9.2). g_free it. */
char *sip_transport_skey(const struct sip_msg *req, const char *method);
/* Registers a running client transaction under KEY (the table takes a reference).
 * Returns 0, or EEXIST. */
int sip_transport_ctrans_add(struct sip_transport *tp, const char *key, struct sip_ctrans *ct);
/* Forgets it and drops the table's reference. */
void sip_transport_ctrans_remove(struct sip_transport *tp, const char *key);
/* Forgets a server transaction (KEY NULL for an RFC 2543 one) and drops the table's ref. */
void sip_transport_strans_remove(struct sip_transport *tp, const char *key,
				 struct sip_strans *st);
struct sip_strans *sip_transport_strans_find(const struct sip_transport *tp, const char *key);
/* The first RFC 2543 server transaction (creation order) that REQ matches (AS_INVITE: look for
 * the INVITE that a CANCEL cancels, 9.2), or NULL. */
struct sip_strans *sip_transport_strans_find_2543(const struct sip_transport *tp,
						  const struct sip_msg *req, bool as_invite);
/* Sends a request for a client transaction; over a stream, the one to DST is reused. */
int sip_transport_send_req(struct sip_transport *tp, enum sim_net_proto proto,
			   const struct sim_addr *dst, GBytes *msg);
/* Publishes EV as SIM_TRACE_SIP if anyone listens. */
void sip_transport_trace(struct sip_transport *tp, const struct sip_txn_trace *ev);
/* True when nobody listens to SIM_TRACE_SIP (skip building the payload). */
bool sip_transport_trace_off(const struct sip_transport *tp);
/* Whether a server INVITE transaction sends 100 Trying on its own (cfg.auto_trying). */
bool sip_transport_auto_trying(const struct sip_transport *tp);

/* A response to REQ (received from SRC) with the top Via stamped per 18.2.1/RFC 3581: the
 * common part of sip_strans_reply_build and the stateless 400/505. */
struct sip_build *sip_transport_reply_build(const struct sip_msg *req,
					    const struct sip_transport_src *src, uint16_t code,
					    const char *reason, const char *to_tag);

/* ---- ctrans.c, for the transport ---- */

/* A response whose key matched CT. */
void sip_ctrans_receive(struct sip_ctrans *ct, const struct sip_msg *resp);
/* The transport goes away: stop the timers, terminate silently, forget the transport. */
void sip_ctrans_shutdown(struct sip_ctrans *ct);

/* ---- strans.c, for the transport ---- */

/* Creates the server transaction of a new request REQ (not ACK) from SRC and registers it
 * under KEY (NULL: an RFC 2543 request, matched by sip_strans_match_2543). */
struct sip_strans *sip_strans_new_incoming(struct sip_transport *tp, const struct sip_msg *req,
					   const struct sip_transport_src *src, const char *key);
/* A retransmitted request or an ACK that matched ST. */
void sip_strans_receive(struct sip_strans *st, const struct sip_msg *req);
/* RFC 3261 17.2.3, last paragraphs: does REQ (whose branch lacks the cookie) match ST? With
 * AS_INVITE, REQ is a CANCEL looking for the INVITE it cancels (9.2). */
bool sip_strans_match_2543(const struct sip_strans *st, const struct sip_msg *req,
			   bool as_invite);
void sip_strans_shutdown(struct sip_strans *st);

#endif
