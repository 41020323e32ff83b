/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Autodiscover, server side: configuration, request parsing, and the
 * documents ([MS-OXDSCLI], the POX reference, [MS-ASCMD]) written into the
 * caller's buffer without allocating.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <sslvdir/autodiscover.h>

#include "internal.h"
#include "url.h"

/* ================================================================ config */

void sv_ad_config_clear(sv_ad_config *c) {
  for (size_t i = 0; i < c->nrules; i++) {
    sv_free(c->rules[i].domain);
    sv_free(c->rules[i].target);
  }
  sv_free(c->rules);
  sv_ix_free(&c->rule_ix);
  sv_free(c->auth_external);
  sv_free(c->auth_internal);
  sv_free(c->deployment_id);
  memset(c, 0, sizeof *c);
}

static int dup_opt(char **dst, const char *src) {
  return src && !(*dst = sv_strdup(src)) ? SSLVDIR_E_NOMEM : SSLVDIR_OK;
}

static const char *rule_domain_of(const void *base, size_t i) {
  return ((const sv_ad_config *)base)->rules[i].domain;
}

int sv_ad_config_copy(sv_ad_config *dst, const sv_ad_config *src) {
  memset(dst, 0, sizeof *dst);
  dst->server_version = src->server_version;
  dst->server_id = src->server_id;
  dst->has_server_id = src->has_server_id;
  if (dup_opt(&dst->auth_external, src->auth_external) ||
      dup_opt(&dst->auth_internal, src->auth_internal) ||
      dup_opt(&dst->deployment_id, src->deployment_id))
    return SSLVDIR_E_NOMEM;
  if (src->nrules) {
    if (!(dst->rules = sv_calloc(src->nrules, sizeof *dst->rules)))
      return SSLVDIR_E_NOMEM;
    dst->caprules = src->nrules;
    for (; dst->nrules < src->nrules; dst->nrules++) {
      const sv_ad_rule *r = &src->rules[dst->nrules];
      sv_ad_rule *d = &dst->rules[dst->nrules];
      d->action = r->action;
      if (!(d->domain = sv_strdup(r->domain)) || !(d->target = sv_strdup(r->target))) {
        dst->nrules++; /* so that clearing frees what was copied */
        return SSLVDIR_E_NOMEM;
      }
    }
    if (sv_ix_rebuild(&dst->rule_ix, dst->nrules, rule_domain_of, dst))
      return SSLVDIR_E_NOMEM;
  }
  return SSLVDIR_OK;
}

/* A local part, '@', a host name: what an address must look like for us to
 * look it up or send it. Returns the offset of the domain, or 0. */
size_t sv_ad_address_domain(const char *a, size_t n) {
  const char *at = NULL;
  for (size_t i = n; i > 0; i--)
    if (a[i - 1] == '@') {
      at = a + i - 1;
      break;
    }
  if (!at || at == a || (size_t)(at - a) + 1 >= n || n > SSLVDIR_AUTODISCOVER_MAX_EMAIL)
    return 0;
  /* Spaces, control characters (C1 too: U+0085 is a line end for some
   * readers) and U+2028/U+2029, none of which an address holds; and bytes
   * that are not UTF-8 (RFC 6532 addresses are UTF-8). */
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    int l = sv_utf8_char((const unsigned char *)a + i, n - i, &cp);
    if (l < 0 || cp == ' ' || sv_utf8_is_control(cp))
      return 0;
    i += (size_t)l;
  }
  size_t d = (size_t)(at - a) + 1, hl;
  uint32_t h;
  if (sv_host_check(a + d, n - d, &hl, &h) || memchr(a + d, ':', n - d) || a[d] == '[')
    return 0;
  return d;
}

/* Canonical spellings of the AuthPackage values the POX reference lists. */
static const char *const auth_packages[] = {"Basic", "Kerb", "KerbNtlm", "Ntlm", "Certificate",
                                            "Negotiate", "Nego2"};

static int valid_ad_url(const char *url, sslvdir_error *err);

int sv_ad_add_domain(sv_ad_config *c, const char *domain, int action, const char *target,
                     sslvdir_error *err) {
  char norm[SV_HOST_MAX + 3];
  size_t n;
  if (!domain || sv_host_normalize(domain, strlen(domain), norm, &n, 0) || norm[0] == '[')
    return sv_err(err, SSLVDIR_E_SYNTAX, "autodiscover: '%.256s' is not a domain name",
                  domain ? domain : "(null)");
  if (sv_ix_find(&c->rule_ix, norm, strlen(norm), 0, rule_domain_of, c) >= 0)
    return sv_err(err, SSLVDIR_E_DUPLICATE, "autodiscover: domain '%s' has a rule already", norm);
  char tnorm[SV_HOST_MAX + 3];
  switch (action) {
  case SSLVDIR_AUTODISCOVER_ACTION_SETTINGS:
    break; /* the site is checked by the caller */
  case SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR:
    if (!target || sv_host_normalize(target, strlen(target), tnorm, &n, 0) || tnorm[0] == '[')
      return sv_err(err, SSLVDIR_E_SYNTAX, "autodiscover: redirect-addr target '%.256s' is not "
                    "a domain name", target ? target : "(null)");
    if (!strcmp(tnorm, norm))
      return sv_err(err, SSLVDIR_E_INCONSISTENT, "autodiscover: domain '%s' redirects to itself",
                    norm);
    target = tnorm;
    break;
  case SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_URL: {
    int rc = valid_ad_url(target, err);
    if (rc)
      return rc;
    break;
  }
  default:
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "autodiscover: unknown action %d", action);
  }
  if (!target)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "autodiscover: a target is required");
  char *d = sv_strdup(norm), *t = sv_strdup(target);
  if (!d || !t || sv_grow((void **)&c->rules, &c->caprules, c->nrules + 1, sizeof *c->rules)) {
    sv_free(d);
    sv_free(t);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  c->rules[c->nrules] = (sv_ad_rule){d, action, t};
  if (sv_ix_add(&c->rule_ix, c->nrules, rule_domain_of, c)) {
    sv_free(d);
    sv_free(t);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  c->nrules++;
  return SSLVDIR_OK;
}

/* "15.1.2507" (or "15.1.2507.6") to the POX ServerVersion: 4 bits 0111, 6
 * bits major, 6 bits minor, a 1 bit, 15 bits build (the POX reference's
 * example 738180DA is 14.1.218). */
static int parse_build(const char *s, uint32_t *out) {
  unsigned long part[4] = {0, 0, 0, 0};
  int n = 0;
  const char *p = s;
  while (n < 4) {
    char *end;
    if (*p < '0' || *p > '9')
      return -1;
    part[n++] = strtoul(p, &end, 10);
    if (end - p > 6)
      return -1;
    p = end;
    if (*p != '.')
      break;
    p++;
  }
  if (*p || n < 3 || part[0] > 63 || part[1] > 63 || part[2] > 32767)
    return -1;
  *out = 0x70000000u | (uint32_t)part[0] << 22 | (uint32_t)part[1] << 16 | 0x8000u |
         (uint32_t)part[2];
  return 0;
}

int sv_ad_set_option(sv_ad_config *c, const char *name, const char *value, sslvdir_error *err) {
  if (!name || !value)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "autodiscover option: NULL argument");
  char **slot = NULL;
  const char *canon = value;
  if (!strcmp(name, "auth-package") || !strcmp(name, "internal-auth-package")) {
    canon = NULL;
    for (size_t i = 0; i < sizeof auth_packages / sizeof auth_packages[0]; i++)
      if (sv_streq_ci(value, auth_packages[i]))
        canon = auth_packages[i];
    if (!canon)
      return sv_err(err, SSLVDIR_E_UNKNOWN_NAME, "autodiscover: auth package '%.64s' is not "
                    "Basic, Kerb, KerbNtlm, Ntlm, Certificate, Negotiate or Nego2", value);
    slot = name[0] == 'a' ? &c->auth_external : &c->auth_internal;
  } else if (!strcmp(name, "server-build")) {
    if (parse_build(value, &c->server_version))
      return sv_err(err, SSLVDIR_E_SYNTAX, "autodiscover: server-build '%.64s' is not "
                    "MAJOR.MINOR.BUILD (such as 15.1.2507)", value);
    return SSLVDIR_OK;
  } else if (!strcmp(name, "deployment-id")) {
    size_t n = strlen(value);
    int ok = n == 36;
    for (size_t i = 0; ok && i < n; i++)
      ok = (i == 8 || i == 13 || i == 18 || i == 23) ? value[i] == '-'
           : ((value[i] >= '0' && value[i] <= '9') || ((value[i] | 0x20) >= 'a' && (value[i] | 0x20) <= 'f'));
    if (!ok)
      return sv_err(err, SSLVDIR_E_SYNTAX, "autodiscover: deployment-id '%.64s' is not a GUID",
                    value);
    slot = &c->deployment_id;
  } else if (!strcmp(name, "server-id")) {
    char *end;
    unsigned long long v = strtoull(value, &end, 10);
    if (!*value || *end || value[0] == '-' || v > 0xffffffffull)
      return sv_err(err, SSLVDIR_E_RANGE, "autodiscover: server-id '%.64s' is not a number from "
                    "0 to 4294967295", value);
    c->server_id = (uint32_t)v;
    c->has_server_id = 1;
    return SSLVDIR_OK;
  } else {
    return sv_err(err, SSLVDIR_E_UNKNOWN_NAME, "autodiscover: unknown option '%.64s' (expected "
                  "auth-package, internal-auth-package, server-build, deployment-id or server-id)",
                  name);
  }
  char *copy = sv_strdup(canon);
  if (!copy)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  sv_free(*slot);
  *slot = copy;
  return SSLVDIR_OK;
}

