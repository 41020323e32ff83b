/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * bench/decide: nanoseconds per sslvdir_decide() over a corpus of Exchange
 * request targets, beside uriparser's parse + normalise of the same targets
 * in the same run, with 10 and with 1,000 vdirs, and the allocations each
 * makes. Prints figures; never fails on them (CI does not gate on time).
 *
 * usage: bench/decide [bench/targets.txt] [rounds]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sslvdir/sslvdir.h>
#include <uriparser/Uri.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static long allocs;
void *malloc(size_t n) { allocs++; return __libc_malloc(n); }
void *calloc(size_t n, size_t s) { allocs++; return __libc_calloc(n, s); }
void *realloc(void *p, size_t n) { allocs++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }

#define MAXT 20000
#define REPS 64
static char *targets[MAXT];
static size_t lens[MAXT];
static int nt;
static double per_target[MAXT];

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static sslvdir_policy *make_policy(int extra) {
  sslvdir_builder *b;
  sslvdir_policy *p;
  const char *site = "Default Web Site";
  if (sslvdir_builder_new(&b, NULL) || sslvdir_preset_apply(b, "exchange2016-offload", site, NULL) ||
      sslvdir_builder_add_host(b, site, "mail.contoso.com", NULL) ||
      sslvdir_builder_add_offloader(b, "10.0.0.0/8", NULL))
    exit(1);
  for (int i = 0; i < extra; i++) {
    char path[64];
    /* Spread over depths, and some under /owa, as real sites nest. */
    snprintf(path, sizeof path, i % 3 == 0 ? "/app%04d" : i % 3 == 1 ? "/owa/x%04d" : "/apps/a%04d/b", i);
    if (sslvdir_builder_add_vdir(b, site, path, SSLVDIR_KIND_OTHER, NULL) ||
        sslvdir_builder_set_vdir_edge_flags(b, site, path, SSLVDIR_SSL, NULL))
      exit(1);
  }
  if (sslvdir_builder_build(b, &p, NULL))
    exit(1);
  sslvdir_builder_free(b);
  return p;
}

static sslvdir_decision dec;
static volatile int sink;

static void run_sslvdir(const sslvdir_policy *p, int i) {
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.method = "GET";
  r.method_len = 3;
  r.target = targets[i];
  r.target_len = lens[i];
  r.host = "mail.contoso.com";
  r.host_len = 16;
  r.scheme = SSLVDIR_SCHEME_HTTPS;
  r.peer = "203.0.113.9";
  r.peer_len = 11;
  r.cipher_bits = 256;
  dec.version = SSLVDIR_DECISION_VERSION;
  sink += sslvdir_decide(p, &r, &dec) + dec.status;
}

static void run_uriparser(int i) {
  UriUriA uri;
  const char *err;
  if (uriParseSingleUriExA(&uri, targets[i], targets[i] + lens[i], &err) == URI_SUCCESS) {
    sink += uriNormalizeSyntaxA(&uri);
    uriFreeUriMembersA(&uri);
  }
}

struct result { double p50, p99, mean; double allocs; };

/* The engines are measured interleaved, target by target and round by
 * round, so that a busy moment of the machine weighs on all of them alike;
 * each target keeps its best batch. */
enum { E_SMALL, E_LARGE, E_URIPARSER, NENGINES };
static double best[NENGINES][MAXT];

static void run(int engine, const sslvdir_policy *small, const sslvdir_policy *large, int i) {
  if (engine == E_SMALL)
    run_sslvdir(small, i);
  else if (engine == E_LARGE)
    run_sslvdir(large, i);
  else
    run_uriparser(i);
}

static void measure(const sslvdir_policy *small, const sslvdir_policy *large, int rounds,
                    struct result res[NENGINES]) {
  for (int e = 0; e < NENGINES; e++)
    for (int i = 0; i < nt; i++)
      best[e][i] = 1e18;
  for (int round = 0; round < rounds; round++) {
    for (int i = 0; i < nt; i++) {
      for (int e = 0; e < NENGINES; e++) {
        double t0 = now_ns();
        for (int k = 0; k < REPS; k++)
          run(e, small, large, i);
        double t = (now_ns() - t0) / REPS;
        if (t < best[e][i])
          best[e][i] = t;
      }
    }
  }
  for (int e = 0; e < NENGINES; e++) {
    long a0 = allocs;
    double total = 0;
    for (int i = 0; i < nt; i++) {
      run(e, small, large, i);
      per_target[i] = best[e][i];
      total += best[e][i];
    }
    res[e].allocs = (double)(allocs - a0) / nt;
    qsort(per_target, (size_t)nt, sizeof per_target[0], cmp);
    res[e].p50 = per_target[nt / 2];
    res[e].p99 = per_target[(nt * 99) / 100];
    res[e].mean = total / nt;
  }
}

int main(int argc, char **argv) {
  const char *file = argc > 1 ? argv[1] : "bench/targets.txt";
  int rounds = argc > 2 ? atoi(argv[2]) : 7;
  FILE *f = fopen(file, "r");
  if (!f) {
    perror(file);
    return 1;
  }
  char line[8192];
  while (nt < MAXT && fgets(line, sizeof line, f)) {
    size_t l = strcspn(line, "\r\n");
    if (!l)
      continue;
    line[l] = '\0';
    targets[nt] = strdup(line);
    lens[nt++] = l;
  }
  fclose(f);
  sslvdir_policy *p10 = make_policy(0), *p1000 = make_policy(1000 - 12);
  size_t v10 = sslvdir_site_vdir_count(sslvdir_policy_site(p10, 0));
  size_t v1000 = sslvdir_site_vdir_count(sslvdir_policy_site(p1000, 0));
  struct result r[NENGINES];
  measure(p10, p1000, 1, r); /* warm up caches and the CPU clock */
  measure(p10, p1000, rounds, r);
  struct result a = r[E_SMALL], b = r[E_LARGE], u = r[E_URIPARSER];
  printf("bench/decide: %d targets from %s, best of %d interleaved rounds of %d calls per target\n\n",
         nt, file, rounds, REPS);
  printf("%-40s %9s %9s %9s %12s\n", "", "p50 ns", "p99 ns", "mean ns", "allocs/call");
  printf("%-40s %9.1f %9.1f %9.1f %12.2f\n", "sslvdir_decide, 12 vdirs (preset)", a.p50, a.p99, a.mean, a.allocs);
  char label[64];
  snprintf(label, sizeof label, "sslvdir_decide, %zu vdirs", v1000);
  printf("%-40s %9.1f %9.1f %9.1f %12.2f\n", label, b.p50, b.p99, b.mean, b.allocs);
  printf("%-40s %9.1f %9.1f %9.1f %12.2f\n", "uriparser parse + normalise (peer)", u.p50, u.p99, u.mean, u.allocs);
  printf("\nratios: sslvdir/uriparser p50 = %.2f (goal <= 0.50), p99 = %.2f\n", a.p50 / u.p50, a.p99 / u.p99);
  printf("        %zu vdirs / %zu vdirs p50 = %.2f (goal <= 1.20), mean = %.2f\n", v1000, v10,
         b.p50 / a.p50, b.mean / a.mean);
  printf("goals: p50 <= 150 ns: %s; allocations per decision: %s\n", a.p50 <= 150 ? "met" : "NOT met",
         a.allocs == 0 && b.allocs == 0 ? "none" : "SOME");
  sslvdir_policy_unref(p10);
  sslvdir_policy_unref(p1000);
  return 0;
}
