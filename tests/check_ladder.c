/*
 * check_ladder.c - Check tests for output/ladder.c and output/ladder_text.c: the ladder model
 * built from the trace bus (rows, lanes, labels), its two text forms, and its narrowing to
 * chosen calls (hand-written call points, then the demo scenario through the real models).
 *
 * A small world (SIPP1 10.0.0.1, OfficeServ 10.0.0.10, SIPP2 10.0.0.2, UDP on 5060, 1 ms links)
 * sends real SIP bytes written below, and notes are emitted with sim_trace_note, following a
 * timed script. The expected ladder was drawn by hand from the rules in ladder.h and the gap
 * algorithm in ladder_text.c (the computation is in the comment above it); labels come from
 * RFC 3261 (reason phrases as sent, 401/407 being challenges, not failures) and RFC 3264 8.4
 * (hold by sendonly / inactive, RFC 2543 hold by c=0.0.0.0).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "output/ladder.h"
#include "scenarios/scenario.h"
#include "scenarios/world.h"
#include "sim/net.h"
#include "sim/sim.h"
#include "tests/ladder_world.h"


/* ---- SIP bytes ---- */

#define REG1 \
	"REGISTER sip:10.0.0.10 SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-r1\r\n" \
	"Max-Forwards: 70\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=a1\r\n" \
	"To: <sip:2001@10.0.0.10>\r\n" \
	"Call-ID: reg-1@10.0.0.1\r\n" \
	"CSeq: 1 REGISTER\r\n" \
	"Contact: <sip:2001@10.0.0.1:5060>\r\n" \
	"Expires: 600\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

#define R401 \
	"SIP/2.0 401 Unauthorized\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-r1\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=a1\r\n" \
	"To: <sip:2001@10.0.0.10>;tag=s1\r\n" \
	"Call-ID: reg-1@10.0.0.1\r\n" \
	"CSeq: 1 REGISTER\r\n" \
	"WWW-Authenticate: Digest realm=\"officeserv\", nonce=\"abc123\", algorithm=MD5\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

#define REG2 \
	"REGISTER sip:10.0.0.10 SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-r2\r\n" \
	"Max-Forwards: 70\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=a1\r\n" \
	"To: <sip:2001@10.0.0.10>\r\n" \
	"Call-ID: reg-1@10.0.0.1\r\n" \
	"CSeq: 2 REGISTER\r\n" \
	"Contact: <sip:2001@10.0.0.1:5060>\r\n" \
	"Authorization: Digest username=\"2001\", realm=\"officeserv\", nonce=\"abc123\", " \
	"uri=\"sip:10.0.0.10\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5\r\n" \
	"Expires: 600\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

/* The Contact's expires param (600) wins over the Expires header (RFC 3261 10.3 step 7). */
#define R200 \
	"SIP/2.0 200 OK\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-r2\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=a1\r\n" \
	"To: <sip:2001@10.0.0.10>;tag=s2\r\n" \
	"Call-ID: reg-1@10.0.0.1\r\n" \
	"CSeq: 2 REGISTER\r\n" \
	"Contact: <sip:2001@10.0.0.1:5060>;expires=600\r\n" \
	"Expires: 3600\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

/* An SDP body of 123 octets (counted: 5 + 28 + 5 + 19 + 7 + 25 + 22 + 12) with direction DIR
   ("sendrecv" and "sendonly" have the same length). */
#define SDP123(version, dir) \
	"v=0\r\n" \
	"o=2001 1 " version " IN IP4 10.0.0.1\r\n" \
	"s=-\r\n" \
	"c=IN IP4 10.0.0.1\r\n" \
	"t=0 0\r\n" \
	"m=audio 40000 RTP/AVP 0\r\n" \
	"a=rtpmap:0 PCMU/8000\r\n" \
	"a=" dir "\r\n"

#define INVITE1 \
	"INVITE sip:2002@10.0.0.10 SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-i1\r\n" \
	"Max-Forwards: 70\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=a2\r\n" \
	"To: <sip:2002@10.0.0.10>\r\n" \
	"Call-ID: call-1@10.0.0.1\r\n" \
	"CSeq: 1 INVITE\r\n" \
	"Contact: <sip:2001@10.0.0.1:5060>\r\n" \
	"Content-Type: application/sdp\r\n" \
	"Content-Length: 123\r\n" \
	"\r\n" \
	SDP123("1", "sendrecv")

#define INVITE_B \
	"INVITE sip:2002@10.0.0.2:5060 SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK-o1\r\n" \
	"Max-Forwards: 70\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=o1\r\n" \
	"To: <sip:2002@10.0.0.2>\r\n" \
	"Call-ID: call-2@10.0.0.10\r\n" \
	"CSeq: 1 INVITE\r\n" \
	"Contact: <sip:officeserv@10.0.0.10:5060>\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

#define R486 \
	"SIP/2.0 486 Busy Here\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK-o1\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=o1\r\n" \
	"To: <sip:2002@10.0.0.2>;tag=b1\r\n" \
	"Call-ID: call-2@10.0.0.10\r\n" \
	"CSeq: 1 INVITE\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

/* A re-INVITE: To carries the dialog's remote tag (RFC 3261 12.2.1.1). */
#define REINVITE_HOLD \
	"INVITE sip:2002@10.0.0.10 SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-i2\r\n" \
	"Max-Forwards: 70\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=a2\r\n" \
	"To: <sip:2002@10.0.0.10>;tag=b2\r\n" \
	"Call-ID: call-1@10.0.0.1\r\n" \
	"CSeq: 2 INVITE\r\n" \
	"Contact: <sip:2001@10.0.0.1:5060>\r\n" \
	"Content-Type: application/sdp\r\n" \
	"Content-Length: 123\r\n" \
	"\r\n" \
	SDP123("2", "sendonly")

#define BYE1 \
	"BYE sip:2001@10.0.0.1:5060 SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-b1\r\n" \
	"Max-Forwards: 70\r\n" \
	"From: <sip:2002@10.0.0.10>;tag=b2\r\n" \
	"To: <sip:2001@10.0.0.10>;tag=a2\r\n" \
	"Call-ID: call-1@10.0.0.1\r\n" \
	"CSeq: 3 BYE\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

#define KEEPALIVE "\r\n\r\n"
/* Not SIP; a lone CR inside and no line end at the end (messages.txt keeps the CR, adds LF). */
#define GARBAGE "GARBAGE\rLINE\r\nno end"

/* ---- the script ---- */

static const struct step script[] = {
	{ 0, SIM_NOTE_ACTION, "SIPP1", NULL, "power on", NULL },
	{ 0, SEND, "SIPP1", "10.0.0.10:5060", REG1, NULL },
	{ 2 * SIM_MS, SEND, "OfficeServ", "10.0.0.1:5060", R401, NULL },
	{ 4 * SIM_MS, SEND, "SIPP1", "10.0.0.10:5060", REG2, "NAT" },
	{ 6 * SIM_MS, SEND, "OfficeServ", "10.0.0.1:5060", R200, NULL },
	{ 10 * SIM_MS, SIM_NOTE_ACTION, "SIPP1", NULL, "dial 2002", NULL },
	{ 10 * SIM_MS, SEND, "SIPP1", "10.0.0.10:5060", INVITE1, NULL },
	{ 12 * SIM_MS, SEND, "OfficeServ", "10.0.0.2:5060", INVITE_B, NULL },
	{ 14 * SIM_MS, SEND, "SIPP2", "10.0.0.10:5060", R486, NULL },
	{ 20 * SIM_MS, SIM_NOTE_MEDIA_UP, "SIPP1", "SIPP2", "RTP PCMU", NULL },
	{ 30 * SIM_MS, SEND, "SIPP1", "10.0.0.10:5060", REINVITE_HOLD, NULL },
	{ 40 * SIM_MS, SIM_NOTE_SIGNAL, "OfficeServ", "Phone3", "ring", NULL },
	{ 50 * SIM_MS, SIM_NOTE_MEDIA_DOWN, "SIPP1", "SIPP2", "RTP PCMU", NULL },
	{ 60 * SIM_MS, SEND, "SIPP1", "10.0.0.10:5060", KEEPALIVE, NULL },
	{ 70 * SIM_MS, SEND, "SIPP2", "10.0.0.10:5060", GARBAGE, NULL },
	/* the same bytes as #1 but to another port: not a retransmission; nothing listens */
	{ 80 * SIM_MS, SEND, "SIPP1", "10.0.0.10:5070", REG1, NULL },
	{ 90 * SIM_MS, SEND, "SIPP2", "10.0.0.10:5060", R486, NULL },
	/* SIPP2 -> SIPP1 has loss 1 (set in run_script) */
	{ 100 * SIM_MS, SEND, "SIPP2", "10.0.0.1:5060", BYE1, NULL },
	{ 110 * SIM_MS, SEND, "SIPP1", "10.0.0.99:5060", KEEPALIVE, NULL },
	/* sent 0.5 ms before the end of the run: still in flight */
	{ 120 * SIM_MS, SEND, "OfficeServ", "10.0.0.1:5060", R401, NULL },
};
#define SCRIPT_END (120 * SIM_MS + 500 * SIM_US)

