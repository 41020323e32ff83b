/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Read-only views of a policy's vdirs, and the names of kinds and upstreams. */
#include "config.h"

#include <string.h>

#include "internal.h"

static const char *const kind_names[] = {
  [SSLVDIR_KIND_OTHER] = "other",       [SSLVDIR_KIND_OWA] = "owa",
  [SSLVDIR_KIND_ECP] = "ecp",           [SSLVDIR_KIND_EWS] = "ews",
  [SSLVDIR_KIND_MRSPROXY] = "mrsproxy", [SSLVDIR_KIND_EAS] = "eas",
  [SSLVDIR_KIND_OAB] = "oab",           [SSLVDIR_KIND_MAPI] = "mapi",
  [SSLVDIR_KIND_RPC] = "rpc",           [SSLVDIR_KIND_AUTODISCOVER] = "autodiscover",
  [SSLVDIR_KIND_POWERSHELL] = "powershell",
};

SSLVDIR_EXTERN const char *sslvdir_kind_name(int kind) {
  if (kind < 0 || (size_t)kind >= sizeof kind_names / sizeof kind_names[0])
    return NULL;
  return kind_names[kind];
}

SSLVDIR_EXTERN int sslvdir_kind_parse(const char *name, size_t len, sslvdir_kind *out) {
  /* "other" until a name matches: no failure leaves a previous kind. */
  if (out)
    *out = SSLVDIR_KIND_OTHER;
  if (!out || !name)
    return SSLVDIR_E_INVALID_ARGUMENT;
  for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
    if (sv_eq_ci(name, len, kind_names[i], strlen(kind_names[i]))) {
      *out = (sslvdir_kind)i;
      return SSLVDIR_OK;
    }
  }
  return SSLVDIR_E_UNKNOWN_NAME;
}

SSLVDIR_EXTERN const char *sslvdir_upstream_name(int upstream) {
  switch (upstream) {
  case SSLVDIR_UPSTREAM_AUTO: return "auto";
  case SSLVDIR_UPSTREAM_OFFLOAD: return "offload";
  case SSLVDIR_UPSTREAM_BRIDGE: return "bridge";
  default: return NULL;
  }
}

SSLVDIR_EXTERN const char *sslvdir_vdir_path(const sslvdir_vdir *v) { return v ? v->path : NULL; }
SSLVDIR_EXTERN const char *sslvdir_vdir_config_path(const sslvdir_vdir *v) {
  return v ? v->config_path : NULL;
}
SSLVDIR_EXTERN const sslvdir_site *sslvdir_vdir_site(const sslvdir_vdir *v) {
  return v ? v->site : NULL;
}
SSLVDIR_EXTERN sslvdir_kind sslvdir_vdir_kind(const sslvdir_vdir *v) {
  return v ? v->kind : SSLVDIR_KIND_OTHER;
}
SSLVDIR_EXTERN unsigned sslvdir_vdir_edge_flags(const sslvdir_vdir *v) { return v ? v->edge : 0; }
SSLVDIR_EXTERN unsigned sslvdir_vdir_backend_flags(const sslvdir_vdir *v) {
  return v ? v->backend : 0;
}
SSLVDIR_EXTERN int sslvdir_vdir_redirect_status(const sslvdir_vdir *v) {
  return v ? v->redirect : 0;
}
SSLVDIR_EXTERN const char *sslvdir_vdir_url(const sslvdir_vdir *v, sslvdir_url_side side) {
  if (!v || (side != SSLVDIR_URL_INTERNAL && side != SSLVDIR_URL_EXTERNAL))
    return NULL;
  return v->url[side];
}
SSLVDIR_EXTERN int sslvdir_vdir_secure_cookies(const sslvdir_vdir *v) {
  return v ? !v->plain_cookies : 1;
}

SSLVDIR_EXTERN int sslvdir_vdir_extended_protection(const sslvdir_vdir *v) {
  return v ? v->extended_protection : 0;
}
SSLVDIR_EXTERN sslvdir_upstream sslvdir_vdir_upstream(const sslvdir_vdir *v) {
  return v ? v->upstream : SSLVDIR_UPSTREAM_AUTO;
}
SSLVDIR_EXTERN const char *sslvdir_vdir_upstream_reason(const sslvdir_vdir *v) {
  return v && v->upstream_reason ? v->upstream_reason : "";
}
