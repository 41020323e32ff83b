/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
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
  } forms[] = {{SSLVDIR_PLAN_FORM_POWERSHELL, "tests/data/config/offloading2013-powershell.ps1", 1},
               {SSLVDIR_PLAN_FORM_APPCMD, "tests/data/config/offloading2013-appcmd.ps1", 0}};
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
    char *script = read_file(srcpath(forms[f].file), &n), *got = plan_text(p, forms[f].form);
    CU_ASSERT_PTR_NOT_NULL_FATAL(script);
    /* The script, and before its iisreset the location that keeps MRSProxy
     * bridged under the offloaded EWS: the same document says MRSProxy
     * does not support SSL offloading, and its script would carry it
     * along with EWS. */
    static const char *const mrs[] = {
        "Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value "
        "\"Ssl,Ssl128\" -PSPath IIS: -Location \"Default Web Site/EWS/mrsproxy.svc\"\n",
        "&$env:systemroot\\system32\\inetsrv\\appcmd set config \"Default Web "
        "Site/EWS/mrsproxy.svc\" /section:access /sslFlags:\"Ssl,Ssl128\" /commit:APPHOST\n"};
    char *last = strstr(script, "iisreset /noforce\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(last);
    char *want = malloc(n + strlen(mrs[f]) + 1);
    sprintf(want, "%.*s%s%s", (int)(last - script), script, mrs[f], last);
    free(script);
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
  CU_ASSERT_FATAL(sslvdir_settings_new(&reg, NULL) == SSLVDIR_OK);
  sslvdir_plan *p;
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, reg, 2016, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  /* A vdir the configuration does not have (a typo) gets no steps for a
   * location no URL reaches: an error, as for a site it does not have. */
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/nonexist", SSLVDIR_UPSTREAM_OFFLOAD, &e),
                  SSLVDIR_E_NOT_FOUND);
  CU_ASSERT(strstr(e.message, "no vdir 'Default Web Site/nonexist'") != NULL);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owaa", SSLVDIR_UPSTREAM_BRIDGE, &e),
                  SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Website/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e),
                  SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/Rpc", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/PowerShell", SSLVDIR_UPSTREAM_BRIDGE, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
  char *got = plan_text(p, SSLVDIR_PLAN_FORM_POWERSHELL);
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
  CU_ASSERT_EQUAL(sslvdir_plan_step(p, 3, SSLVDIR_PLAN_FORM_APPCMD, &kind, &target, &text, &why), SSLVDIR_OK);
  CU_ASSERT(kind == SSLVDIR_STEP_SSLFLAGS && !strcmp(target, "Default Web Site/PowerShell") &&
            !strcmp(text, "&$env:systemroot\\system32\\inetsrv\\appcmd set config \"Default Web Site/PowerShell\" /section:access /sslFlags:\"Ssl,SslNegotiateCert,Ssl128\" /commit:APPHOST") &&
            why[0]);
  CU_ASSERT_EQUAL(sslvdir_plan_step(p, 6, SSLVDIR_PLAN_FORM_APPCMD, NULL, NULL, NULL, NULL), SSLVDIR_E_NOT_FOUND);
  sslvdir_plan_free(p);

  /* Once the change is made, the plan is empty. */
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/EWS", 0, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/EWS/mrsproxy.svc",
                                                  SSLVDIR_SSL | SSLVDIR_SSL_128, &e), SSLVDIR_OK);
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
  CU_ASSERT_EQUAL(sslvdir_plan_new(&p, NULL, NULL, 2025, &e), SSLVDIR_OK); /* SE */
  sslvdir_plan_free(p);
  p = NULL;
  sslvdir_settings_free(reg);
  sslvdir_iisconfig_free(c);
}

/* Without a configuration, a misspelled site or vdir is as much an error
 * as with one: its steps would name a location the server does not have,
 * and the vdir meant would keep its settings. What the version ships
 * decides; a path below a shipped vdir is the vdir's. */
