/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Decisions, driven by the .cases files of tests/data/decide. One line a case:
 *
 *   POLICY METHOD URL [key=value]... => ACTION STATUS vdir=PATH [key=value]...
 *
 * URL is "http://host/..." or "https://host/..." (the scheme used at the
 * proxy; the host goes to Host) or an origin-form "/..." (plain HTTP, no Host).
 * Request keys: host= (Host header, "-" for none), tls=1, abs=1 (send the URL
 * as an absolute-form target), peer=, bits=, cert=, xfp=, feh=, cipher= (the
 * value of the policy's offloader cipher header).
 * Expected: ACTION allow|redirect|deny; STATUS "-" (allow), "302", "403.4";
 * vdir= the matched vdir's path or "-"; up= offload|bridge (required for
 * allow); loc= (required for, and only for, redirects); optional path=,
 * reason=, set= ("xfp:https,feh:On" or "-") and rm= ("xfp,feh[,cipher]" or "-").
 * A policy name with a '/' is a file under tests/data ("../../doc/examples/X"
 * for a shipped example).
 * Values use \xNN for raw bytes and \s for a space.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define MAXP 32
static struct {
  char name[64];
  sslvdir_policy *p;
} policies[MAXP];
static int npolicies;

static sslvdir_policy *get_policy(const char *name) {
  for (int i = 0; i < npolicies; i++)
    if (!strcmp(policies[i].name, name))
      return policies[i].p;
  if (npolicies == MAXP)
    return NULL;
  sslvdir_policy *p = test_policy(name);
  if (p) {
    snprintf(policies[npolicies].name, sizeof policies[0].name, "%s", name);
    policies[npolicies++].p = p;
  }
  return p;
}

static int cleanup(void) {
  for (int i = 0; i < npolicies; i++)
    sslvdir_policy_unref(policies[i].p);
  npolicies = 0;
  return 0;
}

static size_t flen[32]; /* field lengths after unescaping (values may hold NUL) */

static const char *valn(char **f, int n, int from, const char *key, size_t *len) {
  size_t kl = strlen(key);
  for (int i = from; i < n; i++)
    if (!strncmp(f[i], key, kl) && f[i][kl] == '=') {
      if (len)
        *len = flen[i] - kl - 1;
      return f[i] + kl + 1;
    }
  return NULL;
}

static const char *val(char **f, int n, int from, const char *key) {
  return valn(f, n, from, key, NULL);
}

/* The decision's Location and canonical path, as a caller gets them:
 * written on demand, exactly as long as the decision says. */
static const char *loc_of(const sslvdir_decision *d, const sslvdir_request *r) {
  static char buf[SSLVDIR_LOCATION_BUFSZ];
  size_t n = 99;
  if (sslvdir_decision_location(d, r, buf, sizeof buf, &n) != SSLVDIR_OK || n != d->location_len ||
      strlen(buf) != n)
    return "(error)";
  return buf;
}

static const char *path_of(const sslvdir_decision *d, const sslvdir_request *r) {
  static char buf[SSLVDIR_PATH_BUFSZ];
  size_t n = 0;
  if (!d->path_len)
    return "";
  if (sslvdir_path_canonicalize(r->target, r->target_len, NULL, buf, sizeof buf, &n) != SSLVDIR_OK ||
      n != d->path_len)
    return "(error)";
  return buf;
}

static void headers_text(unsigned mask, const sslvdir_decision *d, int set, char *buf, size_t n) {
  buf[0] = '\0';
  if (!mask) {
    snprintf(buf, n, "-");
    return;
  }
  if (mask & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO)
    snprintf(buf + strlen(buf), n - strlen(buf), "xfp%s%s", set ? ":" : "",
             set ? d->x_forwarded_proto : "");
  if (mask & SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS)
    snprintf(buf + strlen(buf), n - strlen(buf), "%sfeh%s%s",
             (mask & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO) ? "," : "", set ? ":" : "",
             set ? d->front_end_https : "");
  if (mask & SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER)
    snprintf(buf + strlen(buf), n - strlen(buf), "%scipher",
             (mask & (SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO | SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS)) ? "," : "");
}

