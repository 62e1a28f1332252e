# tests/: one Check program per module (tests/check_<module>.c), plus script tests.

check_PROGRAMS += tests/check_stats
TESTS += tests/check_stats
tests_check_stats_SOURCES = tests/check_stats.c
tests_check_stats_CFLAGS = $(TEST_CFLAGS)
tests_check_stats_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_kernel
TESTS += tests/check_kernel
tests_check_kernel_SOURCES = tests/check_kernel.c
tests_check_kernel_CFLAGS = $(TEST_CFLAGS)
tests_check_kernel_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_net
TESTS += tests/check_net
tests_check_net_SOURCES = tests/check_net.c
tests_check_net_CFLAGS = $(TEST_CFLAGS)
tests_check_net_LDADD = $(TEST_LIBS)

# The command line: exit codes, --help, the self-check verdict.
TESTS += tests/cli.sh
EXTRA_DIST += tests/cli.sh
