#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# An arm64 `perf` for the busybox guests: Debian's linux-perf:arm64 and every
# shared library it needs, found by following DT_NEEDED from the binary.
# The package of a library is the one that ships its amd64 twin on this host.
#   arm64-perf.sh     prints a directory to copy into the initramfs root
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$VPMC_CACHE/arm64-perf
if [ -f "$out/.vpmc-done" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp"

add_pkg() {
	local root
	root=$(fetch_deb "$1:arm64")
	cp -a "$root"/. "$tmp/"
}

add_pkg linux-perf
add_pkg libc6
declare -A seen=()
queue=("$tmp/usr/bin/perf")
while [ ${#queue[@]} -gt 0 ]; do
	f=${queue[0]}
	queue=("${queue[@]:1}")
	for so in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -n "${seen[$so]:-}" ] && continue
		seen[$so]=1
		lib=$(find "$tmp/lib" "$tmp/usr/lib" -name "$so" 2>/dev/null | head -n1)
		if [ -z "$lib" ]; then
			pkg=$(dpkg -S "/lib/x86_64-linux-gnu/$so" "/usr/lib/x86_64-linux-gnu/$so" 2>/dev/null |
				head -n1 | cut -d: -f1) || true
			[ -n "$pkg" ] || die "arm64 perf: no package ships $so"
			add_pkg "$pkg"
			lib=$(find "$tmp/lib" "$tmp/usr/lib" -name "$so" 2>/dev/null | head -n1)
			[ -n "$lib" ] || die "arm64 perf: $pkg:arm64 has no $so"
		fi
		queue+=("$(readlink -f "$lib")")
	done
done
# Only what runs: the binary, the loader and the libraries.
mkdir -p "$out/usr/bin" "$out/lib"
cp "$tmp/usr/bin/perf" "$out/usr/bin/perf"
cp -a "$tmp/lib/ld-linux-aarch64.so.1" "$out/lib/" 2>/dev/null ||
	cp -a "$tmp/usr/lib/ld-linux-aarch64.so.1" "$out/lib/"
for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
	if [ -d "$tmp/$d" ]; then
		mkdir -p "$out/$d"
		find "$tmp/$d" -maxdepth 1 \( -name '*.so*' \) -exec cp -a {} "$out/$d/" \;
	fi
done
rm -rf "$tmp"
touch "$out/.vpmc-done"
echo "$out"
