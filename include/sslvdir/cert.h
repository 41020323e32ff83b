/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: server certificates, read with GnuTLS and checked against the
 * namespace plan (the Exchange 2007 Client Access and SSL white paper).
 *
 * A sslvdir_cert is a chain as it was loaded, the server's own certificate
 * first (index 0), then whatever else the file holds (intermediates, a
 * root). It is read from PEM, DER or PKCS#12 (with its password), and every
 * field a report needs is worked out once, when it is loaded: subject,
 * issuer, serial, validity, SANs, public key, signature algorithm,
 * self-signed or not, and the SHA-1 thumbprint in the form Exchange prints
 * it (Get-ExchangeCertificate, Enable-ExchangeCertificate -Thumbprint).
 *
 * Name coverage follows RFC 9525: a DNS-ID matches a host name exactly
 * (ASCII case-insensitively, a trailing dot ignored); a wildcard is accepted
 * only as the whole left-most label of a name with at least two more labels
 * and covers exactly one label ("*.contoso.com" covers mail.contoso.com, not
 * contoso.com nor a.b.contoso.com); "f*.contoso.com" or "*.com" cover
 * nothing. The subject's CN never covers a name, not even in a certificate
 * without any DNS SAN (RFC 9525 section 6.3; today's browsers and iOS do not
 * read it). IP addresses match IP SANs only. GnuTLS's own gnutls_x509_crt_check_hostname() accepts partial
 * wildcards, so it is not used.
 *
 * Thread contract: a certificate is immutable once loaded; any number of
 * threads may read it.
 */
#ifndef SSLVDIR_CERT_H
#define SSLVDIR_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <sslvdir/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sslvdir_cert sslvdir_cert;

/* How a certificate file was encoded. Values are never renumbered. */
typedef enum sslvdir_cert_format {
  SSLVDIR_CERT_FORMAT_PEM = 1,
  SSLVDIR_CERT_FORMAT_DER = 2,
  SSLVDIR_CERT_FORMAT_PKCS12 = 3
} sslvdir_cert_format;

/* The kind of a subject alternative name. Values are never renumbered. */
typedef enum sslvdir_san_type {
  SSLVDIR_SAN_DNS = 1,
  SSLVDIR_SAN_IP = 2
} sslvdir_san_type;

/* What the proxy knows about the client certificate (the request field
 * sslvdir_request.client_cert, and the verdict of the trust and TLS functions). Never renumbered. */
typedef enum sslvdir_cert_status {
  SSLVDIR_CERT_STATUS_NONE = 0,      /* none presented, or not known */
  SSLVDIR_CERT_STATUS_OK = 1,        /* presented and verified */
  SSLVDIR_CERT_STATUS_UNTRUSTED = 2, /* chain or signature invalid: 403.16 */
  SSLVDIR_CERT_STATUS_EXPIRED = 3,   /* expired or not yet valid: 403.17 */
  SSLVDIR_CERT_STATUS_REVOKED = 4    /* revoked: 403.13 */
} sslvdir_cert_status;

/* The largest certificate file read, and the longest chain kept. */
#define SSLVDIR_CERT_MAX (1024u * 1024u)
#define SSLVDIR_CERT_CHAIN_MAX 16

