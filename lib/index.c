/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The index every loader finds its entries by: an open-addressing table of
 * entry numbers into the caller's own array, by a string key the caller
 * gives. The loaders used to find duplicates and owners by a linear search,
 * once per entry read, which made reading quadratic: a 1 MB .reg file took
 * most of a minute. Each slot keeps the key's hash, so that the table grows
 * and shrinks without asking for the keys again, and most probes that miss
 * compare no string.
 */
#include "config.h"

#include <string.h>

#include "internal.h"

static int eq(const char *a, const char *b, size_t blen, int ci) {
  size_t al = strlen(a);
  return ci ? sv_eq_ci(a, al, b, blen) : al == blen && !memcmp(a, b, blen);
}

/* Places an entry in a table of mask + 1 slots that has room for it. */
static void place(sv_ix_slot *t, size_t mask, uint32_t ent, uint32_t hash) {
  size_t h = hash & mask;
  while (t[h].ent)
    h = (h + 1) & mask;
  t[h].ent = ent;
  t[h].hash = hash;
}

/* A table of at least 2 * need slots: at most half full, probes stay short. */
static int resize(sv_ix *x, size_t need) {
  size_t cap = 16;
  while (cap < 2 * need + 2) {
    if (cap > SIZE_MAX / 4 / sizeof *x->slots)
      return SSLVDIR_E_NOMEM;
    cap *= 2;
  }
  sv_ix_slot *t = sv_calloc(cap, sizeof *t);
  if (!t)
    return SSLVDIR_E_NOMEM;
  for (size_t i = 0; x->slots && i <= x->mask; i++)
    if (x->slots[i].ent)
      place(t, cap - 1, x->slots[i].ent, x->slots[i].hash);
  sv_free(x->slots);
  x->slots = t;
  x->mask = cap - 1;
  return SSLVDIR_OK;
}

void sv_ix_free(sv_ix *x) {
  sv_free(x->slots);
  memset(x, 0, sizeof *x);
}

long sv_ix_find_hash(const sv_ix *x, const char *key, size_t len, uint32_t hash, int ci,
                     sv_ix_key key_of, const void *base) {
  if (!x->n)
    return -1;
  for (size_t h = hash & x->mask; x->slots[h].ent; h = (h + 1) & x->mask)
    if (x->slots[h].hash == hash && eq(key_of(base, x->slots[h].ent - 1), key, len, ci))
      return (long)x->slots[h].ent - 1;
  return -1;
}

long sv_ix_find(const sv_ix *x, const char *key, size_t len, int ci, sv_ix_key key_of,
                const void *base) {
  return x->n ? sv_ix_find_hash(x, key, len, sv_hash_ci(key, len, 0), ci, key_of, base) : -1;
}

int sv_ix_add_hash(sv_ix *x, size_t i, uint32_t hash) {
  if (i >= UINT32_MAX)
    return SSLVDIR_E_NOMEM;
  if (2 * (x->n + 1) + 2 > (x->slots ? x->mask + 1 : 0) && resize(x, x->n + 1))
    return SSLVDIR_E_NOMEM;
  place(x->slots, x->mask, (uint32_t)i + 1, hash);
  x->n++;
  return SSLVDIR_OK;
}

int sv_ix_add(sv_ix *x, size_t i, sv_ix_key key_of, const void *base) {
  const char *k = key_of(base, i);
  return sv_ix_add_hash(x, i, sv_hash_ci(k, strlen(k), 0));
}

void sv_ix_remove(sv_ix *x, size_t i, sv_ix_key key_of, const void *base) {
  if (!x->n)
    return;
  const char *k = key_of(base, i);
  size_t h = sv_hash_ci(k, strlen(k), 0) & x->mask;
  while (x->slots[h].ent && x->slots[h].ent != i + 1)
    h = (h + 1) & x->mask;
  if (!x->slots[h].ent)
    return;
  /* Backward-shift deletion: no tombstones, so a key set and removed over
   * and over never lengthens the probes of the others. An entry moves into
   * the hole when its home slot is not between the hole and itself. */
  size_t hole = h;
  for (size_t j = (h + 1) & x->mask; x->slots[j].ent; j = (j + 1) & x->mask) {
    size_t home = x->slots[j].hash & x->mask;
    if (((j - home) & x->mask) >= ((j - hole) & x->mask)) {
      x->slots[hole] = x->slots[j];
      hole = j;
    }
  }
  x->slots[hole].ent = 0;
  x->n--;
}

int sv_ix_rebuild(sv_ix *x, size_t n, sv_ix_key key_of, const void *base) {
  if (x->slots && 2 * n + 2 <= x->mask + 1) {
    /* Big enough (entries were removed): in place, so that this cannot fail. */
    memset(x->slots, 0, (x->mask + 1) * sizeof *x->slots);
  } else {
    sv_free(x->slots);
    memset(x, 0, sizeof *x);
    if (!n)
      return SSLVDIR_OK;
    if (n >= UINT32_MAX || resize(x, n))
      return SSLVDIR_E_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    const char *k = key_of(base, i);
    place(x->slots, x->mask, (uint32_t)i + 1, sv_hash_ci(k, strlen(k), 0));
  }
  x->n = n;
  return SSLVDIR_OK;
}
