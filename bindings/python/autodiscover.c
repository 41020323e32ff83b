/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir Python extension: Autodiscover: the server side
 * (Policy.autodiscover_*), the client side (AutodiscoverChain, candidates,
 * SRV selection, redirect bodies).
 */
#include "_sslvdir.h"

/* ------------------------------------------------------------ Policy.autodiscover_* */

/* Autodiscover params from keywords. */
static int ad_params(sslvdir_autodiscover_params *p, PyObject *side, PyObject *time_us,
                     int spec_spelling) {
  sslvdir_autodiscover_params init = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  *p = init;
  if (side && side != Py_None) {
    int s;
    if (parse_name(side, side_names, &s, "side") < 0)
      return -1;
    p->side = (sslvdir_url_side)s;
  }
  if (time_us && time_us != Py_None) {
    unsigned long long t;
    if (get_uint(time_us, LLONG_MAX, "time_us", &t) < 0)
      return -1;
    p->time_us = t;
  }
  if (spec_spelling)
    p->flags |= SSLVDIR_AUTODISCOVER_FLAG_SPEC_SPELLING;
  return 0;
}

struct ad_ctx {
  const sslvdir_policy *p;
  const sslvdir_site *site;
  const char *body;
  size_t len;
  const char *email, *legacy_dn, *url;
  int schema, code, http_status;
  sslvdir_autodiscover_params params;
};
static int ad_respond_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_respond(x->p, x->body, x->len, &x->params, out, size, len);
}
static int ad_json_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_json(x->p, x->body, x->len, &x->params, &x->http_status, out, size,
                                   len);
}
static int ad_json_target_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_json_target(x->p, x->body, x->len, &x->params, &x->http_status, out,
                                          size, len);
}
static int ad_settings_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_settings(x->p, x->site, (sslvdir_autodiscover_schema)x->schema,
                                       x->email, x->legacy_dn, &x->params, out, size, len);
}
static int ad_error_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_error(x->p, (sslvdir_autodiscover_schema)x->schema, x->code,
                                    &x->params, out, size, len);
}
static int ad_redirect_addr_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_redirect_addr((sslvdir_autodiscover_schema)x->schema, x->email,
                                            &x->params, out, size, len);
}
static int ad_redirect_url_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_redirect_url(x->url, &x->params, out, size, len);
}

PyObject *policy_ad_respond(PolicyObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"body", "side", "time_us", "spec_spelling", NULL};
  PyObject *body, *side = NULL, *time_us = NULL;
  struct flag spec = {"spec_spelling", 0};
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$OOO&:autodiscover_respond", kwlist, &body, &side,
                                   &time_us, conv_flag, &spec))
    return NULL;
  struct ad_ctx x = {.p = o->p};
  Py_ssize_t n;
  if (get_text(body, &x.body, &n, "body") < 0 ||
      ad_params(&x.params, side, time_us, spec.value) < 0)
    return NULL;
  x.len = (size_t)n;
  /* Without the GIL: the Policy is immutable and has no close(), and body
   * is a str or bytes the call's arguments keep alive. */
  return fill_bytes(ad_respond_fill, &x, NULL, 1);
}

PyObject *policy_ad_json(PolicyObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"query", "side", "path", NULL};
  PyObject *query, *side = NULL, *path = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$OO:autodiscover_json", kwlist, &query, &side,
                                   &path))
    return NULL;
  struct ad_ctx x = {.p = o->p};
  Py_ssize_t n;
  if (get_text(query, &x.body, &n, "query") < 0 || ad_params(&x.params, side, NULL, 0) < 0)
    return NULL;
  x.len = (size_t)n;
  PyObject *target = NULL;
  if (path != Py_None) {
    /* The path form (the address in the path): the library reads the whole
     * request target, PATH?QUERY. */
    const char *pt;
    Py_ssize_t pn;
    if (get_text(path, &pt, &pn, "path") < 0)
      return NULL;
    if (memchr(pt, '?', (size_t)pn)) {
      PyErr_SetString(PyExc_ValueError, "path: holds a '?' (pass the query separately)");
      return NULL;
    }
    if (!(target = PyBytes_FromStringAndSize(NULL, pn + 1 + n)))
      return NULL;
    char *t = PyBytes_AS_STRING(target);
    memcpy(t, pt, (size_t)pn);
    t[pn] = '?';
    memcpy(t + pn + 1, x.body, (size_t)n);
    x.body = t;
    x.len = (size_t)(pn + 1 + n);
  }
  PyObject *b = bytes_to_str(fill_bytes(target ? ad_json_target_fill : ad_json_fill, &x, NULL, 0));
  Py_XDECREF(target);
  if (!b)
    return NULL;
  return Py_BuildValue("(iN)", x.http_status, b);
}

