#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ways mmdemo reaches a real machine, each checked:
#   - make install / uninstall in a staging root (install-check.sh)
#   - DKMS for each installed Debian kernel that is not running (dkms-check.sh)
#   - make sign, checked with modinfo (sign-check.sh)
#   - the Debian packages: dpkg-buildpackage and lintian (build-debs.sh)
#   - in a Debian 12 guest booted with systemd and udev (debian-guest.sh):
#     sudo make install and uninstall from the source tarball, then those
#     packages installed with apt, DKMS building the module for the
#     guest's kernel (guest-package-test.sh says what is checked there)
#
#   package-test.sh [OUTDIR]          (default build/package-test)
#
# Writes OUTDIR/result, one line "PASSED FAILED SKIPPED", and the guest's
# OUTDIR/console.log and tests.log.  The guest's kernel console is judged
# like every other VM run's: a splat fails the run.  Needs root (dkms,
# debootstrap).  MMDEMO_VM_TIMEOUT: seconds the guest may take (1500; it
# took 797 beside check.sh's other guests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

build=${MMDEMO_BUILD:-$top/build}
out=${1:-$build/package-test}
timeout=${MMDEMO_VM_TIMEOUT:-1500}
# The Debian headers installed: make install is checked on each (their
# layouts differ: 6.1 compresses no module, 6.12 does), sign on the newest.
mapfile -t kdirs < <(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V)
[ ${#kdirs[@]} -gt 0 ] || die "no Debian kernel headers: run scripts/install-deps.sh"
kdir=${kdirs[-1]}
rm -rf "$out"
mkdir -p "$out"

passed=0 failed=0
# step NAME COMMAND...: one counted check; its output goes to OUTDIR/NAME.log.
step() {
	local name=$1 t0=$SECONDS
	shift
	if "$@" >"$out/$name.log" 2>&1; then
		passed=$((passed + 1))
		echo "[packages] ok: $name ($((SECONDS - t0)) s)"
		grep -hE '^(install-check|dkms-check|sign-check): |lintian: ' "$out/$name.log" |
			sed 's/^/[packages]   /' || true
	else
		failed=$((failed + 1))
		echo "[packages] FAIL: $name ($out/$name.log):"
		tail -n 30 "$out/$name.log" | sed 's/^/[packages]   /'
	fi
}

for k in "${kdirs[@]}"; do
	step "install-${k##*/linux-headers-}" "$here/install-check.sh" "$k"
done
step dkms "$here/dkms-check.sh"
step sign "$here/sign-check.sh" "$kdir"
step deb "$here/build-debs.sh" "$out/deb"

guest() {
	local dir disk=$out/disk qpid start

	dir=$("$here/debian-guest.sh") || return 1
	echo "guest kernel: $(cat "$dir/kernel-release")"
	rm -rf "$disk"
	mkdir -p "$disk/debs"
	# The packages a user installs; the debug symbols stay out.
	cp "$out/deb"/*.deb "$disk/debs/"
	rm -f "$disk/debs/"*-dbgsym_*.deb
	cp "$top/VERSION" "$top/user/tests/consumer.c" "$here/guest-package-test.sh" \
		"$out/deb/mmdemo_$(cat "$top/VERSION").tar.xz" "$disk/"
	mkfs.ext4 -q -F -L mmdemo-test -d "$disk" "$out/disk.img" 64M >/dev/null
	: >"$out/console.log"; : >"$out/tests.log"
	# The root filesystem is cached: snapshot=on keeps this run's writes
	# out of it.  -no-reboot and panic=-1: a panic ends qemu.
	# Single-threaded TCG: one host core, whatever runs beside it.  With a
	# thread per vCPU, beside check.sh's other guests, a vCPU waits for
	# a lock held by one the host does not run, and the guest took twice
	# as long; and one vCPU may run kernel text another is patching
	# (vm-run.sh).
	qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp 2 -m 2G -nodefaults -display none \
		-no-reboot -nic none -kernel "$dir/vmlinuz" -initrd "$dir/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 loglevel=5 panic=-1" \
		-drive "file=$dir/rootfs.img,format=raw,if=virtio,snapshot=on" \
		-drive "file=$out/disk.img,format=raw,if=virtio,readonly=on" \
		-serial "file:$out/console.log" -serial "file:$out/tests.log" \
		</dev/null >"$out/qemu.log" 2>&1 &
	qpid=$! start=$SECONDS
	while kill -0 "$qpid" 2>/dev/null; do
		if [ $((SECONDS - start)) -gt "$timeout" ]; then
			kill "$qpid"
			echo "the guest hung: killed after $timeout s"
			break
		fi
		sleep 1
	done
	wait "$qpid" 2>/dev/null || true
	echo "guest ran $((SECONDS - start)) s"
}
guest_t0=$SECONDS
guest >"$out/guest.log" 2>&1 || true
sed 's/^/[packages] /' "$out/guest.log"
tr -d '\r' <"$out/tests.log" >"$out/tests.txt"
sed 's/^/[packages] [debian-12] /' "$out/tests.txt"
gp=$(grep -cE '^ok [0-9]+ ' "$out/tests.txt" || true)
gf=$(grep -cE '^not ok [0-9]+ ' "$out/tests.txt" || true)
passed=$((passed + gp))
failed=$((failed + gf))
problems=()
grep -q '^mmdemo-pkg: end' "$out/tests.txt" ||
	problems+=("the guest's test did not reach its end (see $out/console.log)")
[ "$gp" -gt 0 ] || problems+=("the guest ran no check")
if grep -qE "$KERNEL_SPLAT" "$out/console.log"; then
	problems+=("the guest's kernel console shows a splat:")
	mapfile -t -O ${#problems[@]} problems < <(grep -E -A10 "$KERNEL_SPLAT" "$out/console.log" | head -n 30)
fi
if [ ${#problems[@]} -gt 0 ]; then
	failed=$((failed + 1))
	printf '[packages] FAIL: %s\n' "${problems[@]}"
fi
echo "[packages] debian-12 guest: $gp passed, $gf failed in $((SECONDS - guest_t0)) s"
echo "$passed $failed 0" >"$out/result"
echo "packages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
