/*
 * check_registrar.c - Check tests for the OfficeServ's registrar (models/officeserv/registrar.c)
 * and its DM views (views.c), on the simulated network with real SIP bytes both ways.
 *
 * The world: the OfficeServ (MP 10.0.0.1, subnet 10.0.0.0/24) configured by hand as the scenario
 * loader would (an OS7200-MP20 model, one SIP-STN card of 16 ports, stations 2001-2003, white list
 * entry 10.0.0.255 = the class C network 10.0.0.0/24, DM 5.2.12 defaults, 2 third-party licences
 * and 1 Samsung licence), and test-side UACs: a SIP transport per phone host that sends REGISTERs
 * built with models/sip/build.h and answers a 401 with sip_auth_creds_answer. Links are 1 ms
 * constant, so a phone's REGISTER sent at t arrives at t + 1 ms and the four-step ladder ends at
 * t + 4 ms. Expected times come from RFC 3261's timers (T1 500 ms: copies of an unanswered
 * REGISTER at 0, 0.5, 1.5, 3.5, 7.5, 11.5 ... 31.5 s, timer F at 32 s) and the DM settings.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "models/media/pool.h"
#include "models/officeserv/officeserv.h"
#include "models/officeserv/os_priv.h"
#include "models/osmodel.h"
#include "models/sip/auth.h"
#include "models/sip/build.h"
#include "models/sip/msg.h"
#include "models/sip/transport.h"
#include "models/sip/txn.h"
#include "sim/net.h"
#include "sim/sim.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define IP_OS IP(10, 0, 0, 1)
#define IP_P1 IP(10, 0, 0, 11)
#define IP_P2 IP(10, 0, 0, 12)
#define IP_P3 IP(10, 0, 0, 13)
#define IP_ROGUE IP(10, 0, 1, 66)      /* outside the white list and the MP's subnet */

static const char *const passwords[] = { "pw2001ab", "pw2002cd", "pw2003ef" };

/* One datagram or segment sent (SIM_TRACE_NET_SEND). */
struct pkt {
	int64_t t;
	uint32_t src, dst;
	char *text;
};

/* One SIM_TRACE_REG point. */
struct regev {
	int64_t t;
	char station[16];
	char lane[16];
	bool ok, unregister, challenged;
	char cause[16];
	int64_t expires_ns;
};

/* One response a UAC received. */
struct resp {
	int64_t t;
	uint16_t code;
	uint32_t cseq;
	bool to_tag;
	bool stale;                      /* 401: stale=true */
	bool qop_auth, alg_md5;          /* 401: qop="auth", algorithm=MD5 */
	char realm[32];                  /* 401 */
	int64_t contact_expires;         /* 200: expires= of the Contact, -1 none */
	int64_t expires_hdr;             /* Expires header, -1 none */
	size_t contacts;
};

struct world;

/* A test-side phone: sends REGISTERs, answers 401s. */
struct uac {
	struct world *w;
	const char *name;
	uint32_t ip;
	struct sim_host *host;
	struct sip_transport *tp;
	const char *tel;                 /* the To/From user */
	struct sip_auth_creds *creds;
	const char *ua;                  /* User-Agent, or NULL */
	char contact[80];                /* Contact URI; "" = none (a query) */
	enum sim_net_proto proto;
	uint32_t expires;                /* Expires asked for */
	bool answer;                     /* answer a 401 */
	int64_t answer_delay;            /* one-shot delay before answering */
	uint32_t cseq;
	uint64_t n_branch;
	struct sim_timer timer;
	struct sip_auth_challenge ch;    /* the challenge being answered */
	GArray *resps;                   /* struct resp */
	int err;
	int64_t err_time;
};

struct world {
	struct sim *sim;
	struct sim_net *net;
	struct sim_host *h_os;
	struct osmodel model;
	struct os_dm dm;
	struct os_dm_station st[3];
	struct os_dm_vcard vcard;
	struct os_dm_ip_entry white;
	struct os_dm_ip_entry priv;
	struct officeserv *os;
	struct uac *uacs[8];
	size_t n_uacs;
	GPtrArray *pkts;                 /* struct pkt * */
	GArray *regs;                    /* struct regev */
	struct sim_trace_sub *sub_send, *sub_reg;
};

/* ---------------------------------------------------------------- recorders */

static void pkt_free(gpointer p)
{
	struct pkt *k = p;

	g_free(k->text);
	g_free(k);
}

/* Keeps every sent datagram's text. */
static void on_send(const struct sim_trace_point *tp, void *arg)
{
	struct world *w = arg;
	const struct sim_net_packet *p = tp->payload;
	struct pkt *k = g_new0(struct pkt, 1);
	gsize n;
	const char *d = g_bytes_get_data(p->data, &n);

	k->t = tp->time;
	k->src = p->src.ip;
	k->dst = p->dst.ip;
	k->text = g_strndup(d, n);
	g_ptr_array_add(w->pkts, k);
}

static void on_reg(const struct sim_trace_point *tp, void *arg)
{
	struct world *w = arg;
	const struct sim_trace_reg *r = tp->payload;
	struct regev e = { .t = tp->time, .ok = r->ok, .unregister = r->unregister,
			   .challenged = r->challenged, .expires_ns = r->expires_ns };

	g_strlcpy(e.station, r->station, sizeof(e.station));
	g_strlcpy(e.lane, r->lane ? r->lane : "", sizeof(e.lane));
	g_strlcpy(e.cause, r->cause ? r->cause : "", sizeof(e.cause));
	g_array_append_val(w->regs, e);
}

/* ---------------------------------------------------------------- the world */

/* The DM of the file comment, before the server exists (tests change it, then world_start). */
static struct world *world_new(void)
{
	struct world *w = g_new0(struct world, 1);
	struct sim_link link = { .latency = SIM_MS, .dist = SIM_DELAY_CONST };
	struct os_dm *dm = &w->dm;
	static const char *const tels[] = { "2001", "2002", "2003" };
	static const char *const users[] = { "sipp2001", "sipp2002", "sipp2003" };

