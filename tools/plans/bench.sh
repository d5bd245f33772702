# SPDX-License-Identifier: GPL-2.0-only
# The plan of `make bench`, sourced by scripts/guest/guest.sh: vpmc on the
# perf backend, the perfmon2 interface and the benchmark module, then every
# benchmark REPS times (tools/bench/run.sh); scripts/bench-report.py reads
# the VPMC-BENCH lines from the console log.
echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
echo -1 >/proc/sys/kernel/perf_event_paranoid
# unhook_ms=0: B4's bare and perf rounds run without vpmc's hooks.
step load-vpmc modload "$M/vpmc.ko" backend=perf unhook_ms=0
step load-perfmon modload "$M/vpmc_perfmon.ko"
step load-bench modload "$M/vpmc_bench.ko"
step bench bench-run full
# Where the time goes where vpmc is slower than perf: kernel profiles
# (perf's cpu-clock sampling, by module and function) of vpmc's side of
# B4 and B3, perf's side of B4, and B1 and B7 (both sides in one run: the
# module column tells them apart). B2 runs with interrupts off, where
# cpu-clock cannot sample.
# B4 function by function: instructions per call of vpmc's and perf's
# context-switch hooks (ftrace under icount).
step profile-switch bench-switchcost
step profile-pipe-vpmc bench-profile bench_pipe 20000 vpmc
step profile-pipe-perf bench-profile bench_pipe 20000 perf
step profile-read4-vpmc bench-profile bench_read4 100000 vpmc
step profile-read bench-profile sh -c 'echo read 400000 0x0100000000000000 >/sys/kernel/debug/vpmc_bench'
step profile-alloc bench-profile sh -c 'echo alloc 4000 0x0100000000000000 >/sys/kernel/debug/vpmc_bench'
step unload-bench modload -r vpmc_bench
step unload-perfmon modload -r vpmc_perfmon
step unload-vpmc modload -r vpmc
