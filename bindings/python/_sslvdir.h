/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: the CPython extension behind the "sslvdir" package, and what
 * its files share. One file per group of types: module.c (init, errors,
 * module functions), convert.c (argument and result conversions),
 * policy.c, rewrite.c, autodiscover.c, server.c, cert.c. Names here are
 * extern but not exported: the extension is built -fvisibility=hidden.
 *
 * Every public object of the C library has a type here; records (decisions,
 * findings, certificate details, Autodiscover candidates) are struct
 * sequences, immutable and named. Failures of the library raise
 * sslvdir.Error subclasses carrying .code (the SSLVDIR_E_* value) and, for
 * parsers, .line/.column/.offset; wrong Python types raise TypeError, wrong
 * values (unknown names, NUL bytes, out-of-range numbers) ValueError.
 *
 * Objects that hold a resource have close() and work as context managers;
 * a closed object raises ValueError. Objects that other objects read
 * (configurations, registries, certificates, trust stores) are referenced by
 * their readers, so closing one that is still in use is refused.
 *
 * The GIL is released around file loads, parses of untrusted input and
 * Trust.add_system(). Without the GIL another thread may run anything, so
 * each such call either reads only what cannot go away under it (its
 * arguments, referenced by the call; a buffer export, which the exporter
 * refuses to resize or free until released; a Policy, which is immutable
 * and has no close()), or marks its object busy: then every other use of
 * that object, close() included, raises RuntimeError until the call is
 * done (REFUSE_BUSY).
 *
 * Not wrapped, on purpose: sslvdir_set_allocator() (process-wide, and the
 * interpreter owns the process), and the sslvdir_tls_* calls taking a
 * GnuTLS session (Python's ssl module is OpenSSL; sslvdir.cipher_bits() and
 * Trust.verify_der() cover what a Python proxy has).
 */
#ifndef SSLVDIR_PY_EXT_H
#define SSLVDIR_PY_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <arpa/inet.h>
#include <limits.h>
#include <string.h>
#include <sslvdir/sslvdir.h>
#include <stdint.h>

/* A yes/no argument ("O&" with a struct flag): a bool, or the int 0 or 1.
 * Not truthiness, which PyArg's "p" applies: tls="false" or tls="0" would
 * mean TLS and let plain HTTP through, enabled="no" would turn Extended
 * Protection on. */
struct flag {
  const char *name;
  int value;
};

/* Names of small enums: name -> value, or ValueError listing the names. */
struct name_value {
  const char *name;
  int value;
};

/* Calls f(ctx, out, size, &len) twice when the first buffer is too small:
 * the library reports the length it needs. Returns a new bytes object. */
typedef int (*fill_fn)(void *ctx, char *out, size_t size, size_t *len);
typedef const char *(*indexed_str_fn)(const void *obj, size_t i);
typedef PyObject *(*item_fn)(const void *ctx, size_t i);

/* A docstring that starts with the callable's text signature, so that
 * inspect.signature() and help() show its parameters as the stubs
 * (sslvdir/__init__.pyi) name them: "$self"/"$cls"/"$module" first, "/"
 * after positional-only parameters (METH_O, METH_VARARGS), "*" before
 * keyword-only ones. sig holds no blank line; CPython looks for ")\n--\n\n". */
#define SIG(sig, doc) sig "\n--\n\n" doc

#define CM_METHODS                                                                      \
  {"__enter__", generic_enter, METH_NOARGS, SIG("__enter__($self, /)", "Return self.")}, \
  {"__exit__", generic_exit, METH_VARARGS,                                              \
   SIG("__exit__($self, exc_type, exc_value, traceback, /)", "Close the object.")}

/* Readers pin what they read: an object with pins > 0 refuses close(). */
#define PIN_HEAD int pins;

/* An object a call works on without the GIL is busy meanwhile: a pin would
 * still let other threads read it while the call writes to it. */
#define REFUSE_BUSY(o, what)                                               \
  if ((o)->busy) {                                                         \
    PyErr_SetString(PyExc_RuntimeError, what " in use by another thread"); \
    return NULL;                                                           \
  }

/* An argument of one of our types, or TypeError with msg. */
#define REQUIRE_TYPE(arg, type, msg)            \
  if (!PyObject_TypeCheck(arg, type)) {         \
    PyErr_SetString(PyExc_TypeError, msg);      \
    return NULL;                                \
  }

