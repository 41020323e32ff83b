/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * IIS sslFlags: parse, check, format. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "internal.h"

static const struct {
  const char *name;
  unsigned value;
} keywords[] = {
  /* IIS's own order, which is also how applicationHost.config prints them. */
  {"Ssl", SSLVDIR_SSL},
  {"SslNegotiateCert", SSLVDIR_SSL_NEGOTIATE_CERT},
  {"SslRequireCert", SSLVDIR_SSL_REQUIRE_CERT},
  {"SslMapCert", SSLVDIR_SSL_MAP_CERT},
  {"Ssl128", SSLVDIR_SSL_128},
};

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* What *flags holds after a failure: every requirement, so that a caller
 * that misses the error refuses instead of reading "None" or the flags of
 * the previous value it parsed. */
static int refuse(unsigned *out, int rc) {
  if (out)
    *out = SSLVDIR_SSL_ALL;
  return rc;
}

static int parse(const char *text, size_t len, unsigned *out, sslvdir_error *err);

SSLVDIR_EXTERN int sslvdir_flags_parse(const char *text, size_t len, unsigned *out,
                                       sslvdir_error *err) {
  if (!out || (!text && len))
    return refuse(out, sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "sslFlags: NULL argument"));
  int rc = parse(text, len, out, err);
  return rc ? refuse(out, rc) : SSLVDIR_OK;
}

static int parse(const char *text, size_t len, unsigned *out, sslvdir_error *err) {
  size_t i = 0;
  while (i < len && is_space(text[i]))
    i++;
  if (i == len)
    return sv_err_at(err, SSLVDIR_E_SYNTAX, 0, (unsigned)i + 1, i,
                     "sslFlags: empty value (use \"None\")");
  if (text[i] >= '0' && text[i] <= '9') {
    /* Numeric form, as the IIS configuration API also accepts. */
    uint64_t v = 0;
    size_t start = i;
    while (i < len && text[i] >= '0' && text[i] <= '9') {
      /* 64 bits whatever unsigned long is: on a 32-bit system the 32-bit
       * sum would wrap, and "4294967296" would read as 0, None. */
      v = v * 10 + (uint64_t)(text[i] - '0');
      if (v > 0xffffffffu)
        return sv_err_at(err, SSLVDIR_E_RANGE, 0, (unsigned)start + 1, start,
                         "sslFlags: number too large");
      i++;
    }
    while (i < len && is_space(text[i]))
      i++;
    if (i != len)
      return sv_err_at(err, SSLVDIR_E_SYNTAX, 0, (unsigned)i + 1, i,
                       "sslFlags: unexpected character after the number");
    if (v & ~(uint64_t)SSLVDIR_SSL_ALL)
      return sv_err_at(err, SSLVDIR_E_RANGE, 0, (unsigned)start + 1, start,
                       "sslFlags: %lu has bits IIS does not define (valid: 8, 32, 64, 128, 256)",
                       (unsigned long)(v & ~(uint64_t)SSLVDIR_SSL_ALL));
    *out = (unsigned)v;
    return SSLVDIR_OK;
  }
  unsigned flags = 0;
  int saw_none = 0, items = 0;
  for (;;) {
    while (i < len && is_space(text[i]))
      i++;
    size_t start = i;
    while (i < len && text[i] != ',')
      i++;
    size_t end = i;
    while (end > start && is_space(text[end - 1]))
      end--;
    if (end == start)
      return sv_err_at(err, SSLVDIR_E_SYNTAX, 0, (unsigned)start + 1, start,
                       "sslFlags: empty item at offset %zu (expected a keyword)", start);
    unsigned v = 0;
    int found = 0;
    if (sv_eq_ci(text + start, end - start, "None", 4)) {
      found = 1;
      saw_none = 1;
    }
    for (size_t k = 0; !found && k < sizeof keywords / sizeof keywords[0]; k++) {
      if (sv_eq_ci(text + start, end - start, keywords[k].name, strlen(keywords[k].name))) {
        v = keywords[k].value;
        found = 1;
      }
    }
    if (!found)
      return sv_err_at(err, SSLVDIR_E_UNKNOWN_NAME, 0, (unsigned)start + 1, start,
                       "sslFlags: unknown keyword '%.*s' at offset %zu (expected None, Ssl, "
                       "SslNegotiateCert, SslRequireCert, SslMapCert or Ssl128)",
                       (int)(end - start > 64 ? 64 : end - start), text + start, start);
    flags |= v;
    items++;
    if (saw_none && items > 1)
      return sv_err_at(err, SSLVDIR_E_SYNTAX, 0, (unsigned)start + 1, start,
                       "sslFlags: None cannot be combined with other keywords");
    if (i == len)
      break;
    i++; /* the comma */
  }
  *out = flags;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_flags_check(unsigned flags, sslvdir_error *err) {
  if (flags & ~SSLVDIR_SSL_ALL)
    return sv_err(err, SSLVDIR_E_RANGE, "sslFlags: undefined bits 0x%x", flags & ~SSLVDIR_SSL_ALL);
  if ((flags & (SSLVDIR_SSL_REQUIRE_CERT | SSLVDIR_SSL_MAP_CERT)) &&
      !(flags & SSLVDIR_SSL_NEGOTIATE_CERT))
    return sv_err(err, SSLVDIR_E_INCONSISTENT,
                  "sslFlags: %s needs SslNegotiateCert",
                  (flags & SSLVDIR_SSL_REQUIRE_CERT) ? "SslRequireCert" : "SslMapCert");
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_flags_format(unsigned flags, char *out, size_t out_size,
                                        size_t *out_len) {
  /* The empty string first: no error leaves the text of a previous call. */
  if (out_len)
    *out_len = 0;
  if (out && out_size)
    out[0] = '\0';
  if (!out && out_size)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (flags & ~SSLVDIR_SSL_ALL)
    return SSLVDIR_E_RANGE;
  char tmp[SSLVDIR_FLAGS_TEXT_MAX];
  size_t n = 0;
  if (!flags) {
    memcpy(tmp, "None", 5);
    n = 4;
  } else {
    tmp[0] = '\0';
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
      if (!(flags & keywords[k].value))
        continue;
      size_t kl = strlen(keywords[k].name);
      if (n) {
        memcpy(tmp + n, ", ", 2);
        n += 2;
      }
      memcpy(tmp + n, keywords[k].name, kl);
      n += kl;
    }
    tmp[n] = '\0';
  }
  /* The length also when out is too small, so that out_size 0 measures. */
  if (out_len)
    *out_len = n;
  if (n + 1 > out_size) {
    if (out_size)
      out[0] = '\0';
    return SSLVDIR_E_BUFFER_TOO_SMALL;
  }
  memcpy(out, tmp, n + 1);
  return SSLVDIR_OK;
}
