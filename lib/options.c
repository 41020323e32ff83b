/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * A policy from named options: the one place that decides how the options
 * of the sslvdir command, Python's load_policy(), Lua's sslvdir.load{} and
 * the HAProxy plugin's environment go together.
 *
 * Nothing is guessed. A proxy configured with a preset and no host name
 * used to get a demo namespace, and redirected a real site's users to it;
 * a missing setting is now an error naming what to set, in the caller's
 * words (sslvdir_policy_options_spell()).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

enum opt {
  O_POLICY, O_POLICY_XML, O_PRESET, O_HOST, O_AD_DOMAIN, O_SITE, O_REDIRECT, O_EP,
  O_IISCONFIG, O_REG, O_OFFLOADER, O_CIPHER_BITS, O_CIPHER_HEADER, O_COUNT
};

static const struct {
  const char *name;
  int repeat; /* repeatable: a list; otherwise set once */
} opts[O_COUNT] = {
  [O_POLICY] = {"policy", 0},         [O_POLICY_XML] = {"policy-xml", 0},
  [O_PRESET] = {"preset", 0},         [O_HOST] = {"host", 1},
  [O_AD_DOMAIN] = {"ad-domain", 1},   [O_SITE] = {"site", 0},
  [O_REDIRECT] = {"redirect", 0},     [O_EP] = {"extended-protection", 0},
  [O_IISCONFIG] = {"iisconfig", 0},   [O_REG] = {"reg", 1},
  [O_OFFLOADER] = {"offloader", 1},   [O_CIPHER_BITS] = {"offloader-cipher-bits", 0},
  [O_CIPHER_HEADER] = {"offloader-cipher-header", 0},
};

#define SPELLING_MAX 64

struct sslvdir_policy_options {
  char **values[O_COUNT]; /* each a list; single-valued options hold at most one */
  size_t count[O_COUNT], cap[O_COUNT];
  char *spelling[O_COUNT]; /* NULL: the library name */
  unsigned preset_options;  /* SSLVDIR_PRESET_*, from redirect and extended-protection */
  unsigned cipher_bits;
};

static int find(const char *name) {
  for (int i = 0; i < O_COUNT; i++)
    if (!strcmp(opts[i].name, name))
      return i;
  return -1;
}

static const char *sp(const sslvdir_policy_options *o, int i) {
  return o->spelling[i] ? o->spelling[i] : opts[i].name;
}

static const char *one(const sslvdir_policy_options *o, int i) {
  return o->count[i] ? o->values[i][0] : NULL;
}

SSLVDIR_EXTERN int sslvdir_policy_options_new(sslvdir_policy_options **out, sslvdir_error *err) {
  if (!out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "policy options: NULL argument");
  *out = sv_calloc(1, sizeof **out);
  return *out ? SSLVDIR_OK : sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
}

SSLVDIR_EXTERN void sslvdir_policy_options_free(sslvdir_policy_options *o) {
  if (!o)
    return;
  for (int i = 0; i < O_COUNT; i++) {
    for (size_t k = 0; k < o->count[i]; k++)
      sv_free(o->values[i][k]);
    sv_free(o->values[i]);
    sv_free(o->spelling[i]);
  }
  sv_free(o);
}

/* on/off, as the command writes --extended-protection; the bindings turn
 * their booleans into these words. */
static int on_off(const char *v) {
  return !strcmp(v, "on") ? 1 : !strcmp(v, "off") ? 0 : -1;
}

/* A key size: decimal digits only, 0 to 256. strtoul would take "-1"
 * (as ULONG_MAX), " 12", "+12" and, through a caller's float parsing,
 * "1e3"; the length bound keeps "0000000000000000256" from wrapping. */
