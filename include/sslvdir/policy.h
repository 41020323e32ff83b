/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: a built policy: sites, vdirs, settings and trusted offloaders.
 *
 * Thread contract: a policy is immutable once built and may be shared by any
 * number of threads without locks. It is reference-counted, and
 * sslvdir_policy_ref() and sslvdir_policy_unref() are atomic; but a pointer
 * that another thread may swap cannot be read and then ref'd safely (the
 * policy can be freed between the two). A proxy that reloads its policy
 * keeps it in a sslvdir_policy_slot: requests take it with
 * sslvdir_policy_slot_acquire() and give it back with
 * sslvdir_policy_slot_release(), without a lock or an allocation, from any
 * number of threads; sslvdir_policy_slot_publish() swaps in a new one, and
 * the old one is freed when the last request holding it gives it back.
 */
#ifndef SSLVDIR_POLICY_H
#define SSLVDIR_POLICY_H

#include <sslvdir/common.h>
#include <sslvdir/settings.h>
#include <sslvdir/site.h>
#include <sslvdir/vdir.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sslvdir_policy sslvdir_policy;

/**
 * sslvdir_policy_ref - take one more reference to a policy
 *
 * The caller must already hold a reference to policy. A pointer that another
 * thread may swap and unref meanwhile is not safe to ref: the policy can be
 * freed between reading the pointer and the ref. Keep such a policy in a
 * slot and take it with sslvdir_policy_slot_acquire().
 *
 * Returns: policy, for convenience.
 * Since: 0.1
 */
SSLVDIR_EXTERN sslvdir_policy *sslvdir_policy_ref(sslvdir_policy *policy);

/**
 * sslvdir_policy_unref - drop a reference; the last one frees the policy
 *
 * sslvdir_policy_unref(NULL) does nothing.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_policy_unref(sslvdir_policy *policy);

typedef struct sslvdir_policy_slot sslvdir_policy_slot;

/**
 * sslvdir_policy_slot_new - a place that holds the policy requests use now
 *
 * The slot takes its own reference to initial; the caller keeps its own
 * and drops it when it no longer needs it. A slot always holds a policy.
 * On failure *out is NULL (when out is not) and err (which may be NULL)
 * says why.
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_NOMEM;
 * SSLVDIR_E_INVALID_ARGUMENT (out or initial NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_policy_slot_new(sslvdir_policy_slot **out,
                                                               sslvdir_policy *initial,
                                                               sslvdir_error *err);

/**
 * sslvdir_policy_slot_free - free a slot and drop its reference to its policy
 *
 * No thread may be inside sslvdir_policy_slot_acquire() or
 * sslvdir_policy_slot_publish() on it, and every policy acquired from it
 * must have been released. NULL is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_policy_slot_free(sslvdir_policy_slot *slot);

/**
 * sslvdir_policy_slot_publish - make a new policy the one requests acquire
 *
 * The slot takes its own reference to policy (the caller keeps its own) and
 * drops its reference to the policy it held, which is freed when the last
 * request that acquired it releases it: publish does not wait for them.
 * Any number of threads may publish; publishes are serialised by a lock,
 * and each waits only for readers that are inside
 * sslvdir_policy_slot_acquire() at that moment, never for a request.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_INVALID_ARGUMENT (slot or policy NULL),
 * and the slot keeps its policy.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_policy_slot_publish(sslvdir_policy_slot *slot,
                                                                   sslvdir_policy *policy);

/**
 * sslvdir_policy_slot_acquire - take the current policy for one request
 *
 * The policy stays valid, whatever is published meanwhile, until it is
 * given back with sslvdir_policy_slot_release(); a request that acquires
 * once and uses that policy throughout sees one policy, never a mix. Any
 * number of threads may acquire at once; it takes no lock, never allocates
 * and never waits for a publisher.
 *
 * Returns: the policy (never NULL for a slot), or NULL when slot is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN const sslvdir_policy *sslvdir_policy_slot_acquire(sslvdir_policy_slot *slot);

/**
 * sslvdir_policy_slot_release - give back a policy sslvdir_policy_slot_acquire() gave
 *
 * Once per acquire, to the slot it came from; policy must not be used
 * afterwards. Takes no lock and allocates nothing; but the last request to
 * release a policy that has since been replaced frees it, in its own
 * thread (once per replaced policy). A NULL policy is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_policy_slot_release(sslvdir_policy_slot *slot,
                                                const sslvdir_policy *policy);

/**
 * sslvdir_policy_exchange_version - the Exchange version the policy describes
 *
 * The release given to sslvdir_builder_set_exchange_version() (or by a
 * preset or a policy file); it selects the Exchange defaults
 * sslvdir_policy_get_dword() falls back to and which services can be
 * offloaded.
 *
 * Returns: 2007, 2010, 2013, 2016, 2019, 2025 (Exchange Server SE), or 0
 * when not said or policy is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN unsigned sslvdir_policy_exchange_version(const sslvdir_policy *policy);

/**
 * sslvdir_policy_site_count - how many sites the policy holds
 *
 * Counts the sites sslvdir_policy_site() enumerates.
 *
 * Returns: the number of sites, or 0 when policy is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_policy_site_count(const sslvdir_policy *policy);

/**
 * sslvdir_policy_site - one site, in the order they were added
 *
 * The first site is the default site: it serves requests whose Host belongs
 * to no site, as an IIS binding without a host header does. A policy made
 * with sslvdir_iisconfig_apply() has the default site IIS has: the one
 * bound without a host name, or none (such a Host then gets 400).
 *
 * Returns: the site, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const sslvdir_site *sslvdir_policy_site(const sslvdir_policy *policy,
                                                       size_t index);

/**
 * sslvdir_policy_find_site - the site whose namespace holds a host name
 *
 * host may carry a ":port", which is ignored; the comparison is
 * case-insensitive. As sslvdir_decide() reads a Host, a name written with
 * the root's trailing dot ("mail.contoso.com.") names no site: HTTP.sys
 * does not match it to a host-named binding.
 *
 * Returns: the site, or NULL when no site has that host name.
 * Since: 0.1
 */
