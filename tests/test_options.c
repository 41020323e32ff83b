/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * A policy from named options: every rule of sslvdir_policy_options_build(),
 * every refusal of sslvdir_policy_options_set(), and messages in the
 * caller's words. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* Options from "name=value" pairs (NULL-terminated); the first failure's
 * status, with its message in e. */
static int set_all(sslvdir_policy_options *o, const char *const *pairs, sslvdir_error *e) {
  for (; *pairs; pairs++) {
    char name[64];
    const char *eq = strchr(*pairs, '=');
    snprintf(name, sizeof name, "%.*s", (int)(eq - *pairs), *pairs);
    const char *v = eq + 1;
    char path[4096];
    if (!strncmp(v, "@", 1)) { /* a file of the source tree */
      snprintf(path, sizeof path, "%s", srcpath(v + 1));
      v = path;
    }
    int rc = sslvdir_policy_options_set(o, name, v, e);
    if (rc)
      return rc;
  }
  return SSLVDIR_OK;
}

/* Builds from pairs: the status, the policy in *out (NULL on failure). */
static int build(const char *const *pairs, sslvdir_policy **out, sslvdir_error *e) {
  sslvdir_policy_options *o;
  *out = NULL;
  memset(e, 0, sizeof *e);
  CU_ASSERT_FATAL(sslvdir_policy_options_new(&o, NULL) == SSLVDIR_OK);
  int rc = set_all(o, pairs, e);
  if (!rc)
    rc = sslvdir_policy_options_build(o, out, e);
  sslvdir_policy_options_free(o);
  return rc;
}

static void expect_fail(const char *const *pairs, int code, const char *needle) {
  sslvdir_policy *p;
  sslvdir_error e;
  int rc = build(pairs, &p, &e);
  CU_ASSERT_EQUAL(rc, code);
  CU_ASSERT_PTR_NULL(p);
  CU_ASSERT_EQUAL(e.code, code);
  if (!strstr(e.message, needle)) {
    fprintf(stderr, "\n  want '%s' in '%s'\n", needle, e.message);
    CU_FAIL("message");
  }
  sslvdir_policy_unref(p);
}

static sslvdir_policy *expect_ok(const char *const *pairs) {
  sslvdir_policy *p;
  sslvdir_error e;
  int rc = build(pairs, &p, &e);
  if (rc)
    fprintf(stderr, "\n  unexpected: %s\n", e.message);
  CU_ASSERT_EQUAL_FATAL(rc, SSLVDIR_OK);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  return p;
}

static void test_preset(void) {
  const char *const pairs[] = {"preset=exchange2016", "host=mail.fabrikam.com",
                               "ad-domain=fabrikam.com", NULL};
  sslvdir_policy *p = expect_ok(pairs);
  const sslvdir_site *s = sslvdir_policy_find_site(p, "mail.fabrikam.com", 17);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_STRING_EQUAL(sslvdir_site_name(s), "Default Web Site");
  CU_ASSERT_EQUAL(sslvdir_site_host_count(s), 1);
  /* no demo namespace slipped in */
  CU_ASSERT_PTR_NULL(sslvdir_policy_find_site(p, "mail.contoso.com", 16));
  /* plain HTTP to OWA: 403.4 as Exchange ships, and no redirect to anywhere */
  sslvdir_request rq = SSLVDIR_REQUEST_INIT;
  rq.method = "GET";
  rq.method_len = 3;
  rq.target = "/owa/";
  rq.target_len = 5;
  rq.host = "mail.fabrikam.com";
  rq.host_len = 17;
  sslvdir_decision d = {.version = SSLVDIR_DECISION_VERSION};
  CU_ASSERT_EQUAL(sslvdir_decide(p, &rq, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.status, 403);
  CU_ASSERT_EQUAL(d.substatus, 4);
  sslvdir_policy_unref(p);
}

static void test_redirect_goes_to_the_host_given(void) {
  const char *const pairs[] = {"preset=exchange2016", "host=mail.fabrikam.com",
                               "ad-domain=fabrikam.com", "redirect=on", NULL};
  sslvdir_policy *p = expect_ok(pairs);
  sslvdir_request rq = SSLVDIR_REQUEST_INIT;
  rq.method = "GET";
  rq.method_len = 3;
  rq.target = "/owa/";
  rq.target_len = 5;
  rq.host = "mail.fabrikam.com";
  rq.host_len = 17;
  sslvdir_decision d = {.version = SSLVDIR_DECISION_VERSION};
  CU_ASSERT_EQUAL(sslvdir_decide(p, &rq, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.status, 302);
  char loc[SSLVDIR_LOCATION_BUFSZ];
  size_t loc_len = 0;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &rq, loc, sizeof loc, &loc_len), SSLVDIR_OK);
  CU_ASSERT(mem_find(loc, loc_len, "https://mail.fabrikam.com/owa/") != NULL);
  sslvdir_policy_unref(p);
}

