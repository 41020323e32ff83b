/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * ngx_http_sslvdir_module: libsslvdir in nginx. IIS's SSL policy for the
 * virtual directories of an Exchange server, applied by the nginx in front
 * of it: each request is decided by sslvdir_decide() on nginx's raw request
 * target and carried out natively (a redirect with the library's Location,
 * a refusal with IIS's status and substatus, X-Forwarded-Proto and
 * Front-End-Https stripped from clients and set for the backend).
 *
 *   load_module modules/ngx_http_sslvdir_module.so;
 *   http {
 *       sslvdir_preset exchange2016-offload;
 *       sslvdir_host mail.contoso.com;
 *       sslvdir_ad_domain contoso.com;
 *       server { listen 443 ssl; sslvdir on; location / { proxy_pass ...; } }
 *   }
 *
 * The policy directives (http level) are the library's policy options
 * (sslvdir_policy_options_set()), spelt as directives: nothing is guessed,
 * and a policy that cannot be built fails `nginx -t` with a message naming
 * the directive. The policy belongs to the configuration cycle: a reload
 * builds a new one, and when it cannot, nginx keeps the old workers with the
 * old policy. Workers are single-threaded and get their cycle's policy when
 * forked, so no policy slot is needed.
 *
 * Subrequests (SSI, addition, mirror, auth_request) are decided too, on
 * their own URI with their main request's client, and so is a request whose
 * URI nginx changes (a rewrite, an internal redirect to a URI): a decision
 * holds for the URI it was made for, and no other.
 *
 * The decision runs in the preaccess phase, not the access phase: with
 * `satisfy any`, an access module that allows a request (allow 10.0.0.0/8)
 * skips the other access handlers, which would skip the policy. A `return`
 * in the rewrite phase still answers before it, as everywhere in nginx.
 */

#include "ngx_http_sslvdir_module.h"

#include <sslvdir/reason.h>
#include <sslvdir/vdir.h>

static ngx_int_t ngx_http_sslvdir_add_variables(ngx_conf_t *cf);
static void *ngx_http_sslvdir_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_sslvdir_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_sslvdir_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_sslvdir_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static ngx_int_t ngx_http_sslvdir_init(ngx_conf_t *cf);
static char *ngx_http_sslvdir_option(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_sslvdir_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* Each policy directive and the library option it sets. "file" options are
 * paths, read relative to nginx's configuration prefix as nginx's own
 * directives are (ssl_certificate). */
typedef struct {
    const char  *directive;
    const char  *option;
    unsigned     file;
} ngx_http_sslvdir_option_t;

static const ngx_http_sslvdir_option_t ngx_http_sslvdir_options[] = {
    { "sslvdir_policy", "policy", 1 },
    { "sslvdir_preset", "preset", 0 },
    { "sslvdir_host", "host", 0 },
    { "sslvdir_ad_domain", "ad-domain", 0 },
    { "sslvdir_site", "site", 0 },
    { "sslvdir_redirect", "redirect", 0 },
    { "sslvdir_extended_protection", "extended-protection", 0 },
    { "sslvdir_iisconfig", "iisconfig", 1 },
    { "sslvdir_reg", "reg", 1 },
    { "sslvdir_offloader", "offloader", 0 },
    { "sslvdir_offloader_cipher_bits", "offloader-cipher-bits", 0 },
    { "sslvdir_offloader_cipher_header", "offloader-cipher-header", 0 },
    { NULL, NULL, 0 }
};

/* Where a policy directive is in the configuration, and the value it gave
 * (a file's full name): the policy is built after the http block, when
 * nginx no longer knows which line a message is about. */
typedef struct {
    const ngx_http_sslvdir_option_t  *option;
    ngx_str_t                         file;
    ngx_uint_t                        line;
    ngx_str_t                         value;
} ngx_http_sslvdir_where_t;

#define NGX_HTTP_SSLVDIR_OPTION(name, args)                                   \
    { ngx_string(name), NGX_HTTP_MAIN_CONF | (args),                           \
      ngx_http_sslvdir_option, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL }

static ngx_command_t ngx_http_sslvdir_commands[] = {
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_policy", NGX_CONF_TAKE1),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_preset", NGX_CONF_TAKE1),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_host", NGX_CONF_1MORE),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_ad_domain", NGX_CONF_1MORE),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_site", NGX_CONF_TAKE1),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_redirect", NGX_CONF_TAKE1),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_extended_protection", NGX_CONF_TAKE1),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_iisconfig", NGX_CONF_TAKE1),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_reg", NGX_CONF_1MORE),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_offloader", NGX_CONF_1MORE),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_offloader_cipher_bits", NGX_CONF_TAKE1),
    NGX_HTTP_SSLVDIR_OPTION("sslvdir_offloader_cipher_header", NGX_CONF_TAKE1),

    { ngx_string("sslvdir"),
      NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_FLAG,
      ngx_http_sslvdir_enable,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sslvdir_loc_conf_t, enable),
      NULL },

    /* X-Sslvdir-Status and X-Sslvdir-Reason on refusals: they tell whoever
     * is refused how the policy decided, so they are for setting up only;
     * the variables give the same to the log. */
    { ngx_string("sslvdir_debug_headers"),
      NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sslvdir_loc_conf_t, debug_headers),
      NULL },

    /* http:// links to the policy's hosts in bodies made https
     * (ngx_http_sslvdir_body.c) */
    { ngx_string("sslvdir_rewrite_body"),
      NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sslvdir_loc_conf_t, rewrite_body),
      NULL },

    ngx_null_command
};

static ngx_http_module_t ngx_http_sslvdir_module_ctx = {
    ngx_http_sslvdir_add_variables,      /* preconfiguration */
    ngx_http_sslvdir_init,               /* postconfiguration */
    ngx_http_sslvdir_create_main_conf,   /* create main configuration */
    ngx_http_sslvdir_init_main_conf,     /* init main configuration */
    NULL,                                /* create server configuration */
    NULL,                                /* merge server configuration */
    ngx_http_sslvdir_create_loc_conf,    /* create location configuration */
    ngx_http_sslvdir_merge_loc_conf      /* merge location configuration */
};

