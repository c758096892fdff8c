#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test of make shell: drives the VM's shell as a person would, one
# command at a time on its standard input, and checks what each printed;
# then 'exit', which must power the VM off with a clean console.
#
#   shell-test.sh [KERNEL]         default: make shell's (newest 6.12)
#
# Writes build/shell-test/{session.log,log,result}: the VM's terminal,
# this script's verdicts, and one line "PASSED FAILED" for check.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

out=${MMDEMO_BUILD:-$top/build}/shell-test
mkdir -p "$out"
log=$out/session.log fifo=$out/stdin
rm -f "$fifo" "$out/result"
mkfifo "$fifo"
passed=0 failed=0
exec > >(tee "$out/log") 2>&1

# A session of its own, so that a failed run can end qemu with the rest.
setsid "$here/demo.sh" --shell "$@" <"$fifo" >"$log" 2>&1 &
vm=$!
exec 3>"$fifo"
trap 'exec 3>&-; kill -- -$vm 2>/dev/null; rm -f "$fifo"' EXIT

# The session as text: no \r, no colours or other escape sequences.
text() { tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'; }

# wait_for REGEX SECONDS: until the session's text has a line matching
# REGEX (an extended regex).
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		text | grep -qE -- "$1" && return 0
		kill -0 $vm 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

check() { # check NAME COND...
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok: $name"
	else
		failed=$((failed + 1))
		echo "FAIL: $name"
	fi
}

# run N COMMAND: types COMMAND between two markers and waits for the
# second, which has its exit status; what it printed is then in
# $out/cmd-N.  (The terminal's echo of the typed line holds the markers
# in quotes, so it never matches them.)
run() {
	local n=$1 prev

	prev=$((n - 1))
	shift
	# Type only at a prompt, as a person does: the line editor may drop
	# what arrives while it sets the terminal up.
	if [ "$n" -eq 1 ]; then
		wait_for '^mmdemo-vm:[^#]*# ' 120 || return 1
	else
		prompt_after "$prev" || return 1
	fi
	printf 'echo "@@begin %s"; %s; echo "@@end %s $?"\n' "$n" "$*" "$n" >&3
	wait_for "^@@end $n [0-9]+$" "${WAIT:-120}" || return 1
	text | sed -n "/^@@begin $n$/,/^@@end $n [0-9]*$/p" >"$out/cmd-$n"
	grep -q "^@@end $n 0$" "$out/cmd-$n"
}
has() { grep -qE -- "$2" "$out/cmd-$1"; }
# prompt_after N: waits for the prompt after command N's end marker.
prompt_after() {
	local i
	for ((i = 0; i < 600; i++)); do
		text | sed -n "/^@@end $1 [0-9]*\$/,\$p" | grep -q 'mmdemo-vm:[^#]*# ' && return 0
		kill -0 $vm 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

check "the shell starts, with the module loaded and the help printed" \
	wait_for '^mmdemo-vm: shell ready' 600
check "the help names the commands to try" grep -q 'mmdemo watch --' "$log"
check "mmdemo faults -n 8 --write: 8 faults, one per page" \
	eval 'run 1 mmdemo faults -n 8 --write && has 1 "pass 1: 8 touches, 8 minor faults, 0 major faults, 8 device faults"'
# The guest's page size, from what faults printed: the page numbers below
# follow from it (32 MiB in is page 8192 with 4 KiB pages, 512 with 64 KiB).
ps=$(sed -n 's/.*, page size \([0-9]*\) bytes$/\1/p' "$out/cmd-1" 2>/dev/null | head -n 1)
ps=${ps:-4096}
p32=$(((32 << 20) / ps)) p40=$(((40 << 20) / ps))
check "man mmdemo shows the manual" eval 'run 2 man mmdemo "|" head -n 5 && has 2 "^MMDEMO\(1\)"'
check "man 4 mmdemo shows the device's manual" eval 'run 3 man 4 mmdemo "|" head -n 5 && has 3 "^MMDEMO\(4\)"'
check "mmdemo help faults" eval 'run 4 mmdemo help faults && has 4 "^Usage: mmdemo faults"'
check "a selftest runs from PATH, TAP output" \
	eval 'run 5 mmdemo_test_faults -t touching_k_pages_faults_exactly_k "|" tail -n 3 && has 5 "^# Totals: pass:[1-9][0-9]* fail:0"'
check "tmux runs in the guest" eval 'run 6 tmux -V && has 6 "^tmux [0-9]"'

# mmdemo watch under tmux: pages touched by another process appear, the
# counters and the tracepoint events say so, q and Ctrl-C end it and give
# the terminal back as it was.  32 MiB in is past what the steps above
# touched: page $p32 on, 64 of them.
capture() { # capture N SESSION: the screen of tmux SESSION into cmd-N
	run "$1" sleep 1 ";" tmux capture-pane -p -t "$2"
}
run 7 tmux new-session -d -s w -x 100 -y 40 "'mmdemo watch -o 32M -n 64'"
capture 8 w
check "watch: an untouched range is all dots" has 8 "^ +$p32 \\[\\.{64}\\]"
check "watch: the counters line" has 8 '^faults [0-9]+ \([0-9]+/s\) +resident [0-9]+ pages'
run 9 mmdemo faults -o $(((32 << 20) + 16 * ps)) -n 8 --write -q
capture 10 w
check "watch: 8 pages written by another process appear as w" \
	has 10 "^ +$p32 \\[\\.{16}w{8}\\.{40}\\]"
check "watch: the fault events are shown" has 10 '^  fault: '
run 11 tmux send-keys -t w q ";" sleep 1 ";" tmux has-session -t w "2>&1"
check "watch: q quits" has 11 "can't find session|no server running"

# Ctrl-C: watch dies of SIGINT once it has restored the terminal, so the
# shell around it must ignore SIGINT to go on and look.
run 12 tmux new-session -d -s t -x 100 -y 40 \
	"'trap \"\" INT; stty -g >/tmp/before; mmdemo watch -n 8; echo \$? >/tmp/status; stty -g >/tmp/after; sleep 600'"
run 13 sleep 1 ";" tmux send-keys -t t C-c ";" sleep 1 ";" cmp /tmp/before /tmp/after "&&" echo same-terminal ";" cat /tmp/status
check "watch: Ctrl-C quits and restores the terminal" has 13 '^same-terminal$'
check "watch: Ctrl-C ends it by SIGINT, as a shell expects" has 13 '^130$'
run 14 tmux kill-session -t t

run 15 tmux new-session -d -s c -x 100 -y 40 \
	"'mmdemo watch -o 40M -n 16 -- mmdemo faults -o 40M -n 16 --pattern random --slow'"
WAIT=60 run 16 sleep 7 ";" tmux capture-pane -p -t c
check "watch -- CMD: the command's pages appear" has 16 "^ +$p40 \\[o{16}\\]"
check "watch -- CMD: its output and status are shown" \
	eval 'has 16 "exited with status 0" && has 16 "resident   16 of 16 pages \(mincore\)"'
run 17 tmux kill-server
run 18 mmdemo watch -o 32M -n 64 --frames 2 -i 50 "|" grep -c "'^ *$p32 '"
check "watch without a terminal: frames one after another" has 18 '^2$'
# Colours on a terminal, none with NO_COLOR (the letters stay): the
# screen with its escape sequences (capture-pane -e), colours counted.
run 19 tmux new-session -d -s k -x 100 -y 40 "'mmdemo watch -o 32M -n 64'" ";" \
	tmux new-session -d -s n -x 100 -y 40 "'NO_COLOR=1 mmdemo watch -o 32M -n 64'" ";" sleep 1 ";" \
	echo colour "\$(tmux capture-pane -e -p -t k | grep -c \"\$(printf '\\033')\\[3[0-9]m\")" ";" \
	echo nocolour "\$(tmux capture-pane -e -p -t n | grep -c \"\$(printf '\\033')\\[3[0-9]m\")" ";" \
	tmux capture-pane -p -t n "|" grep "'^ *$p32 '" ";" tmux kill-server
check "watch: coloured on a terminal" has 19 '^colour [1-9]'
check "watch: NO_COLOR leaves the letters and drops the colours" \
	eval 'has 19 "^nocolour 0$" && has 19 "^ +$p32 \[\.{16}w{8}\.{40}\]"'

# Right on the serial console of make shell, the alternate screen and back.
run 20 mmdemo watch -o 32M -n 64 --frames 3
check "watch on the serial console itself" has 20 "^ +$p32 \\[\\.{16}w{8}\\.{40}\\]"
check "watch there enters the alternate screen and leaves it" \
	eval 'grep -qF "$(printf "\033[?1049h")" "$log" && grep -qF "$(printf "\033[?1049l")" "$log"'

prompt_after 20
echo exit >&3
check "exit powers the VM off, module unloaded, console clean" eval 'wait $vm'
check "the session said so" grep -q '(.* under .*; kernel console clean; logs in ' "$log"
echo "$passed $failed" >"$out/result"
echo "shell-test: $passed passed, $failed failed (session in $log)"
[ "$failed" -eq 0 ]
