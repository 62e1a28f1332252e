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

# every SIP message of every shipped scenario: our strict parser and libosip2 accept it
check_PROGRAMS += tests/check_flows
TESTS += tests/check_flows
tests_check_flows_SOURCES = tests/check_flows.c
tests_check_flows_CFLAGS = $(TEST_CFLAGS) $(OSIP_CFLAGS)
tests_check_flows_LDADD = $(TEST_LIBS) $(OSIP_LIBS)
endif

check_PROGRAMS += tests/check_sdp
TESTS += tests/check_sdp
tests_check_sdp_SOURCES = tests/check_sdp.c
tests_check_sdp_CFLAGS = $(TEST_CFLAGS)
tests_check_sdp_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_auth
TESTS += tests/check_auth
tests_check_auth_SOURCES = tests/check_auth.c
tests_check_auth_CFLAGS = $(TEST_CFLAGS)
tests_check_auth_LDADD = $(TEST_LIBS)

# Fuzz targets replayed over their seed corpus by gcc (tests/fuzz/replay.c); the libFuzzer
# build is tests/fuzz/run.sh (docs/fuzzing.md).
check_PROGRAMS += tests/fuzz/replay_sdp
TESTS += tests/fuzz/replay_sdp
tests_fuzz_replay_sdp_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_sdp.c tests/fuzz/fuzz.h
tests_fuzz_replay_sdp_CFLAGS = $(AM_CFLAGS) -DFUZZ_DEFAULT_CORPUS=\"$(abs_top_srcdir)/tests/fuzz/corpus-sdp\"
tests_fuzz_replay_sdp_LDADD = libossim.la $(DEP_LIBS)
EXTRA_DIST += tests/data/sdp tests/fuzz/corpus-sdp tests/fuzz/run.sh

# The SIP parser's fuzz target replayed over the RFC 4475 vectors (libFuzzer run: tests/fuzz/run.sh).
check_PROGRAMS += tests/fuzz/replay_sip
TESTS += tests/fuzz/replay_sip
tests_fuzz_replay_sip_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_sip.c tests/fuzz/fuzz.h
tests_fuzz_replay_sip_CFLAGS = $(AM_CFLAGS) -DFUZZ_DEFAULT_CORPUS=\"$(abs_top_srcdir)/tests/data/rfc4475\"
tests_fuzz_replay_sip_LDADD = libossim.la $(DEP_LIBS)

check_PROGRAMS += tests/check_txn
TESTS += tests/check_txn
tests_check_txn_SOURCES = tests/check_txn.c
tests_check_txn_CFLAGS = $(TEST_CFLAGS)
tests_check_txn_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_dialog
TESTS += tests/check_dialog
tests_check_dialog_SOURCES = tests/check_dialog.c
tests_check_dialog_CFLAGS = $(TEST_CFLAGS)
tests_check_dialog_LDADD = $(TEST_LIBS)

# The command line: exit codes, --help, the self-check verdict.
TESTS += tests/cli.sh
EXTRA_DIST += tests/cli.sh

# Scenario files and the per-model table: the loader (Check) and `ossim validate`/`ossim models`.
check_PROGRAMS += tests/check_scenario
TESTS += tests/check_scenario
tests_check_scenario_SOURCES = tests/check_scenario.c
tests_check_scenario_CFLAGS = $(TEST_CFLAGS)
tests_check_scenario_LDADD = $(TEST_LIBS)
TESTS += tests/check_validate.sh
EXTRA_DIST += tests/check_validate.sh tests/data/scenarios tests/data/osmodel

check_PROGRAMS += tests/check_nat
TESTS += tests/check_nat
tests_check_nat_SOURCES = tests/check_nat.c
tests_check_nat_CFLAGS = $(TEST_CFLAGS)
tests_check_nat_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_pool
TESTS += tests/check_pool
tests_check_pool_SOURCES = tests/check_pool.c
tests_check_pool_CFLAGS = $(TEST_CFLAGS)
tests_check_pool_LDADD = $(TEST_LIBS)

# output/diff.c: unified diffs, against GNU diff's own output
check_PROGRAMS += tests/check_diff
TESTS += tests/check_diff
tests_check_diff_SOURCES = tests/check_diff.c
tests_check_diff_CFLAGS = $(TEST_CFLAGS)
tests_check_diff_LDADD = $(TEST_LIBS)

# ossim run / ossim check from the outside: golden ladders, determinism, bad input
TESTS += tests/check_run.sh
EXTRA_DIST += tests/check_run.sh tests/golden tests/testlib.sh

# output/ladder.c, ladder_text.c: the ladder model, ladder.txt and messages.txt
check_PROGRAMS += tests/check_ladder
TESTS += tests/check_ladder
tests_check_ladder_SOURCES = tests/check_ladder.c tests/ladder_world.h
tests_check_ladder_CFLAGS = $(TEST_CFLAGS)
tests_check_ladder_LDADD = $(TEST_LIBS)

# models/officeserv/registrar.c and views.c. stands in for call.c until
# that file is in the library (then drop it here and delete it).
check_PROGRAMS += tests/check_registrar
TESTS += tests/check_registrar
tests_check_registrar_SOURCES = tests/check_registrar.c
tests_check_registrar_CFLAGS = $(TEST_CFLAGS)
tests_check_registrar_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_phone
TESTS += tests/check_phone
tests_check_phone_SOURCES = tests/check_phone.c
tests_check_phone_CFLAGS = $(TEST_CFLAGS)
tests_check_phone_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_call
TESTS += tests/check_call
tests_check_call_SOURCES = tests/check_call.c
tests_check_call_CFLAGS = $(TEST_CFLAGS)
tests_check_call_LDADD = $(TEST_LIBS)

# docs/flows/*.md and README.md: every embedded ladder equals its golden file (or the demo run)
TESTS += tests/check_docs.sh
EXTRA_DIST += tests/check_docs.sh docs/embed-ladders.sh

# the capture writer: headers parsed by hand, then read back by tshark when it is installed
check_PROGRAMS += tests/check_pcap
TESTS += tests/check_pcap
tests_check_pcap_SOURCES = tests/check_pcap.c
tests_check_pcap_CFLAGS = $(TEST_CFLAGS)
tests_check_pcap_LDADD = $(TEST_LIBS)
CLEANFILES += tests/check_pcap.pcap

# output/report.c: report.html, parsed back as XML
check_PROGRAMS += tests/check_report
TESTS += tests/check_report
tests_check_report_SOURCES = tests/check_report.c
tests_check_report_CFLAGS = $(TEST_CFLAGS)
tests_check_report_LDADD = $(TEST_LIBS)
# ... and from the outside: every scenario's report, rerun, --format, headless Chromium
TESTS += tests/check_report.sh
EXTRA_DIST += tests/check_report.sh

# output/ladder_gv.c: the ladder as SVG, PNG (paged) and PDF through Graphviz
check_PROGRAMS += tests/check_ladder_gv
TESTS += tests/check_ladder_gv
tests_check_ladder_gv_SOURCES = tests/check_ladder_gv.c tests/ladder_world.h
tests_check_ladder_gv_CFLAGS = $(TEST_CFLAGS)
tests_check_ladder_gv_LDADD = $(TEST_LIBS)
CLEANFILES += tests/check_ladder_gv.*.svg tests/check_ladder_gv.*.png tests/check_ladder_gv.*.pdf