static const sv_ad_rule *find_rule(const sslvdir_policy *p, const char *domain, size_t n) {
  if (n && domain[n - 1] == '.')
    n--;
  for (size_t i = 0; i < p->ad.nrules; i++)
    if (sv_eq_ci(p->ad.rules[i].domain, strlen(p->ad.rules[i].domain), domain, n))
      return &p->ad.rules[i];
  return NULL;
}

static const sslvdir_site *rule_site(const sslvdir_policy *p, const sv_ad_rule *r) {
  if (r->action != SSLVDIR_AUTODISCOVER_ACTION_SETTINGS)
    return NULL;
  for (size_t i = 0; i < p->nsites; i++)
    if (sv_streq_ci(p->sites[i].name, r->target))
      return &p->sites[i];
  return NULL;
}

SSLVDIR_EXTERN int sslvdir_autodiscover_domain_rule(const sslvdir_policy *p, const char *domain,
                                                    size_t index, const char **name,
                                                    sslvdir_autodiscover_action *action,
                                                    const char **target,
                                                    const sslvdir_site **site) {
  /* Cleared first, so that a failed lookup never leaves the previous rule's
   * answer (a redirect target, a site) for the caller to act on. */
  if (name)
    *name = NULL;
  if (action)
    *action = SSLVDIR_AUTODISCOVER_ACTION_NONE;
  if (target)
    *target = NULL;
  if (site)
    *site = NULL;
  if (!p)
    return SSLVDIR_E_INVALID_ARGUMENT;
  const sv_ad_rule *r = domain ? find_rule(p, domain, strlen(domain))
                               : (index < p->ad.nrules ? &p->ad.rules[index] : NULL);
  if (!r)
    return SSLVDIR_E_NOT_FOUND;
  if (name)
    *name = r->domain;
  if (action)
    *action = (sslvdir_autodiscover_action)r->action;
  if (target)
    *target = r->action == SSLVDIR_AUTODISCOVER_ACTION_SETTINGS ? NULL : r->target;
  if (site)
    *site = rule_site(p, r);
  return SSLVDIR_OK;
}

/* ================================================================ writer */

typedef sv_bw wr;

static void put(wr *w, const char *s, size_t n) { sv_bw_put(w, s, n); }
static void puts_(wr *w, const char *s) { put(w, s, strlen(s)); }

/* Why an address or LegacyDN cannot be echoed in an answer, or NULL. C1
 * controls and U+2028/U+2029 too (libxml2 hands over UTF-8): an address
 * holding U+0085 would be echoed in the settings answer, and a C0 control
 * or a byte that is not UTF-8 would make it no XML at all. */
static const char *echo_text_why(const char *s, size_t len) {
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    int l = sv_utf8_char((const unsigned char *)s + i, len - i, &cp);
    if (l < 0)
      return "is not UTF-8";
    if (sv_utf8_is_control(cp))
      return cp >= 0x2028 ? "holds a line separator" : "holds a control character";
    i += (size_t)l;
  }
  return NULL;
}

/* Text or attribute value, escaped: & < > " ' and nothing else changes. */
static void put_esc(wr *w, const char *s, size_t n) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    const char *e = NULL;
    switch (s[i]) {
    case '&': e = "&amp;"; break;
    case '<': e = "&lt;"; break;
    case '>': e = "&gt;"; break;
    case '"': e = "&quot;"; break;
    case '\'': e = "&apos;"; break;
    default: continue;
    }
    put(w, s + run, i - run);
    puts_(w, e);
    run = i + 1;
  }
  put(w, s + run, n - run);
}

static void elem(wr *w, const char *indent, const char *name, const char *value) {
  puts_(w, indent);
  put(w, "<", 1);
  puts_(w, name);
  put(w, ">", 1);
  put_esc(w, value, strlen(value));
  put(w, "</", 2);
  puts_(w, name);
  put(w, ">\n", 2);
}

/* A document that did not fit is not left cut in out: the bounded writer
 * wrote what fitted, and a caller that misses the error would send the
 * start of an answer (a JSON object without its end, an XML document
 * without its closing tags). */
static int finish_doc(const wr *w, size_t *out_len) {
  *out_len = w->len;
  if (w->len <= w->size)
    return SSLVDIR_OK;
  if (w->size)
    memset(w->out, 0, w->size);
  return SSLVDIR_E_BUFFER_TOO_SMALL;
}

