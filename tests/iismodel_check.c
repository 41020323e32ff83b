/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The model-versus-library invariant: see tests/iismodel_check.h. */
#include "iismodel_check.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

sslvdir_policy *iism_build(const iism_policy *mp) {
  static const char site[] = "Default Web Site";
  sslvdir_builder *b;
  sslvdir_policy *p = NULL;
  sslvdir_error e;
  memset(&e, 0, sizeof e);
  if (sslvdir_builder_new(&b, NULL))
    return NULL;
  int rc = sslvdir_builder_add_site(b, site, &e);
  if (!rc)
    rc = sslvdir_builder_add_host(b, site, "mail.contoso.com", &e);
  if (!rc)
    rc = sslvdir_builder_set_canonical_host(b, site, "mail.contoso.com", 443, &e);
  for (size_t i = 0; !rc && i < mp->nloc; i++) {
    const iism_location *l = &mp->loc[i];
    rc = sslvdir_builder_add_vdir(b, site, l->path, SSLVDIR_KIND_OTHER, &e);
    /* A location without a setting of its own gets none here either: what
     * the library then does is what is being tested. */
    if (!rc && l->flags != IISM_INHERIT) {
      rc = sslvdir_builder_set_vdir_edge_flags(b, site, l->path, (unsigned)l->flags, &e);
      if (!rc)
        rc = sslvdir_builder_set_vdir_backend_flags(b, site, l->path, (unsigned)l->flags, &e);
      if (!rc && mp->redirect && (l->flags & IISM_SSL))
        rc = sslvdir_builder_set_vdir_redirect(b, site, l->path, 302, &e);
    }
  }
  if (!rc)
    rc = sslvdir_builder_build(b, &p, &e);
  if (rc)
    fprintf(stderr, "model policy %s: %s\n", mp->name, e.message);
  sslvdir_builder_free(b);
  return rc ? NULL : p;
}

/* The target with every byte outside printable ASCII (and '\') as \xNN. */
static void escape(char *out, size_t size, const char *s, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 5 < size; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x21 || c >= 0x7f || c == '\\')
      o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
    else
      out[o++] = (char)c;
  }
  out[o < size ? o : size - 1] = '\0';
}

int iism_check(const iism_policy *mp, const sslvdir_policy *lp, const char *target, size_t len,
               int tls, const char *method, char *msg, size_t msgsz) {
  iism_answer m;
  iism_route(mp, target, len, &m);

  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.method = method;
  r.method_len = strlen(method);
  r.target = target;
  r.target_len = len;
  r.host = "mail.contoso.com";
  r.host_len = 16;
  r.scheme = tls ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
  r.cipher_bits = tls ? 256 : 0;
  r.client_cert = tls ? SSLVDIR_CERT_STATUS_OK : SSLVDIR_CERT_STATUS_NONE;
  static sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  if (sslvdir_decide(lp, &r, &d) != SSLVDIR_OK) {
    snprintf(msg, msgsz, "sslvdir_decide() failed");
    return IISM_DISAGREE;
  }
  /* The library decided the path when it canonicalised it. */
  int lib_routed = d.path_len > 0;
  const char *lib_vdir = d.vdir ? sslvdir_vdir_path(d.vdir) : NULL;
  const char *model_vdir = m.vdir >= 0 ? mp->loc[m.vdir].path : NULL;
  const char *broken = NULL;

  if (m.outcome == IISM_ROUTE && m.ssl && !tls && d.action == SSLVDIR_ACTION_ALLOW)
    broken = "(a) allowed over plain HTTP where IIS requires SSL";
  else if (m.outcome == IISM_ROUTE && lib_routed &&
           !(lib_vdir && model_vdir ? !strcasecmp(lib_vdir, model_vdir) : lib_vdir == model_vdir))
    broken = "(b) another vdir than IIS's";
  else if (m.outcome == IISM_REJECT && d.action != SSLVDIR_ACTION_DENY)
    broken = "(c) not refused where IIS refuses";
  if (!broken) {
    if (m.outcome == IISM_ABSTAIN)
      return IISM_NO_MODEL;
    if (m.outcome == IISM_REJECT)
      return IISM_BOTH_REFUSE;
    return lib_routed ? IISM_AGREE : IISM_LIB_REFUSES;
  }
  char esc[1024], status[16] = "";
  escape(esc, sizeof esc, target, len);
  if (d.status && d.substatus >= 0)
    snprintf(status, sizeof status, " %d.%d", d.status, d.substatus);
  else if (d.status)
    snprintf(status, sizeof status, " %d", d.status);
  const char *rn = sslvdir_reason_name(d.reason);
  static char path[SSLVDIR_PATH_BUFSZ];
  if (sslvdir_path_canonicalize(target, len, NULL, path, sizeof path, NULL) != SSLVDIR_OK)
    snprintf(path, sizeof path, "?");
  snprintf(msg, msgsz,
           "%s\n"
           "  policy:  %s\n"
           "  request: %s %s://mail.contoso.com%s\n"
           "  model:   %s%s%s\n"
           "  library: %s%s vdir=%s path=%s reason=%s",
           broken, mp->name, method, tls ? "https" : "http", esc,
           m.outcome == IISM_ROUTE ? "vdir=" : m.outcome == IISM_REJECT ? "IIS refuses: " : "abstains: ",
           m.outcome == IISM_ROUTE ? (model_vdir ? model_vdir : "-") : m.why,
           m.outcome == IISM_ROUTE ? (m.ssl ? ", SSL required" : ", no SSL required") : "",
           sslvdir_action_name(d.action), status, lib_vdir ? lib_vdir : "-",
           d.path_len ? path : "-", rn ? rn : "?");
  return IISM_DISAGREE;
}
