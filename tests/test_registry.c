/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * .reg files: the fixtures of tests/data/registry (a UTF-16LE regedit export
 * with wrapped hex values, a UTF-8 change script with deletions, REGEDIT4),
 * applied to a settings store, written back and read again; hostile files
 * with their exact errors.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "unit.h"

#define OWA "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA"

static sslvdir_regfile *load(const char *rel) {
  sslvdir_regfile *r = NULL;
  sslvdir_error e;
  if (sslvdir_regfile_load(&r, srcpath(rel), &e))
    fprintf(stderr, "%s: %s\n", rel, e.message);
  return r;
}

static void test_export(void) {
  sslvdir_regfile *r = load("tests/data/registry/exchange2010-owa.reg");
  CU_ASSERT_FATAL(r != NULL);
  CU_ASSERT_EQUAL(sslvdir_regfile_entry_count(r), 12);
  const char *key, *name;
  unsigned type;
  const unsigned char *data;
  size_t len;
  CU_ASSERT_EQUAL(sslvdir_regfile_entry(r, 0, &key, &name, NULL, NULL, NULL), SSLVDIR_REG_ENTRY_KEY);
  CU_ASSERT(!strcmp(key, OWA) && name == NULL);
  CU_ASSERT_EQUAL(sslvdir_regfile_entry(r, 1, &key, &name, &type, &data, &len), SSLVDIR_REG_ENTRY_VALUE);
  CU_ASSERT(!strcmp(name, "SSLOffloaded") && type == SSLVDIR_REG_DWORD && len == 4 && data[0] == 1);
  CU_ASSERT_EQUAL(sslvdir_regfile_entry(r, 4, NULL, &name, &type, &data, &len), SSLVDIR_REG_ENTRY_VALUE);
  CU_ASSERT(!strcmp(name, "InstallPath") && type == SSLVDIR_REG_SZ &&
            len == strlen("C:\\Program Files\\Microsoft\\Exchange Server\\V14\\ClientAccess\\Owa"));
  /* Continuation lines are joined: 44 bytes of FailureActions. */
  CU_ASSERT_EQUAL(sslvdir_regfile_entry(r, 7, NULL, &name, &type, &data, &len), SSLVDIR_REG_ENTRY_VALUE);
  CU_ASSERT(!strcmp(name, "FailureActions") && type == SSLVDIR_REG_BINARY && len == 44 &&
            data[0] == 0x80 && data[43] == 0x00 && data[24] == 0x60 && data[25] == 0xea);
  CU_ASSERT_EQUAL(sslvdir_regfile_entry(r, 5, NULL, &name, &type, NULL, &len), SSLVDIR_REG_ENTRY_VALUE);
  CU_ASSERT(!strcmp(name, "ImagePath") && type == SSLVDIR_REG_EXPAND_SZ && len == 44);
  CU_ASSERT_EQUAL(sslvdir_regfile_entry(r, 8, NULL, &name, NULL, NULL, NULL), SSLVDIR_REG_ENTRY_VALUE);
  CU_ASSERT_STRING_EQUAL(name, ""); /* @ */
  CU_ASSERT_EQUAL(sslvdir_regfile_entry(r, 12, NULL, NULL, NULL, NULL, NULL), SSLVDIR_E_NOT_FOUND);

  /* Applied: the known keys change decisions, the rest is kept as unknown. */
  sslvdir_settings *s;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_settings_new(&s, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_regfile_apply(r, s, &e), SSLVDIR_OK);
  uint32_t dw;
  const char *str;
  CU_ASSERT(!sslvdir_settings_get_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, &dw) && dw == 1);
  CU_ASSERT(!sslvdir_settings_get_string(s, OWA "\\ImagePath", &str) &&
            !strcmp(str, "%SystemRoot%\\system32"));
  CU_ASSERT(!sslvdir_settings_get_string(s, OWA "\\Performance\\Close", &str) &&
            !strcmp(str, "CloseOwaPerformanceData"));
  CU_ASSERT_EQUAL(sslvdir_settings_count(s), 7);
  int unknown = 0, known = 0;
  for (size_t i = 0; i < sslvdir_settings_count(s); i++) {
    int k;
    CU_ASSERT_EQUAL(sslvdir_settings_entry(s, i, NULL, NULL, NULL, NULL, &k), SSLVDIR_OK);
    unknown += !k;
    known += k;
  }
  CU_ASSERT(known == 2 && unknown == 5);
  /* Binary, multi-string and @ are only in the .reg file, each with a warning;
   * the misspelled key has its own. */
  CU_ASSERT_EQUAL(sslvdir_settings_warning_count(s), 4);

  /* Written back (UTF-16LE with BOM, CRLF) and read again: the same entries. */
  size_t n = 0;
  CU_ASSERT_EQUAL(sslvdir_regfile_write(r, 0, NULL, 0, &n), SSLVDIR_E_BUFFER_TOO_SMALL);
  char *buf = malloc(n);
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_write(r, 0, buf, n, &n), SSLVDIR_OK);
  CU_ASSERT((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe);
  CU_ASSERT(!memcmp(buf + 2, "W\0i\0n\0", 6));
  for (unsigned flags = 0; flags <= SSLVDIR_REGFILE_UTF8; flags++) {
    if (flags)
      CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_write(r, flags, buf, n, &n), SSLVDIR_OK);
    sslvdir_regfile *r2;
    CU_ASSERT_FATAL(sslvdir_regfile_parse(&r2, buf, n, &e) == SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_regfile_entry_count(r2), sslvdir_regfile_entry_count(r));
    for (size_t i = 0; i < sslvdir_regfile_entry_count(r); i++) {
      const char *k1, *k2, *n1, *n2;
      unsigned t1, t2;
      const unsigned char *d1, *d2;
      size_t l1, l2;
      int e1 = sslvdir_regfile_entry(r, i, &k1, &n1, &t1, &d1, &l1);
      int e2 = sslvdir_regfile_entry(r2, i, &k2, &n2, &t2, &d2, &l2);
      CU_ASSERT(e1 == e2 && !strcmp(k1, k2) && (n1 ? n2 && !strcmp(n1, n2) : !n2) && t1 == t2 &&
                l1 == l2 && !memcmp(d1, d2, l1));
    }
    sslvdir_regfile_free(r2);
  }
  free(buf);
  sslvdir_settings_free(s);
  sslvdir_regfile_free(r);
}

