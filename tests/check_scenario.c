/*
 * check_scenario.c - the scenario loader (scenarios/loader.c) and the per-model table
 * (models/osmodel.c).
 *
 * Bad inputs: one file per fault under tests/data/scenarios/bad/, each with the exact line of
 * the first problem and a piece of its reason; no message may contain a password (PWD-04).
 * Good inputs: every value of good/full.xml and the defaults of good/minimal.xml, read back
 * from the structs. Also: times, the classful white-list rule (WL-03), the built-in profiles
 * and the figures of models/os-models.xml (CAP-01, CAP-02, facts §1).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "models/osmodel.h"
#include "scenarios/scenario.h"
#include "sim/net.h"

#define S(x) ((int64_t)(x) * 1000000000)
#define BAD TOP_SRCDIR "/tests/data/scenarios/bad/"
#define GOOD TOP_SRCDIR "/tests/data/scenarios/good/"

/* Every password written in the bad files: none may appear in a message. */
static const char *const passwords[] = { "Ab3$xy9k", "q7!w2e4r", "q7!w2", "q7!w2e4r9",
					 "q7-w2e4r", "bob0202" };

/* One bad input: the file (under bad/), the line of the first message (0 = none) and a piece
   of its reason. */
static const struct {
	const char *name;
	int line;
	const char *reason;
} bad[] = {
	{ "malformed", 4, "not well-formed XML" },
	{ "unknown-element", 7, "unexpected element <licenses> in <system>" },
	{ "unknown-attribute", 15, "unknown attribute colour on <virtual-card>" },
	{ "missing-attribute", 6, "<addresses> has no lan attribute" },
	{ "misplaced-element", 4, "unexpected element <system> in <scenario>" },
	{ "bad-ipv4", 25, "is not an IPv4 address" },
	{ "address-outside-lan", 25, "is not a host address of LAN office" },
	{ "bad-subnet", 18, "is not a subnet" },
	{ "password-short", 10, "password of station 2002 is shorter than 6 characters" },
	{ "password-long", 10, "password of station 2002 is longer than 8 characters" },
	{ "password-char", 10, 
	  "password of station 2002 contains a character that is not allowed" },
	{ "password-is-userid", 10, "password of station 2002 equals its user ID" },
	{ "missing-userid", 10, "station 2002 has no user ID" },
	{ "missing-password", 10, "station 2002 has no password" },
	{ "unknown-model", 5, "model=\"OS9999\" is not an OfficeServ model" },
	{ "duplicate-station", 10, "number 2001 is used twice" },
	{ "duplicate-userid", 10, 
	  "user ID of station 2002 is already the user ID of station 2001" },
	{ "too-many-stations", 16, "over the OS7100's capacity of 56 (CAP-01)" },
	{ "no-sip-port", 9, "station 2001 has no SIP-STN port" },
	{ "tls-unsupported", 12, "the OS7100 does not support TLS" },
	{ "unknown-endpoint", 32, "who=\"carol\" names no endpoint" },
	{ "wrong-endpoint-kind", 30, "<register> needs a SIP phone, but dgp is a digital phone" },
	{ "bad-time", 32, "at=\"3\" on <answer> is not a time" },
	{ "time-after-end", 33, "is not before the end of the scenario" },
	{ "bad-dial", 31, "digits=\"20O2\" on <dial> is not a dial string" },
	{ "nat-public-outside", 21, "is not a host address of its outside LAN internet" },
	{ "nat-same-lan", 21, "same LAN inside and outside" },
	{ "nat-unknown-lan", 21, "outside=\"wan\" on <nat> names no <lan>" },
	{ "cfu-not-station", 10, "cfu=\"0800\" of station 2002 is not a station number" },
	{ "number-clash", 10, "begin alike" },
	{ "too-many-cards", 7, "3 MGI16 cards installed; the OS7100 takes at most 2" },
	{ "unknown-profile", 25, "profile=\"polycom\" of phone bob names no profile" },
	{ "station-without-row", 25, "phone bob uses station 2009, which has no DM 2.7.2 row" },
	{ "bad-enum", 10, 
	  "nat-check=\"port\" on <station> is not allowed; expected ip or ip-port" },
	{ "duplicate-endpoint", 26, "endpoint name 'bob' is already used" },
	{ "empty", 1, "the file is empty" },
	{ "blank", 1, "the file is empty" },
	{ "missing", 0, "no such file" },
};

