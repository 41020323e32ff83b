/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * sslvdir cert show|check, and sslvdir cipher-bits: certificates as
 * Exchange admins read them, checked against the namespace plan.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "json.h"
#include "tool.h"

static int read_password_file(const char *file, char *out, size_t size) {
  FILE *f = fopen(file, "r");
  if (!f) {
    errorc("usage", "%s: %s", file, strerror(errno));
    return EXIT_USAGE;
  }
  if (!fgets(out, (int)size, f))
    out[0] = '\0';
  fclose(f);
  out[strcspn(out, "\r\n")] = '\0';
  return 0;
}

int cert_option(struct cert_opts *o, int id, const char *v) {
  switch (id) {
  case OPT_PASSWORD:
    snprintf(o->password, sizeof o->password, "%s", v);
    o->has_password = 1;
    return 1;
  case OPT_PASSWORD_FILE:
    if (read_password_file(v, o->password, sizeof o->password))
      return -1;
    o->has_password = 1;
    return 1;
  case OPT_CA: return list_option("--ca", o->cas, &o->ncas, v) ? -1 : 1;
  case OPT_CRL: return list_option("--crl", o->crls, &o->ncrls, v) ? -1 : 1;
  case OPT_SYSTEM_CA: o->system_ca = 1; return 1;
  case OPT_TIME: {
    char *end;
    errno = 0;
    long long t = strtoll(v, &end, 10);
    if (errno || !*v || *end || t <= 0) {
      fprintf(stderr, "%s: --time takes seconds since the epoch\n", prog);
      return -1;
    }
    o->now = (int64_t)t;
    return 1;
  }
  default:
    return 0;
  }
}

int load_trust(const struct cert_opts *o, sslvdir_trust **out) {
  sslvdir_error e = {0};
  int rc;
  *out = NULL;
  if (!o->ncas && !o->system_ca) {
    if (o->ncrls) {
      fprintf(stderr, "%s: --crl needs --ca or --system-ca (the CA that signed it)\n", prog);
      return EXIT_USAGE;
    }
    return 0;
  }
  if ((rc = sslvdir_trust_new(out, &e)))
    return fail("trust", rc, &e);
  if (o->system_ca && (rc = sslvdir_trust_add_system(*out, NULL, &e)))
    return fail("--system-ca", rc, &e);
  for (int i = 0; i < o->ncas; i++)
    if ((rc = sslvdir_trust_add_ca_file(*out, o->cas[i], NULL, &e)))
      return fail(o->cas[i], rc, &e);
  for (int i = 0; i < o->ncrls; i++)
    if ((rc = sslvdir_trust_add_crl_file(*out, o->crls[i], NULL, &e)))
      return fail(o->crls[i], rc, &e);
  return 0;
}

int load_cert(const struct cert_opts *o, const char *file, sslvdir_cert **out) {
  sslvdir_error e = {0};
  int rc = sslvdir_cert_load(out, file, o->has_password ? o->password : NULL, &e);
  return rc ? fail(file, rc, &e) : 0;
}

static void print_time(int64_t t, int json) {
  char buf[64];
  struct tm tm;
  time_t tt = (time_t)t;
  if (t == INT64_MAX) {
    printf(json ? "null" : "never (no well-defined expiration)");
    return;
  }
  if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, json ? "%Y-%m-%dT%H:%M:%SZ"
                                                              : "%Y-%m-%d %H:%M:%S UTC", &tm))
    snprintf(buf, sizeof buf, "%" PRId64, t);
  if (json)
    json_string(stdout, buf);
  else
    fputs(buf, stdout);
}

static const char *format_name(int f) {
  return f == SSLVDIR_CERT_FORMAT_PEM ? "pem" : f == SSLVDIR_CERT_FORMAT_DER ? "der" : "pkcs12";
}

static void show_one_text(const sslvdir_cert *c, size_t i, const char *key, unsigned bits,
                          int64_t nb, int64_t na);

