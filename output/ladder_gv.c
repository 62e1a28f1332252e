/*
 * ladder_gv.c - the ladder as a picture through Graphviz (ladder_gv.h): the one file that
 * includes Graphviz (its headers bring TRUE/FALSE/MIN/MAX, `boolean` and generic header names,
 * BUILD-NOTES.md 3.7). It reads the model through ladder.h's accessors and ladder_clean.
 *
 * Recipe (BUILD-NOTES.md section 4, "A2"): every node is pinned with pos (points, y upward) and
 * laid out by the "nop2" engine, which keeps every position and edge spline as given; text
 * sits in plaintext nodes of its own, centred where we want it (an edge label would be placed
 * by its corner). Geometry, in points:
 * - lane i's line is at x[i], x[0] = 0; row j of a page at y = -(45 + 30 j); lane headers at
 *   y = 0, the title above them at y = 40, each row's time right-aligned at x = -70;
 * - the gap x[i+1] - x[i] holds the lane names' boxes (at least 1.3 in wide) and every label
 *   drawn across that gap alone (its estimated width + 40 for the arrow head and shaft), at
 *   least 150; a note or self-message on lane i holds its text right of the lane before lane
 *   i+1; a label across k gaps that does not fit widens each of them by the k-th part of what is
 *   missing (narrowest spans first, in row order: ladder_text.c's algorithm, in points). Text
 *   widths are estimated at 0.55 em a character for DejaVu Sans (time digits are exactly
 *   0.636 em and the point 0.318 em), since node sizes are only known after layout;
 * - all pages of a ladder share one geometry, computed from all rows, so their lanes line up.
 * Errors: Graphviz reports through agerr, whose immediate printing we turn off (agseterr(AGMAX))
 * so that the last message can be read back with aglasterr; agerrors() says whether any error
 * (not warning) happened since agreseterrors(); gvLayout may return 0 after one
 * (BUILD-NOTES.md 3.9). The previous level is restored: the state is Graphviz's, not ours.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "output/ladder.h"
#include "output/ladder_gv.h"
#include "output/ladder_priv.h"
#include "sim/sim.h"

G_DEFINE_QUARK(ossim-ladder-gv-error-quark, ladder_gv_error)

#if defined(__SANITIZE_ADDRESS__)
#define GV_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GV_ASAN 1
#endif
#endif

#ifdef GV_ASAN
/*
 * LeakSanitizer's hooks (sanitizer/lsan_interface.h), read by any --enable-asan program
 * that draws pictures (this file is linked in exactly then). What it hides is not ours:
 * fontconfig's and pango's caches live until exit, and Graphviz 2.42's nop layout never frees
 * the node list scan_graph_mode allocates (8 bytes a node, every layout). Patterns match a frame's
 * module anywhere in the allocation's stack; our own allocations never run under those modules,
 * cgraph (agopen/agclose) is left checked.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

/* No "Suppressions used" table at exit: programs' stderr stays as without sanitizers. */
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

/* The leak suppressions above. */
const char *__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\n"
	       "leak:libgvplugin_neato_layout.so\n"
	       "leak:libgvplugin_pango.so\n"
	       "leak:libpango\n"
	       "leak:libcairo.so\n"
	       "leak:libfontconfig.so\n";
}
#endif

/* Geometry (points; see the file comment). */
#define GV_ROW0 45.0            /* first row below the headers */
#define GV_ROW_STEP 30.0        /* between rows */
#define GV_TITLE_Y 40.0
#define GV_TIME_RIGHT (-70.0)   /* right edge of the time column */
#define GV_MIN_GAP 150.0
#define GV_ARROW_ROOM 40.0      /* a label's arrow needs this besides the label */
#define GV_EM 0.55              /* estimated character width, in em, of DejaVu Sans */
#define GV_LABEL_FS 10.0
#define GV_NOTE_FS 9.0
#define GV_NAME_FS 12.0
#define GV_REASON_FS 8.0
#define GV_BOX_MIN 93.6         /* header box width: 1.3 in */
#define GV_NOTE_LEFT 10.0       /* a note's left edge right of its lane */
#define GV_LOOP_W 45.0          /* a self-message's loop width */
#define GV_CROSS 4.0            /* half the size of a dropped row's cross */

