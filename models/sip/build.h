/*
 * build.h - writing SIP messages (RFC 3261 section 7 text, CRLF line ends): requests,
 * responses to a parsed request (8.2.6), the ACK for a non-2xx final response (17.1.1.3) and
 * CANCEL (9.1).
 *
 * A builder is a growing text buffer: start a request or a response, add header lines, then
 * finish with a body, which writes Content-Type and Content-Length and returns the bytes as GBytes
 * ready for sip_msg_parse or the network. Identifiers (branches, tags, Call-IDs) are drawn from the
 * caller's gsl_rng stream or made from the caller's counter, never from ambient randomness, so a
 * run is reproducible under its seed.
 */
#ifndef OSSIM_SIP_BUILD_H
#define OSSIM_SIP_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "models/sip/msg.h"

struct sip_build;

/* Lengths of generated identifiers, including the NUL. */
#define SIP_BRANCH_SIZE 24      /* "z9hG4bK" + 16 hex */
#define SIP_TAG_SIZE 17         /* 16 hex */
#define SIP_CALLID_SIZE 128     /* 24 hex "@" host (host truncated to fit) */

/* Allow and Supported values the simulated user agents advertise. */
#define SIP_BUILD_ALLOW "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, SUBSCRIBE, " \
	"NOTIFY, REFER, MESSAGE"
#define SIP_BUILD_SUPPORTED "replaces, timer"

/* A Via branch "z9hG4bK" + 16 hex digits from r (RFC 3261 8.1.1.7). */
void sip_build_branch(char out[SIP_BRANCH_SIZE], gsl_rng *r);
/* A branch from a counter: "z9hG4bK" + prefix + "." + n (prefix made of token characters). */
void sip_build_branch_counter(char *out, size_t size, const char *prefix, uint64_t n);
/* A From/To tag of 16 hex digits from r (RFC 3261 19.3: at least 32 bits of randomness). */
void sip_build_tag(char out[SIP_TAG_SIZE], gsl_rng *r);
/* A Call-ID "<24 hex>@host" from r (RFC 3261 8.1.1.4); host may be NULL (no "@host"). */
void sip_build_callid(char out[SIP_CALLID_SIZE], gsl_rng *r, const char *host);

/* Starts a request line "METHOD ruri SIP/2.0". method_name is used for SIP_METHOD_OTHER (and
 * may be NULL otherwise). Returns NULL (EINVAL) if the method name or URI is not a valid token /
 * contains CR, LF or SP. */
struct sip_build *sip_build_request(enum sip_method method, const char *method_name,
				    const char *ruri);
/* sip_build_request from slices (e.g. a parsed request line), without copying them first. NULL
 * (EINVAL) if the method name is not a token or the URI is empty or holds CR, LF, SP, HT or NUL. */
struct sip_build *sip_build_request_pl(enum sip_method method, struct sip_pl method_name,
				       struct sip_pl ruri);
/* Starts a status line "SIP/2.0 code reason"; reason NULL = the standard phrase. NULL if code is
 * outside 100-699. */
struct sip_build *sip_build_response(uint16_t code, const char *reason);
/* sip_build_response from a slice; an absent reason (p NULL) = the standard phrase. NULL (EINVAL)
 * if code is outside 100-699 or the reason holds CR, LF or NUL. */
struct sip_build *sip_build_response_pl(uint16_t code, struct sip_pl reason);
/* The standard reason phrase of a status code (RFC 3261 21), or "Unknown". */
const char *sip_build_reason(uint16_t code);