/* One certificate of a chain, as JSON or as text. */
static void show_one(const sslvdir_cert *c, size_t i, int json) {
  int64_t nb = 0, na = 0;
  unsigned bits;
  const char *key = sslvdir_cert_key(c, i, &bits);
  if (sslvdir_cert_validity(c, i, &nb, &na))
    nb = na = 0;
  if (!json) {
    show_one_text(c, i, key, bits, nb, na);
    return;
  }
  printf("{\"subject\": ");
  json_string(stdout, sslvdir_cert_subject(c, i));
  printf(", \"common_name\": ");
  json_string(stdout, sslvdir_cert_common_name(c, i));
  printf(", \"issuer\": ");
  json_string(stdout, sslvdir_cert_issuer(c, i));
  printf(", \"serial\": \"%s\", \"thumbprint\": \"%s\", \"not_before\": ",
         sslvdir_cert_serial(c, i), sslvdir_cert_thumbprint(c, i));
  print_time(nb, 1);
  printf(", \"not_after\": ");
  print_time(na, 1);
  printf(", \"key\": ");
  json_string(stdout, key);
  printf(", \"key_bits\": %u, \"signature\": ", bits);
  json_string(stdout, sslvdir_cert_signature_algorithm(c, i));
  printf(", \"self_signed\": %s, \"names\": [", sslvdir_cert_self_signed(c, i) ? "true" : "false");
  for (size_t k = 0; k < sslvdir_cert_san_count(c, i); k++) {
    int t;
    const char *v;
    if (sslvdir_cert_san(c, i, k, &t, &v))
      continue;
    printf("%s{\"type\": \"%s\", \"value\": ", k ? ", " : "", t == SSLVDIR_SAN_IP ? "ip" : "dns");
    json_string(stdout, v);
    printf("}");
  }
  printf("]}");
}

static void show_one_text(const sslvdir_cert *c, size_t i, const char *key, unsigned bits,
                          int64_t nb, int64_t na) {
  printf("certificate %zu: %s\n", i, sslvdir_cert_subject(c, i));
  printf("  issuer:      %s\n", sslvdir_cert_issuer(c, i));
  printf("  serial:      %s\n", sslvdir_cert_serial(c, i));
  printf("  thumbprint:  %s\n", sslvdir_cert_thumbprint(c, i));
  printf("  valid:       ");
  print_time(nb, 0);
  printf(" to ");
  print_time(na, 0);
  printf("\n  key:         %s %u bits\n", key, bits);
  printf("  signature:   %s\n", sslvdir_cert_signature_algorithm(c, i));
  printf("  self-signed: %s\n", sslvdir_cert_self_signed(c, i) ? "yes" : "no");
  printf("  names:      ");
  if (!sslvdir_cert_san_count(c, i))
    printf(" (none)");
  for (size_t k = 0; k < sslvdir_cert_san_count(c, i); k++) {
    int t;
    const char *v;
    if (!sslvdir_cert_san(c, i, k, &t, &v))
      printf("%s %s:%s", k ? "," : "", t == SSLVDIR_SAN_IP ? "IP" : "DNS", v);
  }
  printf("\n");
}

