/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Server certificates: loaded with GnuTLS (PEM, DER, PKCS#12), described
 * once, and matched against host names with the rules of RFC 9525.
 */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include <sslvdir/cert.h>

#include "fileread.h"
#include "internal.h"

/* More names than any real certificate carries; a certificate with more is
 * described with the first ones only, and covers only what they cover. */
#define SAN_MAX 1024
#define NAME_MAX_LEN 4096

typedef struct cert_san {
  int type;
  int usable;      /* a DNS name made of host-name bytes, or an IP address */
  unsigned char ip[16];
  size_t iplen;
  char *value;     /* as shown */
} cert_san;

typedef struct cert_one {
  gnutls_x509_crt_t crt;
  char *subject, *issuer, *cn, *cn_shown, *serial;
  char thumb[41];
  int64_t not_before, not_after;
  const char *key_alg, *sig_alg;
  unsigned key_bits;
  int self_signed;
  int has_dns_san;
  cert_san *sans;
  size_t nsans;
} cert_one;

struct sslvdir_cert {
  int format;
  size_t n;
  cert_one c[SSLVDIR_CERT_CHAIN_MAX];
};

/* Text for people and JSON: control bytes and DEL become '?'. */
static char *shown_copy(const char *s, size_t n) {
  char *o = sv_strndup(s, n);
  for (size_t i = 0; o && i < n; i++)
    if ((unsigned char)o[i] < 0x20 || o[i] == 0x7f)
      o[i] = '?';
  return o;
}

static char *datum_copy(gnutls_datum_t *d) {
  char *o = shown_copy((const char *)d->data, d->size);
  gnutls_free(d->data);
  d->data = NULL;
  return o;
}

static void hex_upper(char *out, const unsigned char *b, size_t n) {
  static const char digits[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[b[i] >> 4];
    out[2 * i + 1] = digits[b[i] & 15];
  }
  out[2 * n] = '\0';
}

/* A DNS-ID is usable when it is made of the bytes host names have, with at
 * most the '*' of a wildcard. */
static int dns_usable(const char *s, size_t n) {
  if (n == 0 || n > SV_HOST_MAX + 1)
    return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '.' || c == '_' || c == '*'))
      return 0;
  }
  return 1;
}

static void one_clear(cert_one *o) {
  if (o->crt)
    gnutls_x509_crt_deinit(o->crt);
  sv_free(o->subject);
  sv_free(o->issuer);
  sv_free(o->cn);
  sv_free(o->cn_shown);
  sv_free(o->serial);
  for (size_t i = 0; i < o->nsans; i++)
    sv_free(o->sans[i].value);
  sv_free(o->sans);
  memset(o, 0, sizeof *o);
}

static int read_sans(cert_one *o, sslvdir_error *err) {
  size_t cap = 0;
  char *buf = sv_malloc(NAME_MAX_LEN);
  if (!buf)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  int rc = SSLVDIR_OK;
  for (unsigned i = 0; i < SAN_MAX * 4 && o->nsans < SAN_MAX; i++) {
    size_t size = NAME_MAX_LEN - 1;
    unsigned critical;
    int t = gnutls_x509_crt_get_subject_alt_name(o->crt, i, buf, &size, &critical);
    if (t == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      break;
    if (t == GNUTLS_E_SHORT_MEMORY_BUFFER)
      continue; /* longer than any host name: it covers nothing */
    if (t < 0) {
      rc = sv_err(err, SSLVDIR_E_SYNTAX, "certificate: subjectAltName: %s", gnutls_strerror(t));
      break;
    }
    cert_san s;
    memset(&s, 0, sizeof s);
    if (t == GNUTLS_SAN_DNSNAME) {
      s.type = SSLVDIR_SAN_DNS;
      s.usable = dns_usable(buf, size) && !memchr(buf, '\0', size);
      o->has_dns_san = 1;
      s.value = sv_strndup(buf, size);
      for (size_t k = 0; s.value && k < size; k++) {
        unsigned char c = (unsigned char)s.value[k];
        if (c < 0x20 || c >= 0x7f)
          s.value[k] = '?';
      }
    } else if (t == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16)) {
      char text[INET6_ADDRSTRLEN];
      s.type = SSLVDIR_SAN_IP;
      s.usable = 1;
      memcpy(s.ip, buf, size);
      s.iplen = size;
      if (!inet_ntop(size == 4 ? AF_INET : AF_INET6, buf, text, sizeof text))
        snprintf(text, sizeof text, "?");
      s.value = sv_strdup(text);
    } else {
      continue;
    }
    if (!s.value || sv_grow((void **)&o->sans, &cap, o->nsans + 1, sizeof *o->sans)) {
      sv_free(s.value);
      rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      break;
    }
    o->sans[o->nsans++] = s;
  }
  sv_free(buf);
  return rc;
}

