/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir Python extension: Policy, Site, VDir and Decision (the
 * per-request answer), and Builder, which makes a Policy.
 */
#include "_sslvdir.h"

/* ------------------------------------------------------------ Policy, Site, VDir */

PyObject *policy_wrap(sslvdir_policy *p) { /* takes the reference */
  PolicyObject *o = PyObject_New(PolicyObject, &PolicyType);
  if (!o) {
    sslvdir_policy_unref(p);
    return NULL;
  }
  o->p = p;
  return (PyObject *)o;
}

static void policy_dealloc(PolicyObject *o) {
  sslvdir_policy_unref(o->p);
  PyObject_Free(o);
}

PyObject *site_wrap(PolicyObject *policy, const sslvdir_site *s) {
  if (!s)
    Py_RETURN_NONE;
  SiteObject *o = PyObject_New(SiteObject, &SiteType);
  if (!o)
    return NULL;
  o->policy = (PolicyObject *)Py_NewRef((PyObject *)policy);
  o->site = s;
  return (PyObject *)o;
}

static PyObject *vdir_wrap(PolicyObject *policy, const sslvdir_vdir *v) {
  if (!v)
    Py_RETURN_NONE;
  VDirObject *o = PyObject_New(VDirObject, &VDirType);
  if (!o)
    return NULL;
  o->policy = (PolicyObject *)Py_NewRef((PyObject *)policy);
  o->vdir = v;
  return (PyObject *)o;
}

static void site_dealloc(SiteObject *o) {
  Py_DECREF(o->policy);
  PyObject_Free(o);
}

static void vdir_dealloc(VDirObject *o) {
  Py_DECREF(o->policy);
  PyObject_Free(o);
}

/* Site */
static PyObject *site_get_name(SiteObject *o, void *c) {
  (void)c;
  return str_or_none(sslvdir_site_name(o->site));
}
static PyObject *site_get_hosts(SiteObject *o, void *c) {
  (void)c;
  return str_tuple(o->site, sslvdir_site_host_count(o->site), (indexed_str_fn)sslvdir_site_host);
}
static PyObject *site_get_canonical_host(SiteObject *o, void *c) {
  (void)c;
  return str_or_none(sslvdir_site_canonical_host(o->site));
}
static PyObject *site_get_https_port(SiteObject *o, void *c) {
  (void)c;
  return PyLong_FromUnsignedLong(sslvdir_site_https_port(o->site));
}
static PyObject *site_get_ad_redirect(SiteObject *o, void *c) {
  (void)c;
  return str_or_none(sslvdir_site_autodiscover_redirect(o->site));
}
static PyObject *site_vdir_item(const void *ctx, size_t i) {
  const SiteObject *o = ctx;
  return vdir_wrap(o->policy, sslvdir_site_vdir(o->site, i));
}
static PyObject *site_get_vdirs(SiteObject *o, void *c) {
  (void)c;
  return tuple_of(sslvdir_site_vdir_count(o->site), site_vdir_item, o);
}
static PyObject *site_match(SiteObject *o, PyObject *arg) {
  const char *s;
  Py_ssize_t n;
  if (get_text(arg, &s, &n, "path") < 0)
    return NULL;
  return vdir_wrap(o->policy, sslvdir_site_match(o->site, s, (size_t)n));
}
static PyObject *site_repr(SiteObject *o) {
  return PyUnicode_FromFormat("<sslvdir.Site %R>", site_get_name(o, NULL));
}
static PyObject *site_richcompare(PyObject *a, PyObject *b, int op) {
  if (!PyObject_TypeCheck(b, &SiteType) || (op != Py_EQ && op != Py_NE))
    Py_RETURN_NOTIMPLEMENTED;
  int eq = ((SiteObject *)a)->site == ((SiteObject *)b)->site;
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}
static Py_hash_t site_hash(SiteObject *o) { return _Py_HashPointer((void *)o->site); }

