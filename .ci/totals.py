#!/usr/bin/env python3
"""Count test cases from meson's testlog.json files.

A "not ok ... # TODO" line is a known gap, as TAP defines TODO: it is
counted apart ("N known gaps" after the totals line), never as passed.

Every test here speaks TAP (and files ending in .tap are read as TAP), so a case is an "ok" / "not ok" line in a
test's output; a test that crashed or printed no TAP counts as one
failure, so nothing passes silently. Prints "N passed, N failed".
"""
import json
import re
import sys

passed = failed = todo = 0
for path in sys.argv[1:]:
    if path.endswith(".tap"):
        # A TAP file written by a script (the fuzz runs).
        with open(path, encoding="utf-8") as f:
            out = f.read()
        passed += len(re.findall(r"^ok\b", out, re.M))
        failed += len(re.findall(r"^not ok\b(?!.*# TODO)", out, re.M))
        todo += len(re.findall(r"^not ok\b.*# TODO", out, re.M))
        continue
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            out = t.get("stdout") or ""
            ok = len(re.findall(r"^ok\b", out, re.M))
            not_ok = len(re.findall(r"^not ok\b(?!.*# TODO)", out, re.M))
            todo += len(re.findall(r"^not ok\b.*# TODO", out, re.M))
            if t.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and not_ok == 0:
                not_ok = 1
            passed += ok
            failed += not_ok
if todo:
    print(f"{todo} known gaps (TAP TODO), not counted as passed")
print(f"{passed} passed, {failed} failed")
