/*
 * msg.h - SIP messages (RFC 3261 section 7, grammar of section 25): the zero-copy parser, its
 * accessors and the value types it hands out (URIs, name-addr, Via, CSeq).
 *
 * A parsed message keeps a reference on the GBytes it was parsed from; every struct sip_pl it
 * returns points into that buffer and lives as long as the message. Nothing is decoded in place:
 * %-escapes and quoted-pair escapes are kept as written (RFC 4475 3.1.1.3), and comparison
 * functions (sip_uri_cmp, sip_pl_esc_eq) decode as they compare. A header value slice may contain a
 * folded line break (CRLF followed by SP/HT, RFC 3261 7.3.1); every decoder here treats it as
 * whitespace, and so must any caller that looks at raw values.
 *
 * sip_msg_parse indexes every header line, checks the start line and the line syntax, and parses
 * the core headers a transaction needs (Via, From, To, Call-ID, CSeq, Max-Forwards, Expires,
 * Content-Length, Content-Type), the mandatory headers and the single-value rules. Other headers
 * are parsed when asked for (an accessor on a malformed one returns an error). With
 * SIP_PARSE_STRICT it also checks the grammar of every other known header, so that a message it
 * accepts is one a server need not reject as malformed (400): `ossim sip lint` parses so.
 * Header slots live inside the message: one allocation per message in the common case.
 *
 * Implementation: msg.c (parser, accessors, framing), hdr.c (header and method names), uri.c
 * (URIs and escapes), addr.c (name-addr / addr-spec), via.c (Via), param.c (;name=value lists).
 */
#ifndef OSSIM_SIP_MSG_H
#define OSSIM_SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "models/sip/pl.h"

/* ---------------------------------------------------------------- methods (hdr.c) */

/* Request methods (RFC 3261 7.1 and the extensions the simulator speaks). */
enum sip_method {
	SIP_METHOD_OTHER = 0,   /* an extension method: see the token slice */
	SIP_METHOD_INVITE,
	SIP_METHOD_ACK,
	SIP_METHOD_BYE,
	SIP_METHOD_CANCEL,
	SIP_METHOD_REGISTER,
	SIP_METHOD_OPTIONS,
	SIP_METHOD_INFO,        /* RFC 6086 */
	SIP_METHOD_UPDATE,      /* RFC 3311 */
	SIP_METHOD_PRACK,       /* RFC 3262 */
	SIP_METHOD_SUBSCRIBE,   /* RFC 6665 */
	SIP_METHOD_NOTIFY,      /* RFC 6665 */
	SIP_METHOD_REFER,       /* RFC 3515 */
	SIP_METHOD_MESSAGE,     /* RFC 3428 */
	SIP_METHOD_PUBLISH,     /* RFC 3903 */
	SIP_METHOD_COUNT_
};

/* The method named by a token (case-sensitive, RFC 3261 7.1); SIP_METHOD_OTHER if unknown. */
enum sip_method sip_method_lookup(struct sip_pl token);
/* The canonical name of a method; "" for SIP_METHOD_OTHER. */
const char *sip_method_name(enum sip_method m);

/* ---------------------------------------------------------------- header names (hdr.c) */

