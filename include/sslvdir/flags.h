/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: the IIS sslFlags attribute (system.webServer/security/access).
 *
 * Thread contract: every function here is pure and thread-safe.
 */
#ifndef SSLVDIR_FLAGS_H
#define SSLVDIR_FLAGS_H

#include <sslvdir/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The keywords and values IIS uses; values are ORed together. */
#define SSLVDIR_SSL_NONE 0u
#define SSLVDIR_SSL 8u                 /* TLS required, else 403.4 */
#define SSLVDIR_SSL_NEGOTIATE_CERT 32u /* ask for a client certificate */
#define SSLVDIR_SSL_REQUIRE_CERT 64u   /* client certificate required, else 403.7 */
#define SSLVDIR_SSL_MAP_CERT 128u      /* map the client certificate to an account */
#define SSLVDIR_SSL_128 256u           /* 128-bit cipher required, else 403.5 */
#define SSLVDIR_SSL_ALL (SSLVDIR_SSL | SSLVDIR_SSL_NEGOTIATE_CERT | \
                         SSLVDIR_SSL_REQUIRE_CERT | SSLVDIR_SSL_MAP_CERT | SSLVDIR_SSL_128)

/* Longest text sslvdir_flags_format() writes, with its NUL. */
#define SSLVDIR_FLAGS_TEXT_MAX 64

/**
 * sslvdir_flags_parse - parse an sslFlags value as IIS and appcmd write it
 *
 * Accepts the keywords None, Ssl, SslNegotiateCert, SslRequireCert,
 * SslMapCert and Ssl128 in any case, separated by commas with optional
 * whitespace around them ("Ssl, Ssl128", "ssl,ssl128"), or a decimal number
 * made of the flag values. An unknown keyword, an empty item, a number with
 * bits IIS does not define, or "None" combined with another keyword is an
 * error whose offset (and column) names the offending item. The dependency
 * rules are not checked here: see sslvdir_flags_check().
 *
 * On any failure *flags (when not NULL) is SSLVDIR_SSL_ALL, every
 * requirement, so that a caller that misses the error refuses rather than
 * reads None or a previous value.
 *
 * Returns: SSLVDIR_OK and *flags set; SSLVDIR_E_UNKNOWN_NAME, SSLVDIR_E_SYNTAX
 * or SSLVDIR_E_RANGE; SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_flags_parse(const char *text, size_t len, unsigned *flags, sslvdir_error *err);

/**
 * sslvdir_flags_check - check the dependencies between sslFlags bits
 *
 * SslRequireCert and SslMapCert only work together with SslNegotiateCert, as
 * in IIS Manager, where "Require" client certificates writes
 * "SslNegotiateCert, SslRequireCert". Bits outside SSLVDIR_SSL_ALL are refused.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_INCONSISTENT or SSLVDIR_E_RANGE.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_flags_check(unsigned flags, sslvdir_error *err);

/**
 * sslvdir_flags_format - print sslFlags the way applicationHost.config does
 *
 * Writes the keywords in IIS's order (Ssl, SslNegotiateCert, SslRequireCert,
 * SslMapCert, Ssl128) separated by ", ", or "None" for 0, with a NUL, into
 * out of out_size bytes; SSLVDIR_FLAGS_TEXT_MAX bytes are always enough.
 * *out_len, when not NULL, receives the length without the NUL, also when
 * out is too small, so a call with out NULL and out_size 0 measures.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_RANGE for undefined bits;
 * SSLVDIR_E_BUFFER_TOO_SMALL; SSLVDIR_E_INVALID_ARGUMENT (out NULL with
 * out_size above 0). After any error out holds the empty string when
 * out_size is not 0.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_flags_format(unsigned flags, char *out, size_t out_size, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_FLAGS_H */
