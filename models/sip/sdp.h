/*
 * sdp.h - session descriptions (SDP, RFC 4566) and the offer/answer model (RFC 3264).
 *
 * A phone or the OfficeServ describes its media with a struct sip_sdp: origin (o=), connection
 * address (c=), one entry per m= line with its payload formats (rtpmap, fmtp), ptime, direction
 * and SRTP keys (a=crypto, RFC 4568). sip_sdp_parse() reads a body (bytes with a length, never
 * assumed NUL-terminated) into that struct, sip_sdp_build() writes it back as text with CRLF line
 * ends, and sip_sdp_offer() / sip_sdp_answer() derive descriptions from a phone profile
 * (struct sip_sdp_profile: addresses, ports, an ordered codec list, the direction it wants).
 *
 * The struct owns fixed-size copies of every field (no pointers into the body), so a parsed
 * description outlives the message it came from and a caller can edit it and build it again.
 * Fields longer than the arrays below are rejected as malformed: they are far above anything a
 * phone sends, and a hard bound keeps a hostile body from costing memory.
 */
#ifndef OSSIM_SIP_SDP_H
#define OSSIM_SIP_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define SIP_SDP_MAX_MEDIA 8     /* m= lines in one description */
#define SIP_SDP_MAX_FMTS 24     /* formats on one m= line */
#define SIP_SDP_MAX_CRYPTO 4    /* a=crypto lines on one m= line */
#define SIP_SDP_TOKEN_LEN 64    /* user names, addresses, protocols, codec names */
#define SIP_SDP_TEXT_LEN 256    /* s= text, fmtp parameters, crypto key parameters */

/* Media direction (RFC 3264 5.1, RFC 4566 6). Values are bit sets: bit 0 = we send, bit 1 = we
 * receive, so the answer rule of RFC 3264 6.1 is a bitwise intersection. */
enum sip_sdp_dir {
	SIP_SDP_INACTIVE = 0,
	SIP_SDP_SENDONLY = 1,
	SIP_SDP_RECVONLY = 2,
	SIP_SDP_SENDRECV = 3,
};

enum sip_sdp_media_type {
	SIP_SDP_MEDIA_AUDIO,
	SIP_SDP_MEDIA_VIDEO,
	SIP_SDP_MEDIA_OTHER,    /* application, image (T.38), text...: kept, answered with port 0 */
};

/* One payload format of an m= line. */
struct sip_sdp_codec {
	int pt;                          /* RTP payload type 0..127; -1 = non-RTP format token */
	char name[SIP_SDP_TOKEN_LEN];    /* encoding name (rtpmap, or RFC 3551's static table);
	                                  * "" = dynamic type without rtpmap; the token itself
	                                  * for non-RTP protocols */
	unsigned clock;                  /* clock rate in Hz; 0 = unknown */
	unsigned channels;               /* 0 = not given (means 1 for audio, RFC 4566 6) */
	char fmtp[SIP_SDP_TEXT_LEN];     /* a=fmtp parameters, "" = none */
};

/* One a=crypto line (RFC 4568 9.1): a=crypto:<tag> <suite> <key-params> [<session-params>]. */
struct sip_sdp_crypto {
	unsigned tag;                            /* 0..999999999 (1*9DIGIT) */
	char suite[SIP_SDP_TOKEN_LEN];           /* e.g. AES_CM_128_HMAC_SHA1_80 */
	char key_params[SIP_SDP_TEXT_LEN];       /* inline:<base64 key||salt>[|lifetime][|MKI] */
	char session_params[SIP_SDP_TEXT_LEN];   /* "" = none */
};

struct sip_sdp_media {
	enum sip_sdp_media_type type;
	char type_name[16];              /* as on the wire: audio, video, application, image ... */
	uint16_t port;                   /* 0 = stream rejected or disabled (RFC 3264 6, 8.2) */
	char proto[SIP_SDP_TOKEN_LEN];   /* RTP/AVP, RTP/SAVP, udptl ... */
	size_t n_codecs;
	struct sip_sdp_codec codecs[SIP_SDP_MAX_FMTS];   /* in m= line order = preference order */
	char addr[SIP_SDP_TOKEN_LEN];    /* media-level c= address; "" = use the session's */
	char addrtype[8];                /* IP4 / IP6 for addr */
	unsigned ptime;                  /* a=ptime in ms; 0 = absent */
	bool dir_set;                    /* a direction attribute was given at media level */
	enum sip_sdp_dir dir;            /* valid when dir_set */
	size_t n_crypto;
	struct sip_sdp_crypto crypto[SIP_SDP_MAX_CRYPTO];
};

struct sip_sdp {
	/* o= (RFC 4566 5.2); RFC 3264 8: a new offer in the same session keeps user, id and address
	 * and increments version by one: see sip_sdp_next_version(). */
	char o_user[SIP_SDP_TOKEN_LEN];
	uint64_t sess_id;
	uint64_t sess_version;
	char o_addrtype[8];
	char o_addr[SIP_SDP_TOKEN_LEN];
	char name[SIP_SDP_TEXT_LEN];     /* s=; built as "-" when empty */
	char addr[SIP_SDP_TOKEN_LEN];    /* session-level c= address; "" = none */
	char addrtype[8];
	uint64_t t_start, t_stop;        /* first t= line */
	bool dir_set;                    /* session-level direction attribute given */
	enum sip_sdp_dir dir;
	size_t n_media;
	struct sip_sdp_media media[SIP_SDP_MAX_MEDIA];
};