/* Declares the lanes (one unused, one twice), plays the script and runs to SCRIPT_END. */
static void run_script(struct test_world *w)
{
	static const char *const lanes[] = { "SIPP1", "NAT", "OfficeServ", "Unused", "SIPP2",
					     "SIPP1" };

	world_init(w);
	world_lose_sipp2_to_sipp1(w);
	for (size_t i = 0; i < G_N_ELEMENTS(lanes); i++)
		ladder_lane(w->ladder, lanes[i]);
	world_play(w, script, G_N_ELEMENTS(script));
	sim_run(w->sim, SCRIPT_END);
}

/* ---- the ladder of the script, drawn by hand ---- */

/*
 * Lanes: SIPP1, NAT, OfficeServ, SIPP2 (declared; Unused left out), then Phone3 and
 * 10.0.0.99:5060 (undeclared, in order first seen). Gaps (ladder_text.c's algorithm):
 *   1. names: SIPP1|NAT 2+1+1 = 4, NAT|OfficeServ 1+4+1 = 6, OfficeServ|SIPP2 5+2+1 = 8,
 *      SIPP2|Phone3 2+2+1 = 5, Phone3|10.0.0.99:5060 3+6+1 = 10;
 *   2. one gap: SIPP1|NAT 15+6 = 21 ("REGISTER (auth)" is drawn on the sender's side of the
 *      NAT it crossed); OfficeServ|SIPP2 30+6 = 36 ("486 Busy Here (retransmission)");
 *   3. two gaps SIPP1..OfficeServ: run 21+6+1 = 28 holds every label up to
 *      "INVITE (hold) sendonly" (22+6 = 28) but not "401 Unauthorized (retransmission)"
 *      (33+6 = 39): d = 11, so SIPP1|NAT gets 5+1 = 27 and NAT|OfficeServ 5 = 11. The three-
 *      and five-gap runs (76, 93) hold their labels.
 * Bars: x = 11 (9 + 2), 39, 51, 88, 94, 105. The suffixes start at 106.
 */
static const char expected_ladder[] =
	"# test ladder\n"
	"         SIPP1                        NAT      OfficeServ                             "
		"SIPP2 Phone3 10.0.0.99:5060\n"
	"    0.000  [power on]                  |           |                                  "
		"  |     |          |\n"
	"    0.000  |---------------REGISTER--------------->|                                  "
		"  |     |          |\n"
	"    0.002  |<----------401 Unauthorized------------|                                  "
		"  |     |          |\n"
	"    0.004  |------REGISTER (auth)------+---------->|                                  "
		"  |     |          |\n"
	"    0.006  |<--------200 OK (expires 600)----------|                                  "
		"  |     |          |\n"
	"    0.010  [dial 2002]                 |           |                                  "
		"  |     |          |\n"
	"    0.010  |--------------INVITE 2002------------->|                                  "
		"  |     |          |\n"
	"    0.012  |                           |           |------------INVITE 2002-----------"
		"->|     |          |\n"
	"    0.014  |                           |           |<----------486 Busy Here----------"
		"--|     |          |\n"
	"    0.020  |<=================================RTP PCMU================================"
		"=>|     |          |\n"
	"    0.030  |--------INVITE (hold) sendonly-------->|                                  "
		"  |     |          |\n"
	"    0.040  |                           |           |~~~~~~~~~~~~~~~~~~~ring~~~~~~~~~~~"
		"~~~~~~~>|          |\n"
	"    0.050  |<..............................RTP PCMU stops............................."
		".>|     |          |\n"
	"    0.060  |--------------keep-alive-------------->|                                  "
		"  |     |          |\n"
	"    0.070  |                           |           |<-----------(malformed)-----------"
		"--|     |          |\n"
	"    0.080  |---------------REGISTER---------------X|                                  "
		"  |     |          |  (dropped: port unreachable)\n"
	"    0.090  |                           |           |<--486 Busy Here (retransmission)-"
		"--|     |          |\n"
	"    0.100  |X-----------------------------------BYE-----------------------------------"
		"--|     |          |  (dropped: loss)\n"
	"    0.110  |-----------------------------------------keep-alive-----------------------"
		"------------------X|  (dropped: no route)\n"
	"    0.120  |X--401 Unauthorized (retransmission)---|                                  "
		"  |     |          |  (dropped: in flight)\n"
;

/* Asserts GOT == WANT, naming the first line that differs (a whole ladder is too long for
   one Check message). */
static void assert_text_eq(const char *got, const char *want)
{
	char **g = g_strsplit(got, "\n", -1), **w = g_strsplit(want, "\n", -1);
	size_t i = 0;

	while (g[i] != NULL && w[i] != NULL && strcmp(g[i], w[i]) == 0)
		i++;
	ck_assert_msg(g[i] == NULL && w[i] == NULL, "line %zu: got \"%s\", want \"%s\"", i + 1,
		      g[i] != NULL ? g[i] : "(end)", w[i] != NULL ? w[i] : "(end)");
	g_strfreev(g);
	g_strfreev(w);
}

/* The whole text ladder of the script, as drawn by hand. */
START_TEST(test_text_ladder)
{
	struct test_world w;
	GString *out = g_string_new(NULL);

	/* given the script played */
	run_script(&w);
	/* when the ladder is written */
	ladder_write_text(w.ladder, "test ladder", out);
	/* then it is the hand-drawn one, byte for byte */
	assert_text_eq(out->str, expected_ladder);
	ck_assert_uint_eq(out->len, strlen(expected_ladder));
	g_string_free(out, TRUE);
	world_fini(&w);
}
END_TEST

/* Writing twice gives the same bytes (nothing depends on hash order or state). */
START_TEST(test_text_repeatable)
{
	struct test_world w;
	GString *a = g_string_new(NULL), *b = g_string_new(NULL);

	run_script(&w);
	ladder_write_text(w.ladder, "test ladder", a);
	ladder_write_text(w.ladder, "test ladder", b);
	assert_text_eq(a->str, b->str);
	ck_assert_uint_eq(a->len, sizeof(expected_ladder) - 1);
	g_string_free(a, TRUE);
	g_string_free(b, TRUE);
	world_fini(&w);
}
END_TEST

/* The drawn lanes: declared and used ones in declaration order (a second declaration keeps
   the first place, "Unused" is left out), then undeclared ones in order first seen. */
START_TEST(test_lanes)
{
	static const char *const want[] = { "SIPP1", "NAT", "OfficeServ", "SIPP2", "Phone3",
					    "10.0.0.99:5060" };
	struct test_world w;

	run_script(&w);
	ck_assert_uint_eq(ladder_lane_count(w.ladder), G_N_ELEMENTS(want));
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		ck_assert_str_eq(ladder_lane_at(w.ladder, i), want[i]);
	ck_assert_ptr_null(ladder_lane_at(w.ladder, G_N_ELEMENTS(want)));
	world_fini(&w);
}
END_TEST

/* Expected fields of every row of the script. */
struct row_want {
	enum ladder_row_kind kind;
	int64_t time;
	size_t from, to;
	const char *label;
	bool failure, request;
	const char *dropped;
	size_t crossed;
	uint64_t packet;
};

#define NO LADDER_NO_LANE
static const struct row_want rows_want[] = {
	{ LADDER_ROW_ACTION, 0, 0, 0, "power on", false, false, NULL, NO, 0 },
	{ LADDER_ROW_SIP, 0, 0, 2, "REGISTER", false, true, NULL, NO, 1 },
	{ LADDER_ROW_SIP, 2 * SIM_MS, 2, 0, "401 Unauthorized", false, false, NULL, NO, 2 },
	{ LADDER_ROW_SIP, 4 * SIM_MS, 0, 2, "REGISTER (auth)", false, true, NULL, 1, 3 },
	{ LADDER_ROW_SIP, 6 * SIM_MS, 2, 0, "200 OK (expires 600)", false, false, NULL, NO, 4 },
	{ LADDER_ROW_ACTION, 10 * SIM_MS, 0, 0, "dial 2002", false, false, NULL, NO, 0 },
	{ LADDER_ROW_SIP, 10 * SIM_MS, 0, 2, "INVITE 2002", false, true, NULL, NO, 5 },
	{ LADDER_ROW_SIP, 12 * SIM_MS, 2, 3, "INVITE 2002", false, true, NULL, NO, 6 },
	{ LADDER_ROW_SIP, 14 * SIM_MS, 3, 2, "486 Busy Here", true, false, NULL, NO, 7 },
	{ LADDER_ROW_MEDIA_UP, 20 * SIM_MS, 0, 3, "RTP PCMU", false, false, NULL, NO, 0 },
	{ LADDER_ROW_SIP, 30 * SIM_MS, 0, 2, "INVITE (hold) sendonly", false, true, NULL, NO, 8 },
	{ LADDER_ROW_SIGNAL, 40 * SIM_MS, 2, 4, "ring", false, false, NULL, NO, 0 },
	{ LADDER_ROW_MEDIA_DOWN, 50 * SIM_MS, 0, 3, "RTP PCMU stops", false, false, NULL, NO, 0 },
	{ LADDER_ROW_SIP, 60 * SIM_MS, 0, 2, "keep-alive", false, false, NULL, NO, 9 },
	{ LADDER_ROW_SIP, 70 * SIM_MS, 3, 2, "(malformed)", false, false, NULL, NO, 10 },
	{ LADDER_ROW_SIP, 80 * SIM_MS, 0, 2, "REGISTER", false, true, "port unreachable", NO, 11 },
	{ LADDER_ROW_SIP, 90 * SIM_MS, 3, 2, "486 Busy Here (retransmission)", true, false, NULL,
	  NO, 12 },
	{ LADDER_ROW_SIP, 100 * SIM_MS, 3, 0, "BYE", false, true, "loss", NO, 13 },
	{ LADDER_ROW_SIP, 110 * SIM_MS, 0, 5, "keep-alive", false, false, "no route", NO, 14 },
	{ LADDER_ROW_SIP, 120 * SIM_MS, 2, 0, "401 Unauthorized (retransmission)", false, false,
	  "in flight", NO, 15 },
};

