#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Proves that kmod/ builds in a kernel tree, as README.md describes: kmod/
# becomes drivers/misc/mmdemo/, the UAPI header goes to include/uapi/linux/,
# CONFIG_MMDEMO=m is chosen through Kconfig, and the module is built by
# Kbuild with W=1 and warnings as errors.
#
# The tree is an overlay of symlinks onto a cached linux-source, so the
# pristine source (shared with the test kernels) is never modified.
#
#   check-intree.sh [SERIES...]     default: 6.12 and 7.3 (lib.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

if [ $# -eq 0 ]; then
	set -- "$STABLE_SERIES" "$NEWEST_SERIES"
fi
if [ $# -gt 1 ]; then
	for series; do "$0" "$series" || exit 1; done
	exit 0
fi
src=$(kernel_source "$1")
work=$MMDEMO_CACHE/intree/$1
tree=$work/linux out=$work/build
# open_dir DIR: turn the symlink DIR of the overlay into a real directory
# of symlinks, so that entries inside it can be replaced.
open_dir() {
	local d=$tree/$1 target
	target=$(readlink "$d")
	rm "$d"
	mkdir "$d"
	ln -s "$target"/* "$d/"
}

rm -rf "$tree"
mkdir -p "$work" "$out" "$tree"
ln -s "$src"/* "$src"/.[!.]* "$tree/"
for d in drivers drivers/misc include include/uapi include/uapi/linux; do open_dir "$d"; done

misc=$tree/drivers/misc
for f in Kconfig Makefile; do
	cp --remove-destination "$(readlink -f "$misc/$f")" "$misc/$f"
done
# drivers/misc/Kconfig ends inside its menu: source ours before "endmenu".
sed -i '/^endmenu/i source "drivers/misc/mmdemo/Kconfig"' "$misc/Kconfig"
echo 'obj-$(CONFIG_MMDEMO) += mmdemo/' >>"$misc/Makefile"
mkdir "$misc/mmdemo"
cp "$top"/kmod/*.[ch] "$top/kmod/Kbuild" "$top/kmod/Kconfig" "$top/kmod/Makefile" "$misc/mmdemo/"
cp "$top/include/uapi/linux/mmdemo.h" "$tree/include/uapi/linux/"

kmake=(make -C "$tree" O="$out" ARCH=x86_64 -j"$(nproc)")
command -v ccache >/dev/null && kmake+=(CC="ccache gcc")
{
	"${kmake[@]}" tinyconfig
	"$tree/scripts/config" --file "$out/.config" -e MODULES -m MMDEMO \
		-e DEBUG_FS -e MMDEMO_TEST_HOLD
	"${kmake[@]}" olddefconfig
} >"$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; die "configuring the tree failed"; }
grep -qx 'CONFIG_MMDEMO=m' "$out/.config" || die "Kconfig did not offer MMDEMO=m (log: $work/build.log)"
grep -qx 'CONFIG_MMDEMO_TEST_HOLD=y' "$out/.config" ||
	die "Kconfig did not offer MMDEMO_TEST_HOLD=y (log: $work/build.log)"

# Building the directory compiles and links mmdemo.o through Kbuild; the
# final .ko would need a whole vmlinux for modpost, which adds nothing here.
"${kmake[@]}" W=1 KCFLAGS=-Werror modules_prepare drivers/misc/mmdemo/ \
	>>"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "in-tree build failed"; }
[ -f "$out/drivers/misc/mmdemo/mmdemo.o" ] || die "no mmdemo.o in $out (log: $work/build.log)"
[ -f "$out/drivers/misc/mmdemo/mmdemo_hold.o" ] ||
	die "CONFIG_MMDEMO_TEST_HOLD=y built no mmdemo_hold.o (log: $work/build.log)"
echo "in-tree $1: CONFIG_MMDEMO=m and MMDEMO_TEST_HOLD=y from Kconfig; drivers/misc/mmdemo/ built by Kbuild with W=1 -Werror"