static int run_case(const char *file, int lineno, char *line) {
  char *f[32];
  int n = split_fields(line, f, 32);
  int arrow = -1;
  for (int i = 0; i < n; i++)
    if (!strcmp(f[i], "=>"))
      arrow = i;
  if (n < 3 || arrow < 3 || arrow + 2 >= n) {
    fprintf(stderr, "\n%s:%d: malformed case\n", file, lineno);
    return 0;
  }
  for (int i = 0; i < n; i++)
    flen[i] = unescape(f[i]);
  sslvdir_policy *p = get_policy(f[0]);
  if (!p) {
    fprintf(stderr, "\n%s:%d: no policy %s\n", file, lineno, f[0]);
    return 0;
  }
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.method = f[1];
  r.method_len = flen[1];
  const char *url = f[2];
  size_t url_len = flen[2];
  const char *host = NULL;
  size_t host_len = 0;
  int https = !strncmp(url, "https://", 8), http = !strncmp(url, "http://", 7);
  const char *abs = val(f, arrow, 3, "abs");
  if ((https || http) && !(abs && !strcmp(abs, "1"))) {
    const char *a = url + (https ? 8 : 7);
    const char *uend = url + url_len;
    size_t al = 0;
    while (a + al < uend && a[al] != '/' && a[al] != '?')
      al++;
    host = a;
    host_len = al;
    r.target = a + al < uend ? a + al : "/";
    r.target_len = a + al < uend ? (size_t)(uend - (a + al)) : 1;
  } else {
    r.target = url;
    r.target_len = url_len;
  }
  r.scheme = https ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
  const char *v;
  size_t vl;
  if ((v = valn(f, arrow, 3, "host", &vl))) {
    host = strcmp(v, "-") ? v : NULL;
    host_len = host ? vl : 0;
  }
  if ((v = val(f, arrow, 3, "tls")))
    r.scheme = SSLVDIR_SCHEME_HTTPS;
  r.host = host;
  r.host_len = host_len;
  if ((v = valn(f, arrow, 3, "peer", &vl))) {
    r.peer = v;
    r.peer_len = vl;
  }
  r.cipher_bits = (v = val(f, arrow, 3, "bits")) ? (unsigned)atoi(v)
                  : r.scheme == SSLVDIR_SCHEME_HTTPS ? 256 : 0;
  if ((v = val(f, arrow, 3, "cert")) && sslvdir_cert_status_parse(v, strlen(v), &r.client_cert)) {
    fprintf(stderr, "\n%s:%d: bad cert=%s\n", file, lineno, v);
    return 0;
  }
  if ((v = valn(f, arrow, 3, "xfp", &vl))) {
    r.x_forwarded_proto = v;
    r.x_forwarded_proto_len = vl;
  }
  if ((v = valn(f, arrow, 3, "feh", &vl))) {
    r.front_end_https = v;
    r.front_end_https_len = vl;
  }
  if ((v = valn(f, arrow, 3, "cipher", &vl))) {
    r.offload_cipher = v;
    r.offload_cipher_len = vl;
  }
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  if (sslvdir_decide(p, &r, &d) != SSLVDIR_OK) {
    fprintf(stderr, "\n%s:%d: decide failed\n", file, lineno);
    return 0;
  }
  char got_status[32], want_vdir[512];
  if (d.action == SSLVDIR_ACTION_ALLOW)
    snprintf(got_status, sizeof got_status, "-");
  else if (d.substatus >= 0)
    snprintf(got_status, sizeof got_status, "%d.%d", d.status, d.substatus);
  else
    snprintf(got_status, sizeof got_status, "%d", d.status);
  const char *wv = val(f, n, arrow + 3, "vdir");
  snprintf(want_vdir, sizeof want_vdir, "%s", wv ? wv : "(missing)");
  const char *got_vdir = d.vdir ? sslvdir_vdir_path(d.vdir) : "-";
  int ok = !strcmp(sslvdir_action_name(d.action), f[arrow + 1]) &&
           !strcmp(got_status, f[arrow + 2]) && !strcmp(got_vdir, want_vdir);
  const char *up = val(f, n, arrow + 3, "up");
  if (d.action == SSLVDIR_ACTION_ALLOW)
    ok &= up && !strcmp(up, sslvdir_upstream_name(d.upstream));
  else if (up)
    ok &= !strcmp(up, sslvdir_upstream_name(d.upstream));
  const char *loc = val(f, n, arrow + 3, "loc");
  const char *got_loc = loc_of(&d, &r), *got_path = path_of(&d, &r);
  if (d.action == SSLVDIR_ACTION_REDIRECT)
    ok &= loc && !strcmp(loc, got_loc) && d.location_len == strlen(loc);
  else
    ok &= !loc && got_loc[0] == '\0' && d.location_len == 0;
  if ((v = val(f, n, arrow + 3, "path")))
    ok &= !strcmp(v, got_path);
  if ((v = val(f, n, arrow + 3, "reason")))
    ok &= !strcmp(v, sslvdir_reason_name(d.reason));
  char hb[64];
  if ((v = val(f, n, arrow + 3, "set"))) {
    headers_text(d.set_headers, &d, 1, hb, sizeof hb);
    ok &= !strcmp(v, hb);
  }
  if ((v = val(f, n, arrow + 3, "rm"))) {
    headers_text(d.remove_headers, &d, 0, hb, sizeof hb);
    ok &= !strcmp(v, hb);
  }
  /* Whatever the decision, a Location never carries a control byte. */
  for (size_t i = 0; got_loc[i]; i++)
    ok &= (unsigned char)got_loc[i] > 0x20 && (unsigned char)got_loc[i] < 0x7f;
  if (!ok) {
    char sb[64], rb[64];
    headers_text(d.set_headers, &d, 1, sb, sizeof sb);
    headers_text(d.remove_headers, &d, 0, rb, sizeof rb);
    fprintf(stderr, "\n%s:%d: %s %s\n   got: %s %s vdir=%s up=%s loc=%s path=%s reason=%s set=%s rm=%s\n",
            file, lineno, f[1], f[2], sslvdir_action_name(d.action), got_status, got_vdir,
            sslvdir_upstream_name(d.upstream), got_loc, got_path, sslvdir_reason_name(d.reason),
            sb, rb);
  }
  return ok;
}

