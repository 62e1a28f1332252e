/*
 * check_auth.c - tests for models/sip/auth.c: RFC 2617 3.5's worked example, RFC 3665 2.1's
 * REGISTER exchange (and why its digest cannot be verified), header parsing and building, and a
 * registrar's verification with nonce counts, stale and replayed nonces.
 *
 * Known answers not printed in an RFC were computed independently with Python's hashlib.md5
 * (e.g. MD5("ossim.test:0") for the first counter nonce); each one says so where it is used.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <gsl/gsl_rng.h>

#include "models/sip/auth.h"

#define NS_PER_S INT64_C(1000000000)

/* RFC 2617 3.5, the two header values as printed (folded lines included). */
static const char rfc2617_challenge[] =
	"Digest\r\n"
	"                 realm=\"testrealm@host.com\",\r\n"
	"                 qop=\"auth,auth-int\",\r\n"
	"                 nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
	"                 opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
static const char rfc2617_credentials[] =
	"Digest username=\"Mufasa\",\r\n"
	"                 realm=\"testrealm@host.com\",\r\n"
	"                 nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
	"                 uri=\"/dir/index.html\",\r\n"
	"                 qop=auth,\r\n"
	"                 nc=00000001,\r\n"
	"                 cnonce=\"0a4f113b\",\r\n"
	"                 response=\"6629fae49393a05397450978507c4ef1\",\r\n"
	"                 opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

START_TEST(test_rfc2617_ha1_and_digest)
{
	char ha1[SIP_AUTH_HEX_LEN], digest[SIP_AUTH_HEX_LEN];
	struct sip_auth_resp r;

	/* given RFC 2617 3.5's credentials header */
	ck_assert_int_eq(sip_auth_resp_parse(&r, rfc2617_credentials, strlen(rfc2617_credentials)),
			 0);
	ck_assert_str_eq(r.username, "Mufasa");
	ck_assert_int_eq(r.qop, SIP_AUTH_QOP_AUTH);
	ck_assert(r.has_nc);
	ck_assert_uint_eq(r.nc, 1);
	ck_assert_str_eq(r.cnonce, "0a4f113b");

	/* when HA1 and the request-digest for GET are computed */
	sip_auth_ha1(ha1, "Mufasa", "testrealm@host.com", "Circle Of Life");
	ck_assert_int_eq(sip_auth_digest(digest, &r, ha1, "GET"), 0);

	/* then they are the RFC's (the response is printed there; HA1 is from hashlib.md5) */
	ck_assert_str_eq(ha1, "939e7578ed9e3c518a452acee763bce9");
	ck_assert_str_eq(digest, "6629fae49393a05397450978507c4ef1");
	ck_assert_str_eq(digest, r.response);
}
END_TEST