static PyGetSetDef site_getset[] = {
    {"name", (getter)site_get_name, NULL, "The IIS site name (\"Default Web Site\").", NULL},
    {"hosts", (getter)site_get_hosts, NULL, "Host names the site answers, as a tuple.", NULL},
    {"canonical_host", (getter)site_get_canonical_host, NULL, "Host used in redirects.", NULL},
    {"https_port", (getter)site_get_https_port, NULL, "The site's https port.", NULL},
    {"autodiscover_redirect", (getter)site_get_ad_redirect, NULL,
     "Host a port-80 Autodiscover site redirects to, or None.", NULL},
    {"vdirs", (getter)site_get_vdirs, NULL, "The site's virtual directories, as a tuple.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};
static PyMethodDef site_methods[] = {
    {"match", (PyCFunction)site_match, METH_O,
     SIG("match($self, path, /)", "-> VDir or None: the vdir a canonical path falls in.")},
    {NULL, NULL, 0, NULL}};

/* VDir */
/* One getter per property: VDIR_GET(name, expression giving the new reference). */
#define VDIR_GET(name, expr)                                   \
  static PyObject *vdir_get_##name(VDirObject *o, void *c) {   \
    (void)c;                                                   \
    return expr;                                               \
  }
#define V (o->vdir)
VDIR_GET(path, str_or_none(sslvdir_vdir_path(V)))
VDIR_GET(config_path, str_or_none(sslvdir_vdir_config_path(V)))
VDIR_GET(kind, str_or_none(sslvdir_kind_name(sslvdir_vdir_kind(V))))
VDIR_GET(upstream, str_or_none(sslvdir_upstream_name(sslvdir_vdir_upstream(V))))
VDIR_GET(upstream_reason, str_or_none(sslvdir_vdir_upstream_reason(V)))
VDIR_GET(internal_url, str_or_none(sslvdir_vdir_url(V, SSLVDIR_URL_INTERNAL)))
VDIR_GET(external_url, str_or_none(sslvdir_vdir_url(V, SSLVDIR_URL_EXTERNAL)))
VDIR_GET(edge_flags, PyLong_FromUnsignedLong(sslvdir_vdir_edge_flags(V)))
VDIR_GET(backend_flags, PyLong_FromUnsignedLong(sslvdir_vdir_backend_flags(V)))
VDIR_GET(edge_text, flags_text(sslvdir_vdir_edge_flags(V)))
VDIR_GET(backend_text, flags_text(sslvdir_vdir_backend_flags(V)))
VDIR_GET(redirect_status, PyLong_FromLong(sslvdir_vdir_redirect_status(V)))
VDIR_GET(secure_cookies, PyBool_FromLong(sslvdir_vdir_secure_cookies(V)))
VDIR_GET(ep, PyBool_FromLong(sslvdir_vdir_extended_protection(V)))
VDIR_GET(site, site_wrap(o->policy, sslvdir_vdir_site(V)))
#undef V
static PyObject *vdir_repr(VDirObject *o) {
  return PyUnicode_FromFormat("<sslvdir.VDir %s (%s, %s)>", sslvdir_vdir_config_path(o->vdir),
                              sslvdir_kind_name(sslvdir_vdir_kind(o->vdir)),
                              sslvdir_upstream_name(sslvdir_vdir_upstream(o->vdir)));
}
static PyObject *vdir_richcompare(PyObject *a, PyObject *b, int op) {
  if (!PyObject_TypeCheck(b, &VDirType) || (op != Py_EQ && op != Py_NE))
    Py_RETURN_NOTIMPLEMENTED;
  int eq = ((VDirObject *)a)->vdir == ((VDirObject *)b)->vdir;
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}
static Py_hash_t vdir_hash(VDirObject *o) { return _Py_HashPointer((void *)o->vdir); }

static PyGetSetDef vdir_getset[] = {
    {"path", (getter)vdir_get_path, NULL, "URL path of the vdir (\"/owa\").", NULL},
    {"config_path", (getter)vdir_get_config_path, NULL,
     "The path appcmd uses (\"Default Web Site/owa\").", NULL},
    {"kind", (getter)vdir_get_kind, NULL, "\"owa\", \"ews\", ... or \"other\".", NULL},
    {"edge_flags", (getter)vdir_get_edge_flags, NULL, "sslFlags clients must meet, as bits.", NULL},
    {"edge_flags_text", (getter)vdir_get_edge_text, NULL, "edge_flags as IIS writes them.", NULL},
    {"backend_flags", (getter)vdir_get_backend_flags, NULL, "sslFlags of the backend.", NULL},
    {"backend_flags_text", (getter)vdir_get_backend_text, NULL, "backend_flags as text.", NULL},
    {"redirect_status", (getter)vdir_get_redirect_status, NULL,
     "Status of the http->https redirect, 0 when it denies instead.", NULL},
    {"internal_url", (getter)vdir_get_internal_url, NULL, "InternalUrl or None.", NULL},
    {"external_url", (getter)vdir_get_external_url, NULL, "ExternalUrl or None.", NULL},
    {"secure_cookies", (getter)vdir_get_secure_cookies, NULL, "Set-Cookie gains Secure.", NULL},
    {"extended_protection", (getter)vdir_get_ep, NULL, "Extended Protection is on.", NULL},
    {"upstream", (getter)vdir_get_upstream, NULL, "\"offload\" or \"bridge\".", NULL},
    {"upstream_reason", (getter)vdir_get_upstream_reason, NULL, "Why that upstream.", NULL},
    {"site", (getter)vdir_get_site, NULL, "The Site the vdir belongs to.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

/* Decision */
PyTypeObject DecisionType;
static PyStructSequence_Field decision_fields[] = {
    {"action", "\"allow\", \"redirect\" or \"deny\""},
    {"status", "HTTP status: 301/302/307/308, 400, 403, 404; 0 when allowed"},
    {"substatus", "IIS substatus (4 for 403.4), -1 when none"},
    {"iis_status", "status and substatus as IIS logs them (\"403.4\"), \"\" when allowed"},
    {"reason", "reason name (\"ssl-required\")"},
    {"reason_text", "one-line explanation"},
    {"upstream", "\"offload\" or \"bridge\" (\"auto\" when refused before matching)"},
    {"tls", "True when the request counts as TLS"},
    {"site", "the Site chosen by Host, or None"},
    {"vdir", "the matched VDir, or None"},
    {"remove_headers", "header names to strip from the request, a tuple"},
    {"set_headers", "headers to set towards the backend, a dict"},
    {"path", "canonical path (empty when refused)"},
    {"location", "redirect target (empty unless redirect)"},
    {NULL, NULL}};
PyStructSequence_Desc decision_desc = {
    "sslvdir.Decision", "What sslvdir decided for one request (see sslvdir_decide(3)).",
    decision_fields, 14};

/* cipher_header: the policy's offloader cipher header, the name of
 * SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER. */
static PyObject *header_tuple(unsigned bits, const char *cipher_header) {
  PyObject *t = PyList_New(0);
  for (unsigned b = 1; t && b <= SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER; b <<= 1)
    if ((bits & b) && (b != SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER || cipher_header)) {
      PyObject *s = PyUnicode_FromString(b == SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER ? cipher_header
                                                                            : sslvdir_request_header_name(b));
      if (!s || PyList_Append(t, s) < 0) {
        Py_XDECREF(s);
        Py_CLEAR(t);
      } else
        Py_DECREF(s);
    }
  if (!t)
    return NULL;
  PyObject *r = PyList_AsTuple(t);
  Py_DECREF(t);
  return r;
}

/* The decision holds the lengths of its canonical path and Location; the
 * bytes are written from the request into a buffer of exactly that size. */
static PyObject *decision_text(const sslvdir_decision *d, const sslvdir_request *rq, int location) {
  size_t n = location ? d->location_len : d->path_len, got = 0;
  if (!n)
    return PyUnicode_FromString("");
  char *buf = PyMem_Malloc(n + 1);
  if (!buf)
    return PyErr_NoMemory();
  int rc = location ? sslvdir_decision_location(d, rq, buf, n + 1, &got)
                    : sslvdir_path_canonicalize(rq->target, rq->target_len, NULL, buf, n + 1, &got);
  PyObject *v = rc == SSLVDIR_OK && got == n ? str_n(buf, n) : raise_code(rc ? rc : SSLVDIR_E_INCONSISTENT, NULL);
  PyMem_Free(buf);
  return v;
}

static PyObject *decision_build(PolicyObject *po, const sslvdir_decision *d, const sslvdir_request *rq) {
  char iis[32] = "";
  if (d->status)
    snprintf(iis, sizeof iis, d->substatus >= 0 ? "%d.%d" : "%d", d->status, d->substatus);
  PyObject *set = PyDict_New();
  if (set && (d->set_headers & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO)) {
    PyObject *v = str_or_none(d->x_forwarded_proto);
    if (!v || PyDict_SetItemString(set, sslvdir_request_header_name(SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO), v) < 0)
      Py_CLEAR(set);
    Py_XDECREF(v);
  }
  if (set && (d->set_headers & SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS)) {
    PyObject *v = str_or_none(d->front_end_https);
    if (!v || PyDict_SetItemString(set, sslvdir_request_header_name(SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS), v) < 0)
      Py_CLEAR(set);
    Py_XDECREF(v);
  }
  PyObject *items[14] = {
      PyUnicode_FromString(sslvdir_action_name(d->action)),
      PyLong_FromLong(d->status),
      PyLong_FromLong(d->substatus),
      PyUnicode_FromString(iis),
      str_or_none(sslvdir_reason_name(d->reason)),
      str_or_none(sslvdir_reason_string(d->reason)),
      PyUnicode_FromString(sslvdir_upstream_name(d->upstream)),
      PyBool_FromLong(d->tls),
      site_wrap(po, d->site),
      vdir_wrap(po, d->vdir),
      header_tuple(d->remove_headers, sslvdir_policy_cipher_header(po->p)),
      set,
      decision_text(d, rq, 0),
      decision_text(d, rq, 1),
  };
  return struct_seq(&DecisionType, items, 14);
}

const struct name_value cert_status_names[] = {{"none", SSLVDIR_CERT_STATUS_NONE},
                                                      {"ok", SSLVDIR_CERT_STATUS_OK},
                                                      {"untrusted", SSLVDIR_CERT_STATUS_UNTRUSTED},
                                                      {"expired", SSLVDIR_CERT_STATUS_EXPIRED},
                                                      {"revoked", SSLVDIR_CERT_STATUS_REVOKED},
                                                      {NULL, 0}};

static PyObject *policy_decide(PolicyObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"method", "target", "host", "tls", "peer", "cipher_bits",
                           "client_cert", "x_forwarded_proto", "front_end_https",
                           "offload_cipher", NULL};
  PyObject *method, *target, *host = Py_None, *peer = Py_None, *client_cert = NULL;
  PyObject *xfp = Py_None, *feh = Py_None, *oc = Py_None, *bits_obj = NULL;
  struct flag tls = {"tls", 0};
  unsigned long long cipher_bits = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|O$O&OOOOOO:decide", kwlist, &method, &target,
                                   &host, conv_flag, &tls, &peer, &bits_obj, &client_cert, &xfp,
                                   &feh, &oc))
    return NULL;
  if (bits_obj && get_uint(bits_obj, UINT_MAX, "cipher_bits", &cipher_bits) < 0)
    return NULL;
  sslvdir_request rq = SSLVDIR_REQUEST_INIT;
  Py_ssize_t n;
  if (get_text(method, &rq.method, &n, "method") < 0)
    return NULL;
  rq.method_len = (size_t)n;
  if (get_text(target, &rq.target, &n, "target") < 0)
    return NULL;
  rq.target_len = (size_t)n;
  if (host != Py_None) {
    if (get_text(host, &rq.host, &n, "host") < 0)
      return NULL;
    rq.host_len = (size_t)n;
  }
  if (peer != Py_None) {
    if (get_text(peer, &rq.peer, &n, "peer") < 0)
      return NULL;
    rq.peer_len = (size_t)n;
    /* The rule of the command's --peer: the library trusts nothing it
     * cannot parse, so "10.0.0.5:443" or "[10.0.0.5]" would quietly be an
     * untrusted peer and the decision not the one asked for. */
    char addr[INET6_ADDRSTRLEN + 1];
    unsigned char bin[16];
    if (rq.peer_len >= sizeof addr || memchr(rq.peer, '\0', rq.peer_len) ||
        (memcpy(addr, rq.peer, rq.peer_len), addr[rq.peer_len] = '\0',
         inet_pton(AF_INET, addr, bin) != 1 && inet_pton(AF_INET6, addr, bin) != 1)) {
      PyErr_Format(PyExc_ValueError,
                   "peer %R: expected a bare IPv4 or IPv6 address (no port, brackets or zone)", peer);
      return NULL;
    }
  }
  if (xfp != Py_None) {
    if (get_text(xfp, &rq.x_forwarded_proto, &n, "x_forwarded_proto") < 0)
      return NULL;
    rq.x_forwarded_proto_len = (size_t)n;
  }
  if (feh != Py_None) {
    if (get_text(feh, &rq.front_end_https, &n, "front_end_https") < 0)
      return NULL;
    rq.front_end_https_len = (size_t)n;
  }
  if (oc != Py_None) {
    if (get_text(oc, &rq.offload_cipher, &n, "offload_cipher") < 0)
      return NULL;
    rq.offload_cipher_len = (size_t)n;
  }
  rq.cipher_bits = (unsigned)cipher_bits;
  rq.scheme = tls.value ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
  if (client_cert && client_cert != Py_None) {
    int cs;
    if (parse_name(client_cert, cert_status_names, &cs, "client_cert") < 0)
      return NULL;
    rq.client_cert = (sslvdir_cert_status)cs;
  }
  sslvdir_decision d;
  d.version = SSLVDIR_DECISION_VERSION;
  int rc = sslvdir_decide(o->p, &rq, &d);
  if (rc)
    return raise_code(rc, NULL);
  return decision_build(o, &d, &rq);
}

