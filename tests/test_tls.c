/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * TLS facts: cipher suite names (tests/data/tls/ciphers.cases), and the
 * GnuTLS glue proved in real handshakes over a socket pair: a proxy's
 * client session checking a bridged backend with Exchange's rule, and a
 * server session reading the client certificate's status.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "unit.h"

static void test_cipher_names(void) {
  size_t len;
  char *text = read_file(srcpath("tests/data/tls/ciphers.cases"), &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  int cases = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char *f[2];
    if (line[0] == '#' || split_fields(line, f, 2) != 2)
      continue;
    size_t n = unescape(f[0]);
    unsigned bits = 999;
    int rc = sslvdir_tls_cipher_bits(f[0], n, &bits);
    int want_rc = !strcmp(f[1], "unknown") ? SSLVDIR_E_UNKNOWN_NAME
                : !strcmp(f[1], "syntax") ? SSLVDIR_E_SYNTAX : SSLVDIR_OK;
    if (rc != want_rc || (!rc && bits != (unsigned)atoi(f[1])))
      fprintf(stderr, "\ncipher %s: rc %d bits %u, want %s\n", f[0], rc, bits, f[1]);
    CU_ASSERT_EQUAL(rc, want_rc);
    CU_ASSERT_EQUAL(bits, rc ? 0u : (unsigned)atoi(f[1]));
    cases++;
  }
  CU_ASSERT(cases >= 60);
  free(text);
  unsigned bits;
  char longname[200];
  memset(longname, 'A', sizeof longname);
  memcpy(longname, "AES128-", 7);
  CU_ASSERT_EQUAL(sslvdir_tls_cipher_bits(longname, 128, &bits), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_tls_cipher_bits(longname, 127, &bits), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_tls_cipher_bits(NULL, 3, &bits), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_tls_cipher_bits("AES128-SHA", 10, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_tls_cipher_bits("", 0, &bits), SSLVDIR_E_UNKNOWN_NAME);
  /* Only len bytes count. */
  CU_ASSERT_EQUAL(sslvdir_tls_cipher_bits("AES128-SHA;garbage", 10, &bits), SSLVDIR_OK);
  CU_ASSERT_EQUAL(bits, 128);
}

/* One side of a handshake. */
typedef struct side {
  int fd;
  const char *cert, *key;         /* our certificate, or NULL */
  int request_cert;               /* server: ask the client for one */
  const sslvdir_trust *trust;
  const sslvdir_policy *policy;   /* client: the backend rule's settings */
  sslvdir_backend_side backend;
  const char *host;
  int handshake;                  /* gnutls_handshake()'s result */
  int verify_rc;                  /* client: sslvdir_tls_verify_backend() */
  unsigned problems;
  sslvdir_cert_status client_status; /* server: sslvdir_tls_client_cert() */
  unsigned bits;
  const char *priority;           /* a GnuTLS priority string, or NULL for the default */
  char suite[96];                 /* the negotiated suite's names, GnuTLS's and IANA's */
  char iana[96];
} side;

static int verify(gnutls_session_t s) {
  side *me = gnutls_session_get_ptr(s);
  me->verify_rc = sslvdir_tls_verify_backend(s, me->trust, me->policy, me->backend, me->host, 0,
                                             &me->problems, NULL);
  return me->verify_rc ? GNUTLS_E_CERTIFICATE_ERROR : 0;
}

static void *run(void *arg, int server) {
  side *me = arg;
  gnutls_certificate_credentials_t cred;
  gnutls_session_t s;
  gnutls_certificate_allocate_credentials(&cred);
  if (me->cert)
    gnutls_certificate_set_x509_key_file(cred, certpath(me->cert), certpath(me->key),
                                         GNUTLS_X509_FMT_PEM);
  gnutls_init(&s, server ? GNUTLS_SERVER : GNUTLS_CLIENT);
  if (me->priority)
    gnutls_priority_set_direct(s, me->priority, NULL);
  else
    gnutls_set_default_priority(s);
  gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
  gnutls_session_set_ptr(s, me);
  if (server && me->request_cert)
    gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
  if (!server)
    gnutls_session_set_verify_function(s, verify);
  gnutls_transport_set_int(s, me->fd);
  gnutls_handshake_set_timeout(s, 20000);
  int rc;
  do
    rc = gnutls_handshake(s);
  while (rc < 0 && !gnutls_error_is_fatal(rc));
  me->handshake = rc;
  if (rc == 0) {
    if (sslvdir_tls_session_cipher_bits(s, &me->bits))
      me->bits = 0;
    const char *name = gnutls_cipher_suite_get_name(gnutls_kx_get(s), gnutls_cipher_get(s),
                                                    gnutls_mac_get(s));
    snprintf(me->suite, sizeof me->suite, "TLS_%s", name ? name : "?");
    name = gnutls_ciphersuite_get(s);
    snprintf(me->iana, sizeof me->iana, "%s", name ? name : "?");
    if (server && sslvdir_tls_client_cert(s, me->trust, 0, &me->client_status, NULL, NULL))
      me->client_status = (sslvdir_cert_status)-1;
  }
  /* The other side then stops waiting for us, but may still write: a TLS 1.3
   * server sends its session tickets after the client's Finished, and a
   * closed socket would make that write fail (EPIPE) when the client gets
   * there first, as it may on a loaded machine. handshake() closes both. */
  shutdown(me->fd, SHUT_WR);
  gnutls_deinit(s);
  gnutls_certificate_free_credentials(cred);
  return NULL;
}

static void *run_server(void *arg) { return run(arg, 1); }

static void handshake(side *client, side *server) {
  int fds[2];
  CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  client->fd = fds[0];
  server->fd = fds[1];
  pthread_t t;
  CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, run_server, server), 0);
  run(client, 0);
  pthread_join(t, NULL);
  close(fds[0]);
  close(fds[1]);
}

