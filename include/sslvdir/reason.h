/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: why a decision came out the way it did.
 *
 * Thread contract: every function here is pure and thread-safe.
 */
#ifndef SSLVDIR_REASON_H
#define SSLVDIR_REASON_H

#include <sslvdir/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Reasons. Part of the ABI: values are never renumbered, new ones are appended.
 * Each maps to one HTTP status and IIS substatus (sslvdir_reason_status()).
 */
typedef enum sslvdir_reason {
  SSLVDIR_R_NONE = 0,
  SSLVDIR_R_ALLOWED = 1,            /* the vdir's requirements are met */
  SSLVDIR_R_REDIRECT_HTTPS = 2,     /* plain HTTP to a browser vdir: redirect */
  SSLVDIR_R_SSL_REQUIRED = 3,       /* 403.4 */
  SSLVDIR_R_SSL128_REQUIRED = 4,    /* 403.5, also when the key size is unknown */
  SSLVDIR_R_CERT_REQUIRED = 5,      /* 403.7 */
  SSLVDIR_R_CERT_UNTRUSTED = 6,     /* 403.16 */
  SSLVDIR_R_CERT_EXPIRED = 7,       /* 403.17 */
  SSLVDIR_R_CERT_REVOKED = 8,       /* 403.13 */
  SSLVDIR_R_BAD_TARGET = 9,         /* 400: not an origin-form or absolute-form target */
  SSLVDIR_R_BAD_HOST = 10,          /* 400: Host is not a valid host[:port] */
  SSLVDIR_R_CONTROL_CHAR = 11,      /* 400: raw or escaped control byte or space */
  SSLVDIR_R_NON_ASCII = 12,         /* 400: raw byte >= 0x80 in the target */
  SSLVDIR_R_BAD_ESCAPE = 13,        /* 400: malformed %XX or %uXXXX */
  SSLVDIR_R_DOUBLE_ESCAPE = 14,     /* 404.11: an escape decodes to '%' */
  SSLVDIR_R_PLUS_IN_PATH = 15,      /* 404.11: IIS treats '+' in a path as double escaping */
  SSLVDIR_R_BAD_UTF8 = 16,          /* 400: invalid, overlong or surrogate UTF-8 */
  SSLVDIR_R_CONFUSABLE = 17,        /* 400: Unicode look-alike or invisible character */
  SSLVDIR_R_ABOVE_ROOT = 18,        /* 400: ".." climbs above the site root */
  SSLVDIR_R_TRAILING_DOT_SPACE = 19,/* 400: a segment ends in '.' or ' ' (Windows strips them) */
  SSLVDIR_R_STREAM_NAME = 20,       /* 400: ':' in the path (NTFS stream such as ::$DATA) */
  SSLVDIR_R_SHORT_NAME = 21,        /* 400: 8.3 short name such as MICROS~1 */
  SSLVDIR_R_INVALID_CHAR = 22,      /* 400: a character ASP.NET or Windows refuses in a path */
  SSLVDIR_R_FRAGMENT = 23,          /* 400: '#' in the request target */
  SSLVDIR_R_URL_TOO_LONG = 24,      /* 404.14: path longer than IIS's maxUrl (4096) */
  SSLVDIR_R_QUERY_TOO_LONG = 25,    /* 404.15: query longer than IIS's maxQueryString (2048) */
  SSLVDIR_R_TOO_MANY_SEGMENTS = 26, /* 400: more than HTTP.sys's 255 segments */
  SSLVDIR_R_SEGMENT_TOO_LONG = 27,  /* 400: a segment longer than HTTP.sys's 260 */
  SSLVDIR_R_NO_TLS_REQUIRED = 28,   /* the vdir asks for nothing: allowed as is */
  SSLVDIR_R_BAD_METHOD = 29,        /* 400: the method is not an HTTP token */
  SSLVDIR_R_AUTODISCOVER_REDIRECT = 30 /* the port-80 Autodiscover site redirects (302) */
} sslvdir_reason;

/**
 * sslvdir_reason_string - a short English sentence for a reason
 *
 * reason is a sslvdir_reason (the reason member of a sslvdir_decision). The
 * sentence is for people and may change between releases; scripts should use
 * sslvdir_reason_name().
 *
 * Returns: a static string, "unknown reason" for values the library does not
 * define.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_reason_string(int reason);

/**
 * sslvdir_reason_name - a stable short token for a reason, e.g. "ssl-required"
 *
 * Meant for logs, JSON and scripts: tokens are lower case with '-' and never
 * change once released.
 *
 * Returns: a static string, or NULL for values the library does not define.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_reason_name(int reason);

/**
 * sslvdir_reason_status - the HTTP status and IIS substatus of a reason
 *
 * Sets *status to the HTTP status IIS would answer (403, 400, 404; 0 for the
 * reasons that allow or redirect, whose status comes from the vdir) and
 * *substatus to the IIS substatus (4 for 403.4, 11 for 404.11) or -1 when
 * there is none. Either pointer may be NULL.
 *
 * Returns: SSLVDIR_OK, or SSLVDIR_E_INVALID_ARGUMENT for an unknown reason.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_reason_status(int reason, int *status, int *substatus);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_REASON_H */
