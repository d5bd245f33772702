# SPDX-License-Identifier: GPL-2.0-only
# In-guest test plan of `make check`, sourced by scripts/guest/guest.sh.
# It may use: step NAME CMD..., kunit MODULE SUITE..., $M (our modules),
# $VPMC_KERNEL (debug|stock) and $VPMC_ARCH (x86_64|arm64).

# Bad parameters are refused with EINVAL and leave nothing behind.
step load-unknown-backend modload -e EINVAL "$M/vpmc.ko" backend=nonesuch
step load-bad-width modload -e EINVAL "$M/vpmc.ko" sim_width=8
step load-too-many-fixed modload -e EINVAL "$M/vpmc.ko" sim_fixed=4
step load-no-counters modload -e EINVAL "$M/vpmc.ko" sim_gp=0 sim_fixed=0
step nothing-left-behind test ! -e /sys/kernel/vpmc

# The PMU description in sysfs is the one asked for, in two shapes.
step load-sim-4-3-48 modload "$M/vpmc.ko" backend=sim sim_gp=4 sim_fixed=3 sim_width=48
step sysfs-sim-4-3-48 pmu_desc sim 4 3 48
[ "$VPMC_KERNEL" = debug ] && kunit vpmc_kunit vpmc_pmu vpmc_constraints vpmc_sharing vpmc_priority vpmc_overflow vpmc_width vpmc_model vpmc_concurrency vpmc_lifetime
# A consumer's virtual PMCs: visible in debugfs, and they pin vpmc.ko.
step load-sample-consumer modload "$M/vpmc_demo.ko"
# The fixed cycles counter lists two users: the pinned watchdog and a tracer.
step debugfs-shows-sharing sh -c 'grep -A2 "fixed/48: event 0x1 " /sys/kernel/debug/vpmc/state |
	grep -c " prio [0-9]* .*active" | grep -qx 2'
step debugfs-shows-preempted grep -q "prio 100 preempted" /sys/kernel/debug/vpmc/state
step unload-while-in-use modload -e EAGAIN -r vpmc
step unload-sample-consumer modload -r vpmc_demo
step unload-sim-4-3-48 modload -r vpmc

step load-sim-2-0-32 modload "$M/vpmc.ko" sim_gp=2 sim_fixed=0 sim_width=32
step sysfs-sim-2-0-32 pmu_desc sim 2 0 32
[ "$VPMC_KERNEL" = debug ] && kunit vpmc_kunit vpmc_pmu vpmc_constraints vpmc_sharing vpmc_priority vpmc_overflow vpmc_width vpmc_model vpmc_concurrency vpmc_lifetime
step unload-sim-2-0-32 modload -r vpmc
step unload-twice modload -e ENOENT -r vpmc
