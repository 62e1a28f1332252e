/*
 * scenario.h - a scenario file, loaded and checked: the structs the world is built from.
 *
 * A scenario (XML, schema scenarios/ossim.rng, reference docs/scenarios.md) describes an
 * OfficeServ system with its DM settings, a network of LANs, NAT boundaries and links, the
 * endpoints (SIP phones with behaviour profiles, digital phones, ISDN trunks) and a script of
 * timed user actions. scenario_load parses it with libxml2, validates it against the schema,
 * then checks every value as the OfficeServ would (passwords, unique numbers, references, the
 * model's capacity) and fills the plain C structs below. Nothing of libxml2 leaks out: models
 * read these structs only. Cross references are indices into the arrays of struct scenario
 * (SCENARIO_NONE when absent), so a scenario can be copied or serialised without pointers.
 *
 * Only DM-level limits are load errors. What the OfficeServ refuses at run time (a registration
 * over the licence count, an unlisted address, a wrong password) is a simulated outcome, so a
 * scenario may set it up on purpose.
 *
 * Passwords (DM 2.7.2 and a phone's own) are stored because the simulated phones and registrar
 * need them for digest authentication, but no message or output ever prints one (PWD-04).
 */
#ifndef OSSIM_SCENARIO_H
#define OSSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "models/officeserv/dm.h"

struct osmodel;
struct osmodel_table;

/* An absent index (no CFU destination, no trunk, ...). */
#define SCENARIO_NONE ((size_t)-1)
/* Passwords are 6 to 8 characters (PWD-01); station numbers 2 to 4 digits (docs/assumptions.md). */
#define SCENARIO_PASSWORD_MIN 6
#define SCENARIO_PASSWORD_MAX 8

/* ---- behaviour profiles (a phone model's habits) ---- */

enum scenario_vendor {
	SCENARIO_VENDOR_THIRD_PARTY,     /* needs a '3rd SIP Phone' licence (LIC-02) */
	SCENARIO_VENDOR_SAMSUNG,         /* needs a 'SIP Phone' licence */
};

enum scenario_transport {
	SCENARIO_TRANSPORT_UDP,
	SCENARIO_TRANSPORT_TCP,
	SCENARIO_TRANSPORT_TLS,          /* TLS-01, to the TLS port of DM 5.2.12 */
};


enum scenario_hold {
	SCENARIO_HOLD_SENDONLY,          /* a=sendonly (HOLD-01, RFC 3264 8.4) */
	SCENARIO_HOLD_INACTIVE,          /* a=inactive */
	SCENARIO_HOLD_ZERO_ADDRESS,      /* c=0.0.0.0, the RFC 2543 habit */
};

enum scenario_codec {
	SCENARIO_CODEC_PCMU,
	SCENARIO_CODEC_PCMA,
	SCENARIO_CODEC_G729,
	SCENARIO_CODEC_G723,
	SCENARIO_CODEC_G722,
	SCENARIO_CODEC_H264,             /* video (NEW-03) */
};
#define SCENARIO_CODEC_MAX 6

struct scenario_profile {
	int src_line;                    /* where it was defined; 0 = built in */
	char *name;                      /* built-in, <profiles> name, or "<phone>" for inline */
	enum scenario_vendor vendor;
	char *user_agent;                /* User-Agent header value */
	unsigned lines;                  /* call appearances, 1..8 */
	int64_t expires_ns;              /* expiry asked for in REGISTER */
	bool refresh_granted;            /* true: refresh before the expiry the OS grants */
	int64_t refresh_ns;              /* refresh_granted false: fixed re-register interval */
	enum scenario_transport transport;
	int64_t nat_keepalive_ns;        /* keep-alive interval toward the OS; 0 = none */
	enum os_dm_dtmf dtmf;
	enum scenario_hold hold;
	bool contact_public;             /* Contact carries the public (STUN) address (NATC-02) */
	bool srtp;                       /* offers RTP/SAVP with a=crypto (SRTP-02) */
	bool hold_before_transfer;       /* holds the transferee first (XFER-09) */
	bool hold_tone;                  /* can play hold tone itself (TONE-03/04) */
	enum scenario_codec codecs[SCENARIO_CODEC_MAX];  /* in order of preference */
	size_t n_codecs;                 /* 1.. */
};


/* ---- the network ---- */

struct scenario_lan {
	int src_line;
	char *name;
	uint32_t net, mask;              /* host order; prefix length in prefix */
	unsigned prefix;
	int64_t delay_ns, jitter_ns;     /* one way, host to the LAN's router */
	double loss;                     /* probability a datagram is lost, 0..1 */
};

enum scenario_nat_behaviour {        /* RFC 4787 4.1 mapping / 5 filtering */
	SCENARIO_NAT_ENDPOINT_INDEPENDENT,
	SCENARIO_NAT_ADDRESS_DEPENDENT,
	SCENARIO_NAT_ADDRESS_PORT_DEPENDENT,
};

struct scenario_nat {
	int src_line;
	char *name;
	size_t inside, outside;          /* indices into lans */
	uint32_t public_ip;              /* in the outside LAN's subnet */
	enum scenario_nat_behaviour mapping;    /* default endpoint-independent (REQ-1) */
	enum scenario_nat_behaviour filtering;  /* default address-port-dependent */
	int64_t binding_timeout_ns;      /* default 120 s (RFC 4787 REQ-5) */
	bool hairpin;                    /* default false (PRIV-03) */
};