/**
 * sslvdir_cert_parse - read a certificate chain from memory
 *
 * The format is found from the bytes: PEM (one or more "BEGIN CERTIFICATE"
 * blocks; other blocks such as private keys are skipped), a DER
 * certificate, or PKCS#12 (DER or PEM), which is opened with password (NULL
 * or "" for none) and must carry a certificate. At most
 * SSLVDIR_CERT_CHAIN_MAX certificates and SSLVDIR_CERT_MAX bytes.
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_SYNTAX (not a certificate in
 * any of the formats; err says what GnuTLS found), SSLVDIR_E_PASSWORD (the
 * PKCS#12 password is wrong or missing), SSLVDIR_E_RANGE (too large, too
 * many certificates), SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_cert_parse(sslvdir_cert **out, const void *data,
                                                          size_t len, const char *password,
                                                          sslvdir_error *err);

/**
 * sslvdir_cert_load - read a certificate chain from a file
 *
 * As sslvdir_cert_parse(); a file that cannot be read gives SSLVDIR_E_IO.
 *
 * Returns: as sslvdir_cert_parse(), and SSLVDIR_E_IO.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_cert_load(sslvdir_cert **out, const char *filename,
                                                         const char *password, sslvdir_error *err);

/**
 * sslvdir_cert_free - free a certificate chain
 *
 * NULL is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_cert_free(sslvdir_cert *cert);

/**
 * sslvdir_cert_format_of - the format the chain was read from
 *
 * SSLVDIR_CERT_FORMAT_PEM, SSLVDIR_CERT_FORMAT_DER or
 * SSLVDIR_CERT_FORMAT_PKCS12, as sslvdir_cert_parse() recognised the input.
 *
 * Returns: an sslvdir_cert_format, or 0 for NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN int sslvdir_cert_format_of(const sslvdir_cert *cert);

/**
 * sslvdir_cert_count - how many certificates the chain holds
 *
 * Certificates are numbered from 0 (the server's certificate) to this count
 * - 1 for the other accessors, in the order of the input.
 *
 * Returns: the count (at least 1 for a loaded chain; 0 for NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_cert_count(const sslvdir_cert *cert);

/**
 * sslvdir_cert_subject - a certificate's subject, as an RFC 4514 string
 *
 * index 0 is the server's certificate. The strings of this and the other
 * accessors live as long as the chain.
 *
 * Returns: "CN=mail.contoso.com,O=Contoso" ("" when empty), or NULL when
 * index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_cert_subject(const sslvdir_cert *cert, size_t index);

/**
 * sslvdir_cert_issuer - a certificate's issuer, as an RFC 4514 string
 *
 * index is as for sslvdir_cert_subject(); the string lives as long as the
 * chain.
 *
 * Returns: the issuer, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_cert_issuer(const sslvdir_cert *cert, size_t index);

/**
 * sslvdir_cert_common_name - the subject's (last) CN
 *
 * The CN attribute of the subject of certificate index; when the subject has
 * several, the last one. It is for display: sslvdir_cert_covers() matches
 * host names against the subjectAltName only, never the CN.
 *
 * Returns: the CN ("" when the subject has none), or NULL when index is past
 * the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_cert_common_name(const sslvdir_cert *cert, size_t index);

/**
 * sslvdir_cert_serial - a certificate's serial number, in upper-case hex
 *
 * index is as for sslvdir_cert_subject(); the string lives as long as the
 * chain.
 *
 * Returns: "4A0C..." without separators, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_cert_serial(const sslvdir_cert *cert, size_t index);

/**
 * sslvdir_cert_thumbprint - the SHA-1 thumbprint, as Exchange prints it
 *
 * The SHA-1 of the DER certificate as 40 upper-case hex digits without
 * separators, the form Get-ExchangeCertificate shows and
 * Enable-ExchangeCertificate -Thumbprint takes.
 *
 * Returns: the thumbprint, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_cert_thumbprint(const sslvdir_cert *cert, size_t index);

/**
 * sslvdir_cert_validity - when a certificate starts and stops being valid
 *
 * Times are seconds since the epoch (UTC). A certificate with no
 * well-defined expiration (99991231235959Z) gives INT64_MAX. Either out
 * pointer may be NULL.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (index), SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_cert_validity(const sslvdir_cert *cert,
                                                             size_t index, int64_t *not_before,
                                                             int64_t *not_after);

/**
 * sslvdir_cert_key - a certificate's public key algorithm and size
 *
 * *bits receives the key size as GnuTLS reports it (the modulus for RSA,
 * the curve size for ECDSA and EdDSA). bits may be NULL.
 *
 * Returns: "RSA", "DSA", "ECDSA", "EdDSA (Ed25519)", "RSA-PSS", ... as
 * GnuTLS names it ("unknown" when GnuTLS does not know it), or NULL when
 * index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_cert_key(const sslvdir_cert *cert, size_t index,
                                            unsigned *bits);

/**
 * sslvdir_cert_signature_algorithm - the algorithm the issuer signed with
 *
 * Lets an audit flag SHA-1 and other weak signatures; index is as for
 * sslvdir_cert_subject().
 *
 * Returns: GnuTLS's name ("RSA-SHA256", "ECDSA-SHA384", "RSA-SHA1", ...;
 * "unknown"), or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_cert_signature_algorithm(const sslvdir_cert *cert,
                                                            size_t index);

/**
 * sslvdir_cert_self_signed - whether a certificate signed itself
 *
 * True when the issuer is the subject and the signature verifies with the
 * certificate's own key, as with the certificate Exchange Setup creates.
 *
 * Returns: 1 or 0, never negative (0 for a NULL chain or an index past the
 * end).
 * Since: 0.1
 */
