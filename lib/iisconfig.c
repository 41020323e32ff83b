/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * IIS applicationHost.config: read with hardened libxml2 (lib/xml.c) into a
 * model of sites, bindings, applications and <location> blocks; given to a
 * builder; edited at the byte level with the byte-preserving XML editor
 * (lib/xmledit.c) so that everything not changed stays as it was. Its text
 * codecs are in lib/textcodec.c, its file reading and writing in
 * lib/fileread.c.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <sslvdir/flags.h>
#include <sslvdir/iisconfig.h>

#include "fileread.h"
#include "internal.h"
#include "textcodec.h"
#include "xmledit.h"

typedef struct ic_site {
  char *name;
  char *hosts;        /* comma-separated, lower case */
  char *first_https;  /* host of the first https binding with one, or NULL */
  unsigned https_port;
  char *default_pool;
  unsigned line;
  int nbindings;
  int catch_all; /* CATCH_ALL_* of its bindings without a host name */
  int wildcard;  /* has an IIS 10 wildcard host binding ("*.contoso.com") */
} ic_site;

/* A binding without a host name takes every Host that no binding names:
 * IIS's "default site". On the ports a proxy forwards to (http 80, https
 * 443) it outranks one on another port (Exchange Back End's *:81:, *:444:). */
enum { CATCH_ALL_OTHER_PORT = 1, CATCH_ALL_STD_PORT = 2 };

typedef struct ic_app {
  char *path; /* "Site/owa" or "Site" */
  char *pool;
} ic_app;

typedef struct ic_loc {
  char *path; /* "" for the server level */
  unsigned line;
  /* What the location sets: IIS merges a section attribute by attribute, so
   * an element that leaves an attribute out keeps the inherited value of
   * that attribute (an <access /> without sslFlags is not None). */
  int has_access; /* sets sslFlags */
  unsigned flags;
  int has_redirect; /* REDIR_* bits of the httpRedirect attributes it sets */
  int redirect_enabled;
  char *destination;
  int status;
  int has_ep; /* sets extendedProtection's tokenChecking */
  int token_checking; /* sslvdir_token_checking */
  int seen; /* SEEN_* sections present, set or not: a second one is an error */
  int own_app; /* SEEN_* sections of a <location inheritInChildApplications="false"> */
} ic_loc;

/* A host name some binding names, with the first site and port that bind
 * it. IIS tells sites apart by address, port and host name together, so
 * two sites may bind one name on two ports (IIS Express: *:8080:localhost
 * and *:8081:localhost); the proxy's decision sees the Host but not the
 * port the client reached, so such a name is shared: no site's. */
typedef struct ic_bound {
  char *host;
  size_t site, last; /* the first site to bind it; the last one said */
  unsigned port;
  int shared;
} ic_bound;

enum { REDIR_ENABLED = 1, REDIR_DESTINATION = 2, REDIR_STATUS = 4 };
enum { SEEN_ACCESS = 1, SEEN_REDIRECT = 2, SEEN_EP = 4 };

struct sslvdir_iisconfig {
  sslvdir_encoding enc;
  char *text; /* UTF-8 without BOM, NUL-terminated */
  size_t len;
  char *bytes; /* text encoded back, built on demand */
  size_t nbytes;
  ic_site *sites;
  size_t nsites, capsites;
  ic_app *apps;
  size_t napps, capapps;
  ic_loc *locs;
  size_t nlocs, caplocs;
  char **warnings;
  size_t nwarn, capwarn;
  ic_bound *bound; /* every binding's host name, once */
  size_t nbound, capbound;
  int shared;      /* some host name is bound by two sites */
  /* Locations, applications and sites by path or name, case-folded. */
  sv_ix loc_ix, app_ix, site_ix, bound_ix;
};

static int encode(sslvdir_iisconfig *c) {
  sv_free(c->bytes);
  c->bytes = NULL;
  return sv_text_encode(c->text, c->len, c->enc, &c->bytes, &c->nbytes);
}

/* ================================================================ model */

static const char *loc_path_of(const void *base, size_t i) {
  return ((const sslvdir_iisconfig *)base)->locs[i].path;
}
static const char *app_path_of(const void *base, size_t i) {
  return ((const sslvdir_iisconfig *)base)->apps[i].path;
}
static const char *site_name_of(const void *base, size_t i) {
  return ((const sslvdir_iisconfig *)base)->sites[i].name;
}

/* The location with this path, or -1. */
static long loc_find(const sslvdir_iisconfig *c, const char *path, size_t n) {
  return sv_ix_find(&c->loc_ix, path, n, 1, loc_path_of, c);
}

static void model_clear(sslvdir_iisconfig *c) {
  for (size_t i = 0; i < c->nsites; i++) {
    sv_free(c->sites[i].name);
    sv_free(c->sites[i].hosts);
    sv_free(c->sites[i].first_https);
    sv_free(c->sites[i].default_pool);
  }
  for (size_t i = 0; i < c->napps; i++) {
    sv_free(c->apps[i].path);
    sv_free(c->apps[i].pool);
  }
  for (size_t i = 0; i < c->nlocs; i++) {
    sv_free(c->locs[i].path);
    sv_free(c->locs[i].destination);
  }
  for (size_t i = 0; i < c->nwarn; i++)
    sv_free(c->warnings[i]);
  for (size_t i = 0; i < c->nbound; i++)
    sv_free(c->bound[i].host);
  sv_free(c->bound);
  sv_ix_free(&c->bound_ix);
  c->bound = NULL;
  c->nbound = c->capbound = 0;
  c->shared = 0;
  sv_free(c->sites);
  sv_free(c->apps);
  sv_free(c->locs);
  sv_free(c->warnings);
  sv_ix_free(&c->loc_ix);
  sv_ix_free(&c->app_ix);
  sv_ix_free(&c->site_ix);
  c->sites = NULL;
  c->apps = NULL;
  c->locs = NULL;
  c->warnings = NULL;
  c->nsites = c->capsites = c->napps = c->capapps = c->nlocs = c->caplocs = c->nwarn =
      c->capwarn = 0;
}

