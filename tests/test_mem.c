/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The failing-allocator sweep: every allocation the library makes is made to
 * fail in turn; every call must then report SSLVDIR_E_NOMEM (or succeed) and
 * leave nothing behind (the sanitizer build checks for leaks). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static long budget = -1; /* allocations left before failing; -1 = never fail */
static long count;

static void *t_malloc(size_t n, void *ud) {
  (void)ud;
  count++;
  if (budget == 0)
    return NULL;
  if (budget > 0)
    budget--;
  return malloc(n);
}
static void *t_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  count++;
  if (budget == 0)
    return NULL;
  if (budget > 0)
    budget--;
  return realloc(p, n);
}
static void t_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

static const char file[] =
    "<policy xmlns='urn:libsslvdir:policy:1' version='1'>"
    "<offloader address='10.0.0.0/8'/>"
    "<setting path='HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeOWA\\AllowExternallUntrustedCerts' dword='1'/>"
    "<site name='Default Web Site' preset='exchange2016-offload' redirect='true'>"
    "<host name='mail.contoso.com' canonical='true' https-port='8443'/>"
    "<vdir path='/owa' external-url='https://mail.contoso.com/owa'/>"
    "<vdir path='/extra' kind='other' edge='Ssl'/></site>"
    "<site name='Second'><host name='second.contoso.com'/><vdir path='/a/b/c' kind='ews'/></site>"
    "</policy>";

/* Runs scenario once to count its allocations, then once with each of them
 * failing in turn: every run must succeed or say NOMEM. */
static void sweep(int (*scenario_fn)(void)) {
  CU_ASSERT_EQUAL_FATAL(sslvdir_set_allocator(t_malloc, t_realloc, t_free, NULL), SSLVDIR_OK);
  budget = -1;
  count = 0;
  CU_ASSERT_EQUAL_FATAL(scenario_fn(), SSLVDIR_OK);
  long total = count, failures = 0;
  CU_ASSERT(total > 50);
  for (long k = 0; k < total; k++) {
    budget = k;
    int rc = scenario_fn();
    if (rc != SSLVDIR_E_NOMEM && rc != SSLVDIR_OK) {
      fprintf(stderr, "allocation %ld failing: status %d\n", k, rc);
      failures++;
    }
  }
  budget = -1;
  CU_ASSERT_EQUAL(failures, 0);
  CU_ASSERT_EQUAL(sslvdir_set_allocator(NULL, NULL, NULL, NULL), SSLVDIR_OK);
}

/* One full scenario; returns the first failing status, or OK. */
static int scenario(void) {
  sslvdir_builder *b = NULL;
  sslvdir_policy *p = NULL;
  sslvdir_settings *s = NULL;
  sslvdir_rewriter *rw = NULL;
  sslvdir_policy_slot *slot = NULL;
  int rc;
  if ((rc = sslvdir_settings_new(&s, NULL)))
    goto out;
  if ((rc = sslvdir_settings_set_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, 1, NULL)) ||
      (rc = sslvdir_settings_set_string(s, "HKLM\\Software\\X\\Y", "z", NULL)))
    goto out;
  if ((rc = sslvdir_builder_new(&b, NULL)))
    goto out;
  if ((rc = sslvdir_preset_apply(b, "exchange2010", "Old", NULL)) ||
      (rc = sslvdir_builder_set_settings(b, s, NULL)) ||
      (rc = sslvdir_builder_add_offloader(b, "2001:db8::/32", NULL)) ||
      (rc = sslvdir_builder_set_vdir_url(b, "Old", "/owa", SSLVDIR_URL_INTERNAL, "https://old/owa", NULL)) ||
      (rc = sslvdir_policyfile_parse(b, file, sizeof file - 1, NULL)) ||
      (rc = sslvdir_builder_build(b, &p, NULL)))
    goto out;
  /* A decision allocates nothing at all. */
  long before = count;
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.method = "GET";
  r.method_len = 3;
  r.target = "/owa/%2e%2e/ecp/?x=1";
  r.target_len = strlen(r.target);
  r.host = "mail.contoso.com";
  r.host_len = 16;
  r.peer = "10.1.2.3";
  r.peer_len = 8;
  if ((rc = sslvdir_decide(p, &r, &d)))
    goto out;
  CU_ASSERT_EQUAL(count, before);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_REDIRECT);
  /* A slot allocates once; acquiring and releasing never do. */
  if ((rc = sslvdir_policy_slot_new(&slot, p, NULL)))
    goto out;
  before = count;
  const sslvdir_policy *held = sslvdir_policy_slot_acquire(slot);
  CU_ASSERT_PTR_EQUAL(held, p);
  sslvdir_policy_slot_release(slot, held);
  CU_ASSERT_EQUAL(count, before);
  /* A body rewriter allocates while it is configured, never while it runs. */
  if ((rc = sslvdir_rewriter_new(&rw, p, NULL)) ||
      (rc = sslvdir_rewriter_add_literal(rw, "http://old/", 11, "https://new/", 12, NULL)) ||
      (rc = sslvdir_rewriter_add_host(rw, "extra.contoso.com", 443, NULL)) ||
      (rc = sslvdir_rewriter_set_types(rw, "text/html, text/plain", NULL)))
    goto out;
  before = count;
  static const char body[] = "see http://mail.contoso.com/owa and http://old/x";
  char out[128];
  size_t n;
  CU_ASSERT_EQUAL(sslvdir_rewriter_rewrite(rw, body, sizeof body - 1, out, sizeof out, &n),
                  SSLVDIR_REWRITE_CHANGED);
  CU_ASSERT_EQUAL(count, before);
