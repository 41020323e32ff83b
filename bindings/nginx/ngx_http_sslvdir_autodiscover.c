/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * ngx_http_sslvdir_autodiscover: the Autodiscover content handler of the
 * sslvdir nginx module, the library's answers (sslvdir_autodiscover_*(3))
 * sent by nginx, as the HAProxy plugin's Autodiscover service sends them.
 *
 *   location /autodiscover/ {
 *       client_max_body_size 64k;
 *       sslvdir_autodiscover @exchange;   # or alone: every answer here
 *   }
 *
 * The request has been decided by the policy first (the directive turns
 * "sslvdir on" for its location): the port-80 redirect site's 302, and the
 * SSL policy's refusals, were answered in the preaccess phase. What is let
 * through is answered here:
 *
 * - .../autodiscover.json (the query form, ?Email=ADDRESS&Protocol=..., and
 *   the path form Outlook 2016 and later send first, .../v1.0/ADDRESS) with
 *   the library's JSON and status, whatever the method;
 * - POST .../autodiscover.xml (POX) with the library's document, the body
 *   read with nginx's own request-body API: bounded by client_max_body_size
 *   (nginx answers 413 past it, for a chunked body too), at most
 *   SSLVDIR_AUTODISCOVER_MAX_BODY + 1 bytes of it looked at (a longer body
 *   is the library's error 600);
 * - other methods get 405 with "Allow: POST".
 *
 * Every answer waits for the request's whole body, read and bounded as
 * above (see ngx_http_sslvdir_ad_handler() for why it is not discarded).
 *
 * With a named location, POX requests the proxy cannot answer as well as
 * Exchange (settings, which Outlook desktop needs from the directory, and
 * addresses the policy does not know) and other methods go there: the
 * proxy answers JSON, redirectAddr, redirectUrl and errors 600 and 601 only,
 * as the plugin's lua.sslvdir-autodiscover-route action chooses. Unlike
 * HAProxy's buffered body, nginx's is always whole when read (a chunked body
 * is read to its end), so a body of unknown length is answered, not refused.
 */

#include "ngx_http_sslvdir_module.h"

#include <sslvdir/autodiscover.h>
#include <sslvdir/path.h>

typedef struct {
    ngx_flag_t   enable;
    ngx_str_t    forward;   /* the named location, or empty: answer all */
} ngx_http_sslvdir_ad_loc_conf_t;

/* A named location sslvdir_autodiscover routes to, checked once nginx
 * knows every server's named locations. */
typedef struct {
    ngx_http_core_srv_conf_t  *cscf;
    ngx_str_t                  name;
    ngx_str_t                  file;
    ngx_uint_t                 line;
} ngx_http_sslvdir_ad_route_t;

typedef struct {
    ngx_array_t  routes;    /* of ngx_http_sslvdir_ad_route_t */
} ngx_http_sslvdir_ad_main_conf_t;

static ngx_int_t ngx_http_sslvdir_ad_init(ngx_conf_t *cf);
static void *ngx_http_sslvdir_ad_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_sslvdir_ad_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_sslvdir_ad_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static char *ngx_http_sslvdir_ad(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

static ngx_command_t ngx_http_sslvdir_ad_commands[] = {

    { ngx_string("sslvdir_autodiscover"),
      NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS | NGX_CONF_TAKE1,
      ngx_http_sslvdir_ad,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    ngx_null_command
};

static ngx_http_module_t ngx_http_sslvdir_ad_module_ctx = {
    NULL,                                /* preconfiguration */
    ngx_http_sslvdir_ad_init,            /* postconfiguration */
    ngx_http_sslvdir_ad_create_main_conf, /* create main configuration */
    NULL,                                /* init main configuration */
    NULL,                                /* create server configuration */
    NULL,                                /* merge server configuration */
    ngx_http_sslvdir_ad_create_loc_conf, /* create location configuration */
    ngx_http_sslvdir_ad_merge_loc_conf   /* merge location configuration */
};

ngx_module_t ngx_http_sslvdir_autodiscover_module = {
    NGX_MODULE_V1,
    &ngx_http_sslvdir_ad_module_ctx,     /* module context */
    ngx_http_sslvdir_ad_commands,        /* module directives */
    NGX_HTTP_MODULE,                     /* module type */
    NULL,                                /* init master */
    NULL,                                /* init module */
    NULL,                                /* init process */
    NULL,                                /* init thread */
    NULL,                                /* exit thread */
    NULL,                                /* exit process */
    NULL,                                /* exit master */
    NGX_MODULE_V1_PADDING
};

/* What the proxy answers in routing mode: the library's own elements (every
 * value taken from the request is escaped in its documents, so a client
 * cannot make its address look like one of these). The plugin's list. */
static const char *ngx_http_sslvdir_ad_answered[] = {
    "<Action>redirectAddr</Action>", "<Action>redirectUrl</Action>", "<Redirect>",
    "<ErrorCode>600</ErrorCode>", "<ErrorCode>601</ErrorCode>", NULL
};

static ngx_str_t  ngx_http_sslvdir_ad_xml = ngx_string("text/xml; charset=utf-8");
static ngx_str_t  ngx_http_sslvdir_ad_json = ngx_string("application/json; charset=utf-8");
static ngx_str_t  ngx_http_sslvdir_ad_text = ngx_string("text/plain");


/* ------------------------------------------------------------ configuration */

static void *
ngx_http_sslvdir_ad_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_sslvdir_ad_main_conf_t  *amcf;

    amcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_sslvdir_ad_main_conf_t));
    if (amcf == NULL) {
        return NULL;
    }
    if (ngx_array_init(&amcf->routes, cf->pool, 2, sizeof(ngx_http_sslvdir_ad_route_t))
        != NGX_OK)
    {
        return NULL;
    }

    return amcf;
}


