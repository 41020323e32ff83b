#!/bin/sh
# The Python binding's tests (bindings/python/tests), run with pytest against
# the extension just built: a staging directory holds the package's .py
# files and the freshly linked _sslvdir.so, and LD_LIBRARY_PATH points at
# the uninstalled libsslvdir. Skips (77) when the binding is not built or
# pytest is missing, unless SSLVDIR_REQUIRE_READERS=1 (CI), where that fails.
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}"
need() {
  if [ "${SSLVDIR_REQUIRE_READERS:-0}" = 1 ]; then
    echo "python.sh: $1 (required here: SSLVDIR_REQUIRE_READERS=1)" >&2
    exit 1
  fi
  echo "python.sh: skipped: $1" >&2
  exit 77
}
[ "${HAVE_PYTHON_EXT:-}" = yes ] || need "the Python binding is not built (python3-dev missing?)"
so="$top_builddir/bindings/python/.libs/_sslvdir.so"
[ -f "$so" ] || need "$so not built"
"$PYTHON" -c 'import pytest' 2>/dev/null || need "pytest missing for $PYTHON (python3-pytest)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/sslvdir"
cp "$top_srcdir"/bindings/python/sslvdir/*.py "$top_srcdir"/bindings/python/sslvdir/*.pyi \
  "$stage/sslvdir/"
cp "$so" "$stage/sslvdir/_sslvdir.so"

LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
PYTHONPATH="$stage"
PYTHONDONTWRITEBYTECODE=1
export LD_LIBRARY_PATH PYTHONPATH PYTHONDONTWRITEBYTECODE
# A sanitizer build: Python's own allocations at exit are not leaks of ours.
. "$top_srcdir/tests/sanitizer-preload.sh"
sanitizer_preload "$so" "$top_builddir/lib/.libs/libsslvdir.so"
if [ -n "$preload" ]; then
  LD_PRELOAD="$preload"
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  export LD_PRELOAD ASAN_OPTIONS
fi
export SSLVDIR_TEST_CERTS="$top_builddir/tests/certs"
export SSLVDIR_TEST_DATA="$top_srcdir/tests/data"
cd "$stage"
exec "$PYTHON" -m pytest -q -p no:cacheprovider "$top_srcdir/bindings/python/tests"
