/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Registry exports (.reg files): read faithfully, applied to a settings
 * store, written back as regedit writes them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/registry.h>

#include "fileread.h"
#include "internal.h"
#include "textcodec.h"

typedef struct reg_ent {
  int kind;     /* sslvdir_reg_entry */
  char *key;
  char *name;   /* NULL for sections */
  unsigned type;
  unsigned char *data;
  size_t len;
  unsigned line;
  int hex; /* written hex(N) in the file: data are the registry's bytes */
} reg_ent;

/* A value line that was skipped. Applying the file treats the value as
 * absent at that point: the file meant to change it, to what cannot be
 * known, so it must not keep what an earlier line or file gave it (an
 * SSLOffloaded=1 that a bad line meant to turn off). Absent needs no guess:
 * Exchange's default applies, which for SSLOffloaded, the value decisions
 * depend on, is the stricter 0 (OWA stays bridged). */
typedef struct reg_skip {
  size_t before; /* the entry it came before, in file order */
  size_t keyent; /* its section's entry, or SIZE_MAX */
  char *name;    /* NULL when the name could not be read */
} reg_skip;

/* At most this many skipped lines are named one by one; a file of nothing
 * but bad lines gets one more warning that counts the rest, so that the
 * warnings stay small whatever the file. */
#define MAX_WARNINGS 100

struct sslvdir_regfile {
  reg_ent *ents;
  size_t n, cap;
  reg_skip *skips;
  size_t nskips, capskips;
  char **warnings;
  size_t nwarn, capwarn, unlisted;
  int v4; /* REGEDIT4: hex(2)/hex(7) hold 8-bit text, not UTF-16LE */
};

SSLVDIR_EXTERN void sslvdir_regfile_free(sslvdir_regfile *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++) {
    sv_free(r->ents[i].key);
    sv_free(r->ents[i].name);
    sv_free(r->ents[i].data);
  }
  sv_free(r->ents);
  for (size_t i = 0; i < r->nskips; i++)
    sv_free(r->skips[i].name);
  sv_free(r->skips);
  for (size_t i = 0; i < r->nwarn; i++)
    sv_free(r->warnings[i]);
  sv_free(r->warnings);
  sv_free(r);
}

static int add_warning(sslvdir_regfile *r, char *w) {
  if (!w || sv_grow((void **)&r->warnings, &r->capwarn, r->nwarn + 1, sizeof *r->warnings)) {
    sv_free(w);
    return SSLVDIR_E_NOMEM;
  }
  r->warnings[r->nwarn++] = w;
  return SSLVDIR_OK;
}

/* A line regedit would not import either: it skips such a line and goes on
 * with the next (Windows' regedit leaves out a value with a bad dword, such
 * as nine hex digits, and imports the rest of the file). The warning names
 * the line; a value whose name was read is remembered (reg_skip). */
static int skip_line(sslvdir_regfile *r, unsigned line, size_t keyent, const char *name,
                     const char *why) {
  if (sv_grow((void **)&r->skips, &r->capskips, r->nskips + 1, sizeof *r->skips))
    return SSLVDIR_E_NOMEM;
  reg_skip *k = &r->skips[r->nskips];
  k->before = r->n;
  k->keyent = keyent;
  k->name = NULL;
  /* The default value (@) is never held by a store: nothing to treat as absent. */
  int named = name && name[0] && keyent != SIZE_MAX;
  if (named && !(k->name = sv_strdup(name)))
    return SSLVDIR_E_NOMEM;
  r->nskips++;
  if (r->nwarn >= MAX_WARNINGS) {
    r->unlisted++;
    return SSLVDIR_OK;
  }
  if (named)
    return add_warning(r, sv_strdupf(".reg line %u: %s; the line is skipped and \"%.100s\" is "
                                     "treated as absent (Exchange's default applies)",
                                     line, why, name));
  return add_warning(r, sv_strdupf(".reg line %u: %s; the line is skipped", line, why));
}

