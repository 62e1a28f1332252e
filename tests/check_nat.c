/*
 * check_nat.c - Check tests for models/nat/nat.c, the routed world between LANs and its NAT
 * boundaries (RFC 4787), driven by real UDP datagrams and a TCP stream on the simulated
 * network: translation both ways, the drops and their reasons, binding timeouts to the
 * nanosecond, the mapping and filtering behaviours, hairpinning, the CROSS notes and the
 * counters.
 *
 * The world: LAN office 10.1.0.0/16 (pbx 10.1.0.10), internet 203.0.113.0/24 (peer
 * 203.0.113.7), linked to office; home 192.168.1.0/24 (phone .10, phone2 .11) behind NAT "nat"
 * (public 203.0.113.50); home2 192.168.2.0/24 (phone3 .10) behind NAT "nat2" (203.0.113.51,
 * always endpoint-independent). Every link is the default 1 ms constant one, so a datagram sent
 * at t reaches the hook, and its receiver, at t + 1 ms. Public ports start at 1024 per NAT.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "models/nat/nat.h"
#include "sim/net.h"
#include "sim/sim.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define NONE ((size_t)-1)

/* ---- the world ---- */

struct world {
	struct sim *sim;
	struct sim_net *net;
	struct nat_fabric *fab;
	size_t office, internet, home, home2;
	struct sim_host *pbx, *peer, *phone, *phone2, *phone3;
	struct sim_udp *pbx5060, *pbx5080, *peer5060, *phone5060, *phone2_5060, *phone3_5060;
	GPtrArray *rx;           /* struct rx *, deliveries to handlers in order */
	GPtrArray *drops;        /* struct rx *, SIM_TRACE_NET_DROP points in order */
	GPtrArray *notes;        /* struct note *, SIM_TRACE_EVENT points in order */
};

/* A delivery (who, src, dst, text) or a drop (id, reason, src, dst). */
struct rx {
	int64_t time;
	void *who;
	char src[32], dst[32];
	char *text;              /* delivery: the bytes; drop: the reason */
	uint64_t id;
};

struct note {
	int kind;
	char *lane;
	char *text;
	bool has_peer;
	uint64_t packet;
};

/* Frees a struct rx. */
static void rx_free(void *p)
{
	struct rx *r = p;

	g_free(r->text);
	g_free(r);
}

/* Frees a struct note. */
static void note_free(void *p)
{
	struct note *n = p;

	g_free(n->lane);
	g_free(n->text);
	g_free(n);
}

/* A struct rx for a packet from SRC to DST at the world's time. */
static struct rx *rx_new(struct world *w, const struct sim_addr *src, const struct sim_addr *dst)
{
	struct rx *r = g_new0(struct rx, 1);

	r->time = sim_now(w->sim);
	sim_addr_str(src, r->src, sizeof(r->src));
	sim_addr_str(dst, r->dst, sizeof(r->dst));
	return r;
}

/* UDP receiver: records the delivery. */
static void udp_rx(struct sim_udp *sock, const struct sim_addr *src, const struct sim_addr *dst,
		   GBytes *data, void *arg)
{
	struct world *w = arg;
	struct rx *r = rx_new(w, src, dst);
	size_t n;
	const char *d = g_bytes_get_data(data, &n);

	r->who = sock;
	r->text = g_strndup(d, n);
	g_ptr_array_add(w->rx, r);
}

/* SIM_TRACE_NET_DROP subscriber: records the packet and its reason. */
static void on_drop(const struct sim_trace_point *tp, void *arg)
{
	struct world *w = arg;
	const struct sim_net_packet *p = tp->payload;
	struct rx *r = rx_new(w, &p->src, &p->dst);

	r->id = p->id;
	r->text = g_strdup(p->drop_reason);
	g_ptr_array_add(w->drops, r);
}

/* SIM_TRACE_EVENT subscriber: records the note. */
static void on_note(const struct sim_trace_point *tp, void *arg)
{
	struct world *w = arg;
	const struct sim_trace_note *tn = tp->payload;
	struct note *n = g_new0(struct note, 1);

	n->kind = (int)tn->kind;
	n->lane = g_strdup(tn->lane);
	n->text = g_strdup(tn->text);
	n->has_peer = tn->peer != NULL;
	n->packet = tn->packet;
	g_ptr_array_add(w->notes, n);
}

/* Binds a receiving UDP socket at HOST:PORT. */
static struct sim_udp *bind_rx(struct world *w, struct sim_host *host, uint16_t port)
{
	struct sim_udp *s = sim_udp_bind(host, port, udp_rx, w);

	ck_assert_ptr_nonnull(s);
	return s;
}

/* The world described at the top, NAT "nat" configured with MAPPING, FILTERING, HAIRPIN and
   a 30 s binding timeout. */
