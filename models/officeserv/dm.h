/*
 * dm.h - the OfficeServ's configuration as its Device Manager (DM) screens hold it: licence keys
 * (2.1.4), SIP phone information (2.7.2), private IP addresses (5.2.8), SIP stack options
 * (5.2.12), the phone IP white list (5.13.10), virtual cards (6.3.2), installed MGI cards and
 * the number plan. A technician recognises every field; the catalogue IDs say where each rule
 * comes from. The scenario loader (scenarios/) fills a struct os_dm and checks it; the call
 * server (models/officeserv/) runs from it. Plain data: indices, not pointers, for references
 * (SIZE_MAX = none), so it can be copied freely.
 */
#ifndef OSSIM_OFFICESERV_DM_H
#define OSSIM_OFFICESERV_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct osmodel;

enum os_dm_dtmf {
	OS_DM_DTMF_RFC2833,           /* RTP telephone-event (DTMF-02) */
	OS_DM_DTMF_INFO,              /* SIP INFO per digit (DTMF-03) */
	OS_DM_DTMF_NONE,              /* profiles only: the phone sends no DTMF */
};


enum os_dm_card_type {
	OS_DM_CARD_SIP_STN,           /* SIP station ports (VC-01) */
	OS_DM_CARD_WIRED_ITP,         /* Samsung IP phones, wired */
	OS_DM_CARD_WIRELESS_ITP,      /* Samsung IP phones, WLAN */
};

struct os_dm_vcard {              /* DM 6.3.2 Virtual Card Change, one row */
	int src_line;
	unsigned cabinet, slot;
	enum os_dm_card_type type;
	unsigned ports;                  /* virtual ports of the card */
};

struct os_dm_mgi_card {           /* an installed MGI/OAS card type and how many */
	int src_line;
	char *type;                      /* a card type of os-models.xml ("MGI16") */
	unsigned count;
	unsigned channels;               /* per card, from os-models.xml */
};

enum os_dm_tone { OS_DM_TONE_SYSTEM, OS_DM_TONE_PHONE };       /* TONE-01 */
enum os_dm_itt {                                                       /* ITP-01 */
	OS_DM_ITT_NONE, OS_DM_ITT_INCOMING, OS_DM_ITT_OUTGOING
};
enum os_dm_natcheck { OS_DM_NATCHECK_IP, OS_DM_NATCHECK_IP_PORT }; /* NATC-02/03 */

struct os_dm_station {            /* DM 2.7.2 SIP Phone Information, one SIP port */
	int src_line;
	char *tel;                       /* Tel Number, 2-4 digits, unique (UID-03) */
	char *user_id;                   /* authentication name, never blank (UID-04) */
	char *password;                  /* 6-8 characters (PWD-01..04); never printed */
	enum os_dm_tone tone_source;  /* default system (TONE-01) */
	bool call_waiting;               /* has no effect (CW-01); default false */
	char *cfu;                       /* CFU destination, a station number; NULL = none
					    (CFU-01/02) */
	enum os_dm_dtmf dtmf;         /* RFC2833 or INFO; default RFC2833 (DTMF-02) */
	char *insert_trunk_port;         /* digits or NULL (ITP-01) */
	enum os_dm_itt insert_trunk_type;
	enum os_dm_natcheck nat_check;  /* default IP (NATC-02) */
	bool use_white_list;             /* default true (WL-01) */
};

enum os_dm_comm_exclusive { OS_DM_COMM_RESPONSE, OS_DM_COMM_NO_RESPONSE }; /* SEC-01 */

