/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Building a policy from code. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "url.h"

#define SITE_NAME_MAX 256
#define URL_MAX 2048

SSLVDIR_EXTERN int sslvdir_builder_new(sslvdir_builder **out, sslvdir_error *err) {
  if (!out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL argument");
  sslvdir_builder *b = sv_calloc(1, sizeof *b);
  if (!b || sslvdir_settings_new(&b->settings, NULL)) {
    sv_free(b);
    *out = NULL;
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  *out = b;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN void sslvdir_builder_free(sslvdir_builder *b) {
  if (!b)
    return;
  for (size_t i = 0; i < b->nsites; i++)
    sv_site_clear(&b->sites[i]);
  sv_free(b->sites);
  sv_ix_free(&b->site_ix);
  sv_free(b->hosts);
  sv_ix_free(&b->host_ix);
  sslvdir_settings_free(b->settings);
  sv_free(b->offloaders);
  sv_ix_free(&b->offloader_ix);
  sv_ad_config_clear(&b->ad);
  sv_free(b);
}

SSLVDIR_EXTERN int sslvdir_builder_set_exchange_version(sslvdir_builder *b, unsigned version,
                                                        sslvdir_error *err) {
  if (!b)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL");
  int rc = sv_exchange_version_check(version, NULL, err);
  if (rc)
    return rc;
  b->exchange_version = version;
  return SSLVDIR_OK;
}

/* The keys of the builder's indexes. */
static const char *site_name_of(const void *base, size_t i) {
  return ((const sslvdir_builder *)base)->sites[i].name;
}
static const char *host_name_of(const void *base, size_t i) {
  const sslvdir_builder *b = base;
  return b->sites[b->hosts[i].site].hosts[b->hosts[i].host];
}
static const char *offloader_text_of(const void *base, size_t i) {
  return ((const sslvdir_builder *)base)->offloaders[i].text;
}
static const char *vdir_key_of(const void *base, size_t i) {
  return ((const sslvdir_site *)base)->vdirs[i].key;
}

sslvdir_site *sv_builder_find_site(sslvdir_builder *b, const char *name) {
  long i = sv_ix_find(&b->site_ix, name, strlen(name), 1, site_name_of, b);
  return i < 0 ? NULL : &b->sites[i];
}

/* The vdir of a builder's site by canonical path, any case. */
static sslvdir_vdir *site_vdir(sslvdir_site *s, const char *canon) {
  long i = sv_ix_find(&s->vdir_ix, canon, strlen(canon), 1, vdir_key_of, s);
  return i < 0 ? NULL : &s->vdirs[i];
}

sslvdir_vdir *sv_builder_find_vdir(sslvdir_builder *b, const char *site, const char *canon) {
  sslvdir_site *s = sv_builder_find_site(b, site);
  return s ? site_vdir(s, canon) : NULL;
}

int sv_builder_set_default_site(sslvdir_builder *b, const char *name) {
  long i = name ? sv_ix_find(&b->site_ix, name, strlen(name), 1, site_name_of, b) : -1;
  if (name && i < 0)
    return SSLVDIR_E_NOT_FOUND;
  b->default_site = i;
  return SSLVDIR_OK;
}

static int get_site(sslvdir_builder *b, const char *name, sslvdir_site **out, sslvdir_error *err) {
  if (!b || !name)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL argument");
  *out = sv_builder_find_site(b, name);
  if (!*out)
    return sv_err(err, SSLVDIR_E_NOT_FOUND, "no site named '%.256s'", name);
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_add_site(sslvdir_builder *b, const char *name,
                                            sslvdir_error *err) {
  if (!b || !name)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL argument");
  size_t n = strlen(name);
  if (n == 0 || n > SITE_NAME_MAX)
    return sv_err(err, SSLVDIR_E_SYNTAX, "site name must be 1 to %d bytes", SITE_NAME_MAX);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f || name[i] == '/' || name[i] == '\\')
      return sv_err_at(err, SSLVDIR_E_SYNTAX, 0, (unsigned)i + 1, i,
                       "site name '%.256s' holds '/', '\\' or a control character", name);
  if (sv_builder_find_site(b, name))
    return sv_err(err, SSLVDIR_E_DUPLICATE, "site '%.256s' already exists", name);
  if (sv_grow((void **)&b->sites, &b->capsites, b->nsites + 1, sizeof *b->sites))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  sslvdir_site *s = &b->sites[b->nsites];
  memset(s, 0, sizeof *s);
  if (!(s->name = sv_strdup(name)))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  if (sv_ix_add(&b->site_ix, b->nsites, site_name_of, b)) {
    sv_free(s->name);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  s->https_port = 443;
  b->nsites++;
  return SSLVDIR_OK;
}

sslvdir_site *sv_builder_host_owner(sslvdir_builder *b, const char *host) {
  long i = sv_ix_find(&b->host_ix, host, strlen(host), 0, host_name_of, b);
  return i < 0 ? NULL : &b->sites[b->hosts[i].site];
}

static int add_host(sslvdir_builder *b, sslvdir_site *s, const char *host, char *norm,
                    sslvdir_error *err) {
  size_t n;
  if (!host || sv_host_normalize(host, strlen(host), norm, &n, 0))
    return sv_err(err, SSLVDIR_E_SYNTAX,
                  "'%.260s' is not a host name (letters, digits, '-', '.', at most 253 bytes, no port)",
                  host ? host : "(null)");
  sslvdir_site *owner = sv_builder_host_owner(b, norm);
  if (owner && owner != s)
    return sv_err(err, SSLVDIR_E_DUPLICATE, "host '%s' already belongs to site '%s'", norm,
                  owner->name);
  if (owner)
    return SSLVDIR_OK;
  char *copy = sv_strdup(norm);
  if (!copy || sv_grow((void **)&s->hosts, &s->caphosts, s->nhosts + 1, sizeof *s->hosts) ||
      sv_grow((void **)&b->hosts, &b->caphosts, b->nhosts + 1, sizeof *b->hosts)) {
    sv_free(copy);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  s->hosts[s->nhosts] = copy;
  b->hosts[b->nhosts] = (sv_hostref){(uint32_t)(s - b->sites), (uint32_t)s->nhosts};
  if (sv_ix_add(&b->host_ix, b->nhosts, host_name_of, b)) {
    sv_free(copy);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  s->nhosts++;
  b->nhosts++;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_add_host(sslvdir_builder *b, const char *site, const char *host,
                                            sslvdir_error *err) {
  sslvdir_site *s;
  char norm[SV_HOST_MAX + 3];
  int rc = get_site(b, site, &s, err);
  if (rc || (rc = add_host(b, s, host, norm, err)))
    return rc;
  if (!s->canonical && !(s->canonical = sv_strdup(norm)))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_set_canonical_host(sslvdir_builder *b, const char *site,
                                                      const char *host, unsigned port,
                                                      sslvdir_error *err) {
  sslvdir_site *s;
  char norm[SV_HOST_MAX + 3];
  int rc = get_site(b, site, &s, err);
  if (rc)
    return rc;
  if (port == 0 || port > 65535)
    return sv_err(err, SSLVDIR_E_RANGE, "https port %u out of range (1 to 65535)", port);
  if ((rc = add_host(b, s, host, norm, err)))
    return rc;
  char *c = sv_strdup(norm);
  if (!c)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  sv_free(s->canonical);
  s->canonical = c;
  s->https_port = port;
  return SSLVDIR_OK;
}

/* Canonicalises a vdir path; the result has no trailing '/' except the root. */
static int vdir_path(const char *path, char *out, size_t *out_len, sslvdir_error *err) {
  if (!path)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "vdir: NULL path");
  size_t len = strlen(path);
  if (len == 0 || path[0] != '/')
    return sv_err(err, SSLVDIR_E_SYNTAX, "vdir path '%.256s' must start with '/'", path);
  if (strchr(path, ';') || strchr(path, '?'))
    return sv_err(err, SSLVDIR_E_SYNTAX, "vdir path '%.256s' must not hold ';' or '?'", path);
  sv_target t;
  int r = sv_target_split(path, len, &t);
  if (!r)
    r = sv_path_canon(t.path, t.path_len, out, SSLVDIR_PATH_BUFSZ, out_len);
  if (r)
    return sv_err(err, SSLVDIR_E_SYNTAX, "vdir path '%.256s' is refused: %s", path,
                  r > 0 ? sslvdir_reason_string(r) : "too long");
  for (size_t i = 0; i + 1 < *out_len; i++)
    if (out[i] == '%' && out[i + 1] >= '8')
      return sv_err(err, SSLVDIR_E_SYNTAX, "vdir path '%.256s' must be ASCII", path);
  /* Escaped too (%3b, %u003b): IIS reads ';' as part of a name, but a layer
   * in front of it may cut there, so a vdir named so would be read two ways. */
  if (memchr(out, ';', *out_len))
    return sv_err(err, SSLVDIR_E_SYNTAX, "vdir path '%.256s' must not hold ';' or '?'", path);
  if (*out_len > 1 && out[*out_len - 1] == '/')
    out[--*out_len] = '\0';
  return SSLVDIR_OK;
}

static int find_vdir(sslvdir_builder *b, const char *site, const char *path, sslvdir_vdir **out,
                     sslvdir_error *err) {
  sslvdir_site *s;
  char canon[SSLVDIR_PATH_BUFSZ];
  size_t n;
  int rc = get_site(b, site, &s, err);
  if (rc || (rc = vdir_path(path, canon, &n, err)))
    return rc;
  if ((*out = site_vdir(s, canon)))
    return SSLVDIR_OK;
  return sv_err(err, SSLVDIR_E_NOT_FOUND, "site '%.256s' has no vdir '%.256s'", site, path);
}

/* The vdir that path names in any spelling the builder takes ("/OWA",
 * "/owa/.", "/owa/"), or NULL; *site_ix and *vdir_ix are its indexes, which
 * stay valid while the builder grows. */
sslvdir_vdir *sv_builder_vdir_by_path(sslvdir_builder *b, const char *site, const char *path,
                                      size_t *site_ix, size_t *vdir_ix) {
  sslvdir_vdir *v;
  if (find_vdir(b, site, path, &v, NULL))
    return NULL;
  const sslvdir_site *s = sv_builder_find_site(b, site);
  *site_ix = (size_t)(s - b->sites);
  *vdir_ix = (size_t)(v - s->vdirs);
  return v;
}

SSLVDIR_EXTERN int sslvdir_builder_add_vdir(sslvdir_builder *b, const char *site, const char *path,
                                            sslvdir_kind kind, sslvdir_error *err) {
  sslvdir_site *s;
  char canon[SSLVDIR_PATH_BUFSZ];
  size_t n;
  int rc = get_site(b, site, &s, err);
  if (rc || (rc = vdir_path(path, canon, &n, err)))
    return rc;
  if (!sslvdir_kind_name(kind))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "vdir: unknown kind %d", (int)kind);
  if (site_vdir(s, canon))
    return sv_err(err, SSLVDIR_E_DUPLICATE, "site '%.256s' already has vdir '%s'", site, canon);
  char *p = sv_strdup(canon), *k = sv_strdup(canon);
  if (!p || !k || sv_grow((void **)&s->vdirs, &s->capvdirs, s->nvdirs + 1, sizeof *s->vdirs)) {
    sv_free(p);
    sv_free(k);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  for (char *c = k; *c; c++)
    *c = (char)sv_lower((unsigned char)*c);
  sslvdir_vdir *v = &s->vdirs[s->nvdirs];
  memset(v, 0, sizeof *v);
  v->path = p;
  v->key = k;
  v->kind = kind;
  if (sv_ix_add(&s->vdir_ix, s->nvdirs, vdir_key_of, s)) {
    sv_free(p);
    sv_free(k);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  s->nvdirs++;
  return SSLVDIR_OK;
}

/* Checks flags and stores them at the edge (backend = 0) or the backend. */
static int set_flags(sslvdir_builder *b, const char *site, const char *path, unsigned flags,
                     int backend, sslvdir_error *err) {
  sslvdir_vdir *v;
  int rc = find_vdir(b, site, path, &v, err);
  if (rc || (rc = sslvdir_flags_check(flags, err)))
    return rc;
  *(backend ? &v->backend : &v->edge) = flags;
  *(backend ? &v->backend_set : &v->edge_set) = 1;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_set_vdir_edge_flags(sslvdir_builder *b, const char *site,
                                                       const char *path, unsigned flags,
                                                       sslvdir_error *err) {
  return set_flags(b, site, path, flags, 0, err);
}

SSLVDIR_EXTERN int sslvdir_builder_set_vdir_backend_flags(sslvdir_builder *b, const char *site,
                                                          const char *path, unsigned flags,
                                                          sslvdir_error *err) {
  return set_flags(b, site, path, flags, 1, err);
}

SSLVDIR_EXTERN int sslvdir_builder_set_vdir_redirect(sslvdir_builder *b, const char *site,
                                                     const char *path, int status,
                                                     sslvdir_error *err) {
  sslvdir_vdir *v;
  int rc = find_vdir(b, site, path, &v, err);
  if (rc)
    return rc;
  if (status != 0 && status != 301 && status != 302 && status != 307 && status != 308)
    return sv_err(err, SSLVDIR_E_RANGE, "redirect status %d (expected 0, 301, 302, 307 or 308)", status);
  v->redirect = status;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_set_vdir_url(sslvdir_builder *b, const char *site,
                                                const char *path, sslvdir_url_side side,
                                                const char *url, sslvdir_error *err) {
  sslvdir_vdir *v;
  int rc = find_vdir(b, site, path, &v, err);
  if (rc)
    return rc;
  if (side != SSLVDIR_URL_INTERNAL && side != SSLVDIR_URL_EXTERNAL)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "vdir URL: unknown side %d", (int)side);
  char *copy = NULL;
  if (url) {
    size_t n = strlen(url);
    size_t skip = sv_url_scheme_len(url, n);
    if (!skip || n > URL_MAX || n == skip)
      return sv_err(err, SSLVDIR_E_SYNTAX,
                    "vdir URL '%.256s' is not an absolute http or https URL of at most %d bytes",
                    url, URL_MAX);
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
        return sv_err_at(err, SSLVDIR_E_SYNTAX, 0, (unsigned)i + 1, i,
                         "vdir URL holds a space, a control or a non-ASCII byte at offset %zu", i);
    size_t he = sv_url_authority_end(url, n, skip);
    char norm[SV_HOST_MAX + 3];
    size_t hn;
    if (sv_host_normalize(url + skip, he - skip, norm, &hn, 1))
      return sv_err(err, SSLVDIR_E_SYNTAX, "vdir URL '%.256s' has no valid host", url);
    if (!(copy = sv_strdup(url)))
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  sv_free(v->url[side]);
  v->url[side] = copy;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_set_vdir_extended_protection(sslvdir_builder *b,
                                                                const char *site, const char *path,
                                                                int enabled, sslvdir_error *err) {
  sslvdir_vdir *v;
  int rc = find_vdir(b, site, path, &v, err);
  if (rc)
    return rc;
  v->extended_protection = enabled != 0;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_set_vdir_secure_cookies(sslvdir_builder *b, const char *site,
                                                           const char *path, int enabled,
                                                           sslvdir_error *err) {
  sslvdir_vdir *v;
  int rc = find_vdir(b, site, path, &v, err);
  if (rc)
    return rc;
  v->plain_cookies = enabled == 0;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_set_vdir_upstream(sslvdir_builder *b, const char *site,
                                                     const char *path, sslvdir_upstream upstream,
                                                     sslvdir_error *err) {
  sslvdir_vdir *v;
  int rc = find_vdir(b, site, path, &v, err);
  if (rc)
    return rc;
  if (!sslvdir_upstream_name(upstream))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "vdir: unknown upstream %d", (int)upstream);
  v->upstream = upstream;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_add_offloader(sslvdir_builder *b, const char *cidr,
                                                 sslvdir_error *err) {
  sv_net net;
  if (!b)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL");
  int rc = sv_net_parse(&net, cidr, err);
  if (rc)
    return rc;
  if (sv_ix_find(&b->offloader_ix, net.text, strlen(net.text), 0, offloader_text_of, b) >= 0)
    return SSLVDIR_OK;
  if (sv_grow((void **)&b->offloaders, &b->capoffloaders, b->noffloaders + 1, sizeof net))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  b->offloaders[b->noffloaders] = net;
  if (sv_ix_add(&b->offloader_ix, b->noffloaders, offloader_text_of, b))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  b->noffloaders++;
  return SSLVDIR_OK;
}

/* An HTTP field name (RFC 9110 token), short enough for sv_net's buffer. */
static int header_name_ok(const char *h) {
  size_t n = strlen(h);
  if (!n || n >= sizeof ((sv_net *)0)->cipher_header)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!sv_is_tchar((unsigned char)h[i]))
      return 0;
  return 1;
}

SSLVDIR_EXTERN int sslvdir_builder_set_offloader_cipher(sslvdir_builder *b, const char *cidr,
                                                        unsigned min_bits, const char *header,
                                                        sslvdir_error *err) {
  sv_net net;
  if (!b)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL");
  int rc = sv_net_parse(&net, cidr, err);
  if (rc)
    return rc;
  /* No cipher is stronger than 256 bits; more is a typo, not a guarantee. */
  if (min_bits > 256)
    return sv_err(err, SSLVDIR_E_RANGE, "offloader %s: minimum cipher bits %u is over 256",
                  net.text, min_bits);
  if (header && *header) {
    if (!header_name_ok(header))
      return sv_err(err, SSLVDIR_E_SYNTAX, "offloader %s: '%s' is not a header name (letters, "
                    "digits and !#$%%&'*+-.^_`|~, at most 63 bytes)", net.text, header);
    /* Those two already say whether the request was TLS; they cannot also
     * carry the cipher. */
    if (sv_eq_ci(header, strlen(header), "X-Forwarded-Proto", 17) ||
        sv_eq_ci(header, strlen(header), "Front-End-Https", 15) ||
        sv_eq_ci(header, strlen(header), "Host", 4))
      return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT,
                    "offloader %s: the cipher cannot be carried in %s", net.text, header);
  }
  if ((rc = sslvdir_builder_add_offloader(b, cidr, err)))
    return rc;
  long i = sv_ix_find(&b->offloader_ix, net.text, strlen(net.text), 0, offloader_text_of, b);
  if (i < 0) /* cannot happen: just added */
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  sv_net *o = &b->offloaders[i];
  o->min_cipher_bits = min_bits;
  o->cipher_header[0] = '\0';
  if (header)
    snprintf(o->cipher_header, sizeof o->cipher_header, "%s", header);
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_set_settings(sslvdir_builder *b, const sslvdir_settings *s,
                                                sslvdir_error *err) {
  if (!b || !s)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL argument");
  if (sv_settings_copy_into(b->settings, s))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN sslvdir_settings *sslvdir_builder_settings(sslvdir_builder *b) {
  return b ? b->settings : NULL;
}

/* Deep copy of a site's configuration (not its index). */
static int site_copy(sslvdir_site *dst, const sslvdir_site *src) {
  memset(dst, 0, sizeof *dst);
  dst->https_port = src->https_port;
  if (!(dst->name = sv_strdup(src->name)))
    return SSLVDIR_E_NOMEM;
  if (src->canonical && !(dst->canonical = sv_strdup(src->canonical)))
    return SSLVDIR_E_NOMEM;
  if (src->ad_redirect && !(dst->ad_redirect = sv_strdup(src->ad_redirect)))
    return SSLVDIR_E_NOMEM;
  if (src->nhosts) {
    if (!(dst->hosts = sv_calloc(src->nhosts, sizeof *dst->hosts)))
      return SSLVDIR_E_NOMEM;
    dst->caphosts = src->nhosts;
    for (; dst->nhosts < src->nhosts; dst->nhosts++)
      if (!(dst->hosts[dst->nhosts] = sv_strdup(src->hosts[dst->nhosts])))
        return SSLVDIR_E_NOMEM;
  }
  if (src->nvdirs) {
    if (!(dst->vdirs = sv_calloc(src->nvdirs, sizeof *dst->vdirs)))
      return SSLVDIR_E_NOMEM;
    dst->capvdirs = src->nvdirs;
    for (; dst->nvdirs < src->nvdirs; dst->nvdirs++) {
      const sslvdir_vdir *sv = &src->vdirs[dst->nvdirs];
      sslvdir_vdir *dv = &dst->vdirs[dst->nvdirs];
      *dv = *sv;
      dv->path = dv->key = dv->config_path = dv->url[0] = dv->url[1] = NULL;
      if (!(dv->path = sv_strdup(sv->path)) || !(dv->key = sv_strdup(sv->key)) ||
          (sv->url[0] && !(dv->url[0] = sv_strdup(sv->url[0]))) ||
          (sv->url[1] && !(dv->url[1] = sv_strdup(sv->url[1])))) {
        dst->nvdirs++; /* so that clearing frees what was copied */
        return SSLVDIR_E_NOMEM;
      }
    }
  }
  return sv_ix_rebuild(&dst->vdir_ix, dst->nvdirs, vdir_key_of, dst);
}

int sv_builder_clone(const sslvdir_builder *b, sslvdir_builder **out) {
  sslvdir_builder *c;
  if (sslvdir_builder_new(&c, NULL))
    return SSLVDIR_E_NOMEM;
  c->exchange_version = b->exchange_version;
  c->default_site = b->default_site;
  if (sv_settings_copy_into(c->settings, b->settings) || sv_ad_config_copy(&c->ad, &b->ad))
    goto fail;
  if (b->noffloaders) {
    if (!(c->offloaders = sv_malloc(b->noffloaders * sizeof *c->offloaders)))
      goto fail;
    memcpy(c->offloaders, b->offloaders, b->noffloaders * sizeof *c->offloaders);
    c->noffloaders = c->capoffloaders = b->noffloaders;
    if (sv_ix_rebuild(&c->offloader_ix, c->noffloaders, offloader_text_of, c))
      goto fail;
  }
  if (b->nsites) {
    if (!(c->sites = sv_calloc(b->nsites, sizeof *c->sites)))
      goto fail;
    c->capsites = b->nsites;
    for (; c->nsites < b->nsites; c->nsites++)
      if (site_copy(&c->sites[c->nsites], &b->sites[c->nsites])) {
        c->nsites++;
        goto fail;
      }
    if (sv_ix_rebuild(&c->site_ix, c->nsites, site_name_of, c))
      goto fail;
  }
  if (b->nhosts) {
    if (!(c->hosts = sv_malloc(b->nhosts * sizeof *c->hosts)))
      goto fail;
    memcpy(c->hosts, b->hosts, b->nhosts * sizeof *c->hosts);
    c->nhosts = c->caphosts = b->nhosts;
    if (sv_ix_rebuild(&c->host_ix, c->nhosts, host_name_of, c))
      goto fail;
  }
  *out = c;
  return SSLVDIR_OK;
fail:
  sslvdir_builder_free(c);
  return SSLVDIR_E_NOMEM;
}

void sv_builder_swap(sslvdir_builder *a, sslvdir_builder *b) {
  sslvdir_builder t = *a;
  *a = *b;
  *b = t;
}

static int vdir_cmp(const void *a, const void *b) {
  return strcmp(((const sslvdir_vdir *)a)->key, ((const sslvdir_vdir *)b)->key);
}

/* sslFlags that were never set are inherited, as IIS inherits them from the
 * nearest location above: from the deepest vdir whose path holds this one's
 * in whole segments, or None when there is none. Giving such a vdir None
 * instead would make it more lenient than its parent (a vdir added under
 * /owa would take plain HTTP). The vdirs are sorted by key, so an ancestor (a
 * prefix) comes before its descendants and is already resolved. */
static void inherit_flags(sslvdir_site *s, size_t vi) {
  sslvdir_vdir *v = &s->vdirs[vi];
  const sslvdir_vdir *up = NULL;
  size_t vl = strlen(v->key), ul = 0;
  for (size_t i = 0; i < vi; i++) {
    const sslvdir_vdir *a = &s->vdirs[i];
    size_t al = strlen(a->key);
    int above = al == 1 || (al < vl && v->key[al] == '/' && !memcmp(a->key, v->key, al));
    if (above && (!up || al > ul)) {
      up = a;
      ul = al;
    }
  }
  if (!v->edge_set)
    v->edge = up ? up->edge : 0;
  if (!v->backend_set)
    v->backend = up ? up->backend : 0;
  v->edge_set = v->backend_set = 1;
}

/* Decides offload or bridge for one vdir; returns a status. */
static int decide_upstream(const sslvdir_policy *p, sslvdir_vdir *v, sslvdir_error *err) {
  const char *bridge = NULL;
  uint32_t ssl_offloaded = 0, oa_offloading = 1;
  /* Both are well-known DWORDs with defaults, so the lookups cannot fail;
   * if they ever did, the values above (the stricter answers) stand. */
  if (sslvdir_policy_get_dword(p, SSLVDIR_KEY_SSL_OFFLOADED, &ssl_offloaded))
    ssl_offloaded = 0;
  if (sslvdir_policy_get_dword(p, SSLVDIR_KEY_OA_SSL_OFFLOADING, &oa_offloading))
    oa_offloading = 0;
  unsigned ver = p->exchange_version;
  /* Neither answer works: the client's certificate ends at the proxy with
   * its TLS session, and the backend asks for it in its own. Fail closed
   * rather than bridge to a backend that gives every request 403.7. */
  if (v->backend & SSLVDIR_SSL_REQUIRE_CERT)
    return sv_err(err, SSLVDIR_E_INCONSISTENT, "vdir '%.60s' cannot be proxied: its backend "
                  "requires a client certificate (SslRequireCert), which a proxy ending TLS "
                  "cannot pass on; let TLS reach Exchange untouched, or check it at the proxy "
                  "(KCD)", v->config_path);
  if (v->kind == SSLVDIR_KIND_MRSPROXY)
    bridge = "MRSProxy does not support SSL offloading: it needs SSL bridging";
  else if (v->kind == SSLVDIR_KIND_EAS && ver == 2007)
    bridge = "Exchange ActiveSync on Exchange 2007 does not support SSL offloading";
  else if (v->extended_protection)
    bridge = "Extended Protection binds authentication to the TLS channel: it cannot be offloaded";
  else if (v->backend & (SSLVDIR_SSL | SSLVDIR_SSL_128 | SSLVDIR_SSL_REQUIRE_CERT))
    bridge = "the backend requires SSL for this vdir (its sslFlags are not None)";
  else if (v->kind == SSLVDIR_KIND_OWA && (ver == 2007 || ver == 2010) && ssl_offloaded != 1)
    bridge = "OWA on Exchange 2007/2010 renders http:// links behind an offloader unless "
             "SSLOffloaded=1";
  else if (v->kind == SSLVDIR_KIND_RPC && oa_offloading != 1)
    bridge = "Outlook Anywhere's SSLOffloading is off";
  if (v->upstream == SSLVDIR_UPSTREAM_OFFLOAD && bridge)
    return sv_err(err, SSLVDIR_E_INCONSISTENT, "vdir '%s' cannot be offloaded: %s",
                  v->config_path, bridge);
  if (v->upstream == SSLVDIR_UPSTREAM_BRIDGE) {
    v->upstream_reason = bridge ? bridge : "bridging was asked for by the configuration";
  } else if (bridge) {
    v->upstream = SSLVDIR_UPSTREAM_BRIDGE;
    v->upstream_reason = bridge;
  } else {
    int forced = v->upstream == SSLVDIR_UPSTREAM_OFFLOAD;
    v->upstream = SSLVDIR_UPSTREAM_OFFLOAD;
    v->upstream_reason = forced ? "offloading was asked for by the configuration"
                                : "the backend accepts plain HTTP for this vdir";
  }
  return SSLVDIR_OK;
}

static int add_warning(sslvdir_policy *p, size_t *cap, const char *text) {
  if (sv_grow((void **)&p->warnings, cap, p->nwarn + 1, sizeof *p->warnings))
    return SSLVDIR_E_NOMEM;
  if (!(p->warnings[p->nwarn] = sv_strdup(text)))
    return SSLVDIR_E_NOMEM;
  p->nwarn++;
  return SSLVDIR_OK;
}

/* Load balancers forward X-Forwarded-Proto and nothing about the cipher:
 * without a guarantee from the offloader, every Ssl128 vdir answers 403.5
 * to everything that comes through it. Says so, and what to set. */
static int ssl128_offloader_warning(sslvdir_policy *p, size_t *capwarn) {
  const sslvdir_vdir *v128 = NULL;
  for (size_t si = 0; si < p->nsites && !v128; si++)
    for (size_t vi = 0; vi < p->sites[si].nvdirs && !v128; vi++)
      if (p->sites[si].vdirs[vi].edge & SSLVDIR_SSL_128)
        v128 = &p->sites[si].vdirs[vi];
  for (size_t i = 0; v128 && i < p->noffloaders; i++) {
    const sv_net *o = &p->offloaders[i];
    if (o->min_cipher_bits || o->cipher_header[0])
      continue;
    char w[1024];
    /* Named in every vocabulary the offloader can be given in: the policy
     * is built from a file, the command or the HAProxy plugin's variables. */
    snprintf(w, sizeof w, "offloader %s says nothing about the cipher, so requests through it "
             "get 403.5 on vdirs that require Ssl128 (such as '%s' of site '%s'): say what it "
             "guarantees, the key size it enforces (policy file: min-cipher-bits; sslvdir: "
             "--offloader-cipher-bits; HAProxy: SSLVDIR_OFFLOADER_CIPHER_BITS; nginx: "
             "sslvdir_offloader_cipher_bits) or a header it fills with the cipher or its key "
             "size (cipher-header; --offloader-cipher-header; SSLVDIR_OFFLOADER_CIPHER_HEADER; "
             "sslvdir_offloader_cipher_header)",
             o->text, v128->path, v128->site ? sslvdir_site_name(v128->site) : "?");
    if (add_warning(p, capwarn, w))
      return SSLVDIR_E_NOMEM;
  }
  return SSLVDIR_OK;
}

static int build_hosts(sslvdir_policy *p) {
  size_t total = 0;
  for (size_t s = 0; s < p->nsites; s++)
    total += p->sites[s].nhosts;
  if (!total)
    return SSLVDIR_OK;
  size_t cap = 8;
  while (cap < 2 * total + 2)
    cap *= 2;
  if (!(p->hosts = sv_calloc(cap, sizeof *p->hosts)))
    return SSLVDIR_E_NOMEM;
  p->host_mask = cap - 1;
  for (size_t s = 0; s < p->nsites; s++) {
    for (size_t h = 0; h < p->sites[s].nhosts; h++) {
      const char *host = p->sites[s].hosts[h];
      size_t len = strlen(host);
      uint32_t hash = sv_hash_ci(host, len, 0);
      size_t i = hash & p->host_mask;
      while (p->hosts[i].site)
        i = (i + 1) & p->host_mask;
      p->hosts[i] = (sv_hostent){hash, (uint32_t)s + 1, host, len};
    }
  }
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_add_autodiscover_domain(sslvdir_builder *b, const char *domain,
                                                           sslvdir_autodiscover_action action,
                                                           const char *target,
                                                           sslvdir_error *err) {
  if (!b)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL");
  if (action == SSLVDIR_AUTODISCOVER_ACTION_SETTINGS && (!target || !sv_builder_find_site(b, target)))
    return sv_err(err, target ? SSLVDIR_E_NOT_FOUND : SSLVDIR_E_INVALID_ARGUMENT,
                  "autodiscover: no site '%.256s'", target ? target : "(null)");
  return sv_ad_add_domain(&b->ad, domain, (int)action, target, err);
}

SSLVDIR_EXTERN int sslvdir_builder_set_autodiscover_option(sslvdir_builder *b, const char *name,
                                                           const char *value,
                                                           sslvdir_error *err) {
  if (!b)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL");
  return sv_ad_set_option(&b->ad, name, value, err);
}

SSLVDIR_EXTERN int sslvdir_builder_set_site_autodiscover_redirect(sslvdir_builder *b,
                                                                  const char *site,
                                                                  const char *host,
                                                                  sslvdir_error *err) {
  if (!b || !site)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL argument");
  sslvdir_site *s = sv_builder_find_site(b, site);
  if (!s)
    return sv_err(err, SSLVDIR_E_NOT_FOUND, "no site '%.256s'", site);
  char norm[SV_HOST_MAX + 3];
  size_t n;
  char *copy = NULL;
  if (host) {
    if (sv_host_normalize(host, strlen(host), norm, &n, 0))
      return sv_err(err, SSLVDIR_E_SYNTAX, "autodiscover redirect: '%.256s' is not a host name",
                    host);
    if (!(copy = sv_strdup(norm)))
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  sv_free(s->ad_redirect);
  s->ad_redirect = copy;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_builder_build(sslvdir_builder *b, sslvdir_policy **out,
                                         sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!b || !out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "builder: NULL argument");
  if (!b->nsites)
    return sv_err(err, SSLVDIR_E_INCONSISTENT, "the policy has no site");
  sslvdir_policy *p = sv_calloc(1, sizeof *p);
  if (!p)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  atomic_init(&p->refs, 1);
  p->exchange_version = b->exchange_version;
  p->default_site = b->default_site < (long)b->nsites ? b->default_site : 0;
  size_t capwarn = 0;
  int rc = SSLVDIR_E_NOMEM;
  if (sslvdir_settings_new(&p->settings, NULL) || sv_settings_copy_into(p->settings, b->settings) ||
      sv_ad_config_copy(&p->ad, &b->ad))
    goto fail;
  if (b->noffloaders) {
    if (!(p->offloaders = sv_malloc(b->noffloaders * sizeof *p->offloaders)))
      goto fail;
    memcpy(p->offloaders, b->offloaders, b->noffloaders * sizeof *p->offloaders);
    p->noffloaders = b->noffloaders;
  }
  if (!(p->sites = sv_calloc(b->nsites, sizeof *p->sites)))
    goto fail;
  for (; p->nsites < b->nsites; p->nsites++)
    if (site_copy(&p->sites[p->nsites], &b->sites[p->nsites])) {
      p->nsites++;
      goto fail;
    }
  for (size_t i = 0; i < p->settings->nwarn; i++)
    if (add_warning(p, &capwarn, p->settings->warnings[i]))
      goto fail;
  for (size_t i = 0; i < p->noffloaders; i++) {
    char w[400];
    if (sv_net_too_broad(&p->offloaders[i], w, sizeof w) && add_warning(p, &capwarn, w))
      goto fail;
    /* The proxy reads one header per request before it knows which
     * offloader's rules apply, so all offloaders must name the same one. */
    const char *h = p->offloaders[i].cipher_header;
    if (*h && p->cipher_header && !sv_eq_ci(h, strlen(h), p->cipher_header,
                                            strlen(p->cipher_header))) {
      rc = sv_err(err, SSLVDIR_E_INCONSISTENT, "offloaders name two cipher headers, %s and %s: "
                  "the proxy reads one", p->cipher_header, h);
      goto fail;
    }
    if (*h)
      p->cipher_header = p->offloaders[i].cipher_header;
  }
  for (size_t si = 0; si < p->nsites; si++) {
    sslvdir_site *s = &p->sites[si];
    if (s->nvdirs > 1) /* qsort wants a valid pointer even for zero elements */
      qsort(s->vdirs, s->nvdirs, sizeof *s->vdirs, vdir_cmp);
    sv_ix_free(&s->vdir_ix); /* sorted: the trie built below replaces it */
    int redirects = 0;
    for (size_t vi = 0; vi < s->nvdirs; vi++)
      inherit_flags(s, vi);
    for (size_t vi = 0; vi < s->nvdirs; vi++) {
      sslvdir_vdir *v = &s->vdirs[vi];
      size_t nl = strlen(s->name), pl = strlen(v->path);
      int root = pl == 1;
      if (!(v->config_path = sv_malloc(nl + pl + 1)))
        goto fail;
      memcpy(v->config_path, s->name, nl);
      memcpy(v->config_path + nl, v->path, root ? 1 : pl + 1);
      if (root)
        v->config_path[nl] = '\0';
      v->site = s;
      if ((rc = decide_upstream(p, v, err)))
        goto fail;
      rc = SSLVDIR_E_NOMEM;
      redirects |= v->redirect != 0;
      if ((v->edge & SSLVDIR_SSL_128) && !(v->edge & SSLVDIR_SSL)) {
        char w[600];
        snprintf(w, sizeof w, "vdir '%s' requires Ssl128 without Ssl: plain HTTP is refused "
                 "with 403.4 all the same", v->config_path);
        if (add_warning(p, &capwarn, w))
          goto fail;
      }
    }
    if (redirects && !s->canonical) {
      char w[600];
      snprintf(w, sizeof w, "site '%s' redirects to https but has no host name: requests whose "
               "Host is not its own get 403.4 instead", s->name);
      if (add_warning(p, &capwarn, w))
        goto fail;
    }
    if (sv_site_index(s))
      goto fail;
  }
  if (ssl128_offloader_warning(p, &capwarn))
    goto fail;
  if (build_hosts(p))
    goto fail;
  /* Looked up once here, so that a decision's Location needs only its site. */
  for (size_t i = 0; i < p->nsites; i++) {
    sslvdir_site *s = &p->sites[i];
    const sslvdir_site *ts =
        s->ad_redirect ? sv_policy_lookup_host(p, s->ad_redirect, strlen(s->ad_redirect)) : NULL;
    s->ad_redirect_port = ts && ts->https_port ? ts->https_port : 443;
    /* Never a redirect site: over TLS one would send its hosts to nothing. */
    if (s->ad_redirect && (!ts || ts->ad_redirect))
      ts = p->default_site >= 0 && !p->sites[p->default_site].ad_redirect
               ? &p->sites[p->default_site]
               : NULL;
    s->ad_tls_site = ts;
  }
  for (size_t i = 0; i < p->ad.nrules; i++) {
    const sv_ad_rule *r = &p->ad.rules[i];
    if (r->action != SSLVDIR_AUTODISCOVER_ACTION_SETTINGS)
      continue;
    /* The policy's sites are the builder's, in the same order. */
    long k = sv_ix_find(&b->site_ix, r->target, strlen(r->target), 1, site_name_of, b);
    const sslvdir_site *s = k < 0 ? NULL : &p->sites[k];
    if (s && !s->canonical) {
      char w[600];
      snprintf(w, sizeof w, "autodiscover domain '%s' is served by site '%s', which has no "
               "canonical host: its requests get error 500", r->domain, r->target);
      if (add_warning(p, &capwarn, w))
        goto fail;
    }
  }
  *out = p;
  return SSLVDIR_OK;
fail:
  sv_policy_destroy(p);
  if (rc == SSLVDIR_E_NOMEM)
    sv_err(err, rc, "out of memory");
  return rc;
}