static void test_no_source(void) {
  const char *const none[] = {NULL};
  expect_fail(none, SSLVDIR_E_INCONSISTENT, "no policy: give policy (a policy file), preset");
  const char *const hosts_only[] = {"host=mail.fabrikam.com", NULL};
  expect_fail(hosts_only, SSLVDIR_E_INCONSISTENT, "no policy");
  const char *const offloader_only[] = {"offloader=10.0.0.5", NULL};
  expect_fail(offloader_only, SSLVDIR_E_INCONSISTENT, "no policy");
}

static void test_preset_without_hosts(void) {
  const char *const pairs[] = {"preset=exchange2016", "ad-domain=fabrikam.com", NULL};
  expect_fail(pairs, SSLVDIR_E_INCONSISTENT, "preset needs host");
}

static void test_preset_without_ad_domain(void) {
  const char *const pairs[] = {"preset=exchange2016", "host=mail.fabrikam.com", NULL};
  expect_fail(pairs, SSLVDIR_E_INCONSISTENT, "preset needs ad-domain");
}

static void test_preset_hosts_from_iisconfig(void) {
  /* the server's bindings name mail.contoso.com for Default Web Site */
  const char *const ok[] = {"preset=exchange2016", "ad-domain=contoso.com",
                            "iisconfig=@tests/data/config/exchange2016.config", NULL};
  sslvdir_policy *p = expect_ok(ok);
  CU_ASSERT_PTR_NOT_NULL(sslvdir_policy_find_site(p, "mail.contoso.com", 16));
  sslvdir_policy_unref(p);
  /* ... and none for the back end site */
  const char *const bad[] = {"preset=exchange2016", "site=Exchange Back End",
                             "ad-domain=contoso.com",
                             "iisconfig=@tests/data/config/exchange2016.config", NULL};
  expect_fail(bad, SSLVDIR_E_INCONSISTENT, "preset needs host: the host names clients use for "
                                           "site 'Exchange Back End'");
}

static void test_iisconfig_alone(void) {
  const char *const pairs[] = {"iisconfig=@tests/data/config/exchange2016.config", NULL};
  sslvdir_policy *p = expect_ok(pairs);
  CU_ASSERT_PTR_NOT_NULL(sslvdir_policy_find_site(p, "mail.contoso.com", 16));
  sslvdir_policy_unref(p);
}

static void test_policy_file(void) {
  const char *const pairs[] = {"policy=@tests/data/policy/good/minimal.xml", NULL};
  sslvdir_policy *p = expect_ok(pairs);
  sslvdir_policy_unref(p);
  const char *const xml[] = {
    "policy-xml=<policy xmlns='urn:libsslvdir:policy:1' version='1'>"
    "<site name='S'><host name='a.example'/></site></policy>", NULL};
  p = expect_ok(xml);
  CU_ASSERT_PTR_NOT_NULL(sslvdir_policy_find_site(p, "a.example", 9));
  sslvdir_policy_unref(p);
}

