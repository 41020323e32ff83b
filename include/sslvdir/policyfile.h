/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: the library's own policy file format (XML, doc/policy.xsd).
 *
 * The parser is libxml2 hardened: no network, no DTD loading, no entity
 * substitution, no XInclude; a document with a DOCTYPE or an entity
 * declaration is refused outright; input is at most SSLVDIR_POLICYFILE_MAX
 * bytes and elements nest at most 16 deep.
 *
 * Thread contract: loading changes only the builder given, which is used by
 * one thread at a time; distinct builders may load in parallel.
 */
#ifndef SSLVDIR_POLICYFILE_H
#define SSLVDIR_POLICYFILE_H

#include <sslvdir/builder.h>
#include <sslvdir/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest policy file accepted, in bytes. */
#define SSLVDIR_POLICYFILE_MAX (4u * 1024u * 1024u)
/* The namespace of the root element <policy>. */
#define SSLVDIR_POLICYFILE_NS "urn:libsslvdir:policy:1"

/**
 * sslvdir_policyfile_parse - add what a policy document says to a builder
 *
 * The document is checked whole before the builder is touched: on any error
 * the builder is left exactly as it was. Errors name the line and what was
 * expected.
 *
 * The format is UTF-8 (a BOM is fine); an XML declaration naming another
 * encoding is refused.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_SYNTAX (not well-formed or not UTF-8, wrong
 * element or attribute); SSLVDIR_E_REFUSED (DOCTYPE, entity, another
 * encoding); SSLVDIR_E_RANGE (size,
 * depth, numbers); SSLVDIR_E_UNKNOWN_NAME (keyword, preset, kind);
 * SSLVDIR_E_DUPLICATE; SSLVDIR_E_INCONSISTENT; SSLVDIR_E_NOMEM.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_policyfile_parse(sslvdir_builder *builder, const char *data, size_t len,
                         sslvdir_error *err);

/**
 * sslvdir_policyfile_load - read a policy file and add it to a builder
 *
 * As sslvdir_policyfile_parse(), from a file; an error's message starts
 * with the file's name ("FILE: line 4: ..."), so that a proxy's log says
 * which file to fix.
 *
 * Returns: as sslvdir_policyfile_parse(), plus SSLVDIR_E_IO.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_policyfile_load(sslvdir_builder *builder, const char *filename, sslvdir_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_POLICYFILE_H */