static struct world *world_new(enum nat_behaviour mapping, enum nat_behaviour filtering,
			       bool hairpin)
{
	struct world *w = g_new0(struct world, 1);
	struct nat_cfg cfg = { .name = "nat", .public_ip = IP(203, 0, 113, 50),
			       .mapping = mapping, .filtering = filtering,
			       .binding_timeout_ns = 30 * SIM_S, .hairpin = hairpin };
	struct nat_cfg cfg2 = { .name = "nat2", .public_ip = IP(203, 0, 113, 51),
				.mapping = NAT_ENDPOINT_INDEPENDENT,
				.filtering = NAT_ENDPOINT_INDEPENDENT,
				.binding_timeout_ns = 30 * SIM_S };

	w->sim = sim_new(7, 0);
	w->net = sim_net_new(w->sim);
	w->fab = nat_fabric_new(w->net);
	w->office = nat_fabric_lan(w->fab, "office", IP(10, 1, 0, 0), 0xffff0000u);
	w->internet = nat_fabric_lan(w->fab, "internet", IP(203, 0, 113, 0), 0xffffff00u);
	w->home = nat_fabric_lan(w->fab, "home", IP(192, 168, 1, 0), 0xffffff00u);
	w->home2 = nat_fabric_lan(w->fab, "home2", IP(192, 168, 2, 0), 0xffffff00u);
	nat_fabric_link(w->fab, w->office, w->internet);
	cfg.inside = w->home;
	cfg.outside = w->internet;
	ck_assert_int_eq(nat_fabric_add_nat(w->fab, &cfg), 0);
	cfg2.inside = w->home2;
	cfg2.outside = w->internet;
	ck_assert_int_eq(nat_fabric_add_nat(w->fab, &cfg2), 0);

	w->pbx = sim_net_host_add(w->net, "pbx", IP(10, 1, 0, 10));
	w->peer = sim_net_host_add(w->net, "peer", IP(203, 0, 113, 7));
	w->phone = sim_net_host_add(w->net, "phone", IP(192, 168, 1, 10));
	w->phone2 = sim_net_host_add(w->net, "phone2", IP(192, 168, 1, 11));
	w->phone3 = sim_net_host_add(w->net, "phone3", IP(192, 168, 2, 10));
	w->rx = g_ptr_array_new_with_free_func(rx_free);
	w->drops = g_ptr_array_new_with_free_func(rx_free);
	w->notes = g_ptr_array_new_with_free_func(note_free);
	w->pbx5060 = bind_rx(w, w->pbx, 5060);
	w->pbx5080 = bind_rx(w, w->pbx, 5080);
	w->peer5060 = bind_rx(w, w->peer, 5060);
	w->phone5060 = bind_rx(w, w->phone, 5060);
	w->phone2_5060 = bind_rx(w, w->phone2, 5060);
	w->phone3_5060 = bind_rx(w, w->phone3, 5060);
	sim_trace_subscribe(w->sim, SIM_TRACE_NET_DROP, on_drop, w);
	sim_trace_subscribe(w->sim, SIM_TRACE_EVENT, on_note, w);
	return w;
}

/* The default world: endpoint-independent mapping, address-and-port-dependent filtering
   (a common home router), no hairpin. */
static struct world *world_default(void)
{
	return world_new(NAT_ENDPOINT_INDEPENDENT, NAT_ADDRESS_PORT_DEPENDENT, false);
}

/* Frees the fabric, the network, then the world (the order nat.h and net.h ask for). */
static void world_free(struct world *w)
{
	nat_fabric_free(w->fab);
	sim_net_free(w->net);
	sim_free(w->sim);
	g_ptr_array_free(w->rx, TRUE);
	g_ptr_array_free(w->drops, TRUE);
	g_ptr_array_free(w->notes, TRUE);
	g_free(w);
}

struct later {
	struct sim_udp *sock;
	struct sim_addr dst;
	char *text;
};

/* Event handler: performs a struct later send. */
static void later_fire(struct sim *sim, void *arg)
{
	struct later *l = arg;
	GBytes *b = g_bytes_new(l->text, strlen(l->text));

	(void)sim;
	ck_assert_int_eq(sim_udp_send(l->sock, &l->dst, b), 0);
	g_bytes_unref(b);
	g_free(l->text);
	g_free(l);
}

/* Schedules SOCK to send TEXT to DST ("a.b.c.d:port") at time AT. */
static void send_at(struct world *w, int64_t at, struct sim_udp *sock, const char *dst,
		    const char *text)
{
	struct later *l = g_new0(struct later, 1);

	ck_assert_int_eq(sim_addr_parse(dst, &l->dst), 0);
	l->sock = sock;
	l->text = g_strdup(text);
	sim_schedule(w->sim, at - sim_now(w->sim), later_fire, l);
}

/* The I-th delivery. */
static const struct rx *rx_at(const struct world *w, guint i)
{
	ck_assert_uint_lt(i, w->rx->len);
	return g_ptr_array_index(w->rx, i);
}

/* The I-th drop. */
static const struct rx *drop_at(const struct world *w, guint i)
{
	ck_assert_uint_lt(i, w->drops->len);
	return g_ptr_array_index(w->drops, i);
}

/* Checks the I-th note: a CROSS note on LANE for packet ID saying TEXT. */
static void assert_note(const struct world *w, guint i, const char *lane, uint64_t id,
			const char *text)
{
	const struct note *n;

	ck_assert_uint_lt(i, w->notes->len);
	n = g_ptr_array_index(w->notes, i);
	ck_assert_int_eq(n->kind, SIM_NOTE_CROSS);
	ck_assert_str_eq(n->lane, lane);
	ck_assert(!n->has_peer);
	ck_assert_uint_eq(n->packet, id);
	ck_assert_str_eq(n->text, text);
}

/* ---- translation ---- */

