#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The coverage of kmod/ by one VM run of a module built for gcov
# (build_module in kernels.sh, on a kernel with CONFIG_GCOV_KERNEL): takes
# the counters the guest printed (guest-init.sh) out of OUT/tests.log,
# puts them beside the module's .gcno files in OUT/kmod, and has gcovr
# write the report: DIR/index.html (a page per file, lines and branches)
# and DIR/coverage.json.  Then every line no test reached must be listed,
# with the reason, in scripts/coverage-unreachable.txt
# (coverage-check.py).
#
#   coverage.sh OUT DIR
#
# Prints one line, also written to DIR/summary:
#   kmod/ coverage: lines 96.1% (820/853), branches 86.0% (410/477), 33 lines not reached, all listed
# and lists each line not reached and not listed; exits 1 if there is one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 2 ] || die "usage: coverage.sh OUT DIR"
out=$1 dir=$2
objs=$out/kmod
command -v gcovr >/dev/null || die "gcovr is missing: run scripts/install-deps.sh"

rm -f "$objs"/*.gcda
# "mmdemo-vm: gcov NAME.gcda", base64 lines, "mmdemo-vm: gcov end"; the
# serial lines end in \r\n.
tr -d '\r' <"$out/tests.log" | awk -v dir="$objs" '
	/^mmdemo-vm: gcov end$/ { if (f != "") close(cmd); f = ""; next }
	/^mmdemo-vm: gcov mmdemo[a-z_]*\.gcda$/ {
		f = dir "/" $3; cmd = "base64 -d > \"" f "\""; next
	}
	f != "" { print | cmd }'
ls "$objs"/*.gcda >/dev/null 2>&1 ||
	die "no gcov counters in $out/tests.log (did the guest reach its end?)"

rm -rf "$dir"
mkdir -p "$dir"
# Branches on lines with no code of their own (a closing brace) are the
# compiler's, not the source's.
(cd "$objs" && gcovr --root . --object-directory . --filter '.*\.c$' \
	--exclude-unreachable-branches \
	--html-details "$dir/index.html" --html-title "mmdemo: coverage of kmod/" \
	--json "$dir/coverage.json" .) >"$dir/gcovr.log" 2>&1 ||
	{ cat "$dir/gcovr.log" >&2; die "gcovr failed"; }

rc=0
python3 "$here/coverage-check.py" "$dir/coverage.json" "$objs" "$here/coverage-unreachable.txt" \
	>"$dir/report" || rc=$?
head -n 1 "$dir/report" >"$dir/summary"
cat "$dir/report"
exit "$rc"
