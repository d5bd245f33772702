#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# CPU 1 goes offline and back three times while a per-thread virtual PMC
# counts a perf software event (page faults) and a system-wide one counts
# it on CPU 1, with the perf backend's cache of events off. Creating or
# releasing such an event takes the CPU hotplug lock (a static key), so
# vpmc must never do it under the lock, in its hotplug callbacks: the
# writes to cpu1/online would hang for good. Then the system-wide one must
# have been told of each offline and online, and both still count.
#   hotplug-swevent CTL
ctl=${1:-/sys/kernel/debug/vpmc_ctl}
ev=0x0100000000000002
keep=/sys/module/vpmc/parameters/perf_keep_ms
cpu1=/sys/devices/system/cpu/cpu1/online
[ -w $cpu1 ] || { echo "no CPU 1 to take offline"; exit 1; }
old=$(cat $keep)
echo 0 >$keep || exit 1
echo destroy >$ctl
# This shell and, inherited, the page faults of its children.
echo "task $$ $ev 0 inherit" >$ctl || exit 1
echo "create 1 $ev" >$ctl || exit 1
echo start >$ctl || exit 1
for i in 1 2 3; do
	echo 0 >$cpu1 || exit 1
	workload - faults 1000 || exit 1
	echo 1 >$cpu1 || exit 1
	workload - faults 1000 || exit 1
done
# The online notices come from the work that brings CPU 1 up for vpmc.
i=0
while ! grep -q 'offlined=3 onlined=3' $ctl && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
cat $ctl
ok=0
grep -q 'offlined=3 onlined=3' $ctl || { echo "CPU 1's notices missing"; ok=1; }
# The shell's line: t<pid>, its count (field 4) has its children's faults.
awk -v t="t$$" '$1 == t && $4 >= 6000 { found = 1 } END { exit !found }' $ctl ||
	{ echo "the thread's page faults were not counted"; ok=1; }
echo destroy >$ctl
echo "$old" >$keep
[ $ok = 0 ] && echo ok
exit $ok
