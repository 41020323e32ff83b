/*
 * Built-in presets: the default vdir sets of Exchange 2007 to 2019.
 *
 * Sources: seed 002 (Exchange 2007 offloading: OWA and SSLOffloaded), seed 004
 * (Exchange 2013 offloading, vdir by vdir), DOMAIN.md section 2 (2016/2019:
 * every vdir requires SSL but PowerShell and Rpc; owa/Calendar is exempt).
 */
#include "config.h"

#include <string.h>

#include "internal.h"

#define REQ (SSLVDIR_SSL | SSLVDIR_SSL_128)

enum { F_REDIRECT = 1, F_OFFLOAD = 2 /* backend None in the -offload variant */ };

struct preset_vdir {
  const char *path;
  sslvdir_kind kind;
  unsigned flags;
  int opts;
};

static const struct preset_vdir v2007[] = {
  {"/", SSLVDIR_KIND_OTHER, REQ, F_REDIRECT},
  {"/owa", SSLVDIR_KIND_OWA, REQ, F_REDIRECT | F_OFFLOAD},
  {"/Exchange", SSLVDIR_KIND_OWA, REQ, F_REDIRECT},
  {"/Public", SSLVDIR_KIND_OWA, REQ, F_REDIRECT},
  {"/Exchweb", SSLVDIR_KIND_OWA, REQ, F_REDIRECT},
  {"/EWS", SSLVDIR_KIND_EWS, REQ, 0},
  {"/Microsoft-Server-ActiveSync", SSLVDIR_KIND_EAS, REQ, 0},
  {"/OAB", SSLVDIR_KIND_OAB, 0, 0},
  {"/Autodiscover", SSLVDIR_KIND_AUTODISCOVER, REQ, 0},
  {"/UnifiedMessaging", SSLVDIR_KIND_OTHER, REQ, 0},
  {"/Rpc", SSLVDIR_KIND_RPC, 0, 0},
  {"/RpcWithCert", SSLVDIR_KIND_RPC, 0, 0},
};

static const struct preset_vdir v2010[] = {
  {"/", SSLVDIR_KIND_OTHER, REQ, F_REDIRECT},
  {"/owa", SSLVDIR_KIND_OWA, REQ, F_REDIRECT | F_OFFLOAD},
  {"/ecp", SSLVDIR_KIND_ECP, REQ, F_REDIRECT | F_OFFLOAD},
  {"/Exchange", SSLVDIR_KIND_OWA, REQ, F_REDIRECT},
  {"/Public", SSLVDIR_KIND_OWA, REQ, F_REDIRECT},
  {"/Exchweb", SSLVDIR_KIND_OWA, REQ, F_REDIRECT},
  {"/EWS", SSLVDIR_KIND_EWS, REQ, F_OFFLOAD},
  {"/EWS/mrsproxy.svc", SSLVDIR_KIND_MRSPROXY, REQ, 0},
  {"/Microsoft-Server-ActiveSync", SSLVDIR_KIND_EAS, REQ, F_OFFLOAD},
  {"/OAB", SSLVDIR_KIND_OAB, 0, 0},
  {"/Autodiscover", SSLVDIR_KIND_AUTODISCOVER, REQ, F_OFFLOAD},
  {"/PowerShell", SSLVDIR_KIND_POWERSHELL, 0, 0},
  {"/Rpc", SSLVDIR_KIND_RPC, 0, 0},
  {"/RpcWithCert", SSLVDIR_KIND_RPC, 0, 0},
};

