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
# CPU 1 runs whatever else is there.
set -e
mode=$1 config=$2 event=$3
shift 3
out=/tmp/pfm-agree.$$
tol=5
if [ "$mode" = cpu ]; then
	tol=10
	v=$(pfmstat -c 1 "$config" -- workload - "$@" | awk '/^pfmstat:/ { print $2 }')
	perf stat -a -C 1 -x, -e "$event" -o $out -- taskset -c 1 workload - "$@"
else
	v=$(pfmstat "$config" -- workload - "$@" | awk '/^pfmstat:/ { print $2 }')
	perf stat -x, -e "$event" -o $out -- workload - "$@"
fi
p=$(awk -F, '/^[0-9]/ { print $1; exit }' $out)
rm -f $out
echo "$event of 'workload $*' ($mode): libperfmon $v, perf stat $p"
awk -v v="$v" -v p="$p" -v tol=$tol 'BEGIN {
	d = v - p; if (d < 0) d = -d
	printf "difference %.3f%%\n", p ? 100 * d / p : 100
	exit !(p > 0 && d <= p * tol / 100)
}'