/* Whether crt signed itself: same name, and its own key verifies its
 * signature (time, CA flags and algorithm strength aside). */
static int signed_itself(gnutls_x509_crt_t crt) {
  if (!gnutls_x509_crt_check_issuer(crt, crt))
    return 0;
  unsigned status = 0;
  unsigned flags = GNUTLS_VERIFY_DO_NOT_ALLOW_SAME | GNUTLS_VERIFY_DISABLE_CA_SIGN |
                   GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                   GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS | GNUTLS_VERIFY_ALLOW_BROKEN;
  if (gnutls_x509_crt_verify(crt, &crt, 1, flags, &status) < 0)
    return 0;
  return !(status & (GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_SIGNER_NOT_FOUND));
}

static int describe(cert_one *o, sslvdir_error *err) {
  gnutls_datum_t d = {NULL, 0};
  int g;
  if ((g = gnutls_x509_crt_get_dn3(o->crt, &d, 0)) < 0 && g != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    return sv_err(err, SSLVDIR_E_SYNTAX, "certificate: subject: %s", gnutls_strerror(g));
  o->subject = g < 0 ? sv_strdup("") : datum_copy(&d);
  if ((g = gnutls_x509_crt_get_issuer_dn3(o->crt, &d, 0)) < 0 && g != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    return sv_err(err, SSLVDIR_E_SYNTAX, "certificate: issuer: %s", gnutls_strerror(g));
  o->issuer = g < 0 ? sv_strdup("") : datum_copy(&d);
  if (!o->subject || !o->issuer)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");

  /* The last CN is the most specific one. It is shown, and never covers a
   * name (sslvdir_cert_covers()); cn keeps it, when it is a host name, to
   * explain why a name only there is not covered. */
  char buf[NAME_MAX_LEN];
  size_t cn_len = 0;
  int have_cn = 0;
  for (unsigned i = 0; i < 64; i++) {
    size_t size = sizeof buf - 1;
    g = gnutls_x509_crt_get_dn_by_oid(o->crt, GNUTLS_OID_X520_COMMON_NAME, i, 0, buf, &size);
    if (g < 0)
      break;
    have_cn = 1;
    cn_len = size;
    buf[size] = '\0';
  }
  o->cn = have_cn && dns_usable(buf, cn_len) ? sv_strndup(buf, cn_len) : sv_strdup("");
  o->cn_shown = have_cn ? shown_copy(buf, cn_len) : sv_strdup("");
  if (!o->cn || !o->cn_shown)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");

  unsigned char raw[64];
  size_t rawlen = sizeof raw;
  if ((g = gnutls_x509_crt_get_serial(o->crt, raw, &rawlen)) < 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "certificate: serial number: %s", gnutls_strerror(g));
  if (!(o->serial = sv_malloc(2 * rawlen + 1)))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  hex_upper(o->serial, raw, rawlen);
  rawlen = 20;
  if ((g = gnutls_x509_crt_get_fingerprint(o->crt, GNUTLS_DIG_SHA1, raw, &rawlen)) < 0 || rawlen != 20)
    return sv_err(err, SSLVDIR_E_SYNTAX, "certificate: thumbprint: %s", gnutls_strerror(g));
  hex_upper(o->thumb, raw, 20);

  /* GnuTLS gives (time_t)-1 for "no well-defined expiration"
   * (99991231235959Z) and for a time it cannot read. An unreadable start
   * is taken as "never valid" (fail closed). */
  time_t t = gnutls_x509_crt_get_activation_time(o->crt);
  o->not_before = t == (time_t)-1 ? INT64_MAX : (int64_t)t;
  t = gnutls_x509_crt_get_expiration_time(o->crt);
  o->not_after = t == (time_t)-1 ? INT64_MAX : (int64_t)t;

  unsigned bits = 0;
  int pk = gnutls_x509_crt_get_pk_algorithm(o->crt, &bits);
  const char *pkn = pk > 0 ? gnutls_pk_algorithm_get_name((gnutls_pk_algorithm_t)pk) : NULL;
  o->key_alg = pkn ? pkn : "unknown";
  o->key_bits = pk > 0 ? bits : 0;
  int sg = gnutls_x509_crt_get_signature_algorithm(o->crt);
  const char *sgn = sg > 0 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)sg) : NULL;
  o->sig_alg = sgn ? sgn : "unknown";
  o->self_signed = signed_itself(o->crt);
  return read_sans(o, err);
}

