/*
 * check_sipmsg.c - tests of the SIP message layer (models/sip/msg.c and its value parsers):
 * the RFC 4475 torture vectors as a table (verdict and the values the RFC names), header lookup
 * and iteration, URIs and escapes, scalar bounds, stream framing, robustness on truncated and
 * mutated input, and the builder (requests, replies, ACK, CANCEL, identifiers).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <gsl/gsl_rng.h>

#include "models/sip/build.h"
#include "models/sip/msg.h"

#define VEC(name) TOP_SRCDIR "/tests/data/rfc4475/" name
#define LINT(name) TOP_SRCDIR "/tests/data/lint/" name

/* Reads a test vector into a GBytes (aborts the test if it is missing). */
static GBytes *load(const char *path)
{
	gchar *data = NULL;
	gsize len = 0;

	ck_assert_msg(g_file_get_contents(path, &data, &len, NULL), "cannot read %s", path);
	return g_bytes_new_take(data, len);
}

/* Parses a vector that must be valid. */
static struct sip_msg *parse_ok(const char *path)
{
	GBytes *b = load(path);
	struct sip_msg *m = NULL;
	char why[160] = "";
	int rc = sip_msg_parse_ex(&m, b, SIP_PARSE_STRICT, why, sizeof(why));

	g_bytes_unref(b);
	ck_assert_msg(rc == 0, "%s: %d %s", path, rc, why);
	ck_assert_ptr_nonnull(m);
	return m;
}

/* Parses a C string. */
static int parse_str(const char *s, struct sip_msg **m, char *why, size_t n)
{
	GBytes *b = g_bytes_new(s, strlen(s));
	int rc = sip_msg_parse_ex(m, b, SIP_PARSE_STRICT, why, n);

	g_bytes_unref(b);
	return rc;
}

/* Slice equals a C string (with a readable failure). */
#define ck_assert_pl(pl, s) do { \
	struct sip_pl pl_ = (pl); \
	ck_assert_msg(sip_pl_eq_str(pl_, (s)), "'%.*s' != '%s'", (int)pl_.l, \
		      pl_.p ? pl_.p : "(null)", (s)); \
} while (0)

/* ---------------------------------------------------------------- RFC 4475 table */

struct vec {
	const char *file;
	int rc;                 /* expected sip_msg_parse result */
	const char *what;       /* method (requests) or status code (responses) when ok */
	const char *reason;     /* a substring of the reason when not ok */
};

/* Every vector of tests/data/rfc4475 with the verdict RFC 4475 asks for. */
static const struct vec vectors[] = {
	/* 3.1.1 valid messages: each must parse */
	{ "wsinv.dat", 0, "INVITE", NULL },
	{ "intmeth.dat", 0, "!interesting-Method0123456789_*+`.%indeed'~", NULL },
	{ "esc01.dat", 0, "INVITE", NULL },
	{ "escnull.dat", 0, "REGISTER", NULL },
	/* 3.1.1.6: not valid by the RFC 3261 grammar, but the RFC says to accept it (spec bug) */
	{ "lwsdisp.dat", 0, "OPTIONS", NULL },
	/* 3.1.1.8: the trailing INVITE is noise beyond Content-Length: ignored */
	{ "dblreq.dat", 0, "REGISTER", NULL },
	{ "semiuri.dat", 0, "OPTIONS", NULL },
	{ "transports.dat", 0, "OPTIONS", NULL },
	{ "unreason.dat", 0, "200", NULL },
	/* 3.1.2 invalid messages: each is rejected with a reason */
	{ "badinv01.dat", EBADMSG, NULL, "Via" },
	/* 3.1.2.2: Content-Length 9999 in a datagram of 154 body octets: 400 on UDP */
	{ "clerr.dat", EBADMSG, NULL, "Content-Length larger" },
	{ "ncl.dat", EBADMSG, NULL, "Content-Length" },
	/* 3.1.2.4: CSeq, Max-Forwards, Expires and contact expires overlarge; CSeq comes first */
	{ "scalar02.dat", EBADMSG, NULL, "CSeq" },
	{ "quotbal.dat", EBADMSG, NULL, "unterminated quoted string" },
	{ "ltgtruri.dat", EBADMSG, NULL, "Request-URI enclosed in <>" },
	/* 3.1.2.9 and 3.1.2.10: the RFC lets an element be liberal; we follow the grammar and
	 * reject, since RFC 4475 lists them as invalid messages */
	{ "lwsstart.dat", EBADMSG, NULL, "more than one SP" },
	{ "trws.dat", EBADMSG, NULL, "whitespace at the end of the request line" },
	/* 3.1.2.12: Date in EST; rejected for the same reason (grammar says GMT) */
	{ "baddate.dat", EBADMSG, NULL, "Date" },
	{ "regbadct.dat", EBADMSG, NULL, "enclosed in <>" },
	/* 3.1.2.15: also has no empty line after the headers; the display name is found first */
	{ "baddn.dat", EBADMSG, NULL, "must be quoted" },
	/* 3.1.2.16: SIP/7.0 is well formed but unsupported: EPROTO so a server answers 505 */
	{ "badvers.dat", EPROTO, NULL, "unsupported SIP version SIP/7.0" },
	{ "mismatch01.dat", EBADMSG, NULL, "CSeq method does not match" },
	/* 3.2.1: branch "z9hG4bK" alone is a transaction-layer matter: parses */
	{ "badbranch.dat", 0, "OPTIONS", NULL },
	/* 3.3.1: no Call-ID, From, To: "ideally 400": the parser rejects it */
	{ "insuf.dat", EBADMSG, NULL, "missing mandatory header(s): From, To, Call-ID" },
	/* 3.3.2, 3.3.4: unknown schemes are an application matter (416 / registrar 400): parse */
	{ "unkscm.dat", 0, "OPTIONS", NULL },
	{ "unksm2.dat", 0, "REGISTER", NULL },
	/* 3.3.5, 3.3.6: unknown option tags (420) and body type (415): parse */
	{ "bext01.dat", 0, "OPTIONS", NULL },
	{ "invut.dat", 0, "INVITE", NULL },
	/* 3.3.8: several Call-ID/To/From/Max-Forwards/CSeq: 400 (RFC 3261 7.3.1) */
	{ "multi01.dat", EBADMSG, NULL, "more than one" },
	/* 3.3.9: Content-Length 13 and 5: the message cannot be framed: 400 */
	{ "mcl01.dat", EBADMSG, NULL, "Content-Length" },
	/* 3.3.10: broadcast sent-by is the transport's concern: parses */
	{ "bcast.dat", 0, "200", NULL },
	/* 3.3.12, 3.3.13: contact-param vs url-param: both parse */
	{ "cparam01.dat", 0, "REGISTER", NULL },
	{ "cparam02.dat", 0, "REGISTER", NULL },
	/* 3.3.15: Accept without application/sdp is for the UAS (406): parses */
	{ "sdp01.dat", 0, "INVITE", NULL },
};

/* Extra vectors (tests/data/lint/): the RFC 4475 messages not in the archive subset above,
 * written out from the RFC's text, and a multipart body. */
