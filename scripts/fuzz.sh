#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make fuzz: the fuzzers, long, in a guest of each kernel (tools/plans/fuzz.sh):
# pfm_fuzz (perfmon2 calls, root and uid 1000, CPU hotplug and parameter
# chaos), vpmc_perfmon unloaded and loaded again, pfm_fuzz once more, then
# vpmc_fuzz.ko (the in-kernel API from kthreads while overflows fire); on
# the debug kernels then fault injection at every fault point
# (tools/tests/faultinj.sh, about 15 minutes).
#   FUZZ_SEED     the seed of every guest (default: a new one, printed)
#   FUZZ_SECONDS  pfm_fuzz's time in each guest (default 600)
#   FUZZ_KOPS     vpmc_fuzz.ko's operations in each guest (default 1000000)
#   FUZZ_KERNELS  which guests (default "debug-x86_64 debug-arm64 stock-x86_64 stock-arm64")
# Prints each guest's verdict, the calls and operations counted, and the
# seed to replay with; the last line is "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$VPMC_TOP/scripts/setup.sh" || exit 1
seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
secs=${FUZZ_SECONDS:-600}
kops=${FUZZ_KOPS:-1000000}
kernels=${FUZZ_KERNELS:-debug-x86_64 debug-arm64 stock-x86_64 stock-arm64}
msg "make fuzz: seed $seed, $secs s of pfm_fuzz and $kops API operations a guest"
passed=0
failed=0
calls=0
ops=0
for k in $kernels; do
	kind=${k%-*}
	arch=${k#*-}
	log=$VPMC_BUILD/logs/$k-fuzz.log
	# Room for a slow debug guest: the plan's two fuzz runs, the API run,
	# fault injection.
	VPMC_FUZZ_SEED=$seed VPMC_GUEST_TIMEOUT=$((secs * 3 + 3600 + kops / 500)) \
		VPMC_CMDLINE="vpmc.fuzz_seconds=$secs vpmc.fuzz_kops=$kops" \
		"$VPMC_TOP/scripts/run-guest.sh" "$kind" "$arch" fuzz >&2
	read -r p f _ <"$VPMC_BUILD/logs/$k-fuzz.result" 2>/dev/null || { p=0; f=1; }
	passed=$((passed + p))
	failed=$((failed + f))
	c=$(grep -a '^pfm_fuzz: seed .*: [0-9]* calls' "$log" |
		sed 's/.*: \([0-9]*\) calls.*/\1/' | awk '{ s += $1 } END { print s + 0 }')
	o=$(grep -a '^operations [0-9]*' "$log" | awk '{ s += $2 } END { print s + 0 }')
	calls=$((calls + c))
	ops=$((ops + o))
	msg "$k: $c perfmon calls, $o API operations, $p passed, $f failed (log $log)"
done
msg "make fuzz: seed $seed: $calls perfmon calls, $ops API operations in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
