/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Plans: from a server's current SSL state to a wanted offloading setup, as
 * the commands of Configuring SSL offloading in Exchange 2013 (appcmd,
 * Set-WebConfigurationProperty, Set-OutlookAnywhere), registry values and application pool
 * recycles.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sslvdir/plan.h>

#include "internal.h"

typedef struct want {
  char *path;
  int upstream;
  sslvdir_kind kind;
} want;

typedef struct step {
  int kind;
  unsigned flags; /* what an SSLVDIR_STEP_SSLFLAGS step sets */
  char *target, *appcmd, *ps, *why;
} step;

struct sslvdir_plan {
  /* Copies of the caller's configuration and registry values, which the
   * header lets the caller free once sslvdir_plan_new() returns: wants and
   * builds after that still read them. */
  sslvdir_iisconfig *cfg;
  sslvdir_settings *reg;
  unsigned version;
  char *server, *ext_host, *auth;
  want *wants;
  size_t nwants, capwants;
  step *steps;
  size_t nsteps, capsteps;
  sslvdir_settings *regset; /* the registry values the plan sets */
};

static const char appcmd[] = "&$env:systemroot\\system32\\inetsrv\\appcmd";

static void clear_steps(sslvdir_plan *p) {
  for (size_t i = 0; i < p->nsteps; i++) {
    sv_free(p->steps[i].target);
    sv_free(p->steps[i].appcmd);
    sv_free(p->steps[i].ps);
    sv_free(p->steps[i].why);
  }
  p->nsteps = 0;
  sslvdir_settings_free(p->regset);
  p->regset = NULL;
}

SSLVDIR_EXTERN void sslvdir_plan_free(sslvdir_plan *p) {
  if (!p)
    return;
  clear_steps(p);
  sv_free(p->steps);
  for (size_t i = 0; i < p->nwants; i++)
    sv_free(p->wants[i].path);
  sv_free(p->wants);
  sv_free(p->server);
  sv_free(p->ext_host);
  sv_free(p->auth);
  sslvdir_iisconfig_free(p->cfg);
  sslvdir_settings_free(p->reg);
  sv_free(p);
}

SSLVDIR_EXTERN int sslvdir_plan_new(sslvdir_plan **out, const sslvdir_iisconfig *cfg,
                                    const sslvdir_settings *reg, unsigned version,
                                    sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "plan: NULL argument");
  if (sv_exchange_version_check(version, "plan", err))
    return SSLVDIR_E_RANGE;
  sslvdir_plan *p = sv_calloc(1, sizeof *p);
  if (!p || !(p->server = sv_strdup("MyServer"))) {
    sv_free(p);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  p->version = version;
  int rc = cfg ? sv_iisconfig_dup(&p->cfg, cfg, err) : SSLVDIR_OK;
  if (!rc && reg && (sslvdir_settings_new(&p->reg, NULL) || sv_settings_copy_into(p->reg, reg)))
    rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  if (rc) {
    sslvdir_plan_free(p);
    return rc;
  }
  *out = p;
  return SSLVDIR_OK;
}

/* Server and host names go into cmdlets unquoted: letters, digits and
 * "-._" only, and never a leading '-', which PowerShell would read as a
 * parameter name. */
static int name_ok(const char *s) {
  if (!s || !*s || *s == '-' || strlen(s) > 253)
    return 0;
  for (; *s; s++)
    if (!SV_ALNUM(*s) && *s != '-' && *s != '.' && *s != '_')
      return 0;
  return 1;
}

/*
 * Names from the user or the configuration (a "Site/vdir" path, a location,
 * an application pool) are written between double quotes in both forms,
 * as Microsoft's "Configuring SSL offloading in Exchange 2013" writes them.
 * The appcmd lines run in PowerShell (they start with "&$env:systemroot")
 * and are also what that document tells admins to type into cmd.exe;
 * appcmd.exe then splits its own command line. So a name may hold only
 * bytes that mean themselves inside double quotes to all three: what one
 * of them would expand, end the string at or escape is refused, never
 * escaped, because an escape for one of them is a literal for another.
 * Single quotes, '&', '|', '<', '>', '^' and ';' are literal inside double
 * quotes in both shells, and stay. Returns why a name is refused, or NULL.
 */
static const char control[] = "a control character";