ngx_module_t ngx_http_sslvdir_module = {
    NGX_MODULE_V1,
    &ngx_http_sslvdir_module_ctx,        /* module context */
    ngx_http_sslvdir_commands,           /* module directives */
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


/* ------------------------------------------------------------ configuration */

static void
ngx_http_sslvdir_cleanup_conf(void *data)
{
    ngx_http_sslvdir_main_conf_t  *smcf = data;

    /* The cycle's pool goes when the cycle is replaced (or a new
     * configuration is refused): its policy goes with it. */
    sslvdir_policy_options_free(smcf->options);
    smcf->options = NULL;
    sslvdir_rewriter_free(smcf->probe);
    smcf->probe = NULL;
    sslvdir_policy_unref(smcf->policy);
    smcf->policy = NULL;
}


static void *
ngx_http_sslvdir_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_sslvdir_main_conf_t  *smcf;
    ngx_pool_cleanup_t            *cln;

    smcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_sslvdir_main_conf_t));
    if (smcf == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }
    cln->handler = ngx_http_sslvdir_cleanup_conf;
    cln->data = smcf;

    return smcf;
}


/* The options object, made on the first policy directive, every option
 * spelt as its directive so that the library's messages name directives. */
static sslvdir_policy_options *
ngx_http_sslvdir_options_get(ngx_conf_t *cf, ngx_http_sslvdir_main_conf_t *smcf)
{
    const ngx_http_sslvdir_option_t  *o;
    sslvdir_error                     err;

    if (smcf->options != NULL) {
        return smcf->options;
    }

    if (sslvdir_policy_options_new(&smcf->options, &err) != SSLVDIR_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "sslvdir: %s", err.message);
        return NULL;
    }

    for (o = ngx_http_sslvdir_options; o->directive; o++) {
        if (sslvdir_policy_options_spell(smcf->options, o->option, o->directive, &err)
            != SSLVDIR_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "sslvdir: %s", err.message);
            return NULL;
        }
    }

    return smcf->options;
}


static char *
ngx_http_sslvdir_option(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sslvdir_main_conf_t     *smcf = conf;
    const ngx_http_sslvdir_option_t  *o;
    sslvdir_policy_options           *options;
    sslvdir_error                     err;
    ngx_str_t                        *value, name;
    ngx_uint_t                        i;
    ngx_http_sslvdir_where_t         *where;

    for (o = ngx_http_sslvdir_options; o->directive; o++) {
        if (ngx_strcmp(cmd->name.data, o->directive) == 0) {
            break;
        }
    }
    if (o->directive == NULL) {
        return "is not a policy directive";
    }

    options = ngx_http_sslvdir_options_get(cf, smcf);
    if (options == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    if (smcf->where == NULL) {
        smcf->where = ngx_array_create(cf->pool, 8, sizeof(ngx_http_sslvdir_where_t));
        if (smcf->where == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    for (i = 1; i < cf->args->nelts; i++) {
        name = value[i];

        /* The library takes NUL-terminated strings: a NUL inside the value
         * (written as an escape in nginx.conf) would cut it short. */
        if (ngx_strlchr(name.data, name.data + name.len, '\0') != NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V: \"%V\" holds a NUL byte", &cmd->name, &name);
            return NGX_CONF_ERROR;
        }

        if (o->file && ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        if (sslvdir_policy_options_set(options, o->option, (const char *) name.data, &err)
            != SSLVDIR_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", err.message);
            return NGX_CONF_ERROR;
        }

        where = ngx_array_push(smcf->where);
        if (where == NULL) {
            return NGX_CONF_ERROR;
        }
        where->option = o;
        where->file = cf->conf_file->file.name;
        where->line = cf->conf_file->line;
        where->value = name;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_sslvdir_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sslvdir_loc_conf_t   *slcf = conf;
    ngx_http_sslvdir_main_conf_t  *smcf;
    char                          *rv;

    rv = ngx_conf_set_flag_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (slcf->enable) {
        smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sslvdir_module);
        smcf->enabled = 1;
    }

    return NGX_CONF_OK;
}


/* The directive a build error is about, as nginx's own errors name one:
 * the one whose name or file the message starts with ("sslvdir_preset
 * needs ...", "/etc/nginx/policy.xml: line 4: ..."), else the one the
 * policy comes from, else the first. */
static ngx_http_sslvdir_where_t *
ngx_http_sslvdir_where(ngx_http_sslvdir_main_conf_t *smcf, const char *message)
{
    ngx_http_sslvdir_where_t  *w, *source;
    size_t                     len, n;
    ngx_uint_t                 i;

    if (smcf->where == NULL || smcf->where->nelts == 0) {
        return NULL;
    }

    w = smcf->where->elts;
    len = ngx_strlen(message);
    source = NULL;

    for (i = 0; i < smcf->where->nelts; i++) {
        n = ngx_strlen(w[i].option->directive);
        if (len > n && ngx_strncmp(message, w[i].option->directive, n) == 0
            && (message[n] == ':' || message[n] == ' '))
        {
            return &w[i];
        }

        n = w[i].value.len;
        if (w[i].option->file && len > n && message[n] == ':'
            && ngx_strncmp(message, w[i].value.data, n) == 0)
        {
            return &w[i];
        }

        if (source == NULL
            && (ngx_strcmp(w[i].option->option, "policy") == 0
                || ngx_strcmp(w[i].option->option, "preset") == 0
                || ngx_strcmp(w[i].option->option, "iisconfig") == 0))
        {
            source = &w[i];
        }
    }

    return source ? source : &w[0];
}


static char *
ngx_http_sslvdir_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_sslvdir_main_conf_t  *smcf = conf;
    ngx_http_sslvdir_where_t      *where;
    sslvdir_error                  err;
    const char                    *header, *w;
    size_t                         i, n;

    if (smcf->options == NULL) {
        return NGX_CONF_OK;
    }

    if (sslvdir_policy_options_build(smcf->options, &smcf->policy, &err) != SSLVDIR_OK) {
        where = ngx_http_sslvdir_where(smcf, err.message);
        if (where == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "sslvdir: cannot load the policy: %s",
                          err.message);
        } else {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "sslvdir: cannot load the policy: %s in %V:%ui",
                          err.message, &where->file, where->line);
        }
        return NGX_CONF_ERROR;
    }

    sslvdir_policy_options_free(smcf->options);
    smcf->options = NULL;

    /* What the builder warns about (an offloader that says nothing about the
     * cipher in front of Ssl128 vdirs) is said at `nginx -t` and at start:
     * those requests would otherwise only get 403.5. */
    n = sslvdir_policy_warning_count(smcf->policy);
    for (i = 0; i < n; i++) {
        w = sslvdir_policy_warning(smcf->policy, i);
        ngx_log_error(NGX_LOG_WARN, cf->log, 0, "sslvdir: %s", w ? w : "");
    }

    /* A rewriter never fed, whose sslvdir_rewriter_begin() tells the body
     * filter whether a response is rewritten before it makes one: most
     * responses (images, scripts served compressed) are not, and making a
     * rewriter costs allocations (workers are single-threaded). */
    if (sslvdir_rewriter_new(&smcf->probe, smcf->policy, &err) != SSLVDIR_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "sslvdir: cannot make a body rewriter: %s",
                      err.message);
        return NGX_CONF_ERROR;
    }

    header = sslvdir_policy_cipher_header(smcf->policy);
    if (header != NULL) {
        smcf->cipher_header_len = ngx_strlen(header);
        smcf->cipher_header_lc = ngx_pnalloc(cf->pool, smcf->cipher_header_len);
        if (smcf->cipher_header_lc == NULL) {
            return NGX_CONF_ERROR;
        }
        ngx_strlow(smcf->cipher_header_lc, (u_char *) header, smcf->cipher_header_len);
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_sslvdir_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_sslvdir_loc_conf_t  *conf;

    conf = ngx_palloc(cf->pool, sizeof(ngx_http_sslvdir_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    conf->enable = NGX_CONF_UNSET;
    conf->debug_headers = NGX_CONF_UNSET;
    conf->rewrite_body = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_sslvdir_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_sslvdir_loc_conf_t  *prev = parent;
    ngx_http_sslvdir_loc_conf_t  *conf = child;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->debug_headers, prev->debug_headers, 0);
    ngx_conf_merge_value(conf->rewrite_body, prev->rewrite_body, 1);

    return NGX_CONF_OK;
}


/* ------------------------------------------------------------ variables */

typedef enum {
    NGX_HTTP_SSLVDIR_VAR_STATUS,
    NGX_HTTP_SSLVDIR_VAR_SUBSTATUS,
    NGX_HTTP_SSLVDIR_VAR_REASON,
    NGX_HTTP_SSLVDIR_VAR_VDIR,
    NGX_HTTP_SSLVDIR_VAR_UPSTREAM,
    NGX_HTTP_SSLVDIR_VAR_ACTION,
    NGX_HTTP_SSLVDIR_VAR_AUTODISCOVER
} ngx_http_sslvdir_var_e;

static ngx_int_t ngx_http_sslvdir_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);

