/*
 * Plans: the two scripts of Configuring SSL offloading in Exchange 2013 reproduced exactly, plans against the
 * Exchange 2016 fixture (only what differs, deeper locations, pools), the
 * registry value for OWA on 2010, and the plans the documents forbid.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const char *const seed_vdirs[] = {"Rpc", "OWA", "ecp", "EWS", "Autodiscover",
                                         "Microsoft-Server-ActiveSync", "OAB", "MAPI"};

/* The plan's text in one form, a line per step. */
static char *plan_text(sslvdir_plan *p, sslvdir_plan_form form) {
  size_t cap = 8192, n = 0;
  char *t = malloc(cap);
  t[0] = '\0';
  for (size_t i = 0; i < sslvdir_plan_step_count(p); i++) {
    const char *line;
    if (sslvdir_plan_step(p, i, form, NULL, NULL, &line, NULL))
      break;
    n += (size_t)snprintf(t + n, cap - n, "%s\n", line);
  }
  return t;
}

static void test_seed_scripts(void) {
  static const struct {
    sslvdir_plan_form form;
    const char *file;
    int owa_upper;
  } forms[] = {{SSLVDIR_PLAN_POWERSHELL, "tests/data/config/seed004-powershell.ps1", 1},
               {SSLVDIR_PLAN_APPCMD, "tests/data/config/seed004-appcmd.ps1", 0}};
  for (size_t f = 0; f < 2; f++) {
    sslvdir_plan *p;
    sslvdir_error e;
    CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, NULL, 2013, &e) == SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_plan_set_outlook_anywhere(p, "MyServer", "MyServer.mail.contoso.com",
                                                      "Basic", &e), SSLVDIR_OK);
    for (size_t i = 0; i < 8; i++) {
      char path[128];
      snprintf(path, sizeof path, "Default Web Site/%s",
               i == 1 && !forms[f].owa_upper ? "owa" : seed_vdirs[i]);
      CU_ASSERT_EQUAL(sslvdir_plan_want(p, path, SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
    }
    CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, SSLVDIR_PLAN_IISRESET, &e), SSLVDIR_OK);
    size_t n;
    char *want = read_file(srcpath(forms[f].file), &n), *got = plan_text(p, forms[f].form);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    if (strcmp(got, want))
      fprintf(stderr, "plan differs from %s:\n%s", forms[f].file, got);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(want);
    free(got);
    sslvdir_regfile *r;
    CU_ASSERT_EQUAL(sslvdir_plan_registry(p, &r, &e), SSLVDIR_E_NOT_FOUND);
    sslvdir_plan_free(p);
  }
}

