#!/bin/sh
# embed-ladders.sh - refreshes the ladders embedded in the flow pages.
#
# A page embeds a ladder with a marker line and a fenced block right under it:
#
#     <!-- ladder: tests/golden/busy.ladder -->
#     ```
#     ...the ladder...
#     ```
#
# The marker names a file relative to the top of the source tree, or the word "demo": the
# ladder.txt of `$OSSIM run scenarios/demo.xml`. This script rewrites the body of every such
# block in docs/flows/*.md and README.md with the current content of its file, and leaves
# every other byte of the page as it was. tests/check_docs.sh checks that the two agree.
#
# Usage, from the top of the source tree:  sh docs/embed-ladders.sh [OSSIM]
# OSSIM is the ossim command used for the demo (default ./ossim). Exit status 0, or 1 when
# a marker has no fenced block under it or names a file that does not exist.
set -u
OSSIM=${1:-./ossim}
LC_ALL=C
export LC_ALL

if [ ! -f scenarios/demo.xml ] || [ ! -d docs/flows ]; then
	echo "embed-ladders.sh: run me from the top of the source tree" >&2
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/embed-ladders.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

pages=
for f in docs/flows/*.md README.md; do
	[ -f "$f" ] && pages="$pages $f"
done

# The demo's ladder, made once and only when a page asks for it.
demo=
# shellcheck disable=SC2086
if grep -q '^<!-- ladder: demo -->$' $pages; then
	OSSIM_DATADIR=${OSSIM_DATADIR:-.}
	export OSSIM_DATADIR
	if ! "$OSSIM" run scenarios/demo.xml -o "$tmp/demo" >"$tmp/demo.out" 2>&1; then
		echo "embed-ladders.sh: '$OSSIM run scenarios/demo.xml' failed:" >&2
		cat "$tmp/demo.out" >&2
		exit 1
	fi
	demo=$tmp/demo/ladder.txt
fi

status=0
changed=0
for f in $pages; do
	# Does the page end with a newline? awk adds one after the last line; keep it as it was.
	if [ -n "$(tail -c 1 "$f")" ]; then nl=0; else nl=1; fi
	if ! awk -v page="$f" -v demo="$demo" -v nl="$nl" '
		# out(S): one output line; the newline goes before the next one, so the last line
		# gets one only when the page had it (END).
		function out(s) { printf "%s%s", sep, s; sep = "\n" }
		function fail(msg) { printf "%s:%d: %s\n", page, NR, msg > "/dev/stderr"; bad = 1 }
		BEGIN { state = 0; sep = "" }
		state == 0 {
			out($0)
			if ($0 ~ /^<!-- ladder: [^ ]+ -->$/) {
				target = $0
				sub(/^<!-- ladder: /, "", target)
				sub(/ -->$/, "", target)
				if (target == "demo")
					target = demo
				state = 1
				mline = NR
			}
			next
		}
		state == 1 {
			# the line under a marker must open a fence
			if ($0 !~ /^```/) {
				fail("the marker is not followed by a ``` block")
				out($0)
				state = 0
				next
			}
			out($0)
			n = 0
			while ((r = (getline l < target)) > 0) {
				out(l)
				n++
			}
			if (r < 0) {
				printf "%s:%d: cannot read %s\n", page, mline, target > "/dev/stderr"
				bad = 1
			}
			close(target)
			state = 2
			next
		}
		state == 2 {
			# the old body is dropped up to the closing fence, which is kept
			if ($0 ~ /^```[ \t]*$/) {
				out($0)
				state = 0
			}
			next
		}
		END {
			if (state == 1)
				fail("the marker is the last line")
			if (state == 2)
				fail("the ``` block under the marker of line " mline " is not closed")
			if (nl && sep != "")
				printf "\n"
			exit bad
		}
	' "$f" >"$tmp/page"; then
		status=1
		continue
	fi
	if ! cmp -s "$tmp/page" "$f"; then
		cat "$tmp/page" >"$f"
		echo "updated $f"
		changed=$((changed + 1))
	fi
done
echo "embed-ladders.sh: $changed page(s) updated"
exit "$status"
