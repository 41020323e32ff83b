/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Fuzz target: the path canonicaliser and the whole decision. The input is
 * split on '\n' into target, Host, X-Forwarded-Proto, Front-End-Https,
 * method, peer and the offloaders' cipher header; a few bits of the first byte choose scheme, key size and
 * certificate status. Invariants: no crash, a refused target has an empty
 * canonical path, a redirect's Location is printable ASCII and starts with
 * https://, and canonicalising a canonical path (within IIS's length limit)
 * gives it back unchanged. And, under each policy of the reference model
 * (tests/iismodel.c), the model's invariant: never allowed over plain HTTP
 * where IIS requires SSL, the same vdir whenever both route, refused where
 * IIS refuses (tests/iismodel_check.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

#include "../iismodel_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sslvdir_policy *policy;
static sslvdir_policy *model_policy[8];

static void setup(void) {
  sslvdir_builder *b;
  if (sslvdir_builder_new(&b, NULL) || sslvdir_preset_apply(b, "exchange2016-offload", "Default Web Site", NULL) ||
      sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", NULL) ||
      sslvdir_builder_set_offloader_cipher(b, "10.0.0.0/8", 0, "X-SSL-Cipher", NULL) ||
      sslvdir_builder_add_site(b, "Second", NULL) ||
      sslvdir_builder_set_canonical_host(b, "Second", "second.contoso.com", 8443, NULL) ||
      sslvdir_builder_add_vdir(b, "Second", "/a/b", SSLVDIR_KIND_OWA, NULL) ||
      sslvdir_builder_set_vdir_edge_flags(b, "Second", "/a/b", SSLVDIR_SSL | SSLVDIR_SSL_NEGOTIATE_CERT | SSLVDIR_SSL_REQUIRE_CERT, NULL) ||
      sslvdir_builder_set_vdir_redirect(b, "Second", "/a/b", 308, NULL) ||
      sslvdir_builder_build(b, &policy, NULL))
    abort();
  sslvdir_builder_free(b);
  if (iism_npolicies > sizeof model_policy / sizeof model_policy[0])
    abort();
  for (size_t i = 0; i < iism_npolicies; i++)
    if (!(model_policy[i] = iism_build(&iism_policies[i])))
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!policy)
    setup();
  if (size < 1)
    return 0;
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
  /* The canonicaliser on its own, and its idempotence. */
  static char out[SSLVDIR_PATH_BUFSZ], again[SSLVDIR_PATH_BUFSZ];
  size_t n = 0, n2 = 0;
  int reason;
  int rc = sslvdir_path_canonicalize(field[0], flen[0], &reason, out, sizeof out, &n);
  if (rc == SSLVDIR_E_REFUSED && out[0])
    abort();
  /* Escapes can make the canonical form longer than the raw target (%uXXXX
   * is six bytes, its UTF-8 as %XX nine), and then IIS's 4096-byte limit
   * rightly refuses it as raw input: idempotence holds within the limit. */
  if (rc == SSLVDIR_OK && out[0] == '/' && n <= SSLVDIR_MAX_URL) {
    if (sslvdir_path_canonicalize(out, n, &reason, again, sizeof again, &n2) != SSLVDIR_OK ||
        n2 != n || memcmp(out, again, n))
      abort();
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
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  if (sslvdir_decide(policy, &r, &d) != SSLVDIR_OK)
    abort();
  /* The Location, written on demand: exactly location_len + 1 bytes are
   * enough, one fewer is not. */
  static char loc[SSLVDIR_LOCATION_BUFSZ];
  size_t ln = 99;
  if (sslvdir_decision_location(&d, &r, loc, sizeof loc, &ln) != SSLVDIR_OK || ln != d.location_len ||
      strlen(loc) != ln)
    abort();
  if (d.action == SSLVDIR_ACTION_REDIRECT) {
    if (d.location_len < 9 || memcmp(loc, "https://", 8))
      abort();
    for (size_t i = 0; i < d.location_len; i++)
      if ((unsigned char)loc[i] <= 0x20 || (unsigned char)loc[i] >= 0x7f)
        abort();
    if (sslvdir_decision_location(&d, &r, again, d.location_len + 1, &ln) != SSLVDIR_OK ||
        strcmp(again, loc) ||
        sslvdir_decision_location(&d, &r, again, d.location_len, &ln) != SSLVDIR_E_BUFFER_TOO_SMALL ||
        again[0])
      abort();
  } else if (d.location_len) {
    abort();
  }
  /* The decision's canonical path is the canonicaliser's. */
  if (d.path_len && (rc != SSLVDIR_OK || n != d.path_len))
    abort();
  /* The reference model: the target alone, plain HTTP or TLS as the first
   * byte says, GET or POST as the method field says. */
  const char *method = flen[4] == 4 && !memcmp(field[4], "POST", 4) ? "POST" : "GET";
  for (size_t i = 0; i < iism_npolicies; i++) {
    char msg[2048];
    if (iism_check(&iism_policies[i], model_policy[i], field[0], flen[0], (flags & 2) != 0, method,
                   msg, sizeof msg) == IISM_DISAGREE) {
      fprintf(stderr, "model disagreement: %s\n", msg);
      abort();
    }
  }
  return 0;
}
