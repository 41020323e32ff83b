/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Files: the library's one reader of a whole file with a size bound, and
 * its one writer that replaces a file atomically (temporary file, fsync,
 * rename) keeping a backup. Every loader that takes a file name reads it
 * here; every save writes it here.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileread.h"
#include "internal.h"

int sv_read_file(const char *filename, size_t max, char **data, size_t *len, sslvdir_error *err) {
  *data = NULL;
  FILE *f = fopen(filename, "rb");
  if (!f)
    return sv_err(err, SSLVDIR_E_IO, "%.200s: %s", filename, strerror(errno));
  size_t cap = 65536, n = 0, got;
  char *buf = sv_malloc(cap);
  int rc = SSLVDIR_OK;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n > max) {
      rc = sv_err(err, SSLVDIR_E_RANGE, "%.200s: more than the %zu bytes allowed", filename, max);
      break;
    }
    if (n == cap) {
      char *nb = sv_realloc(buf, cap * 2);
      if (!nb) {
        sv_free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  if (!rc && !buf)
    rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  if (!rc && ferror(f))
    rc = sv_err(err, SSLVDIR_E_IO, "%.200s: %s", filename, strerror(errno));
  fclose(f);
  if (rc) {
    sv_free(buf);
    return rc;
  }
  *data = buf;
  *len = n;
  return SSLVDIR_OK;
}

int sv_write_atomic(const char *filename, const char *data, size_t len, int keep_backup,
                    sslvdir_error *err) {
  size_t fl = strlen(filename);
  char *tmp = sv_malloc(fl + 16), *bak = sv_malloc(fl + 8);
  if (!tmp || !bak) {
    sv_free(tmp);
    sv_free(bak);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  snprintf(tmp, fl + 16, "%s.tmp.XXXXXX", filename);
  snprintf(bak, fl + 8, "%s.bak", filename);
  int rc = SSLVDIR_OK, fd = mkstemp(tmp);
  struct stat st;
  int existed = stat(filename, &st) == 0;
  if (fd < 0) {
    rc = sv_err(err, SSLVDIR_E_IO, "%.200s: cannot create a temporary file: %s", filename,
                strerror(errno));
    goto out;
  }
  if (existed)
    (void)fchmod(fd, st.st_mode & 07777);
  for (size_t o = 0; o < len && !rc;) {
    ssize_t w = write(fd, data + o, len - o);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      rc = sv_err(err, SSLVDIR_E_IO, "%.200s: %s", tmp, strerror(errno));
    else
      o += (size_t)w;
  }
  if (!rc && fsync(fd))
    rc = sv_err(err, SSLVDIR_E_IO, "%.200s: fsync: %s", tmp, strerror(errno));
  if (close(fd) && !rc)
    rc = sv_err(err, SSLVDIR_E_IO, "%.200s: close: %s", tmp, strerror(errno));
  if (!rc && existed && keep_backup) {
    /* The backup is a hard link when it can be, a copy otherwise. */
    unlink(bak);
    if (link(filename, bak)) {
      char *old = NULL;
      size_t ol;
      sslvdir_error e2;
      if (sv_read_file(filename, SIZE_MAX, &old, &ol, &e2) ||
          sv_write_atomic(bak, old, ol, 0, &e2))
        rc = sv_err(err, SSLVDIR_E_IO, "%.200s: cannot keep a backup: %s", bak, e2.message);
      sv_free(old);
    }
  }
  if (!rc && rename(tmp, filename))
    rc = sv_err(err, SSLVDIR_E_IO, "%.200s: rename: %s", filename, strerror(errno));
out:
  if (rc && fd >= 0)
    unlink(tmp);
  sv_free(tmp);
  sv_free(bak);
  return rc;
}
