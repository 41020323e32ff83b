/* Sites: host names, read-only views, and the path trie that matches vdirs. */
#include "config.h"

#include <string.h>

#include "internal.h"

/* Host name bytes, lower-cased; 0 for bytes a host name cannot hold. */
#define HOSTCH(c) (SV_ALNUM(c) || (c) == '-' || (c) == '.' || (c) == '_' ? SV_LOWER(c) : 0)
static const unsigned char host_table[256] = {SV_R256(HOSTCH)};

int sv_host_normalize_hash(const char *in, size_t len, char *out, size_t *out_len, int allow_port,
                           uint32_t *hash) {
  if (!in || len == 0)
    return -1;
  size_t hend, o = 0;
  if (in[0] == '[') {
    hend = 1;
    while (hend < len && in[hend] != ']') {
      unsigned char c = (unsigned char)in[hend];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
            c == ':' || c == '.'))
        return -1;
      hend++;
    }
    if (hend == len || hend < 3 || hend > 46)
      return -1;
    int fam;
    unsigned char a[16];
    if (sv_addr_parse(in + 1, hend - 1, &fam, a) || fam != 6)
      return -1;
    hend++;
    for (size_t i = 0; i < hend; i++)
      out[o++] = (char)sv_lower((unsigned char)in[i]);
  } else {
    unsigned char prev = '.';
    for (hend = 0; hend < len && in[hend] != ':'; hend++) {
      unsigned char c = host_table[(unsigned char)in[hend]];
      if (!c || (c == '.' && prev == '.') || hend >= SV_HOST_MAX + 1)
        return -1; /* a bad byte, an empty label, or too long */
      out[o++] = (char)c;
      prev = c;
    }
    if (o && out[o - 1] == '.')
      o--; /* one trailing dot: the same name */
    if (o == 0 || o > SV_HOST_MAX || out[0] == '-')
      return -1;
  }
  if (hend < len) {
    if (!allow_port || in[hend] != ':')
      return -1;
    size_t p = hend + 1, digits = len - p;
    if (digits == 0 || digits > 5)
      return -1;
    unsigned port = 0;
    for (; p < len; p++) {
      if (in[p] < '0' || in[p] > '9')
        return -1;
      port = port * 10 + (unsigned)(in[p] - '0');
    }
    if (port == 0 || port > 65535)
      return -1;
  }
  out[o] = '\0';
  *out_len = o;
  if (hash)
    *hash = sv_hash_ci(out, o, 0);
  return 0;
}

int sv_host_check(const char *in, size_t len, size_t *host_len, uint32_t *hash) {
  if (!in || len == 0)
    return -1;
  if (in[0] == '[') { /* IPv6 literals are rare: take the careful route */
    char tmp[SV_HOST_MAX + 3];
    size_t n;
    if (sv_host_normalize_hash(in, len, tmp, &n, 1, hash))
      return -1;
    *host_len = n;
    return 0;
  }
  const char *colon = memchr(in, ':', len);
  size_t i = colon ? (size_t)(colon - in) : len;
  unsigned ok = 1;
  for (size_t k = 0; k < i; k++)
    ok &= host_table[(unsigned char)in[k]] != 0;
  size_t n = (i && in[i - 1] == '.') ? i - 1 : i; /* one trailing dot: the same name */
  if (!ok || n == 0 || n > SV_HOST_MAX || in[0] == '-' || in[0] == '.')
    return -1; /* a bad byte, an empty first label, or too long */
  for (const char *d = memchr(in, '.', n); d; d = memchr(d + 1, '.', n - (size_t)(d + 1 - in)))
    if (d + 1 < in + n && d[1] == '.')
      return -1; /* an empty label */
  if (i < len) {
    size_t digits = len - i - 1;
    unsigned port = 0;
    if (digits == 0 || digits > 5)
      return -1;
    for (size_t p = i + 1; p < len; p++) {
      if (in[p] < '0' || in[p] > '9')
        return -1;
      port = port * 10 + (unsigned)(in[p] - '0');
    }
    if (port == 0 || port > 65535)
      return -1;
  }
  *host_len = n;
  *hash = sv_hash_ci(in, n, 0);
  return 0;
}

int sv_host_normalize(const char *in, size_t len, char *out, size_t *out_len, int allow_port) {
  return sv_host_normalize_hash(in, len, out, out_len, allow_port, NULL);
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
SSLVDIR_EXTERN size_t sslvdir_site_vdir_count(const sslvdir_site *s) { return s ? s->nvdirs : 0; }
SSLVDIR_EXTERN const sslvdir_vdir *sslvdir_site_vdir(const sslvdir_site *s, size_t i) {
  return (s && i < s->nvdirs) ? &s->vdirs[i] : NULL;
}

/* The part of a segment that takes part in matching: up to ';'. */
static size_t seg_key_len(const char *seg, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (seg[i] == ';')
      return i;
  return n;
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
      size_t n = seg_key_len(k + st, i - st);
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

const sslvdir_vdir *sv_site_match(const sslvdir_site *s, const char *path, size_t len) {
  uint32_t node = 0;
  int32_t best = s->node_vdir[0];
  size_t i = 0;
  while (i < len) {
    while (i < len && path[i] == '/')
      i++;
    size_t st = i;
    while (i < len && path[i] != '/')
      i++;
    if (i == st)
      break;
    size_t n = seg_key_len(path + st, i - st);
    uint32_t h = sv_hash_ci(path + st, n, node);
    const sv_edge *e = edge_slot(s, node, path + st, n, h);
    if (!e->child)
      break;
    node = e->child;
    if (s->node_vdir[node] >= 0)
      best = s->node_vdir[node];
  }
  return best >= 0 ? &s->vdirs[best] : NULL;
}

SSLVDIR_EXTERN const sslvdir_vdir *sslvdir_site_match(const sslvdir_site *s, const char *path,
                                                      size_t len) {
  char canon[SSLVDIR_PATH_BUFSZ];
  size_t n;
  if (!s || !path || !s->node_vdir)
    return NULL;
  /* The matcher relies on canonical input (see seg_eq()); make sure of it. */
  if (len > SSLVDIR_MAX_URL || sv_path_canon(path, len, canon, sizeof canon, &n) != SSLVDIR_R_NONE)
    return NULL;
  return sv_site_match(s, canon, n);
}