START_TEST(test_outbound)
{
	/* given the phone behind the NAT */
	struct world *w = world_default();

	/* when 192.168.1.10:5060 sends to the pbx 10.1.0.10:5060 at 0 */
	send_at(w, 0, w->phone5060, "10.1.0.10:5060", "REGISTER");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then it arrives at 1 ms from the NAT's first public port, unchanged otherwise */
	ck_assert_uint_eq(w->rx->len, 1);
	ck_assert_ptr_eq(rx_at(w, 0)->who, w->pbx5060);
	ck_assert_int_eq(rx_at(w, 0)->time, SIM_MS);
	ck_assert_str_eq(rx_at(w, 0)->src, "203.0.113.50:1024");
	ck_assert_str_eq(rx_at(w, 0)->dst, "10.1.0.10:5060");
	ck_assert_str_eq(rx_at(w, 0)->text, "REGISTER");
	/* and the NAT's lane got one CROSS note for packet 1, private -> public */
	ck_assert_uint_eq(w->notes->len, 1);
	assert_note(w, 0, "nat", 1, "192.168.1.10:5060 -> 203.0.113.50:1024");
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), 1);
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 1), 0);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).translated_out, 1);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_created, 1);
	ck_assert_uint_eq(w->drops->len, 0);
	world_free(w);
}
END_TEST

START_TEST(test_reply_inbound)
{
	/* given the phone's datagram reached the pbx through the NAT */
	struct world *w = world_default();

	send_at(w, 0, w->phone5060, "10.1.0.10:5060", "REGISTER");

	/* when the pbx answers the address it saw, 203.0.113.50:1024, at 10 ms */
	send_at(w, 10 * SIM_MS, w->pbx5060, "203.0.113.50:1024", "200 OK");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the phone gets it at 11 ms on its private address, from the pbx */
	ck_assert_uint_eq(w->rx->len, 2);
	ck_assert_ptr_eq(rx_at(w, 1)->who, w->phone5060);
	ck_assert_int_eq(rx_at(w, 1)->time, 11 * SIM_MS);
	ck_assert_str_eq(rx_at(w, 1)->src, "10.1.0.10:5060");
	ck_assert_str_eq(rx_at(w, 1)->dst, "192.168.1.10:5060");
	ck_assert_str_eq(rx_at(w, 1)->text, "200 OK");
	/* and the inbound note says public destination -> private destination, packet 2 */
	ck_assert_uint_eq(w->notes->len, 2);
	assert_note(w, 1, "nat", 2, "203.0.113.50:1024 -> 192.168.1.10:5060");
	ck_assert_uint_eq(nat_fabric_stats(w->fab).translated_in, 1);
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), 1);
	world_free(w);
}
END_TEST

START_TEST(test_private_not_routed)
{
	/* given a live binding for the phone (NATC-02: the pbx then tries its private Contact) */
	struct world *w = world_default();

	send_at(w, 0, w->phone5060, "10.1.0.10:5060", "REGISTER");

	/* when the pbx sends to 192.168.1.10:5060 directly */
	send_at(w, 10 * SIM_MS, w->pbx5060, "192.168.1.10:5060", "INVITE");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then it is dropped at delivery time with the NAT's reason; nothing reaches the phone */
	ck_assert_uint_eq(w->rx->len, 1);
	ck_assert_uint_eq(w->drops->len, 1);
	ck_assert_str_eq(drop_at(w, 0)->text, "nat: private address not routed");
	ck_assert_uint_eq(drop_at(w, 0)->id, 2);
	ck_assert_int_eq(drop_at(w, 0)->time, 11 * SIM_MS);
	ck_assert_str_eq(drop_at(w, 0)->dst, "192.168.1.10:5060");
	ck_assert_uint_eq(nat_fabric_stats(w->fab).dropped_not_routed, 1);
	/* and the drop is noted on the lane of the NAT whose inside holds the address */
	ck_assert_uint_eq(w->notes->len, 2);
	assert_note(w, 1, "nat", 2, "nat: private address not routed");
	world_free(w);
}
END_TEST

START_TEST(test_no_binding)
{
	/* given no binding at all */
	struct world *w = world_default();

	/* when a host on the internet sends to the NAT's public address */
	send_at(w, 0, w->peer5060, "203.0.113.50:1024", "OPTIONS");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then it is dropped "nat: no binding"; nothing expired, nothing translated */
	ck_assert_uint_eq(w->rx->len, 0);
	ck_assert_uint_eq(w->drops->len, 1);
	ck_assert_str_eq(drop_at(w, 0)->text, "nat: no binding");
	ck_assert_uint_eq(nat_fabric_stats(w->fab).dropped_no_binding, 1);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_expired, 0);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).translated_in, 0);
	ck_assert_uint_eq(w->notes->len, 1);
	assert_note(w, 0, "nat", 1, "nat: no binding");
	world_free(w);
}
END_TEST

START_TEST(test_pass_unchanged)
{
	/* given the world */
	struct world *w = world_default();

	/* when office -> internet (linked), internet -> office, and home -> home (same LAN) */
	send_at(w, 0, w->pbx5060, "203.0.113.7:5060", "a");
	send_at(w, 0, w->peer5060, "10.1.0.10:5080", "b");
	send_at(w, 0, w->phone5060, "192.168.1.11:5060", "c");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then all three arrive with their addresses untouched, and the NAT did nothing */
	ck_assert_uint_eq(w->rx->len, 3);
	ck_assert_str_eq(rx_at(w, 0)->src, "10.1.0.10:5060");
	ck_assert_str_eq(rx_at(w, 0)->dst, "203.0.113.7:5060");
	ck_assert_str_eq(rx_at(w, 1)->src, "203.0.113.7:5060");
	ck_assert_ptr_eq(rx_at(w, 1)->who, w->pbx5080);
	ck_assert_str_eq(rx_at(w, 2)->src, "192.168.1.10:5060");
	ck_assert_ptr_eq(rx_at(w, 2)->who, w->phone2_5060);
	ck_assert_uint_eq(w->notes->len, 0);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).translated_out, 0);
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), 0);
	world_free(w);
}
END_TEST

