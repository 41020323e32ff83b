/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Every loader grows linearly with its input: reading 8 times the input
 * (tests/loadgen.h: a .reg file, a policy file, an applicationHost.config,
 * and builder calls) must take at most 20 times as long; a loader that
 * searched linearly for duplicates, once per entry, took 64 times as long.
 * The 8x input is loaded once against the 1x input loaded 8 times, which
 * take as long when loading is linear and so meet the same disturbances on
 * a shared machine. A loader over the limit is measured again (the best
 * time of each kept) before the test fails: only a loader that is slow
 * every time is slow. About 2 s, 7 s under sanitizers on a busy machine.
 * The 1x inputs are tests/loadgen.h's lg_base.
 */
#include "config.h"

#include <time.h>

#include "loadgen.h"

#define FACTOR 8
#define LIMIT 20.0
#define ATTEMPTS 4

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One round: FACTOR loads of the 1x input, then one of the 8x input. The
 * two take as long when loading is linear, and are exposed alike to the
 * other work on the machine; the caller keeps the best of each. */
static void round_times(int which, const char *d1, size_t l1, const char *d8, size_t l8,
                        unsigned n, double *small, double *big) {
  double t0 = now();
  for (int k = 0; k < FACTOR; k++)
    lg_load(which, d1, l1, n);
  double t1 = now();
  lg_load(which, d8, l8, FACTOR * n);
  double t2 = now();
  if (t1 - t0 < *small)
    *small = t1 - t0;
  if (t2 - t1 < *big)
    *big = t2 - t1;
}

int main(void) {
  int failed = 0;
  for (int w = 0; w < LG_NLOADERS; w++) {
    size_t l1, l8;
    char *d1 = lg_make(w, lg_base[w], &l1), *d8 = lg_make(w, FACTOR * lg_base[w], &l8);
    lg_load(w, d1, l1, lg_base[w]); /* warm up: libxml2's first use, page faults */
    double small = 1e9, big = 1e9, ratio = 0;
    /* Far over the limit is quadratic, not noise: no need to wait for more. */
    for (int a = 0; a < ATTEMPTS && (a == 0 || (ratio > LIMIT && ratio <= 2 * LIMIT)); a++) {
      round_times(w, d1, l1, d8, l8, lg_base[w], &small, &big);
      ratio = FACTOR * big / (small > 0 ? small : 1e-9);
    }
    double t1 = small / FACTOR, t8 = big;
    int ok = ratio <= LIMIT;
    printf("%s %-24s 1x %8.2f ms (%zu bytes), %dx %8.2f ms: %5.1fx%s\n", ok ? "ok  " : "FAIL",
           lg_names[w], t1 * 1e3, l1, FACTOR, t8 * 1e3, ratio,
           ok ? "" : " (more than 20x: not linear)");
    failed |= !ok;
    free(d1);
    free(d8);
  }
  return failed;
}
