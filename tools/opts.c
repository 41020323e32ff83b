/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * What every sslvdir subcommand shares about its command line: getopt_long
 * with the subcommand named in its messages, each subcommand's usage for
 * --help, and errors as text or, with --json, as JSON. See sslvdir(1).
 */
#define _GNU_SOURCE /* fopencookie */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "tool.h"

/* The options that choose a policy, as each synopsis writes them. */
#define POLICY_SYNOPSIS                                                                       \
  "               [--preset NAME [--redirect] [--extended-protection on|off] | --policy FILE]\n" \
  "               [--host NAME[,NAME...]]... [--ad-domain DOMAIN]... [--offloader CIDR]...\n"   \
  "               [--offloader-cipher-bits N] [--offloader-cipher-header NAME]\n"             \
  "               [--iisconfig applicationHost.config] [--registry FILE.reg]...\n"

/* Each subcommand's usage, what --help prints. */
static const struct {
  const char *cmd, *text;
} usages[] = {
  {"eval", "sslvdir eval [--json] [--tls] [--cipher-bits N]\n"
           "               [--client-cert ok|missing|untrusted|expired|revoked]\n"
           "               [--peer ADDR] [-H|--header 'Name: value']...\n" POLICY_SYNOPSIS
           "               METHOD URL\n"},
  {"show", "sslvdir show [--json]\n" POLICY_SYNOPSIS},
  {"rewrite-header", "sslvdir rewrite-header [--json] [--vdir 'Site/path']\n" POLICY_SYNOPSIS
                     "               'Name: value'...\n"},
  {"rewrite-body", "sslvdir rewrite-body [--replace FROM TO]... [--types LIST]\n"
                   "               [--content-type TYPE] [--content-encoding CODING]\n"
                   "               [--chunk BYTES] [--stats]\n" POLICY_SYNOPSIS
                   "               < IN > OUT\n"},
  {"autodiscover", "sslvdir autodiscover respond|json|redirect|candidates|check-redirect\n"
                   "               [--json] [--internal] [--spec-spelling] [--mobilesync]\n"
                   "               [--time-us MICROSECONDS] [--url [STATUS] URL]... [--addr ADDRESS]...\n"
                   POLICY_SYNOPSIS
                   "               [ARGUMENT]\n"
                   "       respond < REQUEST.xml; json TARGET|QUERY; redirect --url URL | --addr ADDRESS;\n"
                   "       candidates EMAIL; check-redirect EMAIL (--url STATUS URL | --addr ADDRESS)...\n"},
  {"config show", "sslvdir config show [--json] applicationHost.config|FILE.reg...\n"},
  {"config set", "sslvdir config set [--dry-run] [--json] FILE 'Site/vdir' sslFlags=VALUE\n"},
  {"config plan", "sslvdir config plan [--json] [--appcmd | --powershell] [--iisreset]\n"
                  "               (--offload 'Site/vdir' | --bridge 'Site/vdir')...\n"
                  "               [--exchange-version YEAR|SE] [--server NAME]\n"
                  "               [--external-host HOST [--auth Basic|Ntlm|Negotiate]]\n"
                  "               [--reg-out FILE.reg] [applicationHost.config] [FILE.reg]...\n"
                  "       (--server is needed when the plan sets Outlook Anywhere: --external-host,\n"
                  "       or a change of Site/Rpc)\n"},
  {"cert show", "sslvdir cert show [--json] [--password PW | --password-file F]\n"
                "               [--ca FILE]... [--crl FILE]... [--system-ca] [--time SECONDS] FILE\n"},
  {"cert check", "sslvdir cert check [--json] [--password PW | --password-file F]\n"
                 "               [--host NAME[,NAME...]]... [--policy FILE]\n"
                 "               [--ca FILE]... [--crl FILE]... [--system-ca] [--time SECONDS] FILE\n"},
  {"cipher-bits", "sslvdir cipher-bits [--json] SUITE...\n"},
  {"audit", "sslvdir audit [--json] [--iisconfig applicationHost.config] [--registry FILE.reg]...\n"
            "               [--cert FILE [--password PW | --password-file F]]\n"
            "               [--ca FILE]... [--crl FILE]... [--system-ca] [--time SECONDS]\n"
            "               [--host NAME[,NAME...]]... [--exchange-version YEAR|SE]\n"
            "               [--policy FILE | --preset NAME [--ad-domain DOMAIN]... [--redirect]\n"
            "                                [--extended-protection on|off]]\n"
            "               [--offloader CIDR]...\n"},
  {"haproxy-maps", "sslvdir haproxy-maps\n" POLICY_SYNOPSIS "               DIRECTORY\n"},
  {"presets", "sslvdir presets [--json]\n"},
  {"demo", "sslvdir demo [--json]\n"},
  {"version", "sslvdir version [--json]      (also: sslvdir --version, sslvdir -V)\n"},
};

