/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The registry-style settings store. */
#include "config.h"

#include <string.h>

#include "unit.h"

#define OWA_SPACE "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA\\"
#define OWA_NOSPACE "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeOWA\\"

static void test_spellings(void) {
  sslvdir_settings *s;
  uint32_t v = 99;
  CU_ASSERT_EQUAL_FATAL(sslvdir_settings_new(&s, NULL), SSLVDIR_OK);
  /* The spelling of the Exchange 2007 Client Access and SSL white paper and
   * the name in the Exchange 2007 SSL offloading article are one value. */
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, OWA_NOSPACE "SSLOffloaded", 1, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, OWA_SPACE "SSLOffloaded", &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 1);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, "hklm\\system\\currentcontrolset\\services\\msexchange owa\\ssloffloaded", &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_count(s), 1);
  const char *path;
  int known;
  CU_ASSERT_EQUAL(sslvdir_settings_entry(s, 0, &path, NULL, NULL, NULL, &known), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(path, SSLVDIR_KEY_SSL_OFFLOADED);
  CU_ASSERT_EQUAL(known, 1);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, OWA_SPACE "SSLOffloaded", 0, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_count(s), 1);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 0);
  CU_ASSERT_EQUAL(sslvdir_settings_warning_count(s), 0);
  sslvdir_settings_free(s);
}

static void test_typo(void) {
  sslvdir_settings *s;
  uint32_t v;
  CU_ASSERT_EQUAL_FATAL(sslvdir_settings_new(&s, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, OWA_NOSPACE "AllowExternallUntrustedCerts", 1, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_warning_count(s), 1);
  const char *w = sslvdir_settings_warning(s, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(w);
  CU_ASSERT_PTR_NOT_NULL(strstr(w, "AllowExternalUntrustedCerts"));
  CU_ASSERT_PTR_NOT_NULL(strstr(w, "no effect"));
  CU_ASSERT_PTR_NULL(sslvdir_settings_warning(s, 1));
  /* It changes nothing: the real value is still unset, its default is 0. */
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, &v), SSLVDIR_E_NOT_FOUND);
  int known = 1;
  CU_ASSERT_EQUAL(sslvdir_settings_entry(s, 0, NULL, NULL, NULL, NULL, &known), SSLVDIR_OK);
  CU_ASSERT_EQUAL(known, 0);
  /* The same warning is not repeated. */
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, OWA_SPACE "AllowExternallUntrustedCerts", 1, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_warning_count(s), 1);
  /* Through a policy, the default stands and the warning is kept. */
  sslvdir_builder *b;
  sslvdir_policy *p;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "S", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_settings(b, s, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_get_dword(p, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 0);
  CU_ASSERT_EQUAL(sslvdir_policy_warning_count(p), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_policy_warning(p, 0), "misspelled"));
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  sslvdir_settings_free(s);
}

static void test_types_and_errors(void) {
  sslvdir_settings *s;
  sslvdir_error e;
  uint32_t v;
  const char *str;
  CU_ASSERT_EQUAL_FATAL(sslvdir_settings_new(&s, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_set_string(s, SSLVDIR_KEY_SSL_OFFLOADED, "1", &e), SSLVDIR_E_TYPE);
  CU_ASSERT_EQUAL(e.code, SSLVDIR_E_TYPE);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, 2, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_settings_count(s), 0);
  CU_ASSERT_EQUAL(sslvdir_settings_set_string(s, "HKLM\\Software\\Contoso\\Note", "hello \"world\"", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_get_string(s, "HKEY_LOCAL_MACHINE\\SOFTWARE\\contoso\\note", &str), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(str, "hello \"world\"");
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, "HKLM\\Software\\Contoso\\Note", &v), SSLVDIR_E_TYPE);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, "HKLM\\Software\\Contoso\\Count", 0xffffffffu, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(s, "HKLM\\Software\\Contoso\\Count", &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 0xffffffffu);
  int known = 1;
  CU_ASSERT_EQUAL(sslvdir_settings_entry(s, 1, NULL, NULL, NULL, NULL, &known), SSLVDIR_OK);
  CU_ASSERT_EQUAL(known, 0);
  /* An index past the end is E_NOT_FOUND, as for every status-returning
   * getter, and the outputs are cleared. */
  const char *stale = "stale";
  int stale_known = 7;
  CU_ASSERT_EQUAL(sslvdir_settings_entry(s, 2, &stale, NULL, NULL, NULL, &stale_known),
                  SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_PTR_NULL(stale);
  CU_ASSERT_EQUAL(stale_known, 0);
  CU_ASSERT_EQUAL(sslvdir_settings_entry(NULL, 0, NULL, NULL, NULL, NULL, NULL),
                  SSLVDIR_E_INVALID_ARGUMENT);
  /* Malformed paths. */
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, "", 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, "SSLOffloaded", 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, "HKLM\\\\x", 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(e.offset, 5);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, "HKLM\\x\\", 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, "HKLM\\a\x01\\b", 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, NULL, 1, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_settings_set_string(s, "HKLM\\x\\y", NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  char longp[3000];
  memset(longp, 'a', sizeof longp - 1);
  longp[sizeof longp - 1] = '\0';
  longp[4] = '\\';
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, longp, 1, &e), SSLVDIR_E_SYNTAX);
  /* Many MSExchangeOWA components grow the path: still bounded. */
  char grow[1024] = "HKLM";
  while (strlen(grow) + 15 < 1024)
    strcat(grow, "\\MSExchangeOWA");
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, grow, 1, &e), SSLVDIR_OK);
  /* Unset. */
  CU_ASSERT_EQUAL(sslvdir_settings_unset(s, "HKLM\\Software\\Contoso\\Note", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_unset(s, "HKLM\\Software\\Contoso\\Note", NULL), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_settings_get_string(s, "HKLM\\Software\\Contoso\\Note", &str), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_settings_count(s), 2);
  sslvdir_settings_free(s);
  sslvdir_settings_free(NULL);
}

