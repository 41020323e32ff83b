/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * bench/rewrite: how fast the body rewriter and the header rewriter are.
 *
 * Body: a 10 MB HTML page built here, dense with links as an OWA message
 * list is (one of ours about every 450 bytes, and as many other URLs, https
 * links, CSS and script with colons), rewritten as one buffer and in 512-byte chunks, beside glibc's
 * memmem() finding every "http://mail.contoso.com" in the same buffer in the
 * same run (the peer: the least any rewriter must do). Runs are interleaved
 * and the median of 9 is printed. Two sinks: one that only counts (the
 * rewriter's own cost) and one that copies into an output buffer (what a
 * proxy does).
 *
 * Headers: nanoseconds per sslvdir_rewrite_header() call for a Location of
 * ours, one not ours, and a Set-Cookie.
 *
 * Allocations are counted through sslvdir_set_allocator(): none may happen
 * after the rewriter is made. Never run by CI for timing; `make bench`.
 */
#define _GNU_SOURCE
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sslvdir/sslvdir.h>

#include "bench.h"

static long allocs;
static void *c_malloc(size_t n, void *ud) { (void)ud; allocs++; return malloc(n); }
static void *c_realloc(void *p, size_t n, void *ud) { (void)ud; allocs++; return realloc(p, n); }
static void c_free(void *p, void *ud) { (void)ud; free(p); }


#define RUNS 9

typedef struct copy_sink {
  char *buf;
  size_t len, cap;
} copy_sink;

static int count_write(const char *d, size_t n, void *ud) {
  (void)d;
  *(size_t *)ud += n;
  return 0;
}

static int copy_write(const char *d, size_t n, void *ud) {
  copy_sink *s = ud;
  if (s->len + n > s->cap)
    return 1;
  memcpy(s->buf + s->len, d, n);
  s->len += n;
  return 0;
}

/* A page of about size bytes: paragraphs, other URLs, and our links. */
static char *make_page(size_t size, size_t *out_len, size_t *ours) {
  static const char *const parts[] = {
    "<p class=\"msg\" style=\"color: #333; margin: 0 4px\">Hello team, the quarterly numbers are "
    "attached; see the summary below and reply by Friday.</p>\n",
    "<a href=\"http://mail.contoso.com/owa/?ae=Item&amp;t=IPM.Note&amp;id=RgAAAAD%2bA\">Open</a>\n",
    "<a href=\"https://www.microsoft.com/en-us/microsoft-365/outlook\">Outlook</a>\n",
    "<img src=\"http://cdn.contoso-static.net/images/logo-2x.png\" alt=\"logo\">\n",
    "<script>var opts = {\"timeout\": 30, \"retry\": true, \"url\": \"/owa/service.svc\"};</script>\n",
    "<div><span>From: Alice &lt;alice@contoso.com&gt;</span> <span>Sent: 09:41</span></div>\n",
    "<p>Meeting notes: 1) budget; 2) hiring: two roles; 3) http proxies and the new load "
    "balancer at 10:30.</p>\n",
    "<link rel=\"stylesheet\" href=\"http://mail.contoso.com/owa/15.1.2507/themes/base.css\">\n",
    "<td style=\"border: 1px solid #ccc; padding: 2px\">Q3: 1,204,330 units</td>\n",
    "<a href=\"http://partners.fabrikam.com/portal?ref=mail.contoso.com\">Partner portal</a>\n",
  };
  const size_t nparts = sizeof parts / sizeof parts[0];
  char *p = malloc(size + 512);
  size_t n = 0, k = 0;
  *ours = 0;
  while (n < size) {
    const char *s = parts[(k * 7) % nparts];
    size_t l = strlen(s);
    memcpy(p + n, s, l);
    n += l;
    *ours += strstr(s, "http://mail.contoso.com") != NULL;
    k++;
  }
  *out_len = n;
  return p;
}

static size_t memmem_scan(const char *buf, size_t len, const char *needle, size_t nl) {
  size_t hits = 0;
  const char *p = buf, *end = buf + len;
  while ((p = memmem(p, (size_t)(end - p), needle, nl)) != NULL) {
    hits++;
    p += nl;
  }
  return hits;
}

static double run_body(sslvdir_rewriter *rw, const char *page, size_t len, size_t chunk,
                       int copy, copy_sink *cs, uint64_t *reps) {
  size_t counted = 0;
  double t0 = now();
  if (sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0) != SSLVDIR_BODY_REWRITE)
    exit(1);
  cs->len = 0;
  sslvdir_write_fn fn = copy ? copy_write : count_write;
  void *ud = copy ? (void *)cs : (void *)&counted;
  for (size_t off = 0; off < len; off += chunk) {
    size_t c = len - off < chunk ? len - off : chunk;
    if (sslvdir_rewriter_feed(rw, page + off, c, fn, ud))
      exit(1);
  }
  if (sslvdir_rewriter_finish(rw, fn, ud))
    exit(1);
  double t = now() - t0;
  sslvdir_rewriter_counts(rw, NULL, NULL, reps);
  return t;
}

