/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Builder, presets, lookups, matching, offloaders, reference counting. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "unit.h"

#define SITE "Default Web Site"

static sslvdir_policy *build(sslvdir_builder *b) {
  sslvdir_policy *p = NULL;
  sslvdir_error e;
  int rc = sslvdir_builder_build(b, &p, &e);
  if (rc)
    fprintf(stderr, "\nbuild: %s\n", e.message);
  CU_ASSERT_EQUAL(rc, SSLVDIR_OK);
  return p;
}

static void test_builder_errors(void) {
  sslvdir_builder *b;
  sslvdir_error e;
  sslvdir_policy *p = (sslvdir_policy *)&e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_PTR_NULL(p);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, SITE, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "default web site", &e), SSLVDIR_E_DUPLICATE);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "a/b", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "a\nb", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "Other", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, "Nope", "x.example", &e), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, SITE, "Mail.Contoso.com", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, SITE, "mail.contoso.com", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, "Other", "MAIL.contoso.com", &e), SSLVDIR_E_DUPLICATE);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, SITE, "mail.contoso.com:443", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, SITE, "bad host", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, SITE, "a..b", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, SITE, "", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, SITE, NULL, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_canonical_host(b, SITE, "webmail.contoso.com", 0, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_builder_set_canonical_host(b, SITE, "webmail.contoso.com", 70000, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "owa", SSLVDIR_KIND_OWA, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/o%C3%A9", SSLVDIR_KIND_OWA, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/a;b", SSLVDIR_KIND_OWA, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/owa%3b", SSLVDIR_KIND_OWA, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/owa%u003Bx/y", SSLVDIR_KIND_OWA, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/ecp./", SSLVDIR_KIND_ECP, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "dot"));
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/owa", (sslvdir_kind)99, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/owa/", SSLVDIR_KIND_OWA, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/OWA", SSLVDIR_KIND_OWA, &e), SSLVDIR_E_DUPLICATE);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/x/../owa", SSLVDIR_KIND_OWA, &e), SSLVDIR_E_DUPLICATE);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_edge_flags(b, SITE, "/owa", SSLVDIR_SSL_REQUIRE_CERT, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_edge_flags(b, SITE, "/ecp", SSLVDIR_SSL, &e), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_redirect(b, SITE, "/owa", 303, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_url(b, SITE, "/owa", SSLVDIR_URL_EXTERNAL, "ftp://x/owa", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_url(b, SITE, "/owa", SSLVDIR_URL_EXTERNAL, "https://mail.contoso.com/owa\r\nX: y", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_url(b, SITE, "/owa", SSLVDIR_URL_EXTERNAL, "https:///owa", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_url(b, SITE, "/owa", (sslvdir_url_side)5, "https://a/owa", &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_upstream(b, SITE, "/owa", (sslvdir_upstream)9, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_builder_set_exchange_version(b, 2011, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_builder_set_exchange_version(b, 2024, &e), SSLVDIR_E_RANGE);
  /* Exchange SE is 2025, the table's number for it. */
  CU_ASSERT_EQUAL(sslvdir_builder_set_exchange_version(b, 2025, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_exchange_version(b, 0, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "10.0.0.0/33", &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "10.0.0/8", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "10.0.0.0/", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "10.0.0.0/x", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "fe80::1%eth0", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "::/129", &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  /* A vdir forced to offload although the backend requires SSL. */
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_backend_flags(b, SITE, "/owa", SSLVDIR_SSL, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_upstream(b, SITE, "/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "Default Web Site/owa"));
  /* A backend that requires a client certificate (ActiveSync certificate
   * authentication): the device's certificate cannot cross a proxy that
   * ends TLS, so neither bridging nor offloading is built, whatever the
   * upstream asked for, and a vdir under it inherits the refusal. */
  static const sslvdir_upstream ups[] = {SSLVDIR_UPSTREAM_AUTO, SSLVDIR_UPSTREAM_BRIDGE,
                                         SSLVDIR_UPSTREAM_OFFLOAD};
  for (size_t i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_backend_flags(b, SITE, "/owa", SSLVDIR_SSL |
                    SSLVDIR_SSL_NEGOTIATE_CERT | SSLVDIR_SSL_REQUIRE_CERT, &e), SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_upstream(b, SITE, "/owa", ups[i], &e), SSLVDIR_OK);
    e.message[0] = '\0';
    CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_E_INCONSISTENT);
    CU_ASSERT(strstr(e.message, "Default Web Site/owa") && strstr(e.message, "SslRequireCert") &&
              strstr(e.message, "client certificate"));
  }
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/owa/sub", SSLVDIR_KIND_OWA, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_backend_flags(b, SITE, "/owa", 0, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_backend_flags(b, SITE, "/owa/sub", SSLVDIR_SSL |
                  SSLVDIR_SSL_NEGOTIATE_CERT | SSLVDIR_SSL_REQUIRE_CERT, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "Default Web Site/owa/sub"));
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_backend_flags(b, SITE, "/owa/sub", 0, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_upstream(b, SITE, "/owa", SSLVDIR_UPSTREAM_OFFLOAD, &e), SSLVDIR_OK);
  /* Asking clients for a certificate at the edge stays possible. */
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_edge_flags(b, SITE, "/owa", SSLVDIR_SSL |
                  SSLVDIR_SSL_NEGOTIATE_CERT | SSLVDIR_SSL_REQUIRE_CERT, &e), SSLVDIR_OK);
  p = build(b);
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(sslvdir_policy_find_vdir(p, "default web site/OWA")), SSLVDIR_UPSTREAM_OFFLOAD);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  sslvdir_builder_free(NULL);
  CU_ASSERT_EQUAL(sslvdir_builder_new(NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
}

static void test_views(void) {
  sslvdir_builder *b;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply(b, "exchange2016", SITE, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, SITE, "mail.contoso.com", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_canonical_host(b, SITE, "webmail.contoso.com", 8443, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_url(b, SITE, "/owa", SSLVDIR_URL_EXTERNAL, "https://mail.contoso.com/owa", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_url(b, SITE, "/owa", SSLVDIR_URL_INTERNAL, "https://ex1.corp.contoso.com/owa", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "192.0.2.77/24", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "192.0.2.0/24", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "2001:DB8::/32", NULL), SSLVDIR_OK);
  sslvdir_policy *p = build(b);
  sslvdir_policy *p2 = build(b); /* a builder can build again */
  sslvdir_builder_free(b);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p2);
  sslvdir_policy_unref(p2);
  CU_ASSERT_EQUAL(sslvdir_policy_exchange_version(p), 2016);
  CU_ASSERT_EQUAL(sslvdir_policy_site_count(p), 1);
  const sslvdir_site *s = sslvdir_policy_site(p, 0);
  CU_ASSERT_PTR_NULL(sslvdir_policy_site(p, 1));
  CU_ASSERT_STRING_EQUAL(sslvdir_site_name(s), SITE);
  CU_ASSERT_EQUAL(sslvdir_site_host_count(s), 2);
  CU_ASSERT_STRING_EQUAL(sslvdir_site_canonical_host(s), "webmail.contoso.com");
  CU_ASSERT_EQUAL(sslvdir_site_https_port(s), 8443);
  CU_ASSERT_PTR_EQUAL(sslvdir_policy_find_site(p, "MAIL.contoso.com:443", 20), s);
  /* As sslvdir_decide() reads a Host: the root's trailing dot names no site. */
  CU_ASSERT_PTR_NULL(sslvdir_policy_find_site(p, "mail.contoso.com.", 17));
  CU_ASSERT_PTR_NULL(sslvdir_policy_find_site(p, "MAIL.contoso.com.:443", 21));
  CU_ASSERT_PTR_NULL(sslvdir_policy_find_site(p, "mail.contoso.com.evil", 21));
  CU_ASSERT_PTR_NULL(sslvdir_policy_find_site(p, "", 0));
  /* Exchange 2016's front end: the site root, owa and its Calendar,
   * Integrated and oma, ecp, EWS and MRSProxy, ActiveSync, OAB, mapi,
   * Autodiscover, PowerShell, Rpc and API. */
  CU_ASSERT_EQUAL(sslvdir_site_vdir_count(s), 15);
  /* Sorted by path, case-insensitively. */
  for (size_t i = 1; i < sslvdir_site_vdir_count(s); i++)
    CU_ASSERT(strcasecmp(sslvdir_vdir_path(sslvdir_site_vdir(s, i - 1)),
                         sslvdir_vdir_path(sslvdir_site_vdir(s, i))) < 0);
  const sslvdir_vdir *owa = sslvdir_policy_find_vdir(p, "Default Web Site/owa");
  CU_ASSERT_PTR_NOT_NULL_FATAL(owa);
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_path(owa), "/owa");
  CU_ASSERT_PTR_EQUAL(sslvdir_vdir_site(owa), s);
  CU_ASSERT_EQUAL(sslvdir_vdir_kind(owa), SSLVDIR_KIND_OWA);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(owa), SSLVDIR_SSL | SSLVDIR_SSL_128);
  CU_ASSERT_EQUAL(sslvdir_vdir_backend_flags(owa), SSLVDIR_SSL | SSLVDIR_SSL_128);
  CU_ASSERT_EQUAL(sslvdir_vdir_redirect_status(owa), 0); /* a preset never redirects by itself */
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(owa), SSLVDIR_UPSTREAM_BRIDGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_vdir_upstream_reason(owa), "backend requires SSL"));
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_url(owa, SSLVDIR_URL_EXTERNAL), "https://mail.contoso.com/owa");
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_url(owa, SSLVDIR_URL_INTERNAL), "https://ex1.corp.contoso.com/owa");
  CU_ASSERT_EQUAL(sslvdir_vdir_extended_protection(owa), 0);
  const sslvdir_vdir *root = sslvdir_policy_find_vdir(p, "default web site");
  CU_ASSERT_PTR_NOT_NULL_FATAL(root);
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_config_path(root), SITE);
  CU_ASSERT_PTR_NULL(sslvdir_policy_find_vdir(p, "Default Web Site/nothing"));
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_config_path(sslvdir_policy_find_vdir(p, "Default Web Site/ews/MRSProxy.svc")),
                         "Default Web Site/EWS/mrsproxy.svc");
  /* Matching: whole segments, case-insensitive, longest wins. */
  CU_ASSERT_PTR_EQUAL(sslvdir_site_match(s, "/owa", 4), owa);
  CU_ASSERT_PTR_EQUAL(sslvdir_site_match(s, "/OWA/x/y", 8), owa);
  CU_ASSERT_PTR_EQUAL(sslvdir_site_match(s, "/owafoo", 7), root);
  CU_ASSERT_PTR_EQUAL(sslvdir_site_match(s, "/", 1), root);
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_path(sslvdir_site_match(s, "/owa/calendar/x", 15)), "/owa/Calendar");
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_path(sslvdir_site_match(s, "/ews/mrsproxy.svc", 17)), "/EWS/mrsproxy.svc");
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_path(sslvdir_site_match(s, "/ews/mrsproxy.svc2", 18)), "/EWS");
  /* No path parameters in IIS: "ecp;a=b" is a name of its own, not /ecp. */
  CU_ASSERT_PTR_EQUAL(sslvdir_site_match(s, "/ecp;a=b/x", 10), root);
  CU_ASSERT_PTR_EQUAL(sslvdir_site_match(s, "/owa/Calendar;x/y", 17), owa);
  CU_ASSERT_PTR_EQUAL(sslvdir_site_match(s, "/owa%3b/Calendar", 16), root);
  /* Offloaders. */
  CU_ASSERT_EQUAL(sslvdir_policy_offloader_count(p), 2);
  CU_ASSERT_STRING_EQUAL(sslvdir_policy_offloader(p, 0), "192.0.2.0/24");
  CU_ASSERT_STRING_EQUAL(sslvdir_policy_offloader(p, 1), "2001:db8::/32");
  CU_ASSERT_PTR_NULL(sslvdir_policy_offloader(p, 2));
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(p, "192.0.2.200", 11), 1);
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(p, "192.0.3.1", 9), 0);
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(p, "::ffff:192.0.2.9", 16), 1);
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(p, "2001:db8:ffff::1", 16), 1);
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(p, "2001:db9::1", 11), 0);
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(p, "192.0.2.1 ", 10), 0);
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(p, "", 0), 0);
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(p, NULL, 5), 0);
  char huge[300];
  memset(huge, '1', sizeof huge);
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(p, huge, sizeof huge), 0);
  /* A predicate: 1 or 0, never a negative code, whatever it is given. */
  CU_ASSERT_EQUAL(sslvdir_policy_is_offloader(NULL, "192.0.2.200", 11), 0);
  /* Settings and warnings. */
  uint32_t v;
  CU_ASSERT_EQUAL(sslvdir_policy_get_dword(p, SSLVDIR_KEY_OA_SSL_OFFLOADING, &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 1);
  CU_ASSERT_EQUAL(sslvdir_policy_get_dword(p, "HKLM\\x\\y", &v), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(sslvdir_policy_settings(p));
  /* Both offloaders say nothing about the cipher, and the preset's vdirs
   * require Ssl128: each gets a warning saying what to set. */
  CU_ASSERT_EQUAL(sslvdir_policy_warning_count(p), 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_policy_warning(p, 0), "offloader 192.0.2.0/24"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_policy_warning(p, 0), "403.5"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_policy_warning(p, 0), "min-cipher-bits"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_policy_warning(p, 1), "offloader 2001:db8::/32"));
  /* Reference counting. */
  CU_ASSERT_PTR_EQUAL(sslvdir_policy_ref(p), p);
  sslvdir_policy_unref(p);
  sslvdir_policy_unref(p);
  sslvdir_policy_unref(NULL);
  CU_ASSERT_PTR_NULL(sslvdir_policy_ref(NULL));
}