static const struct vec extra_vectors[] = {
	{ "esc02.dat", 0, "RE%47IST%45R", NULL },               /* 3.1.1.5 */
	{ "longreq.dat", 0, "INVITE", NULL },                   /* 3.1.1.7 */
	{ "mpart01.dat", 0, "MESSAGE", NULL },                  /* 3.1.1.11 in spirit */
	{ "noreason.dat", 0, "100", NULL },                     /* 3.1.1.13 */
	{ "scalarlg.dat", EBADMSG, NULL, "CSeq" },              /* 3.1.2.5 */
	{ "lwsruri.dat", EBADMSG, NULL, "whitespace in the Request-URI" },  /* 3.1.2.8 */
	{ "escruri.dat", EBADMSG, NULL, "Request-URI has headers" },        /* 3.1.2.11 */
	{ "badaspec.dat", EBADMSG, NULL, "whitespace inside <URI>" },       /* 3.1.2.14 */
	{ "mismatch02.dat", EBADMSG, NULL, "CSeq method does not match" },  /* 3.1.2.18 */
	{ "bigcode.dat", EBADMSG, NULL, "bad status code" },    /* 3.1.2.19 */
	{ "novelsc.dat", 0, "OPTIONS", NULL },                  /* 3.3.3 */
	{ "regaut01.dat", 0, "REGISTER", NULL },                /* 3.3.7 */
	{ "zeromf.dat", 0, "OPTIONS", NULL },                   /* 3.3.11 */
	{ "regescrt.dat", 0, "REGISTER", NULL },                /* 3.3.14 */
	{ "inv2543.dat", 0, "INVITE", NULL },                   /* 3.4.1 */
};

/* Messages that only SIP_PARSE_STRICT rejects: the fault is in a header outside the core set,
 * which a lax parse leaves for its accessor to find. */
static const char *const strict_only[] = {
	"baddate.dat",          /* Date */
	"regbadct.dat",         /* Contact */
};

/* Checks one table row: verdict, and the method or status, or the reason; then the lax parse. */
static void check_vec(const char *dir, const struct vec *v)
{
	char *path = g_build_filename(dir, v->file, NULL);
	GBytes *b = load(path);
	struct sip_msg *m = NULL;
	char why[160] = "";
	int rc = sip_msg_parse_ex(&m, b, SIP_PARSE_STRICT, why, sizeof(why));
	int lax_rc = v->rc;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(strict_only); i++) {
		if (strcmp(v->file, strict_only[i]) == 0)
			lax_rc = 0;
	}
	{
		struct sip_msg *lm = NULL;
		int lrc = sip_msg_parse_ex(&lm, b, 0, NULL, 0);

		ck_assert_msg(lrc == lax_rc, "%s: lax rc %d, expected %d", v->file, lrc, lax_rc);
		sip_msg_unref(lm);
	}

	ck_assert_msg(rc == v->rc, "%s: rc %d, expected %d (%s)", v->file, rc, v->rc, why);
	if (rc == 0) {
		char code[8];

		ck_assert_ptr_nonnull(m);
		if (sip_msg_is_request(m)) {
			ck_assert_pl(sip_msg_method_name(m), v->what);
		} else {
			g_snprintf(code, sizeof(code), "%u", (unsigned)sip_msg_status(m));
			ck_assert_str_eq(code, v->what);
		}
	} else {
		ck_assert_ptr_null(m);
		ck_assert_msg(strstr(why, v->reason), "%s: reason '%s' lacks '%s'", v->file, why,
			      v->reason);
	}
	sip_msg_unref(m);
	g_bytes_unref(b);
	g_free(path);
}

START_TEST(test_rfc4475_table)
{
	/* given a torture vector, when it is parsed, then the verdict is the RFC's */
	check_vec(TOP_SRCDIR "/tests/data/rfc4475", &vectors[_i]);
}
END_TEST

START_TEST(test_extra_table)
{
	check_vec(TOP_SRCDIR "/tests/data/lint", &extra_vectors[_i]);
}
END_TEST

/* ---------------------------------------------------------------- values of valid vectors */

START_TEST(test_wsinv_values)
{
	struct sip_msg *m = parse_ok(VEC("wsinv.dat"));
	const struct sip_uri *ru = sip_msg_ruri(m);
	const struct sip_addr *to = sip_msg_to(m);
	const struct sip_addr *from = sip_msg_from(m);
	const struct sip_via *v;
	struct sip_addr c;
	struct sip_pl pv;
	struct sip_hdr_iter it;

	/* request line */
	ck_assert(sip_msg_is_request(m));
	ck_assert_int_eq(sip_msg_method(m), SIP_METHOD_INVITE);
	ck_assert_int_eq(ru->scheme_id, SIP_URI_SIP);
	ck_assert_pl(ru->user, "vivekg");
	ck_assert_pl(ru->host, "chair-dnrc.example.com");
	ck_assert_pl(ru->params, "unknownparam");
	ck_assert_int_eq(sip_uri_port(ru), 5060);
	/* "TO :" folded, addr-spec with LWS around ';' and '=' */
	ck_assert(!to->angle);
	ck_assert_pl(to->uri.raw, "sip:vivekg@chair-dnrc.example.com");
	ck_assert_pl(to->tag, "1918181833n");
	/* quoted display name with escaped backslash and quote, tag after a folded ';' */
	ck_assert(from->quoted);
	ck_assert_pl(from->dname, "J Rosenberg \\\\\\\"");
	ck_assert_pl(from->uri.raw, "sip:jdrosen@example.com");
	ck_assert_pl(from->tag, "98asjd8");
	/* leading zeros, mixed case names, folded CSeq */
	ck_assert_int_eq(sip_msg_max_forwards(m), 68);
	ck_assert_pl(sip_msg_callid(m), "wsinv.ndaksdj@192.0.2.1");
	ck_assert_uint_eq(sip_msg_cseq(m)->num, 9);
	ck_assert_int_eq(sip_msg_cseq(m)->method, SIP_METHOD_INVITE);
	ck_assert_int_eq(sip_msg_content_length(m), 150);
	ck_assert_uint_eq(sip_msg_body(m).l, 150);
	ck_assert(memcmp(sip_msg_body(m).p, "v=0\r\n", 5) == 0);
	ck_assert_pl(sip_msg_content_type(m), "application/sdp");
	/* three via-parms over two headers, LWS around '/' and folded */
	ck_assert_uint_eq(sip_msg_via_count(m), 3);
	v = sip_msg_via_at(m, 0);
	ck_assert_pl(v->proto, "SIP");
	ck_assert_pl(v->version, "2.0");
	ck_assert_pl(v->transport, "UDP");
	ck_assert_pl(v->host, "192.0.2.2");
	ck_assert_pl(v->branch, "390skdjuw");
	ck_assert(!sip_via_branch_is_rfc3261(v));
	v = sip_msg_via_at(m, 1);
	ck_assert_pl(v->transport, "TCP");
	ck_assert_pl(v->host, "spindle.example.com");
	ck_assert_pl(v->branch, "z9hG4bK9ikj8");
	ck_assert(sip_via_branch_is_rfc3261(v));
	v = sip_msg_via_at(m, 2);
	ck_assert_pl(v->host, "192.168.255.111");
	ck_assert_pl(v->branch, "z9hG4bK30239");
	ck_assert_ptr_null(sip_msg_via_at(m, 3));
	/* empty Subject ("s :") is present and empty */
	ck_assert_ptr_nonnull(sip_msg_hdr(m, SIP_HDR_SUBJECT).p);
	ck_assert_uint_eq(sip_msg_hdr(m, SIP_HDR_SUBJECT).l, 0);
	/* an unknown folded header keeps its fold inside the slice */
	ck_assert_pl(sip_msg_hdr_by_name(m, "newfangledheader"),
		     "newfangled value\r\n continued newfangled value");
	ck_assert_pl(sip_msg_hdr_by_name(m, "UnknownHeaderWithUnusualValue"), ";;,,;;,;");
	/* Route folded; compact m: with LWS-heavy params */
	ck_assert_pl(sip_msg_hdr(m, SIP_HDR_ROUTE),
		     "<sip:services.example.com;lr;unknownwith=value;unknown-no-value>");
	ck_assert_uint_eq(sip_msg_contact_count(m), 1);
	ck_assert_int_eq(sip_msg_contact_at(m, 0, &c), 0);
	ck_assert_pl(c.dname, "Quoted string \\\"\\\"");
	ck_assert_pl(c.uri.raw, "sip:jdrosen@example.com");
	ck_assert_int_eq(sip_param_get(c.params, "newparam", &pv), 0);
	ck_assert_pl(pv, "newvalue");
	ck_assert(sip_param_exists(c.params, "secondparam"));
	ck_assert_int_eq(sip_param_get(c.params, "q", &pv), 0);
	ck_assert_pl(pv, "0.33");
	ck_assert_int_eq(sip_param_get(c.params, "expires", &pv), ENOENT);
	ck_assert_int_eq(sip_msg_contact_at(m, 1, &c), ENOENT);
	/* Via iterator across lines and commas */
	sip_hdr_iter_init(&it, m, SIP_HDR_VIA);
	ck_assert(sip_hdr_iter_next(&it, &pv));
	ck_assert(sip_hdr_iter_next(&it, &pv));
	ck_assert(sip_hdr_iter_next(&it, &pv));
	ck_assert(!sip_hdr_iter_next(&it, &pv));
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_VIA), 3);
	sip_msg_unref(m);
}
END_TEST