static int warn(sslvdir_iisconfig *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int warn(sslvdir_iisconfig *c, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char *w = sv_strdup(buf);
  if (!w || sv_grow((void **)&c->warnings, &c->capwarn, c->nwarn + 1, sizeof *c->warnings)) {
    sv_free(w);
    return SSLVDIR_E_NOMEM;
  }
  c->warnings[c->nwarn++] = w;
  return SSLVDIR_OK;
}

static int is_el(xmlNodePtr n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNodePtr child(xmlNodePtr n, const char *name) {
  for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
    if (is_el(k, name))
      return k;
  return NULL;
}

static char *prop(xmlNodePtr n, const char *name) {
  return (char *)xmlGetNoNsProp(n, (const xmlChar *)name);
}

static unsigned line_of(xmlNodePtr n) {
  long l = xmlGetLineNo(n);
  return l > 0 ? (unsigned)l : 0;
}

/* "Default Web Site/owa/" -> "Default Web Site/owa"; "." and "" -> "". */
static char *norm_path(const char *p) {
  if (!p || !strcmp(p, "."))
    p = "";
  while (*p == '/')
    p++;
  size_t n = strlen(p);
  while (n && p[n - 1] == '/')
    n--;
  return sv_strndup(p, n);
}

/* The only child of n named name (NULL when none). IIS refuses a section or
 * section group given twice in one place (error 500.19, "There is a
 * duplicate ... section defined"); reading only the first would let the
 * second, unseen, one differ from what the proxy enforces. */
static int only_child(xmlNodePtr n, const char *name, xmlNodePtr *out, sslvdir_error *err) {
  *out = NULL;
  for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next) {
    if (!is_el(k, name))
      continue;
    if (*out)
      return sv_err_line(err, SSLVDIR_E_DUPLICATE, line_of(k), "<%s> is given twice in one "
                         "place (first at line %u): IIS refuses the file (500.19)", name,
                         line_of(*out));
    *out = k;
  }
  return SSLVDIR_OK;
}

/* Why a configuration path (a location's or an application's, normalised)
 * is not a literal path, or NULL. IIS compares configuration paths as they
 * are written: it decodes no '%XX' and resolves no '.' or '..', while every
 * URL reaches it decoded and resolved. So such a path holds the settings of
 * no URL the proxy can see (or of one only a double-escaped URL reaches);
 * reading it as the URL it spells would put its settings on another vdir. */
static const char *not_literal(const char *p) {
  if (strchr(p, '%'))
    return "a '%' (IIS does not decode configuration paths)";
  if (strchr(p, '\\'))
    return "a backslash";
  if (strstr(p, "//"))
    return "an empty segment ('//')";
  for (const char *seg = p; *seg; seg += strcspn(seg, "/"), seg += *seg == '/') {
    size_t n = strcspn(seg, "/");
    if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
      return "a '.' or '..' segment (IIS does not resolve them in configuration paths)";
  }
  return NULL;
}

/* A site's binding host names while its bindings are read: each once,
 * compared whole (not as a substring of the others). */
typedef struct host_list {
  char **v;
  size_t n, cap, chars;
  sv_ix ix;
} host_list;

static const char *host_list_at(const void *base, size_t i) {
  return ((const host_list *)base)->v[i];
}

static int host_list_add(host_list *h, const char *host, size_t n) {
  if (sv_ix_find(&h->ix, host, n, 0, host_list_at, h) >= 0)
    return SSLVDIR_OK;
  char *copy = sv_strndup(host, n);
  if (!copy || sv_grow((void **)&h->v, &h->cap, h->n + 1, sizeof *h->v)) {
    sv_free(copy);
    return SSLVDIR_E_NOMEM;
  }
  h->v[h->n] = copy;
  if (sv_ix_add(&h->ix, h->n, host_list_at, h)) {
    sv_free(copy);
    return SSLVDIR_E_NOMEM;
  }
  h->n++;
  h->chars += n + 1;
  return SSLVDIR_OK;
}

/* "a,b,c" (what sslvdir_iisconfig_site() gives), and the list emptied. */
static char *host_list_join(host_list *h) {
  char *o = sv_malloc(h->chars + 1);
  size_t k = 0;
  for (size_t i = 0; i < h->n; i++) {
    size_t n = strlen(h->v[i]);
    if (o) {
      if (k)
        o[k++] = ',';
      memcpy(o + k, h->v[i], n);
      k += n;
    }
    sv_free(h->v[i]);
  }
  if (o)
    o[k] = '\0';
  sv_free(h->v);
  sv_ix_free(&h->ix);
  memset(h, 0, sizeof *h);
  return o;
}

static ic_site *find_site(sslvdir_iisconfig *c, const char *name, size_t n) {
  long i = sv_ix_find(&c->site_ix, name, n, 1, site_name_of, c);
  return i < 0 ? NULL : &c->sites[i];
}

static const char *bound_host_of(const void *base, size_t i) {
  return ((const sslvdir_iisconfig *)base)->bound[i].host;
}

/* Notes that site binds host on port; a name another site binds too is
 * shared, said once per site that shares it. */
static int bind_host(sslvdir_iisconfig *c, size_t site, const char *host, size_t n, unsigned port,
                     unsigned line) {
  long i = sv_ix_find(&c->bound_ix, host, n, 0, bound_host_of, c);
  if (i < 0) {
    char *copy = sv_strndup(host, n);
    if (!copy || sv_grow((void **)&c->bound, &c->capbound, c->nbound + 1, sizeof *c->bound)) {
      sv_free(copy);
      return SSLVDIR_E_NOMEM;
    }
    c->bound[c->nbound] = (ic_bound){copy, site, site, port, 0};
    if (sv_ix_add(&c->bound_ix, c->nbound, bound_host_of, c)) {
      sv_free(copy);
      return SSLVDIR_E_NOMEM;
    }
    c->nbound++;
    return SSLVDIR_OK;
  }
  ic_bound *e = &c->bound[i];
  if (e->site == site || e->last == site)
    return SSLVDIR_OK;
  e->shared = 1;
  e->last = site;
  c->shared = 1;
  return warn(c, "line %u: host '%.100s' is bound by site '%.100s' (port %u) and by site '%.100s' "
              "(port %u): IIS tells them apart by port and address, which the proxy's decision "
              "does not see, so the name belongs to neither and a request naming it gets 400",
              line, e->host, c->sites[e->site].name, e->port, c->sites[site].name, port);
}

static int shared_host(const sslvdir_iisconfig *c, const char *host, size_t n) {
  long i = sv_ix_find(&c->bound_ix, host, n, 0, bound_host_of, c);
  return i >= 0 && c->bound[i].shared;
}

static int read_sites(sslvdir_iisconfig *c, xmlNodePtr sites, sslvdir_error *err) {
  char *server_pool = NULL;
  xmlNodePtr defs = child(sites, "applicationDefaults");
  if (defs)
    server_pool = prop(defs, "applicationPool");
  int rc = SSLVDIR_OK;
  for (xmlNodePtr s = sites->children; s && !rc; s = s->next) {
    if (!is_el(s, "site"))
      continue;
    char *name = prop(s, "name");
    if (!name || !name[0] || strchr(name, '/')) {
      rc = sv_err_line(err, SSLVDIR_E_SYNTAX, line_of(s), "<site> without a valid name");
      xmlFree(name);
      break;
    }
    if (find_site(c, name, strlen(name))) {
      rc = sv_err_line(err, SSLVDIR_E_DUPLICATE, line_of(s), "site '%.200s' is defined twice", name);
      xmlFree(name);
      break;
    }
    if (sv_grow((void **)&c->sites, &c->capsites, c->nsites + 1, sizeof *c->sites)) {
      xmlFree(name);
      rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      break;
    }
    ic_site *site = &c->sites[c->nsites++];
    memset(site, 0, sizeof *site);
    site->line = line_of(s);
    site->name = sv_strdup(name);
    xmlFree(name);
    if (site->name && sv_ix_add(&c->site_ix, c->nsites - 1, site_name_of, c)) {
      rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      break;
    }
    xmlNodePtr sdef = child(s, "applicationDefaults");
    char *pool = sdef ? prop(sdef, "applicationPool") : NULL;
    site->default_pool = sv_strdup(pool ? pool : server_pool ? server_pool : "");
    xmlFree(pool);
    host_list hl = {0};
    xmlNodePtr bindings;
    rc = only_child(s, "bindings", &bindings, err);
    for (xmlNodePtr b = bindings ? bindings->children : NULL; b && !rc; b = b->next) {
      if (!is_el(b, "binding"))
        continue;
      site->nbindings++;
      char *proto = prop(b, "protocol"), *info = prop(b, "bindingInformation");
      int https = proto && !strcmp(proto, "https");
      if (info && proto && (https || !strcmp(proto, "http"))) {
        char *hc = strrchr(info, ':');
        const char *host = hc ? hc + 1 : "";
        unsigned port = 0;
        if (hc) {
          *hc = '\0';
          char *pc = strrchr(info, ':');
          port = (unsigned)strtoul(pc ? pc + 1 : info, NULL, 10);
        }
        char norm[SV_HOST_MAX + 5]; /* room for "*." before a host name */
        size_t nl;
        /* IIS 10 binds "*.contoso.com" too: kept as written, "*." and a
         * host name of two labels or more. An address (Exchange's
         * "127.0.0.1:80:127.0.0.1") is a host header clients rarely send,
         * never the site's canonical name. */
        int wild = host[0] == '*' && host[1] == '.', fam;
        unsigned char addr[16];
        if (!host[0]) {
          site->catch_all |= CATCH_ALL_OTHER_PORT;
          if (port == (https ? 443u : 80u))
            site->catch_all |= CATCH_ALL_STD_PORT;
        } else if (!sv_host_normalize(host + 2 * wild, strlen(host + 2 * wild), norm + 2 * wild,
                                      &nl, 0) &&
                   (!wild || (strchr(norm + 2, '.') && sv_addr_parse(norm + 2, nl, &fam, addr)))) {
          if (wild) {
            /* IIS sends every subdomain that no other binding names here.
             * The policy routes by whole names only, so the default site
             * may not take such a Host in this site's stead (see apply). */
            memcpy(norm, "*.", 2);
            nl += 2;
            site->wildcard = 1;
          }
          int literal = !wild && !sv_addr_parse(norm, nl, &fam, addr);
          if (host_list_add(&hl, norm, nl) ||
              (!wild && bind_host(c, c->nsites - 1, norm, nl, port, line_of(b))))
            rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
          if (https && !site->first_https && !wild && !literal) {
            site->first_https = sv_strdup(norm);
            site->https_port = port;
          }
        } else {
          rc = warn(c, "line %u: binding host '%.100s' of site '%.100s' is not a host name: "
                    "left out", line_of(b), host, site->name);
        }
        if (https && !site->https_port)
          site->https_port = port;
      }
      xmlFree(proto);
      xmlFree(info);
    }
    site->hosts = host_list_join(&hl);
    if (rc)
      break;
    if (!site->name || !site->hosts || !site->default_pool) {
      rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      break;
    }
    if (!site->nbindings && !rc)
      rc = warn(c, "line %u: site '%.200s' has no binding: no request can reach it", site->line,
                site->name);
    for (xmlNodePtr a = s->children; a && !rc; a = a->next) {
      if (!is_el(a, "application"))
        continue;
      char *path = prop(a, "path"), *apool = prop(a, "applicationPool");
      char *np = norm_path(path ? path : "/");
      const char *why = np ? not_literal(np) : NULL;
      if (why) {
        rc = sv_err_line(err, SSLVDIR_E_SYNTAX, line_of(a), "application path '%.200s' of site "
                         "'%.200s' holds %s: it names no URL's application", path, site->name, why);
        sv_free(np);
        xmlFree(path);
        xmlFree(apool);
        break;
      }
      size_t need = strlen(site->name) + (np ? strlen(np) : 0) + 2;
      char *full = sv_malloc(need);
      if (np && full)
        snprintf(full, need, "%s%s%s", site->name, np[0] ? "/" : "", np);
      if (!np || !full ||
          sv_grow((void **)&c->apps, &c->capapps, c->napps + 1, sizeof *c->apps)) {
        sv_free(full);
        rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      } else {
        ic_app *ap = &c->apps[c->napps++];
        ap->path = full;
        ap->pool = sv_strdup(apool ? apool : site->default_pool);
        if (!ap->pool || sv_ix_add(&c->app_ix, c->napps - 1, app_path_of, c))
          rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      }
      sv_free(np);
      xmlFree(path);
      xmlFree(apool);
    }
  }
  xmlFree(server_pool);
  return rc;
}

static ic_loc *find_loc(sslvdir_iisconfig *c, const char *path, size_t n) {
  long i = loc_find(c, path, n);
  return i < 0 ? NULL : &c->locs[i];
}

/* The system.webServer sections of a location (or of the server level):
 * owner is the <location>, or the root; own_app when the location says
 * inheritInChildApplications="false". */
static int read_sections(sslvdir_iisconfig *c, xmlNodePtr owner, const char *path, unsigned line,
                         int own_app, sslvdir_error *err) {
  xmlNodePtr ws, sec = NULL, access = NULL, redirect = NULL, auth = NULL, wa = NULL, ep = NULL;
  int rc = only_child(owner, "system.webServer", &ws, err);
  if (!rc)
    rc = only_child(ws, "security", &sec, err);
  if (!rc)
    rc = only_child(sec, "access", &access, err);
  if (!rc)
    rc = only_child(ws, "httpRedirect", &redirect, err);
  if (!rc)
    rc = only_child(sec, "authentication", &auth, err);
  if (!rc)
    rc = only_child(auth, "windowsAuthentication", &wa, err);
  if (!rc)
    rc = only_child(wa, "extendedProtection", &ep, err);
  if (rc)
    return rc;
  if (!access && !redirect && !ep)
    return SSLVDIR_OK;
  ic_loc *l = find_loc(c, path, strlen(path));
  if (!l) {
    if (sv_grow((void **)&c->locs, &c->caplocs, c->nlocs + 1, sizeof *c->locs))
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    l = &c->locs[c->nlocs++];
    memset(l, 0, sizeof *l);
    l->status = 302;
    l->line = line;
    if (!(l->path = sv_strdup(path))) {
      c->nlocs--;
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    }
    if (sv_ix_add(&c->loc_ix, c->nlocs - 1, loc_path_of, c))
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  const char *shown = path[0] ? path : "(server level)";
  if (access) {
    unsigned al = line_of(access);
    if (l->seen & SEEN_ACCESS)
      return sv_err_line(err, SSLVDIR_E_DUPLICATE, al, "security/access is set twice for location "
                     "'%.200s' (first at line %u)", shown, l->line);
    l->seen |= SEEN_ACCESS;
    l->own_app |= own_app ? SEEN_ACCESS : 0;
    l->line = al;
    /* Without sslFlags the element sets nothing: the inherited flags stay. */
    char *f = prop(access, "sslFlags");
    if (f) {
      l->has_access = 1;
      sslvdir_error fe;
      rc = sslvdir_flags_parse(f, strlen(f), &l->flags, &fe);
      if (rc) {
        rc = sv_err_line(err, rc, al, "location '%.200s': sslFlags=\"%.64s\": %s", shown, f, fe.message);
        xmlFree(f);
        return rc;
      }
      if (sslvdir_flags_check(l->flags, &fe) && warn(c, "line %u: location '%.200s': %s", al, shown, fe.message))
        return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      if ((l->flags & SSLVDIR_SSL_128) && !(l->flags & SSLVDIR_SSL) &&
          warn(c, "line %u: location '%.200s' asks for Ssl128 without Ssl: IIS still refuses "
               "plain HTTP with 403.4", al, shown))
        return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    }
    xmlFree(f);
  }
  if (redirect) {
    if (l->seen & SEEN_REDIRECT)
      return sv_err_line(err, SSLVDIR_E_DUPLICATE, line_of(redirect), "httpRedirect is set twice "
                     "for location '%.200s'", shown);
    l->seen |= SEEN_REDIRECT;
    l->own_app |= own_app ? SEEN_REDIRECT : 0;
    char *en = prop(redirect, "enabled"), *dest = prop(redirect, "destination"),
         *st = prop(redirect, "httpResponseStatus");
    if (en) {
      l->has_redirect |= REDIR_ENABLED;
      l->redirect_enabled = !strcmp(en, "true") || !strcmp(en, "True");
    }
    if (dest) {
      l->has_redirect |= REDIR_DESTINATION;
      l->destination = sv_strdup(dest);
    }
    if (st) {
      static const struct { const char *name; int code; } map[] = {
        {"Permanent", 301}, {"Found", 302}, {"Temporary", 307}, {"PermRedirect", 308}};
      l->has_redirect |= REDIR_STATUS;
      l->status = 0;
      for (size_t i = 0; i < 4; i++)
        if (!strcmp(st, map[i].name))
          l->status = map[i].code;
    }
    int bad = st && !l->status;
    xmlFree(en);
    if (bad) {
      rc = sv_err_line(err, SSLVDIR_E_UNKNOWN_NAME, line_of(redirect), "httpResponseStatus "
                       "\"%.64s\" is not Permanent, Found, Temporary or PermRedirect", st);
      xmlFree(st);
      xmlFree(dest);
      return rc;
    }
    xmlFree(st);
    if (dest && !l->destination) {
      xmlFree(dest);
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    }
    xmlFree(dest);
  }
  if (ep) {
    if (l->seen & SEEN_EP)
      return sv_err_line(err, SSLVDIR_E_DUPLICATE, line_of(ep), "extendedProtection is set twice "
                     "for location '%.200s'", shown);
    l->seen |= SEEN_EP;
    l->own_app |= own_app ? SEEN_EP : 0;
    /* appcmd takes the values in any case. Without tokenChecking the
     * element sets nothing: the inherited value (else IIS's None) stays. */
    char *tc = prop(ep, "tokenChecking");
    static const char *const names[] = {"None", "Allow", "Require"};
    if (tc) {
      l->has_ep = 1;
      l->token_checking = -1;
    }
    for (int i = 0; tc && i < 3; i++)
      if (sv_streq_ci(tc, names[i]))
        l->token_checking = i;
    if (l->token_checking < 0) {
      rc = sv_err_line(err, SSLVDIR_E_UNKNOWN_NAME, line_of(ep), "extendedProtection "
                       "tokenChecking=\"%.64s\" is not None, Allow or Require", tc);
      xmlFree(tc);
      return rc;
    }
    xmlFree(tc);
  }
  return SSLVDIR_OK;
}

static int is_app_path(const sslvdir_iisconfig *c, const char *path) {
  return sv_ix_find(&c->app_ix, path, strlen(path), 1, app_path_of, c) >= 0;
}

static int build_model(sslvdir_iisconfig *c, sslvdir_error *err) {
  xmlDocPtr doc;
  sv_xml_text text = c->enc == SSLVDIR_ENCODING_UTF16LE   ? SV_XML_FROM_UTF16LE
                     : c->enc == SSLVDIR_ENCODING_UTF16BE ? SV_XML_FROM_UTF16BE
                                                          : SV_XML_UTF8_OR_UTF16;
  int rc = sv_xml_read(c->text, c->len, "applicationHost.config", SIZE_MAX, SV_XML_MAX_DEPTH, text,
                       &doc, err);
  if (rc)
    return rc;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (!is_el(root, "configuration") || root->ns) {
    xmlFreeDoc(doc);
    return sv_err(err, SSLVDIR_E_SYNTAX, "applicationHost.config: the root element must be "
                  "<configuration>");
  }
  xmlNodePtr ah, sites = NULL;
  rc = only_child(root, "system.applicationHost", &ah, err);
  if (!rc)
    rc = only_child(ah, "sites", &sites, err);
  if (!rc && sites)
    rc = read_sites(c, sites, err);
  if (!rc)
    rc = read_sections(c, root, "", line_of(root), 0, err);
  /* Locations: first pass records them, then the checks that need all sites. */
  for (xmlNodePtr l = root->children; l && !rc; l = l->next) {
    if (!is_el(l, "location"))
      continue;
    char *p = prop(l, "path"), *np = norm_path(p);
    xmlFree(p);
    if (!np) {
      rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      break;
    }
    unsigned line = line_of(l);
    for (const char *ch = np; *ch && !rc; ch++)
      if ((unsigned char)*ch < 0x20 || *ch == '"')
        rc = sv_err_line(err, SSLVDIR_E_SYNTAX, line, "location path with a control character or a "
                     "quote");
    const char *why = rc ? NULL : not_literal(np);
    if (why)
      rc = sv_err_line(err, SSLVDIR_E_SYNTAX, line, "location '%.200s' holds %s: no URL "
                       "reaches it as written; refused rather than read as another path",
                       np, why);
    if (!rc && np[0]) {
      size_t sn = strcspn(np, "/");
      if (!find_site(c, np, sn))
        rc = sv_err_line(err, SSLVDIR_E_NOT_FOUND, line, "location '%.200s' is for site '%.*s', "
                     "which does not exist", np, (int)(sn > 200 ? 200 : sn), np);
    }
    /* Its sections hold for its own application only (folders included),
     * not for the applications below it. */
    char *icia = prop(l, "inheritInChildApplications");
    int own_app = icia && sv_streq_ci(icia, "false");
    xmlFree(icia);
    if (!rc)
      rc = read_sections(c, l, np, line, own_app, err);
    xmlNodePtr acc = child(child(child(l, "system.webServer"), "security"), "access");
    if (!rc && acc && np[0] && strchr(np, '/') && !is_app_path(c, np) &&
        sv_kind_from_vdir_name(strchr(np, '/')) != SSLVDIR_KIND_MRSPROXY &&
        warn(c, "line %u: location '%.200s' names no application (a folder or file, or a typo)",
             line, np))
      rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    if (!rc && sv_eq_ci(np, strcspn(np, "/"), "Exchange Back End", 17)) {
      ic_loc *lc = find_loc(c, np, strlen(np));
      const char *rel = np[17] ? np + 17 : "/";
      unsigned shipped;
      /* Exchange ships Rpc, RpcWithCert and owa/Calendar there with None:
       * only a change from what it ships is worth a warning. */
      if (lc && lc->has_access && !(lc->flags & SSLVDIR_SSL) &&
          (sv_xdefault_flags(0, 2013, rel, strlen(rel), SV_XD_BACK, &shipped) ||
           (shipped & SSLVDIR_SSL)) &&
          warn(c,
               "line %u: location '%.200s' on the Exchange Back End site does not require "
               "SSL: only the Default Web Site is configured for SSL offloading (Configuring SSL "
               "offloading in Exchange 2013)",
               line, np))
        rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    }
    sv_free(np);
  }
  xmlFreeDoc(doc);
  return rc;
}

/* ================================================================ reading API */

static int from_text(sslvdir_iisconfig **out, sslvdir_iisconfig *c, sslvdir_error *err) {
  int rc = build_model(c, err);
  if (rc) {
    sslvdir_iisconfig_free(c);
    return rc;
  }
  *out = c;
  return SSLVDIR_OK;
}

/* A configuration of its own, for a caller that must not keep the
 * caller's (a plan): the model is rebuilt from the current text, so edits
 * made with sslvdir_iisconfig_set_ssl_flags() are in the copy. */
int sv_iisconfig_dup(sslvdir_iisconfig **out, const sslvdir_iisconfig *src, sslvdir_error *err) {
  *out = NULL;
  sslvdir_iisconfig *c = sv_calloc(1, sizeof *c);
  if (!c || !(c->text = sv_malloc(src->len + 1))) {
    sv_free(c);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  memcpy(c->text, src->text, src->len + 1);
  c->len = src->len;
  c->enc = src->enc;
  return from_text(out, c, err);
}

SSLVDIR_EXTERN int sslvdir_iisconfig_parse(sslvdir_iisconfig **out, const char *data,
                                           size_t len, sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!out || (!data && len))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "applicationHost.config: NULL argument");
  if (len > SSLVDIR_IISCONFIG_MAX)
    return sv_err(err, SSLVDIR_E_RANGE, "applicationHost.config: %zu bytes, more than the %u "
                  "allowed", len, SSLVDIR_IISCONFIG_MAX);
  sslvdir_iisconfig *c = sv_calloc(1, sizeof *c);
  if (!c)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  int rc = sv_text_decode((const unsigned char *)(data ? data : ""), len, "applicationHost.config",
                          &c->enc, &c->text, &c->len, err);
  if (rc) {
    sv_free(c);
    return rc;
  }
  return from_text(out, c, err);
}

SSLVDIR_EXTERN int sslvdir_iisconfig_load(sslvdir_iisconfig **out, const char *filename,
                                          sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!out || !filename)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "applicationHost.config: NULL argument");
  char *data;
  size_t len;
  int rc = sv_read_file(filename, SSLVDIR_IISCONFIG_MAX, &data, &len, err);
  if (rc)
    return rc;
  rc = sslvdir_iisconfig_parse(out, data, len, err);
  sv_free(data);
  return rc;
}

