/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * sslFlags: parsing as IIS and appcmd write it, dependency checks, printing. */
#include "config.h"

#include <string.h>

#include "unit.h"

static void parse_ok(const char *text, unsigned want) {
  unsigned got = 12345;
  sslvdir_error e;
  int rc = sslvdir_flags_parse(text, strlen(text), &got, &e);
  CU_ASSERT_EQUAL_FATAL(rc, SSLVDIR_OK);
  CU_ASSERT_EQUAL(got, want);
}

static void parse_bad(const char *text, int code, size_t offset) {
  unsigned got = 777;
  sslvdir_error e;
  memset(&e, 0, sizeof e);
  int rc = sslvdir_flags_parse(text, strlen(text), &got, &e);
  CU_ASSERT_EQUAL(rc, code);
  CU_ASSERT_EQUAL(e.code, code);
  CU_ASSERT_EQUAL(e.offset, offset);
  CU_ASSERT_EQUAL(got, SSLVDIR_SSL_ALL); /* every requirement: a missed error refuses */
  CU_ASSERT(e.message[0] != '\0');
}

static void test_parse(void) {
  parse_ok("Ssl, Ssl128", SSLVDIR_SSL | SSLVDIR_SSL_128);
  parse_ok("ssl", SSLVDIR_SSL); /* Microsoft's own sample */
  parse_ok("Ssl,Ssl128", 264);  /* appcmd's /sslFlags:Ssl,Ssl128 */
  parse_ok("  SSL ,\tssl128  ", 264);
  parse_ok("None", 0);
  parse_ok("none", 0);
  parse_ok("0", 0);
  parse_ok("264", 264);
  parse_ok(" 8 ", 8);
  parse_ok("SslNegotiateCert, SslRequireCert", 96);
  parse_ok("Ssl, SslNegotiateCert, SslRequireCert, SslMapCert, Ssl128", SSLVDIR_SSL_ALL);
  parse_ok("Ssl,Ssl", 8);
}

static void test_parse_errors(void) {
  parse_bad("Ssl,Foo", SSLVDIR_E_UNKNOWN_NAME, 4);
  parse_bad("Ssl, Ssl129", SSLVDIR_E_UNKNOWN_NAME, 5);
  parse_bad("Ssl,,Ssl128", SSLVDIR_E_SYNTAX, 4);
  parse_bad("Ssl,", SSLVDIR_E_SYNTAX, 4);
  parse_bad("", SSLVDIR_E_SYNTAX, 0);
  parse_bad("   ", SSLVDIR_E_SYNTAX, 3);
  parse_bad("None, Ssl", SSLVDIR_E_SYNTAX, 6);
  parse_bad("9", SSLVDIR_E_RANGE, 0);
  parse_bad("8x", SSLVDIR_E_SYNTAX, 1);
  parse_bad("99999999999", SSLVDIR_E_RANGE, 0);
  parse_bad("Ssl Ssl128", SSLVDIR_E_UNKNOWN_NAME, 0);
  unsigned f;
  CU_ASSERT_EQUAL(sslvdir_flags_parse("Ssl", 3, NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_flags_parse(NULL, 3, &f, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  /* Not NUL-terminated: only len bytes count. */
  CU_ASSERT_EQUAL(sslvdir_flags_parse("Ssl128", 3, &f, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(f, SSLVDIR_SSL);
}

static void test_check(void) {
  CU_ASSERT_EQUAL(sslvdir_flags_check(0, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_flags_check(264, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_flags_check(SSLVDIR_SSL_REQUIRE_CERT, NULL), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_flags_check(SSLVDIR_SSL_MAP_CERT, NULL), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_flags_check(SSLVDIR_SSL_NEGOTIATE_CERT | SSLVDIR_SSL_MAP_CERT, NULL),
                  SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_flags_check(1, NULL), SSLVDIR_E_RANGE);
}

static void test_format(void) {
  char buf[SSLVDIR_FLAGS_TEXT_MAX];
  size_t n;
  CU_ASSERT_EQUAL(sslvdir_flags_format(264, buf, sizeof buf, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(buf, "Ssl, Ssl128");
  CU_ASSERT_EQUAL(n, 11);
  CU_ASSERT_EQUAL(sslvdir_flags_format(0, buf, sizeof buf, NULL), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(buf, "None");
  CU_ASSERT_EQUAL(sslvdir_flags_format(SSLVDIR_SSL_ALL, buf, sizeof buf, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(buf, "Ssl, SslNegotiateCert, SslRequireCert, SslMapCert, Ssl128");
  CU_ASSERT_EQUAL(sslvdir_flags_format(264, buf, 5, NULL), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_STRING_EQUAL(buf, "");
  CU_ASSERT_EQUAL(sslvdir_flags_format(264, buf, 12, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_flags_format(264, buf, 11, NULL), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(sslvdir_flags_format(3, buf, sizeof buf, NULL), SSLVDIR_E_RANGE);
  /* Too small: *out_len is the length the text needs (without its NUL), so
   * (NULL, 0) measures and a second call with out_len + 1 bytes succeeds. */
  n = 0;
  CU_ASSERT_EQUAL(sslvdir_flags_format(264, buf, 11, &n), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(n, 11);
  CU_ASSERT_STRING_EQUAL(buf, "");
  n = 0;
  CU_ASSERT_EQUAL(sslvdir_flags_format(SSLVDIR_SSL_ALL, NULL, 0, &n), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(n, strlen("Ssl, SslNegotiateCert, SslRequireCert, SslMapCert, Ssl128"));
  CU_ASSERT_EQUAL(sslvdir_flags_format(SSLVDIR_SSL_ALL, buf, n + 1, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(buf, "Ssl, SslNegotiateCert, SslRequireCert, SslMapCert, Ssl128");
  CU_ASSERT_EQUAL(sslvdir_flags_format(0, NULL, 1, &n), SSLVDIR_E_INVALID_ARGUMENT);
  /* Every combination prints and parses back to itself. */
  static const unsigned bits[] = {8, 32, 64, 128, 256};
  for (unsigned m = 0; m < 32; m++) {
    unsigned f = 0, back = 0;
    for (int i = 0; i < 5; i++)
      if (m & (1u << i))
        f |= bits[i];
    CU_ASSERT_EQUAL_FATAL(sslvdir_flags_format(f, buf, sizeof buf, &n), SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_flags_parse(buf, n, &back, NULL), SSLVDIR_OK);
    CU_ASSERT_EQUAL(back, f);
  }
}

void suite_flags(void) {
  CU_pSuite s = CU_add_suite("flags", NULL, NULL);
  CU_add_test(s, "parse keywords and numbers", test_parse);
  CU_add_test(s, "parse errors name the position", test_parse_errors);
  CU_add_test(s, "dependency checks", test_check);
  CU_add_test(s, "format in IIS order, round trip", test_format);
}