static void test_upstream_rules(void) {
  sslvdir_builder *b;
  sslvdir_policy *p;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply(b, "exchange2010-offload", SITE, NULL), SSLVDIR_OK);
  p = build(b);
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(sslvdir_policy_find_vdir(p, SITE "/owa")), SSLVDIR_UPSTREAM_OFFLOAD);
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(sslvdir_policy_find_vdir(p, SITE "/Rpc")), SSLVDIR_UPSTREAM_OFFLOAD);
  sslvdir_policy_unref(p);
  /* The Exchange 2007 SSL offloading article: without SSLOffloaded=1, OWA 2007/2010 must be bridged. */
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(sslvdir_builder_settings(b), SSLVDIR_KEY_SSL_OFFLOADED, 0, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(sslvdir_builder_settings(b), SSLVDIR_KEY_OA_SSL_OFFLOADING, 0, NULL), SSLVDIR_OK);
  p = build(b);
  const sslvdir_vdir *owa = sslvdir_policy_find_vdir(p, SITE "/owa");
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(owa), SSLVDIR_UPSTREAM_BRIDGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_vdir_upstream_reason(owa), "SSLOffloaded"));
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(sslvdir_policy_find_vdir(p, SITE "/ecp")), SSLVDIR_UPSTREAM_OFFLOAD);
  const sslvdir_vdir *rpc = sslvdir_policy_find_vdir(p, SITE "/Rpc");
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(rpc), SSLVDIR_UPSTREAM_BRIDGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_vdir_upstream_reason(rpc), "SSLOffloading"));
  sslvdir_policy_unref(p);
  /* Extended Protection and MRSProxy can never be offloaded. */
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_extended_protection(b, SITE, "/EWS", 1, NULL), SSLVDIR_OK);
  p = build(b);
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(sslvdir_policy_find_vdir(p, SITE "/EWS")), SSLVDIR_UPSTREAM_BRIDGE);
  CU_ASSERT_EQUAL(sslvdir_vdir_extended_protection(sslvdir_policy_find_vdir(p, SITE "/EWS")), 1);
  sslvdir_policy_unref(p);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_upstream(b, SITE, "/EWS/mrsproxy.svc", SSLVDIR_UPSTREAM_OFFLOAD, NULL), SSLVDIR_OK);
  sslvdir_error e;
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "MRSProxy"));
  sslvdir_builder_free(b);
  /* ActiveSync on 2007 cannot be offloaded even with the backend open. */
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply(b, "exchange2007", SITE, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_backend_flags(b, SITE, "/Microsoft-Server-ActiveSync", 0, NULL), SSLVDIR_OK);
  p = build(b);
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(sslvdir_policy_find_vdir(p, SITE "/Microsoft-Server-ActiveSync")), SSLVDIR_UPSTREAM_BRIDGE);
  /* The preset alone redirects nothing, so a site without a host name is
   * no problem... */
  CU_ASSERT_EQUAL(sslvdir_policy_warning_count(p), 0);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  /* ...but with the redirect recipe it has nowhere to send browsers. */
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchange2007", SITE, SSLVDIR_PRESET_REDIRECT, NULL), SSLVDIR_OK);
  p = build(b);
  CU_ASSERT_FATAL(sslvdir_policy_warning_count(p) >= 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_policy_warning(p, 0), "no host name"));
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
}

