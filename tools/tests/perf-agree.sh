#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# perf-agree VPMC_CONFIG PERF_EVENT WORK N [CPU]
# vpmc, counting VPMC_CONFIG system-wide on CPU (default 1), agrees within
# 2% with `perf stat -e PERF_EVENT` on the work's task (workload, pinned
# there). Both count the same span: workload enables perf (through
# perf stat's control fd) and starts vpmc, works, stops vpmc and disables
# perf. Needs vpmc_ctl.ko loaded.
set -e
ctl=/sys/kernel/debug/vpmc_ctl
cpu=${5:-1}
out=/tmp/perf-agree.$$
echo destroy >$ctl
echo "create $cpu $1" >$ctl
mkfifo $out.ctl $out.ack
exec 8<>$out.ctl 9<>$out.ack
PERF_CTL_FD=8 PERF_ACK_FD=9 perf stat -D -1 --control fd:8,9 -x, -e "$2" -o $out -- \
	taskset -c "$cpu" workload $ctl "$3" "$4"
exec 8>&- 9>&-
v=$(awk '{ print $4 }' $ctl)
p=$(awk -F, '/^[0-9]/ { print $1; exit }' $out)
echo destroy >$ctl
rm -f $out $out.ctl $out.ack
echo "$2 on CPU $cpu: vpmc $v, perf stat $p"
awk -v v="$v" -v p="$p" 'BEGIN {
	d = v - p; if (d < 0) d = -d
	printf "difference %.3f%%\n", p ? 100 * d / p : 100
	exit !(p > 0 && d <= p / 50)
}'