int sv_cert_from_crts(sslvdir_cert **out, gnutls_x509_crt_t *crts, size_t n, int format,
                      sslvdir_error *err) {
  *out = NULL;
  if (n == 0 || n > SSLVDIR_CERT_CHAIN_MAX) {
    for (size_t i = 0; i < n; i++)
      gnutls_x509_crt_deinit(crts[i]);
    return n ? sv_err(err, SSLVDIR_E_RANGE, "certificate: a chain of %zu certificates; at most %d "
                      "are read", n, SSLVDIR_CERT_CHAIN_MAX)
             : sv_err(err, SSLVDIR_E_SYNTAX, "certificate: no certificate found");
  }
  sslvdir_cert *c = sv_calloc(1, sizeof *c);
  if (!c) {
    for (size_t i = 0; i < n; i++)
      gnutls_x509_crt_deinit(crts[i]);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  c->format = format;
  for (size_t i = 0; i < n; i++)
    c->c[i].crt = crts[i];
  c->n = n;
  for (size_t i = 0; i < n; i++) {
    int rc = describe(&c->c[i], err);
    if (rc) {
      sslvdir_cert_free(c);
      return rc;
    }
  }
  *out = c;
  return SSLVDIR_OK;
}

gnutls_x509_crt_t *sv_cert_crts(const sslvdir_cert *c, size_t *n, gnutls_x509_crt_t *buf) {
  *n = c->n;
  for (size_t i = 0; i < c->n; i++)
    buf[i] = c->c[i].crt;
  return buf;
}

static int is_password_error(int g) {
  return g == GNUTLS_E_MAC_VERIFY_FAILED || g == GNUTLS_E_DECRYPTION_FAILED;
}

/* Key derivation rounds a PKCS#12 may ask for: three times GnuTLS's own
 * default (600,000). GnuTLS alone spends 0.86 s on a MAC of 8,388,607
 * rounds, so one of 2^31 would take minutes per password tried. */
#define PKCS12_ITER_MAX 2000000u


/* The certificates of a PKCS#12, in file order. Keys are never decrypted
 * (they are not needed), and an encrypted bag is opened only when its
 * round count is within PKCS12_ITER_MAX. */
static int pkcs12_certs(gnutls_pkcs12_t p12, const char *password, gnutls_x509_crt_t *all,
                        size_t *n, size_t *total) {
  int g = 0;
  *n = *total = 0;
  for (int i = 0; i < 64; i++) {
    gnutls_pkcs12_bag_t bag;
    if (gnutls_pkcs12_bag_init(&bag) < 0) {
      g = GNUTLS_E_MEMORY_ERROR;
      break;
    }
    g = gnutls_pkcs12_get_bag(p12, i, bag);
    if (g == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
      gnutls_pkcs12_bag_deinit(bag);
      g = 0;
      break;
    }
    if (g >= 0 && gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED) {
      unsigned schema, cipher, salt_size = 0, iter = 0;
      unsigned char salt[64];
      char *oid = NULL;
      salt_size = sizeof salt;
      g = gnutls_pkcs12_bag_enc_info(bag, &schema, &cipher, salt, &salt_size, &iter, &oid);
      gnutls_free(oid);
      if (g >= 0 && iter > PKCS12_ITER_MAX)
        g = GNUTLS_E_ILLEGAL_PARAMETER;
      else if (g >= 0 || g == GNUTLS_E_SHORT_MEMORY_BUFFER)
        g = gnutls_pkcs12_bag_decrypt(bag, password);
    }
    int count = g >= 0 ? gnutls_pkcs12_bag_get_count(bag) : 0;
    for (int k = 0; g >= 0 && k < count; k++) {
      gnutls_datum_t d;
      if (gnutls_pkcs12_bag_get_type(bag, k) != GNUTLS_BAG_CERTIFICATE ||
          gnutls_pkcs12_bag_get_data(bag, k, &d) < 0)
        continue;
      (*total)++;
      gnutls_x509_crt_t crt;
      if (*n >= SSLVDIR_CERT_CHAIN_MAX)
        continue;
      if (gnutls_x509_crt_init(&crt) < 0) {
        g = GNUTLS_E_MEMORY_ERROR;
        break;
      }
      if ((g = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER)) < 0)
        gnutls_x509_crt_deinit(crt);
      else
        all[(*n)++] = crt;
    }
    gnutls_pkcs12_bag_deinit(bag);
    if (g < 0)
      break;
  }
  if (g < 0) {
    for (size_t i = 0; i < *n; i++)
      gnutls_x509_crt_deinit(all[i]);
    *n = 0;
  }
  return g;
}

