/*
 * auth.c - digest authentication (RFC 2617, RFC 3261 22): header values, digests, nonces.
 *
 * The header grammar (RFC 2617 3.2.1/3.2.2, RFC 3261 25.1) is a comma-separated list of
 * name=value pairs after the scheme; values are tokens or quoted strings. We read it from a slice
 * with one small scanner shared by challenges and credentials. Passwords live only inside
 * struct sip_auth_creds and in a stack buffer while HA1 is computed; both are wiped.
 */
#include "config.h"

#include "models/sip/auth.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "models/sip/pl.h"

#define AUTH_NONCES_MAX 65536    /* oldest nonces are forgotten past this many */

struct sip_auth_creds {
	char *username;
	char *password;
	size_t password_len;     /* for the wipe */
};

struct auth_nonce {
	char nonce[SIP_AUTH_HEX_LEN];
	int64_t issued;          /* simulated ns */
	uint32_t last_nc;        /* 0 = no request with qop seen yet */
};

struct sip_auth_nonces {
	char *realm;
	gsl_rng *rng;            /* borrowed; NULL = counter nonces */
	uint64_t counter;
	int64_t lifetime_ns;     /* <= 0: nonces never expire */
	GHashTable *by_nonce;    /* nonce -> struct auth_nonce (owned); lookups only */
	GQueue order;            /* the same entries in issue order, oldest first */
};

/* One name=value of a header value; val holds the unescaped value. */
struct auth_param {
	struct sip_pl name;
	char val[SIP_AUTH_FIELD_LEN];
	size_t val_len;
	bool quoted;
	bool too_long;           /* value did not fit in val */
};

/* Linear white space, including folded line ends (RFC 3261 25.1 LWS). */
static bool auth_is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 3261 25.1 token characters. */
static bool auth_is_tokenc(char c)
{
	return g_ascii_isalnum(c) || (c && strchr("-.!%*_+`'~", c));
}

/* Skip white space in *s. */
static void auth_skip_lws(struct sip_pl *s)
{
	while (s->l && auth_is_lws(s->p[0])) {
		s->p++;
		s->l--;
	}
}

/* Take a token from *s (may be empty). */
static struct sip_pl auth_token(struct sip_pl *s)
{
	size_t i = 0;

	while (i < s->l && auth_is_tokenc(s->p[i]))
		i++;
	struct sip_pl t = { s->p, i };
	s->p += i;
	s->l -= i;
	return t;
}

/* Store one value byte, noting overflow. */
static void auth_val_put(struct auth_param *p, char c)
{
	if (p->val_len + 1 < sizeof(p->val))
		p->val[p->val_len++] = c;
	else
		p->too_long = true;
}

/* Read the next name=value into p. *done is set at the end of the list.
 * Returns EBADMSG on a syntax error. */
static int auth_next_param(struct sip_pl *s, struct auth_param *p, bool *done)
{
	memset(p, 0, sizeof(*p));
	*done = false;
	/* RFC 2616 2.1 #rule: empty list elements are allowed */
	for (;;) {
		auth_skip_lws(s);
		if (s->l && s->p[0] == ',') {
			s->p++;
			s->l--;
			continue;
		}
		break;
	}
	if (s->l == 0) {
		*done = true;
		return 0;
	}
	p->name = auth_token(s);
	if (p->name.l == 0)
		return EBADMSG;
	auth_skip_lws(s);
	if (!s->l || s->p[0] != '=')
		return EBADMSG;
	s->p++;
	s->l--;
	auth_skip_lws(s);
	if (s->l && s->p[0] == '"') {
		size_t i = 1;
		p->quoted = true;
		for (;;) {
			if (i >= s->l)
				return EBADMSG;    /* unterminated quoted string */
			char c = s->p[i];
			if (c == '"')
				break;
			if (c == '\\') {
				/* RFC 3261 25.1 quoted-pair; a CR or LF may not be escaped */
				if (i + 1 >= s->l || s->p[i + 1] == '\r' || s->p[i + 1] == '\n')
					return EBADMSG;
				c = s->p[++i];
			}
			if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f)
				return EBADMSG;
			auth_val_put(p, c);
			i++;
		}
		s->p += i + 1;
		s->l -= i + 1;
	} else {
		struct sip_pl t = auth_token(s);
		if (t.l == 0)
			return EBADMSG;
		for (size_t i = 0; i < t.l; i++)
			auth_val_put(p, t.p[i]);
	}
	p->val[p->val_len] = '\0';
	auth_skip_lws(s);
	if (s->l && s->p[0] != ',')
		return EBADMSG;    /* e.g. RFC 3665 2.1 F3, which lost a comma after realm */
	return 0;
}

