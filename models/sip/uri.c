/*
 * uri.c - URIs (RFC 3261 19.1, grammar 25.1): parsing sip:/sips: URIs into slices (user, password,
 * host with IPv6 references, port, parameters, headers), checking other absoluteURIs, %-escapes,
 * and URI equality (19.1.4). Escapes are never decoded in place (RFC 4475 3.1.1.3): slices show
 * the URI as written and the comparison functions decode as they go.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "models/sip/chr.h"
#include "models/sip/msg_priv.h"

/* Value of a hex digit (the caller checked it is one). */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

/* Reads one octet of a slice at *p, decoding a %HH escape; -1 at the end. */
static int esc_getc(const char **p, const char *e)
{
	int c;

	if (*p >= e)
		return -1;
	c = (unsigned char)**p;
	if (c == '%' && e - *p >= 3 && sip_chr_is((*p)[1], SIP_CHR_HEX) &&
	    sip_chr_is((*p)[2], SIP_CHR_HEX)) {
		c = hexval((*p)[1]) * 16 + hexval((*p)[2]);
		*p += 3;
		return c;
	}
	(*p)++;
	return c;
}

static int ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

bool sip_pl_esc_eq(struct sip_pl a, struct sip_pl b, bool icase)
{
	const char *pa = a.p;
	const char *pb = b.p;
	const char *ea = sip_pl_end(a);
	const char *eb = sip_pl_end(b);

	if (!a.p || !b.p)
		return !a.p && !b.p;
	for (;;) {
		int ca = esc_getc(&pa, ea);
		int cb = esc_getc(&pb, eb);

		if (icase) {
			ca = ascii_lower(ca);
			cb = ascii_lower(cb);
		}
		if (ca != cb)
			return false;
		if (ca < 0)
			return true;
	}
}

char *sip_uri_unescape(struct sip_pl pl, size_t *len)
{
	const char *p = pl.p;
	const char *e = sip_pl_end(pl);
	char *out;
	size_t n = 0;

	if (!pl.p)
		return NULL;
	out = g_malloc(pl.l + 1);
	while (p < e) {
		if (*p == '%') {
			if (e - p < 3 || !sip_chr_is(p[1], SIP_CHR_HEX) || !sip_chr_is(p[2], SIP_CHR_HEX)) {
				g_free(out);
				return NULL;
			}
		}
		out[n++] = (char)esc_getc(&p, e);
	}
	out[n] = '\0';
	if (len)
		*len = n;
	return out;
}

/* Checks *( ";" pname [ "=" pvalue ] ) from p (at a ';') up to '?' or e; returns the stop. */
static const char *uri_params(const char *p, const char *e)
{
	const char *q;

	while (p < e && *p == ';') {
		p++;
		q = sip_chr_span_esc(p, e, SIP_CHR_PARAM);
		if (!q || q == p)
			return NULL;
		p = q;
		if (p < e && *p == '=') {
			p++;
			q = sip_chr_span_esc(p, e, SIP_CHR_PARAM);
			if (!q || q == p)
				return NULL;
			p = q;
		}
	}
	return p;
}

/* Checks headers = "?" header *( "&" header ) from p (after '?') to e. */
static bool uri_headers(const char *p, const char *e)
{
	const char *q;

	for (;;) {
		q = sip_chr_span_esc(p, e, SIP_CHR_HNV);
		if (!q || q == p || q >= e || *q != '=')
			return false;
		p = sip_chr_span_esc(q + 1, e, SIP_CHR_HNV);
		if (!p)
			return false;
		if (p == e)
			return true;
		if (*p != '&')
			return false;
		p++;
	}
}

