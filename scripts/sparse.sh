#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prints the path of the sparse that lint.sh runs: the installed one if the
# newest kernel's scripts/checker-valid.sh accepts it, else one built once
# from Debian $SPARSE_SUITE's source package (see lib.sh) into
# $MMDEMO_CACHE/sparse.  Kbuild silently skips C=2 with a sparse that
# checker-valid.sh refuses, so "sparse clean" would otherwise mean nothing.
#
#   sparse.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

src=$(kernel_source "$NEWEST_SERIES")
accepted() { [ "$(sh "$src/scripts/checker-valid.sh" "$1" 2>/dev/null)" = 1 ]; }

if command -v sparse >/dev/null && accepted sparse; then
	command -v sparse
	exit 0
fi

dir=$MMDEMO_CACHE/sparse
bin=$dir/bin/sparse
cache_lock sparse
if [ -x "$bin" ] && accepted "$bin"; then
	echo "$bin"
	exit 0
fi

note "the installed sparse cannot check against $NEWEST_SERIES; building sparse from Debian $SPARSE_SUITE's source package into $dir (once)"
private_apt_update "$dir/apt" "$SPARSE_SUITE" deb-src
rm -rf "$dir/dl" "$dir/build"
mkdir -p "$dir/dl" "$dir/build"
# Only the upstream tarball is used: Debian's patches pick its own
# compiler version and linker flags, which do not apply here.
(cd "$dir/dl" && private_apt "$dir/apt" apt-get source --download-only sparse) \
	>"$dir/download.log" 2>&1 ||
	{ cat "$dir/download.log" >&2; die "cannot download sparse's source from Debian $SPARSE_SUITE"; }
orig=$(ls "$dir/dl"/sparse_*.orig.tar.*)
tar -xf "$orig" -C "$dir/build" --strip-components=1 || die "cannot extract $orig"
make -C "$dir/build" -j"$(nproc)" sparse >"$dir/build.log" 2>&1 ||
	{ tail -n 20 "$dir/build.log" >&2; die "building sparse failed ($dir/build.log)"; }
install -D -m 755 "$dir/build/sparse" "$bin"
basename "$orig" >"$dir/bin/source"
accepted "$bin" || die "$NEWEST_SERIES's checker-valid.sh refuses the sparse built from $orig too"
echo "$bin"