static const char xml_decl[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

static void open_doc(wr *w, sslvdir_autodiscover_schema schema) {
  puts_(w, xml_decl);
  puts_(w, "<Autodiscover xmlns=\"" SSLVDIR_AD_NS "\">\n");
  if (schema == SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC)
    puts_(w, "  <Response xmlns=\"" SSLVDIR_AD_NS_MOBILESYNC_RESPONSE "\">\n");
  else if (schema == SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK)
    puts_(w, "  <Response xmlns=\"" SSLVDIR_AD_NS_OUTLOOK_RESPONSE "\">\n");
  else
    puts_(w, "  <Response>\n");
}

static void close_doc(wr *w) { puts_(w, "  </Response>\n</Autodiscover>\n"); }

/* The head of every mobilesync answer about a user: Culture, then User with
 * the address asked about ([MS-ASCMD] 2.2.3.38, 2.2.3.190), when known. */
static void mobilesync_head(wr *w, const char *user) {
  puts_(w, "    <Culture>en:us</Culture>\n");
  if (user && user[0]) {
    puts_(w, "    <User>\n");
    elem(w, "      ", "EMailAddress", user);
    puts_(w, "    </User>\n");
  }
}

/* The params version check is exact while version 1 is the only one; when a
 * version 2 appears it becomes a range: every version from the first
 * released to the current one is accepted, and only the fields of the
 * caller's version are read. */
static int check_out(const sslvdir_autodiscover_params *params, const char *out, size_t out_size,
                     const size_t *out_len) {
  return !params || params->version != SSLVDIR_AUTODISCOVER_PARAMS_VERSION || !out_len ||
         (!out && out_size) || (params->side != SSLVDIR_URL_INTERNAL &&
                                params->side != SSLVDIR_URL_EXTERNAL);
}

/* ================================================================ errors */

static const char *error_message(int code) {
  switch (code) {
  case 500: return "The e-mail address cannot be found.";
  case 501: return "No configuration is available for this e-mail address here.";
  case 600: return "Invalid Request";
  case 601: return "Provider is not available";
  case 602: return "The configuration for this e-mail address has an error.";
  case 603: return "Internal server error";
  default: return NULL;
  }
}

static uint32_t server_id(const sslvdir_policy *p) {
  if (!p)
    return 0;
  if (p->ad.has_server_id)
    return p->ad.server_id;
  /* FNV-1a of the first site's canonical host: stable for one deployment. */
  const char *s = p->nsites && p->sites[0].canonical ? p->sites[0].canonical : "";
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void write_error(wr *w, const sslvdir_policy *p, sslvdir_autodiscover_schema schema,
                        int code, uint64_t t, const char *user) {
  if (schema == SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC && code != 600 && code != 601) {
    /* A user-level error in the mobilesync schema has no ErrorCode: it is
     * Action/Error with Status 2 ("protocol error", the only failure
     * [MS-ASCMD] 2.2.3.177.1 defines), Message and DebugData, after Culture
     * and User ([MS-ASCMD] 4.2.2). ErrorCode is for 600 and 601, which the
     * provider answers before it knows the schema. */
    open_doc(w, SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC);
    mobilesync_head(w, user);
    puts_(w, "    <Action>\n      <Error>\n");
    elem(w, "        ", "Status", "2");
    elem(w, "        ", "Message", error_message(code));
    puts_(w, "        <DebugData />\n      </Error>\n    </Action>\n");
    close_doc(w);
    return;
  }
  if (!t)
    t = now_us();
  uint64_t day_us = t % 86400000000ull;
  unsigned hh = (unsigned)(day_us / 3600000000ull), mm = (unsigned)(day_us / 60000000ull % 60),
           ss = (unsigned)(day_us / 1000000u % 60), frac = (unsigned)(day_us % 1000000u) * 10;
  char head[96];
  int n = snprintf(head, sizeof head, "    <Error Time=\"%02u:%02u:%02u.%07u\" Id=\"%u\">\n", hh,
                   mm, ss, frac, (unsigned)server_id(p));
  /* Outlook-schema errors, and 600 and 601 of either schema, go in a
   * Response of the Autodiscover namespace, as Exchange writes them and as
   * python3-exchangelib reads them ([MS-ASCMD] 6.4). */
  open_doc(w, SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN);
  put(w, head, (size_t)n);
  char num[8];
  snprintf(num, sizeof num, "%d", code);
  elem(w, "      ", "ErrorCode", num);
  elem(w, "      ", "Message", error_message(code));
  puts_(w, "      <DebugData />\n    </Error>\n");
  close_doc(w);
}

SSLVDIR_EXTERN int sslvdir_autodiscover_error(const sslvdir_policy *p,
                                              sslvdir_autodiscover_schema schema, int code,
                                              const sslvdir_autodiscover_params *params,
                                              char *out, size_t out_size, size_t *out_len) {
  if (out_len)
    *out_len = 0; /* nothing stale when the arguments are refused */
  /* An unknown schema would silently get the Outlook shape. */
  if (check_out(params, out, out_size, out_len) ||
      (schema != SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN && schema != SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK &&
       schema != SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC))
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (!error_message(code))
    return SSLVDIR_E_RANGE;
  wr w = {out, out_size, 0};
  write_error(&w, p, schema, code, params->time_us, NULL);
  return finish_doc(&w, out_len);
}

/* ================================================================ redirects */

static void say_why(char *buf, size_t size, const char *text) {
  if (buf && size)
    snprintf(buf, size, "%s", text);
}

/* Checks an Autodiscover redirect URL, the configured one (REDIRECT_URL)
 * and the one a client is told to follow alike. */
int sv_ad_url_check(const char *u, size_t n, char *w, size_t ws) {
  if (sv_url_scheme_len(u, n) != 8) {
    say_why(w, ws, "not an https URL");
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f || (unsigned char)u[i] >= 0x80 || u[i] == '\\') {
      say_why(w, ws, "a space, control character, backslash or non-ASCII byte");
      return -1;
    }
  size_t a = 8, ae = sv_url_authority_end(u, n, a);
  size_t hl;
  uint32_t h;
  if (memchr(u + a, '@', ae - a)) {
    say_why(w, ws, "userinfo in the URL");
    return -1;
  }
  if (ae == a || sv_host_check(u + a, ae - a, &hl, &h)) {
    say_why(w, ws, "no valid host");
    return -1;
  }
  size_t pe = ae;
  while (pe < n && u[pe] != '?' && u[pe] != '#')
    pe++;
  if (pe < n && memchr(u + pe, '#', n - pe)) {
    say_why(w, ws, "a fragment");
    return -1;
  }
  /* /autodiscover/(SEGMENT/)*autodiscover.xml, case-insensitive; no empty,
   * "." or ".." segment and no escape, so that what matches is what a
   * server resolves. */
  static const char head[] = "/autodiscover/", tail[] = "/autodiscover.xml";
  const char *p = u + ae;
  size_t pl = pe - ae;
  if (pl < sizeof head - 1 + sizeof tail - 2 || !sv_eq_ci(p, sizeof head - 1, head, sizeof head - 1) ||
      !sv_eq_ci(p + pl - (sizeof tail - 1), sizeof tail - 1, tail, sizeof tail - 1) ||
      memchr(p, '%', pl)) {
    say_why(w, ws, "the path is not /autodiscover/.../autodiscover.xml");
    return -1;
  }
  for (size_t i = 1; i < pl;) {
    size_t e = i;
    while (e < pl && p[e] != '/')
      e++;
    size_t sl = e - i;
    if (sl == 0 || (sl == 1 && p[i] == '.') || (sl == 2 && p[i] == '.' && p[i + 1] == '.')) {
      say_why(w, ws, "an empty, '.' or '..' segment in the path");
      return -1;
    }
    i = e + 1;
  }
  return 0;
}

static void write_redirect_addr(wr *w, sslvdir_autodiscover_schema schema, const char *a,
                                size_t n, const char *user) {
  open_doc(w, schema);
  if (schema == SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC) {
    mobilesync_head(w, user); /* [MS-ASCMD] 4.2.3 */
    puts_(w, "    <Action>\n      <Redirect>");
    put_esc(w, a, n);
    puts_(w, "</Redirect>\n    </Action>\n");
  } else {
    puts_(w, "    <Account>\n      <Action>redirectAddr</Action>\n      <RedirectAddr>");
    put_esc(w, a, n);
    puts_(w, "</RedirectAddr>\n    </Account>\n");
  }
  close_doc(w);
}

SSLVDIR_EXTERN int sslvdir_autodiscover_redirect_addr(sslvdir_autodiscover_schema schema,
                                                      const char *address,
                                                      const sslvdir_autodiscover_params *params,
                                                      char *out, size_t out_size,
                                                      size_t *out_len) {
  if (out_len)
    *out_len = 0; /* nothing stale when the arguments are refused */
  if (check_out(params, out, out_size, out_len) || !address ||
      (schema != SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK && schema != SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC))
    return SSLVDIR_E_INVALID_ARGUMENT;
  size_t n = strlen(address);
  if (!sv_ad_address_domain(address, n))
    return SSLVDIR_E_SYNTAX;
  wr w = {out, out_size, 0};
  write_redirect_addr(&w, schema, address, n, NULL);
  return finish_doc(&w, out_len);
}

static int valid_ad_url(const char *url, sslvdir_error *err) {
  char why[160];
  if (!url)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "autodiscover: a redirect URL is required");
  if (sv_ad_url_check(url, strlen(url), why, sizeof why))
    return sv_err(err, SSLVDIR_E_SYNTAX, "autodiscover: redirect URL '%.200s': %s", url, why);
  return SSLVDIR_OK;
}

static void write_redirect_url(wr *w, const char *url, unsigned flags) {
  size_t n = strlen(url);
  open_doc(w, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK);
  puts_(w, "    <Account>\n      <Action>redirectUrl</Action>\n      <RedirectUrl>");
  put_esc(w, url, n);
  puts_(w, "</RedirectUrl>\n");
  if (!(flags & SSLVDIR_AUTODISCOVER_FLAG_SPEC_SPELLING)) {
    puts_(w, "      <RedirectURL>");
    put_esc(w, url, n);
    puts_(w, "</RedirectURL>\n");
  }
  puts_(w, "    </Account>\n");
  close_doc(w);
}

SSLVDIR_EXTERN int sslvdir_autodiscover_redirect_url(const char *url,
                                                     const sslvdir_autodiscover_params *params,
                                                     char *out, size_t out_size,
                                                     size_t *out_len) {
  if (out_len)
    *out_len = 0; /* nothing stale when the arguments are refused */
  if (check_out(params, out, out_size, out_len) || !url)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (valid_ad_url(url, NULL))
    return SSLVDIR_E_SYNTAX;
  wr w = {out, out_size, 0};
  write_redirect_url(&w, url, params->flags);
  return finish_doc(&w, out_len);
}

/* ================================================================ settings */

/* The vdir of a kind that clients are sent to: the default path if the site
 * has it, else the first of that kind. */
static const sslvdir_vdir *service_vdir(const sslvdir_site *s, sslvdir_kind kind,
                                        const char *dflt) {
  const sslvdir_vdir *first = NULL;
  for (size_t i = 0; i < s->nvdirs; i++) {
    if (s->vdirs[i].kind != kind)
      continue;
    if (sv_streq_ci(s->vdirs[i].path, dflt))
      return &s->vdirs[i];
    if (!first)
      first = &s->vdirs[i];
  }
  return first;
}

/* Configured vdir URLs are at most 2048 bytes (sslvdir_builder_set_vdir_url()). */
#define URL_MAX (2048 + 64)

/* A service URL: the vdir's configured URL for the side, else https, the
 * site's canonical host and port, the vdir's path and suffix (with
 * origin_only, the configured URL's scheme and authority, then the vdir's
 * path and suffix: another endpoint of the same vdir). "" when the site has
 * no such vdir. */
static void service_url_at(const sslvdir_site *s, sslvdir_kind kind, const char *dflt,
                           sslvdir_url_side side, const char *suffix, int origin_only,
                           char *buf) {
  buf[0] = '\0';
  const sslvdir_vdir *v = service_vdir(s, kind, dflt);
  if (!v)
    return;
  if (v->url[side] && !origin_only) {
    snprintf(buf, URL_MAX, "%s", v->url[side]);
    return;
  }
  if (v->url[side]) { /* another endpoint of the same vdir: the URL's origin */
    /* The builder took only absolute http and https URLs. */
    const char *u = v->url[side];
    size_t n = strlen(u), o = sv_url_authority_end(u, n, sv_url_scheme_len(u, n));
    snprintf(buf, URL_MAX, "%.*s%s%s", (int)o, u, v->path, suffix);
    return;
  }
  unsigned port = s->https_port ? s->https_port : 443;
  char ps[12] = "";
  if (port != 443)
    snprintf(ps, sizeof ps, ":%u", port);
  snprintf(buf, URL_MAX, "https://%s%s%s%s", s->canonical, ps, v->path, suffix);
}

static void service_url(const sslvdir_site *s, sslvdir_kind kind, const char *dflt,
                        sslvdir_url_side side, const char *suffix, char *buf) {
  service_url_at(s, kind, dflt, side, suffix, 0, buf);
}

/* The host of a URL ("https://host:port/..." -> "host"). */
static void url_host(const char *url, char *host, size_t size) {
  const char *h = url + sv_url_scheme_len(url, strlen(url));
  size_t n = strcspn(h, ":/?#");
  snprintf(host, size, "%.*s", (int)(n < size ? n : size - 1), h);
}

static uint32_t default_server_version(unsigned exchange_version) {
  uint32_t v = 0;
  switch (exchange_version) { /* the RTM build of each version */
  case 2007: parse_build("8.0.685", &v); break;
  case 2010: parse_build("14.0.639", &v); break;
  case 2013: parse_build("15.0.516", &v); break;
  case 2016: parse_build("15.1.225", &v); break;
  case 2019: parse_build("15.2.221", &v); break;
  case 2025: parse_build("15.2.2562", &v); break; /* SE */
  default: break;
  }
  return v;
}

/* One EXCH or EXPR block, children in the POX reference's order. */
static void write_protocol(wr *w, const sslvdir_policy *p, const sslvdir_site *s,
                           const char *type, sslvdir_url_side side) {
  char url[URL_MAX], host[SV_HOST_MAX + 2], sv[16];
  static const char ind[] = "        ";
  puts_(w, "      <Protocol>\n");
  elem(w, ind, "Type", type);
  service_url(s, SSLVDIR_KIND_RPC, "/Rpc", side, "", url);
  url_host(url[0] ? url : "", host, sizeof host);
  elem(w, ind, "Server", host[0] ? host : s->canonical);
  uint32_t ver = p->ad.server_version ? p->ad.server_version
                                      : default_server_version(p->exchange_version);
  if (ver) {
    snprintf(sv, sizeof sv, "%08X", (unsigned)ver);
    elem(w, ind, "ServerVersion", sv);
  }
  char ews[URL_MAX];
  service_url(s, SSLVDIR_KIND_EWS, "/EWS", side, "/Exchange.asmx", ews);
  if (ews[0]) {
    elem(w, ind, "ASUrl", ews);
    elem(w, ind, "EwsUrl", ews);
  }
  service_url(s, SSLVDIR_KIND_ECP, "/ecp", side, "/", url);
  if (url[0])
    elem(w, ind, "EcpUrl", url);
  if (ews[0])
    elem(w, ind, "OOFUrl", ews);
  service_url(s, SSLVDIR_KIND_OAB, "/OAB", side, "/", url);
  if (url[0])
    elem(w, ind, "OABUrl", url);
  if (ews[0] && p->exchange_version != 2019 && p->exchange_version != 2025) { /* no UM from 2019 */
    service_url_at(s, SSLVDIR_KIND_EWS, "/EWS", side, "/UM2007Legacy.asmx", 1, url);
    elem(w, ind, "UMUrl", url);
  }
  const char *auth = side == SSLVDIR_URL_EXTERNAL
                         ? (p->ad.auth_external ? p->ad.auth_external
                            : (p->exchange_version && p->exchange_version < 2013) ? "Basic"
                                                                                  : "Negotiate")
                         : (p->ad.auth_internal ? p->ad.auth_internal : "Ntlm");
  elem(w, ind, "AuthPackage", auth);
  /* The client's leg: SSL whatever the backend's SSLOffloading says. */
  service_url(s, SSLVDIR_KIND_RPC, "/Rpc", side, "", url);
  elem(w, ind, "SSL", !url[0] || !strncmp(url, "https:", 6) ? "On" : "Off");
  puts_(w, "      </Protocol>\n");
}

/* One side of the WEB Protocol block: OWAUrl, then the EWS URL in a Protocol
 * whose Type says how a client reaches it (EXPR from outside, EXCH from
 * inside). Nothing when the site has no OWA. */
static void write_web_side(wr *w, const sslvdir_site *s, sslvdir_url_side side) {
  char url[URL_MAX];
  int in = side == SSLVDIR_URL_INTERNAL;
  service_url(s, SSLVDIR_KIND_OWA, "/owa", side, "/", url);
  if (!url[0])
    return;
  puts_(w, in ? "        <Internal>\n" : "        <External>\n");
  /* Exchange names the OWA vdir's authentication methods; the default vdir
   * has forms and Basic, and the example in [MS-OXDSCLI] 4.4 writes "Fba"
   * outside and "Basic, Fba" inside. */
  puts_(w, in ? "          <OWAUrl AuthenticationMethod=\"Basic, Fba\">"
              : "          <OWAUrl AuthenticationMethod=\"Fba\">");
  put_esc(w, url, strlen(url));
  puts_(w, "</OWAUrl>\n");
  service_url(s, SSLVDIR_KIND_EWS, "/EWS", side, "/Exchange.asmx", url);
  if (url[0]) {
    puts_(w, "          <Protocol>\n");
    elem(w, "            ", "Type", in ? "EXCH" : "EXPR");
    elem(w, "            ", "ASUrl", url);
    puts_(w, "          </Protocol>\n");
  }
  puts_(w, in ? "        </Internal>\n" : "        </External>\n");
}

static void write_web(wr *w, const sslvdir_site *s, int internal_too) {
  if (!service_vdir(s, SSLVDIR_KIND_OWA, "/owa"))
    return;
  puts_(w, "      <Protocol>\n        <Type>WEB</Type>\n");
  write_web_side(w, s, SSLVDIR_URL_EXTERNAL);
  if (internal_too)
    write_web_side(w, s, SSLVDIR_URL_INTERNAL);
  puts_(w, "      </Protocol>\n");
}

static void write_settings(wr *w, const sslvdir_policy *p, const sslvdir_site *s,
                           sslvdir_autodiscover_schema schema, const char *email,
                           const char *legacy_dn, sslvdir_url_side side) {
  char url[URL_MAX];
  open_doc(w, schema);
  if (schema == SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC) {
    mobilesync_head(w, email);
    puts_(w, "    <Action>\n      <Settings>\n        <Server>\n");
    service_url(s, SSLVDIR_KIND_EAS, "/Microsoft-Server-ActiveSync", side, "", url);
    elem(w, "          ", "Type", "MobileSync");
    elem(w, "          ", "Url", url);
    elem(w, "          ", "Name", url);
    puts_(w, "        </Server>\n      </Settings>\n    </Action>\n");
    close_doc(w);
    return;
  }
  puts_(w, "    <User>\n");
  if (legacy_dn && legacy_dn[0])
    elem(w, "      ", "LegacyDN", legacy_dn);
  if (p->ad.deployment_id)
    elem(w, "      ", "DeploymentId", p->ad.deployment_id);
  if (email && email[0])
    elem(w, "      ", "AutoDiscoverSMTPAddress", email);
  puts_(w, "    </User>\n    <Account>\n      <AccountType>email</AccountType>\n"
           "      <Action>settings</Action>\n");
  int rpc = service_vdir(s, SSLVDIR_KIND_RPC, "/Rpc") != NULL;
  if (side == SSLVDIR_URL_INTERNAL)
    write_protocol(w, p, s, "EXCH", SSLVDIR_URL_INTERNAL);
  if (rpc)
    write_protocol(w, p, s, "EXPR", SSLVDIR_URL_EXTERNAL);
  /* WEB as [MS-OXDSCLI] 4.4 writes it: External (the OWA URL, and EWS as
   * an EXPR Protocol), then for internal clients Internal (the internal OWA
   * URL, and EWS as an EXCH Protocol). */
  write_web(w, s, side == SSLVDIR_URL_INTERNAL);
  puts_(w, "    </Account>\n");
  close_doc(w);
}

SSLVDIR_EXTERN int sslvdir_autodiscover_settings(const sslvdir_policy *p, const sslvdir_site *s,
                                                 sslvdir_autodiscover_schema schema,
                                                 const char *email, const char *legacy_dn,
                                                 const sslvdir_autodiscover_params *params,
                                                 char *out, size_t out_size, size_t *out_len) {
  if (out_len)
    *out_len = 0; /* nothing stale when the arguments are refused */
  if (check_out(params, out, out_size, out_len) || !p || !s ||
      (schema != SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK && schema != SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC) ||
      (schema == SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC && !email))
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (!s->canonical)
    return SSLVDIR_E_NOT_FOUND;
  if ((email && strlen(email) > SSLVDIR_AUTODISCOVER_MAX_EMAIL) ||
      (legacy_dn && strlen(legacy_dn) > SSLVDIR_AUTODISCOVER_MAX_LEGACYDN))
    return SSLVDIR_E_RANGE;
  /* The caller's strings are echoed: the same rule as for a request's. */
  if ((email && echo_text_why(email, strlen(email))) ||
      (legacy_dn && echo_text_why(legacy_dn, strlen(legacy_dn))))
    return SSLVDIR_E_SYNTAX;
  wr w = {out, out_size, 0};
  write_settings(&w, p, s, schema, email ? email : "", legacy_dn, params->side);
  return finish_doc(&w, out_len);
}

/* ================================================================ requests */

static int is_el(xmlNodePtr n, const char *name, const char *ns) {
  return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name) && n->ns &&
         n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

/* The text of a leaf element, trimmed of XML white space, or why not. */
static const char *leaf_text(xmlNodePtr n, char *buf, size_t max) {
  for (xmlNodePtr k = n->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE)
      return "holds an element";
  xmlChar *t = xmlNodeGetContent(n);
  if (!t)
    return "out of memory";
  const char *s = (const char *)t;
  size_t len = strlen(s);
  while (len && strchr(" \t\r\n", s[len - 1]))
    len--;
  while (len && strchr(" \t\r\n", *s))
    s++, len--;
  const char *why = NULL;
  if (len > max) {
    why = "is too long";
  } else {
    memcpy(buf, s, len);
    buf[len] = '\0';
    why = echo_text_why(buf, len);
  }
  xmlFree(t);
  return why;
}

static int req_fail(sslvdir_autodiscover_request *req, int ad_code, int rc, sslvdir_error *err,
                    const char *msg) {
  req->error = ad_code;
  if (err && err->code == rc && rc != SSLVDIR_E_UNKNOWN_NAME && msg == NULL)
    return rc; /* the reader's own message stands */
  return sv_err(err, rc, "autodiscover request: %s", msg ? msg : sslvdir_strerror(rc));
}

SSLVDIR_EXTERN int sslvdir_autodiscover_parse_request(const char *body, size_t len,
                                                      sslvdir_autodiscover_request *req,
                                                      sslvdir_error *err) {
  /* Exact while version 1 is the only one; when a version 2 appears this
   * becomes a range: every version from the first released to the current
   * one is accepted, and only the fields of the caller's version are
   * written. */
  if (!req || req->version != SSLVDIR_AUTODISCOVER_REQUEST_VERSION)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "autodiscover request: bad argument");
  req->schema = SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN;
  req->error = 600;
  req->email[0] = req->legacy_dn[0] = '\0';
  /* After req is filled: a request reused from an answered one must not
   * keep its address and error 0. */
  if (!body && len)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "autodiscover request: NULL body");
  if (!len)
    return req_fail(req, 600, SSLVDIR_E_SYNTAX, err, "no body (a GET gets 600)");
  xmlDocPtr doc;
  sslvdir_error e2 = {0};
  int rc = sv_xml_read(body, len, "autodiscover request", SSLVDIR_AUTODISCOVER_MAX_BODY,
                       SSLVDIR_AUTODISCOVER_MAX_DEPTH, SV_XML_UTF8_OR_UTF16, &doc, &e2);
  if (rc) {
    if (err)
      *err = e2;
    req->error = 600;
    return rc;
  }
  xmlNodePtr root = xmlDocGetRootElement(doc);
  const char *ns = NULL;
  if (is_el(root, "Autodiscover", SSLVDIR_AD_NS_OUTLOOK_REQUEST))
    ns = SSLVDIR_AD_NS_OUTLOOK_REQUEST;
  else if (is_el(root, "Autodiscover", SSLVDIR_AD_NS_MOBILESYNC_REQUEST))
    ns = SSLVDIR_AD_NS_MOBILESYNC_REQUEST;
  const char *msg = NULL;
  xmlNodePtr request = NULL;
  if (!ns) {
    msg = "the root is not <Autodiscover> in the Outlook or mobilesync request namespace";
  } else {
    for (xmlNodePtr k = root->children; k && !msg; k = k->next) {
      if (k->type != XML_ELEMENT_NODE)
        continue;
      if (!is_el(k, "Request", ns) || request)
        msg = "<Autodiscover> must hold exactly one <Request>";
      else
        request = k;
    }
    if (!request && !msg)
      msg = "no <Request>";
  }
  char schema[160] = "", what[96];
  int have_email = 0, have_dn = 0, have_schema = 0;
  for (xmlNodePtr k = request ? request->children : NULL; k && !msg; k = k->next) {
    if (k->type != XML_ELEMENT_NODE)
      continue;
    const char *why = NULL;
    int *seen = NULL;
    if (is_el(k, "EMailAddress", ns)) {
      seen = &have_email;
      why = have_email ? "is repeated" : leaf_text(k, req->email, SSLVDIR_AUTODISCOVER_MAX_EMAIL);
    } else if (is_el(k, "LegacyDN", ns)) {
      seen = &have_dn;
      why = have_dn ? "is repeated" : leaf_text(k, req->legacy_dn, SSLVDIR_AUTODISCOVER_MAX_LEGACYDN);
    } else if (is_el(k, "AcceptableResponseSchema", ns)) {
      seen = &have_schema;
      why = have_schema ? "is repeated" : leaf_text(k, schema, sizeof schema - 1);
    } else {
      continue; /* other elements are skipped, as Exchange skips them */
    }
    (*seen)++;
    if (why) {
      snprintf(what, sizeof what, "%s %s", (const char *)k->name, why);
      msg = strcmp(why, "out of memory") ? what : why;
    }
  }
  xmlFreeDoc(doc);
  if (!msg && !have_schema)
    msg = "no AcceptableResponseSchema";
  if (!msg && !req->email[0] && !req->legacy_dn[0])
    msg = "neither EMailAddress nor LegacyDN";
  if (msg) {
    req->email[0] = req->legacy_dn[0] = '\0';
    return req_fail(req, 600, strcmp(msg, "out of memory") ? SSLVDIR_E_SYNTAX : SSLVDIR_E_NOMEM,
                    err, msg);
  }
  if (!strcmp(schema, SSLVDIR_AD_NS_OUTLOOK_RESPONSE))
    req->schema = SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK;
  else if (!strcmp(schema, SSLVDIR_AD_NS_MOBILESYNC_RESPONSE))
    req->schema = SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC;
  else {
    req->error = 601;
    return sv_err(err, SSLVDIR_E_UNKNOWN_NAME, "autodiscover request: response schema '%.120s' "
                  "is not served (601)", schema);
  }
  if (req->schema == SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC && !req->email[0]) {
    req->error = 600;
    req->legacy_dn[0] = '\0';
    return sv_err(err, SSLVDIR_E_SYNTAX, "autodiscover request: the mobilesync schema needs "
                  "EMailAddress");
  }
  req->error = 0;
  return SSLVDIR_OK;
}

