/*
 * transport.c - the SIP transport layer of one endpoint (RFC 3261 section 18) on the simulated
 * network, and the dispatcher that ties received messages to transactions (17.1.3, 17.2.3).
 *
 * Bytes in: a UDP datagram is one message; a stream is cut into messages by Content-Length
 * (sip_msg_frame, 18.3). Each message is parsed once; a response goes to the client transaction
 * keyed by (branch, CSeq method), a request to the server transaction keyed by (branch, sent-by,
 * method with ACK as INVITE) or, when its branch lacks the "z9hG4bK" cookie, to the first RFC 2543
 * transaction that matches field by field (a short list, scanned in creation order). Requests that
 * match nothing get a new server transaction and go to the TU.
 *
 * Bytes out: requests to the address the TU chose; responses where 18.2.2 says, from the source of
 * the request (received/rport, RFC 3581). Streams are kept per remote address and reused.
 *
 * The transaction tables are hash tables used for lookup only: nothing iterates them in an order
 * that could reach an output (shutdown iterates, but shutdown emits nothing).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "models/sip/build.h"
#include "models/sip/msg.h"
#include "models/sip/txn_priv.h"
#include "sim/net.h"
#include "sim/sim.h"

/* One TCP/TLS connection, accepted or opened. */
struct sip_conn {
	struct sip_transport *tp;
	uint64_t id;                    /* key in tp->conns; never 0 */
	struct sim_stream *s;
	enum sim_net_proto proto;
	struct sim_addr remote;
	char *rkey;                     /* key in tp->conns_by_remote */
	GByteArray *rx;                 /* bytes received, not yet a whole message */
};

struct sip_transport {
	struct sim *sim;
	struct sim_net *net;
	struct sim_host *host;
	struct sip_transport_cfg cfg;
	struct sim_udp *udp;
	struct sim_listener *tcp, *tls;
	GHashTable *ctrans;             /* ckey -> struct sip_ctrans * (one ref each) */
	GHashTable *strans;             /* skey -> struct sip_strans * (one ref each) */
	GQueue strans2543;              /* RFC 2543 server transactions, creation order (refs) */
	GHashTable *conns;              /* &conn->id -> struct sip_conn * (owned) */
	GHashTable *conns_by_remote;    /* "proto/ip:port" -> struct sip_conn * (borrowed) */
	uint64_t next_conn;
	sip_transport_request_h *request_h;
	sip_transport_response_h *stray_h;
	void *arg;
	struct sip_transport_stats stats;
};

/* Fills CFG with the defaults. */
void sip_transport_cfg_init(struct sip_transport_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->port = 5060;
	cfg->udp = true;
	cfg->tls_port = 5061;
	sip_timers_default(&cfg->timers);
	cfg->auto_trying = true;
}

/* Fills T with RFC 3261's T1, T2, T4. */
void sip_timers_default(struct sip_timers *t)
{
	t->t1 = SIP_T1_DEFAULT;
	t->t2 = SIP_T2_DEFAULT;
	t->t4 = SIP_T4_DEFAULT;
}

/* Names a trace event. */
const char *sip_txn_event_name(enum sip_txn_event ev)
{
	switch (ev) {
	case SIP_TXN_CREATED: return "created";
	case SIP_TXN_STATE: return "state";
	case SIP_TXN_RETRANSMIT: return "retransmit";
	case SIP_TXN_TIMEOUT: return "timeout";
	}
	return "?";
}

/* ---------------------------------------------------------------- connections */

static void conn_recv(struct sim_stream *s, GBytes *data, void *arg);
static void conn_closed(struct sim_stream *s, void *arg);
static void receive(struct sip_transport *tp, GBytes *data, const struct sip_transport_src *src);

/* The key of a remote stream endpoint. */
static char *conn_rkey(enum sim_net_proto proto, const struct sim_addr *a)
{
	char buf[32];

	return g_strdup_printf("%d/%s", (int)proto, sim_addr_str(a, buf, sizeof buf));
}

/* A connection record for stream S (S may be set later). */
static struct sip_conn *conn_new(struct sip_transport *tp, enum sim_net_proto proto,
				 const struct sim_addr *remote)
{
	struct sip_conn *c = g_new0(struct sip_conn, 1);

	c->tp = tp;
	c->id = ++tp->next_conn;
	c->proto = proto;
	c->remote = *remote;
	c->rx = g_byte_array_new();
	c->rkey = conn_rkey(proto, remote);
	g_hash_table_insert(tp->conns, &c->id, c);
	/* A newer stream to the same address replaces the older one for reuse. */
	g_hash_table_insert(tp->conns_by_remote, g_strdup(c->rkey), c);
	return c;
}