static const char *unquotable(const char *name) {
  for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
    if (*c < 0x20 || *c == 0x7f)
      return control;
    if (*c >= 0x80)
      /* Windows PowerShell 5.1 reads a script without a BOM in the ANSI code
       * page, where bytes of UTF-8 sequences are quotation marks (0x91 to
       * 0x94 are the typographic quotes PowerShell ends strings at), and
       * U+201C to U+201E themselves end a double-quoted string. */
      return "a byte above 0x7F (PowerShell may read it as a quotation mark)";
    switch (*c) {
    case '"': return "'\"', which ends the quoted name in every shell";
    case '`': return "'`', PowerShell's escape character";
    case '$': return "'$', which PowerShell expands inside double quotes";
    case '%': return "'%', which cmd.exe expands even inside double quotes";
    case '!': return "'!', which cmd.exe expands when delayed expansion is on";
    case '\\': return "'\\', which escapes the closing quote for appcmd.exe";
    default: break;
    }
  }
  return NULL;
}

/* The error for a name unquotable() refuses; what is a control character
 * is not echoed. */
static int refuse_name(sslvdir_error *err, const char *what, const char *name, const char *why) {
  return sv_err(err, SSLVDIR_E_SYNTAX, "plan: %s\"%.200s\" cannot be written safely into a "
                "command: it holds %s", what, why == control ? "..." : name, why);
}

/* Pool names are bare in that document (Restart-WebAppPool
 * MSExchangeOWAAppPool); any other name is quoted. */
/* Whether a name may go into a command without quotes: PowerShell reads an
 * unquoted argument that parses as a number as that number (0x10 is 16, 1e3
 * is 1000, 1kb is 1024), so a bare name starts with a letter. */
static int bare_ok(const char *s) {
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
    return 0;
  for (; *s; s++)
    if (!SV_ALNUM(*s) && *s != '-' && *s != '.' && *s != '_')
      return 0;
  return 1;
}

SSLVDIR_EXTERN int sslvdir_plan_set_outlook_anywhere(sslvdir_plan *p, const char *server,
                                                     const char *ext, const char *auth,
                                                     sslvdir_error *err) {
  if (!p || !server)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "plan: NULL argument");
  if (!name_ok(server) || (ext && !name_ok(ext)))
    return sv_err(err, SSLVDIR_E_SYNTAX, "plan: '%.200s' is not a server or host name",
                  name_ok(server) ? ext : server);
  static const char *const auths[] = {"Basic", "Ntlm", "Negotiate"};
  const char *a = NULL;
  for (size_t i = 0; i < 3; i++)
    if (sv_streq_ci(auth ? auth : "Basic", auths[i]))
      a = auths[i];
  if (!a)
    return sv_err(err, SSLVDIR_E_UNKNOWN_NAME, "plan: Outlook Anywhere authentication '%.64s' "
                  "is not Basic, Ntlm or Negotiate", auth);
  char *s = sv_strdup(server), *e = ext ? sv_strdup(ext) : NULL, *au = sv_strdup(a);
  if (!s || (ext && !e) || !au) {
    sv_free(s);
    sv_free(e);
    sv_free(au);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  sv_free(p->server);
  sv_free(p->ext_host);
  sv_free(p->auth);
  p->server = s;
  p->ext_host = e;
  p->auth = au;
  return SSLVDIR_OK;
}

/* Where Extended Protection is on at path or at a location under it (all
 * of which offloading path would clear), or NULL. A plan refuses to
 * offload such a vdir rather than turn Extended Protection off itself:
 * that is a security setting the administrator must choose to drop, with
 * the Exchange cmdlets, not a side effect of an sslFlags plan. */
static const char *extended_protection_under(const sslvdir_iisconfig *cfg, const char *path) {
  int tc;
  const char *from;
  if (!cfg)
    return NULL;
  if (!sslvdir_iisconfig_extended_protection(cfg, path, &tc, &from) &&
      tc != SSLVDIR_TOKEN_CHECKING_NONE)
    return path;
  size_t pl = strlen(path);
  for (size_t l = 0; l < sv_iis_loc_count(cfg); l++) {
    unsigned lf;
    const char *lp = sv_iis_loc(cfg, l, &lf);
    if (lp && strlen(lp) > pl && lp[pl] == '/' && sv_eq_ci(lp, pl, path, pl) &&
        sv_kind_from_vdir_name(strchr(lp, '/')) != SSLVDIR_KIND_MRSPROXY &&
        !sslvdir_iisconfig_extended_protection(cfg, lp, &tc, &from) &&
        tc != SSLVDIR_TOKEN_CHECKING_NONE)
      return lp;
  }
  return NULL;
}

