#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check starts this in the background: it fetches and unpacks, while
# the kernels build, what the later steps would otherwise do in series
# (network waits, xz, dpkg; debootstrap's dpkg and update-initramfs are
# CPU work, so this moves most of it rather than hiding it, and keeps
# it out of the guests' phase), into the cache:
#   - linux-source-6.12 extracted (check-intree.sh, the selftests' harness)
#   - sparse, where Debian 12's is too old for the newest kernel (lint.sh)
#   - Debian's arm64-16k kernel and its module build tree (lint.sh, check.sh)
#   - the arm64 sysroot (check.sh), when an arm64 kernel is tested
#   - the Debian 12 guest made by debootstrap (package-test.sh), as root
#
#   prefetch.sh [KERNEL...]     the kernels make check tests (default: its own)
#
# Each step is one of the scripts that make the entry on first use, which
# hold its cache lock (cache_lock in lib.sh): a step that needs an entry
# this is still making waits for it.  Nothing depends on this having run,
# or on its success: a failure here is met again, and reported, where the
# entry is needed.  Prints what it did and how long each step took.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

arm64=
[ $# -gt 0 ] || arm64=1
for k in "$@"; do
	case $k in arm64-*) arm64=1 ;; esac
done

steps=("$here/kernel-source.sh" "$here/sparse.sh")
[ "$(id -u)" -ne 0 ] || steps+=("$here/debian-guest.sh")
steps+=("$here/debian-arm64-kernel.sh arm64-16k-$NEWEST_SERIES")
[ -z "$arm64" ] || steps+=("$here/arm64-sysroot.sh")
rc=0
for step in "${steps[@]}"; do
	t0=$SECONDS
	# shellcheck disable=SC2086 # a script and its argument
	if $step >/dev/null; then
		note "${step##*/}: ready ($((SECONDS - t0)) s)"
	else
		note "${step##*/}: failed ($((SECONDS - t0)) s); the step that needs it will try again"
		rc=1
	fi
done
exit "$rc"