static ngx_http_variable_t ngx_http_sslvdir_vars[] = {
    { ngx_string("sslvdir_status"), NULL, ngx_http_sslvdir_variable,
      NGX_HTTP_SSLVDIR_VAR_STATUS, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("sslvdir_substatus"), NULL, ngx_http_sslvdir_variable,
      NGX_HTTP_SSLVDIR_VAR_SUBSTATUS, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("sslvdir_reason"), NULL, ngx_http_sslvdir_variable,
      NGX_HTTP_SSLVDIR_VAR_REASON, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("sslvdir_vdir"), NULL, ngx_http_sslvdir_variable,
      NGX_HTTP_SSLVDIR_VAR_VDIR, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("sslvdir_upstream"), NULL, ngx_http_sslvdir_variable,
      NGX_HTTP_SSLVDIR_VAR_UPSTREAM, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("sslvdir_action"), NULL, ngx_http_sslvdir_variable,
      NGX_HTTP_SSLVDIR_VAR_ACTION, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    { ngx_string("sslvdir_autodiscover"), NULL, ngx_http_sslvdir_variable,
      NGX_HTTP_SSLVDIR_VAR_AUTODISCOVER, NGX_HTTP_VAR_NOCACHEABLE, 0 },
    ngx_http_null_variable
};


static ngx_int_t
ngx_http_sslvdir_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_sslvdir_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }
        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static void
ngx_http_sslvdir_cleanup_ctx(void *data)
{
    /* Only a marker: the context is found again by this handler after an
     * internal redirect, which clears r->ctx. */
    (void) data;
}


ngx_http_sslvdir_ctx_t *
ngx_http_sslvdir_get_ctx(ngx_http_request_t *r)
{
    ngx_http_sslvdir_ctx_t  *ctx;
    ngx_pool_cleanup_t      *cln;

    ctx = ngx_http_get_module_ctx(r, ngx_http_sslvdir_module);
    if (ctx != NULL || !r->internal) {
        return ctx;
    }

    /* Subrequests share their main request's pool: each context says
     * whose it is. */
    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_sslvdir_cleanup_ctx
            && ((ngx_http_sslvdir_ctx_t *) cln->data)->r == r)
        {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_http_sslvdir_module);
            return ctx;
        }
    }

    return NULL;
}


static ngx_int_t
ngx_http_sslvdir_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_http_sslvdir_ctx_t  *ctx;
    const sslvdir_decision  *d;
    const char              *s = NULL;
    u_char                  *p;

    /* A subrequest's own decision (a map of $sslvdir_upstream picks its
     * backend), else its main request's (the access log). */
    ctx = ngx_http_sslvdir_get_ctx(r);
    if (ctx == NULL && r != r->main) {
        ctx = ngx_http_sslvdir_get_ctx(r->main);
    }
    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }
    d = &ctx->d;

    switch (data) {

    case NGX_HTTP_SSLVDIR_VAR_STATUS:
        /* What the proxy answered itself ("403.4", "302"); empty when the
         * request went on to the backend. */
        if (d->action == SSLVDIR_ACTION_ALLOW) {
            s = "";
            break;
        }
        p = ngx_pnalloc(r->pool, NGX_INT_T_LEN * 2 + 1);
        if (p == NULL) {
            return NGX_ERROR;
        }
        v->len = (d->substatus >= 0 ? ngx_sprintf(p, "%i.%i", (ngx_int_t) d->status,
                                                  (ngx_int_t) d->substatus)
                                    : ngx_sprintf(p, "%i", (ngx_int_t) d->status)) - p;
        v->data = p;
        goto found;

    case NGX_HTTP_SSLVDIR_VAR_SUBSTATUS:
        if (d->substatus < 0) {
            s = "";
            break;
        }
        p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (p == NULL) {
            return NGX_ERROR;
        }
        v->len = ngx_sprintf(p, "%i", (ngx_int_t) d->substatus) - p;
        v->data = p;
        goto found;

    case NGX_HTTP_SSLVDIR_VAR_REASON:
        s = sslvdir_reason_name(d->reason);
        break;

    case NGX_HTTP_SSLVDIR_VAR_VDIR:
        s = d->vdir ? sslvdir_vdir_config_path(d->vdir) : "";
        break;

    case NGX_HTTP_SSLVDIR_VAR_UPSTREAM:
        /* How an allowed request reaches Exchange; a refused one does not
         * (the library says "auto" when it refused before matching a
         * vdir, which a map would take for a mode). */
        s = d->action == SSLVDIR_ACTION_ALLOW ? sslvdir_upstream_name(d->upstream) : "";
        break;

    case NGX_HTTP_SSLVDIR_VAR_ACTION:
        s = sslvdir_action_name(d->action);
        break;

    case NGX_HTTP_SSLVDIR_VAR_AUTODISCOVER:
        s = ctx->autodiscover == NGX_HTTP_SSLVDIR_AD_ANSWERED ? "answered"
            : ctx->autodiscover == NGX_HTTP_SSLVDIR_AD_ROUTED ? "routed" : "";
        break;
    }

    if (s == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    /* The strings live in the policy, which the cycle holds while any of
     * its requests runs. */
    v->data = (u_char *) s;
    v->len = ngx_strlen(s);

found:
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}