static int add_ent(sslvdir_regfile *r, int kind, const char *key, const char *name,
                   unsigned type, const unsigned char *data, size_t len, unsigned line) {
  if (sv_grow((void **)&r->ents, &r->cap, r->n + 1, sizeof *r->ents))
    return SSLVDIR_E_NOMEM;
  reg_ent *e = &r->ents[r->n];
  memset(e, 0, sizeof *e);
  e->kind = kind;
  e->type = type;
  e->line = line;
  e->len = len;
  if (!(e->key = sv_strdup(key)) || (name && !(e->name = sv_strdup(name))) ||
      !(e->data = sv_malloc(len ? len : 1))) {
    sv_free(e->key);
    sv_free(e->name);
    return SSLVDIR_E_NOMEM;
  }
  if (len)
    memcpy(e->data, data, len);
  r->n++;
  return SSLVDIR_OK;
}

/* Windows-1252 (the "ANSI" code page of Western Windows, in which regedit
 * writes REGEDIT4 files) to UTF-8; the five unassigned bytes map to the C1
 * controls of the same value, so the conversion is lossless. */
static char *cp1252_to_utf8(const unsigned char *t, size_t n, size_t *out_len) {
  static const uint16_t c1[32] = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178};
  char *o = sv_malloc(n * 3 + 1);
  if (!o)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    sv_put_utf8(o, &k, t[i] >= 0x80 && t[i] < 0xa0 ? c1[t[i] - 0x80] : t[i]);
  o[k] = '\0';
  *out_len = k;
  return o;
}

static const char *const hives[] = {"HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_CLASSES_ROOT",
                                    "HKEY_USERS", "HKEY_CURRENT_CONFIG"};

static int bad(sslvdir_error *err, unsigned line, int code, const char *what) {
  return sv_err_at(err, code, line, 0, SIZE_MAX, ".reg line %u: %s", line, what);
}

/* A quoted string at s (after the opening quote): \\ and \" escapes. *end is
 * past the closing quote. */
static int quoted(const char *s, size_t n, char *out, size_t *olen, size_t *end) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '\\' || s[i + 1] == '"')) {
      out[o++] = s[++i];
    } else if (s[i] == '"') {
      out[o] = '\0';
      *olen = o;
      *end = i + 1;
      return 0;
    } else {
      out[o++] = s[i];
    }
  }
  return -1;
}

/* One value line. A line regedit would not import is skipped (skip_line);
 * the only failure is running out of memory. */
