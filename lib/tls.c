/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * TLS facts for decisions: a cipher suite's effective key size (from its
 * name or a GnuTLS session), and the GnuTLS glue for client certificates
 * and bridged backends.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include <sslvdir/tls.h>

#include "internal.h"

#define NAME_MAX_BYTES 127
#define TOKENS_MAX 24

/* A token of a suite name: bytes between '-' and '_'. */
typedef struct tok {
  const char *s;
  size_t n;
} tok;

static int is(const tok *t, const char *word) {
  return t && sv_eq_ci(t->s, t->n, word, strlen(word));
}

/* "AES128" / "AES" "128": the size after a family name, -1 when there is
 * none (a bare family name), 0 when the token is not of that family. */
static int sized(const tok *t, const tok *next, const char *family) {
  size_t fl = strlen(family);
  if (t->n < fl || !sv_eq_ci(t->s, fl, family, fl))
    return 0;
  const char *num = t->s + fl;
  size_t nl = t->n - fl;
  if (!nl && next) {
    num = next->s;
    nl = next->n;
  }
  if (nl == 3 && !memcmp(num, "128", 3))
    return 128;
  if (nl == 3 && !memcmp(num, "256", 3))
    return 256;
  if (nl == 3 && !memcmp(num, "192", 3))
    return 192;
  return t->n == fl ? -1 : 0;
}

/* Bits named by token i (and what follows it); -1 when it names no cipher,
 * -2 for a cipher whose size the name does not say.
 *
 * The bits are the strength that survives known attacks, because that is
 * what Ssl128 asks for: triple DES counts 112 (meet-in-the-middle), not the
 * 168 of its key that Schannel's "Triple DES 168" names, and its 64-bit
 * block is what Sweet32 (CVE-2016-2183) breaks. RC4 counts 0 whatever its
 * key: RFC 7465 forbids it in TLS because its biases leak plaintext, so it
 * protects no better than NULL. */
static int cipher_of(const tok *t, size_t i, size_t n) {
  const tok *cur = &t[i], *next = i + 1 < n ? &t[i + 1] : NULL,
            *after = i + 2 < n ? &t[i + 2] : NULL;
  switch (cur->s[0] | 0x20) {
  case 'a': {
    if (is(cur, "ARCFOUR")) /* GnuTLS's name for RC4 */
      return 0;
    int b = sized(cur, next, "AES");
    if (!b)
      b = sized(cur, next, "ARIA");
    return b > 0 ? b : b < 0 ? -2 : -1;
  }
  case 'c': {
    if (is(cur, "CHACHA20"))
      return 256;
    int b = sized(cur, next, "CAMELLIA");
    return b > 0 ? b : b < 0 ? -2 : -1;
  }
  case '3':
    return is(cur, "3DES") ? 112 : -1;
  case 'd':
    if (is(cur, "DES40"))
      return 40;
    if (!is(cur, "DES"))
      return -1;
    if (is(next, "CBC3") || is(next, "EDE3") || is(next, "EDE"))
      return 112;
    return is(next, "40") ? 40 : 56;
  case 'r':
    if (is(cur, "RC4"))
      return 0;
    if (is(cur, "RC2")) {
      const tok *num = is(next, "CBC") ? after : next;
      return is(num, "40") ? 40 : is(num, "56") ? 56 : 128;
    }
    return -1;
  case 'i':
    return is(cur, "IDEA") ? 128 : -1;
  case 's':
    return is(cur, "SEED") || is(cur, "SM4") ? 128 : -1;
  case 'n':
    return is(cur, "NULL") ? 0 : -1;
  default:
    return -1;
  }
}

SSLVDIR_EXTERN int sslvdir_tls_cipher_bits(const char *name, size_t len, unsigned *bits) {
  if (bits)
    *bits = 0;
  if (!bits || (!name && len))
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (len == 0)
    return SSLVDIR_E_UNKNOWN_NAME;
  if (len > NAME_MAX_BYTES)
    return SSLVDIR_E_SYNTAX;
  tok t[TOKENS_MAX];
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    size_t j = i;
    while (j < len && name[j] != '-' && name[j] != '_') {
      if (!SV_ALNUM((unsigned char)name[j]))
        return SSLVDIR_E_SYNTAX;
      j++;
    }
    if (j > i) {
      if (n == TOKENS_MAX)
        return SSLVDIR_E_SYNTAX;
      t[n].s = name + i;
      t[n].n = j - i;
      n++;
    }
    i = j + 1;
  }
  int found = -1, cap = -1;
  for (size_t i = 0; i < n; i++) {
    if (is(&t[i], "EXP") || is(&t[i], "EXPORT"))
      cap = 40;
    else if (is(&t[i], "EXP1024") || is(&t[i], "EXPORT1024"))
      cap = 56;
    int b = cipher_of(t, i, n);
    if (b == -2)
      return SSLVDIR_E_UNKNOWN_NAME;
    if (b < 0)
      continue;
    if (found >= 0 && b != found)
      return SSLVDIR_E_UNKNOWN_NAME; /* two ciphers: ambiguous, so unknown */
    found = b;
  }
  if (found < 0)
    return SSLVDIR_E_UNKNOWN_NAME;
  if (cap >= 0 && found > cap)
    found = cap;
  *bits = (unsigned)found;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_tls_session_cipher_bits(struct gnutls_session_int *session,
                                                   unsigned *bits) {
  if (bits)
    *bits = 0;
  if (!session || !bits)
    return SSLVDIR_E_INVALID_ARGUMENT;
  gnutls_cipher_algorithm_t c = gnutls_cipher_get(session);
  switch (c) {
  case GNUTLS_CIPHER_NULL:
  case GNUTLS_CIPHER_ARCFOUR_128: /* RC4: 0 whatever its key, as by name */
  case GNUTLS_CIPHER_ARCFOUR_40:
    return SSLVDIR_OK;
  case GNUTLS_CIPHER_3DES_CBC:
    *bits = 112;
    return SSLVDIR_OK;
  case GNUTLS_CIPHER_DES_CBC:
    *bits = 56;
    return SSLVDIR_OK;
  case GNUTLS_CIPHER_RC2_40_CBC:
    *bits = 40;
    return SSLVDIR_OK;
  case GNUTLS_CIPHER_UNKNOWN:
    return SSLVDIR_E_UNKNOWN_NAME;
  default: {
    size_t bytes = gnutls_cipher_get_key_size(c);
    if (bytes == 0)
      return SSLVDIR_E_UNKNOWN_NAME;
    *bits = (unsigned)(bytes * 8);
    return SSLVDIR_OK;
  }
  }
}