/* Forgets C and frees it; closes our side of the stream when CLOSE is set. */
static void conn_free(struct sip_conn *c, bool close)
{
	struct sip_transport *tp = c->tp;

	if (g_hash_table_lookup(tp->conns_by_remote, c->rkey) == c)
		g_hash_table_remove(tp->conns_by_remote, c->rkey);
	g_hash_table_steal(tp->conns, &c->id);
	if (close && c->s)
		sim_stream_close(c->s);
	g_byte_array_unref(c->rx);
	g_free(c->rkey);
	g_free(c);
}

/* A stream accepted by one of our listeners. */
static void conn_accept(struct sim_stream *s, void *arg)
{
	struct sip_transport *tp = arg;
	struct sim_addr remote = sim_stream_remote(s);
	struct sip_conn *c = conn_new(tp, sim_stream_proto(s), &remote);

	c->s = s;
	sim_stream_set_handlers(s, conn_recv, conn_closed, c);
}

/* The peer closed the stream: close our side too (which releases it in net.c), forget it. */
static void conn_closed(struct sim_stream *s, void *arg)
{
	struct sip_conn *c = arg;

	(void)s;
	conn_free(c, true);
}

/* Bytes on a stream: cut them into messages (RFC 3261 18.3) and dispatch each. */
static void conn_recv(struct sim_stream *s, GBytes *data, void *arg)
{
	struct sip_conn *c = arg;
	struct sip_transport *tp = c->tp;
	struct sip_transport_src src = { c->proto, c->remote, sim_stream_local(s), c->id };
	uint64_t id = c->id;
	gsize n;
	const guint8 *p = g_bytes_get_data(data, &n);

	g_byte_array_append(c->rx, p, (guint)n);
	for (;;) {
		size_t len = 0, skip = 0;
		int rc = sip_msg_frame(c->rx->data, c->rx->len, &len);

		if (rc == ENODATA)
			return;
		if (rc != 0) {
			/* 18.3: no usable Content-Length on a stream: framing lost, close. */
			tp->stats.rx_dropped++;
			conn_free(c, true);
			return;
		}
		/* 7.5: CRLFs before a start line (keep-alives) are ignored. */
		while (skip < len && (c->rx->data[skip] == '\r' || c->rx->data[skip] == '\n'))
			skip++;
		if (skip < len) {
			GBytes *msg = g_bytes_new(c->rx->data + skip, len - skip);

			g_byte_array_remove_range(c->rx, 0, (guint)len);
			receive(tp, msg, &src);
			g_bytes_unref(msg);
			/* The TU may have freed the transport's streams meanwhile: look again. */
			if (!g_hash_table_lookup(tp->conns, &id))
				return;
		} else {
			g_byte_array_remove_range(c->rx, 0, (guint)len);
		}
	}
}

/* The open stream to DST over PROTO, opening one if needed; NULL if the connect fails. */
static struct sip_conn *conn_get(struct sip_transport *tp, enum sim_net_proto proto,
				 const struct sim_addr *dst)
{
	char *key = conn_rkey(proto, dst);
	struct sip_conn *c = g_hash_table_lookup(tp->conns_by_remote, key);

	g_free(key);
	if (c)
		return c;
	c = conn_new(tp, proto, dst);
	c->s = sim_stream_connect(tp->host, dst, proto, conn_recv, conn_closed, c);
	if (!c->s) {
		conn_free(c, false);
		return NULL;
	}
	return c;
}

/* Sends MSG on stream C. */
static int conn_send(struct sip_transport *tp, struct sip_conn *c, GBytes *msg)
{
	int rc = sim_stream_send(c->s, msg);

	if (rc != 0)
		tp->stats.tx_errors++;
	else
		tp->stats.tx_messages++;
	return rc;
}

/* ---------------------------------------------------------------- life cycle */

static void udp_recv(struct sim_udp *sock, const struct sim_addr *src,
		     const struct sim_addr *dst, GBytes *data, void *arg);

