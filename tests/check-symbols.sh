#!/bin/sh
# The exported symbols of the built library, the version script and the
# SSLVDIR_EXTERN declarations of the public headers must name the same set.
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
# Every symbol carries the release node it was added in.
if ! objdump -T "$so" | grep -q 'SSLVDIR_0.1'; then
  echo "check-symbols: no SSLVDIR_0.1 version node on the exports"; status=1
fi
n=$(wc -l < "$tmp/map")
if [ $status = 0 ]; then echo "check-symbols: $n symbols agree"; fi
echo "$((1 - status)) passed, $status failed"
exit $status
