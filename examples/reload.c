/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * reload: a policy reloaded while requests are being decided.
 *
 * Shows the pattern README.md recommends for a proxy that reloads its
 * policy: the policy lives in a sslvdir_policy_slot; each request acquires
 * it, decides, and releases it, in any thread, without a lock; a reload
 * builds a new policy from the file and publishes it, and the old one is
 * freed by the last request that still holds it. A proxy reloads on SIGHUP;
 * here the main thread reloads the file RELOADS times in a row while THREADS
 * reader threads decide "GET URL" from PEER, the same request over and over.
 * A reload that fails (a file being rewritten, say) leaves the requests on
 * the policy they had.
 *
 * Usage: reload POLICY_FILE URL [PEER [RELOADS [THREADS]]]
 *
 *   $ ./reload ../doc/examples/exchange2016-offload.xml http://mail.contoso.com/owa/
 *   100 reloads, 0 failed; 4 readers decided 4 x 1000 or more requests: redirect 302 https://mail.contoso.com/owa/
 *
 * Exit status: 0 when every reload succeeded and every decision was the
 * same, 1 otherwise, 2 for a usage error or a first policy that cannot be
 * built.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sslvdir/sslvdir.h>

#define MIN_DECISIONS 1000 /* each reader decides at least this many requests */

struct reader {
  pthread_t thread;
  sslvdir_policy_slot *slot;
  const sslvdir_request *req;
  atomic_int *stop;
  unsigned long decisions;
  int mismatch;                 /* a decision unlike the first one */
  char first[SSLVDIR_LOCATION_BUFSZ + 64]; /* the first decision, as text */
};

/* A decision as text: "allow offload", "deny 403.4", "redirect 302 URL". */
static void describe(const sslvdir_decision *d, const sslvdir_request *req, char *out, size_t size) {
  int n;
  if (d->action == SSLVDIR_ACTION_ALLOW)
    snprintf(out, size, "allow %s", sslvdir_upstream_name(d->upstream));
  else if (d->action == SSLVDIR_ACTION_REDIRECT) {
    n = snprintf(out, size, "redirect %d ", d->status);
    if (n < 0 || (size_t)n >= size ||
        sslvdir_decision_location(d, req, out + n, size - (size_t)n, NULL) != SSLVDIR_OK)
      snprintf(out, size, "error: no Location");
  } else if (d->substatus >= 0)
    snprintf(out, size, "deny %d.%d", d->status, d->substatus);
  else
    snprintf(out, size, "deny %d", d->status);
}

/* The request loop of one worker thread of a proxy. */
static void *read_policy(void *arg) {
  struct reader *r = arg;
  sslvdir_decision d; /* small: the Location is written on demand */
  char text[sizeof r->first];
  while (r->decisions < MIN_DECISIONS || !atomic_load(r->stop)) {
    /* One policy from the start of the request to its end. */
    const sslvdir_policy *p = sslvdir_policy_slot_acquire(r->slot);
    d.version = SSLVDIR_DECISION_VERSION;
    int rc = sslvdir_decide(p, r->req, &d);
    if (rc == SSLVDIR_OK)
      describe(&d, r->req, text, sizeof text); /* reads p (d.site): before release */
    else
      snprintf(text, sizeof text, "error %s", sslvdir_strerror(rc));
    sslvdir_policy_slot_release(r->slot, p);
    if (!r->decisions++)
      memcpy(r->first, text, sizeof text);
    else if (strcmp(text, r->first))
      r->mismatch = 1;
  }
  return NULL;
}

/* A new policy from the file, or NULL (the reason on stderr). */
static sslvdir_policy *load(const char *file) {
  sslvdir_builder *b = NULL;
  sslvdir_policy *policy = NULL;
  sslvdir_error err = {0};
  int rc = sslvdir_builder_new(&b, &err);
  if (rc == SSLVDIR_OK && (rc = sslvdir_policyfile_load(b, file, &err)) == SSLVDIR_OK)
    rc = sslvdir_builder_build(b, &policy, &err);
  sslvdir_builder_free(b);
  if (rc != SSLVDIR_OK)
    fprintf(stderr, "reload: %s\n", err.message[0] ? err.message : sslvdir_strerror(rc));
  return policy;
}

