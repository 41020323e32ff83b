/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * ngx_http_sslvdir_body.c: the body filter. An offloaded Exchange believes
 * its clients use http and writes http://<its host>/ links into its pages,
 * scripts and JSON; the library's streaming rewriter makes them https on
 * their way through nginx's buffer chains, for the responses whose headers
 * the module rewrites (requests the policy allowed over TLS).
 *
 * No copies of the body: what the rewriter writes from the buffer it is fed
 * goes out as buffers pointing into that buffer (as sub_filter's do), and
 * the input buffer is given back (its pos moved to its last) only once
 * those have been sent. Only what does not lie in the input is copied:
 * replacement ports, and the few bytes the rewriter holds back between
 * buffers while a link cut in two is undecided. Those copies go to small
 * blocks reused from a free list, so that a page of many megabytes with
 * links all through it needs no more memory than what is in flight.
 */

#include "ngx_http_sslvdir_module.h"

/* One copy block: the bytes the rewriter writes from its own memory (a
 * port, held-back bytes) for the buffers in flight. Small, since most are
 * ":8443"; a longer write fills several. */
#define NGX_HTTP_SSLVDIR_COPY_BLOCK  128

struct ngx_http_sslvdir_body_s {
    sslvdir_rewriter    *rw;
    ngx_http_request_t  *r;
    ngx_buf_t           *in;       /* the buffer being fed, during a feed */
    ngx_chain_t         *out;      /* built by this call, not yet passed */
    ngx_chain_t        **last_out;
    ngx_buf_t           *ref;      /* out's last buffer if it points into in */
    ngx_buf_t           *copy;     /* out's last buffer if it is a copy block */
    ngx_chain_t         *busy;     /* passed on, not yet sent */
    ngx_chain_t         *free;     /* buffer headers to reuse */
    ngx_chain_t         *free_copy; /* copy blocks to reuse */
    unsigned             failed:1;
    unsigned             done:1;   /* last_buf seen: the rewriter is finished */
};

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;

/* The tag of this filter's buffers. */
static u_char  ngx_http_sslvdir_body_tag;


static void
ngx_http_sslvdir_body_cleanup(void *data)
{
    ngx_http_sslvdir_body_t  *body = data;

    /* A response cut short (the client went, the backend failed) drops
     * what the rewriter held back with it. */
    sslvdir_rewriter_free(body->rw);
    body->rw = NULL;
}


/* The response's Content-Encoding: found, or NULL with *several set when
 * the backend sent more than one (then nobody can say what the body is). */
static ngx_table_elt_t *
ngx_http_sslvdir_content_encoding(ngx_http_request_t *r, ngx_uint_t *several)
{
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *found;
    ngx_uint_t        i;

    found = NULL;
    *several = 0;

    for (part = &r->headers_out.headers.part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash == 0 || h[i].key.len != sizeof("Content-Encoding") - 1
                || ngx_strncasecmp(h[i].key.data, (u_char *) "Content-Encoding",
                                   sizeof("Content-Encoding") - 1) != 0)
            {
                continue;
            }
            if (found != NULL) {
                *several = 1;
                return NULL;
            }
            found = &h[i];
        }
    }

    return found;
}


/* Whether this response's body is rewritten: a response to a request the
 * policy allowed over TLS (the header filter's condition), with a body, in
 * a content type the rewriter takes and not compressed. Decided here, with
 * the headers, since Content-Length must go before they are sent. */
