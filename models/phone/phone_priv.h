/*
 * phone_priv.h - what the two halves of the virtual phone share: phone.c (the entity, its
 * configuration, registration and the dispatch of what the transport receives) and phone_call.c
 * (the call appearances: outgoing and incoming INVITE dialogs). Nothing outside models/phone/
 * includes this file.
 */
#ifndef OSSIM_PHONE_PRIV_H
#define OSSIM_PHONE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "models/phone/phone.h"
#include "models/sip/auth.h"
#include "models/sip/build.h"
#include "models/sip/dialog.h"
#include "models/sip/msg.h"
#include "models/sip/sdp.h"
#include "models/sip/transport.h"
#include "models/sip/txn.h"
#include "sim/net.h"
#include "sim/sim.h"

/* Where a call appearance is. */
enum phone_call_state {
	PHONE_CALL_IDLE,        /* the line is free */
	PHONE_CALL_CALLING,     /* outgoing: INVITE sent, no provisional response yet */
	PHONE_CALL_EARLY,       /* outgoing: a provisional response came (early dialog if tagged) */
	PHONE_CALL_CANCELLING,  /* outgoing: CANCEL sent, waiting for the INVITE's final response */
	PHONE_CALL_RINGING,     /* incoming: 180 sent, waiting for answer or reject */
	PHONE_CALL_ACTIVE,      /* a confirmed dialog (either direction) */
};

/* One call appearance ("line"). */
struct phone_call {
	struct phone *p;
	unsigned line;                  /* 1..lines */
	enum phone_call_state state;
	bool outgoing;
	bool cancel_pending;            /* hung up before any provisional: CANCEL on the first one
					   (RFC 3261 9.1 forbids a CANCEL before it) */
	bool bye_pending;               /* hung up before the ACK of our 2xx: BYE when it comes
					   or the wait ends (RFC 3261 15) */
	struct sip_ctrans *inv_ct;      /* our INVITE's transaction (a reference) or NULL */
	struct sim_addr inv_dst;        /* where the INVITE went (the CANCEL follows it) */
	struct sip_strans *inv_st;      /* the incoming INVITE while ringing (a reference) or NULL */
	struct sip_dialog *dlg;         /* NULL until a tagged 1xx/2xx (UAC) or our 180 (UAS) */
	GBytes *ack;                    /* our ACK for the 2xx, resent for a retransmitted 2xx */
	struct sim_addr ack_dst;
	struct sip_sdp *offer;          /* the incoming INVITE's offer until answered, or NULL */
	char tag[SIP_TAG_SIZE];         /* UAS: our To tag */
	uint64_t sess_id, sess_version; /* o= of the descriptions we send in this call */
	struct sim_timer t_cancel;      /* 64*T1 after CANCEL with no final answer (9.1) */
};

struct phone {
	struct sim_entity ent;          /* name = cfg.name */
	struct sim *sim;
	struct sim_net *net;
	struct phone_cfg cfg;           /* strings point to the copies below; password NULL */
	char *name, *domain, *tel, *user_agent;
	char *codecs[PHONE_MAX_CODECS];
	struct sip_auth_creds *creds;   /* the only place the password lives */
	struct sip_transport *tp;
	char ip[16];                    /* the host's address as text */
	const char *via_proto;          /* "UDP", "TCP", "TLS" */
	char ua_tag[SIP_TAG_SIZE];      /* To tag of final answers outside any dialog */

	/* registration (RFC 3261 10.2): one Call-ID and From tag for the phone's life */
	char reg_callid[SIP_CALLID_SIZE];
	char reg_tag[SIP_TAG_SIZE];
	uint32_t reg_cseq;              /* the last CSeq used */
	struct sip_ctrans *reg_ct;      /* the REGISTER in flight (a reference) or NULL */
	bool reg_unregister;            /* the attempt in flight asks Expires: 0 */
	bool reg_auth_sent;             /* ... and already carried credentials */
	char *reg_contact;              /* ... the Contact URI it carries */
	char *bound_contact;            /* the Contact URI of the last 200 OK, NULL if none */
	bool registered;                /* a 200 OK to a REGISTER is in force until reg_until */
	int64_t reg_until;
	int64_t granted;                /* the last granted expiry, 0 if none */
	char nonce[SIP_AUTH_FIELD_LEN]; /* the last nonce answered, and its count */
	uint32_t nc;
	bool learnt;                    /* public address learnt from Via received/rport */
	uint32_t pub_ip;
	uint16_t pub_port;
	bool relearn_done;              /* the one re-registration with the learnt Contact */
	struct sim_timer t_refresh;
	struct sim_timer t_keepalive;

	struct phone_call calls[PHONE_MAX_LINES];
	struct phone_stats stats;
};

/* ---- phone.c: helpers the call half uses */

/* The phone's RNG stream (every identifier comes from it). */
gsl_rng *phone_rng(struct phone *p);
/* Publishes a SIM_NOTE_ACTION note with TEXT on the phone's lane. */
void phone_note(struct phone *p, const char *text);
/* The Contact URI the phone uses now (the learnt public address with contact_public). New
 * string: g_free it. */
char *phone_contact_uri(const struct phone *p);
/* The media address for SDP: the learnt public IP with contact_public, else the host's. */
void phone_media_addr(const struct phone *p, char out[16]);
/* The top Via of a request the phone sends, with a new branch in BRANCH. */
void phone_via(struct phone *p, struct sip_dialog_via *via, char branch[SIP_BRANCH_SIZE]);
/* Adds Allow, Supported and User-Agent. */
void phone_build_ua_hdrs(const struct phone *p, struct sip_build *b);
/* The address a URI (or a name-addr in <>) names: its host when that is a dotted IPv4 address,
 * with its port or the scheme's default; the registrar otherwise, and over TCP/TLS also when
 * the host is the registrar's (its connection is reused). */
struct sim_addr phone_resolve(const struct phone *p, const char *uri);
/* Answers ST with CODE (To tag TAG or, when NULL, the phone's own), Contact for 1xx/2xx.
 * Returns sip_strans_reply's code. */
int phone_reply(struct phone *p, struct sip_strans *st, uint16_t code, const char *tag);

/* ---- phone_call.c */

/* Prepares the call appearances of P (all idle). */
void phone_call_init_all(struct phone *p);
/* Ends every call silently (phone_free). */
void phone_call_free_all(struct phone *p);
unsigned phone_call_active(const struct phone *p);
/* User actions (see phone.h). */
int phone_call_dial(struct phone *p, const char *digits, unsigned line);
int phone_call_answer(struct phone *p, unsigned line);
int phone_call_reject(struct phone *p, unsigned line, uint16_t code);
int phone_call_hang_up(struct phone *p, unsigned line);
/* Requests the transport hands over: INVITE, CANCEL, BYE, and an ACK without a transaction. */
void phone_call_on_invite(struct phone *p, struct sip_strans *st, const struct sip_msg *req);
void phone_call_on_cancel(struct phone *p, struct sip_strans *st);
void phone_call_on_bye(struct phone *p, struct sip_strans *st, const struct sip_msg *req);
void phone_call_on_ack(struct phone *p, const struct sip_msg *ack);
/* A response no transaction matched (a retransmitted 2xx to our INVITE: ACK it again). */
void phone_call_on_stray(struct phone *p, const struct sip_msg *resp);

#endif