#define GV_FAILURE "firebrick"
#define GV_MEDIA_UP "#3cb37188"  /* medium sea green, translucent: lanes show through */
#define GV_MEDIA_DOWN "#3cb371"
#define GV_GREY "gray40"

/* A drawing under construction. */
struct gv_draw {
	Agraph_t *g;
	const double *x;        /* lane x */
	unsigned next;          /* next node name */
};

/* ---- strings ---- */

/* cgraph 2.42 takes char * everywhere (BUILD-NOTES.md 3.6); it copies, never writes. */
static void gv_set(void *obj, const char *key, const char *value)
{
	agsafeset(obj, (char *)key, (char *)value, (char *)"");
}

/* Sets KEY of OBJ to printf(FMT, ...). */
G_GNUC_PRINTF(3, 4)
static void gv_setf(void *obj, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	v = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	gv_set(obj, key, v);
	g_free(v);
}

/* D as Graphviz reads a coordinate: two decimals, a point whatever the locale (g_free it). */
static char *gv_num(double d)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	return g_strdup(g_ascii_formatd(buf, sizeof(buf), "%.2f", d));
}

/* Sets OBJ's pos to "X,Y". */
static void gv_pos(void *obj, double x, double y)
{
	char *sx = gv_num(x), *sy = gv_num(y);

	gv_setf(obj, "pos", "%s,%s", sx, sy);
	g_free(sx);
	g_free(sy);
}

/* S cleaned (ladder_clean) and escaped for a Graphviz label (g_free it). Graphviz expands
   backslash escapes (\N is the node's name, \l a line end) and decodes HTML entities in labels,
   so '\' becomes "\\" and '&' "&amp;": both come back as themselves. */
static char *gv_label_text(const char *s)
{
	char *c = ladder_clean(s);
	GString *out = g_string_sized_new(strlen(c) + 8);

	for (const char *p = c; *p != '\0'; p++) {
		if (*p == '\\')
			g_string_append(out, "\\\\");
		else if (*p == '&')
			g_string_append(out, "&amp;");
		else
			g_string_append_c(out, *p);
	}
	g_free(c);
	return g_string_free(out, FALSE);
}

/* The estimated width in points of S (cleaned) at FONTSIZE. */
static double gv_width(const char *s, double fontsize)
{
	char *c = ladder_clean(s);
	double w = GV_EM * fontsize * (double)g_utf8_strlen(c, -1);

	g_free(c);
	return w;
}

/* "S.mmm" for NS nanoseconds, by integer arithmetic, as ladder.txt writes it (g_free it). */
static char *gv_time(int64_t ns)
{
	return g_strdup_printf("%" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT, ns / SIM_S,
			       ns % SIM_S / SIM_MS);
}

/* ---- geometry ---- */

/* The lanes between which R's label is drawn, A < B: its ends, or, for a datagram that crossed
   a NAT lane between them, the sender and the NAT (as in ladder_text.c). False on one lane. */
static bool gv_label_span(const struct ladder_row *r, size_t *a, size_t *b)
{
	size_t far = r->to;

	if (r->from == r->to)
		return false;
	if (r->crossed != LADDER_NO_LANE && r->crossed > MIN(r->from, r->to) &&
	    r->crossed < MAX(r->from, r->to))
		far = r->crossed;
	*a = MIN(r->from, far);
	*b = MAX(r->from, far);
	return true;
}

/* The text drawn for row R (g_free it): its label, media starting marked with U+21C4
   (rightwards arrow over leftwards arrow: both ways), and a loop on one lane that was dropped
   followed by its reason (there is no arrow end to put a cross on). */
static char *gv_row_label(const struct ladder_row *r)
{
	if (r->kind == LADDER_ROW_MEDIA_UP)
		return g_strdup_printf("\u21c4 %s", r->label);
	if (r->from == r->to && r->kind != LADDER_ROW_ACTION && r->dropped != NULL)
		return g_strdup_printf("%s (dropped: %s)", r->label, r->dropped);
	return g_strdup(r->label);
}

/* The room right of its lane that row R, drawn on one lane, needs: a note's box (its text and
   margins) or a loop and its label, and 10 pt before the next lane. */
