/*
 * msg.c - the SIP message parser (RFC 3261 7, 18.3, 20; RFC 4475 for the corner cases), its
 * accessors, header iteration and stream framing.
 *
 * One pass finds the start line and every header line (unfolding nothing: a value slice spans its
 * folds), looks each field name up once, and then checks each header whose grammar matters in
 * message order, so the reason given for a malformed message is its first fault. The headers a
 * transaction needs are kept parsed in the message; the others are checked in place and parsed
 * again by the accessors when asked (a parse is a pointer walk; nothing is copied). Header slots
 * and Via values live in arrays inside the message, so a typical message costs one allocation.
 * Each line is checked as soon as it is split (check_line), while it is still in cache.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "models/sip/chr.h"
#include "models/sip/msg_priv.h"

#define INLINE_HDRS 24
#define INLINE_VIAS 4
#define SIP_MSG_MAX_FRAME_HEADER 65536   /* stream framing: longest header section */

/* One header line: name and value (trimmed, folds inside). */
struct hdr_line {
	struct sip_pl name;
	struct sip_pl value;
	enum sip_hdr id;
};

struct sip_msg {
	/* from here to `ruri`, set field by field when the message is made (a memset of this part
	 * compiled to `rep stos`, whose start-up cost was 2 % of a parse) */
	int refs;
	GBytes *buf;
	struct sip_pl raw;
	bool req;
	enum sip_method method;
	struct sip_pl method_name;
	struct sip_pl version;
	uint16_t status;
	struct sip_pl reason;
	bool has_from;
	bool has_to;
	bool has_cseq;
	struct sip_pl callid;
	int max_forwards;               /* -1 = absent */
	int64_t expires;                /* -1 = absent */
	int64_t clen;                   /* -1 = absent */
	struct sip_pl ctype;
	struct sip_pl body;
	size_t ncontact;                /* contacts counted by the strict check */
	bool wildcard;                  /* the strict check saw Contact: * */
	size_t nvia;
	size_t via_cap;
	struct sip_via *vias;           /* via_inline or a g_new'd array */
	size_t nhdr;
	size_t hdr_cap;
	struct hdr_line *hdrs;          /* hdr_inline or a g_new'd array */
	uint64_t seen[2];               /* bit id set: header id has a line, first[id] is valid */
	/* from here on, written by the parsers before anything reads them */
	uint16_t first[SIP_HDR_COUNT_]; /* index + 1 of a header's first line, where seen */
	struct sip_uri ruri;            /* valid when req and the request line parsed */
	struct sip_addr from;           /* valid when has_from */
	struct sip_addr to;             /* valid when has_to */
	struct sip_cseq cseq;           /* valid when has_cseq */
	struct hdr_line hdr_inline[INLINE_HDRS];
	struct sip_via via_inline[INLINE_VIAS];
};

G_STATIC_ASSERT(SIP_HDR_COUNT_ <= 128);

/* Index + 1 of the first line of header id; 0 when the message has none. */
static inline unsigned first_line(const struct sip_msg *msg, enum sip_hdr id)
{
	return (msg->seen[id >> 6] >> (id & 63) & 1u) ? msg->first[id] : 0;
}

/* The parse state: the first fault found, and how bad it is. */
struct perr {
	int err;                /* 0, EBADMSG, EPROTO or ENODATA: the first one found wins, except
				 * that EBADMSG overrides EPROTO and ENODATA */
	char why[128];
};