static int key_bits(const char *v, unsigned *bits) {
  unsigned n = 0;
  size_t len = strlen(v);
  if (len == 0 || len > 3)
    return len > 3 && strspn(v, "0123456789") == len ? SSLVDIR_E_RANGE : SSLVDIR_E_SYNTAX;
  for (size_t i = 0; i < len; i++) {
    if (v[i] < '0' || v[i] > '9')
      return SSLVDIR_E_SYNTAX;
    n = n * 10 + (unsigned)(v[i] - '0');
  }
  if (n > 256)
    return SSLVDIR_E_RANGE;
  *bits = n;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_policy_options_set(sslvdir_policy_options *o, const char *name,
                                              const char *value, sslvdir_error *err) {
  if (!o || !name || !value)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "policy options: NULL argument");
  int i = find(name);
  if (i < 0)
    return sv_err(err, SSLVDIR_E_UNKNOWN_NAME, "unknown policy option '%.64s'", name);
  /* strnlen: a huge value is refused without reading all of it. */
  size_t max = i == O_POLICY_XML ? SSLVDIR_POLICYFILE_MAX : SSLVDIR_POLICY_OPTIONS_VALUE_MAX;
  size_t len = strnlen(value, max + 1);
  if (len == 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "%s: empty value", sp(o, i));
  if (len > max)
    return sv_err(err, SSLVDIR_E_RANGE, "%s: value longer than %zu bytes", sp(o, i), max);
  if (!opts[i].repeat && o->count[i])
    return sv_err(err, SSLVDIR_E_DUPLICATE, "%s is given twice ('%.64s', then '%.64s')",
                  sp(o, i), o->values[i][0], value);
  if (o->count[i] >= SSLVDIR_POLICY_OPTIONS_REPEAT_MAX)
    return sv_err(err, SSLVDIR_E_RANGE, "%s: more than %u values", sp(o, i),
                  SSLVDIR_POLICY_OPTIONS_REPEAT_MAX);
  unsigned flag = 0, bits = 0;
  if (i == O_REDIRECT || i == O_EP) {
    int on = on_off(value);
    if (on < 0)
      return sv_err(err, SSLVDIR_E_SYNTAX, "%s takes on or off, not '%.64s'", sp(o, i), value);
    flag = i == O_REDIRECT ? (on ? SSLVDIR_PRESET_REDIRECT : 0)
                           : (on ? SSLVDIR_PRESET_EP_ON : SSLVDIR_PRESET_EP_OFF);
  } else if (i == O_CIPHER_BITS) {
    int rc = key_bits(value, &bits);
    if (rc)
      return sv_err(err, rc, "%s '%.64s': expected a key size from 0 to 256", sp(o, i), value);
  }
  if (sv_grow((void **)&o->values[i], &o->cap[i], o->count[i] + 1, sizeof *o->values[i]))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  char *copy = sv_strndup(value, len);
  if (!copy)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  o->values[i][o->count[i]++] = copy;
  o->preset_options |= flag;
  if (i == O_CIPHER_BITS)
    o->cipher_bits = bits;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_policy_options_spell(sslvdir_policy_options *o, const char *name,
                                                const char *spelling, sslvdir_error *err) {
  if (!o || !name || !spelling)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "policy options: NULL argument");
  int i = find(name);
  if (i < 0)
    return sv_err(err, SSLVDIR_E_UNKNOWN_NAME, "unknown policy option '%.64s'", name);
  size_t len = strnlen(spelling, SPELLING_MAX + 1);
  int printable = len > 0 && len <= SPELLING_MAX;
  for (size_t k = 0; printable && k < len; k++)
    printable = spelling[k] > ' ' && spelling[k] < 0x7f;
  if (!printable)
    return sv_err(err, SSLVDIR_E_SYNTAX,
                  "the spelling of %s must be 1 to %d bytes of printable ASCII", opts[i].name,
                  SPELLING_MAX);
  char *copy = sv_strndup(spelling, len);
  if (!copy)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  sv_free(o->spelling[i]);
  o->spelling[i] = copy;
  return SSLVDIR_OK;
}

/* "OPTION: what went wrong", unless the message already names a file the
 * option gave (file errors start with the file's name). */
