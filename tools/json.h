/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Minimal JSON output for the sslvdir command. */
#ifndef SSLVDIR_TOOLS_JSON_H
#define SSLVDIR_TOOLS_JSON_H

#include <stdio.h>

/* Writes s as a JSON string (quoted, escaped); NULL is written as null.
 * Bytes that are not UTF-8 are written as U+FFFD (\ufffd). */
void json_string(FILE *f, const char *s);

struct sslvdir_settings;
/* Writes a settings store as a JSON array of {"path", "dword" or "string",
 * "known"} objects, in the store's order. */
void json_settings(FILE *f, const struct sslvdir_settings *s);

#endif
