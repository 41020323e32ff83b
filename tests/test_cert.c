/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Certificates: every format (PEM, DER, chains, PKCS#12 with and without a
 * password), the fields a report shows (checked against GnuTLS computed
 * independently, and against what tests/gen-certs.sh asked certtool for),
 * name coverage (tests/data/cert/covers.cases), and hostile input.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "unit.h"

static sslvdir_cert *load(const char *name, const char *password) {
  sslvdir_cert *c = NULL;
  sslvdir_error e;
  int rc = sslvdir_cert_load(&c, certpath(name), password, &e);
  if (rc)
    fprintf(stderr, "\n%s: %s\n", name, e.message);
  CU_ASSERT_EQUAL_FATAL(rc, SSLVDIR_OK);
  return c;
}

static void test_formats(void) {
  static const struct {
    const char *file, *password;
    int format;
    size_t count;
  } ok[] = {
    {"server.pem", NULL, SSLVDIR_CERT_FORMAT_PEM, 1},
    {"server.der", NULL, SSLVDIR_CERT_FORMAT_DER, 1},
    {"server-chain.pem", NULL, SSLVDIR_CERT_FORMAT_PEM, 2},
    {"server-with-key.pem", NULL, SSLVDIR_CERT_FORMAT_PEM, 1},
    {"server.p12", "P@ss w0rd", SSLVDIR_CERT_FORMAT_PKCS12, 2},
    {"nopass.p12", NULL, SSLVDIR_CERT_FORMAT_PKCS12, 1},
    {"nopass.p12", "", SSLVDIR_CERT_FORMAT_PKCS12, 1},
    {"certonly.p12", "P@ss w0rd", SSLVDIR_CERT_FORMAT_PKCS12, 2},
    {"selfsigned.der", NULL, SSLVDIR_CERT_FORMAT_DER, 1},
  };
  sslvdir_cert *der = load("server.der", NULL), *ca = load("ca.pem", NULL);
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    sslvdir_cert *c = load(ok[i].file, ok[i].password);
    CU_ASSERT_EQUAL(sslvdir_cert_format_of(c), ok[i].format);
    CU_ASSERT_EQUAL(sslvdir_cert_count(c), ok[i].count);
    /* Whatever the container, the server's certificate comes first, and
     * the same certificate read any way has one thumbprint. */
    if (strncmp(ok[i].file, "selfsigned", 10))
      CU_ASSERT_STRING_EQUAL(sslvdir_cert_thumbprint(c, 0), sslvdir_cert_thumbprint(der, 0));
    if (ok[i].count == 2)
      CU_ASSERT_STRING_EQUAL(sslvdir_cert_thumbprint(c, 1), sslvdir_cert_thumbprint(ca, 0));
    sslvdir_cert_free(c);
  }
  sslvdir_cert_free(der);
  sslvdir_cert_free(ca);
}

