#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks 'make install' and 'make uninstall' in a staging root, for
# PREFIX=/usr and the default /usr/local: the files installed are exactly
# dist/install-files.txt, the module's modinfo version is the project's,
# 'install.sh list' names the same files, and uninstall leaves no file.
#
#   install-check.sh KDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

KDIR=${1:?usage: install-check.sh KDIR}
export KDIR
kver=$(kernel_release "$KDIR")
version=$(cat "$top/VERSION")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

make -s --no-print-directory -C "$top/kmod" KDIR="$KDIR" >/dev/null
make -s --no-print-directory -C "$top/user" >/dev/null
# A file list, sorted, with the module's compression suffix dropped.
normalized() { sed 's/mmdemo\.ko\.\(xz\|zst\|gz\)$/mmdemo.ko/' | sort; }
# The files under the stage, as absolute paths.
staged() { (cd "$stage" && find . -type f -o -type l) | sed 's|^\.||' | normalized; }
for prefix in /usr /usr/local; do
	rm -rf "${stage:?}"/*
	env=(DESTDIR="$stage")
	[ "$prefix" = /usr/local ] || env+=(PREFIX="$prefix")
	env "${env[@]}" "$here/install.sh" install 2>/dev/null
	want=$(grep -v '^#' "$top/dist/install-files.txt" |
		sed -e "s|@KVER@|$kver|" -e "s|@PREFIX@|$prefix|" | sort)
	diff -u <(echo "$want") <(staged) >"$stage.diff" ||
		{ cat "$stage.diff"; rm -f "$stage.diff"; die "PREFIX=$prefix: installed files differ from dist/install-files.txt"; }
	rm -f "$stage.diff"
	diff -u <(echo "$want") <(env "${env[@]}" "$here/install.sh" list | normalized) ||
		die "PREFIX=$prefix: 'install.sh list' is not what install put down"
	ko=$(ls "$stage/lib/modules/$kver/updates/"mmdemo.ko*)
	got=$(/sbin/modinfo -F version "$ko")
	[ "$got" = "$version" ] || die "the installed module says version '$got', the project $version"
	env "${env[@]}" "$here/install.sh" uninstall 2>/dev/null
	left=$(cd "$stage" && find . -type f -o -type l)
	[ -z "$left" ] || die "PREFIX=$prefix: uninstall left: $left"
	echo "install-check: PREFIX=$prefix: $(echo "$want" | wc -l) files installed as listed, module version $got for $kver, uninstall left none"
done
