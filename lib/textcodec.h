/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Text codecs (lib/textcodec.c): text files as stored (UTF-8 with or
 * without BOM, UTF-16 with BOM) to and from UTF-8 without BOM, and UTF-16.
 */
#ifndef SSLVDIR_TEXTCODEC_H
#define SSLVDIR_TEXTCODEC_H

#include <stddef.h>
#include <stdint.h>

#include <sslvdir/iisconfig.h>
#include <sslvdir/sslvdir.h>

/* Bytes as stored -> UTF-8 text without BOM, NUL-terminated; *enc says
 * how they were stored. what names the input in errors. */
int sv_text_decode(const unsigned char *d, size_t n, const char *what, sslvdir_encoding *enc,
                   char **text, size_t *len, sslvdir_error *err);
/* UTF-8 text (valid) -> bytes in enc, with its BOM. */
int sv_text_encode(const char *text, size_t n, sslvdir_encoding enc, char **out, size_t *out_len);
/* UTF-16 (little-endian, or big-endian when be) without BOM to UTF-8 text,
 * NUL-terminated; a lone surrogate or a NUL character is refused (at is
 * where d starts in the caller's input, for the error's offset). */
int sv_utf16_decode(const unsigned char *d, size_t n, size_t at, int be, const char *what,
                    char **text, size_t *len, sslvdir_error *err);
/* The one UTF-16 decoder, into the caller's buffer (n / 2 * 3 + 1 bytes):
 * 0, or the fault with *bad its offset in d (see lib/textcodec.c). A NUL
 * character ends the text when nul_ends, else is a fault. */
enum { SV_UTF16_SURROGATE = 1, SV_UTF16_NUL = 2 };
int sv_utf16_to_utf8(const unsigned char *d, size_t n, int be, int nul_ends, char *out,
                     size_t *olen, size_t *bad);
/* Appends code point c to o[*n] as UTF-8 (1 to 4 bytes). */
void sv_put_utf8(char *o, size_t *n, uint32_t c);

#endif /* SSLVDIR_TEXTCODEC_H */
