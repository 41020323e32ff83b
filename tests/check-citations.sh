#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# User-visible text cites documents by title or KB number (doc/sources.md),
# never by the names they had while the library was written: no "seed 00N",
# no design-notes file, no tracker issue number. Statements may wrap, so a
# name split over two lines (with a comment's "*" or a string's quotes in
# between) counts too.
set -u
top_srcdir=${top_srcdir:-.}
py=${PYTHON3:-python3}
command -v "$py" >/dev/null 2>&1 || { echo "check-citations: python3 not found; skipped"; exit 77; }
"$py" - "$top_srcdir" <<'PY'
import os, re, sys
top = sys.argv[1]
gap = r'(?:\s|\*|#|//|"|-)'
pat = re.compile(r'\bseed' + gap + r'*00\d|\bDOMAIN' + gap + r'*\.md|\b[Ii]ssue' + gap + r'*#?\s*\d', re.S)
bad = 0
for d in ["lib", "include", "tools", "bindings", "doc", "README.md", "HACKING.md", "NEWS", "bench"]:
    p = os.path.join(top, d)
    walk = [(os.path.dirname(p), [], [os.path.basename(p)])] if os.path.isfile(p) else os.walk(p)
    for root, dirs, files in walk:
        dirs[:] = [x for x in dirs if not x.startswith(".") and x not in ("__pycache__",)]
        for f in files:
            if f.endswith((".o", ".lo", ".la", ".so", ".a", ".pyc")) or f.startswith("."):
                continue
            path = os.path.join(root, f)
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            for m in pat.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                print(f"check-citations: {os.path.relpath(path, top)}:{line}: "
                      f"'{' '.join(m.group(0).split())}': cite the document by title (doc/sources.md)")
                bad += 1
print(f"check-citations: {bad} internal citation{'s' if bad != 1 else ''}")
sys.exit(1 if bad else 0)
PY
