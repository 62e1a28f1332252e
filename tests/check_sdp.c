/*
 * check_sdp.c - tests for models/sip/sdp.c: parsing RFC example bodies, rejecting garbage,
 * build/parse round trips, RFC 3264 offer/answer (codecs, directions, port 0), hold detection,
 * a=crypto and the o= version rule.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "models/sip/sdp.h"

/* Read a test data file (the whole of it, or the body after the first blank line). */
static GBytes *read_body(const char *rel, bool sip_body)
{
	gchar *path = g_build_filename(TOP_SRCDIR, rel, NULL);
	gchar *data = NULL;
	gsize len = 0;

	ck_assert_msg(g_file_get_contents(path, &data, &len, NULL), "cannot read %s", path);
	g_free(path);
	gsize off = 0;
	if (sip_body) {
		const char *sep = g_strstr_len(data, (gssize)len, "\r\n\r\n");
		ck_assert_ptr_nonnull(sep);
		off = (gsize)(sep - data) + 4;
	}
	GBytes *all = g_bytes_new_take(data, len);
	GBytes *body = g_bytes_new_from_bytes(all, off, len - off);
	g_bytes_unref(all);
	return body;
}

/* The formats of m= line i as "pt pt pt" (or names for non-RTP). */
static gchar *fmts(const struct sip_sdp *sdp, size_t i)
{
	GString *s = g_string_new(NULL);
	const struct sip_sdp_media *m = &sdp->media[i];

	for (size_t k = 0; k < m->n_codecs; k++) {
		if (k)
			g_string_append_c(s, ' ');
		if (m->codecs[k].pt >= 0)
			g_string_append_printf(s, "%d", m->codecs[k].pt);
		else
			g_string_append(s, m->codecs[k].name);
	}
	return g_string_free(s, FALSE);
}

/* Parse a C string, asserting success. */
static struct sip_sdp *parse_ok(const char *text)
{
	struct sip_sdp *sdp = NULL;
	char reason[128] = "";
	int err = sip_sdp_parse(&sdp, text, strlen(text), reason, sizeof(reason));

	ck_assert_msg(err == 0, "parse failed: %s", reason);
	return sdp;
}

/* Build into a new string, asserting success. */
static gchar *build_ok(const struct sip_sdp *sdp)
{
	GString *s = g_string_new(NULL);

	ck_assert_int_eq(sip_sdp_build(sdp, s), 0);
	return g_string_free(s, FALSE);
}

/* --- parsing the RFC bodies --------------------------------------------------------------- */

static const struct {
	const char *file;
	bool sip_body;           /* a whole SIP message: take the body after the blank line */
	size_t n_media;
	const char *addr;        /* session c= */
	uint64_t version;        /* o= sess-version */
	const char *fmts0;       /* formats of the first m= line */
	unsigned port0;
	const char *name0;       /* first codec's encoding name (static table or rtpmap) */
	const char *last_codec;  /* name of the last format of the last m= line */
} parse_rows[] = {
	/* RFC 4475 3.1.1.11: the rtpmap "31 LPC" overrides static 31 (H261) and has no rate */
	{ "tests/data/rfc4475/sdp01.dat", true, 2, "192.0.2.5", 7272939, "0 12", 49217, "PCMU",
	  "LPC" },
	/* RFC 4475 3.1.1.1: same body, other addresses */
	{ "tests/data/rfc4475/wsinv.dat", true, 2, "192.0.2.4", 7272939, "0 12", 49217, "PCMU",
	  "LPC" },
	{ "tests/data/sdp/rfc3665-3.1-F1-offer.sdp", false, 1, "192.0.2.101", 2890844526u, "0",
	  49172, "PCMU", "PCMU" },
	{ "tests/data/sdp/rfc3665-3.1-F3-answer.sdp", false, 1, "192.0.2.201", 2890844527u, "0",
	  3456, "PCMU", "PCMU" },
	{ "tests/data/sdp/rfc4317-2.1-offer.sdp", false, 2, "host.atlanta.example.com",
	  2890844526u, "0 8 97", 49170, "PCMU", "MPV" },
	{ "tests/data/sdp/rfc4317-2.1-answer.sdp", false, 2, "host.biloxi.example.com",
	  2808844564u, "0", 49174, "PCMU", "MPV" },
};

