/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The one UTF-8 decoder of libsslvdir and of the sslvdir command (which
 * includes this header, since the library does not export it): well-formed
 * sequences exactly as the Unicode Standard's table 3-7 lists them, so no
 * overlong form, no surrogate and nothing above U+10FFFF gets through.
 */
#ifndef SSLVDIR_LIB_UTF8_H
#define SSLVDIR_LIB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The character at s (n > 0 bytes left): its length (1 to 4) with *cp set,
 * or, when the bytes there are not well-formed, minus the length of their
 * maximal subpart (1 to 3): the bytes a decoder replaces with one U+FFFD
 * (Unicode 3.9, "U+FFFD Substitution of Maximal Subparts", which is what
 * browsers and Python do, so that every writer replaces alike). */
static inline int sv_utf8_char(const unsigned char *s, size_t n, uint32_t *cp) {
  unsigned c = s[0], lo = 0x80, hi = 0xbf;
  int len;
  uint32_t u;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    u = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    u = c & 0x0f;
    lo = c == 0xe0 ? 0xa0 : 0x80; /* E0 80..9F would be overlong */
    hi = c == 0xed ? 0x9f : 0xbf; /* ED A0..BF would be a surrogate */
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    u = c & 0x07;
    lo = c == 0xf0 ? 0x90 : 0x80; /* F0 80..8F would be overlong */
    hi = c == 0xf4 ? 0x8f : 0xbf; /* F4 90.. would be above U+10FFFF */
  } else {
    return -1; /* a continuation byte, C0, C1 (overlong) or F5..FF */
  }
  for (int k = 1; k < len; k++) {
    if ((size_t)k >= n || s[k] < lo || s[k] > hi)
      return -k;
    u = u << 6 | (s[k] & 0x3f);
    lo = 0x80;
    hi = 0xbf;
  }
  *cp = u;
  return len;
}

/* Whether cp is a control character (C0, DEL, C1: U+0080 to U+0085 NEL to
 * U+009F) or a line or paragraph separator (U+2028, U+2029): characters that
 * end a line for some reader, or that JavaScript reads as a line break even
 * inside a string literal (before ES2019). */
static inline int sv_utf8_is_control(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

/* Whether s[0..n) is all well-formed UTF-8; *bad (may be NULL) receives the
 * offset of the first byte that is not. */
static inline int sv_utf8_valid(const unsigned char *s, size_t n, size_t *bad) {
  uint32_t cp;
  for (size_t i = 0; i < n;) {
    int l = s[i] < 0x80 ? 1 : sv_utf8_char(s + i, n - i, &cp);
    if (l < 0) {
      if (bad)
        *bad = i;
      return 0;
    }
    i += (size_t)l;
  }
  return 1;
}

#endif
