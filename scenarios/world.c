/*
 * world.c - builds and runs the world of a scenario (see world.h): hosts and paths from the
 * network section, the OfficeServ from the system section, phones and TDM endpoints from the
 * endpoints, and one kernel event per script action.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "models/nat/nat.h"
#include "models/officeserv/officeserv.h"
#include "models/phone/phone.h"
#include "scenarios/scenario.h"
#include "scenarios/world.h"
#include "sim/net.h"
#include "sim/sim.h"

/* One scheduled script action. */
struct world_act {
	struct world *w;
	size_t i;                        /* index into scenario.actions */
};

struct world {
	const struct scenario *s;
	struct sim *sim;
	struct sim_net *net;
	struct nat_fabric *fabric;
	struct officeserv *os;
	struct phone **phones;           /* per endpoint; NULL for non-SIP endpoints */
	struct world_act *acts;
	GPtrArray *lanes;                /* char *, NULL-terminated */
	GString *action_log;
};

/* ---- paths ---- */

/* One hop of the LAN graph: a router link (with its figures) or a NAT (no figures). */
struct world_hop {
	size_t to;
	const struct scenario_link *link;    /* NULL: a NAT boundary */
};

/* Fills PREV (per LAN: the hop that reached it, or SIZE_MAX) with a breadth-first search from
 * LAN FROM over links and NAT boundaries, neighbours in scenario order (deterministic). */
static void world_bfs(const struct scenario_network *n, size_t from, size_t *prev,
		      const struct scenario_link **via)
{
	size_t *queue = g_new(size_t, n->n_lans);
	size_t head = 0, tail = 0;

	for (size_t i = 0; i < n->n_lans; i++) {
		prev[i] = SIZE_MAX;
		via[i] = NULL;
	}
	prev[from] = from;
	queue[tail++] = from;
	while (head < tail) {
		size_t at = queue[head++];

		for (size_t k = 0; k < n->n_links + n->n_nats; k++) {
			size_t a, b, next;
			const struct scenario_link *l = NULL;

			if (k < n->n_links) {
				l = &n->links[k];
				a = l->from;
				b = l->to;
			} else {
				a = n->nats[k - n->n_links].inside;
				b = n->nats[k - n->n_links].outside;
			}
			if (a == at)
				next = b;
			else if (b == at)
				next = a;
			else
				continue;
			if (prev[next] != SIZE_MAX)
				continue;
			prev[next] = at;
			via[next] = l;
			queue[tail++] = next;
		}
	}
	g_free(queue);
}

/* The link between a host in LAN A and a host in LAN B (see world.h). */
static struct sim_link world_path(const struct scenario_network *n, size_t a, size_t b)
{
	struct sim_link l = { 0, 0, SIM_DELAY_UNIFORM, 0 };
	size_t *prev = g_new(size_t, n->n_lans);
	const struct scenario_link **via = g_new(const struct scenario_link *, n->n_lans);
	double survive = 1.0;

	world_bfs(n, a, prev, via);
	if (prev[b] == SIZE_MAX) {
		/* No path: the datagram will be dropped anyway ("no route" or by the NAT). */
		l.latency = n->lans[a].delay_ns + n->lans[b].delay_ns;
		g_free(prev);
		g_free(via);
		return l;
	}
	for (size_t at = b;; at = prev[at]) {
		l.latency += n->lans[at].delay_ns;
		l.jitter += n->lans[at].jitter_ns;
		survive *= 1.0 - n->lans[at].loss;
		if (at == a)
			break;
		if (via[at] != NULL) {
			l.latency += via[at]->delay_ns;
			l.jitter += via[at]->jitter_ns;
			survive *= 1.0 - via[at]->loss;
		}
	}
	if (a == b) {
		/* Two hosts of one LAN: each has its own way to the switch. */
		l.latency = 2 * n->lans[a].delay_ns;
		l.jitter = 2 * n->lans[a].jitter_ns;
		survive = (1.0 - n->lans[a].loss) * (1.0 - n->lans[a].loss);
	}
	l.loss = 1.0 - survive;
	if (l.jitter == 0)
		l.dist = SIM_DELAY_CONST;
	g_free(prev);
	g_free(via);
	return l;
}

/* ---- script ---- */

/* Notes an action that did not apply. */
static void world_action_failed(struct world *w, const struct scenario_action *a, const char *why)
{
	int64_t t = a->at_ns;

	g_string_append_printf(w->action_log, "%lld.%03lld s: %s: %s\n", (long long)(t / SIM_S),
			       (long long)(t % SIM_S / SIM_MS), w->s->endpoints[a->who].name, why);
}

