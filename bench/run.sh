#!/bin/sh
# bench/run.sh - runs the benchmarks (make bench). BENCH_FILTER=name runs only that one;
# BENCH_QUICK=1 shortens each run (CI only checks that they still work).
# Each benchmark prints key=value lines; this script prefixes a header and fails if one fails.
set -u
status=0
for name in kernel sip; do
	prog=./bench/$name
	[ -x "$prog" ] || continue
	if [ -n "${BENCH_FILTER:-}" ] && [ "$BENCH_FILTER" != "$name" ]; then
		continue
	fi
	echo "# bench/$name"
	if ! "$prog"; then
		echo "# bench/$name FAILED"
		status=1
	fi
done
exit $status
