/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Trust stores and chain checks: every verdict of tests/gen-certs.sh's
 * certificates, at chosen moments, with and without a CRL; the mapping to
 * IIS's 403.13 / 403.16 / 403.17; Exchange's AllowInternalUntrustedCerts /
 * AllowExternalUntrustedCerts rule for bridged backends.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

static sslvdir_trust *store(int with_crl) {
  sslvdir_trust *t;
  sslvdir_error e;
  size_t n = 0;
  CU_ASSERT_EQUAL_FATAL(sslvdir_trust_new(&t, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_trust_add_ca_file(t, certpath("ca.pem"), &n, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(n, 1);
  if (with_crl) {
    CU_ASSERT_EQUAL(sslvdir_trust_add_crl_file(t, certpath("crl.pem"), &n, &e), SSLVDIR_OK);
    CU_ASSERT_EQUAL(n, 1);
  }
  return t;
}

static unsigned verdict(const sslvdir_trust *t, const char *file, const char *host, int64_t now,
                        char *msg) {
  sslvdir_cert *c;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_cert_load(&c, certpath(file), NULL, &e), SSLVDIR_OK);
  unsigned p = 0xdead;
  CU_ASSERT_EQUAL(sslvdir_trust_verify(t, c, host, host ? strlen(host) : 0, now, &p, &e),
                  SSLVDIR_OK);
  if (msg)
    snprintf(msg, 256, "%s", e.message);
  sslvdir_cert_free(c);
  return p;
}

static void test_verdicts(void) {
  sslvdir_trust *t = store(0), *tc = store(1);
  char msg[256];
  int64_t now = (int64_t)time(NULL);
  CU_ASSERT_EQUAL(verdict(t, "server.pem", NULL, 0, msg), 0);
  CU_ASSERT_STRING_EQUAL(msg, "the chain is trusted");
  CU_ASSERT_EQUAL(verdict(t, "server-chain.pem", "mail.contoso.com", now, NULL), 0);
  CU_ASSERT_EQUAL(verdict(t, "server.pem", "www.contoso.com", now, msg), SSLVDIR_CERT_PROBLEM_NAME);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "does not cover www.contoso.com"));
  CU_ASSERT_EQUAL(verdict(t, "wildcard.pem", "a.b.contoso.com", now, NULL), SSLVDIR_CERT_PROBLEM_NAME);
  CU_ASSERT_EQUAL(verdict(t, "partial.pem", "foo.contoso.com", now, NULL), SSLVDIR_CERT_PROBLEM_NAME);
  CU_ASSERT_EQUAL(verdict(t, "stranger.pem", NULL, now, msg), SSLVDIR_CERT_PROBLEM_UNTRUSTED);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "trusted CA"));
  CU_ASSERT_EQUAL(verdict(t, "selfsigned.pem", NULL, now, msg), SSLVDIR_CERT_PROBLEM_UNTRUSTED);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "self-signed"));
  CU_ASSERT_EQUAL(verdict(t, "expired.pem", NULL, now, msg), SSLVDIR_CERT_PROBLEM_EXPIRED);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "expired"));
  CU_ASSERT_EQUAL(verdict(t, "future.pem", NULL, now, NULL), SSLVDIR_CERT_PROBLEM_NOT_YET_VALID);
  /* The moment is the caller's: in 2020 the expired one was valid but
   * the CA that signed it (made today) was not yet; in 2099 the future
   * one is valid but the CA has expired, and so has the server's. */
  CU_ASSERT_EQUAL(verdict(t, "expired.pem", NULL, 1590000000, msg), SSLVDIR_CERT_PROBLEM_NOT_YET_VALID);
  CU_ASSERT_STRING_EQUAL(msg, "the trusted CA is not valid yet");
  CU_ASSERT_EQUAL(verdict(t, "future.pem", NULL, 4080000000LL, NULL) & ~SSLVDIR_CERT_PROBLEM_EXPIRED, 0);
  CU_ASSERT_EQUAL(verdict(t, "server.pem", NULL, 4080000000LL, NULL), SSLVDIR_CERT_PROBLEM_EXPIRED);
  /* Revocation is checked once the store has a CRL. */
  CU_ASSERT_EQUAL(verdict(t, "revoked.pem", NULL, now, NULL), 0);
  CU_ASSERT_EQUAL(verdict(tc, "revoked.pem", NULL, now, msg), SSLVDIR_CERT_PROBLEM_REVOKED);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "revoked"));
  CU_ASSERT_EQUAL(verdict(tc, "server.pem", NULL, now, NULL), 0);
  /* A client certificate of the same CA. */
  CU_ASSERT_EQUAL(verdict(tc, "client.pem", NULL, now, NULL), 0);
  sslvdir_trust_free(t);
  sslvdir_trust_free(tc);
}

