/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Property test: the library against the reference model of tests/iismodel.c,
 * on request targets built from the pieces encoding tricks are made of, over
 * policies where children are more lenient than their parents, plain HTTP
 * and TLS. The properties are those of tests/iismodel_check.h.
 *
 * Environment: SSLVDIR_DIFF_COUNT (cases per policy; 200000 by default),
 * SSLVDIR_DIFF_SEED (a number, or "time"; fixed by default so that make check
 * is reproducible). Prints, for each property broken, its first two
 * counterexamples and its shortest, then "N passed, N failed".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iismodel_check.h"

static uint64_t rng_state;

static uint64_t rnd(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static size_t below(size_t n) { return (size_t)(rnd() % n); }

#define PICK(a) (a[below(sizeof a / sizeof a[0])])

/* Segment names: the policies' vdirs, their look-alikes, escaped spellings. */
static const char *const names[] = {
  "owa", "OWA", "Calendar", "calendar", "ecp", "EWS", "mrsproxy.svc", "Rpc", "rpc", "PowerShell",
  "powershell", "mapi", "Autodiscover", "OAB", "Microsoft-Server-ActiveSync", "a", "A", "b", "c",
  "d", "e", "f", "x", "foo", "owafoo", "Calendarx", "Rpcx", "%6fwa", "%4FWA", "Calend%61r", "R%70c",
  "%u006fwa", "a.b", "exchange.asmx", "rpcproxy.dll",
};

/* The pieces of encoding tricks, appended to a segment or standing alone. */
static const char *const tricks[] = {
  ";", "%3b", "%3B", "%u003b", "%U003B", ";x", ";x=1", "%3bx", ".", "..", "%2e", "%2E%2e",
  "%u002e", "%2f", "%2F", "\\", "%5c", "%5C", "%u002f", "%u005c", "~1", "::$DATA", ":", "%3a",
  " ", "%20", "+", "%2b", "%25", "%252e", "%00", "%0d%0a", "%c0%ae", "%c0%af", "%e9", "%C3%A9",
  "%u00e9", "%uff0f", "?", "?x=/../ecp", "?@x/owa/Calendar", "#", "&", "%26", "*", "\x7f",
  "\xc3\xa9", "%", "%u", "%zz", "%u00", "//", "./", "../", "%2e%2e%2f", "..%5c", "~", "$", "'",
  "(", ")", ",", "=", "@", "!", "-", "_",
};

/* A request target: '/', then a few segments of names and tricks, with
 * letter case changed at random and the odd raw NUL. */
static size_t gen_target(char *t, size_t size) {
  size_t o = 0;
  t[o++] = '/';
  size_t nseg = 1 + below(6);
  for (size_t s = 0; s < nseg && o + 64 < size; s++) {
    const char *parts[3];
    size_t np = 0;
    size_t kind = below(10);
    if (kind < 6) {
      parts[np++] = PICK(names);
      if (below(2))
        parts[np++] = PICK(tricks);
    } else if (kind < 9) {
      parts[np++] = PICK(tricks);
      if (below(2))
        parts[np++] = PICK(names);
    } else {
      parts[np++] = PICK(names);
      parts[np++] = PICK(tricks);
      parts[np++] = PICK(names);
    }
    for (size_t k = 0; k < np; k++) {
      size_t l = strlen(parts[k]);
      memcpy(t + o, parts[k], l);
      for (size_t i = o; i < o + l; i++) /* case changes, escapes included */
        if (((t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'z') && below(8) == 0)
          t[i] ^= 0x20;
      o += l;
    }
    if (below(40) == 0)
      t[o++] = '\0';
    if (s + 1 < nseg || below(3) == 0) {
      static const char *const seps[] = {"/", "/", "/", "/", "/", "%2f", "\\", "%5c", "//"};
      const char *sep = PICK(seps);
      memcpy(t + o, sep, strlen(sep));
      o += strlen(sep);
    }
  }
  if (below(10) == 0) { /* a trailing dot or space */
    static const char *const tails[] = {".", "%2e", " ", "%20", "./", "%20/"};
    const char *tail = PICK(tails);
    memcpy(t + o, tail, strlen(tail));
    o += strlen(tail);
  }
  return o;
}

int main(void) {
  const char *cs = getenv("SSLVDIR_DIFF_COUNT"), *ss = getenv("SSLVDIR_DIFF_SEED");
  unsigned long count = cs && *cs ? strtoul(cs, NULL, 10) : 200000;
  uint64_t seed = 20260101;
  if (ss && !strcmp(ss, "time"))
    seed = (uint64_t)time(NULL);
  else if (ss && *ss)
    seed = strtoull(ss, NULL, 10);
  rng_state = seed;
  printf("differential: %lu cases per policy, seed %llu\n", count, (unsigned long long)seed);

  unsigned long passed = 0, failed = 0;
  unsigned long tally[IISM_DISAGREE + 1] = {0};
  /* Per property (a), (b), (c): how many broke it, and the shortest case. */
  unsigned long broke[3] = {0};
  static char shortest[3][2048];
  size_t shortest_len[3] = {0};
  for (size_t pi = 0; pi < iism_npolicies; pi++) {
    const iism_policy *mp = &iism_policies[pi];
    sslvdir_policy *lp = iism_build(mp);
    if (!lp) {
      failed++;
      continue;
    }
    for (unsigned long i = 0; i < count; i++) {
      char target[1024], msg[2048];
      size_t len = gen_target(target, sizeof target);
      int tls = below(3) == 0;
      const char *method = below(2) ? "GET" : "POST";
      int rc = iism_check(mp, lp, target, len, tls, method, msg, sizeof msg);
      tally[rc]++;
      if (rc != IISM_DISAGREE) {
        passed++;
        continue;
      }
      failed++;
      int k = msg[0] == '(' && msg[1] >= 'a' && msg[1] <= 'c' ? msg[1] - 'a' : 1;
      if (broke[k]++ < 2)
        printf("FAIL %s\n", msg);
      if (!shortest_len[k] || len < shortest_len[k]) {
        snprintf(shortest[k], sizeof shortest[k], "%s", msg);
        shortest_len[k] = len;
      }
    }
    sslvdir_policy_unref(lp);
  }
  for (int k = 0; k < 3; k++)
    if (broke[k])
      printf("FAIL (shortest of %lu) %s\n", broke[k], shortest[k]);
  printf("differential: %lu agree, %lu refused by both, %lu refused by the library only, "
         "%lu the model abstains on, %lu disagree\n",
         tally[IISM_AGREE], tally[IISM_BOTH_REFUSE], tally[IISM_LIB_REFUSES], tally[IISM_NO_MODEL],
         tally[IISM_DISAGREE]);
  printf("%lu passed, %lu failed\n", passed, failed);
  return failed ? 1 : 0;
}
