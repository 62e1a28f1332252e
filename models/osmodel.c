/*
 * osmodel.c - loads models/os-models.xml, the per-model OfficeServ data (see osmodel.h), and
 * prints it for `ossim models`.
 *
 * The file is small and fixed, so it is checked by hand rather than by a schema: every unknown
 * element or attribute, bad number or dangling card reference is an error naming file:line.
 * This file also holds the two helpers the scenario loader shares with it: finding a data file
 * (osmodel_data_path) and reading an XML file with its errors captured per document
 * (osmodel_xml_read), so that no libxml2 message goes to stderr and no global handler stays set.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "models/osmodel.h"

#ifndef OSSIM_PKGDATADIR
#define OSSIM_PKGDATADIR ""
#endif
#ifndef OSSIM_SRCDIR
#define OSSIM_SRCDIR "."
#endif

G_DEFINE_QUARK(ossim-osmodel-error-quark, osmodel_error)

/* ---- data files ---- */

/* See osmodel.h. */
char *osmodel_data_path(const char *rel)
{
	const char *env = getenv("OSSIM_DATADIR");
	char *p;

	if (env && *env)
		return g_build_filename(env, rel, NULL);
	if (*OSSIM_PKGDATADIR) {
		p = g_build_filename(OSSIM_PKGDATADIR, rel, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
			return p;
		g_free(p);
	}
	return g_build_filename(OSSIM_SRCDIR, rel, NULL);
}

/* ---- reading XML with captured errors ---- */

/* The first error libxml2 reports while parsing one document. */
struct xml_first_error {
	int line;
	char *msg;
};

/* Structured error handler of one parser context: keeps the first error only, since later
   ones are usually consequences of it ("Premature end of data" after a tag mismatch). */
static void xml_capture(void *arg, xmlErrorPtr e)
{
	/* SAX callbacks get ctxt->userData, which must stay the context itself; our state
	   rides on _private, the field libxml2 leaves to applications. */
	xmlParserCtxtPtr ctxt = arg;
	struct xml_first_error *fe = ctxt->_private;
	char *m;

	if (fe->msg || !e || e->level < XML_ERR_ERROR)
		return;
	m = g_strchomp(g_strdup(e->message ? e->message : "unknown XML error"));
	fe->line = e->line > 0 ? e->line : 1;
	fe->msg = m;
}

/* True if the LEN bytes at BUF are all white space (an "empty" file). */
static bool is_blank(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isspace(buf[i]))
			return false;
	return true;
}

/* Reads PATH into a DOM. Returns NULL and sets ERR ("FILE:LINE: what") for an unreadable,
 * empty or not well-formed file. The document is parsed with no network access, no entity
 * expansion and its errors captured on this parser context alone. */
struct _xmlDoc *osmodel_xml_read(const char *path, GError **err)
{
	struct xml_first_error fe = { 0, NULL };
	GError *ferr = NULL;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	char *buf;
	gsize len;

