/* What the sslvdir command's files share. */
#ifndef SSLVDIR_TOOLS_TOOL_H
#define SSLVDIR_TOOLS_TOOL_H

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
 * --offloader, --ad-domain, --iisconfig, --reg, and the preset's options
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

void usage(FILE *f);
/* Prints "sslvdir: WHAT: message" and returns the exit status for rc. */
int fail(const char *what, int rc, const sslvdir_error *e);
/* Consumes a policy option at argv[*i]; returns 1 if it was one, -1 on error. */
int policy_option(struct policy_opts *o, int argc, char **argv, int *i);
/* Builds the policy the options name; returns 0 or an exit status. */
int load_policy(const struct policy_opts *o, sslvdir_policy **out);
/* The value of the option at argv[*i], moving *i past it; NULL (said on
 * stderr) when it is missing. */
const char *option_value(int argc, char **argv, int *i);
/* The Exchange version the option at argv[*i] names (2007 ... 2019, or SE,
 * which is 2025), moving *i past it; 0, or -1 (said on stderr). */
int exchange_version_value(int argc, char **argv, int *i, unsigned *version);
/* Appends the value of the option at argv[*i] to list (at most MAX_LIST);
 * 0, or -1 (said on stderr). */
int list_option(const char **list, int *n, int argc, char **argv, int *i);

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

/* Consumes a certificate option at argv[*i]: 1 if it was one, -1 on error. */
int cert_option(struct cert_opts *o, int argc, char **argv, int *i);
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

#endif
