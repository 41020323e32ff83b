/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Rewriting of response headers and bodies, driven by tests/data/rewrite:
 * headers.cases (one header value a line) and bodies.cases (one body a line,
 * each run whole, at every split point, byte by byte and in random chunks).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static sslvdir_policy *policy;

static int setup(void) {
  policy = test_policy("rewrite/policy");
  return policy ? 0 : 1;
}

static int cleanup(void) {
  sslvdir_policy_unref(policy);
  policy = NULL;
  return 0;
}

/* Splits a line at TABs (in place); returns the number of fields. */
static int split_tabs(char *line, char **f, int max) {
  int n = 0;
  line[strcspn(line, "\r\n")] = '\0';
  while (n < max) {
    f[n++] = line;
    char *t = strchr(line, '\t');
    if (!t)
      break;
    *t = '\0';
    line = t + 1;
  }
  return n;
}

/* unescape(), with "\x" alone for the empty string. */
static size_t field(char *s) {
  if (!strcmp(s, "\\x")) {
    s[0] = '\0';
    return 0;
  }
  return unescape(s);
}

static char *read_cases(const char *rel) {
  size_t len;
  char *text = read_file(srcpath(rel), &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  return text;
}

/* ---------------------------------------------------------------- headers */

static int header_case(const char *file, int lineno, char **f) {
  char name[64];
  snprintf(name, sizeof name, "%s", f[1]);
  const sslvdir_vdir *vdir = NULL;
  if (strcmp(f[0], "-")) {
    vdir = sslvdir_policy_find_vdir(policy, f[0]);
    if (!vdir) {
      fprintf(stderr, "%s:%d: no vdir %s\n", file, lineno, f[0]);
      return 1;
    }
  }
  size_t in_len = field(f[2]);
  const char *want = f[3];
  int want_rc = SSLVDIR_REWRITE_CHANGED;
  size_t want_len = 0;
  if (!strcmp(want, "="))
    want_rc = SSLVDIR_REWRITE_UNCHANGED;
  else if (!strcmp(want, "!syntax"))
    want_rc = SSLVDIR_E_SYNTAX;
  else
    want_len = field(f[3]);
  sslvdir_response_header kind = sslvdir_rewrite_header_kind(name, strlen(name));
  int bad = 0;

  /* Into a separate buffer. */
  static char out[8192];
  size_t out_len = 12345;
  memset(out, '#', sizeof out);
  int rc = sslvdir_rewrite_header(policy, vdir, kind, f[2], in_len, out, sizeof out, &out_len);
  if (rc != want_rc) {
    fprintf(stderr, "%s:%d: %s: got %d, want %d\n", file, lineno, name, rc, want_rc);
    return 1;
  }
  if (rc == SSLVDIR_REWRITE_CHANGED) {
    bad |= out_len != want_len || memcmp(out, want, want_len) != 0;
    if (bad)
      fprintf(stderr, "%s:%d: got '%.*s', want '%s'\n", file, lineno, (int)out_len, out, want);
  } else {
    bad |= out[0] != '#'; /* nothing written */
    if (rc == SSLVDIR_REWRITE_UNCHANGED)
      bad |= out_len != in_len;
  }
  if (rc != SSLVDIR_REWRITE_CHANGED)
    return bad;

  /* Measuring, and one byte short. */
  size_t m = 0;
  bad |= sslvdir_rewrite_header(policy, vdir, kind, f[2], in_len, NULL, 0, &m) !=
             SSLVDIR_E_BUFFER_TOO_SMALL || m != want_len;
  memset(out, '#', sizeof out);
  bad |= sslvdir_rewrite_header(policy, vdir, kind, f[2], in_len, out, want_len - 1, &m) !=
             SSLVDIR_E_BUFFER_TOO_SMALL || out[0] != '#';

  /* In place, in a buffer exactly as large as the result (or the input). */
  size_t cap = want_len > in_len ? want_len : in_len;
  char *buf = malloc(cap ? cap : 1);
  memcpy(buf, f[2], in_len);
  rc = sslvdir_rewrite_header(policy, vdir, kind, buf, in_len, buf, cap, &m);
  bad |= rc != SSLVDIR_REWRITE_CHANGED || m != want_len || memcmp(buf, want, want_len) != 0;
  free(buf);
  if (bad)
    fprintf(stderr, "%s:%d: measuring or in-place rewriting differs\n", file, lineno);
  return bad;
}

static void test_header_cases(void) {
  const char *rel = "tests/data/rewrite/headers.cases";
  char *text = read_cases(rel);
  int lineno = 0, cases = 0, failed = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    lineno++;
    if (line[0] == '#' || line[0] == '\0')
      continue;
    char *f[4];
    if (split_tabs(line, f, 4) != 4) {
      fprintf(stderr, "%s:%d: expected 4 TAB-separated fields\n", rel, lineno);
      failed++;
      continue;
    }
    cases++;
    failed += header_case(rel, lineno, f);
  }
  free(text);
  CU_ASSERT_EQUAL(failed, 0);
  CU_ASSERT(cases >= 60);
}

