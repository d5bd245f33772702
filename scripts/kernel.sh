#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Prepare one of vpmc's four kernels and print "KDIR IMAGE MODDIR" for it:
#   kernel.sh debug x86_64|arm64   build from Debian's linux-source-6.1 + scripts/kconfig
#   kernel.sh kcsan x86_64         the same without KASAN, with KCSAN (data races)
#   kernel.sh stock x86_64|arm64   Debian's linux-image + linux-headers packages
# KDIR builds external modules, IMAGE boots, MODDIR is the kernel's /lib/modules/<ver>
# ("-" for debug kernels, whose guest needs no module of their own).
# Debug builds are cached in $VPMC_CACHE, keyed by the fragments, the build recipe
# and the source version, so a warm run costs nothing; stale builds are removed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=${1:-}
arch=${2:-}
[ -n "$kind" ] && [ -n "$arch" ] || die "usage: kernel.sh debug|kcsan|stock x86_64|arm64"
cross_compile "$arch" >/dev/null

src_version() { dpkg-query -W -f='${Version}' linux-source-6.1; }

# The unpacked source tree, shared by both debug kernels (and by checkpatch/kernel-doc).
source_tree() {
	local ver dir
	ver=$(src_version) || ver=
	[ -n "$ver" ] || die "linux-source-6.1 is not installed (run scripts/setup.sh)"
	dir=$VPMC_CACHE/src/linux-source-6.1_$ver
	if [ ! -f "$dir/.vpmc-unpacked" ]; then
		msg "unpacking linux-source-6.1 $ver"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -C "$dir.tmp" -xf /usr/src/linux-source-6.1.tar.xz --strip-components=1
		touch "$dir.tmp/.vpmc-unpacked"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}

# fragment KIND: the config fragment of a debug kernel of KIND, on stdout.
fragment() {
	local k=$VPMC_TOP/scripts/kconfig
	case "$1" in
	debug) cat "$k/debug.config" "$k/debug-$arch.config" ;;
	kcsan)
		[ "$arch" = x86_64 ] || die "the kcsan kernel is x86_64 only"
		grep -v '^CONFIG_KASAN' "$k/debug.config"
		cat "$k/debug-$arch.config" "$k/kcsan.config"
		;;
	esac
}

build_debug() {
	local kind=$1 src key out image target cc missing
	src=$(with_lock source source_tree)
	# The key: what is built (fragment, source, arch) and how (these functions).
	key=$( (fragment "$kind"; declare -f fragment build_debug; src_version; echo "$arch") |
		sha256sum | cut -c1-12)
	out=$VPMC_CACHE/kernel/$kind-$arch-$key
	case "$arch" in
	x86_64) target=bzImage; image=$out/arch/x86/boot/bzImage ;;
	arm64) target=Image; image=$out/arch/arm64/boot/Image ;;
	esac
	if [ ! -f "$out/.vpmc-built" ]; then
		cc=$(cross_compile "$arch")
		msg "building $kind kernel for $arch in $out (cached after the first run)"
		rm -rf "$out"
		mkdir -p "$out"
		fragment "$kind" >"$out/fragment.config"
		make -s -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cc" \
			KCONFIG_ALLCONFIG="$out/fragment.config" allnoconfig >"$out/config.log" 2>&1 ||
			{ cat "$out/config.log" >&2; die "kernel config failed"; }
		# Kconfig silently drops what it cannot satisfy: insist on every option asked for.
		missing=$(grep -hE '^CONFIG_[A-Z0-9_]+=' "$out/fragment.config" |
			while IFS= read -r line; do
				grep -qxF "$line" "$out/.config" || echo "$line"
			done)
		[ -z "$missing" ] || die "$kind kernel ($arch) lacks requested options: $(echo $missing)"
		make -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cc" -j"$VPMC_JOBS" \
			"$target" modules >"$out/build.log" 2>&1 ||
			{ tail -n 40 "$out/build.log" >&2; die "debug kernel build failed ($out/build.log)"; }
		touch "$out/.vpmc-built"
		find "$VPMC_CACHE/kernel" -maxdepth 1 -name "$kind-$arch-*" ! -path "$out" \
			-exec rm -rf {} +
	fi
	echo "$out $image -"
}

build_stock() {
	local da img hdr common kdir
	da=$(deb_arch "$arch")
	img=$(with_lock "deb-image-$da" fetch_deb "linux-image-$VPMC_KABI-$da:$da")
	case "$arch" in
	x86_64)
		# Installed by setup.sh: the same headers DKMS builds against.
		kdir=/usr/src/linux-headers-$VPMC_KABI-amd64
		;;
	arm64)
		hdr=$(with_lock "deb-headers-$da" fetch_deb "linux-headers-$VPMC_KABI-arm64:arm64")
		common=/usr/src/linux-headers-$VPMC_KABI-common
		kdir=$hdr/usr/src/linux-headers-$VPMC_KABI-arm64
		# The package links scripts/ and tools/ to the arm64 linux-kbuild; the host's
		# amd64 linux-kbuild-6.1 provides the same programs built to run here.
		ln -sfn /usr/lib/linux-kbuild-6.1/scripts "$kdir/scripts"
		ln -sfn /usr/lib/linux-kbuild-6.1/tools "$kdir/tools"
		# Its Makefile includes the -common tree by absolute path: the host has it.
		[ -d "$common" ] || die "$common missing (run scripts/setup.sh)"
		;;
	esac
	echo "$kdir $img/boot/vmlinuz-$VPMC_KABI-$da $img/lib/modules/$VPMC_KABI-$da"
}

case "$kind" in
debug | kcsan) with_lock "$kind-$arch" build_debug "$kind" ;;
stock) build_stock ;;
*) die "unknown kernel kind '$kind' (debug or stock)" ;;
esac
