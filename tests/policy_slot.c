/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * A policy slot under load: reader threads acquire the policy, decide on
 * it and release it, in a loop, while the main thread builds and publishes
 * thousands of new policies. Every policy is built with a generation number
 * of its own (its trusted offloader is 10.x.y.z, the number in base 256),
 * so a reader can tell which one it holds and that it is whole:
 *
 * - each decision is the one the policy gives (an HTTP request for /owa/
 *   is redirected to https, one for /EWS/ is refused), and its vdir, a
 *   pointer into the policy, names /owa or /EWS;
 * - the policy trusts its own generation's offloader;
 * - a reader never sees an older generation after a newer one;
 * - one reader keeps the first policy it acquired through the whole run,
 *   and it must stay readable until it is released;
 * - at the end every allocation the library made has been freed: each old
 *   policy was freed by its last holder, none was freed twice (AddressSanitizer
 *   and ThreadSanitizer, see "make check-tsan", watch the same run).
 *
 * SSLVDIR_SLOT_READERS and SSLVDIR_SLOT_PUBLISHES change the load
 * (4 readers, 3,000 publishes by default).
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

/* Allocations the library made and has not freed. */
static atomic_long live;

static void *count_malloc(size_t n, void *ud) {
  (void)ud;
  void *p = malloc(n);
  if (p)
    atomic_fetch_add(&live, 1);
  return p;
}
static void *count_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  void *q = realloc(p, n);
  if (!p && q)
    atomic_fetch_add(&live, 1);
  return q;
}
static void count_free(void *p, void *ud) {
  (void)ud;
  if (p)
    atomic_fetch_sub(&live, 1);
  free(p);
}

static sslvdir_policy *build(unsigned long gen) {
  char net[32];
  snprintf(net, sizeof net, "10.%lu.%lu.%lu/32", (gen >> 16) & 255, (gen >> 8) & 255, gen & 255);
  sslvdir_builder *b;
  sslvdir_policy *p = NULL;
  sslvdir_error err;
  if (sslvdir_builder_new(&b, NULL) ||
      sslvdir_preset_apply_opts(b, gen & 1 ? "exchange2016-offload" : "exchange2016",
                                "Default Web Site", SSLVDIR_PRESET_REDIRECT, &err) ||
      sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", &err) ||
      sslvdir_builder_add_offloader(b, net, &err) || sslvdir_builder_build(b, &p, &err)) {
    fprintf(stderr, "policy_slot: cannot build policy %lu: %s\n", gen, err.message);
    p = NULL;
  }
  sslvdir_builder_free(b);
  return p;
}

/* The generation a policy was built with, or -1 when it does not say. */
static long generation(const sslvdir_policy *p) {
  const char *net = sslvdir_policy_offloader(p, 0);
  unsigned a, x, y, z;
  if (!net || sscanf(net, "%u.%u.%u.%u/32", &a, &x, &y, &z) != 4 || a != 10)
    return -1;
  return (long)(x << 16 | y << 8 | z);
}

/* Whether p is whole: decisions, its vdirs and its offloader. */
static int check(const sslvdir_policy *p, long gen, int i) {
  static _Thread_local sslvdir_decision d;
  char peer[32];
  snprintf(peer, sizeof peer, "10.%ld.%ld.%ld", (gen >> 16) & 255, (gen >> 8) & 255, gen & 255);
  if (!sslvdir_policy_is_offloader(p, peer, strlen(peer)))
    return 0;
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.method = "GET";
  r.method_len = 3;
  r.target = (i & 1) ? "/owa/" : "/EWS/Exchange.asmx";
  r.target_len = strlen(r.target);
  r.host = "mail.contoso.com";
  r.host_len = 16;
  d.version = SSLVDIR_DECISION_VERSION;
  if (sslvdir_decide(p, &r, &d) != SSLVDIR_OK ||
      d.action != ((i & 1) ? SSLVDIR_ACTION_REDIRECT : SSLVDIR_ACTION_DENY) || !d.vdir)
    return 0;
  const char *path = sslvdir_vdir_path(d.vdir);
  return path && strcmp(path, (i & 1) ? "/owa" : "/EWS") == 0;
}