/* ------------------------------------------------------------ the request */

/* An inbound header by its lower-case name: NULL when absent. Several
 * copies are joined with ", " (a list, as HTTP reads them), so that the
 * library sees a contradiction between them; the usual single copy is
 * passed as is, without a copy. */
static ngx_int_t
ngx_http_sslvdir_header_in(ngx_http_request_t *r, const u_char *lc, size_t len,
    const char **out, size_t *out_len)
{
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *first = NULL;
    ngx_uint_t        i, count = 0;
    size_t            total = 0;
    u_char           *p;

    *out = NULL;
    *out_len = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            if (h[i].key.len == len && ngx_strncmp(h[i].lowcase_key, lc, len) == 0) {
                if (first == NULL) {
                    first = &h[i];
                }
                count++;
                total += h[i].value.len + 2;
            }
        }
    }

    if (first == NULL) {
        return NGX_OK;
    }
    if (count == 1) {
        *out = (const char *) first->value.data;
        *out_len = first->value.len;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, total);
    if (p == NULL) {
        return NGX_ERROR;
    }
    *out = (const char *) p;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            if (h[i].key.len == len && ngx_strncmp(h[i].lowcase_key, lc, len) == 0) {
                if (p != (u_char *) *out) {
                    *p++ = ',';
                    *p++ = ' ';
                }
                p = ngx_cpymem(p, h[i].value.data, h[i].value.len);
            }
        }
    }
    *out_len = p - (u_char *) *out;

    return NGX_OK;
}


/* Whether a header is one the decision strips: its name in any case, and
 * with "_" for "-" (nginx passes such names on with underscores_in_headers
 * on, and IIS's server variables, HTTP_X_FORWARDED_PROTO, read both
 * spellings alike). */
static ngx_uint_t
ngx_http_sslvdir_match(ngx_table_elt_t *h, const u_char *lc, size_t len)
{
    size_t  i;

    if (lc == NULL || h->key.len != len) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (h->lowcase_key[i] != lc[i] && !(h->lowcase_key[i] == '_' && lc[i] == '-')) {
            return 0;
        }
    }
    return 1;
}


/* Removes the inbound headers the decision strips and adds the ones it
 * sets. nginx's upstream modules send every element of headers_in.headers
 * (but those their own *_set_header name), so the list is what the backend
 * sees. The headers this module set for an earlier decision (before a new
 * URI) are never the client's: overwritten or dropped alike, so that the
 * last decision's are there once.
 *
 * A main request's list is edited where it is: a client's copy of a header
 * the decision sets (a client claiming X-Forwarded-Proto: https) is
 * overwritten in place with the decision's header, no allocation, as
 * proxy_set_header needs none. Only a header stripped and not set again (a
 * second copy, the offloader's cipher header) makes the list be rebuilt
 * without it: elements move, but the pointers nginx keeps to known headers
 * (Host, Cookie) still point at the old, unchanged elements. The headers
 * overwritten or rebuilt are never known headers to nginx, so no such
 * pointer refers to them.
 *
 * A subrequest's list is a copy of its main request's head, whose parts it
 * shares: an element overwritten or pushed there would land in the main
 * request's list. It is rebuilt from the client's list (the main request's
 * as it was first decided). */
