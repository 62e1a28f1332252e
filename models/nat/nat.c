/*
 * nat.c - the routed world between LANs and the NAT boundaries on it (nat.h): the network's
 * forward hook decides, for every datagram and stream segment at delivery time, whether it
 * passes unchanged, is translated by one NAT (outbound or inbound), by two (from behind one NAT
 * to another's public address), hairpins, or is dropped with a "nat:" reason.
 *
 * Routing is only what the hook needs: a LAN is a subnet, links join LANs into connected
 * components (union-find: links are both ways and transitive, so "routed" is "same component").
 * The LAN of an address is the longest prefix that holds it, found with one hash lookup per
 * distinct mask, so a world of many small home LANs stays cheap per packet.
 *
 * Bindings (RFC 4787 4.1, 4.3) are kept per NAT in two tables: by mapping key (private
 * address:port, plus the destination IP, or IP:port, for the dependent mappings) and by public
 * port. Expiry is lazy: a binding whose last outbound packet is binding_timeout_ns old or more
 * is dead, and is counted as expired and removed when a lookup finds it; no timers. Public
 * ports are handed out from 1024 upward and never reused within a run, so a NAT holds at most
 * 64512 bindings and translations are a function of the packet order alone. Hash tables are
 * only looked up (counting live bindings iterates, but a count does not depend on the order).
 *
 * Streams: the network shows the hook each open (id 0) and then each data segment with the
 * connection's original addresses (sim/net.c), so both are translated alike: the open makes
 * the binding and counts as a translation, but only segments (with an id) get a CROSS note.
 * Running out of public ports drops with "nat: out of ports", which no counter records.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "models/nat/nat.h"
#include "sim/sim.h"

#define NAT_NONE ((size_t)-1)
#define NAT_FIRST_PORT 1024u     /* RFC 4787 REQ-4 leaves the range open; 1024 is the
				    first port outside the well-known range */

struct nat_lan {
	char *name;
	uint32_t net, mask;
	size_t parent;           /* union-find over links; a root is its own parent */
};

/* The key of a mapping (RFC 4787 4.1): the private endpoint, and the part of the remote
   endpoint the mapping behaviour depends on (zero where it does not). */
struct nat_key {
	uint32_t priv_ip, rem_ip;
	uint16_t priv_port, rem_port;
};

struct nat_binding {
	struct nat_key key;      /* also the private address:port */
	uint16_t pub_port;
	int64_t refreshed;       /* time of the last outbound packet */
	GHashTable *peers;       /* filter set of gint64 (ip << 16 | port, or ip << 16 for
				    address-dependent filtering); NULL for endpoint-independent */
};

struct nat_box {
	char *name;
	size_t inside, outside;
	uint32_t public_ip;
	enum nat_behaviour mapping, filtering;
	int64_t timeout;
	bool hairpin;
	GHashTable *by_key;      /* struct nat_key * (in the binding) -> struct nat_binding * */
	GHashTable *by_port;     /* public port -> struct nat_binding * (owns the bindings) */
	uint32_t next_port;      /* next public port to hand out; > 65535: none left */
};

/* Per distinct mask: network address -> LAN index + 1 (the first LAN added wins). */
struct nat_mask {
	uint32_t mask;
	GHashTable *nets;
};

struct nat_fabric {
	struct sim_net *net;
	struct sim *sim;
	GArray *lans;            /* struct nat_lan, by index */
	GArray *masks;           /* struct nat_mask, longest mask (largest value) first */
	GPtrArray *nats;         /* struct nat_box *, in add order */
	GArray *inside_nat;      /* size_t per LAN: the NAT whose inside it is, or NAT_NONE */
	GHashTable *by_public;   /* public IP -> NAT index + 1 */
	struct nat_stats stats;
};

/* ---- bindings ---- */

