#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the mmdemo debug kernel (KASAN, KFENCE, lockdep, DEBUG_VM, fault
# injection) from Debian's linux-source-6.12 and prints its build directory,
# which is also the KDIR to build the module against.
#
# The build lives in the cache, outside the clone, and is reused as long as
# the source, this script, the config fragment and the compiler are the
# same.  Kbuild rebuilds incrementally when one of them changes; ccache, when
# installed, makes a rebuild from scratch take seconds instead of minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

fragment=$here/debug-kernel.config
src=$(kernel_source)
out=$MMDEMO_CACHE/debug-kernel
key=$(cat "$fragment" "$0" "$src/.mmdemo-tarball" <(gcc --version) | sha256sum | cut -c1-16)

if [ "$(cat "$out/.mmdemo-key" 2>/dev/null)" = "$key" ] && [ -f "$out/arch/x86/boot/bzImage" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$out"
rm -f "$out/.mmdemo-key"
kmake=(make -C "$src" O="$out" ARCH=x86_64 -j"$(nproc)")
if command -v ccache >/dev/null; then
	# Depend mode hashes the preprocessor's dependency list, not its output:
	# far cheaper on a cold cache.
	export CCACHE_DEPEND=1
	kmake+=(CC="ccache gcc")
fi

note "building the debug kernel in $out (a few minutes the first time)"
{
	"${kmake[@]}" tinyconfig
	# -n: anything the fragment does not ask for stays off, as in tinyconfig.
	(cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh -n -O "$out" "$out/.config" "$fragment")
	# "modules" also writes Module.symvers, which external modules link against.
	"${kmake[@]}" bzImage modules
} >"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; die "debug kernel build failed; log: $out/build.log"; }

# merge_config.sh only warns when a request was dropped (an unmet
# dependency): treat that as an error, or the kernel silently lacks a checker.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" | while read -r want; do
	grep -qxF "$want" "$out/.config" || echo "$want"
done)
[ -z "$missing" ] || die "the debug kernel lacks:"$'\n'"$missing"

echo "$key" >"$out/.mmdemo-key"
echo "$out"
