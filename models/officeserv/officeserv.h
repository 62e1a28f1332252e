/*
 * officeserv.h - the OfficeServ call server: the registrar of its SIP stations, the B2BUA that
 * sets up every call to and from them, its TDM side (digital phones, ISDN trunk lines), and the
 * resources it hands out (licences, MGI ports, MPS channels).
 *
 * It lives on one simulated host (the MP's address) and talks to phones only in SIP bytes on the
 * DM 5.2.12 Signal Port (STK-02), over UDP and TCP, and TLS on the TLS port when enabled. Its
 * configuration is the DM tables (dm.h), read-only and borrowed for its whole life. The TDM
 * endpoints are wired to it: their user actions arrive through officeserv_tdm_* and show in
 * ladders as notes and signals on their own lanes.
 *
 * Files: officeserv.c (life, transport, dispatch, address blocks), registrar.c (REGISTER,
 * bindings, licences, Access Information), call.c (the B2BUA and media path), tdm.c (digital
 * phones and trunks), views.c (the DM 6.2.3 and 5.2.21 views); os_priv.h joins them.
 */
#ifndef OSSIM_OFFICESERV_H
#define OSSIM_OFFICESERV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "models/officeserv/dm.h"
#include "models/sip/txn.h"
#include "sim/net.h"
#include "sim/sim.h"

struct officeserv;

enum officeserv_tdm_kind {
	OFFICESERV_TDM_DIGITAL_PHONE,    /* a Samsung digital keyset (DGP) on a station port */
	OFFICESERV_TDM_ISDN_TRUNK,       /* an ISDN line: the far end is the public network */
};

/* A TDM endpoint wired to the server. */
struct officeserv_tdm_cfg {
	enum officeserv_tdm_kind kind;
	const char *name;                /* lane name ("DGP", "PRI") */
	const char *station;             /* digital phone: its station number; trunk: NULL */
	unsigned channels;               /* trunk: B channels; digital phone: 1 */
	const char *access_code;         /* trunk: the number-plan access code, or NULL */
};

struct officeserv_cfg {
	const char *name;                /* entity, host and lane: "OfficeServ" */
	struct sim_host *host;           /* the MP, at dm->mp_ip */
	const struct os_dm *dm;          /* borrowed; outlives the server */
	uint32_t subnet, mask;           /* the MP's own LAN (PRIV-02) */
	const char *mgi_name;            /* lane of the MGI ("MGI") */
	const char *mps_name;            /* lane of the MPS ("MPS") */
	const struct officeserv_tdm_cfg *tdm;
	size_t n_tdm;
	struct sip_timers timers;
	/* MGI-09: the answer when a call needs a port that is not free: 503 by default, or 486. */
	uint16_t no_port_status;
};

/* Fills CFG's defaults (names "OfficeServ", "MGI", "MPS"; RFC timers; 503). */
void officeserv_cfg_init(struct officeserv_cfg *cfg);

/* Creates the server entity and opens its transport. NULL (and a g_warning naming why) when the
 * entity name or a port is taken. */
struct officeserv *officeserv_new(struct sim *sim, struct sim_net *net,
				  const struct officeserv_cfg *cfg);
/* Frees everything silently (calls, bindings, transactions, timers). Before sim_net_free. */
void officeserv_free(struct officeserv *os);

/* TDM user actions (digital phones and trunk lines), by endpoint name. Dial on a trunk is a call
 * from the public network to DIGITS with calling number CLI (may be NULL). Returns 0, ENOENT (no
 * such endpoint or no call to answer/clear), EBUSY (every channel in use). */
int officeserv_tdm_dial(struct officeserv *os, const char *name, const char *digits,
			const char *cli);
int officeserv_tdm_answer(struct officeserv *os, const char *name);
int officeserv_tdm_hang_up(struct officeserv *os, const char *name);

/* DM 6.2.3 SIP Phone Status as a text table at the current time (STAT-01..05), one row per DM
 * 2.7.2 port in table order. Never shows a password (PWD-04). */
void officeserv_write_status(const struct officeserv *os, GString *out);
/* DM 5.2.21 Access Information: every logged REGISTER attempt in order (ACC-01..03). */
void officeserv_write_access_log(const struct officeserv *os, GString *out);

struct officeserv_stats {
	uint64_t reg_ok, reg_challenged, reg_failed, reg_blocked, unregistered, expired;
	uint64_t calls_offered, calls_answered, calls_failed;
	uint64_t dropped_blocked;        /* messages dropped from blocked addresses (SEC-05) */
};
struct officeserv_stats officeserv_stats(const struct officeserv *os);
/* Registered SIP stations now. */
unsigned officeserv_registered(const struct officeserv *os);

#endif
