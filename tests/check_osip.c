/*
 * check_osip.c - differential test of our SIP parser against libosip2 (a test-only peer): for the
 * valid RFC 4475 vectors and for every kind of message the builder makes, both parsers must agree
 * on the method or status, the Request-URI, Call-ID, CSeq, From/To URI and tag, and the top Via
 * branch. URIs are compared with RFC 3261 19.1.4 equality (libosip2 re-serialises them).
 * libosip2 is lenient and wrong on some vectors; where it differs from the RFC, the row is listed
 * in `exceptions` with the reason, and the test also fails if a listed exception stops occurring.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <gsl/gsl_rng.h>
#include <osipparser2/osip_parser.h>

#include "models/sip/build.h"
#include "models/sip/msg.h"

/* The fields compared. */
enum field {
	F_START,        /* method or status code */
	F_RURI,
	F_CALLID,
	F_CSEQ,
	F_FROM_URI,
	F_FROM_TAG,
	F_TO_URI,
	F_TO_TAG,
	F_BRANCH,
	F_COUNT_,
	F_ALL = F_COUNT_       /* in exceptions: the whole message */
};

static const char *const field_names[F_COUNT_] = {
	"start line", "Request-URI", "Call-ID", "CSeq", "From URI", "From tag", "To URI", "To tag",
	"top Via branch",
};

/* Where libosip2 (5.3) disagrees with the RFC, and why we keep our answer. */
static const struct {
	const char *msg;
	enum field field;       /* F_ALL: libosip2 cannot parse the message at all */
	const char *why;
} exceptions[] = {
	{ "intmeth.dat", F_ALL, "libosip2 rejects the start line: the extension method and the "
	  "Request-URI user part with ';', '?' and a password are legal (RFC 4475 3.1.1.2)" },
	{ "escnull.dat", F_FROM_URI, "libosip2 unescapes %00 and cuts the user part at the NUL, "
	  "'null-%00-null' -> 'null-' (RFC 4475 3.1.1.4: must not truncate)" },
	{ "escnull.dat", F_TO_URI, "as for From" },
	{ "novelsc.dat", F_ALL, "libosip2 rejects the Request-URI 'soap.beep://192.0.2.103:3002', a "
	  "legal absoluteURI with a novel scheme (RFC 4475 3.3.3)" },
};

/* ---------------------------------------------------------------- the two views */

struct view {
	char *f[F_COUNT_];      /* NULL = the parser has no value */
	struct sip_uri uri[F_COUNT_];
	bool has_uri[F_COUNT_];
};

static void view_clear(struct view *v)
{
	for (int i = 0; i < F_COUNT_; i++)
		g_free(v->f[i]);
	memset(v, 0, sizeof(*v));
}

/* Our parser's view of a message (all strings g_malloc'd). */
static void ours(const struct sip_msg *m, struct view *v)
{
	memset(v, 0, sizeof(*v));
	if (sip_msg_is_request(m))
		v->f[F_START] = sip_pl_dup(sip_msg_method_name(m));
	else
		v->f[F_START] = g_strdup_printf("%u", (unsigned)sip_msg_status(m));
	if (sip_msg_ruri(m))
		v->f[F_RURI] = sip_pl_dup(sip_msg_ruri(m)->raw);
	v->f[F_CALLID] = sip_pl_dup(sip_msg_callid(m));
	v->f[F_CSEQ] = g_strdup_printf("%u %.*s", (unsigned)sip_msg_cseq(m)->num,
				       (int)sip_msg_cseq(m)->method_name.l,
				       sip_msg_cseq(m)->method_name.p);
	v->f[F_FROM_URI] = sip_pl_dup(sip_msg_from(m)->uri.raw);
	v->f[F_FROM_TAG] = sip_pl_dup(sip_msg_from(m)->tag);
	v->f[F_TO_URI] = sip_pl_dup(sip_msg_to(m)->uri.raw);
	v->f[F_TO_TAG] = sip_pl_dup(sip_msg_to(m)->tag);
	v->f[F_BRANCH] = sip_pl_dup(sip_msg_via(m)->branch);
}

