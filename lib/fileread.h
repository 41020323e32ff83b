/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Files (lib/fileread.c): whole files read with a size bound, and written
 * atomically.
 */
#ifndef SSLVDIR_FILEREAD_H
#define SSLVDIR_FILEREAD_H

#include <stddef.h>

#include <sslvdir/sslvdir.h>

/* Reads filename whole into *data (*len bytes, not NUL-terminated), the
 * caller frees it; more than max bytes is SSLVDIR_E_RANGE. */
int sv_read_file(const char *filename, size_t max, char **data, size_t *len, sslvdir_error *err);
/* Writes a file atomically (temporary file, fsync, rename); with keep_backup
 * the previous file stays as FILENAME.bak. */
int sv_write_atomic(const char *filename, const char *data, size_t len, int keep_backup,
                    sslvdir_error *err);

#endif /* SSLVDIR_FILEREAD_H */