static void test_changes(void) {
  sslvdir_settings *s;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_settings_new(&s, NULL) == SSLVDIR_OK);
  CU_ASSERT(!sslvdir_settings_set_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, 1, NULL));
  CU_ASSERT(!sslvdir_settings_set_string(s, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\OldProxy\\Host", "x", NULL));
  CU_ASSERT(!sslvdir_settings_set_dword(s, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\OldProxy\\Sub\\Port", 8080, NULL));
  CU_ASSERT(!sslvdir_settings_set_dword(s, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\OldProxyX\\Keep", 1, NULL));
  sslvdir_regfile *r = load("tests/data/registry/undo-offload.reg");
  CU_ASSERT_FATAL(r != NULL);
  CU_ASSERT_EQUAL(sslvdir_regfile_apply(r, s, &e), SSLVDIR_OK);
  uint32_t dw;
  const char *str;
  /* "SSLOffloaded"=- under the other spelling of the OWA key removes it. */
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, &dw), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT(!sslvdir_settings_get_string(s, "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeOWA\\Note", &str) &&
            !strcmp(str, "said \"hello\" twice"));
  /* [-KEY] removes the key and what is under it, not a key that only starts alike. */
  CU_ASSERT_EQUAL(sslvdir_settings_get_string(s, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\OldProxy\\Host", &str), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\OldProxy\\Sub\\Port", &dw), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT(!sslvdir_settings_get_dword(s, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\OldProxyX\\Keep", &dw));
  sslvdir_regfile_free(r);

  /* REGEDIT4, and a settings store written as a .reg file. */
  r = load("tests/data/registry/regedit4.reg");
  CU_ASSERT_FATAL(r != NULL);
  CU_ASSERT_EQUAL(sslvdir_regfile_apply(r, s, &e), SSLVDIR_OK);
  CU_ASSERT(!sslvdir_settings_get_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, &dw) && dw == 0);
  sslvdir_regfile_free(r);
  CU_ASSERT(!sslvdir_settings_set_dword(s, SSLVDIR_KEY_OA_SSL_OFFLOADING, 1, NULL));
  CU_ASSERT_FATAL(sslvdir_regfile_from_settings(&r, s, &e) == SSLVDIR_OK);
  char out[4096];
  size_t n;
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_write(r, SSLVDIR_REGFILE_REGEDIT4, out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT(n >= 13 && !memcmp(out, "REGEDIT4\r\n\r\n[", 13));
  CU_ASSERT(mem_find(out, n, "\"SSLOffloaded\"=dword:00000000\r\n") != NULL);
  CU_ASSERT(mem_find(out, n, "\"Note\"=\"said \\\"hello\\\" twice\"\r\n") != NULL);
  CU_ASSERT(mem_find(out, n, "OutlookAnywhere") == NULL); /* a pseudo path, not the registry */
  sslvdir_regfile_free(r);
  sslvdir_settings_free(s);
}

/* The store a .reg file leaves, made the slow way: line by line through the
 * public calls, a [-KEY] removing what is under the key when it is read. */
static void apply_by_hand(const sslvdir_regfile *r, sslvdir_settings *s) {
  for (size_t i = 0; i < sslvdir_regfile_entry_count(r); i++) {
    const char *key, *name;
    unsigned type;
    const unsigned char *data;
    size_t len;
    int kind = sslvdir_regfile_entry(r, i, &key, &name, &type, &data, &len);
    if (kind == SSLVDIR_REG_ENTRY_KEY_DELETE) {
      size_t kl = strlen(key);
      for (size_t k = sslvdir_settings_count(s); k > 0; k--) {
        const char *path;
        CU_ASSERT_FATAL(!sslvdir_settings_entry(s, k - 1, &path, NULL, NULL, NULL, NULL));
        if (strlen(path) > kl && path[kl] == '\\' && !strncasecmp(path, key, kl)) {
          char copy[2048];
          snprintf(copy, sizeof copy, "%s", path);
          CU_ASSERT(!sslvdir_settings_unset(s, copy, NULL));
        }
      }
    } else if (kind == SSLVDIR_REG_ENTRY_VALUE || kind == SSLVDIR_REG_ENTRY_VALUE_DELETE) {
      char path[2048], str[64];
      snprintf(path, sizeof path, "%s\\%s", key, name);
      if (kind == SSLVDIR_REG_ENTRY_VALUE_DELETE) {
        int rc = sslvdir_settings_unset(s, path, NULL);
        CU_ASSERT(rc == SSLVDIR_OK || rc == SSLVDIR_E_NOT_FOUND);
      } else if (type == SSLVDIR_REG_DWORD) {
        CU_ASSERT(!sslvdir_settings_set_dword(s, path, data[0], NULL));
      } else {
        snprintf(str, sizeof str, "%.*s", (int)len, (const char *)data);
        CU_ASSERT(!sslvdir_settings_set_string(s, path, str, NULL));
      }
    }
  }
}

static void same_store(const sslvdir_settings *a, const sslvdir_settings *b) {
  CU_ASSERT_EQUAL_FATAL(sslvdir_settings_count(a), sslvdir_settings_count(b));
  for (size_t i = 0; i < sslvdir_settings_count(a); i++) {
    const char *pa, *pb, *sa, *sb;
    sslvdir_value_type ta, tb;
    uint32_t da, db;
    CU_ASSERT_FATAL(!sslvdir_settings_entry(a, i, &pa, &ta, &da, &sa, NULL));
    CU_ASSERT_FATAL(!sslvdir_settings_entry(b, i, &pb, &tb, &db, &sb, NULL));
    CU_ASSERT_STRING_EQUAL(pa, pb);
    CU_ASSERT(ta == tb && da == db);
    CU_ASSERT(ta == SSLVDIR_VALUE_DWORD || !strcmp(sa, sb));
  }
}

/* Deletions are applied in one batch, not by searching the store at each
 * [-KEY]: what is left, and in which order, must be what applying the file
 * line by line leaves. Random files over a few keys (in any case, with
 * subkeys and keys that only start alike), values set again, deleted, set
 * after their key was deleted, on a store that already holds values. */
static void test_batch_order(void) {
  static const char *const keys[] = {"HKEY_LOCAL_MACHINE\\SOFTWARE\\A", "HKEY_LOCAL_MACHINE\\software\\a\\B",
                                     "HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\B\\C", "HKEY_LOCAL_MACHINE\\SOFTWARE\\AB",
                                     "HKEY_LOCAL_MACHINE\\SOFTWARE", "HKEY_CURRENT_USER\\A"};
  static const char *const names[] = {"x", "X", "y", "z"};
  uint32_t seed = 12345;
  for (int file = 0; file < 200; file++) {
    char text[16384];
    size_t n = (size_t)snprintf(text, sizeof text, "Windows Registry Editor Version 5.00\r\n");
    for (int line = 0; line < 40; line++) {
      seed = seed * 1103515245u + 12345u;
      unsigned k = (seed >> 8) % 6, v = (seed >> 12) % 4, op = (seed >> 16) % 8;
      char value[32];
      if (op == 1)
        snprintf(value, sizeof value, "-");
      else if (op < 5)
        snprintf(value, sizeof value, "dword:%x", seed >> 24);
      else
        snprintf(value, sizeof value, "\"s%u\"", seed >> 24);
      if (op == 0)
        n += (size_t)snprintf(text + n, sizeof text - n, "[-%s]\r\n", keys[k]);
      else
        n += (size_t)snprintf(text + n, sizeof text - n, "[%s]\r\n\"%s\"=%s\r\n", keys[k],
                              names[v], value);
    }
    sslvdir_regfile *r;
    sslvdir_error e;
    CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_parse(&r, text, n, &e), SSLVDIR_OK);
    sslvdir_settings *fast, *slow;
    CU_ASSERT_FATAL(!sslvdir_settings_new(&fast, NULL) && !sslvdir_settings_new(&slow, NULL));
    for (int i = 0; i < 3; i++) {
      char path[128];
      snprintf(path, sizeof path, "%s\\%s", keys[(file + i) % 6], names[i]);
      CU_ASSERT(!sslvdir_settings_set_dword(fast, path, (uint32_t)i, NULL));
      CU_ASSERT(!sslvdir_settings_set_dword(slow, path, (uint32_t)i, NULL));
    }
    CU_ASSERT_EQUAL(sslvdir_regfile_apply(r, fast, &e), SSLVDIR_OK);
    apply_by_hand(r, slow);
    same_store(fast, slow);
    /* The store goes on as usual after the batch. */
    CU_ASSERT(!sslvdir_settings_set_dword(fast, "HKLM\\SOFTWARE\\A\\after", 1, NULL));
    CU_ASSERT(!sslvdir_settings_set_dword(slow, "HKLM\\SOFTWARE\\A\\after", 1, NULL));
    same_store(fast, slow);
    sslvdir_settings_free(fast);
    sslvdir_settings_free(slow);
    sslvdir_regfile_free(r);
  }
}

/* A store written as .reg: grouped by key in first-seen order, a key opened
 * by a value under HKEY_..., another spelling of it joining later and left
 * out before, pseudo paths left out. */
static void test_from_settings_groups(void) {
  sslvdir_settings *s;
  CU_ASSERT_FATAL(!sslvdir_settings_new(&s, NULL));
  CU_ASSERT(!sslvdir_settings_set_dword(s, "hkey_local_machine\\SOFTWARE\\A\\early", 1, NULL));
  CU_ASSERT(!sslvdir_settings_set_dword(s, "HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\x", 2, NULL));
  CU_ASSERT(!sslvdir_settings_set_string(s, "HKEY_LOCAL_MACHINE\\SOFTWARE\\B\\y", "b", NULL));
  CU_ASSERT(!sslvdir_settings_set_dword(s, "hkey_local_machine\\software\\a\\late", 3, NULL));
  CU_ASSERT(!sslvdir_settings_set_dword(s, SSLVDIR_KEY_OA_SSL_OFFLOADING, 1, NULL));
  CU_ASSERT(!sslvdir_settings_set_dword(s, "HKLM\\SOFTWARE\\A\\z", 4, NULL));
  sslvdir_regfile *r;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_regfile_from_settings(&r, s, &e) == SSLVDIR_OK);
  char out[1024];
  size_t n;
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_write(r, SSLVDIR_REGFILE_REGEDIT4, out, sizeof out - 1, &n),
                        SSLVDIR_OK);
  out[n] = '\0';
  CU_ASSERT_STRING_EQUAL(out, "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\A]\r\n"
                              "\"x\"=dword:00000002\r\n\"late\"=dword:00000003\r\n\"z\"=dword:00000004\r\n"
                              "\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\B]\r\n\"y\"=\"b\"\r\n\r\n");
  sslvdir_regfile_free(r);
  sslvdir_settings_free(s);
}

static void test_hostile(void) {
  /* What is not a .reg file, or cannot be read safely, is refused whole. */
  static const struct {
    const char *text;
    int code;
    unsigned line;
    const char *msg;
  } cases[] = {
    {"", SSLVDIR_E_SYNTAX, 1, "empty"},
    {"REGEDIT5\r\n", SSLVDIR_E_SYNTAX, 1, "first line"},
    {"REGEDIT4\r\n[HKLM\\X]\r\n", SSLVDIR_E_SYNTAX, 2, "hive"},
    {"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X\r\n", SSLVDIR_E_SYNTAX, 2, "[KEY]"},
    {"REGEDIT4\r\n[-HKEY_LOCAL_MACHINE\\X\r\n\"a\"=dword:1\r\n", SSLVDIR_E_SYNTAX, 2, "[KEY]"},
  };
  /* A line regedit would not import is skipped, with a warning naming it. */
  static const struct {
    const char *text;
    unsigned line;
    const char *msg;
  } skipped[] = {
    {"REGEDIT4\r\n\"a\"=dword:1\r\n[HKEY_LOCAL_MACHINE\\X]\r\n", 2, "outside any [KEY]"},
    {"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=dword:123456789\r\n", 3, "8 hex"},
    {"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=dword:xyz\r\n", 3, "hex digits"},
    {"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=hex:0g\r\n", 3, "hex bytes"},
    {"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=hex(z):00\r\n", 3, "hex(N)"},
    {"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a=\"b\"\r\n", 3, "expected '='"},
    {"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=\"b\r\n", 3, "closed"},
    {"REGEDIT4\r\n[-HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=dword:1\r\n", 3, "[-KEY]"},
    {"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\nnonsense\r\n", 3, "expected [KEY]"},
    {"REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=hex:01,\\\r\n  02,\\\r\n  zz\r\n", 3, "hex bytes"},
  };
  for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++) {
    sslvdir_regfile *r = NULL;
    sslvdir_error e = {0};
    char want[32];
    snprintf(want, sizeof want, ".reg line %u: ", skipped[i].line);
    int rc = sslvdir_regfile_parse(&r, skipped[i].text, strlen(skipped[i].text), &e);
    const char *w = sslvdir_regfile_warning(r, 0);
    int ok = rc == SSLVDIR_OK && r && sslvdir_regfile_warning_count(r) == 1 && w &&
             !strncmp(w, want, strlen(want)) && strstr(w, skipped[i].msg) &&
             sslvdir_regfile_entry_count(r) == 1 &&
             sslvdir_regfile_entry(r, 0, NULL, NULL, NULL, NULL, NULL) != SSLVDIR_REG_ENTRY_VALUE;
    if (!ok)
      fprintf(stderr, "reg skipped %zu: %d: %s / %s\n", i, rc, e.message, w ? w : "(no warning)");
    CU_ASSERT(ok);
    sslvdir_regfile_free(r);
  }
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sslvdir_regfile *r = NULL;
    sslvdir_error e = {0};
    int rc = sslvdir_regfile_parse(&r, cases[i].text, strlen(cases[i].text), &e);
    int ok = rc == cases[i].code && !r && e.line == cases[i].line && strstr(e.message, cases[i].msg);
    if (!ok)
      fprintf(stderr, "reg hostile %zu: %d line %u: %s\n", i, rc, e.line, e.message);
    CU_ASSERT(ok);
  }
  /* A 1 MB line, as one hex value; odd-length UTF-16. */
  size_t big = 1u << 20;
  char *t = malloc(big + 100);
  size_t o = (size_t)sprintf(t, "REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=hex:");
  while (o < big)
    o += (size_t)sprintf(t + o, "00,");
  o += (size_t)sprintf(t + o, "00\r\n");
  sslvdir_regfile *r;
  sslvdir_error e;
  CU_ASSERT_EQUAL(sslvdir_regfile_parse(&r, t, o, &e), SSLVDIR_E_RANGE);
  CU_ASSERT(e.line == 3 && strstr(e.message, "262144"));
  /* Long but within the limit, wrapped as regedit wraps: read whole (a
   * value line over 16 KB was once taken for a bad name). */
  o = (size_t)sprintf(t, "REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"big\"=hex:");
  for (int i = 0; i < 30000; i++)
    o += (size_t)sprintf(t + o, i % 25 == 24 ? "%02x,\\\r\n  " : "%02x,", i & 0xff);
  o += (size_t)sprintf(t + o, "ff\r\n");
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_parse(&r, t, o, &e), SSLVDIR_OK);
  const unsigned char *bd;
  size_t bl;
  CU_ASSERT(sslvdir_regfile_entry(r, 1, NULL, NULL, NULL, &bd, &bl) == SSLVDIR_REG_ENTRY_VALUE &&
            bl == 30001 && bd[29999] == (29999 & 0xff) && bd[30000] == 0xff);
  sslvdir_regfile_free(r);
  free(t);
  CU_ASSERT_EQUAL(sslvdir_regfile_parse(&r, "\xff\xfeR\0E", 5, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_regfile_parse(&r, "REGEDIT4\0", 9, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_regfile_load(&r, "/nonexistent/x.reg", &e), SSLVDIR_E_IO);
  /* 8-bit text that is not UTF-8 is Windows-1252: read as such, and the
   * round trip through UTF-16 keeps it (found by fuzz_regfile). */
  static const char ansi[] = "REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\Caf\xe9]\r\n\"\x80\"=\"\x93q\x94\"\r\n";
  CU_ASSERT_FATAL(sslvdir_regfile_parse(&r, ansi, sizeof ansi - 1, &e) == SSLVDIR_OK);
  const char *key, *name;
  const unsigned char *data;
  size_t len;
  CU_ASSERT_EQUAL(sslvdir_regfile_entry(r, 1, &key, &name, NULL, &data, &len), SSLVDIR_REG_ENTRY_VALUE);
  CU_ASSERT_STRING_EQUAL(key, "HKEY_LOCAL_MACHINE\\Caf\xc3\xa9");
  CU_ASSERT_STRING_EQUAL(name, "\xe2\x82\xac");
  CU_ASSERT(len == 7 && !memcmp(data, "\xe2\x80\x9cq\xe2\x80\x9d", 7));
  char out[512];
  size_t n;
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_write(r, 0, out, sizeof out, &n), SSLVDIR_OK);
  sslvdir_regfile *r2;
  CU_ASSERT_FATAL(sslvdir_regfile_parse(&r2, out, n, &e) == SSLVDIR_OK);
  const char *key2;
  CU_ASSERT(sslvdir_regfile_entry(r2, 0, &key2, NULL, NULL, NULL, NULL) == SSLVDIR_REG_ENTRY_KEY &&
            !strcmp(key2, "HKEY_LOCAL_MACHINE\\Caf\xc3\xa9"));
  sslvdir_regfile_free(r2);
  sslvdir_regfile_free(r);
  /* hex(1) text: UTF-16LE in REGEDIT5, 8-bit in REGEDIT4, applied as text
   * up to its NUL; written back with the same bytes. A REGEDIT4 hex(1)
   * that is not UTF-8 once made the UTF-8 output unreadable as UTF-8, and
   * read back as another text (found by fuzz_regfile in CI's smoke run). */
  static const char hex1[] = "Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n"
                             "\"a\"=hex(1):41,00,42,00,00,00\r\n";
  static const char hex1v4[] = "REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\"=hex(1):25,54,80,00\r\n";
  sslvdir_settings *s;
  CU_ASSERT_FATAL(sslvdir_settings_new(&s, NULL) == SSLVDIR_OK);
  for (int v4 = 0; v4 <= 1; v4++) {
    CU_ASSERT_FATAL(sslvdir_regfile_parse(&r, v4 ? hex1v4 : hex1, v4 ? sizeof hex1v4 - 1 : sizeof hex1 - 1, &e) == SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_regfile_apply(r, s, &e), SSLVDIR_OK);
    const char *str;
    CU_ASSERT(!sslvdir_settings_get_string(s, "HKEY_LOCAL_MACHINE\\X\\a", &str) &&
              !strcmp(str, v4 ? "%T\xe2\x82\xac" : "AB"));
    for (unsigned flags = 0; flags <= SSLVDIR_REGFILE_UTF8; flags++) {
      CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_write(r, flags, out, sizeof out, &n), SSLVDIR_OK);
      CU_ASSERT_FATAL(sslvdir_regfile_parse(&r2, out, n, &e) == SSLVDIR_OK);
      const char *k1, *k2;
      const unsigned char *d1, *d2;
      size_t l1, l2;
      CU_ASSERT(sslvdir_regfile_entry(r, 1, &k1, NULL, NULL, &d1, &l1) == SSLVDIR_REG_ENTRY_VALUE &&
                sslvdir_regfile_entry(r2, 1, &k2, NULL, NULL, &d2, &l2) == SSLVDIR_REG_ENTRY_VALUE &&
                !strcmp(k1, k2) && l1 == l2 && !memcmp(d1, d2, l1));
      sslvdir_regfile_free(r2);
    }
    sslvdir_regfile_free(r);
  }
  sslvdir_settings_free(s);
}

/* The store's warning that starts with prefix and holds what, or NULL. */
static const char *store_warning(const sslvdir_settings *s, const char *prefix, const char *what) {
  for (size_t i = 0; i < sslvdir_settings_warning_count(s); i++) {
    const char *w = sslvdir_settings_warning(s, i);
    if (!strncmp(w, prefix, strlen(prefix)) && strstr(w, what))
      return w;
  }
  return NULL;
}

/* A regedit export (UTF-16LE with BOM, CRLF, wrapped hex(2)/hex(7), ';'
 * comments) with lines regedit itself refuses in the middle: nine hex
 * digits of a dword, a wrapped hex value missing a digit, a string without
 * its closing quote. Each is skipped with a warning naming its line and the
 * rest of the file is read. Applied to a store in which an earlier file had
 * turned SSLOffloaded and the others on, a skipped value is absent: it
 * does not keep what that file said, and Exchange's default (0) applies. */
static void test_bad_lines(void) {
  sslvdir_regfile *r = load("tests/data/registry/exchange2010-badlines.reg");
  CU_ASSERT_FATAL(r != NULL);
  static const char *const names[] = {NULL, "AllowInternalUntrustedCerts", "AllowProxyingWithoutSsl",
                                      "InstallPath", "ImagePath", "DependOnService", "DisplayName",
                                      "", NULL, "Library", "Close"};
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_entry_count(r), sizeof names / sizeof names[0]);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *name;
    int kind = sslvdir_regfile_entry(r, i, NULL, &name, NULL, NULL, NULL);
    CU_ASSERT_EQUAL(kind, names[i] ? SSLVDIR_REG_ENTRY_VALUE : SSLVDIR_REG_ENTRY_KEY);
    CU_ASSERT(names[i] ? name && !strcmp(name, names[i]) : name == NULL);
  }
  /* The wrapped values around the bad one are whole. */
  unsigned type;
  size_t len;
  CU_ASSERT(sslvdir_regfile_entry(r, 4, NULL, NULL, &type, NULL, &len) == SSLVDIR_REG_ENTRY_VALUE &&
            type == SSLVDIR_REG_EXPAND_SZ && len == 44);
  CU_ASSERT(sslvdir_regfile_entry(r, 5, NULL, NULL, &type, NULL, &len) == SSLVDIR_REG_ENTRY_VALUE &&
            type == SSLVDIR_REG_MULTI_SZ && len == 24);
  static const struct {
    const char *prefix, *what;
  } warned[] = {
    {".reg line 7: ", "a dword has at most 8 hex digits; the line is skipped and \"SSLOffloaded\" is treated as absent"},
    {".reg line 9: ", "a dword has at most 8 hex digits; the line is skipped and \"AllowExternalUntrustedCerts\""},
    {".reg line 14: ", "hex bytes are two hex digits separated by commas; the line is skipped and \"LogPath\""},
    {".reg line 18: ", "not one closed \"string\"; the line is skipped and \"Description\""},
  };
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_warning_count(r), 4);
  for (size_t i = 0; i < 4; i++) {
    const char *w = sslvdir_regfile_warning(r, i);
    CU_ASSERT(!strncmp(w, warned[i].prefix, strlen(warned[i].prefix)) && strstr(w, warned[i].what));
  }
  CU_ASSERT_PTR_NULL(sslvdir_regfile_warning(r, 4));

  sslvdir_settings *s;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_settings_new(&s, NULL) == SSLVDIR_OK);
  CU_ASSERT(!sslvdir_settings_set_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, 1, NULL));
  CU_ASSERT(!sslvdir_settings_set_dword(s, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, 1, NULL));
  CU_ASSERT(!sslvdir_settings_set_dword(s, SSLVDIR_KEY_ALLOW_PROXYING_WITHOUT_SSL, 1, NULL));
  CU_ASSERT(!sslvdir_settings_set_string(s, OWA "\\LogPath", "D:\\Logs", NULL));
  CU_ASSERT_EQUAL(sslvdir_regfile_apply(r, s, &e), SSLVDIR_OK);
  uint32_t dw;
  const char *str;
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, &dw), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, &dw), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, SSLVDIR_KEY_ALLOW_PROXYING_WITHOUT_SSL, &dw), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_settings_get_string(s, OWA "\\LogPath", &str), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT(!sslvdir_settings_default_dword(SSLVDIR_KEY_SSL_OFFLOADED, 2010, &dw) && dw == 0);
  /* What reads is applied, before and after the bad lines. */
  CU_ASSERT(!sslvdir_settings_get_dword(s, SSLVDIR_KEY_ALLOW_INTERNAL_UNTRUSTED, &dw) && dw == 0);
  CU_ASSERT(!sslvdir_settings_get_string(s, OWA "\\DisplayName", &str) &&
            !strcmp(str, "Microsoft Exchange Outlook Web App"));
  CU_ASSERT(!sslvdir_settings_get_string(s, OWA "\\Performance\\Close", &str) &&
            !strcmp(str, "CloseOwaPerformanceData"));
  /* The store says it all: the skipped lines, the known DWORD given as a
   * string (line 8), the multi-string and the default value it cannot hold. */
  for (size_t i = 0; i < 4; i++)
    CU_ASSERT_PTR_NOT_NULL(store_warning(s, warned[i].prefix, warned[i].what));
  CU_ASSERT_PTR_NOT_NULL(store_warning(s, ".reg line 8: ", "AllowProxyingWithoutSsl is a DWORD value; "
                                       "the value is treated as absent"));
  CU_ASSERT_PTR_NOT_NULL(store_warning(s, ".reg line 16: ", "DependOnService is of type 7"));
  CU_ASSERT_PTR_NOT_NULL(store_warning(s, ".reg line 20: ", "default value (@)"));
  CU_ASSERT_EQUAL(sslvdir_settings_warning_count(s), 7);
  sslvdir_settings_free(s);
  sslvdir_regfile_free(r);
}

