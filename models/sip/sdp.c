/*
 * sdp.c - SDP parse/build (RFC 4566) and offer/answer (RFC 3264).
 *
 * The parser walks the body line by line over (pointer, length) slices: no NUL is assumed and
 * nothing points back into the body once it returns. It is strict where garbage would otherwise
 * slip through (line syntax, field counts, numbers, the v/o/s opening, which lines may follow an
 * m= line) and lenient where real phones differ (LF without CR, a missing final CRLF, unknown
 * attributes, an empty s= as in RFC 3264's and RFC 4317's own examples).
 */
#include "config.h"

#include "models/sip/sdp.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "models/sip/pl.h"

/* RFC 3551 table 4 and 5: static payload types, known without a=rtpmap. */
static const struct {
	int pt;
	const char *name;
	unsigned clock;
} sdp_static_pt[] = {
	{ 0, "PCMU", 8000 },   { 3, "GSM", 8000 },     { 4, "G723", 8000 },  { 5, "DVI4", 8000 },
	{ 6, "DVI4", 16000 },  { 7, "LPC", 8000 },     { 8, "PCMA", 8000 },  { 9, "G722", 8000 },
	{ 10, "L16", 44100 },  { 12, "QCELP", 8000 },  { 13, "CN", 8000 },   { 14, "MPA", 90000 },
	{ 15, "G728", 8000 },  { 18, "G729", 8000 },   { 26, "JPEG", 90000 }, { 31, "H261", 90000 },
	{ 32, "MPV", 90000 },  { 34, "H263", 90000 },
};

/* Phone-profile spellings -> RTP encodings. Keys are compared after dropping '.', '-', '_',
 * ' ' and case, so "G.711u", "g711u" and "G711-U" are one key. Dynamic types get the values
 * most phones use (101 for telephone-event, 96 for H.264). */
static const struct {
	const char *key;
	const char *name;
	int pt;
	unsigned clock;
	const char *fmtp;
} sdp_codec_alias[] = {
	{ "pcmu", "PCMU", 0, 8000, "" },      { "g711u", "PCMU", 0, 8000, "" },
	{ "g711ulaw", "PCMU", 0, 8000, "" },  { "g711mulaw", "PCMU", 0, 8000, "" },
	{ "ulaw", "PCMU", 0, 8000, "" },      { "mulaw", "PCMU", 0, 8000, "" },
	{ "pcma", "PCMA", 8, 8000, "" },      { "g711a", "PCMA", 8, 8000, "" },
	{ "g711alaw", "PCMA", 8, 8000, "" },  { "alaw", "PCMA", 8, 8000, "" },
	{ "g729", "G729", 18, 8000, "" },     { "g729a", "G729", 18, 8000, "" },
	{ "g729ab", "G729", 18, 8000, "" },   { "g723", "G723", 4, 8000, "" },
	{ "g7231", "G723", 4, 8000, "" },     { "g722", "G722", 9, 8000, "" },
	{ "gsm", "GSM", 3, 8000, "" },
	{ "telephoneevent", "telephone-event", 101, 8000, "0-15" },
	{ "rfc2833", "telephone-event", 101, 8000, "0-15" },
	{ "rfc4733", "telephone-event", 101, 8000, "0-15" },
	{ "h264", "H264", 96, 90000, "" },
};

#define SDP_SRTP_SUITE "AES_CM_128_HMAC_SHA1_80"

/* Parser state: where we are and where to write the reason. */
struct sdp_parser {
	unsigned line;
	char *reason;
	size_t reason_size;
};

/* Record why parsing failed; always returns EBADMSG. */
static int G_GNUC_PRINTF(2, 3) sdp_fail(struct sdp_parser *ps, const char *fmt, ...)
{
	if (ps->reason && ps->reason_size) {
		char msg[160];
		va_list ap;

		va_start(ap, fmt);
		g_vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		g_snprintf(ps->reason, ps->reason_size, "line %u: %s", ps->line, msg);
	}
	return EBADMSG;
}

/* Split off the next space-separated field of *rest (RFC 4566 uses single spaces; we accept runs
 * of spaces and tabs). Returns false when nothing is left. */
static bool sdp_field(struct sip_pl *rest, struct sip_pl *field)
{
	size_t i = 0;

	while (i < rest->l && (rest->p[i] == ' ' || rest->p[i] == '\t'))
		i++;
	if (i == rest->l)
		return false;
	size_t start = i;
	while (i < rest->l && rest->p[i] != ' ' && rest->p[i] != '\t')
		i++;
	*field = (struct sip_pl){ rest->p + start, i - start };
	*rest = (struct sip_pl){ rest->p + i, rest->l - i };
	return true;
}

/* Trim leading and trailing blanks. */
static struct sip_pl sdp_trim(struct sip_pl pl)
{
	while (pl.l && (pl.p[0] == ' ' || pl.p[0] == '\t')) {
		pl.p++;
		pl.l--;
	}
	while (pl.l && (pl.p[pl.l - 1] == ' ' || pl.p[pl.l - 1] == '\t'))
		pl.l--;
	return pl;
}

