/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: request paths as IIS and HTTP.sys will see them.
 *
 * Thread contract: pure and thread-safe; no allocation.
 */
#ifndef SSLVDIR_PATH_H
#define SSLVDIR_PATH_H

#include <sslvdir/common.h>
#include <sslvdir/reason.h>

#ifdef __cplusplus
extern "C" {
#endif

/* IIS request-filtering defaults: maxUrl and maxQueryString, in bytes of the raw target. */
#define SSLVDIR_MAX_URL 4096
#define SSLVDIR_MAX_QUERY 2048
/* HTTP.sys defaults: UrlSegmentMaxCount and UrlSegmentMaxLength. */
#define SSLVDIR_MAX_SEGMENTS 255
#define SSLVDIR_MAX_SEGMENT_LEN 260
/* A buffer of this size always holds a canonical path and its NUL. */
#define SSLVDIR_PATH_BUFSZ (3 * SSLVDIR_MAX_URL + 1)

/**
 * sslvdir_path_canonicalize - the path of a request target as IIS will route it
 *
 * Takes the raw request target (origin form "/owa/?x", or absolute form
 * "https://host/owa/"; the query never takes part) and decodes it the way
 * HTTP.sys does: %XX and %uXXXX escapes, '\' as '/', "." and ".." segments
 * resolved, empty segments collapsed. Where IIS would refuse the target, or
 * where two layers could read it differently, the target is refused instead
 * of guessed at: raw or escaped control bytes, malformed escapes, double
 * escaping and '+' (404.11), invalid or overlong UTF-8, Unicode look-alikes
 * and invisible characters, ".." above the root, a segment ending in a dot or
 * a space, ':' (NTFS streams), 8.3 short names, '#', characters ASP.NET
 * refuses, and paths or queries over IIS's limits.
 *
 * The canonical path is written percent-encoded (unreserved characters and
 * "!$&'()*,;=@~" as they are, everything else as %XX with upper-case hex)
 * with a NUL into out of out_size bytes; SSLVDIR_PATH_BUFSZ bytes are always
 * enough. *out_len, when not NULL, receives its length without the NUL,
 * also when out is too small, so a call with out NULL and out_size 0
 * measures. *reason, when not NULL, receives the sslvdir_reason of a
 * refusal, or SSLVDIR_R_NONE.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_REFUSED when IIS would refuse the target
 * (see *reason and sslvdir_reason_status()); SSLVDIR_E_BUFFER_TOO_SMALL;
 * SSLVDIR_E_INVALID_ARGUMENT (target NULL with len above 0, out NULL with
 * out_size above 0). After any error out holds the empty string when
 * out_size is not 0, and *out_len is 0 unless out was too small.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_path_canonicalize(const char *target, size_t len, int *reason, char *out,
                          size_t out_size, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_PATH_H */
