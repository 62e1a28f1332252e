/*
 * registrar.c - the OfficeServ's built-in registrar (REG-01): one binding per DM 2.7.2 SIP port,
 * the four-step digest ladder (REG-04), the white list (WL-01..03), the licences (LIC-01..05) and
 * capacity (CAP-01/02), Comm Exclusive and the register blocks (SEC-01..06), the expiry timers
 * (STK-04, STK-06) and the Access Information log (ACC-01..03) that views.c prints.
 *
 * A REGISTER is decided in a fixed order, each step a possible failure: a blocked source is
 * dropped unanswered (SEC-05); the To user must name a Tel Number (UID-03) and the source IP pass
 * the white list, both before any challenge, so that under Comm Exclusive = No Response a scan
 * learns nothing (SEC-03 suggestion); then the digest (UID-04, PWD-03), the expiry (0 removes the
 * binding), a licence (LIC-02/03) and the capacity. A failure writes an Access Information row
 * for every copy received (ACC-03), is answered 403 or nothing (SEC-02/03), counts once per
 * attempt towards the source's block (SEC-04) and never touches an existing binding (STAT-02
 * suggestion). The server keeps HA1 per port, never the password (PWD-04).
 *
 * Nonce lifetime: 300 s (Kamailio's nonce_expire default). A phone answers a 401 at once, so
 * 300 s covers the worst lossy-link case (401 resent up to 64*T1 = 32 s, the answer retransmitted
 * as long again) with room to spare, and it bounds the nonce table under registration storms.
 * A later answer gets a fresh 401 with stale=true (RFC 2617 3.2.1).
 */
#include "config.h"

#include <string.h>

#include "models/officeserv/os_priv.h"
#include "models/sip/build.h"

#define REG_NONCE_LIFETIME (300 * SIM_S)
/* RFC 3261 10.2.1.1: a REGISTER with no expiry asks for 3600 s. */
#define REG_DEFAULT_EXPIRES 3600u

/* ACC-02 and its suggested siblings: the Access Information reasons. */
#define ACC_TELNO "SIP REGISTER IP/TELNO Invalid"
#define ACC_AUTH "SIP REGISTER AUTH Invalid"
#define ACC_LICENCE "SIP REGISTER LICENSE Over"
#define ACC_CAPACITY "SIP REGISTER CAPACITY Over"
#define ACC_BLOCKED "SIP REGISTER Blocked"

/* One REGISTER being decided: what every step needs. */
struct reg {
	struct officeserv *os;
	struct sip_strans *st;
	const struct sip_msg *req;
	const struct sip_transport_src *src;
	char *caller;                    /* the To user as sent ("" when it has none) */
	const char *lane;                /* the sending host's name, or NULL */
};

/* The lane (host name) at IP, or NULL when no simulated host has it. */
static const char *reg_lane(const struct officeserv *os, uint32_t ip)
{
	struct sim_host *h = sim_net_host_by_ip(os->net, ip);

	return h != NULL ? sim_host_name(h) : NULL;
}

/* Publishes a SIM_TRACE_REG point when anyone listens. */
static void reg_trace(struct officeserv *os, const struct sim_trace_reg *r)
{
	if (sim_trace_wanted(os->sim, SIM_TRACE_REG))
		sim_trace_emit(os->sim, SIM_TRACE_REG, os->cfg.name, r);
}

/* The trace point of R's outcome: OK, UNREGISTER, CHALLENGED, CAUSE, EXPIRES_NS as given. */
static void reg_trace_outcome(struct reg *r, bool ok, bool unregister, bool challenged,
			      const char *cause, int64_t expires_ns)
{
	struct sim_trace_reg t = {
		.station = r->caller, .lane = r->lane, .ip = r->src->remote.ip,
		.port = r->src->remote.port, .ok = ok, .unregister = unregister,
		.challenged = challenged, .cause = cause, .expires_ns = expires_ns,
	};

	reg_trace(r->os, &t);
}

/* Starts a final response to R with a fresh To tag (RFC 3261 8.2.6.2). */
static struct sip_build *reg_reply_start(struct reg *r, uint16_t code)
{
	char tag[SIP_TAG_SIZE];

