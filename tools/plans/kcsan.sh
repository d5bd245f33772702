# SPDX-License-Identifier: GPL-2.0-only
# In-guest plan of the KCSAN guest (kernel kcsan x86_64), sourced by
# guest.sh: the KUnit suites that run vpmc concurrently (kthreads on every
# CPU, the scheduler hooks, callbacks against destroy), then both fuzzers
# bounded on the perf backend. Any data race KCSAN reports is a splat.
# perf's own interrupt throttling stays on (its default): without it, short
# periods on arm64's PMU soft-lock a CPU.
seed=$(arg fuzz_seed)

# Loading vpmc_kunit runs every suite; these are the concurrent ones.
step load-sim modload "$M/vpmc.ko" backend=sim
kunit vpmc_kunit vpmc_pmu vpmc_constraints vpmc_sharing vpmc_priority vpmc_overflow vpmc_width \
	vpmc_model vpmc_concurrency vpmc_lifetime vpmc_x86 vpmc_backend_conformance vpmc_thread \
	vpmc_thread_rules vpmc_callbacks
step unload-sim modload -r vpmc
step load-perf modload "$M/vpmc.ko"
step load-perfmon modload "$M/vpmc_perfmon.ko"
step fuzz-perfmon pfm_fuzz -s "${seed:-1}" -t 40 -w 4 -c
step load-fuzz modload "$M/vpmc_fuzz.ko"
step fuzz-api sh -c "echo ${seed:-1} 20000 4 >/sys/kernel/debug/vpmc_fuzz && cat /sys/kernel/debug/vpmc_fuzz"
step fuzz-check grep -qx ok /sys/kernel/debug/vpmc/check
step unload-fuzz modload -r vpmc_fuzz
step unload-perfmon modload -r vpmc_perfmon
step unload-perf modload -r vpmc
