/*
 * ladder_text.c - the text forms of a ladder (ladder.h): ladder.txt, the diagram that golden
 * files and `ossim check` compare byte for byte, and messages.txt, every datagram's bytes for
 * learners. Both read the model through its accessors only, so they are as deterministic as it.
 *
 * Geometry of ladder.txt (all widths in characters; one character = one Unicode code point,
 * every drawn string having been through ladder_clean):
 * - a row line starts with its time, "%9.3f" seconds computed from the nanoseconds with integer
 *   arithmetic (seconds = ns / 10^9, milliseconds = (ns mod 10^9) / 10^6 truncated), right
 *   aligned in a column as wide as the widest time (9 until a run passes 99999 s), then two
 *   spaces: lane 0's '|' sits right after them, or further right when the name over it needs
 *   the room;
 * - lane i's '|' sits at column x[i] on every line; the gap between lanes i and i+1 is
 *   g[i] = x[i+1] - x[i] - 1 characters;
 * - a name of w characters is centred on its column: it starts at x - (w-1)/2 (an even width
 *   puts the extra character on the right);
 * - an arrow's run is the characters between its two lanes' bars (the bars of lanes it passes
 *   are drawn over); its label is centred in the run: it starts (run - w)/2 characters in. A
 *   datagram that crossed a NAT lane lying between its ends has a '+' on that lane and its
 *   label centred in the part of the run on the sender's side of the NAT, so the label never
 *   hides the '+';
 * - a label needs w + 6 characters in the run where it is drawn: the head and at least two
 *   shaft characters on each side ("---INVITE 218-->", "<--200 OK---").
 *
 * The gap widths (the algorithm, in order; deterministic, O(rows x lanes)):
 *   1. names: g[i] = (w[i] / 2) + ((w[i+1] - 1) / 2) + 1, so the two names have one blank
 *      between them (w[i] / 2 characters of name i lie right of its bar, (w[i+1] - 1) / 2 of
 *      name i+1 left of its);
 *   2. labels drawn across one gap alone: g[i] = max(g[i], w + 6) over those labels;
 *   3. labels drawn across k >= 2 gaps, by k = 2, 3 ... and within one k in row order: the run
 *      is the k gaps plus the k-1 bars between them; when it is shorter than w + 6 by d, each
 *      of the k gaps grows by d / k and the first d mod k of them (leftmost) by one more.
 * Notes on one lane ("[dial 2002]") and a datagram sent to its own lane take no room: they are
 * written from the lane's column over whatever lies right of it.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "output/ladder.h"
#include "output/ladder_priv.h"
#include "sim/net.h"
#include "sim/sim.h"

/* Room a label needs in its run besides its own width: a head and two shaft characters on each
   side (the head's side: head + 2; the other: 3). */
#define TEXT_ARROW_ROOM 6

/* Computed geometry. */
struct text_layout {
	size_t n;               /* lanes */
	size_t *x;              /* column of each lane's bar */
	size_t timew;           /* width of the time column */
};

/* ---- strings as character cells ---- */

/* The width in characters of S once cleaned. */
static size_t text_width(const char *s)
{
	char *c = ladder_clean(s);
	size_t w = (size_t)g_utf8_strlen(c, -1);

	g_free(c);
	return w;
}

/* Puts character C at column COL of LINE (gunichar cells), growing it with spaces. */
static void text_put(GArray *line, size_t col, gunichar c)
{
	while (line->len <= col) {
		gunichar sp = ' ';

		g_array_append_val(line, sp);
	}
	g_array_index(line, gunichar, col) = c;
}

/* Writes S (cleaned) from column COL; returns the column after it. */
static size_t text_put_str(GArray *line, size_t col, const char *s)
{
	char *c = ladder_clean(s);

	for (const char *p = c; *p != '\0'; p = g_utf8_next_char(p))
		text_put(line, col++, g_utf8_get_char(p));
	g_free(c);
	return col;
}

/* Appends LINE to OUT without its trailing blanks, then a newline, and empties LINE. */
static void text_flush(GArray *line, GString *out)
{
	guint n = line->len;

	while (n > 0 && g_array_index(line, gunichar, n - 1) == ' ')
		n--;
	for (guint i = 0; i < n; i++)
		g_string_append_unichar(out, g_array_index(line, gunichar, i));
	g_string_append_c(out, '\n');
	g_array_set_size(line, 0);
}

