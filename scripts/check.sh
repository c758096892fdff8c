#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the selftests in a VM for each kernel and sums the results.
#
#   check.sh [--coverage] [--shell] [--tour] [--packages] [KERNEL...]
#
# KERNEL is a Debian kernel release with image and headers installed
# (6.12.117+deb12-amd64), a kernel build-kernel.sh builds: 7.3, debug-7.3,
# kcsan-7.3, arm64-64k-7.3, debug-6.12 (also "debug"), or one of Debian's
# arm64 images debian-arm64-kernel.sh fetches: arm64-16k-7.3, arm64-7.3.
# Default: the newest installed 6.1 and 6.12 kernels, then 7.3, debug-7.3,
# kcsan-7.3, arm64-64k-7.3 and arm64-16k-7.3 (default_kernels()).  For each: say
# which source it came from, build the module against its headers
# (W=1, warnings are errors), build an initramfs, boot it, judge it.
# --shell: then shell-test.sh (make shell driven through its terminal, and
# mmdemo watch under tmux there); --tour: then make demo's tour page in a
# real browser (demo.sh, browser-test.sh); --packages: then package-test.sh
# (install, DKMS, the Debian packages in a Debian guest); both counted
# with the rest.  Where the module was built for gcov (a kernel with
# CONFIG_GCOV_KERNEL: 7.3), the kernel's line says kmod/'s line and
# branch coverage and the report goes to build/coverage (coverage.sh);
# --coverage: fail unless every kernel measured it.
# The last line is "N passed, M failed, K skipped" over all of it.
#
# The guests run two at a time on two cores (MMDEMO_JOBS): the packages'
# first, then each kernel's as soon as its module is built, then make
# shell's and the tour's; the summary keeps the order above.
#
# Environment: MMDEMO_JOBS, how many guests run at once (default: the
# number of cores); MMDEMO_TESTS, the test programs to run (default: all of
# them); MMDEMO_FUZZ_SEED (default: a fresh one, printed) and
# MMDEMO_FUZZ_SECONDS (default 20 on debug and KCSAN kernels, 8 elsewhere) for
# mmdemo_fuzz, passed to the guest on the kernel command line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
. "$here/kernels.sh"

build=${MMDEMO_BUILD:-$top/build}
tests_dir=$build/selftests
tool=$top/user/mmdemo
src=$(kernel_source)

[ -x "$tests_dir/mmdemo_test_faults" ] || die "$tests_dir/mmdemo_test_faults is missing: run 'make selftests' first"
progs=()
for t in ${MMDEMO_TESTS:-$(cd "$tests_dir" && ls)}; do
	[ -x "$tests_dir/$t" ] || die "no test program $tests_dir/$t"
	progs+=("$tests_dir/$t")
done
seed=${MMDEMO_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
note "fuzz seed $seed (rerun with: make fuzz SEED=$seed)"
[ -x "$tool" ] || die "$tool is missing: run 'make user' first"
packages= shell= tour= coverage=
while [ $# -gt 0 ]; do
	case $1 in
	--coverage) coverage=1 ;;
	--packages) packages=1 ;;
	--shell) shell=1 ;;
	--tour) tour=1 ;;
	*) break ;;
	esac
	shift
done
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <(default_kernels)
gen_init_cpio=$(gen_init_cpio "$src")

# The guests run MMDEMO_JOBS at a time (default: one per core): one under
# single-threaded TCG keeps one core busy, so two at once take half the
# time.  The packages' test is the longest job: it starts first, then
# each kernel's guest as soon as its module and initramfs are built, then
# make shell's and the tour's.  Each job writes its own result file;
# their lines, prefixed with the job's name, interleave here.
max_jobs=${MMDEMO_JOBS:-$(nproc)}
[[ $max_jobs =~ ^[1-9][0-9]*$ ]] || die "MMDEMO_JOBS must be a positive number, not '$max_jobs'"
# A run that dies (a kernel that would not build) takes its guests along.
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
# spawn COMMAND...: runs it in the background once fewer than max_jobs run.
spawn() {
	while [ "$(jobs -rp | wc -l)" -ge "$max_jobs" ]; do wait -n || true; done
	"$@" &
}
run_kernel() {
	local a

	mapfile -d '' -t a <"$1/vm.args"
	MMDEMO_ACCEL=${a[0]} MMDEMO_VM_ARCH=${a[1]} "$here/vm-run.sh" "${a[@]:2}" || true
}
run_shell() {
	"$here/shell-test.sh" 2>&1 | sed -u 's/^/[shell] /'
}
# make demo's page of the tour, in headless Chromium at two widths.
tk=$(default_kernels | grep '^6\.12\.' | head -n 1)
run_tour() {
	rm -f "$build/tour/$tk/browser-result"
	if "$here/demo.sh" "$tk" >"$build/tour-demo.log" 2>&1; then
		"$here/browser-test.sh" "$build/tour/$tk/tour.html" || true
	else
		echo "make demo failed: $build/tour-demo.log"
		tail -n 20 "$build/tour-demo.log"
	fi 2>&1 | sed -u 's/^/[tour] /'
}
started=$SECONDS
# The packages, install and DKMS: make package-test, counted with the rest.
[ -z "$packages" ] || spawn "$here/package-test.sh" "$build/package-test"

