# SPDX-License-Identifier: GPL-2.0-only
# The demo of `make run`, sourced by scripts/guest/guest.sh: load vpmc and
# show the PMU it serves.
step load-vpmc modload "$M/vpmc.ko"
step vpmc-info vpmc info
step unload-vpmc modload -r vpmc