/* Row _i of the script has the expected kind, time, lanes, label, flags and packet. */
START_TEST(test_rows)
{
	const struct row_want *want = &rows_want[_i];
	const struct ladder_row *r;
	struct test_world w;

	run_script(&w);
	ck_assert_uint_eq(ladder_row_count(w.ladder), G_N_ELEMENTS(rows_want));
	r = ladder_row_at(w.ladder, (size_t)_i);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, want->kind);
	ck_assert_int_eq(r->time, want->time);
	ck_assert_uint_eq(r->from, want->from);
	ck_assert_uint_eq(r->to, want->to);
	ck_assert_str_eq(r->label, want->label);
	ck_assert_int_eq(r->failure, want->failure);
	ck_assert_int_eq(r->request, want->request);
	if (want->dropped == NULL)
		ck_assert_ptr_null(r->dropped);
	else
		ck_assert_str_eq(r->dropped, want->dropped);
	ck_assert_uint_eq(r->crossed, want->crossed);
	ck_assert_uint_eq(r->packet, want->packet);
	world_fini(&w);
}
END_TEST

/* messages.txt: every datagram in send order, CRLF shown as LF, a lone CR kept, each block
   ending with a line end and an empty line. */
START_TEST(test_messages)
{
	static const char first[] =
		"==== #1  0.000000 s  SIPP1 (10.0.0.1:5060) -> OfficeServ (10.0.0.10:5060)  UDP\n"
		"REGISTER sip:10.0.0.10 SIP/2.0\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-r1\n"
		"Max-Forwards: 70\n"
		"From: <sip:2001@10.0.0.10>;tag=a1\n"
		"To: <sip:2001@10.0.0.10>\n"
		"Call-ID: reg-1@10.0.0.1\n"
		"CSeq: 1 REGISTER\n"
		"Contact: <sip:2001@10.0.0.1:5060>\n"
		"Expires: 600\n"
		"Content-Length: 0\n"
		"\n"
		"\n"
		"==== #2  0.002000 s  OfficeServ (10.0.0.10:5060) -> SIPP1 (10.0.0.1:5060)  UDP\n";
	static const char garbage[] =
		"\n"
		"==== #10  0.070000 s  SIPP2 (10.0.0.2:5060) -> OfficeServ (10.0.0.10:5060)  UDP\n"
		"GARBAGE\rLINE\n"
		"no end\n"
		"\n"
		"==== #11  0.080000 s  SIPP1 (10.0.0.1:5060) -> OfficeServ (10.0.0.10:5070)  UDP"
		"  dropped: port unreachable\n";
	static const char last[] =
		"\n"
		"==== #14  0.110000 s  SIPP1 (10.0.0.1:5060) -> 10.0.0.99:5060 (10.0.0.99:5060)"
		"  UDP  dropped: no route\n"
		"\n"
		"\n"
		"\n"
		"==== #15  0.120000 s  OfficeServ (10.0.0.10:5060) -> SIPP1 (10.0.0.1:5060)  UDP"
		"  dropped: in flight\n"
		"SIP/2.0 401 Unauthorized\n";
	struct test_world w;
	GString *out = g_string_new(NULL);
	unsigned blocks = 0;

	/* given the script played, when messages.txt is written */
	run_script(&w);
	ladder_write_messages(w.ladder, out);
	/* then it starts with REGISTER #1 whole, and holds the other blocks exactly */
	ck_assert_int_eq(strncmp(out->str, first, strlen(first)), 0);
	ck_assert_ptr_nonnull(strstr(out->str, garbage));
	ck_assert_ptr_nonnull(strstr(out->str, last));
	for (const char *p = out->str; (p = strstr(p, "==== #")) != NULL; p++)
		blocks++;
	ck_assert_uint_eq(blocks, 15);
	/* and the last block (the 401 in flight) ends with its empty line */
	ck_assert(g_str_has_suffix(out->str, "Content-Length: 0\n\n\n"));
	g_string_free(out, TRUE);
	world_fini(&w);
}
END_TEST

/* ---- labels, one datagram at a time ---- */

#define DLG_HDRS(method, num) \
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-x\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=a\r\n" \
	"To: <sip:2002@10.0.0.10>;tag=b\r\n" \
	"Call-ID: x@10.0.0.1\r\n" \
	"CSeq: " num " " method "\r\n"

#define REG_HDRS \
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-x\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=a\r\n" \
	"To: <sip:2001@10.0.0.10>\r\n" \
	"Call-ID: r@10.0.0.1\r\n" \
	"CSeq: 5 REGISTER\r\n"

/* An SDP body (no Content-Length needed on UDP: the body runs to the end, RFC 3261 18.3). */
#define SDP_BODY(caddr, dir) \
	"Content-Type: application/sdp\r\n" \
	"\r\n" \
	"v=0\r\n" \
	"o=2001 1 3 IN IP4 10.0.0.1\r\n" \
	"s=-\r\n" \
	"c=IN IP4 " caddr "\r\n" \
	"t=0 0\r\n" \
	"m=audio 40000 RTP/AVP 0\r\n" \
	"a=" dir "\r\n"

struct label_case {
	const char *bytes;
	const char *label;
	bool request, failure;
};

static const struct label_case label_cases[] = {
	{ "REGISTER sip:10.0.0.10 SIP/2.0\r\n" REG_HDRS
	  "Contact: <sip:2001@10.0.0.1>\r\nExpires: 0\r\n\r\n", "REGISTER (unregister)",
	  true, false },
	{ "REGISTER sip:10.0.0.10 SIP/2.0\r\n" REG_HDRS "Contact: *\r\nExpires: 0\r\n\r\n",
	  "REGISTER (unregister)", true, false },
	{ "REGISTER sip:10.0.0.10 SIP/2.0\r\n" REG_HDRS
	  "Contact: <sip:2001@10.0.0.1>;expires=0\r\nExpires: 600\r\n"
	  "Authorization: Digest username=\"2001\"\r\n\r\n", "REGISTER (auth) (unregister)",
	  true, false },
	{ "INVITE sip:2002@10.0.0.10 SIP/2.0\r\n" DLG_HDRS("INVITE", "3")
	  SDP_BODY("10.0.0.1", "inactive"), "INVITE (hold) inactive", true, false },
	{ "INVITE sip:2002@10.0.0.10 SIP/2.0\r\n" DLG_HDRS("INVITE", "3")
	  SDP_BODY("0.0.0.0", "sendrecv"), "INVITE (hold) 0.0.0.0", true, false },
	{ "INVITE sip:2002@10.0.0.10 SIP/2.0\r\n" DLG_HDRS("INVITE", "3")
	  SDP_BODY("10.0.0.1", "sendrecv"), "INVITE (resume)", true, false },
	{ "INVITE sip:10.0.0.10 SIP/2.0\r\n"
	  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-x\r\n"
	  "From: <sip:2001@10.0.0.10>;tag=a\r\nTo: <sip:10.0.0.10>\r\n"
	  "Call-ID: y@10.0.0.1\r\nCSeq: 1 INVITE\r\n\r\n", "INVITE", true, false },
	{ "SIP/2.0 200 OK\r\n" REG_HDRS "Contact: <sip:2001@10.0.0.1>\r\nExpires: 3600\r\n\r\n",
	  "200 OK (expires 3600)", false, false },
	{ "SIP/2.0 200 OK\r\n" DLG_HDRS("INVITE", "1") "\r\n", "200 OK", false, false },
	{ "SIP/2.0 180 Ringing\r\n" DLG_HDRS("INVITE", "1") "\r\n", "180 Ringing", false, false },
	{ "SIP/2.0 407 Proxy Authentication Required\r\n" DLG_HDRS("INVITE", "1") "\r\n",
	  "407 Proxy Authentication Required", false, false },
	{ "SIP/2.0 480 Temporarily Unavailable\r\n" DLG_HDRS("INVITE", "1") "\r\n",
	  "480 Temporarily Unavailable", false, true },
	{ "SIP/2.0 603 Decline\r\n" DLG_HDRS("INVITE", "1") "\r\n", "603 Decline", false, true },
	{ "BYE sip:2002@10.0.0.2 SIP/2.0\r\n" DLG_HDRS("BYE", "4") "\r\n", "BYE", true, false },
	{ "\r\n", "keep-alive", false, false },
	/* the mandatory Call-ID and CSeq are missing (RFC 3261 8.1.1) */
	{ "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1\r\nFrom: <sip:a@b>;tag=1\r\n"
	  "To: <sip:a@b>\r\n\r\n", "(malformed)", false, false },
};

