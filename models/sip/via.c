/*
 * via.c - Via header values (RFC 3261 20.42, 18.2.1; rport from RFC 3581): sent-protocol,
 * sent-by and the via-params the transaction and transport layers use (branch, received, rport,
 * maddr, ttl). LWS is allowed around '/', ':', ';' and '=' (RFC 4475 3.1.1.1).
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

/* Reads a token at p (after LWS); returns its end or NULL when there is none. */
static const char *token(const char *p, const char *e, struct sip_pl *out)
{
	const char *q = sip_chr_span(p, e, SIP_CHR_TOKEN);

	if (q == p)
		return NULL;
	*out = (struct sip_pl){ p, (size_t)(q - p) };
	return q;
}

/* Checks the values of the via-params that have a grammar of their own. */
static int via_param_check(struct sip_via *via, const char **why)
{
	struct sip_pl v;
	uint64_t num;

	v = via->branch;
	if (v.p && (v.l == 0 || *v.p == '"'))
		return bad(why, "branch is not a token");
	v = via->received;
	if (v.p && !(sip_chr_ipv4(v.p, v.p + v.l) || sip_chr_ipv6(v.p, v.p + v.l)))
		return bad(why, "received is not an IP address");
	v = via->maddr;
	if (v.p && sip_chr_host(v.p, v.p + v.l) != v.p + v.l)
		return bad(why, "maddr is not a host");
	v = via->ttl;
	if (v.p && (v.l > 3 || sip_chr_uint(v.p, v.p + v.l, 255, &num)))
		return bad(why, "ttl is not a number from 0 to 255");
	v = via->rport;
	if (v.p && v.l && sip_chr_uint(v.p, v.p + v.l, 65535, &num))
		return bad(why, "rport is not a port number");
	return 0;
}

int sip_via_parse(struct sip_via *via, struct sip_pl pl, const char **why)
{
	const char *p = pl.p;
	const char *e = sip_pl_end(pl);
	const char *q;
	uint64_t port;

	if (!via || !pl.p)
		return EINVAL;
	sip_chr_trim(&p, &e);
	/* field by field: a memset compiles to `rep stos`, whose start-up cost is paid for every
	 * Via of every message */
	via->raw = (struct sip_pl){ p, (size_t)(e - p) };
	via->proto = SIP_PL_NULL;
	via->version = SIP_PL_NULL;
	via->transport = SIP_PL_NULL;
	via->host = SIP_PL_NULL;
	via->port = SIP_PL_NULL;
	via->portn = 0;
	via->params = SIP_PL_NULL;
	via->branch = SIP_PL_NULL;
	via->received = SIP_PL_NULL;
	via->maddr = SIP_PL_NULL;
	via->ttl = SIP_PL_NULL;
	via->rport = SIP_PL_NULL;
	/* sent-protocol = protocol-name SLASH protocol-version SLASH transport; "SIP/2.0/" as
	 * every endpoint writes it is two tokens and two slashes without LWS, which one compare
	 * settles */
	if (e - p >= 8 && memcmp(p, "SIP/2.0/", 8) == 0) {
		via->proto = (struct sip_pl){ p, 3 };
		via->version = (struct sip_pl){ p + 4, 3 };
		p += 8;
	} else {
		p = token(p, e, &via->proto);
		if (!p)
			return bad(why, "no protocol name");
		p = sip_chr_skip_ws(p, e);
		if (p >= e || *p != '/')
			return bad(why, "bad sent-protocol");
		p = token(sip_chr_skip_ws(p + 1, e), e, &via->version);
		if (!p)
			return bad(why, "bad sent-protocol");
		p = sip_chr_skip_ws(p, e);
		if (p >= e || *p != '/')
			return bad(why, "bad sent-protocol");
		p++;
	}
	p = token(sip_chr_skip_ws(p, e), e, &via->transport);
	if (!p)
		return bad(why, "bad transport");
	/* LWS sent-by: the LWS is mandatory */
	q = sip_chr_skip_ws(p, e);
	if (q == p)
		return bad(why, "no whitespace before sent-by");
	p = q;
	q = sip_chr_host(p, e);
	if (!q)
		return bad(why, "bad sent-by host");
	via->host = (struct sip_pl){ p, (size_t)(q - p) };
	p = sip_chr_skip_ws(q, e);
	if (p < e && *p == ':') {
		p = sip_chr_skip_ws(p + 1, e);
		q = sip_chr_digits(p, e, 65535, &port);
		if (!q)
			return bad(why, "bad sent-by port");
		via->port = (struct sip_pl){ p, (size_t)(q - p) };
		via->portn = (uint16_t)port;
		p = q;
	}
	{
		const struct sip_chr_want want[] = {
			{ "branch", 6, &via->branch }, { "received", 8, &via->received },
			{ "rport", 5, &via->rport }, { "maddr", 5, &via->maddr },
			{ "ttl", 3, &via->ttl },
		};

		if (sip_chr_params_get(p, e, want, G_N_ELEMENTS(want)))
			return bad(why, "bad parameter");
	}
	p = sip_chr_skip_ws(p, e);
	if (p == e)
		return 0;
	via->params = (struct sip_pl){ p + 1, (size_t)(e - p - 1) };
	return via_param_check(via, why);
}

int sip_via_decode(struct sip_via *via, struct sip_pl pl)
{
	return sip_via_parse(via, pl, NULL);
}

bool sip_via_branch_is_rfc3261(const struct sip_via *via)
{
	return via && via->branch.l >= 7 && memcmp(via->branch.p, "z9hG4bK", 7) == 0;
}
