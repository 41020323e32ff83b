/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * sslvdir config: show what an applicationHost.config and .reg exports say,
 * change sslFlags in place, and plan the commands from current to wanted.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/utf8.h"
#include "json.h"
#include "tool.h"

static int is_reg(const char *path) {
  size_t n = strlen(path);
  return n > 4 && !strcasecmp(path + n - 4, ".reg");
}

/* What config show and plan read: at most one applicationHost.config, and
 * .reg files applied in order to one settings store (nregs counts them; each
 * is kept, with its name, for config show to list what it says). */
typedef struct inputs {
  sslvdir_iisconfig *cfg;
  sslvdir_settings *st;
  int nregs;
  sslvdir_regfile *regs[MAX_LIST];
  const char *reg_names[MAX_LIST];
} inputs;

static void free_inputs(inputs *in) {
  sslvdir_iisconfig_free(in->cfg);
  sslvdir_settings_free(in->st);
  for (int i = 0; i < in->nregs; i++)
    sslvdir_regfile_free(in->regs[i]);
}

static int load_inputs(int nfiles, const char **files, inputs *in) {
  sslvdir_error e = {0};
  sslvdir_iisconfig **cfg = &in->cfg;
  memset(in, 0, sizeof *in);
  if (sslvdir_settings_new(&in->st, &e))
    return fail("config", SSLVDIR_E_NOMEM, &e);
  for (int i = 0; i < nfiles; i++) {
    int rc;
    if (is_reg(files[i])) {
      sslvdir_regfile *r;
      if ((rc = sslvdir_regfile_load(&r, files[i], &e)))
        return fail(files[i], rc, &e);
      rc = sslvdir_regfile_apply(r, in->st, &e);
      if (rc) {
        sslvdir_regfile_free(r);
        return fail(files[i], rc, &e);
      }
      in->regs[in->nregs] = r;
      in->reg_names[in->nregs++] = files[i];
    } else {
      if (*cfg) {
        fprintf(stderr, "%s: one applicationHost.config at a time\n", prog);
        return EXIT_USAGE;
      }
      if ((rc = sslvdir_iisconfig_load(cfg, files[i], &e)))
        return fail(files[i], rc, &e);
    }
  }
  return 0;
}

static const char *enc_name(sslvdir_encoding e) {
  switch (e) {
  case SSLVDIR_ENCODING_UTF8_BOM: return "UTF-8 with BOM";
  case SSLVDIR_ENCODING_UTF16LE: return "UTF-16LE";
  case SSLVDIR_ENCODING_UTF16BE: return "UTF-16BE";
  default: return "UTF-8";
  }
}

/* "warning: ..." lines, or a JSON array member "key": [...]. */
static void print_warnings(const char *key, size_t n, const char *(*get)(const void *, size_t),
                           const void *obj, int json) {
  if (json)
    printf("\"%s\": [", key);
  for (size_t i = 0; i < n; i++) {
    if (json) {
      printf("%s", i ? ", " : "");
      json_string(stdout, get(obj, i));
    } else {
      printf("warning: %s\n", get(obj, i));
    }
  }
  if (json)
    printf("]");
}

static const char *cfg_warning(const void *c, size_t i) { return sslvdir_iisconfig_warning(c, i); }
static const char *settings_warning(const void *s, size_t i) { return sslvdir_settings_warning(s, i); }
static const char *reg_warning(const void *r, size_t i) { return sslvdir_regfile_warning(r, i); }

