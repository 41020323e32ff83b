/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: built-in Exchange presets, the default vdir sets of Exchange
 * 2007 to 2019 and Exchange SE with their sslFlags, service kinds and offload
 * support.
 *
 * Thread contract: the preset table is constant; every function is
 * thread-safe except sslvdir_preset_apply() and sslvdir_preset_apply_opts(),
 * which change their builder.
 */
#ifndef SSLVDIR_PRESET_H
#define SSLVDIR_PRESET_H

#include <sslvdir/builder.h>
#include <sslvdir/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * sslvdir_preset_count - how many presets the library has
 *
 * Presets are numbered from 0 to this count - 1 for sslvdir_preset_name()
 * and sslvdir_preset_description(); the table is constant.
 *
 * Returns: the number of presets.
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_preset_count(void);

/**
 * sslvdir_preset_name - a preset's name, e.g. "exchange2016"
 *
 * The name sslvdir_preset_apply() takes; index runs from 0 to
 * sslvdir_preset_count() - 1.
 *
 * Returns: the name, or NULL past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_preset_name(size_t index);

/**
 * sslvdir_preset_description - one English line about a preset
 *
 * Says which Exchange release and state the preset of that index reproduces,
 * for listings such as sslvdir(1)'s.
 *
 * Returns: the description, or NULL past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_preset_description(size_t index);

/* Options of sslvdir_preset_apply_opts(), ORed. */
/* Microsoft's http->https recipe for OWA: plain-HTTP GET and HEAD to the
 * browser vdirs (site root, owa, ecp) get a 302 to https. */
#define SSLVDIR_PRESET_REDIRECT 0x1u
/* Extended Protection declared on (Exchange 2019 CU14+, or a 2013/2016
 * server where ExchangeExtendedProtectionManagement.ps1 turned it on). */
#define SSLVDIR_PRESET_EP_ON 0x2u
/* Extended Protection declared off (an Exchange SE server set up without
 * it, or where it was turned off). */
#define SSLVDIR_PRESET_EP_OFF 0x4u

/**
 * sslvdir_preset_apply - add a preset's vdirs to a site of a builder
 *
 * The same as sslvdir_preset_apply_opts() with no options: the version's
 * shipped state, where plain HTTP gets 403.4 and nothing redirects.
 *
 * Returns: as sslvdir_preset_apply_opts().
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_preset_apply(sslvdir_builder *builder, const char *preset, const char *site,
                     sslvdir_error *err);

/**
 * sslvdir_preset_apply_opts - add a preset's vdirs to a site, with options
 *
 * The site is created when missing. Each vdir the version ships on its
 * "Default Web Site" is added with the sslFlags the version ships (the
 * table doc/exchange-defaults.md prints) as both edge requirement and
 * backend state, and its service kind. The "-offload" presets set the
 * backend to None where Configuring SSL offloading in Exchange 2013 says
 * so, and on 2007 and 2010 the OWA registry value SSLOffloaded=1 (2010
 * also Outlook Anywhere's SSLOffloading). The builder's Exchange version is
 * set from the preset (2019 for Exchange SE, which ships 2019's
 * configuration). A vdir that already exists in the site is left as it is.
 *
 * A preset is exactly the version's shipped state: plain HTTP gets 403.4,
 * Microsoft's default; no vdir redirects unless options has
 * SSLVDIR_PRESET_REDIRECT, Microsoft's opt-in recipe (site root sslFlags
 * None with an httpRedirect to /owa, then Ssl,Ssl128 on each vdir): the
 * site root, owa and ecp then answer a plain-HTTP GET or HEAD with 302
 * Found to https; other methods and other vdirs still get 403.4.
 *
 * Extended Protection: on for the "exchangese" presets (Setup turns it
 * on), off for the others, unless SSLVDIR_PRESET_EP_ON or
 * SSLVDIR_PRESET_EP_OFF says otherwise (EP_ON needs Exchange 2013 or
 * later). With it on, every vdir but Autodiscover and the site root is
 * marked as protected (so bridged), Outlook Anywhere's SSLOffloading is
 * $false and /Rpc requires SSL. An "-offload" preset with Extended
 * Protection on is refused (SSLVDIR_E_INCONSISTENT) before the builder
 * changes: Microsoft does not support Extended Protection with SSL
 * offloading.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_UNKNOWN_NAME, SSLVDIR_E_INVALID_ARGUMENT
 * (NULL, unknown option bits, EP_ON with EP_OFF, EP_ON before 2013),
 * SSLVDIR_E_INCONSISTENT (offloading with Extended Protection on),
 * SSLVDIR_E_SYNTAX (site name), SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_preset_apply_opts(sslvdir_builder *builder, const char *preset, const char *site,
                          unsigned options, sslvdir_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_PRESET_H */
