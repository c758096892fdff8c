#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds one of the kernels mmdemo is tested on from a Debian linux-source
# package and prints its build directory, which is also the KDIR to build
# the module against.
#
#   build-kernel.sh NAME | --all
#
# NAME is SERIES (a plain kernel: no sanitizers, THP and what
# selftests/config asks for; the newest series also gcov support,
# kernel-gcov.config, for the coverage of kmod/), debug-SERIES (the same plus KASAN, KFENCE,
# lockdep, DEBUG_VM, kmemleak and fault injection), kcsan-SERIES (the
# plain one plus KCSAN, which excludes KASAN) or arm64-64k-SERIES (the
# plain one for arm64 with 64 KiB pages, cross-compiled), SERIES being one
# of the sources lib.sh names: 6.12 (Debian 12's linux-source-6.12) or 7.3
# (fetched from Debian's backports).  "debug" means debug-6.12.
#
# Each build lives in the cache, outside the clone, and is reused as long
# as the source, this script, the config fragments and the compiler are the
# same.  Kbuild rebuilds incrementally when one of them changes; ccache,
# when installed, makes a rebuild from scratch take seconds, not minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || die "usage: build-kernel.sh SERIES|debug-SERIES|kcsan-SERIES|--all"
if [ "$1" = --all ]; then
	for k in $(built_kernels); do "$0" "$k" || exit 1; done
	exit 0
fi
series=$(built_kernel_series "$1")
name=$1
[ "$name" != debug ] || name=debug-$series
case $series in
"$STABLE_SERIES" | "$NEWEST_SERIES") ;;
*) die "unknown kernel '$1': build $(built_kernels | tr '\n' ' ')" ;;
esac

arch=x86_64 cross= target=bzImage image=arch/x86/boot/bzImage
fragments=("$here/kernel-base.config" "$top/selftests/config")
case $name in
arm64-64k-*)
	arch=arm64 cross=aarch64-linux-gnu- target=Image image=arch/arm64/boot/Image
	fragments+=("$here/kernel-arm64-64k.config")
	;;
*) fragments+=("$here/kernel-x86_64.config") ;;
esac
localversion=-mmdemo
case $name in
arm64-64k-*) localversion=-mmdemo-64k ;;
debug-*)
	fragments+=("$here/kernel-debug.config")
	localversion=-mmdemo-debug
	;;
kcsan-*)
	fragments+=("$here/kernel-kcsan.config")
	localversion=-mmdemo-kcsan
	;;
"$NEWEST_SERIES") fragments+=("$here/kernel-gcov.config") ;;
esac
src=$(kernel_source "$series")
out=$MMDEMO_CACHE/kernels/$name
cache_lock "kernel-$name"
key=$(cat "${fragments[@]}" "$0" "$src/.mmdemo-tarball" <("${cross}gcc" --version) | sha256sum | cut -c1-16)

if [ "$(cat "$out/.mmdemo-key" 2>/dev/null)" = "$key" ] && [ -f "$out/$image" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$out"
rm -f "$out/.mmdemo-key"
kmake=(make -C "$src" O="$out" ARCH="$arch" -j"$(nproc)")
[ -z "$cross" ] || kmake+=(CROSS_COMPILE="$cross")
if command -v ccache >/dev/null; then
	# Depend mode hashes the preprocessor's dependency list, not its output:
	# far cheaper on a cold cache.
	export CCACHE_DEPEND=1
	kmake+=(CC="ccache ${cross}gcc")
fi

note "building kernel $name from $(source_version "$src") in $out (minutes the first time)"
{
	"${kmake[@]}" tinyconfig
	# Not named localversion*: scripts/setlocalversion appends the contents
	# of every such file in the build directory to the release, which
	# made uname -r "7.3.4CONFIG_LOCALVERSION=-mmdemo-mmdemo".
	rm -f "$out/localversion.config"
	echo "CONFIG_LOCALVERSION=\"$localversion\"" >"$out/release.fragment"
	# -n: anything the fragments do not ask for stays off, as in tinyconfig.
	(cd "$src" && ARCH=$arch CROSS_COMPILE=$cross scripts/kconfig/merge_config.sh -n -O "$out" \
		"$out/.config" "${fragments[@]}" "$out/release.fragment")
	# "modules" also writes Module.symvers, which external modules link against.
	"${kmake[@]}" "$target" modules
} >"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; die "kernel $name failed to build; log: $out/build.log"; }

# merge_config.sh only warns when a request was dropped (an unmet
# dependency): treat that as an error, or the kernel silently lacks a
# checker.  Options this kernel does not have at all (renamed ones: the
# fragments name both spellings) or another architecture's only (x86's
# IA32_EMULATION for arm64) are not missing; nor is CONFIG_MMDEMO, the
# module itself, built out of tree here.
srcarch=${arch/x86_64/x86}
known=$({ find "$src" -name 'Kconfig*' -not -path "$src/arch/*"; find "$src/arch/$srcarch" -name 'Kconfig*'; } |
	xargs sed -n 's/^[[:space:]]*\(menu\)\{0,1\}config[[:space:]]\{1,\}\([A-Z0-9_]*\).*/CONFIG_\2/p' | sort -u)
missing=$(cat "${fragments[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' | grep -v '^CONFIG_MMDEMO=' |
	while read -r want; do
		grep -qxF "${want%%=*}" <<<"$known" || continue
		grep -qxF "$want" "$out/.config" || echo "$want"
	done)
[ -z "$missing" ] || die "kernel $name lacks:"$'\n'"$missing"

echo "$key" >"$out/.mmdemo-key"
echo "$out"