START_TEST(test_esc01_values)
{
	struct sip_msg *m = parse_ok(VEC("esc01.dat"));
	const struct sip_uri *ru = sip_msg_ruri(m);
	struct sip_addr c;
	struct sip_uri other;
	char *dec;
	size_t len = 0;

	/* escapes kept as written in the slices (RFC 4475 3.1.1.3) */
	ck_assert_pl(ru->user, "sips%3Auser%40example.com");
	ck_assert_pl(ru->host, "example.net");
	dec = sip_uri_unescape(ru->user, &len);
	ck_assert_str_eq(dec, "sips:user@example.com");
	ck_assert_uint_eq(len, 21);
	g_free(dec);
	ck_assert_pl(sip_msg_to(m)->uri.user, "%75se%72");
	ck_assert(sip_pl_esc_eq(sip_msg_to(m)->uri.user, sip_pl_from_str("user"), false));
	ck_assert(!sip_pl_esc_eq(sip_msg_to(m)->uri.user, sip_pl_from_str("User"), false));
	ck_assert_pl(sip_msg_from(m)->uri.user, "I%20have%20spaces");
	/* compact c: for Content-Type */
	ck_assert_pl(sip_msg_content_type(m), "application/sdp");
	ck_assert_int_eq(sip_msg_contact_at(m, 0, &c), 0);
	ck_assert_pl(c.uri.user, "cal%6Cer");
	ck_assert_pl(c.uri.params, "%6C%72;n%61me=v%61lue%25%34%31");
	/* comparison decodes: "value%41" is not "valueA" (%25 is a literal '%') */
	ck_assert_int_eq(sip_uri_decode(&other, sip_pl_from_str(
		"sip:caller@host5.example.net;lr;name=value%2541")), 0);
	ck_assert(sip_uri_cmp(&c.uri, &other));
	ck_assert_int_eq(sip_uri_decode(&other, sip_pl_from_str(
		"sip:caller@host5.example.net;lr;name=valueA")), 0);
	ck_assert(!sip_uri_cmp(&c.uri, &other));
	sip_msg_unref(m);
}
END_TEST

START_TEST(test_escnull_values)
{
	struct sip_msg *m = parse_ok(VEC("escnull.dat"));
	struct sip_addr c0;
	struct sip_addr c1;
	char *d;
	size_t len = 0;

	/* two distinct contacts, not truncated at the NUL */
	ck_assert_uint_eq(sip_msg_contact_count(m), 2);
	ck_assert_int_eq(sip_msg_contact_at(m, 0, &c0), 0);
	ck_assert_int_eq(sip_msg_contact_at(m, 1, &c1), 0);
	ck_assert_pl(c0.uri.user, "%00");
	ck_assert_pl(c1.uri.user, "%00%00");
	ck_assert(!sip_uri_cmp(&c0.uri, &c1.uri));
	d = sip_uri_unescape(c1.uri.user, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert(d[0] == '\0' && d[1] == '\0');
	g_free(d);
	ck_assert_pl(sip_msg_to(m)->uri.user, "null-%00-null");
	ck_assert_int_eq(sip_msg_content_length(m), 0);
	sip_msg_unref(m);
}
END_TEST

START_TEST(test_dblreq_values)
{
	struct sip_msg *m = parse_ok(VEC("dblreq.dat"));

	/* Content-Length 0: the trailing INVITE is not part of the message (RFC 3261 18.3) */
	ck_assert_uint_eq(sip_msg_body(m).l, 0);
	ck_assert_uint_eq(sip_msg_raw(m).l, 300);
	ck_assert_pl(sip_msg_callid(m), "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
	ck_assert_int_eq(sip_msg_max_forwards(m), 8);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_TO), 1);
	sip_msg_unref(m);
}
END_TEST

