#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Fault injection on the debug kernels (Documentation/testing.rst, "Fault
# injection"): every allocation site of vpmc and vpmc_perfmon failed on
# every creation path, each with a clean errno, nothing changed, nothing
# left behind; the plan's closing kmemleak scan then finds no leak.
#   faultinj MODDIR sites     our sites, one at a time, on each path
#   faultinj MODDIR calls     each perfmon2 call, every fault point in turn
#   faultinj MODDIR modules [K:OFF]
#                             each module's load, every fault point in turn
#                             (every Kth from the OFFth: modload -k)
# Expects vpmc.ko (perf backend), vpmc_ctl.ko and vpmc_perfmon.ko loaded,
# and leaves them so.
M=${1:?usage: faultinj MODDIR sites|calls|modules}
part=${2:?usage: faultinj MODDIR sites|calls|modules}
stride=${3:-1}
dbg=/sys/kernel/debug
fi=$dbg/fail_function
ctl=$dbg/vpmc_ctl
keep=/sys/module/vpmc/parameters/perf_keep_ms
cpu1=/sys/devices/system/cpu/cpu1/online
bad=0
hit=

fail() {
	echo "FAIL: $*"
	bad=1
}

# fail_function: only SITE, every call of a marked thread (task-filter),
# once.
inject() {
	echo >$fi/inject
	echo "$1" >$fi/inject || { fail "cannot inject $1"; return 1; }
	echo 100 >$fi/probability
	echo 0 >$fi/interval
	echo 0 >$fi/space
	echo 1 >$fi/verbose
	echo "$2" >$fi/task-filter
	echo 1 >$fi/times
	# ERRNO sites return -EINVAL unless told (NULL ones NULL).
	case $1 in
	pfm_copy_vec | pfm_ctx_buf) printf %#x -12 >$fi/$1/retval ;;
	esac
}

# Whether the injection armed by inject() was spent.
spent() {
	[ "$(cat $fi/times)" = 0 ]
}

arbiter_ok() {
	grep -qx ok $dbg/vpmc/check || fail "$1: arbiter check: $(cat $dbg/vpmc/check)"
}

# site SITE OP: the perfmon2 call OP fails where SITE fails.
site() {
	inject "$1" Y || return
	pfm_faultinj site "$2" || fail "$1 under $2"
	if spent; then
		hit="$hit $1($2)"
	else
		fail "$2 never reached $1"
	fi
	echo >$fi/inject
}

sites() {
	old_keep=$(cat $keep)
	# No cached backend event: each creation path allocates its own.
	echo 0 >$keep

	# The perfmon2 calls, on our sites.
	site pfm_ctx_alloc create
	site pfm_ctx_alloc create_smpl
	site pfm_smpl_buf_alloc create_smpl
	site pfm_set_alloc create
	site pfm_set_alloc create_evtsets
	site pfm_copy_vec create_evtsets
	site pfm_copy_vec getinfo
	site pfm_dup getinfo
	site pfm_ctx_buf write_pmcs
	site pfm_ctx_buf write_pmds
	site pfm_ctx_buf read_pmds
	site vpmc_alloc load_cpu
	site pb_event_alloc load_cpu
	site vpmc_task_pmc_alloc load_thread
	site watched_alloc load_thread
	site vpmc_events_alloc load_thread
	site pb_event_alloc load_thread
	site vpmc_task_pmc_alloc rebind

	# Inherit at fork: the child's virtual PMC and its thread state are lost
	# (the parent's says so in dmesg); fork itself succeeds.
	ev=0x100000000000002
	for s in vpmc_task_pmc_alloc watched_alloc; do
		echo destroy >$ctl
		echo "task $$ $ev 0 inherit" >$ctl || fail "task $$"
		echo start >$ctl
		inject $s Y || continue
		# This shell forks: it is the marked task.
		echo 1 >/proc/$$/make-it-fail
		sh -c : || fail "fork under $s"
		echo 0 >/proc/$$/make-it-fail
		if spent; then
			hit="$hit $s(fork)"
		else
			fail "fork never reached $s"
		fi
		echo >$fi/inject
		echo destroy >$ctl
		arbiter_ok "inherit $s"
	done

	# CPU online: the work that brings CPU 1 up for vpmc takes each per-thread
	# event there; without memory, threads do not count it there (dmesg says
	# so) and nothing else changes. The work is a kworker: no task filter.
	if [ -w $cpu1 ]; then
		echo destroy >$ctl
		echo "task $$ $ev" >$ctl || fail "task $$"
		echo 0 >$cpu1
		inject pb_event_alloc N && {
			echo 1 >$cpu1 || fail "CPU 1 online"
			i=0
			while ! spent && [ $i -lt 100 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			if spent; then
				hit="$hit pb_event_alloc(online)"
			else
				fail "CPU 1 online never reached pb_event_alloc"
			fi
			echo >$fi/inject
			busybox dmesg | grep -q "cpu 1: per-thread event $ev unavailable (-12)" ||
				fail "no word of the event missing on CPU 1"
		}
		grep -qx 1 $cpu1 || echo 1 >$cpu1
		echo destroy >$ctl
		arbiter_ok "CPU online"
	fi
	echo "$old_keep" >$keep
}

calls() {
	# The same calls with each of their fault points failed in turn, the
	# kernel's own allocations under them (perf events, files) included.
	for op in create create_smpl write_pmcs write_pmds read_pmds load_thread load_cpu \
		rebind create_evtsets getinfo; do
		pfm_faultinj nth $op || fail "fault points of $op"
	done
}

modules() {
	# Module init: every fault point of each load, ours (vpmc_pmu_alloc,
	# arb_alloc, vpmc_counter_alloc, pb_alloc, pb_cpus_alloc, the caches,
	# sysfs, debugfs; vpmc_x86_alloc before backend=x86's ENODEV,
	# vpmc_sim_alloc with backend=sim; pfm_reg_alloc and the misc device)
	# and the module loader's past the module's parameters.
	modload -r vpmc_perfmon && modload -r vpmc_ctl && modload -r vpmc || fail "unload"
	# -b: a parameter refused as it is parsed marks where the loader's
	# own fault points end (modload.c).
	b=overflow_max_percent=101
	modload -n -k $stride -b $b -e ENODEV "$M/vpmc.ko" backend=x86 || fail "vpmc.ko backend=x86"
	modload -n -k $stride -b $b "$M/vpmc.ko" backend=sim || fail "vpmc.ko backend=sim"
	modload -r vpmc || fail "unload backend=sim"
	modload -n -k $stride -b $b "$M/vpmc.ko" || fail "vpmc.ko"
	modload -n -k $stride -b paranoid=x "$M/vpmc_perfmon.ko" || fail "vpmc_perfmon.ko"
	modload "$M/vpmc_ctl.ko" || fail "vpmc_ctl.ko"
	arbiter_ok "module init"
}

echo 0 >$dbg/failslab/probability
echo 0 >$dbg/failslab/verbose
case $part in
sites) sites ;;
calls | modules)
	# fail-nth counts failslab's calls too: GFP_KERNEL ones included.
	echo N >$dbg/failslab/ignore-gfp-wait
	echo >$fi/inject
	$part
	echo Y >$dbg/failslab/ignore-gfp-wait
	;;
*) fail "unknown part $part" ;;
esac
echo >$fi/inject
[ -z "$hit" ] || echo "sites failed:$hit"
[ $bad = 0 ] && echo ok
exit $bad