static int cert_show(int argc, char **argv) {
  static const struct option lo[] = {LONGOPT_JSON, LONGOPTS_CERT, LONGOPT_END};
  struct cert_opts o;
  memset(&o, 0, sizeof o);
  int json = 0, opt;
  const char *file = NULL;
  optind = 0;
  while ((opt = next_option(argc, argv, "h", lo, "cert show")) != -1) {
    int r = cert_option(&o, opt, optarg);
    if (r < 0)
      return EXIT_USAGE;
    if (r)
      continue;
    if (opt == 'h')
      return help("cert show");
    if (opt != OPT_JSON)
      return EXIT_USAGE;
    json = 1;
  }
  for (int i = optind; i < argc; i++) {
    if (file) {
      errorc("usage", "cert show: unexpected '%s'", argv[i]);
      return EXIT_USAGE;
    }
    file = argv[i];
  }
  if (!file) {
    fprintf(stderr, "%s: cert show: name a certificate file\n", prog);
    return EXIT_USAGE;
  }
  sslvdir_cert *c;
  int rc = load_cert(&o, file, &c);
  if (rc)
    return rc;
  if (json) {
    printf("{\"format\": \"%s\", \"wildcard\": %s, \"chain\": [", format_name(sslvdir_cert_format_of(c)),
           sslvdir_cert_has_wildcard(c) ? "true" : "false");
    for (size_t i = 0; i < sslvdir_cert_count(c); i++) {
      printf("%s", i ? ", " : "");
      show_one(c, i, 1);
    }
    printf("]}\n");
  } else {
    printf("format: %s, %zu certificate%s\n", format_name(sslvdir_cert_format_of(c)),
           sslvdir_cert_count(c), sslvdir_cert_count(c) == 1 ? "" : "s");
    for (size_t i = 0; i < sslvdir_cert_count(c); i++)
      show_one(c, i, 0);
    if (sslvdir_cert_has_wildcard(c))
      printf("note: a wildcard certificate: Windows Mobile 5.0 devices refuse it\n");
  }
  sslvdir_cert_free(c);
  return 0;
}

/* Splits "a,b,c" into hosts (pointers into a copy kept in store). */
int split_names(const char *list, char *store, size_t size, const char **names, int *n, int max) {
  snprintf(store, size, "%s", list);
  for (char *tok = strtok(store, ", "); tok; tok = strtok(NULL, ", ")) {
    if (*n >= max) {
      fprintf(stderr, "%s: at most %d names\n", prog, max);
      return EXIT_USAGE;
    }
    names[(*n)++] = tok;
  }
  return 0;
}

static const char *problem_names(unsigned p, char *buf, size_t size) {
  static const struct { unsigned bit; const char *name; } m[] = {
    {SSLVDIR_CERT_PROBLEM_UNTRUSTED, "untrusted"}, {SSLVDIR_CERT_PROBLEM_INVALID, "invalid"},
    {SSLVDIR_CERT_PROBLEM_EXPIRED, "expired"}, {SSLVDIR_CERT_PROBLEM_NOT_YET_VALID, "not-yet-valid"},
    {SSLVDIR_CERT_PROBLEM_REVOKED, "revoked"}, {SSLVDIR_CERT_PROBLEM_NAME, "name"}};
  buf[0] = '\0';
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
    if (p & m[i].bit)
      snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "," : "", m[i].name);
  return buf;
}

static const char *iis_status(sslvdir_cert_status s) {
  switch (s) {
  case SSLVDIR_CERT_STATUS_OK: return "";
  case SSLVDIR_CERT_STATUS_REVOKED: return "403.13";
  case SSLVDIR_CERT_STATUS_EXPIRED: return "403.17";
  default: return "403.16";
  }
}