/* Check the "Digest" scheme and return the parameter list after it. */
static int auth_scheme(const char *value, size_t len, struct sip_pl *rest)
{
	*rest = (struct sip_pl){ value, len };
	auth_skip_lws(rest);
	struct sip_pl scheme = auth_token(rest);
	if (!sip_pl_caseeq_str(scheme, "Digest"))
		return EBADMSG;
	if (!rest->l || !auth_is_lws(rest->p[0]))
		return EBADMSG;
	return 0;
}

/* Copy a parsed value into a field, rejecting duplicates and overflow. */
static int auth_take(char *dst, size_t size, const struct auth_param *p, unsigned bit,
		     unsigned *seen)
{
	if ((*seen & bit) || p->too_long || p->val_len >= size)
		return EBADMSG;
	*seen |= bit;
	memcpy(dst, p->val, p->val_len + 1);
	return 0;
}

/* algorithm= value. */
static enum sip_auth_alg auth_alg(const char *v)
{
	if (g_ascii_strcasecmp(v, "MD5") == 0)
		return SIP_AUTH_ALG_MD5;
	if (g_ascii_strcasecmp(v, "MD5-sess") == 0)
		return SIP_AUTH_ALG_MD5_SESS;
	return SIP_AUTH_ALG_OTHER;
}

/* Split a qop-options list ("auth,auth-int") into flags. */
static void auth_qop_options(const char *v, struct sip_auth_challenge *ch)
{
	gchar **opts = g_strsplit(v, ",", -1);

	for (gchar **o = opts; *o; o++) {
		g_strstrip(*o);
		if (g_ascii_strcasecmp(*o, "auth") == 0)
			ch->qop_auth = true;
		else if (g_ascii_strcasecmp(*o, "auth-int") == 0)
			ch->qop_auth_int = true;
	}
	g_strfreev(opts);
}

int sip_auth_challenge_parse(struct sip_auth_challenge *ch, const char *value, size_t len)
{
	struct sip_pl rest;
	struct auth_param p;
	unsigned seen = 0;
	bool done;
	char scratch[SIP_AUTH_FIELD_LEN];
	int err;

	if (!ch || (!value && len))
		return EINVAL;
	memset(ch, 0, sizeof(*ch));
	if ((err = auth_scheme(value, len, &rest)))
		return err;
	while (!(err = auth_next_param(&rest, &p, &done)) && !done) {
		if (sip_pl_caseeq_str(p.name, "realm")) {
			err = auth_take(ch->realm, sizeof(ch->realm), &p, 1u, &seen);
		} else if (sip_pl_caseeq_str(p.name, "nonce")) {
			err = auth_take(ch->nonce, sizeof(ch->nonce), &p, 2u, &seen);
		} else if (sip_pl_caseeq_str(p.name, "opaque")) {
			err = auth_take(ch->opaque, sizeof(ch->opaque), &p, 4u, &seen);
			ch->has_opaque = true;
		} else if (sip_pl_caseeq_str(p.name, "stale")) {
			/* RFC 2617 3.2.1: "true" (case-insensitive) or anything else = false */
			err = auth_take(scratch, sizeof(scratch), &p, 8u, &seen);
			ch->stale = g_ascii_strcasecmp(scratch, "true") == 0;
		} else if (sip_pl_caseeq_str(p.name, "algorithm")) {
			err = auth_take(scratch, sizeof(scratch), &p, 16u, &seen);
			ch->alg = auth_alg(scratch);
			ch->has_alg = true;
		} else if (sip_pl_caseeq_str(p.name, "qop")) {
			err = auth_take(scratch, sizeof(scratch), &p, 32u, &seen);
			auth_qop_options(scratch, ch);
		}
		/* domain and unknown auth-params: ignored (RFC 2617 3.2.1) */
		if (err)
			return err;
	}
	if (err)
		return err;
	if (!(seen & 1u) || !(seen & 2u))
		return EBADMSG;    /* realm and nonce are required */
	return 0;
}