static PyObject *policy_get_version(PolicyObject *o, void *c) {
  (void)c;
  return PyLong_FromUnsignedLong(sslvdir_policy_exchange_version(o->p));
}
static PyObject *policy_site_item(const void *ctx, size_t i) {
  PolicyObject *o = (PolicyObject *)ctx;
  return site_wrap(o, sslvdir_policy_site(o->p, i));
}
static PyObject *policy_get_sites(PolicyObject *o, void *c) {
  (void)c;
  return tuple_of(sslvdir_policy_site_count(o->p), policy_site_item, o);
}
static PyObject *policy_get_offloaders(PolicyObject *o, void *c) {
  (void)c;
  return str_tuple(o->p, sslvdir_policy_offloader_count(o->p),
                   (indexed_str_fn)sslvdir_policy_offloader);
}
static PyObject *offloader_cipher_item(const void *ctx, size_t i) {
  unsigned bits = 0;
  const char *h = NULL;
  if (sslvdir_policy_offloader_cipher(ctx, i, &bits, &h) != SSLVDIR_OK)
    bits = 0, h = NULL;
  return Py_BuildValue("(Iz)", bits, h);
}
static PyObject *policy_get_offloader_ciphers(PolicyObject *o, void *c) {
  (void)c;
  return tuple_of(sslvdir_policy_offloader_count(o->p), offloader_cipher_item, o->p);
}
static PyObject *policy_get_cipher_header(PolicyObject *o, void *c) {
  (void)c;
  return str_or_none(sslvdir_policy_cipher_header(o->p));
}
static PyObject *policy_get_warnings(PolicyObject *o, void *c) {
  (void)c;
  return str_tuple(o->p, sslvdir_policy_warning_count(o->p),
                   (indexed_str_fn)sslvdir_policy_warning);
}

