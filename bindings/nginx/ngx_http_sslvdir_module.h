/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * ngx_http_sslvdir_module.h: what the module's source files share (the
 * configuration structures, a request's decision and how to find it).
 */

#ifndef NGX_HTTP_SSLVDIR_MODULE_H
#define NGX_HTTP_SSLVDIR_MODULE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <sslvdir/decide.h>
#include <sslvdir/options.h>
#include <sslvdir/policy.h>
#include <sslvdir/rewrite.h>

typedef struct {
    sslvdir_policy_options  *options;  /* the policy directives, until built */
    sslvdir_policy          *policy;   /* this cycle's policy, or NULL */
    ngx_array_t             *where;    /* each policy directive's file and line, until built */
    ngx_uint_t               enabled;  /* some server or location says "sslvdir on" */
    u_char                  *cipher_header_lc; /* the policy's cipher header, lower case */
    size_t                   cipher_header_len;
    sslvdir_rewriter        *probe;    /* asks whether a response's type is
                                          rewritten, before one is made */
} ngx_http_sslvdir_main_conf_t;

typedef struct {
    ngx_flag_t               enable;
    ngx_flag_t               debug_headers;
    ngx_flag_t               rewrite_body;
} ngx_http_sslvdir_loc_conf_t;

/* A response's body rewriting (ngx_http_sslvdir_body.c). */
typedef struct ngx_http_sslvdir_body_s  ngx_http_sslvdir_body_t;

/* What the Autodiscover handler did with a request ($sslvdir_autodiscover). */
#define NGX_HTTP_SSLVDIR_AD_ANSWERED  1   /* answered at the proxy */
#define NGX_HTTP_SSLVDIR_AD_ROUTED    2   /* handed to the named location */

/* One request's decision (a main request's or a subrequest's), for the
 * variables and the log. It survives internal redirects (found again
 * through the pool cleanup, as the realip module does), so that a request
 * whose URI has not changed (a named location) is not decided twice; a new
 * URI (a rewrite, error_page or X-Accel-Redirect to a URI, try_files'
 * fallback) is decided again, with what the client sent, kept here. */
typedef struct {
    sslvdir_decision         d;
    const sslvdir_policy    *policy;
    ngx_http_sslvdir_body_t *body;     /* NULL unless the body is rewritten */
    ngx_http_request_t      *r;        /* the request decided: subrequests share the pool */
    sslvdir_request          client;   /* Host, peer, TLS and offload headers the
                                        * client sent (no method or target) */
    ngx_list_t               headers;  /* the client's header list, before any edit; a main
                                        * request's in-place edits make some of its
                                        * elements the module's own (dropped or
                                        * overwritten when decided again) */
    ngx_str_t                uri;      /* nginx's URI and arguments when decided (a copy) */
    ngx_str_t                args;
    ngx_str_t                target;   /* the origin-form target decided: the
                                        * client's, or nginx's URI escaped */
    ngx_uint_t               autodiscover; /* NGX_HTTP_SSLVDIR_AD_*, or 0 */
} ngx_http_sslvdir_ctx_t;

extern ngx_module_t  ngx_http_sslvdir_module;

/* The request's own decision, or NULL when the policy did not decide it
 * (not enabled there, or answered before the preaccess phase). Found again
 * after an internal redirect. */
ngx_http_sslvdir_ctx_t *ngx_http_sslvdir_get_ctx(ngx_http_request_t *r);

/* Installs the body filter (and the header filter that decides whether a
 * body is rewritten); from the module's postconfiguration. */
ngx_int_t ngx_http_sslvdir_body_init(ngx_conf_t *cf);

/* The Autodiscover content handler: the body filter knows its answers by it
 * (the library's documents carry no http:// link to rewrite). */
ngx_int_t ngx_http_sslvdir_ad_handler(ngx_http_request_t *r);

#endif /* NGX_HTTP_SSLVDIR_MODULE_H */