static sslvdir_trust *ca_store(void) {
  sslvdir_trust *t;
  CU_ASSERT_EQUAL_FATAL(sslvdir_trust_new(&t, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_trust_add_ca_file(t, certpath("ca.pem"), NULL, NULL), SSLVDIR_OK);
  return t;
}

static void test_backend_handshakes(void) {
  sslvdir_trust *t = ca_store();
  sslvdir_builder *b;
  sslvdir_policy *ext = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "Default Web Site", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_settings_set_dword(sslvdir_builder_settings(b),
                                             SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, 1, NULL),
                  SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &ext, NULL), SSLVDIR_OK);
  sslvdir_builder_free(b);
  static const struct {
    const char *cert, *host;
    int side, use_ext_policy, accepted;
    unsigned problems;
  } cases[] = {
    /* A trusted certificate that names the backend. */
    {"server", "mail.contoso.com", SSLVDIR_BACKEND_EXTERNAL, 0, 1, 0},
    /* Exchange's self-signed certificate: internal yes, external only
     * with AllowExternalUntrustedCerts=1. */
    {"selfsigned", "server01.contoso.local", SSLVDIR_BACKEND_INTERNAL, 0, 1,
     SSLVDIR_CERT_PROBLEM_UNTRUSTED},
    {"selfsigned", "server01.contoso.local", SSLVDIR_BACKEND_EXTERNAL, 0, 0,
     SSLVDIR_CERT_PROBLEM_UNTRUSTED},
    {"selfsigned", "server01.contoso.local", SSLVDIR_BACKEND_EXTERNAL, 1, 1,
     SSLVDIR_CERT_PROBLEM_UNTRUSTED},
    /* Never forgiven: the wrong name, an expired certificate. */
    {"selfsigned", "server02.contoso.local", SSLVDIR_BACKEND_INTERNAL, 0, 0,
     SSLVDIR_CERT_PROBLEM_UNTRUSTED | SSLVDIR_CERT_PROBLEM_NAME},
    {"server", "www.fabrikam.com", SSLVDIR_BACKEND_INTERNAL, 0, 0, SSLVDIR_CERT_PROBLEM_NAME},
    {"expired", "mail.contoso.com", SSLVDIR_BACKEND_INTERNAL, 0, 0, SSLVDIR_CERT_PROBLEM_EXPIRED},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char cert[64], key[64];
    snprintf(cert, sizeof cert, "%s.pem", cases[i].cert);
    snprintf(key, sizeof key, "%s.key", cases[i].cert);
    side c = {.trust = t, .policy = cases[i].use_ext_policy ? ext : NULL,
              .backend = (sslvdir_backend_side)cases[i].side, .host = cases[i].host,
              .verify_rc = 99};
    side s = {.cert = cert, .key = key, .trust = t};
    handshake(&c, &s);
    if ((c.handshake == 0) != cases[i].accepted || c.problems != cases[i].problems)
      fprintf(stderr, "\nbackend case %zu: handshake %d, problems %#x\n", i, c.handshake,
              c.problems);
    CU_ASSERT_EQUAL(c.verify_rc, cases[i].accepted ? SSLVDIR_OK : SSLVDIR_E_REFUSED);
    CU_ASSERT_EQUAL(c.handshake == 0, cases[i].accepted);
    CU_ASSERT_EQUAL(c.problems, cases[i].problems);
    if (cases[i].accepted) {
      /* Whatever GnuTLS negotiated by default is at least 128 bits, and
       * both ends agree. */
      CU_ASSERT(c.bits >= 128);
      CU_ASSERT_EQUAL(c.bits, s.bits);
    }
  }
  sslvdir_policy_unref(ext);
  sslvdir_trust_free(t);
}