PyObject *policy_ad_settings(PolicyObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"site", "schema", "email", "legacy_dn", "side", "time_us", NULL};
  PyObject *site, *schema, *email = Py_None, *ldn = Py_None, *side = NULL, *time_us = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|OO$OO:autodiscover_settings", kwlist, &site,
                                   &schema, &email, &ldn, &side, &time_us))
    return NULL;
  REQUIRE_TYPE(site, &SiteType, "site must be a Site");
  if (((SiteObject *)site)->policy->p != o->p) {
    PyErr_SetString(PyExc_ValueError, "site belongs to another policy");
    return NULL;
  }
  struct ad_ctx x = {.p = o->p, .site = ((SiteObject *)site)->site};
  if (parse_name(schema, schema_names, &x.schema, "schema") < 0 ||
      get_opt_cstr(email, &x.email, "email") < 0 || get_opt_cstr(ldn, &x.legacy_dn, "legacy_dn") < 0 ||
      ad_params(&x.params, side, time_us, 0) < 0)
    return NULL;
  return fill_bytes(ad_settings_fill, &x, NULL, 0);
}

PyObject *policy_ad_error(PolicyObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"schema", "code", "time_us", NULL};
  PyObject *schema, *time_us = NULL;
  int code;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "OO&|$O:autodiscover_error", kwlist, &schema, conv_int, &code,
                                   &time_us))
    return NULL;
  struct ad_ctx x = {.p = o->p, .code = code};
  if (parse_name(schema, schema_names, &x.schema, "schema") < 0 ||
      ad_params(&x.params, NULL, time_us, 0) < 0)
    return NULL;
  return fill_bytes(ad_error_fill, &x, NULL, 0);
}

static PyObject *ad_rule_tuple(PolicyObject *o, const char *domain, size_t i, int *rc) {
  const char *name = NULL, *target = NULL;
  sslvdir_autodiscover_action action = SSLVDIR_AUTODISCOVER_ACTION_NONE;
  const sslvdir_site *site = NULL;
  *rc = sslvdir_autodiscover_domain_rule(o->p, domain, i, &name, &action, &target, &site);
  if (*rc)
    return NULL;
  return Py_BuildValue("(NsNN)", str_or_none(name), value_name(ad_action_names, action),
                       str_or_none(target), site_wrap(o, site));
}

PyObject *policy_ad_domain_rule(PolicyObject *o, PyObject *arg) {
  const char *domain;
  int rc;
  if (get_cstr(arg, &domain, "domain") < 0)
    return NULL;
  PyObject *t = ad_rule_tuple(o, domain, 0, &rc);
  if (rc == SSLVDIR_E_NOT_FOUND)
    Py_RETURN_NONE;
  if (rc)
    return raise_code(rc, NULL);
  return t;
}

PyObject *policy_get_ad_rules(PolicyObject *o, void *c) {
  (void)c;
  PyObject *list = PyList_New(0);
  for (size_t i = 0; list; i++) {
    int rc;
    PyObject *t = ad_rule_tuple(o, NULL, i, &rc);
    if (rc == SSLVDIR_E_NOT_FOUND)
      break;
    if (!t) {
      Py_DECREF(list);
      return rc ? raise_code(rc, NULL) : NULL;
    }
    if (PyList_Append(list, t) < 0)
      Py_CLEAR(list);
    Py_DECREF(t);
  }
  if (!list)
    return NULL;
  PyObject *r = PyList_AsTuple(list);
  Py_DECREF(list);
  return r;
}

/* ------------------------------------------------------------ AutodiscoverChain */

