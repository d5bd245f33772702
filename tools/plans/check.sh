# SPDX-License-Identifier: GPL-2.0-only
# In-guest test plan of `make check`, sourced by scripts/guest/guest.sh.
# It may use: step NAME CMD..., kunit MODULE SUITE..., $M (our modules),
# $VPMC_KERNEL (debug|stock) and $VPMC_ARCH (x86_64|arm64).

# Every KUnit suite; each run loads them all, against the backend loaded.
SUITES="vpmc_pmu vpmc_constraints vpmc_sharing vpmc_priority vpmc_overflow vpmc_width vpmc_model vpmc_concurrency vpmc_lifetime vpmc_x86 vpmc_backend_conformance vpmc_thread vpmc_thread_rules vpmc_callbacks"

# perf throttles sampling events whose handlers it finds slow under TCG.
echo 0 >/proc/sys/kernel/perf_cpu_time_max_percent
echo 200000 >/proc/sys/kernel/perf_event_max_sample_rate

# Bad parameters are refused with EINVAL and leave nothing behind.
step load-unknown-backend modload -e EINVAL "$M/vpmc.ko" backend=nonesuch
step load-bad-width modload -e EINVAL "$M/vpmc.ko" backend=sim sim_width=8
step load-too-many-fixed modload -e EINVAL "$M/vpmc.ko" backend=sim sim_fixed=4
step load-no-counters modload -e EINVAL "$M/vpmc.ko" backend=sim sim_gp=0 sim_fixed=0
step load-bad-overflow-limit modload -e EINVAL "$M/vpmc.ko" backend=sim overflow_max_percent=101
step nothing-left-behind test ! -e /sys/kernel/vpmc

# The PMU description in sysfs is the one asked for, in two shapes.
step load-sim-4-3-48 modload "$M/vpmc.ko" backend=sim sim_gp=4 sim_fixed=3 sim_width=48
step sysfs-sim-4-3-48 pmu_desc sim 4 3 48
[ "$VPMC_KERNEL" = debug ] && kunit vpmc_kunit $SUITES
# A consumer's virtual PMCs: visible in debugfs, and they pin vpmc.ko.
step load-sample-consumer modload "$M/vpmc_demo.ko"
# The fixed cycles counter lists two users: the pinned watchdog and a tracer.
step debugfs-shows-sharing sh -c 'grep -A2 "fixed/48: event 0x1 " /sys/kernel/debug/vpmc/state |
	grep -c " prio [0-9]* .*active" | grep -qx 2'
step debugfs-shows-preempted grep -q "prio 100 preempted" /sys/kernel/debug/vpmc/state
step unload-while-in-use modload -e EAGAIN -r vpmc
step unload-sample-consumer modload -r vpmc_demo
step unload-sim-4-3-48 modload -r vpmc

step load-sim-2-0-32 modload "$M/vpmc.ko" backend=sim sim_gp=2 sim_fixed=0 sim_width=32
step sysfs-sim-2-0-32 pmu_desc sim 2 0 32
[ "$VPMC_KERNEL" = debug ] && kunit vpmc_kunit $SUITES
step unload-sim-2-0-32 modload -r vpmc
step unload-twice modload -e ENOENT -r vpmc

# Sampling counted exactly: perfmon and both formats on the simulated PMU,
# whose events the test makes (debugfs vpmc/sim_inject), no throttling.
step load-sim-sampling modload "$M/vpmc.ko" backend=sim sim_gp=4 sim_fixed=0 sim_width=48 \
	overflow_max_percent=0
step load-sim-perfmon modload "$M/vpmc_perfmon.ko"
step load-sim-ring modload "$M/vpmc_ring.ko"
step perfmon-smpl_exact pfm_smpl_exact
step unload-sim-ring modload -r vpmc_ring
step unload-sim-perfmon modload -r vpmc_perfmon
step unload-sim-sampling modload -r vpmc

# Backends. There is no architectural perfmon in these guests (TCG has no
# x86 PMU; arm64 is not x86): backend=x86 says so and fails, auto says it
# falls back to perf.
step load-x86-refused modload -e ENODEV "$M/vpmc.ko" backend=x86
step load-auto-selects-perf sh -c "modload $M/vpmc.ko && grep -qx perf /sys/kernel/vpmc/backend &&
	$BB dmesg | grep -q 'backend auto: x86 unavailable'"
