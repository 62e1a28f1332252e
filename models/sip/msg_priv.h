/*
 * msg_priv.h - what the message parser shares with the value parsers of models/sip (name-addr,
 * Via): variants that also say why a value is malformed, for `ossim sip lint` and parse errors.
 * Private to models/sip.
 */
#ifndef OSSIM_SIP_MSG_PRIV_H
#define OSSIM_SIP_MSG_PRIV_H

#include "models/sip/msg.h"

/* sip_addr_parse flags */
#define SIP_ADDR_CONTACT 0x1u   /* accept the wildcard "*" */
#define SIP_ADDR_NAMEADDR 0x2u  /* require the name-addr form (<uri>): Route, Record-Route */

/* Clears a URI field by field (what sip_uri_decode starts with): a memset of the struct compiles
 * to `rep stos`, whose start-up cost would be paid for every URI of every message. */
static inline void sip_uri_clear(struct sip_uri *uri, struct sip_pl raw)
{
	uri->raw = raw;
	uri->scheme = SIP_PL_NULL;
	uri->scheme_id = SIP_URI_OTHER;
	uri->opaque = SIP_PL_NULL;
	uri->user = SIP_PL_NULL;
	uri->password = SIP_PL_NULL;
	uri->host = SIP_PL_NULL;
	uri->port = SIP_PL_NULL;
	uri->portn = 0;
	uri->params = SIP_PL_NULL;
	uri->headers = SIP_PL_NULL;
}

/* sip_addr_decode with flags; on EBADMSG *why (if non-NULL) names the problem. */
int sip_addr_parse(struct sip_addr *addr, struct sip_pl pl, unsigned flags, const char **why);
/* sip_via_decode; on EBADMSG *why (if non-NULL) names the problem. */
int sip_via_parse(struct sip_via *via, struct sip_pl pl, const char **why);

#endif