out:
  sslvdir_rewriter_free(rw);
  sslvdir_policy_slot_free(slot);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  sslvdir_settings_free(s);
  return rc;
}

/* The readers and writers of issues 3 and 5: every allocation they make may
 * fail, and each must then say so and leave nothing behind. */
static const char iis[] =
    "<configuration>\n  <system.applicationHost><sites><site name=\"S\" id=\"1\"><bindings>"
    "<binding protocol=\"https\" bindingInformation=\"*:443:s.example\"/></bindings>"
    "<application path=\"/owa\" applicationPool=\"P\"/></site></sites></system.applicationHost>\n"
    "  <location path=\"S/owa\"><system.webServer><security><access sslFlags=\"Ssl\"/>"
    "</security></system.webServer></location>\n</configuration>\n";
static const char reg[] =
    "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet"
    "\\Services\\MSExchange OWA]\r\n\"SSLOffloaded\"=dword:00000001\r\n\"X\"=hex:01,\\\r\n  02\r\n"
    "\"Bad\"=dword:000000001\r\n\"AllowExternalUntrustedCerts\"=\"1\"\r\n@=\"d\"\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Old]\r\n";
static const char ad_req[] =
    "<Autodiscover xmlns=\"" SSLVDIR_AD_NS_OUTLOOK_REQUEST "\"><Request><EMailAddress>a@s.example"
    "</EMailAddress><AcceptableResponseSchema>" SSLVDIR_AD_NS_OUTLOOK_RESPONSE
    "</AcceptableResponseSchema></Request></Autodiscover>";

static int scenario2(void) {
  sslvdir_iisconfig *c = NULL;
  sslvdir_regfile *r = NULL, *r2 = NULL;
  sslvdir_settings *s = NULL;
  sslvdir_plan *p = NULL;
  sslvdir_builder *b = NULL;
  sslvdir_policy *pol = NULL;
  sslvdir_autodiscover_chain *ch = NULL;
  char out[8192];
  size_t n;
  int rc;
  if ((rc = sslvdir_iisconfig_parse(&c, iis, sizeof iis - 1, NULL)) ||
      (rc = sslvdir_iisconfig_set_ssl_flags(c, "S/owa/x", 0, NULL)) ||
      (rc = sslvdir_settings_new(&s, NULL)) ||
      (rc = sslvdir_regfile_parse(&r, reg, sizeof reg - 1, NULL)) ||
      (rc = sslvdir_regfile_apply(r, s, NULL)) ||
      (rc = sslvdir_regfile_write(r, 0, out, sizeof out, &n)) ||
      (rc = sslvdir_regfile_from_settings(&r2, s, NULL)) ||
      (rc = sslvdir_plan_new(&p, c, s, 2010, NULL)) ||
      (rc = sslvdir_plan_set_outlook_anywhere(p, "CAS1", "mail.s.example", NULL, NULL)) ||
      (rc = sslvdir_plan_want(p, "S/owa", SSLVDIR_UPSTREAM_OFFLOAD, NULL)) ||
      (rc = sslvdir_plan_build(p, 0, NULL)) ||
      (rc = sslvdir_builder_new(&b, NULL)) ||
      (rc = sslvdir_iisconfig_apply(c, b, NULL)) ||
      (rc = sslvdir_builder_add_autodiscover_domain(b, "s.example", SSLVDIR_AUTODISCOVER_ACTION_SETTINGS, "S", NULL)) ||
      (rc = sslvdir_builder_build(b, &pol, NULL)) ||
      (rc = sslvdir_autodiscover_chain_new(&ch, "a@s.example", NULL)) ||
      (rc = sslvdir_autodiscover_chain_follow_addr(ch, "b@t.example", 11, NULL)))
    goto out;
  sslvdir_autodiscover_params params = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  rc = sslvdir_autodiscover_respond(pol, ad_req, sizeof ad_req - 1, &params, out, sizeof out, &n);
  if (!rc)
    CU_ASSERT(mem_find(out, n, "<Action>settings</Action>") != NULL);
out:
  sslvdir_autodiscover_chain_free(ch);
  sslvdir_policy_unref(pol);
  sslvdir_builder_free(b);
  sslvdir_plan_free(p);
  sslvdir_regfile_free(r2);
  sslvdir_regfile_free(r);
  sslvdir_settings_free(s);
  sslvdir_iisconfig_free(c);
  return rc;
}

