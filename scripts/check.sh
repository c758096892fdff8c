#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the selftests in a VM for each kernel and sums the results.
#
#   check.sh [KERNEL...]
#
# KERNEL is a Debian kernel release with image and headers installed
# (6.12.117+deb12-amd64), or "debug" for the kernel built by
# build-debug-kernel.sh.  Default: the newest installed 6.1 and 6.12
# kernels, then debug.  For each: build the module against its headers
# (W=1, warnings are errors), build an initramfs, boot it, judge it.
# The last line is "N passed, M failed, K skipped" over all kernels.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

build=${MMDEMO_BUILD:-$top/build}
tests_dir=$build/selftests
tool=$build/user/mmdemo
src=$(kernel_source)

# The newest installed Debian kernel of each series, image and headers both.
default_kernels() {
	local series r
	for series in 6.1 6.12; do
		for r in $(ls /boot 2>/dev/null | sed -n "s/^vmlinuz-\($series\.[0-9].*-amd64\)$/\1/p" | sort -rV); do
			[ -d "/lib/modules/$r/build" ] || [ -d "/usr/src/linux-headers-$r" ] || continue
			echo "$r"
			break
		done
	done
	echo debug
}

# KVM is used only if a guest really runs under it: on nested setups
# /dev/kvm opens fine but the guest dies with "KVM internal error".
probe_accel() {
	local image=$1 log pid i
	[ -n "${MMDEMO_ACCEL:-}" ] && { echo "$MMDEMO_ACCEL"; return; }
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || { echo tcg; return; }
	log=$(mktemp -d)
	qemu-system-x86_64 -accel kvm -cpu host -m 256M -nodefaults -display none \
		-no-reboot -kernel "$image" -append "console=ttyS0 panic=-1" \
		-serial "file:$log/console" </dev/null >"$log/stderr" 2>&1 &
	pid=$!
	for i in $(seq 100); do
		grep -qs 'Linux version' "$log/console" && break
		grep -qs 'KVM internal error' "$log/stderr" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if grep -qs 'Linux version' "$log/console"; then echo kvm; else echo tcg; fi
	rm -rf "$log"
}

# Debian's images are compressed bzImages; under TCG decompressing 6.1's
# xz payload alone takes seconds.  Kernels with PVH boot the extracted
# ELF directly: extract it once into the cache.
bootable_image() {
	local r=$1 image=/boot/vmlinuz-$1 out
	grep -q '^CONFIG_PVH=y' "/boot/config-$r" 2>/dev/null || { echo "$image"; return; }
	out=$MMDEMO_CACHE/vmlinux/$r
	if [ ! -s "$out" ] || [ "$out" -ot "$image" ]; then
		mkdir -p "$(dirname "$out")"
		bash "$src/scripts/extract-vmlinux" "$image" >"$out.tmp" 2>/dev/null && mv "$out.tmp" "$out" ||
			{ rm -f "$out.tmp"; echo "$image"; return; }
	fi
	echo "$out"
}

[ -x "$tests_dir/mmdemo_test" ] || die "$tests_dir/mmdemo_test is missing: run 'make selftests' first"
[ -x "$tool" ] || die "$tool is missing: run 'make user' first"
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <(default_kernels)
[ -x "$MMDEMO_CACHE/bin/gen_init_cpio" ] || {
	mkdir -p "$MMDEMO_CACHE/bin"
	cc -O2 -o "$MMDEMO_CACHE/bin/gen_init_cpio" "$src/usr/gen_init_cpio.c"
}

total_pass=0 total_fail=0 total_skip=0 accel= summary=()
for k in "${kernels[@]}"; do
	extra= params=${MMDEMO_PARAMS:-}
	if [ "$k" = debug ]; then
		kdir=$("$here/build-debug-kernel.sh")
		image=$kdir/arch/x86/boot/bzImage
		# KASAN reports must stop the run; KFENCE is sampled, not free.
		extra="kasan.fault=panic kfence.sample_interval=10 pci=noacpi"
		# One page more than the default: the per-page counter array is
		# then not a whole number of pages, so KASAN poisons right after
		# its end and an off-by-one there is caught.
		params=${MMDEMO_PARAMS:-size=$(((64 << 20) + 4096))}
	else
		kdir=/lib/modules/$k/build
		[ -d "$kdir" ] || kdir=/usr/src/linux-headers-$k
		[ -d "$kdir" ] && [ -f "/boot/vmlinuz-$k" ] ||
			die "kernel $k: need /boot/vmlinuz-$k and its headers (apt-get install linux-image-$k linux-headers-$k)"
		image=$(bootable_image "$k")
	fi
	[ -n "$accel" ] || { accel=$(probe_accel "$image"); note "accelerator: $accel"; }

	out=$build/kernels/$k
	mkdir -p "$out/kmod"
	cp -p "$top"/kmod/*.[ch] "$top/kmod/Kbuild" "$top/kmod/Makefile" "$out/kmod/"
	note "$k: building the module (W=1, warnings are errors)"
	# -Werror covers the compiler; modpost's warnings are caught by the grep.
	if ! make -s -C "$out/kmod" KDIR="$kdir" MMDEMO_UAPI="$top/include/uapi" \
		KCFLAGS=-Werror >"$out/kmod-build.log" 2>&1 ||
		grep -qi 'warning' "$out/kmod-build.log"; then
		cat "$out/kmod-build.log" >&2
		total_fail=$((total_fail + 1))
		summary+=("$k: module build failed")
		continue
	fi
	"$here/mkinitramfs.sh" "$MMDEMO_CACHE/bin/gen_init_cpio" "$out/initramfs.cpio" \
		"$out/kmod/mmdemo.ko" "$params" --tool "$tool" "$tests_dir"/*

	rm -f "$out/result"
	MMDEMO_ACCEL=$accel "$here/vm-run.sh" "$k" "$image" "$out/initramfs.cpio" "$out" "$extra" || true
	read -r p f sk <"$out/result" || { p=0 f=1 sk=0; }
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + sk))
	summary+=("$k: $p passed, $f failed, $sk skipped")
done

echo
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
