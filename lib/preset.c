/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Built-in presets: the vdirs of Exchange 2007 to 2019 and Exchange Server
 * SE with the sslFlags each version ships (lib/exchange_defaults.def), and
 * their -offload variants: the vdirs "Configuring SSL offloading in
 * Exchange 2013" (and, for OWA on 2007, "Configure SSL Offloading for
 * Outlook Web Access") offload, MRSProxy staying bridged.
 *
 * A preset is the version's shipped state at the edge and nothing more:
 * plain HTTP gets 403.4 as IIS answers it. Microsoft's http->https redirect
 * for OWA is a recipe the administrator applies, so it is an option
 * (SSLVDIR_PRESET_REDIRECT), never a default.
 */
#include "config.h"

#include <string.h>

#include "internal.h"

/* Whether a preset has Extended Protection on unless told otherwise. */
enum { EP_OFF = 0, EP_ON = 1 };

struct preset {
  const char *name;
  const char *description;
  unsigned version; /* the builder's Exchange version and the table's (2025: SE) */
  int offload;
  int ep;           /* Extended Protection as Setup leaves it */
};

static const struct preset presets[] = {
  {"exchange2007", "Exchange 2007 Client Access as shipped: SSL required on every vdir but the OAB, every vdir bridged", 2007, 0, EP_OFF},
  {"exchange2007-offload", "Exchange 2007 with OWA offloaded (Require SSL cleared, SSLOffloaded=1), the rest bridged", 2007, 1, EP_OFF},
  {"exchange2010", "Exchange 2010 Client Access as shipped: SSL required on every vdir but the OAB and PowerShell, every vdir bridged", 2010, 0, EP_OFF},
  {"exchange2010-offload", "Exchange 2010 with OWA, ECP, EWS, EAS, Autodiscover and Outlook Anywhere offloaded (SSLOffloaded=1, Outlook Anywhere SSLOffloading on)", 2010, 1, EP_OFF},
  {"exchange2013", "Exchange 2013 as shipped: SSL required except PowerShell, Rpc and owa/Calendar", 2013, 0, EP_OFF},
  {"exchange2013-offload", "Exchange 2013 SP1 offloaded as Configuring SSL offloading in Exchange 2013 says (sslFlags None on owa, ecp, EWS, EAS, OAB, mapi, Autodiscover)", 2013, 1, EP_OFF},
  {"exchange2016", "Exchange 2016 as shipped: SSL required except PowerShell, Rpc and owa/Calendar", 2016, 0, EP_OFF},
  {"exchange2016-offload", "Exchange 2016 offloaded vdir by vdir (MRSProxy stays bridged)", 2016, 1, EP_OFF},
  {"exchange2019", "Exchange 2019 as shipped before CU14 (or set up without Extended Protection): SSL required except PowerShell, Rpc and owa/Calendar", 2019, 0, EP_OFF},
  {"exchange2019-offload", "Exchange 2019 without Extended Protection, offloaded vdir by vdir (MRSProxy stays bridged)", 2019, 1, EP_OFF},
  {"exchangese", "Exchange Server SE as shipped: 2019's vdirs with Extended Protection on (Setup turns it on), so Outlook Anywhere's SSLOffloading is off and Rpc requires SSL; every vdir bridged", 2025, 0, EP_ON},
  {"exchangese-offload", "Exchange SE offloaded vdir by vdir; Extended Protection must be declared off first (it is not supported with SSL offloading)", 2025, 1, EP_ON},
};
#define NPRESETS (sizeof presets / sizeof presets[0])

#define KNOWN_OPTIONS (SSLVDIR_PRESET_REDIRECT | SSLVDIR_PRESET_EP_ON | SSLVDIR_PRESET_EP_OFF)

/* The browser vdirs Microsoft's http->https recipe sends to https: the
 * site root and OWA (with 2007's legacy OWA vdirs) and ECP. Other clients
 * post bodies and do not follow a scheme redirect; they get 403.4. */
static int redirects(const char *path) {
  static const char *const r[] = {"/", "/owa", "/ecp", "/Exchange", "/Public", "/Exchweb"};
  for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
    if (sv_streq_ci(r[i], path))
      return 1;
  return 0;
}

