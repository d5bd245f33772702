#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Every exported function has kernel-doc with Context: and Return:.

usage: check-kdoc.py FILE.c...

For each EXPORT_SYMBOL*(fn), the definition of fn must be preceded by a
"/** ... */" comment whose first line names "fn()", which has a Context:
section, and a Return: section unless fn returns void. (scripts/kernel-doc
-Werror checks the rest of the format.) Prints one line per finding.
"""
import re
import sys

EXPORT = re.compile(r"^EXPORT_SYMBOL(?:_GPL)?\((\w+)\);", re.M)


def check(path):
    src = open(path).read()
    bad = []
    for name in EXPORT.findall(src):
        m = re.search(r"/\*\*(?:(?!\*/).)*?\*/\n([^;{]*?\b" + name + r"\s*\([^;{]*?\)\s*\{)",
                      src, re.S)
        if not m:
            bad.append(f"{path}: {name}: exported without a kernel-doc comment")
            continue
        doc = m.group(0)[:m.start(1) - m.start(0)]
        proto = m.group(1)
        first = doc.splitlines()[1] if len(doc.splitlines()) > 1 else ""
        if not re.match(r"^ \* " + name + r"\(\) - \S", first):
            bad.append(f"{path}: {name}: kernel-doc does not start with '{name}() - ...'")
        if "Context:" not in doc:
            bad.append(f"{path}: {name}: kernel-doc lacks Context:")
        returns_void = re.match(r"^\s*(?:static\s+)?(?:inline\s+)?void\s+" + name, proto)
        if not returns_void and "Return:" not in doc:
            bad.append(f"{path}: {name}: kernel-doc lacks Return:")
    return bad


def main():
    bad = [line for path in sys.argv[1:] for line in check(path)]
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
