/*
 * pl.h - pointer-length slices (libre's "pl"): a view into bytes owned by someone else,
 * usually a reference-counted message buffer (GBytes). Zero-copy parsing hands these out.
 * A slice is never NUL-terminated; use sip_pl_dup() when a C string is needed.
 */
#ifndef OSSIM_SIP_PL_H
#define OSSIM_SIP_PL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

struct sip_pl {
	const char *p;          /* NULL = absent (distinct from present and empty) */
	size_t l;
};

#define SIP_PL_NULL ((struct sip_pl){ NULL, 0 })

static inline struct sip_pl sip_pl_from_str(const char *s)
{
	return (struct sip_pl){ s, s ? strlen(s) : 0 };
}

static inline bool sip_pl_isset(struct sip_pl pl) { return pl.p != NULL; }

/* One past the last octet (NULL for an absent slice: NULL + 0 is undefined in C). */
static inline const char *sip_pl_end(struct sip_pl pl)
{
	return pl.p ? pl.p + pl.l : NULL;
}

/* Case-sensitive equality with a C string. */
static inline bool sip_pl_eq_str(struct sip_pl pl, const char *s)
{
	size_t n = strlen(s);
	return pl.p && pl.l == n && memcmp(pl.p, s, n) == 0;
}

/* ASCII case-insensitive equality with a C string (header names, tokens). */
static inline bool sip_pl_caseeq_str(struct sip_pl pl, const char *s)
{
	size_t n = strlen(s);
	return pl.p && pl.l == n && strncasecmp(pl.p, s, n) == 0;
}

static inline bool sip_pl_eq(struct sip_pl a, struct sip_pl b)
{
	return a.l == b.l && (a.l == 0 || memcmp(a.p, b.p, a.l) == 0);
}

static inline bool sip_pl_caseeq(struct sip_pl a, struct sip_pl b)
{
	return a.l == b.l && (a.l == 0 || strncasecmp(a.p, b.p, a.l) == 0);
}

/* A newly allocated NUL-terminated copy (g_free it); NULL for an absent slice. */
static inline char *sip_pl_dup(struct sip_pl pl)
{
	return pl.p ? g_strndup(pl.p, pl.l) : NULL;
}

#endif