/* Loads a scenario with the source tree's schema and model table. */
static struct scenario *load(const char *path, GError **err)
{
	return scenario_load(path, TOP_SRCDIR, err);
}

START_TEST(test_bad_input)
{
	/* given a bad scenario file */
	char *path = g_strdup_printf(BAD "%s.xml", bad[_i].name);
	char *prefix = bad[_i].line ? g_strdup_printf("%s:%d: ", path, bad[_i].line) :
				     g_strdup_printf("%s: ", path);
	GError *err = NULL;
	struct scenario *s;
	char *first;

	/* when it is loaded */
	s = load(path, &err);

	/* then it fails, and the first message names file:line and the reason */
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(err);
	ck_assert(err->domain == SCENARIO_ERROR);
	first = g_strndup(err->message, strcspn(err->message, "\n"));
	ck_assert_msg(g_str_has_prefix(first, prefix), "%s: got '%s', want prefix '%s'",
		      bad[_i].name, first, prefix);
	ck_assert_msg(strstr(first, bad[_i].reason), "%s: got '%s', want '%s'", bad[_i].name,
		      first, bad[_i].reason);
	/* and no password is ever printed (PWD-04) */
	for (size_t k = 0; k < G_N_ELEMENTS(passwords); k++)
		ck_assert_msg(!strstr(err->message, passwords[k]), "%s leaks a password: %s",
			      bad[_i].name, err->message);
	g_free(first);
	g_free(prefix);
	g_free(path);
	g_error_free(err);
}
END_TEST

START_TEST(test_bad_codes)
{
	/* given a missing file, a malformed one and one with a bad value */
	GError *err = NULL;

	/* then the error codes say which: unreadable, malformed, bad value */
	ck_assert_ptr_null(load(BAD "missing.xml", &err));
	ck_assert_int_eq(err->code, ENOENT);
	g_clear_error(&err);
	ck_assert_ptr_null(load(BAD "malformed.xml", &err));
	ck_assert_int_eq(err->code, EBADMSG);
	g_clear_error(&err);
	ck_assert_ptr_null(load(BAD "unknown-attribute.xml", &err));
	ck_assert_int_eq(err->code, EBADMSG);
	g_clear_error(&err);
	ck_assert_ptr_null(load(BAD "password-short.xml", &err));
	ck_assert_int_eq(err->code, EINVAL);
	g_clear_error(&err);
	/* and a data directory without the schema is an error of its own */
	ck_assert_ptr_null(scenario_load(GOOD "minimal.xml", TOP_BUILDDIR "/no-such-dir", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "cannot load"));
	g_clear_error(&err);
}
END_TEST

START_TEST(test_all_problems_listed)
{
	/* given a file with two faults on different lines (bad-subnet has one; number-clash has
	   the clash on line 10 and a phone whose station vanished on line 25) */
	GError *err = NULL;
	char **lines;

	/* when it is loaded */
	ck_assert_ptr_null(load(BAD "number-clash.xml", &err));

	/* then both are reported, sorted by line */
	lines = g_strsplit(err->message, "\n", -1);
	ck_assert_uint_eq(g_strv_length(lines), 2);
	ck_assert(g_str_has_prefix(lines[0], BAD "number-clash.xml:10: "));
	ck_assert(g_str_has_prefix(lines[1], BAD "number-clash.xml:25: "));
	ck_assert_ptr_nonnull(strstr(lines[1], "station 2002, which has no DM 2.7.2 row"));
	g_strfreev(lines);
	g_error_free(err);
}
END_TEST

