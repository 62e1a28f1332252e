/*
 * addr.c - name-addr and addr-spec values (RFC 3261 20.10, 25.1): an optional display name
 * (tokens or a quoted string), a URI (in <> or bare) and header parameters such as tag, expires
 * and q. Used for From, To, Contact, Route, Record-Route, Reply-To, Refer-To and their kin.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "models/sip/chr.h"
#include "models/sip/msg_priv.h"

/* Sets *why and returns EBADMSG. */
static int bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return EBADMSG;
}

int sip_addr_parse(struct sip_addr *addr, struct sip_pl pl, unsigned flags, const char **why)
{
	const char *p = pl.p;
	const char *e = sip_pl_end(pl);
	const char *q;
	const char *ue;
	struct sip_pl u;

	if (!addr || !pl.p)
		return EINVAL;
	sip_chr_trim(&p, &e);
	/* field by field, not memset (see sip_uri_clear) */
	addr->raw = (struct sip_pl){ p, (size_t)(e - p) };
	addr->dname = SIP_PL_NULL;
	addr->quoted = false;
	addr->angle = false;
	addr->wildcard = false;
	sip_uri_clear(&addr->uri, SIP_PL_NULL);
	addr->params = SIP_PL_NULL;
	addr->tag = SIP_PL_NULL;
	if (p == e)
		return bad(why, "empty address");
	if ((flags & SIP_ADDR_CONTACT) && e - p == 1 && *p == '*') {
		addr->wildcard = true;
		return 0;
	}
	if (*p == '"') {
		q = sip_chr_quoted(p, e);
		if (!q)
			return bad(why, "unterminated quoted string in display name");
		addr->dname = (struct sip_pl){ p + 1, (size_t)(q - p - 2) };
		addr->quoted = true;
		p = sip_chr_skip_ws(q, e);
		if (p >= e || *p != '<')
			return bad(why, "quoted display name not followed by <URI>");
	} else if (*p != '<') {
		/* display-name = *(token LWS): if tokens and LWS lead to '<' it is a name-addr
		 * (RFC 4475 3.1.1.6: accept no LWS before '<'); otherwise an addr-spec. */
		q = p;
		for (;;) {
			const char *r = sip_chr_span(q, e, SIP_CHR_TOKEN);

			r = sip_chr_skip_ws(r, e);
			if (r == q)
				break;
			q = r;
		}
		if (q < e && *q == '<') {
			const char *de = q;

			while (de > p && sip_chr_is(de[-1], SIP_CHR_WS))
				de--;
			addr->dname = (struct sip_pl){ p, (size_t)(de - p) };
			p = q;
		} else if (memchr(q, '<', (size_t)(e - q)) && memchr(q, '>', (size_t)(e - q))) {
			return bad(why, "display name has characters that must be quoted");
		}
	}
	if (*p == '<') {
		ue = memchr(p, '>', (size_t)(e - p));
		if (!ue)
			return bad(why, "'<' without '>'");
		u = (struct sip_pl){ p + 1, (size_t)(ue - p - 1) };
		if (u.l == 0 || sip_chr_is(u.p[0], SIP_CHR_WS) || sip_chr_is(u.p[u.l - 1], SIP_CHR_WS))
			return bad(why, "whitespace inside <URI>");
		if (sip_uri_decode(&addr->uri, u))
			return bad(why, "bad URI");
		addr->angle = true;
		p = ue + 1;
	} else {
		if (flags & SIP_ADDR_NAMEADDR)
			return bad(why, "URI must be enclosed in <>");
		/* RFC 3261 20.10: without <>, ';' starts the header parameters, and a URI with
		 * ',', '?' or ';' must be enclosed in <> */
		ue = p;
		while (ue < e && *ue != ';' && !sip_chr_is(*ue, SIP_CHR_WS))
			ue++;
		u = (struct sip_pl){ p, (size_t)(ue - p) };
		if (memchr(u.p, '?', u.l) || memchr(u.p, ',', u.l))
			return bad(why, "URI with '?' or ',' must be enclosed in <>");
		if (memchr(u.p, '<', u.l) || memchr(u.p, '>', u.l) || memchr(u.p, '"', u.l))
			return bad(why, "bad display name or URI");
		if (sip_uri_decode(&addr->uri, u))
			return bad(why, "bad URI");
		p = ue;
	}
	{
		const struct sip_chr_want want[] = { { "tag", 3, &addr->tag } };

		if (sip_chr_params_get(p, e, want, 1))
			return bad(why, "bad parameter");
	}
	p = sip_chr_skip_ws(p, e);
	if (p < e)
		addr->params = (struct sip_pl){ p + 1, (size_t)(e - p - 1) };
	if (addr->tag.p && addr->tag.l == 0)
		return bad(why, "empty tag");
	return 0;
}

int sip_addr_decode(struct sip_addr *addr, struct sip_pl pl)
{
	return sip_addr_parse(addr, pl, 0, NULL);
}

int sip_addr_decode_contact(struct sip_addr *addr, struct sip_pl pl)
{
	return sip_addr_parse(addr, pl, SIP_ADDR_CONTACT, NULL);
}