START_TEST(test_intmeth_values)
{
	struct sip_msg *m = parse_ok(VEC("intmeth.dat"));
	const struct sip_uri *ru = sip_msg_ruri(m);
	const struct sip_addr *to = sip_msg_to(m);
	struct sip_pl v;

	ck_assert_int_eq(sip_msg_method(m), SIP_METHOD_OTHER);
	ck_assert_int_eq(sip_msg_cseq(m)->method, SIP_METHOD_OTHER);
	ck_assert_uint_eq(sip_msg_cseq(m)->num, 139122385);
	ck_assert_pl(ru->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
	ck_assert_pl(ru->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
	ck_assert_pl(ru->host, "example.com");
	/* quoted display name holding quoted-pairs of BEL, NUL and DEL */
	ck_assert_uint_eq(to->dname.l, 20);
	ck_assert(memchr(to->dname.p, '\0', to->dname.l) != NULL);
	ck_assert_pl(sip_msg_via(m)->branch, "z9hG4bK-.!%66*_+`'~");
	ck_assert_pl(sip_msg_from(m)->tag, "_token~1'+`*%!-.");
	ck_assert_pl(sip_msg_from(m)->dname, "token1~` token2'+_ token3*%!.-");
	ck_assert_pl(sip_msg_callid(m), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
	ck_assert_int_eq(sip_msg_max_forwards(m), 255);
	v = sip_msg_hdr_by_name(m, "extensionHeader-!.%*+_`'~");
	ck_assert_uint_eq(v.l, 12);     /* a UTF-8 BOM and 3 characters, 3 octets each */
	sip_msg_unref(m);
}
END_TEST

START_TEST(test_other_valid_values)
{
	struct sip_msg *m;
	struct sip_addr c;
	const char *transports[] = { "UDP", "SCTP", "TLS", "UNKNOWN", "TCP" };
	size_t i;

	m = parse_ok(VEC("semiuri.dat"));
	ck_assert_pl(sip_msg_ruri(m)->user, "user;par=u%40example.net");
	ck_assert_pl(sip_msg_ruri(m)->host, "example.com");
	ck_assert_ptr_null(sip_msg_ruri(m)->params.p);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_ACCEPT), 6);
	ck_assert_pl(sip_msg_hdr(m, SIP_HDR_ACCEPT), "application/sdp");
	sip_msg_unref(m);

	m = parse_ok(VEC("transports.dat"));
	ck_assert_uint_eq(sip_msg_via_count(m), 5);
	for (i = 0; i < 5; i++)
		ck_assert_pl(sip_msg_via_at(m, i)->transport, transports[i]);
	sip_msg_unref(m);

	m = parse_ok(VEC("unreason.dat"));
	ck_assert(!sip_msg_is_request(m));
	ck_assert_uint_eq(sip_msg_status(m), 200);
	ck_assert_ptr_null(sip_msg_ruri(m));
	ck_assert_int_eq(sip_msg_method(m), SIP_METHOD_INVITE);   /* from CSeq */
	ck_assert(memcmp(sip_msg_reason(m).p, "= 2**3 * 5**2 ", 14) == 0);
	ck_assert_uint_eq(sip_msg_body(m).l, 154);
	sip_msg_unref(m);

	m = parse_ok(VEC("lwsdisp.dat"));
	ck_assert_pl(sip_msg_from(m)->dname, "caller");
	ck_assert_pl(sip_msg_from(m)->uri.raw, "sip:caller@example.com");
	ck_assert_pl(sip_msg_from(m)->tag, "323");
	sip_msg_unref(m);

	/* contact-param vs url-param (RFC 4475 3.3.12/13) */
	m = parse_ok(VEC("cparam01.dat"));
	ck_assert_int_eq(sip_msg_contact_at(m, 0, &c), 0);
	ck_assert_ptr_null(c.uri.params.p);
	ck_assert_pl(c.params, "unknownparam");
	sip_msg_unref(m);
	m = parse_ok(VEC("cparam02.dat"));
	ck_assert_int_eq(sip_msg_contact_at(m, 0, &c), 0);
	ck_assert_pl(c.uri.params, "unknownparam");
	ck_assert_ptr_null(c.params.p);
	sip_msg_unref(m);

	m = parse_ok(VEC("bcast.dat"));
	ck_assert_pl(sip_msg_via_at(m, 1)->host, "255.255.255.255");
	sip_msg_unref(m);

	m = parse_ok(VEC("unksm2.dat"));
	ck_assert_int_eq(sip_msg_to(m)->uri.scheme_id, SIP_URI_OTHER);
	ck_assert_pl(sip_msg_to(m)->uri.scheme, "isbn");
	ck_assert_pl(sip_msg_from(m)->uri.raw, "http://www.example.com");
	sip_msg_unref(m);

	m = parse_ok(VEC("unkscm.dat"));
	ck_assert_pl(sip_msg_ruri(m)->scheme, "nobodyKnowsThisScheme");
	ck_assert_pl(sip_msg_ruri(m)->opaque, "totallyopaquecontent");
	sip_msg_unref(m);

	m = parse_ok(VEC("badbranch.dat"));
	ck_assert_pl(sip_msg_via(m)->branch, "z9hG4bK");
	sip_msg_unref(m);
}
END_TEST

/* ---------------------------------------------------------------- constructed messages */

/* A request with the given extra header lines, start line and body. */
static char *mkreq(const char *start, const char *extra, const char *body)
{
	return g_strdup_printf("%s\r\n"
			       "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport\r\n"
			       "From: \"A\" <sip:a@example.com>;tag=1\r\n"
			       "To: <sip:b@example.com>\r\n"
			       "Call-ID: c1@10.0.0.1\r\n"
			       "%s"
			       "\r\n%s", start, extra, body);
}

struct bound {
	const char *start;
	const char *extra;
	int rc;
	const char *why;        /* which rule (comment) */
};

static const struct bound bounds[] = {
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 2147483647 OPTIONS\r\n", 0, "max CSeq" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 2147483648 OPTIONS\r\n", EBADMSG,
	  "RFC 3261 8.1.1.5: CSeq < 2^31" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nMax-Forwards: 255\r\n", 0, "" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nMax-Forwards: 256\r\n",
	  EBADMSG, "Max-Forwards <= 255" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nExpires: 4294967295\r\n", 0, "" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nExpires: 4294967296\r\n",
	  EBADMSG, "Expires <= 2^32-1" },
	{ "REGISTER sip:example.com SIP/2.0",
	  "CSeq: 1 REGISTER\r\nContact: <sip:a@h>;expires=4294967296\r\n", EBADMSG, "" },
	{ "REGISTER sip:example.com SIP/2.0", "CSeq: 1 REGISTER\r\nContact: *\r\nExpires: 0\r\n",
	  0, "wildcard" },
	{ "REGISTER sip:example.com SIP/2.0", "CSeq: 1 REGISTER\r\nContact: *, <sip:a@h>\r\n",
	  EBADMSG, "wildcard with others" },
	{ "REGISTER sip:example.com SIP/2.0", "CSeq: 1 REGISTER\r\nContact: <sip:a@h>;q=1.5\r\n",
	  EBADMSG, "qvalue" },
	{ "SIP/2.0 699 X", "CSeq: 1 OPTIONS\r\n", 0, "status 699" },
	{ "SIP/2.0 700 X", "CSeq: 1 OPTIONS\r\n", EBADMSG, "status 100-699" },
	{ "SIP/2.0 099 X", "CSeq: 1 OPTIONS\r\n", EBADMSG, "status 100-699" },
	{ "SIP/2.0 2000 X", "CSeq: 1 OPTIONS\r\n", EBADMSG, "3DIGIT" },
	{ "SIP/2.0 200", "CSeq: 1 OPTIONS\r\n", EBADMSG, "SP after the code is mandatory" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nContent-Length: 5\r\n", EBADMSG,
	  "datagram shorter than Content-Length" },
	{ "OPTIONS sip:b@[2001:db8::1]:5070;transport=udp SIP/2.0", "CSeq: 1 OPTIONS\r\n", 0,
	  "IPv6 reference" },
	{ "OPTIONS sip:b@[2001:db8::g] SIP/2.0", "CSeq: 1 OPTIONS\r\n", EBADMSG, "bad IPv6" },
	{ "OPTIONS sip:b@example.com:65536 SIP/2.0", "CSeq: 1 OPTIONS\r\n", EBADMSG, "port" },
	{ "OPTIONS sip:b@exa_mple.com SIP/2.0", "CSeq: 1 OPTIONS\r\n", EBADMSG, "hostname" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nRoute: sip:p.example.com\r\n",
	  EBADMSG, "Route needs name-addr" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nRequire: \r\n", EBADMSG,
	  "Require needs an option tag" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nSupported:\r\n", 0,
	  "Supported may be empty" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nSubject: a\r\nSubject: b\r\n",
	  EBADMSG, "RFC 3261 7.3.1: a non-list header only once" },
	{ "OPTIONS sip:b@example.com SIP/2.0",
	  "CSeq: 1 OPTIONS\r\nWWW-Authenticate: Digest realm=\"a\"\r\n"
	  "WWW-Authenticate: Digest realm=\"b\"\r\n", 0, "7.3.1 exception" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nbad header\r\n", EBADMSG,
	  "no colon" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\nX: y\r\n", EBADMSG, "bare LF" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nX: a\rb\r\n", EBADMSG,
	  "bare CR" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nCall-ID: x y\r\n", EBADMSG,
	  "second Call-ID (and not a word)" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nDate: Sat, 13 Nov 2010 "
	  "23:29:00 GMT\r\n", 0, "RFC 1123 date" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nWarning: 399 h \"x, y\", 307 h "
	  "\"z\"\r\n", 0, "warning list with a comma in a quoted string" },
	{ "OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nTo: <sip:c@example.com>\r\n",
	  EBADMSG, "second To" },
	{ "OPTIONS sip:b@example.com sip/2.0", "CSeq: 1 OPTIONS\r\n", 0,
	  "the version literal is case-insensitive" },
	{ "OPTIONS sip:b@example.com SIP/2.1", "CSeq: 1 OPTIONS\r\n", EPROTO, "version" },
	{ "OPTIONS sip:b@example.com SIP/2", "CSeq: 1 OPTIONS\r\n", EBADMSG, "version syntax" },
};

