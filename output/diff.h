/*
 * diff.h - a unified diff of two texts, line by line (what `ossim check` prints when a ladder
 * differs from its golden file). The longest common subsequence is computed exactly (dynamic
 * programming over the lines that differ after the common head and tail are cut off), so the
 * hunks are minimal; texts of a few thousand lines cost a few megabytes at most.
 */
#ifndef OSSIM_OUTPUT_DIFF_H
#define OSSIM_OUTPUT_DIFF_H

#include <stdbool.h>

#include <glib.h>

/* Appends to OUT the unified diff (3 lines of context, "--- A_NAME" / "+++ B_NAME" headers,
 * "@@ -l,n +l,n @@" hunks) turning text A into text B. Returns false, appending nothing, when
 * they are equal. A missing final newline is shown as "\ No newline at end of file". */
bool diff_unified(const char *a_name, const char *a, const char *b_name, const char *b,
		  GString *out);

#endif