/* Hash of a mapping key (mixes both endpoints). */
static guint nat_key_hash(gconstpointer p)
{
	const struct nat_key *k = p;
	uint64_t h = ((uint64_t)k->priv_ip << 16 | k->priv_port) * UINT64_C(0x9e3779b97f4a7c15);

	h ^= ((uint64_t)k->rem_ip << 16 | k->rem_port) + (h << 6) + (h >> 2);
	return (guint)(h ^ h >> 32);
}

/* Equality of mapping keys. */
static gboolean nat_key_equal(gconstpointer a, gconstpointer b)
{
	const struct nat_key *x = a, *y = b;

	return x->priv_ip == y->priv_ip && x->priv_port == y->priv_port &&
	       x->rem_ip == y->rem_ip && x->rem_port == y->rem_port;
}

/* Frees a binding (the by_port table's value destructor). */
static void nat_binding_free(void *p)
{
	struct nat_binding *b = p;

	if (b->peers != NULL)
		g_hash_table_destroy(b->peers);
	g_free(b);
}

/* Is B dead at NOW? RFC 4787 REQ-5: silence for the whole timeout ends a binding. */
static bool nat_binding_dead(const struct nat_box *n, const struct nat_binding *b, int64_t now)
{
	return now - b->refreshed >= n->timeout;
}

/* Removes the dead binding B from N and counts it as expired. */
static void nat_binding_expire(struct nat_fabric *f, struct nat_box *n, struct nat_binding *b)
{
	f->stats.bindings_expired++;
	g_hash_table_remove(n->by_key, &b->key);
	g_hash_table_remove(n->by_port, GUINT_TO_POINTER(b->pub_port)); /* frees B */
}

/* The filter-set key for remote endpoint A under N's filtering (RFC 4787 5). */
static gint64 nat_peer_key(const struct nat_box *n, const struct sim_addr *a)
{
	uint16_t port = n->filtering == NAT_ADDRESS_PORT_DEPENDENT ? a->port : 0;

	return (gint64)((uint64_t)a->ip << 16 | port);
}

/* Does B's filter let a packet from SRC in? */
static bool nat_filter_allows(const struct nat_box *n, const struct nat_binding *b,
			      const struct sim_addr *src)
{
	gint64 k;

	if (n->filtering == NAT_ENDPOINT_INDEPENDENT)
		return true;
	k = nat_peer_key(n, src);
	return g_hash_table_contains(b->peers, &k);
}

/* ---- notes ---- */

/* Publishes the CROSS note "FROM -> TO" for packet ID on N's lane (stream opens, id 0, are
   not traced by the network, so they get no note either). */
static void nat_note(struct nat_fabric *f, const struct nat_box *n, uint64_t id,
		     const struct sim_addr *from, const struct sim_addr *to)
{
	char a[32], b[32], text[80];

	if (id == 0 || !sim_trace_wanted(f->sim, SIM_TRACE_EVENT))
		return;
	snprintf(text, sizeof(text), "%s -> %s", sim_addr_str(from, a, sizeof(a)),
		 sim_addr_str(to, b, sizeof(b)));
	sim_trace_note(f->sim, SIM_NOTE_CROSS, n->name, NULL, text, id);
}

/* Publishes the CROSS note of packet ID dropped by N for REASON, so that a ladder ends its arrow
   at the NAT that stopped it rather than at the host it was sent to. */
static void nat_drop_note(struct nat_fabric *f, const struct nat_box *n, uint64_t id,
			  const char *reason)
{
	if (id == 0 || !sim_trace_wanted(f->sim, SIM_TRACE_EVENT))
		return;
	sim_trace_note(f->sim, SIM_NOTE_CROSS, n->name, NULL, reason, id);
}

/* ---- translation ---- */

/* Outbound through N: maps PKT's private source to N's public address (finding or creating
   the binding), refreshes it and records the destination in its filter set. False with
   *REASON when no public port is left. */
