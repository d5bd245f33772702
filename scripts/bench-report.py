#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the VPMC-BENCH lines of `make bench`'s guest logs (x86_64 and
arm64) into the table, a CSV and a PNG plot (gnuplot).

    bench-report.py OUTDIR LOG...

Each benchmark is a ratio computed per repetition from vpmc's and perf's
figures of that repetition (measured side by side in the same guest); the
table shows the median ratio with its min-max, the medians of both
figures, the target and PASS/MISS. Exit status 0 even on a MISS: a missed
target is a finding, reported as such.
"""
import csv
import re
import statistics
import subprocess
import sys
from pathlib import Path

LINE = re.compile(r"VPMC-BENCH (\S+) vpmc=(-?\d+) perf=(-?\d+) unit=(\S+)")

# id, what, raw name, ratio(vpmc, perf), target text, target test
BENCHES = [
    ("B1", "in-kernel read: vpmc_read / perf_event_read_value (ns)", "read",
     lambda v, p: v / p, "<= 0.25", lambda r: r <= 0.25),
    ("B2", "local read: vpmc_read_local / pmu->read + count (ns)", "local",
     lambda v, p: v / p, "<= 1.0", lambda r: r <= 1.0),
    ("B3", "user read of 4: pfm_read_pmds / read() of a perf group (ns)", "read4",
     lambda v, p: v / p, "<= 1.0", lambda r: r <= 1.0),
    ("B4", "context-switch overhead, 4 counters/thread: vpmc / perf (%)", "pipe",
     lambda v, p: v / p if p > 0 else float("nan"), "<= 0.5", lambda r: r <= 0.5),
    ("B6", "8 users of one event (sim): vpmc's largest error (ppm)", "share",
     lambda v, p: v, "== 0", lambda r: r == 0),
    ("B6a", "8 users of SW_INCR, 4 counters (arm64): largest error (ppm)", "hwshare",
     lambda v, p: v, "== 0", lambda r: r == 0),
    ("B7", "create+destroy rate, first user of the event: vpmc / perf", "alloc",
     lambda v, p: p / v, ">= 1.0", lambda r: r >= 1.0),
    # For information: B7 with perf_keep_ms=0, a perf event made every time.
    ("B7c", "the same, no cached backing event (perf_keep_ms=0): vpmc / perf",
     "alloc0", lambda v, p: p / v, "none", lambda r: None),
    ("B7s", "create+destroy rate, event already in use: vpmc / perf", "alloc2",
     lambda v, p: p / v, ">= 1.0", lambda r: r >= 1.0),
    ("B8", "bytes per system-wide counter: vpmc / perf_event", "mem",
     lambda v, p: v / p, "<= 0.25", lambda r: r <= 0.25),
    ("B8t", "bytes per per-thread counter (+thread state): vpmc / perf", "tmem",
     lambda v, p: v / p, "<= 0.25", lambda r: r <= 0.25),
    ("B10", "kernel insns per sample (arm64): vpmc \"default\" / perf's ring", "smpl",
     lambda v, p: v / p, "<= 1.0", lambda r: r <= 1.0),
    # perf's losses are in the perf column: the target is vpmc-ring's own.
    ("B10l", "samples lost, 10000/s, 1 MiB, read every 100 ms: vpmc-ring", "smpl_lost",
     lambda v, p: v, "== 0", lambda r: r == 0),
]
B5_N = [1, 10, 100, 1000, 10000]
# B5 on the sim PMU (x86_64 guest) and on arm64's cycles (icount guest).
B5 = [("B5", "ovf", "overflow dispatch (sim): ns/callback at N=10000 / at N=10"),
      ("B5a", "hwovf", "overflow dispatch (arm64 cycles): the same")]


def fmt(x):
    return "n/a" if x != x else (f"{x:.3f}" if abs(x) < 1000 else f"{x:.0f}")


def main():
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    runs = {}
    for log in sys.argv[2:]:
        for m in LINE.finditer(Path(log).read_text(errors="replace")):
            runs.setdefault(m[1], []).append((int(m[2]) / 1000, int(m[3]) / 1000, m[4]))
    if not runs:
        sys.exit(f"{' '.join(sys.argv[2:])}: no VPMC-BENCH lines")

    rows = []
    for bid, what, name, ratio, ttext, ok in BENCHES:
        rs = runs.get(name, [])
        if not rs:
            rows.append([bid, what, "n/a", "n/a", "n/a", "", "", ttext, "MISSING"])
            continue
        ratios = [ratio(v, p) for v, p, _ in rs]
        med = statistics.median(ratios)
        # Against the sim PMU perf has no counterpart.
        peer = "n/a" if name == "share" else fmt(statistics.median(p for _, p, _ in rs))
        rows.append([bid, what, fmt(statistics.median(v for v, _, _ in rs)), peer, fmt(med),
                     fmt(min(ratios)), fmt(max(ratios)), ttext,
                     {True: "PASS", False: "MISS", None: "info"}[ok(med)]])
    # B5: ns per delivered callback against N; the peer is vpmc at N = 10.
    # A run that delivered no callback measured nothing: left out.
    cost = {}
    for pos, (bid, prefix, what) in enumerate(B5, start=4):
        c = {n: [v for v, calls, _ in runs.get(f"{prefix}{n}", []) if calls > 0]
             for n in B5_N}
        cost[bid] = c
        if not (c[10] and c[10000]):
            rows.insert(pos, [bid, what, "n/a", "n/a", "n/a", "", "", "<= 2.0", "MISSING"])
            continue
        ratios = [a / b for a, b in zip(c[10000], c[10]) if b]
        med = statistics.median(ratios)
        rows.insert(pos, [bid, what, fmt(statistics.median(c[10000])),
                          fmt(statistics.median(c[10])), fmt(med), fmt(min(ratios)),
                          fmt(max(ratios)), "<= 2.0", "PASS" if med <= 2.0 else "MISS"])
    head = ["id", "benchmark", "vpmc", "perf/peer", "ratio", "min", "max", "target", "result"]
    with open(outdir / "bench.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(rows)
        for bid, c in cost.items():
            for n in B5_N:
                if c[n]:
                    w.writerow([f"{bid}/N={n}", "ns per delivered callback",
                                fmt(statistics.median(c[n])), "", "", fmt(min(c[n])),
                                fmt(max(c[n])), "", ""])
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)).rstrip())
    for bid, c in cost.items():
        print(f"{bid} ns per callback by N: " + ", ".join(
            f"{n}: {fmt(statistics.median(c[n]))}" for n in B5_N if c[n]))
    reps = max(len(v) for v in runs.values())
    print(f"({reps} repetitions; CSV and plot in {outdir})")

    # The plot: each benchmark's median ratio against its target.
    dat = outdir / "bench.dat"
    with open(dat, "w") as f:
        for r in rows:
            if r[4] != "n/a" and not r[0].startswith(("B6", "B10l")) and r[8] != "info":
                t = float(re.sub(r"[^0-9.]", "", r[7]))
                f.write(f"{r[0]} {r[4]} {t}\n")
    script = f"""
set terminal png size 900,500
set output '{outdir / "bench.png"}'
set title 'vpmc vs perf events: median ratio per benchmark (target: line)'
set style data histogram
set style fill solid 0.6
set logscale y
set ylabel 'ratio (log)'
set xtics rotate by -30
plot '{dat}' using 2:xtic(1) title 'vpmc / perf', '' using 3 with linespoints title 'target'
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"bench-report: no plot: {e}", file=sys.stderr)


if __name__ == "__main__":
    main()