START_TEST(test_full)
{
	/* given a scenario using every element */
	GError *err = NULL;
	struct scenario *s = load(GOOD "full.xml", &err);
	const struct os_dm *sys;
	const struct scenario_profile *p;
	const struct scenario_endpoint *ep;
	uint32_t ip;

	/* then every value reads back as written */
	ck_assert_msg(s != NULL, "%s", err ? err->message : "");
	sys = &s->system;
	ck_assert_str_eq(s->name, "full");
	ck_assert_str_eq(s->description, "A site with a home worker behind NAT.");
	ck_assert_uint_eq(s->seed, 42);
	ck_assert_int_eq(s->duration_ns, S(150));
	ck_assert_str_eq(sys->model->name, "OS7400");
	ck_assert_uint_eq(sys->mps_channels, 12);
	ck_assert_uint_eq(sys->lan, 0);
	ck_assert_int_eq(sim_ip_parse("10.1.0.2", &ip), 0);
	ck_assert_uint_eq(sys->mp_ip, ip);
	ck_assert_int_eq(sim_ip_parse("203.0.113.3", &ip), 0);
	ck_assert_uint_eq(sys->public_mgi_ip, ip);
	ck_assert_uint_eq(sys->n_mgi_cards, 2);
	ck_assert_str_eq(sys->mgi_cards[0].type, "MGI16");
	ck_assert_uint_eq(sys->mgi_cards[0].count, 2);
	ck_assert_uint_eq(sys->mgi_cards[0].channels, 16);
	ck_assert_uint_eq(sys->mgi_cards[1].count, 1);
	ck_assert_uint_eq(sys->licence.sip_phone, 1);
	ck_assert_uint_eq(sys->licence.third_party_sip_phone, 3);
	/* DM 6.3.2 */
	ck_assert_uint_eq(sys->n_vcards, 2);
	ck_assert_uint_eq(sys->vcards[1].type, OS_DM_CARD_WIRED_ITP);
	ck_assert_uint_eq(sys->vcards[1].ports, 16);
	ck_assert_uint_eq(sys->sip_stn_ports, 4);
	/* DM 2.7.2 */
	ck_assert_uint_eq(sys->n_stations, 2);
	ck_assert_str_eq(sys->stations[0].tel, "2001");
	ck_assert_str_eq(sys->stations[0].user_id, "u2001");
	ck_assert_str_eq(sys->stations[0].password, "Pa55w0rd");
	ck_assert_uint_eq(sys->stations[0].tone_source, OS_DM_TONE_PHONE);
	ck_assert(sys->stations[0].call_waiting);
	ck_assert_str_eq(sys->stations[0].cfu, "201");
	ck_assert_uint_eq(sys->stations[0].dtmf, OS_DM_DTMF_INFO);
	ck_assert_str_eq(sys->stations[0].insert_trunk_port, "9");
	ck_assert_uint_eq(sys->stations[0].insert_trunk_type, OS_DM_ITT_OUTGOING);
	ck_assert_uint_eq(sys->stations[0].nat_check, OS_DM_NATCHECK_IP_PORT);
	ck_assert(!sys->stations[0].use_white_list);
	ck_assert_str_eq(sys->stations[1].password, "!@#$%^&*");
	ck_assert_ptr_null(sys->stations[1].cfu);
	ck_assert(sys->stations[1].use_white_list);
	ck_assert_uint_eq(sys->stations[1].nat_check, OS_DM_NATCHECK_IP);
	/* DM 5.2.8: the 0.0.0.0 row is an empty row; 192.168.80.255 is a class C network */
	ck_assert_uint_eq(sys->n_private_ips, 1);
	ck_assert_int_eq(sim_ip_parse("192.168.80.7", &ip), 0);
	ck_assert(os_dm_ip_entry_match(&sys->private_ips[0], ip));
	/* DM 5.2.12 */
	ck_assert_uint_eq(sys->options.signal_port, 5062);
	ck_assert_int_eq(sys->options.expire_ns, S(300));
	ck_assert_int_eq(sys->options.nat_reg_expire_ns, S(30));
	ck_assert_uint_eq(sys->options.comm_exclusive, OS_DM_COMM_NO_RESPONSE);
	ck_assert_int_eq(sys->options.common_block_ns, S(600));
	ck_assert_int_eq(sys->options.register_block_ns, S(90));
	ck_assert_uint_eq(sys->options.register_retry_limit, 3);
	ck_assert(sys->options.tls);
	ck_assert_uint_eq(sys->options.tls_port, 5063);
	ck_assert(!sys->options.connection_reuse);
	ck_assert(sys->options.mutual_tls);
	ck_assert(!sys->options.validate_any_certificate);
	/* DM 5.13.10 */
	ck_assert_uint_eq(sys->n_white_list, 2);
	ck_assert_int_eq(sim_ip_parse("10.200.3.4", &ip), 0);
	ck_assert(os_dm_ip_entry_match(&sys->white_list[0], ip));
	ck_assert(!os_dm_ip_entry_match(&sys->white_list[1], ip));
	/* number plan: overridden, added, defaults kept */
	ck_assert_str_eq(sys->plan.feature[OS_DM_FEAT_CONFERENCE], "47");
	ck_assert_str_eq(sys->plan.feature[OS_DM_FEAT_VOICE_MAIL], "*8");
	ck_assert_str_eq(sys->plan.feature[OS_DM_FEAT_CF_ALL], "601");
	ck_assert_ptr_null(sys->plan.feature[OS_DM_FEAT_GROUP_PICKUP]);
	ck_assert_uint_eq(sys->plan.n_trunk_access, 1);
	ck_assert_str_eq(sys->plan.trunk_access[0].code, "9");
	ck_assert_str_eq(s->endpoints[sys->plan.trunk_access[0].trunk].name, "pri");
	/* network */
	ck_assert_uint_eq(s->network.n_lans, 3);
	ck_assert_uint_eq(s->network.lans[0].prefix, 16);
	ck_assert_uint_eq(s->network.lans[0].mask, 0xffff0000u);
	ck_assert_int_eq(s->network.lans[0].delay_ns, 500000);
	ck_assert_int_eq(s->network.lans[0].jitter_ns, 100000);
	ck_assert_double_eq_tol(s->network.lans[0].loss, 0.005, 1e-12);
	ck_assert_uint_eq(s->network.n_nats, 1);
	ck_assert_uint_eq(s->network.nats[0].inside, 2);
	ck_assert_uint_eq(s->network.nats[0].outside, 1);
	ck_assert_uint_eq(s->network.nats[0].mapping, SCENARIO_NAT_ADDRESS_DEPENDENT);
	ck_assert_uint_eq(s->network.nats[0].filtering, SCENARIO_NAT_ENDPOINT_INDEPENDENT);
	ck_assert_int_eq(s->network.nats[0].binding_timeout_ns, S(30));
	ck_assert(s->network.nats[0].hairpin);
	ck_assert_uint_eq(s->network.n_links, 1);
	ck_assert_double_eq_tol(s->network.links[0].loss, 0.001, 1e-12);
	ck_assert_int_eq(s->network.links[0].delay_ns, 5000000);
	/* endpoints and profiles */
	ck_assert_uint_eq(s->n_endpoints, 5);
	ep = &s->endpoints[0];
	ck_assert_uint_eq(ep->dm_station, 0);
	ck_assert_str_eq(ep->auth_name, "u2001");
	ck_assert_str_eq(ep->password, "Pa55w0rd");
	ck_assert_uint_eq(ep->port, 5060);
	p = &s->profiles[ep->profile];
	ck_assert_str_eq(p->name, "desk");
	ck_assert_uint_eq(p->vendor, SCENARIO_VENDOR_SAMSUNG);
	ck_assert_str_eq(p->user_agent, "Desk 1");
	ck_assert_uint_eq(p->lines, 3);
	ck_assert_int_eq(p->expires_ns, S(3600));
	ck_assert(!p->refresh_granted);
	ck_assert_int_eq(p->refresh_ns, S(300));
	ck_assert_uint_eq(p->transport, SCENARIO_TRANSPORT_TCP);
	ck_assert_int_eq(p->nat_keepalive_ns, S(25));
	ck_assert_uint_eq(p->dtmf, OS_DM_DTMF_INFO);
	ck_assert_uint_eq(p->hold, SCENARIO_HOLD_INACTIVE);
	ck_assert(p->contact_public && p->srtp && !p->hold_before_transfer && !p->hold_tone);
	ck_assert_uint_eq(p->n_codecs, 2);
	ck_assert_str_eq(scenario_codec_name(p->codecs[0]), "G722");
	ck_assert_str_eq(scenario_codec_name(p->codecs[1]), "PCMA");
	ep = &s->endpoints[1];
	ck_assert_uint_eq(ep->port, 5070);
	p = &s->profiles[ep->profile];
	ck_assert_str_eq(p->name, "bob");          /* inline: named after its phone */
	ck_assert_uint_eq(p->lines, 1);
	ck_assert_int_eq(p->refresh_ns, S(600));   /* from its base, xlite */
	ep = &s->endpoints[2];
	ck_assert_uint_eq(ep->dm_station, SCENARIO_NONE);
	ck_assert_str_eq(ep->auth_name, "u2001");
	ck_assert_str_eq(ep->password, "guess123");
	ck_assert_str_eq(s->profiles[ep->profile].name, "generic");
	ck_assert_uint_eq(s->endpoints[3].kind, SCENARIO_EP_DIGITAL_PHONE);
	ck_assert_str_eq(s->endpoints[3].station, "201");
	ck_assert_uint_eq(s->endpoints[4].kind, SCENARIO_EP_ISDN_TRUNK);
	ck_assert_uint_eq(s->endpoints[4].channels, 23);
	/* the script, sorted by time (file order among equal times) */
	ck_assert_uint_eq(s->n_actions, 9);
	ck_assert_uint_eq(s->actions[0].kind, SCENARIO_ACT_REGISTER);
	ck_assert_str_eq(s->endpoints[s->actions[0].who].name, "bob");
	ck_assert_str_eq(s->endpoints[s->actions[1].who].name, "alice");
	ck_assert_uint_eq(s->actions[2].kind, SCENARIO_ACT_DIAL);
	ck_assert_str_eq(s->actions[2].digits, "*8#");
	ck_assert_int_eq(s->actions[3].at_ns, 12500000000);
	ck_assert_str_eq(s->actions[4].cli, "0398722900");
	ck_assert_uint_eq(s->actions[5].kind, SCENARIO_ACT_REJECT);
	ck_assert_uint_eq(s->actions[5].code, 603);
	ck_assert_uint_eq(s->actions[5].line, 2);
	ck_assert(s->actions[6].attended);
	ck_assert_str_eq(s->actions[7].digits, "12AB#");
	ck_assert_int_eq(s->actions[8].at_ns, 149999999999);
	ck_assert_uint_eq(s->actions[8].kind, SCENARIO_ACT_HANG_UP);
	scenario_free(s);
}
END_TEST