/* A script action's time has come. */
static void world_act_fire(struct sim *sim, void *arg)
{
	struct world_act *act = arg;
	struct world *w = act->w;
	const struct scenario_action *a = &w->s->actions[act->i];
	const struct scenario_endpoint *ep = &w->s->endpoints[a->who];
	struct phone *p = w->phones[a->who];
	int rc = EINVAL;
	const char *what = "?";

	(void)sim;
	switch (a->kind) {
	case SCENARIO_ACT_REGISTER:
		what = "register";
		rc = p ? phone_register(p) : EINVAL;
		break;
	case SCENARIO_ACT_UNREGISTER:
		what = "unregister";
		rc = p ? phone_unregister(p) : EINVAL;
		break;
	case SCENARIO_ACT_DIAL:
		what = "dial";
		rc = p ? phone_dial(p, a->digits, a->line)
		       : officeserv_tdm_dial(w->os, ep->name, a->digits, a->cli);
		break;
	case SCENARIO_ACT_ANSWER:
		what = "answer";
		rc = p ? phone_answer(p, a->line) : officeserv_tdm_answer(w->os, ep->name);
		break;
	case SCENARIO_ACT_REJECT:
		what = "reject";
		rc = p ? phone_reject(p, a->line, (uint16_t)a->code) : EINVAL;
		break;
	case SCENARIO_ACT_HANG_UP:
		what = "hang-up";
		rc = p ? phone_hang_up(p, a->line) : officeserv_tdm_hang_up(w->os, ep->name);
		break;
	default:
		break;   /* refused by world_new */
	}
	if (rc != 0) {
		char *why = g_strdup_printf("%s: %s", what,
					    rc == ENOENT ? "nothing to act on" :
					    rc == EBUSY ? "busy" : "does not apply");

		world_action_failed(w, a, why);
		g_free(why);
	}
}

/* ---- building ---- */

/* Fills a phone's configuration from its endpoint and profile. */
static void world_phone_cfg(const struct scenario *s, const struct scenario_endpoint *ep,
			    struct sim_host *host, const char *domain, struct phone_cfg *pc)
{
	const struct scenario_profile *pr = &s->profiles[ep->profile];
	const struct os_dm_sip_options *o = &s->system.options;

	phone_cfg_init(pc);
	pc->name = ep->name;
	pc->host = host;
	pc->port = (uint16_t)ep->port;
	pc->transport = pr->transport == SCENARIO_TRANSPORT_TCP ? SIM_NET_TCP :
			pr->transport == SCENARIO_TRANSPORT_TLS ? SIM_NET_TLS : SIM_NET_UDP;
	pc->registrar.ip = s->system.mp_ip;
	pc->registrar.port = (uint16_t)(pc->transport == SIM_NET_TLS ? o->tls_port
								    : o->signal_port);
	pc->domain = domain;
	pc->tel = ep->station;
	pc->auth_name = ep->auth_name;
	pc->password = ep->password;
	pc->user_agent = pr->user_agent;
	pc->lines = pr->lines;
	pc->expires_ns = pr->expires_ns;
	pc->refresh_granted = pr->refresh_granted;
	pc->refresh_ns = pr->refresh_ns;
	pc->nat_keepalive_ns = pr->nat_keepalive_ns;
	pc->contact_public = pr->contact_public;
	pc->dtmf_rfc2833 = pr->dtmf == OS_DM_DTMF_RFC2833;
	pc->hold = pr->hold == SCENARIO_HOLD_INACTIVE ? PHONE_HOLD_INACTIVE :
		   pr->hold == SCENARIO_HOLD_ZERO_ADDRESS ? PHONE_HOLD_ZERO_ADDRESS :
		   PHONE_HOLD_SENDONLY;
	pc->n_codecs = 0;
	for (size_t i = 0; i < pr->n_codecs && pc->n_codecs < PHONE_MAX_CODECS; i++)
		if (pr->codecs[i] != SCENARIO_CODEC_H264)   /* video is offered later (NEW-03) */
			pc->codecs[pc->n_codecs++] = scenario_codec_name(pr->codecs[i]);
}

/* Refuses actions this version does not simulate, naming where they are. */
static bool world_supported(const struct scenario *s, GError **err)
{
	for (size_t i = 0; i < s->n_actions; i++) {
		const struct scenario_action *a = &s->actions[i];
		const char *name = a->kind == SCENARIO_ACT_HOLD ? "hold" :
				   a->kind == SCENARIO_ACT_RESUME ? "resume" :
				   a->kind == SCENARIO_ACT_TRANSFER ? "transfer" :
				   a->kind == SCENARIO_ACT_DTMF ? "dtmf" : NULL;

		if (name != NULL) {
			g_set_error(err, SCENARIO_ERROR, EINVAL,
				    "%s:%d: <%s> cannot be simulated yet by this version of ossim; "
				    "expected register, unregister, dial, answer, reject or hang-up",
				    s->file, a->src_line, name);
			return false;
		}
	}
	return true;
}