static void test_against_config(void) {
  size_t len;
  char *data = read_file(srcpath("tests/data/config/exchange2016.config"), &len);
  sslvdir_iisconfig *c;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_iisconfig_parse(&c, data, len, &e) == SSLVDIR_OK);
  free(data);
  sslvdir_settings *reg;
  CU_ASSERT_FATAL(sslvdir_settings_new(&reg) == SSLVDIR_OK);
  sslvdir_plan *p;
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, reg, 2016, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/Rpc", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/PowerShell", SSLVDIR_UPSTREAM_BRIDGE, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
  char *got = plan_text(p, SSLVDIR_PLAN_POWERSHELL);
  /* Outlook Anywhere is offloaded already on 2016 (the registry store says
   * nothing, so the default stands) and Rpc has None: no step for it. The
   * owa vdir and the two locations under it that set sslFlags and require
   * SSL (owa/Calendar ships None already); PowerShell is bridged and keeps
   * the client certificate it asks for; one recycle per pool, in
   * first-touched order. */
  static const char want[] =
      "Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value \"None\" -PSPath IIS: -Location \"Default Web Site/owa\"\n"
      "Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value \"None\" -PSPath IIS: -Location \"Default Web Site/owa/Integrated\"\n"
      "Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value \"None\" -PSPath IIS: -Location \"Default Web Site/owa/oma\"\n"
      "Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value \"Ssl,SslNegotiateCert,Ssl128\" -PSPath IIS: -Location \"Default Web Site/PowerShell\"\n"
      "Restart-WebAppPool MSExchangeOWAAppPool\n"
      "Restart-WebAppPool MSExchangePowerShellFrontEndAppPool\n";
  if (strcmp(got, want))
    fprintf(stderr, "plan:\n%s", got);
  CU_ASSERT_STRING_EQUAL(got, want);
  free(got);
  int kind;
  const char *target, *text, *why;
  CU_ASSERT_EQUAL(sslvdir_plan_step(p, 3, SSLVDIR_PLAN_APPCMD, &kind, &target, &text, &why), SSLVDIR_OK);
  CU_ASSERT(kind == SSLVDIR_STEP_SSLFLAGS && !strcmp(target, "Default Web Site/PowerShell") &&
            !strcmp(text, "&$env:systemroot\\system32\\inetsrv\\appcmd set config \"Default Web Site/PowerShell\" /section:access /sslFlags:\"Ssl,SslNegotiateCert,Ssl128\" /commit:APPHOST") &&
            why[0]);
  CU_ASSERT_EQUAL(sslvdir_plan_step(p, 6, SSLVDIR_PLAN_APPCMD, NULL, NULL, NULL, NULL), SSLVDIR_E_NOT_FOUND);
  sslvdir_plan_free(p);

  /* Once the change is made, the plan is empty. */
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/EWS", 0, &e), SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, reg, 2016, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/EWS", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_step_count(p), 0);
  sslvdir_plan_free(p);

  /* The refusals, each with its reason. */
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, NULL, 2016, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/EWS/mrsproxy.svc", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_E_REFUSED);
  CU_ASSERT(strstr(e.message, "MRSProxy") && strstr(e.message, "bridging"));
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/EWS/mrsproxy.svc", SSLVDIR_UPSTREAM_BRIDGE, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Exchange Back End/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_E_REFUSED);
  CU_ASSERT(strstr(e.message, "Back End") != NULL);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Exchange Back End/owa", SSLVDIR_UPSTREAM_BRIDGE, &e), SSLVDIR_E_REFUSED);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Other Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/o\"wa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_AUTO, &e), SSLVDIR_E_INVALID_ARGUMENT);
  sslvdir_plan_free(p);
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, NULL, 2007, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/Microsoft-Server-ActiveSync", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_E_REFUSED);
  CU_ASSERT(strstr(e.message, "2007") != NULL);
  CU_ASSERT_EQUAL(sslvdir_plan_set_outlook_anywhere(p, "My Server", NULL, NULL, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_plan_set_outlook_anywhere(p, "CAS1", "mail.contoso.com", "Digest", &e), SSLVDIR_E_UNKNOWN_NAME);
  sslvdir_plan_free(p);
  CU_ASSERT_EQUAL(sslvdir_plan_new(&p, NULL, NULL, 2011, &e), SSLVDIR_E_RANGE);
  sslvdir_settings_free(reg);
  sslvdir_iisconfig_free(c);
}

/* Without a configuration, what the version ships stands in for it: on
 * 2010 /Rpc ships requiring SSL (so offloading it takes a step), on 2016
 * with None (no step); PowerShell bridged keeps the client certificate
 * it ships asking for. */
