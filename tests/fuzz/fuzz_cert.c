/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Fuzz target: certificates and the names around them. The first byte
 * chooses what the rest is:
 *   0  a certificate file (PEM, DER or PKCS#12 with password "fuzz")
 *   1  one DER certificate presented by a peer, checked against a trust store
 *   2  a cipher suite name
 *   3  a CRL added to a trust store
 * Invariants: every failure has its status and a message; a loaded chain
 * has 1 to 16 certificates, 40 upper-case hex digits of thumbprint and
 * printable text; it covers each of its own plain DNS names; an empty
 * trust store never accepts anything; cipher sizes are the known ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable(const char *s) {
  if (!s)
    abort();
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      abort();
}

static void check_chain(const sslvdir_cert *c) {
  size_t n = sslvdir_cert_count(c);
  if (n < 1 || n > SSLVDIR_CERT_CHAIN_MAX)
    abort();
  for (size_t i = 0; i < n; i++) {
    const char *t = sslvdir_cert_thumbprint(c, i);
    if (!t || strlen(t) != 40 || strspn(t, "0123456789ABCDEF") != 40)
      abort();
    printable(sslvdir_cert_subject(c, i));
    printable(sslvdir_cert_issuer(c, i));
    printable(sslvdir_cert_common_name(c, i));
    printable(sslvdir_cert_serial(c, i));
    printable(sslvdir_cert_key(c, i, NULL));
    printable(sslvdir_cert_signature_algorithm(c, i));
    for (size_t k = 0; k < sslvdir_cert_san_count(c, i); k++) {
      int type;
      const char *v;
      if (sslvdir_cert_san(c, i, k, &type, &v))
        abort();
      printable(v);
      /* The server's certificate covers its own plain DNS names. */
      size_t len = strlen(v);
      if (i == 0 && type == SSLVDIR_SAN_DNS && !strchr(v, '*') && len && v[len - 1] != '.') {
        int covered;
        if (sslvdir_cert_covers(c, v, len, &covered, NULL) == SSLVDIR_OK && !covered)
          abort();
      }
    }
  }
  static const char *const hosts[] = {"mail.contoso.com", "contoso.com", "a.b.contoso.com",
                                      "server01", "192.0.2.1", "::1"};
  for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
    const char *by;
    int covered;
    int r = sslvdir_cert_covers(c, hosts[i], strlen(hosts[i]), &covered, &by);
    if (r != SSLVDIR_OK || (covered != 0 && covered != 1) || (!covered && by))
      abort();
    if (covered)
      printable(by);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > SSLVDIR_CERT_MAX)
    return 0;
  const char *rest = (const char *)data + 1;
  size_t len = size - 1;
  sslvdir_error e;
  switch (data[0] & 3) {
  case 0: {
    sslvdir_cert *c;
    int rc = sslvdir_cert_parse(&c, rest, len, "fuzz", &e);
    if (rc) {
      if (rc > 0 || e.code != rc || !e.message[0] || c)
        abort();
      return 0;
    }
    check_chain(c);
    sslvdir_cert_free(c);
    return 0;
  }
  case 1:
  case 3: {
    sslvdir_trust *t;
    if (sslvdir_trust_new(&t, &e))
      return 0;
    if ((data[0] & 3) == 3) {
      int rc = sslvdir_trust_add_crl(t, rest, len, NULL, &e);
      if (rc != SSLVDIR_E_SYNTAX && rc != SSLVDIR_E_REFUSED && rc != SSLVDIR_E_NOMEM)
        abort(); /* an empty store signs no CRL */
    } else {
      const unsigned char *der = (const unsigned char *)rest;
      unsigned p = 0;
      if (sslvdir_trust_verify_der(t, &der, &len, 1, "mail.contoso.com", 16, 0, &p, &e) ==
          SSLVDIR_OK && p == 0)
        abort(); /* an empty store trusts nothing */
      if (sslvdir_trust_status(p) == SSLVDIR_CERT_STATUS_OK)
        abort();
    }
    sslvdir_trust_free(t);
    return 0;
  }
  default: {
    unsigned bits = 1;
    int rc = sslvdir_tls_cipher_bits(rest, len, &bits);
    if (rc == SSLVDIR_OK) {
      if (bits != 0 && bits != 40 && bits != 56 && bits != 112 && bits != 128 && bits != 192 &&
          bits != 256)
        abort();
    } else if ((rc != SSLVDIR_E_UNKNOWN_NAME && rc != SSLVDIR_E_SYNTAX) || bits != 0) {
      abort();
    }
    return 0;
  }
  }
}