	sip_build_tag(tag, sim_entity_rng(&r->os->ent));
	return sip_strans_reply_build(r->st, code, NULL, tag);
}

/* Finishes B and sends it on R's transaction. A transport error ends the transaction (RFC 3261
 * 17.2.4); the decision already taken stands, as it would on a real server. */
static void reg_reply_send(struct reg *r, struct sip_build *b)
{
	GBytes *out = sip_build_finish(b, NULL, NULL, 0);

	(void)sip_strans_reply(r->st, out);
	g_bytes_unref(out);
}

/* Answers R with CODE and nothing more. */
static void reg_reply(struct reg *r, uint16_t code)
{
	reg_reply_send(r, reg_reply_start(r, code));
}

/* Appends an Access Information row (ACC-01). */
static void access_log(struct officeserv *os, uint32_t ip, const char *caller, const char *reason)
{
	struct os_access *a = g_new0(struct os_access, 1);

	a->time = sim_now(os->sim);
	a->ip = ip;
	a->caller_id = g_strdup(caller);
	a->reason = reason;
	g_ptr_array_add(os->access, a);
}

static void access_free(gpointer p)
{
	struct os_access *a = p;

	g_free(a->caller_id);
	g_free(a);
}

/* The block entry of IP, created when CREATE; a block whose time is over is lifted here, its
 * failures forgotten (SEC-04 suggestion: the count resets when a block ends). */
static struct os_block *block_get(struct officeserv *os, uint32_t ip, bool create)
{
	struct os_block *b = g_hash_table_lookup(os->blocks, GUINT_TO_POINTER(ip));

	if (b == NULL && create) {
		b = g_new0(struct os_block, 1);
		b->ip = ip;
		g_hash_table_insert(os->blocks, GUINT_TO_POINTER(ip), b);
	}
	if (b != NULL && b->until != 0 && b->until <= sim_now(os->sim)) {
		b->until = 0;
		b->failures = 0;
		b->last_branch[0] = '\0';
	}
	return b;
}

/* Counts a failed attempt of R towards its source's block (SEC-04): copies of one attempt (same
 * top Via branch) count once; the failure that reaches the Register Retry Limit starts a block
 * of the Register MSG Block Timer (SEC-05) for the next REGISTER. A limit of 0 never blocks. */
static void block_count(struct reg *r)
{
	struct officeserv *os = r->os;
	const struct os_dm_sip_options *o = &os->dm->options;
	struct os_block *b = block_get(os, r->src->remote.ip, true);
	char branch[sizeof(b->last_branch)] = "";
	struct sip_pl br = sip_msg_via(r->req)->branch;

	if (sip_pl_isset(br))
		memcpy(branch, br.p, MIN(sizeof(branch) - 1, br.l));   /* a slice: no NUL */
	/* A request without a branch cannot be told from its copies: each one counts. */
	if (branch[0] != '\0' && strcmp(branch, b->last_branch) == 0)
		return;
	g_strlcpy(b->last_branch, branch, sizeof(b->last_branch));
	b->failures++;
	if (o->register_retry_limit > 0 && b->failures >= o->register_retry_limit) {
		char ip[16], text[96];
		int64_t ns = o->register_block_ns;

		b->until = sim_now(os->sim) + ns;
		/* The ladder says why the next REGISTERs go unanswered (SEC-04, SEC-05). */
		g_snprintf(text, sizeof(text), "block %s for %lld.%03lld s",
			   sim_ip_str(b->ip, ip, sizeof(ip)), (long long)(ns / SIM_S),
			   (long long)(ns % SIM_S / SIM_MS));
		sim_trace_note(os->sim, SIM_NOTE_ACTION, os->cfg.name, NULL, text, 0);
	}
}

/* R failed for REASON (an Access Information text; CAUSE the short word for the trace): log it
 * (every copy, ACC-03), answer 403 or nothing as Comm Exclusive says (SEC-02, SEC-03, REG-06),
 * count it towards a block (SEC-04). Any binding the port has stays (STAT-02 suggestion). */