START_TEST(test_parse_rfc_bodies)
{
	/* given an SDP body from an RFC */
	GBytes *body = read_body(parse_rows[_i].file, parse_rows[_i].sip_body);
	struct sip_sdp *sdp = NULL;
	char reason[128] = "";

	/* when it is parsed */
	int err = sip_sdp_parse_bytes(&sdp, body, reason, sizeof(reason));

	/* then the fields are those printed in the RFC */
	ck_assert_msg(err == 0, "%s: %s", parse_rows[_i].file, reason);
	ck_assert_uint_eq(sdp->n_media, parse_rows[_i].n_media);
	ck_assert_str_eq(sdp->addr, parse_rows[_i].addr);
	ck_assert_uint_eq(sdp->sess_version, parse_rows[_i].version);
	gchar *f = fmts(sdp, 0);
	ck_assert_str_eq(f, parse_rows[_i].fmts0);
	g_free(f);
	ck_assert_uint_eq(sdp->media[0].port, parse_rows[_i].port0);
	ck_assert_str_eq(sdp->media[0].codecs[0].name, parse_rows[_i].name0);
	const struct sip_sdp_media *last = &sdp->media[sdp->n_media - 1];
	ck_assert_str_eq(last->codecs[last->n_codecs - 1].name, parse_rows[_i].last_codec);
	ck_assert_int_eq(sip_sdp_media_dir(sdp, 0), SIP_SDP_SENDRECV);
	ck_assert(!sip_sdp_is_hold(sdp));
	sip_sdp_free(sdp);
	g_bytes_unref(body);
}
END_TEST

START_TEST(test_parse_fields)
{
	/* given a body with every modelled attribute, LF-only line ends and no final newline */
	const char *text = "v=0\n"
			   "o=2001 42 7 IN IP4 10.0.0.2\n"
			   "s=call\n"
			   "c=IN IP4 224.2.1.1/127\n"
			   "t=0 0\n"
			   "a=recvonly\n"
			   "m=audio 30000/2 RTP/AVP 18 101\n"
			   "a=rtpmap:101 telephone-event/8000\n"
			   "a=fmtp:101 0-15\n"
			   "a=fmtp:18 annexb=no\n"
			   "a=ptime:30\n"
			   "a=x-unknown:whatever\n"
			   "a=sendrecv\n"
			   "m=video 0 RTP/AVP 96\n"
			   "a=rtpmap:96 H264/90000/1";
	/* when parsed */
	struct sip_sdp *sdp = parse_ok(text);

	/* then */
	ck_assert_uint_eq(sdp->sess_id, 42);
	ck_assert_str_eq(sdp->addr, "224.2.1.1");    /* TTL dropped */
	ck_assert_str_eq(sdp->media[0].codecs[0].name, "G729");    /* static 18 */
	ck_assert_str_eq(sdp->media[0].codecs[0].fmtp, "annexb=no");
	ck_assert_str_eq(sdp->media[0].codecs[1].name, "telephone-event");
	ck_assert_str_eq(sdp->media[0].codecs[1].fmtp, "0-15");
	ck_assert_uint_eq(sdp->media[0].ptime, 30);
	ck_assert_uint_eq(sdp->media[0].port, 30000);
	ck_assert_int_eq(sip_sdp_media_dir(sdp, 0), SIP_SDP_SENDRECV);    /* media overrides */
	ck_assert_int_eq(sip_sdp_media_dir(sdp, 1), SIP_SDP_RECVONLY);    /* session level */
	ck_assert_int_eq(sdp->media[1].type, SIP_SDP_MEDIA_VIDEO);
	ck_assert_uint_eq(sdp->media[1].codecs[0].clock, 90000);
	ck_assert_uint_eq(sdp->media[1].codecs[0].channels, 1);
	ck_assert_int_eq(sip_sdp_first_audio(sdp), 0);
	sip_sdp_free(sdp);
}
END_TEST

/* --- garbage ---------------------------------------------------------------------------------- */

#define HEAD "v=0\r\no=a 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"

