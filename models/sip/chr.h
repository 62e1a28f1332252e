/*
 * chr.h - character classes of the SIP grammar (RFC 3261 25.1) and the small scanning helpers
 * that the message, URI, name-addr, Via and parameter parsers share. Private to models/sip.
 * One table lookup per octet keeps the parser free of branches on character ranges.
 */
#ifndef OSSIM_SIP_CHR_H
#define OSSIM_SIP_CHR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "models/sip/pl.h"

enum {
	SIP_CHR_ALNUM = 1 << 0,
	/* token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" */
	SIP_CHR_TOKEN = 1 << 1,
	SIP_CHR_WORD = 1 << 2,    /* word: token chars and ( ) < > : \ " / [ ] ? { } */
	SIP_CHR_UNRES = 1 << 3,   /* unreserved: alphanum / mark */
	SIP_CHR_USER = 1 << 4,    /* unreserved / user-unreserved (escaped apart) */
	SIP_CHR_PASSWD = 1 << 5,  /* password characters (escaped apart) */
	SIP_CHR_PARAM = 1 << 6,   /* paramchar without escaped */
	SIP_CHR_HNV = 1 << 7,     /* hnv-unreserved / unreserved */
	SIP_CHR_URIC = 1 << 8,    /* uric without escaped */
	SIP_CHR_SCHEME = 1 << 9,  /* ALPHA / DIGIT / "+" / "-" / "." */
	SIP_CHR_HOST = 1 << 10,   /* hostname characters */
	SIP_CHR_WS = 1 << 11,     /* SP, HTAB, and CR/LF (only ever a fold inside a value) */
	SIP_CHR_HEX = 1 << 12,
	SIP_CHR_DIGIT = 1 << 13,
	/* what sip_chr_params_get takes as an unquoted gen-value: token chars and ':' (a host,
	 * an IPv6 address in Via received) */
	SIP_CHR_GVAL = 1 << 14,
};

extern const uint16_t sip_chr_class[256];

/* True when octet c is in every class of mask. */
static inline bool sip_chr_is(char c, unsigned mask)
{
	return (sip_chr_class[(unsigned char)c] & mask) != 0;
}

/* Skips LWS (SP, HTAB and folds) inside a header value. */
static inline const char *sip_chr_skip_ws(const char *p, const char *e)
{
	while (p < e && sip_chr_is(*p, SIP_CHR_WS))
		p++;
	return p;
}

/* Skips a run of characters of class mask; returns where it stopped. */
static inline const char *sip_chr_span(const char *p, const char *e, unsigned mask)
{
	while (p < e && sip_chr_is(*p, mask))
		p++;
	return p;
}

/* sip_chr_span for long runs of one class (mask must be a single bit: the four octets' classes
 * are ANDed), four octets per branch: header names, Call-IDs, branches and tags are long runs,
 * and a branch per octet was the parser's hottest loop. */
static inline const char *sip_chr_span4(const char *p, const char *e, unsigned mask)
{
	const uint16_t *c = sip_chr_class;

	while (e - p >= 4 && (c[(unsigned char)p[0]] & c[(unsigned char)p[1]] &
			      c[(unsigned char)p[2]] & c[(unsigned char)p[3]] & mask))
		p += 4;
	return sip_chr_span(p, e, mask);
}

/* sip_chr_span4 for the longest runs (Call-IDs, branches, tags: 16 octets and more), eight
 * octets per branch first (mask a single bit, as there). */
static inline const char *sip_chr_span8(const char *p, const char *e, unsigned mask)
{
	const uint16_t *c = sip_chr_class;

	while (e - p >= 8 && (c[(unsigned char)p[0]] & c[(unsigned char)p[1]] &
			      c[(unsigned char)p[2]] & c[(unsigned char)p[3]] &
			      c[(unsigned char)p[4]] & c[(unsigned char)p[5]] &
			      c[(unsigned char)p[6]] & c[(unsigned char)p[7]] & mask))
		p += 8;
	return sip_chr_span4(p, e, mask);
}

/* True for a decimal digit (the same set as SIP_CHR_DIGIT, without the table load). */
static inline bool sip_chr_digit(char c)
{
	return (unsigned)(c - '0') < 10u;
}

/* Loads 8, 4 or 2 octets at p into a word, in memory order (fixed sizes: one move each). */
static inline uint64_t sip_chr_load8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

static inline uint64_t sip_chr_load4(const char *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return w;
}

static inline uint64_t sip_chr_load2(const char *p)
{
	uint16_t w;

	memcpy(&w, p, 2);
	return w;
}