/* The warnings of a policy with one site and these offloaders, joined. */
static char *offloader_warnings(const char *const *cidrs, size_t n, const char *xml) {
  sslvdir_builder *b;
  sslvdir_policy *p = NULL;
  sslvdir_error e;
  char *all = calloc(1, 8192);
  if (sslvdir_builder_new(&b, NULL))
    return all;
  int rc = xml ? sslvdir_policyfile_parse(b, xml, strlen(xml), &e)
               : sslvdir_builder_add_site(b, SITE, &e);
  for (size_t i = 0; !rc && i < n; i++)
    rc = sslvdir_builder_add_offloader(b, cidrs[i], &e);
  if (!rc)
    rc = sslvdir_builder_build(b, &p, &e);
  CU_ASSERT_EQUAL(rc, SSLVDIR_OK);
  for (size_t i = 0; p && i < sslvdir_policy_warning_count(p); i++) {
    strncat(all, sslvdir_policy_warning(p, i), 8192 - strlen(all) - 2);
    strcat(all, "\n");
  }
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  return all;
}

static void test_broad_offloaders(void) {
  /* Catch-all and very short prefixes trust every client's X-Forwarded-Proto. */
  static const struct { const char *cidr, *says; } broad[] = {
      {"0.0.0.0/0", "0.0.0.0/0 covers every IPv4 address"},
      {"10.1.2.3/0", "0.0.0.0/0 covers every IPv4 address"},
      {"::/0", "::/0 covers every IPv6 address"},
      {"128.0.0.0/1", "128.0.0.0/1 covers 1/2 of all IPv4 addresses"},
      {"0.0.0.0/7", "0.0.0.0/7 covers 1/128 of all IPv4 addresses"},
      {"fc00::/7", "fc00::/7 covers 1/128 of all IPv6 addresses"},
  };
  for (size_t i = 0; i < sizeof broad / sizeof broad[0]; i++) {
    char *w = offloader_warnings(&broad[i].cidr, 1, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(w, broad[i].says));
    CU_ASSERT_PTR_NOT_NULL(strstr(w, "X-Forwarded-Proto: https"));
    if (!strstr(w, broad[i].says))
      fprintf(stderr, "%s: %s\n", broad[i].cidr, w);
    free(w);
  }
  /* The largest private ranges and ordinary networks are fine. */
  static const char *const fine[] = {"10.0.0.0/8", "fd00::/8", "192.0.2.0/24", "10.0.0.5",
                                     "2001:db8:5::/48"};
  char *w = offloader_warnings(fine, sizeof fine / sizeof fine[0], NULL);
  CU_ASSERT_STRING_EQUAL(w, "");
  free(w);
  /* The policy file goes through the same builder. */
  static const char xml[] = "<policy xmlns=\"urn:libsslvdir:policy:1\" version=\"1\">"
                            "<offloader address=\"::/0\"/><site name=\"S\"/></policy>";
  w = offloader_warnings(NULL, 0, xml);
  CU_ASSERT_PTR_NOT_NULL(strstr(w, "::/0 covers every IPv6 address"));
  free(w);
}