static int blame(const sslvdir_policy_options *o, int i, int rc, sslvdir_error *err) {
  if (!err)
    return rc;
  char msg[sizeof err->message];
  memcpy(msg, err->message, sizeof msg);
  msg[sizeof msg - 1] = '\0';
  err->code = rc;
  if (!msg[0])
    snprintf(msg, sizeof msg, "%s", sslvdir_strerror(rc));
  /* A spelling is at most SPELLING_MAX bytes: the message keeps the rest
   * of the buffer (a message that does not fit is 255 bytes long, which
   * the tests look for, not cut shorter). */
  int n = snprintf(err->message, sizeof err->message, "%.64s: ", sp(o, i));
  size_t used = n > 0 ? (size_t)n : 0, room = sizeof err->message - 1 - used;
  size_t len = strnlen(msg, room);
  memcpy(err->message + used, msg, len);
  err->message[used + len] = '\0';
  return rc;
}

static int load_files(const sslvdir_policy_options *o, sslvdir_builder *b, sslvdir_error *err) {
  int rc;
  if (one(o, O_IISCONFIG)) {
    sslvdir_iisconfig *cfg = NULL;
    rc = sslvdir_iisconfig_load(&cfg, one(o, O_IISCONFIG), err);
    if (!rc)
      rc = sslvdir_iisconfig_apply(cfg, b, err);
    sslvdir_iisconfig_free(cfg);
    if (rc)
      return blame(o, O_IISCONFIG, rc, err);
  }
  for (size_t k = 0; k < o->count[O_REG]; k++) {
    sslvdir_regfile *r = NULL;
    rc = sslvdir_regfile_load(&r, o->values[O_REG][k], err);
    if (!rc)
      rc = sslvdir_regfile_apply(r, sslvdir_builder_settings(b), err);
    sslvdir_regfile_free(r);
    if (rc)
      return blame(o, O_REG, rc, err);
  }
  int knobs = o->count[O_CIPHER_BITS] || o->count[O_CIPHER_HEADER];
  for (size_t k = 0; k < o->count[O_OFFLOADER]; k++) {
    const char *cidr = o->values[O_OFFLOADER][k];
    /* The address first, so that what the cipher knobs refuse after it
     * (a header that is no field name, or one the proxy itself sets; the
     * key size was checked when set) is blamed on the header. */
    if ((rc = sslvdir_builder_add_offloader(b, cidr, err)))
      return blame(o, O_OFFLOADER, rc, err);
    if (knobs && (rc = sslvdir_builder_set_offloader_cipher(b, cidr, o->cipher_bits,
                                                            one(o, O_CIPHER_HEADER), err)))
      return blame(o, o->count[O_CIPHER_HEADER] ? O_CIPHER_HEADER : O_CIPHER_BITS, rc, err);
  }
  return SSLVDIR_OK;
}

/* How the caller turns a switch off, in its syntax: the command's
 * "--extended-protection off", Python's keyword "extended_protection=" takes
 * False, an nginx directive (the module spells every option sslvdir_NAME)
 * takes off and ends with ';', HAProxy's plugin reads SSLVDIR_NAME, which
 * its configuration sets with "setenv NAME off", another environment
 * variable =off, a Lua field false. A caller writes what the message says:
 * nginx refuses "= false", HAProxy a setenv of "NAME=off". */
static void switch_off(const sslvdir_policy_options *o, int i, char *buf, size_t size) {
  const char *s = sp(o, i);
  size_t len = strlen(s);
  int lower = 0;
  for (size_t k = 0; k < len; k++)
    lower |= s[k] >= 'a' && s[k] <= 'z';
  if (o->spelling[i] && !lower && strncmp(s, "SSLVDIR_", 8) == 0)
    snprintf(buf, size, "add setenv %s off", s);
  else if (!o->spelling[i] || !lower)
    snprintf(buf, size, "set %s=off", s);
  else if (s[0] == '-')
    snprintf(buf, size, "set %s off", s);
  else if (s[len - 1] == '=')
    snprintf(buf, size, "set %sFalse", s);
  else if (strncmp(s, "sslvdir_", 8) == 0)
    snprintf(buf, size, "set %s off;", s);
  else
    snprintf(buf, size, "set %s = false", s);
}

