/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Request paths as HTTP.sys and IIS see them. Where two layers could read a
 * path differently, the path is refused rather than guessed at, so that no
 * encoding trick reaches a stricter vdir under the rules of a weaker one.
 */
#include "config.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"
#include "url.h"

/* Byte classes of the raw target: 0 for the bytes that need no attention. */
enum { T_BAD = 1, T_NONASCII = 2, T_HASH = 3, T_QUERY = 4 };
#define TCLASS(c) ((c) <= 0x20 || (c) == 0x7f ? T_BAD : (c) >= 0x80 ? T_NONASCII \
                   : (c) == '#' ? T_HASH : (c) == '?' ? T_QUERY : 0)
static const unsigned char target_class[256] = {SV_R256(TCLASS)};

int sv_target_split(const char *t, size_t n, sv_target *out) {
  memset(out, 0, sizeof *out);
  if (!t || n == 0)
    return SSLVDIR_R_BAD_TARGET;
  size_t q = n; /* the first '?' */
  for (size_t i = 0; i < n; i++) {
    /* Many bytes at a time while none can be special: no byte below 0x21,
     * none at 0x7f or above, no '#', and no '?' unless one was seen. The
     * wide test may raise false alarms; those bytes are then looked at one
     * by one with the table. */
#if defined(__SSE2__)
    const __m128i lo = _mm_set1_epi8(0x21), del = _mm_set1_epi8(0x7f);
    const __m128i hs = _mm_set1_epi8('#'), qm = _mm_set1_epi8('?');
    while (i + 16 <= n) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
      /* Signed: bytes of 0x80 and above are negative, so below 0x21 too. */
      __m128i alarm = _mm_or_si128(_mm_cmplt_epi8(v, lo), _mm_cmpeq_epi8(v, del));
      alarm = _mm_or_si128(alarm, _mm_cmpeq_epi8(v, hs));
      if (q == n)
        alarm = _mm_or_si128(alarm, _mm_cmpeq_epi8(v, qm));
      int m = _mm_movemask_epi8(alarm);
      if (m) {
        i += (size_t)__builtin_ctz((unsigned)m);
        break;
      }
      i += 16;
    }
#endif
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, t + i, 8);
      uint64_t hash_ = w ^ (ones * '#'), qw = w ^ (ones * '?');
      uint64_t alarm = ((w - ones * 0x21) | (w + ones) | w) & highs;
      alarm |= (hash_ - ones) & ~hash_ & highs;
      if (q == n)
        alarm |= (qw - ones) & ~qw & highs;
      if (alarm)
        break;
      i += 8;
    }
    if (i >= n)
      break;
    unsigned char cls = target_class[(unsigned char)t[i]];
    if (!cls)
      continue;
    if (cls == T_BAD)
      return SSLVDIR_R_CONTROL_CHAR;
    if (cls == T_NONASCII)
      return SSLVDIR_R_NON_ASCII;
    if (cls == T_HASH)
      return SSLVDIR_R_FRAGMENT;
    if (q == n)
      q = i;
  }
  size_t p; /* where the path starts */
  if (n == 1 && t[0] == '*') {
    out->asterisk = 1;
    out->path = t;
    out->path_len = 1;
    return SSLVDIR_R_NONE;
  }
  if (t[0] == '/') {
    p = 0;
  } else {
    size_t s = sv_url_scheme_len(t, n);
    if (!s)
      return SSLVDIR_R_BAD_TARGET;
    /* No '#' is left here (refused above), so the authority ends at '/' or '?'. */
    size_t e = sv_url_authority_end(t, n, s);
    if (e == s)
      return SSLVDIR_R_BAD_TARGET;
    for (size_t i = s; i < e; i++)
      if (t[i] == '@') /* userinfo: never ours, and a classic confusion */
        return SSLVDIR_R_BAD_TARGET;
    out->authority = t + s;
    out->authority_len = e - s;
    p = e;
  }
  if (q < p) /* a '?' inside the authority ends it: no path */
    q = p;
  if (q == p) {
    out->path = "/";
    out->path_len = 1;
  } else {
    out->path = t + p;
    out->path_len = q - p;
  }
  if (q < n) {
    out->query = t + q + 1;
    out->query_len = n - q - 1;
  }
  if (out->path_len > SSLVDIR_MAX_URL)
    return SSLVDIR_R_URL_TOO_LONG;
  if (out->query_len > SSLVDIR_MAX_QUERY)
    return SSLVDIR_R_QUERY_TOO_LONG;
  return SSLVDIR_R_NONE;
}

