#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# python3-exchangelib's own Autodiscover against nginx and the module's
# Autodiscover content handler: the scenarios of tests/e2e-exchangelib.sh
# (see there), with nginx in HAProxy's place.
E2E_PROXY=nginx
export E2E_PROXY
exec /bin/sh "${top_srcdir:-.}/tests/e2e-exchangelib.sh"