START_TEST(test_minimal_defaults)
{
	/* given the smallest valid scenario */
	GError *err = NULL;
	struct scenario *s = load(GOOD "minimal.xml", &err);
	const struct os_dm *sys;

	/* then the defaults are the manual's (STK-02..06, SEC-01..06, TLS-03..06, FC-03) */
	ck_assert_msg(s != NULL, "%s", err ? err->message : "");
	sys = &s->system;
	ck_assert_uint_eq(s->seed, 1);
	ck_assert_int_eq(s->duration_ns, S(1));
	ck_assert_ptr_null(s->description);
	ck_assert_uint_eq(sys->mps_channels, sys->model->mps_channels);
	ck_assert_uint_eq(sys->mgi_ip, sys->mp_ip);
	ck_assert_uint_eq(sys->public_mp_ip, 0);
	ck_assert_uint_eq(sys->licence.third_party_sip_phone, 0);
	ck_assert_uint_eq(sys->options.src_line, 0);
	ck_assert_uint_eq(sys->options.signal_port, 5060);
	ck_assert_uint_eq(sys->options.ipums_port, 5070);
	ck_assert_int_eq(sys->options.expire_ns, S(600));
	ck_assert_int_eq(sys->options.nat_reg_expire_ns, S(60));
	ck_assert_uint_eq(sys->options.comm_exclusive, OS_DM_COMM_RESPONSE);
	ck_assert_int_eq(sys->options.common_block_ns, S(600));
	ck_assert_int_eq(sys->options.register_block_ns, S(60));
	ck_assert_uint_eq(sys->options.register_retry_limit, 2);
	ck_assert(!sys->options.tls);
	ck_assert_uint_eq(sys->options.tls_port, 5061);
	ck_assert(sys->options.connection_reuse);
	ck_assert(!sys->options.mutual_tls);
	ck_assert(sys->options.validate_any_certificate);
	ck_assert_str_eq(sys->plan.feature[OS_DM_FEAT_CF_CLEAR], "600");
	ck_assert_str_eq(sys->plan.feature[OS_DM_FEAT_CF_BUSY_NO_ANSWER], "604");
	ck_assert_str_eq(sys->plan.feature[OS_DM_FEAT_DND], "40");
	ck_assert_str_eq(sys->plan.feature[OS_DM_FEAT_CONFERENCE], "46");
	ck_assert_str_eq(sys->plan.feature[OS_DM_FEAT_HOLD], "11");
	ck_assert_str_eq(sys->plan.feature[OS_DM_FEAT_HOLD_PICKUP], "12");
	ck_assert_ptr_null(sys->plan.feature[OS_DM_FEAT_MY_GROUP_PICKUP]);
	ck_assert_uint_eq(s->n_endpoints, 0);
	ck_assert_uint_eq(s->n_actions, 0);
	ck_assert_uint_eq(s->network.lans[0].delay_ns, 0);
	scenario_free(s);
}
END_TEST