/* Whether the -offload preset of version offloads the vdir at path (its
 * sub-applications go with it): 2007 only OWA; 2010 also ECP, EWS, EAS,
 * Autodiscover and Outlook Anywhere; 2013+ the seven vdirs of "Configuring
 * SSL offloading in Exchange 2013". MRSProxy never. */
static int offloaded(unsigned version, sslvdir_kind kind, const char *path) {
  size_t top = strcspn(path + 1, "/") + 1;
  if (kind == SSLVDIR_KIND_MRSPROXY || sv_eq_ci(path, top, "/API", 4) ||
      sv_eq_ci(path, top, "/Exchange", 9) || sv_eq_ci(path, top, "/Public", 7) ||
      sv_eq_ci(path, top, "/Exchweb", 8) || sv_eq_ci(path, top, "/UnifiedMessaging", 17))
    return 0;
  switch (kind) {
  case SSLVDIR_KIND_OWA: return 1;
  case SSLVDIR_KIND_ECP: case SSLVDIR_KIND_EWS: case SSLVDIR_KIND_EAS:
  case SSLVDIR_KIND_AUTODISCOVER: return version >= 2010;
  case SSLVDIR_KIND_RPC: return version == 2010;
  case SSLVDIR_KIND_OAB: case SSLVDIR_KIND_MAPI: return version >= 2013;
  default: return 0;
  }
}

/* The front-end vdirs Extended Protection covers when Setup (2019 CU14+,
 * SE) or ExchangeExtendedProtectionManagement.ps1 turns it on: all of
 * them but Autodiscover, which "Configure Windows Extended Protection in
 * Exchange Server" leaves Off, and the site root, which has no
 * application of its own. */
static int ep_protects(sslvdir_kind kind, const char *path) {
  return kind != SSLVDIR_KIND_AUTODISCOVER && strcmp(path, "/") != 0;
}

static const struct preset *find_preset(const char *name) {
  for (size_t i = 0; i < NPRESETS; i++)
    if (sv_streq_ci(presets[i].name, name))
      return &presets[i];
  return NULL;
}

SSLVDIR_EXTERN size_t sslvdir_preset_count(void) { return NPRESETS; }

SSLVDIR_EXTERN const char *sslvdir_preset_name(size_t i) {
  return i < NPRESETS ? presets[i].name : NULL;
}

SSLVDIR_EXTERN const char *sslvdir_preset_description(size_t i) {
  return i < NPRESETS ? presets[i].description : NULL;
}

/* The flags a row ships. With Extended Protection on, Outlook Anywhere's
 * SSLOffloading is $false, which turns Require SSL on for /Rpc as on 2010:
 * the table says so for SE, whose Setup turns it on; this covers 2013 to
 * 2019 with it declared on (2019 CU14+, or the Extended Protection script). */
static int row_flags(const struct preset *p, const sv_xdefault *v, int ep, unsigned *flags) {
  if (sv_xdefault_flags(p->version, 0, v->path, strlen(v->path), SV_XD_FRONT, flags))
    return -1;
  if (ep && v->kind == SSLVDIR_KIND_RPC)
    *flags = SSLVDIR_SSL | SSLVDIR_SSL_128;
  return 0;
}

/* The rows of the version's "Default Web Site" a preset adds. */
static int applies(const struct preset *p, const sv_xdefault *v) {
  return v->site == SV_XD_FRONT && p->version >= v->first && p->version <= v->last &&
         v->form != SV_XD_REDIRECT;
}

