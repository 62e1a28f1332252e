/*
 * loader.c - reads a scenario file into struct scenario (scenario.h), checking it on the way.
 *
 * Three passes, each reporting "FILE:LINE: what was wrong, what was expected":
 *   1. XML: the file is read and parsed by libxml2 (no network, no entities, errors captured on
 *      the parser context, see osmodel_xml_read);
 *   2. schema: scenarios/ossim.rng fixes the structure, so an unknown element or attribute is an
 *      error (libxml2's RELAX NG errors are captured per validation context and reworded);
 *   3. values: every value is parsed and checked as the OfficeServ checks it (DM 2.7.2 password
 *      rules, unique numbers and user IDs, the model's capacity ...) and every reference
 *      (a LAN, a station, an endpoint, a profile) must resolve. This pass reports all problems
 *      it finds, sorted by line, so one run of `ossim validate` lists them all.
 * The choices the manual leaves open are written down in docs/assumptions.md with their IDs.
 * No message ever contains a password (PWD-04).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#include "models/osmodel.h"
#include "scenarios/scenario.h"
#include "sim/net.h"

G_DEFINE_QUARK(ossim-scenario-error-quark, scenario_error)

#define NS_PER_S G_GINT64_CONSTANT(1000000000)
#define MAX_ERRORS 50
/* The password characters of PWD-02 (with '_', which the rougher extraction adds). */
#define PASSWORD_SPECIALS "!@#$%^&*_"

/* One problem found, kept until the end so they can be sorted by line. */
struct ld_err {
	int line;
	unsigned seq;
	char *msg;
};

/* A load in progress. */
struct ld {
	const char *file;
	GArray *errs;                    /* struct ld_err */
	struct scenario *s;
	xmlDocPtr doc;
};

/* ---- errors ---- */

/* Line of node N (1 when unknown). */
static int line_of(const xmlNode *n)
{
	long l = n ? xmlGetLineNo(n) : 0;

	return l > 0 && l < INT_MAX ? (int)l : 1;
}

/* Records a problem at LINE. */
G_GNUC_PRINTF(3, 4)
static void err_line(struct ld *ld, int line, const char *fmt, ...)
{
	struct ld_err e = { line, ld->errs->len, NULL };
	va_list ap;

	va_start(ap, fmt);
	e.msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_array_append_val(ld->errs, e);
}

#define err_at(ld, node, ...) err_line((ld), line_of(node), __VA_ARGS__)

/* Orders problems by line, then by the order they were found. */
static int ld_err_cmp(const void *a, const void *b)
{
	const struct ld_err *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Turns the recorded problems into ERR (one line each, sorted, at most MAX_ERRORS). */
static void ld_errors_to_gerror(struct ld *ld, int code, GError **err)
{
	GString *m = g_string_new(NULL);

	qsort(ld->errs->data, ld->errs->len, sizeof(struct ld_err), ld_err_cmp);
	for (unsigned i = 0; i < ld->errs->len && i < MAX_ERRORS; i++) {
		const struct ld_err *e = &g_array_index(ld->errs, struct ld_err, i);

		g_string_append_printf(m, "%s%s:%d: %s", i ? "\n" : "", ld->file, e->line, e->msg);
	}
	if (ld->errs->len > MAX_ERRORS)
		g_string_append_printf(m, "\n%s: %u more problems not shown", ld->file,
				       ld->errs->len - MAX_ERRORS);
	g_set_error_literal(err, SCENARIO_ERROR, code, m->str);
	g_string_free(m, TRUE);
}

/* ---- attributes and values ---- */

/* Element name of N. */
static const char *el(const xmlNode *n)
{
	return (const char *)n->name;
}


/* Attribute NAME of N, which the schema requires; reports it when missing (the C pass catches
   what libxml2 reports without a line). */
static char *req(struct ld *ld, const xmlNode *n, const char *name)
{
	char *v = osmodel_xml_attr(n, name);

	if (!v)
		err_at(ld, n, "<%s> has no %s attribute, which it needs", el(n), name);
	return v;
}

/* Parses V (attribute NAME of N) as a whole number in [MIN, MAX]. */
static bool val_uint(struct ld *ld, const xmlNode *n, const char *name, const char *v,
		     unsigned min, unsigned max, unsigned *out)
{
	guint64 x;

	if (v && g_ascii_string_to_unsigned(v, 10, min, max, &x, NULL)) {
		*out = (unsigned)x;
		return true;
	}
	if (v)
		err_at(ld, n, "%s=\"%s\" on <%s> is not a whole number from %u to %u", name, v,
		       el(n), min, max);
	return false;
}

/* Optional whole-number attribute: keeps *OUT (the default) when absent. */
static void opt_uint(struct ld *ld, const xmlNode *n, const char *name, unsigned min,
		     unsigned max, unsigned *out)
{
	char *v = osmodel_xml_attr(n, name);

	if (v)
		val_uint(ld, n, name, v, min, max, out);
	g_free(v);
}

/* See scenario.h. Exact decimal arithmetic, so "0.1s" is 100000000 ns on every machine. */
int scenario_time_parse(const char *s, int64_t *ns)
{
	static const struct {
		const char *unit;
		int64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", NS_PER_S },
		{ "min", 60 * NS_PER_S }, { "h", 3600 * NS_PER_S },
	};
	const char *p = s;
	uint64_t whole = 0, frac = 0, frac_div = 1;
	int digits = 0, fdigits = 0;

	if (!s)
		return EINVAL;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return EINVAL;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
			if (fdigits == 9)
				return EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
			frac_div *= 10;
		}
		if (fdigits == 0)
			return EINVAL;
	}
	if (digits == 0)
		return EINVAL;
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
		uint64_t u = (uint64_t)units[i].ns, fr;

		if (strcmp(p, units[i].unit))
			continue;
		if (whole > (uint64_t)INT64_MAX / u)
			return EINVAL;
		/* frac/frac_div of a unit, in ns; must be whole (no "1.5ns"). */
		if ((frac * u) % frac_div)
			return EINVAL;
		fr = frac * u / frac_div;
		if (whole * u > (uint64_t)INT64_MAX - fr)
			return EINVAL;
		*ns = (int64_t)(whole * u + fr);
		return 0;
	}
	return EINVAL;
}

/* Parses V (attribute NAME of N) as a time; ZERO_OK allows "0s". */
static bool val_time(struct ld *ld, const xmlNode *n, const char *name, const char *v,
		     bool zero_ok, int64_t *out)
{
	int64_t t;

	if (!v)
		return false;
	if (scenario_time_parse(v, &t) == 0 && (zero_ok || t > 0)) {
		*out = t;
		return true;
	}
	err_at(ld, n, "%s=\"%s\" on <%s> is not a %stime; expected a number and a unit (ns, us, "
	       "ms, s, min, h), like 300ms or 12.5s", name, v, el(n), zero_ok ? "" : "positive ");
	return false;
}

/* Optional time attribute: keeps *OUT (the default) when absent. */
static void opt_time(struct ld *ld, const xmlNode *n, const char *name, bool zero_ok,
		     int64_t *out)
{
	char *v = osmodel_xml_attr(n, name);

	if (v)
		val_time(ld, n, name, v, zero_ok, out);
	g_free(v);
}

/* Parses V (attribute NAME of N) as a dotted IPv4 address (sim_ip_parse). */
static bool val_ip(struct ld *ld, const xmlNode *n, const char *name, const char *v,
		   uint32_t *out)
{
	if (!v)
		return false;
	if (sim_ip_parse(v, out) == 0)
		return true;
	err_at(ld, n, "%s=\"%s\" on <%s> is not an IPv4 address; expected four numbers from 0 "
	       "to 255 without leading zeros, like 192.168.1.20", name, v, el(n));
	return false;
}

/* Parses V (attribute NAME of N) as one of the NULL-terminated NAMES; *OUT = its index. */
static bool val_enum(struct ld *ld, const xmlNode *n, const char *name, const char *v,
		     const char *const *names, int *out)
{
	GString *list;

	if (!v)
		return false;
	for (int i = 0; names[i]; i++)
		if (!strcmp(v, names[i])) {
			*out = i;
			return true;
		}
	list = g_string_new(NULL);
	for (int i = 0; names[i]; i++)
		g_string_append_printf(list, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "",
				       names[i]);
	err_at(ld, n, "%s=\"%s\" on <%s> is not allowed; expected %s", name, v, el(n), list->str);
	g_string_free(list, TRUE);
	return false;
}

/* Optional enumerated attribute: keeps *OUT (the default) when absent. */
static void opt_enum(struct ld *ld, const xmlNode *n, const char *name,
		     const char *const *names, int *out)
{
	char *v = osmodel_xml_attr(n, name);

	if (v)
		val_enum(ld, n, name, v, names, out);
	g_free(v);
}

static const char *const yes_no[] = { "no", "yes", NULL };
static const char *const disable_enable[] = { "disable", "enable", NULL };

/* Optional switch (NAMES = yes_no or disable_enable): keeps *OUT when absent. */
static void opt_bool(struct ld *ld, const xmlNode *n, const char *name,
		     const char *const *names, bool *out)
{
	int i = *out;

	opt_enum(ld, n, name, names, &i);
	*out = i != 0;
}

/* Optional loss attribute: a probability 0..1 or a percentage ("0.5%"). */
static void opt_loss(struct ld *ld, const xmlNode *n, const char *name, double *out)
{
	char *v = osmodel_xml_attr(n, name);
	char *end = NULL;
	double x;

	if (!v)
		return;
	x = g_ascii_strtod(v, &end);
	if (end != v && *end == '%' && end[1] == '\0')
		x /= 100.0;
	else if (end == v || *end != '\0')
		x = -1;
	if (x >= 0.0 && x <= 1.0)
		*out = x;
	else
		err_at(ld, n, "%s=\"%s\" on <%s> is not a loss probability; expected a number from "
		       "0 to 1 or a percentage, like 0.01 or 1%%", name, v, el(n));
	g_free(v);
}

