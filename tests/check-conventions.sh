#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The API conventions written in sslvdir(3), as far as the headers show them.
set -eu
top_srcdir=${top_srcdir:-.}
exec "${PYTHON3:-python3}" "$top_srcdir/tests/check-conventions.py" "$top_srcdir/include/sslvdir" \
  "$top_srcdir/doc/man3/sslvdir.3"