PyObject *settings_dict(const sslvdir_settings *s) {
  PyObject *d = PyDict_New();
  size_t n = sslvdir_settings_count(s);
  for (size_t i = 0; d && i < n; i++) {
    const char *path, *str;
    sslvdir_value_type type;
    uint32_t dw;
    int known;
    if (sslvdir_settings_entry(s, i, &path, &type, &dw, &str, &known))
      continue;
    PyObject *v = type == SSLVDIR_VALUE_DWORD ? PyLong_FromUnsignedLong(dw) : str_or_none(str);
    if (!v || PyDict_SetItemString(d, path, v) < 0)
      Py_CLEAR(d);
    Py_XDECREF(v);
  }
  return d;
}

/* A read-only view: a policy is immutable, and a write to a plain dict
 * copy would be lost without a word. */
static PyObject *policy_get_settings(PolicyObject *o, void *c) {
  (void)c;
  PyObject *d = settings_dict(sslvdir_policy_settings(o->p));
  if (!d)
    return NULL;
  PyObject *r = PyDictProxy_New(d);
  Py_DECREF(d);
  return r;
}

/* (path, value, known) for each value, in order: known is False for a value
 * libsslvdir keeps but does not use. */
PyObject *settings_entries(const sslvdir_settings *s) {
  size_t n = sslvdir_settings_count(s);
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    const char *path, *str;
    sslvdir_value_type type;
    uint32_t dw;
    int known;
    if (sslvdir_settings_entry(s, i, &path, &type, &dw, &str, &known)) {
      Py_CLEAR(t);
      return raise_code(SSLVDIR_E_INVALID_ARGUMENT, NULL);
    }
    PyObject *e = Py_BuildValue("(NNN)", str_or_none(path),
                                type == SSLVDIR_VALUE_DWORD ? PyLong_FromUnsignedLong(dw)
                                                            : str_or_none(str),
                                PyBool_FromLong(known));
    if (!e) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, e);
  }
  return t;
}

static PyObject *policy_get_settings_entries(PolicyObject *o, void *c) {
  (void)c;
  return settings_entries(sslvdir_policy_settings(o->p));
}

static PyObject *policy_find_site(PolicyObject *o, PyObject *arg) {
  const char *s;
  Py_ssize_t n;
  if (get_text(arg, &s, &n, "host") < 0)
    return NULL;
  return site_wrap(o, sslvdir_policy_find_site(o->p, s, (size_t)n));
}
static PyObject *policy_find_vdir(PolicyObject *o, PyObject *arg) {
  const char *s;
  if (get_cstr(arg, &s, "config_path") < 0)
    return NULL;
  return vdir_wrap(o, sslvdir_policy_find_vdir(o->p, s));
}
static PyObject *policy_is_offloader(PolicyObject *o, PyObject *arg) {
  const char *s;
  Py_ssize_t n;
  if (get_text(arg, &s, &n, "address") < 0)
    return NULL;
  return PyBool_FromLong(sslvdir_policy_is_offloader(o->p, s, (size_t)n) == 1);
}
static PyObject *policy_get_dword(PolicyObject *o, PyObject *arg) {
  const char *s;
  if (get_cstr(arg, &s, "path") < 0)
    return NULL;
  uint32_t v;
  int rc = sslvdir_policy_get_dword(o->p, s, &v);
  if (rc)
    return raise_code(rc, NULL);
  return PyLong_FromUnsignedLong(v);
}

int get_vdir_arg(PyObject *obj, PolicyObject *po, const sslvdir_vdir **out) {
  if (!obj || obj == Py_None) {
    *out = NULL;
    return 0;
  }
  if (!PyObject_TypeCheck(obj, &VDirType)) {
    PyErr_Format(PyExc_TypeError, "vdir must be a VDir or None, not %.100s", Py_TYPE(obj)->tp_name);
    return -1;
  }
  if (po && ((VDirObject *)obj)->policy->p != po->p) {
    PyErr_SetString(PyExc_ValueError, "vdir belongs to another policy");
    return -1;
  }
  *out = ((VDirObject *)obj)->vdir;
  return 0;
}