static void test_refused(void) {
  sslvdir_cert *c = (sslvdir_cert *)1;
  sslvdir_error e;
  CU_ASSERT_EQUAL(sslvdir_cert_load(&c, certpath("server.p12"), NULL, &e), SSLVDIR_E_PASSWORD);
  CU_ASSERT_PTR_NULL(c);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "missing"));
  CU_ASSERT_EQUAL(sslvdir_cert_load(&c, certpath("server.p12"), "wrong", &e), SSLVDIR_E_PASSWORD);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "wrong"));
  CU_ASSERT_EQUAL(sslvdir_cert_load(&c, certpath("nopass.p12"), "x", &e), SSLVDIR_E_PASSWORD);
  CU_ASSERT_EQUAL(sslvdir_cert_load(&c, certpath("certonly.p12"), "x", &e), SSLVDIR_E_PASSWORD);
  CU_ASSERT_EQUAL(sslvdir_cert_load(&c, certpath("server.key"), NULL, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_cert_load(&c, certpath("no-such-file.pem"), NULL, &e), SSLVDIR_E_IO);
  CU_ASSERT_EQUAL(sslvdir_cert_load(&c, certpath("crl.pem"), NULL, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&c, "", 0, NULL, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&c, "garbage", 7, NULL, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "neither PEM"));
  CU_ASSERT_EQUAL(sslvdir_cert_parse(NULL, "x", 1, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&c, NULL, 1, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_cert_load(&c, NULL, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);

  size_t len;
  char *pem = read_file(certpath("server.pem"), &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(pem);
  /* A PEM block cut short, then a DER certificate cut short. */
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&c, pem, len / 2, NULL, &e), SSLVDIR_E_SYNTAX);
  size_t dlen;
  char *der = read_file(certpath("server.der"), &dlen);
  CU_ASSERT_PTR_NOT_NULL_FATAL(der);
  for (size_t cut = 1; cut < dlen; cut += 37) {
    CU_ASSERT_NOT_EQUAL(sslvdir_cert_parse(&c, der, cut, NULL, &e), SSLVDIR_OK);
    CU_ASSERT_PTR_NULL(c);
  }
  /* Seventeen certificates are more than a chain may hold. */
  char *many = malloc(len * 17 + 1);
  for (int i = 0; i < 17; i++)
    memcpy(many + i * len, pem, len);
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&c, many, len * 17, NULL, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&c, many, len * 16, NULL, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_cert_count(c), 16);
  sslvdir_cert_free(c);
  /* Over the size limit, whatever the content. */
  char *big = calloc(1, SSLVDIR_CERT_MAX + 1);
  memcpy(big, pem, len);
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&c, big, SSLVDIR_CERT_MAX + 1, NULL, &e), SSLVDIR_E_RANGE);
  free(big);
  free(many);
  free(pem);
  free(der);
  sslvdir_cert_free(NULL);

  /* A PKCS#12 whose MAC asks for 8,388,607 key derivation rounds (the
   * last INTEGER 600,000 of the file, the MAC's, made 0x7FFFFF) is refused
   * at once rather than worked through. */
  size_t plen;
  char *p12 = read_file(certpath("server.p12"), &plen);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p12);
  static const char iter[] = {2, 3, 9, 0x27, (char)0xc0};
  char *at = NULL;
  for (size_t i = 0; i + sizeof iter <= plen; i++)
    if (!memcmp(p12 + i, iter, sizeof iter))
      at = p12 + i;
  CU_ASSERT_PTR_NOT_NULL_FATAL(at);
  at[2] = 0x7f, at[3] = (char)0xff, at[4] = (char)0xff;
  CU_ASSERT_EQUAL(sslvdir_cert_parse(&c, p12, plen, "P@ss w0rd", &e), SSLVDIR_E_RANGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "8388607 key derivation rounds"));
  free(p12);
}

