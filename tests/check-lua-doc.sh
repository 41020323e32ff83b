#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Every function of the Lua module and every method of its policy and
# rewriter objects (the luaL_Reg tables of bindings/lua/sslvdir.c) is named
# in doc/lua.md as code (`sslvdir.load`, `policy:decide`, `rw:feed(`), so
# that a function added to the module is not left out of its documentation.
# Names starting with "_" are internal (the benchmark's empty call).
set -eu
top_srcdir=${top_srcdir:-.}
src="$top_srcdir/bindings/lua/sslvdir.c"
doc="$top_srcdir/doc/lua.md"
names=$(sed -n '/^static const luaL_Reg [a-z_]* *\[\] *= *{/,/^ *{NULL, NULL}};/p' "$src" \
  | grep -o '{"[A-Za-z0-9_]*"' | tr -d '{"' | grep -v '^_' | sort -u)
if [ -z "$names" ]; then
  echo "check-lua-doc: no luaL_Reg table found in $src"; exit 1
fi
status=0
n=0
for f in $names; do
  n=$((n + 1))
  grep -q "[\`.:]$f\\b" "$doc" || { echo "check-lua-doc: doc/lua.md does not name $f"; status=1; }
done
if [ $status = 0 ]; then echo "check-lua-doc: doc/lua.md names all $n functions and methods"; fi
echo "$((1 - status)) passed, $status failed"
exit $status