/* ---- binding timeout: the binding is refreshed when the phone's datagram is delivered ---- */

struct timeout_row {
	const char *what;
	int64_t refresh_at;      /* a second outbound datagram at this time, or -1 */
	int64_t reply_at;        /* the pbx answers 203.0.113.50:1024 at this time */
	bool delivered;
};

static const struct timeout_row timeout_rows[] = {
	/* refreshed at 1 ms; the reply arrives 1 ms after it is sent */
	{ "well inside", -1, 29 * SIM_S, true },
	{ "1 ns before the end", -1, 30 * SIM_S - 1, true },
	{ "at exactly the timeout", -1, 30 * SIM_S, false },
	{ "long after", -1, 300 * SIM_S, false },
	{ "kept alive by a refresh at 20 s", 20 * SIM_S, 45 * SIM_S, true },
	{ "refresh at 20 s, then 30 s of silence", 20 * SIM_S, 50 * SIM_S, false },
};

START_TEST(test_timeout)
{
	/* given a binding made at 1 ms (and maybe refreshed), 30 s timeout */
	const struct timeout_row *row = &timeout_rows[_i];
	struct world *w = world_default();
	guint replies;

	send_at(w, 0, w->phone5060, "10.1.0.10:5060", "REGISTER");
	if (row->refresh_at >= 0)
		send_at(w, row->refresh_at, w->phone5060, "10.1.0.10:5060", "REGISTER");

	/* when the pbx replies at the row's time */
	send_at(w, row->reply_at, w->pbx5060, "203.0.113.50:1024", "200 OK");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the reply is delivered while the binding lives, else dropped "nat: no binding" */
	replies = w->rx->len - (row->refresh_at >= 0 ? 2 : 1);
	ck_assert_msg(replies == (row->delivered ? 1u : 0u), "%s", row->what);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_created, 1);
	if (row->delivered) {
		ck_assert_ptr_eq(rx_at(w, w->rx->len - 1)->who, w->phone5060);
		ck_assert_uint_eq(w->drops->len, 0);
		ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_expired, 0);
		ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), 1);
	} else {
		ck_assert_uint_eq(w->drops->len, 1);
		ck_assert_str_eq(drop_at(w, 0)->text, "nat: no binding");
		ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_expired, 1);
		ck_assert_uint_eq(nat_fabric_stats(w->fab).dropped_no_binding, 1);
		ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), 0);
	}
	world_free(w);
}
END_TEST

START_TEST(test_timeout_new_port)
{
	/* given a binding that died of silence (made at 1 ms, 30 s timeout) */
	struct world *w = world_default();

	send_at(w, 0, w->phone5060, "10.1.0.10:5060", "REGISTER");
	sim_run(w->sim, 40 * SIM_S);
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), 0);
	/* counted as expired only once a lookup finds it */
	ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_expired, 0);

	/* when the phone sends again */
	send_at(w, 40 * SIM_S, w->phone5060, "10.1.0.10:5060", "REGISTER");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then it gets a new public port: 1024 is never handed out twice */
	ck_assert_uint_eq(w->rx->len, 2);
	ck_assert_str_eq(rx_at(w, 1)->src, "203.0.113.50:1025");
	assert_note(w, 1, "nat", 2, "192.168.1.10:5060 -> 203.0.113.50:1025");
	ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_created, 2);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_expired, 1);
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), 1);
	world_free(w);
}
END_TEST

/* ---- filtering (RFC 4787 5): the phone talked to the pbx's 5060 only ---- */

struct filter_row {
	enum nat_behaviour filtering;
	int from;                /* 0: pbx:5060, 1: pbx:5080, 2: peer:5060 */
	bool delivered;
};

static const struct filter_row filter_rows[] = {
	{ NAT_ENDPOINT_INDEPENDENT, 0, true },
	{ NAT_ENDPOINT_INDEPENDENT, 1, true },
	{ NAT_ENDPOINT_INDEPENDENT, 2, true },
	{ NAT_ADDRESS_DEPENDENT, 0, true },
	{ NAT_ADDRESS_DEPENDENT, 1, true },
	{ NAT_ADDRESS_DEPENDENT, 2, false },
	{ NAT_ADDRESS_PORT_DEPENDENT, 0, true },
	{ NAT_ADDRESS_PORT_DEPENDENT, 1, false },
	{ NAT_ADDRESS_PORT_DEPENDENT, 2, false },
};

START_TEST(test_filtering)
{
	/* given the phone sent to pbx:5060, creating binding 1024 */
	const struct filter_row *row = &filter_rows[_i];
	struct world *w = world_new(NAT_ENDPOINT_INDEPENDENT, row->filtering, false);
	struct sim_udp *from[] = { w->pbx5060, w->pbx5080, w->peer5060 };

	send_at(w, 0, w->phone5060, "10.1.0.10:5060", "REGISTER");

	/* when the row's source sends to 203.0.113.50:1024 */
	send_at(w, 10 * SIM_MS, from[row->from], "203.0.113.50:1024", "NOTIFY");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then it reaches the phone or is dropped "nat: filtered" */
	if (row->delivered) {
		ck_assert_uint_eq(w->rx->len, 2);
		ck_assert_ptr_eq(rx_at(w, 1)->who, w->phone5060);
		ck_assert_uint_eq(nat_fabric_stats(w->fab).dropped_filtered, 0);
	} else {
		ck_assert_uint_eq(w->rx->len, 1);
		ck_assert_uint_eq(w->drops->len, 1);
		ck_assert_str_eq(drop_at(w, 0)->text, "nat: filtered");
		ck_assert_uint_eq(nat_fabric_stats(w->fab).dropped_filtered, 1);
		/* a filtered packet does not kill the binding */
		ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), 1);
	}
	world_free(w);
}
END_TEST

