/*
 * phone.c - the virtual SIP phone (phone.h): its entity and configuration, registration with
 * digest authentication, refresh and NAT keep-alive (RFC 3261 10.2, 22; RFC 3581; RFC 5626 3.5.1),
 * and the dispatch of what its transport receives. The call appearances live in phone_call.c.
 *
 * One registration attempt is one REGISTER, or two when the first is answered 401: the second
 * carries credentials, CSeq + 1, the same Call-ID and a new branch. Any other outcome ends the
 * attempt and is counted (reg_ok or reg_failed); the phone never retries by itself, only its
 * refresh timer (armed by the last 200 OK) or the script try again. Every identifier (Call-ID,
 * tags, branches, cnonce, SDP session ids) is drawn from the phone entity's own RNG stream, so a
 * run is reproducible under its seed and adding a phone changes no other phone's draws.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "models/phone/phone_priv.h"

static const struct sim_entity_ops phone_ops;

/* ---------------------------------------------------------------- configuration */

/* Neutral defaults (see phone.h). */
void phone_cfg_init(struct phone_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->port = 5060;
	cfg->transport = SIM_NET_UDP;
	cfg->registrar.port = 5060;
	cfg->user_agent = "ossim-phone";
	cfg->lines = 1;
	cfg->expires_ns = 3600 * SIM_S;
	cfg->refresh_granted = true;
	cfg->hold = PHONE_HOLD_SENDONLY;
	cfg->codecs[0] = "PCMU";
	cfg->n_codecs = 1;
	sip_timers_default(&cfg->timers);
}

/* True when S is a non-empty string of URI user / SDP token characters we accept in a Tel
 * Number (digits, letters, '-', '.', '_', '+'). */
static bool tel_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && !strchr("-._+", *s))
			return false;
	return true;
}

/* True when CFG can make a phone: the strings it needs, a line count and codecs SDP knows. */
static bool cfg_ok(const struct phone_cfg *cfg)
{
	struct sip_sdp_codec codec;

	if (!cfg->name || !*cfg->name || !cfg->host || !cfg->domain || !*cfg->domain ||
	    !tel_ok(cfg->tel) || cfg->lines < 1 || cfg->lines > PHONE_MAX_LINES ||
	    cfg->n_codecs < 1 || cfg->n_codecs > PHONE_MAX_CODECS || cfg->expires_ns < 0 ||
	    cfg->refresh_ns < 0 || cfg->nat_keepalive_ns < 0 || cfg->timers.t1 <= 0 ||
	    (cfg->transport != SIM_NET_UDP && cfg->transport != SIM_NET_TCP &&
	     cfg->transport != SIM_NET_TLS))
		return false;
	/* the domain goes into URIs as it is */
	for (const char *s = cfg->domain; *s; s++)
		if (!g_ascii_isalnum(*s) && !strchr("-._", *s))
			return false;
	for (size_t i = 0; i < cfg->n_codecs; i++)
		if (sip_sdp_codec_lookup(cfg->codecs[i], &codec) != 0)
			return false;
	return true;
}

/* ---------------------------------------------------------------- helpers (phone_priv.h) */

/* The phone entity's own RNG stream: the source of every identifier. */
gsl_rng *phone_rng(struct phone *p)
{
	return sim_entity_rng(&p->ent);
}

/* Publishes a user action on the phone's lane. */
void phone_note(struct phone *p, const char *text)
{
	sim_trace_note(p->sim, SIM_NOTE_ACTION, p->name, NULL, text, 0);
}

/* The Contact URI now: the learnt public address with contact_public. */
char *phone_contact_uri(const struct phone *p)
{
	char ip[16];
	uint16_t port = p->cfg.port;
	const char *suffix = p->cfg.transport == SIM_NET_TCP ? ";transport=tcp" :
			     p->cfg.transport == SIM_NET_TLS ? ";transport=tls" : "";

	if (p->cfg.contact_public && p->learnt) {
		sim_ip_str(p->pub_ip, ip, sizeof ip);
		port = p->pub_port;
	} else {
		g_strlcpy(ip, p->ip, sizeof ip);
	}
	return g_strdup_printf("sip:%s@%s:%u%s", p->tel, ip, port, suffix);
}