static void reg_fail(struct reg *r, const char *cause, const char *reason)
{
	struct officeserv *os = r->os;

	access_log(os, r->src->remote.ip, r->caller, reason);
	os->stats.reg_failed++;
	reg_trace_outcome(r, false, false, false, cause, 0);
	if (os->dm->options.comm_exclusive == OS_DM_COMM_RESPONSE)
		reg_reply(r, 403);
	else
		sip_strans_discard(r->st);
	block_count(r);
}

/* Answers R with 401 and a fresh challenge (REG-04; STALE after a stale nonce, RFC 2617 3.2.1). */
static void reg_challenge(struct reg *r, bool stale)
{
	struct officeserv *os = r->os;
	struct sip_auth_challenge ch;
	struct sip_build *b;
	GString *v = g_string_new(NULL);

	sip_auth_nonces_challenge(os->nonces, sim_now(os->sim), stale, &ch);
	(void)sip_auth_challenge_build(&ch, v);   /* realm and nonce are never empty here */
	b = reg_reply_start(r, 401);
	sip_build_hdr(b, SIP_HDR_WWW_AUTHENTICATE, v->str);
	reg_reply_send(r, b);
	g_string_free(v, TRUE);
	os->stats.reg_challenged++;
	reg_trace_outcome(r, false, false, true, NULL, 0);
}

/* True when IP may register a station that uses the white list (WL-01, WL-03): an entry of DM
 * 5.13.10 admits it. An empty list admits nobody. */
static bool white_listed(const struct os_dm *dm, uint32_t ip)
{
	for (size_t i = 0; i < dm->n_white_list; i++)
		if (os_dm_ip_entry_match(&dm->white_list[i], ip))
			return true;
	return false;
}

enum reg_auth { REG_AUTH_OK, REG_AUTH_STALE, REG_AUTH_BAD };

/* Checks R's Authorization VALUE for port P (UID-04, PWD-03): the username must be the DM User
 * ID, the uri the Request-URI (RFC 2617 3.2.2.5) and the digest right with a nonce we issued. A
 * malformed value or an algorithm we do not compute is BAD; a replayed nonce count is BAD too. */
static enum reg_auth reg_auth_check(struct reg *r, const struct os_port *p, struct sip_pl value)
{
	struct sip_auth_resp a;
	enum sip_auth_verdict v;
	struct sip_pl ruri = sip_msg_ruri(r->req)->raw;

	if (sip_auth_resp_parse(&a, value.p, value.l) != 0)
		return REG_AUTH_BAD;
	if (strcmp(a.username, p->st->user_id) != 0)
		return REG_AUTH_BAD;
	if (strlen(a.uri) != ruri.l || memcmp(a.uri, ruri.p, ruri.l) != 0)
		return REG_AUTH_BAD;
	if (sip_auth_verify(r->os->nonces, &a, p->ha1, "REGISTER", sim_now(r->os->sim), &v) != 0)
		return REG_AUTH_BAD;
	if (v == SIP_AUTH_OK)
		return REG_AUTH_OK;
	return v == SIP_AUTH_STALE ? REG_AUTH_STALE : REG_AUTH_BAD;
}

/* True when the User-Agent of REQ names Samsung, in any case (LIC-02 suggestion). */
static bool reg_samsung(const struct sip_msg *req)
{
	struct sip_pl ua = sip_msg_hdr(req, SIP_HDR_USER_AGENT);
	static const char brand[] = "samsung";
	size_t n = sizeof(brand) - 1;

	for (size_t i = 0; sip_pl_isset(ua) && i + n <= ua.l; i++)
		if (g_ascii_strncasecmp(ua.p + i, brand, n) == 0)
			return true;
	return false;
}

/* The licence pool of P's phone type (LIC-02). */
static struct media_pool *port_pool(const struct os_port *p)
{
	return p->samsung ? p->os->lic_samsung : p->os->lic_third;
}

/* Removes P's binding: timer stopped, licence given back (LIC-03), status Not Registered; the last
 * address stays for DM 6.2.3 (STAT-04 reading). A port that never registered stays Disconnected. */