/* Issue 6: certificates, trust stores and the audit. The certificate files
 * are read once; what the sweep fails is the library's own allocations. */
static char *pem, *crl;
static size_t pem_len, crl_len;

static int scenario3(void) {
  sslvdir_cert *c = NULL;
  sslvdir_trust *t = NULL;
  sslvdir_iisconfig *cfg = NULL;
  sslvdir_settings *s = NULL;
  sslvdir_builder *b = NULL;
  sslvdir_policy *pol = NULL;
  sslvdir_audit *a = NULL;
  unsigned problems;
  int rc;
  if ((rc = sslvdir_cert_parse(&c, pem, pem_len, NULL, NULL)) ||
      (rc = sslvdir_trust_new(&t, NULL)) ||
      (rc = sslvdir_trust_add_ca(t, pem + pem_len / 2, pem_len - pem_len / 2, NULL, NULL)) ||
      (rc = sslvdir_trust_add_crl(t, crl, crl_len, NULL, NULL)) ||
      (rc = sslvdir_trust_verify(t, c, "mail.contoso.com", 16, 0, &problems, NULL)) ||
      (rc = sslvdir_iisconfig_parse(&cfg, iis, sizeof iis - 1, NULL)) ||
      (rc = sslvdir_iisconfig_set_ssl_flags(cfg, "S/owa", 0, NULL)) ||
      (rc = sslvdir_settings_new(&s, NULL)) ||
      (rc = sslvdir_settings_set_dword(s, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED_TYPO, 1, NULL)) ||
      (rc = sslvdir_builder_new(&b, NULL)) ||
      (rc = sslvdir_iisconfig_apply(cfg, b, NULL)) ||
      (rc = sslvdir_builder_build(b, &pol, NULL)) ||
      (rc = sslvdir_audit_new(&a, NULL)) ||
      (rc = sslvdir_audit_set_config(a, cfg)) || (rc = sslvdir_audit_set_registry(a, s)) ||
      (rc = sslvdir_audit_set_policy(a, pol)) || (rc = sslvdir_audit_set_cert(a, c)) ||
      (rc = sslvdir_audit_set_trust(a, t)) ||
      (rc = sslvdir_audit_set_exchange_version(a, 2010)) ||
      (rc = sslvdir_audit_add_namespace(a, "mail.contoso.com", NULL)) ||
      (rc = sslvdir_audit_add_namespace(a, "mail.fabrikam.com", NULL)) ||
      (rc = sslvdir_audit_run(a, NULL)))
    goto out;
  /* The whole scenario yields findings with fixes: the plan, the
   * certificate request and the registry all took part. */
  CU_ASSERT(sslvdir_audit_finding_count(a) >= 4);
  CU_ASSERT_EQUAL(problems, 0);
out:
  if (rc == SSLVDIR_E_NOMEM)
    CU_ASSERT_EQUAL(sslvdir_audit_finding_count(a), 0); /* never a partial list */
  sslvdir_audit_free(a);
  sslvdir_policy_unref(pol);
  sslvdir_builder_free(b);
  sslvdir_settings_free(s);
  sslvdir_iisconfig_free(cfg);
  sslvdir_trust_free(t);
  sslvdir_cert_free(c);
  return rc;
}

