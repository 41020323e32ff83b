/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Trust stores and chain checks (GnuTLS trust lists), mapped to IIS's
 * client certificate substatus codes and to Exchange's rule for untrusted
 * backend certificates.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <sslvdir/trust.h>

#include "fileread.h"
#include "internal.h"

struct sslvdir_trust {
  gnutls_x509_trust_list_t list;
  size_t ncas, ncrls;
};

SSLVDIR_EXTERN int sslvdir_trust_new(sslvdir_trust **out, sslvdir_error *err) {
  if (!out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "trust: NULL argument");
  *out = NULL;
  sslvdir_trust *t = sv_calloc(1, sizeof *t);
  if (!t)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  if (gnutls_x509_trust_list_init(&t->list, 0) < 0) {
    sv_free(t);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  *out = t;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN void sslvdir_trust_free(sslvdir_trust *t) {
  if (!t)
    return;
  gnutls_x509_trust_list_deinit(t->list, 1);
  sv_free(t);
}

SSLVDIR_EXTERN int sslvdir_trust_add_system(sslvdir_trust *t, size_t *added, sslvdir_error *err) {
  if (added)
    *added = 0;
  if (!t)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "trust: NULL argument");
  int g = gnutls_x509_trust_list_add_system_trust(t->list, GNUTLS_TL_NO_DUPLICATES, 0);
  if (g <= 0)
    return sv_err(err, SSLVDIR_E_NOT_FOUND, "trust: the system has no CA certificates%s%s",
                  g < 0 ? ": " : " (is ca-certificates installed?)", g < 0 ? gnutls_strerror(g) : "");
  t->ncas += (size_t)g;
  if (added)
    *added = (size_t)g;
  return SSLVDIR_OK;
}

static int is_pem(const void *data, size_t len) {
  const char *p = data;
  for (size_t i = 0; len >= 11 && i <= len - 11; i++)
    if (p[i] == '-' && !memcmp(p + i, "-----BEGIN ", 11))
      return 1;
  return 0;
}

SSLVDIR_EXTERN int sslvdir_trust_add_ca(sslvdir_trust *t, const void *data, size_t len,
                                        size_t *added, sslvdir_error *err) {
  if (added)
    *added = 0;
  if (!t || (!data && len))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "trust: NULL argument");
  if (len > SSLVDIR_CERT_MAX)
    return sv_err(err, SSLVDIR_E_RANGE, "CA certificates: %zu bytes; at most %u are read", len,
                  SSLVDIR_CERT_MAX);
  gnutls_datum_t d = {(unsigned char *)(uintptr_t)data, (unsigned)len};
  int g = len ? gnutls_x509_trust_list_add_trust_mem(t->list, &d, NULL,
                                                     is_pem(data, len) ? GNUTLS_X509_FMT_PEM
                                                                       : GNUTLS_X509_FMT_DER,
                                                     GNUTLS_TL_NO_DUPLICATES, 0)
              : 0;
  if (g < 0)
    return sv_err(err, g == GNUTLS_E_MEMORY_ERROR ? SSLVDIR_E_NOMEM : SSLVDIR_E_SYNTAX,
                  "CA certificates: %s", gnutls_strerror(g));
  if (g == 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "CA certificates: no certificate found");
  t->ncas += (size_t)g;
  if (added)
    *added = (size_t)g;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_trust_add_crl(sslvdir_trust *t, const void *data, size_t len,
                                         size_t *added, sslvdir_error *err) {
  if (added)
    *added = 0;
  if (!t || (!data && len))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "trust: NULL argument");
  if (len > SSLVDIR_CERT_MAX)
    return sv_err(err, SSLVDIR_E_RANGE, "CRL: %zu bytes; at most %u are read", len,
                  SSLVDIR_CERT_MAX);
  if (len == 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "CRL: empty input");
  gnutls_datum_t d = {(unsigned char *)(uintptr_t)data, (unsigned)len};
  gnutls_x509_crt_fmt_t fmt = is_pem(data, len) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER;
  /* Read first, so that "not a CRL" and "nobody we trust signed it" are
   * told apart: the trust list drops both without saying which. */
  gnutls_x509_crl_t *crls = NULL;
  unsigned n = 0;
  int g = gnutls_x509_crl_list_import2(&crls, &n, &d, fmt, 0);
  if (g < 0)
    return sv_err(err, g == GNUTLS_E_MEMORY_ERROR ? SSLVDIR_E_NOMEM : SSLVDIR_E_SYNTAX,
                  "CRL: %s", gnutls_strerror(g));
  for (unsigned i = 0; i < n; i++)
    gnutls_x509_crl_deinit(crls[i]);
  gnutls_free(crls);
  if (n == 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "CRL: no CRL found");
  g = gnutls_x509_trust_list_add_trust_mem(t->list, NULL, &d, fmt, GNUTLS_TL_VERIFY_CRL, 0);
  if (g < 0)
    return sv_err(err, g == GNUTLS_E_MEMORY_ERROR ? SSLVDIR_E_NOMEM : SSLVDIR_E_SYNTAX,
                  "CRL: %s", gnutls_strerror(g));
  if ((unsigned)g < n)
    return sv_err(err, SSLVDIR_E_REFUSED, "CRL: %u of %u CRLs are not signed by a CA of the "
                  "store (add the CA first)", n - (unsigned)g, n);
  t->ncrls += (size_t)g;
  if (added)
    *added = (size_t)g;
  return SSLVDIR_OK;
}