START_TEST(test_bounds)
{
	const struct bound *b = &bounds[_i];
	char *s = mkreq(b->start, b->extra, "");
	struct sip_msg *m = NULL;
	char why[160] = "";
	int rc = parse_str(s, &m, why, sizeof(why));

	ck_assert_msg(rc == b->rc, "row %d (%s): rc %d want %d: %s", _i, b->why, rc, b->rc, why);
	ck_assert(rc == 0 ? m != NULL : m == NULL);
	sip_msg_unref(m);
	g_free(s);
}
END_TEST

START_TEST(test_too_many_headers)
{
	GString *s = g_string_new(NULL);
	struct sip_msg *m = NULL;
	char why[160] = "";
	char *msg;
	int i;

	/* given more header lines than SIP_MSG_MAX_HEADERS */
	for (i = 0; i < SIP_MSG_MAX_HEADERS; i++)
		g_string_append_printf(s, "X-H%d: %d\r\n", i, i);
	g_string_append(s, "CSeq: 1 OPTIONS\r\n");
	msg = mkreq("OPTIONS sip:b@example.com SIP/2.0", s->str, "");
	/* then the message is refused, not truncated */
	ck_assert_int_eq(parse_str(msg, &m, why, sizeof(why)), EBADMSG);
	ck_assert(strstr(why, "too many header lines") != NULL);
	g_free(msg);
	g_string_free(s, TRUE);

	/* and 40 Via lines (more than the inline slots) are kept in order */
	s = g_string_new("CSeq: 1 OPTIONS\r\n");
	for (i = 0; i < 40; i++)
		g_string_append_printf(s, "Via: SIP/2.0/UDP h%d.example.com;branch=z9hG4bK%d\r\n", i, i);
	msg = mkreq("OPTIONS sip:b@example.com SIP/2.0", s->str, "");
	ck_assert_int_eq(parse_str(msg, &m, why, sizeof(why)), 0);
	ck_assert_uint_eq(sip_msg_via_count(m), 41);
	ck_assert_pl(sip_msg_via_at(m, 40)->host, "h39.example.com");
	ck_assert_uint_eq(sip_msg_hdr_lines(m), 45);
	sip_msg_unref(m);
	g_free(msg);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_iterator_lists)
{
	const char *extra = "CSeq: 7 INVITE\r\n"
			    "Route: <sip:p1.example.com;lr>, \"x, y\" <sip:p2.example.com;lr>\r\n"
			    "Route: <sip:p3.example.com;lr>\r\n"
			    "Authorization: Digest username=\"a\", realm=\"r\", nonce=\"n\"\r\n"
			    "Contact: <sip:a@h1>;p=\"q,r\";expires=60, sip:a@h2;q=0.5\r\n"
			    "Max-Forwards: 70\r\n";
	char *s = mkreq("INVITE sip:b@example.com SIP/2.0", extra, "");
	struct sip_msg *m = NULL;
	struct sip_hdr_iter it;
	struct sip_pl v;
	struct sip_addr a;
	char why[160] = "";

	ck_assert_msg(parse_str(s, &m, why, sizeof(why)) == 0, "%s", why);
	/* list header: repeated lines and comma-separated values, '"' and <> respected */
	sip_hdr_iter_init(&it, m, SIP_HDR_ROUTE);
	ck_assert(sip_hdr_iter_next(&it, &v));
	ck_assert_pl(v, "<sip:p1.example.com;lr>");
	ck_assert(sip_hdr_iter_next(&it, &v));
	ck_assert_pl(v, "\"x, y\" <sip:p2.example.com;lr>");
	ck_assert(sip_hdr_iter_next(&it, &v));
	ck_assert_pl(v, "<sip:p3.example.com;lr>");
	ck_assert(!sip_hdr_iter_next(&it, &v));
	/* not a list: commas stay inside */
	ck_assert_pl(sip_msg_hdr(m, SIP_HDR_AUTHORIZATION),
		     "Digest username=\"a\", realm=\"r\", nonce=\"n\"");
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_AUTHORIZATION), 1);
	ck_assert_uint_eq(sip_msg_contact_count(m), 2);
	ck_assert_int_eq(sip_msg_contact_at(m, 0, &a), 0);
	ck_assert_uint_eq(sip_msg_contact_expires(m, &a, 3600), 60);
	ck_assert_int_eq(sip_msg_contact_at(m, 1, &a), 0);
	ck_assert_pl(a.uri.raw, "sip:a@h2");
	ck_assert_uint_eq(sip_msg_contact_expires(m, &a, 3600), 3600);
	/* lookups: absent header, by name, compact name */
	ck_assert_ptr_null(sip_msg_hdr(m, SIP_HDR_SUBJECT).p);
	ck_assert_pl(sip_msg_hdr_by_name(m, "max-forwards"), "70");
	ck_assert_pl(sip_msg_hdr_by_name(m, "i"), "c1@10.0.0.1");
	ck_assert_ptr_null(sip_msg_hdr_by_name(m, "X-Nothing").p);
	/* Via params of the constructed top Via */
	ck_assert_pl(sip_msg_via(m)->rport, "");
	ck_assert_ptr_nonnull(sip_msg_via(m)->rport.p);
	ck_assert_uint_eq(sip_msg_via(m)->portn, 5060);
	ck_assert_ptr_null(sip_msg_via(m)->received.p);
	sip_msg_unref(m);
	g_free(s);
}
END_TEST

/* ---------------------------------------------------------------- names */

START_TEST(test_names)
{
	static const struct { const char *name; enum sip_hdr id; } rows[] = {
		{ "i", SIP_HDR_CALL_ID }, { "m", SIP_HDR_CONTACT }, { "f", SIP_HDR_FROM },
		{ "t", SIP_HDR_TO }, { "v", SIP_HDR_VIA }, { "l", SIP_HDR_CONTENT_LENGTH },
		{ "c", SIP_HDR_CONTENT_TYPE }, { "k", SIP_HDR_SUPPORTED }, { "s", SIP_HDR_SUBJECT },
		{ "e", SIP_HDR_CONTENT_ENCODING }, { "o", SIP_HDR_EVENT },
		{ "u", SIP_HDR_ALLOW_EVENTS }, { "r", SIP_HDR_REFER_TO },
		{ "b", SIP_HDR_REFERRED_BY }, { "x", SIP_HDR_SESSION_EXPIRES },
		{ "y", SIP_HDR_IDENTITY }, { "V", SIP_HDR_VIA }, { "cAlL-iD", SIP_HDR_CALL_ID },
		{ "WWW-Authenticate", SIP_HDR_WWW_AUTHENTICATE }, { "CSeq", SIP_HDR_CSEQ },
		{ "g", SIP_HDR_OTHER }, { "Vias", SIP_HDR_OTHER }, { "C%6Fntact", SIP_HDR_OTHER },
	};
	size_t i;
	int h;

	for (i = 0; i < G_N_ELEMENTS(rows); i++)
		ck_assert_msg(sip_hdr_lookup(sip_pl_from_str(rows[i].name)) == rows[i].id, "%s",
			      rows[i].name);
	/* every name round-trips */
	for (h = 1; h < SIP_HDR_COUNT_; h++) {
		const char *n = sip_hdr_name((enum sip_hdr)h);
		char cf[2] = { sip_hdr_compact((enum sip_hdr)h), 0 };

		ck_assert_int_eq(sip_hdr_lookup(sip_pl_from_str(n)), h);
		if (cf[0])
			ck_assert_int_eq(sip_hdr_lookup(sip_pl_from_str(cf)), h);
	}
	ck_assert(sip_hdr_is_list(SIP_HDR_VIA));
	ck_assert(!sip_hdr_is_list(SIP_HDR_AUTHORIZATION));
	ck_assert_int_eq(sip_method_lookup(sip_pl_from_str("PUBLISH")), SIP_METHOD_PUBLISH);
	ck_assert_int_eq(sip_method_lookup(sip_pl_from_str("invite")), SIP_METHOD_OTHER);
	ck_assert_str_eq(sip_method_name(SIP_METHOD_REFER), "REFER");
}
END_TEST

