# SPDX-License-Identifier: GPL-2.0
# Finding, preparing and booting test kernels; sourced by check.sh and
# demo.sh after lib.sh.  Expects $src (the kernel source) and $top.

# What make check tests on: the newest installed Debian kernel of each
# series (image and headers both), then the kernels build-kernel.sh makes.
default_kernels() {
	local series r
	for series in 6.1 6.12; do
		for r in $(ls /boot 2>/dev/null | sed -n "s/^vmlinuz-\($series\.[0-9].*-amd64\)$/\1/p" | sort -rV); do
			[ -d "/lib/modules/$r/build" ] || [ -d "/usr/src/linux-headers-$r" ] || continue
			echo "$r"
			break
		done
	done
	built_kernels
	# Debian's arm64 kernel with 16 KiB pages ("arm64-7.3", its 4 KiB
	# one, runs on request).
	echo "arm64-16k-$NEWEST_SERIES"
}

# Whether NAME is a kernel build-kernel.sh makes (7.3, debug, debug-6.12,
# kcsan-7.3, arm64-64k-7.3).
is_built_kernel() {
	case $1 in
	debug | debug-* | kcsan-* | arm64-64k-* | "$NEWEST_SERIES") return 0 ;;
	*) return 1 ;;
	esac
}

# The architecture a kernel's guest runs: arm64 for arm64-* (Debian's
# arm64 and arm64-16k images, the 64 KiB kernel we build), else x86_64.
kernel_arch() {
	case $1 in
	arm64-*) echo arm64 ;;
	*) echo x86_64 ;;
	esac
}

# Debian's own arm64 kernels, which debian-arm64-kernel.sh fetches.
is_debian_arm64_kernel() {
	case $1 in
	arm64-64k-*) return 1 ;;
	arm64-*) return 0 ;;
	*) return 1 ;;
	esac
}

# kernel_origin NAME KDIR: where a kernel came from, said once per run.
kernel_origin() {
	local k=$1

	if is_built_kernel "$k"; then
		echo "built in $2 from $(source_version "$(kernel_source "$(built_kernel_series "$k")")")"
	elif is_debian_arm64_kernel "$k"; then
		echo "Debian's $(cat "$(dirname "$2")/origin"), module built against $2"
	else
		echo "Debian's linux-image-$k $(dpkg-query -W -f='${Version}' "linux-image-$k" 2>/dev/null)"
	fi
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

# resolve_kernel NAME: sets kdir (build tree), image (what qemu boots),
# extra (kernel arguments) and brd_dir (where the kernel's brd.ko is, if
# not in the host's /lib/modules) for a Debian release or a kernel we build.
resolve_kernel() {
	local k=$1

	extra= brd_dir=
	if is_debian_arm64_kernel "$k"; then
		local dir
		dir=$("$top/scripts/debian-arm64-kernel.sh" "$k") || exit 1
		kdir=$dir/build image=$dir/Image brd_dir=$dir/modules/kernel/drivers/block
		return
	fi
	if is_built_kernel "$k"; then
		kdir=$("$top/scripts/build-kernel.sh" "$k") || exit 1
		# brd is built in and sized here (one 1 MiB RAM disk, /dev/ram0).
		extra="brd.rd_nr=1 brd.rd_size=1024"
		if [ "$(kernel_arch "$k")" = arm64 ]; then
			image=$kdir/arch/arm64/boot/Image
			return
		fi
		image=$kdir/arch/x86/boot/bzImage
		# Probing PCI through ACPI is slow under TCG.
		extra+=" pci=noacpi"
		# KASAN reports must stop the run; KFENCE is sampled, not free.
		case $k in debug*) extra+=" kasan.fault=panic kfence.sample_interval=10" ;; esac
		return
	fi
	kdir=/lib/modules/$k/build
	[ -d "$kdir" ] || kdir=/usr/src/linux-headers-$k
	[ -d "$kdir" ] && [ -f "/boot/vmlinuz-$k" ] ||
		die "kernel $k: need /boot/vmlinuz-$k and its headers (apt-get install linux-image-$k linux-headers-$k)"
	image=$(bootable_image "$k")
}

