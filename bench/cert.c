/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * bench/cert: the certificate and TLS work a proxy does, beside what GnuTLS
 * alone takes for the same question, in the same run (median of 9):
 *   - a cipher suite's key size from its name (per connection, from
 *     HAProxy's ssl_fc_cipher), against a search of GnuTLS's suite table
 *     (gnutls_cipher_suite_info) and gnutls_cipher_get_key_size();
 *   - whether the certificate covers a host name, against
 *     gnutls_x509_crt_check_hostname2() (looser: it accepts partial
 *     wildcards);
 *   - reading a PEM certificate and describing it, against
 *     gnutls_x509_crt_import() alone.
 * The certificate is made here in memory (ECDSA P-256, signed by a CA made
 * here too; four DNS names and a wildcard). Never run by CI for timing;
 * `make bench`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <sslvdir/sslvdir.h>

#include "bench.h"

#define RUNS 9

/* A server certificate signed by a CA, as most are (a self-signed one
 * also costs a signature check when read). */
static gnutls_datum_t make_cert(void) {
  gnutls_x509_privkey_t cakey, key;
  gnutls_x509_crt_t ca, crt;
  gnutls_datum_t pem = {NULL, 0};
  static const char *const names[] = {"mail.contoso.com", "autodiscover.contoso.com",
                                      "server01.contoso.local", "server01", "*.fabrikam.com"};
  unsigned char serial[] = {1, 2, 3, 4};
  unsigned bits = GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1);
  if (gnutls_x509_privkey_init(&cakey) < 0 || gnutls_x509_privkey_init(&key) < 0 ||
      gnutls_x509_privkey_generate(cakey, GNUTLS_PK_ECDSA, bits, 0) < 0 ||
      gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, bits, 0) < 0 ||
      gnutls_x509_crt_init(&ca) < 0 || gnutls_x509_crt_init(&crt) < 0)
    exit(1);
  gnutls_x509_crt_t both[2] = {ca, crt};
  for (int i = 0; i < 2; i++) {
    gnutls_x509_crt_set_version(both[i], 3);
    serial[3] = (unsigned char)i;
    gnutls_x509_crt_set_serial(both[i], serial, sizeof serial);
    gnutls_x509_crt_set_activation_time(both[i], time(NULL) - 60);
    gnutls_x509_crt_set_expiration_time(both[i], time(NULL) + 86400);
  }
  gnutls_x509_crt_set_dn_by_oid(ca, GNUTLS_OID_X520_COMMON_NAME, 0, "Bench CA", 8);
  gnutls_x509_crt_set_basic_constraints(ca, 1, -1);
  gnutls_x509_crt_set_key(ca, cakey);
  gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "mail.contoso.com", 16);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, names[i],
                                         (unsigned)strlen(names[i]), GNUTLS_FSAN_APPEND);
  gnutls_x509_crt_set_key(crt, key);
  if (gnutls_x509_crt_sign2(ca, ca, cakey, GNUTLS_DIG_SHA256, 0) < 0 ||
      gnutls_x509_crt_sign2(crt, ca, cakey, GNUTLS_DIG_SHA256, 0) < 0 ||
      gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &pem) < 0)
    exit(1);
  gnutls_x509_crt_deinit(crt);
  gnutls_x509_crt_deinit(ca);
  gnutls_x509_privkey_deinit(key);
  gnutls_x509_privkey_deinit(cakey);
  return pem;
}

/* The peer: find the suite in GnuTLS's table by name, then its cipher's key
 * size (bytes, made bits). Only GnuTLS's own names are found. */
static unsigned peer_bits(const char *name) {
  const char *n;
  gnutls_cipher_algorithm_t cipher;
  gnutls_kx_algorithm_t kx;
  gnutls_mac_algorithm_t mac;
  gnutls_protocol_t min;
  unsigned char id[2];
  for (size_t i = 0; (n = gnutls_cipher_suite_info(i, id, &kx, &cipher, &mac, &min)); i++)
    if (!strcmp(n, name))
      return (unsigned)gnutls_cipher_get_key_size(cipher) * 8;
  return 0;
}