/* ---- mapping (RFC 4787 4.1): one socket, three destinations ---- */

struct mapping_row {
	enum nat_behaviour mapping;
	const char *ports[3];    /* the source each destination sees */
	uint64_t created;
};

static const struct mapping_row mapping_rows[] = {
	{ NAT_ENDPOINT_INDEPENDENT,
	  { "203.0.113.50:1024", "203.0.113.50:1024", "203.0.113.50:1024" }, 1 },
	{ NAT_ADDRESS_DEPENDENT,
	  { "203.0.113.50:1024", "203.0.113.50:1024", "203.0.113.50:1025" }, 2 },
	{ NAT_ADDRESS_PORT_DEPENDENT,
	  { "203.0.113.50:1024", "203.0.113.50:1025", "203.0.113.50:1026" }, 3 },
};

START_TEST(test_mapping)
{
	/* given the row's mapping behaviour */
	const struct mapping_row *row = &mapping_rows[_i];
	struct world *w = world_new(row->mapping, NAT_ENDPOINT_INDEPENDENT, false);

	/* when the phone's 5060 sends to pbx:5060, pbx:5080 (same IP), then peer:5060 */
	send_at(w, 0, w->phone5060, "10.1.0.10:5060", "1");
	send_at(w, 10 * SIM_MS, w->phone5060, "10.1.0.10:5080", "2");
	send_at(w, 20 * SIM_MS, w->phone5060, "203.0.113.7:5060", "3");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then each destination sees the row's public source */
	ck_assert_uint_eq(w->rx->len, 3);
	for (guint i = 0; i < 3; i++)
		ck_assert_str_eq(rx_at(w, i)->src, row->ports[i]);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_created, row->created);
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), row->created);
	world_free(w);
}
END_TEST

/* ---- hairpinning (RFC 4787 REQ-9, PRIV-03) ---- */

START_TEST(test_hairpin_on)
{
	/* given phone2 has binding 1024 (it talked to the pbx) and the NAT hairpins */
	struct world *w = world_new(NAT_ENDPOINT_INDEPENDENT, NAT_ENDPOINT_INDEPENDENT, true);

	send_at(w, 0, w->phone2_5060, "10.1.0.10:5060", "REGISTER");

	/* when the phone sends to the NAT's own public address 203.0.113.50:1024 */
	send_at(w, 10 * SIM_MS, w->phone5060, "203.0.113.50:1024", "INVITE");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then phone2 receives it from the phone's public mapping, on its private address */
	ck_assert_uint_eq(w->rx->len, 2);
	ck_assert_ptr_eq(rx_at(w, 1)->who, w->phone2_5060);
	ck_assert_str_eq(rx_at(w, 1)->src, "203.0.113.50:1025");
	ck_assert_str_eq(rx_at(w, 1)->dst, "192.168.1.11:5060");
	/* and both translations are noted for packet 2, source first */
	ck_assert_uint_eq(w->notes->len, 3);
	assert_note(w, 1, "nat", 2, "192.168.1.10:5060 -> 203.0.113.50:1025");
	assert_note(w, 2, "nat", 2, "203.0.113.50:1024 -> 192.168.1.11:5060");
	ck_assert_uint_eq(nat_fabric_stats(w->fab).translated_out, 2);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).translated_in, 1);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).dropped_hairpin, 0);
	world_free(w);
}
END_TEST

START_TEST(test_hairpin_off)
{
	/* given the same, but the NAT does not hairpin */
	struct world *w = world_new(NAT_ENDPOINT_INDEPENDENT, NAT_ENDPOINT_INDEPENDENT, false);

	send_at(w, 0, w->phone2_5060, "10.1.0.10:5060", "REGISTER");

	/* when the phone sends to 203.0.113.50:1024 */
	send_at(w, 10 * SIM_MS, w->phone5060, "203.0.113.50:1024", "INVITE");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then it is dropped "nat: no hairpin", and the phone got no binding */
	ck_assert_uint_eq(w->rx->len, 1);
	ck_assert_uint_eq(w->drops->len, 1);
	ck_assert_str_eq(drop_at(w, 0)->text, "nat: no hairpin");
	ck_assert_str_eq(drop_at(w, 0)->src, "192.168.1.10:5060");
	ck_assert_uint_eq(nat_fabric_stats(w->fab).dropped_hairpin, 1);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_created, 1);
	ck_assert_uint_eq(w->notes->len, 2);
	assert_note(w, 1, "nat", 2, "nat: no hairpin");
	world_free(w);
}
END_TEST

/* ---- two NATs ---- */

