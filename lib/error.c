/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Status codes and error details. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

SSLVDIR_EXTERN const char *sslvdir_strerror(int code) {
  switch (code) {
  case SSLVDIR_OK: return "success";
  case SSLVDIR_E_INVALID_ARGUMENT: return "invalid argument";
  case SSLVDIR_E_NOMEM: return "out of memory";
  case SSLVDIR_E_SYNTAX: return "syntax error";
  case SSLVDIR_E_UNKNOWN_NAME: return "unknown name";
  case SSLVDIR_E_DUPLICATE: return "duplicate name";
  case SSLVDIR_E_NOT_FOUND: return "not found";
  case SSLVDIR_E_RANGE: return "value or length out of range";
  case SSLVDIR_E_INCONSISTENT: return "inconsistent values";
  case SSLVDIR_E_IO: return "input/output error";
  case SSLVDIR_E_REFUSED: return "input refused";
  case SSLVDIR_E_BUFFER_TOO_SMALL: return "buffer too small";
  case SSLVDIR_E_TYPE: return "value has another type";
  case SSLVDIR_E_CALLBACK: return "stopped by a callback";
  case SSLVDIR_E_PASSWORD: return "wrong or missing password";
  default: return "unknown error";
  }
}

/* Writes msg to out (size bytes, size > 0) with its control bytes escaped:
 * \n, \r, \t, and \xNN for the other C0 bytes and DEL. Messages quote
 * their input ("'%s' is not a header name"), and a caller writes them to a
 * log or a terminal: a raw CR or LF there would start a line the input
 * chose, an ESC a terminal sequence. An escape is never cut in half when
 * the message is too long. Other bytes (UTF-8 included) are copied. */
static void escape_controls(char *out, size_t size, const char *msg) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
    char esc[4];
    size_t n = 0;
    if (*p == '\n' || *p == '\r' || *p == '\t') {
      esc[n++] = '\\';
      esc[n++] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
    } else if (*p < 0x20 || *p == 0x7f) {
      esc[n++] = '\\';
      esc[n++] = 'x';
      esc[n++] = hex[*p >> 4];
      esc[n++] = hex[*p & 15];
    } else {
      esc[n++] = (char)*p;
    }
    if (o + n >= size)
      break;
    memcpy(out + o, esc, n);
    o += n;
  }
  out[o] = '\0';
}

static int fill(sslvdir_error *err, int code, unsigned line, unsigned column, size_t offset,
                const char *fmt, va_list ap) {
  if (!err)
    return code;
  char msg[sizeof err->message];
  err->code = code;
  err->line = line;
  err->column = column;
  err->offset = offset;
  vsnprintf(msg, sizeof msg, fmt, ap);
  escape_controls(err->message, sizeof err->message, msg);
  return code;
}

int sv_err(sslvdir_error *err, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fill(err, code, 0, 0, SIZE_MAX, fmt, ap);
  va_end(ap);
  return code;
}

int sv_err_line(sslvdir_error *err, int code, unsigned line, const char *fmt, ...) {
  char msg[sizeof err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return sv_err_at(err, code, line, 0, SIZE_MAX, "line %u: %s", line, msg);
}

int sv_err_at(sslvdir_error *err, int code, unsigned line, unsigned column, size_t offset,
              const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fill(err, code, line, column, offset, fmt, ap);
  va_end(ap);
  return code;
}
