#!/bin/sh
# check_run.sh - `ossim run` and `ossim check` from the outside: every shipped scenario runs
# and matches its golden ladder; reruns are byte-identical; a changed golden file fails with a
# readable diff; bad input (every file of tests/data/scenarios/bad, a missing file, bad options,
# an action this version cannot simulate) exits 2 with FILE:LINE and leaves no output behind.
# Run by `make check` with OSSIM and top_srcdir set.
: "${OSSIM:=./ossim}"
: "${top_srcdir:=.}"
test_name=check_run
. "$top_srcdir/tests/testlib.sh"

features=$(ls "$top_srcdir"/scenarios/features/*.xml)
golden=$top_srcdir/tests/golden

# ---- every shipped scenario matches its golden ladder ----
# shellcheck disable=SC2086
expect 0 "ossim check over every feature scenario" "$OSSIM" check --golden "$golden" $features
for f in $features; do
	has "$tmp/out" "^$f: ok\$" "ok line for $f"
done

# ---- run writes its files; reruns are byte-identical ----
for f in $features "$top_srcdir/scenarios/demo.xml"; do
	n=$(basename "$f" .xml)
	# Pictures are slow to draw under the sanitizers: drawn and compared below for two flows.
	expect 0 "run $n" "$OSSIM" run "$f" --format none -o "$tmp/a-$n"
	expect 0 "rerun $n" "$OSSIM" run "$f" --format none -o "$tmp/b-$n"
	for out in ladder.txt messages.txt sip-phone-status.txt access-information.txt run.log \
		   metrics.json metrics.csv capture.pcap; do
		if cmp -s "$tmp/a-$n/$out" "$tmp/b-$n/$out"; then
			ok
		else
			bad "$n: $out differs between two runs"
		fi
	done
	if [ -f "$golden/$n.ladder" ] && cmp -s "$tmp/a-$n/ladder.txt" "$golden/$n.ladder"; then
		ok
	elif [ "$n" != demo ]; then
		bad "$n: run's ladder.txt is not the golden ladder"
	fi
done
# The ladder pictures: SVG, PNG and PDF, byte-identical run after run.
for f in "$top_srcdir/scenarios/demo.xml" "$top_srcdir/scenarios/features/nat-check-ip.xml"; do
	n=$(basename "$f" .xml)
	expect 0 "pictures of $n" "$OSSIM" run "$f" -o "$tmp/p1-$n"
	expect 0 "pictures of $n again" "$OSSIM" run "$f" --format svg,png,pdf -o "$tmp/p2-$n"
	for out in ladder.svg ladder.png ladder.pdf; do
		if [ -s "$tmp/p1-$n/$out" ] && cmp -s "$tmp/p1-$n/$out" "$tmp/p2-$n/$out"; then
			ok
		else
			bad "$n: $out missing or different between runs"
		fi
	done
	has "$tmp/p1-$n/ladder.svg" "OfficeServ" "the OfficeServ lane in $n's SVG"
	head -c 8 "$tmp/p1-$n/ladder.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' &&
		ok || bad "$n: ladder.png is no PNG"
done
has "$tmp/p1-nat-check-ip/ladder.svg" "nat: private address not routed" "the NAT drop in the SVG"
expect 0 "run --format svg" "$OSSIM" run "$top_srcdir/scenarios/features/busy.xml" --format svg -o "$tmp/svg-only"
absent "$tmp/svg-only/ladder.png" "--format svg wrote a PNG"
expect 2 "run --format gif" "$OSSIM" run "$top_srcdir/scenarios/features/busy.xml" --format gif -o "$tmp/bad-out"
absent "$tmp/bad-out" "run with a bad format"

# Another seed gives the same flow here (no loss, no jitter) but says so in the title.
expect 0 "run with --seed" "$OSSIM" run "$top_srcdir/scenarios/features/busy.xml" --seed 7 --format none -o "$tmp/seed"
has "$tmp/seed/ladder.txt" "^# busy \\(seed 7\\)" "the seed in the ladder's title"

# ---- `ossim` alone runs the demo: ./ossim-out written, the ladder printed ----
mkdir -p "$tmp/cwd"
( cd "$tmp/cwd" && "$OSSIM" >"$tmp/demo.out" 2>"$tmp/demo.err" )
if [ $? -eq 0 ] && [ -f "$tmp/cwd/ossim-out/ladder.txt" ] &&
   grep -q '^# demo (seed 1)$' "$tmp/demo.out" &&
   head -n "$(wc -l <"$tmp/cwd/ossim-out/ladder.txt")" "$tmp/demo.out" |
   cmp -s - "$tmp/cwd/ossim-out/ladder.txt"; then
	ok
else
	bad "ossim without arguments did not run and print the demo"
	sed 's/^/  | /' "$tmp/demo.err" | head -20
fi
for out in messages.txt sip-phone-status.txt access-information.txt run.log metrics.json; do
	if cmp -s "$tmp/cwd/ossim-out/$out" "$tmp/a-demo/$out"; then
		ok
	else
		bad "the demo's $out differs from ossim run's"
	fi
done
has "$tmp/cwd/ossim-out/access-information.txt" "SIP REGISTER AUTH Invalid" \
	"the demo's wrong password in Access Information"
has "$tmp/cwd/ossim-out/sip-phone-status.txt" "^ *2001 +Registered " "the demo's status view"

# ---- capture.pcap: tshark reads it without a malformed packet and counts what the ladder
# draws (every SIP row; keep-alives are not SIP) ----
if command -v tshark >/dev/null 2>&1; then
	for f in $features "$top_srcdir/scenarios/demo.xml"; do
		n=$(basename "$f" .xml)
		cap=$tmp/a-$n/capture.pcap
		broken=$(tshark -r "$cap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
			-Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l)
		sip=$(tshark -r "$cap" -Y sip 2>/dev/null | wc -l)
		stat=$(tshark -r "$cap" -q -z sip,stat 2>/dev/null |
			awk '/Number of SIP messages:/ { print $NF }')
		# A datagram's arrow is drawn with '-' (RTP with '=' or '.', TDM signals '~').
		rows=$(grep -Ec '^ *[0-9]+\.[0-9]{3}  .*--' "$tmp/a-$n/ladder.txt")
		keep=$(grep -c 'keep-alive' "$tmp/a-$n/ladder.txt")
		want=$((rows - keep))
		if [ "$broken" -eq 0 ] && [ "$sip" -eq "$want" ] && [ "$stat" = "$want" ]; then
			ok
		else
			bad "$n: tshark: $broken bad packets, $sip SIP frames, sip,stat $stat;" \
				"the ladder has $want SIP rows"
		fi
	done
else
	echo "tshark not found: the capture checks are skipped"
fi

# ---- metrics: every model, replications, independent of --jobs ----
mgi=$top_srcdir/scenarios/features/mgi-exhausted.xml
expect 0 "run --os-model all -r 3 -j 2" "$OSSIM" run "$mgi" --os-model all -r 3 -j 2 --format none -o "$tmp/m1"
has "$tmp/out" "^metric +OS7030 +OS7100 +OS7200S +OS7200-MP20 +OS7400\$" "a column per model"
expect 0 "run --os-model all -r 3 -j 1" "$OSSIM" run "$mgi" --os-model all -r 3 -j 1 --format none -o "$tmp/m2"
for out in metrics.json metrics.csv ladder.txt; do
	if cmp -s "$tmp/m1/$out" "$tmp/m2/$out"; then
		ok
	else
		bad "$out depends on --jobs"
	fi
done
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["replications"] == 3 and len(d["models"]) == 5' "$tmp/m1/metrics.json"; then
	ok
else
	bad "metrics.json is not the expected JSON"
fi
# csv_value MODEL METRIC: the mean of METRIC for MODEL in $tmp/m1/metrics.csv
csv_value() {
	awk -F, -v m="$1" -v k="$2" '$1 == m && $2 == k { print $3 }' "$tmp/m1/metrics.csv"
}
# OS7100: one licensed inbuilt MGI port (MGI-06), held 2.002-10.002 s and 12.002-18.000 s
# of 30 s: mean 13.998 / 30; the second call is refused (MGI-09).
for row in "OS7100 calls.failed.mgi 1" "OS7100 calls.answered 2" "OS7100 mgi.capacity 1" \
	   "OS7100 mgi.max 1" "OS7200-MP20 mgi.capacity 0" "OS7200-MP20 calls.failed.mgi 3" \
	   "OS7100 registrations.ok 2" "OS7100 registrations.challenged 2"; do
	set -- $row
	if [ "$(csv_value "$1" "$2")" = "$3" ]; then
		ok
	else
		bad "$1 $2 = $(csv_value "$1" "$2"), expected $3"
	fi
done
if awk -v x="$(csv_value OS7100 mgi.mean)" 'BEGIN { d = x - 13.998 / 30; exit !(d < 1e-12 && d > -1e-12) }'; then
	ok
else
	bad "OS7100 mgi.mean = $(csv_value OS7100 mgi.mean), expected 13.998/30"
fi
expect 2 "run --os-model with an unknown model" "$OSSIM" run "$mgi" --os-model OS9999 -o "$tmp/bad-out"
has "$tmp/err" "OS9999 is not an OfficeServ model" "unknown model message"
absent "$tmp/bad-out" "run with an unknown model"
expect 2 "run with no replications" "$OSSIM" run "$mgi" --replications 0 -o "$tmp/bad-out"
expect 2 "run with no jobs" "$OSSIM" run "$mgi" --jobs 0 -o "$tmp/bad-out"
absent "$tmp/bad-out" "run with bad counts"

# ---- --calls: the ladder narrowed to chosen calls (the block docs/flows/README.md shows) ----
demo=$top_srcdir/scenarios/demo.xml
expect 0 "run --calls 2" "$OSSIM" run "$demo" --calls 2 --format svg -o "$tmp/calls2"
awk '/^<!-- narrowed: demo --calls 2 -->$/ { on = 1; next }
     on == 1 && /^```$/ { if (++fence == 2) exit; next }
     on == 1 && fence == 1 { print }' "$top_srcdir/docs/flows/README.md" >"$tmp/calls2.want"
if [ -s "$tmp/calls2.want" ] && cmp -s "$tmp/calls2.want" "$tmp/calls2/ladder.txt"; then
	ok
else
	bad "demo --calls 2: ladder.txt differs from the block in docs/flows/README.md"
	diff "$tmp/calls2.want" "$tmp/calls2/ladder.txt" | head -20
fi
absent_line() { if grep -q -- "$2" "$1"; then bad "$3"; else ok; fi; }
absent_line "$tmp/calls2/ladder.txt" "REGISTER" "a narrowed ladder shows no REGISTER"
absent_line "$tmp/calls2/ladder.svg" "INVITE 2002" "the narrowed picture shows no other call"
has "$tmp/calls2/ladder.svg" "INVITE 201" "the narrowed picture shows call 2"
# messages.txt and the capture stay whole
if cmp -s "$tmp/calls2/messages.txt" "$tmp/a-demo/messages.txt" &&
   cmp -s "$tmp/calls2/capture.pcap" "$tmp/a-demo/capture.pcap"; then
	ok
else
	bad "--calls changed messages.txt or capture.pcap"
fi
expect 0 "run --calls 3,1" "$OSSIM" run "$demo" --calls 3,1 --format none -o "$tmp/calls31"
has "$tmp/calls31/ladder.txt" "^# demo \(seed 1\), calls 3, 1$" "the title names the calls"
has "$tmp/calls31/ladder.txt" "INVITE 2002" "call 1 is there"
has "$tmp/calls31/ladder.txt" "486 Busy Here" "call 3 is there"
absent_line "$tmp/calls31/ladder.txt" "INVITE 201" "call 2 is not"
expect 2 "run --calls 4 (the demo has 3)" "$OSSIM" run "$demo" --calls 4 -o "$tmp/calls4"
has "$tmp/err" "--calls 4: the run has 3 calls" "--calls 4 says how many calls there are"
absent "$tmp/calls4" "run --calls 4"
for v in 0 x 1,,2 -1 ""; do
	expect 2 "run --calls '$v'" "$OSSIM" run "$demo" --calls "$v" -o "$tmp/calls-bad"
	absent "$tmp/calls-bad" "run --calls '$v'"
done

# ---- a changed golden file fails with a unified diff; --update rewrites it ----
mkdir -p "$tmp/golden"
cp "$golden/busy.ladder" "$tmp/golden/busy.ladder"
sed -i 's/486 Busy Here/480 Temporarily Unavailable/' "$tmp/golden/busy.ladder"
expect 1 "check against a changed golden file" "$OSSIM" check --golden "$tmp/golden" \
	"$top_srcdir/scenarios/features/busy.xml"
has "$tmp/out" "FAIL: the ladder differs from" "the failure line"
has "$tmp/out" "^-.*480 Temporarily Unavailable" "the golden side of the diff"
has "$tmp/out" "^\\+.*486 Busy Here" "the run's side of the diff"
has "$tmp/out" "^@@ -[0-9]+(,[0-9]+)? \\+[0-9]+(,[0-9]+)? @@" "a hunk header"
expect 0 "check --update" "$OSSIM" check --update --golden "$tmp/golden" \
	"$top_srcdir/scenarios/features/busy.xml"
if cmp -s "$tmp/golden/busy.ladder" "$golden/busy.ladder"; then
	ok
else
	bad "--update did not restore the golden ladder"
fi
expect 1 "check without a golden file" "$OSSIM" check --golden "$tmp/nowhere" \
	"$top_srcdir/scenarios/features/busy.xml"
has "$tmp/out" "no golden ladder" "the missing golden message"

# ---- bad input: exit 2, FILE:LINE, nothing written ----
d=$top_srcdir/tests/data/scenarios/bad
nbad=0
for f in "$d"/*.xml; do
	nbad=$((nbad + 1))
	expect 2 "run $f" "$OSSIM" run "$f" -o "$tmp/bad-out"
	if [ "$(basename "$f")" = empty.xml ] || [ "$(basename "$f")" = blank.xml ]; then
		has "$tmp/err" "^$f(:[0-9]+)?: " "file message for $f"
	else
		has "$tmp/err" "^$f:[0-9]+: " "file:line message for $f"
	fi
	absent "$tmp/bad-out" "run $f"
	expect 2 "check $f" "$OSSIM" check --golden "$tmp/bad-golden" "$f"
	absent "$tmp/bad-golden" "check $f"
done
[ "$nbad" -ge 20 ] && ok || { bad "only $nbad bad inputs"; }
expect 2 "run a missing file" "$OSSIM" run "$d/no-such-file.xml" -o "$tmp/bad-out"
has "$tmp/err" "no-such-file.xml: no such file" "missing file message"
absent "$tmp/bad-out" "run a missing file"
expect 2 "run an action this version cannot simulate" "$OSSIM" run \
	"$top_srcdir/tests/data/scenarios/unsupported-hold.xml" -o "$tmp/bad-out"
has "$tmp/err" "unsupported-hold.xml:[0-9]+: <hold> cannot be simulated yet" "unsupported action"
absent "$tmp/bad-out" "run an unsupported action"
expect 2 "run without a scenario" "$OSSIM" run
expect 2 "run with two scenarios" "$OSSIM" run a.xml b.xml
expect 2 "run with a bad seed" "$OSSIM" run "$top_srcdir/scenarios/demo.xml" --seed lots
expect 2 "run with an unknown option" "$OSSIM" run --frobnicate "$top_srcdir/scenarios/demo.xml"
expect 2 "check without a scenario" "$OSSIM" check
expect 0 "run --help" "$OSSIM" run --help
expect 0 "check --help" "$OSSIM" check --help

finish