static ngx_int_t
ngx_http_sslvdir_edit_headers(ngx_http_request_t *r, ngx_http_sslvdir_main_conf_t *smcf,
    ngx_http_sslvdir_ctx_t *ctx)
{
    static ngx_str_t         xfp_key = ngx_string("X-Forwarded-Proto");
    static ngx_str_t         feh_key = ngx_string("Front-End-Https");
    static u_char            xfp[] = "x-forwarded-proto", feh[] = "front-end-https";
    const sslvdir_decision  *d = &ctx->d;
    unsigned                 strip = d->remove_headers | d->set_headers;
    ngx_list_part_t         *part;
    ngx_table_elt_t         *h, *n, set[2];
    ngx_list_t               src;
    ngx_uint_t               i, nset = 0, next = 0, kept = 0, extra = 0;

    /* The decision's headers, in the order they are added. */
    ngx_memzero(set, sizeof(set));
    if ((d->set_headers & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO) && d->x_forwarded_proto) {
        set[nset].key = xfp_key;
        set[nset].lowcase_key = xfp;
        set[nset].hash = ngx_hash_key(xfp, sizeof(xfp) - 1);
        set[nset].value.data = (u_char *) d->x_forwarded_proto;
        set[nset].value.len = ngx_strlen(d->x_forwarded_proto);
        nset++;
    }
    if ((d->set_headers & SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS) && d->front_end_https) {
        set[nset].key = feh_key;
        set[nset].lowcase_key = feh;
        set[nset].hash = ngx_hash_key(feh, sizeof(feh) - 1);
        set[nset].value.data = (u_char *) d->front_end_https;
        set[nset].value.len = ngx_strlen(d->front_end_https);
        nset++;
    }

/* A client's header to strip, or one this module set (its lowcase_key one
 * of the arrays above). */
#define NGX_HTTP_SSLVDIR_STRIPPED(h)                                               \
    ((h)->lowcase_key == xfp || (h)->lowcase_key == feh                            \
     || ((strip & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO)                                \
         && ngx_http_sslvdir_match(h, xfp, sizeof(xfp) - 1))                       \
     || ((strip & SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS)                                  \
         && ngx_http_sslvdir_match(h, feh, sizeof(feh) - 1))                       \
     || ((strip & SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER)                                   \
         && ngx_http_sslvdir_match(h, smcf->cipher_header_lc, smcf->cipher_header_len)))

    if (r == r->main) {
        for (part = &r->headers_in.headers.part; part; part = part->next) {
            h = part->elts;
            for (i = 0; i < part->nelts; i++) {
                if (!NGX_HTTP_SSLVDIR_STRIPPED(&h[i])) {
                    continue;
                }
                if (next < nset) {
                    h[i].key = set[next].key;
                    h[i].lowcase_key = set[next].lowcase_key;
                    h[i].hash = set[next].hash;
                    h[i].value = set[next].value;
                    next++;
                } else {
                    extra++;
                }
            }
        }
        if (extra == 0) {
            goto push;
        }
        src = r->headers_in.headers;

    } else {
        src = ctx->headers;
    }

    /* The list is made again in place: a list's last part points into the
     * list itself, so a list built elsewhere cannot be copied in. The
     * headers overwritten above come first among those the macro names,
     * in the same order: they are kept, the others dropped. */
    if (ngx_list_init(&r->headers_in.headers, r->pool, 20, sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }
    for (part = &src.part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            if (NGX_HTTP_SSLVDIR_STRIPPED(&h[i])) {
                if (kept == next) {
                    continue;
                }
                kept++;
            }
            n = ngx_list_push(&r->headers_in.headers);
            if (n == NULL) {
                return NGX_ERROR;
            }
            *n = h[i];
        }
    }

push:

#undef NGX_HTTP_SSLVDIR_STRIPPED

    /* what no client's copy took */
    for ( /* void */ ; next < nset; next++) {
        n = ngx_list_push(&r->headers_in.headers);
        if (n == NULL) {
            return NGX_ERROR;
        }
        *n = set[next];
    }

    return NGX_OK;
}


#if (NGX_HTTP_SSL)

/* What OpenSSL's verification of the client certificate says, in the
 * library's terms. nginx verifies with ssl_verify_client optional or
 * optional_no_ca; it answers 400 itself for the errors it does not let
 * through (with optional_no_ca, all but those of an unknown CA). */
static sslvdir_cert_status
ngx_http_sslvdir_client_cert(ngx_connection_t *c)
{
    long  rc;

#if (OPENSSL_VERSION_NUMBER >= 0x30000000L)
    if (SSL_get0_peer_certificate(c->ssl->connection) == NULL) {
        return SSLVDIR_CERT_STATUS_NONE;
    }
#else
    X509  *cert;

    cert = SSL_get_peer_certificate(c->ssl->connection);
    if (cert == NULL) {
        return SSLVDIR_CERT_STATUS_NONE;
    }
    X509_free(cert);
#endif

    rc = SSL_get_verify_result(c->ssl->connection);

    switch (rc) {
    case X509_V_OK:
        return SSLVDIR_CERT_STATUS_OK;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return SSLVDIR_CERT_STATUS_EXPIRED;
    case X509_V_ERR_CERT_REVOKED:
        return SSLVDIR_CERT_STATUS_REVOKED;
    default:
        /* an unknown CA, a bad signature, anything else: not trusted */
        return SSLVDIR_CERT_STATUS_UNTRUSTED;
    }
}

#endif


