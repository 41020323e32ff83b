/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The public structs as an old caller has them (doc/ABI.md). Versioned
 * structs are handed over in blocks of exactly the caller's size, so that
 * AddressSanitizer (CI runs make check under it) reports any read or write
 * past the fields of the caller's version, and inside a wrapper with a
 * canary after them, for a write that stays in the wrapper. Frozen structs
 * are checked at compile time.
 */
#include "config.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* ------------------------------------------------------- frozen layouts */

/* Frozen structs (common.h, autodiscover.h): the field order and array sizes
 * never change. Written with offsetof and alignof so that they hold on any
 * ABI; the byte counts of 64-bit Linux and BSD are checked there only. */
#define ROUND_UP(n, a) (((n) + (a) - 1) / (a) * (a))
#define FIELD_SIZE(type, field) sizeof(((type *)0)->field)

_Static_assert(offsetof(sslvdir_error, code) == 0, "sslvdir_error: code first");
_Static_assert(offsetof(sslvdir_error, line) == sizeof(int), "sslvdir_error: line after code");
_Static_assert(offsetof(sslvdir_error, column) == sizeof(int) + sizeof(unsigned),
               "sslvdir_error: column after line");
_Static_assert(offsetof(sslvdir_error, offset) ==
                   ROUND_UP(sizeof(int) + 2 * sizeof(unsigned), alignof(size_t)),
               "sslvdir_error: offset after column");
_Static_assert(offsetof(sslvdir_error, message) == offsetof(sslvdir_error, offset) + sizeof(size_t),
               "sslvdir_error: message after offset");
_Static_assert(FIELD_SIZE(sslvdir_error, message) == 256, "sslvdir_error: message[256]");
_Static_assert(sizeof(sslvdir_error) ==
                   ROUND_UP(offsetof(sslvdir_error, message) + 256, alignof(sslvdir_error)),
               "sslvdir_error: nothing after message");

_Static_assert(SSLVDIR_AUTODISCOVER_URL_BUFSZ == 320, "the candidate's URL buffer is 320 bytes");
_Static_assert(offsetof(sslvdir_autodiscover_candidate, method) == 0, "candidate: method first");
_Static_assert(FIELD_SIZE(sslvdir_autodiscover_candidate, method) == sizeof(int),
               "candidate: method is an int");
_Static_assert(offsetof(sslvdir_autodiscover_candidate, url) == sizeof(int),
               "candidate: url after method");
_Static_assert(FIELD_SIZE(sslvdir_autodiscover_candidate, url) == 320, "candidate: url[320]");
_Static_assert(sizeof(sslvdir_autodiscover_candidate) ==
                   ROUND_UP(sizeof(int) + 320, alignof(sslvdir_autodiscover_candidate)),
               "candidate: nothing after url (an array's stride)");

_Static_assert(offsetof(sslvdir_srv_record, priority) == 0, "srv_record: priority first");
_Static_assert(offsetof(sslvdir_srv_record, weight) == sizeof(unsigned),
               "srv_record: weight after priority");
_Static_assert(offsetof(sslvdir_srv_record, port) == 2 * sizeof(unsigned),
               "srv_record: port after weight");
_Static_assert(offsetof(sslvdir_srv_record, target) ==
                   ROUND_UP(3 * sizeof(unsigned), alignof(const char *)),
               "srv_record: target after port");
_Static_assert(sizeof(sslvdir_srv_record) ==
                   ROUND_UP(offsetof(sslvdir_srv_record, target) + sizeof(const char *),
                            alignof(sslvdir_srv_record)),
               "srv_record: nothing after target (an array's stride)");

/* The version 1 request ends where offload_cipher begins: old callers
 * allocate that much. The fields before it never move. */
_Static_assert(offsetof(sslvdir_request, version) == 0, "request: version first");
_Static_assert(offsetof(sslvdir_request, front_end_https_len) + sizeof(size_t) ==
                   offsetof(sslvdir_request, offload_cipher),
               "request: version 2's fields directly after version 1's");