/* Append a quoted string with '"' and '\' escaped; false when v holds a control character. */
static bool auth_put_quoted(GString *out, const char *v)
{
	g_string_append_c(out, '"');
	for (const char *c = v; *c; c++) {
		if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
			return false;
		if (*c == '"' || *c == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *c);
	}
	g_string_append_c(out, '"');
	return true;
}

/* Append `, name="value"` (or without the comma first). */
static bool auth_put_param(GString *out, const char *name, const char *v)
{
	if (out->len && out->str[out->len - 1] != ' ')
		g_string_append(out, ", ");
	g_string_append_printf(out, "%s=", name);
	return auth_put_quoted(out, v);
}

/* Algorithm token for building, NULL for OTHER. */
static const char *auth_alg_name(enum sip_auth_alg alg)
{
	switch (alg) {
	case SIP_AUTH_ALG_MD5: return "MD5";
	case SIP_AUTH_ALG_MD5_SESS: return "MD5-sess";
	case SIP_AUTH_ALG_OTHER: return NULL;
	}
	return NULL;
}

int sip_auth_challenge_build(const struct sip_auth_challenge *ch, GString *out)
{
	if (!ch || !out || !ch->realm[0] || !ch->nonce[0] || !auth_alg_name(ch->alg))
		return EINVAL;
	GString *s = g_string_new("Digest ");
	bool ok = auth_put_param(s, "realm", ch->realm) && auth_put_param(s, "nonce", ch->nonce);
	if (ok && ch->has_opaque)
		ok = auth_put_param(s, "opaque", ch->opaque);
	if (ok) {
		g_string_append_printf(s, ", algorithm=%s", auth_alg_name(ch->alg));
		if (ch->qop_auth || ch->qop_auth_int)
			g_string_append_printf(s, ", qop=\"%s%s%s\"", ch->qop_auth ? "auth" : "",
					       ch->qop_auth && ch->qop_auth_int ? "," : "",
					       ch->qop_auth_int ? "auth-int" : "");
		if (ch->stale)
			g_string_append(s, ", stale=true");    /* RFC 2617 3.2.1 */
		g_string_append_len(out, s->str, (gssize)s->len);
	}
	g_string_free(s, TRUE);
	return ok ? 0 : EINVAL;
}

/* Exactly n hex digits. */
static bool auth_is_hex(const char *v, size_t n)
{
	if (strlen(v) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isxdigit(v[i]))
			return false;
	return true;
}