static void test_sweep3(void) {
  pem = read_file(certpath("server-chain.pem"), &pem_len);
  crl = read_file(certpath("crl.pem"), &crl_len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(pem);
  CU_ASSERT_PTR_NOT_NULL_FATAL(crl);
  sweep(scenario3);
  free(pem);
  free(crl);
}

/* Policy options: set, spell and build, a preset and a policy document. */
static int scenario4(void) {
  static const char *const set[][2] = {
    {"preset", "exchange2016-offload"}, {"host", "mail.s.example"}, {"host", "autodiscover.s.example"},
    {"ad-domain", "s.example"}, {"redirect", "on"}, {"offloader", "10.0.0.5"},
    {"offloader", "10.1.0.0/16"}, {"offloader-cipher-bits", "128"},
    {"offloader-cipher-header", "X-SSL-Cipher"},
  };
  sslvdir_policy_options *o = NULL, *x = NULL;
  sslvdir_policy *p = NULL, *q = NULL;
  int rc;
  if ((rc = sslvdir_policy_options_new(&o, NULL)) || (rc = sslvdir_policy_options_new(&x, NULL)) ||
      (rc = sslvdir_policy_options_spell(o, "host", "--host", NULL)) ||
      (rc = sslvdir_policy_options_set(x, "policy-xml", file, NULL)))
    goto out;
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
    if ((rc = sslvdir_policy_options_set(o, set[i][0], set[i][1], NULL)))
      goto out;
  if ((rc = sslvdir_policy_options_build(o, &p, NULL)) ||
      (rc = sslvdir_policy_options_build(x, &q, NULL)))
    goto out;
  CU_ASSERT_PTR_NOT_NULL(sslvdir_policy_find_site(p, "mail.s.example", 14));
out:
  sslvdir_policy_unref(q);
  sslvdir_policy_unref(p);
  sslvdir_policy_options_free(x);
  sslvdir_policy_options_free(o);
  return rc;
}

static void test_sweep4(void) { sweep(scenario4); }

/* The constructors that read no input: a NULL out, and each of their
 * allocations failing in turn, give a status and a message in err that says
 * what failed (what sslvdir(1), the bindings and the examples print), and a
 * failure leaves *out NULL. Each maker starts *out at a pointer that is not
 * NULL, to see the constructor clear it; it frees what it made. */
static max_align_t sentinel;
static sslvdir_policy *slot_initial;

static int make_builder(int null_out, sslvdir_error *e, int *cleared) {
  sslvdir_builder *o = (void *)&sentinel;
  int rc = sslvdir_builder_new(null_out ? NULL : &o, e);
  *cleared = o == NULL;
  if (!rc)
    sslvdir_builder_free(o);
  return rc;
}
static int make_settings(int null_out, sslvdir_error *e, int *cleared) {
  sslvdir_settings *o = (void *)&sentinel;
  int rc = sslvdir_settings_new(null_out ? NULL : &o, e);
  *cleared = o == NULL;
  if (!rc)
    sslvdir_settings_free(o);
  return rc;
}
static int make_options(int null_out, sslvdir_error *e, int *cleared) {
  sslvdir_policy_options *o = (void *)&sentinel;
  int rc = sslvdir_policy_options_new(null_out ? NULL : &o, e);
  *cleared = o == NULL;
  if (!rc)
    sslvdir_policy_options_free(o);
  return rc;
}
static int make_slot(int null_out, sslvdir_error *e, int *cleared) {
  sslvdir_policy_slot *o = (void *)&sentinel;
  int rc = sslvdir_policy_slot_new(null_out ? NULL : &o, slot_initial, e);
  *cleared = o == NULL;
  if (!rc)
    sslvdir_policy_slot_free(o);
  return rc;
}

static void test_constructors(void) {
  static const struct {
    int (*make)(int null_out, sslvdir_error *e, int *cleared);
    const char *null_out_message;
  } ctors[] = {
    {make_builder, "builder: NULL argument"},
    {make_settings, "settings: NULL argument"},
    {make_options, "policy options: NULL argument"},
    {make_slot, "policy slot: NULL argument"},
  };
  slot_initial = test_policy("e16");
  CU_ASSERT_PTR_NOT_NULL_FATAL(slot_initial);
  for (size_t i = 0; i < sizeof ctors / sizeof ctors[0]; i++) {
    sslvdir_error e = {0};
    int cleared;
    CU_ASSERT_EQUAL(ctors[i].make(1, &e, &cleared), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(e.code, SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_STRING_EQUAL(e.message, ctors[i].null_out_message);
    CU_ASSERT_EQUAL(ctors[i].make(1, NULL, &cleared), SSLVDIR_E_INVALID_ARGUMENT);
    /* Allocation k fails, for k = 0, 1, ... until none is left to fail. */
    CU_ASSERT_EQUAL_FATAL(sslvdir_set_allocator(t_malloc, t_realloc, t_free, NULL), SSLVDIR_OK);
    long k = 0;
    int rc;
    do {
      budget = k;
      e = (sslvdir_error){0};
      rc = ctors[i].make(0, &e, &cleared);
      if (rc != SSLVDIR_OK) {
        CU_ASSERT_EQUAL(rc, SSLVDIR_E_NOMEM);
        CU_ASSERT_EQUAL(e.code, SSLVDIR_E_NOMEM);
        CU_ASSERT_STRING_EQUAL(e.message, "out of memory");
        CU_ASSERT(cleared);
        budget = 0;
        CU_ASSERT_EQUAL(ctors[i].make(0, NULL, &cleared), SSLVDIR_E_NOMEM);
        CU_ASSERT(cleared);
      }
    } while (rc != SSLVDIR_OK && ++k < 16);
    budget = -1;
    CU_ASSERT_EQUAL(rc, SSLVDIR_OK);
    CU_ASSERT(k >= 1); /* at least one allocation was made to fail */
    CU_ASSERT_EQUAL(sslvdir_set_allocator(NULL, NULL, NULL, NULL), SSLVDIR_OK);
  }
  /* A slot always holds a policy: none to start with is an argument error. */
  sslvdir_policy_slot *slot = (void *)&sentinel;
  sslvdir_error e = {0};
  CU_ASSERT_EQUAL(sslvdir_policy_slot_new(&slot, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(slot);
  CU_ASSERT_EQUAL(e.code, SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(e.message, "policy slot: NULL initial policy");
  sslvdir_policy_unref(slot_initial);
  slot_initial = NULL;
}

/* The constructors that read input clear *out first, whatever fails: a
 * caller that frees what *out holds after a failure (a missing file, a NULL
 * argument) frees nothing rather than what its variable held before. */
static void test_constructors_clear_out(void) {
  static const char missing[] = "tests/data/no-such-file";
  sslvdir_iisconfig *cfg = (void *)&sentinel;
  sslvdir_regfile *rf = (void *)&sentinel;
  sslvdir_cert *cert = (void *)&sentinel;
  sslvdir_autodiscover_chain *chain = (void *)&sentinel;
  sslvdir_error e = {0};
  CU_ASSERT_EQUAL(sslvdir_iisconfig_load(&cfg, srcpath(missing), &e), SSLVDIR_E_IO);
  CU_ASSERT_PTR_NULL(cfg);
  cfg = (void *)&sentinel;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_load(&cfg, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(cfg);
  cfg = (void *)&sentinel;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&cfg, NULL, 1, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(cfg);
  CU_ASSERT_EQUAL(sslvdir_regfile_load(&rf, srcpath(missing), &e), SSLVDIR_E_IO);
  CU_ASSERT_PTR_NULL(rf);
  rf = (void *)&sentinel;
  CU_ASSERT_EQUAL(sslvdir_regfile_parse(&rf, NULL, 1, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(rf);
  rf = (void *)&sentinel;
  CU_ASSERT_EQUAL(sslvdir_regfile_from_settings(&rf, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(rf);
  CU_ASSERT_EQUAL(sslvdir_cert_load(&cert, NULL, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(cert);
  cert = (void *)&sentinel;
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&cert, NULL, 1, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(cert);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_new(&chain, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(chain);
}
static void test_sweep2(void) { sweep(scenario2); }

static void test_sweep(void) {
  sweep(scenario);
  CU_ASSERT_EQUAL(sslvdir_set_allocator(t_malloc, NULL, t_free, NULL), SSLVDIR_E_INVALID_ARGUMENT);
}

void suite_mem(void) {
  CU_pSuite s = CU_add_suite("mem", NULL, NULL);
  CU_add_test(s, "every allocation failing in turn", test_sweep);
  CU_add_test(s, "every allocation failing in turn: config, .reg, plan, Autodiscover", test_sweep2);
  CU_add_test(s, "every allocation failing in turn: certificates, trust, audit", test_sweep3);
  CU_add_test(s, "every allocation failing in turn: policy options", test_sweep4);
  CU_add_test(s, "constructors: NULL out and failing allocations say why in err",
              test_constructors);
  CU_add_test(s, "constructors: *out is NULL after any failure", test_constructors_clear_out);
}
