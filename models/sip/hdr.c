/*
 * hdr.c - names of SIP header fields and methods: the enum <-> text tables, compact forms
 * (RFC 3261 7.3.3, RFC 3841, 3515, 3892, 4028, 4474, 6665) and which headers are comma lists.
 * The parser calls sip_hdr_lookup once per header line, so long names go through a perfect hash
 * (one probe and one comparison) instead of a scan of the table.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "models/sip/chr.h"
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

/* The long names by hash: the slot hdr_hash(name) holds the lower-case name that hashes there
 * (NUL-padded, so that it reads a word at a time), its length and its id; other slots are empty
 * (length 0). One load of a slot gives all that the compare needs, so a lookup is a hash, one
 * load and a few word compares, not a chain of table loads (the parser looks up every header
 * line, and that chain was the longest wait in a parse). Generated from hdr_table for hdr_hash
 * below; check_sipmsg's round trip of every name keeps the two in step (a name added to
 * hdr_table must be added here, or its lookup fails the test). */
struct hdr_key {
	char lname[24];
	uint8_t len;
	uint8_t id;     /* enum sip_hdr */
};

#define KEY(lname, id) { lname, sizeof(lname) - 1, id }

static const struct hdr_key hdr_keys[256] = {
	[  8] = KEY("request-disposition", SIP_HDR_REQUEST_DISPOSITION),
	[ 14] = KEY("privacy", SIP_HDR_PRIVACY),
	[ 16] = KEY("retry-after", SIP_HDR_RETRY_AFTER),
	[ 17] = KEY("priority", SIP_HDR_PRIORITY),
	[ 18] = KEY("timestamp", SIP_HDR_TIMESTAMP),
	[ 21] = KEY("via", SIP_HDR_VIA),
	[ 27] = KEY("expires", SIP_HDR_EXPIRES),
	[ 31] = KEY("accept", SIP_HDR_ACCEPT),
	[ 40] = KEY("event", SIP_HDR_EVENT),
	[ 42] = KEY("allow-events", SIP_HDR_ALLOW_EVENTS),
	[ 46] = KEY("referred-by", SIP_HDR_REFERRED_BY),
	[ 58] = KEY("server", SIP_HDR_SERVER),
	[ 60] = KEY("rack", SIP_HDR_RACK),
	[ 61] = KEY("contact", SIP_HDR_CONTACT),
	[ 69] = KEY("call-id", SIP_HDR_CALL_ID),
	[ 70] = KEY("min-se", SIP_HDR_MIN_SE),
	[ 78] = KEY("replaces", SIP_HDR_REPLACES),
	[ 79] = KEY("session-expires", SIP_HDR_SESSION_EXPIRES),
	[ 80] = KEY("p-asserted-identity", SIP_HDR_P_ASSERTED_IDENTITY),
	[ 85] = KEY("accept-contact", SIP_HDR_ACCEPT_CONTACT),
	[ 86] = KEY("from", SIP_HDR_FROM),
	[ 87] = KEY("p-preferred-identity", SIP_HDR_P_PREFERRED_IDENTITY),
	[ 91] = KEY("date", SIP_HDR_DATE),
	[102] = KEY("min-expires", SIP_HDR_MIN_EXPIRES),
	[103] = KEY("max-forwards", SIP_HDR_MAX_FORWARDS),
	[104] = KEY("alert-info", SIP_HDR_ALERT_INFO),
	[105] = KEY("call-info", SIP_HDR_CALL_INFO),
	[115] = KEY("subject", SIP_HDR_SUBJECT),
	[120] = KEY("error-info", SIP_HDR_ERROR_INFO),
	[124] = KEY("allow", SIP_HDR_ALLOW),
	[132] = KEY("record-route", SIP_HDR_RECORD_ROUTE),
	[135] = KEY("user-agent", SIP_HDR_USER_AGENT),
	[143] = KEY("content-type", SIP_HDR_CONTENT_TYPE),
	[147] = KEY("diversion", SIP_HDR_DIVERSION),
	[148] = KEY("accept-language", SIP_HDR_ACCEPT_LANGUAGE),
	[150] = KEY("supported", SIP_HDR_SUPPORTED),
	[153] = KEY("reject-contact", SIP_HDR_REJECT_CONTACT),
	[154] = KEY("authorization", SIP_HDR_AUTHORIZATION),
	[155] = KEY("route", SIP_HDR_ROUTE),
	[163] = KEY("content-language", SIP_HDR_CONTENT_LANGUAGE),
	[169] = KEY("require", SIP_HDR_REQUIRE),
	[173] = KEY("unsupported", SIP_HDR_UNSUPPORTED),
	[179] = KEY("content-length", SIP_HDR_CONTENT_LENGTH),
	[183] = KEY("reason", SIP_HDR_REASON),
	[188] = KEY("cseq", SIP_HDR_CSEQ),
	[190] = KEY("to", SIP_HDR_TO),
	[191] = KEY("mime-version", SIP_HDR_MIME_VERSION),
	[200] = KEY("proxy-require", SIP_HDR_PROXY_REQUIRE),
	[203] = KEY("accept-encoding", SIP_HDR_ACCEPT_ENCODING),
	[204] = KEY("content-disposition", SIP_HDR_CONTENT_DISPOSITION),
	[210] = KEY("in-reply-to", SIP_HDR_IN_REPLY_TO),
	[218] = KEY("content-encoding", SIP_HDR_CONTENT_ENCODING),
	[219] = KEY("authentication-info", SIP_HDR_AUTHENTICATION_INFO),
	[220] = KEY("organization", SIP_HDR_ORGANIZATION),
	[225] = KEY("proxy-authenticate", SIP_HDR_PROXY_AUTHENTICATE),
	[226] = KEY("sip-etag", SIP_HDR_SIP_ETAG),
	[227] = KEY("refer-to", SIP_HDR_REFER_TO),
	[228] = KEY("identity-info", SIP_HDR_IDENTITY_INFO),
	[229] = KEY("sip-if-match", SIP_HDR_SIP_IF_MATCH),
	[234] = KEY("reply-to", SIP_HDR_REPLY_TO),
	[236] = KEY("www-authenticate", SIP_HDR_WWW_AUTHENTICATE),
	[238] = KEY("subscription-state", SIP_HDR_SUBSCRIPTION_STATE),
	[244] = KEY("warning", SIP_HDR_WARNING),
	[247] = KEY("identity", SIP_HDR_IDENTITY),
	[248] = KEY("rseq", SIP_HDR_RSEQ),
	[255] = KEY("proxy-authorization", SIP_HDR_PROXY_AUTHORIZATION),
};