# The arm64 guests run the same programs cross-built (cross-build.sh).
for k in "${kernels[@]}"; do
	[ "$(kernel_arch "$k")" = arm64 ] || continue
	"$here/cross-build.sh" arm64 "$build"
	arm64_sysroot=$("$here/arm64-sysroot.sh")
	arm64_progs=()
	for t in "${progs[@]}"; do
		# arm64's compat callers would be 32-bit arm programs: none built.
		[[ $t == *_compat ]] || arm64_progs+=("$build/arm64/selftests/${t##*/}")
	done
	break
done

total_pass=0 total_fail=0 total_skip=0 accel= summary=() measured=()
# Each kernel's module and initramfs, then its guest (the kernels
# themselves were built by make lint, or are built here).
for k in "${kernels[@]}"; do
	resolve_kernel "$k"	# sets kdir, image, extra, brd_dir
	vm_arch=$(kernel_arch "$k")
	if [ "$vm_arch" = arm64 ]; then
		guest=(--tool "$build/arm64/user/mmdemo" --sysroot "$arm64_sysroot" "${arm64_progs[@]}")
	else
		guest=(--tool "$tool" "${progs[@]}")
	fi
	params=${MMDEMO_PARAMS:-}
	fuzz_secs=${MMDEMO_FUZZ_SECONDS:-8}
	case $k in
	debug*)
		# One page more than the default: the per-page counter array
		# then ends mid-page, so KASAN poisons right after its end and
		# an off-by-one there is caught.
		params=${MMDEMO_PARAMS:-size=$(((64 << 20) + 4096))}
		fuzz_secs=${MMDEMO_FUZZ_SECONDS:-20}
		;;
	kcsan*) fuzz_secs=${MMDEMO_FUZZ_SECONDS:-20} ;;
	arm64-16k-*)
		# With 16 KiB pages a PMD entry maps 32 MiB, and the huge
		# tests map up to three: four, where the default holds two.
		# (With 64 KiB pages one maps 512 MiB: huge mode there is
		# tested saying that the 64 MiB device is too small.)
		params=${MMDEMO_PARAMS:-size=$((128 << 20))}
		;;
	esac
	# arm64 guests run under TCG on this x86 host, always.
	[ -n "$accel" ] || [ "$vm_arch" != x86_64 ] || { accel=$(probe_accel "$image"); note "accelerator: $accel"; }

	out=$build/kernels/$k
	rm -f "$out/result" "$out/failures" "$out/kcsan" "$out/oom" "$out/vm.args"
	note "$k: $(kernel_origin "$k" "$kdir")"
	build_module "$kdir" "$out" || continue
	"$here/mkinitramfs.sh" "$gen_init_cpio" "$out/initramfs.cpio" \
		"$out/kmod/mmdemo.ko" "$params" --modules "$(module_tree "$out" "$brd_dir")" "${guest[@]}"
	vm_accel=$accel
	[ "$vm_arch" = x86_64 ] || vm_accel=tcg
	# What the run needs, one NUL-terminated field each.
	printf '%s\0' "$vm_accel" "$vm_arch" "$k" "$image" "$out/initramfs.cpio" "$out" \
		"$extra MMDEMO_FUZZ_SEED=$seed MMDEMO_FUZZ_SECONDS=$fuzz_secs" >"$out/vm.args"
	spawn run_kernel "$out"
done

