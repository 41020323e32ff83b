/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
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
    if (!sslvdir_plan_step(p, i, SSLVDIR_PLAN_FORM_APPCMD, NULL, NULL, &line, NULL))
      cap += strlen(line) + 1;
  }
  char *t = malloc(cap);
  if (!t)
    return NULL;
  t[0] = '\0';
  for (size_t i = 0; i < sslvdir_plan_step_count(p); i++) {
    const char *line;
    if (!sslvdir_plan_step(p, i, SSLVDIR_PLAN_FORM_APPCMD, NULL, NULL, &line, NULL))
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
  CU_ASSERT_FATAL(sslvdir_settings_new(&ref_reg, NULL) == SSLVDIR_OK);
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
  CU_ASSERT_FATAL(sslvdir_settings_new(&reg, NULL) == SSLVDIR_OK);
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

/* A copy of s on the heap, for inputs freed right after the call. */
static char *heap(const char *s) {
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  if (c)
    memcpy(c, s, n);
  return c;
}

/* A policy of "Default Web Site" (exchange2016-offload) built from strings
 * freed as each call returns, by a builder freed after the build. */
static sslvdir_policy *build_freeing_inputs(void) {
  sslvdir_builder *b;
  sslvdir_policy *p = NULL;
  sslvdir_error e;
  if (sslvdir_builder_new(&b, NULL))
    return NULL;
  char *site = heap("Default Web Site"), *preset = heap("exchange2016-offload"),
       *host = heap("Mail.Contoso.com"), *net = heap("10.0.0.5"), *hdr = heap("X-SSL-Cipher"),
       *url = heap("https://mail.contoso.com/owa");
  int rc = sslvdir_preset_apply(b, preset, site, &e);
  free(preset);
  if (!rc)
    rc = sslvdir_builder_add_host(b, site, host, &e);
  free(host);
  if (!rc)
    rc = sslvdir_builder_add_offloader(b, net, &e);
  if (!rc)
    rc = sslvdir_builder_set_offloader_cipher(b, net, 0, hdr, &e);
  free(net);
  free(hdr);
  if (!rc)
    rc = sslvdir_builder_set_vdir_url(b, site, "/owa", SSLVDIR_URL_EXTERNAL, url, &e);
  free(url);
  free(site);
  if (!rc)
    rc = sslvdir_builder_build(b, &p, &e);
  sslvdir_builder_free(b); /* builder.h: policies built from it live on */
  return rc ? NULL : p;
}

/* builder.h, policy.h, site.h, vdir.h: the policy's strings live as long as
 * the policy, whatever became of the builder and of the strings it was given. */
static void test_policy_outlives_builder(void) {
  sslvdir_policy *p = build_freeing_inputs();
  CU_ASSERT_FATAL(p != NULL);
  const sslvdir_site *site = sslvdir_policy_find_site(p, "mail.contoso.com", 16);
  CU_ASSERT_FATAL(site != NULL);
  CU_ASSERT_STRING_EQUAL(sslvdir_site_name(site), "Default Web Site");
  CU_ASSERT_STRING_EQUAL(sslvdir_site_host(site, 0), "mail.contoso.com");
  const sslvdir_vdir *owa = sslvdir_policy_find_vdir(p, "Default Web Site/owa");
  CU_ASSERT_FATAL(owa != NULL);
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_path(owa), "/owa");
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_config_path(owa), "Default Web Site/owa");
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_url(owa, SSLVDIR_URL_EXTERNAL), "https://mail.contoso.com/owa");
  CU_ASSERT(sslvdir_vdir_site(owa) == site);
  CU_ASSERT_STRING_EQUAL(sslvdir_policy_offloader(p, 0), "10.0.0.5/32");
  CU_ASSERT_STRING_EQUAL(sslvdir_policy_cipher_header(p), "X-SSL-Cipher");
  sslvdir_policy_unref(p);
}

/* settings.h: a string value is copied; builder.h: set_settings copies the
 * store; policy.h: the policy's settings are a copy made at build time. */
