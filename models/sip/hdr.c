/*
 * hdr.c - names of SIP header fields and methods: the enum <-> text tables, compact forms
 * (RFC 3261 7.3.3, RFC 3841, 3515, 3892, 4028, 4474, 6665) and which headers are comma lists.
 * The parser calls sip_hdr_lookup once per header line, so long names go through a perfect hash
 * (one probe and one comparison) instead of a scan of the table.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "models/sip/msg.h"

struct hdr_info {
	const char *name;
	size_t len;     /* strlen(name) */
	char compact;
	bool list;      /* RFC 3261 7.3.1: grammar is #element, several values may share a line */
};

/* A table row: the name's length is computed by the compiler. */
#define HDR(name, compact, list) { name, sizeof(name) - 1, compact, list }

/* Indexed by enum sip_hdr. */
static const struct hdr_info hdr_table[SIP_HDR_COUNT_] = {
	[SIP_HDR_OTHER] = { NULL, 0, 0, false },
	[SIP_HDR_ACCEPT] = HDR("Accept", 0, true),
	[SIP_HDR_ACCEPT_CONTACT] = HDR("Accept-Contact", 'a', true),
	[SIP_HDR_ACCEPT_ENCODING] = HDR("Accept-Encoding", 0, true),
	[SIP_HDR_ACCEPT_LANGUAGE] = HDR("Accept-Language", 0, true),
	[SIP_HDR_ALERT_INFO] = HDR("Alert-Info", 0, true),
	[SIP_HDR_ALLOW] = HDR("Allow", 0, true),
	[SIP_HDR_ALLOW_EVENTS] = HDR("Allow-Events", 'u', true),
	[SIP_HDR_AUTHENTICATION_INFO] = HDR("Authentication-Info", 0, false),
	[SIP_HDR_AUTHORIZATION] = HDR("Authorization", 0, false),
	[SIP_HDR_CALL_ID] = HDR("Call-ID", 'i', false),
	[SIP_HDR_CALL_INFO] = HDR("Call-Info", 0, true),
	[SIP_HDR_CONTACT] = HDR("Contact", 'm', true),
	[SIP_HDR_CONTENT_DISPOSITION] = HDR("Content-Disposition", 0, false),
	[SIP_HDR_CONTENT_ENCODING] = HDR("Content-Encoding", 'e', true),
	[SIP_HDR_CONTENT_LANGUAGE] = HDR("Content-Language", 0, true),
	[SIP_HDR_CONTENT_LENGTH] = HDR("Content-Length", 'l', false),
	[SIP_HDR_CONTENT_TYPE] = HDR("Content-Type", 'c', false),
	[SIP_HDR_CSEQ] = HDR("CSeq", 0, false),
	[SIP_HDR_DATE] = HDR("Date", 0, false),
	[SIP_HDR_DIVERSION] = HDR("Diversion", 0, true),
	[SIP_HDR_ERROR_INFO] = HDR("Error-Info", 0, true),
	[SIP_HDR_EVENT] = HDR("Event", 'o', false),
	[SIP_HDR_EXPIRES] = HDR("Expires", 0, false),
	[SIP_HDR_FROM] = HDR("From", 'f', false),
	[SIP_HDR_IDENTITY] = HDR("Identity", 'y', false),
	[SIP_HDR_IDENTITY_INFO] = HDR("Identity-Info", 'n', false),
	[SIP_HDR_IN_REPLY_TO] = HDR("In-Reply-To", 0, true),
	[SIP_HDR_MAX_FORWARDS] = HDR("Max-Forwards", 0, false),
	[SIP_HDR_MIME_VERSION] = HDR("MIME-Version", 0, false),
	[SIP_HDR_MIN_EXPIRES] = HDR("Min-Expires", 0, false),
	[SIP_HDR_MIN_SE] = HDR("Min-SE", 0, false),
	[SIP_HDR_ORGANIZATION] = HDR("Organization", 0, false),
	[SIP_HDR_P_ASSERTED_IDENTITY] = HDR("P-Asserted-Identity", 0, true),
	[SIP_HDR_P_PREFERRED_IDENTITY] = HDR("P-Preferred-Identity", 0, true),
	[SIP_HDR_PRIORITY] = HDR("Priority", 0, false),
	[SIP_HDR_PRIVACY] = HDR("Privacy", 0, false),
	[SIP_HDR_PROXY_AUTHENTICATE] = HDR("Proxy-Authenticate", 0, false),
	[SIP_HDR_PROXY_AUTHORIZATION] = HDR("Proxy-Authorization", 0, false),
	[SIP_HDR_PROXY_REQUIRE] = HDR("Proxy-Require", 0, true),
	[SIP_HDR_RACK] = HDR("RAck", 0, false),
	[SIP_HDR_REASON] = HDR("Reason", 0, true),
	[SIP_HDR_RECORD_ROUTE] = HDR("Record-Route", 0, true),
	[SIP_HDR_REFER_TO] = HDR("Refer-To", 'r', false),
	[SIP_HDR_REFERRED_BY] = HDR("Referred-By", 'b', false),
	[SIP_HDR_REJECT_CONTACT] = HDR("Reject-Contact", 'j', true),
	[SIP_HDR_REPLACES] = HDR("Replaces", 0, false),
	[SIP_HDR_REPLY_TO] = HDR("Reply-To", 0, false),
	[SIP_HDR_REQUEST_DISPOSITION] = HDR("Request-Disposition", 'd', true),
	[SIP_HDR_REQUIRE] = HDR("Require", 0, true),
	[SIP_HDR_RETRY_AFTER] = HDR("Retry-After", 0, false),
	[SIP_HDR_ROUTE] = HDR("Route", 0, true),
	[SIP_HDR_RSEQ] = HDR("RSeq", 0, false),
	[SIP_HDR_SERVER] = HDR("Server", 0, false),
	[SIP_HDR_SESSION_EXPIRES] = HDR("Session-Expires", 'x', false),
	[SIP_HDR_SIP_ETAG] = HDR("SIP-ETag", 0, false),
	[SIP_HDR_SIP_IF_MATCH] = HDR("SIP-If-Match", 0, false),
	[SIP_HDR_SUBJECT] = HDR("Subject", 's', false),
	[SIP_HDR_SUBSCRIPTION_STATE] = HDR("Subscription-State", 0, false),
	[SIP_HDR_SUPPORTED] = HDR("Supported", 'k', true),
	[SIP_HDR_TIMESTAMP] = HDR("Timestamp", 0, false),
	[SIP_HDR_TO] = HDR("To", 't', false),
	[SIP_HDR_UNSUPPORTED] = HDR("Unsupported", 0, true),
	[SIP_HDR_USER_AGENT] = HDR("User-Agent", 0, false),
	[SIP_HDR_VIA] = HDR("Via", 'v', true),
	[SIP_HDR_WARNING] = HDR("Warning", 0, true),
	[SIP_HDR_WWW_AUTHENTICATE] = HDR("WWW-Authenticate", 0, false),
};