/* Puts the server's certificate first, then its issuers: files written by
 * Windows list the CAs first. The server's is the first that issued none
 * of the others. */
static void chain_order(gnutls_x509_crt_t *c, size_t n) {
  size_t leaf = 0;
  for (size_t i = 0; i < n; i++) {
    int issuer = 0;
    for (size_t k = 0; k < n && !issuer; k++)
      issuer = k != i && gnutls_x509_crt_check_issuer(c[k], c[i]) &&
               !gnutls_x509_crt_check_issuer(c[i], c[i]);
    if (!issuer) {
      leaf = i;
      break;
    }
  }
  gnutls_x509_crt_t t = c[0];
  c[0] = c[leaf];
  c[leaf] = t;
  for (size_t at = 1; at < n; at++)
    for (size_t k = at; k < n; k++)
      if (gnutls_x509_crt_check_issuer(c[at - 1], c[k]) &&
          !gnutls_x509_crt_check_issuer(c[at - 1], c[at - 1])) {
        t = c[at];
        c[at] = c[k];
        c[k] = t;
        break;
      }
}

/* *imported (may be NULL) says whether the bytes were PKCS#12 at all. */
static int from_pkcs12(sslvdir_cert **out, const gnutls_datum_t *d, gnutls_x509_crt_fmt_t fmt,
                       const char *password, int *imported, sslvdir_error *err) {
  gnutls_pkcs12_t p12;
  int g = gnutls_pkcs12_init(&p12);
  if (imported)
    *imported = 0;
  if (g < 0)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  if ((g = gnutls_pkcs12_import(p12, d, fmt, 0)) < 0) {
    gnutls_pkcs12_deinit(p12);
    return sv_err(err, SSLVDIR_E_SYNTAX, "PKCS#12: %s", gnutls_strerror(g));
  }
  if (imported)
    *imported = 1;
  /* Windows writes "" for "no password"; other tools write none; and
   * certtool's --null-password MACs with none and encrypts with "". */
  const char *tries[2] = {password && *password ? password : NULL, ""};
  int ntries = password && *password ? 1 : 2;
  unsigned mac = 0, salt_size = 64, iter = 0;
  unsigned char salt[64];
  char *oid = NULL;
  int has_mac = gnutls_pkcs12_mac_info(p12, &mac, salt, &salt_size, &iter, &oid) >= 0;
  gnutls_free(oid);
  if (has_mac && iter > PKCS12_ITER_MAX) {
    gnutls_pkcs12_deinit(p12);
    return sv_err(err, SSLVDIR_E_RANGE, "PKCS#12: its MAC asks for %u key derivation rounds; "
                  "at most %u are done", iter, PKCS12_ITER_MAX);
  }
  int mac_ok = !has_mac;
  for (int i = 0; i < ntries && !mac_ok; i++) {
    g = gnutls_pkcs12_verify_mac(p12, tries[i]);
    mac_ok = g >= 0 || !is_password_error(g);
  }
  gnutls_x509_crt_t all[SSLVDIR_CERT_CHAIN_MAX];
  size_t n = 0, total = 0;
  g = mac_ok ? 0 : GNUTLS_E_MAC_VERIFY_FAILED;
  for (int i = 0; i < ntries && mac_ok; i++) {
    g = pkcs12_certs(p12, tries[i], all, &n, &total);
    if (g >= 0 || !is_password_error(g))
      break;
  }
  gnutls_pkcs12_deinit(p12);
  if (g == GNUTLS_E_ILLEGAL_PARAMETER)
    return sv_err(err, SSLVDIR_E_RANGE, "PKCS#12: a bag asks for more than %u key derivation "
                  "rounds", PKCS12_ITER_MAX);
  if (g < 0 && is_password_error(g))
    return sv_err(err, SSLVDIR_E_PASSWORD, "PKCS#12: the password is %s (%s)",
                  password && *password ? "wrong" : "missing", gnutls_strerror(g));
  if (g < 0)
    return sv_err(err, g == GNUTLS_E_MEMORY_ERROR ? SSLVDIR_E_NOMEM : SSLVDIR_E_SYNTAX,
                  "PKCS#12: %s", gnutls_strerror(g));
  if (total > SSLVDIR_CERT_CHAIN_MAX) {
    for (size_t i = 0; i < n; i++)
      gnutls_x509_crt_deinit(all[i]);
    return sv_err(err, SSLVDIR_E_RANGE, "PKCS#12: %zu certificates; at most %d are read", total,
                  SSLVDIR_CERT_CHAIN_MAX);
  }
  chain_order(all, n);
  return sv_cert_from_crts(out, all, n, SSLVDIR_CERT_FORMAT_PKCS12, err);
}