static const struct {
	const char *text;
	const char *reason;      /* substring of the reason */
} bad_rows[] = {
	{ "", "empty description" },
	{ "hello world", "line 1: not a <type>=<value> line" },
	{ "v=1\r\n", "v=0" },                                          /* wrong version */
	{ "v=0\r\ns=-\r\n", "line 2: o= must follow v=" },
	{ "v=0\r\no=a 1 1 IN IP4 h\r\nt=0 0\r\n", "s= must follow o=" },
	{ "v=0\r\no=a 1 IN IP4 h\r\ns=-\r\nt=0 0\r\n", "o= needs 6 fields" },
	{ "v=0\r\no=a x 1 IN IP4 h\r\ns=-\r\nt=0 0\r\n", "not a number" },
	{ "v=0\r\no=a 1 1 IN IP4 h\r\ns=-\r\n", "missing t=" },
	{ HEAD "m=audio 70000 RTP/AVP 0\r\n", "line 6: m= port" },     /* port > 65535 */
	{ HEAD "m=audio 5000 RTP/AVP 128\r\n", "0..127" },
	{ HEAD "m=audio 5000 RTP/AVP\r\n", "no format" },
	{ HEAD "m=audio 5000 RTP/AVP 0 0\r\n", "twice" },
	{ HEAD "m=audio 5000 RTP/AVP 0\r\ns=again\r\n", "not allowed after m=" },
	{ HEAD "q=1\r\n", "unknown line type q=" },                   /* RFC 4566 5 */
	{ HEAD "m=audio 5000 RTP/AVP 0\r\na=rtpmap:x PCMU/8000\r\n", "a=rtpmap payload" },
	{ HEAD "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/abc\r\n", "clock rate" },
	{ HEAD "m=audio 5000 RTP/AVP 0\r\na=ptime:0\r\n", "a=ptime" },
	{ HEAD "m=audio 5000 RTP/AVP 0\r\na=sendonly:x\r\n", "takes no value" },
	{ HEAD "m=audio 5000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 key\r\n", "inline" },
	{ HEAD "m=audio 5000 RTP/SAVP 0\r\na=crypto:1234567890 S inline:k\r\n", "tag" },
	{ HEAD "c=IN IP4 1.2.3.4\r\n", "second session-level c=" },
	{ HEAD "m=audio 5000 RTP/AVP 0\r\nc=IN IPX 1.2.3.4\r\n", "IP4 or IP6" },
	{ "v=0\r\no=a 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n",
	  "no c= address" },
	{ HEAD "\r\nm=audio 5000 RTP/AVP 0\r\n", "blank line inside" },
	{ HEAD "a=tool:x\001y\r\n", "control character" },
};

START_TEST(test_parse_rejects)
{
	/* given a malformed description */
	struct sip_sdp *sdp = NULL;
	char reason[128] = "";

	/* when parsed */
	int err = sip_sdp_parse(&sdp, bad_rows[_i].text, strlen(bad_rows[_i].text), reason,
				sizeof(reason));

	/* then it is EBADMSG with a reason naming the problem, and nothing is allocated */
	ck_assert_int_eq(err, EBADMSG);
	ck_assert_ptr_null(sdp);
	ck_assert_msg(strstr(reason, bad_rows[_i].reason), "row %d: reason '%s'", _i, reason);
}
END_TEST

START_TEST(test_parse_no_nul_needed)
{
	/* given a valid body followed, in the same buffer, by garbage the length excludes */
	const char *buf = HEAD "m=audio 5000 RTP/AVP 0\r\nGARBAGE";
	size_t len = strlen(buf) - strlen("GARBAGE");
	struct sip_sdp *sdp = NULL;

	/* when only len bytes are parsed, then it is fine */
	ck_assert_int_eq(sip_sdp_parse(&sdp, buf, len, NULL, 0), 0);
	ck_assert_uint_eq(sdp->n_media, 1);
	sip_sdp_free(sdp);
	/* and the whole buffer is not */
	ck_assert_int_eq(sip_sdp_parse(&sdp, buf, strlen(buf), NULL, 0), EBADMSG);
}
END_TEST

/* --- build and round trip --------------------------------------------------------------------- */

static const char *const phone_codecs[] = { "G.711u", "G.711a", "G.729" };

/* A phone profile used by several tests. */
static struct sip_sdp_profile phone(void)
{
	return (struct sip_sdp_profile){
		.user = "2001", .sess_id = 5551, .sess_version = 1, .addr = "10.0.0.2",
		.audio_port = 30000, .codecs = phone_codecs, .n_codecs = 3,
		.telephone_event = true, .ptime = 20, .dir = SIP_SDP_SENDRECV,
	};
}

