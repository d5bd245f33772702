#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# perf-agree VPMC_CONFIG PERF_EVENT WORK N [CPU]
# vpmc, counting VPMC_CONFIG system-wide on CPU (default 1), agrees within
# 2% with `perf stat -e PERF_EVENT` on the work's task (workload, pinned
# there). Both count the same span: workload enables perf (through
# perf stat's control fd) and starts vpmc, works, stops vpmc and disables
# perf. Measured slack on top (workload's WORKLOAD_SPAN), as an overloaded
# host stretches both: perf also counts the two brackets (enabled, vpmc
# not yet or no longer counting), so vpmc may fall short by the brackets'
# share of the span; vpmc also counts whatever ran on the CPU while the
# task did not, so it may exceed by that time at the rate counted. Needs
# vpmc_ctl.ko loaded.
set -e
ctl=/sys/kernel/debug/vpmc_ctl
cpu=${5:-1}
out=/tmp/perf-agree.$$
echo destroy >$ctl
echo "create $cpu $1" >$ctl
mkfifo $out.ctl $out.ack
exec 8<>$out.ctl 9<>$out.ack
WORKLOAD_SPAN=$out.span PERF_CTL_FD=8 PERF_ACK_FD=9 perf stat -D -1 --control fd:8,9 -x, -e "$2" -o $out -- \
	taskset -c "$cpu" workload $ctl "$3" "$4"
exec 8>&- 9>&-
v=$(awk '{ print $4 }' $ctl)
p=$(awk -F, '/^[0-9]/ { print $1; exit }' $out)
read -r outside total away <$out.span
echo destroy >$ctl
rm -f $out $out.ctl $out.ack $out.span
echo "$2 on CPU $cpu: vpmc $v, perf stat $p; brackets $outside of $total ns, task away $away ns"
awk -v v="$v" -v p="$p" -v o="$outside" -v t="$total" -v a="$away" 'BEGIN {
	d = v - p; if (d < 0) d = -d
	if (a < 0) a = 0
	short = t > 0 ? p * o / t : 0
	over = t > o ? p * a / (t - o) : 0
	printf "difference %.3f%%; may fall short by %.3f%% more, exceed by %.3f%% more\n",
	       p ? 100 * d / p : 100, p ? 100 * short / p : 0, p ? 100 * over / p : 0
	exit !(p > 0 && t > 0 && v <= p + p / 50 + over && v >= p - p / 50 - short)
}'
