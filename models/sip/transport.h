/*
 * transport.h - one SIP endpoint's transport layer (RFC 3261 section 18) on a simulated host: a UDP
 * socket bound to the SIP port and, optionally, TCP/TLS listeners whose byte streams are framed
 * by Content-Length (18.3). It owns the endpoint's transactions (txn.h) and dispatches what it
 * receives: responses to the client transaction whose branch and method match (17.1.3), requests
 * to the matching server transaction (17.2.3, with the RFC 2543 fallback), new requests to the
 * TU's request callback with a fresh server transaction, ACKs for 2xx and stray responses to
 * the TU as they are.
 *
 * Malformed requests are answered statelessly as a real server would: 400 Bad Request with the
 * parser's reason in a Warning header when Via/From/To/Call-ID/CSeq are still usable, 505 for a
 * SIP version other than 2.0; anything else (garbage, malformed responses, a malformed ACK) is
 * dropped and counted.
 */
#ifndef OSSIM_SIP_TRANSPORT_H
#define OSSIM_SIP_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "models/sip/txn.h"
#include "sim/net.h"

struct sip_msg;
struct sip_transport;

/* What to open and how to time transactions. */
struct sip_transport_cfg {
	uint16_t port;          /* UDP and TCP port (5060 by default) */
	bool udp;               /* bind UDP on port */
	bool tcp;               /* listen for TCP on port */
	bool tls;               /* listen for TLS on tls_port */
	uint16_t tls_port;      /* 5061 by default */
	struct sip_timers timers;
	/* RFC 3261 17.2.1: a server INVITE transaction sends 100 Trying itself when the TU has not
	 * answered within 200 ms. Default true. */
	bool auto_trying;
};

/* Where a received message came from (filled by the transport, copied freely). */
struct sip_transport_src {
	enum sim_net_proto proto;
	struct sim_addr remote;   /* datagram source, or the stream's peer */
	struct sim_addr local;    /* where it arrived */
	uint64_t conn;            /* the stream it came on (an id, 0 for UDP) */
};

/* A new request. ST is its new server transaction, or NULL for an ACK that matched none (the
 * ACK for a 2xx, the UA core's business: sip_dialog_ack_received). REQ, SRC borrowed. */
typedef void (sip_transport_request_h)(struct sip_transport *tp, struct sip_strans *st,
				       const struct sip_msg *req,
				       const struct sip_transport_src *src, void *arg);
/* A response no client transaction matched (e.g. a 2xx retransmitted after the INVITE client
 * transaction ended, which the UA core answers with its ACK again, 13.2.2.4). */
typedef void (sip_transport_response_h)(struct sip_transport *tp, const struct sip_msg *resp,
					const struct sip_transport_src *src, void *arg);

/* Counters (tests, metrics). */
struct sip_transport_stats {
	uint64_t rx_requests, rx_responses;     /* parsed and dispatched */
	uint64_t rx_dropped;                    /* unusable bytes, malformed responses/ACKs */
	uint64_t rx_stray;                      /* responses that matched no client transaction */
	uint64_t tx_messages;                   /* every send, retransmissions included */
	uint64_t tx_errors;
	uint64_t bad_request_400, version_505;  /* stateless answers to malformed requests */
};

/* Fills CFG with the defaults: port 5060, UDP only, TLS port 5061, RFC timers, auto 100. */
void sip_transport_cfg_init(struct sip_transport_cfg *cfg);

/*
 * Opens the transport of one endpoint on HOST (of NET). Returns NULL when a port is taken.
 * The handlers may be set later (sip_transport_set_handlers); until then new requests are
 * answered 503 Service Unavailable.
 */
struct sip_transport *sip_transport_new(struct sim_net *net, struct sim_host *host,
					const struct sip_transport_cfg *cfg);
/* Closes the sockets and ends every transaction silently (no callbacks). NULL is fine. */
void sip_transport_free(struct sip_transport *tp);
void sip_transport_set_handlers(struct sip_transport *tp, sip_transport_request_h *request,
				sip_transport_response_h *stray, void *arg);

/*
 * Sends a message outside any transaction (an ACK for a 2xx, a stateless response) to DST over
 * PROTO; over TCP/TLS an open stream to DST is reused, else one is opened.
 * Returns 0, EINVAL (PROTO not usable, or the datagram too large), ECONNREFUSED, EPIPE.
 */
int sip_transport_send(struct sip_transport *tp, enum sim_net_proto proto,
		       const struct sim_addr *dst, GBytes *msg);
/*
 * Sends RESP, a response to REQ received from SRC, where RFC 3261 18.2.2 and RFC 3581 say: back
 * on the stream it came on (or a new one to the source address), or over UDP to the source IP
 * at the rport port when the request asked for rport, else the sent-by port (default 5060).
 * Returns like sip_transport_send.
 */
int sip_transport_respond(struct sip_transport *tp, const struct sip_msg *req,
			  const struct sip_transport_src *src, GBytes *resp);

struct sim *sip_transport_sim(const struct sip_transport *tp);
struct sim_host *sip_transport_host(const struct sip_transport *tp);
/* The host's name: the source of this transport's trace points. */
const char *sip_transport_name(const struct sip_transport *tp);
const struct sip_timers *sip_transport_timers(const struct sip_transport *tp);
/* The UDP address (IP and port) of the endpoint. */
struct sim_addr sip_transport_local(const struct sip_transport *tp);
struct sip_transport_stats sip_transport_stats(const struct sip_transport *tp);
/* Running transactions (not yet terminated). */
unsigned sip_transport_ctrans_count(const struct sip_transport *tp);
unsigned sip_transport_strans_count(const struct sip_transport *tp);

#endif
