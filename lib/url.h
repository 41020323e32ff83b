/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * URL authority parsing: the one place that says where an absolute http or
 * https URL's scheme ends and where its authority ("host[:port]", maybe with
 * userinfo, which callers refuse) ends. Request targets (lib/path.c), vdir
 * URLs (lib/builder.c), and the URLs of Autodiscover answers and of its
 * redirects (lib/autodiscover.c) all split here, so that they agree on what
 * the host is. Inline: lib/path.c splits on every
 * absolute-form request.
 */
#ifndef SSLVDIR_URL_H
#define SSLVDIR_URL_H

#include <stddef.h>

#include "internal.h"

/* The length of the scheme and "//" of u[0..n): 7 for "http://", 8 for
 * "https://" (any case), 0 for anything else. */
static inline size_t sv_url_scheme_len(const char *u, size_t n) {
  if (n >= 7 && sv_eq_ci(u, 7, "http://", 7))
    return 7;
  if (n >= 8 && sv_eq_ci(u, 8, "https://", 8))
    return 8;
  return 0;
}

/* Where the authority that starts at a in u[0..n) ends: at the first '/',
 * '?' or '#' (RFC 3986 3.2), or n. */
static inline size_t sv_url_authority_end(const char *u, size_t n, size_t a) {
  while (a < n && u[a] != '/' && u[a] != '?' && u[a] != '#')
    a++;
  return a;
}

#endif /* SSLVDIR_URL_H */