/* Records a fault (the first EBADMSG wins; EPROTO/ENODATA only until a worse one shows up). */
static void fail(struct perr *pe, int err, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void fail(struct perr *pe, int err, const char *fmt, ...)
{
	va_list ap;

	if (pe->err == EBADMSG || (pe->err && err != EBADMSG))
		return;
	pe->err = err;
	va_start(ap, fmt);
	vsnprintf(pe->why, sizeof(pe->why), fmt, ap);
	va_end(ap);
}

/* Finds the end of the list element starting at p: a ',' outside quoted strings and <>. */
static const char *elem_end(const char *p, const char *e)
{
	bool angle = false;

	/* most values hold no comma at all: one SIMD scan settles it */
	if (!memchr(p, ',', (size_t)(e - p)))
		return e;

	while (p < e) {
		char c = *p;

		if (c == '"') {
			const char *q = sip_chr_quoted(p, e);

			if (!q)
				return e;
			p = q;
			continue;
		}
		if (c == '<')
			angle = true;
		else if (c == '>')
			angle = false;
		else if (c == ',' && !angle)
			return p;
		p++;
	}
	return e;
}

/* Trimmed slice of [p, e). */
static inline struct sip_pl trimmed(const char *p, const char *e)
{
	sip_chr_trim(&p, &e);
	return (struct sip_pl){ p, (size_t)(e - p) };
}

/* ---------------------------------------------------------------- header checks */

/* Short name for reasons: the long name of a known header, else the name as written. */
static const char *hname(const struct hdr_line *h, char *buf, size_t size)
{
	const char *n = sip_hdr_name(h->id);
	size_t l;

	if (n)
		return n;
	l = h->name.l < size - 1 ? h->name.l : size - 1;
	memcpy(buf, h->name.p, l);
	buf[l] = '\0';
	return buf;
}

/* Calls fn on every element of a list header line; stops at the first failure. */
typedef int (*elem_h)(struct sip_msg *msg, struct sip_pl v, const char **why);

static int each_elem(struct sip_msg *msg, const struct hdr_line *h, bool allow_empty_line,
		     elem_h fn, const char **why)
{
	const char *p = h->value.p;
	const char *e = h->value.p + h->value.l;
	int err;

	if (h->value.l == 0) {
		if (allow_empty_line)
			return 0;
		*why = "empty value";
		return EBADMSG;
	}
	for (;;) {
		const char *q = elem_end(p, e);
		struct sip_pl v = trimmed(p, q);

		if (v.l == 0) {
			*why = "empty list element";
			return EBADMSG;
		}
		err = fn(msg, v, why);
		if (err)
			return err;
		if (q >= e)
			return 0;
		p = q + 1;
	}
}

static int elem_via(struct sip_msg *msg, struct sip_pl v, const char **why)
{
	if (msg->nvia == SIP_MSG_MAX_VIAS) {
		*why = "too many Via values";
		return EBADMSG;
	}
	if (msg->nvia == msg->via_cap) {
		struct sip_via *n = g_new(struct sip_via, msg->via_cap * 2);

		memcpy(n, msg->vias, msg->nvia * sizeof(*n));
		if (msg->vias != msg->via_inline)
			g_free(msg->vias);
		msg->vias = n;
		msg->via_cap *= 2;
	}
	if (sip_via_parse(&msg->vias[msg->nvia], v, why))
		return EBADMSG;
	msg->nvia++;
	return 0;
}

/* RFC 3261 25.1 qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
static bool qvalue_ok(struct sip_pl v)
{
	size_t i;

	if (v.l == 0 || (v.p[0] != '0' && v.p[0] != '1'))
		return false;
	if (v.l == 1)
		return true;
	if (v.p[1] != '.' || v.l > 5)
		return false;
	for (i = 2; i < v.l; i++) {
		if (!sip_chr_is(v.p[i], SIP_CHR_DIGIT) || (v.p[0] == '1' && v.p[i] != '0'))
			return false;
	}
	return true;
}

static int elem_contact(struct sip_msg *msg, struct sip_pl v, const char **why)
{
	struct sip_addr a;
	struct sip_pl pv;
	uint64_t n;

	if (sip_addr_parse(&a, v, SIP_ADDR_CONTACT, why))
		return EBADMSG;
	if (a.wildcard)
		msg->wildcard = true;
	if (sip_param_get(a.params, "expires", &pv) == 0 &&
	    sip_chr_uint(pv.p, pv.p + pv.l, UINT32_MAX, &n)) {
		*why = "expires parameter is not a number from 0 to 2^32-1";
		return EBADMSG;
	}
	if (sip_param_get(a.params, "q", &pv) == 0 && !qvalue_ok(pv)) {
		*why = "bad q value";
		return EBADMSG;
	}
	msg->ncontact++;
	return 0;
}

static int elem_nameaddr(struct sip_msg *msg, struct sip_pl v, const char **why)
{
	struct sip_addr a;

	(void)msg;
	return sip_addr_parse(&a, v, SIP_ADDR_NAMEADDR, why);
}

static int elem_addr(struct sip_msg *msg, struct sip_pl v, const char **why)
{
	struct sip_addr a;

	(void)msg;
	return sip_addr_parse(&a, v, 0, why);
}

static int elem_token(struct sip_msg *msg, struct sip_pl v, const char **why)
{
	(void)msg;
	if (sip_chr_span(v.p, v.p + v.l, SIP_CHR_TOKEN) != v.p + v.l) {
		*why = "value is not a token";
		return EBADMSG;
	}
	return 0;
}

/* media-type / media-range: type SLASH subtype *( SEMI parameter ) (RFC 3261 20.1, 20.15). */
static int elem_media(struct sip_msg *msg, struct sip_pl v, const char **why)
{
	const char *p = v.p;
	const char *e = v.p + v.l;
	const char *q;

	(void)msg;
	q = sip_chr_span4(p, e, SIP_CHR_TOKEN);
	if (q == p)
		goto bad;
	p = sip_chr_skip_ws(q, e);
	if (p >= e || *p != '/')
		goto bad;
	p = sip_chr_skip_ws(p + 1, e);
	q = sip_chr_span4(p, e, SIP_CHR_TOKEN);
	if (q == p || sip_chr_params(q, e))
		goto bad;
	return 0;
bad:
	*why = "bad media type";
	return EBADMSG;
}

/* warning-value = warn-code SP warn-agent SP warn-text; warn-code = 3DIGIT (RFC 3261 20.43) */
static int elem_warning(struct sip_msg *msg, struct sip_pl v, const char **why)
{
	(void)msg;
	if (v.l < 5 || !sip_chr_is(v.p[0], SIP_CHR_DIGIT) || !sip_chr_is(v.p[1], SIP_CHR_DIGIT) ||
	    !sip_chr_is(v.p[2], SIP_CHR_DIGIT) || v.p[3] != ' ') {
		*why = "warn-code is not 3 digits";
		return EBADMSG;
	}
	return 0;
}

/* A number filling the whole value: 1*DIGIT up to max. */
static int check_uint(struct sip_pl v, uint64_t max, uint64_t *out, const char **why,
		      const char *reason)
{
	if (sip_chr_uint(v.p, v.p + v.l, max, out)) {
		*why = reason;
		return EBADMSG;
	}
	return 0;
}

/* callid = word [ "@" word ] (RFC 3261 25.1) */
static int check_callid(struct sip_pl v, const char **why)
{
	const char *p = v.p;
	const char *e = v.p + v.l;
	const char *q = sip_chr_span8(p, e, SIP_CHR_WORD);

	if (q == p)
		goto bad;
	if (q < e && *q == '@') {
		p = q + 1;
		q = sip_chr_span8(p, e, SIP_CHR_WORD);
		if (q == p)
			goto bad;
	}
	if (q == e)
		return 0;
bad:
	*why = "not a word[@word]";
	return EBADMSG;
}

/* CSeq = 1*DIGIT LWS Method; the number below 2^31 (RFC 3261 8.1.1.5, 20.16). */
static int check_cseq(struct sip_msg *msg, struct sip_pl v, const char **why)
{
	const char *p = v.p;
	const char *e = v.p + v.l;
	uint64_t n;
	const char *q = sip_chr_digits(p, e, 0x7fffffffu, &n);
	const char *m;

	if (!q) {
		*why = p < e && sip_chr_digit(*p) ? "sequence number is not below 2^31"
						  : "no sequence number";
		return EBADMSG;
	}
	m = sip_chr_skip_ws(q, e);
	if (m == q || m == e) {
		*why = "no method after the sequence number";
		return EBADMSG;
	}
	q = sip_chr_span4(m, e, SIP_CHR_TOKEN);
	if (q != e) {
		*why = "method is not a token";
		return EBADMSG;
	}
	msg->cseq.num = (uint32_t)n;
	msg->cseq.method_name = (struct sip_pl){ m, (size_t)(e - m) };
	msg->cseq.method = sip_method_lookup(msg->cseq.method_name);
	msg->has_cseq = true;
	return 0;
}

/* rfc1123-date = wkday "," SP date1 SP time SP "GMT" (RFC 3261 20.17) */
static int check_date(struct sip_pl v, const char **why)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	/* "Fri, 01 Jan 2010 16:00:00 GMT" */
	static const char shape[] = "www, dd mmm yyyy dd:dd:dd GMT";
	size_t i;
	bool ok = false;

	if (v.l != sizeof(shape) - 1)
		goto bad;
	for (i = 0; i < v.l; i++) {
		char s = shape[i];

		if (s == 'd' || s == 'y') {
			if (!sip_chr_is(v.p[i], SIP_CHR_DIGIT))
				goto bad;
		} else if (s != 'w' && s != 'm' && v.p[i] != s) {
			goto bad;
		}
	}
	for (i = 0; i < G_N_ELEMENTS(days); i++)
		ok = ok || memcmp(v.p, days[i], 3) == 0;
	if (!ok)
		goto bad;
	ok = false;
	for (i = 0; i < G_N_ELEMENTS(months); i++)
		ok = ok || memcmp(v.p + 8, months[i], 3) == 0;
	if (ok)
		return 0;
bad:
	*why = "not an RFC 1123 date in GMT";
	return EBADMSG;
}

