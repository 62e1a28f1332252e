/*
 * ladder_gv.h - the ladder as a picture (SVG, PNG, PDF), drawn with Graphviz from the ladder
 * model (ladder.h), the same rows the text ladder draws: a header box per lane, time downward
 * with the time of each row in a column on the left, SIP datagrams as horizontal arrows with
 * their label centred above (failures in firebrick, dropped ones ending in a red cross at the lane
 * where they died, with the reason in small grey type below), a dot where one crossed a NAT lane,
 * notes for actions, dashed arrows for non-SIP signals, a thick translucent green bar while media
 * flows and a thin dotted one when it stops.
 *
 * Graphviz performs no layout here: every coordinate is computed by ladder_gv.c and pinned
 * (the "nop2" engine, docs in BUILD-NOTES.md section 4); it only draws. All Graphviz types stay
 * inside ladder_gv.c (its headers pollute the namespace).
 *
 * Output is deterministic: the same ladder and title give the same bytes in every format. SVG and
 * PNG are so by construction (Graphviz's SVG carries only its version, cairo's PNG no time);
 * cairo 1.16 stamps every PDF with the time of writing in the document information dictionary
 * (/CreationDate) and Graphviz gives no way to set it, so that entry is blanked in place (same
 * length: the cross-reference offsets still hold; the entry is optional, ISO 32000-1 14.3.3).
 *
 * Pages: a cairo bitmap stops at 32767 px a side, and Graphviz scales a larger drawing down until
 * it is unreadable, so a PNG holds at most LADDER_PICTURE_ROWS_PER_PAGE rows (6,150 px high at
 * 96 dpi) and a longer ladder is written as several PNG files, each with the lane headers and
 * the title ("TITLE (page 2 of 5)"). PDF is paged the same way (ladder.pdf, ladder-2.pdf ...):
 * Graphviz's cairo PDF device writes one page a graph and does not paginate, a page taller than
 * 14,400 pt (about 470 rows) is past Acrobat's page size limit, and cairo's time grows with the
 * square of a page's rows (measured with `neato -n2 -Tpdf`, no sanitizer: 150 rows 0.07 s, 600
 * 0.3 s, 1500 1.7 s, 3000 6.3 s); a page of 150 rows is some 4,600 pt high. SVG holds the whole
 * ladder in one file (3000 rows in 0.5 s; browsers scroll it). Lanes are never paged: a ladder
 * wider than 32767 px (some 160 lanes at the minimum spacing) comes out scaled down by
 * Graphviz. To see chosen calls of a long run instead, narrow the ladder (ladder_narrow).
 *
 * Not thread-safe: Graphviz keeps process-wide state (its error level and messages, its text
 * layout caches, and the one context ladder_gv.c keeps for the process; see there).
 */
#ifndef OSSIM_OUTPUT_LADDER_GV_H
#define OSSIM_OUTPUT_LADDER_GV_H

#include <stddef.h>

#include <glib.h>

struct ladder;

/* Rows on one PNG or PDF page. */
#define LADDER_PICTURE_ROWS_PER_PAGE 150
/* ladder_render_picture's PAGE for the whole ladder on one page. */
#define LADDER_PICTURE_WHOLE ((size_t)-1)

/* Errors: the codes are the errno values the functions return. */
#define LADDER_GV_ERROR (ladder_gv_error_quark())
GQuark ladder_gv_error_quark(void);

/* The number of pages (PNG or PDF files) ladder L needs: ceil(rows /
   LADDER_PICTURE_ROWS_PER_PAGE), at least one (an empty ladder is one page with its title). */
size_t ladder_picture_pages(const struct ladder *l);

/* The file holding page PAGE (0-based) of a picture written to PATH: PATH itself for page
   0, else PATH with "-N" (N = PAGE + 1) inserted before the extension of its last component, or
   appended when it has none ("out/ladder.png" -> "out/ladder-2.png"). g_free it. */
char *ladder_picture_page_path(const char *path, size_t page);

/*
 * Renders ladder L titled TITLE (NULL: none) as FORMAT ("svg", "png" or "pdf") into *OUT (a new
 * GBytes; unchanged on error). PAGE is LADDER_PICTURE_WHOLE for the whole ladder, or a page
 * index below ladder_picture_pages(L) for those rows alone, with the title marked "(page N of
 * M)" when there are several. Returns 0, EINVAL (NULL argument, unknown format, page out of
 * range) or EIO (Graphviz failed: ERR carries its message); ERR is set (LADDER_GV_ERROR, the
 * same code) on every error.
 */
int ladder_render_picture(const struct ladder *l, const char *title, const char *format,
			  size_t page, GBytes **out, GError **err);

/*
 * Writes ladder L titled TITLE as FORMAT ("svg", "png" or "pdf") to PATH. SVG: the whole
 * ladder in PATH. PNG and PDF: page 1 in PATH and the others in ladder_picture_page_path(PATH,
 * 1 ...); page files following the last one written ("-N+1", "-N+2" ... as long as they
 * exist) are removed, so a shorter run does not leave pages of an earlier one behind. Every file
 * is written to a temporary file in its directory and renamed, so none is ever half-written.
 * Returns 0, EINVAL (as ladder_render_picture) or EIO (Graphviz failed, or a file could not be
 * written or removed; ERR says which and why); ERR is set (LADDER_GV_ERROR) on every error.
 */
int ladder_write_picture(const struct ladder *l, const char *title, const char *format,
			 const char *path, GError **err);

/* Writes picture bytes DATA (from ladder_render_picture) to PATH through a temporary file and a
 * rename, so it is never half-written. Returns 0 or EIO (ERR set, LADDER_GV_ERROR). */
int ladder_picture_save(const char *path, GBytes *data, GError **err);

/* Removes the page files of a picture written to PATH (ladder_picture_page_path) from PAGE on,
 * as long as they exist: PAGE 0 removes the whole picture. Returns 0 or EIO (ERR set). */
int ladder_picture_remove(const char *path, size_t page, GError **err);

#endif