SSLVDIR_EXTERN int sslvdir_plan_want(sslvdir_plan *p, const char *path, sslvdir_upstream up,
                                     sslvdir_error *err) {
  if (!p || !path || (up != SSLVDIR_UPSTREAM_OFFLOAD && up != SSLVDIR_UPSTREAM_BRIDGE))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "plan: a path and offload or bridge are required");
  const char *why = unquotable(path); /* first: nothing hostile is echoed */
  if (why)
    return refuse_name(err, "", path, why);
  const char *slash = strchr(path, '/');
  if (!slash || slash == path || !slash[1] || strlen(path) > 1024)
    return sv_err(err, SSLVDIR_E_SYNTAX, "plan: '%.200s' is not \"Site/vdir\"", path);
  size_t sl = (size_t)(slash - path);
  if (sv_eq_ci(path, sl, "Exchange Back End", 17))
    return sv_err(err, SSLVDIR_E_REFUSED,
                  "plan: '%s' is on the Exchange Back End site: only the "
                  "Default Web Site is configured for SSL offloading, never the back end "
                  "(Configuring SSL offloading in Exchange 2013)",
                  path);
  int found = !p->cfg;
  for (size_t i = 0; p->cfg && i < sslvdir_iisconfig_site_count(p->cfg); i++) {
    const char *name;
    if (!sslvdir_iisconfig_site(p->cfg, i, &name, NULL, NULL) && sv_eq_ci(name, strlen(name), path, sl))
      found = 1;
  }
  if (!found)
    return sv_err(err, SSLVDIR_E_NOT_FOUND, "plan: the configuration has no site '%.*s'", (int)sl,
                  path);
  /* A misspelled vdir would otherwise get steps for a location that no URL
   * reaches, and the vdir meant would keep its settings. */
  if (p->cfg && !sv_iis_names_vdir(p->cfg, path))
    return sv_err(err, SSLVDIR_E_NOT_FOUND, "plan: the configuration has no vdir '%.200s' (no "
                  "application or location at or above it on its site)", path);
  /* Without one, what Exchange ships stands in for the configuration (as in
   * sslvdir_plan_build()): its steps would otherwise name a site or a vdir
   * the server may not have, and the one meant would keep its settings. */
  int xsite;
  const char *rel;
  size_t rlen;
  if (!p->cfg && (sv_xdefault_site_path(path, &xsite, &rel, &rlen) || xsite != SV_XD_FRONT))
    return sv_err(err, SSLVDIR_E_NOT_FOUND, "plan: '%.*s' is not the site Exchange creates "
                  "(Default Web Site); for another site, give the server's applicationHost.config",
                  (int)(sl > 100 ? 100 : sl), path);
  if (!p->cfg && !sv_xdefault_ships(p->version, xsite, rel, rlen)) {
    char ver[16] = "";
    if (p->version == 2025)
      memcpy(ver, " SE", 4);
    else if (p->version)
      snprintf(ver, sizeof ver, " %u", p->version);
    return sv_err(err, SSLVDIR_E_NOT_FOUND, "plan: Exchange%s creates no vdir '%.150s'; for "
                  "one it does not create, give the server's applicationHost.config", ver, path);
  }
  sslvdir_kind kind = sv_kind_from_vdir_name(slash);
  if (up == SSLVDIR_UPSTREAM_OFFLOAD && kind == SSLVDIR_KIND_MRSPROXY)
    return sv_err(err, SSLVDIR_E_REFUSED, "plan: '%s' is MRSProxy, which does not support SSL "
                  "offloading: it expects signed and encrypted traffic and needs SSL bridging",
                  path);
  if (up == SSLVDIR_UPSTREAM_OFFLOAD && kind == SSLVDIR_KIND_EAS && p->version == 2007)
    return sv_err(err, SSLVDIR_E_REFUSED, "plan: '%s' is Exchange ActiveSync on Exchange 2007, "
                  "which does not support SSL offloading", path);
  /* A backend that requires the client's certificate (ActiveSync
   * certificate authentication) can be reached neither way through a proxy
   * that ends TLS; offloading would also drop the requirement silently.
   * Moving the check to the proxy (Kerberos constrained delegation) is a
   * choice made on purpose, with `config set`, not a plan's side effect. */
  unsigned cf;
  if (p->cfg && !sslvdir_iisconfig_ssl_flags(p->cfg, path, &cf, NULL) &&
      (cf & SSLVDIR_SSL_REQUIRE_CERT))
    return sv_err(err, SSLVDIR_E_REFUSED, "plan: '%.60s' requires a client certificate "
                  "(SslRequireCert), which a proxy ending TLS cannot pass on: let TLS reach "
                  "Exchange untouched, or check it at the proxy (KCD) and clear SslRequireCert "
                  "first", path);
  const char *ep = up == SSLVDIR_UPSTREAM_OFFLOAD ? extended_protection_under(p->cfg, path) : NULL;
  if (ep)
    /* err's message holds 255 bytes: the cmdlet must fit. */
    return sv_err(err, SSLVDIR_E_REFUSED, "plan: '%.60s' has Extended Protection, which SSL "
                  "offloading does not support: bridge it, or turn it off first "
                  "(Set-*VirtualDirectory -ExtendedProtectionTokenChecking None)", ep);
  for (size_t i = 0; i < p->nwants; i++)
    if (sv_streq_ci(p->wants[i].path, path)) {
      p->wants[i].upstream = up;
      return SSLVDIR_OK;
    }
  char *copy = sv_strdup(path);
  if (!copy || sv_grow((void **)&p->wants, &p->capwants, p->nwants + 1, sizeof *p->wants)) {
    sv_free(copy);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  p->wants[p->nwants++] = (want){copy, up, kind};
  return SSLVDIR_OK;
}