static const struct name_value backend_side_names[] = {
    {"internal", SSLVDIR_BACKEND_INTERNAL}, {"external", SSLVDIR_BACKEND_EXTERNAL}, {NULL, 0}};

static PyObject *policy_backend_accepts(PolicyObject *o, PyObject *args) {
  PyObject *side, *pobj;
  unsigned problems;
  if (!PyArg_ParseTuple(args, "OO:backend_accepts", &side, &pobj))
    return NULL;
  int s;
  if (parse_name(side, backend_side_names, &s, "side") < 0 || problem_bits_of(pobj, &problems) < 0)
    return NULL;
  return PyBool_FromLong(sslvdir_trust_backend_accepts(o->p, (sslvdir_backend_side)s, problems) == 1);
}

static PyObject *policy_repr(PolicyObject *o) {
  return PyUnicode_FromFormat("<sslvdir.Policy: %zu site(s), Exchange %u>",
                              sslvdir_policy_site_count(o->p), sslvdir_policy_exchange_version(o->p));
}

static PyObject *policy_new_error(PyTypeObject *t, PyObject *a, PyObject *k) {
  (void)t, (void)a, (void)k;
  PyErr_SetString(PyExc_TypeError,
                  "a Policy comes from Builder.build() or sslvdir.load_policy()");
  return NULL;
}

