/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The audit: every misconfiguration the source documents warn about, found
 * in an Exchange server's applicationHost.config, registry values,
 * certificate and namespace, and in the proxy's policy; each with the
 * commands that fix it (from a plan where one exists).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sslvdir/audit.h>

#include "internal.h"

#define NAMESPACE_MAX 256
#define DAY 86400

typedef struct finding {
  int severity;
  int rank;
  size_t seq;
  char *code, *object, *explanation, *fix;
} finding;

struct sslvdir_audit {
  const sslvdir_iisconfig *config;
  const sslvdir_settings *registry;
  sslvdir_policy *policy;
  const sslvdir_cert *cert;
  const sslvdir_trust *trust;
  char **ns;
  size_t nns, capns;
  unsigned version;
  int64_t now;
  finding *f;
  size_t nf, capf;
  int nomem;
};

/* The codes, in the order they matter within a severity. doc/audit.md
 * lists them; they are never renamed. */
static const char *const codes[] = {
  "offload-backend-requires-ssl",
  "owa-ssloffloaded-missing",
  "oa-ssloffloading-mismatch",
  "mrsproxy-offloaded",
  "eas-offloaded-2007",
  "extended-protection-offloaded",
  "backend-site-ssl-removed",
  "site-root-not-restored",
  "offloader-too-broad",
  "cert-expired",
  "cert-not-yet-valid",
  "cert-name-not-covered",
  "autodiscover-host-missing",
  "cert-self-signed",
  "cert-revoked",
  "cert-untrusted",
  "cert-weak-key",
  "offloader-list-empty",
  "offloader-cipher-unknown",
  "client-cert-behind-proxy",
  "cert-expiring",
  "cert-weak-signature",
  "allow-external-untrusted",
  "allow-proxying-without-ssl",
  "registry-misspelled",
  "cert-wildcard",
  "offloader-list-unknown",
  "offload-redo-after-update",
};

SSLVDIR_EXTERN const char *sslvdir_severity_name(int s) {
  switch (s) {
  case SSLVDIR_SEVERITY_INFO: return "info";
  case SSLVDIR_SEVERITY_WARNING: return "warning";
  case SSLVDIR_SEVERITY_ERROR: return "error";
  default: return NULL;
  }
}

static void clear_findings(sslvdir_audit *a) {
  for (size_t i = 0; i < a->nf; i++) {
    sv_free(a->f[i].code);
    sv_free(a->f[i].object);
    sv_free(a->f[i].explanation);
    sv_free(a->f[i].fix);
  }
  a->nf = 0;
}

SSLVDIR_EXTERN int sslvdir_audit_new(sslvdir_audit **out, sslvdir_error *err) {
  if (!out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "audit: NULL argument");
  *out = sv_calloc(1, sizeof **out);
  return *out ? SSLVDIR_OK : sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
}

SSLVDIR_EXTERN void sslvdir_audit_free(sslvdir_audit *a) {
  if (!a)
    return;
  clear_findings(a);
  sv_free(a->f);
  for (size_t i = 0; i < a->nns; i++)
    sv_free(a->ns[i]);
  sv_free(a->ns);
  sslvdir_policy_unref(a->policy);
  sv_free(a);
}