static double gv_one_lane_room(const struct ladder_row *r)
{
	char *label = gv_row_label(r);
	double room = r->kind == LADDER_ROW_ACTION
			      ? GV_NOTE_LEFT + gv_width(label, GV_NOTE_FS) + 16.0 + 10.0
			      : GV_LOOP_W + 5.0 + gv_width(label, GV_LABEL_FS) + 10.0;

	g_free(label);
	return room;
}

/* The lane x positions of L (n entries, g_free them): the algorithm in the file comment. */
static double *gv_lanes_x(const struct ladder *l)
{
	size_t n = ladder_lane_count(l), rows = ladder_row_count(l), a, b;
	double *g = g_new0(double, n + 1);
	double *x = g_new0(double, n + 1);

	/* names: half of each box, at least 1.3 in, plus 20 between them */
	for (size_t i = 0; i + 1 < n; i++) {
		double w0 = gv_width(ladder_lane_at(l, i), GV_NAME_FS) + 16.0;
		double w1 = gv_width(ladder_lane_at(l, i + 1), GV_NAME_FS) + 16.0;

		g[i] = MAX(GV_MIN_GAP, MAX(w0, GV_BOX_MIN) / 2 + MAX(w1, GV_BOX_MIN) / 2 + 20.0);
	}
	/* one gap: labels across it, text on one lane before the next */
	for (size_t i = 0; i < rows; i++) {
		const struct ladder_row *r = ladder_row_at(l, i);

		if (gv_label_span(r, &a, &b)) {
			char *label = gv_row_label(r);

			if (b - a == 1)
				g[a] = MAX(g[a], gv_width(label, GV_LABEL_FS) + GV_ARROW_ROOM);
			g_free(label);
		} else if (r->from + 1 < n) {
			g[r->from] = MAX(g[r->from], gv_one_lane_room(r));
		}
	}
	/* k gaps, narrowest spans first */
	for (size_t k = 2; k < n; k++) {
		for (size_t i = 0; i < rows; i++) {
			const struct ladder_row *r = ladder_row_at(l, i);
			double run = 0.0, need;
			char *label;

			if (!gv_label_span(r, &a, &b) || b - a != k)
				continue;
			for (size_t j = a; j < b; j++)
				run += g[j];
			label = gv_row_label(r);
			need = gv_width(label, GV_LABEL_FS) + GV_ARROW_ROOM;
			g_free(label);
			if (run < need)
				for (size_t j = a; j < b; j++)
					g[j] += (need - run) / (double)k;
		}
	}
	for (size_t i = 0; i + 1 < n; i++)
		x[i + 1] = x[i] + g[i];
	g_free(g);
	return x;
}

/* ---- graph pieces ---- */

/* A new node at (X, Y), an invisible point unless attributes say otherwise. */
static Agnode_t *gv_node(struct gv_draw *d, double x, double y)
{
	char name[32];
	Agnode_t *n;

	snprintf(name, sizeof(name), "n%u", d->next++);
	n = agnode(d->g, name, 1);
	gv_pos(n, x, y);
	return n;
}

/* A text node showing TEXT (escaped here) centred at (X, Y), at FONTSIZE in COLOR (NULL:
   black), on white so that lane lines it crosses are hidden. */
static Agnode_t *gv_text(struct gv_draw *d, double x, double y, const char *text,
			 double fontsize, const char *color)
{
	Agnode_t *n = gv_node(d, x, y);
	char *t = gv_label_text(text);

	gv_set(n, "shape", "plaintext");
	gv_set(n, "style", "filled");
	gv_set(n, "label", t);
	gv_setf(n, "fontsize", "%g", fontsize);
	if (color != NULL)
		gv_set(n, "fontcolor", color);
	g_free(t);
	return n;
}

/*
 * A text node like gv_text whose left (JUST 'l') or right ('r') edge is at X, the text being
 * about W points wide. Graphviz sizes a node after layout, but a node is never narrower than its
 * width attribute and a label ending in "\l" ("\r") is set flush with the node's left (right)
 * side: so the node is made W wide and centred W/2 from X, and the text starts (ends) exactly at
 * X whenever W is not an underestimate (an underestimate by u moves it u/2 outward).
 */