/* Adds "Name: value" (canonical long name of id; SIP_HDR_OTHER is invalid here). */
void sip_build_hdr(struct sip_build *b, enum sip_hdr id, const char *value);
/* Adds a header with a printf-formatted value. */
void sip_build_hdrf(struct sip_build *b, enum sip_hdr id, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Adds a header given by name (extension headers). */
void sip_build_hdr_name(struct sip_build *b, const char *name, const char *value);
/* sip_build_hdr_name from slices (e.g. an extension header of a parsed message): ignored unless the
 * name is a token and every CR/LF in the value is part of a fold (CRLF SP/HT), which is kept. */
void sip_build_hdr_name_pl(struct sip_build *b, struct sip_pl name, struct sip_pl value);
/* Adds a header from a slice (e.g. copied from a parsed message; folded LWS is kept). */
void sip_build_hdr_pl(struct sip_build *b, enum sip_hdr id, struct sip_pl value);
/* Copies every line of header id from msg, in order (Route, Record-Route, Via ...). */
void sip_build_copy_hdrs(struct sip_build *b, const struct sip_msg *msg, enum sip_hdr id);

/* "Via: SIP/2.0/<transport> host[:port];branch=<branch>[;rport]" (port 0 = omitted). */
void sip_build_via(struct sip_build *b, const char *transport, const char *host, uint16_t port,
		   const char *branch, bool rport);
/* "From:"/"To:"/"Contact:" name-addr: optional quoted display name, <uri>, optional ;tag=. */
void sip_build_addr(struct sip_build *b, enum sip_hdr id, const char *dname, const char *uri,
		    const char *tag);
/* "CSeq: num METHOD" (method_name for SIP_METHOD_OTHER). */
void sip_build_cseq(struct sip_build *b, uint32_t num, enum sip_method method,
		    const char *method_name);

/* Writes Content-Type (if ctype is non-NULL and len > 0), Content-Length, the empty line and the
 * body, frees the builder and returns the message. */
GBytes *sip_build_finish(struct sip_build *b, const char *ctype, const void *body, size_t len);
/* sip_build_finish with Content-Type as a slice (absent: p NULL), written as is. */
GBytes *sip_build_finish_pl(struct sip_build *b, struct sip_pl ctype, const void *body,
			    size_t len);
/* Frees an unfinished builder (NULL ok). */
void sip_build_free(struct sip_build *b);

/* The parsed message M written again through the builder: its start line, every header line
 * (name and value as written, folds kept) and its body; Content-Type and Content-Length are
 * written by the builder. This is what a round trip measures (bench/sip) and what the fuzz target
 * re-parses. NULL when the builder refuses the start line or a header line. */
GBytes *sip_build_copy(const struct sip_msg *m);

/* A response to a parsed request (RFC 3261 8.2.6.2): status line, all Via lines, From, To (with
 * to_tag added when the request's To has no tag, code > 100 and to_tag is non-NULL), Call-ID, CSeq,
 * and Timestamp for 100 (8.2.6.1). The caller adds Contact etc. and finishes. NULL if req is a
 * response or the code is out of range. */
struct sip_build *sip_build_reply(const struct sip_msg *req, uint16_t code, const char *reason,
				  const char *to_tag);
/* The same, with the top Via written as TOP_VIA (when non-NULL) instead of copied: how a server
 * adds received= and rport= to the Via it answers (RFC 3261 18.2.1, RFC 3581 4). */
struct sip_build *sip_build_reply_via(const struct sip_msg *req, uint16_t code,
				      const char *reason, const char *to_tag, const char *top_via);
/* The ACK for a non-2xx final response to an INVITE (RFC 3261 17.1.1.3): Request-URI, top Via,
 * From, Call-ID and Route of the INVITE, To of the response, CSeq number of the INVITE with ACK,
 * Max-Forwards 70. Finished (no body). NULL unless invite is an INVITE and resp a response. */
GBytes *sip_build_ack(const struct sip_msg *invite, const struct sip_msg *resp);
/* The CANCEL of an INVITE (RFC 3261 9.1): Request-URI, top Via, From, To, Call-ID, Route and CSeq
 * number of the INVITE, method CANCEL, Max-Forwards 70. Finished. NULL unless an INVITE. */
GBytes *sip_build_cancel(const struct sip_msg *invite);

#endif
