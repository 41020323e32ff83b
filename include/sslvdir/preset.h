/*
 * libsslvdir: built-in Exchange presets, the default vdir sets of Exchange
 * 2007 to 2019 with their sslFlags, service kinds and offload support.
 *
 * Thread contract: the preset table is constant; every function is
 * thread-safe except sslvdir_preset_apply(), which changes its builder.
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
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_preset_count(void);

/**
 * sslvdir_preset_name - a preset's name, e.g. "exchange2016"
 *
 * Returns: the name, or NULL past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_preset_name(size_t index);

/**
 * sslvdir_preset_description - one English line about a preset
 *
 * Returns: the description, or NULL past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_preset_description(size_t index);

/**
 * sslvdir_preset_apply - add a preset's vdirs to a site of a builder
 *
 * The site is created when missing. Each vdir the version ships on its
 * "Default Web Site" is added with the sslFlags the version ships (the
 * table doc/exchange-defaults.md prints) as both edge requirement and
 * backend state (the "-offload" presets set the backend to None where
 * Configuring SSL offloading in Exchange 2013 says so, and SSLOffloaded=1),
 * its service kind, and a redirect for browser vdirs (site root, owa, ecp).
 * The builder's Exchange version is set from the preset. A vdir that
 * already exists in the site is left as it is.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_UNKNOWN_NAME, SSLVDIR_E_SYNTAX (site name),
 * SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_preset_apply(sslvdir_builder *builder, const char *preset, const char *site,
                     sslvdir_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_PRESET_H */
