/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: sites of a built policy (read-only views).
 *
 * Thread contract: a site belongs to an immutable policy; every function
 * here is thread-safe, allocates nothing, and its results live as long as the
 * policy.
 */
#ifndef SSLVDIR_SITE_H
#define SSLVDIR_SITE_H

#include <sslvdir/common.h>
#include <sslvdir/vdir.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * sslvdir_site_name - the IIS site name, e.g. "Default Web Site"
 *
 * The name given to sslvdir_builder_add_site(); site names compare case-
 * insensitively, as IIS does.
 *
 * Returns: a string owned by the policy, or NULL when site is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_site_name(const sslvdir_site *site);

/**
 * sslvdir_site_host_count - how many host names the site answers to
 *
 * Counts the names of the site's namespace that sslvdir_site_host()
 * enumerates.
 *
 * Returns: the number of host names, or 0 when site is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_site_host_count(const sslvdir_site *site);

/**
 * sslvdir_site_host - one host name of the site's namespace, lower case
 *
 * index runs from 0 to sslvdir_site_host_count() - 1.
 *
 * Returns: the host, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_site_host(const sslvdir_site *site, size_t index);

/**
 * sslvdir_site_canonical_host - the host redirects send clients to
 *
 * The first host added to the site, unless
 * sslvdir_builder_set_canonical_host() chose another. A redirect to https
 * names the host the client asked for when it is in the site's namespace,
 * and this host otherwise.
 *
 * Returns: the host, or NULL when the site has none (its redirects then
 * become 403.4 denials).
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_site_canonical_host(const sslvdir_site *site);

/**
 * sslvdir_site_https_port - the https port clients are redirected to (443 by default)
 *
 * Set with sslvdir_builder_set_canonical_host(); a redirect's Location
 * carries the port only when it is not 443.
 *
 * Returns: the port, or 0 when site is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN unsigned sslvdir_site_https_port(const sslvdir_site *site);

/**
 * sslvdir_site_autodiscover_redirect - the host a port-80 Autodiscover redirector sends to
 *
 * See sslvdir_builder_set_site_autodiscover_redirect().
 *
 * Returns: the host name, or NULL when the site is not a redirector.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_site_autodiscover_redirect(const sslvdir_site *site);

/**
 * sslvdir_site_vdir_count - how many vdirs the site has
 *
 * Counts the vdirs sslvdir_site_vdir() enumerates.
 *
 * Returns: the number of vdirs, or 0 when site is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_site_vdir_count(const sslvdir_site *site);

/**
 * sslvdir_site_vdir - one vdir of the site, sorted by path
 *
 * index runs from 0 to sslvdir_site_vdir_count() - 1; the vdir lives as long
 * as the policy.
 *
 * Returns: the vdir, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const sslvdir_vdir *sslvdir_site_vdir(const sslvdir_site *site, size_t index);

/**
 * sslvdir_site_match - the vdir that serves a canonical path
 *
 * path is a canonical path as sslvdir_path_canonicalize() writes it. The
 * match is case-insensitive, on whole segments, and the longest vdir path
 * wins: "/owa" serves "/owa" and "/OWA/x" but not "/owafoo". A segment's
 * ";parameters" are ignored for matching, so that "/ecp;x/" is held to the
 * rules of /ecp (the stricter reading). Cost does not grow with the number
 * of vdirs.
 *
 * Returns: the vdir, or NULL when the site has none for that path (not even
 * a root vdir "/").
 * Since: 0.1
 */
SSLVDIR_EXTERN const sslvdir_vdir *sslvdir_site_match(const sslvdir_site *site,
                                                      const char *path, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_SITE_H */
