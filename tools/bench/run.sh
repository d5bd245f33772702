#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bench-run smoke|full: run every benchmark (in-kernel ones through
# vpmc_bench.ko's debugfs file, user-space ones as programs) and print one
# "VPMC-BENCH NAME vpmc=X perf=Y unit=U" line per measurement; full runs
# REPS (default 7) repetitions at full size, smoke one small one.
# Needs vpmc.ko on the perf backend, vpmc_perfmon.ko and vpmc_bench.ko,
# on arm64 also vpmc_ring.ko.
set -e
ctl=/sys/kernel/debug/vpmc_bench
clock=0x0100000000000000	# perf's software cpu-clock
mode=${1:-smoke}
# bench_pipe waits for the scheduler hooks of the mode before to go; the
# smoke run only checks that it works.
if [ "$mode" = full ]; then
	reps=${REPS:-7} k=1 settle=1
else
	reps=1 k=100 settle=0
fi

b() {
	echo "$*" >$ctl
	echo "VPMC-BENCH $(cat $ctl)"
}

r=0
if [ "$(uname -m)" = aarch64 ]; then
	# The arm64 guest: B5 on the PMU's cycles, B6 on SW_INCR with perf's
	# multiplexing beside it (vpmc_bench.ko's hwovfN and hwshare). B5
	# measures dispatch itself, so the full run lifts the throttling
	# (overflow_max_percent), which would batch N=10000's callbacks; the
	# smoke run in the slow debug guest keeps it.
	ovfmax=/sys/module/vpmc/parameters/overflow_max_percent
	old=$(cat $ovfmax)
	[ "$mode" = full ] && echo 0 >$ovfmax
	while [ $r -lt "$reps" ]; do
		for n in 1 10 100 1000 10000; do
			b hwovf$n $((300000000 / k)) 0x11
		done
		b hwshare $((20000000 / k))
		# B10 and B10l: sampling against perf's ring (tools/bench/smpl.c).
		bench_smpl cost $((200000000 / k)) | sed '/^#/!s/^/VPMC-BENCH /'
		bench_smpl lost $((2 / k + 1)) | sed '/^#/!s/^/VPMC-BENCH /'
		r=$((r + 1))
	done
	echo "$old" >$ovfmax
	exit 0
fi
while [ $r -lt "$reps" ]; do
	b read $((200000 / k)) $clock
	b local $((2000000 / k)) $clock
	b alloc $((2000 / k)) $clock
	b alloc2 $((2000 / k)) $clock
	# B7 again with a perf event made and released every time.
	keep=/sys/module/vpmc/parameters/perf_keep_ms
	old=$(cat $keep)
	echo 0 >$keep
	b alloc0 $((2000 / k)) $clock
	echo "$old" >$keep
	b mem 0 $clock
	b tmem 0 $clock
	for n in 1 10 100 1000 10000; do
		# About 20000/k callbacks; at least four periods (1e5 events) each.
		e=$((2000000000 / n / k))
		[ $e -ge 400000 ] || e=400000
		b ovf$n $e
	done
	b share $((10000000 / k))
	echo "VPMC-BENCH $(bench_read4 $((200000 / k)))"
	echo "VPMC-BENCH $(BENCH_SETTLE=$settle bench_pipe $((20000 / k)) | grep -v '^#')"
	r=$((r + 1))
done
