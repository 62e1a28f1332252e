/*
 * net.c - the simulated IP network (sim/net.h): hosts, UDP sockets, reliable ordered streams,
 * links that draw delay and loss from the sending host's seeded stream, and the forward hook.
 *
 * Everything that travels is a struct net_pkt owned by the network: it sits in net->inflight
 * with an embedded kernel timer from the moment it is sent until its delivery handler runs,
 * so sim_net_free() can cancel and free what is still on the wire (one-shot sim_schedule()
 * events could not be cancelled). Receivers are looked up by address at delivery time, never
 * remembered at send time: a socket closed meanwhile simply is not found ("port unreachable").
 *
 * Streams are connections (struct sim_conn) holding both endpoints. A connection lives until
 * both owners have closed their endpoint and no segment of it is in flight, so a handler may
 * close its stream while segments still travel towards it.
 *
 * Determinism: hosts are kept in a GPtrArray in order of addition; hash tables serve lookups
 * only (and freeing, whose order is invisible). Each datagram or segment takes exactly two
 * uniforms from its sender's stream (loss, then delay by inverse CDF), so changing a link's
 * loss rate or distribution keeps the other draw aligned (common random numbers).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "sim/net.h"
#include "sim/sim.h"

#define NET_EPHEMERAL_FIRST 49152u
#define NET_UDP_MAX 65507u       /* 65535 - 20 (IPv4 header) - 8 (UDP header) */

struct sim_host {
	struct sim_net *net;
	char *name;
	uint32_t ip;
	gsl_rng *rng;            /* link stream "net/<name>": draws for what this host sends */
	GHashTable *udp;         /* port -> struct sim_udp * (owned) */
	GHashTable *tcp;         /* port -> struct sim_listener * (owned), or NULL for a port
				    held by a connecting stream */
	uint16_t next_udp;       /* next ephemeral port to try */
	uint16_t next_tcp;
};

struct sim_udp {
	struct sim_host *host;
	uint16_t port;
	sim_udp_recv_h *h;
	void *arg;
};

struct sim_listener {
	struct sim_host *host;
	uint16_t port;
	enum sim_net_proto proto;
	sim_stream_accept_h *accept;
	void *arg;
};

struct sim_stream {
	struct sim_conn *conn;
	struct sim_host *host;   /* NULL on the accepting side until the open arrives */
	struct sim_addr local, remote;
	sim_stream_recv_h *recv;
	sim_stream_close_h *closed;
	void *arg;
	bool released;           /* the owner closed it (or nobody owns it): no more callbacks */
	bool close_sent;         /* our close (or reset) is on its way to the peer */
	bool peer_closed;        /* the peer's close has been delivered to us */
	int64_t ready_at;        /* our segments leave no earlier (handshake) */
	int64_t last_arrival;    /* arrival of our previous segment: the next is never earlier */
};

struct sim_conn {
	GList link;              /* in net->conns; data = this */
	struct sim_net *net;
	enum sim_net_proto proto;
	struct sim_stream ep[2]; /* 0 = connecting side, 1 = accepting side */
	unsigned inflight;       /* segments on the wire, each keeps the connection alive */
	bool reset;              /* refused or broken: data is dropped, sends fail */
};

/* What a net_pkt carries. */
enum net_seg {
	NET_SEG_DATAGRAM,        /* UDP */
	NET_SEG_OPEN,            /* stream open (SYN): not traced, seen by the hook */
	NET_SEG_DATA,            /* stream data segment */
	NET_SEG_CLOSE,           /* stream close (FIN, or RST after a reset): not traced */
};

struct net_pkt {
	GList link;              /* in net->inflight; data = this */
	struct sim_timer timer;
	struct sim_net *net;
	enum net_seg seg;
	struct sim_conn *conn;   /* stream segments: their connection */
	int to;                  /* stream segments: index of the receiving endpoint */
	struct sim_net_packet pkt;
};

/* Link set for a pair of hosts; the key is both addresses, lower first. */
struct net_link_entry {
	uint64_t key;
	struct sim_link link;
};

struct sim_net {
	struct sim *sim;
	struct sim_link default_link;
	sim_net_hook_h *hook;
	void *hook_arg;
	GPtrArray *hosts;        /* struct sim_host *, in order of addition (owned) */
	GHashTable *by_ip;       /* ip -> host */
	GHashTable *by_name;     /* name -> host */
	GHashTable *links;       /* &entry->key -> struct net_link_entry (owned) */
	GQueue inflight;         /* struct net_pkt, in send order */
	GQueue conns;            /* struct sim_conn, in connect order */
	gsl_rng *rng;            /* stream "net": sources owned by no host (injections) */
	uint64_t next_id;
	struct sim_net_stats stats;
};