static int cases_run;

/* The builder's offloader cipher knobs, their accessors and a version 1 request. */
static void test_offloader_cipher(void) {
  sslvdir_builder *b;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_preset_apply(b, "exchange2016-offload", "Default Web Site", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(NULL, "10.0.0.5", 128, NULL, &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.x", 128, NULL, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 257, NULL, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "257"));
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 0, "X Cipher", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 0, "X-Cipher:", &e), SSLVDIR_E_SYNTAX);
  char longname[80];
  memset(longname, 'x', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 0, longname, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 0, "x-forwarded-proto", &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 0, "Front-End-Https", &e), SSLVDIR_E_INVALID_ARGUMENT);
  /* A refused call trusts nothing. */
  sslvdir_policy *p = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_offloader_count(p), 0);
  CU_ASSERT_PTR_NULL(sslvdir_policy_cipher_header(p));
  sslvdir_policy_unref(p);
  /* An offloader added first, then given its guarantee (the last call wins). */
  CU_ASSERT_EQUAL(sslvdir_builder_add_offloader(b, "10.0.0.5", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 112, "X-Cipher", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5/32", 128, NULL, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.1.0/24", 0, "X-SSL-Cipher", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_offloader_count(p), 2);
  CU_ASSERT_EQUAL(sslvdir_policy_warning_count(p), 0);
  unsigned bits = 99;
  const char *h = "x";
  CU_ASSERT_EQUAL(sslvdir_policy_offloader_cipher(p, 0, &bits, &h), SSLVDIR_OK);
  CU_ASSERT_EQUAL(bits, 128);
  CU_ASSERT_PTR_NULL(h);
  CU_ASSERT_EQUAL(sslvdir_policy_offloader_cipher(p, 1, &bits, &h), SSLVDIR_OK);
  CU_ASSERT_EQUAL(bits, 0);
  CU_ASSERT_STRING_EQUAL(h, "X-SSL-Cipher");
  CU_ASSERT_EQUAL(sslvdir_policy_offloader_cipher(p, 2, &bits, &h), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_policy_offloader_cipher(NULL, 0, NULL, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(sslvdir_policy_cipher_header(p), "X-SSL-Cipher");
  CU_ASSERT_PTR_NULL(sslvdir_policy_cipher_header(NULL));
  /* A version 1 request (without offload_cipher) is still read. */
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  r.version = 1;
  r.method = "GET", r.method_len = 3;
  r.target = "/owa/", r.target_len = 5;
  r.host = "mail.contoso.com", r.host_len = 16;
  r.peer = "10.0.1.9", r.peer_len = 8;
  r.x_forwarded_proto = "https", r.x_forwarded_proto_len = 5;
  r.offload_cipher = "AES256-SHA", r.offload_cipher_len = 10; /* not read in version 1 */
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.status, 403);
  CU_ASSERT_EQUAL(d.substatus, 5);
  r.version = 2;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_ALLOW);
  r.version = 3;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_E_INVALID_ARGUMENT);
  r.version = 0;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_E_INVALID_ARGUMENT);
  sslvdir_policy_unref(p);
  /* Two offloaders naming two headers: the proxy could read only one. */
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 0, "x-ssl-cipher", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_OK);
  sslvdir_policy_unref(p);
  CU_ASSERT_EQUAL(sslvdir_builder_set_offloader_cipher(b, "10.0.0.5", 0, "X-Cipher", &e), SSLVDIR_OK);
  p = NULL;
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_PTR_NULL(p);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "X-Cipher"));
  sslvdir_builder_free(b);
}