/* Retry-After = delta-seconds [ comment ] *( SEMI retry-param ): check the number. */
static int check_leading_uint(struct sip_pl v, uint64_t max, const char **why, const char *reason)
{
	const char *q = sip_chr_span(v.p, v.p + v.l, SIP_CHR_DIGIT);
	uint64_t n;

	return check_uint((struct sip_pl){ v.p, (size_t)(q - v.p) }, max, &n, why, reason);
}

/* True for headers that may appear on several lines although they are not lists
 * (RFC 3261 7.3.1: the authentication headers). */
static bool multi_line_ok(enum sip_hdr id)
{
	return id == SIP_HDR_OTHER || sip_hdr_is_list(id) || id == SIP_HDR_AUTHORIZATION ||
	       id == SIP_HDR_PROXY_AUTHORIZATION || id == SIP_HDR_WWW_AUTHENTICATE ||
	       id == SIP_HDR_PROXY_AUTHENTICATE;
}

/* Parses one of the core headers (kept in the message, checked on every parse). Returns 0 or
 * EBADMSG with *why; 1 when h is not a core header. */
static int core_hdr(struct sip_msg *msg, const struct hdr_line *h, const char **why)
{
	struct sip_pl v = h->value;
	uint64_t n;
	int err;

	switch (h->id) {
	case SIP_HDR_VIA:
		return each_elem(msg, h, false, elem_via, why);
	case SIP_HDR_FROM:
		err = sip_addr_parse(&msg->from, v, 0, why);
		msg->has_from = err == 0;
		return err;
	case SIP_HDR_TO:
		err = sip_addr_parse(&msg->to, v, 0, why);
		msg->has_to = err == 0;
		return err;
	case SIP_HDR_CALL_ID:
		err = check_callid(v, why);
		if (!err)
			msg->callid = v;
		return err;
	case SIP_HDR_CSEQ:
		return check_cseq(msg, v, why);
	case SIP_HDR_MAX_FORWARDS:
		err = check_uint(v, 255, &n, why, "not a number from 0 to 255");
		if (!err)
			msg->max_forwards = (int)n;
		return err;
	case SIP_HDR_EXPIRES:
		err = check_uint(v, UINT32_MAX, &n, why, "not a number from 0 to 2^32-1");
		if (!err)
			msg->expires = (int64_t)n;
		return err;
	case SIP_HDR_CONTENT_LENGTH:
		err = check_uint(v, UINT32_MAX, &n, why, v.l && v.p[0] == '-' ? "negative value"
							   : "not a number from 0 to 2^32-1");
		if (!err)
			msg->clen = (int64_t)n;
		return err;
	case SIP_HDR_CONTENT_TYPE:
		err = elem_media(msg, v, why);
		if (!err)
			msg->ctype = v;
		return err;
	default:
		return 1;
	}
}

