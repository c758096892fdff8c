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
# make shell: the module loaded, then a root shell on this terminal with
# the tool, its manuals, tmux and the selftests (scripts/guest-shell.sh);
# leaving it powers the VM off, and its console is judged as in make check.
#
#   demo.sh [--bench|--shell] [KERNEL]   default: the newest installed 6.12 kernel
#
# KERNEL may be an arm64 one (arm64-16k-7.3, arm64-64k-7.3): the guest then
# runs the cross-built tool under qemu-system-aarch64.
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
case ${1:-} in
--bench | --shell) what=${1#--}; shift ;;
esac
k=${1:-$(default_kernels | grep '^6\.12\.' | head -n 1)}
[ -n "$k" ] || die "no Debian 6.12 kernel installed: run scripts/install-deps.sh"
resolve_kernel "$k"
out=$build/$what/$k
# Not instrumented for gcov, even on 7.3: the tour's and the benchmark's
# faults are timed, and nothing here collects the counters.
MMDEMO_COVERAGE=0 build_module "$kdir" "$out"

# An arm64 guest runs the cross-built tool and tests, with its libraries,
# busybox and tmux from the arm64 sysroot, under TCG.
guest=() selftests=$build/selftests tmux=$(command -v tmux || true)
export MMDEMO_VM_ARCH
MMDEMO_VM_ARCH=$(kernel_arch "$k")
if [ "$MMDEMO_VM_ARCH" = arm64 ]; then
	"$here/cross-build.sh" arm64 "$build"
	sysroot=$("$here/arm64-sysroot.sh")
	tool=$build/arm64/user/mmdemo selftests=$build/arm64/selftests tmux=$sysroot/usr/bin/tmux
	guest=(--sysroot "$sysroot")
	accel=tcg
else
	accel=$(probe_accel "$image")
fi

# run_vm PART THREADS ICOUNT COMMAND: boots once; the guest runs COMMAND
# (a mmdemo subcommand line) between 'mmdemo load' and 'mmdemo unload'.
run_vm() {
	local part=$1 threads=$2 icount=$3 cmd=$4 dir=$out/$1 script

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
# A chart or page leaves the guest on the test console, line by line.
[ $rc -ne 0 ] || [ ! -f /tmp/bench.svg ] || sed 's/^/mmdemo-vm: svg /' /tmp/bench.svg
[ $rc -ne 0 ] || [ ! -f /tmp/tour.html ] || sed 's/^/mmdemo-vm: html /' /tmp/tour.html
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
		"$out/kmod/mmdemo.ko" "" --tool "$tool" --script "$script" ${guest[@]+"${guest[@]}"}
	boot "$part" "$threads" "$icount" "$extra"
}

# boot PART THREADS ICOUNT KERNEL_ARGS: boots the initramfs of PART.
boot() {
	local part=$1 dir=$out/$1 rc=0

	note "booting $k in qemu for $part (logs in $dir)"
	MMDEMO_VM_RAW=1 MMDEMO_TCG_THREAD=$2 MMDEMO_ICOUNT=$3 MMDEMO_ACCEL=$accel \
		"$here/vm-run.sh" "$k" "$image" "$dir/initramfs.cpio" "$dir" "$4" || rc=$?
	if grep -q '^mmdemo-vm: svg ' "$dir/tests.log"; then
		sed -n 's/^mmdemo-vm: svg //p' "$dir/tests.log" | tr -d '\r' >"$out/bench.svg"
		note "chart: $out/bench.svg"
	fi
	if grep -q '^mmdemo-vm: html ' "$dir/tests.log"; then
		sed -n 's/^mmdemo-vm: html //p' "$dir/tests.log" | tr -d '\r' >"$out/tour.html"
		"$here/tour-picture.sh" "$out/tour.html" "$out/sharing.svg"
		note "the tour as a page: $out/tour.html (the README's picture: $out/sharing.svg)"
	fi
	return $rc
}

# The shell's image: the tool, tmux (with the terminfo and UTF-8 locale
# it needs), the manuals rendered here (the guest has no groff) and the
# selftests.
run_shell() {
	local dir=$out/shell man=$out/shell/man rows=24 cols=80 m size

	mkdir -p "$man"
	for m in "$top"/user/man/*.[0-9]; do
		MANWIDTH=80 man -l "$m" 2>/dev/null | col -bx >"$man/$(basename "$m").txt" ||
			die "cannot render $m (man-db and groff-base are needed)"
	done
	[ -x "$tmux" ] || die "tmux is missing: run scripts/install-deps.sh"
	[ -x "$selftests/mmdemo_test_faults" ] || die "no selftests in $selftests: run 'make selftests'"
	"$here/mkinitramfs.sh" "$(gen_init_cpio "$src")" "$dir/initramfs.cpio" \
		"$out/kmod/mmdemo.ko" "" --tool "$tool" --script "$here/guest-shell.sh" \
		--bin "$tmux" --tree /lib/terminfo:/lib/terminfo \
		--tree /usr/lib/locale/C.utf8:/usr/lib/locale/C.utf8 --tree "$man:/usr/share/mmdemo/man" \
		--tree "$here/guest-shell-help.txt:/mmdemo/shell-help.txt" \
		--tree "$here/guest-shellrc:/mmdemo/shellrc" \
		--modules "$(module_tree "$out" "$brd_dir")" ${guest[@]+"${guest[@]}"} \
		"$selftests"/mmdemo_*
	# The guest's terminal gets this one's size, when there is one.
	if size=$(stty size 2>/dev/null) && [ "${size% *}" -gt 0 ]; then
		rows=${size% *} cols=${size#* }
	fi
	MMDEMO_VM_INTERACTIVE=1 boot shell single "" \
		"$extra MMDEMO_ROWS=$rows MMDEMO_COLS=$cols MMDEMO_TERM=${TERM:-vt100}"
}

args=${MMDEMO_BENCH_ARGS:-}
if [ "$what" = shell ]; then
	run_shell
elif [ "$what" = tour ]; then
	run_vm tour single "" "tour --html /tmp/tour.html"
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
