# SPDX-License-Identifier: GPL-2.0-only
# ovfl_drift without -icount: a reproducer of QEMU's PMU race at ERET
# (tools/tests/perfmon/ovfl_drift.c), which fails on arm64 under TCG and is
# not part of make check; make check runs ovfl_drift under -icount
# (tools/plans/icount.sh). perf's own sysctls are left at their defaults:
# `scripts/run-guest.sh stock arm64 drift`.
step load-perf modload "$M/vpmc.ko"
step load-perfmon modload "$M/vpmc_perfmon.ko"
step drift-100k pfm_ovfl_drift 100000
step drift-20k pfm_ovfl_drift 20000
step drift-5k pfm_ovfl_drift 5000
step unload-perfmon modload -r vpmc_perfmon
step unload-perf modload -r vpmc
