/*
 * Ownership: what the public headers let a caller free, change or keep, done
 * right after the call that permits it, then the result used. A header that
 * promises more than the library does is a use after free here, which
 * AddressSanitizer (the sanitizer build) and valgrind (make check-valgrind)
 * report; where the library would read the caller's object after a change,
 * the results differ and the test fails in any build.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static sslvdir_iisconfig *load_config(const char *rel) {
  size_t len;
  char *data = read_file(srcpath(rel), &len);
  sslvdir_iisconfig *c = NULL;
  sslvdir_error e;
  if (data && sslvdir_iisconfig_parse(&c, data, len, &e))
    c = NULL;
  free(data); /* parse keeps no pointer into the caller's bytes */
  return c;
}

/* The plan's steps in appcmd form, a line each. */
static char *plan_lines(const sslvdir_plan *p) {
  size_t cap = 1, n = 0;
  for (size_t i = 0; i < sslvdir_plan_step_count(p); i++) {
    const char *line;
    if (!sslvdir_plan_step(p, i, SSLVDIR_PLAN_APPCMD, NULL, NULL, &line, NULL))
      cap += strlen(line) + 1;
  }
  char *t = malloc(cap);
  if (!t)
    return NULL;
  t[0] = '\0';
  for (size_t i = 0; i < sslvdir_plan_step_count(p); i++) {
    const char *line;
    if (!sslvdir_plan_step(p, i, SSLVDIR_PLAN_APPCMD, NULL, NULL, &line, NULL))
      n += (size_t)snprintf(t + n, cap - n, "%s\n", line);
  }
  return t;
}

static int plan_wants(sslvdir_plan *p, sslvdir_error *e) {
  int rc = sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, e);
  if (!rc)
    rc = sslvdir_plan_want(p, "Default Web Site/Rpc", SSLVDIR_UPSTREAM_OFFLOAD, e);
  if (!rc)
    rc = sslvdir_plan_build(p, 0, e);
  return rc;
}

/* plan.h: the configuration and the registry values may be changed or
 * freed as soon as sslvdir_plan_new() returns. */
static void test_plan_inputs(void) {
  sslvdir_error e;
  sslvdir_iisconfig *ref_cfg = load_config("tests/data/config/exchange2016.config");
  sslvdir_settings *ref_reg;
  CU_ASSERT_FATAL(ref_cfg != NULL);
  CU_ASSERT_FATAL(sslvdir_settings_new(&ref_reg) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_settings_set_dword(ref_reg, SSLVDIR_KEY_OA_SSL_OFFLOADING, 0, &e) ==
                  SSLVDIR_OK);
  sslvdir_plan *ref;
  CU_ASSERT_FATAL(sslvdir_plan_new(&ref, ref_cfg, ref_reg, 2016, &e) == SSLVDIR_OK);
  CU_ASSERT_FATAL(plan_wants(ref, &e) == SSLVDIR_OK);
  char *want = plan_lines(ref);
  CU_ASSERT_FATAL(want != NULL);
  /* The reference offloads owa and turns Outlook Anywhere's SSLOffloading on. */
  CU_ASSERT(strstr(want, "\"Default Web Site/owa\" /section:access /sslFlags:None") != NULL);
  CU_ASSERT(strstr(want, "-SSLOffloading $true") != NULL);

  sslvdir_iisconfig *cfg = load_config("tests/data/config/exchange2016.config");
  sslvdir_settings *reg;
  CU_ASSERT_FATAL(cfg != NULL);
  CU_ASSERT_FATAL(sslvdir_settings_new(&reg) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_settings_set_dword(reg, SSLVDIR_KEY_OA_SSL_OFFLOADING, 0, &e) ==
                  SSLVDIR_OK);
  sslvdir_plan *p;
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, cfg, reg, 2016, &e) == SSLVDIR_OK);
  /* Changed after the call: a plan that kept them would see owa offloaded
   * already and Outlook Anywhere offloading, and leave both out. */
  CU_ASSERT_FATAL(sslvdir_iisconfig_set_ssl_flags(cfg, "Default Web Site/owa", SSLVDIR_SSL_NONE,
                                                  &e) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_settings_set_dword(reg, SSLVDIR_KEY_OA_SSL_OFFLOADING, 1, &e) ==
                  SSLVDIR_OK);
  sslvdir_iisconfig_free(cfg);
  sslvdir_settings_free(reg);
  CU_ASSERT_EQUAL_FATAL(plan_wants(p, &e), SSLVDIR_OK);
  char *got = plan_lines(p);
  CU_ASSERT_FATAL(got != NULL);
  if (strcmp(got, want))
    fprintf(stderr, "plan after its inputs were freed:\n%swanted:\n%s", got, want);
  CU_ASSERT_STRING_EQUAL(got, want);
  free(got);
  free(want);
  sslvdir_plan_free(p);
  sslvdir_plan_free(ref);
  sslvdir_iisconfig_free(ref_cfg);
  sslvdir_settings_free(ref_reg);
}

void suite_ownership(void) {
  CU_pSuite s = CU_add_suite("ownership", NULL, NULL);
  CU_add_test(s, "plan: configuration and registry freed after sslvdir_plan_new()", test_plan_inputs);
}