/* ---- the network ---- */

/* Creates an empty network in SIM with the default link (1 ms constant, no loss). */
struct sim_net *sim_net_new(struct sim *sim)
{
	struct sim_net *net = g_new0(struct sim_net, 1);

	net->sim = sim;
	net->default_link = (struct sim_link){ .latency = SIM_MS, .dist = SIM_DELAY_CONST };
	net->hosts = g_ptr_array_new();
	net->by_ip = g_hash_table_new(g_direct_hash, g_direct_equal);
	net->by_name = g_hash_table_new(g_str_hash, g_str_equal);
	net->links = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	g_queue_init(&net->inflight);
	g_queue_init(&net->conns);
	/* No host may be called "" so this name never collides with a host's "net/<name>". */
	net->rng = sim_rng_new(sim, "net");
	return net;
}

/* Frees one packet record and its reference to the bytes. */
static void net_pkt_free(struct net_pkt *p)
{
	g_bytes_unref(p->pkt.data);
	g_free(p);
}

/* Frees NET: cancels and frees what is in flight, then streams, sockets and hosts. */
void sim_net_free(struct sim_net *net)
{
	GList *l;

	if (net == NULL)
		return;
	while ((l = g_queue_pop_head_link(&net->inflight)) != NULL) {
		struct net_pkt *p = l->data;

		sim_timer_cancel(net->sim, &p->timer);
		net_pkt_free(p);
	}
	while ((l = g_queue_pop_head_link(&net->conns)) != NULL)
		g_free(l->data);
	for (guint i = 0; i < net->hosts->len; i++) {
		struct sim_host *h = g_ptr_array_index(net->hosts, i);

		/* Value destructors free sockets and listeners; order does not matter here. */
		g_hash_table_destroy(h->udp);
		g_hash_table_destroy(h->tcp);
		gsl_rng_free(h->rng);
		g_free(h->name);
		g_free(h);
	}
	g_ptr_array_free(net->hosts, TRUE);
	g_hash_table_destroy(net->by_ip);
	g_hash_table_destroy(net->by_name);
	g_hash_table_destroy(net->links);
	gsl_rng_free(net->rng);
	g_free(net);
}

/* The world NET belongs to. */
struct sim *sim_net_sim(const struct sim_net *net)
{
	return net->sim;
}

/* Checks a link's values; false (with a GLib critical) when they make no sense. */
static bool net_link_valid(const struct sim_link *link)
{
	g_return_val_if_fail(link != NULL, false);
	g_return_val_if_fail(link->latency >= 0 && link->jitter >= 0, false);
	g_return_val_if_fail(link->loss >= 0.0 && link->loss <= 1.0, false);
	g_return_val_if_fail(link->dist >= SIM_DELAY_CONST && link->dist <= SIM_DELAY_NORMAL,
			     false);
	return true;
}

/* Replaces the link used between hosts that have none of their own. */
void sim_net_set_default_link(struct sim_net *net, const struct sim_link *link)
{
	if (net_link_valid(link))
		net->default_link = *link;
}

/* The links-table key of the pair (A, B): the same in both directions. */
static uint64_t net_link_key(uint32_t a, uint32_t b)
{
	uint32_t lo = a < b ? a : b, hi = a < b ? b : a;

	return (uint64_t)lo << 32 | hi;
}

/* Sets the link between A and B (both directions); A == B sets the loopback of A. */
void sim_net_set_link(struct sim_net *net, struct sim_host *a, struct sim_host *b,
		      const struct sim_link *link)
{
	struct net_link_entry *e;

	g_return_if_fail(a != NULL && b != NULL);
	if (!net_link_valid(link))
		return;
	e = g_new(struct net_link_entry, 1);
	e->key = net_link_key(a->ip, b->ip);
	e->link = *link;
	g_hash_table_replace(net->links, &e->key, e);
}

/* Installs the forward hook H (NULL removes it). */
void sim_net_set_hook(struct sim_net *net, sim_net_hook_h *h, void *arg)
{
	net->hook = h;
	net->hook_arg = h != NULL ? arg : NULL;
}

/* Counters since sim_net_new(). */
struct sim_net_stats sim_net_stats(const struct sim_net *net)
{
	return net->stats;
}

/* ---- hosts ---- */