static void test_unknown_vdir_without_config(void) {
  static const struct {
    unsigned version;
    const char *path;
    int rc;
    const char *says;
  } cases[] = {
      {2016, "Default Website/owa", SSLVDIR_E_NOT_FOUND, "'Default Website' is not the site"},
      {2016, "Other Site/owa", SSLVDIR_E_NOT_FOUND, "'Other Site' is not the site"},
      {2016, "Default Web Site/owaa", SSLVDIR_E_NOT_FOUND,
       "Exchange 2016 creates no vdir 'Default Web Site/owaa'"},
      {2016, "Default Web Site/Exchange", SSLVDIR_E_NOT_FOUND, "Exchange 2016 creates no vdir"},
      {2010, "Default Web Site/mapi", SSLVDIR_E_NOT_FOUND, "Exchange 2010 creates no vdir"},
      {2025, "Default Web Site/nonexist", SSLVDIR_E_NOT_FOUND, "Exchange SE creates no vdir"},
      {0, "Default Web Site/nonexist", SSLVDIR_E_NOT_FOUND, "Exchange creates no vdir"},
      {0, "Default Web Site/Exchange", SSLVDIR_OK, NULL}, /* 2007 and 2010 ship it */
      {2010, "Default Web Site/Exchange", SSLVDIR_OK, NULL},
      {2016, "Default Web Site/OWA", SSLVDIR_OK, NULL},
      {2016, "Default Web Site/owa/x", SSLVDIR_OK, NULL},
      {2016, "Default Web Site/mapi/", SSLVDIR_OK, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sslvdir_plan *p;
    sslvdir_error e = {0};
    CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, NULL, cases[i].version, &e) == SSLVDIR_OK);
    int rc = sslvdir_plan_want(p, cases[i].path, SSLVDIR_UPSTREAM_OFFLOAD, &e);
    if (rc != cases[i].rc || (cases[i].says && !strstr(e.message, cases[i].says)))
      fprintf(stderr, "plan %u %s: %d %s\n", cases[i].version, cases[i].path, rc, e.message);
    CU_ASSERT_EQUAL(rc, cases[i].rc);
    if (cases[i].says)
      CU_ASSERT(strstr(e.message, cases[i].says) != NULL);
    /* Nothing planned for what was refused. */
    CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_plan_step_count(p) == 0, rc != SSLVDIR_OK);
    sslvdir_plan_free(p);
  }
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
    char *got = plan_text(p, SSLVDIR_PLAN_FORM_POWERSHELL);
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
  char *got = plan_text(p, SSLVDIR_PLAN_FORM_APPCMD);
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
  CU_ASSERT_FATAL(sslvdir_settings_new(&s, NULL) == SSLVDIR_OK);
  CU_ASSERT(!sslvdir_settings_set_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, 1, NULL));
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, s, 2010, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
  int kind;
  CU_ASSERT(!sslvdir_plan_step(p, 0, SSLVDIR_PLAN_FORM_APPCMD, &kind, NULL, NULL, NULL) && kind == SSLVDIR_STEP_SSLFLAGS);
  sslvdir_plan_free(p);
  sslvdir_settings_free(s);
}

/*
 * Independent models of how the lines are read, to check the quoting.
 *
 * PowerShell, inside a double-quoted string: U+0022 and the typographic
 * U+201C, U+201D and U+201E all end it (two in a row stand for one), '`'
 * escapes the next character and '$' starts an expansion. Windows
 * PowerShell 5.1 reads a script without a BOM in the ANSI code page
 * (Windows-1252), where the bytes 0x84, 0x93 and 0x94 are those three
 * typographic quotes; PowerShell 7 reads UTF-8. ps_string() gives the
 * string's value only when both readings agree and nothing is escaped or
 * expanded; *end is past the closing quote.
 */
static int ps_dquote(const unsigned char *s, int ansi) {
  if (s[0] == '"')
    return 1;
  if (ansi)
    return s[0] == 0x84 || s[0] == 0x93 || s[0] == 0x94;
  return s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0x9c && s[2] <= 0x9e ? 3 : 0;
}

