#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prints the path of the arm64 sysroot the tool, library and selftests are
# cross-built against and the arm64 guest runs them with, making it once:
# Debian 12's own arm64 packages of what they link (libkmod, json-c, and
# what those need), the C library they run on, busybox and tmux, fetched
# with private apt lists and unpacked with dpkg-deb -x (nothing is
# installed; the host's apt and dpkg state stay as they are).
#
# They are bookworm's, the host's suite, so that they match the glibc of
# Debian's cross compiler (libc6-dev-arm64-cross).  Debian 12 is usrmerged
# at install time only: its packages still ship /lib, which is kept, and
# absolute symlinks (libkmod.so -> /lib/...) are made relative so that
# they resolve inside the sysroot.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

suite=bookworm
pkgs=(
	# what guest programs run on
	libc6 libgcc-s1
	# libmmdemo loads the module with libkmod, which opens .ko.xz and
	# .ko.zst modules and checks signatures
	libkmod2 libkmod-dev liblzma5 libzstd1 libssl3
	# the tool writes JSON, the tool tests read it
	libjson-c5 libjson-c-dev
	# the guest's shell and make shell's terminal multiplexer
	busybox-static tmux libevent-core-2.1-7 libtinfo6 libutempter0
)
out=$MMDEMO_CACHE/arm64/sysroot
cache_lock arm64-sysroot
key=$(printf '%s\n' "$suite" "${pkgs[@]}" | cat - "$0" | sha256sum | cut -c1-16)
if [ "$(cat "$out/.mmdemo-key" 2>/dev/null)" = "$key" ]; then
	echo "$out"
	exit 0
fi

apt=$MMDEMO_CACHE/apt-arm64-$suite
note "fetching Debian $suite's arm64 ${pkgs[*]} into $out"
private_apt_update "$apt" "$suite" "" arm64
rm -rf "$out" "$apt/deb"
mkdir -p "$out" "$apt/deb"
(cd "$apt/deb" && private_apt "$apt" apt-get download "${pkgs[@]}") >"$apt/download.log" 2>&1 ||
	{ cat "$apt/download.log" >&2; die "cannot download Debian $suite's arm64 ${pkgs[*]}"; }
for deb in "$apt"/deb/*.deb; do
	dpkg-deb -x "$deb" "$out" || die "cannot unpack $deb"
done
find "$out" -type l -lname '/*' | while read -r l; do
	t=$(readlink "$l")
	ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$out$t")" "$l"
done
ls "$apt"/deb/*.deb | xargs -n1 basename >"$out/.mmdemo-packages"
rm -rf "$apt/deb"
echo "$key" >"$out/.mmdemo-key"
echo "$out"
