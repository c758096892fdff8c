#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test of bash completion (completion/mmdemo.bash): what it offers
# where, and that every word it offers is one the tool accepts.
#
#   test_completion.sh TOOL
set -uo pipefail
tool=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../completion/mmdemo.bash
. "$here/../completion/mmdemo.bash"
fail=0

# complete WORD...: COMPREPLY for the command line "mmdemo WORD...", the
# last word being the one under the cursor.
complete_line() {
	COMP_WORDS=("$tool" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_mmdemo
	printf '%s\n' "${COMPREPLY[@]}"
}

# expect WHAT GOT WANT...: each WANT is one line of GOT.
expect() {
	local what=$1 got=$2 w
	shift 2
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" && continue
		echo "FAIL: $what: '$w' not offered; got: $(echo $got)"
		fail=1
	done
}
expect_none() {
	[ -z "$2" ] && return
	echo "FAIL: $1: expected nothing, got: $(echo $2)"
	fail=1
}

expect "commands" "$(complete_line '')" faults map share tour bench help
expect "commands by prefix" "$(complete_line fa)" faults
[ "$(complete_line fa | wc -l)" -eq 1 ] || { echo "FAIL: 'fa' offers more than faults"; fail=1; }
expect "help CMD" "$(complete_line help m)" map modes
expect "faults options" "$(complete_line faults --)" --pages --backing --pattern --json --device
expect "faults options after a value" "$(complete_line faults -n 8 --)" --write --backing
expect "backing modes" "$(complete_line faults --backing '')" page insert pfn eager huge insert+around
expect "backing modes, short option" "$(complete_line faults -b i)" insert insert+around
expect "patterns" "$(complete_line map --touch '')" sequential random stride:
expect "bench parts" "$(complete_line bench --only '')" faults throughput threads
expect_none "a number is typed, not completed" "$(complete_line faults --pages '')"
expect "device is a file" "$(complete_line info --device "$here/fixtures/smaps-d")" "$here/fixtures/smaps-device.txt"

# Every option a command's --help lists (usage and option lines) is offered, and every value
# offered for an option is one the tool's parser takes (getopt reads
# options in order, so a bad value fails before --help is reached).
for cmd in $("$tool" __complete | grep -v -e '^-' -e '^help$'); do
	offered=$(complete_line "$cmd" --)
	for opt in $("$tool" "$cmd" --help | grep -E '^(Usage:|  +(-[a-zA-Z], +)?--)' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u); do
		expect "$cmd options" "$offered" "$opt"
	done
	for opt in $offered; do
		for v in $(complete_line "$cmd" "$opt" ''); do
			case $v in *:) v=${v}2 ;; esac
			"$tool" "$cmd" "$opt" "$v" --help >/dev/null 2>&1 ||
				{ echo "FAIL: mmdemo $cmd $opt $v is refused, yet offered"; fail=1; }
		done
	done
done
exit $fail
