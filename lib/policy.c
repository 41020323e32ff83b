/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Built policies: reference counting and read-only views. */
#include "config.h"

#include <string.h>

#include "internal.h"

static void policy_free(sslvdir_policy *p) {
  for (size_t i = 0; i < p->nsites; i++)
    sv_site_clear(&p->sites[i]);
  sv_free(p->sites);
  sslvdir_settings_free(p->settings);
  sv_free(p->offloaders);
  sv_free(p->hosts);
  for (size_t i = 0; i < p->nwarn; i++)
    sv_free(p->warnings[i]);
  sv_free(p->warnings);
  sv_ad_config_clear(&p->ad);
  sv_free(p);
}

SSLVDIR_EXTERN sslvdir_policy *sslvdir_policy_ref(sslvdir_policy *p) {
  if (p)
    atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
  return p;
}

SSLVDIR_EXTERN void sslvdir_policy_unref(sslvdir_policy *p) {
  if (p && atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
    policy_free(p);
}

/* Used by the builder when a half-built policy must be thrown away. */
void sv_policy_destroy(sslvdir_policy *p) {
  if (p)
    policy_free(p);
}

SSLVDIR_EXTERN unsigned sslvdir_policy_exchange_version(const sslvdir_policy *p) {
  return p ? p->exchange_version : 0;
}
SSLVDIR_EXTERN size_t sslvdir_policy_site_count(const sslvdir_policy *p) { return p ? p->nsites : 0; }
SSLVDIR_EXTERN const sslvdir_site *sslvdir_policy_site(const sslvdir_policy *p, size_t i) {
  return (p && i < p->nsites) ? &p->sites[i] : NULL;
}

const sslvdir_site *sv_policy_lookup_host(const sslvdir_policy *p, const char *host, size_t len) {
  return sv_policy_lookup_host_hash(p, host, len, sv_hash_ci(host, len, 0));
}

const sslvdir_site *sv_policy_lookup_host_hash(const sslvdir_policy *p, const char *host, size_t len,
                                               uint32_t h) {
  if (!p->hosts)
    return NULL;
  for (size_t i = h & p->host_mask;; i = (i + 1) & p->host_mask) {
    const sv_hostent *e = &p->hosts[i];
    if (!e->site)
      return NULL;
    if (e->hash == h && sv_eq_ci(e->host, e->len, host, len))
      return &p->sites[e->site - 1];
  }
}

SSLVDIR_EXTERN const sslvdir_site *sslvdir_policy_find_site(const sslvdir_policy *p,
                                                            const char *host, size_t len) {
  char norm[SV_HOST_MAX + 3];
  size_t n;
  if (!p || !host || sv_host_normalize(host, len, norm, &n, 1) || sv_host_rooted(host, len, n))
    return NULL; /* as sslvdir_decide() reads a Host: "name." names no site */
  return sv_policy_lookup_host(p, norm, n);
}

SSLVDIR_EXTERN const sslvdir_vdir *sslvdir_policy_find_vdir(const sslvdir_policy *p,
                                                            const char *config_path) {
  if (!p || !config_path)
    return NULL;
  for (size_t s = 0; s < p->nsites; s++)
    for (size_t v = 0; v < p->sites[s].nvdirs; v++)
      if (sv_streq_ci(p->sites[s].vdirs[v].config_path, config_path))
        return &p->sites[s].vdirs[v];
  return NULL;
}

SSLVDIR_EXTERN const sslvdir_settings *sslvdir_policy_settings(const sslvdir_policy *p) {
  return p ? p->settings : NULL;
}

SSLVDIR_EXTERN int sslvdir_policy_get_dword(const sslvdir_policy *p, const char *path,
                                            uint32_t *out) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (out)
    *out = 0;
  if (!p || !path || !out)
    return SSLVDIR_E_INVALID_ARGUMENT;
  int rc = sslvdir_settings_get_dword(p->settings, path, out);
  if (rc != SSLVDIR_E_NOT_FOUND)
    return rc;
  return sslvdir_settings_default_dword(path, p->exchange_version, out);
}

SSLVDIR_EXTERN size_t sslvdir_policy_offloader_count(const sslvdir_policy *p) {
  return p ? p->noffloaders : 0;
}

SSLVDIR_EXTERN const char *sslvdir_policy_offloader(const sslvdir_policy *p, size_t i) {
  return (p && i < p->noffloaders) ? p->offloaders[i].text : NULL;
}

SSLVDIR_EXTERN int sslvdir_policy_offloader_cipher(const sslvdir_policy *p, size_t i,
                                                   unsigned *min_bits, const char **header) {
  if (min_bits)
    *min_bits = 0;
  if (header)
    *header = NULL;
  if (!p)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (i >= p->noffloaders)
    return SSLVDIR_E_NOT_FOUND;
  if (min_bits)
    *min_bits = p->offloaders[i].min_cipher_bits;
  if (header && p->offloaders[i].cipher_header[0])
    *header = p->offloaders[i].cipher_header;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN const char *sslvdir_policy_cipher_header(const sslvdir_policy *p) {
  return p ? p->cipher_header : NULL;
}

const sv_net *sv_policy_offloader_for(const sslvdir_policy *p, const char *addr, size_t len) {
  int fam;
  unsigned char a[16];
  if (!p || !addr || !p->noffloaders || sv_addr_parse(addr, len, &fam, a))
    return NULL;
  for (size_t i = 0; i < p->noffloaders; i++)
    if (sv_net_contains(&p->offloaders[i], fam, a))
      return &p->offloaders[i];
  return NULL;
}

SSLVDIR_EXTERN int sslvdir_policy_is_offloader(const sslvdir_policy *p, const char *addr,
                                             size_t len) {
  return sv_policy_offloader_for(p, addr, len) != NULL;
}

SSLVDIR_EXTERN size_t sslvdir_policy_warning_count(const sslvdir_policy *p) {
  return p ? p->nwarn : 0;
}

SSLVDIR_EXTERN const char *sslvdir_policy_warning(const sslvdir_policy *p, size_t i) {
  return (p && i < p->nwarn) ? p->warnings[i] : NULL;
}