/* Writes the answer for a parsed request. */
static void answer(wr *w, const sslvdir_policy *p, const sslvdir_autodiscover_request *req,
                   const sslvdir_autodiscover_params *params) {
  if (req->error) {
    write_error(w, p, SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN, req->error, params->time_us, NULL);
    return;
  }
  sslvdir_autodiscover_schema schema = (sslvdir_autodiscover_schema)req->schema;
  size_t n = strlen(req->email), d = sv_ad_address_domain(req->email, n);
  const sv_ad_rule *r = d ? find_rule(p, req->email + d, n - d) : NULL;
  const sslvdir_site *s = r ? rule_site(p, r) : NULL;
  if (!r || (r->action == SSLVDIR_AUTODISCOVER_ACTION_SETTINGS && (!s || !s->canonical))) {
    write_error(w, p, schema, 500, params->time_us, req->email);
    return;
  }
  switch (r->action) {
  case SSLVDIR_AUTODISCOVER_ACTION_SETTINGS:
    write_settings(w, p, s, schema, req->email, req->legacy_dn, params->side);
    return;
  case SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR: {
    char to[SSLVDIR_AUTODISCOVER_MAX_EMAIL + SV_HOST_MAX + 2];
    int k = snprintf(to, sizeof to, "%.*s%s", (int)d, req->email, r->target);
    write_redirect_addr(w, schema, to, (size_t)k, req->email);
    return;
  }
  default: /* REDIRECT_URL: the mobilesync schema cannot carry a URL */
    if (schema == SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC)
      write_error(w, p, schema, 501, params->time_us, req->email);
    else
      write_redirect_url(w, r->target, params->flags);
    return;
  }
}