/* Checks the grammar of a header outside the core (SIP_PARSE_STRICT). Returns 0 or EBADMSG. */
static int check_hdr(struct sip_msg *msg, const struct hdr_line *h, const char **why)
{
	struct sip_pl v = h->value;
	uint64_t n;

	switch (h->id) {
	case SIP_HDR_MIN_EXPIRES:
		return check_uint(v, UINT32_MAX, &n, why, "not a number from 0 to 2^32-1");
	case SIP_HDR_RSEQ:
		return check_uint(v, UINT32_MAX, &n, why, "not a number from 0 to 2^32-1");
	case SIP_HDR_ACCEPT:
		return each_elem(msg, h, true, elem_media, why);
	case SIP_HDR_CONTACT:
		return each_elem(msg, h, false, elem_contact, why);
	case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE:
		return each_elem(msg, h, false, elem_nameaddr, why);
	case SIP_HDR_P_ASSERTED_IDENTITY:
	case SIP_HDR_P_PREFERRED_IDENTITY:
	case SIP_HDR_DIVERSION:
		return each_elem(msg, h, false, elem_addr, why);
	case SIP_HDR_REPLY_TO:
	case SIP_HDR_REFER_TO:
	case SIP_HDR_REFERRED_BY:
		return elem_addr(msg, v, why);
	case SIP_HDR_ALLOW:
	case SIP_HDR_SUPPORTED:
	case SIP_HDR_UNSUPPORTED:
		return each_elem(msg, h, true, elem_token, why);
	case SIP_HDR_REQUIRE:
	case SIP_HDR_PROXY_REQUIRE:
		return each_elem(msg, h, false, elem_token, why);
	case SIP_HDR_WARNING:
		return each_elem(msg, h, false, elem_warning, why);
	case SIP_HDR_DATE:
		return check_date(v, why);
	case SIP_HDR_RETRY_AFTER:
		return check_leading_uint(v, UINT32_MAX, why, "delta-seconds is not a number from 0 to 2^32-1");
	case SIP_HDR_SESSION_EXPIRES:
	case SIP_HDR_MIN_SE:
		return check_leading_uint(v, UINT32_MAX, why, "delta-seconds is not a number from 0 to 2^32-1");
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------- start line */

/* True when the 4 octets at p are "SIP/" in any case: strncasecmp without the call (only 'S'
 * and 's' give 's' with the case bit 0x20 set, and so on). */
static inline bool starts_sip_slash(const char *p)
{
	return (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' && p[3] == '/';
}

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT ("SIP" case-insensitive, RFC 3261 7.1) */
static bool version_ok(struct sip_pl v)
{
	const char *p = v.p + 4;
	const char *e = v.p + v.l;
	const char *q;

	if (v.l < 7 || !starts_sip_slash(v.p))
		return false;
	q = sip_chr_span(p, e, SIP_CHR_DIGIT);
	if (q == p || q >= e || *q != '.')
		return false;
	p = q + 1;
	q = sip_chr_span(p, e, SIP_CHR_DIGIT);
	return q != p && q == e;
}

static void parse_request_line(struct sip_msg *msg, const char *p, const char *e,
			       struct perr *pe)
{
	const char *sp1 = memchr(p, ' ', (size_t)(e - p));
	const char *sp2;
	struct sip_pl u;
	const char *why;

	msg->req = true;
	/* sip_uri_decode clears msg->ruri itself; a fault found before it clears it at `bad`, so
	 * that a message kept by SIP_PARSE_KEEP_BAD has an empty Request-URI, not garbage */
	if (!sp1 || sp1 == p) {
		why = "malformed start line";
		goto bad;
	}
	msg->method_name = (struct sip_pl){ p, (size_t)(sp1 - p) };
	if (sip_chr_span(p, sp1, SIP_CHR_TOKEN) != sp1) {
		why = "method is not a token";
		goto bad;
	}
	msg->method = sip_method_lookup(msg->method_name);
	if (e[-1] == ' ' || e[-1] == '\t') {
		/* RFC 4475 3.1.2.10: SP after SIP-Version */
		why = "whitespace at the end of the request line";
		goto bad;
	}
	sp2 = e;
	while (sp2 > sp1 && sp2[-1] != ' ')
		sp2--;
	sp2--;
	if (sp2 <= sp1) {
		why = "malformed request line";
		goto bad;
	}
	u = (struct sip_pl){ sp1 + 1, (size_t)(sp2 - sp1 - 1) };
	if (u.l == 0 || u.p[0] == ' ' || u.p[u.l - 1] == ' ') {
		/* RFC 4475 3.1.2.9: exactly one SP between the elements */
		why = "more than one SP between request line elements";
		goto bad;
	}
	msg->version = (struct sip_pl){ sp2 + 1, (size_t)(e - sp2 - 1) };
	if (!version_ok(msg->version)) {
		why = "bad SIP version";
		goto bad;
	}
	/* No URI holds '<', SP or HTAB (no character class of a URI has them), so these two
	 * faults are looked for only when the URI does not parse: the reason is the same as with
	 * the checks first, and a good URI is not scanned twice more. */
	if (sip_uri_decode(&msg->ruri, u)) {
		if (u.p[0] == '<') {
			/* RFC 4475 3.1.2.7 */
			why = "Request-URI enclosed in <>";
			goto bad;
		}
		if (memchr(u.p, ' ', u.l) || memchr(u.p, '\t', u.l)) {
			/* RFC 4475 3.1.2.8 */
			why = "whitespace in the Request-URI";
			goto bad;
		}
		fail(pe, EBADMSG, "bad Request-URI");
		return;
	}
	if (msg->ruri.headers.p) {
		/* RFC 3261 19.1.1 table: no headers in a Request-URI (RFC 4475 3.1.2.11) */
		fail(pe, EBADMSG, "Request-URI has headers");
		return;
	}
	return;
bad:
	memset(&msg->ruri, 0, sizeof(msg->ruri));
	fail(pe, EBADMSG, "%s", why);
}

static void parse_status_line(struct sip_msg *msg, const char *p, const char *e, struct perr *pe)
{
	const char *sp1 = memchr(p, ' ', (size_t)(e - p));
	const char *q;

	msg->req = false;
	if (!sp1) {
		fail(pe, EBADMSG, "malformed status line");
		return;
	}
	msg->version = (struct sip_pl){ p, (size_t)(sp1 - p) };
	if (!version_ok(msg->version)) {
		fail(pe, EBADMSG, "bad SIP version");
		return;
	}
	/* Status-Code = 3DIGIT, 100-699 (RFC 3261 7.2, 21); RFC 4475 3.1.2.19 */
	q = sip_chr_span(sp1 + 1, e, SIP_CHR_DIGIT);
	if (q - sp1 - 1 != 3 || sp1[1] < '1' || sp1[1] > '6') {
		fail(pe, EBADMSG, "bad status code");
		return;
	}
	if (q >= e || *q != ' ') {
		fail(pe, EBADMSG, "no SP after the status code");
		return;
	}
	msg->status = (uint16_t)((sp1[1] - '0') * 100 + (sp1[2] - '0') * 10 + (sp1[3] - '0'));
	msg->reason = (struct sip_pl){ q + 1, (size_t)(e - q - 1) };
	for (p = q + 1; p < e; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			fail(pe, EBADMSG, "control character in the reason phrase");
			return;
		}
	}
}

/* ---------------------------------------------------------------- parse */

/* Appends a header line (id: what sip_hdr_lookup says of name); false when there are too many. */
static bool add_line(struct sip_msg *msg, struct sip_pl name, enum sip_hdr id, struct sip_pl value)
{
	struct hdr_line *h;

	if (msg->nhdr == SIP_MSG_MAX_HEADERS)
		return false;
	if (msg->nhdr == msg->hdr_cap) {
		struct hdr_line *n = g_new(struct hdr_line, msg->hdr_cap * 2);

		memcpy(n, msg->hdrs, msg->nhdr * sizeof(*n));
		if (msg->hdrs != msg->hdr_inline)
			g_free(msg->hdrs);
		msg->hdrs = n;
		msg->hdr_cap *= 2;
	}
	h = &msg->hdrs[msg->nhdr];
	h->name = name;
	h->value = value;
	h->id = id;
	msg->nhdr++;
	if (!first_line(msg, h->id)) {
		msg->seen[h->id >> 6] |= (uint64_t)1 << (h->id & 63);
		msg->first[h->id] = (uint16_t)msg->nhdr;
	}
	return true;
}

/* Checks header line i, just added: a repeated single-value header, a core header and, when
 * strict, the grammar of any other known header. Called in message order, so the first fault
 * recorded in pe is the first in the message. */
static void check_line(struct sip_msg *msg, size_t i, bool strict, struct perr *pe)
{
	const struct hdr_line *h = &msg->hdrs[i];
	const char *why = NULL;
	char buf[48];
	int err;

	/* a line that is not its header's first is a repeat (first[] is valid: add_line set it) */
	if (msg->first[h->id] != i + 1 && !multi_line_ok(h->id)) {
		/* RFC 3261 7.3.1; RFC 4475 3.3.8 (multi01), 3.3.9 (mcl01) */
		const struct hdr_line *f = &msg->hdrs[msg->first[h->id] - 1];

		if (h->id == SIP_HDR_CONTENT_LENGTH && !sip_pl_eq(f->value, h->value) &&
		    h->value.l < 12 && sip_chr_span(h->value.p, h->value.p + h->value.l,
						    SIP_CHR_DIGIT) == h->value.p + h->value.l)
			fail(pe, EBADMSG, "conflicting Content-Length values %.*s and %.*s",
			     (int)f->value.l, f->value.p, (int)h->value.l, h->value.p);
		else
			fail(pe, EBADMSG, "more than one %s header", hname(h, buf, sizeof(buf)));
		return;
	}
	err = core_hdr(msg, h, &why);
	if (err == 1)
		err = strict ? check_hdr(msg, h, &why) : 0;
	if (err)
		fail(pe, EBADMSG, "%s: %s", hname(h, buf, sizeof(buf)), why ? why : "malformed");
}

/* Finds the end of a logical header line starting at p: the CRLF not followed by SP/HT.
 * Returns the position of that CR (or e when the data ends first); *bad is set for a bare LF
 * or, when strict, a bare CR. */
static const char *line_end(const char *p, const char *e, bool strict, bool *bad)
{
	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(e - p));
		const char *cr;

		if (!lf) {
			*bad = memchr(p, '\r', (size_t)(e - p)) != NULL;
			return e;
		}
		if (lf == p || lf[-1] != '\r') {
			*bad = true;
			return lf;
		}
		cr = lf - 1;
		if (strict && memchr(p, '\r', (size_t)(cr - p))) {
			/* a bare CR (only looked for when strict: it is harmless in a slice) */
			*bad = true;
			return cr;
		}
		if (lf + 1 < e && (lf[1] == ' ' || lf[1] == '\t')) {
			p = lf + 1;
			continue;
		}
		*bad = false;
		return cr;
	}
}

