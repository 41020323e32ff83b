#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""Generate one man3 page per public function from the header comments.

The comment before each exported declaration is the source of its page:

    /**
     * name - one-line summary
     *
     * Paragraphs; lines starting with "- " become bullets.
     *
     * Returns: what it returns.
     * Since: 0.1
     */

The description is required, and so is "Returns:" for a function that does
not return void: the generator refuses a comment without them, naming the
function, so that every page says what the function does and returns.

usage: gen-man3.py INCLUDE_DIR OUT_DIR MAN3_AM   (write the pages and the list)
       gen-man3.py --check INCLUDE_DIR OUT_DIR    (exit 1 if any page is stale)
"""
import os
import re
import sys
import tempfile

# The licence lines every source file carries (tests/check-licence.sh), so
# that the generated pages and doc/man3.am keep them through make man-update.
LICENCE = ("SPDX-License-Identifier: MIT", "Copyright (c) 2026 The libsslvdir authors")
LICENCE_ROFF = "".join('.\\" ' + l + "\n" for l in LICENCE)
LICENCE_HASH = "".join("# " + l + "\n" for l in LICENCE)

# Header comments that would make an incomplete page; see parse(). They
# are errors: the generator names each and writes nothing.
PROBLEMS = []

COMMENT = re.compile(r"/\*\*\n(.*?)\*/\n(.*?;)", re.S)


def roff(text):
    text = text.replace("\\", "\\e")
    out = []
    for line in text.split("\n"):
        if line.startswith(".") or line.startswith("'"):
            line = "\\&" + line
        out.append(line)
    return "\n".join(out)


STRUCT = re.compile(r"(/\*(?:(?!\*/).)*\*/\n)?(typedef struct (\w+) \{.*?\} \3;)", re.S)
CALLBACK = re.compile(r"(/\*(?:(?!\*/).)*\*/\n)?(typedef [^;{}]*?\(\*(\w+)\)\([^;]*\);)", re.S)


def structs(src):
    """The public struct and callback typedefs of a header, by name, with the comment before them."""
    out = {}
    for rx in (STRUCT, CALLBACK):
        for m in rx.finditer(src):
            comment = m.group(1) or ""
            out[m.group(3)] = comment + m.group(2)
    return out


def parse(header_path):
    src = open(header_path, encoding="utf-8").read()
    defs = structs(src)
    for m in COMMENT.finditer(src):
        lines = [re.sub(r"^ ?\* ?", "", l) for l in m.group(1).strip("\n").split("\n")]
        head = lines[0].strip()
        if " - " not in head:
            continue
        name, summary = head.split(" - ", 1)
        decl = " ".join(m.group(2).split())
        decl = decl.replace("SSLVDIR_EXTERN ", "").replace("SSLVDIR_WARN_UNUSED ", "")
        decl = decl.replace("( ", "(").replace(" )", ")")
        if name not in decl:
            raise SystemExit(f"{header_path}: comment for {name} precedes another declaration")
        body, returns, since = [], None, None
        for l in lines[1:]:
            if l.startswith("Returns:"):
                if returns is not None:
                    PROBLEMS.append(f"{header_path}: {name} has two 'Returns:' lines")
                returns = [l[len("Returns:"):].strip()]
                continue
            if l.startswith("Since:"):
                since = l[len("Since:"):].strip()
                continue
            if returns is not None and l.strip():
                returns.append(l.strip())
            else:
                body.append(l)
        if not since:
            raise SystemExit(f"{header_path}: {name} has no 'Since:' line")
        # A page a program can be written from says what the function does
        # and what it returns: an empty DESCRIPTION, or "None." under RETURN
        # VALUE for a function that returns something, is a defect of the
        # header comment, reported with the function's name.
        if not "\n".join(body).strip():
            PROBLEMS.append(f"{header_path}: {name} has an empty description")
        if not returns and not re.match(r"void\s+[^*]", decl):
            PROBLEMS.append(f"{header_path}: {name} returns a value but has no 'Returns:' line")
        used = [defs[t] for t in sorted(defs) if re.search(r"\b%s\b" % t, decl)]
        yield name, summary, decl, "\n".join(body).strip(), " ".join(returns or []), since, used


def paragraphs(text):
    out, para = [], []

    def flush():
        if para:
            out.append(".PP\n" + roff(" ".join(para)))
            para.clear()

    bullet = None
    code = []
    for line in text.split("\n"):
        s = line.strip()
        # Lines indented by two spaces or more, outside a list, are code:
        # kept as written.
        if s and bullet is None and line.startswith("  "):
            flush()
            code.append(line[2:])
            continue
        if code:
            out.append(".PP\n.RS 4\n.nf\n" + roff("\n".join(code)) + "\n.fi\n.RE")
            code = []
        if not s:
            flush()
            if bullet is not None:
                out.append(".IP \\(bu 2\n" + roff(" ".join(bullet)))
                bullet = None
            continue
        if s.startswith("- "):
            flush()
            if bullet is not None:
                out.append(".IP \\(bu 2\n" + roff(" ".join(bullet)))
            bullet = [s[2:]]
        elif bullet is not None:
            bullet.append(s)
        else:
            para.append(s)
    flush()
    if code:
        out.append(".PP\n.RS 4\n.nf\n" + roff("\n".join(code)) + "\n.fi\n.RE")
    if bullet is not None:
        out.append(".IP \\(bu 2\n" + roff(" ".join(bullet)))
    return "\n".join(out)


def page(name, summary, decl, body, returns, since, used, header, siblings):
    see = sorted(set(siblings) - {name})[:12]
    see_also = ",\n".join(f".BR {s} (3)" for s in ["sslvdir"] + see)
    see_also += ",\n.BR sslvdir (1)"
    return f"""{LICENCE_ROFF}.\\" Generated by doc/gen-man3.py from include/sslvdir/{header}; edit the header.
