/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The run-time version. */
#include "config.h"

#include "internal.h"
#include <sslvdir/version.h>

SSLVDIR_EXTERN const char *sslvdir_version(unsigned *num) {
  if (num)
    *num = SSLVDIR_VERSION_NUM;
  return SSLVDIR_VERSION;
}
