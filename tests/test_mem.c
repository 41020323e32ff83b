/* The failing-allocator sweep: every allocation the library makes is made to
 * fail in turn; every call must then report SSLVDIR_E_NOMEM (or succeed) and
 * leave nothing behind (the sanitizer build checks for leaks). */
#include "config.h"

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
    "<site name='Default Web Site' preset='exchange2016-offload'>"
    "<host name='mail.contoso.com' canonical='true' https-port='8443'/>"
    "<vdir path='/owa' external-url='https://mail.contoso.com/owa'/>"
    "<vdir path='/extra' kind='other' edge='Ssl'/></site>"
    "<site name='Second'><host name='second.contoso.com'/><vdir path='/a/b/c' kind='ews'/></site>"
    "</policy>";

/* One full scenario; returns the first failing status, or OK. */
static int scenario(void) {
  sslvdir_builder *b = NULL;
  sslvdir_policy *p = NULL;
  sslvdir_settings *s = NULL;
  sslvdir_rewriter *rw = NULL;
  int rc;
  if ((rc = sslvdir_settings_new(&s)))
    goto out;
  if ((rc = sslvdir_settings_set_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, 1, NULL)) ||
      (rc = sslvdir_settings_set_string(s, "HKLM\\Software\\X\\Y", "z", NULL)))
    goto out;
  if ((rc = sslvdir_builder_new(&b)))
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
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  sslvdir_settings_free(s);
  return rc;
}

static void test_sweep(void) {
  CU_ASSERT_EQUAL_FATAL(sslvdir_set_allocator(t_malloc, t_realloc, t_free, NULL), SSLVDIR_OK);
  budget = -1;
  count = 0;
  CU_ASSERT_EQUAL_FATAL(scenario(), SSLVDIR_OK);
  long total = count;
  CU_ASSERT(total > 50);
  long failures = 0;
  for (long n = 0; n < total; n++) {
    budget = n;
    int rc = scenario();
    if (rc != SSLVDIR_E_NOMEM && rc != SSLVDIR_OK)
      failures++;
  }
  budget = -1;
  CU_ASSERT_EQUAL(failures, 0);
  CU_ASSERT_EQUAL(sslvdir_set_allocator(t_malloc, NULL, t_free, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_set_allocator(NULL, NULL, NULL, NULL), SSLVDIR_OK);
}

void suite_mem(void) {
  CU_pSuite s = CU_add_suite("mem", NULL, NULL);
  CU_add_test(s, "every allocation failing in turn", test_sweep);
}