# make shell and mmdemo watch, driven as a person would.
[ -z "$shell" ] || spawn run_shell
[ -z "$tour" ] || spawn run_tour
wait
note "the guests took $((SECONDS - started)) s, $max_jobs at a time"

# The verdicts, in the order the kernels were given.
for k in "${kernels[@]}"; do
	out=$build/kernels/$k
	if [ ! -f "$out/vm.args" ]; then
		total_fail=$((total_fail + 1))
		summary+=("$k: module build failed")
		continue
	fi
	read -r p f sk <"$out/result" || { p=0 f=1 sk=0; }
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + sk))
	# The figures the guest printed; its serial lines end in \r\n.
	log=$(tr -d '\r' <"$out/tests.log")
	fuzz=$(sed -n 's/^\(not \)\{0,1\}ok [0-9]* fuzz: \(.*\)/\2/p' <<<"$log" | head -n 1)
	leaks=$(sed -n 's/^mmdemo-vm: kmemleak \(.*\)/\1/p' <<<"$log")
	nth=$(sed -n 's/.*:\([0-9]*\) injection points tried.*/\1/p' <<<"$log" |
		awk '{ n += $1 } END { if (n) print n }')
	kcsan=$(sed -n 's/^mmdemo-vm: kcsan \(.*\)/\1/p' <<<"$log")
	[ ! -s "$out/kcsan" ] || kcsan="${kcsan:+$kcsan, }$(cat "$out/kcsan")"
	kcsan=${kcsan:+KCSAN: $kcsan}
	oom=$(cat "$out/oom" 2>/dev/null || true)
	# A module built for gcov: the coverage of kmod/, one more test (every
	# line not reached is listed with its reason).
	cov=
	if coverage_enabled "$out"; then
		if "$here/coverage.sh" "$out" "$build/coverage" >"$out/coverage.log" 2>&1; then
			total_pass=$((total_pass + 1))
		else
			total_fail=$((total_fail + 1))
			sed 's/^/coverage: /' "$out/coverage.log" >>"$out/failures"
			f=$((f + 1))
		fi
		cov=$(head -n 1 "$out/coverage.log")
		cov=${cov#kmod/ coverage: }
		measured+=("$k")
	fi
	summary+=("$k: $p passed, $f failed, $sk skipped${cov:+; kmod/ coverage: $cov}${fuzz:+; fuzz: $fuzz}${leaks:+; kmemleak: $leaks}${nth:+; fault injection: $nth points}${kcsan:+; $kcsan}${oom:+; $oom}")
	[ "$f" -eq 0 ] || [ ! -s "$out/failures" ] ||
		mapfile -t -O ${#summary[@]} summary < <(sed 's/^/    /' "$out/failures")
done

if [ -n "$shell" ]; then
	read -r p f <"$build/shell-test/result" || { p=0 f=1; }
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary+=("make shell (typed commands, mmdemo watch under tmux): $p passed, $f failed")
	[ "$f" -eq 0 ] || mapfile -t -O ${#summary[@]} summary < <(grep '^FAIL' "$build/shell-test/log" | sed 's/^/    /')
fi

if [ -n "$tour" ]; then
	read -r p f <"$build/tour/$tk/browser-result" || { p=0 f=1; }
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary+=("the tour's page in Chromium at 1280 and 390 px ($tk): $p passed, $f failed")
	[ "$f" -eq 0 ] || [ ! -f "$build/tour/$tk/browser-test.log" ] ||
		mapfile -t -O ${#summary[@]} summary < <(grep '^FAIL' "$build/tour/$tk/browser-test.log" | sed 's/^/    /')
fi

if [ -n "$packages" ]; then
	read -r p f sk <"$build/package-test/result" || { p=0 f=1 sk=0; }
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary+=("packages (install, DKMS, sign, lintian, Debian 12 guest): $p passed, $f failed")
fi

# make coverage: the kernels given must have measured it.
if [ -n "$coverage" ] && [ ${#measured[@]} -ne ${#kernels[@]} ]; then
	total_fail=$((total_fail + 1))
	summary+=("coverage: measured on ${measured[*]:-no kernel}; a kernel without CONFIG_GCOV_KERNEL measures none (build-kernel.sh gives $NEWEST_SERIES gcov)")
fi
[ ${#measured[@]} -eq 0 ] || summary+=("coverage report of kmod/ (${measured[-1]}): $build/coverage/index.html")

echo
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
