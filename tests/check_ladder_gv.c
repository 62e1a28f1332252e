/*
 * check_ladder_gv.c - Check tests for output/ladder_gv.c: the ladder drawn by Graphviz as SVG,
 * PNG (paged) and PDF.
 *
 * A small world (SIPP1 10.0.0.1, OfficeServ 10.0.0.10, SIPP2 10.0.0.2, UDP on 5060, 1 ms links,
 * SIPP2 -> SIPP1 losing everything) sends real SIP bytes and emits notes following a script, as
 * check_ladder.c does; lanes SIPP1, NAT, OfficeServ, SIPP2 are declared, Phone3 appears through
 * a signal. The SVG is parsed with libxml2 and read through the element ids the renderer sets
 * ("lane2", "row5", "row5-label" ...). Expected geometry comes from the rules in ladder_gv.c:
 * gaps of at least 150 pt, widened to 0.55 em x 10 pt per character + 40 for a label across one
 * gap, rows 30 pt apart; PNG at Graphviz's 96 dpi is the SVG's size in points times 4/3.
 * Files go to the build directory, as tests/check_ladder_gv.*.{svg,png,pdf}.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "output/ladder.h"
#include "output/ladder_gv.h"
#include "sim/net.h"
#include "sim/sim.h"
#include "tests/ladder_world.h"

/* output files: OUT "NAME.EXT" (CLEANFILES in tests/local.mk) */
#define OUT TOP_BUILDDIR "/tests/check_ladder_gv."
#define SVG_NS "http://www.w3.org/2000/svg"

/* ---- SIP bytes ---- */

#define INVITE_A \
	"INVITE sip:2002@10.0.0.10 SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-i1\r\n" \
	"Max-Forwards: 70\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=a1\r\n" \
	"To: <sip:2002@10.0.0.10>\r\n" \
	"Call-ID: call-1@10.0.0.1\r\n" \
	"CSeq: 1 INVITE\r\n" \
	"Contact: <sip:2001@10.0.0.1:5060>\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

#define INVITE_B \
	"INVITE sip:2002@10.0.0.2:5060 SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK-o1\r\n" \
	"Max-Forwards: 70\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=o1\r\n" \
	"To: <sip:2002@10.0.0.2>\r\n" \
	"Call-ID: call-2@10.0.0.10\r\n" \
	"CSeq: 1 INVITE\r\n" \
	"Contact: <sip:officeserv@10.0.0.10:5060>\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

#define RESP_B(status) \
	"SIP/2.0 " status "\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK-o1\r\n" \
	"From: <sip:2001@10.0.0.10>;tag=o1\r\n" \
	"To: <sip:2002@10.0.0.2>;tag=b1\r\n" \
	"Call-ID: call-2@10.0.0.10\r\n" \
	"CSeq: 1 INVITE\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

#define BYE_B \
	"BYE sip:2001@10.0.0.1:5060 SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-b1\r\n" \
	"Max-Forwards: 70\r\n" \
	"From: <sip:2002@10.0.0.10>;tag=b2\r\n" \
	"To: <sip:2001@10.0.0.10>;tag=a1\r\n" \
	"Call-ID: call-1@10.0.0.1\r\n" \
	"CSeq: 3 BYE\r\n" \
	"Content-Length: 0\r\n" \
	"\r\n"

/* ---- the world (tests/ladder_world.h) and its script ---- */

/* The world with SIPP2 -> SIPP1 losing every datagram, and the ladder's lanes declared. */
static void world_init_drawn(struct test_world *w)
{
	static const char *const lanes[] = { "SIPP1", "NAT", "OfficeServ", "SIPP2" };

	world_init(w);
	world_lose_sipp2_to_sipp1(w);
	for (size_t i = 0; i < G_N_ELEMENTS(lanes); i++)
		ladder_lane(w->ladder, lanes[i]);
}

