/*
 * check_flows.c - every SIP message of every shipped scenario (those of scenarios/features and
 * the demo) is one a server would accept: it parses with our strict parser, exactly as `ossim sip
 * lint` checks it, and libosip2 (an independent parser) parses it too and agrees on the start
 * line and Call-ID. Only CRLF keep-alives are exempt (they are not SIP messages, RFC 5626 3.5.1).
 * The datagrams are taken from the trace bus as they leave their sender.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include <osipparser2/osip_parser.h>

#include "models/sip/msg.h"
#include "scenarios/scenario.h"
#include "scenarios/world.h"
#include "sim/net.h"
#include "sim/sim.h"

static const char *const scenarios[] = {
	"scenarios/demo.xml",
	"scenarios/features/registration.xml",
	"scenarios/features/registration-failures.xml",
	"scenarios/features/registration-no-response.xml",
	"scenarios/features/registration-tls-capacity.xml",
	"scenarios/features/basic-call-sip-sip.xml",
	"scenarios/features/basic-call-sip-dgp.xml",
	"scenarios/features/busy.xml",
	"scenarios/features/forward-unreachable.xml",
	"scenarios/features/nat-check-ip.xml",
	"scenarios/features/nat-check-ip-port.xml",
	"scenarios/features/mgi-exhausted.xml",
};

/* What the datagrams of one run gave. */
struct flow_tally {
	unsigned messages, keepalives, ours_bad, osip_bad, disagree;
	char first_bad[512];
};

/* True when DATA is only CR and LF (a keep-alive). */
static bool only_crlf(const char *d, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (d[i] != '\r' && d[i] != '\n')
			return false;
	return true;
}

/* Notes the first failure. */
static void flow_bad(struct flow_tally *t, const char *what, const char *d, size_t len)
{
	if (t->first_bad[0] == '\0')
		g_snprintf(t->first_bad, sizeof(t->first_bad), "%s: %.*s", what,
			   (int)MIN(len, 300), d);
}

/* NET_SEND subscriber: checks one datagram with both parsers. */
static void on_send(const struct sim_trace_point *tp, void *arg)
{
	const struct sim_net_packet *p = tp->payload;
	struct flow_tally *t = arg;
	gsize len = 0;
	const char *d = g_bytes_get_data(p->data, &len);
	struct sip_msg *m = NULL;
	osip_message_t *om = NULL;
	char reason[256] = "";

	if (only_crlf(d, len)) {
		t->keepalives++;
		return;
	}
	t->messages++;
	if (sip_msg_parse_ex(&m, p->data, SIP_PARSE_STRICT, reason, sizeof(reason)) != 0) {
		t->ours_bad++;
		flow_bad(t, reason, d, len);
		return;
	}
	osip_message_init(&om);
	if (osip_message_parse(om, d, len) != 0) {
		t->osip_bad++;
		flow_bad(t, "libosip2 refuses", d, len);
	} else {
		struct sip_pl cid = sip_msg_callid(m);
		bool same = om->call_id != NULL;
		char *s = NULL;

		if (same && osip_call_id_to_str(om->call_id, &s) == 0) {
			same = strlen(s) == cid.l && memcmp(s, cid.p, cid.l) == 0;
			osip_free(s);
		}
		if (sip_msg_is_request(m))
			same = same && om->sip_method != NULL &&
			       strcmp(om->sip_method, sip_method_name(sip_msg_method(m))) == 0;
		else
			same = same && om->status_code == sip_msg_status(m);
		if (!same) {
			t->disagree++;
			flow_bad(t, "the parsers disagree", d, len);
		}
	}
	osip_message_free(om);
	sip_msg_unref(m);
}

START_TEST(test_scenario_messages)
{
	char *path = g_build_filename(TOP_SRCDIR, scenarios[_i], NULL);
	GError *err = NULL;
	struct scenario *s = scenario_load(path, TOP_SRCDIR, &err);
	struct flow_tally t = { 0 };
	struct world *w;

	/* given a shipped scenario */
	ck_assert_msg(s != NULL, "%s", err ? err->message : "?");
	w = world_new(s, s->seed, 0, &err);
	ck_assert_msg(w != NULL, "%s", err ? err->message : "?");
	sim_trace_subscribe(world_sim(w), SIM_TRACE_NET_SEND, on_send, &t);
	/* when it runs */
	world_run(w);
	/* then it sent SIP, and every message passes both parsers */
	ck_assert_msg(t.messages >= 4, "%s sent %u messages", scenarios[_i], t.messages);
	ck_assert_msg(t.ours_bad == 0 && t.osip_bad == 0 && t.disagree == 0,
		      "%s: %u refused by us, %u by libosip2, %u disagreements; first: %s",
		      scenarios[_i], t.ours_bad, t.osip_bad, t.disagree, t.first_bad);
	world_free(w);
	scenario_free(s);
	g_free(path);
}
END_TEST

static Suite *flows_suite(void)
{
	Suite *s = suite_create("flows");
	TCase *tc = tcase_create("messages");

	tcase_add_loop_test(tc, test_scenario_messages, 0, G_N_ELEMENTS(scenarios));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(flows_suite());
	int failed;

	parser_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
