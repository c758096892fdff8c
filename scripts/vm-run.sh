#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boots one kernel with a test initramfs (see mkinitramfs.sh and
# guest-init.sh), streams the test output, and judges the run.
#
#   vm-run.sh NAME IMAGE INITRAMFS LOGDIR [EXTRA_KERNEL_ARGS]
#
# Writes LOGDIR/console.log (the kernel's serial console), LOGDIR/tests.log
# (what the guest's tests printed), LOGDIR/qemu.log, and LOGDIR/result, one
# line "PASSED FAILED SKIPPED".  Exits 0 only if the guest reached its end marker,
# every test passed, rmmod worked and the console holds no kernel splat.
# qemu's own exit status means nothing: it is 0 even after a guest panic.
#
# Environment: MMDEMO_VM_ARCH=x86_64|arm64 (default x86_64: qemu's pc
# with two 8250 serial lines; arm64: -M virt, its PL011 for the kernel's
# console and a virtio console, hvc0, for the guest's own output, as virt
# has one UART), MMDEMO_ACCEL=kvm|tcg (default tcg; check.sh probes KVM),
# MMDEMO_VM_TIMEOUT seconds (default 600), MMDEMO_VM_SMP, MMDEMO_VM_MEM,
# MMDEMO_TCG_THREAD=single|multi (default single, see below),
# MMDEMO_ICOUNT=1 for guest time that counts instructions (TCG, single),
# MMDEMO_VM_RAW=1 to show the guest's output as it is (no "[name] "
# prefix, no marker lines), as make demo does; MMDEMO_VM_INTERACTIVE=1
# to connect the guest's second serial line (its shell, for make shell)
# to this terminal instead, still logged to tests.log, with no time limit
# (make shell).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 4 ] || die "usage: vm-run.sh NAME IMAGE INITRAMFS LOGDIR [KERNEL_ARGS]"
name=$1 image=$2 initramfs=$3 logdir=$4 extra=${5:-}
accel=${MMDEMO_ACCEL:-tcg}
timeout=${MMDEMO_VM_TIMEOUT:-600}
interactive=${MMDEMO_VM_INTERACTIVE:-}
mkdir -p "$logdir"
console=$logdir/console.log tests=$logdir/tests.log qlog=$logdir/qemu.log
rm -f "$logdir/console.boot-failure.log"

splat=$KERNEL_SPLAT

vm_arch=${MMDEMO_VM_ARCH:-x86_64}
cpu=max accel_opts=$accel
case $vm_arch in
x86_64)
	qemu=qemu-system-x86_64 machine=() kconsole=ttyS0 gtty=ttyS1
	karch="tsc=reliable"
	;;
arm64)
	# -cpu max: of qemu's arm64 CPUs the one with every granule, 4, 16
	# and 64 KiB; pauth-impdef: its pointer authentication with a cheap
	# hash instead of QARMA, which under TCG costs more than all else.
	qemu=qemu-system-aarch64 machine=(-M virt) kconsole=ttyAMA0 gtty=hvc0
	cpu=max,pauth-impdef=on karch=
	;;
*) die "MMDEMO_VM_ARCH: x86_64 or arm64, not $vm_arch" ;;
esac
[ "$accel" = kvm ] && cpu=host
# Multi-threaded TCG (qemu 7.2) lets one vCPU run a half-patched
# instruction while another patches kernel text, as switching a
# tracepoint's static key does: seen as "Oops: int3" in ttwu_do_activate
# on 6.12 and as a silent hang on 6.1, both while a test enabled the
# mmdemo events.  Single-threaded TCG runs the vCPUs in turn, which has no
# such race; benchmarks that need two CPUs at once ask for multi.
[ "$accel" = tcg ] && accel_opts=tcg,thread=${MMDEMO_TCG_THREAD:-single}
# -icount shift=0: the guest's clocks advance 1 ns per instruction run, so
# a benchmark's timings repeat however busy this machine is; sleep=off
# lets an idle guest's time jump ahead instead of waiting for real time.
icount=()
if [ -n "${MMDEMO_ICOUNT:-}" ]; then
	[ "$accel_opts" = tcg,thread=single ] ||
		die "MMDEMO_ICOUNT needs single-threaded TCG, not $accel_opts"
	icount=(-icount shift=0,sleep=off)