.TH {name} 3 "" "libsslvdir {since}" "libsslvdir Manual"
.SH NAME
{name} \\- {roff(summary)}
.SH SYNOPSIS
.nf
.B #include <sslvdir/{header}>
.PP
{"".join(roff(u) + chr(10) + ".PP" + chr(10) for u in used)}{roff(decl)}
.fi
.PP
Link with \\fI\\-lsslvdir\\fR (pkg-config: \\fIsslvdir\\fR).
.SH DESCRIPTION
{paragraphs(body) if body else ".PP"}
.SH RETURN VALUE
.PP
{roff(returns) if returns else "None."}
.SH VERSIONS
.PP
Since libsslvdir {since}.
.SH SEE ALSO
{see_also}
"""


def generate(include_dir):
    pages = {}
    for h in sorted(os.listdir(include_dir)):
        if not h.endswith(".h") or h == "version.h":
            continue
        entries = list(parse(os.path.join(include_dir, h)))
        names = [e[0] for e in entries]
        for e in entries:
            pages[e[0]] = page(*e, header=h, siblings=names)
    for p in PROBLEMS:
        print("gen-man3.py: " + p, file=sys.stderr)
    if PROBLEMS:
        raise SystemExit(f"gen-man3.py: {len(PROBLEMS)} incomplete header comments")
    return pages


def main(argv):
    if argv and argv[0] == "--check":
        include_dir, out_dir = argv[1], argv[2]
        stale = 0
        for name, text in generate(include_dir).items():
            path = os.path.join(out_dir, name + ".3")
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                print(f"stale or missing: {path} (run make man-update)")
                stale += 1
        return 1 if stale else 0
    include_dir, out_dir, am = argv
    pages = generate(include_dir)
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        # sslvdir.3, the overview, is written by hand.
        if f.endswith(".3") and f[:-2] not in pages and f != "sslvdir.3":
            os.remove(os.path.join(out_dir, f))
    for name, text in pages.items():
        with open(os.path.join(out_dir, name + ".3"), "w", encoding="utf-8") as f:
            f.write(text)
    with open(am, "w", encoding="utf-8") as f:
        f.write(LICENCE_HASH + "# Generated by doc/gen-man3.py; run make man-update after changing a header.\n")
        f.write("MAN3_PAGES = \\\n")
        f.write(" \\\n".join(f"\tdoc/man3/{n}.3" for n in sorted(pages)) + "\n")
    print(f"{len(pages)} pages written to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