_Static_assert(offsetof(sslvdir_decision, version) == 0, "decision: version first");
_Static_assert(offsetof(sslvdir_autodiscover_request, version) == 0,
               "autodiscover request: version first");
_Static_assert(offsetof(sslvdir_autodiscover_params, version) == 0,
               "autodiscover params: version first");

#if defined(__LP64__) && (defined(__x86_64__) || defined(__aarch64__))
/* The sizes doc/ABI.md gives for 64-bit systems. */
_Static_assert(sizeof(sslvdir_error) == 280, "sslvdir_error: 280 bytes on LP64");
_Static_assert(offsetof(sslvdir_error, message) == 24, "sslvdir_error: message at 24 on LP64");
_Static_assert(sizeof(sslvdir_autodiscover_candidate) == 324, "candidate: 324 bytes on LP64");
_Static_assert(sizeof(sslvdir_srv_record) == 24, "srv_record: 24 bytes on LP64");
_Static_assert(offsetof(sslvdir_request, offload_cipher) == 120,
               "request version 1: 120 bytes on LP64");
_Static_assert(sizeof(sslvdir_request) == 136, "request version 2: 136 bytes on LP64");
_Static_assert(sizeof(sslvdir_decision) == 88, "decision version 2: 88 bytes on LP64");
#endif

/* ---------------------------------------------------------------- helpers */

#define CANARY 0xA5
#define CANARY_LEN 64

static int canary_intact(const unsigned char *c) {
  for (size_t i = 0; i < CANARY_LEN; i++)
    if (c[i] != CANARY)
      return 0;
  return 1;
}

/* A request of version 1 in a block of exactly its size: offload_cipher and
 * what follows do not exist for it. */
#define REQUEST_V1_SIZE offsetof(sslvdir_request, offload_cipher)

static const sslvdir_request *request_v1(const char *target, const char *host, const char *peer,
                                         const char *xfp, unsigned bits) {
  /* The version 1 fields, then only their bytes into the block (the
   * compiler rightly refuses a struct access through the short block). */
  sslvdir_request full = SSLVDIR_REQUEST_INIT;
  full.version = 1;
  full.method = "GET", full.method_len = 3;
  full.target = target, full.target_len = strlen(target);
  full.host = host, full.host_len = strlen(host);
  full.peer = peer, full.peer_len = peer ? strlen(peer) : 0;
  full.cipher_bits = bits;
  full.x_forwarded_proto = xfp, full.x_forwarded_proto_len = xfp ? strlen(xfp) : 0;
  void *r = malloc(REQUEST_V1_SIZE);
  if (r)
    memcpy(r, &full, REQUEST_V1_SIZE);
  return r;
}

/* ------------------------------------------------------------- decide */

/* A version 1 request through a trusted offloader, the path that reads
 * offload_cipher in version 2: decide must not look past the old end. */
