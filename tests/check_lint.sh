#!/bin/sh
# check_lint.sh - `ossim sip lint` from the outside: the verdict and reason for every RFC 4475
# vector (tests/data/rfc4475, the archive subset; tests/data/lint, the other RFC 4475 messages
# written out from the RFC's text), the exit status rules (0 all ok, 1 any invalid, 2 unreadable
# or bad usage) and "-" for standard input. Run by `make check` with OSSIM and top_srcdir set.
#
# Decisions (RFC 4475 section, then why):
#   lwsstart, trws (3.1.2.9/10), baddate (3.1.2.12): the RFC lets an element be liberal; lint
#     follows the RFC 3261 grammar and says invalid, as RFC 4475 lists them as invalid messages.
#   badvers (3.1.2.16): well formed, but a server answers 505: invalid (unsupported version).
#   insuf (3.3.1): no Call-ID/From/To: "ideally 400": invalid.
#   multi01 (3.3.8): repeated single-value headers: 400 by RFC 3261 7.3.1: invalid.
#   mcl01 (3.3.9): two different Content-Length values: the message cannot be framed: invalid.
#   lwsdisp (3.1.1.6): valid (the RFC 3261 grammar bug the RFC asks elements to accept).
#   badbranch, unkscm, unksm2, bext01, invut, bcast, cparam01/02, sdp01, novelsc, regaut01,
#   zeromf, regescrt, inv2543: well formed, refused (if at all) by a transaction or an
#     application, not by the parser: ok.
set -u
: "${OSSIM:=./ossim}"
: "${top_srcdir:=.}"
LC_ALL=C
export LC_ALL
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_lint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# check NAME EXPECTED-STATUS: compares $tmp/out with $tmp/want and the status with EXPECTED.
check() {
	if [ "$status" -eq "$2" ] && cmp -s "$tmp/want" "$tmp/out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1 (status $status, expected $2)"
		diff -u "$tmp/want" "$tmp/out"
	fi
}

cd "$top_srcdir/tests/data" || exit 99

cat > "$tmp/want" <<'END'
rfc4475/badbranch.dat: ok OPTIONS
rfc4475/baddate.dat: invalid: Date: not an RFC 1123 date in GMT
rfc4475/baddn.dat: invalid: From: display name has characters that must be quoted
rfc4475/badinv01.dat: invalid: Via: bad parameter
rfc4475/badvers.dat: invalid: unsupported SIP version SIP/7.0
rfc4475/bcast.dat: ok 200
rfc4475/bext01.dat: ok OPTIONS
rfc4475/clerr.dat: invalid: Content-Length larger than the message
rfc4475/cparam01.dat: ok REGISTER
rfc4475/cparam02.dat: ok REGISTER
rfc4475/dblreq.dat: ok REGISTER
rfc4475/esc01.dat: ok INVITE
rfc4475/escnull.dat: ok REGISTER
rfc4475/insuf.dat: invalid: missing mandatory header(s): From, To, Call-ID
rfc4475/intmeth.dat: ok !interesting-Method0123456789_*+`.%indeed'~
rfc4475/invut.dat: ok INVITE
rfc4475/ltgtruri.dat: invalid: Request-URI enclosed in <>
rfc4475/lwsdisp.dat: ok OPTIONS
rfc4475/lwsstart.dat: invalid: more than one SP between request line elements
rfc4475/mcl01.dat: invalid: conflicting Content-Length values 13 and 5
rfc4475/mismatch01.dat: invalid: CSeq method does not match the request method
rfc4475/multi01.dat: invalid: more than one CSeq header
rfc4475/ncl.dat: invalid: Content-Length: negative value
rfc4475/quotbal.dat: invalid: To: unterminated quoted string in display name
rfc4475/regbadct.dat: invalid: Contact: URI with '?' or ',' must be enclosed in <>
rfc4475/scalar02.dat: invalid: CSeq: sequence number is not below 2^31
rfc4475/sdp01.dat: ok INVITE
rfc4475/semiuri.dat: ok OPTIONS
rfc4475/transports.dat: ok OPTIONS
rfc4475/trws.dat: invalid: whitespace at the end of the request line
rfc4475/unkscm.dat: ok OPTIONS
rfc4475/unksm2.dat: ok REGISTER
rfc4475/unreason.dat: ok 200
rfc4475/wsinv.dat: ok INVITE
END
status=0
"$OSSIM" sip lint rfc4475/*.dat > "$tmp/out" || status=$?
check "RFC 4475 archive vectors" 1

cat > "$tmp/want" <<'END'
lint/badaspec.dat: invalid: To: whitespace inside <URI>
lint/bigcode.dat: invalid: bad status code
lint/esc02.dat: ok RE%47IST%45R
lint/escruri.dat: invalid: Request-URI has headers
lint/inv2543.dat: ok INVITE
lint/longreq.dat: ok INVITE
lint/lwsruri.dat: invalid: whitespace in the Request-URI
lint/mismatch02.dat: invalid: CSeq method does not match the request method
lint/mpart01.dat: ok MESSAGE
lint/noreason.dat: ok 100
lint/novelsc.dat: ok OPTIONS
lint/regaut01.dat: ok REGISTER
lint/regescrt.dat: ok REGISTER
lint/scalarlg.dat: invalid: CSeq: sequence number is not below 2^31
lint/zeromf.dat: ok OPTIONS
END
status=0
"$OSSIM" sip lint lint/*.dat > "$tmp/out" || status=$?
check "other RFC 4475 vectors" 1

# all valid: status 0
printf 'rfc4475/wsinv.dat: ok INVITE\nlint/noreason.dat: ok 100\n' > "$tmp/want"
status=0
"$OSSIM" sip lint rfc4475/wsinv.dat lint/noreason.dat > "$tmp/out" || status=$?
check "all ok" 0

# standard input
printf -- '-: ok REGISTER\n' > "$tmp/want"
status=0
"$OSSIM" sip lint - < rfc4475/escnull.dat > "$tmp/out" || status=$?
check "stdin" 0

# an unreadable file: status 2 (above 1), the others still reported, the error on stderr
printf 'rfc4475/ncl.dat: invalid: Content-Length: negative value\n' > "$tmp/want"
status=0
"$OSSIM" sip lint rfc4475/ncl.dat does-not-exist.dat > "$tmp/out" 2> "$tmp/err" || status=$?
check "unreadable file" 2
if grep -q 'does-not-exist.dat: cannot read' "$tmp/err"; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL: no error on stderr"; fi

# no file: usage, status 2
: > "$tmp/want"
status=0
"$OSSIM" sip lint > "$tmp/out" 2> /dev/null || status=$?
check "no file" 2

# a message with LF line ends (as a learner might type it) is invalid, not a crash
printf 'OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n\n' > "$tmp/lf.sip"
printf -- '-: invalid: bare CR or LF in the start line\n' > "$tmp/want"
status=0
"$OSSIM" sip lint - < "$tmp/lf.sip" > "$tmp/out" || status=$?
check "LF line ends" 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
