#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make shell, in the guest: load the module, print the help, and give the
# person a root shell on the second serial line (their terminal, through
# qemu's stdio); when it ends, unload the module and let guest-init.sh
# power the VM off.  The host passes its terminal's size as MMDEMO_ROWS
# and MMDEMO_COLS (kernel arguments that become init's environment).
tty=/dev/${MMDEMO_TTY:-ttyS1}
[ -c "$tty" ] || tty=/dev/console

echo '$ mmdemo load'
mmdemo load || exit 1
echo "mmdemo-vm: insmod ok"

[ -z "${MMDEMO_ROWS:-}" ] || stty rows "$MMDEMO_ROWS" cols "$MMDEMO_COLS" <"$tty"
export HOME=/root TERM=${MMDEMO_TERM:-vt100} LANG=C.UTF-8 PAGER=less
export PS1='mmdemo-vm:\w# ' ENV=/mmdemo/shellrc
cd /root || exit 1
cat /mmdemo/shell-help.txt
echo "mmdemo-vm: shell ready"
# A session of its own with the serial line as its controlling terminal
# (-c): Ctrl-C and Ctrl-Z then reach the program in the foreground.
setsid -c sh -i <"$tty" >"$tty" 2>&1
# Its leader's exit hung the line up, for every file open on it: ours
# too (and init's, which reopens it as well).
exec >"$tty" 2>&1
echo "mmdemo-vm: shell exit $?"

echo '$ mmdemo unload'
mmdemo unload && echo "mmdemo-vm: rmmod ok"
