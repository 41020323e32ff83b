#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Runs tests/autodiscover-readers.py with a Python that has python3-exchangelib
# (configure's, else Debian's own /usr/bin/python3). Skipped (77) without
# one, unless SSLVDIR_REQUIRE_READERS=1 (CI sets it): then it fails.
top_srcdir=${top_srcdir:-.}
for py in "${PYTHON3:-}" /usr/bin/python3; do
  if [ -n "$py" ] && [ -x "$py" ] && "$py" -c 'import exchangelib' 2>/dev/null; then
    exec "$py" "$top_srcdir/tests/autodiscover-readers.py"
  fi
done
echo "autodiscover-readers: no Python with python3-exchangelib (apt-get install python3-exchangelib)"
[ "${SSLVDIR_REQUIRE_READERS:-0}" = 1 ] && exit 1
exit 77