START_TEST(test_example_registration)
{
	/* given the library's registration example */
	GError *err = NULL;
	struct scenario *s = load(TOP_SRCDIR "/scenarios/features/registration.xml", &err);

	/* then it loads, with its two phones and three actions */
	ck_assert_msg(s != NULL, "%s", err ? err->message : "");
	ck_assert_uint_eq(s->n_endpoints, 2);
	ck_assert_uint_eq(s->n_actions, 3);
	ck_assert_int_eq(s->actions[2].at_ns, S(14 * 60));
	ck_assert_str_eq(s->profiles[s->endpoints[0].profile].name, "xlite");
	ck_assert_uint_eq(s->profiles[s->endpoints[1].profile].codecs[0], SCENARIO_CODEC_PCMA);
	scenario_free(s);
}
END_TEST

/* Times: text, then nanoseconds (-1 = must be rejected). */
static const struct {
	const char *text;
	int64_t ns;
} times[] = {
	{ "12.5s", 12500000000 }, { "300ms", 300000000 }, { "1.5min", 90000000000 },
	{ "2h", 7200000000000 }, { "0s", 0 }, { "1us", 1000 }, { "999999999ns", 999999999 },
	{ "0.000000001s", 1 }, { "0.1s", 100000000 }, { "1.25ms", 1250000 },
	{ "", -1 }, { "5", -1 }, { "-1s", -1 }, { "1.s", -1 }, { ".5s", -1 },
	{ "1.0000000001s", -1 }, { "1.5ns", -1 }, { "10 s", -1 }, { "1S", -1 },
	{ "9999999999h", -1 }, { "1e3s", -1 }, { "1sec", -1 },
};

