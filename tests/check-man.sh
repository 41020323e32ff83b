#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Every exported function has a man page, sslvdir(1) exists, and the man3
# pages are what doc/gen-man3.py makes of the current headers.
set -eu
top_srcdir=${top_srcdir:-.}
status=0
for s in $(grep -o 'sslvdir_[a-z0-9_]*;' "$top_srcdir/lib/libsslvdir.map" | tr -d ';'); do
  if [ ! -f "$top_srcdir/doc/man3/$s.3" ]; then
    echo "check-man: no doc/man3/$s.3"; status=1
  fi
  grep -q "doc/man3/$s.3" "$top_srcdir/doc/man3.am" || { echo "check-man: $s.3 not in doc/man3.am"; status=1; }
done
[ -f "$top_srcdir/doc/sslvdir.1" ] || { echo "check-man: no doc/sslvdir.1"; status=1; }
# The overview sslvdir(3) documents every status code and names every page.
overview="$top_srcdir/doc/man3/sslvdir.3"
if [ -f "$overview" ]; then
  for e in $(grep -o 'SSLVDIR_E_[A-Z0-9_]*' "$top_srcdir/include/sslvdir/common.h" | sort -u); do
    grep -q "^\.B $e\$" "$overview" || { echo "check-man: $e not in doc/man3/sslvdir.3"; status=1; }
  done
  for f in "$top_srcdir"/doc/man3/sslvdir_*.3; do
    s=$(basename "$f" .3)
    grep -q "^\.BR $s (3)" "$overview" || { echo "check-man: sslvdir.3 does not name $s(3)"; status=1; }
  done
else
  echo "check-man: no doc/man3/sslvdir.3"; status=1
fi
if [ -n "${PYTHON3:-}" ] && [ -x "$PYTHON3" ]; then
  "$PYTHON3" "$top_srcdir/doc/gen-man3.py" --check "$top_srcdir/include/sslvdir" "$top_srcdir/doc/man3" || status=1
else
  echo "check-man: python3 not found; staleness of the generated pages not checked"
fi
if command -v man >/dev/null 2>&1; then
  for f in "$top_srcdir"/doc/man3/*.3 "$top_srcdir/doc/sslvdir.1"; do
    if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null | grep -v '^$' | grep -q .; then
      echo "check-man: $f has roff warnings:"; LC_ALL=C.UTF-8 man --warnings -l "$f" 2>&1 >/dev/null | head -5; status=1
    fi
  done
fi
echo "$((1 - status)) passed, $status failed"
exit $status
