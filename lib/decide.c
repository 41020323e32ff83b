/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The per-request decision. Reads the policy only; no allocation, no lock,
 * no I/O: everything lives on the stack (a few KiB) or in the caller's
 * decision (small: the Location is written later, on demand).
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "internal.h"

/* decide.h promises callers a decision of at most this size (they may put
 * it on a small stack); a field added beyond it fails the build here. */
_Static_assert(sizeof(sslvdir_decision) <= SSLVDIR_DECISION_MAX_SIZE,
               "sslvdir_decision outgrew SSLVDIR_DECISION_MAX_SIZE");

static void trim(const char **s, size_t *n) {
  while (*n && (**s == ' ' || **s == '\t')) {
    (*s)++;
    (*n)--;
  }
  while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
    (*n)--;
}

/* Offloader headers: 1 = says https, 0 = absent, -1 = says anything else. */
static int header_says(const char *v, size_t n, const char *yes) {
  if (!v)
    return 0;
  trim(&v, &n);
  return sv_eq_ci(v, n, yes, strlen(yes)) ? 1 : -1;
}

static void finish(sslvdir_decision *d, int reason, int status) {
  int st = 403, sub = -1;
  if (sslvdir_reason_status(reason, &st, &sub) != SSLVDIR_OK) /* cannot happen: reasons are ours */
    st = 403, sub = -1;
  d->reason = reason;
  d->status = status ? status : st;
  d->substatus = sub;
}

static void deny(sslvdir_decision *d, int reason) {
  d->action = SSLVDIR_ACTION_DENY;
  finish(d, reason, 0);
}

/* Bytes a URI cannot hold as they are (RFC 3986): controls, space, non-ASCII
 * and " < > \ ^ ` { | }. Raw control bytes never get this far; the others may
 * stand in a raw query, and are encoded so that a Location is safe to echo. */
#define URI_UNSAFE(c) ((c) <= 0x20 || (c) >= 0x7f || (c) == '"' || (c) == '<' || (c) == '>' || \
                       (c) == '\\' || (c) == '^' || (c) == '`' || (c) == '{' || (c) == '|' || (c) == '}')
static const unsigned char uri_unsafe[256] = {SV_R256(URI_UNSAFE)};

/* Appends n bytes of s to the Location at offset o, lower-cased (how < 0:
 * the request's host), as they are (how 0) or percent-encoding what a URI
 * cannot hold (how > 0); buf NULL only counts. Returns the new offset. */
static size_t put(char *buf, size_t o, const char *s, size_t n, int how) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (how > 0 && uri_unsafe[c]) {
      if (buf) {
        buf[o] = '%';
        buf[o + 1] = hex[c >> 4];
        buf[o + 2] = hex[c & 15];
      }
      o += 3;
    } else {
      if (buf)
        buf[o] = (char)(how < 0 ? sv_lower(c) : c);
      o++;
    }
  }
  return o;
}

/* The key size of a request that a trusted offloader says was TLS. Load
 * balancers forward X-Forwarded-Proto and nothing about the cipher, so what
 * is known comes from the offloader: the cipher header if it sent one that
 * parses (a cipher suite name through the cipher table, so RC4 counts 0 and
 * triple DES 112, or a plain number of bits), else the minimum it enforces,
 * else what the caller knew (0, unknown, leaves Ssl128 at 403.5). A header
 * that does not parse is not a guarantee: it falls back, never up. */
/* One copy's key size, or fallback when it does not parse. */
static unsigned cipher_copy_bits(const char *e, size_t en, unsigned fallback) {
  trim(&e, &en);
  if (!en)
    return fallback;
  size_t i = 0;
  unsigned long num = 0;
  while (i < en && i < 4 && e[i] >= '0' && e[i] <= '9')
    num = num * 10 + (unsigned long)(e[i++] - '0');
  if (i == en)
    return num <= 256 ? (unsigned)num : 0; /* over 256 bits is no real cipher */
  unsigned b;
  return sslvdir_tls_cipher_bits(e, en, &b) == SSLVDIR_OK ? b : fallback;
}