static void show_config(const sslvdir_iisconfig *c, int json) {
  char flags[SSLVDIR_FLAGS_TEXT_MAX];
  if (json) {
    printf("\"config\": {\"encoding\": ");
    json_string(stdout, enc_name(sslvdir_iisconfig_encoding(c)));
    printf(", \"sites\": [");
  } else {
    printf("applicationHost.config (%s)\n", enc_name(sslvdir_iisconfig_encoding(c)));
  }
  for (size_t i = 0; i < sslvdir_iisconfig_site_count(c); i++) {
    const char *name, *hosts;
    unsigned port;
    if (sslvdir_iisconfig_site(c, i, &name, &hosts, &port))
      continue;
    if (json) {
      printf("%s{\"name\": ", i ? ", " : "");
      json_string(stdout, name);
      printf(", \"hosts\": ");
      json_string(stdout, hosts);
      printf(", \"https_port\": %u}", port);
    } else {
      printf("site \"%s\": hosts %s, https port %u\n", name, hosts[0] ? hosts : "(none)", port);
    }
  }
  /* Columns as wide as their longest value: a path is never cut. */
  int wpath = 46, wfrom = 22;
  for (size_t i = 0; !json && i < sslvdir_iisconfig_app_count(c); i++) {
    const char *path, *pool, *from;
    unsigned f;
    if (sslvdir_iisconfig_app(c, i, &path, &pool) || sslvdir_iisconfig_ssl_flags(c, path, &f, &from))
      continue;
    size_t lp = strlen(path), lf = from ? strlen(from) : 0;
    wpath = lp > (size_t)wpath ? (lp > 4096 ? 4096 : (int)lp) : wpath;
    wfrom = lf > (size_t)wfrom ? (lf > 4096 ? 4096 : (int)lf) : wfrom;
  }
  if (json)
    printf("], \"applications\": [");
  else
    printf("\n  %-*s %-22s %-*s %s\n", wpath, "APPLICATION", "SSLFLAGS", wfrom, "SET AT", "POOL");
  for (size_t i = 0; i < sslvdir_iisconfig_app_count(c); i++) {
    const char *path, *pool, *from;
    unsigned f;
    if (sslvdir_iisconfig_app(c, i, &path, &pool) ||
        sslvdir_iisconfig_ssl_flags(c, path, &f, &from) ||
        sslvdir_flags_format(f, flags, sizeof flags, NULL))
      continue;
    if (json) {
      printf("%s{\"path\": ", i ? ", " : "");
      json_string(stdout, path);
      printf(", \"ssl_flags\": ");
      json_string(stdout, flags);
      printf(", \"set_at\": ");
      json_string(stdout, from);
      printf(", \"pool\": ");
      json_string(stdout, pool);
      printf("}");
    } else {
      printf("  %-*s %-22s %-*s %s\n", wpath, path, flags, wfrom,
             from ? (from[0] ? from : "(server)") : "(default)", pool);
    }
  }
  if (json)
    printf("], ");
  print_warnings("warnings", sslvdir_iisconfig_warning_count(c),
                 cfg_warning, c, json);
  if (json)
    printf("}");
}

static const char *reg_type_name(unsigned type) {
  switch (type) {
  case SSLVDIR_REG_NONE: return "REG_NONE";
  case SSLVDIR_REG_SZ: return "REG_SZ";
  case SSLVDIR_REG_EXPAND_SZ: return "REG_EXPAND_SZ";
  case SSLVDIR_REG_BINARY: return "REG_BINARY";
  case SSLVDIR_REG_DWORD: return "REG_DWORD";
  case SSLVDIR_REG_MULTI_SZ: return "REG_MULTI_SZ";
  case SSLVDIR_REG_QWORD: return "REG_QWORD";
  default: return NULL;
  }
}

/* One .reg file as read, deletions included. Text: the file as regedit would
 * import it (the library's writer; skipped lines are not in it). JSON: one
 * object per entry with key, value name and type apart, since a value name
 * may hold '\\' and "KEY\\Name" would not say where the key ends. */