static const struct preset_vdir v2013[] = {
  {"/", SSLVDIR_KIND_OTHER, REQ, F_REDIRECT},
  {"/owa", SSLVDIR_KIND_OWA, REQ, F_REDIRECT | F_OFFLOAD},
  {"/owa/Calendar", SSLVDIR_KIND_OWA, 0, 0},
  {"/ecp", SSLVDIR_KIND_ECP, REQ, F_REDIRECT | F_OFFLOAD},
  {"/EWS", SSLVDIR_KIND_EWS, REQ, F_OFFLOAD},
  {"/EWS/mrsproxy.svc", SSLVDIR_KIND_MRSPROXY, REQ, 0},
  {"/Microsoft-Server-ActiveSync", SSLVDIR_KIND_EAS, REQ, F_OFFLOAD},
  {"/OAB", SSLVDIR_KIND_OAB, REQ, F_OFFLOAD},
  {"/mapi", SSLVDIR_KIND_MAPI, REQ, F_OFFLOAD},
  {"/Autodiscover", SSLVDIR_KIND_AUTODISCOVER, REQ, F_OFFLOAD},
  {"/PowerShell", SSLVDIR_KIND_POWERSHELL, 0, 0},
  {"/Rpc", SSLVDIR_KIND_RPC, 0, 0},
};

struct preset {
  const char *name;
  const char *description;
  unsigned version;
  int offload;
  const struct preset_vdir *vdirs;
  size_t nvdirs;
};

#define VD(a) a, sizeof a / sizeof a[0]
static const struct preset presets[] = {
  {"exchange2007", "Exchange 2007 Client Access defaults: SSL required, every vdir bridged", 2007, 0, VD(v2007)},
  {"exchange2007-offload", "Exchange 2007 with OWA offloaded as seed 002 says (Require SSL cleared, SSLOffloaded=1)", 2007, 1, VD(v2007)},
  {"exchange2010", "Exchange 2010 Client Access defaults: SSL required, every vdir bridged", 2010, 0, VD(v2010)},
  {"exchange2010-offload", "Exchange 2010 with OWA, ECP, EWS, EAS and Autodiscover offloaded (SSLOffloaded=1, Outlook Anywhere SSLOffloading on)", 2010, 1, VD(v2010)},
  {"exchange2013", "Exchange 2013 defaults: SSL required except PowerShell, Rpc and owa/Calendar", 2013, 0, VD(v2013)},
  {"exchange2013-offload", "Exchange 2013 SP1 offloaded as seed 004 says (sslFlags None on owa, ecp, EWS, EAS, OAB, mapi, Autodiscover)", 2013, 1, VD(v2013)},
  {"exchange2016", "Exchange 2016 defaults: SSL required except PowerShell, Rpc and owa/Calendar", 2016, 0, VD(v2013)},
  {"exchange2016-offload", "Exchange 2016 offloaded vdir by vdir (MRSProxy stays bridged)", 2016, 1, VD(v2013)},
  {"exchange2019", "Exchange 2019 defaults: SSL required except PowerShell, Rpc and owa/Calendar", 2019, 0, VD(v2013)},
  {"exchange2019-offload", "Exchange 2019 offloaded vdir by vdir (MRSProxy stays bridged)", 2019, 1, VD(v2013)},
};
#define NPRESETS (sizeof presets / sizeof presets[0])

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
  for (size_t i = 0; i < p->nvdirs; i++) {
    const struct preset_vdir *v = &p->vdirs[i];
    rc = sslvdir_builder_add_vdir(b, site, v->path, v->kind, err);
    if (rc == SSLVDIR_E_DUPLICATE)
      continue; /* what the caller set up already stays */
    unsigned backend = (p->offload && (v->opts & F_OFFLOAD)) ? 0 : v->flags;
    if (rc || (rc = sslvdir_builder_set_vdir_edge_flags(b, site, v->path, v->flags, err)) ||
        (rc = sslvdir_builder_set_vdir_backend_flags(b, site, v->path, backend, err)) ||
        (rc = sslvdir_builder_set_vdir_redirect(b, site, v->path,
                                                (v->opts & F_REDIRECT) ? 302 : 0, err)))
      return rc;
  }
  if (p->offload) {
    if ((rc = sslvdir_settings_set_dword(b->settings, SSLVDIR_KEY_SSL_OFFLOADED, 1, err)) ||
        (rc = sslvdir_settings_set_dword(b->settings, SSLVDIR_KEY_OA_SSL_OFFLOADING, 1, err)))
      return rc;
  }
  return SSLVDIR_OK;
}
