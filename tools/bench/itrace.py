#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Exact instruction profiles of the x86 benchmarks (scripts/itrace.sh).

QEMU runs the guest one instruction per translation block and logs each
block it executes ("Trace 0: HOST [CS_BASE/PC/FLAGS/...]"), so a trace is
every guest instruction, in order. The guest turns it on and off around
each workload by printing ITRACE-ON NAME / ITRACE-OFF; `watch` follows the
console log and sends the HMP commands. `report` maps each PC to its
function (the guest's /proc/kallsyms) and prints, per workload, the
instructions each call of the measured functions took, as a call tree.

  itrace.py watch CONSOLE_LOG MONITOR_SOCKET OUTDIR
  itrace.py report OUTDIR
"""
import bisect
import collections
import os
import socket
import sys
import time

# The functions each workload compares (vpmc's side, then perf's).
ROOTS = {
    'pipe-vpmc': ['vpmc_sched_switch'],
    'pipe-perf': ['__perf_event_task_sched_out', '__perf_event_task_sched_in',
                  '___perf_sw_event'],
    'read': ['vpmc_read', 'perf_event_read_value'],
    'local': ['vpmc_read_local', 'cpu_clock_event_read'],
    'read4': ['pfm_ctx_ioctl', 'perf_read'],
}
# One per context switch: the marker between which B4's round trips are cut.
MARKER = 'finish_task_switch'
THUNK = ('__x86_indirect_thunk', '__x86_return_thunk')


def hmp(sock, cmd):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.settimeout(5)
    time.sleep(0.2)
    try:
        s.recv(65536)           # the banner
    except OSError:
        pass
    s.sendall((cmd + '\n').encode())
    time.sleep(0.3)
    s.close()


def watch(log, sock, outdir, limit=1800):
    while not os.path.exists(log):
        time.sleep(0.2)
    pos, t0 = 0, time.time()
    while time.time() - t0 < limit:
        with open(log, 'rb') as f:
            f.seek(pos)
            data = f.read()
        nl = data.rfind(b'\n')
        if nl < 0:
            time.sleep(0.1)
            continue
        pos += nl + 1
        for line in data[:nl].decode(errors='replace').split('\n'):
            line = line.strip()
            if line.startswith('ITRACE-ON '):
                hmp(sock, 'logfile %s/%s.trace' % (outdir, line.split()[1]))
                hmp(sock, 'singlestep on')
                hmp(sock, 'log exec,nochain')
            elif line.startswith('ITRACE-OFF'):
                hmp(sock, 'log none')
                hmp(sock, 'singlestep off')
            elif 'VPMC-GUEST-DONE' in line or 'VPMC-RUNNER' in line:
                return 0
    return 1


class Symbols:
    def __init__(self, path):
        syms = []
        for line in open(path):
            p = line.split()
            if len(p) >= 3 and p[1] in 'tTwW':
                syms.append((int(p[0], 16), p[2]))
        syms.sort()
        self.addrs = [a for a, _ in syms]
        self.names = [n for _, n in syms]
        self.cache = {}

    def __call__(self, pc):
        r = self.cache.get(pc)
        if r is None:
            i = bisect.bisect_right(self.addrs, pc) - 1
            r = self.cache[pc] = (self.names[i], pc - self.addrs[i])
        return r


def pcs(path):
    for line in open(path, errors='replace'):
        if line.startswith('Trace'):
            i = line.find('/')
            yield int(line[i + 1:i + 17], 16)


def profile(path, sym, roots):
    """Per call of each root: its instructions, by call path; and the
    instruction gaps between successive context switches."""
    calls = collections.defaultdict(list)   # root -> [(total, Counter(path))]
    gaps, n, last_mark = [], 0, None
    stack = caller = prev = None
    for pc in pcs(path):
        n += 1
        s, off = sym(pc)
        if off == 0 and s.startswith(MARKER):
            if last_mark is not None:
                gaps.append(n - last_mark)
            last_mark = n
        if stack is None:
            if off == 0 and s in roots:
                stack, caller, tree = [s], prev, collections.Counter()
                tree[(s,)] += 1
            elif not s.startswith(THUNK):
                prev = s
            continue
        if s == stack[-1]:
            pass
        elif s in stack:                # a return (or a tail call's)
            while stack[-1] != s:
                stack.pop()
        elif s == caller:               # the root returned
            calls[stack[0]].append((tree[(stack[0],)], tree))
            stack, prev = None, s
            continue
        else:
            stack.append(s)
        for i in range(1, len(stack) + 1):
            tree[tuple(stack[:i])] += 1
    return calls, gaps


def median(v):
    v = sorted(v)
    return v[len(v) // 2] if v else 0


def round_trip(gaps):
    """A round trip is two switches; the bench's own rounds are far
    longer, so take the median of consecutive pairs."""
    return median([gaps[i] + gaps[i + 1] for i in range(len(gaps) - 1)])


def show_root(out, root, runs, depth=4):
    totals = [t for t, _ in runs]
    med = median(totals)
    # The typical calls: B4's hook also runs for switches to and from
    # threads without counters, which do next to nothing, and the ioctl
    # of B3 also carries perfmon's set-up calls.
    typical = [tree for t, tree in runs if 0.8 * med <= t <= 1.25 * med]
    agg = collections.Counter()
    for tree in typical:
        agg.update(tree)
    out.write('%s: %d calls, median %d instructions (min %d, max %d); '
              'tree over the %d calls within 0.8-1.25 times the median:\n'
              % (root, len(totals), med, min(totals), max(totals),
                 len(typical)))
    for path in sorted(agg):
        if len(path) <= depth:
            out.write('  %8.1f %s%s\n' % (agg[path] / len(typical),
                                         '  ' * (len(path) - 1), path[-1]))


def report(outdir, out=sys.stdout):
    sym = Symbols(os.path.join(outdir, 'kallsyms'))
    rt = {}
    for name, roots in ROOTS.items():
        path = os.path.join(outdir, name + '.trace')
        if not os.path.exists(path):
            out.write('== %s: no trace\n' % name)
            continue
        calls, gaps = profile(path, sym, set(roots))
        out.write('\n== %s\n' % name)
        for root in roots:
            if calls.get(root):
                show_root(out, root, calls[root])
            else:
                out.write('%s: not called\n' % root)
        if name.startswith('pipe-'):
            rt[name[5:]] = round_trip(gaps)
    path = os.path.join(outdir, 'pipe-bare.trace')
    if os.path.exists(path):
        _, gaps = profile(path, sym, set())
        rt['bare'] = round_trip(gaps)
    if {'vpmc', 'perf', 'bare'} <= rt.keys():
        ov = rt['vpmc'] - rt['bare']
        op = rt['perf'] - rt['bare']
        out.write('\n== B4 by instruction count: round trip bare %d, vpmc %d '
                  '(+%d), perf %d (+%d); overhead ratio vpmc/perf %.3f\n'
                  % (rt['bare'], rt['vpmc'], ov, rt['perf'], op,
                     ov / op if op else float('nan')))
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == 'watch':
        return watch(argv[2], argv[3], argv[4])
    if len(argv) == 3 and argv[1] == 'report':
        return report(argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