START_TEST(test_time_parse)
{
	int64_t ns = -2;
	int rc = scenario_time_parse(times[_i].text, &ns);

	if (times[_i].ns < 0) {
		ck_assert_msg(rc == EINVAL, "'%s' accepted as %" G_GINT64_FORMAT, times[_i].text,
			      ns);
	} else {
		ck_assert_msg(rc == 0, "'%s' rejected", times[_i].text);
		ck_assert_int_eq(ns, times[_i].ns);
	}
}
END_TEST

/* WL-03 / PRIV-04: entry, address, admitted? */
static const struct {
	const char *entry, *addr;
	bool match;
} wl[] = {
	{ "192.168.1.255", "192.168.1.77", true },
	{ "192.168.1.255", "192.168.2.77", false },
	{ "192.168.1.50", "192.168.1.50", true },
	{ "192.168.1.50", "192.168.1.51", false },
	{ "10.255.255.255", "10.3.4.5", true },     /* class A */
	{ "172.16.255.255", "172.16.9.9", true },   /* class B */
	{ "172.16.255.255", "172.17.9.9", false },
	{ "172.16.1.255", "172.16.1.9", false },    /* not the classful broadcast: one host */
};

START_TEST(test_white_list_rule)
{
	/* given a DM 5.13.10 entry written in a scenario */
	char *path = g_build_filename(TOP_BUILDDIR, "tests", "wl-tmp.xml", NULL);
	char *xml = g_strdup_printf(
		"<scenario name='w'><duration>1s</duration><system model='OS7030'>"
		"<addresses lan='l' mp='192.0.2.1'/><white-list><entry ip='%s'/></white-list>"
		"</system><network><lan name='l' subnet='192.0.2.0/24'/></network><endpoints/>"
		"</scenario>", wl[_i].entry);
	GError *err = NULL;
	struct scenario *s;
	uint32_t ip;

	ck_assert(g_file_set_contents(path, xml, -1, NULL));
	s = load(path, &err);
	ck_assert_msg(s != NULL, "%s", err ? err->message : "");

	/* then it admits exactly its classful network, or its one host */
	ck_assert_int_eq(sim_ip_parse(wl[_i].addr, &ip), 0);
	ck_assert_uint_eq(s->system.n_white_list, 1);
	ck_assert(os_dm_ip_entry_match(&s->system.white_list[0], ip) == wl[_i].match);
	scenario_free(s);
	g_unlink(path);
	g_free(path);
	g_free(xml);
}
END_TEST