/* The SDP media address (public with contact_public, once learnt). */
void phone_media_addr(const struct phone *p, char out[16])
{
	if (p->cfg.contact_public && p->learnt)
		sim_ip_str(p->pub_ip, out, 16);
	else
		g_strlcpy(out, p->ip, 16);
}

/* A top Via for a new request: our address, a fresh branch, ;rport. */
void phone_via(struct phone *p, struct sip_dialog_via *via, char branch[SIP_BRANCH_SIZE])
{
	sip_build_branch(branch, phone_rng(p));
	*via = (struct sip_dialog_via){ p->via_proto, p->ip, p->cfg.port, branch, true };
}

/* Allow, Supported, User-Agent: what the profile advertises. */
void phone_build_ua_hdrs(const struct phone *p, struct sip_build *b)
{
	sip_build_hdr(b, SIP_HDR_ALLOW, SIP_BUILD_ALLOW);
	sip_build_hdr(b, SIP_HDR_SUPPORTED, SIP_BUILD_SUPPORTED);
	if (p->user_agent && *p->user_agent)
		sip_build_hdr(b, SIP_HDR_USER_AGENT, p->user_agent);
}

/* Where a URI sends us (see phone_priv.h). */
struct sim_addr phone_resolve(const struct phone *p, const char *uri)
{
	struct sim_addr a = p->cfg.registrar;
	struct sip_addr na;
	struct sip_uri u;
	char *host;
	uint32_t ip;

	if (!uri)
		return a;
	if (uri[0] == '<') {
		if (sip_addr_decode(&na, sip_pl_from_str(uri)) != 0)
			return a;
		u = na.uri;
	} else if (sip_uri_decode(&u, sip_pl_from_str(uri)) != 0) {
		return a;
	}
	if (u.scheme_id != SIP_URI_SIP && u.scheme_id != SIP_URI_SIPS)
		return a;
	host = sip_pl_dup(u.host);
	/* Over TCP/TLS a request to the OfficeServ's own address goes on the connection the phone
	 * keeps to it (RFC 3261 18.1.1 reuses a connection to the same address; the OfficeServ is
	 * the phone's only peer), whatever port its Contact names. */
	if (host && sim_ip_parse(host, &ip) == 0 &&
	    (p->cfg.transport == SIM_NET_UDP || ip != p->cfg.registrar.ip)) {
		a.ip = ip;
		a.port = sip_uri_port(&u);
	}
	g_free(host);
	return a;
}

/* A response to ST with our tag (and Contact on 1xx/2xx to INVITE). */
int phone_reply(struct phone *p, struct sip_strans *st, uint16_t code, const char *tag)
{
	struct sip_build *b = sip_strans_reply_build(st, code, NULL, tag ? tag : p->ua_tag);
	const struct sip_msg *req = sip_strans_request(st);
	GBytes *m;
	int rc;

	if (!b)
		return EINVAL;
	/* RFC 3261 12.1.1: a dialog-creating response carries the UAS's Contact */
	if (sip_msg_method(req) == SIP_METHOD_INVITE && code > 100 && code < 300) {
		char *contact = phone_contact_uri(p);

		sip_build_hdrf(b, SIP_HDR_CONTACT, "<%s>", contact);
		g_free(contact);
	}
	m = sip_build_finish(b, NULL, NULL, 0);
	rc = sip_strans_reply(st, m);
	g_bytes_unref(m);
	return rc;
}

/* ---------------------------------------------------------------- registration */

static void reg_resp(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg);
static void reg_err(struct sip_ctrans *ct, int err, void *arg);
static int reg_start(struct phone *p, bool unregister);

/* The address-of-record: sip:<tel>@<domain> (RFC 3261 10.2). */
static char *reg_aor(const struct phone *p)
{
	return g_strdup_printf("sip:%s@%s", p->tel, p->domain);
}

/* The Request-URI of REGISTER: sip:<domain>. */
static char *reg_ruri(const struct phone *p)
{
	return g_strdup_printf("sip:%s", p->domain);
}