static int show_regfile(const char *file, const sslvdir_regfile *r, int json) {
  if (!json) {
    size_t n = 0;
    char *buf = NULL;
    if (sslvdir_regfile_write(r, SSLVDIR_REGFILE_UTF8, NULL, 0, &n) != SSLVDIR_E_BUFFER_TOO_SMALL ||
        !(buf = malloc(n + 1)) || sslvdir_regfile_write(r, SSLVDIR_REGFILE_UTF8, buf, n, &n)) {
      free(buf);
      return fail(file, SSLVDIR_E_NOMEM, NULL);
    }
    buf[n] = '\0';
    printf("\n%s: %zu entries, as regedit would import them\n", file, sslvdir_regfile_entry_count(r));
    /* Past the header line; CRLF as LF, each line indented. */
    char *p = strchr(buf, '\n');
    for (p = p ? p + 1 : buf + n; *p;) {
      char *e = strchr(p, '\n');
      size_t l = e ? (size_t)(e - p) : strlen(p);
      if (l && p[l - 1] == '\r')
        l--;
      if (l)
        printf("  %.*s\n", (int)l, p);
      p = e ? e + 1 : p + strlen(p);
    }
    free(buf);
    return 0;
  }
  printf("{\"file\": ");
  json_string(stdout, file);
  printf(", \"entries\": [");
  for (size_t i = 0; i < sslvdir_regfile_entry_count(r); i++) {
    const char *key, *name;
    unsigned type;
    const unsigned char *data;
    size_t len;
    int kind = sslvdir_regfile_entry(r, i, &key, &name, &type, &data, &len);
    static const char *const kinds[] = {"", "key", "key-delete", "value", "value-delete"};
    if (kind < SSLVDIR_REG_ENTRY_KEY || kind > SSLVDIR_REG_ENTRY_VALUE_DELETE)
      continue;
    printf("%s{\"kind\": \"%s\", \"key\": ", i ? ", " : "", kinds[kind]);
    json_string(stdout, key);
    if (kind == SSLVDIR_REG_ENTRY_VALUE || kind == SSLVDIR_REG_ENTRY_VALUE_DELETE) {
      printf(", \"name\": ");
      json_string(stdout, name);
    }
    if (kind == SSLVDIR_REG_ENTRY_VALUE) {
      /* A type without a REG_ name is given as the file writes it. */
      if (reg_type_name(type))
        printf(", \"type\": \"%s\"", reg_type_name(type));
      else
        printf(", \"type\": \"hex(%x)\"", type);
      if (type == SSLVDIR_REG_DWORD && len == 4) {
        printf(", \"dword\": %u", (unsigned)data[0] | (unsigned)data[1] << 8 |
                                       (unsigned)data[2] << 16 | (unsigned)data[3] << 24);
      } else if ((type == SSLVDIR_REG_SZ || type == SSLVDIR_REG_EXPAND_SZ) &&
                 !memchr(data, 0, len) && sv_utf8_valid(data, len, NULL)) {
        /* A "string" of the file: UTF-8 text. hex(1)/hex(2) text is UTF-16LE
         * or 8-bit with its NUL, and is given as its bytes. */
        char *t = malloc(len + 1);
        if (t) {
          memcpy(t, data, len);
          t[len] = '\0';
        }
        printf(", \"string\": ");
        json_string(stdout, t); /* null only when out of memory */
        free(t);
      } else {
        printf(", \"hex\": \"");
        for (size_t k = 0; k < len; k++)
          printf("%s%02x", k ? "," : "", data[k]);
        printf("\"");
      }
    }
    printf("}");
  }
  printf("], ");
  print_warnings("warnings", sslvdir_regfile_warning_count(r), reg_warning, r, json);
  printf("}");
  return 0;
}

static void show_settings(const sslvdir_settings *s, int json) {
  if (json) {
    printf("\"registry\": ");
    json_settings(stdout, s);
    printf(", ");
  } else if (sslvdir_settings_count(s)) {
    printf("\nregistry values\n");
  }
  for (size_t i = 0; !json && i < sslvdir_settings_count(s); i++) {
    const char *path, *str;
    sslvdir_value_type type;
    uint32_t dw;
    int known;
    if (sslvdir_settings_entry(s, i, &path, &type, &dw, &str, &known))
      continue;
    if (type == SSLVDIR_VALUE_DWORD)
      printf("  %s = dword:%08x%s\n", path, dw, known ? "" : " (unknown to libsslvdir)");
    else
      printf("  %s = \"%s\"%s\n", path, str, known ? "" : " (unknown to libsslvdir)");
  }
  print_warnings("registry_warnings", sslvdir_settings_warning_count(s),
                 settings_warning, s, json);
}

/* config show and set: --json, --help and, for set, --dry-run. */
static int config_args(int argc, char **argv, const char *cmd, int *json, int *dry) {
  enum { OPT_DRY_RUN = OPT_LOCAL };
  static const struct option show_lo[] = {LONGOPT_JSON, LONGOPT_END};
  static const struct option set_lo[] = {LONGOPT_JSON, {"dry-run", no_argument, NULL, OPT_DRY_RUN},
                                         LONGOPT_END};
  int c;
  optind = 0;
  while ((c = next_option(argc, argv, "h", dry ? set_lo : show_lo, cmd)) != -1) {
    if (c == 'h')
      return -1;
    if (c == OPT_JSON)
      *json = 1;
    else if (c == OPT_DRY_RUN && dry)
      *dry = 1;
    else
      return EXIT_USAGE;
  }
  return 0;
}

