/*
 * officeserv.c - the OfficeServ entity: its life, its SIP transport on the Signal Port, and the
 * dispatch of what arrives to the registrar (registrar.c) and call control (call.c). Messages
 * from an address under a block (SEC-05, SEC-06) are dropped here unanswered, before anything
 * else looks at them; REGISTERs go to the registrar even then, because it logs them (ACC-01).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "models/officeserv/os_priv.h"
#include "models/sip/build.h"

void officeserv_cfg_init(struct officeserv_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = "OfficeServ";
	cfg->mgi_name = "MGI";
	cfg->mps_name = "MPS";
	sip_timers_default(&cfg->timers);
	cfg->no_port_status = 503;   /* MGI-09 */
}

/* Answers REQ on ST with CODE and nothing else. */
static void os_reply(struct sip_strans *st, uint16_t code)
{
	struct sip_build *b = sip_strans_reply_build(st, code, NULL, NULL);
	GBytes *resp;

	if (code == 200 || code == 405)
		sip_build_hdr(b, SIP_HDR_ALLOW, "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER");
	resp = sip_build_finish(b, NULL, NULL, 0);
	(void)sip_strans_reply(st, resp);   /* refs it */
	g_bytes_unref(resp);
}

/* The transport's request handler: one new request (ST NULL for a 2xx's ACK). */
static void os_on_request(struct sip_transport *tp, struct sip_strans *st,
			  const struct sip_msg *req, const struct sip_transport_src *src,
			  void *arg)
{
	struct officeserv *os = arg;
	enum sip_method m = sip_msg_method(req);

	(void)tp;
	if (m == SIP_METHOD_REGISTER) {
		os_registrar_request(os, st, req, src);
		return;
	}
	if (os_blocked(os, src->remote.ip)) {
		/* SEC-05: a block is a block, whatever the message. */
		os->stats.dropped_blocked++;
		if (st != NULL)
			sip_strans_discard(st);
		return;
	}
	switch (m) {
	case SIP_METHOD_ACK:
		os_call_ack(os, req, src);
		break;
	case SIP_METHOD_INVITE:
	case SIP_METHOD_BYE:
	case SIP_METHOD_CANCEL:
	case SIP_METHOD_UPDATE:
	case SIP_METHOD_INFO:
		os_call_request(os, st, req, src);
		break;
	case SIP_METHOD_OPTIONS:
		os_reply(st, 200);
		break;
	case SIP_METHOD_OTHER:
		os_reply(st, 501);
		break;
	default:
		/* PRACK, SUBSCRIBE, NOTIFY, REFER, MESSAGE ...: known, not offered here. */
		os_reply(st, 405);
		break;
	}
}

/* A response no client transaction matched: call control's (2xx retransmissions). */
static void os_on_stray(struct sip_transport *tp, const struct sip_msg *resp,
			const struct sip_transport_src *src, void *arg)
{
	(void)tp;
	os_call_stray_response(arg, resp, src);
}

static void os_destroy(struct sim_entity *e)
{
	(void)e;   /* officeserv_free does the work; the entity only names the server */
}

static const struct sim_entity_ops os_ops = { "officeserv", os_destroy };

struct officeserv *officeserv_new(struct sim *sim, struct sim_net *net,
				  const struct officeserv_cfg *cfg)
{
	struct officeserv *os = g_new0(struct officeserv, 1);
	const struct os_dm *dm = cfg->dm;
	struct sip_transport_cfg tc;

	os->sim = sim;
	os->net = net;
	os->cfg = *cfg;
	os->cfg.name = g_strdup(cfg->name);
	os->cfg.mgi_name = g_strdup(cfg->mgi_name);
	os->cfg.mps_name = g_strdup(cfg->mps_name);
	os->cfg.tdm = NULL;
	os->cfg.n_tdm = 0;
	os->dm = dm;
	if (sim_entity_init(sim, &os->ent, cfg->name, &os_ops) != 0) {
		g_warning("officeserv: the name %s is taken", cfg->name);
		g_free((char *)os->cfg.name);
		g_free((char *)os->cfg.mgi_name);
		g_free((char *)os->cfg.mps_name);
		g_free(os);
		return NULL;
	}
	sim_ip_str(dm->mp_ip, os->mp, sizeof(os->mp));
	sim_ip_str(dm->mgi_ip ? dm->mgi_ip : dm->mp_ip, os->mgi, sizeof(os->mgi));
	if (dm->public_mp_ip)
		sim_ip_str(dm->public_mp_ip, os->public_mp, sizeof(os->public_mp));
	if (dm->public_mgi_ip)
		sim_ip_str(dm->public_mgi_ip, os->public_mgi, sizeof(os->public_mgi));

	sip_transport_cfg_init(&tc);
	tc.port = (uint16_t)dm->options.signal_port;     /* STK-02 */
	tc.udp = true;
	tc.tcp = true;
	tc.tls = dm->options.tls;                        /* TLS-01, TLS-03 */
	tc.tls_port = (uint16_t)dm->options.tls_port;
	tc.timers = cfg->timers;
	os->tp = sip_transport_new(net, cfg->host, &tc);
	if (os->tp == NULL) {
		g_warning("officeserv: port %u is taken on %s", tc.port, os->mp);
		officeserv_free(os);
		return NULL;
	}
	sip_transport_set_handlers(os->tp, os_on_request, os_on_stray, os);

	os->tdm = g_new0(struct os_tdm, cfg->n_tdm ? cfg->n_tdm : 1);
	for (size_t i = 0; i < cfg->n_tdm; i++) {
		struct os_tdm *t = &os->tdm[i];

		t->cfg = cfg->tdm[i];
		t->cfg.name = g_strdup(cfg->tdm[i].name);
		t->cfg.station = g_strdup(cfg->tdm[i].station);
		t->cfg.access_code = g_strdup(cfg->tdm[i].access_code);
		if (t->cfg.channels == 0)
			t->cfg.channels = 1;
	}
	os->n_tdm = cfg->n_tdm;

	os->mgi_pool = media_pool_new(sim, cfg->mgi_name, os_dm_mgi_ports(dm));
	os->mps_pool = media_pool_new(sim, cfg->mps_name, dm->mps_channels);
	os->lic_samsung = media_pool_new(sim, "licence:sip-phone", dm->licence.sip_phone);
	os->lic_third = media_pool_new(sim, "licence:3rd-sip-phone",
				       dm->licence.third_party_sip_phone);
	os->capacity = os_dm_station_capacity(dm);
	os_registrar_init(os);
	os_call_init(os);
	return os;
}

