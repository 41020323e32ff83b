/*
 * Old and new decision layouts, compared (kept for one commit). Compiles
 * against the version 1 layout (path and location inside the decision) and
 * against version 2 (sslvdir_decision_location() and
 * sslvdir_path_canonicalize() on demand) and prints, per request, every
 * field, the canonical path and the Location. Run once against each build
 * and diff the outputs: they must be identical.
 *
 * Requests: the fuzz corpus files given as arguments (read as
 * tests/fuzz/fuzz_decide.c reads them, under its policy), then a fixed
 * number of generated ones under a policy with redirects on non-default
 * ports, a default site with a canonical host, and Autodiscover redirectors
 * (one to a host some site holds, one to a host none does), with paths and
 * queries up to IIS's limits.
 *
 * Not built by make. For T the build tree before the change, then the one
 * after it: cc -std=c11 -I$T/include tests/decide_compare.c
 * -L$T/lib/.libs -lsslvdir -Wl,-rpath,$T/lib/.libs -o cmp, and run ./cmp
 * with the files of tests/fuzz/corpus/decide as arguments into T.out; the
 * two outputs must be the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

static sslvdir_policy *fuzz_policy, *gen_policy;

static void build(void) {
  sslvdir_builder *b;
  if (sslvdir_builder_new(&b) || sslvdir_preset_apply(b, "exchange2016-offload", "Default Web Site", NULL) ||
      sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", NULL) ||
      sslvdir_builder_set_offloader_cipher(b, "10.0.0.0/8", 0, "X-SSL-Cipher", NULL) ||
      sslvdir_builder_add_site(b, "Second", NULL) ||
      sslvdir_builder_set_canonical_host(b, "Second", "second.contoso.com", 8443, NULL) ||
      sslvdir_builder_add_vdir(b, "Second", "/a/b", SSLVDIR_KIND_OWA, NULL) ||
      sslvdir_builder_set_vdir_edge_flags(b, "Second", "/a/b", SSLVDIR_SSL | SSLVDIR_SSL_NEGOTIATE_CERT | SSLVDIR_SSL_REQUIRE_CERT, NULL) ||
      sslvdir_builder_set_vdir_redirect(b, "Second", "/a/b", 308, NULL) ||
      sslvdir_builder_build(b, &fuzz_policy, NULL))
    abort();
  sslvdir_builder_free(b);
  static const char *const vd[] = {"/", "/owa", "/x^y", "/x^y/deep", "/ecp", "/Autodiscover"};
  if (sslvdir_builder_new(&b) || sslvdir_builder_add_site(b, "Fallback", NULL) ||
      sslvdir_builder_set_canonical_host(b, "Fallback", "Fallback.contoso.com", 443, NULL) ||
      sslvdir_builder_add_site(b, "Main", NULL) ||
      sslvdir_builder_add_host(b, "Main", "mail.contoso.com", NULL) ||
      sslvdir_builder_add_host(b, "Main", "10.1.2.3", NULL) ||
      sslvdir_builder_set_canonical_host(b, "Main", "owa.contoso.com", 8443, NULL) ||
      sslvdir_builder_add_site(b, "Port80", NULL) ||
      sslvdir_builder_add_host(b, "Port80", "autodiscover.contoso.com", NULL) ||
      sslvdir_builder_set_site_autodiscover_redirect(b, "Port80", "mail.contoso.com", NULL) ||
      sslvdir_builder_add_site(b, "Elsewhere", NULL) ||
      sslvdir_builder_add_host(b, "Elsewhere", "autodiscover.fabrikam.com", NULL) ||
      sslvdir_builder_set_site_autodiscover_redirect(b, "Elsewhere", "mail.fabrikam.com", NULL) ||
      sslvdir_builder_add_offloader(b, "10.0.0.0/8", NULL))
    abort();
  static const char *const sites[] = {"Fallback", "Main", "Port80", "Elsewhere"};
  for (size_t s = 0; s < 4; s++)
    for (size_t i = 0; i < sizeof vd / sizeof vd[0]; i++) {
      unsigned flags = i == 4 ? SSLVDIR_SSL | SSLVDIR_SSL_128 : i ? SSLVDIR_SSL : 0;
      if (sslvdir_builder_add_vdir(b, sites[s], vd[i], SSLVDIR_KIND_OTHER, NULL) ||
          sslvdir_builder_set_vdir_edge_flags(b, sites[s], vd[i], flags, NULL) ||
          (i != 3 && sslvdir_builder_set_vdir_redirect(b, sites[s], vd[i], i == 5 ? 0 : (const int[]){301, 302, 307, 308}[i % 4], NULL)))
        abort();
    }
  if (sslvdir_builder_build(b, &gen_policy, NULL))
    abort();
  sslvdir_builder_free(b);
}

static void print_bytes(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c > 0x20 && c < 0x7f && c != '\\')
      putchar(c);
    else
      printf("\\x%02x", c);
  }
}

static unsigned long count, redirects;

static void run(const char *tag, const sslvdir_policy *p, const sslvdir_request *r) {
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  if (sslvdir_decide(p, r, &d) != SSLVDIR_OK)
    abort();
  count++;
  redirects += d.action == SSLVDIR_ACTION_REDIRECT;
  printf("%s %s %d %d %s %s %d %s %s %u %u %s %s %zu ", tag, sslvdir_action_name(d.action), d.status,
         d.substatus, sslvdir_reason_name(d.reason), sslvdir_upstream_name(d.upstream), d.tls,
         d.site ? sslvdir_site_name(d.site) : "-", d.vdir ? sslvdir_vdir_path(d.vdir) : "-",
         d.remove_headers, d.set_headers, d.x_forwarded_proto ? d.x_forwarded_proto : "-",
         d.front_end_https ? d.front_end_https : "-", d.path_len);
#if SSLVDIR_DECISION_VERSION == 1
  print_bytes(d.path, strlen(d.path));
  printf(" %zu ", d.location_len);
  print_bytes(d.location, strlen(d.location));
#else
  static char path[SSLVDIR_PATH_BUFSZ], loc[SSLVDIR_LOCATION_BUFSZ];
  size_t n = 0;
  path[0] = '\0';
  if (d.path_len) {
    if (sslvdir_path_canonicalize(path, sizeof path, &n, r->target, r->target_len, NULL) != SSLVDIR_OK ||
        n != d.path_len)
      abort();
  }
  print_bytes(path, strlen(path));
  if (sslvdir_decision_location(&d, r, loc, sizeof loc, &n) != SSLVDIR_OK || n != d.location_len ||
      strlen(loc) != n)
    abort();
  /* Exactly location_len + 1 bytes are enough, one fewer is not. */
  static char exact[SSLVDIR_LOCATION_BUFSZ];
  if (sslvdir_decision_location(&d, r, exact, d.location_len + 1, NULL) != SSLVDIR_OK || strcmp(exact, loc) ||
      sslvdir_decision_location(&d, r, exact, d.location_len, NULL) != SSLVDIR_E_BUFFER_TOO_SMALL)
    abort();
  printf(" %zu ", d.location_len);
  print_bytes(loc, n);
