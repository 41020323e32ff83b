/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir Python extension: Rewriting http:// links:
 * Policy.rewrite_header() and the streaming Rewriter of bodies.
 */
#include "_sslvdir.h"

/* ------------------------------------------------------------ Policy.rewrite_header */

struct rewrite_header_ctx {
  const sslvdir_policy *p;
  const sslvdir_vdir *v;
  sslvdir_response_header kind;
  const char *value;
  size_t len;
};
static int rewrite_header_fill(void *c, char *out, size_t size, size_t *len) {
  struct rewrite_header_ctx *x = c;
  int rc = sslvdir_rewrite_header(x->p, x->v, x->kind, x->value, x->len, out, size, len);
  /* Unchanged, *len is the value's length but out was never written:
   * fill_bytes() would copy that many bytes out of its stack buffer, past
   * its end for a value longer than the buffer. There is nothing to copy. */
  if (rc == SSLVDIR_REWRITE_UNCHANGED)
    *len = 0;
  return rc;
}

PyObject *policy_rewrite_header(PolicyObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"name", "value", "vdir", NULL};
  PyObject *name, *value, *vdir = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|O:rewrite_header", kwlist, &name, &value, &vdir))
    return NULL;
  struct rewrite_header_ctx x = {o->p, NULL, 0, NULL, 0};
  const char *ns;
  Py_ssize_t n;
  if (get_text(name, &ns, &n, "name") < 0 || get_vdir_arg(vdir, o, &x.v) < 0)
    return NULL;
  x.kind = sslvdir_rewrite_header_kind(ns, (size_t)n);
  if (get_text(value, &x.value, &n, "value") < 0)
    return NULL;
  x.len = (size_t)n;
  int rc = 0;
  PyObject *b = fill_bytes(rewrite_header_fill, &x, &rc, 0);
  if (!b)
    return NULL;
  if (rc == SSLVDIR_REWRITE_UNCHANGED) {
    Py_DECREF(b);
    return Py_NewRef(value);
  }
  if (PyBytes_Check(value))
    return b;
  return bytes_to_str(b);
}

/* ------------------------------------------------------------ Rewriter */

static PyObject *rewriter_new(PyTypeObject *t, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"policy", NULL};
  PyObject *policy = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:Rewriter", kwlist, &policy))
    return NULL;
  if (policy != Py_None && !PyObject_TypeCheck(policy, &PolicyType)) {
    PyErr_SetString(PyExc_TypeError, "policy must be a Policy or None");
    return NULL;
  }
  RewriterObject *o = (RewriterObject *)t->tp_alloc(t, 0);
  if (!o)
    return NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_rewriter_new(&o->r, policy == Py_None ? NULL : ((PolicyObject *)policy)->p, &e);
  if (rc) {
    Py_DECREF(o);
    return raise_code(rc, &e);
  }
  if (policy != Py_None)
    o->policy = (PolicyObject *)Py_NewRef(policy);
  return (PyObject *)o;
}
static void rewriter_dealloc(RewriterObject *o) {
  sslvdir_rewriter_free(o->r);
  Py_CLEAR(o->policy);
  Py_TYPE(o)->tp_free(o);
}
static PyObject *rewriter_close(RewriterObject *o, PyObject *Py_UNUSED(a)) {
  sslvdir_rewriter_free(o->r);
  o->r = NULL;
  Py_CLEAR(o->policy);
  Py_RETURN_NONE;
}
static PyObject *rewriter_add_host(RewriterObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"host", "https_port", NULL};
  const char *host;
  unsigned int port = 443;
  RW_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "s|O&:add_host", kwlist, &host, conv_uint, &port))
    return NULL;
  BRC(sslvdir_rewriter_add_host(o->r, host, port, &e));
}
static PyObject *rewriter_add_literal(RewriterObject *o, PyObject *args) {
  PyObject *from, *to;
  RW_OPEN(o);
  if (!PyArg_ParseTuple(args, "OO:add_literal", &from, &to))
    return NULL;
  const char *f, *t;
  Py_ssize_t fn, tn;
  if (get_text(from, &f, &fn, "from") < 0 || get_text(to, &t, &tn, "to") < 0)
    return NULL;
  BRC(sslvdir_rewriter_add_literal(o->r, f, (size_t)fn, t, (size_t)tn, &e));
}
static PyObject *rewriter_set_types(RewriterObject *o, PyObject *args) {
  const char *types;
  RW_OPEN(o);
  if (!PyArg_ParseTuple(args, "s:set_types", &types))
    return NULL;
  BRC(sslvdir_rewriter_set_types(o->r, types, &e));
}
static const struct name_value body_mode_names[] = {{"rewrite", SSLVDIR_BODY_REWRITE},
                                                    {"pass-type", SSLVDIR_BODY_PASS_TYPE},
                                                    {"pass-encoded", SSLVDIR_BODY_PASS_ENCODED},
                                                    {NULL, 0}};
