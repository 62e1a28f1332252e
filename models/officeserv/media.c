/*
 * media.c - the media path of a call (call_priv.h): where each leg's RTP goes, which pool units
 * that costs, what SDP each phone is given, and the RTP bars of the ladder.
 *
 * The decision, made when the callee is known (before its INVITE or ring):
 * - SIP <-> SIP, both in the server's private network: direct RTP (MGI-02). Each phone gets the
 *   other's c=/m= as the other wrote them; only the o= line is the server's own.
 * - SIP <-> SIP with a public side (PRIV-02, MPS-02), or a caller that is no registered station
 *   (a trunk-like call, CALL-07, which MPS-01 relays like a SIP trunk): one MPS channel; each
 *   phone gets the MP's address (public towards a public phone, PRIV-01) and a relay port.
 * - A 488 from the callee (no common codec) moves the call to two MGI ports that transcode
 *   (MGI-03): the callee is offered the MGI's codecs, the caller answered with its own first one.
 * - SIP <-> TDM: one MGI port (MGI-01); the SIP phone gets the MGI's address and the first codec
 *   it offered that the MGI has.
 * - TDM <-> TDM: nothing to take.
 * An empty pool fails the call with cfg.no_port_status (MGI-09: 503 by default, or 486).
 *
 * Relay ports are a function of the call number, 30000 + 4 * ((call - 1) mod 8000) towards the
 * callee and 2 more towards the caller, so a run is reproducible and 8000 calls can hold relays
 * at once, far above any pool this models (an MGI card has 16 to 64 channels).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "models/officeserv/call_priv.h"
#include "models/sip/sdp.h"

/* MGI-03: what the MGI's DSPs encode and decode, in the order it offers them. */
static const char *const mgi_codecs[] = { "PCMU", "PCMA", "G729" };
#define MGI_N_CODECS (sizeof(mgi_codecs) / sizeof(mgi_codecs[0]))

/* The o= user name of every description the server writes. */
#define MEDIA_O_USER "OfficeServ"

#define MEDIA_PORT_BASE 30000u
#define MEDIA_PORT_SLOTS 8000u

/* The MP's or MGI's address as LEG should see it (PRIV-01). */
const char *os_media_addr(const struct officeserv *os, const struct os_leg *leg, bool mgi)
{
	const char *pub = mgi ? os->public_mgi : os->public_mp;

	if (leg->public && pub[0] != '\0')
		return pub;
	return mgi ? os->mgi : os->mp;
}

/* PRIV-02/PRIV-04 for an address that is no registered station's. */
bool os_media_ip_public(const struct officeserv *os, uint32_t ip)
{
	const struct os_dm *dm = os->dm;

	if ((ip & os->cfg.mask) == (os->cfg.subnet & os->cfg.mask))
		return false;
	for (size_t i = 0; i < dm->n_private_ips; i++)
		if (os_dm_ip_entry_match(&dm->private_ips[i], ip))
			return false;
	return true;
}

/* The media word of SIM_CALL_ANSWERED. */
const char *os_media_name(enum os_media m)
{
	switch (m) {
	case OS_MEDIA_DIRECT: return "direct";
	case OS_MEDIA_MPS: return "mps";
	case OS_MEDIA_MGI:
	case OS_MEDIA_TRANSCODE: return "mgi";
	case OS_MEDIA_TDM: return "tdm";
	case OS_MEDIA_NONE: break;
	}
	return NULL;
}

/* The relay port of C towards its callee (TO_CALLER false) or its caller. */
static uint16_t media_port(const struct os_call *c, bool to_caller)
{
	unsigned slot = (unsigned)((c->id - 1) % MEDIA_PORT_SLOTS);

	return (uint16_t)(MEDIA_PORT_BASE + 4 * slot + (to_caller ? 2 : 0));
}

/* The first active audio stream's first codec name in SDP, or "" (OUT holds SIZE bytes). */
static void media_first_codec(const struct sip_sdp *sdp, char *out, size_t size)
{
	int i = sdp != NULL ? sip_sdp_first_audio(sdp) : -1;

	out[0] = '\0';
	if (i >= 0 && sdp->media[i].n_codecs > 0)
		g_strlcpy(out, sdp->media[i].codecs[0].name, size);
}

