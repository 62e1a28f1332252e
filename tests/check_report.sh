#!/bin/sh
# check_report.sh - what `ossim run` draws, from the outside: the demo and every shipped
# scenario write the ladder pictures, the capture, the metrics and report.html, all
# byte-identical on a rerun; the report does not depend on --jobs and parses as XML (xmllint,
# where installed); --format picks it like the pictures. Where Debian's chromium is installed,
# a headless browser opens reports with every host name unresolvable and a probe script
# appended (to a copy: the report itself has no script) that says whether the ladder image
# decoded, how many charts laid out with visible content, how many data marks (lines, bars)
# have ink, and whether anything was fetched.
# Run by `make check` with OSSIM and top_srcdir set.
: "${OSSIM:=./ossim}"
: "${top_srcdir:=.}"
test_name=check_report
. "$top_srcdir/tests/testlib.sh"

scenarios="$(ls "$top_srcdir"/scenarios/features/*.xml) $top_srcdir/scenarios/demo.xml"
mgi=$top_srcdir/scenarios/features/mgi-exhausted.xml
xmllint=$(command -v xmllint || true)

# ---- every scenario: every output (pictures and report included), the same bytes twice ----
for f in $scenarios; do
	n=$(basename "$f" .xml)
	expect 0 "run $n" "$OSSIM" run "$f" -o "$tmp/a-$n"
	expect 0 "run $n again" "$OSSIM" run "$f" -o "$tmp/b-$n"
	for out in ladder.txt ladder.svg ladder.png ladder.pdf messages.txt capture.pcap \
		   metrics.json metrics.csv report.html; do
		if [ -s "$tmp/a-$n/$out" ] && cmp -s "$tmp/a-$n/$out" "$tmp/b-$n/$out"; then
			ok
		else
			bad "$n: $out missing, empty or different on a rerun"
		fi
	done
	r=$tmp/a-$n/report.html
	has "$r" '<img class="ladder" alt="[^"]*" src="data:image/svg\+xml;base64,' \
		"$n: the ladder picture embedded"
	has "$r" "<h1>$n</h1>" "$n: the title"
	charts=$(grep -o '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' "$r" | wc -l)
	if [ "$charts" -eq 4 ]; then ok; else bad "$n: $charts charts, expected 4"; fi
	if [ -n "$xmllint" ]; then
		if "$xmllint" --noout --nonet "$r" 2>"$tmp/xmllint"; then
			ok
		else
			bad "$n: report.html is not well-formed"
			head -5 "$tmp/xmllint"
		fi
	fi
done
[ -n "$xmllint" ] || echo "xmllint not found: the well-formedness checks are skipped"

# ---- --format ----
expect 0 "run --format html" "$OSSIM" run "$mgi" --format html -o "$tmp/html"
has "$tmp/html/report.html" '<img class="ladder"' "--format html: the ladder in the page"
absent "$tmp/html/ladder.svg" "--format html wrote ladder.svg"
absent "$tmp/html/ladder.png" "--format html wrote ladder.png"
expect 0 "run --format none" "$OSSIM" run "$mgi" --format none -o "$tmp/none"
absent "$tmp/none/report.html" "--format none wrote report.html"
expect 0 "run --format svg" "$OSSIM" run "$mgi" --format svg -o "$tmp/svg"
absent "$tmp/svg/report.html" "--format svg wrote report.html"
expect 0 "run --format svg,html" "$OSSIM" run "$mgi" --format svg,html -o "$tmp/svghtml"
# the SVG in the page is the very file ladder.svg
if sed -n 's/.*src="data:image\/svg+xml;base64,\([^"]*\)".*/\1/p' "$tmp/svghtml/report.html" |
   base64 -d 2>/dev/null | cmp -s - "$tmp/svghtml/ladder.svg"; then
	ok
else
	bad "the report's ladder differs from ladder.svg"
fi
has "$tmp/out" "report\.html" "the run lists report.html among what it wrote"
# a later run into the same directory removes what it was not asked to draw
expect 0 "rerun --format none into the same directory" "$OSSIM" run "$mgi" --format none -o "$tmp/svghtml"
absent "$tmp/svghtml/report.html" "an earlier report.html"
absent "$tmp/svghtml/ladder.svg" "an earlier ladder.svg"
has "$tmp/svghtml/ladder.txt" "^# mgi-exhausted" "the rerun's ladder"