/* Forgets the REGISTER transaction in flight (it runs to its end without us). */
static void reg_done(struct phone *p)
{
	if (!p->reg_ct)
		return;
	sip_ctrans_detach(p->reg_ct);
	sip_ctrans_unref(p->reg_ct);
	p->reg_ct = NULL;
}

/* The attempt failed: counted, and nothing more is tried (a running refresh timer stays). */
static void reg_fail(struct phone *p)
{
	reg_done(p);
	p->stats.reg_failed++;
}

/* Sends one REGISTER of the current attempt: CSeq + 1, a new branch, the attempt's Contact,
 * credentials AUTHZ (or none). Returns 0 or sip_ctrans_new's error. */
static int reg_send(struct phone *p, const char *authz)
{
	char *aor = reg_aor(p), *ruri = reg_ruri(p);
	struct sip_dialog_via via;
	char branch[SIP_BRANCH_SIZE];
	struct sip_ctrans *ct = NULL;
	struct sip_build *b;
	GBytes *msg;
	int rc;

	phone_via(p, &via, branch);
	b = sip_build_request(SIP_METHOD_REGISTER, NULL, ruri);
	if (!b) {
		g_free(aor);
		g_free(ruri);
		return EINVAL;
	}
	p->reg_cseq++;
	/* RFC 3581 3: ;rport asks the server for the source port we were seen from */
	sip_build_via(b, via.transport, via.host, via.port, via.branch, true);
	sip_build_hdr(b, SIP_HDR_MAX_FORWARDS, "70");
	sip_build_addr(b, SIP_HDR_FROM, NULL, aor, p->reg_tag);
	sip_build_addr(b, SIP_HDR_TO, NULL, aor, NULL);
	sip_build_hdr(b, SIP_HDR_CALL_ID, p->reg_callid);
	sip_build_cseq(b, p->reg_cseq, SIP_METHOD_REGISTER, NULL);
	sip_build_hdrf(b, SIP_HDR_CONTACT, "<%s>", p->reg_contact);
	if (authz)
		sip_build_hdr(b, SIP_HDR_AUTHORIZATION, authz);
	sip_build_hdrf(b, SIP_HDR_EXPIRES, "%" PRId64,
		       p->reg_unregister ? (int64_t)0 : p->cfg.expires_ns / SIM_S);
	sip_build_hdr(b, SIP_HDR_ALLOW, SIP_BUILD_ALLOW);
	if (p->user_agent && *p->user_agent)
		sip_build_hdr(b, SIP_HDR_USER_AGENT, p->user_agent);
	msg = sip_build_finish(b, NULL, NULL, 0);
	rc = sip_ctrans_new(&ct, p->tp, msg, &p->cfg.registrar, p->cfg.transport, reg_resp,
			    reg_err, p);
	if (rc == 0)
		p->reg_ct = sip_ctrans_ref(ct);
	g_bytes_unref(msg);
	g_free(aor);
	g_free(ruri);
	return rc;
}

/* RFC 3581 4: the server wrote where it saw us in the top Via (received=, rport=). With
 * contact_public the phone registers that address instead of its own. */
static void reg_learn(struct phone *p, const struct sip_msg *resp)
{
	const struct sip_via *via = sip_msg_via(resp);
	uint32_t ip = sim_host_ip(p->cfg.host);
	uint16_t port = p->cfg.port;
	char *s;

	if (!p->cfg.contact_public || !via)
		return;
	if (!sip_pl_isset(via->received) && (!sip_pl_isset(via->rport) || via->rport.l == 0))
		return;
	if (sip_pl_isset(via->received)) {
		s = sip_pl_dup(via->received);
		if (sim_ip_parse(s, &ip) != 0)
			ip = sim_host_ip(p->cfg.host);
		g_free(s);
	}
	if (sip_pl_isset(via->rport) && via->rport.l > 0) {
		uint64_t v = 0;

		s = sip_pl_dup(via->rport);
		if (g_ascii_string_to_unsigned(s, 10, 1, 65535, &v, NULL))
			port = (uint16_t)v;
		g_free(s);
	}
	p->learnt = ip != sim_host_ip(p->cfg.host) || port != p->cfg.port;
	p->pub_ip = ip;
	p->pub_port = port;
}