static void test_combinations(void) {
  const char *const both[] = {"preset=exchange2016", "policy=x.xml", NULL};
  expect_fail(both, SSLVDIR_E_INCONSISTENT, "give policy or preset, not both");
  const char *const file_xml[] = {"policy=x.xml", "policy-xml=<x/>", NULL};
  expect_fail(file_xml, SSLVDIR_E_INCONSISTENT, "give policy or policy-xml, not both");
  const char *const host_policy[] = {"policy=x.xml", "host=a.example", NULL};
  expect_fail(host_policy, SSLVDIR_E_INCONSISTENT, "host goes with preset; a policy file names its own");
  const char *const ad_policy[] = {"policy=x.xml", "ad-domain=example.com", NULL};
  expect_fail(ad_policy, SSLVDIR_E_INCONSISTENT, "ad-domain goes with preset");
  const char *const redirect_iis[] = {"iisconfig=x.config", "redirect=on", NULL};
  expect_fail(redirect_iis, SSLVDIR_E_INCONSISTENT, "redirect goes with preset");
  const char *const ep_policy[] = {"policy=x.xml", "extended-protection=off", NULL};
  expect_fail(ep_policy, SSLVDIR_E_INCONSISTENT, "extended-protection goes with preset");
  const char *const site_policy[] = {"policy=x.xml", "site=S", NULL};
  expect_fail(site_policy, SSLVDIR_E_INCONSISTENT, "site goes with preset");
  const char *const bits_alone[] = {"preset=exchange2016", "host=a.example", "ad-domain=example",
                                    "offloader-cipher-bits=128", NULL};
  expect_fail(bits_alone, SSLVDIR_E_INCONSISTENT, "offloader-cipher-bits goes with offloader");
  const char *const header_alone[] = {"preset=exchange2016", "host=a.example", "ad-domain=example",
                                      "offloader-cipher-header=X-SSL-Cipher", NULL};
  expect_fail(header_alone, SSLVDIR_E_INCONSISTENT, "offloader-cipher-header goes with offloader");
  const char *const ep_offload[] = {"preset=exchange2016-offload", "host=a.example",
                                    "ad-domain=example", "extended-protection=on", NULL};
  expect_fail(ep_offload, SSLVDIR_E_INCONSISTENT, "set extended-protection=off, or bridge");
}

/* Every refusal of a build, in each caller's words: shorter than
 * sslvdir_error.message holds, so that what to do is never cut (a cut
 * message is exactly 255 bytes), and the Extended Protection one names the
 * caller's way to turn it off. */
