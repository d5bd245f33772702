# SPDX-License-Identifier: GPL-2.0-only
# arm64 under `-icount shift=0` (run-guest.sh adds it for this plan): QEMU's
# PMUv3 then counts instructions too (and cycles equal instructions).
# vpmc, on the perf backend, agrees with perf stat on both, and overflow
# periods reprogrammed every 5000 and 100000 cycles leave the cycles count
# equal to cpu-clock (ovfl_drift: without -icount QEMU's PMU itself jumps).
echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
step load-auto modload "$M/vpmc.ko"
step load-ctl modload "$M/vpmc_ctl.ko"
step perf-agrees-instructions perf-agree 0x0200000000000001 instructions spin 1000
step perf-agrees-cycles perf-agree 0x0200000000000000 cycles spin 1000
step load-perfmon modload "$M/vpmc_perfmon.ko"
step drift-5k pfm_ovfl_drift 5000 100
step drift-100k pfm_ovfl_drift 100000 100
step unload-perfmon modload -r vpmc_perfmon
step unload-ctl modload -r vpmc_ctl
step unload-auto modload -r vpmc