/* The expiry granted by a 200 OK (RFC 3261 10.2.4): the expires parameter of our Contact, else
 * the Expires header, else what we asked for. */
static int64_t reg_granted(const struct phone *p, const struct sip_msg *resp)
{
	int64_t asked = p->cfg.expires_ns / SIM_S;
	int64_t hdr = sip_msg_expires(resp);
	struct sip_uri mine;
	struct sip_addr a;

	if (sip_uri_decode(&mine, sip_pl_from_str(p->reg_contact)) == 0) {
		for (size_t i = 0; i < sip_msg_contact_count(resp); i++) {
			if (sip_msg_contact_at(resp, i, &a) != 0 || a.wildcard ||
			    !sip_uri_cmp(&a.uri, &mine))
				continue;
			return (int64_t)sip_msg_contact_expires(resp, &a,
								(uint32_t)MIN(asked, UINT32_MAX)) *
			       SIM_S;
		}
	}
	return (hdr >= 0 ? hdr : asked) * SIM_S;
}

static void on_refresh(struct sim *sim, void *arg);
static void on_keepalive(struct sim *sim, void *arg);

/* A 200 OK ends the attempt: the binding is in force (or removed, for Expires: 0). */
static void reg_ok(struct phone *p, const struct sip_msg *resp)
{
	int64_t delay;

	reg_done(p);
	p->stats.reg_ok++;
	if (p->reg_unregister) {
		p->registered = false;
		g_clear_pointer(&p->bound_contact, g_free);
		sim_timer_cancel(p->sim, &p->t_refresh);
		sim_timer_cancel(p->sim, &p->t_keepalive);
		return;
	}
	p->granted = reg_granted(p, resp);
	p->registered = p->granted > 0;
	p->reg_until = sim_now(p->sim) + p->granted;
	g_free(p->bound_contact);
	p->bound_contact = g_strdup(p->reg_contact);
	/* REG-04 / STK-05: at 90 % of the granted expiry, or the profile's own interval */
	delay = p->cfg.refresh_granted ? p->granted / 10 * 9 : p->cfg.refresh_ns;
	if (p->registered && delay > 0)
		sim_timer_start(p->sim, &p->t_refresh, delay, on_refresh, p);
	else
		sim_timer_cancel(p->sim, &p->t_refresh);
	if (p->registered && p->cfg.nat_keepalive_ns > 0 && p->cfg.transport == SIM_NET_UDP &&
	    !sim_timer_pending(&p->t_keepalive))
		sim_timer_start(p->sim, &p->t_keepalive, p->cfg.nat_keepalive_ns, on_keepalive, p);
	/* The first 200 registered our private address although the server told us the public
	 * one: register the public one at once (once; refreshes follow the learnt address). */
	if (!p->relearn_done) {
		p->relearn_done = true;
		if (p->cfg.contact_public && p->learnt) {
			char *c = phone_contact_uri(p);

			if (strcmp(c, p->bound_contact) != 0)
				reg_start(p, false);
			g_free(c);
		}
	}
}

/* Answers a 401 with digest credentials (RFC 3261 22.2, RFC 2617 3.2.2: qop=auth, nc counted
 * per nonce, a new cnonce): the same attempt, CSeq + 1. Returns 0 when the REGISTER went out. */