static void test_fields(void) {
  sslvdir_cert *c = load("server-chain.pem", NULL);
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_cert_subject(c, 0), "CN=mail.contoso.com"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_cert_subject(c, 0), "O=Contoso"));
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_common_name(c, 0), "mail.contoso.com");
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_issuer(c, 0), "CN=libsslvdir test CA");
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_subject(c, 1), "CN=libsslvdir test CA");
  CU_ASSERT_EQUAL(sslvdir_cert_self_signed(c, 0), 0);
  CU_ASSERT_EQUAL(sslvdir_cert_self_signed(c, 1), 1);
  unsigned bits = 0;
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_key(c, 0, &bits), "RSA");
  CU_ASSERT_EQUAL(bits, 2048);
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_signature_algorithm(c, 0), "RSA-SHA256");
  int64_t nb, na;
  CU_ASSERT_EQUAL(sslvdir_cert_validity(c, 0, &nb, &na), SSLVDIR_OK);
  CU_ASSERT(na - nb >= 364 * 86400 && na - nb <= 366 * 86400);
  CU_ASSERT_EQUAL(sslvdir_cert_validity(c, 2, &nb, &na), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_PTR_NULL(sslvdir_cert_subject(c, 2));
  CU_ASSERT_PTR_NULL(sslvdir_cert_thumbprint(c, 2));

  /* SANs in certificate order, with their types. */
  static const struct { int type; const char *value; } sans[] = {
    {SSLVDIR_SAN_DNS, "mail.contoso.com"}, {SSLVDIR_SAN_DNS, "autodiscover.contoso.com"},
    {SSLVDIR_SAN_DNS, "server01.contoso.local"}, {SSLVDIR_SAN_DNS, "server01"},
    {SSLVDIR_SAN_IP, "192.0.2.10"}};
  CU_ASSERT_EQUAL_FATAL(sslvdir_cert_san_count(c, 0), 5);
  for (size_t i = 0; i < 5; i++) {
    int t;
    const char *v;
    CU_ASSERT_EQUAL(sslvdir_cert_san(c, 0, i, &t, &v), SSLVDIR_OK);
    CU_ASSERT_EQUAL(t, sans[i].type);
    CU_ASSERT_STRING_EQUAL(v, sans[i].value);
  }
  CU_ASSERT_EQUAL(sslvdir_cert_san(c, 0, 5, NULL, NULL), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_cert_san_count(c, 1), 0);

  /* The thumbprint is the SHA-1 of the DER bytes, as Exchange prints it. */
  size_t dlen;
  char *der = read_file(certpath("server.der"), &dlen);
  unsigned char sha1[20];
  char hex[41];
  CU_ASSERT_EQUAL(gnutls_hash_fast(GNUTLS_DIG_SHA1, der, dlen, sha1), 0);
  for (int i = 0; i < 20; i++)
    sprintf(hex + 2 * i, "%02X", sha1[i]);
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_thumbprint(c, 0), hex);
  free(der);
  sslvdir_cert_free(c);

  /* certtool was asked for serial 4242 (0x1092), RSA 1024, fixed dates. */
  c = load("revoked.pem", NULL);
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_serial(c, 0), "1092");
  sslvdir_cert_free(c);
  c = load("weak.pem", NULL);
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_key(c, 0, &bits), "RSA");
  CU_ASSERT_EQUAL(bits, 1024);
  sslvdir_cert_free(c);
  c = load("expired.pem", NULL);
  CU_ASSERT_EQUAL(sslvdir_cert_validity(c, 0, &nb, &na), SSLVDIR_OK);
  CU_ASSERT_EQUAL(nb, 1577836800); /* 2020-01-01 */
  CU_ASSERT_EQUAL(na, 1609459200); /* 2021-01-01 */
  sslvdir_cert_free(c);
  c = load("selfsigned.pem", NULL);
  CU_ASSERT_EQUAL(sslvdir_cert_self_signed(c, 0), 1);
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_common_name(c, 0), "SERVER01");
  sslvdir_cert_free(c);
  /* Signed by a CA nobody trusts is still not self-signed. */
  c = load("stranger.pem", NULL);
  CU_ASSERT_EQUAL(sslvdir_cert_self_signed(c, 0), 0);
  sslvdir_cert_free(c);
  CU_ASSERT_PTR_NULL(sslvdir_cert_subject(NULL, 0));
  CU_ASSERT_EQUAL(sslvdir_cert_count(NULL), 0);
}

static void test_covers(void) {
  size_t len;
  char *text = read_file(srcpath("tests/data/cert/covers.cases"), &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  int cases = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char *f[4];
    if (line[0] == '#')
      continue;
    int n = split_fields(line, f, 4);
    if (n < 3)
      continue;
    char file[64];
    snprintf(file, sizeof file, "%s.pem", f[0]);
    sslvdir_cert *c = load(file, NULL);
    size_t hl = unescape(f[1]);
    const char *by = "unset";
    int covered = -1;
    int got = sslvdir_cert_covers(c, f[1], hl, &covered, &by);
    int want = !strcmp(f[2], "syntax") ? SSLVDIR_E_SYNTAX : SSLVDIR_OK;
    int want_covered = !strcmp(f[2], "yes");
    if (got != want || covered != want_covered)
      fprintf(stderr, "\ncovers: %s %s: got %d (covered %d), want %d (covered %d)\n", f[0], f[1],
              got, covered, want, want_covered);
    CU_ASSERT_EQUAL(got, want);
    /* Written on every path, "not covered" for a malformed host. */
    CU_ASSERT_EQUAL(covered, want_covered);
    if (want_covered) {
      CU_ASSERT_PTR_NOT_NULL(by);
      if (by && n > 3)
        CU_ASSERT_STRING_EQUAL(by, f[3]);
    } else {
      CU_ASSERT_PTR_NULL(by);
    }
    sslvdir_cert_free(c);
    cases++;
  }
  CU_ASSERT(cases >= 30);
  free(text);
}