static int parse_value(sslvdir_regfile *r, size_t keyent, const char *l, size_t n,
                       unsigned line, unsigned char *buf) {
  const char *key = r->ents[keyent].key;
  char name[16384];
  size_t nl = 0, i;
  if (l[0] == '@') {
    name[0] = '\0';
    i = 1;
  } else {
    /* The name's end first: only then is its length known. */
    size_t q = 1;
    while (q < n && l[q] != '"')
      q += l[q] == '\\' && q + 1 < n ? 2 : 1;
    size_t end;
    if (q >= n)
      return skip_line(r, line, keyent, NULL, "the value name is not a closed \"string\"");
    if (q - 1 >= sizeof name)
      return skip_line(r, line, keyent, NULL, "a value name longer than 16383 bytes");
    if (quoted(l + 1, q, name, &nl, &end))
      return skip_line(r, line, keyent, NULL, "the value name is not a closed \"string\"");
    i = 1 + end;
  }
  while (i < n && (l[i] == ' ' || l[i] == '\t'))
    i++;
  if (i >= n || l[i] != '=')
    return skip_line(r, line, keyent, name, "expected '=' after the value name");
  i++;
  while (i < n && (l[i] == ' ' || l[i] == '\t'))
    i++;
  const char *v = l + i;
  size_t vn = n - i;
  while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
    vn--;
  int rc;
  if (vn == 1 && v[0] == '-')
    rc = add_ent(r, SSLVDIR_REG_ENTRY_VALUE_DELETE, key, name, 0, NULL, 0, line);
  else if (vn && v[0] == '"') {
    size_t sl, end;
    char *s = (char *)buf;
    if (quoted(v + 1, vn - 1, s, &sl, &end) || end + 1 != vn)
      return skip_line(r, line, keyent, name, "the string value is not one closed \"string\"");
    rc = add_ent(r, SSLVDIR_REG_ENTRY_VALUE, key, name, SSLVDIR_REG_SZ, buf, sl, line);
  } else if (vn > 6 && !strncmp(v, "dword:", 6)) {
    /* Windows' regedit refuses a ninth digit even when it is a leading zero
     * (dword:000000001): the value is not imported. */
    uint32_t dw = 0;
    if (vn - 6 > 8)
      return skip_line(r, line, keyent, name, "a dword has at most 8 hex digits");
    for (size_t k = 6; k < vn; k++) {
      int h = sv_hexval((unsigned char)v[k]);
      if (h < 0)
        return skip_line(r, line, keyent, name, "a dword must be hex digits (dword:00000001)");
      dw = dw << 4 | (uint32_t)h;
    }
    unsigned char le[4] = {(unsigned char)dw, (unsigned char)(dw >> 8), (unsigned char)(dw >> 16),
                           (unsigned char)(dw >> 24)};
    rc = add_ent(r, SSLVDIR_REG_ENTRY_VALUE, key, name, SSLVDIR_REG_DWORD, le, 4, line);
  } else if (vn >= 4 && !strncmp(v, "hex", 3)) {
    unsigned type = SSLVDIR_REG_BINARY;
    size_t k = 3;
    if (v[k] == '(') {
      size_t e = k + 1;
      type = 0;
      while (e < vn && sv_hexval((unsigned char)v[e]) >= 0 && e - k <= 8)
        type = type << 4 | (unsigned)sv_hexval((unsigned char)v[e++]);
      if (e == k + 1 || e >= vn || v[e] != ')')
        return skip_line(r, line, keyent, name, "hex(N): N must be a hex number");
      k = e + 1;
    }
    if (k >= vn || v[k] != ':')
      return skip_line(r, line, keyent, name, "expected ':' after hex");
    k++;
    size_t o = 0;
    while (k < vn) {
      while (k < vn && (v[k] == ' ' || v[k] == '\t'))
        k++;
      if (k >= vn)
        break;
      if (k + 1 >= vn || sv_hexval((unsigned char)v[k]) < 0 || sv_hexval((unsigned char)v[k + 1]) < 0)
        return skip_line(r, line, keyent, name, "hex bytes are two hex digits separated by commas");
      buf[o++] = (unsigned char)(sv_hexval((unsigned char)v[k]) * 16 + sv_hexval((unsigned char)v[k + 1]));
      k += 2;
      while (k < vn && (v[k] == ' ' || v[k] == '\t'))
        k++;
      if (k < vn) {
        if (v[k] != ',')
          return skip_line(r, line, keyent, name, "hex bytes are two hex digits separated by commas");
        k++;
      }
    }
    rc = add_ent(r, SSLVDIR_REG_ENTRY_VALUE, key, name, type, buf, o, line);
    if (!rc)
      r->ents[r->n - 1].hex = 1;
  } else {
    return skip_line(r, line, keyent, name, "a value is \"string\", dword:, hex:, hex(N): or -");
  }
  return rc;
}