static void test_refusals_fit(void) {
  static const char *const names[] = {
    "policy", "policy-xml", "preset", "host", "ad-domain", "site", "redirect",
    "extended-protection", "iisconfig", "reg", "offloader", "offloader-cipher-bits",
    "offloader-cipher-header",
  };
  /* The library's names, the command's, Python's keywords, an environment's,
   * Lua's fields, 31 bytes each (the front ends' longest,
   * SSLVDIR_OFFLOADER_CIPHER_HEADER; five of the 64 the library takes
   * would not fit a message), and nginx's directives. */
  static const struct { const char *prefix, *suffix; } styles[] = {
    {NULL, NULL}, {"--", ""}, {"", "="}, {"SSLVDIR_", ""}, {"", ""},
    {"x-spelling-of-thirty-one-bytes-", ""}, {"sslvdir_", ""},
  };
  static const char *const want_off[] = {
    "extended-protection=off", "--extended-protection off", "extended_protection=False",
    "setenv SSLVDIR_EXTENDED_PROTECTION off", "extended_protection = false", NULL,
    "sslvdir_extended_protection off;",
  };
#define PRESET "preset=exchange2016", "host=a.example", "ad-domain=example.com"
  static const char *const cases[][7] = {
    {NULL},
    {"preset=exchange2016", "policy=x.xml", NULL},
    {"policy=x.xml", "policy-xml=<x/>", NULL},
    {"policy=x.xml", "host=a.example", NULL},
    {"iisconfig=x.config", "ad-domain=example.com", NULL},
    {"preset=exchange2016", NULL},
    {"preset=exchange2016", "host=a.example", NULL},
    {PRESET, "offloader-cipher-bits=128", NULL},
    {PRESET, "offloader-cipher-header=X-SSL-Cipher", NULL},
    {"preset=exchangese-offload", "host=a.example", "ad-domain=example.com", NULL},
    {"preset=exchange2019-offload", "host=a.example", "ad-domain=example.com",
     "extended-protection=on", NULL},
    {"preset=exchange2010", "host=a.example", "ad-domain=example.com",
     "extended-protection=on", NULL},
    {"preset=exchange2099-with-a-name-long-enough-to-be-cut-at-sixty-four-bytes-and-more",
     "host=a.example", "ad-domain=example.com", NULL},
    {"preset=exchange2016", "host=bad host", "ad-domain=example.com", NULL},
    {"preset=exchange2016", "host=a.example", "ad-domain=bad domain", NULL},
    {PRESET, "site=", NULL},
    {PRESET, "offloader=10.0.0.300", NULL},
    {PRESET, "offloader=10.0.0.5", "offloader-cipher-header=Host", NULL},
    {PRESET, "redirect=maybe", NULL},
    {PRESET, "offloader=10.0.0.5", "offloader-cipher-bits=1e3", NULL},
    {"policy=/nonexistent/a-directory-with-a-long-name-that-goes-on-and-on-and-on/policy.xml", NULL},
    {"policy-xml=<policy/>", NULL},
    {"iisconfig=/nonexistent/applicationHost.config", NULL},
    {"iisconfig=@tests/data/config/exchange2016.config", "reg=/nonexistent/x.reg", NULL},
    {"preset=exchange2016", "iisconfig=@tests/data/config/exchange2016.config",
     "ad-domain=example.com", "site=No Such Site", NULL},
  };
#undef PRESET
  for (size_t st = 0; st < sizeof styles / sizeof styles[0]; st++) {
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
      sslvdir_policy_options *o;
      sslvdir_policy *p = NULL;
      sslvdir_error e = {0};
      CU_ASSERT_FATAL(sslvdir_policy_options_new(&o, NULL) == SSLVDIR_OK);
      for (size_t n = 0; styles[st].prefix && n < sizeof names / sizeof names[0]; n++) {
        char name[64], spelling[200];
        snprintf(name, sizeof name, "%s", names[n]);
        for (char *q = name; *q; q++) /* as Python, Lua, nginx or an environment write it */
          *q = st == 2 || st == 4 || st == 6 ? (*q == '-' ? '_' : *q)
             : st == 3 ? (*q == '-' ? '_' : (char)(*q - 32 * (*q >= 'a' && *q <= 'z'))) : *q;
        /* at most 31 bytes: the longest style keeps only its prefix */
        snprintf(spelling, sizeof spelling, "%.31s", styles[st].prefix);
        if (strlen(spelling) + strlen(name) + strlen(styles[st].suffix) <= 31)
          snprintf(spelling, sizeof spelling, "%s%s%s", styles[st].prefix, name, styles[st].suffix);
        CU_ASSERT_EQUAL_FATAL(sslvdir_policy_options_spell(o, names[n], spelling, &e), SSLVDIR_OK);
      }
      int rc = set_all(o, cases[c], &e);
      if (!rc)
        rc = sslvdir_policy_options_build(o, &p, &e);
      CU_ASSERT_NOT_EQUAL(rc, SSLVDIR_OK);
      CU_ASSERT_PTR_NULL(p);
      size_t len = strnlen(e.message, sizeof e.message);
      if (len == 0 || len >= sizeof e.message - 1) {
        fprintf(stderr, "\n  style %zu case %zu: %zu bytes: '%s'\n", st, c, len, e.message);
        CU_FAIL("a refusal is empty or cut");
      }
      if (c == 9 && want_off[st] &&
          (!strstr(e.message, want_off[st]) || !strstr(e.message, "without -offload)"))) {
        fprintf(stderr, "\n  want '%s' in '%s'\n", want_off[st], e.message);
        CU_FAIL("the Extended Protection refusal says how to turn it off");
      }
      sslvdir_policy_unref(p);
      sslvdir_policy_options_free(o);
    }
  }
  /* The preset alone (a C caller): its own flag, and not cut either. */
  sslvdir_builder *b;
  sslvdir_error e = {0};
  CU_ASSERT_FATAL(sslvdir_builder_new(&b, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchangese-offload", "Default Web Site", 0, &e),
                  SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "SSLVDIR_PRESET_EP_OFF"));
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "without -offload)"));
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchange2010", "Default Web Site",
                                            SSLVDIR_PRESET_EP_ON, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT(strlen(e.message) < sizeof e.message - 1);
  sslvdir_builder_free(b);
}

