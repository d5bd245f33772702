#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install everything vpmc's build, tests and demo need on a fresh Debian bookworm
# machine. Idempotent and quiet: does nothing when all is already there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

packages=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils python3
	linux-source-6.1 "linux-headers-$VPMC_KABI-amd64" "linux-headers-$VPMC_KABI-common"
	linux-kbuild-6.1 dkms sparse
	qemu-system-x86 qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross busybox-static
	pkgconf gnuplot-nox
)

need_root() {
	[ "$(id -u)" -eq 0 ] && return
	command -v sudo >/dev/null || die "setup needs root (or sudo) to install packages"
	SUDO=sudo
}
SUDO=
log=$(mktemp)
trap 'rm -f "$log"' EXIT

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
updated=
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	need_root
	# arm64 guests need arm64 userland and kernel packages (downloaded, never installed).
	$SUDO dpkg --add-architecture arm64
	missing+=(update-only)
fi
if [ ${#missing[@]} -gt 0 ]; then
	need_root
	msg "installing: ${missing[*]/update-only/}"
	$SUDO apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; die "apt-get update failed"; }
	updated=1
	list=("${missing[@]/update-only/}")
	# shellcheck disable=SC2068
	[ -z "$(echo ${list[@]})" ] ||
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
			${list[@]} >"$log" 2>&1 || { cat "$log" >&2; die "apt-get install failed"; }
fi
# apt-get download needs package lists that know arm64.
if [ -z "$updated" ] && ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
	need_root
	$SUDO apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; die "apt-get update failed"; }
fi
exit 0