/* The first codec SDP offers on its first active audio stream that the MGI has (MGI-01), as the
 * MGI's name for it, or NULL. */
static const char *media_mgi_pick(const struct sip_sdp *sdp)
{
	int i = sdp != NULL ? sip_sdp_first_audio(sdp) : -1;

	if (i < 0)
		return NULL;
	for (size_t k = 0; k < sdp->media[i].n_codecs; k++) {
		const struct sip_sdp_codec *cd = &sdp->media[i].codecs[k];

		for (size_t j = 0; j < MGI_N_CODECS; j++)
			if (g_ascii_strcasecmp(cd->name, mgi_codecs[j]) == 0 &&
			    (cd->clock == 0 || cd->clock == 8000))
				return mgi_codecs[j];
	}
	return NULL;
}

/* Takes N units of pool P for C, counting them in *HELD. */
static bool media_take(struct media_pool *p, unsigned n, unsigned *held)
{
	if (!media_pool_take(p, n))
		return false;
	*held += n;
	return true;
}

/* Decides the media path and takes its units (see call_priv.h). */
uint16_t os_media_route(struct os_call *c, const char **cause)
{
	struct officeserv *os = c->os;
	bool sip_a = c->a.kind == OS_LEG_SIP, sip_b = c->b.kind == OS_LEG_SIP;
	const char *codec;

	*cause = NULL;
	if (!sip_a && !sip_b) {
		c->media = OS_MEDIA_TDM;
		return 0;
	}
	if (sip_a && sip_b) {
		if (c->a.public || c->b.public || c->a.port == NULL) {
			if (!media_take(os->mps_pool, 1, &c->mps_units)) {
				*cause = "mps";         /* MGI-09 */
				return os->cfg.no_port_status;
			}
			c->media = OS_MEDIA_MPS;        /* MPS-01, MPS-02 */
		} else {
			c->media = OS_MEDIA_DIRECT;     /* MGI-02 */
		}
		return 0;
	}
	/* SIP <-> TDM (MGI-01). A TDM caller's SIP callee picks from the MGI's offer later. */
	if (sip_a) {
		codec = media_mgi_pick(c->a.sdp);
		if (codec == NULL) {
			*cause = "rejected";
			return 488;
		}
		g_strlcpy(c->codec_a, codec, sizeof(c->codec_a));
	}
	if (!media_take(os->mgi_pool, 1, &c->mgi_units)) {
		*cause = "mgi";                         /* MGI-09 */
		return os->cfg.no_port_status;
	}
	c->media = OS_MEDIA_MGI;
	return 0;
}

/* MGI-03: two MGI ports instead of direct or relayed RTP. */
uint16_t os_media_transcode(struct os_call *c, const char **cause)
{
	struct officeserv *os = c->os;
	const char *codec = media_mgi_pick(c->a.sdp);

	c->transcode_tried = true;
	if (codec == NULL) {
		*cause = "rejected";            /* the MGI cannot speak the caller's codecs either */
		return 488;
	}
	if (c->mps_units > 0) {
		media_pool_give(os->mps_pool, c->mps_units);
		c->mps_units = 0;
	}
	/* MGI-03 suggestion: one MGI channel per RTP leg. */
	if (!media_take(os->mgi_pool, 2, &c->mgi_units)) {
		*cause = "mgi";
		return os->cfg.no_port_status;
	}
	g_strlcpy(c->codec_a, codec, sizeof(c->codec_a));
	c->media = OS_MEDIA_TRANSCODE;
	*cause = NULL;
	return 0;
}

/* Makes SDP the server's own description towards LEG: o= user, LEG's session id, version 1
 * and the address written towards LEG. */
static void media_origin(struct sip_sdp *sdp, const struct officeserv *os,
			 const struct os_leg *leg)
{
	g_strlcpy(sdp->o_user, MEDIA_O_USER, sizeof(sdp->o_user));
	sdp->sess_id = leg->sess_id;
	sdp->sess_version = 1;
	g_strlcpy(sdp->o_addrtype, "IP4", sizeof(sdp->o_addrtype));
	g_strlcpy(sdp->o_addr, os_media_addr(os, leg, false), sizeof(sdp->o_addr));
}