static PyObject *chain_new(PyTypeObject *t, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"email", NULL};
  const char *email;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "s:AutodiscoverChain", kwlist, &email))
    return NULL;
  ChainObject *o = (ChainObject *)t->tp_alloc(t, 0);
  if (!o)
    return NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_autodiscover_chain_new(&o->c, email, &e);
  if (rc) {
    Py_DECREF(o);
    return raise_code(rc, &e);
  }
  return (PyObject *)o;
}
DEFINE_DEALLOC(chain, ChainObject, sslvdir_autodiscover_chain_free, c)
static PyObject *chain_close(ChainObject *o, PyObject *Py_UNUSED(a)) {
  sslvdir_autodiscover_chain_free(o->c);
  o->c = NULL;
  Py_RETURN_NONE;
}
static PyObject *chain_url(ChainObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"url", "http_status", NULL};
  PyObject *url;
  int status = 0;
  CHAIN_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O&:follow_url", kwlist, &url, conv_int, &status))
    return NULL;
  const char *u;
  Py_ssize_t n;
  if (get_text(url, &u, &n, "url") < 0)
    return NULL;
  BRC(sslvdir_autodiscover_chain_follow_url(o->c, status, u, (size_t)n, &e));
}
static PyObject *chain_addr(ChainObject *o, PyObject *args) {
  PyObject *addr;
  CHAIN_OPEN(o);
  if (!PyArg_ParseTuple(args, "U:follow_address", &addr))
    return NULL;
  Py_ssize_t n;
  const char *a = PyUnicode_AsUTF8AndSize(addr, &n);
  if (!a)
    return NULL;
  BRC(sslvdir_autodiscover_chain_follow_addr(o->c, a, (size_t)n, &e));
}
static PyObject *chain_get_count(ChainObject *o, void *c) {
  (void)c;
  CHAIN_OPEN(o);
  return PyLong_FromUnsignedLong(sslvdir_autodiscover_chain_count(o->c));
}
static PyObject *chain_get_address(ChainObject *o, void *c) {
  (void)c;
  CHAIN_OPEN(o);
  return str_or_none(sslvdir_autodiscover_chain_address(o->c));
}
static PyMethodDef chain_methods[] = {
    BM("follow_url", chain_url, METH_VARARGS | METH_KEYWORDS,
       SIG("follow_url($self, url, http_status=0)",
           "Raises RefusedError when a client must not follow it.")),
    BM("follow_address", chain_addr, METH_VARARGS,
       SIG("follow_address($self, address, /)",
           "A redirectAddr; raises RefusedError on a loop or too many.")),
    BM("close", chain_close, METH_NOARGS, SIG("close($self, /)", "Free the chain now.")),
    CM_METHODS,
    {NULL, NULL, 0, NULL}};
static PyGetSetDef chain_getset[] = {
    {"count", (getter)chain_get_count, NULL, "Redirects followed so far.", NULL},
    {"address", (getter)chain_get_address, NULL, "The address now looked up.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

/* ------------------------------------------------------------ module functions */

PyObject *m_ad_parse_request(PyObject *m, PyObject *arg) {
  (void)m;
  const char *b;
  Py_ssize_t n;
  if (get_text(arg, &b, &n, "body") < 0)
    return NULL;
  sslvdir_autodiscover_request rq = SSLVDIR_AUTODISCOVER_REQUEST_INIT;
  sslvdir_error e = {0};
  int rc;
  Py_BEGIN_ALLOW_THREADS rc = sslvdir_autodiscover_parse_request(b, (size_t)n, &rq, &e);
  Py_END_ALLOW_THREADS if (rc && rc != SSLVDIR_E_SYNTAX && rc != SSLVDIR_E_UNKNOWN_NAME &&
                           rc != SSLVDIR_E_REFUSED && rc != SSLVDIR_E_RANGE) return raise_code(rc,
                                                                                               &e);
  return Py_BuildValue("{s:s,s:i,s:N,s:N,s:N}", "schema", value_name(schema_names_all, rq.schema),
                       "error", rq.error, "email", rq.email[0] ? str_or_none(rq.email) : Py_NewRef(Py_None),
                       "legacy_dn", rq.legacy_dn[0] ? str_or_none(rq.legacy_dn) : Py_NewRef(Py_None),
                       "message", rc ? str_or_none(e.message[0] ? e.message : sslvdir_strerror(rc))
                                     : Py_NewRef(Py_None));
}
PyObject *m_ad_redirect_addr(PyObject *m, PyObject *args, PyObject *kw) {
  (void)m;
  static char *kwlist[] = {"schema", "address", "time_us", NULL};
  PyObject *schema, *time_us = NULL;
  const char *address;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "Os|$O:autodiscover_redirect_addr", kwlist, &schema,
                                   &address, &time_us))
    return NULL;
  struct ad_ctx x = {.email = address};
  if (parse_name(schema, schema_names, &x.schema, "schema") < 0 ||
      ad_params(&x.params, NULL, time_us, 0) < 0)
    return NULL;
  return fill_bytes(ad_redirect_addr_fill, &x, NULL, 0);
}
PyObject *m_ad_redirect_url(PyObject *m, PyObject *args, PyObject *kw) {
  (void)m;
  static char *kwlist[] = {"url", "spec_spelling", NULL};
  const char *url;
  struct flag spec = {"spec_spelling", 0};
  if (!PyArg_ParseTupleAndKeywords(args, kw, "s|$O&:autodiscover_redirect_url", kwlist, &url,
                                   conv_flag, &spec))
    return NULL;
  struct ad_ctx x = {.url = url};
  if (ad_params(&x.params, NULL, NULL, spec.value) < 0)
    return NULL;
  return fill_bytes(ad_redirect_url_fill, &x, NULL, 0);
}
PyTypeObject CandidateType;
static PyStructSequence_Field candidate_fields[] = {
    {"method", "\"post\", \"get-redirect\" or \"srv\""},
    {"url", "the URL, or the SRV name for \"srv\""},
    {NULL, NULL}};