/* Header fields known by name; compact forms (RFC 3261 7.3.3 and extensions) map to the same. */
enum sip_hdr {
	SIP_HDR_OTHER = 0,              /* not in this table: look it up by name */
	SIP_HDR_ACCEPT,
	SIP_HDR_ACCEPT_CONTACT,         /* a (RFC 3841) */
	SIP_HDR_ACCEPT_ENCODING,
	SIP_HDR_ACCEPT_LANGUAGE,
	SIP_HDR_ALERT_INFO,
	SIP_HDR_ALLOW,
	SIP_HDR_ALLOW_EVENTS,           /* u (RFC 6665) */
	SIP_HDR_AUTHENTICATION_INFO,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_CALL_ID,                /* i */
	SIP_HDR_CALL_INFO,
	SIP_HDR_CONTACT,                /* m */
	SIP_HDR_CONTENT_DISPOSITION,
	SIP_HDR_CONTENT_ENCODING,       /* e */
	SIP_HDR_CONTENT_LANGUAGE,
	SIP_HDR_CONTENT_LENGTH,         /* l */
	SIP_HDR_CONTENT_TYPE,           /* c */
	SIP_HDR_CSEQ,
	SIP_HDR_DATE,
	SIP_HDR_DIVERSION,              /* RFC 5806 */
	SIP_HDR_ERROR_INFO,
	SIP_HDR_EVENT,                  /* o (RFC 6665) */
	SIP_HDR_EXPIRES,
	SIP_HDR_FROM,                   /* f */
	SIP_HDR_IDENTITY,               /* y (RFC 4474) */
	SIP_HDR_IDENTITY_INFO,          /* n (RFC 4474) */
	SIP_HDR_IN_REPLY_TO,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_MIME_VERSION,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_MIN_SE,                 /* RFC 4028 */
	SIP_HDR_ORGANIZATION,
	SIP_HDR_P_ASSERTED_IDENTITY,    /* RFC 3325 */
	SIP_HDR_P_PREFERRED_IDENTITY,   /* RFC 3325 */
	SIP_HDR_PRIORITY,
	SIP_HDR_PRIVACY,                /* RFC 3323 */
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_RACK,                   /* RFC 3262 */
	SIP_HDR_REASON,                 /* RFC 3326 */
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_REFER_TO,               /* r (RFC 3515) */
	SIP_HDR_REFERRED_BY,            /* b (RFC 3892) */
	SIP_HDR_REJECT_CONTACT,         /* j (RFC 3841) */
	SIP_HDR_REPLACES,               /* RFC 3891 */
	SIP_HDR_REPLY_TO,
	SIP_HDR_REQUEST_DISPOSITION,    /* d (RFC 3841) */
	SIP_HDR_REQUIRE,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_ROUTE,
	SIP_HDR_RSEQ,                   /* RFC 3262 */
	SIP_HDR_SERVER,
	SIP_HDR_SESSION_EXPIRES,        /* x (RFC 4028) */
	SIP_HDR_SIP_ETAG,               /* RFC 3903 */
	SIP_HDR_SIP_IF_MATCH,           /* RFC 3903 */
	SIP_HDR_SUBJECT,                /* s */
	SIP_HDR_SUBSCRIPTION_STATE,     /* RFC 6665 */
	SIP_HDR_SUPPORTED,              /* k */
	SIP_HDR_TIMESTAMP,
	SIP_HDR_TO,                     /* t */
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_USER_AGENT,
	SIP_HDR_VIA,                    /* v */
	SIP_HDR_WARNING,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_COUNT_
};

/* The header a field name (long or compact form, any case) stands for; SIP_HDR_OTHER if unknown. */
enum sip_hdr sip_hdr_lookup(struct sip_pl name);
/* The canonical long name ("Call-ID"); NULL for SIP_HDR_OTHER or out of range. */
const char *sip_hdr_name(enum sip_hdr id);
/* The compact form letter ('i'), or 0 when the header has none. */
char sip_hdr_compact(enum sip_hdr id);
/* True when the header's grammar is a comma-separated list (RFC 3261 7.3.1), so one line may
 * carry several values (Via, Contact, Route, Allow ...). Authorization-style headers are not. */
bool sip_hdr_is_list(enum sip_hdr id);

/* ---------------------------------------------------------------- parameters (param.c) */

/* Looks up a ;name[=value] parameter (name case-insensitive) in a parameter list slice such as
 * sip_uri.params or sip_via.params (no leading ';'). On success *value is the value as written
 * (quotes kept), or present-and-empty (p set, l 0) for a parameter without '='.
 * Returns 0, or ENOENT when the parameter is absent. */
int sip_param_get(struct sip_pl params, const char *name, struct sip_pl *value);
/* True when the parameter is present (with or without a value). */
bool sip_param_exists(struct sip_pl params, const char *name);

/* Iterator over a parameter list: each call gives the next name and value (value absent, p NULL,
 * when there is no '='). Returns false at the end. *pos starts as params.p. */
