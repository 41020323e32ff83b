/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Inputs of any size for every loader, shared by tests/loaders (which checks
 * that loading grows linearly) and bench/config (which times it): a .reg
 * file, a policy file, an applicationHost.config, and a program of builder
 * calls. Each takes a scale n; n units of input are n times as many keys,
 * settings, sites, hosts and vdirs, with duplicates and deletions in the
 * same proportion at every scale. The loaders' work is run by lg_load().
 */
#ifndef SSLVDIR_LOADGEN_H
#define SSLVDIR_LOADGEN_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

typedef struct lg_buf {
  char *p;
  size_t n, cap;
} lg_buf;

static void lg_printf(lg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lg_printf(lg_buf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    if (k >= 0 && (size_t)k < b->cap - b->n) {
      b->n += (size_t)k;
      return;
    }
    b->cap = b->cap ? b->cap * 2 : 65536;
    if (!(b->p = realloc(b->p, b->cap))) {
      fputs("loadgen: out of memory\n", stderr);
      exit(99);
    }
  }
}

/* A .reg file: n keys of two values each (a DWORD and a string), a binary
 * value and a default value (both kept in the .reg file only: one warning
 * each), a value deletion; every 8th key deletes the key 4 before it, and
 * every 4th key sets again a value of the key before it. */
static char *lg_reg(unsigned n, size_t *len) {
  lg_buf b = {0};
  lg_printf(&b, "Windows Registry Editor Version 5.00\r\n");
  for (unsigned i = 0; i < n; i++) {
    lg_printf(&b,
              "\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Load\\Key%06u]\r\n"
              "\"Enabled\"=dword:%08x\r\n\"Name\"=\"value %u\"\r\n\"Blob\"=hex:01,02,03,04\r\n"
              "@=\"default\"\r\n\"Old\"=-\r\n",
              i, i & 1, i);
    if (i % 4 == 3)
      lg_printf(&b, "\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Load\\Key%06u]\r\n"
                    "\"Enabled\"=dword:00000001\r\n", i - 1);
    if (i % 8 == 7)
      lg_printf(&b, "\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Load\\Key%06u]\r\n", i - 4);
  }
  *len = b.n;
  return b.p;
}

/* A policy file: n settings (every 16th one set twice); with sites, one
 * site per 16 settings from a preset, with two hosts and four vdirs (three of
 * them the preset's, which the elements change: a lookup of an existing
 * vdir), one offloader per 32 settings, and an Autodiscover domain per
 * site. */
static char *lg_policy(unsigned n, int sites, size_t *len) {
  lg_buf b = {0};
  lg_printf(&b, "<?xml version=\"1.0\"?>\n<policy xmlns=\"%s\" version=\"1\" exchange=\"2016\">\n",
            SSLVDIR_POLICYFILE_NS);
  for (unsigned i = 0; i < n; i++) {
    lg_printf(&b, "<setting path=\"HKLM\\SOFTWARE\\L\\V%06u\" dword=\"%u\"/>\n", i, i & 1);
    if (i % 16 == 15)
      lg_printf(&b, "<setting path=\"HKLM\\SOFTWARE\\L\\V%06u\" string=\"again\"/>\n", i - 8);
    if (sites && i % 16 == 15) {
      unsigned s = i / 16;
      lg_printf(&b,
                "<site name=\"Site %u\" preset=\"exchange2016\"><host name=\"mail%u.example.net\"/>"
                "<host name=\"owa%u.example.net\" canonical=\"true\"/>"
                "<vdir path=\"/OWA\" kind=\"owa\" edge=\"Ssl\" redirect=\"302\"/>"
                "<vdir path=\"/ecp\" kind=\"ecp\"/>"
                "<vdir path=\"/app%u\" backend=\"Ssl\"/><vdir path=\"/ews\" kind=\"ews\"/></site>\n",
                s, s, s, s);
      if (s % 2)
        lg_printf(&b, "<offloader address=\"10.%u.%u.0/24\"/>\n", (s >> 8) & 255, s & 255);
    }
  }
  lg_printf(&b, "<autodiscover>\n");
  for (unsigned s = 0; sites && s < n / 16; s++)
    lg_printf(&b, "<domain name=\"d%u.example.net\" site=\"Site %u\"/>\n", s, s);
  lg_printf(&b, "</autodiscover>\n</policy>\n");
  *len = b.n;
  return b.p;
}

/* An applicationHost.config: n sites with two bindings and four
 * applications each, and four <location> blocks per site that set sslFlags
 * (one on a folder below an application). */
static char *lg_iisconfig(unsigned n, size_t *len) {
  lg_buf b = {0};
  lg_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n"
                "  <system.applicationHost>\r\n    <sites>\r\n");
  for (unsigned i = 0; i < n; i++) {
    lg_printf(&b, "      <site name=\"Site %u\" id=\"%u\">\r\n", i, i + 1);
    for (unsigned a = 0; a < 4; a++)
      lg_printf(&b, "        <application path=\"/app%u\" applicationPool=\"Pool%u\">\r\n"
                    "          <virtualDirectory path=\"/\" physicalPath=\"C:\\inetpub\\s%u\\app%u\" />\r\n"
                    "        </application>\r\n", a, a, i, a);
    lg_printf(&b, "        <bindings>\r\n"
                  "          <binding protocol=\"https\" bindingInformation=\"*:443:mail%u.example.net\" />\r\n"
                  "          <binding protocol=\"http\" bindingInformation=\"*:80:owa%u.example.net\" />\r\n"
                  "        </bindings>\r\n      </site>\r\n", i, i);
  }
  lg_printf(&b, "    </sites>\r\n  </system.applicationHost>\r\n");
  for (unsigned i = 0; i < n; i++)
    for (unsigned a = 0; a < 4; a++)
      lg_printf(&b, "  <location path=\"Site %u/app%u%s\">\r\n    <system.webServer>\r\n"
                    "      <security>\r\n        <access sslFlags=\"%s\" />\r\n      </security>\r\n"
                    "    </system.webServer>\r\n  </location>\r\n",
                i, a, a == 3 ? "/folder" : "", a % 2 ? "Ssl, Ssl128" : "Ssl");
  lg_printf(&b, "</configuration>\r\n");
  *len = b.n;
  return b.p;
}

