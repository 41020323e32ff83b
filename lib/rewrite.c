/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Rewriting responses of offloaded backends: headers and streamed bodies.
 */
#include "internal.h"

#include <sslvdir/rewrite.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define SV_REWRITE_SSE2 1
#endif

/* Bytes that, right after "http://<host>" (or its ":80"), end the authority
 * for every URL parser: '/', '?' and '#'. Any other byte may continue it in
 * some reader of the link: a host name byte or '%' (hosts are percent-
 * decoded: "%2e" is a dot), a byte >= 0x80 (IDNA maps U+3002, U+FF0E, U+FF61
 * to a dot), '&' ("&#46;" is a dot in HTML), '\\' ("\u002e" in JSON), tab,
 * LF and CR (URL parsers delete them: what follows joins the host), and even
 * a space or '<', which a URL in a quoted attribute holds and which a later
 * '@' makes userinfo ("http://<host> x@evil.example/" is evil.example's);
 * in an element's text a tag, comment or CDATA section does not end it either,
 * since readers of the text join what is on both sides.
 * authority_ends() adds what ends the link's context for certain. */
#define SV_AUTH_END(c) ((c) == '/' || (c) == '?' || (c) == '#')
static const unsigned char auth_end[256] = {SV_R256(SV_AUTH_END)};

/* Bytes that must not come right before "http:". A scheme byte makes it
 * another scheme ("xhttp://"). After the others the "http" may be the host,
 * or the end of the host, of an enclosing URL, which rewriting would change:
 * '/', '\\', ':' and '@' ("http://http://<host>/" and "http:///http://<host>"
 * have the host "http"), ';' and bytes >= 0x80 (the ends of "&#46;" and of
 * U+3002: "http://evil&#46;http://<host>" has the host "evil.http"), '_' (in
 * some DNS names), and tab, LF and CR (URL parsers delete them). After any
 * other byte an enclosing host would hold a byte that no DNS name has. */
#define SV_NOT_BEFORE(c)                                                                   \
  (SV_ALNUM(c) || (c) == '+' || (c) == '-' || (c) == '.' || (c) == '/' || (c) == '\\' ||    \
   (c) == '_' || (c) == ':' || (c) == '@' || (c) == ';' || (c) == '\t' || (c) == '\n' ||     \
   (c) == '\r' || (c) >= 0x80)
static const unsigned char not_before[256] = {SV_R256(SV_NOT_BEFORE)};

/* Control characters other than tab: never copied into a header. */
#define SV_CTL(c) (((c) < 0x20 && (c) != '\t') || (c) == 0x7f)
static const unsigned char ctl_char[256] = {SV_R256(SV_CTL)};

static int ows(unsigned char c) { return c == ' ' || c == '\t'; }

/* ================================================================ headers */

SSLVDIR_EXTERN sslvdir_response_header sslvdir_rewrite_header_kind(const char *name, size_t len) {
  if (!name)
    return SSLVDIR_RESPONSE_HEADER_OTHER;
  if (sv_eq_ci(name, len, "location", 8))
    return SSLVDIR_RESPONSE_HEADER_LOCATION;
  if (sv_eq_ci(name, len, "content-location", 16))
    return SSLVDIR_RESPONSE_HEADER_CONTENT_LOCATION;
  if (sv_eq_ci(name, len, "refresh", 7))
    return SSLVDIR_RESPONSE_HEADER_REFRESH;
  if (sv_eq_ci(name, len, "set-cookie", 10))
    return SSLVDIR_RESPONSE_HEADER_SET_COOKIE;
  return SSLVDIR_RESPONSE_HEADER_OTHER;
}

/* The result of a header rewrite: value[0..a) + ins + value[b..len). */
typedef struct splice {
  size_t a, b, inslen;
  char ins[8 + SV_HOST_MAX + 64];
} splice;

/* The URL in value[u..e): when it is http:// or // to one of our hosts on
 * port 80 (or none), fills sp and returns 1; otherwise 0. */