/* True if S is 1..MAX characters of 0-9, and also '*' and '#' when DIAL. */
static bool is_digits(const char *s, size_t max, bool dial)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len > max)
		return false;
	for (const char *p = s; *p; p++)
		if (!g_ascii_isdigit(*p) && !(dial && (*p == '*' || *p == '#')))
			return false;
	return true;
}

/* Parses a subnet "a.b.c.d/len" (len 8..30, no host bits set). */
static bool val_subnet(struct ld *ld, const xmlNode *n, const char *v, uint32_t *net,
		       uint32_t *mask, unsigned *prefix)
{
	const char *slash = v ? strchr(v, '/') : NULL;
	char *ip = slash ? g_strndup(v, (size_t)(slash - v)) : NULL;
	guint64 len;
	bool ok = ip && sim_ip_parse(ip, net) == 0 &&
		  g_ascii_string_to_unsigned(slash + 1, 10, 8, 30, &len, NULL);

	if (ok) {
		*prefix = (unsigned)len;
		*mask = ~(uint32_t)0 << (32 - len);
		ok = (*net & ~*mask) == 0;
	}
	if (!ok)
		*prefix = 0;                 /* marks the LAN's subnet as unknown (lan_host_ok) */
	if (!ok && v)
		err_at(ld, n, "subnet=\"%s\" on <%s> is not a subnet; expected a network address "
		       "and a prefix length from 8 to 30 with no host bits set, like "
		       "192.168.1.0/24", v, el(n));
	g_free(ip);
	return ok;
}

/* Fills an address-table entry: a classful network when IP is its broadcast address (WL-03,
   PRIV-04), else the one host. */
static void ip_entry_fill(struct os_dm_ip_entry *e, uint32_t ip)
{
	uint32_t mask;

	if ((ip >> 31) == 0)
		mask = 0xff000000u;          /* class A */
	else if ((ip >> 30) == 2)
		mask = 0xffff0000u;          /* class B */
	else
		mask = 0xffffff00u;          /* class C (and D/E, which never match a phone) */
	e->ip = ip;
	if ((ip & ~mask) == ~mask) {
		e->net = ip & mask;
		e->mask = mask;
	} else {
		e->net = ip;
		e->mask = 0xffffffffu;
	}
}


/* Iterates the element children of N. */
#define FOR_CHILDREN(c, n) \
	for (const xmlNode *c = (n)->children; c; c = c->next) \
		if (c->type == XML_ELEMENT_NODE)

/* Number of element children of N named NAME. */
static size_t n_children(const xmlNode *n, const char *name)
{
	size_t k = 0;

	FOR_CHILDREN(c, n)
		k += !strcmp(el(c), name);
	return k;
}

/* The first element child of N named NAME, or NULL. */
static const xmlNode *child(const xmlNode *n, const char *name)
{
	FOR_CHILDREN(c, n)
		if (!strcmp(el(c), name))
			return c;
	return NULL;
}

/* Text content of N, stripped, as a new string. */
static char *text_of(const xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = g_strstrip(g_strdup(t ? (const char *)t : ""));

	xmlFree(t);
	return s;
}

/* ---- profiles ---- */

static const char *const vendor_names[] = { "third-party", "samsung", NULL };
static const char *const transport_names[] = { "udp", "tcp", "tls", NULL };
static const char *const dtmf_names[] = { "rfc2833", "info", "none", NULL };
static const char *const hold_names[] = { "sendonly", "inactive", "zero-address", NULL };
static const char *const contact_names[] = { "local", "public", NULL };
static const char *const codec_names[] = { "PCMU", "PCMA", "G729", "G723", "G722", "H264",
					   NULL };

/* Appends P (taken) to the scenario's profiles; returns its index. */
static size_t profile_add(struct scenario *s, struct scenario_profile *p)
{
	s->profiles = g_renew(struct scenario_profile, s->profiles, s->n_profiles + 1);
	s->profiles[s->n_profiles] = *p;
	return s->n_profiles++;
}

/* Index of the profile NAME: one already in the scenario, else a built-in (added on first
   use); SCENARIO_NONE if neither. */
static size_t profile_lookup(struct scenario *s, const char *name)
{
	struct scenario_profile p;

	for (size_t i = 0; i < s->n_profiles; i++)
		if (!strcmp(s->profiles[i].name, name))
			return i;
	if (!scenario_profile_builtin(name, &p))
		return SCENARIO_NONE;
	return profile_add(s, &p);
}

/* Reads a <profile> element into a new scenario profile called NAME; returns its index. */
static size_t profile_read(struct ld *ld, const xmlNode *n, const char *name)
{
	struct scenario *s = ld->s;
	struct scenario_profile p;
	char *base = osmodel_xml_attr(n, "base");
	char *v;
	size_t b = profile_lookup(s, base ? base : "generic");
	int i;

	if (b == SCENARIO_NONE) {
		err_at(ld, n, "base=\"%s\" on <profile> names no profile; expected a built-in "
		       "(generic, samsung, xlite, single-line) or a <profile> defined above", base);
		b = profile_lookup(s, "generic");
	}
	g_free(base);
	p = s->profiles[b];
	p.src_line = line_of(n);
	p.name = g_strdup(name);
	p.user_agent = g_strdup(p.user_agent);
	i = (int)p.vendor;
	opt_enum(ld, n, "vendor", vendor_names, &i);
	p.vendor = (enum scenario_vendor)i;
	if ((v = osmodel_xml_attr(n, "user-agent"))) {
		bool ok = *v && strlen(v) <= 128;

		for (const char *c = v; ok && *c; c++)
			ok = (unsigned char)*c >= 0x20 && *c != 0x7f;
		if (ok) {
			g_free(p.user_agent);
			p.user_agent = v;
			v = NULL;
		} else {
			err_at(ld, n, "user-agent on <profile> must be 1 to 128 printable "
			       "characters");
		}
		g_free(v);
	}
	opt_uint(ld, n, "lines", 1, 8, &p.lines);
	opt_time(ld, n, "expires", false, &p.expires_ns);
	if ((v = osmodel_xml_attr(n, "refresh"))) {
		if (!strcmp(v, "granted")) {
			p.refresh_granted = true;
		} else if (scenario_time_parse(v, &p.refresh_ns) == 0 && p.refresh_ns > 0) {
			p.refresh_granted = false;
		} else {
			err_at(ld, n, "refresh=\"%s\" on <profile> is not allowed; expected "
			       "granted (refresh before the expiry the OS grants) or a positive "
			       "time like 600s", v);
		}
		g_free(v);
	}
	i = (int)p.transport;
	opt_enum(ld, n, "transport", transport_names, &i);
	p.transport = (enum scenario_transport)i;
	opt_time(ld, n, "nat-keepalive", true, &p.nat_keepalive_ns);
	i = (int)p.dtmf;
	opt_enum(ld, n, "dtmf", dtmf_names, &i);
	p.dtmf = (enum os_dm_dtmf)i;
	i = (int)p.hold;
	opt_enum(ld, n, "hold", hold_names, &i);
	p.hold = (enum scenario_hold)i;
	i = p.contact_public;
	opt_enum(ld, n, "contact", contact_names, &i);
	p.contact_public = i != 0;
	opt_bool(ld, n, "srtp", yes_no, &p.srtp);
	opt_bool(ld, n, "hold-before-transfer", yes_no, &p.hold_before_transfer);
	opt_bool(ld, n, "hold-tone", yes_no, &p.hold_tone);
	if (n_children(n, "codec"))
		p.n_codecs = 0;
	FOR_CHILDREN(c, n) {
		char *cn = req(ld, c, "name");

		if (cn && val_enum(ld, c, "name", cn, codec_names, &i)) {
			bool dup = false;

			for (size_t k = 0; k < p.n_codecs; k++)
				dup = dup || p.codecs[k] == (enum scenario_codec)i;
			if (dup)
				err_at(ld, c, "codec %s is listed twice in this profile", cn);
			else
				p.codecs[p.n_codecs++] = (enum scenario_codec)i;
		}
		g_free(cn);
	}
	if (p.n_codecs == 0) {
		err_at(ld, n, "the profile has no audio codec; expected at least one <codec>");
		p.codecs[p.n_codecs++] = SCENARIO_CODEC_PCMU;
	}
	return profile_add(s, &p);
}

/* Reads <profiles>: named profiles, each new and unique. */
static void profiles_read(struct ld *ld, const xmlNode *n)
{
	FOR_CHILDREN(c, n) {
		char *name = osmodel_xml_attr(c, "name");
		struct scenario_profile tmp;

		if (!name || !*name) {
			err_at(ld, c, "a <profile> in <profiles> needs a name");
		} else if (scenario_profile_builtin(name, &tmp)) {
			scenario_profile_clear(&tmp);
			err_at(ld, c, "profile name '%s' is a built-in profile; expected a new "
			       "name (use base=\"%s\" to start from it)", name, name);
		} else {
			for (size_t i = 0; i < ld->s->n_profiles; i++)
				if (!strcmp(ld->s->profiles[i].name, name)) {
					err_at(ld, c, "profile '%s' is defined twice", name);
					break;
				}
			profile_read(ld, c, name);
		}
		g_free(name);
	}
}

/* ---- the network ---- */

/* Index of the LAN NAME; reports it (attribute ATTR of N) when there is none. */
static size_t lan_ref(struct ld *ld, const xmlNode *n, const char *attr_name)
{
	char *v = osmodel_xml_attr(n, attr_name);
	const struct scenario_network *net = &ld->s->network;
	size_t r = SCENARIO_NONE;

	for (size_t i = 0; v && i < net->n_lans; i++)
		if (!strcmp(net->lans[i].name, v))
			r = i;
	if (v && r == SCENARIO_NONE)
		err_at(ld, n, "%s=\"%s\" on <%s> names no <lan>; expected the name of a LAN in "
		       "<network>", attr_name, v, el(n));
	else if (!v)
		err_at(ld, n, "<%s> has no %s attribute, which it needs", el(n), attr_name);
	g_free(v);
	return r;
}

