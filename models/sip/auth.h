/*
 * auth.h - HTTP digest authentication for SIP (RFC 2617, RFC 3261 22).
 *
 * Three parties use it. A registrar or proxy keeps a struct sip_auth_nonces (the nonces it has
 * issued, when, and the highest nonce count seen), builds a challenge for a 401/407
 * (WWW-Authenticate / Proxy-Authenticate) and verifies the Authorization / Proxy-Authorization
 * that comes back against HA1 = MD5(username:realm:password), so it never holds a password.
 * A phone keeps its password in an opaque struct sip_auth_creds (wiped on free, never printed)
 * and answers a challenge with a struct sip_auth_resp.
 *
 * Header values are parsed from (pointer, length) slices, never assumed NUL-terminated:
 * parameters in any order, names case-insensitive, quoted strings with backslash escapes,
 * unknown parameters ignored. MD5 is GLib's GChecksum. Every nonce and cnonce comes from a
 * caller's gsl_rng or counter, so runs are deterministic under a seed.
 */
#ifndef OSSIM_SIP_AUTH_H
#define OSSIM_SIP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <gsl/gsl_rng.h>

#define SIP_AUTH_FIELD_LEN 256    /* longest realm, nonce, uri, username... we accept */
#define SIP_AUTH_HEX_LEN 33       /* 32 lower-case hex digits of an MD5 digest + NUL */

enum sip_auth_alg {
	SIP_AUTH_ALG_MD5 = 0,        /* also when algorithm= is absent (RFC 2617 3.2.1) */
	SIP_AUTH_ALG_MD5_SESS,
	SIP_AUTH_ALG_OTHER,          /* anything else: parsed, never computed */
};

enum sip_auth_qop {
	SIP_AUTH_QOP_NONE = 0,       /* RFC 2069 compatibility: response = MD5(HA1:nonce:HA2) */
	SIP_AUTH_QOP_AUTH,
	SIP_AUTH_QOP_AUTH_INT,       /* parsed, not computed (needs the body) */
	SIP_AUTH_QOP_OTHER,
};

/* A challenge: the value of WWW-Authenticate or Proxy-Authenticate (RFC 2617 3.2.1). */
struct sip_auth_challenge {
	char realm[SIP_AUTH_FIELD_LEN];
	char nonce[SIP_AUTH_FIELD_LEN];
	char opaque[SIP_AUTH_FIELD_LEN];
	bool has_opaque;                 /* opaque="" is sent by RFC 3665's examples */
	bool stale;
	enum sip_auth_alg alg;
	bool has_alg;                    /* algorithm= was given */
	bool qop_auth;                   /* qop options include "auth" */
	bool qop_auth_int;               /* ... "auth-int" */
};

/* Credentials: the value of Authorization or Proxy-Authorization (RFC 2617 3.2.2). */
struct sip_auth_resp {
	char username[SIP_AUTH_FIELD_LEN];
	char realm[SIP_AUTH_FIELD_LEN];
	char nonce[SIP_AUTH_FIELD_LEN];
	char uri[SIP_AUTH_FIELD_LEN];
	char response[SIP_AUTH_HEX_LEN]; /* 32 hex digits as received (compared ignoring case) */
	char cnonce[SIP_AUTH_FIELD_LEN];
	char opaque[SIP_AUTH_FIELD_LEN];
	bool has_opaque;
	enum sip_auth_alg alg;
	bool has_alg;
	enum sip_auth_qop qop;
	bool has_nc;
	uint32_t nc;                     /* nonce count (8 hex digits on the wire) */
	bool has_cnonce;
};

/* Outcome of a verification that was well-formed (see sip_auth_verify). */
enum sip_auth_verdict {
	SIP_AUTH_OK,             /* accept the request */
	SIP_AUTH_BAD,            /* wrong digest (password) or realm: 401 */
	SIP_AUTH_STALE,          /* right digest, nonce unknown or expired: 401 with stale=true */
	SIP_AUTH_REPLAY,         /* right digest, known nonce, nonce count not increasing: 401 */
};

/* Parse a challenge value ("Digest realm=..., nonce=..."), len bytes.
 * Errors: EINVAL (NULL), EBADMSG (not Digest, syntax, a field too long, no realm or nonce). */
int sip_auth_challenge_parse(struct sip_auth_challenge *ch, const char *value, size_t len);

/* Append a challenge value to out: Digest realm, nonce, [opaque], algorithm=MD5, [qop="auth"],
 * [stale=true]. Errors: EINVAL (NULL, empty realm or nonce). */
int sip_auth_challenge_build(const struct sip_auth_challenge *ch, GString *out);