/* Parses the part of a sip:/sips: URI after the colon. */
static int uri_sip(struct sip_uri *uri, const char *p, const char *e)
{
	const char *at;
	const char *q;
	uint64_t port;

	/* '@' cannot occur unescaped after the userinfo (host, params and headers exclude it).
	 * The common "user@host" first: user characters (which exclude '@' and ':') up to an
	 * '@' are a userinfo without password, what the search below finds too, without two
	 * memchr calls per URI. Anything else (':', no '@', a bad escape) takes the search. */
	q = sip_chr_span_esc(p, e, SIP_CHR_USER);
	if (q && q < e && *q == '@') {
		if (q == p)
			return EBADMSG;
		uri->user = (struct sip_pl){ p, (size_t)(q - p) };
		p = q + 1;
		at = NULL;
	} else {
		at = memchr(p, '@', (size_t)(e - p));
	}
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		const char *ue = colon ? colon : at;

		q = sip_chr_span_esc(p, ue, SIP_CHR_USER);
		if (!q || q != ue || q == p)
			return EBADMSG;
		uri->user = (struct sip_pl){ p, (size_t)(ue - p) };
		if (colon) {
			q = sip_chr_span_esc(colon + 1, at, SIP_CHR_PASSWD);
			if (!q || q != at)
				return EBADMSG;
			uri->password = (struct sip_pl){ colon + 1, (size_t)(at - colon - 1) };
		}
		p = at + 1;
	}
	q = sip_chr_host(p, e);
	if (!q)
		return EBADMSG;
	uri->host = (struct sip_pl){ p, (size_t)(q - p) };
	p = q;
	if (p < e && *p == ':') {
		q = sip_chr_digits(p + 1, e, 65535, &port);
		if (!q)
			return EBADMSG;
		uri->port = (struct sip_pl){ p + 1, (size_t)(q - p - 1) };
		uri->portn = (uint16_t)port;
		p = q;
	}
	if (p < e && *p == ';') {
		q = uri_params(p, e);
		if (!q)
			return EBADMSG;
		uri->params = (struct sip_pl){ p + 1, (size_t)(q - p - 1) };
		p = q;
	}
	if (p < e && *p == '?') {
		if (!uri_headers(p + 1, e))
			return EBADMSG;
		uri->headers = (struct sip_pl){ p + 1, (size_t)(e - p - 1) };
		p = e;
	}
	return p == e ? 0 : EBADMSG;
}

int sip_uri_decode(struct sip_uri *uri, struct sip_pl pl)
{
	const char *p = pl.p;
	const char *e = sip_pl_end(pl);
	const char *q;

	if (!uri || !pl.p)
		return EINVAL;
	sip_uri_clear(uri, pl);
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	if (p >= e || !sip_chr_is(*p, SIP_CHR_ALNUM) || sip_chr_is(*p, SIP_CHR_DIGIT))
		return EBADMSG;
	q = sip_chr_span(p, e, SIP_CHR_SCHEME);
	if (q >= e || *q != ':')
		return EBADMSG;
	uri->scheme = (struct sip_pl){ p, (size_t)(q - p) };
	uri->opaque = (struct sip_pl){ q + 1, (size_t)(e - q - 1) };
	p = q + 1;
	/* "sip" / "sips" in any case: only 'S' and 's' give 's' with the case bit 0x20 set (and
	 * so on for 'i' and 'p'), so this is strncasecmp without the call */
	if ((uri->scheme.l == 3 || (uri->scheme.l == 4 && (uri->scheme.p[3] | 0x20) == 's')) &&
	    (uri->scheme.p[0] | 0x20) == 's' && (uri->scheme.p[1] | 0x20) == 'i' &&
	    (uri->scheme.p[2] | 0x20) == 'p') {
		uri->scheme_id = uri->scheme.l == 3 ? SIP_URI_SIP : SIP_URI_SIPS;
		return uri_sip(uri, p, e);
	}
	uri->scheme_id = sip_pl_caseeq_str(uri->scheme, "tel") ? SIP_URI_TEL : SIP_URI_OTHER;
	/* absoluteURI = scheme ":" ( hier-part / opaque-part ): one or more uric */
	q = sip_chr_span_esc(p, e, SIP_CHR_URIC);
	if (!q || q != e || q == p)
		return EBADMSG;
	return 0;
}

uint16_t sip_uri_port(const struct sip_uri *uri)
{
	if (uri->port.p)
		return uri->portn;
	return uri->scheme_id == SIP_URI_SIPS ? 5061 : 5060;
}