/* True if IP is a usable host address of LAN (inside it, not its network or broadcast). */
static bool lan_host_ok(const struct scenario_lan *lan, uint32_t ip)
{
	if (lan->prefix == 0)
		return true;                 /* its subnet was bad and is reported already */
	return (ip & lan->mask) == lan->net && ip != lan->net && ip != (lan->net | ~lan->mask);
}

/* Reads <network>: LANs first (others refer to them), then NATs and links. */
static void network_read(struct ld *ld, const xmlNode *n)
{
	struct scenario_network *net = &ld->s->network;

	net->lans = g_new0(struct scenario_lan, n_children(n, "lan"));
	net->nats = g_new0(struct scenario_nat, n_children(n, "nat"));
	net->links = g_new0(struct scenario_link, n_children(n, "link"));
	FOR_CHILDREN(c, n) {
		struct scenario_lan *lan;
		char *sub;

		if (strcmp(el(c), "lan"))
			continue;
		lan = &net->lans[net->n_lans];
		lan->src_line = line_of(c);
		lan->name = req(ld, c, "name");
		if (!lan->name)
			continue;
		for (size_t i = 0; i < net->n_lans; i++)
			if (!strcmp(net->lans[i].name, lan->name))
				err_at(ld, c, "LAN '%s' is defined twice (first on line %d)",
				       lan->name, net->lans[i].src_line);
		sub = req(ld, c, "subnet");
		val_subnet(ld, c, sub, &lan->net, &lan->mask, &lan->prefix);
		g_free(sub);
		opt_time(ld, c, "delay", true, &lan->delay_ns);
		opt_time(ld, c, "jitter", true, &lan->jitter_ns);
		opt_loss(ld, c, "loss", &lan->loss);
		net->n_lans++;
	}
	if (n_children(n, "lan") == 0)
		err_at(ld, n, "<network> has no <lan>; expected at least one, for the OfficeServ");
	FOR_CHILDREN(c, n) {
		struct scenario_nat *nat;
		char *v;
		int i;

		if (strcmp(el(c), "nat"))
			continue;
		nat = &net->nats[net->n_nats];
		*nat = (struct scenario_nat){ .src_line = line_of(c),
			.mapping = SCENARIO_NAT_ENDPOINT_INDEPENDENT,
			.filtering = SCENARIO_NAT_ADDRESS_PORT_DEPENDENT,
			.binding_timeout_ns = 120 * NS_PER_S, .hairpin = false };
		nat->name = req(ld, c, "name");
		nat->inside = lan_ref(ld, c, "inside");
		nat->outside = lan_ref(ld, c, "outside");
		for (size_t k = 0; nat->name && k < net->n_nats; k++)
			if (!strcmp(net->nats[k].name, nat->name))
				err_at(ld, c, "NAT '%s' is defined twice", nat->name);
		if (nat->inside != SCENARIO_NONE && nat->inside == nat->outside)
			err_at(ld, c, "NAT %s has the same LAN inside and outside; expected two "
			       "different LANs", nat->name ? nat->name : "");
		for (size_t k = 0; nat->inside != SCENARIO_NONE && k < net->n_nats; k++)
			if (net->nats[k].inside == nat->inside)
				err_at(ld, c, "LAN %s is already inside NAT %s; expected one NAT "
				       "per inside LAN", net->lans[nat->inside].name,
				       net->nats[k].name);
		v = req(ld, c, "public");
		if (val_ip(ld, c, "public", v, &nat->public_ip) && nat->outside != SCENARIO_NONE &&
		    nat->outside != nat->inside &&
		    !lan_host_ok(&net->lans[nat->outside], nat->public_ip)) {
			const struct scenario_lan *o = &net->lans[nat->outside];
			char buf[16];

			err_at(ld, c, "public=\"%s\" of NAT %s is not a host address of its "
			       "outside LAN %s; expected an address inside %s/%u", v,
			       nat->name ? nat->name : "", o->name,
			       sim_ip_str(o->net, buf, sizeof buf), o->prefix);
		}
		g_free(v);
		static const char *const beh[] = { "endpoint-independent", "address-dependent",
						   "address-port-dependent", NULL };
		i = (int)nat->mapping;
		opt_enum(ld, c, "mapping", beh, &i);
		nat->mapping = (enum scenario_nat_behaviour)i;
		i = (int)nat->filtering;
		opt_enum(ld, c, "filtering", beh, &i);
		nat->filtering = (enum scenario_nat_behaviour)i;
		opt_time(ld, c, "binding-timeout", false, &nat->binding_timeout_ns);
		opt_bool(ld, c, "hairpin", yes_no, &nat->hairpin);
		net->n_nats++;
	}
	FOR_CHILDREN(c, n) {
		struct scenario_link *l;

		if (strcmp(el(c), "link"))
			continue;
		l = &net->links[net->n_links];
		l->src_line = line_of(c);
		l->from = lan_ref(ld, c, "from");
		l->to = lan_ref(ld, c, "to");
		opt_time(ld, c, "delay", true, &l->delay_ns);
		opt_time(ld, c, "jitter", true, &l->jitter_ns);
		opt_loss(ld, c, "loss", &l->loss);
		net->n_links++;
		if (l->from == SCENARIO_NONE || l->to == SCENARIO_NONE)
			continue;
		if (l->from == l->to) {
			err_at(ld, c, "<link> joins LAN %s to itself; expected two different LANs",
			       net->lans[l->from].name);
			continue;
		}
		for (size_t k = 0; k + 1 < net->n_links; k++) {
			const struct scenario_link *o = &net->links[k];

			if ((o->from == l->from && o->to == l->to) ||
			    (o->from == l->to && o->to == l->from))
				err_at(ld, c, "LANs %s and %s are already joined by the link on "
				       "line %d", net->lans[l->from].name, net->lans[l->to].name,
				       o->src_line);
		}
		for (size_t k = 0; k < net->n_nats; k++) {
			const struct scenario_nat *t = &net->nats[k];

			if ((t->inside == l->from && t->outside == l->to) ||
			    (t->inside == l->to && t->outside == l->from))
				err_at(ld, c, "LANs %s and %s are already joined by NAT %s; a link "
				       "would bypass it", net->lans[l->from].name,
				       net->lans[l->to].name, t->name);
		}
		{
			const struct scenario_lan *a = &net->lans[l->from], *b = &net->lans[l->to];
			uint32_t m = a->mask & b->mask;

			if ((a->net & m) == (b->net & m))
				err_at(ld, c, "LANs %s and %s overlap and a link joins them "
				       "without a NAT; expected disjoint subnets", a->name,
				       b->name);
		}
	}
}

/* ---- the system ---- */

/* Reads one DM 2.7.2 <station> row. Cross-row checks (unique numbers and user IDs, CFU target,
   capacity) come later, in cross_check. */
static void station_read(struct ld *ld, const xmlNode *n, struct os_dm_station *st)
{
	static const char *const tone[] = { "system", "phone", NULL };
	static const char *const dtmf[] = { "rfc2833", "info", NULL };
	static const char *const itt[] = { "none", "incoming", "outgoing", NULL };
	static const char *const natc[] = { "ip", "ip-port", NULL };
	const char *tel;
	int i;

	*st = (struct os_dm_station){ .src_line = line_of(n), .use_white_list = true };
	st->tel = req(ld, n, "tel");
	tel = st->tel ? st->tel : "?";
	if (st->tel && !is_digits(st->tel, 4, false))
		err_at(ld, n, "tel=\"%s\" is not a station number; expected 2 to 4 digits",
		       st->tel);
	else if (st->tel && strlen(st->tel) < 2)
		err_at(ld, n, "tel=\"%s\" is not a station number; expected 2 to 4 digits",
		       st->tel);
	/* UID-02/UID-04: no default credentials, and the User ID cannot be blank. */
	st->user_id = osmodel_xml_attr(n, "user-id");
	if (!st->user_id || !*st->user_id) {
		err_at(ld, n, "station %s has no user ID; DM 2.7.2 needs one (UID-04: no default, "
		       "never blank)", tel);
	} else {
		bool ok = strlen(st->user_id) <= 32;

		for (const char *c = st->user_id; ok && *c; c++)
			ok = g_ascii_isalnum(*c) || strchr("._-", *c);
		if (!ok)
			err_at(ld, n, "user ID of station %s is not allowed; expected 1 to 32 "
			       "letters, digits, '.', '_' or '-'", tel);
	}
	/* PWD-01..04. The password itself never appears in a message. */
	st->password = osmodel_xml_attr(n, "password");
	if (!st->password || !*st->password) {
		err_at(ld, n, "station %s has no password; DM 2.7.2 needs one of %d to %d "
		       "characters (UID-02: no default password)", tel, SCENARIO_PASSWORD_MIN,
		       SCENARIO_PASSWORD_MAX);
	} else {
		size_t len = strlen(st->password);
		bool chars = true;

		for (const char *c = st->password; chars && *c; c++)
			chars = g_ascii_isalnum(*c) || strchr(PASSWORD_SPECIALS, *c);
		if (!chars)
			err_at(ld, n, "password of station %s contains a character that is not "
			       "allowed; expected letters, digits and %s (PWD-02)", tel,
			       PASSWORD_SPECIALS);
		if (len < SCENARIO_PASSWORD_MIN)
			err_at(ld, n, "password of station %s is shorter than %d characters; "
			       "expected %d to %d (PWD-01)", tel, SCENARIO_PASSWORD_MIN,
			       SCENARIO_PASSWORD_MIN, SCENARIO_PASSWORD_MAX);
		else if (len > SCENARIO_PASSWORD_MAX)
			err_at(ld, n, "password of station %s is longer than %d characters; "
			       "expected %d to %d (PWD-01)", tel, SCENARIO_PASSWORD_MAX,
			       SCENARIO_PASSWORD_MIN, SCENARIO_PASSWORD_MAX);
		if (st->user_id && !strcmp(st->user_id, st->password))
			err_at(ld, n, "password of station %s equals its user ID; expected a "
			       "different password (UID-05)", tel);
	}
	i = (int)st->tone_source;
	opt_enum(ld, n, "tone-source", tone, &i);
	st->tone_source = (enum os_dm_tone)i;
	opt_bool(ld, n, "call-waiting", disable_enable, &st->call_waiting);
	st->cfu = osmodel_xml_attr(n, "cfu");
	i = (int)st->dtmf;
	opt_enum(ld, n, "dtmf", dtmf, &i);
	st->dtmf = (enum os_dm_dtmf)i;
	st->insert_trunk_port = osmodel_xml_attr(n, "insert-trunk-port");
	if (st->insert_trunk_port && !is_digits(st->insert_trunk_port, 8, false))
		err_at(ld, n, "insert-trunk-port=\"%s\" of station %s is not allowed; expected 1 "
		       "to 8 digits (an LCR access code, trunk number or trunk group, ITP-01)",
		       st->insert_trunk_port, tel);
	i = (int)st->insert_trunk_type;
	opt_enum(ld, n, "insert-trunk-type", itt, &i);
	st->insert_trunk_type = (enum os_dm_itt)i;
	if (st->insert_trunk_type != OS_DM_ITT_NONE && !st->insert_trunk_port)
		err_at(ld, n, "station %s has an insert-trunk-type but no insert-trunk-port; "
		       "expected both, or insert-trunk-type=\"none\" (ITP-01)", tel);
	i = (int)st->nat_check;
	opt_enum(ld, n, "nat-check", natc, &i);
	st->nat_check = (enum os_dm_natcheck)i;
	opt_bool(ld, n, "use-white-list", disable_enable, &st->use_white_list);
}