static PyMethodDef policy_methods[] = {
    {"decide", (PyCFunction)(void (*)(void))policy_decide, METH_VARARGS | METH_KEYWORDS,
     SIG("decide($self, method, target, host=None, *, tls=False, peer=None, cipher_bits=0,\n"
         "       client_cert='none', x_forwarded_proto=None, front_end_https=None,\n"
         "       offload_cipher=None)",
         "-> Decision\n\n"
         "Decide one request. Text arguments are str or bytes (raw header bytes);\n"
         "tls is a bool (or 0/1), never a string; client_cert is one of 'none', 'ok',\n"
         "'untrusted', 'expired', 'revoked' (not True, not a number).\n"
         "Never raises for hostile input: a bad target or Host is a 400 decision.")},
    {"find_site", (PyCFunction)policy_find_site, METH_O,
     SIG("find_site($self, host, /)", "-> Site or None: the site a Host header selects.")},
    {"find_vdir", (PyCFunction)policy_find_vdir, METH_O,
     SIG("find_vdir($self, config_path, /)", "-> VDir or None, by \"Site/path\".")},
    {"is_offloader", (PyCFunction)policy_is_offloader, METH_O,
     SIG("is_offloader($self, address, /)", "-> bool: is the address a trusted offloader?")},
    {"get_dword", (PyCFunction)policy_get_dword, METH_O,
     SIG("get_dword($self, path, /)",
         "-> int: a registry-style value, or its Exchange default.")},
    {"rewrite_header", (PyCFunction)(void (*)(void))policy_rewrite_header,
     METH_VARARGS | METH_KEYWORDS,
     SIG("rewrite_header($self, name, value, vdir=None)",
         "-> str | bytes\n\n"
         "Rewrite a response header (Location, Content-Location, Refresh, Set-Cookie)\n"
         "for a client on TLS. Returns value itself when nothing changes; raises\n"
         "ParseError when the value holds CR, LF or NUL.")},
    {"autodiscover_respond", (PyCFunction)(void (*)(void))policy_ad_respond,
     METH_VARARGS | METH_KEYWORDS,
     SIG("autodiscover_respond($self, body, *, side='external', time_us=0, spec_spelling=False)",
         "-> bytes\n\n"
         "Answer a POX Autodiscover request body with a whole XML document (HTTP 200).\n"
         "time_us: the documents' time, microseconds since the epoch (0: now).")},
    {"autodiscover_json", (PyCFunction)(void (*)(void))policy_ad_json, METH_VARARGS | METH_KEYWORDS,
     SIG("autodiscover_json($self, query, *, side='external', path=None)",
         "-> (http_status, json_text)\n\n"
         "path: the request path, for the form with the address in it\n"
         "(/autodiscover/autodiscover.json/v1.0/ADDRESS).")},
    {"autodiscover_settings", (PyCFunction)(void (*)(void))policy_ad_settings,
     METH_VARARGS | METH_KEYWORDS,
     SIG("autodiscover_settings($self, site, schema, email=None, legacy_dn=None, *,\n"
         "                      side='external', time_us=0)",
         "-> bytes: the settings document of a Site for a schema.")},
    {"autodiscover_error", (PyCFunction)(void (*)(void))policy_ad_error,
     METH_VARARGS | METH_KEYWORDS,
     SIG("autodiscover_error($self, schema, code, *, time_us=0)", "-> bytes: an error document.")},
    {"autodiscover_domain_rule", (PyCFunction)policy_ad_domain_rule, METH_O,
     SIG("autodiscover_domain_rule($self, domain, /)",
         "-> (rule, action, target, site) or None.")},
    {"backend_accepts", (PyCFunction)policy_backend_accepts, METH_VARARGS,
     SIG("backend_accepts($self, side, problems, /)",
         "-> bool: Exchange's rule for a bridged backend's certificate problems\n"
         "(AllowInternalUntrustedCerts / AllowExternalUntrustedCerts).")},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef policy_getset[] = {
    {"exchange_version", (getter)policy_get_version, NULL, "Exchange release, 0 if unknown.", NULL},
    {"sites", (getter)policy_get_sites, NULL, "The sites, as a tuple of Site.", NULL},
    {"offloaders", (getter)policy_get_offloaders, NULL, "Trusted offloaders (CIDR).", NULL},
    {"offloader_ciphers", (getter)policy_get_offloader_ciphers, NULL,
     "Per trusted offloader (same order as offloaders): (min_cipher_bits, cipher_header or "
     "None).", NULL},
    {"cipher_header", (getter)policy_get_cipher_header, NULL,
     "The header the trusted offloaders fill with the cipher (pass its value to decide() as "
     "offload_cipher), or None.", NULL},
    {"warnings", (getter)policy_get_warnings, NULL, "What the build warned about.", NULL},
    {"settings", (getter)policy_get_settings, NULL,
     "Registry-style settings, a read-only mapping (types.MappingProxyType).", NULL},
    {"settings_entries", (getter)policy_get_settings_entries, NULL,
     "Settings as (path, value, known) tuples, in order; known is False for a value\n"
     "libsslvdir keeps but does not use.", NULL},
    {"autodiscover_rules", (getter)policy_get_ad_rules, NULL,
     "Autodiscover domain rules: tuples (domain, action, target, site).", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

/* ------------------------------------------------------------ Builder */

DEFINE_NEW_NOARGS(builder, BuilderObject, "Builder() takes no arguments", sslvdir_builder_new(&o->b, &e))
DEFINE_DEALLOC(builder, BuilderObject, sslvdir_builder_free, b)
static PyObject *builder_close(BuilderObject *o, PyObject *Py_UNUSED(a)) {
  BUILDER_OPEN(o);
  sslvdir_builder_free(o->b);
  o->b = NULL;
  Py_RETURN_NONE;
}

static PyObject *builder_set_version(BuilderObject *o, PyObject *arg) {
  BUILDER_OPEN(o);
  unsigned v;
  if (get_version(arg, &v) < 0)
    return NULL;
  BRC(sslvdir_builder_set_exchange_version(o->b, v, &e));
}
static PyObject *builder_add_site(BuilderObject *o, PyObject *args) {
  const char *site;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "s:add_site", &site))
    return NULL;
  BRC(sslvdir_builder_add_site(o->b, site, &e));
}
static PyObject *builder_add_host(BuilderObject *o, PyObject *args) {
  const char *site, *host;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ss:add_host", &site, &host))
    return NULL;
  BRC(sslvdir_builder_add_host(o->b, site, host, &e));
}
static PyObject *builder_set_canonical_host(BuilderObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"site", "host", "https_port", NULL};
  const char *site, *host;
  unsigned int port = 443;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "ss|O&:set_canonical_host", kwlist, &site, &host,
                                   conv_uint, &port))
    return NULL;
  BRC(sslvdir_builder_set_canonical_host(o->b, site, host, port, &e));
}
static PyObject *builder_add_vdir(BuilderObject *o, PyObject *args) {
  const char *site, *path;
  PyObject *kobj = NULL;
  sslvdir_kind kind = SSLVDIR_KIND_OTHER;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ss|O:add_vdir", &site, &path, &kobj))
    return NULL;
  if (kobj && parse_kind(kobj, &kind) < 0)
    return NULL;
  BRC(sslvdir_builder_add_vdir(o->b, site, path, kind, &e));
}
static PyObject *builder_set_flags(BuilderObject *o, PyObject *args, int backend) {
  const char *site, *path;
  PyObject *fobj;
  unsigned flags;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ssO", &site, &path, &fobj) || parse_flags(fobj, &flags) < 0)
    return NULL;
  if (backend)
    BRC(sslvdir_builder_set_vdir_backend_flags(o->b, site, path, flags, &e));
  BRC(sslvdir_builder_set_vdir_edge_flags(o->b, site, path, flags, &e));
}
static PyObject *builder_set_edge_flags(BuilderObject *o, PyObject *args) {
  return builder_set_flags(o, args, 0);
}
static PyObject *builder_set_backend_flags(BuilderObject *o, PyObject *args) {
  return builder_set_flags(o, args, 1);
}
static PyObject *builder_set_redirect(BuilderObject *o, PyObject *args) {
  const char *site, *path;
  int status;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ssO&:set_vdir_redirect", &site, &path, conv_int, &status))
    return NULL;
  BRC(sslvdir_builder_set_vdir_redirect(o->b, site, path, status, &e));
}
static PyObject *builder_set_url(BuilderObject *o, PyObject *args) {
  const char *site, *path, *url;
  PyObject *side;
  int s;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ssOs:set_vdir_url", &site, &path, &side, &url) ||
      parse_name(side, side_names, &s, "side") < 0)
    return NULL;
  BRC(sslvdir_builder_set_vdir_url(o->b, site, path, (sslvdir_url_side)s, url, &e));
}
static PyObject *builder_set_ep(BuilderObject *o, PyObject *args) {
  const char *site, *path;
  struct flag on = {"enabled", 0};
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ssO&:set_vdir_extended_protection", &site, &path, conv_flag, &on))
    return NULL;
  BRC(sslvdir_builder_set_vdir_extended_protection(o->b, site, path, on.value, &e));
}
static PyObject *builder_set_cookies(BuilderObject *o, PyObject *args) {
  const char *site, *path;
  struct flag on = {"enabled", 0};
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ssO&:set_vdir_secure_cookies", &site, &path, conv_flag, &on))
    return NULL;
  BRC(sslvdir_builder_set_vdir_secure_cookies(o->b, site, path, on.value, &e));
}
static PyObject *builder_set_upstream(BuilderObject *o, PyObject *args) {
  const char *site, *path;
  PyObject *up;
  int u;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ssO:set_vdir_upstream", &site, &path, &up) ||
      parse_name(up, upstream_names, &u, "upstream") < 0)
    return NULL;
  BRC(sslvdir_builder_set_vdir_upstream(o->b, site, path, (sslvdir_upstream)u, &e));
}
static PyObject *builder_add_offloader(BuilderObject *o, PyObject *args) {
  const char *cidr;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "s:add_offloader", &cidr))
    return NULL;
  BRC(sslvdir_builder_add_offloader(o->b, cidr, &e));
}
static PyObject *builder_set_offloader_cipher(BuilderObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"cidr", "min_bits", "header", NULL};
  const char *cidr, *header = NULL;
  PyObject *bits_obj = NULL;
  unsigned long long bits = 0;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "s|Oz:set_offloader_cipher", kwlist, &cidr,
                                   &bits_obj, &header))
    return NULL;
  if (bits_obj && bits_obj != Py_None && get_uint(bits_obj, UINT_MAX, "min_bits", &bits) < 0)
    return NULL;
  BRC(sslvdir_builder_set_offloader_cipher(o->b, cidr, (unsigned)bits, header, &e));
}
static PyObject *builder_set_settings(BuilderObject *o, PyObject *arg) {
  BUILDER_OPEN(o);
  REQUIRE_TYPE(arg, &SettingsType, "set_settings() takes a Settings");
  SettingsObject *so = (SettingsObject *)arg;
  SETTINGS_OPEN(so);
  BRC(sslvdir_builder_set_settings(o->b, so->s, &e));
}
static PyObject *builder_set_setting(BuilderObject *o, PyObject *args) {
  PyObject *key, *value;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "OO:set_setting", &key, &value))
    return NULL;
  SettingsObject tmp; /* borrow the builder's store for settings_store() */
  tmp.s = sslvdir_builder_settings(o->b);
  tmp.pins = 0;
  if (settings_store(&tmp, key, value == Py_None ? NULL : value) < 0)
    return NULL;
  Py_RETURN_NONE;
}
static PyObject *builder_apply_regfile(BuilderObject *o, PyObject *arg) {
  BUILDER_OPEN(o);
  REQUIRE_TYPE(arg, &RegFileType, "apply_regfile() takes a RegFile");
  RegFileObject *ro = (RegFileObject *)arg;
  REG_OPEN(ro);
  BRC(sslvdir_regfile_apply(ro->r, sslvdir_builder_settings(o->b), &e));
}
static PyObject *builder_add_ad_domain(BuilderObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"domain", "action", "target", NULL};
  const char *domain, *target = NULL;
  PyObject *aobj;
  int a;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "sO|z:add_autodiscover_domain", kwlist, &domain,
                                   &aobj, &target) ||
      parse_name(aobj, ad_action_names, &a, "action") < 0)
    return NULL;
  BRC(sslvdir_builder_add_autodiscover_domain(o->b, domain, (sslvdir_autodiscover_action)a, target,
                                              &e));
}
static PyObject *builder_set_ad_option(BuilderObject *o, PyObject *args) {
  const char *name, *value;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ss:set_autodiscover_option", &name, &value))
    return NULL;
  BRC(sslvdir_builder_set_autodiscover_option(o->b, name, value, &e));
}
static PyObject *builder_set_site_ad_redirect(BuilderObject *o, PyObject *args) {
  const char *site, *host;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTuple(args, "ss:set_site_autodiscover_redirect", &site, &host))
    return NULL;
  BRC(sslvdir_builder_set_site_autodiscover_redirect(o->b, site, host, &e));
}
static PyObject *builder_apply_preset(BuilderObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"preset", "site", "redirect", "extended_protection", NULL};
  const char *preset, *site = "Default Web Site";
  int redirect = 0;
  PyObject *ep = Py_None;
  BUILDER_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "s|s$pO:apply_preset", kwlist, &preset, &site,
                                   &redirect, &ep))
    return NULL;
  if (ep != Py_None && !PyBool_Check(ep)) {
    PyErr_SetString(PyExc_TypeError, "extended_protection must be True, False or None");
    return NULL;
  }
  unsigned options = (redirect ? SSLVDIR_PRESET_REDIRECT : 0) |
                     (ep == Py_True ? SSLVDIR_PRESET_EP_ON : ep == Py_False ? SSLVDIR_PRESET_EP_OFF : 0);
  BRC(sslvdir_preset_apply_opts(o->b, preset, site, options, &e));
}
static PyObject *builder_parse_policy(BuilderObject *o, PyObject *arg) {
  BUILDER_OPEN(o);
  Py_buffer buf;
  if (PyUnicode_Check(arg)) {
    PyErr_SetString(PyExc_TypeError, "parse_policy() takes bytes (the file as stored)");
    return NULL;
  }
  if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)
    return NULL;
  sslvdir_error e = {0};
  int rc;
  o->busy = 1;
  Py_BEGIN_ALLOW_THREADS rc = sslvdir_policyfile_parse(o->b, buf.buf, (size_t)buf.len, &e);
  Py_END_ALLOW_THREADS o->busy = 0;
  PyBuffer_Release(&buf);
  if (rc)
    return raise_code(rc, &e);
  Py_RETURN_NONE;
}
static PyObject *builder_load_policy(BuilderObject *o, PyObject *arg) {
  BUILDER_OPEN(o);
  PyObject *path;
  if (!PyUnicode_FSConverter(arg, &path))
    return NULL;
  sslvdir_error e = {0};
  int rc;
  o->busy = 1;
  Py_BEGIN_ALLOW_THREADS rc = sslvdir_policyfile_load(o->b, PyBytes_AS_STRING(path), &e);
  Py_END_ALLOW_THREADS o->busy = 0;
  Py_DECREF(path);
  if (rc)
    return raise_code(rc, &e);
  Py_RETURN_NONE;
}
static PyObject *builder_apply_iisconfig(BuilderObject *o, PyObject *arg) {
  BUILDER_OPEN(o);
  REQUIRE_TYPE(arg, &IISConfigType, "apply_iisconfig() takes an IISConfig");
  IISConfigObject *co = (IISConfigObject *)arg;
  IIS_OPEN(co);
  BRC(sslvdir_iisconfig_apply(co->c, o->b, &e));
}
static PyObject *builder_build(BuilderObject *o, PyObject *Py_UNUSED(a)) {
  BUILDER_OPEN(o);
  sslvdir_policy *p = NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_builder_build(o->b, &p, &e);
  if (rc)
    return raise_code(rc, &e);
  return policy_wrap(p);
}