static int url_splice(const sslvdir_policy *p, const char *v, size_t u, size_t e, splice *sp) {
  size_t i = u;
  int absolute;
  if (e - i >= 7 && sv_eq_ci(v + i, 7, "http://", 7)) {
    absolute = 1;
    i += 7;
  } else if (e - i >= 2 && v[i] == '/' && v[i + 1] == '/') {
    absolute = 0;
    i += 2;
  } else {
    return 0; /* relative, https, or another scheme */
  }
  size_t ae = i;
  while (ae < e && v[ae] != '/' && v[ae] != '?' && v[ae] != '#') {
    if (v[ae] == '@' || v[ae] == '\\')
      return 0; /* userinfo, or an authority whose end parsers disagree on */
    ae++;
  }
  size_t he;
  if (i < ae && v[i] == '[') {
    const char *close = memchr(v + i, ']', ae - i);
    if (!close)
      return 0;
    he = (size_t)(close - v) + 1;
  } else {
    const char *colon = memchr(v + i, ':', ae - i);
    he = colon ? (size_t)(colon - v) : ae;
  }
  size_t port_len = 0;
  if (he < ae) {
    if (v[he] != ':')
      return 0;
    port_len = ae - he - 1;
    if (port_len && !(port_len == 2 && v[he + 1] == '8' && v[he + 2] == '0'))
      return 0; /* another port: another service, not ours */
  }
  size_t host_len;
  uint32_t hash;
  if (he == i || sv_host_check(v + i, he - i, &host_len, &hash))
    return 0;
  const sslvdir_site *site = sv_policy_lookup_host_hash(p, v + i, host_len, hash);
  if (!site)
    return 0;
  unsigned port = site->https_port ? site->https_port : 443;
  if (!absolute && port_len == 0 && port == 443)
    return 0; /* "//host/..." is already https to the client */
  memcpy(sp->ins, "https://", 8);
  memcpy(sp->ins + 8, v + i, he - i);
  sp->inslen = 8 + (he - i);
  if (port != 443)
    sp->inslen += (size_t)snprintf(sp->ins + sp->inslen, sizeof sp->ins - sp->inslen, ":%u", port);
  sp->a = u;
  sp->b = ae;
  return 1;
}

static int location_splice(const sslvdir_policy *p, const char *v, size_t len, splice *sp) {
  size_t u = 0, e = len;
  while (u < e && ows((unsigned char)v[u]))
    u++;
  while (e > u && ows((unsigned char)v[e - 1]))
    e--;
  return url_splice(p, v, u, e, sp);
}

/* Refresh: delay, then ';' or ',', then an optional "url=", then the URL,
 * optionally quoted (as the HTML standard's declarative refresh reads it). */
static int refresh_splice(const sslvdir_policy *p, const char *v, size_t len, splice *sp) {
  size_t i = 0, e = len;
  while (e > 0 && ows((unsigned char)v[e - 1]))
    e--;
  while (i < e && ows((unsigned char)v[i]))
    i++;
  size_t d = i;
  while (i < e && ((v[i] >= '0' && v[i] <= '9') || v[i] == '.'))
    i++;
  if (i == d)
    return 0;
  while (i < e && ows((unsigned char)v[i]))
    i++;
  if (i < e && (v[i] == ';' || v[i] == ','))
    i++;
  while (i < e && ows((unsigned char)v[i]))
    i++;
  if (e - i >= 3 && sv_eq_ci(v + i, 3, "url", 3)) {
    size_t j = i + 3;
    while (j < e && ows((unsigned char)v[j]))
      j++;
    if (j < e && v[j] == '=') {
      i = j + 1;
      while (i < e && ows((unsigned char)v[i]))
        i++;
    }
  }
  size_t ue = e;
  if (i < e && (v[i] == '\'' || v[i] == '"')) {
    const char *q = memchr(v + i + 1, v[i], e - i - 1);
    i++;
    if (q)
      ue = (size_t)(q - v);
  }
  return url_splice(p, v, i, ue, sp);
}

/* Set-Cookie: the first pair is the cookie; attributes follow, each after a
 * ';'. Only an attribute named Secure counts. */
static int cookie_splice(const char *v, size_t len, splice *sp) {
  const char *semi = memchr(v, ';', len);
  while (semi) {
    size_t s = (size_t)(semi - v) + 1;
    while (s < len && ows((unsigned char)v[s]))
      s++;
    size_t n = s;
    while (n < len && v[n] != '=' && v[n] != ';')
      n++;
    size_t ne = n;
    while (ne > s && ows((unsigned char)v[ne - 1]))
      ne--;
    if (sv_eq_ci(v + s, ne - s, "secure", 6))
      return 0;
    semi = n < len ? memchr(v + n, ';', len - n) : NULL;
  }
  size_t e = len;
  while (e > 0 && ows((unsigned char)v[e - 1]))
    e--;
  if (e == 0)
    return 0; /* no cookie at all */
  const char *add = v[e - 1] == ';' ? " Secure" : "; Secure";
  sp->inslen = strlen(add);
  memcpy(sp->ins, add, sp->inslen);
  sp->a = e;
  sp->b = len; /* trailing blanks go: "a=b ; Secure" would be odd */
  return 1;
}

