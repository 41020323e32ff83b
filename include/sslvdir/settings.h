/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: the registry-style settings Exchange reads (SSLOffloaded,
 * AllowInternalUntrustedCerts, AllowExternalUntrustedCerts, ...), typed and
 * addressed by their full registry path.
 *
 * Paths are "KEY\ValueName", e.g.
 * "HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\MSExchange OWA\SSLOffloaded".
 * They compare case-insensitively, "HKLM" stands for "HKEY_LOCAL_MACHINE", and
 * the service name is accepted as "MSExchange OWA" (Exchange 2007's
 * documentation) or "MSExchangeOWA" (the Exchange 2007 Client Access and SSL white paper); both
 * name the same value.
 *
 * Outlook Anywhere's SSLOffloading is not a registry value but an Active
 * Directory property set with Set-OutlookAnywhere; it lives here under the
 * pseudo path SSLVDIR_KEY_OA_SSL_OFFLOADING so that one store holds every
 * switch the decisions depend on.
 *
 * Thread contract: a settings object is used by one thread at a time. A
 * policy keeps its own frozen copy (sslvdir_policy_settings()), which is
 * read-only and safe to share.
 */
#ifndef SSLVDIR_SETTINGS_H
#define SSLVDIR_SETTINGS_H

#include <sslvdir/common.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SSLVDIR_OWA_KEY "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA"
/* DWORD, default 0: OWA renders https:// links although it is reached over http. */
#define SSLVDIR_KEY_SSL_OFFLOADED SSLVDIR_OWA_KEY "\\SSLOffloaded"
/* DWORD, default 1: CAS-to-CAS proxying accepts untrusted internal certificates. */
#define SSLVDIR_KEY_ALLOW_INTERNAL_UNTRUSTED SSLVDIR_OWA_KEY "\\AllowInternalUntrustedCerts"
/* DWORD, default 0: the same for external Client Access servers. */
#define SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED SSLVDIR_OWA_KEY "\\AllowExternalUntrustedCerts"
/* DWORD, default 0: proxying to another CAS over plain http. */
#define SSLVDIR_KEY_ALLOW_PROXYING_WITHOUT_SSL SSLVDIR_OWA_KEY "\\AllowProxyingWithoutSsl"
/* The misspelling printed by the Exchange 2007 Client Access and SSL white paper; Exchange never
 * reads it. */
#define SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED_TYPO SSLVDIR_OWA_KEY "\\AllowExternallUntrustedCerts"
/* Pseudo path, DWORD: Set-OutlookAnywhere -SSLOffloading (default 1 from 2013, 0 before). */
#define SSLVDIR_KEY_OA_SSL_OFFLOADING "Exchange\\OutlookAnywhere\\SSLOffloading"

/* The type of a setting. The values are the Windows registry's own, equal to
 * SSLVDIR_REG_SZ and SSLVDIR_REG_DWORD of registry.h, so that the *type of
 * sslvdir_settings_entry() and of sslvdir_regfile_entry() mean the same. */
typedef enum sslvdir_value_type {
  SSLVDIR_VALUE_STRING = 1, /* REG_SZ */
  SSLVDIR_VALUE_DWORD = 4   /* REG_DWORD */
} sslvdir_value_type;

typedef struct sslvdir_settings sslvdir_settings;