static bool nat_out(struct nat_fabric *f, struct nat_box *n, struct sim_net_packet *pkt,
		    const char **reason)
{
	int64_t now = sim_now(f->sim);
	struct nat_key key = { .priv_ip = pkt->src.ip, .priv_port = pkt->src.port };
	struct nat_binding *b;
	struct sim_addr old = pkt->src;

	/* RFC 4787 4.1: what of the destination the mapping depends on. */
	if (n->mapping != NAT_ENDPOINT_INDEPENDENT)
		key.rem_ip = pkt->dst.ip;
	if (n->mapping == NAT_ADDRESS_PORT_DEPENDENT)
		key.rem_port = pkt->dst.port;
	b = g_hash_table_lookup(n->by_key, &key);
	if (b != NULL && nat_binding_dead(n, b, now)) {
		nat_binding_expire(f, n, b);
		b = NULL;
	}
	if (b == NULL) {
		if (n->next_port > 65535) {
			*reason = "nat: out of ports";
			return false;
		}
		b = g_new0(struct nat_binding, 1);
		b->key = key;
		b->pub_port = (uint16_t)n->next_port++;
		if (n->filtering != NAT_ENDPOINT_INDEPENDENT)
			b->peers = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
							 NULL);
		g_hash_table_insert(n->by_key, &b->key, b);
		g_hash_table_insert(n->by_port, GUINT_TO_POINTER(b->pub_port), b);
		f->stats.bindings_created++;
	}
	/* RFC 4787 REQ-6: outbound packets refresh the binding; inbound ones do not. */
	b->refreshed = now;
	if (b->peers != NULL) {
		gint64 k = nat_peer_key(n, &pkt->dst);

		if (!g_hash_table_contains(b->peers, &k))
			g_hash_table_add(b->peers, g_memdup2(&k, sizeof(k)));
	}
	pkt->src = (struct sim_addr){ .ip = n->public_ip, .port = b->pub_port };
	f->stats.translated_out++;
	nat_note(f, n, pkt->id, &old, &pkt->src);
	return true;
}

/* Inbound through N: PKT is addressed to N's public address; its destination becomes the
   private endpoint of the live binding on that port, if the filter lets the source in. */
static bool nat_in(struct nat_fabric *f, struct nat_box *n, struct sim_net_packet *pkt,
		   const char **reason)
{
	struct nat_binding *b = g_hash_table_lookup(n->by_port, GUINT_TO_POINTER(pkt->dst.port));
	struct sim_addr old = pkt->dst;

	if (b != NULL && nat_binding_dead(n, b, sim_now(f->sim))) {
		nat_binding_expire(f, n, b);
		b = NULL;
	}
	if (b == NULL) {
		f->stats.dropped_no_binding++;
		*reason = "nat: no binding";
		nat_drop_note(f, n, pkt->id, *reason);
		return false;
	}
	if (!nat_filter_allows(n, b, &pkt->src)) {
		f->stats.dropped_filtered++;
		*reason = "nat: filtered";
		nat_drop_note(f, n, pkt->id, *reason);
		return false;
	}
	pkt->dst = (struct sim_addr){ .ip = b->key.priv_ip, .port = b->key.priv_port };
	f->stats.translated_in++;
	nat_note(f, n, pkt->id, &old, &pkt->dst);
	return true;
}

/* ---- routing ---- */

/* The union-find root of LAN I (the smallest index of its component; nat_fabric_link keeps
   every tree flat, so this is one or two steps). */
static size_t nat_lan_root(const struct nat_fabric *f, size_t i)
{
	while (g_array_index(f->lans, struct nat_lan, i).parent != i)
		i = g_array_index(f->lans, struct nat_lan, i).parent;
	return i;
}

/* The NAT whose inside LAN is LAN, or NULL. */
static struct nat_box *nat_inside(const struct nat_fabric *f, size_t lan)
{
	size_t i;

	if (lan == NAT_NONE)
		return NULL;
	i = g_array_index(f->inside_nat, size_t, lan);
	return i == NAT_NONE ? NULL : g_ptr_array_index(f->nats, i);
}