START_TEST(test_uri_cmp)
{
	/* RFC 3261 19.1.4 examples of equal and unequal URIs */
	static const char *const equal[][2] = {
		{ "sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp" },
		{ "sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5" },
		{ "sip:carol@chicago.com;security=on", "sip:carol@chicago.com;newparam=5" },
		{ "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
		  "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com" },
		{ "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
		  "sip:alice@atlanta.com?priority=urgent&subject=project%20x" },
	};
	static const char *const unequal[][2] = {
		{ "SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP" },
		{ "sip:bob@biloxi.com", "sip:bob@biloxi.com:5060" },
		{ "sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp" },
		{ "sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp" },
		{ "sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting" },
		{ "sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4" },
		{ "sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off" },
	};
	struct sip_uri a;
	struct sip_uri b;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(equal); i++) {
		ck_assert_int_eq(sip_uri_decode(&a, sip_pl_from_str(equal[i][0])), 0);
		ck_assert_int_eq(sip_uri_decode(&b, sip_pl_from_str(equal[i][1])), 0);
		ck_assert_msg(sip_uri_cmp(&a, &b) && sip_uri_cmp(&b, &a), "equal row %zu", i);
	}
	for (i = 0; i < G_N_ELEMENTS(unequal); i++) {
		ck_assert_int_eq(sip_uri_decode(&a, sip_pl_from_str(unequal[i][0])), 0);
		ck_assert_int_eq(sip_uri_decode(&b, sip_pl_from_str(unequal[i][1])), 0);
		ck_assert_msg(!sip_uri_cmp(&a, &b), "unequal row %zu", i);
	}
	/* reflexive even with a repeated parameter (found by fuzz_sip) */
	ck_assert_int_eq(sip_uri_decode(&a, sip_pl_from_str(
		"sip:a@h;n%61me=2;name=v%61lue;x;x=1")), 0);
	ck_assert(sip_uri_cmp(&a, &a));
	/* parts of an IPv6 URI with password and headers */
	ck_assert_int_eq(sip_uri_decode(&a, sip_pl_from_str(
		"sips:u:pw@[2001:db8::10]:5071;maddr=239.255.255.1;ttl=15?h=v")), 0);
	ck_assert_int_eq(a.scheme_id, SIP_URI_SIPS);
	ck_assert_pl(a.user, "u");
	ck_assert_pl(a.password, "pw");
	ck_assert_pl(a.host, "[2001:db8::10]");
	ck_assert_uint_eq(a.portn, 5071);
	ck_assert_pl(a.params, "maddr=239.255.255.1;ttl=15");
	ck_assert_pl(a.headers, "h=v");
	ck_assert_int_eq(sip_uri_decode(&a, sip_pl_from_str("sips:example.com")), 0);
	ck_assert_uint_eq(sip_uri_port(&a), 5061);
	ck_assert_int_eq(sip_uri_decode(&a, sip_pl_from_str("sip:a@b%4")), EBADMSG);
	ck_assert_int_eq(sip_uri_decode(&a, sip_pl_from_str("sip:a%zz@b")), EBADMSG);
	ck_assert_int_eq(sip_uri_decode(&a, sip_pl_from_str("sip:")), EBADMSG);
	ck_assert_int_eq(sip_uri_decode(&a, sip_pl_from_str("tel:+1-201-555-0123")), 0);
	ck_assert_int_eq(a.scheme_id, SIP_URI_TEL);
}
END_TEST

/* ---------------------------------------------------------------- framing */

START_TEST(test_frame)
{
	const char *m1 = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 4\r\nX: y\r\n\r\nabcd";
	const char *m2 = "\r\n\r\nSIP/2.0 200 OK\r\nl:0\r\n\r\n";
	GString *s = g_string_new(m1);
	size_t n = 0;
	size_t i;

	g_string_append(s, m2);
	/* the first message is exactly m1 */
	ck_assert_int_eq(sip_msg_frame(s->str, s->len, &n), 0);
	ck_assert_uint_eq(n, strlen(m1));
	/* keep-alive CRLFs before the next start line belong to the next frame */
	ck_assert_int_eq(sip_msg_frame(s->str + n, s->len - n, &n), 0);
	ck_assert_uint_eq(n, strlen(m2));
	/* every proper prefix of m1 is incomplete */
	for (i = 0; i < strlen(m1); i++)
		ck_assert_int_eq(sip_msg_frame(m1, i, &n), ENODATA);
	/* no Content-Length on a stream, or two that differ: cannot frame */
	ck_assert_int_eq(sip_msg_frame("A sip:a SIP/2.0\r\nX: y\r\n\r\n", 25, &n), EBADMSG);
	ck_assert_int_eq(sip_msg_frame("A sip:a SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab",
				       46, &n), EBADMSG);
	ck_assert_int_eq(sip_msg_frame("A sip:a SIP/2.0\r\nl: -1\r\n\r\n", 26, &n), EBADMSG);
	g_string_free(s, TRUE);
}
END_TEST

/* ---------------------------------------------------------------- robustness */

/* Parses [p, p+n) from an exact-size heap copy (so ASan sees any over-read). */
static int parse_exact(const char *p, size_t n)
{
	GBytes *b = g_bytes_new(p, n);
	struct sip_msg *m = NULL;
	char why[160];
	int rc = sip_msg_parse_ex(&m, b, SIP_PARSE_KEEP_BAD, why, sizeof(why));

	if (m) {
		/* walk what the accessors hand out */
		struct sip_addr a;
		size_t i;

		for (i = 0; i < sip_msg_contact_count(m); i++)
			(void)sip_msg_contact_at(m, i, &a);
		(void)sip_msg_hdr_count(m, SIP_HDR_VIA);
		sip_msg_unref(m);
	}
	g_bytes_unref(b);
	ck_assert(rc == 0 || rc == EBADMSG || rc == EPROTO || rc == ENODATA);
	return rc;
}

START_TEST(test_truncation_and_mutation)
{
	const struct vec *v = &vectors[_i];
	char *path = g_build_filename(TOP_SRCDIR "/tests/data/rfc4475", v->file, NULL);
	GBytes *b = load(path);
	gsize len = 0;
	const char *d = g_bytes_get_data(b, &len);
	char *copy = g_memdup2(d, len);
	size_t i;
	int c;

	/* every prefix: never a crash; a prefix shorter than the headers is never ok */
	for (i = 0; i < len; i++)
		parse_exact(d, i);
	/* every octet replaced by a handful of troublemakers */
	for (i = 0; i < len; i++) {
		static const char bad[] = { '\0', '\r', '\n', ' ', '"', '<', '>', ',', ';', ':',
					    '%', '\\', '[', '@' };

		for (c = 0; c < (int)sizeof(bad); c++) {
			char keep = copy[i];

			copy[i] = bad[c];
			parse_exact(copy, len);
			copy[i] = keep;
		}
	}
	g_free(copy);
	g_bytes_unref(b);
	g_free(path);
}
END_TEST

