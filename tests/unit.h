/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Shared helpers for the CUnit suites (one suite per library area). */
#ifndef SSLVDIR_TESTS_UNIT_H
#define SSLVDIR_TESTS_UNIT_H

#include <stddef.h>

#include <CUnit/CUnit.h>
#include <sslvdir/sslvdir.h>

void suite_flags(void);
void suite_path(void);
void suite_settings(void);
void suite_policy(void);
void suite_policyfile(void);
void suite_options(void);
void suite_decide(void);
void suite_rewrite(void);
void suite_autodiscover(void);
void suite_iisconfig(void);
void suite_registry(void);
void suite_plan(void);
void suite_cert(void);
void suite_trust(void);
void suite_tls(void);
void suite_audit(void);
void suite_mem(void);
void suite_ownership(void);
void suite_hostile_api(void);
void suite_layout(void);

/* A path under the source tree ($top_srcdir, or "." when unset). */
const char *srcpath(const char *rel);
/* A certificate made by tests/gen-certs.sh ($top_builddir/tests/certs/NAME). */
const char *certpath(const char *name);
/* Reads a whole file; NULL when it cannot. The caller frees it. */
char *read_file(const char *path, size_t *len);
/* Where needle (a C string) first occurs in the len bytes at data, or NULL:
 * for a (pointer, length) result of the library, which has no NUL after it. */
const char *mem_find(const char *data, size_t len, const char *needle);
/* Decodes \xNN, \\ and \s (space) in place; returns the new length. */
size_t unescape(char *s);
/* Splits a line into whitespace-separated fields (in place); returns how many. */
int split_fields(char *line, char **fields, int max);
/* Sends this process's fd 2 to a temporary file until stderr_end(), which
 * puts back the old stderr and returns how many bytes were written to it
 * meanwhile (their start, NUL-terminated, in buf), or -1 on failure. For
 * "the library writes nothing on stderr", libxml2's messages included. */
int stderr_begin(void);
long stderr_end(char *buf, size_t size);
/* Builds a named test policy: a tests/data/decide/NAME.xml file (or
 * tests/data/NAME.xml when NAME holds a '/'), or a preset
 * ("e07", "e10", "e13", "e16", "e19", "ese", with "o" for the -offload
 * preset, then "+redirect", "+ep" or "+noep" for SSLVDIR_PRESET_REDIRECT,
 * SSLVDIR_PRESET_EP_ON or SSLVDIR_PRESET_EP_OFF, e.g. "e16+redirect") on
 * "Default Web Site" with mail.contoso.com and autodiscover.contoso.com and
 * trusted offloaders 10.0.0.5 and 2001:db8:5::/48. */
sslvdir_policy *test_policy(const char *name);

#endif