static int reg_answer_challenge(struct phone *p, const struct sip_msg *resp)
{
	struct sip_pl v = sip_msg_hdr(resp, SIP_HDR_WWW_AUTHENTICATE);
	struct sip_auth_challenge ch;
	struct sip_auth_resp r;
	char cnonce[17];
	char *ruri;
	GString *s;
	int rc;

	if (!sip_pl_isset(v) || sip_auth_challenge_parse(&ch, v.p, v.l) != 0)
		return EBADMSG;
	if (strcmp(ch.nonce, p->nonce) != 0) {
		g_strlcpy(p->nonce, ch.nonce, sizeof p->nonce);
		p->nc = 0;
	}
	sip_auth_cnonce(cnonce, phone_rng(p));
	ruri = reg_ruri(p);
	rc = sip_auth_creds_answer(p->creds, &ch, "REGISTER", ruri, p->nc + 1, cnonce, &r);
	g_free(ruri);
	if (rc != 0)
		return rc;
	p->nc++;
	s = g_string_new(NULL);
	rc = sip_auth_resp_build(&r, s);
	if (rc == 0) {
		reg_done(p);
		p->reg_auth_sent = true;
		if (!p->reg_unregister) {
			/* a public address learnt from the 401 goes into this REGISTER already */
			g_free(p->reg_contact);
			p->reg_contact = phone_contact_uri(p);
		}
		rc = reg_send(p, s->str);
	}
	g_string_free(s, TRUE);
	return rc;
}

/* A response to our REGISTER. */
static void reg_resp(struct sip_ctrans *ct, const struct sip_msg *resp, void *arg)
{
	struct phone *p = arg;
	uint16_t code = sip_msg_status(resp);

	if (ct != p->reg_ct)
		return;
	reg_learn(p, resp);
	if (code < 200)
		return;
	if (code < 300) {
		reg_ok(p, resp);
		return;
	}
	/* one answer to a challenge; a 401 to credentials, a 403 or anything else ends it */
	if (code == 401 && !p->reg_auth_sent && reg_answer_challenge(p, resp) == 0)
		return;
	reg_fail(p);
}

/* The REGISTER timed out (timer F: as a 408, RFC 3261 8.1.3.1) or could not be sent. */
static void reg_err(struct sip_ctrans *ct, int err, void *arg)
{
	struct phone *p = arg;

	(void)err;
	if (ct == p->reg_ct)
		reg_fail(p);
}

/* Starts a registration attempt (UNREGISTER: Expires: 0 for the registered Contact).
 * Returns 0, or EBUSY while another attempt is in flight. */
static int reg_start(struct phone *p, bool unregister)
{
	if (p->reg_ct)
		return EBUSY;
	p->reg_unregister = unregister;
	p->reg_auth_sent = false;
	g_free(p->reg_contact);
	if (unregister && p->bound_contact)
		p->reg_contact = g_strdup(p->bound_contact);
	else
		p->reg_contact = phone_contact_uri(p);
	if (unregister) {
		sim_timer_cancel(p->sim, &p->t_refresh);
		sim_timer_cancel(p->sim, &p->t_keepalive);
	}
	/* a stream that cannot be opened is a failed attempt, an outcome like a timeout */
	if (reg_send(p, NULL) != 0)
		reg_fail(p);
	return 0;
}

/* The refresh is due (a REGISTER still in flight will decide on its own). */
static void on_refresh(struct sim *sim, void *arg)
{
	struct phone *p = arg;

	(void)sim;
	if (!p->reg_ct)
		reg_start(p, false);
}

/* RFC 5626 3.5.1: a double CRLF keeps the NAT binding towards the registrar open. */
static void on_keepalive(struct sim *sim, void *arg)
{
	static const char crlf2[] = "\r\n\r\n";
	struct phone *p = arg;
	GBytes *b;

	if (!phone_registered(p))
		return;
	b = g_bytes_new_static(crlf2, sizeof crlf2 - 1);
	sip_transport_send(p->tp, SIM_NET_UDP, &p->cfg.registrar, b);
	g_bytes_unref(b);
	sim_timer_start(sim, &p->t_keepalive, p->cfg.nat_keepalive_ns, on_keepalive, p);
}

/* ---------------------------------------------------------------- what the transport hands us */

/* OPTIONS (RFC 3261 11.2): 200 with what we support. */
static void options_reply(struct phone *p, struct sip_strans *st)
{
	struct sip_build *b = sip_strans_reply_build(st, 200, NULL, p->ua_tag);
	GBytes *m;

	if (!b)
		return;
	sip_build_hdr(b, SIP_HDR_ACCEPT, "application/sdp");
	phone_build_ua_hdrs(p, b);
	m = sip_build_finish(b, NULL, NULL, 0);
	sip_strans_reply(st, m);
	g_bytes_unref(m);
}

