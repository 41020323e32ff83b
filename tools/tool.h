/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * What the sslvdir command's files share. */
#ifndef SSLVDIR_TOOLS_TOOL_H
#define SSLVDIR_TOOLS_TOOL_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <sslvdir/sslvdir.h>

#define EXIT_USAGE 2
/* A check found a problem (as sslvdir audit's errors): cert check,
 * cipher-bits, autodiscover check-redirect. */
#define EXIT_PROBLEM 4
#define MAX_LIST 32

extern const char *prog;

/* The options that choose a policy: --preset or --policy, --host,
 * --offloader, --ad-domain, --iisconfig, --registry, and the preset's options
 * --redirect and --extended-protection on|off. */
struct policy_opts {
  const char *preset;
  unsigned preset_options; /* SSLVDIR_PRESET_* */
  const char *policy;
  const char *hosts[MAX_LIST];
  int nhosts;
  const char *offloaders[MAX_LIST];
  int noffloaders;
  /* What every --offloader of the command guarantees about the cipher. */
  const char *offloader_cipher_bits, *offloader_cipher_header;
  const char *ad_domains[MAX_LIST];
  int nad;
  const char *iisconfig;        /* applicationHost.config: the backend state */
  const char *regs[MAX_LIST];   /* .reg exports applied to the settings */
  int nregs;
};

/* Options: every subcommand reads its arguments with getopt_long, so
 * "--opt value" and "--opt=value" are the same, options and operands may
 * come in any order, "--" ends the options, and -h/--help prints the
 * subcommand's usage. The long options several subcommands share have
 * these ids (a subcommand's own options count up from OPT_LOCAL). */
enum {
  OPT_JSON = 0x100,
  /* policy_option() */
  OPT_PRESET, OPT_POLICY, OPT_HOST, OPT_OFFLOADER, OPT_OFFLOADER_CIPHER_BITS,
  OPT_OFFLOADER_CIPHER_HEADER, OPT_AD_DOMAIN, OPT_IISCONFIG, OPT_REGISTRY, OPT_REDIRECT,
  OPT_EXTENDED_PROTECTION,
  /* cert_option() */
  OPT_PASSWORD, OPT_PASSWORD_FILE, OPT_CA, OPT_CRL, OPT_SYSTEM_CA, OPT_TIME,
  OPT_EXCHANGE_VERSION,
  OPT_LOCAL = 0x200
};

/* One name per concept; the second spelling of each is an alias kept for
 * the commands written before the names were made one. */
#define LONGOPT_IISCONFIG \
  {"iisconfig", required_argument, NULL, OPT_IISCONFIG}, \
  {"config", required_argument, NULL, OPT_IISCONFIG}
#define LONGOPT_REGISTRY \
  {"registry", required_argument, NULL, OPT_REGISTRY}, {"reg", required_argument, NULL, OPT_REGISTRY}
#define LONGOPT_EXCHANGE_VERSION \
  {"exchange-version", required_argument, NULL, OPT_EXCHANGE_VERSION}, \
  {"exchange", required_argument, NULL, OPT_EXCHANGE_VERSION}
#define LONGOPT_JSON {"json", no_argument, NULL, OPT_JSON}, {"help", no_argument, NULL, 'h'}
#define LONGOPT_END {NULL, 0, NULL, 0}

/* The options policy_option() takes. */
#define LONGOPTS_POLICY \
  {"preset", required_argument, NULL, OPT_PRESET}, \
  {"policy", required_argument, NULL, OPT_POLICY}, \
  {"host", required_argument, NULL, OPT_HOST}, {"namespace", required_argument, NULL, OPT_HOST}, \
  {"offloader", required_argument, NULL, OPT_OFFLOADER}, \
  {"offloader-cipher-bits", required_argument, NULL, OPT_OFFLOADER_CIPHER_BITS}, \
  {"offloader-cipher-header", required_argument, NULL, OPT_OFFLOADER_CIPHER_HEADER}, \
  {"ad-domain", required_argument, NULL, OPT_AD_DOMAIN}, \
  {"redirect", no_argument, NULL, OPT_REDIRECT}, \
  {"extended-protection", required_argument, NULL, OPT_EXTENDED_PROTECTION}, \
  LONGOPT_IISCONFIG, LONGOPT_REGISTRY