fi

# Guest output for the terminal: prefixed with the kernel's name, or raw;
# without the gcov counters (coverage.sh reads them from tests.log), whose
# base64 lines are all there is to a line: no test prints such.
show() {
	sed -e '/^mmdemo-vm: gcov /d' -e '/^[A-Za-z0-9+/=]\{16,\}\r\{0,1\}$/d' |
		if [ -n "${MMDEMO_VM_RAW:-}" ]; then
			grep -v '^mmdemo-vm: ' || true
		else
			sed "s/^/[$name] /"
		fi
}

# Milliseconds since qemu started, from bash's own clock.
elapsed_ms() { local t=${EPOCHREALTIME/./}; echo $(((t - start) / 1000)); }

# guest_line CHARDEV: the guest's own line (ttyS1 or hvc0) on CHARDEV;
# appends to boot()'s qemu arguments.
guest_line() {
	case $vm_arch in
	x86_64) qargs+=(-serial "chardev:$1") ;;
	arm64) qargs+=(-device "virtconsole,chardev=$1") ;;
	esac
}

# Boots once, streaming the guest's output until qemu ends or time runs out.
boot() {
	local qpid n

	: >"$console"; : >"$tests"; : >"$qlog"
	# panic=-1 and -no-reboot: a panic or the guest's final reboot ends qemu.
	# init_on_alloc=0: Debian's kernels zero every new page by default,
	# which would hide a device that gives out pages it did not zero.
	# MMDEMO_TTY tells guest-init.sh which line is the guest's own.
	qargs=(${machine[@]+"${machine[@]}"} -accel "$accel_opts" ${icount[@]+"${icount[@]}"} -cpu "$cpu" \
		-smp "${MMDEMO_VM_SMP:-2}" -m "${MMDEMO_VM_MEM:-1G}" -nodefaults -display none -no-reboot \
		-kernel "$image" -initrd "$initramfs" \
		-append "console=$kconsole loglevel=5 panic=-1 $karch init_on_alloc=0 MMDEMO_TTY=$gtty $extra" \
		-serial "file:$console")
	[ "$vm_arch" = x86_64 ] || qargs+=(-device virtio-serial-pci)
	if [ -n "$interactive" ]; then
		# signal=off: Ctrl-C goes to the guest's foreground program,
		# not to qemu; the monitor shares the line, as -serial
		# mon:stdio does, so that Ctrl-A x still ends a hung guest.
		# qemu puts a terminal in raw mode and back.  <&0: a job run
		# with & would read /dev/null, as bash gives it without job control.
		qargs+=(-chardev "stdio,id=shell,mux=on,signal=off,logfile=$tests" -mon chardev=shell)
		guest_line shell
		"$qemu" "${qargs[@]}" <&0 2>"$qlog" &
	else
		qargs+=(-chardev "file,id=out,path=$tests")
		guest_line out
		"$qemu" "${qargs[@]}" </dev/null >"$qlog" 2>&1 &
	fi
	qpid=$!
	start=${EPOCHREALTIME/./} printed=0 first_test= timed_out=
	while kill -0 "$qpid" 2>/dev/null; do
		n=$(wc -l <"$tests")
		if [ -n "$interactive" ]; then
			printed=$n
		elif [ "$n" -gt "$printed" ]; then
			sed -n "$((printed + 1)),${n}p" "$tests" | show
			printed=$n
		fi
		if [ -z "$first_test" ] && grep -q '^mmdemo-vm: test .* start' "$tests"; then
			first_test=$(elapsed_ms)
			first_test=$((first_test / 1000)).$(printf '%03d' $((first_test % 1000)))
		fi
		if [ -z "$interactive" ] && [ "$(elapsed_ms)" -gt $((timeout * 1000)) ]; then
			timed_out=1
			kill "$qpid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	wait "$qpid" 2>/dev/null || true
	n=$(wc -l <"$tests")
	[ -n "$interactive" ] || [ "$n" -le "$printed" ] || sed -n "$((printed + 1)),${n}p" "$tests" | show
}

