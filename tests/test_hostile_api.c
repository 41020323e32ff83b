/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Hostile arguments to the public API: a failed call leaves no output
 * behind (NULL or 0, never the previous value or the caller's garbage),
 * and strings the library echoes are refused when they cannot be echoed.
 * Each output starts as a sentinel so that "not written" shows. */
#include "config.h"
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
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


/* A parser that fails leaves no previous value and no permissive one in
 * its output: sslFlags read as every requirement (a caller that misses the
 * error refuses instead of reading None), a kind as "other", a client
 * certificate status as untrusted. */
static void test_parsers_refuse_on_failure(void) {
  static const struct { const char *text; size_t len; int rc; } bad[] = {
    {"Ssl,Foo", 7, SSLVDIR_E_UNKNOWN_NAME}, {"Ssl\0", 4, SSLVDIR_E_UNKNOWN_NAME},
    {"None, Ssl", 9, SSLVDIR_E_SYNTAX},     {"", 0, SSLVDIR_E_SYNTAX},
    {NULL, 0, SSLVDIR_E_SYNTAX},            {"9", 1, SSLVDIR_E_RANGE},
    /* 2^32, 2^32 + 8 and 2^64 + 8: a number that wraps to a valid value in
     * 32 or 64 bits is still too large, not None or Ssl. */
    {"4294967296", 10, SSLVDIR_E_RANGE},    {"4294967304", 10, SSLVDIR_E_RANGE},
    {"18446744073709551624", 20, SSLVDIR_E_RANGE}, {NULL, 3, SSLVDIR_E_INVALID_ARGUMENT},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    unsigned f = SSLVDIR_SSL_NONE;
    CU_ASSERT_EQUAL(sslvdir_flags_parse(bad[i].text, bad[i].len, &f, NULL), bad[i].rc);
    CU_ASSERT_EQUAL(f, SSLVDIR_SSL_ALL);
  }
  /* The same after a value that parsed: nothing of it is left. */
  unsigned f = 0;
  CU_ASSERT_EQUAL(sslvdir_flags_parse("None", 4, &f, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(f, SSLVDIR_SSL_NONE);
  CU_ASSERT_EQUAL(sslvdir_flags_parse("Nonx", 4, &f, NULL), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_EQUAL(f, SSLVDIR_SSL_ALL);

  sslvdir_kind k = SSLVDIR_KIND_OWA;
  CU_ASSERT_EQUAL(sslvdir_kind_parse("owa\0", 4, &k), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_EQUAL(k, SSLVDIR_KIND_OTHER);
  k = SSLVDIR_KIND_EWS;
  CU_ASSERT_EQUAL(sslvdir_kind_parse(NULL, 0, &k), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(k, SSLVDIR_KIND_OTHER);

  sslvdir_cert_status cs = SSLVDIR_CERT_STATUS_OK;
  CU_ASSERT_EQUAL(sslvdir_cert_status_parse("okay", 4, &cs), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_EQUAL(cs, SSLVDIR_CERT_STATUS_UNTRUSTED);
  cs = SSLVDIR_CERT_STATUS_OK;
  CU_ASSERT_EQUAL(sslvdir_cert_status_parse("ok\0", 3, &cs), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_EQUAL(cs, SSLVDIR_CERT_STATUS_UNTRUSTED);
  cs = SSLVDIR_CERT_STATUS_NONE;
  CU_ASSERT_EQUAL(sslvdir_cert_status_parse(NULL, 2, &cs), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(cs, SSLVDIR_CERT_STATUS_UNTRUSTED);
}

/* Text writers: after any error the caller's buffer holds the empty
 * string, never the text of a previous call. */
static void test_writers_empty_out_on_error(void) {
  char out[SSLVDIR_FLAGS_TEXT_MAX];
  size_t n = 77;
  CU_ASSERT_EQUAL(sslvdir_flags_format(SSLVDIR_SSL, out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(out, "Ssl");
  CU_ASSERT_EQUAL(sslvdir_flags_format(0x1000, out, sizeof out, &n), SSLVDIR_E_RANGE);
  CU_ASSERT_STRING_EQUAL(out, "");
  CU_ASSERT_EQUAL(n, 0);

  char path[64];
  int reason = 5;
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize("/owa/", 5, &reason, path, sizeof path, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(path, "/owa/");
  n = 77;
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(NULL, 5, &reason, path, sizeof path, &n),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(path, "");
  CU_ASSERT_EQUAL(n, 0);
  CU_ASSERT_EQUAL(reason, SSLVDIR_R_NONE);
}

/* The canonical path is measured and written by the same code: over the
 * decide fuzz corpus (each file, and each of its lines, as a target), a
 * call with out NULL and out_size 0 gives the length the writing call
 * writes, out_len bytes are too few and out_len + 1 enough, and a refused
 * target is refused for the same reason whatever the buffer. */
static void canon_agrees(const char *t, size_t len, int *checked, int *refused) {
  static char full[SSLVDIR_PATH_BUFSZ], cut[SSLVDIR_PATH_BUFSZ];
  size_t m = 77, w = 77, c = 77;
  int rm = -1, rw = -1, rc = -1;
  int mrc = sslvdir_path_canonicalize(t, len, &rm, NULL, 0, &m);
  int wrc = sslvdir_path_canonicalize(t, len, &rw, full, sizeof full, &w);
  if (wrc == SSLVDIR_E_REFUSED) {
    CU_ASSERT_EQUAL(mrc, SSLVDIR_E_REFUSED);
    CU_ASSERT_EQUAL(rm, rw);
    CU_ASSERT_EQUAL(m, 0);
    (*refused)++;
    return;
  }
  CU_ASSERT_EQUAL_FATAL(wrc, SSLVDIR_OK);
  CU_ASSERT_EQUAL(mrc, SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(m, w);
  CU_ASSERT_EQUAL(strlen(full), w);
  memset(cut, 'Z', sizeof cut);
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(t, len, &rc, cut, w, &c), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(c, w);
  CU_ASSERT_EQUAL(cut[0], '\0');
  CU_ASSERT(w < 2 || cut[1] == 'Z');
  CU_ASSERT_EQUAL(sslvdir_path_canonicalize(t, len, &rc, cut, w + 1, &c), SSLVDIR_OK);
  CU_ASSERT(c == w && memcmp(cut, full, w + 1) == 0);
  (*checked)++;
}

static void test_canonical_measure_agrees(void) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", srcpath("tests/fuzz/corpus/decide"));
  DIR *d = opendir(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  int files = 0, checked = 0, refused = 0;
  for (struct dirent *de; (de = readdir(d));) {
    if (de->d_name[0] == '.')
      continue;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    size_t n;
    char *data = read_file(path, &n);
    if (!data)
      continue;
    files++;
    canon_agrees(data, n, &checked, &refused);
    for (size_t s = n ? 1 : 0, i = s; i <= n; i++) /* byte 0 chooses the scheme and such */
      if (i == n || data[i] == '\n') {
        canon_agrees(data + s, i - s, &checked, &refused);
        s = i + 1;
      }
    free(data);
  }
  closedir(d);
  /* Most of the corpus is hostile: 69 targets written, 915 refused. */
  CU_ASSERT(files >= 100);
  CU_ASSERT(checked >= 50);
  CU_ASSERT(refused >= 500);
}

static const char ad_request[] =
  "<Autodiscover xmlns=\"" SSLVDIR_AD_NS_OUTLOOK_REQUEST "\"><Request>"
  "<EMailAddress>a@contoso.com</EMailAddress><AcceptableResponseSchema>"
  SSLVDIR_AD_NS_OUTLOOK_RESPONSE "</AcceptableResponseSchema></Request></Autodiscover>";

/* A request struct reused from an answered request and given a NULL body
 * is filled as malformed (600), not left with the previous address and
 * error 0; a version the library does not know is still not touched. */
static void test_parse_request_null_body(void) {
  sslvdir_autodiscover_request rq = SSLVDIR_AUTODISCOVER_REQUEST_INIT;
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_parse_request(ad_request, strlen(ad_request), &rq, NULL),
                        SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(rq.email, "a@contoso.com");
  sslvdir_error e;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_parse_request(NULL, 5, &rq, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(e.code, SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(rq.error, 600);
  CU_ASSERT_STRING_EQUAL(rq.email, "");
  CU_ASSERT_EQUAL(rq.schema, SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN);
  sslvdir_autodiscover_request v99;
  memset(&v99, 0x5a, sizeof v99);
  v99.version = 99;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_parse_request(ad_request, strlen(ad_request), &v99, NULL),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(v99.error, 0x5a5a5a5a);
}

/* autodiscover.json is a classifier: *http_status is set before any check,
 * to 500, so that a refused call does not send the previous answer's 200;
 * *out_len is 0. */
static void test_json_status_on_refusal(void) {
  sslvdir_policy *p = policy();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  sslvdir_autodiscover_params prm = SSLVDIR_AUTODISCOVER_PARAMS_INIT, v0 = prm;
  v0.version = 0;
  char out[512];
  const char *q = "Email=a%40contoso.com&Protocol=AutodiscoverV1";
  const char *t = "/autodiscover/autodiscover.json/v1.0/a@contoso.com?Protocol=AutodiscoverV1";
  size_t n = 0;
  int st = 0;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_json(p, q, strlen(q), &prm, &st, out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(st, 200);
  for (int target = 0; target < 2; target++) {
    const char *in = target ? t : q;
    int (*fn)(const sslvdir_policy *, const char *, size_t, const sslvdir_autodiscover_params *, int *,
              char *, size_t, size_t *) =
        target ? sslvdir_autodiscover_json_target : sslvdir_autodiscover_json;
    st = 200;
    n = 77;
    CU_ASSERT_EQUAL(fn(NULL, in, strlen(in), &prm, &st, out, sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(st, 500);
    CU_ASSERT_EQUAL(n, 0);
    st = 200;
    n = 77;
    CU_ASSERT_EQUAL(fn(p, in, strlen(in), &v0, &st, out, sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(st, 500);
    CU_ASSERT_EQUAL(n, 0);
    st = 200;
    CU_ASSERT_EQUAL(fn(p, NULL, 5, &prm, &st, out, sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(st, 500);
    st = 200;
    CU_ASSERT_EQUAL(fn(p, in, strlen(in), &prm, &st, NULL, 5, &n), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(st, 500);
    st = 200;
    CU_ASSERT_EQUAL(fn(p, in, strlen(in), &prm, &st, out, sizeof out, NULL), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(st, 500);
  }
  sslvdir_policy_unref(p);
}

/* An answer that does not fit is not left cut in the caller's buffer (the
 * start of a JSON object, an XML document without its end): a caller that
 * misses SSLVDIR_E_BUFFER_TOO_SMALL finds nothing of it. */
static void test_documents_not_cut(void) {
  sslvdir_policy *p = policy();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  sslvdir_autodiscover_params prm = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  const char *q = "Email=a%40contoso.com&Protocol=AutodiscoverV1";
  size_t want = 0, n;
  int st;
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_json(p, q, strlen(q), &prm, &st, NULL, 0, &want),
                        SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_FATAL(want > 20);
  static char out[16384];
  for (size_t size = 1; size < want; size += 7) {
    memset(out, 'Z', sizeof out);
    CU_ASSERT_EQUAL(sslvdir_autodiscover_json(p, q, strlen(q), &prm, &st, out, size, &n),
                    SSLVDIR_E_BUFFER_TOO_SMALL);
    CU_ASSERT_EQUAL(n, want);
    CU_ASSERT_EQUAL(st, 200);
    CU_ASSERT_PTR_NULL(memchr(out, '{', size));
    CU_ASSERT_EQUAL(out[size], 'Z'); /* and nothing past out_size */
  }
  CU_ASSERT_EQUAL(sslvdir_autodiscover_respond(p, ad_request, strlen(ad_request), &prm, NULL, 0, &want),
                  SSLVDIR_E_BUFFER_TOO_SMALL);
  memset(out, 'Z', sizeof out);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_respond(p, ad_request, strlen(ad_request), &prm, out, want - 1, &n),
                  SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(n, want);
  CU_ASSERT_PTR_NULL(memchr(out, '<', want - 1));
  CU_ASSERT_EQUAL(sslvdir_autodiscover_respond(p, ad_request, strlen(ad_request), &prm, out, want, &n),
                  SSLVDIR_OK);
  CU_ASSERT_PTR_NOT_NULL(mem_find(out, n, "</Autodiscover>"));
  sslvdir_policy_unref(p);
}

/* SRV selection: a failure leaves no index a caller could take for the
 * chosen record (record 0 included), and no URL. */
static void test_srv_select_clears(void) {
  const sslvdir_srv_record good = {0, 0, 443, "a.contoso.com"}, http = {0, 0, 80, "b.contoso.com"},
                           bad = {0, 0, 443, "a b"};
  char out[SSLVDIR_AUTODISCOVER_URL_BUFSZ];
  size_t idx = 5, n = 77;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(&good, 1, &idx, out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(idx, 0);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(&http, 1, &idx, out, sizeof out, &n), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(idx, SIZE_MAX);
  CU_ASSERT_STRING_EQUAL(out, "");
  idx = 0;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(&bad, 1, &idx, out, sizeof out, &n), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(idx, SIZE_MAX);
  idx = 0;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(NULL, 0, &idx, out, sizeof out, &n), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(idx, SIZE_MAX);
  idx = 0;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(NULL, 3, &idx, out, sizeof out, &n),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(idx, SIZE_MAX);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(&good, 1, &idx, out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(&good, 1, NULL, out, sizeof out, &n),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(out, "");
  CU_ASSERT_EQUAL(n, 0);
}

/* Candidates into an array too short: no entry of a previous call stays. */
static void test_candidates_clear(void) {
  sslvdir_autodiscover_candidate c[4];
  size_t n;
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_candidates("a@contoso.com", c, 4, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(c[0].method, SSLVDIR_AUTODISCOVER_METHOD_POST);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_candidates("a@contoso.com", c, 3, &n), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(n, 4);
  for (int i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(c[i].method, 0);
    CU_ASSERT_STRING_EQUAL(c[i].url, "");
  }
  CU_ASSERT_EQUAL(c[3].method, SSLVDIR_AUTODISCOVER_METHOD_SRV); /* past out_max: not touched */
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_candidates("a@contoso.com", c, 4, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_candidates("a@contoso..com", c, 4, &n), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(n, 0);
  for (int i = 0; i < 4; i++)
    CU_ASSERT_EQUAL(c[i].method, 0);
}

/* Flag bits that are none of the documented ones are refused, not ignored:
 * a caller's typo does not pass for a valid call. */
static void test_unknown_flags(void) {
  sslvdir_plan *pl = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_plan_new(&pl, NULL, NULL, 2016, NULL), SSLVDIR_OK);
  sslvdir_error e = {0};
  CU_ASSERT_EQUAL(sslvdir_plan_build(pl, 0x2u, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "unknown flags"));
  CU_ASSERT_EQUAL(sslvdir_plan_build(pl, SSLVDIR_PLAN_IISRESET, NULL), SSLVDIR_OK);
  sslvdir_plan_free(pl);

  size_t rn;
  char *rd = read_file(srcpath("tests/data/registry/exchange2010-owa.reg"), &rn);
  sslvdir_regfile *r = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_parse(&r, rd, rn, NULL), SSLVDIR_OK);
  size_t n = 7;
  CU_ASSERT_EQUAL(sslvdir_regfile_write(r, 0x4u, NULL, 0, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(n, 0);
  CU_ASSERT_EQUAL(sslvdir_regfile_write(r, SSLVDIR_REGFILE_UTF8 | SSLVDIR_REGFILE_REGEDIT4, NULL,
                                        0, &n), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT(n > 0);
  sslvdir_regfile_free(r);
  free(rd);
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
  CU_add_test(s, "parsers refuse on failure", test_parsers_refuse_on_failure);
  CU_add_test(s, "text writers empty out on error", test_writers_empty_out_on_error);
  CU_add_test(s, "canonical path: measured = written (fuzz corpus)", test_canonical_measure_agrees);
  CU_add_test(s, "Autodiscover request with a NULL body is filled", test_parse_request_null_body);
  CU_add_test(s, "autodiscover.json status on refused arguments", test_json_status_on_refusal);
  CU_add_test(s, "Autodiscover documents are never left cut", test_documents_not_cut);
  CU_add_test(s, "SRV selection clears its outputs", test_srv_select_clears);
  CU_add_test(s, "candidates clear the caller's array", test_candidates_clear);
  CU_add_test(s, "unknown flag bits are refused", test_unknown_flags);
}