void officeserv_free(struct officeserv *os)
{
	if (os == NULL)
		return;
	if (os->tp != NULL) {
		os_call_fini(os);
		os_registrar_fini(os);
	}
	sip_transport_free(os->tp);
	media_pool_free(os->mgi_pool);
	media_pool_free(os->mps_pool);
	media_pool_free(os->lic_samsung);
	media_pool_free(os->lic_third);
	for (size_t i = 0; i < os->n_tdm; i++) {
		g_free((char *)os->tdm[i].cfg.name);
		g_free((char *)os->tdm[i].cfg.station);
		g_free((char *)os->tdm[i].cfg.access_code);
	}
	g_free(os->tdm);
	sim_entity_release(&os->ent);
	g_free((char *)os->cfg.name);
	g_free((char *)os->cfg.mgi_name);
	g_free((char *)os->cfg.mps_name);
	g_free(os);
}

int officeserv_tdm_dial(struct officeserv *os, const char *name, const char *digits,
			const char *cli)
{
	struct os_tdm *t = os_tdm_find(os, name);

	return t == NULL ? ENOENT : os_call_tdm_dial(os, t, digits, cli);
}

int officeserv_tdm_answer(struct officeserv *os, const char *name)
{
	struct os_tdm *t = os_tdm_find(os, name);

	return t == NULL ? ENOENT : os_call_tdm_answer(os, t);
}

int officeserv_tdm_hang_up(struct officeserv *os, const char *name)
{
	struct os_tdm *t = os_tdm_find(os, name);

	return t == NULL ? ENOENT : os_call_tdm_hang_up(os, t);
}

struct os_tdm *os_tdm_find(struct officeserv *os, const char *name)
{
	for (size_t i = 0; i < os->n_tdm; i++)
		if (strcmp(os->tdm[i].cfg.name, name) == 0)
			return &os->tdm[i];
	return NULL;
}

struct os_tdm *os_tdm_by_station(struct officeserv *os, const char *tel, size_t len)
{
	for (size_t i = 0; i < os->n_tdm; i++) {
		const char *s = os->tdm[i].cfg.station;

		if (s != NULL && strlen(s) == len && memcmp(s, tel, len) == 0)
			return &os->tdm[i];
	}
	return NULL;
}

struct os_tdm *os_tdm_by_access_code(struct officeserv *os, const char *digits)
{
	for (size_t i = 0; i < os->n_tdm; i++) {
		const char *c = os->tdm[i].cfg.access_code;

		if (c != NULL && *c != '\0' && g_str_has_prefix(digits, c))
			return &os->tdm[i];
	}
	return NULL;
}

void os_trace_call(struct officeserv *os, const struct sim_trace_call *c)
{
	if (sim_trace_wanted(os->sim, SIM_TRACE_CALL))
		sim_trace_emit(os->sim, SIM_TRACE_CALL, os->cfg.name, c);
}

struct officeserv_stats officeserv_stats(const struct officeserv *os)
{
	return os->stats;
}

unsigned officeserv_registered(const struct officeserv *os)
{
	unsigned n = 0;

	for (size_t i = 0; i < os->n_ports; i++)
		n += os->ports[i].status == OS_PORT_REGISTERED;
	return n;
}