PyStructSequence_Desc candidate_desc = {
    "sslvdir.Candidate", "Where a client tries Autodiscover, in order.", candidate_fields, 2};
static PyObject *candidate_item(const void *ctx, size_t i) {
  const sslvdir_autodiscover_candidate *c = ctx;
  return STRUCT_SEQ(&CandidateType, PyUnicode_FromString(value_name(ad_method_names, c[i].method)),
                    str_or_none(c[i].url));
}
PyObject *m_ad_candidates(PyObject *m, PyObject *arg) {
  (void)m;
  const char *email;
  if (get_cstr(arg, &email, "email") < 0)
    return NULL;
  sslvdir_autodiscover_candidate c[8];
  size_t n = 0;
  int rc = sslvdir_autodiscover_candidates(email, c, 8, &n);
  if (rc)
    return raise_code(rc, NULL);
  return tuple_of(n, candidate_item, c);
}
PyObject *m_srv_select(PyObject *m, PyObject *arg) {
  (void)m;
  PyObject *seq = PySequence_Fast(arg, "records must be a sequence of (priority, weight, port, target)");
  if (!seq)
    return NULL;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  if (n > 1024) {
    Py_DECREF(seq);
    PyErr_SetString(PyExc_ValueError, "at most 1024 SRV records");
    return NULL;
  }
  sslvdir_srv_record *r = PyMem_Calloc((size_t)n + 1, sizeof *r);
  if (!r) {
    Py_DECREF(seq);
    return PyErr_NoMemory();
  }
  PyObject *res = NULL;
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
    if (!PyTuple_Check(item) ||
        !PyArg_ParseTuple(item, "O&O&O&s;SRV record must be (priority, weight, port, target)",
                          conv_uint, &r[i].priority, conv_uint, &r[i].weight, conv_uint,
                          &r[i].port, &r[i].target)) {
      if (!PyErr_Occurred())
        PyErr_SetString(PyExc_TypeError, "SRV record must be a tuple (priority, weight, port, target)");
      goto done;
    }
  }
  size_t idx = 0;
  char url[SSLVDIR_AUTODISCOVER_URL_BUFSZ];
  int rc = sslvdir_autodiscover_srv_select(r, (size_t)n, &idx, url, sizeof url, NULL);
  if (rc == SSLVDIR_E_NOT_FOUND)
    res = Py_NewRef(Py_None);
  else if (rc)
    raise_code(rc, NULL);
  else
    res = Py_BuildValue("(nN)", (Py_ssize_t)idx, str_or_none(url));
done:
  PyMem_Free(r);
  Py_DECREF(seq);
  return res;
}

TYPE(ChainType, "AutodiscoverChain", ChainObject,
     SIG("AutodiscoverChain(email)",
         "The client-side rules for following Autodiscover redirects."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = chain_new, .tp_dealloc = (destructor)chain_dealloc,
     .tp_methods = chain_methods, .tp_getset = chain_getset)