static int config_show(int argc, char **argv) {
  const char *files[MAX_LIST];
  int nfiles = 0, json = 0, rc = config_args(argc, argv, "config show", &json, NULL);
  if (rc)
    return rc < 0 ? help("config show") : rc;
  for (int i = optind; i < argc; i++) {
    if (nfiles >= MAX_LIST) {
      fprintf(stderr, "%s: config show: at most %d files\n", prog, MAX_LIST);
      return EXIT_USAGE;
    }
    files[nfiles++] = argv[i];
  }
  if (!nfiles) {
    fprintf(stderr, "%s: config show needs applicationHost.config and/or .reg files\n", prog);
    return EXIT_USAGE;
  }
  inputs in;
  rc = load_inputs(nfiles, files, &in);
  sslvdir_iisconfig *cfg = in.cfg;
  sslvdir_settings *st = in.st;
  if (!rc) {
    if (json)
      printf("{");
    if (cfg)
      show_config(cfg, json);
    if (json && cfg)
      printf(", ");
    if (json)
      printf("\"reg_files\": [");
    for (int i = 0; !rc && i < in.nregs; i++) {
      if (json && i)
        printf(", ");
      rc = show_regfile(in.reg_names[i], in.regs[i], json);
    }
    if (json)
      printf("], ");
    if (!rc)
      show_settings(st, json);
    if (json)
      printf("}\n");
  }
  free_inputs(&in);
  return rc;
}

static int config_set(int argc, char **argv) {
  const char *args[3];
  int n = 0, dry = 0, json = 0, rc = config_args(argc, argv, "config set", &json, &dry);
  if (rc)
    return rc < 0 ? help("config set") : rc;
  for (int i = optind; i < argc; i++)
    if (n < 3)
      args[n++] = argv[i];
    else
      n = 4;
  if (n != 3) {
    fprintf(stderr, "%s: config set FILE \"Site/vdir\" sslFlags=VALUE\n", prog);
    return EXIT_USAGE;
  }
  const char *eq = strchr(args[2], '=');
  if (!eq || (size_t)(eq - args[2]) != 8 || strncasecmp(args[2], "sslFlags", 8)) {
    errorc("usage", "'%s': only sslFlags=VALUE can be set", args[2]);
    return EXIT_USAGE;
  }
  sslvdir_error e = {0};
  unsigned flags;
  rc = sslvdir_flags_parse(eq + 1, strlen(eq + 1), &flags, &e);
  if (rc)
    return fail(args[2], rc, &e);
  sslvdir_iisconfig *cfg;
  if ((rc = sslvdir_iisconfig_load(&cfg, args[0], &e)))
    return fail(args[0], rc, &e);
  unsigned before = 0;
  const char *from = NULL;
  if (sslvdir_iisconfig_ssl_flags(cfg, args[1], &before, &from))
    before = 0;
  /* The bytes as loaded, to see whether the change changes any: a set
   * that changes nothing writes nothing, so the file keeps its time and
   * its .bak the previous real version (a second run must not replace the
   * backup with a copy of the current file). */
  const char *data;
  size_t was_len = 0;
  char *was = NULL;
  if (!(rc = sslvdir_iisconfig_bytes(cfg, &data, &was_len)) && !(was = malloc(was_len + 1)))
    rc = SSLVDIR_E_NOMEM;
  if (!rc) {
    memcpy(was, data, was_len);
    rc = sslvdir_iisconfig_set_ssl_flags(cfg, args[1], flags, &e);
  }
  size_t len = 0;
  if (!rc)
    rc = sslvdir_iisconfig_bytes(cfg, &data, &len);
  int changed = !rc && (len != was_len || memcmp(data, was, len));
  free(was);
  if (rc) {
    sslvdir_iisconfig_free(cfg);
    return fail(args[1], rc, &e);
  }
  int wrote = changed && !dry;
  if (wrote && (rc = sslvdir_iisconfig_save(cfg, args[0], &e))) {
    sslvdir_iisconfig_free(cfg);
    return fail(args[0], rc, &e);
  }
  char b[SSLVDIR_FLAGS_TEXT_MAX], a[SSLVDIR_FLAGS_TEXT_MAX];
  if (sslvdir_flags_format(before, b, sizeof b, NULL) ||
      sslvdir_flags_format(flags, a, sizeof a, NULL))
    b[0] = a[0] = '\0';
  if (json) {
    printf("{\"file\": ");
    json_string(stdout, args[0]);
    printf(", \"path\": ");
    json_string(stdout, args[1]);
    printf(", \"before\": ");
    json_string(stdout, b);
    printf(", \"after\": ");
    json_string(stdout, a);
    printf(", \"written\": %s}\n", wrote ? "true" : "false");
  } else {
    printf("%s: sslFlags %s -> %s%s\n", args[1], b, a,
           dry ? " (dry run: not written)" : !changed ? " (unchanged: not written)" : "");
  }
  sslvdir_iisconfig_free(cfg);
  return 0;
}

