#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# overflow-share CONFIG MS PERIOD...
# Virtual PMCs of CONFIG, one per PERIOD, share a counter of CPU 1 while
# workload spins there for MS ms: each of its count/period thresholds must
# get its overflow callback, or be reported skipped by a later one (vpmc
# throttles callbacks that take more than overflow_max_percent of the CPU,
# as they do when the host is busy and the guest's time slows): together
# at least 95% of them (the last may be in flight at the read), and never
# more. Needs vpmc_ctl.ko.
set -e
ctl=/sys/kernel/debug/vpmc_ctl
config=$1
ms=$2
shift 2
echo destroy >$ctl
for p in "$@"; do
	echo "create 1 $config $p" >$ctl
done
taskset -c 1 workload $ctl spin "$ms"
cat $ctl
ok=0
awk '{
	due = int($4 / $3)
	skipped = 0
	for (i = 8; i <= NF; i++)
		if ($i ~ /^skipped=/)
			skipped = substr($i, 9)
	got = $5 + skipped
	printf "period %d: count %d, %d callbacks + %d skipped of %d (%.1f%%)\n", $3, $4,
		$5, skipped, due, due ? 100 * got / due : 0
	if (due < 10 || got > due || got < 0.95 * due)
		bad = 1
} END { exit bad }' $ctl || ok=1
echo destroy >$ctl
exit $ok