START_TEST(test_builtin_profiles)
{
	struct scenario_profile p;

	/* the four built-ins exist with the habits docs/scenarios.md lists */
	ck_assert(scenario_profile_builtin("generic", &p));
	ck_assert(p.refresh_granted && p.lines == 2 && p.vendor == SCENARIO_VENDOR_THIRD_PARTY);
	scenario_profile_clear(&p);
	ck_assert(scenario_profile_builtin("samsung", &p));
	ck_assert(p.vendor == SCENARIO_VENDOR_SAMSUNG && p.codecs[0] == SCENARIO_CODEC_G729);
	scenario_profile_clear(&p);
	ck_assert(scenario_profile_builtin("xlite", &p));
	ck_assert(!p.refresh_granted && p.refresh_ns == S(600));
	scenario_profile_clear(&p);
	ck_assert(scenario_profile_builtin("single-line", &p));
	ck_assert_uint_eq(p.lines, 1);
	scenario_profile_clear(&p);
	ck_assert(!scenario_profile_builtin("polycom", &p));
}
END_TEST

/* CAP-01 and CAP-02 (Manual, "SIP Phone Capacity"), in the table. */
static const struct {
	const char *model;
	unsigned sip, tls;
} caps[] = {
	{ "OS7030", 16, 0 }, { "OS7100", 56, 0 }, { "OS7200S", 64, 0 },
	{ "OS7200-MP20", 128, 64 }, { "OS7400", 480, 160 },
};

START_TEST(test_osmodel_capacity)
{
	GError *err = NULL;
	struct osmodel_table *t = osmodel_table_load(TOP_SRCDIR "/models/os-models.xml", &err);
	const struct osmodel *m;

	ck_assert_msg(t != NULL, "%s", err ? err->message : "");
	ck_assert_uint_eq(t->n_models, 5);
	m = osmodel_find(t, caps[_i].model);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->sip_stations, caps[_i].sip);
	ck_assert_uint_eq(m->tls_stations, caps[_i].tls);
	ck_assert(!(m->assumed & (OSMODEL_F_SIP_STATIONS | OSMODEL_F_TLS_STATIONS)));
	/* MGI-06: only the OS7030, OS7100 and OS7200S license their inbuilt MGI */
	ck_assert(m->builtin_mgi_licence == (caps[_i].tls == 0));
	osmodel_table_free(t);
}
END_TEST

