#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the Debian 12 guest (debian-guest.sh) as a systemd service,
# from the test disk package-test.sh made: installs the .debs with apt as a
# user would, lets DKMS build the module for the guest's own kernel, and
# checks what a user gets.  Prints TAP-like "ok N - ..." / "not ok N - ..."
# lines and "mmdemo-pkg: end" last; package-test.sh judges them.
#
# The disk holds: this script, VERSION, consumer.c, debs/*.deb and the
# native source package's tarball.
set -uo pipefail
disk=$(dirname "$0")
version=$(cat "$disk/VERSION")
kver=$(uname -r)
n=0 failed=0
log=/root/pkg-test.log

say() { echo "mmdemo-pkg: $*"; }
# check DESCRIPTION COMMAND...: one result line; the command's output is
# shown, indented, when it fails.
check() {
	local what=$1
	shift
	n=$((n + 1))
	if "$@" >"$log" 2>&1; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		sed 's/^/#   /' "$log" | tail -n 40
		failed=$((failed + 1))
	fi
}
# Whether FILE holds a line matching the extended regular expression.
has() { grep -qE -- "$2" "$1" || { echo "no line matching '$2' in:"; cat "$1"; return 1; }; }

export DEBIAN_FRONTEND=noninteractive
# The guest has no network: every dependency is already installed.
apt_get() { apt-get -q -y "$@"; }
# Where apt's unprivileged fetcher (_apt) may read them, as from a download.
mkdir -p /tmp/debs
cp "$disk"/debs/*.deb /tmp/debs/
chmod 644 /tmp/debs/*.deb
debs=(/tmp/debs/*.deb)
say "booted Linux $kver, packages: ${debs[*]##*/}"