/* Adds host NAME at IP with its link stream "net/NAME"; NULL if the name or address is taken. */
struct sim_host *sim_net_host_add(struct sim_net *net, const char *name, uint32_t ip)
{
	struct sim_host *h;
	char *stream;

	g_return_val_if_fail(name != NULL && name[0] != '\0', NULL);
	if (g_hash_table_contains(net->by_name, name) ||
	    g_hash_table_contains(net->by_ip, GUINT_TO_POINTER(ip)))
		return NULL;
	h = g_new0(struct sim_host, 1);
	h->net = net;
	h->name = g_strdup(name);
	h->ip = ip;
	stream = g_strdup_printf("net/%s", name);
	h->rng = sim_rng_new(net->sim, stream);
	g_free(stream);
	h->udp = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	h->tcp = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	h->next_udp = NET_EPHEMERAL_FIRST;
	h->next_tcp = NET_EPHEMERAL_FIRST;
	g_ptr_array_add(net->hosts, h);
	g_hash_table_insert(net->by_ip, GUINT_TO_POINTER(ip), h);
	g_hash_table_insert(net->by_name, h->name, h);
	return h;
}

/* The host owning IP, or NULL. */
struct sim_host *sim_net_host_by_ip(const struct sim_net *net, uint32_t ip)
{
	return g_hash_table_lookup(net->by_ip, GUINT_TO_POINTER(ip));
}

/* The host called NAME, or NULL. */
struct sim_host *sim_net_host_by_name(const struct sim_net *net, const char *name)
{
	return g_hash_table_lookup(net->by_name, name);
}

/* HOST's name, as given to sim_net_host_add(). */
const char *sim_host_name(const struct sim_host *host)
{
	return host->name;
}

/* HOST's address. */
uint32_t sim_host_ip(const struct sim_host *host)
{
	return host->ip;
}

/* Name of the host owning IP, or NULL: what packets carry as src_host/dst_host. */
static const char *net_host_name(const struct sim_net *net, uint32_t ip)
{
	struct sim_host *h = sim_net_host_by_ip(net, ip);

	return h != NULL ? h->name : NULL;
}

/* A free port of T from 49152 upward, wrapping; 0 when all 16384 are taken. */
static uint16_t net_ephemeral(GHashTable *t, uint16_t *next)
{
	for (unsigned i = 0; i < 65536u - NET_EPHEMERAL_FIRST; i++) {
		uint16_t port = *next;

		*next = port == 65535 ? NET_EPHEMERAL_FIRST : (uint16_t)(port + 1);
		if (!g_hash_table_contains(t, GUINT_TO_POINTER(port)))
			return port;
	}
	return 0;
}

/* ---- links: delay and loss ---- */

/* The link from host FROM (NULL = none) towards address IP. */
static const struct sim_link *net_link(const struct sim_net *net, const struct sim_host *from,
				       uint32_t ip)
{
	const struct net_link_entry *e;
	uint64_t key;

	if (from == NULL || sim_net_host_by_ip(net, ip) == NULL)
		return &net->default_link;
	key = net_link_key(from->ip, ip);
	e = g_hash_table_lookup(net->links, &key);
	return e != NULL ? &e->link : &net->default_link;
}

/*
 * Draws one traversal of LINK from R: exactly two uniforms, the loss draw then the delay draw
 * (by inverse CDF, so every distribution takes one uniform). Sets *LOST; returns the delay.
 */
static int64_t net_draw(gsl_rng *r, const struct sim_link *link, bool *lost)
{
	double u_loss = gsl_rng_uniform(r);
	double u = gsl_rng_uniform(r);  /* [0, 1) */
	double j = (double)link->jitter, x = 0.0;
	int64_t d;

	switch (link->dist) {
	case SIM_DELAY_CONST:
		break;
	case SIM_DELAY_UNIFORM:
		x = u * j;
		break;
	case SIM_DELAY_EXP:
		x = -j * log1p(-u);
		break;
	case SIM_DELAY_NORMAL:
		/* |N(0, j)| is the half-normal: its quantile at u is Phi^-1((1 + u) / 2) * j. */
		x = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * u) * j;
		break;
	}
	/* The tails are bounded (u < 1) but keep the sum far from int64 overflow anyway. */
	if (!(x < 1e17))
		x = 1e17;
	*lost = u_loss < link->loss;
	d = link->latency + (int64_t)llround(x);
	return d < 0 ? 0 : d;
}

/* The stream FROM (or the net's own, for sources without a host) that draws its delays. */
static gsl_rng *net_rng(struct sim_net *net, struct sim_host *from)
{
	return from != NULL ? from->rng : net->rng;
}