/* Code points with an ASCII look-alike, a compatibility mapping to ASCII, or
 * no visible form: Windows best-fit mappings, NTFS upper-casing (U+017F and
 * U+0131 upper-case to 'S' and 'I') and NFKC could turn them into something
 * else than what was matched. */
static const struct { uint32_t lo, hi; } confusables[] = {
  {0x0080, 0x00A0}, /* C1 controls, no-break space */
  {0x00AD, 0x00AD}, /* soft hyphen */
  {0x00B2, 0x00B3}, {0x00B9, 0x00B9}, /* superscript digits */
  {0x0130, 0x0131}, /* dotted capital I, dotless i */
  {0x017F, 0x017F}, /* long s */
  {0x1D00, 0x1DBF}, /* phonetic small capitals and modifiers */
  {0x2000, 0x206F}, /* spaces, zero-width characters, dot leaders, fraction slash */
  {0x2070, 0x209F}, /* super- and subscripts */
  {0x2100, 0x214F}, /* letterlike symbols: Kelvin K, Angstrom, script letters */
  {0x2150, 0x218F}, /* number forms: roman numerals */
  {0x2215, 0x2216}, /* division slash, set minus */
  {0x2460, 0x24FF}, /* enclosed alphanumerics */
  {0x2571, 0x2572}, /* box-drawing diagonals */
  {0x29F5, 0x29F9}, /* reverse solidus operator and friends */
  {0x3000, 0x3002}, /* ideographic space and full stop */
  {0xFB00, 0xFB06}, /* Latin ligatures */
  {0xFE50, 0xFE6F}, /* small form variants */
  {0xFEFF, 0xFEFF}, /* byte order mark */
  {0xFF00, 0xFFEF}, /* fullwidth and halfwidth forms */
  {0xFFF0, 0xFFFF}, /* specials, noncharacters */
  {0x1D400, 0x1D7FF}, /* mathematical alphanumerics */
  {0x1F100, 0x1F1FF}, /* enclosed alphanumeric supplement */
  {0xE0000, 0xE007F}, /* tags */
};

static int is_confusable(uint32_t cp) {
  for (size_t i = 0; i < sizeof confusables / sizeof confusables[0]; i++)
    if (cp >= confusables[i].lo && cp <= confusables[i].hi)
      return 1;
  return 0;
}

/* Strict UTF-8 (lib/utf8.h) holding no code point of the table above. */
static int check_utf8(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    int len = sv_utf8_char(s + i, n - i, &cp);
    if (len < 0)
      return SSLVDIR_R_BAD_UTF8;
    if (len > 1 && is_confusable(cp))
      return SSLVDIR_R_CONFUSABLE;
    i += (size_t)len;
  }
  return SSLVDIR_R_NONE;
}

/* An 8.3 short name: 1-6 characters, '~', digits (base at most 8), then
 * nothing or '.' and at most three characters. */
static int is_short_name(const char *s, size_t n) {
  size_t t = 0;
  while (t < n && s[t] != '~')
    t++;
  if (t == 0 || t > 6 || t == n)
    return 0;
  size_t d = t + 1;
  while (d < n && s[d] >= '0' && s[d] <= '9')
    d++;
  if (d == t + 1 || d > 8)
    return 0;
  if (d == n)
    return 1;
  if (s[d] != '.' || n - d - 1 > 3)
    return 0;
  for (size_t k = d + 1; k < n; k++)
    if (s[k] == '.')
      return 0;
  return 1;
}

/* Applies one path segment to the normalised path buf[0..*n) as HTTP.sys and
 * Windows would: "." and ".." resolve, and what they would read differently
 * from us is refused. Both routes below use it, so they cannot drift apart.
 * Returns an sslvdir_reason. */
static inline int push_segment(char *buf, size_t *n, const char *seg, size_t sl,
                               int maybe_short, int *trailing) {
  *trailing = 0;
  if (seg[0] == '.' && (sl == 1 || (sl == 2 && seg[1] == '.'))) {
    if (sl == 2) {
      if (*n == 0)
        return SSLVDIR_R_ABOVE_ROOT;
      while (*n > 0 && buf[*n - 1] != '/')
        (*n)--;
      (*n)--; /* the '/' itself */
    }
    *trailing = 1;
    return SSLVDIR_R_NONE;
  }
  if (sl > SSLVDIR_MAX_SEGMENT_LEN)
    return SSLVDIR_R_SEGMENT_TOO_LONG;
  if (seg[sl - 1] == '.' || seg[sl - 1] == ' ')
    return SSLVDIR_R_TRAILING_DOT_SPACE;
  if (maybe_short && is_short_name(seg, sl))
    return SSLVDIR_R_SHORT_NAME;
  buf[(*n)++] = '/';
  /* The slow route normalises in place: seg lies at or after buf + *n. */
  memmove(buf + *n, seg, sl);
  *n += sl;
  return SSLVDIR_R_NONE;
}