static int add_step(sslvdir_plan *p, int kind, char *target, char *ac, char *ps, char *why) {
  if (!target || !ac || !ps || !why ||
      sv_grow((void **)&p->steps, &p->capsteps, p->nsteps + 1, sizeof *p->steps)) {
    sv_free(target);
    sv_free(ac);
    sv_free(ps);
    sv_free(why);
    return SSLVDIR_E_NOMEM;
  }
  p->steps[p->nsteps++] = (step){kind, 0, target, ac, ps, why};
  return SSLVDIR_OK;
}

/* The application pools of Configuring SSL offloading in Exchange 2013, for
 * plans without a configuration. */
static const char *default_pool(sslvdir_kind k) {
  switch (k) {
  case SSLVDIR_KIND_OWA: return "MSExchangeOWAAppPool";
  case SSLVDIR_KIND_ECP: return "MSExchangeECPAppPool";
  case SSLVDIR_KIND_EWS: return "MSExchangeServicesAppPool";
  case SSLVDIR_KIND_EAS: return "MSExchangeSyncAppPool";
  case SSLVDIR_KIND_OAB: return "MSExchangeOABAppPool";
  case SSLVDIR_KIND_AUTODISCOVER: return "MSExchangeAutodiscoverAppPool";
  case SSLVDIR_KIND_MAPI: return "MSExchangeMapiFrontEndAppPool";
  case SSLVDIR_KIND_RPC: return "MSExchangeRpcProxyFrontEndAppPool";
  case SSLVDIR_KIND_POWERSHELL: return "MSExchangePowerShellFrontEndAppPool";
  default: return NULL;
  }
}

/* The pool of the application holding path (the longest prefix). */
static const char *pool_of(const sslvdir_plan *p, const char *path, sslvdir_kind kind) {
  const char *best = NULL;
  size_t bl = 0;
  for (size_t i = 0; p->cfg && i < sslvdir_iisconfig_app_count(p->cfg); i++) {
    const char *ap, *pool;
    if (sslvdir_iisconfig_app(p->cfg, i, &ap, &pool))
      continue;
    size_t al = strlen(ap);
    if (al > bl && strlen(path) >= al && sv_eq_ci(ap, al, path, al) &&
        (path[al] == '\0' || path[al] == '/') && pool[0]) {
      best = pool;
      bl = al;
    }
  }
  return best ? best : default_pool(kind);
}

#define MAX_POOLS 256

/* Adds pool once; -1 when the list is full (the plan then resets IIS as a
 * whole rather than leave a changed application unrecycled). */
static int add_pool(const char **pools, size_t *n, const char *pool) {
  if (!pool)
    return 0;
  for (size_t i = 0; i < *n; i++)
    if (!strcmp(pools[i], pool))
      return 0;
  if (*n == MAX_POOLS)
    return -1;
  pools[(*n)++] = pool;
  return 1;
}

