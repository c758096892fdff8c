#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install / make uninstall: the module, the tool and library, and the
# system files that let a group use the device.
#
#   install.sh install|uninstall|list
#   install.sh dkms-source [--no-conf]
#
# dkms-source puts the module's source where DKMS wants it,
# DESTDIR/usr/src/mmdemo-VERSION: dkms.conf (its version filled in,
# unless --no-conf: dh_dkms writes it then), VERSION, kmod/ and the UAPI
# header in include/uapi, where kmod/Kbuild looks for it.
#
# Environment (the Makefile passes them): KDIR, the kernel build tree the
# module was built against (its release names /lib/modules/RELEASE);
# PREFIX (default /usr/local) for the tool, library, headers, pkg-config
# file and man pages; DESTDIR, a staging root.  The module goes to
# /lib/modules/RELEASE/updates (INSTALL_MOD_DIR=updates: 6.1's default is
# extra, so say it), the udev rule, modprobe.d and sysusers.d files to
# the system's own directories whatever PREFIX is: udev, modprobe and
# systemd read no others.
#
# Without DESTDIR it also runs depmod, creates the group "mmdemo" and
# makes udev apply the rule to a node that already exists.  uninstall
# removes the files install put there, and nothing else: the group stays
# (its id may own files elsewhere), as Debian does with system groups.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

action=${1:-}
KDIR=${KDIR:-/lib/modules/$(uname -r)/build}
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
UDEVRULESDIR=/lib/udev/rules.d
MODPROBEDIR=/lib/modprobe.d
SYSUSERSDIR=/usr/lib/sysusers.d

# The module's source for DKMS needs no kernel.
if [ "$action" = dkms-source ]; then
	version=$(cat "$top/VERSION")
	src=$DESTDIR/usr/src/mmdemo-$version
	install -d "$src/kmod" "$src/include/uapi/linux"
	install -m644 "$top/VERSION" "$src/"
	(cd "$top/kmod" && install -m644 Kbuild Kconfig Makefile mmdemo.h mmdemo_*.[ch] "$src/kmod/")
	install -m644 "$top/include/uapi/linux/mmdemo.h" "$src/include/uapi/linux/"
	[ "${2:-}" = --no-conf ] ||
		sed "s/#MODULE_VERSION#/$version/" "$top/dkms.conf" >"$src/dkms.conf"
	exit 0
fi

[ -f "$KDIR/Makefile" ] || die "no kernel build tree at KDIR=$KDIR (install linux-headers-$(uname -r) or pass KDIR=)"
kver=$(kernel_release "$KDIR")
moddir=$DESTDIR/lib/modules/$kver/updates
user_make=(make -s --no-print-directory -C "$top/user" PREFIX="$PREFIX" DESTDIR="$DESTDIR")

# Every file install puts down, without DESTDIR, one per line.  The module
# may be compressed by modules_install (CONFIG_MODULE_COMPRESS_*).
list() {
	local ko

	ko=$(cd "$DESTDIR/" && ls "lib/modules/$kver/updates/mmdemo.ko"* 2>/dev/null | head -n 1) ||
		true
	echo "/${ko:-lib/modules/$kver/updates/mmdemo.ko}"
	echo "$UDEVRULESDIR/70-mmdemo.rules"
	echo "$MODPROBEDIR/mmdemo.conf"
	echo "$SYSUSERSDIR/mmdemo.conf"
	"${user_make[@]}" list-installed
}

live=
[ -z "$DESTDIR" ] && live=1

# The system side of a live install or uninstall.
refresh() {
	command -v depmod >/dev/null && depmod -a "$kver"
	if command -v udevadm >/dev/null && [ -d /run/udev ]; then
		udevadm control --reload-rules || true
		[ ! -e /dev/mmdemo ] || udevadm trigger --action=change --sysname-match=mmdemo || true
	fi
}

case $action in
install)
	[ -f "$top/kmod/mmdemo.ko" ] || die "kmod/mmdemo.ko is not built: run 'make module KDIR=$KDIR'"
	# modules_install signs only when CONFIG_MODULE_SIG_ALL and the
	# kernel's own key are there, which a distribution's headers never
	# have: 'make sign' signs with a key you name.  Its depmod needs the
	# System.map that headers lack; depmod runs below instead.
	make -s --no-print-directory -C "$KDIR" M="$top/kmod" INSTALL_MOD_DIR=updates \
		INSTALL_MOD_PATH="$DESTDIR" CONFIG_MODULE_SIG_ALL= 'cmd_depmod=:' \
		quiet_cmd_depmod= modules_install
	install -D -m644 "$top/dist/udev/70-mmdemo.rules" "$DESTDIR$UDEVRULESDIR/70-mmdemo.rules"
	install -D -m644 "$top/dist/modprobe.d/mmdemo.conf" "$DESTDIR$MODPROBEDIR/mmdemo.conf"
	install -D -m644 "$top/dist/sysusers.d/mmdemo.conf" "$DESTDIR$SYSUSERSDIR/mmdemo.conf"
	"${user_make[@]}" install
	if [ -n "$live" ]; then
		if ! getent group mmdemo >/dev/null; then
			if command -v systemd-sysusers >/dev/null; then
				systemd-sysusers "$SYSUSERSDIR/mmdemo.conf"
			else
				groupadd --system mmdemo
			fi
		fi
		refresh
	fi
	note "installed mmdemo $(cat "$top/VERSION") for Linux $kver${DESTDIR:+ into $DESTDIR}"
	if [ -n "$live" ]; then
		note "'sudo modprobe mmdemo' loads it; members of group mmdemo may use /dev/mmdemo (usermod -aG mmdemo USER)"
	fi
	;;
uninstall)
	list | while read -r f; do rm -f "$DESTDIR$f"; done
	[ -z "$live" ] || refresh
	note "removed mmdemo for Linux $kver${DESTDIR:+ from $DESTDIR} (the group mmdemo stays)"
	;;
list)
	list
	;;
*)
	die "usage: install.sh install|uninstall|list|dkms-source"
	;;
esac