static int cert_check(int argc, char **argv) {
  static const struct option lo[] = {
    LONGOPT_JSON, LONGOPTS_CERT,
    {"policy", required_argument, NULL, OPT_POLICY},
    {"host", required_argument, NULL, OPT_HOST},
    {"namespace", required_argument, NULL, OPT_HOST},
    LONGOPT_END};
  struct cert_opts o;
  memset(&o, 0, sizeof o);
  int json = 0, nhosts = 0, opt;
  const char *file = NULL, *policy_file = NULL, *hosts[MAX_LIST * 4];
  char store[MAX_LIST][1024];
  int nstore = 0;
  optind = 0;
  while ((opt = next_option(argc, argv, "h", lo, "cert check")) != -1) {
    int r = cert_option(&o, opt, optarg);
    if (r < 0)
      return EXIT_USAGE;
    if (r)
      continue;
    switch (opt) {
    case 'h': return help("cert check");
    case OPT_JSON: json = 1; break;
    case OPT_POLICY: policy_file = optarg; break;
    case OPT_HOST:
      if (nstore >= MAX_LIST ||
          split_names(optarg, store[nstore++], sizeof store[0], hosts, &nhosts, MAX_LIST * 4))
        return EXIT_USAGE;
      break;
    default:
      return EXIT_USAGE;
    }
  }
  for (int i = optind; i < argc; i++) {
    if (file) {
      errorc("usage", "cert check: unexpected '%s'", argv[i]);
      return EXIT_USAGE;
    }
    file = argv[i];
  }
  if (!file || (!nhosts && !policy_file && !o.ncas && !o.system_ca)) {
    fprintf(stderr, "%s: cert check: name a certificate file, and --host, --policy or --ca\n",
            prog);
    return EXIT_USAGE;
  }
  /* A policy's names: every host of its sites (but a plain-HTTP redirect
   * site's) and autodiscover.DOMAIN for each of its Autodiscover domains. */
  sslvdir_policy *pol = NULL;
  static char adhosts[MAX_LIST][300];
  if (policy_file) {
    struct policy_opts po;
    memset(&po, 0, sizeof po);
    po.policy = policy_file;
    int rc = load_policy(&po, &pol);
    if (rc)
      return rc;
    for (size_t i = 0; i < sslvdir_policy_site_count(pol); i++) {
      const sslvdir_site *site = sslvdir_policy_site(pol, i);
      for (size_t k = 0; !sslvdir_site_autodiscover_redirect(site) &&
                         k < sslvdir_site_host_count(site) && nhosts < MAX_LIST * 4; k++)
        hosts[nhosts++] = sslvdir_site_host(site, k);
    }
    const char *domain;
    for (size_t i = 0; i < MAX_LIST && nhosts < MAX_LIST * 4 &&
                       !sslvdir_autodiscover_domain_rule(pol, NULL, i, &domain, NULL, NULL, NULL);
         i++) {
      snprintf(adhosts[i], sizeof adhosts[i], "autodiscover.%s", domain);
      int seen = 0;
      for (int k = 0; k < nhosts; k++)
        seen |= !strcmp(hosts[k], adhosts[i]);
      if (!seen)
        hosts[nhosts++] = adhosts[i];
    }
  }
  sslvdir_cert *c;
  sslvdir_trust *t;
  int rc = load_cert(&o, file, &c);
  if (rc) {
    sslvdir_policy_unref(pol);
    return rc;
  }
  if ((rc = load_trust(&o, &t))) {
    sslvdir_trust_free(t);
    sslvdir_cert_free(c);
    sslvdir_policy_unref(pol);
    return rc;
  }
  /* The chain is verified before anything is printed: a failure to verify
   * leaves no half-written answer. */
  unsigned p = 0;
  sslvdir_error e = {0};
  if (t && (rc = sslvdir_trust_verify(t, c, NULL, 0, o.now, &p, &e))) {
    sslvdir_trust_free(t);
    sslvdir_cert_free(c);
    sslvdir_policy_unref(pol);
    return fail("verify", rc, &e);
  }
  int bad = 0;
  if (json)
    printf("{\"thumbprint\": \"%s\", \"hosts\": [", sslvdir_cert_thumbprint(c, 0));
  for (int i = 0; i < nhosts; i++) {
    const char *by;
    int cov;
    int rc_cov = sslvdir_cert_covers(c, hosts[i], strlen(hosts[i]), &cov, &by);
    bad |= !cov;
    if (json) {
      printf("%s{\"host\": ", i ? ", " : "");
      json_string(stdout, hosts[i]);
      printf(", \"covered\": %s, \"by\": ", cov ? "true" : "false");
      json_string(stdout, by);
      printf("}");
    } else if (cov) {
      printf("%s: covered by %s\n", hosts[i], by);
    } else {
      /* Say so when the name is only in the CN, which no longer counts. */
      const char *cn = sslvdir_cert_common_name(c, 0);
      size_t hl = strlen(hosts[i]);
      if (hl && hosts[i][hl - 1] == '.')
        hl--;
      int in_cn = rc_cov == SSLVDIR_OK && cn && strlen(cn) == hl && !strncasecmp(cn, hosts[i], hl);
      printf("%s: NOT covered%s\n", hosts[i], rc_cov < 0 ? " (not a host name)"
             : in_cn ? " (only in the subject's CN, which RFC 9525 ignores: put it in the SAN)"
                     : "");
    }
  }
  if (json)
    printf("], \"wildcard\": %s", sslvdir_cert_has_wildcard(c) ? "true" : "false");
  else if (sslvdir_cert_has_wildcard(c))
    printf("note: a wildcard certificate: Windows Mobile 5.0 devices refuse it\n");
  if (t) {
    char names[128];
    sslvdir_cert_status st = sslvdir_trust_status(p);
    bad |= p != 0;
    if (json) {
      printf(", \"chain\": {\"trusted\": %s, \"problems\": \"%s\", \"iis_status\": ",
             p ? "false" : "true", problem_names(p, names, sizeof names));
      json_string(stdout, p ? iis_status(st) : NULL);
      printf(", \"message\": ");
      json_string(stdout, e.message);
      printf("}");
    } else if (p) {
      printf("chain: NOT trusted (%s; as a client certificate: %s): %s\n",
             problem_names(p, names, sizeof names), iis_status(st), e.message);
    } else {
      printf("chain: trusted\n");
    }
  }
  if (json)
    printf(", \"ok\": %s}\n", bad ? "false" : "true");
  sslvdir_trust_free(t);
  sslvdir_cert_free(c);
  sslvdir_policy_unref(pol);
  return bad ? EXIT_PROBLEM : 0;
}