SSLVDIR_EXTERN int sslvdir_regfile_parse(sslvdir_regfile **out, const char *data, size_t len,
                                         sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!out || (!data && len))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, ".reg: NULL argument");
  if (len > SSLVDIR_REGFILE_MAX)
    return sv_err(err, SSLVDIR_E_RANGE, ".reg: %zu bytes, more than the %u allowed", len,
                  SSLVDIR_REGFILE_MAX);
  sslvdir_encoding enc;
  char *text;
  size_t tl;
  int rc = sv_text_decode((const unsigned char *)(data ? data : ""), len, ".reg", &enc, &text, &tl,
                          err);
  if (rc)
    return rc;
  if (!sv_utf8_valid((const unsigned char *)text, tl, NULL)) {
    /* 8-bit text that is not UTF-8: Windows' ANSI code page, as regedit wrote it. */
    size_t nl;
    char *conv = cp1252_to_utf8((const unsigned char *)text, tl, &nl);
    sv_free(text);
    if (!conv)
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    text = conv;
    tl = nl;
  }
  sslvdir_regfile *r = sv_calloc(1, sizeof *r);
  char *logical = sv_malloc(SSLVDIR_REGFILE_MAX_LINE + 1);
  unsigned char *buf = sv_malloc(SSLVDIR_REGFILE_MAX_LINE + 1);
  size_t keyent = SIZE_MAX; /* the entry of the section the lines are in */
  int key_deleted = 0, header = 0;
  if (!r || !logical || !buf) {
    rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    goto out;
  }
  unsigned lineno = 0;
  for (size_t i = 0; i < tl && !rc;) {
    /* A logical line: physical lines joined where one ends with '\'. */
    size_t ln = 0;
    unsigned first = lineno + 1;
    int more = 1;
    while (more && i < tl) {
      size_t e = i;
      while (e < tl && text[e] != '\n')
        e++;
      lineno++;
      size_t pe = e;
      if (pe > i && text[pe - 1] == '\r')
        pe--;
      const char *p = text + i;
      size_t pn = pe - i;
      if (ln) /* continuation lines start with indentation */
        while (pn && (*p == ' ' || *p == '\t'))
          p++, pn--;
      while (pn && (p[pn - 1] == ' ' || p[pn - 1] == '\t'))
        pn--;
      more = pn && p[pn - 1] == '\\' && (ln || pn == 0 || p[0] != ';');
      if (more)
        pn--;
      if (ln + pn > SSLVDIR_REGFILE_MAX_LINE) {
        rc = bad(err, first, SSLVDIR_E_RANGE, "line longer than the 262144 bytes allowed");
        break;
      }
      memcpy(logical + ln, p, pn);
      ln += pn;
      i = e + 1;
    }
    if (rc)
      break;
    logical[ln] = '\0';
    const char *l = logical;
    while (ln && (*l == ' ' || *l == '\t'))
      l++, ln--;
    if (!header) {
      if (!ln)
        continue;
      if (!strcmp(l, "Windows Registry Editor Version 5.00"))
        header = 5;
      else if (!strcmp(l, "REGEDIT4"))
        header = 4;
      else
        rc = bad(err, first, SSLVDIR_E_SYNTAX, "the first line must be \"Windows Registry "
                 "Editor Version 5.00\" or \"REGEDIT4\"");
      r->v4 = header == 4;
      continue;
    }
    if (!ln || l[0] == ';')
      continue;
    if (l[0] == '[') {
      if (l[ln - 1] != ']' || ln < 3) {
        rc = bad(err, first, SSLVDIR_E_SYNTAX, "a section is [KEY] or [-KEY]");
        break;
      }
      int del = l[1] == '-';
      const char *k = l + 1 + del;
      size_t kl = ln - 2 - (size_t)del;
      int known = 0;
      for (size_t h = 0; h < 5; h++) {
        size_t hl = strlen(hives[h]);
        if (kl >= hl && sv_eq_ci(k, hl, hives[h], hl) && (kl == hl || k[hl] == '\\'))
          known = 1;
      }
      if (!known || memchr(k, '"', kl)) {
        rc = bad(err, first, SSLVDIR_E_SYNTAX, "the key does not start with a hive "
                 "(HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, ...)");
        break;
      }
      /* The line is copied in place so that the key ends there. */
      char *kz = logical + (size_t)(k - logical);
      kz[kl] = '\0';
      key_deleted = del;
      keyent = r->n;
      if (add_ent(r, del ? SSLVDIR_REG_ENTRY_KEY_DELETE : SSLVDIR_REG_ENTRY_KEY, kz, NULL, 0, NULL, 0, first))
        rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      continue;
    }
    /* Skipped lines: a value where no value can be (regedit has no key open
     * there), a value line that does not read, and a line that is none of
     * the above, which regedit ignores. None of them changes the section
     * that later values go to. */
    if (l[0] == '"' || l[0] == '@') {
      if (keyent == SIZE_MAX)
        rc = skip_line(r, first, SIZE_MAX, NULL, "a value outside any [KEY] section");
      else if (key_deleted)
        rc = skip_line(r, first, SIZE_MAX, NULL, "a value in a [-KEY] section, which deletes the key");
      else
        rc = parse_value(r, keyent, l, ln, first, buf);
    } else {
      rc = skip_line(r, first, SIZE_MAX, NULL,
                     "expected [KEY], \"Name\"=value, @=value or a ';' comment");
    }
    if (rc)
      rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  if (!rc && !header)
    rc = bad(err, 1, SSLVDIR_E_SYNTAX, "empty: no \"Windows Registry Editor Version 5.00\" line");
  if (!rc && r->unlisted &&
      add_warning(r, sv_strdupf(".reg: %zu more lines are skipped (only the first %d are named)",
                                r->unlisted, MAX_WARNINGS)))
    rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
out:
  sv_free(text);
  sv_free(logical);
  sv_free(buf);
  if (rc) {
    sslvdir_regfile_free(r);
    return rc;
  }
  *out = r;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_regfile_load(sslvdir_regfile **out, const char *filename,
                                        sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!out || !filename)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, ".reg: NULL argument");
  char *data;
  size_t len;
  int rc = sv_read_file(filename, SSLVDIR_REGFILE_MAX, &data, &len, err);
  if (rc)
    return rc;
  rc = sslvdir_regfile_parse(out, data, len, err);
  sv_free(data);
  return rc;
}