static Agnode_t *gv_text_at(struct gv_draw *d, char just, double x, double y, double w,
			    const char *text, double fontsize, const char *color)
{
	/* the plaintext margin of 0.02 in each side */
	double box = w + 2.88;
	Agnode_t *n = gv_text(d, just == 'l' ? x + box / 2 : x - box / 2, y, text, fontsize,
			      color);
	char *t = gv_label_text(text);
	char *width = gv_num(box / 72.0);

	gv_setf(n, "label", "%s\\%c", t, just);
	gv_set(n, "width", width);
	g_free(width);
	g_free(t);
	return n;
}

/* An edge T -> H with the default look (a vee head, 1.2 pt). */
static Agedge_t *gv_edge(struct gv_draw *d, Agnode_t *t, Agnode_t *h)
{
	return agedge(d->g, t, h, NULL, 1);
}

/* Row I's element id SUFFIX on OBJ: "row7", "row7-label" ... (SVG ids, for links and tests). */
static void gv_id(void *obj, size_t i, const char *suffix)
{
	gv_setf(obj, "id", "row%zu%s", i, suffix);
}

/* A red cross centred at (X, Y), for row I: where a dropped datagram died. */
static void gv_cross(struct gv_draw *d, size_t i, double x, double y)
{
	for (int k = 0; k < 2; k++) {
		double s = k == 0 ? GV_CROSS : -GV_CROSS;
		Agedge_t *e = gv_edge(d, gv_node(d, x - GV_CROSS, y - s),
				      gv_node(d, x + GV_CROSS, y + s));

		gv_set(e, "dir", "none");
		gv_set(e, "color", "red");
		gv_set(e, "penwidth", "1.8");
		gv_id(e, i, k == 0 ? "-x1" : "-x2");
	}
}

/* Row R (number I) at height Y, on one lane: a note for an action, else a loop back to the
   lane with the label right of it. */
static void gv_draw_one_lane(struct gv_draw *d, const struct ladder_row *r, size_t i, double y)
{
	double x = d->x[r->from];
	char *label;
	Agnode_t *t;
	Agedge_t *e;
	char *p[6];

	if (r->kind == LADDER_ROW_ACTION) {
		/* the box at least as wide as the estimate, so its left side stays put */
		double w = gv_width(r->label, GV_NOTE_FS) + 16.0;
		char *width = gv_num(w / 72.0);

		t = gv_text(d, x + GV_NOTE_LEFT + w / 2, y, r->label, GV_NOTE_FS, NULL);
		gv_set(t, "shape", "note");
		gv_set(t, "fillcolor", "#fff7c0");
		gv_set(t, "width", width);
		gv_set(t, "height", "0.25");
		gv_set(t, "margin", "0.08,0.02");
		gv_id(t, i, "");
		g_free(width);
		return;
	}
	/* nop2 keeps an edge's pos: "e,END P0 P1 P2 P3", a cubic from just below the lane's line
	   out to the right and back, the head ending at the lane (BUILD-NOTES.md section 4) */
	e = gv_edge(d, gv_node(d, x, y + 6), gv_node(d, x, y - 8));
	p[0] = gv_num(x + 2);
	p[1] = gv_num(y - 8);
	p[2] = gv_num(x + GV_LOOP_W);
	p[3] = gv_num(y + 6);
	p[4] = gv_num(x + 9);
	p[5] = gv_num(x);
	gv_setf(e, "pos", "e,%s,%s %s,%s %s,%s %s,%s %s,%s", p[0], p[1], p[5], p[3], p[2], p[3],
		p[2], p[1], p[4], p[1]);
	for (int k = 0; k < 6; k++)
		g_free(p[k]);
	if (r->kind == LADDER_ROW_SIGNAL)
		gv_set(e, "style", "dashed");
	if (r->failure)
		gv_set(e, "color", GV_FAILURE);
	gv_id(e, i, "");
	label = gv_row_label(r);
	t = gv_text_at(d, 'l', x + GV_LOOP_W + 5.0, y - 1, gv_width(label, GV_LABEL_FS), label,
		       GV_LABEL_FS, r->failure ? GV_FAILURE : NULL);
	gv_id(t, i, "-label");
	g_free(label);
}