static void port_unbind(struct os_port *p)
{
	sim_timer_cancel(p->os->sim, &p->expiry);
	if (p->licence) {
		media_pool_give(port_pool(p), 1);
		p->licence = false;
	}
	if (p->status == OS_PORT_REGISTERED)
		p->status = OS_PORT_NOT_REGISTERED;
}

/* The expiry timer: no refresh came in time (STK-04), the station is de-registered. */
static void port_expired(struct sim *sim, void *arg)
{
	struct os_port *p = arg;
	struct officeserv *os = p->os;
	struct sim_trace_reg t = {
		.station = p->st->tel, .lane = reg_lane(os, p->source.ip), .ip = p->source.ip,
		.port = p->source.port, .cause = "expired",
	};

	char text[64];

	(void)sim;
	port_unbind(p);
	os->stats.expired++;
	reg_trace(os, &t);
	/* The ladder shows the lapse, which no message announces (STK-04, STK-05). */
	g_snprintf(text, sizeof(text), "%s expired", p->st->tel);
	sim_trace_note(os->sim, SIM_NOTE_ACTION, os->cfg.name, NULL, text, 0);
}

/* Stations registered now other than P (CAP-01/02, LIC-04). */
static unsigned registered_others(const struct officeserv *os, const struct os_port *p)
{
	unsigned n = 0;

	for (size_t i = 0; i < os->n_ports; i++)
		n += &os->ports[i] != p && os->ports[i].status == OS_PORT_REGISTERED;
	return n;
}

/* The Contact C of a registration as host:port: the host only when it is a dotted IPv4 address
 * (ip 0 otherwise: a name we do not resolve), the port as written or the scheme's default. */
static struct sim_addr contact_addr(const struct sip_addr *c)
{
	struct sim_addr a = { 0, sip_uri_port(&c->uri) };
	char *host = sip_pl_dup(c->uri.host);

	if (host == NULL || sim_ip_parse(host, &a.ip) != 0)
		a.ip = 0;
	g_free(host);
	return a;
}

/* RFC 3261 10.3 step 8: a REGISTER without Contact asks for the bindings; P's, if any. */
static void reg_query(struct reg *r, const struct os_port *p)
{
	struct sip_build *b = reg_reply_start(r, 200);

	if (p->status == OS_PORT_REGISTERED) {
		int64_t left = p->expires_at - sim_now(r->os->sim);

		sip_build_hdrf(b, SIP_HDR_CONTACT, "<%s>;expires=%" G_GINT64_FORMAT,
			       p->contact_uri, left > 0 ? left / SIM_S : 0);
	}
	reg_reply_send(r, b);
}

/* Expires: 0 (RFC 3261 10.2.2): the binding goes, 200 OK without Contact. */
static void reg_unregister(struct reg *r, struct os_port *p)
{
	port_unbind(p);
	reg_reply(r, 200);
	r->os->stats.unregistered++;
	reg_trace_outcome(r, true, true, false, NULL, 0);
}

