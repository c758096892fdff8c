#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetches one of Debian's own arm64 kernels and prepares the tree the
# module is cross-built against; prints the directory that holds both:
#
#   DIR/Image        the kernel qemu-system-aarch64 -M virt boots
#   DIR/build        the KDIR for the module (ARCH=arm64)
#   DIR/modules      Debian's brd.ko (the O_DIRECT tests' RAM disk)
#   DIR/release      the kernel's release, as uname -r says it
#
#   debian-arm64-kernel.sh arm64-SERIES | arm64-16k-SERIES
#
# arm64-SERIES is linux-image-arm64 (4 KiB pages), arm64-16k-SERIES
# linux-image-arm64-16k, SERIES being the newest series lib.sh names (7.3,
# from $NEWEST_SUITE).  The packages come through private apt lists and
# are unpacked with dpkg-deb -x: the host's apt configuration and dpkg
# database stay as they are.
#
# Why the KDIR is built here and not taken from linux-headers-*: that
# package carries kbuild's host programs (fixdep, modpost, genksyms) as
# arm64 binaries for Debian 13's glibc, which cannot run on this amd64
# Debian 12 host.  The same source (linux-source-SERIES, checked to be the
# same package version as the image), configured with the image's own
# .config, given its KERNELRELEASE and its Module.symvers (the symbols the
# kernel exports), is prepared by the cross compiler with modules_prepare.
# A module built against it carries the vermagic Debian's kernel checks
# (release, SMP, preempt model, mod_unload, aarch64; these kernels have no
# CONFIG_MODVERSIONS, so no symbol CRCs), and the same struct layouts,
# since the configuration and the source are the same.  The config options
# that olddefconfig recomputes for this compiler (gcc 12, not Debian's
# gcc 14) are listed in DIR/config-changes: only compiler capability
# options may differ, which is checked.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || die "usage: debian-arm64-kernel.sh arm64-SERIES|arm64-16k-SERIES"
name=$1
case $name in
arm64-16k-*) flavour=arm64-16k series=${name#arm64-16k-} ;;
arm64-*) flavour=arm64 series=${name#arm64-} ;;
*) die "unknown kernel '$name': arm64-$NEWEST_SERIES or arm64-16k-$NEWEST_SERIES" ;;
esac
[ "$series" = "$NEWEST_SERIES" ] ||
	die "kernel '$name': Debian's arm64 images are fetched for $NEWEST_SERIES only (arm64-$NEWEST_SERIES, arm64-16k-$NEWEST_SERIES)"
cross=aarch64-linux-gnu-
command -v "${cross}gcc" >/dev/null || die "${cross}gcc is missing: run scripts/install-deps.sh"

out=$MMDEMO_CACHE/arm64/$name
apt=$MMDEMO_CACHE/apt-arm64
# Both flavours share the private apt lists.
cache_lock apt-arm64
src=$(kernel_source "$series")
# The source's package version ("7.3.4-1~bpo13+1"), from the .deb's name.
src_version=$(sed -n 's/^linux-source-[^_]*_\([^_]*\)_all\.deb$/\1/p' "$MMDEMO_CACHE/apt/root/.mmdemo-deb")
key=$(cat "$0" "$src/.mmdemo-tarball" <(${cross}gcc --version) | sha256sum | cut -c1-16)
if [ "$(cat "$out/.mmdemo-key" 2>/dev/null)" = "$key" ] && [ -s "$out/Image" ]; then
	echo "$out"
	exit 0
fi

# --- The packages: the image (kernel, config), headers (Module.symvers),
# modules (brd only) ---
note "fetching Debian's linux-image-$flavour from $NEWEST_SUITE (private apt lists in $apt)"
private_apt_update "$apt" "$NEWEST_SUITE" "" arm64
version=$(private_apt "$apt" apt-cache show "linux-image-$flavour" | sed -n 's/^Version: //p' | sort -rV | head -n 1)
[ -n "$version" ] || die "Debian $NEWEST_SUITE has no linux-image-$flavour for arm64"
[ "$version" = "$src_version" ] ||
	die "linux-image-$flavour is $version but linux-source-$series is $src_version: the module's build tree must come from the image's own source"
release=$(private_apt "$apt" apt-cache show "linux-image-$flavour=$version" |
	sed -n 's/^Depends: .*linux-image-\([^ ,]*\) (= .*/\1/p' | head -n 1)
