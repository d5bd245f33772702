#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the guest: the test plan /vpmc/plan.sh, one step at a time.
# Everything the host needs is on the console between markers:
#   VPMC-STEP-BEGIN name / VPMC-STEP-END name rc=N secs=S
#                                                    one step, its exit code and
#                                                    guest seconds it took
#   VPMC-KMSG-BEGIN / VPMC-KMSG-END                   kernel log since the last dump
#   VPMC-KUNIT-EXPECT suite                          a suite that must report
#   VPMC-KMEMLEAK-BEGIN / VPMC-KMEMLEAK-END          kmemleak's report after all steps
#   VPMC-GUEST-DONE                                  the plan ran to its end
# scripts/check-log.py reads them. Only warnings and worse reach the console
# live; the rest of the kernel log arrives in the dumps, so kernel and test
# output never interleave mid-line.
export PATH=/vpmc/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp
M=/vpmc/modules
BB=busybox

arg() { sed -n "s/.* vpmc\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
VPMC_KERNEL=$(arg kernel)
VPMC_ARCH=$(arg arch)
# A step that runs longer than this has hung and is killed. Generous:
# an overloaded host can make a TCG guest several times slower.
STEP_TIMEOUT=${STEP_TIMEOUT:-600}

uptime_s() { $BB cut -d. -f1 /proc/uptime; }

kmsg_dump() {
	echo "VPMC-KMSG-BEGIN"
	$BB dmesg -c
	echo "VPMC-KMSG-END"
}

# step NAME CMD...: run CMD; it passes when it exits 0.
step() {
	_name=$1
	shift
	echo "VPMC-STEP-BEGIN $_name"
	_t0=$(uptime_s)
	timeout "$STEP_TIMEOUT" "$@" </dev/null 2>&1
	_rc=$?
	_t1=$(uptime_s)
	[ $((_t1 - _t0)) -ge "$STEP_TIMEOUT" ] && [ $_rc != 0 ] &&
		echo "$_name: still running after ${STEP_TIMEOUT}s, killed"
	kmsg_dump
	echo "VPMC-STEP-END $_name rc=$_rc secs=$((_t1 - _t0))"
}

# kunit MODULE SUITE...: load a KUnit module (its suites run at load), unload it.
kunit() {
	_mod=$1
	shift
	for _s in "$@"; do
		echo "VPMC-KUNIT-EXPECT $_s"
	done
	step "kunit-$_mod" modload "$M/$_mod.ko"
	step "kunit-$_mod-unload" modload -r "$_mod"
}


mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
$BB dmesg -n 5
echo "VPMC-GUEST-START kernel=$VPMC_KERNEL arch=$VPMC_ARCH $(uname -r)"
kmsg_dump

KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w $KMEMLEAK ]; then
	# Leaks from boot are not ours: report only what the plan leaks.
	echo scan >$KMEMLEAK
	echo clear >$KMEMLEAK
fi

. /vpmc/plan.sh

if [ -w $KMEMLEAK ]; then
	# kmemleak ignores objects younger than 5 s; two scans settle grey objects.
	sleep 6
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	echo "VPMC-KMEMLEAK-BEGIN"
	cat $KMEMLEAK
	echo "VPMC-KMEMLEAK-END"
fi
kmsg_dump
echo "VPMC-GUEST-DONE"
sync
$BB poweroff -f
echo o >/proc/sysrq-trigger