/* IIS's refusal page: "HTTP Error 403.4 - Forbidden" and the reason. */
static ngx_int_t
ngx_http_sslvdir_refuse(ngx_http_request_t *r, ngx_http_sslvdir_loc_conf_t *slcf,
    const sslvdir_decision *d)
{
    static ngx_str_t           type = ngx_string("text/html; charset=utf-8");
    ngx_http_complex_value_t   cv;
    ngx_table_elt_t           *h;
    const char                *title, *text, *name;
    u_char                    *p, code[NGX_INT_T_LEN * 2 + 2];
    size_t                     code_len, text_len;

    code_len = (d->substatus >= 0
                ? ngx_sprintf(code, "%i.%i", (ngx_int_t) d->status, (ngx_int_t) d->substatus)
                : ngx_sprintf(code, "%i", (ngx_int_t) d->status)) - code;

    switch (d->status) {
    case 400: title = "Bad Request"; break;
    case 404: title = "Not Found"; break;
    default: title = "Forbidden"; break;
    }

    /* The reason sentences are the library's own, plain text without
     * markup characters. */
    text = sslvdir_reason_string(d->reason);
    text_len = ngx_strlen(text);

    p = ngx_pnalloc(r->pool, 200 + 2 * code_len + 2 * ngx_strlen(title) + text_len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&cv, sizeof(ngx_http_complex_value_t));
    cv.value.data = p;
    p = ngx_sprintf(p, "<!DOCTYPE html>\n<html><head><title>%i - %s</title></head>\n"
                       "<body><h1>HTTP Error %*s - %s</h1>\n<p>%*s</p>\n</body></html>\n",
                    (ngx_int_t) d->status, title, code_len, code, title, text_len, text);
    cv.value.len = p - cv.value.data;

    if (slcf->debug_headers) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        h->hash = 1;
        ngx_str_set(&h->key, "X-Sslvdir-Status");
        h->value.data = ngx_pnalloc(r->pool, code_len);
        if (h->value.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        h->value.len = ngx_cpymem(h->value.data, code, code_len) - h->value.data;

        name = sslvdir_reason_name(d->reason);
        if (name != NULL) {
            h = ngx_list_push(&r->headers_out.headers);
            if (h == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
            h->hash = 1;
            ngx_str_set(&h->key, "X-Sslvdir-Reason");
            h->value.data = (u_char *) name;
            h->value.len = ngx_strlen(name);
        }
    }

    /* A refusal ends the connection's keep-alive as IIS's does not need to;
     * but the request body, if any, is read and dropped first. */
    return ngx_http_send_response(r, d->status, &type, &cv);
}


static ngx_int_t
ngx_http_sslvdir_redirect(ngx_http_request_t *r, const sslvdir_request *req,
    const sslvdir_decision *d)
{
    ngx_table_elt_t  *h;
    u_char           *loc;
    size_t            len;

    /* The Location is written once, straight into the request's pool: the
     * response is sent after this handler has returned. */
    loc = ngx_pnalloc(r->pool, d->location_len + 1);
    if (loc == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (sslvdir_decision_location(d, req, (char *) loc, d->location_len + 1, &len)
        != SSLVDIR_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "sslvdir: the decision's Location cannot be written");
        return NGX_HTTP_FORBIDDEN;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    h->hash = 1;
    ngx_str_set(&h->key, "Location");
    h->value.data = loc;
    h->value.len = len;

    ngx_http_clear_location(r);
    r->headers_out.location = h;

    return d->status;
}


/* The target to decide. For a main request whose URI nginx has not
 * changed, the raw request target, as the client sent it, in nginx's
 * buffer: for HTTP/1 the request line between the method and the protocol,
 * so that the absolute form keeps its scheme and authority (the library
 * reads the host from it, and "http://host" with no path is "/" as IIS
 * reads it; nginx's own URI fields fake a "/" there). HTTP/2 has no request
 * line: its :path is nginx's unparsed URI, its :authority the Host header.
 * *target is the origin form (the Autodiscover handler's input). */
static ngx_int_t
ngx_http_sslvdir_target(ngx_http_request_t *r, sslvdir_request *req, ngx_str_t *target)
{
    u_char     *p, *end;
    size_t      len;
    uintptr_t   escape;

    if (r != r->main || !r->valid_unparsed_uri) {
        /* A subrequest (whose unparsed URI is its main request's), or a
         * URI nginx has changed (a rewrite, an internal redirect): nginx's
         * URI and arguments, escaped as proxy_pass then sends them to the
         * backend. */
        escape = 2 * ngx_escape_uri(NULL, r->uri.data, r->uri.len, NGX_ESCAPE_URI);
        len = r->uri.len + escape + (r->args.len ? 1 + r->args.len : 0);
        p = ngx_pnalloc(r->pool, len ? len : 1);
        if (p == NULL) {
            return NGX_ERROR;
        }
        target->data = p;
        if (escape) {
            p = (u_char *) ngx_escape_uri(p, r->uri.data, r->uri.len, NGX_ESCAPE_URI);
        } else if (r->uri.len) {
            p = ngx_cpymem(p, r->uri.data, r->uri.len);
        }
        if (r->args.len) {
            *p++ = '?';
            p = ngx_cpymem(p, r->args.data, r->args.len);
        }
        target->len = p - target->data;
        req->target = (const char *) target->data;
        req->target_len = target->len;
        return NGX_OK;
    }

    *target = r->unparsed_uri;
    req->target = (const char *) r->unparsed_uri.data;
    req->target_len = r->unparsed_uri.len;

    if (r->http_version >= NGX_HTTP_VERSION_20 || r->request_line.len == 0
        || r->method_name.data != r->request_line.data
        || r->method_name.len >= r->request_line.len)
    {
        return NGX_OK;
    }

    p = r->request_line.data + r->method_name.len;
    end = r->request_line.data + r->request_line.len;

    if (r->http_protocol.data > p && r->http_protocol.data < end) {
        end = r->http_protocol.data;
    }
    while (p < end && *p == ' ') {
        p++;
    }
    while (end > p && end[-1] == ' ') {
        end--;
    }
    if (end > p) {
        req->target = (const char *) p;
        req->target_len = end - p;
    }

    return NGX_OK;
}


/* The host name of an authority ("Mail.contoso.com:80", "[::1]:80"),
 * without its port. */
static void
ngx_http_sslvdir_host_name(u_char *p, size_t len, ngx_str_t *name)
{
    u_char  *end = p + len, *q;

    name->data = p;
    if (len && *p == '[') {
        q = ngx_strlchr(p, end, ']');
        name->len = q ? (size_t) (q + 1 - p) : len;
        return;
    }
    q = ngx_strlchr(p, end, ':');
    name->len = q ? (size_t) (q - p) : len;
}


/* Whether an absolute-form target names another host than the Host header,
 * or comes without one (HTTP/1.0). The library decides on the target's
 * authority (RFC 9112 says the Host header is then ignored), but nginx
 * forwards the Host header ($http_host, as the front end of doc/nginx.md
 * sends it), or none, with the path alone: Exchange would serve the Host's
 * site, or the one bound to its address, a request decided for another's. */
static ngx_uint_t
ngx_http_sslvdir_host_mismatch(ngx_http_request_t *r, const sslvdir_request *req)
{
    u_char     *p, *end, *a;
    ngx_str_t   target, header;

    if (req->target_len == 0 || req->target[0] == '/'
        || (u_char *) req->target == r->unparsed_uri.data)
    {
        return 0;
    }
    if (r->headers_in.host == NULL) {
        return 1;
    }

    p = (u_char *) req->target;
    end = p + req->target_len;

    /* scheme "://" authority, up to the path, query or fragment */
    a = ngx_strlcasestrn(p, end, (u_char *) "://", 3 - 1);
    if (a == NULL) {
        return 0;
    }
    a += 3;
    for (p = a; p < end && *p != '/' && *p != '?' && *p != '#'; p++) { /* void */ }
    /* userinfo@host: the host is after the last '@' */
    for (end = p, p = a; p < end; p++) {
        if (*p == '@') {
            a = p + 1;
        }
    }

    ngx_http_sslvdir_host_name(a, end - a, &target);
    ngx_http_sslvdir_host_name(r->headers_in.host->value.data, r->headers_in.host->value.len,
                               &header);

    return target.len != header.len
           || ngx_strncasecmp(target.data, header.data, target.len) != 0;
}


/* A new context for r, with what the client sent: its main request's,
 * kept since that request was decided, or read from the main request now
 * (whose header list is then the client's: nothing has edited it). */
static ngx_http_sslvdir_ctx_t *
ngx_http_sslvdir_ctx_new(ngx_http_request_t *r, ngx_http_sslvdir_main_conf_t *smcf)
{
    static u_char            xfp[] = "x-forwarded-proto", feh[] = "front-end-https";
    ngx_http_request_t      *m = r->main;
    ngx_http_sslvdir_ctx_t  *ctx, *mctx;
    ngx_pool_cleanup_t      *cln;
    ngx_connection_t        *c = r->connection;
    sslvdir_request         *req;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_sslvdir_ctx_t));
    if (cln == NULL) {
        return NULL;
    }
    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_http_sslvdir_ctx_t));
    ctx->r = r;
    ctx->policy = smcf->policy;
    ctx->d.version = SSLVDIR_DECISION_VERSION;

    mctx = r != m ? ngx_http_sslvdir_get_ctx(m) : NULL;

    if (mctx != NULL) {
        ctx->client = mctx->client;
        ctx->headers = mctx->headers;

    } else {
        req = &ctx->client;
        *req = (sslvdir_request) SSLVDIR_REQUEST_INIT;

        if (m->headers_in.host) {
            req->host = (const char *) m->headers_in.host->value.data;
            req->host_len = m->headers_in.host->value.len;
        }
        req->peer = (const char *) c->addr_text.data;
        req->peer_len = c->addr_text.len;

#if (NGX_HTTP_SSL)
        if (c->ssl && c->ssl->connection) {
            int  bits;

            req->scheme = SSLVDIR_SCHEME_HTTPS;
            bits = SSL_get_cipher_bits(c->ssl->connection, NULL);
            req->cipher_bits = bits > 0 ? (unsigned) bits : 0;
            req->client_cert = ngx_http_sslvdir_client_cert(c);
        }
#endif

        if (ngx_http_sslvdir_header_in(m, xfp, sizeof(xfp) - 1, &req->x_forwarded_proto,
                                       &req->x_forwarded_proto_len) != NGX_OK
            || ngx_http_sslvdir_header_in(m, feh, sizeof(feh) - 1, &req->front_end_https,
                                          &req->front_end_https_len) != NGX_OK
            || (smcf->cipher_header_lc
                && ngx_http_sslvdir_header_in(m, smcf->cipher_header_lc,
                                              smcf->cipher_header_len, &req->offload_cipher,
                                              &req->offload_cipher_len)
                   != NGX_OK))
        {
            return NULL;
        }

        /* A copy of the list's head: its parts are not changed once
         * parsed, and this module rebuilds lists rather than add to one. */
        ctx->headers = m->headers_in.headers;
    }

    /* found again from now on (a half-made one never is) */
    cln->handler = ngx_http_sslvdir_cleanup_ctx;
    ngx_http_set_ctx(r, ctx, ngx_http_sslvdir_module);

    return ctx;
}


