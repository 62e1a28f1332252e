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
 * from the sending host's link stream, so runs are deterministic under the seed.
 * UDP may therefore reorder (as real UDP does); streams never reorder and never lose (a lost
 * segment only costs time, modelled as one retransmission timeout added to its delay).
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
	int64_t sent_at;         /* ns */
	const char *drop_reason; /* NULL unless dropped: "loss", "no route", "port unreachable",
				    or what a hook said ("nat: no binding") */
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
void sim_net_free(struct sim_net *net);
struct sim *sim_net_sim(const struct sim_net *net);
/* Link used for pairs without their own; default: 1 ms constant, no loss. */
void sim_net_set_default_link(struct sim_net *net, const struct sim_link *link);
/* Sets the link between A and B, both directions. */
void sim_net_set_link(struct sim_net *net, struct sim_host *a, struct sim_host *b,
		      const struct sim_link *link);

/*
 * Forward hook (NAT boundaries, firewalls): called for every datagram and stream segment at
 * the moment it would be delivered. It may rewrite *PKT's src/dst (the packet is then routed
 * again to the new destination, without a second link delay) and returns true to let it pass,
 * or false with *REASON set to drop it. One hook per network; NULL removes it.
 */
typedef bool (sim_net_hook_h)(struct sim_net_packet *pkt, const char **reason, void *arg);
void sim_net_set_hook(struct sim_net *net, sim_net_hook_h *h, void *arg);

/* ---- hosts ---- */
/* Adds host NAME with address IP. NULL if the name or address is taken. */
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
/* Binds PORT on HOST (0 = pick an ephemeral port, 49152 upward). NULL if the port is taken. */
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
/* Listens on HOST:PORT for PROTO (TCP or TLS); ACCEPT is called with each new stream, whose
   receive/close handlers it then sets with sim_stream_set_handlers. */
struct sim_listener *sim_stream_listen(struct sim_host *host, uint16_t port,
				       enum sim_net_proto proto, sim_stream_accept_h *accept,
				       void *arg);
void sim_listener_close(struct sim_listener *l);
/* Opens a stream from HOST (ephemeral port) to DST. The connection is usable at once: data
   sent before the (simulated) handshake completes is queued, as a kernel would. NULL when
   nothing listens at DST (the connect fails at once, as with an RST). */
struct sim_stream *sim_stream_connect(struct sim_host *host, const struct sim_addr *dst,
				      enum sim_net_proto proto, sim_stream_recv_h *recv,
				      sim_stream_close_h *closed, void *arg);
void sim_stream_set_handlers(struct sim_stream *s, sim_stream_recv_h *recv,
			     sim_stream_close_h *closed, void *arg);
/* Queues DATA; segments arrive in order, each after the link delay (never before the previous
   one). Returns 0, or EPIPE when the stream is closed. */
int sim_stream_send(struct sim_stream *s, GBytes *data);
/* Closes our side; the peer's close handler runs after the link delay. Frees S afterwards. */
void sim_stream_close(struct sim_stream *s);
struct sim_addr sim_stream_local(const struct sim_stream *s);
struct sim_addr sim_stream_remote(const struct sim_stream *s);
enum sim_net_proto sim_stream_proto(const struct sim_stream *s);

/* ---- addresses ---- */
/* Parses "a.b.c.d" or "a.b.c.d:port" (port 0 when absent). Returns 0 or EINVAL. */
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
