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

enum scenario_dtmf {
	SCENARIO_DTMF_RFC2833,           /* RTP telephone-event (DTMF-02) */
	SCENARIO_DTMF_INFO,              /* SIP INFO per digit (DTMF-03) */
	SCENARIO_DTMF_NONE,              /* profiles only: the phone sends no DTMF */
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
	enum scenario_dtmf dtmf;
	enum scenario_hold hold;
	bool contact_public;             /* Contact carries the public (STUN) address (NATC-02) */
	bool srtp;                       /* offers RTP/SAVP with a=crypto (SRTP-02) */
	bool hold_before_transfer;       /* holds the transferee first (XFER-09) */
	bool hold_tone;                  /* can play hold tone itself (TONE-03/04) */
	enum scenario_codec codecs[SCENARIO_CODEC_MAX];  /* in order of preference */
	size_t n_codecs;                 /* 1.. */
};

/* ---- the system: OfficeServ model and DM settings ---- */

enum scenario_card_type {
	SCENARIO_CARD_SIP_STN,           /* SIP station ports (VC-01) */
	SCENARIO_CARD_WIRED_ITP,         /* Samsung IP phones, wired */
	SCENARIO_CARD_WIRELESS_ITP,      /* Samsung IP phones, WLAN */
};

struct scenario_vcard {              /* DM 6.3.2 Virtual Card Change, one row */
	int src_line;
	unsigned cabinet, slot;
	enum scenario_card_type type;
	unsigned ports;                  /* virtual ports of the card */
};

struct scenario_mgi_card {           /* an installed MGI/OAS card type and how many */
	int src_line;
	char *type;                      /* a card type of os-models.xml ("MGI16") */
	unsigned count;
	unsigned channels;               /* per card, from os-models.xml */
};

enum scenario_tone { SCENARIO_TONE_SYSTEM, SCENARIO_TONE_PHONE };       /* TONE-01 */
enum scenario_itt {                                                       /* ITP-01 */
	SCENARIO_ITT_NONE, SCENARIO_ITT_INCOMING, SCENARIO_ITT_OUTGOING
};
enum scenario_natcheck { SCENARIO_NATCHECK_IP, SCENARIO_NATCHECK_IP_PORT }; /* NATC-02/03 */

struct scenario_station {            /* DM 2.7.2 SIP Phone Information, one SIP port */
	int src_line;
	char *tel;                       /* Tel Number, 2-4 digits, unique (UID-03) */
	char *user_id;                   /* authentication name, never blank (UID-04) */
	char *password;                  /* 6-8 characters (PWD-01..04); never printed */
	enum scenario_tone tone_source;  /* default system (TONE-01) */
	bool call_waiting;               /* has no effect (CW-01); default false */
	char *cfu;                       /* CFU destination, a station number; NULL = none
					    (CFU-01/02) */
	enum scenario_dtmf dtmf;         /* RFC2833 or INFO; default RFC2833 (DTMF-02) */
	char *insert_trunk_port;         /* digits or NULL (ITP-01) */
	enum scenario_itt insert_trunk_type;
	enum scenario_natcheck nat_check;  /* default IP (NATC-02) */
	bool use_white_list;             /* default true (WL-01) */
};

enum scenario_comm_exclusive { SCENARIO_COMM_RESPONSE, SCENARIO_COMM_NO_RESPONSE }; /* SEC-01 */

struct scenario_sip_options {        /* DM 5.2.12 SIP Stack/Ext/Trunk Options */
	int src_line;                    /* 0 = the element is absent: all defaults */
	unsigned signal_port;            /* 5060 (STK-02) */
	unsigned ipums_port;             /* 5070 (STK-03) */
	int64_t expire_ns;               /* SIP Expire Time, 600 s (STK-04) */
	int64_t nat_reg_expire_ns;       /* NAT Reg Expire Time, 60 s (STK-06) */
	enum scenario_comm_exclusive comm_exclusive;  /* Response (SEC-01) */
	int64_t common_block_ns;         /* Common MSG Block Timer, 600 s (SEC-06) */
	int64_t register_block_ns;       /* Register MSG Block Timer, 60 s (SEC-05) */
	unsigned register_retry_limit;   /* 2 (SEC-04) */
	bool tls;                        /* TLS enabled; default false (assumed field, CAP-02) */
	unsigned tls_port;               /* 5061, TCP (TLS-03) */
	bool connection_reuse;           /* true (TLS-04) */
	bool mutual_tls;                 /* false (TLS-05) */
	bool validate_any_certificate;   /* true (TLS-06) */
};