START_TEST(test_rfc2617_client_answer)
{
	struct sip_auth_challenge ch;
	struct sip_auth_resp r;

	/* given RFC 2617 3.5's challenge and Mufasa's credentials */
	ck_assert_int_eq(sip_auth_challenge_parse(&ch, rfc2617_challenge,
						  strlen(rfc2617_challenge)), 0);
	ck_assert_str_eq(ch.realm, "testrealm@host.com");
	ck_assert(ch.qop_auth && ch.qop_auth_int);
	ck_assert_str_eq(ch.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
	struct sip_auth_creds *creds = sip_auth_creds_new("Mufasa", "Circle Of Life");

	/* when the client answers GET /dir/index.html with nc 1 and cnonce 0a4f113b */
	ck_assert_int_eq(sip_auth_creds_answer(creds, &ch, "GET", "/dir/index.html", 1, "0a4f113b",
					       &r), 0);
	GString *hdr = g_string_new(NULL);
	ck_assert_int_eq(sip_auth_resp_build(&r, hdr), 0);

	/* then the header carries the RFC's response, echoes opaque, and never the password */
	ck_assert_str_eq(hdr->str,
			 "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
			 "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
			 "response=\"6629fae49393a05397450978507c4ef1\", cnonce=\"0a4f113b\", "
			 "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", qop=auth, nc=00000001");
	ck_assert_ptr_null(strstr(hdr->str, "Circle"));
	ck_assert_str_eq(sip_auth_creds_username(creds), "Mufasa");
	g_string_free(hdr, TRUE);
	sip_auth_creds_free(creds);
}
END_TEST

START_TEST(test_digest_variants)
{
	struct sip_auth_resp r;
	char ha1[SIP_AUTH_HEX_LEN], d[SIP_AUTH_HEX_LEN];

	ck_assert_int_eq(sip_auth_resp_parse(&r, rfc2617_credentials, strlen(rfc2617_credentials)),
			 0);
	sip_auth_ha1(ha1, "Mufasa", "testrealm@host.com", "Circle Of Life");
	/* MD5-sess with the same values (expected from hashlib.md5, RFC 2617 3.2.2.2) */
	r.alg = SIP_AUTH_ALG_MD5_SESS;
	r.has_alg = true;
	ck_assert_int_eq(sip_auth_digest(d, &r, ha1, "GET"), 0);
	ck_assert_str_eq(d, "8e3825c57e897f5a0dec6c2d4e5059d0");
	/* RFC 2069 form: no qop, nc or cnonce (expected from hashlib.md5) */
	r.alg = SIP_AUTH_ALG_MD5;
	r.qop = SIP_AUTH_QOP_NONE;
	r.has_nc = r.has_cnonce = false;
	ck_assert_int_eq(sip_auth_digest(d, &r, ha1, "GET"), 0);
	ck_assert_str_eq(d, "670fd8c2df070c60b045671b8b24ff02");
	/* qop=auth needs nc and cnonce; nc without qop is a violation; auth-int is not computed */
	r.qop = SIP_AUTH_QOP_AUTH;
	r.has_cnonce = true;
	ck_assert_int_eq(sip_auth_digest(d, &r, ha1, "GET"), EPROTO);
	r.qop = SIP_AUTH_QOP_NONE;
	r.has_nc = true;
	r.has_cnonce = false;
	ck_assert_int_eq(sip_auth_digest(d, &r, ha1, "GET"), EPROTO);
	r.qop = SIP_AUTH_QOP_AUTH_INT;
	ck_assert_int_eq(sip_auth_digest(d, &r, ha1, "GET"), ENOTSUP);
}
END_TEST

/* RFC 3665 2.1, F2's WWW-Authenticate and F3's Authorization values as printed. */
static const char rfc3665_f2[] = "Digest realm=\"atlanta.example.com\", qop=\"auth\",\r\n"
				 " nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\",\r\n"
				 " opaque=\"\", stale=FALSE, algorithm=MD5";
static const char rfc3665_f3[] = "Digest username=\"bob\", realm=\"atlanta.example.com\"\r\n"
				 " nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", opaque=\"\",\r\n"
				 " uri=\"sips:ss2.biloxi.example.com\",\r\n"
				 " response=\"dfe56131d1958046689d83306477ecc\"";

START_TEST(test_rfc3665_register)
{
	struct sip_auth_challenge ch;
	struct sip_auth_resp r;

	/* given RFC 3665 2.1 F2: the challenge parses */
	ck_assert_int_eq(sip_auth_challenge_parse(&ch, rfc3665_f2, strlen(rfc3665_f2)), 0);
	ck_assert_str_eq(ch.realm, "atlanta.example.com");
	ck_assert_str_eq(ch.nonce, "ea9c8e88df84f1cec4341ae6cbe5a359");
	ck_assert(ch.has_opaque);
	ck_assert_str_eq(ch.opaque, "");
	ck_assert(!ch.stale);
	ck_assert(ch.qop_auth && !ch.qop_auth_int);
	ck_assert_int_eq(ch.alg, SIP_AUTH_ALG_MD5);

	/* F3 as printed cannot be verified, and the RFC's values are not consistent:
	 * 1. no comma between realm="..." and nonce=: malformed */
	ck_assert_int_eq(sip_auth_resp_parse(&r, rfc3665_f3, strlen(rfc3665_f3)), EBADMSG);
	/* 2. with the comma restored, response has 31 hex digits, not RFC 2617's 32 */
	gchar *fixed = g_strdup(rfc3665_f3);
	char *p = strstr(fixed, "\"\r\n nonce");
	ck_assert_ptr_nonnull(p);
	p[1] = ',';    /* the "\r" becomes ",", "\n " stays as folding */
	ck_assert_int_eq(sip_auth_resp_parse(&r, fixed, strlen(fixed)), EBADMSG);
	ck_assert_uint_eq(strlen("dfe56131d1958046689d83306477ecc"), 31);
	/* 3. the challenge offers qop="auth", yet F3 has no qop, nc or cnonce; and the RFC never
	 *    gives Bob's password, so no response value could be recomputed anyway. */
	g_free(fixed);
}
END_TEST

/* --- header syntax ------------------------------------------------------------------------- */

static const struct {
	const char *value;
	const char *username;    /* expected, or NULL when parsing must fail with EBADMSG */
	const char *uri;
} resp_rows[] = {
	/* any order, case-insensitive names and scheme, unknown parameters ignored */
	{ "digest RESPONSE=\"6629fae49393a05397450978507c4ef1\", Uri=\"sip:a@b\", x-foo=bar, "
	  "NONCE=\"n\", Realm=\"r\", UserName=\"u\"", "u", "sip:a@b" },
	/* quoted-pair escapes (RFC 3261 25.1) */
	{ "Digest username=\"a\\\"b\\\\c\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", "
	  "response=\"6629fae49393a05397450978507c4ef1\"", "a\"b\\c", "sip:x" },
	/* empty list elements and spaces around '=' */
	{ "Digest ,username = \"u\" ,, realm=\"r\", nonce=\"n\", uri=\"sip:x\", "
	  "response=\"6629FAE49393A05397450978507C4EF1\",", "u", "sip:x" },
	/* a quoted qop is accepted too (common in phones) */
	{ "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", qop=\"auth\", "
	  "nc=00000002, cnonce=\"c\", response=\"6629fae49393a05397450978507c4ef1\"",
	  "u", "sip:x" },
	{ "Basic dXNlcjpwYXNz", NULL, NULL },                               /* not Digest */
	{ "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"", NULL, NULL },
	{ "Digest username=\"u, realm=\"r\"", NULL, NULL },                 /* unbalanced quote */
	{ "Digest username=\"u\" realm=\"r\"", NULL, NULL },                /* missing comma */
	{ "Digest username=\"u\", username=\"v\", realm=\"r\", nonce=\"n\", uri=\"s\", "
	  "response=\"6629fae49393a05397450978507c4ef1\"", NULL, NULL },      /* duplicate */
	{ "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"s\", nc=1, "
	  "response=\"6629fae49393a05397450978507c4ef1\"", NULL, NULL },      /* nc not 8LHEX */
	{ "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"s\", "
	  "response=\"6629fae49393a05397450978507c4efZ\"", NULL, NULL },      /* not hex */
	{ "Digest username=\"u\x01\", realm=\"r\", nonce=\"n\", uri=\"s\", "
	  "response=\"6629fae49393a05397450978507c4ef1\"", NULL, NULL },      /* control char */
	{ "Digest username=", NULL, NULL },
};

START_TEST(test_resp_parse_table)
{
	struct sip_auth_resp r;
	int err = sip_auth_resp_parse(&r, resp_rows[_i].value, strlen(resp_rows[_i].value));

	if (!resp_rows[_i].username) {
		ck_assert_int_eq(err, EBADMSG);
		return;
	}
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(r.username, resp_rows[_i].username);
	ck_assert_str_eq(r.uri, resp_rows[_i].uri);
	ck_assert_str_eq(r.realm, "r");
	ck_assert_str_eq(r.nonce, "n");
}
END_TEST

START_TEST(test_resp_roundtrip_escapes)
{
	/* given credentials whose fields need escaping */
	struct sip_auth_resp r = { .qop = SIP_AUTH_QOP_AUTH, .has_nc = true, .nc = 0x1a,
				   .has_cnonce = true, .alg = SIP_AUTH_ALG_MD5, .has_alg = true };
	g_strlcpy(r.username, "we\"ird\\user", sizeof(r.username));
	g_strlcpy(r.realm, "r", sizeof(r.realm));
	g_strlcpy(r.nonce, "n1", sizeof(r.nonce));
	g_strlcpy(r.uri, "sip:1@2", sizeof(r.uri));
	g_strlcpy(r.cnonce, "c", sizeof(r.cnonce));
	g_strlcpy(r.response, "0123456789abcdef0123456789abcdef", sizeof(r.response));
	GString *s = g_string_new(NULL);
	struct sip_auth_resp back;

	/* when built and parsed back */
	ck_assert_int_eq(sip_auth_resp_build(&r, s), 0);
	ck_assert_int_eq(sip_auth_resp_parse(&back, s->str, s->len), 0);

	/* then every field survives, and nc is 8 hex digits on the wire */
	ck_assert_ptr_nonnull(strstr(s->str, "username=\"we\\\"ird\\\\user\""));
	ck_assert_ptr_nonnull(strstr(s->str, "nc=0000001a"));
	ck_assert_str_eq(back.username, r.username);
	ck_assert_uint_eq(back.nc, 0x1a);
	ck_assert_int_eq(back.qop, SIP_AUTH_QOP_AUTH);
	ck_assert_int_eq(back.alg, SIP_AUTH_ALG_MD5);
	ck_assert_str_eq(back.response, r.response);
	/* a CR in a field is refused instead of injected */
	g_strlcpy(r.uri, "sip:x\r\nVia: evil", sizeof(r.uri));
	GString *s2 = g_string_new(NULL);
	ck_assert_int_eq(sip_auth_resp_build(&r, s2), EINVAL);
	ck_assert_uint_eq(s2->len, 0);
	g_string_free(s2, TRUE);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_challenge_build)
{
	/* given a counter-mode nonce table (deterministic) */
	struct sip_auth_nonces *n = sip_auth_nonces_new("ossim.test", NULL, 0);
	struct sip_auth_challenge ch, back;
	GString *s = g_string_new(NULL);

	/* when the first challenge is built (stale) */
	sip_auth_nonces_challenge(n, 0, true, &ch);
	ck_assert_int_eq(sip_auth_challenge_build(&ch, s), 0);

	/* then the nonce is MD5("ossim.test:0") (hashlib.md5) and the text is exact */
	ck_assert_str_eq(s->str, "Digest realm=\"ossim.test\", "
				 "nonce=\"b324c7a2404aa7bbe17b472e762915d6\", algorithm=MD5, "
				 "qop=\"auth\", stale=true");
	ck_assert_int_eq(sip_auth_challenge_parse(&back, s->str, s->len), 0);
	ck_assert(back.stale && back.qop_auth);
	ck_assert_str_eq(back.nonce, ch.nonce);
	/* and the second nonce is MD5("ossim.test:1") */
	sip_auth_nonces_challenge(n, 0, false, &ch);
	ck_assert_str_eq(ch.nonce, "cf373f24ab1d7d4f16cb2c5bff72aeeb");
	g_string_free(s, TRUE);
	sip_auth_nonces_free(n);
}
END_TEST

START_TEST(test_nonces_from_rng_deterministic)
{
	/* given two tables fed by generators with the same seed */
	gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r1, 42);
	gsl_rng_set(r2, 42);
	struct sip_auth_nonces *a = sip_auth_nonces_new("r", r1, 0);
	struct sip_auth_nonces *b = sip_auth_nonces_new("r", r2, 0);
	struct sip_auth_challenge ca, cb, ca2;

	/* when each issues nonces */
	sip_auth_nonces_challenge(a, 0, false, &ca);
	sip_auth_nonces_challenge(b, 0, false, &cb);
	sip_auth_nonces_challenge(a, 0, false, &ca2);

	/* then the same seed gives the same 32-hex-digit nonce, and the next one differs */
	ck_assert_str_eq(ca.nonce, cb.nonce);
	ck_assert_uint_eq(strlen(ca.nonce), 32);
	ck_assert_str_ne(ca.nonce, ca2.nonce);
	ck_assert_uint_eq(sip_auth_nonces_count(a), 2);
	char c1[17], c2[17];
	gsl_rng_set(r1, 7);    /* a phone's cnonce stream: same seed, same cnonce */
	gsl_rng_set(r2, 7);
	sip_auth_cnonce(c1, r1);
	sip_auth_cnonce(c2, r2);
	ck_assert_str_eq(c1, c2);
	ck_assert_uint_eq(strlen(c1), 16);
	sip_auth_nonces_free(a);
	sip_auth_nonces_free(b);
	gsl_rng_free(r1);
	gsl_rng_free(r2);
}
END_TEST

/* --- a registrar's verification ------------------------------------------------------------ */

/* A phone answers a fresh challenge from table n at time t with password pw and count nc. */
static void phone_answer(struct sip_auth_challenge *ch, const char *pw, uint32_t nc,
			 struct sip_auth_resp *r)
{
	struct sip_auth_creds *c = sip_auth_creds_new("2001", pw);

	ck_assert_int_eq(sip_auth_creds_answer(c, ch, "REGISTER", "sip:10.0.0.1", nc, "0a4f113b",
					       r), 0);
	sip_auth_creds_free(c);
}

START_TEST(test_verify_flow)
{
	/* given a registrar with 30 s nonces and HA1 for user 2001 */
	struct sip_auth_nonces *n = sip_auth_nonces_new("ossim.test", NULL, 30 * NS_PER_S);
	char ha1[SIP_AUTH_HEX_LEN];
	sip_auth_ha1(ha1, "2001", "ossim.test", "1234");
	struct sip_auth_challenge ch;
	struct sip_auth_resp r;
	enum sip_auth_verdict v;
	sip_auth_nonces_challenge(n, 0, false, &ch);

	/* the right password with nc 1: accepted */
	phone_answer(&ch, "1234", 1, &r);
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", NS_PER_S, &v), 0);
	ck_assert_int_eq(v, SIP_AUTH_OK);
	/* the same request again (nc 1): a replay */
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", NS_PER_S, &v), 0);
	ck_assert_int_eq(v, SIP_AUTH_REPLAY);
	/* nc 2 on the same nonce: accepted */
	phone_answer(&ch, "1234", 2, &r);
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", 2 * NS_PER_S, &v), 0);
	ck_assert_int_eq(v, SIP_AUTH_OK);
	/* the digest covers the method: the same credentials on INVITE fail */
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "INVITE", 2 * NS_PER_S, &v), 0);
	ck_assert_int_eq(v, SIP_AUTH_BAD);
	/* a wrong password: bad */
	phone_answer(&ch, "4321", 3, &r);
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", 3 * NS_PER_S, &v), 0);
	ck_assert_int_eq(v, SIP_AUTH_BAD);
	/* the right password after the nonce's lifetime: stale (401 with stale=true) */
	phone_answer(&ch, "1234", 4, &r);
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", 31 * NS_PER_S, &v), 0);
	ck_assert_int_eq(v, SIP_AUTH_STALE);
	/* a nonce the registrar never issued, right password: stale; wrong password: bad */
	struct sip_auth_challenge forged = ch;
	g_strlcpy(forged.nonce, "00000000000000000000000000000000", sizeof(forged.nonce));
	phone_answer(&forged, "1234", 1, &r);
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", NS_PER_S, &v), 0);
	ck_assert_int_eq(v, SIP_AUTH_STALE);
	phone_answer(&forged, "0000", 1, &r);
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", NS_PER_S, &v), 0);
	ck_assert_int_eq(v, SIP_AUTH_BAD);
	/* issuing after the lifetime forgets the expired nonce */
	sip_auth_nonces_challenge(n, 40 * NS_PER_S, true, &ch);
	ck_assert_uint_eq(sip_auth_nonces_count(n), 1);
	sip_auth_nonces_free(n);
}
END_TEST

