/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: building a policy from code.
 *
 * A builder collects sites, vdirs, settings and offloaders, then
 * sslvdir_builder_build() checks them and produces an immutable policy. Sites
 * are named by their IIS name and vdirs by (site, path); names and paths
 * compare case-insensitively, as IIS does.
 *
 * Thread contract: a builder is used by one thread at a time. Building does
 * not change or consume the builder, so one builder can produce several
 * policies.
 */
#ifndef SSLVDIR_BUILDER_H
#define SSLVDIR_BUILDER_H

#include <sslvdir/common.h>
#include <sslvdir/autodiscover.h>
#include <sslvdir/policy.h>
#include <sslvdir/settings.h>
#include <sslvdir/vdir.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sslvdir_builder sslvdir_builder;

/**
 * sslvdir_builder_new - create an empty builder
 *
 * The builder has no site, vdir, offloader or setting, and no Exchange
 * version. Free it with sslvdir_builder_free(). On failure *out is NULL
 * (when out is not) and err (which may be NULL) says why.
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_NOMEM;
 * SSLVDIR_E_INVALID_ARGUMENT when out is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_builder_new(sslvdir_builder **out,
                                                           sslvdir_error *err);

/**
 * sslvdir_builder_free - destroy a builder
 *
 * Policies built from it live on. sslvdir_builder_free(NULL) does nothing.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_builder_free(sslvdir_builder *builder);

/**
 * sslvdir_builder_set_exchange_version - say which Exchange release the policy describes
 *
 * version is 2007, 2010, 2013, 2016, 2019, 2025 for Exchange Server SE, or
 * 0 for unknown. It selects
 * defaults: Outlook Anywhere's SSLOffloading, whether OWA needs
 * SSLOffloaded=1 to be offloaded, whether ActiveSync can be offloaded.
 *
 * Returns: SSLVDIR_OK or SSLVDIR_E_RANGE.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_exchange_version(sslvdir_builder *builder, unsigned version,
                                     sslvdir_error *err);

/**
 * sslvdir_builder_add_site - add an IIS site, e.g. "Default Web Site"
 *
 * The site starts with no host name, no vdir, and https port 443. The first
 * site added is the policy's default site (see sslvdir_policy_site()). Site
 * names compare case-insensitively.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_DUPLICATE; SSLVDIR_E_SYNTAX for an empty
 * name, a name with '/' or control characters, or one over 256 bytes;
 * SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_add_site(sslvdir_builder *builder, const char *site, sslvdir_error *err);

/**
 * sslvdir_builder_add_host - add a host name to a site's namespace
 *
 * The first host added becomes the canonical host unless
 * sslvdir_builder_set_canonical_host() says otherwise. Host names are DNS
 * names (letters, digits, '-', '.', at most 253 bytes, no ":port") or IP
 * literals and are kept in lower case; a host belongs to one site only.
 * Adding a host the site already has (in any case) changes nothing and is
 * not an error.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (no such site), SSLVDIR_E_SYNTAX,
 * SSLVDIR_E_DUPLICATE (the host belongs to another site), SSLVDIR_E_NOMEM,
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_add_host(sslvdir_builder *builder, const char *site, const char *host,
                         sslvdir_error *err);

/**
 * sslvdir_builder_set_canonical_host - the host and https port redirects go to
 *
 * The host is added to the namespace when it is not there yet. https_port is
 * 1 to 65535; 443 is left out of redirect URLs.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND, SSLVDIR_E_SYNTAX, SSLVDIR_E_RANGE,
 * SSLVDIR_E_DUPLICATE (the host belongs to another site), SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_canonical_host(sslvdir_builder *builder, const char *site,
                                   const char *host, unsigned https_port, sslvdir_error *err);

/**
 * sslvdir_builder_add_vdir - add a virtual directory to a site
 *
 * path is the URL path, "/" for the site root, "/owa/Calendar" for a nested
 * one; it is canonicalised like a request path and must not be refused by
 * sslvdir_path_canonicalize(). It must be ASCII and hold no ';' or '?':
 * matching folds ASCII case only, and a non-ASCII vdir name could not be
 * matched the way IIS matches it. The edge and backend sslFlags of a new vdir,
 * unless set, are inherited when the policy is built from the nearest vdir
 * above it (in whole segments), as IIS inherits them from the nearest
 * location; None when there is none. A new vdir is never redirected, and its
 * upstream is derived (SSLVDIR_UPSTREAM_AUTO).
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (site), SSLVDIR_E_SYNTAX,
 * SSLVDIR_E_DUPLICATE, SSLVDIR_E_INVALID_ARGUMENT (kind), SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_add_vdir(sslvdir_builder *builder, const char *site, const char *path,
                         sslvdir_kind kind, sslvdir_error *err);

/**
 * sslvdir_builder_set_vdir_edge_flags - the sslFlags clients must meet at the proxy
 *
 * flags are SSLVDIR_SSL* bits, as the sslFlags of the vdir's location in
 * applicationHost.config; sslvdir_decide() enforces them on clients. The
 * vdir is named by site and path as in sslvdir_builder_add_vdir() and must
 * exist. Unset, the flags are inherited when the policy is built (see
 * sslvdir_builder_add_vdir()).
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND, SSLVDIR_E_RANGE or
 * SSLVDIR_E_INCONSISTENT (see sslvdir_flags_check()).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_vdir_edge_flags(sslvdir_builder *builder, const char *site,
                                    const char *path, unsigned flags, sslvdir_error *err);

/**
 * sslvdir_builder_set_vdir_backend_flags - the sslFlags the backend IIS enforces
 *
 * flags are the SSLVDIR_SSL* bits the backend IIS enforces itself, which
 * decide how it can be reached: a backend that requires Ssl is bridged,
 * never offloaded. Unset, they are inherited as the edge flags are.
 *
 * Returns: as sslvdir_builder_set_vdir_edge_flags().
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_vdir_backend_flags(sslvdir_builder *builder, const char *site,
                                       const char *path, unsigned flags, sslvdir_error *err);

/**
 * sslvdir_builder_set_vdir_redirect - redirect plain HTTP to https instead of 403.4
 *
 * status is 301, 302, 307 or 308, or 0 for no redirect. Only GET and HEAD
 * are ever redirected; other methods get 403.4, since clients that post
 * bodies (ActiveSync, EWS, MAPI) do not follow scheme redirects.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND, SSLVDIR_E_RANGE.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_vdir_redirect(sslvdir_builder *builder, const char *site,
                                  const char *path, int status, sslvdir_error *err);

/**
 * sslvdir_builder_set_vdir_url - set a vdir's internal or external URL
 *
 * url must be an absolute http or https URL without control characters or
 * spaces, at most 2048 bytes; NULL removes it.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND, SSLVDIR_E_SYNTAX,
 * SSLVDIR_E_INVALID_ARGUMENT, SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_vdir_url(sslvdir_builder *builder, const char *site, const char *path,
                             sslvdir_url_side side, const char *url, sslvdir_error *err);

/**
 * sslvdir_builder_set_vdir_extended_protection - mark Extended Protection on or off
 *
 * enabled non-zero says the backend binds authentication to the TLS channel
 * (Extended Protection): the vdir is then bridged, since an offloaded
 * connection would break that binding. The vdir must exist.
 *
 * Returns: SSLVDIR_OK or SSLVDIR_E_NOT_FOUND.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_vdir_extended_protection(sslvdir_builder *builder, const char *site,
                                             const char *path, int enabled,
                                             sslvdir_error *err);

/**
 * sslvdir_builder_set_vdir_secure_cookies - whether Set-Cookie gains Secure
 *
 * On by default: sslvdir_rewrite_header() adds the Secure attribute to the
 * cookies this vdir sets, so that a browser never sends them over plain HTTP.
 * Turn it off only for a vdir whose cookies must also reach an http:// page.
 *
 * Returns: SSLVDIR_OK or SSLVDIR_E_NOT_FOUND.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_vdir_secure_cookies(sslvdir_builder *builder, const char *site,
                                        const char *path, int enabled, sslvdir_error *err);

/**
 * sslvdir_builder_set_vdir_upstream - force offload or bridge for a vdir
 *
 * SSLVDIR_UPSTREAM_AUTO (the default) derives it, see sslvdir_vdir_upstream().
 * Forcing SSLVDIR_UPSTREAM_OFFLOAD on a vdir that cannot be offloaded makes
 * sslvdir_builder_build() fail with SSLVDIR_E_INCONSISTENT.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_vdir_upstream(sslvdir_builder *builder, const char *site,
                                  const char *path, sslvdir_upstream upstream,
                                  sslvdir_error *err);

/**
 * sslvdir_builder_add_offloader - trust an offloader's address or network
 *
 * cidr is an IPv4 or IPv6 address, optionally with "/prefix". Only requests
 * from these peers have their X-Forwarded-Proto and Front-End-Https believed.
 * A prefix shorter than /8 ("0.0.0.0/0", "::/0") is accepted, but the built
 * policy carries a warning: such a network holds clients, who could then
 * pass Require SSL over plain HTTP.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX, SSLVDIR_E_RANGE (prefix),
 * SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_add_offloader(sslvdir_builder *builder, const char *cidr, sslvdir_error *err);

/**
 * sslvdir_builder_set_offloader_cipher - what a trusted offloader guarantees about the cipher
 *
 * Load balancers forward X-Forwarded-Proto and nothing about the cipher, so
 * behind one the key size of a request is unknown and Ssl128 vdirs answer
 * 403.5. min_bits is the minimum key size the offloader itself enforces
 * with its clients (0: none, at most 256); header names a header the
 * offloader fills with the negotiated cipher suite ("ECDHE-RSA-AES256-GCM-SHA384",
 * read as sslvdir_tls_cipher_bits() reads it) or its key size in bits (NULL
 * or "": none). The header is believed only from this offloader, and taken
 * before min_bits when it parses. All offloaders that name a header must
 * name the same one (sslvdir_policy_cipher_header()), or
 * sslvdir_builder_build() fails with SSLVDIR_E_INCONSISTENT. cidr is added as
 * with sslvdir_builder_add_offloader() when it is not trusted yet.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX (cidr, header), SSLVDIR_E_RANGE
 * (prefix, min_bits), SSLVDIR_E_INVALID_ARGUMENT (header is
 * X-Forwarded-Proto, Front-End-Https or Host), SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_offloader_cipher(sslvdir_builder *builder, const char *cidr,
                                     unsigned min_bits, const char *header,
                                     sslvdir_error *err);

/**
 * sslvdir_builder_set_settings - copy a settings store into the builder
 *
 * Every value of settings is set in the builder's own store, over what was
 * there; warnings are carried along.
 *
 * Returns: SSLVDIR_OK or SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_settings(sslvdir_builder *builder, const sslvdir_settings *settings,
                             sslvdir_error *err);

/**
 * sslvdir_builder_settings - the builder's own settings store, to change in place
 *
 * Values set in it take part in every policy built afterwards;
 * sslvdir_builder_set_settings() copies another store into it.
 *
 * Returns: a store owned by the builder, valid until sslvdir_builder_free();
 * NULL when builder is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN sslvdir_settings *sslvdir_builder_settings(sslvdir_builder *builder);

/**
 * sslvdir_builder_add_autodiscover_domain - what Autodiscover answers for an e-mail domain
 *
 * domain is the part after '@' (compared case-insensitively). action
 * SSLVDIR_AUTODISCOVER_ACTION_SETTINGS answers with settings built from the vdirs
 * of the site named by target (it must exist; if it has no canonical host
 * when the policy is built, the policy carries a warning and the domain's
 * requests get error 500); SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR sends the client
 * to the same local part at the domain target (a hosting setup);
 * SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_URL sends it to the https URL target, whose
 * path must be /autodiscover/.../autodiscover.xml. A domain without a rule
 * gets error 500.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX (domain, target), SSLVDIR_E_NOT_FOUND
 * (site), SSLVDIR_E_DUPLICATE (the domain has a rule),
 * SSLVDIR_E_INCONSISTENT (a domain redirected to itself),
 * SSLVDIR_E_INVALID_ARGUMENT, SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_add_autodiscover_domain(sslvdir_builder *builder, const char *domain,
                                        sslvdir_autodiscover_action action, const char *target,
                                        sslvdir_error *err);

/**
 * sslvdir_builder_set_autodiscover_option - tune the Autodiscover settings documents
 *
 * name is one of:
 * - "auth-package": the Outlook Anywhere AuthPackage for external clients
 *   (Set-OutlookAnywhere -ExternalClientAuthenticationMethod; default
 *   Negotiate, Basic for Exchange 2007 and 2010);
 * - "internal-auth-package": the same for internal clients (default Ntlm);
 *   both take Basic, Kerb, KerbNtlm, Ntlm, Certificate, Negotiate or Nego2;
 * - "server-build": the backend's build ("15.1.2507"), sent as ServerVersion
 *   (default: the RTM build of the policy's Exchange version);
 * - "deployment-id": the forest's GUID, sent as DeploymentId;
 * - "server-id": the number sent as an Error's Id (default: a hash of the
 *   first site's canonical host).
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_UNKNOWN_NAME (name, auth package),
 * SSLVDIR_E_SYNTAX, SSLVDIR_E_RANGE, SSLVDIR_E_INVALID_ARGUMENT,
 * SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_autodiscover_option(sslvdir_builder *builder, const char *name,
                                        const char *value, sslvdir_error *err);

/**
 * sslvdir_builder_set_site_autodiscover_redirect - make a site the port-80 Autodiscover redirector
 *
 * The site of the Exchange 2007 Client Access and SSL white paper ("Using Redirection with the
 * Autodiscover Service"): a GET or HEAD for /autodiscover/autodiscover.xml (any case) that reaches
 * it is answered with a 302 to https://HOST/autodiscover/autodiscover.xml
 * (with the port of HOST's site when it is not 443), whatever else the site
 * holds. Other methods get 403.4: a redirect would turn a POST into a GET.
 * host is a host name; NULL turns the behaviour off.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (site), SSLVDIR_E_SYNTAX (host),
 * SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_set_site_autodiscover_redirect(sslvdir_builder *builder, const char *site,
                                               const char *host, sslvdir_error *err);

/**
 * sslvdir_builder_build - check everything and produce an immutable policy
 *
 * Fails when there is no site, when a vdir is forced to offload although
 * it cannot be, or when a vdir's backend sslFlags require a client
 * certificate (SslRequireCert): a proxy that ends TLS can neither offload
 * nor bridge it, since the client's certificate cannot reach the backend
 * through it (the certificate is checked either by Exchange, with TLS
 * untouched on the way, or by a front device with Kerberos constrained
 * delegation, never both); also when two trusted offloaders name different
 * cipher headers (see sslvdir_builder_set_offloader_cipher()). Legal but
 * suspicious things do not fail: they are the policy's warnings
 * (sslvdir_policy_warning()). The new policy holds one reference, dropped
 * with sslvdir_policy_unref(). On failure *out is NULL (when out is not)
 * and err (which may be NULL) says why.
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_INCONSISTENT (each failure
 * above, no site included); SSLVDIR_E_NOMEM; SSLVDIR_E_INVALID_ARGUMENT
 * (builder or out NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_builder_build(sslvdir_builder *builder, sslvdir_policy **out, sslvdir_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_BUILDER_H */
