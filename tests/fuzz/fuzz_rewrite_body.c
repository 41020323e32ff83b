/*
 * Fuzz target: the streaming body rewriter. The first two bytes seed the
 * chunking, the rest is the body. Whatever the chunking, the output must be
 * the one-shot output, the counts must agree with it, and a body without
 * "http" (in any case) nor the literal must come out unchanged.
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