static char *ps_string(const char *line, const char **end) {
  char *v[2] = {NULL, NULL};
  const char *e[2] = {NULL, NULL};
  for (int ansi = 0; ansi < 2; ansi++) {
    const unsigned char *c = (const unsigned char *)line;
    int q = ps_dquote(c, ansi);
    if (!q)
      return NULL;
    c += q;
    char *out = calloc(1, strlen(line) + 1);
    size_t n = 0;
    for (;;) {
      if (!*c || *c == '`' || *c == '$') {
        free(out);
        out = NULL;
        break;
      }
      if ((q = ps_dquote(c, ansi))) {
        c += q;
        int q2 = ps_dquote(c, ansi);
        if (!q2)
          break;
        memcpy(out + n, c, (size_t)q2); /* doubled: the second stands */
        n += (size_t)q2;
        c += q2;
        continue;
      }
      out[n++] = (char)*c++;
    }
    v[ansi] = out;
    e[ansi] = (const char *)c;
  }
  if (!v[0] || !v[1] || strcmp(v[0], v[1]) || e[0] != e[1]) {
    free(v[0]);
    free(v[1]);
    return NULL;
  }
  free(v[1]);
  *end = e[0];
  return v[0];
}

/* cmd.exe, then the program's own argument parser (the rules of
 * CommandLineToArgvW): inside double quotes cmd.exe still expands %VAR%
 * and, with delayed expansion on, !VAR!; then 2n backslashes before '"'
 * give n and the quote, 2n+1 give n and a literal '"', and other
 * backslashes stand for themselves. NULL when cmd.exe could expand
 * something or the argument does not end at a closing quote. */
static char *cmd_arg(const char *line) {
  if (line[0] != '"')
    return NULL;
  char *out = calloc(1, strlen(line) + 1);
  size_t n = 0;
  const char *c = line + 1;
  for (;;) {
    if (!*c || *c == '%' || *c == '!') {
      free(out);
      return NULL;
    }
    size_t bs = 0;
    while (c[bs] == '\\')
      bs++;
    if (c[bs] == '"') {
      memset(out + n, '\\', bs / 2);
      n += bs / 2;
      c += bs;
      if (bs % 2 == 0) {
        c++;
        break;
      }
      out[n++] = '"';
      c++;
      continue;
    }
    if (bs) {
      memset(out + n, '\\', bs);
      n += bs;
      c += bs;
      continue;
    }
    out[n++] = *c++;
  }
  if (*c && *c != ' ') {
    free(out);
    return NULL;
  }
  return out;
}

static void test_quoting(void) {
  /* Characters that mean themselves inside double quotes everywhere: the
   * name reaches IIS as it was asked for, in both forms. */
  static const char *const kept[] = {"'", "^", "&", "|", "<", ">", ";", "(", ")", ",", "=",
                                     "@", "#", "{", "}", "+", "[", "]", "''", "&calc"};
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
    char name[64];
    snprintf(name, sizeof name, "Default Web Site/owa/o%swa", kept[i]);
    sslvdir_plan *p;
    sslvdir_error e;
    CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, NULL, 2016, &e) == SSLVDIR_OK);
    CU_ASSERT_EQUAL_FATAL(sslvdir_plan_want(p, name, SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
    CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, SSLVDIR_PLAN_IISRESET, &e), SSLVDIR_OK);
    const char *ps, *ac, *end;
    CU_ASSERT_FATAL(!sslvdir_plan_step(p, 0, SSLVDIR_PLAN_FORM_POWERSHELL, NULL, NULL, &ps, NULL));
    CU_ASSERT_FATAL(!sslvdir_plan_step(p, 0, SSLVDIR_PLAN_FORM_APPCMD, NULL, NULL, &ac, NULL));
    const char *loc = strstr(ps, "-Location "), *cfg = strstr(ac, " set config ");
    CU_ASSERT_FATAL(loc && cfg);
    char *v = ps_string(loc + 10, &end);
    CU_ASSERT(v && !strcmp(v, name) && *end == '\0');
    free(v);
    v = ps_string(cfg + 12, &end);
    CU_ASSERT(v && !strcmp(v, name) && !strncmp(end, " /section:access", 16));
    free(v);
    v = cmd_arg(cfg + 12);
    CU_ASSERT(v && !strcmp(v, name));
    if (!v)
      fprintf(stderr, "quoting: %s\n%s\n", ps, ac);
    free(v);
    sslvdir_plan_free(p);
  }
  /* What no quoting makes safe in all three readers is refused, with the
   * reason: PowerShell's typographic quotes (both kinds, since a name in
   * single quotes would end at U+2018 to U+201B), its escape and expansion
   * characters, cmd.exe's expansions, '"', '\', control bytes and any byte
   * above 0x7F ("o\xc5\x91" holds 0x91, a quotation mark in Windows-1252). */
  static const char *const refused[] = {
      "\xe2\x80\x98", "\xe2\x80\x99", "\xe2\x80\x9a", "\xe2\x80\x9b", "\xe2\x80\x9c",
      "\xe2\x80\x9d", "\xe2\x80\x9e", "`", "$", "$(calc)", "\"", "%", "%COMSPEC%", "!", "\\",
      "\x01", "\x1b[31m", "\x7f", "\xc3\xa9", "\xc5\x91", "\xff"};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    char name[64];
    snprintf(name, sizeof name, "Default Web Site/o%swa", refused[i]);
    sslvdir_plan *p;
    sslvdir_error e = {0};
    CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, NULL, 2016, &e) == SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_plan_want(p, name, SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_E_SYNTAX);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "cannot be written safely"));
    CU_ASSERT_PTR_NULL(strchr(e.message, '\x1b')); /* control bytes are not echoed */
    sslvdir_plan_free(p);
  }
  /* The server and host names go in bare: never one PowerShell would read
   * as a parameter. */
  sslvdir_plan *p;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, NULL, NULL, 2016, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_set_outlook_anywhere(p, "CAS1", "-WhatIf", NULL, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_plan_set_outlook_anywhere(p, "-Confirm", NULL, NULL, &e), SSLVDIR_E_SYNTAX);
  sslvdir_plan_free(p);
}

