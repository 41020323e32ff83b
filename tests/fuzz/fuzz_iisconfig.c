/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Fuzz target: applicationHost.config reading and editing. Any input either
 * fails with a status and a message, or reads; then the bytes written back
 * are the bytes read, and setting sslFlags at a path taken from the input
 * either fails and leaves the bytes as they were, or reads back with those
 * flags at that path. Whatever reads is then audited (as Exchange 2010,
 * with a namespace): every finding has a known severity, a code, an object,
 * an explanation and a fix string, and they come most severe first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void audit(const sslvdir_iisconfig *c) {
  sslvdir_audit *a;
  sslvdir_error e;
  if (sslvdir_audit_new(&a, &e))
    return;
  if (sslvdir_audit_set_config(a, c) || sslvdir_audit_set_exchange_version(a, 2010) ||
      sslvdir_audit_add_namespace(a, "mail.contoso.com", &e))
    abort();
  int rc = sslvdir_audit_run(a, &e);
  if (rc && rc != SSLVDIR_E_NOMEM)
    abort();
  int prev = 4;
  for (size_t i = 0; i < sslvdir_audit_finding_count(a); i++) {
    int sev;
    const char *code, *obj, *why, *fix;
    if (sslvdir_audit_finding(a, i, &sev, &code, &obj, &why, &fix) || !sslvdir_severity_name(sev) ||
        sev > prev || !code[0] || !obj[0] || strlen(why) < 40 || !fix)
      abort();
    prev = sev;
  }
  sslvdir_audit_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 20)
    return 0;
  sslvdir_iisconfig *c;
  sslvdir_error e;
  int rc = sslvdir_iisconfig_parse(&c, (const char *)data, size, &e);
  if (rc) {
    if (rc > 0 || e.code != rc || !e.message[0])
      abort();
    return 0;
  }
  const char *d;
  size_t n;
  if (sslvdir_iisconfig_bytes(c, &d, &n) || n != size || memcmp(d, data, n))
    abort();
  audit(c);
  /* A path: the first application's, or a made-up one under the first site. */
  const char *path = "", *site = NULL;
  char buf[600];
  if (sslvdir_iisconfig_app_count(c) && !sslvdir_iisconfig_app(c, 0, &path, NULL)) {
  } else if (sslvdir_iisconfig_site_count(c) && !sslvdir_iisconfig_site(c, 0, &site, NULL, NULL)) {
    snprintf(buf, sizeof buf, "%s/fuzz", site);
    path = buf;
  }
  char *copy = strdup(path), *before = malloc(n ? n : 1);
  memcpy(before, d, n);
  size_t bn = n;
  unsigned flags = SSLVDIR_SSL | SSLVDIR_SSL_128;
  rc = sslvdir_iisconfig_set_ssl_flags(c, copy, flags, &e);
  if (sslvdir_iisconfig_bytes(c, &d, &n))
    abort();
  if (rc) {
    if (n != bn || memcmp(d, before, n)) /* a failed edit changes nothing */
      abort();
  } else {
    sslvdir_iisconfig *c2;
    unsigned got;
    if (sslvdir_iisconfig_parse(&c2, d, n, &e) || sslvdir_iisconfig_ssl_flags(c2, copy, &got, NULL) ||
        got != flags)
      abort();
    sslvdir_iisconfig_free(c2);
  }
  free(copy);
  free(before);
  sslvdir_iisconfig_free(c);
  return 0;
}
