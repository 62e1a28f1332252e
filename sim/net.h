/*
 * net.h - the simulated IP network: hosts with IPv4 addresses, UDP datagrams that carry exact
 * bytes, reliable ordered byte streams (TCP/TLS), and links with latency, jitter and loss.
 *
 * The interface is deliberately narrow - send bytes from an address to an address, deliver
 * bytes to whoever is bound there - so that a real socket can implement it later (live mode).
 *
 * Paths: a datagram from host A to host B takes the link configured for the pair (A,B), or the
 * network's default link. A link draws each datagram's one-way delay as
 *     latency + jitter-draw (>= 0, clipped)   and drops it with probability loss,
 * from the sending host's link stream ("net/<host name>", sim_rng_new), so runs are
 * deterministic under the seed and adding a host never changes another host's draws. Every
 * datagram or segment takes exactly two uniforms from that stream: the loss draw, then the
 * delay draw (by inverse CDF), so changing a loss rate keeps the delays aligned. Sources owned
 * by no host (sim_net_inject_udp from a foreign address) draw from the stream "net".
 * UDP may therefore reorder (as real UDP does); streams never reorder and never lose (a lost
 * segment only costs time, modelled as one retransmission timeout, SIM_NET_STREAM_RTO, added
 * to its delay).
 *
 * When things happen: SEND at the send call; a datagram lost on the link is reported as DROP
 * "loss" at the same moment (the hook and the receiver never see it); everything else is
 * decided at delivery time, after the hook: DROP "no route" (no host has the destination IP),
 * "port unreachable" (nothing bound there: also what datagrams in flight to a socket closed
 * meanwhile get), then DELIVER just before the receiver's handler runs.
 * Stream opens and closes (SYN, FIN, RST) are not traced and not counted: only data segments.
 *
 * Ownership: everything in flight belongs to the network; sim_net_free() cancels and frees it,
 * with every host, socket, listener and stream. Free the network before its struct sim.
 *
 * Middleboxes (NAT boundaries) sit on the path: a forward hook sees every datagram after the
 * link and may rewrite its addresses or drop it (see sim_net_set_hook).
 *
 * Every send, delivery and drop is published on the trace bus with a struct sim_net_packet.
 */
#ifndef OSSIM_NET_H
#define OSSIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* Retransmission timeout added to a stream segment whose loss draw hit: Linux's TCP_RTO_MIN
   (RFC 6298 2.4 asks for 1 s; Linux uses 200 ms, and that is what the phones meet on a LAN). */
#define SIM_NET_STREAM_RTO ((int64_t)200000000)

struct sim;
struct sim_net;
struct sim_host;

/* An IPv4 endpoint, host byte order. */
struct sim_addr {
	uint32_t ip;
	uint16_t port;
};

enum sim_net_proto {
	SIM_NET_UDP,
	SIM_NET_TCP,
	SIM_NET_TLS,
};

/* What crosses the wire; the payload of SIM_TRACE_NET_* trace points. */
struct sim_net_packet {
	uint64_t id;             /* 1, 2, ... in send order, unique in a world */
	enum sim_net_proto proto;
	struct sim_addr src, dst;
	const char *src_host;    /* host names (entity-style names), NULL if unknown */
	const char *dst_host;
	GBytes *data;            /* exact bytes; UDP: one datagram; stream: one segment */
	int64_t sent_at;         /* ns, time of the send call (a stream segment sent during the
				    handshake leaves later) */
	const char *drop_reason; /* NULL unless dropped: "loss", "no route", "port unreachable",
				    streams: "connection closed" (the receiver closed first),
				    "connection reset"; or what a hook said ("nat: no binding"),
				    "hook" when it said nothing */
	bool hook_dropped;       /* DROP: the forward hook (a middlebox) dropped it */
};