/* Reads the entries of a DM address table (5.2.8 or 5.13.10). */
static void ip_table_read(struct ld *ld, const xmlNode *n, struct os_dm_ip_entry **out,
			  size_t *n_out)
{
	*out = g_new0(struct os_dm_ip_entry, n_children(n, "entry"));
	FOR_CHILDREN(c, n) {
		char *v = req(ld, c, "ip");
		uint32_t ip;

		/* 0.0.0.0 is how DM shows an empty row (DM 5.2.8 example). */
		if (val_ip(ld, c, "ip", v, &ip) && ip != 0) {
			(*out)[*n_out].src_line = line_of(c);
			ip_entry_fill(&(*out)[*n_out], ip);
			(*n_out)++;
		}
		g_free(v);
	}
}

/* Reads DM 5.2.12; defaults are the manual's (STK-02..06, SEC-01..06, TLS-03..06). */
static void options_read(struct ld *ld, const xmlNode *n, struct os_dm_sip_options *o)
{
	static const char *const comm[] = { "response", "no-response", NULL };
	int i;

	*o = (struct os_dm_sip_options){
		.signal_port = 5060, .ipums_port = 5070, .expire_ns = 600 * NS_PER_S,
		.nat_reg_expire_ns = 60 * NS_PER_S, .comm_exclusive = OS_DM_COMM_RESPONSE,
		.common_block_ns = 600 * NS_PER_S, .register_block_ns = 60 * NS_PER_S,
		.register_retry_limit = 2, .tls = false, .tls_port = 5061,
		.connection_reuse = true, .mutual_tls = false, .validate_any_certificate = true,
	};
	if (!n)
		return;
	o->src_line = line_of(n);
	opt_uint(ld, n, "signal-port", 1, 65535, &o->signal_port);
	opt_uint(ld, n, "ipums-port", 1, 65535, &o->ipums_port);
	opt_time(ld, n, "expire-time", false, &o->expire_ns);
	opt_time(ld, n, "nat-reg-expire-time", false, &o->nat_reg_expire_ns);
	i = (int)o->comm_exclusive;
	opt_enum(ld, n, "comm-exclusive", comm, &i);
	o->comm_exclusive = (enum os_dm_comm_exclusive)i;
	opt_time(ld, n, "common-block-timer", false, &o->common_block_ns);
	opt_time(ld, n, "register-block-timer", false, &o->register_block_ns);
	opt_uint(ld, n, "register-retry-limit", 1, 99, &o->register_retry_limit);
	opt_bool(ld, n, "tls", disable_enable, &o->tls);
	opt_uint(ld, n, "tls-port", 1, 65535, &o->tls_port);
	opt_bool(ld, n, "connection-reuse", disable_enable, &o->connection_reuse);
	opt_bool(ld, n, "mutual-tls", disable_enable, &o->mutual_tls);
	opt_bool(ld, n, "validate-any-certificate", disable_enable, &o->validate_any_certificate);
	if (o->signal_port == o->ipums_port)
		err_at(ld, n, "signal-port and ipums-port are both %u; expected two different UDP "
		       "ports (STK-02, STK-03)", o->signal_port);
	if (o->expire_ns % NS_PER_S || o->nat_reg_expire_ns % NS_PER_S ||
	    o->common_block_ns % NS_PER_S || o->register_block_ns % NS_PER_S)
		err_at(ld, n, "DM 5.2.12 timers are whole seconds; expected values like 600s");
	if (o->expire_ns > 86400 * NS_PER_S || o->nat_reg_expire_ns > 86400 * NS_PER_S)
		err_at(ld, n, "expire times over 24 hours are not accepted; expected at most "
		       "86400s");
}

/* The DM 6.3.2 card type names; "SIP STN" is the manual's other spelling (VC-01). */
static bool vcard_type(const char *v, enum os_dm_card_type *t)
{
	if (!strcmp(v, "SIP-STN") || !strcmp(v, "SIP STN"))
		*t = OS_DM_CARD_SIP_STN;
	else if (!strcmp(v, "WiredITP"))
		*t = OS_DM_CARD_WIRED_ITP;
	else if (!strcmp(v, "WirelessITP"))
		*t = OS_DM_CARD_WIRELESS_ITP;
	else
		return false;
	return true;
}

/* Reads one DM 6.3.2 <virtual-card>. */
static void vcard_read(struct ld *ld, const xmlNode *n, struct os_dm *sys)
{
	struct os_dm_vcard *vc = &sys->vcards[sys->n_vcards];
	char *cab = req(ld, n, "cabinet"), *slot = req(ld, n, "slot"), *type = req(ld, n, "type");
	bool ok;

	*vc = (struct os_dm_vcard){ .src_line = line_of(n), .ports = 16 };
	ok = val_uint(ld, n, "cabinet", cab, 0, 9, &vc->cabinet);
	ok = val_uint(ld, n, "slot", slot, 0, 31, &vc->slot) && ok;
	if (type && !vcard_type(type, &vc->type)) {
		err_at(ld, n, "type=\"%s\" on <virtual-card> is not allowed; expected SIP-STN, "
		       "WiredITP or WirelessITP", type);
		ok = false;
	}
	opt_uint(ld, n, "ports", 1, 480, &vc->ports);
	for (size_t i = 0; ok && i < sys->n_vcards; i++)
		if (sys->vcards[i].cabinet == vc->cabinet && sys->vcards[i].slot == vc->slot)
			err_at(ld, n, "cabinet %u slot %u already has a virtual card (line %d); "
			       "expected one card per slot", vc->cabinet, vc->slot,
			       sys->vcards[i].src_line);
	if (ok && type) {
		sys->n_vcards++;
		if (vc->type == OS_DM_CARD_SIP_STN) {
			const struct osmodel *m = sys->model;

			sys->sip_stn_ports += vc->ports;
			/* CAP-01: the model caps the programmable SIP station ports. */
			if (m && sys->sip_stn_ports > m->sip_stations &&
			    sys->sip_stn_ports - vc->ports <= m->sip_stations)
				err_at(ld, n, "this SIP-STN card brings the SIP station ports to "
				       "%u, over the %s's capacity of %u (CAP-01)",
				       sys->sip_stn_ports, m->name, m->sip_stations);
		}
	}
	g_free(cab);
	g_free(slot);
	g_free(type);
}

/* Reads <addresses>: where the MP (and MGI) sit. */
static void addresses_read(struct ld *ld, const xmlNode *n, struct os_dm *sys)
{
	static const char *const names[] = { "mp", "mgi", "public-mp", "public-mgi" };
	uint32_t *dst[] = { &sys->mp_ip, &sys->mgi_ip, &sys->public_mp_ip, &sys->public_mgi_ip };
	const struct scenario_lan *lan;

	sys->lan = lan_ref(ld, n, "lan");
	lan = sys->lan != SCENARIO_NONE ? &ld->s->network.lans[sys->lan] : NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		char *v = i == 0 ? req(ld, n, names[i]) : osmodel_xml_attr(n, names[i]);

		if (val_ip(ld, n, names[i], v, dst[i]) && i < 2 && lan &&
		    !lan_host_ok(lan, *dst[i])) {
			char net[16];

			err_at(ld, n, "%s=\"%s\" is not a host address of LAN %s; expected an "
			       "address inside %s/%u", names[i], v, lan->name,
			       sim_ip_str(lan->net, net, sizeof net), lan->prefix);
		}
		g_free(v);
	}
	if (!sys->mgi_ip)
		sys->mgi_ip = sys->mp_ip;   /* the inbuilt MGI answers on the MP's address */
}

