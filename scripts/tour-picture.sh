#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The README's picture: the MAP_PRIVATE drawing of a tour page (make
# demo's build/tour/<kernel>/tour.html) as a standalone SVG, with the
# page's shared definitions (arrow, hatch) and its style.
#
#   tour-picture.sh TOUR.html OUT.svg
set -euo pipefail
html=$1 out=$2
defs=$(sed -n '/<svg class="defs"/,/<\/defs><\/svg>/p' "$html" | sed -e '1s/.*<defs>/<defs>/' -e 's/<\/svg>$//')
fig=$(sed -n '/^<svg .*aria-labelledby="d-steps-5-private-t/,/^<\/svg>/p' "$html")
[ -n "$fig" ] || { echo "tour-picture.sh: no MAP_PRIVATE drawing in $html" >&2; exit 1; }
{
	head -n 1 <<<"$fig" | sed 's|<svg |<svg xmlns="http://www.w3.org/2000/svg" |'
	echo '<rect width="100%" height="100%" fill="#fff"/>'
	echo "$defs"
	tail -n +2 <<<"$fig"
} >"$out"
