/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * What each Exchange version ships: the table of lib/exchange_defaults.def,
 * and the questions the presets, the audit and the configuration reader ask
 * of it. A setting Exchange ships is never a finding; only a change from it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

#define NONE 0u
#define SSL SSLVDIR_SSL
#define SSL128 SSLVDIR_SSL_128
#define NEGCERT SSLVDIR_SSL_NEGOTIATE_CERT
#define INHERIT SV_XD_INHERIT

static const sv_xdefault rows[] = {
#define XD(site, path, kind, first, last, flags, form) \
  {SV_XD_##site, path, SSLVDIR_KIND_##kind, first, last, flags, SV_XD_##form},
#include "exchange_defaults.def"
#undef XD
};
#define NROWS (sizeof rows / sizeof rows[0])

/* The versions the table knows, oldest first; 2025 is Exchange SE. */
static const unsigned versions[] = {2007, 2010, 2013, 2016, 2019, 2025};

int sv_exchange_version_known(unsigned version) {
  for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
    if (versions[i] == version)
      return 1;
  return 0;
}

int sv_exchange_version_check(unsigned version, const char *what, sslvdir_error *err) {
  if (version == 0 || sv_exchange_version_known(version))
    return SSLVDIR_OK;
  /* The list in the message comes from the table, so it cannot fall behind. */
  char list[64];
  size_t o = 0;
  for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
    o += (size_t)snprintf(list + o, sizeof list - o, "%s%u%s", i ? ", " : "", versions[i],
                          versions[i] == 2025 ? " (SE)" : "");
  return sv_err(err, SSLVDIR_E_RANGE, "%s%sExchange version %u unknown (expected %s, or 0)",
                what ? what : "", what ? ": " : "", version, list);
}

SSLVDIR_EXTERN int sslvdir_exchange_version_parse(const char *text, size_t len, unsigned *version,
                                                 sslvdir_error *err) {
  if (version)
    *version = 0; /* a failed parse leaves no release behind */
  if (!text || !version)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "exchange version: NULL argument");
  if (sv_eq_ci(text, len, "SE", 2)) {
    *version = 2025;
    return SSLVDIR_OK;
  }
  unsigned v = 0;
  size_t i = 0;
  for (; i < len && i < 4 && text[i] >= '0' && text[i] <= '9'; i++)
    v = v * 10 + (unsigned)(text[i] - '0');
  if (len == 4 && i == 4 && sv_exchange_version_known(v)) {
    *version = v;
    return SSLVDIR_OK;
  }
  /* The known ones, from the table; zero (the builder's "unknown") is no
   * release people write. */
  char list[64];
  size_t o = 0;
  for (size_t k = 0; k < sizeof versions / sizeof versions[0]; k++)
    o += (size_t)snprintf(list + o, sizeof list - o, "%s%u", k ? ", " : "", versions[k]);
  return sv_err(err, SSLVDIR_E_RANGE, "Exchange version '%.*s' unknown (expected %s or SE)",
                (int)(len > 40 ? 40 : len), text, list);
}

size_t sv_xdefault_count(void) { return NROWS; }

const sv_xdefault *sv_xdefault_row(size_t i) { return i < NROWS ? &rows[i] : NULL; }

int sv_xdefault_site(const char *name, size_t len) {
  if (sv_eq_ci(name, len, "Default Web Site", 16))
    return SV_XD_FRONT;
  if (sv_eq_ci(name, len, "Exchange Back End", 17))
    return SV_XD_BACK;
  return -1;
}

static const sv_xdefault *find(unsigned version, int site, const char *path, size_t len) {
  for (size_t i = 0; i < NROWS; i++)
    if ((int)rows[i].site == site && version >= rows[i].first && version <= rows[i].last &&
        sv_eq_ci(rows[i].path, strlen(rows[i].path), path, len))
      return &rows[i];
  return NULL;
}

/* One version: follow INHERIT up to the location that sets the flags, as
 * IIS does. A path with no row of its own is not Exchange's. */
static int one(unsigned version, int site, const char *path, size_t len, unsigned *flags) {
  const sv_xdefault *r = find(version, site, path, len);
  if (!r)
    return SV_XD_UNKNOWN;
  while (r && r->flags == SV_XD_INHERIT) {
    if (len <= 1)
      return SV_XD_UNKNOWN; /* a root that inherits: not in the table */
    while (len > 1 && path[len - 1] != '/')
      len--;
    if (len > 1)
      len--; /* "/owa/" -> "/owa"; "/" stays */
    r = find(version, site, path, len);
  }
  if (!r)
    return SV_XD_UNKNOWN;
  *flags = r->flags;
  return 0;
}

int sv_xdefault_flags(unsigned version, unsigned from, const char *path, size_t len, int site,
                      unsigned *flags) {
  if (!path || !flags || site < 0)
    return SV_XD_UNKNOWN;
  if (!len || path[0] != '/')
    return SV_XD_UNKNOWN;
  if (version)
    return one(version, site, path, len, flags);
  /* Version unknown: an answer only where every candidate version agrees. */
  int found = 0;
  unsigned f = 0;
  for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
    unsigned v;
    if (versions[i] < from || one(versions[i], site, path, len, &v))
      continue;
    if (found && v != f)
      return SV_XD_VARIES;
    f = v;
    found = 1;
  }
  if (!found)
    return SV_XD_UNKNOWN;
  *flags = f;
  return 0;
}

/* A plan made without a configuration stands what Exchange ships in for
 * it: a path at or below no vdir the table has (the site root proves
 * nothing, every path is below it) is as misspelled as one a configuration
 * lacks. */
int sv_xdefault_ships(unsigned version, int site, const char *path, size_t len) {
  for (size_t i = 0; i < NROWS; i++) {
    const sv_xdefault *r = &rows[i];
    size_t rl = strlen(r->path);
    if ((int)r->site != site || rl <= 1 || (version && (version < r->first || version > r->last)))
      continue;
    if (len >= rl && sv_eq_ci(r->path, rl, path, rl) && (len == rl || path[rl] == '/'))
      return 1;
  }
  return 0;
}

int sv_xdefault_site_path(const char *full, int *site, const char **path, size_t *len) {
  size_t n = strcspn(full, "/");
  *site = sv_xdefault_site(full, n);
  *path = full[n] ? full + n : "/";
  *len = full[n] ? strlen(full + n) : 1;
  return *site < 0 ? SV_XD_UNKNOWN : 0;
}