/* One row each, in this order (row i = step i). */
static const struct step script[] = {
	/* a backslash, an ampersand and angle brackets: Graphviz escapes and XML */
	{ 0, SIM_NOTE_ACTION, "SIPP1", NULL, "press \\N & <hold>", NULL },
	{ 0, SEND, "SIPP1", "10.0.0.10:5060", INVITE_A, "NAT" },
	{ 2 * SIM_MS, SEND, "OfficeServ", "10.0.0.2:5060", INVITE_B, NULL },
	{ 4 * SIM_MS, SEND, "SIPP2", "10.0.0.10:5060", RESP_B("180 Ringing"), NULL },
	/* a signal without a peer: a loop on its own lane */
	{ 6 * SIM_MS, SIM_NOTE_SIGNAL, "OfficeServ", NULL, "route lookup", NULL },
	{ 8 * SIM_MS, SEND, "SIPP2", "10.0.0.10:5060", RESP_B("480 Temporarily Unavailable"),
	  NULL },
	{ 10 * SIM_MS, SIM_NOTE_MEDIA_UP, "SIPP1", "SIPP2", "RTP PCMU", NULL },
	{ 20 * SIM_MS, SIM_NOTE_SIGNAL, "OfficeServ", "Phone3", "ring", NULL },
	{ 30 * SIM_MS, SIM_NOTE_MEDIA_DOWN, "SIPP1", "SIPP2", "RTP PCMU", NULL },
	{ 40 * SIM_MS, SEND, "SIPP2", "10.0.0.1:5060", BYE_B, NULL },
};
#define ROW_NAT 1       /* the INVITE that crossed the NAT */
#define ROW_LOOP 4
#define ROW_FAIL 5      /* 480 */
#define ROW_DROP 9      /* the BYE lost on the link */

/* Builds the world and plays the script to its end. */
static void run_script(struct test_world *w)
{
	world_init_drawn(w);
	world_play(w, script, G_N_ELEMENTS(script));
	sim_run(w->sim, SIM_TIME_NEVER);
	ck_assert_uint_eq(ladder_row_count(w->ladder), G_N_ELEMENTS(script));
}

/* ---- reading the pictures ---- */

