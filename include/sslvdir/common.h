/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: common definitions: export macros, error codes, error details,
 * version query and the allocator hook.
 *
 * Thread contract: sslvdir_strerror() and sslvdir_version() are thread-safe.
 * sslvdir_set_allocator() is not: call it once, before any other libsslvdir
 * call, or not at all.
 */
#ifndef SSLVDIR_COMMON_H
#define SSLVDIR_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(BUILDING_SSLVDIR) && defined(__GNUC__)
#define SSLVDIR_EXTERN __attribute__((visibility("default")))
#else
#define SSLVDIR_EXTERN
#endif

#if defined(__GNUC__)
#define SSLVDIR_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define SSLVDIR_WARN_UNUSED
#endif

/*
 * Status codes. 0 is success, failures are negative. Values are part of the
 * ABI and are never renumbered; new codes are only ever appended.
 */
typedef enum sslvdir_status {
  SSLVDIR_OK = 0,
  SSLVDIR_E_INVALID_ARGUMENT = -1, /* NULL where an object is needed, bad enum */
  SSLVDIR_E_NOMEM = -2,            /* an allocation failed */
  SSLVDIR_E_SYNTAX = -3,           /* input does not follow its grammar */
  SSLVDIR_E_UNKNOWN_NAME = -4,     /* unknown keyword, preset, kind or element */
  SSLVDIR_E_DUPLICATE = -5,        /* a name that must be unique is repeated */
  SSLVDIR_E_NOT_FOUND = -6,        /* a named site, vdir or key does not exist */
  SSLVDIR_E_RANGE = -7,            /* a number or a length is out of range */
  SSLVDIR_E_INCONSISTENT = -8,     /* values contradict each other */
  SSLVDIR_E_IO = -9,               /* reading a file failed */
  SSLVDIR_E_REFUSED = -10,         /* input refused by policy (e.g. a DOCTYPE) */
  SSLVDIR_E_BUFFER_TOO_SMALL = -11,/* the caller's buffer cannot hold the result */
  SSLVDIR_E_TYPE = -12,            /* a value exists with another type */
  SSLVDIR_E_CALLBACK = -13,        /* a caller's callback asked to stop */
  SSLVDIR_E_PASSWORD = -14         /* a password is wrong or missing (PKCS#12) */
} sslvdir_status;

/*
 * Details of a failure, filled by any function that takes one (pass NULL when
 * the status code is enough). line and column are 1-based positions in the
 * input (0 when they do not apply); offset is a 0-based byte offset
 * (SIZE_MAX when it does not apply).
 *
 * Frozen: this layout never changes, and there is no version field. Callers
 * declare it uninitialised ("sslvdir_error e;") and the library fills it, so
 * a version would have to be set before each of the many calls that take
 * one; more detail would need new functions instead.
 */
typedef struct sslvdir_error {
  int code;
  unsigned line;
  unsigned column;
  size_t offset;
  char message[256];
} sslvdir_error;

/**
 * sslvdir_strerror - describe a status code
 *
 * Returns a static, NUL-terminated English description of a status code
 * returned by any libsslvdir function. Unknown codes give "unknown error".
 *
 * Returns: a string that must not be freed.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_strerror(int code);

/**
 * sslvdir_version - the version of the library loaded at run time
 *
 * When num is not NULL it receives the release as 0xMMmmpp, to compare with
 * SSLVDIR_VERSION_NUM from the header the caller was compiled against.
 *
 * Returns: the release as a static string, e.g. "0.1.0".
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_version(unsigned *num);

/**
 * sslvdir_set_allocator - route the library's own allocations through hooks
 *
 * Every allocation libsslvdir makes itself (builders, policies, settings)
 * goes through these functions; libxml2 and GnuTLS keep their own. Pass
 * three NULL functions to restore malloc, realloc and free. All three must be
 * given together. Not thread-safe: call it before any other libsslvdir call,
 * while no libsslvdir object exists.
 *
 * Returns: SSLVDIR_OK, or SSLVDIR_E_INVALID_ARGUMENT when only some of the
 * three functions are given.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_set_allocator(void *(*malloc_fn)(size_t size, void *user_data),
                      void *(*realloc_fn)(void *ptr, size_t size, void *user_data),
                      void (*free_fn)(void *ptr, void *user_data),
                      void *user_data);

/**
 * sslvdir_exchange_version_parse - read an Exchange release as people write it
 *
 * text (len bytes, no NUL needed) is a year the library knows (2007, 2010,
 * 2013, 2016, 2019, 2025) or "SE", in any case, for Exchange Server SE,
 * which the library numbers 2025. The command, the bindings and policy
 * files read versions with it, so that all take the same spellings.
 *
 * Returns: SSLVDIR_OK with *version set; SSLVDIR_E_RANGE for any other text
 * (err's message lists the known versions); SSLVDIR_E_INVALID_ARGUMENT for
 * a NULL text or version. On failure *version is 0.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_exchange_version_parse(const char *text, size_t len, unsigned *version,
                               sslvdir_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_COMMON_H */