/* Delay of a stream segment from FROM to IP: a loss costs one retransmission timeout. */
static int64_t net_seg_delay(struct sim_net *net, struct sim_host *from, uint32_t ip)
{
	bool lost;
	int64_t d = net_draw(net_rng(net, from), net_link(net, from, ip), &lost);

	return lost ? d + SIM_NET_STREAM_RTO : d;
}

/* ---- tracing ---- */

/* Publishes P on the trace bus as KIND, when anyone listens. */
static void net_trace(struct sim_net *net, enum sim_trace_kind kind, const char *source,
		      const struct sim_net_packet *p)
{
	if (sim_trace_wanted(net->sim, kind))
		sim_trace_emit(net->sim, kind, source, p);
}

/* Counts and traces the drop of P for REASON (not freed here). The trace's source is the
   receiving host when there is one (drops at delivery), else the sender. */
static void net_drop(struct sim_net *net, struct sim_net_packet *p, const char *reason)
{
	p->drop_reason = reason;
	net->stats.dropped++;
	net_trace(net, SIM_TRACE_NET_DROP, p->dst_host != NULL ? p->dst_host : p->src_host, p);
}

/* Counts and traces P as lost on the link: reported by its sender, at send time. */
static void net_lost(struct sim_net *net, struct sim_net_packet *p)
{
	p->drop_reason = "loss";
	net->stats.dropped++;
	net_trace(net, SIM_TRACE_NET_DROP, p->src_host, p);
}

/* Lets the hook see P; false with *REASON when it drops it. Refreshes the host names. */
static bool net_hook(struct sim_net *net, struct sim_net_packet *p, const char **reason)
{
	bool pass;

	if (net->hook == NULL)
		return true;
	*reason = NULL;
	pass = net->hook(p, reason, net->hook_arg);
	p->src_host = net_host_name(net, p->src.ip);
	p->dst_host = net_host_name(net, p->dst.ip);
	if (!pass && *reason == NULL)
		*reason = "hook";
	p->hook_dropped = !pass;
	return pass;
}

/* A new packet record from SRC to DST carrying DATA (referenced), sent now. */
static struct net_pkt *net_pkt_new(struct sim_net *net, enum net_seg seg,
				   enum sim_net_proto proto, const struct sim_addr *src,
				   const struct sim_addr *dst, GBytes *data)
{
	struct net_pkt *p = g_new0(struct net_pkt, 1);

	p->link.data = p;
	sim_timer_init(&p->timer);
	p->net = net;
	p->seg = seg;
	p->pkt.proto = proto;
	p->pkt.src = *src;
	p->pkt.dst = *dst;
	p->pkt.src_host = net_host_name(net, src->ip);
	p->pkt.dst_host = net_host_name(net, dst->ip);
	p->pkt.data = g_bytes_ref(data);
	p->pkt.sent_at = sim_now(net->sim);
	return p;
}

/* Numbers, counts and traces P as sent (data-carrying packets only). */
static void net_sent(struct sim_net *net, struct net_pkt *p)
{
	p->pkt.id = ++net->next_id;
	net->stats.sent++;
	net->stats.bytes_sent += g_bytes_get_size(p->pkt.data);
	net_trace(net, SIM_TRACE_NET_SEND, p->pkt.src_host, &p->pkt);
}

/* Counts and traces P as delivered. */
static void net_delivered(struct sim_net *net, struct net_pkt *p)
{
	net->stats.delivered++;
	net_trace(net, SIM_TRACE_NET_DELIVER, p->pkt.dst_host, &p->pkt);
}

/* ---- UDP ---- */

/* Binds PORT (0 = ephemeral) on HOST; NULL when the port is taken. */
struct sim_udp *sim_udp_bind(struct sim_host *host, uint16_t port, sim_udp_recv_h *h, void *arg)
{
	struct sim_udp *sock;

	g_return_val_if_fail(host != NULL, NULL);
	if (port == 0)
		port = net_ephemeral(host->udp, &host->next_udp);
	if (port == 0 || g_hash_table_contains(host->udp, GUINT_TO_POINTER(port)))
		return NULL;
	sock = g_new0(struct sim_udp, 1);
	sock->host = host;
	sock->port = port;
	sock->h = h;
	sock->arg = arg;
	g_hash_table_insert(host->udp, GUINT_TO_POINTER(port), sock);
	return sock;
}

/* Unbinds and frees SOCK; datagrams still in flight to it are dropped on arrival. */
void sim_udp_close(struct sim_udp *sock)
{
	if (sock != NULL)
		g_hash_table_remove(sock->host->udp, GUINT_TO_POINTER(sock->port)); /* frees */
}

