#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make itrace (and the end of make bench): exact instruction profiles of the
# x86 benchmarks vpmc misses or only just meets. Boots the stock x86_64
# guest on one vCPU under -icount (tools/plans/itrace.sh) with a monitor
# socket, while tools/bench/itrace.py follows its console and has QEMU log
# every instruction of each workload; then prints, per workload, each
# measured function's instructions per call as a call tree, and B4's
# overhead ratio by instruction count, to build/bench/profile-itrace.txt.
# The traces (about 1 GB) are deleted once read.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$VPMC_BUILD/bench/itrace
log=$VPMC_BUILD/logs/stock-x86_64-itrace.log
rm -rf "$out" "$log"
mkdir -p "$out"
python3 "$VPMC_TOP/tools/bench/itrace.py" watch "$log" "$out/monitor.sock" "$out" &
watcher=$!
rc=0
VPMC_CMDLINE="nokaslr ${VPMC_CMDLINE:-}" \
VPMC_QEMU_ARGS="-monitor unix:$out/monitor.sock,server,nowait
	-virtfs local,path=$out,mount_tag=itrace,security_model=none ${VPMC_QEMU_ARGS:-}" \
	"$VPMC_TOP/scripts/run-guest.sh" stock x86_64 itrace || rc=$?
wait "$watcher" || true
python3 "$VPMC_TOP/tools/bench/itrace.py" report "$out" >"$VPMC_BUILD/bench/profile-itrace.txt"
rm -f "$out"/*.trace
msg "instruction profiles: $VPMC_BUILD/bench/profile-itrace.txt"
exit "$rc"