static int from_preset(const sslvdir_policy_options *o, sslvdir_builder *b, const char *site,
                       sslvdir_error *err) {
  int rc = sslvdir_preset_apply_opts(b, one(o, O_PRESET), site, o->preset_options, err);
  /* The one inconsistency a preset refuses: an -offload preset with
   * Extended Protection on. Said again with the caller's way to turn it
   * off, and short enough that what to do is not cut. */
  if (rc == SSLVDIR_E_INCONSISTENT) {
    char off[SPELLING_MAX + 24];
    switch_off(o, O_EP, off, sizeof off);
    return sv_err(err, rc,
                  "%.32s: Extended Protection is on (%s) and Microsoft does not support it with "
                  "SSL offloading; %s, or bridge (the preset without -offload)",
                  one(o, O_PRESET),
                  (o->preset_options & SSLVDIR_PRESET_EP_ON) ? "declared on" : "Setup turns it on",
                  off);
  }
  if (rc)
    return blame(o, rc == SSLVDIR_E_SYNTAX ? O_SITE : O_PRESET, rc, err);
  for (size_t k = 0; k < o->count[O_HOST]; k++)
    if ((rc = sslvdir_builder_add_host(b, site, o->values[O_HOST][k], err)))
      return blame(o, O_HOST, rc, err);
  for (size_t k = 0; k < o->count[O_AD_DOMAIN]; k++)
    if ((rc = sslvdir_builder_add_autodiscover_domain(b, o->values[O_AD_DOMAIN][k],
                                                      SSLVDIR_AUTODISCOVER_ACTION_SETTINGS, site, err)))
      return blame(o, O_AD_DOMAIN, rc, err);
  return SSLVDIR_OK;
}

/* The checks that need no file: which source, and what goes with what. */
static int check(const sslvdir_policy_options *o, sslvdir_error *err) {
  const char *preset = one(o, O_PRESET);
  int file = o->count[O_POLICY] || o->count[O_POLICY_XML];
  if (o->count[O_POLICY] + o->count[O_POLICY_XML] + o->count[O_PRESET] > 1) {
    int a = o->count[O_POLICY] ? O_POLICY : O_POLICY_XML;
    int b = o->count[O_PRESET] ? O_PRESET : O_POLICY_XML;
    return sv_err(err, SSLVDIR_E_INCONSISTENT, "give %s or %s, not both", sp(o, a), sp(o, b));
  }
  if (!file && !preset && !o->count[O_IISCONFIG])
    return sv_err(err, SSLVDIR_E_INCONSISTENT,
                  "no policy: give %s (a policy file), %s (a built-in preset, with %s and %s) "
                  "or %s (an applicationHost.config)",
                  sp(o, O_POLICY), sp(o, O_PRESET), sp(o, O_HOST), sp(o, O_AD_DOMAIN),
                  sp(o, O_IISCONFIG));
  static const int with_preset[] = {O_HOST, O_AD_DOMAIN, O_SITE, O_REDIRECT, O_EP};
  for (size_t k = 0; !preset && k < sizeof with_preset / sizeof with_preset[0]; k++)
    if (o->count[with_preset[k]])
      return sv_err(err, SSLVDIR_E_INCONSISTENT,
                    file ? "%s goes with %s; a policy file names its own" : "%s goes with %s",
                    sp(o, with_preset[k]), sp(o, O_PRESET));
  if (!o->count[O_OFFLOADER] && (o->count[O_CIPHER_BITS] || o->count[O_CIPHER_HEADER]))
    return sv_err(err, SSLVDIR_E_INCONSISTENT, "%s goes with %s",
                  sp(o, o->count[O_CIPHER_BITS] ? O_CIPHER_BITS : O_CIPHER_HEADER),
                  sp(o, O_OFFLOADER));
  if (preset && !o->count[O_HOST] && !o->count[O_IISCONFIG])
    return sv_err(err, SSLVDIR_E_INCONSISTENT,
                  "%s needs %s: the host names clients use for the preset's site (or %s, an "
                  "applicationHost.config whose bindings name them)",
                  sp(o, O_PRESET), sp(o, O_HOST), sp(o, O_IISCONFIG));
  /* Clients look Autodiscover up from the domain of the user's e-mail
   * address ("Autodiscover for Exchange"); mail.example.com says nothing
   * about it (users may be @example.org, or @sub.example.com). */
  if (preset && !o->count[O_AD_DOMAIN])
    return sv_err(err, SSLVDIR_E_INCONSISTENT,
                  "%s needs %s: the users' e-mail domains, which Autodiscover answers for "
                  "(a host name does not tell them)",
                  sp(o, O_PRESET), sp(o, O_AD_DOMAIN));
  return SSLVDIR_OK;
}