int sip_auth_resp_parse(struct sip_auth_resp *r, const char *value, size_t len)
{
	struct sip_pl rest;
	struct auth_param p;
	unsigned seen = 0;
	bool done;
	char scratch[SIP_AUTH_FIELD_LEN];
	int err;

	if (!r || (!value && len))
		return EINVAL;
	memset(r, 0, sizeof(*r));
	if ((err = auth_scheme(value, len, &rest)))
		return err;
	while (!(err = auth_next_param(&rest, &p, &done)) && !done) {
		if (sip_pl_caseeq_str(p.name, "username")) {
			err = auth_take(r->username, sizeof(r->username), &p, 1u, &seen);
		} else if (sip_pl_caseeq_str(p.name, "realm")) {
			err = auth_take(r->realm, sizeof(r->realm), &p, 2u, &seen);
		} else if (sip_pl_caseeq_str(p.name, "nonce")) {
			err = auth_take(r->nonce, sizeof(r->nonce), &p, 4u, &seen);
		} else if (sip_pl_caseeq_str(p.name, "uri")) {
			err = auth_take(r->uri, sizeof(r->uri), &p, 8u, &seen);
		} else if (sip_pl_caseeq_str(p.name, "response")) {
			/* RFC 2617 3.2.2: request-digest = <"> 32LHEX <"> */
			err = auth_take(scratch, sizeof(scratch), &p, 16u, &seen);
			if (!err && !auth_is_hex(scratch, 32))
				err = EBADMSG;
			if (!err)
				memcpy(r->response, scratch, SIP_AUTH_HEX_LEN);
		} else if (sip_pl_caseeq_str(p.name, "cnonce")) {
			err = auth_take(r->cnonce, sizeof(r->cnonce), &p, 32u, &seen);
			r->has_cnonce = true;
		} else if (sip_pl_caseeq_str(p.name, "opaque")) {
			err = auth_take(r->opaque, sizeof(r->opaque), &p, 64u, &seen);
			r->has_opaque = true;
		} else if (sip_pl_caseeq_str(p.name, "algorithm")) {
			err = auth_take(scratch, sizeof(scratch), &p, 128u, &seen);
			r->alg = auth_alg(scratch);
			r->has_alg = true;
		} else if (sip_pl_caseeq_str(p.name, "qop")) {
			/* a token in RFC 2617; many phones quote it, which we accept */
			err = auth_take(scratch, sizeof(scratch), &p, 256u, &seen);
			if (g_ascii_strcasecmp(scratch, "auth") == 0)
				r->qop = SIP_AUTH_QOP_AUTH;
			else if (g_ascii_strcasecmp(scratch, "auth-int") == 0)
				r->qop = SIP_AUTH_QOP_AUTH_INT;
			else
				r->qop = SIP_AUTH_QOP_OTHER;
		} else if (sip_pl_caseeq_str(p.name, "nc")) {
			/* RFC 2617 3.2.2: nc-value = 8LHEX */
			err = auth_take(scratch, sizeof(scratch), &p, 512u, &seen);
			if (!err && !auth_is_hex(scratch, 8))
				err = EBADMSG;
			if (!err) {
				r->nc = (uint32_t)g_ascii_strtoull(scratch, NULL, 16);
				r->has_nc = true;
			}
		}
		if (err)
			return err;
	}
	if (err)
		return err;
	if ((seen & 31u) != 31u)
		return EBADMSG;    /* username, realm, nonce, uri, response are required */
	return 0;
}

int sip_auth_resp_build(const struct sip_auth_resp *r, GString *out)
{
	if (!r || !out || !r->username[0] || !r->realm[0] || !r->nonce[0] || !r->uri[0] ||
	    !auth_is_hex(r->response, 32) || (r->has_alg && !auth_alg_name(r->alg)))
		return EINVAL;
	if (r->qop != SIP_AUTH_QOP_NONE && r->qop != SIP_AUTH_QOP_AUTH &&
	    r->qop != SIP_AUTH_QOP_AUTH_INT)
		return EINVAL;
	GString *s = g_string_new("Digest ");
	/* RFC 3261 22.4's example order */
	bool ok = auth_put_param(s, "username", r->username) &&
		  auth_put_param(s, "realm", r->realm) && auth_put_param(s, "nonce", r->nonce) &&
		  auth_put_param(s, "uri", r->uri) && auth_put_param(s, "response", r->response);
	if (ok && r->has_alg)
		g_string_append_printf(s, ", algorithm=%s", auth_alg_name(r->alg));
	if (ok && r->has_cnonce)
		ok = auth_put_param(s, "cnonce", r->cnonce);
	if (ok && r->has_opaque)
		ok = auth_put_param(s, "opaque", r->opaque);
	if (ok && r->qop != SIP_AUTH_QOP_NONE)
		g_string_append_printf(s, ", qop=%s",
				       r->qop == SIP_AUTH_QOP_AUTH ? "auth" : "auth-int");
	if (ok && r->has_nc)
		g_string_append_printf(s, ", nc=%08x", (unsigned)r->nc);
	if (ok)
		g_string_append_len(out, s->str, (gssize)s->len);
	g_string_free(s, TRUE);
	return ok ? 0 : EINVAL;
}

