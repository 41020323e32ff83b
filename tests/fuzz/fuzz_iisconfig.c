/*
 * Fuzz target: applicationHost.config reading and editing. Any input either
 * fails with a status and a message, or reads; then the bytes written back
 * are the bytes read, and setting sslFlags at a path taken from the input
 * either fails and leaves the bytes as they were, or reads back with those
 * flags at that path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