/* The SVG of ladder L, whole (the test fails on any error). */
static GBytes *render(const struct ladder *l, const char *format)
{
	GBytes *out = NULL;
	GError *err = NULL;
	int rc = ladder_render_picture(l, "gv test", format, LADDER_PICTURE_WHOLE, &out, &err);

	ck_assert_msg(rc == 0, "render %s: %d %s", format, rc, err != NULL ? err->message : "");
	ck_assert_ptr_null(err);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* DATA parsed as XML, quietly (BUILD-NOTES.md 3.13); NULL when not well-formed. */
static xmlDoc *parse(GBytes *data)
{
	gsize len;
	const char *p = g_bytes_get_data(data, &len);

	return xmlReadMemory(p, (int)len, "ladder.svg", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* The nodes of DOC matching the XPath EXPR (prefix svg: for SVG); xmlXPathFreeObject it. */
static xmlXPathObject *xpath(xmlDoc *doc, const char *expr)
{
	xmlXPathContext *ctx = xmlXPathNewContext(doc);
	xmlXPathObject *o;

	xmlXPathRegisterNs(ctx, BAD_CAST "svg", BAD_CAST SVG_NS);
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	xmlXPathFreeContext(ctx);
	ck_assert_ptr_nonnull(o);
	return o;
}

/* The string value of the XPath EXPR on DOC (g_free it); "" when nothing matches. */
static char *xstr(xmlDoc *doc, const char *expr)
{
	char *e = g_strdup_printf("string(%s)", expr);
	xmlXPathObject *o = xpath(doc, e);
	char *s = g_strdup((const char *)o->stringval);

	xmlXPathFreeObject(o);
	g_free(e);
	return s;
}

/* The number value of attribute expression EXPR on DOC, failing when it is not a number. */
static double xnum(xmlDoc *doc, const char *expr)
{
	char *s = xstr(doc, expr), *end;
	double d = g_ascii_strtod(s, &end);

	ck_assert_msg(*s != '\0' && *end == '\0', "%s: \"%s\" is not a number", expr, s);
	g_free(s);
	return d;
}

/* The height of the polygon (a node's box) of the element with id ID in DOC. */
static double box_height(xmlDoc *doc, const char *id)
{
	char *e = g_strdup_printf("//svg:g[@id='%s']/svg:polygon/@points", id);
	char *pts = xstr(doc, e);
	char **v = g_strsplit_set(pts, " ,", -1);
	double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
	size_t n = 0;

	/* "x,y x,y ..." */
	for (size_t i = 1; v[i - 1] != NULL && v[i] != NULL; i += 2, n++) {
		double y = g_ascii_strtod(v[i], NULL);

		lo = MIN(lo, y);
		hi = MAX(hi, y);
	}
	ck_assert_msg(n >= 4, "%s: no box (\"%s\")", id, pts);
	g_strfreev(v);
	g_free(pts);
	g_free(e);
	return hi - lo;
}

/* Width and height of a PNG from its IHDR (PNG spec 11.2.2: the first chunk, big endian). */
static void png_size(const guint8 *p, gsize len, guint32 *w, guint32 *h)
{
	static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	ck_assert_uint_ge(len, 33);
	ck_assert_int_eq(memcmp(p, sig, 8), 0);
	ck_assert_int_eq(memcmp(p + 12, "IHDR", 4), 0);
	*w = (guint32)p[16] << 24 | (guint32)p[17] << 16 | (guint32)p[18] << 8 | p[19];
	*h = (guint32)p[20] << 24 | (guint32)p[21] << 16 | (guint32)p[22] << 8 | p[23];
}

/* Whether the LEN bytes at P contain S (binary data holds NULs: no strstr; glibc's memmem
   needs _GNU_SOURCE). */
static bool contains(const char *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(p + i, s, n) == 0)
			return true;
	return false;
}

/* ---- SVG ---- */

/* The SVG is well-formed XML with an svg root, the title and the graph's 5 lanes. */
START_TEST(test_svg_valid)
{
	struct test_world w;
	GBytes *svg;
	xmlDoc *doc;
	xmlXPathObject *o;
	char *s;

	/* given the script played, when it is rendered as SVG */
	run_script(&w);
	svg = render(w.ladder, "svg");
	/* then libxml2 parses it, and it has a header box per lane and the title */
	doc = parse(svg);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq((const char *)xmlDocGetRootElement(doc)->name, "svg");
	o = xpath(doc, "//svg:g[@class='node' and starts-with(@id, 'lane')]");
	ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 5);
	xmlXPathFreeObject(o);
	s = xstr(doc, "//svg:g[@id='title']/svg:text");
	ck_assert_str_eq(s, "gv test");
	g_free(s);
	xmlFreeDoc(doc);
	g_bytes_unref(svg);
	world_fini(&w);
}
END_TEST

/* Every lane name and row text, as the text of an element with its id. */
struct text_case {
	const char *id;
	const char *text;
};

static const struct text_case text_cases[] = {
	{ "lane0", "SIPP1" },
	{ "lane1", "NAT" },
	{ "lane2", "OfficeServ" },
	{ "lane3", "SIPP2" },
	{ "lane4", "Phone3" },           /* undeclared: seen in the signal */
	{ "row0", "press \\N & <hold>" }, /* a note, not expanded by Graphviz (\N = node name) */
	{ "row1-label", "INVITE 2002" },
	{ "row2-label", "INVITE 2002" },
	{ "row3-label", "180 Ringing" },
	{ "row4-label", "route lookup" },
	{ "row5-label", "480 Temporarily Unavailable" },
	{ "row6-label", "\u21c4 RTP PCMU" },
	{ "row7-label", "ring" },
	{ "row8-label", "RTP PCMU stops" },
	{ "row9-label", "BYE" },
	{ "row9-reason", "loss" },
	{ "row0-time", "0.000" },
	{ "row5-time", "0.008" },
	{ "row9-time", "0.040" },
};

/* Text case _i: the element with its id shows exactly its text. */
START_TEST(test_svg_text)
{
	const struct text_case *c = &text_cases[_i];
	struct test_world w;
	GBytes *svg;
	xmlDoc *doc;
	char *expr, *s;

	run_script(&w);
	svg = render(w.ladder, "svg");
	doc = parse(svg);
	ck_assert_ptr_nonnull(doc);
	expr = g_strdup_printf("//svg:g[@id='%s']/svg:text", c->id);
	s = xstr(doc, expr);
	ck_assert_str_eq(s, c->text);
	g_free(s);
	g_free(expr);
	xmlFreeDoc(doc);
	g_bytes_unref(svg);
	world_fini(&w);
}
END_TEST

/* Colours: the 480 is firebrick (shaft, head and text), a success black; the lost BYE ends in
   a red cross and its reason is grey; media up is the translucent green bar 7 pt wide. */
START_TEST(test_svg_colours)
{
	static const struct {
		const char *expr, *want;
	} cases[] = {
		{ "//svg:g[@id='row5']/svg:path/@stroke", "firebrick" },
		{ "//svg:g[@id='row5']/svg:polygon/@fill", "firebrick" },
		{ "//svg:g[@id='row5-label']/svg:text/@fill", "firebrick" },
		{ "//svg:g[@id='row3']/svg:path/@stroke", "black" },
		/* black text: Graphviz writes no fill (SVG's default) */
		{ "//svg:g[@id='row3-label']/svg:text/@fill", "" },
		{ "//svg:g[@id='row9-x1']/svg:path/@stroke", "red" },
		{ "//svg:g[@id='row9-x2']/svg:path/@stroke", "red" },
		{ "//svg:g[@id='row9-x1']/svg:path/@stroke-width", "1.8" },
		{ "//svg:g[@id='row9-reason']/svg:text/@fill", "#666666" },  /* gray40 */
		{ "//svg:g[@id='row6']/svg:path/@stroke", "#3cb371" },
		{ "//svg:g[@id='row6']/svg:path/@stroke-opacity", "0.533333" },  /* 0x88 / 255 */
		{ "//svg:g[@id='row6']/svg:path/@stroke-width", "7" },
		{ "//svg:g[@id='row7']/svg:path/@stroke-dasharray", "5,2" },  /* signal: dashed */
		{ "//svg:g[@id='row8']/svg:path/@stroke-dasharray", "1,5" },  /* media down */
	};
	struct test_world w;
	GBytes *svg;
	xmlDoc *doc;

	run_script(&w);
	ck_assert(ladder_row_at(w.ladder, ROW_FAIL)->failure);
	ck_assert_str_eq(ladder_row_at(w.ladder, ROW_DROP)->dropped, "loss");
	svg = render(w.ladder, "svg");
	doc = parse(svg);
	ck_assert_ptr_nonnull(doc);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *s = xstr(doc, cases[i].expr);

		ck_assert_msg(strcmp(s, cases[i].want) == 0, "%s: \"%s\", want \"%s\"",
			      cases[i].expr, s, cases[i].want);
		g_free(s);
	}
	/* the dropped BYE has no arrow head (it did not arrive) */
	ck_assert_int_eq(xnum(doc, "count(//svg:g[@id='row9']/svg:polygon)"), 0);
	xmlFreeDoc(doc);
	g_bytes_unref(svg);
	world_fini(&w);
}
END_TEST

