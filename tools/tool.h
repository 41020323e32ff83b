/* What the sslvdir command's files share. */
#ifndef SSLVDIR_TOOLS_TOOL_H
#define SSLVDIR_TOOLS_TOOL_H

#include <stdio.h>

#include <sslvdir/sslvdir.h>

#define EXIT_USAGE 2
#define MAX_LIST 32

extern const char *prog;

/* The options that choose a policy: --preset or --policy, --host,
 * --offloader, --ad-domain, --iisconfig, --reg. */
struct policy_opts {
  const char *preset;
  const char *policy;
  const char *hosts[MAX_LIST];
  int nhosts;
  const char *offloaders[MAX_LIST];
  int noffloaders;
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

int cmd_autodiscover(int argc, char **argv);
int cmd_config(int argc, char **argv);

#endif