bool sip_param_next(struct sip_pl params, const char **pos, struct sip_pl *name,
		    struct sip_pl *value);

/* ---------------------------------------------------------------- URIs (uri.c) */

enum sip_uri_scheme {
	SIP_URI_OTHER = 0,      /* any other absoluteURI: only scheme and opaque are set */
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL,            /* RFC 3966: opaque holds the number and its parameters */
};

/* A parsed URI (RFC 3261 19.1.1, 25.1). Slices point into the message; escapes kept. */
struct sip_uri {
	struct sip_pl raw;              /* the whole URI as written */
	struct sip_pl scheme;           /* "sip", "sips", "tel", ... as written */
	enum sip_uri_scheme scheme_id;
	struct sip_pl opaque;           /* everything after "scheme:" */
	struct sip_pl user;             /* absent when there is no userinfo */
	struct sip_pl password;         /* absent when there is no ':' in userinfo */
	struct sip_pl host;             /* hostname, IPv4 address, or IPv6 reference WITH brackets */
	struct sip_pl port;             /* digits; absent when no port */
	uint16_t portn;                 /* 0 when absent */
	struct sip_pl params;           /* uri-parameters without the leading ';' (absent if none) */
	struct sip_pl headers;          /* after '?' (absent if none) */
};

/* Parses a URI slice (no surrounding <>; no LWS inside). sip/sips URIs are parsed into parts;
 * other schemes must be a valid absoluteURI. Returns 0, or EBADMSG when malformed. */
int sip_uri_decode(struct sip_uri *uri, struct sip_pl pl);
/* RFC 3261 19.1.4 URI equality (escapes decoded, scheme/host/param names case-insensitive,
 * user/password case-sensitive, the listed parameters compared when either side has them). */
bool sip_uri_cmp(const struct sip_uri *a, const struct sip_uri *b);
/* Compares two slices after %-decoding both (case-insensitively when icase). */
bool sip_pl_esc_eq(struct sip_pl a, struct sip_pl b, bool icase);
/* %-decodes a slice into a new buffer (g_free it; NUL-terminated, but may hold %00 as a NUL byte
 * before that, so *len is the real length). Returns NULL for an absent slice or a bad escape. */
char *sip_uri_unescape(struct sip_pl pl, size_t *len);
/* The port a URI names, or the default for its scheme when none is given (5060, sips 5061). */
uint16_t sip_uri_port(const struct sip_uri *uri);

/* ---------------------------------------------------------------- name-addr (addr.c) */

/* A name-addr or addr-spec with header parameters: From, To, Contact, Route, Record-Route,
 * Reply-To, Refer-To ... (RFC 3261 20.10, 25.1). */
struct sip_addr {
	struct sip_pl raw;              /* the whole value */
	struct sip_pl dname;            /* display name without quotes (\" kept); absent if none */
	bool quoted;                    /* dname was a quoted-string */
	bool angle;                     /* the URI was inside <> (name-addr) */
	bool wildcard;                  /* Contact: * (uri and params unset) */
	struct sip_uri uri;
	struct sip_pl params;           /* header params after the URI, no leading ';' */
	struct sip_pl tag;              /* value of ;tag=, absent if none */
};

/* Parses one name-addr / addr-spec value (one element of a list). In addr-spec form, ';' starts
 * the header parameters (RFC 3261 20.10), so a URI with params, '?' or ',' must be in <>.
 * Returns 0, or EBADMSG. */
int sip_addr_decode(struct sip_addr *addr, struct sip_pl pl);
/* Like sip_addr_decode, and also accepts the Contact wildcard "*". */
int sip_addr_decode_contact(struct sip_addr *addr, struct sip_pl pl);

/* ---------------------------------------------------------------- Via (via.c) */