static void test_cases(void) {
  DIR *dir = opendir(srcpath("tests/data/decide"));
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  struct dirent *de;
  char names[32][256];
  int nfiles = 0;
  while ((de = readdir(dir)) && nfiles < 32) {
    size_t l = strlen(de->d_name);
    if (l > 6 && !strcmp(de->d_name + l - 6, ".cases"))
      snprintf(names[nfiles++], sizeof names[0], "%s", de->d_name);
  }
  closedir(dir);
  CU_ASSERT(nfiles > 0);
  for (int k = 0; k < nfiles; k++) {
    char rel[300];
    snprintf(rel, sizeof rel, "tests/data/decide/%.255s", names[k]);
    char *data = read_file(srcpath(rel), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    int lineno = 0;
    char *p = data;
    while (*p) {
      char *nl = strchr(p, '\n');
      if (nl)
        *nl = '\0';
      lineno++;
      char *s = p + strspn(p, " \t");
      if (*s && *s != '#') {
        CU_ASSERT(run_case(names[k], lineno, s));
        cases_run++;
      }
      p = nl ? nl + 1 : p + strlen(p);
    }
    free(data);
  }
  CU_ASSERT(cases_run >= 150);
}

static void test_arguments(void) {
  sslvdir_policy *p = get_policy("e16+redirect");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  r.method = "GET";
  r.method_len = 3;
  r.target = "/owa/";
  r.target_len = 5;
  CU_ASSERT_EQUAL(sslvdir_decide(NULL, &r, &d), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_decide(p, NULL, &d), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, NULL), SSLVDIR_E_INVALID_ARGUMENT);
  r.version = 99;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_E_INVALID_ARGUMENT);
  r.version = SSLVDIR_REQUEST_VERSION;
  d.version = 0;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_E_INVALID_ARGUMENT);
  d.version = SSLVDIR_DECISION_VERSION;
  /* Not NUL-terminated input: only the given lengths count. */
  r.target = "/owa/XXXX";
  r.target_len = 5;
  r.host = "mail.contoso.comZZZ";
  r.host_len = 16;
  r.method = "GETX";
  r.method_len = 3;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_REDIRECT);
  CU_ASSERT_STRING_EQUAL(loc_of(&d, &r), "https://mail.contoso.com/owa/");
  CU_ASSERT_EQUAL(d.tls, 0);
  CU_ASSERT_PTR_EQUAL(d.site, sslvdir_policy_site(p, 0));
  CU_ASSERT_PTR_EQUAL(d.vdir, sslvdir_policy_find_vdir(p, "Default Web Site/owa"));
  /* The same over TLS is allowed and says so. */
  r.scheme = SSLVDIR_SCHEME_HTTPS;
  r.cipher_bits = 256;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_ALLOW);
  CU_ASSERT_EQUAL(d.tls, 1);
  CU_ASSERT_EQUAL(d.status, 0);
  CU_ASSERT_EQUAL(d.substatus, -1);
  CU_ASSERT_EQUAL(d.location_len, 0);
  /* Refused before a site is chosen: no site, no vdir, no upstream. */
  r.method = "G T";
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_DENY);
  CU_ASSERT_PTR_NULL(d.site);
  CU_ASSERT_PTR_NULL(d.vdir);
  CU_ASSERT_EQUAL(d.upstream, SSLVDIR_UPSTREAM_AUTO);
  CU_ASSERT_EQUAL(d.path_len, 0);
  /* Refused on the path: the site is known, the vdir is not. */
  r.method = "GET";
  r.target = "/ecp::$DATA";
  r.target_len = 11;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_PTR_NOT_NULL(d.site);
  CU_ASSERT_PTR_NULL(d.vdir);
  CU_ASSERT_EQUAL(d.status, 400);
  /* Names of enums. */
  CU_ASSERT_STRING_EQUAL(sslvdir_action_name(SSLVDIR_ACTION_DENY), "deny");
  CU_ASSERT_PTR_NULL(sslvdir_action_name(7));
  CU_ASSERT_STRING_EQUAL(sslvdir_cert_status_name(SSLVDIR_CERT_STATUS_REVOKED), "revoked");
  CU_ASSERT_PTR_NULL(sslvdir_cert_status_name(-1));
  sslvdir_cert_status cs;
  CU_ASSERT_EQUAL(sslvdir_cert_status_parse("MISSING", 7, &cs), SSLVDIR_OK);
  CU_ASSERT_EQUAL(cs, SSLVDIR_CERT_STATUS_NONE);
  CU_ASSERT_EQUAL(sslvdir_cert_status_parse("fine", 4, &cs), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_STRING_EQUAL(sslvdir_request_header_name(SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS), "Front-End-Https");
  CU_ASSERT_PTR_NULL(sslvdir_request_header_name(3));
}

