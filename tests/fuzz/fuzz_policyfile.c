/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Fuzz target: the policy file reader. Any input must either load (and then
 * build or fail to build with a status) or fail with a status and a
 * message; on failure the builder must be left as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The vdirs of the preset alone, counted once (the preset follows the table
 * of what Exchange ships, so the number is not written here). */
static size_t preset_vdirs(void) {
  static size_t n;
  sslvdir_builder *b;
  sslvdir_policy *p;
  if (n)
    return n;
  if (sslvdir_builder_new(&b, NULL) || sslvdir_preset_apply(b, "exchange2013", "Default Web Site", NULL) ||
      sslvdir_builder_build(b, &p, NULL))
    abort();
  n = sslvdir_site_vdir_count(sslvdir_policy_site(p, 0));
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sslvdir_builder *b;
  sslvdir_error e;
  if (sslvdir_builder_new(&b, NULL))
    return 0;
  if (sslvdir_preset_apply(b, "exchange2013", "Default Web Site", NULL))
    abort();
  int rc = sslvdir_policyfile_parse(b, (const char *)data, size, &e);
  if (rc != SSLVDIR_OK && (rc > 0 || e.code != rc || !e.message[0]))
    abort();
  sslvdir_policy *p = NULL;
  int brc = sslvdir_builder_build(b, &p, &e);
  if (rc != SSLVDIR_OK) {
    /* Untouched: still exactly the preset. */
    if (brc != SSLVDIR_OK || sslvdir_policy_site_count(p) != 1 ||
        sslvdir_site_vdir_count(sslvdir_policy_site(p, 0)) != preset_vdirs())
      abort();
  }
  if (p) {
    static sslvdir_decision d;
    sslvdir_request r = SSLVDIR_REQUEST_INIT;
    r.method = "GET";
    r.method_len = 3;
    r.target = "/owa/x";
    r.target_len = 6;
    d.version = SSLVDIR_DECISION_VERSION;
    if (sslvdir_decide(p, &r, &d))
      abort();
  }
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  return 0;
}