static void test_settings_copies(void) {
  sslvdir_settings *s;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_settings_new(&s, NULL) == SSLVDIR_OK);
  char *v = heap("autodiscover.contoso.com");
  CU_ASSERT_FATAL(v != NULL);
  CU_ASSERT_FATAL(sslvdir_settings_set_string(s, "Custom\\Host", v, &e) == SSLVDIR_OK);
  memset(v, 'X', strlen(v));
  free(v);
  const char *got;
  CU_ASSERT_FATAL(sslvdir_settings_get_string(s, "Custom\\Host", &got) == SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(got, "autodiscover.contoso.com");
  CU_ASSERT_FATAL(sslvdir_settings_set_dword(s, SSLVDIR_KEY_SSL_OFFLOADED, 1, &e) == SSLVDIR_OK);

  sslvdir_builder *b;
  CU_ASSERT_FATAL(sslvdir_builder_new(&b, NULL) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_preset_apply(b, "exchange2010", "Default Web Site", &e) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", &e) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_builder_set_settings(b, s, &e) == SSLVDIR_OK);
  sslvdir_settings_free(s);
  /* The builder's own store, valid until sslvdir_builder_free(). */
  sslvdir_settings *own = sslvdir_builder_settings(b);
  CU_ASSERT_FATAL(own != NULL);
  CU_ASSERT_FATAL(sslvdir_settings_set_dword(own, "Custom\\Later", 7, &e) == SSLVDIR_OK);
  sslvdir_policy *p;
  CU_ASSERT_FATAL(sslvdir_builder_build(b, &p, &e) == SSLVDIR_OK);
  /* Changed after the build: the policy's frozen copy does not see it. */
  CU_ASSERT_FATAL(sslvdir_settings_set_dword(own, SSLVDIR_KEY_SSL_OFFLOADED, 0, &e) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_settings_set_string(own, "Custom\\Host", "other.example", &e) == SSLVDIR_OK);
  sslvdir_builder_free(b);
  const sslvdir_settings *frozen = sslvdir_policy_settings(p);
  uint32_t dw = 99;
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(frozen, SSLVDIR_KEY_SSL_OFFLOADED, &dw), SSLVDIR_OK);
  CU_ASSERT_EQUAL(dw, 1);
  CU_ASSERT_EQUAL(sslvdir_settings_get_dword(frozen, "Custom\\Later", &dw), SSLVDIR_OK);
  CU_ASSERT_EQUAL(dw, 7);
  CU_ASSERT_EQUAL_FATAL(sslvdir_settings_get_string(frozen, "Custom\\Host", &got), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(got, "autodiscover.contoso.com");
  sslvdir_policy_unref(p);
}

/* policy.h: the slot takes its own references (the caller drops its own at
 * once); an acquired policy stays valid until released whatever is
 * published; decide.h: a decision's pointers live as long as the caller's
 * reference to the policy. */
static void test_slot_references(void) {
  sslvdir_policy *first = build_freeing_inputs();
  CU_ASSERT_FATAL(first != NULL);
  sslvdir_policy_slot *slot;
  CU_ASSERT_FATAL(sslvdir_policy_slot_new(&slot, first, NULL) == SSLVDIR_OK);
  sslvdir_policy_unref(first);

  sslvdir_request req = SSLVDIR_REQUEST_INIT;
  req.method = "GET";
  req.method_len = 3;
  req.target = "/owa/";
  req.target_len = 5;
  req.host = "mail.contoso.com";
  req.host_len = 16;
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  const sslvdir_policy *held = sslvdir_policy_slot_acquire(slot);
  CU_ASSERT_FATAL(held != NULL);
  CU_ASSERT_FATAL(sslvdir_decide(held, &req, &d) == SSLVDIR_OK);

  /* A reload meanwhile: the caller's reference to the new one dropped at
   * once, the slot's reference to the old one dropped by the publish. */
  sslvdir_policy *fresh = build_freeing_inputs();
  CU_ASSERT_FATAL(fresh != NULL);
  CU_ASSERT_FATAL(sslvdir_policy_slot_publish(slot, fresh) == SSLVDIR_OK);
  sslvdir_policy_unref(fresh);

  /* The request still holds the old policy: its decision's pointers and
   * the policy itself are usable until the release. */
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_DENY);
  CU_ASSERT_EQUAL(d.substatus, 4);
  CU_ASSERT_FATAL(d.site != NULL && d.vdir != NULL);
  CU_ASSERT_STRING_EQUAL(sslvdir_site_name(d.site), "Default Web Site");
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_config_path(d.vdir), "Default Web Site/owa");
  CU_ASSERT_STRING_EQUAL(sslvdir_site_canonical_host(sslvdir_policy_site(held, 0)), "mail.contoso.com");
  sslvdir_policy_slot_release(slot, held);

  const sslvdir_policy *now = sslvdir_policy_slot_acquire(slot);
  CU_ASSERT(now != held);
  CU_ASSERT_FATAL(sslvdir_decide(now, &req, &d) == SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_path(d.vdir), "/owa");
  sslvdir_policy_slot_release(slot, now);
  sslvdir_policy_slot_free(slot);
}

