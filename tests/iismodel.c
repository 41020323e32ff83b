/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The reference model of tests/iismodel.h: slow, plain and small on purpose,
 * so that it can be read against the documents in one sitting. The rules,
 * in the order IIS applies them:
 *
 * 1. HTTP.sys refuses a raw control byte or space anywhere in the target
 *    (400). Only the path takes part in routing; the query never does.
 * 2. HTTP.sys decodes the path: %XX and %uNNNN, and '\' becomes '/'.
 * 3. Request filtering refuses what decodes to '%' (double escaping) or
 *    '+' (404.11, allowDoubleEscaping=false), and escaped control bytes.
 * 4. "." and ".." segments are resolved and empty segments collapse.
 * 5. The vdir is the longest whose segments equal the path's first ones,
 *    compared whole and case-insensitively. IIS has no path parameters: ';'
 *    is a character of a name like any other.
 * 6. sslFlags are those of the deepest location at or above the path that
 *    has a setting of its own; Ssl (8) requires TLS.
 *
 * Where IIS's answer depends on things the documents leave open, the model
 * abstains: non-ASCII (UTF-8 or the ANSI fallback), ':' (NTFS streams),
 * '~' (8.3 short names), a segment ending in '.' or space (Windows strips
 * them), malformed escapes, characters ASP.NET refuses, ".." above the root,
 * HTTP.sys's length limits, and anything that is not origin form.
 */
#include "iismodel.h"

#include <string.h>

#define MAX_PATH 4096
#define MAX_QUERY 2048
#define MAX_SEGMENTS 255
#define MAX_SEGMENT 260

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static int same_name(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn)
    return 0;
  for (size_t i = 0; i < an; i++)
    if (lower(a[i]) != lower(b[i]))
      return 0;
  return 1;
}

/* The path as segments: start and length of each, in one buffer. */
typedef struct {
  const char *start[MAX_SEGMENTS + 1];
  size_t len[MAX_SEGMENTS + 1];
  size_t n;
} segments;

/* Splits a location's path ("/owa/Calendar", "/") into its segments. */
static void split(const char *p, size_t n, segments *s) {
  s->n = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && p[i] == '/')
      i++;
    size_t st = i;
    while (i < n && p[i] != '/')
      i++;
    if (i > st && s->n <= MAX_SEGMENTS) {
      s->start[s->n] = p + st;
      s->len[s->n] = i - st;
      s->n++;
    }
  }
}

/* Does the location (its segments) cover the path (its segments)? */
static int covers(const segments *loc, const segments *path) {
  if (loc->n > path->n)
    return 0;
  for (size_t k = 0; k < loc->n; k++)
    if (!same_name(loc->start[k], loc->len[k], path->start[k], path->len[k]))
      return 0;
  return 1;
}

static void answer(iism_answer *a, int outcome, const char *why) {
  a->outcome = outcome;
  a->why = why;
}

