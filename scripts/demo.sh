#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a kernel in qemu, load the module with 'mmdemo load'
# (libkmod), run 'mmdemo tour', unload, and show the tour on this terminal.
# make bench: the same with 'mmdemo bench' on two vCPUs that really run in
# parallel (multi-threaded TCG); its SVG chart lands in the build dir.
#
#   demo.sh [--bench] [KERNEL]      default: the newest installed 6.12 kernel
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
. "$here/kernels.sh"

build=${MMDEMO_BUILD:-$top/build}
tool=$top/user/mmdemo
src=$(kernel_source)
[ -x "$tool" ] || die "$tool is missing: run 'make user' first"

what=tour
if [ "${1:-}" = --bench ]; then
	what=bench
	shift
fi
k=${1:-$(default_kernels | grep '^6\.12\.' | head -n 1)}
[ -n "$k" ] || die "no Debian 6.12 kernel installed: run scripts/install-deps.sh"
resolve_kernel "$k"
out=$build/$what/$k
build_module "$kdir" "$out"

# The guest's script; colour only if this terminal shows it.
script=$out/demo-script
{
	echo '#!/bin/sh'
	if [ ! -t 1 ] || [ -n "${NO_COLOR:-}" ]; then echo 'export NO_COLOR=1'; fi
	echo "what=$what"
	cat <<'GUEST'
echo '$ mmdemo load'
mmdemo load || exit 1
echo "mmdemo-vm: insmod ok"
start=$(cut -d' ' -f1 /proc/uptime)
if [ "$what" = bench ]; then
	echo '$ mmdemo bench --repeat 9 --svg /tmp/bench.svg'
	mmdemo bench --repeat 9 --svg /tmp/bench.svg
	rc=$?
	# The chart leaves the guest on the test console, line by line.
	[ $rc -ne 0 ] || sed 's/^/mmdemo-vm: svg /' /tmp/bench.svg
else
	echo '$ mmdemo tour'
	mmdemo tour
	rc=$?
fi
end=$(cut -d' ' -f1 /proc/uptime)
echo
echo "(the $what took $(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }') s in this VM)"
echo '$ mmdemo unload'
mmdemo unload && echo "mmdemo-vm: rmmod ok"
exit $rc
GUEST
} >"$script"
chmod +x "$script"
"$here/mkinitramfs.sh" "$(gen_init_cpio "$src")" "$out/initramfs.cpio" \
	"$out/kmod/mmdemo.ko" "" --tool "$tool" --script "$script"

note "booting $k in qemu (logs in $out)"
threads=single
[ "$what" = tour ] || threads=multi
rc=0
MMDEMO_VM_RAW=1 MMDEMO_TCG_THREAD=$threads MMDEMO_ACCEL=$(probe_accel "$image") \
	"$here/vm-run.sh" "$k" "$image" "$out/initramfs.cpio" "$out" "$extra" || rc=$?
if [ "$what" = bench ] && grep -q '^mmdemo-vm: svg ' "$out/tests.log"; then
	sed -n 's/^mmdemo-vm: svg //p' "$out/tests.log" | tr -d '\r' >"$out/bench.svg"
	note "chart: $out/bench.svg"
fi
exit $rc
