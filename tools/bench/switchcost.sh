#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bench-switchcost: where B4's time goes, function by function. Runs
# bench_pipe's vpmc and perf modes with ftrace's function_graph on one
# function at a time and prints each function's calls and mean duration.
# Under -icount a ns is a guest instruction, so the means repeat exactly;
# each includes the tracer's own cost, which the first line measures on
# vpmc_core_switch_begin() (a handful of stores): subtract it.
set -e
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T
echo 4096 >$T/buffer_size_kb
cost() {	# FUNCTION MODE
	echo 0 >$T/tracing_on
	echo nop >$T/current_tracer
	echo >$T/trace
	echo "$1" >$T/set_ftrace_filter
	echo function_graph >$T/current_tracer
	echo 1 >$T/tracing_on
	bench_pipe 1000 "$2" >/dev/null
	echo 0 >$T/tracing_on
	grep -E '[0-9]+\.[0-9]+ us' $T/trace |
		sed 's/.*[^0-9.]\([0-9][0-9]*\.[0-9]*\) us.*/\1/' |
		awk -v f="$1" -v m="$2" '{ n++; s += $1 }
			END { printf "%-6s %-30s calls %6d  mean %9.1f ns\n", m, f, n, n ? s * 1000 / n : 0 }'
	sleep 2		# the mode's hooks go before the next run
}
cost vpmc_core_switch_begin vpmc
for f in vpmc_sched_switch vpmc_core_switch_out vpmc_core_switch_in \
	 vpmc_core_switch_unlock vpmc_core_switch_end pb_read; do
	cost $f vpmc
done
for f in __perf_event_task_sched_out __perf_event_task_sched_in ___perf_sw_event; do
	cost $f perf
done
echo 0 >$T/tracing_on
echo nop >$T/current_tracer
echo >$T/set_ftrace_filter
