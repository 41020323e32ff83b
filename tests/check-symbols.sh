#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The exported symbols of the built library, the version script and the
# SSLVDIR_EXTERN declarations of the public headers must name the same set,
# each in the map node of the release its comment's "Since:" names.
set -eu
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
so=$(ls "$top_builddir"/lib/.libs/libsslvdir.so.[0-9]* 2>/dev/null | head -n 1)
if [ -z "$so" ]; then
  echo "check-symbols: no shared library built"; exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRW]$/ {print $3}' | sed 's/@.*//' \
  | grep -v '^SSLVDIR_' | sort -u > "$tmp/exported"
grep -o 'sslvdir_[a-z0-9_]*;' "$top_srcdir/lib/libsslvdir.map" | tr -d ';' | sort -u > "$tmp/map"
cat "$top_srcdir"/include/sslvdir/*.h | tr '\n' ' ' | grep -o 'SSLVDIR_EXTERN[^;(]*(' \
  | grep -o 'sslvdir_[a-z0-9_]*($' | tr -d '(' | sort -u > "$tmp/headers"
status=0
if ! diff -u "$tmp/map" "$tmp/exported" > "$tmp/d1"; then
  echo "check-symbols: lib/libsslvdir.map and the library's exports differ:"; cat "$tmp/d1"; status=1
fi
if ! diff -u "$tmp/map" "$tmp/headers" > "$tmp/d2"; then
  echo "check-symbols: lib/libsslvdir.map and the public headers differ:"; cat "$tmp/d2"; status=1
fi
# The release a function's comment says it came in ("Since: X.Y") is the map
# node it is exported in (SSLVDIR_X.Y).
awk '/^[A-Z0-9_.]+ *\{/ { node = $1; sub(/^SSLVDIR_/, "", node) }
     /^ *sslvdir_[a-z0-9_]*;/ { s = $1; sub(/;$/, "", s); print s, node }' \
  "$top_srcdir/lib/libsslvdir.map" | LC_ALL=C sort > "$tmp/map-nodes"
cat "$top_srcdir"/include/sslvdir/*.h | awk '
  /^\/\*\*/ { name = "" }
  /^ \* sslvdir_[a-z0-9_]* - / { name = $2 }
  /^ \* Since: / { if (name != "") print name, $3; name = "" }' | LC_ALL=C sort > "$tmp/since"
LC_ALL=C join "$tmp/map-nodes" "$tmp/since" | awk '$2 != $3 { print "check-symbols: " $1 " is in the map node SSLVDIR_" $2 " but its comment says Since: " $3; bad = 1 } END { exit bad }' \
  || status=1
# Every symbol carries the release node it was added in.
if ! objdump -T "$so" | grep -q 'SSLVDIR_0.1'; then
  echo "check-symbols: no SSLVDIR_0.1 version node on the exports"; status=1
fi
n=$(wc -l < "$tmp/map")
if [ $status = 0 ]; then echo "check-symbols: $n symbols agree"; fi
echo "$((1 - status)) passed, $status failed"
exit $status