/* One via-parm (RFC 3261 20.42, 18.2.1, RFC 3581). */
struct sip_via {
	struct sip_pl raw;
	struct sip_pl proto;            /* "SIP" */
	struct sip_pl version;          /* "2.0" */
	struct sip_pl transport;        /* "UDP", "TCP", "TLS", "SCTP", or an other token */
	struct sip_pl host;             /* IPv6 reference with brackets */
	struct sip_pl port;             /* absent when none */
	uint16_t portn;                 /* 0 when absent */
	struct sip_pl params;           /* no leading ';' (absent if none) */
	struct sip_pl branch;           /* absent if none */
	struct sip_pl received;
	struct sip_pl maddr;
	struct sip_pl ttl;
	struct sip_pl rport;            /* absent; present-and-empty for a bare ";rport"; or digits */
};

/* Parses one via-parm. Returns 0, or EBADMSG. */
int sip_via_decode(struct sip_via *via, struct sip_pl pl);
/* RFC 3261 17.2.3: the branch starts with the magic cookie "z9hG4bK" (so it is unique). */
bool sip_via_branch_is_rfc3261(const struct sip_via *via);

/* ---------------------------------------------------------------- CSeq */

struct sip_cseq {
	uint32_t num;                   /* < 2^31 (RFC 3261 8.1.1.5) */
	enum sip_method method;
	struct sip_pl method_name;
};

/* ---------------------------------------------------------------- messages (msg.c) */

struct sip_msg;

/* Bounds (a message beyond them is rejected as malformed, never truncated). */
#define SIP_MSG_MAX_HEADERS 256         /* header lines in one message */
#define SIP_MSG_MAX_VIAS 64             /* via-parms in one message */

/* sip_msg_parse_ex flags */
#define SIP_PARSE_KEEP_BAD 0x1u          /* on EBADMSG/EPROTO, still return the message when its
					  * start line and Via/From/To/Call-ID/CSeq are usable, so a
					  * server can answer 400/505; the caller must unref it */
#define SIP_PARSE_STRICT 0x2u            /* also check the grammar of every other known header
					  * (Contact, Route, Accept, Allow, Require, Date, Warning ...):
					  * what `ossim sip lint` and a server answering 400 use */

/* Parses one message from a datagram (or one framed stream message: see sip_msg_frame). Octets
 * after the body that Content-Length declares are ignored (RFC 3261 18.3); without
 * Content-Length the body runs to the end of the buffer.
 * Returns 0 (*msgp set, a new reference), EBADMSG (malformed), EPROTO (well formed but not
 * SIP/2.0: a server answers 505), ENODATA (no empty line ends the headers), EINVAL (NULL). */
int sip_msg_parse(struct sip_msg **msgp, GBytes *buf);
/* sip_msg_parse with flags (SIP_PARSE_*) and the reason of a failure written to reason (may be
 * NULL) as a short English phrase such as "CSeq method does not match the request method". */
int sip_msg_parse_ex(struct sip_msg **msgp, GBytes *buf, unsigned flags, char *reason,
		     size_t reasonsz);
/* Stream framing (RFC 3261 18.3): given the bytes received so far on a stream, *msglen is the
 * length of the next complete message (leading CRLF keep-alives, headers and Content-Length
 * body). Returns 0, ENODATA (need more bytes), or EBADMSG (no valid Content-Length: close). */
int sip_msg_frame(const void *data, size_t len, size_t *msglen);

struct sip_msg *sip_msg_ref(struct sip_msg *msg);
/* Drops a reference (NULL is fine); the last one frees the message and its buffer reference. */
void sip_msg_unref(struct sip_msg *msg);

/* The buffer the message was parsed from (borrowed). */
GBytes *sip_msg_bytes(const struct sip_msg *msg);
/* The message's own octets: start line to end of body (excludes ignored trailing octets). */
struct sip_pl sip_msg_raw(const struct sip_msg *msg);

bool sip_msg_is_request(const struct sip_msg *msg);
/* A request's method; for a response, the method of its CSeq (what it answers). */
enum sip_method sip_msg_method(const struct sip_msg *msg);
/* The method token as written (request line, or CSeq for a response). */
struct sip_pl sip_msg_method_name(const struct sip_msg *msg);
/* The Request-URI; NULL for a response. */
const struct sip_uri *sip_msg_ruri(const struct sip_msg *msg);
/* The status code (100-699); 0 for a request. */
uint16_t sip_msg_status(const struct sip_msg *msg);
/* The reason phrase (may be empty; may hold UTF-8); absent for a request. */
struct sip_pl sip_msg_reason(const struct sip_msg *msg);
/* "SIP/2.0" as written. */
struct sip_pl sip_msg_version(const struct sip_msg *msg);

