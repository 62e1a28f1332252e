/*
 * check_ladder.c - Check tests for output/ladder.c and output/ladder_text.c: the ladder model
 * built from the trace bus (rows, lanes, labels) and its two text forms.
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
static void run_script(struct world *w)
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
	struct world w;
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
	struct world w;
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
	struct world w;

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
	struct world w;

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
	struct world w;
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
	struct world w;

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
	struct world w;

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
	struct world w;
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
	struct world w;
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
	struct world w;
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