START_TEST(test_osmodel_mgi)
{
	GError *err = NULL;
	struct osmodel_table *t = osmodel_table_load(TOP_SRCDIR "/models/os-models.xml", &err);
	const struct osmodel *m;
	const struct osmodel_card *c;

	ck_assert_msg(t != NULL, "%s", err ? err->message : "");
	/* facts §1: 8 MGI channels on the OS7100's board (stated, not assumed) */
	m = osmodel_find(t, "OS7100");
	ck_assert_uint_eq(m->builtin_mgi, 8);
	ck_assert(!(m->assumed & OSMODEL_F_BUILTIN_MGI));
	ck_assert(m->assumed & OSMODEL_F_MPS_CHANNELS);
	ck_assert(m->card_waives_licence);
	/* facts §1: 16 calls per MGI card, 10 cards per OS7200 */
	m = osmodel_find(t, "OS7200-MP20");
	c = osmodel_card_find(m, "MGI16");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type->channels, 16);
	ck_assert(!c->type->channels_assumed);
	ck_assert_uint_eq(c->max, 10);
	ck_assert(!c->max_assumed);
	ck_assert_ptr_null(osmodel_card_find(m, "MGI64"));
	ck_assert_ptr_null(osmodel_find(t, "OS7200"));
	osmodel_table_free(t);
}
END_TEST

/* Bad model tables: file under tests/data/osmodel/, line, reason. */
static const struct {
	const char *name;
	int line;
	const char *reason;
} bad_tables[] = {
	{ "unknown-attribute", 4, "unknown attribute 'colour' on <model>" },
	{ "unknown-card", 5, "names card type 'MGI99'" },
	{ "bad-number", 4, "sip-stations=\"many\" on <model> is not a whole number" },
	{ "duplicate", 5, "model OS7030 is defined twice" },
	{ "bad-assumed", 4, "names 'speed', which is not a figure" },
};

START_TEST(test_osmodel_bad)
{
	char *path = g_strdup_printf(TOP_SRCDIR "/tests/data/osmodel/%s.xml", bad_tables[_i].name);
	char *prefix = g_strdup_printf("%s:%d: ", path, bad_tables[_i].line);
	GError *err = NULL;

	ck_assert_ptr_null(osmodel_table_load(path, &err));
	ck_assert_msg(g_str_has_prefix(err->message, prefix), "got '%s'", err->message);
	ck_assert_msg(strstr(err->message, bad_tables[_i].reason), "got '%s'", err->message);
	g_error_free(err);
	g_free(prefix);
	g_free(path);
}
END_TEST

START_TEST(test_data_path)
{
	char *p;

	/* OSSIM_DATADIR wins when set */
	g_setenv("OSSIM_DATADIR", "/x/y", TRUE);
	p = osmodel_data_path("scenarios/ossim.rng");
	ck_assert_str_eq(p, "/x/y/scenarios/ossim.rng");
	g_free(p);
	/* otherwise a path that holds the file (installed copy, else the source tree) */
	g_unsetenv("OSSIM_DATADIR");
	p = osmodel_data_path("models/os-models.xml");
	ck_assert(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	g_free(p);
}
END_TEST

static Suite *scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("bad");

	tcase_add_loop_test(tc, test_bad_input, 0, G_N_ELEMENTS(bad));
	tcase_add_test(tc, test_bad_codes);
	tcase_add_test(tc, test_all_problems_listed);
	suite_add_tcase(s, tc);
	tc = tcase_create("good");
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_minimal_defaults);
	tcase_add_test(tc, test_example_registration);
	tcase_add_loop_test(tc, test_white_list_rule, 0, G_N_ELEMENTS(wl));
	tcase_add_test(tc, test_builtin_profiles);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_loop_test(tc, test_time_parse, 0, G_N_ELEMENTS(times));
	suite_add_tcase(s, tc);
	tc = tcase_create("osmodel");
	tcase_add_loop_test(tc, test_osmodel_capacity, 0, G_N_ELEMENTS(caps));
	tcase_add_test(tc, test_osmodel_mgi);
	tcase_add_loop_test(tc, test_osmodel_bad, 0, G_N_ELEMENTS(bad_tables));
	tcase_add_test(tc, test_data_path);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(scenario_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