SSLVDIR_EXTERN int sslvdir_cert_self_signed(const sslvdir_cert *cert, size_t index);

/**
 * sslvdir_cert_san_count - how many DNS and IP subject alternative names a certificate has
 *
 * Other kinds (e-mail, URI, ...) are not counted.
 *
 * Returns: the count (0 for an index past the end).
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_cert_san_count(const sslvdir_cert *cert, size_t index);

/**
 * sslvdir_cert_san - one subject alternative name
 *
 * *type receives SSLVDIR_SAN_DNS or SSLVDIR_SAN_IP; *value the name as
 * written ("*.contoso.com"), or the address as text ("192.0.2.1", "2001:db8::1").
 * A DNS name holding bytes that cannot be in a host name is shown with them
 * replaced by '?', and covers nothing. Either out pointer may be NULL.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (an index past the end),
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_cert_san(const sslvdir_cert *cert, size_t index,
                                                        size_t san, int *type,
                                                        const char **value);

/**
 * sslvdir_cert_covers - whether the server's certificate covers a host name
 *
 * host (len bytes, no NUL needed) is a DNS name, a NetBIOS name (a single
 * label such as "server01"), or an IPv4 or IPv6 address (without brackets),
 * matched against the chain's first certificate with the rules at the top
 * of this header. *covered receives 1 when a SAN covers host, else 0; it is
 * set to 0 first, so that it reads "not covered" after any error too. *by
 * (may be NULL) receives the SAN that covers it, or NULL when not covered;
 * a name only in the subject's CN is not covered.
 *
 * Returns: SSLVDIR_OK (see *covered), SSLVDIR_E_SYNTAX when host is not a
 * host name or address, SSLVDIR_E_INVALID_ARGUMENT (a NULL or empty cert or
 * covered).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_cert_covers(const sslvdir_cert *cert,
                                                           const char *host, size_t len,
                                                           int *covered, const char **by);

/**
 * sslvdir_cert_has_wildcard - whether the server's certificate names a wildcard
 *
 * Windows Mobile 5.0 clients refuse such certificates (the Exchange 2007 Client Access and SSL
 * white paper). Any '*' in a DNS SAN, or in the CN when there is no DNS SAN, counts, whether or not
 * it is a wildcard RFC 9525 accepts.
 *
 * Returns: 1 or 0, never negative (0 for a NULL or empty chain).
 * Since: 0.1
 */
SSLVDIR_EXTERN int sslvdir_cert_has_wildcard(const sslvdir_cert *cert);

/**
 * sslvdir_cert_status_name - "none", "ok", "untrusted", "expired" or "revoked"
 *
 * The name of a sslvdir_cert_status value, as sslvdir_cert_status_parse()
 * reads it.
 *
 * Returns: a static string, or NULL for an unknown value.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_cert_status_name(int status);

/**
 * sslvdir_cert_status_parse - a certificate status from its name
 *
 * Accepts the names of sslvdir_cert_status_name() in any case, and "missing"
 * as a synonym of "none".
 *
 * Returns: SSLVDIR_OK and *status set; SSLVDIR_E_UNKNOWN_NAME;
 * SSLVDIR_E_INVALID_ARGUMENT when name or status is NULL. On failure
 * *status (when status is not NULL) is SSLVDIR_CERT_STATUS_UNTRUSTED, as
 * after a failed sslvdir_tls_client_cert(): a request carrying it is denied
 * wherever a client certificate is asked for.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_cert_status_parse(const char *name, size_t len, sslvdir_cert_status *status);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_CERT_H */