/* Characters of a W-wide name left of its centre column. */
static size_t text_left(size_t w)
{
	return w > 0 ? (w - 1) / 2 : 0;
}

/* "S.mmm" for NS nanoseconds, by integer arithmetic (g_free it). */
static char *text_time(int64_t ns)
{
	return g_strdup_printf("%" PRId64 ".%03" PRId64, ns / SIM_S, ns % SIM_S / SIM_MS);
}

/* ---- layout ---- */

/*
 * The lanes between which R's label is drawn, A < B: its two ends, or for a datagram that
 * crossed a NAT lane lying between them, the sender and the NAT. False for a row on one lane.
 */
static bool text_label_span(const struct ladder_row *r, size_t *a, size_t *b)
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

/* Computes the geometry of L (the algorithm in the file comment). */
static void text_layout(const struct ladder *l, struct text_layout *lay)
{
	size_t n = ladder_lane_count(l), rows = ladder_row_count(l);
	size_t *w = g_new0(size_t, n + 1);
	size_t *g = g_new0(size_t, n + 1);
	size_t a, b;

	lay->n = n;
	lay->x = g_new0(size_t, n + 1);
	lay->timew = 9;
	for (size_t i = 0; i < n; i++)
		w[i] = text_width(ladder_lane_at(l, i));
	/* 1. names */
	for (size_t i = 0; i + 1 < n; i++)
		g[i] = w[i] / 2 + text_left(w[i + 1]) + 1;
	/* 2. labels across one gap; and the time column */
	for (size_t i = 0; i < rows; i++) {
		const struct ladder_row *r = ladder_row_at(l, i);
		char *t = text_time(r->time);

		lay->timew = MAX(lay->timew, strlen(t));
		g_free(t);
		if (text_label_span(r, &a, &b) && b - a == 1)
			g[a] = MAX(g[a], text_width(r->label) + TEXT_ARROW_ROOM);
	}
	/* 3. labels across k gaps, narrowest spans first */
	for (size_t k = 2; k < n; k++) {
		for (size_t i = 0; i < rows; i++) {
			const struct ladder_row *r = ladder_row_at(l, i);
			size_t run, need;

			if (!text_label_span(r, &a, &b) || b - a != k)
				continue;
			run = k - 1;
			for (size_t j = a; j < b; j++)
				run += g[j];
			need = text_width(r->label) + TEXT_ARROW_ROOM;
			if (run >= need)
				continue;
			for (size_t j = 0; j < k; j++)
				g[a + j] += (need - run) / k + (j < (need - run) % k ? 1 : 0);
		}
	}
	if (n > 0)
		lay->x[0] = MAX(lay->timew + 2, text_left(w[0]));
	for (size_t i = 0; i + 1 < n; i++)
		lay->x[i + 1] = lay->x[i] + g[i] + 1;
	g_free(w);
	g_free(g);
}

/* ---- rows ---- */

/* Draws row R across LINE (its bars already there). */
static void text_draw_row(const struct text_layout *lay, const struct ladder_row *r,
			  GArray *line)
{
	size_t lo = MIN(r->from, r->to), hi = MAX(r->from, r->to), a, b, run, w;
	bool right = r->to > r->from;
	gunichar shaft;

	if (r->from == r->to) {
		/* A note on one lane (or a datagram to itself): from the lane's column. */
		size_t col = text_put_str(line, lay->x[r->from], "[");

		col = text_put_str(line, col, r->label);
		text_put_str(line, col, "]");
		return;
	}
	switch (r->kind) {
	case LADDER_ROW_SIGNAL:
		shaft = '~';
		break;
	case LADDER_ROW_MEDIA_UP:
		shaft = '=';
		break;
	case LADDER_ROW_MEDIA_DOWN:
		shaft = '.';
		break;
	default:
		shaft = '-';
		break;
	}
	for (size_t c = lay->x[lo] + 1; c < lay->x[hi]; c++)
		text_put(line, c, shaft);
	if (r->kind == LADDER_ROW_MEDIA_UP || r->kind == LADDER_ROW_MEDIA_DOWN) {
		text_put(line, lay->x[lo] + 1, '<');
		text_put(line, lay->x[hi] - 1, '>');
	} else {
		gunichar head = r->dropped != NULL ? 'X' : right ? '>' : '<';

		text_put(line, right ? lay->x[hi] - 1 : lay->x[lo] + 1, head);
	}
	text_label_span(r, &a, &b);
	/* A label spans less than its row only when the row crossed a NAT between its ends. */
	if (a != lo || b != hi)
		text_put(line, lay->x[r->crossed], '+');
	run = lay->x[b] - lay->x[a] - 1;
	w = text_width(r->label);
	text_put_str(line, lay->x[a] + 1 + (run > w ? (run - w) / 2 : 0), r->label);
}

