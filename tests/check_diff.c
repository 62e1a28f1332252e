/*
 * check_diff.c - output/diff.c: unified diffs as GNU diff -u prints them. Every expected text
 * below was produced by GNU diffutils 3.8 (`diff -u --label A --label B`) on the same inputs.
 */
#include "config.h"

#include <check.h>

#include "output/diff.h"

static const struct {
	const char *name, *a, *b, *want;
} cases[] = {
	{ "change and append, two hunks",
	  "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n",
	  "a\nb\nX\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n",
	  "--- A\n+++ B\n@@ -1,6 +1,6 @@\n a\n b\n-c\n+X\n d\n e\n f\n"
	  "@@ -11,3 +11,4 @@\n k\n l\n m\n+n\n" },
	{ "missing final newline",
	  "x\ny\n", "x\ny",
	  "--- A\n+++ B\n@@ -1,2 +1,2 @@\n x\n-y\n+y\n\\ No newline at end of file\n" },
	{ "from nothing",
	  "", "one\n",
	  "--- A\n+++ B\n@@ -0,0 +1 @@\n+one\n" },
	{ "two changes ten lines apart",
	  "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\n",
	  "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\nP\n",
	  "--- A\n+++ B\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n"
	  "@@ -13,4 +13,4 @@\n m\n n\n o\n-p\n+P\n" },
	{ "two changes six lines apart make one hunk",
	  "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
	  "X\n2\n3\n4\n5\n6\n7\nY\n9\n",
	  "--- A\n+++ B\n@@ -1,9 +1,9 @@\n-1\n+X\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n 9\n" },
	{ "a deleted line",
	  "a\nb\nc\n", "a\nc\n",
	  "--- A\n+++ B\n@@ -1,3 +1,2 @@\n a\n-b\n c\n" },
};

START_TEST(test_cases)
{
	GString *out = g_string_new("");

	/* given two texts, when diffed, then the output is GNU diff's */
	ck_assert_msg(diff_unified("A", cases[_i].a, "B", cases[_i].b, out), "%s", cases[_i].name);
	ck_assert_str_eq(out->str, cases[_i].want);
	g_string_free(out, TRUE);
}
END_TEST

START_TEST(test_equal)
{
	GString *out = g_string_new("");

	/* given equal texts, then no diff and nothing written */
	ck_assert(!diff_unified("A", "same\ntext\n", "B", "same\ntext\n", out));
	ck_assert(!diff_unified("A", "", "B", "", out));
	ck_assert_uint_eq(out->len, 0);
	g_string_free(out, TRUE);
}
END_TEST

static Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("unified");

	tcase_add_loop_test(tc, test_cases, 0, G_N_ELEMENTS(cases));
	tcase_add_test(tc, test_equal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(diff_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
