/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * sslvdir: ask libsslvdir what IIS would do with a request, list presets,
 * show a policy, and run the Exchange 2016 demo. See sslvdir(1).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sslvdir/sslvdir.h>

#include "json.h"
#include "tool.h"

const char *prog = "sslvdir";

int policy_option(struct policy_opts *o, int id, char *arg) {
  const char **slot = NULL;
  switch (id) {
  case OPT_REDIRECT:
    o->preset_options |= SSLVDIR_PRESET_REDIRECT;
    return 1;
  case OPT_EXTENDED_PROTECTION: {
    unsigned on = !strcmp(arg, "on") ? SSLVDIR_PRESET_EP_ON
                  : !strcmp(arg, "off") ? SSLVDIR_PRESET_EP_OFF : 0;
    if (!on) {
      fprintf(stderr, "%s: --extended-protection takes on or off\n", prog);
      return -1;
    }
    o->preset_options = (o->preset_options & ~(SSLVDIR_PRESET_EP_ON | SSLVDIR_PRESET_EP_OFF)) | on;
    return 1;
  }
  case OPT_PRESET: slot = &o->preset; break;
  case OPT_POLICY: slot = &o->policy; break;
  case OPT_OFFLOADER_CIPHER_BITS: slot = &o->offloader_cipher_bits; break;
  case OPT_OFFLOADER_CIPHER_HEADER: slot = &o->offloader_cipher_header; break;
  case OPT_IISCONFIG: slot = &o->iisconfig; break;
  case OPT_REGISTRY: return list_option("--registry", o->regs, &o->nregs, arg) ? -1 : 1;
  case OPT_OFFLOADER:
    return list_option("--offloader", o->offloaders, &o->noffloaders, arg) ? -1 : 1;
  case OPT_AD_DOMAIN: return list_option("--ad-domain", o->ad_domains, &o->nad, arg) ? -1 : 1;
  case OPT_HOST: {
    /* NAME,NAME... as audit and cert check take it. The names are cut in
     * place: argv's strings are the program's to change, and the pointers
     * into them live as long as the command. A comma is in no host name. */
    char *save = NULL;
    int before = o->nhosts;
    if (!arg[0] || arg[0] == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,")) {
      /* No name at all must not mean the default names. */
      errorc("usage", "--host '%s': expected NAME or NAME,NAME...", arg);
      return -1;
    }
    for (char *name = strtok_r(arg, ",", &save); name; name = strtok_r(NULL, ",", &save))
      if (list_option("--host", o->hosts, &o->nhosts, name))
        return -1;
    return o->nhosts > before ? 1 : -1;
  }
  default:
    return 0;
  }
  /* A single-valued option given twice is an error, as in the library's
   * policy options: the last one silently winning hides a mistake. */
  if (*slot) {
    errorc("usage", "--%s is given twice ('%s', then '%s'); give it once",
           id == OPT_PRESET ? "preset" : id == OPT_POLICY ? "policy"
           : id == OPT_IISCONFIG ? "iisconfig" : id == OPT_OFFLOADER_CIPHER_BITS
           ? "offloader-cipher-bits" : "offloader-cipher-header", *slot, arg);
    return -1;
  }
  *slot = arg;
  return 1;
}

int load_policy(const struct policy_opts *o, sslvdir_policy **out) {
  /* The library decides how the options go together (sslvdir_policy_options_build());
   * this only hands them over, named as the command spells them. */
  static const char *const names[] = {
    "policy", "preset", "host", "ad-domain", "offloader", "offloader-cipher-bits",
    "offloader-cipher-header", "iisconfig", "reg", "redirect", "extended-protection",
  };
  sslvdir_policy_options *po;
  sslvdir_error e = {0};
  char spelling[64];
  int rc = sslvdir_policy_options_new(&po, &e);
  for (size_t i = 0; !rc && i < sizeof names / sizeof names[0]; i++) {
    snprintf(spelling, sizeof spelling, "--%s", names[i]);
    rc = sslvdir_policy_options_spell(po, names[i], spelling, &e);
  }
#define SET(name, value) \
  do { \
    if (!rc && (value)) \
      rc = sslvdir_policy_options_set(po, name, value, &e); \
  } while (0)
  SET("policy", o->policy);
  SET("preset", o->preset);
  for (int i = 0; i < o->nhosts; i++)
    SET("host", o->hosts[i]);
  for (int i = 0; i < o->nad; i++)
    SET("ad-domain", o->ad_domains[i]);
  SET("iisconfig", o->iisconfig);
  for (int i = 0; i < o->nregs; i++)
    SET("reg", o->regs[i]);
  for (int i = 0; i < o->noffloaders; i++)
    SET("offloader", o->offloaders[i]);
  SET("offloader-cipher-bits", o->offloader_cipher_bits);
  SET("offloader-cipher-header", o->offloader_cipher_header);
  SET("redirect", o->preset_options & SSLVDIR_PRESET_REDIRECT ? "on" : NULL);
  SET("extended-protection", o->preset_options & SSLVDIR_PRESET_EP_ON    ? "on"
                             : o->preset_options & SSLVDIR_PRESET_EP_OFF ? "off"
                                                                         : NULL);
#undef SET
  if (!rc)
    rc = sslvdir_policy_options_build(po, out, &e);
  sslvdir_policy_options_free(po);
  if (!rc)
    return 0;
  /* The message names the option (--host: ...) or what to set. */
  errorc(status_code(rc), "%s", e.code == rc && e.message[0] ? e.message : sslvdir_strerror(rc));
  return rc == SSLVDIR_E_NOMEM ? 1 : EXIT_USAGE;
}

static void print_headers_json(const sslvdir_decision *d, const char *cipher_header) {
  printf(", \"set_headers\": {");
  int first = 1;
  if (d->set_headers & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO) {
    printf("\"X-Forwarded-Proto\": ");
    json_string(stdout, d->x_forwarded_proto);
    first = 0;
  }
  if (d->set_headers & SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS) {
    printf("%s\"Front-End-Https\": ", first ? "" : ", ");
    json_string(stdout, d->front_end_https);
  }
  printf("}, \"remove_headers\": [");
  first = 1;
  for (unsigned bit = 1; bit <= SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER; bit <<= 1) {
    if (d->remove_headers & bit) {
      printf("%s", first ? "" : ", ");
      json_string(stdout, bit == SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER ? cipher_header
                                                                : sslvdir_request_header_name(bit));
      first = 0;
    }
  }
  printf("]");
}

/* The decision holds the lengths of its Location and canonical path; the
 * bytes are written on demand from the request. NULL when there is none. */