/* Label case _i, sent once from SIPP1 to the OfficeServ. */
START_TEST(test_label)
{
	const struct label_case *c = &label_cases[_i];
	const struct ladder_row *r;
	struct test_world w;

	world_init(&w);
	world_send(&w, "SIPP1", "10.0.0.10:5060", c->bytes);
	sim_run(w.sim, SIM_TIME_NEVER);
	ck_assert_uint_eq(ladder_row_count(w.ladder), 1);
	r = ladder_row_at(w.ladder, 0);
	ck_assert_str_eq(r->label, c->label);
	ck_assert_int_eq(r->request, c->request);
	ck_assert_int_eq(r->failure, c->failure);
	ck_assert_ptr_null(r->dropped);
	world_fini(&w);
}
END_TEST

/* Keep-alives repeat by design: the same CRLF twice is not a retransmission. */
START_TEST(test_keepalive_not_retransmission)
{
	struct test_world w;

	world_init(&w);
	world_send(&w, "SIPP1", "10.0.0.10:5060", KEEPALIVE);
	world_send(&w, "SIPP1", "10.0.0.10:5060", KEEPALIVE);
	world_send(&w, "SIPP1", "10.0.0.10:5060", BYE1);
	world_send(&w, "SIPP1", "10.0.0.10:5060", BYE1);
	sim_run(w.sim, SIM_TIME_NEVER);
	ck_assert_str_eq(ladder_row_at(w.ladder, 1)->label, "keep-alive");
	ck_assert_str_eq(ladder_row_at(w.ladder, 3)->label, "BYE (retransmission)");
	world_fini(&w);
}
END_TEST

/* Without declarations lanes come in order first seen, reading a row as drawn (sender, NAT,
   receiver); a declaration made afterwards moves its lane first and renumbers the rows. */
START_TEST(test_lanes_first_seen_then_declared)
{
	struct test_world w;
	const struct ladder_row *r;
	uint64_t id;

	world_init(&w);
	id = world_send(&w, "SIPP1", "10.0.0.10:5060", REG1);
	sim_trace_note(w.sim, SIM_NOTE_CROSS, "NAT", NULL, "rewritten", id);
	sim_run(w.sim, SIM_TIME_NEVER);
	ck_assert_uint_eq(ladder_lane_count(w.ladder), 3);
	ck_assert_str_eq(ladder_lane_at(w.ladder, 0), "SIPP1");
	ck_assert_str_eq(ladder_lane_at(w.ladder, 1), "NAT");
	ck_assert_str_eq(ladder_lane_at(w.ladder, 2), "OfficeServ");
	r = ladder_row_at(w.ladder, 0);
	ck_assert_uint_eq(r->from, 0);
	ck_assert_uint_eq(r->crossed, 1);
	ck_assert_uint_eq(r->to, 2);
	/* when OfficeServ is declared */
	ladder_lane(w.ladder, "OfficeServ");
	/* then it comes first and the row follows */
	ck_assert_str_eq(ladder_lane_at(w.ladder, 0), "OfficeServ");
	ck_assert_str_eq(ladder_lane_at(w.ladder, 1), "SIPP1");
	r = ladder_row_at(w.ladder, 0);
	ck_assert_uint_eq(r->from, 1);
	ck_assert_uint_eq(r->crossed, 2);
	ck_assert_uint_eq(r->to, 0);
	world_fini(&w);
}
END_TEST

/* Nothing recorded: the title line alone, and no messages. */
START_TEST(test_empty)
{
	struct test_world w;
	GString *text = g_string_new(NULL), *msgs = g_string_new(NULL);

	world_init(&w);
	ladder_lane(w.ladder, "SIPP1");
	sim_run(w.sim, SIM_TIME_NEVER);
	ladder_write_text(w.ladder, "empty", text);
	ladder_write_messages(w.ladder, msgs);
	ck_assert_str_eq(text->str, "# empty\n");
	ck_assert_str_eq(msgs->str, "");
	ck_assert_uint_eq(ladder_lane_count(w.ladder), 0);
	g_string_free(text, TRUE);
	g_string_free(msgs, TRUE);
	world_fini(&w);
	ladder_free(NULL);
}
END_TEST

/* A stream segment makes a row like a datagram; messages.txt names its transport. */
START_TEST(test_stream_segment)
{
	struct test_world w;
	struct sim_addr dst = { IP(10, 0, 0, 10), 5061 };
	struct sim_listener *lis;
	struct sim_stream *s;
	GBytes *b = g_bytes_new_static(REG1, strlen(REG1));
	GString *msgs = g_string_new(NULL);

	world_init(&w);
	lis = sim_stream_listen(sim_net_host_by_name(w.net, "OfficeServ"), 5061, SIM_NET_TCP,
				NULL, NULL);
	ck_assert_ptr_nonnull(lis);
	s = sim_stream_connect(sim_net_host_by_name(w.net, "SIPP1"), &dst, SIM_NET_TCP, NULL,
			       NULL, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sim_stream_send(s, b), 0);
	sim_run(w.sim, SIM_TIME_NEVER);
	ck_assert_uint_eq(ladder_row_count(w.ladder), 1);
	ck_assert_str_eq(ladder_row_at(w.ladder, 0)->label, "REGISTER");
	ck_assert_ptr_null(ladder_row_at(w.ladder, 0)->dropped);
	ladder_write_messages(w.ladder, msgs);
	ck_assert_ptr_nonnull(strstr(msgs->str, " -> OfficeServ (10.0.0.10:5061)  TCP\n"
					       "REGISTER sip:10.0.0.10 SIP/2.0\n"));
	g_bytes_unref(b);
	g_string_free(msgs, TRUE);
	world_fini(&w);
}
END_TEST


/* ---- narrowing to chosen calls ---- */

/*
 * Three calls through the server, played with the call server's SIM_TRACE_CALL points written
 * by hand (published by "OfficeServ" as call.c would):
 *   1. SIPP1 dials 201, a digital phone DGP (no SIP on that side): media through the MGI;
 *   2. interleaved with 1: an ISDN trunk PRI calls 2002 (SIPP2): its callee leg alone is SIP;
 *      SIPP2's 180 is sent twice (a retransmission) and the final BYE dies (port unreachable);
 *   3. later, DGP dials 2002: SIPP2 answers 486, and the server forwards to 2001 (SIPP1) under a
 *      new Call-ID: two callee legs.
 * Around them: SIPP1's registration (at the start and again inside call 1), a registrar note on
 * the server's lane inside call 1, and a note of SIPP1 after call 1 ended.
 */
#define OS_AT "10.0.0.10:5060"
#define SIPP1_AT "10.0.0.1:5060"
#define SIPP2_AT "10.0.0.2:5060"

/* A request and a response of call CALLID (the ladder reads the method or status, the Request-URI
   user of an initial INVITE, and the Call-ID). */
#define CREQ(method, ruri, callid, cseq, totag) \
	method " " ruri " SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK-n\r\n" \
	"From: <sip:a@10.0.0.10>;tag=f\r\n" \
	"To: <sip:b@10.0.0.10>" totag "\r\n" \
	"Call-ID: " callid "\r\n" \
	"CSeq: " cseq " " method "\r\n" \
	"\r\n"
#define CRESP(status, callid, cseq, method) \
	"SIP/2.0 " status "\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK-n\r\n" \
	"From: <sip:a@10.0.0.10>;tag=f\r\n" \
	"To: <sip:b@10.0.0.10>;tag=t\r\n" \
	"Call-ID: " callid "\r\n" \
	"CSeq: " cseq " " method "\r\n" \
	"\r\n"

#define C1 "c1a@10.0.0.1"
#define C2 "c2b@10.0.0.10"
#define C3 "c3b@10.0.0.10"
#define C3F "c3f@10.0.0.10"

/* A step of a call script: SEND and notes as in struct step, or a call point. */
#define POINT (-2)
struct call_step {
	int64_t at;             /* ns */
	int what;               /* SEND, an enum sim_note_kind, or POINT */
	const char *from;       /* SEND: the sending host; a note: its lane; POINT: the caller */
	const char *to;         /* SEND: "ip:port"; a note: its peer; POINT: the callee or NULL */
	const char *text;       /* SEND: the bytes; a note: its text; POINT: a leg's Call-ID */
	enum sim_call_event ev; /* POINT */
	uint64_t call;          /* POINT */
};