static void test_presets(void) {
  CU_ASSERT_EQUAL(sslvdir_preset_count(), 12);
  for (size_t i = 0; i < sslvdir_preset_count(); i++) {
    sslvdir_builder *b;
    const char *name = sslvdir_preset_name(i);
    int se = !strncmp(name, "exchangese", 10), offload = strstr(name, "-offload") != NULL;
    CU_ASSERT_PTR_NOT_NULL(sslvdir_preset_description(i));
    CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
    /* Exchange SE has Extended Protection on: its offload preset needs it
     * declared off. */
    CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, name, SITE, se && offload ? SSLVDIR_PRESET_EP_OFF : 0, NULL),
                    SSLVDIR_OK);
    sslvdir_policy *p = build(b);
    if (p) {
      const sslvdir_site *s = sslvdir_policy_site(p, 0);
      CU_ASSERT(sslvdir_site_vdir_count(s) >= 10);
      unsigned ver = sslvdir_policy_exchange_version(p);
      uint32_t dw = 0;
      /* SSLOffloaded is a 2007/2010 OWA value: only their -offload presets set it. */
      CU_ASSERT_EQUAL(sslvdir_policy_get_dword(p, SSLVDIR_KEY_SSL_OFFLOADED, &dw), SSLVDIR_OK);
      CU_ASSERT_EQUAL(dw, offload && ver <= 2010);
      /* Outlook Anywhere's SSLOffloading: on from 2013 (and offloaded on
       * 2010) except where Extended Protection is on. */
      CU_ASSERT_EQUAL(sslvdir_policy_get_dword(p, SSLVDIR_KEY_OA_SSL_OFFLOADING, &dw), SSLVDIR_OK);
      CU_ASSERT_EQUAL(dw, (ver >= 2013 || (ver == 2010 && offload)) && !se);
      /* SE is its own version, numbered 2025, as the table numbers it. */
      CU_ASSERT_EQUAL(ver == 2025, se);
      for (size_t v = 0; v < sslvdir_site_vdir_count(s); v++) {
        const sslvdir_vdir *vd = sslvdir_site_vdir(s, v);
        /* Every preset bridges MRSProxy; PowerShell never requires SSL (it
         * asks for a client certificate); Rpc requires it only on 2007 and
         * 2010, whose Outlook Anywhere SSLOffloading defaults to $false,
         * and where Extended Protection is on (it needs SSLOffloading off). */
        if (sslvdir_vdir_kind(vd) == SSLVDIR_KIND_MRSPROXY)
          CU_ASSERT_EQUAL(sslvdir_vdir_upstream(vd), SSLVDIR_UPSTREAM_BRIDGE);
        if (sslvdir_vdir_kind(vd) == SSLVDIR_KIND_POWERSHELL)
          CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(vd), SSLVDIR_SSL_NEGOTIATE_CERT);
        if (sslvdir_vdir_kind(vd) == SSLVDIR_KIND_RPC)
          CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(vd) != 0, ver <= 2010 || se);
        /* A preset is the shipped state: nothing redirects. */
        CU_ASSERT_EQUAL(sslvdir_vdir_redirect_status(vd), 0);
        CU_ASSERT_EQUAL(sslvdir_vdir_extended_protection(vd),
                        se && !offload && sslvdir_vdir_kind(vd) != SSLVDIR_KIND_AUTODISCOVER &&
                            strcmp(sslvdir_vdir_path(vd), "/") != 0);
      }
    }
    sslvdir_policy_unref(p);
    sslvdir_builder_free(b);
  }
  CU_ASSERT_PTR_NULL(sslvdir_preset_name(12));
  CU_ASSERT_PTR_NULL(sslvdir_preset_description(12));
  sslvdir_builder *b;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply(b, "exchange2021", SITE, &e), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "exchange2021"));
  /* What the caller set before a preset stays. */
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, SITE, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/owa", SSLVDIR_KIND_OWA, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_edge_flags(b, SITE, "/owa", 0, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply(b, "EXCHANGE2019", SITE, NULL), SSLVDIR_OK);
  sslvdir_policy *p = build(b);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/owa")), 0);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/ecp")), 264);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
}

