/*
 * Fuzz target: response header rewriting. The first byte picks the header,
 * the rest is its value. Checks what a client would see: a rewritten value
 * never holds a control character, a rewritten URL names one of our hosts
 * over https, in-place and measured results agree with the copy, and a
 * rewritten value is left alone the second time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

#include "fuzz_common.h"

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
  sslvdir_header_kind kind = (sslvdir_header_kind)((data[0] & 0x7f) % 5);
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
  if (kind == SSLVDIR_HEADER_LOCATION || kind == SSLVDIR_HEADER_CONTENT_LOCATION) {
    /* "https://" + one of our hosts, then the end or a path/query/fragment. */
    const char *u = out;
    while (*u == ' ' || *u == '\t')
      u++;
    if (out_len - (size_t)(u - out) < 8 || memcmp(u, "https://", 8))
      abort();
    const char *a = u + 8, *e = out + out_len, *ae = a;
    while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
      e--; /* blanks around the value are kept as they were */
    while (ae < e && *ae != '/' && *ae != '?' && *ae != '#')
      ae++;
    if (!sslvdir_policy_find_site(p, a, (size_t)(ae - a)))
      abort();
  }
  if (kind == SSLVDIR_HEADER_SET_COOKIE && vdir)
    abort(); /* that vdir keeps its cookies as they are */
  /* Idempotent: the result is not rewritten again. */
  if (sslvdir_rewrite_header(p, vdir, kind, out, out_len, again, sizeof again, &m) !=
      SSLVDIR_REWRITE_UNCHANGED)
    abort();
  return 0;
}
