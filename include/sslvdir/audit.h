/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: an audit of an Exchange server's SSL setup, finding what the
 * source documents warn about.
 *
 * The audit reads what it is given: the server's applicationHost.config,
 * its registry values (from .reg exports), the proxy's policy (its trusted
 * offloaders and which vdirs it offloads), the certificate, a trust store,
 * the namespace (the host names clients connect to) and the Exchange
 * version. Any of them may be missing; the checks that need a missing
 * input are skipped. Each finding has a severity, a stable code (listed
 * in doc/audit.md, never renamed), the object concerned (a vdir as appcmd
 * names it, a host name, a registry value, a certificate's thumbprint), an
 * explanation that cites the rule's source, and the fix: the commands of a
 * plan (sslvdir_plan) or of Exchange's certificate cmdlets. Findings come
 * most severe first, and within a severity in the order the checks matter:
 * what breaks clients, then what weakens security, then the rest.
 *
 * Thread contract: an audit is used by one thread at a time. The inputs
 * are read, not copied, during sslvdir_audit_run(): they must stay valid
 * and unchanged until it returns; the findings are the audit's own.
 */
#ifndef SSLVDIR_AUDIT_H
#define SSLVDIR_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <sslvdir/common.h>
#include <sslvdir/cert.h>
#include <sslvdir/iisconfig.h>
#include <sslvdir/policy.h>
#include <sslvdir/settings.h>
#include <sslvdir/trust.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sslvdir_audit sslvdir_audit;

/* How much a finding matters. Values are never renumbered; a greater value
 * is more severe. */
typedef enum sslvdir_severity {
  SSLVDIR_SEVERITY_INFO = 1,
  SSLVDIR_SEVERITY_WARNING = 2,
  SSLVDIR_SEVERITY_ERROR = 3
} sslvdir_severity;

/* Certificates expiring within this many days are reported. */
#define SSLVDIR_AUDIT_EXPIRY_DAYS 30

/**
 * sslvdir_severity_name - "info", "warning" or "error"
 *
 * The name of a sslvdir_severity value (SSLVDIR_SEVERITY_INFO, _WARNING,
 * _ERROR), as sslvdir(1) prints findings.
 *
 * Returns: a static string, or NULL for an unknown value.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_severity_name(int severity);

/**
 * sslvdir_audit_new - create an audit with no input
 *
 * An audit starts with no input: give it what is known with the
 * sslvdir_audit_set_* functions and sslvdir_audit_add_namespace(), then call
 * sslvdir_audit_run(); checks whose input is missing are skipped. Free it
 * with sslvdir_audit_free().
 *
 * Returns: SSLVDIR_OK and *out set, SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_new(sslvdir_audit **out, sslvdir_error *err);

/**
 * sslvdir_audit_free - free an audit and its findings
 *
 * NULL is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_audit_free(sslvdir_audit *audit);

/**
 * sslvdir_audit_set_config - the server's applicationHost.config (NULL for none)
 *
 * The configuration is read, not copied, by sslvdir_audit_run(): it must
 * stay valid and unchanged until the run returns. It gives the sites,
 * applications and sslFlags the checks compare with the policy and
 * Exchange's defaults.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_set_config(sslvdir_audit *audit,
                                                                const sslvdir_iisconfig *config);

/**
 * sslvdir_audit_set_registry - the server's registry values (NULL for none)
 *
 * Values the store does not hold take Exchange's defaults for the version.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_set_registry(sslvdir_audit *audit,
                                                                  const sslvdir_settings *registry);

/**
 * sslvdir_audit_set_policy - the proxy's policy (NULL for none)
 *
 * Its trusted offloaders, the vdirs it offloads, its host names (which the
 * certificate must cover) and, when the audit has no registry or version of
 * its own, its settings and Exchange version. The audit takes a reference.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_set_policy(sslvdir_audit *audit,
                                                                sslvdir_policy *policy);

/**
 * sslvdir_audit_set_cert - the certificate IIS serves (NULL for none)
 *
 * The chain (as sslvdir_cert_load() reads it) is checked for its names
 * against the namespace, its expiry (within SSLVDIR_AUDIT_EXPIRY_DAYS of the
 * audit's time), its key and signature algorithm. It is read, not copied, by
 * sslvdir_audit_run().
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_set_cert(sslvdir_audit *audit,
                                                              const sslvdir_cert *cert);

/**
 * sslvdir_audit_set_trust - the CAs clients trust, to check the certificate's chain (NULL for none)
 *
 * With a trust store the certificate's chain is verified as a client would;
 * without one that check is skipped. The store is read, not copied, by
 * sslvdir_audit_run().
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_set_trust(sslvdir_audit *audit,
                                                               const sslvdir_trust *trust);

/**
 * sslvdir_audit_add_namespace - a host name clients connect to
 *
 * "mail.contoso.com", "autodiscover.contoso.com", the server's FQDN or
 * NetBIOS name; lower-cased, a trailing dot dropped, duplicates ignored.
 * The first one added is the name a certificate request puts first (its
 * common name).
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX (not a host name), SSLVDIR_E_RANGE
 * (more than 256 names), SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_add_namespace(sslvdir_audit *audit,
                                                                   const char *host,
                                                                   sslvdir_error *err);

/**
 * sslvdir_audit_set_exchange_version - the Exchange release (2007 to 2019, 2025 for SE; 0 for unknown)
 *
 * The release selects the Exchange defaults the checks compare with. With 0
 * the audit uses the policy's release (sslvdir_audit_set_policy()); when
 * neither says, the release is unknown.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_RANGE, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_set_exchange_version(sslvdir_audit *audit,
                                                                          unsigned version);

/**
 * sslvdir_audit_set_time - the moment certificates are judged at
 *
 * now is seconds since the epoch; 0 (the default) means the time of
 * sslvdir_audit_run().
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_set_time(sslvdir_audit *audit, int64_t now);

/**
 * sslvdir_audit_run - run every check whose inputs are there
 *
 * Findings of an earlier run are replaced. On a failure the audit has no
 * findings (never a partial list).
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_audit_run(sslvdir_audit *audit, sslvdir_error *err);

/**
 * sslvdir_audit_finding_count - how many findings the last run produced
 *
 * Findings are numbered from 0 to this count - 1 for
 * sslvdir_audit_finding(), most severe first.
 *
 * Returns: the count (0 for NULL or before a run).
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_audit_finding_count(const sslvdir_audit *audit);

/**
 * sslvdir_audit_finding - one finding, most severe first
 *
 * *severity receives an sslvdir_severity; *code the stable code
 * ("owa-ssloffloaded-missing"); *object what it concerns; *explanation a
 * paragraph citing the rule; *fix the commands that fix it, one per line
 * ("" when there is nothing to run). Any out pointer may be NULL; the
 * strings live until the next run or sslvdir_audit_free().
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOT_FOUND (index), SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_audit_finding(const sslvdir_audit *audit, size_t index, int *severity, const char **code,
                      const char **object, const char **explanation, const char **fix);

/**
 * sslvdir_audit_worst - the severity of the worst finding
 *
 * A verdict for the whole run, after sslvdir_audit_run(): sslvdir(1) audit
 * sets its exit status from it.
 *
 * Returns: an sslvdir_severity, or 0 when there is no finding.
 * Since: 0.1
 */
SSLVDIR_EXTERN int sslvdir_audit_worst(const sslvdir_audit *audit);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_AUDIT_H */
