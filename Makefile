# SPDX-License-Identifier: GPL-2.0
# mmdemo: build the module, the selftests, and test both in VMs.
#
#   make                   module for the running kernel (or KDIR=...), the
#                          library and tool (build/user), the selftests
#   make demo              boot a VM, load the module with 'mmdemo load' and
#                          run 'mmdemo tour' there (start here); writes the
#                          tour as a page, build/tour/<kernel>/tour.html
#   make shell             boot a VM with the module loaded and give a root
#                          shell on this terminal: mmdemo, its manuals,
#                          tmux, the selftests ('exit' powers it off)
#   make bench             'mmdemo bench' in a VM whose clock counts
#                          instructions (figures repeat), then its threads
#                          part on two parallel vCPUs; writes
#                          build/bench/<kernel>/bench.svg
#   make check             install what is missing, lint, host unit tests, then
#                          the selftests in a VM on every kernel in KERNELS,
#                          make shell driven by scripts/shell-test.sh,
#                          make demo's page in Chromium (browser-test.sh) and
#                          make package-test, two guests at a time (MMDEMO_JOBS)
#   make fuzz              only mmdemo_fuzz, on FUZZ_KERNEL (default debug-7.3),
#                          for SECONDS (default 60) with SEED (default: new)
#   make coverage          the suite on COVERAGE_KERNEL (7.3, built with
#                          gcov) with the module instrumented: kmod/'s line
#                          and branch coverage, HTML in build/coverage/
#   make mutants           the suite against each one-line bug of
#                          scripts/mutants.txt, on MUTANT_KERNEL (7.3)
#   make lint              checkpatch --strict, sparse and W=1 -Werror builds
#                          against Debian's headers and the kernels we build
#   make intree            build kmod/ as drivers/misc/mmdemo in a kernel tree
#   make kernels           build (or reuse) the kernels make check boots:
#                          7.3, debug-7.3 (KASAN, lockdep, kmemleak...),
#                          kcsan-7.3 (the data-race detector), arm64-64k-7.3
#                          (64 KiB pages); debug-6.12 with make debug-kernel
#   make deps              install missing Debian packages (as root)
#   make clean
#
# On a real machine (see README, Install):
#   make install           module (for KDIR's kernel, in updates/), tool,
#                          library, headers, man pages, udev rule, modprobe.d
#                          file; PREFIX (/usr/local), DESTDIR, KDIR
#   make uninstall         removes exactly what install put down
#   make sign              sign kmod/mmdemo.ko with SIGN_KEY and SIGN_CERT
#                          (default: DKMS's MOK, /var/lib/dkms/mok.*)
#   make dkms-source       the module's source in DESTDIR/usr/src/mmdemo-VERSION
#   make deb               the Debian packages in build/deb, lintian-checked
#   make package-test      install, DKMS, signing, packages, and the packages
#                          in a Debian 12 VM with systemd and udev
#
# KERNELS: Debian kernel releases and/or kernels we build: 7.3, debug-7.3,
# kcsan-7.3, arm64-64k-7.3, debug-6.12 ("debug"), and Debian's arm64 images
# arm64-16k-7.3 and arm64-7.3 (default: newest installed Debian 6.1 and
# 6.12, then 7.3, debug-7.3, kcsan-7.3, arm64-64k-7.3, arm64-16k-7.3).
# KDIR: kernel build tree for `make module`;
# `make kernels` prints the ones it builds.  DEMO_KERNEL: as KERNELS, one.
# KSFT_DIR: tools/testing/selftests of any kernel source, instead of Debian's.

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=
SIGN_KEY ?= /var/lib/dkms/mok.key
SIGN_CERT ?= /var/lib/dkms/mok.pub
KERNELS ?=
DEMO_KERNEL ?=
FUZZ_KERNEL ?= debug-7.3
MUTANT_KERNEL ?= 7.3
COVERAGE_KERNEL ?= 7.3
SEED ?=
SECONDS ?= 60
KSFT_DIR ?=
BUILD := $(CURDIR)/build
# Headers of the stock kernels that `make lint` checks against, besides
# the trees of the kernels build-kernel.sh makes, which lint.sh adds.
LINT_KDIRS ?= $(shell ls -d /usr/src/linux-headers-6.1.*-amd64 /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V)