#endif
  putchar('\n');
}

/* As tests/fuzz/fuzz_decide.c reads its input. */
static void fuzz_input(const char *name, const unsigned char *data, size_t size) {
  if (size < 1)
    return;
  unsigned flags = data[0];
  const char *p = (const char *)data + 1, *end = (const char *)data + size;
  const char *field[7] = {0};
  size_t flen[7] = {0};
  for (int i = 0; i < 7 && p <= end; i++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    field[i] = p;
    flen[i] = (size_t)(e - p);
    p = e + 1;
  }
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.target = field[0];
  r.target_len = flen[0];
  r.host = (flags & 1) ? field[1] : NULL;
  r.host_len = (flags & 1) ? flen[1] : 0;
  r.x_forwarded_proto = field[2];
  r.x_forwarded_proto_len = flen[2];
  r.front_end_https = field[3];
  r.front_end_https_len = flen[3];
  r.method = field[4] && flen[4] ? field[4] : "GET";
  r.method_len = field[4] && flen[4] ? flen[4] : 3;
  r.peer = field[5];
  r.peer_len = flen[5];
  r.offload_cipher = field[6];
  r.offload_cipher_len = flen[6];
  r.scheme = (flags & 2) ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
  r.cipher_bits = (flags & 4) ? 256 : (flags & 8) ? 56 : 0;
  r.client_cert = (sslvdir_cert_status)((flags >> 4) % 6);
  run(name, fuzz_policy, &r);
  run("gen-policy", gen_policy, &r);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static unsigned pick(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}
#define PICK(a) (a[pick(sizeof a / sizeof a[0])])

static char target[16384];

static void generated(unsigned long n) {
  static const char *const methods[] = {"GET", "HEAD", "POST", "get"};
  static const char *const hosts[] = {NULL, "mail.contoso.com", "MAIL.Contoso.COM:80", "mail.contoso.com:8080",
                                      "autodiscover.contoso.com", "AutoDiscover.Fabrikam.com",
                                      "other.example", "mail.contoso.com.", "10.1.2.3", "10.1.2.3:80",
                                      "[::1]", "", "bad host", "owa.contoso.com"};
  static const char *const authorities[] = {"http://mail.contoso.com", "HTTP://Mail.Contoso.Com:80",
                                            "https://other.example", "http://autodiscover.contoso.com",
                                            "http://10.1.2.3"};
  static const char *const pieces[] = {"/owa", "/OWA/", "/ecp/x", "/x^y", "/x%5Ey", "/X%5eY/Deep",
                                       "/%u0800", "/%u00e9", "/a/../b", "/./", "//", "/..",
                                       "/autodiscover/autodiscover.xml", "/Autodiscover/AutoDiscover.XML",
                                       "/a b", "/%41", "/PROGRA~1", "/x.", "/\\", "/a;b", "/{}|", "/a&b",
                                       "/%2e%2e", "/%2F", "/\"", "/<>", "/`^", "/~", "/%zz", "/+",
                                       "/a:b", "/%c3%a9", "/%e2%80%8b", "/'()*,=@$!", "/", "/\x7f",
                                       "/#f", "/?"};
  static const char *const queries[] = {"a=1", "\"<>", "^`{|}", "%", "ae=Folder&t=IPF.Note", "", "?",
                                        "\\", "a=%ZZ", "x#y"};
  static const char *const peers[] = {NULL, "10.0.0.5", "192.0.2.1"};
  static const char *const xfps[] = {NULL, "https", "http", " HTTPS "};
  for (unsigned long k = 0; k < n; k++) {
    size_t o = 0;
    unsigned shape = pick(16);
    if (shape == 0)
      o = (size_t)snprintf(target, sizeof target, "*");
    else {
      if (shape == 1)
        o = (size_t)snprintf(target, sizeof target, "%s", PICK(authorities));
      unsigned np = 1 + pick(4);
      for (unsigned i = 0; i < np; i++)
        o += (size_t)snprintf(target + o, sizeof target - o, "%s", PICK(pieces));
      /* Near IIS's limits: long paths and long queries of bytes a Location
       * must encode, so that some redirects no longer fit. */
      if (shape == 2 || shape == 3) {
        static const char *const fill[] = {"a", "^", "%5E", "%u0800", "/", "/a", "/^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
                                           "/%u0800%u0800%u0800%u0800%u0800%u0800%u0800%u0800%u0800%u0800%u0800%u0800%u0800"};
        const char *f = PICK(fill);
        size_t want = 3900 + pick(260), fl = strlen(f);
        while (o + fl <= want && o + fl < sizeof target)
          o += (size_t)snprintf(target + o, sizeof target - o, "%s", f);
      }
      if (pick(2)) {
        o += (size_t)snprintf(target + o, sizeof target - o, "?%s", PICK(queries));
        if (shape >= 4 && shape <= 7) {
          static const char *const qfill[] = {"q", "\"", "{}", "a^"};
          const char *f = PICK(qfill);
          size_t want = o + 1700 + pick(400), fl = strlen(f);
          while (o + fl <= want && o + fl < sizeof target)
            o += (size_t)snprintf(target + o, sizeof target - o, "%s", f);
        }
      }
    }
    sslvdir_request r = SSLVDIR_REQUEST_INIT;
    r.method = PICK(methods);
    r.method_len = strlen(r.method);
    r.target = target;
    r.target_len = o;
    r.host = PICK(hosts);
    r.host_len = r.host ? strlen(r.host) : 0;
    r.scheme = pick(4) ? SSLVDIR_SCHEME_HTTP : SSLVDIR_SCHEME_HTTPS;
    r.cipher_bits = pick(2) ? 256 : 0;
    r.peer = PICK(peers);
    r.peer_len = r.peer ? strlen(r.peer) : 0;
    r.x_forwarded_proto = PICK(xfps);
    r.x_forwarded_proto_len = r.x_forwarded_proto ? strlen(r.x_forwarded_proto) : 0;
    char tag[32];
    snprintf(tag, sizeof tag, "gen%lu", k);
    run(tag, gen_policy, &r);
    if (k % 8 == 0)
      run(tag, fuzz_policy, &r);
  }
}

int main(int argc, char **argv) {
  build();
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f)
      return 2;
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *base = strrchr(argv[i], '/');
    fuzz_input(base ? base + 1 : argv[i], buf, n);
  }
  generated(200000);
  fprintf(stderr, "decide_compare: %lu decisions, %lu redirects\n", count, redirects);
  return 0;
}