/* Decimal digits only, at most 20 of them, into a uint64_t; false on overflow or junk. */
static bool sdp_u64(struct sip_pl pl, uint64_t *v)
{
	uint64_t x = 0;

	if (pl.l == 0 || pl.l > 20)
		return false;
	for (size_t i = 0; i < pl.l; i++) {
		if (pl.p[i] < '0' || pl.p[i] > '9')
			return false;
		unsigned d = (unsigned)(pl.p[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

/* sdp_u64 bounded by max. */
static bool sdp_uint(struct sip_pl pl, uint64_t max, unsigned *v)
{
	uint64_t x;

	if (!sdp_u64(pl, &x) || x > max)
		return false;
	*v = (unsigned)x;
	return true;
}

/* Copy a slice into a fixed array; false when it does not fit. */
static bool sdp_copy(char *dst, size_t size, struct sip_pl pl)
{
	if (pl.l >= size)
		return false;
	memcpy(dst, pl.p, pl.l);
	dst[pl.l] = '\0';
	return true;
}

/* A token for our purposes: visible ASCII, no spaces (RFC 4566 9 "token" and addresses). */
static bool sdp_is_token(struct sip_pl pl)
{
	if (pl.l == 0)
		return false;
	for (size_t i = 0; i < pl.l; i++) {
		unsigned char c = (unsigned char)pl.p[i];
		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

/* Parse "IN IP4 addr[/ttl[/n]]" (RFC 4566 5.7) into addr and addrtype. */
static int sdp_parse_conn(struct sdp_parser *ps, struct sip_pl v, char *addr, size_t addr_size,
			  char *addrtype, size_t type_size)
{
	struct sip_pl net, type, a, extra;

	if (!sdp_field(&v, &net) || !sdp_field(&v, &type) || !sdp_field(&v, &a) ||
	    sdp_field(&v, &extra))
		return sdp_fail(ps, "c= needs <nettype> <addrtype> <address>");
	if (!sip_pl_eq_str(net, "IN"))
		return sdp_fail(ps, "c= network type is not IN");
	if (!sip_pl_eq_str(type, "IP4") && !sip_pl_eq_str(type, "IP6"))
		return sdp_fail(ps, "c= address type is not IP4 or IP6");
	const char *slash = memchr(a.p, '/', a.l);
	if (slash)
		a.l = (size_t)(slash - a.p);    /* multicast TTL / count: not modelled */
	if (!sdp_is_token(a) || !sdp_copy(addr, addr_size, a))
		return sdp_fail(ps, "c= address empty or too long");
	sdp_copy(addrtype, type_size, type);
	return 0;
}

/* Parse the o= line (RFC 4566 5.2): six fields. */
static int sdp_parse_origin(struct sdp_parser *ps, struct sip_pl v, struct sip_sdp *sdp)
{
	struct sip_pl user, id, ver, net, type, addr, extra;

	if (!sdp_field(&v, &user) || !sdp_field(&v, &id) || !sdp_field(&v, &ver) ||
	    !sdp_field(&v, &net) || !sdp_field(&v, &type) || !sdp_field(&v, &addr) ||
	    sdp_field(&v, &extra))
		return sdp_fail(ps, "o= needs 6 fields");
	if (!sdp_is_token(user) || !sdp_copy(sdp->o_user, sizeof(sdp->o_user), user))
		return sdp_fail(ps, "o= username too long");
	if (!sdp_u64(id, &sdp->sess_id) || !sdp_u64(ver, &sdp->sess_version))
		return sdp_fail(ps, "o= session id or version is not a number");
	if (!sip_pl_eq_str(net, "IN"))
		return sdp_fail(ps, "o= network type is not IN");
	if (!sdp_copy(sdp->o_addrtype, sizeof(sdp->o_addrtype), type) || !sdp_is_token(type))
		return sdp_fail(ps, "o= address type too long");
	if (!sdp_copy(sdp->o_addr, sizeof(sdp->o_addr), addr) || !sdp_is_token(addr))
		return sdp_fail(ps, "o= address too long");
	return 0;
}

/* Fill a codec from RFC 3551's static table when pt is in it. */
static void sdp_static_fill(struct sip_sdp_codec *c)
{
	for (size_t i = 0; i < G_N_ELEMENTS(sdp_static_pt); i++) {
		if (sdp_static_pt[i].pt == c->pt) {
			g_strlcpy(c->name, sdp_static_pt[i].name, sizeof(c->name));
			c->clock = sdp_static_pt[i].clock;
			return;
		}
	}
}

/* True for the RTP profiles whose formats are payload type numbers. */
static bool sdp_proto_is_rtp(const char *proto)
{
	return g_str_has_prefix(proto, "RTP/");
}

/* Parse an m= line (RFC 4566 5.14) into a new media entry. */
static int sdp_parse_media(struct sdp_parser *ps, struct sip_pl v, struct sip_sdp_media *m)
{
	struct sip_pl type, port, proto, fmt;
	unsigned portv, count;

	if (!sdp_field(&v, &type) || !sdp_field(&v, &port) || !sdp_field(&v, &proto))
		return sdp_fail(ps, "m= needs <media> <port> <proto> <fmt>...");
	if (!sdp_is_token(type) || !sdp_copy(m->type_name, sizeof(m->type_name), type))
		return sdp_fail(ps, "m= media type too long");
	if (sip_pl_eq_str(type, "audio"))
		m->type = SIP_SDP_MEDIA_AUDIO;
	else if (sip_pl_eq_str(type, "video"))
		m->type = SIP_SDP_MEDIA_VIDEO;
	else
		m->type = SIP_SDP_MEDIA_OTHER;
	const char *slash = memchr(port.p, '/', port.l);
	if (slash) {
		struct sip_pl n = { slash + 1, port.l - (size_t)(slash + 1 - port.p) };
		if (!sdp_uint(n, 65535, &count) || count == 0)
			return sdp_fail(ps, "m= port count is not a number");
		port.l = (size_t)(slash - port.p);
	}
	if (!sdp_uint(port, 65535, &portv))
		return sdp_fail(ps, "m= port is not a number in 0..65535");
	m->port = (uint16_t)portv;
	if (!sdp_is_token(proto) || !sdp_copy(m->proto, sizeof(m->proto), proto))
		return sdp_fail(ps, "m= protocol too long");
	bool rtp = sdp_proto_is_rtp(m->proto);
	while (sdp_field(&v, &fmt)) {
		if (m->n_codecs == SIP_SDP_MAX_FMTS)
			return sdp_fail(ps, "m= has more than %d formats", SIP_SDP_MAX_FMTS);
		struct sip_sdp_codec *c = &m->codecs[m->n_codecs];
		memset(c, 0, sizeof(*c));
		if (rtp) {
			unsigned pt;
			if (!sdp_uint(fmt, 127, &pt))
				return sdp_fail(ps, "m= RTP payload type is not in 0..127");
			for (size_t i = 0; i < m->n_codecs; i++)
				if (m->codecs[i].pt == (int)pt)
					return sdp_fail(ps, "m= lists payload type %u twice", pt);
			c->pt = (int)pt;
			sdp_static_fill(c);
		} else {
			c->pt = -1;
			if (!sdp_is_token(fmt) || !sdp_copy(c->name, sizeof(c->name), fmt))
				return sdp_fail(ps, "m= format too long");
		}
		m->n_codecs++;
	}
	if (m->n_codecs == 0)
		return sdp_fail(ps, "m= has no format");
	return 0;
}

/* The codec of media m with payload type given as text, or NULL. */
static struct sip_sdp_codec *sdp_find_pt(struct sip_sdp_media *m, struct sip_pl ptpl)
{
	unsigned pt;

	if (!sdp_uint(ptpl, 127, &pt))
		return NULL;
	for (size_t i = 0; i < m->n_codecs; i++)
		if (m->codecs[i].pt == (int)pt)
			return &m->codecs[i];
	return NULL;
}

/* a=rtpmap:<pt> <name>/<clock>[/<channels>] (RFC 4566 6). A type not on the m= line is ignored. */
static int sdp_parse_rtpmap(struct sdp_parser *ps, struct sip_pl v, struct sip_sdp_media *m)
{
	struct sip_pl ptpl, enc, extra;

	if (!sdp_field(&v, &ptpl) || !sdp_field(&v, &enc) || sdp_field(&v, &extra))
		return sdp_fail(ps, "a=rtpmap needs <payload type> <encoding>/<clock rate>");
	uint64_t dummy;
	if (!sdp_u64(ptpl, &dummy) || dummy > 127)
		return sdp_fail(ps, "a=rtpmap payload type is not in 0..127");
	/* RFC 4566 6 requires /<clock rate>, but RFC 4475's valid sdp01 torture message has
	 * "a=rtpmap:31 LPC": accept a bare name and keep the rate unknown (0). */
	const char *s1 = memchr(enc.p, '/', enc.l);
	struct sip_pl name = { enc.p, s1 ? (size_t)(s1 - enc.p) : enc.l };
	unsigned clockv = 0, chv = 0;
	struct sip_pl chans = SIP_PL_NULL;
	if (s1) {
		struct sip_pl rest = { s1 + 1, enc.l - name.l - 1 };
		struct sip_pl clock = rest;
		const char *s2 = memchr(rest.p, '/', rest.l);
		if (s2) {
			clock.l = (size_t)(s2 - rest.p);
			chans = (struct sip_pl){ s2 + 1, rest.l - clock.l - 1 };
		}
		if (!sdp_uint(clock, 100000000, &clockv) || clockv == 0)
			return sdp_fail(ps, "a=rtpmap clock rate is not a positive number");
	}
	if (sip_pl_isset(chans) && (!sdp_uint(chans, 255, &chv) || chv == 0))
		return sdp_fail(ps, "a=rtpmap channel count is not a positive number");
	if (!sdp_is_token(name))
		return sdp_fail(ps, "a=rtpmap encoding name is empty");
	if (!m)
		return 0;    /* session level: meaningless, ignored */
	struct sip_sdp_codec *c = sdp_find_pt(m, ptpl);
	if (!c)
		return 0;
	if (!sdp_copy(c->name, sizeof(c->name), name))
		return sdp_fail(ps, "a=rtpmap encoding name too long");
	c->clock = clockv;
	c->channels = chv;
	return 0;
}

/* True when the text has no control character (CR, LF, NUL ...); tabs are allowed. */
static bool sdp_is_text(struct sip_pl pl)
{
	for (size_t i = 0; i < pl.l; i++) {
		unsigned char c = (unsigned char)pl.p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

/* a=fmtp:<format> <parameters> (RFC 4566 6). */
static int sdp_parse_fmtp(struct sdp_parser *ps, struct sip_pl v, struct sip_sdp_media *m)
{
	struct sip_pl fmt;

	if (!sdp_field(&v, &fmt))
		return sdp_fail(ps, "a=fmtp needs <format> <parameters>");
	struct sip_pl params = sdp_trim(v);
	if (!m)
		return 0;
	struct sip_sdp_codec *c = NULL;
	if (sdp_proto_is_rtp(m->proto)) {
		c = sdp_find_pt(m, fmt);
	} else {
		for (size_t i = 0; i < m->n_codecs; i++)
			if (sip_pl_eq_str(fmt, m->codecs[i].name))
				c = &m->codecs[i];
	}
	if (!c)
		return 0;
	if (!sdp_copy(c->fmtp, sizeof(c->fmtp), params))
		return sdp_fail(ps, "a=fmtp parameters too long");
	return 0;
}

/* a=crypto:<tag> <suite> <key-params> [<session-params>...] (RFC 4568 9.1). */
static int sdp_parse_crypto(struct sdp_parser *ps, struct sip_pl v, struct sip_sdp_media *m)
{
	struct sip_pl tag, suite, key;
	unsigned tagv;

	if (!sdp_field(&v, &tag) || !sdp_field(&v, &suite) || !sdp_field(&v, &key))
		return sdp_fail(ps, "a=crypto needs <tag> <suite> <key-params>");
	/* RFC 4568 9.1: tag = 1*9DIGIT */
	if (tag.l > 9 || !sdp_uint(tag, 999999999, &tagv))
		return sdp_fail(ps, "a=crypto tag is not 1-9 digits");
	/* key-params = key-method ":" key-info; the only method is "inline" */
	if (!sdp_is_token(suite) || !sdp_is_token(key))
		return sdp_fail(ps, "a=crypto suite or key has a non-ASCII byte");
	if (key.l < 8 || strncasecmp(key.p, "inline:", 7) != 0)
		return sdp_fail(ps, "a=crypto key parameters are not inline:<key>");
	if (!m)
		return 0;
	if (m->n_crypto == SIP_SDP_MAX_CRYPTO)
		return sdp_fail(ps, "more than %d a=crypto lines", SIP_SDP_MAX_CRYPTO);
	struct sip_sdp_crypto *c = &m->crypto[m->n_crypto];
	memset(c, 0, sizeof(*c));
	c->tag = tagv;
	if (!sdp_copy(c->suite, sizeof(c->suite), suite) ||
	    !sdp_copy(c->key_params, sizeof(c->key_params), key) ||
	    !sdp_copy(c->session_params, sizeof(c->session_params), sdp_trim(v)))
		return sdp_fail(ps, "a=crypto field too long");
	m->n_crypto++;
	return 0;
}

/* One a= line, at session level (m == NULL) or media level. */
static int sdp_parse_attr(struct sdp_parser *ps, struct sip_pl v, struct sip_sdp *sdp,
			  struct sip_sdp_media *m)
{
	const char *colon = memchr(v.p, ':', v.l);
	struct sip_pl name = v, val = SIP_PL_NULL;

	if (colon) {
		name.l = (size_t)(colon - v.p);
		val = (struct sip_pl){ colon + 1, v.l - name.l - 1 };
	}
	if (!sdp_is_token(name))
		return sdp_fail(ps, "a= attribute name is empty");
	static const struct {
		const char *name;
		enum sip_sdp_dir dir;
	} dirs[] = {
		{ "sendrecv", SIP_SDP_SENDRECV }, { "sendonly", SIP_SDP_SENDONLY },
		{ "recvonly", SIP_SDP_RECVONLY }, { "inactive", SIP_SDP_INACTIVE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
		if (!sip_pl_eq_str(name, dirs[i].name))
			continue;
		if (colon)
			return sdp_fail(ps, "a=%s takes no value", dirs[i].name);
		if (m) {
			m->dir_set = true;
			m->dir = dirs[i].dir;
		} else {
			sdp->dir_set = true;
			sdp->dir = dirs[i].dir;
		}
		return 0;
	}
	if (sip_pl_eq_str(name, "rtpmap"))
		return colon ? sdp_parse_rtpmap(ps, val, m)
			     : sdp_fail(ps, "a=rtpmap without value");
	if (sip_pl_eq_str(name, "fmtp"))
		return colon ? sdp_parse_fmtp(ps, val, m) : sdp_fail(ps, "a=fmtp without value");
	if (sip_pl_eq_str(name, "crypto"))
		return colon ? sdp_parse_crypto(ps, val, m)
			     : sdp_fail(ps, "a=crypto without value");
	if (sip_pl_eq_str(name, "ptime")) {
		unsigned ptime;
		/* RFC 4566 6: a=ptime:<packet time> in ms; fractions exist, no phone sends them */
		if (!colon || !sdp_uint(sdp_trim(val), 10000, &ptime) || ptime == 0)
			return sdp_fail(ps, "a=ptime is not a number of milliseconds");
		if (m)
			m->ptime = ptime;
		return 0;
	}
	return 0;    /* RFC 4566 5.13: unknown attributes are ignored */
}

/* Parse a t= line (RFC 4566 5.9). */
static int sdp_parse_time(struct sdp_parser *ps, struct sip_pl v, struct sip_sdp *sdp, bool first)
{
	struct sip_pl start, stop, extra;
	uint64_t a, b;

	if (!sdp_field(&v, &start) || !sdp_field(&v, &stop) || sdp_field(&v, &extra) ||
	    !sdp_u64(start, &a) || !sdp_u64(stop, &b))
		return sdp_fail(ps, "t= needs <start time> <stop time>");
	if (first) {
		sdp->t_start = a;
		sdp->t_stop = b;
	}
	return 0;
}

/* The whole body. */
static int sdp_parse_body(struct sdp_parser *ps, struct sip_sdp *sdp, const char *buf, size_t len)
{
	size_t pos = 0;
	bool seen_o = false, seen_s = false, seen_t = false, seen_c = false;
	struct sip_sdp_media *m = NULL;
	int err;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		struct sip_pl line = { buf + pos, end - pos };
		pos = nl ? end + 1 : len;
		ps->line++;
		if (line.l && line.p[line.l - 1] == '\r')
			line.l--;
		if (line.l == 0) {
			/* A blank line may only trail the description. */
			for (size_t i = pos; i < len; i++)
				if (buf[i] != '\r' && buf[i] != '\n')
					return sdp_fail(ps, "blank line inside the description");
			break;
		}
		if (line.l < 2 || line.p[1] != '=' || line.p[0] < 'a' || line.p[0] > 'z')
			return sdp_fail(ps, "not a <type>=<value> line");
		char type = line.p[0];
		struct sip_pl v = { line.p + 2, line.l - 2 };
		if (!sdp_is_text(v))
			return sdp_fail(ps, "control character in %c= line", type);
		if (ps->line == 1) {
			if (type != 'v' || !sip_pl_eq_str(v, "0"))
				return sdp_fail(ps, "description does not start with v=0");
			continue;
		}
		/* RFC 4566 5: v, o, s come first and in this order */
		if (!seen_o && type != 'o')
			return sdp_fail(ps, "o= must follow v=");
		if (seen_o && !seen_s && type != 's')
			return sdp_fail(ps, "s= must follow o=");
		if (m && strchr("vostrzuep", type))
			return sdp_fail(ps, "%c= is not allowed after m=", type);
		switch (type) {
		case 'v':
			return sdp_fail(ps, "second v= line");
		case 'o':
			if (seen_o)
				return sdp_fail(ps, "second o= line");
			if ((err = sdp_parse_origin(ps, v, sdp)))
				return err;
			seen_o = true;
			break;
		case 's':
			if (seen_s)
				return sdp_fail(ps, "second s= line");
			if (!sdp_copy(sdp->name, sizeof(sdp->name), v))
				return sdp_fail(ps, "s= too long");
			seen_s = true;
			break;
		case 'c':
			if (m) {
				err = sdp_parse_conn(ps, v, m->addr, sizeof(m->addr), m->addrtype,
						     sizeof(m->addrtype));
				if (err)
					return err;
			} else {
				if (seen_c)
					return sdp_fail(ps, "second session-level c= line");
				if ((err = sdp_parse_conn(ps, v, sdp->addr, sizeof(sdp->addr),
							  sdp->addrtype, sizeof(sdp->addrtype))))
					return err;
				seen_c = true;
			}
			break;
		case 't':
			if ((err = sdp_parse_time(ps, v, sdp, !seen_t)))
				return err;
			seen_t = true;
			break;
		case 'm':
			if (!seen_t)
				return sdp_fail(ps, "m= before any t=");
			if (sdp->n_media == SIP_SDP_MAX_MEDIA)
				return sdp_fail(ps, "more than %d m= lines", SIP_SDP_MAX_MEDIA);
			m = &sdp->media[sdp->n_media++];
			memset(m, 0, sizeof(*m));
			if ((err = sdp_parse_media(ps, v, m)))
				return err;
			break;
		case 'a':
			if ((err = sdp_parse_attr(ps, v, sdp, m)))
				return err;
			break;
		case 'i': case 'u': case 'e': case 'p': case 'b': case 'r': case 'z': case 'k':
			break;    /* known, not modelled */
		default:
			/* RFC 4566 5: a description with an unknown type letter MUST be ignored */
			return sdp_fail(ps, "unknown line type %c=", type);
		}
	}
	if (ps->line == 0)
		return sdp_fail(ps, "empty description");
	if (!seen_o || !seen_s)
		return sdp_fail(ps, "missing o= or s=");
	if (!seen_t)
		return sdp_fail(ps, "missing t=");
	/* RFC 4566 5.7: c= at session level or in every media description */
	for (size_t i = 0; i < sdp->n_media; i++)
		if (sdp->media[i].port != 0 && !sdp->media[i].addr[0] && !sdp->addr[0])
			return sdp_fail(ps, "m= line %zu has no c= address", i + 1);
	return 0;
}

struct sip_sdp *sip_sdp_new(void)
{
	return g_new0(struct sip_sdp, 1);
}

void sip_sdp_free(struct sip_sdp *sdp)
{
	g_free(sdp);
}

int sip_sdp_parse(struct sip_sdp **sdpp, const char *buf, size_t len, char *reason,
		  size_t reason_size)
{
	struct sdp_parser ps = { 0, reason, reason_size };

	if (!sdpp || (!buf && len))
		return EINVAL;
	struct sip_sdp *sdp = sip_sdp_new();
	int err = sdp_parse_body(&ps, sdp, buf, len);
	if (err) {
		sip_sdp_free(sdp);
		return err;
	}
	*sdpp = sdp;
	return 0;
}

int sip_sdp_parse_bytes(struct sip_sdp **sdpp, GBytes *body, char *reason, size_t reason_size)
{
	gsize len = 0;

	if (!body)
		return EINVAL;
	const char *p = g_bytes_get_data(body, &len);
	return sip_sdp_parse(sdpp, p, len, reason, reason_size);
}

/* Builder check: a non-empty token (no space, no control character). */
static bool sdp_ok_token(const char *s)
{
	return s && sdp_is_token(sip_pl_from_str(s));
}

/* Builder check: text without control characters (may be empty). */
static bool sdp_ok_text(const char *s)
{
	return s && sdp_is_text(sip_pl_from_str(s));
}

/* Check one media description before writing anything. */
static bool sdp_media_ok(const struct sip_sdp_media *m)
{
	if (!sdp_ok_token(m->type_name) || !sdp_ok_token(m->proto) || m->n_codecs == 0 ||
	    m->n_codecs > SIP_SDP_MAX_FMTS || m->n_crypto > SIP_SDP_MAX_CRYPTO)
		return false;
	if (m->addr[0] && (!sdp_ok_token(m->addr) || !sdp_ok_token(m->addrtype)))
		return false;
	bool rtp = sdp_proto_is_rtp(m->proto);
	for (size_t i = 0; i < m->n_codecs; i++) {
		const struct sip_sdp_codec *c = &m->codecs[i];
		if (rtp ? (c->pt < 0 || c->pt > 127) : !sdp_ok_token(c->name))
			return false;
		if (rtp && c->name[0] && (!sdp_ok_token(c->name) || strchr(c->name, '/') ||
					  c->clock > 100000000 || c->channels > 255))
			return false;
		if (!sdp_ok_text(c->fmtp))
			return false;
	}
	for (size_t i = 0; i < m->n_crypto; i++) {
		const struct sip_sdp_crypto *k = &m->crypto[i];
		if (k->tag > 999999999 || !sdp_ok_token(k->suite) ||
		    !sdp_ok_token(k->key_params) || !sdp_ok_text(k->session_params))
			return false;
	}
	return true;
}

/* Append one media description. */
static void sdp_build_media(const struct sip_sdp_media *m, GString *out)
{
	bool rtp = sdp_proto_is_rtp(m->proto);

	g_string_append_printf(out, "m=%s %u %s", m->type_name, (unsigned)m->port, m->proto);
	for (size_t i = 0; i < m->n_codecs; i++) {
		if (rtp)
			g_string_append_printf(out, " %d", m->codecs[i].pt);
		else
			g_string_append_printf(out, " %s", m->codecs[i].name);
	}
	g_string_append(out, "\r\n");
	if (m->addr[0])
		g_string_append_printf(out, "c=IN %s %s\r\n", m->addrtype, m->addr);
	for (size_t i = 0; i < m->n_codecs; i++) {
		const struct sip_sdp_codec *c = &m->codecs[i];
		if (rtp && c->name[0]) {
			g_string_append_printf(out, "a=rtpmap:%d %s", c->pt, c->name);
			if (c->clock)
				g_string_append_printf(out, "/%u", c->clock);
			if (c->clock && c->channels)
				g_string_append_printf(out, "/%u", c->channels);
			g_string_append(out, "\r\n");
		}
		if (c->fmtp[0]) {
			if (rtp)
				g_string_append_printf(out, "a=fmtp:%d %s\r\n", c->pt, c->fmtp);
			else
				g_string_append_printf(out, "a=fmtp:%s %s\r\n", c->name, c->fmtp);
		}
	}
	if (m->ptime)
		g_string_append_printf(out, "a=ptime:%u\r\n", m->ptime);
	for (size_t i = 0; i < m->n_crypto; i++) {
		const struct sip_sdp_crypto *k = &m->crypto[i];
		g_string_append_printf(out, "a=crypto:%u %s %s", k->tag, k->suite, k->key_params);
		if (k->session_params[0])
			g_string_append_printf(out, " %s", k->session_params);
		g_string_append(out, "\r\n");
	}
	if (m->dir_set)
		g_string_append_printf(out, "a=%s\r\n", sip_sdp_dir_name(m->dir));
}

int sip_sdp_build(const struct sip_sdp *sdp, GString *out)
{
	if (!sdp || !out || sdp->n_media > SIP_SDP_MAX_MEDIA)
		return EINVAL;
	if (!sdp_ok_token(sdp->o_user) || !sdp_ok_token(sdp->o_addrtype) ||
	    !sdp_ok_token(sdp->o_addr) || !sdp_ok_text(sdp->name))
		return EINVAL;
	if (sdp->addr[0] && (!sdp_ok_token(sdp->addr) || !sdp_ok_token(sdp->addrtype)))
		return EINVAL;
	for (size_t i = 0; i < sdp->n_media; i++)
		if (!sdp_media_ok(&sdp->media[i]))
			return EINVAL;
	g_string_append_printf(out, "v=0\r\no=%s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
			       " IN %s %s\r\n", sdp->o_user, sdp->sess_id, sdp->sess_version,
			       sdp->o_addrtype, sdp->o_addr);
	/* RFC 4566 5.3: s= is never empty; "-" stands for no name */
	g_string_append_printf(out, "s=%s\r\n", sdp->name[0] ? sdp->name : "-");
	if (sdp->addr[0])
		g_string_append_printf(out, "c=IN %s %s\r\n", sdp->addrtype, sdp->addr);
	g_string_append_printf(out, "t=%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\r\n",
			       sdp->t_start, sdp->t_stop);
	if (sdp->dir_set)
		g_string_append_printf(out, "a=%s\r\n", sip_sdp_dir_name(sdp->dir));
	for (size_t i = 0; i < sdp->n_media; i++)
		sdp_build_media(&sdp->media[i], out);
	return 0;
}

int sip_sdp_build_bytes(const struct sip_sdp *sdp, GBytes **bodyp)
{
	if (!bodyp)
		return EINVAL;
	GString *s = g_string_new(NULL);
	int err = sip_sdp_build(sdp, s);
	if (err) {
		g_string_free(s, TRUE);
		return err;
	}
	*bodyp = g_string_free_to_bytes(s);
	return 0;
}

void sip_sdp_next_version(struct sip_sdp *sdp)
{
	sdp->sess_version++;
}

enum sip_sdp_dir sip_sdp_media_dir(const struct sip_sdp *sdp, size_t i)
{
	if (i < sdp->n_media && sdp->media[i].dir_set)
		return sdp->media[i].dir;
	/* RFC 3264 5.1: sendrecv when neither level says otherwise */
	return sdp->dir_set ? sdp->dir : SIP_SDP_SENDRECV;
}

const char *sip_sdp_media_addr(const struct sip_sdp *sdp, size_t i)
{
	if (i < sdp->n_media && sdp->media[i].addr[0])
		return sdp->media[i].addr;
	return sdp->addr;
}

enum sip_sdp_dir sip_sdp_dir_answer(enum sip_sdp_dir offered, enum sip_sdp_dir local)
{
	/* RFC 3264 6.1: we may send only what the offerer receives and receive only what it
	 * sends; within that, the answerer narrows to what it wants. */
	unsigned send = ((unsigned)offered & SIP_SDP_RECVONLY) ? 1u : 0u;
	unsigned recv = ((unsigned)offered & SIP_SDP_SENDONLY) ? 2u : 0u;
	return (enum sip_sdp_dir)((send | recv) & (unsigned)local);
}

const char *sip_sdp_dir_name(enum sip_sdp_dir dir)
{
	switch (dir) {
	case SIP_SDP_SENDRECV: return "sendrecv";
	case SIP_SDP_SENDONLY: return "sendonly";
	case SIP_SDP_RECVONLY: return "recvonly";
	case SIP_SDP_INACTIVE: return "inactive";
	}
	return "sendrecv";
}

int sip_sdp_first_audio(const struct sip_sdp *sdp)
{
	for (size_t i = 0; i < sdp->n_media; i++)
		if (sdp->media[i].type == SIP_SDP_MEDIA_AUDIO && sdp->media[i].port != 0)
			return (int)i;
	return -1;
}

bool sip_sdp_is_hold(const struct sip_sdp *sdp)
{
	int i = sip_sdp_first_audio(sdp);

	if (i < 0)
		return false;
	enum sip_sdp_dir dir = sip_sdp_media_dir(sdp, (size_t)i);
	if (dir == SIP_SDP_SENDONLY || dir == SIP_SDP_INACTIVE)
		return true;
	/* RFC 2543 hold, still sent by old phones (RFC 3264 8.4 tells answerers to accept it) */
	return strcmp(sip_sdp_media_addr(sdp, (size_t)i), "0.0.0.0") == 0;
}

int sip_sdp_codec_lookup(const char *name, struct sip_sdp_codec *codec)
{
	char key[SIP_SDP_TOKEN_LEN];
	size_t n = 0;

	if (!name || !codec)
		return EINVAL;
	for (const char *p = name; *p; p++) {
		if (*p == '.' || *p == '-' || *p == '_' || *p == ' ')
			continue;
		if (n + 1 >= sizeof(key))
			return ENOENT;
		key[n++] = g_ascii_tolower(*p);
	}
	key[n] = '\0';
	for (size_t i = 0; i < G_N_ELEMENTS(sdp_codec_alias); i++) {
		if (strcmp(key, sdp_codec_alias[i].key) != 0)
			continue;
		memset(codec, 0, sizeof(*codec));
		codec->pt = sdp_codec_alias[i].pt;
		g_strlcpy(codec->name, sdp_codec_alias[i].name, sizeof(codec->name));
		codec->clock = sdp_codec_alias[i].clock;
		g_strlcpy(codec->fmtp, sdp_codec_alias[i].fmtp, sizeof(codec->fmtp));
		return 0;
	}
	return ENOENT;
}

/* Same encoding: name (case-insensitive, RFC 4566 6) and clock rate; channels 0 means 1. */
static bool sdp_codec_same(const struct sip_sdp_codec *a, const struct sip_sdp_codec *b)
{
	unsigned ca = a->channels ? a->channels : 1, cb = b->channels ? b->channels : 1;

	return a->name[0] && g_ascii_strcasecmp(a->name, b->name) == 0 && a->clock == b->clock &&
	       ca == cb;
}

/* Origin, name, connection and timing common to offers and answers. */
static int sdp_fill_session(struct sip_sdp *sdp, const struct sip_sdp_profile *prof)
{
	if (!prof->user || !prof->addr || !sdp_ok_token(prof->user) || !sdp_ok_token(prof->addr))
		return EINVAL;
	g_strlcpy(sdp->o_user, prof->user, sizeof(sdp->o_user));
	sdp->sess_id = prof->sess_id;
	sdp->sess_version = prof->sess_version;
	g_strlcpy(sdp->o_addrtype, "IP4", sizeof(sdp->o_addrtype));
	g_strlcpy(sdp->o_addr, prof->addr, sizeof(sdp->o_addr));
	g_strlcpy(sdp->name, "-", sizeof(sdp->name));
	g_strlcpy(sdp->addr, prof->addr, sizeof(sdp->addr));
	g_strlcpy(sdp->addrtype, "IP4", sizeof(sdp->addrtype));
	return 0;
}

/* The profile's audio codecs, resolved; EINVAL on an unknown name. */
static int sdp_profile_codecs(const struct sip_sdp_profile *prof, struct sip_sdp_codec *out,
			      size_t *n)
{
	*n = 0;
	if (prof->n_codecs && !prof->codecs)
		return EINVAL;
	for (size_t i = 0; i < prof->n_codecs; i++) {
		if (*n == SIP_SDP_MAX_FMTS - 1 || sip_sdp_codec_lookup(prof->codecs[i], &out[*n]))
			return EINVAL;
		(*n)++;
	}
	return 0;
}

/* The telephone-event format of a profile. */
static void sdp_te_codec(const struct sip_sdp_profile *prof, struct sip_sdp_codec *c)
{
	sip_sdp_codec_lookup("telephone-event", c);
	if (prof->te_pt >= 96 && prof->te_pt <= 127)
		c->pt = prof->te_pt;
}

/* An a=crypto line carrying the profile's key (RFC 4568 6.1). */
static void sdp_fill_crypto(struct sip_sdp_crypto *k, unsigned tag, const char *key)
{
	memset(k, 0, sizeof(*k));
	k->tag = tag;
	g_strlcpy(k->suite, SDP_SRTP_SUITE, sizeof(k->suite));
	g_snprintf(k->key_params, sizeof(k->key_params), "inline:%s", key);
}

int sip_sdp_offer(struct sip_sdp **offerp, const struct sip_sdp_profile *prof)
{
	struct sip_sdp_codec codecs[SIP_SDP_MAX_FMTS];
	size_t n;

	if (!offerp || !prof || sdp_profile_codecs(prof, codecs, &n) || n == 0)
		return EINVAL;
	if (prof->srtp_key && !sdp_ok_token(prof->srtp_key))
		return EINVAL;
	struct sip_sdp *sdp = sip_sdp_new();
	if (sdp_fill_session(sdp, prof)) {
		sip_sdp_free(sdp);
		return EINVAL;
	}
	struct sip_sdp_media *m = &sdp->media[sdp->n_media++];
	m->type = SIP_SDP_MEDIA_AUDIO;
	g_strlcpy(m->type_name, "audio", sizeof(m->type_name));
	m->port = prof->audio_port;
	g_strlcpy(m->proto, prof->srtp_key ? "RTP/SAVP" : "RTP/AVP", sizeof(m->proto));
	for (size_t i = 0; i < n; i++)
		m->codecs[m->n_codecs++] = codecs[i];
	if (prof->telephone_event)
		sdp_te_codec(prof, &m->codecs[m->n_codecs++]);
	m->ptime = prof->ptime;
	m->dir_set = true;
	m->dir = prof->dir;
	if (prof->srtp_key)
		sdp_fill_crypto(&m->crypto[m->n_crypto++], 1, prof->srtp_key);
	if (prof->video) {
		struct sip_sdp_media *v = &sdp->media[sdp->n_media++];
		v->type = SIP_SDP_MEDIA_VIDEO;
		g_strlcpy(v->type_name, "video", sizeof(v->type_name));
		v->port = prof->video_port;
		g_strlcpy(v->proto, m->proto, sizeof(v->proto));
		sip_sdp_codec_lookup("H.264", &v->codecs[v->n_codecs++]);
		v->dir_set = true;
		v->dir = prof->dir;
		if (prof->srtp_key)
			sdp_fill_crypto(&v->crypto[v->n_crypto++], 1, prof->srtp_key);
	}
	*offerp = sdp;
	return 0;
}

/* Answer one offered m= line into a (already holding the offer's type, proto and formats). */
static void sdp_answer_media(struct sip_sdp_media *a, const struct sip_sdp *offer, size_t idx,
			     const struct sip_sdp_profile *prof, const struct sip_sdp_codec *local,
			     size_t n_local)
{
	const struct sip_sdp_media *o = &offer->media[idx];
	struct sip_sdp_codec video;
	bool srtp = strcmp(o->proto, "RTP/SAVP") == 0;
	bool ok_proto = strcmp(o->proto, "RTP/AVP") == 0 || (srtp && prof->srtp_key);
	size_t n = 0;

	/* A rejected stream keeps the offer's formats (RFC 4566 needs one) with port 0. */
	a->port = 0;
	if (o->port == 0 || !ok_proto || o->type == SIP_SDP_MEDIA_OTHER)
		return;
	if (o->type == SIP_SDP_MEDIA_VIDEO) {
		if (!prof->video)
			return;
		sip_sdp_codec_lookup("H.264", &video);
		local = &video;
		n_local = 1;
	}
	/* RFC 3264 6.1: "it is RECOMMENDED that unless there is a specific reason, the answerer
	 * list formats in the same relative order they were present in the offer". We keep the
	 * offerer's order and its payload type numbers and fmtp; the local list only filters.
	 * Both sides then agree on the first format without a second round. */
	struct sip_sdp_codec picked[SIP_SDP_MAX_FMTS];
	for (size_t i = 0; i < o->n_codecs; i++) {
		const struct sip_sdp_codec *c = &o->codecs[i];
		bool want = false;
		for (size_t j = 0; j < n_local && !want; j++)
			want = sdp_codec_same(c, &local[j]);
		if (want)
			picked[n++] = *c;
	}
	if (n == 0)
		return;    /* no common codec: reject the stream */
	if (o->type == SIP_SDP_MEDIA_AUDIO && prof->telephone_event) {
		struct sip_sdp_codec te;
		sdp_te_codec(prof, &te);
		for (size_t i = 0; i < o->n_codecs; i++) {
			if (!sdp_codec_same(&o->codecs[i], &te))
				continue;
			picked[n] = o->codecs[i];
			if (!picked[n].fmtp[0])
				g_strlcpy(picked[n].fmtp, te.fmtp, sizeof(picked[n].fmtp));
			n++;
			break;
		}
	}
	if (srtp) {
		/* RFC 4568 7.1.2: accept one offered line, echo its tag, send our own key */
		size_t k;
		for (k = 0; k < o->n_crypto; k++)
			if (strcmp(o->crypto[k].suite, SDP_SRTP_SUITE) == 0)
				break;
		if (k == o->n_crypto)
			return;
		sdp_fill_crypto(&a->crypto[a->n_crypto++], o->crypto[k].tag, prof->srtp_key);
	}
	memcpy(a->codecs, picked, n * sizeof(picked[0]));
	a->n_codecs = n;
	a->port = o->type == SIP_SDP_MEDIA_VIDEO ? prof->video_port : prof->audio_port;
	a->ptime = o->type == SIP_SDP_MEDIA_AUDIO ? prof->ptime : 0;
	enum sip_sdp_dir offered = sip_sdp_media_dir(offer, idx);
	/* RFC 3264 8.4: c=0.0.0.0 (RFC 2543 hold) means the offerer will not receive: answer as if
	 * it had said sendonly. */
	if (strcmp(sip_sdp_media_addr(offer, idx), "0.0.0.0") == 0)
		offered = (enum sip_sdp_dir)((unsigned)offered & SIP_SDP_SENDONLY);
	a->dir_set = true;
	a->dir = sip_sdp_dir_answer(offered, prof->dir);
}

int sip_sdp_answer(struct sip_sdp **answerp, const struct sip_sdp *offer,
		   const struct sip_sdp_profile *prof)
{
	struct sip_sdp_codec local[SIP_SDP_MAX_FMTS];
	size_t n_local;

	if (!answerp || !offer || !prof || offer->n_media > SIP_SDP_MAX_MEDIA ||
	    sdp_profile_codecs(prof, local, &n_local))
		return EINVAL;
	if (prof->srtp_key && !sdp_ok_token(prof->srtp_key))
		return EINVAL;
	struct sip_sdp *sdp = sip_sdp_new();
	if (sdp_fill_session(sdp, prof)) {
		sip_sdp_free(sdp);
		return EINVAL;
	}
	sdp->t_start = offer->t_start;    /* RFC 3264 6: the answer's t= equals the offer's */
	sdp->t_stop = offer->t_stop;
	for (size_t i = 0; i < offer->n_media; i++) {
		const struct sip_sdp_media *o = &offer->media[i];
		struct sip_sdp_media *a = &sdp->media[sdp->n_media++];
		a->type = o->type;
		g_strlcpy(a->type_name, o->type_name, sizeof(a->type_name));
		g_strlcpy(a->proto, o->proto, sizeof(a->proto));
		a->n_codecs = o->n_codecs;
		memcpy(a->codecs, o->codecs, o->n_codecs * sizeof(o->codecs[0]));
		sdp_answer_media(a, offer, i, prof, local, n_local);
	}
	*answerp = sdp;
	return 0;
}
