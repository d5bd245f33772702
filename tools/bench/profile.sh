#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bench-profile CMD...: where the time of CMD goes, the whole guest
# sampled with perf's cpu-clock: the share of each binary and module, and
# the functions above 0.5%.
set -e
perf record -q -e cpu-clock -F 4000 -a -o /tmp/prof.data -- "$@" >/dev/null
# Which code (kernel, vpmc.ko, vpmc_perfmon.ko, ...), then which functions.
perf report -i /tmp/prof.data --stdio --no-children --sort dso -g none 2>/dev/null |
	grep -v '^#' | grep -v '^$' | head -15
perf report -i /tmp/prof.data --stdio --no-children --sort dso,symbol -g none \
	--percent-limit 0.5 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60