/* A configuration whose names the plan must write: a location and pools. */
static sslvdir_iisconfig *config_with(const char *apps, const char *locations) {
  char *x = malloc(65536 + strlen(apps) + strlen(locations));
  sprintf(x, "<configuration>\n<system.applicationHost><sites><site name=\"Default Web Site\" "
             "id=\"1\">%s<bindings><binding protocol=\"https\" bindingInformation=\"*:443:\"/>"
             "</bindings></site></sites></system.applicationHost>\n"
             "<location path=\"Default Web Site\"><system.webServer><security><access "
             "sslFlags=\"Ssl, Ssl128\"/></security></system.webServer></location>\n%s"
             "</configuration>\n", apps, locations);
  sslvdir_iisconfig *c = NULL;
  sslvdir_error e;
  if (sslvdir_iisconfig_parse(&c, x, strlen(x), &e))
    fprintf(stderr, "config_with: %s\n", e.message);
  free(x);
  return c;
}

static void test_config_names(void) {
  static const char loc[] = "<location path=\"Default Web Site/owa/$(calc)\"><system.webServer>"
      "<security><access sslFlags=\"Ssl\"/></security></system.webServer></location>\n";
  sslvdir_iisconfig *c = config_with("<application path=\"/owa\" applicationPool=\"OWA\"/>", loc);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  sslvdir_plan *p;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, NULL, 2016, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT(strstr(e.message, "Default Web Site/owa/$(calc)") && strstr(e.message, "'$'"));
  CU_ASSERT_EQUAL(sslvdir_plan_step_count(p), 0);
  sslvdir_plan_free(p);
  sslvdir_iisconfig_free(c);

  /* ActiveSync with certificate authentication: the device's certificate
   * cannot cross a proxy that ends TLS, so neither plan is made. */
  c = config_with("<application path=\"/Microsoft-Server-ActiveSync\" applicationPool=\"EAS\"/>",
                  "<location path=\"Default Web Site/Microsoft-Server-ActiveSync\"><system.webServer>"
                  "<security><access sslFlags=\"Ssl, SslNegotiateCert, SslRequireCert, Ssl128\"/>"
                  "</security></system.webServer></location>\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, NULL, 2016, &e) == SSLVDIR_OK);
  for (int up = SSLVDIR_UPSTREAM_OFFLOAD; up <= SSLVDIR_UPSTREAM_BRIDGE; up++) {
    e.message[0] = '\0';
    CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/Microsoft-Server-ActiveSync",
                                      (sslvdir_upstream)up, &e), SSLVDIR_E_REFUSED);
    CU_ASSERT(strstr(e.message, "SslRequireCert") && strstr(e.message, "client certificate"));
  }
  sslvdir_plan_free(p);
  sslvdir_iisconfig_free(c);

  /* A pool name is quoted unless Microsoft's document would write it bare; one that
   * cannot be quoted stops the plan. */
  c = config_with("<application path=\"/owa\" applicationPool=\"OWA Pool\"/>"
                  "<application path=\"/ecp\" applicationPool=\"ECP%PATH%\"/>", "");
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, NULL, 2016, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
  const char *ps, *ac;
  CU_ASSERT_FATAL(!sslvdir_plan_step(p, 1, SSLVDIR_PLAN_FORM_POWERSHELL, NULL, NULL, &ps, NULL));
  CU_ASSERT_FATAL(!sslvdir_plan_step(p, 1, SSLVDIR_PLAN_FORM_APPCMD, NULL, NULL, &ac, NULL));
  CU_ASSERT_STRING_EQUAL(ps, "Restart-WebAppPool \"OWA Pool\"");
  CU_ASSERT_STRING_EQUAL(ac, "&$env:systemroot\\system32\\inetsrv\\appcmd Recycle AppPool \"OWA Pool\"");
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/ecp", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT(strstr(e.message, "ECP%PATH%") && strstr(e.message, "'%'"));
  sslvdir_plan_free(p);
  sslvdir_iisconfig_free(c);

  /* PowerShell reads an unquoted argument that parses as a number as that
   * number (0x10 is 16, 1e5 is 100000): such names are quoted. */
  c = config_with("<application path=\"/owa\" applicationPool=\"0x10\"/>", "");
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, NULL, 2016, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_set_outlook_anywhere(p, "EX1", "1e5", "Basic", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
  int saw_pool = 0, saw_ext = 0;
  for (size_t i = 0; i < sslvdir_plan_step_count(p); i++) {
    if (sslvdir_plan_step(p, i, SSLVDIR_PLAN_FORM_POWERSHELL, NULL, NULL, &ps, NULL))
      continue;
    saw_pool |= !strcmp(ps, "Restart-WebAppPool \"0x10\"");
    saw_ext |= strstr(ps, "-Externalhostname \"1e5\" ") != NULL;
    CU_ASSERT(!strstr(ps, "Restart-WebAppPool 0x10") && !strstr(ps, "-Externalhostname 1e5 "));
  }
  CU_ASSERT(saw_pool);
  CU_ASSERT(saw_ext);
  sslvdir_plan_free(p);
  sslvdir_iisconfig_free(c);

  /* More pools than a plan lists one by one: IIS is reset as a whole
   * (this overflowed a fixed array of 256 pools before). */
  char *apps = malloc(300 * 80), *a = apps;
  for (int i = 0; i < 300; i++)
    a += sprintf(a, "<application path=\"/v%d\" applicationPool=\"Pool%d\"/>", i, i);
  c = config_with(apps, "");
  free(apps);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, NULL, 2016, &e) == SSLVDIR_OK);
  for (int i = 0; i < 300; i++) {
    char path[64];
    snprintf(path, sizeof path, "Default Web Site/v%d", i);
    CU_ASSERT_EQUAL(sslvdir_plan_want(p, path, SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  }
  CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_step_count(p), 301);
  int kind;
  CU_ASSERT(!sslvdir_plan_step(p, 300, SSLVDIR_PLAN_FORM_POWERSHELL, &kind, NULL, &ps, NULL) &&
            kind == SSLVDIR_STEP_RECYCLE && !strcmp(ps, "iisreset /noforce"));
  sslvdir_plan_free(p);
  sslvdir_iisconfig_free(c);
}

