#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the test VM's initramfs: busybox, scripts/guest-init.sh as /init,
# the module, the test programs and every shared library they need.
#
#   mkinitramfs.sh GEN_INIT_CPIO OUT.cpio MODULE.ko PARAMS [--tool T]
#                  [--script S] [--modules DIR] [--bin PROG]...
#                  [--tree HOSTDIR:GUESTDIR]... [--sysroot DIR] TEST...
#
# --tool puts the mmdemo program beside the module, in /mmdemo (on PATH);
# --script becomes /mmdemo/script, which guest-init.sh runs instead of the
# tests; --modules copies DIR/lib/modules (a depmod'ed tree) into the
# image, so that the module can also be loaded by name; --bin adds a host
# program (tmux, for make shell) to /usr/bin with its libraries; --tree
# copies a host directory's files (terminfo, a locale, man pages), or
# one file; --sysroot takes busybox and every program's libraries from
# DIR (arm64-sysroot.sh's, for an arm64 guest) instead of the host.
# The archive is written by the kernel's usr/gen_init_cpio, which can create
# /dev/console without root.  It is left uncompressed: under TCG the kernel
# would spend longer decompressing it than qemu spends loading it.
set -euo pipefail

gen_init_cpio=$1 out=$2 ko=$3 params=$4
shift 4
tool= script= moddir= bins=() trees=() sysroot=
while [ $# -gt 0 ]; do
	case $1 in
	--tool) tool=$2; shift 2 ;;
	--script) script=$2; shift 2 ;;
	--modules) moddir=$2; shift 2 ;;
	--bin) bins+=("$2"); shift 2 ;;
	--tree) trees+=("$2"); shift 2 ;;
	--sysroot) sysroot=$2; shift 2 ;;
	*) break ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
list=$(mktemp)
trap 'rm -f "$list" "$list.params"' EXIT

declare -A seen=()
add_dir() {
	[ -n "${seen[$1]:-}" ] && return
	[ "$1" = / ] && return
	add_dir "$(dirname "$1")"
	seen[$1]=1
	echo "dir $1 0755 0 0" >>"$list"
}
add_file() { # add_file GUEST_PATH HOST_PATH MODE
	add_dir "$(dirname "$1")"
	echo "file $1 $(readlink -f "$2") $3 0 0" >>"$list"
}
# The shared libraries and loader a dynamic program needs, as ldd sees them.
add_libs() {
	local lib
	[ -z "$sysroot" ] || { add_sysroot_libs "$1"; return; }
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -n "${seen[$lib]:-}" ] && continue
		seen[$lib]=1
		add_file "$lib" "$lib" 0755
	done
}
# The same for a program of another architecture, which ldd cannot run:
# its loader and NEEDED entries, read with readelf and found, recursively,
# in the sysroot's library directories.
add_sysroot_libs() {
	local lib dir found
	lib=$(readelf -lW "$1" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	if [ -n "$lib" ] && [ -z "${seen[$lib]:-}" ]; then
		seen[$lib]=1
		add_file "$lib" "$sysroot$lib" 0755
	fi
	for lib in $(readelf -dW "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		found=
		for dir in /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /lib /usr/lib; do
			[ -e "$sysroot$dir/$lib" ] && { found=$dir/$lib; break; }
		done
		[ -n "$found" ] || { echo "mkinitramfs.sh: $1 needs $lib, which $sysroot lacks" >&2; exit 1; }
		[ -n "${seen[$found]:-}" ] && continue
		seen[$found]=1
		add_file "$found" "$sysroot$found" 0755
		add_sysroot_libs "$sysroot$found"
	done
}

for d in /dev /proc /sys /tmp /root /mmdemo/tests; do add_dir "$d"; done
echo "nod /dev/console 0600 0 0 c 5 1" >>"$list"
add_file /bin/busybox "$sysroot/bin/busybox" 0755
# An arm64 busybox cannot be asked for its applets here; the host's is the
# same Debian 12 package (busybox-static), with the same list.
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] || echo "slink /bin/$applet busybox 0777 0 0" >>"$list"
done
add_file /init "$here/guest-init.sh" 0755
add_file /mmdemo/mmdemo.ko "$ko" 0644
printf '%s\n' "$params" >"$list.params"
add_file /mmdemo/params "$list.params" 0644
if [ -n "$tool" ]; then
	add_file /mmdemo/mmdemo "$tool" 0755
	add_libs "$tool"
fi
[ -z "$script" ] || add_file /mmdemo/script "$script" 0755
if [ -n "$moddir" ]; then
	while read -r f; do
		add_file "/${f#"$moddir"/}" "$f" 0644
	done < <(find "$moddir/lib/modules" -type f)
fi
for b in ${bins[@]+"${bins[@]}"}; do
	add_file "/usr/bin/$(basename "$b")" "$b" 0755
	add_libs "$b"
done
for t in ${trees[@]+"${trees[@]}"}; do
	if [ -f "${t%%:*}" ]; then
		add_file "${t#*:}" "${t%%:*}" 0644
		continue
	fi
	while read -r f; do
		add_file "${t#*:}/${f#"${t%%:*}"/}" "$f" 0644
	done < <(find -L "${t%%:*}" -type f)
done
for t in "$@"; do
	add_file "/mmdemo/tests/$(basename "$t")" "$t" 0755
	add_libs "$t"
done

"$gen_init_cpio" "$list" >"$out"