SSLVDIR_EXTERN const sslvdir_site *sslvdir_policy_find_site(const sslvdir_policy *policy,
                                                            const char *host, size_t len);

/**
 * sslvdir_policy_find_vdir - a vdir by its configuration path
 *
 * config_path is "Site Name/path" as appcmd writes it ("Default Web
 * Site/owa"), compared case-insensitively; the site name alone is the root.
 *
 * Returns: the vdir, or NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN const sslvdir_vdir *sslvdir_policy_find_vdir(const sslvdir_policy *policy,
                                                            const char *config_path);

/**
 * sslvdir_policy_settings - the policy's frozen copy of its settings
 *
 * The settings given to the builder, copied when the policy was built: later
 * changes to the builder's settings do not reach it. The store lives as long
 * as the policy.
 *
 * Returns: a store that must not be freed or changed.
 * Since: 0.1
 */
SSLVDIR_EXTERN const sslvdir_settings *sslvdir_policy_settings(const sslvdir_policy *policy);

/**
 * sslvdir_policy_get_dword - a DWORD setting as Exchange would read it
 *
 * The value set in the policy's settings, or else Exchange's default for
 * the policy's Exchange version (sslvdir_settings_default_dword()).
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_NOT_FOUND; SSLVDIR_E_TYPE;
 * SSLVDIR_E_INVALID_ARGUMENT (policy, path or out NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_policy_get_dword(const sslvdir_policy *policy, const char *path, uint32_t *out);

/**
 * sslvdir_policy_offloader_count - how many trusted offloader networks there are
 *
 * Counts the networks added with sslvdir_builder_add_offloader(), which
 * sslvdir_policy_offloader() enumerates.
 *
 * Returns: the number of networks, or 0 when policy is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_policy_offloader_count(const sslvdir_policy *policy);

/**
 * sslvdir_policy_offloader - one trusted offloader network, as "addr/prefix"
 *
 * index runs from 0 to sslvdir_policy_offloader_count() - 1; the string
 * lives as long as the policy.
 *
 * Returns: the network in canonical text form, or NULL past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_policy_offloader(const sslvdir_policy *policy,
                                                    size_t index);

/**
 * sslvdir_policy_offloader_cipher - what a trusted offloader guarantees about the cipher
 *
 * Sets *min_bits to the minimum key size it enforces (0: none) and *header
 * to the header that carries its cipher (NULL: none); either pointer may be
 * NULL. See sslvdir_builder_set_offloader_cipher().
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_NOT_FOUND past the end; SSLVDIR_E_INVALID_ARGUMENT
 * for a NULL policy. The outputs are cleared on failure.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_policy_offloader_cipher(const sslvdir_policy *policy, size_t index, unsigned *min_bits,
                                const char **header);

/**
 * sslvdir_policy_cipher_header - the header a proxy passes to sslvdir_decide() as offload_cipher
 *
 * The header the trusted offloaders fill with the cipher or its key size,
 * or NULL when none does. A proxy reads it from every request and strips it
 * when the decision says so (SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER).
 *
 * Returns: the header name, owned by the policy, or NULL when no offloader
 * has one or policy is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_policy_cipher_header(const sslvdir_policy *policy);

/**
 * sslvdir_policy_is_offloader - whether a peer address is a trusted offloader
 *
 * addr is an IPv4 or IPv6 address in text form (an IPv4-mapped IPv6 address
 * matches IPv4 networks; a "%zone" suffix or brackets are not accepted).
 * Anything that does not parse is not trusted.
 *
 * Returns: 1 or 0: 1 when trusted, else 0 (also for a NULL policy or
 * address); never negative.
 * Since: 0.1
 */
SSLVDIR_EXTERN int sslvdir_policy_is_offloader(const sslvdir_policy *policy,
                                             const char *addr, size_t len);

/**
 * sslvdir_policy_warning_count - how many warnings building the policy produced
 *
 * Warnings are legal but suspicious things (a misspelled registry value, a
 * site without a canonical host), in the order they were found.
 *
 * Returns: the number of warnings, or 0 when policy is NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_policy_warning_count(const sslvdir_policy *policy);

/**
 * sslvdir_policy_warning - one warning, as an English sentence
 *
 * index runs from 0 to sslvdir_policy_warning_count() - 1; the string lives
 * as long as the policy.
 *
 * Returns: the warning, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_policy_warning(const sslvdir_policy *policy, size_t index);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_POLICY_H */
