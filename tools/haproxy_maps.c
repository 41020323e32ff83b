/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * sslvdir haproxy-maps: the HAProxy fast path, written from the policy.
 *
 * HAProxy answers most requests with its own rules (a map lookup and a few
 * header edits) when the maps say, for certain, what the library would
 * decide; everything else goes to the plugin's Lua action, which stays the
 * authority. Every map value is the library's own decision for that vdir
 * (sslvdir_decide() on a request to the vdir's path), not a reading of its
 * flags: the generator cannot disagree with the library about a vdir, only
 * leave it to Lua.
 *
 * What a map entry stands for: every request whose target is "plainly clean"
 * (the snippet's sslvdir_plain ACL: ASCII letters, digits, '-', '_', '@', dots
 * inside segments, no '%' '\' ';' ':' '~' '+', no "//" or "/.", a short
 * path), whose one Host is a listed host name without a port, from a peer
 * that is no trusted offloader, with GET/HEAD (or POST, PUT, DELETE,
 * OPTIONS, PATCH), at at least 128 bits over TLS. For those the library
 * decides by the vdir alone: the canonical path is the raw path, matched
 * case-insensitively, longest vdir first, and the vdir's flags decide.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

/* The maps and lists the snippet names, by the request class each serves. */
enum { MAP_HTTPS, MAP_HTTP_GET, MAP_HTTP_OTHER, NMAPS };
static const char *const map_names[NMAPS] = {"sslvdir-https.map", "sslvdir-http-get.map",
                                             "sslvdir-http.map"};
/* The request the generator asks the library about, per map. */
static const char *const map_methods[NMAPS] = {"GET", "GET", "POST"};

/* Bytes a map key may hold: what the snippet's sslvdir_plain ACL lets
 * through, lower-cased (the lookup lower-cases base). A host name is the same
 * without '/' and '_'. */
static int key_path(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
         c == '/';
}

static int key_host(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* The snippets, one per scheme: the same text for every policy (everything
 * the policy decides is in the maps), so that a regenerated set of maps never
 * needs another configuration. ${SSLVDIR_MAPS} is the directory, which the
 * plugin reads too and checks against its policy at start-up.
 * doc/haproxy.md shows them; tests/haproxy-maps.sh checks that they agree.
 *
 * Every rule costs HAProxy about as much as a small sample fetch, whether
 * its condition holds or not, and every read of a variable costs another
 * (bench/README.md, "bench/haproxy"), so the rules are few and cheap to skip:
 * - one snippet per scheme, for a frontend that binds that scheme only:
 *   neither carries the other scheme's rules, and each tests the scheme
 *   once, in its lookup (!ssl_fc; a key size, which a plain connection does
 *   not have), so that one put in the wrong frontend sends everything to Lua
 *   instead of answering from the other scheme's map;
 * - the lookup keeps only what follows the first field of a native value
 *   (field(2,|,0)), so that "lua" leaves txn.sslvdir_fp unset and every
 *   later rule of a request left to Lua fails on a missing variable;
 * - reason and vdir are fields every native value has: no condition;
 * - one regular expression also bounds the path (255 bytes) and the target
 *   (2048): two fewer fetches than a length ACL each. It needs HAProxy built
 *   with PCRE or PCRE2 (without, HAProxy refuses the configuration);
 * - over plain HTTP a redirect's status starts its value and ends the rules
 *   early; the TLS map holds no redirect (value_for), so its first field is
 *   the upstream, unconditionally;
 * - what is left native is an allow, decided by its upstream: both headers
 *   removed by one rule (a name pattern), the ones the upstream needs set. */
#define SNIPPET_ACLS                                                                              \
  "    acl sslvdir_plain url -m reg "                                                            \
  "'^(?=[^?]{0,255}(\\?|$))(?=.{0,2048}$)(/[A-Za-z0-9_@-]+(\\.[A-Za-z0-9_@-]+)*)*/?"              \
  "(\\?[-A-Za-z0-9._~!$&()*,;=:@/?%+]*)?$'\n"                                                     \
  "    acl sslvdir_one_host req.hdr_cnt(host) eq 1\n"                                            \
  "    acl sslvdir_host req.hdr(host),lower -f \"${SSLVDIR_MAPS}/sslvdir-hosts.lst\"\n"           \
  "    acl sslvdir_offloader src -f \"${SSLVDIR_MAPS}/sslvdir-offloaders.lst\"\n"
#define SNIPPET_GUARD "sslvdir_one_host sslvdir_host sslvdir_plain !sslvdir_offloader"
#define SNIPPET_LOOKUP(map)                                                                       \
  "    http-request set-var(txn.sslvdir_fp) base,lower,concat(,,/),map_beg(\"${SSLVDIR_MAPS}/" map \
  "\"),field(2,|,0) if "
#define SNIPPET_VARS                                                                              \
  "    http-request set-var(txn.sslvdir_reason) var(txn.sslvdir_fp),field(2,|)\n"                  \
  "    http-request set-var(txn.sslvdir_vdir) var(txn.sslvdir_fp),field(3,|)\n"                    \
  "    http-request set-var(txn.sslvdir_path) path if { var(txn.sslvdir_fp) -m found }\n"
/* redirect, not return: HAProxy's redirect says "302 Found" (as the plugin
 * does; return says "Moved Temporarily") and adds Cache-Control: no-cache. */
#define SNIPPET_REDIRECT(st)                                                                      \
  "    http-request redirect location \"https://%[req.hdr(host),lower]%[url]\" code " st        \
  " if { var(txn.sslvdir_status) -m str " st " }\n"
#define SNIPPET_DEL_HEADERS "    http-request del-header ^(x-forwarded-proto|front-end-https)$ -m reg if "
#define SNIPPET_LUA "    http-request lua.sslvdir unless { var(txn.sslvdir_upstream) -m found }\n"

static const char snippet_http[] =
  "    # The sslvdir fast path, for a frontend that binds plain HTTP only\n"
  "    # (sslvdir haproxy-maps writes the files): HAProxy answers from the maps\n"
  "    # what is certainly the policy's answer; anything else goes to\n"
  "    # lua.sslvdir. SSLVDIR_MAPS is set in the global section.\n"
  SNIPPET_ACLS
  "    acl sslvdir_other method POST PUT DELETE OPTIONS PATCH\n"
  SNIPPET_LOOKUP("sslvdir-http-get.map") "METH_GET !{ ssl_fc } " SNIPPET_GUARD "\n"
  SNIPPET_LOOKUP("sslvdir-http.map") "sslvdir_other !{ ssl_fc } " SNIPPET_GUARD "\n"
  SNIPPET_VARS
  "    http-request set-var(txn.sslvdir_status) var(txn.sslvdir_fp),field(1,|) if { var(txn.sslvdir_fp) -m beg 3 }\n"
  SNIPPET_REDIRECT("302") SNIPPET_REDIRECT("301") SNIPPET_REDIRECT("307") SNIPPET_REDIRECT("308")
  "    http-request set-var(txn.sslvdir_upstream) var(txn.sslvdir_fp),field(1,|) if !{ var(txn.sslvdir_status) -m found }\n"
  SNIPPET_DEL_HEADERS "{ var(txn.sslvdir_upstream) -m found }\n"
  "    http-request set-header X-Forwarded-Proto http if { var(txn.sslvdir_upstream) -m str offload }\n"
  SNIPPET_LUA;

static const char snippet_https[] =
  "    # The sslvdir fast path, for a frontend that binds TLS only (sslvdir\n"
  "    # haproxy-maps writes the files): HAProxy answers from the maps what is\n"
  "    # certainly the policy's answer; anything else goes to lua.sslvdir.\n"
  "    # SSLVDIR_MAPS is set in the global section.\n"
  SNIPPET_ACLS
  SNIPPET_LOOKUP("sslvdir-https.map") "{ ssl_fc_use_keysize ge 128 } " SNIPPET_GUARD "\n"
  SNIPPET_VARS
  "    http-request set-var(txn.sslvdir_upstream) var(txn.sslvdir_fp),field(1,|)\n"
  SNIPPET_DEL_HEADERS "{ var(txn.sslvdir_upstream) -m str bridge }\n"
  "    http-request set-header X-Forwarded-Proto https if { var(txn.sslvdir_upstream) -m str offload }\n"
  "    http-request set-header Front-End-Https On if { var(txn.sslvdir_upstream) -m str offload }\n"
  "    http-request set-var(txn.sslvdir_tls) str(1) if { var(txn.sslvdir_upstream) -m found }\n"
  SNIPPET_LUA;

/* One map line. */
struct entry {
  char *key, *value;
};

struct out {
  struct entry *e;
  size_t n, cap;
};

static int add(struct out *o, const char *key, const char *value) {
  if (o->n == o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 64;
    struct entry *e = realloc(o->e, cap * sizeof *e);
    if (!e)
      return -1;
    o->e = e;
    o->cap = cap;
  }
  o->e[o->n].key = strdup(key);
  o->e[o->n].value = strdup(value);
  if (!o->e[o->n].key || !o->e[o->n].value) {
    free(o->e[o->n].key);
    free(o->e[o->n].value);
    return -1;
  }
  o->n++;
  return 0;
}

/* Longest key first (map_beg takes the first prefix that matches), then in
 * byte order: the files are the same for the same policy. */
static int by_length(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  size_t lx = strlen(x->key), ly = strlen(y->key);
  if (lx != ly)
    return lx > ly ? -1 : 1;
  return strcmp(x->key, y->key);
}

static int all_in(const char *s, int (*ok)(unsigned char)) {
  for (; *s; s++)
    if (!ok((unsigned char)*s))
      return 0;
  return 1;
}

/* A vdir path a clean request can name: "/" or "/seg/seg" with segments the
 * sslvdir_plain ACL allows (no empty segment, no dot at either end). */
static int clean_path(const char *p) {
  if (p[0] != '/')
    return 0;
  if (!p[1])
    return 1;
  for (const char *s = p; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 'A' && c <= 'Z')
      c = (unsigned char)(c + 32);
    if (!key_path(c))
      return 0;
    if (c == '/' && (s[1] == '\0' || s[1] == '/' || s[1] == '.'))
      return 0;
    if (c == '.' && (s[1] == '\0' || s[1] == '/' || s[1] == '.'))
      return 0;
  }
  return 1;
}

/* A map value can hold the vdir's name: printable ASCII, no '|' (the field
 * separator), no blank at either end (HAProxy trims them). */
static int clean_value(const char *s) {
  size_t n = strlen(s);
  if (!n || s[0] == ' ' || s[n - 1] == ' ')
    return 0;
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f || *s == '|')
      return 0;
  return 1;
}

