#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks that DKMS builds and installs the module for every installed
# Debian kernel that is not the one running (only its headers are here,
# as after a kernel upgrade), then removes every trace of it.
#
#   dkms-check.sh
#
# For each such kernel: dkms add, dkms build -k KVER, dkms install -k
# KVER; then dkms status must list each as installed, modinfo of each
# installed module must carry the project version and DKMS's signature,
# and after
# dkms remove --all no dkms entry, no tree under /var/lib/dkms and no
# module file may be left.  Needs root and dkms (install-deps.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

[ "$(id -u)" -eq 0 ] || die "dkms-check needs root (it installs into /usr/src and /lib/modules)"
command -v dkms >/dev/null || die "dkms is missing: run scripts/install-deps.sh"
version=$(cat "$top/VERSION")
src=/usr/src/mmdemo-$version
log=$(mktemp)

cleanup() {
	dkms remove -m mmdemo -v "$version" --all >/dev/null 2>&1 || true
	rm -rf "$src"
}
trap 'cleanup; rm -f "$log"' EXIT

kernels=()
for build in /lib/modules/*/build; do
	k=$(basename "$(dirname "$build")")
	[ -f "$build/Makefile" ] && [ "$k" != "$(uname -r)" ] && kernels+=("$k")
done
[ ${#kernels[@]} -gt 0 ] || die "no installed kernel with headers other than the running one"
# A leftover of an earlier, interrupted run would make 'dkms add' fail.
cleanup

run() {
	if ! "$@" >"$log" 2>&1; then
		cat "$log" >&2
		die "failed: $*"
	fi
}

DESTDIR= "$here/install.sh" dkms-source
run dkms add -m mmdemo -v "$version"
for k in "${kernels[@]}"; do
	t0=$SECONDS
	run dkms build -m mmdemo -v "$version" -k "$k"
	run dkms install -m mmdemo -v "$version" -k "$k"
	ko=$(ls "/lib/modules/$k/updates/dkms/"mmdemo.ko* 2>/dev/null | head -n 1)
	[ -n "$ko" ] || die "dkms install left no module in /lib/modules/$k/updates/dkms"
	got=$(/sbin/modinfo -F version "$ko")
	[ "$got" = "$version" ] || die "$ko says version '$got', the project $version"
	/sbin/modinfo -k "$k" -n mmdemo | grep -q "/updates/dkms/mmdemo.ko" ||
		die "modprobe would not find mmdemo for $k (depmod did not run?)"
	# Debian's DKMS signs what it builds with its MOK key (made with
	# openssl on first use): what a Secure Boot machine enrolls.
	signer=$(/sbin/modinfo -F signer "$ko")
	[ -n "$signer" ] || die "DKMS did not sign $ko (is openssl installed?)"
	echo "dkms-check: $k: built and installed in $((SECONDS - t0)) s: $ko, version $got, signed by '$signer'"
done
status=$(dkms status mmdemo/"$version")
echo "$status" | sed 's/^/dkms-check: status: /'
for k in "${kernels[@]}"; do
	echo "$status" | grep -q "mmdemo/$version, $k, .*: installed" ||
		die "dkms status does not list $k as installed"
done

run dkms remove -m mmdemo -v "$version" --all
rm -rf "$src"
left=$(dkms status mmdemo; ls -d /var/lib/dkms/mmdemo /lib/modules/*/updates/dkms/mmdemo.ko* 2>/dev/null || true)
[ -z "$left" ] || die "dkms remove --all left: $left"
for k in "${kernels[@]}"; do
	! /sbin/modinfo -k "$k" -n mmdemo >/dev/null 2>&1 || die "modprobe still finds mmdemo for $k"
done
echo "dkms-check: ${#kernels[@]} kernels (${kernels[*]}): add, build, install, status ok; remove --all left nothing"