/* Opens the sockets of one endpoint. Returns NULL if a port is taken. */
struct sip_transport *sip_transport_new(struct sim_net *net, struct sim_host *host,
					const struct sip_transport_cfg *cfg)
{
	struct sip_transport *tp = g_new0(struct sip_transport, 1);

	tp->sim = sim_net_sim(net);
	tp->net = net;
	tp->host = host;
	tp->cfg = *cfg;
	tp->ctrans = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	tp->strans = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_queue_init(&tp->strans2543);
	tp->conns = g_hash_table_new(g_int64_hash, g_int64_equal);
	tp->conns_by_remote = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (cfg->udp) {
		tp->udp = sim_udp_bind(host, cfg->port, udp_recv, tp);
		if (!tp->udp)
			goto fail;
	}
	if (cfg->tcp) {
		tp->tcp = sim_stream_listen(host, cfg->port, SIM_NET_TCP, conn_accept, tp);
		if (!tp->tcp)
			goto fail;
	}
	if (cfg->tls) {
		tp->tls = sim_stream_listen(host, cfg->tls_port, SIM_NET_TLS, conn_accept, tp);
		if (!tp->tls)
			goto fail;
	}
	return tp;
fail:
	sip_transport_free(tp);
	return NULL;
}

/* Closes everything; transactions end silently. */
void sip_transport_free(struct sip_transport *tp)
{
	GList *l;

	if (!tp)
		return;
	/* Shutdown emits nothing and calls no TU, so the table order cannot leak out. */
	l = g_hash_table_get_values(tp->ctrans);
	g_hash_table_remove_all(tp->ctrans);    /* frees the keys; the refs are dropped below */
	for (GList *i = l; i; i = i->next) {
		sip_ctrans_shutdown(i->data);
		sip_ctrans_unref(i->data);
	}
	g_list_free(l);
	l = g_hash_table_get_values(tp->strans);
	for (GList *i = tp->strans2543.head; i; i = i->next)
		l = g_list_prepend(l, i->data);
	g_hash_table_remove_all(tp->strans);
	g_queue_clear(&tp->strans2543);
	for (GList *i = l; i; i = i->next) {
		sip_strans_shutdown(i->data);
		sip_strans_unref(i->data);
	}
	g_list_free(l);
	l = g_hash_table_get_values(tp->conns);
	for (GList *i = l; i; i = i->next)
		conn_free(i->data, true);
	g_list_free(l);
	if (tp->udp)
		sim_udp_close(tp->udp);
	if (tp->tcp)
		sim_listener_close(tp->tcp);
	if (tp->tls)
		sim_listener_close(tp->tls);
	g_hash_table_destroy(tp->ctrans);
	g_hash_table_destroy(tp->strans);
	g_hash_table_destroy(tp->conns);
	g_hash_table_destroy(tp->conns_by_remote);
	g_free(tp);
}

/* Sets the TU callbacks. */
void sip_transport_set_handlers(struct sip_transport *tp, sip_transport_request_h *request,
				sip_transport_response_h *stray, void *arg)
{
	tp->request_h = request;
	tp->stray_h = stray;
	tp->arg = arg;
}

struct sim *sip_transport_sim(const struct sip_transport *tp) { return tp->sim; }
struct sim_host *sip_transport_host(const struct sip_transport *tp) { return tp->host; }
const char *sip_transport_name(const struct sip_transport *tp) { return sim_host_name(tp->host); }
const struct sip_timers *sip_transport_timers(const struct sip_transport *tp)
{
	return &tp->cfg.timers;
}
struct sip_transport_stats sip_transport_stats(const struct sip_transport *tp)
{
	return tp->stats;
}

/* The endpoint's UDP address (the host IP and the SIP port when UDP is off). */
struct sim_addr sip_transport_local(const struct sip_transport *tp)
{
	if (tp->udp)
		return sim_udp_local(tp->udp);
	return (struct sim_addr){ sim_host_ip(tp->host), tp->cfg.port };
}

unsigned sip_transport_ctrans_count(const struct sip_transport *tp)
{
	return g_hash_table_size(tp->ctrans);
}

unsigned sip_transport_strans_count(const struct sip_transport *tp)
{
	return g_hash_table_size(tp->strans) + tp->strans2543.length;
}

/* ---------------------------------------------------------------- sending */