SSLVDIR_EXTERN size_t sslvdir_regfile_warning_count(const sslvdir_regfile *r) {
  return r ? r->nwarn : 0;
}

SSLVDIR_EXTERN const char *sslvdir_regfile_warning(const sslvdir_regfile *r, size_t index) {
  return r && index < r->nwarn ? r->warnings[index] : NULL;
}

SSLVDIR_EXTERN size_t sslvdir_regfile_entry_count(const sslvdir_regfile *r) {
  return r ? r->n : 0;
}

SSLVDIR_EXTERN int sslvdir_regfile_entry(const sslvdir_regfile *r, size_t i, const char **key,
                                         const char **name, unsigned *type,
                                         const unsigned char **data, size_t *len) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (key)
    *key = NULL;
  if (name)
    *name = NULL;
  if (type)
    *type = 0;
  if (data)
    *data = NULL;
  if (len)
    *len = 0;
  if (!r)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (i >= r->n)
    return SSLVDIR_E_NOT_FOUND;
  const reg_ent *e = &r->ents[i];
  if (key)
    *key = e->key;
  if (name)
    *name = e->name;
  if (type)
    *type = e->type;
  if (data)
    *data = e->data;
  if (len)
    *len = e->len;
  return e->kind;
}

static int apply_ents(const sslvdir_regfile *r, sslvdir_settings *s, sslvdir_error *err);

SSLVDIR_EXTERN int sslvdir_regfile_apply(const sslvdir_regfile *r, sslvdir_settings *s,
                                         sslvdir_error *err) {
  if (!r || !s)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, ".reg: NULL argument");
  /* One batch: a [-KEY] section marks its values instead of searching the
   * whole store, and the store is compacted once, at the end, even when a
   * line fails (what came before it stays applied, as it always has). */
  sv_settings_batch_begin(s);
  int rc = apply_ents(r, s, err);
  sv_settings_batch_end(s);
  return rc;
}

/* A value the store cannot take as the file gives it is treated as absent:
 * it loses what it had, so that Exchange's default applies, never a value
 * from an earlier line or file that this one meant to replace. */
static int absent(sslvdir_settings *s, const char *path) {
  int rc = sslvdir_settings_unset(s, path, NULL);
  return rc == SSLVDIR_E_INVALID_ARGUMENT ? rc : SSLVDIR_OK;
}

static char *value_path(const char *key, const char *name) {
  return sv_strdupf("%s\\%s", key, name);
}