# build_module KDIR OUT: builds kmod/ (or $MMDEMO_KMOD, as make mutants
# does) against KDIR in OUT/kmod with W=1; any warning fails it (-Werror
# for the compiler, the grep for modpost).  A test build: with the
# selftests' hold points, and instrumented for gcov where KDIR's kernel
# has CONFIG_GCOV_KERNEL (unless MMDEMO_COVERAGE=0), which
# coverage_enabled OUT tells afterwards.
build_module() {
	local kdir=$1 out=$2 kmod=${MMDEMO_KMOD:-$top/kmod} cross=() gcov=0 f

	# Sources copied with their times build incrementally, but objects of
	# other sources (a mutant's) may look newer than ours, and those of
	# another kernel tree make 7.x refuse the directory: start over then.
	[ "$(cat "$out/kmod/.mmdemo-source" 2>/dev/null)" = "$kmod $kdir" ] || rm -rf "$out/kmod"
	mkdir -p "$out/kmod"
	echo "$kmod $kdir" >"$out/kmod/.mmdemo-source"
	# Not the mmdemo.mod.c an in-place build (package-test.sh's, which may
	# run beside this one) leaves in kmod/: modpost writes its own.
	for f in "$kmod"/*.[ch]; do
		[[ $f == *.mod.c ]] || cp -p "$f" "$out/kmod/"
	done
	cp -p "$kmod/Kbuild" "$kmod/Makefile" "$out/kmod/"
	# Kbuild reads the project version from ../VERSION.
	cp -p "$top/VERSION" "$out/"
	mapfile -t cross < <(kbuild_cross "$kdir")
	[ "${MMDEMO_COVERAGE:-1}" = 0 ] || ! grep -q '^CONFIG_GCOV_KERNEL=y' "$kdir/.config" 2>/dev/null ||
		gcov=1
	# Objects of the other kind would stay: a gcov build's must all go.
	[ "$(cat "$out/kmod/.mmdemo-gcov" 2>/dev/null)" = "$gcov" ] || rm -f "$out/kmod"/*.o "$out/kmod"/*.ko
	echo "$gcov" >"$out/kmod/.mmdemo-gcov"
	rm -f "$out/kmod"/*.gcda
	note "$(basename "$out"): building the module (W=1, warnings are errors$([ "$gcov" = 0 ] || echo ', for gcov'))"
	if ! make -s -j"$(nproc)" -C "$out/kmod" KDIR="$kdir" MMDEMO_UAPI="$top/include/uapi" \
		MMDEMO_TEST_HOLD=1 MMDEMO_COVERAGE=$gcov \
		KCFLAGS=-Werror ${cross[@]+"${cross[@]}"} >"$out/kmod-build.log" 2>&1 ||
		grep -qi 'warning' "$out/kmod-build.log"; then
		cat "$out/kmod-build.log" >&2
		return 1
	fi
}

coverage_enabled() {
	[ "$(cat "$1/kmod/.mmdemo-gcov" 2>/dev/null)" = 1 ]
}

# module_tree OUT [BRD_DIR]: OUT/modules/lib/modules/RELEASE/extra/mmdemo.ko
# (and the kernel's brd, from BRD_DIR, default the host's modules of
# RELEASE) with the depmod indexes libkmod reads, so the guest can load
# mmdemo by name.
module_tree() {
	local out=$1 ko=$1/kmod/mmdemo.ko release tree=$1/modules brd_dir

	release=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	rm -rf "$tree"
	mkdir -p "$tree/lib/modules/$release/extra"
	cp "$ko" "$tree/lib/modules/$release/extra/"
	# brd, a RAM disk: the block device the O_DIRECT tests read and write,
	# where the kernel has it as a module (Debian's do; the debug kernel
	# has no block layer).
	# Uncompressed: guest-init.sh loads it with busybox's insmod, which
	# reads no .ko.xz.
	brd_dir=${2:-/lib/modules/$release/kernel/drivers/block}
	for f in "$brd_dir"/brd.ko*; do
		[ -e "$f" ] || continue
		mkdir -p "$tree/lib/modules/$release/kernel/drivers/block"
		case $f in
		*.xz) xz -dc "$f" ;;
		*.zst) zstd -qdc "$f" ;;
		*) cat "$f" ;;
		esac >"$tree/lib/modules/$release/kernel/drivers/block/brd.ko"
	done
	# Empty lists of the kernel's own modules, which depmod expects.
	touch "$tree/lib/modules/$release/"{modules.order,modules.builtin,modules.builtin.modinfo}
	depmod -b "$tree" "$release" || die "depmod failed for $release"
	echo "$tree"
}

# Prints the path of the kernel's usr/gen_init_cpio, building it once.
gen_init_cpio() {
	local bin=$MMDEMO_CACHE/bin/gen_init_cpio

	if [ ! -x "$bin" ]; then
		mkdir -p "$(dirname "$bin")"
		cc -O2 -o "$bin" "$1/usr/gen_init_cpio.c" || die "cannot build gen_init_cpio"
	fi
	echo "$bin"
}
