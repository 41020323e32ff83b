/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Hostile arguments to the public API: a failed call leaves no output
 * behind (NULL or 0, never the previous value or the caller's garbage),
 * and strings the library echoes are refused when they cannot be echoed.
 * Each output starts as a sentinel so that "not written" shows. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/CUnit.h>
#include <sslvdir/sslvdir.h>
#include "unit.h"

/* A builder and a settings store, NULL on failure. */
static sslvdir_builder *new_builder(void) {
  sslvdir_builder *b = NULL;
  return sslvdir_builder_new(&b, NULL) ? NULL : b;
}
static sslvdir_settings *new_settings(void) {
  sslvdir_settings *s = NULL;
  return sslvdir_settings_new(&s, NULL) ? NULL : s;
}

#define BAD_PTR ((void *)(uintptr_t)0x5a5a5a5a)
static const char *const bad_str = (const char *)(uintptr_t)0x5a5a5a5a;

/* exchange2016 on "Default Web Site", mail.contoso.com, Autodiscover for
 * contoso.com. */
static sslvdir_policy *policy(void) {
  sslvdir_builder *b = new_builder();
  sslvdir_policy *p = NULL;
  sslvdir_error e;
  if (!b || sslvdir_preset_apply(b, "exchange2016", "Default Web Site", &e) ||
      sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", &e) ||
      sslvdir_builder_add_autodiscover_domain(b, "contoso.com", SSLVDIR_AUTODISCOVER_ACTION_SETTINGS,
                                              "Default Web Site", &e) ||
      sslvdir_builder_build(b, &p, &e))
    p = NULL;
  sslvdir_builder_free(b);
  return p;
}

static sslvdir_iisconfig *config(void) {
  size_t n;
  char *d = read_file(srcpath("tests/data/config/exchange2016.config"), &n);
  sslvdir_iisconfig *c = NULL;
  if (!d || sslvdir_iisconfig_parse(&c, d, n, NULL))
    c = NULL;
  free(d);
  return c;
}

static void test_version_parse(void) {
  unsigned v = 77;
  CU_ASSERT_EQUAL(sslvdir_exchange_version_parse("2017", 4, &v, NULL), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(v, 0);
  v = 77;
  CU_ASSERT_EQUAL(sslvdir_exchange_version_parse(NULL, 4, &v, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(v, 0);
  v = 77;
  CU_ASSERT_EQUAL(sslvdir_exchange_version_parse("2016\0", 5, &v, NULL), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(v, 0);
}

/* A constructor that refuses its arguments sets *out to NULL, so that a
 * caller freeing it on the error path frees nothing. */
static void test_constructors_clear_out(void) {
  sslvdir_error e;
  sslvdir_autodiscover_chain *ch = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_new(&ch, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(ch);
  sslvdir_policy *p = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_builder_build(NULL, &p, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(p);
  p = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_policy_options_build(NULL, &p, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(p);
  sslvdir_cert *c = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&c, NULL, 10, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(c);
  c = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_cert_load(&c, NULL, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(c);
  sslvdir_iisconfig *ic = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&ic, NULL, 10, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(ic);
  ic = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_load(&ic, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(ic);
  ic = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_load(&ic, srcpath("tests/data/no-such-file"), &e), SSLVDIR_E_IO);
  CU_ASSERT_PTR_NULL(ic);
  sslvdir_regfile *r = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_regfile_parse(&r, NULL, 5, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(r);
  r = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_regfile_load(&r, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(r);
  r = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_regfile_load(&r, srcpath("tests/data/no-such-file"), &e), SSLVDIR_E_IO);
  CU_ASSERT_PTR_NULL(r);
  r = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_regfile_from_settings(&r, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(r);
  r = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_plan_registry(NULL, &r, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(r);
}

/* A loop "while (getter(obj, i++, &out...) == OK)" must not see the last
 * entry again once it runs off the end. */
static void test_getters_clear_outputs(void) {
  int sev = 5;
  const char *s1 = bad_str, *s2 = bad_str, *s3 = bad_str, *s4 = bad_str;
  CU_ASSERT_EQUAL(sslvdir_audit_finding(NULL, 0, &sev, &s1, &s2, &s3, &s4), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sev, 0);
  CU_ASSERT_PTR_NULL(s1);
  CU_ASSERT_PTR_NULL(s2);
  CU_ASSERT_PTR_NULL(s3);
  CU_ASSERT_PTR_NULL(s4);

  sslvdir_iisconfig *c = config();
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  unsigned port = 5, flags = 5;
  s1 = s2 = bad_str;
  size_t n = sslvdir_iisconfig_site_count(c);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_site(c, n, &s1, &s2, &port), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_PTR_NULL(s1);
  CU_ASSERT_PTR_NULL(s2);
  CU_ASSERT_EQUAL(port, 0);
  s1 = s2 = bad_str;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_app(c, SIZE_MAX, &s1, &s2), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_PTR_NULL(s1);
  CU_ASSERT_PTR_NULL(s2);
  s1 = bad_str;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "No Such Site/owa", &flags, &s1), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(flags, 0);
  CU_ASSERT_PTR_NULL(s1);
  int en = 5, st = 5, tc = 5;
  s1 = bad_str;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_redirect(c, "No Such Site", &en, &s1, &st), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(en, 0);
  CU_ASSERT_PTR_NULL(s1);
  CU_ASSERT_EQUAL(st, 0);
  s1 = bad_str;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_extended_protection(c, "No Such Site/owa", &tc, &s1), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(tc, SSLVDIR_TOKEN_CHECKING_NONE);
  CU_ASSERT_PTR_NULL(s1);
  size_t len = 5;
  s1 = bad_str;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_bytes(NULL, &s1, &len), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(s1);
  CU_ASSERT_EQUAL(len, 0);

  sslvdir_plan *pl = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_plan_new(&pl, c, NULL, 2016, NULL), SSLVDIR_OK);
  int kind = 5;
  s1 = s2 = s3 = bad_str;
  CU_ASSERT_EQUAL(sslvdir_plan_step(pl, 0, SSLVDIR_PLAN_FORM_APPCMD, &kind, &s1, &s2, &s3), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(kind, 0);
  CU_ASSERT_PTR_NULL(s1);
  CU_ASSERT_PTR_NULL(s2);
  CU_ASSERT_PTR_NULL(s3);
  sslvdir_plan_free(pl);
  sslvdir_iisconfig_free(c);

  size_t rn;
  char *rd = read_file(srcpath("tests/data/registry/exchange2010-owa.reg"), &rn);
  sslvdir_regfile *r = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_parse(&r, rd, rn, NULL), SSLVDIR_OK);
  unsigned type = 5;
  const unsigned char *data = (const unsigned char *)bad_str;
  s1 = s2 = bad_str;
  len = 5;
  CU_ASSERT_EQUAL(sslvdir_regfile_entry(r, sslvdir_regfile_entry_count(r), &s1, &s2, &type, &data, &len),
                  SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_PTR_NULL(s1);
  CU_ASSERT_PTR_NULL(s2);
  CU_ASSERT_EQUAL(type, 0);
  CU_ASSERT_PTR_NULL(data);
  CU_ASSERT_EQUAL(len, 0);
  sslvdir_regfile_free(r);
  free(rd);

  sslvdir_settings *set = new_settings();
  CU_ASSERT_PTR_NOT_NULL_FATAL(set);
  CU_ASSERT_EQUAL_FATAL(sslvdir_settings_set_string(set, "HKLM\\SOFTWARE\\Test\\Name", "v", NULL), SSLVDIR_OK);
  uint32_t d = 5;
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(set, "HKLM\\SOFTWARE\\Test\\Name", &d), SSLVDIR_E_TYPE);
  CU_ASSERT_EQUAL(d, 0);
  d = 5;
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(set, "HKLM\\SOFTWARE\\Test\\Other", &d), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(d, 0);
  s1 = bad_str;
  CU_ASSERT_EQUAL(sslvdir_settings_get_string(set, "HKLM\\SOFTWARE\\Test\\Other", &s1), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_PTR_NULL(s1);
  d = 5;
  CU_ASSERT_EQUAL(sslvdir_settings_default_dword("HKLM\\SOFTWARE\\Test\\Other", 2016, &d), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(d, 0);
  sslvdir_settings_free(set);

  sslvdir_policy *p = policy();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  d = 5;
  CU_ASSERT_EQUAL(sslvdir_policy_get_dword(p, "HKLM\\SOFTWARE\\Test\\Other", &d), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(d, 0);
  sslvdir_policy_unref(p);

  int status = 5, sub = 5;
  CU_ASSERT_EQUAL(sslvdir_reason_status(-1, &status, &sub), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(status, 0);
  CU_ASSERT_EQUAL(sub, 0);
}

static void test_cert_getters_clear_outputs(void) {
  sslvdir_cert *c = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_cert_load(&c, certpath("server.pem"), NULL, NULL), SSLVDIR_OK);
  size_t n = sslvdir_cert_count(c);
  int64_t nb = 5, na = 5;
  CU_ASSERT_EQUAL(sslvdir_cert_validity(c, n, &nb, &na), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(nb, 0);
  CU_ASSERT_EQUAL(na, 0);
  int type = 5;
  const char *v = bad_str;
  CU_ASSERT_EQUAL(sslvdir_cert_san(c, 0, SIZE_MAX, &type, &v), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(type, 0);
  CU_ASSERT_PTR_NULL(v);
  type = 5;
  v = bad_str;
  CU_ASSERT_EQUAL(sslvdir_cert_san(NULL, 0, 0, &type, &v), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(type, 0);
  CU_ASSERT_PTR_NULL(v);
  sslvdir_cert_free(c);
}

/* A domain the policy does not serve must not come back with the answer
 * of the previous lookup: an Autodiscover front end would redirect or
 * answer for it. */
static void test_domain_rule_clears_outputs(void) {
  sslvdir_policy *p = policy();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  const char *name, *target;
  sslvdir_autodiscover_action action;
  const sslvdir_site *site;
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_domain_rule(p, "contoso.com", 0, &name, &action, &target, &site),
                        SSLVDIR_OK);
  CU_ASSERT_EQUAL(action, SSLVDIR_AUTODISCOVER_ACTION_SETTINGS);
  CU_ASSERT_PTR_NOT_NULL(site);
  target = bad_str;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_domain_rule(p, "fabrikam.com", 0, &name, &action, &target, &site),
                  SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_PTR_NULL(name);
  CU_ASSERT_EQUAL(action, SSLVDIR_AUTODISCOVER_ACTION_NONE);
  CU_ASSERT_PTR_NULL(target);
  CU_ASSERT_PTR_NULL(site);
  name = target = bad_str;
  site = BAD_PTR;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_domain_rule(NULL, "contoso.com", 0, &name, &action, &target, &site),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(name);
  CU_ASSERT_PTR_NULL(site);
  sslvdir_policy_unref(p);
}

/* *out_len (and the candidates' *count) say 0 when the arguments are
 * refused, not what the caller left there. */
static void test_lengths_cleared_on_refusal(void) {
  sslvdir_autodiscover_params prm = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  char out[64];
  size_t n = 77;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_respond(NULL, "", 0, &prm, out, sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
  n = 77;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_settings(NULL, NULL, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, "u@contoso.com",
                                                NULL, &prm, out, sizeof out, &n),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
  n = 77;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_redirect_addr(SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, NULL, &prm, out,
                                                     sizeof out, &n),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
  n = 77;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_redirect_url(NULL, &prm, out, sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
  sslvdir_autodiscover_params old = prm;
  old.version = 0;
  n = 77;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_error(NULL, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, 600, &old, out, sizeof out, &n),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
  n = 77;
  CU_ASSERT_EQUAL(sslvdir_regfile_write(NULL, 0, out, sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
  n = 77;
  CU_ASSERT_EQUAL(sslvdir_rewrite_header(NULL, NULL, SSLVDIR_RESPONSE_HEADER_LOCATION, "/", 1, out, sizeof out, &n),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
  n = 77;
  CU_ASSERT_EQUAL(sslvdir_rewriter_rewrite(NULL, "x", 1, out, sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
  sslvdir_autodiscover_candidate cand[4];
  n = 77;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_candidates(NULL, cand, 4, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
}

/* A schema value that is none of the enum's gets no document in some
 * shape: it is refused, as sslvdir_autodiscover_settings() refuses it. */
static void test_error_refuses_unknown_schema(void) {
  sslvdir_autodiscover_params prm = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  char out[4096];
  size_t n;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_error(NULL, SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN, 600, &prm, out, sizeof out, &n),
                  SSLVDIR_OK);
  static const int bad[] = {3, 99, -1, INT32_MAX, INT32_MIN};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    n = 77;
    CU_ASSERT_EQUAL(sslvdir_autodiscover_error(NULL, (sslvdir_autodiscover_schema)bad[i], 600, &prm, out,
                                               sizeof out, &n),
                    SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(n, 0);
  }
}

/* sslvdir_autodiscover_settings() echoes the caller's address and
 * LegacyDN: a control character or a byte that is not UTF-8 would make the
 * answer no XML at all (and U+0085 or U+2028 a line end for some readers),
 * so they get the rule a request's address gets. */
static void test_settings_refuses_unechoable(void) {
  sslvdir_policy *p = policy();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  const sslvdir_site *s = sslvdir_policy_find_site(p, "mail.contoso.com", 16);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  sslvdir_autodiscover_params prm = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  static char out[16384];
  size_t n;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_settings(p, s, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, "u@contoso.com", NULL,
                                                &prm, out, sizeof out, &n),
                  SSLVDIR_OK);
  static const char *const bad[] = {"u\x01@contoso.com", "u@contoso.com\x1b", "u\x7f@contoso.com",
                                    "u\xc2\x85@contoso.com", "u\xe2\x80\xa8@contoso.com",
                                    "u\xff@contoso.com", "u\xc0\xae@contoso.com"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    n = 77;
    CU_ASSERT_EQUAL(sslvdir_autodiscover_settings(p, s, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, bad[i], NULL, &prm,
                                                  out, sizeof out, &n),
                    SSLVDIR_E_SYNTAX);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(sslvdir_autodiscover_settings(p, s, SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC, bad[i], NULL,
                                                  &prm, out, sizeof out, &n),
                    SSLVDIR_E_SYNTAX);
    CU_ASSERT_EQUAL(sslvdir_autodiscover_settings(p, s, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, "u@contoso.com",
                                                  bad[i], &prm, out, sizeof out, &n),
                    SSLVDIR_E_SYNTAX);
  }
  /* Non-ASCII that is well-formed (RFC 6532) is still echoed. */
  CU_ASSERT_EQUAL(sslvdir_autodiscover_settings(p, s, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK,
                                                "j\xc3\xb6rg@contoso.com", NULL, &prm, out, sizeof out, &n),
                  SSLVDIR_OK);
  CU_ASSERT_PTR_NOT_NULL(mem_find(out, n, "j\xc3\xb6rg@contoso.com"));
  sslvdir_policy_unref(p);
}

void suite_hostile_api(void) {
  CU_pSuite s = CU_add_suite("hostile_api", NULL, NULL);
  CU_add_test(s, "version parse clears its output", test_version_parse);
  CU_add_test(s, "constructors clear *out on refusal", test_constructors_clear_out);
  CU_add_test(s, "getters clear outputs past the end", test_getters_clear_outputs);
  CU_add_test(s, "certificate getters clear outputs", test_cert_getters_clear_outputs);
  CU_add_test(s, "Autodiscover domain rule clears outputs", test_domain_rule_clears_outputs);
  CU_add_test(s, "lengths are 0 on refused arguments", test_lengths_cleared_on_refusal);
  CU_add_test(s, "settings answer refuses what it cannot echo", test_settings_refuses_unechoable);
  CU_add_test(s, "error document refuses an unknown schema", test_error_refuses_unknown_schema);
}