#define MS SIM_MS
static const struct call_step calls_script[] = {
	{ 0, SEND, "SIPP1", OS_AT, REG1, 0, 0 },
	{ 2 * MS, SEND, "OfficeServ", SIPP1_AT, R200, 0, 0 },
	/* call 1 */
	{ 10 * MS, SIM_NOTE_ACTION, "SIPP1", NULL, "dial 201", 0, 0 },
	{ 10 * MS, SEND, "SIPP1", OS_AT, CREQ("INVITE", "sip:201@10.0.0.10", C1, "1", ""), 0, 0 },
	{ 11 * MS, POINT, "SIPP1", NULL, NULL, SIM_CALL_OFFERED, 1 },
	{ 11 * MS, POINT, "SIPP1", NULL, C1, SIM_CALL_LEG, 1 },
	{ 11 * MS, SEND, "OfficeServ", SIPP1_AT, CRESP("100 Trying", C1, "1", "INVITE"), 0, 0 },
	{ 11 * MS, SIM_NOTE_SIGNAL, "OfficeServ", "DGP", "ring", 0, 0 },
	{ 11 * MS, POINT, "SIPP1", "DGP", NULL, SIM_CALL_ALERTING, 1 },
	{ 11 * MS, SEND, "OfficeServ", SIPP1_AT, CRESP("180 Ringing", C1, "1", "INVITE"), 0, 0 },
	/* call 2 */
	{ 14 * MS, SIM_NOTE_SIGNAL, "PRI", "OfficeServ", "SETUP 2002", 0, 0 },
	{ 14 * MS, POINT, "PRI", NULL, NULL, SIM_CALL_OFFERED, 2 },
	{ 14 * MS, POINT, "PRI", "SIPP2", C2, SIM_CALL_LEG, 2 },
	{ 14 * MS, SEND, "OfficeServ", SIPP2_AT, CREQ("INVITE", "sip:2002@10.0.0.2:5060", C2, "1",
						      ""), 0, 0 },
	{ 15 * MS, SEND, "SIPP2", OS_AT, CRESP("180 Ringing", C2, "1", "INVITE"), 0, 0 },
	{ 16 * MS, POINT, "PRI", "SIPP2", NULL, SIM_CALL_ALERTING, 2 },
	{ 16 * MS, SIM_NOTE_SIGNAL, "OfficeServ", "PRI", "ALERTING", 0, 0 },
	/* call 1 is answered */
	{ 20 * MS, SIM_NOTE_ACTION, "DGP", NULL, "answer", 0, 0 },
	{ 20 * MS, SEND, "OfficeServ", SIPP1_AT, CRESP("200 OK", C1, "1", "INVITE"), 0, 0 },
	{ 21 * MS, SEND, "SIPP1", OS_AT, CREQ("ACK", "sip:201@10.0.0.10", C1, "1", ";tag=t"),
	  0, 0 },
	{ 22 * MS, POINT, "SIPP1", "DGP", NULL, SIM_CALL_ANSWERED, 1 },
	{ 22 * MS, SIM_NOTE_MEDIA_UP, "SIPP1", "MGI", "RTP PCMU", 0, 0 },
	{ 22 * MS, SIM_NOTE_MEDIA_UP, "MGI", "DGP", "TDM", 0, 0 },
	{ 24 * MS, SEND, "SIPP2", OS_AT, CRESP("180 Ringing", C2, "1", "INVITE"), 0, 0 },
	/* a registration refresh and a registrar note during call 1: no call's */
	{ 26 * MS, SEND, "SIPP1", OS_AT, REG2, 0, 0 },
	{ 26 * MS, SIM_NOTE_ACTION, "OfficeServ", NULL, "2003 expired", 0, 0 },
	/* call 2 is answered */
	{ 30 * MS, SEND, "SIPP2", OS_AT, CRESP("200 OK", C2, "1", "INVITE"), 0, 0 },
	{ 31 * MS, SEND, "OfficeServ", SIPP2_AT, CREQ("ACK", "sip:2002@10.0.0.2:5060", C2, "1",
						      ";tag=t"), 0, 0 },
	{ 31 * MS, SIM_NOTE_SIGNAL, "OfficeServ", "PRI", "CONNECT", 0, 0 },
	{ 31 * MS, POINT, "PRI", "SIPP2", NULL, SIM_CALL_ANSWERED, 2 },
	{ 31 * MS, SIM_NOTE_MEDIA_UP, "PRI", "MGI", "TDM", 0, 0 },
	{ 31 * MS, SIM_NOTE_MEDIA_UP, "MGI", "SIPP2", "RTP PCMU", 0, 0 },
	/* call 1 ends */
	{ 40 * MS, SIM_NOTE_ACTION, "SIPP1", NULL, "hang up", 0, 0 },
	{ 40 * MS, SEND, "SIPP1", OS_AT, CREQ("BYE", "sip:201@10.0.0.10", C1, "2", ";tag=t"),
	  0, 0 },
	{ 41 * MS, SEND, "OfficeServ", SIPP1_AT, CRESP("200 OK", C1, "2", "BYE"), 0, 0 },
	{ 41 * MS, SIM_NOTE_MEDIA_DOWN, "SIPP1", "MGI", "RTP PCMU", 0, 0 },
	{ 41 * MS, SIM_NOTE_MEDIA_DOWN, "MGI", "DGP", "TDM", 0, 0 },
	{ 41 * MS, SIM_NOTE_SIGNAL, "OfficeServ", "DGP", "disconnect", 0, 0 },
	{ 41 * MS, POINT, "SIPP1", "DGP", NULL, SIM_CALL_ENDED, 1 },
	{ 45 * MS, SIM_NOTE_ACTION, "SIPP1", NULL, "DND on", 0, 0 },
	/* call 2 ends: the trunk clears, our BYE to SIPP2 dies */
	{ 50 * MS, SIM_NOTE_SIGNAL, "PRI", "OfficeServ", "DISCONNECT", 0, 0 },
	{ 50 * MS, SIM_NOTE_SIGNAL, "OfficeServ", "PRI", "RELEASE", 0, 0 },
	{ 50 * MS, SIM_NOTE_MEDIA_DOWN, "PRI", "MGI", "TDM", 0, 0 },
	{ 50 * MS, SIM_NOTE_MEDIA_DOWN, "MGI", "SIPP2", "RTP PCMU", 0, 0 },
	{ 50 * MS, SEND, "OfficeServ", "10.0.0.2:5070", CREQ("BYE", "sip:2002@10.0.0.2:5060", C2,
							     "2", ";tag=t"), 0, 0 },
	{ 50 * MS, POINT, "PRI", "SIPP2", NULL, SIM_CALL_ENDED, 2 },
	/* call 3: refused by 2002, forwarded to 2001 */
	{ 60 * MS, SIM_NOTE_ACTION, "DGP", NULL, "off-hook", 0, 0 },
	{ 60 * MS, SIM_NOTE_ACTION, "DGP", NULL, "dial 2002", 0, 0 },
	{ 60 * MS, POINT, "DGP", NULL, NULL, SIM_CALL_OFFERED, 3 },
	{ 60 * MS, POINT, "DGP", "SIPP2", C3, SIM_CALL_LEG, 3 },
	{ 60 * MS, SEND, "OfficeServ", SIPP2_AT, CREQ("INVITE", "sip:2002@10.0.0.2:5060", C3, "1",
						      ""), 0, 0 },
	{ 61 * MS, SEND, "SIPP2", OS_AT, CRESP("486 Busy Here", C3, "1", "INVITE"), 0, 0 },
	{ 62 * MS, SEND, "OfficeServ", SIPP2_AT, CREQ("ACK", "sip:2002@10.0.0.2:5060", C3, "1",
						      ";tag=t"), 0, 0 },
	{ 62 * MS, POINT, "DGP", "SIPP1", C3F, SIM_CALL_LEG, 3 },
	{ 62 * MS, SEND, "OfficeServ", SIPP1_AT, CREQ("INVITE", "sip:2001@10.0.0.1:5060", C3F,
						      "1", ""), 0, 0 },
	{ 63 * MS, SEND, "SIPP1", OS_AT, CRESP("180 Ringing", C3F, "1", "INVITE"), 0, 0 },
	{ 64 * MS, POINT, "DGP", "SIPP1", NULL, SIM_CALL_ALERTING, 3 },
	{ 64 * MS, SIM_NOTE_SIGNAL, "OfficeServ", "DGP", "ringback tone", 0, 0 },
	{ 70 * MS, SIM_NOTE_ACTION, "SIPP1", NULL, "answer", 0, 0 },
	{ 70 * MS, SEND, "SIPP1", OS_AT, CRESP("200 OK", C3F, "1", "INVITE"), 0, 0 },
	{ 71 * MS, SEND, "OfficeServ", SIPP1_AT, CREQ("ACK", "sip:2001@10.0.0.1:5060", C3F, "1",
						      ";tag=t"), 0, 0 },
	{ 71 * MS, SIM_NOTE_SIGNAL, "OfficeServ", "DGP", "connect", 0, 0 },
	{ 71 * MS, POINT, "DGP", "SIPP1", NULL, SIM_CALL_ANSWERED, 3 },
	{ 71 * MS, SIM_NOTE_MEDIA_UP, "DGP", "MGI", "TDM", 0, 0 },
	{ 71 * MS, SIM_NOTE_MEDIA_UP, "MGI", "SIPP1", "RTP PCMU", 0, 0 },
	{ 80 * MS, SIM_NOTE_ACTION, "DGP", NULL, "hook on", 0, 0 },
	{ 80 * MS, SIM_NOTE_MEDIA_DOWN, "DGP", "MGI", "TDM", 0, 0 },
	{ 80 * MS, SIM_NOTE_MEDIA_DOWN, "MGI", "SIPP1", "RTP PCMU", 0, 0 },
	{ 80 * MS, SEND, "OfficeServ", SIPP1_AT, CREQ("BYE", "sip:2001@10.0.0.1:5060", C3F, "2",
						      ";tag=t"), 0, 0 },
	{ 81 * MS, SEND, "SIPP1", OS_AT, CRESP("200 OK", C3F, "2", "BYE"), 0, 0 },
	{ 81 * MS, POINT, "DGP", "SIPP1", NULL, SIM_CALL_ENDED, 3 },
};