/* An object its readers pin refuses close() and changes while pinned. */
#define REFUSE_PINNED(o, msg)                   \
  if ((o)->pins) {                              \
    PyErr_SetString(PyExc_ValueError, msg);     \
    return NULL;                                \
  }

/* The object of type t (a subclass maybe) that owns x; x is freed when
 * the object cannot be made. */
#define DEFINE_FROM(prefix, Obj, ctype, free_fn, field)               \
  static PyObject *prefix##_from(PyTypeObject *t, ctype *x) {        \
    Obj *o = (Obj *)t->tp_alloc(t, 0);                               \
    if (!o) {                                                        \
      free_fn(x);                                                    \
      return NULL;                                                   \
    }                                                                \
    o->field = x;                                                    \
    return (PyObject *)o;                                            \
  }

/* The tail of a call that returns None: run call (which may fill e), raise
 * the library's error if it failed. */
#define BRC(call)                    \
  do {                               \
    sslvdir_error e = {0};           \
    int rc_ = (call);                \
    if (rc_)                         \
      return raise_code(rc_, &e);    \
    Py_RETURN_NONE;                  \
  } while (0)

/* A method table entry of any C signature (METH_KEYWORDS ones included). */
#define BM(name, fn, flags, doc) {name, (PyCFunction)(void (*)(void))fn, flags, doc}

/* Constructors that take no arguments, and deallocators that free one
 * library object: one definition each. */
#define DEFINE_NEW_NOARGS(prefix, Obj, label, call)                          \
  static PyObject *prefix##_new(PyTypeObject *t, PyObject *a, PyObject *k) { \
    if (PyTuple_GET_SIZE(a) || (k && PyDict_GET_SIZE(k))) {                  \
      PyErr_SetString(PyExc_TypeError, label);                               \
      return NULL;                                                           \
    }                                                                        \
    Obj *o = (Obj *)t->tp_alloc(t, 0);                                       \
    if (!o)                                                                  \
      return NULL;                                                           \
    sslvdir_error e = {0};                                                   \
    int rc = (call);                                                         \
    if (rc) {                                                                \
      Py_DECREF(o);                                                          \
      return raise_code(rc, &e);                                             \
    }                                                                        \
    return (PyObject *)o;                                                    \
  }
#define DEFINE_DEALLOC(prefix, Obj, free_fn, field) \
  static void prefix##_dealloc(Obj *o) {            \
    free_fn(o->field);                              \
    Py_TYPE(o)->tp_free(o);                         \
  }

/* Class methods load(filename) and parse(data) of a type read by one library
 * call each, with the GIL released while the library reads. parse() takes
 * bytes-like data only: a file's bytes, whatever its encoding. */
#define DEFINE_LOAD_PARSE(name, ctype, parse_call, load_call, wrap)                       \
  static PyObject *name##_parse(PyObject *cls, PyObject *arg) {                           \
    Py_buffer buf;                                                                        \
    if (PyUnicode_Check(arg)) {                                                           \
      PyErr_SetString(PyExc_TypeError, #name ".parse() takes bytes (the file as stored)"); \
      return NULL;                                                                        \
    }                                                                                     \
    if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)                                  \
      return NULL;                                                                        \
    ctype *x = NULL;                                                                      \
    sslvdir_error e = {0};                                                                \
    int rc;                                                                               \
    Py_BEGIN_ALLOW_THREADS rc = parse_call(&x, buf.buf, (size_t)buf.len, &e);             \
    Py_END_ALLOW_THREADS PyBuffer_Release(&buf);                                          \
    return rc ? raise_code(rc, &e) : wrap((PyTypeObject *)cls, x);                        \
  }                                                                                       \
  static PyObject *name##_load(PyObject *cls, PyObject *arg) {                            \
    PyObject *path;                                                                       \
    if (!PyUnicode_FSConverter(arg, &path))                                               \
      return NULL;                                                                        \
    ctype *x = NULL;                                                                      \
    sslvdir_error e = {0};                                                                \
    int rc;                                                                               \
    Py_BEGIN_ALLOW_THREADS rc = load_call(&x, PyBytes_AS_STRING(path), &e);               \
    Py_END_ALLOW_THREADS Py_DECREF(path);                                                 \
    return rc ? raise_code(rc, &e) : wrap((PyTypeObject *)cls, x);                        \
  }