/* A copy of SDP as the server's description towards LEG (only o= changes). */
static struct sip_sdp *media_copy(const struct sip_sdp *sdp, const struct officeserv *os,
				  const struct os_leg *leg)
{
	struct sip_sdp *n = sip_sdp_new();

	*n = *sdp;
	media_origin(n, os, leg);
	return n;
}

/* Points SDP's first active audio stream at the relay ADDR:PORT; other streams are disabled
 * (port 0), as the relays carry one audio stream. */
static void media_relay(struct sip_sdp *sdp, const char *addr, uint16_t port)
{
	int audio = sip_sdp_first_audio(sdp);

	g_strlcpy(sdp->addr, addr, sizeof(sdp->addr));
	g_strlcpy(sdp->addrtype, "IP4", sizeof(sdp->addrtype));
	for (size_t i = 0; i < sdp->n_media; i++) {
		struct sip_sdp_media *m = &sdp->media[i];

		m->addr[0] = '\0';
		m->addrtype[0] = '\0';
		m->port = (int)i == audio ? port : 0;
	}
}

/* An MGI description for LEG at PORT: an offer of the MGI's codecs (OFFER NULL), or the answer
 * to OFFER with CODEC alone. */
static struct sip_sdp *media_mgi_sdp(const struct os_call *c, const struct os_leg *leg,
				     uint16_t port, const struct sip_sdp *offer, const char *codec)
{
	const char *one[1] = { codec };
	struct sip_sdp_profile prof = {
		.user = MEDIA_O_USER, .sess_id = leg->sess_id, .sess_version = 1,
		.addr = os_media_addr(c->os, leg, true), .audio_port = port,
		.codecs = offer != NULL ? one : mgi_codecs,
		.n_codecs = offer != NULL ? 1 : MGI_N_CODECS,
		.telephone_event = true, .dir = SIP_SDP_SENDRECV,
	};
	struct sip_sdp *sdp = NULL;
	int rc = offer != NULL ? sip_sdp_answer(&sdp, offer, &prof) : sip_sdp_offer(&sdp, &prof);

	return rc == 0 ? sdp : NULL;
}

/* SDP as body bytes (SDP freed), or NULL. */
static GBytes *media_body(struct sip_sdp *sdp)
{
	GBytes *body = NULL;

	if (sdp != NULL && sip_sdp_build_bytes(sdp, &body) != 0)
		body = NULL;
	sip_sdp_free(sdp);
	return body;
}

/* The SDP offer of our INVITE to the callee. */
GBytes *os_media_offer(struct os_call *c)
{
	struct sip_sdp *sdp = NULL;

	switch (c->media) {
	case OS_MEDIA_DIRECT:
		if (c->a.sdp != NULL)
			sdp = media_copy(c->a.sdp, c->os, &c->b);
		break;
	case OS_MEDIA_MPS:
		if (c->a.sdp != NULL) {
			sdp = media_copy(c->a.sdp, c->os, &c->b);
			media_relay(sdp, os_media_addr(c->os, &c->b, false), media_port(c, false));
		}
		break;
	case OS_MEDIA_MGI:
	case OS_MEDIA_TRANSCODE:
		sdp = media_mgi_sdp(c, &c->b, media_port(c, false), NULL, NULL);
		break;
	case OS_MEDIA_TDM:
	case OS_MEDIA_NONE:
		break;
	}
	return media_body(sdp);
}

/* Keeps the callee's SDP answer and its codec. */
int os_media_answer(struct os_call *c, const struct sip_msg *resp)
{
	struct sip_pl body = sip_msg_body(resp);
	struct sip_sdp *sdp = NULL;

	if (body.l == 0 || sip_sdp_parse(&sdp, body.p, body.l, NULL, 0) != 0)
		return EPROTO;
	if (sip_sdp_first_audio(sdp) < 0) {
		sip_sdp_free(sdp);
		return EPROTO;
	}
	sip_sdp_free(c->b.sdp);
	c->b.sdp = sdp;
	media_first_codec(sdp, c->codec_b, sizeof(c->codec_b));
	/* Relayed or direct RTP is one codec end to end; the MGI chose A's already. */
	if (c->media == OS_MEDIA_DIRECT || c->media == OS_MEDIA_MPS)
		g_strlcpy(c->codec_a, c->codec_b, sizeof(c->codec_a));
	return 0;
}