# ---- every model, replications: six charts, the same page for any number of jobs ----
expect 0 "all models -j 1" "$OSSIM" run "$mgi" --os-model all -r 3 -j 1 --format html -o "$tmp/m1"
expect 0 "all models -j 2" "$OSSIM" run "$mgi" --os-model all -r 3 -j 2 --format html -o "$tmp/m2"
if cmp -s "$tmp/m1/report.html" "$tmp/m2/report.html"; then ok; else bad "report.html depends on --jobs"; fi
charts=$(grep -o 'class="chart"' "$tmp/m1/report.html" | wc -l)
if [ "$charts" -eq 6 ]; then ok; else bad "all models: $charts charts, expected 6"; fi
has "$tmp/m1/report.html" '<th class="model">OS7030</th><th class="model">OS7100</th>' \
	"a column per model"
has "$tmp/m1/report.html" 'over 3 independent replications' "the confidence-interval note"

# ---- in a browser ----
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chromium" ]; then
	cat >"$tmp/probe.js" <<'EOF'
<script>
window.addEventListener('load', function () {
  var img = document.querySelector('img.ladder');
  var charts = document.querySelectorAll('svg.chart');
  var drawn = 0, inked = 0;
  charts.forEach(function (c) {
    var box = c.getBoundingClientRect(), content = c.getBBox();
    if (box.width > 0 && box.height > 0 && content.width > 0 && content.height > 0) drawn++;
    c.querySelectorAll('path.series, rect.bar').forEach(function (m) {
      var b = m.getBBox();
      if (b.width > 0 || b.height > 0) inked++;
    });
  });
  var fetched = performance.getEntriesByType('resource').filter(function (e) {
    return !/^data:/.test(e.name);
  }).length;
  var p = document.createElement('pre');
  p.textContent = 'PROBE ladder=' + (img && img.complete ? img.naturalWidth + 'x' +
    img.naturalHeight : 'none') + ' charts=' + charts.length + ' drawn=' + drawn +
    ' fetched=' + fetched + ' marks=' + inked;
  document.body.appendChild(p);
});
</script>
EOF
	for case in demo:a-demo:4 nat-check-ip:a-nat-check-ip:4 all-models:m1:6; do
		name=${case%%:*}; rest=${case#*:}; dir=${rest%%:*}; want=${rest#*:}
		# The probe goes in just before </body>, in a copy.
		awk -v probe="$tmp/probe.js" '/^<\/body>$/ { while ((getline l < probe) > 0) print l }
			{ print }' "$tmp/$dir/report.html" >"$tmp/$dir/probe.html"
		timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
			--no-first-run --disable-crash-reporter --user-data-dir="$tmp/chromium" \
			--host-resolver-rules="MAP * ~NOTFOUND" --virtual-time-budget=5000 \
			--dump-dom "file://$tmp/$dir/probe.html" >"$tmp/dom" 2>"$tmp/chromium.err"
		probe=$(grep -o 'PROBE ladder=[0-9n][^<]*' "$tmp/dom" || true)
		echo "chromium, $name: ${probe:-no probe line}"
		w=$(echo "$probe" | sed -n 's/.*ladder=\([0-9]*\)x\([0-9]*\).*/\1/p')
		h=$(echo "$probe" | sed -n 's/.*ladder=\([0-9]*\)x\([0-9]*\).*/\2/p')
		if [ -n "$w" ] && [ "$w" -gt 300 ] && [ "$h" -gt 300 ]; then
			ok
		else
			bad "$name: the browser did not decode the ladder picture (${probe:-no probe})"
			head -5 "$tmp/chromium.err"
		fi
		case "$probe" in
		*" charts=$want drawn=$want fetched=0 marks=0") bad "$name: no chart has a mark" ;;
		*" charts=$want drawn=$want fetched=0 marks="*) ok ;;
		*) bad "$name: expected $want charts drawn and nothing fetched: ${probe:-no probe}" ;;
		esac
	done
else
	echo "chromium not found: the browser checks are skipped"
fi

finish