/* Sends MSG to DST over PROTO (see transport.h). */
int sip_transport_send(struct sip_transport *tp, enum sim_net_proto proto,
		       const struct sim_addr *dst, GBytes *msg)
{
	int rc;

	if (proto == SIM_NET_UDP) {
		if (!tp->udp)
			return EINVAL;
		rc = sim_udp_send(tp->udp, dst, msg);
		if (rc != 0)
			tp->stats.tx_errors++;
		else
			tp->stats.tx_messages++;
		return rc;
	}
	struct sip_conn *c = conn_get(tp, proto, dst);

	if (!c) {
		tp->stats.tx_errors++;
		return ECONNREFUSED;
	}
	return conn_send(tp, c, msg);
}

/* A client transaction's request: the same path as a stateless send. */
int sip_transport_send_req(struct sip_transport *tp, enum sim_net_proto proto,
			   const struct sim_addr *dst, GBytes *msg)
{
	return sip_transport_send(tp, proto, dst, msg);
}

/* RFC 3261 18.2.2 with RFC 3581 (see transport.h). */
int sip_transport_respond(struct sip_transport *tp, const struct sip_msg *req,
			  const struct sip_transport_src *src, GBytes *resp)
{
	const struct sip_via *via = sip_msg_via(req);
	struct sim_addr dst = { src->remote.ip, 0 };

	if (src->proto != SIM_NET_UDP) {
		struct sip_conn *c = src->conn ? g_hash_table_lookup(tp->conns, &src->conn) : NULL;

		if (c && c->s)
			return conn_send(tp, c, resp);
		/* 18.2.2: the connection is gone: open one to the source IP, sent-by port. */
		dst.port = via->portn ? via->portn : (src->proto == SIM_NET_TLS ? 5061 : 5060);
		return sip_transport_send(tp, src->proto, &dst, resp);
	}
	/* RFC 3581 4: with rport, back to the source port; else the sent-by port (18.2.2).
	 * The IP is always the source: received= would name it whenever the sent-by differs. */
	if (sip_pl_isset(via->rport))
		dst.port = src->remote.port;
	else
		dst.port = via->portn ? via->portn : 5060;
	return sip_transport_send(tp, SIM_NET_UDP, &dst, resp);
}

/* The top Via of a response, stamped with received= and rport= (18.2.1, RFC 3581 4). */
static char *stamp_via(const struct sip_via *via, const struct sip_transport_src *src)
{
	GString *s = g_string_new(NULL);
	char ip[16];
	bool rport = sip_pl_isset(via->rport);

	sim_ip_str(src->remote.ip, ip, sizeof ip);
	g_string_append_printf(s, "%.*s/%.*s/%.*s %.*s", (int)via->proto.l, via->proto.p,
			       (int)via->version.l, via->version.p, (int)via->transport.l,
			       via->transport.p, (int)via->host.l, via->host.p);
	if (sip_pl_isset(via->port))
		g_string_append_printf(s, ":%.*s", (int)via->port.l, via->port.p);
	if (sip_pl_isset(via->params)) {
		const char *pos = via->params.p;
		struct sip_pl n, v;

		while (sip_param_next(via->params, &pos, &n, &v)) {
			if (sip_pl_caseeq_str(n, "rport") && (!v.p || v.l == 0))
				g_string_append_printf(s, ";rport=%u", src->remote.port);
			else if (v.p)
				g_string_append_printf(s, ";%.*s=%.*s", (int)n.l, n.p,
						       (int)v.l, v.p);
			else
				g_string_append_printf(s, ";%.*s", (int)n.l, n.p);
		}
	}
	/* RFC 3581 4: received= is added whenever rport is, even if the address matches. */
	if (!sip_pl_isset(via->received) && (rport || !sip_pl_caseeq_str(via->host, ip)))
		g_string_append_printf(s, ";received=%s", ip);
	return g_string_free(s, FALSE);
}

/* A response to REQ with a stamped top Via (see txn_priv.h). */
struct sip_build *sip_transport_reply_build(const struct sip_msg *req,
					    const struct sip_transport_src *src, uint16_t code,
					    const char *reason, const char *to_tag)
{
	char *top = src ? stamp_via(sip_msg_via(req), src) : NULL;
	struct sip_build *b = sip_build_reply_via(req, code, reason, to_tag, top);

	g_free(top);
	return b;
}

/* Replaces characters a quoted-string cannot hold as they are. */
static void sanitize_quoted(char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			*s = '\'';
}

/*
 * The stateless answer to a malformed request (400) or one of another SIP version (505). RFC 3261
 * 8.2.6.2 wants a To tag on a final response; a stateless server must give the same tag to a
 * retransmission, so it is derived from the request (Call-ID and From tag), not drawn.
 */