	if (!g_file_get_contents(path, &buf, &len, &ferr)) {
		if (g_error_matches(ferr, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			g_set_error(err, OSMODEL_ERROR, ENOENT, "%s: no such file", path);
		else
			g_set_error(err, OSMODEL_ERROR, ENOENT, "%s: cannot read the file: %s",
				    path, ferr->message);
		g_error_free(ferr);
		return NULL;
	}
	if (len > INT_MAX) {
		g_set_error(err, OSMODEL_ERROR, EINVAL, "%s: the file is too large", path);
		g_free(buf);
		return NULL;
	}
	if (is_blank(buf, len)) {
		g_set_error(err, OSMODEL_ERROR, EINVAL,
			    "%s:1: the file is empty, expected an XML document", path);
		g_free(buf);
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		g_error("libxml2: out of memory");
	/* libxml2 2.9: a structured handler on the SAX block of this context only (no global). */
	ctxt->sax->serror = xml_capture;
	ctxt->sax->initialized = XML_SAX2_MAGIC;
	ctxt->_private = &fe;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				XML_PARSE_BIG_LINES);
	ctxt->_private = NULL;
	if (!doc || !ctxt->wellFormed || fe.msg) {
		g_set_error(err, OSMODEL_ERROR, EBADMSG, "%s:%d: not well-formed XML: %s", path,
			    fe.msg ? fe.line : 1, fe.msg ? fe.msg : "unknown parse error");
		if (doc)
			xmlFreeDoc(doc);
		doc = NULL;
	}
	g_free(fe.msg);
	xmlFreeParserCtxt(ctxt);
	g_free(buf);
	return doc;
}

/* ---- the table ---- */

/* Line of node N for messages (libxml2 keeps it; 1 when unknown). */
static int node_line(const xmlNode *n)
{
	long l = xmlGetLineNo(n);

	return l > 0 && l < INT_MAX ? (int)l : 1;
}

/* Fails with "FILE:LINE: MESSAGE" unless an error is already set. */
G_GNUC_PRINTF(4, 5)
static void fail(GError **err, const char *file, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (err && *err)
		return;
	va_start(ap, fmt);
	m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, OSMODEL_ERROR, EINVAL, "%s:%d: %s", file, node_line(n), m);
	g_free(m);
}

/* Checks that N has no attribute outside the NULL-terminated list ALLOWED. */
static bool only_attrs(GError **err, const char *file, const xmlNode *n,
		       const char *const *allowed)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		bool ok = false;

		for (const char *const *p = allowed; *p; p++)
			ok = ok || !strcmp((const char *)a->name, *p);
		if (!ok) {
			fail(err, file, n, "unknown attribute '%s' on <%s>", (const char *)a->name,
			     (const char *)n->name);
			return false;
		}
	}
	return true;
}

/* Reads attribute NAME of N as a new string; NULL if absent. */
char *osmodel_xml_attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = g_strdup((const char *)v);
	xmlFree(v);
	return s;
}

/* Reads a required unsigned attribute in [0, MAX]. */
static bool get_uint(GError **err, const char *file, const xmlNode *n, const char *name,
		     unsigned max, bool required, unsigned *out)
{
	char *v = osmodel_xml_attr(n, name);
	guint64 x;
	bool ok;

	if (!v) {
		if (required)
			fail(err, file, n, "<%s> needs the attribute '%s'", (const char *)n->name,
			     name);
		return !required;
	}
	ok = g_ascii_string_to_unsigned(v, 10, 0, max, &x, NULL);
	if (ok)
		*out = (unsigned)x;
	else
		fail(err, file, n, "%s=\"%s\" on <%s> is not a whole number from 0 to %u", name, v,
		     (const char *)n->name, max);
	g_free(v);
	return ok;
}

/* Reads a required yes/no attribute. */
static bool get_bool(GError **err, const char *file, const xmlNode *n, const char *name,
		     bool *out)
{
	char *v = osmodel_xml_attr(n, name);
	bool ok = v && (!strcmp(v, "yes") || !strcmp(v, "no"));

	if (ok)
		*out = !strcmp(v, "yes");
	else
		fail(err, file, n, "%s on <%s> must be yes or no", name, (const char *)n->name);
	g_free(v);
	return ok;
}

/* Parses the `assumed` list of a <model> into OSMODEL_F_* bits. */
static bool get_assumed_model(GError **err, const char *file, const xmlNode *n, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned bit;
	} fields[] = {
		{ "sip-stations", OSMODEL_F_SIP_STATIONS },
		{ "tls-stations", OSMODEL_F_TLS_STATIONS },
		{ "builtin-mgi", OSMODEL_F_BUILTIN_MGI },
		{ "builtin-mgi-licence", OSMODEL_F_BUILTIN_MGI_LICENCE },
		{ "card-waives-licence", OSMODEL_F_CARD_WAIVES_LICENCE },
		{ "mps-channels", OSMODEL_F_MPS_CHANNELS },
	};
	char *v = osmodel_xml_attr(n, "assumed");
	char **words;
	bool ok = true;

	*out = 0;
	if (!v)
		return true;
	words = g_strsplit_set(v, " \t\n", -1);
	for (char **w = words; ok && *w; w++) {
		bool found = false;

		if (!**w)
			continue;
		for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
			if (!strcmp(*w, fields[i].name)) {
				*out |= fields[i].bit;
				found = true;
			}
		if (!found) {
			fail(err, file, n, "assumed=\"%s\" names '%s', which is not a figure of "
			     "<model>", v, *w);
			ok = false;
		}
	}
	g_strfreev(words);
	g_free(v);
	return ok;
}

