/*
 * world.h - a loaded scenario turned into a running world: the kernel, the simulated network
 * with its LANs, links and NAT boundaries, the OfficeServ, the SIP phones, the TDM endpoints, and
 * the script of user actions scheduled on the clock. This is the "XML -> a built world" half of
 * scenarios/ (the loader is the other half); outputs attach to world_sim()'s trace bus before
 * world_run().
 *
 * Paths: a datagram between two hosts takes one network link whose one-way latency is the sum of
 * the delays of every LAN on its path (both ends included) and of the links crossed, whose jitter
 * is the sum of their jitters (uniform), and whose loss combines theirs (1 - product of
 * survivals). The path is the shortest one over links and NAT boundaries, ties broken by the
 * order of the scenario's LANs (docs/assumptions.md).
 */
#ifndef OSSIM_WORLD_H
#define OSSIM_WORLD_H

#include <stdint.h>

#include <glib.h>

struct scenario;
struct sim;
struct world;

/* Builds the world of scenario S (borrowed; it must outlive the world) for replication REP with
 * SEED. NULL with ERR set (SCENARIO_ERROR, EINVAL, "FILE:LINE: ...") when the scenario asks for
 * something this version cannot simulate yet (hold, transfer, DTMF actions). */
struct world *world_new(const struct scenario *s, uint64_t seed, unsigned rep, GError **err);
/* Frees every entity, the network and the kernel. NULL is fine. */
void world_free(struct world *w);
struct sim *world_sim(struct world *w);
/* The ladder's lanes in drawing order: the first SIP phone on the server's side, the OfficeServ,
 * the other phones on its side, the MPS, each NAT followed by the phones behind it, the MGI,
 * digital phones, trunks. NULL-terminated, owned by the world. */
const char *const *world_lanes(const struct world *w);
/* Runs the script until the scenario's duration. Returns the events executed. */
uint64_t world_run(struct world *w);
/* Script actions that did not apply when their time came ("12.000 s: alice: answer: no call
 * ringing"), one per line; "" when none. */
const char *world_action_log(const struct world *w);
/* DM 6.2.3 and 5.2.21 as text (see officeserv.h). */
void world_write_status(const struct world *w, GString *out);
void world_write_access_log(const struct world *w, GString *out);

#endif