static sslvdir_iisconfig *fixture(const char *name) {
  char rel[256];
  size_t len;
  snprintf(rel, sizeof rel, "tests/data/config/%s.config", name);
  char *data = read_file(srcpath(rel), &len);
  sslvdir_iisconfig *c = NULL;
  sslvdir_error e;
  if (!data || sslvdir_iisconfig_parse(&c, data, len, &e))
    c = NULL;
  free(data);
  return c;
}

/* The plan of a stock server for wants ("+path" offload, "=path" bridge). */
static char *plan_of(const sslvdir_iisconfig *c, unsigned version, const char *const *wants,
                     size_t n) {
  sslvdir_plan *p;
  sslvdir_error e;
  if (sslvdir_plan_new(&p, c, NULL, version, &e))
    return NULL;
  for (size_t i = 0; i < n; i++)
    CU_ASSERT_EQUAL(sslvdir_plan_want(p, wants[i] + 1, wants[i][0] == '+' ? SSLVDIR_UPSTREAM_OFFLOAD
                                                                           : SSLVDIR_UPSTREAM_BRIDGE, &e),
                    SSLVDIR_OK);
  char *t = sslvdir_plan_build(p, SSLVDIR_PLAN_IISRESET, &e) ? NULL : plan_text(p, SSLVDIR_PLAN_FORM_POWERSHELL);
  sslvdir_plan_free(p);
  return t;
}