SSLVDIR_EXTERN int sslvdir_rewrite_header(const sslvdir_policy *p, const sslvdir_vdir *vdir,
                                          sslvdir_response_header kind, const char *value,
                                          size_t len, char *out, size_t out_size,
                                          size_t *out_len) {
  if (out_len)
    *out_len = 0; /* nothing stale when the arguments are refused */
  if (!p || !value || !out_len || (!out && out_size))
    return SSLVDIR_E_INVALID_ARGUMENT;
  *out_len = len;
  const unsigned char *u = (const unsigned char *)value;
  unsigned bad = 0;
  for (size_t i = 0; i < len; i++)
    bad |= ctl_char[u[i]];
  if (bad)
    return SSLVDIR_E_SYNTAX;
  splice sp;
  int hit = 0;
  switch (kind) {
  case SSLVDIR_RESPONSE_HEADER_LOCATION:
  case SSLVDIR_RESPONSE_HEADER_CONTENT_LOCATION:
    hit = location_splice(p, value, len, &sp);
    break;
  case SSLVDIR_RESPONSE_HEADER_REFRESH:
    hit = refresh_splice(p, value, len, &sp);
    break;
  case SSLVDIR_RESPONSE_HEADER_SET_COOKIE:
    hit = (!vdir || !vdir->plain_cookies) && cookie_splice(value, len, &sp);
    break;
  default:
    break;
  }
  if (!hit)
    return SSLVDIR_REWRITE_UNCHANGED;
  size_t n = sp.a + sp.inslen + (len - sp.b);
  *out_len = n;
  if (n > out_size)
    return SSLVDIR_E_BUFFER_TOO_SMALL;
  if (out == value) {
    memmove(out + sp.a + sp.inslen, value + sp.b, len - sp.b);
  } else {
    memcpy(out, value, sp.a);
    memcpy(out + sp.a + sp.inslen, value + sp.b, len - sp.b);
  }
  memcpy(out + sp.a, sp.ins, sp.inslen);
  return SSLVDIR_REWRITE_CHANGED;
}

/* ================================================================ bodies */

typedef struct rw_host {
  char *name; /* lower case, no trailing dot */
  size_t len;
  char port[8]; /* ":8443", or "" for 443 */
  size_t port_len;
} rw_host;

typedef struct rw_lit {
  unsigned char *from;
  size_t from_len;
  char *to;
  size_t to_len;
} rw_lit;

#define RW_MAX_TYPES 64
static const char default_types[] =
    "text/html,text/xml,application/xml,application/json,text/javascript";

struct sslvdir_rewriter {
  rw_host *hosts; /* sorted by name, so that first[] can index them */
  size_t nhosts;
  uint16_t first_lo[256], first_hi[256]; /* hosts whose name starts with a byte */
  rw_lit *lits;
  size_t nlits;
  char *types[RW_MAX_TYPES];
  size_t ntypes;
  size_t need_max; /* the most bytes a match can need: the hold's size */
  unsigned char *hold, *work;
  /* the stream */
  int mode;
  size_t hold_len;
  int before; /* the stream byte before hold[0] (or the next chunk), -1 at its start */
  uint64_t in, out, reps;
  sslvdir_write_fn write;
  void *user_data;
};

typedef struct rw_match {
  size_t len;      /* input bytes the match covers */
  const rw_lit *lit;
  const rw_host *host;
  size_t host_end; /* hosts: "http" is p[0..4), scheme rest and host p[4..host_end) */
} rw_match;

/* Whether the authority of a link ends certainly at p[j] (see auth_end):
 * 1 yes, 0 no (the link is not ours), -1 the data ends too soon to say.
 * before is the byte before "http". */
static int authority_ends(const unsigned char *p, size_t avail, size_t j, int final, int before) {
  if (j == avail)
    return final ? 1 : -1; /* the end of the body ends the link */
  unsigned char c = p[j];
  if (auth_end[c])
    return 1;
  if (c == '\\') {
    /* Only the JSON escape "\/" ('/' once unescaped, and a backslash ends a
     * special URL's authority too). "\u002e" is a dot, "\"" a quote kept
     * in the string, and other parsers than browsers read '\\' differently. */
    if (j + 1 == avail)
      return final ? 0 : -1;
    return p[j + 1] == '/';
  }
  /* A quote (or parenthesis) that closes the one right before "http": that
   * one is outside the URL (a URL that starts with a quote is not an http
   * URL), so it delimits the attribute, string or url() holding the link,
   * and the closing one ends the link there. Any other quote may be inside
   * the URL, where a parser keeps it in the host. */
  if (c == '"' || c == '\'')
    return before == c;
  /* Not '<', even after '>' where the link starts a text node: whatever
   * reads the element's text joins it across child tags, comments and CDATA
   * sections (XML readers, textContent, XPath string()), so in
   * "<u>http://<host>:80<![CDATA[.evil.example/]]></u>" dropping ":80" would
   * make the text evil.example's; in RCDATA ("<title>") "<b@evil" is text. */
  return c == ')' && before == '(';
}

/* 1: a host link starts at p, m filled; 0: none; -1: the data ends too soon
 * to say (only when !final). */
