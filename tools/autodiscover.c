/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * sslvdir autodiscover: answer a request, answer autodiscover.json, write a
 * redirect, list a client's candidates, and check a chain of redirects.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tool.h"

#define DOC_MAX (256 * 1024)

/* Prints a document, or with --json {"status":..,"content_type":..,"body":..}. */
static int print_doc(int rc, const char *doc, size_t len, int status, const char *ctype, int json) {
  if (rc)
    return fail("autodiscover", rc, NULL);
  if (json) {
    char *body = strndup(doc, len);
    if (!body)
      return fail("autodiscover", SSLVDIR_E_NOMEM, NULL);
    printf("{\"status\": %d, \"content_type\": ", status);
    json_string(stdout, ctype);
    printf(", \"body\": ");
    json_string(stdout, body);
    printf("}\n");
    free(body);
  } else {
    fwrite(doc, 1, len, stdout);
    if (len && doc[len - 1] != '\n')
      putchar('\n');
  }
  return 0;
}

static char *read_stdin(size_t *len) {
  size_t cap = 4096, n = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n, stdin)) > 0) {
    n += got;
    if (n == cap) {
      if (cap > SSLVDIR_AUTODISCOVER_MAX_BODY * 2u)
        break; /* the library refuses it anyway; no need to read on */
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        return NULL;
      }
      buf = nb;
      cap *= 2;
    }
  }
  *len = n;
  return buf;
}

struct ad_opts {
  struct policy_opts po;
  sslvdir_autodiscover_params params;
  int json;
  int mobilesync;
  const char *url, *addr;
  const char *args[MAX_LIST];
  int nargs;
  /* check-redirect steps, in order: status 0 = an address */
  struct step {
    int status;
    const char *target;
  } steps[MAX_LIST];
  int nsteps;
};

static int parse_ad_opts(struct ad_opts *o, int argc, char **argv, const char *cmd) {
  enum { OPT_INTERNAL = OPT_LOCAL, OPT_SPEC_SPELLING, OPT_MOBILESYNC, OPT_TIME_US, OPT_URL,
         OPT_ADDR };
  static const struct option lo[] = {
    LONGOPT_JSON, LONGOPTS_POLICY,
    {"internal", no_argument, NULL, OPT_INTERNAL},
    {"spec-spelling", no_argument, NULL, OPT_SPEC_SPELLING},
    {"mobilesync", no_argument, NULL, OPT_MOBILESYNC},
    {"time-us", required_argument, NULL, OPT_TIME_US},
    {"url", required_argument, NULL, OPT_URL},
    {"addr", required_argument, NULL, OPT_ADDR},
    LONGOPT_END};
  int c;
  optind = 0;
  while ((c = next_option(argc, argv, "h", lo, cmd)) != -1) {
    int r = policy_option(&o->po, c, optarg);
    if (r < 0)
      return EXIT_USAGE;
    if (r)
      continue;
    const char *v = optarg;
    switch (c) {
    case 'h': return -1;
    case OPT_JSON: o->json = 1; break;
    case OPT_INTERNAL: o->params.side = SSLVDIR_URL_INTERNAL; break;
    case OPT_SPEC_SPELLING: o->params.flags |= SSLVDIR_AUTODISCOVER_FLAG_SPEC_SPELLING; break;
    case OPT_MOBILESYNC: o->mobilesync = 1; break;
    case OPT_TIME_US: {
      char *end;
      unsigned long long t = strtoull(v, &end, 10);
      if (!*v || *end || v[0] == '-') {
        errorc("usage", "--time-us '%s': expected microseconds since the epoch", v);
        return EXIT_USAGE;
      }
      o->params.time_us = t;
      break;
    }
    case OPT_URL:
      /* check-redirect's step is --url STATUS URL: a status (digits) takes
       * the next argument as its URL, which getopt_long then steps over. */
      if (o->nsteps < MAX_LIST && optind < argc && v[0] && strspn(v, "0123456789") == strlen(v)) {
        o->steps[o->nsteps].status = atoi(v);
        o->steps[o->nsteps++].target = argv[optind++];
      } else {
        o->url = v;
      }
      break;
    case OPT_ADDR:
      o->addr = v;
      if (o->nsteps < MAX_LIST) {
        o->steps[o->nsteps].status = -1;
        o->steps[o->nsteps++].target = v;
      }
      break;
    default:
      return EXIT_USAGE;
    }
  }
  for (int i = optind; i < argc; i++) {
    if (o->nargs >= MAX_LIST) {
      fprintf(stderr, "%s: too many arguments\n", prog);
      return EXIT_USAGE;
    }
    o->args[o->nargs++] = argv[i];
  }
  return 0;
}