/* Copies an osip string into GLib memory and frees it. */
static char *take(char *s)
{
	char *r = s ? g_strdup(s) : NULL;

	if (s)
		osip_free(s);
	return r;
}

/* libosip2's view of the same bytes. Returns false when it cannot parse them at all. */
static bool theirs(GBytes *b, struct view *v)
{
	osip_message_t *m = NULL;
	gsize len = 0;
	const char *d = g_bytes_get_data(b, &len);
	osip_generic_param_t *p = NULL;
	osip_via_t *via = NULL;
	char *s = NULL;

	memset(v, 0, sizeof(*v));
	if (osip_message_init(&m) != 0)
		return false;
	if (osip_message_parse(m, d, len) != 0) {
		osip_message_free(m);
		return false;
	}
	if (MSG_IS_REQUEST(m))
		v->f[F_START] = m->sip_method ? g_strdup(m->sip_method) : NULL;
	else
		v->f[F_START] = g_strdup_printf("%d", m->status_code);
	if (m->req_uri && osip_uri_to_str(m->req_uri, &s) == 0)
		v->f[F_RURI] = take(s);
	if (m->call_id && osip_call_id_to_str(m->call_id, &s) == 0)
		v->f[F_CALLID] = take(s);
	if (m->cseq && m->cseq->number && m->cseq->method)
		v->f[F_CSEQ] = g_strdup_printf("%lu %s", strtoul(m->cseq->number, NULL, 10),
					       m->cseq->method);
	if (m->from && m->from->url && osip_uri_to_str(m->from->url, &s) == 0)
		v->f[F_FROM_URI] = take(s);
	if (m->from && osip_from_get_tag(m->from, &p) == 0 && p && p->gvalue)
		v->f[F_FROM_TAG] = g_strdup(p->gvalue);
	p = NULL;
	if (m->to && m->to->url && osip_uri_to_str(m->to->url, &s) == 0)
		v->f[F_TO_URI] = take(s);
	if (m->to && osip_to_get_tag(m->to, &p) == 0 && p && p->gvalue)
		v->f[F_TO_TAG] = g_strdup(p->gvalue);
	p = NULL;
	if (osip_message_get_via(m, 0, &via) >= 0 && via &&
	    osip_via_param_get_byname(via, "branch", &p) == 0 && p && p->gvalue)
		v->f[F_BRANCH] = g_strdup(p->gvalue);
	osip_message_free(m);
	return true;
}

/* True when the two views agree on field i (URIs by RFC 3261 19.1.4). */
static bool agree(const struct view *a, const struct view *b, enum field i)
{
	if (!a->f[i] || !b->f[i])
		return !a->f[i] && !b->f[i];
	if (i == F_RURI || i == F_FROM_URI || i == F_TO_URI) {
		struct sip_uri ua;
		struct sip_uri ub;

		if (sip_uri_decode(&ua, sip_pl_from_str(a->f[i])) ||
		    sip_uri_decode(&ub, sip_pl_from_str(b->f[i])))
			return false;
		return sip_uri_cmp(&ua, &ub);
	}
	return strcmp(a->f[i], b->f[i]) == 0;
}

/* The listed exception for (name, field), or NULL. */
static const char *exception(const char *name, enum field f)
{
	for (size_t i = 0; i < G_N_ELEMENTS(exceptions); i++) {
		if (strcmp(exceptions[i].msg, name) == 0 && exceptions[i].field == f)
			return exceptions[i].why;
	}
	return NULL;
}

/* Compares both parsers on one message; every disagreement must be a listed exception and
 * every listed exception for the message must still be a disagreement. */