/* Reads <system>. The number plan is read later, after the endpoints it refers to. */
static void system_read(struct ld *ld, const xmlNode *n)
{
	static const char *const once[] = { "addresses", "licence", "sip-phones", "private-ip",
					    "sip-options", "white-list", "number-plan" };
	struct os_dm *sys = &ld->s->system;
	char *model = req(ld, n, "model");

	sys->src_line = line_of(n);
	sys->lan = SCENARIO_NONE;
	sys->model = model ? osmodel_find(ld->s->models, model) : NULL;
	if (model && !sys->model) {
		char *names = osmodel_names(ld->s->models);

		err_at(ld, n, "model=\"%s\" is not an OfficeServ model of os-models.xml; expected "
		       "one of %s", model, names);
		g_free(names);
	}
	g_free(model);
	sys->mps_channels = sys->model ? sys->model->mps_channels : 0;
	sys->mps_channels_set = xmlHasProp((xmlNode *)n, BAD_CAST "mps-channels") != NULL;
	opt_uint(ld, n, "mps-channels", 0, 100000, &sys->mps_channels);
	for (size_t i = 0; i < G_N_ELEMENTS(once); i++) {
		int seen = 0;

		FOR_CHILDREN(c, n)
			if (!strcmp(el(c), once[i]) && seen++)
				err_at(ld, c, "a second <%s> in <system>; expected at most one",
				       once[i]);
	}
	if (!child(n, "addresses"))
		err_at(ld, n, "<system> has no <addresses>; expected one, saying where the MP "
		       "sits");
	sys->mgi_cards = g_new0(struct os_dm_mgi_card, n_children(n, "mgi-card"));
	sys->vcards = g_new0(struct os_dm_vcard, n_children(n, "virtual-card"));
	options_read(ld, NULL, &sys->options);
	FOR_CHILDREN(c, n) {
		const char *name = el(c);

		if (!strcmp(name, "addresses")) {
			addresses_read(ld, c, sys);
		} else if (!strcmp(name, "mgi-card")) {
			struct os_dm_mgi_card *mc = &sys->mgi_cards[sys->n_mgi_cards];
			const struct osmodel_card *oc;
			unsigned total;

			mc->src_line = line_of(c);
			mc->type = req(ld, c, "type");
			mc->count = 1;
			opt_uint(ld, c, "count", 1, 1000, &mc->count);
			oc = mc->type && sys->model ? osmodel_card_find(sys->model, mc->type) :
							   NULL;
			if (mc->type && sys->model && !oc)
				err_at(ld, c, "the %s takes no %s card; see `ossim models` for the "
				       "cards each model takes", sys->model->name, mc->type);
			if (!oc) {
				g_clear_pointer(&mc->type, g_free);
				continue;
			}
			mc->channels = oc->type->channels;
			total = mc->count;
			for (size_t i = 0; i < sys->n_mgi_cards; i++)
				if (!strcmp(sys->mgi_cards[i].type, mc->type))
					total += sys->mgi_cards[i].count;
			if (total > oc->max)
				err_at(ld, c, "%u %s cards installed; the %s takes at most %u",
				       total, mc->type, sys->model->name, oc->max);
			sys->n_mgi_cards++;
		} else if (!strcmp(name, "licence")) {
			sys->licence.src_line = line_of(c);
			opt_uint(ld, c, "sip-phone", 0, 10000, &sys->licence.sip_phone);
			opt_uint(ld, c, "third-party-sip-phone", 0, 10000,
				 &sys->licence.third_party_sip_phone);
			opt_uint(ld, c, "mgi", 0, 10000, &sys->licence.mgi);
		} else if (!strcmp(name, "sip-phones")) {
			size_t k = n_children(c, "station");

			sys->stations = g_new0(struct os_dm_station, k);
			FOR_CHILDREN(st, c)
				station_read(ld, st, &sys->stations[sys->n_stations++]);
		} else if (!strcmp(name, "private-ip")) {
			ip_table_read(ld, c, &sys->private_ips, &sys->n_private_ips);
		} else if (!strcmp(name, "sip-options")) {
			options_read(ld, c, &sys->options);
		} else if (!strcmp(name, "white-list")) {
			ip_table_read(ld, c, &sys->white_list, &sys->n_white_list);
		} else if (!strcmp(name, "virtual-card")) {
			vcard_read(ld, c, sys);
		}
	}
}

/* ---- endpoints ---- */

/* See scenario.h. */
size_t scenario_endpoint_find(const struct scenario *s, const char *name)
{
	for (size_t i = 0; name && i < s->n_endpoints; i++)
		if (s->endpoints[i].name && !strcmp(s->endpoints[i].name, name))
			return i;
	return SCENARIO_NONE;
}

/* See scenario.h. */
size_t scenario_station_find(const struct scenario *s, const char *tel)
{
	for (size_t i = 0; tel && i < s->system.n_stations; i++)
		if (s->system.stations[i].tel && !strcmp(s->system.stations[i].tel, tel))
			return i;
	return SCENARIO_NONE;
}

/* Reads a <sip-phone>: where it sits, its account (REG-09) and its profile. */
static void sip_phone_read(struct ld *ld, const xmlNode *n, struct scenario_endpoint *ep)
{
	struct scenario *s = ld->s;
	const xmlNode *inline_profile = child(n, "profile");
	char *addr = req(ld, n, "address");
	char *prof = osmodel_xml_attr(n, "profile");
	const char *who = ep->name ? ep->name : "?";

	ep->port = 5060;
	ep->dm_station = scenario_station_find(s, ep->station);
	ep->lan = lan_ref(ld, n, "lan");
	if (val_ip(ld, n, "address", addr, &ep->ip) && ep->lan != SCENARIO_NONE) {
		const struct scenario_lan *lan = &s->network.lans[ep->lan];

		char buf[16];

		if (!lan_host_ok(lan, ep->ip))
			err_at(ld, n, "address=\"%s\" of phone %s is not a host address of LAN %s; "
			       "expected an address inside %s/%u", addr, who, lan->name,
			       sim_ip_str(lan->net, buf, sizeof buf), lan->prefix);
		else if (ep->lan == s->system.lan &&
			 (ep->ip == s->system.mp_ip || ep->ip == s->system.mgi_ip))
			err_at(ld, n, "address=\"%s\" of phone %s is the OfficeServ's own; "
			       "expected an unused address", addr, who);
		for (size_t i = 0; i < s->n_endpoints; i++) {
			const struct scenario_endpoint *o = &s->endpoints[i];

			if (o->kind == SCENARIO_EP_SIP_PHONE && o->lan == ep->lan &&
			    o->ip == ep->ip)
				err_at(ld, n, "address=\"%s\" is already used by phone %s on LAN "
				       "%s; expected a unique address", addr, o->name, lan->name);
		}
	}
	g_free(addr);
	opt_uint(ld, n, "port", 1, 65535, &ep->port);
	ep->auth_name = osmodel_xml_attr(n, "auth-name");
	ep->password = osmodel_xml_attr(n, "password");
	if (ep->dm_station != SCENARIO_NONE) {
		const struct os_dm_station *st = &s->system.stations[ep->dm_station];

		if (!ep->auth_name)
			ep->auth_name = g_strdup(st->user_id);
		if (!ep->password)
			ep->password = g_strdup(st->password);
	} else if (ep->station && (!ep->auth_name || !ep->password)) {
		err_at(ld, n, "phone %s uses station %s, which has no DM 2.7.2 row; expected a row "
		       "for it in <sip-phones>, or auth-name and password on the phone if it is "
		       "meant to fail registration", who, ep->station);
	}
	if (ep->auth_name && !*ep->auth_name)
		err_at(ld, n, "auth-name of phone %s is empty; expected a user ID", who);
	if (prof && inline_profile) {
		err_at(ld, n, "phone %s has both profile=\"%s\" and an inline <profile>; expected "
		       "one of them", who, prof);
	} else if (inline_profile) {
		if (xmlHasProp(inline_profile, (const xmlChar *)"name"))
			err_at(ld, inline_profile, "an inline <profile> takes no name; expected "
			       "named profiles in <profiles>");
		ep->profile = profile_read(ld, inline_profile, who);
	} else {
		ep->profile = profile_lookup(s, prof ? prof : "generic");
		if (ep->profile == SCENARIO_NONE) {
			err_at(ld, n, "profile=\"%s\" of phone %s names no profile; expected a "
			       "built-in (generic, samsung, xlite, single-line) or one of "
			       "<profiles>", prof, who);
			ep->profile = profile_lookup(s, "generic");
		}
	}
	g_free(prof);
}

/* Reads <endpoints>. */
static void endpoints_read(struct ld *ld, const xmlNode *n)
{
	struct scenario *s = ld->s;

	s->endpoints = g_new0(struct scenario_endpoint, n_children(n, "sip-phone") +
			      n_children(n, "digital-phone") + n_children(n, "isdn-trunk"));
	FOR_CHILDREN(c, n) {
		struct scenario_endpoint *ep = &s->endpoints[s->n_endpoints];
		const char *kind = el(c);
		size_t dup;

		*ep = (struct scenario_endpoint){ .src_line = line_of(c),
			.dm_station = SCENARIO_NONE, .lan = SCENARIO_NONE,
			.profile = SCENARIO_NONE };
		ep->name = req(ld, c, "name");
		dup = scenario_endpoint_find(s, ep->name);
		if (dup != SCENARIO_NONE)
			err_at(ld, c, "endpoint name '%s' is already used on line %d; expected "
			       "unique names", ep->name, s->endpoints[dup].src_line);
		else if (ep->name && (!*ep->name || strlen(ep->name) > 32))
			err_at(ld, c, "endpoint name '%s' is not allowed; expected 1 to 32 "
			       "characters", ep->name);
		if (!strcmp(kind, "isdn-trunk")) {
			ep->kind = SCENARIO_EP_ISDN_TRUNK;
			ep->channels = 30;
			opt_uint(ld, c, "channels", 1, 30, &ep->channels);
		} else {
			ep->kind = strcmp(kind, "sip-phone") ? SCENARIO_EP_DIGITAL_PHONE :
							       SCENARIO_EP_SIP_PHONE;
			ep->station = req(ld, c, "station");
			if (ep->station && (!is_digits(ep->station, 4, false) ||
					    strlen(ep->station) < 2))
				err_at(ld, c, "station=\"%s\" is not a station number; expected 2 "
				       "to 4 digits", ep->station);
			if (ep->kind == SCENARIO_EP_SIP_PHONE)
				sip_phone_read(ld, c, ep);
		}
		s->n_endpoints++;
	}
}

/* ---- the script ---- */

