/*
 * scenario_profile.c - the built-in phone behaviour profiles and the codec names.
 *
 * A profile is a phone model's habits (lines, registration timing, transport, codecs, how it
 * holds ...). Scenarios name one of these built-ins, define their own in <profiles> (starting
 * from a built-in with base="..."), or write one inline in a <sip-phone>. The built-ins are the
 * small set docs/scenarios.md describes; later, XML files under models/phone/profiles/ will add
 * real phone models in the same vocabulary.
 */
#include "config.h"

#include <string.h>

#include "scenarios/scenario.h"

/* One built-in profile, as constants. */
struct builtin {
	const char *name;
	enum scenario_vendor vendor;
	const char *user_agent;
	unsigned lines;
	int64_t expires_s;
	int64_t refresh_s;               /* 0 = refresh before the granted expiry */
	bool hold_tone;
	enum scenario_codec codecs[3];
	size_t n_codecs;
};

/* The built-ins. "generic": a plain RFC 3261 phone that does what the manual asks (refreshes
   before the granted expiry, holds with sendonly, holds the transferee first). "samsung": a
   Samsung SIP phone (LIC-02 'SIP Phone' licence), G.729 first like the MGI default (facts §1).
   "xlite": the X-Lite softphone of the manual's quick guide, configured as it says (600 s
   re-register, STK-05). "single-line": one line, so it cannot hold a call and make a second
   (the conference case of the manual). */
static const struct builtin builtins[] = {
	{ "generic", SCENARIO_VENDOR_THIRD_PARTY, "ossim generic phone", 2, 600, 0, false,
	  { SCENARIO_CODEC_PCMU, SCENARIO_CODEC_PCMA }, 2 },
	{ "samsung", SCENARIO_VENDOR_SAMSUNG, "Samsung SIP phone (ossim)", 4, 600, 0, true,
	  { SCENARIO_CODEC_G729, SCENARIO_CODEC_PCMU, SCENARIO_CODEC_PCMA }, 3 },
	{ "xlite", SCENARIO_VENDOR_THIRD_PARTY, "X-Lite (ossim)", 2, 600, 600, false,
	  { SCENARIO_CODEC_PCMU, SCENARIO_CODEC_PCMA }, 2 },
	{ "single-line", SCENARIO_VENDOR_THIRD_PARTY, "ossim single-line phone", 1, 600, 0, false,
	  { SCENARIO_CODEC_PCMU }, 1 },
};

/* See scenario.h. */
bool scenario_profile_builtin(const char *name, struct scenario_profile *out)
{
	for (size_t i = 0; name && i < G_N_ELEMENTS(builtins); i++) {
		const struct builtin *b = &builtins[i];

		if (strcmp(b->name, name))
			continue;
		*out = (struct scenario_profile){
			.src_line = 0,
			.name = g_strdup(b->name),
			.vendor = b->vendor,
			.user_agent = g_strdup(b->user_agent),
			.lines = b->lines,
			.expires_ns = b->expires_s * G_GINT64_CONSTANT(1000000000),
			.refresh_granted = b->refresh_s == 0,
			.refresh_ns = b->refresh_s * G_GINT64_CONSTANT(1000000000),
			.transport = SCENARIO_TRANSPORT_UDP,
			.nat_keepalive_ns = 0,
			.dtmf = OS_DM_DTMF_RFC2833,
			.hold = SCENARIO_HOLD_SENDONLY,
			.contact_public = false,
			.srtp = false,
			.hold_before_transfer = true,
			.hold_tone = b->hold_tone,
			.n_codecs = b->n_codecs,
		};
		memcpy(out->codecs, b->codecs, b->n_codecs * sizeof b->codecs[0]);
		return true;
	}
	return false;
}

/* See scenario.h. */
void scenario_profile_clear(struct scenario_profile *p)
{
	g_clear_pointer(&p->name, g_free);
	g_clear_pointer(&p->user_agent, g_free);
}

/* See scenario.h. */
const char *scenario_codec_name(enum scenario_codec c)
{
	static const char *const names[SCENARIO_CODEC_MAX] = {
		[SCENARIO_CODEC_PCMU] = "PCMU", [SCENARIO_CODEC_PCMA] = "PCMA",
		[SCENARIO_CODEC_G729] = "G729", [SCENARIO_CODEC_G723] = "G723",
		[SCENARIO_CODEC_G722] = "G722", [SCENARIO_CODEC_H264] = "H264",
	};

	return (unsigned)c < SCENARIO_CODEC_MAX ? names[c] : "?";
}