static void reply_stateless(struct sip_transport *tp, const struct sip_msg *req,
			    const struct sip_transport_src *src, uint16_t code, const char *why)
{
	char tag[16], ip[16], *w;
	struct sip_pl cid = sip_msg_callid(req), ftag = sip_msg_from(req)->tag;
	guint h = 5381;
	struct sip_build *b;
	GBytes *out;

	for (size_t i = 0; i < cid.l; i++)
		h = h * 33 + (guchar)cid.p[i];
	for (size_t i = 0; i < ftag.l; i++)
		h = h * 33 + (guchar)ftag.p[i];
	g_snprintf(tag, sizeof tag, "sl%08x", h);
	b = sip_transport_reply_build(req, src, code, NULL, tag);
	if (!b)
		return;
	if (why && *why) {
		/* RFC 3261 20.43: 399 miscellaneous warning, the agent being this host. */
		w = g_strdup(why);
		sanitize_quoted(w);
		sip_build_hdrf(b, SIP_HDR_WARNING, "399 %s \"%s\"",
			       sim_ip_str(sim_host_ip(tp->host), ip, sizeof ip), w);
		g_free(w);
	}
	out = sip_build_finish(b, NULL, NULL, 0);
	if (code == 505)
		tp->stats.version_505++;
	else
		tp->stats.bad_request_400++;
	sip_transport_respond(tp, req, src, out);
	g_bytes_unref(out);
}

/* ---------------------------------------------------------------- tables and keys */

/* 17.1.3: branch and CSeq method. */
char *sip_transport_ckey(struct sip_pl branch, struct sip_pl method)
{
	return g_strdup_printf("%.*s\n%.*s", (int)branch.l, branch.p ? branch.p : "",
			       (int)method.l, method.p ? method.p : "");
}

/* 17.2.3: branch, sent-by (host case-insensitive) and method, ACK as INVITE. */
char *sip_transport_skey(const struct sip_msg *req, const char *method)
{
	const struct sip_via *via = sip_msg_via(req);
	struct sip_pl m = method ? sip_pl_from_str(method) : sip_msg_method_name(req);
	char *host = g_ascii_strdown(via->host.p, (gssize)via->host.l);
	char *key;

	if (!method && sip_msg_method(req) == SIP_METHOD_ACK)
		m = sip_pl_from_str("INVITE");
	key = g_strdup_printf("%.*s\n%s:%u\n%.*s", (int)via->branch.l, via->branch.p, host,
			      via->portn, (int)m.l, m.p);
	g_free(host);
	return key;
}

int sip_transport_ctrans_add(struct sip_transport *tp, const char *key, struct sip_ctrans *ct)
{
	if (g_hash_table_contains(tp->ctrans, key))
		return EEXIST;
	g_hash_table_insert(tp->ctrans, g_strdup(key), sip_ctrans_ref(ct));
	return 0;
}

void sip_transport_ctrans_remove(struct sip_transport *tp, const char *key)
{
	gpointer k, v;

	if (g_hash_table_steal_extended(tp->ctrans, key, &k, &v)) {
		g_free(k);
		sip_ctrans_unref(v);
	}
}

void sip_transport_strans_remove(struct sip_transport *tp, const char *key,
				 struct sip_strans *st)
{
	gpointer k, v;

	if (!key) {
		if (g_queue_remove(&tp->strans2543, st))
			sip_strans_unref(st);
		return;
	}
	if (g_hash_table_lookup(tp->strans, key) != st)
		return;
	if (g_hash_table_steal_extended(tp->strans, key, &k, &v)) {
		g_free(k);
		sip_strans_unref(v);
	}
}

struct sip_strans *sip_transport_strans_find(const struct sip_transport *tp, const char *key)
{
	return g_hash_table_lookup(tp->strans, key);
}

struct sip_strans *sip_transport_strans_find_2543(const struct sip_transport *tp,
						  const struct sip_msg *req, bool as_invite)
{
	for (GList *i = tp->strans2543.head; i; i = i->next)
		if (sip_strans_match_2543(i->data, req, as_invite))
			return i->data;
	return NULL;
}

bool sip_transport_trace_off(const struct sip_transport *tp)
{
	return !sim_trace_wanted(tp->sim, SIM_TRACE_SIP);
}