SSLVDIR_EXTERN int sslvdir_preset_apply_opts(sslvdir_builder *b, const char *name, const char *site,
                                             unsigned options, sslvdir_error *err) {
  if (!b || !name || !site)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "preset: NULL argument");
  if (options & ~(unsigned)KNOWN_OPTIONS)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "preset: unknown option bits 0x%x",
                  options & ~(unsigned)KNOWN_OPTIONS);
  if ((options & SSLVDIR_PRESET_EP_ON) && (options & SSLVDIR_PRESET_EP_OFF))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT,
                  "preset: Extended Protection declared both on and off");
  const struct preset *p = find_preset(name);
  if (!p)
    return sv_err(err, SSLVDIR_E_UNKNOWN_NAME,
                  "unknown preset '%.64s' (see sslvdir presets: exchange2007 ... exchange2019 "
                  "and exchangese, with or without -offload)", name);
  int ep = (options & SSLVDIR_PRESET_EP_ON) ? EP_ON : (options & SSLVDIR_PRESET_EP_OFF) ? EP_OFF : p->ep;
  if (ep && p->version < 2013)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT,
                  "preset '%s': Extended Protection for Exchange exists from Exchange 2013 on",
                  p->name);
  /* Refused before anything changes: Microsoft does not support Extended
   * Protection with SSL offloading (the channel binding is the offloader's
   * TLS session, not the client's), so an offload preset whose version
   * has it on would give a policy that breaks every protected vdir. */
  if (ep && p->offload) {
    for (size_t i = 0; i < sv_xdefault_count(); i++) {
      const sv_xdefault *v = sv_xdefault_row(i);
      if (applies(p, v) && offloaded(p->version, v->kind, v->path) && ep_protects(v->kind, v->path))
        /* Short: what to do must fit sslvdir_error.message after a
         * caller's prefix (sslvdir_policy_options_build() words its own). */
        return sv_err(err, SSLVDIR_E_INCONSISTENT,
                      "%s: Extended Protection is on (%s) and SSL offloading would break "
                      "it on %s; declare it off (SSLVDIR_PRESET_EP_OFF) or bridge (the preset "
                      "without -offload)",
                      p->name, p->ep ? "Setup turns it on" : "declared on", v->path);
    }
  }
  int rc;
  if (!sv_builder_find_site(b, site) && (rc = sslvdir_builder_add_site(b, site, err)))
    return rc;
  b->exchange_version = p->version;
  for (size_t i = 0; i < sv_xdefault_count(); i++) {
    const sv_xdefault *v = sv_xdefault_row(i);
    unsigned flags;
    if (!applies(p, v) || row_flags(p, v, ep, &flags))
      continue;
    rc = sslvdir_builder_add_vdir(b, site, v->path, v->kind, err);
    if (rc == SSLVDIR_E_DUPLICATE)
      continue; /* what the caller set up already stays */
    unsigned backend = p->offload && offloaded(p->version, v->kind, v->path) ? 0 : flags;
    int redirect = (options & SSLVDIR_PRESET_REDIRECT) && redirects(v->path) ? 302 : 0;
    if (rc || (rc = sslvdir_builder_set_vdir_edge_flags(b, site, v->path, flags, err)) ||
        (rc = sslvdir_builder_set_vdir_backend_flags(b, site, v->path, backend, err)) ||
        (rc = sslvdir_builder_set_vdir_redirect(b, site, v->path, redirect, err)) ||
        (ep && ep_protects(v->kind, v->path) &&
         (rc = sslvdir_builder_set_vdir_extended_protection(b, site, v->path, 1, err))))
      return rc;
  }
  /* SSLOffloaded is OWA's registry switch on 2007 and 2010 only; from 2013
   * OWA needs no such value. Outlook Anywhere's SSLOffloading goes with
   * /Rpc: the 2010 preset offloads it (off by default there), it is on by
   * default from 2013, and Extended Protection needs it off. */
  if (p->offload && p->version <= 2010 &&
      (rc = sslvdir_settings_set_dword(b->settings, SSLVDIR_KEY_SSL_OFFLOADED, 1, err)))
    return rc;
  if (p->offload && p->version == 2010 &&
      (rc = sslvdir_settings_set_dword(b->settings, SSLVDIR_KEY_OA_SSL_OFFLOADING, 1, err)))
    return rc;
  if (ep && (rc = sslvdir_settings_set_dword(b->settings, SSLVDIR_KEY_OA_SSL_OFFLOADING, 0, err)))
    return rc;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_preset_apply(sslvdir_builder *b, const char *name, const char *site,
                                        sslvdir_error *err) {
  return sslvdir_preset_apply_opts(b, name, site, 0, err);
}