SSLVDIR_EXTERN void sslvdir_iisconfig_free(sslvdir_iisconfig *c) {
  if (!c)
    return;
  model_clear(c);
  sv_free(c->text);
  sv_free(c->bytes);
  sv_free(c);
}

SSLVDIR_EXTERN sslvdir_encoding sslvdir_iisconfig_encoding(const sslvdir_iisconfig *c) {
  return c ? c->enc : SSLVDIR_ENCODING_UTF8;
}

SSLVDIR_EXTERN size_t sslvdir_iisconfig_site_count(const sslvdir_iisconfig *c) {
  return c ? c->nsites : 0;
}

SSLVDIR_EXTERN int sslvdir_iisconfig_site(const sslvdir_iisconfig *c, size_t i, const char **name,
                                          const char **hosts, unsigned *https_port) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (name)
    *name = NULL;
  if (hosts)
    *hosts = NULL;
  if (https_port)
    *https_port = 0;
  if (!c)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (i >= c->nsites)
    return SSLVDIR_E_NOT_FOUND;
  if (name)
    *name = c->sites[i].name;
  if (hosts)
    *hosts = c->sites[i].hosts;
  if (https_port)
    *https_port = c->sites[i].https_port;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN size_t sslvdir_iisconfig_app_count(const sslvdir_iisconfig *c) {
  return c ? c->napps : 0;
}