	w->sim = sim_new(1, 0);
	w->net = sim_net_new(w->sim);
	sim_net_set_default_link(w->net, &link);
	w->h_os = sim_net_host_add(w->net, "OfficeServ", IP_OS);
	w->pkts = g_ptr_array_new_with_free_func(pkt_free);
	w->regs = g_array_new(FALSE, TRUE, sizeof(struct regev));
	w->sub_send = sim_trace_subscribe(w->sim, SIM_TRACE_NET_SEND, on_send, w);
	w->sub_reg = sim_trace_subscribe(w->sim, SIM_TRACE_REG, on_reg, w);

	w->model.name = "OS7200-MP20";
	w->model.sip_stations = 128;
	w->model.tls_stations = 64;
	dm->model = &w->model;
	dm->mp_ip = IP_OS;
	dm->mgi_ip = IP_OS;
	dm->licence.sip_phone = 1;
	dm->licence.third_party_sip_phone = 2;
	for (size_t i = 0; i < 3; i++) {
		w->st[i].tel = (char *)tels[i];
		w->st[i].user_id = (char *)users[i];
		w->st[i].password = (char *)passwords[i];
		w->st[i].use_white_list = true;             /* WL-01 default */
		w->st[i].nat_check = OS_DM_NATCHECK_IP;     /* NATC-02 default */
	}
	dm->stations = w->st;
	dm->n_stations = 3;
	/* 10.0.0.255 is the broadcast address of class C 10.0.0.0: the loader's classful entry. */
	w->white.ip = IP(10, 0, 0, 255);
	w->white.net = IP(10, 0, 0, 0);
	w->white.mask = 0xffffff00u;
	dm->white_list = &w->white;
	dm->n_white_list = 1;
	w->vcard.type = OS_DM_CARD_SIP_STN;
	w->vcard.ports = 16;
	dm->vcards = &w->vcard;
	dm->n_vcards = 1;
	dm->sip_stn_ports = 16;
	dm->options.signal_port = 5060;
	dm->options.ipums_port = 5070;
	dm->options.expire_ns = 600 * SIM_S;
	dm->options.nat_reg_expire_ns = 60 * SIM_S;
	dm->options.comm_exclusive = OS_DM_COMM_RESPONSE;
	dm->options.common_block_ns = 600 * SIM_S;
	dm->options.register_block_ns = 60 * SIM_S;
	dm->options.register_retry_limit = 2;
	dm->options.tls_port = 5061;
	dm->options.connection_reuse = true;
	dm->options.validate_any_certificate = true;
	return w;
}

/* Creates the server from the DM as it now is. */
static void world_start(struct world *w)
{
	struct officeserv_cfg cfg;

	officeserv_cfg_init(&cfg);
	cfg.host = w->h_os;
	cfg.dm = &w->dm;
	cfg.subnet = IP(10, 0, 0, 0);
	cfg.mask = 0xffffff00u;
	w->os = officeserv_new(w->sim, w->net, &cfg);
	ck_assert_ptr_nonnull(w->os);
}

static void uac_free(struct uac *u)
{
	sim_timer_cancel(u->w->sim, &u->timer);
	sip_transport_free(u->tp);
	sip_auth_creds_free(u->creds);
	g_array_unref(u->resps);
	g_free(u);
}

static void world_free(struct world *w)
{
	for (size_t i = 0; i < w->n_uacs; i++)
		uac_free(w->uacs[i]);
	officeserv_free(w->os);
	sim_net_free(w->net);
	sim_trace_unsubscribe(w->sim, w->sub_send);
	sim_trace_unsubscribe(w->sim, w->sub_reg);
	sim_free(w->sim);
	g_ptr_array_unref(w->pkts);
	g_array_unref(w->regs);
	g_free(w);
}

/* ---------------------------------------------------------------- the test UAC */

static void uac_send(struct uac *u, const struct sip_auth_resp *auth);

/* Answers the challenge in u->ch (RFC 2617 with qop=auth, nc 1, a fixed cnonce). */
static void uac_answer(struct uac *u)
{
	struct sip_auth_resp r;

	ck_assert_int_eq(sip_auth_creds_answer(u->creds, &u->ch, "REGISTER", "sip:10.0.0.1", 1,
					       "0a4f113b5e6d7c8f", &r), 0);
	uac_send(u, &r);
}

static void uac_answer_later(struct sim *sim, void *arg)
{
	(void)sim;
	uac_answer(arg);
}

static void uac_resp(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg)
{
	struct uac *u = arg;
	struct resp r = {
		.t = sim_now(u->w->sim), .code = sip_msg_status(resp),
		.cseq = sip_msg_cseq(resp)->num, .to_tag = sip_pl_isset(sip_msg_to(resp)->tag),
		.contact_expires = -1, .expires_hdr = sip_msg_expires(resp),
		.contacts = sip_msg_contact_count(resp),
	};
	bool had_auth = sip_pl_isset(sip_msg_hdr(sip_ctrans_request(ct), SIP_HDR_AUTHORIZATION));

	if (r.code == 401) {
		struct sip_pl v = sip_msg_hdr(resp, SIP_HDR_WWW_AUTHENTICATE);

		ck_assert_int_eq(sip_auth_challenge_parse(&u->ch, v.p, v.l), 0);
		r.stale = u->ch.stale;
		r.qop_auth = u->ch.qop_auth;
		r.alg_md5 = u->ch.has_alg && u->ch.alg == SIP_AUTH_ALG_MD5;
		g_strlcpy(r.realm, u->ch.realm, sizeof(r.realm));
	}
	if (r.contacts > 0) {
		struct sip_addr c;
		struct sip_pl e;

		ck_assert_int_eq(sip_msg_contact_at(resp, 0, &c), 0);
		if (sip_param_get(c.params, "expires", &e) == 0) {
			char *s = sip_pl_dup(e);

			r.contact_expires = g_ascii_strtoll(s, NULL, 10);
			g_free(s);
		}
	}
	g_array_append_val(u->resps, r);
	if (r.code == 401 && u->answer && (!had_auth || r.stale)) {
		if (u->answer_delay > 0) {
			sim_timer_start(u->w->sim, &u->timer, u->answer_delay, uac_answer_later, u);
			u->answer_delay = 0;
		} else {
			uac_answer(u);
		}
	}
}

