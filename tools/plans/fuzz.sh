# SPDX-License-Identifier: GPL-2.0-only
# In-guest plan of `make fuzz` (scripts/fuzz.sh), sourced by guest.sh:
# the perfmon2 fuzzer (tools/fuzz/pfm_fuzz.c) as root and uid 1000 with
# CPU hotplug and parameter chaos, the in-kernel API fuzzer
# (samples/vpmc_fuzz.c), then vpmc_perfmon and vpmc unloaded and loaded
# again. FUZZ_SEED and FUZZ_SECONDS come from the kernel command line.
seed=$(arg fuzz_seed)
secs=$(arg fuzz_seconds)
kops=$(arg fuzz_kops)
[ -n "$seed" ] || seed=1
[ -n "$secs" ] || secs=60
[ -n "$kops" ] || kops=100000
# The API fuzzer runs about 1000 operations a second on debug arm64 (with
# overflow callbacks on its cycle counter): room for that too.
STEP_TIMEOUT=$((secs * 2 + 600 + kops / 500))

# perf's own interrupt throttling stays on (its default): without it, short
# periods on arm64's PMU soft-lock a CPU.
step load-perf modload "$M/vpmc.ko"
step load-perfmon modload "$M/vpmc_perfmon.ko"
step load-ring modload "$M/vpmc_ring.ko"
step fuzz-perfmon pfm_fuzz -s "$seed" -t "$secs" -w 4 -c
# Every context is closed: nothing pins the modules, and they go and come.
step fuzz-unload-ring modload -r vpmc_ring
step fuzz-unload-perfmon modload -r vpmc_perfmon
step fuzz-reload-perfmon modload "$M/vpmc_perfmon.ko"
step fuzz-reload-ring modload "$M/vpmc_ring.ko"
step fuzz-perfmon-again pfm_fuzz -s "$((seed + 1))" -t "$((secs / 4 + 1))" -w 2
step load-fuzz modload "$M/vpmc_fuzz.ko"
step fuzz-api sh -c "echo $seed $kops 4 >/sys/kernel/debug/vpmc_fuzz && cat /sys/kernel/debug/vpmc_fuzz"
step fuzz-check sh -c 'grep -qx ok /sys/kernel/debug/vpmc/check'
step unload-fuzz modload -r vpmc_fuzz
step unload-ring modload -r vpmc_ring
# Fault injection, every fault point of each module's load too (debug
# kernels: tools/tests/faultinj.sh).
if [ "$VPMC_KERNEL" = debug ]; then
	step load-ctl modload "$M/vpmc_ctl.ko"
	step faultinj-sites faultinj "$M" sites
	step faultinj-calls faultinj "$M" calls
	step faultinj-modules faultinj "$M" modules
	step unload-ctl modload -r vpmc_ctl
fi
step unload-perfmon modload -r vpmc_perfmon
step unload-perf modload -r vpmc