static void test_offloaders(void) {
  const char *const pairs[] = {"preset=exchange2016-offload", "host=a.example", "ad-domain=example",
                               "offloader=10.0.0.5", "offloader=10.0.1.0/24",
                               "offloader-cipher-bits=128", "offloader-cipher-header=X-SSL-Cipher",
                               NULL};
  sslvdir_policy *p = expect_ok(pairs);
  CU_ASSERT_EQUAL(sslvdir_policy_offloader_count(p), 2);
  unsigned bits = 0;
  const char *hdr = NULL;
  CU_ASSERT_EQUAL(sslvdir_policy_offloader_cipher(p, 1, &bits, &hdr), SSLVDIR_OK);
  CU_ASSERT_EQUAL(bits, 128);
  CU_ASSERT_STRING_EQUAL(sslvdir_policy_cipher_header(p), "X-SSL-Cipher");
  sslvdir_policy_unref(p);
  const char *const bad[] = {"preset=exchange2016", "host=a.example", "ad-domain=example",
                             "offloader=10.0.0.300", NULL};
  expect_fail(bad, SSLVDIR_E_SYNTAX, "offloader: ");
  const char *const bad_header[] = {"preset=exchange2016", "host=a.example", "ad-domain=example",
                                    "offloader=10.0.0.5", "offloader-cipher-header=Host", NULL};
  expect_fail(bad_header, SSLVDIR_E_INVALID_ARGUMENT, "offloader-cipher-header: ");
  /* A header that is no field name is the header's fault, not the
   * offloader's (whose address is fine). */
  const char *const not_a_name[] = {"preset=exchange2016", "host=a.example", "ad-domain=example",
                                    "offloader=10.0.0.5", "offloader-cipher-header=X-SSL Cipher",
                                    NULL};
  expect_fail(not_a_name, SSLVDIR_E_SYNTAX, "offloader-cipher-header: ");
}

/* No raw control byte of the input in a message: callers write messages to
 * logs and terminals, where a CR or LF from the input would fake a line. */
static int has_control(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      return 1;
  return 0;
}

static void test_message_controls(void) {
  const char *const crlf[] = {"preset=exchange2016", "host=a.example", "ad-domain=example",
                              "offloader=10.0.0.5",
                              "offloader-cipher-header=X\r\nX-Forged: 1\x1b[31m\x7f", NULL};
  sslvdir_policy *p;
  sslvdir_error e;
  CU_ASSERT_EQUAL(build(crlf, &p, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_PTR_NULL(p);
  CU_ASSERT_FALSE(has_control(e.message));
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "'X\\r\\nX-Forged: 1\\x1b[31m\\x7f'"));
  /* Directly from the builder too, the header name's own message. */
  sslvdir_builder *b = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 0, "a\tb\n", &e),
                  SSLVDIR_E_SYNTAX);
  CU_ASSERT_FALSE(has_control(e.message));
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "'a\\tb\\n'"));
  /* A message cut at the buffer's end is cut between escapes, not inside one. */
  char many[64];
  memset(many, 1, sizeof many - 1);
  many[sizeof many - 1] = '\0';
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 0, many, &e),
                  SSLVDIR_E_SYNTAX);
  CU_ASSERT_FALSE(has_control(e.message));
  const char *x = strstr(e.message, "\\x01");
  CU_ASSERT_PTR_NOT_NULL(x);
  for (; x && *x; x += 4)
    if (strncmp(x, "\\x01", 4)) {
      CU_ASSERT_STRING_EQUAL(x, "' is not a header name (letters, digits and "
                             "!#$%&'*+-.^_`|~, at most 63 bytes)");
      break;
    }
  sslvdir_builder_free(b);
}

