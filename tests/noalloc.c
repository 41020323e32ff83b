/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The hot path never allocates: malloc, calloc, realloc and free are
 * interposed for the whole process (libc's, not only the library's hook),
 * and 100,000 decisions over varied requests, each on a policy acquired from
 * and released to a policy slot, must call none of them, nor
 * may 100,000 header rewrites, a body fed to a rewriter in chunks, or
 * 40,000 Autodiscover documents.
 * Skipped (exit 77) under AddressSanitizer, which owns malloc itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#ifndef UNDER_ASAN
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static volatile long calls;
void *malloc(size_t n) { calls++; return __libc_malloc(n); }
void *calloc(size_t n, size_t s) { calls++; return __libc_calloc(n, s); }
void *realloc(void *p, size_t n) { calls++; return __libc_realloc(p, n); }
void free(void *p) { if (p) calls++; __libc_free(p); }
#endif

#ifndef UNDER_ASAN
static int discard(const char *data, size_t len, void *ud) {
  (void)data;
  (void)len;
  (void)ud;
  return 0;
}
#endif

int main(void) {
#ifdef UNDER_ASAN
  puts("noalloc: skipped under AddressSanitizer");
  return 77;
#else
  sslvdir_builder *b;
  sslvdir_policy *p;
  if (sslvdir_builder_new(&b, NULL) || sslvdir_preset_apply(b, "exchange2016-offload", "Default Web Site", NULL) ||
      sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", NULL) ||
      sslvdir_builder_set_vdir_redirect(b, "Default Web Site", "/owa", 302, NULL) ||
      sslvdir_builder_add_offloader(b, "10.0.0.0/8", NULL) || sslvdir_builder_build(b, &p, NULL)) {
    fprintf(stderr, "noalloc: cannot build the policy\n");
    return 1;
  }
  sslvdir_builder_free(b);
  static const char *const targets[] = {
    "/owa/", "/EWS/Exchange.asmx", "/owa/%2e%2e/ecp/?x=1", "/ecp%252f", "/MICROS~1/",
    "/Microsoft-Server-ActiveSync?Cmd=Sync&User=a", "/owa/calendar/x.html", "/%EF%BD%85cp/",
    "http://mail.contoso.com/owa/?a=b", "/autodiscover/autodiscover.json?@x/mapi/nspi", "*",
  };
  static const char *const peers[] = {"10.1.2.3", "198.51.100.7", "2001:db8::1", "bogus"};
  /* Requests take the policy from a slot, as a proxy that reloads does. */
  sslvdir_policy_slot *slot;
  if (sslvdir_policy_slot_new(&slot, p, NULL)) {
    fprintf(stderr, "noalloc: cannot make the slot\n");
    return 1;
  }
  static sslvdir_decision d;
  long before = calls, decisions = 0, allowed = 0, redirects = 0;
  for (int i = 0; i < 100000; i++) {
    sslvdir_request r = SSLVDIR_REQUEST_INIT;
    const char *t = targets[i % 11];
    r.method = (i & 4) ? "POST" : "GET";
    r.method_len = strlen(r.method);
    r.target = t;
    r.target_len = strlen(t);
    r.host = (i & 8) ? "evil.example" : "mail.contoso.com:443";
    r.host_len = strlen(r.host);
    r.scheme = (i & 1) ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
    r.peer = peers[i % 4];
    r.peer_len = strlen(r.peer);
    r.cipher_bits = (i & 2) ? 256 : 0;
    r.x_forwarded_proto = (i & 16) ? "https" : NULL;
    r.x_forwarded_proto_len = r.x_forwarded_proto ? 5 : 0;
    d.version = SSLVDIR_DECISION_VERSION;
    const sslvdir_policy *now = sslvdir_policy_slot_acquire(slot);
    if (sslvdir_decide(now, &r, &d) == SSLVDIR_OK)
      decisions++;
    allowed += d.action == SSLVDIR_ACTION_ALLOW;
    /* The Location is written on demand, without allocating either. */
    char loc[SSLVDIR_LOCATION_BUFSZ];
    if (d.action == SSLVDIR_ACTION_REDIRECT &&
        sslvdir_decision_location(&d, &r, loc, sizeof loc, NULL) == SSLVDIR_OK && loc[0] == 'h')
      redirects++;
    sslvdir_policy_slot_release(slot, now);
  }
  long during = calls - before;
  sslvdir_policy_slot_free(slot);
  printf("noalloc: %ld decisions (%ld allowed, %ld redirected), %ld allocator calls\n", decisions,
         allowed, redirects, during);
  int ok = during == 0 && decisions == 100000 && redirects > 0;

  /* Header rewriting. */
  static const char *const headers[][2] = {
    {"Location", "http://mail.contoso.com/owa/"}, {"Location", "http://evil.example/"},
    {"Content-Location", "//mail.contoso.com:80/x"}, {"Refresh", "0; URL='http://mail.contoso.com/'"},
    {"Set-Cookie", "a=b; path=/"}, {"Set-Cookie", "a=b; Secure"}, {"X-Other", "x"},
  };
  static char out[256];
  long changed = 0;
  before = calls;
  for (int i = 0; i < 100000; i++) {
    const char *name = headers[i % 7][0], *v = headers[i % 7][1];
    size_t n;
    changed += sslvdir_rewrite_header(p, NULL, sslvdir_rewrite_header_kind(name, strlen(name)), v,
                                      strlen(v), out, sizeof out, &n) == SSLVDIR_REWRITE_CHANGED;
  }
  during = calls - before;
  printf("noalloc: 100000 header rewrites (%ld changed), %ld allocator calls\n", changed, during);
  ok &= during == 0 && changed == 100000 / 7 * 4 + (100000 % 7 > 4 ? 4 : 100000 % 7);

  /* A body, after the rewriter is made, in chunks of 1 to 97 bytes. */
  sslvdir_rewriter *rw;
  if (sslvdir_rewriter_new(&rw, p, NULL) ||
      sslvdir_rewriter_add_literal(rw, "http://legacy/", 14, "https://mail.contoso.com/", 25, NULL)) {
    fprintf(stderr, "noalloc: cannot make the rewriter\n");
    return 1;
  }
  static char body[1 << 16];
  static const char piece[] = "<a href=\"http://mail.contoso.com/owa\">x</a> http://legacy/y ";
  for (size_t i = 0; i < sizeof body; i++)
    body[i] = piece[i % (sizeof piece - 1)];
  uint64_t reps = 0;
  before = calls;
  for (int round = 0; round < 16; round++) {
    if (sslvdir_rewriter_begin(rw, "text/html; charset=utf-8", 24, NULL, 0) != SSLVDIR_BODY_REWRITE)
      return 1;
    for (size_t off = 0, c = 1; off < sizeof body; off += c, c = c % 97 + 1) {
      if (c > sizeof body - off)
        c = sizeof body - off;
      if (sslvdir_rewriter_feed(rw, body + off, c, discard, NULL))
        return 1;
    }
    if (sslvdir_rewriter_finish(rw, discard, NULL))
      return 1;
    uint64_t r;
    sslvdir_rewriter_counts(rw, NULL, NULL, &r);
    reps += r;
  }
  during = calls - before;
  printf("noalloc: 16 bodies of 64 KiB (%llu links replaced), %ld allocator calls\n",
         (unsigned long long)reps, during);
  ok &= during == 0 && reps > 16 * 2000;
  sslvdir_rewriter_free(rw);

  /* Autodiscover documents (parsing a request uses libxml2 and is not here). */
  sslvdir_builder *ab;
  sslvdir_policy *ap;
  if (sslvdir_builder_new(&ab, NULL) || sslvdir_preset_apply(ab, "exchange2016", "S", NULL) ||
      sslvdir_builder_add_host(ab, "S", "mail.contoso.com", NULL) ||
      sslvdir_builder_add_autodiscover_domain(ab, "contoso.com", SSLVDIR_AUTODISCOVER_ACTION_SETTINGS, "S", NULL) ||
      sslvdir_builder_build(ab, &ap, NULL))
    return 1;
  sslvdir_builder_free(ab);
  static char doc[16384];
  sslvdir_autodiscover_params params = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  params.time_us = 1;
  long docs = 0;
  before = calls;
  for (int i = 0; i < 10000; i++) {
    size_t n;
    int st;
    docs += !sslvdir_autodiscover_settings(ap, sslvdir_policy_site(ap, 0), SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK,
                                           "a@contoso.com", NULL, &params, doc, sizeof doc, &n);
    docs += !sslvdir_autodiscover_redirect_url("https://x.example/autodiscover/autodiscover.xml",
                                               &params, doc, sizeof doc, &n);
    docs += !sslvdir_autodiscover_error(ap, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, 500, &params, doc,
                                        sizeof doc, &n);
    docs += !sslvdir_autodiscover_json(ap, "Email=a@contoso.com&Protocol=AutodiscoverV1", 44,
                                       &params, &st, doc, sizeof doc, &n);
  }
  during = calls - before;
  printf("noalloc: %ld Autodiscover documents, %ld allocator calls\n", docs, during);
  ok &= during == 0 && docs == 40000;
  sslvdir_policy_unref(ap);

  /* A cipher suite's key size, from the name a proxy has per connection. */
  static const char *const suites[] = {"ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_256_GCM_SHA384",
                                       "DES-CBC3-SHA", "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
                                       "unknown-suite"};
  unsigned long bits_sum = 0;
  before = calls;
  for (int i = 0; i < 100000; i++) {
    unsigned bits;
    const char *n = suites[i % 5];
    if (!sslvdir_tls_cipher_bits(n, strlen(n), &bits))
      bits_sum += bits;
  }
  during = calls - before;
  printf("noalloc: 100000 cipher suite names, %ld allocator calls\n", during);
  ok &= during == 0 && bits_sum == 20000ul * (128 + 256 + 112 + 56);
  sslvdir_policy_unref(p);
  printf("%d passed, %d failed\n", ok, !ok);
  return ok ? 0 : 1;
#endif
}