/* The authenticated REGISTER R for port P with Contact C: licence, capacity, binding. */
static void reg_bind(struct reg *r, struct os_port *p, const struct sip_addr *c)
{
	struct officeserv *os = r->os;
	const struct os_dm_sip_options *o = &os->dm->options;
	bool took = false;
	int64_t granted;
	uint32_t asked = sip_msg_contact_expires(r->req, c, REG_DEFAULT_EXPIRES);
	struct sip_build *b;

	if (!p->licence) {
		/* LIC-02/03: a licence of the phone's type; a refresh keeps the one it holds. */
		bool samsung = reg_samsung(r->req);

		if (!media_pool_take(samsung ? os->lic_samsung : os->lic_third, 1)) {
			reg_fail(r, "licence", ACC_LICENCE);
			return;
		}
		p->samsung = samsung;
		p->licence = true;
		took = true;
	}
	if (registered_others(os, p) >= os->capacity) {
		if (took) {
			media_pool_give(port_pool(p), 1);
			p->licence = false;
		}
		reg_fail(r, "capacity", ACC_CAPACITY);
		return;
	}

	/* RFC 3261 10.3: a refresh from a new address replaces the binding. */
	p->source = r->src->remote;
	p->contact = contact_addr(c);
	g_free(p->contact_uri);
	p->contact_uri = sip_pl_dup(c->uri.raw);
	p->proto = r->src->proto;
	/* STK-04: the OS grants its SIP Expire Time whatever the phone asked. STK-06 suggestion:
	 * the NAT Reg Expire Time to a phone behind a NAT or outside the network, so that it
	 * refreshes often enough to keep its NAT binding open. A zero setting: the phone's ask. */
	granted = os_port_public(p) ? o->nat_reg_expire_ns : o->expire_ns;
	if (granted <= 0)
		granted = (int64_t)asked * SIM_S;
	p->expires_at = sim_now(os->sim) + granted;
	sim_timer_start(os->sim, &p->expiry, granted, port_expired, p);
	p->status = OS_PORT_REGISTERED;
	g_hash_table_remove(os->blocks, GUINT_TO_POINTER(r->src->remote.ip));

	b = reg_reply_start(r, 200);
	sip_build_hdrf(b, SIP_HDR_CONTACT, "<%s>;expires=%" G_GINT64_FORMAT, p->contact_uri,
		       granted / SIM_S);
	sip_build_hdrf(b, SIP_HDR_EXPIRES, "%" G_GINT64_FORMAT, granted / SIM_S);
	reg_reply_send(r, b);
	os->stats.reg_ok++;
	reg_trace_outcome(r, true, false, false, NULL, granted);
}

/* The REGISTER R, authenticated for port P: query, unregister or bind (RFC 3261 10.3). */
static void reg_update(struct reg *r, struct os_port *p)
{
	struct sip_addr c;

	if (sip_msg_contact_count(r->req) == 0) {
		reg_query(r, p);
		return;
	}
	/* A station has one binding: the first Contact is the phone's. */
	if (sip_msg_contact_at(r->req, 0, &c) != 0) {
		reg_reply(r, 400);
		return;
	}
	if (c.wildcard) {
		/* RFC 3261 10.3 step 6: "*" only with Expires: 0. */
		if (sip_msg_expires(r->req) != 0)
			reg_reply(r, 400);
		else
			reg_unregister(r, p);
		return;
	}
	if (sip_msg_contact_expires(r->req, &c, REG_DEFAULT_EXPIRES) == 0)
		reg_unregister(r, p);
	else
		reg_bind(r, p, &c);
}

/* Decides R (see the file comment for the order). */
static void reg_decide(struct reg *r)
{
	struct officeserv *os = r->os;
	const struct sip_pl user = sip_msg_to(r->req)->uri.user;
	struct os_port *p;
	struct sip_pl auth;

	if (os_blocked(os, r->src->remote.ip)) {
		/* SEC-05: dropped unanswered in both Comm Exclusive modes, and logged (ACC-03). */
		access_log(os, r->src->remote.ip, r->caller, ACC_BLOCKED);
		os->stats.reg_blocked++;
		reg_trace_outcome(r, false, false, false, "blocked", 0);
		sip_strans_discard(r->st);
		return;
	}
	p = sip_pl_isset(user) ? os_port_find(os, user.p, user.l) : NULL;
	if (p == NULL) {
		reg_fail(r, "telno", ACC_TELNO);        /* UID-03, ACC-02 */
		return;
	}
	if (p->st->use_white_list && !white_listed(os->dm, r->src->remote.ip)) {
		reg_fail(r, "white-list", ACC_TELNO);   /* WL-01, ACC-02 */
		return;
	}
	auth = sip_msg_hdr(r->req, SIP_HDR_AUTHORIZATION);
	if (!sip_pl_isset(auth)) {
		reg_challenge(r, false);                /* REG-04 */
		return;
	}
	switch (reg_auth_check(r, p, auth)) {
	case REG_AUTH_STALE:
		reg_challenge(r, true);
		return;
	case REG_AUTH_BAD:
		reg_fail(r, "auth", ACC_AUTH);          /* REG-06, PWD-03, UID-04 */
		return;
	case REG_AUTH_OK:
		break;
	}
	reg_update(r, p);
}

