/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: IIS applicationHost.config, read faithfully and edited without
 * loss.
 *
 * A configuration is read with hardened libxml2 (UTF-8 with or without a BOM,
 * or UTF-16 with a BOM, as IIS writes both) into sites, bindings,
 * applications, application pools and the <location> blocks that carry
 * system.webServer/security/access (sslFlags) and system.webServer/httpRedirect.
 * It keeps the original bytes: sslvdir_iisconfig_set_ssl_flags() changes
 * exactly one attribute (or adds the <location> it needs) and every other
 * byte stays as it was; sslvdir_iisconfig_save() writes atomically and keeps
 * a .bak.
 *
 * The strings the reading functions return (names, paths, pools, hosts,
 * warnings, the bytes) belong to the configuration and stay valid until it
 * is changed with sslvdir_iisconfig_set_ssl_flags(), which reads the edited
 * file again, or freed: read them again after a change.
 *
 * Thread contract: a sslvdir_iisconfig is not shared while it is changed;
 * reading functions may be called from several threads when nobody
 * changes it.
 */
#ifndef SSLVDIR_IISCONFIG_H
#define SSLVDIR_IISCONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sslvdir/common.h>
#include <sslvdir/builder.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sslvdir_iisconfig sslvdir_iisconfig;

/* How the file was encoded; it is written back the same way. Values are
 * never renumbered. */
typedef enum sslvdir_encoding {
  SSLVDIR_ENCODING_UTF8 = 0,     /* UTF-8 (or ASCII) without BOM */
  SSLVDIR_ENCODING_UTF8_BOM = 1, /* UTF-8 with EF BB BF */
  SSLVDIR_ENCODING_UTF16LE = 2,  /* UTF-16LE with FF FE */
  SSLVDIR_ENCODING_UTF16BE = 3   /* UTF-16BE with FE FF */
} sslvdir_encoding;

/* Extended Protection's tokenChecking
 * (system.webServer/security/authentication/windowsAuthentication/extendedProtection).
 * Values are never renumbered. */
typedef enum sslvdir_token_checking {
  SSLVDIR_TOKEN_CHECKING_NONE = 0,
  SSLVDIR_TOKEN_CHECKING_ALLOW = 1,
  SSLVDIR_TOKEN_CHECKING_REQUIRE = 2
} sslvdir_token_checking;

/* The largest applicationHost.config read (bytes as stored). */
#define SSLVDIR_IISCONFIG_MAX (32u * 1024u * 1024u)