/* Microsoft's http->https recipe is an option: the browser vdirs (site
 * root, owa, ecp) get 302, nothing else does. */
static void test_preset_redirect(void) {
  sslvdir_builder *b;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchange2016", SITE, SSLVDIR_PRESET_REDIRECT, NULL), SSLVDIR_OK);
  sslvdir_policy *p = build(b);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  const sslvdir_site *s = sslvdir_policy_site(p, 0);
  size_t redirecting = 0;
  for (size_t v = 0; v < sslvdir_site_vdir_count(s); v++) {
    const sslvdir_vdir *vd = sslvdir_site_vdir(s, v);
    const char *path = sslvdir_vdir_path(vd);
    int browser = !strcmp(path, "/") || !strcmp(path, "/owa") || !strcmp(path, "/ecp");
    CU_ASSERT_EQUAL(sslvdir_vdir_redirect_status(vd), browser ? 302 : 0);
    redirecting += browser;
  }
  CU_ASSERT_EQUAL(redirecting, 3);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  /* Bad options are refused, and leave the builder untouched. */
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchange2016", SITE, 0x80, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchange2016", SITE, SSLVDIR_PRESET_EP_ON | SSLVDIR_PRESET_EP_OFF, &e),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchange2010", SITE, SSLVDIR_PRESET_EP_ON, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "2013"));
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(NULL, "exchange2016", SITE, 0, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_E_INCONSISTENT); /* still no site */
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "no site"));
  sslvdir_builder_free(b);
}

