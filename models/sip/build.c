/*
 * build.c - the SIP message builder: request and status lines, header lines with canonical names,
 * Via/From/To/CSeq helpers, Content-Type/Content-Length and the body (RFC 3261 7, 8.1.1, 20),
 * responses to a parsed request (8.2.6), the non-2xx ACK (17.1.1.3) and CANCEL (9.1).
 * Identifiers come from the caller's gsl_rng stream or counter (DESIGN: no ambient randomness).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/sip/build.h"
#include "models/sip/chr.h"

/* The message text so far: buf holds len octets (no NUL) in cap. The text starts in the block's
 * own tail (one allocation per message) and moves to a g_malloc'd buffer only if it outgrows it. */
struct sip_build {
	char *buf;              /* text: points to inline_buf or a g_malloc'd buffer */
	size_t len;
	size_t cap;
	char inline_buf[];
};

/* The whole block is 1032 octets, the largest request glibc serves from its per-thread cache
 * (tcache) without taking the general allocator's bin path; a typical INVITE with SDP (700-900
 * octets) fits. */
#define BUILD_BLOCK 1032

/* ---------------------------------------------------------------- identifiers */

/* Writes n hex digits drawn 16 bits at a time from r (gsl_rng_uniform_int is exact for any n
 * within the generator's range, and 2^16 is within the range of the GSL generators). */
static void rand_hex(char *out, size_t n, gsl_rng *r)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	while (i < n) {
		unsigned long v = gsl_rng_uniform_int(r, 65536);
		int k;

		for (k = 0; k < 4 && i < n; k++, i++) {
			out[i] = hex[v & 0xf];
			v >>= 4;
		}
	}
	out[n] = '\0';
}

void sip_build_branch(char out[SIP_BRANCH_SIZE], gsl_rng *r)
{
	memcpy(out, "z9hG4bK", 7);
	rand_hex(out + 7, SIP_BRANCH_SIZE - 8, r);
}

void sip_build_branch_counter(char *out, size_t size, const char *prefix, uint64_t n)
{
	snprintf(out, size, "z9hG4bK%s.%" G_GUINT64_FORMAT, prefix ? prefix : "", (guint64)n);
}

void sip_build_tag(char out[SIP_TAG_SIZE], gsl_rng *r)
{
	rand_hex(out, SIP_TAG_SIZE - 1, r);
}

void sip_build_callid(char out[SIP_CALLID_SIZE], gsl_rng *r, const char *host)
{
	char id[25];

	rand_hex(id, 24, r);
	if (host && *host)
		snprintf(out, SIP_CALLID_SIZE, "%s@%s", id, host);
	else
		snprintf(out, SIP_CALLID_SIZE, "%s", id);
}

/* ---------------------------------------------------------------- start lines */