/* Finds a URI parameter by name, comparing names with escapes decoded (RFC 3261 19.1.4). */
static bool uri_param(struct sip_pl params, struct sip_pl name, struct sip_pl *value)
{
	const char *pos = params.p;
	struct sip_pl n;
	struct sip_pl v;

	while (sip_param_next(params, &pos, &n, &v)) {
		if (sip_pl_esc_eq(n, name, true)) {
			*value = v;
			return true;
		}
	}
	return false;
}

/* RFC 3261 19.1.4: params of a that must match in b (when present in either for the listed
 * ones; when present in both for any other). */
static bool params_match(struct sip_pl pa, struct sip_pl pb)
{
	static const char *const must[] = { "transport", "user", "ttl", "method", "maddr" };
	const char *pos = pa.p;
	struct sip_pl n;
	struct sip_pl va;
	struct sip_pl vb;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(must); i++) {
		struct sip_pl mn = sip_pl_from_str(must[i]);
		bool ina = uri_param(pa, mn, &va);
		bool inb = uri_param(pb, mn, &vb);

		if (ina != inb)
			return false;
		if (ina && !sip_pl_esc_eq(va, vb, true))
			return false;
	}
	while (sip_param_next(pa, &pos, &n, &va)) {
		struct sip_pl first;

		/* a repeated name counts once, by its first value (as uri_param finds it) */
		if (uri_param(pa, n, &first) && first.p != va.p)
			continue;
		if (uri_param(pb, n, &vb) && !sip_pl_esc_eq(va, vb, true))
			return false;
	}
	return true;
}

/* Header component: every header of a is in b with the same value. */
static bool headers_in(struct sip_pl ha, struct sip_pl hb)
{
	const char *p = ha.p;
	const char *e = sip_pl_end(ha);

	while (p && p < e) {
		const char *amp = memchr(p, '&', (size_t)(e - p));
		const char *he = amp ? amp : e;
		const char *eq = memchr(p, '=', (size_t)(he - p));
		struct sip_pl name = { p, (size_t)((eq ? eq : he) - p) };
		struct sip_pl val = eq ? (struct sip_pl){ eq + 1, (size_t)(he - eq - 1) } : SIP_PL_NULL;
		const char *q = hb.p;
		const char *qe = sip_pl_end(hb);
		bool found = false;

		while (q && q < qe && !found) {
			const char *qamp = memchr(q, '&', (size_t)(qe - q));
			const char *qhe = qamp ? qamp : qe;
			const char *qeq = memchr(q, '=', (size_t)(qhe - q));
			struct sip_pl qn = { q, (size_t)((qeq ? qeq : qhe) - q) };
			struct sip_pl qv = qeq ? (struct sip_pl){ qeq + 1, (size_t)(qhe - qeq - 1) }
					       : SIP_PL_NULL;

			found = sip_pl_esc_eq(name, qn, true) && sip_pl_esc_eq(val, qv, false);
			q = qamp ? qamp + 1 : qe;
		}
		if (!found)
			return false;
		p = amp ? amp + 1 : e;
	}
	return true;
}

bool sip_uri_cmp(const struct sip_uri *a, const struct sip_uri *b)
{
	if (!a || !b)
		return false;
	if (!sip_pl_caseeq(a->scheme, b->scheme))
		return false;
	if (a->scheme_id != SIP_URI_SIP && a->scheme_id != SIP_URI_SIPS)
		return sip_pl_esc_eq(a->opaque, b->opaque, false);
	/* userinfo case-sensitive, everything else case-insensitive, escapes decoded */
	if (!sip_pl_esc_eq(a->user, b->user, false) || !sip_pl_esc_eq(a->password, b->password, false))
		return false;
	if (!sip_pl_esc_eq(a->host, b->host, true))
		return false;
	/* an omitted port is not equal to an explicit default one */
	if (!!a->port.p != !!b->port.p || a->portn != b->portn)
		return false;
	if (!params_match(a->params, b->params) || !params_match(b->params, a->params))
		return false;
	return headers_in(a->headers, b->headers) && headers_in(b->headers, a->headers);
}