static void uac_err(struct sip_ctrans *ct, int err, void *arg)
{
	struct uac *u = arg;

	(void)ct;
	u->err = err;
	u->err_time = sim_now(u->w->sim);
}

/* A phone NAME at IP registering TEL as USER with PASSWORD; Contact sip:TEL@IP:5060, Expires
 * 3600, UDP, answers 401s. */
static struct uac *uac_new(struct world *w, const char *name, uint32_t ip, const char *tel,
			   const char *user, const char *password)
{
	struct uac *u = g_new0(struct uac, 1);
	struct sip_transport_cfg cfg;
	char ips[16];

	u->w = w;
	u->name = name;
	u->ip = ip;
	u->host = sim_net_host_add(w->net, name, ip);
	ck_assert_ptr_nonnull(u->host);
	sip_transport_cfg_init(&cfg);
	cfg.tcp = true;
	u->tp = sip_transport_new(w->net, u->host, &cfg);
	ck_assert_ptr_nonnull(u->tp);
	u->tel = tel;
	u->creds = sip_auth_creds_new(user, password);
	g_snprintf(u->contact, sizeof(u->contact), "sip:%s@%s:5060", tel,
		   sim_ip_str(ip, ips, sizeof(ips)));
	u->proto = SIM_NET_UDP;
	u->expires = 3600;
	u->answer = true;
	sim_timer_init(&u->timer);
	u->resps = g_array_new(FALSE, TRUE, sizeof(struct resp));
	w->uacs[w->n_uacs++] = u;
	return u;
}

/* Replaces U's credentials. */
static void uac_creds(struct uac *u, const char *user, const char *password)
{
	sip_auth_creds_free(u->creds);
	u->creds = sip_auth_creds_new(user, password);
}

/* Sends one REGISTER (a new transaction; AUTH NULL = no credentials). */
static void uac_send(struct uac *u, const struct sip_auth_resp *auth)
{
	struct sip_build *b = sip_build_request(SIP_METHOD_REGISTER, NULL, "sip:10.0.0.1");
	char branch[64], ips[16], *aor = g_strdup_printf("sip:%s@10.0.0.1", u->tel);
	struct sim_addr dst = { IP_OS, 5060 };
	struct sip_ctrans *ct = NULL;
	GBytes *req;

	sim_ip_str(u->ip, ips, sizeof(ips));
	sip_build_branch_counter(branch, sizeof(branch), u->name, ++u->n_branch);
	sip_build_via(b, u->proto == SIM_NET_UDP ? "UDP" : "TCP", ips, 5060, branch, true);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, NULL, aor, u->name);
	sip_build_addr(b, SIP_HDR_TO, NULL, aor, NULL);
	sip_build_hdrf(b, SIP_HDR_CALL_ID, "reg-%s@%s", u->name, ips);
	sip_build_cseq(b, ++u->cseq, SIP_METHOD_REGISTER, NULL);
	if (u->contact[0] != '\0')
		sip_build_addr(b, SIP_HDR_CONTACT, NULL, u->contact, NULL);
	sip_build_hdrf(b, SIP_HDR_EXPIRES, "%u", u->expires);
	if (u->ua != NULL)
		sip_build_hdr(b, SIP_HDR_USER_AGENT, u->ua);
	if (auth != NULL) {
		GString *v = g_string_new(NULL);

		ck_assert_int_eq(sip_auth_resp_build(auth, v), 0);
		sip_build_hdr(b, SIP_HDR_AUTHORIZATION, v->str);
		g_string_free(v, TRUE);
	}
	req = sip_build_finish(b, NULL, NULL, 0);
	ck_assert_int_eq(sip_ctrans_new(&ct, u->tp, req, &dst, u->proto, uac_resp, uac_err, u), 0);
	g_bytes_unref(req);
	g_free(aor);
}

/* Starts a registration attempt now (REGISTER without credentials). */
static void uac_register(struct uac *u)
{
	uac_send(u, NULL);
}

static void uac_register_later(struct sim *sim, void *arg)
{
	(void)sim;
	uac_register(arg);
}

/* Schedules U's next attempt at absolute time T. */
static void uac_register_at(struct uac *u, int64_t t)
{
	sim_timer_start_at(u->w->sim, &u->timer, t, uac_register_later, u);
}

/* The codes U received, "401 200". */
static char *uac_codes(const struct uac *u)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < u->resps->len; i++)
		g_string_append_printf(s, "%s%u", i ? " " : "",
				       g_array_index(u->resps, struct resp, i).code);
	return g_string_free(s, FALSE);
}

static const struct resp *uac_resp_at(const struct uac *u, guint i)
{
	ck_assert_uint_lt(i, u->resps->len);
	return &g_array_index(u->resps, struct resp, i);
}

#define ck_assert_codes(u, expect) do { \
	char *c_ = uac_codes(u); \
	ck_assert_str_eq(c_, expect); \
	g_free(c_); \
} while (0)

/* ---------------------------------------------------------------- helpers */

static void run_to(struct world *w, int64_t t)
{
	sim_run(w->sim, t);
}

static const struct os_access *acc_at(const struct world *w, guint i)
{
	ck_assert_uint_lt(i, w->os->access->len);
	return g_ptr_array_index(w->os->access, i);
}

static const struct os_port *port(const struct world *w, size_t i)
{
	return &w->os->ports[i];
}

/* The status view (DM 6.2.3) as text (g_free it). */
static char *status_text(const struct world *w)
{
	GString *s = g_string_new(NULL);

	officeserv_write_status(w->os, s);
	return g_string_free(s, FALSE);
}

static char *access_text(const struct world *w)
{
	GString *s = g_string_new(NULL);

	officeserv_write_access_log(w->os, s);
	return g_string_free(s, FALSE);
}

