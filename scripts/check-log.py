#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Judge one guest's console log (see scripts/guest/guest.sh for the markers).

usage: check-log.py LOG [--name NAME] [--show] [--result FILE]

A run fails if the plan did not reach its end (crash, panic, boot failure or
timeout), a step exited non-zero, an expected KUnit suite is missing or did
not finish, any KTAP result is "not ok", the kernel printed a splat (BUG,
WARNING, Oops, KASAN, UBSAN, lockdep, hung task, RCU stall...), or kmemleak
reported a leak. Each cause is printed with the offending log lines.

Counts: every step and every KUnit case is one test. --result writes
"passed failed skipped" for scripts/check.sh to add up; the last line
printed is "NAME: N passed, N failed, N skipped".
"""
import argparse
import re
import sys

SPLATS = re.compile(
    r"BUG:|WARNING:|Oops|Kernel panic|kernel BUG|general protection fault|"
    r"Unable to handle kernel|Internal error:|UBSAN:|KASAN:|"
    r"possible recursive locking|circular locking dependency|"
    r"inconsistent lock state|lock held when returning|DEBUG_LOCKS_WARN_ON|"
    r"INFO: task .* blocked|rcu: INFO:|detected stall|soft lockup|hard LOCKUP|"
    r"unreferenced object|list_add corruption|list_del corruption|"
    r"refcount_t: |VPMC-BOOT-FAILED"
)
# Leaks of the kernel's own error paths, which fault injection (the
# faultinj steps) reaches: a kmemleak report whose backtrace names one of
# these is told, not failed.
KERNEL_LEAKS = {
    # 6.1 mm/slub.c: when kobject_init_and_add() fails, the cache's kobject
    # is never put, and the name it duplicated is lost (kmem_cache_create()
    # of a module's cache, failslab in its sysfs entry).
    "sysfs_slab_add": "6.1's sysfs_slab_add() loses a failed kobject's name",
}


def own_leaks(leaks, name):
    """The kmemleak report without the objects KERNEL_LEAKS excuses."""
    kept, block = [], []
    told = {}

    def flush():
        why = next((w for f, w in KERNEL_LEAKS.items()
                    if any(re.search(r"\b" + f + r"\+0x", l) for l in block)), None)
        if why:
            told[why] = told.get(why, 0) + 1
        else:
            kept.extend(block)

    for line in leaks:
        if line.startswith("unreferenced object"):
            flush()
            block = []
        block.append(line)
    flush()
    for why, n in told.items():
        print(f"{name}: note: {n} kmemleak report(s) not ours: {why}")
    return kept


TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
EXPECT_WARN = re.compile(r"VPMC-EXPECT-WARN (\w+)")
KTAP_RESULT = re.compile(r"^(ok|not ok) (\d+) (?:- )?(\S+)(.*)$")


class Verdict:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.problems = []

    def fail(self, what, lines=()):
        self.failed += 1
        self.problems.append((what, list(lines)))


def parse_ktap(kmsg, expected, v):
    """Check the KUnit suites in the kernel log; count their cases."""
    suites = {}
    cur = None
    for raw in kmsg:
        indent = len(raw) - len(raw.lstrip(" "))
        line = raw.strip()
        m = re.match(r"^# Subtest: (\S+)$", line)
        if m and indent == 4:
            cur = {"name": m.group(1), "plan": None, "cases": [], "result": None,
                   "lines": [raw]}
            suites.setdefault(cur["name"], []).append(cur)
            continue
        if cur is None:
            continue
        cur["lines"].append(raw)
        m = re.match(r"^1\.\.(\d+)$", line)
        if m and indent == 4 and cur["plan"] is None:
            cur["plan"] = int(m.group(1))
            continue
        m = KTAP_RESULT.match(line)
        if not m:
            continue
        status, name, rest = m.group(1), m.group(3), m.group(4)
        if indent == 4:
            cur["cases"].append((status, name, "# SKIP" in rest))
        elif indent == 0 and name == cur["name"]:
            cur["result"] = status
            cur = None

    for name in expected:
        if name not in suites:
            v.fail(f"KUnit suite {name}: never started (module not loaded?)")
    for name, runs in suites.items():
        for run in runs:
            for status, case, skip in run["cases"]:
                if status == "not ok":
                    v.fail(f"KUnit {name}.{case}: not ok", run["lines"])
                elif skip:
                    v.skipped += 1
                else:
                    v.passed += 1
            if run["result"] is None:
                v.fail(f"KUnit suite {name}: no result line (crashed or hung)",
                       run["lines"][-20:])
            elif run["result"] != "ok" and not any(
                    s == "not ok" for s, _, _ in run["cases"]):
                v.fail(f"KUnit suite {name}: not ok", run["lines"])
            if run["plan"] is not None and run["plan"] != len(run["cases"]):
                v.fail(f"KUnit suite {name}: planned {run['plan']} cases, "
                       f"{len(run['cases'])} reported", run["lines"][-20:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--name", default="guest")
    ap.add_argument("--show", action="store_true",
                    help="print each step's output (the demo)")
    ap.add_argument("--result")
    args = ap.parse_args()

    with open(args.log, errors="replace") as f:
        lines = [l.rstrip("\r\n").replace("\r", "") for l in f]

    v = Verdict()
    kmsg, expected, leaks = [], [], []
    # kmemleak's report is judged as leaks (own_leaks()), not as splats.
    leak_lines = set()
    in_kmsg = in_leak = False
    step = None
    step_out = []
    step_kmsg = []
    done = False
    for i, line in enumerate(lines):
        if line == "VPMC-KMSG-BEGIN":
            in_kmsg = True
            continue
        if line == "VPMC-KMSG-END":
            in_kmsg = False
            continue
        if in_kmsg:
            kmsg.append(TIMESTAMP.sub("", line))
            if step is not None and "vpmc" in line:
                step_kmsg.append("kernel: " + TIMESTAMP.sub("", line))
            continue
        if line == "VPMC-KMEMLEAK-BEGIN":
            in_leak = True
            continue
        if line == "VPMC-KMEMLEAK-END":
            in_leak = False
            continue
        if in_leak:
            leaks.append(line)
            leak_lines.add(i)
            continue
        if line.startswith("VPMC-KUNIT-EXPECT "):
            expected.append(line.split()[1])
        elif line.startswith("VPMC-STEP-BEGIN "):
            step = line.split()[1]
            step_out = []
            step_kmsg = []
        elif line.startswith("VPMC-STEP-END "):
            _, name, rc = line.split()[:3]
            if rc == "rc=0":
                v.passed += 1
                if args.show:
                    print(f"--- {name}: ok")
                    print("\n".join(step_out + step_kmsg))
            else:
                v.fail(f"step {name}: exit {rc[3:]}", step_out)
            step = None
        elif line == "VPMC-GUEST-DONE":
            done = True
        elif step is not None:
            step_out.append(line)

    parse_ktap(kmsg, expected, v)

    # A test that checks a documented misuse is refused with a warning
    # announces it: "VPMC-EXPECT-WARN func" in the kernel log. That warning
    # (its WARNING: line names func; it shows on the console and in the
    # log dump) must follow, and is no splat; any other is.
    allowed = {}
    for i, l in enumerate(kmsg):
        m = EXPECT_WARN.search(l)
        if not m:
            continue
        func = m.group(1)
        if not any("WARNING:" in k and func in k for k in kmsg[i + 1:]):
            v.fail(f"expected warning in {func} missing")
        allowed[func] = allowed.get(func, 0) + 2

    def excused(l):
        if "WARNING:" not in l:
            return False
        for func, n in allowed.items():
            if n and re.search(r"\b" + re.escape(func) + r"\+0x", l):
                allowed[func] = n - 1
                return True
        return False

    splats = [i for i, l in enumerate(lines)
              if i not in leak_lines and SPLATS.search(l) and not excused(l)]
    if splats:
        first = splats[0]
        v.fail(f"kernel splat ({len(splats)} lines match)",
               lines[max(0, first - 2):first + 40])
    leaks = own_leaks(leaks, args.name)
    if any(l.strip() for l in leaks):
        v.fail("kmemleak reports leaks", leaks[:60])
    if step is not None:
        v.fail(f"step {step}: never finished", step_out[-30:])
    if not done:
        v.fail("guest did not finish its plan (boot failure, panic, hang or "
               "timeout); last console lines:", lines[-30:])

    for what, ctx in v.problems:
        print(f"FAIL {args.name}: {what}")
        for l in ctx:
            print(f"    | {l}")
    if args.result:
        with open(args.result, "w") as f:
            f.write(f"{v.passed} {v.failed} {v.skipped}\n")
    print(f"{args.name}: {v.passed} passed, {v.failed} failed, {v.skipped} skipped")
    return 1 if v.failed else 0


if __name__ == "__main__":
    sys.exit(main())
