/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * HACKING.md: a public function's declaration with the comment its man
 * page is made from. The fragment is at file scope and declares the
 * function again, which compiles only while the header agrees with it. */
#include <sslvdir/sslvdir.h>

/* @SNIPPET@ */
