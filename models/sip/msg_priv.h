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

/* sip_addr_decode with flags; on EBADMSG *why (if non-NULL) names the problem. */
int sip_addr_parse(struct sip_addr *addr, struct sip_pl pl, unsigned flags, const char **why);
/* sip_via_decode; on EBADMSG *why (if non-NULL) names the problem. */
int sip_via_parse(struct sip_via *via, struct sip_pl pl, const char **why);

#endif
