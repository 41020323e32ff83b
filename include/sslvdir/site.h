/*
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
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_site_name(const sslvdir_site *site);

/**
 * sslvdir_site_host_count - how many host names the site answers to
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_site_host_count(const sslvdir_site *site);

/**
 * sslvdir_site_host - one host name of the site's namespace, lower case
 *
 * Returns: the host, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_site_host(const sslvdir_site *site, size_t index);

/**
 * sslvdir_site_canonical_host - the host redirects send clients to
 *
 * Returns: the host, or NULL when the site has none (its redirects then
 * become 403.4 denials).
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_site_canonical_host(const sslvdir_site *site);

/**
 * sslvdir_site_https_port - the https port clients are redirected to (443 by default)
 *
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
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_site_vdir_count(const sslvdir_site *site);

/**
 * sslvdir_site_vdir - one vdir of the site, sorted by path
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