typedef int (*add_fn)(sslvdir_trust *, const void *, size_t, size_t *, sslvdir_error *);

static int add_file(sslvdir_trust *t, const char *filename, size_t *added, sslvdir_error *err,
                    add_fn fn) {
  if (added)
    *added = 0;
  if (!t || !filename)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "trust: NULL argument");
  char *data;
  size_t len;
  int rc = sv_read_file(filename, SSLVDIR_CERT_MAX, &data, &len, err);
  if (rc)
    return rc;
  rc = fn(t, data, len, added, err);
  sv_free(data);
  return rc;
}

SSLVDIR_EXTERN int sslvdir_trust_add_ca_file(sslvdir_trust *t, const char *filename,
                                             size_t *added, sslvdir_error *err) {
  return add_file(t, filename, added, err, sslvdir_trust_add_ca);
}

SSLVDIR_EXTERN int sslvdir_trust_add_crl_file(sslvdir_trust *t, const char *filename,
                                              size_t *added, sslvdir_error *err) {
  return add_file(t, filename, added, err, sslvdir_trust_add_crl);
}

static void say(char *msg, size_t size, const char *text) {
  size_t n = strlen(msg), t = strlen(text);
  if (n && n + 2 < size) {
    memcpy(msg + n, "; ", 2);
    n += 2;
  }
  if (n + t >= size)
    t = size - n - 1;
  memcpy(msg + n, text, t);
  msg[n + t] = '\0';
}

static unsigned times_of(gnutls_x509_crt_t crt, int64_t now, char *msg, size_t size,
                         const char *what) {
  time_t a = gnutls_x509_crt_get_activation_time(crt);
  time_t e = gnutls_x509_crt_get_expiration_time(crt);
  char text[160];
  if (a == (time_t)-1 || (int64_t)a > now) {
    snprintf(text, sizeof text, "%s is not valid yet", what);
    say(msg, size, text);
    return SSLVDIR_CERT_PROBLEM_NOT_YET_VALID;
  }
  if (e != (time_t)-1 && (int64_t)e < now) {
    snprintf(text, sizeof text, "%s has expired", what);
    say(msg, size, text);
    return SSLVDIR_CERT_PROBLEM_EXPIRED;
  }
  return 0;
}

