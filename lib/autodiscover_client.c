/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Autodiscover, client side: where to look for an address, which SRV record
 * to use, and which redirects to follow (Microsoft's EWS Managed API rules).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sslvdir/autodiscover.h>

#include "internal.h"
#include "url.h"

SSLVDIR_EXTERN int sslvdir_autodiscover_candidates(const char *email,
                                                   sslvdir_autodiscover_candidate *out,
                                                   size_t max, size_t *count) {
  /* Nothing stale on any failure: no count, and no candidate (method 0,
   * an empty URL) in the caller's array, not even from a previous call. */
  if (count)
    *count = 0;
  if (out && max)
    memset(out, 0, (max < 4 ? max : 4) * sizeof *out);
  if (!email || !count || (!out && max))
    return SSLVDIR_E_INVALID_ARGUMENT;
  size_t n = strlen(email), d = sv_ad_address_domain(email, n);
  if (!d)
    return SSLVDIR_E_SYNTAX;
  char dom[SV_HOST_MAX + 3];
  size_t dl;
  if (sv_host_normalize(email + d, n - d, dom, &dl, 0))
    return SSLVDIR_E_SYNTAX;
  /* The count also when out is too small, so that max 0 measures. */
  *count = 4;
  if (max < 4)
    return SSLVDIR_E_BUFFER_TOO_SMALL;
  static const struct {
    int method;
    const char *pre, *post;
  } order[] = {
    {SSLVDIR_AUTODISCOVER_METHOD_POST, "https://", "/autodiscover/autodiscover.xml"},
    {SSLVDIR_AUTODISCOVER_METHOD_POST, "https://autodiscover.", "/autodiscover/autodiscover.xml"},
    {SSLVDIR_AUTODISCOVER_METHOD_GET_REDIRECT, "http://autodiscover.", "/autodiscover/autodiscover.xml"},
    {SSLVDIR_AUTODISCOVER_METHOD_SRV, "_autodiscover._tcp.", ""},
  };
  for (size_t i = 0; i < 4; i++) {
    out[i].method = order[i].method;
    snprintf(out[i].url, sizeof out[i].url, "%s%s%s", order[i].pre, dom, order[i].post);
  }
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_autodiscover_srv_select(const sslvdir_srv_record *r, size_t n,
                                                   size_t *index, char *out, size_t out_size,
                                                   size_t *out_len) {
  /* Everything cleared before any check, *index to no record's index:
   * a caller that misses the error must not take a previous call's
   * record, or record 0, for the chosen one. */
  if (out_len)
    *out_len = 0;
  if (index)
    *index = SIZE_MAX;
  if (out && out_size)
    out[0] = '\0';
  if ((!r && n) || !index || (!out && out_size))
    return SSLVDIR_E_INVALID_ARGUMENT;
  size_t best = n;
  for (size_t i = 0; i < n; i++) {
    if (r[i].port != 443 || !r[i].target)
      continue;
    if (best == n || r[i].priority < r[best].priority ||
        (r[i].priority == r[best].priority && r[i].weight > r[best].weight))
      best = i;
  }
  if (best == n)
    return SSLVDIR_E_NOT_FOUND;
  char host[SV_HOST_MAX + 3];
  size_t hl;
  const char *t = r[best].target;
  if (sv_host_normalize(t, strlen(t), host, &hl, 0) || host[0] == '[')
    return SSLVDIR_E_SYNTAX;
  *index = best;
  /* Written whole or not at all: a cut URL would name another host. */
  char url[SSLVDIR_AUTODISCOVER_URL_BUFSZ];
  size_t k = (size_t)snprintf(url, sizeof url, "https://%s/autodiscover/autodiscover.xml", host);
  if (out_len)
    *out_len = k;
  if (k >= out_size)
    return SSLVDIR_E_BUFFER_TOO_SMALL;
  memcpy(out, url, k + 1);
  return SSLVDIR_OK;
}

struct sslvdir_autodiscover_chain {
  char *seen[SSLVDIR_AUTODISCOVER_MAX_REDIRECTS + 1]; /* addresses, the first one first */
  size_t nseen;
  unsigned redirects;
};

SSLVDIR_EXTERN int sslvdir_autodiscover_chain_new(sslvdir_autodiscover_chain **out,
                                                  const char *email, sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!out || !email)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "autodiscover chain: NULL argument");
  if (!sv_ad_address_domain(email, strlen(email)))
    return sv_err(err, SSLVDIR_E_SYNTAX, "'%.256s' is not an e-mail address", email);
  sslvdir_autodiscover_chain *c = sv_calloc(1, sizeof *c);
  if (!c || !(c->seen[0] = sv_strdup(email))) {
    sv_free(c);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  c->nseen = 1;
  *out = c;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN void sslvdir_autodiscover_chain_free(sslvdir_autodiscover_chain *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->nseen; i++)
    sv_free(c->seen[i]);
  sv_free(c);
}

static int over_limit(const sslvdir_autodiscover_chain *c, sslvdir_error *err) {
  if (c->redirects < SSLVDIR_AUTODISCOVER_MAX_REDIRECTS)
    return 0;
  sv_err(err, SSLVDIR_E_REFUSED, "redirect %u refused: at most %d redirects (addresses and URLs "
         "together)", c->redirects + 1, SSLVDIR_AUTODISCOVER_MAX_REDIRECTS);
  return 1;
}

SSLVDIR_EXTERN int sslvdir_autodiscover_chain_follow_url(sslvdir_autodiscover_chain *c, int status,
                                                         const char *url, size_t len,
                                                         sslvdir_error *err) {
  if (!c || !url)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "autodiscover chain: NULL argument");
  if (status != 0 && status != 301 && status != 302 && status != 303 && status != 307)
    return sv_err(err, SSLVDIR_E_REFUSED, "HTTP status %d is not a redirect a client follows "
                  "(301, 302, 303 or 307)", status);
  char w[128];
  if (sv_ad_url_check(url, len, w, sizeof w))
    return sv_err(err, SSLVDIR_E_REFUSED, "redirect to '%.*s' refused: %s",
                  (int)(len > 200 ? 200 : len), url, w);
  if (over_limit(c, err))
    return SSLVDIR_E_REFUSED;
  c->redirects++;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_autodiscover_chain_follow_addr(sslvdir_autodiscover_chain *c,
                                                          const char *address, size_t len,
                                                          sslvdir_error *err) {
  if (!c || !address)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "autodiscover chain: NULL argument");
  /* As for URLs, a NUL is a byte of the value: the address is refused, not
   * cut there (the part before it would be another address). */
  int shown = (int)(len > 256 ? 256 : len);
  if (memchr(address, '\0', len))
    return sv_err(err, SSLVDIR_E_SYNTAX, "'%.*s' followed by a NUL byte is not an e-mail address",
                  shown, address);
  if (!sv_ad_address_domain(address, len))
    return sv_err(err, SSLVDIR_E_SYNTAX, "'%.*s' is not an e-mail address", shown, address);
  for (size_t i = 0; i < c->nseen; i++)
    if (sv_eq_ci(c->seen[i], strlen(c->seen[i]), address, len))
      return sv_err(err, SSLVDIR_E_REFUSED, "redirect to '%.*s' refused: a loop (the chain "
                    "has seen that address)", shown, address);
  if (over_limit(c, err))
    return SSLVDIR_E_REFUSED;
  char *copy = sv_strndup(address, len);
  if (!copy)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  c->seen[c->nseen++] = copy;
  c->redirects++;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN unsigned sslvdir_autodiscover_chain_count(const sslvdir_autodiscover_chain *c) {
  return c ? c->redirects : 0;
}

SSLVDIR_EXTERN const char *
sslvdir_autodiscover_chain_address(const sslvdir_autodiscover_chain *c) {
  return c ? c->seen[c->nseen - 1] : NULL;
}