#define STATUS_HEADER "Tel Number  Current Status  Phone Type        Public IP Address  " \
	"Public Port  Signal Port  Protocol\n"

/* ---------------------------------------------------------------- REG-04: the ladder */

/* Given 2001 at SIPP1, when it registers, then exactly REGISTER > 401 > REGISTER(Authorization,
 * CSeq+1) > 200 OK with the challenge's realm the MP address, qop auth, MD5, and the 200 granting
 * the SIP Expire Time (600 s) whatever the phone asked (3600). */
START_TEST(test_ladder)
{
	struct world *w = world_new();
	struct uac *u;
	static const char *const lines[] = {
		"REGISTER sip:10.0.0.1 SIP/2.0\r\n", "SIP/2.0 401 Unauthorized\r\n",
		"REGISTER sip:10.0.0.1 SIP/2.0\r\n", "SIP/2.0 200 OK\r\n",
	};
	static const int64_t times[] = { 0, 1 * SIM_MS, 2 * SIM_MS, 3 * SIM_MS };
	const struct regev *e;

	world_start(w);
	u = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	uac_register(u);
	run_to(w, 10 * SIM_S);

	ck_assert_uint_eq(w->pkts->len, 4);
	for (guint i = 0; i < 4; i++) {
		const struct pkt *k = g_ptr_array_index(w->pkts, i);

		ck_assert_msg(g_str_has_prefix(k->text, lines[i]), "message %u: %s", i, k->text);
		ck_assert_int_eq(k->t, times[i]);
		ck_assert_uint_eq(k->src, i % 2 ? IP_OS : IP_P1);
	}
	/* the second REGISTER carries Authorization, the first does not */
	ck_assert_ptr_null(strstr(((struct pkt *)g_ptr_array_index(w->pkts, 0))->text,
				  "Authorization:"));
	ck_assert_ptr_nonnull(strstr(((struct pkt *)g_ptr_array_index(w->pkts, 2))->text,
				     "Authorization: Digest username=\"sipp2001\""));
	ck_assert_codes(u, "401 200");
	ck_assert_str_eq(uac_resp_at(u, 0)->realm, "10.0.0.1");
	ck_assert(uac_resp_at(u, 0)->qop_auth);
	ck_assert(uac_resp_at(u, 0)->alg_md5);
	ck_assert(!uac_resp_at(u, 0)->stale);
	ck_assert(uac_resp_at(u, 0)->to_tag);
	ck_assert_uint_eq(uac_resp_at(u, 0)->cseq, 1);
	ck_assert_uint_eq(uac_resp_at(u, 1)->cseq, 2);
	ck_assert(uac_resp_at(u, 1)->to_tag);
	ck_assert_int_eq(uac_resp_at(u, 1)->contact_expires, 600);
	ck_assert_int_eq(uac_resp_at(u, 1)->expires_hdr, 600);
	ck_assert_uint_eq(uac_resp_at(u, 1)->contacts, 1);

	ck_assert_uint_eq(officeserv_registered(w->os), 1);
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_REGISTERED);
	ck_assert_int_eq(port(w, 0)->expires_at, 600 * SIM_S + 3 * SIM_MS);
	ck_assert_str_eq(port(w, 0)->contact_uri, "sip:2001@10.0.0.11:5060");
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 1);
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_samsung), 0);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_challenged, 1);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_ok, 1);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_failed, 0);
	ck_assert_uint_eq(w->os->access->len, 0);   /* ACC-01 reading: successes are not logged */

	ck_assert_uint_eq(w->regs->len, 2);
	e = &g_array_index(w->regs, struct regev, 0);
	ck_assert(e->challenged && !e->ok);
	ck_assert_str_eq(e->station, "2001");
	ck_assert_str_eq(e->lane, "SIPP1");
	e = &g_array_index(w->regs, struct regev, 1);
	ck_assert(e->ok && !e->challenged && !e->unregister);
	ck_assert_int_eq(e->expires_ns, 600 * SIM_S);
	ck_assert_int_eq(e->t, 3 * SIM_MS);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- STAT-01..05 */

/* Given 2001 registered then unregistered over UDP (third party), 2002 registered over TCP with a
 * Samsung User-Agent and 2003 never registered, then the status view reads exactly so: the TCP
 * phone's public port is its connection's, its signal port the Contact's (STAT-05). */
START_TEST(test_status_view)
{
	struct world *w = world_new();
	struct uac *a, *b;
	char *s;

	world_start(w);
	a = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	b = uac_new(w, "SIPP2", IP_P2, "2002", "sipp2002", passwords[1]);
	b->proto = SIM_NET_TCP;
	b->ua = "SAMSUNG SMT-i5210 V1.2";
	g_strlcpy(b->contact, "sip:2002@10.0.0.12:5060;transport=tcp", sizeof(b->contact));
	uac_register(a);
	uac_register(b);
	run_to(w, 5 * SIM_S);
	a->expires = 0;
	uac_register(a);
	run_to(w, 10 * SIM_S);

	ck_assert_codes(a, "401 200 401 200");
	ck_assert_codes(b, "401 200");
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_samsung), 1);
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 0);
	s = status_text(w);
	ck_assert_str_eq(s, STATUS_HEADER
		"2001        Not Registered  Non Samsung SIPP  10.0.0.11          5060         "
		"5060         UDP\n"
		"2002        Registered      Samsung SIPP      10.0.0.12          49152        "
		"5060         TCP\n"
		"2003        Not Registered  Disconnected      0.0.0.0            0            "
		"0            -\n");
	g_free(s);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- REG-06, UID-04, PWD-03 */

static const struct bad_creds_row {
	const char *user, *password;
} bad_creds_rows[] = {
	{ "sipp2001", "wrongpw1" },      /* PWD-03: a wrong password */
	{ "2001", "pw2001ab" },          /* UID-04, REG-09: Tel Number as username */
};

/* Given bad credentials, when 2001 registers, then 401 then 403, one Access Information row
 * 'SIP REGISTER AUTH Invalid' with the IP and the Tel Number, no binding, cause "auth". */