static void test_header_kind(void) {
  CU_ASSERT_EQUAL(sslvdir_rewrite_header_kind("Location", 8), SSLVDIR_RESPONSE_HEADER_LOCATION);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header_kind("LOCATION", 8), SSLVDIR_RESPONSE_HEADER_LOCATION);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header_kind("Location: x", 8), SSLVDIR_RESPONSE_HEADER_LOCATION);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header_kind("content-location", 16),
                  SSLVDIR_RESPONSE_HEADER_CONTENT_LOCATION);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header_kind("Refresh", 7), SSLVDIR_RESPONSE_HEADER_REFRESH);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header_kind("Set-Cookie", 10), SSLVDIR_RESPONSE_HEADER_SET_COOKIE);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header_kind("Set-Cookie2", 11), SSLVDIR_RESPONSE_HEADER_OTHER);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header_kind("Locatio", 7), SSLVDIR_RESPONSE_HEADER_OTHER);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header_kind(NULL, 8), SSLVDIR_RESPONSE_HEADER_OTHER);
}

static void test_header_arguments(void) {
  char out[64];
  size_t n = 7;
  CU_ASSERT_EQUAL(sslvdir_rewrite_header(NULL, NULL, SSLVDIR_RESPONSE_HEADER_LOCATION, "x", 1, out,
                                         sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header(policy, NULL, SSLVDIR_RESPONSE_HEADER_LOCATION, NULL, 1, out,
                                         sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header(policy, NULL, SSLVDIR_RESPONSE_HEADER_LOCATION, "x", 1, NULL,
                                         sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_rewrite_header(policy, NULL, SSLVDIR_RESPONSE_HEADER_LOCATION, "x", 1, out,
                                         sizeof out, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  /* An unknown kind is left alone, not refused. */
  CU_ASSERT_EQUAL(sslvdir_rewrite_header(policy, NULL, (sslvdir_response_header)99,
                                         "http://mail.contoso.com/", 24, out, sizeof out, &n),
                  SSLVDIR_REWRITE_UNCHANGED);
  CU_ASSERT_EQUAL(n, 24);
  /* The value need not be NUL-terminated: only len bytes are read. */
  const char v[] = "http://mail.contoso.com/owaXXXX";
  CU_ASSERT_EQUAL(sslvdir_rewrite_header(policy, NULL, SSLVDIR_RESPONSE_HEADER_LOCATION, v, 27, out,
                                         sizeof out, &n), SSLVDIR_REWRITE_CHANGED);
  CU_ASSERT_EQUAL(n, 28);
  CU_ASSERT(!memcmp(out, "https://mail.contoso.com/owa", 28));
}

static void test_cookie_setting(void) {
  const sslvdir_vdir *ecp = sslvdir_policy_find_vdir(policy, "Default Web Site/ecp");
  const sslvdir_vdir *owa = sslvdir_policy_find_vdir(policy, "Default Web Site/owa");
  CU_ASSERT_EQUAL(sslvdir_vdir_secure_cookies(ecp), 0);
  CU_ASSERT_EQUAL(sslvdir_vdir_secure_cookies(owa), 1);
  CU_ASSERT_EQUAL(sslvdir_vdir_secure_cookies(NULL), 1);
  CU_ASSERT_EQUAL(sslvdir_vdir_extended_protection(NULL), 0);
  sslvdir_builder *b;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_builder_new(&b, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_secure_cookies(b, "Nope", "/owa", 0, &e),
                  SSLVDIR_E_NOT_FOUND);
  sslvdir_builder_free(b);
}

/* ---------------------------------------------------------------- bodies */

typedef struct sink {
  char *buf;
  size_t len, cap;
  int fail_after; /* calls before failing; -1 never */
} sink;

static int sink_write(const char *data, size_t len, void *ud) {
  sink *s = ud;
  if (s->fail_after == 0)
    return 1;
  if (s->fail_after > 0)
    s->fail_after--;
  if (s->len + len > s->cap) {
    s->cap = (s->len + len) * 2;
    s->buf = realloc(s->buf, s->cap);
  }
  memcpy(s->buf + s->len, data, len);
  s->len += len;
  return 0;
}

/* Feeds in at the chunk lengths given (0-terminated, the last repeated). */
static int run_chunks(sslvdir_rewriter *rw, const char *in, size_t n, const size_t *chunks,
                      sink *s) {
  s->len = 0;
  s->fail_after = -1;
  if (sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0) != SSLVDIR_BODY_REWRITE)
    return -1;
  size_t off = 0, k = 0;
  while (off < n) {
    size_t c = chunks[k] ? chunks[k] : 1;
    if (chunks[k + 1])
      k++;
    if (c > n - off)
      c = n - off;
    if (sslvdir_rewriter_feed(rw, in + off, c, sink_write, s))
      return -1;
    off += c;
  }
  return sslvdir_rewriter_finish(rw, sink_write, s);
}

static unsigned long lcg = 12345;
static size_t rnd(size_t n) {
  lcg = lcg * 6364136223846793005UL + 1442695040888963407UL;
  return (size_t)((lcg >> 33) % n);
}

static int body_case(sslvdir_rewriter *rw, const char *file, int lineno, const char *in,
                     size_t n, const char *want, size_t want_len) {
  sink s = {malloc(64), 0, 64, -1};
  int bad = 0;
  char what[64] = "";
  /* Whole, into a buffer: measured first. */
  size_t m = 0;
  int rc = sslvdir_rewriter_rewrite(rw, in, n, NULL, 0, &m);
  int changed = want_len != n || memcmp(in, want, n) != 0;
  if (m != want_len || (want_len ? rc != SSLVDIR_E_BUFFER_TOO_SMALL : rc < 0)) {
    snprintf(what, sizeof what, "measuring");
    bad = 1;
  }
  char *out = malloc(want_len + 1);
  rc = sslvdir_rewriter_rewrite(rw, in, n, out, want_len, &m);
  if (!bad && (m != want_len || memcmp(out, want, want_len) ||
               (changed && rc != SSLVDIR_REWRITE_CHANGED))) {
    snprintf(what, sizeof what, "whole");
    bad = 1;
  }
  /* One byte short: refused, and no cut page left in out. */
  if (!bad && want_len) {
    memset(out, 'Q', want_len);
    rc = sslvdir_rewriter_rewrite(rw, in, n, out, want_len - 1, &m);
    int zero = 1;
    for (size_t i = 0; i + 1 < want_len; i++)
      zero &= out[i] == 0;
    if (rc != SSLVDIR_E_BUFFER_TOO_SMALL || m != want_len || !zero) {
      snprintf(what, sizeof what, "one byte short");
      bad = 1;
    }
  }
  free(out);
  /* Every split point, 1-byte chunks, random chunks. */
  for (size_t cut = 0; !bad && cut <= n; cut++) {
    size_t chunks[] = {cut ? cut : n + 1, n + 1, 0};
    if (run_chunks(rw, in, n, chunks, &s) || s.len != want_len || memcmp(s.buf, want, want_len)) {
      snprintf(what, sizeof what, "split at %zu", cut);
      bad = 1;
    }
  }
  /* Every pair of split points, for the short cases: the bytes held back
   * then meet a chunk that is itself cut short. */
  for (size_t a = 1; !bad && n <= 80 && a < n; a++)
    for (size_t b = a + 1; !bad && b < n; b++) {
      size_t chunks[] = {a, b - a, n + 1, 0};
      if (run_chunks(rw, in, n, chunks, &s) || s.len != want_len ||
          memcmp(s.buf, want, want_len)) {
        snprintf(what, sizeof what, "split at %zu and %zu", a, b);
        bad = 1;
      }
    }
  size_t ones[] = {1, 0};
  if (!bad && (run_chunks(rw, in, n, ones, &s) || s.len != want_len ||
               memcmp(s.buf, want, want_len))) {
    snprintf(what, sizeof what, "1-byte chunks");
    bad = 1;
  }
  for (int r = 0; !bad && r < 20; r++) {
    size_t chunks[65];
    for (int k = 0; k < 64; k++)
      chunks[k] = 1 + rnd(r < 10 ? 4 : 40);
    chunks[64] = 0;
    if (run_chunks(rw, in, n, chunks, &s) || s.len != want_len || memcmp(s.buf, want, want_len)) {
      snprintf(what, sizeof what, "random chunks (round %d)", r);
      bad = 1;
    }
  }
  uint64_t bi, bo;
  sslvdir_rewriter_counts(rw, &bi, &bo, NULL);
  if (!bad && (bi != n || bo != want_len)) {
    snprintf(what, sizeof what, "counts");
    bad = 1;
  }
  if (bad)
    fprintf(stderr, "%s:%d: %s: got '%.*s', want '%.*s'\n", file, lineno, what, (int)s.len,
            s.buf ? s.buf : "", (int)want_len, want);
  free(s.buf);
  return bad;
}

static void test_body_cases(void) {
  const char *rel = "tests/data/rewrite/bodies.cases";
  char *text = read_cases(rel);
  sslvdir_rewriter *rw;
  CU_ASSERT_FATAL(sslvdir_rewriter_new(&rw, policy, NULL) == SSLVDIR_OK);
  int lineno = 0, cases = 0, failed = 0;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    lineno++;
    if (line[0] == '#' || line[0] == '\0')
      continue;
    if (!strncmp(line, "@literal ", 9)) {
      char *f[3];
      int nf = split_fields(line, f, 3);
      CU_ASSERT_FATAL(nf == 3);
      size_t fl = field(f[1]), tl = field(f[2]);
      CU_ASSERT_FATAL(sslvdir_rewriter_add_literal(rw, f[1], fl, f[2], tl, NULL) == SSLVDIR_OK);
      continue;
    }
    char *f[2];
    if (split_tabs(line, f, 2) != 2) {
      fprintf(stderr, "%s:%d: expected 2 TAB-separated fields\n", rel, lineno);
      failed++;
      continue;
    }
    size_t n = field(f[0]);
    const char *want = f[0];
    size_t want_len = n;
    if (strcmp(f[1], "=")) {
      want = f[1];
      want_len = field(f[1]);
    }
    cases++;
    failed += body_case(rw, rel, lineno, f[0], n, want, want_len);
  }
  sslvdir_rewriter_free(rw);
  free(text);
  CU_ASSERT_EQUAL(failed, 0);
  CU_ASSERT(cases >= 60);
}

static size_t slen(const char *s) { return s ? strlen(s) : 0; }

static void test_body_modes(void) {
  sslvdir_rewriter *rw;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_rewriter_new(&rw, policy, &e) == SSLVDIR_OK);
#define BEGIN(ct, ce) sslvdir_rewriter_begin(rw, ct, slen(ct), ce, slen(ce))
  CU_ASSERT_EQUAL(BEGIN("text/html", NULL), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(BEGIN("Text/HTML; charset=utf-8", NULL), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(BEGIN(" application/json ;charset=utf-8", ""), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(BEGIN("text/xml", " identity "), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(BEGIN("application/xml", "IDENTITY"), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(BEGIN("text/javascript", NULL), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(BEGIN("text/html", "gzip"), SSLVDIR_BODY_PASS_ENCODED);
  CU_ASSERT_EQUAL(BEGIN("text/html", "br"), SSLVDIR_BODY_PASS_ENCODED);
  CU_ASSERT_EQUAL(BEGIN("text/html", "identity, gzip"), SSLVDIR_BODY_PASS_ENCODED);
  CU_ASSERT_EQUAL(BEGIN("image/png", NULL), SSLVDIR_BODY_PASS_TYPE);
  CU_ASSERT_EQUAL(BEGIN("text/htmlx", NULL), SSLVDIR_BODY_PASS_TYPE);
  CU_ASSERT_EQUAL(BEGIN("text", NULL), SSLVDIR_BODY_PASS_TYPE);
  CU_ASSERT_EQUAL(BEGIN(NULL, NULL), SSLVDIR_BODY_PASS_TYPE);
  CU_ASSERT_EQUAL(BEGIN("", NULL), SSLVDIR_BODY_PASS_TYPE);

  /* In a pass mode every byte goes through as it came. */
  const char link[] = "<a href=\"http://mail.contoso.com/owa\">";
  sink s = {malloc(64), 0, 64, -1};
  CU_ASSERT_EQUAL(BEGIN("text/html", "gzip"), SSLVDIR_BODY_PASS_ENCODED);
  CU_ASSERT_EQUAL(sslvdir_rewriter_feed(rw, link, 20, sink_write, &s), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_rewriter_feed(rw, link + 20, sizeof link - 21, sink_write, &s),
                  SSLVDIR_OK);
  CU_ASSERT_EQUAL(s.len, sizeof link - 1);
  CU_ASSERT_EQUAL(sslvdir_rewriter_finish(rw, sink_write, &s), SSLVDIR_OK);
  CU_ASSERT(s.len == sizeof link - 1 && !memcmp(s.buf, link, s.len));
  char out[128];
  size_t n;
  CU_ASSERT_EQUAL(sslvdir_rewriter_rewrite(rw, link, sizeof link - 1, out, sizeof out, &n),
                  SSLVDIR_REWRITE_UNCHANGED);
  CU_ASSERT(n == sizeof link - 1 && !memcmp(out, link, n));

  /* A list of our own. */
  CU_ASSERT_EQUAL(sslvdir_rewriter_set_types(rw, " text/plain , Text/CSV", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(BEGIN("text/plain", NULL), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(BEGIN("text/csv; header=present", NULL), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(BEGIN("text/html", NULL), SSLVDIR_BODY_PASS_TYPE);
  CU_ASSERT_EQUAL(sslvdir_rewriter_set_types(rw, "text/plain, html", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT(strstr(e.message, "'html'") != NULL);
  CU_ASSERT_EQUAL(BEGIN("text/plain", NULL), SSLVDIR_BODY_REWRITE); /* unchanged on error */
  CU_ASSERT_EQUAL(sslvdir_rewriter_set_types(rw, "text/plain;q=1", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_rewriter_set_types(rw, "", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(BEGIN("text/plain", NULL), SSLVDIR_BODY_PASS_TYPE);
  CU_ASSERT_EQUAL(sslvdir_rewriter_set_types(rw, NULL, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(BEGIN("text/html", NULL), SSLVDIR_BODY_REWRITE);
#undef BEGIN
  free(s.buf);
  sslvdir_rewriter_free(rw);
}

static void test_body_configuration(void) {
  sslvdir_rewriter *rw;
  sslvdir_error e;
  CU_ASSERT_EQUAL(sslvdir_rewriter_new(NULL, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_FATAL(sslvdir_rewriter_new(&rw, NULL, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_host(rw, "mail.contoso.com:443", 443, &e),
                  SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_host(rw, "bad host", 443, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_host(rw, "", 443, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_host(rw, "mail.contoso.com", 0, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_host(rw, "mail.contoso.com", 65536, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_literal(rw, "", 0, "x", 1, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_literal(rw, "x", 1, NULL, 1, &e),
                  SSLVDIR_E_INVALID_ARGUMENT);
  static char big[SSLVDIR_REWRITER_MAX_LITERAL + 1];
  memset(big, 'a', sizeof big);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_literal(rw, big, sizeof big, "x", 1, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_literal(rw, big, sizeof big - 1, "", 0, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_literal(rw, big, sizeof big - 1, "y", 1, &e),
                  SSLVDIR_E_DUPLICATE);

  /* Upper case and a trailing dot are the same host; the port is updated. */
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_host(rw, "Mail.Contoso.COM.", 443, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_host(rw, "mail.contoso.com", 4443, &e), SSLVDIR_OK);
  char out[64];
  size_t n;
  CU_ASSERT_EQUAL(sslvdir_rewriter_rewrite(rw, "http://mail.contoso.com/", 24, out, sizeof out,
                                           &n), SSLVDIR_REWRITE_CHANGED);
  CU_ASSERT(n == 30 && !memcmp(out, "https://mail.contoso.com:4443/", 30));

  /* A stream that holds bytes refuses what would lose them. */
  sink s = {malloc(64), 0, 64, -1};
  CU_ASSERT_EQUAL(sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(sslvdir_rewriter_feed(rw, "see http://mail.con", 19, sink_write, &s), SSLVDIR_OK);
  CU_ASSERT_EQUAL(s.len, 4); /* "see " written, the rest held */
  CU_ASSERT_EQUAL(sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_host(rw, "x.example", 443, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_rewriter_add_literal(rw, "a", 1, "b", 1, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_rewriter_rewrite(rw, "x", 1, out, sizeof out, &n),
                  SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_rewriter_finish(rw, sink_write, &s), SSLVDIR_OK);
  CU_ASSERT(s.len == 19 && !memcmp(s.buf, "see http://mail.con", 19));
  CU_ASSERT_EQUAL(sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0), SSLVDIR_BODY_REWRITE);

  /* A callback that stops the stream. */
  s.len = 0;
  s.fail_after = 1;
  CU_ASSERT_EQUAL(sslvdir_rewriter_feed(rw, "a http://mail.contoso.com/ b", 28, sink_write, &s),
                  SSLVDIR_E_CALLBACK);
  CU_ASSERT_EQUAL(sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0), SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(sslvdir_rewriter_feed(rw, NULL, 0, sink_write, &s), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_rewriter_feed(rw, NULL, 1, sink_write, &s), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_rewriter_feed(rw, "x", 1, NULL, &s), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_rewriter_finish(NULL, sink_write, &s), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_rewriter_rewrite(rw, "x", 1, NULL, 1, &n), SSLVDIR_E_INVALID_ARGUMENT);
  sslvdir_rewriter_reset(NULL);
  sslvdir_rewriter_counts(NULL, NULL, NULL, NULL);
  sslvdir_rewriter_free(NULL);
  free(s.buf);
  sslvdir_rewriter_free(rw);
}

/* 100 MB without a link of ours, full of near misses, in 65,521-byte chunks:
 * the output is the input and at most one link's worth is ever held back. */
typedef struct stream_check {
  const char *pattern;
  size_t plen, pos;
  int bad;
} stream_check;

static int check_write(const char *data, size_t len, void *ud) {
  stream_check *c = ud;
  for (size_t i = 0; i < len; i++) {
    if (data[i] != c->pattern[c->pos])
      c->bad = 1;
    if (++c->pos == c->plen)
      c->pos = 0;
  }
  return 0;
}

static void test_body_large(void) {
  static const char block[] =
      "<p>http://mail.contoso.co/ http://mail.contoso.com.evil.example/ "
      "http://autodiscover.contoso.com:8080/ xhttp://mail.contoso.com/ https://mail.contoso.com/ "
      "http:\\/\\/partner.fabrikam.com@x/ http://mail.contoso.com-x/ HTTP://MAIL.CONTOSO.CO</p>\n";
  const size_t blen = sizeof block - 1, total = 100u << 20, chunk = 65521;
  char *buf = malloc(chunk + blen);
  sslvdir_rewriter *rw;
  CU_ASSERT_FATAL(sslvdir_rewriter_new(&rw, policy, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0), SSLVDIR_BODY_REWRITE);
  stream_check c = {block, blen, 0, 0};
  size_t fed = 0, phase = 0, max_held = 0;
  while (fed < total) {
    size_t n = total - fed < chunk ? total - fed : chunk;
    for (size_t i = 0; i < n; i++)
      buf[i] = block[(phase + i) % blen];
    phase = (phase + n) % blen;
    CU_ASSERT_EQUAL_FATAL(sslvdir_rewriter_feed(rw, buf, n, check_write, &c), SSLVDIR_OK);
    fed += n;
    uint64_t in, out;
    sslvdir_rewriter_counts(rw, &in, &out, NULL);
    if (in - out > max_held)
      max_held = (size_t)(in - out);
  }
  CU_ASSERT_EQUAL(sslvdir_rewriter_finish(rw, check_write, &c), SSLVDIR_OK);
  uint64_t in, out, reps;
  sslvdir_rewriter_counts(rw, &in, &out, &reps);
  CU_ASSERT_EQUAL(in, total);
  CU_ASSERT_EQUAL(out, total);
  CU_ASSERT_EQUAL(reps, 0);
  CU_ASSERT_EQUAL(c.bad, 0);
  /* "http:\/\/" + "autodiscover.contoso.com" + ":80" + the byte after. */
  CU_ASSERT(max_held <= 9 + 24 + 4);
  sslvdir_rewriter_free(rw);
  free(buf);
}

void suite_rewrite(void) {
  CU_pSuite s = CU_add_suite("rewrite", setup, cleanup);
  CU_add_test(s, "data-driven header rewriting", test_header_cases);
  CU_add_test(s, "header names", test_header_kind);
  CU_add_test(s, "header arguments", test_header_arguments);
  CU_add_test(s, "secure-cookies per vdir", test_cookie_setting);
  CU_add_test(s, "data-driven bodies at every split", test_body_cases);
  CU_add_test(s, "content types and encodings", test_body_modes);
  CU_add_test(s, "rewriter configuration and misuse", test_body_configuration);
  CU_add_test(s, "100 MB without a match in constant memory", test_body_large);
}