START_TEST(test_nat_to_nat)
{
	/* given phone3 behind nat2 has nat2's binding 1024 */
	struct world *w = world_default();

	send_at(w, 0, w->phone3_5060, "10.1.0.10:5060", "REGISTER");

	/* when the phone (behind nat) sends to 203.0.113.51:1024, then to phone3's private one */
	send_at(w, 10 * SIM_MS, w->phone5060, "203.0.113.51:1024", "INVITE");
	send_at(w, 20 * SIM_MS, w->phone5060, "192.168.2.10:5060", "INVITE");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the first crosses both NATs, one note on each lane for the same packet */
	ck_assert_uint_eq(w->rx->len, 2);
	ck_assert_ptr_eq(rx_at(w, 1)->who, w->phone3_5060);
	ck_assert_str_eq(rx_at(w, 1)->src, "203.0.113.50:1024");
	ck_assert_str_eq(rx_at(w, 1)->dst, "192.168.2.10:5060");
	ck_assert_uint_eq(w->notes->len, 4);
	assert_note(w, 0, "nat2", 1, "192.168.2.10:5060 -> 203.0.113.51:1024");
	assert_note(w, 1, "nat", 2, "192.168.1.10:5060 -> 203.0.113.50:1024");
	assert_note(w, 2, "nat2", 2, "203.0.113.51:1024 -> 192.168.2.10:5060");
	/* and the second is not routed, untranslated */
	ck_assert_uint_eq(w->drops->len, 1);
	ck_assert_str_eq(drop_at(w, 0)->text, "nat: private address not routed");
	ck_assert_str_eq(drop_at(w, 0)->src, "192.168.1.10:5060");
	assert_note(w, 3, "nat2", 3, "nat: private address not routed");
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 0), 1);
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 1), 1);
	world_free(w);
}
END_TEST

/* ---- streams: the open is translated (no note: it has no id), then each segment ---- */

struct tcp_state {
	struct world *w;
	struct sim_stream *accepted;
	struct sim_addr accepted_remote;
	char *got_server, *got_phone;
};

/* Server side: records what arrived and answers it. */
static void tcp_server_rx(struct sim_stream *s, GBytes *data, void *arg)
{
	struct tcp_state *st = arg;
	GBytes *reply = g_bytes_new_static("200 OK", 6);

	st->got_server = g_strndup(g_bytes_get_data(data, NULL), g_bytes_get_size(data));
	ck_assert_int_eq(sim_stream_send(s, reply), 0);
	g_bytes_unref(reply);
}

/* Listener: keeps the accepted stream and the peer address it shows. */
static void tcp_accept(struct sim_stream *s, void *arg)
{
	struct tcp_state *st = arg;

	st->accepted = s;
	st->accepted_remote = sim_stream_remote(s);
	sim_stream_set_handlers(s, tcp_server_rx, NULL, st);
}

/* Phone side: records the answer. */
static void tcp_phone_rx(struct sim_stream *s, GBytes *data, void *arg)
{
	struct tcp_state *st = arg;

	(void)s;
	st->got_phone = g_strndup(g_bytes_get_data(data, NULL), g_bytes_get_size(data));
}

START_TEST(test_stream)
{
	/* given a TCP listener on the pbx */
	struct world *w = world_default();
	struct tcp_state st = { .w = w };
	struct sim_listener *l = sim_stream_listen(w->pbx, 5060, SIM_NET_TCP, tcp_accept, &st);
	struct sim_addr to = { .ip = IP(10, 1, 0, 10), .port = 5060 };
	struct sim_stream *c;
	struct sim_addr local;
	char a[32], b[32], text[80];
	GBytes *reg = g_bytes_new_static("REGISTER", 8);

	/* when the phone connects and sends one segment */
	c = sim_stream_connect(w->phone, &to, SIM_NET_TCP, tcp_phone_rx, NULL, &st);
	ck_assert_ptr_nonnull(c);
	local = sim_stream_local(c);
	ck_assert_int_eq(sim_stream_send(c, reg), 0);
	g_bytes_unref(reg);
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then the pbx saw the NAT's public address on the connection, and both segments passed */
	ck_assert_ptr_nonnull(st.accepted);
	ck_assert_str_eq(sim_addr_str(&st.accepted_remote, a, sizeof(a)), "203.0.113.50:1024");
	ck_assert_str_eq(st.got_server, "REGISTER");
	ck_assert_str_eq(st.got_phone, "200 OK");
	/* and the notes are for the two data segments (ids 1, 2), not the open */
	snprintf(text, sizeof(text), "%s -> 203.0.113.50:1024", sim_addr_str(&local, b, sizeof(b)));
	ck_assert_uint_eq(w->notes->len, 2);
	assert_note(w, 0, "nat", 1, text);
	assert_note(w, 1, "nat", 2, "203.0.113.50:1024 -> 192.168.1.10:49152");
	ck_assert_uint_eq(local.port, 49152);
	/* the open counts as a translation too: it made the binding */
	ck_assert_uint_eq(nat_fabric_stats(w->fab).translated_out, 2);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).translated_in, 1);
	ck_assert_uint_eq(nat_fabric_stats(w->fab).bindings_created, 1);
	sim_stream_close(c);
	sim_stream_close(st.accepted);
	sim_listener_close(l);
	sim_run(w->sim, SIM_TIME_NEVER);
	g_free(st.got_server);
	g_free(st.got_phone);
	world_free(w);
}
END_TEST

/* ---- the counters over a whole story ---- */