struct scenario_link {               /* a router between two LANs, no translation */
	int src_line;
	size_t from, to;
	int64_t delay_ns, jitter_ns;
	double loss;
};

struct scenario_network {
	struct scenario_lan *lans;
	size_t n_lans;
	struct scenario_nat *nats;
	size_t n_nats;
	struct scenario_link *links;
	size_t n_links;
};

/* ---- endpoints ---- */

enum scenario_endpoint_kind {
	SCENARIO_EP_SIP_PHONE,
	SCENARIO_EP_DIGITAL_PHONE,
	SCENARIO_EP_ISDN_TRUNK,
};

struct scenario_endpoint {
	int src_line;
	enum scenario_endpoint_kind kind;
	char *name;                      /* unique; the script's `who` */
	char *station;                   /* SIP/digital phone: its Tel Number; trunk: NULL */
	/* SIP phones */
	size_t dm_station;               /* index into system.stations; SCENARIO_NONE if no row */
	size_t lan;                      /* index into network.lans */
	uint32_t ip;
	unsigned port;                   /* local SIP port, default 5060 */
	char *auth_name;                 /* the phone's authorization name (REG-09) */
	char *password;                  /* the phone's password; never printed */
	size_t profile;                  /* index into scenario.profiles */
	/* ISDN trunks */
	unsigned channels;               /* B channels, default 30 */
};

/* ---- the script ---- */

enum scenario_action_kind {
	SCENARIO_ACT_REGISTER,
	SCENARIO_ACT_UNREGISTER,
	SCENARIO_ACT_DIAL,
	SCENARIO_ACT_ANSWER,
	SCENARIO_ACT_REJECT,
	SCENARIO_ACT_HANG_UP,
	SCENARIO_ACT_HOLD,
	SCENARIO_ACT_RESUME,
	SCENARIO_ACT_TRANSFER,
	SCENARIO_ACT_DTMF,
};

struct scenario_action {
	int src_line;
	enum scenario_action_kind kind;
	int64_t at_ns;                   /* simulated time, < duration */
	size_t who;                      /* index into endpoints */
	unsigned line;                   /* the phone's line (1..lines); 0 = the phone chooses */
	char *digits;                    /* dial/transfer/dtmf; NULL otherwise */
	char *cli;                       /* dial on a trunk: calling number, or NULL */
	unsigned code;                   /* reject: the final response, default 486 */
	bool attended;                   /* transfer: attended (true) or blind */
};

/* ---- the scenario ---- */

struct scenario {
	char *file;                      /* the path it was loaded from */
	char *name;
	char *description;               /* or NULL */
	uint64_t seed;                   /* default 1 */
	int64_t duration_ns;             /* the simulated end time, > 0 */
	struct osmodel_table *models;    /* owned: the os-models.xml it was checked against */
	struct scenario_profile *profiles;   /* built-in ones used, <profiles>, inline ones */
	size_t n_profiles;
	struct os_dm system;
	struct scenario_network network;
	struct scenario_endpoint *endpoints; /* in file order */
	size_t n_endpoints;
	struct scenario_action *actions;     /* sorted by time, file order among equal times */
	size_t n_actions;
};

/* Error domain of scenario_load: codes ENOENT (unreadable), EBADMSG (not well-formed XML or
 * schema), EINVAL (bad values). */
#define SCENARIO_ERROR (scenario_error_quark())
GQuark scenario_error_quark(void);

/* Loads and checks the scenario file PATH. DATADIR holds scenarios/ossim.rng and
 * models/os-models.xml; NULL = the default (osmodel_data_path). Returns NULL and sets ERR when
 * anything is wrong: its message holds one "FILE:LINE: what was wrong, what was expected" line
 * per problem found (sorted by line, at most 50), never a password. */
struct scenario *scenario_load(const char *path, const char *datadir, GError **err);
void scenario_free(struct scenario *s);

/* Finds an endpoint by name; SCENARIO_NONE if there is none. */
size_t scenario_endpoint_find(const struct scenario *s, const char *name);
/* Finds a DM 2.7.2 row by Tel Number; SCENARIO_NONE if there is none. */
size_t scenario_station_find(const struct scenario *s, const char *tel);

/* Built-in behaviour profiles ("generic", "samsung", "xlite", "single-line"). Returns false if
 * NAME is none of them; otherwise fills OUT (strings are new: free with
 * scenario_profile_clear). */
bool scenario_profile_builtin(const char *name, struct scenario_profile *out);
/* Frees the strings of P (not P itself). */
void scenario_profile_clear(struct scenario_profile *p);
/* The name of a codec as written in scenarios and SDP rtpmap ("PCMU", "G729" ...). */
const char *scenario_codec_name(enum scenario_codec c);

/* Parses a time: a decimal number and a unit (ns, us, ms, s, min, h), e.g. "12.5s", "300ms",
 * exactly, into nanoseconds. Returns 0, or EINVAL for anything else (no unit, negative,
 * more than 9 fractional digits, overflow). */
int scenario_time_parse(const char *s, int64_t *ns);

/* `ossim validate FILE...`: argv[0] is "validate". Prints "FILE: ok" per valid file on stdout and
 * every problem on stderr. Returns 0 if all files are valid, 2 otherwise or on bad usage. */
int scenario_validate_main(int argc, char **argv);

#endif
