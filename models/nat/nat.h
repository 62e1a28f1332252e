/*
 * nat.h - the routed world between LANs: which LAN can reach which, and the NAT boundaries
 * (RFC 4787) that translate on the way. It is the network's forward hook (sim_net_set_hook):
 * every datagram and stream open passes here at delivery time.
 *
 * LANs are subnets; links (routers) join two LANs both ways and routing is transitive over
 * links. A NAT joins an inside LAN to an outside LAN: traffic from inside to anything reachable
 * from the outside LAN leaves with its source rewritten to the NAT's public address and a mapped
 * port (a binding, created on the first packet, refreshed by every outbound packet, and dropped
 * after the binding timeout of silence; RFC 4787 REQ-1/REQ-5/REQ-6). Traffic towards the public
 * address is let in only through a live binding and as its filtering allows (endpoint-
 * independent, address-dependent, address-and-port-dependent; RFC 4787 5), with its destination
 * rewritten to the private address. Private addresses of an inside LAN are not routed from
 * outside: a packet sent to one is dropped ("nat: private address not routed"), which is how the
 * OfficeServ's INVITE to a Contact with a private address fails (NATC-02). From inside to its own
 * NAT's public address the packet hairpins when the NAT allows it (PRIV-03), else it is dropped.
 * Packets between addresses that no LAN holds, or between LANs with no path, pass unchanged
 * (the network then reports "no route" when no host has the address).
 *
 * Mapping: endpoint-independent mapping keeps one public port per private address:port whatever
 * the destination; the dependent behaviours keep one per (private, destination IP) or
 * (private, destination IP:port). Public ports are handed out from 1024 upward in order, so runs
 * are deterministic.
 *
 * Each translation is published as a SIM_NOTE_CROSS note on the NAT's lane (its name) with the
 * packet id and "private -> public" text; each drop uses a reason beginning "nat:" and is
 * published the same way, with the reason as text, on the lane of the NAT that stopped it. A NAT is also
 * a host on the outside LAN, named after it, holding the public address (so links and pcaps see
 * it), and nothing binds ports on it.
 */
#ifndef OSSIM_NAT_H
#define OSSIM_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/net.h"

struct nat_fabric;

enum nat_behaviour {                 /* RFC 4787 4.1 (mapping) and 5 (filtering) */
	NAT_ENDPOINT_INDEPENDENT,
	NAT_ADDRESS_DEPENDENT,
	NAT_ADDRESS_PORT_DEPENDENT,
};

struct nat_cfg {
	const char *name;                /* lane and host name */
	size_t inside, outside;          /* LAN indices (nat_fabric_lan) */
	uint32_t public_ip;
	enum nat_behaviour mapping, filtering;
	int64_t binding_timeout_ns;      /* > 0 */
	bool hairpin;
};

/* A fabric over NET; installs itself as NET's forward hook. */
struct nat_fabric *nat_fabric_new(struct sim_net *net);
/* Frees it and removes the hook. NULL is fine. */
void nat_fabric_free(struct nat_fabric *f);
/* Adds a LAN (subnet NET/MASK, host order); returns its index (0, 1, ... in call order). */
size_t nat_fabric_lan(struct nat_fabric *f, const char *name, uint32_t net, uint32_t mask);
/* Joins LANs A and B by a router, both ways. */
void nat_fabric_link(struct nat_fabric *f, size_t a, size_t b);
/* Adds a NAT boundary and its host. Returns 0; EINVAL (bad LAN index, inside == outside, public
 * address not in the outside LAN, timeout <= 0, nesting: a LAN both inside one NAT and inside
 * or outside another), EEXIST (name or address taken). */
int nat_fabric_add_nat(struct nat_fabric *f, const struct nat_cfg *cfg);
/* The LAN holding IP, or (size_t)-1. */
size_t nat_fabric_lan_of(const struct nat_fabric *f, uint32_t ip);
/* True when a packet from LAN A can reach LAN B without translation (same LAN or via links). */
bool nat_fabric_routed(const struct nat_fabric *f, size_t a, size_t b);
/* The NAT (index in add order) whose inside LAN holds IP, or (size_t)-1: is IP behind a NAT? */
size_t nat_fabric_nat_of(const struct nat_fabric *f, uint32_t ip);

/* Counters for tests and metrics, summed over every NAT. */
struct nat_stats {
	uint64_t translated_out, translated_in;
	uint64_t bindings_created, bindings_expired;
	uint64_t dropped_no_binding, dropped_filtered, dropped_not_routed, dropped_hairpin;
};
struct nat_stats nat_fabric_stats(const struct nat_fabric *f);
/* Live bindings of NAT I. */
size_t nat_fabric_bindings(const struct nat_fabric *f, size_t i);

#endif