/**
 * sslvdir_iisconfig_parse - read an applicationHost.config from memory
 *
 * The document must be <configuration>; everything the library does not
 * use is kept untouched. Refused: a DOCTYPE or entity declaration, NUL bytes
 * or invalid UTF-8, odd-length or ill-formed UTF-16, an XML declaration
 * naming an encoding other than the file's (UTF-8 or UTF-16: IIS writes no
 * other), more than SSLVDIR_IISCONFIG_MAX
 * bytes, elements nested deeper than 64. Errors name the line: an unknown
 * sslFlags keyword or tokenChecking value (SSLVDIR_E_UNKNOWN_NAME), a <location> for a site that
 * does not exist (SSLVDIR_E_NOT_FOUND), the same section set twice for one
 * location path, or a section or section group (<system.webServer>,
 * <security>, <access>, <bindings>, ...) given twice in one place, as IIS
 * refuses them with 500.19 (SSLVDIR_E_DUPLICATE), a location or application
 * path that is not literal (a '%', '\', '//', a '.' or '..' segment: IIS
 * neither decodes nor resolves configuration paths, SSLVDIR_E_SYNTAX). An
 * element that leaves an attribute out (<access /> without sslFlags) sets
 * nothing: the inherited value stays, as IIS merges attribute by attribute.
 * What is legal but suspicious is a warning (sslvdir_iisconfig_warning()).
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_SYNTAX, SSLVDIR_E_REFUSED,
 * SSLVDIR_E_RANGE, SSLVDIR_E_UNKNOWN_NAME, SSLVDIR_E_NOT_FOUND,
 * SSLVDIR_E_DUPLICATE, SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_iisconfig_parse(sslvdir_iisconfig **out,
                                                               const char *data, size_t len,
                                                               sslvdir_error *err);

/**
 * sslvdir_iisconfig_load - read an applicationHost.config from a file
 *
 * Reads the file whole and parses it as sslvdir_iisconfig_parse() does; a
 * file larger than SSLVDIR_IISCONFIG_MAX bytes is refused with
 * SSLVDIR_E_RANGE. The file is not kept open: sslvdir_iisconfig_save() names
 * its target again.
 *
 * Returns: as sslvdir_iisconfig_parse(); SSLVDIR_E_IO when the file cannot
 * be read.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_iisconfig_load(sslvdir_iisconfig **out,
                                                              const char *filename,
                                                              sslvdir_error *err);

/**
 * sslvdir_iisconfig_free - free a configuration
 *
 * NULL is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_iisconfig_free(sslvdir_iisconfig *config);

/**
 * sslvdir_iisconfig_encoding - how the file was encoded
 *
 * UTF-8 with or without a BOM, or UTF-16 with a BOM, as the file's first
 * bytes said; sslvdir_iisconfig_bytes() and sslvdir_iisconfig_save() write
 * the same encoding back.
 *
 * Returns: the sslvdir_encoding (SSLVDIR_ENCODING_UTF8 for NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN sslvdir_encoding sslvdir_iisconfig_encoding(const sslvdir_iisconfig *config);

/**
 * sslvdir_iisconfig_site_count - how many sites the configuration has
 *
 * Sites are numbered from 0 to this count - 1 for sslvdir_iisconfig_site(),
 * in file order.
 *
 * Returns: the count (0 for NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_iisconfig_site_count(const sslvdir_iisconfig *config);

/**
 * sslvdir_iisconfig_site - a site's name, and its host names and https port from its bindings
 *
 * *hosts receives the host headers of the site's http and https bindings,
 * lower case, each once, comma-separated ("" when there is none; an IIS 10
 * wildcard binding as "*.contoso.com", which sslvdir_iisconfig_apply()
 * does not route by); *https_port the port
 * of its first https binding (0 when it has none). Any out pointer may be
 * NULL. The strings live until the configuration is changed or freed.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (index past the end),
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_iisconfig_site(const sslvdir_iisconfig *config, size_t index, const char **name,
                       const char **hosts, unsigned *https_port);

/**
 * sslvdir_iisconfig_app_count - how many applications (all sites) the configuration has
 *
 * Applications are numbered from 0 to this count - 1 for
 * sslvdir_iisconfig_app(), in file order.
 *
 * Returns: the count (0 for NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_iisconfig_app_count(const sslvdir_iisconfig *config);

/**
 * sslvdir_iisconfig_app - an application: "Site/path" and its application pool
 *
 * *config_path is "Default Web Site/owa" ("Default Web Site" for a site's
 * root application), *pool its applicationPool (the site's or the server's
 * default when the application names none; "" when there is none). Any out
 * pointer may be NULL.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_iisconfig_app(const sslvdir_iisconfig *config, size_t index, const char **config_path,
                      const char **pool);

/**
 * sslvdir_iisconfig_ssl_flags - the sslFlags in force at a path, with inheritance
 *
 * path is "Site/vdir/..." as appcmd writes it, or "" for the server level;
 * it compares case-insensitively. The flags are those of the nearest
 * <location> (or the server-level section) that sets
 * system.webServer/security/access, going up from path to the server;
 * IIS's default None when none does. A location with
 * inheritInChildApplications="false" is passed over for a path in an
 * application below its own. *from receives the path of the
 * location that set them ("" for the server level, NULL for the default).
 * A path on a site the configuration does not have ("Default Website/owa")
 * is SSLVDIR_E_NOT_FOUND, rather than the server level's answer.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (no such site),
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_iisconfig_ssl_flags(const sslvdir_iisconfig *config, const char *path, unsigned *flags,
                            const char **from);

/**
 * sslvdir_iisconfig_redirect - the httpRedirect set at a path, with inheritance
 *
 * As sslvdir_iisconfig_ssl_flags() for system.webServer/httpRedirect:
 * *enabled, *destination ("" when none) and *status (301, 302, 307, 308;
 * IIS's default 302). Any out pointer may be NULL.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (no such site),
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_iisconfig_redirect(const sslvdir_iisconfig *config, const char *path, int *enabled,
                           const char **destination, int *status);

/**
 * sslvdir_iisconfig_extended_protection - the Extended Protection in force at a path, with inheritance
 *
 * As sslvdir_iisconfig_ssl_flags() for the tokenChecking of
 * windowsAuthentication's extendedProtection: *token_checking receives an
 * sslvdir_token_checking (None when no location sets it, IIS's default),
 * *from (may be NULL) the location that set it. Allow and Require both bind
 * Windows authentication to the TLS channel, so such a vdir cannot be
 * offloaded; sslvdir_iisconfig_apply() marks it so.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (no such site),
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_iisconfig_extended_protection(const sslvdir_iisconfig *config, const char *path,
                                      int *token_checking, const char **from);

/**
 * sslvdir_iisconfig_warning_count - how many warnings reading produced
 *
 * Warnings are what is legal for IIS but suspicious, found while reading
 * (sslvdir_iisconfig_parse()).
 *
 * Returns: the count (0 for NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_iisconfig_warning_count(const sslvdir_iisconfig *config);

/**
 * sslvdir_iisconfig_warning - a warning: legal but suspicious, with its line
 *
 * index runs from 0 to sslvdir_iisconfig_warning_count() - 1; the string
 * lives until the configuration is changed or freed.
 *
 * Returns: the text ("line 12: ..."), NULL past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_iisconfig_warning(const sslvdir_iisconfig *config,
                                                     size_t index);

/**
 * sslvdir_iisconfig_apply - put the configuration's backend state into a builder
 *
 * Every site is added (or extended, when a preset made it already) with its
 * bindings' host names, the host of its first https binding as canonical
 * host with that port. The policy's default site (the one for a Host that
 * no binding names) becomes the site with a binding without a host name,
 * one on port 80 or 443 before one on another port; when no site has one,
 * or two sites tie, the policy has no default site and such a Host gets
 * 400, as HTTP.sys answers when no binding takes it; every application and every location deeper than
 * one becomes a vdir whose backend sslFlags are those in force there, and
 * whose edge sslFlags are the same unless the vdir already existed: the
 * proxy then asks of clients what IIS asks. The vdir's kind comes from its
 * Exchange name (owa, ecp, EWS, mrsproxy.svc, Microsoft-Server-ActiveSync,
 * OAB, mapi, Rpc, Autodiscover, PowerShell), other otherwise. A vdir where
 * Extended Protection's tokenChecking is Allow or Require is marked with
 * sslvdir_builder_set_vdir_extended_protection(), so it is bridged.
 *
 * Returns: SSLVDIR_OK; what the builder returns (for instance
 * SSLVDIR_E_DUPLICATE for a host in two sites); SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_iisconfig_apply(const sslvdir_iisconfig *config, sslvdir_builder *builder,
                        sslvdir_error *err);

/**
 * sslvdir_iisconfig_set_ssl_flags - change sslFlags at a path, and nothing else
 *
 * As `appcmd set config "Site/vdir" /section:access /sslFlags:... /commit:APPHOST`
 * does: the sslFlags attribute of that location's
 * system.webServer/security/access is replaced (keeping its quotes), or added
 * to the element, or the element, or the elements above it, or the whole
 * <location path="..."> block (before </configuration>) are inserted, using
 * the file's indentation and line endings. Every other byte is kept. The
 * flags are written as IIS writes them ("Ssl,Ssl128", "None"). path "" is
 * the server level. The model is read again from the new bytes.
 *
 * Returns: SSLVDIR_OK (also when the attribute already had that value: then
 * nothing changes), SSLVDIR_E_RANGE or SSLVDIR_E_INCONSISTENT (flags,
 * see sslvdir_flags_check()), SSLVDIR_E_NOT_FOUND (no such site),
 * SSLVDIR_E_SYNTAX (a path with control characters or quotes),
 * SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT. On failure the configuration
 * is unchanged.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_iisconfig_set_ssl_flags(sslvdir_iisconfig *config, const char *path, unsigned flags,
                                sslvdir_error *err);

/**
 * sslvdir_iisconfig_bytes - the configuration as it would be written
 *
 * In its original encoding (and BOM). The bytes belong to the configuration
 * and stay valid until it is changed or freed.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_iisconfig_bytes(sslvdir_iisconfig *config,
                                                               const char **data, size_t *len);

/**
 * sslvdir_iisconfig_save - write the configuration to a file, atomically, keeping a .bak
 *
 * The bytes go to a temporary file in the same directory, are flushed to
 * disk (fsync), the previous file (if any) is copied to FILENAME.bak, and
 * the temporary file is renamed over FILENAME. A failure at any step leaves
 * FILENAME as it was and removes the temporary file.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_IO (with the system's reason in err),
 * SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_iisconfig_save(sslvdir_iisconfig *config,
                                                              const char *filename,
                                                              sslvdir_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_IISCONFIG_H */