static int from_pem(sslvdir_cert **out, const gnutls_datum_t *d, sslvdir_error *err) {
  gnutls_x509_crt_t *list = NULL;
  unsigned n = 0;
  int g = gnutls_x509_crt_list_import2(&list, &n, d, GNUTLS_X509_FMT_PEM, 0);
  if (g < 0) {
    if (g == GNUTLS_E_SHORT_MEMORY_BUFFER || g == GNUTLS_E_TOO_MANY_EMPTY_PACKETS)
      return sv_err(err, SSLVDIR_E_RANGE, "PEM: more certificates than can be read");
    return sv_err(err, SSLVDIR_E_SYNTAX, "PEM: %s", gnutls_strerror(g));
  }
  if (n > SSLVDIR_CERT_CHAIN_MAX) {
    for (unsigned i = 0; i < n; i++)
      gnutls_x509_crt_deinit(list[i]);
    gnutls_free(list);
    return sv_err(err, SSLVDIR_E_RANGE, "PEM: %u certificates; at most %d are read", n,
                  SSLVDIR_CERT_CHAIN_MAX);
  }
  gnutls_x509_crt_t all[SSLVDIR_CERT_CHAIN_MAX];
  memcpy(all, list, n * sizeof *list);
  gnutls_free(list);
  return sv_cert_from_crts(out, all, n, SSLVDIR_CERT_FORMAT_PEM, err);
}