/* The peer's chain as DER, checked; *none set when it sent nothing. */
static int peer_verify(gnutls_session_t session, const sslvdir_trust *trust, const char *host,
                       int64_t now, unsigned *problems, int *none, sslvdir_error *err) {
  *none = 0;
  *problems = SSLVDIR_CERT_PROBLEM_INVALID;
  unsigned n = 0;
  const gnutls_datum_t *peers = gnutls_certificate_get_peers(session, &n);
  if (!peers || n == 0) {
    *none = 1;
    return SSLVDIR_OK;
  }
  if (gnutls_certificate_type_get(session) != GNUTLS_CRT_X509) {
    sv_err(err, SSLVDIR_OK, "the peer's certificate is not X.509");
    return SSLVDIR_OK;
  }
  const unsigned char *ders[SSLVDIR_CERT_CHAIN_MAX];
  size_t lens[SSLVDIR_CERT_CHAIN_MAX];
  size_t count = n > SSLVDIR_CERT_CHAIN_MAX ? SSLVDIR_CERT_CHAIN_MAX + 1u : n;
  for (size_t i = 0; i < count && i < SSLVDIR_CERT_CHAIN_MAX; i++) {
    ders[i] = peers[i].data;
    lens[i] = peers[i].size;
  }
  return sslvdir_trust_verify_der(trust, ders, lens, count, host, host ? strlen(host) : 0, now,
                                  problems, err);
}

SSLVDIR_EXTERN int sslvdir_tls_client_cert(struct gnutls_session_int *session,
                                           const sslvdir_trust *trust, int64_t now,
                                           sslvdir_cert_status *status, unsigned *problems,
                                           sslvdir_error *err) {
  if (status)
    *status = SSLVDIR_CERT_STATUS_UNTRUSTED;
  if (problems)
    *problems = SSLVDIR_CERT_PROBLEM_INVALID;
  if (!session || !trust || !status)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "tls: NULL argument");
  unsigned p;
  int none, rc = peer_verify(session, trust, NULL, now, &p, &none, err);
  if (rc)
    return rc;
  if (none) {
    *status = SSLVDIR_CERT_STATUS_NONE;
    if (problems)
      *problems = 0;
    sv_err(err, SSLVDIR_OK, "the client sent no certificate");
    return SSLVDIR_OK;
  }
  *status = sslvdir_trust_status(p);
  if (problems)
    *problems = p;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_tls_verify_backend(struct gnutls_session_int *session,
                                              const sslvdir_trust *trust,
                                              const sslvdir_policy *policy,
                                              sslvdir_backend_side side, const char *host,
                                              int64_t now, unsigned *problems,
                                              sslvdir_error *err) {
  if (problems)
    *problems = SSLVDIR_CERT_PROBLEM_INVALID;
  if (!session || !trust)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "tls: NULL argument");
  if (side != SSLVDIR_BACKEND_INTERNAL && side != SSLVDIR_BACKEND_EXTERNAL)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "tls: unknown backend side %d", (int)side);
  unsigned p;
  int none, rc = peer_verify(session, trust, host, now, &p, &none, err);
  if (rc)
    return rc;
  if (none)
    return sv_err(err, SSLVDIR_E_REFUSED, "the backend sent no certificate");
  if (problems)
    *problems = p;
  if (sslvdir_trust_backend_accepts(policy, side, p)) {
    if (p && err) {
      char why[sizeof err->message];
      memcpy(why, err->message, sizeof why);
      sv_err(err, SSLVDIR_OK, "accepted because %s is 1: %.180s",
             side == SSLVDIR_BACKEND_INTERNAL ? "AllowInternalUntrustedCerts"
                                              : "AllowExternalUntrustedCerts", why);
    }
    return SSLVDIR_OK;
  }
  if (err) {
    char why[sizeof err->message];
    memcpy(why, err->message, sizeof why);
    sv_err(err, SSLVDIR_E_REFUSED, "backend certificate refused: %.200s", why);
  }
  return SSLVDIR_E_REFUSED;
}