static int flags_step(sslvdir_plan *p, const char *path, unsigned flags, const char *why) {
  char text[SSLVDIR_FLAGS_TEXT_MAX], compact[SSLVDIR_FLAGS_TEXT_MAX];
  if (unquotable(path))
    return SSLVDIR_E_SYNTAX;
  if (sslvdir_flags_format(flags, text, sizeof text, NULL))
    return SSLVDIR_E_INVALID_ARGUMENT;
  size_t o = 0; /* "Ssl, Ssl128" -> "Ssl,Ssl128" as the scripts write it */
  for (const char *c = text; *c; c++)
    if (*c != ' ')
      compact[o++] = *c;
  compact[o] = '\0';
  int multi = strchr(compact, ',') != NULL;
  int rc = add_step(p, SSLVDIR_STEP_SSLFLAGS, sv_strdup(path),
                  sv_strdupf("%s set config \"%s\" /section:access /sslFlags:%s%s%s /commit:APPHOST",
                      appcmd, path, multi ? "\"" : "", compact, multi ? "\"" : ""),
                  sv_strdupf("Set-WebConfigurationProperty -Filter //security/access -name sslflags "
                      "-Value \"%s\" -PSPath IIS: -Location \"%s\"", compact, path),
                  sv_strdup(why));
  if (!rc)
    p->steps[p->nsteps - 1].flags = flags;
  return rc;
}

/* Whether a (al bytes) is path or a location above it, in whole segments. */
static int at_or_above(const char *a, size_t al, const char *path) {
  size_t pl = strlen(path);
  return al <= pl && sv_eq_ci(a, al, path, al) && (path[al] == '\0' || path[al] == '/');
}

/* The sslFlags in force at path once the steps made so far are applied, or
 * -1 when there is no configuration and no step at or above it. Each want
 * is checked against the configuration as the plan leaves it, not as it
 * was: EWS/mrsproxy.svc inherits Ssl from EWS today, and would silently
 * inherit None once EWS is offloaded. A step counts when it is at path or
 * above it and at least as deep as the location the configuration takes
 * the flags from: a deeper location overrides it, as in IIS. */
static long planned_flags(const sslvdir_plan *p, const char *path, size_t *from_len) {
  unsigned f = 0;
  const char *from = NULL;
  long cur = -1;
  if (p->cfg && !sslvdir_iisconfig_ssl_flags(p->cfg, path, &f, &from))
    cur = (long)f;
  size_t depth = from ? strlen(from) : 0, best = 0;
  if (from_len)
    *from_len = depth;
  for (size_t i = 0; i < p->nsteps; i++) {
    const step *s = &p->steps[i];
    size_t tl = strlen(s->target);
    /* Later steps at the same depth win: they are made later. */
    if (s->kind == SSLVDIR_STEP_SSLFLAGS && tl >= depth && tl >= best &&
        at_or_above(s->target, tl, path)) {
      cur = (long)s->flags;
      best = tl;
      if (from_len)
        *from_len = tl;
    }
  }
  return cur;
}

/* Whether another want, deeper than w, is at or above path: that want
 * decides path's flags, so w's steps leave it alone. */
static int covered(const sslvdir_plan *p, const want *w, const char *path) {
  size_t wl = strlen(w->path);
  for (size_t i = 0; i < p->nwants; i++) {
    size_t l = strlen(p->wants[i].path);
    if (&p->wants[i] != w && l > wl && at_or_above(p->wants[i].path, l, path))
      return 1;
  }
  return 0;
}

/* Whether "Site/vdir" names the vdir name (and nothing under it). */
static int vdir_is(const char *path, const char *name) {
  const char *slash = strchr(path, '/');
  return slash && sv_streq_ci(slash + 1, name);
}

/* Whether the configuration has the application "Site/EWS" of path's site. */
static int has_ews(const sslvdir_iisconfig *cfg, const char *path) {
  size_t sl = strcspn(path, "/");
  for (size_t i = 0; i < sslvdir_iisconfig_app_count(cfg); i++) {
    const char *ap;
    if (!sslvdir_iisconfig_app(cfg, i, &ap, NULL) && strlen(ap) == sl + 4 &&
        sv_eq_ci(ap, sl, path, sl) && sv_streq_ci(ap + sl, "/EWS"))
      return 1;
  }
  return 0;
}

static size_t depth_of(const char *path) {
  size_t d = 0;
  for (; *path; path++)
    d += *path == '/';
  return d;
}