/* MD5 of the strings joined with ':' into 32 lower-case hex digits. */
static void auth_md5_join(char out[SIP_AUTH_HEX_LEN], const char *const *parts, size_t n)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);

	for (size_t i = 0; i < n; i++) {
		if (i)
			g_checksum_update(ck, (const guchar *)":", 1);
		g_checksum_update(ck, (const guchar *)parts[i], (gssize)strlen(parts[i]));
	}
	/* GLib documents the string as lower-case hex */
	g_strlcpy(out, g_checksum_get_string(ck), SIP_AUTH_HEX_LEN);
	g_checksum_free(ck);
}

void sip_auth_ha1(char out[SIP_AUTH_HEX_LEN], const char *username, const char *realm,
		  const char *password)
{
	const char *parts[] = { username, realm, password };

	auth_md5_join(out, parts, 3);
}

int sip_auth_digest(char out[SIP_AUTH_HEX_LEN], const struct sip_auth_resp *r,
		    const char ha1[SIP_AUTH_HEX_LEN], const char *method)
{
	char ha1s[SIP_AUTH_HEX_LEN], ha2[SIP_AUTH_HEX_LEN], nc[9];

	if (!out || !r || !ha1 || !method)
		return EINVAL;
	if (r->alg == SIP_AUTH_ALG_OTHER || (r->qop != SIP_AUTH_QOP_NONE &&
					     r->qop != SIP_AUTH_QOP_AUTH))
		return ENOTSUP;
	/* RFC 2617 3.2.2: with qop, nc and cnonce MUST be sent; without it, MUST NOT */
	if (r->qop == SIP_AUTH_QOP_AUTH && (!r->has_nc || !r->has_cnonce))
		return EPROTO;
	if (r->qop == SIP_AUTH_QOP_NONE && (r->has_nc || r->has_cnonce) &&
	    r->alg != SIP_AUTH_ALG_MD5_SESS)
		return EPROTO;
	if (r->alg == SIP_AUTH_ALG_MD5_SESS && !r->has_cnonce)
		return EPROTO;
	/* RFC 2617 3.2.2.2: MD5-sess HA1 = MD5(MD5(user:realm:password):nonce:cnonce) */
	if (r->alg == SIP_AUTH_ALG_MD5_SESS) {
		const char *parts[] = { ha1, r->nonce, r->cnonce };
		auth_md5_join(ha1s, parts, 3);
	} else {
		g_strlcpy(ha1s, ha1, sizeof(ha1s));
	}
	/* RFC 2617 3.2.2.3: HA2 = MD5(method:digest-uri) for qop=auth or none */
	const char *a2[] = { method, r->uri };
	auth_md5_join(ha2, a2, 2);
	if (r->qop == SIP_AUTH_QOP_AUTH) {
		g_snprintf(nc, sizeof(nc), "%08x", (unsigned)r->nc);
		const char *parts[] = { ha1s, r->nonce, nc, r->cnonce, "auth", ha2 };
		auth_md5_join(out, parts, 6);
	} else {
		const char *parts[] = { ha1s, r->nonce, ha2 };    /* RFC 2069 form */
		auth_md5_join(out, parts, 3);
	}
	return 0;
}

struct sip_auth_creds *sip_auth_creds_new(const char *username, const char *password)
{
	struct sip_auth_creds *c = g_new0(struct sip_auth_creds, 1);

