/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * decide-lines: the decision for each request line read on stdin.
 *
 * Shows a policy built from named options, as the sslvdir command, Python,
 * Lua and the HAProxy plugin build theirs (sslvdir_policy_options_build():
 * a policy file, or a preset with the host names and the users' e-mail
 * domains given explicitly, since the library assumes none), and
 * sslvdir_decide() on requests given as text, one per line:
 *
 *   METHOD URL PEER [NAME: VALUE]...
 *
 * URL is absolute ("http://mail.contoso.com/owa/", its scheme is the one
 * the client used at the proxy) or origin-form ("/owa/", plain HTTP, with a
 * Host header). PEER is the address the request came from ("-" for
 * unknown). Headers are NAME: followed by one word: Host,
 * X-Forwarded-Proto, Front-End-Https and the policy's offloader cipher
 * header are used, others ignored. For each line it prints one:
 *
 *   allow UPSTREAM                 forward it (offload or bridge)
 *   redirect STATUS LOCATION       answer with that Location
 *   deny STATUS[.SUBSTATUS]        answer as IIS would (403.4, 404, ...)
 *   error MESSAGE                  the line is not a request line
 *
 * Usage:
 *   decide-lines --policy FILE [--offloader ADDRESS]... [--cipher-bits N] < requests
 *   decide-lines --preset NAME --host HOST... --ad-domain DOMAIN...
 *                [--offloader ADDRESS]... [--redirect] [--cipher-bits N] < requests
 * (and the other policy options of sslvdir eval: --site, --iisconfig,
 * --reg, --extended-protection on|off, --offloader-cipher-bits, ...).
 * --cipher-bits is the key size of the TLS connections of https URLs
 * (unknown when not given: Ssl128 vdirs then answer 403.5). The exit status
 * is 1 when a line was an error, 2 for a usage or policy error.
 *
 *   $ echo 'GET http://mail.contoso.com/owa/ 192.0.2.7' |
 *       ./decide-lines --preset exchange2016 --host mail.contoso.com --ad-domain contoso.com
 *   deny 403.4
 */
#define _POSIX_C_SOURCE 200809L /* strncasecmp() */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sslvdir/sslvdir.h>

#define LINE_MAX_LEN 8192 /* longer lines are refused, not read in whole */
#define MAX_FIELDS 64

static int usage(void) {
  fprintf(stderr, "usage: decide-lines --policy FILE [--offloader ADDRESS]... [--cipher-bits N]\n"
                  "       decide-lines --preset NAME --host HOST... --ad-domain DOMAIN...\n"
                  "                    [--offloader ADDRESS]... [--redirect] [--cipher-bits N]\n"
                  "       (and the other options of sslvdir eval that build a policy)\n");
  return 2;
}

/* The policy of the command line, or NULL (the reason on stderr). Every
 * option but --cipher-bits is a policy option, handed to the library by
 * name (sslvdir_policy_options_set()) and spelt as given, so that the
 * library's messages say "--preset needs --host": how the options go
 * together is the library's rule, the one every front end follows. */
static sslvdir_policy *build_policy(int argc, char **argv, unsigned *cipher_bits) {
  sslvdir_policy_options *po = NULL;
  sslvdir_policy *policy = NULL;
  sslvdir_error err = {0};
  int rc = sslvdir_policy_options_new(&po, &err);
  /* The options a message may name without their being given. */
  static const char *const named[] = {"--policy", "--preset", "--host", "--ad-domain",
                                      "--iisconfig", "--site", "--offloader"};
  for (size_t k = 0; rc == SSLVDIR_OK && k < sizeof named / sizeof named[0]; k++)
    rc = sslvdir_policy_options_spell(po, named[k] + 2, named[k], &err);
  for (int i = 1; rc == SSLVDIR_OK && i < argc; i++) {
    const char *arg = argv[i];
    if (strncmp(arg, "--", 2) != 0) {
      sslvdir_policy_options_free(po);
      usage();
      return NULL;
    }
    if (!strcmp(arg, "--cipher-bits") && i + 1 < argc) {
      char *end;
      unsigned long b = strtoul(argv[++i], &end, 10);
      if (*end || end == argv[i] || b > 65535) {
        fprintf(stderr, "decide-lines: --cipher-bits takes a number of bits\n");
        sslvdir_policy_options_free(po);
        return NULL;
      }
      *cipher_bits = (unsigned)b;
      continue;
    }
    /* --redirect alone is the recipe on; every other option takes a value. */
    int flag = !strcmp(arg, "--redirect");
    if (!flag && i + 1 >= argc) {
      sslvdir_policy_options_free(po);
      usage();
      return NULL;
    }
    rc = sslvdir_policy_options_spell(po, arg + 2, arg, &err);
    if (rc == SSLVDIR_OK)
      rc = sslvdir_policy_options_set(po, arg + 2, flag ? "on" : argv[++i], &err);
  }
  if (rc == SSLVDIR_OK)
    rc = sslvdir_policy_options_build(po, &policy, &err);
  sslvdir_policy_options_free(po);
  if (rc != SSLVDIR_OK)
    fprintf(stderr, "decide-lines: %s\n", err.message[0] ? err.message : sslvdir_strerror(rc));
  return policy;
}