/* Every "sslvdir_autodiscover @name" names a location of its server: nginx
 * would answer 500 at run time, for Outlook's every POX request, where the
 * name is not. Named locations are known once the http block has been
 * read (nginx sorts them into each server before the postconfiguration
 * handlers run). */
static ngx_int_t
ngx_http_sslvdir_ad_init(ngx_conf_t *cf)
{
    ngx_http_sslvdir_ad_main_conf_t   *amcf;
    ngx_http_sslvdir_ad_route_t       *route;
    ngx_http_core_loc_conf_t         **named;
    ngx_uint_t                         i;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sslvdir_autodiscover_module);
    route = amcf->routes.elts;

    for (i = 0; i < amcf->routes.nelts; i++) {
        named = route[i].cscf->named_locations;
        for (/* void */; named && *named; named++) {
            if ((*named)->name.len == route[i].name.len
                && ngx_strncmp((*named)->name.data, route[i].name.data, route[i].name.len) == 0)
            {
                break;
            }
        }
        if (named == NULL || *named == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"sslvdir_autodiscover\" in %V:%ui names \"%V\", which is not a "
                          "named location of its server", &route[i].file, route[i].line,
                          &route[i].name);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static void *
ngx_http_sslvdir_ad_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_sslvdir_ad_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_sslvdir_ad_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }
    conf->enable = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_sslvdir_ad_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_sslvdir_ad_loc_conf_t  *conf = child;
    ngx_http_core_loc_conf_t        *clcf;

    /* A content handler belongs to its own location: not inherited. */
    (void) parent;
    if (conf->enable != 1) {
        return NGX_CONF_OK;
    }

    /* The core module's location configuration is merged before this
     * module's. Unlimited, a chunked body would be read to its end, to
     * disk: Autodiscover requests are under 1 KB. */
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    if (clcf->client_max_body_size == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"sslvdir_autodiscover\" in location \"%V\" with "
                           "client_max_body_size 0 (unlimited): set "
                           "\"client_max_body_size 64k;\" in that location", &clcf->name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}



