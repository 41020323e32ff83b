/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The library's own policy file format, read with libxml2 hardened: no
 * network, no DTD, no entities, no XInclude, bounded size and depth. The
 * whole document is applied to a copy of the builder, which replaces the
 * original only when everything succeeded.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fileread.h"
#include "internal.h"


/* The line of the <vdir> element that named each vdir of one site, 0 for
 * none yet (indexed by the builder's vdir index). */
typedef struct pf_site_lines {
  unsigned *line;
  size_t cap;
} pf_site_lines;

typedef struct pf {
  sslvdir_builder *b;
  sslvdir_error *err;
  xmlDocPtr doc;
  pf_site_lines *sites; /* indexed by the builder's site index */
  size_t capsites;
} pf;

/* Zero-filled growth of an array of n-byte elements to hold index i. */
static int grow_zeroed(void **arr, size_t *cap, size_t i, size_t elsize) {
  size_t old = *cap;
  if (i < old)
    return SSLVDIR_OK;
  if (sv_grow(arr, cap, i + 1, elsize))
    return SSLVDIR_E_NOMEM;
  memset((char *)*arr + old * elsize, 0, (*cap - old) * elsize);
  return SSLVDIR_OK;
}

static int at(pf *c, xmlNodePtr n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int at(pf *c, xmlNodePtr n, int code, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  long line = n ? xmlGetLineNo(n) : 0;
  return sv_err_line(c->err, code, line > 0 ? (unsigned)line : 0, "%s", msg);
}

/* Re-anchors an error from the library calls below at an element's line. */
static int relay(pf *c, xmlNodePtr n, int rc) {
  if (!rc || !c->err)
    return rc;
  char msg[sizeof c->err->message];
  memcpy(msg, c->err->message, sizeof msg);
  return at(c, n, rc, "<%s>: %s", (const char *)n->name, msg);
}

static int is_elem(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name) && n->ns &&
         !strcmp((const char *)n->ns->href, SSLVDIR_POLICYFILE_NS);
}

