#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Replays the fuzz seed corpora through the fuzz targets (no libFuzzer needed).
set -eu
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
status=0
for t in decide policyfile rewrite_header rewrite_body autodiscover iisconfig regfile cert; do
  "$top_builddir/tests/fuzz/replay_$t" "$top_srcdir/tests/fuzz/corpus/$t" || status=1
done
echo "replayed: decide policyfile rewrite_header rewrite_body autodiscover iisconfig regfile cert; status $status"
exit $status