START_TEST(test_offer_build_exact)
{
	/* given a phone profile */
	struct sip_sdp_profile p = phone();
	struct sip_sdp *offer = NULL;

	/* when an offer is built */
	ck_assert_int_eq(sip_sdp_offer(&offer, &p), 0);
	gchar *text = build_ok(offer);

	/* then it is exactly this text (hand-written from RFC 4566 and RFC 4733) */
	ck_assert_str_eq(text, "v=0\r\n"
			       "o=2001 5551 1 IN IP4 10.0.0.2\r\n"
			       "s=-\r\n"
			       "c=IN IP4 10.0.0.2\r\n"
			       "t=0 0\r\n"
			       "m=audio 30000 RTP/AVP 0 8 18 101\r\n"
			       "a=rtpmap:0 PCMU/8000\r\n"
			       "a=rtpmap:8 PCMA/8000\r\n"
			       "a=rtpmap:18 G729/8000\r\n"
			       "a=rtpmap:101 telephone-event/8000\r\n"
			       "a=fmtp:101 0-15\r\n"
			       "a=ptime:20\r\n"
			       "a=sendrecv\r\n");
	/* and parsing then building it gives the same bytes */
	struct sip_sdp *back = parse_ok(text);
	gchar *again = build_ok(back);
	ck_assert_str_eq(again, text);
	g_free(again);
	sip_sdp_free(back);
	g_free(text);
	sip_sdp_free(offer);
}
END_TEST

START_TEST(test_roundtrip_files)
{
	/* given each RFC body, parsed and built */
	GBytes *body = read_body(parse_rows[_i].file, parse_rows[_i].sip_body);
	struct sip_sdp *a = NULL, *b = NULL;
	ck_assert_int_eq(sip_sdp_parse_bytes(&a, body, NULL, 0), 0);
	gchar *t1 = build_ok(a);

	/* when the built text is parsed and built again */
	ck_assert_int_eq(sip_sdp_parse(&b, t1, strlen(t1), NULL, 0), 0);
	gchar *t2 = build_ok(b);

	/* then the text is stable and the media survive */
	ck_assert_str_eq(t1, t2);
	ck_assert_uint_eq(a->n_media, b->n_media);
	ck_assert_uint_eq(a->sess_version, b->sess_version);
	for (size_t i = 0; i < a->n_media; i++) {
		gchar *fa = fmts(a, i), *fb = fmts(b, i);
		ck_assert_str_eq(fa, fb);
		ck_assert_uint_eq(a->media[i].port, b->media[i].port);
		g_free(fa);
		g_free(fb);
	}
	g_free(t1);
	g_free(t2);
	sip_sdp_free(a);
	sip_sdp_free(b);
	g_bytes_unref(body);
}
END_TEST

START_TEST(test_build_rejects_bad_fields)
{
	/* given a valid offer */
	struct sip_sdp_profile p = phone();
	struct sip_sdp *offer = NULL;
	ck_assert_int_eq(sip_sdp_offer(&offer, &p), 0);
	GString *out = g_string_new("keep");

	/* when a field would inject a line, then build refuses and leaves out alone */
	g_strlcpy(offer->name, "x\r\na=inactive", sizeof(offer->name));
	ck_assert_int_eq(sip_sdp_build(offer, out), EINVAL);
	ck_assert_str_eq(out->str, "keep");
	g_strlcpy(offer->name, "ok", sizeof(offer->name));
	g_strlcpy(offer->o_user, "two words", sizeof(offer->o_user));
	ck_assert_int_eq(sip_sdp_build(offer, out), EINVAL);
	g_strlcpy(offer->o_user, "2001", sizeof(offer->o_user));
	offer->media[0].n_codecs = 0;
	ck_assert_int_eq(sip_sdp_build(offer, out), EINVAL);
	ck_assert_str_eq(out->str, "keep");
	g_string_free(out, TRUE);
	sip_sdp_free(offer);
}
END_TEST

START_TEST(test_version_increments)
{
	/* given an offer at version 1 */
	struct sip_sdp_profile p = phone();
	struct sip_sdp *offer = NULL;
	ck_assert_int_eq(sip_sdp_offer(&offer, &p), 0);

	/* when two new offers are made in the session (RFC 3264 8) */
	sip_sdp_next_version(offer);
	sip_sdp_next_version(offer);
	gchar *text = build_ok(offer);

	/* then o= keeps user and id and shows version 3 */
	ck_assert_ptr_nonnull(strstr(text, "o=2001 5551 3 IN IP4 10.0.0.2\r\n"));
	g_free(text);
	sip_sdp_free(offer);
}
END_TEST

