#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The Lua module's tests (bindings/lua/tests/test.lua), run by each Lua
# interpreter the module was built for (5.3, what Debian's haproxy links, and
# 5.4). Skips (77) when neither is built, unless SSLVDIR_REQUIRE_READERS=1.
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}"
ran=0
. "$top_srcdir/tests/sanitizer-preload.sh"
LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
export SSLVDIR_TEST_DATA="$top_srcdir/tests/data"
for v in 5.3 5.4; do
  case $v in 5.3) lua=${LUA53_BIN:-} ;; *) lua=${LUA54_BIN:-} ;; esac
  so="$top_builddir/bindings/lua/$v/.libs/sslvdir.so"
  case $lua in ''|'#'*) continue ;; esac
  [ -f "$so" ] || { echo "lua.sh: $so not built" >&2; exit 1; }
  # Built without -llua: the interpreter (or HAProxy) provides the Lua API,
  # and a second copy of Lua in the process would corrupt its state.
  if ldd "$so" 2>/dev/null | grep -q 'liblua'; then
    echo "lua.sh: $so links a Lua library:" >&2; ldd "$so" | grep liblua >&2; exit 1
  fi
  stage=$(mktemp -d)
  cp "$so" "$stage/sslvdir.so"
  # Lua closes its state at exit: in a sanitizer build, leaks are ours.
  sanitizer_preload "$so" "$top_builddir/lib/.libs/libsslvdir.so"
  echo "== Lua $v ($lua)"
  rc=0
  LD_PRELOAD="$preload" SSLVDIR_LUA_CPATH="$stage/?.so" \
    "$lua" "$top_srcdir/bindings/lua/tests/test.lua" || rc=$?
  rm -rf "$stage"
  [ "$rc" = 0 ] || exit "$rc"
  ran=$((ran + 1))
done
if [ "$ran" = 0 ]; then
  if [ "${SSLVDIR_REQUIRE_READERS:-0}" = 1 ]; then
    echo "lua.sh: no Lua module built (liblua5.3-dev, liblua5.4-dev and lua5.3/lua5.4 needed)" >&2
    exit 1
  fi
  echo "lua.sh: skipped: no Lua module built" >&2
  exit 77
fi
