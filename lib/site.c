/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Sites: read-only views, and the path trie that matches vdirs. Host names
 * are checked in lib/host.c. */
#include "config.h"

#include <string.h>

#include "internal.h"

/* Frees what a site holds, builder's or policy's, and zeroes it. */
void sv_site_clear(sslvdir_site *s) {
  sv_free(s->name);
  for (size_t i = 0; i < s->nhosts; i++)
    sv_free(s->hosts[i]);
  sv_free(s->hosts);
  sv_free(s->canonical);
  sv_free(s->ad_redirect);
  for (size_t i = 0; i < s->nvdirs; i++) {
    sslvdir_vdir *v = &s->vdirs[i];
    sv_free(v->path);
    sv_free(v->key);
    sv_free(v->config_path);
    sv_free(v->url[0]);
    sv_free(v->url[1]);
  }
  sv_free(s->vdirs);
  sv_ix_free(&s->vdir_ix);
  sv_free(s->node_vdir);
  sv_free(s->edges);
  memset(s, 0, sizeof *s);
}

SSLVDIR_EXTERN const char *sslvdir_site_name(const sslvdir_site *s) { return s ? s->name : NULL; }
SSLVDIR_EXTERN size_t sslvdir_site_host_count(const sslvdir_site *s) { return s ? s->nhosts : 0; }
SSLVDIR_EXTERN const char *sslvdir_site_host(const sslvdir_site *s, size_t i) {
  return (s && i < s->nhosts) ? s->hosts[i] : NULL;
}
SSLVDIR_EXTERN const char *sslvdir_site_canonical_host(const sslvdir_site *s) {
  return s ? s->canonical : NULL;
}
SSLVDIR_EXTERN unsigned sslvdir_site_https_port(const sslvdir_site *s) {
  return s ? s->https_port : 0;
}
SSLVDIR_EXTERN const char *sslvdir_site_autodiscover_redirect(const sslvdir_site *s) {
  return s ? s->ad_redirect : NULL;
}
SSLVDIR_EXTERN size_t sslvdir_site_vdir_count(const sslvdir_site *s) { return s ? s->nvdirs : 0; }
SSLVDIR_EXTERN const sslvdir_vdir *sslvdir_site_vdir(const sslvdir_site *s, size_t i) {
  return (s && i < s->nvdirs) ? &s->vdirs[i] : NULL;
}

/* Compares two canonical path segments case-insensitively. In a canonical
 * path (sslvdir_path_canonicalize()) every byte is a letter, a digit, one of
 * "-._~!$&'()*,;=@" or part of a %XX escape with upper-case hex: among these,
 * setting bit 0x20 folds letter case and nothing else, so it can be done
 * eight bytes at a time. */
static int seg_eq(const char *a, const char *b, size_t n) {
  const uint64_t fold = 0x2020202020202020ull;
  while (n >= 8) {
    uint64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    if ((x | fold) != (y | fold))
      return 0;
    a += 8;
    b += 8;
    n -= 8;
  }
  for (size_t i = 0; i < n; i++)
    if ((a[i] | 0x20) != (b[i] | 0x20))
      return 0;
  return 1;
}

static sv_edge *edge_slot(const sslvdir_site *s, uint32_t parent, const char *seg, size_t n,
                          uint32_t h) {
  for (size_t i = h & s->edge_mask;; i = (i + 1) & s->edge_mask) {
    sv_edge *e = &s->edges[i];
    if (!e->child || (e->hash == h && e->parent == parent && e->seg_len == n && seg_eq(e->seg, seg, n)))
      return e;
  }
}

int sv_site_index(sslvdir_site *s) {
  size_t nseg = 0;
  for (size_t v = 0; v < s->nvdirs; v++)
    for (const char *p = s->vdirs[v].key; *p; p++)
      nseg += *p == '/';
  size_t cap = 8;
  while (cap < 2 * nseg + 2)
    cap *= 2;
  s->edges = sv_calloc(cap, sizeof *s->edges);
  s->node_vdir = sv_malloc((nseg + 1) * sizeof *s->node_vdir);
  if (!s->edges || !s->node_vdir)
    return SSLVDIR_E_NOMEM;
  s->edge_mask = cap - 1;
  s->nnodes = 1;
  s->node_vdir[0] = -1;
  for (size_t v = 0; v < s->nvdirs; v++) {
    const char *k = s->vdirs[v].key;
    size_t len = strlen(k), i = 0;
    uint32_t node = 0;
    while (i < len) {
      while (i < len && k[i] == '/')
        i++;
      size_t st = i;
      while (i < len && k[i] != '/')
        i++;
      if (i == st)
        break;
      size_t n = i - st;
      uint32_t h = sv_hash_ci(k + st, n, node);
      sv_edge *e = edge_slot(s, node, k + st, n, h);
      if (!e->child) {
        e->hash = h;
        e->parent = node;
        e->seg = k + st;
        e->seg_len = (uint32_t)n;
        e->child = (uint32_t)s->nnodes;
        s->node_vdir[s->nnodes++] = -1;
      }
      node = e->child;
    }
    s->node_vdir[node] = (int32_t)v;
  }
  return SSLVDIR_OK;
}

/* Walks the trie with the segments of a normalised path. The trie holds
 * canonical (percent-encoded) segments; a segment that needs encoding is
 * encoded on its own, so no canonical copy of the whole path (up to three
 * times the raw path) is needed. */
const sslvdir_vdir *sv_site_match(const sslvdir_site *s, const char *path, size_t len, int as_is) {
  uint32_t node = 0;
  int32_t best = s->node_vdir[0];
  size_t i = 0;
  char enc[3 * SSLVDIR_MAX_SEGMENT_LEN];
  while (i < len) {
    while (i < len && path[i] == '/')
      i++;
    size_t st = i;
    while (i < len && path[i] != '/')
      i++;
    if (i == st)
      break;
    /* The whole segment: IIS has no path parameters, so "Calendar;x" is a
     * name of its own and not the Calendar application (cutting at ';' would
     * route it to a child that may be more lenient than its parent). */
    const char *seg = path + st;
    size_t n = i - st;
    if (!as_is && sv_path_encode(seg, n, NULL) != n) {
      /* Vdir segments are no longer than this either (they were
       * normalised alike), so a longer one has no edge. */
      if (n > SSLVDIR_MAX_SEGMENT_LEN)
        break;
      n = sv_path_encode(seg, n, enc);
      seg = enc;
    }
    uint32_t h = sv_hash_ci(seg, n, node);
    const sv_edge *e = edge_slot(s, node, seg, n, h);
    if (!e->child)
      break;
    node = e->child;
    if (s->node_vdir[node] >= 0)
      best = s->node_vdir[node];
  }
  return best >= 0 ? &s->vdirs[best] : NULL;
}

int sv_site_has_host(const sslvdir_site *s, const char *host, size_t len) {
  for (size_t i = 0; i < s->nhosts; i++)
    if (sv_eq_ci(s->hosts[i], strlen(s->hosts[i]), host, len))
      return 1;
  return 0;
}

SSLVDIR_EXTERN const sslvdir_vdir *sslvdir_site_match(const sslvdir_site *s, const char *path,
                                                      size_t len) {
  char norm[SV_NORM_BUFSZ];
  size_t n, cn;
  if (!s || !path || !s->node_vdir)
    return NULL;
  /* The matcher relies on normalised input (see seg_eq()); make sure of it. */
  if (sv_path_norm(path, len, norm, &n, &cn) != SSLVDIR_R_NONE)
    return NULL;
  return sv_site_match(s, norm, n, cn == n);
}
