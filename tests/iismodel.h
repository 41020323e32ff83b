/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * A second, deliberately simple model of how IIS routes a request path to a
 * virtual directory and what SSL that vdir requires, written from the
 * documented behaviour of HTTP.sys and IIS request filtering only. It shares
 * no code with the library (lib/path.c, lib/site.c): the property test
 * (tests/differential.c) and the decide fuzz target compare the two.
 *
 * The model answers only where the documents fix the answer and abstains
 * everywhere else (non-ASCII, 8.3 names, NTFS streams, trailing dots, ...).
 */
#ifndef IISMODEL_H
#define IISMODEL_H

#include <stddef.h>

/* A location's sslFlags: the IIS value, or no setting of its own. */
#define IISM_INHERIT (-1)
#define IISM_SSL 8 /* the sslFlags bit that requires TLS (403.4 without) */

typedef struct {
  const char *path; /* "/owa/Calendar": a vdir and a <location> at once */
  int flags;        /* sslFlags, or IISM_INHERIT */
} iism_location;

typedef struct {
  const char *name;
  const iism_location *loc;
  size_t nloc;
  int redirect; /* the library's policy redirects GET on vdirs that require SSL */
} iism_policy;

enum {
  IISM_ROUTE,  /* IIS serves it from vdir (-1: none), requiring TLS if ssl */
  IISM_REJECT, /* IIS refuses the request before routing (400, 404.11) */
  IISM_ABSTAIN /* the model does not know */
};

typedef struct {
  int outcome;
  int vdir;        /* index in the policy's loc, or -1 */
  int ssl;         /* TLS required */
  const char *why; /* for REJECT and ABSTAIN: what decided it */
} iism_answer;

/* Routes an origin-form request target (path and query) under a policy. */
void iism_route(const iism_policy *p, const char *target, size_t len, iism_answer *a);

/* The policies both drivers use: child vdirs more lenient than their parents,
 * strict children of lenient parents, with and without a root vdir. */
extern const iism_policy iism_policies[];
extern const size_t iism_npolicies;

#endif