/* Octets of any input (a) against octets of a name (b) of letters and '-': a letter has bit 0x40
 * set and '-' (0x2d) has not, so m holds the case bit 0x20 exactly at b's letters; there both
 * sides compare with it set, so an octet matches only the same letter in either case, and '-'
 * compares exactly. */
static inline bool sip_chr_word_caseeq(uint64_t a, uint64_t b)
{
	uint64_t m = (b >> 1) & 0x2020202020202020u;

	return (a | m) == (b | m);
}

/* ASCII case-insensitive equality of n octets at a with n octets at name, which holds only
 * letters and '-' (header and parameter names): whole words at a time, two loads overlapping in
 * the middle, so no octet outside either string is read. */
static inline bool sip_chr_caseeq_name(const char *a, const char *name, size_t n)
{
	size_t i;

	if (n < 2)
		return n == 0 || sip_chr_word_caseeq((unsigned char)a[0], (unsigned char)name[0]);
	/* two loads of size octets, at 0 and at n - size, cover n octets up to 2 * size */
	if (n < 4)
		return sip_chr_word_caseeq(sip_chr_load2(a), sip_chr_load2(name)) &&
		       sip_chr_word_caseeq(sip_chr_load2(a + n - 2), sip_chr_load2(name + n - 2));
	if (n < 8)
		return sip_chr_word_caseeq(sip_chr_load4(a), sip_chr_load4(name)) &&
		       sip_chr_word_caseeq(sip_chr_load4(a + n - 4), sip_chr_load4(name + n - 4));
	for (i = 0; i + 8 < n; i += 8) {
		if (!sip_chr_word_caseeq(sip_chr_load8(a + i), sip_chr_load8(name + i)))
			return false;
	}
	return sip_chr_word_caseeq(sip_chr_load8(a + n - 8), sip_chr_load8(name + n - 8));
}

/* Skips characters of class mask and %HH escapes; NULL on a bad escape (RFC 3261 25.1 escaped). */
const char *sip_chr_span_esc(const char *p, const char *e, unsigned mask);

/* Trims LWS at both ends of a slice. */
static inline void sip_chr_trim(const char **p, const char **e)
{
	while (*p < *e && sip_chr_is(**p, SIP_CHR_WS))
		(*p)++;
	while (*e > *p && sip_chr_is((*e)[-1], SIP_CHR_WS))
		(*e)--;
}

/* Skips a quoted-string whose opening quote is at p (RFC 3261 25.1: qdtext / quoted-pair);
 * returns the position after the closing quote, or NULL when it is unterminated or holds a
 * control character outside a quoted-pair. */
const char *sip_chr_quoted(const char *p, const char *e);

/* Parses a host (hostname, IPv4address or IPv6reference) at p; returns its end, or NULL. */
const char *sip_chr_host(const char *p, const char *e);
/* True when the whole slice is an IPv4 address (4 dec-octets). */
bool sip_chr_ipv4(const char *p, const char *e);
/* True when the whole slice is an IPv6 address (RFC 3261 25.1 IPv6address, no brackets). */
bool sip_chr_ipv6(const char *p, const char *e);

/* Parses 1*DIGIT filling the slice into *v; EBADMSG when empty, not all digits or above max. */
int sip_chr_uint(const char *p, const char *e, uint64_t max, uint64_t *v);

/* Parses 1*DIGIT at p into *v (sip_chr_span of digits, then sip_chr_uint, in one pass): returns
 * the end of the digits, or NULL when there are none or the number is above max. */
static inline const char *sip_chr_digits(const char *p, const char *e, uint64_t max, uint64_t *v)
{
	const char *s = p;
	uint64_t n = 0;

	while (p < e && sip_chr_digit(*p)) {
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > max)
			return NULL;
		p++;
	}
	if (p == s)
		return NULL;
	*v = n;
	return p;
}

/* Parses generic-params after a value: *( SEMI generic-param ) up to e; gen-value = token / host /
 * quoted-string (RFC 3261 25.1). Returns 0 or EBADMSG. */
int sip_chr_params(const char *p, const char *e);

/* A parameter wanted by sip_chr_params_get: its name (letters and '-' only, compared
 * case-insensitively) and where its value goes. */
struct sip_chr_want {
	const char *name;
	size_t len;
	struct sip_pl *val;     /* set to the value (present and empty without '='); the caller
				 * clears it first */
};

/* sip_chr_params that also picks out the wanted parameters in the same pass. */
int sip_chr_params_get(const char *p, const char *e, const struct sip_chr_want *want,
		       size_t nwant);

#endif