/*
 * The map value for one request class to one vdir: what the library decides
 * for the vdir's path, if the snippet can carry it out exactly, else "lua".
 * "redirect|STATUS|REASON|VDIR" or "allow|UPSTREAM|REASON|VDIR": the snippet
 * drops the first field (which only tells a reader, and the plugin's check,
 * what the line is) and reads the rest by position. An allowed request has
 * X-Forwarded-Proto and Front-End-Https stripped and set as its upstream and
 * the map's scheme say (offload: X-Forwarded-Proto the scheme, over TLS
 * Front-End-Https On too; bridge: neither); a policy with an offloader
 * cipher header (a third header to strip) stays with Lua. Refusals stay with
 * Lua too: their body and debug headers are the plugin's.
 */
static int value_for(const sslvdir_policy *p, const sslvdir_site *site, const sslvdir_vdir *v,
                     const char *host, const char *target, int map, char *buf, size_t size) {
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.method = map_methods[map];
  r.method_len = strlen(r.method);
  r.target = target;
  r.target_len = strlen(target);
  r.host = host;
  r.host_len = strlen(host);
  r.scheme = map == MAP_HTTPS ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
  /* The snippet's guard: at least 128 bits. 128 is the least it lets
   * through, so a decision that holds at 128 holds for all of them. */
  r.cipher_bits = map == MAP_HTTPS ? 128 : 0;
  sslvdir_decision d = {.version = SSLVDIR_DECISION_VERSION};
  snprintf(buf, size, "lua");
  if (sslvdir_decide(p, &r, &d) != SSLVDIR_OK)
    return -1;
  if (d.site != site || d.vdir != v || !clean_value(sslvdir_vdir_config_path(v)))
    return 0;
  /* Over TLS a vdir that asks for a client certificate decides by the one
   * presented, which the maps do not see. (Without TLS there is none: the
   * plugin says so too.) */
  if (map == MAP_HTTPS && (sslvdir_vdir_edge_flags(v) & (SSLVDIR_SSL_NEGOTIATE_CERT |
                                                         SSLVDIR_SSL_REQUIRE_CERT |
                                                         SSLVDIR_SSL_MAP_CERT)))
    return 0;
  if (d.remove_headers != (SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO | SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS))
    return 0;
  char second[16];
  if (d.action == SSLVDIR_ACTION_REDIRECT) {
    /* The snippet writes https://<Host, lower-cased><target>: that must be
     * the library's Location (the https port 443, the request's host). */
    char loc[SSLVDIR_LOCATION_BUFSZ], want[SSLVDIR_LOCATION_BUFSZ];
    snprintf(want, sizeof want, "https://%s%s", host, target);
    if (sslvdir_decision_location(&d, &r, loc, sizeof loc, NULL) != SSLVDIR_OK ||
        strcmp(loc, want) || d.reason != SSLVDIR_R_REDIRECT_HTTPS)
      return 0;
    /* The http snippet has a return rule for these four only, and the
     * https one none: it reads the first field as the upstream. (A TLS
     * request is not sent to https://<its own Host and target>.) */
    if (map == MAP_HTTPS || (d.status != 301 && d.status != 302 && d.status != 307 &&
                             d.status != 308))
      return 0;
    snprintf(second, sizeof second, "%d", d.status);
  } else if (d.action == SSLVDIR_ACTION_ALLOW) {
    int offload = d.upstream == SSLVDIR_UPSTREAM_OFFLOAD;
    if (!offload && d.upstream != SSLVDIR_UPSTREAM_BRIDGE)
      return 0;
    /* The headers the snippet sets for this upstream and scheme. */
    unsigned set = offload ? SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO |
                                 (d.tls ? SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS : 0) : 0;
    if (d.set_headers != set || d.tls != (map == MAP_HTTPS))
      return 0;
    if (offload && (strcmp(d.x_forwarded_proto, d.tls ? "https" : "http") ||
                    (d.tls && strcmp(d.front_end_https, "On"))))
      return 0;
    snprintf(second, sizeof second, "%s", sslvdir_upstream_name(d.upstream));
  } else {
    return 0;
  }
  snprintf(buf, size, "%s|%s|%s|%s", d.action == SSLVDIR_ACTION_REDIRECT ? "redirect" : "allow",
           second, sslvdir_reason_name(d.reason), sslvdir_vdir_config_path(v));
  return 0;
}

