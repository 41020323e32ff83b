/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: facts from a TLS connection, for sslvdir_decide(), and the
 * GnuTLS glue for proxies written in C.
 *
 * Ssl128 is decidable at a proxy only from the negotiated cipher's key
 * size. sslvdir_tls_cipher_bits() takes a cipher suite's name as HAProxy
 * (ssl_fc_cipher), OpenSSL, GnuTLS or the IANA registry print it;
 * sslvdir_tls_session_cipher_bits() asks a GnuTLS session. Both report
 * the effective strength: triple DES counts 112 bits (not the 168 of its
 * key), export ciphers 40 or 56, and RC4 0 whatever its key, because
 * RFC 7465 forbids it in TLS; so neither meets Ssl128, which is stricter
 * than IIS (see doc/decisions.md). An unknown name is an error, and the
 * caller then leaves sslvdir_request.cipher_bits at 0, which
 * sslvdir_decide() answers with 403.5 where Ssl128 is required (fail
 * closed).
 *
 * The session functions take a gnutls_session_t; this header does not
 * include GnuTLS's, so gnutls is needed only by callers that use them.
 *
 * Thread contract: every function here is thread-safe; a session is used
 * by the thread that owns it.
 */
#ifndef SSLVDIR_TLS_H
#define SSLVDIR_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sslvdir/common.h>
#include <sslvdir/decide.h>
#include <sslvdir/policy.h>
#include <sslvdir/trust.h>

#ifdef __cplusplus
extern "C" {
#endif

/* gnutls_session_t is "struct gnutls_session_int *". */
struct gnutls_session_int;

/**
 * sslvdir_tls_cipher_bits - the effective key size of a cipher suite, from its name
 *
 * name (len bytes, no NUL needed) is a suite in OpenSSL's form
 * ("ECDHE-RSA-AES128-GCM-SHA256", "DES-CBC3-SHA", "EXP-RC4-MD5"), IANA's
 * ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256") or
 * GnuTLS's ("TLS_ECDHE_RSA_AES_128_GCM_SHA256"), in any case. Bits: AES,
 * Camellia, ARIA 128 or 256 as named; ChaCha20 256; IDEA, SEED, SM4, RC2
 * 128; triple DES 112 (its effective strength; Sweet32 breaks its 64-bit
 * block); DES 56; RC4 (GnuTLS's ARCFOUR) 0 whatever its key, as RFC 7465
 * forbids it; NULL 0; other export suites at most 40 (56 for the
 * EXPORT1024 DES suites). A name naming no cipher, or two different ones,
 * is unknown; *bits is then 0.
 *
 * Returns: SSLVDIR_OK and *bits set; SSLVDIR_E_UNKNOWN_NAME,
 * SSLVDIR_E_SYNTAX (a byte no suite name has, or over 127 bytes),
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_tls_cipher_bits(const char *name, size_t len,
                                                               unsigned *bits);

/**
 * sslvdir_tls_session_cipher_bits - the effective key size of a GnuTLS session's cipher
 *
 * From gnutls_cipher_get() after the handshake. GnuTLS's
 * gnutls_cipher_get_key_size() counts bytes; this counts bits, with the
 * rules of sslvdir_tls_cipher_bits() (triple DES 112, RC4 0).
 *
 * Returns: SSLVDIR_OK and *bits set; SSLVDIR_E_UNKNOWN_NAME (no cipher
 * negotiated yet, or one GnuTLS cannot size; *bits is 0),
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_tls_session_cipher_bits(struct gnutls_session_int *session, unsigned *bits);

/**
 * sslvdir_tls_client_cert - the status of the client certificate of a GnuTLS session
 *
 * For a server session that asked for a certificate
 * (gnutls_certificate_server_set_request()): SSLVDIR_CERT_STATUS_NONE when the
 * client sent none, else the verdict of sslvdir_trust_verify() (without a
 * host name) mapped by sslvdir_trust_status(). *problems (may be NULL)
 * receives the problems. now as in sslvdir_trust_verify().
 *
 * Returns: SSLVDIR_OK and *status set; SSLVDIR_E_NOMEM,
 * SSLVDIR_E_INVALID_ARGUMENT. On a failure *status is
 * SSLVDIR_CERT_STATUS_UNTRUSTED.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_tls_client_cert(struct gnutls_session_int *session, const sslvdir_trust *trust,
                        int64_t now, sslvdir_cert_status *status, unsigned *problems,
                        sslvdir_error *err);

/**
 * sslvdir_tls_verify_backend - check a bridged backend's certificate in a GnuTLS client session
 *
 * Meant to be called from the function given to
 * gnutls_session_set_verify_function() (or after the handshake): verifies
 * the server's chain against trust and host (the backend's name, which
 * must be covered; NULL skips the name check) and applies
 * sslvdir_trust_backend_accepts() for side with the policy's registry
 * values. For example:
 *
 *   static int verify(gnutls_session_t s) {
 *     const struct backend *b = gnutls_session_get_ptr(s);
 *     return sslvdir_tls_verify_backend(s, b->trust, b->policy, SSLVDIR_BACKEND_INTERNAL,
 *                                       b->host, 0, NULL, NULL) ? GNUTLS_E_CERTIFICATE_ERROR : 0;
 *   }
 *
 * *problems (may be NULL) receives the problems found, forgiven or not.
 *
 * Returns: SSLVDIR_OK when the certificate is accepted; SSLVDIR_E_REFUSED
 * when not (err says why); SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT
 * (which also refuse).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_tls_verify_backend(struct gnutls_session_int *session, const sslvdir_trust *trust,
                           const sslvdir_policy *policy, sslvdir_backend_side side,
                           const char *host, int64_t now, unsigned *problems,
                           sslvdir_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_TLS_H */