# overflow_max_percent: 0-100 at run time; anything else is refused with
# EINVAL and changes nothing.
ovfmax=/sys/module/vpmc/parameters/overflow_max_percent
step overflow-limit-default grep -qx 25 $ovfmax
# (dd, not echo: ash's echo reports write errors differently across builds.)
step overflow-limit-refused sh -c "echo 101 | dd of=$ovfmax 2>&1 | grep -q 'Invalid argument' &&
	echo x | dd of=$ovfmax 2>&1 | grep -q 'Invalid argument' && grep -qx 25 $ovfmax"
step overflow-limit-set sh -c "echo 0 >$ovfmax && grep -qx 0 $ovfmax &&
	echo 25 >$ovfmax && grep -qx 25 $ovfmax"
step load-ctl modload "$M/vpmc_ctl.ko"
# vpmc and perf stat count the same work alike (tools/tests/perf-agree.sh).
if [ "$VPMC_ARCH" = x86_64 ]; then
	step perf-agrees-page-faults perf-agree 0x0100000000000002 page-faults faults 20000
	step perf-agrees-minor-faults perf-agree 0x0100000000000005 minor-faults faults 20000
fi
if [ "$VPMC_ARCH" = arm64 ]; then
	# The emulated PMUv3: cycles (perf's generic event through vpmc's perf
	# backend), and overflow callbacks of three periods sharing the counter.
	step perf-agrees-cycles perf-agree 0x0200000000000000 cycles spin 2000
	step overflow-share-cycles overflow-share 0x0200000000000000 2000 1000000 3000000 7000000
fi
# Per-thread virtual PMCs on perf's cpu-clock follow a busy thread's run
# time (schedstat) within 5%, across CPU 1 going offline and back while a
# system-wide one counts there (tools/tests/thread_count.c).
step thread-time-hotplug thread_count /sys/kernel/debug/vpmc_ctl 0x0100000000000000 2000 time hotplug
# CPU 1 off and on while perf software events count, per thread and on
# the CPU: no backend event is made or released under the hotplug lock.
step hotplug-swevent hotplug-swevent /sys/kernel/debug/vpmc_ctl
if [ "$VPMC_ARCH" = arm64 ]; then
	step thread-cycles-busy-idle thread_count /sys/kernel/debug/vpmc_ctl 0x0200000000000000 2000 ratio
fi
# perfmon2 programs linked with libperfmon (tools/tests/perfmon/), on
# vpmc_perfmon.ko: one program per behaviour, one per errno, and the checks
# run as an unprivileged uid.
step load-perfmon modload "$M/vpmc_perfmon.ko"
step perfmon-sysfs sh -c 'test -c /dev/perfmon && grep -qx 2.82 /sys/kernel/perfmon/version &&
	grep -q "usr=config:60 os=config:61" /sys/kernel/perfmon/pmu_desc/format &&
	n=$(cat /sys/kernel/perfmon/pmu_desc/num_pmds) && [ "$n" -gt 0 ] &&
	grep -qx 64 /sys/kernel/perfmon/pmu_desc/pmd$((n - 1))/width &&
	grep -qx 0xc000000000000000 /sys/kernel/perfmon/pmu_desc/pmc0/rsvd_msk'
for t in abi self_count attach syswide ovfl_sigio block sets unload_reload errno oldtool nochange smpl_dfl \
	reset_race unpriv; do
	step "perfmon-$t" "pfm_$t"
done
step perfmon-sets_exact pfm_sets_exact 3
# A sampling format in a module of its own: vpmc-ring, on the format
# interface only; it cannot be unloaded under a context using it. It stays
# loaded for the fuzzer.
step load-ring modload "$M/vpmc_ring.ko"
step perfmon-smpl_ring pfm_smpl_ring
step perfmon-formats sh -c 'grep -qx 1.0 /sys/kernel/perfmon/formats/vpmc-ring/version &&
	grep -qx 1.0 /sys/kernel/perfmon/formats/default/version'