/* Row R (number I) at height Y, between two lanes. */
static void gv_draw_two_lanes(struct gv_draw *d, const struct ladder_row *r, size_t i, double y)
{
	double x0 = d->x[r->from], x1 = d->x[r->to], dir = x1 > x0 ? 1.0 : -1.0;
	const char *color = r->failure ? GV_FAILURE : NULL;
	size_t a = r->from, b = r->to;   /* for -Wmaybe-uninitialized (-O2) */
	char *label;
	Agnode_t *t;
	Agedge_t *e;

	e = gv_edge(d, gv_node(d, x0, y), gv_node(d, x1, y));
	gv_id(e, i, "");
	switch (r->kind) {
	case LADDER_ROW_MEDIA_UP:
		gv_set(e, "dir", "none");
		gv_set(e, "penwidth", "7");
		gv_set(e, "color", GV_MEDIA_UP);
		break;
	case LADDER_ROW_MEDIA_DOWN:
		gv_set(e, "dir", "none");
		gv_set(e, "style", "dotted");
		gv_set(e, "color", GV_MEDIA_DOWN);
		break;
	case LADDER_ROW_SIGNAL:
		gv_set(e, "style", "dashed");
		break;
	default:
		break;
	}
	if (color != NULL)
		gv_set(e, "color", color);
	if (r->dropped != NULL) {
		/* no head: the shaft ends in the cross; the reason sits below it, on the
		   sender's side */
		gv_set(e, "dir", "none");
		gv_cross(d, i, x1, y);
		t = gv_text_at(d, dir > 0 ? 'r' : 'l', x1 - dir * (GV_CROSS + 4.0), y - 8,
			       gv_width(r->dropped, GV_REASON_FS), r->dropped, GV_REASON_FS,
			       GV_GREY);
		gv_id(t, i, "-reason");
	}
	if (r->crossed != LADDER_NO_LANE && r->crossed != r->from && r->crossed != r->to) {
		t = gv_node(d, d->x[r->crossed], y);
		gv_set(t, "style", "filled");
		gv_set(t, "width", "0.08");
		gv_set(t, "height", "0.08");
		gv_set(t, "color", color != NULL ? color : "black");
		gv_set(t, "fillcolor", color != NULL ? color : "black");
		gv_id(t, i, "-nat");
	}
	/* the label centred over its span, clear of the 7 pt media bar */
	gv_label_span(r, &a, &b);
	label = gv_row_label(r);
	t = gv_text(d, (d->x[a] + d->x[b]) / 2, r->kind == LADDER_ROW_MEDIA_UP ? y + 12 : y + 8,
		    label, GV_LABEL_FS, r->kind == LADDER_ROW_MEDIA_DOWN ? GV_GREY : color);
	gv_id(t, i, "-label");
	g_free(label);
}

