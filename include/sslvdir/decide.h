/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: the per-request decision (the hot path).
 *
 * Given what the proxy knows about a request, sslvdir_decide() says what IIS
 * would do for it: allow it (and how to reach the backend), redirect it to
 * https, or deny it with IIS's exact status and substatus.
 *
 * Fail-closed rules: a 128-bit requirement with an unknown key size is
 * denied (403.5); a request counts as TLS through an offloader only when the
 * peer is a trusted offloader and its X-Forwarded-Proto / Front-End-Https say
 * https without contradiction; a client certificate requirement is unmet
 * unless the proxy says the certificate is valid.
 *
 * Thread contract: sslvdir_decide() only reads the policy; it takes no lock,
 * does no I/O and never allocates, so any number of threads may call it on a
 * shared policy, each with its own request and decision.
 */
#ifndef SSLVDIR_DECIDE_H
#define SSLVDIR_DECIDE_H

#include <sslvdir/cert.h>
#include <sslvdir/common.h>
#include <sslvdir/path.h>
#include <sslvdir/policy.h>
#include <sslvdir/reason.h>
#include <sslvdir/vdir.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The scheme the client used at the proxy's listener. */
typedef enum sslvdir_scheme {
  SSLVDIR_SCHEME_HTTP = 0,
  SSLVDIR_SCHEME_HTTPS = 1
} sslvdir_scheme;

/* What a decision tells the proxy to do. Never renumbered. */
typedef enum sslvdir_action {
  SSLVDIR_ACTION_ALLOW = 0,    /* forward to the backend */
  SSLVDIR_ACTION_REDIRECT = 1, /* answer status with Location */
  SSLVDIR_ACTION_DENY = 2      /* answer status.substatus */
} sslvdir_action;

/* The headers a decision asks to remove or set (bit masks). */
#define SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO 1u
#define SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS 2u
/* The policy's offloader cipher header, whose name is
 * sslvdir_policy_cipher_header(): only set when the policy has one. */
#define SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER 4u

#define SSLVDIR_REQUEST_VERSION 2
/* Version 2: path and location are no longer in the decision (it was 19 KiB);
 * sslvdir_decision_location() and sslvdir_path_canonicalize() write them. */
#define SSLVDIR_DECISION_VERSION 2
/* A buffer of this size always holds a decision's Location and its NUL
 * (sslvdir_decision_location()): "https://" + host + ":port" + raw path + '?'
 * + raw query at their limits. Characters a URI cannot hold (" < > \ ^ ` { |
 * }) are percent-encoded and take three bytes; a Location that would not fit
 * then (a long query made of such characters) is not sent: the request gets
 * 403.4 instead. */
#define SSLVDIR_LOCATION_BUFSZ 6656
/* sizeof (sslvdir_decision) is at most this (88 bytes on 64-bit systems). */
#define SSLVDIR_DECISION_MAX_SIZE 256

/*
 * A request, as pointer + length pairs into the proxy's own buffers (no NUL
 * needed). A NULL pointer means "absent". Initialise with
 * SSLVDIR_REQUEST_INIT so that version is set and the rest is absent.
 */
typedef struct sslvdir_request {
  unsigned version;            /* SSLVDIR_REQUEST_VERSION */
  const char *method;          /* "GET", case-sensitive as HTTP says */
  size_t method_len;
  const char *target;          /* the raw request target, "/owa/?ae=Folder" */
  size_t target_len;
  const char *host;            /* the Host header, "mail.contoso.com:443" */
  size_t host_len;
  sslvdir_scheme scheme;       /* what the client used at the proxy */
  const char *peer;            /* the peer address as text, "192.0.2.10" */
  size_t peer_len;
  unsigned cipher_bits;        /* negotiated cipher key size in bits; 0 = unknown */
  sslvdir_cert_status client_cert;
  const char *x_forwarded_proto; /* inbound X-Forwarded-Proto, NULL if absent */
  size_t x_forwarded_proto_len;
  const char *front_end_https;   /* inbound Front-End-Https, NULL if absent */
  size_t front_end_https_len;
  /* Version 2: the inbound value of the header sslvdir_policy_cipher_header()
   * names, NULL if absent or if the policy names none. */
  const char *offload_cipher;
  size_t offload_cipher_len;
} sslvdir_request;

