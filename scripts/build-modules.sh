#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build vpmc's modules for one kernel, W=1 and sparse (C=2), in a private copy
# of the tree under build/, so the four kernels never share objects.
#   build-modules.sh debug|stock x86_64|arm64     prints the directory of the .ko files
# Any compiler, sparse or modpost warning fails the build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=$1
arch=$2
read -r kdir _ _ < <("$VPMC_TOP/scripts/kernel.sh" "$kind" "$arch")
out=$VPMC_BUILD/modules/$kind-$arch
mkdir -p "$out"
# Mirror the kernel-side sources; make rebuilds only what changed.
(cd "$VPMC_TOP" && git ls-files -co --exclude-standard -- Kbuild core vpmc wrapper arch include samples bench \
	kunit consumers) |
	while IFS= read -r f; do
		[ -f "$VPMC_TOP/$f" ] || continue
		mkdir -p "$out/src/$(dirname "$f")"
		cmp -s "$VPMC_TOP/$f" "$out/src/$f" || cp "$VPMC_TOP/$f" "$out/src/$f"
	done
log=$out/build.log
# C=2 runs sparse on every file, so its findings reappear on each build.
if ! make -C "$kdir" M="$out/src" ARCH="$arch" CROSS_COMPILE="$(cross_compile "$arch")" \
	W=1 C=2 -j"$VPMC_JOBS" modules >"$log" 2>&1; then
	cat "$log" >&2
	die "module build for $kind-$arch failed"
fi
if grep -nE 'warning:|error:|WARNING:' "$log" >&2; then
	die "module build for $kind-$arch has warnings (above; full log $log)"
fi
mkdir -p "$out/ko"
rm -f "$out/ko"/*.ko
find "$out/src" -name '*.ko' -exec cp {} "$out/ko/" \;
echo "$out/ko"