static void test_der(void) {
  sslvdir_trust *t = store(0);
  sslvdir_error e;
  size_t len;
  char *der = read_file(certpath("server.der"), &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(der);
  const unsigned char *ders[2] = {(const unsigned char *)der, (const unsigned char *)der};
  size_t lens[2] = {len, len};
  unsigned p = 0xdead;
  CU_ASSERT_EQUAL(sslvdir_trust_verify_der(t, ders, lens, 1, "mail.contoso.com", 16, 0, &p, &e),
                  SSLVDIR_OK);
  CU_ASSERT_EQUAL(p, 0);
  /* Nothing presented, a certificate cut short, a chain too long: all
   * refused as invalid rather than failing the call. */
  p = 0;
  CU_ASSERT_EQUAL(sslvdir_trust_verify_der(t, ders, lens, 0, NULL, 0, 0, &p, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(p, SSLVDIR_CERT_PROBLEM_INVALID);
  lens[0] = len - 1;
  p = 0;
  CU_ASSERT_EQUAL(sslvdir_trust_verify_der(t, ders, lens, 1, NULL, 0, 0, &p, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(p, SSLVDIR_CERT_PROBLEM_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "does not decode"));
  p = 0;
  CU_ASSERT_EQUAL(sslvdir_trust_verify_der(t, ders, lens, SSLVDIR_CERT_CHAIN_MAX + 1, NULL, 0, 0,
                                           &p, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(p, SSLVDIR_CERT_PROBLEM_INVALID);
  CU_ASSERT_EQUAL(sslvdir_trust_verify_der(t, NULL, NULL, 1, NULL, 0, 0, &p, &e),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(p, SSLVDIR_CERT_PROBLEM_INVALID);
  free(der);
  sslvdir_trust_free(t);
}

static void test_store_errors(void) {
  sslvdir_trust *t;
  sslvdir_error e;
  size_t n = 7;
  CU_ASSERT_EQUAL_FATAL(sslvdir_trust_new(&t, &e), SSLVDIR_OK);
  /* A CRL nobody in the store signed is refused, not silently dropped. */
  CU_ASSERT_EQUAL(sslvdir_trust_add_crl_file(t, certpath("crl.pem"), &n, &e), SSLVDIR_E_REFUSED);
  CU_ASSERT_EQUAL(n, 0);
  CU_ASSERT_EQUAL(sslvdir_trust_add_ca(t, "junk", 4, &n, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_trust_add_ca(t, "", 0, &n, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_trust_add_ca_file(t, certpath("server.key"), &n, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_trust_add_ca_file(t, certpath("missing.pem"), &n, &e), SSLVDIR_E_IO);
  CU_ASSERT_EQUAL(sslvdir_trust_add_crl(t, "junk", 4, &n, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_trust_add_crl_file(t, certpath("ca.pem"), &n, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_trust_add_ca(NULL, "x", 1, &n, &e), SSLVDIR_E_INVALID_ARGUMENT);
  /* An empty store trusts nothing. */
  sslvdir_cert *c;
  CU_ASSERT_EQUAL_FATAL(sslvdir_cert_load(&c, certpath("server.pem"), NULL, &e), SSLVDIR_OK);
  unsigned p;
  CU_ASSERT_EQUAL(sslvdir_trust_verify(t, c, NULL, 0, 0, &p, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(p, SSLVDIR_CERT_PROBLEM_UNTRUSTED);
  CU_ASSERT_EQUAL(sslvdir_trust_verify(t, NULL, NULL, 0, 0, &p, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(p, SSLVDIR_CERT_PROBLEM_INVALID);
  /* A bundle of several CAs counts them. */
  size_t l1, l2;
  char *a = read_file(certpath("ca.pem"), &l1), *b = read_file(certpath("other-ca.pem"), &l2);
  char *both = malloc(l1 + l2);
  memcpy(both, a, l1);
  memcpy(both + l1, b, l2);
  CU_ASSERT_EQUAL(sslvdir_trust_add_ca(t, both, l1 + l2, &n, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(n, 2);
  CU_ASSERT_EQUAL(sslvdir_trust_verify(t, c, NULL, 0, 0, &p, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(p, 0);
  free(a);
  free(b);
  free(both);
  sslvdir_cert_free(c);
  sslvdir_trust_free(t);
  sslvdir_trust_free(NULL);
}

static void test_status(void) {
  CU_ASSERT_EQUAL(sslvdir_trust_status(0), SSLVDIR_CERT_STATUS_OK);
  CU_ASSERT_EQUAL(sslvdir_trust_status(SSLVDIR_CERT_PROBLEM_UNTRUSTED), SSLVDIR_CERT_STATUS_UNTRUSTED);
  CU_ASSERT_EQUAL(sslvdir_trust_status(SSLVDIR_CERT_PROBLEM_INVALID), SSLVDIR_CERT_STATUS_UNTRUSTED);
  CU_ASSERT_EQUAL(sslvdir_trust_status(SSLVDIR_CERT_PROBLEM_NAME), SSLVDIR_CERT_STATUS_UNTRUSTED);
  CU_ASSERT_EQUAL(sslvdir_trust_status(SSLVDIR_CERT_PROBLEM_EXPIRED), SSLVDIR_CERT_STATUS_EXPIRED);
  CU_ASSERT_EQUAL(sslvdir_trust_status(SSLVDIR_CERT_PROBLEM_NOT_YET_VALID), SSLVDIR_CERT_STATUS_EXPIRED);
  CU_ASSERT_EQUAL(sslvdir_trust_status(SSLVDIR_CERT_PROBLEM_EXPIRED | SSLVDIR_CERT_PROBLEM_UNTRUSTED),
                  SSLVDIR_CERT_STATUS_EXPIRED);
  CU_ASSERT_EQUAL(sslvdir_trust_status(SSLVDIR_CERT_PROBLEM_REVOKED | SSLVDIR_CERT_PROBLEM_EXPIRED),
                  SSLVDIR_CERT_STATUS_REVOKED);

  /* The statuses drive sslvdir_decide() to IIS's substatus codes. */
  sslvdir_policy *p = test_policy("certs");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  static const struct { unsigned problems; int substatus; } m[] = {
    {SSLVDIR_CERT_PROBLEM_REVOKED, 13}, {SSLVDIR_CERT_PROBLEM_UNTRUSTED, 16},
    {SSLVDIR_CERT_PROBLEM_EXPIRED, 17}, {SSLVDIR_CERT_PROBLEM_NOT_YET_VALID, 17}};
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
    sslvdir_request r = SSLVDIR_REQUEST_INIT;
    sslvdir_decision d;
    d.version = SSLVDIR_DECISION_VERSION;
    r.method = "GET";
    r.method_len = 3;
    r.target = "/certauth";
    r.target_len = 9;
    r.host = "mail.contoso.com";
    r.host_len = 16;
    r.scheme = SSLVDIR_SCHEME_HTTPS;
    r.cipher_bits = 256;
    r.client_cert = sslvdir_trust_status(m[i].problems);
    CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
    CU_ASSERT_EQUAL(d.status, 403);
    CU_ASSERT_EQUAL(d.substatus, m[i].substatus);
  }
  sslvdir_policy_unref(p);
}

static sslvdir_policy *policy_with(const char *key, uint32_t v) {
  sslvdir_builder *b;
  sslvdir_policy *p = NULL;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "Default Web Site", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(sslvdir_builder_settings(b), key, v, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_OK);
  sslvdir_builder_free(b);
  return p;
}

static void test_backend(void) {
  const unsigned U = SSLVDIR_CERT_PROBLEM_UNTRUSTED;
  const sslvdir_backend_side I = SSLVDIR_BACKEND_INTERNAL, X = SSLVDIR_BACKEND_EXTERNAL;
  /* Exchange's defaults: internal untrusted accepted, external not. */
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(NULL, I, 0), 1);
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(NULL, X, 0), 1);
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(NULL, I, U), 1);
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(NULL, X, U), 0);
  /* A side it does not know: 0, not a negative code a caller would take for yes. */
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(NULL, (sslvdir_backend_side)99, 0), 0);
  /* Only an untrusted issuer is ever forgiven. */
  static const unsigned never[] = {SSLVDIR_CERT_PROBLEM_EXPIRED, SSLVDIR_CERT_PROBLEM_NOT_YET_VALID,
                                   SSLVDIR_CERT_PROBLEM_REVOKED, SSLVDIR_CERT_PROBLEM_INVALID,
                                   SSLVDIR_CERT_PROBLEM_NAME, SSLVDIR_CERT_PROBLEM_UNTRUSTED |
                                   SSLVDIR_CERT_PROBLEM_NAME};
  sslvdir_policy *both = policy_with(SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, 1);
  for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
    CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(NULL, I, never[i]), 0);
    CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(both, X, never[i]), 0);
  }
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(both, X, U), 1);
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(both, I, U), 1);
  sslvdir_policy *no_int = policy_with(SSLVDIR_KEY_ALLOW_INTERNAL_UNTRUSTED, 0);
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(no_int, I, U), 0);
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(no_int, I, 0), 1);
  /* The misspelled value of the Exchange 2007 Client Access and SSL white paper changes nothing. */
  sslvdir_policy *typo = policy_with(SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED_TYPO, 1);
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(typo, X, U), 0);
  CU_ASSERT_EQUAL(sslvdir_trust_backend_accepts(NULL, (sslvdir_backend_side)7, 0), 0);
  sslvdir_policy_unref(both);
  sslvdir_policy_unref(no_int);
  sslvdir_policy_unref(typo);
}

void suite_trust(void) {
  CU_pSuite s = CU_add_suite("trust", NULL, NULL);
  CU_add_test(s, "verdicts at chosen moments, with a CRL", test_verdicts);
  CU_add_test(s, "chains as DER", test_der);
  CU_add_test(s, "store errors", test_store_errors);
  CU_add_test(s, "IIS substatus for client certificates", test_status);
  CU_add_test(s, "backend trust as Exchange decides it", test_backend);
}
