#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Makes (once) the Debian 12 guest that package-test.sh boots: a root
# filesystem from debootstrap with systemd, udev, DKMS and the headers of
# the guest's own kernel, as an ext4 image, plus that kernel and its
# initramfs to boot it with.  Prints the directory holding rootfs.img,
# vmlinuz and initrd.img, and nothing else on standard output.
#
#   debian-guest.sh
#
# Cached in $MMDEMO_CACHE/debian-12, keyed by the package list below: a
# change to it makes a new guest.  Needs root (debootstrap, chroot).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suite=bookworm
# This machine's own mirror, or MMDEMO_DEBIAN_MIRROR (lib.sh).
mirror=$(debian_mirror)
# What a user's machine has before installing mmdemo's packages: an init
# with udev, the kernel with its headers, and DKMS with its compiler.  The
# guest has no network, so everything the packages depend on is here
# (libkmod-dev and pkgconf for libmmdemo-dev and a program built with it;
# libjson-c-dev for the tool built from source, libjson-c5 for the package).
pkgs=systemd-sysv,udev,kmod,linux-image-amd64,linux-headers-amd64,dkms,gcc,make,libc6-dev,dpkg-dev,patch,libkmod2,libkmod-dev,libjson-c5,libjson-c-dev,pkgconf,e2fsprogs
key=$(printf '%s\n' "$suite" "$pkgs" "guest v2" | sha256sum | cut -c1-12)
dir=$MMDEMO_CACHE/debian-12
cache_lock debian-12
if [ "$(cat "$dir/key" 2>/dev/null)" = "$key" ] && [ -s "$dir/rootfs.img" ]; then
	echo "$dir"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "making the Debian guest needs root (debootstrap): run as root"
command -v debootstrap >/dev/null || die "debootstrap is missing: run scripts/install-deps.sh"

root=$dir/rootfs
rm -rf "$dir"
mkdir -p "$dir"
note "making the Debian $suite guest in $dir with debootstrap (once; a few minutes)"
debootstrap --variant=minbase --include="$pkgs" "$suite" "$root" "$mirror" \
	>"$dir/debootstrap.log" 2>&1 ||
	{ tail -n 30 "$dir/debootstrap.log" >&2; die "debootstrap failed ($dir/debootstrap.log)"; }

echo mmdemo-guest >"$root/etc/hostname"
echo '/dev/vda / ext4 defaults 0 1' >"$root/etc/fstab"
# The test disk (package-test.sh) carries the packages and the script to
# run; this unit runs that script once the system is up, then powers off
# (whatever the script's status: package-test.sh judges what it printed).
cat >"$root/etc/systemd/system/mmdemo-package-test.service" <<'EOF'
[Unit]
Description=mmdemo package test
After=multi-user.target systemd-udev-settle.service
ConditionPathExists=/dev/vdb
SuccessAction=poweroff
FailureAction=poweroff

[Service]
Type=oneshot
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS1
ExecStartPre=/bin/mkdir -p /mnt/test
ExecStartPre=/bin/mount -o ro /dev/vdb /mnt/test
ExecStart=/bin/bash /mnt/test/guest-package-test.sh

[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/mmdemo-package-test.service \
	"$root/etc/systemd/system/multi-user.target.wants/mmdemo-package-test.service"
# No login prompts and no clock jumps to wait for in a one-shot guest.
rm -f "$root/etc/systemd/system/getty.target.wants/"*
rm -rf "$root/var/cache/apt/archives/"*.deb

cp -L "$root/vmlinuz" "$dir/vmlinuz"
cp -L "$root/initrd.img" "$dir/initrd.img"
basename "$(readlink -f "$root/vmlinuz")" | sed 's/^vmlinuz-//' >"$dir/kernel-release"
mkfs.ext4 -q -F -L mmdemo-root -d "$root" "$dir/rootfs.img" 4G >/dev/null ||
	die "cannot make $dir/rootfs.img"
rm -rf "$root"
echo "$key" >"$dir/key"
note "Debian guest ready: kernel $(cat "$dir/kernel-release")"
echo "$dir"