static void test_values_blamed(void) {
  const char *const host[] = {"preset=exchange2016", "host=bad host", "ad-domain=example", NULL};
  expect_fail(host, SSLVDIR_E_SYNTAX, "host: ");
  const char *const preset[] = {"preset=exchange2099", "host=a.example", "ad-domain=example", NULL};
  expect_fail(preset, SSLVDIR_E_UNKNOWN_NAME, "preset: ");
  const char *const missing[] = {"policy=/nonexistent/policy.xml", NULL};
  expect_fail(missing, SSLVDIR_E_IO, "policy: ");
  /* A directory: the system's reason, not a bare "read error". */
  const char *const dir[] = {"policy=@tests/data", NULL};
  expect_fail(dir, SSLVDIR_E_IO, strerror(EISDIR));
  const char *const reg[] = {"iisconfig=@tests/data/config/exchange2016.config",
                             "reg=/nonexistent/x.reg", NULL};
  expect_fail(reg, SSLVDIR_E_IO, "reg: ");
}

static void test_set_refusals(void) {
  sslvdir_policy_options *o;
  sslvdir_error e = {0};
  CU_ASSERT_FATAL(sslvdir_policy_options_new(&o, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "hosts", "a", &e), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "host", "", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "preset", "", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "preset: empty value"));
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(NULL, "host", "a", &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, NULL, "a", &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "host", NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  /* single-valued: set once, the second is refused and the first kept */
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "preset", "exchange2016", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "preset", "exchange2019", &e), SSLVDIR_E_DUPLICATE);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "preset is given twice"));
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "redirect", "on", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "redirect", "on", &e), SSLVDIR_E_DUPLICATE);
  /* on/off and nothing else */
  static const char *const not_switches[] = {"yes", "1", "ON", "true", "o", "on ", NULL};
  for (int i = 0; not_switches[i]; i++) {
    CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "extended-protection", not_switches[i], &e),
                    SSLVDIR_E_SYNTAX);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "extended-protection takes on or off"));
  }
  /* key sizes: decimal 0 to 256, nothing a float or a sign could mean */
  static const struct { const char *v; int rc; } bits[] = {
    {"-1", SSLVDIR_E_SYNTAX}, {"12x", SSLVDIR_E_SYNTAX}, {"1e3", SSLVDIR_E_SYNTAX},
    {"257", SSLVDIR_E_RANGE}, {"+128", SSLVDIR_E_SYNTAX}, {" 128", SSLVDIR_E_SYNTAX},
    {"0x80", SSLVDIR_E_SYNTAX}, {"128.0", SSLVDIR_E_SYNTAX}, {"00000000000000000000256", SSLVDIR_E_RANGE},
    {"4294967424", SSLVDIR_E_RANGE}, {"", SSLVDIR_E_SYNTAX},
  };
  for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
    CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "offloader-cipher-bits", bits[i].v, &e), bits[i].rc);
    if (bits[i].v[0])
      CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "expected a key size from 0 to 256"));
  }
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "offloader-cipher-bits", "256", &e), SSLVDIR_OK);
  /* huge values: refused, not copied */
  size_t big = SSLVDIR_POLICY_OPTIONS_VALUE_MAX + 1;
  char *huge = malloc(big + 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(huge);
  memset(huge, 'a', big);
  huge[big] = '\0';
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "host", huge, &e), SSLVDIR_E_RANGE);
  huge[big - 1] = '\0';
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "iisconfig", huge, &e), SSLVDIR_OK);
  free(huge);
  /* repeatable, up to a bound */
  unsigned k;
  for (k = 0; k < SSLVDIR_POLICY_OPTIONS_REPEAT_MAX; k++)
    CU_ASSERT_EQUAL_FATAL(sslvdir_policy_options_set(o, "host", "a.example", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "host", "a.example", &e), SSLVDIR_E_RANGE);
  sslvdir_policy_options_free(o);
  sslvdir_policy_options_free(NULL);
  CU_ASSERT_EQUAL(sslvdir_policy_options_new(NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
}

/* Each caller names the options its own way; messages follow. */
static void test_spelling(void) {
  sslvdir_policy_options *o;
  sslvdir_error e = {0};
  sslvdir_policy *p = (sslvdir_policy *)&e; /* must come back NULL */
  CU_ASSERT_FATAL(sslvdir_policy_options_new(&o, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_spell(o, "preset", "SSLVDIR_PRESET", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_spell(o, "host", "SSLVDIR_HOSTS", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_spell(o, "hosts", "x", &e), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_EQUAL(sslvdir_policy_options_spell(o, "host", "", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_policy_options_spell(o, "host", "a\nb", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "preset", "exchange2016", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "preset", "exchange2016", &e), SSLVDIR_E_DUPLICATE);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "SSLVDIR_PRESET is given twice"));
  CU_ASSERT_EQUAL(sslvdir_policy_options_build(o, &p, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_PTR_NULL(p);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "SSLVDIR_PRESET needs SSLVDIR_HOSTS"));
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "host", "bad host", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_set(o, "ad-domain", "example.com", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_options_build(o, &p, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(strncmp(e.message, "SSLVDIR_HOSTS: ", 15), 0);
  sslvdir_policy_options_free(o);
}

/* Building only reads the options: twice gives two equal policies. */
static void test_build_twice(void) {
  sslvdir_policy_options *o;
  sslvdir_policy *a, *b;
  CU_ASSERT_FATAL(sslvdir_policy_options_new(&o, NULL) == SSLVDIR_OK);
  const char *const pairs[] = {"preset=exchange2019", "host=mail.fabrikam.com", "ad-domain=fabrikam.com",
                               NULL};
  CU_ASSERT_FATAL(set_all(o, pairs, NULL) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_policy_options_build(o, &a, NULL) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_policy_options_build(o, &b, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_exchange_version(a), sslvdir_policy_exchange_version(b));
  CU_ASSERT_EQUAL(sslvdir_policy_site_count(a), sslvdir_policy_site_count(b));
  sslvdir_policy_unref(a);
  sslvdir_policy_unref(b);
  sslvdir_policy_options_free(o);
}

void suite_options(void) {
  CU_pSuite s = CU_add_suite("options", NULL, NULL);
  CU_add_test(s, "a preset with hosts and domains", test_preset);
  CU_add_test(s, "redirect goes to the host given", test_redirect_goes_to_the_host_given);
  CU_add_test(s, "no policy, preset or iisconfig", test_no_source);
  CU_add_test(s, "a preset without hosts", test_preset_without_hosts);
  CU_add_test(s, "a preset without ad-domain", test_preset_without_ad_domain);
  CU_add_test(s, "a preset's hosts from iisconfig", test_preset_hosts_from_iisconfig);
  CU_add_test(s, "iisconfig alone", test_iisconfig_alone);
  CU_add_test(s, "policy file and document", test_policy_file);
  CU_add_test(s, "what goes with what", test_combinations);
  CU_add_test(s, "offloaders", test_offloaders);
  CU_add_test(s, "bad values name their option", test_values_blamed);
  CU_add_test(s, "set refuses bad values", test_set_refusals);
  CU_add_test(s, "messages in the caller's words", test_spelling);
  CU_add_test(s, "build twice", test_build_twice);
  CU_add_test(s, "every refusal fits and says what to do", test_refusals_fit);
  CU_add_test(s, "no raw control byte of the input in a message", test_message_controls);
}
