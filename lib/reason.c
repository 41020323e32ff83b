/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Reasons, their sentences and the HTTP status IIS gives each. */
#include "config.h"

#include "internal.h"

struct reason_info {
  int status;
  int substatus;
  const char *text;
  const char *name;
};

static const struct reason_info reasons[] = {
  [SSLVDIR_R_NONE] = {0, -1, "no decision", "none"},
  [SSLVDIR_R_ALLOWED] = {0, -1, "the virtual directory's SSL requirements are met", "allowed"},
  [SSLVDIR_R_REDIRECT_HTTPS] = {0, -1, "SSL is required; browsers are redirected to https", "redirect-https"},
  [SSLVDIR_R_SSL_REQUIRED] = {403, 4, "SSL is required (403.4)", "ssl-required"},
  [SSLVDIR_R_SSL128_REQUIRED] = {403, 5, "a 128-bit cipher is required and the key size is below 128 bits or unknown (403.5)", "ssl128-required"},
  [SSLVDIR_R_CERT_REQUIRED] = {403, 7, "a client certificate is required (403.7)", "cert-required"},
  [SSLVDIR_R_CERT_UNTRUSTED] = {403, 16, "the client certificate is untrusted or invalid (403.16)", "cert-untrusted"},
  [SSLVDIR_R_CERT_EXPIRED] = {403, 17, "the client certificate has expired or is not yet valid (403.17)", "cert-expired"},
  [SSLVDIR_R_CERT_REVOKED] = {403, 13, "the client certificate has been revoked (403.13)", "cert-revoked"},
  [SSLVDIR_R_BAD_TARGET] = {400, -1, "the request target is not an origin-form or absolute-form URL", "bad-target"},
  [SSLVDIR_R_BAD_HOST] = {400, -1, "the host is not a valid host name with an optional port", "bad-host"},
  [SSLVDIR_R_CONTROL_CHAR] = {400, -1, "the path holds a control character or a space, raw or escaped", "control-char"},
  [SSLVDIR_R_NON_ASCII] = {400, -1, "the request target holds a raw non-ASCII byte", "non-ascii"},
  [SSLVDIR_R_BAD_ESCAPE] = {400, -1, "the path holds a malformed percent escape", "bad-escape"},
  [SSLVDIR_R_DOUBLE_ESCAPE] = {404, 11, "the path is double-escaped (404.11)", "double-escape"},
  [SSLVDIR_R_PLUS_IN_PATH] = {404, 11, "IIS treats '+' in a path as double escaping (404.11)", "plus-in-path"},
  [SSLVDIR_R_BAD_UTF8] = {400, -1, "the path decodes to invalid or overlong UTF-8", "bad-utf8"},
  [SSLVDIR_R_CONFUSABLE] = {400, -1, "the path holds a Unicode look-alike or invisible character", "confusable"},
  [SSLVDIR_R_ABOVE_ROOT] = {400, -1, "a '..' segment climbs above the site root", "above-root"},
  [SSLVDIR_R_TRAILING_DOT_SPACE] = {400, -1, "a path segment ends in a dot or a space, which Windows strips", "trailing-dot-space"},
  [SSLVDIR_R_STREAM_NAME] = {400, -1, "the path holds ':' (an NTFS stream name such as ::$DATA)", "stream-name"},
  [SSLVDIR_R_SHORT_NAME] = {400, -1, "a path segment is an 8.3 short name (such as MICROS~1)", "short-name"},
  [SSLVDIR_R_INVALID_CHAR] = {400, -1, "the path holds a character ASP.NET refuses (< > * \" | ? &)", "invalid-char"},
  [SSLVDIR_R_FRAGMENT] = {400, -1, "the request target holds a '#' fragment", "fragment"},
  [SSLVDIR_R_URL_TOO_LONG] = {404, 14, "the path is longer than IIS's maxUrl of 4096 bytes (404.14)", "url-too-long"},
  [SSLVDIR_R_QUERY_TOO_LONG] = {404, 15, "the query is longer than IIS's maxQueryString of 2048 bytes (404.15)", "query-too-long"},
  [SSLVDIR_R_TOO_MANY_SEGMENTS] = {400, -1, "the path has more than 255 segments", "too-many-segments"},
  [SSLVDIR_R_SEGMENT_TOO_LONG] = {400, -1, "a path segment is longer than 260 bytes", "segment-too-long"},
  [SSLVDIR_R_NO_TLS_REQUIRED] = {0, -1, "the virtual directory requires no SSL", "no-tls-required"},
  [SSLVDIR_R_BAD_METHOD] = {400, -1, "the method is not a valid HTTP token", "bad-method"},
  [SSLVDIR_R_AUTODISCOVER_REDIRECT] = {0, -1, "the Autodiscover redirect site sends clients to the https Autodiscover URL", "autodiscover-redirect"},
};

#define NREASONS (sizeof reasons / sizeof reasons[0])

SSLVDIR_EXTERN const char *sslvdir_reason_string(int reason) {
  if (reason < 0 || (size_t)reason >= NREASONS)
    return "unknown reason";
  return reasons[reason].text;
}

SSLVDIR_EXTERN const char *sslvdir_reason_name(int reason) {
  if (reason < 0 || (size_t)reason >= NREASONS)
    return NULL;
  return reasons[reason].name;
}

SSLVDIR_EXTERN int sslvdir_reason_status(int reason, int *status, int *substatus) {
  /* Outputs cleared first: a failed call leaves nothing stale to act on. */
  if (status)
    *status = 0;
  if (substatus)
    *substatus = 0;
  if (reason < 0 || (size_t)reason >= NREASONS)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (status)
    *status = reasons[reason].status;
  if (substatus)
    *substatus = reasons[reason].substatus;
  return SSLVDIR_OK;
}
