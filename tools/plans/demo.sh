# SPDX-License-Identifier: GPL-2.0-only
# The demo of `make run`, sourced by scripts/guest/guest.sh.
# 1. vpmc on the simulated PMU, with a sample consumer whose virtual PMCs
#    share, preempt and take overflow callbacks: the arbiter in debugfs.
# 2. vpmc on its default backend (auto: perf here, no x86 PMU under TCG)
#    counting real events next to perf stat.
# 3. libperfmon next to perf stat (below).
step load-vpmc-sim modload "$M/vpmc.ko" backend=sim
step vpmc-info-sim vpmc info
step load-sample-consumer modload "$M/vpmc_demo.ko"
step arbiter-state cat /sys/kernel/debug/vpmc/state
step unload-sample-consumer modload -r vpmc_demo
step arbiter-idle sh -c '! grep -q "vpmc [0-9]" /sys/kernel/debug/vpmc/state'
step unload-vpmc-sim modload -r vpmc

echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
step load-vpmc-auto modload "$M/vpmc.ko"
step vpmc-info-auto vpmc info
step load-ctl modload "$M/vpmc_ctl.ko"
if [ "$VPMC_ARCH" = arm64 ]; then
	step cycles-vs-perf-stat perf-agree 0x0200000000000000 cycles spin 1000
	step overflow-callbacks overflow-share 0x0200000000000000 1000 1000000 3000000
else
	step page-faults-vs-perf-stat perf-agree 0x0100000000000002 page-faults faults 20000
fi
step unload-ctl modload -r vpmc_ctl
# 3. The perfmon2 interface: a perfmon2 program (pfmstat, linked with
#    libperfmon) counts a workload per-thread and system-wide, next to
#    perf stat counting the same workload.
step load-perfmon modload "$M/vpmc_perfmon.ko"
step perfmon-pmu-desc sh -c 'cd /sys/kernel/perfmon && grep . version pmu_desc/[fmn]* pmu_desc/pmc0/* pmu_desc/pmd0/*'
if [ "$VPMC_ARCH" = arm64 ]; then
	step libperfmon-thread-vs-perf-stat pfm-agree thread 0x11 cycles spin 500
	step libperfmon-cpu-vs-perf-stat pfm-agree cpu 0x11 cycles spin 500
else
	step libperfmon-thread-vs-perf-stat pfm-agree thread 0x0100000000000002 page-faults faults 20000
	step libperfmon-cpu-vs-perf-stat pfm-agree cpu 0x0100000000000002 page-faults faults 20000
fi
step unload-perfmon modload -r vpmc_perfmon
step unload-vpmc-auto modload -r vpmc