static void test_request_v1(void) {
  sslvdir_policy *p = test_policy("e16o");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  const sslvdir_request *r = request_v1("/owa/", "mail.contoso.com", "10.0.0.5", "https", 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  /* The key size is unknown (no cipher header for version 1): 403.5. */
  CU_ASSERT_EQUAL(sslvdir_decide(p, r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_DENY);
  CU_ASSERT_EQUAL(d.status, 403);
  CU_ASSERT_EQUAL(d.substatus, 5);
  CU_ASSERT_EQUAL(d.tls, 1);
  free((void *)r);
  r = request_v1("/owa/", "mail.contoso.com", "10.0.0.5", "https", 256);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  CU_ASSERT_EQUAL(sslvdir_decide(p, r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_ALLOW);
  CU_ASSERT_EQUAL(d.upstream, SSLVDIR_UPSTREAM_OFFLOAD);
  char buf[SSLVDIR_LOCATION_BUFSZ];
  size_t n = 99;
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, r, buf, sizeof buf, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(n, 0);
  free((void *)r);
  sslvdir_policy_unref(p);

  /* A redirect, whose Location is written from the old request again. */
  p = test_policy("e16+redirect");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  r = request_v1("/owa/?a=1", "mail.contoso.com", "192.0.2.10", NULL, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  CU_ASSERT_EQUAL(sslvdir_decide(p, r, &d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d.action, SSLVDIR_ACTION_REDIRECT);
  CU_ASSERT_EQUAL(sslvdir_decision_location(&d, r, buf, sizeof buf, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(buf, "https://mail.contoso.com/owa/?a=1");
  CU_ASSERT_EQUAL(n, d.location_len);
  free((void *)r);
  sslvdir_policy_unref(p);
}

/* The decision in a block of exactly its size and in a wrapper with a canary
 * after it; versions the library does not know are refused untouched. */
static void test_decision_bounds(void) {
  sslvdir_policy *p = test_policy("e16+redirect");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.method = "GET", r.method_len = 3;
  r.target = "/owa/", r.target_len = 5;
  r.host = "mail.contoso.com", r.host_len = 16;
  char buf[SSLVDIR_LOCATION_BUFSZ];
  size_t n;

  sslvdir_decision *d = malloc(sizeof *d);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  d->version = SSLVDIR_DECISION_VERSION;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(d->action, SSLVDIR_ACTION_REDIRECT);
  CU_ASSERT_EQUAL(sslvdir_decision_location(d, &r, buf, sizeof buf, &n), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(buf, "https://mail.contoso.com/owa/");
  CU_ASSERT_EQUAL(sslvdir_decide(NULL, &r, d), SSLVDIR_E_INVALID_ARGUMENT); /* the error deny */
  CU_ASSERT_EQUAL(d->status, 500);
  free(d);

  struct {
    sslvdir_decision d;
    unsigned char canary[CANARY_LEN];
  } w;
  memset(&w, CANARY, sizeof w);
  w.d.version = SSLVDIR_DECISION_VERSION;
  CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &w.d), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_decision_location(&w.d, &r, buf, sizeof buf, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_decide(p, NULL, &w.d), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT(canary_intact(w.canary));

  /* 0, the unreleased 1 and the next version: refused, not a byte written. */
  static const unsigned bad[] = {0, 1, SSLVDIR_DECISION_VERSION + 1};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(&w, CANARY, sizeof w);
    w.d.version = bad[i];
    unsigned char before[sizeof w];
    memcpy(before, &w, sizeof w);
    CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &w.d), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(sslvdir_decide(NULL, &r, &w.d), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(sslvdir_decision_location(&w.d, &r, buf, sizeof buf, &n),
                    SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(memcmp(before, &w, sizeof w), 0);
  }
  /* A request of a version the library does not know: refused. */
  static const unsigned bad_request[] = {0, SSLVDIR_REQUEST_VERSION + 1};
  for (size_t i = 0; i < sizeof bad_request / sizeof bad_request[0]; i++) {
    memset(&w, CANARY, sizeof w);
    w.d.version = SSLVDIR_DECISION_VERSION;
    r.version = bad_request[i];
    CU_ASSERT_EQUAL(sslvdir_decide(p, &r, &w.d), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(w.d.action, SSLVDIR_ACTION_DENY);
    CU_ASSERT(canary_intact(w.canary));
  }
  sslvdir_policy_unref(p);
}

/* ------------------------------------------------------- Autodiscover */

#define AD_BODY                                                                          \
  "<Autodiscover xmlns=\"" SSLVDIR_AD_NS_OUTLOOK_REQUEST "\"><Request>"                  \
  "<EMailAddress>a@contoso.com</EMailAddress>"                                          \
  "<AcceptableResponseSchema>" SSLVDIR_AD_NS_OUTLOOK_RESPONSE "</AcceptableResponseSchema>" \
  "</Request></Autodiscover>"

/* The params in a block of exactly their size, read by every writer. */
static void test_autodiscover_params_bounds(void) {
  sslvdir_policy *p = test_policy("autodiscover/policy");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  static char out[64 * 1024];
  size_t n;
  int status;
  const sslvdir_autodiscover_params init = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  sslvdir_autodiscover_params *params = malloc(sizeof *params);
  CU_ASSERT_PTR_NOT_NULL_FATAL(params);
  memcpy(params, &init, sizeof init);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_respond(p, AD_BODY, strlen(AD_BODY), params, out,
                                               sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT_PTR_NOT_NULL(mem_find(out, n, "https://mail.contoso.com/EWS/Exchange.asmx"));
  CU_ASSERT_EQUAL(sslvdir_autodiscover_json(p, "Email=a@contoso.com&Protocol=Ews", 32, params,
                                            &status, out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(status, 200);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_error(p, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, 600, params,
                                             out, sizeof out, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_settings(p, sslvdir_policy_site(p, 0),
                                                SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK,
                                                "a@contoso.com", NULL, params, out, sizeof out,
                                                &n), SSLVDIR_OK);
  /* Versions the library does not know are refused. */
  static const unsigned bad[] = {0, SSLVDIR_AUTODISCOVER_PARAMS_VERSION + 1};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    params->version = bad[i];
    CU_ASSERT_EQUAL(sslvdir_autodiscover_respond(p, AD_BODY, strlen(AD_BODY), params, out,
                                                 sizeof out, &n), SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(sslvdir_autodiscover_json(p, "Email=a@contoso.com&Protocol=Ews", 32,
                                              params, &status, out, sizeof out, &n),
                    SSLVDIR_E_INVALID_ARGUMENT);
  }
  free(params);
  sslvdir_policy_unref(p);
}

/* The parsed request in a block of exactly its size and in a wrapper with a
 * canary; versions the library does not know are refused untouched. */
static void test_autodiscover_request_bounds(void) {
  sslvdir_autodiscover_request *req = malloc(sizeof *req);
  CU_ASSERT_PTR_NOT_NULL_FATAL(req);
  const sslvdir_autodiscover_request init = SSLVDIR_AUTODISCOVER_REQUEST_INIT;
  memcpy(req, &init, sizeof init);
  CU_ASSERT_EQUAL(req->version, SSLVDIR_AUTODISCOVER_REQUEST_VERSION);
  CU_ASSERT_STRING_EQUAL(req->email, "");
  CU_ASSERT_EQUAL(sslvdir_autodiscover_parse_request(AD_BODY, strlen(AD_BODY), req, NULL),
                  SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(req->email, "a@contoso.com");
  CU_ASSERT_EQUAL(req->schema, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_parse_request("x", 1, req, NULL), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(req->error, 600);
  free(req);

  struct {
    sslvdir_autodiscover_request req;
    unsigned char canary[CANARY_LEN];
  } w;
  memset(&w, CANARY, sizeof w);
  w.req.version = SSLVDIR_AUTODISCOVER_REQUEST_VERSION;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_parse_request(AD_BODY, strlen(AD_BODY), &w.req, NULL),
                  SSLVDIR_OK);
  CU_ASSERT(canary_intact(w.canary));
  static const unsigned bad[] = {0, SSLVDIR_AUTODISCOVER_REQUEST_VERSION + 1};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(&w, CANARY, sizeof w);
    w.req.version = bad[i];
    unsigned char before[sizeof w];
    memcpy(before, &w, sizeof w);
    CU_ASSERT_EQUAL(sslvdir_autodiscover_parse_request(AD_BODY, strlen(AD_BODY), &w.req, NULL),
                    SSLVDIR_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(memcmp(before, &w, sizeof w), 0);
  }
}

void suite_layout(void) {
  CU_pSuite s = CU_add_suite("layout", NULL, NULL);
  CU_add_test(s, "a version 1 request of its old size", test_request_v1);
  CU_add_test(s, "the decision: exact size, canary, unknown versions", test_decision_bounds);
  CU_add_test(s, "Autodiscover params of their exact size", test_autodiscover_params_bounds);
  CU_add_test(s, "the Autodiscover request: exact size, canary, unknown versions",
              test_autodiscover_request_bounds);
}