static int apply_ents(const sslvdir_regfile *r, sslvdir_settings *s, sslvdir_error *err) {
  /* What was skipped when the file was read is said in the store too, where
   * a caller that only keeps the store looks for it. */
  for (size_t i = 0; i < r->nwarn; i++)
    if (sv_settings_add_warning(s, "%s", r->warnings[i]))
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  size_t sk = 0;
  for (size_t i = 0; i <= r->n; i++) {
    /* Skipped values, each where it stood in the file. */
    for (; sk < r->nskips && r->skips[sk].before == i; sk++) {
      const reg_skip *k = &r->skips[sk];
      if (!k->name)
        continue;
      char *path = value_path(r->ents[k->keyent].key, k->name);
      int rc = path ? absent(s, path) : SSLVDIR_E_NOMEM;
      sv_free(path);
      if (rc)
        return sv_err(err, rc, "out of memory");
    }
    if (i == r->n)
      break;
    const reg_ent *e = &r->ents[i];
    if (e->kind == SSLVDIR_REG_ENTRY_KEY)
      continue;
    if (e->kind == SSLVDIR_REG_ENTRY_KEY_DELETE) {
      if (sv_settings_delete_key(s, e->key, strlen(e->key)))
        return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      continue;
    }
    if (!e->name[0]) {
      if (sv_settings_add_warning(s, ".reg line %u: the default value (@) of %.200s is kept in "
                                  "the .reg file only", e->line, e->key))
        return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      continue;
    }
    char *path = value_path(e->key, e->name);
    if (!path)
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    int rc = SSLVDIR_OK;
    sslvdir_error e2 = {0};
    if (e->kind == SSLVDIR_REG_ENTRY_VALUE_DELETE) {
      rc = sslvdir_settings_unset(s, path, &e2);
      if (rc == SSLVDIR_E_NOT_FOUND)
        rc = SSLVDIR_OK;
    } else if (e->type == SSLVDIR_REG_DWORD && e->len == 4) {
      uint32_t dw = (uint32_t)e->data[0] | (uint32_t)e->data[1] << 8 |
                    (uint32_t)e->data[2] << 16 | (uint32_t)e->data[3] << 24;
      rc = sslvdir_settings_set_dword(s, path, dw, &e2);
    } else if (e->type == SSLVDIR_REG_SZ || e->type == SSLVDIR_REG_EXPAND_SZ) {
      /* Text: UTF-8 from a "string"; from hex(N), UTF-16LE in a REGEDIT5 file,
       * 8-bit text in a REGEDIT4 one; up to its NUL either way. */
      char *str = NULL;
      size_t sl, bad;
      if (!e->hex) {
        str = sv_strndup((const char *)e->data, e->len);
      } else if (!r->v4) {
        if ((str = sv_malloc(e->len * 2 + 1)) &&
            sv_utf16_to_utf8(e->data, e->len, 0, 1, str, &sl, &bad))
          str[0] = '\0';
      } else {
        size_t n8 = strnlen((const char *)e->data, e->len);
        str = sv_utf8_valid(e->data, n8, NULL) ? sv_strndup((const char *)e->data, n8)
                                      : cp1252_to_utf8(e->data, n8, &sl);
      }
      if (!str) {
        sv_free(path);
        return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
      }
      rc = sslvdir_settings_set_string(s, path, str, &e2);
      sv_free(str);
    } else {
      rc = sv_settings_add_warning(s, ".reg line %u: %.300s is of type %u, which only the .reg "
                                   "file keeps", e->line, path, e->type)
               ? SSLVDIR_E_NOMEM : absent(s, path);
    }
    /* A value the store refuses (a known DWORD as a string, a known boolean
     * that is neither 0 nor 1, a path it cannot hold) is one bad value, not
     * a bad file: a warning, and the value is absent. */
    if (rc == SSLVDIR_E_TYPE || rc == SSLVDIR_E_RANGE || rc == SSLVDIR_E_SYNTAX)
      rc = sv_settings_add_warning(s, ".reg line %u: %s; the value is treated as absent "
                                   "(Exchange's default applies)", e->line, e2.message)
               ? SSLVDIR_E_NOMEM : absent(s, path);
    sv_free(path);
    if (rc)
      return sv_err(err, rc, ".reg line %u: %s", e->line,
                    e2.message[0] ? e2.message : sslvdir_strerror(rc));
  }
  return SSLVDIR_OK;
}

/* The keys of a store being written, while it is grouped by key. */
typedef struct key_groups {
  char **keys;
  size_t *first, *last; /* per key: its first and last value (indexes into next) */
  size_t n;
} key_groups;

static const char *group_key_of(const void *base, size_t i) {
  return ((const key_groups *)base)->keys[i];
}