/* True if the `assumed` attribute of N is absent or exactly WHAT; fails otherwise. */
static bool get_assumed_one(GError **err, const char *file, const xmlNode *n, const char *what,
			    bool *out)
{
	char *v = osmodel_xml_attr(n, "assumed");
	bool ok = !v || !strcmp(g_strstrip(v), what);

	*out = v != NULL;
	if (!ok)
		fail(err, file, n, "assumed on <%s> may only be \"%s\"", (const char *)n->name,
		     what);
	g_free(v);
	return ok;
}

/* Finds a card type by name; NULL if none. */
static const struct osmodel_card_type *card_type_find(const struct osmodel_table *t,
						      const char *name)
{
	for (size_t i = 0; i < t->n_card_types; i++)
		if (!strcmp(t->card_types[i].name, name))
			return &t->card_types[i];
	return NULL;
}

/* Counts the element children of N named NAME. */
static size_t count_children(const xmlNode *n, const char *name)
{
	size_t k = 0;

	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			k++;
	return k;
}

/* Reads one <card-type>. */
static bool load_card_type(GError **err, const char *file, const xmlNode *n,
			   struct osmodel_card_type *ct)
{
	static const char *const attrs[] = { "name", "channels", "assumed", NULL };

	ct->src_line = node_line(n);
	if (!only_attrs(err, file, n, attrs))
		return false;
	ct->name = osmodel_xml_attr(n, "name");
	if (!ct->name || !*ct->name) {
		fail(err, file, n, "<card-type> needs a name");
		return false;
	}
	if (!get_uint(err, file, n, "channels", 4096, true, &ct->channels) ||
	    !get_assumed_one(err, file, n, "channels", &ct->channels_assumed))
		return false;
	if (ct->channels == 0) {
		fail(err, file, n, "card type %s has 0 channels, expected at least 1", ct->name);
		return false;
	}
	return true;
}

/* Reads one <model> and its <card> children. */
static bool load_model(GError **err, const char *file, const xmlNode *n,
		       const struct osmodel_table *t, struct osmodel *m)
{
	static const char *const attrs[] = { "name", "sip-stations", "tls-stations", "builtin-mgi",
		"builtin-mgi-licence", "card-waives-licence", "mps-channels", "assumed", NULL };
	static const char *const card_attrs[] = { "type", "max", "assumed", NULL };

	m->src_line = node_line(n);
	if (!only_attrs(err, file, n, attrs))
		return false;
	m->name = osmodel_xml_attr(n, "name");
	if (!m->name || !*m->name) {
		fail(err, file, n, "<model> needs a name");
		return false;
	}
	if (!get_uint(err, file, n, "sip-stations", 100000, true, &m->sip_stations) ||
	    !get_uint(err, file, n, "tls-stations", 100000, false, &m->tls_stations) ||
	    !get_uint(err, file, n, "builtin-mgi", 4096, true, &m->builtin_mgi) ||
	    !get_bool(err, file, n, "builtin-mgi-licence", &m->builtin_mgi_licence) ||
	    !get_bool(err, file, n, "card-waives-licence", &m->card_waives_licence) ||
	    !get_uint(err, file, n, "mps-channels", 100000, true, &m->mps_channels) ||
	    !get_assumed_model(err, file, n, &m->assumed))
		return false;
	if (m->sip_stations == 0 || m->tls_stations > m->sip_stations) {
		fail(err, file, n, "model %s: expected 1 or more sip-stations and tls-stations no "
		     "higher than sip-stations", m->name);
		return false;
	}
	m->cards = g_new0(struct osmodel_card, count_children(n, "card"));
	for (const xmlNode *c = n->children; c; c = c->next) {
		struct osmodel_card *mc;
		char *type;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "card")) {
			fail(err, file, c, "unknown element <%s> in <model>, expected <card>",
			     (const char *)c->name);
			return false;
		}
		if (!only_attrs(err, file, c, card_attrs))
			return false;
		mc = &m->cards[m->n_cards];
		type = osmodel_xml_attr(c, "type");
		mc->type = type ? card_type_find(t, type) : NULL;
		if (!mc->type)
			fail(err, file, c, "<card> names card type '%s', which no <card-type> "
			     "defines above it", type ? type : "");
		g_free(type);
		if (!mc->type || !get_uint(err, file, c, "max", 1000, true, &mc->max) ||
		    !get_assumed_one(err, file, c, "max", &mc->max_assumed))
			return false;
		if (osmodel_card_find(m, mc->type->name)) {
			fail(err, file, c, "model %s lists card %s twice", m->name, mc->type->name);
			return false;
		}
		m->n_cards++;
	}
	return true;
}

