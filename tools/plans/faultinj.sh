# SPDX-License-Identifier: GPL-2.0-only
# In-guest plan of the fault-injection steps alone (debug kernels), every
# fault point of each module's load included, as make fuzz runs them:
# `scripts/run-guest.sh debug ARCH faultinj` (Documentation/testing.rst,
# "Fault injection").
STEP_TIMEOUT=1800
echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
step load-perf modload "$M/vpmc.ko"
step load-ctl modload "$M/vpmc_ctl.ko"
step load-perfmon modload "$M/vpmc_perfmon.ko"
step faultinj-sites faultinj "$M" sites
step faultinj-calls faultinj "$M" calls
step faultinj-modules faultinj "$M" modules
step unload-perfmon modload -r vpmc_perfmon
step unload-ctl modload -r vpmc_ctl
step unload-perf modload -r vpmc