/* rewrite.h: the rewriter copies the policy's host names; the policy may go
 * while a body is streamed. */
static int append(const char *data, size_t len, void *user) {
  char *out = user;
  size_t have = strlen(out);
  if (have + len >= 256)
    return 1;
  memcpy(out + have, data, len);
  out[have + len] = '\0';
  return 0;
}

static void test_rewriter_outlives_policy(void) {
  sslvdir_policy *p = build_freeing_inputs();
  CU_ASSERT_FATAL(p != NULL);
  sslvdir_rewriter *rw;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_rewriter_new(&rw, p, &e) == SSLVDIR_OK);
  sslvdir_policy_unref(p);
  char out[256] = "";
  static const char body[] = "<a href=\"http://mail.contoso.com/owa/\">";
  CU_ASSERT_FATAL(sslvdir_rewriter_begin(rw, "text/html", 9, NULL, 0) == SSLVDIR_BODY_REWRITE);
  CU_ASSERT_EQUAL(sslvdir_rewriter_feed(rw, body, sizeof body - 1, append, out), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_rewriter_finish(rw, append, out), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(out, "<a href=\"https://mail.contoso.com/owa/\">");
  sslvdir_rewriter_free(rw);
}

/* iisconfig.h: the strings live until the configuration is changed or
 * freed; after a change they are read again. */
static void test_iisconfig_strings(void) {
  sslvdir_iisconfig *c = load_config("tests/data/config/exchange2016.config");
  CU_ASSERT_FATAL(c != NULL);
  const char *name, *hosts, *app, *pool, *from;
  unsigned port, flags;
  CU_ASSERT_FATAL(sslvdir_iisconfig_site(c, 0, &name, &hosts, &port) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_iisconfig_app(c, 1, &app, &pool) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_iisconfig_ssl_flags(c, "Default Web Site/owa", &flags, &from) == SSLVDIR_OK);
  char *name0 = heap(name), *app0 = heap(app), *pool0 = heap(pool);
  CU_ASSERT_STRING_EQUAL(name, "Default Web Site");
  CU_ASSERT_STRING_EQUAL(from, "Default Web Site"); /* owa inherits the site's */
  CU_ASSERT_FATAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/owa", SSLVDIR_SSL_NONE, NULL) ==
                  SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_iisconfig_site(c, 0, &name, &hosts, &port) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_iisconfig_app(c, 1, &app, &pool) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_iisconfig_ssl_flags(c, "Default Web Site/owa", &flags, &from) == SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(name, name0);
  CU_ASSERT_STRING_EQUAL(app, app0);
  CU_ASSERT_STRING_EQUAL(pool, pool0);
  CU_ASSERT_EQUAL(flags, SSLVDIR_SSL_NONE);
  CU_ASSERT_STRING_EQUAL(from, "Default Web Site/owa");
  free(name0);
  free(app0);
  free(pool0);
  sslvdir_iisconfig_free(c);
}

/* audit.h: the inputs are read during sslvdir_audit_run() only, and the
 * audit takes a reference to the policy; the findings live until the next
 * run or sslvdir_audit_free(). */
static void test_audit_inputs(void) {
  sslvdir_error e;
  sslvdir_iisconfig *c = load_config("tests/data/config/exchange2016.config");
  sslvdir_settings *reg;
  sslvdir_cert *cert;
  sslvdir_policy *p = build_freeing_inputs();
  CU_ASSERT_FATAL(c != NULL && p != NULL);
  CU_ASSERT_FATAL(sslvdir_settings_new(&reg, NULL) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_settings_set_dword(reg, SSLVDIR_KEY_OA_SSL_OFFLOADING, 0, &e) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_cert_load(&cert, certpath("server.pem"), NULL, &e) == SSLVDIR_OK);
  sslvdir_audit *a;
  CU_ASSERT_FATAL(sslvdir_audit_new(&a, &e) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_audit_set_policy(a, p) == SSLVDIR_OK);
  sslvdir_policy_unref(p); /* the audit has its own reference */
  CU_ASSERT_FATAL(sslvdir_audit_set_config(a, c) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_audit_set_registry(a, reg) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_audit_set_cert(a, cert) == SSLVDIR_OK);
  char *ns = heap("mail.contoso.com");
  CU_ASSERT_FATAL(sslvdir_audit_add_namespace(a, ns, &e) == SSLVDIR_OK);
  free(ns);
  CU_ASSERT_FATAL(sslvdir_audit_set_exchange_version(a, 2016) == SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_audit_run(a, &e), SSLVDIR_OK);
  sslvdir_iisconfig_free(c);
  sslvdir_settings_free(reg);
  sslvdir_cert_free(cert);
  size_t n = sslvdir_audit_finding_count(a);
  CU_ASSERT(n > 0);
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    int sev;
    const char *code, *object, *why, *fix;
    CU_ASSERT_FATAL(sslvdir_audit_finding(a, i, &sev, &code, &object, &why, &fix) == SSLVDIR_OK);
    total += strlen(code) + strlen(object) + strlen(why) + strlen(fix);
    CU_ASSERT(code[0] != '\0');
  }
  CU_ASSERT(total > 0);
  sslvdir_audit_free(a);
}

