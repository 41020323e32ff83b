#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The Python binding as pip installs it (bindings/python/pyproject.toml):
# the library installed into a temporary root, pkg-config pointed there,
# then `pip install --no-build-isolation --no-index` of bindings/python into
# a virtual environment (with the system's site packages, for setuptools:
# no package index is needed or used), and a decision from the venv's
# Python. Skips (77) without the venv module, setuptools or Python.h.
set -eu
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
me=pip-install
py=${PYTHON:-python3}
skip() { echo "$me: $*; skipped"; exit 77; }
fail() { echo "$me: $*"; echo "0 passed, 1 failed"; exit 1; }
command -v "$py" >/dev/null 2>&1 || skip "no $py"
"$py" -c 'import setuptools' 2>/dev/null || skip "$py has no setuptools (python3-setuptools)"
"$py" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("include"), "Python.h")))' ||
  skip "no Python.h for $py (python3-dev)"
so=$(ls "$top_builddir"/lib/.libs/libsslvdir.so.[0-9]* | head -n 1)
if nm -D "$so" | grep -q '__asan_init\|__ubsan_handle'; then
  skip "a sanitizer build (the extension below is linked plainly)"
fi

# setup.py builds every .c file of bindings/python: the sources the
# autotools build names, no more and no fewer.
am=$(sed -n '/^PYTHON_EXT_SOURCES =/,/[^\\]$/p' "$top_srcdir/Makefile.am" | tr ' \\\t' '\n\n\n' |
  sed -n 's|^bindings/python/\([^/]*\.c\)$|\1|p' | LC_ALL=C sort)
here=$(cd "$top_srcdir/bindings/python" && ls *.c | LC_ALL=C sort)
[ -n "$am" ] && [ "$am" = "$here" ] ||
  fail "Makefile.am's PYTHON_EXT_SOURCES ($(echo $am)) are not the .c files setup.py builds ($(echo $here))"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" -m venv --system-site-packages "$tmp/venv" >/dev/null 2>&1 || skip "$py -m venv fails (python3-venv)"
make -C "$top_builddir" install DESTDIR="$tmp/root" > "$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "make install DESTDIR=$tmp/root failed"; }
prefix=$(sed -n 's/^prefix=//p' "$top_builddir/sslvdir.pc")
libdir=$(sed -n 's/^libdir=//p' "$top_builddir/sslvdir.pc" | sed "s|\${exec_prefix}|$prefix|;s|\${prefix}|$prefix|")
version=$(sed -n 's/^Version: *//p' "$top_builddir/sslvdir.pc")

# pip builds in the directory it is given (build/, *.egg-info): a copy, so
# that a read-only source tree (make distcheck) works and stays clean.
mkdir "$tmp/src"
(cd "$top_srcdir/bindings/python" && cp -R pyproject.toml setup.py ./*.c ./*.h sslvdir "$tmp/src/")
PKG_CONFIG_PATH="$tmp/root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$tmp/root" \
PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$tmp/venv/bin/python" -m pip install -q --no-build-isolation --no-index "$tmp/src" > "$tmp/pip.log" 2>&1 ||
  { cat "$tmp/pip.log"; fail "pip install bindings/python failed"; }

LD_LIBRARY_PATH="$tmp/root$libdir" "$tmp/venv/bin/python" - "$tmp/venv" "$version" <<'PY' ||
import importlib.metadata, os, sys
import sslvdir
venv, version = sys.argv[1], sys.argv[2]
assert os.path.realpath(sslvdir._sslvdir.__file__).startswith(os.path.realpath(venv)), sslvdir._sslvdir.__file__
assert importlib.metadata.version("sslvdir") == version == sslvdir.__version__, (
    importlib.metadata.version("sslvdir"), version, sslvdir.__version__)
for f in ("__init__.pyi", "py.typed"):
    assert os.path.exists(os.path.join(os.path.dirname(sslvdir.__file__), f)), f
ns = dict(preset="exchange2016", hosts=["mail.contoso.com"], autodiscover_domains=["contoso.com"])
d = sslvdir.load_policy(redirect=True, **ns).decide("GET", "/owa/", "mail.contoso.com")
assert (d.action, d.status, d.location) == ("redirect", 302, "https://mail.contoso.com/owa/"), d
d = sslvdir.load_policy(**ns).decide("POST", "/EWS/Exchange.asmx", "mail.contoso.com")
assert (d.action, d.iis_status) == ("deny", "403.4"), d
print(f"pip-install: sslvdir {importlib.metadata.version('sslvdir')} from {sslvdir.__file__}")
PY
  fail "the pip-installed package does not decide as it should"
# The extension links the installed library, found by its soname.
ext=$(LD_LIBRARY_PATH="$tmp/root$libdir" "$tmp/venv/bin/python" -c 'import sslvdir._sslvdir as m; print(m.__file__)')
LD_LIBRARY_PATH="$tmp/root$libdir" ldd "$ext" |
  grep -q "libsslvdir\.so\.[0-9]* => $tmp/root$libdir/" ||
  fail "the extension does not load the installed libsslvdir"

# A venv of its own (no system site packages) with a setuptools that needs
# the separate wheel package and does not have it: pip must stop with a
# message that names wheel, not setuptools' "invalid command 'bdist_wheel'".
if "$py" -m venv "$tmp/bare" >/dev/null 2>&1 &&
   "$tmp/bare/bin/python" - <<'PY'
import sys
try:
    import setuptools.command.bdist_wheel  # setuptools 70.1 and later
    sys.exit(1)
except ImportError:
    pass
try:
    import wheel  # noqa: F401
    sys.exit(1)
except ImportError:
    sys.exit(0)
PY
then
  if PKG_CONFIG_PATH="$tmp/root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$tmp/root" \
     PIP_DISABLE_PIP_VERSION_CHECK=1 \
     "$tmp/bare/bin/python" -m pip install --no-build-isolation --no-index "$tmp/src" > "$tmp/bare.log" 2>&1; then
    fail "pip install in a venv without wheel succeeded?"
  fi
  grep -q "needs the \`wheel\` package" "$tmp/bare.log" ||
    { cat "$tmp/bare.log"; fail "pip without wheel does not say that wheel is missing"; }
  echo "2 passed, 0 failed"
else
  echo "1 passed, 0 failed (no venv without wheel here: that check skipped)"
fi
