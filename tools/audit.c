/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * sslvdir audit: one command that says everything wrong with a server's SSL
 * setup, most severe first, with the commands that fix it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tool.h"

/* Exit statuses: the worst finding. */
#define EXIT_WARNINGS 3
#define EXIT_ERRORS 4

static void print_text(const sslvdir_audit *a) {
  size_t n = sslvdir_audit_finding_count(a);
  int shown = 0;
  if (!n) {
    printf("No finding: nothing the documents warn about was found.\n");
    return;
  }
  for (int sev = SSLVDIR_SEVERITY_ERROR; sev >= SSLVDIR_SEVERITY_INFO; sev--) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
      int s;
      if (!sslvdir_audit_finding(a, i, &s, NULL, NULL, NULL, NULL) && s == sev)
        count++;
    }
    if (!count)
      continue;
    const char *name = sslvdir_severity_name(sev);
    printf("%s== %zu %s%s ==\n", shown++ ? "\n" : "", count,
           sev == SSLVDIR_SEVERITY_ERROR ? "error" : sev == SSLVDIR_SEVERITY_WARNING ? "warning"
                                                                                    : "note",
           count == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
      int s;
      const char *code, *obj, *why, *fix;
      if (sslvdir_audit_finding(a, i, &s, &code, &obj, &why, &fix) || s != sev)
        continue;
      printf("\n%s [%s] %s\n  %s\n", name, code, obj, why);
      if (fix[0]) {
        printf("  fix:\n");
        for (const char *l = fix; *l;) {
          size_t len = strcspn(l, "\n");
          printf("    %.*s\n", (int)len, l);
          l += len + (l[len] == '\n');
        }
      }
    }
  }
}

static void print_json(const sslvdir_audit *a) {
  size_t n = sslvdir_audit_finding_count(a);
  int worst = sslvdir_audit_worst(a);
  printf("{\"worst\": ");
  json_string(stdout, worst ? sslvdir_severity_name(worst) : NULL);
  printf(", \"findings\": [");
  for (size_t i = 0; i < n; i++) {
    int s;
    const char *code, *obj, *why, *fix;
    if (sslvdir_audit_finding(a, i, &s, &code, &obj, &why, &fix))
      continue;
    printf("%s\n  {\"severity\": \"%s\", \"code\": ", i ? "," : "", sslvdir_severity_name(s));
    json_string(stdout, code);
    printf(", \"object\": ");
    json_string(stdout, obj);
    printf(", \"explanation\": ");
    json_string(stdout, why);
    printf(", \"fix\": [");
    int k = 0;
    for (const char *l = fix; *l;) {
      size_t len = strcspn(l, "\n");
      char *line = strndup(l, len);
      printf("%s", k++ ? ", " : "");
      json_string(stdout, line ? line : "");
      free(line);
      l += len + (l[len] == '\n');
    }
    printf("]}");
  }
  printf("%s]}\n", n ? "\n" : "");
}