/* Offloading EWS must not carry MRSProxy along: it gets a location of its
 * own that keeps SSL, whether or not it is wanted bridged, and in either
 * order (each want is checked against the configuration as the plan
 * leaves it, not as it was). */
static void test_mrsproxy_stays_bridged(void) {
  sslvdir_iisconfig *c = fixture("exchange2019");
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  static const char want[] =
      "Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value \"None\" -PSPath IIS: -Location \"Default Web Site/EWS\"\n"
      "Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value \"Ssl,Ssl128\" -PSPath IIS: -Location \"Default Web Site/EWS/mrsproxy.svc\"\n"
      "iisreset /noforce\n";
  static const char *const alone[] = {"+Default Web Site/EWS"};
  static const char *const both[] = {"+Default Web Site/EWS", "=Default Web Site/EWS/mrsproxy.svc"};
  static const char *const reversed[] = {"=Default Web Site/EWS/mrsproxy.svc", "+Default Web Site/EWS"};
  const char *const *cases[] = {alone, both, reversed};
  size_t counts[] = {1, 2, 2};
  for (size_t i = 0; i < 3; i++) {
    char *got = plan_of(c, 2019, cases[i], counts[i]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    if (strcmp(got, want))
      fprintf(stderr, "case %zu:\n%s", i, got);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
  }
  sslvdir_iisconfig_free(c);
}

/* Extended Protection is not supported with SSL offloading: a plan refuses
 * to offload a vdir that has it, and says how to turn it off. */
static void test_extended_protection_refused(void) {
  sslvdir_iisconfig *c = fixture("exchangeSE");
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  sslvdir_plan *p;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_plan_new(&p, c, NULL, 2019, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e),
                  SSLVDIR_E_REFUSED);
  CU_ASSERT(strstr(e.message, "Extended Protection") &&
            strstr(e.message, "-ExtendedProtectionTokenChecking None"));
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa", SSLVDIR_UPSTREAM_BRIDGE, &e), SSLVDIR_OK);
  /* owa/Calendar ships with Extended Protection off: it may be offloaded. */
  CU_ASSERT_EQUAL(sslvdir_plan_want(p, "Default Web Site/owa/Calendar", SSLVDIR_UPSTREAM_OFFLOAD, &e),
                  SSLVDIR_OK);
  sslvdir_plan_free(p);
  sslvdir_iisconfig_free(c);
}

/*
 * The invariant: the configuration a plan produces, audited, has no error
 * the configuration did not have already, and none about the vdir wanted.
 * For every generated fixture (every version as shipped and each variant),
 * every vdir of it and both answers, the plan's steps are made on a copy of
 * the configuration with the library's own editor (as `config set` makes
 * them), the result is read again and audited with the version and the
 * registry values the plan assumed, its own included. A want the plan
 * refuses must say why.
 */

/* Makes a plan's steps on cfg and reg: sslFlags with the editor, the
 * registry value and Outlook Anywhere's SSLOffloading in the store. */
static int apply_plan(const sslvdir_plan *p, sslvdir_iisconfig *cfg, sslvdir_settings *reg) {
  for (size_t i = 0; i < sslvdir_plan_step_count(p); i++) {
    int kind;
    const char *target, *ps, *v;
    sslvdir_error e;
    if (sslvdir_plan_step(p, i, SSLVDIR_PLAN_FORM_POWERSHELL, &kind, &target, &ps, NULL))
      return -1;
    if (kind == SSLVDIR_STEP_SSLFLAGS) {
      unsigned f;
      if (!(v = strstr(ps, "-Value \"")) ||
          sslvdir_flags_parse(v + 8, strcspn(v + 8, "\""), &f, &e) ||
          sslvdir_iisconfig_set_ssl_flags(cfg, target, f, &e)) {
        fprintf(stderr, "cannot make step '%s'\n", ps);
        return -1;
      }
    } else if (kind == SSLVDIR_STEP_REGISTRY) {
      if (!(v = strstr(ps, "-Value ")) ||
          sslvdir_settings_set_dword(reg, target, (uint32_t)strtoul(v + 7, NULL, 10), NULL))
        return -1;
    } else if (kind == SSLVDIR_STEP_EXCHANGE && (v = strstr(ps, "-SSLOffloading $"))) {
      if (sslvdir_settings_set_dword(reg, SSLVDIR_KEY_OA_SSL_OFFLOADING, v[16] == 't', NULL))
        return -1;
    }
  }
  return 0;
}