SSLVDIR_EXTERN int sslvdir_trust_verify(const sslvdir_trust *t, const sslvdir_cert *chain,
                                        const char *host, size_t len, int64_t now,
                                        unsigned *problems, sslvdir_error *err) {
  if (problems)
    *problems = SSLVDIR_CERT_PROBLEM_INVALID;
  if (!t || !chain || !problems)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "trust: NULL argument");
  if (now == 0)
    now = (int64_t)time(NULL);
  gnutls_x509_crt_t buf[SSLVDIR_CERT_CHAIN_MAX];
  size_t n;
  gnutls_x509_crt_t *crts = sv_cert_crts(chain, &n, buf);
  char msg[sizeof err->message] = "";
  unsigned p = 0, status = 0;
  /* Times are checked here, against now, rather than by GnuTLS against the
   * clock, so that a caller (and a test) can ask about any moment. */
  unsigned flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
  int g = gnutls_x509_trust_list_verify_crt2(t->list, crts, (unsigned)n, NULL, 0, flags, &status,
                                             NULL);
  if (g < 0)
    return sv_err(err, g == GNUTLS_E_MEMORY_ERROR ? SSLVDIR_E_NOMEM : SSLVDIR_E_INVALID_ARGUMENT,
                  "trust: %s", gnutls_strerror(g));
  if (status & GNUTLS_CERT_REVOKED) {
    p |= SSLVDIR_CERT_PROBLEM_REVOKED;
    say(msg, sizeof msg, "a certificate of the chain is revoked");
  }
  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
    p |= SSLVDIR_CERT_PROBLEM_UNTRUSTED;
    say(msg, sizeof msg, n == 1 && sslvdir_cert_self_signed(chain, 0)
                             ? "the certificate is self-signed and not trusted"
                             : "the chain does not lead to a trusted CA");
  }
  unsigned other = status & ~(unsigned)(GNUTLS_CERT_INVALID | GNUTLS_CERT_REVOKED |
                                        GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_EXPIRED |
                                        GNUTLS_CERT_NOT_ACTIVATED);
  if (other || ((status & GNUTLS_CERT_INVALID) && !p)) {
    gnutls_datum_t out = {NULL, 0};
    p |= SSLVDIR_CERT_PROBLEM_INVALID;
    if (gnutls_certificate_verification_status_print(other, GNUTLS_CRT_X509, &out, 0) >= 0 &&
        out.data) {
      char text[200];
      snprintf(text, sizeof text, "%.*s", (int)(out.size < 190 ? out.size : 190),
               (const char *)out.data);
      say(msg, sizeof msg, text);
    } else {
      say(msg, sizeof msg, "the chain is invalid");
    }
    gnutls_free(out.data);
  }
  for (size_t i = 0; i < n; i++)
    p |= times_of(crts[i], now, msg, sizeof msg,
                  i == 0 ? "the certificate" : "a certificate of the chain");
  /* The anchor the chain ends at (not passed in) must be valid too. */
  gnutls_x509_crt_t anchor = NULL;
  if (!(p & SSLVDIR_CERT_PROBLEM_UNTRUSTED) &&
      gnutls_x509_trust_list_get_issuer(t->list, crts[n - 1], &anchor, GNUTLS_TL_GET_COPY) >= 0 &&
      anchor) {
    if (!gnutls_x509_crt_equals(anchor, crts[n - 1]))
      p |= times_of(anchor, now, msg, sizeof msg, "the trusted CA");
    gnutls_x509_crt_deinit(anchor);
  }
  if (host) {
    int covered;
    int c = sslvdir_cert_covers(chain, host, len, &covered, NULL);
    if (!covered) {
      char text[300];
      p |= SSLVDIR_CERT_PROBLEM_NAME;
      snprintf(text, sizeof text, c < 0 ? "the name asked for is not a host name"
                                        : "the certificate does not cover %.*s",
               (int)(len > 253 ? 253 : len), host);
      say(msg, sizeof msg, text);
    }
  }
  *problems = p;
  sv_err(err, SSLVDIR_OK, "%s", p ? msg : "the chain is trusted");
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_trust_verify_der(const sslvdir_trust *t,
                                            const unsigned char *const *ders, const size_t *lens,
                                            size_t count, const char *host, size_t len,
                                            int64_t now, unsigned *problems, sslvdir_error *err) {
  if (problems)
    *problems = SSLVDIR_CERT_PROBLEM_INVALID;
  if (!t || !problems || (count && (!ders || !lens)))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "trust: NULL argument");
  if (count == 0 || count > SSLVDIR_CERT_CHAIN_MAX) {
    if (count)
      sv_err(err, SSLVDIR_OK, "a chain of %zu certificates is too long", count);
    else
      sv_err(err, SSLVDIR_OK, "no certificate was presented");
    return SSLVDIR_OK;
  }
  gnutls_x509_crt_t crts[SSLVDIR_CERT_CHAIN_MAX];
  for (size_t i = 0; i < count; i++) {
    gnutls_datum_t d = {(unsigned char *)(uintptr_t)ders[i], (unsigned)lens[i]};
    int g = gnutls_x509_crt_init(&crts[i]);
    if (g >= 0 && (!ders[i] || lens[i] > SSLVDIR_CERT_MAX ||
                   (g = gnutls_x509_crt_import(crts[i], &d, GNUTLS_X509_FMT_DER)) < 0)) {
      gnutls_x509_crt_deinit(crts[i]);
      g = g < 0 ? g : GNUTLS_E_ASN1_DER_ERROR;
    }
    if (g < 0) {
      for (size_t k = 0; k < i; k++)
        gnutls_x509_crt_deinit(crts[k]);
      if (g == GNUTLS_E_MEMORY_ERROR)
        return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      sv_err(err, SSLVDIR_OK, "certificate %zu of the chain does not decode: %s", i, gnutls_strerror(g));
      return SSLVDIR_OK;
    }
  }
  sslvdir_cert *chain;
  int rc = sv_cert_from_crts(&chain, crts, count, SSLVDIR_CERT_FORMAT_DER, err);
  if (rc == SSLVDIR_E_NOMEM)
    return rc;
  if (rc) {
    if (err) {
      char why[sizeof err->message];
      memcpy(why, err->message, sizeof why);
      sv_err(err, SSLVDIR_OK, "the chain cannot be read: %.200s", why);
    }
    return SSLVDIR_OK; /* *problems stays INVALID */
  }
  rc = sslvdir_trust_verify(t, chain, host, len, now, problems, err);
  sslvdir_cert_free(chain);
  return rc;
}

