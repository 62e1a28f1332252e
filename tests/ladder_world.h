/*
 * ladder_world.h - the small world the ladder tests draw (check_ladder.c for the text,
 * check_ladder_gv.c for the pictures): three hosts, SIPP1 10.0.0.1, OfficeServ 10.0.0.10 and
 * SIPP2 10.0.0.2, each with a UDP socket on 5060, 1 ms constant links, a ladder on the trace
 * bus, and a script of datagrams and notes played on the clock. Static functions: include it
 * from one test program at a time.
 */
#ifndef OSSIM_TESTS_LADDER_WORLD_H
#define OSSIM_TESTS_LADDER_WORLD_H

#include <string.h>

#include <check.h>

#include "output/ladder.h"
#include "sim/net.h"
#include "sim/sim.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

struct test_world {
	struct sim *sim;
	struct sim_net *net;
	struct sim_udp *sock[3];   /* SIPP1, OfficeServ, SIPP2 on 5060 */
	struct ladder *ladder;
};

static const char *const host_names[] = { "SIPP1", "OfficeServ", "SIPP2" };
static const uint32_t host_ips[] = { IP(10, 0, 0, 1), IP(10, 0, 0, 10), IP(10, 0, 0, 2) };

/* Builds the three hosts with a socket each on 5060, 1 ms links, and a ladder. */
static void world_init(struct test_world *w)
{
	struct sim_link link = { SIM_MS, 0, SIM_DELAY_CONST, 0.0 };

	w->sim = sim_new(1, 0);
	w->net = sim_net_new(w->sim);
	sim_net_set_default_link(w->net, &link);
	for (size_t i = 0; i < 3; i++) {
		struct sim_host *h = sim_net_host_add(w->net, host_names[i], host_ips[i]);

		ck_assert_ptr_nonnull(h);
		w->sock[i] = sim_udp_bind(h, 5060, NULL, NULL);
		ck_assert_ptr_nonnull(w->sock[i]);
	}
	w->ladder = ladder_new(w->sim);
}

/* Makes every datagram from SIPP2 to SIPP1 get lost on the link. */
static void world_lose_sipp2_to_sipp1(struct test_world *w)
{
	struct sim_link lossy = { SIM_MS, 0, SIM_DELAY_CONST, 1.0 };

	sim_net_set_link(w->net, sim_net_host_by_name(w->net, "SIPP2"),
			 sim_net_host_by_name(w->net, "SIPP1"), &lossy);
}

/* Frees the ladder, then the network, then the world. */
static void world_fini(struct test_world *w)
{
	ladder_free(w->ladder);
	sim_net_free(w->net);
	sim_free(w->sim);
}

/* Sends BYTES from host FROM (its 5060 socket) to "ip:port" TO now; returns the packet id. */
static uint64_t world_send(struct test_world *w, const char *from, const char *to, const char *bytes)
{
	struct sim_addr dst;
	GBytes *b = g_bytes_new(bytes, strlen(bytes));
	size_t i = 0;

	while (strcmp(host_names[i], from) != 0)
		i++;
	ck_assert_int_eq(sim_addr_parse(to, &dst), 0);
	ck_assert_int_eq(sim_udp_send(w->sock[i], &dst, b), 0);
	g_bytes_unref(b);
	return sim_net_stats(w->net).sent;
}

/* ---- scripts: what happens, when ---- */

#define SEND (-1)

struct step {
	int64_t at;             /* ns */
	int what;               /* SEND or an enum sim_note_kind */
	const char *from;       /* SEND: the sending host; a note: its lane */
	const char *to;         /* SEND: "ip:port"; a note: its peer (or NULL) */
	const char *text;       /* SEND: the bytes; a note: its text */
	const char *cross;      /* SEND: a NAT lane it crosses (a CROSS note), or NULL */
};

/* Plays the N steps of SCRIPT, each at its time (the clock is run up to it first). */
static void world_play(struct test_world *w, const struct step *script, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &script[i];

		sim_run(w->sim, s->at);
		if (s->what == SEND) {
			uint64_t id = world_send(w, s->from, s->to, s->text);

			if (s->cross != NULL)
				sim_trace_note(w->sim, SIM_NOTE_CROSS, s->cross, NULL,
					       "10.0.0.1:5060 -> 203.0.113.50:1024", id);
		} else {
			sim_trace_note(w->sim, (enum sim_note_kind)s->what, s->from, s->to,
				       s->text, 0);
		}
	}
}

#endif