START_TEST(test_bad_creds)
{
	const struct bad_creds_row *row = &bad_creds_rows[_i];
	struct world *w = world_new();
	struct uac *u;
	const struct os_access *a;
	const struct regev *e;

	world_start(w);
	u = uac_new(w, "SIPP1", IP_P1, "2001", row->user, row->password);
	uac_register(u);
	run_to(w, 10 * SIM_S);

	ck_assert_codes(u, "401 403");
	ck_assert(uac_resp_at(u, 1)->to_tag);
	ck_assert_uint_eq(w->os->access->len, 1);
	a = acc_at(w, 0);
	ck_assert_str_eq(a->reason, "SIP REGISTER AUTH Invalid");
	ck_assert_uint_eq(a->ip, IP_P1);
	ck_assert_str_eq(a->caller_id, "2001");
	ck_assert_int_eq(a->time, 3 * SIM_MS);
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_DISCONNECTED);
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 0);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_failed, 1);
	e = &g_array_index(w->regs, struct regev, w->regs->len - 1);
	ck_assert(!e->ok);
	ck_assert_str_eq(e->cause, "auth");
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- ACC-02, WL-01 */

/* Given an unknown Tel Number (2999) from a listed IP, or 2001 from an unlisted IP, then 403 at
 * once (not challenged) and the row 'SIP REGISTER IP/TELNO Invalid'. */
static const struct telno_row {
	const char *name;
	uint32_t ip;
	const char *tel;
	const char *cause;
} telno_rows[] = {
	{ "SIPP1", IP_P1, "2999", "telno" },
	{ "Rogue", IP_ROGUE, "2001", "white-list" },
};

START_TEST(test_telno_invalid)
{
	const struct telno_row *row = &telno_rows[_i];
	struct world *w = world_new();
	struct uac *u;
	const struct regev *e;

	world_start(w);
	u = uac_new(w, row->name, row->ip, row->tel, "sipp2001", passwords[0]);
	uac_register(u);
	run_to(w, 10 * SIM_S);

	ck_assert_codes(u, "403");
	ck_assert_uint_eq(w->os->access->len, 1);
	ck_assert_str_eq(acc_at(w, 0)->reason, "SIP REGISTER IP/TELNO Invalid");
	ck_assert_uint_eq(acc_at(w, 0)->ip, row->ip);
	ck_assert_str_eq(acc_at(w, 0)->caller_id, row->tel);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_challenged, 0);
	ck_assert_uint_eq(officeserv_registered(w->os), 0);
	ck_assert_uint_eq(w->regs->len, 1);
	e = &g_array_index(w->regs, struct regev, 0);
	ck_assert_str_eq(e->cause, row->cause);
	ck_assert_str_eq(e->lane, row->name);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- LIC-02/03, CAP-01 */

/* Given 2 third-party licences, when three non-Samsung phones register, then the third gets 403
 * and 'SIP REGISTER LICENSE Over', and a registered phone still refreshes (LIC-03). */
START_TEST(test_licence_over)
{
	struct world *w = world_new();
	struct uac *a, *b, *c;

	world_start(w);
	a = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	b = uac_new(w, "SIPP2", IP_P2, "2002", "sipp2002", passwords[1]);
	c = uac_new(w, "SIPP3", IP_P3, "2003", "sipp2003", passwords[2]);
	a->ua = b->ua = c->ua = "X-Lite release 1103m";
	uac_register(a);
	uac_register(b);
	run_to(w, SIM_S);
	uac_register(c);
	run_to(w, 2 * SIM_S);
	uac_register(a);     /* a refresh */
	run_to(w, 3 * SIM_S);

	ck_assert_codes(a, "401 200 401 200");
	ck_assert_codes(b, "401 200");
	ck_assert_codes(c, "401 403");
	ck_assert_uint_eq(w->os->access->len, 1);
	ck_assert_str_eq(acc_at(w, 0)->reason, "SIP REGISTER LICENSE Over");
	ck_assert_str_eq(acc_at(w, 0)->caller_id, "2003");
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 2);
	ck_assert_uint_eq(media_pool_refusals(w->os->lic_third), 1);
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_samsung), 0);   /* LIC-02: not admitted */
	ck_assert_int_eq(port(w, 2)->status, OS_PORT_DISCONNECTED);
	ck_assert_str_eq(g_array_index(w->regs, struct regev, w->regs->len - 3).cause, "licence");
	world_free(w);
}
END_TEST

/* Given a model capacity of 2 stations (CAP-01) and plenty of licences, then the third station
 * gets 'SIP REGISTER CAPACITY Over' and the licence it took is given back. */
START_TEST(test_capacity_over)
{
	struct world *w = world_new();
	struct uac *a, *b, *c;

	w->model.sip_stations = 2;
	w->dm.licence.third_party_sip_phone = 5;
	world_start(w);
	ck_assert_uint_eq(w->os->capacity, 2);
	a = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	b = uac_new(w, "SIPP2", IP_P2, "2002", "sipp2002", passwords[1]);
	c = uac_new(w, "SIPP3", IP_P3, "2003", "sipp2003", passwords[2]);
	uac_register(a);
	uac_register(b);
	run_to(w, SIM_S);
	uac_register(c);
	run_to(w, 2 * SIM_S);

	ck_assert_codes(c, "401 403");
	ck_assert_str_eq(acc_at(w, 0)->reason, "SIP REGISTER CAPACITY Over");
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 2);
	ck_assert_uint_eq(officeserv_registered(w->os), 2);
	ck_assert(!port(w, 2)->licence);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- SEC-03, ACC-03 */

/* Given Comm Exclusive = No Response, when an unlisted IP sends one REGISTER, then nothing is
 * ever answered, every copy is logged at 0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5 ... 31.5 s (+1 ms
 * link), the phone gives up at timer F, and the copies count as one failure (no block). */