static int contains(const void *data, size_t len, const char *needle) {
  size_t n = strlen(needle);
  const char *p = data;
  for (size_t i = 0; len >= n && i <= len - n; i++)
    if (p[i] == needle[0] && !memcmp(p + i, needle, n))
      return 1;
  return 0;
}

SSLVDIR_EXTERN int sslvdir_cert_parse(sslvdir_cert **out, const void *data, size_t len,
                                      const char *password, sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!out || (!data && len))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "certificate: NULL argument");
  if (len == 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "certificate: empty input");
  if (len > SSLVDIR_CERT_MAX)
    return sv_err(err, SSLVDIR_E_RANGE, "certificate: %zu bytes; at most %u are read", len,
                  SSLVDIR_CERT_MAX);
  gnutls_datum_t d = {(unsigned char *)(uintptr_t)data, (unsigned)len};
  if (contains(data, len, "-----BEGIN PKCS12-----"))
    return from_pkcs12(out, &d, GNUTLS_X509_FMT_PEM, password, NULL, err);
  if (contains(data, len, "-----BEGIN "))
    return from_pem(out, &d, err);
  gnutls_x509_crt_t crt;
  if (gnutls_x509_crt_init(&crt) < 0)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  int g = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER);
  if (g >= 0)
    return sv_cert_from_crts(out, &crt, 1, SSLVDIR_CERT_FORMAT_DER, err);
  gnutls_x509_crt_deinit(crt);
  int imported;
  int rc = from_pkcs12(out, &d, GNUTLS_X509_FMT_DER, password, &imported, err);
  if (rc && !imported)
    /* Not PKCS#12 either: say what the X.509 reader found. */
    return sv_err(err, SSLVDIR_E_SYNTAX, "certificate: neither PEM, DER X.509 (%s) nor PKCS#12",
                  gnutls_strerror(g));
  return rc;
}

SSLVDIR_EXTERN int sslvdir_cert_load(sslvdir_cert **out, const char *filename,
                                     const char *password, sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!out || !filename)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "certificate: NULL argument");
  char *data;
  size_t len;
  int rc = sv_read_file(filename, SSLVDIR_CERT_MAX, &data, &len, err);
  if (rc)
    return rc;
  rc = sslvdir_cert_parse(out, data, len, password, err);
  sv_free(data);
  return rc;
}

SSLVDIR_EXTERN void sslvdir_cert_free(sslvdir_cert *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n; i++)
    one_clear(&c->c[i]);
  sv_free(c);
}

SSLVDIR_EXTERN int sslvdir_cert_format_of(const sslvdir_cert *c) { return c ? c->format : 0; }

SSLVDIR_EXTERN size_t sslvdir_cert_count(const sslvdir_cert *c) { return c ? c->n : 0; }

static const cert_one *at(const sslvdir_cert *c, size_t i) {
  return c && i < c->n ? &c->c[i] : NULL;
}

SSLVDIR_EXTERN const char *sslvdir_cert_subject(const sslvdir_cert *c, size_t i) {
  const cert_one *o = at(c, i);
  return o ? o->subject : NULL;
}

SSLVDIR_EXTERN const char *sslvdir_cert_issuer(const sslvdir_cert *c, size_t i) {
  const cert_one *o = at(c, i);
  return o ? o->issuer : NULL;
}

SSLVDIR_EXTERN const char *sslvdir_cert_common_name(const sslvdir_cert *c, size_t i) {
  const cert_one *o = at(c, i);
  return o ? o->cn_shown : NULL;
}

SSLVDIR_EXTERN const char *sslvdir_cert_serial(const sslvdir_cert *c, size_t i) {
  const cert_one *o = at(c, i);
  return o ? o->serial : NULL;
}

SSLVDIR_EXTERN const char *sslvdir_cert_thumbprint(const sslvdir_cert *c, size_t i) {
  const cert_one *o = at(c, i);
  return o ? o->thumb : NULL;
}