struct os_dm_sip_options {        /* DM 5.2.12 SIP Stack/Ext/Trunk Options */
	int src_line;                    /* 0 = the element is absent: all defaults */
	unsigned signal_port;            /* 5060 (STK-02) */
	unsigned ipums_port;             /* 5070 (STK-03) */
	int64_t expire_ns;               /* SIP Expire Time, 600 s (STK-04) */
	int64_t nat_reg_expire_ns;       /* NAT Reg Expire Time, 60 s (STK-06) */
	enum os_dm_comm_exclusive comm_exclusive;  /* Response (SEC-01) */
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
struct os_dm_ip_entry {
	int src_line;
	uint32_t ip;                     /* host order, as sim_ip_parse gives it */
	uint32_t net, mask;              /* what it admits: (addr & mask) == net */
};

enum os_dm_feature {              /* number-plan features (FC-03) */
	OS_DM_FEAT_CF_CLEAR,          /* 600 */
	OS_DM_FEAT_CF_ALL,            /* 601 */
	OS_DM_FEAT_CF_BUSY,           /* 602 */
	OS_DM_FEAT_CF_NO_ANSWER,      /* 603 */
	OS_DM_FEAT_CF_BUSY_NO_ANSWER, /* 604 */
	OS_DM_FEAT_DND,               /* 40 + 1/0 */
	OS_DM_FEAT_CONFERENCE,        /* 46 */
	OS_DM_FEAT_HOLD,              /* 11, park (system hold) */
	OS_DM_FEAT_HOLD_PICKUP,       /* 12 + station/orbit */
	OS_DM_FEAT_GROUP_PICKUP,      /* no default */
	OS_DM_FEAT_DIRECTED_PICKUP,   /* no default */
	OS_DM_FEAT_MY_GROUP_PICKUP,   /* no default (MYGPICK) */
	OS_DM_FEAT_CALLBACK,          /* no default */
	OS_DM_FEAT_CALL_WAITING_OFF,  /* no default */
	OS_DM_FEAT_VOICE_MAIL,        /* no default */
	OS_DM_FEAT_AUTH_CODE,         /* no default */
};
#define OS_DM_FEAT_MAX 16

struct os_dm_trunk_access {       /* a trunk access code of the number plan */
	int src_line;
	char *code;
	size_t trunk;                    /* index into endpoints (an ISDN trunk) */
};

struct os_dm_number_plan {
	char *feature[OS_DM_FEAT_MAX];   /* code per feature; NULL = not assigned */
	int feature_line[OS_DM_FEAT_MAX];/* where set; 0 = default of FC-03 */
	struct os_dm_trunk_access *trunk_access;
	size_t n_trunk_access;
};

struct os_dm_licence {            /* DM 2.1.4 License Key, as counts */
	int src_line;
	unsigned sip_phone;              /* Samsung SIP phones (LIC-02) */
	unsigned third_party_sip_phone;  /* '3rd SIP Phone' = 'Non Samsung SIP Phone' */
	unsigned mgi;                    /* inbuilt MGI ports (MGI-06) */
};

struct os_dm {
	int src_line;
	const struct osmodel *model;     /* borrowed from scenario.models */
	unsigned mps_channels;           /* the model's figure unless the scenario overrides it */
	bool mps_channels_set;           /* the scenario gave mps-channels itself */
	size_t lan;                      /* index into network.lans: where the MP sits */
	uint32_t mp_ip, mgi_ip;          /* mgi_ip = mp_ip when not given (inbuilt MGI) */
	uint32_t public_mp_ip, public_mgi_ip;  /* 0 = Private with Public not used (PRIV-01) */
	struct os_dm_mgi_card *mgi_cards;
	size_t n_mgi_cards;
	struct os_dm_licence licence;
	struct os_dm_station *stations;     /* DM 2.7.2, in file order */
	size_t n_stations;
	struct os_dm_ip_entry *private_ips; /* DM 5.2.8 (0.0.0.0 entries dropped) */
	size_t n_private_ips;
	struct os_dm_sip_options options;   /* DM 5.2.12 */
	struct os_dm_ip_entry *white_list;  /* DM 5.13.10 (0.0.0.0 entries dropped) */
	size_t n_white_list;
	struct os_dm_vcard *vcards;         /* DM 6.3.2 */
	size_t n_vcards;
	unsigned sip_stn_ports;                /* sum of the SIP-STN cards' ports */
	struct os_dm_number_plan plan;
};

/* True if the address-table entry E admits IP (WL-03 classful broadcast rule). */
bool os_dm_ip_entry_match(const struct os_dm_ip_entry *e, uint32_t ip);
/* MGI ports the system can use (MGI-06, MGI-07, MGI-08): the inbuilt ones, limited by the MGI
 * licence where the model needs it and no card waives it, plus every installed card's channels. */
unsigned os_dm_mgi_ports(const struct os_dm *dm);
/* SIP stations that may register at once (LIC-04 without the licences): min(SIP-STN ports,
 * CAP-01 capacity, CAP-02 TLS capacity when TLS is on). */
unsigned os_dm_station_capacity(const struct os_dm *dm);

#endif