SSLVDIR_EXTERN int sslvdir_regfile_from_settings(sslvdir_regfile **out, const sslvdir_settings *s,
                                                 sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!out || !s)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, ".reg: NULL argument");
  sslvdir_regfile *r = sv_calloc(1, sizeof *r);
  if (!r)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  /* One section per key, values grouped under it, keys in first-seen order.
   * A key is opened by a value under a hive spelled HKEY_...; a value whose
   * key compares equal in another case joins it if it comes later, and is
   * left out otherwise (pseudo paths such as Outlook Anywhere's never start
   * with HKEY_). The values are chained per key in one pass. */
  size_t n = sslvdir_settings_count(s), none = SIZE_MAX;
  key_groups g = {0};
  sv_ix ix = {0};
  size_t *next = sv_malloc((3 * n + 1) * sizeof *next);
  g.keys = sv_malloc((n + 1) * sizeof *g.keys);
  int rc = next && g.keys ? SSLVDIR_OK : SSLVDIR_E_NOMEM;
  if (!rc) {
    g.first = next + n;
    g.last = g.first + n;
  }
  for (size_t i = 0; i < n && !rc; i++) {
    const char *path;
    next[i] = none;
    if (sslvdir_settings_entry(s, i, &path, NULL, NULL, NULL, NULL))
      continue;
    size_t kl = (size_t)(strrchr(path, '\\') - path);
    long k = sv_ix_find(&ix, path, kl, 1, group_key_of, &g);
    if (k < 0) {
      if (strncmp(path, "HKEY_", 5))
        continue;
      if (!(g.keys[g.n] = sv_strndup(path, kl)) || sv_ix_add(&ix, g.n, group_key_of, &g)) {
        sv_free(g.keys[g.n]);
        rc = SSLVDIR_E_NOMEM;
        break;
      }
      k = (long)g.n;
      g.first[g.n] = i;
      g.n++;
    } else {
      next[g.last[k]] = i;
    }
    g.last[k] = i;
  }
  for (size_t k = 0; k < g.n && !rc; k++) {
    rc = add_ent(r, SSLVDIR_REG_ENTRY_KEY, g.keys[k], NULL, 0, NULL, 0, 0);
    for (size_t j = g.first[k]; j != none && !rc; j = next[j]) {
      const char *p2, *str;
      sslvdir_value_type type;
      uint32_t dw;
      if (sslvdir_settings_entry(s, j, &p2, &type, &dw, &str, NULL))
        continue;
      const char *name = strrchr(p2, '\\') + 1;
      if (type == SSLVDIR_VALUE_DWORD) {
        unsigned char le[4] = {(unsigned char)dw, (unsigned char)(dw >> 8),
                               (unsigned char)(dw >> 16), (unsigned char)(dw >> 24)};
        rc = add_ent(r, SSLVDIR_REG_ENTRY_VALUE, g.keys[k], name, SSLVDIR_REG_DWORD, le, 4, 0);
      } else {
        rc = add_ent(r, SSLVDIR_REG_ENTRY_VALUE, g.keys[k], name, SSLVDIR_REG_SZ,
                     (const unsigned char *)str, strlen(str), 0);
      }
    }
  }
  for (size_t k = 0; k < g.n; k++)
    sv_free(g.keys[k]);
  sv_free(g.keys);
  sv_free(next);
  sv_ix_free(&ix);
  if (rc) {
    sslvdir_regfile_free(r);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  *out = r;
  return SSLVDIR_OK;
}

/* ================================================================ writing */

/* The bounded writer, and the column, for regedit's line wrapping. */
typedef struct wbuf {
  sv_bw bw;
  size_t col;
} wbuf;

static void w(wbuf *b, const char *s, size_t n) {
  sv_bw_put(&b->bw, s, n);
  for (size_t i = 0; i < n; i++)
    b->col = s[i] == '\n' ? 0 : b->col + 1;
}
static void ws(wbuf *b, const char *s) { w(b, s, strlen(s)); }

static void w_quoted(wbuf *b, const char *s, size_t n) {
  ws(b, "\"");
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' || s[i] == '"')
      w(b, "\\", 1);
    w(b, s + i, 1);
  }
  ws(b, "\"");
}

/* hex bytes, wrapped before 80 columns as regedit does. */
static void w_hex(wbuf *b, const unsigned char *d, size_t n) {
  char h[4];
  for (size_t i = 0; i < n; i++) {
    snprintf(h, sizeof h, "%02x", d[i]);
    w(b, h, 2);
    if (i + 1 < n) {
      w(b, ",", 1);
      if (b->col >= 76) {
        ws(b, "\\\r\n  ");
      }
    }
  }
}