/* See osmodel.h. */
struct osmodel_table *osmodel_table_load(const char *path, GError **err)
{
	struct osmodel_table *t;
	GError *e = NULL;
	xmlDocPtr doc;
	xmlNode *root;

	g_return_val_if_fail(path != NULL, NULL);
	doc = osmodel_xml_read(path, err);
	if (!doc)
		return NULL;
	t = g_new0(struct osmodel_table, 1);
	t->file = g_strdup(path);
	root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "os-models") || root->properties) {
		fail(&e, path, root ? root : (xmlNode *)doc,
		     "expected a root element <os-models> without attributes");
		goto out;
	}
	t->card_types = g_new0(struct osmodel_card_type, count_children(root, "card-type"));
	t->models = g_new0(struct osmodel, count_children(root, "model"));
	for (const xmlNode *c = root->children; c && !e; c = c->next) {
		const char *name = (const char *)c->name;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp(name, "card-type")) {
			struct osmodel_card_type *ct = &t->card_types[t->n_card_types++];

			if (load_card_type(&e, path, c, ct) && card_type_find(t, ct->name) != ct)
				fail(&e, path, c, "card type %s is defined twice", ct->name);
		} else if (!strcmp(name, "model")) {
			struct osmodel *m = &t->models[t->n_models++];

			if (load_model(&e, path, c, t, m) && osmodel_find(t, m->name) != m)
				fail(&e, path, c, "model %s is defined twice", m->name);
		} else {
			fail(&e, path, c, "unknown element <%s>, expected <card-type> or <model>",
			     name);
		}
	}
	if (!e && t->n_models == 0)
		fail(&e, path, root, "no <model> in the table, expected at least one");
out:
	xmlFreeDoc(doc);
	if (e) {
		g_propagate_error(err, e);
		osmodel_table_free(t);
		return NULL;
	}
	return t;
}

/* See osmodel.h. */
struct osmodel_table *osmodel_table_load_default(GError **err)
{
	char *path = osmodel_data_path("models/os-models.xml");
	struct osmodel_table *t = osmodel_table_load(path, err);

	g_free(path);
	return t;
}

/* See osmodel.h. */
void osmodel_table_free(struct osmodel_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_card_types; i++)
		g_free(t->card_types[i].name);
	for (size_t i = 0; i < t->n_models; i++) {
		g_free(t->models[i].name);
		g_free(t->models[i].cards);
	}
	g_free(t->card_types);
	g_free(t->models);
	g_free(t->file);
	g_free(t);
}

/* See osmodel.h. */
const struct osmodel *osmodel_find(const struct osmodel_table *t, const char *name)
{
	for (size_t i = 0; t && name && i < t->n_models; i++)
		if (t->models[i].name && !strcmp(t->models[i].name, name))
			return &t->models[i];
	return NULL;
}

/* See osmodel.h. */
const struct osmodel_card *osmodel_card_find(const struct osmodel *m, const char *type)
{
	for (size_t i = 0; m && type && i < m->n_cards; i++)
		if (!strcmp(m->cards[i].type->name, type))
			return &m->cards[i];
	return NULL;
}

/* See osmodel.h. */
char *osmodel_names(const struct osmodel_table *t)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < t->n_models; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", t->models[i].name);
	return g_string_free(s, FALSE);
}

