/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The registry-style settings store. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

#define PATH_MAX_LEN 1024
/* Aliases grow a path: HKLM by 14 bytes, each MSExchangeOWA by one. */
#define NORM_SIZE (2 * PATH_MAX_LEN + 32)

enum { K_BOOL = 1 };

static const struct known_key {
  const char *path;
  sslvdir_value_type type;
  int flags;
} known_keys[] = {
  {SSLVDIR_KEY_SSL_OFFLOADED, SSLVDIR_VALUE_DWORD, K_BOOL},
  {SSLVDIR_KEY_ALLOW_INTERNAL_UNTRUSTED, SSLVDIR_VALUE_DWORD, K_BOOL},
  {SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED, SSLVDIR_VALUE_DWORD, K_BOOL},
  {SSLVDIR_KEY_ALLOW_PROXYING_WITHOUT_SSL, SSLVDIR_VALUE_DWORD, K_BOOL},
  {SSLVDIR_KEY_OA_SSL_OFFLOADING, SSLVDIR_VALUE_DWORD, K_BOOL},
};

static const struct known_key *find_known(const char *path) {
  for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
    if (sv_streq_ci(path, known_keys[i].path))
      return &known_keys[i];
  return NULL;
}

static const struct {
  const char *alias;
  const char *canonical;
} component_aliases[] = {
  {"HKLM", "HKEY_LOCAL_MACHINE"},
  {"HKCU", "HKEY_CURRENT_USER"},
  {"HKCR", "HKEY_CLASSES_ROOT"},
  {"HKU", "HKEY_USERS"},
  {"HKCC", "HKEY_CURRENT_CONFIG"},
  {"MSExchangeOWA", "MSExchange OWA"},
};

/* Checks a "KEY\Value" path and writes its canonical spelling to out. */
static int normalize(const char *in, char out[NORM_SIZE], sslvdir_error *err) {
  if (!in)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "settings: NULL path");
  size_t len = strlen(in);
  if (len == 0 || len > PATH_MAX_LEN)
    return sv_err(err, SSLVDIR_E_SYNTAX, "settings: path must be 1 to %d bytes", PATH_MAX_LEN);
  size_t o = 0, i = 0, ncomp = 0;
  while (i <= len) {
    size_t s = i;
    while (i < len && in[i] != '\\')
      i++;
    size_t cl = i - s;
    if (cl == 0)
      return sv_err_at(err, SSLVDIR_E_SYNTAX, 0, (unsigned)s + 1, s,
                       "settings: empty component at offset %zu in '%.200s' (expected KEY\\Value)",
                       s, in);
    for (size_t k = s; k < i; k++)
      if ((unsigned char)in[k] < 0x20 || in[k] == 0x7f)
        return sv_err_at(err, SSLVDIR_E_SYNTAX, 0, (unsigned)k + 1, k,
                         "settings: control character at offset %zu", k);
    const char *comp = in + s;
    for (size_t a = 0; a < sizeof component_aliases / sizeof component_aliases[0]; a++) {
      const char *al = component_aliases[a].alias;
      if ((a < 5 && ncomp != 0) || !sv_eq_ci(comp, cl, al, strlen(al)))
        continue;
      comp = component_aliases[a].canonical;
      cl = strlen(comp);
      break;
    }
    if (o + cl + 2 > NORM_SIZE)
      return sv_err(err, SSLVDIR_E_SYNTAX, "settings: path too long");
    if (ncomp)
      out[o++] = '\\';
    memcpy(out + o, comp, cl);
    o += cl;
    ncomp++;
    i++;
  }
  out[o] = '\0';
  if (ncomp < 2)
    return sv_err(err, SSLVDIR_E_SYNTAX, "settings: '%.200s' has no value name (expected KEY\\Value)", in);
  const struct known_key *k = find_known(out);
  if (k)
    strcpy(out, k->path);
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_settings_new(sslvdir_settings **out, sslvdir_error *err) {
  if (!out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "settings: NULL argument");
  *out = sv_calloc(1, sizeof **out);
  return *out ? SSLVDIR_OK : sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
}

static void dels_clear(sslvdir_settings *s) {
  for (size_t i = 0; i < s->ndels; i++)
    sv_free(s->dels[i].key);
  sv_free(s->dels);
  sv_ix_free(&s->del_ix);
  s->dels = NULL;
  s->ndels = s->capdels = 0;
}