/* --- codec names ------------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int pt;
	const char *enc;
} codec_rows[] = {
	{ "G.711u", 0, "PCMU" },  { "PCMU", 0, "PCMU" },   { "g711 u-law", 0, "PCMU" },
	{ "G.711a", 8, "PCMA" },  { "pcma", 8, "PCMA" },   { "G.729", 18, "G729" },
	{ "G729a", 18, "G729" },  { "G.723.1", 4, "G723" }, { "G.722", 9, "G722" },
	{ "RFC2833", 101, "telephone-event" },              { "H.264", 96, "H264" },
};

START_TEST(test_codec_lookup)
{
	struct sip_sdp_codec c;

	/* when a profile spelling is looked up, then it maps to the RTP encoding */
	ck_assert_int_eq(sip_sdp_codec_lookup(codec_rows[_i].name, &c), 0);
	ck_assert_int_eq(c.pt, codec_rows[_i].pt);
	ck_assert_str_eq(c.name, codec_rows[_i].enc);
}
END_TEST

START_TEST(test_codec_lookup_unknown)
{
	struct sip_sdp_codec c;

	ck_assert_int_eq(sip_sdp_codec_lookup("Opus-ish", &c), ENOENT);
	ck_assert_int_eq(sip_sdp_codec_lookup(NULL, &c), EINVAL);
}
END_TEST

/* --- offer/answer: codecs --------------------------------------------------------------------- */

static const struct {
	const char *offer_m;       /* offered audio m= formats, with rtpmaps for dynamic ones */
	const char *local[4];      /* answerer's codec list, preference order */
	bool te;                   /* answerer accepts telephone-event */
	const char *expect;        /* answer's formats */
	unsigned port;             /* answer's port (0 = rejected) */
} oa_rows[] = {
	/* offerer's order kept even though the answerer prefers G.729 (RFC 3264 6.1) */
	{ "m=audio 5000 RTP/AVP 0 8 18\r\n", { "G.729", "G.711u" }, false, "0 18", 30000 },
	/* telephone-event follows the codecs, with the offerer's payload type 96 */
	{ "m=audio 5000 RTP/AVP 8 96\r\na=rtpmap:96 telephone-event/8000\r\n",
	  { "G.711a" }, true, "8 96", 30000 },
	/* telephone-event offered but not wanted */
	{ "m=audio 5000 RTP/AVP 8 96\r\na=rtpmap:96 telephone-event/8000\r\n",
	  { "G.711a" }, false, "8", 30000 },
	/* only telephone-event in common: no codec, stream rejected with the offer's formats */
	{ "m=audio 5000 RTP/AVP 18 101\r\na=rtpmap:101 telephone-event/8000\r\n",
	  { "G.711u" }, true, "18 101", 0 },
	/* dynamic PCMU by rtpmap matches by name and rate */
	{ "m=audio 5000 RTP/AVP 120\r\na=rtpmap:120 pcmu/8000\r\n", { "G.711u" }, false, "120",
	  30000 },
	/* same name, other rate: no match */
	{ "m=audio 5000 RTP/AVP 97\r\na=rtpmap:97 G722/16000\r\n", { "G.722" }, false, "97", 0 },
	/* offered stream disabled (port 0): answered with port 0 */
	{ "m=audio 0 RTP/AVP 0\r\n", { "G.711u" }, false, "0", 0 },
	/* SRTP offered to a phone without a key: rejected */
	{ "m=audio 5000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abcd\r\n",
	  { "G.711u" }, false, "0", 0 },
};

START_TEST(test_answer_codecs)
{
	/* given an offer and a local codec list */
	gchar *text = g_strconcat(HEAD, oa_rows[_i].offer_m, NULL);
	struct sip_sdp *offer = parse_ok(text);
	size_t n = 0;
	while (n < 4 && oa_rows[_i].local[n])
		n++;
	struct sip_sdp_profile p = phone();
	p.codecs = oa_rows[_i].local;
	p.n_codecs = n;
	p.telephone_event = oa_rows[_i].te;
	struct sip_sdp *answer = NULL;

	/* when answered */
	ck_assert_int_eq(sip_sdp_answer(&answer, offer, &p), 0);

	/* then formats and port are as expected, and the answer builds and parses */
	gchar *f = fmts(answer, 0);
	ck_assert_str_eq(f, oa_rows[_i].expect);
	ck_assert_uint_eq(answer->media[0].port, oa_rows[_i].port);
	ck_assert_int_eq(sip_sdp_first_audio(answer), oa_rows[_i].port ? 0 : -1);
	gchar *built = build_ok(answer);
	sip_sdp_free(parse_ok(built));
	g_free(built);
	g_free(f);
	sip_sdp_free(answer);
	sip_sdp_free(offer);
	g_free(text);
}
END_TEST

