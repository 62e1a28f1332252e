#!/bin/sh
# check_validate.sh - `ossim validate` and `ossim models` from the outside: exit status 0 when
# every file is valid ("FILE: ok" on stdout), 2 on any bad input with "FILE:LINE: ..." on
# stderr, 2 for a missing file or bad usage; no password ever printed (PWD-04); the per-model
# table's figures (CAP-01, CAP-02, facts §1). Run by `make check` with OSSIM and top_srcdir set.
: "${OSSIM:=./ossim}"
: "${top_srcdir:=.}"
# The source tree's schema and table, whatever is installed (testlib.sh sets OSSIM_DATADIR).
test_name=check_validate
. "$top_srcdir/tests/testlib.sh"

d=$top_srcdir/tests/data/scenarios
good="$d/good/full.xml $d/good/minimal.xml $top_srcdir/scenarios/features/registration.xml"

expect 0 "validate --help" "$OSSIM" validate --help
has "$tmp/out" "validate" "validate --help describes the command"
expect 2 "validate without files" "$OSSIM" validate
expect 2 "validate with an unknown option" "$OSSIM" validate --frobnicate x.xml
# shellcheck disable=SC2086
expect 0 "good scenarios" "$OSSIM" validate $good
for f in $good; do
	has "$tmp/out" "^$f: ok\$" "ok line for $f"
done
[ -s "$tmp/err" ] && { bad "good scenarios wrote to stderr"; }

for f in "$d"/bad/*.xml; do
	expect 2 "bad scenario $f" "$OSSIM" validate "$f"
	has "$tmp/err" "^$f:[0-9]+: " "file:line message for $f"
	[ -s "$tmp/out" ] && { bad "$f: something on stdout"; }
	for pw in 'Ab3\$xy9k' 'q7!w2' 'q7-w2e4r' 'bob0202'; do
		if grep -q -- "$pw" "$tmp/err"; then
			bad "$f: a password is printed"
		fi
	done
done
expect 2 "missing file" "$OSSIM" validate "$d/bad/no-such-file.xml"
has "$tmp/err" "^$d/bad/no-such-file.xml: no such file\$" "missing file message"
# A good and a bad file together: the good one is still reported ok, the status is 2.
expect 2 "good then bad" "$OSSIM" validate "$d/good/minimal.xml" "$d/bad/bad-dial.xml"
has "$tmp/out" "minimal.xml: ok" "the good file of a mixed run"
has "$tmp/err" "bad-dial.xml:31: digits=\"20O2\" on <dial> is not a dial string" "bad-dial reason"
# Without the data files, the error says where they were looked for.
OSSIM_DATADIR=$tmp expect 2 "no data directory" "$OSSIM" validate "$d/good/minimal.xml"
has "$tmp/err" "cannot load" "missing data message"

expect 0 "models" "$OSSIM" models
has "$tmp/out" "^OS7030 +16 +no TLS " "OS7030: 16 SIP stations, no TLS (CAP-01)"
has "$tmp/out" "^OS7100 +56 +no TLS +8 +unless card " "OS7100: 56, inbuilt 8 MGI (facts)"
has "$tmp/out" "^OS7200S +64 " "OS7200S: 64 (CAP-01)"
has "$tmp/out" "^OS7200-MP20 +128 +64 .*MGI16 \\(16 x 10\\)" "OS7200-MP20: 128/64, 10 MGI16"
has "$tmp/out" "^OS7400 +480 +160 " "OS7400: 480/160 (CAP-01, CAP-02)"
has "$tmp/out" "^\\* assumed" "the assumed-figure note"
expect 0 "models --help" "$OSSIM" models --help
expect 2 "models with a stray argument" "$OSSIM" models extra
expect 2 "models with a bad table" "$OSSIM" models --file "$top_srcdir/tests/data/osmodel/duplicate.xml"
has "$tmp/err" "duplicate.xml:5: model OS7030 is defined twice" "bad table message"

finish