static char *
ngx_http_sslvdir_ad(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sslvdir_ad_loc_conf_t   *alcf = conf;
    ngx_http_sslvdir_ad_main_conf_t  *amcf;
    ngx_http_sslvdir_ad_route_t      *route;
    ngx_http_sslvdir_loc_conf_t      *slcf;
    ngx_http_sslvdir_main_conf_t     *smcf;
    ngx_http_core_loc_conf_t         *clcf;
    ngx_str_t                        *value;

    if (alcf->enable != NGX_CONF_UNSET) {
        return "is duplicate";
    }
    alcf->enable = 1;

    value = cf->args->elts;
    if (cf->args->nelts == 2) {
        if (value[1].len < 2 || value[1].data[0] != '@') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\": \"%V\" is not a named location (@name)",
                               &cmd->name, &value[1]);
            return NGX_CONF_ERROR;
        }
        alcf->forward = value[1];

        /* checked at postconfiguration (ngx_http_sslvdir_ad_init) */
        amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sslvdir_autodiscover_module);
        route = ngx_array_push(&amcf->routes);
        if (route == NULL) {
            return NGX_CONF_ERROR;
        }
        route->cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
        route->name = value[1];
        route->file = cf->conf_file->file.name;
        route->line = cf->conf_file->line;
    }

    /* The answers come after the policy's decision: the port-80 redirect
     * site's 302 and the SSL policy's refusals are answered before this
     * handler runs, as the plugin's service decides first. */
    slcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_sslvdir_module);
    if (slcf->enable == 0) {
        return "needs the policy's decision: \"sslvdir off\" in the same location";
    }
    slcf->enable = 1;
    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sslvdir_module);
    smcf->enabled = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_sslvdir_ad_handler;

    return NGX_CONF_OK;
}


/* ------------------------------------------------------------ the answers */

/* A document of the library's, written into the request's pool: measured
 * by a first call when the guess is short. The documents are bounded (the
 * longest value they echo is an escaped EMailAddress or LegacyDN). */
typedef int (*ngx_http_sslvdir_ad_fill_pt)(void *data, char *out, size_t size, size_t *len);

static ngx_int_t
ngx_http_sslvdir_ad_fill(ngx_http_request_t *r, ngx_http_sslvdir_ad_fill_pt fill, void *data,
    ngx_str_t *out)
{
    size_t  size = 4096, len = 0;
    int     rc, tries;

    for (tries = 0; tries < 2; tries++) {
        out->data = ngx_pnalloc(r->pool, size);
        if (out->data == NULL) {
            return NGX_ERROR;
        }
        rc = fill(data, (char *) out->data, size, &len);
        if (rc == SSLVDIR_OK) {
            out->len = len;
            return NGX_OK;
        }
        if (rc != SSLVDIR_E_BUFFER_TOO_SMALL || len < size) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "sslvdir: Autodiscover answer failed: %s", sslvdir_strerror(rc));
            return NGX_ERROR;
        }
        size = len;
    }

    return NGX_ERROR;
}


typedef struct {
    const sslvdir_policy         *policy;
    const char                   *in;
    size_t                        len;
    sslvdir_autodiscover_params   params;
    int                           status;
} ngx_http_sslvdir_ad_call_t;

static int
ngx_http_sslvdir_ad_fill_json(void *data, char *out, size_t size, size_t *len)
{
    ngx_http_sslvdir_ad_call_t  *c = data;

    return sslvdir_autodiscover_json_target(c->policy, c->in, c->len, &c->params, &c->status, out,
                                            size, len);
}

static int
ngx_http_sslvdir_ad_fill_pox(void *data, char *out, size_t size, size_t *len)
{
    ngx_http_sslvdir_ad_call_t  *c = data;

    return sslvdir_autodiscover_respond(c->policy, c->in, c->len, &c->params, out, size, len);
}


static ngx_int_t
ngx_http_sslvdir_ad_send(ngx_http_request_t *r, ngx_uint_t status, ngx_str_t *type,
    ngx_str_t *body)
{
    ngx_http_complex_value_t   cv;
    ngx_http_sslvdir_ctx_t    *ctx;

    ctx = ngx_http_sslvdir_get_ctx(r);
    if (ctx != NULL) {
        ctx->autodiscover = NGX_HTTP_SSLVDIR_AD_ANSWERED;
    }

    ngx_memzero(&cv, sizeof(ngx_http_complex_value_t));
    cv.value = *body;

    /* the body has been read (see the handler); the header alone for HEAD */
    return ngx_http_send_response(r, status, type, &cv);
}


static ngx_int_t
ngx_http_sslvdir_ad_forward(ngx_http_request_t *r, ngx_http_sslvdir_ad_loc_conf_t *alcf)
{
    ngx_http_sslvdir_ctx_t  *ctx;

    /* The request was decided, and its headers edited, before: in the named
     * location the decision is found again and not made twice. */
    ctx = ngx_http_sslvdir_get_ctx(r);
    if (ctx != NULL) {
        ctx->autodiscover = NGX_HTTP_SSLVDIR_AD_ROUTED;
    }
    return ngx_http_named_location(r, &alcf->forward);
}