/* A setting's type and the registry's value type are the same numbers, so
 * the *type of sslvdir_settings_entry() and of sslvdir_regfile_entry() agree. */
static void test_value_types_are_registry_types(void) {
  sslvdir_settings *s;
  sslvdir_regfile *reg = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_settings_new(&s, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, 1, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_set_string(s, OWA_SPACE "SomeString", "x", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_from_settings(&reg, s, NULL), SSLVDIR_OK);
  for (size_t i = 0; i < sslvdir_settings_count(s); i++) {
    const char *path;
    sslvdir_value_type st;
    CU_ASSERT_EQUAL_FATAL(sslvdir_settings_entry(s, i, &path, &st, NULL, NULL, NULL), SSLVDIR_OK);
    const char *name = strrchr(path, '\\') + 1;
    int found = 0;
    for (size_t j = 0; j < sslvdir_regfile_entry_count(reg); j++) {
      const char *n = NULL;
      unsigned rt = 0;
      int kind = sslvdir_regfile_entry(reg, j, NULL, &n, &rt, NULL, NULL);
      if (kind == SSLVDIR_REG_ENTRY_VALUE && n && !strcmp(n, name)) {
        CU_ASSERT_EQUAL(rt, (unsigned)st);
        found = 1;
      }
    }
    CU_ASSERT(found);
  }
  CU_ASSERT_EQUAL(SSLVDIR_VALUE_DWORD, SSLVDIR_REG_DWORD);
  CU_ASSERT_EQUAL(SSLVDIR_VALUE_STRING, SSLVDIR_REG_SZ);
  sslvdir_regfile_free(reg);
  sslvdir_settings_free(s);
}

static void test_defaults(void) {
  uint32_t v;
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword(SSLVDIR_KEY_ALLOW_INTERNAL_UNTRUSTED, 2016, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 1);
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword(SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, 2016, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 0);
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword(OWA_NOSPACE "SSLOffloaded", 2007, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 0);
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword(SSLVDIR_KEY_OA_SSL_OFFLOADING, 2010, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 0);
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword(SSLVDIR_KEY_OA_SSL_OFFLOADING, 2013, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 1);
  /* SE's Setup turns Extended Protection on, which needs it $false. */
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword(SSLVDIR_KEY_OA_SSL_OFFLOADING, 2025, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 0);
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword(SSLVDIR_KEY_OA_SSL_OFFLOADING, 0, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 1);
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword("HKLM\\x\\y", 2016, &v), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword(SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED_TYPO, 2016, &v), SSLVDIR_E_NOT_FOUND);
}

void suite_settings(void) {
  CU_pSuite s = CU_add_suite("settings", NULL, NULL);
  CU_add_test(s, "both service spellings, HKLM", test_spellings);
  CU_add_test(s, "AllowExternallUntrustedCerts typo", test_typo);
  CU_add_test(s, "types and malformed paths", test_types_and_errors);
  CU_add_test(s, "Exchange defaults by version", test_defaults);
  CU_add_test(s, "value types are the registry's", test_value_types_are_registry_types);
}