	c->username = g_strdup(username ? username : "");
	c->password = g_strdup(password ? password : "");
	c->password_len = strlen(c->password);
	return c;
}

void sip_auth_creds_free(struct sip_auth_creds *creds)
{
	if (!creds)
		return;
	/* explicit_bzero: a plain memset before free may be optimised away */
	explicit_bzero(creds->password, creds->password_len);
	g_free(creds->password);
	g_free(creds->username);
	explicit_bzero(creds, sizeof(*creds));
	g_free(creds);
}

const char *sip_auth_creds_username(const struct sip_auth_creds *creds)
{
	return creds ? creds->username : NULL;
}

/* Copy into a response field; false when it does not fit. */
static bool auth_set(char *dst, size_t size, const char *v)
{
	return g_strlcpy(dst, v, size) < size;
}

int sip_auth_creds_answer(const struct sip_auth_creds *creds, const struct sip_auth_challenge *ch,
			  const char *method, const char *uri, uint32_t nc, const char *cnonce,
			  struct sip_auth_resp *r)
{
	char ha1[SIP_AUTH_HEX_LEN];

	if (!creds || !ch || !method || !uri || !r)
		return EINVAL;
	if (ch->alg == SIP_AUTH_ALG_OTHER || (!ch->qop_auth && ch->qop_auth_int))
		return ENOTSUP;
	memset(r, 0, sizeof(*r));
	if (!auth_set(r->username, sizeof(r->username), creds->username) ||
	    !auth_set(r->realm, sizeof(r->realm), ch->realm) ||
	    !auth_set(r->nonce, sizeof(r->nonce), ch->nonce) ||
	    !auth_set(r->uri, sizeof(r->uri), uri))
		return EBADMSG;
	r->alg = ch->alg;
	r->has_alg = ch->has_alg;
	r->has_opaque = ch->has_opaque;    /* RFC 2617 3.2.2: opaque goes back unchanged */
	g_strlcpy(r->opaque, ch->opaque, sizeof(r->opaque));
	if (ch->qop_auth || ch->alg == SIP_AUTH_ALG_MD5_SESS) {
		if (!cnonce || !cnonce[0] || nc == 0)
			return EINVAL;
		if (!auth_set(r->cnonce, sizeof(r->cnonce), cnonce))
			return EBADMSG;
		r->has_cnonce = true;
	}
	if (ch->qop_auth) {
		r->qop = SIP_AUTH_QOP_AUTH;
		r->has_nc = true;
		r->nc = nc;
	}
	sip_auth_ha1(ha1, creds->username, ch->realm, creds->password);
	int err = sip_auth_digest(r->response, r, ha1, method);
	explicit_bzero(ha1, sizeof(ha1));
	return err;
}

void sip_auth_cnonce(char out[17], gsl_rng *rng)
{
	for (int i = 0; i < 4; i++)
		g_snprintf(out + 4 * i, 5, "%04lx", gsl_rng_uniform_int(rng, 65536));
}

struct sip_auth_nonces *sip_auth_nonces_new(const char *realm, gsl_rng *rng, int64_t lifetime_ns)
{
	struct sip_auth_nonces *n = g_new0(struct sip_auth_nonces, 1);

	n->realm = g_strdup(realm ? realm : "");
	n->rng = rng;
	n->lifetime_ns = lifetime_ns;
	n->by_nonce = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	g_queue_init(&n->order);
	return n;
}

void sip_auth_nonces_free(struct sip_auth_nonces *nonces)
{
	if (!nonces)
		return;
	g_queue_clear(&nonces->order);
	g_hash_table_destroy(nonces->by_nonce);
	g_free(nonces->realm);
	g_free(nonces);
}

/* True when entry e is too old at now. */
static bool auth_expired(const struct sip_auth_nonces *n, const struct auth_nonce *e, int64_t now)
{
	return n->lifetime_ns > 0 && now - e->issued > n->lifetime_ns;
}

