# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts in this directory; sourced, not run.

# Everything built outside the clone (kernel sources, test kernels, tools)
# lives here, so a fresh clone reuses it.
# (HOME may be unset, as in a systemd service: ~ then asks the passwd file.)
MMDEMO_CACHE=${MMDEMO_CACHE:-${XDG_CACHE_HOME:-${HOME:-~}/.cache}/mmdemo}

# cache_lock NAME: makes NAME's entry in the cache this shell's alone until
# it exits: a second script making the same one (make check's prefetch.sh
# in the background, or a make demo beside make check) waits, then finds
# it made.  Call it in a subshell to hold it for part of a script.
cache_lock() {
	local fd

	mkdir -p "$MMDEMO_CACHE/locks"
	exec {fd}>"$MMDEMO_CACHE/locks/$1"
	flock "$fd" || die "cannot lock $MMDEMO_CACHE/locks/$1"
}

# The kernel sources mmdemo is built and tested against.  6.12 is Debian 12's
# own linux-source-6.12 (installed by install-deps.sh); the newest series is
# fetched from Debian's backports by fetch_newest_source() below, from the
# mirror debian_mirror() names.  Change the newest kernel here and nowhere
# else.
STABLE_SERIES=6.12
NEWEST_SERIES=7.3
NEWEST_SUITE=trixie-backports

# debian_mirror: the Debian archive this machine's apt installs its own
# release from (the first such source, as apt itself reads /etc/apt:
# sources.list, *.list and deb822 *.sources, disabled entries skipped), so
# that whoever is behind a local mirror or a caching proxy gets theirs for
# every download mmdemo makes too.  MMDEMO_DEBIAN_MIRROR overrides it;
# deb.debian.org is the answer when apt names none.  (apt's proxy settings,
# Acquire::http::Proxy in apt.conf, apply to private_apt() as they are.)
debian_mirror() {
	local release uri

	if [ -n "${MMDEMO_DEBIAN_MIRROR:-}" ]; then
		echo "${MMDEMO_DEBIAN_MIRROR%/}"
		return
	fi
	release=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	# shellcheck disable=SC2016 # $(...) are apt's format fields
	uri=$(apt-get indextargets --no-release-info --format '$(TARGET_OF) $(RELEASE) $(REPO_URI)' 2>/dev/null |
		awk -v release="$release" '$1 == "deb" && $2 == release { print $3; exit }')
	uri=${uri:-http://deb.debian.org/debian}
	echo "${uri%/}"
}

# Kernel splats that fail a VM run even when every test passed.  KASAN and
# KFENCE reports start with "BUG:", lockdep's with "WARNING:" (or "INFO:"
# once it has switched itself off); bare "lockdep" would also match the
# boot banner "RCU lockdep checking is enabled".
KERNEL_SPLAT='BUG:|WARNING:|Oops|Call Trace|KASAN:|KFENCE:|INFO: |Kernel panic'

die() { echo "${0##*/}: $*" >&2; exit 1; }

# kbuild_cross KDIR: the make arguments that build against KDIR, one a
# line: the cross compiler for an arm64 tree (its .config says so), none
# for the host's own architecture.
kbuild_cross() {
	grep -q '^CONFIG_ARM64=y' "$1/.config" 2>/dev/null &&
		printf '%s\n' ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
	return 0
}
note() { echo "${0##*/}: $*" >&2; }

# The kernels build-kernel.sh makes by default, by name, and the source
# series of one ("debug" is debug-$STABLE_SERIES).  KCSAN excludes KASAN, so
# the data-race detector has a kernel of its own, of the newest series.
# debug-$STABLE_SERIES is built on request only (KERNELS=debug-6.12): the
# 64 KiB arm64 kernel took its place in a cold make check's hour, as the
# stock 6.12 and debug-7.3 cover what it did, between them.
built_kernels() {
	printf '%s\n' "$NEWEST_SERIES" "debug-$NEWEST_SERIES" "kcsan-$NEWEST_SERIES" \
		"arm64-64k-$NEWEST_SERIES"
}
built_kernel_series() {
	local name=${1#debug-}
	name=${name#arm64-64k-}

	case $1 in
	debug) echo "$STABLE_SERIES" ;;
	*) echo "${name#kcsan-}" ;;
	esac
}

# The newest kernel's scripts/checker-valid.sh wants a sparse that knows
# __typeof_unqual__; Debian 12's 0.6.4 does not, so sparse.sh builds the
# one from this suite's source package when the installed one is refused.
SPARSE_SUITE=sid
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# kernel_release KDIR: the release a kernel build tree's modules are for,
# as uname -r says it and /lib/modules names it.  Not 'make kernelrelease':
# Debian's 6.1 headers answer that with the upstream version (6.1.192 for
# 6.1.0-57-amd64).
kernel_release() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h" 2>/dev/null |
		grep . || die "cannot tell the kernel release of $1 (no include/generated/utsrelease.h)"
}