SSLVDIR_EXTERN int sslvdir_regfile_write(const sslvdir_regfile *r, unsigned flags, char *out,
                                         size_t out_size, size_t *out_len) {
  if (out_len)
    *out_len = 0; /* nothing stale when the arguments are refused */
  if (!r || !out_len || (!out && out_size) ||
      (flags & ~(SSLVDIR_REGFILE_UTF8 | SSLVDIR_REGFILE_REGEDIT4)))
    return SSLVDIR_E_INVALID_ARGUMENT;
  int v4 = (flags & SSLVDIR_REGFILE_REGEDIT4) != 0, utf8 = v4 || (flags & SSLVDIR_REGFILE_UTF8);
  /* Build the text in UTF-8 first, sized by a dry run. */
  wbuf b = {{NULL, 0, 0}, 0};
  for (int pass = 0; pass < 2; pass++) {
    if (pass) {
      b.bw.out = sv_malloc(b.bw.len + 1);
      if (!b.bw.out)
        return SSLVDIR_E_NOMEM;
      b.bw.size = b.bw.len;
      b.bw.len = b.col = 0;
    }
    ws(&b, v4 ? "REGEDIT4\r\n" : "Windows Registry Editor Version 5.00\r\n");
    for (size_t i = 0; i < r->n; i++) {
      const reg_ent *e = &r->ents[i];
      if (e->kind == SSLVDIR_REG_ENTRY_KEY || e->kind == SSLVDIR_REG_ENTRY_KEY_DELETE) {
        ws(&b, "\r\n[");
        if (e->kind == SSLVDIR_REG_ENTRY_KEY_DELETE)
          ws(&b, "-");
        ws(&b, e->key);
        ws(&b, "]\r\n");
        continue;
      }
      if (e->name[0])
        w_quoted(&b, e->name, strlen(e->name));
      else
        ws(&b, "@");
      ws(&b, "=");
      if (e->kind == SSLVDIR_REG_ENTRY_VALUE_DELETE) {
        ws(&b, "-");
      } else if (e->type == SSLVDIR_REG_DWORD && e->len == 4) {
        char d[16];
        snprintf(d, sizeof d, "dword:%08x", (unsigned)e->data[0] | (unsigned)e->data[1] << 8 |
                 (unsigned)e->data[2] << 16 | (unsigned)e->data[3] << 24);
        ws(&b, d);
      } else if (!e->hex && e->type == SSLVDIR_REG_SZ && !memchr(e->data, '\n', e->len) &&
                 !memchr(e->data, '\r', e->len) && !memchr(e->data, 0, e->len) &&
                 sv_utf8_valid(e->data, e->len, NULL)) {
        w_quoted(&b, (const char *)e->data, e->len);
      } else {
        char t[16];
        if (e->type == SSLVDIR_REG_BINARY)
          snprintf(t, sizeof t, "hex:");
        else
          snprintf(t, sizeof t, "hex(%x):", e->type);
        ws(&b, t);
        if (!e->hex && e->type == SSLVDIR_REG_SZ && !v4) {
          /* Text a "string" cannot hold: hex(1), UTF-16LE with its NUL. */
          size_t tl = e->len, ul;
          char *u8 = sv_utf8_valid(e->data, e->len, NULL)
                         ? sv_strndup((const char *)e->data, e->len)
                         : cp1252_to_utf8(e->data, e->len, &tl);
          char *u16 = NULL;
          if (!u8 || sv_text_encode(u8, strlen(u8), SSLVDIR_ENCODING_UTF16LE, &u16, &ul)) {
            sv_free(u8);
            sv_free(b.bw.out);
            return SSLVDIR_E_NOMEM;
          }
          memmove(u16, u16 + 2, ul - 2); /* drop the BOM; the NUL goes at the end */
          u16[ul - 2] = u16[ul - 1] = 0;
          w_hex(&b, (unsigned char *)u16, ul);
          sv_free(u16);
          sv_free(u8);
        } else {
          w_hex(&b, e->data, e->len);
        }
      }
      ws(&b, "\r\n");
    }
    ws(&b, "\r\n");
  }
  char *enc = NULL;
  size_t el = 0;
  int rc = sv_text_encode(b.bw.out, b.bw.len,
                          utf8 ? SSLVDIR_ENCODING_UTF8 : SSLVDIR_ENCODING_UTF16LE, &enc, &el);
  sv_free(b.bw.out);
  if (rc)
    return rc;
  *out_len = el;
  if (el > out_size) {
    sv_free(enc);
    return SSLVDIR_E_BUFFER_TOO_SMALL;
  }
  memcpy(out, enc, el);
  sv_free(enc);
  return SSLVDIR_OK;
}