START_TEST(test_stats_exact)
{
	/* given the default NAT (EIM, address-and-port-dependent filtering, no hairpin) */
	struct world *w = world_default();
	struct nat_stats s;
	struct sim_net_stats ns;
	static const char *const reasons[] = {
		"nat: filtered", "nat: no binding", "nat: private address not routed",
		"nat: no hairpin", "nat: no binding",
	};

	/* when one of each outcome happens */
	send_at(w, 0, w->phone5060, "10.1.0.10:5060", "out");               /* translated */
	send_at(w, 10 * SIM_MS, w->pbx5060, "203.0.113.50:1024", "in");     /* translated */
	send_at(w, 20 * SIM_MS, w->pbx5080, "203.0.113.50:1024", "x");      /* filtered */
	send_at(w, 30 * SIM_MS, w->peer5060, "203.0.113.50:1999", "x");     /* no binding */
	send_at(w, 40 * SIM_MS, w->pbx5060, "192.168.1.10:5060", "x");      /* not routed */
	send_at(w, 50 * SIM_MS, w->phone5060, "203.0.113.50:1024", "x");    /* no hairpin */
	send_at(w, 31 * SIM_S, w->pbx5060, "203.0.113.50:1024", "x");       /* expired */
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then every counter is exact, and the drops come in order with their reasons */
	s = nat_fabric_stats(w->fab);
	ck_assert_uint_eq(s.translated_out, 1);
	ck_assert_uint_eq(s.translated_in, 1);
	ck_assert_uint_eq(s.bindings_created, 1);
	ck_assert_uint_eq(s.bindings_expired, 1);
	ck_assert_uint_eq(s.dropped_no_binding, 2);
	ck_assert_uint_eq(s.dropped_filtered, 1);
	ck_assert_uint_eq(s.dropped_not_routed, 1);
	ck_assert_uint_eq(s.dropped_hairpin, 1);
	ck_assert_uint_eq(w->drops->len, G_N_ELEMENTS(reasons));
	for (guint i = 0; i < w->drops->len; i++) {
		ck_assert_str_eq(drop_at(w, i)->text, reasons[i]);
		ck_assert_uint_eq(drop_at(w, i)->id, i + 3);
	}
	ns = sim_net_stats(w->net);
	ck_assert_uint_eq(ns.sent, 7);
	ck_assert_uint_eq(ns.delivered, 2);
	ck_assert_uint_eq(ns.dropped, 5);
	world_free(w);
}
END_TEST

START_TEST(test_free_removes_hook)
{
	/* given a fabric freed while the network lives on */
	struct world *w = world_default();

	nat_fabric_free(w->fab);
	w->fab = NULL;

	/* when the pbx sends to the phone's private address */
	send_at(w, 0, w->pbx5060, "192.168.1.10:5060", "x");
	sim_run(w->sim, SIM_TIME_NEVER);

	/* then nothing stops it any more */
	ck_assert_uint_eq(w->rx->len, 1);
	ck_assert_ptr_eq(rx_at(w, 0)->who, w->phone5060);
	ck_assert_uint_eq(w->drops->len, 0);
	world_free(w);
}
END_TEST

/* ---- the fabric's configuration and queries ---- */

START_TEST(test_queries)
{
	/* given the world, a branch LAN linked to the office and a voice subnet inside it */
	struct world *w = world_default();
	size_t branch = nat_fabric_lan(w->fab, "branch", IP(172, 16, 0, 0), 0xfff00000u);
	size_t voice = nat_fabric_lan(w->fab, "voice", IP(10, 1, 2, 0), 0xffffff00u);
	size_t lab = nat_fabric_lan(w->fab, "lab", IP(172, 31, 0, 0), 0xffff0000u);

	nat_fabric_link(w->fab, branch, w->office);

	/* then LAN indices run in call order, the longest prefix wins */
	ck_assert_uint_eq(w->office, 0);
	ck_assert_uint_eq(branch, 4);
	ck_assert_uint_eq(nat_fabric_lan_of(w->fab, IP(10, 1, 0, 10)), w->office);
	ck_assert_uint_eq(nat_fabric_lan_of(w->fab, IP(10, 1, 2, 3)), voice);
	ck_assert_uint_eq(nat_fabric_lan_of(w->fab, IP(172, 31, 9, 9)), lab);
	ck_assert_uint_eq(nat_fabric_lan_of(w->fab, IP(172, 20, 1, 1)), branch);
	ck_assert_uint_eq(nat_fabric_lan_of(w->fab, IP(8, 8, 8, 8)), NONE);
	/* routing is symmetric and transitive over links, never through a NAT */
	ck_assert(nat_fabric_routed(w->fab, w->office, w->internet));
	ck_assert(nat_fabric_routed(w->fab, w->internet, w->office));
	ck_assert(nat_fabric_routed(w->fab, branch, w->internet));
	ck_assert(nat_fabric_routed(w->fab, w->home, w->home));
	ck_assert(!nat_fabric_routed(w->fab, w->home, w->internet));
	ck_assert(!nat_fabric_routed(w->fab, lab, w->office));
	ck_assert(!nat_fabric_routed(w->fab, w->office, 99));
	/* which addresses sit behind which NAT */
	ck_assert_uint_eq(nat_fabric_nat_of(w->fab, IP(192, 168, 1, 10)), 0);
	ck_assert_uint_eq(nat_fabric_nat_of(w->fab, IP(192, 168, 2, 77)), 1);
	ck_assert_uint_eq(nat_fabric_nat_of(w->fab, IP(203, 0, 113, 50)), NONE);
	ck_assert_uint_eq(nat_fabric_nat_of(w->fab, IP(8, 8, 8, 8)), NONE);
	/* the NAT is a host named after it, holding its public address */
	ck_assert_ptr_eq(sim_net_host_by_ip(w->net, IP(203, 0, 113, 50)),
			 sim_net_host_by_name(w->net, "nat"));
	ck_assert_uint_eq(nat_fabric_bindings(w->fab, 7), 0);
	world_free(w);
}
END_TEST

