# SPDX-License-Identifier: GPL-2.0-only
# arm64 under `-icount shift=0` (run-guest.sh adds it for this plan): QEMU's
# PMUv3 then counts instructions too (and cycles equal instructions).
# vpmc, on the perf backend, agrees with perf stat on both.
echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
step load-auto modload "$M/vpmc.ko"
step load-ctl modload "$M/vpmc_ctl.ko"
step perf-agrees-instructions perf-agree 0x0200000000000001 instructions spin 1000
step perf-agrees-cycles perf-agree 0x0200000000000000 cycles spin 1000
step unload-ctl modload -r vpmc_ctl
step unload-auto modload -r vpmc