/* cert.h, registry.h, autodiscover.h: strings live as long as their
 * object; the input buffers are not kept. */
static void test_loaded_objects(void) {
  sslvdir_error e;
  size_t len;
  char *pem = read_file(certpath("server.pem"), &len);
  CU_ASSERT_FATAL(pem != NULL);
  sslvdir_cert *cert;
  CU_ASSERT_FATAL(sslvdir_cert_parse(&cert, pem, len, NULL, &e) == SSLVDIR_OK);
  memset(pem, 0, len);
  free(pem);
  const char *subject = sslvdir_cert_subject(cert, 0), *thumb = sslvdir_cert_thumbprint(cert, 0);
  CU_ASSERT_FATAL(subject != NULL && thumb != NULL);
  CU_ASSERT(strstr(subject, "CN=") != NULL);
  CU_ASSERT_EQUAL(strlen(thumb), 40);
  const char *by = NULL;
  int covered = 0;
  CU_ASSERT_EQUAL(sslvdir_cert_covers(cert, "mail.contoso.com", 16, &covered, &by), SSLVDIR_OK);
  CU_ASSERT_EQUAL(covered, 1);
  CU_ASSERT(by != NULL && by[0] != '\0');
  sslvdir_cert_free(cert);

  char *regdata = read_file(srcpath("tests/data/registry/exchange2010-badlines.reg"), &len);
  CU_ASSERT_FATAL(regdata != NULL);
  sslvdir_regfile *r;
  CU_ASSERT_FATAL(sslvdir_regfile_parse(&r, regdata, len, &e) == SSLVDIR_OK);
  memset(regdata, 0, len);
  free(regdata);
  CU_ASSERT(sslvdir_regfile_warning_count(r) > 0);
  for (size_t i = 0; i < sslvdir_regfile_warning_count(r); i++)
    CU_ASSERT(strstr(sslvdir_regfile_warning(r, i), "line ") != NULL);
  const char *key, *name;
  CU_ASSERT_FATAL(sslvdir_regfile_entry(r, 0, &key, &name, NULL, NULL, NULL) > 0);
  CU_ASSERT(strstr(key, "HKEY_LOCAL_MACHINE") == key);
  sslvdir_regfile_free(r);

  char *email = heap("user@contoso.com"), *next = heap("user@fabrikam.com");
  sslvdir_autodiscover_chain *chain;
  CU_ASSERT_FATAL(sslvdir_autodiscover_chain_new(&chain, email, &e) == SSLVDIR_OK);
  free(email);
  const char *first = sslvdir_autodiscover_chain_address(chain);
  CU_ASSERT_FATAL(sslvdir_autodiscover_chain_follow_addr(chain, next, strlen(next), &e) == SSLVDIR_OK);
  free(next);
  CU_ASSERT_STRING_EQUAL(first, "user@contoso.com"); /* lives as long as the chain */
  CU_ASSERT_STRING_EQUAL(sslvdir_autodiscover_chain_address(chain), "user@fabrikam.com");
  sslvdir_autodiscover_chain_free(chain);
}

void suite_ownership(void) {
  CU_pSuite s = CU_add_suite("ownership", NULL, NULL);
  CU_add_test(s, "plan: configuration and registry freed after sslvdir_plan_new()", test_plan_inputs);
  CU_add_test(s, "policy: its strings outlive the builder and its inputs", test_policy_outlives_builder);
  CU_add_test(s, "settings: values and stores copied, the policy's frozen", test_settings_copies);
  CU_add_test(s, "slot: references dropped at once, acquired policies held", test_slot_references);
  CU_add_test(s, "rewriter: copies the policy's hosts", test_rewriter_outlives_policy);
  CU_add_test(s, "iisconfig: strings until a change, read again after", test_iisconfig_strings);
  CU_add_test(s, "audit: inputs freed after the run, findings kept", test_audit_inputs);
  CU_add_test(s, "cert, regfile, chain: strings live as long as their object", test_loaded_objects);
}
