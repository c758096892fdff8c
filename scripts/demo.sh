#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a kernel in qemu, load the module with 'mmdemo load'
# (libkmod), run 'mmdemo tour', unload, and show the tour on this terminal.
#
#   demo.sh [KERNEL]      default: the newest installed 6.12 kernel
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
. "$here/kernels.sh"

build=${MMDEMO_BUILD:-$top/build}
tool=$top/user/mmdemo
src=$(kernel_source)
[ -x "$tool" ] || die "$tool is missing: run 'make user' first"

k=${1:-$(default_kernels | grep '^6\.12\.' | head -n 1)}
[ -n "$k" ] || die "no Debian 6.12 kernel installed: run scripts/install-deps.sh"
resolve_kernel "$k"
out=$build/demo/$k
build_module "$kdir" "$out"

# The guest's script; colour only if this terminal shows it.
script=$out/demo-script
{
	echo '#!/bin/sh'
	if [ ! -t 1 ] || [ -n "${NO_COLOR:-}" ]; then echo 'export NO_COLOR=1'; fi
	cat <<'GUEST'
echo '$ mmdemo load'
mmdemo load || exit 1
echo "mmdemo-vm: insmod ok"
echo '$ mmdemo tour'
start=$(cut -d' ' -f1 /proc/uptime)
mmdemo tour
rc=$?
end=$(cut -d' ' -f1 /proc/uptime)
echo
echo "(the tour took $(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }') s in this VM)"
echo '$ mmdemo unload'
mmdemo unload && echo "mmdemo-vm: rmmod ok"
exit $rc
GUEST
} >"$script"
chmod +x "$script"
"$here/mkinitramfs.sh" "$(gen_init_cpio "$src")" "$out/initramfs.cpio" \
	"$out/kmod/mmdemo.ko" "" --tool "$tool" --script "$script"

note "booting $k in qemu (logs in $out)"
MMDEMO_VM_RAW=1 MMDEMO_ACCEL=$(probe_accel "$image") \
	"$here/vm-run.sh" "$k" "$image" "$out/initramfs.cpio" "$out" "$extra"