/* Parse a credentials value ("Digest username=..., ..."), len bytes.
 * Errors: EINVAL (NULL), EBADMSG (not Digest, syntax, field too long, response not 32 hex digits,
 * nc not 8 hex digits, username/realm/nonce/uri/response missing). */
int sip_auth_resp_parse(struct sip_auth_resp *r, const char *value, size_t len);

/* Append a credentials value to out. Errors: EINVAL (NULL, missing required field). */
int sip_auth_resp_build(const struct sip_auth_resp *r, GString *out);

/* HA1 = MD5(username:realm:password) as 32 lower-case hex digits (RFC 2617 3.2.2.2).
 * A registrar stores this instead of the password. */
void sip_auth_ha1(char out[SIP_AUTH_HEX_LEN], const char *username, const char *realm,
		  const char *password);

/* The request-digest for credentials r sent with method (RFC 2617 3.2.2.1), from HA1.
 * Errors: EINVAL (NULL), EPROTO (qop=auth without nc or cnonce, MD5-sess without cnonce, nc or
 * cnonce without qop), ENOTSUP (algorithm or qop we do not compute: auth-int, not MD5). */
int sip_auth_digest(char out[SIP_AUTH_HEX_LEN], const struct sip_auth_resp *r,
		    const char ha1[SIP_AUTH_HEX_LEN], const char *method);

/* A phone's secret: username and password, held only here. No print function exists; free
 * wipes the password. */
struct sip_auth_creds;

/* New credentials (copies both strings). */
struct sip_auth_creds *sip_auth_creds_new(const char *username, const char *password);

/* Wipe and free; NULL is fine. */
void sip_auth_creds_free(struct sip_auth_creds *creds);

/* The username (never the password). */
const char *sip_auth_creds_username(const struct sip_auth_creds *creds);

/* Answer a challenge for method and uri into r: qop=auth when offered (with nc and cnonce given
 * by the caller; a phone counts nc per nonce and draws cnonce with sip_auth_cnonce()), otherwise
 * the RFC 2069 form. Errors: EINVAL (NULL, empty cnonce with qop), ENOTSUP (algorithm not MD5 or
 * MD5-sess, or only auth-int offered), EBADMSG (a field too long for r). */
int sip_auth_creds_answer(const struct sip_auth_creds *creds, const struct sip_auth_challenge *ch,
			  const char *method, const char *uri, uint32_t nc, const char *cnonce,
			  struct sip_auth_resp *r);

/* A client nonce of 16 hex digits from rng (64 bits drawn 16 at a time). */
void sip_auth_cnonce(char out[17], gsl_rng *rng);

/* The nonces a registrar or proxy has issued in one realm. */
struct sip_auth_nonces;

/* New nonce table for realm. With rng, each nonce is 128 bits drawn from it (32 hex digits);
 * with rng NULL, nonces are MD5(realm:counter) in order: deterministic and unique, but
 * predictable, which a simulation allows. lifetime_ns > 0: a nonce older than that is stale. */
struct sip_auth_nonces *sip_auth_nonces_new(const char *realm, gsl_rng *rng, int64_t lifetime_ns);

/* Free the table; NULL is fine. */
void sip_auth_nonces_free(struct sip_auth_nonces *nonces);

/* Issue a fresh nonce at simulated time now and fill a challenge with it (realm, nonce,
 * algorithm=MD5, qop="auth", stale as given). Expired nonces are forgotten here. */
void sip_auth_nonces_challenge(struct sip_auth_nonces *nonces, int64_t now, bool stale,
			       struct sip_auth_challenge *ch);

/* Number of nonces currently remembered. */
size_t sip_auth_nonces_count(const struct sip_auth_nonces *nonces);

/* Verify credentials r of a request with method at time now against ha1 (the caller looks it up
 * by r->username). *verdict gets the outcome; on SIP_AUTH_OK the nonce count is recorded.
 * A wrong digest is always SIP_AUTH_BAD; a right digest with an unknown or expired nonce is
 * SIP_AUTH_STALE (RFC 2617 3.2.1: stale means the password was right). The caller checks r->uri
 * against the Request-URI. Errors: EINVAL (NULL), EPROTO (qop=auth without nc or cnonce, nc or
 * cnonce without qop, nc = 0), ENOTSUP (algorithm or qop we do not compute). */
int sip_auth_verify(struct sip_auth_nonces *nonces, const struct sip_auth_resp *r,
		    const char ha1[SIP_AUTH_HEX_LEN], const char *method, int64_t now,
		    enum sip_auth_verdict *verdict);

#endif
