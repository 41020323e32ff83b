/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: rewriting what an offloaded backend sends back.
 *
 * Behind an SSL offloader the backend sees plain HTTP and writes http://
 * links to itself into its responses; the client speaks https and cannot use
 * them. These functions turn http://<our host> into https://<our host> in
 * response headers and bodies, and add Secure to cookies, without touching
 * anything that is not ours: a host is ours only when the policy lists it.
 *
 * Thread contract: sslvdir_rewrite_header() only reads the policy and is
 * thread-safe. A sslvdir_rewriter is one body stream at a time: use one per
 * thread (or per connection); it never allocates after its configuration,
 * and it does not refer to the policy it was made from.
 */
#ifndef SSLVDIR_REWRITE_H
#define SSLVDIR_REWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <sslvdir/common.h>
#include <sslvdir/policy.h>
#include <sslvdir/vdir.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The response headers that sslvdir_rewrite_header() knows. Values are never
 * renumbered. */
typedef enum sslvdir_response_header {
  SSLVDIR_RESPONSE_HEADER_OTHER = 0,            /* left alone */
  SSLVDIR_RESPONSE_HEADER_LOCATION = 1,         /* Location */
  SSLVDIR_RESPONSE_HEADER_CONTENT_LOCATION = 2, /* Content-Location */
  SSLVDIR_RESPONSE_HEADER_REFRESH = 3,          /* Refresh: "0; URL=..." */
  SSLVDIR_RESPONSE_HEADER_SET_COOKIE = 4        /* Set-Cookie: gains Secure */
} sslvdir_response_header;

/* What the rewriting functions return when they succeed. */
#define SSLVDIR_REWRITE_UNCHANGED 0 /* nothing of ours: the input stands */
#define SSLVDIR_REWRITE_CHANGED 1   /* the output differs from the input */

/**
 * sslvdir_rewrite_header_kind - which header a name is
 *
 * The comparison is case-insensitive and exact: "Location", "location",
 * "Content-Location", "Refresh", "Set-Cookie". name need not be
 * NUL-terminated.
 *
 * Returns: the kind, SSLVDIR_RESPONSE_HEADER_OTHER for any other name or NULL.
 * Since: 0.1
 */
SSLVDIR_EXTERN sslvdir_response_header sslvdir_rewrite_header_kind(const char *name, size_t len);

/**
 * sslvdir_rewrite_header - make a response header fit an https client
 *
 * For Location and Content-Location, an absolute "http://host[:80]/..." or a
 * scheme-relative "//host[:80]/..." whose host is one of the policy's host
 * names (any case, one trailing dot) becomes "https://host[:port]/...", with
 * the https port of that host's site (no port for 443); the host is kept as
 * written and the rest of the value is copied byte for byte. For Refresh the
 * same is done to the URL after "delay;" ("0; URL=...", quoted or not).
 * Left alone, as not ours: another host or port
 * ("http://mail.contoso.com.evil.example/",
 * "http://mail.contoso.com:8080/"), a host only named in the query, any
 * userinfo ("http://mail.contoso.com@evil.example/"), a backslash in the
 * authority (parsers disagree on where it ends), relative references,
 * https and other schemes. A scheme-relative reference is already https to
 * the client, so it changes only when it names port 80 or the site's https
 * port is not 443.
 *
 * For Set-Cookie, "; Secure" is appended unless the cookie already has a
 * Secure attribute (a cookie named "Secure" or a value holding "secure" does
 * not count), and unless vdir is set and was configured without it (see
 * sslvdir_builder_set_vdir_secure_cookies()). A trailing ";" is completed
 * rather than doubled. vdir may be NULL: cookies then always gain Secure.
 * Call this only for responses to clients that reached the proxy over TLS.
 *
 * The result goes to out, which may be value itself (rewriting in place,
 * out_size being the capacity of that buffer); any other overlap is
 * undefined. out is not NUL-terminated and is not written unless the result
 * is SSLVDIR_REWRITE_CHANGED. *out_len receives the length of the result
 * (the input length when unchanged), also when out is too small, so a call
 * with out_size 0 measures. Nothing is allocated.
 *
 * Returns: SSLVDIR_REWRITE_CHANGED, SSLVDIR_REWRITE_UNCHANGED (also for
 * SSLVDIR_RESPONSE_HEADER_OTHER and unknown kinds), SSLVDIR_E_BUFFER_TOO_SMALL, SSLVDIR_E_SYNTAX (the
 * value holds a control character other than tab: CR, LF and NUL would let
 * a header be split, so such a value is never copied) or
 * SSLVDIR_E_INVALID_ARGUMENT (policy, value or out_len NULL, or out NULL with
 * out_size above 0). A kind that is none of sslvdir_response_header's is
 * left unchanged, as OTHER is, so that a kind a later release adds passes
 * through this one untouched.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_rewrite_header(const sslvdir_policy *policy, const sslvdir_vdir *vdir,
                       sslvdir_response_header kind, const char *value, size_t len, char *out,
                       size_t out_size, size_t *out_len);

/* ------------------------------------------------------------------ bodies */

