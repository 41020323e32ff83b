/* The allocator hook and small allocation helpers. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *default_malloc(size_t size, void *ud) { SV_UNUSED(ud); return malloc(size); }
static void *default_realloc(void *p, size_t size, void *ud) { SV_UNUSED(ud); return realloc(p, size); }
static void default_free(void *p, void *ud) { SV_UNUSED(ud); free(p); }

static void *(*mem_malloc)(size_t, void *) = default_malloc;
static void *(*mem_realloc)(void *, size_t, void *) = default_realloc;
static void (*mem_free)(void *, void *) = default_free;
static void *mem_ud;

SSLVDIR_EXTERN int sslvdir_set_allocator(void *(*malloc_fn)(size_t, void *),
                                         void *(*realloc_fn)(void *, size_t, void *),
                                         void (*free_fn)(void *, void *), void *user_data) {
  if (!malloc_fn && !realloc_fn && !free_fn) {
    mem_malloc = default_malloc;
    mem_realloc = default_realloc;
    mem_free = default_free;
    mem_ud = NULL;
    return SSLVDIR_OK;
  }
  if (!malloc_fn || !realloc_fn || !free_fn)
    return SSLVDIR_E_INVALID_ARGUMENT;
  mem_malloc = malloc_fn;
  mem_realloc = realloc_fn;
  mem_free = free_fn;
  mem_ud = user_data;
  return SSLVDIR_OK;
}

void *sv_malloc(size_t size) { return mem_malloc(size ? size : 1, mem_ud); }

void *sv_calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return NULL;
  size_t total = n * size;
  void *p = sv_malloc(total);
  if (p && total)
    memset(p, 0, total);
  return p;
}

void *sv_realloc(void *ptr, size_t size) { return mem_realloc(ptr, size ? size : 1, mem_ud); }

void sv_free(void *ptr) {
  if (ptr)
    mem_free(ptr, mem_ud);
}

char *sv_strndup(const char *s, size_t n) {
  char *p = sv_malloc(n + 1);
  if (!p)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *sv_strdup(const char *s) { return sv_strndup(s, strlen(s)); }

int sv_grow(void **arr, size_t *cap, size_t need, size_t elsize) {
  if (need <= *cap)
    return SSLVDIR_OK;
  size_t ncap = *cap ? *cap : 4;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2)
      return SSLVDIR_E_NOMEM;
    ncap *= 2;
  }
  if (ncap > SIZE_MAX / elsize)
    return SSLVDIR_E_NOMEM;
  void *p = sv_realloc(*arr, ncap * elsize);
  if (!p)
    return SSLVDIR_E_NOMEM;
  *arr = p;
  *cap = ncap;
  return SSLVDIR_OK;
}

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