/* Splits the header section into lines and checks each one as it is added (check_line), in the
 * same pass while the line is in cache. A fault in the line structure goes to pe and stops the
 * split; faults in header values go to hpe, which the caller ignores when pe is set, so the
 * reason given is the same as with a split first and a check of every line after. Returns where
 * the body starts, or NULL when no empty line ends the headers (then every line up to the end of
 * the data has been added and checked). */
static const char *split_headers(struct sip_msg *msg, const char *p, const char *e, bool strict,
				 struct perr *pe, struct perr *hpe)
{
	while (p < e) {
		const char *le;
		const char *q;
		struct sip_pl name;
		bool bad;

		if (e - p >= 2 && p[0] == '\r' && p[1] == '\n')
			return p + 2;
		le = line_end(p, e, strict, &bad);
		if (bad) {
			fail(pe, EBADMSG, "bare CR or LF in the header section");
			return NULL;
		}
		if (p[0] == ' ' || p[0] == '\t') {
			fail(pe, EBADMSG, "header section starts with whitespace");
			return NULL;
		}
		/* header = field-name HCOLON value; HCOLON = *( SP / HTAB ) ":" SWS */
		q = sip_chr_span4(p, le, SIP_CHR_TOKEN);
		if (q == p) {
			fail(pe, EBADMSG, "malformed header line");
			return NULL;
		}
		name = (struct sip_pl){ p, (size_t)(q - p) };
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= le || *q != ':') {
			fail(pe, EBADMSG, "malformed header line (no colon after the name)");
			return NULL;
		}
		if (!add_line(msg, name, sip_hdr_lookup(name), trimmed(q + 1, le))) {
			fail(pe, EBADMSG, "too many header lines (more than %d)",
			     SIP_MSG_MAX_HEADERS);
			return NULL;
		}
		check_line(msg, msg->nhdr - 1, strict, hpe);
		p = le < e ? le + 2 : e;
	}
	return NULL;
}

