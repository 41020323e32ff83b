/*
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

typedef struct tok {
  char s[NAME_MAX_BYTES + 1];
  size_t n;
} tok;

static int is_num(const tok *t, const char *num) { return t && !strcmp(t->s, num); }

/* Bits named by token i (and what follows it), or -1 when it names no
 * cipher. */
static int cipher_of(const tok *t, size_t i, size_t n) {
  const tok *next = i + 1 < n ? &t[i + 1] : NULL;
  const tok *after = i + 2 < n ? &t[i + 2] : NULL;
  const char *s = t[i].s;
  static const struct { const char *family; } sized[] = {{"AES"}, {"CAMELLIA"}, {"ARIA"}};
  for (size_t k = 0; k < sizeof sized / sizeof sized[0]; k++) {
    size_t fl = strlen(sized[k].family);
    if (strncmp(s, sized[k].family, fl))
      continue;
    const char *num = s[fl] ? s + fl : next ? next->s : "";
    if (!strcmp(num, "128"))
      return 128;
    if (!strcmp(num, "256"))
      return 256;
    if (!strcmp(num, "192"))
      return 192;
    return s[fl] ? -1 : -2; /* "AES" with no size: a cipher of unknown size */
  }
  if (!strcmp(s, "CHACHA20"))
    return 256;
  if (!strcmp(s, "3DES"))
    return 112;
  if (!strcmp(s, "DES40"))
    return 40;
  if (!strcmp(s, "DES")) {
    if (next && (!strcmp(next->s, "CBC3") || !strcmp(next->s, "EDE3") || !strcmp(next->s, "EDE")))
      return 112;
    if (is_num(next, "40"))
      return 40;
    return 56;
  }
  if (!strcmp(s, "RC4") || !strcmp(s, "RC2")) {
    const tok *num = next && !strcmp(next->s, "CBC") ? after : next;
    if (is_num(num, "40"))
      return 40;
    if (is_num(num, "56"))
      return 56;
    return 128;
  }
  if (!strcmp(s, "IDEA") || !strcmp(s, "SEED") || !strcmp(s, "SM4"))
    return 128;
  if (!strcmp(s, "NULL"))
    return 0;
  return -1;
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
    while (j < len && name[j] != '-' && name[j] != '_')
      j++;
    if (j > i) {
      if (n == TOKENS_MAX)
        return SSLVDIR_E_SYNTAX;
      for (size_t k = i; k < j; k++) {
        unsigned char c = (unsigned char)name[k];
        if (!SV_ALNUM(c))
          return SSLVDIR_E_SYNTAX;
        t[n].s[k - i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
      }
      t[n].n = j - i;
      t[n].s[j - i] = '\0';
      n++;
    }
    i = j + 1;
  }
  int found = -1, cap = -1;
  for (size_t i = 0; i < n; i++) {
    const char *s = t[i].s;
    if (!strcmp(s, "EXP") || !strcmp(s, "EXPORT"))
      cap = 40;
    else if (!strcmp(s, "EXP1024") || !strcmp(s, "EXPORT1024"))
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
    return SSLVDIR_OK;
  case GNUTLS_CIPHER_3DES_CBC:
    *bits = 112;
    return SSLVDIR_OK;
  case GNUTLS_CIPHER_DES_CBC:
    *bits = 56;
    return SSLVDIR_OK;
  case GNUTLS_CIPHER_ARCFOUR_40:
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
    *status = SSLVDIR_CERT_UNTRUSTED;
  if (problems)
    *problems = SSLVDIR_CERT_PROBLEM_INVALID;
  if (!session || !trust || !status)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "tls: NULL argument");
  unsigned p;
  int none, rc = peer_verify(session, trust, NULL, now, &p, &none, err);
  if (rc)
    return rc;
  if (none) {
    *status = SSLVDIR_CERT_NONE;
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
