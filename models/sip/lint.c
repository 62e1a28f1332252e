/*
 * lint.c - the `ossim sip lint` command: parses each file (or stdin for "-") as one SIP message,
 * as a server receiving it in a datagram would, and says whether it is well formed. "invalid"
 * means a server must reject the message as malformed (400) or, for an unknown SIP version, with
 * 505 (RFC 4475 3.1.2.16); a message that is well formed but that an application would refuse
 * (an unknown URI scheme, Max-Forwards 0, an unknown Require option) is "ok".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "models/sip/lint.h"
#include "models/sip/msg.h"

/* Reads all of stdin; NULL with *err set on failure. */
static GBytes *read_stdin(GError **err)
{
	GByteArray *a = g_byte_array_new();
	guint8 chunk[8192];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		g_byte_array_append(a, chunk, (guint)n);
	if (ferror(stdin)) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "%s",
			    g_strerror(errno));
		g_byte_array_unref(a);
		return NULL;
	}
	return g_byte_array_free_to_bytes(a);
}

/* Reads a file (or stdin for "-"); NULL with *err set on failure. */
static GBytes *read_input(const char *path, GError **err)
{
	gchar *data = NULL;
	gsize len = 0;

	if (strcmp(path, "-") == 0)
		return read_stdin(err);
	if (!g_file_get_contents(path, &data, &len, err))
		return NULL;
	return g_bytes_new_take(data, len);
}

/* Lints one file; returns 0 ok, 1 invalid, 2 unreadable. */
static int lint_one(const char *path)
{
	GError *err = NULL;
	GBytes *buf = read_input(path, &err);
	struct sip_msg *msg = NULL;
	char reason[160];
	int rc;

	if (!buf) {
		fprintf(stderr, "ossim sip lint: %s: cannot read: %s\n", path, err->message);
		g_error_free(err);
		return 2;
	}
	rc = sip_msg_parse_ex(&msg, buf, SIP_PARSE_STRICT, reason, sizeof(reason));
	g_bytes_unref(buf);
	if (rc != 0) {
		printf("%s: invalid: %s\n", path, reason);
		return 1;
	}
	if (sip_msg_is_request(msg)) {
		struct sip_pl m = sip_msg_method_name(msg);

		printf("%s: ok %.*s\n", path, (int)m.l, m.p);
	} else {
		printf("%s: ok %u\n", path, (unsigned)sip_msg_status(msg));
	}
	sip_msg_unref(msg);
	return 0;
}

int sip_lint_main(int argc, char **argv)
{
	GOptionContext *ctx;
	GError *err = NULL;
	int worst = 0;
	int i;

	ctx = g_option_context_new("FILE... - check that each file holds one well-formed SIP message");
	g_option_context_set_summary(ctx,
		"Parses each FILE (\"-\" = standard input) as one SIP message, as a server receiving\n"
		"it in a datagram would, and prints \"FILE: ok <METHOD or status code>\" or\n"
		"\"FILE: invalid: <reason>\". Invalid means a server must reject it as malformed.\n"
		"Exit status: 0 all ok, 1 some message invalid, 2 a file could not be read.");
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "ossim sip lint: %s\n", err->message);
		g_error_free(err);
		g_option_context_free(ctx);
		return 2;
	}
	g_option_context_free(ctx);
	if (argc < 2) {
		fprintf(stderr, "usage: ossim sip lint FILE... (\"-\" = standard input)\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		int rc = lint_one(argv[i]);

		if (rc > worst)
			worst = rc;
	}
	fflush(stdout);
	return worst;
}