#define TYPE(var, name, objtype, doc, ...)                               \
  PyTypeObject var = {PyVarObject_HEAD_INIT(NULL, 0).tp_name = "sslvdir." name, \
                             .tp_basicsize = sizeof(objtype), .tp_doc = doc, __VA_ARGS__};

typedef struct {
  PyObject_HEAD sslvdir_policy *p;
} PolicyObject;

typedef struct {
  PyObject_HEAD PolicyObject *policy;
  const sslvdir_site *site;
} SiteObject;

typedef struct {
  PyObject_HEAD PolicyObject *policy;
  const sslvdir_vdir *vdir;
} VDirObject;

typedef struct {
  PyObject_HEAD sslvdir_builder *b;
  int busy;
} BuilderObject;

typedef struct {
  PyObject_HEAD sslvdir_rewriter *r;
  PolicyObject *policy;
} RewriterObject;

typedef struct {
  PyObject_HEAD sslvdir_autodiscover_chain *c;
} ChainObject;

typedef struct {
  PyObject_HEAD sslvdir_settings *s;
  int pins;
} SettingsObject;

typedef struct {
  PyObject_HEAD sslvdir_iisconfig *c;
  int pins;
} IISConfigObject;

typedef struct {
  PyObject_HEAD sslvdir_regfile *r;
} RegFileObject;

typedef struct {
  PyObject_HEAD sslvdir_plan *p;
  IISConfigObject *config;     /* pinned */
  SettingsObject *registry;    /* pinned */
  sslvdir_settings *own_registry; /* from a RegFile */
} PlanObject;

typedef struct {
  PyObject_HEAD sslvdir_cert *c;
  int pins;
} CertObject;

typedef struct {
  PyObject_HEAD sslvdir_trust *t;
  int pins;
  int busy; /* add_system() runs without the GIL */
} TrustObject;

typedef struct {
  PyObject_HEAD sslvdir_audit *a;
  IISConfigObject *config;
  SettingsObject *registry;
  sslvdir_settings *own_registry;
  PolicyObject *policy;
  CertObject *cert;
  TrustObject *trust;
} AuditObject;

typedef struct {
  PyObject_HEAD void *ptr;
  int pins;
} PinnedObject;

/* Every use of a closed object raises ValueError: one check, named per type. */
#define REQUIRE_OPEN(o, field, what) \
  if (!(o)->field)                   \
    return closed_error(what);
#define BUILDER_OPEN(o)          \
  REQUIRE_OPEN(o, b, "Builder") \
  REFUSE_BUSY(o, "Builder")
#define RW_OPEN(o) REQUIRE_OPEN(o, r, "Rewriter")
#define CHAIN_OPEN(o) REQUIRE_OPEN(o, c, "AutodiscoverChain")
#define SETTINGS_OPEN(o) REQUIRE_OPEN(o, s, "Settings")
#define IIS_OPEN(o) REQUIRE_OPEN(o, c, "IISConfig")
#define REG_OPEN(o) REQUIRE_OPEN(o, r, "RegFile")
#define PLAN_OPEN(o) REQUIRE_OPEN(o, p, "Plan")
#define CERT_OPEN(o) REQUIRE_OPEN(o, c, "Cert")
#define TRUST_OPEN(o)          \
  REQUIRE_OPEN(o, t, "Trust") \
  REFUSE_BUSY(o, "Trust")
#define AUDIT_OPEN(o) REQUIRE_OPEN(o, a, "Audit")

extern PyTypeObject AuditType, BuilderType, CandidateType, CertInfoType, CertType, ChainType,
    DecisionType, FindingType, IISConfigType, PlanStepType, PlanType, PolicyType, RegFileType,
    RewriterType, SettingsType, SiteType, TrustType, VDirType;

/* module.c */
PyObject *raise_code(int code, const sslvdir_error *e);
PyObject *closed_error(const char *what);

