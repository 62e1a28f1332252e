/*
 * bench/sip - SIP messages per second: our parser and builder against libosip2, same run.
 *
 * Three messages a call server handles all day: an INVITE with SDP, a 200 OK with SDP and a
 * REGISTER with digest credentials. For each implementation:
 *   parse      bytes -> a parsed message (then freed);
 *   roundtrip  bytes -> parsed -> bytes again. Ours rebuilds the message with the builder from the
 *              parsed start line, header lines and body; libosip2 re-serialises its parsed
 *              structure with osip_message_to_str after osip_message_force_update (without the
 *              forced update it would hand back its cached copy of the input, which is no work);
 *   build      (ours only) a message written from scratch with the builder, the way a phone does.
 * Both sides must agree that each message parses, and our rebuilt bytes must parse back to the
 * same Call-ID and CSeq, or the benchmark fails. Prints key=value lines.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <osipparser2/osip_parser.h>

#include "models/sip/build.h"
#include "models/sip/msg.h"

static const char *const msgs[] = {
	"INVITE sip:2002@10.0.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.1.21:5060;branch=z9hG4bK7a1f0c3e9b2d4a61;rport\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Reception\" <sip:2001@10.0.0.1>;tag=8d2e4f6a1b3c5d7e\r\n"
	"To: <sip:2002@10.0.0.1>\r\n"
	"Call-ID: 3f9a1c7e5b2d4f6a8c0e1a3b@10.0.1.21\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:2001@10.0.1.21:5060>\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY\r\n"
	"Supported: replaces, timer\r\n"
	"User-Agent: ossim-phone/0.1\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 230\r\n"
	"\r\n"
	"v=0\r\n"
	"o=2001 1000 1000 IN IP4 10.0.1.21\r\n"
	"s=call\r\n"
	"c=IN IP4 10.0.1.21\r\n"
	"t=0 0\r\n"
	"m=audio 40000 RTP/AVP 0 8 18 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=sendrecv\r\n",

	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 10.0.1.21:5060;branch=z9hG4bK7a1f0c3e9b2d4a61;rport=5060;received=10.0.1.21\r\n"
	"From: \"Reception\" <sip:2001@10.0.0.1>;tag=8d2e4f6a1b3c5d7e\r\n"
	"To: <sip:2002@10.0.0.1>;tag=a1b2c3d4e5f60718\r\n"
	"Call-ID: 3f9a1c7e5b2d4f6a8c0e1a3b@10.0.1.21\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:2002@10.0.0.1:5060>\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY\r\n"
	"Supported: replaces, timer\r\n"
	"Server: OfficeServ 7200\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 185\r\n"
	"\r\n"
	"v=0\r\n"
	"o=OS7200 2000 2000 IN IP4 10.0.0.1\r\n"
	"s=call\r\n"
	"c=IN IP4 10.0.0.5\r\n"
	"t=0 0\r\n"
	"m=audio 30000 RTP/AVP 0 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=sendrecv\r\n",

	"REGISTER sip:10.0.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.1.21:5060;branch=z9hG4bK2c4e6a8b0d1f3e5a;rport\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:2001@10.0.0.1>;tag=1a2b3c4d5e6f7081\r\n"
	"To: <sip:2001@10.0.0.1>\r\n"
	"Call-ID: 9e8d7c6b5a4f3e2d1c0b9a8f@10.0.1.21\r\n"
	"CSeq: 2 REGISTER\r\n"
	"Contact: <sip:2001@10.0.1.21:5060>;expires=600\r\n"
	"Authorization: Digest username=\"2001\", realm=\"OfficeServ\", "
	"nonce=\"5f3a9c1e7b2d4f60\", uri=\"sip:10.0.0.1\", "
	"response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, qop=auth, "
	"nc=00000001, cnonce=\"0a4f113b\"\r\n"
	"Expires: 600\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY\r\n"
	"User-Agent: ossim-phone/0.1\r\n"
	"Content-Length: 0\r\n"
	"\r\n",
};
#define NMSG (sizeof msgs / sizeof msgs[0])

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench/sip: %s\n", what);
	exit(1);
}

/* The round trip under test: parse, then sip_build_copy (the library's rebuild). */
static GBytes *rebuild(const struct sip_msg *m)
{
	GBytes *out = sip_build_copy(m);

	if (!out)
		die("the builder refused a parsed message");
	return out;
}

/* The INVITE above, written from scratch the way a phone writes it. */
static GBytes *build_invite(void)
{
	static const char sdp[] = "v=0\r\no=2001 1000 1000 IN IP4 10.0.1.21\r\ns=call\r\n"
		"c=IN IP4 10.0.1.21\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 8 18 101\r\n"
		"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:18 G729/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n";
	struct sip_build *b = sip_build_request(SIP_METHOD_INVITE, NULL, "sip:2002@10.0.0.1");

	sip_build_via(b, "UDP", "10.0.1.21", 5060, "z9hG4bK7a1f0c3e9b2d4a61", true);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, "Reception", "sip:2001@10.0.0.1", "8d2e4f6a1b3c5d7e");
	sip_build_addr(b, SIP_HDR_TO, NULL, "sip:2002@10.0.0.1", NULL);
	sip_build_hdr(b, SIP_HDR_CALL_ID, "3f9a1c7e5b2d4f6a8c0e1a3b@10.0.1.21");
	sip_build_cseq(b, 1, SIP_METHOD_INVITE, NULL);
	sip_build_addr(b, SIP_HDR_CONTACT, NULL, "sip:2001@10.0.1.21:5060", NULL);
	sip_build_hdr(b, SIP_HDR_ALLOW, SIP_BUILD_ALLOW);
	sip_build_hdr(b, SIP_HDR_SUPPORTED, SIP_BUILD_SUPPORTED);
	sip_build_hdr(b, SIP_HDR_USER_AGENT, "ossim-phone/0.1");
	return sip_build_finish(b, "application/sdp", sdp, sizeof sdp - 1);
}