/* Forget the oldest nonce. */
static void auth_drop_oldest(struct sip_auth_nonces *n)
{
	struct auth_nonce *e = g_queue_pop_head(&n->order);

	g_hash_table_remove(n->by_nonce, e->nonce);    /* frees e */
}

void sip_auth_nonces_challenge(struct sip_auth_nonces *nonces, int64_t now, bool stale,
			       struct sip_auth_challenge *ch)
{
	struct auth_nonce *e;

	while (!g_queue_is_empty(&nonces->order) &&
	       (auth_expired(nonces, g_queue_peek_head(&nonces->order), now) ||
		g_queue_get_length(&nonces->order) >= AUTH_NONCES_MAX))
		auth_drop_oldest(nonces);
	e = g_new0(struct auth_nonce, 1);
	do {
		if (nonces->rng) {
			for (int i = 0; i < 8; i++)
				g_snprintf(e->nonce + 4 * i, 5, "%04lx",
					   gsl_rng_uniform_int(nonces->rng, 65536));
		} else {
			char num[32];
			g_snprintf(num, sizeof(num), "%" G_GUINT64_FORMAT, nonces->counter++);
			const char *parts[] = { nonces->realm, num };
			auth_md5_join(e->nonce, parts, 2);
		}
	} while (g_hash_table_contains(nonces->by_nonce, e->nonce));
	e->issued = now;
	g_hash_table_insert(nonces->by_nonce, e->nonce, e);
	g_queue_push_tail(&nonces->order, e);

	memset(ch, 0, sizeof(*ch));
	g_strlcpy(ch->realm, nonces->realm, sizeof(ch->realm));
	g_strlcpy(ch->nonce, e->nonce, sizeof(ch->nonce));
	ch->alg = SIP_AUTH_ALG_MD5;
	ch->has_alg = true;
	ch->qop_auth = true;
	ch->stale = stale;
}

size_t sip_auth_nonces_count(const struct sip_auth_nonces *nonces)
{
	return g_hash_table_size(nonces->by_nonce);
}

/* Compare two hex digests without an early exit, ignoring case. */
static bool auth_digest_eq(const char *a, const char *b)
{
	unsigned diff = 0;

	for (size_t i = 0; i < 32; i++)
		diff |= (unsigned)(g_ascii_tolower(a[i]) ^ g_ascii_tolower(b[i]));
	return diff == 0 && strlen(a) == 32 && strlen(b) == 32;
}

int sip_auth_verify(struct sip_auth_nonces *nonces, const struct sip_auth_resp *r,
		    const char ha1[SIP_AUTH_HEX_LEN], const char *method, int64_t now,
		    enum sip_auth_verdict *verdict)
{
	char expect[SIP_AUTH_HEX_LEN];

	if (!nonces || !r || !ha1 || !method || !verdict)
		return EINVAL;
	if (r->qop == SIP_AUTH_QOP_AUTH && r->has_nc && r->nc == 0)
		return EPROTO;    /* RFC 2617 3.2.2: the first request on a nonce sends 00000001 */
	int err = sip_auth_digest(expect, r, ha1, method);
	if (err)
		return err;
	if (strcmp(r->realm, nonces->realm) != 0 || !auth_digest_eq(expect, r->response)) {
		*verdict = SIP_AUTH_BAD;
		return 0;
	}
	struct auth_nonce *e = g_hash_table_lookup(nonces->by_nonce, r->nonce);
	if (!e || auth_expired(nonces, e, now)) {
		*verdict = SIP_AUTH_STALE;
		return 0;
	}
	if (r->qop == SIP_AUTH_QOP_AUTH) {
		/* RFC 2617 3.2.2: nc lets the server detect a replayed request */
		if (r->nc <= e->last_nc) {
			*verdict = SIP_AUTH_REPLAY;
			return 0;
		}
		e->last_nc = r->nc;
	}
	*verdict = SIP_AUTH_OK;
	return 0;
}
