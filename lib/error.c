/* Status codes and error details. */
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

static int fill(sslvdir_error *err, int code, unsigned line, unsigned column, size_t offset,
                const char *fmt, va_list ap) {
  if (!err)
    return code;
  err->code = code;
  err->line = line;
  err->column = column;
  err->offset = offset;
  vsnprintf(err->message, sizeof err->message, fmt, ap);
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
