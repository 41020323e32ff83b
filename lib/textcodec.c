/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Text codecs: the library's one home for UTF-16 and for text files as
 * Windows stores them (UTF-8 with or without BOM, UTF-16 with its BOM), to
 * and from the UTF-8 without BOM that the rest of the library reads. Used by
 * applicationHost.config, .reg files and the XML reader. UTF-8 validation
 * lives in lib/utf8.h.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "textcodec.h"
void sv_put_utf8(char *o, size_t *n, uint32_t c) {
  if (c < 0x80) {
    o[(*n)++] = (char)c;
  } else if (c < 0x800) {
    o[(*n)++] = (char)(0xc0 | c >> 6);
    o[(*n)++] = (char)(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    o[(*n)++] = (char)(0xe0 | c >> 12);
    o[(*n)++] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[(*n)++] = (char)(0x80 | (c & 0x3f));
  } else {
    o[(*n)++] = (char)(0xf0 | c >> 18);
    o[(*n)++] = (char)(0x80 | ((c >> 12) & 0x3f));
    o[(*n)++] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[(*n)++] = (char)(0x80 | (c & 0x3f));
  }
}

/* The one UTF-16 decoder: code units d[0..n) (a trailing odd byte
 * ignored) into out, which holds n / 2 * 3 + 1 bytes (a unit is at most
 * three UTF-8 bytes, a surrogate pair four for two units), NUL-terminated.
 * A NUL character ends the text when nul_ends (a REG_SZ), else is an error.
 * Returns 0, or SV_UTF16_SURROGATE or SV_UTF16_NUL with *bad the offset of
 * the unit at fault and *olen the length decoded before it. */
int sv_utf16_to_utf8(const unsigned char *d, size_t n, int be, int nul_ends, char *out,
                     size_t *olen, size_t *bad) {
  size_t k = 0;
  for (size_t i = 0; i + 1 < n; i += 2) {
    uint32_t u = be ? (uint32_t)d[i] << 8 | d[i + 1] : (uint32_t)d[i + 1] << 8 | d[i];
    if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
      uint32_t l = be ? (uint32_t)d[i + 2] << 8 | d[i + 3] : (uint32_t)d[i + 3] << 8 | d[i + 2];
      if (l >= 0xdc00 && l <= 0xdfff) {
        sv_put_utf8(out, &k, 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00));
        i += 2;
        continue;
      }
    }
    if (u == 0 && nul_ends)
      break;
    if ((u >= 0xd800 && u <= 0xdfff) || u == 0) {
      out[k] = '\0';
      *olen = k;
      *bad = i;
      return u ? SV_UTF16_SURROGATE : SV_UTF16_NUL;
    }
    sv_put_utf8(out, &k, u);
  }
  out[k] = '\0';
  *olen = k;
  return 0;
}

/* UTF-16 without its BOM -> UTF-8 text; a lone surrogate or a NUL is an
 * error at its line (and at offset at + its offset in d). */
int sv_utf16_decode(const unsigned char *d, size_t n, size_t at, int be, const char *what,
                    char **text, size_t *len, sslvdir_error *err) {
  *text = NULL;
  if (n % 2)
    return sv_err(err, SSLVDIR_E_SYNTAX, "%s: UTF-16 with an odd number of bytes (truncated?)",
                  what);
  char *o = sv_malloc(n / 2 * 3 + 1);
  if (!o)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  size_t k, bad;
  int fault = sv_utf16_to_utf8(d, n, be, 0, o, &k, &bad);
  if (fault) {
    unsigned line = 1;
    for (size_t i = 0; i < k; i++)
      line += o[i] == '\n';
    sv_free(o);
    return sv_err_at(err, SSLVDIR_E_SYNTAX, line, 0, at + bad, "line %u: ill-formed UTF-16 (%s)",
                     line, fault == SV_UTF16_SURROGATE ? "a lone surrogate" : "a NUL character");
  }
  *text = o;
  *len = k;
  return SSLVDIR_OK;
}

/* Bytes as stored -> UTF-8 text without BOM. */
int sv_text_decode(const unsigned char *d, size_t n, const char *what, sslvdir_encoding *enc,
                   char **text, size_t *len, sslvdir_error *err) {
  *text = NULL;
  if (n >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff))) {
    *enc = d[0] == 0xfe ? SSLVDIR_ENCODING_UTF16BE : SSLVDIR_ENCODING_UTF16LE;
    return sv_utf16_decode(d + 2, n - 2, 2, d[0] == 0xfe, what, text, len, err);
  }
  if (n >= 2 && d[0] == '<' && d[1] == 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "%s: UTF-16 without a byte order mark (FF FE)", what);
  *enc = SSLVDIR_ENCODING_UTF8;
  if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf) {
    *enc = SSLVDIR_ENCODING_UTF8_BOM;
    d += 3;
    n -= 3;
  }
  if (memchr(d, 0, n))
    return sv_err(err, SSLVDIR_E_SYNTAX, "%s: NUL byte in UTF-8 text", what);
  char *o = sv_malloc(n + 1);
  if (!o)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  memcpy(o, d, n);
  o[n] = '\0';
  *text = o;
  *len = n;
  return SSLVDIR_OK;
}

/* UTF-8 text -> bytes in enc (with its BOM). The text is valid UTF-8. */
int sv_text_encode(const char *text, size_t n, sslvdir_encoding enc, char **out, size_t *out_len) {
  const unsigned char *t = (const unsigned char *)text;
  size_t k = 0;
  *out = NULL;
  if (enc == SSLVDIR_ENCODING_UTF8 || enc == SSLVDIR_ENCODING_UTF8_BOM) {
    int bom = enc == SSLVDIR_ENCODING_UTF8_BOM;
    char *o = sv_malloc(n + 3);
    if (!o)
      return SSLVDIR_E_NOMEM;
    if (bom)
      memcpy(o, "\xef\xbb\xbf", 3);
    memcpy(o + 3 * bom, t, n);
    *out = o;
    *out_len = n + 3 * (size_t)bom;
    return SSLVDIR_OK;
  }
  int be = enc == SSLVDIR_ENCODING_UTF16BE;
  unsigned char *o = sv_malloc(2 * n + 2);
  if (!o)
    return SSLVDIR_E_NOMEM;
  o[k++] = be ? 0xfe : 0xff;
  o[k++] = be ? 0xff : 0xfe;
  for (size_t i = 0; i < n;) {
    uint32_t u = t[i];
    size_t l = u < 0x80 ? 1 : u < 0xe0 ? 2 : u < 0xf0 ? 3 : 4;
    if (l > 1) {
      u &= 0xffu >> (l + 1);
      for (size_t j = 1; j < l && i + j < n; j++)
        u = u << 6 | (t[i + j] & 0x3f);
    }
    i += l;
    uint16_t units[2];
    int nu = 1;
    if (u >= 0x10000) {
      units[0] = (uint16_t)(0xd800 + ((u - 0x10000) >> 10));
      units[1] = (uint16_t)(0xdc00 + ((u - 0x10000) & 0x3ff));
      nu = 2;
    } else {
      units[0] = (uint16_t)u;
    }
    for (int j = 0; j < nu; j++) {
      o[k++] = be ? (unsigned char)(units[j] >> 8) : (unsigned char)units[j];
      o[k++] = be ? (unsigned char)units[j] : (unsigned char)(units[j] >> 8);
    }
  }
  *out = (char *)o;
  *out_len = k;
  return SSLVDIR_OK;
}