static unsigned offloaded_bits(const sv_net *off, const sslvdir_request *r, unsigned known) {
  unsigned fallback = off->min_cipher_bits ? off->min_cipher_bits : known;
  const char *v = r->version >= 2 ? r->offload_cipher : NULL;
  if (!v || !off->cipher_header[0])
    return fallback;
  /* Several copies of the header (joined with commas, HTTP's list rule, as
   * proxies hand them on) count as the weakest: a copy that says RC4 is
   * not outweighed by one that says AES. */
  const char *end = v + r->offload_cipher_len;
  unsigned least = UINT_MAX;
  for (;;) {
    const char *comma = memchr(v, ',', (size_t)(end - v));
    const char *stop = comma ? comma : end;
    unsigned b = cipher_copy_bits(v, (size_t)(stop - v), fallback);
    if (b < least)
      least = b;
    if (!comma)
      return least;
    v = comma + 1;
  }
}

/* The Location of a redirect: "https://" + host + ":port" unless 443 + the
 * raw path and query of t, percent-encoding what a URI cannot hold (raw
 * path and query are ASCII without control bytes or spaces: refused before
 * we get here). The host is written in lower case when lower says so (the
 * https redirect's; the Autodiscover redirect's as configured). sslvdir_decide() calls this
 * with buf NULL to learn the length, sslvdir_decision_location() to write
 * it (and its NUL, into location_len + 1 bytes): one function, so that the
 * two cannot differ. */
static size_t location(char *buf, const char *host, size_t hl, int lower, unsigned port,
                       const sv_target *t) {
  size_t o = put(buf, 0, "https://", 8, 0);
  o = put(buf, o, host, hl, lower ? -1 : 0);
  if (port != 443) {
    char rev[10];
    size_t k = 0;
    do {
      rev[k++] = (char)('0' + port % 10);
      port /= 10;
    } while (port);
    o = put(buf, o, ":", 1, 0);
    while (k)
      o = put(buf, o, &rev[--k], 1, 0);
  }
  o = put(buf, o, t->path, t->path_len, 1);
  if (t->query) {
    o = put(buf, o, "?", 1, 0);
    o = put(buf, o, t->query, t->query_len, 1);
  }
  if (buf)
    buf[o] = '\0';
  return o;
}

/* The port-80 Autodiscover site of the Exchange 2007 Client Access and SSL
 * white paper: one file, redirected. */
static const char ad_path[] = "/autodiscover/autodiscover.xml";
static const sv_target ad_target = {ad_path, sizeof ad_path - 1, NULL, 0, NULL, 0, 0};

/* A decision that forwards nothing: a deny with the given status, no
 * reason, no site, no headers. decide starts from it (status 0, filled in
 * below); a call decide cannot answer (no policy, no request, a request
 * version it does not know) ends with it as a 500, as IIS answers a request
 * it failed to process, so that a proxy reusing one decision per connection
 * that misses the return code does not forward on the previous allow. */
static void deny_nothing(sslvdir_decision *d, int status) {
  d->action = SSLVDIR_ACTION_DENY;
  d->status = status;
  d->substatus = -1;
  d->reason = SSLVDIR_R_NONE;
  d->upstream = SSLVDIR_UPSTREAM_AUTO;
  d->tls = 0;
  d->site = NULL;
  d->vdir = NULL;
  d->remove_headers = 0;
  d->set_headers = 0;
  d->x_forwarded_proto = NULL;
  d->front_end_https = NULL;
  d->path_len = 0;
  d->location_len = 0;
}

