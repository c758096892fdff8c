#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Opens an HTML page of mmdemo (make demo's tour.html) in headless
# Chromium, as a reader would, at 1280 px and 390 px wide, and checks:
# no console errors; every drawing has a non-empty box, a title and a
# text alternative; no drawing's text leaves its drawing, no text leaves
# its box, and the page never scrolls sideways.  Screenshots of both
# widths are kept beside the page.
#
#   browser-test.sh PAGE.html
#
# Writes PAGE's directory's browser-test.log and browser-result (one line
# "PASSED FAILED", as check.sh reads it).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

page=$(readlink -f "$1")
dir=$(dirname "$page")
log=$dir/browser-test.log result=$dir/browser-result
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
exec > >(tee "$log") 2>&1
command -v chromium >/dev/null || die "chromium is missing: run scripts/install-deps.sh"

check() { # check NAME COND...
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1)); echo "ok: $name"
	else
		failed=$((failed + 1)); echo "FAIL: $name"
	fi
}

# The page's own measurements, taken by a script added to a copy of it
# (the page itself has none) and left in the DOM for --dump-dom.
probe='<script>
(function () {
	var out = [], W = window.innerWidth;
	function fail(what) { out.push(what); }
	function inside(a, b) {
		return a.left >= b.left - 1 && a.right <= b.right + 1 &&
			a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
	}
	var svgs = document.querySelectorAll("svg:not(.defs)");
	svgs.forEach(function (svg, i) {
		var r = svg.getBoundingClientRect(), name = "drawing " + (i + 1);
		if (!(r.width > 0 && r.height > 0))
			fail(name + ": empty box");
		var t = svg.querySelector("title"), d = svg.querySelector("desc");
		if (!t || !t.textContent.trim() || !d || !d.textContent.trim())
			fail(name + ": no title or text alternative");
		var ids = (svg.getAttribute("aria-labelledby") || "").split(" ");
		if (!t || ids.indexOf(t.id) < 0 || !d || ids.indexOf(d.id) < 0)
			fail(name + ": aria-labelledby does not name its title and desc");
		svg.querySelectorAll("text").forEach(function (x) {
			if (!inside(x.getBoundingClientRect(), r))
				fail(name + ": text leaves the drawing: " + x.textContent);
		});
	});
	document.querySelectorAll("h1, h2, p, figcaption, figure, pre, section").forEach(function (e) {
		var r = e.getBoundingClientRect();
		if (r.right > W + 1)
			fail(e.tagName + " leaves the page: " + e.textContent.slice(0, 40));
		if (e.tagName != "PRE" && e.scrollWidth > e.clientWidth + 1)
			fail(e.tagName + " overflows its box: " + e.textContent.slice(0, 40));
	});
	if (document.documentElement.scrollWidth > W + 1)
		fail("the page scrolls sideways (" + document.documentElement.scrollWidth + " > " + W + ")");
	var res = document.createElement("pre");
	res.id = "probe-result";
	res.textContent = "drawings " + svgs.length + " height " +
		document.documentElement.scrollHeight + "\n" + out.join("\n");
	document.body.appendChild(res);
})();
</script>'

browser() { # browser ARGS...: headless Chromium as root can only run so
	timeout 120 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
		--no-first-run --user-data-dir="$work/profile" "$@"
}

{
	sed -e '/^<\/body>$/d' -e '/^<\/html>$/d' "$page"
	printf '%s\n</body>\n</html>\n' "$probe"
} >"$work/probe.html"
for width in 1280 390; do
	browser --window-size="$width,2000" --enable-logging=stderr --v=0 \
		--virtual-time-budget=3000 --dump-dom "file://$page" >"$work/plain.dom" 2>"$work/console-$width.log"
	errors=$(grep -E 'CONSOLE|Uncaught|Failed to load' "$work/console-$width.log" || true)
	check "$width px: no console errors" test -z "$errors"
	[ -z "$errors" ] || echo "$errors" | head -n 5
	browser --window-size="$width,2000" --virtual-time-budget=3000 --dump-dom \
		"file://$work/probe.html" >"$work/probe-$width.dom" 2>/dev/null
	res=$(sed -n '/<pre id="probe-result">/,/<\/pre>/p' "$work/probe-$width.dom" |
		sed -e 's/<[^>]*>//g')
	head=$(head -n 1 <<<"$res")
	n=$(awk '{ print $2 }' <<<"$head") height=$(awk '{ print $4 }' <<<"$head")
	problems=$(tail -n +2 <<<"$res" | grep . || true)
	check "$width px: the page loads and has its drawings (${n:-none})" test "${n:-0}" -ge 8
	check "$width px: every drawing has a box, a title and a text alternative; no text overflows" \
		test -z "$problems"
	[ -z "$problems" ] || echo "$problems" | head -n 10
	browser --window-size="$width,${height:-2000}" --screenshot="$dir/tour-$width.png" \
		"file://$page" >/dev/null 2>&1
	check "$width px: screenshot $dir/tour-$width.png" test -s "$dir/tour-$width.png"
done
echo "$passed $failed" >"$result"
echo "browser-test: $passed passed, $failed failed ($log)"
[ "$failed" -eq 0 ]
