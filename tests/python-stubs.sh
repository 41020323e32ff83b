#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The type stub (bindings/python/sslvdir/__init__.pyi) says what the built
# extension's objects are: mypy's stubtest compares them, with no allowlist,
# and mypy checks two samples of use: bindings/python/tests/stubs_ok.py must
# type-check, and every line of stubs_bad.py marked "# error" must be
# reported (a call the stub would let through that fails at run time, as
# Decision._asdict() once did). Every public name of the extension must be
# exported by the package. Only the package the stub describes is
# staged: __main__ and cli are the command line, and importing __main__ runs
# it. Skips (77) when the binding is not built or mypy is missing, unless
# SSLVDIR_REQUIRE_READERS=1 (CI), where that fails.
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}"
. "$top_srcdir/tests/python-stage.sh"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
python_stage "$stage" __init__.py __init__.pyi py.typed
"$PYTHON" -c 'import mypy.stubtest' 2>/dev/null || need "mypy missing for $PYTHON (Debian package mypy)"
samples="$top_srcdir/bindings/python/tests"
cp "$samples/stubs_ok.py" "$samples/stubs_bad.py" "$stage/"
cd "$stage"
fail=0
mypy="$PYTHON -m mypy --no-incremental --cache-dir=/dev/null --no-error-summary --hide-error-context"

if "$PYTHON" -m mypy.stubtest --concise sslvdir >stubtest.out 2>&1; then
  echo "ok: stubtest: the stub matches the extension"
else
  echo "FAIL: stubtest: the stub and the extension differ:"; cat stubtest.out; fail=1
fi

# A function wrapped in the extension but not re-exported by the package is
# offered to no one, and the stub (which describes the package) cannot say so.
if "$PYTHON" -c '
import sslvdir, sslvdir._sslvdir as ext
missing = sorted(n for n in dir(ext) if not n.startswith("_") and n not in sslvdir.__all__)
if missing:
    print("not exported by the sslvdir package:", ", ".join(missing))
    raise SystemExit(1)
' >export.out 2>&1; then
  echo "ok: the package exports every public name of the extension"
else
  echo "FAIL: the extension and the package differ:"; cat export.out; fail=1
fi

if $mypy --strict stubs_ok.py >ok.out 2>&1; then
  echo "ok: stubs_ok.py type-checks"
else
  echo "FAIL: stubs_ok.py does not type-check:"; cat ok.out; fail=1
fi

# Each "# error" line of stubs_bad.py, and no other, has an error.
$mypy stubs_bad.py >bad.out 2>&1 || :
want=$(grep -n '# error' stubs_bad.py | cut -d: -f1 | sort -nu | tr '\n' ' ')
got=$(sed -n 's/^stubs_bad\.py:\([0-9]*\): error:.*/\1/p' bad.out | sort -nu | tr '\n' ' ')
if [ -n "$want" ] && [ "$want" = "$got" ]; then
  echo "ok: mypy refuses each call of stubs_bad.py"
else
  echo "FAIL: stubs_bad.py: errors expected on lines $want, reported on lines $got:"
  cat bad.out; fail=1
fi
exit $fail