/* The preset's site must have a host name, from the options or from the
 * iisconfig's bindings for that site: a site without one serves only
 * Hosts no other site takes, which is not what naming a preset asks for. */
static int check_hosts(const sslvdir_policy_options *o, const sslvdir_policy *p, const char *site,
                       sslvdir_error *err) {
  for (size_t k = 0; k < sslvdir_policy_site_count(p); k++) {
    const sslvdir_site *s = sslvdir_policy_site(p, k);
    if (sv_streq_ci(sslvdir_site_name(s), site) && sslvdir_site_host_count(s))
      return SSLVDIR_OK;
  }
  return sv_err(err, SSLVDIR_E_INCONSISTENT,
                "%s needs %s: the host names clients use for site '%.64s' (%s has no binding "
                "with a host name for it)",
                sp(o, O_PRESET), sp(o, O_HOST), site, sp(o, O_IISCONFIG));
}

SSLVDIR_EXTERN int sslvdir_policy_options_build(const sslvdir_policy_options *o,
                                                sslvdir_policy **out, sslvdir_error *err) {
  if (out)
    *out = NULL; /* no stale object on any failure */
  if (!o || !out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "policy options: NULL argument");
  int rc = check(o, err);
  if (rc)
    return rc;
  /* "Default Web Site" is what IIS itself names the site Exchange uses. */
  const char *site = one(o, O_SITE) ? one(o, O_SITE) : "Default Web Site";
  sslvdir_builder *b;
  if ((rc = sslvdir_builder_new(&b, err)))
    return rc;
  if (one(o, O_POLICY)) {
    if ((rc = sslvdir_policyfile_load(b, one(o, O_POLICY), err)))
      rc = blame(o, O_POLICY, rc, err);
  } else if (one(o, O_POLICY_XML)) {
    const char *xml = one(o, O_POLICY_XML);
    if ((rc = sslvdir_policyfile_parse(b, xml, strlen(xml), err)))
      rc = blame(o, O_POLICY_XML, rc, err);
  } else if (one(o, O_PRESET)) {
    rc = from_preset(o, b, site, err);
  }
  if (!rc)
    rc = load_files(o, b, err);
  sslvdir_policy *p = NULL;
  if (!rc && (rc = sslvdir_builder_build(b, &p, err)))
    rc = blame(o, one(o, O_POLICY) ? O_POLICY : one(o, O_POLICY_XML) ? O_POLICY_XML
                  : one(o, O_PRESET) ? O_PRESET : O_IISCONFIG, rc, err);
  sslvdir_builder_free(b);
  if (!rc && one(o, O_PRESET) && (rc = check_hosts(o, p, site, err))) {
    sslvdir_policy_unref(p);
    p = NULL;
  }
  *out = p;
  return rc;
}