/* The canonical path ends in an "autodiscover.json" segment or holds one
 * followed by more (/v1.0/ADDRESS), in any case: the plugin's test. */
static ngx_flag_t
ngx_http_sslvdir_ad_is_json(const u_char *path, size_t len)
{
    static const u_char  seg[] = "/autodiscover.json";
    const size_t         n = sizeof(seg) - 1;
    size_t               i;

    for (i = 0; i + n <= len; i++) {
        if (ngx_strncasecmp((u_char *) path + i, (u_char *) seg, n) == 0
            && (i + n == len || path[i + n] == '/'))
        {
            return 1;
        }
    }

    return 0;
}


/* The POX body, whole as nginx read it (memory, a temporary file, or
 * both), up to SSLVDIR_AUTODISCOVER_MAX_BODY + 1 bytes: enough for the
 * library to say that a longer one is too long. */
static ngx_int_t
ngx_http_sslvdir_ad_body(ngx_http_request_t *r, ngx_str_t *body)
{
    const size_t   max = SSLVDIR_AUTODISCOVER_MAX_BODY + 1;
    ngx_chain_t   *cl;
    ngx_buf_t     *b;
    size_t         total, n;
    ssize_t        got;
    u_char        *p;

    ngx_str_null(body);
    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    total = 0;
    for (cl = r->request_body->bufs; cl && total < max; cl = cl->next) {
        total += ngx_buf_size(cl->buf);
    }
    if (total > max) {
        total = max;
    }
    if (total == 0) {
        return NGX_OK;
    }

    body->data = ngx_pnalloc(r->pool, total);
    if (body->data == NULL) {
        return NGX_ERROR;
    }

    p = body->data;
    for (cl = r->request_body->bufs; cl && (size_t) (p - body->data) < total; cl = cl->next) {
        b = cl->buf;
        n = ngx_min((size_t) ngx_buf_size(b), total - (size_t) (p - body->data));
        if (n == 0) {
            continue;
        }
        if (ngx_buf_in_memory(b)) {
            p = ngx_cpymem(p, b->pos, n);
        } else if (b->in_file) {
            got = ngx_read_file(b->file, p, n, b->file_pos);
            if (got != (ssize_t) n) {
                ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                              "sslvdir: the Autodiscover body's temporary file could not be read");
                return NGX_ERROR;
            }
            p += n;
        } else {
            return NGX_ERROR;
        }
    }
    body->len = p - body->data;

    return NGX_OK;
}


/* The POX answer, or the request handed to the named location. */
static ngx_int_t
ngx_http_sslvdir_ad_pox(ngx_http_request_t *r, ngx_http_sslvdir_ad_loc_conf_t *alcf,
    ngx_http_sslvdir_ctx_t *ctx)
{
    ngx_http_sslvdir_ad_call_t   call;
    ngx_str_t                    body, doc;
    const char                 **mark;

    if (ngx_http_sslvdir_ad_body(r, &body) != NGX_OK) {
        goto failed;
    }

    call.policy = ctx->policy;
    call.in = (const char *) body.data;
    call.len = body.len;
    call.params = (sslvdir_autodiscover_params) SSLVDIR_AUTODISCOVER_PARAMS_INIT;
    call.status = 0;
    if (ngx_http_sslvdir_ad_fill(r, ngx_http_sslvdir_ad_fill_pox, &call, &doc) != NGX_OK) {
        goto failed;
    }

    if (alcf->forward.len && body.len <= SSLVDIR_AUTODISCOVER_MAX_BODY) {
        for (mark = ngx_http_sslvdir_ad_answered; *mark; mark++) {
            if (ngx_strnstr(doc.data, (char *) *mark, doc.len) != NULL) {
                break;
            }
        }
        if (*mark == NULL) {
            return ngx_http_sslvdir_ad_forward(r, alcf);
        }
    }

    return ngx_http_sslvdir_ad_send(r, NGX_HTTP_OK, &ngx_http_sslvdir_ad_xml, &doc);

failed:

    /* Forwarding is what happens without the proxy's answer: the request
     * was decided already, so this opens nothing. */
    if (alcf->forward.len) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "sslvdir: Autodiscover forwarded after an internal error");
        return ngx_http_sslvdir_ad_forward(r, alcf);
    }
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


