/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * String helpers: copies through the allocator hook, ASCII case-insensitive
 * comparison and hashing (the protocol elements compared here are ASCII by
 * definition), and the bounded writer's home (sv_bw, inline in
 * lib/internal.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

char *sv_strndup(const char *s, size_t n) {
  char *p = sv_malloc(n + 1);
  if (!p)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *sv_strdup(const char *s) { return sv_strndup(s, strlen(s)); }

const unsigned char sv_lower_table[256] = {SV_R256(SV_LOWER)};

int sv_eq_ci(const char *a, size_t alen, const char *b, size_t blen) {
  if (alen != blen)
    return 0;
  for (size_t i = 0; i < alen; i++)
    if (sv_lower((unsigned char)a[i]) != sv_lower((unsigned char)b[i]))
      return 0;
  return 1;
}

int sv_streq_ci(const char *a, const char *b) { return sv_eq_ci(a, strlen(a), b, strlen(b)); }

/* Hash of an ASCII string, folding case by setting bit 0x20 of every byte,
 * eight bytes at a time. Folding also merges a few non-letters ('@' and '`',
 * '[' and '{'): such collisions only cost a comparison, since callers always
 * compare the strings themselves. */
uint32_t sv_hash_ci(const char *s, size_t n, uint32_t seed) {
  const uint64_t fold = 0x2020202020202020ull, k = 0xff51afd7ed558ccdull;
  uint64_t h = ((uint64_t)seed << 32) ^ (n * 0x9e3779b97f4a7c15ull);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ (w | fold)) * k;
    h ^= h >> 29;
    s += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ (w | (fold >> (8 * (8 - n))))) * k;
    h ^= h >> 29;
  }
  return (uint32_t)(h ^ (h >> 32));
}

char *sv_strdupf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return NULL;
  char *out = sv_malloc((size_t)n + 1);
  if (!out)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(out, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return out;
}