#define LG_CHECK(call)                                                                    \
  do {                                                                                    \
    if ((call) != SSLVDIR_OK) {                                                           \
      fprintf(stderr, "loadgen: %s failed: %s\n", #call, e.message);                      \
      exit(99);                                                                           \
    }                                                                                     \
  } while (0)

/* Builder calls: n sites of three hosts (one given twice) and eight vdirs
 * with flags, one offloader per site (every other one given twice), an
 * Autodiscover domain per site; then the policy is built. */
static void lg_builder(unsigned n) {
  sslvdir_builder *b;
  sslvdir_policy *p;
  sslvdir_error e = {0};
  if (sslvdir_builder_new(&b, NULL))
    exit(99);
  for (unsigned i = 0; i < n; i++) {
    char site[32], host[64], path[32], net[32];
    snprintf(site, sizeof site, "Site %u", i);
    LG_CHECK(sslvdir_builder_add_site(b, site, &e));
    for (unsigned h = 0; h < 3; h++) {
      snprintf(host, sizeof host, "h%u-%u.example.net", h, i);
      LG_CHECK(sslvdir_builder_add_host(b, site, host, &e));
    }
    LG_CHECK(sslvdir_builder_add_host(b, site, host, &e));
    for (unsigned v = 0; v < 8; v++) {
      snprintf(path, sizeof path, "/vdir%u", v);
      LG_CHECK(sslvdir_builder_add_vdir(b, site, path, SSLVDIR_KIND_OTHER, &e));
      LG_CHECK(sslvdir_builder_set_vdir_edge_flags(b, site, path, SSLVDIR_SSL, &e));
      LG_CHECK(sslvdir_builder_set_vdir_backend_flags(b, site, path, 0, &e));
    }
    snprintf(net, sizeof net, "10.%u.%u.0/24", (i / 2 >> 8) & 255, i / 2 & 255);
    LG_CHECK(sslvdir_builder_add_offloader(b, net, &e));
    snprintf(host, sizeof host, "d%u.example.net", i);
    LG_CHECK(sslvdir_builder_add_autodiscover_domain(b, host, SSLVDIR_AUTODISCOVER_ACTION_SETTINGS, site, &e));
  }
  LG_CHECK(sslvdir_builder_build(b, &p, &e));
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
}

enum { LG_REG, LG_POLICY, LG_IISCONFIG, LG_BUILDER, LG_NLOADERS };
static const char *const lg_names[LG_NLOADERS] = {".reg file", "policy file",
                                                  "applicationHost.config", "builder"};
/* 1x for each loader: 170 KB of .reg, 460 KB of policy file, 470 KB of
 * applicationHost.config, 250 sites built; a few milliseconds each, and
 * just large enough that the loaders' data no longer fit in a 2 MiB L2
 * cache (smaller inputs run from the cache at a third of the cost per
 * entry, and a ratio to them would measure the cache, not the loader). */
static const unsigned lg_base[LG_NLOADERS] = {1000, 6000, 300, 250};

/* What a user of each loader does with its input: a .reg file read and
 * applied to a settings store; a policy file read into a builder; an
 * applicationHost.config read and applied to a builder; the builder's calls
 * and the build. */
static void lg_load(int which, const char *data, size_t len, unsigned n) {
  sslvdir_error e = {0};
  switch (which) {
  case LG_REG: {
    sslvdir_regfile *r;
    sslvdir_settings *s;
    LG_CHECK(sslvdir_regfile_parse(&r, data, len, &e));
    LG_CHECK(sslvdir_settings_new(&s, NULL));
    LG_CHECK(sslvdir_regfile_apply(r, s, &e));
    sslvdir_settings_free(s);
    sslvdir_regfile_free(r);
    break;
  }
  case LG_POLICY: {
    sslvdir_builder *b;
    LG_CHECK(sslvdir_builder_new(&b, NULL));
    LG_CHECK(sslvdir_policyfile_parse(b, data, len, &e));
    sslvdir_builder_free(b);
    break;
  }
  case LG_IISCONFIG: {
    sslvdir_iisconfig *c;
    sslvdir_builder *b;
    LG_CHECK(sslvdir_iisconfig_parse(&c, data, len, &e));
    LG_CHECK(sslvdir_builder_new(&b, NULL));
    LG_CHECK(sslvdir_iisconfig_apply(c, b, &e));
    sslvdir_builder_free(b);
    sslvdir_iisconfig_free(c);
    break;
  }
  default:
    lg_builder(n);
  }
}

/* The input of a loader at scale n (NULL for the builder, which has none). */
static char *lg_make(int which, unsigned n, size_t *len) {
  *len = 0;
  switch (which) {
  case LG_REG: return lg_reg(n, len);
  case LG_POLICY: return lg_policy(n, 1, len);
  case LG_IISCONFIG: return lg_iisconfig(n, len);
  default: return NULL;
  }
}

#endif
