/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: virtual directories of a built policy (read-only views).
 *
 * Thread contract: a vdir belongs to an immutable policy; every function here
 * is thread-safe and its results live as long as the policy.
 */
#ifndef SSLVDIR_VDIR_H
#define SSLVDIR_VDIR_H

#include <sslvdir/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The Exchange service behind a vdir. Values are never renumbered. */
typedef enum sslvdir_kind {
  SSLVDIR_KIND_OTHER = 0,
  SSLVDIR_KIND_OWA = 1,
  SSLVDIR_KIND_ECP = 2,
  SSLVDIR_KIND_EWS = 3,
  SSLVDIR_KIND_MRSPROXY = 4,
  SSLVDIR_KIND_EAS = 5,
  SSLVDIR_KIND_OAB = 6,
  SSLVDIR_KIND_MAPI = 7,
  SSLVDIR_KIND_RPC = 8,
  SSLVDIR_KIND_AUTODISCOVER = 9,
  SSLVDIR_KIND_POWERSHELL = 10
} sslvdir_kind;

/* How the proxy reaches the backend. Values are never renumbered. */
typedef enum sslvdir_upstream {
  SSLVDIR_UPSTREAM_AUTO = 0,    /* builder only: derive from the backend state */
  SSLVDIR_UPSTREAM_OFFLOAD = 1, /* plain HTTP to the backend */
  SSLVDIR_UPSTREAM_BRIDGE = 2   /* TLS again to the backend */
} sslvdir_upstream;

/* Which of a vdir's URLs. */
typedef enum sslvdir_url_side {
  SSLVDIR_URL_INTERNAL = 0,
  SSLVDIR_URL_EXTERNAL = 1
} sslvdir_url_side;

typedef struct sslvdir_site sslvdir_site;
typedef struct sslvdir_vdir sslvdir_vdir;

/**
 * sslvdir_kind_name - the lower-case name of a service kind
 *
 * kind is a sslvdir_kind value (SSLVDIR_KIND_OWA, ...).
 *
 * Returns: "owa", "ecp", "ews", "mrsproxy", "eas", "oab", "mapi", "rpc",
 * "autodiscover", "powershell", "other", or NULL for an unknown value.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_kind_name(int kind);

/**
 * sslvdir_kind_parse - a service kind from its name, in any case
 *
 * Reads one of the names sslvdir_kind_name() gives, comparing len bytes of
 * name without regard to case; name need not be NUL-terminated.
 *
 * Returns: SSLVDIR_OK and *kind set; SSLVDIR_E_UNKNOWN_NAME for any other
 * name; SSLVDIR_E_INVALID_ARGUMENT when name or kind is NULL. On failure
 * *kind (when kind is not NULL) is SSLVDIR_KIND_OTHER.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_kind_parse(const char *name, size_t len, sslvdir_kind *kind);

/**
 * sslvdir_upstream_name - "offload", "bridge" or "auto"
 *
 * The name of a sslvdir_upstream value, as the policy file and sslvdir(1)
 * write it.
 *
 * Returns: a static string, or NULL for an unknown value.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_upstream_name(int upstream);

/**
 * sslvdir_vdir_path - the vdir's URL path, e.g. "/owa" ("/" for the site root)
 *
 * The path in canonical form, without a trailing '/' except for the root;
 * vdir paths compare case-insensitively.
 *
 * Returns: a string owned by the policy, or NULL when vdir is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_vdir_path(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_config_path - the vdir as appcmd names it, e.g. "Default Web Site/owa"
 *
 * The site root is the site name alone.
 *
 * Returns: a string owned by the policy, or NULL when vdir is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_vdir_config_path(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_site - the site a vdir belongs to
 *
 * The site lives as long as the policy the vdir belongs to.
 *
 * Returns: the site, or NULL when vdir is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN const sslvdir_site *sslvdir_vdir_site(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_kind - the Exchange service behind a vdir
 *
 * The kind was given by the builder, a preset or a policy file; it selects
 * the Exchange rules the vdir follows (which services can be offloaded,
 * which answer Autodiscover).
 *
 * Returns: a sslvdir_kind; SSLVDIR_KIND_OTHER when vdir is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN sslvdir_kind sslvdir_vdir_kind(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_edge_flags - the sslFlags clients must meet at the proxy
 *
 * These SSLVDIR_SSL* bits are what sslvdir_decide() enforces on clients, as
 * the IIS in front of the backend would.
 *
 * Returns: the sslFlags bits, or 0 when vdir is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN unsigned sslvdir_vdir_edge_flags(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_backend_flags - the sslFlags the backend IIS enforces
 *
 * A backend that requires Ssl cannot be reached over plain HTTP, so such a
 * vdir is bridged.
 *
 * Returns: the sslFlags bits, or 0 when vdir is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN unsigned sslvdir_vdir_backend_flags(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_redirect_status - the redirect sent instead of 403.4
 *
 * Only GET and HEAD are redirected, as the httpRedirect of IIS would do for
 * a browser; other methods are denied with 403.4 whatever this says.
 *
 * Returns: 301, 302, 307 or 308 when plain-HTTP GET and HEAD requests are
 * redirected to https, or 0 when they are denied with 403.4.
 * Since: 0.1
 */