SSLVDIR_EXTERN void sslvdir_settings_free(sslvdir_settings *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->n; i++) {
    sv_free(s->items[i].path);
    sv_free(s->items[i].string);
  }
  for (size_t i = 0; i < s->nwarn; i++)
    sv_free(s->warnings[i]);
  sv_free(s->items);
  sv_ix_free(&s->ix);
  sv_free(s->warnings);
  sv_ix_free(&s->warn_ix);
  dels_clear(s);
  sv_free(s);
}

static const char *item_path_of(const void *base, size_t i) {
  return ((const sslvdir_settings *)base)->items[i].path;
}
static const char *warning_of(const void *base, size_t i) {
  return ((const sslvdir_settings *)base)->warnings[i];
}
static const char *del_key_of(const void *base, size_t i) {
  return ((const sslvdir_settings *)base)->dels[i].key;
}

/* FNV-1a over the case-folded bytes: unlike sv_hash_ci, the hash of every
 * prefix of a path falls out of one pass over it, which is what checking a
 * value against the deleted keys above it needs. */
#define PREFIX_HASH_INIT 2166136261u
static uint32_t prefix_hash(uint32_t h, unsigned char c) { return (h ^ sv_lower(c)) * 16777619u; }

/* Whether a key deletion newer than the item covers it: one pass over its
 * path, a probe per '\'. Deletions older than the item are skipped before
 * any string is compared, so that many deleted keys above a value cost no
 * more than one. */
static int deleted_by_key(const sslvdir_settings *s, const sv_setting *e) {
  if (!s->ndels)
    return 0;
  const sv_ix *x = &s->del_ix;
  uint32_t h = PREFIX_HASH_INIT;
  for (size_t k = 0; e->path[k]; h = prefix_hash(h, (unsigned char)e->path[k++])) {
    if (e->path[k] != '\\')
      continue;
    for (size_t j = h & x->mask; x->slots[j].ent; j = (j + 1) & x->mask) {
      const sv_keydel *d = &s->dels[x->slots[j].ent - 1];
      if (x->slots[j].hash == h && d->stamp > e->stamp && d->len == k &&
          sv_eq_ci(d->key, k, e->path, k))
        return 1;
    }
  }
  return 0;
}

/* Drops items[i]. The array is compacted at once outside a batch; inside,
 * at its end (or when half of it is dead). */
static void compact(sslvdir_settings *s);
static void drop(sslvdir_settings *s, size_t i) {
  sv_ix_remove(&s->ix, i, item_path_of, s);
  sv_free(s->items[i].path);
  sv_free(s->items[i].string);
  s->items[i].path = s->items[i].string = NULL;
  s->ndead++;
  /* Compacting when half the array is dead keeps a long batch's memory in
   * proportion to what is live, at a cost spread over the removals. */
  if (!s->batch || (s->ndead > 64 && s->ndead > s->n / 2))
    compact(s);
}

static void compact(sslvdir_settings *s) {
  size_t o = 0;
  for (size_t i = 0; i < s->n; i++)
    if (s->items[i].path)
      s->items[o++] = s->items[i];
  s->n = o;
  s->ndead = 0;
  /* Fewer items than the index was made for: it is rebuilt in place, which
   * cannot fail. */
  (void)sv_ix_rebuild(&s->ix, s->n, item_path_of, s);
}

/* The live item with this (normalized) path, or NULL. */
static sv_setting *lookup(sslvdir_settings *s, const char *norm) {
  long i = sv_ix_find(&s->ix, norm, strlen(norm), 1, item_path_of, s);
  if (i < 0)
    return NULL;
  if (deleted_by_key(s, &s->items[i])) {
    drop(s, (size_t)i);
    return NULL;
  }
  return &s->items[i];
}

static const sv_setting *lookup_const(const sslvdir_settings *s, const char *norm) {
  long i = sv_ix_find(&s->ix, norm, strlen(norm), 1, item_path_of, s);
  return i < 0 ? NULL : &s->items[i];
}

int sv_settings_add_warning(sslvdir_settings *s, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (sv_ix_find(&s->warn_ix, buf, strlen(buf), 0, warning_of, s) >= 0)
    return SSLVDIR_OK;
  if (sv_grow((void **)&s->warnings, &s->capwarn, s->nwarn + 1, sizeof *s->warnings))
    return SSLVDIR_E_NOMEM;
  char *w = sv_strdup(buf);
  if (!w)
    return SSLVDIR_E_NOMEM;
  s->warnings[s->nwarn] = w;
  if (sv_ix_add(&s->warn_ix, s->nwarn, warning_of, s)) {
    sv_free(w);
    return SSLVDIR_E_NOMEM;
  }
  s->nwarn++;
  return SSLVDIR_OK;
}

