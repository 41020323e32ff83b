# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Sourced by tests/python.sh and tests/python-stubs.sh: need() for what is
# missing, and python_stage DIR FILES..., which stages the sslvdir package
# (the named files of bindings/python/sslvdir and the freshly linked
# _sslvdir.so) in DIR and points PYTHONPATH and LD_LIBRARY_PATH at it and at
# the uninstalled libsslvdir. Needs $top_srcdir, $top_builddir, $PYTHON.
need() {
  if [ "${SSLVDIR_REQUIRE_READERS:-0}" = 1 ]; then
    echo "$0: $1 (required here: SSLVDIR_REQUIRE_READERS=1)" >&2
    exit 1
  fi
  echo "$0: skipped: $1" >&2
  exit 77
}

python_stage() {
  _dir=$1
  shift
  [ "${HAVE_PYTHON_EXT:-}" = yes ] || need "the Python binding is not built (python3-dev missing?)"
  _so="$top_builddir/bindings/python/.libs/_sslvdir.so"
  [ -f "$_so" ] || need "$_so not built"
  mkdir "$_dir/sslvdir"
  for _f in "$@"; do
    cp "$top_srcdir/bindings/python/sslvdir/$_f" "$_dir/sslvdir/"
  done
  cp "$_so" "$_dir/sslvdir/_sslvdir.so"
  LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  PYTHONPATH="$_dir"
  PYTHONDONTWRITEBYTECODE=1
  export LD_LIBRARY_PATH PYTHONPATH PYTHONDONTWRITEBYTECODE
  # A sanitizer build: Python's own allocations at exit are not leaks of ours.
  . "$top_srcdir/tests/sanitizer-preload.sh"
  sanitizer_preload "$_so" "$top_builddir/lib/.libs/libsslvdir.so"
  if [ -n "$preload" ]; then
    LD_PRELOAD="$preload"
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    export LD_PRELOAD ASAN_OPTIONS
  fi
}