static ngx_int_t
ngx_http_sslvdir_body_header_filter(ngx_http_request_t *r)
{
    ngx_http_sslvdir_main_conf_t *smcf;
    ngx_http_sslvdir_loc_conf_t  *slcf;
    ngx_http_sslvdir_ctx_t       *ctx;
    ngx_http_sslvdir_body_t      *body;
    ngx_pool_cleanup_t           *cln;
    ngx_table_elt_t              *ce;
    sslvdir_error                 err;
    ngx_uint_t                    several;
    int                           mode;

    /* A subrequest's output (an SSI include) is part of its main request's
     * body but reaches the filters on its own: it is left alone. */
    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sslvdir_module);
    if (!slcf->rewrite_body) {
        return ngx_http_next_header_filter(r);
    }

    /* The Autodiscover handler's own answers are the library's documents,
     * with nothing to rewrite: they keep their Content-Length. */
    ctx = ngx_http_sslvdir_get_ctx(r);
    if (ctx == NULL || ctx->d.action != SSLVDIR_ACTION_ALLOW || !ctx->d.tls
        || ctx->body != NULL || r->content_handler == ngx_http_sslvdir_ad_handler)
    {
        return ngx_http_next_header_filter(r);
    }

    /* No body (204, 304, an empty one, a header_only response), or a part
     * of one (206: its Content-Range counts the backend's bytes, which a
     * rewrite would move). A HEAD goes on as a GET would, so that its
     * headers say the same (no Content-Length): nginx marks it
     * header_only after this filter, and the body filter gets nothing. */
    if (r->header_only
        || r->headers_out.status == NGX_HTTP_NO_CONTENT
        || r->headers_out.status == NGX_HTTP_NOT_MODIFIED
        || r->headers_out.status == NGX_HTTP_PARTIAL_CONTENT
        || r->headers_out.content_length_n == 0
        || r->headers_out.content_type.len == 0)
    {
        return ngx_http_next_header_filter(r);
    }

    ce = ngx_http_sslvdir_content_encoding(r, &several);
    if (several) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "sslvdir: several Content-Encoding headers: body left alone");
        return ngx_http_next_header_filter(r);
    }

    /* Asked first of the configuration's rewriter, so that a response
     * left alone allocates nothing. */
    smcf = ngx_http_get_module_main_conf(r, ngx_http_sslvdir_module);
    if (smcf->probe == NULL
        || sslvdir_rewriter_begin(smcf->probe, (const char *) r->headers_out.content_type.data,
                                  r->headers_out.content_type.len,
                                  ce ? (const char *) ce->value.data : NULL,
                                  ce ? ce->value.len : 0)
           != SSLVDIR_BODY_REWRITE)
    {
        return ngx_http_next_header_filter(r);
    }

    body = ngx_pcalloc(r->pool, sizeof(ngx_http_sslvdir_body_t));
    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (body == NULL || cln == NULL) {
        return NGX_ERROR;
    }

    /* One rewriter per response: it copies the policy's hosts, so it does
     * not depend on the policy outliving the request (a reload). */
    if (sslvdir_rewriter_new(&body->rw, ctx->policy, &err) != SSLVDIR_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "sslvdir: cannot make a body rewriter: %s", err.message);
        return NGX_ERROR;
    }
    cln->handler = ngx_http_sslvdir_body_cleanup;
    cln->data = body;

    mode = sslvdir_rewriter_begin(body->rw, (const char *) r->headers_out.content_type.data,
                                  r->headers_out.content_type.len,
                                  ce ? (const char *) ce->value.data : NULL,
                                  ce ? ce->value.len : 0);
    if (mode != SSLVDIR_BODY_REWRITE) {
        /* another type, or compressed bytes (gzip from the backend), which
         * a rewrite would corrupt: passed as they are */
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "sslvdir: body left alone (mode %d)", mode);
        sslvdir_rewriter_free(body->rw);
        body->rw = NULL;
        cln->handler = NULL;
        return ngx_http_next_header_filter(r);
    }

    body->r = r;
    body->last_out = &body->out;
    ctx->body = body;

    /* The length may change: the body goes chunked (HTTP/1.1) or delimited
     * by the stream's end. Ranges of it cannot be served, and its entity
     * tag can only say "equivalent" (as gzip's does). */
    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);
    ngx_http_weak_etag(r);

    /* A static file or a proxy's temporary file would otherwise come as
     * file buffers (sendfile), which no one can rewrite. */
    r->filter_need_in_memory = 1;

    return ngx_http_next_header_filter(r);
}


static ngx_chain_t *
ngx_http_sslvdir_body_append(ngx_http_sslvdir_body_t *body, ngx_chain_t **free)
{
    ngx_chain_t  *cl;

    cl = ngx_chain_get_free_buf(body->r->pool, free);
    if (cl == NULL) {
        return NULL;
    }

    *body->last_out = cl;
    body->last_out = &cl->next;
    body->ref = NULL;
    body->copy = NULL;

    return cl;
}