/* Compact form letter -> header, indexed by letter - 'a'. */
static const enum sip_hdr compact_table[26] = {
	['a' - 'a'] = SIP_HDR_ACCEPT_CONTACT,
	['b' - 'a'] = SIP_HDR_REFERRED_BY,
	['c' - 'a'] = SIP_HDR_CONTENT_TYPE,
	['d' - 'a'] = SIP_HDR_REQUEST_DISPOSITION,
	['e' - 'a'] = SIP_HDR_CONTENT_ENCODING,
	['f' - 'a'] = SIP_HDR_FROM,
	['i' - 'a'] = SIP_HDR_CALL_ID,
	['j' - 'a'] = SIP_HDR_REJECT_CONTACT,
	['k' - 'a'] = SIP_HDR_SUPPORTED,
	['l' - 'a'] = SIP_HDR_CONTENT_LENGTH,
	['m' - 'a'] = SIP_HDR_CONTACT,
	['n' - 'a'] = SIP_HDR_IDENTITY_INFO,
	['o' - 'a'] = SIP_HDR_EVENT,
	['r' - 'a'] = SIP_HDR_REFER_TO,
	['s' - 'a'] = SIP_HDR_SUBJECT,
	['t' - 'a'] = SIP_HDR_TO,
	['u' - 'a'] = SIP_HDR_ALLOW_EVENTS,
	['v' - 'a'] = SIP_HDR_VIA,
	['x' - 'a'] = SIP_HDR_SESSION_EXPIRES,
	['y' - 'a'] = SIP_HDR_IDENTITY,
};

/* Compares a slice with a table name, ASCII case-insensitively (header names, RFC 3261 7.3.1). */
static bool name_eq(struct sip_pl name, const char *s)
{
	size_t i;

	/* builders write the canonical spelling: one memcmp settles the common case */
	if (memcmp(name.p, s, name.l) == 0)
		return true;
	/* the caller checked the length; table names hold only letters and '-', so octets that
	 * differ must be one letter in two cases */
	for (i = 0; i < name.l; i++) {
		char a = name.p[i];
		char b = s[i];

		if (a != b && ((a | 0x20) != (b | 0x20) || (unsigned)((b | 0x20) - 'a') > 25u))
			return false;
	}
	return true;
}

/* Perfect hash of the long names: slot of hdr_hash(name) -> enum value (0 = none). Generated
 * from hdr_table for hdr_hash below; check_sipmsg's round trip of every name keeps the two in
 * step (a name added to the table must be added here, or its lookup fails the test). */