SSLVDIR_EXTERN int sslvdir_audit_set_config(sslvdir_audit *a, const sslvdir_iisconfig *config) {
  if (!a)
    return SSLVDIR_E_INVALID_ARGUMENT;
  a->config = config;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_audit_set_registry(sslvdir_audit *a, const sslvdir_settings *registry) {
  if (!a)
    return SSLVDIR_E_INVALID_ARGUMENT;
  a->registry = registry;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_audit_set_policy(sslvdir_audit *a, sslvdir_policy *policy) {
  if (!a)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (policy)
    sslvdir_policy_ref(policy);
  sslvdir_policy_unref(a->policy);
  a->policy = policy;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_audit_set_cert(sslvdir_audit *a, const sslvdir_cert *cert) {
  if (!a)
    return SSLVDIR_E_INVALID_ARGUMENT;
  a->cert = cert;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_audit_set_trust(sslvdir_audit *a, const sslvdir_trust *trust) {
  if (!a)
    return SSLVDIR_E_INVALID_ARGUMENT;
  a->trust = trust;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_audit_add_namespace(sslvdir_audit *a, const char *host,
                                               sslvdir_error *err) {
  if (!a || !host)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "audit: NULL argument");
  char h[SV_HOST_MAX + 3];
  size_t n;
  if (sv_host_normalize(host, strlen(host), h, &n, 0))
    return sv_err(err, SSLVDIR_E_SYNTAX, "namespace: '%.100s' is not a host name", host);
  for (size_t i = 0; i < a->nns; i++)
    if (!strcmp(a->ns[i], h))
      return SSLVDIR_OK;
  if (a->nns >= NAMESPACE_MAX)
    return sv_err(err, SSLVDIR_E_RANGE, "namespace: more than %d names", NAMESPACE_MAX);
  char *copy = sv_strdup(h);
  if (!copy || sv_grow((void **)&a->ns, &a->capns, a->nns + 1, sizeof *a->ns)) {
    sv_free(copy);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  a->ns[a->nns++] = copy;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_audit_set_exchange_version(sslvdir_audit *a, unsigned version) {
  if (!a)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (sv_exchange_version_check(version, NULL, NULL))
    return SSLVDIR_E_RANGE;
  a->version = version;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_audit_set_time(sslvdir_audit *a, int64_t now) {
  if (!a)
    return SSLVDIR_E_INVALID_ARGUMENT;
  a->now = now;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN size_t sslvdir_audit_finding_count(const sslvdir_audit *a) { return a ? a->nf : 0; }

SSLVDIR_EXTERN int sslvdir_audit_finding(const sslvdir_audit *a, size_t i, int *severity,
                                         const char **code, const char **object,
                                         const char **explanation, const char **fix) {
  /* Cleared first: a caller looping until a failure must not read the last
   * finding again. */
  if (severity)
    *severity = 0;
  if (code)
    *code = NULL;
  if (object)
    *object = NULL;
  if (explanation)
    *explanation = NULL;
  if (fix)
    *fix = NULL;
  if (!a)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (i >= a->nf)
    return SSLVDIR_E_NOT_FOUND;
  const finding *f = &a->f[i];
  if (severity)
    *severity = f->severity;
  if (code)
    *code = f->code;
  if (object)
    *object = f->object;
  if (explanation)
    *explanation = f->explanation;
  if (fix)
    *fix = f->fix;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_audit_worst(const sslvdir_audit *a) {
  int w = 0;
  for (size_t i = 0; a && i < a->nf; i++)
    if (a->f[i].severity > w)
      w = a->f[i].severity;
  return w;
}

/* ================================================================ findings */

/* Adds a finding; fix is taken over (NULL stands for "out of memory"
 * unless nofix). Failures only set a->nomem, so that checks read simply. */
static void add(sslvdir_audit *a, int severity, const char *code, const char *object,
                char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add(sslvdir_audit *a, int severity, const char *code, const char *object,
                char *fix, const char *fmt, ...) {
  int rank = -1;
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (!strcmp(codes[i], code))
      rank = (int)i;
  for (size_t i = 0; i < a->nf; i++)
    if (!strcmp(a->f[i].code, code) && !strcmp(a->f[i].object, object)) {
      sv_free(fix); /* one finding per code and object */
      return;
    }
  char buf[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  finding f = {severity, rank, a->nf, sv_strdup(code), sv_strdup(object), sv_strdup(buf), fix};
  if (rank < 0 || !f.code || !f.object || !f.explanation || !f.fix ||
      sv_grow((void **)&a->f, &a->capf, a->nf + 1, sizeof *a->f)) {
    sv_free(f.code);
    sv_free(f.object);
    sv_free(f.explanation);
    sv_free(f.fix);
    a->nomem = 1;
    return;
  }
  a->f[a->nf++] = f;
}

static int finding_cmp(const void *x, const void *y) {
  const finding *a = x, *b = y;
  if (a->severity != b->severity)
    return b->severity - a->severity;
  if (a->rank != b->rank)
    return a->rank - b->rank;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ================================================================ inputs */

static unsigned version_of(const sslvdir_audit *a) {
  return a->version ? a->version : a->policy ? sslvdir_policy_exchange_version(a->policy) : 0;
}

/* A registry value as Exchange reads it: the audit's registry, else the
 * policy's settings, else the default. *set says whether it was set. */
static uint32_t dword(const sslvdir_audit *a, const char *path, int *set) {
  uint32_t v = 0;
  if (set)
    *set = 1;
  if (a->registry && !sslvdir_settings_get_dword(a->registry, path, &v))
    return v;
  if (a->policy && !sslvdir_settings_get_dword(sslvdir_policy_settings(a->policy), path, &v))
    return v;
  if (set)
    *set = 0;
  if (sslvdir_settings_default_dword(path, version_of(a), &v))
    v = 0;
  return v;
}

static const sslvdir_settings *plan_registry(const sslvdir_audit *a) {
  return a->registry ? a->registry : a->policy ? sslvdir_policy_settings(a->policy) : NULL;
}

/* The commands of a plan that makes config_path offloaded or bridged, in
 * the PowerShell form of Configuring SSL offloading in Exchange 2013, one per line. version 0 means
 * the audit's. NULL when out of memory; "" when the plan refuses. */
static char *plan_fix(sslvdir_audit *a, const char *config_path, sslvdir_upstream up,
                      unsigned version) {
  sslvdir_plan *p;
  sslvdir_error e;
  int rc = sslvdir_plan_new(&p, a->config, plan_registry(a), version ? version : version_of(a), &e);
  if (rc == SSLVDIR_E_NOMEM)
    return NULL;
  if (rc)
    return sv_strdup("");
  rc = sslvdir_plan_want(p, config_path, up, &e);
  if (!rc)
    rc = sslvdir_plan_build(p, 0, &e);
  char *out = NULL;
  if (rc == SSLVDIR_E_NOMEM) {
    sslvdir_plan_free(p);
    return NULL;
  }
  size_t n = rc ? 0 : sslvdir_plan_step_count(p), len = 0;
  for (size_t i = 0; i < n; i++) {
    const char *t;
    if (sslvdir_plan_step(p, i, SSLVDIR_PLAN_FORM_POWERSHELL, NULL, NULL, &t, NULL))
      continue;
    char *grown = sv_realloc(out, len + strlen(t) + 2);
    if (!grown) {
      sv_free(out);
      sslvdir_plan_free(p);
      return NULL;
    }
    out = grown;
    len += (size_t)sprintf(out + len, "%s%s", len ? "\n" : "", t);
  }
  sslvdir_plan_free(p);
  return out ? out : sv_strdup("");
}

/* ================================================================ the server */

/* Room for a site name and a vdir; longer paths are not Exchange's. */
#define VD_PATH 512

typedef struct vd {
  char path[VD_PATH];            /* "Default Web Site/owa" */
  sslvdir_kind kind;
  unsigned flags;
  const char *from;              /* the location that set the flags, or NULL */
  int token_checking;
} vd;

typedef struct server {
  const char *front, *back;      /* site names, or NULL */
  vd *v;                         /* top-level Exchange vdirs of the front site */
  size_t nv;
  vd *bv;                        /* and of the back end site */
  size_t nbv;
  int offloading;                /* evidence that SSL is offloaded */
  int offloaded_vdir;            /* ... and it is a vdir of the server */
  char evidence[320];             /* what shows it, for explanations */
} server;

/* The sslFlags Exchange ships at full ("Default Web Site/owa") for the
 * audit's version; with none given, those every candidate version agrees
 * on (2013 and later when the server has the Exchange Back End site, which
 * 2007 and 2010 lack). 0 when known. */
static int shipped(const sslvdir_audit *a, const server *s, const char *full, unsigned *flags) {
  const char *site = s->back && !strncmp(full, s->back, strlen(s->back)) ? s->back
                     : s->front && !strncmp(full, s->front, strlen(s->front)) ? s->front : NULL;
  if (!site || (full[strlen(site)] && full[strlen(site)] != '/'))
    return SV_XD_UNKNOWN;
  const char *rel = full[strlen(site)] ? full + strlen(site) : "/";
  return sv_xdefault_flags(version_of(a), s->back ? 2013 : 0, rel, strlen(rel),
                           site == s->back ? SV_XD_BACK : SV_XD_FRONT, flags);
}

/* Whether Exchange ships the vdir requiring SSL (so None there is a change). */
static int shipped_ssl(const sslvdir_audit *a, const server *s, const vd *v) {
  unsigned f;
  return !shipped(a, s, v->path, &f) && (f & SSLVDIR_SSL);
}

static int read_vd(const sslvdir_iisconfig *c, const char *path, vd *v) {
  if (strlen(path) >= sizeof v->path)
    return -1;
  memcpy(v->path, path, strlen(path) + 1);
  const char *slash = strchr(path, '/');
  v->kind = slash ? sv_kind_from_vdir_name(slash) : SSLVDIR_KIND_OTHER;
  return sslvdir_iisconfig_ssl_flags(c, path, &v->flags, &v->from) ||
         sslvdir_iisconfig_extended_protection(c, path, &v->token_checking, NULL);
}

static int in_site(const char *path, const char *site) {
  size_t n = strlen(site);
  return sv_eq_ci(path, strlen(path) < n ? strlen(path) : n, site, n) && path[n] == '/' &&
         !strchr(path + n + 1, '/');
}

static void server_free(server *s) {
  sv_free(s->v);
  sv_free(s->bv);
}

static int server_read(const sslvdir_audit *a, server *s) {
  memset(s, 0, sizeof *s);
  const sslvdir_iisconfig *c = a->config;
  for (size_t i = 0; c && i < sslvdir_iisconfig_site_count(c); i++) {
    const char *name;
    if (sslvdir_iisconfig_site(c, i, &name, NULL, NULL))
      continue;
    if (sv_streq_ci(name, "Exchange Back End"))
      s->back = name;
    else if (sv_streq_ci(name, "Default Web Site") || !s->front)
      s->front = name;
  }
  size_t napps = c ? sslvdir_iisconfig_app_count(c) : 0;
  if (napps) {
    s->v = sv_calloc(2 * napps, sizeof *s->v); /* each EWS brings its mrsproxy.svc */
    s->bv = sv_calloc(napps, sizeof *s->bv);
    if (!s->v || !s->bv)
      return SSLVDIR_E_NOMEM;
  }
  for (size_t i = 0; i < napps; i++) {
    const char *path;
    if (sslvdir_iisconfig_app(c, i, &path, NULL))
      continue;
    int front = s->front && in_site(path, s->front), back = s->back && in_site(path, s->back);
    if (!front && !back)
      continue;
    vd v;
    if (read_vd(c, path, &v) || v.kind == SSLVDIR_KIND_OTHER)
      continue;
    if (front)
      s->v[s->nv++] = v;
    else
      s->bv[s->nbv++] = v;
    /* MRSProxy is a file of EWS: it gets its own entry. */
    if (front && v.kind == SSLVDIR_KIND_EWS && version_of(a) != 2007) { /* from 2010 on */
      char mp[VD_PATH + 16];
      snprintf(mp, sizeof mp, "%s/mrsproxy.svc", v.path);
      if (!read_vd(c, mp, &v)) {
        v.kind = SSLVDIR_KIND_MRSPROXY;
        s->v[s->nv++] = v;
      }
    }
  }
  /* Offloading shows as a vdir that requires SSL by default set to no SSL
   * in its own location (Configuring SSL offloading in Exchange 2013's appcmd lines); inheriting no
   * SSL from the site root is KB 279681's unfinished recipe instead. */
  size_t fl = s->front ? strlen(s->front) : 0;
  for (size_t i = 0; i < s->nv && !s->offloading; i++) {
    const vd *v = &s->v[i];
    if (v->kind != SSLVDIR_KIND_MRSPROXY && shipped_ssl(a, s, v) && !(v->flags & SSLVDIR_SSL) &&
        v->from && strlen(v->from) > fl) {
      s->offloading = s->offloaded_vdir = 1;
      snprintf(s->evidence, sizeof s->evidence, "%.280s no longer requires SSL", v->path);
    }
  }
  int set;
  if (!s->offloading && dword(a, SSLVDIR_KEY_SSL_OFFLOADED, &set) == 1 && set) {
    s->offloading = 1;
    snprintf(s->evidence, sizeof s->evidence, "SSLOffloaded is 1");
  }
  size_t noff = a->policy ? sslvdir_policy_offloader_count(a->policy) : 0;
  if (!s->offloading && noff) {
    s->offloading = 1;
    snprintf(s->evidence, sizeof s->evidence, "the proxy policy trusts %zu offloader network%s",
             noff, noff == 1 ? "" : "s");
  }
  for (size_t i = 0; a->policy && !s->offloading && i < sslvdir_policy_site_count(a->policy); i++) {
    const sslvdir_site *site = sslvdir_policy_site(a->policy, i);
    for (size_t k = 0; k < sslvdir_site_vdir_count(site) && !s->offloading; k++) {
      const sslvdir_vdir *v = sslvdir_site_vdir(site, k);
      if (sslvdir_vdir_upstream(v) == SSLVDIR_UPSTREAM_OFFLOAD &&
          (sslvdir_vdir_edge_flags(v) & SSLVDIR_SSL)) {
        s->offloading = 1;
        snprintf(s->evidence, sizeof s->evidence, "the proxy policy offloads %.200s",
                 sslvdir_vdir_config_path(v));
      }
    }
  }
  return SSLVDIR_OK;
}

static const vd *find_kind(const server *s, sslvdir_kind k) {
  for (size_t i = 0; i < s->nv; i++)
    if (s->v[i].kind == k)
      return &s->v[i];
  return NULL;
}

/* ---------------------------------------------------------------- offloading */

static void check_offload_backend(sslvdir_audit *a, const server *s) {
  const vd *owa = find_kind(s, SSLVDIR_KIND_OWA);
  int set;
  if (owa && (owa->flags & SSLVDIR_SSL) && dword(a, SSLVDIR_KEY_SSL_OFFLOADED, &set) == 1 && set)
    add(a, SSLVDIR_SEVERITY_ERROR, "offload-backend-requires-ssl", owa->path,
        plan_fix(a, owa->path, SSLVDIR_UPSTREAM_OFFLOAD, 0),
        "SSLOffloaded is 1, so OWA is meant to be reached over plain HTTP from the offloader, but "
        "%s still requires SSL: every request from the offloader gets 403.4. SSL offloading for "
        "Outlook Web Access (Exchange 2007) takes both steps: clear Require SSL on "
        "the vdir and set SSLOffloaded.", owa->path);
  if (!a->policy || !a->config)
    return;
  for (size_t i = 0; i < sslvdir_policy_site_count(a->policy); i++) {
    const sslvdir_site *site = sslvdir_policy_site(a->policy, i);
    for (size_t k = 0; k < sslvdir_site_vdir_count(site); k++) {
      const sslvdir_vdir *v = sslvdir_site_vdir(site, k);
      unsigned flags;
      const char *from;
      const char *path = sslvdir_vdir_config_path(v);
      if (sslvdir_vdir_upstream(v) != SSLVDIR_UPSTREAM_OFFLOAD ||
          sslvdir_iisconfig_ssl_flags(a->config, path, &flags, &from) || !from ||
          !(flags & SSLVDIR_SSL))
        continue;
      add(a, SSLVDIR_SEVERITY_ERROR, "offload-backend-requires-ssl", path,
          plan_fix(a, path, SSLVDIR_UPSTREAM_OFFLOAD, 0),
          "The proxy policy sends %s to the backend as plain HTTP (offloaded), but IIS there still "
          "requires SSL (sslFlags set at '%s'): every request gets 403.4. Offloading is set per "
          "vdir with sslFlags None (Configuring SSL offloading in Exchange 2013).",
          path, from);
    }
  }
}

static void check_owa_ssloffloaded(sslvdir_audit *a, const server *s) {
  unsigned ver = version_of(a);
  const vd *owa = find_kind(s, SSLVDIR_KIND_OWA);
  if (!owa || (ver && ver != 2007 && ver != 2010) || (!ver && s->back))
    return; /* SSLOffloaded is OWA's switch on 2007/2010, which have no back end site */
  int plain = !(owa->flags & SSLVDIR_SSL);
  /* Another vdir offloaded while OWA requires SSL: offloading is per vdir
   * and OWA is bridged, so it sees https and needs no SSLOffloaded. */
  if ((!s->offloading && !plain) || (!plain && s->offloaded_vdir) ||
      dword(a, SSLVDIR_KEY_SSL_OFFLOADED, NULL) == 1)
    return;
  add(a, ver ? SSLVDIR_SEVERITY_ERROR : SSLVDIR_SEVERITY_WARNING, "owa-ssloffloaded-missing",
      owa->path, plan_fix(a, owa->path, SSLVDIR_UPSTREAM_OFFLOAD, ver ? ver : 2010),
      "%s%s is behind an SSL offloader (%s) but SSLOffloaded is not 1 under "
      "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA. OWA then renders http:// links "
      "and refuses them: users authenticate and the interface stops answering (SSL offloading for "
      "Outlook Web Access, Exchange 2007).%s",
      ver ? "" : "If this is Exchange 2007 or 2010 (give the version to be sure): ", owa->path,
      s->offloading && !plain ? s->evidence : "it no longer requires SSL",
      plain ? "" : " Require SSL is also still on, so plain HTTP from the offloader gets 403.4.");
}

static void check_outlook_anywhere(sslvdir_audit *a, const server *s) {
  const vd *rpc = find_kind(s, SSLVDIR_KIND_RPC);
  int set;
  if (!rpc)
    return;
  uint32_t oa = dword(a, SSLVDIR_KEY_OA_SSL_OFFLOADING, &set);
  unsigned ver = version_of(a);
  if (!set && !ver && !s->back)
    return; /* the default depends on the version */
  /* Without a registry or policy value, the premise is a default: say which,
   * and let it weigh no more than a warning. Extended Protection on /Rpc
   * (Exchange 2019 CU14 and later turn it on) is supported only with
   * SSLOffloading $false, so there that is the value to assume. */
  int ep = rpc->token_checking != SSLVDIR_TOKEN_CHECKING_NONE;
  char assumed[200] = "", year[12];
  if (!set) {
    if (ep) {
      oa = 0;
      snprintf(assumed, sizeof assumed, " (assumed: no value was given, and Extended Protection is "
               "on for it, which Microsoft supports only with SSLOffloading $false)");
    } else if (ver) {
      snprintf(year, sizeof year, "%u", ver);
      snprintf(assumed, sizeof assumed, " (assumed: no value was given; the default of Exchange %s)",
               ver == 2025 ? "SE" : year);
    }
    else
      snprintf(assumed, sizeof assumed, " (assumed: no value was given; the default of Exchange "
               "2013 and later, which this server's Exchange Back End site shows it is)");
  }
  int sev = set ? SSLVDIR_SEVERITY_ERROR : SSLVDIR_SEVERITY_WARNING;
  int ssl = (rpc->flags & SSLVDIR_SSL) != 0;
  if (oa == 1 && ssl)
    add(a, sev, "oa-ssloffloading-mismatch", rpc->path,
        plan_fix(a, rpc->path, SSLVDIR_UPSTREAM_OFFLOAD, 0),
        "Outlook Anywhere's SSLOffloading is $true%s, so RPC over HTTP arrives as plain HTTP from "
        "the offloader, but %s requires SSL: Outlook Anywhere clients get 403.4. "
        "Set-OutlookAnywhere -SSLOffloading $true goes with sslFlags None on the Rpc vdir "
        "(Configuring SSL offloading in Exchange 2013).", assumed, rpc->path);
  else if (oa != 1 && !ssl)
    add(a, sev, "oa-ssloffloading-mismatch", rpc->path,
        plan_fix(a, rpc->path, s->offloading ? SSLVDIR_UPSTREAM_OFFLOAD : SSLVDIR_UPSTREAM_BRIDGE,
                 0),
        "Outlook Anywhere's SSLOffloading is $false%s, so RPC over HTTP expects SSL, but %s does "
        "not require it: the two settings disagree and Outlook Anywhere fails behind an "
        "offloader. Set them together (Configuring SSL offloading in Exchange 2013: "
        "Set-OutlookAnywhere -SSLOffloading).",
        assumed, rpc->path);
}

static void check_offloader_list(sslvdir_audit *a, const server *s) {
  if (!s->offloading)
    return;
  add(a, SSLVDIR_SEVERITY_INFO, "offload-redo-after-update", "server", sv_strdup(""),
      "SSL is offloaded (%s). Every Exchange cumulative update puts the SSL settings of the "
      "virtual directories back as Setup writes them: perform the offloading steps again after "
      "each cumulative update (Configuring SSL offloading in Exchange 2013).", s->evidence);
  if (!a->policy) {
    add(a, SSLVDIR_SEVERITY_INFO, "offloader-list-unknown", "policy", sv_strdup(""),
        "SSL is offloaded (%s) but no proxy policy was given, so its trusted offloaders could "
        "not be checked.", s->evidence);
    return;
  }
  if (sslvdir_policy_offloader_count(a->policy) == 0)
    add(a, SSLVDIR_SEVERITY_WARNING, "offloader-list-empty", "policy",
        sv_strdup("sslvdir: --offloader CIDR, or <offloader address=\"CIDR\"/> in the policy file"),
        "SSL is offloaded (%s) and the proxy policy trusts no offloader. X-Forwarded-Proto and "
        "Front-End-Https are believed only from trusted offloaders, so if TLS ends at a device "
        "in front of this proxy, every request it forwards counts as plain HTTP (403.4 or a "
        "redirect loop). Name that device's addresses; when the proxy ends TLS itself, nothing "
        "is needed.", s->evidence);
}

/* Load balancers forward X-Forwarded-Proto and nothing about the cipher: an
 * offloader that guarantees nothing about it gets 403.5 for every request
 * to a vdir that requires Ssl128 at the proxy. */
static void check_offloader_cipher(sslvdir_audit *a) {
  const char *v128 = NULL;
  for (size_t i = 0; a->policy && !v128 && i < sslvdir_policy_site_count(a->policy); i++) {
    const sslvdir_site *site = sslvdir_policy_site(a->policy, i);
    for (size_t k = 0; k < sslvdir_site_vdir_count(site) && !v128; k++)
      if (sslvdir_vdir_edge_flags(sslvdir_site_vdir(site, k)) & SSLVDIR_SSL_128)
        v128 = sslvdir_vdir_config_path(sslvdir_site_vdir(site, k));
  }
  for (size_t i = 0; v128 && i < a->policy->noffloaders; i++) {
    const sv_net *o = &a->policy->offloaders[i];
    if (o->min_cipher_bits || o->cipher_header[0])
      continue;
    add(a, SSLVDIR_SEVERITY_WARNING, "offloader-cipher-unknown", o->text,
        sv_strdup("sslvdir: --offloader-cipher-bits N (the minimum key size the offloader "
                  "enforces) or --offloader-cipher-header NAME (a header it fills with the "
                  "cipher, such as HAProxy's %[ssl_fc_cipher]); in the policy file "
                  "min-cipher-bits=\"128\" or cipher-header=\"NAME\" on <offloader>"),
        "The proxy policy trusts the offloader %s, which forwards X-Forwarded-Proto and nothing "
        "about the cipher, and %.300s requires a 128-bit cipher (Ssl128): the key size of "
        "requests through it is unknown, so each gets 403.5. Say what the offloader "
        "guarantees.", o->text, v128);
  }
}

/* A vdir that requires the client's certificate on a server whose SSL is
 * offloaded: the proxy that ends TLS cannot pass the certificate on. */
static void check_client_cert(sslvdir_audit *a, const server *s) {
  for (size_t i = 0; s->offloading && i < s->nv; i++) {
    const vd *v = &s->v[i];
    if (!(v->flags & SSLVDIR_SSL_REQUIRE_CERT))
      continue;
    add(a, SSLVDIR_SEVERITY_WARNING, "client-cert-behind-proxy", v->path, sv_strdup(""),
        "%s requires a client certificate (SslRequireCert, as certificate-based authentication "
        "sets it: Microsoft Learn, \"Configure certificate based authentication in Exchange "
        "Server\") and SSL is offloaded on this server (%s). A proxy that ends TLS cannot pass "
        "the device's certificate on: the certificate is checked either by Exchange, with TLS "
        "reaching it untouched (no terminating proxy for this vdir), or by the front device with "
        "Kerberos constrained delegation and SslRequireCert cleared, never both. libsslvdir "
        "refuses to build a proxy policy for it.",
        v->path, s->evidence);
  }
}

/* Whether or not offloading is in use: a policy that believes anybody's
 * X-Forwarded-Proto lets plain HTTP through every Require SSL. */
static void check_offloader_breadth(sslvdir_audit *a) {
  for (size_t i = 0; a->policy && i < a->policy->noffloaders; i++) {
    char why[400];
    if (sv_net_too_broad(&a->policy->offloaders[i], why, sizeof why))
      add(a, SSLVDIR_SEVERITY_ERROR, "offloader-too-broad", a->policy->offloaders[i].text,
          sv_strdup("sslvdir: --offloader with each offloader's own address (or its own small "
                    "subnet), or <offloader address=\"...\"/> in the policy file"),
          "The proxy policy's %s. X-Forwarded-Proto and Front-End-Https must be believed only "
          "from the devices that end TLS.", why);
  }
}

static void check_mrsproxy(sslvdir_audit *a, const server *s) {
  const vd *mrs = find_kind(s, SSLVDIR_KIND_MRSPROXY);
  const vd *ews = find_kind(s, SSLVDIR_KIND_EWS);
  /* EWS open because the site root is (site-root-not-restored says so) is
   * not offloading: MRSProxy is then merely open, like the rest. */
  int ews_offloaded = ews && !(ews->flags & SSLVDIR_SSL) &&
                      !(ews->from && s->front && sv_streq_ci(ews->from, s->front));
  if (mrs && !(mrs->flags & SSLVDIR_SSL) && (s->offloading || ews_offloaded))
    add(a, SSLVDIR_SEVERITY_ERROR, "mrsproxy-offloaded", mrs->path,
        plan_fix(a, mrs->path, SSLVDIR_UPSTREAM_BRIDGE, 0),
        "%s does not require SSL, so it is reached over plain HTTP through the offloader; "
        "MRSProxy does not support SSL offloading and needs SSL bridging (Configuring SSL "
        "offloading in Exchange 2013). Require "
        "SSL on it again and bridge it at the proxy.",
        mrs->path);
  for (size_t i = 0; a->policy && i < sslvdir_policy_site_count(a->policy); i++) {
    const sslvdir_site *site = sslvdir_policy_site(a->policy, i);
    const sslvdir_vdir *v = sslvdir_site_match(site, "/EWS/mrsproxy.svc", 17);
    if (!v || sslvdir_vdir_upstream(v) != SSLVDIR_UPSTREAM_OFFLOAD ||
        !(sslvdir_vdir_edge_flags(v) & SSLVDIR_SSL))
      continue;
    char obj[SSLVDIR_PATH_BUFSZ];
    snprintf(obj, sizeof obj, "%.200s/EWS/mrsproxy.svc", sslvdir_site_name(site));
    add(a, SSLVDIR_SEVERITY_ERROR, "mrsproxy-offloaded", obj,
        sv_strdupf("<vdir path=\"/EWS/mrsproxy.svc\" kind=\"mrsproxy\"/> in site \"%s\" of the "
                   "policy file",
                   sslvdir_site_name(site)),
        "The proxy policy has no vdir for /EWS/mrsproxy.svc, so MRSProxy requests take the rules "
        "of %s and are offloaded; MRSProxy needs SSL bridging (Configuring SSL offloading in "
        "Exchange 2013).",
        sslvdir_vdir_config_path(v));
  }
}

static void check_eas_2007(sslvdir_audit *a, const server *s) {
  const vd *eas = find_kind(s, SSLVDIR_KIND_EAS);
  if (version_of(a) == 2007 && eas && !(eas->flags & SSLVDIR_SSL))
    add(a, SSLVDIR_SEVERITY_ERROR, "eas-offloaded-2007", eas->path,
        plan_fix(a, eas->path, SSLVDIR_UPSTREAM_BRIDGE, 0),
        "%s does not require SSL, but Exchange ActiveSync on Exchange 2007 does not support SSL "
        "offloading (SSL offloading for Outlook Web Access (Exchange 2007)). Require SSL again and "
        "bridge it.",
        eas->path);
}

static void check_extended_protection(sslvdir_audit *a, const server *s) {
  static const char *const names[] = {"None", "Allow", "Require"};
  for (size_t i = 0; i < s->nv; i++) {
    const vd *v = &s->v[i];
    unsigned f;
    if (v->token_checking == SSLVDIR_TOKEN_CHECKING_NONE || (v->flags & SSLVDIR_SSL))
      continue;
    /* PowerShell ships without Require SSL and Exchange turns Extended
     * Protection on for it: its own setting, not an offloader's. Rpc's
     * None is shipped only with SSLOffloading $true, which EP forbids. */
    if (v->kind != SSLVDIR_KIND_RPC && !shipped(a, s, v->path, &f) && f == v->flags)
      continue;
    add(a, SSLVDIR_SEVERITY_ERROR, "extended-protection-offloaded", v->path,
        plan_fix(a, v->path, SSLVDIR_UPSTREAM_BRIDGE, 0),
        "%s has Extended Protection (tokenChecking=%s) but does not require SSL. Extended "
        "Protection binds Windows authentication to the TLS channel the server sees, so behind "
        "an offloader it fails; only SSL bridging with the same certificate on both ends works. "
        "Bridge it, or turn Extended Protection off for it "
        "(-ExtendedProtectionTokenChecking None on its Set-*VirtualDirectory cmdlet; Microsoft "
        "Learn, \"Configure Windows Extended Protection in Exchange Server\").",
        v->path, names[v->token_checking]);
  }
}

static void check_back_end(sslvdir_audit *a, const server *s) {
  for (size_t i = 0; i < s->nbv; i++) {
    const vd *v = &s->bv[i];
    unsigned f;
    int known = !shipped(a, s, v->path, &f);
    if ((v->flags & SSLVDIR_SSL) || (known && !(f & SSLVDIR_SSL)))
      continue; /* Exchange's own value: Rpc, RpcWithCert and owa/Calendar ship None */
    /* The fix puts back what Exchange ships (PowerShell asks for a client
     * certificate there), in the scripts' form "Ssl,Ssl128". */
    char text[SSLVDIR_FLAGS_TEXT_MAX], compact[SSLVDIR_FLAGS_TEXT_MAX];
    size_t o = 0;
    if (!known || sslvdir_flags_format(f, text, sizeof text, NULL))
      snprintf(text, sizeof text, "Ssl, Ssl128");
    for (const char *c = text; *c; c++)
      if (*c != ' ')
        compact[o++] = *c;
    compact[o] = '\0';
    add(a, SSLVDIR_SEVERITY_ERROR, "backend-site-ssl-removed", v->path,
        sv_strdupf("Set-WebConfigurationProperty -Filter //security/access -name sslflags -Value "
                   "\"%s\" -PSPath IIS: -Location \"%s\"",
                   compact, v->path),
        "%s is on the Exchange Back End site (port 444), which the front end always reaches "
        "over SSL; it does not require SSL. Offloading is configured on the Default Web Site "
        "only, never on the Exchange Back End site (Configuring SSL offloading in Exchange 2013).",
        v->path);
  }
}

static void check_site_root(sslvdir_audit *a, const server *s) {
  if (!s->front)
    return;
  for (size_t i = 0; i < s->nv; i++) {
    const vd *v = &s->v[i];
    if (v->kind == SSLVDIR_KIND_MRSPROXY || !shipped_ssl(a, s, v) || (v->flags & SSLVDIR_SSL) ||
        !v->from || !sv_streq_ci(v->from, s->front))
      continue;
    add(a, SSLVDIR_SEVERITY_ERROR, "site-root-not-restored", v->path,
        plan_fix(a, v->path, SSLVDIR_UPSTREAM_BRIDGE, 0),
        "%s takes its sslFlags from the site root '%s', which no longer requires SSL, so the "
        "vdir is open to plain HTTP. The recipe that clears Require SSL on the site root (to "
        "redirect http:// to /owa) restores Ssl,Ssl128 on every vdir (KB 279681; Microsoft Learn, "
        "\"Configure http to https "
        "redirection for Outlook on the web in Exchange Server\"); if the vdir is meant to be "
        "offloaded, set None on the vdir itself.",
        v->path, s->front);
  }
}

/* ---------------------------------------------------------------- certificates */

typedef struct names {
  const char *n[NAMESPACE_MAX * 2];
  size_t count;
} names;

static void name_add(names *ns, const char *h) {
  for (size_t i = 0; i < ns->count; i++)
    if (sv_streq_ci(ns->n[i], h))
      return;
  if (ns->count < sizeof ns->n / sizeof ns->n[0])
    ns->n[ns->count++] = h;
}

/* The names the certificate must cover: the namespace, then the policy's
 * hosts (except those of Autodiscover's plain-HTTP redirect site). */
static void names_to_cover(const sslvdir_audit *a, names *ns) {
  ns->count = 0;
  for (size_t i = 0; i < a->nns; i++)
    name_add(ns, a->ns[i]);
  for (size_t i = 0; a->policy && i < sslvdir_policy_site_count(a->policy); i++) {
    const sslvdir_site *site = sslvdir_policy_site(a->policy, i);
    if (sslvdir_site_autodiscover_redirect(site))
      continue;
    for (size_t k = 0; k < sslvdir_site_host_count(site); k++) {
      /* An address binding (Exchange's 127.0.0.1) is not a name of the
       * namespace: no certificate names it, no Autodiscover host follows. */
      const char *h = sslvdir_site_host(site, k);
      int fam;
      unsigned char addr[16];
      if (sv_addr_parse(h, strlen(h), &fam, addr))
        name_add(ns, h);
    }
  }
}

static int internal_suffix(const char *d) {
  static const char *const tlds[] = {".local", ".lan", ".internal", ".corp", ".localdomain",
                                     ".intranet", ".private", ".home.arpa"};
  size_t n = strlen(d);
  for (size_t i = 0; i < sizeof tlds / sizeof tlds[0]; i++) {
    size_t t = strlen(tlds[i]);
    if (n > t && sv_streq_ci(d + n - t, tlds[i]))
      return 1;
  }
  return 0;
}

/* The certificate request that covers every name (the Exchange 2007 Client Access and SSL white
 * paper's cmdlets). */
static char *cert_request(const sslvdir_audit *a, const names *ns, const char *extra) {
  char list[4096] = "";
  size_t len = 0;
  for (size_t i = 0; i <= ns->count; i++) {
    const char *h = i < ns->count ? ns->n[i] : extra;
    if (!h)
      continue;
    int w = snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", h);
    if (w < 0 || (size_t)w >= sizeof list - len)
      break;
    len += (size_t)w;
  }
  if (!len && a->cert) {
    for (size_t i = 0; i < sslvdir_cert_san_count(a->cert, 0); i++) {
      int t;
      const char *v;
      if (sslvdir_cert_san(a->cert, 0, i, &t, &v) || t != SSLVDIR_SAN_DNS)
        continue;
      int w = snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", v);
      if (w < 0 || (size_t)w >= sizeof list - len)
        break;
      len += (size_t)w;
    }
  }
  return sv_strdupf("New-ExchangeCertificate -GenerateRequest -DomainName %s -KeySize 2048 "
                    "-PrivateKeyExportable:$True -Path c:\\certreq.txt\n"
                    "Import-ExchangeCertificate -Path c:\\certnew.cer | "
                    "Enable-ExchangeCertificate -Services IIS",
                    len ? list
                        : a->cert && sslvdir_cert_common_name(a->cert, 0)[0]
                              ? sslvdir_cert_common_name(a->cert, 0)
                              : "<the names clients connect to>");
}

static int serves_kind(const sslvdir_audit *a, const server *s, sslvdir_kind k) {
  if (find_kind(s, k))
    return 1;
  for (size_t i = 0; a->policy && i < sslvdir_policy_site_count(a->policy); i++) {
    const sslvdir_site *site = sslvdir_policy_site(a->policy, i);
    for (size_t j = 0; j < sslvdir_site_vdir_count(site); j++)
      if (sslvdir_vdir_kind(sslvdir_site_vdir(site, j)) == k)
        return 1;
  }
  /* Knowing nothing of the server, assume Exchange's own vdirs. */
  return !a->config && !a->policy;
}

static void check_cert_dates(sslvdir_audit *a, const names *ns, int64_t now) {
  const sslvdir_cert *c = a->cert;
  for (size_t i = 0; i < sslvdir_cert_count(c); i++) {
    int64_t nb, na;
    if (sslvdir_cert_validity(c, i, &nb, &na))
      continue;
    char obj[128], when[64];
    snprintf(obj, sizeof obj, "certificate %s", sslvdir_cert_thumbprint(c, i));
    const char *which = i ? "A certificate of the chain" : "The certificate";
    time_t t = (time_t)(nb > now ? nb : na);
    struct tm tm;
    if (na == INT64_MAX && nb <= now)
      continue;
    if (!gmtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm))
      snprintf(when, sizeof when, "(a date out of range)");
    if (nb > now)
      add(a, SSLVDIR_SEVERITY_ERROR, "cert-not-yet-valid", obj, cert_request(a, ns, NULL),
          "%s (%s) is not valid until %s: clients refuse it (the Exchange 2007 Client Access and "
          "SSL white paper; IIS gives client "
          "certificates in that state 403.17).",
          which, sslvdir_cert_subject(c, i), when);
    else if (na < now)
      add(a, SSLVDIR_SEVERITY_ERROR, "cert-expired", obj, cert_request(a, ns, NULL),
          "%s (%s) expired on %s: clients refuse it. Exchange's self-signed certificate "
          "expires 12 months after Setup (the Exchange 2007 Client Access and SSL white paper).",
          which, sslvdir_cert_subject(c, i), when);
    else if (na - now < (int64_t)SSLVDIR_AUDIT_EXPIRY_DAYS * DAY)
      add(a, SSLVDIR_SEVERITY_WARNING, "cert-expiring", obj, cert_request(a, ns, NULL),
          "%s (%s) expires on %s, in %lld days: renew it before then (the Exchange 2007 Client "
          "Access and SSL white paper recommends "
          "renewing before expiry).",
          which, sslvdir_cert_subject(c, i), when, (long long)((na - now) / DAY));
  }
}

static void check_cert_names(sslvdir_audit *a, const names *ns) {
  for (size_t i = 0; i < ns->count; i++) {
    int covered;
    if (sslvdir_cert_covers(a->cert, ns->n[i], strlen(ns->n[i]), &covered, NULL) == SSLVDIR_OK &&
        covered)
      continue;
    int cn = sv_cert_cn_names(a->cert, ns->n[i], strlen(ns->n[i]));
    add(a, SSLVDIR_SEVERITY_ERROR, "cert-name-not-covered", ns->n[i], cert_request(a, ns, NULL),
        "Clients connect to %s, which the certificate (%s) does not cover: they get a name "
        "warning or refuse to connect. Every name of the namespace plan must be in the "
        "certificate's SAN (the Exchange 2007 Client Access and SSL white paper, namespace "
        "planning); a wildcard covers one label only (RFC 9525).%s",
        ns->n[i], sslvdir_cert_subject(a->cert, 0),
        cn ? " The name is only in the subject's CN, which RFC 9525 and RFC 9110 forbid "
             "clients to match and which Chrome, Edge, Firefox and iOS no longer read." : "");
  }
}

static void check_autodiscover(sslvdir_audit *a, names *ns) {
  /* Domains: the namespace's external names without their first label,
   * and the policy's Autodiscover domains. */
  const char *domains[NAMESPACE_MAX];
  size_t nd = 0;
  for (size_t i = 0; i < ns->count && nd < NAMESPACE_MAX; i++) {
    const char *h = ns->n[i], *dot = strchr(h, '.');
    if (!dot || !strchr(dot + 1, '.') || (strlen(h) > 13 && sv_eq_ci(h, 13, "autodiscover.", 13)) ||
        internal_suffix(dot + 1))
      continue;
    domains[nd++] = dot + 1;
  }
  for (size_t i = 0; a->policy && i < a->policy->ad.nrules && nd < NAMESPACE_MAX; i++)
    domains[nd++] = a->policy->ad.rules[i].domain;
  for (size_t i = 0; i < nd; i++) {
    char host[SV_HOST_MAX + 16];
    snprintf(host, sizeof host, "autodiscover.%s", domains[i]);
    int known = 0;
    for (size_t k = 0; k < ns->count; k++)
      known |= sv_streq_ci(ns->n[k], host);
    int covered = 0;
    if (known || (a->cert && sslvdir_cert_covers(a->cert, host, strlen(host), &covered, NULL) ==
                                 SSLVDIR_OK && covered))
      continue;
    /* The white paper's second site answers for it over plain HTTP. */
    for (size_t s = 0; a->policy && s < sslvdir_policy_site_count(a->policy) && !known; s++) {
      const sslvdir_site *site = sslvdir_policy_site(a->policy, s);
      for (size_t h = 0; sslvdir_site_autodiscover_redirect(site) && h < sslvdir_site_host_count(site); h++)
        known |= sv_streq_ci(sslvdir_site_host(site, h), host);
    }
    if (known)
      continue;
    add(a, SSLVDIR_SEVERITY_ERROR, "autodiscover-host-missing", host, cert_request(a, ns, host),
        "Outlook and ActiveSync clients of %s look for Autodiscover at https://%s/ and then at "
        "https://%s/autodiscover/autodiscover.xml, but %s is %s. Put it in the namespace and the "
        "certificate, or answer it with a plain-HTTP redirect site or a DNS SRV record "
        "_autodiscover._tcp.%s (the Exchange 2007 Client Access and SSL white paper; "
        "\"Autodiscover for Exchange\").",
        domains[i], domains[i], host, host,
        a->cert ? "neither in the namespace nor covered by the certificate"
                : "not in the namespace",
        domains[i]);
  }
}

static void check_cert_trust(sslvdir_audit *a, const server *s, const names *ns, int64_t now) {
  const sslvdir_cert *c = a->cert;
  char obj[128];
  snprintf(obj, sizeof obj, "certificate %s", sslvdir_cert_thumbprint(c, 0));
  int self = sslvdir_cert_self_signed(c, 0);
  if (self) {
    int strict = serves_kind(a, s, SSLVDIR_KIND_EAS) || serves_kind(a, s, SSLVDIR_KIND_RPC);
    add(a, strict ? SSLVDIR_SEVERITY_ERROR : SSLVDIR_SEVERITY_WARNING, "cert-self-signed", obj,
        cert_request(a, ns, NULL),
        "The certificate (%s) is self-signed. Self-signed certificates are not supported for "
        "Exchange ActiveSync or Outlook Anywhere%s, and Outlook Web Access users see a "
        "certificate warning; use one only between servers inside the organisation (the Exchange "
        "2007 Client Access and SSL white paper).",
        sslvdir_cert_subject(c, 0), strict ? ", which this server offers" : "");
  }
  if (!a->trust)
    return;
  unsigned p;
  sslvdir_error e;
  if (sslvdir_trust_verify(a->trust, c, NULL, 0, now, &p, &e)) {
    a->nomem = 1;
    return;
  }
  p &= ~(SSLVDIR_CERT_PROBLEM_EXPIRED | SSLVDIR_CERT_PROBLEM_NOT_YET_VALID);
  if (p & SSLVDIR_CERT_PROBLEM_REVOKED)
    add(a, SSLVDIR_SEVERITY_ERROR, "cert-revoked", obj, cert_request(a, ns, NULL),
        "The certificate (%s) is revoked by its CA: clients that check revocation refuse it "
        "(IIS gives client certificates in that state 403.13: \"The HTTP status code in IIS 7 and "
        "later versions\").",
        sslvdir_cert_subject(c, 0));
  else if (p && !(self && p == SSLVDIR_CERT_PROBLEM_UNTRUSTED))
    add(a, SSLVDIR_SEVERITY_ERROR, "cert-untrusted", obj, cert_request(a, ns, NULL),
        "The certificate (%s) does not verify against the CAs given: %s. Clients that do not "
        "trust its issuer refuse it, and devices need the root in their store (the Exchange 2007 "
        "Client Access and SSL white paper; IIS "
        "gives client certificates in that state 403.16).",
        sslvdir_cert_subject(c, 0), e.message);
}

static void check_cert_crypto(sslvdir_audit *a, const names *ns) {
  const sslvdir_cert *c = a->cert;
  for (size_t i = 0; i < sslvdir_cert_count(c); i++) {
    unsigned bits;
    const char *alg = sslvdir_cert_key(c, i, &bits);
    char obj[128];
    snprintf(obj, sizeof obj, "certificate %s", sslvdir_cert_thumbprint(c, i));
    int rsa_like = !strncmp(alg, "RSA", 3) || !strcmp(alg, "DSA");
    int ec = !strncmp(alg, "EC", 2) || !strncmp(alg, "EdDSA", 5);
    if ((rsa_like && bits < 2048) || (ec && bits < 256))
      add(a, SSLVDIR_SEVERITY_ERROR, "cert-weak-key", obj, cert_request(a, ns, NULL),
          "%s (%s) has a %u-bit %s key. The Exchange 2007 Client Access and SSL "
          "white paper's examples request 1024-bit keys; today "
          "anything under 2048 bits (256 for elliptic curves) is refused by current clients. "
          "Request a new certificate with -KeySize 2048 or more.",
          i ? "A certificate of the chain" : "The certificate", sslvdir_cert_subject(c, i), bits,
          alg);
    const char *sig = sslvdir_cert_signature_algorithm(c, i);
    if (!sslvdir_cert_self_signed(c, i) &&
        (strstr(sig, "SHA1") || strstr(sig, "MD5") || strstr(sig, "MD2")))
      add(a, SSLVDIR_SEVERITY_WARNING, "cert-weak-signature", obj, cert_request(a, ns, NULL),
          "%s (%s) is signed with %s, which current clients no longer accept (the CA/Browser "
          "Forum's Baseline Requirements have forbidden SHA-1 signatures since 2016).",
          i ? "A certificate of the chain" : "The certificate", sslvdir_cert_subject(c, i), sig);
  }
  if (sslvdir_cert_has_wildcard(c)) {
    char obj[128];
    snprintf(obj, sizeof obj, "certificate %s", sslvdir_cert_thumbprint(c, 0));
    add(a, SSLVDIR_SEVERITY_INFO, "cert-wildcard", obj, sv_strdup(""),
        "The certificate (%s) names a wildcard. Windows Mobile 5.0 devices do not connect to "
        "servers whose certificate uses a wildcard (the Exchange 2007 Client Access and SSL white "
        "paper); Windows Mobile 6 and later, "
        "Outlook and browsers do.",
        sslvdir_cert_subject(c, 0));
  }
}

/* ---------------------------------------------------------------- registry */

static void check_registry(sslvdir_audit *a) {
  const sslvdir_settings *st[2] = {a->registry, a->policy ? sslvdir_policy_settings(a->policy) : NULL};
  for (int i = 0; i < 2; i++) {
    uint32_t v;
    const char *sv;
    if (!st[i])
      continue;
    int has_dword = !sslvdir_settings_get_dword(st[i], SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED_TYPO, &v);
    if (!has_dword && sslvdir_settings_get_string(st[i], SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED_TYPO, &sv))
      continue;
    add(a, SSLVDIR_SEVERITY_WARNING, "registry-misspelled",
        SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED_TYPO,
        sv_strdupf("reg delete \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA\" /v "
                   "AllowExternallUntrustedCerts /f\n"
                   "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA\" /v "
                   "AllowExternalUntrustedCerts /t REG_DWORD /d %u /f",
                   has_dword ? (unsigned)v : 1u),
        "AllowExternallUntrustedCerts (two l's) is the misspelling printed by Microsoft's "
        "CAS-to-CAS proxying paper (the Exchange 2007 Client Access and SSL white paper). Exchange "
        "reads AllowExternalUntrustedCerts, so "
        "this value has no effect.");
    break;
  }
  int set;
  if (dword(a, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, &set) == 1)
    add(a, SSLVDIR_SEVERITY_WARNING, "allow-external-untrusted", SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED,
        sv_strdup("reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA\" /v "
                  "AllowExternalUntrustedCerts /t REG_DWORD /d 0 /f"),
        "AllowExternalUntrustedCerts is 1: when proxying to Client Access servers of other "
        "sites, this server accepts certificates nobody it trusts signed, so a machine in the "
        "path can pose as them. The Exchange 2007 Client Access and SSL white paper sets it only for self-signed certificates between "
        "sites; prefer trusted certificates there.");
  if (dword(a, SSLVDIR_KEY_ALLOW_PROXYING_WITHOUT_SSL, &set) == 1)
    add(a, SSLVDIR_SEVERITY_WARNING, "allow-proxying-without-ssl",
        SSLVDIR_KEY_ALLOW_PROXYING_WITHOUT_SSL,
        sv_strdup("reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA\" /v "
                  "AllowProxyingWithoutSsl /t REG_DWORD /d 0 /f"),
        "AllowProxyingWithoutSsl is 1: this server proxies to other Client Access servers over "
        "plain HTTP, so credentials and mail cross the network unencrypted (the Exchange 2007 "
        "Client Access and SSL white paper).");
}

/* ================================================================ run */

SSLVDIR_EXTERN int sslvdir_audit_run(sslvdir_audit *a, sslvdir_error *err) {
  if (!a)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "audit: NULL argument");
  clear_findings(a);
  a->nomem = 0;
  int64_t now = a->now ? a->now : (int64_t)time(NULL);
  server s;
  names *ns = sv_malloc(sizeof *ns);
  if (!ns || server_read(a, &s)) {
    if (ns)
      server_free(&s);
    sv_free(ns);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  names_to_cover(a, ns);
  check_offload_backend(a, &s);
  check_owa_ssloffloaded(a, &s);
  check_outlook_anywhere(a, &s);
  check_offloader_list(a, &s);
  check_offloader_breadth(a);
  check_offloader_cipher(a);
  check_client_cert(a, &s);
  check_mrsproxy(a, &s);
  check_eas_2007(a, &s);
  check_extended_protection(a, &s);
  check_back_end(a, &s);
  check_site_root(a, &s);
  if (a->cert) {
    check_cert_dates(a, ns, now);
    check_cert_names(a, ns);
    check_cert_trust(a, &s, ns, now);
    check_cert_crypto(a, ns);
  }
  check_autodiscover(a, ns);
  check_registry(a);
  server_free(&s);
  sv_free(ns);
  if (a->nomem) {
    clear_findings(a);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  if (a->nf) /* qsort() takes no NULL array, even empty */
    qsort(a->f, a->nf, sizeof *a->f, finding_cmp);
  return SSLVDIR_OK;
}