/* The address SOCK is bound to. */
struct sim_addr sim_udp_local(const struct sim_udp *sock)
{
	return (struct sim_addr){ .ip = sock->host->ip, .port = sock->port };
}

/* Delivery of a datagram: hook, routing by destination address, receiver's handler. */
static void net_udp_arrive(struct sim *sim, void *arg)
{
	struct net_pkt *p = arg;
	struct sim_net *net = p->net;
	struct sim_host *host;
	struct sim_udp *sock;
	const char *reason;

	(void)sim;
	g_queue_unlink(&net->inflight, &p->link);
	if (!net_hook(net, &p->pkt, &reason)) {
		net_drop(net, &p->pkt, reason);
	} else if ((host = sim_net_host_by_ip(net, p->pkt.dst.ip)) == NULL) {
		net_drop(net, &p->pkt, "no route");
	} else if ((sock = g_hash_table_lookup(host->udp,
					       GUINT_TO_POINTER(p->pkt.dst.port))) == NULL) {
		net_drop(net, &p->pkt, "port unreachable");
	} else {
		net_delivered(net, p);
		/* The handler may close SOCK: it is not touched afterwards. */
		if (sock->h != NULL)
			sock->h(sock, &p->pkt.src, &p->pkt.dst, p->pkt.data, sock->arg);
	}
	net_pkt_free(p);
}

/* Sends DATA from SRC (host FROM, may be NULL) to DST over the link, now. Returns 0 or EINVAL. */
static int net_udp_emit(struct sim_net *net, struct sim_host *from, const struct sim_addr *src,
			const struct sim_addr *dst, GBytes *data)
{
	struct net_pkt *p;
	size_t size;
	bool lost;
	int64_t delay;

	if (data == NULL || dst == NULL)
		return EINVAL;
	size = g_bytes_get_size(data);
	if (size == 0 || size > NET_UDP_MAX)
		return EINVAL;
	p = net_pkt_new(net, NET_SEG_DATAGRAM, SIM_NET_UDP, src, dst, data);
	net_sent(net, p);
	delay = net_draw(net_rng(net, from), net_link(net, from, dst->ip), &lost);
	if (lost) {
		/* Reported at send time: the hook and the receiver never see it. */
		net_lost(net, &p->pkt);
		net_pkt_free(p);
		return 0;
	}
	g_queue_push_tail_link(&net->inflight, &p->link);
	sim_timer_start(net->sim, &p->timer, delay, net_udp_arrive, p);
	return 0;
}

/* Sends DATA from SOCK to DST. Returns 0, or EINVAL for an empty or oversized datagram. */
int sim_udp_send(struct sim_udp *sock, const struct sim_addr *dst, GBytes *data)
{
	struct sim_addr src;

	g_return_val_if_fail(sock != NULL, EINVAL);
	src = sim_udp_local(sock);
	return net_udp_emit(sock->host->net, sock->host, &src, dst, data);
}

/* Sends DATA as if from SRC (a middlebox re-emitting). Returns 0 or EINVAL, as sim_udp_send. */
int sim_net_inject_udp(struct sim_net *net, const struct sim_addr *src,
		       const struct sim_addr *dst, GBytes *data)
{
	g_return_val_if_fail(net != NULL && src != NULL, EINVAL);
	return net_udp_emit(net, sim_net_host_by_ip(net, src->ip), src, dst, data);
}

/* ---- streams ---- */

/* Index of endpoint S in its connection. */
static int net_side(const struct sim_stream *s)
{
	return (int)(s - s->conn->ep);
}

/* Frees CONN once both endpoints are released and nothing of it is on the wire. */
static void net_conn_maybe_free(struct sim_conn *conn)
{
	if (conn->ep[0].released && conn->ep[1].released && conn->inflight == 0) {
		g_queue_unlink(&conn->net->conns, &conn->link);
		g_free(conn);
	}
}

/*
 * Puts segment P (from endpoint FROM of CONN) on the wire with DELAY. It leaves no earlier than
 * FROM's handshake allows and arrives no earlier than FROM's previous segment: same-time
 * events run FIFO, so equal arrival times keep the order too.
 */
