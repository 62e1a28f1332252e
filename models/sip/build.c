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

struct sip_build {
	GString *s;
};

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

/* Appends "name: value CRLF" (the builder's hot path: no printf). */
static void put_line(GString *s, const char *name, const char *value, size_t vlen)
{
	g_string_append(s, name);
	g_string_append_len(s, ": ", 2);
	g_string_append_len(s, value, (gssize)vlen);
	g_string_append_len(s, "\r\n", 2);
}

/* Appends an unsigned decimal number. */
static void put_uint(GString *s, uint64_t v)
{
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	g_string_append_len(s, buf + i, (gssize)(sizeof(buf) - i));
}

/* A new builder whose buffer fits a typical message with a body without growing. */
static struct sip_build *build_new(void)
{
	struct sip_build *b = g_new(struct sip_build, 1);

	b->s = g_string_sized_new(1536);
	return b;
}

struct sip_build *sip_build_request(enum sip_method method, const char *method_name,
				    const char *ruri)
{
	struct sip_build *b;
	const char *m = method == SIP_METHOD_OTHER ? method_name : sip_method_name(method);
	size_t ml;

	if (!m || !ruri || !*ruri || (int)method < 0 || method >= SIP_METHOD_COUNT_)
		return NULL;
	ml = strlen(m);
	if (ml == 0 || sip_chr_span(m, m + ml, SIP_CHR_TOKEN) != m + ml || !line_safe(ruri, true))
		return NULL;
	b = build_new();
	g_string_append_len(b->s, m, (gssize)ml);
	g_string_append_c(b->s, ' ');
	g_string_append(b->s, ruri);
	g_string_append_len(b->s, " SIP/2.0\r\n", 10);
	return b;
}

struct sip_build *sip_build_response(uint16_t code, const char *reason)
{
	struct sip_build *b;

	if (code < 100 || code > 699)
		return NULL;
	if (!reason)
		reason = sip_build_reason(code);
	if (!line_safe(reason, false))
		return NULL;
	b = build_new();
	g_string_append_len(b->s, "SIP/2.0 ", 8);
	put_uint(b->s, code);
	g_string_append_c(b->s, ' ');
	g_string_append(b->s, reason);
	g_string_append_len(b->s, "\r\n", 2);
	return b;
}

/* ---------------------------------------------------------------- headers */

void sip_build_hdr(struct sip_build *b, enum sip_hdr id, const char *value)
{
	const char *name = sip_hdr_name(id);

	g_return_if_fail(b && name && value && line_safe(value, false));
	put_line(b->s, name, value, strlen(value));
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
	put_line(b->s, name, value, strlen(value));
}

void sip_build_hdr_pl(struct sip_build *b, enum sip_hdr id, struct sip_pl value)
{
	const char *name = sip_hdr_name(id);

	g_return_if_fail(b && name && value.p);
	put_line(b->s, name, value.p, value.l);
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
	bool v6 = strchr(host, ':') && host[0] != '[';

	g_return_if_fail(b && transport && host && branch);
	g_string_append_len(b->s, "Via: SIP/2.0/", 13);
	g_string_append(b->s, transport);
	g_string_append(b->s, v6 ? " [" : " ");
	g_string_append(b->s, host);
	if (v6)
		g_string_append_c(b->s, ']');
	if (port) {
		g_string_append_c(b->s, ':');
		put_uint(b->s, port);
	}
	g_string_append_len(b->s, ";branch=", 8);
	g_string_append(b->s, branch);
	g_string_append(b->s, rport ? ";rport\r\n" : "\r\n");
}

void sip_build_addr(struct sip_build *b, enum sip_hdr id, const char *dname, const char *uri,
		    const char *tag)
{
	const char *name = sip_hdr_name(id);

	g_return_if_fail(b && name && uri && line_safe(uri, true));
	g_string_append(b->s, name);
	g_string_append_len(b->s, ": ", 2);
	if (dname && *dname) {
		/* quoted-string with quoted-pairs for '"' and '\' (RFC 3261 25.1) */
		g_string_append_c(b->s, '"');
		for (const char *p = dname; *p; p++) {
			if (*p == '\r' || *p == '\n')
				continue;
			if (*p == '"' || *p == '\\')
				g_string_append_c(b->s, '\\');
			g_string_append_c(b->s, *p);
		}
		g_string_append(b->s, "\" ");
	}
	g_string_append_c(b->s, '<');
	g_string_append(b->s, uri);
	g_string_append_c(b->s, '>');
	if (tag && *tag) {
		g_string_append_len(b->s, ";tag=", 5);
		g_string_append(b->s, tag);
	}
	g_string_append_len(b->s, "\r\n", 2);
}

void sip_build_cseq(struct sip_build *b, uint32_t num, enum sip_method method,
		    const char *method_name)
{
	const char *m = method == SIP_METHOD_OTHER ? method_name : sip_method_name(method);

	g_return_if_fail(b && m && *m);
	g_string_append_len(b->s, "CSeq: ", 6);
	put_uint(b->s, num);
	g_string_append_c(b->s, ' ');
	g_string_append(b->s, m);
	g_string_append_len(b->s, "\r\n", 2);
}

GBytes *sip_build_finish(struct sip_build *b, const char *ctype, const void *body, size_t len)
{
	GString *s;

	if (!b)
		return NULL;
	s = b->s;
	g_free(b);
	if (!body)
		len = 0;
	if (ctype && len > 0)
		put_line(s, "Content-Type", ctype, strlen(ctype));
	/* RFC 3261 20.14: always written, so the message also frames on streams */
	g_string_append_len(s, "Content-Length: ", 16);
	put_uint(s, len);
	g_string_append_len(s, "\r\n\r\n", 4);
	if (len)
		g_string_append_len(s, body, (gssize)len);
	return g_string_free_to_bytes(s);
}

void sip_build_free(struct sip_build *b)
{
	if (!b)
		return;
	g_string_free(b->s, TRUE);
	g_free(b);
}

/* ---------------------------------------------------------------- derived messages */

struct sip_build *sip_build_reply(const struct sip_msg *req, uint16_t code, const char *reason,
				  const char *to_tag)
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
	sip_build_copy_hdrs(b, req, SIP_HDR_VIA);
	sip_build_hdr_pl(b, SIP_HDR_FROM, sip_msg_hdr(req, SIP_HDR_FROM));
	to = sip_msg_to(req);
	g_string_append(b->s, "To: ");
	g_string_append_len(b->s, to->raw.p, (gssize)to->raw.l);
	if (!to->tag.p && code > 100 && to_tag && *to_tag)
		g_string_append_printf(b->s, ";tag=%s", to_tag);
	g_string_append(b->s, "\r\n");
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