static void test_shipped_defaults(void) {
  static const struct {
    unsigned version;
    const char *path;
    sslvdir_upstream up;
    const char *want;
  } cases[] = {
    {2010, "Default Web Site/Rpc", SSLVDIR_UPSTREAM_OFFLOAD,
     "Set-OutlookAnywhere -Identity MyServer\\Rpc* -SSLOffloading $true\n"
     "Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value \"None\" -PSPath IIS: -Location \"Default Web Site/Rpc\"\n"
     "Restart-WebAppPool MSExchangeRpcProxyFrontEndAppPool\n"},
    {2016, "Default Web Site/Rpc", SSLVDIR_UPSTREAM_OFFLOAD,
     "Set-OutlookAnywhere -Identity MyServer\\Rpc* -SSLOffloading $true\n"},
    {2016, "Default Web Site/PowerShell", SSLVDIR_UPSTREAM_BRIDGE,
     "Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value \"Ssl,SslNegotiateCert,Ssl128\" -PSPath IIS: -Location \"Default Web Site/PowerShell\"\n"
     "Restart-WebAppPool MSExchangePowerShellFrontEndAppPool\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sslvdir_plan *p;
    sslvdir_error e;
    CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, NULL, cases[i].version, &e) == SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_plan_want(p, cases[i].path, cases[i].up, &e), SSLVDIR_OK);
    CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
    char *got = plan_text(p, SSLVDIR_PLAN_POWERSHELL);
    if (strcmp(got, cases[i].want))
      fprintf(stderr, "plan %u %s:\n%s", cases[i].version, cases[i].path, got);
    CU_ASSERT_STRING_EQUAL(got, cases[i].want);
    free(got);
    sslvdir_plan_free(p);
  }
}

static void test_registry_plan(void) {
  /* OWA on 2010: SSLOffloaded=1 first, as a command and as a .reg file. */
  sslvdir_plan *p;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, NULL, 2010, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/Exchange", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
  char *got = plan_text(p, SSLVDIR_PLAN_APPCMD);
  static const char want[] =
      "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA\" /v SSLOffloaded /t REG_DWORD /d 1 /f\n"
      "&$env:systemroot\\system32\\inetsrv\\appcmd set config \"Default Web Site/owa\" /section:access /sslFlags:None /commit:APPHOST\n"
      "&$env:systemroot\\system32\\inetsrv\\appcmd set config \"Default Web Site/Exchange\" /section:access /sslFlags:None /commit:APPHOST\n"
      "&$env:systemroot\\system32\\inetsrv\\appcmd Recycle AppPool MSExchangeOWAAppPool\n";
  if (strcmp(got, want))
    fprintf(stderr, "plan:\n%s", got);
  CU_ASSERT_STRING_EQUAL(got, want);
  free(got);
  sslvdir_regfile *r;
  CU_ASSERT_EQUAL_FATAL(sslvdir_plan_registry(p, &r, &e), SSLVDIR_OK);
  char out[1024];
  size_t n;
  CU_ASSERT_EQUAL_FATAL(sslvdir_regfile_write(r, SSLVDIR_REGFILE_UTF8, out, sizeof out, &n), SSLVDIR_OK);
  static const char reg[] = "Windows Registry Editor Version 5.00\r\n\r\n"
      "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA]\r\n"
      "\"SSLOffloaded\"=dword:00000001\r\n\r\n";
  CU_ASSERT(n == sizeof reg - 1 && !memcmp(out, reg, n));
  sslvdir_regfile_free(r);
  sslvdir_plan_free(p);
  /* With SSLOffloaded=1 in the registry already, no registry step. */
  sslvdir_settings *s;
  CU_ASSERT_FATAL(sslvdir_settings_new(&s) == SSLVDIR_OK);
  CU_ASSERT(!sslvdir_settings_set_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, 1, NULL));
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, s, 2010, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
  int kind;
  CU_ASSERT(!sslvdir_plan_step(p, 0, SSLVDIR_PLAN_APPCMD, &kind, NULL, NULL, NULL) && kind == SSLVDIR_STEP_SSLFLAGS);
  sslvdir_plan_free(p);
  sslvdir_settings_free(s);
}

void suite_plan(void) {
  CU_pSuite s = CU_add_suite("plan", NULL, NULL);
  CU_add_test(s, "seed 004's two scripts", test_seed_scripts);
  CU_add_test(s, "against the Exchange 2016 configuration", test_against_config);
  CU_add_test(s, "registry steps and the .reg file", test_registry_plan);
  CU_add_test(s, "without a configuration: what the version ships", test_shipped_defaults);
}
