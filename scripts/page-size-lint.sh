#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fails on a page size or a huge-page size written as a bare number in
# the C of kmod/, user/ and selftests/: 4096, 512, 2 MiB (2097152,
# 0x200000, 2 << 20, 1 << 21, "2 MiB", "2M"), 4 KiB ("4 KiB", 0x1000).
# Each is true of x86-64 only; arm64 kernels run with 16 and 64 KiB pages,
# where a PMD entry maps 32 or 512 MiB.  Sizes come from the running
# kernel (PAGE_SIZE, PMD_SIZE, sysconf(_SC_PAGESIZE), smaps'
# KernelPageSize, THP's hpage_pmd_size), or from a named constant that
# says what it is, on a line of its own:
#
#   #define ERR_MAX 4096          (a #define)
#   ACCESS_MAX = 512,             (an enumerator)
#
# Comments are not read; strings are, as they are what the tool prints.
#
#   page-size-lint.sh [FILE...]   default: every .c and .h of those trees
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

[ $# -gt 0 ] || set -- $(find kmod user selftests -name '*.[ch]' ! -name '*.mod.c' | sort)

bare='\<(4096|512|2097152)\>|\<0x(200000|1000)\>|\<2[UL]*[[:space:]]*<<[[:space:]]*20\>|\<1[UL]*[[:space:]]*<<[[:space:]]*21\>|\<2[[:space:]]?MiB\>|\<4[[:space:]]?KiB\>|\<2M\>'
named='[[:space:]]*(#[[:space:]]*define[[:space:]]+[A-Z_][A-Z0-9_]*[[:space:]]|[A-Z_][A-Z0-9_]*[[:space:]]*=[^=])'
found=0
for f in "$@"; do
	# Comments out (block comments may span lines), line numbers kept.
	hits=$(perl -0777 -pe 's{/\*.*?\*/}{ my $c = $&; $c =~ s/[^\n]//g; $c }gse; s{//[^\n]*}{}g' "$f" |
		grep -nE "$bare" | grep -vE "^[0-9]+:$named" || true)
	[ -n "$hits" ] || continue
	found=1
	sed "s|^|$f:|" <<<"$hits"
done
if [ "$found" -ne 0 ]; then
	echo "page-size-lint: a page or huge-page size written as a number (above): take it from the kernel, or name it (see $0)" >&2
	exit 1
fi
echo "page-size-lint: no bare 4096, 512, 2 MiB or 4 KiB in kmod/, user/, selftests/"
