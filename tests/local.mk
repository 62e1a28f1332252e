# tests/: one Check program per module (tests/check_<module>.c), plus script tests.

check_PROGRAMS += tests/check_kernel
TESTS += tests/check_kernel
tests_check_kernel_SOURCES = tests/check_kernel.c
tests_check_kernel_CFLAGS = $(TEST_CFLAGS)
tests_check_kernel_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_stats
TESTS += tests/check_stats
tests_check_stats_SOURCES = tests/check_stats.c
tests_check_stats_CFLAGS = $(TEST_CFLAGS)
tests_check_stats_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_net
TESTS += tests/check_net
tests_check_net_SOURCES = tests/check_net.c
tests_check_net_CFLAGS = $(TEST_CFLAGS)
tests_check_net_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_sipmsg
TESTS += tests/check_sipmsg
tests_check_sipmsg_SOURCES = tests/check_sipmsg.c
tests_check_sipmsg_CFLAGS = $(TEST_CFLAGS)
tests_check_sipmsg_LDADD = $(TEST_LIBS)

# `ossim sip lint` from the outside (a script: it runs the built command on the vectors).
TESTS += tests/check_lint.sh
EXTRA_DIST += tests/check_lint.sh tests/data/rfc4475 tests/data/lint

# Differential test against libosip2 (test-only peer; configure sets HAVE_OSIP when present).
if HAVE_OSIP
check_PROGRAMS += tests/check_osip
TESTS += tests/check_osip
tests_check_osip_SOURCES = tests/check_osip.c
tests_check_osip_CFLAGS = $(TEST_CFLAGS) $(OSIP_CFLAGS)
tests_check_osip_LDADD = $(TEST_LIBS) $(OSIP_LIBS)
endif

# The command line: exit codes, --help, the self-check verdict.
TESTS += tests/cli.sh
EXTRA_DIST += tests/cli.sh