/* Action names, in enum scenario_action_kind order, and the endpoints each one suits. */
#define SIP (1u << SCENARIO_EP_SIP_PHONE)
#define DGP (1u << SCENARIO_EP_DIGITAL_PHONE)
#define TRK (1u << SCENARIO_EP_ISDN_TRUNK)
static const struct {
	const char *name;
	unsigned kinds;
	const char *suits;
} actions[] = {
	[SCENARIO_ACT_REGISTER] = { "register", SIP, "a SIP phone" },
	[SCENARIO_ACT_UNREGISTER] = { "unregister", SIP, "a SIP phone" },
	[SCENARIO_ACT_DIAL] = { "dial", SIP | DGP | TRK, "a phone or a trunk" },
	[SCENARIO_ACT_ANSWER] = { "answer", SIP | DGP | TRK, "a phone or a trunk" },
	[SCENARIO_ACT_REJECT] = { "reject", SIP, "a SIP phone" },
	[SCENARIO_ACT_HANG_UP] = { "hang-up", SIP | DGP | TRK, "a phone or a trunk" },
	[SCENARIO_ACT_HOLD] = { "hold", SIP | DGP, "a phone" },
	[SCENARIO_ACT_RESUME] = { "resume", SIP | DGP, "a phone" },
	[SCENARIO_ACT_TRANSFER] = { "transfer", SIP | DGP, "a phone" },
	[SCENARIO_ACT_DTMF] = { "dtmf", SIP | DGP, "a phone" },
};
#undef SIP
#undef DGP
#undef TRK

/* Names of endpoint kinds, for messages. */
static const char *kind_name(enum scenario_endpoint_kind k)
{
	return k == SCENARIO_EP_SIP_PHONE ? "a SIP phone" :
	       k == SCENARIO_EP_DIGITAL_PHONE ? "a digital phone" : "an ISDN trunk";
}

/* Orders actions by time, then by file position (stable). */
static int action_cmp(const void *a, const void *b)
{
	const struct scenario_action *x = a, *y = b;

	if (x->at_ns != y->at_ns)
		return x->at_ns < y->at_ns ? -1 : 1;
	return x->src_line < y->src_line ? -1 : x->src_line > y->src_line;
}

/* Reads one script action into A. */
static void action_read(struct ld *ld, const xmlNode *n, struct scenario_action *a)
{
	struct scenario *s = ld->s;
	char *at = req(ld, n, "at"), *who = req(ld, n, "who");
	const struct scenario_endpoint *ep = NULL;
	int k = -1;

	*a = (struct scenario_action){ .src_line = line_of(n), .code = 486 };
	for (size_t i = 0; i < G_N_ELEMENTS(actions); i++)
		if (!strcmp(el(n), actions[i].name))
			k = (int)i;
	a->kind = (enum scenario_action_kind)k;
	if (val_time(ld, n, "at", at, true, &a->at_ns) && a->at_ns >= s->duration_ns &&
	    s->duration_ns > 0)
		err_at(ld, n, "at=\"%s\" is not before the end of the scenario; expected a time "
		       "under its duration", at);
	a->who = scenario_endpoint_find(s, who);
	if (who && a->who == SCENARIO_NONE)
		err_at(ld, n, "who=\"%s\" names no endpoint; expected the name of a <sip-phone>, "
		       "<digital-phone> or <isdn-trunk>", who);
	else if (who)
		ep = &s->endpoints[a->who];
	if (ep && !(actions[k].kinds & (1u << ep->kind)))
		err_at(ld, n, "<%s> needs %s, but %s is %s", actions[k].name, actions[k].suits,
		       who, kind_name(ep->kind));
	g_free(at);
	g_free(who);
	if (xmlHasProp(n, (const xmlChar *)"line")) {
		unsigned max = 8;

		if (ep && ep->kind == SCENARIO_EP_SIP_PHONE && ep->profile != SCENARIO_NONE)
			max = s->profiles[ep->profile].lines;
		opt_uint(ld, n, "line", 1, max, &a->line);
	}
	if (a->kind == SCENARIO_ACT_DIAL || a->kind == SCENARIO_ACT_TRANSFER ||
	    a->kind == SCENARIO_ACT_DTMF) {
		bool ok;

		a->digits = req(ld, n, "digits");
		if (a->kind == SCENARIO_ACT_DTMF) {
			ok = a->digits && strlen(a->digits) <= 32 && *a->digits;
			for (const char *p = a->digits; ok && *p; p++)
				ok = strchr("0123456789*#ABCD", *p) != NULL;
			if (!ok && a->digits)
				err_at(ld, n, "digits=\"%s\" on <dtmf> is not allowed; expected 1 "
				       "to 32 of 0-9, *, #, A-D", a->digits);
		} else if (a->digits && !is_digits(a->digits, 32, true)) {
			err_at(ld, n, "digits=\"%s\" on <%s> is not a dial string; expected 1 to "
			       "32 of 0-9, * and #", a->digits, el(n));
		}
	}
	if (a->kind == SCENARIO_ACT_DIAL && (a->cli = osmodel_xml_attr(n, "cli"))) {
		if (ep && ep->kind != SCENARIO_EP_ISDN_TRUNK)
			err_at(ld, n, "cli on <dial> is for calls arriving on a trunk; %s is %s",
			       ep->name, kind_name(ep->kind));
		else if (!is_digits(a->cli, 32, false))
			err_at(ld, n, "cli=\"%s\" is not a calling number; expected 1 to 32 digits",
			       a->cli);
	}
	if (a->kind == SCENARIO_ACT_REJECT)
		opt_uint(ld, n, "code", 400, 699, &a->code);
	if (a->kind == SCENARIO_ACT_TRANSFER) {
		static const char *const modes[] = { "blind", "attended", NULL };
		int m = 0;

		opt_enum(ld, n, "mode", modes, &m);
		a->attended = m == 1;
	}
}

/* Reads <script> and sorts it by time. */
static void script_read(struct ld *ld, const xmlNode *n)
{
	struct scenario *s = ld->s;
	size_t k = 0;

	FOR_CHILDREN(c, n)
		k++;
	s->actions = g_new0(struct scenario_action, k);
	FOR_CHILDREN(c, n)
		action_read(ld, c, &s->actions[s->n_actions++]);
	qsort(s->actions, s->n_actions, sizeof s->actions[0], action_cmp);
}

/* ---- the number plan and cross checks ---- */

static const char *const feature_names[OS_DM_FEAT_MAX + 1] = {
	"cf-clear", "cf-all", "cf-busy", "cf-no-answer", "cf-busy-no-answer", "dnd",
	"conference", "hold", "hold-pickup", "group-pickup", "directed-pickup",
	"my-group-pickup", "callback", "call-waiting-off", "voice-mail", "auth-code", NULL
};
/* FC-03: the chart's defaults; the rest have none, so scenarios must set them. */
static const char *const feature_defaults[OS_DM_FEAT_MAX] = {
	"600", "601", "602", "603", "604", "40", "46", "11", "12",
};

/* Reads <number-plan> (may be NULL: the defaults). */
static void number_plan_read(struct ld *ld, const xmlNode *n)
{
	struct scenario *s = ld->s;
	struct os_dm_number_plan *plan = &s->system.plan;

	for (int f = 0; f < OS_DM_FEAT_MAX; f++)
		plan->feature[f] = g_strdup(feature_defaults[f]);
	if (!n)
		return;
	plan->trunk_access = g_new0(struct os_dm_trunk_access, n_children(n, "trunk-access"));
	FOR_CHILDREN(c, n) {
		char *code = req(ld, c, "code");
		bool code_ok = code && is_digits(code, 8, true);

		if (code && !code_ok)
			err_at(ld, c, "code=\"%s\" is not a dial code; expected 1 to 8 of 0-9, * "
			       "and #", code);
		if (!strcmp(el(c), "feature")) {
			char *name = req(ld, c, "name");
			int f;

			if (name && val_enum(ld, c, "name", name, feature_names, &f) && code_ok) {
				if (plan->feature_line[f])
					err_at(ld, c, "feature %s is already set on line %d; "
					       "expected one code per feature", name,
					       plan->feature_line[f]);
				g_free(plan->feature[f]);
				plan->feature[f] = code;
				plan->feature_line[f] = line_of(c);
				code = NULL;
			}
			g_free(name);
		} else {
			char *trunk = req(ld, c, "trunk");
			size_t t = scenario_endpoint_find(s, trunk);

			if (trunk && (t == SCENARIO_NONE ||
				      s->endpoints[t].kind != SCENARIO_EP_ISDN_TRUNK))
				err_at(ld, c, "trunk=\"%s\" names no <isdn-trunk>; expected the "
				       "name of a trunk in <endpoints>", trunk);
			else if (trunk && code_ok) {
				struct os_dm_trunk_access *ta =
					&plan->trunk_access[plan->n_trunk_access++];

				ta->src_line = line_of(c);
				ta->code = code;
				ta->trunk = t;
				code = NULL;
			}
			g_free(trunk);
		}
		g_free(code);
	}
}

/* One number of the plan, for the clash check. */
struct plan_entry {
	const char *number;
	int line;                        /* 0 = a default feature code */
	char *what;
};

/* Numbers must be unique and none may begin another: the OS matches dialled digits against
   the plan, so "40" would swallow a station "4001" (docs/assumptions.md). */
