# testlib.sh - what the shell tests share: sourced (". tests/testlib.sh") after OSSIM, top_srcdir
# and test_name have values. Sets a C locale, points ossim at the source tree's data files (not
# whatever is installed), counts checks in pass/fail, and gives a private $tmp removed on exit.
# Every helper counts one check; `finish` prints the tally and sets the exit status.
set -u
LC_ALL=C
export LC_ALL
OSSIM_DATADIR=$top_srcdir
export OSSIM_DATADIR
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$test_name.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS DESCRIPTION COMMAND...: runs COMMAND, output in $tmp/out and $tmp/err.
expect() {
	want=$1; what=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok
	else
		bad "$what: exit $got, expected $want"
		sed 's/^/  | /' "$tmp/err" | head -20
	fi
}

# has FILE PATTERN DESCRIPTION: FILE must contain a line matching the extended regex.
has() {
	if grep -Eq -- "$2" "$1"; then
		ok
	else
		bad "$3: no line matching '$2' in $1:"
		sed 's/^/  | /' "$1" | head -20
	fi
}

# absent PATH DESCRIPTION: PATH must not exist.
absent() {
	if [ -e "$1" ]; then bad "$2: $1 was left behind"; else ok; fi
}

# finish: the tally; exit status 1 when any check failed.
finish() {
	echo "$pass checks passed, $fail failed"
	[ "$fail" -eq 0 ]
}
