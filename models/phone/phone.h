/*
 * phone.h - a virtual SIP phone: the user agent (RFC 3261 UAC and UAS) of one SIP station, driven
 * by the user actions of a scenario script and by the SIP it receives.
 *
 * A phone owns a SIP transport (models/sip/transport.h) on its own simulated host and talks only
 * to its registrar/proxy, the OfficeServ, in real SIP bytes (CALL-02). What differs between
 * real phones (User-Agent, lines, expiry asked for, re-registration habit, codecs, NAT keep-alive,
 * whether Contact carries the public address) is its behaviour profile, copied into the config.
 *
 * Registration (REG-04, REG-09): REGISTER sip:<domain> with To/From sip:<tel>@<domain>, one
 * Call-ID for the phone's life and CSeq + 1 each time (RFC 3261 10.2); a 401 is answered once
 * with digest credentials (username = the authorization name) computed from the password, which
 * never leaves the phone otherwise; a second 401 or any other failure ends the attempt (the phone
 * counts it and waits for the next script action or refresh). After a 200 OK the phone refreshes:
 * at 90 % of the expiry the server granted (profile refresh="granted") or at the profile's own
 * fixed interval (STK-05: a phone that refreshes too late is de-registered in between). Every
 * refresh is challenged again (REG-04), so the phone sends no credentials before a 401.
 * With contact_public the phone learns its public address from the received/rport parameters the
 * server stamps on the Via of a response (RFC 3581) and registers that address in Contact.
 *
 * Calls (CALL-01): dial sends one INVITE sip:<digits>@<domain> with the complete number and an
 * SDP offer from the codec list; answer sends 200 OK with the SDP answer; hang up sends BYE on a
 * confirmed call and CANCEL on one still ringing out (RFC 3261 9.1); reject sends the given final
 * response to a ringing call. An incoming INVITE is answered 180 Ringing at once (or 486 Busy Here
 * when every line is in use) and rings until the script answers or rejects it. The phone answers
 * BYE with 200, CANCEL with 200 and 487, OPTIONS with 200, and sends the ACK for a 2xx itself.
 * A call appearance ("line") is numbered 1..lines; 0 in an action means "the phone chooses": the
 * first free line for dial, the ringing one for answer and reject, the active one for hang up.
 *
 * Every user action is published as a SIM_NOTE_ACTION note on the phone's lane ("dial 2002",
 * "answer", "hang up", "reject 603"), so ladders show why a message was sent.
 */
#ifndef OSSIM_PHONE_H
#define OSSIM_PHONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/sip/txn.h"
#include "sim/net.h"
#include "sim/sim.h"

struct phone;

#define PHONE_MAX_CODECS 8
#define PHONE_MAX_LINES 8

enum phone_hold {
	PHONE_HOLD_SENDONLY,
	PHONE_HOLD_INACTIVE,
	PHONE_HOLD_ZERO_ADDRESS,
};

/* Everything a phone needs; strings are copied by phone_new. */
struct phone_cfg {
	const char *name;              /* entity and lane name; the host's name too */
	struct sim_host *host;         /* where it runs (created by the caller) */
	uint16_t port;                 /* local SIP port (UDP and, for TCP/TLS, the Contact port) */
	enum sim_net_proto transport;  /* towards the registrar */
	struct sim_addr registrar;     /* the OfficeServ's address for this transport */
	const char *domain;            /* the MP's IP address as text (REG-09) */
	const char *tel;               /* Tel Number: URI user part (UID-03) */
	const char *auth_name;         /* digest username (UID-04, REG-09) */
	const char *password;          /* never printed */
	/* behaviour profile */
	const char *user_agent;
	unsigned lines;                /* 1..PHONE_MAX_LINES */
	int64_t expires_ns;            /* Expires asked for in REGISTER */
	bool refresh_granted;          /* refresh at 90 % of the granted expiry ... */
	int64_t refresh_ns;            /* ... or at this fixed interval */
	int64_t nat_keepalive_ns;      /* CRLF keep-alive (RFC 5626 3.5.1) to the registrar; 0 none */
	bool contact_public;           /* Contact = the address learnt from Via received/rport */
	bool dtmf_rfc2833;             /* offer telephone-event */
	enum phone_hold hold;
	const char *codecs[PHONE_MAX_CODECS];  /* names as sip_sdp_codec_lookup knows them */
	size_t n_codecs;
	struct sip_timers timers;      /* RFC 3261 T1/T2/T4 */
};

/* Fills CFG with neutral defaults (UDP 5060, 1 line, 3600 s asked, granted refresh, PCMU,
 * RFC timers); the caller sets the rest. */
void phone_cfg_init(struct phone_cfg *cfg);

/* Creates the phone entity on CFG->host (registers the entity under CFG->name and opens its
 * transport). NULL when the name is taken, the port is busy, or CFG is unusable (name, host,
 * domain or tel missing, lines or codecs out of range, a codec sip_sdp_codec_lookup does not
 * know). The phone does nothing until an action is called. */
struct phone *phone_new(struct sim *sim, struct sim_net *net, const struct phone_cfg *cfg);
/* Frees the phone, its calls and its transport, silently. Call before sim_net_free. NULL ok. */
void phone_free(struct phone *p);

/* User actions. Each returns 0 when the phone acted, or an error when the action does not apply
 * now (the caller logs it; nothing is sent): EBUSY (no free line / a REGISTER is in progress),
 * ENOENT (no call on that line in the right state), EINVAL (bad argument). */
int phone_register(struct phone *p);
int phone_unregister(struct phone *p);            /* REGISTER with Expires: 0 */
int phone_dial(struct phone *p, const char *digits, unsigned line);
int phone_answer(struct phone *p, unsigned line);
int phone_reject(struct phone *p, unsigned line, uint16_t code);
int phone_hang_up(struct phone *p, unsigned line);

/* State for tests and metrics. */
bool phone_registered(const struct phone *p);     /* a 200 OK to a REGISTER is in force */
int64_t phone_granted_expiry(const struct phone *p);  /* last granted expiry, 0 if none */
unsigned phone_active_calls(const struct phone *p);   /* lines in use */
struct phone_stats {
	uint64_t reg_ok, reg_failed;      /* final outcomes of REGISTER attempts */
	uint64_t calls_placed, calls_answered, calls_failed;   /* outgoing */
	uint64_t calls_received;          /* incoming INVITEs that rang */
};
struct phone_stats phone_stats(const struct phone *p);
const char *phone_name(const struct phone *p);

#endif
