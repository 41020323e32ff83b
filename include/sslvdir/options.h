/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: a policy from named options, the way the sslvdir command, the
 * Python and Lua bindings and the HAProxy plugin take them.
 *
 * The options are strings set by name ("preset", "host", "offloader"...);
 * sslvdir_policy_options_build() checks how they go together and builds the
 * policy. Nothing is guessed: a missing setting is an error that says what
 * to set, never a default host, preset or Autodiscover domain. Each caller
 * names the options its own way (--host, hosts=, SSLVDIR_HOSTS), and tells
 * the object so with sslvdir_policy_options_spell(): every message then
 * speaks the caller's language.
 *
 * Thread contract: an options object is used by one thread at a time;
 * building only reads it, and the policy built is immutable and shareable
 * as any other.
 */
#ifndef SSLVDIR_OPTIONS_H
#define SSLVDIR_OPTIONS_H

#include <sslvdir/common.h>
#include <sslvdir/policy.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sslvdir_policy_options sslvdir_policy_options;

/* The longest value an option takes, in bytes, but for "policy-xml"
 * (SSLVDIR_POLICYFILE_MAX), and how many values a repeatable option takes. */
#define SSLVDIR_POLICY_OPTIONS_VALUE_MAX 4096u
#define SSLVDIR_POLICY_OPTIONS_REPEAT_MAX 256u

/**
 * sslvdir_policy_options_new - create an empty set of policy options
 *
 * Nothing is set, and every option is spelled by its library name. Free it
 * with sslvdir_policy_options_free(). On failure *out is NULL (when out is
 * not) and err (which may be NULL) says why.
 *
 * Returns: SSLVDIR_OK and *out set, SSLVDIR_E_INVALID_ARGUMENT (out NULL)
 * or SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_policy_options_new(sslvdir_policy_options **out,
                                                                  sslvdir_error *err);

/**
 * sslvdir_policy_options_free - destroy a set of policy options
 *
 * Policies built from it live on. sslvdir_policy_options_free(NULL) does
 * nothing.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_policy_options_free(sslvdir_policy_options *options);

/**
 * sslvdir_policy_options_set - set an option by name
 *
 * The names and what they take (the value is copied):
 * "policy" a policy file; "policy-xml" a policy document itself;
 * "preset" a built-in preset (sslvdir_preset_name()); "host" a host name of
 * the preset's site (repeatable); "ad-domain" an e-mail domain whose
 * Autodiscover the preset's site answers (repeatable); "site" the preset's
 * IIS site ("Default Web Site" unless set, as IIS names it); "redirect"
 * on or off, Microsoft's http->https recipe for the preset
 * (SSLVDIR_PRESET_REDIRECT); "extended-protection" on or off, as the
 * server has it (unset: what the version's Setup leaves); "iisconfig" an
 * applicationHost.config; "reg" a .reg export applied to the settings
 * (repeatable); "offloader" a trusted offloader's address or CIDR
 * (repeatable); "offloader-cipher-bits" the minimum key size, 0 to 256 in
 * decimal digits, and "offloader-cipher-header" the cipher header, that
 * every offloader guarantees (sslvdir_builder_set_offloader_cipher()).
 *
 * An option that takes one value is set once: a second value is an error,
 * never "the last one wins". Files are read by
 * sslvdir_policy_options_build(), not here.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_UNKNOWN_NAME (no such option);
 * SSLVDIR_E_DUPLICATE (a single-valued option set twice); SSLVDIR_E_SYNTAX
 * (an empty value, on/off or a number misspelt); SSLVDIR_E_RANGE (a value
 * longer than SSLVDIR_POLICY_OPTIONS_VALUE_MAX, more than
 * SSLVDIR_POLICY_OPTIONS_REPEAT_MAX values, a key size over 256);
 * SSLVDIR_E_INVALID_ARGUMENT (NULL); SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_policy_options_set(sslvdir_policy_options *options, const char *name, const char *value,
                           sslvdir_error *err);

/**
 * sslvdir_policy_options_spell - say how the caller spells an option, for messages
 *
 * Every error message of sslvdir_policy_options_set() and
 * sslvdir_policy_options_build() names an option by its spelling: the
 * library name ("host") until this sets another ("--host" for a command,
 * "SSLVDIR_HOSTS" for an environment variable). The spelling is copied; it
 * is at most 64 bytes of printable ASCII.
 *
 * The refusal of an -offload preset with Extended Protection on says how
 * to turn it off in the syntax the spelling of "extended-protection" shows:
 * "--NAME off" (a command), "NAME=False" (a keyword spelt "NAME="),
 * "sslvdir_NAME off;" (an nginx directive), "setenv SSLVDIR_NAME off"
 * (HAProxy's plugin), "NAME=off" (another upper-case name, or no spelling),
 * "NAME = false" (a Lua field, any other name).
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_UNKNOWN_NAME (no such option);
 * SSLVDIR_E_SYNTAX (empty, too long or not printable ASCII);
 * SSLVDIR_E_INVALID_ARGUMENT (NULL); SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_policy_options_spell(sslvdir_policy_options *options, const char *name,
                             const char *spelling, sslvdir_error *err);

/**
 * sslvdir_policy_options_build - build the policy the options describe
 *
 * The policy comes from exactly one of "policy", "policy-xml" and "preset",
 * or from "iisconfig" alone (the server's own configuration then names the
 * sites). A preset needs its host names, from "host" or from an
 * "iisconfig" whose bindings give the preset's site some, and its
 * Autodiscover domains ("ad-domain"): clients find Autodiscover from the
 * domain of the user's e-mail address, which no host name tells. "host",
 * "ad-domain", "site", "redirect" and "extended-protection" go with a
 * preset, "offloader-cipher-bits" and "offloader-cipher-header" with
 * "offloader". Then "iisconfig" is applied (sslvdir_iisconfig_apply()),
 * each "reg" in order, and the offloaders. The options are only read: they
 * can build again.
 *
 * Returns: SSLVDIR_OK and *out set (the caller's reference); otherwise
 * *out is NULL and the status is SSLVDIR_E_INCONSISTENT for options that
 * do not go together or a missing one (the message names what to set), or
 * what reading a file or building returns (SSLVDIR_E_IO, SSLVDIR_E_SYNTAX,
 * SSLVDIR_E_UNKNOWN_NAME for a preset...), the message naming the option.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_policy_options_build(const sslvdir_policy_options *options, sslvdir_policy **out,
                             sslvdir_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_OPTIONS_H */
