#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compiles uapi-layout.c, the UAPI's sizes, offsets and ioctl numbers as
# static asserts, for x86-64, 32-bit x86 (the compat callers) and arm64,
# each with its own compiler and its libc's kernel headers: the same
# layout everywhere, or a compile error naming the member.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

fail=0
for cc in gcc i686-linux-gnu-gcc aarch64-linux-gnu-gcc; do
	command -v "$cc" >/dev/null || die "$cc is missing: run scripts/install-deps.sh"
	if ! "$cc" -std=c11 -Wall -Werror -I"$top/include/uapi" -fsyntax-only "$here/uapi-layout.c"; then
		echo "uapi-layout: the layout differs for $("$cc" -dumpmachine)" >&2
		fail=1
	fi
done
[ "$fail" -eq 0 ] && echo "uapi-layout: the same sizes, offsets and ioctl numbers for x86_64, i686 and aarch64"
exit "$fail"
