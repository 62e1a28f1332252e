/*
 * replay.c - a plain main() for the fuzz targets: feeds each file named on the command line (or
 * each file of each directory named) to LLVMFuzzerTestOneInput once. Built by gcc in the normal
 * build, it turns the seed corpus and every crash input saved next to it into regression tests
 * for `make check`; with no arguments it replays FUZZ_DEFAULT_CORPUS (a ':'-separated list of
 * directories set at compile time). A target that finds a bug aborts, which fails the test.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "tests/fuzz/fuzz.h"

/* Replay one file; returns false when it cannot be read. */
static bool replay_file(const char *path)
{
	gchar *data = NULL;
	gsize len = 0;
	GError *error = NULL;

	if (!g_file_get_contents(path, &data, &len, &error)) {
		fprintf(stderr, "replay: %s\n", error->message);
		g_error_free(error);
		return false;
	}
	/* a copy of exactly len bytes, so ASan catches a read past the input's end */
	guint8 *copy = g_memdup2(data, len);
	LLVMFuzzerTestOneInput(copy, len);
	g_free(copy);
	g_free(data);
	return true;
}

/* Compare for sorting file names, so the replay order never depends on the directory. */
static gint replay_cmp(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* Replay a file, or every regular file of a directory in name order; returns the number
 * replayed and adds unreadable paths to *failed. */
static int replay_path(const char *path, int *failed)
{
	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		if (replay_file(path))
			return 1;
		(*failed)++;
		return 0;
	}
	GError *error = NULL;
	GDir *dir = g_dir_open(path, 0, &error);
	if (!dir) {
		fprintf(stderr, "replay: %s\n", error->message);
		g_error_free(error);
		(*failed)++;
		return 0;
	}
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	while ((name = g_dir_read_name(dir)))
		g_ptr_array_add(names, g_build_filename(path, name, NULL));
	g_dir_close(dir);
	g_ptr_array_sort(names, replay_cmp);
	int n = 0;
	for (guint i = 0; i < names->len; i++) {
		const char *file = g_ptr_array_index(names, i);
		if (!g_file_test(file, G_FILE_TEST_IS_REGULAR))
			continue;
		if (replay_file(file))
			n++;
		else
			(*failed)++;
	}
	g_ptr_array_free(names, TRUE);
	return n;
}

int main(int argc, char **argv)
{
	int n = 0, failed = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			n += replay_path(argv[i], &failed);
	} else {
#ifdef FUZZ_DEFAULT_CORPUS
		gchar **dirs = g_strsplit(FUZZ_DEFAULT_CORPUS, ":", -1);
		for (gchar **d = dirs; *d; d++)
			n += replay_path(*d, &failed);
		g_strfreev(dirs);
#else
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
#endif
	}
	/* the plain closing line CI reads; a crashing input never gets here (it aborts) */
	printf("replay: %d passed, %d failed\n", n, failed);
	return failed == 0 && n > 0 ? 0 : 1;
}