boot
# Under multi-threaded TCG the stock kernels have, rarely, oopsed while
# patching their own text during boot (an int3 left in sched_clock_cpu),
# long before anything of ours runs.  Only a crash before the guest's
# init started is retried, once, and the first console is kept.
if [ -z "$timed_out" ] && ! grep -q '^mmdemo-vm: booted' "$tests" &&
	grep -qE "$splat" "$console"; then
	cp "$console" "$logdir/console.boot-failure.log"
	echo "[$name] the kernel crashed before userspace started" \
		"($logdir/console.boot-failure.log); booting once more"
	boot
fi

# KCSAN (the kcsan kernel) reports races all over the kernel; a report is
# ours, and fails the run, when one of its racing accesses is in mmdemo's
# code: the top frame of an access's stack (the line after its "read" or
# "write ... by task" line) is "[mmdemo]", helpers inlined into it
# included.  A core race merely reached through mmdemo (a zap racing with
# a page-table walk, say: our ioctl is then only further down the stack)
# is not ours.  Ours are copied to one file and stay in the console; the
# others are moved to another before the splat check below, and counted.
# A report runs from its "BUG: KCSAN:" line to the "=====" line closing it.
kcsan_ours=$logdir/kcsan-mmdemo.log kcsan_others=$logdir/kcsan-other.log
rm -f "$kcsan_ours" "$kcsan_others"
judged=$console
if grep -q 'BUG: KCSAN:' "$console"; then
	judged=$logdir/console.judged.log
	awk -v ours="$kcsan_ours" -v others="$kcsan_others" '
		function file_report() {
			if (ours_top) {
				printf "%s", report >>ours
				printf "%s", report
			} else {
				printf "%s", report >>others
			}
			in_report = 0
		}
		/BUG: KCSAN:/ { in_report = 1; report = ""; ours_top = 0; top = 0 }
		in_report {
			report = report $0 "\n"
			if (top && $0 ~ /\[mmdemo\]/)
				ours_top = 1
			top = $0 ~ / by (task [0-9]+|interrupt) on cpu/
			if ($0 ~ /=====/)
				file_report()
			next
		}
		{ print }
		END { if (in_report) file_report() }
	' "$console" >"$judged"
fi
kcsan_count() {
	if [ -f "$1" ]; then grep -c 'BUG: KCSAN:' "$1" || true; else echo 0; fi
}
[ "$judged" = "$console" ] ||
	echo "$(($(kcsan_count "$kcsan_ours") + $(kcsan_count "$kcsan_others"))) reports, $(kcsan_count "$kcsan_ours") racing in mmdemo" \
		>"$logdir/kcsan"

# An OOM kill prints a report with a stack dump.  A memory cgroup's kill
# of a selftest process is the behaviour under test
# (device_pages_are_charged_to_the_faulting_cgroup), not a splat: such
# reports are moved to a file of their own and counted, unless something
# else (a WARNING, a KASAN report...) is caught inside one.  Any other OOM
# report stays and fails the run.  A report runs from its "invoked
# oom-killer" line to its "Killed process" line (the cgroup's name is not
# on the console at loglevel 5).
oom_expected=$logdir/oom-expected.log
rm -f "$oom_expected" "$logdir/oom"
expected_oom='Memory cgroup out of memory: Killed process [0-9]+ [(]mmdemo_test'
if grep -qE "$expected_oom" "$console"; then
	awk -v expected="$oom_expected" -v kill="$expected_oom" -v other="${splat//|Call Trace/}" '
		function file_report() {
			split(report, lines, "\n")
			if (report ~ kill && report !~ other &&
			    lines[1] ~ /(^|\] )mmdemo_test[a-z_]* invoked oom-killer:/)
				printf "%s", report >>expected
			else
				printf "%s", report
			in_report = 0
		}
		/invoked oom-killer:/ { in_report = 1; report = "" }
		in_report {
			report = report $0 "\n"
			if ($0 ~ /Killed process/)
				file_report()
			next
		}
		{ print }
		END { if (in_report) file_report() }
	' "$judged" >"$logdir/console.oom-judged.log"
	judged=$logdir/console.oom-judged.log
	echo "$(grep -c 'Killed process' "$oom_expected" || true) cgroup OOM kills, as tested" >"$logdir/oom"