/* A new request (ST NULL: an ACK that matched no transaction, i.e. for our 2xx). */
static void on_request(struct sip_transport *tp, struct sip_strans *st, const struct sip_msg *req,
		       const struct sip_transport_src *src, void *arg)
{
	struct phone *p = arg;

	(void)tp;
	(void)src;
	if (p->ent.dying)
		return;
	if (!st) {
		phone_call_on_ack(p, req);
		return;
	}
	switch (sip_msg_method(req)) {
	case SIP_METHOD_INVITE:
		phone_call_on_invite(p, st, req);
		break;
	case SIP_METHOD_CANCEL:
		phone_call_on_cancel(p, st);
		break;
	case SIP_METHOD_BYE:
		phone_call_on_bye(p, st, req);
		break;
	case SIP_METHOD_OPTIONS:
		options_reply(p, st);
		break;
	case SIP_METHOD_INFO:           /* DTMF relay, RFC 6086: nothing to play it to */
	case SIP_METHOD_NOTIFY:         /* message waiting (RFC 3842): nothing to light */
	case SIP_METHOD_MESSAGE:
		phone_reply(p, st, 200, NULL);
		break;
	default:
		/* RFC 3261 8.2.1 / 21.5.2 */
		phone_reply(p, st, 501, NULL);
		break;
	}
}

/* A response no client transaction wanted. */
static void on_stray(struct sip_transport *tp, const struct sip_msg *resp,
		     const struct sip_transport_src *src, void *arg)
{
	struct phone *p = arg;

	(void)tp;
	(void)src;
	if (!p->ent.dying)
		phone_call_on_stray(p, resp);
}

/* ---------------------------------------------------------------- life cycle */

/* Copies the strings of CFG into P (the password goes only into the credentials). */
static void copy_cfg(struct phone *p, const struct phone_cfg *cfg)
{
	p->cfg = *cfg;
	p->name = g_strdup(cfg->name);
	p->domain = g_strdup(cfg->domain);
	p->tel = g_strdup(cfg->tel);
	p->user_agent = g_strdup(cfg->user_agent);
	for (size_t i = 0; i < cfg->n_codecs; i++)
		p->codecs[i] = g_strdup(cfg->codecs[i]);
	p->creds = sip_auth_creds_new(cfg->auth_name && *cfg->auth_name ? cfg->auth_name : cfg->tel,
				      cfg->password ? cfg->password : "");
	p->cfg.name = p->name;
	p->cfg.domain = p->domain;
	p->cfg.tel = p->tel;
	p->cfg.auth_name = sip_auth_creds_username(p->creds);
	p->cfg.password = NULL;
	p->cfg.user_agent = p->user_agent;
	for (size_t i = 0; i < PHONE_MAX_CODECS; i++)
		p->cfg.codecs[i] = i < cfg->n_codecs ? p->codecs[i] : NULL;
}

/* Frees P's own memory (not the transport or calls). */
static void free_strings(struct phone *p)
{
	sip_auth_creds_free(p->creds);
	g_free(p->name);
	g_free(p->domain);
	g_free(p->tel);
	g_free(p->user_agent);
	for (size_t i = 0; i < PHONE_MAX_CODECS; i++)
		g_free(p->codecs[i]);
	g_free(p->reg_contact);
	g_free(p->bound_contact);
}

/* Creates the phone (see phone.h). */
struct phone *phone_new(struct sim *sim, struct sim_net *net, const struct phone_cfg *cfg)
{
	struct sip_transport_cfg tcfg;
	struct phone *p;

