# SPDX-License-Identifier: GPL-2.0-only
# The arm64 half of `make bench`, sourced by scripts/guest/guest.sh under
# `-icount shift=0` (run-guest.sh adds it for this plan): the emulated
# PMUv3's cycles then count guest instructions, so the time overflow
# dispatch takes (B5) and the kernel's cost per sample (B10) are measured
# in instructions, free of the host's scheduling. B6 counts SW_INCR with
# the PMU left 4 free counters; B10l, samples lost by a slow reader.
echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
echo 200000 >/proc/sys/kernel/perf_event_max_sample_rate
echo -1 >/proc/sys/kernel/perf_event_paranoid
step load-vpmc modload "$M/vpmc.ko" backend=perf perf_gp=4
step load-perfmon modload "$M/vpmc_perfmon.ko"
step load-ring modload "$M/vpmc_ring.ko"
step load-bench modload "$M/vpmc_bench.ko"
step bench bench-run full
step unload-bench modload -r vpmc_bench
step unload-ring modload -r vpmc_ring
step unload-perfmon modload -r vpmc_perfmon
step unload-vpmc modload -r vpmc
