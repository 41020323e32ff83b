#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Every source file says its licence: within its first 15 lines, in its own
# comment syntax (after a #! line where there is one), the two lines
#
#   SPDX-License-Identifier: MIT
#   Copyright (c) 2026 The libsslvdir authors
#
# The files checked are the git-tracked ones in a checkout, and in a release
# tarball (no .git) those its dist-hook listed in .dist-files. Each file is
# source or exempt by the rules of kind() below; a file no rule covers fails,
# so that a new kind of file is decided on, not skipped.
#
# Exempt, and why:
# - Documents (*.md, LICENSE, NEWS): prose, not code; LICENSE at the top
#   covers them, and a comment line would be noise in every rendering.
# - Test inputs and expected outputs (tests/data/, tests/fuzz/corpus*/):
#   bytes the tests read; a line added would change what they test. The
#   programs kept among them (*.py, *.sh) are source.
# - Generated files: abi/ (abidw's baseline), bench/targets.txt (written by
#   bench/gen-targets.py), .dist-files, and in a tarball what autoreconf
#   writes (configure, aclocal.m4, config.h.in, Makefile.in, build-aux/,
#   libtool's m4/ files). The man3 pages and doc/man3.am are generated too,
#   but committed and installed: doc/gen-man3.py writes the lines into them.
# - Empty files (markers such as m4/.keep and py.typed): nothing to read.
# - debian/ files that are not scripts (control, changelog, copyright, ...):
#   Debian's formats, and debian/copyright states the licence itself.
#
# Usage: check-licence.sh              check (make check runs this)
#        check-licence.sh --add FILE... give FILEs the lines they lack, as
#                                       this check would have them
set -u
top_srcdir=${top_srcdir:-.}
py=${PYTHON3:-python3}
command -v "$py" >/dev/null 2>&1 || { echo "check-licence: python3 not found; skipped"; exit 77; }
exec "$py" - "$top_srcdir" "$@" <<'PY'
import os, re, subprocess, sys

SPDX = "SPDX-License-Identifier: MIT"
COPY = "Copyright (c) 2026 The libsslvdir authors"
HEAD_LINES = 15
SPDX_RE = re.compile(r"SPDX-License-Identifier: MIT\s*(\*/|-->)?\s*$")
AUTOTOOLS = {"configure", "aclocal.m4", "config.h.in", "config.h.in~"}
LIBTOOL_M4 = re.compile(r"^m4/(libtool|lt[a-z~_]*)\.m4$")


def kind(path, data):
    """The comment syntax of a source file, None if it is exempt, "?" if no rule says."""
    base = os.path.basename(path)
    if not data.strip():
        return None
    if path.endswith(".md") or path in ("LICENSE", "NEWS", ".dist-files"):
        return None
    if path.startswith(("tests/data/", "tests/fuzz/corpus")):
        if path.endswith(".py"):
            return "#"
        if path.endswith(".sh"):
            return "#"
        return None
    if path.startswith(("abi/", "build-aux/")) or path == "bench/targets.txt":
        return None
    if path in AUTOTOOLS or base == "Makefile.in" or LIBTOOL_M4.match(path):
        return None
    if path.startswith("debian/") and not data.startswith(b"#!"):
        return None
    if path.startswith("bench/haproxy/") and path.endswith(".map"):
        return "#"  # HAProxy maps (# comments), not linker version scripts
    if path.endswith((".c", ".h", ".def", ".map", ".h.in")):
        return "c"
    if path.endswith((".lua", ".rockspec")):
        return "--"
    if path == "configure.ac" or path.endswith(".m4"):
        return "dnl"
    if re.search(r"\.[1-9]$", path):
        return "roff"
    if path.endswith((".xml", ".xsd")):
        return "xml"
    if path.endswith(".am"):
        return "##" if data.startswith(b"## ") else "#"
    if path.endswith((".py", ".pyi", ".sh", ".cfg", ".conf", ".supp", ".toml", ".pc.in", ".cfg.in")):
        return "#"
    if path in (".ci/run", "bootstrap", "bindings/nginx/config", ".clang-format", ".editorconfig",
                ".gitignore"):
        return "#"
    if data.startswith(b"#!"):
        return "#"
    return "?"


def files(top):
    if os.path.exists(os.path.join(top, ".git")):
        out = subprocess.run(["git", "-C", top, "ls-files", "-z"], check=True,
                             stdout=subprocess.PIPE).stdout.decode()
        return [f for f in out.split("\0") if f]
    listing = os.path.join(top, ".dist-files")
    if os.path.exists(listing):
        return [l for l in open(listing, encoding="utf-8").read().split("\n") if l]
    return None


