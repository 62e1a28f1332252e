/*
 * fuzz_sip.c - fuzz target for the SIP message layer (models/sip/msg.c and its value parsers,
 * build.c): every input is parsed as one datagram, lax and strict, and framed as stream bytes.
 *
 * Properties that must hold for every input (a violation aborts so the fuzzer reports it):
 *   1. the parser answers 0, EBADMSG, EPROTO or ENODATA, and strict-ok implies lax-ok;
 *   2. stream framing answers 0, ENODATA or EBADMSG, and a frame never exceeds the input;
 *   3. every accessor of a parsed message can be walked (under ASan: no read outside the buffer),
 *      and a URI equals itself (RFC 3261 19.1.4 is reflexive);
 *   4. a strictly valid message rebuilt with the builder from its start line, header lines and
 *      body parses strictly again ("relints" ok) with the same method or status, Request-URI,
 *      Call-ID, CSeq, tags and top branch;
 *   5. for a strictly valid request, a reply (and for an INVITE, its CANCEL) builds and parses.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "models/sip/build.h"
#include "models/sip/msg.h"
#include "tests/fuzz/fuzz.h"

/* Aborts unless cond holds: the fuzzer's signal that a property failed. */
static void must(bool cond)
{
	if (!cond)
		abort();
}

/* Walks a parameter list to its end (bounded by its length). */
static size_t walk_params(struct sip_pl params)
{
	const char *pos = params.p;
	struct sip_pl n;
	struct sip_pl v;
	size_t k = 0;

	while (sip_param_next(params, &pos, &n, &v)) {
		must(n.p >= params.p && n.p + n.l <= params.p + params.l);
		must(++k <= params.l + 1);
	}
	return k;
}

/* Checks a URI: its parts lie inside it, it equals itself, its escapes decode. */
static void walk_uri(const struct sip_uri *u)
{
	char *d;

	must(sip_uri_cmp(u, u));
	walk_params(u->params);
	d = sip_uri_unescape(u->user, NULL);
	g_free(d);
	(void)sip_uri_port(u);
}

/* Calls every accessor of a parsed message. */
static void walk(const struct sip_msg *m)
{
	struct sip_hdr_iter it;
	struct sip_pl v;
	struct sip_addr a;
	size_t i;
	int h;

	(void)sip_msg_raw(m);
	(void)sip_msg_bytes(m);
	(void)sip_msg_version(m);
	(void)sip_msg_method_name(m);
	(void)sip_msg_reason(m);
	if (sip_msg_is_request(m))
		walk_uri(sip_msg_ruri(m));
	walk_uri(&sip_msg_from(m)->uri);
	walk_uri(&sip_msg_to(m)->uri);
	walk_params(sip_msg_from(m)->params);
	(void)sip_msg_callid(m);
	(void)sip_msg_cseq(m)->num;
	for (i = 0; i < sip_msg_via_count(m); i++) {
		const struct sip_via *via = sip_msg_via_at(m, i);

		walk_params(via->params);
		(void)sip_via_branch_is_rfc3261(via);
	}
	must(sip_msg_via_at(m, sip_msg_via_count(m)) == NULL);
	(void)sip_msg_max_forwards(m);
	(void)sip_msg_expires(m);
	(void)sip_msg_content_length(m);
	(void)sip_msg_content_type(m);
	(void)sip_msg_body(m);
	for (i = 0; i < sip_msg_contact_count(m); i++) {
		if (sip_msg_contact_at(m, i, &a) == 0) {
			(void)sip_msg_contact_expires(m, &a, 3600);
			if (!a.wildcard)
				walk_uri(&a.uri);
		}
	}
	for (h = 0; h < SIP_HDR_COUNT_; h++) {
		size_t n = 0;

		sip_hdr_iter_init(&it, m, (enum sip_hdr)h);
		while (sip_hdr_iter_next(&it, &v)) {
			/* routes and the like decode or fail cleanly */
			if (h == SIP_HDR_ROUTE || h == SIP_HDR_RECORD_ROUTE)
				(void)sip_addr_decode(&a, v);
			must(++n <= sip_msg_raw(m).l + 1);
		}
	}
	for (i = 0; i < sip_msg_hdr_lines(m); i++) {
		enum sip_hdr id;
		struct sip_pl name;

		sip_msg_hdr_line(m, i, &id, &name, &v);
		if (id == SIP_HDR_OTHER) {
			char *nm = sip_pl_dup(name);

			(void)sip_msg_hdr_by_name(m, nm);
			g_free(nm);
		}
	}
}