	if (!sim || !net || !cfg || !cfg_ok(cfg))
		return NULL;
	p = g_new0(struct phone, 1);
	p->sim = sim;
	p->net = net;
	copy_cfg(p, cfg);
	sim_ip_str(sim_host_ip(cfg->host), p->ip, sizeof p->ip);
	p->via_proto = cfg->transport == SIM_NET_TCP ? "TCP" :
		       cfg->transport == SIM_NET_TLS ? "TLS" : "UDP";
	sip_transport_cfg_init(&tcfg);
	tcfg.port = cfg->port;
	tcfg.udp = true;
	/* the Contact port listens for the OfficeServ's own connections too */
	tcfg.tcp = cfg->transport == SIM_NET_TCP;
	tcfg.tls = cfg->transport == SIM_NET_TLS;
	tcfg.tls_port = cfg->port;
	tcfg.timers = cfg->timers;
	p->tp = sip_transport_new(net, cfg->host, &tcfg);
	if (!p->tp) {
		free_strings(p);
		g_free(p);
		return NULL;
	}
	if (sim_entity_init(sim, &p->ent, p->name, &phone_ops) != 0) {
		sip_transport_free(p->tp);
		free_strings(p);
		g_free(p);
		return NULL;
	}
	sip_transport_set_handlers(p->tp, on_request, on_stray, p);
	sim_timer_init(&p->t_refresh);
	sim_timer_init(&p->t_keepalive);
	phone_call_init_all(p);
	/* RFC 3261 10.2: one Call-ID (and From tag) for every REGISTER of this phone */
	sip_build_callid(p->reg_callid, phone_rng(p), p->ip);
	sip_build_tag(p->reg_tag, phone_rng(p));
	sip_build_tag(p->ua_tag, phone_rng(p));
	return p;
}

/* The entity's destroy op: everything the phone holds, silently. */
static void phone_destroy(struct sim_entity *e)
{
	struct phone *p = (struct phone *)(void *)((char *)e - offsetof(struct phone, ent));

	sim_timer_cancel(p->sim, &p->t_refresh);
	sim_timer_cancel(p->sim, &p->t_keepalive);
	reg_done(p);
	phone_call_free_all(p);
	sip_transport_free(p->tp);
	free_strings(p);
	g_free(p);
}

static const struct sim_entity_ops phone_ops = { "phone", phone_destroy };

/* Frees P (deferred to the end of the event when called from a handler: the kernel's rule). */
void phone_free(struct phone *p)
{
	if (p)
		sim_entity_release(&p->ent);
}

/* ---------------------------------------------------------------- actions and state */

/* Starts a registration attempt. Returns 0, EBUSY (a REGISTER in flight), EINVAL. */
int phone_register(struct phone *p)
{
	return p ? reg_start(p, false) : EINVAL;
}

/* REGISTER with Expires: 0. Returns 0, EBUSY (a REGISTER in flight), EINVAL. */
int phone_unregister(struct phone *p)
{
	return p ? reg_start(p, true) : EINVAL;
}

/* Dials DIGITS on LINE (0: the first free). Returns 0, EBUSY, EINVAL. */
int phone_dial(struct phone *p, const char *digits, unsigned line)
{
	return p ? phone_call_dial(p, digits, line) : EINVAL;
}

/* Answers the ringing call on LINE (0: the first). Returns 0, ENOENT, EINVAL. */
int phone_answer(struct phone *p, unsigned line)
{
	return p ? phone_call_answer(p, line) : EINVAL;
}

/* Rejects the ringing call on LINE with CODE (0: 486). Returns 0, ENOENT, EINVAL. */
int phone_reject(struct phone *p, unsigned line, uint16_t code)
{
	return p ? phone_call_reject(p, line, code) : EINVAL;
}

/* BYE or CANCEL on LINE (0: the active call). Returns 0, ENOENT, EINVAL. */
int phone_hang_up(struct phone *p, unsigned line)
{
	return p ? phone_call_hang_up(p, line) : EINVAL;
}

/* A 200 OK to a REGISTER is in force (its expiry not passed). */
bool phone_registered(const struct phone *p)
{
	return p->registered && sim_now(p->sim) < p->reg_until;
}

/* The last granted expiry in ns, 0 if none. */
int64_t phone_granted_expiry(const struct phone *p)
{
	return p->granted;
}

/* Lines in use. */
unsigned phone_active_calls(const struct phone *p)
{
	return phone_call_active(p);
}

/* A copy of the counters. */
struct phone_stats phone_stats(const struct phone *p)
{
	return p->stats;
}

/* The entity (lane) name. */
const char *phone_name(const struct phone *p)
{
	return p->name;
}