static void test_wildcard(void) {
  static const struct { const char *file; int wild; } w[] = {
    {"wildcard.pem", 1}, {"partial.pem", 1}, {"server.pem", 0}, {"cnonly.pem", 0},
    {"selfsigned.pem", 0}};
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
    sslvdir_cert *c = load(w[i].file, NULL);
    CU_ASSERT_EQUAL(sslvdir_cert_has_wildcard(c), w[i].wild);
    sslvdir_cert_free(c);
  }
  CU_ASSERT_EQUAL(sslvdir_cert_has_wildcard(NULL), 0);
  /* Predicates answer 1 or 0, never a negative code, whatever they are given. */
  CU_ASSERT_EQUAL(sslvdir_cert_self_signed(NULL, 0), 0);
  sslvdir_cert *c = load("selfsigned.pem", NULL);
  CU_ASSERT_EQUAL(sslvdir_cert_self_signed(c, 0), 1);
  CU_ASSERT_EQUAL(sslvdir_cert_self_signed(c, 99), 0);
  sslvdir_cert_free(c);
}

/* The verdict fails closed: whatever the error, *covered reads "not covered"
 * and *by is NULL, so a caller testing only *covered cannot let a malformed
 * host or a missing certificate through. */
static void test_covers_fails_closed(void) {
  sslvdir_cert *c = load("server.pem", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  static const struct { const char *host; size_t len; int rc; } bad[] = {
    {"mail..contoso.com", 17, SSLVDIR_E_SYNTAX},
    {"mail.contoso.com/owa", 20, SSLVDIR_E_SYNTAX},
    {"", 0, SSLVDIR_E_SYNTAX},
    {NULL, 3, SSLVDIR_E_INVALID_ARGUMENT},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int covered = 1;
    const char *by = "stale";
    CU_ASSERT_EQUAL(sslvdir_cert_covers(c, bad[i].host, bad[i].len, &covered, &by), bad[i].rc);
    CU_ASSERT_EQUAL(covered, 0);
    CU_ASSERT_PTR_NULL(by);
  }
  /* The same after a name that is covered: nothing stale is left. */
  int covered = 0;
  const char *by = NULL;
  CU_ASSERT_EQUAL(sslvdir_cert_covers(c, "mail.contoso.com", 16, &covered, &by), SSLVDIR_OK);
  CU_ASSERT_EQUAL(covered, 1);
  CU_ASSERT_STRING_EQUAL(by, "mail.contoso.com");
  CU_ASSERT_EQUAL(sslvdir_cert_covers(c, "mail..contoso.com", 17, &covered, &by), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(covered, 0);
  CU_ASSERT_PTR_NULL(by);
  covered = 1;
  by = "stale";
  CU_ASSERT_EQUAL(sslvdir_cert_covers(NULL, "mail.contoso.com", 16, &covered, &by),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(covered, 0);
  CU_ASSERT_PTR_NULL(by);
  /* Nowhere to put the verdict: refused, not answered through the return. */
  by = "stale";
  CU_ASSERT_EQUAL(sslvdir_cert_covers(c, "mail.contoso.com", 16, NULL, &by),
                  SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(by);
  sslvdir_cert_free(c);
}

void suite_cert(void) {
  CU_pSuite s = CU_add_suite("cert", NULL, NULL);
  CU_add_test(s, "PEM, DER, chains and PKCS#12", test_formats);
  CU_add_test(s, "wrong passwords, broken and oversized input", test_refused);
  CU_add_test(s, "what a report shows", test_fields);
  CU_add_test(s, "name coverage (covers.cases)", test_covers);
  CU_add_test(s, "name coverage fails closed", test_covers_fails_closed);
  CU_add_test(s, "wildcards", test_wildcard);
}
