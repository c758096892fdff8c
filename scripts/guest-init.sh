#!/bin/sh
# /init of the test VM: load the module, run every test program, unload the
# module, report, and reset the machine (qemu runs with -no-reboot, so the
# reset ends it).
#
# Kernel messages go to the console (ttyS0, ttyAMA0 on arm64); everything
# this script and the tests print goes to ttyS1 (hvc0), so the host can read
# test output without kernel lines woven into it.  The host trusts only the
# markers below:
#   mmdemo-vm: insmod ok|failed
#   mmdemo-vm: test NAME exit N
#   mmdemo-vm: kmemleak N suspects, M from mmdemo   (debug kernels)
#   mmdemo-vm: kcsan enabled 1, setup_watchpoints N, data_races M   (kcsan)
#   mmdemo-vm: rmmod ok|failed
#   mmdemo-vm: gcov FILE.gcda, its base64 lines, mmdemo-vm: gcov end
#   mmdemo-vm: end
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Pseudo-terminals, for tmux (make shell) and the tests that use them.
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

# The host names the line on the kernel command line (vm-run.sh).
out=/dev/${MMDEMO_TTY:-ttyS1}
[ -c "$out" ] || out=/dev/console
exec >"$out" 2>&1 </dev/null

say() { echo "mmdemo-vm: $*"; }

say "booted $(uname -r) in $(cut -d' ' -f1 /proc/uptime) s"
export PATH=/mmdemo:$PATH

# A script in the image (make demo) replaces the test run; it prints the
# insmod/rmmod markers itself.
if [ -x /mmdemo/script ]; then
	say "test script start"
	/mmdemo/script
	rc=$?
	# A shell the script ran as a session leader on this line (make
	# shell) hung it up on exit: reopen it.
	exec >"$out" 2>&1
	say "test script exit $rc"
	say "end"
	sync
	reboot -f
fi

params=$(cat /mmdemo/params 2>/dev/null)
# shellcheck disable=SC2086 # params is a list of name=value words
if insmod /mmdemo/mmdemo.ko $params; then
	say "insmod ok"
else
	say "insmod failed"
fi

# A 1 MiB RAM disk (/dev/ram0) for the O_DIRECT tests, if the tree has brd.
for m in /lib/modules/"$(uname -r)"/kernel/drivers/block/brd.ko*; do
	[ -e "$m" ] && insmod "$m" rd_nr=1 rd_size=1024
done

export MMDEMO_KO=/mmdemo/mmdemo.ko
[ -x /mmdemo/mmdemo ] && export MMDEMO_TOOL=/mmdemo/mmdemo
export NO_COLOR=1
cd /mmdemo/tests || exit 1
for t in *; do
	[ -x "$t" ] || continue
	say "test $t start"
	"./$t"
	say "test $t exit $?"
done
cd /

# kmemleak (the debug kernels): what was allocated during the tests and
# lost.  It reports nothing younger than 5 s, hence the wait; a second
# scan drops objects that were only in flight during the first.
leaks=/sys/kernel/debug/kmemleak
if [ -w "$leaks" ]; then
	sleep 6
	echo scan >"$leaks"
	echo scan >"$leaks"
	n=$(grep -c '^unreferenced object' "$leaks")
	ours=$(awk '/^unreferenced object/ { if (b ~ /mmdemo/) m++; b = "" }
		{ b = b $0 "\n" } END { if (b ~ /mmdemo/) m++; print m + 0 }' "$leaks")
	say "kmemleak $n suspects, $ours from mmdemo"
	[ "$ours" = 0 ] || cat "$leaks"
fi

# KCSAN (the kcsan kernel): that it was on, and how much it watched.
if [ -r /sys/kernel/debug/kcsan ]; then
	say "kcsan $(awk -F': ' '$1 == "enabled" || $1 == "setup_watchpoints" ||
		$1 == "data_races" { printf "%s%s %s", sep, $1, $2; sep = ", " }' /sys/kernel/debug/kcsan)"
fi

if rmmod mmdemo; then
	say "rmmod ok"
else
	say "rmmod failed"
fi

# gcov (a module built for coverage, on a kernel with CONFIG_GCOV_KERNEL):
# the counters of every run of the module, the tests' reloads included,
# which the kernel keeps after rmmod; to the host as base64, one file each.
if [ -d /sys/kernel/debug/gcov ]; then
	find /sys/kernel/debug/gcov -name 'mmdemo*.gcda' | while read -r f; do
		say "gcov ${f##*/}"
		base64 -w 0 "$f"; echo
		say "gcov end"
	done
fi
say "end"
sync
reboot -f