/* Cross-header rules: mandatory headers, CSeq method, Contact wildcard. */
static void check_message(struct sip_msg *msg, struct perr *pe)
{
	GString *missing = NULL;
	const char *const names[] = { "Via", "From", "To", "Call-ID", "CSeq" };
	const bool have[] = { first_line(msg, SIP_HDR_VIA) != 0,
			      first_line(msg, SIP_HDR_FROM) != 0,
			      first_line(msg, SIP_HDR_TO) != 0,
			      first_line(msg, SIP_HDR_CALL_ID) != 0,
			      first_line(msg, SIP_HDR_CSEQ) != 0 };
	size_t i;

	/* RFC 3261 8.1.1: these are mandatory in every request; responses copy them (8.2.6.2).
	 * RFC 4475 3.3.1: a message without them is answered 400. */
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		if (have[i])
			continue;
		if (!missing)
			missing = g_string_new(NULL);
		g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", names[i]);
	}
	if (missing) {
		fail(pe, EBADMSG, "missing mandatory header(s): %s", missing->str);
		g_string_free(missing, TRUE);
	}
	if (msg->req && msg->has_cseq && !sip_pl_eq(msg->cseq.method_name, msg->method_name)) {
		/* RFC 4475 3.1.2.17/18 */
		fail(pe, EBADMSG, "CSeq method does not match the request method");
	}
	if (msg->wildcard && msg->ncontact > 1)
		fail(pe, EBADMSG, "Contact '*' mixed with other contacts");
}

/* Copies a reason into the caller's buffer. */
static void put_reason(char *reason, size_t size, const char *why)
{
	if (reason && size)
		g_strlcpy(reason, why, size);
}

int sip_msg_parse_ex(struct sip_msg **msgp, GBytes *buf, unsigned flags, char *reason,
		     size_t reasonsz)
{
	struct perr pe;
	struct perr hpe;
	bool split_bad = false;
	struct sip_msg *msg;
	const char *data;
	const char *p;
	const char *e;
	const char *start;
	const char *body;
	const char *le;
	size_t len = 0;

	if (!msgp || !buf) {
		put_reason(reason, reasonsz, "no buffer");
		return EINVAL;
	}
	*msgp = NULL;
	/* err and an empty why, not all 128 octets of why: fail() writes it whole */
	pe.err = 0;
	pe.why[0] = '\0';
	data = g_bytes_get_data(buf, &len);
	if (!data || len == 0) {
		put_reason(reason, reasonsz, "empty message");
		return ENODATA;
	}
	p = data;
	e = data + len;
	/* RFC 3261 7.5: CRLFs before the start line are ignored */
	while (e - p >= 2 && p[0] == '\r' && p[1] == '\n')
		p += 2;
	if (p == e) {
		put_reason(reason, reasonsz, "empty message");
		return ENODATA;
	}
	start = p;
	/* the start line ends at the first CRLF (it cannot be folded) */
	le = memchr(p, '\n', (size_t)(e - p));
	if (!le) {
		put_reason(reason, reasonsz, "incomplete start line");
		return ENODATA;
	}
	if (le == p || le[-1] != '\r' || memchr(p, '\r', (size_t)(le - p)) != le - 1) {
		put_reason(reason, reasonsz, "bare CR or LF in the start line");
		return EBADMSG;
	}
	le--;
	if (le == p) {
		put_reason(reason, reasonsz, "empty start line");
		return EBADMSG;
	}
	msg = g_malloc(sizeof(*msg));
	/* set only the fixed part; the parsed values are written before they are read */
	msg->refs = 1;
	msg->buf = g_bytes_ref(buf);
	msg->raw = SIP_PL_NULL;
	msg->req = false;
	msg->method = SIP_METHOD_OTHER;
	msg->method_name = SIP_PL_NULL;
	msg->version = SIP_PL_NULL;
	msg->status = 0;
	msg->reason = SIP_PL_NULL;
	msg->has_from = false;
	msg->has_to = false;
	msg->has_cseq = false;
	msg->callid = SIP_PL_NULL;
	msg->max_forwards = -1;
	msg->expires = -1;
	msg->clen = -1;
	msg->ctype = SIP_PL_NULL;
	msg->body = SIP_PL_NULL;
	msg->ncontact = 0;
	msg->wildcard = false;
	msg->nvia = 0;
	msg->via_cap = INLINE_VIAS;
	msg->vias = msg->via_inline;
	msg->nhdr = 0;
	msg->hdr_cap = INLINE_HDRS;
	msg->hdrs = msg->hdr_inline;
	msg->seen[0] = 0;
	msg->seen[1] = 0;

	if (le - p >= 4 && starts_sip_slash(p))
		parse_status_line(msg, p, le, &pe);
	else
		parse_request_line(msg, p, le, &pe);
	if (pe.err)
		goto out;

	hpe.err = 0;
	body = split_headers(msg, le + 2, e, (flags & SIP_PARSE_STRICT) != 0, &pe, &hpe);
	if (pe.err) {
		/* the header values were checked too, but a broken line structure is what is
		 * reported, and the message is not kept: it is as if nothing had been parsed */
		split_bad = true;
		goto out;
	}
	if (hpe.err)
		pe = hpe;
	check_message(msg, &pe);
	if (!body) {
		fail(&pe, ENODATA, "incomplete message: no empty line after the headers");
		goto out;
	}
	if (msg->clen >= 0) {
		/* RFC 3261 18.3: a datagram shorter than its Content-Length is malformed; octets
		 * beyond it are ignored (RFC 4475 3.1.1.8, 3.1.2.2) */
		if ((uint64_t)msg->clen > (uint64_t)(e - body)) {
			fail(&pe, EBADMSG, "Content-Length larger than the message");
			goto out;
		}
		msg->body = (struct sip_pl){ body, (size_t)msg->clen };
	} else {
		msg->body = (struct sip_pl){ body, (size_t)(e - body) };
	}
	msg->raw = (struct sip_pl){ start, (size_t)(msg->body.p + msg->body.l - start) };
	if (!msg->req)
		msg->method = msg->has_cseq ? msg->cseq.method : SIP_METHOD_OTHER;
	if (!pe.err && !(msg->version.l == 7 && memcmp(msg->version.p + 4, "2.0", 3) == 0)) {
		/* RFC 3261 21.5.6: a server answers 505 Version Not Supported (RFC 4475 3.1.2.16) */
		fail(&pe, EPROTO, "unsupported SIP version %.*s", (int)msg->version.l,
		     msg->version.p);
	}
out:
	if (!pe.err) {
		*msgp = msg;
		return 0;
	}
	put_reason(reason, reasonsz, pe.why);
	if ((flags & SIP_PARSE_KEEP_BAD) && pe.err != ENODATA && !split_bad && msg->version.p &&
	    msg->nvia && msg->has_from && msg->has_to && msg->callid.p && msg->has_cseq) {
		if (!msg->raw.p) {
			msg->raw = (struct sip_pl){ start, (size_t)(e - start) };
			msg->body = (struct sip_pl){ e, 0 };
		}
		if (!msg->req)
			msg->method = msg->cseq.method;
		*msgp = msg;
		return pe.err;
	}
	sip_msg_unref(msg);
	return pe.err;
}