/* The NAT owning public address IP, or NULL. */
static struct nat_box *nat_public(const struct nat_fabric *f, uint32_t ip)
{
	gpointer v = g_hash_table_lookup(f->by_public, GUINT_TO_POINTER(ip));

	return v == NULL ? NULL : g_ptr_array_index(f->nats, GPOINTER_TO_SIZE(v) - 1);
}

/*
 * The forward hook. In order: a packet from inside a NAT to that NAT's own public address
 * hairpins (or is dropped); packets within a LAN or between linked LANs pass; from inside a
 * NAT towards a LAN its outside reaches, the source is translated; then a packet for a
 * public address is translated inbound (whatever LAN it came from: the NAT only sees it
 * arrive); a packet for a private address from outside its LAN is dropped; anything else
 * (unknown addresses, LANs with no path) passes unchanged.
 */
static bool nat_hook(struct sim_net_packet *pkt, const char **reason, void *arg)
{
	struct nat_fabric *f = arg;
	size_t sl = nat_fabric_lan_of(f, pkt->src.ip);
	size_t dl = nat_fabric_lan_of(f, pkt->dst.ip);
	struct nat_box *sn = nat_inside(f, sl);
	struct nat_box *pub = nat_public(f, pkt->dst.ip);
	struct nat_box *dn = nat_inside(f, dl);

	if (sn != NULL && pub == sn) {
		/* RFC 4787 REQ-9: hairpinning translates both ends, source to its public
		   mapping, so the receiver sees (and its filter judges) the public address. */
		if (!sn->hairpin) {
			f->stats.dropped_hairpin++;
			*reason = "nat: no hairpin";
			nat_drop_note(f, sn, pkt->id, *reason);
			return false;
		}
		return nat_out(f, sn, pkt, reason) && nat_in(f, sn, pkt, reason);
	}
	if (pub == NULL && sl != NAT_NONE && dl != NAT_NONE && nat_fabric_routed(f, sl, dl))
		return true;
	if (sn != NULL && dl != NAT_NONE && dl != sl && nat_fabric_routed(f, sn->outside, dl)) {
		if (!nat_out(f, sn, pkt, reason))
			return false;
		sl = sn->outside;
	}
	if (pub != NULL)
		return nat_in(f, pub, pkt, reason);
	if (dn != NULL && (sl == NAT_NONE || !nat_fabric_routed(f, sl, dl))) {
		/* NATC-02: the private Contact of a phone behind NAT is unreachable. */
		f->stats.dropped_not_routed++;
		*reason = "nat: private address not routed";
		nat_drop_note(f, dn, pkt->id, *reason);
		return false;
	}
	return true;
}

/* ---- the fabric ---- */

/* A fabric over NET, installed as its forward hook. */
struct nat_fabric *nat_fabric_new(struct sim_net *net)
{
	struct nat_fabric *f;

	g_return_val_if_fail(net != NULL, NULL);
	f = g_new0(struct nat_fabric, 1);
	f->net = net;
	f->sim = sim_net_sim(net);
	f->lans = g_array_new(FALSE, FALSE, sizeof(struct nat_lan));
	f->masks = g_array_new(FALSE, FALSE, sizeof(struct nat_mask));
	f->nats = g_ptr_array_new();
	f->inside_nat = g_array_new(FALSE, FALSE, sizeof(size_t));
	f->by_public = g_hash_table_new(g_direct_hash, g_direct_equal);
	sim_net_set_hook(net, nat_hook, f);
	return f;
}

