#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make run: set up, boot Debian's stock kernel for ARCH in QEMU with vpmc
# loaded, and show the demo (tools/plans/demo.sh) step by step.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
"$VPMC_TOP/scripts/setup.sh"
exec "$VPMC_TOP/scripts/run-guest.sh" --show stock "$arch" demo