/* What a phone (or the OfficeServ's media side) offers and accepts. */
struct sip_sdp_profile {
	const char *user;                /* o= username, e.g. the phone's user ID */
	uint64_t sess_id;                /* o= sess-id; the caller draws it from its own stream */
	uint64_t sess_version;           /* o= sess-version for this description */
	const char *addr;                /* IPv4 media address (c=, and o= address) */
	uint16_t audio_port;
	const char *const *codecs;       /* audio codec names in preference order ("G.711u", ...) */
	size_t n_codecs;
	bool telephone_event;            /* offer/accept RFC 4733 telephone-event (DTMF) */
	int te_pt;                       /* its payload type in offers; 0 = 101 */
	unsigned ptime;                  /* 0 = no a=ptime */
	enum sip_sdp_dir dir;            /* the direction this side wants */
	bool video;                      /* offer/accept H.264 video */
	uint16_t video_port;
	const char *srtp_key;            /* NULL = plain RTP; else the base64 key||salt for
	                                  * AES_CM_128_HMAC_SHA1_80 over RTP/SAVP (RFC 4568) */
};

/* A new zeroed description (g_free it or sip_sdp_free). */
struct sip_sdp *sip_sdp_new(void);

/* Free a description; NULL is fine. */
void sip_sdp_free(struct sip_sdp *sdp);

/* Parse an SDP body of len bytes (no NUL needed). On success *sdpp owns a new description.
 * Errors: EINVAL (NULL argument), EBADMSG (malformed; reason, when given, gets a message with the
 * line number). Unknown attributes are ignored; unknown line types are rejected. */
int sip_sdp_parse(struct sip_sdp **sdpp, const char *buf, size_t len, char *reason,
		  size_t reason_size);

/* sip_sdp_parse() over a GBytes body. Same errors. */
int sip_sdp_parse_bytes(struct sip_sdp **sdpp, GBytes *body, char *reason, size_t reason_size);

/* Append the description as SDP text (CRLF line ends) to out.
 * Errors: EINVAL (NULL argument, or a field that cannot be written: empty o= user or address,
 * a space or control character in a token, CR/LF in text, no formats on an m= line). On error out
 * is left as it was. */
int sip_sdp_build(const struct sip_sdp *sdp, GString *out);

/* sip_sdp_build() into new GBytes (*bodyp). Same errors. */
int sip_sdp_build_bytes(const struct sip_sdp *sdp, GBytes **bodyp);

/* Make sdp the next offer of its session: o= version + 1 (RFC 3264 8). */
void sip_sdp_next_version(struct sip_sdp *sdp);

/* The direction that applies to m= line i: media level, else session level, else sendrecv. */
enum sip_sdp_dir sip_sdp_media_dir(const struct sip_sdp *sdp, size_t i);

/* The connection address that applies to m= line i ("" when none). */
const char *sip_sdp_media_addr(const struct sip_sdp *sdp, size_t i);

/* The answer's direction for an offered one, narrowed by what the answerer wants (RFC 3264 6.1):
 * sendonly -> recvonly, recvonly -> sendonly, inactive -> inactive, sendrecv -> local. */
enum sip_sdp_dir sip_sdp_dir_answer(enum sip_sdp_dir offered, enum sip_sdp_dir local);

/* "sendrecv", "sendonly", "recvonly", "inactive". */
const char *sip_sdp_dir_name(enum sip_sdp_dir dir);

/* True when the description puts its sender's peer on hold: its first active audio stream is
 * sendonly or inactive (RFC 3264 8.4), or has the connection address 0.0.0.0 (RFC 2543). */
bool sip_sdp_is_hold(const struct sip_sdp *sdp);

/* Index of the first audio m= line with a non-zero port, or -1. */
int sip_sdp_first_audio(const struct sip_sdp *sdp);

/* Map a codec name as a phone profile spells it ("G.711u", "PCMU", "g729a", "RFC2833", "H.264")
 * to its RTP encoding: name, clock rate, static payload type (or a customary dynamic one) and
 * default fmtp. Errors: EINVAL (NULL), ENOENT (unknown name). */
int sip_sdp_codec_lookup(const char *name, struct sip_sdp_codec *codec);

/* Build an offer from a profile into *offerp. Errors: EINVAL (NULL field, unknown codec name,
 * no audio codec). */
int sip_sdp_offer(struct sip_sdp **offerp, const struct sip_sdp_profile *prof);

/* Build the answer to offer from a profile into *answerp (RFC 3264 6): one m= line per offered
 * one, in the same order; streams without a common format get port 0. Returns 0 even when every
 * stream is rejected (the caller sends 488 then: see sip_sdp_first_audio()).
 * Errors: EINVAL (NULL, unknown codec name in the profile). */
int sip_sdp_answer(struct sip_sdp **answerp, const struct sip_sdp *offer,
		   const struct sip_sdp_profile *prof);

#endif