/* Audits cfg (read again from its bytes) as version with reg. */
static sslvdir_audit *audit_of(sslvdir_iisconfig *cfg, const sslvdir_settings *reg,
                               unsigned version, sslvdir_iisconfig **reread) {
  const char *d;
  size_t n;
  sslvdir_error e;
  sslvdir_audit *a = NULL;
  *reread = NULL;
  if (sslvdir_iisconfig_bytes(cfg, &d, &n) || sslvdir_iisconfig_parse(reread, d, n, &e) ||
      sslvdir_audit_new(&a, &e) || sslvdir_audit_set_config(a, *reread) ||
      sslvdir_audit_set_registry(a, reg) || sslvdir_audit_set_exchange_version(a, version) ||
      sslvdir_audit_run(a, &e)) {
    sslvdir_audit_free(a);
    return NULL;
  }
  return a;
}

static int had_error(const sslvdir_audit *a, const char *code, const char *object) {
  for (size_t i = 0; i < sslvdir_audit_finding_count(a); i++) {
    int sev;
    const char *c, *o;
    if (!sslvdir_audit_finding(a, i, &sev, &c, &o, NULL, NULL) &&
        sev == SSLVDIR_SEVERITY_ERROR && !strcmp(c, code) && !strcmp(o, object))
      return 1;
  }
  return 0;
}