static int set_value(sslvdir_settings *s, const char *path, sslvdir_value_type type,
                     uint32_t dword, const char *string, sslvdir_error *err) {
  char norm[NORM_SIZE];
  if (!s)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "settings: NULL store");
  int rc = normalize(path, norm, err);
  if (rc)
    return rc;
  const struct known_key *k = find_known(norm);
  if (k && k->type != type)
    return sv_err(err, SSLVDIR_E_TYPE, "settings: %s is a %s value", norm,
                  k->type == SSLVDIR_VALUE_DWORD ? "DWORD" : "string");
  if (k && (k->flags & K_BOOL) && dword > 1)
    return sv_err(err, SSLVDIR_E_RANGE, "settings: %s must be 0 or 1, not %u", norm, dword);
  char *copy = NULL;
  if (type == SSLVDIR_VALUE_STRING && !(copy = sv_strdup(string)))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  sv_setting *e = lookup(s, norm);
  if (!e) {
    char *p = sv_strdup(norm);
    if (!p || sv_grow((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items)) {
      sv_free(p);
      sv_free(copy);
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    }
    e = &s->items[s->n];
    memset(e, 0, sizeof *e);
    e->path = p;
    e->stamp = ++s->clock;
    if (sv_ix_add(&s->ix, s->n, item_path_of, s)) {
      sv_free(p);
      sv_free(copy);
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    }
    s->n++;
  }
  sv_free(e->string);
  e->type = type;
  e->dword = type == SSLVDIR_VALUE_DWORD ? dword : 0;
  e->string = copy;
  e->known = k != NULL;
  if (sv_streq_ci(norm, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED_TYPO) &&
      sv_settings_add_warning(s,
          "%s is misspelled (as in Microsoft's CAS-to-CAS proxying paper): Exchange reads "
          "AllowExternalUntrustedCerts, so this value has no effect",
          norm))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_settings_set_dword(sslvdir_settings *s, const char *path,
                                              uint32_t value, sslvdir_error *err) {
  return set_value(s, path, SSLVDIR_VALUE_DWORD, value, NULL, err);
}

SSLVDIR_EXTERN int sslvdir_settings_set_string(sslvdir_settings *s, const char *path,
                                               const char *value, sslvdir_error *err) {
  if (!value)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "settings: NULL string value");
  return set_value(s, path, SSLVDIR_VALUE_STRING, 0, value, err);
}

SSLVDIR_EXTERN int sslvdir_settings_unset(sslvdir_settings *s, const char *path,
                                          sslvdir_error *err) {
  char norm[NORM_SIZE];
  if (!s)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "settings: NULL store");
  int rc = normalize(path, norm, err);
  if (rc)
    return rc;
  sv_setting *e = lookup(s, norm);
  if (!e)
    return sv_err(err, SSLVDIR_E_NOT_FOUND, "settings: %s is not set", norm);
  drop(s, (size_t)(e - s->items));
  return SSLVDIR_OK;
}

static int get(const sslvdir_settings *s, const char *path, sslvdir_value_type type,
               const sv_setting **out) {
  char norm[NORM_SIZE];
  if (!s)
    return SSLVDIR_E_INVALID_ARGUMENT;
  int rc = normalize(path, norm, NULL);
  if (rc)
    return rc;
  const sv_setting *e = lookup_const(s, norm);
  if (!e)
    return SSLVDIR_E_NOT_FOUND;
  if (e->type != type)
    return SSLVDIR_E_TYPE;
  *out = e;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_settings_get_dword(const sslvdir_settings *s, const char *path,
                                              uint32_t *out) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (out)
    *out = 0;
  const sv_setting *e;
  if (!out)
    return SSLVDIR_E_INVALID_ARGUMENT;
  int rc = get(s, path, SSLVDIR_VALUE_DWORD, &e);
  if (rc == SSLVDIR_OK)
    *out = e->dword;
  return rc;
}

SSLVDIR_EXTERN int sslvdir_settings_get_string(const sslvdir_settings *s, const char *path,
                                               const char **out) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (out)
    *out = NULL;
  const sv_setting *e;
  if (!out)
    return SSLVDIR_E_INVALID_ARGUMENT;
  int rc = get(s, path, SSLVDIR_VALUE_STRING, &e);
  if (rc == SSLVDIR_OK)
    *out = e->string;
  return rc;
}