fi

# Count TAP results; a test program that died or failed without saying
# "not ok" still counts as one failure.
passed=$(grep -E '^ok [0-9]+ ' "$tests" | grep -vc '# SKIP' || true)
skipped=$(grep -E '^ok [0-9]+ ' "$tests" | grep -c '# SKIP' || true)
failed=$(grep -cE '^not ok [0-9]+ ' "$tests" || true)
problems=()
while read -r prog rc; do
	case $rc in
	0|4) ;;
	*) grep -qE '^not ok ' "$tests" || failed=$((failed + 1))
	   problems+=("$prog exited with status $rc") ;;
	esac
done < <(sed -n 's/^mmdemo-vm: test \(.*\) exit \([0-9]*\)$/\1 \2/p' "$tests")
started=$(grep -c '^mmdemo-vm: test .* start' "$tests" || true)
ended=$(grep -c '^mmdemo-vm: test .* exit' "$tests" || true)
[ "$started" = "$ended" ] || { failed=$((failed + 1)); problems+=("a test program never finished"); }
grep -q '^mmdemo-vm: insmod ok' "$tests" || { failed=$((failed + 1)); problems+=("insmod failed or never ran"); }
grep -q '^mmdemo-vm: rmmod ok' "$tests" || { failed=$((failed + 1)); problems+=("rmmod failed or never ran"); }
if ! grep -q '^mmdemo-vm: end' "$tests"; then
	failed=$((failed + 1))
	if [ -n "$timed_out" ]; then
		problems+=("the guest hung: killed after ${timeout} s")
	else
		problems+=("the guest stopped before its end marker (panic or crash?)")
	fi
fi
case $name in
kcsan-*)
	grep -q '^mmdemo-vm: kcsan enabled 1,' "$tests" || {
		failed=$((failed + 1))
		problems+=("KCSAN was not on: nothing was checked for data races")
	}
	;;
esac
if [ "$(kcsan_count "$kcsan_ours")" -ne 0 ]; then
	failed=$((failed + 1))
	problems+=("KCSAN: $(kcsan_count "$kcsan_ours") data races in mmdemo code ($kcsan_ours)")
elif grep -qE "$splat" "$judged"; then
	failed=$((failed + 1))
	problems+=("the kernel console shows a splat")
fi
ours=$(sed -n 's/^mmdemo-vm: kmemleak [0-9]* suspects, \([0-9]*\) from mmdemo.*/\1/p' "$tests")
if [ -n "$ours" ] && [ "$ours" -ne 0 ]; then
	failed=$((failed + 1))
	problems+=("kmemleak: $ours leaked objects allocated through mmdemo (in $tests)")
fi

echo "$passed $failed $skipped" >"$logdir/result"
# What failed, by name, for check.sh's summary: CI logs keep only the tail.
{
	grep -E '^not ok [0-9]+ ' "$tests" || true
	for p in ${problems[@]+"${problems[@]}"}; do echo "$p"; done
} >"$logdir/failures"
if [ ${#problems[@]} -gt 0 ]; then
	for p in "${problems[@]}"; do echo "[$name] FAIL: $p"; done
	if grep -qE "$splat" "$judged"; then
		echo "[$name] splat lines in $judged:"
		grep -nE -A20 "$splat" "$judged" | head -60 | sed "s/^/[$name]   /"
	else
		echo "[$name] last console lines ($console):"
		tail -n 25 "$console" | sed "s/^/[$name]   /"
	fi
	grep -q . "$qlog" && sed "s/^/[$name] qemu: /" "$qlog" | tail -n 5
fi
if [ -n "${MMDEMO_VM_RAW:-}" ]; then
	[ "$failed" -ne 0 ] || echo "($name under $accel; kernel console clean; logs in $logdir)"
else
	echo "[$name] boot to first test: ${first_test:-never} s (accel $accel_opts); $passed passed, $failed failed, $skipped skipped; logs in $logdir"
fi
[ "$failed" -eq 0 ]
