#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The layers of lib/ go one way: each file uses only the files of lower
# layers and those listed before it on its own line, in the list of
# doc/architecture.md. Uses are read from the built objects (nm), so that a
# call through internal.h counts as much as an #include.
set -eu
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
doc="$top_srcdir/doc/architecture.md"
objdir="$top_builddir/lib/.libs"
ls "$objdir"/lib_libsslvdir_la-*.o >/dev/null 2>&1 || objdir="$top_builddir/lib"
if ! ls "$objdir"/lib_libsslvdir_la-*.o >/dev/null 2>&1; then
  echo "check-layers: no objects of lib/ built"; exit 1
fi
if ! command -v nm >/dev/null 2>&1; then
  echo "check-layers: nm not found"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The files in order, one a line: rank and name.
sed -n '/^<!-- layers/,/^<!-- \/layers/p' "$doc" | grep -v '^<!--\|^```' \
  | sed 's/^[^:]*://' | tr -s ' \t' '\n\n' | grep -v '^$' | awk '{print NR, $1}' > "$tmp/order"
if [ ! -s "$tmp/order" ]; then
  echo "check-layers: no layer list in doc/architecture.md"; exit 1
fi
status=0
for c in "$top_srcdir"/lib/*.c; do
  f=$(basename "$c" .c)
  if ! awk -v f="$f" '$2 == f {found = 1} END {exit !found}' "$tmp/order"; then
    echo "check-layers: lib/$f.c is in no layer of doc/architecture.md"; status=1
  fi
done
# "file D sym" for what each object defines, "file U sym" for what it uses.
for o in "$objdir"/lib_libsslvdir_la-*.o; do
  f=$(basename "$o" .o); f=${f#lib_libsslvdir_la-}
  nm "$o" | awk -v f="$f" '
    NF == 3 && $2 ~ /^[TDRBVW]$/ && $3 ~ /^(sv_|sslvdir_)/ {print f, "D", $3}
    NF == 2 && $1 == "U" && $2 ~ /^(sv_|sslvdir_)/ {print f, "U", $2}'
done > "$tmp/syms"
grep ' D ' "$tmp/syms" > "$tmp/defs" || true
grep ' U ' "$tmp/syms" > "$tmp/uses" || true
awk -v order="$tmp/order" -v defs="$tmp/defs" '
  BEGIN {
    while ((getline l < order) > 0) { split(l, a, " "); rank[a[2]] = a[1] + 0 }
    while ((getline l < defs) > 0) { split(l, a, " "); home[a[3]] = a[1] }
  }
  {
    user = $1; h = home[$3]
    if (h == "" || h == user || !(user in rank) || !(h in rank)) next
    if (rank[h] >= rank[user] && !seen[user " " h]++) {
      printf "check-layers: lib/%s.c uses lib/%s.c (%s), which is not below it\n", user, h, $3
      bad = 1
    }
  }
  END { exit bad }' "$tmp/uses" || status=1
n=$(wc -l < "$tmp/order")
if [ $status = 0 ]; then echo "check-layers: $n files of lib/, every use goes down"; fi
exit $status