static void plan_clashes(struct ld *ld)
{
	const struct scenario *s = ld->s;
	const struct os_dm *sys = &s->system;
	GArray *e = g_array_new(FALSE, FALSE, sizeof(struct plan_entry));
	struct plan_entry pe;

	for (size_t i = 0; i < sys->n_stations; i++)
		if (sys->stations[i].tel) {
			pe = (struct plan_entry){ sys->stations[i].tel, sys->stations[i].src_line,
				g_strdup_printf("a DM 2.7.2 station") };
			g_array_append_val(e, pe);
		}
	for (size_t i = 0; i < s->n_endpoints; i++)
		if (s->endpoints[i].kind == SCENARIO_EP_DIGITAL_PHONE && s->endpoints[i].station) {
			pe = (struct plan_entry){ s->endpoints[i].station, s->endpoints[i].src_line,
				g_strdup_printf("digital phone %s", s->endpoints[i].name) };
			g_array_append_val(e, pe);
		}
	for (int f = 0; f < OS_DM_FEAT_MAX; f++)
		if (sys->plan.feature[f]) {
			pe = (struct plan_entry){ sys->plan.feature[f], sys->plan.feature_line[f],
				g_strdup_printf("the %sfeature code %s",
						sys->plan.feature_line[f] ? "" : "default ",
						feature_names[f]) };
			g_array_append_val(e, pe);
		}
	for (size_t i = 0; i < sys->plan.n_trunk_access; i++) {
		const struct os_dm_trunk_access *ta = &sys->plan.trunk_access[i];

		pe = (struct plan_entry){ ta->code, ta->src_line,
			g_strdup_printf("the access code of trunk %s",
					s->endpoints[ta->trunk].name) };
		g_array_append_val(e, pe);
	}
	for (unsigned j = 1; j < e->len; j++) {
		const struct plan_entry *b = &g_array_index(e, struct plan_entry, j);

		for (unsigned i = 0; i < j; i++) {
			const struct plan_entry *a = &g_array_index(e, struct plan_entry, i);
			const struct plan_entry *late = a->line > b->line ? a : b;
			const struct plan_entry *early = late == a ? b : a;
			size_t la = strlen(a->number), lb = strlen(b->number);

			if (la == lb && !strcmp(a->number, b->number)) {
				char where[32] = "";

				if (early->line)
					g_snprintf(where, sizeof where, " (line %d)", early->line);
				err_line(ld, late->line, "number %s is used twice: %s and %s%s; "
				         "expected unique numbers", late->number, late->what,
				         early->what, where);
			} else if (!strncmp(a->number, b->number, MIN(la, lb)))
				err_line(ld, late->line, "number %s (%s) and %s (%s) begin alike, "
				         "so one would be dialled before the other is complete; "
				         "expected no number to begin another", late->number,
				         late->what, early->number, early->what);
		}
	}
	for (unsigned i = 0; i < e->len; i++)
		g_free(g_array_index(e, struct plan_entry, i).what);
	g_array_free(e, TRUE);
}

/* The checks that need the whole scenario: CFU targets, unique user IDs, ports and capacity. */
static void cross_check(struct ld *ld)
{
	struct scenario *s = ld->s;
	struct os_dm *sys = &s->system;
	const struct osmodel *m = sys->model;

	for (size_t i = 0; i < sys->n_stations; i++) {
		const struct os_dm_station *st = &sys->stations[i];
		const char *tel = st->tel ? st->tel : "?";
		bool found = false;

		for (size_t k = 0; k < i && st->user_id && *st->user_id; k++)
			if (sys->stations[k].user_id &&
			    !strcmp(sys->stations[k].user_id, st->user_id))
				err_line(ld, st->src_line, "user ID of station %s is already the "
				         "user ID of station %s; expected unique user IDs", tel,
				         sys->stations[k].tel ? sys->stations[k].tel : "?");
		if (!st->cfu)
			continue;
		found = scenario_station_find(s, st->cfu) != SCENARIO_NONE;
		for (size_t k = 0; k < s->n_endpoints; k++)
			found = found || (s->endpoints[k].kind == SCENARIO_EP_DIGITAL_PHONE &&
					  s->endpoints[k].station &&
					  !strcmp(s->endpoints[k].station, st->cfu));
		if (!found)
			err_line(ld, st->src_line, "cfu=\"%s\" of station %s is not a station "
			         "number of this system; expected a DM 2.7.2 station or a digital "
			         "phone (CFU-02)", st->cfu, tel);
		else if (st->tel && !strcmp(st->cfu, st->tel))
			err_line(ld, st->src_line, "station %s forwards unreachable calls to "
			         "itself; expected another station (CFU-01)", tel);
	}
	/* VC-01: each DM 2.7.2 row is a port of a SIP-STN virtual card. */
	if (sys->n_stations > sys->sip_stn_ports) {
		const struct os_dm_station *st = &sys->stations[sys->sip_stn_ports];

		err_line(ld, st->src_line, "station %s has no SIP-STN port: the virtual cards of "
			 "DM 6.3.2 give %u; expected a <virtual-card type=\"SIP-STN\"> with enough "
			 "ports (VC-01)", st->tel ? st->tel : "?", sys->sip_stn_ports);
	}
	/* TLS-02. CAP-02's lower figure is not a configuration limit: with TLS enabled the
	   registrar refuses registrations beyond it, as LIC-03 does (docs/assumptions.md). */
	if (m && sys->options.tls && m->tls_stations == 0)
		err_line(ld, sys->options.src_line, "tls=\"enable\", but the %s does not support "
		         "TLS; expected a model with a TLS capacity (TLS-02, CAP-02)", m->name);
	plan_clashes(ld);
}

/* ---- the schema ---- */

/* One RELAX NG error as libxml2 reported it. */
struct rng_err {
	int line;
	char *msg;
	char *parent;                    /* element name of the node's parent, or NULL */
};

/* Structured handler of the validation context: collects every error. */
static void rng_capture(void *arg, xmlErrorPtr e)
{
	GArray *list = arg;
	struct rng_err r = { 0, NULL, NULL };
	const xmlNode *node = e ? e->node : NULL;

	if (!e)
		return;
	r.line = e->line;
	if (node && node->type == XML_ELEMENT_NODE) {
		if (r.line <= 0)
			r.line = line_of(node);
		if (node->parent && node->parent->type == XML_ELEMENT_NODE)
			r.parent = g_strdup(el(node->parent));
	}
	r.msg = g_strchomp(g_strdup(e->message ? e->message : "schema error"));
	g_array_append_val(list, r);
}

/* Parser-context handler: schema file problems are an installation fault; keep the first. */
static void rng_capture_parser(void *arg, xmlErrorPtr e)
{
	char **first = arg;

	if (e && !*first)
		*first = g_strchomp(g_strdup(e->message ? e->message : "schema error"));
}

/* Collects into NAMES the names of the KIND ("element" or "attribute") nodes directly under the
   pattern N of the schema document, following <ref>s into their <define>s. */
static void schema_collect(const xmlNode *root, const xmlNode *n, const char *kind,
			   GPtrArray *names, int depth)
{
	if (depth > 16)
		return;
	FOR_CHILDREN(c, n) {
		xmlChar *name = xmlGetNoNsProp(c, (const xmlChar *)"name");

		if (!strcmp(el(c), kind) && name) {
			bool have = false;

			for (unsigned i = 0; i < names->len; i++)
				have = have || !strcmp(names->pdata[i], (const char *)name);
			if (!have)
				g_ptr_array_add(names, g_strdup((const char *)name));
		} else if (!strcmp(el(c), "ref") && name) {
			FOR_CHILDREN(d, root) {
				xmlChar *dn = xmlGetNoNsProp(d, (const xmlChar *)"name");

				if (!strcmp(el(d), "define") && dn && !xmlStrcmp(dn, name))
					schema_collect(root, d, kind, names, depth + 1);
				xmlFree(dn);
			}
		} else if (strcmp(el(c), "element") && strcmp(el(c), "attribute")) {
			schema_collect(root, c, kind, names, depth + 1);
		}
		xmlFree(name);
	}
}

/* Finds the schema's <element name=NAME> pattern, anywhere in the grammar. */
static const xmlNode *schema_element(const xmlNode *n, const char *name)
{
	FOR_CHILDREN(c, n) {
		xmlChar *cn = xmlGetNoNsProp(c, (const xmlChar *)"name");
		bool hit = !strcmp(el(c), "element") && cn && !strcmp((const char *)cn, name);
		const xmlNode *r = hit ? c : schema_element(c, name);

		xmlFree(cn);
		if (r)
			return r;
	}
	return NULL;
}

/* "a, b or c": what the schema allows as KIND under element NAME. */
static char *schema_expected(xmlDocPtr rng, const char *name, const char *kind)
{
	const xmlNode *root = xmlDocGetRootElement(rng);
	const xmlNode *e = root && name ? schema_element(root, name) : NULL;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GString *s = g_string_new(NULL);

	if (e)
		schema_collect(root, e, kind, names, 0);
	for (unsigned i = 0; i < names->len; i++)
		g_string_append_printf(s, "%s%s", i ? (i + 1 < names->len ? ", " : " or ") : "",
				       (const char *)names->pdata[i]);
	if (names->len == 0)
		g_string_append(s, !strcmp(kind, "element") ? "no child elements" :
								      "no attributes");
	g_ptr_array_free(names, TRUE);
	return g_string_free(s, FALSE);
}

/* Rewords one of libxml2's RELAX NG messages as "what was wrong; what was expected". Returns
   NULL for the generic follow-up messages ("Element x failed to validate content"). */
static char *rng_reword(xmlDocPtr rng, const struct rng_err *r)
{
	char a[128], b[128];
	char *exp, *m;

	if (sscanf(r->msg, "Invalid attribute %127s for element %127s", a, b) == 2) {
		exp = schema_expected(rng, b, "attribute");
		m = g_strdup_printf("unknown attribute %s on <%s>; expected %s", a, b, exp);
	} else if (sscanf(r->msg, "Did not expect element %127s there", a) == 1 ||
		   sscanf(r->msg, "Element %127s has extra content: %127s", b, a) == 2) {
		const char *p = r->parent ? r->parent : "the document";

		exp = schema_expected(rng, r->parent, "element");
		m = g_strdup_printf("unexpected element <%s> in <%s>; expected %s%s", a, p, exp,
				    r->parent && !strcmp(r->parent, "scenario") ?
				    ", in this order" : "");
	} else if (sscanf(r->msg, "Expecting element %127[^,], got %127s", b, a) == 2) {
		exp = NULL;
		m = g_strdup_printf("unexpected element <%s>; expected <%s>", a, b);
	} else if (sscanf(r->msg, "Did not expect text in element %127s content", a) == 1) {
		exp = NULL;
		m = g_strdup_printf("unexpected text in <%s>; expected only elements", a);
	} else if (strstr(r->msg, "failed to validate") || strstr(r->msg, "in interleave") ||
		   r->line <= 0) {
		return NULL;
	} else {
		exp = NULL;
		m = g_strdup_printf("does not match the schema: %s", r->msg);
	}
	g_free(exp);
	return m;
}

/* Validates ld->doc against the schema at RNG_PATH. Returns false with ERR set only when the
   schema itself cannot be loaded. Records the first precise schema problem, if any, in ld;
   *GENERIC is set when libxml2 reported only problems without a line (then the value pass,
   which checks required attributes itself, gives the precise message). */