/* Geometry: gaps of 150 pt except OfficeServ|SIPP2, widened for "480 Temporarily Unavailable"
   (27 characters x 5.5 + 40 = 188.5); rows 30 pt apart; the NAT dot on the NAT lane; the
   loop's label right of its lane (45 + 5 pt). */
START_TEST(test_svg_geometry)
{
	static const double gaps[] = { 150.0, 150.0, 188.5, 150.0 };
	struct test_world w;
	GBytes *svg;
	xmlDoc *doc;
	double x[5], prev = 0.0;

	run_script(&w);
	svg = render(w.ladder, "svg");
	doc = parse(svg);
	ck_assert_ptr_nonnull(doc);
	for (size_t i = 0; i < 5; i++) {
		char *e = g_strdup_printf("//svg:g[@id='lane%zu']/svg:text/@x", i);

		x[i] = xnum(doc, e);
		g_free(e);
		if (i > 0)
			ck_assert_msg(fabs(x[i] - x[i - 1] - gaps[i - 1]) < 0.011,
				      "gap %zu: %.2f, want %.2f", i - 1, x[i] - x[i - 1],
				      gaps[i - 1]);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(script); i++) {
		char *e = g_strdup_printf("//svg:g[@id='row%zu-time']/svg:text/@y", i);
		double y = xnum(doc, e);

		/* SVG y grows downward */
		if (i > 0)
			ck_assert_msg(fabs(y - prev - 30.0) < 0.011, "row %zu at %.2f after %.2f",
				      i, y, prev);
		prev = y;
		g_free(e);
	}
	/* the NAT dot: on the NAT lane, 0.08 in across */
	ck_assert_double_eq_tol(xnum(doc, "//svg:g[@id='row1-nat']/svg:ellipse/@cx"), x[1],
				0.011);
	ck_assert_double_eq_tol(xnum(doc, "//svg:g[@id='row1-nat']/svg:ellipse/@rx"), 2.88,
				0.001);
	/* a label's white background is no higher than its text (10 pt type, 12 pt lines, plus
	   margins): it hides the lane lines it crosses, never the rows 30 pt away */
	ck_assert_double_lt(box_height(doc, "row3-label"), 16.0);
	ck_assert_double_gt(box_height(doc, "row3-label"), 10.0);
	ck_assert_double_ge(xnum(doc, "//svg:g[@id='row4-label']/svg:text/@x"), x[2] + 50.0);
	xmlFreeDoc(doc);
	g_bytes_unref(svg);
	world_fini(&w);
}
END_TEST