[ -n "$release" ] || die "cannot tell which kernel linux-image-$flavour $version depends on"
pkgs=()
# Since 7.x the image is split into base (config), binary (the kernel) and
# modules packages; before, linux-image-RELEASE held all three.
for p in "linux-image-$release" "linux-base-$release" "linux-binary-$release" \
	"linux-modules-$release" "linux-headers-$release"; do
	private_apt "$apt" apt-cache show "$p=$version" >/dev/null 2>&1 && pkgs+=("$p=$version")
done
rm -rf "$out"
mkdir -p "$out/deb" "$out/root"
(cd "$out/deb" && private_apt "$apt" apt-get download "${pkgs[@]}") >"$out/download.log" 2>&1 ||
	{ cat "$out/download.log" >&2; die "cannot download ${pkgs[*]}"; }
for deb in "$out"/deb/*.deb; do
	case $deb in
	# Of the modules (85 MB) only the RAM disk is needed.
	*/linux-modules-*|*/linux-image-*)
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$out/root" --wildcards '*/drivers/block/brd.ko*' '*vmlinuz*' '*/config*' 2>/dev/null || true ;;
	*) dpkg-deb -x "$deb" "$out/root" || die "cannot unpack $deb" ;;
	esac
done
image=$(find "$out/root" \( -path "*/boot/vmlinuz-$release" -o -path "*/modules/$release/vmlinuz" \) | head -n 1)
[ -n "$image" ] || die "no kernel image in ${pkgs[*]}"
headers=$out/root/usr/src/linux-headers-$release
[ -s "$headers/Module.symvers" ] || die "linux-headers-$release has no Module.symvers"
config=$headers/.config
# qemu boots a raw arm64 Image, which says "ARM\x64" at byte 56; Debian's
# arm64 images are raw (no EFI zboot, no gzip).
[ "$(od -An -tx1 -j56 -N4 "$image" | tr -d ' ')" = 41524d64 ] || die "$image is not a raw arm64 Image"
cp "$image" "$out/Image.tmp"

# --- The module's build tree ---
build=$out/build
mkdir -p "$build"
cp "$config" "$build/.config"
kmake=(make -C "$src" O="$build" ARCH=arm64 CROSS_COMPILE="$cross" KERNELRELEASE="$release" -j"$(nproc)")
note "$name: preparing the module build tree for $release ($(source_version "$src") configured as Debian's)"
"${kmake[@]}" olddefconfig modules_prepare >"$out/prepare.log" 2>&1 ||
	{ tail -30 "$out/prepare.log" >&2; die "modules_prepare failed for $name; log: $out/prepare.log"; }
cp "$headers/Module.symvers" "$build/"
# What olddefconfig changed for this toolchain: options that describe the
# compiler, assembler, linker and pahole; Rust, which needs Debian's rustc
# and bindgen, with the drivers written in it; and the 32-bit vDSO, which
# needs an arm-linux-gnueabihf compiler.  None of these changes a struct
# the module shares with the kernel (include/ tests none of them); any
# other difference could, and stops here.
diff <(grep '^CONFIG_' "$config" | sort) <(grep '^CONFIG_' "$build/.config" | sort) |
	sed -n 's/^[<>] //p' | sort -u >"$out/config-changes" || true
toolchain='CC_|GCC_|AS_|LD_|TOOLS_SUPPORT_|PAHOLE_|RELR$|OPENSSL_SUPPORTS_'
rust='RUST|BINDGEN_|AMCC_QT2025_PHY$|AX88796B_RUST_PHY$|DRM_PANIC_SCREEN_QR_'
bad=$(sed 's/=.*//' "$out/config-changes" | sort -u |
	grep -vE "^CONFIG_($toolchain|$rust|COMPAT_VDSO\$|THUMB2_COMPAT_VDSO\$)|_HAS_" || true)
[ -z "$bad" ] || die "configuring $release's .config with ${cross}gcc changed more than toolchain options:"$'\n'"$bad"
[ "$(cat "$build/include/config/kernel.release")" = "$release" ] || die "the build tree's release is not $release"

# --- brd, as the kernel's own modules tree has it ---
mkdir -p "$out/modules"
brd=$(find "$out/root" -name 'brd.ko*' | head -n 1)
[ -z "$brd" ] || { mkdir -p "$out/modules/kernel/drivers/block" && cp "$brd" "$out/modules/kernel/drivers/block/"; }

echo "$release" >"$out/release"
echo "linux-image-$flavour $version ($release) from Debian $NEWEST_SUITE" >"$out/origin"
mv "$out/Image.tmp" "$out/Image"
rm -rf "$out/deb"
echo "$key" >"$out/.mmdemo-key"
echo "$out"
