#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: set up, boot the stock x86_64 guest with vpmc on the perf
# backend and run every benchmark REPS times (tools/plans/bench.sh), then
# the stock arm64 guest under -icount for B5 and B6 on its emulated PMU
# (tools/plans/bench-icount.sh), then scripts/itrace.sh's instruction
# profiles, and report the table, build/bench/bench.csv and
# build/bench/bench.png.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$VPMC_TOP/scripts/setup.sh"
"$VPMC_TOP/scripts/run-guest.sh" stock x86_64 bench
"$VPMC_TOP/scripts/run-guest.sh" stock arm64 bench-icount
log=$VPMC_BUILD/logs/stock-x86_64-bench.log
mkdir -p "$VPMC_BUILD/bench"
# The profiles of the plan's profile-* steps, one file each.
for p in $(tr -d '\r' <"$log" | sed -n 's/^VPMC-STEP-BEGIN \(profile-.*\)/\1/p'); do
	tr -d '\r' <"$log" | sed -n "/^VPMC-STEP-BEGIN $p\$/,/^VPMC-KMSG-BEGIN/p" | sed '1d;$d' \
		>"$VPMC_BUILD/bench/$p.txt"
done
# Where the instructions go, exactly, function by function (B1-B4).
# A profile that fails costs its file, not the table.
"$VPMC_TOP/scripts/itrace.sh" || msg "make itrace failed: no profile-itrace.txt"
echo "profiles: $VPMC_BUILD/bench/profile-*.txt"
python3 "$VPMC_TOP/scripts/bench-report.py" "$VPMC_BUILD/bench" \
	"$VPMC_BUILD/logs/stock-x86_64-bench.log" "$VPMC_BUILD/logs/stock-arm64-bench-icount.log"