typedef struct reader {
  pthread_t thread;
  int keep_first; /* holds its first policy until the end */
  long decisions, bad;
} reader;

static sslvdir_policy_slot *slot;
static atomic_int done;

static void *read_loop(void *arg) {
  reader *r = arg;
  const sslvdir_policy *first = NULL;
  long first_gen = -1, last_gen = -1;
  for (int i = 0; !atomic_load(&done) || i < 1000; i++) {
    const sslvdir_policy *p = sslvdir_policy_slot_acquire(slot);
    long gen = generation(p);
    if (!p || gen < last_gen) {
      fprintf(stderr, "policy_slot: generation %ld after %ld\n", gen, last_gen);
      r->bad++;
    }
    last_gen = gen;
    /* Hold it for a few decisions: some publishes happen meanwhile. */
    for (int k = 0; k <= i % 7; k++, r->decisions++)
      if (!check(p, gen, i + k))
        r->bad++;
    if (r->keep_first && !first) {
      first = p;
      first_gen = gen;
    } else {
      sslvdir_policy_slot_release(slot, p);
    }
    if (first && (generation(first) != first_gen || !check(first, first_gen, i)))
      r->bad++;
  }
  sslvdir_policy_slot_release(slot, first);
  return NULL;
}

static long env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && atol(v) > 0 ? atol(v) : dflt;
}

int main(void) {
  long nreaders = env_long("SSLVDIR_SLOT_READERS", 4);
  long publishes = env_long("SSLVDIR_SLOT_PUBLISHES", 3000);
  if (nreaders > 64)
    nreaders = 64;
  if (sslvdir_set_allocator(count_malloc, count_realloc, count_free, NULL) != SSLVDIR_OK)
    return 1;
  sslvdir_policy *p = build(0);
  if (!p || sslvdir_policy_slot_new(&slot, p, NULL) != SSLVDIR_OK)
    return 1;
  sslvdir_policy_unref(p); /* the slot holds it now */
  reader readers[64] = {{0}};
  for (long i = 0; i < nreaders; i++) {
    readers[i].keep_first = i == 0;
    if (pthread_create(&readers[i].thread, NULL, read_loop, &readers[i])) {
      fprintf(stderr, "policy_slot: cannot start reader %ld\n", i);
      return 1;
    }
  }
  int failed = 0;
  for (long gen = 1; gen <= publishes && !failed; gen++) {
    p = build((unsigned long)gen);
    if (!p || sslvdir_policy_slot_publish(slot, p) != SSLVDIR_OK)
      failed = 1;
    sslvdir_policy_unref(p);
  }
  atomic_store(&done, 1);
  long decisions = 0, bad = 0;
  for (long i = 0; i < nreaders; i++) {
    pthread_join(readers[i].thread, NULL);
    decisions += readers[i].decisions;
    bad += readers[i].bad;
  }
  const sslvdir_policy *last = sslvdir_policy_slot_acquire(slot);
  if (generation(last) != publishes) {
    fprintf(stderr, "policy_slot: the slot holds generation %ld, not the last published (%ld)\n",
            generation(last), publishes);
    failed = 1;
  }
  sslvdir_policy_slot_release(slot, last);
  sslvdir_policy_slot_free(slot);
  long left = atomic_load(&live);
  printf("policy_slot: %ld readers, %ld publishes, %ld decisions, %ld wrong, %ld allocations left\n",
         nreaders, publishes, decisions, bad, left);
  if (left != 0)
    fprintf(stderr, "policy_slot: %ld allocations never freed: an old policy was not released\n", left);
  return failed || bad || left != 0;
}
