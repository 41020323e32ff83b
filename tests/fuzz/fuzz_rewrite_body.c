/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Fuzz target: the streaming body rewriter. The first two bytes seed the
 * chunking, the rest is the body. Whatever the chunking, the output must be
 * the one-shot output, the counts must agree with it, and a body without
 * "http" (in any case) nor the literal must come out unchanged. And the
 * rewriter keeps every host: with hosts only, each link it turns into https
 * was http to one of ours (no port, ":" or ":80") and is now https to the
 * same host (as written) and its https port, and what follows ends the
 * authority for certain, before and after (see check_links()).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct sink {
  char *buf;
  size_t len, cap;
} sink;

static int sink_write(const char *d, size_t n, void *ud) {
  sink *s = ud;
  if (s->len + n > s->cap)
    abort(); /* output can grow by at most 1 + ":65535" per 9 input bytes */
  memcpy(s->buf + s->len, d, n);
  s->len += n;
  return 0;
}

static sslvdir_rewriter *get_rewriter(void) {
  static sslvdir_rewriter *rw;
  if (!rw) {
    if (sslvdir_rewriter_new(&rw, NULL, NULL) ||
        sslvdir_rewriter_add_host(rw, "mail.contoso.com", 443, NULL) ||
        sslvdir_rewriter_add_host(rw, "m", 443, NULL) ||
        sslvdir_rewriter_add_host(rw, "partner.fabrikam.com", 8443, NULL) ||
        sslvdir_rewriter_add_host(rw, "[2001:db8::1]", 65535, NULL) ||
        sslvdir_rewriter_add_literal(rw, "http://legacy/", 14, "https://mail.contoso.com/", 25, NULL) ||
        sslvdir_rewriter_add_literal(rw, "aa", 2, "", 0, NULL))
      abort();
  }
  return rw;
}

/* The hosts again, without literals: their output can be walked beside the
 * input, link for link. */
static const struct {
  const char *name, *port;
} hosts[] = {{"mail.contoso.com", ""},
             {"m", ""},
             {"partner.fabrikam.com", ":8443"},
             {"[2001:db8::1]", ":65535"}};