START_TEST(test_no_response_acc03)
{
	static const int64_t offs_ms[] = { 0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500,
					   27500, 31500 };
	struct world *w = world_new();
	struct uac *u;
	char *log;

	w->dm.options.comm_exclusive = OS_DM_COMM_NO_RESPONSE;
	world_start(w);
	u = uac_new(w, "Rogue", IP_ROGUE, "2001", "sipp2001", passwords[0]);
	uac_register(u);
	run_to(w, 40 * SIM_S);

	ck_assert_codes(u, "");
	ck_assert_int_eq(u->err, ETIMEDOUT);
	ck_assert_int_eq(u->err_time, 32 * SIM_S);
	ck_assert_uint_eq(w->os->access->len, G_N_ELEMENTS(offs_ms));
	for (guint i = 0; i < G_N_ELEMENTS(offs_ms); i++) {
		ck_assert_int_eq(acc_at(w, i)->time, offs_ms[i] * SIM_MS + SIM_MS);
		ck_assert_str_eq(acc_at(w, i)->reason, "SIP REGISTER IP/TELNO Invalid");
	}
	for (guint i = 0; i < w->pkts->len; i++)
		ck_assert_uint_ne(((struct pkt *)g_ptr_array_index(w->pkts, i))->src, IP_OS);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_failed, G_N_ELEMENTS(offs_ms));
	ck_assert(!os_blocked(w->os, IP_ROGUE));
	log = access_text(w);
	ck_assert(g_str_has_prefix(log,
		"Access Information\n"
		"Time          IP Address       Caller ID   Reason\n"
		"0.001         10.0.1.66        2001        SIP REGISTER IP/TELNO Invalid\n"
		"0.501         10.0.1.66        2001        SIP REGISTER IP/TELNO Invalid\n"
		"1.501         10.0.1.66        2001        SIP REGISTER IP/TELNO Invalid\n"
		"3.501         10.0.1.66        2001        SIP REGISTER IP/TELNO Invalid\n"
		"7.501         10.0.1.66        2001        SIP REGISTER IP/TELNO Invalid\n"
		"11.501        10.0.1.66        2001        SIP REGISTER IP/TELNO Invalid\n"
		"15.501        10.0.1.66        2001        SIP REGISTER IP/TELNO Invalid\n"));
	g_free(log);

	/* a second attempt (a new branch) is the second failure: the IP is now blocked */
	uac_register(u);
	run_to(w, 41 * SIM_S);
	ck_assert(os_blocked(w->os, IP_ROGUE));
	world_free(w);
}
END_TEST

/* Given No Response, an unknown Tel Number is not even challenged while a known one from a listed
 * address still is (SEC-03 suggestion). */
START_TEST(test_no_response_challenge)
{
	struct world *w = world_new();
	struct uac *a, *b;

	w->dm.options.comm_exclusive = OS_DM_COMM_NO_RESPONSE;
	world_start(w);
	a = uac_new(w, "SIPP1", IP_P1, "2999", "sipp2001", passwords[0]);
	b = uac_new(w, "SIPP2", IP_P2, "2002", "sipp2002", passwords[1]);
	uac_register(a);
	uac_register(b);
	run_to(w, 40 * SIM_S);

	ck_assert_codes(a, "");
	ck_assert_int_eq(a->err, ETIMEDOUT);
	ck_assert_codes(b, "401 200");
	ck_assert_int_eq(port(w, 1)->status, OS_PORT_REGISTERED);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- SEC-04, SEC-05 */

/* Given Response mode and a retry limit of 2, when SIPP1 fails twice (wrong password), then the
 * third attempt, with the right password, is dropped unanswered and logged 'Blocked' for each
 * copy, other requests are dropped too, and 60 s after the second failure the block lifts with
 * its failures forgotten: one more failure does not block, the right password registers. */
START_TEST(test_block)
{
	struct world *w = world_new();
	struct uac *u;
	guint blocked = 0;

	world_start(w);
	u = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", "wrongpw1");
	uac_register(u);                         /* failure 1 at 0.003 */
	run_to(w, SIM_S);
	uac_register(u);                         /* failure 2 at 1.003: blocked until 61.003 */
	run_to(w, 2 * SIM_S);
	ck_assert_codes(u, "401 403 401 403");
	ck_assert(os_blocked(w->os, IP_P1));
	uac_creds(u, "sipp2001", passwords[0]);
	uac_register(u);                         /* blocked */
	run_to(w, 40 * SIM_S);
	ck_assert_codes(u, "401 403 401 403");
	ck_assert_int_eq(u->err, ETIMEDOUT);
	for (guint i = 0; i < w->os->access->len; i++)
		blocked += strcmp(acc_at(w, i)->reason, "SIP REGISTER Blocked") == 0;
	ck_assert_uint_eq(blocked, 11);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_blocked, 11);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_failed, 2);
	ck_assert_int_eq(acc_at(w, 2)->time, 2 * SIM_S + SIM_MS);
	ck_assert_str_eq(g_array_index(w->regs, struct regev, w->regs->len - 1).cause, "blocked");

	run_to(w, 61 * SIM_S + 3 * SIM_MS - 1);
	ck_assert(os_blocked(w->os, IP_P1));
	run_to(w, 61 * SIM_S + 3 * SIM_MS);
	ck_assert(!os_blocked(w->os, IP_P1));

	uac_creds(u, "sipp2001", "wrongpw1");
	uac_register_at(u, 61500 * SIM_MS);     /* failure 1 of a fresh count */
	run_to(w, 62 * SIM_S);
	ck_assert_codes(u, "401 403 401 403 401 403");
	ck_assert(!os_blocked(w->os, IP_P1));
	uac_creds(u, "sipp2001", passwords[0]);
	uac_register(u);
	run_to(w, 63 * SIM_S);
	ck_assert_codes(u, "401 403 401 403 401 403 401 200");
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_REGISTERED);
	/* the success forgot the failure: two more would be needed for a block */
	ck_assert_ptr_null(g_hash_table_lookup(w->os->blocks, GUINT_TO_POINTER(IP_P1)));
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- STK-04, STAT-04 */

/* Given 2001 registered at 3 ms, then at 600.003 s the binding lapses: Not Registered with its
 * last address kept, the licence back, an "expired" trace; a refresh before restarts the timer. */