static PyObject *rewriter_begin(RewriterObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"content_type", "content_encoding", NULL};
  PyObject *ct = Py_None, *ce = Py_None;
  RW_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|OO:begin", kwlist, &ct, &ce))
    return NULL;
  const char *c = NULL, *en = NULL;
  Py_ssize_t cn = 0, enn = 0;
  if ((ct != Py_None && get_text(ct, &c, &cn, "content_type") < 0) ||
      (ce != Py_None && get_text(ce, &en, &enn, "content_encoding") < 0))
    return NULL;
  int rc = sslvdir_rewriter_begin(o->r, c, (size_t)cn, en, (size_t)enn);
  if (rc < 0)
    return raise_code(rc, NULL);
  return PyUnicode_FromString(value_name(body_mode_names, rc));
}
/* Output of feed()/finish() goes into a growing bytearray-like list. */
struct collect {
  PyObject *chunks; /* list of bytes */
};
static int collect_write(const char *data, size_t len, void *user) {
  struct collect *c = user;
  PyObject *b = PyBytes_FromStringAndSize(data, (Py_ssize_t)len);
  if (!b || PyList_Append(c->chunks, b) < 0) {
    Py_XDECREF(b);
    return -1;
  }
  Py_DECREF(b);
  return 0;
}
static PyObject *collect_join(struct collect *c) {
  PyObject *empty = PyBytes_FromStringAndSize("", 0);
  if (!empty)
    return NULL;
  PyObject *r = PyObject_CallMethod(empty, "join", "O", c->chunks);
  Py_DECREF(empty);
  return r;
}
/* What a feed or finish returns: the joined output, the library's error,
 * or the exception collect_write() stopped it with (rc is then
 * SSLVDIR_E_CALLBACK). Drops the chunks. */
static PyObject *collect_result(struct collect *c, int rc) {
  PyObject *r = NULL;
  if (rc == SSLVDIR_E_CALLBACK && PyErr_Occurred())
    ;
  else if (rc)
    raise_code(rc, NULL);
  else
    r = collect_join(c);
  Py_DECREF(c->chunks);
  return r;
}
static PyObject *rewriter_feed(RewriterObject *o, PyObject *arg) {
  RW_OPEN(o);
  Py_buffer buf;
  if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)
    return NULL;
  struct collect c = {PyList_New(0)};
  if (!c.chunks) {
    PyBuffer_Release(&buf);
    return NULL;
  }
  int rc = sslvdir_rewriter_feed(o->r, buf.buf, (size_t)buf.len, collect_write, &c);
  PyBuffer_Release(&buf);
  return collect_result(&c, rc);
}
static PyObject *rewriter_finish(RewriterObject *o, PyObject *Py_UNUSED(a)) {
  RW_OPEN(o);
  struct collect c = {PyList_New(0)};
  if (!c.chunks)
    return NULL;
  int rc = sslvdir_rewriter_finish(o->r, collect_write, &c);
  return collect_result(&c, rc);
}
static PyObject *rewriter_reset(RewriterObject *o, PyObject *Py_UNUSED(a)) {
  RW_OPEN(o);
  sslvdir_rewriter_reset(o->r);
  Py_RETURN_NONE;
}
static PyObject *rewriter_get_counts(RewriterObject *o, void *c) {
  (void)c;
  RW_OPEN(o);
  uint64_t in = 0, out = 0, rep = 0;
  sslvdir_rewriter_counts(o->r, &in, &out, &rep);
  return Py_BuildValue("(KKK)", (unsigned long long)in, (unsigned long long)out,
                       (unsigned long long)rep);
}
struct rw_ctx {
  sslvdir_rewriter *r;
  const char *body;
  size_t len;
};
static int rw_fill(void *c, char *out, size_t size, size_t *len) {
  struct rw_ctx *x = c;
  return sslvdir_rewriter_rewrite(x->r, x->body, x->len, out, size, len);
}
static PyObject *rewriter_rewrite(RewriterObject *o, PyObject *arg) {
  RW_OPEN(o);
  Py_buffer buf;
  if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)
    return NULL;
  struct rw_ctx x = {o->r, buf.buf, (size_t)buf.len};
  PyObject *r = fill_bytes(rw_fill, &x, NULL, 0);
  PyBuffer_Release(&buf);
  return r;
}
static PyMethodDef rewriter_methods[] = {
    BM("add_host", rewriter_add_host, METH_VARARGS | METH_KEYWORDS,
       SIG("add_host($self, host, https_port=443)", "Also rewrite http://host.")),
    BM("add_literal", rewriter_add_literal, METH_VARARGS,
       SIG("add_literal($self, frm, to, /)", "Also rewrite the text frm to to.")),
    BM("set_types", rewriter_set_types, METH_VARARGS,
       SIG("set_types($self, types, /)",
           "Content types to rewrite: 'text/html,application/json'.")),
    BM("begin", rewriter_begin, METH_VARARGS | METH_KEYWORDS,
       SIG("begin($self, content_type=None, content_encoding=None)",
           "-> 'rewrite', 'pass-type' or 'pass-encoded': start a body.")),
    BM("feed", rewriter_feed, METH_O, SIG("feed($self, chunk, /)", "-> bytes ready to send.")),
    BM("finish", rewriter_finish, METH_NOARGS, SIG("finish($self, /)", "-> the bytes held back.")),
    BM("reset", rewriter_reset, METH_NOARGS, SIG("reset($self, /)", "Drop a body half-way.")),
    BM("rewrite", rewriter_rewrite, METH_O,
       SIG("rewrite($self, body, /)", "-> bytes: a whole body.")),
    BM("close", rewriter_close, METH_NOARGS, SIG("close($self, /)", "Free the rewriter now.")),
    CM_METHODS,
    {NULL, NULL, 0, NULL}};
static PyGetSetDef rewriter_getset[] = {
    {"counts", (getter)rewriter_get_counts, NULL, "(bytes_in, bytes_out, replacements)", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

TYPE(RewriterType, "Rewriter", RewriterObject,
     SIG("Rewriter(policy=None)", "Rewrites http:// links of the policy's hosts in bodies."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = rewriter_new,
     .tp_dealloc = (destructor)rewriter_dealloc, .tp_methods = rewriter_methods,
     .tp_getset = rewriter_getset)