static sslvdir_rewriter *get_hosts_rewriter(void) {
  static sslvdir_rewriter *rw;
  if (!rw) {
    if (sslvdir_rewriter_new(&rw, NULL, NULL) ||
        sslvdir_rewriter_add_host(rw, "mail.contoso.com", 443, NULL) ||
        sslvdir_rewriter_add_host(rw, "m", 443, NULL) ||
        sslvdir_rewriter_add_host(rw, "partner.fabrikam.com", 8443, NULL) ||
        sslvdir_rewriter_add_host(rw, "[2001:db8::1]", 65535, NULL))
      abort();
  }
  return rw;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int alnum(int c) {
  return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z');
}

/* Whether "http" (any case) followed by ':' or "s:" starts at d[i], not
 * inside another word: where a link starts. */
static int link_at(const uint8_t *d, size_t n, size_t i) {
  if (i + 5 > n || lower(d[i]) != 'h' || lower(d[i + 1]) != 't' || lower(d[i + 2]) != 't' ||
      lower(d[i + 3]) != 'p')
    return 0;
  if (i > 0 && (alnum(d[i - 1]) || d[i - 1] == '.' || d[i - 1] == '-' || d[i - 1] == '+'))
    return 0;
  return d[i + 4] == ':' || (lower(d[i + 4]) == 's' && i + 5 < n && d[i + 5] == ':');
}

/* The rule, restated: what may come before a rewritten "http". */
static int before_ok(const uint8_t *d, size_t i) {
  if (i == 0)
    return 1;
  int c = d[i - 1];
  return !(c >= 0x80 || alnum(c) || (c && strchr("+-./\\:@;_\t\n\r", c)));
}

/* The rule, restated: the authority certainly ends at d[j]. */
static int ends_at(const uint8_t *d, size_t n, size_t j, int before) {
  if (j == n)
    return 1;
  int c = d[j];
  if (c == '/' || c == '?' || c == '#')
    return 1;
  if (c == '\\')
    return j + 1 < n && d[j + 1] == '/';
  if (c == '"' || c == '\'')
    return before == c;
  if (c == ')')
    return before == '(';
  /* Never '<': readers of an element's text join it across tags, comments
   * and CDATA sections. */
  return 0;
}

/* Where one of our hosts is written at d[h]: its index, or -1. */
static int our_host(const uint8_t *d, size_t n, size_t h, size_t *len) {
  int found = -1;
  for (int k = 0; k < (int)(sizeof hosts / sizeof *hosts); k++) {
    size_t l = strlen(hosts[k].name), i = 0;
    while (i < l && h + i < n && lower(d[h + i]) == hosts[k].name[i])
      i++;
    if (i == l && (found < 0 || l > *len)) {
      found = k;
      *len = l;
    }
  }
  return found;
}

/* Walks in and out link by link (the rewriter only changes links, so both
 * have the same link starts) and aborts on a rewritten link that breaks the
 * rule. */
static void check_links(const uint8_t *in, size_t n, const uint8_t *out, size_t m) {
  size_t i = 0, o = 0;
  for (;;) {
    while (i < n && !link_at(in, n, i))
      i++;
    while (o < m && !link_at(out, m, o))
      o++;
    if ((i == n) != (o == m))
      abort(); /* a link appeared or vanished */
    if (i == n)
      return;
    if (in[i + 4] == ':' && out[o + 4] != ':') {
      /* Rewritten: "https" then the same separator and host as written. */
      size_t sep = i + 5 < n && in[i + 5] == '\\' ? 4 : 2, hl = 0;
      if ((i == 0) != (o == 0) || (i && in[i - 1] != out[o - 1]))
        abort(); /* the byte before differs */
      int before = i ? in[i - 1] : -1;
      if (!before_ok(in, i) || memcmp(out + o, "https", 5) || i + 5 + sep > n ||
          o + 6 + sep > m || memcmp(in + i + 5, out + o + 6, sep) ||
          memcmp(in + i + 5, sep == 2 ? "//" : "\\/\\/", sep))
        abort();
      size_t hi = i + 5 + sep, ho = o + 6 + sep;
      int k = our_host(in, n, hi, &hl);
      if (k < 0 || ho + hl > m || memcmp(in + hi, out + ho, hl))
        abort(); /* not ours, or not as written */
      /* Before: no port, ":" or ":80", then an end. After: the site's port,
       * then an end. */
      size_t e = hi + hl;
      if (e < n && in[e] == ':')
        e += e + 2 < n && in[e + 1] == '8' && in[e + 2] == '0' ? 3 : 1;
      size_t pl = strlen(hosts[k].port), f = ho + hl + pl;
      if (!ends_at(in, n, e, before) || f > m || memcmp(out + ho + hl, hosts[k].port, pl) ||
          !ends_at(out, m, f, before))
        abort();
      i = e;
      o = f;
      continue;
    }
    if (memcmp(in + i, out + o, 5))
      abort(); /* a link's scheme changed otherwise */
    i += 5;
    o += 5;
  }
}

static int has_needle(const uint8_t *d, size_t n) {
  for (size_t i = 0; i + 1 < n; i++) {
    if (d[i] == 'a' && d[i + 1] == 'a')
      return 1;
    if (i + 4 <= n && (d[i] | 0x20) == 'h' && (d[i + 1] | 0x20) == 't' &&
        (d[i + 2] | 0x20) == 't' && (d[i + 3] | 0x20) == 'p')
      return 1;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2 || size > 65536)
    return 0;
  sslvdir_rewriter *rw = get_rewriter();
  unsigned seed = (unsigned)data[0] << 8 | data[1];
  const char *body = (const char *)data + 2;
  size_t n = size - 2, cap = n + n + 16, whole_len = 0;
  char *whole = malloc(cap);
  sink s = {malloc(cap), 0, cap};
  if (sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0) != SSLVDIR_BODY_REWRITE)
    abort();
  int rc = sslvdir_rewriter_rewrite(rw, body, n, whole, cap, &whole_len);
  if (rc < 0 || whole_len > cap)
    abort();
  uint64_t reps1;
  sslvdir_rewriter_counts(rw, NULL, NULL, &reps1);
  if ((rc == SSLVDIR_REWRITE_CHANGED) != (reps1 > 0))
    abort();
  if (!has_needle((const uint8_t *)body, n) && (rc != SSLVDIR_REWRITE_UNCHANGED || whole_len != n ||
                                                memcmp(whole, body, n)))
    abort();
  /* Host preservation, with the hosts alone. */
  sslvdir_rewriter *hrw = get_hosts_rewriter();
  size_t hlen = 0;
  if (sslvdir_rewriter_begin(hrw, "text/html", 9, NULL, 0) != SSLVDIR_BODY_REWRITE ||
      sslvdir_rewriter_rewrite(hrw, body, n, s.buf, cap, &hlen) < 0 || hlen > cap)
    abort();
  check_links((const uint8_t *)body, n, (const uint8_t *)s.buf, hlen);
  if (sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0) != SSLVDIR_BODY_REWRITE)
    abort();
  size_t off = 0;
  while (off < n) {
    seed = seed * 1103515245u + 12345u;
    size_t c = 1 + (seed >> 16) % ((seed & 1) ? 3 : 64);
    if (c > n - off)
      c = n - off;
    if (sslvdir_rewriter_feed(rw, body + off, c, sink_write, &s))
      abort();
    off += c;
  }
  if (sslvdir_rewriter_finish(rw, sink_write, &s))
    abort();
  uint64_t in, out, reps2;
  sslvdir_rewriter_counts(rw, &in, &out, &reps2);
  if (s.len != whole_len || memcmp(s.buf, whole, whole_len) || in != n || out != whole_len ||
      reps1 != reps2)
    abort();
  free(whole);
  free(s.buf);
  return 0;
}
