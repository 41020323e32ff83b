/*
 * Built-in presets: the vdirs of Exchange 2007 to 2019 with the sslFlags
 * each version ships (lib/exchange_defaults.def), and their -offload
 * variants: the vdirs "Configuring SSL offloading in Exchange 2013" (and,
 * for OWA on 2007, "Configure SSL Offloading for Outlook Web Access")
 * offload, MRSProxy staying bridged.
 */
#include "config.h"

#include <string.h>

#include "internal.h"

struct preset {
  const char *name;
  const char *description;
  unsigned version;
  int offload;
};

static const struct preset presets[] = {
  {"exchange2007", "Exchange 2007 Client Access as shipped: SSL required on every vdir but the OAB, every vdir bridged", 2007, 0},
  {"exchange2007-offload", "Exchange 2007 with OWA offloaded (Require SSL cleared, SSLOffloaded=1), the rest bridged", 2007, 1},
  {"exchange2010", "Exchange 2010 Client Access as shipped: SSL required on every vdir but the OAB and PowerShell, every vdir bridged", 2010, 0},
  {"exchange2010-offload", "Exchange 2010 with OWA, ECP, EWS, EAS, Autodiscover and Outlook Anywhere offloaded (SSLOffloaded=1, Outlook Anywhere SSLOffloading on)", 2010, 1},
  {"exchange2013", "Exchange 2013 as shipped: SSL required except PowerShell, Rpc and owa/Calendar", 2013, 0},
  {"exchange2013-offload", "Exchange 2013 SP1 offloaded as Configuring SSL offloading in Exchange 2013 says (sslFlags None on owa, ecp, EWS, EAS, OAB, mapi, Autodiscover)", 2013, 1},
  {"exchange2016", "Exchange 2016 as shipped: SSL required except PowerShell, Rpc and owa/Calendar", 2016, 0},
  {"exchange2016-offload", "Exchange 2016 offloaded vdir by vdir (MRSProxy stays bridged)", 2016, 1},
  {"exchange2019", "Exchange 2019 as shipped: SSL required except PowerShell, Rpc and owa/Calendar", 2019, 0},
  {"exchange2019-offload", "Exchange 2019 offloaded vdir by vdir (MRSProxy stays bridged)", 2019, 1},
};
#define NPRESETS (sizeof presets / sizeof presets[0])

/* The browser vdirs that redirect plain HTTP (a preset's choice, not what
 * Exchange ships). */
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

SSLVDIR_EXTERN size_t sslvdir_preset_count(void) { return NPRESETS; }

SSLVDIR_EXTERN const char *sslvdir_preset_name(size_t i) {
  return i < NPRESETS ? presets[i].name : NULL;
}

SSLVDIR_EXTERN const char *sslvdir_preset_description(size_t i) {
  return i < NPRESETS ? presets[i].description : NULL;
}

SSLVDIR_EXTERN int sslvdir_preset_apply(sslvdir_builder *b, const char *name, const char *site,
                                        sslvdir_error *err) {
  if (!b || !name || !site)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "preset: NULL argument");
  const struct preset *p = NULL;
  for (size_t i = 0; i < NPRESETS; i++)
    if (sv_streq_ci(presets[i].name, name))
      p = &presets[i];
  if (!p)
    return sv_err(err, SSLVDIR_E_UNKNOWN_NAME,
                  "unknown preset '%.64s' (see sslvdir presets: exchange2007 ... exchange2019, "
                  "with or without -offload)", name);
  int rc;
  if (!sv_builder_find_site(b, site) && (rc = sslvdir_builder_add_site(b, site, err)))
    return rc;
  b->exchange_version = p->version;
  for (size_t i = 0; i < sv_xdefault_count(); i++) {
    const sv_xdefault *v = sv_xdefault_row(i);
    unsigned flags;
    if (v->site != SV_XD_FRONT || p->version < v->first || p->version > v->last ||
        v->form == SV_XD_REDIRECT ||
        sv_xdefault_flags(p->version, 0, v->path, strlen(v->path), SV_XD_FRONT, &flags))
      continue;
    rc = sslvdir_builder_add_vdir(b, site, v->path, v->kind, err);
    if (rc == SSLVDIR_E_DUPLICATE)
      continue; /* what the caller set up already stays */
    unsigned backend = p->offload && offloaded(p->version, v->kind, v->path) ? 0 : flags;
    if (rc || (rc = sslvdir_builder_set_vdir_edge_flags(b, site, v->path, flags, err)) ||
        (rc = sslvdir_builder_set_vdir_backend_flags(b, site, v->path, backend, err)) ||
        (rc = sslvdir_builder_set_vdir_redirect(b, site, v->path,
                                                redirects(v->path) ? 302 : 0, err)))
      return rc;
  }
  if (p->offload) {
    /* SSLOffloaded is OWA's switch on 2007/2010; Outlook Anywhere's goes
     * with /Rpc, offloaded by the 2010 preset and off by default on 2013+. */
    if ((rc = sslvdir_settings_set_dword(b->settings, SSLVDIR_KEY_SSL_OFFLOADED, 1, err)) ||
        (p->version >= 2010 &&
         (rc = sslvdir_settings_set_dword(b->settings, SSLVDIR_KEY_OA_SSL_OFFLOADING, 1, err))))
      return rc;
  }
  return SSLVDIR_OK;
}
