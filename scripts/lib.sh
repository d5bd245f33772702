# SPDX-License-Identifier: GPL-2.0-only
# Common settings for vpmc's scripts; sourced, never run.
# shellcheck shell=bash

VPMC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Kernel builds, downloaded packages and guest roots live outside the work tree.
VPMC_CACHE=${VPMC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vpmc}
# Per-run artefacts (module builds per kernel, guest logs) stay in the tree, ignored by git.
VPMC_BUILD=${VPMC_BUILD:-$VPMC_TOP/build}
# All kernels are Debian bookworm's 6.1.0-56 (6.1.192).
VPMC_KABI=6.1.0-56
VPMC_JOBS=${VPMC_JOBS:-$(nproc)}

msg() { printf '[vpmc] %s\n' "$*" >&2; }
die() { printf '[vpmc] error: %s\n' "$*" >&2; exit 1; }

# cross_compile ARCH: the CROSS_COMPILE prefix for ARCH ("" when native).
cross_compile() {
	case "$1" in
	x86_64) echo "" ;;
	arm64) echo "aarch64-linux-gnu-" ;;
	*) die "unknown arch '$1' (x86_64 or arm64)" ;;
	esac
}

# deb_arch ARCH: Debian's name for ARCH.
deb_arch() {
	case "$1" in
	x86_64) echo amd64 ;;
	arm64) echo arm64 ;;
	*) die "unknown arch '$1'" ;;
	esac
}

# with_lock NAME CMD...: run CMD holding an exclusive lock on the cache entry NAME,
# so two runs never build the same kernel at once.
with_lock() {
	local name=$1
	shift
	mkdir -p "$VPMC_CACHE/locks"
	(
		flock 9
		"$@"
	) 9>"$VPMC_CACHE/locks/$name.lock"
}

# fetch_deb PKG: download a Debian package (any arch) into the cache and unpack it.
fetch_deb() {
	local pkg=$1 dir=$VPMC_CACHE/debs/$1
	if [ ! -f "$dir/.vpmc-unpacked" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/root"
		(cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null) || die "apt-get download $pkg failed"
		dpkg-deb -x "$dir"/*.deb "$dir/root"
		touch "$dir/.vpmc-unpacked"
	fi
	echo "$dir/root"
}