static void compare(const char *name, GBytes *b)
{
	struct sip_msg *m = NULL;
	struct view a;
	struct view o;
	char why[160] = "";
	bool parsed;

	GString *errs = g_string_new(NULL);

	ck_assert_msg(sip_msg_parse_ex(&m, b, 0, why, sizeof(why)) == 0, "%s: %s", name, why);
	ours(m, &a);
	parsed = theirs(b, &o);
	for (int i = 0; i < F_COUNT_; i++) {
		bool same = parsed && agree(&a, &o, (enum field)i);
		const char *exc = parsed ? exception(name, (enum field)i) : exception(name, F_ALL);

		if (!same && !exc)
			g_string_append_printf(errs, "\n  %s: %s differs: ours '%s', libosip2 %s'%s'",
					       name, field_names[i], a.f[i] ? a.f[i] : "(none)",
					       parsed ? "" : "(cannot parse) ",
					       o.f[i] ? o.f[i] : "(none)");
		if (same && exc)
			g_string_append_printf(errs, "\n  %s: %s: stale exception, both say '%s'",
					       name, field_names[i], a.f[i] ? a.f[i] : "(none)");
	}
	if (parsed && exception(name, F_ALL))
		g_string_append_printf(errs, "\n  %s: stale exception, libosip2 parses it", name);
	ck_assert_msg(errs->len == 0, "%s", errs->str);
	g_string_free(errs, TRUE);
	view_clear(&a);
	view_clear(&o);
	sip_msg_unref(m);
}

/* ---------------------------------------------------------------- the vectors */

static const char *const valid_vectors[] = {
	"rfc4475/wsinv.dat", "rfc4475/intmeth.dat", "rfc4475/esc01.dat", "rfc4475/escnull.dat",
	"rfc4475/lwsdisp.dat", "rfc4475/dblreq.dat", "rfc4475/semiuri.dat",
	"rfc4475/transports.dat", "rfc4475/unreason.dat", "rfc4475/badbranch.dat",
	"rfc4475/unkscm.dat", "rfc4475/unksm2.dat", "rfc4475/bext01.dat", "rfc4475/invut.dat",
	"rfc4475/bcast.dat", "rfc4475/cparam01.dat", "rfc4475/cparam02.dat", "rfc4475/sdp01.dat",
	"lint/esc02.dat", "lint/longreq.dat", "lint/mpart01.dat", "lint/noreason.dat",
	"lint/novelsc.dat", "lint/regaut01.dat", "lint/zeromf.dat", "lint/regescrt.dat",
	"lint/inv2543.dat",
};

START_TEST(test_vectors)
{
	char *path = g_build_filename(TOP_SRCDIR "/tests/data", valid_vectors[_i], NULL);
	char *base = g_path_get_basename(path);
	gchar *data = NULL;
	gsize len = 0;
	GBytes *b;

	ck_assert(g_file_get_contents(path, &data, &len, NULL));
	b = g_bytes_new_take(data, len);
	compare(base, b);
	g_bytes_unref(b);
	g_free(base);
	g_free(path);
}
END_TEST

/* ---------------------------------------------------------------- builder messages */

/* Adds the headers every request of a dialog-less UA carries. */
static void common(struct sip_build *b, gsl_rng *r, enum sip_method m, uint32_t cseq,
		   const char *to_tag)
{
	char branch[SIP_BRANCH_SIZE], tag[SIP_TAG_SIZE], callid[SIP_CALLID_SIZE];

	sip_build_branch(branch, r);
	sip_build_tag(tag, r);
	sip_build_callid(callid, r, "10.0.1.21");
	sip_build_via(b, "UDP", "10.0.1.21", 5060, branch, true);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, "Station 2001", "sip:2001@10.0.0.1", tag);
	sip_build_addr(b, SIP_HDR_TO, NULL, "sip:2002@10.0.0.1", to_tag);
	sip_build_hdr(b, SIP_HDR_CALL_ID, callid);
	sip_build_cseq(b, cseq, m, NULL);
	sip_build_addr(b, SIP_HDR_CONTACT, NULL, "sip:2001@10.0.1.21:5060;transport=udp", NULL);
	sip_build_hdr(b, SIP_HDR_USER_AGENT, "ossim-phone/0.1");
}