static void test_unknown_cert_status(void) {
  /* A status the library does not define is not a valid certificate. */
  sslvdir_policy *p = get_policy("certs");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  r.method = "GET";
  r.method_len = 3;
  r.target = "/certauth/";
  r.target_len = 10;
  r.scheme = SSLVDIR_SCHEME_HTTPS;
  r.cipher_bits = 256;
  r.client_cert = (sslvdir_cert_status)42;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_DENY);
  CU_ASSERT_EQUAL(d.status, 403);
  CU_ASSERT_EQUAL(d.substatus, 16);
}

/* A Location that cannot fit once encoded is not sent: 403.4, never a cut URL. */
static void test_location_limit(void) {
  sslvdir_policy *p = get_policy("e16+redirect");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  static char target[SSLVDIR_MAX_URL + SSLVDIR_MAX_QUERY + 2];
  static sslvdir_decision d;
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  size_t n = 0;
  target[n++] = '/';
  memset(target + n, 'o', SSLVDIR_MAX_URL - 1); /* a path at the limit, under the root */
  for (size_t i = 200; i < SSLVDIR_MAX_URL - 1; i += 200)
    target[i] = '/'; /* segments of HTTP.sys's allowed length */
  n += SSLVDIR_MAX_URL - 1;
  target[n++] = '?';
  for (size_t i = 0; i < SSLVDIR_MAX_QUERY; i++)
    target[n++] = (i % 2) ? '<' : 'a';
  r.method = "GET";
  r.method_len = 3;
  r.target = target;
  r.target_len = n;
  r.host = "mail.contoso.com";
  r.host_len = 16;
  d.version = SSLVDIR_DECISION_VERSION;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_DENY);
  CU_ASSERT_EQUAL(d.status, 403);
  CU_ASSERT_EQUAL(d.substatus, 4);
  CU_ASSERT_EQUAL(d.location_len, 0);
  CU_ASSERT_STRING_EQUAL(loc_of(&d, &r), "");
  /* The same with a plain query fits and redirects. */
  for (size_t i = 0; i < SSLVDIR_MAX_QUERY; i++)
    target[SSLVDIR_MAX_URL + 1 + i] = 'q';
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_REDIRECT);
  CU_ASSERT_EQUAL(d.location_len, strlen("https://mail.contoso.com") + n);
  CU_ASSERT_EQUAL(strlen(loc_of(&d, &r)), d.location_len);
  CU_ASSERT_EQUAL(memcmp(loc_of(&d, &r) + 24, target, n), 0);
}