/* convert.c */
int get_text(PyObject *obj, const char **s, Py_ssize_t *n, const char *what);
int get_cstr(PyObject *obj, const char **s, const char *what);
int get_opt_cstr(PyObject *obj, const char **s, const char *what);
PyObject *str_or_none(const char *s);
PyObject *str_n(const char *s, size_t n);
int get_uint(PyObject *obj, unsigned long long max, const char *what, unsigned long long *out);
int get_version(PyObject *obj, unsigned *out);
int conv_version(PyObject *obj, void *out);
int conv_uint(PyObject *obj, void *out);
int conv_flag(PyObject *obj, void *out);
int conv_int(PyObject *obj, void *out);
int parse_name(PyObject *obj, const struct name_value *table, int *out, const char *what);
const char *value_name(const struct name_value *table, int v);
extern const struct name_value side_names[];
extern const struct name_value upstream_names[];
extern const struct name_value schema_names[];
extern const struct name_value schema_names_all[];
extern const struct name_value ad_action_names[];
extern const struct name_value ad_method_names[];
extern const struct name_value plan_form_names[];
extern const struct name_value step_kind_names[];
extern const struct name_value encoding_names[];
extern const struct name_value token_names[];
extern const struct name_value format_names[];
extern const struct name_value reg_type_names[];
extern const struct name_value reg_entry_names[];
int parse_kind(PyObject *obj, sslvdir_kind *out);
int parse_flags(PyObject *obj, unsigned *out);
PyObject *flags_text(unsigned flags);
PyObject *fill_bytes(fill_fn f, void *ctx, int *rc_out, int release_gil);
PyObject *bytes_to_str(PyObject *b);
int parse_time(PyObject *obj, int64_t *out);
PyObject *generic_enter(PyObject *self, PyObject *Py_UNUSED(arg));
PyObject *generic_exit(PyObject *self, PyObject *args);
PyObject *no_direct_new(PyTypeObject *t, PyObject *a, PyObject *k);
PyObject *tuple_of(size_t n, item_fn item, const void *ctx);
PyObject *str_tuple(const void *obj, size_t n, indexed_str_fn f);
void list_take(PyObject **list, PyObject *item);
PyObject *struct_seq(PyTypeObject *type, PyObject **items, int n);
/* STRUCT_SEQ(&FindingType, a, b, ...): struct_seq() of the listed items. */
#define STRUCT_SEQ(type, ...)                                   \
  struct_seq(type, (PyObject *[]){__VA_ARGS__},                 \
             (int)(sizeof((PyObject *[]){__VA_ARGS__}) / sizeof(PyObject *)))

/* policy.c */
PyObject *policy_wrap(sslvdir_policy *p);
PyObject *site_wrap(PolicyObject *policy, const sslvdir_site *s);
extern PyStructSequence_Desc decision_desc;
extern const struct name_value cert_status_names[];
PyObject *settings_dict(const sslvdir_settings *s);
PyObject *settings_entries(const sslvdir_settings *s);
int get_vdir_arg(PyObject *obj, PolicyObject *po, const sslvdir_vdir **out);

/* rewrite.c */
PyObject *policy_rewrite_header(PolicyObject *o, PyObject *args, PyObject *kw);

/* autodiscover.c */
PyObject *policy_ad_respond(PolicyObject *o, PyObject *args, PyObject *kw);
PyObject *policy_ad_json(PolicyObject *o, PyObject *args, PyObject *kw);
PyObject *policy_ad_settings(PolicyObject *o, PyObject *args, PyObject *kw);
PyObject *policy_ad_error(PolicyObject *o, PyObject *args, PyObject *kw);
PyObject *policy_ad_domain_rule(PolicyObject *o, PyObject *arg);
PyObject *policy_get_ad_rules(PolicyObject *o, void *c);
PyObject *m_ad_parse_request(PyObject *m, PyObject *arg);
PyObject *m_ad_redirect_addr(PyObject *m, PyObject *args, PyObject *kw);
PyObject *m_ad_redirect_url(PyObject *m, PyObject *args, PyObject *kw);
extern PyStructSequence_Desc candidate_desc;
PyObject *m_ad_candidates(PyObject *m, PyObject *arg);
PyObject *m_srv_select(PyObject *m, PyObject *arg);

/* server.c */
int settings_store(SettingsObject *o, PyObject *key, PyObject *value);
int registry_arg(PyObject *obj, SettingsObject **pinned, sslvdir_settings **owned, const sslvdir_settings **out);
int config_arg(PyObject *obj, IISConfigObject **pinned, const sslvdir_iisconfig **out);
extern PyStructSequence_Desc plan_step_desc;

/* cert.c */
extern PyStructSequence_Desc certinfo_desc;
int problem_bits_of(PyObject *obj, unsigned *out);
extern PyStructSequence_Desc finding_desc;

#endif