/* Adds NAME to the lane list once. */
static void world_lane(struct world *w, const char *name)
{
	for (guint i = 0; i + 1 < w->lanes->len; i++)
		if (strcmp(g_ptr_array_index(w->lanes, i), name) == 0)
			return;
	g_ptr_array_insert(w->lanes, (gint)w->lanes->len - 1, g_strdup(name));
}

/* The lanes in drawing order (world.h). */
static void world_lanes_order(struct world *w, const struct officeserv_cfg *oc)
{
	const struct scenario *s = w->s;
	bool first = true;

	/* The first phone on the server's side, the server, then the others: the textbook
	   caller | server | callee picture when the first phone calls. */
	for (size_t i = 0; i < s->n_endpoints; i++)
		if (s->endpoints[i].kind == SCENARIO_EP_SIP_PHONE &&
		    nat_fabric_nat_of(w->fabric, s->endpoints[i].ip) == (size_t)-1) {
			world_lane(w, s->endpoints[i].name);
			if (first)
				world_lane(w, oc->name);
			first = false;
		}
	world_lane(w, oc->name);   /* when no phone is on the server's side (a no-op otherwise) */
	world_lane(w, oc->mps_name);
	for (size_t n = 0; n < s->network.n_nats; n++) {
		world_lane(w, s->network.nats[n].name);
		for (size_t i = 0; i < s->n_endpoints; i++)
			if (s->endpoints[i].kind == SCENARIO_EP_SIP_PHONE &&
			    nat_fabric_nat_of(w->fabric, s->endpoints[i].ip) == n)
				world_lane(w, s->endpoints[i].name);
	}
	world_lane(w, oc->mgi_name);
	for (size_t i = 0; i < s->n_endpoints; i++)
		if (s->endpoints[i].kind == SCENARIO_EP_DIGITAL_PHONE)
			world_lane(w, s->endpoints[i].name);
	for (size_t i = 0; i < s->n_endpoints; i++)
		if (s->endpoints[i].kind == SCENARIO_EP_ISDN_TRUNK)
			world_lane(w, s->endpoints[i].name);
}

struct world *world_new(const struct scenario *s, uint64_t seed, unsigned rep, GError **err)
{
	const struct scenario_network *n = &s->network;
	struct world *w;
	struct officeserv_cfg oc;
	struct officeserv_tdm_cfg *tdm;
	size_t n_tdm = 0;
	GPtrArray *hosts;        /* struct sim_host *, paired with host_lans */
	GArray *host_lans;
	struct sim_link *paths;          /* [lan a][lan b] */
	char domain[16];

	if (!world_supported(s, err))
		return NULL;
	w = g_new0(struct world, 1);
	w->s = s;
	w->sim = sim_new(seed, rep);
	w->net = sim_net_new(w->sim);
	w->fabric = nat_fabric_new(w->net);
	w->lanes = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(w->lanes, NULL);
	w->action_log = g_string_new("");
	hosts = g_ptr_array_new();
	host_lans = g_array_new(FALSE, FALSE, sizeof(size_t));

	for (size_t i = 0; i < n->n_lans; i++)
		nat_fabric_lan(w->fabric, n->lans[i].name, n->lans[i].net, n->lans[i].mask);
	for (size_t i = 0; i < n->n_links; i++)
		nat_fabric_link(w->fabric, n->links[i].from, n->links[i].to);
	for (size_t i = 0; i < n->n_nats; i++) {
		const struct scenario_nat *sn = &n->nats[i];
		struct nat_cfg nc = {
			.name = sn->name, .inside = sn->inside, .outside = sn->outside,
			.public_ip = sn->public_ip,
			.mapping = (enum nat_behaviour)sn->mapping,
			.filtering = (enum nat_behaviour)sn->filtering,
			.binding_timeout_ns = sn->binding_timeout_ns, .hairpin = sn->hairpin,
		};

		/* The loader checked every value, so this cannot fail. */
		g_assert(nat_fabric_add_nat(w->fabric, &nc) == 0);
		/* Datagrams to the public address end up inside: their path is the inside
		   LAN's, so both directions through the NAT take equally long. */
		g_ptr_array_add(hosts, sim_net_host_by_name(w->net, sn->name));
		g_array_append_val(host_lans, sn->inside);
	}