/* A buffer header that owns no memory, from the free list. */
static ngx_buf_t *
ngx_http_sslvdir_body_buf(ngx_http_sslvdir_body_t *body)
{
    ngx_chain_t  *cl;
    ngx_buf_t    *b;

    cl = ngx_http_sslvdir_body_append(body, &body->free);
    if (cl == NULL) {
        return NULL;
    }

    b = cl->buf;
    ngx_memzero(b, sizeof(ngx_buf_t));
    b->tag = (ngx_buf_tag_t) &ngx_http_sslvdir_body_tag;

    return b;
}


/* Copies len bytes to the end of out, into copy blocks. */
static ngx_int_t
ngx_http_sslvdir_body_copy(ngx_http_sslvdir_body_t *body, const u_char *p, size_t len)
{
    ngx_chain_t  *cl;
    ngx_buf_t    *b;
    size_t        n;

    while (len) {
        b = body->copy;

        if (b == NULL || b->last == b->end) {
            cl = ngx_http_sslvdir_body_append(body, &body->free_copy);
            if (cl == NULL) {
                return NGX_ERROR;
            }
            b = cl->buf;
            if (b->start == NULL) {
                b->start = ngx_palloc(body->r->pool, NGX_HTTP_SSLVDIR_COPY_BLOCK);
                if (b->start == NULL) {
                    return NGX_ERROR;
                }
                b->end = b->start + NGX_HTTP_SSLVDIR_COPY_BLOCK;
                b->temporary = 1;
                b->tag = (ngx_buf_tag_t) &ngx_http_sslvdir_body_tag;
            }
            b->pos = b->start;
            b->last = b->start;
            body->copy = b;
        }

        n = ngx_min(len, (size_t) (b->end - b->last));
        b->last = ngx_cpymem(b->last, p, n);
        p += n;
        len -= n;
    }

    return NGX_OK;
}


/* The rewriter's output. */
static int
ngx_http_sslvdir_body_write(const char *data, size_t len, void *user_data)
{
    static u_char             https[] = "https";
    ngx_http_sslvdir_body_t  *body = user_data;
    const u_char             *p = (const u_char *) data;
    ngx_buf_t                *b, *in;

    in = body->in;

    if (in != NULL && (uintptr_t) p >= (uintptr_t) in->pos
        && (uintptr_t) p + len <= (uintptr_t) in->last)
    {
        /* bytes of the buffer being fed: pointed to, not copied; a run
         * that goes on where the last one stopped extends it */
        if (body->ref != NULL && body->ref->last == p) {
            body->ref->last += len;
            return 0;
        }
        b = ngx_http_sslvdir_body_buf(body);
        if (b == NULL) {
            return 1;
        }
        b->memory = 1;
        b->pos = (u_char *) p;
        b->last = (u_char *) p + len;
        body->ref = b;
        return 0;
    }

    /* The scheme of every link replaced: a constant rather than a copy. */
    if (len == sizeof(https) - 1 && ngx_memcmp(p, https, len) == 0) {
        b = ngx_http_sslvdir_body_buf(body);
        if (b == NULL) {
            return 1;
        }
        b->memory = 1;
        b->pos = https;
        b->last = https + len;
        return 0;
    }

    return ngx_http_sslvdir_body_copy(body, p, len) == NGX_OK ? 0 : 1;
}


/* Passes out on, then takes back what the next filters have sent: copy
 * blocks and buffer headers to their free lists, and the input buffers
 * whose every byte is sent are marked consumed, so that the upstream or
 * the copy filter may read into them again. */