static void net_seg_schedule(struct sim_conn *conn, int from, struct net_pkt *p, int64_t delay,
			     sim_timer_h *h)
{
	struct sim_net *net = conn->net;
	struct sim_stream *s = &conn->ep[from];
	int64_t now = sim_now(net->sim);
	int64_t depart = s->ready_at > now ? s->ready_at : now;
	int64_t arrival = depart + delay;

	if (arrival < s->last_arrival)
		arrival = s->last_arrival;
	s->last_arrival = arrival;
	p->conn = conn;
	p->to = 1 - from;
	conn->inflight++;
	g_queue_push_tail_link(&net->inflight, &p->link);
	sim_timer_start_at(net->sim, &p->timer, arrival, h, p);
}

static void net_seg_arrive(struct sim *sim, void *arg);

/* Sends endpoint FROM's close to its peer (once), behind its pending data. */
static void net_seg_close(struct sim_conn *conn, int from)
{
	struct sim_stream *s = &conn->ep[from];
	struct sim_net *net = conn->net;
	struct net_pkt *p;
	GBytes *empty;

	if (s->close_sent || conn->ep[1 - from].released)
		return;
	s->close_sent = true;
	empty = g_bytes_new(NULL, 0);
	p = net_pkt_new(net, NET_SEG_CLOSE, conn->proto, &s->local, &s->remote, empty);
	g_bytes_unref(empty);
	net_seg_schedule(conn, from, p, net_seg_delay(net, s->host, s->remote.ip),
			 net_seg_arrive);
}

/* Endpoint AT learns that the peer closed: its close handler runs, once. */
static void net_peer_closed(struct sim_conn *conn, int at)
{
	struct sim_stream *s = &conn->ep[at];

	if (s->released || s->peer_closed)
		return;
	s->peer_closed = true;
	if (s->closed != NULL)
		s->closed(s, s->arg);   /* may close S: not touched afterwards */
}

/* Breaks CONN where endpoint AT is: AT learns it now, the other side after a link delay. */
static void net_conn_reset(struct sim_conn *conn, int at)
{
	conn->reset = true;
	net_seg_close(conn, at);
	net_peer_closed(conn, at);
}

/* The open (SYN) arrives: the hook may rewrite or refuse it, then the listener accepts. */
static void net_open_arrive(struct sim_net *net, struct net_pkt *p)
{
	struct sim_conn *conn = p->conn;
	struct sim_stream *s = &conn->ep[1];
	struct sim_host *host = NULL;
	struct sim_listener *l = NULL;
	const char *reason;

	if (net_hook(net, &p->pkt, &reason)) {
		host = sim_net_host_by_ip(net, p->pkt.dst.ip);
		if (host != NULL)
			l = g_hash_table_lookup(host->tcp, GUINT_TO_POINTER(p->pkt.dst.port));
	}
	s->host = host;
	s->local = p->pkt.dst;
	s->remote = p->pkt.src;
	if (l == NULL || l->proto != conn->proto) {
		/* Refused (an RST): nobody owns this side; the connecting side hears of it after a
		   link delay, behind nothing (it cannot have received data yet). */
		conn->reset = true;
		s->released = true;
		net_seg_close(conn, 1);
		return;
	}
	if (l->accept != NULL)
		l->accept(s, l->arg);
}

/* Delivery of a stream segment (open, data or close) to endpoint p->to. */
static void net_seg_arrive(struct sim *sim, void *arg)
{
	struct net_pkt *p = arg;
	struct sim_net *net = p->net;
	struct sim_conn *conn = p->conn;
	struct sim_stream *to = &conn->ep[p->to];
	const char *reason;

	(void)sim;
	g_queue_unlink(&net->inflight, &p->link);
	switch (p->seg) {
	case NET_SEG_OPEN:
		net_open_arrive(net, p);
		break;
	case NET_SEG_DATA:
		if (!net_hook(net, &p->pkt, &reason)) {
			/* A middlebox dropping a segment breaks the connection (as a reset). */
			net_drop(net, &p->pkt, reason);
			net_conn_reset(conn, p->to);
		} else if (conn->reset) {
			net_drop(net, &p->pkt, "connection reset");
		} else if (to->released) {
			net_drop(net, &p->pkt, "connection closed");
		} else {
			net_delivered(net, p);
			if (to->recv != NULL)
				to->recv(to, p->pkt.data, to->arg); /* may close TO */
		}
		break;
	case NET_SEG_CLOSE:
		net_peer_closed(conn, p->to);
		break;
	case NET_SEG_DATAGRAM:
		g_assert_not_reached();
	}
	net_pkt_free(p);
	conn->inflight--;
	net_conn_maybe_free(conn);
}