SSLVDIR_EXTERN int sslvdir_autodiscover_respond(const sslvdir_policy *p, const char *body,
                                                size_t len,
                                                const sslvdir_autodiscover_params *params,
                                                char *out, size_t out_size, size_t *out_len) {
  if (out_len)
    *out_len = 0; /* nothing stale when the arguments are refused */
  if (!p || (!body && len) || check_out(params, out, out_size, out_len))
    return SSLVDIR_E_INVALID_ARGUMENT;
  sslvdir_autodiscover_request req = SSLVDIR_AUTODISCOVER_REQUEST_INIT;
  int rc = sslvdir_autodiscover_parse_request(body, len, &req, NULL);
  if (rc == SSLVDIR_E_NOMEM)
    return rc;
  wr w = {out, out_size, 0};
  answer(&w, p, &req, params);
  return finish_doc(&w, out_len);
}

/* ================================================================ JSON */

/* A JSON string, escaped: '"', '\\', control characters, and < > & so that
 * the answer is safe inside a web page too, and U+2028/U+2029, which end a
 * JavaScript string literal where the answer is read as script (JSONP,
 * engines before ES2019). Bytes that are not UTF-8 (a
 * query can hold any, percent-encoded) become U+FFFD, one per maximal
 * subpart as browsers decode them: the answer is valid UTF-8 JSON (RFC
 * 8259 8.1) whatever the query held, and still says what was wrong. */
