#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# pfm-agree thread|cpu CONFIG PERF_EVENT WORK N
# Count `workload - WORK N` through libperfmon (pfmstat; per-thread, or
# system-wide on CPU 1 with the workload pinned there) and with
# `perf stat -e PERF_EVENT` (on the workload, or -a -C 1), and print both.
# They are separate runs of the same work: per thread they agree within 5%;
# system-wide within 10%, because perf stat -a also counts CPU 1 while it
# starts and ends the command (measured on the debug arm64 kernel: 34 to 83
# million cycles, 7-14% of a 0.5 s spin; make check spins 2 s there), and
# CPU 1 runs whatever else is there; plus what the two runs' measured
# times differ by explains.
set -e
mode=$1 config=$2 event=$3
shift 3
out=/tmp/pfm-agree.$$
tol=5
tv=0 tp=0
up() { awk '{ print $1 }' /proc/uptime; }
if [ "$mode" = cpu ]; then
	tol=10
	t0=$(up)
	v=$(pfmstat -c 1 "$config" -- workload - "$@" | awk '/^pfmstat:/ { print $2 }')
	t1=$(up)
	perf stat -a -C 1 -x, -e "$event" -o $out -- taskset -c 1 workload - "$@"
	t2=$(up)
	tv=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	tp=$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')
else
	v=$(pfmstat "$config" -- workload - "$@" | awk '/^pfmstat:/ { print $2 }')
	perf stat -x, -e "$event" -o $out -- workload - "$@"
fi
p=$(awk -F, '/^[0-9]/ { print $1; exit }' $out)
rm -f $out
echo "$event of 'workload $*' ($mode): libperfmon $v, perf stat $p"
# System-wide, each counts CPU 1 over its own command, start and end
# included: what the difference of the two runs' times (/proc/uptime)
# explains at the higher of the two rates is allowed on top (on a busy
# host perf stat's start and end took 270 ms more than pfmstat's).
awk -v v="$v" -v p="$p" -v tol=$tol -v tv="$tv" -v tp="$tp" 'BEGIN {
	d = v - p; if (d < 0) d = -d
	extra = 0
	if (tv > 0 && tp > 0) {
		rate = v / tv; if (p / tp > rate) rate = p / tp
		dt = tp - tv; if (dt < 0) dt = -dt
		extra = rate * dt
		printf "runs took %.2f s and %.2f s: %.0f allowed for the difference\n", tv, tp, extra
	}
	printf "difference %.3f%%\n", p ? 100 * d / p : 100
	exit !(p > 0 && d <= p * tol / 100 + extra)
}'