SSLVDIR_EXTERN int sslvdir_iisconfig_app(const sslvdir_iisconfig *c, size_t i, const char **path,
                                         const char **pool) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (path)
    *path = NULL;
  if (pool)
    *pool = NULL;
  if (!c)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (i >= c->napps)
    return SSLVDIR_E_NOT_FOUND;
  if (path)
    *path = c->apps[i].path;
  if (pool)
    *pool = c->apps[i].pool;
  return SSLVDIR_OK;
}

/* The nearest location at or above path that sets the attribute: IIS
 * inherits each attribute on its own. */
enum { SEC_ACCESS, SEC_EP, SEC_REDIRECT_ENABLED, SEC_REDIRECT_DESTINATION, SEC_REDIRECT_STATUS };

static int seen_bit(int section) {
  return section == SEC_ACCESS ? SEEN_ACCESS : section == SEC_EP ? SEEN_EP : SEEN_REDIRECT;
}

static int has_section(const ic_loc *l, int section) {
  switch (section) {
  case SEC_ACCESS: return l->has_access;
  case SEC_EP: return l->has_ep;
  case SEC_REDIRECT_ENABLED: return l->has_redirect & REDIR_ENABLED;
  case SEC_REDIRECT_DESTINATION: return l->has_redirect & REDIR_DESTINATION;
  default: return l->has_redirect & REDIR_STATUS;
  }
}

