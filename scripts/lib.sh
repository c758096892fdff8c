# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts in this directory; sourced, not run.

# Everything built outside the clone (kernel source, debug kernel, tools)
# lives here, so a fresh clone reuses it.
MMDEMO_CACHE=${MMDEMO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mmdemo}
KSRC_TARBALL=${KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

die() { echo "${0##*/}: $*" >&2; exit 1; }
note() { echo "${0##*/}: $*" >&2; }

# Prints the extracted linux-source tree, extracting it on first use.
kernel_source() {
	local name dir
	[ -r "$KSRC_TARBALL" ] || die "$KSRC_TARBALL is missing: run scripts/install-deps.sh"
	name=$(basename "$KSRC_TARBALL" .tar.xz)
	dir=$MMDEMO_CACHE/src/$name
	# The stamp records which tarball the tree came from.
	if [ "$(cat "$dir/.mmdemo-tarball" 2>/dev/null)" != "$(stat -c '%s %Y' "$KSRC_TARBALL")" ]; then
		note "extracting $KSRC_TARBALL into $MMDEMO_CACHE/src (once)"
		rm -rf "$dir"
		mkdir -p "$MMDEMO_CACHE/src"
		tar -xJf "$KSRC_TARBALL" -C "$MMDEMO_CACHE/src" || die "cannot extract $KSRC_TARBALL"
		stat -c '%s %Y' "$KSRC_TARBALL" >"$dir/.mmdemo-tarball"
	fi
	echo "$dir"
}