/* Link characteristics between two hosts. */
enum sim_delay_dist {
	SIM_DELAY_CONST,         /* latency */
	SIM_DELAY_UNIFORM,       /* latency + U(0, jitter) */
	SIM_DELAY_EXP,           /* latency + Exp(mean jitter) */
	SIM_DELAY_NORMAL,        /* latency + |N(0, jitter)| */
};
struct sim_link {
	int64_t latency;         /* ns, one way */
	int64_t jitter;          /* ns, scale of the random part */
	enum sim_delay_dist dist;
	double loss;             /* probability a datagram is dropped, [0,1] */
};

/* ---- the network ---- */
struct sim_net *sim_net_new(struct sim *sim);
/* Frees NET and all it holds, packets in flight included (their events are cancelled). Call it
   before sim_free() of its world, and not from inside one of its handlers. NULL is ignored. */
void sim_net_free(struct sim_net *net);
struct sim *sim_net_sim(const struct sim_net *net);
/* Link used for pairs without their own; default: 1 ms constant, no loss. */
void sim_net_set_default_link(struct sim_net *net, const struct sim_link *link);
/* Sets the link between A and B, both directions (A == B: A's loopback). Bad values (negative
   times, loss outside [0,1]) are refused with a GLib critical. */
void sim_net_set_link(struct sim_net *net, struct sim_host *a, struct sim_host *b,
		      const struct sim_link *link);

/*
 * Forward hook (NAT boundaries, firewalls): called for every datagram and stream segment at
 * the moment it would be delivered. It may rewrite *PKT's src/dst (the packet is then routed
 * again to the new destination, without a second link delay) and returns true to let it pass,
 * or false with *REASON set to drop it. One hook per network; NULL removes it.
 * Streams: the hook also sees each connection open, as a packet with empty data and id 0 (not
 * traced); the accepting side's addresses are the open's after the hook (so a NAT hook makes
 * the listener see the public address), and refusing the open refuses the connection. A data
 * segment's addresses, once rewritten, only show in its DELIVER trace: segments follow their
 * connection. Dropping a data segment resets the connection: the receiving side's close
 * handler runs at once, the sending side's after a link delay, later data is dropped.
 */
typedef bool (sim_net_hook_h)(struct sim_net_packet *pkt, const char **reason, void *arg);
void sim_net_set_hook(struct sim_net *net, sim_net_hook_h *h, void *arg);

/* ---- hosts ---- */
/* Adds host NAME (not empty) with address IP. NULL if the name or address is taken. */
struct sim_host *sim_net_host_add(struct sim_net *net, const char *name, uint32_t ip);
struct sim_host *sim_net_host_by_ip(const struct sim_net *net, uint32_t ip);
struct sim_host *sim_net_host_by_name(const struct sim_net *net, const char *name);
const char *sim_host_name(const struct sim_host *host);
uint32_t sim_host_ip(const struct sim_host *host);

/* ---- UDP ---- */
struct sim_udp;
/* Called on delivery; DATA is borrowed (g_bytes_ref to keep it). */
typedef void (sim_udp_recv_h)(struct sim_udp *sock, const struct sim_addr *src,
			      const struct sim_addr *dst, GBytes *data, void *arg);
/* Binds PORT on HOST (0 = pick an ephemeral port, 49152 upward). NULL if the port is taken.
   H may close the socket it is called for. */
struct sim_udp *sim_udp_bind(struct sim_host *host, uint16_t port, sim_udp_recv_h *h, void *arg);
void sim_udp_close(struct sim_udp *sock);
struct sim_addr sim_udp_local(const struct sim_udp *sock);
/* Sends DATA (refs it) to DST. Returns 0; EINVAL for an empty datagram or one over 65507 B. */
int sim_udp_send(struct sim_udp *sock, const struct sim_addr *dst, GBytes *data);
/*
 * Sends DATA to DST with SRC as the source address, from outside any socket: how a middlebox
 * re-emits what it rewrote. No link delay is applied twice: the packet goes out now, over the
 * link from the host owning SRC's address (or the default link).
 */
