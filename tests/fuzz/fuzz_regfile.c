/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Fuzz target: .reg files. Any input either fails with a status, a message
 * and a line and no file, or reads, with a warning per skipped line (never
 * both data and a fatal error); then it applies to a settings store, which
 * fails only for memory, and what is written back (in both encodings) reads
 * again to the same entries, without warnings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const sslvdir_regfile *a, const sslvdir_regfile *b) {
  if (sslvdir_regfile_entry_count(a) != sslvdir_regfile_entry_count(b))
    abort();
  for (size_t i = 0; i < sslvdir_regfile_entry_count(a); i++) {
    const char *k1, *k2, *n1, *n2;
    unsigned t1, t2;
    const unsigned char *d1, *d2;
    size_t l1, l2;
    int e1 = sslvdir_regfile_entry(a, i, &k1, &n1, &t1, &d1, &l1);
    int e2 = sslvdir_regfile_entry(b, i, &k2, &n2, &t2, &d2, &l2);
    if (e1 != e2 || strcmp(k1, k2) || (n1 ? !n2 || strcmp(n1, n2) : n2 != NULL))
      abort();
    /* Strings are text: one with control characters goes out as hex(1). */
    if (e1 == SSLVDIR_REG_ENTRY_VALUE && (t1 != t2 || l1 != l2 || memcmp(d1, d2, l1)) &&
        !(t1 == SSLVDIR_REG_SZ && t2 == SSLVDIR_REG_SZ))
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 20)
    return 0;
  sslvdir_regfile *r = (sslvdir_regfile *)&r;
  sslvdir_error e;
  int rc = sslvdir_regfile_parse(&r, (const char *)data, size, &e);
  if (rc) {
    if (rc > 0 || e.code != rc || !e.message[0] || r != NULL)
      abort();
    return 0;
  }
  for (size_t i = 0; i < sslvdir_regfile_warning_count(r); i++) {
    const char *w = sslvdir_regfile_warning(r, i);
    if (!w || strncmp(w, ".reg", 4))
      abort();
  }
  if (sslvdir_regfile_warning(r, sslvdir_regfile_warning_count(r)) != NULL ||
      sslvdir_regfile_warning_count(r) > 101)
    abort();
  sslvdir_settings *s;
  if (sslvdir_settings_new(&s, NULL))
    return 0;
  /* A bad value is a warning now, never a failed file. */
  rc = sslvdir_regfile_apply(r, s, &e);
  if (rc && rc != SSLVDIR_E_NOMEM)
    abort();
  for (unsigned flags = 0; flags <= SSLVDIR_REGFILE_UTF8; flags++) {
    size_t n = 0;
    if (sslvdir_regfile_write(r, flags, NULL, 0, &n) != SSLVDIR_E_BUFFER_TOO_SMALL)
      abort();
    char *buf = malloc(n);
    if (sslvdir_regfile_write(r, flags, buf, n, &n))
      abort();
    sslvdir_regfile *r2;
    if (sslvdir_regfile_parse(&r2, buf, n, &e) || sslvdir_regfile_warning_count(r2))
      abort(); /* what we write, we read, every line of it */
    same(r, r2);
    sslvdir_regfile_free(r2);
    free(buf);
  }
  sslvdir_settings_free(s);
  sslvdir_regfile_free(r);
  return 0;
}