static PyMethodDef builder_methods[] = {
    BM("set_exchange_version", builder_set_version, METH_O,
       SIG("set_exchange_version($self, year, /)", "A year, or \"SE\" (2025).")),
    BM("add_site", builder_add_site, METH_VARARGS, SIG("add_site($self, site, /)", "Add a site.")),
    BM("add_host", builder_add_host, METH_VARARGS,
       SIG("add_host($self, site, host, /)", "A host name the site answers.")),
    BM("set_canonical_host", builder_set_canonical_host, METH_VARARGS | METH_KEYWORDS,
       SIG("set_canonical_host($self, site, host, https_port=443)", "The host redirects use.")),
    BM("add_vdir", builder_add_vdir, METH_VARARGS,
       SIG("add_vdir($self, site, path, kind='other', /)", "Add a vdir to a site.")),
    BM("set_vdir_edge_flags", builder_set_edge_flags, METH_VARARGS,
       SIG("set_vdir_edge_flags($self, site, path, flags, /)",
           "The sslFlags clients must meet: an int or 'Ssl,Ssl128'.")),
    BM("set_vdir_backend_flags", builder_set_backend_flags, METH_VARARGS,
       SIG("set_vdir_backend_flags($self, site, path, flags, /)", "The backend's sslFlags.")),
    BM("set_vdir_redirect", builder_set_redirect, METH_VARARGS,
       SIG("set_vdir_redirect($self, site, path, status, /)", "301/302/307/308, or 0 to deny.")),
    BM("set_vdir_url", builder_set_url, METH_VARARGS,
       SIG("set_vdir_url($self, site, path, side, url, /)", "side 'internal' or 'external'.")),
    BM("set_vdir_extended_protection", builder_set_ep, METH_VARARGS,
       SIG("set_vdir_extended_protection($self, site, path, enabled, /)",
           "Whether Extended Protection is on.")),
    BM("set_vdir_secure_cookies", builder_set_cookies, METH_VARARGS,
       SIG("set_vdir_secure_cookies($self, site, path, enabled, /)",
           "Whether Set-Cookie gains Secure.")),
    BM("set_vdir_upstream", builder_set_upstream, METH_VARARGS,
       SIG("set_vdir_upstream($self, site, path, upstream, /)", "'auto', 'offload' or 'bridge'.")),
    BM("add_offloader", builder_add_offloader, METH_VARARGS,
       SIG("add_offloader($self, cidr, /)", "Trust an offloader (an address or a CIDR).")),
    BM("set_offloader_cipher", builder_set_offloader_cipher, METH_VARARGS | METH_KEYWORDS,
       SIG("set_offloader_cipher($self, cidr, min_bits=0, header=None)",
           "What a trusted offloader guarantees about the cipher: the minimum key size it\n"
           "enforces, and/or a header it fills with the cipher suite or its key size\n"
           "(trusts cidr if it is not yet).")),
    BM("set_settings", builder_set_settings, METH_O,
       SIG("set_settings($self, settings, /)", "Copy a store.")),
    BM("set_setting", builder_set_setting, METH_VARARGS,
       SIG("set_setting($self, path, value, /)", "int, str, or None to unset.")),
    BM("apply_regfile", builder_apply_regfile, METH_O,
       SIG("apply_regfile($self, regfile, /)", "Set what a .reg file sets.")),
    BM("add_autodiscover_domain", builder_add_ad_domain, METH_VARARGS | METH_KEYWORDS,
       SIG("add_autodiscover_domain($self, domain, action, target=None)",
           "An e-mail domain's Autodiscover rule.")),
    BM("set_autodiscover_option", builder_set_ad_option, METH_VARARGS,
       SIG("set_autodiscover_option($self, name, value, /)", "An Autodiscover option.")),
    BM("set_site_autodiscover_redirect", builder_set_site_ad_redirect, METH_VARARGS,
       SIG("set_site_autodiscover_redirect($self, site, host, /)",
           "A port-80 Autodiscover site that redirects to host.")),
    BM("apply_preset", builder_apply_preset, METH_VARARGS | METH_KEYWORDS,
       SIG("apply_preset($self, preset, site='Default Web Site', *, redirect=False,\n"
           "             extended_protection=None)",
           "redirect: Microsoft's http->https recipe (browser vdirs answer plain HTTP with 302;\n"
           "without it, as Exchange ships, 403.4); extended_protection: True or False as the\n"
           "server has it (None: what the version's Setup leaves).")),
    BM("parse_policy", builder_parse_policy, METH_O,
       SIG("parse_policy($self, data, /)", "A policy file's bytes.")),
    BM("load_policy", builder_load_policy, METH_O,
       SIG("load_policy($self, filename, /)", "A policy file.")),
    BM("apply_iisconfig", builder_apply_iisconfig, METH_O,
       SIG("apply_iisconfig($self, config, /)", "Sites and vdirs of an IISConfig.")),
    BM("build", builder_build, METH_NOARGS, SIG("build($self, /)", "-> Policy")),
    BM("close", builder_close, METH_NOARGS, SIG("close($self, /)", "Free the builder now.")),
    CM_METHODS,
    {NULL, NULL, 0, NULL}};