static ngx_int_t
ngx_http_sslvdir_ad_answer(ngx_http_request_t *r)
{
    static ngx_str_t                 not_post = ngx_string("Autodiscover takes a POST\n");
    ngx_http_sslvdir_ad_loc_conf_t  *alcf;
    ngx_http_sslvdir_ad_call_t       call;
    ngx_http_sslvdir_ctx_t          *ctx;
    ngx_table_elt_t                 *h;
    ngx_str_t                        doc;
    u_char                          *path;
    size_t                           path_len;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_sslvdir_autodiscover_module);
    ctx = ngx_http_sslvdir_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_FORBIDDEN;
    }

    /* The path as IIS routes it (%2e and friends decoded), as the decision
     * matched it, from the target it decided (the client's, or nginx's URI
     * after a rewrite); nginx's decoded URI when there is none. */
    path = r->uri.data;
    path_len = r->uri.len;
    if (ctx->d.path_len) {
        path = ngx_pnalloc(r->pool, ctx->d.path_len + 1);
        if (path == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        if (sslvdir_path_canonicalize((const char *) ctx->target.data, ctx->target.len, NULL,
                                      (char *) path, ctx->d.path_len + 1,
                                      &path_len) != SSLVDIR_OK)
        {
            path = r->uri.data;
            path_len = r->uri.len;
        }
    }

    if (ngx_http_sslvdir_ad_is_json(path, path_len)) {
        /* The raw target goes to the library, which decodes it once:
         * Outlook 2016 and later put the address in the path. */
        call.policy = ctx->policy;
        call.in = (const char *) ctx->target.data;
        call.len = ctx->target.len;
        call.params = (sslvdir_autodiscover_params) SSLVDIR_AUTODISCOVER_PARAMS_INIT;
        call.status = 0;
        if (ngx_http_sslvdir_ad_fill(r, ngx_http_sslvdir_ad_fill_json, &call, &doc) != NGX_OK
            || call.status < 200 || call.status > 599)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        return ngx_http_sslvdir_ad_send(r, call.status, &ngx_http_sslvdir_ad_json, &doc);
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_sslvdir_ad_pox(r, alcf, ctx);
    }

    if (alcf->forward.len) {
        return ngx_http_sslvdir_ad_forward(r, alcf);
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    h->hash = 1;
    ngx_str_set(&h->key, "Allow");
    ngx_str_set(&h->value, "POST");
    return ngx_http_sslvdir_ad_send(r, NGX_HTTP_NOT_ALLOWED, &ngx_http_sslvdir_ad_text, &not_post);
}


static void
ngx_http_sslvdir_ad_body_read(ngx_http_request_t *r)
{
    ngx_http_finalize_request(r, ngx_http_sslvdir_ad_answer(r));
}


ngx_int_t
ngx_http_sslvdir_ad_handler(ngx_http_request_t *r)
{
    ngx_http_sslvdir_ctx_t  *ctx;
    ngx_int_t                rc;

    /* Only a request the policy let through gets here; anything else
     * fails closed, and so does a subrequest (an SSI include has no body
     * to read, and Autodiscover answers clients, not pages). */
    ctx = ngx_http_sslvdir_get_ctx(r);
    if (r != r->main || ctx == NULL || ctx->d.action != SSLVDIR_ACTION_ALLOW
        || ctx->policy == NULL)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "sslvdir: an Autodiscover request the policy did not decide; refused");
        return NGX_HTTP_FORBIDDEN;
    }

    /* Every answer waits for the whole body (bounded by
     * client_max_body_size), whatever the method and the path: a body left
     * to nginx's discarding keeps an HTTP/2 stream open after the answer
     * (measured with nginx 1.22 and curl, a 100 KB POST to
     * autodiscover.json: the client waited out its time limit with the
     * answer in hand), as the plugin's drain found with HAProxy. */
    rc = ngx_http_read_client_request_body(r, ngx_http_sslvdir_ad_body_read);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}
