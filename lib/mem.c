/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The allocator hook: every allocation of the library goes through it
 * (sslvdir_set_allocator), and sv_grow() for arrays. String helpers are in
 * lib/str.c. */
#include "config.h"

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