/* The path without its leading and trailing '/' ("." is the server level),
 * as inherit() reads it; *n its length. */
static const char *trim_path(const char *path, size_t *n) {
  while (*path == '/')
    path++;
  if (!strcmp(path, "."))
    path = "";
  *n = strlen(path);
  while (*n && path[*n - 1] == '/')
    (*n)--;
  return path;
}

static const ic_loc *inherit(const sslvdir_iisconfig *c, const char *path, int section) {
  size_t n;
  path = trim_path(path, &n);
  /* Whether an application starts below the prefix being looked at (and at
   * or above path): then a location that keeps its settings to its own
   * application (inheritInChildApplications="false") is not inherited. */
  int below_app = 0;
  for (;;) {
    long i = loc_find(c, path, n);
    if (i >= 0 && has_section(&c->locs[i], section) &&
        !(below_app && (c->locs[i].own_app & seen_bit(section))))
      return &c->locs[i];
    if (n == 0)
      return NULL;
    below_app |= sv_ix_find(&c->app_ix, path, n, 1, app_path_of, c) >= 0;
    while (n && path[n - 1] != '/')
      n--;
    if (n)
      n--; /* drop the '/' */
  }
}

/* Whether path is the server level or on a site the configuration has. A
 * misspelled site ("Default Website/owa") would otherwise inherit the
 * server level's settings and answer for a site that does not exist. */
static int site_known(const sslvdir_iisconfig *c, const char *path) {
  size_t n;
  path = trim_path(path, &n);
  size_t sn = strcspn(path, "/");
  return n == 0 || sv_ix_find(&c->site_ix, path, sn < n ? sn : n, 1, site_name_of, c) >= 0;
}

int sv_iis_names_vdir(const sslvdir_iisconfig *c, const char *path) {
  size_t n;
  path = trim_path(path, &n);
  size_t sn = strcspn(path, "/");
  if (sn >= n || !site_known(c, path))
    return 0;
  if (loc_find(c, path, n) >= 0)
    return 1;
  /* At or below an application other than the site's root one: every path
   * is below the root application, so that one proves nothing. */
  while (n > sn) {
    if (sv_ix_find(&c->app_ix, path, n, 1, app_path_of, c) >= 0)
      return 1;
    while (n && path[n - 1] != '/')
      n--;
    if (n)
      n--; /* drop the '/' */
  }
  return 0;
}

SSLVDIR_EXTERN int sslvdir_iisconfig_ssl_flags(const sslvdir_iisconfig *c, const char *path,
                                               unsigned *flags, const char **from) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (flags)
    *flags = 0;
  if (from)
    *from = NULL;
  if (!c || !path || !flags)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (!site_known(c, path))
    return SSLVDIR_E_NOT_FOUND;
  const ic_loc *l = inherit(c, path, SEC_ACCESS);
  *flags = l ? l->flags : SSLVDIR_SSL_NONE;
  if (from)
    *from = l ? l->path : NULL;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_iisconfig_redirect(const sslvdir_iisconfig *c, const char *path,
                                              int *enabled, const char **destination,
                                              int *status) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (enabled)
    *enabled = 0;
  if (destination)
    *destination = NULL;
  if (status)
    *status = 0;
  if (!c || !path)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (!site_known(c, path))
    return SSLVDIR_E_NOT_FOUND;
  const ic_loc *l = inherit(c, path, SEC_REDIRECT_ENABLED);
  if (enabled)
    *enabled = l ? l->redirect_enabled : 0;
  l = inherit(c, path, SEC_REDIRECT_DESTINATION);
  if (destination)
    *destination = l ? l->destination : "";
  l = inherit(c, path, SEC_REDIRECT_STATUS);
  if (status)
    *status = l ? l->status : 302;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_iisconfig_extended_protection(const sslvdir_iisconfig *c,
                                                         const char *path, int *token_checking,
                                                         const char **from) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (token_checking)
    *token_checking = SSLVDIR_TOKEN_CHECKING_NONE;
  if (from)
    *from = NULL;
  if (!c || !path || !token_checking)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (!site_known(c, path))
    return SSLVDIR_E_NOT_FOUND;
  const ic_loc *l = inherit(c, path, SEC_EP);
  *token_checking = l ? l->token_checking : SSLVDIR_TOKEN_CHECKING_NONE;
  if (from)
    *from = l ? l->path : NULL;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN size_t sslvdir_iisconfig_warning_count(const sslvdir_iisconfig *c) {
  return c ? c->nwarn : 0;
}