static int match_host(const sslvdir_rewriter *rw, const unsigned char *p, size_t avail, int final,
                      int before, rw_match *m) {
  static const char scheme[] = "http:";
  const int more = final ? 0 : -1;
  if (before >= 0 && not_before[before])
    return 0;
  for (size_t i = 0; i < 5; i++) {
    if (i >= avail)
      return more;
    if (sv_lower(p[i]) != (unsigned char)scheme[i])
      return 0;
  }
  static const char sep_plain[] = "//", sep_json[] = "\\/\\/";
  const char *sep;
  if (avail < 6)
    return more;
  if (p[5] == '/')
    sep = sep_plain;
  else if (p[5] == '\\')
    sep = sep_json;
  else
    return 0;
  size_t hs = 5;
  for (; *sep; sep++, hs++) {
    if (hs >= avail)
      return more;
    if (p[hs] != (unsigned char)*sep)
      return 0;
  }
  if (hs >= avail)
    return more;
  unsigned c0 = sv_lower(p[hs]);
  int need = 0;
  for (size_t k = rw->first_lo[c0]; k < rw->first_hi[c0]; k++) {
    const rw_host *h = &rw->hosts[k];
    size_t cmp = h->len < avail - hs ? h->len : avail - hs;
    size_t i = 1;
    while (i < cmp && sv_lower(p[hs + i]) == (unsigned char)h->name[i])
      i++;
    if (i < cmp)
      continue;
    if (cmp < h->len) {
      need |= !final;
      continue;
    }
    size_t e = hs + h->len, end = e;
    int r = authority_ends(p, avail, e, final, before);
    if (r == 0 && p[e] == ':') {
      /* A port: only an empty one or ":80", both dropped, is ours; it must
       * end the authority as the host would have. */
      static const char eighty[] = "80";
      size_t d = 0;
      while (d < 2 && e + 1 + d < avail && p[e + 1 + d] == (unsigned char)eighty[d])
        d++;
      end = e + 1 + d;
      if (d == 1)
        r = end == avail && !final ? -1 : 0; /* ":80" cut short, or ":8", ":8x" */
      else
        r = authority_ends(p, avail, end, final, before);
    }
    if (r < 0) {
      need = 1;
      continue;
    }
    if (r == 0)
      continue; /* a longer host, another port, userinfo, or not sure */
    /* At most one host can end here: any other would be cut inside this
     * one or extend it by a host name byte, and neither ends an authority. */
    m->len = end;
    m->lit = NULL;
    m->host = h;
    m->host_end = e;
    return 1;
  }
  return need ? -1 : 0;
}

/* The longest literal at p, then the host link; 1, 0 or -1 as above. */
static int try_match(const sslvdir_rewriter *rw, const unsigned char *p, size_t avail, int final,
                     int before, rw_match *m) {
  int need = 0, found = 0;
  for (size_t k = 0; k < rw->nlits; k++) {
    const rw_lit *l = &rw->lits[k];
    if (p[0] != l->from[0])
      continue;
    size_t cmp = l->from_len < avail ? l->from_len : avail;
    if (memcmp(p, l->from, cmp))
      continue;
    if (cmp < l->from_len) {
      need |= !final;
      continue;
    }
    if (!found || l->from_len > m->len) {
      m->len = l->from_len;
      m->lit = l;
      m->host = NULL;
      found = 1;
    }
  }
  if (rw->nhosts) {
    rw_match hm;
    int r = match_host(rw, p, avail, final, before, &hm);
    if (r < 0)
      need = 1;
    else if (r > 0 && (!found || hm.len > m->len)) {
      *m = hm;
      found = 1;
    }
  }
  if (need)
    return -1;
  return found;
}

/* Could a match (or a need for more) start at p[j]? A superset of both:
 * a host link has ':' then '/' or '\' four bytes in, a literal its first
 * two bytes. */
static int candidate(const sslvdir_rewriter *rw, const unsigned char *p, size_t len, size_t j) {
  if (rw->nhosts && sv_lower(p[j]) == 'h') {
    if (j + 4 >= len || (p[j + 4] == ':' && (j + 5 >= len || p[j + 5] == '/' || p[j + 5] == '\\')))
      return 1;
  }
  for (size_t k = 0; k < rw->nlits; k++)
    if (p[j] == rw->lits[k].from[0] &&
        (rw->lits[k].from_len < 2 || j + 1 >= len || p[j + 1] == rw->lits[k].from[1]))
      return 1;
  return 0;
}

