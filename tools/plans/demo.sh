# SPDX-License-Identifier: GPL-2.0-only
# The demo of `make run`, sourced by scripts/guest/guest.sh: load vpmc, show
# the PMU it serves, let a sample consumer create virtual PMCs (sharing,
# preemption, overflow callbacks) and show the arbiter through debugfs.
step load-vpmc modload "$M/vpmc.ko"
step vpmc-info vpmc info
step load-sample-consumer modload "$M/vpmc_demo.ko"
step arbiter-state cat /sys/kernel/debug/vpmc/state
step unload-sample-consumer modload -r vpmc_demo
step arbiter-idle sh -c '! grep -q "vpmc [0-9]" /sys/kernel/debug/vpmc/state'
step unload-vpmc modload -r vpmc