/* Whether r's URI and arguments are those its decision was made for: a
 * named location (error_page to @name, the Autodiscover handler's routing,
 * X-Accel-Redirect to @name) keeps them; a rewrite, or an internal redirect
 * to a URI, changes them. */
static ngx_uint_t
ngx_http_sslvdir_same_uri(ngx_http_request_t *r, ngx_http_sslvdir_ctx_t *ctx)
{
    return r->uri.len == ctx->uri.len && r->args.len == ctx->args.len
           && (r->uri.len == 0 || ngx_memcmp(r->uri.data, ctx->uri.data, r->uri.len) == 0)
           && (r->args.len == 0 || ngx_memcmp(r->args.data, ctx->args.data, r->args.len) == 0);
}


/* The request refused with status, whatever was decided for it before: a
 * later pass through a named location finds this, not an earlier allow. */
static void
ngx_http_sslvdir_fail(ngx_http_sslvdir_ctx_t *ctx, int status, int reason)
{
    ctx->d.action = SSLVDIR_ACTION_DENY;
    ctx->d.status = status;
    ctx->d.substatus = -1;
    ctx->d.reason = reason;
    ctx->d.upstream = SSLVDIR_UPSTREAM_AUTO;
    ctx->d.tls = 0;
    ctx->d.site = NULL;
    ctx->d.vdir = NULL;
    ctx->d.remove_headers = 0;
    ctx->d.set_headers = 0;
    ctx->d.path_len = 0;
    ctx->d.location_len = 0;
}


/* A subrequest (an SSI include, addition, mirror, auth_request) is decided
 * on its own URI with its main request's client, and goes on only if the
 * policy lets it through as it is: anything else gets the refusal's status,
 * which nginx answers for the subrequest alone (in an SSI page, an error in
 * the include's place; auth_request refuses its main request). A subrequest
 * cannot send its client elsewhere: a redirect is refused 403.4, as IIS
 * refuses plain HTTP where it has no redirect. */
static ngx_int_t
ngx_http_sslvdir_subrequest(ngx_http_request_t *r, ngx_http_sslvdir_main_conf_t *smcf,
    ngx_http_sslvdir_ctx_t *ctx)
{
    switch (ctx->d.action) {

    case SSLVDIR_ACTION_ALLOW:
        if (ngx_http_sslvdir_edit_headers(r, smcf, ctx) != NGX_OK) {
            ngx_http_sslvdir_fail(ctx, NGX_HTTP_INTERNAL_SERVER_ERROR, SSLVDIR_R_NONE);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        return NGX_DECLINED;

    case SSLVDIR_ACTION_REDIRECT:
        ctx->d.action = SSLVDIR_ACTION_DENY;
        ctx->d.status = NGX_HTTP_FORBIDDEN;
        ctx->d.substatus = 4;
        ctx->d.reason = SSLVDIR_R_SSL_REQUIRED;
        ctx->d.location_len = 0;
        /* fall through */

    default:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "sslvdir: subrequest \"%V\" refused (%i, %s)", &r->uri,
                      (ngx_int_t) ctx->d.status, sslvdir_reason_name(ctx->d.reason));
        return ctx->d.status;
    }
}