#define SSLVDIR_REQUEST_INIT \
  { SSLVDIR_REQUEST_VERSION, NULL, 0, NULL, 0, NULL, 0, SSLVDIR_SCHEME_HTTP, NULL, 0, 0, \
    SSLVDIR_CERT_STATUS_NONE, NULL, 0, NULL, 0, NULL, 0 }

/*
 * A decision. The caller owns it and sets version to
 * SSLVDIR_DECISION_VERSION; sslvdir_decide() fills every other field. It is
 * small (SSLVDIR_DECISION_MAX_SIZE bytes at most) and may live on any
 * thread's stack, a small one included.
 *
 * Lifetime: the pointers point into the policy (site, vdir) or to static
 * strings, so the decision is valid as long as the caller's reference to the
 * policy. It holds no pointer into the request: the Location of a redirect
 * is written on demand by sslvdir_decision_location() from the decision and
 * the same request, and the canonical path by sslvdir_path_canonicalize()
 * from the request's target (when path_len is not 0).
 */
typedef struct sslvdir_decision {
  unsigned version;            /* SSLVDIR_DECISION_VERSION, set by the caller */
  sslvdir_action action;
  int status;                  /* 301/302/307/308, 400, 403, 404; 0 when allowed;
                                * 500 after SSLVDIR_E_INVALID_ARGUMENT */
  int substatus;               /* IIS substatus (4 for 403.4), -1 when none */
  int reason;                  /* an sslvdir_reason */
  sslvdir_upstream upstream;   /* the matched vdir's; OFFLOAD when no vdir matches; AUTO when refused before matching */
  int tls;                     /* 1 when the request counts as TLS */
  const sslvdir_site *site;    /* the site chosen by Host; NULL when refused before (method, target, Host) */
  const sslvdir_vdir *vdir;    /* the matched vdir, or NULL */
  unsigned remove_headers;     /* SSLVDIR_REQUEST_HEADER_* to strip from the request */
  unsigned set_headers;        /* SSLVDIR_REQUEST_HEADER_* to add towards the backend */
  const char *x_forwarded_proto; /* value to set when the bit is in set_headers */
  const char *front_end_https;   /* value to set when the bit is in set_headers */
  size_t path_len;             /* length of the canonical path the vdir was matched
                                * with (sslvdir_path_canonicalize() of the target);
                                * 0 when refused before or while canonicalising */
  size_t location_len;         /* length of the Location of a redirect, else 0 */
} sslvdir_decision;