/* The graph of rows [FIRST, FIRST + COUNT) of L, titled TITLE, on lanes at X. */
static Agraph_t *gv_build(const struct ladder *l, const char *title, const double *x,
			  size_t first, size_t count)
{
	size_t n = ladder_lane_count(l);
	struct gv_draw d = { NULL, x, 0 };
	double foot = -(GV_ROW0 + GV_ROW_STEP * (double)(count > 0 ? count - 1 : 0) + 20.0);
	Agnode_t *t;

	d.g = agopen((char *)(title != NULL && *title != '\0' ? title : "ladder"), Agdirected,
		     NULL);
	/* defaults (attributes must be declared on the root graph before objects use them) */
	agattr(d.g, AGRAPH, (char *)"splines", (char *)"line");
	agattr(d.g, AGRAPH, (char *)"outputorder", (char *)"edgesfirst");
	agattr(d.g, AGRAPH, (char *)"pad", (char *)"0.2");
	agattr(d.g, AGRAPH, (char *)"fontname", (char *)"DejaVu Sans");
	agattr(d.g, AGNODE, (char *)"shape", (char *)"point");
	agattr(d.g, AGNODE, (char *)"width", (char *)"0.01");
	/* text nodes as high as their text (a point takes the smaller of width and height) */
	agattr(d.g, AGNODE, (char *)"height", (char *)"0");
	agattr(d.g, AGNODE, (char *)"style", (char *)"invis");
	agattr(d.g, AGNODE, (char *)"fontname", (char *)"DejaVu Sans");
	agattr(d.g, AGNODE, (char *)"fontsize", (char *)"10");
	agattr(d.g, AGNODE, (char *)"margin", (char *)"0.02,0.01");
	agattr(d.g, AGNODE, (char *)"fillcolor", (char *)"white");
	agattr(d.g, AGNODE, (char *)"label", (char *)"");
	agattr(d.g, AGEDGE, (char *)"arrowhead", (char *)"vee");
	agattr(d.g, AGEDGE, (char *)"arrowsize", (char *)"0.7");
	agattr(d.g, AGEDGE, (char *)"penwidth", (char *)"1.2");
	agattr(d.g, AGEDGE, (char *)"color", (char *)"black");
	if (title != NULL && *title != '\0') {
		t = gv_text(&d, n > 0 ? (x[0] + x[n - 1]) / 2 : 0.0, GV_TITLE_Y, title, 14.0, NULL);
		gv_set(t, "id", "title");
	}
	for (size_t i = 0; i < n; i++) {
		Agnode_t *head = gv_text(&d, x[i], 0.0, ladder_lane_at(l, i), GV_NAME_FS, NULL);
		Agedge_t *e = gv_edge(&d, head, gv_node(&d, x[i], foot));

		gv_set(head, "shape", "box");
		gv_set(head, "style", "filled,rounded");
		gv_set(head, "fillcolor", "#dde6f3");
		gv_set(head, "width", "1.3");
		gv_set(head, "height", "0.4");
		gv_set(head, "margin", "0.11,0.055");
		gv_setf(head, "id", "lane%zu", i);
		gv_set(e, "dir", "none");
		gv_set(e, "style", "dashed");
		gv_set(e, "color", "gray55");
		gv_set(e, "penwidth", "1");
		gv_setf(e, "id", "lane%zu-line", i);
	}
	for (size_t j = 0; j < count; j++) {
		const struct ladder_row *r = ladder_row_at(l, first + j);
		double y = -(GV_ROW0 + GV_ROW_STEP * (double)j);
		char *time = gv_time(r->time);
		/* DejaVu Sans digits are 0.636 em, the point 0.318 em: no estimate needed */
		double w = (0.636 * (double)(strlen(time) - 1) + 0.318) * GV_NOTE_FS;

		t = gv_text_at(&d, 'r', GV_TIME_RIGHT, y, w, time, GV_NOTE_FS, GV_GREY);
		gv_id(t, first + j, "-time");
		g_free(time);
		if (r->from == r->to)
			gv_draw_one_lane(&d, r, first + j, y);
		else
			gv_draw_two_lanes(&d, r, first + j, y);
	}
	return d.g;
}

/* ---- rendering ---- */

/* Graphviz's output format for our FORMAT name, or NULL when unknown. */
static const char *gv_format(const char *format)
{
	if (format == NULL)
		return NULL;
	if (strcmp(format, "svg") == 0)
		return "svg";
	if (strcmp(format, "png") == 0)
		return "png:cairo";
	if (strcmp(format, "pdf") == 0)
		return "pdf:cairo";
	return NULL;
}

/* Sets ERR from Graphviz's last message, for WHAT ("layout" ...); returns EIO. */
static int gv_fail(GError **err, const char *what)
{
	char *m = aglasterr();  /* malloc'd by cgraph; NULL when nothing was recorded */
	char *s = g_strstrip(g_strdup(m != NULL ? m : "no message"));

	g_set_error(err, LADDER_GV_ERROR, EIO, "Graphviz %s failed: %s", what, s);
	g_free(s);
	free(m);
	return EIO;
}

/* Blanks cairo's /CreationDate entry in the PDF DATA (the file comment in ladder_gv.h): the
   last "/CreationDate (D:...)", since the information dictionary follows the pages. Spaces of
   the same length keep every byte offset the cross-reference table holds. */