/* The decision is small enough for any thread's stack, as decide.h says. */
static void test_decision_size(void) {
  CU_ASSERT(sizeof(sslvdir_decision) <= SSLVDIR_DECISION_MAX_SIZE);
  CU_ASSERT(SSLVDIR_DECISION_MAX_SIZE <= 256);
}

static void request(sslvdir_request *r, const char *method, const char *target, const char *host) {
  sslvdir_request init = SSLVDIR_REQUEST_INIT;
  *r = init;
  r->method = method;
  r->method_len = strlen(method);
  r->target = target;
  r->target_len = strlen(target);
  r->host = host;
  r->host_len = host ? strlen(host) : 0;
}

/* sslvdir_decision_location(): the Location of the decision's request, into
 * a buffer of location_len + 1 bytes; anything else is an error. */
static void test_decision_location(void) {
  sslvdir_policy *p = get_policy("e16+redirect");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  sslvdir_request r;
  sslvdir_decision d;
  char buf[64];
  size_t n = 99;
  d.version = SSLVDIR_DECISION_VERSION;
  request(&r, "GET", "/OWA/?a=<b>", "Mail.Contoso.COM:80");
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(d.action, SSLVDIR_ACTION_REDIRECT);
  static const char want[] = "https://mail.contoso.com/OWA/?a=%3Cb%3E";
  CU_ASSERT_EQUAL(d.location_len, strlen(want));
  CU_ASSERT_EQUAL(d.path_len, strlen("/OWA/"));
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, buf, d.location_len + 1, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(buf, want);
  CU_ASSERT_EQUAL(n, strlen(want));
  /* One byte short: an error and the empty string, never a cut URL; *len
   * still says how long it is. */
  n = 0;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, buf, d.location_len, &n), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_STRING_EQUAL(buf, "");
  CU_ASSERT_EQUAL(n, strlen(want));
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, NULL, 0, &n), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(n, strlen(want));
  /* Arguments. */
  CU_ASSERT_EQUAL(sslvdir_decision_location(NULL, &r, buf, sizeof buf, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, NULL, buf, sizeof buf, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, NULL, sizeof buf, &n), SSLVDIR_E_INVALID_ARGUMENT);
  /* Another request than the decision's: its Location would be another's. */
  sslvdir_request other;
  request(&other, "GET", "/owa/?a=<bc>", "mail.contoso.com");
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &other, buf, sizeof buf, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(buf, "");
  /* A decision of the old layout is refused, by both functions. */
  d.version = 1;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, buf, sizeof buf, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &d), SSLVDIR_E_INVALID_ARGUMENT);
  d.version = SSLVDIR_DECISION_VERSION;
  /* Not a redirect: the empty Location. */
  r.scheme = SSLVDIR_SCHEME_HTTPS;
  r.cipher_bits = 256;
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_ALLOW);
  CU_ASSERT_EQUAL(d.location_len, 0);
  n = 99;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, buf, sizeof buf, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(buf, "");
  CU_ASSERT_EQUAL(n, 0);
  /* The absolute form's authority names the host; a host in no namespace
   * gets the site's canonical host, on its https port. */
  sslvdir_policy *ad = get_policy("adredirect");
  CU_ASSERT_PTR_NOT_NULL_FATAL(ad);
  request(&r, "HEAD", "/autodiscover/./AUTODISCOVER.xml?x", "autodiscover.contoso.com");
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(ad, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.reason, SSLVDIR_R_AUTODISCOVER_REDIRECT);
  CU_ASSERT_STRING_EQUAL(loc_of(&d, &r), "https://mail.contoso.com:8443/autodiscover/autodiscover.xml");
  CU_ASSERT_STRING_EQUAL(path_of(&d, &r), "/autodiscover/AUTODISCOVER.xml");
  request(&r, "GET", "http://MAIL.contoso.com/owa?x", "other.example");
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(loc_of(&d, &r), "https://mail.contoso.com/owa?x");
  request(&r, "GET", "/owa", "other.example");
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_REDIRECT);
  CU_ASSERT_STRING_EQUAL(loc_of(&d, &r), "https://mail.contoso.com/owa");
}