static int ad_respond(struct ad_opts *o) {
  if (o->nargs) {
    fprintf(stderr, "%s: autodiscover respond reads the request body from standard input\n", prog);
    return EXIT_USAGE;
  }
  sslvdir_policy *p;
  int rc = load_policy(&o->po, &p);
  if (rc)
    return rc;
  size_t len;
  char *body = read_stdin(&len), *out = malloc(DOC_MAX);
  size_t n = 0;
  if (!body || !out)
    rc = SSLVDIR_E_NOMEM;
  else
    rc = sslvdir_autodiscover_respond(p, body, len, &o->params, out, DOC_MAX, &n);
  if (!rc && !o->json) {
    /* Say on stderr why an error document was sent. */
    sslvdir_autodiscover_request req = SSLVDIR_AUTODISCOVER_REQUEST_INIT;
    sslvdir_error e = {0};
    if (sslvdir_autodiscover_parse_request(body, len, &req, &e))
      errorc("usage", "answered with error %d: %s", req.error, e.message);
  }
  int st = print_doc(rc, out, n, 200, "text/xml; charset=utf-8", o->json);
  free(body);
  free(out);
  sslvdir_policy_unref(p);
  return st;
}

static int ad_json(struct ad_opts *o) {
  if (o->nargs != 1) {
    fprintf(stderr, "%s: autodiscover json needs the request target "
            "(/autodiscover/autodiscover.json/v1.0/ADDRESS?Protocol=...) or the query string "
            "(Email=...&Protocol=...)\n", prog);
    return EXIT_USAGE;
  }
  sslvdir_policy *p;
  int rc = load_policy(&o->po, &p);
  if (rc)
    return rc;
  char out[4096];
  size_t n = 0;
  int status = 0;
  /* A request target starts with '/' (the path form Outlook sends first);
   * anything else is the query string alone. */
  const char *a = o->args[0];
  rc = a[0] == '/' ? sslvdir_autodiscover_json_target(p, a, strlen(a), &o->params, &status,
                                                      out, sizeof out, &n)
                   : sslvdir_autodiscover_json(p, a[0] == '?' ? a + 1 : a,
                                               strlen(a) - (a[0] == '?'), &o->params, &status,
                                               out, sizeof out, &n);
  int st = print_doc(rc, out, n, status, "application/json; charset=utf-8", o->json);
  sslvdir_policy_unref(p);
  return st;
}

static int ad_redirect(struct ad_opts *o) {
  if ((o->url != NULL) == (o->addr != NULL) || o->nargs) {
    fprintf(stderr, "%s: autodiscover redirect needs exactly one of --url URL and --addr ADDRESS\n",
            prog);
    return EXIT_USAGE;
  }
  char out[8192];
  size_t n = 0;
  int rc;
  if (o->url)
    rc = sslvdir_autodiscover_redirect_url(o->url, &o->params, out, sizeof out, &n);
  else
    rc = sslvdir_autodiscover_redirect_addr(o->mobilesync ? SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC
                                                          : SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK,
                                            o->addr, &o->params, out, sizeof out, &n);
  if (rc == SSLVDIR_E_SYNTAX) {
    errorc("usage", "%s '%s' is refused: %s", o->url ? "URL" : "address",
           o->url ? o->url : o->addr,
           o->url ? "it must be https://HOST/autodiscover/.../autodiscover.xml"
                  : "it must be LOCAL@DOMAIN");
    return EXIT_USAGE;
  }
  return print_doc(rc, out, n, 200, "text/xml; charset=utf-8", o->json);
}

static const char *method_name(int m) {
  switch (m) {
  case SSLVDIR_AUTODISCOVER_METHOD_POST: return "POST";
  case SSLVDIR_AUTODISCOVER_METHOD_GET_REDIRECT: return "GET-redirect";
  case SSLVDIR_AUTODISCOVER_METHOD_SRV: return "SRV";
  default: return "?";
  }
}

