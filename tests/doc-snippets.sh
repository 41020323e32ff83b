#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Every C snippet of README.md, HACKING.md and doc/*.md (a ```c fence) is compiled
# against the just-built headers with -std=c11 -Wall -Wextra -Werror (and
# -Wshadow -Wstrict-prototypes -Wmissing-prototypes), so that the docs are
# something a program can be written from. The convention, also in
# doc/snippets/README.md:
#
# - A snippet that defines main() is a complete program: it is compiled,
#   linked with lib/libsslvdir.la, and run from the top of the source tree
#   with stdin from /dev/null; it must exit with status 0 within 60 s.
# - Any other snippet is a fragment, and the line just before its fence
#   must be "<!-- snippet: NAME -->": doc/snippets/NAME.c is the wrapper, a
#   C file whose line "/* @SNIPPET@ */" the fragment replaces. The
#   fragment's #include lines go to the top of the file; the rest keeps the
#   wrapper's place (inside a function body, or at file scope), with #line
#   directives so that the compiler's messages name the .md file and line.
#   Fragments are compiled (-c), not linked: the proxy's own functions they
#   call are declared by the wrapper, not defined.
#
# A fragment without its comment, an unknown wrapper, and a snippet that
# does not compile or (complete) does not succeed each fail with the
# file:line of the fence.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
py=${PYTHON3:-python3}
command -v "$py" >/dev/null 2>&1 || { echo "doc-snippets: python3 not found; skipped"; exit 77; }
exec "$py" - "$top_srcdir" "$top_builddir" <<'PY'
import glob, os, re, shlex, subprocess, sys, tempfile

top, build = (os.path.abspath(a) for a in sys.argv[1:3])
cc = shlex.split(os.environ.get("CC") or "cc")
user_cflags = shlex.split(os.environ.get("SNIPPET_CFLAGS", ""))
ldflags = shlex.split(os.environ.get("SNIPPET_LDFLAGS", ""))
gnutls = shlex.split(os.environ.get("GNUTLS_CFLAGS", ""))
warn = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wstrict-prototypes",
        "-Wmissing-prototypes"]
incs = ["-I" + os.path.join(build, "include"), "-I" + os.path.join(top, "include")]
libtool = os.path.join(build, "libtool")
lib = os.path.join(build, "lib", "libsslvdir.la")
MARK = re.compile(r"^\s*/\* @SNIPPET@ \*/\s*$")
COMMENT = re.compile(r"^<!-- snippet: ([A-Za-z0-9_-]+) -->\s*$")
MAIN = re.compile(r"\bint\s+main\s*\(")

def snippets(rel):
    """(line of the fence, code, first line of code, wrapper name or None, error)"""
    lines = open(os.path.join(top, rel), encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].rstrip() == "```c":
            start = i
            j = i + 1
            while j < len(lines) and lines[j].rstrip() != "```":
                j += 1
            if j == len(lines):
                yield start + 1, "", start + 2, None, "the fence is never closed"
                return
            m = COMMENT.match(lines[start - 1]) if start > 0 else None
            yield start + 1, "\n".join(lines[start + 1:j]) + "\n", start + 2, m.group(1) if m else None, None
            i = j
        i += 1

def program(rel, code, first, wrapper):
    """The C file a snippet is compiled as, or an error."""
    src = rel
    if wrapper is None:
        return '#line %d "%s"\n%s' % (first, src, code), None
    wpath = os.path.join("doc", "snippets", wrapper + ".c")
    if not os.path.isfile(os.path.join(top, wpath)):
        return None, "its wrapper doc/snippets/%s.c does not exist" % wrapper
    wl = open(os.path.join(top, wpath), encoding="utf-8").read().split("\n")
    at = [k for k, l in enumerate(wl) if MARK.match(l)]
    if len(at) != 1:
        return None, "doc/snippets/%s.c has %d '/* @SNIPPET@ */' lines, not one" % (wrapper, len(at))
    k = at[0]
    body = code.split("\n")
    hoisted = ['#line %d "%s"\n%s' % (first + n, src, l) for n, l in enumerate(body)
               if l.lstrip().startswith("#include")]
    body = ["" if l.lstrip().startswith("#include") else l for l in body]
    out = hoisted + ['#line 1 "%s"' % wpath] + wl[:k] + ['#line %d "%s"' % (first, src)] + body
    out += ['#line %d "%s"' % (k + 2, wpath)] + wl[k + 1:]
    return "\n".join(out) + "\n", None

files = ["README.md", "HACKING.md"] + sorted(os.path.relpath(p, top) for p in glob.glob(os.path.join(top, "doc", "*.md")))
tmp = tempfile.mkdtemp(prefix="doc-snippets.")
passed = failed = 0
def fail(where, why, detail=""):
    global failed
    failed += 1
    print("%s: %s" % (where, why))
    if detail:
        print(detail.rstrip())

n = 0
for rel in files:
    for line, code, first, wrapper, err in snippets(rel):
        where = "%s:%d" % (rel, line)
        if err:
            fail(where, err)
            continue
        complete = MAIN.search(code) is not None
        if not complete and wrapper is None:
            fail(where, "a C fragment (no main) without '<!-- snippet: NAME -->' on the line before "
                 "its fence (see doc/snippets/README.md)")
            continue
        text, err = program(rel, code, first, wrapper)
        if err:
            fail(where, err)
            continue
        n += 1
        c = os.path.join(tmp, "snippet%d.c" % n)
        open(c, "w", encoding="utf-8").write(text)
        flags = user_cflags + warn + incs + gnutls
        # From the top of the tree, where the #line names resolve, so that
        # the compiler quotes the lines of the .md file and the wrapper.
        r = subprocess.run(cc + flags + ["-c", c, "-o", c[:-2] + ".o"], cwd=top,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode:
            fail(where, "the %s does not compile" % ("program" if complete else
                 "fragment (wrapper doc/snippets/%s.c)" % wrapper), r.stdout)
            continue
        if not complete:
            print("%s: compiles (doc/snippets/%s.c)" % (where, wrapper))
            passed += 1
            continue
        exe = os.path.join(tmp, "snippet%d" % n)
        r = subprocess.run([libtool, "--quiet", "--mode=link", "--tag=CC"] + cc + flags + ldflags +
                           ["-o", exe, c[:-2] + ".o", lib, "-lpthread"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp)
        if r.returncode:
            fail(where, "the program does not link", r.stdout)
            continue
        try:
            r = subprocess.run([exe], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, cwd=top, timeout=60)
        except subprocess.TimeoutExpired:
            fail(where, "the program did not end within 60 s")
            continue
        if r.returncode:
            fail(where, "the program exits with status %d" % r.returncode, r.stdout)
            continue
        print("%s: compiles and runs (exit 0)" % where)
        passed += 1
subprocess.run(["rm", "-rf", tmp])
if passed + failed == 0:
    fail("README.md", "no C snippet found")
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