/* ---- `ossim models` ---- */

/* Formats figure V, with '*' when ASSUMED, into BUF. */
static const char *fig(char *buf, size_t size, unsigned v, bool assumed)
{
	g_snprintf(buf, size, "%u%s", v, assumed ? "*" : "");
	return buf;
}

/* Prints the table T in the layout of `ossim models`. */
static void models_print(const struct osmodel_table *t, FILE *f)
{
	char a[16], b[16], c[16], d[16];

	fprintf(f, "%-12s %8s %8s %8s %-13s %8s  %s\n", "model", "SIP", "with", "inbuilt",
		"inbuilt MGI", "MPS", "MGI/OAS cards (channels x max)");
	fprintf(f, "%-12s %8s %8s %8s %-13s %8s  %s\n", "", "stations", "TLS", "MGI",
		"licence", "channels", "");
	fprintf(f, "%-12s %8s %8s %8s %-13s %8s  %s\n", "", "CAP-01", "CAP-02", "", "MGI-06/07",
		"", "");
	for (size_t i = 0; i < t->n_models; i++) {
		const struct osmodel *m = &t->models[i];
		GString *cards = g_string_new(NULL);
		const char *lic;

		for (size_t k = 0; k < m->n_cards; k++)
			g_string_append_printf(cards, "%s%s (%u%s x %u%s)", k ? ", " : "",
					       m->cards[k].type->name, m->cards[k].type->channels,
					       m->cards[k].type->channels_assumed ? "*" : "",
					       m->cards[k].max, m->cards[k].max_assumed ? "*" : "");
		if (!m->n_cards)
			g_string_append(cards, "none");
		if (!m->builtin_mgi_licence)
			lic = "no";
		else
			lic = m->card_waives_licence ? "unless card" : "yes";
		if (m->tls_stations)
			fig(b, sizeof b, m->tls_stations, m->assumed & OSMODEL_F_TLS_STATIONS);
		else
			g_strlcpy(b, "no TLS", sizeof b);
		fprintf(f, "%-12s %8s %8s %8s %-13s %8s  %s\n", m->name,
			fig(a, sizeof a, m->sip_stations, m->assumed & OSMODEL_F_SIP_STATIONS), b,
			fig(c, sizeof c, m->builtin_mgi, m->assumed & OSMODEL_F_BUILTIN_MGI), lic,
			fig(d, sizeof d, m->mps_channels, m->assumed & OSMODEL_F_MPS_CHANNELS),
			cards->str);
		g_string_free(cards, TRUE);
	}
	fprintf(f, "\n* assumed: no source states this figure (see %s and docs/assumptions.md)\n",
		"models/os-models.xml");
}

/* See osmodel.h. */
int osmodel_models_main(int argc, char **argv)
{
	char *file = NULL;
	GError *err = NULL;
	GOptionEntry entries[] = {
		{ "file", 'f', 0, G_OPTION_ARG_FILENAME, &file,
		  "Read the table from FILE instead of the installed os-models.xml", "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("- the per-model OfficeServ capacity table");
	struct osmodel_table *t;

	g_option_context_set_summary(ctx,
		"Prints, for each OfficeServ model, the SIP station capacity (CAP-01), the\n"
		"capacity with TLS enabled (CAP-02), the inbuilt MGI channels and their licence\n"
		"rule (MGI-06/07), the MPS channels and the MGI/OAS cards it takes. Figures\n"
		"marked '*' are assumptions (docs/assumptions.md).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "ossim models: %s\n", err->message);
		g_error_free(err);
		g_option_context_free(ctx);
		g_free(file);
		return 2;
	}
	g_option_context_free(ctx);
	if (argc > 1) {
		fprintf(stderr, "ossim models: unexpected argument '%s' (see --help)\n", argv[1]);
		g_free(file);
		return 2;
	}
	t = file ? osmodel_table_load(file, &err) : osmodel_table_load_default(&err);
	g_free(file);
	if (!t) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		return 2;
	}
	models_print(t, stdout);
	osmodel_table_free(t);
	return fflush(stdout) ? 2 : 0;
}
