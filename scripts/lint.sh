#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static checks of the module: checkpatch.pl --strict, sparse (C=2) and a
# W=1 build with warnings as errors against each given kernel's headers,
# the plain out-of-tree build (make -C KDIR M=kmod) against each, and the
# rule that kernel-version guards live only in kmod/mmdemo_compat.h, no
# bare page size anywhere (page-size-lint.sh), and one UAPI layout for
# x86-64, 32-bit x86 and arm64 (uapi-layout.sh); and the scripts' own
# tests: the Debian mirror taken from apt's sources (mirror-test.sh).
#
#   lint.sh KDIR...     and always the kernels build-kernel.sh makes (the
#                       newest, both debug ones: their checkers change
#                       what the headers expand to, and the 64 KiB arm64
#                       one) and Debian's arm64-16k tree, cross-compiled
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

# checkpatch.pl of the newest kernel: the rules the code should meet today.
src=$(kernel_source "$NEWEST_SERIES")
for k in $(built_kernels); do
	set -- "$@" "$("$here/build-kernel.sh" "$k")"
done
# And Debian's arm64-16k tree, configured as its package is.
set -- "$@" "$("$here/debian-arm64-kernel.sh" "arm64-16k-$NEWEST_SERIES")/build"
sparse=$("$here/sparse.sh")
cd "$top"
fail=0

# What git tracks: not the *.mod.c an in-place `make module` leaves.
mapfile -t files < <(git ls-files 'kmod/*.[ch]' kmod/Kconfig kmod/Kbuild include/uapi/linux/mmdemo.h 2>/dev/null ||
	ls kmod/*.[ch] kmod/Kconfig kmod/Kbuild include/uapi/linux/mmdemo.h | grep -v '\.mod\.c$')
# Runs from the top directory so that .checkpatch.conf applies.
if ! report=$(perl "$src/scripts/checkpatch.pl" --no-tree --strict --terse -f "${files[@]}" 2>&1); then
	echo "$report" | grep -v '^total: 0 errors, 0 warnings, 0 checks' >&2
	echo "lint: checkpatch.pl --strict has findings (above)" >&2
	fail=1
fi

"$here/page-size-lint.sh" || fail=1
"$here/uapi-layout.sh" || fail=1
"$here/mirror-test.sh" | grep -v '^ok: ' || fail=1

if grep -n 'LINUX_VERSION_CODE' kmod/*.[ch] | grep -v '^kmod/mmdemo_compat.h:'; then
	echo "lint: version guards belong in kmod/mmdemo_compat.h only" >&2
	fail=1
fi

for kdir in "$@"; do
	name=$(basename "$(readlink -f "$kdir")")
	out=${MMDEMO_BUILD:-$top/build}/lint/$name
	rm -rf "$out"
	mkdir -p "$out"
	cp kmod/*.[ch] kmod/Kbuild kmod/Makefile "$out/"
	mapfile -t cross < <(kbuild_cross "$kdir")
	# C=2 checks every file even if it is up to date; sparse prints
	# "file:line:col: warning: ..." and the build itself fails on any
	# compiler warning.
	# MMDEMO_TEST_HOLD=1: the test builds' file is checked too.
	if ! make -j"$(nproc)" -C "$out" KDIR="$kdir" MMDEMO_UAPI="$top/include/uapi" MMDEMO_TEST_HOLD=1 \
		CHECK="$sparse" KCFLAGS=-Werror ${cross[@]+"${cross[@]}"} sparse >"$out/sparse.log" 2>&1; then
		cat "$out/sparse.log" >&2
		echo "lint: W=1 build failed against $kdir" >&2
		fail=1
	elif grep -E ': (warning|error):' "$out/sparse.log"; then
		echo "lint: sparse reports problems against $kdir" >&2
		fail=1
	fi
	# Kbuild only warns when its checker-valid.sh refuses the sparse.
	grep -q '^  CHECK ' "$out/sparse.log" || { echo "lint: sparse ($sparse) did not run against $kdir" >&2; fail=1; }

	# What DKMS and every tutorial run, with nothing else set, must build
	# the module from a kmod/ that sits next to include/uapi/.
	plain=$out/plain
	mkdir -p "$plain/kmod" "$plain/include/uapi/linux"
	cp kmod/*.[ch] kmod/Kbuild kmod/Makefile "$plain/kmod/"
	cp include/uapi/linux/mmdemo.h "$plain/include/uapi/linux/"
	if ! make -j"$(nproc)" -C "$kdir" M="$plain/kmod" ${cross[@]+"${cross[@]}"} >"$out/plain.log" 2>&1 ||
		[ ! -f "$plain/kmod/mmdemo.ko" ]; then
		cat "$out/plain.log" >&2
		echo "lint: make -C $kdir M=.../kmod did not build mmdemo.ko" >&2
		fail=1
	fi
done

[ "$fail" -eq 0 ] && echo "lint: checkpatch, sparse ($sparse) and W=1 are clean (${#files[@]} files, $# kernels); make -C KDIR M=kmod builds mmdemo.ko against each"
exit "$fail"
