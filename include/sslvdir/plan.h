/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: plans that take an Exchange server from its current SSL state
 * to a wanted offloading setup, written as the commands administrators run.
 *
 * The current state is an applicationHost.config (sslvdir_iisconfig) and the
 * registry values (a settings store, from .reg files); the wanted state says
 * which vdirs are offloaded (plain HTTP from the proxy) and which bridged
 * (TLS again). A plan is the ordered steps: Exchange cmdlets
 * (Set-OutlookAnywhere), registry values, sslFlags changes, and the
 * application pool recycles the changes need, each in the forms Configuring SSL offloading in
 * Exchange 2013 uses: appcmd and PowerShell (Set-WebConfigurationProperty), plus a .reg file for
 * the registry values. Plans the documents forbid are refused.
 *
 * Thread contract: a plan is used by one thread at a time.
 */
#ifndef SSLVDIR_PLAN_H
#define SSLVDIR_PLAN_H

#include <stddef.h>
#include <sslvdir/common.h>
#include <sslvdir/iisconfig.h>
#include <sslvdir/registry.h>
#include <sslvdir/settings.h>
#include <sslvdir/vdir.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sslvdir_plan sslvdir_plan;

/* What a step does. Values are never renumbered. */
typedef enum sslvdir_step_kind {
  SSLVDIR_STEP_EXCHANGE = 1, /* an Exchange Management Shell cmdlet */
  SSLVDIR_STEP_REGISTRY = 2, /* a registry value */
  SSLVDIR_STEP_SSLFLAGS = 3, /* sslFlags of a location */
  SSLVDIR_STEP_RECYCLE = 4   /* an application pool recycle (or iisreset) */
} sslvdir_step_kind;

/* The forms a plan is written in. */
typedef enum sslvdir_plan_form {
  SSLVDIR_PLAN_FORM_APPCMD = 1, /* Configuring SSL offloading in Exchange 2013's "Using appcmd" script */
  SSLVDIR_PLAN_FORM_POWERSHELL = 2 /* Configuring SSL offloading in Exchange 2013's "Using
                                 Set-WebConfigurationProperty" script */
} sslvdir_plan_form;

/* Flags of sslvdir_plan_build(). */
#define SSLVDIR_PLAN_IISRESET 0x1u /* one "iisreset /noforce" instead of per-pool recycles */