/* Raw path bytes that decode to themselves and are written as they are:
 * a path made only of these needs no decoding (the common case). */
#define PLAIN(c) (SV_ALNUM(c) || (c) == '-' || (c) == '.' || (c) == '_' || (c) == '~' || \
                  (c) == '/' || (c) == '!' || (c) == '$' || (c) == '\'' || (c) == '(' || \
                  (c) == ')' || (c) == ',' || (c) == ';' || (c) == '=' || (c) == '@')
/* For the one-pass route: 0 not plain, 1 plain, 2 '/', 3 '~'. */
#define SEGCLASS(c) ((c) == '/' ? 2 : (c) == '~' ? 3 : PLAIN(c) ? 1 : 0)
static const unsigned char seg_class[256] = {SV_R256(SEGCLASS)};

/* Characters written as they are in a canonical path; the rest become %XX. */
#define KEEP(c) (PLAIN(c) || (c) == '&' || (c) == '*')
static const unsigned char keep_table[256] = {SV_R256(KEEP)};
static int keep_raw(unsigned char c) { return keep_table[c]; }

static int decode(const char *raw, size_t len, unsigned char *dec, size_t *dec_len) {
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)raw[i];
    if (c == '%') {
      if (i + 1 < len && (raw[i + 1] == 'u' || raw[i + 1] == 'U')) {
        /* %uXXXX, which HTTP.sys accepts. */
        if (i + 6 > len)
          return SSLVDIR_R_BAD_ESCAPE;
        uint32_t cp = 0;
        for (size_t k = 2; k < 6; k++) {
          int h = sv_hexval((unsigned char)raw[i + k]);
          if (h < 0)
            return SSLVDIR_R_BAD_ESCAPE;
          cp = (cp << 4) | (uint32_t)h;
        }
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDFFF)
          return SSLVDIR_R_BAD_UTF8;
        if (cp >= 0x80) {
          if (cp < 0x800) {
            dec[n++] = (unsigned char)(0xC0 | (cp >> 6));
          } else {
            dec[n++] = (unsigned char)(0xE0 | (cp >> 12));
            dec[n++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
          }
          dec[n++] = (unsigned char)(0x80 | (cp & 0x3F));
          continue;
        }
        c = (unsigned char)cp;
      } else {
        if (i + 3 > len)
          return SSLVDIR_R_BAD_ESCAPE;
        int h1 = sv_hexval((unsigned char)raw[i + 1]), h2 = sv_hexval((unsigned char)raw[i + 2]);
        if (h1 < 0 || h2 < 0)
          return SSLVDIR_R_BAD_ESCAPE;
        c = (unsigned char)(h1 * 16 + h2);
        i += 3;
      }
    } else {
      i++;
    }
    if (c >= 0x80) {
      dec[n++] = c; /* checked as UTF-8 below; raw ones were refused earlier */
      continue;
    }
    if (c < 0x20 || c == 0x7f)
      return SSLVDIR_R_CONTROL_CHAR;
    switch (c) {
    case '%': return SSLVDIR_R_DOUBLE_ESCAPE;
    case '+': return SSLVDIR_R_PLUS_IN_PATH;
    case ':': return SSLVDIR_R_STREAM_NAME;
    case '<': case '>': case '*': case '"': case '|': case '?': case '&':
      return SSLVDIR_R_INVALID_CHAR;
    case '\\': c = '/'; break;
    default: break;
    }
    dec[n++] = c;
  }
  *dec_len = n;
  return SSLVDIR_R_NONE;
}

/* The canonical form of a path of plain bytes, in one pass over the raw
 * path; returns -2 when a byte is not plain (the caller takes the full
 * path). Same rules as below: see sv_path_norm(). */
static int canon_plain(const char *p, size_t n, char *out, size_t *out_len) {
  size_t o = 0, i = 0, segments = 0;
  int trailing = 0;
  while (i < n) {
    while (i < n && p[i] == '/')
      i++;
    size_t s = i;
    int tilde = 0;
    for (;;) {
      /* Class 1 (a plain byte other than '/' and '~') is the common case. */
      while (i < n && seg_class[(unsigned char)p[i]] == 1)
        i++;
      if (i == n || p[i] == '/')
        break;
      if (seg_class[(unsigned char)p[i]] == 0)
        return -2;
      tilde = 1; /* '~' */
      i++;
    }
    size_t sl = i - s;
    if (sl == 0) {
      trailing = 1;
      break;
    }
    if (++segments > SSLVDIR_MAX_SEGMENTS)
      return SSLVDIR_R_TOO_MANY_SEGMENTS;
    int r = push_segment(out, &o, p + s, sl, tilde, &trailing);
    if (r)
      return r;
  }
  if (o == 0 || trailing)
    out[o++] = '/';
  out[o] = '\0';
  *out_len = o;
  return SSLVDIR_R_NONE;
}