static const char *decision_location(const sslvdir_decision *d, const sslvdir_request *r) {
  static char buf[SSLVDIR_LOCATION_BUFSZ];
  if (!d->location_len || sslvdir_decision_location(d, r, buf, sizeof buf, NULL) != SSLVDIR_OK)
    return NULL;
  return buf;
}

static const char *decision_path(const sslvdir_decision *d, const sslvdir_request *r) {
  static char buf[SSLVDIR_PATH_BUFSZ];
  if (!d->path_len ||
      sslvdir_path_canonicalize(r->target, r->target_len, NULL, buf, sizeof buf, NULL) != SSLVDIR_OK)
    return NULL;
  return buf;
}

static void print_decision_json(const sslvdir_decision *d, const sslvdir_request *r,
                                const char *cipher_header) {
  printf("{\"action\": \"%s\", \"status\": ", sslvdir_action_name(d->action));
  if (d->status) printf("%d", d->status); else printf("null");
  printf(", \"substatus\": ");
  if (d->substatus >= 0) printf("%d", d->substatus); else printf("null");
  printf(", \"location\": ");
  json_string(stdout, decision_location(d, r));
  printf(", \"vdir\": ");
  json_string(stdout, d->vdir ? sslvdir_vdir_config_path(d->vdir) : NULL);
  printf(", \"path\": ");
  json_string(stdout, decision_path(d, r));
  printf(", \"upstream\": ");
  json_string(stdout, d->upstream == SSLVDIR_UPSTREAM_AUTO ? NULL : sslvdir_upstream_name(d->upstream));
  print_headers_json(d, cipher_header);
  printf(", \"reason_code\": ");
  json_string(stdout, sslvdir_reason_name(d->reason));
  printf(", \"reason\": ");
  json_string(stdout, sslvdir_reason_string(d->reason));
  printf("}\n");
}

static void status_text(const sslvdir_decision *d, char *buf, size_t n) {
  if (d->action == SSLVDIR_ACTION_ALLOW)
    snprintf(buf, n, "allow");
  else if (d->substatus >= 0)
    snprintf(buf, n, "%s %d.%d", sslvdir_action_name(d->action), d->status, d->substatus);
  else
    snprintf(buf, n, "%s %d", sslvdir_action_name(d->action), d->status);
}

static void print_decision_text(const sslvdir_decision *d, const sslvdir_request *r,
                                const char *cipher_header) {
  char st[64];
  const char *loc = decision_location(d, r), *path = decision_path(d, r);
  status_text(d, st, sizeof st);
  printf("action:    %s\n", st);
  if (loc)
    printf("location:  %s\n", loc);
  if (d->vdir)
    printf("vdir:      %s (%s)\n", sslvdir_vdir_config_path(d->vdir),
           sslvdir_kind_name(sslvdir_vdir_kind(d->vdir)));
  else
    printf("vdir:      -\n");
  printf("path:      %s\n", path ? path : "-");
  if (d->upstream != SSLVDIR_UPSTREAM_AUTO)
    printf("upstream:  %s%s%s%s\n", sslvdir_upstream_name(d->upstream), d->vdir ? " (" : "",
           d->vdir ? sslvdir_vdir_upstream_reason(d->vdir) : "", d->vdir ? ")" : "");
  if (d->remove_headers) {
    printf("remove:   ");
    const char *sep = " ";
    for (unsigned bit = 1; bit <= SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER; bit <<= 1)
      if (d->remove_headers & bit) {
        printf("%s%s", sep, bit == SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER ? cipher_header
                                                                 : sslvdir_request_header_name(bit));
        sep = ", ";
      }
    printf("\n");
  }
  if (d->set_headers & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO)
    printf("set:       X-Forwarded-Proto: %s\n", d->x_forwarded_proto);
  if (d->set_headers & SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS)
    printf("set:       Front-End-Https: %s\n", d->front_end_https);
  printf("reason:    %s\n", sslvdir_reason_string(d->reason));
}

/* What eval needs to keep of its arguments. */
struct eval_req {
  const char *method, *url;
  int tls, json, have_bits;
  unsigned bits;
  sslvdir_cert_status cert;
  const char *peer;
  const char *host, *xfp, *feh;
  size_t host_len, xfp_len, feh_len;
  char *host_buf; /* the combined value of a repeated Host (owned) */
  const char *other[MAX_LIST]; /* the other -H headers, "Name: value" */
  int nother;
};