/* A DM address-table entry (5.2.8, 5.13.10): one host, or a classful network when the entry is
   that network's broadcast address (WL-03, PRIV-04). */
struct scenario_ip_entry {
	int src_line;
	uint32_t ip;                     /* host order, as sim_ip_parse gives it */
	uint32_t net, mask;              /* what it admits: (addr & mask) == net */
};

enum scenario_feature {              /* number-plan features (FC-03) */
	SCENARIO_FEAT_CF_CLEAR,          /* 600 */
	SCENARIO_FEAT_CF_ALL,            /* 601 */
	SCENARIO_FEAT_CF_BUSY,           /* 602 */
	SCENARIO_FEAT_CF_NO_ANSWER,      /* 603 */
	SCENARIO_FEAT_CF_BUSY_NO_ANSWER, /* 604 */
	SCENARIO_FEAT_DND,               /* 40 + 1/0 */
	SCENARIO_FEAT_CONFERENCE,        /* 46 */
	SCENARIO_FEAT_HOLD,              /* 11, park (system hold) */
	SCENARIO_FEAT_HOLD_PICKUP,       /* 12 + station/orbit */
	SCENARIO_FEAT_GROUP_PICKUP,      /* no default */
	SCENARIO_FEAT_DIRECTED_PICKUP,   /* no default */
	SCENARIO_FEAT_MY_GROUP_PICKUP,   /* no default (MYGPICK) */
	SCENARIO_FEAT_CALLBACK,          /* no default */
	SCENARIO_FEAT_CALL_WAITING_OFF,  /* no default */
	SCENARIO_FEAT_VOICE_MAIL,        /* no default */
	SCENARIO_FEAT_AUTH_CODE,         /* no default */
};
#define SCENARIO_FEAT_MAX 16

struct scenario_trunk_access {       /* a trunk access code of the number plan */
	int src_line;
	char *code;
	size_t trunk;                    /* index into endpoints (an ISDN trunk) */
};

struct scenario_number_plan {
	char *feature[SCENARIO_FEAT_MAX];   /* code per feature; NULL = not assigned */
	int feature_line[SCENARIO_FEAT_MAX];/* where set; 0 = default of FC-03 */
	struct scenario_trunk_access *trunk_access;
	size_t n_trunk_access;
};

struct scenario_licence {            /* DM 2.1.4 License Key, as counts */
	int src_line;
	unsigned sip_phone;              /* Samsung SIP phones (LIC-02) */
	unsigned third_party_sip_phone;  /* '3rd SIP Phone' = 'Non Samsung SIP Phone' */
	unsigned mgi;                    /* inbuilt MGI ports (MGI-06) */
};

struct scenario_system {
	int src_line;
	const struct osmodel *model;     /* borrowed from scenario.models */
	unsigned mps_channels;           /* the model's figure unless the scenario overrides it */
	size_t lan;                      /* index into network.lans: where the MP sits */
	uint32_t mp_ip, mgi_ip;          /* mgi_ip = mp_ip when not given (inbuilt MGI) */
	uint32_t public_mp_ip, public_mgi_ip;  /* 0 = Private with Public not used (PRIV-01) */
	struct scenario_mgi_card *mgi_cards;
	size_t n_mgi_cards;
	struct scenario_licence licence;
	struct scenario_station *stations;     /* DM 2.7.2, in file order */
	size_t n_stations;
	struct scenario_ip_entry *private_ips; /* DM 5.2.8 (0.0.0.0 entries dropped) */
	size_t n_private_ips;
	struct scenario_sip_options options;   /* DM 5.2.12 */
	struct scenario_ip_entry *white_list;  /* DM 5.13.10 (0.0.0.0 entries dropped) */
	size_t n_white_list;
	struct scenario_vcard *vcards;         /* DM 6.3.2 */
	size_t n_vcards;
	unsigned sip_stn_ports;                /* sum of the SIP-STN cards' ports */
	struct scenario_number_plan plan;
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
	struct scenario_system system;
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
/* True if the address-table entry E admits IP (WL-03 classful broadcast rule). */
bool scenario_ip_entry_match(const struct scenario_ip_entry *e, uint32_t ip);

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