int cmd_audit(int argc, char **argv) {
  struct policy_opts po;
  struct cert_opts co;
  memset(&po, 0, sizeof po);
  memset(&co, 0, sizeof co);
  const char *certfile = NULL, *names[256];
  char store[MAX_LIST][1024];
  int nnames = 0, nstore = 0, json = 0, want_policy = 0;
  unsigned version = 0;
  enum { OPT_CERT = OPT_LOCAL };
  /* The policy options audit takes. --host names the namespace the audit
   * checks (the names clients connect to); with --preset it is also the
   * preset's site's host names, as for the other subcommands. */
  static const struct option lo[] = {
    LONGOPT_JSON, LONGOPTS_CERT, LONGOPT_IISCONFIG, LONGOPT_REGISTRY, LONGOPT_EXCHANGE_VERSION,
    {"cert", required_argument, NULL, OPT_CERT},
    {"host", required_argument, NULL, OPT_HOST},
    {"namespace", required_argument, NULL, OPT_HOST},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"preset", required_argument, NULL, OPT_PRESET},
    {"offloader", required_argument, NULL, OPT_OFFLOADER},
    {"ad-domain", required_argument, NULL, OPT_AD_DOMAIN},
    {"redirect", no_argument, NULL, OPT_REDIRECT},
    {"extended-protection", required_argument, NULL, OPT_EXTENDED_PROTECTION},
    LONGOPT_END};
  int c;
  optind = 0;
  while ((c = next_option(argc, argv, "h", lo, "audit")) != -1) {
    int r = cert_option(&co, c, optarg);
    if (r < 0)
      return EXIT_USAGE;
    if (r)
      continue;
    switch (c) {
    case 'h': return help("audit");
    case OPT_JSON: json = 1; break;
    case OPT_IISCONFIG:
      if (policy_option(&po, c, optarg) != 1)
        return EXIT_USAGE;
      break;
    case OPT_REGISTRY:
      if (list_option("--registry", po.regs, &po.nregs, optarg))
        return EXIT_USAGE;
      break;
    case OPT_CERT: certfile = optarg; break;
    case OPT_HOST:
      if (nstore >= MAX_LIST ||
          split_names(optarg, store[nstore++], sizeof store[0], names, &nnames, 256))
        return EXIT_USAGE;
      break;
    case OPT_EXCHANGE_VERSION:
      if (exchange_version_value(optarg, &version))
        return EXIT_USAGE;
      break;
    case OPT_POLICY: case OPT_PRESET: case OPT_OFFLOADER: case OPT_REDIRECT:
    case OPT_EXTENDED_PROTECTION: case OPT_AD_DOMAIN:
      if (policy_option(&po, c, optarg) != 1)
        return EXIT_USAGE;
      want_policy = 1;
      break;
    default:
      return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    errorc("usage", "audit: unexpected '%s'", argv[optind]);
    return EXIT_USAGE;
  }
  if (!po.iisconfig && !po.nregs && !certfile && !nnames && !want_policy) {
    fprintf(stderr, "%s: audit: give at least one of --iisconfig, --registry, --cert, --host, "
                    "--policy, --preset, --offloader\n", prog);
    return EXIT_USAGE;
  }
  sslvdir_error e = {0};
  sslvdir_audit *au = NULL;
  sslvdir_iisconfig *cfg = NULL;
  sslvdir_settings *reg = NULL;
  sslvdir_policy *pol = NULL;
  sslvdir_cert *cert = NULL;
  sslvdir_trust *trust = NULL;
  int rc, status = 0;
  if ((rc = sslvdir_audit_new(&au, &e))) {
    status = fail("audit", rc, &e);
    goto out;
  }
  if (po.iisconfig) {
    if ((rc = sslvdir_iisconfig_load(&cfg, po.iisconfig, &e))) {
      status = fail(po.iisconfig, rc, &e);
      goto out;
    }
    if ((rc = sslvdir_audit_set_config(au, cfg)))
      goto bad;
  }
  if (po.nregs) {
    if ((rc = sslvdir_settings_new(&reg, &e))) {
      status = fail("audit", rc, &e);
      goto out;
    }
    for (int i = 0; i < po.nregs; i++) {
      sslvdir_regfile *r;
      if ((rc = sslvdir_regfile_load(&r, po.regs[i], &e)) ||
          (rc = sslvdir_regfile_apply(r, reg, &e))) {
        sslvdir_regfile_free(r);
        status = fail(po.regs[i], rc, &e);
        goto out;
      }
      sslvdir_regfile_free(r);
    }
    if ((rc = sslvdir_audit_set_registry(au, reg)))
      goto bad;
  }
  if (want_policy) {
    if (po.preset) {
      /* The namespace the audit checks is the preset's site's too. */
      if (nnames > MAX_LIST) {
        fprintf(stderr, "%s: audit: --host: at most %d names with --preset\n", prog, MAX_LIST);
        status = EXIT_USAGE;
        goto out;
      }
      for (int i = 0; i < nnames; i++)
        po.hosts[po.nhosts++] = names[i];
    }
    if ((status = load_policy(&po, &pol)))
      goto out;
    if ((rc = sslvdir_audit_set_policy(au, pol)))
      goto bad;
  }
  if (certfile) {
    if ((status = load_cert(&co, certfile, &cert)))
      goto out;
    if ((rc = sslvdir_audit_set_cert(au, cert)))
      goto bad;
  }
  if ((status = load_trust(&co, &trust)))
    goto out;
  if ((rc = sslvdir_audit_set_trust(au, trust)) || (rc = sslvdir_audit_set_time(au, co.now)) ||
      (rc = sslvdir_audit_set_exchange_version(au, version)))
    goto bad;
  for (int i = 0; i < nnames; i++)
    if ((rc = sslvdir_audit_add_namespace(au, names[i], &e))) {
      status = fail("--host", rc, &e);
      goto out;
    }
  if ((rc = sslvdir_audit_run(au, &e))) {
    status = fail("audit", rc, &e);
    goto out;
  }
  if (json)
    print_json(au);
  else
    print_text(au);
  switch (sslvdir_audit_worst(au)) {
  case SSLVDIR_SEVERITY_ERROR: status = EXIT_ERRORS; break;
  case SSLVDIR_SEVERITY_WARNING: status = EXIT_WARNINGS; break;
  default: status = 0;
  }
  goto out;
bad:
  status = fail("audit", rc, NULL);
out:
  sslvdir_audit_free(au);
  sslvdir_policy_unref(pol);
  sslvdir_iisconfig_free(cfg);
  sslvdir_settings_free(reg);
  sslvdir_cert_free(cert);
  sslvdir_trust_free(trust);
  return status;
}
