/*
 * chr.c - the character class table of the SIP grammar (RFC 3261 25.1) and the scanners for the
 * lexical pieces several parsers share: escapes, quoted strings, hosts, numbers, generic-params.
 */
#include "config.h"

#include <errno.h>

#include "models/sip/chr.h"

/* Generated from the RFC 3261 25.1 sets (see the bit names in chr.h). */
const uint16_t sip_chr_class[256] = {
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0800, 0x0800, 0x0000, 0x0000, 0x0800, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0800, 0x41fe, 0x0004, 0x0000, 0x01f0, 0x4006, 0x0170, 0x41fe,
	0x01fc, 0x01fc, 0x41fe, 0x43f6, 0x0130, 0x47fe, 0x47fe, 0x01d4,
	0x77ff, 0x77ff, 0x77ff, 0x77ff, 0x77ff, 0x77ff, 0x77ff, 0x77ff,
	0x77ff, 0x77ff, 0x41c4, 0x0110, 0x0004, 0x0130, 0x0004, 0x0194,
	0x0100, 0x57ff, 0x57ff, 0x57ff, 0x57ff, 0x57ff, 0x57ff, 0x47ff,
	0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff,
	0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff,
	0x47ff, 0x47ff, 0x47ff, 0x00c4, 0x0004, 0x00c4, 0x0000, 0x41fe,
	0x4006, 0x57ff, 0x57ff, 0x57ff, 0x57ff, 0x57ff, 0x57ff, 0x47ff,
	0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff,
	0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff, 0x47ff,
	0x47ff, 0x47ff, 0x47ff, 0x0004, 0x0000, 0x0004, 0x41fe, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
};

const char *sip_chr_span_esc(const char *p, const char *e, unsigned mask)
{
	while (p < e) {
		if (*p == '%') {
			if (e - p < 3 || !sip_chr_is(p[1], SIP_CHR_HEX) || !sip_chr_is(p[2], SIP_CHR_HEX))
				return NULL;
			p += 3;
		} else if (sip_chr_is(*p, mask)) {
			p++;
		} else {
			break;
		}
	}
	return p;
}

const char *sip_chr_quoted(const char *p, const char *e)
{
	if (p >= e || *p != '"')
		return NULL;
	for (p++; p < e; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c == '\\') {
			/* quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F) */
			if (p + 1 >= e)
				return NULL;
			c = (unsigned char)p[1];
			if (c == '\n' || c == '\r' || c > 0x7f)
				return NULL;
			p++;
			continue;
		}
		/* qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII: no bare controls */
		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
			return NULL;
		if (c == 0x7f)
			return NULL;
	}
	return NULL;
}

/* Parses IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT at p, each dec-octet
 * 0-255 (leading zeros beyond what RFC 3261's grammar allows: we accept them); returns its end,
 * or NULL. Straight-line code: every host the simulator writes is an IPv4 address, and a loop
 * with a table lookup per digit was 7 % of a parse's instructions. */
static const char *ipv4_end(const char *p, const char *e)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v;

		if (i > 0) {
			if (p >= e || *p != '.')
				return NULL;
			p++;
		}
		if (p >= e || !sip_chr_digit(*p))
			return NULL;
		v = (unsigned)(*p++ - '0');
		if (p < e && sip_chr_digit(*p)) {
			v = v * 10 + (unsigned)(*p++ - '0');
			if (p < e && sip_chr_digit(*p)) {
				v = v * 10 + (unsigned)(*p++ - '0');
				if (v > 255)
					return NULL;
			}
		}
	}
	return p;
}

bool sip_chr_ipv4(const char *p, const char *e)
{
	return ipv4_end(p, e) == e;
}

