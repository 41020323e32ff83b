#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The Python binding's tests (bindings/python/tests), run with pytest against
# the extension just built: a staging directory holds the package's .py
# files and the freshly linked _sslvdir.so, and LD_LIBRARY_PATH points at
# the uninstalled libsslvdir (tests/python-stage.sh). Skips (77) when the
# binding is not built or pytest is missing, unless SSLVDIR_REQUIRE_READERS=1
# (CI), where that fails.
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}"
. "$top_srcdir/tests/python-stage.sh"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
python_stage "$stage" $(cd "$top_srcdir/bindings/python/sslvdir" && ls *.py *.pyi)
"$PYTHON" -c 'import pytest' 2>/dev/null || need "pytest missing for $PYTHON (python3-pytest)"
export SSLVDIR_TEST_CERTS="$top_builddir/tests/certs"
export SSLVDIR_TEST_DATA="$top_srcdir/tests/data"
cd "$stage"
exec "$PYTHON" -m pytest -q -p no:cacheprovider "$top_srcdir/bindings/python/tests"