static void gv_pdf_undate(char *data, size_t len)
{
	static const char key[] = "/CreationDate (D:";
	size_t k = sizeof(key) - 1;

	for (size_t i = len >= k ? len - k + 1 : 0; i-- > 0;) {
		const char *end;

		if (memcmp(data + i, key, k) != 0)
			continue;
		/* a date is at most "D:YYYYMMDDHHmmSSOHH'mm'" (ISO 32000-1 7.9.4) */
		end = memchr(data + i, ')', MIN(len - i, (size_t)64));
		if (end != NULL)
			memset(data + i, ' ', (size_t)(end - (data + i)) + 1);
		return;
	}
}

/* Lays out G and renders it as FMT (Graphviz's name) into *OUT. Returns 0 or EIO. */
static int gv_render(GVC_t *gvc, Agraph_t *g, const char *fmt, GBytes **out, GError **err)
{
	agerrlevel_t level = agseterr(AGMAX);
	char *data = NULL;
	unsigned int len = 0;
	int rc = 0;

	agreseterrors();
	if (gvLayout(gvc, g, "nop2") != 0 || agerrors() > 0) {
		rc = gv_fail(err, "layout");
	} else if (gvRenderData(gvc, g, fmt, &data, &len) != 0 || agerrors() > 0 ||
		   data == NULL) {
		rc = gv_fail(err, "rendering");
	} else {
		if (strncmp(fmt, "pdf", 3) == 0)
			gv_pdf_undate(data, len);
		*out = g_bytes_new(data, len);
	}
	if (data != NULL)
		gvFreeRenderData(data);
	/* also after a failed layout: it frees whatever part was done */
	gvFreeLayout(gvc, g);
	agseterr(level);
	return rc;
}

/* Checks the arguments common to both entry points; returns 0 or EINVAL with ERR set. */
static int gv_check(const struct ladder *l, const char *format, GError **err)
{
	if (l == NULL) {
		g_set_error_literal(err, LADDER_GV_ERROR, EINVAL, "no ladder");
		return EINVAL;
	}
	if (gv_format(format) == NULL) {
		g_set_error(err, LADDER_GV_ERROR, EINVAL,
			    "unknown picture format \"%s\" (svg, png or pdf)",
			    format != NULL ? format : "(null)");
		return EINVAL;
	}
	return 0;
}

/* Renders PAGE of L (checked) with GVC, lanes at X, into *OUT. */
static int gv_render_page(GVC_t *gvc, const struct ladder *l, const char *title,
			  const char *format, const double *x, size_t page, GBytes **out,
			  GError **err)
{
	size_t rows = ladder_row_count(l), pages = ladder_picture_pages(l);
	size_t first = 0, count = rows;
	char *t = NULL;
	Agraph_t *g;
	int rc;

	if (page != LADDER_PICTURE_WHOLE) {
		first = page * LADDER_PICTURE_ROWS_PER_PAGE;
		count = MIN(rows - first, (size_t)LADDER_PICTURE_ROWS_PER_PAGE);
		if (pages > 1)
			t = g_strdup_printf("%s%s(page %zu of %zu)", title != NULL ? title : "",
					    title != NULL && *title != '\0' ? " " : "", page + 1,
					    pages);
	}
	g = gv_build(l, t != NULL ? t : title, x, first, count);
	rc = gv_render(gvc, g, gv_format(format), out, err);
	agclose(g);
	g_free(t);
	return rc;
}

/* ---- public ---- */

/* The number of pages (PNG, PDF) of L. */
size_t ladder_picture_pages(const struct ladder *l)
{
	size_t rows = ladder_row_count(l);

	return rows == 0 ? 1 : (rows + LADDER_PICTURE_ROWS_PER_PAGE - 1) /
				       LADDER_PICTURE_ROWS_PER_PAGE;
}

/* The file of page PAGE of a picture written to PATH. */
char *ladder_picture_page_path(const char *path, size_t page)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash != NULL ? slash + 1 : path, '.');

	if (page == 0)
		return g_strdup(path);
	/* a leading dot (".hidden") starts a name, not an extension */
	if (dot == NULL || dot == (slash != NULL ? slash + 1 : path))
		return g_strdup_printf("%s-%zu", path, page + 1);
	return g_strdup_printf("%.*s-%zu%s", (int)(dot - path), path, page + 1, dot);
}