/* Every kind of message the builder makes, from a seeded stream. */
static GPtrArray *built(void)
{
	static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 10.0.1.21\r\ns=-\r\nc=IN IP4 10.0.1.21\r\n"
				  "t=0 0\r\nm=audio 30000 RTP/AVP 0 8 101\r\n";
	static const enum sip_method methods[] = {
		SIP_METHOD_INVITE, SIP_METHOD_REGISTER, SIP_METHOD_OPTIONS, SIP_METHOD_BYE,
		SIP_METHOD_INFO, SIP_METHOD_UPDATE, SIP_METHOD_PRACK, SIP_METHOD_SUBSCRIBE,
		SIP_METHOD_NOTIFY, SIP_METHOD_REFER, SIP_METHOD_MESSAGE, SIP_METHOD_PUBLISH,
	};
	static const uint16_t codes[] = { 100, 180, 183, 200, 202, 302, 401, 407, 480, 486, 487,
					  488, 500, 503, 603 };
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct sip_msg *inv = NULL;
	size_t i;

	gsl_rng_set(r, 2024);
	for (i = 0; i < G_N_ELEMENTS(methods); i++) {
		struct sip_build *b = sip_build_request(methods[i], NULL, "sip:2002@10.0.0.1");

		common(b, r, methods[i], (uint32_t)(i + 1), methods[i] == SIP_METHOD_BYE ? "9f3a" : NULL);
		if (methods[i] == SIP_METHOD_REGISTER)
			sip_build_hdr(b, SIP_HDR_EXPIRES, "3600");
		if (methods[i] == SIP_METHOD_SUBSCRIBE || methods[i] == SIP_METHOD_NOTIFY)
			sip_build_hdr(b, SIP_HDR_EVENT, "message-summary");
		if (methods[i] == SIP_METHOD_REFER)
			sip_build_hdr(b, SIP_HDR_REFER_TO, "<sip:2003@10.0.0.1>");
		if (methods[i] == SIP_METHOD_INVITE) {
			sip_build_hdr(b, SIP_HDR_ALLOW, SIP_BUILD_ALLOW);
			sip_build_hdr(b, SIP_HDR_SUPPORTED, SIP_BUILD_SUPPORTED);
			sip_build_hdr(b, SIP_HDR_ROUTE, "<sip:10.0.0.1;lr>");
		}
		g_ptr_array_add(out, sip_build_finish(b, "application/sdp",
						      methods[i] == SIP_METHOD_INVITE ? sdp : NULL,
						      sizeof(sdp) - 1));
	}
	ck_assert_int_eq(sip_msg_parse(&inv, g_ptr_array_index(out, 0)), 0);
	for (i = 0; i < G_N_ELEMENTS(codes); i++) {
		struct sip_build *b = sip_build_reply(inv, codes[i], NULL, "a1b2c3d4");
		struct sip_msg *resp = NULL;
		GBytes *rb;

		sip_build_addr(b, SIP_HDR_CONTACT, NULL, "sip:2002@10.0.1.22", NULL);
		rb = sip_build_finish(b, NULL, NULL, 0);
		g_ptr_array_add(out, rb);
		if (codes[i] >= 300) {
			ck_assert_int_eq(sip_msg_parse(&resp, rb), 0);
			g_ptr_array_add(out, sip_build_ack(inv, resp));
			sip_msg_unref(resp);
		}
	}
	g_ptr_array_add(out, sip_build_cancel(inv));
	sip_msg_unref(inv);
	gsl_rng_free(r);
	return out;
}

START_TEST(test_built)
{
	GPtrArray *msgs = built();

	/* 12 requests, 15 responses, 10 ACKs, 1 CANCEL */
	ck_assert_uint_eq(msgs->len, 38);
	for (guint i = 0; i < msgs->len; i++) {
		char name[32];

		g_snprintf(name, sizeof(name), "built#%u", i);
		compare(name, g_ptr_array_index(msgs, i));
	}
	g_ptr_array_unref(msgs);
}
END_TEST

static Suite *osip_suite(void)
{
	Suite *s = suite_create("osip");
	TCase *tc = tcase_create("differential");

	tcase_add_loop_test(tc, test_vectors, 0, G_N_ELEMENTS(valid_vectors));
	tcase_add_test(tc, test_built);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	parser_init();
	sr = srunner_create(osip_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