all: module user selftests

module:
	$(MAKE) -C kmod KDIR=$(KDIR)

# libmmdemo and the mmdemo tool, in build/user.
user:
	$(MAKE) -C user

# The harness and lib.mk come from KSFT_DIR if given, else from Debian's
# linux-source-6.12, extracted into the cache on first use.
selftests:
	@mkdir -p $(BUILD)/selftests
	@ksft='$(KSFT_DIR)'; \
	if [ -z "$$ksft" ]; then \
		src=$$(scripts/kernel-source.sh) || exit 1; \
		ksft=$$src/tools/testing/selftests; \
	fi; \
	$(MAKE) -C selftests OUTPUT=$(BUILD)/selftests KSFT_DIR="$$ksft"

deps:
	scripts/install-deps.sh

install: module user
	KDIR=$(KDIR) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) scripts/install.sh install

uninstall:
	KDIR=$(KDIR) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) scripts/install.sh uninstall

dkms-source:
	DESTDIR=$(DESTDIR) scripts/install.sh dkms-source

# The kernel's own signing tool, with a key you give (DKMS's by default,
# the one Secure Boot machines enroll with mokutil: see README).
sign: module
	@test -r $(SIGN_KEY) && test -r $(SIGN_CERT) || { \
		echo "make sign: no key $(SIGN_KEY) or certificate $(SIGN_CERT):" >&2; \
		echo "make sign: pass SIGN_KEY=key.pem SIGN_CERT=cert.der (see README, Secure Boot)" >&2; \
		exit 1; }
	$(KDIR)/scripts/sign-file sha256 $(SIGN_KEY) $(SIGN_CERT) kmod/mmdemo.ko
	@echo "signed kmod/mmdemo.ko: $$(/sbin/modinfo -F signer kmod/mmdemo.ko)"

deb: deps
	scripts/build-debs.sh

package-test: deps
	scripts/package-test.sh

lint: deps
	scripts/lint.sh $(LINT_KDIRS)

intree: deps
	scripts/check-intree.sh

kernels: deps
	scripts/build-kernel.sh --all

debug-kernel: deps
	scripts/build-kernel.sh debug-6.12

demo: deps
	$(MAKE) user
	scripts/demo.sh $(DEMO_KERNEL)

shell: deps
	$(MAKE) user
	$(MAKE) selftests
	scripts/demo.sh --shell $(DEMO_KERNEL)

bench: deps
	$(MAKE) user
	scripts/demo.sh --bench $(DEMO_KERNEL)

# prefetch.sh fetches, in the background while lint builds the kernels,
# what the later steps download (its log: build/prefetch.log).
check: deps
	@mkdir -p $(BUILD)
	scripts/prefetch.sh $(KERNELS) >$(BUILD)/prefetch.log 2>&1 &
	$(MAKE) lint
	$(MAKE) intree
	$(MAKE) user
	$(MAKE) -C user check
	$(MAKE) selftests
	scripts/check.sh --shell --tour --packages $(KERNELS)

fuzz: deps
	$(MAKE) selftests
	MMDEMO_TESTS=mmdemo_fuzz MMDEMO_FUZZ_SEED=$(SEED) MMDEMO_FUZZ_SECONDS=$(SECONDS) \
		MMDEMO_VM_TIMEOUT=$$(($(SECONDS) + 300)) scripts/check.sh $(FUZZ_KERNEL)

coverage: deps
	$(MAKE) user
	$(MAKE) selftests
	scripts/check.sh --coverage $(COVERAGE_KERNEL)

mutants: deps
	$(MAKE) user
	$(MAKE) selftests
	scripts/mutants.sh $(MUTANT_KERNEL)

clean:
	rm -rf $(BUILD)
	$(MAKE) -C user clean
	rm -f kmod/*.o kmod/*.ko kmod/*.mod kmod/*.mod.c kmod/.*.cmd \
		kmod/Module.symvers kmod/modules.order kmod/.module-common.o

help:
	@sed -n '2,/^$$/s/^# \{0,1\}//p' Makefile

.PHONY: all module user selftests demo shell bench deps lint intree kernels debug-kernel check fuzz \
	coverage mutants clean help install uninstall dkms-source sign deb package-test