/* Outlook Anywhere is set per server; there is no server to guess. */
static int need_server(void) {
  fprintf(stderr, "%s: config plan: the plan sets Outlook Anywhere (--external-host, or a change "
          "of Site/Rpc), which is set per server: give --server NAME, the Exchange server's name "
          "as Get-OutlookAnywhere shows it\n", prog);
  return EXIT_USAGE;
}

static int config_plan(int argc, char **argv) {
  enum { OPT_IISRESET = OPT_LOCAL, OPT_APPCMD, OPT_POWERSHELL, OPT_OFFLOAD, OPT_BRIDGE,
         OPT_SERVER, OPT_EXTERNAL_HOST, OPT_AUTH, OPT_REG_OUT };
  static const struct option lo[] = {
    LONGOPT_JSON, LONGOPT_EXCHANGE_VERSION,
    {"iisreset", no_argument, NULL, OPT_IISRESET},
    {"appcmd", no_argument, NULL, OPT_APPCMD},
    {"powershell", no_argument, NULL, OPT_POWERSHELL},
    {"offload", required_argument, NULL, OPT_OFFLOAD},
    {"bridge", required_argument, NULL, OPT_BRIDGE},
    {"server", required_argument, NULL, OPT_SERVER},
    {"external-host", required_argument, NULL, OPT_EXTERNAL_HOST},
    {"auth", required_argument, NULL, OPT_AUTH},
    {"reg-out", required_argument, NULL, OPT_REG_OUT},
    LONGOPT_END};
  const char *files[MAX_LIST], *server = NULL, *ext = NULL, *auth = NULL, *reg_out = NULL;
  const char *wants[MAX_LIST];
  int up[MAX_LIST];
  int nfiles = 0, nwants = 0, json = 0, iisreset = 0, c;
  unsigned version = 0;
  sslvdir_plan_form form = SSLVDIR_PLAN_FORM_POWERSHELL;
  optind = 0;
  while ((c = next_option(argc, argv, "h", lo, "config plan")) != -1) {
    switch (c) {
    case 'h': return help("config plan");
    case OPT_JSON: json = 1; break;
    case OPT_IISRESET: iisreset = 1; break;
    case OPT_APPCMD: form = SSLVDIR_PLAN_FORM_APPCMD; break;
    case OPT_POWERSHELL: form = SSLVDIR_PLAN_FORM_POWERSHELL; break;
    case OPT_OFFLOAD: case OPT_BRIDGE:
      if (nwants == MAX_LIST) {
        fprintf(stderr, "%s: at most %d vdirs\n", prog, MAX_LIST);
        return EXIT_USAGE;
      }
      up[nwants] = c == OPT_OFFLOAD ? SSLVDIR_UPSTREAM_OFFLOAD : SSLVDIR_UPSTREAM_BRIDGE;
      wants[nwants++] = optarg;
      break;
    case OPT_EXCHANGE_VERSION:
      if (exchange_version_value(optarg, &version))
        return EXIT_USAGE;
      break;
    case OPT_SERVER: server = optarg; break;
    case OPT_EXTERNAL_HOST: ext = optarg; break;
    case OPT_AUTH: auth = optarg; break;
    case OPT_REG_OUT: reg_out = optarg; break;
    default: return EXIT_USAGE;
    }
  }
  for (int i = optind; i < argc; i++) {
    if (nfiles >= MAX_LIST) {
      fprintf(stderr, "%s: config plan: at most %d files\n", prog, MAX_LIST);
      return EXIT_USAGE;
    }
    files[nfiles++] = argv[i];
  }
  if (!nwants) {
    fprintf(stderr, "%s: config plan needs --offload or --bridge \"Site/vdir\"\n", prog);
    return EXIT_USAGE;
  }
  if (!server && (ext || auth))
    return need_server();
  inputs in;
  int rc = load_inputs(nfiles, files, &in);
  sslvdir_iisconfig *cfg = in.cfg;
  sslvdir_settings *st = in.st;
  sslvdir_plan *p = NULL;
  sslvdir_error e = {0};
  if (!rc && (rc = sslvdir_plan_new(&p, cfg, in.nregs ? st : NULL, version, &e)))
    rc = fail("plan", rc, &e);
  if (!rc && server && (rc = sslvdir_plan_set_outlook_anywhere(p, server, ext, auth, &e)))
    rc = fail("plan", rc, &e);
  for (int i = 0; !rc && i < nwants; i++)
    if ((rc = sslvdir_plan_want(p, wants[i], up[i], &e)))
      rc = fail(wants[i], rc, &e);
  if (!rc && (rc = sslvdir_plan_build(p, iisreset ? SSLVDIR_PLAN_IISRESET : 0, &e)))
    rc = fail("plan", rc, &e);
  /* Outlook Anywhere's steps name the server (Set-OutlookAnywhere -Identity
   * SERVER\\Rpc*): without --server they would name one that is not there,
   * so the plan is refused and says what to set. */
  for (size_t i = 0; !rc && !server && p && i < sslvdir_plan_step_count(p); i++) {
    int kind;
    if (!sslvdir_plan_step(p, i, form, &kind, NULL, NULL, NULL) && kind == SSLVDIR_STEP_EXCHANGE) {
      rc = need_server();
    }
  }
  if (!rc) {
    static const char *const kinds[] = {"", "exchange", "registry", "sslflags", "recycle"};
    if (json)
      printf("[");
    for (size_t i = 0; i < sslvdir_plan_step_count(p); i++) {
      int kind;
      const char *target, *text, *why, *other;
      if (sslvdir_plan_step(p, i, form, &kind, &target, &text, &why) ||
          sslvdir_plan_step(p, i, form == SSLVDIR_PLAN_FORM_APPCMD ? SSLVDIR_PLAN_FORM_POWERSHELL
                                                             : SSLVDIR_PLAN_FORM_APPCMD,
                            NULL, NULL, &other, NULL))
        continue;
      if (json) {
        printf("%s{\"kind\": \"%s\", \"target\": ", i ? ", " : "", kinds[kind]);
        json_string(stdout, target);
        printf(", \"appcmd\": ");
        json_string(stdout, form == SSLVDIR_PLAN_FORM_APPCMD ? text : other);
        printf(", \"powershell\": ");
        json_string(stdout, form == SSLVDIR_PLAN_FORM_APPCMD ? other : text);
        printf(", \"why\": ");
        json_string(stdout, why);
        printf("}");
      } else {
        printf("%s\n", text);
      }
    }
    if (json)
      printf("]\n");
    /* A comment in both forms (they run in PowerShell): every cumulative
     * update puts the vdirs' sslFlags back as Setup writes them. */
    int offloads = 0;
    for (int i = 0; i < nwants; i++)
      offloads |= up[i] == SSLVDIR_UPSTREAM_OFFLOAD;
    if (!json && offloads)
      printf("# Every Exchange cumulative update undoes these settings: perform these steps again "
             "after each one (Configuring SSL offloading in Exchange 2013).\n");
    if (reg_out) {
      sslvdir_regfile *r;
      int prc = sslvdir_plan_registry(p, &r, &e);
      if (prc == SSLVDIR_OK) {
        size_t n = 0;
        char *buf = NULL;
        if (sslvdir_regfile_write(r, 0, NULL, 0, &n) != SSLVDIR_E_BUFFER_TOO_SMALL ||
            !(buf = malloc(n)) || sslvdir_regfile_write(r, 0, buf, n, &n)) {
          rc = fail(reg_out, SSLVDIR_E_NOMEM, NULL);
        } else {
          FILE *f = fopen(reg_out, "wb");
          if (!f || fwrite(buf, 1, n, f) != n) {
            errorc("io", "%s: %s", reg_out, strerror(errno));
            rc = 1;
          }
          if (f && fclose(f) && !rc) {
            errorc("io", "%s: %s", reg_out, strerror(errno));
            rc = 1;
          }
        }
        free(buf);
        sslvdir_regfile_free(r);
      } else {
        errorc("usage", "%s: %s; no file written", reg_out, e.message);
      }
    }
  }
  sslvdir_plan_free(p);
  free_inputs(&in);
  return rc;
}

int cmd_config(int argc, char **argv) {
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
    return help("config show") + help("config set") + help("config plan");
  if (argc < 2) {
    fprintf(stderr, "%s: config needs show, set or plan\n", prog);
    return EXIT_USAGE;
  }
  if (!strcmp(argv[1], "show")) return config_show(argc - 1, argv + 1);
  if (!strcmp(argv[1], "set")) return config_set(argc - 1, argv + 1);
  if (!strcmp(argv[1], "plan")) return config_plan(argc - 1, argv + 1);
  errorc("usage", "unknown config command '%s'", argv[1]);
  return EXIT_USAGE;
}