void os_registrar_request(struct officeserv *os, struct sip_strans *st, const struct sip_msg *req,
			  const struct sip_transport_src *src)
{
	struct sip_pl user = sip_msg_to(req)->uri.user;
	struct reg r = { .os = os, .st = st, .req = req, .src = src };

	g_return_if_fail(st != NULL);   /* only an ACK comes without a transaction */
	r.caller = sip_pl_isset(user) ? sip_pl_dup(user) : g_strdup("");
	r.lane = reg_lane(os, src->remote.ip);
	reg_decide(&r);
	g_free(r.caller);
}

void os_registrar_init(struct officeserv *os)
{
	const struct os_dm *dm = os->dm;

	os->n_ports = dm->n_stations;
	os->ports = g_new0(struct os_port, os->n_ports ? os->n_ports : 1);
	for (size_t i = 0; i < os->n_ports; i++) {
		struct os_port *p = &os->ports[i];

		p->os = os;
		p->st = &dm->stations[i];
		/* REG-04 suggestion: realm = the MP's address. Only HA1 is kept (PWD-04). */
		sip_auth_ha1(p->ha1, p->st->user_id, os->mp, p->st->password);
		p->status = OS_PORT_DISCONNECTED;
		sim_timer_init(&p->expiry);
	}
	os->nonces = sip_auth_nonces_new(os->mp, sim_entity_rng(&os->ent), REG_NONCE_LIFETIME);
	os->blocks = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	os->access = g_ptr_array_new_with_free_func(access_free);
}

void os_registrar_fini(struct officeserv *os)
{
	for (size_t i = 0; i < os->n_ports; i++) {
		sim_timer_cancel(os->sim, &os->ports[i].expiry);
		g_free(os->ports[i].contact_uri);
	}
	g_clear_pointer(&os->ports, g_free);
	os->n_ports = 0;
	g_clear_pointer(&os->nonces, sip_auth_nonces_free);
	g_clear_pointer(&os->blocks, g_hash_table_destroy);
	g_clear_pointer(&os->access, g_ptr_array_unref);
}

struct os_port *os_port_find(struct officeserv *os, const char *tel, size_t len)
{
	for (size_t i = 0; i < os->n_ports; i++) {
		const char *t = os->ports[i].st->tel;

		if (strlen(t) == len && memcmp(t, tel, len) == 0)
			return &os->ports[i];
	}
	return NULL;
}

struct sim_addr os_port_target(const struct os_port *p)
{
	/* A Contact we cannot read as IPv4 leaves only the packet source. */
	if (p->contact.ip == 0)
		return p->source;
	if (p->st->nat_check == OS_DM_NATCHECK_IP_PORT &&
	    !sim_addr_equal(&p->source, &p->contact))
		return p->source;       /* NATC-03 */
	return p->contact;              /* NATC-02, literally */
}

bool os_port_public(const struct os_port *p)
{
	const struct officeserv *os = p->os;
	const struct os_dm *dm = os->dm;
	uint32_t ip = p->source.ip;
	bool outside = (ip & os->cfg.mask) != (os->cfg.subnet & os->cfg.mask);

	/* PRIV-04: DM 5.2.8 lists private addresses outside the MP's subnet. */
	for (size_t i = 0; outside && i < dm->n_private_ips; i++)
		if (os_dm_ip_entry_match(&dm->private_ips[i], ip))
			outside = false;
	if (outside)
		return true;            /* PRIV-02 */
	/* STK-06 suggestion: a source that differs from the Contact is a NAT on the way. A Contact
	 * we cannot read as IPv4 tells nothing. Over TCP/TLS the source port is the connection's
	 * ephemeral port, never the Contact's, so only the IP can tell there. */
	if (p->contact.ip == 0)
		return false;
	if (p->proto != SIM_NET_UDP)
		return p->source.ip != p->contact.ip;
	return !sim_addr_equal(&p->source, &p->contact);
}

bool os_blocked(struct officeserv *os, uint32_t ip)
{
	const struct os_block *b = g_hash_table_lookup(os->blocks, GUINT_TO_POINTER(ip));

	return b != NULL && b->until > sim_now(os->sim);
}
