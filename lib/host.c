/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Host names: the one validator and normaliser of "host[:port]" for every
 * input (request Host headers and absolute-form authorities, site bindings,
 * vdir and Autodiscover URLs, configuration files). Byte table, no
 * allocation: it is on the path of every decision.
 */
#include "config.h"

#include <string.h>

#include "internal.h"

/* Host name bytes, lower-cased; 0 for bytes a host name cannot hold. */
#define HOSTCH(c) (SV_ALNUM(c) || (c) == '-' || (c) == '.' || (c) == '_' ? SV_LOWER(c) : 0)
static const unsigned char host_table[256] = {SV_R256(HOSTCH)};

/* The port after "host:", 1 to 65535, digits only. */
static int check_port(const char *p, size_t n) {
  unsigned port = 0;
  if (n == 0 || n > 5)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9')
      return -1;
    port = port * 10 + (unsigned)(p[i] - '0');
  }
  return port == 0 || port > 65535 ? -1 : 0;
}

/* The one host validator: a DNS-style name (letters, digits, '-', '_', '.',
 * no empty label, at most 253 bytes, one trailing dot ignored) or an IPv6
 * literal in brackets, then ":port" when allowed. Works in place; *host_len
 * is the length of the name without port or trailing dot. */
static int host_check(const char *in, size_t len, int allow_port, size_t *host_len, size_t *hend) {
  size_t i, n;
  if (!in || len == 0)
    return -1;
  if (in[0] == '[') {
    const char *close = memchr(in, ']', len);
    int fam;
    unsigned char a[16];
    if (!close || close - in < 3 || close - in > 46 ||
        sv_addr_parse(in + 1, (size_t)(close - in) - 1, &fam, a) || fam != 6)
      return -1;
    for (const char *c = in + 1; c < close; c++) /* hex, ':' and '.' only: no zone */
      if (!((*c >= '0' && *c <= '9') || ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'f') || *c == ':' || *c == '.'))
        return -1;
    i = n = (size_t)(close - in) + 1;
  } else {
    const char *colon = memchr(in, ':', len);
    i = colon ? (size_t)(colon - in) : len;
    unsigned ok = 1;
    for (size_t k = 0; k < i; k++)
      ok &= host_table[(unsigned char)in[k]] != 0;
    n = (i && in[i - 1] == '.') ? i - 1 : i; /* one trailing dot: the same name */
    if (!ok || n == 0 || n > SV_HOST_MAX || in[0] == '-' || in[0] == '.' || in[n - 1] == '.')
      return -1; /* a bad byte, an empty first or last label, or too long */
    for (const char *d = memchr(in, '.', n); d; d = memchr(d + 1, '.', n - (size_t)(d + 1 - in)))
      if (d[1] == '.')
        return -1; /* an empty label (d[1] is inside the name: the last byte is not '.') */
  }
  if (i < len && (!allow_port || in[i] != ':' || check_port(in + i + 1, len - i - 1)))
    return -1;
  *host_len = n;
  if (hend)
    *hend = i;
  return 0;
}

int sv_host_check(const char *in, size_t len, size_t *host_len, uint32_t *hash) {
  if (host_check(in, len, 1, host_len, NULL))
    return -1;
  *hash = sv_hash_ci(in, *host_len, 0);
  return 0;
}

int sv_host_normalize_hash(const char *in, size_t len, char *out, size_t *out_len, int allow_port,
                           uint32_t *hash) {
  size_t n;
  if (host_check(in, len, allow_port, &n, NULL))
    return -1;
  for (size_t k = 0; k < n; k++)
    out[k] = (char)sv_lower((unsigned char)in[k]);
  out[n] = '\0';
  *out_len = n;
  if (hash)
    *hash = sv_hash_ci(out, n, 0);
  return 0;
}

int sv_host_normalize(const char *in, size_t len, char *out, size_t *out_len, int allow_port) {
  return sv_host_normalize_hash(in, len, out, out_len, allow_port, NULL);
}