/* A well-known value of the wrong type or out of range is a warning for that
 * value, not a failed file; it is absent from that point on, and a later
 * line that reads sets it again. */
static void test_bad_values(void) {
  static const char text[] =
      "Windows Registry Editor Version 5.00\r\n\r\n"
      "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeOWA]\r\n"
      "\"SSLOffloaded\"=dword:00000001\r\n"              /* 4 */
      "\"SSLOffloaded\"=dword:00000002\r\n"              /* 5: out of range */
      "\"AllowExternalUntrustedCerts\"=\"1\"\r\n"        /* 6: a string */
      "\"Other\"=dword:00000005\r\n";
  sslvdir_regfile *r;
  sslvdir_settings *s;
  sslvdir_error e = {0};
  CU_ASSERT_FATAL(sslvdir_regfile_parse(&r, text, sizeof text - 1, &e) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_settings_new(&s, NULL) == SSLVDIR_OK);
  CU_ASSERT(!sslvdir_settings_set_dword(s, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, 1, NULL));
  int rc = sslvdir_regfile_apply(r, s, &e);
  if (rc)
    fprintf(stderr, "apply: %s\n", e.message);
  CU_ASSERT_EQUAL(rc, SSLVDIR_OK);
  uint32_t dw;
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, &dw), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, &dw), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT(!sslvdir_settings_get_dword(s, OWA "\\Other", &dw) && dw == 5);
  CU_ASSERT_PTR_NOT_NULL(store_warning(s, ".reg line 5: ", "SSLOffloaded must be 0 or 1, not 2; the value is treated as absent"));
  CU_ASSERT_PTR_NOT_NULL(store_warning(s, ".reg line 6: ", "AllowExternalUntrustedCerts is a DWORD value"));
  sslvdir_settings_free(s);
  sslvdir_regfile_free(r);

  /* Skipped lines take effect where they stand: a value set, then skipped,
   * is absent; skipped, then set, is set. */
  static const char text2[] =
      "REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA]\r\n"
      "\"AllowProxyingWithoutSsl\"=dword:00000001\r\n"   /* 3 */
      "\"AllowProxyingWithoutSsl\"=dword:000000000\r\n"  /* 4: skipped */
      "\"AllowInternalUntrustedCerts\"=dword:zz\r\n"     /* 5: skipped */
      "\"AllowInternalUntrustedCerts\"=dword:0\r\n";     /* 6 */
  CU_ASSERT_FATAL(sslvdir_regfile_parse(&r, text2, sizeof text2 - 1, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_regfile_warning_count(r), 2);
  CU_ASSERT_FATAL(sslvdir_settings_new(&s, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_regfile_apply(r, s, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, SSLVDIR_KEY_ALLOW_PROXYING_WITHOUT_SSL, &dw), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT(!sslvdir_settings_get_dword(s, SSLVDIR_KEY_ALLOW_INTERNAL_UNTRUSTED, &dw) && dw == 0);
  CU_ASSERT_PTR_NOT_NULL(store_warning(s, ".reg line 4: ", "\"AllowProxyingWithoutSsl\" is treated as absent"));
  CU_ASSERT_PTR_NOT_NULL(store_warning(s, ".reg line 5: ", "hex digits"));
  sslvdir_settings_free(s);
  sslvdir_regfile_free(r);

  /* A file of nothing but bad lines: the first 100 are named, one warning
   * counts the rest. */
  size_t cap = 64 + 300 * 20;
  char *t = malloc(cap);
  size_t o = (size_t)snprintf(t, cap, "REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X]\r\n");
  for (int i = 0; i < 300; i++)
    o += (size_t)snprintf(t + o, cap - o, "\"v%d\"=dword:x\r\n", i);
  CU_ASSERT_FATAL(sslvdir_regfile_parse(&r, t, o, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_regfile_warning_count(r), 101);
  CU_ASSERT(!strncmp(sslvdir_regfile_warning(r, 99), ".reg line 102: ", 15));
  CU_ASSERT_STRING_EQUAL(sslvdir_regfile_warning(r, 100),
                         ".reg: 200 more lines are skipped (only the first 100 are named)");
  sslvdir_regfile_free(r);
  free(t);
}

void suite_registry(void) {
  CU_pSuite s = CU_add_suite("registry", NULL, NULL);
  CU_add_test(s, "a regedit export: read, applied, written, read again", test_export);
  CU_add_test(s, "deletions, REGEDIT4, a store written as .reg", test_changes);
  CU_add_test(s, "hostile .reg files and their errors", test_hostile);
  CU_add_test(s, "a regedit export with bad lines: skipped, warned, absent", test_bad_lines);
  CU_add_test(s, "a known value of the wrong type or out of range: warned, absent", test_bad_values);
  CU_add_test(s, "a file's deletions in one batch leave what line by line does", test_batch_order);
  CU_add_test(s, "a store written as .reg, grouped by key", test_from_settings_groups);
}