# The same perfmon2 program, linked with the shared libperfmon.
[ "$VPMC_ARCH" = x86_64 ] && step perfmon-shared-lib pfm_self_count_dyn
# make run's comparison with perf stat (tools/tests/pfm-agree.sh).
if [ "$VPMC_ARCH" = arm64 ]; then
	step perfmon-thread-vs-perf-stat pfm-agree thread 0x11 cycles spin 2000
	step perfmon-cpu-vs-perf-stat pfm-agree cpu 0x11 cycles spin 2000
else
	step perfmon-thread-vs-perf-stat pfm-agree thread 0x0100000000000002 page-faults faults 20000
	step perfmon-cpu-vs-perf-stat pfm-agree cpu 0x0100000000000002 page-faults faults 20000
fi
# The fuzzers, bounded (make fuzz runs them long; testing.rst): perfmon2
# calls as root and uid 1000 with CPU hotplug and parameter chaos, then
# the in-kernel API from kthreads while overflows fire; every context
# closed, the arbiter's invariants hold and no virtual PMC is left.
# perf's own interrupt throttling stays off, as for the rest of the plan:
# only vpmc's must keep short periods from holding a CPU (before the perf
# backend idled an event its last counter left, the API fuzzer soft-locked
# debug arm64 so; make fuzz runs with perf's throttling on, its default).
seed=$(arg fuzz_seed)
step fuzz-perfmon pfm_fuzz -s "${seed:-1}" -t 40 -w 4 -c
step load-fuzz modload "$M/vpmc_fuzz.ko"
step fuzz-api sh -c "echo ${seed:-1} 20000 4 >/sys/kernel/debug/vpmc_fuzz && cat /sys/kernel/debug/vpmc_fuzz"
step fuzz-check grep -qx ok /sys/kernel/debug/vpmc/check
step unload-fuzz modload -r vpmc_fuzz
step unload-ring modload -r vpmc_ring
step ring-format-gone test ! -e /sys/kernel/perfmon/formats/vpmc-ring
# Fault injection (debug kernels: FAIL_FUNCTION, FAILSLAB): each of our
# allocation sites failed on each creation path, then every fault point of
# each perfmon2 call in turn, and every 8th of each module's load (from a
# point the seed picks; make fuzz fails them all) (tools/tests/faultinj.sh);
# kmemleak's scan at the end finds no leak of ours.
# faultinj-modules loads the modules some 400 times (234 s on a quiet host).
if [ "$VPMC_KERNEL" = debug ]; then
	STEP_TIMEOUT=1200
	step faultinj-sites faultinj "$M" sites
	step faultinj-calls faultinj "$M" calls
	step faultinj-modules faultinj "$M" modules "8:$((${seed:-1} % 8))"
	STEP_TIMEOUT=600
fi
# Every benchmark of make bench, once and small, so none can rot
# (tools/bench/run.sh; its figures mean nothing here).
# x86_64 prints 14 figures, arm64 (its own B5 and B6) 6.
[ "$VPMC_ARCH" = x86_64 ] && nbench=15 || nbench=6
step load-bench modload "$M/vpmc_bench.ko"
step bench-smoke sh -c "bench-run smoke | tee /tmp/bench.out && [ \$(grep -c '^VPMC-BENCH .* vpmc=-*[0-9]* perf=-*[0-9]* unit=' /tmp/bench.out) = $nbench ]"
# B6's claim as a test: 8 users of SW_INCR on one counter each count
# every one of 200000 writes, with perf's 8 events multiplexed beside them.
[ "$VPMC_ARCH" = arm64 ] && step bench-share-exact sh -c \
	'echo hwshare 200000 >/sys/kernel/debug/vpmc_bench && grep "^hwshare vpmc=0 perf=[0-9]* unit=ppm" /sys/kernel/debug/vpmc_bench'
step unload-bench modload -r vpmc_bench
step unload-perfmon modload -r vpmc_perfmon
[ "$VPMC_KERNEL" = debug ] && kunit vpmc_kunit $SUITES
step unload-ctl modload -r vpmc_ctl
step unload-perf modload -r vpmc