SSLVDIR_EXTERN sslvdir_cert_status sslvdir_trust_status(unsigned problems) {
  if (!problems)
    return SSLVDIR_CERT_STATUS_OK;
  if (problems & SSLVDIR_CERT_PROBLEM_REVOKED)
    return SSLVDIR_CERT_STATUS_REVOKED;
  if (problems & (SSLVDIR_CERT_PROBLEM_EXPIRED | SSLVDIR_CERT_PROBLEM_NOT_YET_VALID))
    return SSLVDIR_CERT_STATUS_EXPIRED;
  return SSLVDIR_CERT_STATUS_UNTRUSTED;
}

SSLVDIR_EXTERN int sslvdir_trust_backend_accepts(const sslvdir_policy *policy,
                                                 sslvdir_backend_side side, unsigned problems) {
  if (side != SSLVDIR_BACKEND_INTERNAL && side != SSLVDIR_BACKEND_EXTERNAL)
    return 0;
  if (problems == 0)
    return 1;
  if (problems != SSLVDIR_CERT_PROBLEM_UNTRUSTED)
    return 0;
  const char *key = side == SSLVDIR_BACKEND_INTERNAL ? SSLVDIR_KEY_ALLOW_INTERNAL_UNTRUSTED
                                                     : SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED;
  uint32_t v = 0;
  if (policy) {
    if (sslvdir_policy_get_dword(policy, key, &v))
      return 0;
  } else if (sslvdir_settings_default_dword(key, 0, &v)) {
    return 0;
  }
  return v == 1;
}
