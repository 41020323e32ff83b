#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The API conventions of sslvdir(3) that a machine can read from the public
# headers: argument order, error arguments, output buffers, unused results
# and constant prefixes. Usage: check-conventions.py INCLUDE_DIR
import os
import re
import sys

inc = sys.argv[1] if len(sys.argv) > 1 else "include/sslvdir"
problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def split_top(text):
    """Split an argument list at the commas outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    parts.append(cur)
    return parts


decls = []   # (header, name, return, [(type, name)], doc, warn_unused)
enums = {}   # type -> [enumerator names]
defines = []  # (header, name)
for fn in sorted(os.listdir(inc)):
    if not fn.endswith(".h"):
        continue
    path = os.path.join(inc, fn)
    raw = open(path, encoding="utf-8").read()
    # Each declaration with the doc comment just before it.
    for m in re.finditer(r"(/\*\*(?:(?!\*/).)*\*/)\s*SSLVDIR_EXTERN\s+([^;]*?)\(([^;]*?)\);", raw, re.S):
        doc, head, params = m.group(1), m.group(2), m.group(3)
        warn = "SSLVDIR_WARN_UNUSED" in head
        head = head.replace("SSLVDIR_WARN_UNUSED", "").split()
        name = head[-1].lstrip("*")
        ret = " ".join(head[:-1]) + ("*" if head[-1].startswith("*") else "")
        plist = []
        for p in split_top(" ".join(params.split())):
            p = p.strip()
            if p in ("void", ""):
                continue
            fp = re.search(r"\(\s*\*\s*(\w+)\)", p)
            if fp:  # a function pointer
                plist.append(("function pointer", fp.group(1)))
                continue
            pm = re.match(r"(.*?)([A-Za-z_][A-Za-z0-9_]*)(\[\])?$", p)
            if not pm:
                problem(f"{fn}: {name}", f"cannot read the argument {p!r}")
                continue
            plist.append((" ".join(pm.group(1).replace("*", " * ").split()), pm.group(2)))
        decls.append((fn, name, ret, plist, doc, warn))
    code = strip_comments(raw)
    for m in re.finditer(r"typedef\s+enum\s+(\w+)\s*\{(.*?)\}", code, re.S):
        enums[m.group(1)] = re.findall(r"\b(SSLVDIR_[A-Z0-9_]+)\s*(?:=|,|$)", m.group(2))
    for m in re.finditer(r"^#define\s+(SSLVDIR_[A-Z0-9_]+)\b", code, re.M):
        defines.append((fn, m.group(1)))

if len(decls) < 200:
    problem(inc, f"only {len(decls)} declarations read: the parser is out of step with the headers")

opaque = set(re.findall(r"typedef struct (sslvdir_\w+) \1;",
                        "".join(strip_comments(open(os.path.join(inc, f), encoding="utf-8").read())
                                for f in os.listdir(inc) if f.endswith(".h"))))

for fn, name, ret, plist, doc, warn in decls:
    where = f"{fn}: {name}"
    types = [t for t, _ in plist]
    names = [n for _, n in plist]
    # err comes last.
    for i, (t, n) in enumerate(plist):
        if t == "sslvdir_error *" and i != len(plist) - 1:
            problem(where, "sslvdir_error *err is not the last argument")
    # A constructor: T **out first (T opaque), err last.
    ctor = bool(plist) and re.fullmatch(r"(sslvdir_\w+) \* \*", types[0] or "") and \
        re.fullmatch(r"(sslvdir_\w+) \* \*", types[0]).group(1) in opaque
    if ctor and names[0] == "out":
        if types[-1] != "sslvdir_error *":
            problem(where, "a constructor without sslvdir_error *err")
    if name.endswith("_new") and not (ctor and names[0] == "out"):
        problem(where, "a _new function whose first argument is not T **out")
    # Text outputs: (char *out, size_t out_size, size_t *out_len), nothing but err after.
    for i, (t, n) in enumerate(plist):
        if t == "char *" and not n.startswith("const"):
            if n != "out" or names[i + 1:i + 3] != ["out_size", "out_len"] or \
                    types[i + 1:i + 3] != ["size_t", "size_t *"]:
                problem(where, f"text output '{n}' is not (char *out, size_t out_size, size_t *out_len)")
            elif names[i + 3:] not in ([], ["err"]):
                problem(where, "arguments after the output buffer other than err")
        if n == "out_size" and (i == 0 or names[i - 1] != "out"):
            problem(where, "out_size does not follow out")
    # Inputs before outputs: an output (a pointer the function writes that is
    # not an object it works on) is followed only by outputs and err.
    def is_output(i, t, n):
        base = t.replace(" *", "").strip()
        if i == 0 and ctor:
            return False  # a constructor's result comes first
        if i == 0 and n != "out" and (t.startswith("const") or base in opaque
                                      or not base.startswith("sslvdir_")):
            return False  # the object the function works on
        if t.endswith("* *"):
            return True   # T **, const char **: a pointer handed out
        base = t.replace(" *", "").strip()
        return t.endswith("*") and not t.startswith("const") and base not in opaque \
            and t not in ("sslvdir_error *", "void *", "function pointer")

    def is_input(t, n):
        if t.endswith("* *") or t == "function pointer":
            return False
        if t.startswith("const"):
            return True
        return not t.endswith("*") and n not in ("out_size", "out_max")

    for i, (t, n) in enumerate(plist):
        if not is_output(i, t, n):
            continue
        for t2, n2 in plist[i + 1:]:
            if is_input(t2, n2):
                problem(where, f"output '{n}' comes before the input '{n2}'")
                break
        break
    # A status-returning function's result cannot be ignored.
    returns_status = ret == "int" and re.search(r"Returns:.*?SSLVDIR_OK", doc, re.S)
    if returns_status and not warn:
        problem(where, "returns a status but lacks SSLVDIR_WARN_UNUSED")

# Constant families: each enum has its own prefix, and no other constant
# starts with it.
special = {"sslvdir_status": "SSLVDIR_E_", "sslvdir_reason": "SSLVDIR_R_"}
prefixes = {}
for t, vals in enums.items():
    if t in special:
        prefixes[t] = special[t]
        continue
    pre = os.path.commonprefix(vals)
    pre = pre[:pre.rfind("_") + 1]
    if pre.count("_") < 2:
        problem(t, f"its constants share no prefix beyond {pre!r}")
    prefixes[t] = pre
for t, pre in prefixes.items():
    for u, other in prefixes.items():
        if t != u and other.startswith(pre):
            problem(t, f"its prefix {pre} is also the start of {u}'s {other}")
    for fn, d in defines:
        if d.startswith(pre) and d not in enums[t] and not d.endswith("_H"):
            problem(f"{fn}: {d}", f"starts with {pre}, the prefix of {t}")

# The overview page names only constants that exist, with their values.
man = sys.argv[2] if len(sys.argv) > 2 else None
if man:
    values = {}
    for fn in os.listdir(inc):
        if not fn.endswith((".h", ".h.in")):
            continue
        code = strip_comments(open(os.path.join(inc, fn), encoding="utf-8").read())
        for m in re.finditer(r"^#define\s+(SSLVDIR_[A-Z0-9_]+)\s+\(?(-?(?:0x[0-9a-fA-F]+|[0-9]+))[uU]?\)?\s*$", code, re.M):
            values[m.group(1)] = int(m.group(2), 0)
        for m in re.finditer(r"^#define\s+(SSLVDIR_[A-Z0-9_]+)\b", code, re.M):
            values.setdefault(m.group(1), None)
        for m in re.finditer(r"\b(SSLVDIR_[A-Z0-9_]+)\s*=\s*(-?[0-9]+)", code):
            values[m.group(1)] = int(m.group(2))
        for m in re.finditer(r"\b(SSLVDIR_[A-Z0-9_]+)\s*[,}=]", code):
            values.setdefault(m.group(1), None)
    text = open(man, encoding="utf-8").read()
    for tok in sorted(set(re.findall(r"\bSSLVDIR_[A-Z0-9_]*[A-Z0-9]\b", text))):
        if tok not in values and not any(v.startswith(tok + "_") for v in values):
            problem(os.path.basename(man), f"names {tok}, which no header defines")
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        m = re.fullmatch(r"\.B (SSLVDIR_[A-Z0-9_]+)", line)
        v = re.match(r"(\\-)?([0-9]+)[: ]", lines[i + 1])
        if m and v and values.get(m.group(1)) is not None:
            said = int(v.group(2)) * (-1 if v.group(1) else 1)
            if said != values[m.group(1)]:
                problem(os.path.basename(man), f"says {m.group(1)} is {said}; the header says {values[m.group(1)]}")

for p in problems:
    print("check-conventions:", p)
print(f"check-conventions: {len(decls)} functions, {len(enums)} enums, {len(problems)} problems")
sys.exit(1 if problems else 0)