int sip_msg_parse(struct sip_msg **msgp, GBytes *buf)
{
	return sip_msg_parse_ex(msgp, buf, 0, NULL, 0);
}

/* ---------------------------------------------------------------- framing */

int sip_msg_frame(const void *data, size_t len, size_t *msglen)
{
	const char *d = data;
	const char *p = d;
	const char *e = d + len;
	const char *hend = NULL;
	const char *q;
	int64_t clen = -1;

	if (!data || !msglen)
		return EINVAL;
	while (e - p >= 2 && p[0] == '\r' && p[1] == '\n')
		p += 2;
	/* find the empty line */
	for (q = p; q + 3 < e; q++) {
		q = memchr(q, '\r', (size_t)(e - q));
		if (!q || e - q < 4)
			break;
		if (q[1] == '\n' && q[2] == '\r' && q[3] == '\n') {
			hend = q + 4;
			break;
		}
	}
	if (!hend) {
		/* a header section this long without its end is an attack or garbage: close */
		if ((size_t)(e - p) > SIP_MSG_MAX_FRAME_HEADER)
			return EBADMSG;
		return ENODATA;
	}
	/* walk the header lines (each starts after a CRLF) for Content-Length / l */
	for (q = memchr(p, '\n', (size_t)(hend - p)); q && q + 1 < hend - 2;
	     q = memchr(q + 1, '\n', (size_t)(hend - q - 1))) {
		const char *n = q + 1;
		const char *ne = sip_chr_span(n, hend, SIP_CHR_TOKEN);
		const char *c = ne;
		const char *v;
		const char *ve;
		struct sip_pl name = { n, (size_t)(ne - n) };
		uint64_t val;

		if (!sip_pl_caseeq_str(name, "Content-Length") && !sip_pl_caseeq_str(name, "l"))
			continue;
		while (c < hend && (*c == ' ' || *c == '\t'))
			c++;
		if (c >= hend || *c != ':')
			continue;
		v = sip_chr_skip_ws(c + 1, hend);
		ve = sip_chr_span(v, hend, SIP_CHR_DIGIT);
		if (sip_chr_uint(v, ve, UINT32_MAX, &val) || (ve < hend && *ve != '\r' &&
							      *ve != ' ' && *ve != '\t'))
			return EBADMSG;
		if (clen >= 0 && (uint64_t)clen != val)
			return EBADMSG;
		clen = (int64_t)val;
	}
	/* RFC 3261 18.3, 20.14: Content-Length is mandatory on stream transports */
	if (clen < 0)
		return EBADMSG;
	if ((uint64_t)clen > (uint64_t)(e - hend))
		return ENODATA;
	*msglen = (size_t)(hend - d) + (size_t)clen;
	return 0;
}

/* ---------------------------------------------------------------- lifetime */

struct sip_msg *sip_msg_ref(struct sip_msg *msg)
{
	if (msg)
		msg->refs++;
	return msg;
}

void sip_msg_unref(struct sip_msg *msg)
{
	if (!msg || --msg->refs > 0)
		return;
	if (msg->hdrs != msg->hdr_inline)
		g_free(msg->hdrs);
	if (msg->vias != msg->via_inline)
		g_free(msg->vias);
	g_bytes_unref(msg->buf);
	g_free(msg);
}

/* ---------------------------------------------------------------- accessors */

GBytes *sip_msg_bytes(const struct sip_msg *msg) { return msg->buf; }
struct sip_pl sip_msg_raw(const struct sip_msg *msg) { return msg->raw; }
bool sip_msg_is_request(const struct sip_msg *msg) { return msg->req; }
enum sip_method sip_msg_method(const struct sip_msg *msg) { return msg->method; }

struct sip_pl sip_msg_method_name(const struct sip_msg *msg)
{
	return msg->req ? msg->method_name : msg->cseq.method_name;
}

const struct sip_uri *sip_msg_ruri(const struct sip_msg *msg)
{
	return msg->req ? &msg->ruri : NULL;
}

uint16_t sip_msg_status(const struct sip_msg *msg) { return msg->status; }

struct sip_pl sip_msg_reason(const struct sip_msg *msg)
{
	return msg->req ? SIP_PL_NULL : msg->reason;
}

struct sip_pl sip_msg_version(const struct sip_msg *msg) { return msg->version; }

const struct sip_addr *sip_msg_from(const struct sip_msg *msg)
{
	return msg->has_from ? &msg->from : NULL;
}

const struct sip_addr *sip_msg_to(const struct sip_msg *msg)
{
	return msg->has_to ? &msg->to : NULL;
}

struct sip_pl sip_msg_callid(const struct sip_msg *msg) { return msg->callid; }

const struct sip_cseq *sip_msg_cseq(const struct sip_msg *msg)
{
	return msg->has_cseq ? &msg->cseq : NULL;
}