static void plan_invariant(const char *fixture, unsigned version, size_t *plans, size_t *refused) {
  char rel[256];
  snprintf(rel, sizeof rel, "tests/data/config/%s.config", fixture);
  size_t len;
  char *data = read_file(srcpath(rel), &len);
  sslvdir_iisconfig *c0, *before_rr;
  sslvdir_error e;
  CU_ASSERT_PTR_NOT_NULL_FATAL(data);
  CU_ASSERT_FATAL(sslvdir_iisconfig_parse(&c0, data, len, &e) == SSLVDIR_OK);
  free(data);
  sslvdir_settings *reg0;
  CU_ASSERT_FATAL(sslvdir_settings_new(&reg0, NULL) == SSLVDIR_OK);
  sslvdir_audit *before = audit_of(c0, reg0, version, &before_rr);
  CU_ASSERT_PTR_NOT_NULL_FATAL(before);
  /* Every application, and MRSProxy in each EWS. */
  size_t napps = sslvdir_iisconfig_app_count(c0);
  for (size_t i = 0; i < 2 * napps; i++) {
    const char *app;
    char path[512];
    CU_ASSERT_FATAL(!sslvdir_iisconfig_app(c0, i / 2, &app, NULL));
    if (i % 2 == 0)
      snprintf(path, sizeof path, "%s", app);
    else if (strlen(app) > 4 && !strcmp(app + strlen(app) - 4, "/EWS"))
      snprintf(path, sizeof path, "%s/mrsproxy.svc", app);
    else
      continue;
    if (!strchr(path, '/'))
      continue; /* a site's root application: not a vdir */
    for (int up = SSLVDIR_UPSTREAM_OFFLOAD; up <= SSLVDIR_UPSTREAM_BRIDGE; up++) {
      sslvdir_plan *p;
      CU_ASSERT_FATAL(sslvdir_plan_new(&p, c0, reg0, version, &e) == SSLVDIR_OK);
      e.message[0] = '\0';
      int rc = sslvdir_plan_want(p, path, (sslvdir_upstream)up, &e);
      if (rc) {
        CU_ASSERT_EQUAL(rc, SSLVDIR_E_REFUSED);
        CU_ASSERT(strlen(e.message) > 40);
        sslvdir_plan_free(p);
        ++*refused;
        continue;
      }
      CU_ASSERT_EQUAL_FATAL(sslvdir_plan_build(p, 0, &e), SSLVDIR_OK);
      ++*plans;
      const char *d;
      size_t n;
      sslvdir_iisconfig *c1, *c2;
      sslvdir_settings *reg;
      CU_ASSERT_FATAL(!sslvdir_iisconfig_bytes(c0, &d, &n) &&
                      !sslvdir_iisconfig_parse(&c1, d, n, &e));
      CU_ASSERT_FATAL(sslvdir_settings_new(&reg, NULL) == SSLVDIR_OK);
      CU_ASSERT_FATAL(apply_plan(p, c1, reg) == 0);
      sslvdir_audit *after = audit_of(c1, reg, version, &c2);
      CU_ASSERT_PTR_NOT_NULL_FATAL(after);
      for (size_t k = 0; k < sslvdir_audit_finding_count(after); k++) {
        int sev;
        const char *code, *obj;
        CU_ASSERT_FATAL(!sslvdir_audit_finding(after, k, &sev, &code, &obj, NULL, NULL));
        if (sev != SSLVDIR_SEVERITY_ERROR)
          continue;
        size_t pl = strlen(path);
        int about_want = !strncmp(obj, path, pl) && (obj[pl] == '\0' || obj[pl] == '/');
        if (!about_want && had_error(before, code, obj))
          continue;
        fprintf(stderr, "\n%s as %u, %s %s: the planned configuration has error %s on %s\n",
                fixture, version, up == SSLVDIR_UPSTREAM_OFFLOAD ? "offload" : "bridge", path,
                code, obj);
        for (size_t s = 0; s < sslvdir_plan_step_count(p); s++) {
          const char *t;
          if (!sslvdir_plan_step(p, s, SSLVDIR_PLAN_FORM_POWERSHELL, NULL, NULL, &t, NULL))
            fprintf(stderr, "  step: %s\n", t);
        }
        CU_FAIL("the configuration a plan produces has no error");
      }
      sslvdir_audit_free(after);
      sslvdir_iisconfig_free(c2);
      sslvdir_iisconfig_free(c1);
      sslvdir_settings_free(reg);
      sslvdir_plan_free(p);
    }
  }
  sslvdir_audit_free(before);
  sslvdir_iisconfig_free(before_rr);
  sslvdir_settings_free(reg0);
  sslvdir_iisconfig_free(c0);
}

static void test_invariant(void) {
  size_t len, plans = 0, refused = 0, fixtures = 0;
  char *list = read_file(srcpath("tests/data/config/fixtures.txt"), &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(list);
  char *save;
  for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char name[128], year[16];
    if (sscanf(line, "fixture %127s %15s", name, year) != 2)
      continue;
    unsigned version = !strcmp(year, "SE") ? 2025 : (unsigned)strtoul(year, NULL, 10);
    plan_invariant(name, version, &plans, &refused);
    fixtures++;
  }
  free(list);
  /* Every fixture the generator writes, and something planned and refused. */
  CU_ASSERT(fixtures >= 18);
  CU_ASSERT(plans > 300 && refused > 50);
}

void suite_plan(void) {
  CU_pSuite s = CU_add_suite("plan", NULL, NULL);
  CU_add_test(s, "Configuring SSL offloading in Exchange 2013's two scripts", test_seed_scripts);
  CU_add_test(s, "against the Exchange 2016 configuration", test_against_config);
  CU_add_test(s, "registry steps and the .reg file", test_registry_plan);
  CU_add_test(s, "names in commands: quoted for PowerShell and cmd.exe, or refused", test_quoting);
  CU_add_test(s, "names from the configuration: locations and pools", test_config_names);
  CU_add_test(s, "without a configuration: what the version ships", test_shipped_defaults);
  CU_add_test(s, "without a configuration: a site or vdir Exchange does not create", test_unknown_vdir_without_config);
  CU_add_test(s, "offloading EWS keeps MRSProxy bridged", test_mrsproxy_stays_bridged);
  CU_add_test(s, "Extended Protection: offloading refused", test_extended_protection_refused);
  CU_add_test(s, "the configuration a plan produces, audited, has no error", test_invariant);
}
