/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The policy slot: a proxy swaps in a new policy while requests are reading
 * the old one, with no lock and no allocation on the request's side.
 *
 * Why a slot at all: "load the shared pointer, then sslvdir_policy_ref()" is
 * not safe, because between the load and the ref a publisher can swap the
 * pointer and drop the last reference, and the ref then lands on freed
 * memory. Once a request holds a reference all is well (the policy is
 * immutable and lives until its last reference goes), so the whole problem
 * is that one step: load, then ref.
 *
 * The scheme: the load-and-ref window is guarded by two reader counters and
 * a phase (the two counters of sleepable RCU, over that window only). A
 * request
 *   1. reads the phase and increments counter[phase & 1],
 *   2. loads the pointer and takes a reference to the policy,
 *   3. decrements the counter it incremented.
 * A publisher, under the slot's mutex,
 *   1. exchanges the pointer for the new policy,
 *   2. for each counter in turn, advances the phase (new requests then count
 *      in the other counter) and waits until that counter is zero,
 *   3. drops the slot's reference to the old policy.
 * Every atomic operation on the counters, the phase and the pointer is
 * sequentially consistent, so they fall into one total order. A request that
 * loaded the old pointer had incremented its counter before the exchange, so
 * either counter the publisher then waits on holds it, until its decrement,
 * which follows its ref: the old reference is never dropped before that
 * request's own is taken. A counter reaching zero means every request counted
 * in it earlier has left. The wait is bounded: when it starts, only requests
 * that read the phase before it advanced can still count in that counter,
 * each for one load and one increment; later ones count in the other one.
 * (One counter would be as safe, but under constant load it might never be
 * seen at zero. Waiting on one counter after one advance is not enough: a
 * request may read the phase, stall, and count in a counter the publisher
 * has already waited on, while still able to load the old pointer.)
 *
 * Cost to a request: three atomic read-modify-writes to acquire (counter up,
 * reference, counter down), one to release. A request may keep its policy
 * for as long as it likes, since it holds a reference: publishers wait only
 * for requests inside sslvdir_policy_slot_acquire(), never for a request.
 *
 * Rejected: a pointer and a counter packed into one word (split reference
 * counts) need a double-width compare-and-swap or spare pointer bits, which
 * C11 does not promise; hazard pointers need each reader thread registered,
 * or a fixed array of them that readers claim, which either limits the
 * number of reader threads or makes a reader wait.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>

#include "internal.h"

struct sslvdir_policy_slot {
  sslvdir_policy *_Atomic current; /* holds one reference of the slot's own */
  atomic_uint phase;               /* readers count in readers[phase & 1] */
  /* Every request writes the counters; the pointer and the phase change
   * only on publish: a cache line apart, a request's writes do not evict
   * the line every other request reads. */
  char gap[64];
  atomic_uint readers[2];
  pthread_mutex_t publish; /* one publisher at a time */
};

SSLVDIR_EXTERN int sslvdir_policy_slot_new(sslvdir_policy_slot **out, sslvdir_policy *initial,
                                           sslvdir_error *err) {
  if (!out)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "policy slot: NULL argument");
  *out = NULL;
  if (!initial)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "policy slot: NULL initial policy");
  sslvdir_policy_slot *s = sv_calloc(1, sizeof *s);
  if (!s)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  if (pthread_mutex_init(&s->publish, NULL)) {
    sv_free(s);
    /* what it can fail for is a lack of resources */
    return sv_err(err, SSLVDIR_E_NOMEM, "policy slot: no resources for its mutex");
  }
  atomic_init(&s->phase, 0);
  atomic_init(&s->readers[0], 0);
  atomic_init(&s->readers[1], 0);
  atomic_init(&s->current, sslvdir_policy_ref(initial));
  *out = s;
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN void sslvdir_policy_slot_free(sslvdir_policy_slot *s) {
  if (!s)
    return;
  sslvdir_policy_unref(atomic_load(&s->current));
  pthread_mutex_destroy(&s->publish);
  sv_free(s);
}

SSLVDIR_EXTERN int sslvdir_policy_slot_publish(sslvdir_policy_slot *s, sslvdir_policy *policy) {
  if (!s || !policy)
    return SSLVDIR_E_INVALID_ARGUMENT;
  pthread_mutex_lock(&s->publish);
  sslvdir_policy *old = atomic_exchange(&s->current, sslvdir_policy_ref(policy));
  for (int round = 0; round < 2; round++) {
    unsigned drain = atomic_fetch_add(&s->phase, 1) & 1;
    while (atomic_load(&s->readers[drain]))
      sched_yield(); /* a reader between its counter and its ref: a few instructions */
  }
  pthread_mutex_unlock(&s->publish);
  sslvdir_policy_unref(old); /* freed here, or by the last request holding it */
  return SSLVDIR_OK;
}

SSLVDIR_EXTERN const sslvdir_policy *sslvdir_policy_slot_acquire(sslvdir_policy_slot *s) {
  if (!s)
    return NULL;
  unsigned i = atomic_load(&s->phase) & 1;
  atomic_fetch_add(&s->readers[i], 1);
  sslvdir_policy *p = sslvdir_policy_ref(atomic_load(&s->current));
  atomic_fetch_sub(&s->readers[i], 1);
  return p;
}

SSLVDIR_EXTERN void sslvdir_policy_slot_release(sslvdir_policy_slot *s, const sslvdir_policy *p) {
  SV_UNUSED(s); /* kept so that another scheme can need it without an ABI change */
  /* The reference acquire took; the policy is immutable, the count is not. */
  sslvdir_policy_unref((sslvdir_policy *)p);
}