static ngx_int_t
ngx_http_sslvdir_body_output(ngx_http_request_t *r, ngx_http_sslvdir_body_t *body)
{
    ngx_int_t     rc;
    ngx_chain_t  *cl, **ll;
    ngx_buf_t    *b;

    rc = ngx_http_next_body_filter(r, body->out);

    for (ll = &body->busy; *ll; ll = &(*ll)->next) { /* void */ }
    *ll = body->out;

    body->out = NULL;
    body->last_out = &body->out;
    body->ref = NULL;
    body->copy = NULL;

    while (body->busy) {
        cl = body->busy;
        b = cl->buf;

        if (ngx_buf_size(b) != 0) {
            break;
        }

#if (NGX_HAVE_WRITE_ZEROCOPY)
        if (b->zerocopy_busy) {
            break;
        }
#endif

        if (b->shadow) {
            b->shadow->pos = b->shadow->last;
        }

        body->busy = cl->next;

        if (b->start != NULL) {
            b->pos = b->start;
            b->last = b->start;
            cl->next = body->free_copy;
            body->free_copy = cl;

        } else if (ngx_buf_in_memory(b)) {
            cl->next = body->free;
            body->free = cl;
        }

        /* A marker (sync, no data) is done as soon as it is passed on, but
         * the write filter may still hold it, postponed: reused, it would
         * appear there twice. Only data buffers, gone from the next
         * filters once sent, are reused (as sub_filter does). */
    }

    return rc;
}


static ngx_int_t
ngx_http_sslvdir_body_fail(ngx_http_request_t *r, ngx_http_sslvdir_body_t *body,
    const char *what, int rc)
{
    /* The response is cut short rather than sent half rewritten: the
     * client sees it end without its last chunk. */
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "sslvdir: the body rewriter failed (%s: %s); response cut short",
                  what, sslvdir_strerror(rc));
    body->failed = 1;
    sslvdir_rewriter_reset(body->rw);
    return NGX_ERROR;
}


static ngx_int_t
ngx_http_sslvdir_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_http_sslvdir_ctx_t   *ctx;
    ngx_http_sslvdir_body_t  *body;
    ngx_chain_t              *cl;
    ngx_buf_t                *b, *mark;
    int                       rc;

    if (r != r->main) {
        return ngx_http_next_body_filter(r, in);
    }

    ctx = ngx_http_sslvdir_get_ctx(r);
    body = ctx ? ctx->body : NULL;

    if (body == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    if (body->failed) {
        return NGX_ERROR;
    }

    if (in == NULL && body->busy == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (ngx_buf_in_memory(b)) {
            if (body->done && b->last > b->pos) {
                return ngx_http_sslvdir_body_fail(r, body, "data after the last buffer",
                                                  SSLVDIR_E_INCONSISTENT);
            }
            body->in = b;
            rc = sslvdir_rewriter_feed(body->rw, (const char *) b->pos,
                                       (size_t) (b->last - b->pos),
                                       ngx_http_sslvdir_body_write, body);
            body->in = NULL;
            if (rc != SSLVDIR_OK) {
                return ngx_http_sslvdir_body_fail(r, body, "feed", rc);
            }

        } else if (ngx_buf_size(b) != 0) {
            /* A file buffer despite filter_need_in_memory: never passed
             * on unread, which would send it as it is. */
            return ngx_http_sslvdir_body_fail(r, body, "a file buffer",
                                              SSLVDIR_E_INVALID_ARGUMENT);
        }

        if (b->last_buf && !body->done) {
            /* the bytes held back for a link cut in two, decided now */
            rc = sslvdir_rewriter_finish(body->rw, ngx_http_sslvdir_body_write, body);
            if (rc != SSLVDIR_OK) {
                return ngx_http_sslvdir_body_fail(r, body, "finish", rc);
            }
            body->done = 1;
        }

        /* After what came from b, a buffer without data that gives b back
         * once all before it is sent, and carries b's flags: last_buf,
         * flush (the bytes held back for an undecided link stay held until
         * the next buffer or the end decides them: a flush never writes
         * half a link), and recycled (so that the write filter sends, and
         * the upstream gets its buffers back, as without this filter). */
        mark = ngx_http_sslvdir_body_buf(body);
        if (mark == NULL) {
            return ngx_http_sslvdir_body_fail(r, body, "a buffer", SSLVDIR_E_NOMEM);
        }
        mark->sync = 1;
        mark->shadow = b;
        mark->last_buf = b->last_buf;
        mark->last_in_chain = b->last_in_chain;
        mark->flush = b->flush;
        mark->recycled = b->recycled;
    }

    return ngx_http_sslvdir_body_output(r, body);
}


ngx_int_t
ngx_http_sslvdir_body_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_sslvdir_body_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_sslvdir_body_filter;

    return NGX_OK;
}