/* Plays the N STEPS on W's clock: datagrams and notes as world_play does, call points
   as the call server publishes them. */
static void play_calls(struct test_world *w, const struct call_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct call_step *c = &steps[i];

		if (c->what == POINT) {
			struct sim_trace_call t = {
				.event = c->ev, .call = c->call, .caller = c->from, .callee = c->to,
				.call_id = c->text,
			};

			sim_run(w->sim, c->at);
			sim_trace_emit(w->sim, SIM_TRACE_CALL, "OfficeServ", &t);
		} else {
			struct step st = { c->at, c->what, c->from, c->to, c->text, NULL };

			world_play(w, &st, 1);
		}
	}
	sim_run(w->sim, SIM_TIME_NEVER);
}

/* The calls script in a world whose lanes SIPP1, OfficeServ, SIPP2 and MGI are declared (DGP
   and PRI are not: they follow in order first seen, DGP before PRI). */
static void run_calls(struct test_world *w)
{
	static const char *const lanes[] = { "SIPP1", "OfficeServ", "SIPP2", "MGI" };

	world_init(w);
	for (size_t i = 0; i < G_N_ELEMENTS(lanes); i++)
		ladder_lane(w->ladder, lanes[i]);
	play_calls(w, calls_script, G_N_ELEMENTS(calls_script));
}

/* The text ladder of L narrowed to the N calls CALLS (g_free it). */
static char *narrowed_text(const struct ladder *l, const uint64_t *calls, size_t n)
{
	struct ladder *nl = ladder_narrow(l, calls, n);
	GString *out = g_string_new(NULL);

	ladder_write_text(nl, "narrowed", out);
	ladder_free(nl);
	return g_string_free(out, FALSE);
}

/*
 * Call 1 alone (drawn by hand). Its SIP rows are those of Call-ID c1a (10 to 41 ms); its span
 * is 10 to 41 ms (the ENDED point is at 41 ms too); its parties SIPP1 and DGP. Kept notes: dial
 * and hang up on SIPP1, ring / disconnect OfficeServ -> DGP, answer on DGP, the four media rows
 * via the MGI. Left out: the REGISTER rows (no call; one lies inside the span), call 2's rows
 * (its ALERTING to PRI lies inside the span but PRI is call 2's party), "2003 expired" (on the
 * server's lane alone: no party of call 1), "DND on" (after the span). Lanes: SIPP1,
 * OfficeServ, MGI, DGP (SIPP2 and PRI unused).
 * Gaps: names give SIPP1|OfficeServ 2+4+1 = 7, OfficeServ|MGI 5+1+1 = 7, MGI|DGP 1+1+1 = 3;
 * one gap: SIPP1|OfficeServ "180 Ringing" 11+6 = 17, OfficeServ|MGI none, MGI|DGP "TDM stops"
 * 9+6 = 15; two gaps: "RTP PCMU stops" (14+6 = 20) fits 17+1+7 = 25; "ring" / "disconnect"
 * (10+6 = 16) fit 7+1+15 = 23. So x = 11, 29, 37, 53.
 */
static const char expected_call1[] =
	"# narrowed\n"
	"         SIPP1           OfficeServ MGI             DGP\n"
	"    0.010  [dial 201]        |       |               |\n"
	"    0.010  |---INVITE 201--->|       |               |\n"
	"    0.011  |<--100 Trying----|       |               |\n"
	"    0.011  |                 |~~~~~~~~~ring~~~~~~~~~>|\n"
	"    0.011  |<--180 Ringing---|       |               |\n"
	"    0.020  |                 |       |               [answer]\n"
	"    0.020  |<----200 OK------|       |               |\n"
	"    0.021  |-------ACK------>|       |               |\n"
	"    0.022  |<=======RTP PCMU========>|               |\n"
	"    0.022  |                 |       |<=====TDM=====>|\n"
	"    0.040  [hang up]         |       |               |\n"
	"    0.040  |-------BYE------>|       |               |\n"
	"    0.041  |<----200 OK------|       |               |\n"
	"    0.041  |<....RTP PCMU stops.....>|               |\n"
	"    0.041  |                 |       |<..TDM stops..>|\n"
	"    0.041  |                 |~~~~~~disconnect~~~~~~>|\n";

/* One call out of two interleaved ones: its rows only, its lanes only. */
START_TEST(test_narrow_one_call)
{
	static const uint64_t one[] = { 1 };
	struct test_world w;
	char *text;

	/* given the three calls played */
	run_calls(&w);
	/* when the ladder is narrowed to call 1 */
	text = narrowed_text(w.ladder, one, 1);
	/* then it is the hand-drawn one */
	assert_text_eq(text, expected_call1);
	g_free(text);
	world_fini(&w);
}
END_TEST

/*
 * Calls 3 and 2 (asked for as 3, 2, 3, 9). Lanes in the whole ladder's order: SIPP1, OfficeServ,
 * SIPP2, MGI declared, then DGP (first seen at 11 ms) and PRI (14 ms). Gaps: SIPP1|OfficeServ
 * "INVITE 2001" 11+6 = 17; OfficeServ|SIPP2 "180 Ringing (retransmission)" 28+6 = 34;
 * SIPP2|MGI "RTP PCMU stops" 14+6 = 20; MGI|DGP "TDM stops" 15; DGP|PRI names 1+1+1 = 3; every
 * longer run holds its label. So x = 11, 29, 64, 85, 101, 105. Left out between 14 and 81 ms:
 * call 1's rows, the REGISTER and the registrar's note, DGP's answer at 20 ms (a party of call 3
 * only, outside its span) and SIPP1's "DND on" at 45 ms (likewise).
 */
static const char expected_calls23[] =
	"# narrowed\n"
	"         SIPP1           OfficeServ                           SIPP2                 MGI "
		"            DGP PRI\n"
	"    0.014  |                 |<~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~SETUP 2002~~~~~~~~~~~~~~~~"
		"~~~~~~~~~~~~~~~~~|\n"
	"    0.014  |                 |-----------INVITE 2002----------->|                    |  "
		"             |   |\n"
	"    0.015  |                 |<----------180 Ringing------------|                    |  "
		"             |   |\n"
	"    0.016  |                 |~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ALERTING~~~~~~~~~~~~~~~~~"
		"~~~~~~~~~~~~~~~~>|\n"
	"    0.024  |                 |<--180 Ringing (retransmission)---|                    |  "
		"             |   |\n"
	"    0.030  |                 |<-------------200 OK--------------|                    |  "
		"             |   |\n"
	"    0.031  |                 |---------------ACK--------------->|                    |  "
		"             |   |\n"
	"    0.031  |                 |~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~CONNECT~~~~~~~~~~~~~~~~~"
		"~~~~~~~~~~~~~~~~>|\n"
	"    0.031  |                 |                                  |                    |<="
		"======TDM=======>|\n"
	"    0.031  |                 |                                  |<=====RTP PCMU=====>|  "
		"             |   |\n"
	"    0.050  |                 |<~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~DISCONNECT~~~~~~~~~~~~~~~~"
		"~~~~~~~~~~~~~~~~~|\n"
	"    0.050  |                 |~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~RELEASE~~~~~~~~~~~~~~~~~"
		"~~~~~~~~~~~~~~~~>|\n"
	"    0.050  |                 |                                  |                    |<."
		"...TDM stops....>|\n"
	"    0.050  |                 |                                  |<..RTP PCMU stops..>|  "
		"             |   |\n"
	"    0.050  |                 |---------------BYE---------------X|                    |  "
		"             |   |  (dropped: port unreachable)\n"
	"    0.060  |                 |                                  |                    |  "
		"             [off-hook]\n"
	"    0.060  |                 |                                  |                    |  "
		"             [dial 2002]\n"
	"    0.060  |                 |-----------INVITE 2002----------->|                    |  "
		"             |   |\n"
	"    0.061  |                 |<---------486 Busy Here-----------|                    |  "
		"             |   |\n"
	"    0.062  |                 |---------------ACK--------------->|                    |  "
		"             |   |\n"
	"    0.062  |<--INVITE 2001---|                                  |                    |  "
		"             |   |\n"
	"    0.063  |---180 Ringing-->|                                  |                    |  "
		"             |   |\n"
	"    0.064  |                 |~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ringback tone~~~~~~~~~~~~~~~~"
		"~~~~~~~~~~~~>|   |\n"
	"    0.070  [answer]          |                                  |                    |  "
		"             |   |\n"
	"    0.070  |-----200 OK----->|                                  |                    |  "
		"             |   |\n"
	"    0.071  |<------ACK-------|                                  |                    |  "
		"             |   |\n"
	"    0.071  |                 |~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~connect~~~~~~~~~~~~~~~~~~~"
		"~~~~~~~~~~~~>|   |\n"
	"    0.071  |                 |                                  |                    |<="
		"====TDM=====>|   |\n"
	"    0.071  |<===============================RTP PCMU================================>|  "
		"             |   |\n"
	"    0.080  |                 |                                  |                    |  "
		"             [hook on]\n"
	"    0.080  |                 |                                  |                    |<."
		".TDM stops..>|   |\n"
	"    0.080  |<............................RTP PCMU stops.............................>|  "
		"             |   |\n"
	"    0.080  |<------BYE-------|                                  |                    |  "
		"             |   |\n"
	"    0.081  |-----200 OK----->|                                  |                    |  "
		"             |   |\n";

