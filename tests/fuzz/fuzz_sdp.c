/*
 * fuzz_sdp.c - fuzz target for the SDP parser, builder and offer/answer (models/sip/sdp.c).
 *
 * For each input: parse it as an SDP body. When it parses, three properties must hold, and a
 * violation aborts so the fuzzer reports it:
 *   1. build(parsed) succeeds and parses again (what we accept, we can write);
 *   2. build is a fixpoint after one round: build(parse(build(p))) == build(p);
 *   3. an answer built from it with a phone profile builds and parses.
 * Rejections (EBADMSG) are fine; any other error code is a bug.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <glib.h>

#include "models/sip/sdp.h"
#include "tests/fuzz/fuzz.h"

/* Parse text and build it again into a new GString, aborting when either step fails. */
static GString *fuzz_sdp_rebuild(const char *p, size_t n)
{
	struct sip_sdp *sdp = NULL;
	GString *out = g_string_new(NULL);

	if (sip_sdp_parse(&sdp, p, n, NULL, 0) != 0 || sip_sdp_build(sdp, out) != 0)
		abort();
	sip_sdp_free(sdp);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const codecs[] = { "G.711u", "G.711a", "G.729", "G.722" };
	const struct sip_sdp_profile prof = {
		.user = "2001", .sess_id = 1, .sess_version = 1, .addr = "10.0.0.2",
		.audio_port = 30000, .codecs = codecs, .n_codecs = G_N_ELEMENTS(codecs),
		.telephone_event = true, .ptime = 20, .dir = SIP_SDP_SENDRECV,
		.video = true, .video_port = 30002,
		.srtp_key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
	};
	struct sip_sdp *sdp = NULL, *answer = NULL;
	char reason[128];

	/* A GLib critical is a misuse of our API that the fuzzer must report, not log. */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

	int err = sip_sdp_parse(&sdp, (const char *)data, size, reason, sizeof(reason));
	if (err == EBADMSG)
		return 0;
	if (err != 0)
		abort();
	GString *once = g_string_new(NULL);
	if (sip_sdp_build(sdp, once) != 0)
		abort();
	GString *twice = fuzz_sdp_rebuild(once->str, once->len);
	if (!g_string_equal(once, twice))
		abort();
	if (sip_sdp_answer(&answer, sdp, &prof) != 0)
		abort();
	GString *ans = g_string_new(NULL);
	if (sip_sdp_build(answer, ans) != 0)
		abort();
	g_string_free(fuzz_sdp_rebuild(ans->str, ans->len), TRUE);
	g_string_free(ans, TRUE);
	g_string_free(twice, TRUE);
	g_string_free(once, TRUE);
	sip_sdp_free(answer);
	sip_sdp_free(sdp);
	return 0;
}
