#!/bin/sh
# check_docs.sh - the flow pages show the ladders the simulator really draws.
#
# For every `<!-- ladder: FILE -->` marker in docs/flows/*.md and README.md, the fenced block
# under it must equal FILE byte for byte (FILE is relative to the top of the source tree; "demo"
# means the ladder.txt of `ossim run scenarios/demo.xml`, run here). Every feature scenario
# (scenarios/features/NAME.xml) must have its page docs/flows/NAME.md embedding
# tests/golden/NAME.ladder, and docs/flows/README.md must link every page.
# A mismatch prints "FAIL: ..." and a unified diff (golden file first, page second); refresh
# the pages with `sh docs/embed-ladders.sh`. Run by `make check` with OSSIM and top_srcdir set;
# writes only in a mktemp directory.
: "${OSSIM:=./ossim}"
: "${top_srcdir:=.}"
test_name=check_docs
. "$top_srcdir/tests/testlib.sh"

# The demo's ladder, run once on first use; prints its path (empty if the run failed).
demo_ladder() {
	if [ ! -f "$tmp/demo/ladder.txt" ] && [ ! -f "$tmp/demo.failed" ]; then
		if ! "$OSSIM" run "$top_srcdir/scenarios/demo.xml" -o "$tmp/demo" \
			>"$tmp/demo.out" 2>&1; then
			: >"$tmp/demo.failed"
		fi
	fi
	[ -f "$tmp/demo/ladder.txt" ] && echo "$tmp/demo/ladder.txt"
}

pages=
for f in "$top_srcdir"/docs/flows/*.md "$top_srcdir"/README.md; do
	[ -f "$f" ] && pages="$pages $f"
done
markers=0
for page in $pages; do
	rel=${page#"$top_srcdir"/}
	rm -rf "$tmp/blocks"
	mkdir "$tmp/blocks"
	# One line per marker on stdout: "<block file> <marker line> <target>", or "ERROR <line>
	# <what>"; each block's body goes to its own file, one "\n" after every line.
	awk -v dir="$tmp/blocks" '
		state == 0 && /^<!-- ladder: [^ ]+ -->$/ {
			target = $0
			sub(/^<!-- ladder: /, "", target)
			sub(/ -->$/, "", target)
			mline = NR
			state = 1
			next
		}
		state == 1 {
			if ($0 !~ /^```/) {
				print "ERROR", mline, "no ``` block right under the marker"
				state = 0
				next
			}
			n++
			file = dir "/" n
			printf "" > file
			state = 2
			next
		}
		state == 2 {
			if ($0 ~ /^```[ \t]*$/) {
				close(file)
				print file, mline, target
				state = 0
			} else {
				print > file
			}
		}
		END {
			if (state == 1)
				print "ERROR", mline, "no ``` block right under the marker"
			if (state == 2)
				print "ERROR", mline, "the ``` block under the marker is not closed"
		}
	' "$page" >"$tmp/index"
	while read -r block line target; do
		markers=$((markers + 1))
		if [ "$block" = ERROR ]; then
			bad "$rel:$line: $target"
			continue
		fi
		if [ "$target" = demo ]; then
			want=$(demo_ladder)
			if [ -z "$want" ]; then
				bad "$rel:$line: '$OSSIM run scenarios/demo.xml' failed:"
				sed 's/^/  | /' "$tmp/demo.out" | head -20
				continue
			fi
			name="the demo run's ladder.txt"
		else
			want=$top_srcdir/$target
			name=$target
			if [ ! -f "$want" ]; then
				bad "$rel:$line: the marker names $target, which does not exist"
				continue
			fi
		fi
		if cmp -s "$want" "$block"; then
			ok
		else
			bad "$rel:$line: the ladder block differs from $name" \
				"(sh docs/embed-ladders.sh refreshes it)"
			diff -u "$want" "$block" | sed "1s|^--- .*|--- $name|; 2s|^+++ .*|+++ $rel|"
		fi
	done <"$tmp/index"
done
if [ "$markers" -gt 0 ]; then ok; else bad "no ladder markers in docs/flows/*.md or README.md"; fi

# Every feature scenario has its page, the page embeds its golden ladder, the index links it.
index=$top_srcdir/docs/flows/README.md
if [ -f "$index" ]; then ok; else bad "docs/flows/README.md is missing"; fi
nfeat=0
for x in "$top_srcdir"/scenarios/features/*.xml; do
	[ -f "$x" ] || continue
	nfeat=$((nfeat + 1))
	n=$(basename "$x" .xml)
	page=$top_srcdir/docs/flows/$n.md
	if [ ! -f "$page" ]; then
		bad "scenarios/features/$n.xml has no page docs/flows/$n.md"
		continue
	fi
	ok
	if grep -qx "<!-- ladder: tests/golden/$n.ladder -->" "$page"; then
		ok
	else
		bad "docs/flows/$n.md does not embed tests/golden/$n.ladder"
	fi
	if [ -f "$index" ] && grep -q "]($n\\.md)" "$index"; then
		ok
	else
		bad "docs/flows/README.md does not link $n.md"
	fi
done
if [ "$nfeat" -gt 0 ]; then ok; else bad "no scenarios/features/*.xml found under $top_srcdir"; fi
if [ -f "$index" ] && grep -q "](demo\\.md)" "$index"; then ok; else bad "docs/flows/README.md does not link demo.md"; fi

finish