int sim_net_inject_udp(struct sim_net *net, const struct sim_addr *src,
		       const struct sim_addr *dst, GBytes *data);

/* ---- reliable ordered streams (TCP, TLS) ---- */
struct sim_stream;
typedef void (sim_stream_recv_h)(struct sim_stream *s, GBytes *data, void *arg);
typedef void (sim_stream_close_h)(struct sim_stream *s, void *arg);
typedef void (sim_stream_accept_h)(struct sim_stream *s, void *arg);

struct sim_listener;
/* Listens on HOST:PORT (0 = ephemeral) for PROTO (TCP or TLS); ACCEPT is called with each new
   stream when its open arrives, and sets its receive/close handlers with
   sim_stream_set_handlers. NULL if the port is taken (TCP and TLS share one port space per host,
   apart from UDP's). Closing a listener leaves accepted streams alone; opens still in flight
   to it are refused. */
struct sim_listener *sim_stream_listen(struct sim_host *host, uint16_t port,
				       enum sim_net_proto proto, sim_stream_accept_h *accept,
				       void *arg);
void sim_listener_close(struct sim_listener *l);
/* Opens a stream from HOST (ephemeral port) to DST. The connection is usable at once: data
   sent before the (simulated) handshake completes is queued, as a kernel would. NULL when
   nothing listens at DST for PROTO (the connect fails at once, as with an RST).
   Timing: the open reaches the listener after one link delay d1 (ACCEPT runs then); our data
   leaves once the handshake is over, d1 + d2 after the connect (SYN, SYN-ACK; d2 drawn from
   the listener host's stream), twice that for TLS (TLS 1.3's extra round trip). If the open is
   refused on arrival (listener gone, hook), our close handler runs a link delay later. */
struct sim_stream *sim_stream_connect(struct sim_host *host, const struct sim_addr *dst,
				      enum sim_net_proto proto, sim_stream_recv_h *recv,
				      sim_stream_close_h *closed, void *arg);
void sim_stream_set_handlers(struct sim_stream *s, sim_stream_recv_h *recv,
			     sim_stream_close_h *closed, void *arg);
/* Queues DATA as one segment (delivered as the same bytes); segments arrive in order, each
   after the link delay (never before the previous one). Returns 0 (an empty DATA sends
   nothing), or EPIPE when the stream was reset or the peer has closed (no half-close). */
int sim_stream_send(struct sim_stream *s, GBytes *data);
/* Closes our side; the peer's close handler runs after the link delay, behind the data sent
   before. Frees S afterwards (data still arriving for it is dropped, "connection closed").
   Handlers may close their own stream; an owner should close S after its close handler ran. */
void sim_stream_close(struct sim_stream *s);
struct sim_addr sim_stream_local(const struct sim_stream *s);
struct sim_addr sim_stream_remote(const struct sim_stream *s);
enum sim_net_proto sim_stream_proto(const struct sim_stream *s);

/* ---- addresses ---- */
/* Parses "a.b.c.d" or "a.b.c.d:port" (port 0 when absent). Returns 0 or EINVAL: octets over
   255, leading zeros ("01.2.3.4", as inet_pton), missing parts, ports over 65535, any other
   character. */
int sim_addr_parse(const char *s, struct sim_addr *out);
int sim_ip_parse(const char *s, uint32_t *ip);
/* Writes "a.b.c.d:port" (or "a.b.c.d" if port is 0) into BUF (at least 22 bytes). */
const char *sim_addr_str(const struct sim_addr *a, char *buf, size_t size);
const char *sim_ip_str(uint32_t ip, char *buf, size_t size);
bool sim_addr_equal(const struct sim_addr *a, const struct sim_addr *b);

/* Counters for tests and metrics. */
struct sim_net_stats {
	uint64_t sent, delivered, dropped;
	uint64_t bytes_sent;
};
struct sim_net_stats sim_net_stats(const struct sim_net *net);

#endif