/* The entries of one site, for each of its hosts a map can name. */
static int site_entries(const sslvdir_policy *p, const sslvdir_site *site, struct out *maps,
                        struct out *hosts) {
  size_t nv = sslvdir_site_vdir_count(site);
  /* A vdir path the maps cannot name: its requests would match a shorter
   * key, so none of the site's requests can be answered from the maps. */
  int whole_site_to_lua = 0;
  for (size_t i = 0; i < nv; i++)
    whole_site_to_lua |= !clean_path(sslvdir_vdir_path(sslvdir_site_vdir(site, i)));
  for (size_t h = 0; h < sslvdir_site_host_count(site); h++) {
    char host[256];
    const char *name = sslvdir_site_host(site, h);
    size_t hl = strlen(name);
    if (hl == 0 || hl >= sizeof host)
      continue;
    for (size_t i = 0; i <= hl; i++)
      host[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    /* A wildcard, a port, anything but a plain name: left out of the host
     * list, so its requests go to Lua. */
    if (!all_in(host, key_host) || host[0] == '.' || host[hl - 1] == '.')
      continue;
    if (add(hosts, host, ""))
      return -1;
    char key[SSLVDIR_MAX_URL + 300], value[1024];
    /* The site's requests that match no vdir: without a root vdir, Lua. */
    int has_root = 0;
    for (size_t i = 0; i < nv; i++)
      has_root |= !strcmp(sslvdir_vdir_path(sslvdir_site_vdir(site, i)), "/");
    snprintf(key, sizeof key, "%s/", host);
    for (int m = 0; !has_root && m < NMAPS; m++)
      if (add(&maps[m], key, "lua"))
        return -1;
    for (size_t i = 0; i < nv; i++) {
      const sslvdir_vdir *v = sslvdir_site_vdir(site, i);
      const char *path = sslvdir_vdir_path(v);
      if (!clean_path(path))
        continue;
      int root = !path[1];
      char target[SSLVDIR_MAX_URL + 2];
      snprintf(target, sizeof target, "%s%s", path, root ? "" : "/");
      int n = snprintf(key, sizeof key, "%s%s", host, target);
      if (n < 0 || (size_t)n >= sizeof key)
        return -1;
      for (char *k = key; *k; k++)
        *k = (char)(*k >= 'A' && *k <= 'Z' ? *k + 32 : *k);
      for (int m = 0; m < NMAPS; m++) {
        if (whole_site_to_lua)
          snprintf(value, sizeof value, "lua");
        else if (value_for(p, site, v, host, target, m, value, sizeof value))
          return -1;
        if (add(&maps[m], key, value))
          return -1;
      }
    }
    /* The port-80 Autodiscover file of a redirect site: the library answers
     * it before any vdir, so it stays with Lua in every map. */
    if (sslvdir_site_autodiscover_redirect(site)) {
      snprintf(key, sizeof key, "%s/autodiscover/autodiscover.xml/", host);
      for (int m = 0; m < NMAPS; m++)
        if (add(&maps[m], key, "lua"))
          return -1;
    }
  }
  return 0;
}

/* Writes dir/name atomically: a temporary file in the same directory,
 * flushed to disk, then renamed over the old one, so that HAProxy reloading
 * at the same time reads the old file or the new one, never half of one. */
static int write_file(const char *dir, const char *name, const char *header,
                      const struct out *o, int with_values, const char *text) {
  char path[PATH_MAX], tmp[PATH_MAX];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
      (size_t)snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name) >= sizeof tmp) {
    fprintf(stderr, "%s: haproxy-maps: %s: path too long\n", prog, dir);
    return -1;
  }
  int fd = mkstemp(tmp);
  if (fd < 0) {
    fprintf(stderr, "%s: haproxy-maps: %s: %s\n", prog, tmp, strerror(errno));
    return -1;
  }
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    unlink(tmp);
    fprintf(stderr, "%s: haproxy-maps: %s: %s\n", prog, tmp, strerror(errno));
    return -1;
  }
  fputs(header, f);
  if (text)
    fputs(text, f);
  for (size_t i = 0; o && i < o->n; i++)
    fprintf(f, with_values ? "%s %s\n" : "%s\n", o->e[i].key, o->e[i].value);
  int bad = fflush(f) || fsync(fileno(f)) || fchmod(fileno(f), 0644);
  bad |= fclose(f) != 0;
  if (bad || rename(tmp, path)) {
    fprintf(stderr, "%s: haproxy-maps: %s: %s\n", prog, path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

int cmd_haproxy_maps(int argc, char **argv) {
  struct policy_opts po = {0};
  /* The stamp: which policy, as the command was given it (before the
   * options are read: --host cuts its value in place). The plugin does
   * not trust it: at start-up it asks its own policy every entry again. */
  char header[2048];
  size_t hl = (size_t)snprintf(header, sizeof header,
                               "# Written by sslvdir haproxy-maps %s from the policy of:\n# sslvdir haproxy-maps",
                               sslvdir_version(NULL));
  for (int i = 1; i < argc && hl < sizeof header - 64; i++) {
    const char *a = argv[i];
    int safe = 1;
    for (const char *k = a; *k; k++)
      safe &= (unsigned char)*k >= 0x20 && (unsigned char)*k < 0x7f;
    hl += (size_t)snprintf(header + hl, sizeof header - hl, " %.*s", safe ? 200 : 1,
                           safe ? a : "?");
  }
  if (hl >= sizeof header - 64)
    hl = sizeof header - 64;
  snprintf(header + hl, sizeof header - hl,
           "\n# Do not edit: regenerate it, then reload HAProxy (doc/haproxy.md, \"Fast path\").\n");

  static const struct option lo[] = {{"help", no_argument, NULL, 'h'}, LONGOPTS_POLICY,
                                     LONGOPT_END};
  int c;
  optind = 0;
  while ((c = next_option(argc, argv, "h", lo, "haproxy-maps")) != -1) {
    if (c == 'h')
      return help("haproxy-maps");
    int r = policy_option(&po, c, optarg);
    if (r < 0)
      return EXIT_USAGE;
    if (r == 0)
      return EXIT_USAGE;
  }
  if (argc - optind != 1) {
    fprintf(stderr, "%s: haproxy-maps needs one DIRECTORY\n", prog);
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *dir = argv[optind];
  struct stat st;
  int failed = stat(dir, &st) != 0;
  if (failed || !S_ISDIR(st.st_mode)) {
    /* The directory is not made here: a mistyped path would quietly get
     * maps the configuration never reads. */
    if (failed && errno == ENOENT)
      fprintf(stderr, "%s: haproxy-maps: %s: no such directory (make it first)\n", prog, dir);
    else
      fprintf(stderr, "%s: haproxy-maps: %s: not a directory\n", prog, dir);
    return EXIT_USAGE;
  }
  sslvdir_policy *p;
  int rc = load_policy(&po, &p);
  if (rc)
    return rc;

  struct out maps[NMAPS] = {{0}}, hosts = {0}, offloaders = {0};
  rc = 0;
  for (size_t s = 0; !rc && s < sslvdir_policy_site_count(p); s++)
    if (site_entries(p, sslvdir_policy_site(p, s), maps, &hosts))
      rc = 1;
  for (size_t i = 0; !rc && i < sslvdir_policy_offloader_count(p); i++)
    if (add(&offloaders, sslvdir_policy_offloader(p, i), ""))
      rc = 1;
  if (rc)
    fprintf(stderr, "%s: haproxy-maps: %s\n", prog, sslvdir_strerror(SSLVDIR_E_NOMEM));

  for (int m = 0; m < NMAPS; m++)
    qsort(maps[m].e, maps[m].n, sizeof *maps[m].e, by_length);
  for (int m = 0; !rc && m < NMAPS; m++)
    rc = write_file(dir, map_names[m], header, &maps[m], 1, NULL) ? 1 : 0;
  if (!rc)
    rc = write_file(dir, "sslvdir-hosts.lst", header, &hosts, 0, NULL) ? 1 : 0;
  if (!rc)
    rc = write_file(dir, "sslvdir-offloaders.lst", header, &offloaders, 0, NULL) ? 1 : 0;
  if (!rc)
    rc = write_file(dir, "sslvdir-fastpath-http.cfg", header, NULL, 0, snippet_http) ? 1 : 0;
  if (!rc)
    rc = write_file(dir, "sslvdir-fastpath-https.cfg", header, NULL, 0, snippet_https) ? 1 : 0;

  for (int m = 0; m < NMAPS; m++) {
    for (size_t i = 0; i < maps[m].n; i++) {
      free(maps[m].e[i].key);
      free(maps[m].e[i].value);
    }
    free(maps[m].e);
  }
  struct out *lists[] = {&hosts, &offloaders};
  for (size_t l = 0; l < 2; l++) {
    for (size_t i = 0; i < lists[l]->n; i++) {
      free(lists[l]->e[i].key);
      free(lists[l]->e[i].value);
    }
    free(lists[l]->e);
  }
  sslvdir_policy_unref(p);
  return rc;
}