/* Rendering twice gives the same bytes, in every format; the PDF carries no creation date. */
START_TEST(test_repeatable)
{
	static const char *const formats[] = { "svg", "png", "pdf" };
	struct test_world w;

	run_script(&w);
	for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
		GBytes *a = render(w.ladder, formats[i]), *b = render(w.ladder, formats[i]);

		ck_assert_msg(g_bytes_equal(a, b), "%s differs between two renders", formats[i]);
		g_bytes_unref(a);
		g_bytes_unref(b);
	}
	world_fini(&w);
}
END_TEST

/* ---- PNG and PDF ---- */

/* The PNG is the SVG's size at 96 dpi (points x 4/3), under cairo's 32767 px. */
START_TEST(test_png_size)
{
	struct test_world w;
	GBytes *svg, *png;
	xmlDoc *doc;
	gsize len;
	const guint8 *p;
	guint32 pw, ph;
	double sw, sh;
	char *s;

	run_script(&w);
	svg = render(w.ladder, "svg");
	png = render(w.ladder, "png");
	doc = parse(svg);
	ck_assert_ptr_nonnull(doc);
	s = xstr(doc, "/svg:svg/@width");       /* "NNNpt" */
	sw = g_ascii_strtod(s, NULL);
	g_free(s);
	s = xstr(doc, "/svg:svg/@height");
	sh = g_ascii_strtod(s, NULL);
	g_free(s);
	p = g_bytes_get_data(png, &len);
	png_size(p, len, &pw, &ph);
	ck_assert_double_le(fabs(pw - sw * 4.0 / 3.0), 2.0);
	ck_assert_double_le(fabs(ph - sh * 4.0 / 3.0), 2.0);
	/* 10 rows: at least the rows' 45 + 9 x 30 pt plus the header, title and pad */
	ck_assert_double_ge(sh, 45.0 + 9 * 30.0 + 40.0);
	ck_assert_double_le(sh, 45.0 + 9 * 30.0 + 140.0);
	/* five lanes 638.5 pt apart end to end, half a header box (0.65 in) beyond each end,
	   the time column (right edge 70 pt left of lane 0, "0.000" 5 x 5.72 pt) and a pad of
	   0.2 in each side: 638.5 + 46.8 + 70 + 28.6 + 28.8 = 812.7, the time column's own
	   margin aside */
	ck_assert_double_ge(sw, 812.0);
	ck_assert_double_le(sw, 816.0);
	ck_assert_uint_lt(ph, 32767);
	xmlFreeDoc(doc);
	g_bytes_unref(svg);
	g_bytes_unref(png);
	world_fini(&w);
}
END_TEST

/* Asserts that the PDF DATA's last cross-reference table (at startxref) holds its objects'
   offsets: "xref\n0 N\n", then N entries of 20 bytes "oooooooooo ggggg n\r\n" (or " \n"). */
static void check_xref(const char *p, size_t len)
{
	const char *tail = p + len - 40, *sx = NULL;
	char *end;
	guint64 off, n;

	for (const char *q = tail; q + 9 < p + len; q++)
		if (memcmp(q, "startxref", 9) == 0)
			sx = q;
	ck_assert_ptr_nonnull(sx);
	off = g_ascii_strtoull(sx + 9, &end, 10);
	ck_assert_uint_lt(off, len);
	ck_assert_int_eq(strncmp(p + off, "xref\n0 ", 7), 0);
	n = g_ascii_strtoull(p + off + 7, &end, 10);
	ck_assert_uint_ge(n, 2);
	end++;  /* the line end after "0 N" */
	for (guint64 k = 1; k < n; k++) {
		const char *entry = end + 20 * k;
		guint64 at = g_ascii_strtoull(entry, NULL, 10);
		char *want = g_strdup_printf("%" G_GUINT64_FORMAT " 0 obj", k);

		ck_assert_uint_lt(at, len);
		ck_assert_msg(strncmp(p + at, want, strlen(want)) == 0, "object %" G_GUINT64_FORMAT
			      " not at %" G_GUINT64_FORMAT, k, at);
		g_free(want);
	}
}