/**
 * sslvdir_plan_new - start a plan from a server's current state
 *
 * config (may be NULL: every wanted change is then made, and the Exchange
 * defaults stand for what is not known) and registry (may be NULL) are
 * copied: they may be changed or freed as soon as sslvdir_plan_new()
 * returns, and the plan goes on from them as they were then. version is
 * the Exchange release (2007 to 2019, 2025 for SE, or 0 for unknown) that decides what
 * can be offloaded.
 *
 * Returns: SSLVDIR_OK and *out set, SSLVDIR_E_RANGE (version),
 * SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_plan_new(sslvdir_plan **out, const sslvdir_iisconfig *config,
                 const sslvdir_settings *registry, unsigned version, sslvdir_error *err);

/**
 * sslvdir_plan_free - free a plan
 *
 * NULL is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_plan_free(sslvdir_plan *plan);

/**
 * sslvdir_plan_set_outlook_anywhere - name the server, and optionally the external host name
 *
 * server is what Set-OutlookAnywhere -Identity takes before "\Rpc*"
 * ("MyServer" when never set). With external_host, the plan also sets
 * -Externalhostname, -ExternalClientsRequireSsl $True and
 * -ExternalClientAuthenticationMethod auth (Basic, Ntlm or Negotiate;
 * NULL for Basic), as Configuring SSL offloading in Exchange 2013's scripts do.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX (a name that is not a host name or
 * NetBIOS name), SSLVDIR_E_UNKNOWN_NAME (auth), SSLVDIR_E_NOMEM,
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_plan_set_outlook_anywhere(sslvdir_plan *plan, const char *server,
                                  const char *external_host, const char *auth,
                                  sslvdir_error *err);

/**
 * sslvdir_plan_want - say how a vdir should be reached
 *
 * config_path is "Default Web Site/owa" (as appcmd takes it; kept as
 * written); upstream is SSLVDIR_UPSTREAM_OFFLOAD or SSLVDIR_UPSTREAM_BRIDGE.
 * Refused, with the reason in err: offloading MRSProxy (it needs SSL
 * bridging), ActiveSync on Exchange 2007, and anything on the "Exchange Back
 * End" site (only the Default Web Site is configured for offloading:
 * Configuring SSL offloading in Exchange 2013). With a configuration, also
 * offloading a vdir where Extended Protection is on (at it or a location
 * under it: Microsoft does not support it with SSL offloading; turn it off
 * with the vdir's cmdlet first, -ExtendedProtectionTokenChecking None),
 * and offloading or bridging a vdir whose sslFlags require a client
 * certificate (SslRequireCert: a proxy that ends TLS cannot pass the
 * certificate on). A vdir wanted twice takes
 * the last answer. The path is written
 * between double quotes into commands that PowerShell, cmd.exe and
 * appcmd.exe read, so a path holding what one of them would expand or end
 * the quotes at is refused: '"', '`', '$', '%', '!', '\', control
 * characters and any byte above 0x7F (PowerShell's typographic quotes
 * U+2018 to U+201E among them).
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_REFUSED, SSLVDIR_E_SYNTAX (path),
 * SSLVDIR_E_NOT_FOUND (a site the configuration does not have, or a vdir:
 * a path at or below none of its applications but the site's root one and
 * no location of it; with no configuration, what the version ships stands
 * in for it: a site other than the Default Web Site, or a path at or below
 * no vdir Exchange creates there),
 * SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_plan_want(sslvdir_plan *plan,
                                                         const char *config_path,
                                                         sslvdir_upstream upstream,
                                                         sslvdir_error *err);

/**
 * sslvdir_plan_build - work out the steps
 *
 * In order: Exchange cmdlets (Outlook Anywhere's host name, then its
 * SSLOffloading when the Rpc vdir changes), registry values (SSLOffloaded=1
 * for the owa vdir offloaded on Exchange 2007 and 2010, 0 when bridged
 * again), then the sslFlags of each wanted vdir, a vdir before those wanted
 * under it and otherwise in the order wanted (None to offload, "Ssl,Ssl128"
 * to bridge, and the same for every deeper location of the configuration
 * that sets sslFlags under it), then "Ssl,Ssl128" on Site/EWS/mrsproxy.svc
 * when the plan offloads anything on a site with EWS (Exchange 2010 and
 * later) and MRSProxy would not require SSL afterwards, then one recycle
 * per application pool touched, in first-touched order (or one iisreset
 * with SSLVDIR_PLAN_IISRESET). Each vdir is compared with the configuration
 * as the steps before it leave it, and only what differs is changed; an
 * offloaded vdir gets None on its own location even when it inherits None.
 * With no configuration, every sslFlags step is made except the
 * Rpc vdir's, which Exchange creates with None. More than 256 pools give
 * one iisreset. A location or pool name of the configuration that
 * sslvdir_plan_want() would refuse stops the plan, with no step.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX (a name of the configuration),
 * SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT (also for a flag bit other
 * than SSLVDIR_PLAN_IISRESET).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_plan_build(sslvdir_plan *plan, unsigned flags,
                                                          sslvdir_error *err);

/**
 * sslvdir_plan_step_count - how many steps the plan has
 *
 * Steps are numbered from 0 to this count - 1 for sslvdir_plan_step(), in
 * the order they are to be run.
 *
 * Returns: the count (0 before sslvdir_plan_build() and for NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_plan_step_count(const sslvdir_plan *plan);

/**
 * sslvdir_plan_step - one step, in a form
 *
 * *kind receives the sslvdir_step_kind, *target what it changes ("Default
 * Web Site/owa", a pool name, a registry path), *text the command line in
 * form, *why a sentence. Any out pointer may be NULL; the strings live
 * until the next sslvdir_plan_build() (which makes the steps again) or
 * sslvdir_plan_free().
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (index), SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_plan_step(const sslvdir_plan *plan, size_t index, sslvdir_plan_form form, int *kind,
                  const char **target, const char **text, const char **why);

/**
 * sslvdir_plan_registry - the .reg file of the plan's registry values
 *
 * Gathers the plan's SSLVDIR_STEP_REGISTRY steps into one registry file,
 * ready for sslvdir_regfile_write() and an import with regedit on the
 * Exchange server. Before sslvdir_plan_build() there is no such step.
 *
 * Returns: SSLVDIR_OK and *out set (free it with sslvdir_regfile_free());
 * SSLVDIR_E_NOT_FOUND when the plan changes no registry value;
 * SSLVDIR_E_NOMEM; SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_plan_registry(const sslvdir_plan *plan,
                                                             sslvdir_regfile **out,
                                                             sslvdir_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_PLAN_H */