struct add_row {
	const char *what;
	const char *name;
	int inside, outside;     /* -1: the world's home, -2: internet, -3: office,
				    -4: home2, -5: "dmz" (a fresh LAN), else the index */
	uint32_t public_ip;
	int64_t timeout;
	int want;
};

static const struct add_row add_rows[] = {
	{ "fine", "nat3", -5, -2, IP(203, 0, 113, 60), SIM_S, 0 },
	{ "bad inside index", "nat3", 42, -2, IP(203, 0, 113, 60), SIM_S, EINVAL },
	{ "bad outside index", "nat3", -5, 42, IP(203, 0, 113, 60), SIM_S, EINVAL },
	{ "inside == outside", "nat3", -2, -2, IP(203, 0, 113, 60), SIM_S, EINVAL },
	{ "public not in outside", "nat3", -5, -2, IP(10, 1, 0, 60), SIM_S, EINVAL },
	{ "timeout 0", "nat3", -5, -2, IP(203, 0, 113, 60), 0, EINVAL },
	{ "no name", NULL, -5, -2, IP(203, 0, 113, 60), SIM_S, EINVAL },
	{ "name of a host", "pbx", -5, -2, IP(203, 0, 113, 60), SIM_S, EEXIST },
	{ "name of a NAT", "nat", -5, -2, IP(203, 0, 113, 60), SIM_S, EEXIST },
	{ "address of a NAT", "nat3", -5, -2, IP(203, 0, 113, 50), SIM_S, EEXIST },
	{ "address of a host", "nat3", -5, -2, IP(203, 0, 113, 7), SIM_S, EEXIST },
	{ "nested: outside is a NAT's inside", "nat3", -5, -1, IP(192, 168, 1, 1), SIM_S,
	  EINVAL },
	{ "nested: inside is a NAT's outside", "nat3", -2, -3, IP(10, 1, 0, 60), SIM_S, EINVAL },
	{ "two NATs on one inside LAN", "nat3", -4, -3, IP(10, 1, 0, 60), SIM_S, EINVAL },
};

/* The LAN a struct add_row field names in W. */
static size_t add_lan(const struct world *w, size_t dmz, int v)
{
	switch (v) {
	case -1: return w->home;
	case -2: return w->internet;
	case -3: return w->office;
	case -4: return w->home2;
	case -5: return dmz;
	default: return (size_t)v;
	}
}

START_TEST(test_add_nat)
{
	/* given the world and a fresh LAN "dmz" 172.18.0.0/16 */
	const struct add_row *row = &add_rows[_i];
	struct world *w = world_default();
	size_t dmz = nat_fabric_lan(w->fab, "dmz", IP(172, 18, 0, 0), 0xffff0000u);
	struct nat_cfg cfg = { .name = row->name, .inside = add_lan(w, dmz, row->inside),
			       .outside = add_lan(w, dmz, row->outside),
			       .public_ip = row->public_ip,
			       .mapping = NAT_ENDPOINT_INDEPENDENT,
			       .filtering = NAT_ENDPOINT_INDEPENDENT,
			       .binding_timeout_ns = row->timeout };

	/* when the row's NAT is added */
	int rc = nat_fabric_add_nat(w->fab, &cfg);

	/* then the row's answer, and a host exists only for the accepted one */
	ck_assert_msg(rc == row->want, "%s: %d", row->what, rc);
	if (row->want == 0) {
		ck_assert_ptr_nonnull(sim_net_host_by_name(w->net, "nat3"));
		ck_assert_uint_eq(nat_fabric_nat_of(w->fab, IP(172, 18, 3, 4)), 2);
	} else if (row->name != NULL && strcmp(row->name, "nat3") == 0) {
		ck_assert_ptr_null(sim_net_host_by_name(w->net, "nat3"));
	}
	world_free(w);
}
END_TEST

/* The nat suite. */
static Suite *nat_suite(void)
{
	Suite *s = suite_create("nat");
	TCase *tc;

	tc = tcase_create("translate");
	tcase_add_test(tc, test_outbound);
	tcase_add_test(tc, test_reply_inbound);
	tcase_add_test(tc, test_private_not_routed);
	tcase_add_test(tc, test_no_binding);
	tcase_add_test(tc, test_pass_unchanged);
	tcase_add_test(tc, test_nat_to_nat);
	tcase_add_test(tc, test_stream);
	suite_add_tcase(s, tc);

	tc = tcase_create("timeout");
	tcase_add_loop_test(tc, test_timeout, 0, (int)G_N_ELEMENTS(timeout_rows));
	tcase_add_test(tc, test_timeout_new_port);
	suite_add_tcase(s, tc);

	tc = tcase_create("behaviour");
	tcase_add_loop_test(tc, test_filtering, 0, (int)G_N_ELEMENTS(filter_rows));
	tcase_add_loop_test(tc, test_mapping, 0, (int)G_N_ELEMENTS(mapping_rows));
	tcase_add_test(tc, test_hairpin_on);
	tcase_add_test(tc, test_hairpin_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("fabric");
	tcase_add_test(tc, test_stats_exact);
	tcase_add_test(tc, test_free_removes_hook);
	tcase_add_test(tc, test_queries);
	tcase_add_loop_test(tc, test_add_nat, 0, (int)G_N_ELEMENTS(add_rows));
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite; exit status 0 when every test passed. */
int main(void)
{
	SRunner *sr = srunner_create(nat_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
