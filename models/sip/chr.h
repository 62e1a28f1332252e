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

/* Parses generic-params after a value: *( SEMI generic-param ) up to e; gen-value = token / host /
 * quoted-string (RFC 3261 25.1). Returns 0 or EBADMSG. */
int sip_chr_params(const char *p, const char *e);

/* A parameter wanted by sip_chr_params_get: its lower-case name and where its value goes. */
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
