#!/bin/sh
# tests/cli.sh - the command's contract: exit status 0 ok / 1 check failed / 2 bad input,
# --help everywhere, the self-check's verdict. $OSSIM is set by make check.
OSSIM=${OSSIM:-./ossim}
fails=0
n=0

# expect STATUS DESCRIPTION COMMAND... : runs the command, compares its exit status.
expect() {
	want=$1; what=$2; shift 2
	n=$((n + 1))
	"$@" >cli.out 2>cli.err
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"; sed 's/^/  | /' cli.err
		fails=$((fails + 1))
	else
		echo "ok: $what"
	fi
}

expect 0 "ossim --help" "$OSSIM" --help
grep -q selfcheck cli.out || { echo "FAIL: --help lists no selfcheck"; fails=$((fails + 1)); }
expect 0 "ossim --version" "$OSSIM" --version
expect 2 "unknown command" "$OSSIM" frobnicate
grep -q "unknown command 'frobnicate'" cli.err || { echo "FAIL: no reason given"; fails=$((fails + 1)); }
expect 0 "selfcheck --help" "$OSSIM" selfcheck --help
expect 2 "selfcheck with one replication" "$OSSIM" selfcheck --replications 1
expect 2 "selfcheck with a non-number" "$OSSIM" selfcheck --calls lots
expect 2 "selfcheck with a stray argument" "$OSSIM" selfcheck extra
expect 0 "small self-check passes" "$OSSIM" selfcheck --replications 5 --calls 20000 --servers 10 --offered 5
grep -q "PASS" cli.out || { echo "FAIL: no PASS verdict"; fails=$((fails + 1)); }
# determinism: the same seed prints the same report
"$OSSIM" selfcheck -r 3 -n 5000 -s 9 >cli.a 2>&1
"$OSSIM" selfcheck -r 3 -n 5000 -s 9 >cli.b 2>&1
cmp -s cli.a cli.b || { echo "FAIL: same seed, different report"; fails=$((fails + 1)); }
rm -f cli.out cli.err cli.a cli.b
echo "$n commands checked, $fails failures"
[ "$fails" -eq 0 ]