/**
 * sslvdir_settings_new - create an empty settings store
 *
 * The store holds no value: every path reads as not set, and a policy built
 * with it uses Exchange's defaults. Free it with sslvdir_settings_free();
 * sslvdir_builder_set_settings() copies it. On failure *out is NULL (when
 * out is not) and err (which may be NULL) says why.
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_NOMEM;
 * SSLVDIR_E_INVALID_ARGUMENT when out is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_settings_new(sslvdir_settings **out,
                                                            sslvdir_error *err);

/**
 * sslvdir_settings_free - destroy a settings store
 *
 * sslvdir_settings_free(NULL) does nothing.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_settings_free(sslvdir_settings *settings);

/**
 * sslvdir_settings_set_dword - set a REG_DWORD value
 *
 * The path is checked and normalised (see the header's introduction). A
 * well-known value given another type elsewhere is refused. Setting the
 * misspelled AllowExternallUntrustedCerts stores it, as Windows would, and
 * adds a warning (sslvdir_settings_warning()) saying that Exchange reads
 * AllowExternalUntrustedCerts instead: the misspelled value changes no decision.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_SYNTAX for a malformed path; SSLVDIR_E_TYPE
 * when a well-known key is a string; SSLVDIR_E_RANGE when a well-known
 * boolean is neither 0 nor 1; SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_settings_set_dword(sslvdir_settings *settings, const char *path, uint32_t value,
                           sslvdir_error *err);

/**
 * sslvdir_settings_set_string - set a REG_SZ value
 *
 * As sslvdir_settings_set_dword(), for strings; the value is copied and may
 * hold any byte but NUL.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX, SSLVDIR_E_TYPE (a well-known DWORD)
 * or SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_settings_set_string(sslvdir_settings *settings, const char *path, const char *value,
                            sslvdir_error *err);

/**
 * sslvdir_settings_unset - remove a value, as "Name"=- does in a .reg file
 *
 * path is written as for sslvdir_settings_set_dword(). Reading the path
 * afterwards gives SSLVDIR_E_NOT_FOUND, so a policy falls back to Exchange's
 * default for it.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_NOT_FOUND when it was not set;
 * SSLVDIR_E_SYNTAX for a malformed path; SSLVDIR_E_INVALID_ARGUMENT when
 * settings is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_settings_unset(sslvdir_settings *settings, const char *path, sslvdir_error *err);

/**
 * sslvdir_settings_get_dword - the value a store holds for a DWORD path
 *
 * Only what was set; defaults come from sslvdir_settings_default_dword() or,
 * for a policy, sslvdir_policy_get_dword().
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_NOT_FOUND; SSLVDIR_E_TYPE when
 * the value is a string; SSLVDIR_E_SYNTAX for a malformed path.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_settings_get_dword(const sslvdir_settings *settings, const char *path, uint32_t *out);

/**
 * sslvdir_settings_get_string - the value a store holds for a string path
 *
 * Only what was set, as for sslvdir_settings_get_dword(); path is compared
 * as sslvdir_settings_set_string() stores it.
 *
 * Returns: SSLVDIR_OK and *out pointing into the store (valid until the value
 * changes or the store is freed); SSLVDIR_E_NOT_FOUND; SSLVDIR_E_TYPE;
 * SSLVDIR_E_SYNTAX.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_settings_get_string(const sslvdir_settings *settings, const char *path,
                            const char **out);

/**
 * sslvdir_settings_default_dword - Exchange's default for a well-known value
 *
 * exchange_version is 2007, 2010, 2013, 2016, 2019, 2025 (Exchange Server
 * SE), or 0 for "unknown", in which case 2013 to 2019's behaviour is
 * assumed (SSLOffloading on). SE's Setup turns Extended Protection on,
 * which needs Outlook Anywhere's SSLOffloading off: its default is 0.
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_NOT_FOUND when the path is not
 * a well-known DWORD.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_settings_default_dword(const char *path, unsigned exchange_version, uint32_t *out);

/**
 * sslvdir_settings_count - how many values a store holds
 *
 * Counts the values sslvdir_settings_entry() enumerates, known or not.
 *
 * Returns: the number of values, or 0 when settings is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_settings_count(const sslvdir_settings *settings);

/**
 * sslvdir_settings_entry - one value of a store, in the order they were first set
 *
 * Any of path, type, dword and string may be NULL. For a DWORD *string is
 * set to NULL; for a string *dword is set to 0. *known is set to 1 when the
 * path is one libsslvdir understands, 0 when it is only kept.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_NOT_FOUND when index is past the end, with
 * every output cleared; SSLVDIR_E_INVALID_ARGUMENT for a NULL store.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_settings_entry(const sslvdir_settings *settings, size_t index, const char **path,
                       sslvdir_value_type *type, uint32_t *dword, const char **string,
                       int *known);

/**
 * sslvdir_settings_warning_count - how many warnings setting values produced
 *
 * Warnings are legal but suspicious values, such as the misspelled
 * AllowExternalUntrustedCerts of Microsoft's CAS-to-CAS proxying paper,
 * which Exchange never reads.
 *
 * Returns: the number of warnings, or 0 when settings is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_settings_warning_count(const sslvdir_settings *settings);

/**
 * sslvdir_settings_warning - one warning, as an English sentence
 *
 * index runs from 0 to sslvdir_settings_warning_count() - 1; the string
 * lives until the store is freed.
 *
 * Returns: the warning, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_settings_warning(const sslvdir_settings *settings,
                                                    size_t index);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_SETTINGS_H */