SSLVDIR_EXTERN const char *sslvdir_iisconfig_warning(const sslvdir_iisconfig *c, size_t i) {
  return c && i < c->nwarn ? c->warnings[i] : NULL;
}

/* ================================================================ to a builder */

sslvdir_kind sv_kind_from_vdir_name(const char *path) {
  static const struct { const char *name; sslvdir_kind kind; } map[] = {
    {"owa", SSLVDIR_KIND_OWA}, {"exchange", SSLVDIR_KIND_OWA}, {"public", SSLVDIR_KIND_OWA},
    {"exchweb", SSLVDIR_KIND_OWA}, {"ecp", SSLVDIR_KIND_ECP}, {"ews", SSLVDIR_KIND_EWS},
    {"microsoft-server-activesync", SSLVDIR_KIND_EAS}, {"oab", SSLVDIR_KIND_OAB},
    {"mapi", SSLVDIR_KIND_MAPI}, {"rpc", SSLVDIR_KIND_RPC}, {"rpcwithcert", SSLVDIR_KIND_RPC},
    {"autodiscover", SSLVDIR_KIND_AUTODISCOVER}, {"powershell", SSLVDIR_KIND_POWERSHELL},
  };
  const char *p = path[0] == '/' ? path + 1 : path;
  if (sv_eq_ci(p, strlen(p), "ews/mrsproxy.svc", 16))
    return SSLVDIR_KIND_MRSPROXY;
  size_t n = strcspn(p, "/");
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (sv_eq_ci(p, n, map[i].name, strlen(map[i].name)))
      return map[i].kind;
  return SSLVDIR_KIND_OTHER;
}

static int has_vdir(sslvdir_builder *b, const char *site, const char *path) {
  return sv_builder_find_vdir(b, site, path) != NULL;
}

static int apply_vdir(const sslvdir_iisconfig *c, sslvdir_builder *b, const char *full,
                      size_t site_len, const char *site, sslvdir_error *err) {
  char vpath[SSLVDIR_PATH_BUFSZ];
  snprintf(vpath, sizeof vpath, "%s", full[site_len] ? full + site_len : "/");
  unsigned flags;
  if (sslvdir_iisconfig_ssl_flags(c, full, &flags, NULL))
    return SSLVDIR_E_INVALID_ARGUMENT;
  int tc;
  if (sslvdir_iisconfig_extended_protection(c, full, &tc, NULL))
    return SSLVDIR_E_INVALID_ARGUMENT;
  int existed = has_vdir(b, site, vpath), rc = SSLVDIR_OK;
  if (!existed)
    rc = sslvdir_builder_add_vdir(b, site, vpath, sv_kind_from_vdir_name(vpath), err);
  if (!rc)
    rc = sslvdir_builder_set_vdir_backend_flags(b, site, vpath, flags, err);
  if (!rc && tc != SSLVDIR_TOKEN_CHECKING_NONE)
    rc = sslvdir_builder_set_vdir_extended_protection(b, site, vpath, 1, err);
  if (!rc && !existed)
    rc = sslvdir_builder_set_vdir_edge_flags(b, site, vpath, flags, err);
  return rc;
}

SSLVDIR_EXTERN int sslvdir_iisconfig_apply(const sslvdir_iisconfig *c, sslvdir_builder *b,
                                           sslvdir_error *err) {
  if (!c || !b)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "applicationHost.config: NULL argument");
  /* Each site's applications, then its locations, each in file order:
   * chained per site in one pass, so that a site does not read the others'.
   * Entries 0 .. napps - 1 of next are applications, the rest locations. */
  size_t nent = c->napps + c->nlocs, none = SIZE_MAX;
  size_t *next = sv_malloc((nent + 4 * c->nsites + 1) * sizeof *next);
  if (!next)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  size_t *head = next + nent, *tail = head + 2 * c->nsites;
  for (size_t i = 0; i < 2 * c->nsites; i++)
    head[i] = tail[i] = none;
  for (size_t i = 0; i < nent; i++) {
    int is_loc = i >= c->napps;
    const char *p = is_loc ? c->locs[i - c->napps].path : c->apps[i].path;
    size_t sn = strcspn(p, "/");
    /* A location applies when it names something below a site and sets
     * sslFlags or Extended Protection; an application always does. */
    if (is_loc && (p[sn] != '/' || !(c->locs[i - c->napps].has_access ||
                                     c->locs[i - c->napps].has_ep)))
      continue;
    long si = sv_ix_find(&c->site_ix, p, sn, 1, site_name_of, c);
    if (si < 0)
      continue;
    size_t list = 2 * (size_t)si + (size_t)is_loc;
    next[i] = none;
    if (tail[list] == none)
      head[list] = i;
    else
      next[tail[list]] = i;
    tail[list] = i;
  }
  int rc = SSLVDIR_OK;
  for (size_t i = 0; i < c->nsites && !rc; i++) {
    const ic_site *s = &c->sites[i];
    if (!sv_builder_find_site(b, s->name) && (rc = sslvdir_builder_add_site(b, s->name, err)))
      break;
    sslvdir_site *bs = sv_builder_find_site(b, s->name);
    const char *h = s->hosts;
    while (*h && !rc) {
      size_t n = strcspn(h, ",");
      char host[SV_HOST_MAX + 5];
      snprintf(host, sizeof host, "%.*s", (int)n, h);
      if (host[0] != '*' && /* the policy matches whole names: shown, not routed */
          !shared_host(c, host, strlen(host)) && sv_builder_host_owner(b, host) != bs)
        rc = sslvdir_builder_add_host(b, s->name, host, err);
      h += n + (h[n] == ',');
    }
    if (!rc && s->first_https && !shared_host(c, s->first_https, strlen(s->first_https)))
      rc = sslvdir_builder_set_canonical_host(b, s->name, s->first_https,
                                              s->https_port ? s->https_port : 443, err);
    size_t sl = strlen(s->name);
    for (size_t k = 0; k < 2 && !rc; k++)
      for (size_t e = head[2 * i + k]; e != none && !rc; e = next[e])
        rc = apply_vdir(c, b, k ? c->locs[e - c->napps].path : c->apps[e].path, sl, s->name, err);
  }
  sv_free(next);
  if (!rc && c->nsites) {
    /* A Host that no binding names goes where IIS sends it: to the site
     * bound without a host name, preferring ports 80 and 443, where a proxy
     * forwards. Where no site or more than one could be it (A on *:80:, B on
     * *:443:), the policy has no such site and the Host gets 400 -- what
     * HTTP.sys answers when there is none, and never a guess that may be
     * more lenient than the site IIS picks. */
    long dflt = -1;
    int best = 0, tie = 0;
    for (size_t i = 0; i < c->nsites; i++) {
      int rank = c->sites[i].catch_all & CATCH_ALL_STD_PORT ? 2 : c->sites[i].catch_all ? 1 : 0;
      if (rank > best) {
        best = rank;
        dflt = (long)i;
        tie = 0;
      } else if (rank && rank == best) {
        tie = 1;
      }
    }
    /* A Host under another site's wildcard binding is that site's in IIS:
     * the default site must not take it. */
    for (size_t i = 0; i < c->nsites; i++)
      if (c->sites[i].wildcard && (long)i != dflt)
        tie = 1;
    /* Nor a name two sites share: on the port where the default site is
     * bound IIS may give it that site, on the others one of the sharing
     * sites, and either may be the more lenient. The policy routes by
     * name only, so a name no site owns gets 400, like every unnamed
     * Host when there is no default site. */
    if (c->shared)
      tie = 1;
    if (sv_builder_set_default_site(b, dflt >= 0 && !tie ? c->sites[dflt].name : NULL))
      rc = sv_err(err, SSLVDIR_E_NOT_FOUND, "site '%.200s' is not in the builder",
                  c->sites[dflt].name);
  }
  return rc;
}

