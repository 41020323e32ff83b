/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Fuzz target: response header rewriting. The first byte picks the header,
 * the rest is its value. Checks what a client would see: a rewritten value
 * never holds a control character, a rewritten URL (Location,
 * Content-Location, Refresh) names one of our hosts over https with its
 * https port, and its authority ends for certain, as it did in the input (see
 * check_url()); in-place and measured results agree with the copy, and a
 * rewritten value is left alone the second time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sslvdir/sslvdir.h>

#include "fuzz_common.h"

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Where the authority of a URL starting at u ends: at '/', '?', '#', the
 * quote that opened a quoted Refresh URL, or e. */
static size_t authority_end(const char *v, size_t u, size_t e, int quote) {
  while (u < e && v[u] != '/' && v[u] != '?' && v[u] != '#' && v[u] != quote)
    u++;
  return u;
}

/* The rewritten URL: the output becomes "https://" where it first differs
 * from the input (or four bytes before, after "http"); its authority is one
 * of our hosts, as written in the input, with the site's https port (only
 * partner.fabrikam.com has one, 8443), where the input had none, ":" or ":80"
 * and the same end. */
static void check_url(const sslvdir_policy *p, const char *v, size_t n, const char *out,
                      size_t m) {
  size_t d = 0;
  while (d < n && d < m && v[d] == out[d])
    d++;
  size_t a = d + 1, ia;
  while (a > 0 && a + 4 > d && (a - 1 + 8 > m || memcmp(out + a - 1, "https://", 8)))
    a--;
  if (a == 0 || a + 4 <= d)
    abort(); /* no "https://" where the output starts to differ */
  a--;
  if (a + 7 <= n && lower(v[a]) == 'h' && lower(v[a + 1]) == 't' && lower(v[a + 2]) == 't' &&
      lower(v[a + 3]) == 'p' && !memcmp(v + a + 4, "://", 3))
    ia = a + 7;
  else if (a + 2 <= n && v[a] == '/' && v[a + 1] == '/')
    ia = a + 2;
  else
    abort(); /* neither http:// nor // was rewritten */
  int quote = a > 0 && (out[a - 1] == '"' || out[a - 1] == '\'') ? out[a - 1] : -1;
  size_t me = m, ne = n;
  while (me > a && (out[me - 1] == ' ' || out[me - 1] == '\t'))
    me--;
  while (ne > ia && (v[ne - 1] == ' ' || v[ne - 1] == '\t'))
    ne--;
  size_t oe = authority_end(out, a + 8, me, quote), ie = authority_end(v, ia, ne, quote);
  if ((oe == me) != (ie == ne) || (oe < me && out[oe] != v[ie]) || m - oe != n - ie ||
      memcmp(out + oe, v + ie, m - oe))
    abort(); /* the authority ends otherwise, or what follows changed */
  const char *h = out + a + 8;
  size_t hl = oe - (a + 8);
  const char *rb = memchr(h, ']', hl);
  size_t ps = rb ? (size_t)(rb - h) + 1 : 0; /* an IPv6 literal's colons are not the port's */
  const char *colon = memchr(h + ps, ':', hl - ps);
  size_t host_len = colon ? (size_t)(colon - h) : hl;
  size_t bare = host_len && h[host_len - 1] == '.' ? host_len - 1 : host_len;
  /* A response header may name our host with the root's trailing dot (the
   * same name); only a request's Host with it is refused. */
  if (!sslvdir_policy_find_site(p, h, bare))
    abort();
  int partner = bare == 20 && !strncasecmp(h, "partner.fabrikam.com", 20);
  if (partner ? !colon || hl - host_len != 5 || memcmp(colon, ":8443", 5) : colon != NULL)
    abort(); /* not the site's https port */
  /* The input: the same host bytes, then nothing, ":" or ":80". */
  size_t rest = ie - ia;
  if (rest < host_len || memcmp(v + ia, h, host_len))
    abort();
  rest -= host_len;
  if (!(rest == 0 || (rest == 1 && v[ia + host_len] == ':') ||
        (rest == 3 && !memcmp(v + ia + host_len, ":80", 3))))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char policy_xml[] =
    "<policy xmlns='urn:libsslvdir:policy:1' version='1'>"
    "<site name='Default Web Site' preset='exchange2016-offload'>"
    "<host name='mail.contoso.com' canonical='true'/><host name='autodiscover.contoso.com'/>"
    "<host name='[2001:db8::1]'/><vdir path='/ecp' secure-cookies='false'/></site>"
    "<site name='Partner'><host name='partner.fabrikam.com' canonical='true' https-port='8443'/>"
    "<vdir path='/owa' kind='owa'/></site></policy>";

static sslvdir_policy *get_policy(void) {
  static sslvdir_policy *p;
  return fuzz_policy(&p, policy_xml, sizeof policy_xml - 1);
}

static int has_ctl(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
      return 1;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 8192)
    return 0;
  const sslvdir_policy *p = get_policy();
  sslvdir_response_header kind = (sslvdir_response_header)((data[0] & 0x7f) % 5);
  const sslvdir_vdir *vdir = (data[0] & 0x80) ? sslvdir_policy_find_vdir(p, "Default Web Site/ecp") : NULL;
  const char *v = (const char *)data + 1;
  size_t n = size - 1;
  static char out[9000], again[9100], inplace[9000];
  size_t out_len = 0, m = 0;
  int rc = sslvdir_rewrite_header(p, vdir, kind, v, n, out, sizeof out, &out_len);
  if (rc == SSLVDIR_E_SYNTAX) {
    if (!has_ctl(v, n))
      abort();
    return 0;
  }
  if (rc == SSLVDIR_REWRITE_UNCHANGED) {
    if (out_len != n)
      abort();
    return 0;
  }
  if (rc != SSLVDIR_REWRITE_CHANGED || has_ctl(out, out_len))
    abort();
  if (sslvdir_rewrite_header(p, vdir, kind, v, n, NULL, 0, &m) != SSLVDIR_E_BUFFER_TOO_SMALL ||
      m != out_len)
    abort();
  memcpy(inplace, v, n);
  if (sslvdir_rewrite_header(p, vdir, kind, inplace, n, inplace, sizeof inplace, &m) !=
          SSLVDIR_REWRITE_CHANGED || m != out_len || memcmp(inplace, out, m))
    abort();
  if (kind == SSLVDIR_RESPONSE_HEADER_LOCATION || kind == SSLVDIR_RESPONSE_HEADER_CONTENT_LOCATION ||
      kind == SSLVDIR_RESPONSE_HEADER_REFRESH)
    check_url(p, v, n, out, out_len);
  if (kind == SSLVDIR_RESPONSE_HEADER_SET_COOKIE && vdir)
    abort(); /* that vdir keeps its cookies as they are */
  /* Idempotent: the result is not rewritten again. */
  if (sslvdir_rewrite_header(p, vdir, kind, out, out_len, again, sizeof again, &m) !=
      SSLVDIR_REWRITE_UNCHANGED)
    abort();
  return 0;
}