TYPE(PolicyType, "Policy", PolicyObject,
     "An immutable SSL policy: sites, vdirs, offloaders, registry-style settings.\n"
     "Thread-safe to share. Build one with Builder or sslvdir.load_policy().",
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_dealloc = (destructor)policy_dealloc,
     .tp_new = policy_new_error, .tp_methods = policy_methods, .tp_getset = policy_getset,
     .tp_repr = (reprfunc)policy_repr)

TYPE(SiteType, "Site", SiteObject, "A site of a Policy (read-only).",
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_dealloc = (destructor)site_dealloc,
     .tp_getset = site_getset, .tp_methods = site_methods, .tp_repr = (reprfunc)site_repr,
     .tp_richcompare = site_richcompare, .tp_hash = (hashfunc)site_hash)

TYPE(VDirType, "VDir", VDirObject, "A virtual directory of a Policy (read-only).",
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_dealloc = (destructor)vdir_dealloc,
     .tp_getset = vdir_getset, .tp_repr = (reprfunc)vdir_repr,
     .tp_richcompare = vdir_richcompare, .tp_hash = (hashfunc)vdir_hash)

TYPE(BuilderType, "Builder", BuilderObject,
     SIG("Builder()", "Collects a policy, then build()."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = builder_new,
     .tp_dealloc = (destructor)builder_dealloc, .tp_methods = builder_methods)