START_TEST(test_answer_rfc4317)
{
	/* given RFC 4317 2.1's offer (PCMU, PCMA, iLBC; H261, MPV video) */
	GBytes *body = read_body("tests/data/sdp/rfc4317-2.1-offer.sdp", false);
	struct sip_sdp *offer = NULL, *answer = NULL;
	ck_assert_int_eq(sip_sdp_parse_bytes(&offer, body, NULL, 0), 0);
	static const char *const pcmu[] = { "PCMU" };
	struct sip_sdp_profile p = phone();
	p.codecs = pcmu;
	p.n_codecs = 1;
	p.telephone_event = false;
	p.ptime = 0;
	p.audio_port = 49174;

	/* when a PCMU-only phone without video answers */
	ck_assert_int_eq(sip_sdp_answer(&answer, offer, &p), 0);
	gchar *text = build_ok(answer);

	/* then audio is RFC 4317's answer line and video is rejected with port 0 (RFC 3264 6) */
	ck_assert_ptr_nonnull(strstr(text, "\r\nm=audio 49174 RTP/AVP 0\r\n"
					   "a=rtpmap:0 PCMU/8000\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "\r\nm=video 0 RTP/AVP 31 32\r\n"));
	ck_assert_uint_eq(answer->n_media, 2);
	g_free(text);
	sip_sdp_free(answer);
	sip_sdp_free(offer);
	g_bytes_unref(body);
}
END_TEST

START_TEST(test_answer_video_and_other)
{
	/* given an offer with audio, H.264 video and a T.38 image stream */
	struct sip_sdp *offer = parse_ok(HEAD "m=audio 5000 RTP/AVP 0\r\n"
					      "m=video 5002 RTP/AVP 99\r\n"
					      "a=rtpmap:99 H264/90000\r\n"
					      "a=fmtp:99 profile-level-id=42e01f\r\n"
					      "m=image 5004 udptl t38\r\n");
	struct sip_sdp_profile p = phone();
	struct sip_sdp *a1 = NULL, *a2 = NULL;

	/* when a phone without video answers, and one with video */
	ck_assert_int_eq(sip_sdp_answer(&a1, offer, &p), 0);
	p.video = true;
	p.video_port = 30002;
	ck_assert_int_eq(sip_sdp_answer(&a2, offer, &p), 0);

	/* then video is rejected by the first, accepted by the second with the offer's pt and
	 * fmtp, and T.38 is rejected by both (port 0, format kept) */
	ck_assert_uint_eq(a1->media[1].port, 0);
	ck_assert_uint_eq(a2->media[1].port, 30002);
	ck_assert_int_eq(a2->media[1].codecs[0].pt, 99);
	ck_assert_str_eq(a2->media[1].codecs[0].fmtp, "profile-level-id=42e01f");
	ck_assert_uint_eq(a1->media[2].port, 0);
	ck_assert_uint_eq(a2->media[2].port, 0);
	ck_assert_str_eq(a2->media[2].codecs[0].name, "t38");
	gchar *t = build_ok(a2);
	ck_assert_ptr_nonnull(strstr(t, "m=image 0 udptl t38\r\n"));
	g_free(t);
	sip_sdp_free(a1);
	sip_sdp_free(a2);
	sip_sdp_free(offer);
}
END_TEST

/* --- offer/answer: directions ----------------------------------------------------------------- */

/* RFC 3264 6.1, all 16 combinations: answer = (offered reversed) narrowed by local wish */
static const enum sip_sdp_dir dir_table[4][4] = {
	/* local:          INACTIVE          SENDONLY          RECVONLY          SENDRECV */
	/* INACTIVE */ { SIP_SDP_INACTIVE, SIP_SDP_INACTIVE, SIP_SDP_INACTIVE, SIP_SDP_INACTIVE },
	/* SENDONLY */ { SIP_SDP_INACTIVE, SIP_SDP_INACTIVE, SIP_SDP_RECVONLY, SIP_SDP_RECVONLY },
	/* RECVONLY */ { SIP_SDP_INACTIVE, SIP_SDP_SENDONLY, SIP_SDP_INACTIVE, SIP_SDP_SENDONLY },
	/* SENDRECV */ { SIP_SDP_INACTIVE, SIP_SDP_SENDONLY, SIP_SDP_RECVONLY, SIP_SDP_SENDRECV },
};

START_TEST(test_dir_answer)
{
	enum sip_sdp_dir offered = (enum sip_sdp_dir)(_i / 4), local = (enum sip_sdp_dir)(_i % 4);

	/* when an offered direction is answered by a side that wants local */
	ck_assert_int_eq(sip_sdp_dir_answer(offered, local), dir_table[offered][local]);
}
END_TEST

static const struct {
	const char *attr;        /* direction line(s) of the offer, "" = none */
	const char *conn;        /* c= address */
	enum sip_sdp_dir answer; /* answer of a sendrecv phone */
	bool hold;               /* sip_sdp_is_hold(offer) */
} hold_rows[] = {
	{ "", "10.0.0.9", SIP_SDP_SENDRECV, false },                /* implicit sendrecv */
	{ "a=sendrecv\r\n", "10.0.0.9", SIP_SDP_SENDRECV, false },
	{ "a=sendonly\r\n", "10.0.0.9", SIP_SDP_RECVONLY, true },   /* RFC 5359 2.1 F10/F12 */
	{ "a=inactive\r\n", "10.0.0.9", SIP_SDP_INACTIVE, true },
	{ "a=recvonly\r\n", "10.0.0.9", SIP_SDP_SENDONLY, false },
	{ "", "0.0.0.0", SIP_SDP_RECVONLY, true },                  /* RFC 2543 hold */
	{ "a=inactive\r\n", "0.0.0.0", SIP_SDP_INACTIVE, true },
};

START_TEST(test_hold_and_answer_dir)
{
	/* given an offer with a direction attribute and connection address */
	gchar *text = g_strdup_printf("v=0\r\no=a 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
				      "m=audio 5000 RTP/AVP 0\r\n%s", hold_rows[_i].conn,
				      hold_rows[_i].attr);
	struct sip_sdp *offer = parse_ok(text), *answer = NULL;
	struct sip_sdp_profile p = phone();

	/* when checked for hold and answered by a sendrecv phone */
	ck_assert_int_eq(sip_sdp_is_hold(offer), hold_rows[_i].hold);
	ck_assert_int_eq(sip_sdp_answer(&answer, offer, &p), 0);

	/* then the answer's direction follows RFC 3264 6.1 */
	ck_assert_int_eq(sip_sdp_media_dir(answer, 0), hold_rows[_i].answer);
	ck_assert_uint_eq(answer->media[0].port, 30000);
	sip_sdp_free(answer);
	sip_sdp_free(offer);
	g_free(text);
}
END_TEST

START_TEST(test_answer_local_hold)
{
	/* given a sendrecv offer and a phone that wants to hold (sendonly) */
	struct sip_sdp *offer = parse_ok(HEAD "m=audio 5000 RTP/AVP 0\r\n"), *answer = NULL;
	struct sip_sdp_profile p = phone();
	p.dir = SIP_SDP_SENDONLY;

	/* when answered, then the answer narrows to sendonly and reads as hold */
	ck_assert_int_eq(sip_sdp_answer(&answer, offer, &p), 0);
	ck_assert_int_eq(sip_sdp_media_dir(answer, 0), SIP_SDP_SENDONLY);
	ck_assert(sip_sdp_is_hold(answer));
	sip_sdp_free(answer);
	sip_sdp_free(offer);
}
END_TEST

/* --- a=crypto ------------------------------------------------------------------------------- */

START_TEST(test_crypto_parse_build)
{
	/* given RFC 4568 section 3's example offer lines */
	const char *text = HEAD "m=audio 49170 RTP/SAVP 0\r\n"
				"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
				"inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n"
				"a=crypto:2 AES_CM_128_HMAC_SHA1_32 "
				"inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32"
				" KDR=1\r\n";
	struct sip_sdp *offer = parse_ok(text), *answer = NULL;

	/* then both lines are kept, session parameters included */
	const struct sip_sdp_media *m = &offer->media[0];
	ck_assert_uint_eq(m->n_crypto, 2);
	ck_assert_uint_eq(m->crypto[1].tag, 2);
	ck_assert_str_eq(m->crypto[1].suite, "AES_CM_128_HMAC_SHA1_32");
	ck_assert_str_eq(m->crypto[0].key_params,
			 "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32");
	ck_assert_str_eq(m->crypto[1].session_params, "KDR=1");
	/* and they build back byte for byte */
	gchar *built = build_ok(offer);
	ck_assert_ptr_nonnull(strstr(built, "a=crypto:2 AES_CM_128_HMAC_SHA1_32 "
				     "inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32 "
				     "KDR=1\r\n"));
	/* when a phone with an SRTP key answers, then it echoes tag 1 with its own key
	 * (RFC 4568 7.1.2) over RTP/SAVP */
	struct sip_sdp_profile p = phone();
	p.srtp_key = "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj";
	ck_assert_int_eq(sip_sdp_answer(&answer, offer, &p), 0);
	gchar *atext = build_ok(answer);
	ck_assert_ptr_nonnull(strstr(atext, "m=audio 30000 RTP/SAVP 0\r\n"));
	ck_assert_ptr_nonnull(strstr(atext, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
				     "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj\r\n"));
	g_free(atext);
	g_free(built);
	sip_sdp_free(answer);
	sip_sdp_free(offer);
}
END_TEST

START_TEST(test_offer_srtp_video)
{
	/* given a phone with SRTP and video */
	struct sip_sdp_profile p = phone();
	p.srtp_key = "KEY";
	p.video = true;
	p.video_port = 30002;
	struct sip_sdp *offer = NULL;

	/* when an offer is built, then both streams use RTP/SAVP with a=crypto:1 */
	ck_assert_int_eq(sip_sdp_offer(&offer, &p), 0);
	gchar *t = build_ok(offer);
	ck_assert_ptr_nonnull(strstr(t, "m=audio 30000 RTP/SAVP 0 8 18 101\r\n"));
	ck_assert_ptr_nonnull(strstr(t, "m=video 30002 RTP/SAVP 96\r\na=rtpmap:96 H264/90000\r\n"
				     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY\r\n"));
	g_free(t);
	sip_sdp_free(offer);
	/* and an unknown codec name in the profile is EINVAL */
	static const char *const bad[] = { "G.711u", "Speex-ish" };
	p.codecs = bad;
	p.n_codecs = 2;
	ck_assert_int_eq(sip_sdp_offer(&offer, &p), EINVAL);
}
END_TEST

static Suite *sdp_suite(void)
{
	Suite *s = suite_create("sdp");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse_rfc_bodies, 0, G_N_ELEMENTS(parse_rows));
	tcase_add_test(tc, test_parse_fields);
	tcase_add_loop_test(tc, test_parse_rejects, 0, G_N_ELEMENTS(bad_rows));
	tcase_add_test(tc, test_parse_no_nul_needed);
	suite_add_tcase(s, tc);
	tc = tcase_create("build");
	tcase_add_test(tc, test_offer_build_exact);
	tcase_add_loop_test(tc, test_roundtrip_files, 0, G_N_ELEMENTS(parse_rows));
	tcase_add_test(tc, test_build_rejects_bad_fields);
	tcase_add_test(tc, test_version_increments);
	tcase_add_loop_test(tc, test_codec_lookup, 0, G_N_ELEMENTS(codec_rows));
	tcase_add_test(tc, test_codec_lookup_unknown);
	suite_add_tcase(s, tc);
	tc = tcase_create("offer_answer");
	tcase_add_loop_test(tc, test_answer_codecs, 0, G_N_ELEMENTS(oa_rows));
	tcase_add_test(tc, test_answer_rfc4317);
	tcase_add_test(tc, test_answer_video_and_other);
	tcase_add_loop_test(tc, test_dir_answer, 0, 16);
	tcase_add_loop_test(tc, test_hold_and_answer_dir, 0, G_N_ELEMENTS(hold_rows));
	tcase_add_test(tc, test_answer_local_hold);
	tcase_add_test(tc, test_crypto_parse_build);
	tcase_add_test(tc, test_offer_srtp_video);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sdp_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
