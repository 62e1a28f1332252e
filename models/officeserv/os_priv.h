/*
 * os_priv.h - the inside of the OfficeServ model, shared by its files (see officeserv.h for the
 * split). Nothing outside models/officeserv/ includes this.
 */
#ifndef OSSIM_OFFICESERV_PRIV_H
#define OSSIM_OFFICESERV_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "models/media/pool.h"
#include "models/officeserv/officeserv.h"
#include "models/sip/auth.h"
#include "models/sip/msg.h"
#include "models/sip/transport.h"

struct os_call;

/* ---- registrar (registrar.c) ---- */

enum os_port_status {
	OS_PORT_DISCONNECTED,            /* never registered (STAT-03: 'Disconnected') */
	OS_PORT_REGISTERED,
	OS_PORT_NOT_REGISTERED,          /* registered once; failed, expired or unregistered since */
};

/* One SIP station port (a DM 2.7.2 row) with its registration binding (REG-01). */
struct os_port {
	struct officeserv *os;
	const struct os_dm_station *st;  /* the DM row (borrowed) */
	char ha1[SIP_AUTH_HEX_LEN];      /* MD5(user_id:realm:password): the password is not kept */
	enum os_port_status status;
	bool samsung;                    /* Phone Type (LIC-02: from User-Agent) */
	struct sim_addr source;          /* packet source of the last registration (after NAT) */
	struct sim_addr contact;         /* host:port of the registered Contact (0 when not IPv4) */
	char *contact_uri;               /* the Contact URI as registered */
	enum sim_net_proto proto;        /* transport of the registration */
	int64_t expires_at;              /* when the binding lapses (STK-04) */
	struct sim_timer expiry;
	bool licence;                    /* holds a licence (LIC-03) */
	struct os_call *call;            /* the call it is in, or NULL (CALL-05: busy) */
};

/* A REGISTER attempt in DM 5.2.21 Access Information (ACC-01). */
struct os_access {
	int64_t time;
	uint32_t ip;
	char *caller_id;                 /* the To user as sent */
	const char *reason;              /* "SIP REGISTER IP/TELNO Invalid" ... (ACC-02) */
};

/* An address under a block (SEC-04, SEC-05) or counting failures towards one. */
struct os_block {
	uint32_t ip;
	unsigned failures;               /* failed attempts since the last success or block */
	char last_branch[64];            /* retransmissions of one attempt count once */
	int64_t until;                   /* blocked until this time; 0 = not blocked */
};

void os_registrar_init(struct officeserv *os);
void os_registrar_fini(struct officeserv *os);
/* A REGISTER (not blocked) with its new server transaction. */
void os_registrar_request(struct officeserv *os, struct sip_strans *st, const struct sip_msg *req,
			  const struct sip_transport_src *src);
/* The port with Tel Number TEL (LEN bytes), or NULL. */
struct os_port *os_port_find(struct officeserv *os, const char *tel, size_t len);
/* Where requests the server originates go for a registered port, as NAT Check says (NATC-01..03):
 * IP -> the Contact address; IP & Port -> the packet source when IP or port differ. */
struct sim_addr os_port_target(const struct os_port *p);
/* The port sits behind a NAT or outside the server's network, so media goes through the MPS
 * (PRIV-02, PRIV-04, MPS-02): its source IP is outside the MP's subnet and not in DM 5.2.8, or
 * its source differs from its Contact. */
bool os_port_public(const struct os_port *p);
/* True while SEC-05 blocks IP; counts and logs nothing. */
bool os_blocked(struct officeserv *os, uint32_t ip);

/* ---- TDM endpoints (tdm.c) ---- */

struct os_tdm {
	struct officeserv_tdm_cfg cfg;   /* strings owned (copied) */
	unsigned busy;                   /* channels in use */
	struct os_call *call;            /* digital phone: its call; trunk: the last one */
};

struct os_tdm *os_tdm_find(struct officeserv *os, const char *name);
struct os_tdm *os_tdm_by_station(struct officeserv *os, const char *tel, size_t len);
/* The trunk whose access code begins DIGITS, or NULL. */
struct os_tdm *os_tdm_by_access_code(struct officeserv *os, const char *digits);

/* ---- calls (call.c) ---- */

void os_call_init(struct officeserv *os);
void os_call_fini(struct officeserv *os);
/* INVITE (initial or re-), BYE, CANCEL, UPDATE, INFO ... that belongs to call control. */
void os_call_request(struct officeserv *os, struct sip_strans *st, const struct sip_msg *req,
		     const struct sip_transport_src *src);
/* An ACK that matched no transaction (the ACK for a 2xx). */
void os_call_ack(struct officeserv *os, const struct sip_msg *ack,
		 const struct sip_transport_src *src);
/* A response no client transaction matched (a 2xx retransmitted: ACK it again, 13.2.2.4). */
void os_call_stray_response(struct officeserv *os, const struct sip_msg *resp,
			    const struct sip_transport_src *src);
/* TDM side: an endpoint dials, answers, hangs up (see officeserv_tdm_*). */
int os_call_tdm_dial(struct officeserv *os, struct os_tdm *t, const char *digits,
		     const char *cli);
int os_call_tdm_answer(struct officeserv *os, struct os_tdm *t);
int os_call_tdm_hang_up(struct officeserv *os, struct os_tdm *t);
/* (A registration that lapses during a call tears nothing down: the dialogs live on, and only
 * later calls route as unregistered.) */

/* ---- the server ---- */

struct officeserv {
	struct sim_entity ent;           /* named cfg.name: entity, host and lane */
	struct sim *sim;
	struct sim_net *net;
	struct officeserv_cfg cfg;       /* strings and tdm array owned (copied) */
	const struct os_dm *dm;
	struct sip_transport *tp;
	char mp[16];                     /* the MP's address as text: realm and URI host */
	char mgi[16];                    /* the MGI's address as text */
	char public_mp[16], public_mgi[16];  /* PRIV-01; "" when not used */

	/* registrar */
	struct os_port *ports;           /* one per DM 2.7.2 row, in table order */
	size_t n_ports;
	struct sip_auth_nonces *nonces;
	GHashTable *blocks;              /* uint32 ip -> struct os_block */
	GPtrArray *access;               /* struct os_access *, in order */
	struct media_pool *lic_samsung;  /* 'SIP Phone' licences (LIC-02) */
	struct media_pool *lic_third;    /* '3rd SIP Phone' licences */
	unsigned capacity;               /* CAP-01/02 and LIC-04: stations that may register */

	/* media */
	struct media_pool *mgi_pool;     /* MGI-08: one pool for the system */
	struct media_pool *mps_pool;     /* MPS-01 */

	/* calls */
	GList *calls;                    /* struct os_call *, oldest first */
	uint64_t next_call;              /* call numbers 1, 2 ... */
	struct os_tdm *tdm;
	size_t n_tdm;

	struct officeserv_stats stats;
};

/* Publishes a SIM_TRACE_CALL point (no-op when nobody listens). */
void os_trace_call(struct officeserv *os, const struct sim_trace_call *c);

#endif
