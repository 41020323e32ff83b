/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: trust stores, chain checks, and Exchange's rule for
 * untrusted backend certificates.
 *
 * A sslvdir_trust holds CA certificates (the system's, or given) and
 * optionally CRLs, and checks a chain with GnuTLS. The answer is a set of
 * problems (SSLVDIR_CERT_PROBLEM_*), which sslvdir_trust_status() maps the
 * way IIS maps client certificate failures: revoked 403.13, expired or not
 * yet valid 403.17, anything else 403.16. The same check serves client
 * certificates presented to the proxy and backend certificates when
 * bridging; for the latter, sslvdir_trust_backend_accepts() forgives an
 * untrusted issuer (a self-signed certificate) only when
 * AllowInternalUntrustedCerts / AllowExternalUntrustedCerts say so, as
 * Exchange does for CAS-to-CAS proxying (the Exchange 2007 Client Access and SSL white paper).
 *
 * Thread contract: a trust store is filled by one thread; once filled,
 * any number of threads may verify with it at the same time.
 */
#ifndef SSLVDIR_TRUST_H
#define SSLVDIR_TRUST_H

#include <stddef.h>
#include <stdint.h>
#include <sslvdir/common.h>
#include <sslvdir/cert.h>
#include <sslvdir/decide.h>
#include <sslvdir/policy.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sslvdir_trust sslvdir_trust;

/* Why a chain is not accepted (a bit mask; 0 means accepted). */
#define SSLVDIR_CERT_PROBLEM_UNTRUSTED 0x01u     /* no path to a trusted CA: self-signed, unknown issuer */
#define SSLVDIR_CERT_PROBLEM_INVALID 0x02u       /* a bad signature, a signer that is no CA, an insecure algorithm */
#define SSLVDIR_CERT_PROBLEM_EXPIRED 0x04u       /* a certificate of the chain has expired */
#define SSLVDIR_CERT_PROBLEM_NOT_YET_VALID 0x08u /* a certificate of the chain is not valid yet */
#define SSLVDIR_CERT_PROBLEM_REVOKED 0x10u       /* a CRL of the store lists a certificate of the chain */
#define SSLVDIR_CERT_PROBLEM_NAME 0x20u          /* the host name asked for is not covered */

/* Which Client Access servers a backend belongs to. Never renumbered. */
typedef enum sslvdir_backend_side {
  SSLVDIR_BACKEND_INTERNAL = 0, /* same site: AllowInternalUntrustedCerts (default 1) */
  SSLVDIR_BACKEND_EXTERNAL = 1  /* another site or forest: AllowExternalUntrustedCerts (default 0) */
} sslvdir_backend_side;

/**
 * sslvdir_trust_new - create an empty trust store
 *
 * The store trusts nothing until CAs are added (sslvdir_trust_add_system(),
 * sslvdir_trust_add_ca()); a chain verified against an empty store is
 * untrusted. Free it with sslvdir_trust_free().
 *
 * Returns: SSLVDIR_OK and *out set, SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_trust_new(sslvdir_trust **out, sslvdir_error *err);

/**
 * sslvdir_trust_free - free a trust store
 *
 * NULL is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_trust_free(sslvdir_trust *trust);

/**
 * sslvdir_trust_add_system - trust the system's CA certificates
 *
 * *added (may be NULL) receives how many were added.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_NOT_FOUND when the system has none (a
 * store that trusts nothing is not silently returned); SSLVDIR_E_NOMEM,
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_trust_add_system(sslvdir_trust *trust,
                                                                size_t *added,
                                                                sslvdir_error *err);

/**
 * sslvdir_trust_add_ca - trust the CA certificates of a PEM bundle or a DER certificate
 *
 * data holds len bytes: one or more PEM certificates, or one DER
 * certificate. Each becomes a trust anchor of the store; a certificate
 * already in the store is not added twice. *added receives how many were
 * added (0 on failure).
 *
 * Returns: SSLVDIR_OK and *added (may be NULL) set; SSLVDIR_E_SYNTAX (no
 * certificate could be read), SSLVDIR_E_RANGE (over SSLVDIR_CERT_MAX
 * bytes), SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_trust_add_ca(sslvdir_trust *trust, const void *data,
                                                            size_t len, size_t *added,
                                                            sslvdir_error *err);

/**
 * sslvdir_trust_add_ca_file - sslvdir_trust_add_ca() on a file's contents
 *
 * The file is read whole; one larger than SSLVDIR_CERT_MAX bytes is refused
 * with SSLVDIR_E_RANGE before anything is added.
 *
 * Returns: as sslvdir_trust_add_ca(), and SSLVDIR_E_IO.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_trust_add_ca_file(sslvdir_trust *trust,
                                                                 const char *filename,
                                                                 size_t *added,
                                                                 sslvdir_error *err);

/**
 * sslvdir_trust_add_crl - add certificate revocation lists (PEM or DER)
 *
 * A CRL is used only when its signature verifies with a CA of the store;
 * add the CAs first. Once a store has a CRL, revocation is checked for
 * every chain it verifies.
 *
 * Returns: SSLVDIR_OK and *added (may be NULL) set; SSLVDIR_E_SYNTAX,
 * SSLVDIR_E_REFUSED (no CA of the store signed it), SSLVDIR_E_RANGE,
 * SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_trust_add_crl(sslvdir_trust *trust,
                                                             const void *data, size_t len,
                                                             size_t *added, sslvdir_error *err);

/**
 * sslvdir_trust_add_crl_file - sslvdir_trust_add_crl() on a file's contents
 *
 * The file is read whole; one larger than SSLVDIR_CERT_MAX bytes is refused
 * with SSLVDIR_E_RANGE before anything is added.
 *
 * Returns: as sslvdir_trust_add_crl(), and SSLVDIR_E_IO.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_trust_add_crl_file(sslvdir_trust *trust,
                                                                  const char *filename,
                                                                  size_t *added,
                                                                  sslvdir_error *err);

/**
 * sslvdir_trust_verify - check a chain against the store
 *
 * chain is a loaded chain (server or client certificate first). host (may
 * be NULL, then len is ignored) is the name the certificate must cover,
 * with the rules of sslvdir_cert_covers(). now is the time to check
 * against, in seconds since the epoch (0 for the current time). *problems
 * receives 0 when the chain is accepted, else SSLVDIR_CERT_PROBLEM_* bits;
 * err (may be NULL) then describes them in a sentence.
 *
 * Returns: SSLVDIR_OK whatever the verdict; SSLVDIR_E_NOMEM,
 * SSLVDIR_E_INVALID_ARGUMENT. On a failure *problems is set to
 * SSLVDIR_CERT_PROBLEM_INVALID, so that a caller that ignores the status
 * still refuses.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_trust_verify(const sslvdir_trust *trust,
                                                            const sslvdir_cert *chain,
                                                            const char *host, size_t len,
                                                            int64_t now, unsigned *problems,
                                                            sslvdir_error *err);

/**
 * sslvdir_trust_verify_der - check a chain given as DER certificates
 *
 * For proxies that hold the peer's certificates as DER (OpenSSL's
 * i2d_X509(), HAProxy's ssl_c_der): ders[i] and lens[i] for i < count,
 * the peer's own certificate first. Otherwise as sslvdir_trust_verify(); a
 * certificate that does not decode, or no certificate at all, is
 * SSLVDIR_CERT_PROBLEM_INVALID.
 *
 * Returns: as sslvdir_trust_verify().
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_trust_verify_der(const sslvdir_trust *trust, const unsigned char *const *ders,
                         const size_t *lens, size_t count, const char *host, size_t len,
                         int64_t now, unsigned *problems, sslvdir_error *err);

/**
 * sslvdir_trust_status - the client certificate status a set of problems means
 *
 * The status sslvdir_request.client_cert takes: SSLVDIR_CERT_STATUS_OK for 0,
 * SSLVDIR_CERT_STATUS_REVOKED (403.13) when revoked, else SSLVDIR_CERT_STATUS_EXPIRED
 * (403.17) when expired or not yet valid, else SSLVDIR_CERT_STATUS_UNTRUSTED
 * (403.16). The first that applies wins, so a chain both revoked and
 * expired is revoked.
 *
 * Returns: the status.
 * Since: 0.1
 */
SSLVDIR_EXTERN sslvdir_cert_status sslvdir_trust_status(unsigned problems);

/**
 * sslvdir_trust_backend_accepts - whether a bridged backend's certificate is accepted
 *
 * The rule Exchange applies when one Client Access server proxies to
 * another: a chain with no problem is accepted; a chain whose only problem
 * is an untrusted issuer (SSLVDIR_CERT_PROBLEM_UNTRUSTED alone, as with the
 * self-signed certificate Exchange Setup creates) is accepted when the
 * policy's AllowInternalUntrustedCerts (internal side; default 1) or
 * AllowExternalUntrustedCerts (external side; default 0) is 1. Expired,
 * not yet valid, revoked, invalid and name problems are never forgiven (a
 * policy choice: the value's name speaks of trust only). A NULL policy
 * means the defaults.
 *
 * Returns: 1 or 0: 1 when accepted, else 0 (also for an unknown side or a
 * policy value that cannot be read); never negative.
 * Since: 0.1
 */
SSLVDIR_EXTERN int sslvdir_trust_backend_accepts(const sslvdir_policy *policy,
                                                 sslvdir_backend_side side, unsigned problems);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_TRUST_H */
