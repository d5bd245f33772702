#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: everything vpmc promises, from a fresh machine.
#   1. install what is missing (scripts/setup.sh)
#   2. the five kernels: debug x86_64 and arm64, kcsan x86_64 (built, cached),
#      stock x86_64 and arm64
#   3. modules for all five with W=1 and sparse, zero findings
#   4. checkpatch --strict, kernel-doc, the kernel-doc rules of exported functions
#   5. dkms build against the stock x86_64 headers
#   6. the guests: debug x86_64, debug arm64, stock x86_64, stock arm64, the
#      stock arm64 icount guest, the kcsan x86_64 guest
# Every gate and every in-guest test (step or KUnit case) is counted; the last
# line is "N passed, N failed". Gates keep going after a failure so one run
# shows everything that is wrong.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

passed=0
failed=0
skipped=0
failures=()
t0=$SECONDS

gate() {
	local name=$1
	shift
	local t=$SECONDS
	if "$@"; then
		passed=$((passed + 1))
		msg "ok   $name ($((SECONDS - t))s)"
	else
		failed=$((failed + 1))
		failures+=("$name")
		msg "FAIL $name ($((SECONDS - t))s)"
	fi
}

sources_c() { (cd "$VPMC_TOP" && git ls-files -co --exclude-standard '*.c' '*.h'); }
kernel_sources() { sources_c | grep -v '^tools/'; }

# perfmon2's ABI names its structures by typedef (pfarg_ctx_t,
# pfm_dfl_smpl_hdr_t, ...), which programs written for it use: those
# headers alone may add typedefs.
PFM_ABI_H="include/uapi/perfmon/perfmon.h include/uapi/perfmon/perfmon_dfl_smpl.h"
checkpatch() {
	local src out
	src=$(ls -d "$VPMC_CACHE"/src/linux-source-6.1_*/ | head -n 1)
	out=$(cd "$VPMC_TOP" && { sources_c | grep -vxF "${PFM_ABI_H// /$'\n'}" |
		xargs "$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types -f
		# shellcheck disable=SC2086 # two paths
		"$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
			--ignore NEW_TYPEDEFS -f $PFM_ABI_H; } |
		grep -v 'total: 0 errors, 0 warnings, 0 checks')
	[ -z "$out" ] || { echo "$out" >&2; return 1; }
}

kerneldoc() {
	local src
	src=$(ls -d "$VPMC_CACHE"/src/linux-source-6.1_*/ | head -n 1)
	(cd "$VPMC_TOP" && kernel_sources | xargs "$src/scripts/kernel-doc" -none -Werror) &&
		(cd "$VPMC_TOP" && kernel_sources | grep '\.c$' | xargs python3 scripts/check-kdoc.py)
}

dkms_build() {
	local ver tree src kver=$VPMC_KABI-amd64
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$VPMC_TOP/dkms.conf")
	grep -q "VPMC_VERSION[[:space:]]*\"$ver\"" "$VPMC_TOP/vpmc/priv.h" ||
		{ msg "dkms.conf version $ver differs from vpmc/priv.h"; return 1; }
	tree=$VPMC_BUILD/dkms/tree
	src=$VPMC_BUILD/dkms/src
	rm -rf "$VPMC_BUILD/dkms"
	mkdir -p "$tree" "$src/vpmc-$ver"
	(cd "$VPMC_TOP" && git ls-files -co --exclude-standard | grep -v '^build/' |
		cpio -pdm --quiet "$src/vpmc-$ver")
	dkms add --dkmstree "$tree" --sourcetree "$src" -m vpmc -v "$ver" >"$VPMC_BUILD/dkms/log" 2>&1 &&
		dkms build --dkmstree "$tree" --sourcetree "$src" -m vpmc -v "$ver" -k "$kver" \
			>>"$VPMC_BUILD/dkms/log" 2>&1 &&
		[ -f "$tree/vpmc/$ver/$kver/x86_64/module/vpmc.ko" ] ||
		{ cat "$VPMC_BUILD/dkms/log" "$tree"/vpmc/"$ver"/build/make.log >&2; return 1; }
}

guest() {
	local plan=${3:-check} name res p f s
	name=$1-$2-$plan
	"$VPMC_TOP/scripts/run-guest.sh" "$1" "$2" "$plan" >&2
	res=$VPMC_BUILD/logs/$name.result
	if [ -f "$res" ]; then
		read -r p f s <"$res"
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
		[ "$f" -eq 0 ] || failures+=("guest $name")
	else
		failed=$((failed + 1))
		failures+=("guest $name (no result)")
	fi
}

mkdir -p "$VPMC_BUILD"
rm -f "$VPMC_BUILD"/logs/*.result
gate setup "$VPMC_TOP/scripts/setup.sh"
for k in "debug x86_64" "debug arm64" "kcsan x86_64" "stock x86_64" "stock arm64"; do
	# shellcheck disable=SC2086
	gate "kernel ${k/ /-}" bash -c "'$VPMC_TOP/scripts/kernel.sh' $k >/dev/null"
done
for k in "debug x86_64" "debug arm64" "kcsan x86_64" "stock x86_64" "stock arm64"; do
	# shellcheck disable=SC2086
	gate "modules ${k/ /-} (W=1, sparse)" bash -c "'$VPMC_TOP/scripts/build-modules.sh' $k >/dev/null"
done
gate "checkpatch --strict" checkpatch
gate "kernel-doc" kerneldoc
gate "dkms build" dkms_build
for k in "debug x86_64" "debug arm64" "stock x86_64" "stock arm64"; do
	# shellcheck disable=SC2086
	guest $k
done
# arm64's emulated PMU counts instructions only under -icount.
guest stock arm64 icount
# Data races: the concurrent KUnit suites and both fuzzers under KCSAN.
guest kcsan x86_64 kcsan

msg "make check took $((SECONDS - t0))s"
for f in "${failures[@]}"; do
	msg "failed: $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