/*
 * The Graphviz context, one per process, created on first use and never freed: the one piece of
 * process-wide state here, forced by Graphviz 2.42. Its pango plugin caches, in a static, a
 * pointer to the font name interned in the context's font table (plugin/pango/
 * gvtextlayout_pango.c, pango_textlayout: "static char *fontname"), and gvFreeContext frees that
 * table, so the first text measured under any later context reads freed memory (AddressSanitizer:
 * heap-use-after-free in strcmp under textspan_size). Graphviz's error state (agerr) is
 * process-wide anyway. Reusing one context for many graphs is how the dot command works.
 */
static GVC_t *gv_context(void)
{
	static GVC_t *gvc;

	if (g_once_init_enter(&gvc))
		g_once_init_leave(&gvc, gvContext());
	return gvc;
}

/* Renders L (whole, or page PAGE) as FORMAT into *OUT. EINVAL, EIO. */
int ladder_render_picture(const struct ladder *l, const char *title, const char *format,
			  size_t page, GBytes **out, GError **err)
{
	double *x;
	int rc = gv_check(l, format, err);

	if (rc != 0)
		return rc;
	if (out == NULL || (page != LADDER_PICTURE_WHOLE && page >= ladder_picture_pages(l))) {
		g_set_error(err, LADDER_GV_ERROR, EINVAL, "no page %zu (of %zu)", page,
			    ladder_picture_pages(l));
		return EINVAL;
	}
	x = gv_lanes_x(l);
	rc = gv_render_page(gv_context(), l, title, format, x, page, out, err);
	g_free(x);
	return rc;
}

/* Writes DATA to PATH through a temporary file and a rename. 0 or EIO. */
int ladder_picture_save(const char *path, GBytes *data, GError **err)
{
	GError *ferr = NULL;
	gsize len;
	const char *p = g_bytes_get_data(data, &len);

	if (!g_file_set_contents(path, p, (gssize)len, &ferr)) {
		g_set_error(err, LADDER_GV_ERROR, EIO, "cannot write %s: %s", path, ferr->message);
		g_error_free(ferr);
		return EIO;
	}
	return 0;
}

/* Removes the pages of PATH from PAGE on, as long as they exist. 0 or EIO. */
int ladder_picture_remove(const char *path, size_t page, GError **err)
{
	for (;; page++) {
		char *p = ladder_picture_page_path(path, page);
		int rc = 0;

		if (!g_file_test(p, G_FILE_TEST_EXISTS)) {
			g_free(p);
			return 0;
		}
		if (g_remove(p) != 0) {
			g_set_error(err, LADDER_GV_ERROR, EIO, "cannot remove the old page %s: %s",
				    p, g_strerror(errno));
			rc = EIO;
		}
		g_free(p);
		if (rc != 0)
			return rc;
	}
}

/* Writes L as FORMAT to PATH (PNG and PDF: paged). EINVAL, EIO. */
int ladder_write_picture(const struct ladder *l, const char *title, const char *format,
			 const char *path, GError **err)
{
	bool paged;
	size_t pages;
	GVC_t *gvc;
	double *x;
	int rc = gv_check(l, format, err);

	if (rc != 0)
		return rc;
	if (path == NULL || *path == '\0') {
		g_set_error_literal(err, LADDER_GV_ERROR, EINVAL, "no file name");
		return EINVAL;
	}
	paged = strcmp(format, "svg") != 0;
	pages = paged ? ladder_picture_pages(l) : 1;
	x = gv_lanes_x(l);
	gvc = gv_context();
	for (size_t p = 0; rc == 0 && p < pages; p++) {
		GBytes *data = NULL;
		char *file = ladder_picture_page_path(path, p);

		rc = gv_render_page(gvc, l, title, format, x, paged ? p : LADDER_PICTURE_WHOLE,
				    &data, err);
		if (rc == 0)
			rc = ladder_picture_save(file, data, err);
		if (data != NULL)
			g_bytes_unref(data);
		g_free(file);
	}
	g_free(x);
	if (rc == 0 && paged)
		rc = ladder_picture_remove(path, pages, err);
	return rc;
}