static double median(double *t) {
  qsort(t, RUNS, sizeof *t, cmp_double);
  return t[RUNS / 2];
}

int main(void) {
  /* GnuTLS's own names, so that the peer finds every one of them. */
  static const char *const suites[] = {"TLS_ECDHE_RSA_AES_128_GCM_SHA256",
                                       "TLS_ECDHE_ECDSA_AES_256_GCM_SHA384",
                                       "TLS_RSA_3DES_EDE_CBC_SHA1", "TLS_AES_128_GCM_SHA256",
                                       "TLS_ECDHE_RSA_CHACHA20_POLY1305"};
  const int N = 200000;
  double ours[RUNS], peer[RUNS];
  unsigned long sink = 0;
  for (int r = 0; r < RUNS; r++) {
    double t0 = now();
    for (int i = 0; i < N; i++) {
      unsigned bits = 0;
      const char *s = suites[i % 5];
      if (!sslvdir_tls_cipher_bits(s, strlen(s), &bits))
        sink += bits;
    }
    double t1 = now();
    for (int i = 0; i < N; i++)
      sink += peer_bits(suites[i % 5]);
    double t2 = now();
    ours[r] = (t1 - t0) / N * 1e9;
    peer[r] = (t2 - t1) / N * 1e9;
  }
  double o = median(ours), p = median(peer);
  printf("cipher key size from a name: %.0f ns; GnuTLS's suite table: %.0f ns (%.2fx)\n", o, p,
         o / p);

  gnutls_datum_t pem = make_cert();
  sslvdir_cert *c;
  gnutls_x509_crt_t crt;
  if (sslvdir_cert_parse(&c, pem.data, pem.size, NULL, NULL) || gnutls_x509_crt_init(&crt) < 0 ||
      gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM) < 0)
    return 1;
  static const char *const hosts[] = {"mail.contoso.com", "server01", "www.fabrikam.com",
                                      "other.example"};
  for (int r = 0; r < RUNS; r++) {
    double t0 = now();
    for (int i = 0; i < N; i++) {
      const char *h = hosts[i & 3];
      int covered;
      if (sslvdir_cert_covers(c, h, strlen(h), &covered, NULL) == SSLVDIR_OK)
        sink += (unsigned long)covered;
    }
    double t1 = now();
    for (int i = 0; i < N; i++)
      sink += gnutls_x509_crt_check_hostname2(crt, hosts[i & 3], 0);
    double t2 = now();
    ours[r] = (t1 - t0) / N * 1e9;
    peer[r] = (t2 - t1) / N * 1e9;
  }
  o = median(ours);
  p = median(peer);
  printf("name coverage (RFC 9525): %.0f ns; gnutls_x509_crt_check_hostname2: %.0f ns (%.2fx)\n",
         o, p, o / p);

  const int L = 5000;
  for (int r = 0; r < RUNS; r++) {
    double t0 = now();
    for (int i = 0; i < L; i++) {
      sslvdir_cert *x;
      if (!sslvdir_cert_parse(&x, pem.data, pem.size, NULL, NULL))
        sink += sslvdir_cert_count(x);
      sslvdir_cert_free(x);
    }
    double t1 = now();
    for (int i = 0; i < L; i++) {
      gnutls_x509_crt_t y;
      gnutls_x509_crt_init(&y);
      sink += gnutls_x509_crt_import(y, &pem, GNUTLS_X509_FMT_PEM) == 0;
      gnutls_x509_crt_deinit(y);
    }
    double t2 = now();
    ours[r] = (t1 - t0) / L * 1e6;
    peer[r] = (t2 - t1) / L * 1e6;
  }
  o = median(ours);
  p = median(peer);
  printf("read and describe a PEM certificate: %.1f us; gnutls_x509_crt_import alone: %.1f us "
         "(%.2fx)\n", o, p, o / p);
  sslvdir_cert_free(c);
  gnutls_x509_crt_deinit(crt);
  gnutls_free(pem.data);
  return sink == 0;
}