/* Frees F and removes the hook from its network (which must still exist). NULL is fine. */
void nat_fabric_free(struct nat_fabric *f)
{
	if (f == NULL)
		return;
	sim_net_set_hook(f->net, NULL, NULL);
	for (guint i = 0; i < f->nats->len; i++) {
		struct nat_box *n = g_ptr_array_index(f->nats, i);

		g_hash_table_destroy(n->by_key);
		g_hash_table_destroy(n->by_port);
		g_free(n->name);
		g_free(n);
	}
	for (guint i = 0; i < f->lans->len; i++)
		g_free(g_array_index(f->lans, struct nat_lan, i).name);
	for (guint i = 0; i < f->masks->len; i++)
		g_hash_table_destroy(g_array_index(f->masks, struct nat_mask, i).nets);
	g_ptr_array_free(f->nats, TRUE);
	g_array_free(f->lans, TRUE);
	g_array_free(f->masks, TRUE);
	g_array_free(f->inside_nat, TRUE);
	g_hash_table_destroy(f->by_public);
	g_free(f);
}

/* Adds LAN NAME (copied) = NET/MASK; returns its index. A subnet added twice resolves to the
   first. */
size_t nat_fabric_lan(struct nat_fabric *f, const char *name, uint32_t net, uint32_t mask)
{
	struct nat_lan lan = { .name = g_strdup(name), .net = net & mask, .mask = mask };
	size_t idx = f->lans->len, none = NAT_NONE;
	struct nat_mask *m = NULL;
	guint i;

	lan.parent = idx;
	g_array_append_val(f->lans, lan);
	g_array_append_val(f->inside_nat, none);
	for (i = 0; i < f->masks->len; i++) {
		m = &g_array_index(f->masks, struct nat_mask, i);
		if (m->mask <= mask)
			break;
	}
	if (i == f->masks->len || m->mask != mask) {
		struct nat_mask nm = { .mask = mask,
				       .nets = g_hash_table_new(g_direct_hash, g_direct_equal) };

		g_array_insert_val(f->masks, i, nm);
		m = &g_array_index(f->masks, struct nat_mask, i);
	}
	if (!g_hash_table_contains(m->nets, GUINT_TO_POINTER(lan.net)))
		g_hash_table_insert(m->nets, GUINT_TO_POINTER(lan.net), GSIZE_TO_POINTER(idx + 1));
	return idx;
}

/* Joins LANs A and B (both ways; routing is transitive). Bad indices: a GLib critical. */
void nat_fabric_link(struct nat_fabric *f, size_t a, size_t b)
{
	size_t ra, rb;

	g_return_if_fail(f != NULL && a < f->lans->len && b < f->lans->len);
	ra = nat_lan_root(f, a);
	rb = nat_lan_root(f, b);
	if (ra < rb)
		g_array_index(f->lans, struct nat_lan, rb).parent = ra;
	else
		g_array_index(f->lans, struct nat_lan, ra).parent = rb;
	/* Flatten every tree (O(LANs) per link, links are few) so lookups take one step. */
	for (guint i = 0; i < f->lans->len; i++)
		g_array_index(f->lans, struct nat_lan, i).parent = nat_lan_root(f, i);
}

/* Does LAN I hold IP? */
static bool nat_lan_holds(const struct nat_fabric *f, size_t i, uint32_t ip)
{
	const struct nat_lan *l = &g_array_index(f->lans, struct nat_lan, i);

	return (ip & l->mask) == l->net;
}

/*
 * Adds the NAT CFG and its host. Returns 0; EINVAL for a bad LAN index, inside == outside, a
 * public address outside the outside LAN, a timeout <= 0, a missing name, an unknown
 * behaviour, or a nesting the fabric does not model (the outside LAN is another NAT's inside,
 * the inside LAN is another NAT's outside or inside); EEXIST when the name or address is taken.
 */