SSLVDIR_EXTERN int sslvdir_decide(const sslvdir_policy *p, const sslvdir_request *r,
                                  sslvdir_decision *d) {
  /* An unknown decision version is not written: where its fields are is
   * unknown. Exact while version 2 is the only layout (1 was never
   * released); when a later version appears this becomes a range: every
   * version from the first released to the current one is accepted, and
   * only the fields of the caller's version are written. */
  if (!d || d->version != SSLVDIR_DECISION_VERSION)
    return SSLVDIR_E_INVALID_ARGUMENT;
  /* Requests: a range already. Version 1 ends before offload_cipher, which
   * is never read for it. */
  if (!p || !r || r->version < 1 || r->version > SSLVDIR_REQUEST_VERSION) {
    deny_nothing(d, 500);
    return SSLVDIR_E_INVALID_ARGUMENT;
  }
  deny_nothing(d, 0);

  /* Trust first: client copies of the offload headers go unless the peer is ours. */
  const sv_net *off = sv_policy_offloader_for(p, r->peer, r->peer_len);
  int trusted = off != NULL;
  d->remove_headers =
      trusted ? 0 : (SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO | SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS |
                     (p->cipher_header ? SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER : 0));

  if (!r->method || !r->method_len || r->method_len > 32) {
    deny(d, SSLVDIR_R_BAD_METHOD);
    return SSLVDIR_OK;
  }
  for (size_t i = 0; i < r->method_len; i++)
    if (!sv_is_tchar((unsigned char)r->method[i])) {
      deny(d, SSLVDIR_R_BAD_METHOD);
      return SSLVDIR_OK;
    }

  sv_target t;
  int reason = sv_target_split(r->target, r->target_len, &t);
  if (reason) {
    deny(d, reason);
    return SSLVDIR_OK;
  }

  /* The site: by the absolute-form authority, else by Host. */
  const char *hraw = t.authority ? t.authority : r->host;
  size_t hraw_len = t.authority ? t.authority_len : r->host_len;
  size_t host_len = 0;
  const sslvdir_site *site = NULL;
  int in_namespace = 0;
  if (hraw && hraw_len) {
    uint32_t hh;
    if (sv_host_check(hraw, hraw_len, &host_len, &hh)) {
      deny(d, SSLVDIR_R_BAD_HOST);
      return SSLVDIR_OK;
    }
    /* HTTP.sys does not drop the root's trailing dot: "mail.contoso.com."
     * matches no host-named binding and gets HTTP.sys's 400 "Invalid
     * Hostname" (doc/decisions.md). The same 400 here: holding it to the
     * first site's rules instead could pick a site more lenient than the
     * named one. */
    if (sv_host_rooted(hraw, hraw_len, host_len)) {
      deny(d, SSLVDIR_R_BAD_HOST);
      return SSLVDIR_OK;
    }
    site = sv_policy_lookup_host_hash(p, hraw, host_len, hh);
    in_namespace = site != NULL;
  }
  if (!site) {
    /* IIS gives a Host that no binding names to the site bound without a
     * host name; where there is none, HTTP.sys answers 400 "Invalid
     * Hostname" itself (doc/decisions.md). */
    if (p->default_site < 0) {
      deny(d, SSLVDIR_R_BAD_HOST);
      return SSLVDIR_OK;
    }
    site = &p->sites[p->default_site];
  }

  /* Is this TLS? At our listener, or through a trusted offloader that says so
   * without contradicting itself. */
  int tls = r->scheme == SSLVDIR_SCHEME_HTTPS;
  unsigned bits = r->cipher_bits;
  if (!tls && trusted) {
    int xfp = header_says(r->x_forwarded_proto, r->x_forwarded_proto_len, "https");
    int feh = header_says(r->front_end_https, r->front_end_https_len, "on");
    tls = (xfp > 0 || feh > 0) && xfp >= 0 && feh >= 0;
    if (tls)
      bits = offloaded_bits(off, r, bits);
  }

  /* The port-80 redirector is bound to port 80 only: over TLS its host
   * names reach the server's TLS site (the site its redirect names, else
   * the default site; the builder chose), or none (400, as HTTP.sys). */
  if (site->ad_redirect && tls) {
    site = site->ad_tls_site;
    in_namespace = 0;
    if (!site) {
      deny(d, SSLVDIR_R_BAD_HOST);
      return SSLVDIR_OK;
    }
  }
  d->site = site;

  /* The vdir is matched with the normalised path, at most SSLVDIR_MAX_URL
   * bytes (lib/internal.h says why), not with its percent-encoded form, which
   * can be three times as long: the stack holds one raw path's worth. */
  char norm[SV_NORM_BUFSZ];
  size_t nn;
  if (t.asterisk) {
    memcpy(norm, "*", 2);
    nn = d->path_len = 1;
  } else {
    reason = sv_path_norm(t.path, t.path_len, norm, &nn, &d->path_len);
    if (reason) {
      d->path_len = 0;
      deny(d, reason);
      return SSLVDIR_OK;
    }
  }
  const sslvdir_vdir *v = sv_site_match(site, norm, nn, d->path_len == nn);
  d->vdir = v;
  d->upstream = v ? v->upstream : SSLVDIR_UPSTREAM_OFFLOAD;

  /* The Autodiscover file: its name is all characters a canonical path
   * keeps as they are, so the normalised path is it exactly when the
   * canonical one is. */
  if (site->ad_redirect && nn == sizeof ad_path - 1 &&
      sv_eq_ci(norm, nn, ad_path, sizeof ad_path - 1)) {
    int get_or_head = (r->method_len == 3 && !memcmp(r->method, "GET", 3)) ||
                      (r->method_len == 4 && !memcmp(r->method, "HEAD", 4));
    size_t n = location(NULL, site->ad_redirect, strlen(site->ad_redirect), 0,
                        site->ad_redirect_port, &ad_target);
    if (get_or_head && n < SSLVDIR_LOCATION_BUFSZ) {
      d->location_len = n;
      d->action = SSLVDIR_ACTION_REDIRECT;
      finish(d, SSLVDIR_R_AUTODISCOVER_REDIRECT, 302);
      return SSLVDIR_OK;
    }
    deny(d, SSLVDIR_R_SSL_REQUIRED);
    return SSLVDIR_OK;
  }
  /* It has no content of its own (an empty site with an HTTP redirect):
   * nothing else on it reaches the backend over plain HTTP. */
  if (site->ad_redirect) {
    deny(d, SSLVDIR_R_SSL_REQUIRED);
    return SSLVDIR_OK;
  }

  d->tls = tls;

  unsigned edge = v ? v->edge : 0;
  if (edge & (SSLVDIR_SSL | SSLVDIR_SSL_128 | SSLVDIR_SSL_REQUIRE_CERT)) {
    if (!tls) {
      int get_or_head = (r->method_len == 3 && !memcmp(r->method, "GET", 3)) ||
                        (r->method_len == 4 && !memcmp(r->method, "HEAD", 4));
      /* The request's host when it is in the site's namespace, else the
       * canonical host; none, or a Location too long to send: 403.4. */
      const char *h = in_namespace ? hraw : site->canonical;
      size_t hl = in_namespace ? host_len : h ? strlen(h) : 0;
      size_t n = SIZE_MAX;
      if (v->redirect && get_or_head && h && !t.asterisk)
        n = location(NULL, h, hl, 1, site->https_port, &t);
      if (n < SSLVDIR_LOCATION_BUFSZ) {
        d->location_len = n;
        d->action = SSLVDIR_ACTION_REDIRECT;
        finish(d, SSLVDIR_R_REDIRECT_HTTPS, v->redirect);
        return SSLVDIR_OK;
      }
      deny(d, SSLVDIR_R_SSL_REQUIRED);
      return SSLVDIR_OK;
    }
    if ((edge & SSLVDIR_SSL_128) && bits < 128) {
      deny(d, SSLVDIR_R_SSL128_REQUIRED);
      return SSLVDIR_OK;
    }
  }
  if (edge & (SSLVDIR_SSL_NEGOTIATE_CERT | SSLVDIR_SSL_REQUIRE_CERT | SSLVDIR_SSL_MAP_CERT)) {
    switch (r->client_cert) {
    case SSLVDIR_CERT_STATUS_OK:
      break;
    case SSLVDIR_CERT_STATUS_NONE:
      if (edge & SSLVDIR_SSL_REQUIRE_CERT) {
        deny(d, SSLVDIR_R_CERT_REQUIRED);
        return SSLVDIR_OK;
      }
      break;
    case SSLVDIR_CERT_STATUS_UNTRUSTED:
      deny(d, SSLVDIR_R_CERT_UNTRUSTED);
      return SSLVDIR_OK;
    case SSLVDIR_CERT_STATUS_EXPIRED:
      deny(d, SSLVDIR_R_CERT_EXPIRED);
      return SSLVDIR_OK;
    case SSLVDIR_CERT_STATUS_REVOKED:
      deny(d, SSLVDIR_R_CERT_REVOKED);
      return SSLVDIR_OK;
    default: /* an unknown status is not a valid certificate */
      deny(d, SSLVDIR_R_CERT_UNTRUSTED);
      return SSLVDIR_OK;
    }
  }
  d->action = SSLVDIR_ACTION_ALLOW;
  finish(d, edge ? SSLVDIR_R_ALLOWED : SSLVDIR_R_NO_TLS_REQUIRED, 0);
  if (d->upstream == SSLVDIR_UPSTREAM_OFFLOAD) {
    d->set_headers = SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO;
    d->x_forwarded_proto = tls ? "https" : "http";
    if (tls) {
      d->set_headers |= SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS;
      d->front_end_https = "On";
    }
  }
  return SSLVDIR_OK;
}