	/* The OfficeServ and its TDM endpoints. */
	officeserv_cfg_init(&oc);
	oc.dm = &s->system;
	oc.host = sim_net_host_add(w->net, oc.name, s->system.mp_ip);
	oc.subnet = n->lans[s->system.lan].net;
	oc.mask = n->lans[s->system.lan].mask;
	g_ptr_array_add(hosts, oc.host);
	g_array_append_val(host_lans, s->system.lan);
	tdm = g_new0(struct officeserv_tdm_cfg, s->n_endpoints + 1);
	for (size_t i = 0; i < s->n_endpoints; i++) {
		const struct scenario_endpoint *ep = &s->endpoints[i];
		struct officeserv_tdm_cfg *t = &tdm[n_tdm];

		if (ep->kind == SCENARIO_EP_SIP_PHONE)
			continue;
		t->kind = ep->kind == SCENARIO_EP_DIGITAL_PHONE ? OFFICESERV_TDM_DIGITAL_PHONE
								 : OFFICESERV_TDM_ISDN_TRUNK;
		t->name = ep->name;
		t->station = ep->station;
		t->channels = ep->kind == SCENARIO_EP_ISDN_TRUNK ? ep->channels : 1;
		for (size_t k = 0; k < s->system.plan.n_trunk_access; k++)
			if (s->system.plan.trunk_access[k].trunk == i) {
				t->access_code = s->system.plan.trunk_access[k].code;
				break;
			}
		n_tdm++;
	}
	oc.tdm = tdm;
	oc.n_tdm = n_tdm;
	w->os = officeserv_new(w->sim, w->net, &oc);
	g_free(tdm);
	g_assert(w->os != NULL);   /* a fresh world: nothing can be taken */

	/* The SIP phones. */
	sim_ip_str(s->system.mp_ip, domain, sizeof(domain));
	w->phones = g_new0(struct phone *, s->n_endpoints ? s->n_endpoints : 1);
	for (size_t i = 0; i < s->n_endpoints; i++) {
		const struct scenario_endpoint *ep = &s->endpoints[i];
		struct phone_cfg pc;
		struct sim_host *h;

		if (ep->kind != SCENARIO_EP_SIP_PHONE)
			continue;
		h = sim_net_host_add(w->net, ep->name, ep->ip);
		if (h == NULL) {
			g_set_error(err, SCENARIO_ERROR, EINVAL,
				    "%s:%d: the address of %s is already taken by another host; "
				    "expected a free address", s->file, ep->src_line, ep->name);
			g_ptr_array_free(hosts, TRUE);
			g_array_free(host_lans, TRUE);
			world_free(w);
			return NULL;
		}
		g_ptr_array_add(hosts, h);
		g_array_append_val(host_lans, ep->lan);
		world_phone_cfg(s, ep, h, domain, &pc);
		w->phones[i] = phone_new(w->sim, w->net, &pc);
		g_assert(w->phones[i] != NULL);
	}

	/* One link per pair of hosts, from the LAN path between them: the paths are worked out
	   once per pair of LANs, not once per pair of hosts (hundreds of phones share a LAN). */
	paths = g_new(struct sim_link, n->n_lans * n->n_lans);
	for (size_t a = 0; a < n->n_lans; a++)
		for (size_t b = 0; b < n->n_lans; b++)
			paths[a * n->n_lans + b] = world_path(n, a, b);
	for (guint i = 0; i < hosts->len; i++)
		for (guint j = i + 1; j < hosts->len; j++)
			sim_net_set_link(w->net, g_ptr_array_index(hosts, i),
					 g_ptr_array_index(hosts, j),
					 &paths[g_array_index(host_lans, size_t, i) * n->n_lans +
						g_array_index(host_lans, size_t, j)]);
	g_free(paths);
	g_ptr_array_free(hosts, TRUE);
	g_array_free(host_lans, TRUE);

	/* The script: one event per action, in scenario order (sorted by time already). */
	w->acts = g_new0(struct world_act, s->n_actions ? s->n_actions : 1);
	for (size_t i = 0; i < s->n_actions; i++) {
		w->acts[i].w = w;
		w->acts[i].i = i;
		sim_schedule(w->sim, s->actions[i].at_ns, world_act_fire, &w->acts[i]);
	}
	world_lanes_order(w, &oc);
	return w;
}

void world_free(struct world *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; w->phones != NULL && i < w->s->n_endpoints; i++)
		phone_free(w->phones[i]);
	officeserv_free(w->os);
	nat_fabric_free(w->fabric);
	sim_net_free(w->net);
	sim_free(w->sim);
	g_free(w->phones);
	g_free(w->acts);
	g_ptr_array_free(w->lanes, TRUE);
	g_string_free(w->action_log, TRUE);
	g_free(w);
}

struct sim *world_sim(struct world *w)
{
	return w->sim;
}

const char *const *world_lanes(const struct world *w)
{
	return (const char *const *)w->lanes->pdata;
}

uint64_t world_run(struct world *w)
{
	return sim_run(w->sim, w->s->duration_ns);
}

const char *world_action_log(const struct world *w)
{
	return w->action_log->str;
}

void world_write_status(const struct world *w, GString *out)
{
	officeserv_write_status(w->os, out);
}

void world_write_access_log(const struct world *w, GString *out)
{
	officeserv_write_access_log(w->os, out);
}
