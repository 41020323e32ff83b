/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The audit: tests/data/audit/scenarios.txt describes, one block per
 * scenario, a server (a generated fixture edited, registry values,
 * a version), a proxy policy, a certificate and a namespace, and the
 * findings expected, in the order the audit must give them. A scenario
 * passes only when the findings are exactly those.
 *
 *   scenario NAME            starts a scenario
 *   config none|NAME         no applicationHost.config, or tests/data/config/NAME.config
 *                            (default: exchange2016.config)
 *   replace ANCHOR || FROM || TO   in the fixture's text, the first FROM after ANCHOR
 *   set PATH = FLAGS         sslFlags of a location (sslvdir_iisconfig_set_ssl_flags)
 *   reg PATH = N             a DWORD in the registry store
 *   version N                the Exchange version
 *   policy config|preset NAME|file PATH   the proxy policy (default: none)
 *   offloader CIDR           a trusted offloader of the policy
 *   cert NAME                a certificate of tests/gen-certs.sh
 *   trust | crl              the test CA (and its CRL) as trust store
 *   namespace A,B            host names
 *   time +DAYS               the moment: the CA's start plus DAYS (default 1)
 *   expect SEVERITY CODE OBJECT   OBJECT "*" matches any
 *   fix CODE TEXT            that finding's fix contains TEXT
 *   why CODE TEXT            that finding's explanation contains TEXT
 *   end                      runs the audit and compares
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define MAX_EXPECT 16

typedef struct scenario {
  char name[128];
  char *config_text; /* NULL: none */
  size_t config_len;
  sslvdir_iisconfig *config;
  sslvdir_settings *reg;
  unsigned version;
  char policy_kind[16], policy_arg[256];
  char offloaders[4][64];
  int noff;
  sslvdir_cert *cert;
  int trust, crl;
  char names[512];
  int64_t days;
  struct { char sev[16], code[64], object[256]; } expect[MAX_EXPECT];
  int nexpect;
  struct { char code[64], text[256]; int why; } fix[MAX_EXPECT];
  int nfix;
} scenario;