/* ================================================================ editing */

/* Compares an attribute value (entities decoded) with a path, ignoring case
 * and trailing '/'. */
static int attr_path_eq(const char *v, size_t n, const char *path) {
  char buf[2048];
  size_t o = 0;
  for (size_t i = 0; i < n && o < sizeof buf - 1; i++) {
    if (v[i] == '&') {
      static const struct { const char *e; char c; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      size_t k = 0;
      for (; k < 5; k++)
        if (n - i >= strlen(ents[k].e) && !memcmp(v + i, ents[k].e, strlen(ents[k].e)))
          break;
      if (k == 5)
        return 0; /* a numeric reference in a path: not one we write */
      buf[o++] = ents[k].c;
      i += strlen(ents[k].e) - 1;
    } else {
      buf[o++] = v[i];
    }
  }
  buf[o] = '\0';
  char *np = norm_path(buf);
  int eq = np && sv_streq_ci(np, path);
  sv_free(np);
  return eq;
}

typedef struct edit {
  size_t at, del;
  char ins[4096];
} edit;

static int apply_edit(sslvdir_iisconfig *c, const edit *e) {
  return sv_xe_splice(&c->text, &c->len, e->at, e->del, e->ins);
}

/* Lines of the chain to insert under an element: levels of elements, the
 * innermost with the attribute. */
static void chain_text(char *out, size_t size, const char *base, const char *unit,
                       const char *nl, const char *const *names, int n, const char *flags) {
  size_t o = 0;
  char ind[256];
  for (int i = 0; i < n; i++) {
    snprintf(ind, sizeof ind, "%s", base);
    for (int k = 0; k <= i; k++)
      strncat(ind, unit, sizeof ind - strlen(ind) - 1);
    if (i == n - 1)
      o += (size_t)snprintf(out + o, size - o, "%s<%s sslFlags=\"%s\" />%s", ind, names[i], flags, nl);
    else
      o += (size_t)snprintf(out + o, size - o, "%s<%s>%s", ind, names[i], nl);
  }
  for (int i = n - 2; i >= 0; i--) {
    snprintf(ind, sizeof ind, "%s", base);
    for (int k = 0; k <= i; k++)
      strncat(ind, unit, sizeof ind - strlen(ind) - 1);
    o += (size_t)snprintf(out + o, size - o, "%s</%s>%s", ind, names[i], nl);
  }
}

/* Works out the one edit that sets sslFlags at path. */
static int plan_edit(const sslvdir_iisconfig *c, const sv_xe_scan *s, const char *path,
                     const char *flags, edit *e) {
  const char *t = c->text;
  const char *nl = strstr(t, "\r\n") ? "\r\n" : "\n";
  char unit[16] = "    ";
  /* The indentation unit: that of the first element indented under the root. */
  for (size_t i = 1; i < s->n; i++)
    if (s->els[i].parent == 0) {
      sv_xe_indent(t, s->els[i].start, unit, sizeof unit);
      if (!unit[0])
        snprintf(unit, sizeof unit, "    ");
      break;
    }
  int root = 0;
  if (s->n == 0 || !sv_xe_is(t, &s->els[0], "configuration"))
    return SSLVDIR_E_SYNTAX;
  /* The element that owns system.webServer: the root, or a location. */
  int owner = -1, best_depth = -1;
  if (!path[0]) {
    owner = root;
  } else {
    for (size_t i = 1; i < s->n; i++) {
      size_t vs, ve;
      if (s->els[i].parent != root || !sv_xe_is(t, &s->els[i], "location") ||
          !sv_xe_attr(t, &s->els[i], "path", &vs, &ve) || !attr_path_eq(t + vs, ve - vs, path))
        continue;
      int ws = sv_xe_child(s, t, (int)i, "system.webServer"),
          sec = ws >= 0 ? sv_xe_child(s, t, ws, "security") : -1,
          acc = sec >= 0 ? sv_xe_child(s, t, sec, "access") : -1;
      int d = acc >= 0 ? 3 : sec >= 0 ? 2 : ws >= 0 ? 1 : 0;
      if (d > best_depth) {
        best_depth = d;
        owner = (int)i;
      }
    }
  }
  if (owner < 0) {
    /* A new <location> after the last one, else before </configuration>. */
    size_t at = s->els[root].close;
    for (size_t i = 1; i < s->n; i++)
      if (s->els[i].parent == root && sv_xe_is(t, &s->els[i], "location")) {
        at = s->els[i].end;
        while (at < c->len && (t[at] == ' ' || t[at] == '\t'))
          at++;
        if (at < c->len && t[at] == '\r')
          at++;
        if (at < c->len && t[at] == '\n')
          at++;
      }
    if (at == s->els[root].close) {
      while (at > 0 && (t[at - 1] == ' ' || t[at - 1] == '\t'))
        at--;
    }
    static const char *const names[] = {"system.webServer", "security", "access"};
    char inner[2048];
    char base[64];
    snprintf(base, sizeof base, "%s", unit);
    chain_text(inner, sizeof inner, base, unit, nl, names, 3, flags);
    int need_nl = at > 0 && t[at - 1] != '\n';
    snprintf(e->ins, sizeof e->ins, "%s%s<location path=\"%s\">%s%s%s</location>%s",
             need_nl ? nl : "", unit, path, nl, inner, unit, nl);
    e->at = at;
    e->del = 0;
    return SSLVDIR_OK;
  }
  int ws = sv_xe_child(s, t, owner, "system.webServer");
  int sec = ws >= 0 ? sv_xe_child(s, t, ws, "security") : -1;
  int acc = sec >= 0 ? sv_xe_child(s, t, sec, "access") : -1;
  if (acc >= 0) {
    size_t vs, ve;
    const sv_xe_el *a = &s->els[acc];
    if (sv_xe_attr(t, a, "sslFlags", &vs, &ve)) {
      e->at = vs;
      e->del = ve - vs;
      snprintf(e->ins, sizeof e->ins, "%s", flags);
    } else {
      /* After the name or the last attribute. */
      size_t at = a->self_closing ? a->tag_end - 2 : a->tag_end - 1;
      while (at > a->name + a->name_len && strchr(" \t\r\n", t[at - 1]))
        at--;
      e->at = at;
      e->del = 0;
      snprintf(e->ins, sizeof e->ins, " sslFlags=\"%s\"", flags);
    }
    return SSLVDIR_OK;
  }
  /* Insert what is missing under the deepest element that exists. */
  int parent = sec >= 0 ? sec : ws >= 0 ? ws : owner;
  static const char *const all[] = {"system.webServer", "security", "access"};
  const char *const *names = all + (sec >= 0 ? 2 : ws >= 0 ? 1 : 0);
  int n = sec >= 0 ? 1 : ws >= 0 ? 2 : 3;
  const sv_xe_el *p = &s->els[parent];
  char base[128];
  sv_xe_indent(t, p->start, base, sizeof base);
  char inner[2048];
  chain_text(inner, sizeof inner, base, unit, nl, names, n, flags);
  if (p->self_closing) {
    /* <x ... /> becomes <x ...> children </x>. */
    size_t slash = p->tag_end - 2;
    while (slash > p->name && t[slash] != '/')
      slash--;
    snprintf(e->ins, sizeof e->ins, ">%s%s%s</%.*s>", nl, inner, base, (int)p->name_len, t + p->name);
    e->at = slash;
    e->del = p->tag_end - slash;
    /* drop spaces before the '/' */
    while (e->at > p->name + p->name_len && (t[e->at - 1] == ' ' || t[e->at - 1] == '\t')) {
      e->at--;
      e->del++;
    }
    return SSLVDIR_OK;
  }
  /* Before the end tag: at the start of its line when it is alone on it. */
  size_t at = p->close;
  size_t b = at;
  while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t'))
    b--;
  if (b > 0 && t[b - 1] == '\n') {
    e->at = b;
    snprintf(e->ins, sizeof e->ins, "%s", inner);
  } else {
    e->at = at;
    snprintf(e->ins, sizeof e->ins, "%s%s%s", nl, inner, base);
  }
  e->del = 0;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_iisconfig_set_ssl_flags(sslvdir_iisconfig *c, const char *path,
                                                   unsigned flags, sslvdir_error *err) {
  if (!c || !path)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "applicationHost.config: NULL argument");
  int rc = sslvdir_flags_check(flags, err);
  if (rc)
    return rc;
  for (const char *p = path; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == '"' || *p == '<' || *p == '&')
      return sv_err(err, SSLVDIR_E_SYNTAX, "location path '%.200s': control characters, quotes, "
                    "'<' and '&' are refused", path);
  if (strlen(path) > 1024)
    return sv_err(err, SSLVDIR_E_RANGE, "location path longer than 1024 bytes");
  char *np = norm_path(path);
  if (!np)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  if (np[0] && !find_site(c, np, strcspn(np, "/"))) {
    rc = sv_err(err, SSLVDIR_E_NOT_FOUND, "no site '%.*s' in the configuration",
                (int)strcspn(np, "/"), np);
    sv_free(np);
    return rc;
  }
  char text[SSLVDIR_FLAGS_TEXT_MAX];
  if (sslvdir_flags_format(flags, text, sizeof text, NULL)) {
    sv_free(np);
    return sv_err(err, SSLVDIR_E_RANGE, "sslFlags 0x%x cannot be written", flags);
  }
  sv_xe_scan s = {NULL, 0, 0};
  int sr = sv_xe_scan_text(c->text, c->len, &s);
  edit e;
  if (sr == -2)
    rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  else if (sr)
    rc = sv_err(err, SSLVDIR_E_SYNTAX, "applicationHost.config: cannot find the elements to edit");
  else
    rc = plan_edit(c, &s, np, text, &e);
  sv_free(s.els);
  if (rc) {
    sv_free(np);
    return rc == SSLVDIR_E_SYNTAX && err && err->code == rc ? rc : sv_err(err, rc, "cannot edit");
  }
  if (e.del == strlen(e.ins) && !memcmp(c->text + e.at, e.ins, e.del)) {
    sv_free(np);
    return SSLVDIR_OK; /* already that value */
  }
  /* Edit a copy; the model is read again, and must say what we set. */
  char *old_text = c->text;
  size_t old_len = c->len;
  c->text = sv_strndup(old_text, old_len);
  if (!c->text || apply_edit(c, &e)) {
    sv_free(c->text);
    c->text = old_text;
    sv_free(np);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  sslvdir_iisconfig tmp = *c;
  tmp.sites = NULL;
  tmp.apps = NULL;
  tmp.locs = NULL;
  tmp.warnings = NULL;
  tmp.nsites = tmp.capsites = tmp.napps = tmp.capapps = tmp.nlocs = tmp.caplocs = tmp.nwarn =
      tmp.capwarn = 0;
  tmp.bytes = NULL;
  tmp.bound = NULL;
  tmp.nbound = tmp.capbound = 0;
  tmp.shared = 0;
  memset(&tmp.bound_ix, 0, sizeof tmp.bound_ix);
  memset(&tmp.loc_ix, 0, sizeof tmp.loc_ix);
  memset(&tmp.app_ix, 0, sizeof tmp.app_ix);
  memset(&tmp.site_ix, 0, sizeof tmp.site_ix);
  sslvdir_error e2 = {0};
  rc = build_model(&tmp, &e2);
  unsigned now = 0;
  if (!rc && (sslvdir_iisconfig_ssl_flags(&tmp, np, &now, NULL) || now != flags))
    rc = SSLVDIR_E_INCONSISTENT;
  sv_free(np);
  if (rc) {
    model_clear(&tmp);
    sv_free(c->text);
    c->text = old_text;
    c->len = old_len;
    return sv_err(err, rc == SSLVDIR_E_NOMEM ? rc : SSLVDIR_E_INCONSISTENT,
                  "the edited file would not read back as intended: left unchanged (%s)",
                  e2.message[0] ? e2.message : "wrong flags");
  }
  sv_free(old_text);
  model_clear(c);
  c->sites = tmp.sites;
  c->nsites = tmp.nsites;
  c->capsites = tmp.capsites;
  c->apps = tmp.apps;
  c->napps = tmp.napps;
  c->capapps = tmp.capapps;
  c->locs = tmp.locs;
  c->nlocs = tmp.nlocs;
  c->caplocs = tmp.caplocs;
  c->warnings = tmp.warnings;
  c->nwarn = tmp.nwarn;
  c->capwarn = tmp.capwarn;
  c->loc_ix = tmp.loc_ix;
  c->app_ix = tmp.app_ix;
  c->site_ix = tmp.site_ix;
  c->bound = tmp.bound;
  c->nbound = tmp.nbound;
  c->capbound = tmp.capbound;
  c->shared = tmp.shared;
  c->bound_ix = tmp.bound_ix;
  sv_free(c->bytes);
  c->bytes = NULL;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_iisconfig_bytes(sslvdir_iisconfig *c, const char **data,
                                           size_t *len) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (data)
    *data = NULL;
  if (len)
    *len = 0;
  if (!c || !data || !len)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (!c->bytes && encode(c))
    return SSLVDIR_E_NOMEM;
  *data = c->bytes;
  *len = c->nbytes;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_iisconfig_save(sslvdir_iisconfig *c, const char *filename,
                                          sslvdir_error *err) {
  if (!c || !filename)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "applicationHost.config: NULL argument");
  const char *data;
  size_t len;
  if (sslvdir_iisconfig_bytes(c, &data, &len))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  return sv_write_atomic(filename, data, len, 1, err);
}

size_t sv_iis_loc_count(const sslvdir_iisconfig *c) { return c ? c->nlocs : 0; }

const char *sv_iis_loc(const sslvdir_iisconfig *c, size_t i, unsigned *flags) {
  if (!c || i >= c->nlocs || !c->locs[i].has_access)
    return NULL;
  *flags = c->locs[i].flags;
  return c->locs[i].path;
}