SSLVDIR_EXTERN int sslvdir_cert_validity(const sslvdir_cert *c, size_t i, int64_t *not_before,
                                         int64_t *not_after) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (not_before)
    *not_before = 0;
  if (not_after)
    *not_after = 0;
  if (!c)
    return SSLVDIR_E_INVALID_ARGUMENT;
  const cert_one *o = at(c, i);
  if (!o)
    return SSLVDIR_E_NOT_FOUND;
  if (not_before)
    *not_before = o->not_before;
  if (not_after)
    *not_after = o->not_after;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN const char *sslvdir_cert_key(const sslvdir_cert *c, size_t i, unsigned *bits) {
  const cert_one *o = at(c, i);
  if (bits)
    *bits = o ? o->key_bits : 0;
  return o ? o->key_alg : NULL;
}

SSLVDIR_EXTERN const char *sslvdir_cert_signature_algorithm(const sslvdir_cert *c, size_t i) {
  const cert_one *o = at(c, i);
  return o ? o->sig_alg : NULL;
}

SSLVDIR_EXTERN int sslvdir_cert_self_signed(const sslvdir_cert *c, size_t i) {
  const cert_one *o = at(c, i);
  return o ? o->self_signed : 0;
}

SSLVDIR_EXTERN size_t sslvdir_cert_san_count(const sslvdir_cert *c, size_t i) {
  const cert_one *o = at(c, i);
  return o ? o->nsans : 0;
}

SSLVDIR_EXTERN int sslvdir_cert_san(const sslvdir_cert *c, size_t i, size_t k, int *type,
                                    const char **value) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (type)
    *type = 0;
  if (value)
    *value = NULL;
  if (!c)
    return SSLVDIR_E_INVALID_ARGUMENT;
  const cert_one *o = at(c, i);
  if (!o || k >= o->nsans)
    return SSLVDIR_E_NOT_FOUND;
  if (type)
    *type = o->sans[k].type;
  if (value)
    *value = o->sans[k].value;
  return SSLVDIR_OK;
}

/* RFC 9525 section 6.3 for one DNS-ID: host is lower case, without a
 * trailing dot, and valid. */
static int dns_id_matches(const char *id, const char *host, size_t hlen) {
  size_t n = strlen(id);
  if (n && id[n - 1] == '.')
    n--;
  if (!n)
    return 0;
  const char *star = memchr(id, '*', n);
  if (!star)
    return sv_eq_ci(id, n, host, hlen);
  /* Only "*." as the whole first label, one '*', two labels after it. */
  if (star != id || n < 3 || id[1] != '.' || memchr(id + 1, '*', n - 1))
    return 0;
  const char *rest = id + 2;
  size_t rlen = n - 2;
  if (!memchr(rest, '.', rlen) || rest[0] == '.' || rest[rlen - 1] == '.')
    return 0;
  const char *dot = memchr(host, '.', hlen);
  if (!dot || dot == host)
    return 0;
  size_t tail = hlen - (size_t)(dot + 1 - host);
  return sv_eq_ci(dot + 1, tail, rest, rlen);
}