/* Listens on HOST:PORT (0 = ephemeral) for PROTO; NULL when the port is taken. */
struct sim_listener *sim_stream_listen(struct sim_host *host, uint16_t port,
				       enum sim_net_proto proto, sim_stream_accept_h *accept,
				       void *arg)
{
	struct sim_listener *l;

	g_return_val_if_fail(host != NULL, NULL);
	g_return_val_if_fail(proto == SIM_NET_TCP || proto == SIM_NET_TLS, NULL);
	if (port == 0)
		port = net_ephemeral(host->tcp, &host->next_tcp);
	if (port == 0 || g_hash_table_contains(host->tcp, GUINT_TO_POINTER(port)))
		return NULL;
	l = g_new0(struct sim_listener, 1);
	l->host = host;
	l->port = port;
	l->proto = proto;
	l->accept = accept;
	l->arg = arg;
	g_hash_table_insert(host->tcp, GUINT_TO_POINTER(port), l);
	return l;
}

/* Stops listening and frees L; streams already accepted live on, opens in flight are refused. */
void sim_listener_close(struct sim_listener *l)
{
	if (l != NULL)
		g_hash_table_remove(l->host->tcp, GUINT_TO_POINTER(l->port)); /* frees */
}

/*
 * Opens a stream from HOST to DST. The open reaches the listener after one link delay d1 and
 * is accepted then; the connecting side's data leaves once the handshake is done: after
 * d1 + d2 (SYN, SYN-ACK) for TCP, twice that for TLS (TLS 1.3's one extra round trip).
 * NULL when nothing listens at DST for PROTO, or HOST has no free ephemeral port.
 */
struct sim_stream *sim_stream_connect(struct sim_host *host, const struct sim_addr *dst,
				      enum sim_net_proto proto, sim_stream_recv_h *recv,
				      sim_stream_close_h *closed, void *arg)
{
	struct sim_net *net;
	struct sim_host *peer;
	struct sim_listener *l = NULL;
	struct sim_conn *conn;
	struct sim_stream *c;
	struct net_pkt *p;
	GBytes *empty;
	uint16_t port;
	int64_t d1, d2, now;

	g_return_val_if_fail(host != NULL && dst != NULL, NULL);
	g_return_val_if_fail(proto == SIM_NET_TCP || proto == SIM_NET_TLS, NULL);
	net = host->net;
	peer = sim_net_host_by_ip(net, dst->ip);
	if (peer != NULL)
		l = g_hash_table_lookup(peer->tcp, GUINT_TO_POINTER(dst->port));
	if (l == NULL || l->proto != proto)
		return NULL;
	port = net_ephemeral(host->tcp, &host->next_tcp);
	if (port == 0)
		return NULL;
	g_hash_table_insert(host->tcp, GUINT_TO_POINTER(port), NULL);

	conn = g_new0(struct sim_conn, 1);
	conn->link.data = conn;
	conn->net = net;
	conn->proto = proto;
	conn->ep[0].conn = conn;
	conn->ep[1].conn = conn;
	g_queue_push_tail_link(&net->conns, &conn->link);
	c = &conn->ep[0];
	c->host = host;
	c->local = (struct sim_addr){ .ip = host->ip, .port = port };
	c->remote = *dst;
	c->recv = recv;
	c->closed = closed;
	c->arg = arg;

	now = sim_now(net->sim);
	d1 = net_seg_delay(net, host, dst->ip);
	d2 = net_seg_delay(net, peer, host->ip);
	empty = g_bytes_new(NULL, 0);
	p = net_pkt_new(net, NET_SEG_OPEN, proto, &c->local, &c->remote, empty);
	g_bytes_unref(empty);
	net_seg_schedule(conn, 0, p, d1, net_seg_arrive);
	c->ready_at = now + (proto == SIM_NET_TLS ? 2 : 1) * (d1 + d2);
	return c;
}

/* Sets the handlers of S (an accepted stream gets none until this is called). */
void sim_stream_set_handlers(struct sim_stream *s, sim_stream_recv_h *recv,
			     sim_stream_close_h *closed, void *arg)
{
	s->recv = recv;
	s->closed = closed;
	s->arg = arg;
}

/* Queues DATA towards the peer. Returns 0 (also for empty DATA, which sends nothing), or EPIPE
   when S was reset or the peer has closed. */