bool sip_chr_ipv6(const char *p, const char *e)
{
	/* IPv6address = hexpart [ ":" IPv4address ]; hexpart = hexseq / hexseq "::" [ hexseq ] /
	 * "::" [ hexseq ]; hexseq = hex4 *( ":" hex4 ); hex4 = 1*4HEXDIG */
	int groups = 0;
	bool dcolon = false;
	const char *q;

	if (p >= e)
		return false;
	if (*p == ':') {
		if (e - p < 2 || p[1] != ':')
			return false;
		dcolon = true;
		p += 2;
		if (p == e)
			return true;
	}
	while (p < e) {
		q = p;
		while (q < e && q - p < 5 && sip_chr_is(*q, SIP_CHR_HEX))
			q++;
		if (q < e && *q == '.') {
			/* trailing IPv4address counts as two groups */
			if (!sip_chr_ipv4(p, e))
				return false;
			groups += 2;
			p = e;
			break;
		}
		if (q == p || q - p > 4)
			return false;
		groups++;
		p = q;
		if (p == e)
			break;
		if (*p != ':')
			return false;
		p++;
		if (p < e && *p == ':') {
			if (dcolon)
				return false;
			dcolon = true;
			p++;
			if (p == e)
				break;
		} else if (p == e) {
			return false;   /* trailing single ':' */
		}
	}
	return dcolon ? groups <= 7 : groups == 8;
}

const char *sip_chr_host(const char *p, const char *e)
{
	const char *q;
	const char *label;
	bool alpha_top = false;

	if (p >= e)
		return NULL;
	if (*p == '[') {
		for (q = p + 1; q < e && *q != ']'; q++)
			;
		if (q >= e || !sip_chr_ipv6(p + 1, q))
			return NULL;
		return q + 1;
	}
	if (sip_chr_digit(*p)) {
		/* an IPv4address is the whole host when no host character follows it; otherwise
		 * the host span is longer than the address and is no IPv4address (the address
		 * parse stops at the first octet that is neither digit nor '.'), so the hostname
		 * rules below decide */
		q = ipv4_end(p, e);
		if (q && (q == e || !sip_chr_is(*q, SIP_CHR_HOST)))
			return q;
	}
	q = sip_chr_span(p, e, SIP_CHR_HOST);
	if (q == p)
		return NULL;
	/* hostname = *( domainlabel "." ) toplabel [ "." ]: labels of alphanum and inner '-',
	 * the top label starting with a letter. */
	label = p;
	for (;;) {
		const char *le = label;

		while (le < q && *le != '.')
			le++;
		if (le == label || *label == '-' || le[-1] == '-')
			return NULL;    /* empty label, or '-' at a label's edge */
		alpha_top = !sip_chr_is(*label, SIP_CHR_DIGIT);
		if (le == q || le + 1 == q)
			break;          /* last label, possibly with a trailing dot */
		label = le + 1;
	}
	if (!alpha_top)
		return NULL;
	return q;
}

int sip_chr_uint(const char *p, const char *e, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;

	if (p >= e)
		return EBADMSG;
	for (; p < e; p++) {
		if (!sip_chr_is(*p, SIP_CHR_DIGIT))
			return EBADMSG;
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > max)
			return EBADMSG;
	}
	*v = n;
	return 0;
}

int sip_chr_params_get(const char *p, const char *e, const struct sip_chr_want *want,
		       size_t nwant)
{
	const char *q;
	size_t i;

	for (;;) {
		const char *n;
		size_t nl;
		struct sip_pl v;

		p = sip_chr_skip_ws(p, e);
		if (p == e)
			return 0;
		if (*p != ';')
			return EBADMSG;
		p = sip_chr_skip_ws(p + 1, e);
		n = p;
		q = sip_chr_span4(p, e, SIP_CHR_TOKEN);
		if (q == p)
			return EBADMSG;
		nl = (size_t)(q - n);
		p = sip_chr_skip_ws(q, e);
		v = (struct sip_pl){ q, 0 };    /* present and empty when there is no value */
		if (p < e && *p == '=') {
			const char *vs;

			p = sip_chr_skip_ws(p + 1, e);
			vs = p;
			if (p < e && *p == '"') {
				q = sip_chr_quoted(p, e);
			} else if (p < e && *p == '[') {
				q = sip_chr_host(p, e);
			} else {
				/* token / host; ':' lets an IPv6address through (Via received) */
				q = sip_chr_span8(p, e, SIP_CHR_GVAL);
				if (q == p)
					q = NULL;
			}
			if (!q)
				return EBADMSG;
			v = (struct sip_pl){ vs, (size_t)(q - vs) };
			p = q;
		}
		for (i = 0; i < nwant; i++) {
			if (want[i].len == nl && sip_chr_caseeq_name(n, want[i].name, nl)) {
				if (!want[i].val->p)
					*want[i].val = v;       /* the first occurrence wins */
				break;
			}
		}
	}
}

int sip_chr_params(const char *p, const char *e)
{
	return sip_chr_params_get(p, e, NULL, 0);
}