/* (7 len + 4 first + 31 last + middle octet) mod 256, letters folded to lower case. */
static inline unsigned hdr_hash(const char *p, size_t len)
{
	return (unsigned)(len * 7 + (unsigned)((unsigned char)p[0] | 0x20) * 4 +
			  (unsigned)((unsigned char)p[len - 1] | 0x20) * 31 +
			  (unsigned)((unsigned char)p[len / 2] | 0x20)) & 255u;
}

enum sip_hdr sip_hdr_lookup(struct sip_pl name)
{
	const struct hdr_key *k;
	int c;

	if (name.l < 2 || !name.p) {
		if (name.l == 0 || !name.p)
			return SIP_HDR_OTHER;
		c = name.p[0] | 0x20;
		return c >= 'a' && c <= 'z' ? compact_table[c - 'a'] : SIP_HDR_OTHER;
	}
	/* header names compare ASCII case-insensitively (RFC 3261 7.3.1); the key holds only
	 * letters and '-', as sip_chr_caseeq_name wants */
	k = &hdr_keys[hdr_hash(name.p, name.l)];
	if (k->len == name.l && sip_chr_caseeq_name(name.p, k->lname, name.l))
		return (enum sip_hdr)k->id;
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

struct method_info {
	const char *name;
	size_t len;     /* strlen(name) */
};

#define METHOD(name) { name, sizeof(name) - 1 }

static const struct method_info method_table[SIP_METHOD_COUNT_] = {
	[SIP_METHOD_OTHER] = METHOD(""),
	[SIP_METHOD_INVITE] = METHOD("INVITE"),
	[SIP_METHOD_ACK] = METHOD("ACK"),
	[SIP_METHOD_BYE] = METHOD("BYE"),
	[SIP_METHOD_CANCEL] = METHOD("CANCEL"),
	[SIP_METHOD_REGISTER] = METHOD("REGISTER"),
	[SIP_METHOD_OPTIONS] = METHOD("OPTIONS"),
	[SIP_METHOD_INFO] = METHOD("INFO"),
	[SIP_METHOD_UPDATE] = METHOD("UPDATE"),
	[SIP_METHOD_PRACK] = METHOD("PRACK"),
	[SIP_METHOD_SUBSCRIBE] = METHOD("SUBSCRIBE"),
	[SIP_METHOD_NOTIFY] = METHOD("NOTIFY"),
	[SIP_METHOD_REFER] = METHOD("REFER"),
	[SIP_METHOD_MESSAGE] = METHOD("MESSAGE"),
	[SIP_METHOD_PUBLISH] = METHOD("PUBLISH"),
};

enum sip_method sip_method_lookup(struct sip_pl token)
{
	int i;

	if (!token.p || token.l < 3)
		return SIP_METHOD_OTHER;
	for (i = 1; i < SIP_METHOD_COUNT_; i++) {
		const struct method_info *m = &method_table[i];

		/* RFC 3261 7.1: the method is case-sensitive. Length and first letter tell the
		 * known methods apart, so at most one memcmp runs. */
		if (m->len == token.l && m->name[0] == token.p[0] &&
		    memcmp(m->name, token.p, token.l) == 0)
			return (enum sip_method)i;
	}
	return SIP_METHOD_OTHER;
}

const char *sip_method_name(enum sip_method m)
{
	if ((int)m < 0 || m >= SIP_METHOD_COUNT_)
		return "";
	return method_table[m].name;
}