static ngx_int_t
ngx_http_sslvdir_handler(ngx_http_request_t *r)
{
    ngx_http_sslvdir_loc_conf_t   *slcf;
    ngx_http_sslvdir_main_conf_t  *smcf;
    ngx_http_sslvdir_ctx_t        *ctx;
    sslvdir_request                req;
    ngx_int_t                      rc;
    u_char                        *p;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sslvdir_module);
    if (!slcf->enable) {
        return NGX_DECLINED;
    }

    /* Decided for this URI before, in another location (a named one): an
     * allowed request has had its headers edited already. A redirect
     * handed to an error_page location is answered with its status again,
     * never let through; a refusal was answered without error_page, and
     * would be refused again. */
    ctx = ngx_http_sslvdir_get_ctx(r);
    if (ctx != NULL && ngx_http_sslvdir_same_uri(r, ctx)) {
        return ctx->d.action == SSLVDIR_ACTION_ALLOW ? NGX_DECLINED : ctx->d.status;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sslvdir_module);
    if (smcf->policy == NULL) {
        /* refused at configuration time; fail closed all the same */
        return NGX_HTTP_FORBIDDEN;
    }

    /* A first decision, or a new URI: decided (again) with what the client
     * sent, whatever an earlier decision said. */
    if (ctx == NULL) {
        ctx = ngx_http_sslvdir_ctx_new(r, smcf);
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    req = ctx->client;
    req.method = (const char *) r->method_name.data;
    req.method_len = r->method_name.len;

    /* the URI and arguments decided, copied: an X-Accel-Redirect's point
     * into the upstream's buffer */
    p = ngx_pnalloc(r->pool, r->uri.len + r->args.len + 1);
    if (p == NULL || ngx_http_sslvdir_target(r, &req, &ctx->target) != NGX_OK) {
        ngx_http_sslvdir_fail(ctx, NGX_HTTP_INTERNAL_SERVER_ERROR, SSLVDIR_R_NONE);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ctx->uri.data = p;
    ctx->uri.len = r->uri.len;
    if (r->uri.len) {
        p = ngx_cpymem(p, r->uri.data, r->uri.len);
    }
    ctx->args.data = p;
    ctx->args.len = r->args.len;
    if (r->args.len) {
        ngx_memcpy(p, r->args.data, r->args.len);
    }

    if (sslvdir_decide(ctx->policy, &req, &ctx->d) != SSLVDIR_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "sslvdir: the decision failed; refused");
        ngx_http_sslvdir_fail(ctx, NGX_HTTP_FORBIDDEN, SSLVDIR_R_NONE);
        return NGX_HTTP_FORBIDDEN;
    }

    /* Refused as a Host that is not valid, whatever the policy says of the
     * target's host: fail closed rather than guess which one the backend
     * will be given. */
    if (ngx_http_sslvdir_host_mismatch(r, &req)) {
        ngx_http_sslvdir_fail(ctx, NGX_HTTP_BAD_REQUEST, SSLVDIR_R_BAD_HOST);
    }

    if (r != r->main) {
        return ngx_http_sslvdir_subrequest(r, smcf, ctx);
    }

    switch (ctx->d.action) {

    case SSLVDIR_ACTION_ALLOW:
        if (ngx_http_sslvdir_edit_headers(r, smcf, ctx) != NGX_OK) {
            /* refused, also in a named location a 500 page reaches */
            ngx_http_sslvdir_fail(ctx, NGX_HTTP_INTERNAL_SERVER_ERROR, SSLVDIR_R_NONE);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        /* on to the other preaccess and access handlers */
        return NGX_DECLINED;

    case SSLVDIR_ACTION_REDIRECT:
        return ngx_http_sslvdir_redirect(r, &req, &ctx->d);

    default:
        rc = ngx_http_sslvdir_refuse(r, slcf, &ctx->d);
        if (rc == NGX_HTTP_INTERNAL_SERVER_ERROR) {
            return rc;
        }
        ngx_http_finalize_request(r, rc);
        return NGX_DONE;
    }
}


/* ------------------------------------------------------------ the response */

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;

/* Location, Content-Location, Refresh and Set-Cookie from the backend, made
 * to fit a client on TLS: an offloaded Exchange believes its client uses
 * http (http:// links, cookies without Secure). Only for requests the
 * policy let through as TLS: a plain-HTTP client must not be sent to https
 * by a Location it did not ask for. */
static ngx_int_t
ngx_http_sslvdir_header_filter(ngx_http_request_t *r)
{
    ngx_http_sslvdir_ctx_t  *ctx;
    ngx_list_part_t         *part;
    ngx_table_elt_t         *h;
    sslvdir_response_header      kind;
    ngx_uint_t               i;
    size_t                   len;
    u_char                  *p;
    int                      rc;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_http_sslvdir_get_ctx(r);
    if (ctx == NULL || ctx->d.action != SSLVDIR_ACTION_ALLOW || !ctx->d.tls) {
        return ngx_http_next_header_filter(r);
    }

    for (part = &r->headers_out.headers.part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash == 0) {
                continue;
            }
            kind = sslvdir_rewrite_header_kind((const char *) h[i].key.data, h[i].key.len);
            if (kind == SSLVDIR_RESPONSE_HEADER_OTHER) {
                continue;
            }

            /* measured first, then written into the request's pool */
            rc = sslvdir_rewrite_header(ctx->policy, ctx->d.vdir, kind,
                                        (const char *) h[i].value.data, h[i].value.len,
                                        NULL, 0, &len);
            if (rc == SSLVDIR_REWRITE_UNCHANGED) {
                continue;
            }
            if (rc == SSLVDIR_E_BUFFER_TOO_SMALL || rc == SSLVDIR_REWRITE_CHANGED) {
                p = ngx_pnalloc(r->pool, len ? len : 1);
                if (p == NULL) {
                    return NGX_ERROR;
                }
                rc = sslvdir_rewrite_header(ctx->policy, ctx->d.vdir, kind,
                                            (const char *) h[i].value.data, h[i].value.len,
                                            (char *) p, len, &len);
                if (rc == SSLVDIR_REWRITE_CHANGED) {
                    h[i].value.data = p;
                    h[i].value.len = len;
                    continue;
                }
            }

            /* A value that must not be sent (CR, LF, NUL): dropped rather
             * than passed on. */
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "sslvdir: dropped response header \"%V\": %s", &h[i].key,
                          sslvdir_strerror(rc));
            h[i].hash = 0;
            if (&h[i] == r->headers_out.location) {
                r->headers_out.location = NULL;
            }
        }
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_sslvdir_init(ngx_conf_t *cf)
{
    ngx_http_sslvdir_main_conf_t  *smcf;
    ngx_http_core_main_conf_t     *cmcf;
    ngx_http_handler_pt           *h;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sslvdir_module);

    if (!smcf->enabled) {
        return NGX_OK;
    }

    if (smcf->policy == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "sslvdir: \"sslvdir on\" needs a policy: give sslvdir_policy (a policy "
                      "file), sslvdir_preset (a built-in preset, with sslvdir_host and "
                      "sslvdir_ad_domain) or sslvdir_iisconfig in the http block");
        return NGX_ERROR;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PREACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    *h = ngx_http_sslvdir_handler;

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_sslvdir_header_filter;

    return ngx_http_sslvdir_body_init(cf);
}
