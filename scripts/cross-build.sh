#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Cross-builds the tool, the library and the selftests for the arm64 guests,
# against the sysroot arm64-sysroot.sh makes:
#
#   cross-build.sh arm64 [BUILD]     into BUILD/arm64 (default build/):
#                                    user/mmdemo, user/..., selftests/...
#
# The same Makefiles as the host build, with Debian's cross compiler
# (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross) and pkg-config pointed at
# the sysroot, so that -I and -L name its libkmod and json-c.  The 32-bit
# compat build of the selftests is x86's only (it would need an arm 32-bit
# compiler and a COMPAT kernel); the arm64 guests run the 64-bit ones.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

[ "${1:-}" = arm64 ] || die "usage: cross-build.sh arm64 [BUILD]"
build=${2:-${MMDEMO_BUILD:-$top/build}}/arm64
mkdir -p "$build"
# The Makefiles run with -C: a relative BUILD would name a folder there.
build=$(cd "$build" && pwd)
cross=aarch64-linux-gnu-
command -v "${cross}gcc" >/dev/null || die "${cross}gcc is missing: run scripts/install-deps.sh"
sysroot=$("$here/arm64-sysroot.sh")
src=$(kernel_source)

multiarch=aarch64-linux-gnu
export PKG_CONFIG_SYSROOT_DIR=$sysroot
export PKG_CONFIG_LIBDIR=$sysroot/usr/lib/$multiarch/pkgconfig:$sysroot/usr/share/pkgconfig
# The libraries' own dependencies (liblzma, libssl...) are found by the
# linker through -rpath-link; the guest finds them in /lib/$multiarch.
ldflags="-Wl,-rpath-link,$sysroot/lib/$multiarch:$sysroot/usr/lib/$multiarch"

note "cross-building the tool and library for arm64 in $build/user"
make -s -C "$top/user" O="$build/user" TOOL="$build/user/mmdemo" \
	CC="${cross}gcc" AR="${cross}ar" LDFLAGS="$ldflags" all >"$build/user.log" 2>&1 ||
	{ cat "$build/user.log" >&2; die "the arm64 build of user/ failed"; }
note "cross-building the selftests for arm64 in $build/selftests"
mkdir -p "$build/selftests"
make -s -C "$top/selftests" OUTPUT="$build/selftests" KSFT_DIR="$src/tools/testing/selftests" \
	CROSS_COMPILE="$cross" ARCH=arm64 LDFLAGS="$ldflags" >"$build/selftests.log" 2>&1 ||
	{ cat "$build/selftests.log" >&2; die "the arm64 build of selftests/ failed"; }