static void put_json(wr *w, const char *s, size_t n) {
  put(w, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    uint32_t cp;
    int l = c < 0x80 ? 1 : sv_utf8_char((const unsigned char *)s + i, n - i, &cp);
    if (l < 0) {
      puts_(w, "\\ufffd");
      i += (size_t)-l - 1;
    } else if (l > 1) {
      if (cp == 0x2028 || cp == 0x2029)
        puts_(w, cp == 0x2028 ? "\\u2028" : "\\u2029");
      else
        put(w, s + i, (size_t)l);
      i += (size_t)l - 1;
    } else if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      put(w, e, 2);
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
      char e[8];
      snprintf(e, sizeof e, "\\u%04x", c);
      put(w, e, 6);
    } else {
      put(w, s + i, 1);
    }
  }
  put(w, "\"", 1);
}

/* The decoded value of a query parameter (first occurrence); -1 when absent,
 * -2 when malformed (bad escape, NUL, too long). */
static int query_param(const char *q, size_t len, const char *name, char *out, size_t max) {
  size_t nl = strlen(name);
  for (size_t i = 0; i <= len;) {
    size_t e = i;
    while (e < len && q[e] != '&')
      e++;
    const char *eq = memchr(q + i, '=', e - i);
    size_t kl = eq ? (size_t)(eq - q) - i : e - i;
    if (sv_eq_ci(q + i, kl, name, nl)) {
      size_t o = 0;
      for (const char *c = eq ? eq + 1 : q + e; c < q + e; c++) {
        int ch = (unsigned char)*c;
        if (ch == '%') {
          if (c + 2 >= q + e || sv_hexval((unsigned char)c[1]) < 0 || sv_hexval((unsigned char)c[2]) < 0)
            return -2;
          ch = sv_hexval((unsigned char)c[1]) * 16 + sv_hexval((unsigned char)c[2]);
          c += 2;
        } else if (ch == '+') {
          ch = ' ';
        }
        if (ch == 0 || o >= max)
          return -2;
        out[o++] = (char)ch;
      }
      out[o] = '\0';
      return 0;
    }
    i = e + 1;
  }
  return -1;
}