/* Decides one line (split in place) and prints the answer; 0, or -1 when
 * the line is no request. */
static int decide_line(const sslvdir_policy *policy, unsigned cipher_bits, char *line) {
  char *f[MAX_FIELDS];
  int n = 0;
  for (char *t = strtok(line, " \t"); t; t = strtok(NULL, " \t")) {
    if (n == MAX_FIELDS) {
      printf("error more than %d words\n", MAX_FIELDS);
      return -1;
    }
    f[n++] = t;
  }
  if (n < 3) {
    printf("error expected METHOD URL PEER [NAME: VALUE]...\n");
    return -1;
  }
  sslvdir_request req = SSLVDIR_REQUEST_INIT;
  req.method = f[0];
  req.method_len = strlen(f[0]);
  /* An absolute URL is an absolute-form target: sslvdir_decide() takes the
   * host from it when no Host header says otherwise. */
  req.target = f[1];
  req.target_len = strlen(f[1]);
  if (!strncasecmp(f[1], "https://", 8)) {
    req.scheme = SSLVDIR_SCHEME_HTTPS;
    req.cipher_bits = cipher_bits;
  }
  if (strcmp(f[2], "-")) {
    req.peer = f[2];
    req.peer_len = strlen(f[2]);
  }
  const char *cipher_header = sslvdir_policy_cipher_header(policy);
  for (int i = 3; i < n; i += 2) {
    size_t nl = strlen(f[i]);
    if (nl < 2 || f[i][nl - 1] != ':' || i + 1 >= n) {
      printf("error expected a header, NAME: VALUE, at '%s'\n", f[i]);
      return -1;
    }
    nl--;
    const char *v = f[i + 1];
    if (nl == 4 && !strncasecmp(f[i], "Host", 4)) {
      req.host = v;
      req.host_len = strlen(v);
    } else if (nl == 17 && !strncasecmp(f[i], "X-Forwarded-Proto", 17)) {
      req.x_forwarded_proto = v;
      req.x_forwarded_proto_len = strlen(v);
    } else if (nl == 15 && !strncasecmp(f[i], "Front-End-Https", 15)) {
      req.front_end_https = v;
      req.front_end_https_len = strlen(v);
    } else if (cipher_header && strlen(cipher_header) == nl && !strncasecmp(f[i], cipher_header, nl)) {
      req.offload_cipher = v;
      req.offload_cipher_len = strlen(v);
    }
  }
  sslvdir_decision d; /* small: the Location is written on demand */
  d.version = SSLVDIR_DECISION_VERSION;
  int rc = sslvdir_decide(policy, &req, &d);
  if (rc != SSLVDIR_OK) {
    printf("error %s\n", sslvdir_strerror(rc));
    return -1;
  }
  switch (d.action) {
  case SSLVDIR_ACTION_ALLOW:
    printf("allow %s\n", sslvdir_upstream_name(d.upstream));
    break;
  case SSLVDIR_ACTION_REDIRECT: {
    static char location[SSLVDIR_LOCATION_BUFSZ]; /* always enough */
    rc = sslvdir_decision_location(&d, &req, location, sizeof location, NULL);
    if (rc != SSLVDIR_OK) {
      printf("error %s\n", sslvdir_strerror(rc));
      return -1;
    }
    printf("redirect %d %s\n", d.status, location);
    break;
  }
  default: /* deny, and any action a later library adds: not forwarded */
    if (d.substatus >= 0)
      printf("deny %d.%d\n", d.status, d.substatus);
    else
      printf("deny %d\n", d.status);
    break;
  }
  return 0;
}

int main(int argc, char **argv) {
  unsigned cipher_bits = 0;
  sslvdir_policy *policy = build_policy(argc, argv, &cipher_bits);
  if (!policy)
    return 2;
  static char line[LINE_MAX_LEN + 2];
  int status = 0;
  while (fgets(line, sizeof line, stdin)) {
    size_t len = strlen(line);
    if (len && line[len - 1] == '\n')
      line[--len] = '\0';
    else if (len > LINE_MAX_LEN) { /* skip the rest of an overlong line */
      int c;
      while ((c = getchar()) != EOF && c != '\n') {
      }
      printf("error a line longer than %d bytes\n", LINE_MAX_LEN);
      status = 1;
      continue;
    }
    if (len && line[len - 1] == '\r')
      line[--len] = '\0';
    if (memchr(line, '\0', len) != NULL) {
      printf("error a NUL byte in the line\n");
      status = 1;
      continue;
    }
    if (decide_line(policy, cipher_bits, line))
      status = 1;
  }
  sslvdir_policy_unref(policy);
  return status;
}