SSLVDIR_EXTERN int sslvdir_settings_default_dword(const char *path, unsigned version,
                                                  uint32_t *out) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (out)
    *out = 0;
  char norm[NORM_SIZE];
  if (!out)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (normalize(path, norm, NULL))
    return SSLVDIR_E_NOT_FOUND;
  if (!strcmp(norm, SSLVDIR_KEY_SSL_OFFLOADED) || !strcmp(norm, SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED) ||
      !strcmp(norm, SSLVDIR_KEY_ALLOW_PROXYING_WITHOUT_SSL))
    *out = 0;
  else if (!strcmp(norm, SSLVDIR_KEY_ALLOW_INTERNAL_UNTRUSTED))
    *out = 1; /* "default true in Exchange's code" */
  else if (!strcmp(norm, SSLVDIR_KEY_OA_SSL_OFFLOADING))
    /* $false on 2007 and 2010; $true from 2013, but SE's Setup turns
     * Extended Protection on, which needs it $false. */
    *out = (version == 2007 || version == 2010 || version == 2025) ? 0 : 1;
  else
    return SSLVDIR_E_NOT_FOUND;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN size_t sslvdir_settings_count(const sslvdir_settings *s) { return s ? s->n : 0; }

SSLVDIR_EXTERN int sslvdir_settings_entry(const sslvdir_settings *s, size_t index,
                                          const char **path, sslvdir_value_type *type,
                                          uint32_t *dword, const char **string, int *known) {
  if (path) *path = NULL;
  if (type) *type = (sslvdir_value_type)0;
  if (dword) *dword = 0;
  if (string) *string = NULL;
  if (known) *known = 0;
  if (!s)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (index >= s->n)
    return SSLVDIR_E_NOT_FOUND;
  const sv_setting *e = &s->items[index];
  if (path) *path = e->path;
  if (type) *type = e->type;
  if (dword) *dword = e->dword;
  if (string) *string = e->string;
  if (known) *known = e->known;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN size_t sslvdir_settings_warning_count(const sslvdir_settings *s) {
  return s ? s->nwarn : 0;
}

SSLVDIR_EXTERN const char *sslvdir_settings_warning(const sslvdir_settings *s, size_t index) {
  return (s && index < s->nwarn) ? s->warnings[index] : NULL;
}

int sv_settings_copy_into(sslvdir_settings *dst, const sslvdir_settings *src) {
  for (size_t i = 0; i < src->n; i++) {
    const sv_setting *e = &src->items[i];
    int rc = set_value(dst, e->path, e->type, e->dword, e->string, NULL);
    if (rc)
      return rc;
  }
  for (size_t i = 0; i < src->nwarn; i++)
    if (sv_settings_add_warning(dst, "%s", src->warnings[i]))
      return SSLVDIR_E_NOMEM;
  return SSLVDIR_OK;
}

void sv_settings_batch_begin(sslvdir_settings *s) { s->batch = 1; }

void sv_settings_batch_end(sslvdir_settings *s) {
  for (size_t i = 0; i < s->n; i++)
    if (s->items[i].path && deleted_by_key(s, &s->items[i])) {
      sv_free(s->items[i].path);
      sv_free(s->items[i].string);
      s->items[i].path = s->items[i].string = NULL;
      s->ndead++;
    }
  dels_clear(s);
  s->batch = 0;
  if (s->ndead)
    compact(s);
}

int sv_settings_delete_key(sslvdir_settings *s, const char *key, size_t len) {
  /* Only the values there now go: none, nothing to remember. */
  if (s->n == s->ndead)
    return SSLVDIR_OK;
  uint32_t h = PREFIX_HASH_INIT;
  for (size_t k = 0; k < len; k++)
    h = prefix_hash(h, (unsigned char)key[k]);
  long d = sv_ix_find_hash(&s->del_ix, key, len, h, 1, del_key_of, s);
  if (d >= 0) {
    s->dels[d].stamp = ++s->clock;
    return SSLVDIR_OK;
  }
  char *copy = sv_strndup(key, len);
  if (!copy || sv_grow((void **)&s->dels, &s->capdels, s->ndels + 1, sizeof *s->dels)) {
    sv_free(copy);
    return SSLVDIR_E_NOMEM;
  }
  s->dels[s->ndels] = (sv_keydel){copy, len, ++s->clock};
  if (sv_ix_add_hash(&s->del_ix, s->ndels, h)) {
    sv_free(copy);
    return SSLVDIR_E_NOMEM;
  }
  s->ndels++;
  return SSLVDIR_OK;
}