# private_apt DIR TOOL ARGS...: apt-get or apt-cache with a sources list,
# lists directory and cache of their own under DIR, so that the host's
# /etc/apt and its package lists stay as they are.  DIR/arch, when
# private_apt_update wrote one, names the one architecture DIR lists
# (arm64 packages on this amd64 host).
private_apt() {
	local dir=$1 tool=$2 arch=()
	shift 2
	[ ! -s "$dir/arch" ] ||
		arch=(-o APT::Architecture="$(cat "$dir/arch")" -o APT::Architectures="$(cat "$dir/arch")")
	"$tool" -q -o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" \
		-o Dir::State::status=/dev/null ${arch[@]+"${arch[@]}"} "$@"
}

# private_apt_update DIR SUITE [deb-src] [ARCH]: points DIR's sources list
# at SUITE of debian_mirror() (binary packages, or source packages too; of
# ARCH, default the host's) and fetches its lists.
private_apt_update() {
	local dir=$1 suite=$2 type mirror

	mirror=$(debian_mirror)
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	for type in deb ${3:-}; do
		echo "$type [signed-by=$DEBIAN_KEYRING] $mirror $suite main"
	done >"$dir/sources.list"
	if [ -n "${4:-}" ]; then echo "$4" >"$dir/arch"; else rm -f "$dir/arch"; fi
	private_apt "$dir" apt-get update >"$dir/update.log" 2>&1 || {
		cat "$dir/update.log" >&2
		die "apt-get update of Debian $suite from $mirror failed (a mirror without $suite? set MMDEMO_DEBIAN_MIRROR to one that has it)"
	}
}

# Prints the path of linux-source-$NEWEST_SERIES's tarball, downloading the
# Debian package (Architecture: all, a plain tarball inside) with
# private_apt on first use.  Reused until the cache is removed.
fetch_newest_source() {
	local dir=$MMDEMO_CACHE/apt pkg=linux-source-$NEWEST_SERIES deb
	local tarball=$dir/root/usr/src/linux-source-$NEWEST_SERIES.tar.xz

	# Called as $(fetch_newest_source): the lock ends with that subshell.
	cache_lock apt-newest-source
	if [ ! -s "$tarball" ]; then
		note "fetching $pkg from Debian $NEWEST_SUITE (private apt lists in $dir)"
		private_apt_update "$dir" "$NEWEST_SUITE"
		mkdir -p "$dir/deb"
		rm -f "$dir/deb"/*.deb
		(cd "$dir/deb" && private_apt "$dir" apt-get download "$pkg") >"$dir/download.log" 2>&1 ||
			{ cat "$dir/download.log" >&2; die "cannot download $pkg from $NEWEST_SUITE"; }
		deb=$(ls "$dir/deb"/"$pkg"_*.deb)
		rm -rf "$dir/root"
		dpkg-deb -x "$deb" "$dir/root" || die "cannot unpack $deb"
		basename "$deb" >"$dir/root/.mmdemo-deb"
	fi
	echo "$tarball"
}

# kernel_source [SERIES]: prints the extracted linux-source tree of SERIES
# ($STABLE_SERIES by default), extracting it on first use.
kernel_source() {
	local series=${1:-$STABLE_SERIES} tarball name dir

	if [ "$series" = "$NEWEST_SERIES" ]; then
		tarball=$(fetch_newest_source) || exit 1
	else
		tarball=/usr/src/linux-source-$series.tar.xz
	fi
	[ -r "$tarball" ] || die "$tarball is missing: run scripts/install-deps.sh"
	name=$(basename "$tarball" .tar.xz)
	dir=$MMDEMO_CACHE/src/$name
	# The stamp records which tarball the tree came from.
	(
		cache_lock "src-$name"
		if [ "$(cat "$dir/.mmdemo-tarball" 2>/dev/null)" != "$(stat -c '%s %Y' "$tarball")" ]; then
			note "extracting $tarball into $MMDEMO_CACHE/src (once)"
			rm -rf "$dir"
			mkdir -p "$MMDEMO_CACHE/src"
			tar -xJf "$tarball" -C "$MMDEMO_CACHE/src" || die "cannot extract $tarball"
			stat -c '%s %Y' "$tarball" >"$dir/.mmdemo-tarball"
		fi
	) || exit 1
	echo "$dir"
}

# source_version TREE: which source a kernel tree is, for the logs:
# "7.3.4 (linux-source-7.3_7.3.4-1~bpo13+1_all.deb from trixie-backports)".
source_version() {
	local tree=$1 v series=${1##*/linux-source-}

	v=$(make -s --no-print-directory -C "$tree" kernelversion 2>/dev/null) || v=unknown
	if [ "$series" = "$NEWEST_SERIES" ]; then
		echo "$v ($(cat "$MMDEMO_CACHE/apt/root/.mmdemo-deb" 2>/dev/null) from $NEWEST_SUITE)"
	else
		echo "$v (linux-source-$series $(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null))"
	fi
}
