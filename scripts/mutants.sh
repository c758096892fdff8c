#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make mutants: proof that the suite can fail.  Applies each mutant of
# scripts/mutants.txt to a copy of kmod/, one at a time, runs every test on
# one kernel with that module, and says which tests killed it.  Every
# mutant must be killed; a mutant that no longer applies (the code moved)
# or does not build is an error too.
#
#   mutants.sh [KERNEL [NAME...]]     default: 7.3, every mutant
#
# A mutant only a checker can see (kmemleak, KCSAN) names the kernel it needs.
#
# The last line is "N mutants: K killed, S survived".  Logs and the killing
# tests: build/mutants/NAME/{check.log,failures}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

build=${MMDEMO_BUILD:-$top/build}
# A mutant's run is about which tests fail, not which lines ran.
export MMDEMO_COVERAGE=0
kernel=${1:-$NEWEST_SERIES}
[ $# -eq 0 ] || shift
out=$build/mutants
rm -rf "$out"
mkdir -p "$out"

# One directory per mutant: file, old, new, property.
perl -e '
	my ($out, $file, $m) = @ARGV;
	open(my $in, "<", "'"$here"'/mutants.txt") or die "mutants.txt: $!";
	while (<$in>) {
		next if /^#/ || /^$/;
		if (/^= (\S+)/) { $file = $1; next; }
		if (/^@ ([\w-]+): (.*)/) {
			$m = "$out/$1";
			mkdir $m or die "$m: $!";
			open(my $f, ">", "$m/file"); print $f "$file\n";
			open($f, ">", "$m/property"); print $f "$2\n";
			next;
		}
		if (/^> (\S+)/) {
			open(my $f, ">", "$m/kernel"); print $f "$1\n";
			next;
		}
		if (/^([-+])(.*\n)/) {
			open(my $f, ">>", $m . ($1 eq "-" ? "/old" : "/new")); print $f $2;
			next;
		}
		die "mutants.txt:$.: cannot read: $_";
	}' "$out"

# Without a mutant the suite must pass on each kernel used, or a kill would
# mean nothing.
declare -A baseline=()
check_baseline() {
	[ -z "${baseline[$1]:-}" ] || return 0
	note "the suite on $1 without a mutant first"
	"$here/check.sh" "$1" >"$out/baseline-$1.log" 2>&1 ||
		die "the suite fails on $1 without any mutant; see $out/baseline-$1.log"
	baseline[$1]=1
}

names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(cd "$out" && ls -d -- */ | tr -d /)
# The tests that failed, most failures first, without fixture and mode:
# "new_pages_are_zeroed_even_over_recycled_memory (x10), fuzz (x1)".
killers() {
	sed -e 's/^not ok [0-9]* //' -e 's/^fuzz: .*/fuzz/' -e 's/^[a-z]*\.\([a-z]*\.\)\{0,1\}//' "$1" |
		sort | uniq -c | sort -rn | head -n 3 |
		awk '{ n = $1; $1 = ""; printf "%s%s (x%d)", sep, substr($0, 2), n; sep = ", " }'
}

killed=0 survived=0 table=()
for name in "${names[@]}"; do
	m=$out/$name
	[ -d "$m" ] || die "no mutant '$name' in mutants.txt"
	mkdir -p "$m/kmod"
	cp -p "$top"/kmod/*.[ch] "$top/kmod/Kbuild" "$top/kmod/Makefile" "$m/kmod/"
	file=$(cat "$m/file")
	# Exactly one occurrence, replaced; anything else means the list is stale.
	perl -0777 -i -e '
		my ($old, $new) = map { local $/; open(my $f, "<", $_) or die; <$f> } @ARGV[0, 1];
		splice(@ARGV, 0, 2);
		my $text = <>;
		my $n = () = $text =~ /\Q$old\E/g;
		die "found $n times, not once\n" unless $n == 1;
		$text =~ s/\Q$old\E/$new/;
		print $text;' "$m/old" "$m/new" "$m/kmod/${file#kmod/}" ||
		die "mutant $name: its lines no longer match $file: update scripts/mutants.txt"
	k=$(cat "$m/kernel" 2>/dev/null || echo "$kernel")
	check_baseline "$k"
	note "mutant $name on $k: $(cat "$m/property")"
	rc=0
	MMDEMO_KMOD=$m/kmod "$here/check.sh" "$k" >"$m/check.log" 2>&1 || rc=$?
	grep -q 'module build failed' "$m/check.log" &&
		die "mutant $name does not build; see $m/check.log"
	cp "$build/kernels/$k/failures" "$m/failures" 2>/dev/null || : >"$m/failures"
	if [ "$rc" -ne 0 ]; then
		killed=$((killed + 1))
		table+=("killed   $name ($(cat "$m/property")): $(killers "$m/failures")")
	else
		survived=$((survived + 1))
		table+=("SURVIVED $name ($(cat "$m/property"))")
	fi
done

printf '%s\n' "${table[@]}"
echo "${#names[@]} mutants: $killed killed, $survived survived"
[ "$survived" -eq 0 ]