/**
 * sslvdir_decide - what IIS would do with a request, and how to forward it
 *
 * Canonicalises the target (sslvdir_path_canonicalize()), picks the site by
 * Host (or the absolute-form target's authority; the default site, see
 * sslvdir_policy_site(), when the host is in no namespace, and 400 when the
 * policy has none), matches the vdir (sslvdir_site_match()) and
 * applies its edge sslFlags:
 *
 * - no TLS where Ssl (or Ssl128, or a client certificate) is required:
 *   a redirect to https for GET and HEAD on vdirs that redirect, else 403.4;
 * - Ssl128 and fewer than 128 bits, or an unknown key size: 403.5. Through
 *   a trusted offloader the key size is the one its cipher header gives
 *   (offload_cipher: a cipher suite name, read as sslvdir_tls_cipher_bits()
 *   does, or a number of bits), else the minimum it enforces (see
 *   sslvdir_builder_set_offloader_cipher()), else cipher_bits;
 * - SslRequireCert and no valid certificate: 403.7, or 403.16 untrusted,
 *   403.17 expired, 403.13 revoked; with SslNegotiateCert alone, a presented
 *   but invalid certificate is denied the same way.
 *
 * The redirect Location uses the request's host only when it is in the
 * site's namespace, else the canonical host, and copies the raw path and
 * query without decoding them (the target has already been refused if it held
 * control bytes), percent-encoding the characters a URI cannot hold. An allowed request gets the vdir's upstream mode; client
 * copies of X-Forwarded-Proto and Front-End-Https are to be removed unless
 * the peer is a trusted offloader, and offloaded requests get
 * "X-Forwarded-Proto: https" and "Front-End-Https: On" (or
 * "X-Forwarded-Proto: http" when the request was not TLS). A client copy of
 * the policy's cipher header is to be removed in the same way
 * (SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER).
 *
 * Uses under 6 KiB of stack besides the decision: a decoded copy of the
 * path, never longer than the raw path's SSLVDIR_MAX_URL bytes (the
 * canonical path, up to three times as long, is not held).
 *
 * Returns: SSLVDIR_OK with *out filled for every request, refused ones
 * included; SSLVDIR_E_INVALID_ARGUMENT for NULL arguments or an unknown
 * struct version. After that error *out still refuses, so that a reused
 * decision never keeps the previous request's answer: when out is not NULL
 * and of a version the library knows (a NULL policy or request, a request
 * of an unknown version), it is filled as a deny with status 500,
 * substatus -1, reason SSLVDIR_R_NONE, upstream SSLVDIR_UPSTREAM_AUTO, site
 * and vdir NULL and no header to set or remove; a decision of an unknown
 * version (version 1, the old, larger layout, included) is not touched.
 * Requests of version 1 (without offload_cipher) are accepted.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_decide(const sslvdir_policy *policy, const sslvdir_request *request,
               sslvdir_decision *out);

/**
 * sslvdir_decision_location - the Location header of a redirect decision
 *
 * Writes the Location that decision (filled by sslvdir_decide()) sends, with
 * a NUL, into out of out_size bytes; SSLVDIR_LOCATION_BUFSZ bytes are always
 * enough, and decision->location_len + 1 exactly enough. request must be the
 * request given to sslvdir_decide(), its buffers unchanged (the Location
 * copies its path and query and maybe its host), and the policy must still
 * be held. A decision that is not a redirect has the empty Location.
 * *out_len, when not NULL, receives the length without the NUL, also when
 * out is too small, so a call with out NULL and out_size 0 measures. Like
 * sslvdir_decide(), it takes no lock and never allocates.
 *
 * Returns: SSLVDIR_OK; SSLVDIR_E_BUFFER_TOO_SMALL (out holds the empty
 * string when out_size is not 0); SSLVDIR_E_INVALID_ARGUMENT for NULL
 * arguments (out NULL with out_size above 0), an unknown struct version, or
 * a request that does not give the decision's Location (its length differs
 * from location_len). After any error out holds the empty string (when it
 * is not NULL and out_size is not 0), never a previous call's Location.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_decision_location(const sslvdir_decision *decision, const sslvdir_request *request,
                          char *out, size_t out_size, size_t *out_len);

/**
 * sslvdir_action_name - "allow", "redirect" or "deny"
 *
 * The name of a sslvdir_action value (the action member of a
 * sslvdir_decision), for logs and sslvdir(1) output.
 *
 * Returns: a static string, or NULL for an unknown value.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_action_name(int action);

/**
 * sslvdir_request_header_name - the header a SSLVDIR_REQUEST_HEADER_* bit stands for
 *
 * bit is one SSLVDIR_REQUEST_HEADER_* bit of a decision's remove_headers or
 * set_headers, not a mask of several.
 *
 * Returns: "X-Forwarded-Proto", "Front-End-Https", or NULL for anything
 * else than one of those two bits (SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER's name is
 * the policy's: sslvdir_policy_cipher_header()).
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_request_header_name(unsigned bit);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_DECIDE_H */