static int parse_header(struct eval_req *e, const char *h) {
  const char *colon = strchr(h, ':');
  if (!colon || colon == h) {
    errorc("usage", "-H '%s': expected 'Name: value'", h);
    return -1;
  }
  for (const char *p = h; p < colon; p++)
    if (!(*p == '-' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
      errorc("usage", "-H '%s': the header name is not a token", h);
      return -1;
    }
  size_t nl = (size_t)(colon - h);
  const char *v = colon + 1;
  while (*v == ' ' || *v == '\t')
    v++;
  size_t vl = strlen(v);
  while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
    vl--;
#define IS(name) (nl == strlen(name) && !strncasecmp(h, name, nl))
  if (IS("Host") && e->host) {
    /* A repeated Host: the library gets the combined field value, as a
     * proxy that joins repeated fields would pass it on (RFC 9110 5.3).
     * No host name holds ", ", so the answer is 400 bad-host, what HTTP.sys
     * answers to a request with two Host fields (RFC 9112 3.2 requires it),
     * rather than whichever value came last. */
    size_t n = e->host_len + 2 + vl;
    char *b = malloc(n + 1);
    if (!b) {
      fprintf(stderr, "%s: out of memory\n", prog);
      return -1;
    }
    memcpy(b, e->host, e->host_len);
    memcpy(b + e->host_len, ", ", 2);
    memcpy(b + e->host_len + 2, v, vl);
    b[n] = '\0';
    free(e->host_buf);
    e->host = e->host_buf = b;
    e->host_len = n;
  }
  else if (IS("Host")) { e->host = v; e->host_len = vl; }
  else if (IS("X-Forwarded-Proto")) { e->xfp = v; e->xfp_len = vl; }
  else if (IS("Front-End-Https")) { e->feh = v; e->feh_len = vl; }
  else if (e->nother < MAX_LIST) e->other[e->nother++] = h; /* the cipher header, maybe */
#undef IS
  return 0;
}

static int split_url(struct eval_req *e, sslvdir_request *r) {
  const char *u = e->url;
  int https = !strncasecmp(u, "https://", 8);
  if (https || !strncasecmp(u, "http://", 7)) {
    const char *auth = u + (https ? 8 : 7);
    size_t al = strcspn(auth, "/?");
    if (al == 0) {
      errorc("usage", "URL '%s' has no host", u);
      return -1;
    }
    if (!e->host) {
      e->host = auth;
      e->host_len = al;
    }
    r->target = auth[al] ? auth + al : "/";
    r->target_len = strlen(r->target);
    if (https)
      e->tls = 1;
  } else if (u[0] == '/' || !strcmp(u, "*")) {
    r->target = u;
    r->target_len = strlen(u);
  } else {
    errorc("usage", "URL '%s' must be http://..., https://... or an origin-form path", u);
    return -1;
  }
  return 0;
}

enum { OPT_TLS = OPT_LOCAL, OPT_CIPHER_BITS, OPT_CLIENT_CERT, OPT_PEER };

static int eval_with(int argc, char **argv, struct eval_req *e) {
  static const struct option lo[] = {
    LONGOPT_JSON, LONGOPTS_POLICY,
    {"tls", no_argument, NULL, OPT_TLS},
    {"cipher-bits", required_argument, NULL, OPT_CIPHER_BITS},
    {"client-cert", required_argument, NULL, OPT_CLIENT_CERT},
    {"peer", required_argument, NULL, OPT_PEER},
    {"header", required_argument, NULL, 'H'},
    LONGOPT_END};
  struct policy_opts po = {0};
  int pos = 0, c;
  optind = 0;
  while ((c = next_option(argc, argv, "hH:", lo, "eval")) != -1) {
    int r = policy_option(&po, c, optarg);
    if (r < 0)
      return EXIT_USAGE;
    if (r)
      continue;
    const char *v = optarg;
    switch (c) {
    case 'h': return help("eval");
    case OPT_TLS: e->tls = 1; break;
    case OPT_JSON: e->json = 1; break;
    case OPT_CIPHER_BITS: {
      char *end;
      unsigned long b = strtoul(v, &end, 10);
      if (!*v || *end || b > 4096 || v[0] == '-') {
        errorc("usage", "--cipher-bits '%s': expected a number of bits from 0 to 4096", v);
        return EXIT_USAGE;
      }
      e->bits = (unsigned)b;
      e->have_bits = 1;
      break;
    }
    case OPT_CLIENT_CERT:
      if (sslvdir_cert_status_parse(v, strlen(v), &e->cert)) {
        errorc("usage", "--client-cert '%s': expected ok, missing, untrusted, expired or revoked", v);
        return EXIT_USAGE;
      }
      break;
    case OPT_PEER: {
      /* The library takes a bare address and trusts nothing it cannot
       * parse; "10.0.0.5:443" would quietly count as an untrusted peer and
       * the answer would not be the one asked for. */
      unsigned char buf[16];
      if (inet_pton(AF_INET, v, buf) != 1 && inet_pton(AF_INET6, v, buf) != 1) {
        errorc("usage", "--peer '%s': expected a bare IPv4 or IPv6 address (no port, brackets "
               "or zone)", v);
        return EXIT_USAGE;
      }
      e->peer = v;
      break;
    }
    case 'H':
      if (parse_header(e, v))
        return EXIT_USAGE;
      break;
    default:
      return EXIT_USAGE;
    }
  }
  for (int i = optind; i < argc; i++) {
    if (pos == 0) {
      e->method = argv[i];
      pos++;
    } else if (pos == 1) {
      e->url = argv[i];
      pos++;
    } else {
      errorc("usage", "eval: unexpected argument '%s'", argv[i]);
      return EXIT_USAGE;
    }
  }
  if (pos != 2) {
    fprintf(stderr, "%s: eval needs METHOD and URL (see '%s eval --help')\n", prog, prog);
    return EXIT_USAGE;
  }
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  if (split_url(e, &r))
    return EXIT_USAGE;
  sslvdir_policy *p;
  int rc = load_policy(&po, &p);
  if (rc)
    return rc;
  r.method = e->method;
  r.method_len = strlen(e->method);
  r.host = e->host;
  r.host_len = e->host_len;
  r.scheme = e->tls ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
  r.peer = e->peer;
  r.peer_len = e->peer ? strlen(e->peer) : 0;
  /* The documented default: 256 bits over TLS at our listener (what a current
   * TLS 1.3 or ECDHE-AES256-GCM handshake gives), 0 (unknown) otherwise. */
  r.cipher_bits = e->have_bits ? e->bits : (e->tls ? 256 : 0);
  r.client_cert = e->cert;
  r.x_forwarded_proto = e->xfp;
  r.x_forwarded_proto_len = e->xfp_len;
  r.front_end_https = e->feh;
  r.front_end_https_len = e->feh_len;
  /* The offloaders' cipher header, as a proxy would read it from the request. */
  const char *ch = sslvdir_policy_cipher_header(p);
  for (int i = 0; ch && i < e->nother; i++) {
    const char *h = e->other[i], *colon = strchr(h, ':');
    if ((size_t)(colon - h) == strlen(ch) && !strncasecmp(h, ch, strlen(ch))) {
      r.offload_cipher = colon + 1;
      r.offload_cipher_len = strlen(colon + 1);
    }
  }
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  rc = sslvdir_decide(p, &r, &d);
  if (rc) {
    sslvdir_policy_unref(p);
    return fail("decide", rc, NULL);
  }
  if (e->json)
    print_decision_json(&d, &r, ch);
  else
    print_decision_text(&d, &r, ch);
  sslvdir_policy_unref(p);
  return 0;
}

/* eval: one request through the policy's decision. */
static int cmd_eval(int argc, char **argv) {
  struct eval_req e = {0};
  e.cert = SSLVDIR_CERT_STATUS_NONE;
  int rc = eval_with(argc, argv, &e);
  free(e.host_buf);
  return rc;
}

/* What the port-80 Autodiscover redirect site answers Outlook's plain-HTTP
 * GET, from the decision itself: its Location carries the target site's
 * https port, which the site's settings alone do not show. */
static void print_ad_redirect(const sslvdir_policy *p, const sslvdir_site *site) {
  static const char target[] = "/autodiscover/autodiscover.xml";
  const char *host = sslvdir_site_host_count(site) ? sslvdir_site_host(site, 0) : NULL;
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  sslvdir_decision d = {.version = SSLVDIR_DECISION_VERSION};
  r.method = "GET";
  r.method_len = 3;
  r.target = target;
  r.target_len = sizeof target - 1;
  r.host = host;
  r.host_len = host ? strlen(host) : 0;
  r.scheme = SSLVDIR_SCHEME_HTTP;
  const char *loc = NULL;
  if (host && sslvdir_decide(p, &r, &d) == SSLVDIR_OK && d.action == SSLVDIR_ACTION_REDIRECT)
    loc = decision_location(&d, &r);
  if (loc)
    printf("\n  autodiscover.xml over http: %d to %s", d.status, loc);
  else
    printf("\n  autodiscover.xml over http: redirects to %s (no Location for %s)",
           sslvdir_site_autodiscover_redirect(site), host ? host : "a site without hosts");
}

static void print_policy(const sslvdir_policy *p) {
  for (size_t s = 0; s < sslvdir_policy_site_count(p); s++) {
    const sslvdir_site *site = sslvdir_policy_site(p, s);
    printf("site \"%s\"%s\n", sslvdir_site_name(site), s == 0 ? " (default)" : "");
    printf("  hosts:     ");
    for (size_t h = 0; h < sslvdir_site_host_count(site); h++)
      printf("%s%s", h ? ", " : "", sslvdir_site_host(site, h));
    printf("%s\n", sslvdir_site_host_count(site) ? "" : "(none)");
    const char *can = sslvdir_site_canonical_host(site);
    printf("  canonical: %s", can ? can : "(none)");
    if (can)
      printf(" (https port %u)", sslvdir_site_https_port(site));
    if (sslvdir_site_autodiscover_redirect(site))
      print_ad_redirect(p, site);
    /* The PATH column as wide as the longest path: a path is never cut. */
    int w = 30;
    for (size_t v = 0; v < sslvdir_site_vdir_count(site); v++) {
      size_t l = strlen(sslvdir_vdir_path(sslvdir_site_vdir(site, v)));
      if (l > (size_t)w)
        w = l > 4096 ? 4096 : (int)l;
    }
    printf("\n\n  %-*s %-12s %-22s %-22s %-8s %s\n", w, "PATH", "KIND", "EDGE", "BACKEND",
           "REDIRECT", "UPSTREAM");
    for (size_t v = 0; v < sslvdir_site_vdir_count(site); v++) {
      const sslvdir_vdir *vd = sslvdir_site_vdir(site, v);
      char edge[SSLVDIR_FLAGS_TEXT_MAX], back[SSLVDIR_FLAGS_TEXT_MAX], red[8] = "-";
      if (sslvdir_flags_format(sslvdir_vdir_edge_flags(vd), edge, sizeof edge, NULL) ||
          sslvdir_flags_format(sslvdir_vdir_backend_flags(vd), back, sizeof back, NULL))
        continue;
      if (sslvdir_vdir_redirect_status(vd))
        snprintf(red, sizeof red, "%d", sslvdir_vdir_redirect_status(vd));
      printf("  %-*s %-12s %-22s %-22s %-8s %s\n", w, sslvdir_vdir_path(vd),
             sslvdir_kind_name(sslvdir_vdir_kind(vd)), edge, back, red,
             sslvdir_upstream_name(sslvdir_vdir_upstream(vd)));
    }
    printf("\n");
  }
  const char *dom, *target;
  sslvdir_autodiscover_action act;
  const sslvdir_site *as;
  for (size_t i = 0; !sslvdir_autodiscover_domain_rule(p, NULL, i, &dom, &act, &target, &as); i++) {
    if (act == SSLVDIR_AUTODISCOVER_ACTION_SETTINGS)
      printf("autodiscover: @%s: settings from site \"%s\"\n", dom, sslvdir_site_name(as));
    else
      printf("autodiscover: @%s: %s%s\n", dom,
             act == SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR ? "redirectAddr to LOCAL@" : "redirectUrl to ",
             target);
  }
  printf("trusted offloaders: ");
  for (size_t i = 0; i < sslvdir_policy_offloader_count(p); i++) {
    unsigned bits = 0;
    const char *hdr = NULL;
    printf("%s%s", i ? ", " : "", sslvdir_policy_offloader(p, i));
    if (sslvdir_policy_offloader_cipher(p, i, &bits, &hdr) == SSLVDIR_OK && (bits || hdr))
      printf(" (%s%.0u%s%s%s)", bits ? "min cipher bits " : "", bits, bits && hdr ? ", " : "",
             hdr ? "cipher in " : "", hdr ? hdr : "");
  }
  printf("%s\n", sslvdir_policy_offloader_count(p) ? "" : "(none)");
  const sslvdir_settings *st = sslvdir_policy_settings(p);
  for (size_t i = 0; i < sslvdir_settings_count(st); i++) {
    const char *path, *str;
    sslvdir_value_type type;
    uint32_t dw;
    int known;
    if (sslvdir_settings_entry(st, i, &path, &type, &dw, &str, &known))
      continue;
    if (type == SSLVDIR_VALUE_DWORD)
      printf("setting: %s = dword:%08x%s\n", path, dw, known ? "" : " (not used by libsslvdir)");
    else
      printf("setting: %s = \"%s\"%s\n", path, str, known ? "" : " (not used by libsslvdir)");
  }
  for (size_t i = 0; i < sslvdir_policy_warning_count(p); i++)
    printf("warning: %s\n", sslvdir_policy_warning(p, i));
}

/* show --json: what print_policy() says, as one object. */
static void print_policy_json(const sslvdir_policy *p) {
  printf("{\"sites\": [");
  for (size_t s = 0; s < sslvdir_policy_site_count(p); s++) {
    const sslvdir_site *site = sslvdir_policy_site(p, s);
    printf("%s{\"name\": ", s ? ", " : "");
    json_string(stdout, sslvdir_site_name(site));
    printf(", \"default\": %s, \"hosts\": [", s == 0 ? "true" : "false");
    for (size_t h = 0; h < sslvdir_site_host_count(site); h++) {
      printf("%s", h ? ", " : "");
      json_string(stdout, sslvdir_site_host(site, h));
    }
    const char *can = sslvdir_site_canonical_host(site);
    printf("], \"canonical_host\": ");
    json_string(stdout, can);
    if (can)
      printf(", \"https_port\": %u", sslvdir_site_https_port(site));
    else
      printf(", \"https_port\": null");
    printf(", \"autodiscover_redirect\": ");
    json_string(stdout, sslvdir_site_autodiscover_redirect(site));
    printf(", \"vdirs\": [");
    for (size_t v = 0; v < sslvdir_site_vdir_count(site); v++) {
      const sslvdir_vdir *vd = sslvdir_site_vdir(site, v);
      char edge[SSLVDIR_FLAGS_TEXT_MAX], back[SSLVDIR_FLAGS_TEXT_MAX];
      if (sslvdir_flags_format(sslvdir_vdir_edge_flags(vd), edge, sizeof edge, NULL) ||
          sslvdir_flags_format(sslvdir_vdir_backend_flags(vd), back, sizeof back, NULL))
        edge[0] = back[0] = '\0';
      printf("%s{\"path\": ", v ? ", " : "");
      json_string(stdout, sslvdir_vdir_path(vd));
      printf(", \"kind\": ");
      json_string(stdout, sslvdir_kind_name(sslvdir_vdir_kind(vd)));
      printf(", \"edge\": ");
      json_string(stdout, edge);
      printf(", \"backend\": ");
      json_string(stdout, back);
      if (sslvdir_vdir_redirect_status(vd))
        printf(", \"redirect\": %d", sslvdir_vdir_redirect_status(vd));
      else
        printf(", \"redirect\": null");
      printf(", \"upstream\": ");
      json_string(stdout, sslvdir_upstream_name(sslvdir_vdir_upstream(vd)));
      printf("}");
    }
    printf("]}");
  }
  printf("], \"autodiscover\": [");
  const char *dom, *target;
  sslvdir_autodiscover_action act;
  const sslvdir_site *as;
  for (size_t i = 0; !sslvdir_autodiscover_domain_rule(p, NULL, i, &dom, &act, &target, &as); i++) {
    printf("%s{\"domain\": ", i ? ", " : "");
    json_string(stdout, dom);
    printf(", \"action\": \"%s\", \"target\": ",
           act == SSLVDIR_AUTODISCOVER_ACTION_SETTINGS ? "settings"
           : act == SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR ? "redirect-addr" : "redirect-url");
    json_string(stdout, act == SSLVDIR_AUTODISCOVER_ACTION_SETTINGS ? sslvdir_site_name(as) : target);
    printf("}");
  }
  printf("], \"offloaders\": [");
  for (size_t i = 0; i < sslvdir_policy_offloader_count(p); i++) {
    unsigned bits = 0;
    const char *hdr = NULL;
    if (sslvdir_policy_offloader_cipher(p, i, &bits, &hdr) != SSLVDIR_OK)
      bits = 0, hdr = NULL;
    printf("%s{\"network\": ", i ? ", " : "");
    json_string(stdout, sslvdir_policy_offloader(p, i));
    if (bits)
      printf(", \"min_cipher_bits\": %u", bits);
    else
      printf(", \"min_cipher_bits\": null");
    printf(", \"cipher_header\": ");
    json_string(stdout, hdr);
    printf("}");
  }
  printf("], \"settings\": ");
  json_settings(stdout, sslvdir_policy_settings(p));
  printf(", \"warnings\": [");
  for (size_t i = 0; i < sslvdir_policy_warning_count(p); i++) {
    printf("%s", i ? ", " : "");
    json_string(stdout, sslvdir_policy_warning(p, i));
  }
  printf("]}\n");
}

static int cmd_show(int argc, char **argv) {
  static const struct option lo[] = {LONGOPT_JSON, LONGOPTS_POLICY, LONGOPT_END};
  struct policy_opts po = {0};
  int json = 0, c;
  optind = 0;
  while ((c = next_option(argc, argv, "h", lo, "show")) != -1) {
    int r = policy_option(&po, c, optarg);
    if (r < 0)
      return EXIT_USAGE;
    if (r)
      continue;
    if (c == 'h')
      return help("show");
    if (c != OPT_JSON)
      return EXIT_USAGE;
    json = 1;
  }
  if (optind < argc) {
    errorc("usage", "show: unexpected argument '%s'", argv[optind]);
    return EXIT_USAGE;
  }
  sslvdir_policy *p;
  int rc = load_policy(&po, &p);
  if (rc)
    return rc;
  if (json)
    print_policy_json(p);
  else
    print_policy(p);
  sslvdir_policy_unref(p);
  return 0;
}

/* rewrite-header: each argument is a "Name: value" header line. */
static int cmd_rewrite_header(int argc, char **argv) {
  enum { OPT_VDIR = OPT_LOCAL };
  static const struct option lo[] = {LONGOPT_JSON, LONGOPTS_POLICY,
                                     {"vdir", required_argument, NULL, OPT_VDIR}, LONGOPT_END};
  struct policy_opts po = {0};
  const char *vdir_path = NULL, *lines[MAX_LIST];
  int json = 0, nlines = 0, c;
  optind = 0;
  while ((c = next_option(argc, argv, "h", lo, "rewrite-header")) != -1) {
    int r = policy_option(&po, c, optarg);
    if (r < 0)
      return EXIT_USAGE;
    if (r)
      continue;
    if (c == 'h')
      return help("rewrite-header");
    else if (c == OPT_JSON)
      json = 1;
    else if (c == OPT_VDIR)
      vdir_path = optarg;
    else
      return EXIT_USAGE;
  }
  for (int i = optind; i < argc; i++) {
    if (nlines >= MAX_LIST) {
      fprintf(stderr, "%s: at most %d header lines\n", prog, MAX_LIST);
      return EXIT_USAGE;
    }
    lines[nlines++] = argv[i];
  }
  if (!nlines) {
    fprintf(stderr, "%s: rewrite-header needs a 'Name: value' line (see '%s rewrite-header --help')\n",
            prog, prog);
    return EXIT_USAGE;
  }
  for (int k = 0; k < nlines; k++) {
    const char *colon = strchr(lines[k], ':');
    size_t tok = strspn(lines[k], "!#$%&'*+-.^_`|~0123456789"
                                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    if (!colon || colon == lines[k] || lines[k] + tok != colon) {
      errorc("usage", "'%s': expected 'Name: value'", lines[k]);
      return EXIT_USAGE;
    }
  }
  sslvdir_policy *p;
  int rc = load_policy(&po, &p);
  if (rc)
    return rc;
  const sslvdir_vdir *vdir = NULL;
  if (vdir_path && !(vdir = sslvdir_policy_find_vdir(p, vdir_path))) {
    errorc("usage", "--vdir '%s': no such vdir in the policy", vdir_path);
    sslvdir_policy_unref(p);
    return EXIT_USAGE;
  }
  /* All or nothing: the answer is held until every line is rewritten, so a
   * refused line leaves no half-written JSON (a lone "[") or list. */
  char *buf = NULL;
  size_t bufsz = 0;
  FILE *o = open_memstream(&buf, &bufsz);
  if (!o) {
    sslvdir_policy_unref(p);
    return fail("rewrite-header", SSLVDIR_E_NOMEM, NULL);
  }
  if (json)
    fputc('[', o);
  for (int k = 0; k < nlines && !rc; k++) {
    const char *line = lines[k], *colon = strchr(line, ':'), *v = colon + 1;
    size_t name_len = (size_t)(colon - line);
    while (*v == ' ' || *v == '\t')
      v++;
    size_t len = strlen(v), out_len = 0;
    char *out = malloc(len + 512);
    if (!out) {
      rc = fail("rewrite-header", SSLVDIR_E_NOMEM, NULL);
      break;
    }
    sslvdir_response_header kind = sslvdir_rewrite_header_kind(line, name_len);
    int r = sslvdir_rewrite_header(p, vdir, kind, v, len, out, len + 512, &out_len);
    if (r < 0) {
      errorc("usage", "'%.*s': %s", (int)name_len, line,
             r == SSLVDIR_E_SYNTAX ? "the value holds a control character" : sslvdir_strerror(r));
      rc = EXIT_USAGE;
    } else {
      const char *res = r == SSLVDIR_REWRITE_CHANGED ? out : v;
      if (json) {
        char *name = strndup(line, name_len), *value = strndup(res, out_len);
        fprintf(o, "%s{\"name\": ", k ? ", " : "");
        json_string(o, name);
        fputs(", \"value\": ", o);
        json_string(o, value);
        fprintf(o, ", \"changed\": %s}", r == SSLVDIR_REWRITE_CHANGED ? "true" : "false");
        free(name);
        free(value);
      } else {
        fprintf(o, "%.*s: %.*s\n", (int)name_len, line, (int)out_len, res);
      }
    }
    free(out);
  }
  if (json)
    fputs("]\n", o);
  if (fclose(o) && !rc)
    rc = fail("rewrite-header", SSLVDIR_E_NOMEM, NULL);
  if (!rc)
    fwrite(buf, 1, bufsz, stdout);
  free(buf);
  sslvdir_policy_unref(p);
  return rc;
}

static int write_stdout(const char *data, size_t len, void *ud) {
  (void)ud;
  return fwrite(data, 1, len, stdout) != len;
}

/* rewrite-body: stdin to stdout through a body rewriter. */
static int cmd_rewrite_body(int argc, char **argv) {
  enum { OPT_STATS = OPT_LOCAL, OPT_REPLACE, OPT_TYPES, OPT_CONTENT_TYPE, OPT_CONTENT_ENCODING,
         OPT_CHUNK };
  static const struct option lo[] = {
    {"help", no_argument, NULL, 'h'}, LONGOPTS_POLICY,
    {"stats", no_argument, NULL, OPT_STATS},
    {"replace", required_argument, NULL, OPT_REPLACE},
    {"types", required_argument, NULL, OPT_TYPES},
    {"content-type", required_argument, NULL, OPT_CONTENT_TYPE},
    {"content-encoding", required_argument, NULL, OPT_CONTENT_ENCODING},
    {"chunk", required_argument, NULL, OPT_CHUNK},
    LONGOPT_END};
  struct policy_opts po = {0};
  const char *types = NULL, *ctype = "text/html", *cenc = NULL, *from[MAX_LIST], *to[MAX_LIST];
  int nrep = 0, stats = 0, c;
  size_t chunk = 65536;
  optind = 0;
  while ((c = next_option(argc, argv, "h", lo, "rewrite-body")) != -1) {
    int r = policy_option(&po, c, optarg);
    if (r < 0)
      return EXIT_USAGE;
    if (r)
      continue;
    const char *v = optarg;
    switch (c) {
    case 'h': return help("rewrite-body");
    case OPT_STATS: stats = 1; break;
    case OPT_REPLACE:
      /* Two values: FROM is the option's, TO the next argument, which
       * getopt_long then steps over (it permutes only what it has not
       * reached). */
      if (optind >= argc || nrep >= MAX_LIST) {
        fprintf(stderr, "%s: --replace needs FROM and TO (at most %d)\n", prog, MAX_LIST);
        return EXIT_USAGE;
      }
      from[nrep] = v;
      to[nrep++] = argv[optind++];
      break;
    case OPT_TYPES: types = v; break;
    case OPT_CONTENT_TYPE: ctype = v; break;
    case OPT_CONTENT_ENCODING: cenc = v; break;
    case OPT_CHUNK: {
      char *end;
      unsigned long n = strtoul(v, &end, 10);
      if (!*v || *end || v[0] == '-' || n == 0 || n > (1ul << 24)) {
        errorc("usage", "--chunk '%s': expected 1 to 16777216 bytes", v);
        return EXIT_USAGE;
      }
      chunk = n;
      break;
    }
    default:
      return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    errorc("usage", "rewrite-body: unexpected argument '%s' (the body is read from standard "
           "input)", argv[optind]);
    return EXIT_USAGE;
  }
  sslvdir_policy *p;
  int rc = load_policy(&po, &p);
  if (rc)
    return rc;
  sslvdir_rewriter *rw = NULL;
  sslvdir_error e = {0};
  char *buf = NULL;
  rc = sslvdir_rewriter_new(&rw, p, &e);
  sslvdir_policy_unref(p);
  if (rc)
    return fail("rewriter", rc, &e);
  for (int k = 0; k < nrep && !rc; k++)
    if ((rc = sslvdir_rewriter_add_literal(rw, from[k], strlen(from[k]), to[k], strlen(to[k]), &e)))
      rc = fail("--replace", rc, &e);
  if (!rc && types && (rc = sslvdir_rewriter_set_types(rw, types, &e)))
    rc = fail("--types", rc, &e);
  if (rc)
    goto out;
  int mode = sslvdir_rewriter_begin(rw, ctype, strlen(ctype), cenc, cenc ? strlen(cenc) : 0);
  if (mode == SSLVDIR_BODY_PASS_TYPE)
    errorc("usage", "content type '%s' is not rewritten: passed through as is", ctype);
  else if (mode == SSLVDIR_BODY_PASS_ENCODED)
    errorc("usage", "Content-Encoding '%s': passed through as is", cenc);
  if (!(buf = malloc(chunk))) {
    rc = fail("rewrite-body", SSLVDIR_E_NOMEM, NULL);
    goto out;
  }
  size_t got;
  int write_failed = 0;
  while (!write_failed && (got = fread(buf, 1, chunk, stdin)) > 0)
    write_failed = sslvdir_rewriter_feed(rw, buf, got, write_stdout, NULL) != SSLVDIR_OK;
  if (ferror(stdin)) {
    perror("sslvdir: reading standard input");
    rc = EXIT_USAGE;
  } else if (write_failed || sslvdir_rewriter_finish(rw, write_stdout, NULL) ||
             fflush(stdout)) {
    perror("sslvdir: writing standard output");
    rc = 1;
  } else if (stats) {
    uint64_t in, outn, reps;
    sslvdir_rewriter_counts(rw, &in, &outn, &reps);
    fprintf(stderr, "%s: %llu bytes in, %llu out, %llu replaced%s\n", prog,
            (unsigned long long)in, (unsigned long long)outn, (unsigned long long)reps,
            in != outn ? "; the length changed: send it chunked or with the new Content-Length" : "");
  }
out:
  free(buf);
  sslvdir_rewriter_free(rw);
  return rc;
}

/* A subcommand whose only options are --json and --help: 0 and *json, or
 * an exit status + 1 (help's 0 becomes 1). */
static int json_only(int argc, char **argv, const char *cmd, int *json) {
  static const struct option lo[] = {LONGOPT_JSON, LONGOPT_END};
  int c;
  optind = 0;
  while ((c = next_option(argc, argv, "h", lo, cmd)) != -1) {
    if (c == 'h')
      return help(cmd) + 1;
    if (c != OPT_JSON)
      return EXIT_USAGE + 1;
    *json = 1;
  }
  if (optind < argc) {
    errorc("usage", "%s: unexpected argument '%s'", cmd, argv[optind]);
    return EXIT_USAGE + 1;
  }
  return 0;
}

static int cmd_presets(int argc, char **argv) {
  int json = 0, rc = json_only(argc, argv, "presets", &json);
  if (rc)
    return rc - 1;
  if (json)
    printf("[");
  for (size_t i = 0; i < sslvdir_preset_count(); i++) {
    if (json) {
      printf("%s{\"name\": ", i ? ", " : "");
      json_string(stdout, sslvdir_preset_name(i));
      printf(", \"description\": ");
      json_string(stdout, sslvdir_preset_description(i));
      printf("}");
    } else {
      printf("%-22s %s\n", sslvdir_preset_name(i), sslvdir_preset_description(i));
    }
  }
  if (json)
    printf("]\n");
  return 0;
}

static int cmd_version(int argc, char **argv) {
  int json = 0, rc = json_only(argc, argv, "version", &json);
  if (rc)
    return rc - 1;
  if (json) {
    printf("{\"program\": ");
    json_string(stdout, prog);
    printf(", \"version\": ");
    json_string(stdout, sslvdir_version(NULL));
    printf("}\n");
  } else {
    printf("%s %s\n", prog, sslvdir_version(NULL));
  }
  return 0;
}

/* The demo: an Exchange 2016 front end offloaded as Configuring SSL offloading in Exchange 2013
 * describes, behind an HAProxy that terminates TLS, with a load balancer at 10.0.0.5 in front
 * that names the cipher it negotiated in X-SSL-Cipher, and Microsoft's opt-in http->https recipe for browsers (the preset alone answers 403.4). */
static int cmd_demo(int argc, char **argv) {
  int json = 0, rc = json_only(argc, argv, "demo", &json);
  if (rc)
    return rc - 1;
  struct policy_opts po = {0};
  po.preset = "exchange2016-offload";
  po.preset_options = SSLVDIR_PRESET_REDIRECT;
  po.offloaders[po.noffloaders++] = "10.0.0.5";
  po.offloader_cipher_header = "X-SSL-Cipher";
  /* The demo's namespace, given as any caller gives its own: the library
   * has no default host or domain. */
  po.hosts[po.nhosts++] = "mail.contoso.com";
  po.hosts[po.nhosts++] = "autodiscover.contoso.com";
  po.ad_domains[po.nad++] = "contoso.com";
  sslvdir_policy *p;
  rc = load_policy(&po, &p);
  if (rc)
    return rc;
  static const struct {
    const char *method, *url, *peer, *xfp, *cipher;
    unsigned bits;
    sslvdir_cert_status cert;
    const char *note;
  } reqs[] = {
    {"GET", "http://mail.contoso.com/owa/", "198.51.100.7", NULL, NULL, 0, 0, "browser types http://"},
    {"GET", "https://mail.contoso.com/owa/", "198.51.100.7", NULL, NULL, 256, 0, "browser over TLS"},
    {"GET", "http://mail.contoso.com/", "198.51.100.7", NULL, NULL, 0, 0, "site root"},
    {"GET", "http://evil.example/owa/?x=1", "198.51.100.7", NULL, NULL, 0, 0, "foreign Host"},
    {"POST", "http://mail.contoso.com/EWS/Exchange.asmx", "198.51.100.7", NULL, NULL, 0, 0, "EWS client, plain"},
    {"POST", "https://mail.contoso.com/Microsoft-Server-ActiveSync?Cmd=Sync", "198.51.100.7", NULL, NULL, 256, 0, "phone"},
    {"POST", "https://mail.contoso.com/EWS/mrsproxy.svc", "198.51.100.7", NULL, NULL, 256, 0, "mailbox move"},
    {"GET", "https://mail.contoso.com/ecp/", "198.51.100.7", NULL, NULL, 56, 0, "56-bit cipher"},
    {"GET", "http://mail.contoso.com/owa/", "198.51.100.7", "https", NULL, 0, 0, "spoofed X-Forwarded-Proto"},
    {"GET", "http://mail.contoso.com/owa/", "10.0.0.5", "https", NULL, 0, 0, "trusted LB, no cipher header"},
    {"GET", "http://mail.contoso.com/owa/", "10.0.0.5", "https", "ECDHE-RSA-AES256-GCM-SHA384", 0, 0, "trusted LB names AES-256"},
    {"GET", "http://mail.contoso.com/owa/", "10.0.0.5", "https", "RC4-SHA", 0, 0, "trusted LB names RC4"},
    {"GET", "http://mail.contoso.com/owa/calendar/published.html", "198.51.100.7", NULL, NULL, 0, 0, "published calendar"},
    {"POST", "https://mail.contoso.com/autodiscover/autodiscover.json?@x/mapi/nspi", "198.51.100.7", NULL, NULL, 256, 0, "ProxyShell shape"},
    {"GET", "https://mail.contoso.com/owa/%2e%2e/ecp/", "198.51.100.7", NULL, NULL, 256, 0, "encoded dot-dot"},
    {"GET", "https://mail.contoso.com/ecp::$DATA/", "198.51.100.7", NULL, NULL, 256, 0, "NTFS stream"},
    {"GET", "https://mail.contoso.com/ecp%252f", "198.51.100.7", NULL, NULL, 256, 0, "double escaping"},
    {"GET", "https://mail.contoso.com/%EF%BD%85cp/", "198.51.100.7", NULL, NULL, 256, 0, "fullwidth e"},
    {"POST", "http://mail.contoso.com/rpc/rpcproxy.dll", "198.51.100.7", NULL, NULL, 0, 0, "Outlook Anywhere"},
  };
  if (json)
    printf("[");
  else
    printf("libsslvdir %s demo: Exchange 2016, offloaded as Configuring SSL offloading in Exchange "
         "2013 says, hosts mail.contoso.com\n"
         "and autodiscover.contoso.com, trusted offloader 10.0.0.5 naming the cipher in "
         "X-SSL-Cipher, with --redirect:\n"
         "Microsoft's opt-in http->https recipe for browsers (site root, owa, ecp get 302 to "
         "https). Exchange itself answers\n"
         "plain HTTP with 403.4.\n\n",
         sslvdir_version(NULL));
  if (!json)
    printf("%-5s %-58s %-13s %-16s %-8s %s\n", "", "REQUEST", "FROM", "DECISION", "UPSTREAM", "VDIR / NOTE");
  int rows = 0;
  for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
    struct eval_req e = {0};
    e.url = reqs[i].url;
    sslvdir_request r = SSLVDIR_REQUEST_INIT;
    if (split_url(&e, &r))
      continue;
    r.method = reqs[i].method;
    r.method_len = strlen(r.method);
    r.host = e.host;
    r.host_len = e.host_len;
    r.scheme = e.tls ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
    r.peer = reqs[i].peer;
    r.peer_len = strlen(r.peer);
    r.cipher_bits = reqs[i].bits;
    r.client_cert = reqs[i].cert;
    r.x_forwarded_proto = reqs[i].xfp;
    r.x_forwarded_proto_len = reqs[i].xfp ? strlen(reqs[i].xfp) : 0;
    r.offload_cipher = reqs[i].cipher;
    r.offload_cipher_len = reqs[i].cipher ? strlen(reqs[i].cipher) : 0;
    static sslvdir_decision d;
    d.version = SSLVDIR_DECISION_VERSION;
    if (sslvdir_decide(p, &r, &d))
      continue;
    char st[64];
    status_text(&d, st, sizeof st);
    if (json) {
      /* The row as eval --json gives the decision, with the scenario. */
      printf("%s\n{\"method\": ", rows++ ? "," : "");
      json_string(stdout, r.method);
      printf(", \"url\": ");
      json_string(stdout, reqs[i].url);
      printf(", \"peer\": ");
      json_string(stdout, reqs[i].peer);
      printf(", \"note\": ");
      json_string(stdout, reqs[i].note);
      printf(", \"decision\": ");
      json_string(stdout, st);
      printf(", \"upstream\": ");
      json_string(stdout, d.action == SSLVDIR_ACTION_ALLOW ? sslvdir_upstream_name(d.upstream) : NULL);
      printf(", \"vdir\": ");
      json_string(stdout, d.vdir ? sslvdir_vdir_config_path(d.vdir) : NULL);
      printf(", \"location\": ");
      json_string(stdout, decision_location(&d, &r));
      printf(", \"reason_code\": ");
      json_string(stdout, sslvdir_reason_name(d.reason));
      printf("}");
      continue;
    }
    /* The request whole: a table column never cuts what it shows. */
    printf("%-5s %-58s %-13s %-16s %-8s %s; %s\n", r.method, reqs[i].url, reqs[i].peer, st,
           d.action == SSLVDIR_ACTION_ALLOW ? sslvdir_upstream_name(d.upstream) : "-",
           d.vdir ? sslvdir_vdir_config_path(d.vdir) : "-", reqs[i].note);
    const char *loc = decision_location(&d, &r);
    if (loc)
      printf("%-5s   -> Location: %s\n", "", loc);
    else if (d.action != SSLVDIR_ACTION_ALLOW)
      printf("%-5s   -> %s\n", "", sslvdir_reason_string(d.reason));
  }
  if (json) {
    printf("\n]\n");
    sslvdir_policy_unref(p);
    return 0;
  }
  printf("\nRun 'sslvdir eval --json METHOD URL' for one request, 'sslvdir show' for the policy.\n");
  sslvdir_policy_unref(p);
  return 0;
}

int main(int argc, char **argv) {
  /* --json anywhere before "--" asks for JSON errors too, from the first
   * one (an unknown option may come before --json). */
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
    if (!strcmp(argv[i], "--json") && errors_to_json()) {
      perror(prog);
      return 1;
    }
  /* The program's own options, up to the subcommand ('+': the first
   * operand ends them). */
  static const struct option lo[] = {{"help", no_argument, NULL, 'h'},
                                     {"version", no_argument, NULL, 'V'},
                                     {"json", no_argument, NULL, OPT_JSON}, LONGOPT_END};
  int c, version = 0, json = 0;
  optind = 0;
  while ((c = next_option(argc, argv, "+hV", lo, prog)) != -1) {
    if (c == 'h')
      return help(prog);
    else if (c == 'V')
      version = 1;
    else if (c == OPT_JSON)
      json = 1;
    else
      return EXIT_USAGE;
  }
  if (version) {
    char *args[] = {"version", json ? "--json" : NULL, NULL};
    return cmd_version(json ? 2 : 1, args);
  }
  if (optind >= argc) {
    fprintf(stderr, "%s: a command is needed\n", prog);
    usage(stderr);
    return EXIT_USAGE;
  }
  argc -= optind;
  argv += optind;
  const char *cmd = argv[0];
  static const struct {
    const char *name;
    int (*run)(int, char **);
  } cmds[] = {
    {"eval", cmd_eval},
    {"show", cmd_show},
    {"rewrite-header", cmd_rewrite_header},
    {"rewrite-body", cmd_rewrite_body},
    {"audit", cmd_audit},
    {"autodiscover", cmd_autodiscover},
    {"cert", cmd_cert},
    {"cipher-bits", cmd_cipher_bits},
    {"config", cmd_config},
    {"haproxy-maps", cmd_haproxy_maps},
    {"presets", cmd_presets},
    {"demo", cmd_demo},
    {"version", cmd_version},
  };
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    if (!strcmp(cmd, cmds[i].name)) {
      /* The command's own --json says how it answers; one before it
       * would leave a script that asked for JSON reading text. */
      if (json) {
        errorc("usage", "--json goes after the command: %s %s --json", prog, cmd);
        return EXIT_USAGE;
      }
      return cmds[i].run(argc, argv);
    }
  if (!strcmp(cmd, "help"))
    return argc > 1 ? help(argv[1]) : help(prog);
  /* One line, as for an unknown option: the whole usage buries it. */
  errorc("usage", "unknown command '%s' (see '%s --help')", cmd, prog);
  return EXIT_USAGE;
}