/* The PDF is a PDF, without cairo's /CreationDate (blanked so that it is reproducible). */
START_TEST(test_pdf)
{
	struct test_world w;
	GBytes *pdf;
	gsize len;
	const char *p;

	run_script(&w);
	pdf = render(w.ladder, "pdf");
	p = g_bytes_get_data(pdf, &len);
	ck_assert_uint_gt(len, 1000);
	ck_assert_int_eq(memcmp(p, "%PDF-", 5), 0);
	ck_assert(!contains(p, len, "/CreationDate"));
	ck_assert(contains(p, len, "/Producer (cairo"));
	ck_assert(contains(p + len - 32, 32, "%%EOF"));
	/* the blanking moved nothing: every offset of the cross-reference table (ISO 32000-1
	   7.5.4, one table here, objects 1 ... N-1 in use) still points at its "N 0 obj" */
	check_xref(p, len);
	g_bytes_unref(pdf);
	world_fini(&w);
}
END_TEST

/* Reads the file PATH whole (the test fails when it cannot). */
static GBytes *read_file(const char *path)
{
	char *data;
	gsize len;

	ck_assert_msg(g_file_get_contents(path, &data, &len, NULL), "cannot read %s", path);
	return g_bytes_new_take(data, len);
}

/* 3000 rows page into 20 PNG files of at most 150 rows, each under 32767 px; a shorter
   ladder written afterwards to the same name removes the pages it no longer has. */
START_TEST(test_png_pages)
{
	struct test_world w, small;
	GError *err = NULL;
	char *path = g_strdup(OUT "long.png");
	guint32 width = 0;

	/* given 3000 signals between two lanes, 1 ms apart */
	world_init_drawn(&w);
	for (int i = 0; i < 3000; i++) {
		sim_run(w.sim, i * SIM_MS);
		sim_trace_note(w.sim, SIM_NOTE_SIGNAL, i % 2 ? "SIPP1" : "SIPP2",
			       i % 2 ? "SIPP2" : "SIPP1", "tick", 0);
	}
	ck_assert_uint_eq(ladder_row_count(w.ladder), 3000);
	ck_assert_uint_eq(ladder_picture_pages(w.ladder), 20);
	/* when written as PNG */
	ck_assert_int_eq(ladder_write_picture(w.ladder, "long", "png", path, &err), 0);
	ck_assert_ptr_null(err);
	/* then long.png, long-2.png ... long-20.png, all as wide, full pages as high */
	for (size_t p = 0; p < 21; p++) {
		char *f = ladder_picture_page_path(path, p);
		guint32 pw, ph;
		GBytes *b;
		gsize len;

		if (p == 20) {
			ck_assert_msg(!g_file_test(f, G_FILE_TEST_EXISTS), "%s exists", f);
			g_free(f);
			break;
		}
		b = read_file(f);
		png_size(g_bytes_get_data(b, &len), len, &pw, &ph);
		ck_assert_uint_lt(ph, 32767);
		/* 150 rows: 45 + 149 x 30 + 20 pt below the headers, x 4/3 */
		ck_assert_uint_gt(ph, (45 + 149 * 30 + 20) * 4 / 3);
		ck_assert_uint_lt(ph, (45 + 149 * 30 + 20 + 150) * 4 / 3);
		if (p == 0)
			width = pw;
		ck_assert_uint_eq(pw, width);
		g_bytes_unref(b);
		g_free(f);
	}
	/* when a 10-row ladder is written to the same name */
	run_script(&small);
	ck_assert_int_eq(ladder_write_picture(small.ladder, "short", "png", path, &err), 0);
	/* then only long.png is left */
	for (size_t p = 1; p < 21; p++) {
		char *f = ladder_picture_page_path(path, p);

		ck_assert_msg(!g_file_test(f, G_FILE_TEST_EXISTS), "%s left behind", f);
		g_free(f);
	}
	ck_assert(g_file_test(path, G_FILE_TEST_EXISTS));
	world_fini(&small);
	world_fini(&w);
	g_free(path);
}
END_TEST