/* Only elements, comments, PIs and white space may appear between elements. */
static int check_children(pf *c, xmlNodePtr parent, const char *const *allowed) {
  for (xmlNodePtr n = parent->children; n; n = n->next) {
    if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
      continue;
    if (n->type == XML_TEXT_NODE) {
      for (const xmlChar *p = n->content; p && *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
          return at(c, n, SSLVDIR_E_SYNTAX, "unexpected text inside <%s>", (const char *)parent->name);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE)
      return at(c, n, SSLVDIR_E_SYNTAX, "unexpected node inside <%s>", (const char *)parent->name);
    int ok = 0;
    for (size_t i = 0; allowed && allowed[i]; i++)
      ok |= is_elem(n, allowed[i]);
    if (!ok)
      return at(c, n, SSLVDIR_E_SYNTAX, "unexpected element <%s> inside <%s>",
                (const char *)n->name, (const char *)parent->name);
  }
  return SSLVDIR_OK;
}

static int check_attrs(pf *c, xmlNodePtr n, const char *const *allowed) {
  for (xmlAttrPtr a = n->properties; a; a = a->next) {
    int ok = 0;
    for (size_t i = 0; allowed[i]; i++)
      ok |= !a->ns && !strcmp((const char *)a->name, allowed[i]);
    if (!ok)
      return at(c, n, SSLVDIR_E_SYNTAX, "<%s>: unknown attribute '%s'", (const char *)n->name,
                (const char *)a->name);
  }
  return SSLVDIR_OK;
}

/* An attribute's value, or NULL; the caller frees it with xmlFree. */
static char *attr(xmlNodePtr n, const char *name) {
  return (char *)xmlGetNoNsProp(n, (const xmlChar *)name);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out) {
  char *end;
  if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
    return -1;
  errno = 0;
  unsigned long v = strtoul(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);
  if (errno || *end || v > max)
    return -1;
  *out = v;
  return 0;
}

static int parse_bool(const char *s, int *out) {
  if (!strcmp(s, "true") || !strcmp(s, "1"))
    *out = 1;
  else if (!strcmp(s, "false") || !strcmp(s, "0"))
    *out = 0;
  else
    return -1;
  return 0;
}

static int do_offloader(pf *c, xmlNodePtr n) {
  static const char *const attrs[] = {"address", "min-cipher-bits", "cipher-header", NULL};
  int rc = check_attrs(c, n, attrs);
  if (rc || (rc = check_children(c, n, NULL)))
    return rc;
  char *a = attr(n, "address");
  if (!a)
    return at(c, n, SSLVDIR_E_SYNTAX, "<offloader>: missing attribute 'address'");
  char *mb = attr(n, "min-cipher-bits"), *hd = attr(n, "cipher-header");
  unsigned long bits = 0;
  if (mb && parse_uint(mb, 256, &bits))
    rc = at(c, n, SSLVDIR_E_RANGE,
            "<offloader>: min-cipher-bits '%.16s' is not a key size from 0 to 256", mb);
  else if (mb || hd)
    rc = relay(c, n, sslvdir_builder_set_offloader_cipher(c->b, a, (unsigned)bits, hd, c->err));
  else
    rc = relay(c, n, sslvdir_builder_add_offloader(c->b, a, c->err));
  xmlFree(a);
  xmlFree(mb);
  xmlFree(hd);
  return rc;
}

static int do_setting(pf *c, xmlNodePtr n) {
  static const char *const attrs[] = {"path", "dword", "string", NULL};
  int rc = check_attrs(c, n, attrs);
  if (rc || (rc = check_children(c, n, NULL)))
    return rc;
  char *path = attr(n, "path"), *dw = attr(n, "dword"), *st = attr(n, "string");
  unsigned long v;
  if (!path)
    rc = at(c, n, SSLVDIR_E_SYNTAX, "<setting>: missing attribute 'path'");
  else if (!dw == !st)
    rc = at(c, n, SSLVDIR_E_SYNTAX, "<setting>: give exactly one of 'dword' and 'string'");
  else if (dw && parse_uint(dw, 0xffffffffUL, &v))
    rc = at(c, n, SSLVDIR_E_RANGE, "<setting>: dword '%.32s' is not a number from 0 to 0xffffffff", dw);
  else if (dw)
    rc = relay(c, n, sslvdir_settings_set_dword(c->b->settings, path, (uint32_t)v, c->err));
  else
    rc = relay(c, n, sslvdir_settings_set_string(c->b->settings, path, st, c->err));
  xmlFree(path);
  xmlFree(dw);
  xmlFree(st);
  return rc;
}

static int do_host(pf *c, xmlNodePtr n, const char *site) {
  static const char *const attrs[] = {"name", "canonical", "https-port", NULL};
  int rc = check_attrs(c, n, attrs);
  if (rc || (rc = check_children(c, n, NULL)))
    return rc;
  char *name = attr(n, "name"), *can = attr(n, "canonical"), *port = attr(n, "https-port");
  int canonical = 0;
  unsigned long p = 443;
  if (!name)
    rc = at(c, n, SSLVDIR_E_SYNTAX, "<host>: missing attribute 'name'");
  else if (can && parse_bool(can, &canonical))
    rc = at(c, n, SSLVDIR_E_SYNTAX, "<host>: canonical must be true or false");
  else if (port && (parse_uint(port, 65535, &p) || p == 0))
    rc = at(c, n, SSLVDIR_E_RANGE, "<host>: https-port '%.16s' is not a port from 1 to 65535", port);
  else if (port && !canonical)
    rc = at(c, n, SSLVDIR_E_SYNTAX, "<host>: https-port only goes with canonical=\"true\"");
  else if (canonical)
    rc = relay(c, n, sslvdir_builder_set_canonical_host(c->b, site, name, (unsigned)p, c->err));
  else
    rc = relay(c, n, sslvdir_builder_add_host(c->b, site, name, c->err));
  xmlFree(name);
  xmlFree(can);
  xmlFree(port);
  return rc;
}

static int do_vdir(pf *c, xmlNodePtr n, const char *site) {
  static const char *const attrs[] = {"path", "kind", "edge", "backend", "redirect", "upstream",
                                      "extended-protection", "internal-url", "external-url",
                                      "secure-cookies", NULL};
  int rc = check_attrs(c, n, attrs);
  if (rc || (rc = check_children(c, n, NULL)))
    return rc;
  enum { PATH, KIND, EDGE, BACKEND, REDIRECT, UPSTREAM, EP, IURL, EURL, SC, NA };
  char *v[NA];
  for (int i = 0; i < NA; i++)
    v[i] = attr(n, attrs[i]);
  sslvdir_kind kind = SSLVDIR_KIND_OTHER;
  if (!v[PATH]) {
    rc = at(c, n, SSLVDIR_E_SYNTAX, "<vdir>: missing attribute 'path'");
    goto out;
  }
  if (v[KIND] && sslvdir_kind_parse(v[KIND], strlen(v[KIND]), &kind)) {
    rc = at(c, n, SSLVDIR_E_UNKNOWN_NAME, "<vdir>: unknown kind '%.32s' (expected owa, ecp, ews, "
            "mrsproxy, eas, oab, mapi, rpc, autodiscover, powershell or other)", v[KIND]);
    goto out;
  }
  rc = sslvdir_builder_add_vdir(c->b, site, v[PATH], kind, c->err);
  int existed = rc == SSLVDIR_E_DUPLICATE;
  if (rc && !existed) {
    rc = relay(c, n, rc);
    goto out;
  }
  size_t si = 0, vi = 0;
  const sslvdir_vdir *old = sv_builder_vdir_by_path(c->b, site, v[PATH], &si, &vi);
  if (!old) {
    rc = at(c, n, SSLVDIR_E_NOT_FOUND, "<vdir>: '%.200s' not found after adding it", v[PATH]);
    goto out;
  }
  /* A vdir may be changed by one <vdir> of the file (the preset's, say), not
   * two: "/owa" then "/OWA" or "/owa/." name the same vdir, and the second
   * would silently undo what the first set (edge="None" after "Ssl"). */
  if ((rc = grow_zeroed((void **)&c->sites, &c->capsites, si, sizeof *c->sites)) ||
      (rc = grow_zeroed((void **)&c->sites[si].line, &c->sites[si].cap, vi, sizeof(unsigned)))) {
    rc = at(c, n, rc, "out of memory");
    goto out;
  }
  unsigned *first = &c->sites[si].line[vi];
  if (*first) {
    rc = at(c, n, SSLVDIR_E_DUPLICATE,
            "<vdir>: '%.200s' names vdir '%.200s' of site '%.200s' again (line %u already does)",
            v[PATH], old->path, site, *first);
    goto out;
  }
  long line = xmlGetLineNo(n);
  *first = line > 0 ? (unsigned)line : 1;
  if (existed && v[KIND] && old->kind != kind) {
    rc = at(c, n, SSLVDIR_E_INCONSISTENT, "<vdir>: '%.200s' exists with kind %s, not %s",
            v[PATH], sslvdir_kind_name(old->kind), sslvdir_kind_name(kind));
    goto out;
  }
  unsigned flags;
  if (v[EDGE]) {
    if ((rc = relay(c, n, sslvdir_flags_parse(v[EDGE], strlen(v[EDGE]), &flags, c->err))) ||
        (rc = relay(c, n, sslvdir_builder_set_vdir_edge_flags(c->b, site, v[PATH], flags, c->err))))
      goto out;
  }
  if (v[BACKEND]) {
    if ((rc = relay(c, n, sslvdir_flags_parse(v[BACKEND], strlen(v[BACKEND]), &flags, c->err))) ||
        (rc = relay(c, n, sslvdir_builder_set_vdir_backend_flags(c->b, site, v[PATH], flags, c->err))))
      goto out;
  }
  if (v[REDIRECT]) {
    unsigned long st;
    if (parse_uint(v[REDIRECT], 999, &st)) {
      rc = at(c, n, SSLVDIR_E_RANGE, "<vdir>: redirect must be 0, 301, 302, 307 or 308");
      goto out;
    }
    if ((rc = relay(c, n, sslvdir_builder_set_vdir_redirect(c->b, site, v[PATH], (int)st, c->err))))
      goto out;
  }
  if (v[UPSTREAM]) {
    sslvdir_upstream up;
    if (!strcmp(v[UPSTREAM], "auto")) up = SSLVDIR_UPSTREAM_AUTO;
    else if (!strcmp(v[UPSTREAM], "offload")) up = SSLVDIR_UPSTREAM_OFFLOAD;
    else if (!strcmp(v[UPSTREAM], "bridge")) up = SSLVDIR_UPSTREAM_BRIDGE;
    else {
      rc = at(c, n, SSLVDIR_E_UNKNOWN_NAME, "<vdir>: upstream must be auto, offload or bridge");
      goto out;
    }
    if ((rc = relay(c, n, sslvdir_builder_set_vdir_upstream(c->b, site, v[PATH], up, c->err))))
      goto out;
  }
  if (v[EP]) {
    int on;
    if (parse_bool(v[EP], &on)) {
      rc = at(c, n, SSLVDIR_E_SYNTAX, "<vdir>: extended-protection must be true or false");
      goto out;
    }
    if ((rc = relay(c, n, sslvdir_builder_set_vdir_extended_protection(c->b, site, v[PATH], on, c->err))))
      goto out;
  }
  if (v[SC]) {
    int on;
    if (parse_bool(v[SC], &on)) {
      rc = at(c, n, SSLVDIR_E_SYNTAX, "<vdir>: secure-cookies must be true or false");
      goto out;
    }
    if ((rc = relay(c, n, sslvdir_builder_set_vdir_secure_cookies(c->b, site, v[PATH], on, c->err))))
      goto out;
  }
  if (v[IURL] && (rc = relay(c, n, sslvdir_builder_set_vdir_url(c->b, site, v[PATH],
                                                               SSLVDIR_URL_INTERNAL, v[IURL], c->err))))
    goto out;
  if (v[EURL] && (rc = relay(c, n, sslvdir_builder_set_vdir_url(c->b, site, v[PATH],
                                                               SSLVDIR_URL_EXTERNAL, v[EURL], c->err))))
    goto out;
out:
  for (int i = 0; i < NA; i++)
    xmlFree(v[i]);
  return rc;
}

/* The options a <site> gives its preset: redirect="true" is Microsoft's
 * http->https recipe, extended-protection="true|false" what the server has
 * (else what the version's Setup leaves). */
static int preset_options(pf *c, xmlNodePtr n, int has_preset, unsigned *options) {
  static const struct { const char *name; unsigned on, off; } opts[] = {
    {"redirect", SSLVDIR_PRESET_REDIRECT, 0},
    {"extended-protection", SSLVDIR_PRESET_EP_ON, SSLVDIR_PRESET_EP_OFF},
  };
  int rc = SSLVDIR_OK;
  *options = 0;
  for (size_t i = 0; !rc && i < sizeof opts / sizeof opts[0]; i++) {
    char *v = attr(n, opts[i].name);
    int on;
    if (!v)
      continue;
    if (!has_preset)
      rc = at(c, n, SSLVDIR_E_SYNTAX, "<site>: %s goes with preset", opts[i].name);
    else if (parse_bool(v, &on))
      rc = at(c, n, SSLVDIR_E_SYNTAX, "<site>: %s must be true or false", opts[i].name);
    else
      *options |= on ? opts[i].on : opts[i].off;
    xmlFree(v);
  }
  return rc;
}

static int do_site(pf *c, xmlNodePtr n) {
  static const char *const attrs[] = {"name", "preset", "redirect", "extended-protection",
                                      "autodiscover-redirect", NULL};
  static const char *const kids[] = {"host", "vdir", NULL};
  int rc = check_attrs(c, n, attrs);
  if (rc || (rc = check_children(c, n, kids)))
    return rc;
  char *name = attr(n, "name"), *preset = attr(n, "preset");
  unsigned options = 0;
  if (!name) {
    rc = at(c, n, SSLVDIR_E_SYNTAX, "<site>: missing attribute 'name'");
  } else if (!(rc = preset_options(c, n, preset != NULL, &options))) {
    if (preset) {
      rc = sslvdir_preset_apply_opts(c->b, preset, name, options, c->err);
      /* The one inconsistency a preset refuses (an -offload preset with
       * Extended Protection on), said with this file's way to turn it off:
       * the preset's own advice names a C flag. */
      if (rc == SSLVDIR_E_INCONSISTENT)
        rc = at(c, n, rc,
                "<site>: %.64s: Extended Protection is on (%s) and Microsoft does not support it "
                "with SSL offloading; set extended-protection=\"false\", or bridge (the preset "
                "without -offload)",
                preset, (options & SSLVDIR_PRESET_EP_ON) ? "declared on" : "Setup turns it on");
      else
        rc = relay(c, n, rc);
    }
    else if (!sv_builder_find_site(c->b, name))
      rc = relay(c, n, sslvdir_builder_add_site(c->b, name, c->err));
  }
  for (xmlNodePtr k = n->children; !rc && k; k = k->next) {
    if (is_elem(k, "host"))
      rc = do_host(c, k, name);
    else if (is_elem(k, "vdir"))
      rc = do_vdir(c, k, name);
  }
  char *adr = attr(n, "autodiscover-redirect");
  if (!rc && adr)
    rc = relay(c, n, sslvdir_builder_set_site_autodiscover_redirect(c->b, name, adr, c->err));
  xmlFree(adr);
  xmlFree(name);
  xmlFree(preset);
  return rc;
}

/* <autodiscover option...><domain name=".." site=".."|redirect-addr=".."|redirect-url=".."/> */
static int do_autodiscover(pf *c, xmlNodePtr n) {
  static const char *const attrs[] = {"auth-package", "internal-auth-package", "server-build",
                                      "deployment-id", "server-id", NULL};
  static const char *const kids[] = {"domain", NULL};
  static const char *const dattrs[] = {"name", "site", "redirect-addr", "redirect-url", NULL};
  int rc = check_attrs(c, n, attrs);
  if (rc || (rc = check_children(c, n, kids)))
    return rc;
  for (size_t i = 0; !rc && attrs[i]; i++) {
    char *v = attr(n, attrs[i]);
    if (v)
      rc = relay(c, n, sslvdir_builder_set_autodiscover_option(c->b, attrs[i], v, c->err));
    xmlFree(v);
  }
  for (xmlNodePtr k = n->children; !rc && k; k = k->next) {
    if (!is_elem(k, "domain"))
      continue;
    if ((rc = check_attrs(c, k, dattrs)) || (rc = check_children(c, k, NULL)))
      break;
    char *name = attr(k, "name"), *site = attr(k, "site"), *ra = attr(k, "redirect-addr"),
         *ru = attr(k, "redirect-url");
    int given = (site != NULL) + (ra != NULL) + (ru != NULL);
    if (!name)
      rc = at(c, k, SSLVDIR_E_SYNTAX, "<domain>: missing attribute 'name'");
    else if (given != 1)
      rc = at(c, k, SSLVDIR_E_SYNTAX, "<domain>: give exactly one of site, redirect-addr and "
              "redirect-url");
    else
      rc = relay(c, k, sslvdir_builder_add_autodiscover_domain(
                           c->b, name,
                           site ? SSLVDIR_AUTODISCOVER_ACTION_SETTINGS
                           : ra ? SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR
                                : SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_URL,
                           site ? site : ra ? ra : ru, c->err));
    xmlFree(name);
    xmlFree(site);
    xmlFree(ra);
    xmlFree(ru);
  }
  return rc;
}

static int apply(pf *c, xmlNodePtr root) {
  static const char *const attrs[] = {"version", "exchange", NULL};
  static const char *const kids[] = {"offloader", "setting", "site", "autodiscover", NULL};
  if (!is_elem(root, "policy"))
    return at(c, root, SSLVDIR_E_SYNTAX, "the root element must be <policy xmlns=\"%s\">",
              SSLVDIR_POLICYFILE_NS);
  int rc = check_attrs(c, root, attrs);
  if (rc || (rc = check_children(c, root, kids)))
    return rc;
  char *ver = attr(root, "version"), *ex = attr(root, "exchange");
  unsigned long exv = 0;
  if (!ver || strcmp(ver, "1"))
    rc = at(c, root, SSLVDIR_E_UNKNOWN_NAME, "<policy>: version must be \"1\"");
  else if (ex) {
    sslvdir_error e = {0};
    unsigned v = 0;
    if (sslvdir_exchange_version_parse(ex, strlen(ex), &v, &e))
      rc = at(c, root, SSLVDIR_E_RANGE, "<policy>: exchange: %s", e.message);
    exv = v;
  }
  xmlFree(ver);
  xmlFree(ex);
  if (rc)
    return rc;
  /* Presets first set their version; an explicit attribute wins over them. */
  for (xmlNodePtr k = root->children; !rc && k; k = k->next) {
    if (is_elem(k, "offloader"))
      rc = do_offloader(c, k);
    else if (is_elem(k, "setting"))
      rc = do_setting(c, k);
    else if (is_elem(k, "site"))
      rc = do_site(c, k);
  }
  /* After the sites, wherever it is written: its domains name them. */
  for (xmlNodePtr k = root->children; !rc && k; k = k->next)
    if (is_elem(k, "autodiscover"))
      rc = do_autodiscover(c, k);
  if (!rc && ex)
    rc = relay(c, root, sslvdir_builder_set_exchange_version(c->b, (unsigned)exv, c->err));
  return rc;
}

SSLVDIR_EXTERN int sslvdir_policyfile_parse(sslvdir_builder *b, const char *data, size_t len,
                                            sslvdir_error *err) {
  if (!b || (!data && len))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "policy file: NULL argument");
  if (len == 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "policy file: empty document (expected <policy>)");
  xmlDocPtr doc;
  int rc = sv_xml_read(data, len, "policy file", SSLVDIR_POLICYFILE_MAX, SV_XML_MAX_DEPTH,
                       SV_XML_UTF8, &doc, err);
  if (rc)
    return rc;
  sslvdir_builder *copy;
  if (sv_builder_clone(b, &copy)) {
    xmlFreeDoc(doc);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  pf c = {copy, err, doc, NULL, 0};
  rc = apply(&c, xmlDocGetRootElement(doc));
  for (size_t i = 0; i < c.capsites; i++)
    sv_free(c.sites[i].line);
  sv_free(c.sites);
  xmlFreeDoc(doc);
  if (rc == SSLVDIR_OK)
    sv_builder_swap(b, copy);
  sslvdir_builder_free(copy);
  return rc;
}

SSLVDIR_EXTERN int sslvdir_policyfile_load(sslvdir_builder *b, const char *filename,
                                           sslvdir_error *err) {
  if (!b || !filename)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "policy file: NULL argument");
  /* The reader iisconfig and .reg files use: the system's reason for a
   * failed read (a directory, say), and no more than the limit read. */
  char *buf;
  size_t n;
  int rc = sv_read_file(filename, SSLVDIR_POLICYFILE_MAX, &buf, &n, err);
  if (rc)
    return rc;
  rc = sslvdir_policyfile_parse(b, buf, n, err);
  sv_free(buf);
  /* "FILE: line 4: ...": a proxy's log or nginx -t names the file, as the
   * read errors above do; the line stays in err->line. */
  if (rc && err) {
    char msg[sizeof err->message];
    memcpy(msg, err->message, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    int k = snprintf(err->message, sizeof err->message, "%.128s: ", filename);
    size_t used = k > 0 ? (size_t)k : 0, len = strnlen(msg, sizeof err->message - 1 - used);
    memcpy(err->message + used, msg, len);
    err->message[used + len] = '\0';
  }
  return rc;
}