SSLVDIR_EXTERN int sslvdir_cert_covers(const sslvdir_cert *c, const char *host, size_t len,
                                       int *covered, const char **by) {
  /* Not covered until a SAN says so: a caller that ignores the return code
   * still reads "no" for a NULL certificate or a malformed host. */
  if (covered)
    *covered = 0;
  if (by)
    *by = NULL;
  if (!covered || !c || !c->n || (!host && len))
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (len && host[len - 1] == '.')
    len--;
  /* One trailing dot only ("a.." is no name), and no NUL: inet_pton() and
   * the comparisons below would stop there, and "192.0.2.10\0.evil.example"
   * would be covered by the SAN 192.0.2.10. */
  if (len == 0 || len > SV_HOST_MAX || host[len - 1] == '.' || memchr(host, '\0', len))
    return SSLVDIR_E_SYNTAX;
  char h[SV_HOST_MAX + 1];
  memcpy(h, host, len);
  h[len] = '\0';
  const cert_one *o = &c->c[0];
  unsigned char ip[16];
  int family = 0;
  if (inet_pton(AF_INET, h, ip) == 1)
    family = 4;
  else if (inet_pton(AF_INET6, h, ip) == 1)
    family = 6;
  if (family) {
    size_t iplen = family == 4 ? 4 : 16;
    for (size_t i = 0; i < o->nsans; i++)
      if (o->sans[i].type == SSLVDIR_SAN_IP && o->sans[i].iplen == iplen &&
          !memcmp(o->sans[i].ip, ip, iplen)) {
        *covered = 1;
        if (by)
          *by = o->sans[i].value;
        return SSLVDIR_OK;
      }
    return SSLVDIR_OK;
  }
  /* Labels of letters, digits, '-' and '_', none empty or over 63 bytes. */
  size_t label = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)h[i];
    if (ch == '.') {
      if (label == 0)
        return SSLVDIR_E_SYNTAX;
      label = 0;
      continue;
    }
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '-' || ch == '_') || ++label > 63)
      return SSLVDIR_E_SYNTAX;
  }
  for (size_t i = 0; i < o->nsans; i++)
    if (o->sans[i].type == SSLVDIR_SAN_DNS && o->sans[i].usable &&
        dns_id_matches(o->sans[i].value, h, len)) {
      *covered = 1;
      if (by)
        *by = o->sans[i].value;
      return SSLVDIR_OK;
    }
  /* Never the subject's CN, not even without a DNS SAN: RFC 9525 section
   * 6.3 and RFC 9110 section 4.3.4 forbid CN-IDs, and browsers (Chrome 58,
   * Firefox 48) and iOS 13 / macOS 10.15 no longer read them, so a name
   * only there fails for OWA and ActiveSync users (doc/certificates.md). */
  return SSLVDIR_OK;
}

int sv_cert_cn_names(const sslvdir_cert *c, const char *host, size_t len) {
  if (!c || !c->n || !host || !len)
    return 0;
  if (host[len - 1] == '.')
    len--;
  const cert_one *o = &c->c[0];
  return len && o->cn[0] && dns_id_matches(o->cn, host, len);
}

SSLVDIR_EXTERN int sslvdir_cert_has_wildcard(const sslvdir_cert *c) {
  if (!c || !c->n)
    return 0;
  const cert_one *o = &c->c[0];
  for (size_t i = 0; i < o->nsans; i++)
    if (o->sans[i].type == SSLVDIR_SAN_DNS && strchr(o->sans[i].value, '*'))
      return 1;
  return !o->has_dns_san && strchr(o->cn_shown, '*') != NULL;
}

static const char *const cert_names[] = {"none", "ok", "untrusted", "expired", "revoked"};

SSLVDIR_EXTERN const char *sslvdir_cert_status_name(int status) {
  if (status < 0 || (size_t)status >= sizeof cert_names / sizeof cert_names[0])
    return NULL;
  return cert_names[status];
}

SSLVDIR_EXTERN int sslvdir_cert_status_parse(const char *name, size_t len,
                                             sslvdir_cert_status *out) {
  /* Untrusted until a name matches, as sslvdir_tls_client_cert() answers
   * when it fails: a request given it is denied wherever a certificate is
   * asked for, which a stale "ok" or a "none" would not be. */
  if (out)
    *out = SSLVDIR_CERT_STATUS_UNTRUSTED;
  if (!out || !name)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (sv_eq_ci(name, len, "missing", 7)) {
    *out = SSLVDIR_CERT_STATUS_NONE;
    return SSLVDIR_OK;
  }
  for (size_t i = 0; i < sizeof cert_names / sizeof cert_names[0]; i++)
    if (sv_eq_ci(name, len, cert_names[i], strlen(cert_names[i]))) {
      *out = (sslvdir_cert_status)i;
      return SSLVDIR_OK;
    }
  return SSLVDIR_E_UNKNOWN_NAME;
}
