#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian 12 packages mmdemo needs to build and test, and only
# the missing ones.  As root it runs apt-get; otherwise it prints the exact
# command and fails.
#
#   install-deps.sh [--check]     --check: report, never install
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(
	# compilers and tools
	gcc make libc6-dev pkg-config kmod
	# the 32-bit selftest build that exercises compat_ioctl: a cross
	# compiler, as gcc-multilib conflicts with Debian's other cross compilers
	gcc-i686-linux-gnu libc6-dev-i386-cross
	# the VM: qemu, busybox for the initramfs, decompressors for extract-vmlinux
	qemu-system-x86 busybox-static xz-utils zstd
	# arm64 guests: qemu-system-aarch64, and the cross compiler and C
	# library the module, the tool and the selftests are built with for them
	qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	# make shell: tmux in the guest, the manuals rendered for it (man, col)
	tmux man-db groff-base bsdextrautils
	# the tour's HTML page, opened as a reader would (browser-test.sh)
	chromium fonts-dejavu-core
	# the stock kernels to test on, with headers to build against
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	# 6.12's headers generate BTF for every module, with pahole
	pahole
	# harness headers, checkpatch.pl and the debug kernel's source
	linux-source-6.12
	# lint
	sparse perl
	# the coverage report of kmod/ (make coverage, make check on 7.3)
	gcovr
	# building the debug kernel
	flex bison bc libelf-dev libssl-dev ccache
	# the selftests' lib.mk installs with rsync
	rsync
	# libmmdemo loads the module with libkmod; the tool writes JSON, and
	# the tests read it, with json-c
	libkmod-dev libjson-c-dev
	# packaging: DKMS, the Debian packages and lintian, make sign's test
	# key, and the Debian guest they are installed in
	dkms dh-dkms debhelper dpkg-dev lintian openssl debootstrap e2fsprogs
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "${1:-}" = --check ] || [ "$(id -u)" -ne 0 ]; then
	echo "missing packages: ${missing[*]}" >&2
	echo "install them with: sudo apt-get update && sudo $cmd" >&2
	exit 1
fi
note "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# INITRD=No: the test VMs never boot these kernels' own initramfs, and
# generating one per kernel costs half a minute each.
apt-get update -q >/dev/null
INITRD=No apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
	die "apt-get install failed: $cmd"