/* These are never NULL/absent after a successful parse (RFC 3261 8.1.1 makes them mandatory). */
const struct sip_addr *sip_msg_from(const struct sip_msg *msg);
const struct sip_addr *sip_msg_to(const struct sip_msg *msg);
struct sip_pl sip_msg_callid(const struct sip_msg *msg);
const struct sip_cseq *sip_msg_cseq(const struct sip_msg *msg);
/* The topmost via-parm; and all of them, 0 = top. */
const struct sip_via *sip_msg_via(const struct sip_msg *msg);
size_t sip_msg_via_count(const struct sip_msg *msg);
const struct sip_via *sip_msg_via_at(const struct sip_msg *msg, size_t i);

/* Max-Forwards (0-255), or -1 when absent. */
int sip_msg_max_forwards(const struct sip_msg *msg);
/* Expires header in seconds (0 to 2^32-1), or -1 when absent. */
int64_t sip_msg_expires(const struct sip_msg *msg);
/* Content-Length as declared, or -1 when absent (then the body is the rest of the datagram). */
int64_t sip_msg_content_length(const struct sip_msg *msg);
/* Content-Type value (media type with parameters, as written); absent if none. */
struct sip_pl sip_msg_content_type(const struct sip_msg *msg);
/* The body (present, possibly empty). */
struct sip_pl sip_msg_body(const struct sip_msg *msg);

/* Contacts: the number of contact values, and the i-th parsed: 0, ENOENT past the end, or
 * EBADMSG when it is malformed (only possible without SIP_PARSE_STRICT). A wildcard contact
 * ("*") has addr->wildcard set. */
size_t sip_msg_contact_count(const struct sip_msg *msg);
int sip_msg_contact_at(const struct sip_msg *msg, size_t i, struct sip_addr *addr);
/* The expiry of a contact: its expires param, else the Expires header, else dflt
 * (RFC 3261 10.3). */
uint32_t sip_msg_contact_expires(const struct sip_msg *msg, const struct sip_addr *contact,
				 uint32_t dflt);

/* The first value of a header (for a list header the first element, otherwise the whole value,
 * trimmed); absent when the message has no such header. Use the _name variant for SIP_HDR_OTHER. */
struct sip_pl sip_msg_hdr(const struct sip_msg *msg, enum sip_hdr id);
struct sip_pl sip_msg_hdr_by_name(const struct sip_msg *msg, const char *name);
/* The number of values of a header (elements of lists over all its lines). */
size_t sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr id);

/* Iterator over all values of one header: repeated header lines in order and, for list headers
 * (sip_hdr_is_list), the comma-separated elements of each line, honouring quoted strings and <>.
 * Treat as opaque; initialise with sip_hdr_iter_init. */
struct sip_hdr_iter {
	const struct sip_msg *msg;
	enum sip_hdr id;
	const char *name;               /* for SIP_HDR_OTHER lookups, else NULL */
	size_t line;                    /* next header line index to look at */
	const char *pos;                /* inside the current line's value; NULL between lines */
	const char *end;
	bool split;
};

void sip_hdr_iter_init(struct sip_hdr_iter *it, const struct sip_msg *msg, enum sip_hdr id);
void sip_hdr_iter_init_name(struct sip_hdr_iter *it, const struct sip_msg *msg, const char *name);
/* Gives the next value (trimmed of LWS). Returns false when there are no more. */
bool sip_hdr_iter_next(struct sip_hdr_iter *it, struct sip_pl *value);

/* All header lines in message order: their count, and line i's id, name and whole value. */
size_t sip_msg_hdr_lines(const struct sip_msg *msg);
void sip_msg_hdr_line(const struct sip_msg *msg, size_t i, enum sip_hdr *id, struct sip_pl *name,
		      struct sip_pl *value);

#endif
