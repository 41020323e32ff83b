/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The path canonicaliser, driven by tests/data/path/cases.txt. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void test_cases(void) {
  size_t len;
  char *data = read_file(srcpath("tests/data/path/cases.txt"), &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(data);
  int cases = 0, lineno = 0;
  char *save = NULL;
  for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    lineno++;
    char *f[4];
    if (line[0] == '#' || split_fields(line, f, 4) < 2)
      continue;
    size_t tl = unescape(f[0]);
    char out[SSLVDIR_PATH_BUFSZ];
    size_t n = 0;
    int reason = -1;
    int rc = sslvdir_path_canonicalize(f[0], tl, &reason, out, sizeof out, &n);
    int ok;
    if (f[1][0] == '!') {
      ok = rc == SSLVDIR_E_REFUSED && reason >= 0 && sslvdir_reason_name(reason) &&
           !strcmp(sslvdir_reason_name(reason), f[1] + 1) && out[0] == '\0';
    } else {
      ok = rc == SSLVDIR_OK && n == strlen(f[1]) && !strcmp(out, f[1]);
    }
    if (!ok)
      fprintf(stderr, "\npath case %d (%s): want %s, got rc=%d %s\n", cases + 1, f[0], f[1], rc,
              rc ? sslvdir_reason_name(reason) : out);
    CU_ASSERT(ok);
    cases++;
  }
  free(data);
  CU_ASSERT(cases >= 80);
}

static void test_long_inputs(void) {
  char big[SSLVDIR_MAX_URL + 64], out[SSLVDIR_PATH_BUFSZ];
  int reason;
  size_t n;
  /* 4096 bytes is the limit, inclusive. */
  big[0] = '/';
  memset(big + 1, 'a', SSLVDIR_MAX_URL - 1);
  for (size_t i = 200; i < SSLVDIR_MAX_URL; i += 200)
    big[i] = '/';
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(big, SSLVDIR_MAX_URL, &reason, out, sizeof out, &n), SSLVDIR_OK);
  big[SSLVDIR_MAX_URL] = 'a';
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(big, SSLVDIR_MAX_URL + 1, &reason, out, sizeof out, &n),
                  SSLVDIR_E_REFUSED);
  CU_ASSERT_STRING_EQUAL(sslvdir_reason_name(reason), "url-too-long");
  /* A segment of 260 bytes passes, 261 does not. */
  memset(big, 'b', sizeof big);
  big[0] = '/';
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(big, 261, &reason, out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(big, 262, &reason, out, sizeof out, &n), SSLVDIR_E_REFUSED);
  CU_ASSERT_STRING_EQUAL(sslvdir_reason_name(reason), "segment-too-long");
  /* 255 segments pass, 256 do not. */
  for (int i = 0; i < 256; i++) {
    big[2 * i] = '/';
    big[2 * i + 1] = 'x';
  }
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(big, 510, &reason, out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(big, 512, &reason, out, sizeof out, &n), SSLVDIR_E_REFUSED);
  CU_ASSERT_STRING_EQUAL(sslvdir_reason_name(reason), "too-many-segments");
  /* Every byte escaped and non-ASCII: the worst growth still fits the buffer. */
  char esc[SSLVDIR_MAX_URL + 1];
  size_t k = 0;
  esc[k++] = '/';
  while (k + 12 <= SSLVDIR_MAX_URL) {
    memcpy(esc + k, "%C3%A9%C3%A9", 12); /* é, twice */
    k += 12;
    if (k % 240 < 12)
      esc[k++] = '/';
  }
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(esc, k, &reason, out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT(n < sizeof out);
  /* A too-small buffer is reported, not overrun. */
  char tiny[4];
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize("/owa/x", 6, &reason, tiny, sizeof tiny, &n),
                  SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize("/", 1, &reason, NULL, 10, &n), SSLVDIR_E_INVALID_ARGUMENT);
}

