# SPDX-License-Identifier: GPL-2.0-only
# In-guest plan: both fuzzers with perf's own interrupt throttling off, so
# only vpmc's (overflow_max_percent) stands between short periods on the
# PMU and a CPU kept in interrupts for good. Before the perf backend idled
# an event whose last counter left (arch/perf/perf.c, pb_disable()), the
# API fuzzer soft-locked debug arm64 within a minute: the event re-armed
# its last short period at every interrupt with no counter to report.
# `scripts/run-guest.sh debug arm64 storm`.
seed=$(arg fuzz_seed)
[ -n "$seed" ] || seed=1
echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
echo 200000 >/proc/sys/kernel/perf_event_max_sample_rate
step load-perf modload "$M/vpmc.ko"
# Overflow callbacks that fit the budget are not throttled away (arm64's
# PMU: three periods sharing the cycle counter, as the check plan).
if [ "$VPMC_ARCH" = arm64 ]; then
	step load-ctl modload "$M/vpmc_ctl.ko"
	step overflow-share-cycles overflow-share 0x0200000000000000 2000 1000000 3000000 7000000
	step unload-ctl modload -r vpmc_ctl
fi
step load-perfmon modload "$M/vpmc_perfmon.ko"
step storm-perfmon pfm_fuzz -s "$seed" -t 60 -w 4 -c
step unload-perfmon modload -r vpmc_perfmon
step load-fuzz modload "$M/vpmc_fuzz.ko"
for i in 1 2 3; do
	step "storm-api-$i" sh -c "echo $((seed + i)) 20000 4 >/sys/kernel/debug/vpmc_fuzz && cat /sys/kernel/debug/vpmc_fuzz"
done
# What vpmc's throttling did, per CPU (printed for the log).
step storm-state sh -c 'grep -i -e "^cpu" -e throttled /sys/kernel/debug/vpmc/state | head -20; true'
step storm-check sh -c 'grep -qx ok /sys/kernel/debug/vpmc/check'
step unload-fuzz modload -r vpmc_fuzz
step unload-perf modload -r vpmc