/* Writes the ladder of L as text, titled TITLE, to OUT. */
void ladder_write_text(const struct ladder *l, const char *title, GString *out)
{
	struct text_layout lay;
	GArray *line = g_array_new(FALSE, FALSE, sizeof(gunichar));
	size_t rows = ladder_row_count(l);

	text_layout(l, &lay);
	text_put_str(line, 0, "# ");
	text_put_str(line, 2, title);
	text_flush(line, out);
	if (lay.n > 0) {
		for (size_t i = 0; i < lay.n; i++) {
			const char *name = ladder_lane_at(l, i);

			text_put_str(line, lay.x[i] - text_left(text_width(name)), name);
		}
		text_flush(line, out);
	}
	for (size_t i = 0; i < rows; i++) {
		const struct ladder_row *r = ladder_row_at(l, i);
		char *t = text_time(r->time);

		text_put_str(line, lay.timew - strlen(t), t);
		g_free(t);
		for (size_t j = 0; j < lay.n; j++)
			text_put(line, lay.x[j], '|');
		text_draw_row(&lay, r, line);
		if (r->dropped != NULL && lay.n > 0) {
			size_t col = MAX(lay.x[lay.n - 1] + 1, (size_t)line->len);

			col = text_put_str(line, col, "  (dropped: ");
			col = text_put_str(line, col, r->dropped);
			text_put_str(line, col, ")");
		}
		text_flush(line, out);
	}
	g_array_free(line, TRUE);
	g_free(lay.x);
}

/* ---- messages.txt ---- */

/* The name of a transport as messages.txt writes it. */
static const char *text_proto(enum sim_net_proto p)
{
	return p == SIM_NET_TCP ? "TCP" : p == SIM_NET_TLS ? "TLS" : "UDP";
}

/* Writes every datagram of L, in send order, with its bytes (CRLF as LF) to OUT. */
void ladder_write_messages(const struct ladder *l, GString *out)
{
	size_t rows = ladder_row_count(l);
	unsigned n = 0;

	for (size_t i = 0; i < rows; i++) {
		const struct ladder_row *r = ladder_row_at(l, i);
		const struct ladder_datagram *d = ladder_datagram_at(l, i);
		char src[32], dst[32];
		const guint8 *p;
		gsize len;

		if (d == NULL)
			continue;
		g_string_append_printf(out, "==== #%u  %" PRId64 ".%06" PRId64 " s", ++n,
				       r->time / SIM_S, r->time % SIM_S / SIM_US);
		g_string_append_printf(out, "  %s (%s) -> %s (%s)  %s", ladder_lane_at(l, r->from),
				       sim_addr_str(&d->src, src, sizeof(src)),
				       ladder_lane_at(l, r->to),
				       sim_addr_str(&d->dst, dst, sizeof(dst)),
				       text_proto(d->proto));
		if (r->dropped != NULL)
			g_string_append_printf(out, "  dropped: %s", r->dropped);
		g_string_append_c(out, '\n');
		p = g_bytes_get_data(d->data, &len);
		for (gsize j = 0; j < len; j++) {
			/* CRLF shown as LF; a lone CR is kept, as sent. */
			if (p[j] == '\r' && j + 1 < len && p[j + 1] == '\n')
				continue;
			g_string_append_c(out, (char)p[j]);
		}
		if (len > 0 && p[len - 1] != '\n')
			g_string_append_c(out, '\n');
		g_string_append_c(out, '\n');
	}
}