void sip_transport_trace(struct sip_transport *tp, const struct sip_txn_trace *ev)
{
	if (sim_trace_wanted(tp->sim, SIM_TRACE_SIP))
		sim_trace_emit(tp->sim, SIM_TRACE_SIP, sim_host_name(tp->host), ev);
}

bool sip_transport_auto_trying(const struct sip_transport *tp)
{
	return tp->cfg.auto_trying;
}

/* ---------------------------------------------------------------- receiving */

/* A parsed response: to its client transaction, or to the TU as a stray. */
static void dispatch_response(struct sip_transport *tp, const struct sip_msg *msg,
			      const struct sip_transport_src *src)
{
	char *key = sip_transport_ckey(sip_msg_via(msg)->branch, sip_msg_cseq(msg)->method_name);
	struct sip_ctrans *ct = g_hash_table_lookup(tp->ctrans, key);

	g_free(key);
	tp->stats.rx_responses++;
	if (ct) {
		sip_ctrans_ref(ct);
		sip_ctrans_receive(ct, msg);
		sip_ctrans_unref(ct);
		return;
	}
	tp->stats.rx_stray++;
	if (tp->stray_h)
		tp->stray_h(tp, msg, src, tp->arg);
}

/* A parsed request: to its server transaction, or a new one and the TU. */
static void dispatch_request(struct sip_transport *tp, const struct sip_msg *msg,
			     const struct sip_transport_src *src)
{
	bool rfc3261 = sip_via_branch_is_rfc3261(sip_msg_via(msg));
	char *key = rfc3261 ? sip_transport_skey(msg, NULL) : NULL;
	struct sip_strans *st = NULL;

	tp->stats.rx_requests++;
	if (key) {
		st = g_hash_table_lookup(tp->strans, key);
	} else {
		st = sip_transport_strans_find_2543(tp, msg, false);
	}
	if (st) {
		sip_strans_ref(st);
		sip_strans_receive(st, msg);
		sip_strans_unref(st);
		g_free(key);
		return;
	}
	if (sip_msg_method(msg) == SIP_METHOD_ACK) {
		/* 17.2.3: an ACK matching no transaction is the ACK for a 2xx: the TU's. */
		g_free(key);
		if (tp->request_h)
			tp->request_h(tp, NULL, msg, src, tp->arg);
		return;
	}
	st = sip_strans_new_incoming(tp, msg, src, key);
	if (key)
		g_hash_table_insert(tp->strans, key, st);
	else
		g_queue_push_tail(&tp->strans2543, st);
	sip_strans_ref(st);
	if (tp->request_h) {
		tp->request_h(tp, st, msg, src, tp->arg);
	} else {
		/* Nobody serves requests here yet: refuse politely (RFC 3261 21.5.4). */
		struct sip_build *b = sip_strans_reply_build(st, 503, NULL, "notu");
		GBytes *out = sip_build_finish(b, NULL, NULL, 0);

		sip_strans_reply(st, out);
		g_bytes_unref(out);
	}
	sip_strans_unref(st);
}

/* One message's bytes from SRC: parse, answer malformed requests, dispatch. */
static void receive(struct sip_transport *tp, GBytes *data, const struct sip_transport_src *src)
{
	struct sip_msg *msg = NULL;
	char why[160] = "";
	int rc = sip_msg_parse_ex(&msg, data, SIP_PARSE_KEEP_BAD, why, sizeof why);

	if (rc == 0) {
		if (sip_msg_is_request(msg))
			dispatch_request(tp, msg, src);
		else
			dispatch_response(tp, msg, src);
	} else if (msg && (rc == EBADMSG || rc == EPROTO) && sip_msg_is_request(msg) &&
		   sip_msg_method(msg) != SIP_METHOD_ACK) {
		/* RFC 3261 8.2.2 / 16.3 / RFC 4475 3.1.2: answer 400 (505 for SIP/x.y != 2.0). */
		reply_stateless(tp, msg, src, rc == EPROTO ? 505 : 400, why);
	} else {
		/* Nothing to answer to: garbage, a malformed response (18.1.2), a malformed ACK. */
		tp->stats.rx_dropped++;
	}
	sip_msg_unref(msg);
}

/* A UDP datagram for the SIP port. */
static void udp_recv(struct sim_udp *sock, const struct sim_addr *src,
		     const struct sim_addr *dst, GBytes *data, void *arg)
{
	struct sip_transport_src s = { SIM_NET_UDP, *src, *dst, 0 };

	(void)sock;
	receive(arg, data, &s);
}