/* The options cert_option() takes. */
#define LONGOPTS_CERT \
  {"password", required_argument, NULL, OPT_PASSWORD}, \
  {"password-file", required_argument, NULL, OPT_PASSWORD_FILE}, \
  {"ca", required_argument, NULL, OPT_CA}, \
  {"crl", required_argument, NULL, OPT_CRL}, \
  {"system-ca", no_argument, NULL, OPT_SYSTEM_CA}, \
  {"time", required_argument, NULL, OPT_TIME}

/* The next option of the subcommand cmd ("eval", "config plan"), as
 * getopt_long returns it: -1 at the end, '?' for an unknown option or a
 * missing value (said, with the subcommand's --help to read). The caller
 * sets optind = 0 before its first call. */
int next_option(int argc, char **argv, const char *shortopts, const struct option *longopts,
                const char *cmd);
/* -h/--help: the usage of cmd on stdout; returns 0. */
int help(const char *cmd);
/* The whole usage, on f. */
void usage(FILE *f);

/* Errors. With --json anywhere on the command line (json_errors), each
 * error is written to stderr as one line holding one JSON object,
 * {"error": {"code": "...", "message": "..."}}, instead of
 * "sslvdir: message"; the exit status is the same either way. */
extern int json_errors;
/* Makes stderr write its lines as those JSON objects; 0, or -1. */
int errors_to_json(void);
/* An error of the command line or of an argument (code "usage"). */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error with its code ("not-found", "io", ...). */
void errorc(const char *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "sslvdir: WHAT: message" and returns the exit status for rc. */
/* The library status rc as a JSON error code ("unknown-name", "io"...). */
const char *status_code(int rc);
int fail(const char *what, int rc, const sslvdir_error *e);
/* Applies the policy option id (OPT_PRESET ... OPT_EXTENDED_PROTECTION)
 * with its value arg: 1 if it was one, 0 if not, -1 on error (said). */
int policy_option(struct policy_opts *o, int id, char *arg);
/* Builds the policy the options name; returns 0 or an exit status. */
int load_policy(const struct policy_opts *o, sslvdir_policy **out);
/* The Exchange version arg names (2007 ... 2019, or SE, which is 2025):
 * 0, or -1 (said). */
int exchange_version_value(const char *arg, unsigned *version);
/* Appends arg to list (at most MAX_LIST); 0, or -1 (said). */
int list_option(const char *opt, const char **list, int *n, const char *arg);

/* The options that name a certificate's password and a trust store:
 * --password, --password-file, --ca, --crl, --system-ca, --time. */
struct cert_opts {
  char password[1024];
  int has_password;
  const char *cas[MAX_LIST];
  int ncas;
  const char *crls[MAX_LIST];
  int ncrls;
  int system_ca;
  int64_t now; /* 0: now */
};

/* Applies the certificate option id (OPT_PASSWORD ... OPT_TIME) with its
 * value arg: 1 if it was one, 0 if not, -1 on error (said). */
int cert_option(struct cert_opts *o, int id, const char *arg);
/* The trust store the options name (*out NULL when none); 0 or an exit
 * status (*out, when set, is the caller's to free either way). */
int load_trust(const struct cert_opts *o, sslvdir_trust **out);
/* Loads a certificate with the options' password; 0 or an exit status. */
int load_cert(const struct cert_opts *o, const char *file, sslvdir_cert **out);
/* Splits "a,b c" into names[*n...], the strings kept in store. */
int split_names(const char *list, char *store, size_t size, const char **names, int *n, int max);

int cmd_audit(int argc, char **argv);
int cmd_autodiscover(int argc, char **argv);
int cmd_cert(int argc, char **argv);
int cmd_cipher_bits(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_haproxy_maps(int argc, char **argv);

#endif