/* The SDP answer of our 2xx to the caller. */
GBytes *os_media_answer_caller(struct os_call *c)
{
	struct sip_sdp *sdp = NULL;

	if (c->a.sdp == NULL)
		return NULL;
	switch (c->media) {
	case OS_MEDIA_DIRECT:
		if (c->b.sdp != NULL)
			sdp = media_copy(c->b.sdp, c->os, &c->a);
		break;
	case OS_MEDIA_MPS:
		if (c->b.sdp != NULL) {
			sdp = media_copy(c->b.sdp, c->os, &c->a);
			media_relay(sdp, os_media_addr(c->os, &c->a, false), media_port(c, true));
		}
		break;
	case OS_MEDIA_TRANSCODE:
		sdp = media_mgi_sdp(c, &c->a, media_port(c, true), c->a.sdp, c->codec_a);
		break;
	case OS_MEDIA_MGI:
		/* The one MGI port faces the SIP side (it is the callee-side port number). */
		sdp = media_mgi_sdp(c, &c->a, media_port(c, false), c->a.sdp, c->codec_a);
		break;
	case OS_MEDIA_TDM:
	case OS_MEDIA_NONE:
		break;
	}
	return media_body(sdp);
}

/* Publishes one segment note of KIND between lanes X and Y. */
static void media_note(struct os_call *c, enum sim_note_kind kind, const char *x, const char *y,
		       const char *codec)
{
	char text[32];

	if (strcmp(codec, "TDM") == 0)
		g_strlcpy(text, "TDM", sizeof(text));
	else
		g_snprintf(text, sizeof(text), "RTP %s", codec[0] != '\0' ? codec : "?");
	sim_trace_note(c->os->sim, kind, x, y, text, 0);
}

/* The segments of C's media path as notes of KIND, caller side first. */
static void media_notes(struct os_call *c, enum sim_note_kind kind)
{
	const char *a = c->a.lane != NULL ? c->a.lane : "?";
	const char *b = c->b.lane != NULL ? c->b.lane : "?";
	const char *mgi = c->os->cfg.mgi_name, *mps = c->os->cfg.mps_name;

	switch (c->media) {
	case OS_MEDIA_DIRECT:
		media_note(c, kind, a, b, c->codec_b);
		break;
	case OS_MEDIA_MPS:
		media_note(c, kind, a, mps, c->codec_a);
		media_note(c, kind, mps, b, c->codec_b);
		break;
	case OS_MEDIA_MGI:
		media_note(c, kind, a, mgi, c->a.kind == OS_LEG_SIP ? c->codec_a : "TDM");
		media_note(c, kind, mgi, b, c->b.kind == OS_LEG_SIP ? c->codec_b : "TDM");
		break;
	case OS_MEDIA_TRANSCODE:
		media_note(c, kind, a, mgi, c->codec_a);
		media_note(c, kind, mgi, b, c->codec_b);
		break;
	case OS_MEDIA_TDM:
		media_note(c, kind, a, b, "TDM");
		break;
	case OS_MEDIA_NONE:
		break;
	}
}

/* MEDIA_UP notes, once per call. */
void os_media_up(struct os_call *c)
{
	if (c->media_up)
		return;
	c->media_up = true;
	media_notes(c, SIM_NOTE_MEDIA_UP);
}

/* MEDIA_DOWN notes for what went up. */
void os_media_down(struct os_call *c)
{
	if (!c->media_up)
		return;
	c->media_up = false;
	media_notes(c, SIM_NOTE_MEDIA_DOWN);
}

/* Pool units back. */
void os_media_release(struct os_call *c)
{
	if (c->mgi_units > 0)
		media_pool_give(c->os->mgi_pool, c->mgi_units);
	if (c->mps_units > 0)
		media_pool_give(c->os->mps_pool, c->mps_units);
	c->mgi_units = 0;
	c->mps_units = 0;
}