/* Two calls chosen: both calls' rows in time order; the lanes keep the whole ladder's order
   (DGP before PRI, though call 2's PRI comes first in these rows); marks stay. */
START_TEST(test_narrow_two_calls)
{
	static const uint64_t two[] = { 3, 2, 3, 9 };
	struct test_world w;
	char *text;

	run_calls(&w);
	text = narrowed_text(w.ladder, two, G_N_ELEMENTS(two));
	assert_text_eq(text, expected_calls23);
	g_free(text);
	world_fini(&w);
}
END_TEST

/*
 * Call 3: its two callee legs (c3b to SIPP2, refused; c3f to SIPP1) and DGP's notes. Gaps:
 * SIPP1|OfficeServ 17 ("INVITE 2001", "180 Ringing"); OfficeServ|SIPP2 "486 Busy Here" 13+6 =
 * 19; SIPP2|MGI names 2+1+1 = 4; MGI|DGP "TDM stops" 15. So x = 11, 29, 49, 54, 70.
 */
static const char expected_call3[] =
	"# narrowed\n"
	"         SIPP1           OfficeServ            SIPP2 MGI             DGP\n"
	"    0.060  |                 |                   |    |               [off-hook]\n"
	"    0.060  |                 |                   |    |               [dial 2002]\n"
	"    0.060  |                 |----INVITE 2002--->|    |               |\n"
	"    0.061  |                 |<--486 Busy Here---|    |               |\n"
	"    0.062  |                 |--------ACK------->|    |               |\n"
	"    0.062  |<--INVITE 2001---|                   |    |               |\n"
	"    0.063  |---180 Ringing-->|                   |    |               |\n"
	"    0.064  |                 |~~~~~~~~~~~~~ringback tone~~~~~~~~~~~~~>|\n"
	"    0.070  [answer]          |                   |    |               |\n"
	"    0.070  |-----200 OK----->|                   |    |               |\n"
	"    0.071  |<------ACK-------|                   |    |               |\n"
	"    0.071  |                 |~~~~~~~~~~~~~~~~connect~~~~~~~~~~~~~~~~>|\n"
	"    0.071  |                 |                   |    |<=====TDM=====>|\n"
	"    0.071  |<================RTP PCMU================>|               |\n"
	"    0.080  |                 |                   |    |               [hook on]\n"
	"    0.080  |                 |                   |    |<..TDM stops..>|\n"
	"    0.080  |<.............RTP PCMU stops.............>|               |\n"
	"    0.080  |<------BYE-------|                   |    |               |\n"
	"    0.081  |-----200 OK----->|                   |    |               |\n";

/* A forwarded call: both callee legs (the refused one and the forward), the TDM caller's notes. */
START_TEST(test_narrow_forward)
{
	static const uint64_t three[] = { 3 };
	struct test_world w;
	char *text;

	run_calls(&w);
	text = narrowed_text(w.ladder, three, 1);
	assert_text_eq(text, expected_call3);
	g_free(text);
	world_fini(&w);
}
END_TEST

/* A call number that does not exist, or none at all: no rows, no lanes, the title alone. */
START_TEST(test_narrow_unknown_call)
{
	static const uint64_t none[] = { 7, 0 };
	struct test_world w;
	struct ladder *nl;
	GString *out = g_string_new(NULL);

	run_calls(&w);
	ck_assert_uint_eq(ladder_call_count(w.ladder), 3);
	for (size_t n = 0; n <= G_N_ELEMENTS(none); n++) {
		nl = ladder_narrow(w.ladder, none, n);
		ck_assert_uint_eq(ladder_row_count(nl), 0);
		ck_assert_uint_eq(ladder_lane_count(nl), 0);
		ck_assert_ptr_null(ladder_lane_at(nl, 0));
		ck_assert_uint_eq(ladder_call_count(nl), 3);
		g_string_truncate(out, 0);
		ladder_write_text(nl, "narrowed", out);
		ck_assert_str_eq(out->str, "# narrowed\n");
		g_string_truncate(out, 0);
		ladder_write_messages(nl, out);
		ck_assert_str_eq(out->str, "");
		ladder_free(nl);
	}
	g_string_free(out, TRUE);
	world_fini(&w);
}
END_TEST

/* All three calls: every row but the two REGISTERs, their 200 OK, the registrar's note and the
   note after call 1 (the five rows of no call); REGISTER never comes in. */
START_TEST(test_narrow_never_register)
{
	static const uint64_t all[] = { 1, 2, 3 };
	static const char *const left_out[] = { "REGISTER", "200 OK (expires 600)",
						"REGISTER (auth)", "2003 expired", "DND on" };
	struct test_world w;
	struct ladder *nl;
	size_t j = 0, k = 0;

	run_calls(&w);
	nl = ladder_narrow(w.ladder, all, G_N_ELEMENTS(all));
	ck_assert_uint_eq(ladder_row_count(nl) + G_N_ELEMENTS(left_out),
			  ladder_row_count(w.ladder));
	/* the whole ladder's rows, in order, are the kept ones with the five left out between */
	for (size_t i = 0; i < ladder_row_count(w.ladder); i++) {
		const struct ladder_row *r = ladder_row_at(w.ladder, i);

		if (k < G_N_ELEMENTS(left_out) && strcmp(r->label, left_out[k]) == 0) {
			k++;
			continue;
		}
		ck_assert_str_eq(ladder_row_at(nl, j)->label, r->label);
		ck_assert_int_eq(ladder_row_at(nl, j)->time, r->time);
		j++;
	}
	ck_assert_uint_eq(k, G_N_ELEMENTS(left_out));
	ck_assert_uint_eq(j, ladder_row_count(nl));
	ck_assert_uint_eq(ladder_lane_count(nl), ladder_lane_count(w.ladder));
	ladder_free(nl);
	/* and no call alone holds a REGISTER either */
	for (uint64_t c = 1; c <= 3; c++) {
		nl = ladder_narrow(w.ladder, &c, 1);
		for (size_t i = 0; i < ladder_row_count(nl); i++)
			ck_assert(!g_str_has_prefix(ladder_row_at(nl, i)->label, "REGISTER"));
		ladder_free(nl);
	}
	world_fini(&w);
}
END_TEST

/* messages.txt of a narrowed ladder: the call's datagrams alone, numbered from 1. */
START_TEST(test_narrow_messages)
{
	static const uint64_t one[] = { 1 };
	struct test_world w;
	struct ladder *nl;
	GString *out = g_string_new(NULL);
	unsigned blocks = 0;

	run_calls(&w);
	nl = ladder_narrow(w.ladder, one, 1);
	ladder_write_messages(nl, out);
	for (const char *p = out->str; (p = strstr(p, "==== #")) != NULL; p++)
		blocks++;
	/* INVITE, 100, 180, 200, ACK, BYE, 200 */
	ck_assert_uint_eq(blocks, 7);
	ck_assert(g_str_has_prefix(out->str, "==== #1  0.010000 s  SIPP1 (10.0.0.1:5060) -> "
				   "OfficeServ (10.0.0.10:5060)  UDP\nINVITE sip:201@10.0.0.10 "
				   "SIP/2.0\n"));
	ck_assert_ptr_null(strstr(out->str, "REGISTER"));
	ck_assert_ptr_null(strstr(out->str, C2));
	ladder_free(nl);
	g_string_free(out, TRUE);
	world_fini(&w);
}
END_TEST

/*
 * The span, to the nanosecond: call 5 (SIPP1 -> 2002, refused) has SIP rows at 10 and 20 ms and
 * points at 10 and 20 ms; call 6 is a TDM call with no SIP at all (Phone3 off-hook, refused with
 * busy tone) whose span is its points', 12 to 16 ms.
 */
static const struct call_step span_script[] = {
	{ 10 * MS - 1, SIM_NOTE_ACTION, "SIPP1", NULL, "early", 0, 0 },
	{ 10 * MS, SIM_NOTE_ACTION, "SIPP1", NULL, "dial 2002", 0, 0 },
	{ 10 * MS, SEND, "SIPP1", OS_AT, CREQ("INVITE", "sip:2002@10.0.0.10", "c5", "1", ""), 0,
	  0 },
	{ 10 * MS, POINT, "SIPP1", NULL, NULL, SIM_CALL_OFFERED, 5 },
	{ 10 * MS, POINT, "SIPP1", NULL, "c5", SIM_CALL_LEG, 5 },
	{ 12 * MS, SIM_NOTE_ACTION, "Phone3", NULL, "off-hook", 0, 0 },
	{ 12 * MS, POINT, "Phone3", NULL, NULL, SIM_CALL_OFFERED, 6 },
	{ 13 * MS, SIM_NOTE_ACTION, "OfficeServ", NULL, "block 10.0.0.9", 0, 0 },
	{ 14 * MS, SIM_NOTE_MEDIA_UP, "SIPP1", "MGI", "RTP PCMU", 0, 0 },
	{ 15 * MS, SIM_NOTE_SIGNAL, "SIPP1", "Phone3", "flash", 0, 0 },
	{ 16 * MS, SIM_NOTE_SIGNAL, "OfficeServ", "Phone3", "busy tone", 0, 0 },
	{ 16 * MS, POINT, "Phone3", NULL, NULL, SIM_CALL_FAILED, 6 },
	{ 17 * MS, SIM_NOTE_ACTION, "Phone3", NULL, "hook on", 0, 0 },
	{ 20 * MS, SEND, "OfficeServ", SIPP1_AT, CRESP("486 Busy Here", "c5", "1", "INVITE"), 0,
	  0 },
	{ 20 * MS, POINT, "SIPP1", NULL, NULL, SIM_CALL_FAILED, 5 },
	{ 20 * MS, SIM_NOTE_MEDIA_DOWN, "SIPP1", "MGI", "RTP PCMU", 0, 0 },
	{ 20 * MS + 1, SIM_NOTE_ACTION, "SIPP1", NULL, "late", 0, 0 },
};