static void json_error(wr *w, const char *code, const char *msg) {
  puts_(w, "{\"ErrorCode\":");
  put_json(w, code, strlen(code));
  puts_(w, ",\"ErrorMessage\":");
  put_json(w, msg, strlen(msg));
  puts_(w, "}");
}

/* The longest autodiscover.json path read (decoded); a longer one gets 400. */
#define JSON_PATH_MAX 2048

/* The path-form address of an autodiscover.json request target
 * (".../autodiscover.json/v1.0/<address>", as Outlook 2016 and later ask
 * first): *state is 0 and addr holds the percent-decoded address, -1 when
 * the path has no address (".../autodiscover.json[/]" or ".../v1.0[/]"), -2
 * when it is not an autodiscover.json path, or its address is malformed or
 * followed by more segments. The path is decoded once, before it is split,
 * as IIS routes it: an encoded '/' makes one more segment and is refused. */
static void json_path_address(const char *path, size_t len, char *addr, size_t max, int *state) {
  static const char seg[] = "/autodiscover.json", ver[] = "/v1.0";
  char dec[JSON_PATH_MAX + 1];
  size_t n = 0;
  *state = -2;
  for (size_t i = 0; i < len; i++) {
    int ch = (unsigned char)path[i];
    if (ch == '%') {
      if (i + 2 >= len || sv_hexval((unsigned char)path[i + 1]) < 0 ||
          sv_hexval((unsigned char)path[i + 2]) < 0)
        return;
      ch = sv_hexval((unsigned char)path[i + 1]) * 16 + sv_hexval((unsigned char)path[i + 2]);
      i += 2;
    }
    if (ch == 0 || n == JSON_PATH_MAX)
      return;
    dec[n++] = (char)ch;
  }
  /* The first whole segment named autodiscover.json, in any case. */
  const size_t sl = sizeof seg - 1, vl = sizeof ver - 1;
  size_t at = 0;
  for (;; at++) {
    if (at + sl > n)
      return;
    if (sv_eq_ci(dec + at, sl, seg, sl) && (at + sl == n || dec[at + sl] == '/'))
      break;
  }
  const char *r = dec + at + sl;
  size_t rl = n - at - sl;
  if (rl == 1 || (rl >= vl && sv_eq_ci(r, vl, ver, vl) && (rl == vl || rl == vl + 1)))
    rl = 0; /* a trailing '/', or the version without an address */
  if (!rl) {
    *state = -1;
    return;
  }
  if (rl <= vl + 1 || !sv_eq_ci(r, vl, ver, vl) || r[vl] != '/')
    return;
  r += vl + 1;
  rl -= vl + 1;
  if (rl > max || memchr(r, '/', rl))
    return; /* more segments after the address */
  memcpy(addr, r, rl);
  addr[rl] = '\0';
  *state = 0;
}