SSLVDIR_EXTERN int sslvdir_plan_build(sslvdir_plan *p, unsigned flags, sslvdir_error *err) {
  if (!p)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "plan: NULL argument");
  if (flags & ~SSLVDIR_PLAN_IISRESET)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "plan: unknown flags 0x%x",
                  flags & ~SSLVDIR_PLAN_IISRESET);
  clear_steps(p);
  if (sslvdir_settings_new(&p->regset, NULL))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  int rc = SSLVDIR_OK;
  /* 1. Outlook Anywhere. */
  const want *rpc = NULL;
  for (size_t i = 0; i < p->nwants; i++)
    if (vdir_is(p->wants[i].path, "Rpc")) /* SSLOffloading is /Rpc's, not RpcWithCert's */
      rpc = &p->wants[i];
  const char *xq = p->ext_host && !bare_ok(p->ext_host) ? "\"" : "";
  if (p->ext_host)
    rc = add_step(p, SSLVDIR_STEP_EXCHANGE, sv_strdupf("%s\\Rpc*", p->server),
                  sv_strdupf("Set-OutlookAnywhere -Identity %s\\Rpc* -Externalhostname %s%s%s "
                      "-ExternalClientsRequireSsl $True -ExternalClientAuthenticationMethod %s",
                      p->server, xq, p->ext_host, xq, p->auth),
                  sv_strdupf("Set-OutlookAnywhere -Identity %s\\Rpc* -Externalhostname %s%s%s "
                      "-ExternalClientsRequireSsl $True -ExternalClientAuthenticationMethod %s",
                      p->server, xq, p->ext_host, xq, p->auth),
                  sv_strdup("Outlook Anywhere's external host name, required of clients over SSL"));
  if (!rc && rpc) {
    int on = rpc->upstream == SSLVDIR_UPSTREAM_OFFLOAD;
    uint32_t cur = 0;
    int known = p->reg && (!sslvdir_settings_get_dword(p->reg, SSLVDIR_KEY_OA_SSL_OFFLOADING, &cur) ||
                           !sslvdir_settings_default_dword(SSLVDIR_KEY_OA_SSL_OFFLOADING, p->version, &cur));
    if (!known || (cur != 0) != on)
      rc = add_step(p, SSLVDIR_STEP_EXCHANGE, sv_strdupf("%s\\Rpc*", p->server),
                    sv_strdupf("Set-OutlookAnywhere -Identity %s\\Rpc* -SSLOffloading $%s", p->server,
                        on ? "true" : "false"),
                    sv_strdupf("Set-OutlookAnywhere -Identity %s\\Rpc* -SSLOffloading $%s", p->server,
                        on ? "true" : "false"),
                    sv_strdup(on ? "Outlook Anywhere accepts plain HTTP from the offloader"
                                 : "Outlook Anywhere requires SSL again (bridging)"));
  }
  /* 2. Registry: OWA on 2007 and 2010 renders http:// links unless SSLOffloaded=1. */
  for (size_t i = 0; !rc && i < p->nwants; i++) {
    const want *w = &p->wants[i];
    /* SSLOffloaded is OWA's own switch: the legacy Exchange, Public and
     * Exchweb vdirs do not render OWA's links. */
    if (!vdir_is(w->path, "owa") || (p->version != 2007 && p->version != 2010))
      continue;
    uint32_t want_v = w->upstream == SSLVDIR_UPSTREAM_OFFLOAD, cur = 0;
    int known = p->reg && !sslvdir_settings_get_dword(p->reg, SSLVDIR_KEY_SSL_OFFLOADED, &cur);
    uint32_t already = 0;
    if (!sslvdir_settings_get_dword(p->regset, SSLVDIR_KEY_SSL_OFFLOADED, &already))
      continue; /* one OWA vdir set it already */
    if (known ? cur == want_v : want_v == 0)
      continue;
    if (sslvdir_settings_set_dword(p->regset, SSLVDIR_KEY_SSL_OFFLOADED, want_v, NULL)) {
      rc = SSLVDIR_E_NOMEM;
      break;
    }
    rc = add_step(
        p, SSLVDIR_STEP_REGISTRY, sv_strdup(SSLVDIR_KEY_SSL_OFFLOADED),
        sv_strdupf("reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA\" /v "
                   "SSLOffloaded /t REG_DWORD /d %u /f",
                   (unsigned)want_v),
        sv_strdupf("New-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchange "
                   "OWA' -Name SSLOffloaded -PropertyType DWord -Value %u -Force",
                   (unsigned)want_v),
        sv_strdup(want_v ? "OWA on Exchange 2007/2010 writes https:// links behind an "
                           "offloader only with SSLOffloaded=1 (SSL offloading for Outlook Web "
                           "Access (Exchange 2007))"
                         : "OWA is bridged again: SSLOffloaded back to 0"));
  }
  /* 3. sslFlags, then 4. the pools. Vdirs above others first (a parent's
   * change reaches the vdirs under it, which are then checked against it),
   * otherwise in the order wanted. */
  const char *pools[MAX_POOLS];
  size_t npools = 0;
  int full = 0;
  const char *bad = NULL; /* a name of the configuration unquotable() refuses */
  size_t *order = p->nwants ? sv_malloc(p->nwants * sizeof *order) : NULL;
  if (p->nwants && !order)
    rc = SSLVDIR_E_NOMEM;
  for (size_t i = 0; !rc && i < p->nwants; i++) { /* a stable insertion sort by depth */
    size_t j = i, d = depth_of(p->wants[i].path);
    for (; j > 0 && depth_of(p->wants[order[j - 1]].path) > d; j--)
      order[j] = order[j - 1];
    order[j] = i;
  }
  for (size_t oi = 0; !rc && oi < p->nwants; oi++) {
    const want *w = &p->wants[order[oi]];
    int off = w->upstream == SSLVDIR_UPSTREAM_OFFLOAD;
    size_t from_len;
    long cur = planned_flags(p, w->path, &from_len);
    /* Without a configuration, what the version ships stands in for it
     * (lib/exchange_defaults.def); unknown, every step is written, except
     * offloading Rpc, which ships None from 2013 on. */
    int site;
    const char *rel;
    size_t rlen;
    unsigned shipped;
    long base = cur;
    if (cur < 0 && !sv_xdefault_site_path(w->path, &site, &rel, &rlen) &&
        !sv_xdefault_flags(p->version, 0, rel, rlen, site, &shipped))
      base = (long)shipped;
    /* Bridging adds SSL and keeps the client-certificate flags the vdir has
     * (PowerShell ships with SslNegotiateCert). */
    unsigned keep = base > 0 ? (unsigned)base & (SSLVDIR_SSL_NEGOTIATE_CERT |
                                                 SSLVDIR_SSL_REQUIRE_CERT | SSLVDIR_SSL_MAP_CERT)
                             : 0;
    unsigned target = off ? SSLVDIR_SSL_NONE : (SSLVDIR_SSL | SSLVDIR_SSL_128 | keep);
    int change = cur < 0 ? (base < 0 ? !(off && w->kind == SSLVDIR_KIND_RPC)
                            : off    ? (base & (SSLVDIR_SSL | SSLVDIR_SSL_128 |
                                                SSLVDIR_SSL_REQUIRE_CERT)) != 0
                                     : 1)
                         : off ? (cur & (SSLVDIR_SSL | SSLVDIR_SSL_128 | SSLVDIR_SSL_REQUIRE_CERT)) != 0
                               : !(cur & SSLVDIR_SSL);
    /* Offloaded means None set on the vdir itself, as the scripts set it:
     * None inherited from the site root is the redirect recipe left
     * unfinished, and goes away when the root is put right. */
    if (off && cur >= 0 && from_len < strlen(w->path))
      change = 1;
    if (change) {
      rc = flags_step(p, w->path, target, off ? "the offloader sends plain HTTP: the vdir must "
                                                "not require SSL"
                                              : "bridged: the backend requires SSL again");
      full |= add_pool(pools, &npools, pool_of(p, w->path, w->kind)) < 0;
    }
    /* Deeper locations that set sslFlags of their own override the vdir's;
     * offloading keeps MRSProxy's (it stays bridged), bridging puts SSL
     * back on it too. */
    size_t pl = strlen(w->path);
    for (size_t l = 0; !rc && p->cfg && l < sv_iis_loc_count(p->cfg); l++) {
      unsigned lf;
      const char *lp = sv_iis_loc(p->cfg, l, &lf);
      if (!lp || strlen(lp) <= pl || lp[pl] != '/' || !sv_eq_ci(lp, pl, w->path, pl) ||
          covered(p, w, lp))
        continue;
      int lchange = off ? (lf & (SSLVDIR_SSL | SSLVDIR_SSL_128 | SSLVDIR_SSL_REQUIRE_CERT)) != 0
                        : !(lf & SSLVDIR_SSL);
      if (!lchange || (off && sv_kind_from_vdir_name(strchr(lp, '/')) == SSLVDIR_KIND_MRSPROXY))
        continue;
      if ((rc = flags_step(p, lp, target, "a deeper location under the vdir sets sslFlags of "
                           "its own")) == SSLVDIR_E_SYNTAX)
        bad = lp;
      full |= add_pool(pools, &npools, pool_of(p, lp, w->kind)) < 0;
    }
  }
  /* MRSProxy is a file of EWS (Exchange 2010 and later) with no location
   * of its own as shipped: offloading EWS would carry it along, and once a
   * site offloads anything, MRSProxy open to plain HTTP is reached through
   * the offloader; it needs SSL bridging (Configuring SSL offloading in
   * Exchange 2013). It gets a location that keeps SSL, unless a want of its
   * own decides it. */
  for (size_t oi = 0; !rc && oi < p->nwants && p->version != 2007; oi++) {
    const want *w = &p->wants[order[oi]];
    if (w->upstream != SSLVDIR_UPSTREAM_OFFLOAD ||
        !(p->cfg ? has_ews(p->cfg, w->path) : w->kind == SSLVDIR_KIND_EWS && vdir_is(w->path, "EWS")))
      continue;
    char *mrs = sv_strdupf("%.*s/EWS/mrsproxy.svc", (int)strcspn(w->path, "/"), w->path);
    if (!mrs) {
      rc = SSLVDIR_E_NOMEM;
      break;
    }
    int wanted = 0;
    for (size_t i = 0; i < p->nwants; i++)
      wanted |= sv_streq_ci(p->wants[i].path, mrs);
    long mf = planned_flags(p, mrs, NULL);
    if (!wanted && (mf < 0 || !(mf & SSLVDIR_SSL))) {
      rc = flags_step(p, mrs, SSLVDIR_SSL | SSLVDIR_SSL_128,
                      "MRSProxy does not support SSL offloading and stays bridged: a location "
                      "of its own keeps SSL on it");
      full |= add_pool(pools, &npools, pool_of(p, mrs, SSLVDIR_KIND_EWS)) < 0;
    }
    sv_free(mrs);
  }
  sv_free(order);
  for (size_t i = 0; !rc && i < npools; i++)
    if (unquotable(pools[i])) {
      bad = pools[i];
      rc = SSLVDIR_E_SYNTAX;
    }
  if (!rc && npools) {
    if ((flags & SSLVDIR_PLAN_IISRESET) || full)
      rc = add_step(p, SSLVDIR_STEP_RECYCLE, sv_strdup("IIS"), sv_strdup("iisreset /noforce"),
                    sv_strdup("iisreset /noforce"),
                    sv_strdup(full ? "more application pools changed than a plan recycles one by "
                                     "one: IIS restarts instead"
                                   : "IIS restarts so that every changed application reads its "
                                     "settings"));
    for (size_t i = 0; !(flags & SSLVDIR_PLAN_IISRESET) && !full && !rc && i < npools; i++) {
      int bare = bare_ok(pools[i]);
      rc = add_step(p, SSLVDIR_STEP_RECYCLE, sv_strdup(pools[i]),
                    sv_strdupf("%s Recycle AppPool %s%s%s", appcmd, bare ? "" : "\"", pools[i],
                               bare ? "" : "\""),
                    sv_strdupf("Restart-WebAppPool %s%s%s", bare ? "" : "\"", pools[i],
                               bare ? "" : "\""),
                    sv_strdup("the application pool reads the changed settings when it recycles"));
    }
  }
  if (rc) {
    clear_steps(p);
    if (rc == SSLVDIR_E_SYNTAX && bad)
      return refuse_name(err, "the configuration's ", bad, unquotable(bad));
    return sv_err(err, rc, rc == SSLVDIR_E_NOMEM ? "out of memory" : "plan: cannot be built");
  }
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN size_t sslvdir_plan_step_count(const sslvdir_plan *p) {
  return p ? p->nsteps : 0;
}

SSLVDIR_EXTERN int sslvdir_plan_step(const sslvdir_plan *p, size_t i, sslvdir_plan_form form,
                                     int *kind, const char **target, const char **text,
                                     const char **why) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (kind)
    *kind = 0;
  if (target)
    *target = NULL;
  if (text)
    *text = NULL;
  if (why)
    *why = NULL;
  if (!p || (form != SSLVDIR_PLAN_FORM_APPCMD && form != SSLVDIR_PLAN_FORM_POWERSHELL))
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (i >= p->nsteps)
    return SSLVDIR_E_NOT_FOUND;
  const step *s = &p->steps[i];
  if (kind)
    *kind = s->kind;
  if (target)
    *target = s->target;
  if (text)
    *text = form == SSLVDIR_PLAN_FORM_APPCMD ? s->appcmd : s->ps;
  if (why)
    *why = s->why;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_plan_registry(const sslvdir_plan *p, sslvdir_regfile **out,
                                         sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!p || !out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "plan: NULL argument");
  if (!p->regset || !sslvdir_settings_count(p->regset))
    return sv_err(err, SSLVDIR_E_NOT_FOUND, "the plan changes no registry value");
  return sslvdir_regfile_from_settings(out, p->regset, err);
}
