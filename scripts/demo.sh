#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a kernel in qemu, load the module with 'mmdemo load'
# (libkmod), run 'mmdemo tour', unload, and show the tour on this terminal.
# make bench: 'mmdemo bench' in two boots.  The fault costs and throughput
# run under single-threaded TCG with -icount (guest time counts
# instructions), so that they repeat from run to run on a busy machine;
# one thread against two runs on two vCPUs that really run in parallel
# (multi-threaded TCG), whose times are real and vary.  Under KVM both
# run in one boot.  The SVG chart lands in the build dir.
#
#   demo.sh [--bench] [KERNEL]      default: the newest installed 6.12 kernel
#
# MMDEMO_BENCH_ARGS adds arguments to both bench runs (e.g. "-n 512").
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

accel=$(probe_accel "$image")

# run_vm PART THREADS ICOUNT COMMAND: boots once; the guest runs COMMAND
# (a mmdemo subcommand line) between 'mmdemo load' and 'mmdemo unload'.
run_vm() {
	local part=$1 threads=$2 icount=$3 cmd=$4 dir=$out/$1 script rc=0

	mkdir -p "$dir"
	script=$dir/demo-script
	{
		echo '#!/bin/sh'
		if [ ! -t 1 ] || [ -n "${NO_COLOR:-}" ]; then echo 'export NO_COLOR=1'; fi
		echo "cmd='$cmd'"
		cat <<'GUEST'
echo '$ mmdemo load'
mmdemo load || exit 1
echo "mmdemo-vm: insmod ok"
start=$(cut -d' ' -f1 /proc/uptime)
echo "\$ mmdemo $cmd"
# shellcheck disable=SC2086
mmdemo $cmd
rc=$?
# A chart leaves the guest on the test console, line by line.
[ $rc -ne 0 ] || [ ! -f /tmp/bench.svg ] || sed 's/^/mmdemo-vm: svg /' /tmp/bench.svg
end=$(cut -d' ' -f1 /proc/uptime)
echo
echo "(that took $(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }') s of this VM's time)"
echo '$ mmdemo unload'
mmdemo unload && echo "mmdemo-vm: rmmod ok"
exit $rc
GUEST
	} >"$script"
	chmod +x "$script"
	"$here/mkinitramfs.sh" "$(gen_init_cpio "$src")" "$dir/initramfs.cpio" \
		"$out/kmod/mmdemo.ko" "" --tool "$tool" --script "$script"
	note "booting $k in qemu for $part (logs in $dir)"
	MMDEMO_VM_RAW=1 MMDEMO_TCG_THREAD=$threads MMDEMO_ICOUNT=$icount MMDEMO_ACCEL=$accel \
		"$here/vm-run.sh" "$k" "$image" "$dir/initramfs.cpio" "$dir" "$extra" || rc=$?
	if grep -q '^mmdemo-vm: svg ' "$dir/tests.log"; then
		sed -n 's/^mmdemo-vm: svg //p' "$dir/tests.log" | tr -d '\r' >"$out/bench.svg"
		note "chart: $out/bench.svg"
	fi
	return $rc
}

args=${MMDEMO_BENCH_ARGS:-}
if [ "$what" = tour ]; then
	run_vm tour single "" tour
elif [ "$accel" = tcg ]; then
	note "bench mode: repeatable: fault costs and throughput under single-threaded TCG" \
		"with -icount shift=0,sleep=off (guest time counts instructions, 1 ns each)"
	rc=0
	run_vm bench-repeatable single 1 \
		"bench --only faults,throughput --repeat 9 --svg /tmp/bench.svg $args" || rc=$?
	note "bench mode: parallel: one thread against two under multi-threaded TCG" \
		"(real time: these figures vary from run to run)"
	# 4096 pages a run and 31 rounds: thread start-up and the host's
	# hiccups weigh less (the controls then vary by about 0.05x, not 0.3x).
	run_vm bench-threads multi "" "bench --only threads --repeat 31 --pages 4096 $args" ||
		rc=$?
	exit $rc
else
	note "bench mode: $accel, real time (figures vary from run to run)"
	run_vm bench multi "" "bench --repeat 9 --svg /tmp/bench.svg $args"
fi