install_all() {
	apt_get install "${debs[@]}" >/root/install.log 2>&1 || { cat /root/install.log; return 1; }
	cat /root/install.log
}
dkms_installed() {
	dkms status mmdemo | tee /root/dkms.status
	grep -q "^mmdemo/$version, $kver, [^:]*: installed" /root/dkms.status
}
module_version() { [ "$(modinfo -F version mmdemo)" = "$version" ]; }
node_is_groups() {
	udevadm settle
	stat -c '%U:%G %a' /dev/mmdemo | tee /root/node
	[ "$(cat /root/node)" = "root:mmdemo 660" ]
}
as() { runuser -u "$1" -- "${@:2}"; }
tour_as_member() {
	as alice mmdemo tour >/root/tour.log 2>&1 || { cat /root/tour.log; return 1; }
	tail -n 5 /root/tour.log
}
outsider_is_refused() {
	local rc=0

	as bob mmdemo info >/root/bob.out 2>/root/bob.err || rc=$?
	cat /root/bob.err
	[ "$rc" -eq 1 ] && has /root/bob.err "/dev/mmdemo: permission denied" &&
		has /root/bob.err "group 'mmdemo'"
}
consumer_builds() {
	cp "$disk/consumer.c" /tmp/consumer.c
	# shellcheck disable=SC2046
	cc /tmp/consumer.c $(pkg-config --cflags --libs libmmdemo) -o /tmp/consumer &&
		/tmp/consumer && ldd /tmp/consumer | grep -q 'libmmdemo.so.1 =>'
}
versions_agree() {
	as alice mmdemo --version | tee /root/version
	has /root/version "^mmdemo $version " && has /root/version "^libmmdemo $version$" &&
		has /root/version "^module $version \\(interface version"
}
purge_all() {
	apt_get purge mmdemo libmmdemo-dev libmmdemo1 mmdemo-dkms
}
nothing_left() {
	local left

	left=$(dkms status mmdemo; ls -d /var/lib/dkms/mmdemo /usr/src/mmdemo-* \
		/lib/modules/*/updates/dkms/mmdemo.ko* /lib/udev/rules.d/70-mmdemo.rules \
		/usr/bin/mmdemo 2>/dev/null
		dpkg-query -W -f='${Package} ${Status}\n' 'mmdemo*' 'libmmdemo*' 2>/dev/null |
			grep -v ' not-installed$')
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
	! modinfo mmdemo 2>/dev/null
}

# From source, as README's Install says: sudo make install, then
# uninstall.  The source is the native source package's tarball.
src=/root/src/mmdemo-$version
source_install() {
	mkdir -p /root/src
	tar -xJf "$disk/mmdemo_$version.tar.xz" -C /root/src &&
		make -s -C "$src" install >/root/make-install.log 2>&1 ||
		{ tail -n 40 /root/make-install.log; return 1; }
	cat /root/make-install.log
	"$src/scripts/install.sh" list | tee /root/installed | while read -r f; do
		[ -e "$f" ] || { echo "missing: $f"; exit 1; }
	done
}
source_uninstall() {
	modprobe -r mmdemo && make -s -C "$src" uninstall || return 1
	while read -r f; do
		[ ! -e "$f" ] || { echo "left: $f"; return 1; }
	done </root/installed
	! modinfo mmdemo 2>/dev/null
}
check "from source: sudo make install (depmod, group, udev rule)" source_install
check "from source: make install made the group mmdemo" getent group mmdemo
check "from source: modprobe mmdemo" modprobe mmdemo
check "from source: udev: /dev/mmdemo is root:mmdemo 0660" node_is_groups
check "from source: a member of the group runs /usr/local/bin/mmdemo info" \
	runuser -u nobody -g mmdemo -- /usr/local/bin/mmdemo info
check "from source: sudo make uninstall removes every file it installed" source_uninstall
load_says_how_to_get_it() {
	local rc=0

	"$src/user/mmdemo" load mmdemo 2>/root/load.err || rc=$?
	cat /root/load.err
	[ "$rc" -eq 1 ] && has /root/load.err "for Linux $kver" &&
		has /root/load.err "make install" && has /root/load.err "mmdemo-dkms"
}
check "with no module installed, 'mmdemo load' names the kernel and how to get one" \
	load_says_how_to_get_it
# As on a machine that never had mmdemo, for the packages below.
groupdel mmdemo

# The user's path: apt installs the packages, DKMS builds the module.
check "apt installs the packages; DKMS builds for $kver" install_all
check "dkms status: installed for $kver" dkms_installed
check "modinfo mmdemo: version $version" module_version
check "the package made the group mmdemo" getent group mmdemo
check "modprobe mmdemo" modprobe mmdemo
check "udev: /dev/mmdemo is root:mmdemo 0660" node_is_groups
useradd -m -G mmdemo alice
useradd -m bob
check "a member of group mmdemo runs 'mmdemo tour'" tour_as_member
check "tool, library and module say version $version" versions_agree
check "a user outside the group gets 'permission denied' and why" outsider_is_refused
check "a program builds against libmmdemo-dev with pkg-config" consumer_builds
check "modprobe -r mmdemo" modprobe -r mmdemo
check "apt purges the packages" purge_all
check "purge leaves no module, no dkms entry, no file" nothing_left

# The commonest complaint: a kernel without headers.  The package must
# install, say why it built nothing, and build once the headers come
# (what installing them triggers: /etc/kernel/header_postinst.d/dkms).
build=/lib/modules/$kver/build
mv "$build" /root/build.hidden
install_dkms_without_headers() {
	apt_get install /tmp/debs/mmdemo-dkms_*.deb >/root/noheaders.log 2>&1 ||
		{ cat /root/noheaders.log; return 1; }
	cat /root/noheaders.log
	has /root/noheaders.log "headers .*(missing|not .*installed)|kernel headers for this kernel"
}
dpkg_state_ok() {
	dpkg-query -W -f='${Status}\n' mmdemo-dkms | tee /root/status
	[ "$(cat /root/status)" = "install ok installed" ] && [ -z "$(dpkg --audit)" ]
}
no_module_built() { ! ls /lib/modules/"$kver"/updates/dkms/mmdemo.ko* 2>/dev/null; }
headers_arrive() {
	mv /root/build.hidden "$build"
	/etc/kernel/header_postinst.d/dkms "$kver" && dkms_installed
}
check "without headers, mmdemo-dkms installs and says why it built nothing" install_dkms_without_headers
check "without headers, dpkg's state is clean (no half-configured package)" dpkg_state_ok
check "without headers, no module is installed" no_module_built
check "once the headers are there, DKMS builds it" headers_arrive
check "apt purges mmdemo-dkms" apt_get purge mmdemo-dkms
check "purge leaves no module, no dkms entry, no file" nothing_left
[ -e "$build" ] || mv /root/build.hidden "$build"

# What the user saw, for the log.
say "node: $(cat /root/node 2>/dev/null)"
say "outside the group: $(head -n 1 /root/bob.err 2>/dev/null)"
say "without headers: $(grep -E 'headers' /root/noheaders.log 2>/dev/null | head -n 2 | tr '\n' ' ')"
say "load with no module: $(cat /root/load.err 2>/dev/null)"
say "tour, last line: $(tail -n 1 /root/tour.log 2>/dev/null)"
say "$n checks, $failed failed"
say "end"