int sim_stream_send(struct sim_stream *s, GBytes *data)
{
	struct sim_conn *conn;
	struct sim_net *net;
	struct net_pkt *p;

	g_return_val_if_fail(s != NULL && data != NULL, EINVAL);
	conn = s->conn;
	net = conn->net;
	if (s->released || s->close_sent || s->peer_closed || conn->reset)
		return EPIPE;
	if (g_bytes_get_size(data) == 0)
		return 0;
	p = net_pkt_new(net, NET_SEG_DATA, conn->proto, &s->local, &s->remote, data);
	net_sent(net, p);
	net_seg_schedule(conn, net_side(s), p, net_seg_delay(net, s->host, s->remote.ip),
			 net_seg_arrive);
	return 0;
}

/* Closes S: the peer's close handler runs after the pending data; S is invalid afterwards. */
void sim_stream_close(struct sim_stream *s)
{
	struct sim_conn *conn;
	int side;

	if (s == NULL || s->released)
		return;
	conn = s->conn;
	side = net_side(s);
	net_seg_close(conn, side);
	s->released = true;
	s->recv = NULL;
	s->closed = NULL;
	if (side == 0)
		g_hash_table_remove(s->host->tcp, GUINT_TO_POINTER(s->local.port));
	net_conn_maybe_free(conn);
}

/* Our address on S (the accepting side: the open's destination after the hook). */
struct sim_addr sim_stream_local(const struct sim_stream *s)
{
	return s->local;
}

/* The peer's address as S sees it (the accepting side: the open's source after the hook). */
struct sim_addr sim_stream_remote(const struct sim_stream *s)
{
	return s->remote;
}

/* TCP or TLS. */
enum sim_net_proto sim_stream_proto(const struct sim_stream *s)
{
	return s->conn->proto;
}

/* ---- addresses ---- */

/*
 * Reads a decimal number of at most MAX at *SP and advances *SP: at least one digit, no sign,
 * no leading zero (as glibc's inet_pton, so "010" is never read as octal). Returns 0 or EINVAL.
 */
static int net_parse_num(const char **sp, unsigned max, unsigned *out)
{
	const char *s = *sp;
	unsigned v = 0;
	int n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n > 0 && s[0] == '0')
			return EINVAL;
		v = v * 10 + (unsigned)(s[n] - '0');
		if (v > max)
			return EINVAL;
		n++;
	}
	if (n == 0)
		return EINVAL;
	*sp = s + n;
	*out = v;
	return 0;
}

/* Reads "a.b.c.d" at *SP and advances *SP. Returns 0 or EINVAL. */
static int net_parse_ip(const char **sp, uint32_t *ip)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned octet;

		if (i > 0) {
			if (**sp != '.')
				return EINVAL;
			(*sp)++;
		}
		if (net_parse_num(sp, 255, &octet) != 0)
			return EINVAL;
		v = v << 8 | octet;
	}
	*ip = v;
	return 0;
}

/* Parses "a.b.c.d" into *IP. Returns 0 or EINVAL (anything else, trailing text included). */
int sim_ip_parse(const char *s, uint32_t *ip)
{
	uint32_t v;

	if (s == NULL || net_parse_ip(&s, &v) != 0 || *s != '\0')
		return EINVAL;
	if (ip != NULL)
		*ip = v;
	return 0;
}

/* Parses "a.b.c.d" or "a.b.c.d:port" (port 0 when absent). Returns 0 or EINVAL. */
int sim_addr_parse(const char *s, struct sim_addr *out)
{
	uint32_t ip;
	unsigned port = 0;

	if (s == NULL || net_parse_ip(&s, &ip) != 0)
		return EINVAL;
	if (*s == ':') {
		s++;
		if (net_parse_num(&s, 65535, &port) != 0)
			return EINVAL;
	}
	if (*s != '\0')
		return EINVAL;
	if (out != NULL)
		*out = (struct sim_addr){ .ip = ip, .port = (uint16_t)port };
	return 0;
}

/* Writes "a.b.c.d" into BUF (16 bytes suffice); returns BUF. */
const char *sim_ip_str(uint32_t ip, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 0xff, ip >> 8 & 0xff, ip & 0xff);
	return buf;
}

/* Writes "a.b.c.d:port", or "a.b.c.d" when the port is 0, into BUF (22 bytes suffice). */
const char *sim_addr_str(const struct sim_addr *a, char *buf, size_t size)
{
	char ip[16];

	sim_ip_str(a->ip, ip, sizeof(ip));
	if (a->port != 0)
		snprintf(buf, size, "%s:%u", ip, (unsigned)a->port);
	else
		snprintf(buf, size, "%s", ip);
	return buf;
}

/* Same address and port. */
bool sim_addr_equal(const struct sim_addr *a, const struct sim_addr *b)
{
	return a->ip == b->ip && a->port == b->port;
}