static bool schema_check(struct ld *ld, const char *rng_path, bool *generic, GError **err)
{
	GError *e = NULL;
	xmlDocPtr rng = osmodel_xml_read(rng_path, &e);
	xmlRelaxNGParserCtxtPtr pctxt;
	xmlRelaxNGValidCtxtPtr vctxt;
	xmlRelaxNGPtr schema;
	GArray *list;
	char *perr = NULL;
	int rc;

	*generic = false;
	if (!rng) {
		g_set_error(err, SCENARIO_ERROR, ENOENT, "cannot load the scenario schema: %s "
			    "(set OSSIM_DATADIR to the directory holding scenarios/ossim.rng)",
			    e->message);
		g_error_free(e);
		return false;
	}
	pctxt = xmlRelaxNGNewDocParserCtxt(rng);
	xmlRelaxNGSetParserStructuredErrors(pctxt, rng_capture_parser, &perr);
	schema = xmlRelaxNGParse(pctxt);
	xmlRelaxNGFreeParserCtxt(pctxt);
	if (!schema) {
		g_set_error(err, SCENARIO_ERROR, EINVAL, "%s: not a usable RELAX NG schema: %s",
			    rng_path, perr ? perr : "unknown error");
		g_free(perr);
		xmlFreeDoc(rng);
		return false;
	}
	g_free(perr);
	list = g_array_new(FALSE, FALSE, sizeof(struct rng_err));
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	xmlRelaxNGSetValidStructuredErrors(vctxt, rng_capture, list);
	rc = xmlRelaxNGValidateDoc(vctxt, ld->doc);
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlRelaxNGFree(schema);
	if (rc != 0) {
		bool found = false;

		for (unsigned i = 0; i < list->len && !found; i++) {
			const struct rng_err *r = &g_array_index(list, struct rng_err, i);
			char *m = rng_reword(rng, r);

			if (m) {
				err_line(ld, r->line, "%s", m);
				found = true;
			}
			g_free(m);
		}
		*generic = !found;
	}
	for (unsigned i = 0; i < list->len; i++) {
		g_free(g_array_index(list, struct rng_err, i).msg);
		g_free(g_array_index(list, struct rng_err, i).parent);
	}
	g_array_free(list, TRUE);
	xmlFreeDoc(rng);
	return true;
}

/* ---- loading ---- */

/* Reads the whole document into ld->s (the value pass). */
static void values_read(struct ld *ld)
{
	struct scenario *s = ld->s;
	const xmlNode *root = xmlDocGetRootElement(ld->doc);
	const xmlNode *n;
	char *v;

	s->name = req(ld, root, "name");
	if ((n = child(root, "description")))
		s->description = text_of(n);
	s->seed = 1;
	if ((n = child(root, "seed"))) {
		guint64 x;

		v = text_of(n);
		if (g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT64, &x, NULL))
			s->seed = x;
		else
			err_at(ld, n, "<seed> \"%s\" is not a whole number; expected 0 to %"
			       G_GUINT64_FORMAT, v, G_MAXUINT64);
		g_free(v);
	}
	if ((n = child(root, "duration"))) {
		v = text_of(n);
		if (scenario_time_parse(v, &s->duration_ns) || s->duration_ns <= 0)
			err_at(ld, n, "<duration> \"%s\" is not a positive time; expected a number "
			       "and a unit (ns, us, ms, s, min, h), like 60s or 12.5min", v);
		g_free(v);
	} else {
		err_at(ld, root, "<scenario> has no <duration>; expected one, like "
		       "<duration>60s</duration>");
	}
	if ((n = child(root, "profiles")))
		profiles_read(ld, n);
	if ((n = child(root, "network")))
		network_read(ld, n);
	else
		err_at(ld, root, "<scenario> has no <network>; expected one with at least a <lan>");
	if ((n = child(root, "system")))
		system_read(ld, n);
	else
		err_at(ld, root, "<scenario> has no <system>; expected one");
	if ((n = child(root, "endpoints")))
		endpoints_read(ld, n);
	number_plan_read(ld, (n = child(root, "system")) ? child(n, "number-plan") : NULL);
	if ((n = child(root, "script")))
		script_read(ld, n);
	cross_check(ld);
}

/* See scenario.h. */
struct scenario *scenario_load(const char *path, const char *datadir, GError **err)
{
	struct ld ld = { path, NULL, NULL, NULL };
	char *rng_path, *models_path;
	GError *e = NULL;
	bool generic = false;
	struct scenario *s;

	g_return_val_if_fail(path != NULL, NULL);
	ld.doc = osmodel_xml_read(path, &e);
	if (!ld.doc) {
		g_set_error_literal(err, SCENARIO_ERROR,
				    e->code == ENOENT ? ENOENT : EBADMSG, e->message);
		g_error_free(e);
		return NULL;
	}
	rng_path = datadir ? g_build_filename(datadir, "scenarios", "ossim.rng", NULL) :
			     osmodel_data_path("scenarios/ossim.rng");
	models_path = datadir ? g_build_filename(datadir, "models", "os-models.xml", NULL) :
				osmodel_data_path("models/os-models.xml");
	s = g_new0(struct scenario, 1);
	s->file = g_strdup(path);
	ld.s = s;
	ld.errs = g_array_new(FALSE, FALSE, sizeof(struct ld_err));
	s->models = osmodel_table_load(models_path, &e);
	if (!s->models) {
		g_set_error(err, SCENARIO_ERROR, ENOENT,
			    "cannot load the OfficeServ model table: %s", e->message);
		g_error_free(e);
	} else if (schema_check(&ld, rng_path, &generic, err)) {
		/* A schema problem stops here: values of a misshapen document mislead. */
		bool schema_bad = generic || ld.errs->len > 0;

		if (ld.errs->len == 0)
			values_read(&ld);
		if (ld.errs->len == 0 && generic)
			err_line(&ld, 1, "does not match the schema (scenarios/ossim.rng); see "
				 "docs/scenarios.md");
		if (ld.errs->len)
			ld_errors_to_gerror(&ld, schema_bad ? EBADMSG : EINVAL, err);
	}
	g_free(rng_path);
	g_free(models_path);
	xmlFreeDoc(ld.doc);
	if (err && *err) {
		for (unsigned i = 0; i < ld.errs->len; i++)
			g_free(g_array_index(ld.errs, struct ld_err, i).msg);
		g_array_free(ld.errs, TRUE);
		scenario_free(s);
		return NULL;
	}
	g_array_free(ld.errs, TRUE);
	return s;
}

/* Frees one station's strings; the password is wiped first (PWD-04: held no longer than
   needed, and not left in freed memory). */
static void station_clear(struct os_dm_station *st)
{
	if (st->password)
		memset(st->password, 0, strlen(st->password));
	g_free(st->tel);
	g_free(st->user_id);
	g_free(st->password);
	g_free(st->cfu);
	g_free(st->insert_trunk_port);
}

/* See scenario.h. */
void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_profiles; i++)
		scenario_profile_clear(&s->profiles[i]);
	g_free(s->profiles);
	for (size_t i = 0; i < s->system.n_stations; i++)
		station_clear(&s->system.stations[i]);
	g_free(s->system.stations);
	for (size_t i = 0; i < s->system.n_mgi_cards; i++)
		g_free(s->system.mgi_cards[i].type);
	g_free(s->system.mgi_cards);
	g_free(s->system.private_ips);
	g_free(s->system.white_list);
	g_free(s->system.vcards);
	for (int f = 0; f < OS_DM_FEAT_MAX; f++)
		g_free(s->system.plan.feature[f]);
	for (size_t i = 0; i < s->system.plan.n_trunk_access; i++)
		g_free(s->system.plan.trunk_access[i].code);
	g_free(s->system.plan.trunk_access);
	for (size_t i = 0; i < s->network.n_lans; i++)
		g_free(s->network.lans[i].name);
	for (size_t i = 0; i < s->network.n_nats; i++)
		g_free(s->network.nats[i].name);
	g_free(s->network.lans);
	g_free(s->network.nats);
	g_free(s->network.links);
	for (size_t i = 0; i < s->n_endpoints; i++) {
		struct scenario_endpoint *ep = &s->endpoints[i];

		if (ep->password)
			memset(ep->password, 0, strlen(ep->password));
		g_free(ep->name);
		g_free(ep->station);
		g_free(ep->auth_name);
		g_free(ep->password);
	}
	g_free(s->endpoints);
	for (size_t i = 0; i < s->n_actions; i++) {
		g_free(s->actions[i].digits);
		g_free(s->actions[i].cli);
	}
	g_free(s->actions);
	osmodel_table_free(s->models);
	g_free(s->file);
	g_free(s->name);
	g_free(s->description);
	g_free(s);
}

/* ---- `ossim validate` ---- */

/* See scenario.h. */
int scenario_validate_main(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new("FILE... - check scenario files without "
						   "running them");
	GError *err = NULL;
	int status = 0;

	g_option_context_set_summary(ctx,
		"Checks each scenario FILE against the schema (scenarios/ossim.rng) and the\n"
		"OfficeServ's own rules (docs/scenarios.md), and prints \"FILE: ok\" or one\n"
		"\"FILE:LINE: what was wrong, what was expected\" line per problem on stderr.\n"
		"Exit status: 0 all files are valid, 2 any file is not (or cannot be read).\n"
		"OSSIM_DATADIR overrides where the schema and os-models.xml are found.");
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "ossim validate: %s\n", err->message);
		g_error_free(err);
		g_option_context_free(ctx);
		return 2;
	}
	g_option_context_free(ctx);
	if (argc < 2) {
		fprintf(stderr, "usage: ossim validate FILE... (see --help)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct scenario *s = scenario_load(argv[i], NULL, &err);

		if (s) {
			printf("%s: ok\n", argv[i]);
			scenario_free(s);
		} else {
			fflush(stdout);
			fprintf(stderr, "%s\n", err->message);
			g_clear_error(&err);
			status = 2;
		}
	}
	if (fflush(stdout))
		status = 2;
	return status;
}