START_TEST(test_verify_protocol_errors)
{
	struct sip_auth_nonces *n = sip_auth_nonces_new("ossim.test", NULL, 0);
	char ha1[SIP_AUTH_HEX_LEN];
	sip_auth_ha1(ha1, "2001", "ossim.test", "1234");
	struct sip_auth_challenge ch;
	struct sip_auth_resp r;
	enum sip_auth_verdict v = SIP_AUTH_OK;
	sip_auth_nonces_challenge(n, 0, false, &ch);
	phone_answer(&ch, "1234", 1, &r);

	/* qop=auth without nc: EPROTO (RFC 2617 3.2.2) */
	r.has_nc = false;
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", 0, &v), EPROTO);
	/* qop=auth without cnonce: EPROTO */
	r.has_nc = true;
	r.has_cnonce = false;
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", 0, &v), EPROTO);
	/* nc 00000000: EPROTO */
	r.has_cnonce = true;
	r.nc = 0;
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", 0, &v), EPROTO);
	/* the RFC 2069 form (no qop) of a phone is still verified */
	ch.qop_auth = false;
	phone_answer(&ch, "1234", 1, &r);
	ck_assert(!r.has_nc && !r.has_cnonce);
	ck_assert_int_eq(sip_auth_verify(n, &r, ha1, "REGISTER", 0, &v), 0);
	ck_assert_int_eq(v, SIP_AUTH_OK);
	ck_assert_int_eq(sip_auth_verify(NULL, &r, ha1, "REGISTER", 0, &v), EINVAL);
	sip_auth_nonces_free(n);
}
END_TEST

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("rfc");

	tcase_add_test(tc, test_rfc2617_ha1_and_digest);
	tcase_add_test(tc, test_rfc2617_client_answer);
	tcase_add_test(tc, test_digest_variants);
	tcase_add_test(tc, test_rfc3665_register);
	suite_add_tcase(s, tc);
	tc = tcase_create("syntax");
	tcase_add_loop_test(tc, test_resp_parse_table, 0, G_N_ELEMENTS(resp_rows));
	tcase_add_test(tc, test_resp_roundtrip_escapes);
	tcase_add_test(tc, test_challenge_build);
	suite_add_tcase(s, tc);
	tc = tcase_create("verify");
	tcase_add_test(tc, test_nonces_from_rng_deterministic);
	tcase_add_test(tc, test_verify_flow);
	tcase_add_test(tc, test_verify_protocol_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(auth_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