/* Writes again what sslvdir_decide() measured, from the same inputs: the
 * decision's site (its host names, canonical host and ports live in the
 * policy) and the request (its host and target). */
SSLVDIR_EXTERN int sslvdir_decision_location(const sslvdir_decision *d, const sslvdir_request *r,
                                             char *out, size_t out_size, size_t *out_len) {
  /* The empty Location first, so that no error leaves the previous
   * redirect's in a reused buffer. */
  if (out_len)
    *out_len = 0;
  if (out && out_size)
    out[0] = '\0';
  /* The decision's version check is exact while version 2 is its only
   * layout; it becomes a range when a later version appears, as in
   * sslvdir_decide(). */
  if (!d || !r || (!out && out_size) || d->version != SSLVDIR_DECISION_VERSION || r->version < 1 ||
      r->version > SSLVDIR_REQUEST_VERSION)
    return SSLVDIR_E_INVALID_ARGUMENT;
  const sslvdir_site *site = d->site;
  size_t n = 0;
  const char *h = NULL;
  size_t hl = 0;
  int lower = 1;
  unsigned port = 0;
  sv_target t;
  const sv_target *tp = &t;
  if (d->action != SSLVDIR_ACTION_REDIRECT) {
    if (d->location_len)
      return SSLVDIR_E_INVALID_ARGUMENT;
  } else if (!site) {
    return SSLVDIR_E_INVALID_ARGUMENT;
  } else if (d->reason == SSLVDIR_R_AUTODISCOVER_REDIRECT) {
    if (!site->ad_redirect)
      return SSLVDIR_E_INVALID_ARGUMENT;
    h = site->ad_redirect;
    hl = strlen(h);
    lower = 0;
    port = site->ad_redirect_port;
    tp = &ad_target;
  } else if (d->reason == SSLVDIR_R_REDIRECT_HTTPS) {
    if (sv_target_split(r->target, r->target_len, &t) || t.asterisk)
      return SSLVDIR_E_INVALID_ARGUMENT;
    /* As sslvdir_decide() chose: the host it looked up is in the policy's
     * host table exactly when it is one of the chosen site's names. */
    const char *hraw = t.authority ? t.authority : r->host;
    size_t hraw_len = t.authority ? t.authority_len : r->host_len;
    uint32_t hh;
    if (hraw && hraw_len && !sv_host_check(hraw, hraw_len, &hl, &hh) &&
        sv_site_has_host(site, hraw, hl)) {
      h = hraw;
    } else {
      h = site->canonical;
      hl = h ? strlen(h) : 0;
    }
    if (!h)
      return SSLVDIR_E_INVALID_ARGUMENT;
    port = site->https_port;
  } else {
    return SSLVDIR_E_INVALID_ARGUMENT;
  }
  if (h) {
    n = location(NULL, h, hl, lower, port, tp);
    if (n != d->location_len) /* not the request this decision was made for */
      return SSLVDIR_E_INVALID_ARGUMENT;
  }
  if (out_len)
    *out_len = n;
  if (n >= out_size)
    return SSLVDIR_E_BUFFER_TOO_SMALL;
  if (h)
    location(out, h, hl, lower, port, tp);
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN const char *sslvdir_action_name(int action) {
  switch (action) {
  case SSLVDIR_ACTION_ALLOW: return "allow";
  case SSLVDIR_ACTION_REDIRECT: return "redirect";
  case SSLVDIR_ACTION_DENY: return "deny";
  default: return NULL;
  }
}

SSLVDIR_EXTERN const char *sslvdir_request_header_name(unsigned bit) {
  switch (bit) {
  case SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO: return "X-Forwarded-Proto";
  case SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS: return "Front-End-Https";
  default: return NULL;
  }
}