static char *fixture_text(size_t *len) {
  char *t = read_file(srcpath("tests/data/config/exchange2016.config"), len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  return t;
}

static void reset(scenario *s) {
  free(s->config_text);
  sslvdir_iisconfig_free(s->config);
  sslvdir_settings_free(s->reg);
  sslvdir_cert_free(s->cert);
  memset(s, 0, sizeof *s);
  s->days = 1;
}

static void replace(scenario *s, char *arg) {
  char *from = strstr(arg, " || "), *to;
  CU_ASSERT_PTR_NOT_NULL_FATAL(from);
  *from = '\0';
  from += 4;
  to = strstr(from, " || ");
  CU_ASSERT_PTR_NOT_NULL_FATAL(to);
  *to = '\0';
  to += 4;
  if (!strcmp(to, "-"))
    to = "";
  char *at = strstr(s->config_text, arg);
  CU_ASSERT_PTR_NOT_NULL_FATAL(at);
  char *hit = strstr(at, from);
  CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
  size_t fl = strlen(from), tl = strlen(to), off = (size_t)(hit - s->config_text);
  char *n = malloc(s->config_len - fl + tl + 1);
  memcpy(n, s->config_text, off);
  memcpy(n + off, to, tl);
  memcpy(n + off + tl, hit + fl, s->config_len - off - fl + 1);
  free(s->config_text);
  s->config_text = n;
  s->config_len = s->config_len - fl + tl;
}

static sslvdir_iisconfig *config_of(scenario *s) {
  if (!s->config && s->config_text) {
    sslvdir_error e;
    int rc = sslvdir_iisconfig_parse(&s->config, s->config_text, s->config_len, &e);
    if (rc)
      fprintf(stderr, "\n%s: config: %s\n", s->name, e.message);
    CU_ASSERT_EQUAL_FATAL(rc, SSLVDIR_OK);
  }
  return s->config;
}

static sslvdir_policy *build_policy(scenario *s) {
  sslvdir_builder *b;
  sslvdir_policy *p = NULL;
  sslvdir_error e;
  int rc = SSLVDIR_OK;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  if (!strcmp(s->policy_kind, "file")) {
    rc = sslvdir_policyfile_load(b, srcpath(s->policy_arg), &e);
  } else {
    if (!strcmp(s->policy_kind, "preset")) {
      rc = sslvdir_preset_apply(b, s->policy_arg, "Default Web Site", &e);
      if (!rc)
        rc = sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", &e);
    }
    if (!rc && s->config)
      rc = sslvdir_iisconfig_apply(s->config, b, &e);
    if (!rc && s->version)
      rc = sslvdir_builder_set_exchange_version(b, s->version, &e);
    if (!rc && s->reg)
      rc = sslvdir_builder_set_settings(b, s->reg, &e);
  }
  for (int i = 0; i < s->noff && !rc; i++) {
    /* "offloader CIDR [BITS]": BITS is the minimum key size it enforces. */
    char *sp = strchr(s->offloaders[i], ' ');
    if (sp) {
      *sp = '\0';
      rc = sslvdir_builder_set_offloader_cipher(b, s->offloaders[i], (unsigned)atoi(sp + 1), NULL, &e);
      *sp = ' ';
    } else
      rc = sslvdir_builder_add_offloader(b, s->offloaders[i], &e);
  }
  if (!rc)
    rc = sslvdir_builder_build(b, &p, &e);
  if (rc)
    fprintf(stderr, "\n%s: policy: %s\n", s->name, e.message);
  CU_ASSERT_EQUAL(rc, SSLVDIR_OK);
  sslvdir_builder_free(b);
  return p;
}

static int64_t ca_start(void) {
  sslvdir_cert *ca;
  int64_t nb = 0;
  CU_ASSERT_EQUAL_FATAL(sslvdir_cert_load(&ca, certpath("ca.pem"), NULL, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_cert_validity(ca, 0, &nb, NULL), SSLVDIR_OK);
  sslvdir_cert_free(ca);
  return nb;
}

static int runs;

static void run(scenario *s) {
  sslvdir_audit *a;
  sslvdir_error e;
  sslvdir_trust *t = NULL;
  sslvdir_policy *p = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_audit_new(&a, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_audit_set_config(a, config_of(s)), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_audit_set_registry(a, s->reg), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_audit_set_exchange_version(a, s->version), SSLVDIR_OK);
  if (s->policy_kind[0]) {
    p = build_policy(s);
    CU_ASSERT_EQUAL(sslvdir_audit_set_policy(a, p), SSLVDIR_OK);
    sslvdir_policy_unref(p); /* the audit holds its own reference */
  }
  CU_ASSERT_EQUAL(sslvdir_audit_set_cert(a, s->cert), SSLVDIR_OK);
  if (s->trust) {
    CU_ASSERT_EQUAL_FATAL(sslvdir_trust_new(&t, NULL), SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_trust_add_ca_file(t, certpath("ca.pem"), NULL, NULL), SSLVDIR_OK);
    if (s->crl)
      CU_ASSERT_EQUAL(sslvdir_trust_add_crl_file(t, certpath("crl.pem"), NULL, NULL), SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_audit_set_trust(a, t), SSLVDIR_OK);
  }
  for (char *n = strtok(s->names, ","); n; n = strtok(NULL, ","))
    CU_ASSERT_EQUAL(sslvdir_audit_add_namespace(a, n, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_audit_set_time(a, ca_start() + s->days * 86400), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_audit_run(a, &e), SSLVDIR_OK);

  size_t n = sslvdir_audit_finding_count(a);
  int ok = n == (size_t)s->nexpect;
  int worst = 0;
  for (size_t i = 0; i < n && ok; i++) {
    int sev;
    const char *code, *obj, *why, *fix;
    CU_ASSERT_EQUAL(sslvdir_audit_finding(a, i, &sev, &code, &obj, &why, &fix), SSLVDIR_OK);
    ok = !strcmp(sslvdir_severity_name(sev), s->expect[i].sev) && !strcmp(code, s->expect[i].code) &&
         (!strcmp(s->expect[i].object, "*") || !strcmp(obj, s->expect[i].object));
    if (sev > worst)
      worst = sev;
    /* Every finding explains itself, citing where the rule comes from by
     * title or KB number (doc/sources.md), never by an internal name. */
    static const char *const cites[] = {
      "KB ", "SSL offloading for Outlook Web Access", "Exchange 2007 Client Access and SSL",
      "Configuring SSL offloading in Exchange 2013", "Microsoft Learn", "Autodiscover for Exchange",
      "The HTTP status code in IIS", "RFC ", "Baseline Requirements", "proxy policy"};
    int cited = 0;
    for (size_t c = 0; c < sizeof cites / sizeof cites[0]; c++)
      cited |= strstr(why, cites[c]) != NULL;
    CU_ASSERT(strlen(why) > 40);
    CU_ASSERT(!strstr(why, "seed 00") && !strstr(why, "Seed 00") && !strstr(why, "DOMAIN.md"));
    if (!cited) {
      fprintf(stderr, "\n%s: %s cites no source: %s\n", s->name, code, why);
      CU_FAIL("an explanation cites its source");
    }
    for (int k = 0; k < s->nfix; k++) {
      if (strcmp(s->fix[k].code, code))
        continue;
      const char *hay = s->fix[k].why ? why : fix;
      if (!strstr(hay, s->fix[k].text)) {
        fprintf(stderr, "\n%s: %s's %s lacks '%s':\n%s\n", s->name, code,
                s->fix[k].why ? "explanation" : "fix", s->fix[k].text, hay);
        CU_FAIL("fix or explanation text");
      }
    }
  }
  if (ok)
    CU_ASSERT_EQUAL(sslvdir_audit_worst(a), worst);
  if (!ok) {
    fprintf(stderr, "\nscenario %s: expected %d findings:\n", s->name, s->nexpect);
    for (int i = 0; i < s->nexpect; i++)
      fprintf(stderr, "  %s %s %s\n", s->expect[i].sev, s->expect[i].code, s->expect[i].object);
    fprintf(stderr, "got %zu:\n", n);
    for (size_t i = 0; i < n; i++) {
      int sev;
      const char *code, *obj;
      if (!sslvdir_audit_finding(a, i, &sev, &code, &obj, NULL, NULL))
        fprintf(stderr, "  %s %s %s\n", sslvdir_severity_name(sev), code, obj);
    }
    CU_FAIL("findings differ");
  }
  /* Every code expected was asked for with a fix check too. */
  sslvdir_audit_free(a);
  sslvdir_trust_free(t);
  runs++;
}

static void test_scenarios(void) {
  size_t len;
  char *text = read_file(srcpath("tests/data/audit/scenarios.txt"), &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  scenario *s = calloc(1, sizeof *s);
  reset(s);
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    while (*line == ' ')
      line++;
    if (!*line || *line == '#')
      continue;
    char *arg = strchr(line, ' ');
    if (arg)
      *arg++ = '\0';
    else
      arg = "";
    sslvdir_error e;
    if (!strcmp(line, "scenario")) {
      reset(s);
      snprintf(s->name, sizeof s->name, "%s", arg);
      s->config_text = fixture_text(&s->config_len);
    } else if (!strcmp(line, "config")) {
      free(s->config_text);
      s->config_text = NULL;
      if (strcmp(arg, "none")) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/data/config/%s.config", arg);
        s->config_text = read_file(srcpath(rel), &s->config_len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s->config_text);
      }
    } else if (!strcmp(line, "replace")) {
      replace(s, arg);
    } else if (!strcmp(line, "set") || !strcmp(line, "reg")) {
      char *eq = strstr(arg, " = ");
      CU_ASSERT_PTR_NOT_NULL_FATAL(eq);
      *eq = '\0';
      if (!strcmp(line, "set")) {
        unsigned flags;
        CU_ASSERT_EQUAL_FATAL(sslvdir_flags_parse(eq + 3, strlen(eq + 3), &flags, &e), SSLVDIR_OK);
        CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_set_ssl_flags(config_of(s), arg, flags, &e),
                              SSLVDIR_OK);
      } else {
        if (!s->reg)
          CU_ASSERT_EQUAL_FATAL(sslvdir_settings_new(&s->reg, NULL), SSLVDIR_OK);
        CU_ASSERT_EQUAL_FATAL(sslvdir_settings_set_dword(s->reg, arg, (uint32_t)atoi(eq + 3), &e),
                              SSLVDIR_OK);
      }
    } else if (!strcmp(line, "version")) {
      s->version = (unsigned)atoi(arg);
    } else if (!strcmp(line, "policy")) {
      char *sp = strchr(arg, ' ');
      if (sp)
        *sp++ = '\0';
      snprintf(s->policy_kind, sizeof s->policy_kind, "%s", arg);
      snprintf(s->policy_arg, sizeof s->policy_arg, "%s", sp ? sp : "");
    } else if (!strcmp(line, "offloader")) {
      snprintf(s->offloaders[s->noff++], sizeof s->offloaders[0], "%s", arg);
    } else if (!strcmp(line, "cert")) {
      char file[64];
      snprintf(file, sizeof file, "%s.pem", arg);
      CU_ASSERT_EQUAL_FATAL(sslvdir_cert_load(&s->cert, certpath(file), NULL, &e), SSLVDIR_OK);
    } else if (!strcmp(line, "trust")) {
      s->trust = 1;
    } else if (!strcmp(line, "crl")) {
      s->trust = s->crl = 1;
    } else if (!strcmp(line, "namespace")) {
      snprintf(s->names, sizeof s->names, "%s", arg);
    } else if (!strcmp(line, "time")) {
      s->days = atoll(arg);
    } else if (!strcmp(line, "expect")) {
      CU_ASSERT_FATAL(s->nexpect < MAX_EXPECT);
      char *f[3];
      char *sp1 = strchr(arg, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
      CU_ASSERT_PTR_NOT_NULL_FATAL(sp2);
      *sp1 = *sp2 = '\0';
      f[0] = arg, f[1] = sp1 + 1, f[2] = sp2 + 1;
      snprintf(s->expect[s->nexpect].sev, sizeof s->expect[0].sev, "%s", f[0]);
      snprintf(s->expect[s->nexpect].code, sizeof s->expect[0].code, "%s", f[1]);
      snprintf(s->expect[s->nexpect].object, sizeof s->expect[0].object, "%s", f[2]);
      s->nexpect++;
    } else if (!strcmp(line, "fix") || !strcmp(line, "why")) {
      CU_ASSERT_FATAL(s->nfix < MAX_EXPECT);
      char *sp = strchr(arg, ' ');
      CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
      *sp = '\0';
      snprintf(s->fix[s->nfix].code, sizeof s->fix[0].code, "%s", arg);
      snprintf(s->fix[s->nfix].text, sizeof s->fix[0].text, "%s", sp + 1);
      s->fix[s->nfix].why = !strcmp(line, "why");
      s->nfix++;
    } else if (!strcmp(line, "end")) {
      run(s);
    } else {
      fprintf(stderr, "\nscenarios.txt: unknown line '%s'\n", line);
      CU_FAIL("scenarios.txt syntax");
    }
  }
  reset(s);
  free(s->config_text);
  free(s);
  free(text);
  CU_ASSERT(runs >= 30);
}

static void test_api(void) {
  sslvdir_audit *a;
  sslvdir_error e;
  CU_ASSERT_EQUAL(sslvdir_audit_new(NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL_FATAL(sslvdir_audit_new(&a, &e), SSLVDIR_OK);
  /* Nothing given: nothing found. */
  CU_ASSERT_EQUAL(sslvdir_audit_run(a, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_audit_finding_count(a), 0);
  CU_ASSERT_EQUAL(sslvdir_audit_worst(a), 0);
  CU_ASSERT_EQUAL(sslvdir_audit_finding(a, 0, NULL, NULL, NULL, NULL, NULL), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_audit_set_exchange_version(a, 2012), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_audit_set_exchange_version(a, 2025), SSLVDIR_OK); /* SE */
  CU_ASSERT_EQUAL(sslvdir_audit_set_exchange_version(a, 0), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_audit_add_namespace(a, "bad host/", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_audit_add_namespace(a, "", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_audit_add_namespace(a, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  char name[64];
  for (int i = 0; i < 256; i++) {
    snprintf(name, sizeof name, "h%d.contoso.com", i);
    CU_ASSERT_EQUAL(sslvdir_audit_add_namespace(a, name, &e), SSLVDIR_OK);
  }
  CU_ASSERT_EQUAL(sslvdir_audit_add_namespace(a, "h0.contoso.com", &e), SSLVDIR_OK); /* duplicate */
  CU_ASSERT_EQUAL(sslvdir_audit_add_namespace(a, "one-more.contoso.com", &e), SSLVDIR_E_RANGE);
  /* A run replaces the findings of the one before. */
  CU_ASSERT_EQUAL(sslvdir_audit_run(a, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_audit_finding_count(a), 1); /* autodiscover.contoso.com */
  CU_ASSERT_EQUAL(sslvdir_audit_run(a, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_audit_finding_count(a), 1);
  CU_ASSERT_STRING_EQUAL(sslvdir_severity_name(SSLVDIR_SEVERITY_WARNING), "warning");
  CU_ASSERT_PTR_NULL(sslvdir_severity_name(0));
  CU_ASSERT_EQUAL(sslvdir_audit_set_config(NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_audit_run(NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  sslvdir_audit_free(a);
  sslvdir_audit_free(NULL);
}

void suite_audit(void) {
  CU_pSuite s = CU_add_suite("audit", NULL, NULL);
  CU_add_test(s, "scenarios (scenarios.txt)", test_scenarios);
  CU_add_test(s, "API edges", test_api);
}