static const char *const footer =
    "Aliases: --config = --iisconfig, --reg = --registry, --exchange = --exchange-version,\n"
    "--namespace = --host. An option's value is given as --opt VALUE or --opt=VALUE;\n"
    "with --json, errors are JSON on stderr. See sslvdir(1).\n";

static void print_usage(FILE *f, size_t i, const char *lead) {
  fputs(lead, f);
  fputs(usages[i].text, f);
}

void usage(FILE *f) {
  /* With --json, stderr holds errors as JSON only (see errors_to_json). */
  if (f == stderr && json_errors)
    return;
  for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++)
    print_usage(f, i, i ? "       " : "usage: ");
  fprintf(f, "       %s -h|--help, %s -V|--version\n%s", prog, prog, footer);
}

int help(const char *cmd) {
  int found = 0;
  /* "autodiscover json" and the like share one usage. */
  for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++) {
    size_t n = strlen(usages[i].cmd);
    if (!strncmp(cmd, usages[i].cmd, n) && (cmd[n] == '\0' || cmd[n] == ' ')) {
      print_usage(stdout, i, "usage: ");
      found = 1;
    }
  }
  if (!found)
    usage(stdout);
  else
    fputs(footer, stdout);
  return 0;
}

int next_option(int argc, char **argv, const char *shortopts, const struct option *longopts,
                const char *cmd) {
  /* ':' first: a missing value is told apart from an unknown option, and
   * getopt itself prints nothing (its messages do not name the subcommand). */
  char spec[32];
  int plus = shortopts[0] == '+'; /* '+' (stop at the first operand) goes first */
  snprintf(spec, sizeof spec, "%s:%s", plus ? "+" : "", shortopts + plus);
  opterr = 0;
  int prev = optind ? optind : 1, c = getopt_long(argc, argv, spec, longopts, NULL);
  if (c != '?' && c != ':')
    return c;
  /* The argument getopt stopped at: the one just passed. */
  const char *arg = optind > prev ? argv[optind - 1] : argv[prev];
  int is_long = arg && arg[0] == '-' && arg[1] == '-';
  char shortname[3] = {'-', (char)optopt, '\0'};
  if (optopt > 0 && optopt < 0x100 && !is_long)
    arg = shortname; /* one letter of a cluster such as -Hx */
  /* A prefix of two long options: getopt_long takes a unique prefix for the
   * whole name, and says no to this one. */
  int matches = 0;
  size_t nl = is_long ? strcspn(arg + 2, "=") : 0;
  for (const struct option *o = longopts; is_long && nl && o->name; o++)
    matches += !strncmp(o->name, arg + 2, nl) && (o == longopts || o[-1].val != o->val);
  /* errorc: an argument holding a newline stays one error with --json. */
  if (c == '?' && is_long && optopt && arg[2 + nl] == '=')
    errorc("usage", "%s: option '--%.*s' takes no value (see '%s %s --help')", cmd, (int)nl,
           arg + 2, prog, cmd);
  else if (c == ':')
    errorc("usage", "%s: option '%s' needs a value (see '%s %s --help')", cmd, arg, prog, cmd);
  else
    errorc("usage", "%s: %s option '%s' (see '%s %s --help')", cmd,
           matches > 1 ? "ambiguous" : "unknown", arg, prog, cmd);
  return '?';
}

int list_option(const char *opt, const char **list, int *n, const char *arg) {
  if (*n >= MAX_LIST) {
    errorc("usage", "%s: at most %d", opt, MAX_LIST);
    return -1;
  }
  list[(*n)++] = arg;
  return 0;
}

int exchange_version_value(const char *v, unsigned *version) {
  sslvdir_error e = {0};
  if (!sslvdir_exchange_version_parse(v, strlen(v), version, &e))
    return 0;
  errorc("usage", "--exchange-version: %s", e.message);
  return -1;
}

/* ---------------------------------------------------------------- errors */

int json_errors;

/* The library's status as an error code: the name of SSLVDIR_E_*, in the
 * lower case and dashes of the JSON answers' codes. */