int nat_fabric_add_nat(struct nat_fabric *f, const struct nat_cfg *cfg)
{
	struct nat_box *n;
	size_t idx;

	g_return_val_if_fail(f != NULL && cfg != NULL, EINVAL);
	if (cfg->name == NULL || cfg->name[0] == '\0' || cfg->inside >= f->lans->len ||
	    cfg->outside >= f->lans->len || cfg->inside == cfg->outside ||
	    !nat_lan_holds(f, cfg->outside, cfg->public_ip) || cfg->binding_timeout_ns <= 0 ||
	    (unsigned)cfg->mapping > NAT_ADDRESS_PORT_DEPENDENT ||
	    (unsigned)cfg->filtering > NAT_ADDRESS_PORT_DEPENDENT)
		return EINVAL;
	if (nat_inside(f, cfg->inside) != NULL || nat_inside(f, cfg->outside) != NULL)
		return EINVAL;
	for (guint i = 0; i < f->nats->len; i++) {
		const struct nat_box *o = g_ptr_array_index(f->nats, i);

		if (o->outside == cfg->inside)
			return EINVAL;
	}
	if (sim_net_host_by_name(f->net, cfg->name) != NULL ||
	    sim_net_host_by_ip(f->net, cfg->public_ip) != NULL)
		return EEXIST;
	if (sim_net_host_add(f->net, cfg->name, cfg->public_ip) == NULL)
		return EEXIST;
	n = g_new0(struct nat_box, 1);
	n->name = g_strdup(cfg->name);
	n->inside = cfg->inside;
	n->outside = cfg->outside;
	n->public_ip = cfg->public_ip;
	n->mapping = cfg->mapping;
	n->filtering = cfg->filtering;
	n->timeout = cfg->binding_timeout_ns;
	n->hairpin = cfg->hairpin;
	n->by_key = g_hash_table_new(nat_key_hash, nat_key_equal);
	n->by_port = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, nat_binding_free);
	n->next_port = NAT_FIRST_PORT;
	idx = f->nats->len;
	g_ptr_array_add(f->nats, n);
	g_array_index(f->inside_nat, size_t, cfg->inside) = idx;
	g_hash_table_insert(f->by_public, GUINT_TO_POINTER(cfg->public_ip),
			    GSIZE_TO_POINTER(idx + 1));
	return 0;
}

/* The LAN holding IP (the longest prefix; the first added among equal ones), or (size_t)-1. */
size_t nat_fabric_lan_of(const struct nat_fabric *f, uint32_t ip)
{
	for (guint i = 0; i < f->masks->len; i++) {
		const struct nat_mask *m = &g_array_index(f->masks, struct nat_mask, i);
		gpointer v = g_hash_table_lookup(m->nets, GUINT_TO_POINTER(ip & m->mask));

		if (v != NULL)
			return GPOINTER_TO_SIZE(v) - 1;
	}
	return NAT_NONE;
}

/* True when LANs A and B are the same or joined by links; false for bad indices. */
bool nat_fabric_routed(const struct nat_fabric *f, size_t a, size_t b)
{
	if (a >= f->lans->len || b >= f->lans->len)
		return false;
	return nat_lan_root(f, a) == nat_lan_root(f, b);
}

/* The NAT whose inside LAN holds IP, or (size_t)-1. */
size_t nat_fabric_nat_of(const struct nat_fabric *f, uint32_t ip)
{
	size_t lan = nat_fabric_lan_of(f, ip);

	return lan == NAT_NONE ? NAT_NONE : g_array_index(f->inside_nat, size_t, lan);
}

/* The counters, summed over every NAT. */
struct nat_stats nat_fabric_stats(const struct nat_fabric *f)
{
	return f->stats;
}

/* Live bindings of NAT I at the current time (0 for a bad index). O(bindings). */
size_t nat_fabric_bindings(const struct nat_fabric *f, size_t i)
{
	const struct nat_box *n;
	GHashTableIter it;
	gpointer v;
	size_t live = 0;
	int64_t now;

	if (i >= f->nats->len)
		return 0;
	n = g_ptr_array_index(f->nats, i);
	now = sim_now(f->sim);
	g_hash_table_iter_init(&it, n->by_port);
	while (g_hash_table_iter_next(&it, NULL, &v))
		live += !nat_binding_dead(n, v, now);
	return live;
}