static const uint8_t hash_slots[256] = {
	 0,  0,  0,  0,  0,  0,  0,  0, 48,  0,  0,  0,  0,  0, 36,  0,
	50, 35, 60,  0,  0, 64,  0,  0,  0,  0,  0, 23,  0,  0,  0,  1,
	 0,  0,  0,  0,  0,  0,  0,  0, 22,  0,  7,  0,  0,  0, 44,  0,
	 0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 53,  0, 40, 12,  0,  0,
	 0,  0,  0,  0,  0, 10, 31,  0,  0,  0,  0,  0,  0,  0, 46, 54,
	33,  0,  0,  0,  0,  2, 24, 34,  0,  0,  0, 19,  0,  0,  0,  0,
	 0,  0,  0,  0,  0,  0, 30, 28,  5, 11,  0,  0,  0,  0,  0,  0,
	 0,  0,  0, 57,  0,  0,  0,  0, 21,  0,  0,  0,  6,  0,  0,  0,
	 0,  0,  0,  0, 42,  0,  0, 63,  0,  0,  0,  0,  0,  0,  0, 17,
	 0,  0,  0, 20,  4,  0, 59,  0,  0, 45,  9, 51,  0,  0,  0,  0,
	 0,  0,  0, 15,  0,  0,  0,  0,  0, 49,  0,  0,  0, 62,  0,  0,
	 0,  0,  0, 16,  0,  0,  0, 41,  0,  0,  0,  0, 18,  0, 61, 29,
	 0,  0,  0,  0,  0,  0,  0,  0, 39,  0,  0,  3, 13,  0,  0,  0,
	 0,  0, 27,  0,  0,  0,  0,  0,  0,  0, 14,  8, 32,  0,  0,  0,
	 0, 37, 55, 43, 26, 56,  0,  0,  0,  0, 47,  0, 66,  0, 58,  0,
	 0,  0,  0,  0, 65,  0,  0, 25, 52,  0,  0,  0,  0,  0,  0, 38,
};

/* (7 len + 4 first + 31 last + middle octet) mod 256, letters folded to lower case. */
static unsigned hdr_hash(const char *p, size_t len)
{
	return (unsigned)(len * 7 + (unsigned)((unsigned char)p[0] | 0x20) * 4 +
			  (unsigned)((unsigned char)p[len - 1] | 0x20) * 31 +
			  (unsigned)((unsigned char)p[len / 2] | 0x20)) & 255u;
}

enum sip_hdr sip_hdr_lookup(struct sip_pl name)
{
	int c;
	int i;

	if (!name.p || name.l == 0)
		return SIP_HDR_OTHER;
	c = name.p[0] | 0x20;
	if (c < 'a' || c > 'z')
		return SIP_HDR_OTHER;
	if (name.l == 1)
		return compact_table[c - 'a'];
	i = hash_slots[hdr_hash(name.p, name.l)];
	if (i && hdr_table[i].len == name.l && name_eq(name, hdr_table[i].name))
		return (enum sip_hdr)i;
	return SIP_HDR_OTHER;
}

const char *sip_hdr_name(enum sip_hdr id)
{
	if ((int)id <= 0 || id >= SIP_HDR_COUNT_)
		return NULL;
	return hdr_table[id].name;
}

char sip_hdr_compact(enum sip_hdr id)
{
	if ((int)id <= 0 || id >= SIP_HDR_COUNT_)
		return 0;
	return hdr_table[id].compact;
}

bool sip_hdr_is_list(enum sip_hdr id)
{
	if ((int)id <= 0 || id >= SIP_HDR_COUNT_)
		return false;
	return hdr_table[id].list;
}

static const char *const method_names[SIP_METHOD_COUNT_] = {
	[SIP_METHOD_OTHER] = "",
	[SIP_METHOD_INVITE] = "INVITE",
	[SIP_METHOD_ACK] = "ACK",
	[SIP_METHOD_BYE] = "BYE",
	[SIP_METHOD_CANCEL] = "CANCEL",
	[SIP_METHOD_REGISTER] = "REGISTER",
	[SIP_METHOD_OPTIONS] = "OPTIONS",
	[SIP_METHOD_INFO] = "INFO",
	[SIP_METHOD_UPDATE] = "UPDATE",
	[SIP_METHOD_PRACK] = "PRACK",
	[SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE",
	[SIP_METHOD_NOTIFY] = "NOTIFY",
	[SIP_METHOD_REFER] = "REFER",
	[SIP_METHOD_MESSAGE] = "MESSAGE",
	[SIP_METHOD_PUBLISH] = "PUBLISH",
};

enum sip_method sip_method_lookup(struct sip_pl token)
{
	int i;

	if (!token.p || token.l < 3)
		return SIP_METHOD_OTHER;
	for (i = 1; i < SIP_METHOD_COUNT_; i++) {
		/* RFC 3261 7.1: the method is case-sensitive */
		if (method_names[i][0] == token.p[0] && sip_pl_eq_str(token, method_names[i]))
			return (enum sip_method)i;
	}
	return SIP_METHOD_OTHER;
}

const char *sip_method_name(enum sip_method m)
{
	if ((int)m < 0 || m >= SIP_METHOD_COUNT_)
		return "";
	return method_names[m];
}
