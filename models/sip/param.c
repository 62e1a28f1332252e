/*
 * param.c - ";name[=value]" parameter lists (uri-parameters, via-params, generic-params of
 * name-addr headers; RFC 3261 19.1.1, 25.1). The lists were validated when the message was parsed,
 * so these functions only split: LWS around ';' and '=' is skipped, quoted values are kept whole.
 */
#include "config.h"

#include <errno.h>

#include "models/sip/chr.h"
#include "models/sip/msg.h"

/* True for octets that end a parameter name. */
static bool name_stop(char c)
{
	return c == '=' || c == ';' || c == '?' || c == '>' || sip_chr_is(c, SIP_CHR_WS);
}

bool sip_param_next(struct sip_pl params, const char **pos, struct sip_pl *name,
		    struct sip_pl *value)
{
	const char *e;
	const char *p;
	const char *q;

	if (!params.p || !pos || !*pos)
		return false;
	e = params.p + params.l;
	p = *pos;
	for (;;) {
		p = sip_chr_skip_ws(p, e);
		if (p < e && *p == ';') {
			p++;
			continue;
		}
		break;
	}
	if (p >= e)
		return false;
	q = p;
	while (q < e && !name_stop(*q))
		q++;
	if (q == p) {
		*pos = e;       /* not a parameter list after all: stop rather than loop */
		return false;
	}
	*name = (struct sip_pl){ p, (size_t)(q - p) };
	*value = SIP_PL_NULL;
	p = sip_chr_skip_ws(q, e);
	if (p < e && *p == '=') {
		p = sip_chr_skip_ws(p + 1, e);
		if (p < e && *p == '"') {
			q = sip_chr_quoted(p, e);
			if (!q)
				q = e;
		} else {
			q = p;
			while (q < e && *q != ';' && !sip_chr_is(*q, SIP_CHR_WS))
				q++;
		}
		*value = (struct sip_pl){ p, (size_t)(q - p) };
		p = q;
	}
	*pos = p;
	return true;
}

int sip_param_get(struct sip_pl params, const char *name, struct sip_pl *value)
{
	const char *pos = params.p;
	struct sip_pl n;
	struct sip_pl v;

	while (sip_param_next(params, &pos, &n, &v)) {
		if (sip_pl_caseeq_str(n, name)) {
			if (value)
				*value = v.p ? v : (struct sip_pl){ n.p + n.l, 0 };
			return 0;
		}
	}
	return ENOENT;
}

bool sip_param_exists(struct sip_pl params, const char *name)
{
	return sip_param_get(params, name, NULL) == 0;
}