const struct sip_via *sip_msg_via(const struct sip_msg *msg)
{
	return msg->nvia ? &msg->vias[0] : NULL;
}

size_t sip_msg_via_count(const struct sip_msg *msg) { return msg->nvia; }

const struct sip_via *sip_msg_via_at(const struct sip_msg *msg, size_t i)
{
	return i < msg->nvia ? &msg->vias[i] : NULL;
}

int sip_msg_max_forwards(const struct sip_msg *msg) { return msg->max_forwards; }
int64_t sip_msg_expires(const struct sip_msg *msg) { return msg->expires; }
int64_t sip_msg_content_length(const struct sip_msg *msg) { return msg->clen; }
struct sip_pl sip_msg_content_type(const struct sip_msg *msg) { return msg->ctype; }
struct sip_pl sip_msg_body(const struct sip_msg *msg) { return msg->body; }
size_t sip_msg_contact_count(const struct sip_msg *msg)
{
	return sip_msg_hdr_count(msg, SIP_HDR_CONTACT);
}

int sip_msg_contact_at(const struct sip_msg *msg, size_t i, struct sip_addr *addr)
{
	struct sip_hdr_iter it;
	struct sip_pl v;
	size_t k = 0;

	sip_hdr_iter_init(&it, msg, SIP_HDR_CONTACT);
	while (sip_hdr_iter_next(&it, &v)) {
		if (k++ == i)
			return sip_addr_decode_contact(addr, v) ? EBADMSG : 0;
	}
	return ENOENT;
}

uint32_t sip_msg_contact_expires(const struct sip_msg *msg, const struct sip_addr *contact,
				 uint32_t dflt)
{
	struct sip_pl v;
	uint64_t n;

	if (contact && sip_param_get(contact->params, "expires", &v) == 0 &&
	    sip_chr_uint(v.p, v.p + v.l, UINT32_MAX, &n) == 0)
		return (uint32_t)n;
	if (msg->expires >= 0)
		return (uint32_t)msg->expires;
	return dflt;
}

/* ---------------------------------------------------------------- header lookup */

void sip_hdr_iter_init(struct sip_hdr_iter *it, const struct sip_msg *msg, enum sip_hdr id)
{
	memset(it, 0, sizeof(*it));
	it->msg = msg;
	it->id = ((int)id < 0 || id >= SIP_HDR_COUNT_) ? SIP_HDR_OTHER : id;
	it->split = sip_hdr_is_list(it->id);
	/* start at the first line carrying this header; SIP_HDR_OTHER without a name finds none */
	it->line = it->id == SIP_HDR_OTHER ? msg->nhdr
		   : (first_line(msg, it->id) ? first_line(msg, it->id) - 1u : msg->nhdr);
}

void sip_hdr_iter_init_name(struct sip_hdr_iter *it, const struct sip_msg *msg, const char *name)
{
	enum sip_hdr id = sip_hdr_lookup(sip_pl_from_str(name));

	sip_hdr_iter_init(it, msg, id);
	if (id == SIP_HDR_OTHER && name) {
		it->name = name;
		it->line = first_line(msg, SIP_HDR_OTHER) ? first_line(msg, SIP_HDR_OTHER) - 1u
							  : msg->nhdr;
	}
}

/* True when line i is one the iterator walks. */
static bool iter_match(const struct sip_hdr_iter *it, size_t i)
{
	const struct hdr_line *h = &it->msg->hdrs[i];

	if (h->id != it->id)
		return false;
	return it->id != SIP_HDR_OTHER || sip_pl_caseeq_str(h->name, it->name);
}

bool sip_hdr_iter_next(struct sip_hdr_iter *it, struct sip_pl *value)
{
	const char *q;

	for (;;) {
		if (!it->pos) {
			const struct hdr_line *h;

			while (it->line < it->msg->nhdr && !iter_match(it, it->line))
				it->line++;
			if (it->line >= it->msg->nhdr)
				return false;
			h = &it->msg->hdrs[it->line++];
			if (!it->split) {
				*value = h->value;
				return true;
			}
			if (h->value.l == 0)
				continue;       /* an empty list line has no elements */
			it->pos = h->value.p;
			it->end = h->value.p + h->value.l;
		}
		q = elem_end(it->pos, it->end);
		*value = trimmed(it->pos, q);
		it->pos = q < it->end ? q + 1 : NULL;
		return true;
	}
}

struct sip_pl sip_msg_hdr(const struct sip_msg *msg, enum sip_hdr id)
{
	struct sip_hdr_iter it;
	struct sip_pl v;

	sip_hdr_iter_init(&it, msg, id);
	return sip_hdr_iter_next(&it, &v) ? v : SIP_PL_NULL;
}

struct sip_pl sip_msg_hdr_by_name(const struct sip_msg *msg, const char *name)
{
	struct sip_hdr_iter it;
	struct sip_pl v;

	sip_hdr_iter_init_name(&it, msg, name);
	return sip_hdr_iter_next(&it, &v) ? v : SIP_PL_NULL;
}

size_t sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr id)
{
	struct sip_hdr_iter it;
	struct sip_pl v;
	size_t n = 0;

	sip_hdr_iter_init(&it, msg, id);
	while (sip_hdr_iter_next(&it, &v))
		n++;
	return n;
}

size_t sip_msg_hdr_lines(const struct sip_msg *msg) { return msg->nhdr; }

void sip_msg_hdr_line(const struct sip_msg *msg, size_t i, enum sip_hdr *id, struct sip_pl *name,
		      struct sip_pl *value)
{
	if (i >= msg->nhdr) {
		if (id)
			*id = SIP_HDR_OTHER;
		if (name)
			*name = SIP_PL_NULL;
		if (value)
			*value = SIP_PL_NULL;
		return;
	}
	if (id)
		*id = msg->hdrs[i].id;
	if (name)
		*name = msg->hdrs[i].name;
	if (value)
		*value = msg->hdrs[i].value;
}