const char *status_code(int rc) {
  static const char *const names[] = {
    "ok", "invalid-argument", "nomem", "syntax", "unknown-name", "duplicate", "not-found",
    "range", "inconsistent", "io", "refused", "buffer-too-small", "type", "callback", "password"};
  return rc <= 0 && -rc < (int)(sizeof names / sizeof names[0]) ? names[-rc] : "error";
}

static void json_error(const char *code, const char *msg);
static void flush_line(void);
static size_t line_len;

/* Writes msg as one line of text: its control bytes as \n, \r, \t or
 * \xNN. Messages quote values from the command line and from input files
 * (--host $'a\nb', a header name), and stderr goes to logs and terminals:
 * a raw CR or LF there would start a line the value chose, as if the
 * command had written it. (The library escapes its own messages the same
 * way; the command's are escaped here.) */
static void text_error(const char *msg) {
  static const char hex[] = "0123456789abcdef";
  fprintf(stderr, "%s: ", prog);
  for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
    if (*p == '\n' || *p == '\r' || *p == '\t')
      fprintf(stderr, "\\%c", *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't');
    else if (*p < 0x20 || *p == 0x7f)
      fprintf(stderr, "\\x%c%c", hex[*p >> 4], hex[*p & 15]);
    else
      fputc(*p, stderr);
  }
  fputc('\n', stderr);
}

void errorc(const char *code, const char *fmt, ...) {
  /* One message, formatted first: a newline inside it (a value from the
   * command line) must neither end a JSON object and start a second error
   * made of the rest, nor start a line of its own in text. */
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (json_errors) {
    /* Straight to one object, not through the stream. */
    fflush(stderr); /* what was written before comes first */
    if (line_len)
      flush_line();
    json_error(code, msg);
  } else {
    text_error(msg);
  }
}

int fail(const char *what, int rc, const sslvdir_error *e) {
  const char *msg = e && e->code == rc && e->message[0] ? e->message : sslvdir_strerror(rc);
  size_t wl = strlen(what);
  /* File errors already name the file. */
  if (!strncmp(msg, what, wl) && msg[wl] == ':')
    errorc(status_code(rc), "%s", msg);
  else
    errorc(status_code(rc), "%s: %s", what, msg);
  return rc == SSLVDIR_E_NOMEM ? 1 : EXIT_USAGE;
}

/* With --json, stderr becomes this stream: every line written to it (by
 * fprintf or perror, so no message is left as text) leaves as
 * {"error": {"code": "usage", "message": ...}} on file descriptor 2, the
 * "sslvdir: " prefix dropped; errorc() writes its own object, with its
 * code. Lines are assembled here because a message may be written in
 * pieces. */
static char line[4096];

static void json_error(const char *code, const char *msg) {
  static FILE *fd2;
  if (!fd2 && !(fd2 = fdopen(2, "w")))
    return;
  fprintf(fd2, "{\"error\": {\"code\": ");
  json_string(fd2, code);
  fprintf(fd2, ", \"message\": ");
  json_string(fd2, msg);
  fprintf(fd2, "}}\n");
  fflush(fd2);
}

static void flush_line(void) {
  line[line_len] = '\0';
  const char *msg = line;
  size_t pl = strlen(prog);
  if (!strncmp(msg, prog, pl) && msg[pl] == ':' && msg[pl + 1] == ' ')
    msg += pl + 2;
  json_error("usage", msg);
  line_len = 0;
}

static ssize_t json_err_write(void *cookie, const char *buf, size_t size) {
  (void)cookie;
  for (size_t i = 0; i < size; i++) {
    if (buf[i] == '\n')
      flush_line();
    else if (line_len < sizeof line - 1)
      line[line_len++] = buf[i]; /* longer: cut, still one valid object */
  }
  return (ssize_t)size;
}

static int json_err_close(void *cookie) {
  (void)cookie;
  if (line_len)
    flush_line();
  return 0;
}

/* At exit: what is still buffered, and a last line without its newline. */
static void json_err_atexit(void) {
  fflush(stderr);
  if (line_len)
    flush_line();
}

int errors_to_json(void) {
  cookie_io_functions_t io = {NULL, json_err_write, NULL, json_err_close};
  FILE *f = fopencookie(NULL, "w", io);
  if (!f)
    return -1;
  setvbuf(f, NULL, _IOLBF, 0);
  if (atexit(json_err_atexit)) {
    fclose(f);
    return -1;
  }
  stderr = f;
  json_errors = 1;
  return 0;
}