/* Too small: *out_len is the length the canonical path needs (without its
 * NUL), so (NULL, 0) measures and out_len + 1 bytes are then enough. */
static void test_measure(void) {
  static const char *const targets[] = {"/owa/x", "/OWA/%7Euser/a%20b?q=1", "*", "/"};
  for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
    const char *t = targets[i];
    char want[64], out[64];
    size_t wn = 0, n = 12345;
    int reason = -1;
    CU_ASSERT_EQUAL_FATAL(sslvdir_path_canonicalize(t, strlen(t), NULL, want, sizeof want, &wn),
                          SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_path_canonicalize(t, strlen(t), &reason, NULL, 0, &n),
                    SSLVDIR_E_BUFFER_TOO_SMALL);
    CU_ASSERT_EQUAL(n, wn);
    CU_ASSERT_EQUAL(reason, SSLVDIR_R_NONE);
    n = 12345;
    memset(out, 'x', sizeof out);
    CU_ASSERT_EQUAL(sslvdir_path_canonicalize(t, strlen(t), NULL, out, wn, &n),
                    SSLVDIR_E_BUFFER_TOO_SMALL);
    CU_ASSERT_EQUAL(n, wn);
    CU_ASSERT_STRING_EQUAL(out, "");
    CU_ASSERT_EQUAL(sslvdir_path_canonicalize(t, strlen(t), NULL, out, n + 1, &n), SSLVDIR_OK);
    CU_ASSERT_STRING_EQUAL(out, want);
  }
  /* A refused target is refused whatever the buffer, measuring included. */
  size_t n = 12345;
  int reason = SSLVDIR_R_NONE;
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize("/owa/%00", 8, &reason, NULL, 0, &n),
                  SSLVDIR_E_REFUSED);
  CU_ASSERT_NOT_EQUAL(reason, SSLVDIR_R_NONE);
  CU_ASSERT_EQUAL(n, 0);
}

