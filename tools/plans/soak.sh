# SPDX-License-Identifier: GPL-2.0-only
# A soak of what `make bench` hung in twice, in rep 2 and rep 7: B6's
# shared sim counter, a pause long enough for vpmc to unhook the scheduler
# tracepoints, then bench_read4's perfmon context on itself (hooking them
# again), SOAK_ROUNDS times (default 30).
echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
echo -1 >/proc/sys/kernel/perf_event_paranoid
step load-vpmc modload "$M/vpmc.ko" backend=perf
step load-perfmon modload "$M/vpmc_perfmon.ko"
step load-bench modload "$M/vpmc_bench.ko"
ctl=/sys/kernel/debug/vpmc_bench
i=0
while [ $i -lt "${SOAK_ROUNDS:-30}" ]; do
	step "soak-ovf-$i" sh -c "echo ovf1000 2000000 >$ctl && cat $ctl"
	step "soak-share-$i" sh -c "echo share 1000000 >$ctl && cat $ctl"
	sleep 6
	step "soak-read4-$i" bench_read4 20000
	step "soak-pipe-$i" bench_pipe 2000
	i=$((i + 1))
done
step unload-bench modload -r vpmc_bench
step unload-perfmon modload -r vpmc_perfmon
step unload-vpmc modload -r vpmc