START_TEST(test_expiry)
{
	struct world *w = world_new();
	struct uac *u;
	char *s;
	const struct regev *e;

	world_start(w);
	u = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	uac_register(u);
	run_to(w, 600 * SIM_S + 3 * SIM_MS - 1);
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_REGISTERED);
	run_to(w, 600 * SIM_S + 3 * SIM_MS);
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_NOT_REGISTERED);
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 0);
	ck_assert(!port(w, 0)->licence);
	ck_assert_uint_eq(officeserv_stats(w->os).expired, 1);
	e = &g_array_index(w->regs, struct regev, w->regs->len - 1);
	ck_assert(!e->ok);
	ck_assert_str_eq(e->cause, "expired");
	ck_assert_str_eq(e->station, "2001");
	ck_assert_str_eq(e->lane, "SIPP1");
	s = status_text(w);
	ck_assert_str_eq(s, STATUS_HEADER
		"2001        Not Registered  Non Samsung SIPP  10.0.0.11          5060         "
		"5060         UDP\n"
		"2002        Not Registered  Disconnected      0.0.0.0            0            "
		"0            -\n"
		"2003        Not Registered  Disconnected      0.0.0.0            0            "
		"0            -\n");
	g_free(s);

	/* registered again at 700.003, refreshed at 1000.003: lapses at 1600.003, not 1300.003 */
	uac_register_at(u, 700 * SIM_S);
	run_to(w, 1000 * SIM_S);
	uac_register(u);
	run_to(w, 1600 * SIM_S + 3 * SIM_MS - 1);
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_REGISTERED);
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 1);
	run_to(w, 1600 * SIM_S + 3 * SIM_MS);
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_NOT_REGISTERED);
	ck_assert_uint_eq(officeserv_stats(w->os).expired, 2);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_ok, 3);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- RFC 3261 10.2.2, 10.3 */

/* Given 2001 registered, when it sends Expires: 0, then 200 OK without Contact, Not Registered,
 * the licence back, an unregister trace. */
START_TEST(test_unregister)
{
	struct world *w = world_new();
	struct uac *u;
	const struct regev *e;

	world_start(w);
	u = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	uac_register(u);
	run_to(w, 10 * SIM_S);
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 1);
	u->expires = 0;
	uac_register(u);
	run_to(w, 20 * SIM_S);

	ck_assert_codes(u, "401 200 401 200");
	ck_assert_uint_eq(uac_resp_at(u, 3)->contacts, 0);
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_NOT_REGISTERED);
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 0);
	ck_assert_uint_eq(officeserv_stats(w->os).unregistered, 1);
	ck_assert(!sim_timer_pending(&port(w, 0)->expiry));
	e = &g_array_index(w->regs, struct regev, w->regs->len - 1);
	ck_assert(e->ok && e->unregister);
	world_free(w);
}
END_TEST

/* Given 2001 registered at 3 ms, when it sends a REGISTER without Contact at 100 s, then 200 OK
 * lists its binding with the 500 s left (RFC 3261 10.3 step 8), and nothing changes. */
START_TEST(test_query)
{
	struct world *w = world_new();
	struct uac *u;

	world_start(w);
	u = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	uac_register(u);
	uac_register_at(u, 100 * SIM_S);
	run_to(w, 99 * SIM_S);
	u->contact[0] = '\0';
	run_to(w, 110 * SIM_S);

	ck_assert_codes(u, "401 200 401 200");
	ck_assert_int_eq(uac_resp_at(u, 3)->contact_expires, 500);
	ck_assert_int_eq(port(w, 0)->expires_at, 600 * SIM_S + 3 * SIM_MS);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_ok, 1);
	world_free(w);
}
END_TEST

/* Given a challenge answered after the 300 s nonce lifetime, then a fresh 401 with stale=true,
 * which the phone answers at once and registers (RFC 2617 3.2.1); no failure is counted. */
START_TEST(test_stale_nonce)
{
	struct world *w = world_new();
	struct uac *u;

	world_start(w);
	u = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	u->answer_delay = 301 * SIM_S;
	uac_register(u);
	run_to(w, 400 * SIM_S);

	ck_assert_codes(u, "401 401 200");
	ck_assert(!uac_resp_at(u, 0)->stale);
	ck_assert(uac_resp_at(u, 1)->stale);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_failed, 0);
	ck_assert_uint_eq(officeserv_stats(w->os).reg_challenged, 2);
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_REGISTERED);
	world_free(w);
}
END_TEST