/* Decoding writes no more bytes than it reads, and each segment pushed
 * lands before the '/' that preceded it in the decoded path (see
 * sv_path_norm() in lib/internal.h), so one buffer of SV_NORM_BUFSZ holds the
 * decoded path and then the normalised one: the per-request stack stays at
 * one raw path's worth. */
int sv_path_norm(const char *path, size_t len, char out[SV_NORM_BUFSZ], size_t *out_len,
                 size_t *canon_len) {
  if (len > SSLVDIR_MAX_URL)
    return SSLVDIR_R_URL_TOO_LONG;
  if (len == 0 || path[0] != '/')
    return SSLVDIR_R_BAD_TARGET;
  int r = canon_plain(path, len, out, out_len);
  if (r != -2) {
    if (r == SSLVDIR_R_NONE)
      *canon_len = *out_len; /* plain bytes: the normalised path is canonical */
    return r;
  }
  unsigned char *dec = (unsigned char *)out;
  size_t dn = 0, nn = 0;
  r = decode(path, len, dec, &dn);
  if (r)
    return r;
  r = check_utf8(dec, dn);
  if (r)
    return r;
  size_t segments = 0;
  int trailing = 0;
  for (size_t i = 0; i < dn;) {
    while (i < dn && dec[i] == '/')
      i++;
    size_t s = i;
    while (i < dn && dec[i] != '/')
      i++;
    size_t sl = i - s;
    const char *seg = (const char *)dec + s;
    if (sl == 0) { /* the path ended with '/' */
      trailing = 1;
      break;
    }
    if (++segments > SSLVDIR_MAX_SEGMENTS)
      return SSLVDIR_R_TOO_MANY_SEGMENTS;
    r = push_segment(out, &nn, seg, sl, 1, &trailing);
    if (r)
      return r;
  }
  /* nn < dn here: a trailing '/' or a "." segment was read and not written. */
  if (nn == 0 || trailing)
    out[nn++] = '/';
  out[nn] = '\0';
  *out_len = nn;
  *canon_len = sv_path_encode(out, nn, NULL);
  return SSLVDIR_R_NONE;
}

size_t sv_path_encode(const char *norm, size_t n, char *out) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)norm[i];
    if (keep_raw(c)) {
      if (out)
        out[o] = (char)c;
      o++;
    } else {
      if (out) {
        out[o] = '%';
        out[o + 1] = hex[c >> 4];
        out[o + 2] = hex[c & 15];
      }
      o += 3;
    }
  }
  return o;
}

int sv_path_canon(const char *path, size_t len, char *out, size_t size, size_t *out_len) {
  char norm[SV_NORM_BUFSZ];
  size_t nn, o;
  int r = sv_path_norm(path, len, norm, &nn, &o);
  if (r)
    return r;
  *out_len = o;
  if (o >= size)
    return -1;
  sv_path_encode(norm, nn, out);
  out[o] = '\0';
  *out_len = o;
  return SSLVDIR_R_NONE;
}

SSLVDIR_EXTERN int sslvdir_path_canonicalize(const char *target, size_t len, int *reason,
                                             char *out, size_t out_size, size_t *out_len) {
  /* Everything cleared before any check: no error leaves a previous call's
   * path in a reused buffer. */
  if (reason)
    *reason = SSLVDIR_R_NONE;
  if (out_len)
    *out_len = 0;
  if (out && out_size)
    out[0] = '\0';
  if ((!out && out_size) || (!target && len))
    return SSLVDIR_E_INVALID_ARGUMENT;
  sv_target t;
  int r = sv_target_split(target, len, &t);
  size_t n = 0;
  if (r == SSLVDIR_R_NONE) {
    if (t.asterisk) {
      n = 1;
      if (out_size > n)
        memcpy(out, "*", 2);
      else
        r = -1;
    } else {
      r = sv_path_canon(t.path, t.path_len, out, out_size, &n);
    }
  }
  if (r > 0) {
    if (out_size)
      out[0] = '\0';
    if (reason)
      *reason = r;
    return SSLVDIR_E_REFUSED;
  }
  /* The length also when out is too small, so that out_size 0 measures. */
  if (out_len)
    *out_len = n;
  if (r < 0) {
    if (out_size)
      out[0] = '\0';
    return SSLVDIR_E_BUFFER_TOO_SMALL;
  }
  return SSLVDIR_OK;
}
