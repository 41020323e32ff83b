/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Minimal JSON output for the sslvdir command. */
#include "json.h"

#include <string.h>

#include <sslvdir/settings.h>

#include "../lib/utf8.h"

/* Bytes that are not UTF-8 (a header value given as an argument, say)
 * become U+FFFD, one per maximal subpart as the library's autodiscover.json
 * answer does, so that the output is always valid UTF-8 JSON (RFC 8259 8.1)
 * and a strict reader never refuses the whole of it. U+2028 and U+2029 are
 * escaped as that answer escapes them: they end a JavaScript string literal
 * where JSON is read as script. */
void json_string(FILE *f, const char *s) {
  if (!s) {
    fputs("null", f);
    return;
  }
  fputc('"', f);
  size_t n = strlen(s);
  for (const unsigned char *p = (const unsigned char *)s, *end = p + n; p < end; p++) {
    uint32_t cp;
    int l = *p < 0x80 ? 1 : sv_utf8_char(p, (size_t)(end - p), &cp);
    if (l != 1) {
      if (l < 0)
        fputs("\\ufffd", f);
      else if (cp == 0x2028 || cp == 0x2029)
        fputs(cp == 0x2028 ? "\\u2028" : "\\u2029", f);
      else
        fwrite(p, 1, (size_t)l, f);
      p += (l < 0 ? -l : l) - 1;
      continue;
    }
    switch (*p) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
      if (*p < 0x20 || *p == 0x7f)
        fprintf(f, "\\u%04x", *p);
      else
        fputc(*p, f);
    }
  }
  fputc('"', f);
}

void json_settings(FILE *f, const sslvdir_settings *s) {
  int first = 1;
  fputc('[', f);
  for (size_t i = 0; i < sslvdir_settings_count(s); i++) {
    const char *path, *str;
    sslvdir_value_type type;
    uint32_t dw;
    int known;
    if (sslvdir_settings_entry(s, i, &path, &type, &dw, &str, &known))
      continue;
    fprintf(f, "%s{\"path\": ", first ? "" : ", ");
    first = 0;
    json_string(f, path);
    if (type == SSLVDIR_VALUE_DWORD)
      fprintf(f, ", \"dword\": %u", (unsigned)dw);
    else {
      fprintf(f, ", \"string\": ");
      json_string(f, str);
    }
    fprintf(f, ", \"known\": %s}", known ? "true" : "false");
  }
  fputc(']', f);
}
