/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The invariant between the reference model (tests/iismodel.h) and the
 * library, shared by the property test (tests/differential.c) and the decide
 * fuzz target, so that both check the same thing.
 */
#ifndef IISMODEL_CHECK_H
#define IISMODEL_CHECK_H

#include <sslvdir/sslvdir.h>

#include "iismodel.h"

/* The library's policy for a model policy: one site, mail.contoso.com, one
 * vdir per location with the same sslFlags at the edge and the backend.
 * Returns NULL on failure (with a message on stderr: this is a test). */
sslvdir_policy *iism_build(const iism_policy *mp);

/* What one comparison found. */
enum {
  IISM_AGREE,       /* both decided the same vdir (and the library was at least as strict) */
  IISM_BOTH_REFUSE, /* the model says IIS refuses, and so does the library */
  IISM_LIB_REFUSES, /* the model routes, the library refuses the path: stricter, fine */
  IISM_NO_MODEL,    /* the model abstains */
  IISM_DISAGREE     /* a property is broken: msg says which and how */
};

/*
 * Decides the request (origin-form target, Host mail.contoso.com, the given
 * method, plain HTTP or TLS with a 256-bit cipher and a valid client
 * certificate) with both and checks:
 *   (a) where the model requires SSL and the request is plain HTTP, the
 *       library never allows (nor so forwards) it;
 *   (b) where both route, the library's vdir is the model's;
 *   (c) where the model says IIS refuses, the library denies.
 * Returns one of the values above; on IISM_DISAGREE, msg holds a readable
 * counterexample (one line per fact, target escaped).
 */
int iism_check(const iism_policy *mp, const sslvdir_policy *lp, const char *target, size_t len,
               int tls, const char *method, char *msg, size_t msgsz);

#endif