/* The JSON answer. With path_state 0, path_email is the address the path
 * carried and the Email parameter, if present, must be the same address;
 * -1: the path has none; -2: the path is malformed (400). */
static int json_answer(const sslvdir_policy *p, const char *query, size_t len,
                       const char *path_email, int path_state,
                       const sslvdir_autodiscover_params *params, char *out, size_t out_size,
                       size_t *out_len, int *http_status) {
  wr w = {out, out_size, 0};
  char email[SSLVDIR_AUTODISCOVER_MAX_EMAIL + 1], proto[64];
  int pr = query_param(query ? query : "", len, "Protocol", proto, sizeof proto - 1);
  int er = query_param(query ? query : "", len, "Email", email, sizeof email - 1);
  static const char *const protos[] = {"AutodiscoverV1", "ActiveSync", "Ews"};
  int which = -1;
  for (int i = 0; pr == 0 && i < 3; i++)
    if (sv_streq_ci(proto, protos[i]))
      which = i;
  const char *bad = NULL;
  if (path_state == -2) {
    bad = "The path is not autodiscover.json, alone or followed by /v1.0/ and an address.";
  } else if (path_state == 0) {
    /* Both forms: the same address (compared as the rules compare domains,
     * without case) or nothing. Answering for one of two addresses would be
     * a guess about which one the client meant. */
    if (er == -2 || (er == 0 && !sv_eq_ci(email, strlen(email), path_email, strlen(path_email))))
      bad = "The address in the path and the Email parameter disagree.";
    snprintf(email, sizeof email, "%s", path_email);
    er = 0;
  }
  size_t n = er == 0 ? strlen(email) : 0, d = n ? sv_ad_address_domain(email, n) : 0;
  *http_status = 400;
  if (bad) {
    json_error(&w, "InvalidRequest", bad);
    return finish_doc(&w, out_len);
  }
  if (pr == -1 || which < 0) {
    if (pr == -2)
      proto[0] = '\0';
    char msg[200];
    snprintf(msg, sizeof msg, "The given protocol value '%s' is invalid. Supported values are "
             "'AutodiscoverV1, ActiveSync, Ews'.", pr == 0 ? proto : "");
    json_error(&w, "InvalidProtocol", msg);
    return finish_doc(&w, out_len);
  }
  if (!d) {
    json_error(&w, "InvalidRequest", er == -1 ? "The Email parameter is missing."
                                              : path_state == 0 ? "The path does not hold an address."
                                              : "The Email parameter is not an address.");
    return finish_doc(&w, out_len);
  }
  const sv_ad_rule *r = find_rule(p, email + d, n - d);
  const sslvdir_site *s = r ? rule_site(p, r) : NULL;
  char url[URL_MAX] = "";
  if (r && r->action == SSLVDIR_AUTODISCOVER_ACTION_SETTINGS && s && s->canonical) {
    unsigned port = s->https_port ? s->https_port : 443;
    char ps[12] = "";
    if (port != 443)
      snprintf(ps, sizeof ps, ":%u", port);
    if (which == 0)
      snprintf(url, sizeof url, "https://%s%s/Autodiscover/Autodiscover.xml", s->canonical, ps);
    else if (which == 1)
      service_url(s, SSLVDIR_KIND_EAS, "/Microsoft-Server-ActiveSync", params->side, "", url);
    else
      service_url(s, SSLVDIR_KIND_EWS, "/EWS", params->side, "/Exchange.asmx", url);
  } else if (r && r->action == SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_URL && which == 0) {
    snprintf(url, sizeof url, "%s", r->target);
  } else if (r && r->action == SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR && which == 0) {
    snprintf(url, sizeof url, "https://autodiscover.%s/Autodiscover/Autodiscover.xml", r->target);
  }
  if (!url[0]) {
    *http_status = 404;
    json_error(&w, "NotFound", "The e-mail address cannot be found.");
    return finish_doc(&w, out_len);
  }
  *http_status = 200;
  puts_(&w, "{\"Protocol\":");
  put_json(&w, protos[which], strlen(protos[which]));
  puts_(&w, ",\"Url\":");
  put_json(&w, url, strlen(url));
  puts_(&w, "}");
  return finish_doc(&w, out_len);
}

/* Before any check of a JSON call: 500, as a server answers a request it
 * failed to process, so that a caller that misses the error does not send
 * the status of the previous answer; and no length. */
static void json_clear(int *http_status, size_t *out_len) {
  if (http_status)
    *http_status = 500;
  if (out_len)
    *out_len = 0;
}

SSLVDIR_EXTERN int sslvdir_autodiscover_json(const sslvdir_policy *p, const char *query,
                                             size_t len, const sslvdir_autodiscover_params *params,
                                             int *http_status, char *out, size_t out_size,
                                             size_t *out_len) {
  json_clear(http_status, out_len);
  if (!p || (!query && len) || !http_status || check_out(params, out, out_size, out_len))
    return SSLVDIR_E_INVALID_ARGUMENT;
  return json_answer(p, query, len, NULL, -1, params, out, out_size, out_len, http_status);
}

SSLVDIR_EXTERN int sslvdir_autodiscover_json_target(const sslvdir_policy *p, const char *target,
                                                    size_t len,
                                                    const sslvdir_autodiscover_params *params,
                                                    int *http_status, char *out, size_t out_size,
                                                    size_t *out_len) {
  json_clear(http_status, out_len);
  if (!p || (!target && len) || !http_status || check_out(params, out, out_size, out_len))
    return SSLVDIR_E_INVALID_ARGUMENT;
  const char *t = target ? target : "";
  const char *q = memchr(t, '?', len);
  size_t pl = q ? (size_t)(q - t) : len;
  char addr[SSLVDIR_AUTODISCOVER_MAX_EMAIL + 1];
  int state;
  json_path_address(t, pl, addr, sizeof addr - 1, &state);
  return json_answer(p, q ? q + 1 : "", q ? len - pl - 1 : 0, addr, state, params, out, out_size,
                     out_len, http_status);
}