/* The canonical path can be three times as long as the raw path (a raw '^'
 * is %5E in it); sslvdir_decide() matches without holding it, and the raw
 * path is what IIS's limit counts. At the limit, with a vdir whose name
 * needs encoding: */
static void test_path_at_limit(void) {
  sslvdir_builder *b;
  sslvdir_policy *p;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "S", NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_vdir(b, "S", "/x^y", SSLVDIR_KIND_OTHER, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_vdir_edge_flags(b, "S", "/x^y", SSLVDIR_SSL, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, NULL), SSLVDIR_OK);
  sslvdir_builder_free(b);
  static char target[SSLVDIR_MAX_URL + 2];
  size_t n = 0;
  n += (size_t)sprintf(target, "/X%%5ey");
  for (; n < SSLVDIR_MAX_URL; n++) /* segments of 200 '^' */
    target[n] = n % 201 == 6 ? '/' : '^';
  target[n] = '\0';
  sslvdir_request r;
  sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  request(&r, "GET", target, NULL);
  r.scheme = SSLVDIR_SCHEME_HTTPS;
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_ALLOW);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d.vdir);
  CU_ASSERT_STRING_EQUAL(sslvdir_vdir_path(d.vdir), "/x%5Ey");
  CU_ASSERT(d.path_len > 2 * SSLVDIR_MAX_URL);
  const char *canon = path_of(&d, &r);
  CU_ASSERT_EQUAL(strlen(canon), d.path_len);
  CU_ASSERT_EQUAL(strncmp(canon, "/X%5Ey/%5E%5E", 13), 0);
  CU_ASSERT_PTR_EQUAL(sslvdir_site_match(sslvdir_policy_site(p, 0), target, n), d.vdir);
  /* Plain HTTP is refused there: the vdir's rules apply however long. */
  r.scheme = SSLVDIR_SCHEME_HTTP;
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.status, 403);
  CU_ASSERT_EQUAL(d.substatus, 4);
  /* One byte more is over IIS's limit. */
  target[n++] = '^';
  r.target_len = n;
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.reason, SSLVDIR_R_URL_TOO_LONG);
  CU_ASSERT_EQUAL(d.path_len, 0);
  sslvdir_policy_unref(p);
}

/* The deny sslvdir_decide() writes for a call it cannot answer (decide.h). */
static void assert_error_deny(const sslvdir_decision *d) {
  CU_ASSERT_EQUAL(d->version, SSLVDIR_DECISION_VERSION);
  CU_ASSERT_EQUAL(d->action, SSLVDIR_ACTION_DENY);
  CU_ASSERT_EQUAL(d->status, 500);
  CU_ASSERT_EQUAL(d->substatus, -1);
  CU_ASSERT_EQUAL(d->reason, SSLVDIR_R_NONE);
  CU_ASSERT_EQUAL(d->upstream, SSLVDIR_UPSTREAM_AUTO);
  CU_ASSERT_EQUAL(d->tls, 0);
  CU_ASSERT_PTR_NULL(d->site);
  CU_ASSERT_PTR_NULL(d->vdir);
  CU_ASSERT_EQUAL(d->remove_headers, 0);
  CU_ASSERT_EQUAL(d->set_headers, 0);
  CU_ASSERT_PTR_NULL(d->x_forwarded_proto);
  CU_ASSERT_PTR_NULL(d->front_end_https);
  CU_ASSERT_EQUAL(d->path_len, 0);
  CU_ASSERT_EQUAL(d->location_len, 0);
}

/* A proxy that reuses one decision per connection and forgets to check the
 * return code must not forward a request on the previous request's allow:
 * a call decide cannot answer leaves a deny behind, not the stale decision.
 * The same for the Location buffer. */
/* Field by field: the struct's padding bytes are never written, so
 * memcmp() would read bytes nobody set (valgrind says so). */