void iism_route(const iism_policy *p, const char *t, size_t n, iism_answer *a) {
  a->vdir = -1;
  a->ssl = 0;
  answer(a, IISM_ABSTAIN, "");

  /* 1. Raw bytes. */
  int nonascii = 0, hash = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c <= 0x20 || c == 0x7f) {
      answer(a, IISM_REJECT, "raw control byte or space");
      return;
    }
    if (c >= 0x80)
      nonascii = 1;
    if (c == '#')
      hash = 1;
  }
  if (nonascii || hash) {
    answer(a, IISM_ABSTAIN, nonascii ? "raw non-ASCII byte" : "raw '#'");
    return;
  }
  if (n == 0 || t[0] != '/') {
    answer(a, IISM_ABSTAIN, "not origin form");
    return;
  }
  size_t plen = 0;
  while (plen < n && t[plen] != '?')
    plen++;
  if (plen > MAX_PATH || (plen < n && n - plen - 1 > MAX_QUERY)) {
    answer(a, IISM_ABSTAIN, "over a length limit");
    return;
  }

  /* 2 and 3. Decoding; a refusal wins over not knowing, since IIS refuses
   * such a request whatever else it holds. */
  char dec[MAX_PATH];
  size_t dn = 0;
  const char *unsure = NULL;
  for (size_t i = 0; i < plen;) {
    unsigned long c;
    if (t[i] == '%' && i + 1 < plen && (t[i + 1] == 'u' || t[i + 1] == 'U')) {
      int ok = i + 6 <= plen;
      c = 0;
      for (size_t k = 2; ok && k < 6; k++) {
        int h = hexval(t[i + k]);
        ok = h >= 0;
        c = c * 16 + (unsigned long)(h < 0 ? 0 : h);
      }
      if (!ok) {
        unsure = "malformed %u escape";
        i++;
        continue;
      }
      i += 6;
    } else if (t[i] == '%') {
      if (i + 2 >= plen) {
        unsure = "malformed escape";
        i++;
        continue;
      }
      int h1 = hexval(t[i + 1]), h2 = hexval(t[i + 2]);
      if (h1 < 0 || h2 < 0) {
        unsure = "malformed escape";
        i++;
        continue;
      }
      c = (unsigned long)(h1 * 16 + h2);
      i += 3;
    } else {
      c = (unsigned char)t[i];
      i++;
    }
    if (c == '%' || c == '+') {
      answer(a, IISM_REJECT, "double escaping");
      return;
    }
    if (c < 0x20 || c == 0x7f) {
      answer(a, IISM_REJECT, "escaped control byte");
      return;
    }
    if (c >= 0x80)
      unsure = "non-ASCII";
    else if (c == ':')
      unsure = "':' (NTFS stream)";
    else if (c == '~')
      unsure = "'~' (8.3 name)";
    else if (strchr("<>*\"|?&", (int)c))
      unsure = "a character ASP.NET refuses";
    dec[dn++] = c == '\\' ? '/' : (char)c;
  }
  if (unsure) {
    answer(a, IISM_ABSTAIN, unsure);
    return;
  }

  /* 4. Dot segments. */
  segments path;
  path.n = 0;
  for (size_t i = 0; i < dn;) {
    while (i < dn && dec[i] == '/')
      i++;
    size_t st = i;
    while (i < dn && dec[i] != '/')
      i++;
    size_t sl = i - st;
    if (sl == 0)
      break;
    if (sl == 1 && dec[st] == '.')
      continue;
    if (sl == 2 && dec[st] == '.' && dec[st + 1] == '.') {
      if (path.n == 0) {
        answer(a, IISM_ABSTAIN, "'..' above the root");
        return;
      }
      path.n--;
      continue;
    }
    if (dec[st + sl - 1] == '.' || dec[st + sl - 1] == ' ') {
      answer(a, IISM_ABSTAIN, "segment ending in '.' or space");
      return;
    }
    if (sl > MAX_SEGMENT || path.n == MAX_SEGMENTS) {
      answer(a, IISM_ABSTAIN, "over a length limit");
      return;
    }
    path.start[path.n] = dec + st;
    path.len[path.n] = sl;
    path.n++;
  }

  /* 5 and 6. The longest covering location is the vdir; the deepest one
   * with a setting gives the flags. */
  size_t best_depth = 0, flags_depth = 0;
  int flags = 0, have_flags = 0;
  for (size_t v = 0; v < p->nloc; v++) {
    segments loc;
    split(p->loc[v].path, strlen(p->loc[v].path), &loc);
    if (!covers(&loc, &path))
      continue;
    if (a->vdir < 0 || loc.n > best_depth) {
      a->vdir = (int)v;
      best_depth = loc.n;
    }
    if (p->loc[v].flags != IISM_INHERIT && (!have_flags || loc.n > flags_depth)) {
      flags = p->loc[v].flags;
      flags_depth = loc.n;
      have_flags = 1;
    }
  }
  a->ssl = (flags & IISM_SSL) != 0;
  answer(a, IISM_ROUTE, "");
}

/* sslFlags values: Ssl 8, SslNegotiateCert 32, Ssl128 256. */
#define SSL_ 8
#define SSL_128 (8 | 256)

/* Exchange 2016 as shipped: the site root requires SSL and owa, ecp, EWS and
 * Autodiscover inherit it (no location of their own); everything else
 * requires SSL but owa/Calendar, Rpc and PowerShell (which only negotiates a
 * certificate). */
static const iism_location exchange[] = {
  {"/", SSL_128},
  {"/owa", IISM_INHERIT},
  {"/owa/Calendar", 0},
  {"/ecp", IISM_INHERIT},
  {"/EWS", IISM_INHERIT},
  {"/EWS/mrsproxy.svc", SSL_128},
  {"/Microsoft-Server-ActiveSync", SSL_128},
  {"/OAB", SSL_128},
  {"/mapi", SSL_128},
  {"/Autodiscover", IISM_INHERIT},
  {"/PowerShell", 32},
  {"/Rpc", 0},
};

/* The OWA redirect recipe: a lenient root, strict vdirs, a lenient child of
 * a strict one and a strict Rpc (Exchange 2010 without SSLOffloading). */
static const iism_location recipe[] = {
  {"/", 0},
  {"/owa", SSL_},
  {"/owa/Calendar", 0},
  {"/ecp", SSL_128},
  {"/Rpc", SSL_},
  {"/PowerShell", 0},
};

/* A deep chain alternating strict and lenient. */
static const iism_location chain[] = {
  {"/", 0},
  {"/a", SSL_},
  {"/a/b", 0},
  {"/a/b/c", SSL_},
  {"/a/b/c/d", 0},
  {"/a/b/c/d/e", SSL_},
  {"/a/b/c/d/e/f", IISM_INHERIT},
  {"/a/b/c/d/x", IISM_INHERIT},
};

/* No root vdir, and a lenient child under a strict vdir under nothing. */
static const iism_location rootless[] = {
  {"/owa", SSL_},
  {"/owa/Calendar", 0},
  {"/Rpc", SSL_128},
  {"/Rpc/a", 0},
  {"/Rpc/a/b", IISM_INHERIT},
  {"/PowerShell", 0},
  {"/PowerShell/a", IISM_INHERIT},
};

#define N(a) (sizeof a / sizeof a[0])
const iism_policy iism_policies[] = {
  {"exchange2016", exchange, N(exchange), 1},
  {"redirect-recipe", recipe, N(recipe), 1},
  {"alternating-chain", chain, N(chain), 0},
  {"no-root", rootless, N(rootless), 0},
};
const size_t iism_npolicies = N(iism_policies);