typedef struct sslvdir_rewriter sslvdir_rewriter;

/* Receives output from a body rewriter: len bytes at data, valid only during
 * the call. Return 0 to go on, anything else to stop the stream. */
typedef int (*sslvdir_write_fn)(const char *data, size_t len, void *user_data);

/* What sslvdir_rewriter_begin() says about a body. Values are never
 * renumbered. */
typedef enum sslvdir_body_mode {
  SSLVDIR_BODY_REWRITE = 0,     /* rewritten: its length may change */
  SSLVDIR_BODY_PASS_TYPE = 1,   /* a content type not handled: passed as is */
  SSLVDIR_BODY_PASS_ENCODED = 2 /* Content-Encoding not identity: passed as is */
} sslvdir_body_mode;

/* The most hosts and literal pairs one rewriter holds, and the longest
 * literal. */
#define SSLVDIR_REWRITER_MAX_HOSTS 256
#define SSLVDIR_REWRITER_MAX_LITERALS 64
#define SSLVDIR_REWRITER_MAX_LITERAL 1024

/**
 * sslvdir_rewriter_new - a streaming rewriter for response bodies
 *
 * With a policy, every host name of every site is copied, each with its
 * site's https port: the rewriter keeps no reference to the policy, which
 * may be released or freed while the rewriter is in use (a body that
 * outlives the request's policy). policy may be NULL and hosts added with
 * sslvdir_rewriter_add_host(). The rewriter replaces "http://<host>" by
 * "https://<host>[:port]" (and the JSON-escaped "http:\/\/<host>" by
 * "https:\/\/<host>[:port]"), where the scheme and host match in any case,
 * the host is kept as written, an explicit ":80" (or ":") is dropped, and
 * the authority must certainly end there: at '/', '?', '#', "\/", the end
 * of the body, or the quote or parenthesis that opened the link. Not at
 * '<': readers of an element's text join it across tags, comments and
 * CDATA sections, so "http://<host>:80<![CDATA[.evil.example/]]>" is left
 * as it came, and so is "<p>http://<host></p>". Anything else is not ours
 * and left alone: "http://<host>.evil.example", "http://<host>:80.evil.example",
 * "http://<host>&#46;evil", "http://<host>:8080", "http://<host>@evil",
 * "http://<host> x@evil", "xhttp://<host>" and "http://http://<host>". It
 * handles text/html, text/xml, application/xml, application/json and
 * text/javascript until sslvdir_rewriter_set_types() says otherwise.
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_RANGE (too many hosts);
 * SSLVDIR_E_NOMEM; SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_rewriter_new(sslvdir_rewriter **out,
                                                            const sslvdir_policy *policy,
                                                            sslvdir_error *err);

/**
 * sslvdir_rewriter_free - free a body rewriter
 *
 * Bytes it still holds back (see sslvdir_rewriter_finish()) are dropped.
 * NULL is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_rewriter_free(sslvdir_rewriter *rewriter);

/**
 * sslvdir_rewriter_add_host - rewrite links to one more host name
 *
 * host is a DNS name or a bracketed IPv6 literal, without port; https_port is
 * the port the client reaches over https (443 is written as no port). Adding
 * a host that is there already changes its port. Configuration, not the hot
 * path: this may allocate, and must not be called while a stream holds bytes.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX (host), SSLVDIR_E_RANGE (port 0 or
 * above 65535, too many hosts), SSLVDIR_E_INCONSISTENT (a stream holds
 * bytes), SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_rewriter_add_host(sslvdir_rewriter *rewriter,
                                                                 const char *host,
                                                                 unsigned https_port,
                                                                 sslvdir_error *err);

/**
 * sslvdir_rewriter_add_literal - replace one more byte string
 *
 * Every occurrence of from (compared byte for byte, case-sensitive) is
 * replaced by to. At any position the longest match wins, a literal before
 * a host link of the same length; the text a replacement writes is never
 * searched again. from must not be empty; both are at most
 * SSLVDIR_REWRITER_MAX_LITERAL bytes and may hold any byte.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_RANGE (empty or too long, too many),
 * SSLVDIR_E_DUPLICATE (the same from twice), SSLVDIR_E_INCONSISTENT (a
 * stream holds bytes), SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_rewriter_add_literal(sslvdir_rewriter *rewriter, const char *from, size_t from_len,
                             const char *to, size_t to_len, sslvdir_error *err);

/**
 * sslvdir_rewriter_set_types - the media types whose bodies are rewritten
 *
 * types is a comma-separated list of "type/subtype" names ("text/html,
 * application/json"), compared case-insensitively with the media type of
 * Content-Type (its parameters ignored); NULL restores the default list, ""
 * rewrites nothing.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_SYNTAX (an entry is not type/subtype),
 * SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_rewriter_set_types(sslvdir_rewriter *rewriter,
                                                                  const char *types,
                                                                  sslvdir_error *err);

/**
 * sslvdir_rewriter_begin - start a body, and say whether it is rewritten
 *
 * content_type and content_encoding are the response's header values
 * (pointer and length; NULL for an absent header). A body is rewritten only
 * when its media type is in the list and its Content-Encoding is absent,
 * empty or "identity": rewriting compressed bytes would corrupt them, so any
 * other coding (gzip, br, a list) passes through untouched, as does a body
 * without Content-Type. In the pass modes sslvdir_rewriter_feed() writes
 * every chunk as it came.
 *
 * In SSLVDIR_BODY_REWRITE mode the length of the body may change. A proxy
 * that streams must then drop Content-Length and send the body chunked
 * (HTTP/1.1) or let the stream's end delimit it (HTTP/2); one that has the
 * whole body can call sslvdir_rewriter_rewrite() and set the new length.
 *
 * Returns: the sslvdir_body_mode (0 or above), SSLVDIR_E_INCONSISTENT when
 * the previous body still holds bytes (call sslvdir_rewriter_finish() or
 * sslvdir_rewriter_reset() first), SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_rewriter_begin(sslvdir_rewriter *rewriter, const char *content_type, size_t ct_len,
                       const char *content_encoding, size_t ce_len);

/**
 * sslvdir_rewriter_feed - rewrite the next chunk of a body
 *
 * Chunks may have any size, down to one byte; a link cut across chunks is
 * found, and the output is the same bytes whatever the chunking. write is
 * called zero or more times with the output; bytes that may start a link are
 * held back until the next chunk decides (at most the length of the longest
 * host link plus five bytes, or of the longest literal) and are written by a
 * later feed or by sslvdir_rewriter_finish(). Nothing is allocated.
 *
 * If write returns non-zero the rewriter stops, is reset (held bytes are
 * dropped) and SSLVDIR_E_CALLBACK is returned.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_CALLBACK, SSLVDIR_E_INVALID_ARGUMENT
 * (rewriter or write NULL, or data NULL with len above 0).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_rewriter_feed(sslvdir_rewriter *rewriter,
                                                             const char *data, size_t len,
                                                             sslvdir_write_fn write,
                                                             void *user_data);

/**
 * sslvdir_rewriter_finish - end a body: write what is held back
 *
 * The rewriter is then ready for sslvdir_rewriter_begin(); its counts stay
 * until then.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_CALLBACK, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_rewriter_finish(sslvdir_rewriter *rewriter,
                                                               sslvdir_write_fn write,
                                                               void *user_data);

/**
 * sslvdir_rewriter_reset - drop the current body
 *
 * Held bytes are discarded and the counts cleared; the mode stays what the
 * last sslvdir_rewriter_begin() said. NULL is ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_rewriter_reset(sslvdir_rewriter *rewriter);

/**
 * sslvdir_rewriter_counts - what the current body has done so far
 *
 * bytes_in counts bytes fed, bytes_out bytes written, replacements the links
 * and literals replaced; when bytes_in and bytes_out differ after
 * sslvdir_rewriter_finish(), the length changed. Any pointer may be NULL.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_rewriter_counts(const sslvdir_rewriter *rewriter, uint64_t *bytes_in,
                                            uint64_t *bytes_out, uint64_t *replacements);

/**
 * sslvdir_rewriter_rewrite - rewrite a whole body into a buffer
 *
 * The body is rewritten as one stream in the mode of the last
 * sslvdir_rewriter_begin() (a new rewriter rewrites), into out. *out_len
 * receives the length of the result, also when out is too small (out then
 * holds zeros, never a cut page), so a call with out_size 0 gives the new
 * Content-Length.
 * out must not overlap body. A rewriter that holds bytes of a streamed body
 * is refused.
 *
 * Returns: SSLVDIR_REWRITE_CHANGED, SSLVDIR_REWRITE_UNCHANGED (out then holds
 * a copy of body), SSLVDIR_E_BUFFER_TOO_SMALL, SSLVDIR_E_INCONSISTENT,
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_rewriter_rewrite(sslvdir_rewriter *rewriter,
                                                                const char *body, size_t len,
                                                                char *out, size_t out_size,
                                                                size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_REWRITE_H */