START_TEST(test_keep_bad)
{
	GBytes *b = load(VEC("mismatch01.dat"));
	struct sip_msg *m = NULL;
	char why[160];

	/* given a malformed request with usable core headers, KEEP_BAD returns it for a 400 */
	ck_assert_int_eq(sip_msg_parse_ex(&m, b, SIP_PARSE_KEEP_BAD, why, sizeof(why)), EBADMSG);
	ck_assert_ptr_nonnull(m);
	ck_assert_pl(sip_msg_callid(m), "mismatch01.dj0234sxdfl3");
	sip_msg_unref(m);
	g_bytes_unref(b);
	/* but not without From/To/Call-ID */
	b = load(VEC("insuf.dat"));
	ck_assert_int_eq(sip_msg_parse_ex(&m, b, SIP_PARSE_KEEP_BAD, why, sizeof(why)), EBADMSG);
	ck_assert_ptr_null(m);
	g_bytes_unref(b);
	/* a lax parse leaves a malformed Contact to its accessor */
	b = load(VEC("regbadct.dat"));
	ck_assert_int_eq(sip_msg_parse(&m, b), 0);
	{
		struct sip_addr a;

		ck_assert_uint_eq(sip_msg_contact_count(m), 1);
		ck_assert_int_eq(sip_msg_contact_at(m, 0, &a), EBADMSG);
	}
	sip_msg_unref(m);
	g_bytes_unref(b);
	/* EINVAL and an empty buffer */
	ck_assert_int_eq(sip_msg_parse(NULL, NULL), EINVAL);
	b = g_bytes_new("", 0);
	ck_assert_int_eq(sip_msg_parse(&m, b), ENODATA);
	g_bytes_unref(b);
	sip_msg_unref(NULL);
}
END_TEST

/* ---------------------------------------------------------------- builder */

/* A deterministic INVITE from a seeded stream. */
static GBytes *build_invite(gsl_rng *r, char *branch, char *tag, char *callid)
{
	struct sip_build *b = sip_build_request(SIP_METHOD_INVITE, NULL, "sip:2002@10.0.0.1");
	static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 10.0.1.21\r\ns=-\r\n";

	sip_build_branch(branch, r);
	sip_build_tag(tag, r);
	sip_build_callid(callid, r, "10.0.1.21");
	sip_build_via(b, "UDP", "10.0.1.21", 5060, branch, true);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, "Re\"cep\\tion", "sip:2001@10.0.0.1", tag);
	sip_build_addr(b, SIP_HDR_TO, NULL, "sip:2002@10.0.0.1", NULL);
	sip_build_hdr(b, SIP_HDR_CALL_ID, callid);
	sip_build_cseq(b, 101, SIP_METHOD_INVITE, NULL);
	sip_build_addr(b, SIP_HDR_CONTACT, NULL, "sip:2001@10.0.1.21:5060", NULL);
	sip_build_hdr(b, SIP_HDR_ROUTE, "<sip:10.0.0.1;lr>");
	sip_build_hdr(b, SIP_HDR_ALLOW, SIP_BUILD_ALLOW);
	sip_build_hdr(b, SIP_HDR_SUPPORTED, SIP_BUILD_SUPPORTED);
	sip_build_hdrf(b, SIP_HDR_USER_AGENT, "ossim-phone/%d.%d", 0, 1);
	return sip_build_finish(b, "application/sdp", sdp, sizeof(sdp) - 1);
}

START_TEST(test_build_request)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	char branch[SIP_BRANCH_SIZE], tag[SIP_TAG_SIZE], callid[SIP_CALLID_SIZE];
	char branch2[SIP_BRANCH_SIZE], tag2[SIP_TAG_SIZE], callid2[SIP_CALLID_SIZE];
	GBytes *inv;
	GBytes *inv2;
	struct sip_msg *m = NULL;
	char why[160] = "";
	size_t i;

	gsl_rng_set(r, 42);
	inv = build_invite(r, branch, tag, callid);
	ck_assert_msg(sip_msg_parse_ex(&m, inv, 0, why, sizeof(why)) == 0, "%s", why);
	ck_assert_int_eq(sip_msg_method(m), SIP_METHOD_INVITE);
	ck_assert_pl(sip_msg_ruri(m)->raw, "sip:2002@10.0.0.1");
	ck_assert_pl(sip_msg_via(m)->branch, branch);
	ck_assert(sip_via_branch_is_rfc3261(sip_msg_via(m)));
	ck_assert_pl(sip_msg_via(m)->rport, "");
	ck_assert_pl(sip_msg_from(m)->tag, tag);
	ck_assert_pl(sip_msg_from(m)->dname, "Re\\\"cep\\\\tion");
	ck_assert_ptr_null(sip_msg_to(m)->tag.p);
	ck_assert_pl(sip_msg_callid(m), callid);
	ck_assert_uint_eq(sip_msg_cseq(m)->num, 101);
	ck_assert_int_eq(sip_msg_max_forwards(m), 70);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_ALLOW), 12);
	ck_assert_pl(sip_msg_hdr(m, SIP_HDR_USER_AGENT), "ossim-phone/0.1");
	ck_assert_int_eq(sip_msg_content_length(m), 36);
	ck_assert_pl(sip_msg_content_type(m), "application/sdp");
	/* identifiers: the cookie and 16 hex digits, 16 hex tag, 24 hex Call-ID with host */
	ck_assert_uint_eq(strlen(branch), 23);
	ck_assert_uint_eq(strlen(tag), 16);
	ck_assert(g_str_has_suffix(callid, "@10.0.1.21") && strlen(callid) == 34);
	for (i = 7; i < 23; i++)
		ck_assert(g_ascii_isxdigit(branch[i]));
	/* same seed, same bytes; the next draws differ */
	gsl_rng_set(r, 42);
	inv2 = build_invite(r, branch2, tag2, callid2);
	ck_assert(g_bytes_equal(inv, inv2));
	g_bytes_unref(inv2);
	inv2 = build_invite(r, branch2, tag2, callid2);
	ck_assert_str_ne(branch, branch2);
	ck_assert_str_ne(tag, tag2);
	g_bytes_unref(inv2);
	sip_build_branch_counter(branch2, sizeof(branch2), "c", 7);
	ck_assert_str_eq(branch2, "z9hG4bKc.7");
	/* bad start lines are refused */
	ck_assert_ptr_null(sip_build_request(SIP_METHOD_OTHER, "BAD METHOD", "sip:a"));
	ck_assert_ptr_null(sip_build_request(SIP_METHOD_INVITE, NULL, "sip:a b"));
	ck_assert_ptr_null(sip_build_response(99, NULL));
	ck_assert_str_eq(sip_build_reason(486), "Busy Here");
	sip_msg_unref(m);
	g_bytes_unref(inv);
	gsl_rng_free(r);
}
END_TEST

