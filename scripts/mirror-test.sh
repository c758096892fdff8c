#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests debian_mirror() of lib.sh: the Debian mirror mmdemo downloads from
# is the one this machine's apt uses, whichever way its sources are
# written, or MMDEMO_DEBIAN_MIRROR.  Each case is an apt configuration of
# its own (APT_CONFIG), so the machine's /etc/apt is only read, never
# changed.  Run by make lint; prints "mirror-test: N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$release" ] || die "/etc/os-release names no VERSION_CODENAME"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# case NAME WANT: debian_mirror() with the sources written to $work/NAME
# (sources.list and sources.list.d/) by the caller must print WANT.
case_is() {
	local name=$1 want=$2 dir=$work/$1 got

	mkdir -p "$dir/sources.list.d" "$dir/apt.conf.d"
	touch "$dir/sources.list"
	cat >"$dir/apt.conf" <<-EOF
		Dir::Etc::SourceList "$dir/sources.list";
		Dir::Etc::SourceParts "$dir/sources.list.d";
		Dir::Etc::Parts "$dir/apt.conf.d";
	EOF
	got=$(APT_CONFIG=$dir/apt.conf debian_mirror)
	if [ "$got" = "$want" ]; then
		passed=$((passed + 1))
		echo "ok: $name: $got"
	else
		failed=$((failed + 1))
		echo "FAIL: $name: got '$got', want '$want'"
	fi
}

mkdir -p "$work"/{deb822,oneline,disabled,none,proxy,override}/sources.list.d

# Debian 12's own layout since 12.?: deb822, security listed first.
cat >"$work/deb822/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: http://security.example.org/debian-security
Suites: $release-security
Components: main

Types: deb deb-src
URIs: http://mirror.example.org/debian/
Suites: $release $release-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
case_is deb822 http://mirror.example.org/debian

# The one-line format, with options, and another repository before it.
cat >"$work/oneline/sources.list" <<EOF
# a comment
deb [arch=amd64] https://packages.example.com/apt stable main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://ftp.example.de/debian $release main
deb http://ftp.example.de/debian-security $release-security main
EOF
case_is oneline http://ftp.example.de/debian

# A caching proxy written into the URI (apt-cacher-ng), in a .list file.
echo "deb http://cache.lan:3142/deb.debian.org/debian $release main" \
	>"$work/proxy/sources.list.d/proxy.list"
case_is proxy http://cache.lan:3142/deb.debian.org/debian

# A disabled entry does not count.
cat >"$work/disabled/sources.list.d/debian.sources" <<EOF
Enabled: no
Types: deb
URIs: http://old.example.org/debian
Suites: $release
Components: main

Types: deb
URIs: http://new.example.org/debian
Suites: $release
Components: main
EOF
case_is disabled http://new.example.org/debian

# No source of this release at all: Debian's own redirector.
case_is none http://deb.debian.org/debian

# The override wins over what apt says.
cp "$work/deb822/sources.list.d/debian.sources" "$work/override/sources.list.d/"
MMDEMO_DEBIAN_MIRROR=http://override.example.org/debian/ case_is override http://override.example.org/debian

echo "mirror-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
