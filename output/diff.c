/*
 * diff.c - unified diff (see diff.h). Lines are split once; the common head and tail are cut
 * off; the middle is aligned by a longest-common-subsequence table; the edit script is then
 * grouped into hunks with three lines of context, as GNU diff -u prints them.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "output/diff.h"

#define DIFF_CONTEXT 3

/* One line: where it starts in its text and its length without the newline. */
struct diff_line {
	const char *p;
	size_t len;
	bool nl;                 /* ended by a newline */
};

/* Splits TEXT into lines. */
static GArray *diff_split(const char *text)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct diff_line));

	while (*text != '\0') {
		const char *e = strchr(text, '\n');
		struct diff_line l = { text, e ? (size_t)(e - text) : strlen(text), e != NULL };

		g_array_append_val(a, l);
		text = e ? e + 1 : text + l.len;
	}
	return a;
}

/* Equal lines (newline included). */
static bool diff_eq(const struct diff_line *x, const struct diff_line *y)
{
	return x->len == y->len && x->nl == y->nl && memcmp(x->p, y->p, x->len) == 0;
}

/* An edit: ' ' keep, '-' delete from A, '+' insert from B. */
struct diff_op {
	char op;
	size_t ai, bi;           /* line indices (the one that applies) */
};

/* Appends one line of an edit to OUT. */
static void diff_put(GString *out, char op, const struct diff_line *l)
{
	g_string_append_c(out, op);
	g_string_append_len(out, l->p, (gssize)l->len);
	g_string_append_c(out, '\n');
	if (!l->nl)
		g_string_append(out, "\\ No newline at end of file\n");
}

/* A hunk range as GNU diff writes it: "l,n"; "l" alone when n is 1; an empty range names the
 * line before it. FIRST is the 0-based index of the range's first line. */
static void diff_range(GString *out, size_t first, size_t n)
{
	if (n == 1)
		g_string_append_printf(out, "%zu", first + 1);
	else
		g_string_append_printf(out, "%zu,%zu", n ? first + 1 : first, n);
}

bool diff_unified(const char *a_name, const char *a, const char *b_name, const char *b,
		  GString *out)
{
	GArray *la = diff_split(a), *lb = diff_split(b);
	const struct diff_line *A = (const struct diff_line *)la->data;
	const struct diff_line *B = (const struct diff_line *)lb->data;
	size_t na = la->len, nb = lb->len, head = 0, tail = 0, ma, mb;
	GArray *ops;
	uint32_t *t;
	bool differ;

	while (head < na && head < nb && diff_eq(&A[head], &B[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	       diff_eq(&A[na - 1 - tail], &B[nb - 1 - tail]))
		tail++;
	differ = head + tail < na || head + tail < nb;
	if (!differ) {
		g_array_free(la, TRUE);
		g_array_free(lb, TRUE);
		return false;
	}
	ma = na - head - tail;
	mb = nb - head - tail;
	/* t[i][j] = LCS length of A[head+i..] and B[head+j..] (suffixes). */
	t = g_new0(uint32_t, (ma + 1) * (mb + 1));
	for (size_t i = ma; i-- > 0;)
		for (size_t j = mb; j-- > 0;)
			t[i * (mb + 1) + j] = diff_eq(&A[head + i], &B[head + j])
				? t[(i + 1) * (mb + 1) + j + 1] + 1
				: MAX(t[(i + 1) * (mb + 1) + j], t[i * (mb + 1) + j + 1]);

	ops = g_array_new(FALSE, FALSE, sizeof(struct diff_op));
	for (size_t k = 0; k < head; k++) {
		struct diff_op o = { ' ', k, k };

		g_array_append_val(ops, o);
	}
	for (size_t i = 0, j = 0; i < ma || j < mb;) {
		struct diff_op o;

		if (i < ma && j < mb && diff_eq(&A[head + i], &B[head + j])) {
			o = (struct diff_op){ ' ', head + i, head + j };
			i++;
			j++;
		} else if (i < ma && (j == mb ||
				      t[(i + 1) * (mb + 1) + j] >= t[i * (mb + 1) + j + 1])) {
			/* Deletions before insertions, as GNU diff writes a change. */
			o = (struct diff_op){ '-', head + i, head + j };
			i++;
		} else {
			o = (struct diff_op){ '+', head + i, head + j };
			j++;
		}
		g_array_append_val(ops, o);
	}
	for (size_t k = 0; k < tail; k++) {
		struct diff_op o = { ' ', na - tail + k, nb - tail + k };

		g_array_append_val(ops, o);
	}
	g_free(t);

	g_string_append_printf(out, "--- %s\n+++ %s\n", a_name, b_name);
	for (size_t k = 0; k < ops->len;) {
		const struct diff_op *o = &g_array_index(ops, struct diff_op, 0);
		size_t first, last, end, a0, b0, an = 0, bn = 0;

		while (k < ops->len && o[k].op == ' ')
			k++;
		if (k == ops->len)
			break;
		/* A hunk: from this change, through changes closer than 2 contexts apart. */
		first = k > DIFF_CONTEXT ? k - DIFF_CONTEXT : 0;
		last = k;
		for (size_t m = k; m < ops->len; m++) {
			if (o[m].op != ' ')
				last = m;
			else if (m - last > 2 * DIFF_CONTEXT)
				break;
		}
		end = MIN(ops->len, last + 1 + DIFF_CONTEXT);
		a0 = o[first].ai;
		b0 = o[first].bi;
		for (size_t m = first; m < end; m++) {
			an += o[m].op != '+';
			bn += o[m].op != '-';
		}
		g_string_append(out, "@@ -");
		diff_range(out, a0, an);
		g_string_append(out, " +");
		diff_range(out, b0, bn);
		g_string_append(out, " @@\n");
		for (size_t m = first; m < end; m++)
			diff_put(out, o[m].op, o[m].op == '+' ? &B[o[m].bi] : &A[o[m].ai]);
		k = end;
	}
	g_array_free(ops, TRUE);
	g_array_free(la, TRUE);
	g_array_free(lb, TRUE);
	return true;
}