static const struct {
	uint16_t code;
	const char *reason;
} reasons[] = {
	/* RFC 3261 21, plus the extensions the simulator answers with */
	{ 100, "Trying" }, { 180, "Ringing" }, { 181, "Call Is Being Forwarded" },
	{ 182, "Queued" }, { 183, "Session Progress" }, { 199, "Early Dialog Terminated" },
	{ 200, "OK" }, { 202, "Accepted" }, { 204, "No Notification" },
	{ 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Moved Temporarily" },
	{ 305, "Use Proxy" }, { 380, "Alternative Service" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 402, "Payment Required" },
	{ 403, "Forbidden" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" }, { 407, "Proxy Authentication Required" },
	{ 408, "Request Timeout" }, { 410, "Gone" }, { 412, "Conditional Request Failed" },
	{ 413, "Request Entity Too Large" }, { 414, "Request-URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 416, "Unsupported URI Scheme" },
	{ 420, "Bad Extension" }, { 421, "Extension Required" },
	{ 422, "Session Interval Too Small" }, { 423, "Interval Too Brief" },
	{ 480, "Temporarily Unavailable" }, { 481, "Call/Transaction Does Not Exist" },
	{ 482, "Loop Detected" }, { 483, "Too Many Hops" }, { 484, "Address Incomplete" },
	{ 485, "Ambiguous" }, { 486, "Busy Here" }, { 487, "Request Terminated" },
	{ 488, "Not Acceptable Here" }, { 489, "Bad Event" }, { 491, "Request Pending" },
	{ 493, "Undecipherable" },
	{ 500, "Server Internal Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
	{ 503, "Service Unavailable" }, { 504, "Server Time-out" },
	{ 505, "Version Not Supported" }, { 513, "Message Too Large" },
	{ 600, "Busy Everywhere" }, { 603, "Decline" }, { 604, "Does Not Exist Anywhere" },
	{ 606, "Not Acceptable" },
};

const char *sip_build_reason(uint16_t code)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(reasons); i++) {
		if (reasons[i].code == code)
			return reasons[i].reason;
	}
	return "Unknown";
}

/* True when s has no CR, LF (and, when nospace, no SP/HT): safe on a start line. */
static bool line_safe(const char *s, bool nospace)
{
	return s[strcspn(s, nospace ? "\r\n \t" : "\r\n")] == '\0';
}

/* The slice counterpart of line_safe: no CR, LF or NUL (a C string cannot hold one either) and,
 * when nospace, no SP/HT. */
static bool pl_line_safe(struct sip_pl v, bool nospace)
{
	for (size_t i = 0; i < v.l; i++) {
		char c = v.p[i];

		if (c == '\r' || c == '\n' || c == '\0' || (nospace && (c == ' ' || c == '\t')))
			return false;
	}
	return true;
}

/* True when a header value slice is safe on a header line: no NUL, and every CR or LF belongs to
 * a fold, CRLF followed by SP/HT (RFC 3261 7.3.1), as values from the parser may hold. */
static bool pl_value_safe(struct sip_pl v)
{
	const char *p = v.p;
	const char *e = v.p + v.l;

	/* most values hold neither: two SIMD scans settle it */
	if (!memchr(p, '\r', v.l) && !memchr(p, '\n', v.l))
		return !memchr(p, '\0', v.l);
	for (; p < e; p++) {
		if (*p == '\0' || *p == '\n')
			return false;
		if (*p == '\r') {
			if (e - p < 3 || p[1] != '\n' || (p[2] != ' ' && p[2] != '\t'))
				return false;
			p++;
		}
	}
	return true;
}

/* A slice that is a non-empty token (method names, header names). */
static bool pl_token(struct sip_pl v)
{
	return v.p && v.l > 0 && sip_chr_span(v.p, v.p + v.l, SIP_CHR_TOKEN) == v.p + v.l;
}

/* Makes room for n more octets (geometric growth, so appends are amortised O(1)). */
static void grow(struct sip_build *b, size_t n)
{
	size_t cap = b->cap;

	while (cap - b->len < n)
		cap *= 2;
	if (b->buf == b->inline_buf) {
		char *nb = g_malloc(cap);

		memcpy(nb, b->buf, b->len);
		b->buf = nb;
	} else {
		b->buf = g_realloc(b->buf, cap);
	}
	b->cap = cap;
}

/* Appends n octets. The builder's hot path: a bounds check and a memcpy, no GString or printf
 * (a g_string_append_len costs about 90 instructions, this about 20). */
static inline void put(struct sip_build *b, const void *p, size_t n)
{
	if (G_UNLIKELY(b->cap - b->len < n))
		grow(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static inline void put_c(struct sip_build *b, char c)
{
	if (G_UNLIKELY(b->cap == b->len))
		grow(b, 1);
	b->buf[b->len++] = c;
}

static inline void put_str(struct sip_build *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Appends "name: value CRLF" with one bounds check. */
static void put_line(struct sip_build *b, const char *name, size_t nl, const char *value,
		     size_t vl)
{
	char *w;

	if (G_UNLIKELY(b->cap - b->len < nl + vl + 4))
		grow(b, nl + vl + 4);
	w = b->buf + b->len;
	memcpy(w, name, nl);
	w += nl;
	*w++ = ':';
	*w++ = ' ';
	memcpy(w, value, vl);
	w += vl;
	*w++ = '\r';
	*w++ = '\n';
	b->len = (size_t)(w - b->buf);
}

/* Appends an unsigned decimal number (by hand: snprintf costs hundreds of instructions). */
static void put_uint(struct sip_build *b, uint64_t v)
{
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(b, buf + i, sizeof(buf) - i);
}

/* A new builder whose inline buffer fits a typical message with a body without growing. */
static struct sip_build *build_new(void)
{
	struct sip_build *b = g_malloc(BUILD_BLOCK);

	b->buf = b->inline_buf;
	b->cap = BUILD_BLOCK - sizeof(*b);
	b->len = 0;
	return b;
}

/* The request line from a checked method name and Request-URI. */
static struct sip_build *request_line(const char *m, size_t ml, const char *ruri, size_t rl)
{
	struct sip_build *b = build_new();

	put(b, m, ml);
	put_c(b, ' ');
	put(b, ruri, rl);
	put(b, " SIP/2.0\r\n", 10);
	return b;
}

struct sip_build *sip_build_request(enum sip_method method, const char *method_name,
				    const char *ruri)
{
	const char *m = method == SIP_METHOD_OTHER ? method_name : sip_method_name(method);
	size_t ml;

	if (!m || !ruri || !*ruri || (int)method < 0 || method >= SIP_METHOD_COUNT_)
		return NULL;
	ml = strlen(m);
	if (ml == 0 || sip_chr_span(m, m + ml, SIP_CHR_TOKEN) != m + ml || !line_safe(ruri, true))
		return NULL;
	return request_line(m, ml, ruri, strlen(ruri));
}

struct sip_build *sip_build_request_pl(enum sip_method method, struct sip_pl method_name,
				       struct sip_pl ruri)
{
	struct sip_pl m = method_name;

	if ((int)method < 0 || method >= SIP_METHOD_COUNT_)
		return NULL;
	if (method != SIP_METHOD_OTHER)
		m = sip_pl_from_str(sip_method_name(method));
	if (!pl_token(m) || !ruri.p || ruri.l == 0 || !pl_line_safe(ruri, true))
		return NULL;
	return request_line(m.p, m.l, ruri.p, ruri.l);
}

/* The status line from a checked code and reason phrase. */
static struct sip_build *status_line(uint16_t code, const char *reason, size_t rl)
{
	struct sip_build *b = build_new();

	put(b, "SIP/2.0 ", 8);
	put_uint(b, code);
	put_c(b, ' ');
	put(b, reason, rl);
	put(b, "\r\n", 2);
	return b;
}

struct sip_build *sip_build_response(uint16_t code, const char *reason)
{
	if (code < 100 || code > 699)
		return NULL;
	if (!reason)
		reason = sip_build_reason(code);
	if (!line_safe(reason, false))
		return NULL;
	return status_line(code, reason, strlen(reason));
}

struct sip_build *sip_build_response_pl(uint16_t code, struct sip_pl reason)
{
	if (code < 100 || code > 699)
		return NULL;
	if (!reason.p)
		reason = sip_pl_from_str(sip_build_reason(code));
	if (!pl_line_safe(reason, false))
		return NULL;
	return status_line(code, reason.p, reason.l);
}

/* ---------------------------------------------------------------- headers */

void sip_build_hdr(struct sip_build *b, enum sip_hdr id, const char *value)
{
	const char *name = sip_hdr_name(id);

	g_return_if_fail(b && name && value && line_safe(value, false));
	put_line(b, name, strlen(name), value, strlen(value));
}

void sip_build_hdrf(struct sip_build *b, enum sip_hdr id, const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	v = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	sip_build_hdr(b, id, v);
	g_free(v);
}

void sip_build_hdr_name(struct sip_build *b, const char *name, const char *value)
{
	size_t nl;

	g_return_if_fail(b && name && value && line_safe(value, false));
	nl = strlen(name);
	g_return_if_fail(nl > 0 && sip_chr_span(name, name + nl, SIP_CHR_TOKEN) == name + nl);
	put_line(b, name, nl, value, strlen(value));
}

void sip_build_hdr_name_pl(struct sip_build *b, struct sip_pl name, struct sip_pl value)
{
	g_return_if_fail(b && pl_token(name) && value.p && pl_value_safe(value));
	put_line(b, name.p, name.l, value.p, value.l);
}

void sip_build_hdr_pl(struct sip_build *b, enum sip_hdr id, struct sip_pl value)
{
	const char *name = sip_hdr_name(id);

	g_return_if_fail(b && name && value.p);
	put_line(b, name, strlen(name), value.p, value.l);
}

void sip_build_copy_hdrs(struct sip_build *b, const struct sip_msg *msg, enum sip_hdr id)
{
	size_t i;
	size_t n = sip_msg_hdr_lines(msg);

	for (i = 0; i < n; i++) {
		enum sip_hdr hid;
		struct sip_pl v;

		sip_msg_hdr_line(msg, i, &hid, NULL, &v);
		if (hid == id)
			sip_build_hdr_pl(b, id, v);
	}
}

void sip_build_via(struct sip_build *b, const char *transport, const char *host, uint16_t port,
		   const char *branch, bool rport)
{
	bool v6;

	g_return_if_fail(b && transport && host && branch);
	v6 = strchr(host, ':') && host[0] != '[';
	put(b, "Via: SIP/2.0/", 13);
	put_str(b, transport);
	put_str(b, v6 ? " [" : " ");
	put_str(b, host);
	if (v6)
		put_c(b, ']');
	if (port) {
		put_c(b, ':');
		put_uint(b, port);
	}
	put(b, ";branch=", 8);
	put_str(b, branch);
	if (rport)
		put(b, ";rport\r\n", 8);
	else
		put(b, "\r\n", 2);
}

void sip_build_addr(struct sip_build *b, enum sip_hdr id, const char *dname, const char *uri,
		    const char *tag)
{
	const char *name = sip_hdr_name(id);

	g_return_if_fail(b && name && uri && line_safe(uri, true));
	put_str(b, name);
	put(b, ": ", 2);
	if (dname && *dname) {
		/* quoted-string with quoted-pairs for '"' and '\' (RFC 3261 25.1) */
		put_c(b, '"');
		for (const char *p = dname; *p; p++) {
			if (*p == '\r' || *p == '\n')
				continue;
			if (*p == '"' || *p == '\\')
				put_c(b, '\\');
			put_c(b, *p);
		}
		put(b, "\" ", 2);
	}
	put_c(b, '<');
	put_str(b, uri);
	put_c(b, '>');
	if (tag && *tag) {
		put(b, ";tag=", 5);
		put_str(b, tag);
	}
	put(b, "\r\n", 2);
}

void sip_build_cseq(struct sip_build *b, uint32_t num, enum sip_method method,
		    const char *method_name)
{
	const char *m = method == SIP_METHOD_OTHER ? method_name : sip_method_name(method);

	g_return_if_fail(b && m && *m);
	put(b, "CSeq: ", 6);
	put_uint(b, num);
	put_c(b, ' ');
	put_str(b, m);
	put(b, "\r\n", 2);
}

/* Content-Type, Content-Length, the empty line and the body; frees the builder. */
static GBytes *finish(struct sip_build *b, const char *ctype, size_t cl, const void *body,
		      size_t len)
{
	char *buf;
	size_t n;

	if (!body)
		len = 0;
	if (ctype && len > 0)
		put_line(b, "Content-Type", 12, ctype, cl);
	/* RFC 3261 20.14: always written, so the message also frames on streams */
	put(b, "Content-Length: ", 16);
	put_uint(b, len);
	put(b, "\r\n\r\n", 4);
	if (len)
		put(b, body, len);
	buf = b->buf;
	n = b->len;
	if (buf == b->inline_buf)
		return g_bytes_new_with_free_func(buf, n, g_free, b);
	g_free(b);
	return g_bytes_new_take(buf, n);
}

GBytes *sip_build_finish(struct sip_build *b, const char *ctype, const void *body, size_t len)
{
	if (!b)
		return NULL;
	return finish(b, ctype, ctype ? strlen(ctype) : 0, body, len);
}

GBytes *sip_build_finish_pl(struct sip_build *b, struct sip_pl ctype, const void *body,
			    size_t len)
{
	if (!b)
		return NULL;
	return finish(b, ctype.p, ctype.l, body, len);
}

void sip_build_free(struct sip_build *b)
{
	if (!b)
		return;
	if (b->buf != b->inline_buf)
		g_free(b->buf);
	g_free(b);
}


/* Rebuilds a parsed message from its parts; see build.h. */
GBytes *sip_build_copy(const struct sip_msg *m)
{
	struct sip_build *b;
	struct sip_pl body = sip_msg_body(m);
	size_t n = sip_msg_hdr_lines(m);

	if (sip_msg_is_request(m))
		b = sip_build_request_pl(sip_msg_method(m), sip_msg_method_name(m),
					 sip_msg_ruri(m)->raw);
	else
		b = sip_build_response_pl(sip_msg_status(m), sip_msg_reason(m));
	if (!b)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		enum sip_hdr id;
		struct sip_pl name, value;

		sip_msg_hdr_line(m, i, &id, &name, &value);
		/* finish writes Content-Type and Content-Length itself */
		if (id == SIP_HDR_CONTENT_LENGTH || id == SIP_HDR_CONTENT_TYPE)
			continue;
		/* Copied as parsed, like sip_build_hdr_pl does for known headers: the parser has
		 * checked the line structure, and a value may hold octets the checked entry
		 * point refuses from callers (a NUL in a quoted string, RFC 4475 3.1.1.2). */
		if (id == SIP_HDR_OTHER)
			put_line(b, name.p, name.l, value.p, value.l);
		else
			sip_build_hdr_pl(b, id, value);
	}
	return sip_build_finish_pl(b, body.l ? sip_msg_content_type(m) : SIP_PL_NULL, body.p,
				   body.l);
}

/* ---------------------------------------------------------------- derived messages */

struct sip_build *sip_build_reply(const struct sip_msg *req, uint16_t code, const char *reason,
				  const char *to_tag)
{
	return sip_build_reply_via(req, code, reason, to_tag, NULL);
}

/* sip_build_reply with the top Via replaced by TOP_VIA when it is non-NULL; see build.h. */
struct sip_build *sip_build_reply_via(const struct sip_msg *req, uint16_t code,
				      const char *reason, const char *to_tag, const char *top_via)
{
	struct sip_build *b;
	const struct sip_addr *to;

	if (!req || !sip_msg_is_request(req))
		return NULL;
	b = sip_build_response(code, reason);
	if (!b)
		return NULL;
	/* RFC 3261 8.2.6.2: Via (all, in order), From, Call-ID and CSeq copied; To copied with a
	 * tag added by the UAS unless the request already had one */
	if (top_via) {
		/* value by value: the top via-parm may share its line with others */
		struct sip_hdr_iter it;
		struct sip_pl v;
		bool first = true;

		sip_hdr_iter_init(&it, req, SIP_HDR_VIA);
		while (sip_hdr_iter_next(&it, &v)) {
			if (first)
				sip_build_hdr(b, SIP_HDR_VIA, top_via);
			else
				sip_build_hdr_pl(b, SIP_HDR_VIA, v);
			first = false;
		}
	} else {
		sip_build_copy_hdrs(b, req, SIP_HDR_VIA);
	}
	sip_build_hdr_pl(b, SIP_HDR_FROM, sip_msg_hdr(req, SIP_HDR_FROM));
	to = sip_msg_to(req);
	put(b, "To: ", 4);
	put(b, to->raw.p, to->raw.l);
	if (!to->tag.p && code > 100 && to_tag && *to_tag) {
		put(b, ";tag=", 5);
		put_str(b, to_tag);
	}
	put(b, "\r\n", 2);
	sip_build_hdr_pl(b, SIP_HDR_CALL_ID, sip_msg_callid(req));
	sip_build_hdr_pl(b, SIP_HDR_CSEQ, sip_msg_hdr(req, SIP_HDR_CSEQ));
	/* RFC 3261 8.2.6.1: a 100 copies Timestamp */
	if (code == 100)
		sip_build_copy_hdrs(b, req, SIP_HDR_TIMESTAMP);
	return b;
}

/* The start of ACK and CANCEL: Request-URI, top Via, Max-Forwards, From, Call-ID. */
static struct sip_build *same_txn(const struct sip_msg *invite, enum sip_method m)
{
	const struct sip_uri *ruri = sip_msg_ruri(invite);
	struct sip_build *b;
	char *u;

	u = sip_pl_dup(ruri->raw);
	b = sip_build_request(m, NULL, u);
	g_free(u);
	if (!b)
		return NULL;
	/* the single Via equals the top Via of the request (17.1.1.3, 9.1) */
	sip_build_hdr_pl(b, SIP_HDR_VIA, sip_msg_via(invite)->raw);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_hdr_pl(b, SIP_HDR_FROM, sip_msg_hdr(invite, SIP_HDR_FROM));
	return b;
}

/* Ends an ACK/CANCEL: Call-ID, CSeq number of the INVITE with method m, Route copied. */
static GBytes *same_txn_end(struct sip_build *b, const struct sip_msg *invite, enum sip_method m)
{
	sip_build_hdr_pl(b, SIP_HDR_CALL_ID, sip_msg_callid(invite));
	sip_build_cseq(b, sip_msg_cseq(invite)->num, m, NULL);
	sip_build_copy_hdrs(b, invite, SIP_HDR_ROUTE);
	return sip_build_finish(b, NULL, NULL, 0);
}

GBytes *sip_build_ack(const struct sip_msg *invite, const struct sip_msg *resp)
{
	struct sip_build *b;

	if (!invite || !resp || !sip_msg_is_request(invite) ||
	    sip_msg_method(invite) != SIP_METHOD_INVITE || sip_msg_is_request(resp) ||
	    sip_msg_status(resp) < 300)
		return NULL;
	b = same_txn(invite, SIP_METHOD_ACK);
	if (!b)
		return NULL;
	/* RFC 3261 17.1.1.3: To equals the To of the response being acknowledged */
	sip_build_hdr_pl(b, SIP_HDR_TO, sip_msg_hdr(resp, SIP_HDR_TO));
	return same_txn_end(b, invite, SIP_METHOD_ACK);
}

GBytes *sip_build_cancel(const struct sip_msg *invite)
{
	struct sip_build *b;

	if (!invite || !sip_msg_is_request(invite) || sip_msg_method(invite) != SIP_METHOD_INVITE)
		return NULL;
	b = same_txn(invite, SIP_METHOD_CANCEL);
	if (!b)
		return NULL;
	/* RFC 3261 9.1: Request-URI, Call-ID, To, the numeric part of CSeq and From equal the
	 * request's; a single Via equal to its top Via; its Route header fields */
	sip_build_hdr_pl(b, SIP_HDR_TO, sip_msg_hdr(invite, SIP_HDR_TO));
	return same_txn_end(b, invite, SIP_METHOD_CANCEL);
}