int main(void)
{
	bool quick = getenv("BENCH_QUICK") && strcmp(getenv("BENCH_QUICK"), "0") != 0;
	long iters = quick ? 20000 : 100000;   /* per round */
	int rounds = quick ? 1 : 7;
	GBytes *bufs[NMSG];
	double t0, sp, sr, sb, op, orr;
	volatile size_t sink = 0;

	parser_init();
	for (size_t i = 0; i < NMSG; i++)
		bufs[i] = g_bytes_new_static(msgs[i], strlen(msgs[i]));

	/* Agreement first: every message parses in both, and our rebuild parses back the same. */
	for (size_t i = 0; i < NMSG; i++) {
		struct sip_msg *m, *m2;
		osip_message_t *om;
		GBytes *again;

		if (sip_msg_parse(&m, bufs[i]) != 0)
			die("our parser rejects a benchmark message");
		again = rebuild(m);
		if (sip_msg_parse(&m2, again) != 0 ||
		    !sip_pl_eq(sip_msg_callid(m), sip_msg_callid(m2)) ||
		    sip_msg_cseq(m)->num != sip_msg_cseq(m2)->num)
			die("a rebuilt message does not parse back to the same Call-ID/CSeq");
		sip_msg_unref(m2);
		g_bytes_unref(again);
		sip_msg_unref(m);
		osip_message_init(&om);
		if (osip_message_parse(om, msgs[i], strlen(msgs[i])) != 0)
			die("libosip2 rejects a benchmark message");
		osip_message_free(om);
	}

	/* Interleaved rounds, best of each: one side is never measured alone during a burst of
	   other work on the machine (our parse loop is ten times shorter than libosip2's, so a
	   single pass of each was easily skewed). */
	sp = sr = sb = op = orr = 0;
	for (int round = 0; round < rounds; round++) {
		t0 = wall();
		for (long k = 0; k < iters; k++) {
			struct sip_msg *m;

			if (sip_msg_parse(&m, bufs[k % NMSG]) != 0)
				die("parse failed");
			sink += sip_msg_cseq(m)->num;
			sip_msg_unref(m);
		}
		sp = MAX(sp, (double)iters / (wall() - t0));

		t0 = wall();
		for (long k = 0; k < iters; k++) {
			struct sip_msg *m;
			GBytes *out;

			if (sip_msg_parse(&m, bufs[k % NMSG]) != 0)
				die("parse failed");
			out = rebuild(m);
			sink += g_bytes_get_size(out);
			g_bytes_unref(out);
			sip_msg_unref(m);
		}
		sr = MAX(sr, (double)iters / (wall() - t0));

		t0 = wall();
		for (long k = 0; k < iters; k++) {
			GBytes *out = build_invite();

			sink += g_bytes_get_size(out);
			g_bytes_unref(out);
		}
		sb = MAX(sb, (double)iters / (wall() - t0));

		t0 = wall();
		for (long k = 0; k < iters; k++) {
			osip_message_t *om;
			const char *s = msgs[k % NMSG];

			osip_message_init(&om);
			if (osip_message_parse(om, s, strlen(s)) != 0)
				die("osip parse failed");
			sink += (size_t)osip_message_get__property(om);
			osip_message_free(om);
		}
		op = MAX(op, (double)iters / (wall() - t0));

		t0 = wall();
		for (long k = 0; k < iters; k++) {
			osip_message_t *om;
			const char *s = msgs[k % NMSG];
			char *out = NULL;
			size_t len = 0;

			osip_message_init(&om);
			if (osip_message_parse(om, s, strlen(s)) != 0)
				die("osip parse failed");
			osip_message_force_update(om);
			if (osip_message_to_str(om, &out, &len) != 0)
				die("osip_message_to_str failed");
			sink += len;
			osip_free(out);
			osip_message_free(om);
		}
		orr = MAX(orr, (double)iters / (wall() - t0));
	}

	printf("messages=INVITE+SDP,200+SDP,REGISTER+Authorization iterations=%ld rounds=%d "
	       "(best of) quick=%s\n", iters, rounds, quick ? "yes" : "no");
	printf("sip_parse_per_s=%.0f\n", sp);
	printf("sip_roundtrip_per_s=%.0f\n", sr);
	printf("sip_build_per_s=%.0f\n", sb);
	printf("osip_parse_per_s=%.0f\n", op);
	printf("osip_roundtrip_per_s=%.0f\n", orr);
	printf("sip_parse_vs_osip=%.1f\n", sp / op);
	printf("sip_roundtrip_vs_osip=%.1f\n", sr / orr);
	for (size_t i = 0; i < NMSG; i++)
		g_bytes_unref(bufs[i]);
	return sink ? 0 : 1;
}
