/*
 * call_priv.h - the inside of call control, shared by call.c (the B2BUA: legs, transactions,
 * dialogs, TDM signals, the call's life) and media.c (the media path: MGI ports, MPS channels,
 * the SDP each leg gets, the RTP bars of the ladder). Nothing outside those two files includes
 * it; the rest of the server sees calls only through the os_call_* functions of os_priv.h.
 *
 * A call is two legs: A, the caller, and B, the callee. A SIP leg is one dialog with one phone
 * (the server is UAS on A and UAC on B); a TDM leg is a digital phone or one B channel of an
 * ISDN trunk and exchanges no SIP, only ladder notes.
 */
#ifndef OSSIM_OFFICESERV_CALL_PRIV_H
#define OSSIM_OFFICESERV_CALL_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "models/officeserv/os_priv.h"
#include "models/sip/build.h"

struct sip_dialog;
struct sip_sdp;

enum os_leg_kind {
	OS_LEG_NONE,                     /* B before routing found a callee */
	OS_LEG_SIP,
	OS_LEG_TDM,
};

/* One side of a call. */
struct os_leg {
	enum os_leg_kind kind;
	char *lane;                      /* ladder lane (host or TDM endpoint name); NULL = unknown */
	char *number;                    /* the number it stands for (From user towards the other
					    side): station, CLI, or "anonymous" */
	bool gone;                       /* its endpoint already left: signal nothing more to it */

	/* SIP */
	struct os_port *port;            /* the station, or NULL (a trunk-like caller, CALL-07) */
	bool holds_port;                 /* port->call may point at this call */
	bool public;                     /* behind a NAT or outside the network (PRIV-02, MPS-02) */
	struct sim_addr dst;             /* where requests we originate go (NATC-01) */
	enum sim_net_proto proto;
	char tag[SIP_TAG_SIZE];          /* our From (B) or To (A) tag */
	uint64_t sess_id;                /* our o= session id on this leg */
	struct sip_sdp *sdp;             /* what the phone described: A's offer, B's answer */
	struct sip_strans *st;           /* A: its INVITE's server transaction until our final */
	struct sip_ctrans *ct;           /* B: our INVITE's client transaction until its final */
	bool provisional;                /* B: a 1xx came, so a CANCEL may go (RFC 3261 9.1) */
	bool cancel_pending;             /* B: cancel as soon as a 1xx comes */
	uint32_t cseq;                   /* B: CSeq of our (last) INVITE */
	char call_id[SIP_CALLID_SIZE];   /* B: the Call-ID of our INVITEs */
	struct sip_dialog *dlg;          /* once confirmed (A: our 2xx; B: its 2xx) */
	GBytes *ack;                     /* B: the ACK of its 2xx, sent again for retransmissions */

	/* TDM */
	struct os_tdm *tdm;
	bool seized;                     /* holds the phone or one B channel */
	bool signalled;                  /* B: rung, or SETUP sent: it must hear the clearing */
	bool answered;                   /* B: the TDM callee went off-hook / sent CONNECT */
	bool linger;                     /* A: a digital phone off-hook after its call failed: it
					    stays busy until hook on */
};

enum os_call_state {
	OS_CALL_SETUP,                   /* routed; the callee is being reached */
	OS_CALL_CONNECTING,              /* the callee answered; our 2xx to A waits for its ACK */
	OS_CALL_ACTIVE,                  /* the conversation */
	OS_CALL_CLEARING,                /* A has its answer; B's INVITE is still being cancelled */
	OS_CALL_ENDED,                   /* over; only lingering digital phones keep it */
};

enum os_media {
	OS_MEDIA_NONE,                   /* not decided yet */
	OS_MEDIA_DIRECT,                 /* RTP phone to phone (MGI-02) */
	OS_MEDIA_MPS,                    /* relayed by one MPS channel (MPS-01, MPS-02) */
	OS_MEDIA_MGI,                    /* SIP <-> TDM through one MGI port (MGI-01) */
	OS_MEDIA_TRANSCODE,              /* SIP <-> SIP through two MGI ports (MGI-03) */
	OS_MEDIA_TDM,                    /* TDM <-> TDM: no VoIP resource */
};

struct os_call {
	struct officeserv *os;
	uint64_t id;                     /* 1, 2 ... in offer order */
	enum os_call_state state;
	struct os_leg a, b;              /* caller, callee */
	char *dialled;                   /* the digits as dialled */
	char *diverted;                  /* CFU: the station that forwarded the call, else NULL */
	bool alerted, answered;          /* ALERTING / ANSWERED published */
	struct sim_timer timer;          /* CLEARING: the wait for the cancelled INVITE's end */

	/* media (media.c) */
	enum os_media media;
	unsigned mgi_units, mps_units;   /* pool units held */
	char codec_a[16], codec_b[16];   /* the codec each leg's RTP uses */
	bool transcode_tried;            /* MGI-03: the retry with the MGI's codecs was made */
	bool media_up;                   /* MEDIA_UP notes published */
};

/* ---- media.c ---- */

/* The address the server writes towards LEG (PRIV-01): the MP's (MGI false) or the MGI's,
 * public when the leg is public and a public address is configured. */
const char *os_media_addr(const struct officeserv *os, const struct os_leg *leg, bool mgi);
/* PRIV-02/PRIV-04 for a SIP endpoint that is no registered station: IP is outside the MP's
 * subnet and not listed in DM 5.2.8. */
bool os_media_ip_public(const struct officeserv *os, uint32_t ip);
/* The media name of SIM_CALL_ANSWERED: "direct", "mgi", "mps", "tdm"; NULL before it is known. */
const char *os_media_name(enum os_media m);
/*
 * Decides C's media path now that both legs are known (MGI-01..03, MPS-01/02) and takes the
 * MGI ports or MPS channel it needs. Returns 0, or the status to fail the call with and
 * *CAUSE: cfg.no_port_status with "mgi" or "mps" (MGI-09), 488 with "rejected" when a SIP side
 * offers no codec the MGI has.
 */
uint16_t os_media_route(struct os_call *c, const char **cause);
/* MGI-03: B refused A's codecs (488); move C to two MGI ports that transcode. Returns 0 (send
 * the INVITE again with os_media_offer) or the status and *CAUSE to fail with. */
uint16_t os_media_transcode(struct os_call *c, const char **cause);
/* The SDP body of our INVITE to B (a SIP callee). NULL when it cannot be built. */
GBytes *os_media_offer(struct os_call *c);
/* Takes B's SDP answer from RESP (its 2xx). Returns 0, or EPROTO when it has no usable audio. */
int os_media_answer(struct os_call *c, const struct sip_msg *resp);
/* The SDP body of our 2xx to A (a SIP caller). NULL when it cannot be built. */
GBytes *os_media_answer_caller(struct os_call *c);
/* Publishes the MEDIA_UP notes of C's path (once) / the matching MEDIA_DOWN notes. */
void os_media_up(struct os_call *c);
void os_media_down(struct os_call *c);
/* Gives C's pool units back (idempotent). */
void os_media_release(struct os_call *c);

#endif