/* Extended Protection is not supported with SSL offloading: an offload
 * preset with it on is refused; declared off, SE offloads as 2019 does. */
static void test_preset_extended_protection(void) {
  sslvdir_builder *b;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply(b, "exchangese-offload", SITE, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "Extended Protection"));
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "/owa"));
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchange2019-offload", SITE, SSLVDIR_PRESET_EP_ON, &e),
                  SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchange2016-offload", SITE, SSLVDIR_PRESET_EP_ON, &e),
                  SSLVDIR_E_INCONSISTENT);
  sslvdir_policy *p;
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_E_INCONSISTENT); /* refused before any change */
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "no site"));
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchangese-offload", SITE, SSLVDIR_PRESET_EP_OFF, &e), SSLVDIR_OK);
  p = build(b);
  CU_ASSERT_EQUAL(sslvdir_policy_exchange_version(p), 2025);
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(sslvdir_policy_find_vdir(p, SITE "/owa")), SSLVDIR_UPSTREAM_OFFLOAD);
  /* Declaring Extended Protection off does not undo what SE's Setup did to
   * Outlook Anywhere: SSLOffloading stays $false and /Rpc requires SSL,
   * bridged. */
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/Rpc")),
                  SSLVDIR_SSL | SSLVDIR_SSL_128);
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(sslvdir_policy_find_vdir(p, SITE "/Rpc")), SSLVDIR_UPSTREAM_BRIDGE);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  /* Declared on for 2019 (CU14+): every vdir but Autodiscover is
   * protected and bridged, and Rpc requires SSL. */
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply_opts(b, "exchange2019", SITE, SSLVDIR_PRESET_EP_ON, &e), SSLVDIR_OK);
  p = build(b);
  const sslvdir_vdir *owa = sslvdir_policy_find_vdir(p, SITE "/owa");
  const sslvdir_vdir *rpc = sslvdir_policy_find_vdir(p, SITE "/Rpc");
  CU_ASSERT_EQUAL(sslvdir_vdir_extended_protection(owa), 1);
  CU_ASSERT_EQUAL(sslvdir_vdir_extended_protection(sslvdir_policy_find_vdir(p, SITE "/Autodiscover")), 0);
  CU_ASSERT_EQUAL(sslvdir_vdir_extended_protection(rpc), 1);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(rpc), SSLVDIR_SSL | SSLVDIR_SSL_128);
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(rpc), SSLVDIR_UPSTREAM_BRIDGE);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
}

/* A vdir whose sslFlags were never set inherits them from the nearest vdir
 * above it, as IIS does from the nearest location; None never comes from
 * leaving them out under a stricter parent. */
static void test_inherited_flags(void) {
  sslvdir_builder *b;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply(b, "exchange2016-offload", SITE, NULL), SSLVDIR_OK);
  static const char *const added[] = {"/owa/auth", "/owa/Calendar/x", "/ecp/a/b", "/Rpc/x",
                                      "/other", "/EWS/mrsproxy.svc/y"};
  for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
    CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, added[i], SSLVDIR_KIND_OTHER, NULL), SSLVDIR_OK);
  /* Set after the vdirs below it were added: the order does not matter. */
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/ecp/a", SSLVDIR_KIND_ECP, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_edge_flags(b, SITE, "/ecp/a", SSLVDIR_SSL, NULL), SSLVDIR_OK);
  sslvdir_policy *p = build(b);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/owa/auth")), 264);
  CU_ASSERT_EQUAL(sslvdir_vdir_backend_flags(sslvdir_policy_find_vdir(p, SITE "/owa/auth")), 0);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/owa/Calendar/x")), 0);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/ecp/a/b")), SSLVDIR_SSL);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/Rpc/x")), 0);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/other")), 264);
  CU_ASSERT_EQUAL(sslvdir_vdir_backend_flags(sslvdir_policy_find_vdir(p, SITE "/EWS/mrsproxy.svc/y")), 264);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  /* No vdir above: nothing to inherit. */
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, SITE, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/owa/x", SSLVDIR_KIND_OWA, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/owax", SSLVDIR_KIND_OWA, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, SITE, "/owa", SSLVDIR_KIND_OWA, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_edge_flags(b, SITE, "/owa", SSLVDIR_SSL, NULL), SSLVDIR_OK);
  p = build(b);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/owa/x")), SSLVDIR_SSL);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, SITE "/owax")), 0);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
}