static long number(const char *s, long max) {
  char *end;
  long n = strtol(s, &end, 10);
  return *end || end == s || n < 1 || n > max ? -1 : n;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 6) {
    fprintf(stderr, "usage: reload POLICY_FILE URL [PEER [RELOADS [THREADS]]]\n");
    return 2;
  }
  const char *file = argv[1], *url = argv[2], *peer = argc > 3 ? argv[3] : NULL;
  long reloads = argc > 4 ? number(argv[4], 100000) : 100;
  long nthreads = argc > 5 ? number(argv[5], 64) : 4;
  if (reloads < 0 || nthreads < 0) {
    fprintf(stderr, "reload: RELOADS is 1 to 100000, THREADS 1 to 64\n");
    return 2;
  }
  sslvdir_request req = SSLVDIR_REQUEST_INIT;
  req.method = "GET";
  req.method_len = 3;
  req.target = url; /* absolute form: the host comes from it */
  req.target_len = strlen(url);
  req.scheme = strncmp(url, "https://", 8) ? SSLVDIR_SCHEME_HTTP : SSLVDIR_SCHEME_HTTPS;
  req.cipher_bits = req.scheme == SSLVDIR_SCHEME_HTTPS ? 256 : 0;
  if (peer) {
    req.peer = peer;
    req.peer_len = strlen(peer);
  }

  /* At startup: the first policy goes into the slot, which keeps its own
   * reference. */
  sslvdir_policy *policy = load(file);
  sslvdir_policy_slot *slot = NULL;
  sslvdir_error err = {0};
  if (!policy)
    return 2;
  if (sslvdir_policy_slot_new(&slot, policy, &err) != SSLVDIR_OK) {
    fprintf(stderr, "reload: %s\n", err.message);
    sslvdir_policy_unref(policy);
    return 2;
  }
  sslvdir_policy_unref(policy);

  atomic_int stop = 0;
  struct reader *readers = calloc((size_t)nthreads, sizeof *readers);
  long started = 0;
  for (; readers && started < nthreads; started++) {
    struct reader *r = &readers[started];
    r->slot = slot;
    r->req = &req;
    r->stop = &stop;
    if (pthread_create(&r->thread, NULL, read_policy, r))
      break;
  }

  /* On each reload (SIGHUP in a proxy): build, publish, drop our reference.
   * New requests get the new policy; requests in flight keep theirs. */
  long failed = 0;
  for (long i = 0; i < reloads; i++) {
    sslvdir_policy *fresh = load(file);
    if (!fresh || sslvdir_policy_slot_publish(slot, fresh) != SSLVDIR_OK)
      failed++;
    sslvdir_policy_unref(fresh);
  }

  atomic_store(&stop, 1);
  unsigned long decisions = 0;
  int mismatch = !readers || started < nthreads;
  for (long i = 0; i < started; i++) {
    pthread_join(readers[i].thread, NULL);
    decisions += readers[i].decisions;
    mismatch |= readers[i].mismatch || strcmp(readers[i].first, readers[0].first);
  }
  /* No reader holds a policy now: the slot (and its policy) can go. */
  sslvdir_policy_slot_free(slot);
  printf("%ld reloads, %ld failed; %ld readers decided %ld x %d or more requests: %s\n", reloads,
         failed, started, started, MIN_DECISIONS,
         mismatch ? "NOT ALWAYS THE SAME" : started ? readers[0].first : "none");
  fprintf(stderr, "reload: %lu decisions in all\n", decisions);
  free(readers);
  return failed || mismatch ? 1 : 0;
}