static void test_client_certs(void) {
  sslvdir_trust *t = ca_store();
  static const struct {
    const char *cert, *key;
    sslvdir_cert_status status;
  } cases[] = {
    {"client.pem", "client.key", SSLVDIR_CERT_STATUS_OK},
    {"stranger.pem", "stranger.key", SSLVDIR_CERT_STATUS_UNTRUSTED},
    {"expired.pem", "expired.key", SSLVDIR_CERT_STATUS_EXPIRED},
    {NULL, NULL, SSLVDIR_CERT_STATUS_NONE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    side c = {.cert = cases[i].cert, .key = cases[i].key, .trust = t, .host = NULL,
              .backend = SSLVDIR_BACKEND_INTERNAL};
    side s = {.cert = "server.pem", .key = "server.key", .trust = t, .request_cert = 1,
              .client_status = (sslvdir_cert_status)42};
    handshake(&c, &s);
    CU_ASSERT_EQUAL(c.handshake, 0);
    CU_ASSERT_EQUAL(s.handshake, 0);
    CU_ASSERT_EQUAL(s.client_status, cases[i].status);
  }
  sslvdir_trust_free(t);
  sslvdir_cert_status st;
  unsigned bits = 7;
  CU_ASSERT_EQUAL(sslvdir_tls_client_cert(NULL, NULL, 0, &st, NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(st, SSLVDIR_CERT_STATUS_UNTRUSTED);
  CU_ASSERT_EQUAL(sslvdir_tls_session_cipher_bits(NULL, &bits), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(bits, 0);
  CU_ASSERT_EQUAL(sslvdir_tls_verify_backend(NULL, NULL, NULL, SSLVDIR_BACKEND_INTERNAL, NULL, 0,
                                             NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
}

/* The session's key size and the suite's names agree, in handshakes that
 * negotiate the legacy ciphers the Ssl128 rule is about: triple DES counts
 * 112 and RC4 0 (both below 128, so 403.5), AES-128-CBC 128 (control). */
static void test_legacy_cipher_handshakes(void) {
  static const struct {
    const char *cipher;
    unsigned bits;
  } cases[] = {
    {"3DES-CBC", 112},
    {"ARCFOUR-128", 0},
    {"AES-128-CBC", 128},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char prio[160];
    snprintf(prio, sizeof prio, "NONE:+VERS-TLS1.2:+RSA:+%s:+SHA1:+COMP-NULL:+SIGN-ALL",
             cases[i].cipher);
    side c = {.host = NULL, .backend = SSLVDIR_BACKEND_INTERNAL, .priority = prio, .bits = 999};
    side s = {.cert = "server.pem", .key = "server.key", .priority = prio, .bits = 999};
    sslvdir_trust *t = ca_store();
    c.trust = s.trust = t;
    handshake(&c, &s);
    sslvdir_trust_free(t);
    CU_ASSERT_EQUAL(s.handshake, 0);
    if (s.handshake)
      continue;
    unsigned by_name = 999, by_iana = 999;
    int rc = sslvdir_tls_cipher_bits(s.suite, strlen(s.suite), &by_name);
    int rc_iana = sslvdir_tls_cipher_bits(s.iana, strlen(s.iana), &by_iana);
    if (s.bits != cases[i].bits || by_name != cases[i].bits || by_iana != cases[i].bits)
      fprintf(stderr, "\n%s: session %u bits, %s %u (rc %d), %s %u (rc %d); want %u\n",
              cases[i].cipher, s.bits, s.suite, by_name, rc, s.iana, by_iana, rc_iana,
              cases[i].bits);
    CU_ASSERT_EQUAL(s.bits, cases[i].bits);
    CU_ASSERT_EQUAL(c.bits, cases[i].bits);
    CU_ASSERT_EQUAL(rc, SSLVDIR_OK);
    CU_ASSERT_EQUAL(by_name, cases[i].bits);
    CU_ASSERT_EQUAL(rc_iana, SSLVDIR_OK);
    CU_ASSERT_EQUAL(by_iana, cases[i].bits);
  }
}

void suite_tls(void) {
  CU_pSuite s = CU_add_suite("tls", NULL, NULL);
  CU_add_test(s, "cipher suite names (ciphers.cases)", test_cipher_names);
  CU_add_test(s, "bridged backends in real handshakes", test_backend_handshakes);
  CU_add_test(s, "client certificates in real handshakes", test_client_certs);
  CU_add_test(s, "legacy ciphers in real handshakes: session and names agree",
              test_legacy_cipher_handshakes);
}