/* Call 5: "dial 2002" at the span's start and the media stop at its end are in; "early" (1 ns
   before), "late" (1 ns after), the server's "block" note, and the two notes on Phone3 (call 6's
   party) are out. Gaps: SIPP1|OfficeServ "486 Busy Here" 19, OfficeServ|MGI names 5+1+1 = 7;
   so x = 11, 31, 39. */
static const char expected_call5[] =
	"# narrowed\n"
	"         SIPP1             OfficeServ MGI\n"
	"    0.010  [dial 2002]         |       |\n"
	"    0.010  |----INVITE 2002--->|       |\n"
	"    0.014  |<========RTP PCMU=========>|\n"
	"    0.020  |<--486 Busy Here---|       |\n"
	"    0.020  |<.....RTP PCMU stops......>|\n";
/* Call 6, which has no SIP: its span is its points' (12 to 16 ms), so off-hook and busy tone are
   in and hook on (17 ms) is out. Gap: "busy tone" 9+6 = 15; x = 11, 27. */
static const char expected_call6[] =
	"# narrowed\n"
	"       OfficeServ        Phone3\n"
	"    0.012  |               [off-hook]\n"
	"    0.016  |~~~busy tone~~>|\n";

/* Notes inside the span on the call's lanes are kept (its ends included); before, after, on no
   party of the call, or on another call's party, they are not. */
START_TEST(test_narrow_span)
{
	static const uint64_t five[] = { 5 }, six[] = { 6 };
	struct test_world w;
	char *text;

	world_init(&w);
	play_calls(&w, span_script, G_N_ELEMENTS(span_script));
	ck_assert_uint_eq(ladder_call_count(w.ladder), 6);
	text = narrowed_text(w.ladder, five, 1);
	assert_text_eq(text, expected_call5);
	g_free(text);
	text = narrowed_text(w.ladder, six, 1);
	assert_text_eq(text, expected_call6);
	g_free(text);
	world_fini(&w);
}
END_TEST

/* ---- narrowing a run of the real models ---- */

/* The demo (scenarios/demo.xml) narrowed to its call 1, SIPP1 -> SIPP2, as `ossim run` shows its
   rows: the same lines as in the whole ladder, its lanes only (SIPP3, MGI, DGP unused). */
static const char expected_demo_call1[] =
	"# narrowed\n"
	"         SIPP1           OfficeServ          SIPP2\n"
	"    2.000  [dial 2002]       |                 |\n"
	"    2.000  |---INVITE 2002-->|                 |\n"
	"    2.002  |<--100 Trying----|                 |\n"
	"    2.002  |                 |---INVITE 2002-->|\n"
	"    2.004  |                 |<--180 Ringing---|\n"
	"    2.006  |<--180 Ringing---|                 |\n"
	"    4.000  |                 |                 [answer]\n"
	"    4.000  |                 |<----200 OK------|\n"
	"    4.002  |                 |-------ACK------>|\n"
	"    4.002  |<----200 OK------|                 |\n"
	"    4.004  |-------ACK------>|                 |\n"
	"    4.006  |<============RTP PCMU=============>|\n"
	"   10.000  [hang up]         |                 |\n"
	"   10.000  |-------BYE------>|                 |\n"
	"   10.002  |<----200 OK------|                 |\n"
	"   10.002  |<.........RTP PCMU stops..........>|\n"
	"   10.002  |                 |-------BYE------>|\n"
	"   10.004  |                 |<----200 OK------|\n";

/* Its call 2, SIPP2 -> the digital phone DGP: the ring, the answer, hook on and the media bars
   through the MGI are kept (DGP is the call's party; the server and MGI lanes are no call's),
   call 3's rows at 16 s are not. */
static const char expected_demo_call2[] =
	"# narrowed\n"
	"       OfficeServ          SIPP2                 MGI             DGP\n"
	"   12.000  |                 [dial 201]           |               |\n"
	"   12.000  |<--INVITE 201----|                    |               |\n"
	"   12.002  |---100 Trying--->|                    |               |\n"
	"   12.002  |~~~~~~~~~~~~~~~~~~~~~~~~~ring~~~~~~~~~~~~~~~~~~~~~~~~>|\n"
	"   12.002  |---180 Ringing-->|                    |               |\n"
	"   14.000  |                 |                    |               [answer]\n"
	"   14.000  |-----200 OK----->|                    |               |\n"
	"   14.002  |<------ACK-------|                    |               |\n"
	"   14.004  |                 |<=====RTP PCMU=====>|               |\n"
	"   14.004  |                 |                    |<=====TDM=====>|\n"
	"   25.000  |                 |                    |               [hook on]\n"
	"   25.000  |                 |<..RTP PCMU stops..>|               |\n"
	"   25.000  |                 |                    |<..TDM stops..>|\n"
	"   25.000  |-------BYE------>|                    |               |\n"
	"   25.002  |<----200 OK------|                    |               |\n";

/* Its call 3, SIPP1 -> 2002 refused 486 while SIPP2 talks to the DGP (call 2): call 2's rows
   around it are left out. */
static const char expected_demo_call3[] =
	"# narrowed\n"
	"         SIPP1             OfficeServ\n"
	"   16.000  [dial 2002]         |\n"
	"   16.000  |----INVITE 2002--->|\n"
	"   16.002  |<---100 Trying-----|\n"
	"   16.002  |<--486 Busy Here---|\n"
	"   16.004  |--------ACK------->|\n";

/* The real call server's legs narrow the demo's ladder to one call at a time. */
START_TEST(test_narrow_demo)
{
	static const uint64_t one[] = { 1 }, two[] = { 2 }, three[] = { 3 };
	char *path = g_build_filename(TOP_SRCDIR, "scenarios", "demo.xml", NULL);
	GError *err = NULL;
	struct scenario *s = scenario_load(path, TOP_SRCDIR, &err);
	struct world *w;
	struct ladder *l;
	char *text;

	/* given the demo run with a ladder declared as `ossim run` declares it */
	ck_assert_msg(s != NULL, "%s", err != NULL ? err->message : "?");
	w = world_new(s, s->seed, 0, &err);
	ck_assert_msg(w != NULL, "%s", err != NULL ? err->message : "?");
	l = ladder_new(world_sim(w));
	for (const char *const *lane = world_lanes(w); *lane != NULL; lane++)
		ladder_lane(l, *lane);
	world_run(w);
	/* when it is narrowed to each call in turn, then each holds that call's rows alone */
	ck_assert_uint_eq(ladder_call_count(l), 3);
	text = narrowed_text(l, one, 1);
	assert_text_eq(text, expected_demo_call1);
	g_free(text);
	text = narrowed_text(l, three, 1);
	assert_text_eq(text, expected_demo_call3);
	g_free(text);
	text = narrowed_text(l, two, 1);
	assert_text_eq(text, expected_demo_call2);
	g_free(text);
	ladder_free(l);
	world_free(w);
	scenario_free(s);
	g_free(path);
}
END_TEST

/* The suite: the model (lanes, rows, labels) and the text forms. */
static Suite *ladder_suite(void)
{
	Suite *s = suite_create("ladder");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, test_lanes);
	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(rows_want));
	tcase_add_loop_test(tc, test_label, 0, G_N_ELEMENTS(label_cases));
	tcase_add_test(tc, test_keepalive_not_retransmission);
	tcase_add_test(tc, test_lanes_first_seen_then_declared);
	tcase_add_test(tc, test_stream_segment);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_test(tc, test_text_ladder);
	tcase_add_test(tc, test_text_repeatable);
	tcase_add_test(tc, test_messages);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	tc = tcase_create("narrow");
	tcase_add_test(tc, test_narrow_one_call);
	tcase_add_test(tc, test_narrow_two_calls);
	tcase_add_test(tc, test_narrow_forward);
	tcase_add_test(tc, test_narrow_unknown_call);
	tcase_add_test(tc, test_narrow_never_register);
	tcase_add_test(tc, test_narrow_messages);
	tcase_add_test(tc, test_narrow_span);
	tcase_add_test(tc, test_narrow_demo);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite; fails when any test does. */
int main(void)
{
	SRunner *sr = srunner_create(ladder_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
