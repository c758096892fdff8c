#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the Debian packages with dpkg-buildpackage -us -uc from a copy of
# the source (the build writes beside the source directory), then runs
# lintian on them: any error or warning fails, overrides carry a reason.
#
#   build-debs.sh [OUTDIR]      (default build/deb)
#
# Prints the .deb files it made, one per line, last.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

out=${1:-${MMDEMO_BUILD:-$top/build}/deb}
version=$(cat "$top/VERSION")
for tool in dpkg-buildpackage dh lintian; do
	command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-deps.sh"
done
# One version everywhere: debian/changelog's is the project's.
deb_version=$(cd "$top" && dpkg-parsechangelog -S Version)
[ "$deb_version" = "$version" ] ||
	die "debian/changelog says $deb_version, VERSION says $version: add a changelog entry"

rm -rf "$out"
src=$out/mmdemo-$version
mkdir -p "$src"
# The files of the project, not what a build left in the tree.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$src"
else
	tar -C "$top" --exclude=./build --exclude-vcs -cf - . | tar -xf - -C "$src"
fi

note "dpkg-buildpackage -us -uc in $src (log: $out/build.log)"
(cd "$src" && dpkg-buildpackage -us -uc) >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; die "dpkg-buildpackage failed ($out/build.log)"; }
changes=$out/mmdemo_${version}_$(dpkg --print-architecture).changes
note "lintian $(basename "$changes")"
lintian --fail-on error,warning --display-info --display-experimental --pedantic \
	"$changes" >"$out/lintian.log" 2>&1 || {
	cat "$out/lintian.log" >&2
	die "lintian reports errors or warnings ($out/lintian.log)"
}
grep -E '^[EWIPX]: ' "$out/lintian.log" | sed 's/^/lintian: /' >&2 || true
note "lintian: $(grep -cE '^[EW]: ' "$out/lintian.log" || true) errors or warnings"
ls "$out"/*.deb