SSLVDIR_EXTERN int sslvdir_vdir_redirect_status(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_url - the vdir's internal or external URL
 *
 * side is SSLVDIR_URL_INTERNAL or SSLVDIR_URL_EXTERNAL: the InternalUrl or
 * ExternalUrl of the Exchange vdir, used in Autodiscover answers.
 *
 * Returns: the URL, owned by the policy; NULL when none was configured, when
 * vdir is NULL or side is another value.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_vdir_url(const sslvdir_vdir *vdir, sslvdir_url_side side);

/**
 * sslvdir_vdir_secure_cookies - whether cookies of this vdir gain Secure
 *
 * See sslvdir_builder_set_vdir_secure_cookies().
 *
 * Returns: 1 (the default, also for NULL) or 0; never negative.
 * Since: 0.1
 */
SSLVDIR_EXTERN int sslvdir_vdir_secure_cookies(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_extended_protection - whether Extended Protection is on
 *
 * Extended Protection binds authentication to the TLS channel, so such a
 * vdir cannot be offloaded.
 *
 * Returns: 1 or 0 (0 for NULL); never negative.
 * Since: 0.1
 */
SSLVDIR_EXTERN int sslvdir_vdir_extended_protection(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_upstream - how the proxy must reach the backend for this vdir
 *
 * Decided when the policy was built: SSLVDIR_UPSTREAM_BRIDGE when the service
 * cannot be offloaded (MRSProxy; ActiveSync on Exchange 2007; Extended
 * Protection), when the backend requires Ssl, when OWA on Exchange 2007/2010
 * lacks SSLOffloaded=1, when Outlook Anywhere's SSLOffloading is off for the
 * Rpc vdir, or when the builder asked for it; SSLVDIR_UPSTREAM_OFFLOAD
 * otherwise.
 *
 * Returns: SSLVDIR_UPSTREAM_OFFLOAD or SSLVDIR_UPSTREAM_BRIDGE;
 * SSLVDIR_UPSTREAM_AUTO only when vdir is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN sslvdir_upstream sslvdir_vdir_upstream(const sslvdir_vdir *vdir);

/**
 * sslvdir_vdir_upstream_reason - why the vdir is offloaded or bridged, in English
 *
 * One sentence written when the policy was built, naming the rule that chose
 * sslvdir_vdir_upstream(), for logs and sslvdir(1) output.
 *
 * Returns: a string owned by the policy; "" when vdir is NULL or no reason
 * was recorded.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_vdir_upstream_reason(const sslvdir_vdir *vdir);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_VDIR_H */