static int ad_candidates(struct ad_opts *o) {
  if (o->nargs != 1) {
    fprintf(stderr, "%s: autodiscover candidates needs an e-mail address\n", prog);
    return EXIT_USAGE;
  }
  sslvdir_autodiscover_candidate c[4];
  size_t n;
  int rc = sslvdir_autodiscover_candidates(o->args[0], c, 4, &n);
  if (rc == SSLVDIR_E_SYNTAX) {
    errorc("usage", "'%s' is not an e-mail address with a valid domain", o->args[0]);
    return EXIT_USAGE;
  }
  if (rc)
    return fail("candidates", rc, NULL);
  if (o->json)
    printf("[");
  for (size_t i = 0; i < n; i++) {
    if (o->json) {
      printf("%s{\"method\": \"%s\", \"%s\": ", i ? ", " : "", method_name(c[i].method),
             c[i].method == SSLVDIR_AUTODISCOVER_METHOD_SRV ? "name" : "url");
      json_string(stdout, c[i].url);
      printf("}");
    } else {
      printf("%zu. %-12s %s\n", i + 1, method_name(c[i].method), c[i].url);
    }
  }
  if (o->json)
    printf("]\n");
  return 0;
}

static int ad_check(struct ad_opts *o) {
  if (o->nargs != 1 || !o->nsteps) {
    fprintf(stderr, "%s: autodiscover check-redirect needs EMAIL and steps "
            "(--url STATUS URL, --addr ADDRESS)\n", prog);
    return EXIT_USAGE;
  }
  sslvdir_autodiscover_chain *c;
  sslvdir_error e = {0};
  int rc = sslvdir_autodiscover_chain_new(&c, o->args[0], &e);
  if (rc)
    return fail(o->args[0], rc, &e);
  if (o->json)
    printf("{\"email\": ");
  if (o->json) {
    json_string(stdout, o->args[0]);
    printf(", \"steps\": [");
  }
  int accepted_all = 1;
  for (int k = 0; k < o->nsteps && accepted_all; k++) {
    const struct step *s = &o->steps[k];
    e.message[0] = '\0';
    rc = s->status < 0 ? sslvdir_autodiscover_chain_follow_addr(c, s->target, strlen(s->target), &e)
                       : sslvdir_autodiscover_chain_follow_url(c, s->status, s->target, strlen(s->target), &e);
    accepted_all = rc == SSLVDIR_OK;
    if (o->json) {
      printf("%s{\"kind\": \"%s\", ", k ? ", " : "", s->status < 0 ? "address" : "url");
      if (s->status >= 0)
        printf("\"status\": %d, ", s->status);
      printf("\"target\": ");
      json_string(stdout, s->target);
      printf(", \"accepted\": %s, \"reason\": ", rc ? "false" : "true");
      json_string(stdout, rc ? e.message : NULL);
      printf("}");
    } else if (rc) {
      printf("refused   %s\n          %s\n", s->target, e.message);
    } else {
      printf("accepted  %s\n", s->target);
    }
  }
  unsigned count = sslvdir_autodiscover_chain_count(c);
  if (o->json) {
    printf("], \"redirects\": %u, \"address\": ", count);
    json_string(stdout, sslvdir_autodiscover_chain_address(c));
    printf(", \"accepted\": %s}\n", accepted_all ? "true" : "false");
  } else {
    printf("%u redirect%s followed; now looking up %s\n", count, count == 1 ? "" : "s",
           sslvdir_autodiscover_chain_address(c));
  }
  sslvdir_autodiscover_chain_free(c);
  /* A refused step is what the check is for, so a script sees it in the
   * status, as with cert check. */
  return accepted_all ? 0 : EXIT_PROBLEM;
}

int cmd_autodiscover(int argc, char **argv) {
  static const struct {
    const char *name;
    int (*run)(struct ad_opts *);
  } subs[] = {{"respond", ad_respond}, {"json", ad_json}, {"redirect", ad_redirect},
              {"candidates", ad_candidates}, {"check-redirect", ad_check}};
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
    return help("autodiscover");
  if (argc < 2) {
    fprintf(stderr, "%s: autodiscover needs respond, json, redirect, candidates or "
            "check-redirect\n", prog);
    return EXIT_USAGE;
  }
  const char *sub = argv[1];
  size_t k = 0;
  while (k < sizeof subs / sizeof subs[0] && strcmp(sub, subs[k].name))
    k++;
  if (k == sizeof subs / sizeof subs[0]) {
    errorc("usage", "unknown autodiscover command '%s'", sub);
    return EXIT_USAGE;
  }
  char cmd[64];
  snprintf(cmd, sizeof cmd, "autodiscover %s", sub);
  struct ad_opts o;
  memset(&o, 0, sizeof o);
  sslvdir_autodiscover_params init = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  o.params = init;
  int rc = parse_ad_opts(&o, argc - 1, argv + 1, cmd);
  if (rc < 0)
    return help(cmd);
  if (rc)
    return rc;
  return subs[k].run(&o);
}
