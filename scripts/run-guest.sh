#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The guest runner: build vpmc for a kernel, boot it in QEMU (TCG, 2 vCPUs),
# run a test plan inside, power off, and judge the console log.
#   run-guest.sh [--show] debug|stock x86_64|arm64 PLAN
# PLAN is tools/plans/PLAN.sh. The log is kept in build/logs/KIND-ARCH-PLAN.log;
# the verdict (scripts/check-log.py) is printed and is the exit status.
# VPMC_GUEST_TIMEOUT (seconds) bounds the whole guest run. For debugging,
# VPMC_QEMU_ARGS adds QEMU options (a monitor socket, -gdb) and VPMC_CMDLINE
# kernel parameters (nokaslr, to read a hung guest's stacks with System.map).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

show=
if [ "${1:-}" = --show ]; then
	show=--show
	shift
fi
kind=${1:-}
arch=${2:-}
plan=${3:-}
[ -f "$VPMC_TOP/tools/plans/$plan.sh" ] || die "usage: run-guest.sh [--show] debug|stock x86_64|arm64 PLAN"
name=$kind-$arch-$plan

read -r _ image moddir < <("$VPMC_TOP/scripts/kernel.sh" "$kind" "$arch")
ko=$("$VPMC_TOP/scripts/build-modules.sh" "$kind" "$arch")
tools=$VPMC_BUILD/tools/$arch
make -s -C "$VPMC_TOP/tools" O="$tools" CROSS_COMPILE="$(cross_compile "$arch")" >&2

# === The initramfs: busybox, /init, boot modules, and the payload in /vpmc ===
stage=$VPMC_BUILD/guest/$name
rm -rf "$stage"
mkdir -p "$stage/root/bin" "$stage/root/lib" "$stage/root/vpmc/modules" "$stage/root/vpmc/bin"
case "$arch" in
x86_64) busybox=/bin/busybox ;;
arm64) busybox=$(with_lock deb-busybox-arm64 fetch_deb busybox-static:arm64)/bin/busybox ;;
esac
cp "$busybox" "$stage/root/bin/busybox"
# arm64 guests get Debian's arm64 perf, for perf stat beside vpmc.
[ "$arch" = arm64 ] && cp -a "$(with_lock arm64-perf "$VPMC_TOP/scripts/arm64-perf.sh")"/. "$stage/root/"
install -m 0755 "$VPMC_TOP/scripts/guest/init" "$stage/root/init"
cp "$VPMC_TOP/scripts/guest/guest.sh" "$stage/root/vpmc/guest.sh"
cp "$VPMC_TOP/tools/plans/$plan.sh" "$stage/root/vpmc/plan.sh"
cp "$ko"/*.ko "$stage/root/vpmc/modules/"
cp "$tools"/bin/* "$stage/root/vpmc/bin/"
mkdir -p "$stage/root/vpmc/lib"
cp -a "$tools"/lib/libperfmon.so* "$stage/root/vpmc/lib/"

# x86_64 guests run on the host's root filesystem (9p + overlay): a stock
# kernel has that stack as modules, which /init loads in dependency order.
root=initramfs
if [ "$arch" = x86_64 ]; then
	root=host
	if [ "$moddir" != - ]; then
		kver=$(basename "$moddir")
		base=${moddir%/lib/modules/*}
		[ -f "$moddir/modules.dep" ] || depmod -b "$base" "$kver"
		mkdir -p "$stage/root/lib/boot"
		modprobe -d "$base" -S "$kver" --show-depends -a virtio_pci 9pnet_virtio 9p overlay |
			awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while IFS= read -r m; do
				cp "$m" "$stage/root/lib/boot/"
				echo "/lib/boot/$(basename "$m")"
			done >"$stage/root/lib/vpmc-boot-modules"
	fi
fi
(cd "$stage/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$stage/initrd.gz"

# === Boot ===
# The fuzzers' seed: printed here, given again with VPMC_FUZZ_SEED to replay.
fuzz_seed=${VPMC_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
msg "$name: fuzz seed $fuzz_seed"
cmdline="panic=-1 oops=panic vpmc.root=$root vpmc.kernel=$kind vpmc.arch=$arch vpmc.fuzz_seed=$fuzz_seed ${VPMC_CMDLINE:-}"
case "$arch" in
x86_64)
	# q35: i440fx's ACPI _PRT is an AML loop that, under KASAN + TCG, runs into the
	# 30 s AML loop timeout and leaves virtio-pci without an interrupt.
	# thread=single (one host thread runs both vCPUs in turn): with one
	# host thread per vCPU (QEMU 7.2's default), a vCPU looping with
	# interrupts off kept running a stale translation of an int3 that
	# text_poke_bp() on the other vCPU had already replaced (the kernel
	# rewinds to re-execute it), while that vCPU waited forever for the
	# sync IPI: an RCU stall with a CPU in asm_exc_int3. Anything that
	# patches text hit it: hooking vpmc's sched_switch probe (make bench
	# hung about once per eight hookings), perf's static keys of software
	# events, static calls; CI's stock x86_64 check hung so in its fuzz
	# step. One thread sees every code write at once. It stretches
	# cross-CPU latencies to its time slice, which no test may mistake
	# for lost counts (issue 19: no test assumes a quiet machine).
	accel=tcg,thread=single
	qemu=(qemu-system-x86_64 -M q35 -accel "$accel" -cpu max
		-append "console=ttyS0 $cmdline")
	[ "$root" = host ] && qemu+=(-virtfs
		"local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
	;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57 -append "console=ttyAMA0 $cmdline")
	;;
esac
# The icount plans need QEMU to count instructions (arm64's PMUv3 then has
# them; its cycles are then instructions too).
smp=2
case $plan in icount | bench-icount) qemu+=(-icount shift=0) ;; esac
# The x86 benchmarks too, on one vCPU: the guest's clock then advances one
# ns per instruction, so a benchmark's time is the instructions it ran and
# repeats to within 0.1%, where host time under TCG swung by 30% from one
# round to the next (B4's round trips: 82 to 164 us). With icount, x86
# did not get past bringing up its second vCPU in minutes, and no x86
# benchmark needs one: each runs on the CPU it starts on.
case $arch-$plan in x86_64-bench | x86_64-itrace) smp=1 qemu+=(-icount shift=0) ;; esac
qemu+=(-smp "$smp" -m 2G -no-reboot -display none -monitor none -serial stdio
	-kernel "$image" -initrd "$stage/initrd.gz")
# shellcheck disable=SC2206 # word splitting is the point
[ -n "${VPMC_QEMU_ARGS:-}" ] && qemu+=($VPMC_QEMU_ARGS)

mkdir -p "$VPMC_BUILD/logs"
log=$VPMC_BUILD/logs/$name.log
timeout_s=${VPMC_GUEST_TIMEOUT:-1800}
msg "booting $name (log: $log, timeout ${timeout_s}s)"
start=$SECONDS
rc=0
timeout --foreground -k 10 "$timeout_s" "${qemu[@]}" </dev/null >"$log" 2>&1 || rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "VPMC-RUNNER: guest timed out after ${timeout_s}s" >>"$log"
	msg "$name: guest timed out after ${timeout_s}s"
elif [ "$rc" -ne 0 ]; then
	msg "$name: qemu exited with $rc"
fi
msg "$name: guest ran $((SECONDS - start))s"
exec python3 "$VPMC_TOP/scripts/check-log.py" "$log" --name "$name" $show \
	--result "$VPMC_BUILD/logs/$name.result"