#ifdef SV_REWRITE_SSE2
/* Candidates among the 16 starts p[0..16): reads p[0..21). */
static inline unsigned block_mask(const sslvdir_rewriter *rw, const unsigned char *p) {
  __m128i m = _mm_setzero_si128();
  if (rw->nhosts) {
    __m128i v4 = _mm_loadu_si128((const __m128i *)(const void *)(p + 4));
    __m128i v5 = _mm_loadu_si128((const __m128i *)(const void *)(p + 5));
    m = _mm_and_si128(_mm_cmpeq_epi8(v4, _mm_set1_epi8(':')),
                      _mm_or_si128(_mm_cmpeq_epi8(v5, _mm_set1_epi8('/')),
                                   _mm_cmpeq_epi8(v5, _mm_set1_epi8('\\'))));
  }
  if (rw->nlits) {
    __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
    for (size_t k = 0; k < rw->nlits; k++) {
      const rw_lit *l = &rw->lits[k];
      __m128i t = _mm_cmpeq_epi8(v0, _mm_set1_epi8((char)l->from[0]));
      if (l->from_len > 1)
        t = _mm_and_si128(t, _mm_cmpeq_epi8(v1, _mm_set1_epi8((char)l->from[1])));
      m = _mm_or_si128(m, t);
    }
  }
  return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* The first candidate start in [j, limit), or limit. */
static size_t next_candidate(const sslvdir_rewriter *rw, const unsigned char *p, size_t len,
                             size_t j, size_t limit) {
#ifdef SV_REWRITE_SSE2
  /* Four blocks at a time while links are far apart, as they mostly are. */
  while (j + 64 + 21 <= len && j + 64 <= limit) {
    uint64_t m = (uint64_t)block_mask(rw, p + j) | (uint64_t)block_mask(rw, p + j + 16) << 16 |
                 (uint64_t)block_mask(rw, p + j + 32) << 32 |
                 (uint64_t)block_mask(rw, p + j + 48) << 48;
    if (m)
      return j + (size_t)__builtin_ctzll(m);
    j += 64;
  }
  while (j + 21 <= len && j < limit) {
    unsigned m = block_mask(rw, p + j);
    if (m) {
      size_t c = j + (size_t)__builtin_ctz(m);
      return c < limit ? c : limit;
    }
    j += 16;
  }
#endif
  for (; j < limit; j++)
    if (candidate(rw, p, len, j))
      return j;
  return limit;
}

static int emit(sslvdir_rewriter *rw, const void *data, size_t len) {
  if (!len)
    return 0;
  rw->out += len;
  return rw->write((const char *)data, len, rw->user_data) ? -1 : 0;
}

static int emit_match(sslvdir_rewriter *rw, const unsigned char *p, const rw_match *m) {
  rw->reps++;
  if (m->lit)
    return emit(rw, m->lit->to, m->lit->to_len);
  return emit(rw, "https", 5) || emit(rw, p + 4, m->host_end - 4) ||
         emit(rw, m->host->port, m->host->port_len);
}

/* Rewrites p[pos..len), replacing the matches that start before limit, and
 * writes everything up to *stop. *need says the scan stopped at *stop because
 * a match there cannot be decided yet (p[*stop..len) is then unwritten).
 * before0 is the stream byte before p[0], or -1. */
static int scan(sslvdir_rewriter *rw, const unsigned char *p, size_t len, size_t pos,
                size_t limit, int final, int before0, size_t *stop, int *need) {
  size_t done = pos, j = pos;
  *need = 0;
  while (j < limit) {
    size_t c = next_candidate(rw, p, len, j, limit);
    if (c >= limit)
      break;
    rw_match m = {0, NULL, NULL, 0};
    int r = try_match(rw, p + c, len - c, final, c ? p[c - 1] : before0, &m);
    if (r == 0) {
      j = c + 1;
      continue;
    }
    if (emit(rw, p + done, c - done))
      return -1;
    done = c;
    if (r < 0) {
      *need = 1;
      *stop = c;
      return 0;
    }
    if (emit_match(rw, p + c, &m))
      return -1;
    done = j = c + m.len;
  }
  if (done < limit) {
    if (emit(rw, p + done, limit - done))
      return -1;
    done = limit;
  }
  *stop = done;
  return 0;
}

static int rw_fail(sslvdir_rewriter *rw) {
  sslvdir_rewriter_reset(rw);
  return SSLVDIR_E_CALLBACK;
}

SSLVDIR_EXTERN int sslvdir_rewriter_feed(sslvdir_rewriter *rw, const char *data, size_t len,
                                         sslvdir_write_fn write, void *user_data) {
  if (!rw || !write || (!data && len))
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (!len)
    return SSLVDIR_OK;
  rw->write = write;
  rw->user_data = user_data;
  rw->in += len;
  const unsigned char *d = (const unsigned char *)data;
  if (rw->mode != SSLVDIR_BODY_REWRITE || (!rw->nhosts && !rw->nlits))
    return emit(rw, d, len) ? rw_fail(rw) : SSLVDIR_OK;
  size_t off = 0, stop;
  int need, before = rw->before;
  if (rw->hold_len) {
    /* Decide the held bytes with the head of this chunk beside them. */
    size_t take = len < rw->need_max ? len : rw->need_max;
    memcpy(rw->work, rw->hold, rw->hold_len);
    memcpy(rw->work + rw->hold_len, d, take);
    size_t view = rw->hold_len + take;
    if (scan(rw, rw->work, view, 0, rw->hold_len, 0, rw->before, &stop, &need))
      return rw_fail(rw);
    if (need) { /* only when all of the chunk is in the view */
      if (stop)
        rw->before = rw->work[stop - 1];
      memmove(rw->hold, rw->work + stop, view - stop);
      rw->hold_len = view - stop;
      return SSLVDIR_OK;
    }
    off = stop - rw->hold_len;
    before = rw->hold[rw->hold_len - 1];
    rw->hold_len = 0;
  }
  if (scan(rw, d, len, off, len, 0, before, &stop, &need))
    return rw_fail(rw);
  if (need) {
    rw->before = stop ? d[stop - 1] : before;
    memcpy(rw->hold, d + stop, len - stop);
    rw->hold_len = len - stop;
  } else {
    rw->before = d[len - 1];
  }
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_rewriter_finish(sslvdir_rewriter *rw, sslvdir_write_fn write,
                                           void *user_data) {
  if (!rw || !write)
    return SSLVDIR_E_INVALID_ARGUMENT;
  rw->write = write;
  rw->user_data = user_data;
  if (rw->hold_len) {
    size_t stop;
    int need;
    if (scan(rw, rw->hold, rw->hold_len, 0, rw->hold_len, 1, rw->before, &stop, &need))
      return rw_fail(rw);
    rw->hold_len = 0;
  }
  rw->before = -1;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN void sslvdir_rewriter_reset(sslvdir_rewriter *rw) {
  if (!rw)
    return;
  rw->hold_len = 0;
  rw->before = -1;
  rw->in = rw->out = rw->reps = 0;
}

SSLVDIR_EXTERN void sslvdir_rewriter_counts(const sslvdir_rewriter *rw, uint64_t *in,
                                            uint64_t *out, uint64_t *reps) {
  if (in)
    *in = rw ? rw->in : 0;
  if (out)
    *out = rw ? rw->out : 0;
  if (reps)
    *reps = rw ? rw->reps : 0;
}

static int buf_write(const char *data, size_t len, void *ud) {
  sv_bw_put(ud, data, len);
  return 0;
}

SSLVDIR_EXTERN int sslvdir_rewriter_rewrite(sslvdir_rewriter *rw, const char *body, size_t len,
                                            char *out, size_t out_size, size_t *out_len) {
  if (out_len)
    *out_len = 0; /* nothing stale when the arguments are refused */
  if (!rw || (!body && len) || (!out && out_size) || !out_len)
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (rw->hold_len)
    return SSLVDIR_E_INCONSISTENT;
  sslvdir_rewriter_reset(rw);
  sv_bw s = {out, out_size, 0};
  if (sslvdir_rewriter_feed(rw, body, len, buf_write, &s) ||
      sslvdir_rewriter_finish(rw, buf_write, &s))
    return SSLVDIR_E_INVALID_ARGUMENT; /* buf_write never fails: unreachable */
  *out_len = s.len;
  if (s.len > out_size) {
    /* Not left cut: the start of a page is not the page. */
    if (out_size)
      memset(out, 0, out_size);
    return SSLVDIR_E_BUFFER_TOO_SMALL;
  }
  return rw->reps ? SSLVDIR_REWRITE_CHANGED : SSLVDIR_REWRITE_UNCHANGED;
}

/* ---------------------------------------------------------- configuration */

static int host_cmp(const void *a, const void *b) {
  return strcmp(((const rw_host *)a)->name, ((const rw_host *)b)->name);
}

/* Re-sorts the hosts, rebuilds the index and resizes the hold to the
 * longest match plus its look-ahead. */
static int rw_reindex(sslvdir_rewriter *rw) {
  if (rw->nhosts)
    qsort(rw->hosts, rw->nhosts, sizeof *rw->hosts, host_cmp);
  memset(rw->first_lo, 0, sizeof rw->first_lo);
  memset(rw->first_hi, 0, sizeof rw->first_hi);
  size_t need = 16;
  for (size_t k = 0; k < rw->nhosts; k++) {
    unsigned c = (unsigned char)rw->hosts[k].name[0];
    if (rw->first_hi[c] == 0)
      rw->first_lo[c] = (uint16_t)k;
    rw->first_hi[c] = (uint16_t)(k + 1);
    /* "http:\/\/" + host + ":80" + the two bytes that end it ("\/", "</") */
    if (9 + rw->hosts[k].len + 5 > need)
      need = 9 + rw->hosts[k].len + 5;
  }
  for (size_t k = 0; k < rw->nlits; k++)
    if (rw->lits[k].from_len > need)
      need = rw->lits[k].from_len;
  if (need != rw->need_max || !rw->hold) {
    unsigned char *h = sv_malloc(need), *w = sv_malloc(2 * need);
    if (!h || !w) {
      sv_free(h);
      sv_free(w);
      return SSLVDIR_E_NOMEM;
    }
    sv_free(rw->hold);
    sv_free(rw->work);
    rw->hold = h;
    rw->work = w;
    rw->need_max = need;
  }
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_rewriter_add_host(sslvdir_rewriter *rw, const char *host,
                                             unsigned https_port, sslvdir_error *err) {
  if (!rw || !host)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "rewriter and host are required");
  if (rw->hold_len)
    return sv_err(err, SSLVDIR_E_INCONSISTENT, "a body stream holds bytes: finish it first");
  char norm[SV_HOST_MAX + 3];
  size_t n;
  if (sv_host_normalize(host, strlen(host), norm, &n, 0))
    return sv_err(err, SSLVDIR_E_SYNTAX, "'%.256s' is not a host name", host);
  if (https_port == 0 || https_port > 65535)
    return sv_err(err, SSLVDIR_E_RANGE, "https port %u is out of range", https_port);
  rw_host *h = NULL;
  for (size_t k = 0; k < rw->nhosts; k++)
    if (!strcmp(rw->hosts[k].name, norm))
      h = &rw->hosts[k];
  if (!h) {
    if (rw->nhosts >= SSLVDIR_REWRITER_MAX_HOSTS)
      return sv_err(err, SSLVDIR_E_RANGE, "a rewriter holds at most %d hosts",
                    SSLVDIR_REWRITER_MAX_HOSTS);
    char *name = sv_strdup(norm);
    rw_host *grown = name ? sv_realloc(rw->hosts, (rw->nhosts + 1) * sizeof *rw->hosts) : NULL;
    if (!grown) {
      sv_free(name);
      return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
    }
    rw->hosts = grown;
    h = &rw->hosts[rw->nhosts++];
    h->name = name;
    h->len = n;
  }
  h->port_len = https_port == 443 ? 0 : (size_t)snprintf(h->port, sizeof h->port, ":%u", https_port);
  if (https_port == 443)
    h->port[0] = '\0';
  if (rw_reindex(rw))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_rewriter_add_literal(sslvdir_rewriter *rw, const char *from,
                                                size_t from_len, const char *to, size_t to_len,
                                                sslvdir_error *err) {
  if (!rw || !from || (!to && to_len))
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "rewriter and from are required");
  if (rw->hold_len)
    return sv_err(err, SSLVDIR_E_INCONSISTENT, "a body stream holds bytes: finish it first");
  if (from_len == 0 || from_len > SSLVDIR_REWRITER_MAX_LITERAL ||
      to_len > SSLVDIR_REWRITER_MAX_LITERAL)
    return sv_err(err, SSLVDIR_E_RANGE, "a literal must have 1 to %d bytes, its replacement at "
                  "most %d", SSLVDIR_REWRITER_MAX_LITERAL, SSLVDIR_REWRITER_MAX_LITERAL);
  if (rw->nlits >= SSLVDIR_REWRITER_MAX_LITERALS)
    return sv_err(err, SSLVDIR_E_RANGE, "a rewriter holds at most %d literals",
                  SSLVDIR_REWRITER_MAX_LITERALS);
  for (size_t k = 0; k < rw->nlits; k++)
    if (rw->lits[k].from_len == from_len && !memcmp(rw->lits[k].from, from, from_len))
      return sv_err(err, SSLVDIR_E_DUPLICATE, "the literal is there already");
  unsigned char *f = sv_malloc(from_len);
  char *t = sv_malloc(to_len ? to_len : 1);
  rw_lit *grown = (f && t) ? sv_realloc(rw->lits, (rw->nlits + 1) * sizeof *rw->lits) : NULL;
  if (!grown) {
    sv_free(f);
    sv_free(t);
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  }
  rw->lits = grown;
  memcpy(f, from, from_len);
  if (to_len)
    memcpy(t, to, to_len);
  rw->lits[rw->nlits++] = (rw_lit){f, from_len, t, to_len};
  if (rw_reindex(rw))
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  return SSLVDIR_OK;
}

static int type_char(unsigned char c) {
  return SV_ALNUM(c) || (c && strchr("!#$&^_.+-", c));
}

SSLVDIR_EXTERN int sslvdir_rewriter_set_types(sslvdir_rewriter *rw, const char *types,
                                              sslvdir_error *err) {
  if (!rw)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "rewriter is required");
  if (!types)
    types = default_types;
  char *list[RW_MAX_TYPES];
  size_t n = 0;
  int rc = SSLVDIR_OK;
  for (const char *s = types; *s;) {
    const char *e = strchr(s, ',');
    if (!e)
      e = s + strlen(s);
    const char *a = s, *b = e;
    while (a < b && ows((unsigned char)*a))
      a++;
    while (b > a && ows((unsigned char)b[-1]))
      b--;
    if (a < b) {
      const char *slash = memchr(a, '/', (size_t)(b - a));
      int ok = slash && slash > a && slash + 1 < b;
      for (const char *c = a; ok && c < b; c++)
        ok = c == slash || type_char((unsigned char)*c);
      if (!ok) {
        rc = sv_err(err, SSLVDIR_E_SYNTAX, "'%.*s' is not a media type (type/subtype)",
                    (int)(b - a > 200 ? 200 : b - a), a);
        break;
      }
      if (n == RW_MAX_TYPES) {
        rc = sv_err(err, SSLVDIR_E_RANGE, "at most %d media types", RW_MAX_TYPES);
        break;
      }
      if (!(list[n] = sv_strndup(a, (size_t)(b - a)))) {
        rc = sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
        break;
      }
      for (char *c = list[n]; *c; c++)
        *c = (char)sv_lower((unsigned char)*c);
      n++;
    }
    s = *e ? e + 1 : e;
  }
  if (rc) {
    while (n)
      sv_free(list[--n]);
    return rc;
  }
  for (size_t k = 0; k < rw->ntypes; k++)
    sv_free(rw->types[k]);
  memcpy(rw->types, list, n * sizeof *list);
  rw->ntypes = n;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN int sslvdir_rewriter_begin(sslvdir_rewriter *rw, const char *ct, size_t ct_len,
                                          const char *ce, size_t ce_len) {
  if (!rw || (!ct && ct_len) || (!ce && ce_len))
    return SSLVDIR_E_INVALID_ARGUMENT;
  if (rw->hold_len)
    return SSLVDIR_E_INCONSISTENT;
  sslvdir_rewriter_reset(rw);
  int mode = SSLVDIR_BODY_PASS_TYPE;
  if (ct) {
    size_t a = 0, b;
    while (a < ct_len && ows((unsigned char)ct[a]))
      a++;
    b = a;
    while (b < ct_len && ct[b] != ';' && !ows((unsigned char)ct[b]))
      b++;
    for (size_t k = 0; k < rw->ntypes; k++)
      if (sv_eq_ci(ct + a, b - a, rw->types[k], strlen(rw->types[k])))
        mode = SSLVDIR_BODY_REWRITE;
  }
  if (mode == SSLVDIR_BODY_REWRITE && ce) {
    size_t a = 0, b = ce_len;
    while (a < b && ows((unsigned char)ce[a]))
      a++;
    while (b > a && ows((unsigned char)ce[b - 1]))
      b--;
    if (a < b && !sv_eq_ci(ce + a, b - a, "identity", 8))
      mode = SSLVDIR_BODY_PASS_ENCODED;
  }
  rw->mode = mode;
  return mode;
}

SSLVDIR_EXTERN void sslvdir_rewriter_free(sslvdir_rewriter *rw) {
  if (!rw)
    return;
  for (size_t k = 0; k < rw->nhosts; k++)
    sv_free(rw->hosts[k].name);
  for (size_t k = 0; k < rw->nlits; k++) {
    sv_free(rw->lits[k].from);
    sv_free(rw->lits[k].to);
  }
  for (size_t k = 0; k < rw->ntypes; k++)
    sv_free(rw->types[k]);
  sv_free(rw->hosts);
  sv_free(rw->lits);
  sv_free(rw->hold);
  sv_free(rw->work);
  sv_free(rw);
}

SSLVDIR_EXTERN int sslvdir_rewriter_new(sslvdir_rewriter **out, const sslvdir_policy *p,
                                        sslvdir_error *err) {
  if (!out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "out is required");
  *out = NULL;
  sslvdir_rewriter *rw = sv_calloc(1, sizeof *rw);
  if (!rw)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  rw->before = -1;
  rw->mode = SSLVDIR_BODY_REWRITE;
  int rc = sslvdir_rewriter_set_types(rw, NULL, err);
  if (!rc)
    rc = rw_reindex(rw) ? sv_err(err, SSLVDIR_E_NOMEM, "out of memory") : SSLVDIR_OK;
  for (size_t s = 0; !rc && p && s < p->nsites; s++)
    for (size_t h = 0; !rc && h < p->sites[s].nhosts; h++)
      rc = sslvdir_rewriter_add_host(rw, p->sites[s].hosts[h],
                                     p->sites[s].https_port ? p->sites[s].https_port : 443, err);
  if (rc) {
    sslvdir_rewriter_free(rw);
    return rc;
  }
  *out = rw;
  return SSLVDIR_OK;
}
