# SPDX-License-Identifier: GPL-2.0-only
# The plan of scripts/itrace.sh: each x86 benchmark whose target vpmc
# misses or only just meets, small, between ITRACE-ON NAME and ITRACE-OFF,
# while QEMU logs every instruction (tools/bench/itrace.py watch turns it
# on and off through the monitor; the pauses give it time). The guest's
# /proc/kallsyms goes to the host through the itrace 9p share.
echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
echo -1 >/proc/sys/kernel/perf_event_paranoid
step load-vpmc modload "$M/vpmc.ko" backend=perf unhook_ms=0
step load-perfmon modload "$M/vpmc_perfmon.ko"
step load-bench modload "$M/vpmc_bench.ko"
mkdir -p /tmp/itrace
step symbols sh -c 'mount -t 9p -o trans=virtio itrace /tmp/itrace &&
	grep -E " [tTwW] " /proc/kallsyms >/tmp/itrace/kallsyms && umount /tmp/itrace'
traced() {	# NAME CMD...
	echo "ITRACE-ON $1"
	sleep 2
	_what=$1
	shift
	step "itrace-$_what" "$@"
	echo "ITRACE-OFF"
	sleep 2
}
traced pipe-vpmc bench_pipe 50 vpmc
traced pipe-perf bench_pipe 50 perf
traced pipe-bare bench_pipe 50 bare
traced read sh -c 'echo read 50 0x0100000000000000 >/sys/kernel/debug/vpmc_bench'
traced local sh -c 'echo local 50 0x0100000000000000 >/sys/kernel/debug/vpmc_bench'
traced read4 bench_read4 50
step unload-bench modload -r vpmc_bench
step unload-perfmon modload -r vpmc_perfmon
step unload-vpmc modload -r vpmc
