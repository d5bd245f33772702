#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# overflow-share CONFIG MS PERIOD...
# Virtual PMCs of CONFIG, one per PERIOD, share a counter of CPU 1 while
# workload spins there for MS ms: each must get at least 95% of its
# count/period overflow callbacks, and never more. Needs vpmc_ctl.ko.
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
	printf "period %d: count %d, %d of %d callbacks (%.1f%%)\n", $3, $4, $5, due,
		due ? 100 * $5 / due : 0
	if (due < 10 || $5 > due || $5 < 0.95 * due)
		bad = 1
} END { exit bad }' $ctl || ok=1
echo destroy >$ctl
exit $ok