def has(lines):
    head = lines[:HEAD_LINES]
    return (any(SPDX_RE.search(l) for l in head), any(COPY in l for l in head))


def example(k):
    if k == "c":
        return ["/* " + SPDX, " * " + COPY + " */"]
    if k == "xml":
        return ["<!-- " + SPDX, "     " + COPY + " -->"]
    prefix = {"roff": '.\\"'}.get(k, k)
    return [prefix + " " + SPDX, prefix + " " + COPY]


def add(path, k):
    """Insert what is missing: into the first comment block, after a #! line."""
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    spdx, copy = has(lines)
    if spdx and copy:
        return False
    if spdx or copy:
        # One of the two is there: the other goes beside it, with its prefix.
        i = next(n for n, l in enumerate(lines[:HEAD_LINES]) if (SPDX_RE.search(l) if spdx else COPY in l))
        at = lines[i]
        if spdx:
            lead = at[:at.index("SPDX")]
            lines[i] = re.sub(r"\s*\*/\s*$", "", at)
            lines.insert(i + 1, lead.replace("/*", " *") + COPY + (" */" if at.rstrip().endswith("*/") else ""))
        else:
            lines.insert(i, at[:at.index("Copyright")] + SPDX)
    elif k == "c":
        first = lines[0]
        if first.strip() == "/*":
            lines[1:1] = [" * " + SPDX, " * " + COPY, " *"]
        elif first.startswith("/* "):
            lines[0:1] = ["/* " + SPDX, " * " + COPY, " *", " * " + first[3:]]
        else:
            lines[0:0] = example("c")
    elif k == "xml":
        at = 1 if lines[0].startswith("<?xml") else 0
        if lines[at].strip() == "<!--":
            lines[at + 1:at + 1] = ["  " + SPDX, "  " + COPY, ""]
        else:
            lines[at:at] = example("xml")
    else:
        prefix = {"roff": '.\\"'}.get(k, k)
        at = 1 if lines[0].startswith("#!") else 0
        new = [prefix + " " + SPDX, prefix + " " + COPY]
        nxt = lines[at] if at < len(lines) else ""
        if nxt.startswith(prefix + " ") and k != "roff":
            new.append(prefix)
        lines[at:at] = new
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return True


def main(top, args):
    if args and args[0] == "--add":
        changed = 0
        for p in args[1:]:
            rel = os.path.relpath(p, top)
            k = kind(rel, open(p, "rb").read())
            if k in (None, "?"):
                print(f"check-licence: {rel}: {'exempt' if k is None else 'no rule says it is source'}; not changed")
                continue
            if add(p, k):
                changed += 1
                print(f"check-licence: {rel}: lines added")
        return 0
    names = files(top)
    if names is None:
        print("check-licence: neither .git nor .dist-files: no list of files; skipped")
        return 77
    bad = checked = 0
    for rel in sorted(names):
        path = os.path.join(top, rel)
        if not os.path.isfile(path):
            continue
        data = open(path, "rb").read()
        k = kind(rel, data)
        if k is None:
            continue
        if k == "?":
            print(f"check-licence: {rel}: no rule says whether it is source: in tests/check-licence.sh, "
                  f"give its kind of file a comment syntax in kind() (and the file the two lines), "
                  f"or exempt it there with the reason")
            bad += 1
            continue
        checked += 1
        spdx, copy = has(data.decode("latin-1").split("\n"))
        if spdx and copy:
            continue
        missing = " and ".join(x for x, ok in ((SPDX, spdx), (COPY, copy)) if not ok)
        if spdx or copy:
            print(f"check-licence: {rel}: no '{missing}' in its first {HEAD_LINES} lines; add it "
                  f"beside the '{SPDX if spdx else COPY}' line, in the same comment")
        else:
            print(f"check-licence: {rel}: no '{missing}' in its first {HEAD_LINES} lines; add at the top "
                  f"of its first comment block (after a #! line):")
            for l in example(k):
                print("    " + l)
        print(f"  (or run: tests/check-licence.sh --add {rel})")
        bad += 1
    print(f"check-licence: {checked} source files, {bad} without the licence lines")
    return 1 if bad else 0


sys.exit(main(sys.argv[1], sys.argv[2:]))
PY