static void test_kinds(void) {
  sslvdir_kind k;
  CU_ASSERT_STRING_EQUAL(sslvdir_kind_name(SSLVDIR_KIND_MRSPROXY), "mrsproxy");
  CU_ASSERT_PTR_NULL(sslvdir_kind_name(11));
  CU_ASSERT_PTR_NULL(sslvdir_kind_name(-1));
  CU_ASSERT_EQUAL(sslvdir_kind_parse("AutoDiscover", 12, &k), SSLVDIR_OK);
  CU_ASSERT_EQUAL(k, SSLVDIR_KIND_AUTODISCOVER);
  CU_ASSERT_EQUAL(sslvdir_kind_parse("owax", 4, &k), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_STRING_EQUAL(sslvdir_upstream_name(SSLVDIR_UPSTREAM_BRIDGE), "bridge");
  CU_ASSERT_PTR_NULL(sslvdir_upstream_name(3));
  unsigned num = 0;
  CU_ASSERT_STRING_EQUAL(sslvdir_version(&num), SSLVDIR_VERSION);
  CU_ASSERT_EQUAL(num, SSLVDIR_VERSION_NUM);
  CU_ASSERT_STRING_EQUAL(sslvdir_strerror(SSLVDIR_E_NOMEM), "out of memory");
  CU_ASSERT_STRING_EQUAL(sslvdir_strerror(-999), "unknown error");
}

/* What a request sees of a slot, in one thread: the policy it acquired stays
 * whole across a publish, the next acquire gets the new one. */
static int redirects(const sslvdir_policy *p, const char *host) {
  sslvdir_decision d;
  char loc[SSLVDIR_LOCATION_BUFSZ];
  size_t n = 0;
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.method = "GET";
  r.method_len = 3;
  r.target = "/owa/";
  r.target_len = 5;
  r.host = host;
  r.host_len = strlen(host);
  d.version = SSLVDIR_DECISION_VERSION;
  return sslvdir_decide(p, &r, &d) == SSLVDIR_OK && d.action == SSLVDIR_ACTION_REDIRECT &&
         sslvdir_decision_location(&d, &r, loc, sizeof loc, &n) == SSLVDIR_OK &&
         mem_find(loc, n, host) != NULL;
}

static void test_slot(void) {
  sslvdir_policy_slot *slot = (void *)1;
  sslvdir_policy *e16 = test_policy("e16+redirect"), *e19 = test_policy("e19o+redirect");
  CU_ASSERT_PTR_NOT_NULL_FATAL(e16);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e19);
  CU_ASSERT_EQUAL(sslvdir_policy_slot_new(NULL, e16, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_policy_slot_new(&slot, NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(slot);
  CU_ASSERT_PTR_NULL(sslvdir_policy_slot_acquire(NULL));
  sslvdir_policy_slot_release(NULL, NULL);
  sslvdir_policy_slot_free(NULL);
  CU_ASSERT_EQUAL(sslvdir_policy_slot_publish(NULL, e16), SSLVDIR_E_INVALID_ARGUMENT);

  CU_ASSERT_EQUAL_FATAL(sslvdir_policy_slot_new(&slot, e16, NULL), SSLVDIR_OK);
  sslvdir_policy_unref(e16); /* the slot's reference keeps it */
  const sslvdir_policy *held = sslvdir_policy_slot_acquire(slot);
  CU_ASSERT_PTR_EQUAL(held, e16);
  CU_ASSERT_EQUAL(sslvdir_policy_exchange_version(held), 2016);
  CU_ASSERT_EQUAL(sslvdir_policy_slot_publish(slot, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_EQUAL(sslvdir_policy_slot_acquire(slot), e16); /* a failed publish keeps it */
  sslvdir_policy_slot_release(slot, e16);

  /* The slot dropped e16 on publish; the request's reference still holds
   * it (ASan and valgrind see a read of freed memory here otherwise). */
  CU_ASSERT_EQUAL(sslvdir_policy_slot_publish(slot, e19), SSLVDIR_OK);
  sslvdir_policy_unref(e19);
  CU_ASSERT_EQUAL(sslvdir_policy_exchange_version(held), 2016);
  CU_ASSERT(redirects(held, "mail.contoso.com"));
  const sslvdir_policy *now = sslvdir_policy_slot_acquire(slot);
  CU_ASSERT_PTR_EQUAL(now, e19);
  CU_ASSERT_EQUAL(sslvdir_policy_exchange_version(now), 2019);
  sslvdir_policy_slot_release(slot, held); /* frees e16 */
  /* Publishing the policy the slot holds changes nothing. */
  CU_ASSERT_EQUAL(sslvdir_policy_slot_publish(slot, (sslvdir_policy *)now), SSLVDIR_OK);
  CU_ASSERT_PTR_EQUAL(sslvdir_policy_slot_acquire(slot), e19);
  sslvdir_policy_slot_release(slot, e19);
  CU_ASSERT(redirects(now, "mail.contoso.com"));
  sslvdir_policy_slot_release(slot, now);
  sslvdir_policy_slot_free(slot); /* frees e19 */
}

/* Threads decide on the policy of a slot while the main thread publishes
 * new ones (tests/policy_slot does the same at length, and under
 * ThreadSanitizer with make check-tsan). */
static sslvdir_policy_slot *slot_shared;

static void *worker(void *arg) {
  int *bad = arg;
  static _Thread_local sslvdir_decision d;
  for (int i = 0; i < 20000; i++) {
    const sslvdir_policy *p = sslvdir_policy_slot_acquire(slot_shared);
    sslvdir_request r = SSLVDIR_REQUEST_INIT;
    r.method = "GET";
    r.method_len = 3;
    r.target = (i & 1) ? "/owa/" : "/EWS/Exchange.asmx";
    r.target_len = strlen(r.target);
    r.host = "mail.contoso.com";
    r.host_len = 16;
    d.version = SSLVDIR_DECISION_VERSION;
    if (sslvdir_decide(p, &r, &d) || d.action != ((i & 1) ? SSLVDIR_ACTION_REDIRECT : SSLVDIR_ACTION_DENY))
      (*bad)++;
    sslvdir_policy_slot_release(slot_shared, p);
  }
  return NULL;
}

static void test_threads(void) {
  sslvdir_policy *first = test_policy("e16+redirect");
  CU_ASSERT_PTR_NOT_NULL_FATAL(first);
  CU_ASSERT_EQUAL_FATAL(sslvdir_policy_slot_new(&slot_shared, first, NULL), SSLVDIR_OK);
  sslvdir_policy_unref(first);
  pthread_t t[4];
  int bad[4] = {0};
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, worker, &bad[i]);
  for (int i = 0; i < 50; i++) {
    sslvdir_policy *n = test_policy(i & 1 ? "e16+redirect" : "e16o+redirect");
    CU_ASSERT_EQUAL(sslvdir_policy_slot_publish(slot_shared, n), SSLVDIR_OK);
    sslvdir_policy_unref(n);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    CU_ASSERT_EQUAL(bad[i], 0);
  }
  sslvdir_policy_slot_free(slot_shared);
}

/* Exchange releases as people write them: the years the library knows and
 * "SE" in any case; anything else is refused with the known ones listed. */
static void test_exchange_version_parse(void) {
  static const struct { const char *text; unsigned want; } ok[] = {
    {"2007", 2007}, {"2010", 2010}, {"2013", 2013}, {"2016", 2016},
    {"2019", 2019}, {"2025", 2025}, {"SE", 2025}, {"se", 2025}, {"sE", 2025}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    unsigned v = 0;
    CU_ASSERT_EQUAL(sslvdir_exchange_version_parse(ok[i].text, strlen(ok[i].text), &v, NULL),
                    SSLVDIR_OK);
    CU_ASSERT_EQUAL(v, ok[i].want);
  }
  static const char *const bad[] = {"2012", "0", "0000", "", "SE ", " 2016", "2016x", "20160",
                                    "+2016", "-2016", "SEE", "2o16", "Exchange 2016"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    unsigned v = 7;
    sslvdir_error e = {0};
    CU_ASSERT_EQUAL(sslvdir_exchange_version_parse(bad[i], strlen(bad[i]), &v, &e), SSLVDIR_E_RANGE);
    CU_ASSERT_EQUAL(v, 0); /* cleared, as every failed call's outputs */
    CU_ASSERT(strstr(e.message, "Exchange version") != NULL);
  }
  sslvdir_error e = {0};
  unsigned v = 0;
  CU_ASSERT_EQUAL(sslvdir_exchange_version_parse("2012", 4, &v, &e), SSLVDIR_E_RANGE);
  CU_ASSERT(strstr(e.message, "2016") != NULL && strstr(e.message, "SE") != NULL);
  /* len, not the NUL, ends the text */
  CU_ASSERT_EQUAL(sslvdir_exchange_version_parse("2016junk", 4, &v, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 2016);
  CU_ASSERT_EQUAL(sslvdir_exchange_version_parse(NULL, 0, &v, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_exchange_version_parse("SE", 2, NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
}

void suite_policy(void) {
  CU_pSuite s = CU_add_suite("policy", NULL, NULL);
  CU_add_test(s, "builder refuses bad input", test_builder_errors);
  CU_add_test(s, "read-only views and matching", test_views);
  CU_add_test(s, "offload or bridge", test_upstream_rules);
  CU_add_test(s, "offloader networks that trust every client", test_broad_offloaders);
  CU_add_test(s, "presets", test_presets);
  CU_add_test(s, "presets: the redirect recipe is an option", test_preset_redirect);
  CU_add_test(s, "presets: Extended Protection", test_preset_extended_protection);
  CU_add_test(s, "unset sslFlags are inherited", test_inherited_flags);
  CU_add_test(s, "names and versions", test_kinds);
  CU_add_test(s, "Exchange versions as people write them", test_exchange_version_parse);
  CU_add_test(s, "a slot: acquire, publish, release", test_slot);
  CU_add_test(s, "a slot's policy, published under load", test_threads);
}