int cmd_cert(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "show"))
    return cert_show(argc - 1, argv + 1);
  if (argc >= 2 && !strcmp(argv[1], "check"))
    return cert_check(argc - 1, argv + 1);
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
    return help("cert show") + help("cert check");
  fprintf(stderr, "%s: cert show|check (see sslvdir(1))\n", prog);
  return EXIT_USAGE;
}

int cmd_cipher_bits(int argc, char **argv) {
  static const struct option lo[] = {LONGOPT_JSON, LONGOPT_END};
  int json = 0, bad = 0, n = 0, c;
  optind = 0;
  while ((c = next_option(argc, argv, "h", lo, "cipher-bits")) != -1) {
    if (c == 'h')
      return help("cipher-bits");
    if (c != OPT_JSON)
      return EXIT_USAGE;
    json = 1;
  }
  if (optind >= argc) {
    fprintf(stderr, "%s: cipher-bits needs a cipher suite name (see '%s cipher-bits --help')\n",
            prog, prog);
    return EXIT_USAGE;
  }
  if (json)
    printf("[");
  for (int i = optind; i < argc; i++) {
    unsigned bits;
    int rc = sslvdir_tls_cipher_bits(argv[i], strlen(argv[i]), &bits);
    bad |= rc != 0;
    if (json) {
      printf("%s{\"cipher\": ", n ? ", " : "");
      json_string(stdout, argv[i]);
      if (rc)
        printf(", \"bits\": null}");
      else
        printf(", \"bits\": %u}", bits);
    } else if (rc) {
      printf("%s: unknown (%s): 403.5 where Ssl128 is required\n", argv[i], sslvdir_strerror(rc));
    } else {
      printf("%s: %u bits%s\n", argv[i], bits, bits < 128 ? ": 403.5 where Ssl128 is required" : "");
    }
    n++;
  }
  if (json)
    printf("]\n");
  return bad ? EXIT_PROBLEM : 0;
}