START_TEST(test_build_reply_ack_cancel)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	char branch[SIP_BRANCH_SIZE], tag[SIP_TAG_SIZE], callid[SIP_CALLID_SIZE];
	GBytes *inv;
	GBytes *bytes;
	struct sip_msg *req = NULL;
	struct sip_msg *resp = NULL;
	struct sip_msg *ack = NULL;
	struct sip_msg *cancel = NULL;
	struct sip_build *b;

	gsl_rng_set(r, 7);
	inv = build_invite(r, branch, tag, callid);
	ck_assert_int_eq(sip_msg_parse(&req, inv), 0);

	/* 486 with a To tag: Via, From, To, Call-ID, CSeq copied (RFC 3261 8.2.6.2) */
	b = sip_build_reply(req, 486, NULL, "as7d9f");
	ck_assert_ptr_nonnull(b);
	bytes = sip_build_finish(b, NULL, NULL, 0);
	ck_assert_int_eq(sip_msg_parse(&resp, bytes), 0);
	g_bytes_unref(bytes);
	ck_assert_uint_eq(sip_msg_status(resp), 486);
	ck_assert_pl(sip_msg_reason(resp), "Busy Here");
	ck_assert_pl(sip_msg_via(resp)->branch, branch);
	ck_assert_pl(sip_msg_from(resp)->tag, tag);
	ck_assert_pl(sip_msg_to(resp)->tag, "as7d9f");
	ck_assert_pl(sip_msg_callid(resp), callid);
	ck_assert_uint_eq(sip_msg_cseq(resp)->num, 101);
	ck_assert_int_eq(sip_msg_method(resp), SIP_METHOD_INVITE);

	/* ACK for the 486 (17.1.1.3): same branch, To from the response, CSeq 101 ACK, Route */
	bytes = sip_build_ack(req, resp);
	ck_assert_ptr_nonnull(bytes);
	ck_assert_int_eq(sip_msg_parse(&ack, bytes), 0);
	g_bytes_unref(bytes);
	ck_assert_int_eq(sip_msg_method(ack), SIP_METHOD_ACK);
	ck_assert_pl(sip_msg_ruri(ack)->raw, "sip:2002@10.0.0.1");
	ck_assert_uint_eq(sip_msg_via_count(ack), 1);
	ck_assert_pl(sip_msg_via(ack)->branch, branch);
	ck_assert_pl(sip_msg_to(ack)->tag, "as7d9f");
	ck_assert_pl(sip_msg_from(ack)->tag, tag);
	ck_assert_uint_eq(sip_msg_cseq(ack)->num, 101);
	ck_assert_int_eq(sip_msg_cseq(ack)->method, SIP_METHOD_ACK);
	ck_assert_pl(sip_msg_hdr(ack, SIP_HDR_ROUTE), "<sip:10.0.0.1;lr>");
	ck_assert_uint_eq(sip_msg_body(ack).l, 0);

	/* CANCEL (9.1): To of the INVITE (no tag), same branch, CSeq 101 CANCEL */
	bytes = sip_build_cancel(req);
	ck_assert_int_eq(sip_msg_parse(&cancel, bytes), 0);
	g_bytes_unref(bytes);
	ck_assert_int_eq(sip_msg_method(cancel), SIP_METHOD_CANCEL);
	ck_assert_pl(sip_msg_via(cancel)->branch, branch);
	ck_assert_ptr_null(sip_msg_to(cancel)->tag.p);
	ck_assert_int_eq(sip_msg_cseq(cancel)->method, SIP_METHOD_CANCEL);
	ck_assert_uint_eq(sip_msg_cseq(cancel)->num, 101);
	ck_assert_pl(sip_msg_callid(cancel), callid);

	/* not for a response, nor an ACK for a 2xx or to a non-INVITE */
	ck_assert_ptr_null(sip_build_reply(resp, 200, NULL, NULL));
	ck_assert_ptr_null(sip_build_cancel(resp));
	ck_assert_ptr_null(sip_build_ack(cancel, resp));

	/* 100 Trying carries no To tag even when one is offered */
	b = sip_build_reply(req, 100, NULL, "zz");
	bytes = sip_build_finish(b, NULL, NULL, 0);
	sip_msg_unref(ack);
	ck_assert_int_eq(sip_msg_parse(&ack, bytes), 0);
	ck_assert_ptr_null(sip_msg_to(ack)->tag.p);
	g_bytes_unref(bytes);

	sip_msg_unref(ack);
	sip_msg_unref(cancel);
	sip_msg_unref(resp);
	sip_msg_unref(req);
	g_bytes_unref(inv);
	gsl_rng_free(r);
}
END_TEST

/* ---------------------------------------------------------------- sip_build_copy */

/* Every vector that parses is written again by sip_build_copy, and the copy parses back to the
 * same start line, Call-ID, CSeq and number of header lines (Content-Length/-Type rewritten). */
START_TEST(test_build_copy_vectors)
{
	const struct vec *v = &vectors[_i];
	GBytes *in, *out;
	struct sip_msg *m = NULL, *c = NULL;
	char *path;

	if (v->rc != 0)
		return;
	path = g_build_filename(TOP_SRCDIR, "tests/data/rfc4475", v->file, NULL);
	in = load(path);
	g_free(path);
	ck_assert_int_eq(sip_msg_parse(&m, in), 0);
	out = sip_build_copy(m);
	ck_assert_msg(out != NULL, "%s: sip_build_copy refused it", v->file);
	ck_assert_msg(sip_msg_parse(&c, out) == 0, "%s: the copy does not parse", v->file);
	ck_assert_int_eq(sip_msg_is_request(c), sip_msg_is_request(m));
	ck_assert_int_eq(sip_msg_status(c), sip_msg_status(m));
	ck_assert(sip_pl_eq(sip_msg_method_name(c), sip_msg_method_name(m)));
	ck_assert(sip_pl_eq(sip_msg_callid(c), sip_msg_callid(m)));
	ck_assert_uint_eq(sip_msg_cseq(c)->num, sip_msg_cseq(m)->num);
	ck_assert(sip_pl_eq(sip_msg_body(c), sip_msg_body(m)));
	sip_msg_unref(c);
	sip_msg_unref(m);
	g_bytes_unref(out);
	g_bytes_unref(in);
}
END_TEST

/* An extension header whose quoted value holds a NUL (as intmeth's To does) is copied as it
 * was parsed: found by fuzzing, where the copy tripped the checked entry point's assertion. */
START_TEST(test_build_copy_extension_nul)
{
	static const char msg[] = "OPTIONS sip:a@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKnul\r\n"
		"From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
		"Call-ID: nul@h\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
		"X-Odd: \"a\0b\"\r\nContent-Length: 0\r\n\r\n";
	GBytes *in = g_bytes_new_static(msg, sizeof msg - 1), *out;
	struct sip_msg *m = NULL, *c = NULL;
	struct sip_pl x;

	ck_assert_int_eq(sip_msg_parse(&m, in), 0);
	out = sip_build_copy(m);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(sip_msg_parse(&c, out), 0);
	x = sip_msg_hdr_by_name(c, "X-Odd");
	ck_assert_uint_eq(x.l, 5);
	ck_assert_mem_eq(x.p, "\"a\0b\"", 5);
	sip_msg_unref(c);
	sip_msg_unref(m);
	g_bytes_unref(out);
	g_bytes_unref(in);
}
END_TEST

static Suite *sipmsg_suite(void)
{
	Suite *s = suite_create("sipmsg");
	TCase *tc = tcase_create("rfc4475");

	tcase_add_loop_test(tc, test_rfc4475_table, 0, G_N_ELEMENTS(vectors));
	tcase_add_loop_test(tc, test_extra_table, 0, G_N_ELEMENTS(extra_vectors));
	tcase_add_test(tc, test_wsinv_values);
	tcase_add_test(tc, test_esc01_values);
	tcase_add_test(tc, test_escnull_values);
	tcase_add_test(tc, test_dblreq_values);
	tcase_add_test(tc, test_intmeth_values);
	tcase_add_test(tc, test_other_valid_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("parser");
	tcase_add_loop_test(tc, test_bounds, 0, G_N_ELEMENTS(bounds));
	tcase_add_test(tc, test_too_many_headers);
	tcase_add_test(tc, test_iterator_lists);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_uri_cmp);
	tcase_add_test(tc, test_frame);
	tcase_add_test(tc, test_keep_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_truncation_and_mutation, 0, G_N_ELEMENTS(vectors));
	suite_add_tcase(s, tc);

	tc = tcase_create("build");
	tcase_add_test(tc, test_build_request);
	tcase_add_test(tc, test_build_reply_ack_cancel);
	tcase_add_loop_test(tc, test_build_copy_vectors, 0, G_N_ELEMENTS(vectors));
	tcase_add_test(tc, test_build_copy_extension_nul);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sipmsg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
