/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * doc/certificates.md: the verify function of a C proxy's GnuTLS client
 * session to a bridged backend (the fragment is at file scope), and the
 * proxy's own record of that backend, set with gnutls_session_set_ptr(). */
#include <gnutls/gnutls.h>
#include <sslvdir/sslvdir.h>

struct backend {
  const sslvdir_trust *trust;
  const sslvdir_policy *policy;
  const char *host;
};

/* @SNIPPET@ */

void connect_backend(gnutls_session_t s, struct backend *b);

void connect_backend(gnutls_session_t s, struct backend *b) {
  gnutls_session_set_ptr(s, b);
  gnutls_session_set_verify_function(s, verify);
}
