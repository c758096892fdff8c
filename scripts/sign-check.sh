#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks 'make sign': with a throwaway key and certificate made by
# openssl, the module built against KDIR is signed by the kernel's own
# scripts/sign-file, and modinfo names the signer and the hash.
#
#   sign-check.sh KDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

KDIR=${1:?usage: sign-check.sh KDIR}
command -v openssl >/dev/null || die "openssl is missing: run scripts/install-deps.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

cn="mmdemo sign-check $$"
openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$cn/" \
	-outform DER -keyout "$dir/key.pem" -out "$dir/cert.der" 2>/dev/null ||
	die "openssl could not make a key"
make -s --no-print-directory -C "$top" module KDIR="$KDIR" >/dev/null
[ -z "$(/sbin/modinfo -F signer "$top/kmod/mmdemo.ko")" ] || die "the module was signed before 'make sign'"
make -s --no-print-directory -C "$top" sign KDIR="$KDIR" SIGN_KEY="$dir/key.pem" \
	SIGN_CERT="$dir/cert.der"
signer=$(/sbin/modinfo -F signer "$top/kmod/mmdemo.ko")
hash=$(/sbin/modinfo -F sig_hashalgo "$top/kmod/mmdemo.ko")
[ "$signer" = "$cn" ] || die "modinfo -F signer says '$signer', not '$cn'"
[ "$hash" = sha256 ] || die "modinfo -F sig_hashalgo says '$hash', not sha256"
# A signed module stays a module: the next build starts from an unsigned one.
make -s --no-print-directory -C "$top/kmod" KDIR="$KDIR" clean >/dev/null
echo "sign-check: make sign: modinfo signer '$signer', hash $hash"