int main(int argc, char **argv) {
  size_t size = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10u << 20;
  if (sslvdir_set_allocator(c_malloc, c_realloc, c_free, NULL))
    return 1;
  sslvdir_builder *b;
  sslvdir_policy *p;
  if (sslvdir_builder_new(&b, NULL) ||
      sslvdir_preset_apply(b, "exchange2016-offload", "Default Web Site", NULL) ||
      sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", NULL) ||
      sslvdir_builder_add_host(b, "Default Web Site", "autodiscover.contoso.com", NULL) ||
      sslvdir_builder_build(b, &p, NULL))
    return 1;
  sslvdir_builder_free(b);
  sslvdir_rewriter *rw;
  if (sslvdir_rewriter_new(&rw, p, NULL))
    return 1;

  size_t len, ours;
  char *page = make_page(size, &len, &ours);
  copy_sink cs = {malloc(len * 2), 0, len * 2};
  memset(cs.buf, 0, cs.cap); /* fault the pages in before timing */
  const char needle[] = "http://mail.contoso.com";
  double t_memmem[RUNS], t_one[RUNS], t_512[RUNS], t_one_copy[RUNS], t_512_copy[RUNS];
  uint64_t reps = 0;
  size_t hits = 0;
  long allocs_before = allocs;
  for (int r = 0; r < RUNS; r++) {
    double t0 = now();
    hits = memmem_scan(page, len, needle, sizeof needle - 1);
    t_memmem[r] = now() - t0;
    t_one[r] = run_body(rw, page, len, len, 0, &cs, &reps);
    t_512[r] = run_body(rw, page, len, 512, 0, &cs, &reps);
    t_one_copy[r] = run_body(rw, page, len, len, 1, &cs, &reps);
    t_512_copy[r] = run_body(rw, page, len, 512, 1, &cs, &reps);
  }
  long body_allocs = allocs - allocs_before;
  qsort(t_memmem, RUNS, sizeof(double), cmp_double);
  qsort(t_one, RUNS, sizeof(double), cmp_double);
  qsort(t_512, RUNS, sizeof(double), cmp_double);
  qsort(t_one_copy, RUNS, sizeof(double), cmp_double);
  qsort(t_512_copy, RUNS, sizeof(double), cmp_double);
  double gb = (double)len / 1e9, m = t_memmem[RUNS / 2];
  printf("body: %.1f MB page, %zu links of ours (memmem found %zu), %llu replaced\n",
         (double)len / 1e6, ours, hits, (unsigned long long)reps);
  printf("  %-34s %7.2f GB/s\n", "glibc memmem scan (peer)", gb / m);
  printf("  %-34s %7.2f GB/s  %.2fx memmem\n", "rewriter, one buffer", gb / t_one[RUNS / 2],
         m / t_one[RUNS / 2]);
  printf("  %-34s %7.2f GB/s  %.2fx memmem  %.2fx one buffer\n", "rewriter, 512-byte chunks",
         gb / t_512[RUNS / 2], m / t_512[RUNS / 2], t_one[RUNS / 2] / t_512[RUNS / 2]);
  printf("  %-34s %7.2f GB/s  %.2fx memmem\n", "rewriter + copy, one buffer",
         gb / t_one_copy[RUNS / 2], m / t_one_copy[RUNS / 2]);
  printf("  %-34s %7.2f GB/s  %.2fx memmem\n", "rewriter + copy, 512-byte chunks",
         gb / t_512_copy[RUNS / 2], m / t_512_copy[RUNS / 2]);
  printf("  allocations while rewriting: %ld\n", body_allocs);

  /* Headers. */
  static const struct {
    const char *what, *name, *value;
  } hs[] = {
    {"Location of ours", "Location", "http://mail.contoso.com/owa/?ae=Item&t=IPM.Note"},
    {"Location not ours", "Location", "http://mail.contoso.com.evil.example/owa/"},
    {"Set-Cookie", "Set-Cookie", "X-OWA-CANARY=aBcD1234efGH5678; path=/; HttpOnly"},
  };
  char out[512];
  allocs_before = allocs;
  printf("headers:\n");
  for (size_t h = 0; h < sizeof hs / sizeof hs[0]; h++) {
    sslvdir_response_header kind = sslvdir_rewrite_header_kind(hs[h].name, strlen(hs[h].name));
    size_t vl = strlen(hs[h].value), n = 0;
    double t[RUNS];
    const int iters = 1000000;
    volatile int sink = 0;
    for (int r = 0; r < RUNS; r++) {
      double t0 = now();
      for (int i = 0; i < iters; i++)
        sink += sslvdir_rewrite_header(p, NULL, kind, hs[h].value, vl, out, sizeof out, &n);
      t[r] = (now() - t0) / iters * 1e9;
    }
    qsort(t, RUNS, sizeof(double), cmp_double);
    printf("  %-34s %7.1f ns/call (%s)\n", hs[h].what, t[RUNS / 2],
           sink ? "changed" : "unchanged");
  }
  printf("  allocations while rewriting: %ld\n", allocs - allocs_before);
  free(cs.buf);
  free(page);
  sslvdir_rewriter_free(rw);
  sslvdir_policy_unref(p);
  return 0;
}