/* STAT-02 suggestion: a failed attempt against a registered port leaves its binding alone. */
START_TEST(test_failure_keeps_binding)
{
	struct world *w = world_new();
	struct uac *u;

	world_start(w);
	u = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	uac_register(u);
	run_to(w, 10 * SIM_S);
	uac_creds(u, "sipp2001", "wrongpw1");
	uac_register(u);
	run_to(w, 20 * SIM_S);

	ck_assert_codes(u, "401 200 401 403");
	ck_assert_int_eq(port(w, 0)->status, OS_PORT_REGISTERED);
	ck_assert(port(w, 0)->licence);
	ck_assert_uint_eq(media_pool_in_use(w->os->lic_third), 1);
	ck_assert(sim_timer_pending(&port(w, 0)->expiry));
	ck_assert_int_eq(port(w, 0)->expires_at, 600 * SIM_S + 3 * SIM_MS);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- NATC-02/03, STK-06, PRIV */

static const struct nat_row {
	bool rogue;                  /* station 2003 (white list off, WL-02) from 10.0.1.66 */
	const char *contact;
	enum os_dm_natcheck check;
	bool private_entry;          /* DM 5.2.8 lists 10.0.1.255 (PRIV-04) */
	const char *target;          /* os_port_target */
	bool public;
	int64_t granted;             /* s */
} nat_rows[] = {
	/* a private Contact behind a NAT: IP sends to it literally (NATC-02 reading) */
	{ false, "sip:2001@192.168.1.10:5060", OS_DM_NATCHECK_IP, false, "192.168.1.10:5060",
	  true, 60 },
	{ false, "sip:2001@192.168.1.10:5060", OS_DM_NATCHECK_IP_PORT, false, "10.0.0.11:5060",
	  true, 60 },
	/* only the port differs: IP keeps the Contact, IP & Port takes the source (NATC-03) */
	{ false, "sip:2001@10.0.0.11:5062", OS_DM_NATCHECK_IP, false, "10.0.0.11:5062", true, 60 },
	{ false, "sip:2001@10.0.0.11:5062", OS_DM_NATCHECK_IP_PORT, false, "10.0.0.11:5060",
	  true, 60 },
	/* source = Contact on the MP's subnet: a LAN phone, SIP Expire Time */
	{ false, "sip:2001@10.0.0.11:5060", OS_DM_NATCHECK_IP_PORT, false, "10.0.0.11:5060",
	  false, 600 },
	/* a Contact host we cannot read as IPv4: the source */
	{ false, "sip:2001@phone.example.com", OS_DM_NATCHECK_IP, false, "10.0.0.11:5060",
	  false, 600 },
	/* outside the subnet (PRIV-02), unless DM 5.2.8 lists it (PRIV-04) */
	{ true, "sip:2003@10.0.1.66:5060", OS_DM_NATCHECK_IP, false, "10.0.1.66:5060", true, 60 },
	{ true, "sip:2003@10.0.1.66:5060", OS_DM_NATCHECK_IP, true, "10.0.1.66:5060", false, 600 },
};

START_TEST(test_nat)
{
	const struct nat_row *row = &nat_rows[_i];
	struct world *w = world_new();
	size_t pi = row->rogue ? 2 : 0;
	struct uac *u;
	struct sim_addr t;
	char buf[32];

	w->st[2].use_white_list = false;
	w->st[pi].nat_check = row->check;
	w->priv.ip = IP(10, 0, 1, 255);
	w->priv.net = IP(10, 0, 1, 0);
	w->priv.mask = 0xffffff00u;
	if (row->private_entry) {
		w->dm.private_ips = &w->priv;
		w->dm.n_private_ips = 1;
	}
	world_start(w);
	if (row->rogue)
		u = uac_new(w, "Rogue", IP_ROGUE, "2003", "sipp2003", passwords[2]);
	else
		u = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	g_strlcpy(u->contact, row->contact, sizeof(u->contact));
	uac_register(u);
	run_to(w, 10 * SIM_S);

	ck_assert_codes(u, "401 200");
	ck_assert_int_eq(uac_resp_at(u, 1)->contact_expires, row->granted);
	ck_assert_int_eq(uac_resp_at(u, 1)->expires_hdr, row->granted);
	ck_assert_int_eq(port(w, pi)->expires_at, row->granted * SIM_S + 3 * SIM_MS);
	ck_assert(os_port_public(port(w, pi)) == row->public);
	t = os_port_target(port(w, pi));
	ck_assert_str_eq(sim_addr_str(&t, buf, sizeof(buf)), row->target);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- PWD-04 */

/* Given successes, failures and an expiry, no status view, Access Information text or message on
 * the wire ever holds a station's password; the wire carries the digest only. */
START_TEST(test_no_password)
{
	struct world *w = world_new();
	struct uac *a, *b, *c;
	char *s, *l;

	world_start(w);
	a = uac_new(w, "SIPP1", IP_P1, "2001", "sipp2001", passwords[0]);
	b = uac_new(w, "SIPP2", IP_P2, "2002", "sipp2002", "wrongpw1");
	c = uac_new(w, "Rogue", IP_ROGUE, "2003", "sipp2003", passwords[2]);
	uac_register(a);
	uac_register(b);
	uac_register(c);
	run_to(w, 700 * SIM_S);
	ck_assert_codes(a, "401 200");
	ck_assert_codes(b, "401 403");
	ck_assert_codes(c, "403");
	ck_assert_uint_eq(officeserv_stats(w->os).expired, 1);

	s = status_text(w);
	l = access_text(w);
	ck_assert_uint_eq(w->os->access->len, 2);
	ck_assert_uint_ge(w->pkts->len, 7);
	for (size_t i = 0; i < G_N_ELEMENTS(passwords); i++) {
		ck_assert_ptr_null(strstr(s, passwords[i]));
		ck_assert_ptr_null(strstr(l, passwords[i]));
		for (guint k = 0; k < w->pkts->len; k++) {
			const struct pkt *p = g_ptr_array_index(w->pkts, k);

			ck_assert_ptr_null(strstr(p->text, passwords[i]));
		}
	}
	g_free(s);
	g_free(l);
	world_free(w);
}
END_TEST

/* ---------------------------------------------------------------- the suite */

static Suite *registrar_suite(void)
{
	Suite *s = suite_create("registrar");
	TCase *tc;

	tc = tcase_create("register");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ladder);
	tcase_add_test(tc, test_status_view);
	tcase_add_loop_test(tc, test_bad_creds, 0, (int)G_N_ELEMENTS(bad_creds_rows));
	tcase_add_loop_test(tc, test_telno_invalid, 0, (int)G_N_ELEMENTS(telno_rows));
	tcase_add_test(tc, test_unregister);
	tcase_add_test(tc, test_query);
	tcase_add_test(tc, test_stale_nonce);
	tcase_add_test(tc, test_failure_keeps_binding);
	tcase_add_test(tc, test_expiry);
	suite_add_tcase(s, tc);

	tc = tcase_create("resources");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_licence_over);
	tcase_add_test(tc, test_capacity_over);
	suite_add_tcase(s, tc);

	tc = tcase_create("security");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_no_response_acc03);
	tcase_add_test(tc, test_no_response_challenge);
	tcase_add_test(tc, test_block);
	tcase_add_test(tc, test_no_password);
	suite_add_tcase(s, tc);

	tc = tcase_create("nat");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_nat, 0, (int)G_N_ELEMENTS(nat_rows));
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite; exit status 0 when every test passed. */
int main(void)
{
	SRunner *sr = srunner_create(registrar_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