/* The first NEEDLE in the LEN bytes at D, or NULL (binary: compressed streams hold NULs). */
static const char *find_bytes(const char *d, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(d + i, needle, n) == 0)
			return d + i;
	return NULL;
}

/* PDF pages like PNG: 3000 rows give 20 one-page PDFs of at most 150 rows, each within
   Acrobat's 14,400 pt page limit, with the page in the title; the SVG stays one file. */
START_TEST(test_pdf_pages)
{
	struct test_world w;
	GError *err = NULL;
	char *path = g_strdup(OUT "long.pdf");

	/* given 3000 signals between two lanes, 1 ms apart */
	world_init_drawn(&w);
	for (int i = 0; i < 3000; i++) {
		sim_run(w.sim, i * SIM_MS);
		sim_trace_note(w.sim, SIM_NOTE_SIGNAL, i % 2 ? "SIPP1" : "SIPP2",
			       i % 2 ? "SIPP2" : "SIPP1", "tick", 0);
	}
	/* when written as PDF */
	ck_assert_int_eq(ladder_write_picture(w.ladder, "long", "pdf", path, &err), 0);
	ck_assert_ptr_null(err);
	/* then long.pdf ... long-20.pdf, each one page whose MediaBox is under 14,400 pt high */
	for (size_t p = 0; p < 21; p++) {
		char *f = ladder_picture_page_path(path, p);
		GBytes *b, *want;
		const char *d, *box;
		gsize len;
		double x0, y0, x1, y1;

		if (p == 20) {
			ck_assert_msg(!g_file_test(f, G_FILE_TEST_EXISTS), "%s exists", f);
			g_free(f);
			break;
		}
		b = read_file(f);
		d = g_bytes_get_data(b, &len);
		ck_assert(len > 5 && memcmp(d, "%PDF-", 5) == 0);
		ck_assert_ptr_nonnull(find_bytes(d, len, "/Count 1\n"));
		box = find_bytes(d, len, "/MediaBox [ ");
		ck_assert_ptr_nonnull(box);
		ck_assert_int_eq(sscanf(box, "/MediaBox [ %lf %lf %lf %lf ]", &x0, &y0, &x1, &y1), 4);
		/* 150 rows of 30 pt and the headers: more than 4,500 pt, less than 14,400 */
		ck_assert_msg(y1 - y0 > 4500 && y1 - y0 < 14400, "page %zu is %g pt high", p,
			      y1 - y0);
		/* the page is what ladder_render_picture draws for it (title "long (page N of 20)") */
		ck_assert_int_eq(ladder_render_picture(w.ladder, "long", "pdf", p, &want, &err), 0);
		ck_assert(g_bytes_equal(want, b));
		g_bytes_unref(want);
		g_bytes_unref(b);
		g_free(f);
	}
	world_fini(&w);
	g_free(path);
}
END_TEST

/* A short ladder is one file in every format: the file's bytes are the rendered ones. The PNG of
   the script is also kept as the sample to look at (tests/check_ladder_gv.sample.png). */
START_TEST(test_write_files)
{
	static const char *const formats[] = { "svg", "pdf", "png" };
	struct test_world w;

	run_script(&w);
	for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
		char *path = g_strdup_printf(OUT "sample.%s", formats[i]);
		GBytes *want = render(w.ladder, formats[i]), *got;
		GError *err = NULL;

		ck_assert_int_eq(ladder_write_picture(w.ladder, "gv test", formats[i], path, &err),
				 0);
		got = read_file(path);
		ck_assert(g_bytes_equal(got, want));
		g_bytes_unref(got);
		g_bytes_unref(want);
		g_free(path);
	}
	world_fini(&w);
}
END_TEST

/* ---- errors and names ---- */