static void test_reasons(void) {
  int st, sub;
  CU_ASSERT_EQUAL(sslvdir_reason_status(SSLVDIR_R_SSL_REQUIRED, &st, &sub), SSLVDIR_OK);
  CU_ASSERT_EQUAL(st, 403);
  CU_ASSERT_EQUAL(sub, 4);
  CU_ASSERT_EQUAL(sslvdir_reason_status(SSLVDIR_R_DOUBLE_ESCAPE, &st, &sub), SSLVDIR_OK);
  CU_ASSERT_EQUAL(st, 404);
  CU_ASSERT_EQUAL(sub, 11);
  CU_ASSERT_EQUAL(sslvdir_reason_status(SSLVDIR_R_BAD_UTF8, &st, &sub), SSLVDIR_OK);
  CU_ASSERT_EQUAL(st, 400);
  CU_ASSERT_EQUAL(sub, -1);
  CU_ASSERT_EQUAL(sslvdir_reason_status(9999, &st, &sub), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_reason_status(-1, NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(sslvdir_reason_string(9999), "unknown reason");
  CU_ASSERT_PTR_NULL(sslvdir_reason_name(9999));
  /* Every defined reason has a distinct name and a sentence. */
  for (int r = 0; r <= SSLVDIR_R_BAD_METHOD; r++) {
    CU_ASSERT_PTR_NOT_NULL_FATAL(sslvdir_reason_name(r));
    CU_ASSERT(strlen(sslvdir_reason_string(r)) > 5);
    for (int q = 0; q < r; q++)
      CU_ASSERT(strcmp(sslvdir_reason_name(r), sslvdir_reason_name(q)) != 0);
  }
}

/* The target is scanned eight bytes at a time: a special byte must be found
 * wherever it stands relative to those words. */
static void test_every_position(void) {
  static const struct { char c; const char *reason; } specials[] = {
    {'\x01', "control-char"}, {' ', "control-char"}, {'\x7f', "control-char"},
    {'\x80', "non-ascii"}, {'\xff', "non-ascii"}, {'#', "fragment"},
  };
  char t[64], out[SSLVDIR_PATH_BUFSZ];
  size_t n;
  int reason;
  for (size_t k = 1; k < sizeof t; k++) {
    for (size_t s = 0; s < sizeof specials / sizeof specials[0]; s++) {
      memset(t, 'a', sizeof t);
      t[0] = '/';
      t[k] = specials[s].c;
      int rc = sslvdir_path_canonicalize(t, sizeof t, &reason, out, sizeof out, &n);
      CU_ASSERT_EQUAL(rc, SSLVDIR_E_REFUSED);
      CU_ASSERT_STRING_EQUAL(sslvdir_reason_name(reason), specials[s].reason);
    }
    /* A '?' ends the path wherever it is. */
    memset(t, 'b', sizeof t);
    t[0] = '/';
    t[k] = '?';
    CU_ASSERT_EQUAL(sslvdir_path_canonicalize(t, sizeof t, &reason, out, sizeof out, &n), SSLVDIR_OK);
    CU_ASSERT_EQUAL(n, k == 1 ? 1 : k);
  }
}

/* Plain paths take a one-pass route; the same path with its letters
 * percent-encoded takes the full decoder. Both must agree on every case. */
static void test_fast_and_full_agree(void) {
  size_t len;
  char *data = read_file(srcpath("tests/data/path/cases.txt"), &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(data);
  int compared = 0;
  char *save = NULL;
  for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *f[4];
    if (line[0] == '#' || split_fields(line, f, 4) < 2 || f[0][0] != '/')
      continue;
    size_t tl = unescape(f[0]);
    size_t plen = strcspn(f[0], "?");
    char enc[4 * SSLVDIR_MAX_URL], a[SSLVDIR_PATH_BUFSZ], b[SSLVDIR_PATH_BUFSZ];
    size_t e = 0, na = 0, nb = 0;
    int ra = 0, rb = 0;
    size_t verbatim = 0; /* bytes of an existing escape still to copy as they are */
    for (size_t i = 0; i < tl && e + 4 < sizeof enc; i++) {
      char c = f[0][i];
      if (c == '%' && !verbatim)
        verbatim = (i + 1 < tl && (f[0][i + 1] == 'u' || f[0][i + 1] == 'U')) ? 6 : 3;
      if (verbatim) {
        verbatim--;
        enc[e++] = c;
      } else if (i < plen && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        e += (size_t)snprintf(enc + e, 4, "%%%02X", (unsigned char)c);
      else
        enc[e++] = c;
    }
    int rca = sslvdir_path_canonicalize(f[0], tl, &ra, a, sizeof a, &na);
    int rcb = sslvdir_path_canonicalize(enc, e, &rb, b, sizeof b, &nb);
    /* Escaping cannot make a refused path acceptable, nor change the result
     * of an accepted one; a path longer than the limit once escaped is exempt. */
    if (e > SSLVDIR_MAX_URL)
      continue;
    int ok = rca == rcb && ra == rb && na == nb && !strcmp(a, b);
    if (!ok)
      fprintf(stderr, "\n%s -> %s / %.*s -> %s\n", f[0], rca ? sslvdir_reason_name(ra) : a, (int)e,
              enc, rcb ? sslvdir_reason_name(rb) : b);
    CU_ASSERT(ok);
    compared++;
  }
  free(data);
  CU_ASSERT(compared > 60);
}

void suite_path(void) {
  CU_pSuite s = CU_add_suite("path", NULL, NULL);
  CU_add_test(s, "data-driven canonicalisation cases", test_cases);
  CU_add_test(s, "limits of IIS and HTTP.sys", test_long_inputs);
  CU_add_test(s, "out_size 0 measures; out_len also when too small", test_measure);
  CU_add_test(s, "reasons map to IIS statuses", test_reasons);
  CU_add_test(s, "special bytes at every position", test_every_position);
  CU_add_test(s, "one-pass and full decoder agree", test_fast_and_full_agree);
}