/* Property 4: the rebuilt message is strictly valid with the same key values. */
static void check_rebuilt(const struct sip_msg *m)
{
	GBytes *out = sip_build_copy(m);
	struct sip_msg *m2 = NULL;

	if (!out)
		return;
	must(sip_msg_parse_ex(&m2, out, SIP_PARSE_STRICT, NULL, 0) == 0);
	must(sip_msg_is_request(m) == sip_msg_is_request(m2));
	must(sip_msg_status(m) == sip_msg_status(m2));
	must(sip_pl_eq(sip_msg_method_name(m), sip_msg_method_name(m2)));
	if (sip_msg_is_request(m))
		must(sip_pl_eq(sip_msg_ruri(m)->raw, sip_msg_ruri(m2)->raw));
	must(sip_pl_eq(sip_msg_callid(m), sip_msg_callid(m2)));
	must(sip_msg_cseq(m)->num == sip_msg_cseq(m2)->num);
	must(sip_pl_eq(sip_msg_from(m)->tag, sip_msg_from(m2)->tag));
	must(sip_pl_eq(sip_msg_to(m)->tag, sip_msg_to(m2)->tag));
	must(sip_pl_eq(sip_msg_via(m)->branch, sip_msg_via(m2)->branch));
	must(sip_pl_eq(sip_msg_body(m), sip_msg_body(m2)));
	sip_msg_unref(m2);
	g_bytes_unref(out);
}

/* Property 5: a reply, and the CANCEL of an INVITE, build and parse. */
static void check_derived(const struct sip_msg *m)
{
	struct sip_build *b;
	struct sip_msg *r = NULL;
	GBytes *out;

	if (!sip_msg_is_request(m))
		return;
	b = sip_build_reply(m, 180, NULL, "f00d");
	must(b != NULL);
	out = sip_build_finish(b, NULL, NULL, 0);
	must(sip_msg_parse_ex(&r, out, SIP_PARSE_STRICT, NULL, 0) == 0);
	must(sip_msg_status(r) == 180);
	must(sip_pl_eq(sip_msg_callid(m), sip_msg_callid(r)));
	must(sip_msg_via_count(m) == sip_msg_via_count(r));
	sip_msg_unref(r);
	g_bytes_unref(out);
	if (sip_msg_method(m) == SIP_METHOD_INVITE) {
		out = sip_build_cancel(m);
		must(out != NULL);
		must(sip_msg_parse_ex(&r, out, SIP_PARSE_STRICT, NULL, 0) == 0);
		must(sip_msg_method(r) == SIP_METHOD_CANCEL);
		must(sip_pl_eq(sip_msg_via(m)->branch, sip_msg_via(r)->branch));
		sip_msg_unref(r);
		g_bytes_unref(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, not NUL-terminated, so any over-read is caught */
	GBytes *buf = g_bytes_new(data, size);
	struct sip_msg *lax = NULL;
	struct sip_msg *strict = NULL;
	char why[160];
	size_t framed = 0;
	int rl;
	int rs;
	int rf;

	/* A GLib critical is a misuse of our API that the fuzzer must report, not log. */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

	rl = sip_msg_parse_ex(&lax, buf, SIP_PARSE_KEEP_BAD, why, sizeof(why));
	must(rl == 0 || rl == EBADMSG || rl == EPROTO || rl == ENODATA);
	rs = sip_msg_parse_ex(&strict, buf, SIP_PARSE_STRICT, why, sizeof(why));
	must(rs == 0 || rs == EBADMSG || rs == EPROTO || rs == ENODATA);
	must(rs != 0 || rl == 0);
	must((rs == 0) == (strict != NULL));
	if (lax)
		walk(lax);      /* also the messages kept despite an error (KEEP_BAD) */
	if (strict) {
		walk(strict);
		/* a rebuilt message or a reply may carry a line or two more than the original:
		 * keep clear of the header-count limit */
		if (sip_msg_hdr_lines(strict) + 8 < SIP_MSG_MAX_HEADERS) {
			check_rebuilt(strict);
			check_derived(strict);
		}
	}
	rf = sip_msg_frame(data, size, &framed);
	must(rf == 0 || rf == ENODATA || rf == EBADMSG);
	must(rf != 0 || framed <= size);
	sip_msg_unref(strict);
	sip_msg_unref(lax);
	g_bytes_unref(buf);
	return 0;
}