/* Bad format, page or file: EINVAL / EIO with ERR set in LADDER_GV_ERROR. */
START_TEST(test_errors)
{
	struct test_world w;
	GError *err = NULL;
	GBytes *out = NULL;

	run_script(&w);
	ck_assert_int_eq(ladder_render_picture(w.ladder, "t", "gif", LADDER_PICTURE_WHOLE, &out,
					       &err), EINVAL);
	ck_assert(g_error_matches(err, LADDER_GV_ERROR, EINVAL));
	ck_assert_ptr_nonnull(strstr(err->message, "\"gif\""));
	g_clear_error(&err);
	ck_assert_int_eq(ladder_render_picture(w.ladder, "t", NULL, 0, &out, &err), EINVAL);
	g_clear_error(&err);
	/* 10 rows make one page: page 1 does not exist */
	ck_assert_int_eq(ladder_render_picture(w.ladder, "t", "png", 1, &out, &err), EINVAL);
	ck_assert(g_error_matches(err, LADDER_GV_ERROR, EINVAL));
	g_clear_error(&err);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(ladder_write_picture(NULL, "t", "svg", OUT "x.svg", &err), EINVAL);
	g_clear_error(&err);
	ck_assert_int_eq(ladder_write_picture(w.ladder, "t", "svg", OUT "d/no/such/dir/x.svg",
					      &err), EIO);
	ck_assert(g_error_matches(err, LADDER_GV_ERROR, EIO));
	ck_assert_ptr_nonnull(strstr(err->message, "x.svg"));
	g_clear_error(&err);
	world_fini(&w);
}
END_TEST

/* An empty ladder is one page with its title and no lane. */
START_TEST(test_empty)
{
	struct test_world w;
	GBytes *svg;
	xmlDoc *doc;
	char *s;

	world_init_drawn(&w);
	ck_assert_uint_eq(ladder_picture_pages(w.ladder), 1);
	svg = render(w.ladder, "svg");
	doc = parse(svg);
	ck_assert_ptr_nonnull(doc);
	s = xstr(doc, "//svg:g[@id='title']/svg:text");
	ck_assert_str_eq(s, "gv test");
	g_free(s);
	ck_assert_int_eq(xnum(doc, "count(//svg:g[@class='node' and starts-with(@id, 'lane')])"),
			 0);
	xmlFreeDoc(doc);
	g_bytes_unref(svg);
	world_fini(&w);
}
END_TEST

struct page_path_case {
	const char *path;
	size_t page;
	const char *want;
};

static const struct page_path_case page_path_cases[] = {
	{ "out/ladder.png", 0, "out/ladder.png" },      /* page 1: the name itself */
	{ "out/ladder.png", 1, "out/ladder-2.png" },
	{ "out/ladder.png", 11, "out/ladder-12.png" },
	{ "x.tar.png", 1, "x.tar-2.png" },              /* the last extension only */
	{ "run.d/ladder", 2, "run.d/ladder-3" },        /* a dot in a directory is no extension */
	{ "out/.png", 1, "out/.png-2" },                /* a leading dot starts the name */
};

/* Page path case _i. */
START_TEST(test_page_path)
{
	const struct page_path_case *c = &page_path_cases[_i];
	char *got = ladder_picture_page_path(c->path, c->page);

	ck_assert_str_eq(got, c->want);
	g_free(got);
}
END_TEST

/* The suite: SVG content, PNG pages, PDF, files and errors. */
static Suite *ladder_gv_suite(void)
{
	Suite *s = suite_create("ladder_gv");
	TCase *tc = tcase_create("svg");

	tcase_add_test(tc, test_svg_valid);
	tcase_add_loop_test(tc, test_svg_text, 0, G_N_ELEMENTS(text_cases));
	tcase_add_test(tc, test_svg_colours);
	tcase_add_test(tc, test_svg_geometry);
	tcase_add_test(tc, test_repeatable);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	/* 20 PNG pages take about 5 s under AddressSanitizer, past Check's default of 4 s */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_png_size);
	tcase_add_test(tc, test_pdf);
	tcase_add_test(tc, test_pdf_pages);
	tcase_add_test(tc, test_png_pages);
	tcase_add_test(tc, test_write_files);
	tcase_add_test(tc, test_errors);
	tcase_add_loop_test(tc, test_page_path, 0, G_N_ELEMENTS(page_path_cases));
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite; fails when any test does. */
int main(void)
{
	SRunner *sr = srunner_create(ladder_gv_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
