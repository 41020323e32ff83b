/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * What the fuzz targets share: a policy built once from a policy document. */
#ifndef SSLVDIR_FUZZ_COMMON_H
#define SSLVDIR_FUZZ_COMMON_H

#include <stdlib.h>

#include <sslvdir/sslvdir.h>

/* Builds the policy on first use; aborts if it cannot (a harness bug). */
static inline sslvdir_policy *fuzz_policy(sslvdir_policy **slot, const char *xml, size_t len) {
  if (!*slot) {
    sslvdir_builder *b;
    if (sslvdir_builder_new(&b, NULL) || sslvdir_policyfile_parse(b, xml, len, NULL) ||
        sslvdir_builder_build(b, slot, NULL))
      abort();
    sslvdir_builder_free(b);
  }
  return *slot;
}

#endif