static int same_decision(const sslvdir_decision *a, const sslvdir_decision *b) {
  return a->version == b->version && a->action == b->action && a->status == b->status &&
         a->substatus == b->substatus && a->reason == b->reason && a->upstream == b->upstream &&
         a->tls == b->tls && a->site == b->site && a->vdir == b->vdir &&
         a->remove_headers == b->remove_headers && a->set_headers == b->set_headers &&
         a->x_forwarded_proto == b->x_forwarded_proto &&
         a->front_end_https == b->front_end_https && a->path_len == b->path_len &&
         a->location_len == b->location_len;
}

static void test_bad_call_denies(void) {
  sslvdir_policy *p = get_policy("e16o");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  sslvdir_request r, bad;
  sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  request(&r, "GET", "/owa/", "mail.contoso.com");
  r.peer = "10.0.0.5", r.peer_len = 8;
  r.x_forwarded_proto = "https", r.x_forwarded_proto_len = 5;
  r.cipher_bits = 256;
  for (int i = 0; i < 4; i++) {
    CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
    CU_ASSERT_EQUAL_FATAL(d.action, SSLVDIR_ACTION_ALLOW);
    CU_ASSERT_PTR_NOT_NULL(d.vdir);
    bad = r;
    bad.version = i == 2 ? 0 : SSLVDIR_REQUEST_VERSION + 1;
    int rc = i == 0 ? sslvdir_decide(NULL, &r, &d)
             : i == 1 ? sslvdir_decide(p, NULL, &d)
                      : sslvdir_decide(p, &bad, &d);
    CU_ASSERT_EQUAL(rc, SSLVDIR_E_INVALID_ARGUMENT);
    assert_error_deny(&d);
  }
  /* A decision of a version the library does not know is not written: its
   * layout, and so where the fields are, is unknown. */
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  sslvdir_decision before;
  for (unsigned v = 0; v <= SSLVDIR_DECISION_VERSION + 1; v += SSLVDIR_DECISION_VERSION - 1) {
    if (v == SSLVDIR_DECISION_VERSION)
      continue;
    d.version = v;
    before = d;
    CU_ASSERT_EQUAL(sslvdir_decide(NULL, &r, &d), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT(same_decision(&before, &d));
  }
  d.version = SSLVDIR_DECISION_VERSION;

  /* The Location buffer: empty after any error, not the last redirect's. */
  p = get_policy("e16+redirect");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  request(&r, "GET", "/owa/", "mail.contoso.com");
  CU_ASSERT_EQUAL_FATAL(sslvdir_decide(p, &r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(d.action, SSLVDIR_ACTION_REDIRECT);
  char buf[64];
  size_t n = 99;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, buf, sizeof buf, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(buf, "https://mail.contoso.com/owa/");
  n = 99;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, NULL, buf, sizeof buf, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(buf, "");
  CU_ASSERT_EQUAL(n, 0);
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, buf, sizeof buf, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_decision_location(NULL, &r, buf, sizeof buf, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(buf, "");
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, buf, sizeof buf, &n), SSLVDIR_OK);
  d.version = SSLVDIR_DECISION_VERSION + 1;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, buf, sizeof buf, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(buf, "");
  d.version = SSLVDIR_DECISION_VERSION;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &r, buf, sizeof buf, &n), SSLVDIR_OK);
  bad = r;
  bad.version = 0;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, &bad, buf, sizeof buf, &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(buf, "");
}

void suite_decide(void) {
  CU_pSuite s = CU_add_suite("decide", NULL, cleanup);
  CU_add_test(s, "data-driven decisions", test_cases);
  CU_add_test(s, "offloader cipher knobs", test_offloader_cipher);
  CU_add_test(s, "arguments and names", test_arguments);
  CU_add_test(s, "unknown certificate status fails closed", test_unknown_cert_status);
  CU_add_test(s, "a Location too long once encoded is not sent", test_location_limit);
  CU_add_test(s, "the decision fits a small stack", test_decision_size);
  CU_add_test(s, "the Location on demand", test_decision_location);
  CU_add_test(s, "a path at IIS's limit, three times as long canonical", test_path_at_limit);
  CU_add_test(s, "a call decide cannot answer leaves a deny", test_bad_call_denies);
}
