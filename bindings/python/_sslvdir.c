/*
 * libsslvdir: the CPython extension behind the "sslvdir" package.
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
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <arpa/inet.h>
#include <limits.h>
#include <string.h>
#include <sslvdir/sslvdir.h>

/* ------------------------------------------------------------ errors */

#define NCODES 15 /* 0 .. -14 */
static PyObject *Error;
static PyObject *code_errors[NCODES];

static PyObject *raise_code(int code, const sslvdir_error *e) {
  if (code == SSLVDIR_E_NOMEM && !(e && e->message[0]))
    return PyErr_NoMemory(), NULL;
  PyObject *cls = (code < 0 && -code < NCODES && code_errors[-code]) ? code_errors[-code] : Error;
  const char *msg = (e && e->message[0]) ? e->message : sslvdir_strerror(code);
  /* A message may echo the caller's bytes (a path given as bytes): never
   * a UnicodeDecodeError instead of the error itself. */
  PyObject *text = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
  PyObject *exc = text ? PyObject_CallOneArg(cls, text) : NULL;
  Py_XDECREF(text);
  if (!exc)
    return NULL;
  PyObject *v;
#define SETATTR(name, expr)                                              \
  if (!(v = (expr)) || PyObject_SetAttrString(exc, name, v) < 0) {       \
    Py_XDECREF(v);                                                       \
    Py_DECREF(exc);                                                      \
    return NULL;                                                         \
  }                                                                      \
  Py_DECREF(v);
  SETATTR("code", PyLong_FromLong(code));
  SETATTR("message", PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace"));
  SETATTR("line", PyLong_FromUnsignedLong(e ? e->line : 0));
  SETATTR("column", PyLong_FromUnsignedLong(e ? e->column : 0));
  SETATTR("offset", PyLong_FromSize_t(e ? e->offset : 0));
#undef SETATTR
  PyErr_SetObject(cls, exc);
  Py_DECREF(exc);
  return NULL;
}

static PyObject *closed_error(const char *what) {
  PyErr_Format(PyExc_ValueError, "operation on a closed %s", what);
  return NULL;
}

/* ------------------------------------------------------------ helpers */

/* Text arguments: str (encoded as UTF-8) or a bytes-like object. The
 * pointer stays valid while obj lives (Py_buffer released at once is safe
 * only for bytes; so take bytes and str only). */
static int get_text(PyObject *obj, const char **s, Py_ssize_t *n, const char *what) {
  if (PyUnicode_Check(obj)) {
    *s = PyUnicode_AsUTF8AndSize(obj, n);
    return *s ? 0 : -1;
  }
  if (PyBytes_Check(obj)) {
    *s = PyBytes_AS_STRING(obj);
    *n = PyBytes_GET_SIZE(obj);
    return 0;
  }
  PyErr_Format(PyExc_TypeError, "%s must be str or bytes, not %.100s", what,
               Py_TYPE(obj)->tp_name);
  return -1;
}

/* The same, but refusing NUL (for the library's C-string arguments). */
static int get_cstr(PyObject *obj, const char **s, const char *what) {
  Py_ssize_t n;
  if (get_text(obj, s, &n, what) < 0)
    return -1;
  if ((size_t)n != strlen(*s)) {
    PyErr_Format(PyExc_ValueError, "%s must not contain NUL", what);
    return -1;
  }
  return 0;
}

static int get_opt_cstr(PyObject *obj, const char **s, const char *what) {
  if (!obj || obj == Py_None) {
    *s = NULL;
    return 0;
  }
  return get_cstr(obj, s, what);
}

static PyObject *str_or_none(const char *s) {
  if (!s)
    Py_RETURN_NONE;
  return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

static PyObject *str_n(const char *s, size_t n) {
  return PyUnicode_DecodeUTF8(s, (Py_ssize_t)n, "surrogateescape");
}

/* A non-negative int up to max: TypeError for other types, ValueError when
 * out of range. A bool is an int to Python but never a number here:
 * cipher_bits=True would otherwise be 1 bit, client_cert=True status 1. */
static int get_uint(PyObject *obj, unsigned long long max, const char *what,
                    unsigned long long *out) {
  if (!PyLong_Check(obj) || PyBool_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "%s must be int, not %.100s", what, Py_TYPE(obj)->tp_name);
    return -1;
  }
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
  if (v == -1 && PyErr_Occurred())
    return -1;
  if (overflow || v < 0 || (unsigned long long)v > max) {
    PyErr_Format(PyExc_ValueError, "%s out of range (0 to %llu)", what, max);
    return -1;
  }
  *out = (unsigned long long)v;
  return 0;
}

/* An Exchange version: an int year, or "SE" (any case) for Exchange
 * Server SE, which the library numbers 2025. The library checks the year. */
static int get_version(PyObject *obj, unsigned *out) {
  unsigned long long v;
  if (PyUnicode_Check(obj)) {
    const char *s = PyUnicode_AsUTF8(obj);
    if (!s)
      return -1;
    if (PyOS_stricmp(s, "SE") != 0) {
      PyErr_Format(PyExc_ValueError, "exchange_version must be a year or \"SE\", not '%.40s'", s);
      return -1;
    }
    *out = 2025;
    return 0;
  }
  if (get_uint(obj, UINT_MAX, "exchange_version", &v) < 0)
    return -1;
  *out = (unsigned)v;
  return 0;
}
static int conv_version(PyObject *obj, void *out) {
  return get_version(obj, out) < 0 ? 0 : 1;
}

/* PyArg "O&" converters that never wrap around silently. */
static int conv_uint(PyObject *obj, void *out) {
  unsigned long long v;
  if (get_uint(obj, UINT_MAX, "argument", &v) < 0)
    return 0;
  *(unsigned int *)out = (unsigned int)v;
  return 1;
}

/* A yes/no argument ("O&" with a struct flag): a bool, or the int 0 or 1.
 * Not truthiness, which PyArg's "p" applies: tls="false" or tls="0" would
 * mean TLS and let plain HTTP through, enabled="no" would turn Extended
 * Protection on. */
struct flag {
  const char *name;
  int value;
};
static int conv_flag(PyObject *obj, void *out) {
  struct flag *f = out;
  if (PyBool_Check(obj)) {
    f->value = obj == Py_True;
    return 1;
  }
  if (!PyLong_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "%s must be bool, not %.100s", f->name, Py_TYPE(obj)->tp_name);
    return 0;
  }
  int overflow = 0;
  long v = PyLong_AsLongAndOverflow(obj, &overflow);
  if (v == -1 && PyErr_Occurred())
    return 0;
  if (overflow || (v != 0 && v != 1)) {
    PyErr_Format(PyExc_ValueError, "%s must be True or False (or 1 or 0)", f->name);
    return 0;
  }
  f->value = (int)v;
  return 1;
}

static int conv_int(PyObject *obj, void *out) {
  if (!PyLong_Check(obj) || PyBool_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "expected int, not %.100s", Py_TYPE(obj)->tp_name);
    return 0;
  }
  int overflow = 0;
  long v = PyLong_AsLongAndOverflow(obj, &overflow);
  if (v == -1 && PyErr_Occurred())
    return 0;
  if (overflow || v < INT_MIN || v > INT_MAX) {
    PyErr_SetString(PyExc_ValueError, "integer argument out of range");
    return 0;
  }
  *(int *)out = (int)v;
  return 1;
}

/* Names of small enums: name -> value, or ValueError listing the names. */
struct name_value {
  const char *name;
  int value;
};

/* Only the names are documented: a number (True among them, an int to
 * Python) is a TypeError, or client_cert=True would be status 1, "ok". */
static int parse_name(PyObject *obj, const struct name_value *table, int *out, const char *what) {
  const char *s;
  if (get_cstr(obj, &s, what) < 0)
    return -1;
  for (const struct name_value *t = table; t->name; t++)
    if (!strcmp(t->name, s)) {
      *out = t->value;
      return 0;
    }
  PyObject *names = PyList_New(0);
  for (const struct name_value *t = table; names && t->name; t++) {
    PyObject *n = PyUnicode_FromString(t->name);
    if (!n || PyList_Append(names, n) < 0) {
      Py_XDECREF(n);
      Py_CLEAR(names);
      break;
    }
    Py_DECREF(n);
  }
  if (names) {
    PyErr_Format(PyExc_ValueError, "%s: unknown %R (expected one of %R)", what, obj, names);
    Py_DECREF(names);
  }
  return -1;
}

static const char *value_name(const struct name_value *table, int v) {
  for (const struct name_value *t = table; t->name; t++)
    if (t->value == v)
      return t->name;
  return "unknown";
}

static const struct name_value side_names[] = {
    {"internal", SSLVDIR_URL_INTERNAL}, {"external", SSLVDIR_URL_EXTERNAL}, {NULL, 0}};
static const struct name_value upstream_names[] = {{"auto", SSLVDIR_UPSTREAM_AUTO},
                                                   {"offload", SSLVDIR_UPSTREAM_OFFLOAD},
                                                   {"bridge", SSLVDIR_UPSTREAM_BRIDGE},
                                                   {NULL, 0}};
static const struct name_value schema_names[] = {{"outlook", SSLVDIR_AUTODISCOVER_OUTLOOK},
                                                 {"mobilesync", SSLVDIR_AUTODISCOVER_MOBILESYNC},
                                                 {NULL, 0}};
static const struct name_value schema_names_all[] = {
    {"unknown", SSLVDIR_AUTODISCOVER_UNKNOWN},
    {"outlook", SSLVDIR_AUTODISCOVER_OUTLOOK},
    {"mobilesync", SSLVDIR_AUTODISCOVER_MOBILESYNC},
    {NULL, 0}};
static const struct name_value ad_action_names[] = {
    {"none", SSLVDIR_AUTODISCOVER_NONE},
    {"settings", SSLVDIR_AUTODISCOVER_SETTINGS},
    {"redirect-addr", SSLVDIR_AUTODISCOVER_REDIRECT_ADDR},
    {"redirect-url", SSLVDIR_AUTODISCOVER_REDIRECT_URL},
    {NULL, 0}};
static const struct name_value ad_method_names[] = {
    {"post", SSLVDIR_AUTODISCOVER_POST},
    {"get-redirect", SSLVDIR_AUTODISCOVER_GET_REDIRECT},
    {"srv", SSLVDIR_AUTODISCOVER_SRV},
    {NULL, 0}};
static const struct name_value plan_form_names[] = {
    {"appcmd", SSLVDIR_PLAN_APPCMD}, {"powershell", SSLVDIR_PLAN_POWERSHELL}, {NULL, 0}};
static const struct name_value step_kind_names[] = {{"exchange", SSLVDIR_STEP_EXCHANGE},
                                                    {"registry", SSLVDIR_STEP_REGISTRY},
                                                    {"sslflags", SSLVDIR_STEP_SSLFLAGS},
                                                    {"recycle", SSLVDIR_STEP_RECYCLE},
                                                    {NULL, 0}};
static const struct name_value encoding_names[] = {{"utf-8", SSLVDIR_ENCODING_UTF8},
                                                   {"utf-8-bom", SSLVDIR_ENCODING_UTF8_BOM},
                                                   {"utf-16le", SSLVDIR_ENCODING_UTF16LE},
                                                   {"utf-16be", SSLVDIR_ENCODING_UTF16BE},
                                                   {NULL, 0}};
static const struct name_value token_names[] = {{"none", SSLVDIR_TOKEN_CHECKING_NONE},
                                                {"allow", SSLVDIR_TOKEN_CHECKING_ALLOW},
                                                {"require", SSLVDIR_TOKEN_CHECKING_REQUIRE},
                                                {NULL, 0}};
static const struct name_value format_names[] = {{"pem", SSLVDIR_CERT_FORMAT_PEM},
                                                 {"der", SSLVDIR_CERT_FORMAT_DER},
                                                 {"pkcs12", SSLVDIR_CERT_FORMAT_PKCS12},
                                                 {NULL, 0}};
static const struct name_value reg_type_names[] = {
    {"REG_NONE", SSLVDIR_REG_NONE},     {"REG_SZ", SSLVDIR_REG_SZ},
    {"REG_EXPAND_SZ", SSLVDIR_REG_EXPAND_SZ}, {"REG_BINARY", SSLVDIR_REG_BINARY},
    {"REG_DWORD", SSLVDIR_REG_DWORD},   {"REG_MULTI_SZ", SSLVDIR_REG_MULTI_SZ},
    {"REG_QWORD", SSLVDIR_REG_QWORD},   {NULL, 0}};
static const struct name_value reg_entry_names[] = {{"key", SSLVDIR_REG_KEY},
                                                    {"key-delete", SSLVDIR_REG_KEY_DELETE},
                                                    {"value", SSLVDIR_REG_VALUE},
                                                    {"value-delete", SSLVDIR_REG_VALUE_DELETE},
                                                    {NULL, 0}};

static int parse_kind(PyObject *obj, sslvdir_kind *out) {
  const char *s;
  Py_ssize_t n;
  if (get_text(obj, &s, &n, "kind") < 0)
    return -1;
  if (sslvdir_kind_parse(out, s, (size_t)n) != SSLVDIR_OK) {
    PyErr_Format(PyExc_ValueError, "unknown vdir kind %R", obj);
    return -1;
  }
  return 0;
}

/* sslFlags as an int or as IIS writes them ("Ssl,Ssl128"). */
static int parse_flags(PyObject *obj, unsigned *out) {
  if (PyLong_Check(obj)) {
    unsigned long long v;
    if (get_uint(obj, UINT_MAX, "sslFlags", &v) < 0)
      return -1;
    sslvdir_error e = {0};
    int rc = sslvdir_flags_check((unsigned)v, &e);
    if (rc)
      return raise_code(rc, &e), -1;
    *out = (unsigned)v;
    return 0;
  }
  const char *s;
  Py_ssize_t n;
  if (get_text(obj, &s, &n, "flags") < 0)
    return -1;
  sslvdir_error e = {0};
  int rc = sslvdir_flags_parse(out, s, (size_t)n, &e);
  if (rc)
    return raise_code(rc, &e), -1;
  return 0;
}

static PyObject *flags_text(unsigned flags) {
  char buf[SSLVDIR_FLAGS_TEXT_MAX];
  size_t len = 0;
  int rc = sslvdir_flags_format(buf, sizeof buf, &len, flags);
  if (rc)
    return raise_code(rc, NULL);
  return PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
}

/* Calls f(ctx, out, size, &len) twice when the first buffer is too small:
 * the library reports the length it needs. Returns a new bytes object. */
typedef int (*fill_fn)(void *ctx, char *out, size_t size, size_t *len);

static PyObject *fill_bytes(fill_fn f, void *ctx, int *rc_out, int release_gil) {
  char stack[8192];
  size_t len = 0;
  int rc;
  if (release_gil) {
    Py_BEGIN_ALLOW_THREADS rc = f(ctx, stack, sizeof stack, &len);
    Py_END_ALLOW_THREADS
  } else
    rc = f(ctx, stack, sizeof stack, &len);
  if (rc == SSLVDIR_E_BUFFER_TOO_SMALL && len > sizeof stack) {
    if (len > (size_t)PY_SSIZE_T_MAX)
      return PyErr_NoMemory();
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
    if (!b)
      return NULL;
    size_t len2 = 0;
    if (release_gil) {
      Py_BEGIN_ALLOW_THREADS rc = f(ctx, PyBytes_AS_STRING(b), len, &len2);
      Py_END_ALLOW_THREADS
    } else
      rc = f(ctx, PyBytes_AS_STRING(b), len, &len2);
    if (rc < 0) {
      Py_DECREF(b);
      return raise_code(rc, NULL);
    }
    if (rc_out)
      *rc_out = rc;
    if (len2 < len && _PyBytes_Resize(&b, (Py_ssize_t)len2) < 0)
      return NULL;
    return b;
  }
  if (rc < 0)
    return raise_code(rc, NULL);
  if (rc_out)
    *rc_out = rc;
  return PyBytes_FromStringAndSize(stack, (Py_ssize_t)len);
}

static PyObject *bytes_to_str(PyObject *b) {
  if (!b)
    return NULL;
  PyObject *s = PyUnicode_DecodeUTF8(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b), "surrogateescape");
  Py_DECREF(b);
  return s;
}

/* Seconds since the epoch, None for now: an int, not a bool (now=True
 * would be one second after 1970, and every certificate not yet valid). */
static int parse_time(PyObject *obj, int64_t *out) {
  if (!obj || obj == Py_None) {
    *out = 0;
    return 0;
  }
  if (!PyLong_Check(obj) || PyBool_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "a time must be int or None, not %.100s", Py_TYPE(obj)->tp_name);
    return -1;
  }
  long long v = PyLong_AsLongLong(obj);
  if (v == -1 && PyErr_Occurred())
    return -1;
  *out = (int64_t)v;
  return 0;
}

/* A context-manager __exit__ that calls close(). */
static PyObject *generic_enter(PyObject *self, PyObject *Py_UNUSED(arg)) {
  return Py_NewRef(self);
}

static PyObject *generic_exit(PyObject *self, PyObject *args) {
  PyObject *t, *v, *tb;
  if (!PyArg_UnpackTuple(args, "__exit__", 3, 3, &t, &v, &tb))
    return NULL;
  PyObject *r = PyObject_CallMethod(self, "close", NULL);
  if (!r)
    return NULL;
  Py_DECREF(r);
  Py_RETURN_FALSE;
}

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

/* ------------------------------------------------------------ Policy, Site, VDir */

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

static PyTypeObject PolicyType, SiteType, VDirType;

static PyObject *policy_wrap(sslvdir_policy *p) { /* takes the reference */
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

static PyObject *site_wrap(PolicyObject *policy, const sslvdir_site *s) {
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
  size_t n = sslvdir_site_host_count(o->site);
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    PyObject *s = str_or_none(sslvdir_site_host(o->site, i));
    if (!s) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
  }
  return t;
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
static PyObject *site_get_vdirs(SiteObject *o, void *c) {
  (void)c;
  size_t n = sslvdir_site_vdir_count(o->site);
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    PyObject *v = vdir_wrap(o->policy, sslvdir_site_vdir(o->site, i));
    if (!v) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, v);
  }
  return t;
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
static PyTypeObject DecisionType;
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
static PyStructSequence_Desc decision_desc = {
    "sslvdir.Decision", "What sslvdir decided for one request (see sslvdir_decide(3)).",
    decision_fields, 14};

/* cipher_header: the policy's offloader cipher header, the name of
 * SSLVDIR_HEADER_OFFLOAD_CIPHER. */
static PyObject *header_tuple(unsigned bits, const char *cipher_header) {
  PyObject *t = PyList_New(0);
  for (unsigned b = 1; t && b <= SSLVDIR_HEADER_OFFLOAD_CIPHER; b <<= 1)
    if ((bits & b) && (b != SSLVDIR_HEADER_OFFLOAD_CIPHER || cipher_header)) {
      PyObject *s = PyUnicode_FromString(b == SSLVDIR_HEADER_OFFLOAD_CIPHER ? cipher_header
                                                                            : sslvdir_header_name(b));
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
                    : sslvdir_path_canonicalize(buf, n + 1, &got, rq->target, rq->target_len, NULL);
  PyObject *v = rc == SSLVDIR_OK && got == n ? str_n(buf, n) : raise_code(rc ? rc : SSLVDIR_E_INCONSISTENT, NULL);
  PyMem_Free(buf);
  return v;
}

static PyObject *decision_build(PolicyObject *po, const sslvdir_decision *d, const sslvdir_request *rq) {
  PyObject *r = PyStructSequence_New(&DecisionType);
  if (!r)
    return NULL;
  char iis[32] = "";
  if (d->status)
    snprintf(iis, sizeof iis, d->substatus >= 0 ? "%d.%d" : "%d", d->status, d->substatus);
  PyObject *set = PyDict_New();
  if (set && (d->set_headers & SSLVDIR_HEADER_X_FORWARDED_PROTO)) {
    PyObject *v = str_or_none(d->x_forwarded_proto);
    if (!v || PyDict_SetItemString(set, sslvdir_header_name(SSLVDIR_HEADER_X_FORWARDED_PROTO), v) < 0)
      Py_CLEAR(set);
    Py_XDECREF(v);
  }
  if (set && (d->set_headers & SSLVDIR_HEADER_FRONT_END_HTTPS)) {
    PyObject *v = str_or_none(d->front_end_https);
    if (!v || PyDict_SetItemString(set, sslvdir_header_name(SSLVDIR_HEADER_FRONT_END_HTTPS), v) < 0)
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
  int ok = 1;
  for (int i = 0; i < 14; i++) {
    if (!items[i])
      ok = 0;
  }
  if (!ok) {
    for (int i = 0; i < 14; i++)
      Py_XDECREF(items[i]);
    Py_DECREF(r);
    return NULL;
  }
  for (int i = 0; i < 14; i++)
    PyStructSequence_SET_ITEM(r, i, items[i]);
  return r;
}

static const struct name_value cert_status_names[] = {{"none", SSLVDIR_CERT_NONE},
                                                      {"ok", SSLVDIR_CERT_OK},
                                                      {"untrusted", SSLVDIR_CERT_UNTRUSTED},
                                                      {"expired", SSLVDIR_CERT_EXPIRED},
                                                      {"revoked", SSLVDIR_CERT_REVOKED},
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
static PyObject *policy_get_sites(PolicyObject *o, void *c) {
  (void)c;
  size_t n = sslvdir_policy_site_count(o->p);
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    PyObject *s = site_wrap(o, sslvdir_policy_site(o->p, i));
    if (!s) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
  }
  return t;
}
typedef const char *(*indexed_str_fn)(const void *obj, size_t i);
static PyObject *str_tuple(const void *obj, size_t n, indexed_str_fn f) {
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    PyObject *s = str_or_none(f(obj, i));
    if (!s) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
  }
  return t;
}
static PyObject *policy_get_offloaders(PolicyObject *o, void *c) {
  (void)c;
  return str_tuple(o->p, sslvdir_policy_offloader_count(o->p),
                   (indexed_str_fn)sslvdir_policy_offloader);
}
static PyObject *policy_get_offloader_ciphers(PolicyObject *o, void *c) {
  (void)c;
  size_t n = sslvdir_policy_offloader_count(o->p);
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    unsigned bits = 0;
    const char *h = NULL;
    if (sslvdir_policy_offloader_cipher(o->p, i, &bits, &h) != SSLVDIR_OK)
      bits = 0, h = NULL;
    PyObject *pair = Py_BuildValue("(Iz)", bits, h);
    if (!pair) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, pair);
  }
  return t;
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

static PyObject *settings_dict(const sslvdir_settings *s) {
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
static PyObject *settings_entries(const sslvdir_settings *s) {
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
static PyObject *policy_is_trusted(PolicyObject *o, PyObject *arg) {
  const char *s;
  Py_ssize_t n;
  if (get_text(arg, &s, &n, "address") < 0)
    return NULL;
  return PyBool_FromLong(sslvdir_policy_is_trusted(o->p, s, (size_t)n) == 1);
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

static int get_vdir_arg(PyObject *obj, PolicyObject *po, const sslvdir_vdir **out) {
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

struct rewrite_header_ctx {
  const sslvdir_policy *p;
  const sslvdir_vdir *v;
  sslvdir_header_kind kind;
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

static PyObject *policy_rewrite_header(PolicyObject *o, PyObject *args, PyObject *kw) {
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
    p->flags |= SSLVDIR_AUTODISCOVER_SPEC_SPELLING;
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
  return sslvdir_autodiscover_json(x->p, x->body, x->len, &x->params, out, size, len,
                                   &x->http_status);
}
static int ad_json_target_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_json_target(x->p, x->body, x->len, &x->params, out, size, len,
                                          &x->http_status);
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

static PyObject *policy_ad_respond(PolicyObject *o, PyObject *args, PyObject *kw) {
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

static PyObject *policy_ad_json(PolicyObject *o, PyObject *args, PyObject *kw) {
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

static PyObject *policy_ad_settings(PolicyObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"site", "schema", "email", "legacy_dn", "side", "time_us", NULL};
  PyObject *site, *schema, *email = Py_None, *ldn = Py_None, *side = NULL, *time_us = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|OO$OO:autodiscover_settings", kwlist, &site,
                                   &schema, &email, &ldn, &side, &time_us))
    return NULL;
  if (!PyObject_TypeCheck(site, &SiteType)) {
    PyErr_SetString(PyExc_TypeError, "site must be a Site");
    return NULL;
  }
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

static PyObject *policy_ad_error(PolicyObject *o, PyObject *args, PyObject *kw) {
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
  sslvdir_autodiscover_action action = SSLVDIR_AUTODISCOVER_NONE;
  const sslvdir_site *site = NULL;
  *rc = sslvdir_autodiscover_domain_rule(o->p, domain, i, &name, &action, &target, &site);
  if (*rc)
    return NULL;
  return Py_BuildValue("(NsNN)", str_or_none(name), value_name(ad_action_names, action),
                       str_or_none(target), site_wrap(o, site));
}

static PyObject *policy_ad_domain_rule(PolicyObject *o, PyObject *arg) {
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

static PyObject *policy_get_ad_rules(PolicyObject *o, void *c) {
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

static const struct name_value backend_side_names[] = {
    {"internal", SSLVDIR_BACKEND_INTERNAL}, {"external", SSLVDIR_BACKEND_EXTERNAL}, {NULL, 0}};

static int problem_bits_of(PyObject *obj, unsigned *out);
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
    {"is_trusted", (PyCFunction)policy_is_trusted, METH_O,
     SIG("is_trusted($self, address, /)", "-> bool: is the address a trusted offloader?")},
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

static PyObject *no_direct_new(PyTypeObject *t, PyObject *a, PyObject *k) {
  (void)a, (void)k;
  PyErr_Format(PyExc_TypeError, "use %s.load() or %s.parse()", t->tp_name, t->tp_name);
  return NULL;
}

/* ------------------------------------------------------------ Settings */

typedef struct {
  PyObject_HEAD sslvdir_settings *s;
  int pins;
} SettingsObject;
static PyTypeObject SettingsType;

DEFINE_NEW_NOARGS(settings, SettingsObject, "Settings() takes no arguments", sslvdir_settings_new(&o->s))
DEFINE_DEALLOC(settings, SettingsObject, sslvdir_settings_free, s)
#define SETTINGS_OPEN(o)                       \
  if (!(o)->s)                                 \
    return closed_error("Settings");
static PyObject *settings_close(SettingsObject *o, PyObject *Py_UNUSED(a)) {
  if (o->pins) {
    PyErr_SetString(PyExc_ValueError, "Settings still in use by a Plan or an Audit");
    return NULL;
  }
  sslvdir_settings_free(o->s);
  o->s = NULL;
  Py_RETURN_NONE;
}
static Py_ssize_t settings_len(SettingsObject *o) {
  if (!o->s)
    return closed_error("Settings"), -1;
  return (Py_ssize_t)sslvdir_settings_count(o->s);
}
static PyObject *settings_getitem(SettingsObject *o, PyObject *key) {
  SETTINGS_OPEN(o);
  const char *path;
  if (get_cstr(key, &path, "path") < 0)
    return NULL;
  uint32_t dw;
  int rc = sslvdir_settings_get_dword(o->s, path, &dw);
  if (rc == SSLVDIR_OK)
    return PyLong_FromUnsignedLong(dw);
  if (rc == SSLVDIR_E_TYPE) {
    const char *str;
    rc = sslvdir_settings_get_string(o->s, path, &str);
    if (rc == SSLVDIR_OK)
      return str_or_none(str);
  }
  if (rc == SSLVDIR_E_NOT_FOUND) {
    PyErr_SetObject(PyExc_KeyError, key);
    return NULL;
  }
  return raise_code(rc, NULL);
}
/* Settings is a read-only Mapping: s[path] = v and del s[path] raise
 * TypeError, as for any Mapping that is not a MutableMapping, so that code
 * holding one (a Plan's, an Audit's input) cannot change it by accident.
 * The store still takes values (a .reg file's, or a script's): through
 * set() and unset(), which say so. value NULL unsets. */
static int settings_store(SettingsObject *o, PyObject *key, PyObject *value) {
  if (!o->s)
    return closed_error("Settings"), -1;
  const char *path;
  if (get_cstr(key, &path, "path") < 0)
    return -1;
  sslvdir_error e = {0};
  int rc;
  if (!value) {
    rc = sslvdir_settings_unset(o->s, path, &e);
    if (rc == SSLVDIR_E_NOT_FOUND) {
      PyErr_SetObject(PyExc_KeyError, key);
      return -1;
    }
  } else if (PyLong_Check(value)) {
    unsigned long long v;
    if (get_uint(value, 0xFFFFFFFFull, "a DWORD", &v) < 0)
      return -1;
    rc = sslvdir_settings_set_dword(o->s, path, (uint32_t)v, &e);
  } else if (PyUnicode_Check(value)) {
    const char *str;
    if (get_cstr(value, &str, "value") < 0)
      return -1;
    rc = sslvdir_settings_set_string(o->s, path, str, &e);
  } else {
    PyErr_Format(PyExc_TypeError, "a setting is int or str, not %.100s", Py_TYPE(value)->tp_name);
    return -1;
  }
  if (rc)
    return raise_code(rc, &e), -1;
  return 0;
}
static PyObject *settings_set(SettingsObject *o, PyObject *args) {
  PyObject *key, *value;
  if (!PyArg_ParseTuple(args, "OO:set", &key, &value) || settings_store(o, key, value) < 0)
    return NULL;
  Py_RETURN_NONE;
}
static PyObject *settings_unset(SettingsObject *o, PyObject *key) {
  if (settings_store(o, key, NULL) < 0)
    return NULL;
  Py_RETURN_NONE;
}
static PyObject *settings_get_entries(SettingsObject *o, PyObject *Py_UNUSED(a)) {
  SETTINGS_OPEN(o);
  return settings_entries(o->s);
}
static PyObject *settings_to_dict(SettingsObject *o, PyObject *Py_UNUSED(a)) {
  SETTINGS_OPEN(o);
  return settings_dict(o->s);
}
static PyObject *settings_get_warnings(SettingsObject *o, void *c) {
  (void)c;
  SETTINGS_OPEN(o);
  return str_tuple(o->s, sslvdir_settings_warning_count(o->s),
                   (indexed_str_fn)sslvdir_settings_warning);
}
static PyObject *settings_default(PyObject *cls, PyObject *args) {
  (void)cls;
  const char *path;
  unsigned int version = 0;
  if (!PyArg_ParseTuple(args, "s|O&:default", &path, conv_uint, &version))
    return NULL;
  uint32_t v;
  int rc = sslvdir_settings_default_dword(path, version, &v);
  if (rc == SSLVDIR_E_NOT_FOUND)
    Py_RETURN_NONE;
  if (rc)
    return raise_code(rc, NULL);
  return PyLong_FromUnsignedLong(v);
}
static PyObject *settings_iter(SettingsObject *o) {
  SETTINGS_OPEN(o);
  PyObject *d = settings_dict(o->s);
  if (!d)
    return NULL;
  PyObject *it = PyObject_GetIter(d);
  Py_DECREF(d);
  return it;
}
/* The rest of collections.abc.Mapping (sslvdir/__init__.py registers the
 * type): keys(), values() and items() are views of a snapshot;
 * `in` and get() look up as [] does (paths compare case-insensitively, as
 * the registry's do), and a key that is not a str is simply not there. */
static PyObject *settings_view(SettingsObject *o, const char *which) {
  SETTINGS_OPEN(o);
  PyObject *d = settings_dict(o->s);
  if (!d)
    return NULL;
  PyObject *r = PyObject_CallMethod(d, which, NULL);
  Py_DECREF(d);
  return r;
}
static PyObject *settings_keys(SettingsObject *o, PyObject *Py_UNUSED(a)) {
  return settings_view(o, "keys");
}
static PyObject *settings_values(SettingsObject *o, PyObject *Py_UNUSED(a)) {
  return settings_view(o, "values");
}
static PyObject *settings_items(SettingsObject *o, PyObject *Py_UNUSED(a)) {
  return settings_view(o, "items");
}
/* 1 and *value set, 0 when path is not set, -1 on error. */
static int settings_lookup(SettingsObject *o, PyObject *key, PyObject **value) {
  if (!o->s)
    return closed_error("Settings"), -1;
  if (!PyUnicode_Check(key))
    return 0;
  *value = settings_getitem(o, key);
  if (*value)
    return 1;
  if (PyErr_ExceptionMatches(PyExc_KeyError)) {
    PyErr_Clear();
    return 0;
  }
  return -1;
}
static int settings_contains(SettingsObject *o, PyObject *key) {
  PyObject *v = NULL;
  int r = settings_lookup(o, key, &v);
  Py_XDECREF(v);
  return r;
}
static PyObject *settings_get(SettingsObject *o, PyObject *args) {
  PyObject *key, *dflt = Py_None, *v = NULL;
  if (!PyArg_ParseTuple(args, "O|O:get", &key, &dflt))
    return NULL;
  int r = settings_lookup(o, key, &v);
  if (r < 0)
    return NULL;
  if (r)
    return v;
  Py_INCREF(dflt);
  return dflt;
}
static PySequenceMethods settings_sequence = {.sq_contains = (objobjproc)settings_contains};
static PyMappingMethods settings_mapping = {(lenfunc)settings_len, (binaryfunc)settings_getitem,
                                            NULL};
static PyMethodDef settings_methods[] = {
    {"close", (PyCFunction)settings_close, METH_NOARGS, SIG("close($self, /)", "Free the store now.")},
    {"items", (PyCFunction)settings_items, METH_NOARGS,
     SIG("items($self, /)", "(path, value) pairs, in order (a view of a snapshot).")},
    {"keys", (PyCFunction)settings_keys, METH_NOARGS,
     SIG("keys($self, /)", "The paths, in order (a view of a snapshot).")},
    {"values", (PyCFunction)settings_values, METH_NOARGS,
     SIG("values($self, /)", "The values, in order (a view of a snapshot).")},
    {"get", (PyCFunction)settings_get, METH_VARARGS,
     SIG("get($self, path, default=None, /)", "-> int, str or default.")},
    {"to_dict", (PyCFunction)settings_to_dict, METH_NOARGS,
     SIG("to_dict($self, /)", "The values as a dict.")},
    {"entries", (PyCFunction)settings_get_entries, METH_NOARGS,
     SIG("entries($self, /)",
         "(path, value, known) tuples, in order; known is False for a value libsslvdir\n"
         "keeps but does not use.")},
    {"set", (PyCFunction)settings_set, METH_VARARGS,
     SIG("set($self, path, value, /)",
         "Set a value: an int is a DWORD (0 to 2**32-1), a str a string. A value\n"
         "libsslvdir knows takes only what Exchange accepts (a boolean is 0 or 1).\n"
         "Settings is a read-only Mapping otherwise: s[path] = value raises TypeError.")},
    {"unset", (PyCFunction)settings_unset, METH_O,
     SIG("unset($self, path, /)", "Remove a value; KeyError when it is not set.")},
    {"default", (PyCFunction)settings_default, METH_VARARGS | METH_CLASS,
     SIG("default($cls, path, exchange_version=0, /)", "-> int or None: Exchange's default.")},
    CM_METHODS,
    {NULL, NULL, 0, NULL}};
static PyGetSetDef settings_getset[] = {
    {"warnings", (getter)settings_get_warnings, NULL, "Warnings about values set.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

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

/* ------------------------------------------------------------ IISConfig */

typedef struct {
  PyObject_HEAD sslvdir_iisconfig *c;
  int pins;
} IISConfigObject;
static PyTypeObject IISConfigType;

#define IIS_OPEN(o)                            \
  if (!(o)->c)                                 \
    return closed_error("IISConfig");

static PyObject *iisconfig_from(PyTypeObject *t, sslvdir_iisconfig *c) {
  IISConfigObject *o = (IISConfigObject *)t->tp_alloc(t, 0);
  if (!o) {
    sslvdir_iisconfig_free(c);
    return NULL;
  }
  o->c = c;
  return (PyObject *)o;
}
DEFINE_LOAD_PARSE(iisconfig, sslvdir_iisconfig, sslvdir_iisconfig_parse, sslvdir_iisconfig_load,
                  iisconfig_from)
DEFINE_DEALLOC(iisconfig, IISConfigObject, sslvdir_iisconfig_free, c)
static PyObject *iisconfig_close(IISConfigObject *o, PyObject *Py_UNUSED(a)) {
  if (o->pins) {
    PyErr_SetString(PyExc_ValueError, "IISConfig still in use by a Plan or an Audit");
    return NULL;
  }
  sslvdir_iisconfig_free(o->c);
  o->c = NULL;
  Py_RETURN_NONE;
}
static PyObject *iisconfig_get_encoding(IISConfigObject *o, void *c) {
  (void)c;
  IIS_OPEN(o);
  return PyUnicode_FromString(value_name(encoding_names, sslvdir_iisconfig_encoding(o->c)));
}
static PyObject *iisconfig_get_sites(IISConfigObject *o, void *c) {
  (void)c;
  IIS_OPEN(o);
  size_t n = sslvdir_iisconfig_site_count(o->c);
  PyObject *l = PyList_New(0);
  for (size_t i = 0; l && i < n; i++) {
    const char *name, *hosts;
    unsigned port;
    if (sslvdir_iisconfig_site(o->c, i, &name, &hosts, &port))
      continue;
    PyObject *t = Py_BuildValue("(NNI)", str_or_none(name), str_or_none(hosts), port);
    if (!t || PyList_Append(l, t) < 0)
      Py_CLEAR(l);
    Py_XDECREF(t);
  }
  return l;
}
static PyObject *iisconfig_get_apps(IISConfigObject *o, void *c) {
  (void)c;
  IIS_OPEN(o);
  size_t n = sslvdir_iisconfig_app_count(o->c);
  PyObject *l = PyList_New(0);
  for (size_t i = 0; l && i < n; i++) {
    const char *path, *pool;
    if (sslvdir_iisconfig_app(o->c, i, &path, &pool))
      continue;
    PyObject *t = Py_BuildValue("(NN)", str_or_none(path), str_or_none(pool));
    if (!t || PyList_Append(l, t) < 0)
      Py_CLEAR(l);
    Py_XDECREF(t);
  }
  return l;
}
static PyObject *iisconfig_get_warnings(IISConfigObject *o, void *c) {
  (void)c;
  IIS_OPEN(o);
  return str_tuple(o->c, sslvdir_iisconfig_warning_count(o->c),
                   (indexed_str_fn)sslvdir_iisconfig_warning);
}
/* A lookup's failure. The library says NOT_FOUND only for a path on a site
 * the configuration does not have (it never answers from the server level
 * for one); name the site, as the command and set_ssl_flags() do. */
static PyObject *iis_lookup_error(int rc, const char *path) {
  if (rc != SSLVDIR_E_NOT_FOUND)
    return raise_code(rc, NULL);
  const char *site = path + strspn(path, "/");
  size_t n = strcspn(site, "/");
  if (n > 120) /* the message holds 255 bytes; cut at a character's start */
    for (n = 120; n && ((unsigned char)site[n] & 0xC0) == 0x80; n--)
      ;
  sslvdir_error e = {0};
  snprintf(e.message, sizeof e.message, "no site '%.*s' in the configuration", (int)n, site);
  return raise_code(rc, &e);
}
static PyObject *iisconfig_ssl_flags(IISConfigObject *o, PyObject *arg) {
  IIS_OPEN(o);
  const char *path, *from = NULL;
  unsigned flags = 0;
  if (get_cstr(arg, &path, "path") < 0)
    return NULL;
  int rc = sslvdir_iisconfig_ssl_flags(o->c, path, &flags, &from);
  if (rc)
    return iis_lookup_error(rc, path);
  return Py_BuildValue("(IN)", flags, str_or_none(from));
}
static PyObject *iisconfig_redirect(IISConfigObject *o, PyObject *arg) {
  IIS_OPEN(o);
  const char *path, *dest = NULL;
  int enabled = 0, status = 0;
  if (get_cstr(arg, &path, "path") < 0)
    return NULL;
  int rc = sslvdir_iisconfig_redirect(o->c, path, &enabled, &dest, &status);
  if (rc)
    return iis_lookup_error(rc, path);
  return Py_BuildValue("(NNi)", PyBool_FromLong(enabled), str_or_none(dest), status);
}
static PyObject *iisconfig_ep(IISConfigObject *o, PyObject *arg) {
  IIS_OPEN(o);
  const char *path, *from = NULL;
  int tc = 0;
  if (get_cstr(arg, &path, "path") < 0)
    return NULL;
  int rc = sslvdir_iisconfig_extended_protection(o->c, path, &tc, &from);
  if (rc)
    return iis_lookup_error(rc, path);
  return Py_BuildValue("(sN)", value_name(token_names, tc), str_or_none(from));
}
static PyObject *iisconfig_set_ssl_flags(IISConfigObject *o, PyObject *args) {
  IIS_OPEN(o);
  if (o->pins) {
    PyErr_SetString(PyExc_ValueError, "IISConfig is read by a Plan or an Audit");
    return NULL;
  }
  const char *path;
  PyObject *fobj;
  unsigned flags;
  if (!PyArg_ParseTuple(args, "sO:set_ssl_flags", &path, &fobj) || parse_flags(fobj, &flags) < 0)
    return NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_iisconfig_set_ssl_flags(o->c, path, flags, &e);
  if (rc)
    return raise_code(rc, &e);
  Py_RETURN_NONE;
}
static PyObject *iisconfig_bytes(IISConfigObject *o, PyObject *Py_UNUSED(a)) {
  IIS_OPEN(o);
  const char *data;
  size_t len;
  int rc = sslvdir_iisconfig_bytes(o->c, &data, &len);
  if (rc)
    return raise_code(rc, NULL);
  return PyBytes_FromStringAndSize(data, (Py_ssize_t)len);
}
static PyObject *iisconfig_save(IISConfigObject *o, PyObject *arg) {
  IIS_OPEN(o);
  PyObject *path;
  if (!PyUnicode_FSConverter(arg, &path))
    return NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_iisconfig_save(o->c, PyBytes_AS_STRING(path), &e);
  Py_DECREF(path);
  if (rc)
    return raise_code(rc, &e);
  Py_RETURN_NONE;
}
static PyMethodDef iisconfig_methods[] = {
    {"load", (PyCFunction)iisconfig_load, METH_O | METH_CLASS,
     SIG("load($cls, filename, /)",
         "-> IISConfig: read applicationHost.config (UTF-8 or UTF-16).")},
    {"parse", (PyCFunction)iisconfig_parse, METH_O | METH_CLASS,
     SIG("parse($cls, data, /)", "-> IISConfig: an applicationHost.config's bytes.")},
    {"ssl_flags", (PyCFunction)iisconfig_ssl_flags, METH_O,
     SIG("ssl_flags($self, path, /)",
         "-> (flags, from): effective sslFlags of 'Site/vdir' and where set.\n"
         "NotFoundError for a site the configuration does not have.")},
    {"redirect", (PyCFunction)iisconfig_redirect, METH_O,
     SIG("redirect($self, path, /)",
         "-> (enabled, destination, status): httpRedirect in effect.\n"
         "NotFoundError for a site the configuration does not have.")},
    {"extended_protection", (PyCFunction)iisconfig_ep, METH_O,
     SIG("extended_protection($self, path, /)",
         "-> (token_checking, from).\n"
         "NotFoundError for a site the configuration does not have.")},
    {"set_ssl_flags", (PyCFunction)iisconfig_set_ssl_flags, METH_VARARGS,
     SIG("set_ssl_flags($self, path, flags, /)",
         "Edit the configuration in memory (see save()).")},
    {"to_bytes", (PyCFunction)iisconfig_bytes, METH_NOARGS,
     SIG("to_bytes($self, /)", "The configuration as it would be saved, in its own encoding.")},
    {"save", (PyCFunction)iisconfig_save, METH_O,
     SIG("save($self, filename, /)", "Write atomically, in the file's own encoding.")},
    {"close", (PyCFunction)iisconfig_close, METH_NOARGS,
     SIG("close($self, /)", "Free the configuration now.")},
    CM_METHODS,
    {NULL, NULL, 0, NULL}};
static PyGetSetDef iisconfig_getset[] = {
    {"encoding", (getter)iisconfig_get_encoding, NULL, "\"utf-8\", \"utf-16le\", ...", NULL},
    {"sites", (getter)iisconfig_get_sites, NULL, "[(name, hosts, https_port)]", NULL},
    {"applications", (getter)iisconfig_get_apps, NULL, "[(config_path, pool)]", NULL},
    {"warnings", (getter)iisconfig_get_warnings, NULL, "Warnings found while reading.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

/* ------------------------------------------------------------ RegFile */

typedef struct {
  PyObject_HEAD sslvdir_regfile *r;
} RegFileObject;
static PyTypeObject RegFileType;
#define REG_OPEN(o)                            \
  if (!(o)->r)                                 \
    return closed_error("RegFile");

static PyObject *regfile_from(PyTypeObject *t, sslvdir_regfile *r) {
  RegFileObject *o = (RegFileObject *)t->tp_alloc(t, 0);
  if (!o) {
    sslvdir_regfile_free(r);
    return NULL;
  }
  o->r = r;
  return (PyObject *)o;
}
DEFINE_LOAD_PARSE(regfile, sslvdir_regfile, sslvdir_regfile_parse, sslvdir_regfile_load,
                  regfile_from)
static PyObject *regfile_from_settings(PyObject *cls, PyObject *arg) {
  if (!PyObject_TypeCheck(arg, &SettingsType)) {
    PyErr_SetString(PyExc_TypeError, "from_settings() takes a Settings");
    return NULL;
  }
  SettingsObject *so = (SettingsObject *)arg;
  SETTINGS_OPEN(so);
  sslvdir_regfile *r = NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_regfile_from_settings(&r, so->s, &e);
  if (rc)
    return raise_code(rc, &e);
  return regfile_from((PyTypeObject *)cls, r);
}
DEFINE_DEALLOC(regfile, RegFileObject, sslvdir_regfile_free, r)
static PyObject *regfile_close(RegFileObject *o, PyObject *Py_UNUSED(a)) {
  sslvdir_regfile_free(o->r);
  o->r = NULL;
  Py_RETURN_NONE;
}
static PyObject *regfile_get_entries(RegFileObject *o, void *c) {
  (void)c;
  REG_OPEN(o);
  size_t n = sslvdir_regfile_entry_count(o->r);
  PyObject *l = PyList_New(0);
  for (size_t i = 0; l && i < n; i++) {
    const char *key, *name;
    unsigned type = 0;
    const unsigned char *data;
    size_t len = 0;
    int kind = sslvdir_regfile_entry(o->r, i, &key, &name, &type, &data, &len);
    if (kind <= 0)
      continue;
    PyObject *value;
    if (kind != SSLVDIR_REG_VALUE)
      value = Py_NewRef(Py_None);
    else if (type == SSLVDIR_REG_DWORD && len == 4)
      value = PyLong_FromUnsignedLong((unsigned long)data[0] | (unsigned long)data[1] << 8 |
                                      (unsigned long)data[2] << 16 | (unsigned long)data[3] << 24);
    else
      value = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)len);
    /* A type without a REG_ name is given as the file writes it, hex(N). */
    char tname[24];
    snprintf(tname, sizeof tname, "%s", kind == SSLVDIR_REG_VALUE ?
             value_name(reg_type_names, (int)type) : "");
    if (!strcmp(tname, "unknown"))
      snprintf(tname, sizeof tname, "hex(%x)", type);
    PyObject *t = Py_BuildValue("(sNNsN)", value_name(reg_entry_names, kind), str_or_none(key),
                                str_or_none(name), tname, value);
    if (!t || PyList_Append(l, t) < 0)
      Py_CLEAR(l);
    Py_XDECREF(t);
  }
  return l;
}
static PyObject *regfile_get_warnings(RegFileObject *o, void *c) {
  (void)c;
  REG_OPEN(o);
  return str_tuple(o->r, sslvdir_regfile_warning_count(o->r),
                   (indexed_str_fn)sslvdir_regfile_warning);
}
static PyObject *regfile_apply(RegFileObject *o, PyObject *arg) {
  REG_OPEN(o);
  if (!PyObject_TypeCheck(arg, &SettingsType)) {
    PyErr_SetString(PyExc_TypeError, "apply() takes a Settings");
    return NULL;
  }
  SettingsObject *so = (SettingsObject *)arg;
  SETTINGS_OPEN(so);
  sslvdir_error e = {0};
  int rc = sslvdir_regfile_apply(o->r, so->s, &e);
  if (rc)
    return raise_code(rc, &e);
  Py_RETURN_NONE;
}
struct regwrite_ctx {
  const sslvdir_regfile *r;
  unsigned flags;
};
static int regwrite_fill(void *c, char *out, size_t size, size_t *len) {
  struct regwrite_ctx *x = c;
  return sslvdir_regfile_write(x->r, x->flags, out, size, len);
}
static PyObject *regfile_write(RegFileObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"utf8", "regedit4", NULL};
  struct flag utf8 = {"utf8", 0}, regedit4 = {"regedit4", 0};
  REG_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|$O&O&:to_bytes", kwlist, conv_flag, &utf8,
                                   conv_flag, &regedit4))
    return NULL;
  struct regwrite_ctx x = {o->r, (utf8.value ? SSLVDIR_REGFILE_UTF8 : 0u) |
                                     (regedit4.value ? SSLVDIR_REGFILE_REGEDIT4 : 0u)};
  return fill_bytes(regwrite_fill, &x, NULL, 0);
}
static PyMethodDef regfile_methods[] = {
    {"load", (PyCFunction)regfile_load, METH_O | METH_CLASS,
     SIG("load($cls, filename, /)",
         "-> RegFile: read a .reg export (REGEDIT4 or 5, UTF-16 or 8-bit).")},
    {"parse", (PyCFunction)regfile_parse, METH_O | METH_CLASS,
     SIG("parse($cls, data, /)", "-> RegFile: a .reg export's bytes.")},
    {"from_settings", (PyCFunction)regfile_from_settings, METH_O | METH_CLASS,
     SIG("from_settings($cls, settings, /)", "-> RegFile holding the registry values.")},
    {"apply", (PyCFunction)regfile_apply, METH_O,
     SIG("apply($self, settings, /)",
         "Set in settings what the file sets; a value it cannot take is absent, with a "
         "warning.")},
    {"to_bytes", (PyCFunction)(void (*)(void))regfile_write, METH_VARARGS | METH_KEYWORDS,
     SIG("to_bytes($self, *, utf8=False, regedit4=False)",
         "-> bytes: the file as regedit writes it.")},
    {"close", (PyCFunction)regfile_close, METH_NOARGS, SIG("close($self, /)", "Free the file now.")},
    CM_METHODS,
    {NULL, NULL, 0, NULL}};
static PyGetSetDef regfile_getset[] = {
    {"entries", (getter)regfile_get_entries, NULL,
     "[(kind, key, name, type, value)] in file order; DWORDs as int, others as bytes.", NULL},
    {"warnings", (getter)regfile_get_warnings, NULL,
     "The lines skipped while reading, each with its line number.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

/* ------------------------------------------------------------ Plan */

typedef struct {
  PyObject_HEAD sslvdir_plan *p;
  IISConfigObject *config;     /* pinned */
  SettingsObject *registry;    /* pinned */
  sslvdir_settings *own_registry; /* from a RegFile */
} PlanObject;
static PyTypeObject PlanType;
#define PLAN_OPEN(o)                           \
  if (!(o)->p)                                 \
    return closed_error("Plan");

static void plan_release(PlanObject *o) {
  sslvdir_plan_free(o->p);
  o->p = NULL;
  sslvdir_settings_free(o->own_registry);
  o->own_registry = NULL;
  if (o->config) {
    o->config->pins--;
    Py_CLEAR(o->config);
  }
  if (o->registry) {
    o->registry->pins--;
    Py_CLEAR(o->registry);
  }
}
static void plan_dealloc(PlanObject *o) {
  plan_release(o);
  Py_TYPE(o)->tp_free(o);
}
static PyObject *plan_close(PlanObject *o, PyObject *Py_UNUSED(a)) {
  plan_release(o);
  Py_RETURN_NONE;
}

/* A registry argument: Settings (pinned) or RegFile (applied to a copy). */
static int registry_arg(PyObject *obj, SettingsObject **pinned, sslvdir_settings **owned,
                        const sslvdir_settings **out) {
  *pinned = NULL;
  *owned = NULL;
  *out = NULL;
  if (!obj || obj == Py_None)
    return 0;
  if (PyObject_TypeCheck(obj, &SettingsType)) {
    SettingsObject *so = (SettingsObject *)obj;
    if (!so->s)
      return closed_error("Settings"), -1;
    so->pins++;
    *pinned = (SettingsObject *)Py_NewRef(obj);
    *out = so->s;
    return 0;
  }
  if (PyObject_TypeCheck(obj, &RegFileType)) {
    RegFileObject *ro = (RegFileObject *)obj;
    if (!ro->r)
      return closed_error("RegFile"), -1;
    sslvdir_error e = {0};
    int rc = sslvdir_settings_new(owned);
    if (!rc && (rc = sslvdir_regfile_apply(ro->r, *owned, &e))) {
      sslvdir_settings_free(*owned);
      *owned = NULL;
    }
    if (rc)
      return raise_code(rc, &e), -1;
    *out = *owned;
    return 0;
  }
  PyErr_Format(PyExc_TypeError, "registry must be Settings, RegFile or None, not %.100s",
               Py_TYPE(obj)->tp_name);
  return -1;
}

static int config_arg(PyObject *obj, IISConfigObject **pinned, const sslvdir_iisconfig **out) {
  *pinned = NULL;
  *out = NULL;
  if (!obj || obj == Py_None)
    return 0;
  if (!PyObject_TypeCheck(obj, &IISConfigType)) {
    PyErr_Format(PyExc_TypeError, "config must be an IISConfig or None, not %.100s",
                 Py_TYPE(obj)->tp_name);
    return -1;
  }
  IISConfigObject *co = (IISConfigObject *)obj;
  if (!co->c)
    return closed_error("IISConfig"), -1;
  co->pins++;
  *pinned = (IISConfigObject *)Py_NewRef(obj);
  *out = co->c;
  return 0;
}

static PyObject *plan_new_obj(PyTypeObject *t, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"config", "registry", "exchange_version", NULL};
  PyObject *config = Py_None, *registry = Py_None;
  unsigned int version = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|OO$O&:Plan", kwlist, &config, &registry, conv_version, &version))
    return NULL;
  PlanObject *o = (PlanObject *)t->tp_alloc(t, 0);
  if (!o)
    return NULL;
  const sslvdir_iisconfig *c;
  const sslvdir_settings *r;
  if (config_arg(config, &o->config, &c) < 0 ||
      registry_arg(registry, &o->registry, &o->own_registry, &r) < 0) {
    Py_DECREF(o);
    return NULL;
  }
  sslvdir_error e = {0};
  int rc = sslvdir_plan_new(&o->p, c, r, version, &e);
  if (rc) {
    Py_DECREF(o);
    return raise_code(rc, &e);
  }
  return (PyObject *)o;
}
static PyObject *plan_set_oa(PlanObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"server", "external_host", "auth", NULL};
  const char *server, *ext = NULL, *auth = NULL;
  PLAN_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "s|zz:set_outlook_anywhere", kwlist, &server, &ext,
                                   &auth))
    return NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_plan_set_outlook_anywhere(o->p, server, ext, auth, &e);
  if (rc)
    return raise_code(rc, &e);
  Py_RETURN_NONE;
}
static PyObject *plan_want(PlanObject *o, PyObject *args) {
  const char *path;
  PyObject *up;
  int u;
  PLAN_OPEN(o);
  if (!PyArg_ParseTuple(args, "sO:want", &path, &up) ||
      parse_name(up, upstream_names, &u, "upstream") < 0)
    return NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_plan_want(o->p, path, (sslvdir_upstream)u, &e);
  if (rc)
    return raise_code(rc, &e);
  Py_RETURN_NONE;
}
static PyObject *plan_build(PlanObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"iisreset", NULL};
  struct flag iisreset = {"iisreset", 0};
  PLAN_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|$O&:build", kwlist, conv_flag, &iisreset))
    return NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_plan_build(o->p, iisreset.value ? SSLVDIR_PLAN_IISRESET : 0u, &e);
  if (rc)
    return raise_code(rc, &e);
  Py_RETURN_NONE;
}
static PyTypeObject PlanStepType;
static PyStructSequence_Field plan_step_fields[] = {
    {"kind", "\"exchange\", \"registry\", \"sslflags\" or \"recycle\""},
    {"target", "what it changes"},
    {"command", "the command line"},
    {"why", "why the step is there"},
    {NULL, NULL}};
static PyStructSequence_Desc plan_step_desc = {"sslvdir.PlanStep", "One step of a Plan.",
                                               plan_step_fields, 4};
static PyObject *plan_steps(PlanObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"form", NULL};
  PyObject *form = NULL;
  int f = SSLVDIR_PLAN_POWERSHELL;
  PLAN_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:steps", kwlist, &form))
    return NULL;
  if (form && parse_name(form, plan_form_names, &f, "form") < 0)
    return NULL;
  size_t n = sslvdir_plan_step_count(o->p);
  PyObject *l = PyList_New(0);
  for (size_t i = 0; l && i < n; i++) {
    int kind = 0;
    const char *target, *text, *why;
    if (sslvdir_plan_step(o->p, i, (sslvdir_plan_form)f, &kind, &target, &text, &why))
      continue;
    PyObject *s = PyStructSequence_New(&PlanStepType);
    PyObject *items[4] = {PyUnicode_FromString(value_name(step_kind_names, kind)),
                          str_or_none(target), str_or_none(text), str_or_none(why)};
    if (!s || !items[0] || !items[1] || !items[2] || !items[3]) {
      for (int k = 0; k < 4; k++)
        Py_XDECREF(items[k]);
      Py_XDECREF(s);
      Py_CLEAR(l);
      break;
    }
    for (int k = 0; k < 4; k++)
      PyStructSequence_SET_ITEM(s, k, items[k]);
    if (PyList_Append(l, s) < 0)
      Py_CLEAR(l);
    Py_DECREF(s);
  }
  return l;
}
static PyObject *plan_registry(PlanObject *o, PyObject *Py_UNUSED(a)) {
  PLAN_OPEN(o);
  sslvdir_regfile *r = NULL;
  sslvdir_error e = {0};
  int rc = sslvdir_plan_registry(o->p, &r, &e);
  if (rc)
    return raise_code(rc, &e);
  return regfile_from(&RegFileType, r);
}
static PyMethodDef plan_methods[] = {
    {"set_outlook_anywhere", (PyCFunction)(void (*)(void))plan_set_oa,
     METH_VARARGS | METH_KEYWORDS,
     SIG("set_outlook_anywhere($self, server, external_host=None, auth=None)",
         "The server and Outlook Anywhere settings the Exchange steps name.")},
    {"want", (PyCFunction)plan_want, METH_VARARGS,
     SIG("want($self, config_path, upstream, /)",
         "'offload' or 'bridge' for 'Site/vdir'. NotFoundError for a site or vdir the\n"
         "configuration does not have (without one: that Exchange does not create).")},
    {"build", (PyCFunction)(void (*)(void))plan_build, METH_VARARGS | METH_KEYWORDS,
     SIG("build($self, *, iisreset=False)", "Compute the steps.")},
    {"steps", (PyCFunction)(void (*)(void))plan_steps, METH_VARARGS | METH_KEYWORDS,
     SIG("steps($self, form='powershell')", "-> [PlanStep]; form 'appcmd' or 'powershell'.")},
    {"registry", (PyCFunction)plan_registry, METH_NOARGS,
     SIG("registry($self, /)", "-> RegFile: the registry changes as a .reg file.")},
    {"close", (PyCFunction)plan_close, METH_NOARGS, SIG("close($self, /)", "Free the plan now.")},
    CM_METHODS,
    {NULL, NULL, 0, NULL}};

/* ------------------------------------------------------------ Builder */

typedef struct {
  PyObject_HEAD sslvdir_builder *b;
  int busy;
} BuilderObject;
static PyTypeObject BuilderType;
#define BUILDER_OPEN(o)                                                      \
  if (!(o)->b)                                                               \
    return closed_error("Builder");                                          \
  REFUSE_BUSY(o, "Builder")

DEFINE_NEW_NOARGS(builder, BuilderObject, "Builder() takes no arguments", sslvdir_builder_new(&o->b))
DEFINE_DEALLOC(builder, BuilderObject, sslvdir_builder_free, b)
static PyObject *builder_close(BuilderObject *o, PyObject *Py_UNUSED(a)) {
  BUILDER_OPEN(o);
  sslvdir_builder_free(o->b);
  o->b = NULL;
  Py_RETURN_NONE;
}
#define BRC(call)                    \
  do {                               \
    sslvdir_error e = {0};           \
    int rc_ = (call);                \
    if (rc_)                         \
      return raise_code(rc_, &e);    \
    Py_RETURN_NONE;                  \
  } while (0)

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
  if (!PyObject_TypeCheck(arg, &SettingsType)) {
    PyErr_SetString(PyExc_TypeError, "set_settings() takes a Settings");
    return NULL;
  }
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
  if (!PyObject_TypeCheck(arg, &RegFileType)) {
    PyErr_SetString(PyExc_TypeError, "apply_regfile() takes a RegFile");
    return NULL;
  }
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
  if (!PyObject_TypeCheck(arg, &IISConfigType)) {
    PyErr_SetString(PyExc_TypeError, "apply_iisconfig() takes an IISConfig");
    return NULL;
  }
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

#define BM(name, fn, flags, doc) {name, (PyCFunction)(void (*)(void))fn, flags, doc}
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

/* ------------------------------------------------------------ Cert */

typedef struct {
  PyObject_HEAD sslvdir_cert *c;
  int pins;
} CertObject;
static PyTypeObject CertType, CertInfoType;
#define CERT_OPEN(o)                           \
  if (!(o)->c)                                 \
    return closed_error("Cert");

static PyStructSequence_Field certinfo_fields[] = {
    {"subject", "subject DN"},
    {"issuer", "issuer DN"},
    {"common_name", "CN, or None"},
    {"serial", "serial number, hex"},
    {"thumbprint", "SHA-1 thumbprint as Exchange prints it"},
    {"not_before", "validity start, seconds since the epoch"},
    {"not_after", "validity end, seconds since the epoch"},
    {"key_algorithm", "\"RSA\", \"ECDSA\", ..."},
    {"key_bits", "key size in bits"},
    {"signature_algorithm", "\"RSA-SHA256\", ..."},
    {"self_signed", "True when subject and issuer match and the signature verifies"},
    {"sans", "subject alternative names: tuple of (\"dns\"|\"ip\", value)"},
    {NULL, NULL}};
static PyStructSequence_Desc certinfo_desc = {"sslvdir.CertInfo", "One certificate of a Cert.",
                                              certinfo_fields, 12};

static PyObject *cert_from(PyTypeObject *t, sslvdir_cert *c) {
  CertObject *o = (CertObject *)t->tp_alloc(t, 0);
  if (!o) {
    sslvdir_cert_free(c);
    return NULL;
  }
  o->c = c;
  return (PyObject *)o;
}
static PyObject *cert_parse(PyObject *cls, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"data", "password", NULL};
  Py_buffer buf;
  const char *password = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|z:parse", kwlist, &buf, &password))
    return NULL;
  sslvdir_cert *c = NULL;
  sslvdir_error e = {0};
  int rc;
  Py_BEGIN_ALLOW_THREADS rc = sslvdir_cert_parse(&c, buf.buf, (size_t)buf.len, password, &e);
  Py_END_ALLOW_THREADS PyBuffer_Release(&buf);
  if (rc)
    return raise_code(rc, &e);
  return cert_from((PyTypeObject *)cls, c);
}
static PyObject *cert_load(PyObject *cls, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"filename", "password", NULL};
  PyObject *path;
  const char *password = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|z:load", kwlist, PyUnicode_FSConverter, &path,
                                   &password))
    return NULL;
  sslvdir_cert *c = NULL;
  sslvdir_error e = {0};
  int rc;
  Py_BEGIN_ALLOW_THREADS rc = sslvdir_cert_load(&c, PyBytes_AS_STRING(path), password, &e);
  Py_END_ALLOW_THREADS Py_DECREF(path);
  if (rc)
    return raise_code(rc, &e);
  return cert_from((PyTypeObject *)cls, c);
}
DEFINE_DEALLOC(cert, CertObject, sslvdir_cert_free, c)
static PyObject *cert_close(CertObject *o, PyObject *Py_UNUSED(a)) {
  if (o->pins) {
    PyErr_SetString(PyExc_ValueError, "Cert still in use by an Audit");
    return NULL;
  }
  sslvdir_cert_free(o->c);
  o->c = NULL;
  Py_RETURN_NONE;
}
static PyObject *cert_info(const sslvdir_cert *c, size_t i) {
  int64_t nb = 0, na = 0;
  unsigned bits = 0;
  if (sslvdir_cert_validity(c, i, &nb, &na))
    nb = na = 0;
  const char *key = sslvdir_cert_key(c, i, &bits);
  size_t nsan = sslvdir_cert_san_count(c, i);
  PyObject *sans = PyTuple_New((Py_ssize_t)nsan);
  for (size_t k = 0; sans && k < nsan; k++) {
    int type = 0;
    const char *value = NULL;
    if (sslvdir_cert_san(c, i, k, &type, &value)) {
      Py_CLEAR(sans);
      return raise_code(SSLVDIR_E_INVALID_ARGUMENT, NULL);
    }
    PyObject *t = Py_BuildValue("(sN)", type == SSLVDIR_SAN_IP ? "ip" : "dns", str_or_none(value));
    if (!t) {
      Py_CLEAR(sans);
      break;
    }
    PyTuple_SET_ITEM(sans, (Py_ssize_t)k, t);
  }
  PyObject *items[12] = {str_or_none(sslvdir_cert_subject(c, i)),
                         str_or_none(sslvdir_cert_issuer(c, i)),
                         str_or_none(sslvdir_cert_common_name(c, i)),
                         str_or_none(sslvdir_cert_serial(c, i)),
                         str_or_none(sslvdir_cert_thumbprint(c, i)),
                         PyLong_FromLongLong(nb),
                         PyLong_FromLongLong(na),
                         str_or_none(key),
                         PyLong_FromUnsignedLong(bits),
                         str_or_none(sslvdir_cert_signature_algorithm(c, i)),
                         PyBool_FromLong(sslvdir_cert_self_signed(c, i) == 1),
                         sans};
  PyObject *r = PyStructSequence_New(&CertInfoType);
  int ok = r != NULL;
  for (int k = 0; k < 12; k++)
    ok = ok && items[k];
  if (!ok) {
    for (int k = 0; k < 12; k++)
      Py_XDECREF(items[k]);
    Py_XDECREF(r);
    return NULL;
  }
  for (int k = 0; k < 12; k++)
    PyStructSequence_SET_ITEM(r, k, items[k]);
  return r;
}
static Py_ssize_t cert_len(CertObject *o) {
  if (!o->c)
    return closed_error("Cert"), -1;
  return (Py_ssize_t)sslvdir_cert_count(o->c);
}
static PyObject *cert_item(CertObject *o, Py_ssize_t i) {
  CERT_OPEN(o);
  if (i < 0 || (size_t)i >= sslvdir_cert_count(o->c)) {
    PyErr_SetString(PyExc_IndexError, "certificate index out of range");
    return NULL;
  }
  return cert_info(o->c, (size_t)i);
}
/* Iterable by name, not only through the old __getitem__ protocol, so that
 * the stub can say so (for info in cert) and type checkers agree. */
static PyObject *cert_iter(CertObject *o) {
  CERT_OPEN(o);
  return PySeqIter_New((PyObject *)o);
}
static PyObject *cert_get_format(CertObject *o, void *c) {
  (void)c;
  CERT_OPEN(o);
  return PyUnicode_FromString(value_name(format_names, sslvdir_cert_format_of(o->c)));
}
static PyObject *cert_get_has_wildcard(CertObject *o, void *c) {
  (void)c;
  CERT_OPEN(o);
  return PyBool_FromLong(sslvdir_cert_has_wildcard(o->c) == 1);
}
static PyObject *cert_covers(CertObject *o, PyObject *arg) {
  CERT_OPEN(o);
  const char *host, *by = NULL;
  Py_ssize_t n;
  if (get_text(arg, &host, &n, "host") < 0)
    return NULL;
  int rc = sslvdir_cert_covers(o->c, host, (size_t)n, &by);
  if (rc < 0)
    return raise_code(rc, NULL);
  if (rc == 0)
    Py_RETURN_NONE;
  return str_or_none(by);
}
static PySequenceMethods cert_sequence = {.sq_length = (lenfunc)cert_len,
                                          .sq_item = (ssizeargfunc)cert_item};
static PyMethodDef cert_methods[] = {
    {"load", (PyCFunction)(void (*)(void))cert_load, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     SIG("load($cls, filename, password=None)", "-> Cert: PEM, DER or PKCS#12 (.pfx).")},
    {"parse", (PyCFunction)(void (*)(void))cert_parse, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     SIG("parse($cls, data, password=None)", "-> Cert: a file's bytes.")},
    {"covers", (PyCFunction)cert_covers, METH_O,
     SIG("covers($self, host, /)",
         "-> str or None: the SAN covering host (RFC 9525; never the CN), else None.")},
    {"close", (PyCFunction)cert_close, METH_NOARGS,
     SIG("close($self, /)", "Free the certificates now.")},
    CM_METHODS,
    {NULL, NULL, 0, NULL}};
static PyGetSetDef cert_getset[] = {
    {"format", (getter)cert_get_format, NULL, "\"pem\", \"der\" or \"pkcs12\".", NULL},
    {"has_wildcard", (getter)cert_get_has_wildcard, NULL, "The server certificate has a wildcard.",
     NULL},
    {NULL, NULL, NULL, NULL, NULL}};

/* ------------------------------------------------------------ Trust */

typedef struct {
  PyObject_HEAD sslvdir_trust *t;
  int pins;
  int busy; /* add_system() runs without the GIL */
} TrustObject;
static PyTypeObject TrustType;
#define TRUST_OPEN(o)                          \
  if (!(o)->t)                                 \
    return closed_error("Trust");              \
  REFUSE_BUSY(o, "Trust")

DEFINE_NEW_NOARGS(trust, TrustObject, "Trust() takes no arguments", sslvdir_trust_new(&o->t, &e))
DEFINE_DEALLOC(trust, TrustObject, sslvdir_trust_free, t)
static PyObject *trust_close(TrustObject *o, PyObject *Py_UNUSED(a)) {
  REFUSE_BUSY(o, "Trust");
  if (o->pins) {
    PyErr_SetString(PyExc_ValueError, "Trust still in use by an Audit");
    return NULL;
  }
  sslvdir_trust_free(o->t);
  o->t = NULL;
  Py_RETURN_NONE;
}
#define TRUST_MUTABLE(o)                                                  \
  TRUST_OPEN(o);                                                          \
  if ((o)->pins) {                                                        \
    PyErr_SetString(PyExc_ValueError, "Trust is read by an Audit");       \
    return NULL;                                                          \
  }
static PyObject *trust_add_system(TrustObject *o, PyObject *Py_UNUSED(a)) {
  TRUST_MUTABLE(o);
  size_t added = 0;
  sslvdir_error e = {0};
  int rc;
  /* Reading the system's CAs takes milliseconds: other threads run, and
   * must neither free the store nor read it while GnuTLS fills it. */
  o->busy = 1;
  Py_BEGIN_ALLOW_THREADS rc = sslvdir_trust_add_system(o->t, &added, &e);
  Py_END_ALLOW_THREADS o->busy = 0;
  if (rc)
    return raise_code(rc, &e);
  return PyLong_FromSize_t(added);
}
typedef int (*trust_add_fn)(sslvdir_trust *, const void *, size_t, size_t *, sslvdir_error *);
typedef int (*trust_addf_fn)(sslvdir_trust *, const char *, size_t *, sslvdir_error *);
static PyObject *trust_add_data(TrustObject *o, PyObject *arg, trust_add_fn f) {
  TRUST_MUTABLE(o);
  Py_buffer buf;
  if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)
    return NULL;
  size_t added = 0;
  sslvdir_error e = {0};
  int rc = f(o->t, buf.buf, (size_t)buf.len, &added, &e);
  PyBuffer_Release(&buf);
  if (rc)
    return raise_code(rc, &e);
  return PyLong_FromSize_t(added);
}
static PyObject *trust_add_file(TrustObject *o, PyObject *arg, trust_addf_fn f) {
  TRUST_MUTABLE(o);
  PyObject *path;
  if (!PyUnicode_FSConverter(arg, &path))
    return NULL;
  size_t added = 0;
  sslvdir_error e = {0};
  int rc = f(o->t, PyBytes_AS_STRING(path), &added, &e);
  Py_DECREF(path);
  if (rc)
    return raise_code(rc, &e);
  return PyLong_FromSize_t(added);
}
static PyObject *trust_add_ca(TrustObject *o, PyObject *a) {
  return trust_add_data(o, a, sslvdir_trust_add_ca);
}
static PyObject *trust_add_crl(TrustObject *o, PyObject *a) {
  return trust_add_data(o, a, sslvdir_trust_add_crl);
}
static PyObject *trust_add_ca_file(TrustObject *o, PyObject *a) {
  return trust_add_file(o, a, sslvdir_trust_add_ca_file);
}
static PyObject *trust_add_crl_file(TrustObject *o, PyObject *a) {
  return trust_add_file(o, a, sslvdir_trust_add_crl_file);
}
static PyObject *problem_names(unsigned problems);
/* The verdict: the problems, and with explain=True also the library's sentence. */
static PyObject *verdict(unsigned problems, const sslvdir_error *e, int explain) {
  PyObject *set = problem_names(problems);
  if (!set || !explain)
    return set;
  return Py_BuildValue("(NN)", set, str_or_none(e->message));
}

static PyObject *trust_verify(TrustObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"cert", "host", "now", "explain", NULL};
  PyObject *cobj, *host = Py_None, *now = Py_None;
  struct flag explain = {"explain", 0};
  TRUST_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O!|OO$O&:verify", kwlist, &CertType, &cobj, &host,
                                   &now, conv_flag, &explain))
    return NULL;
  CertObject *co = (CertObject *)cobj;
  CERT_OPEN(co);
  const char *h = NULL;
  Py_ssize_t hn = 0;
  int64_t t;
  if ((host != Py_None && get_text(host, &h, &hn, "host") < 0) || parse_time(now, &t) < 0)
    return NULL;
  unsigned problems = 0;
  sslvdir_error e = {0};
  int rc = sslvdir_trust_verify(o->t, co->c, h, (size_t)hn, t, &problems, &e);
  if (rc)
    return raise_code(rc, &e);
  return verdict(problems, &e, explain.value);
}
static PyObject *trust_verify_der(TrustObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"chain", "host", "now", "explain", NULL};
  PyObject *chain, *host = Py_None, *now = Py_None;
  struct flag explain = {"explain", 0};
  TRUST_OPEN(o);
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OO$O&:verify_der", kwlist, &chain, &host, &now,
                                   conv_flag, &explain))
    return NULL;
  /* host and now first: nothing may run Python code (which could empty the
   * chain's list) once we hold pointers into its bytes. */
  const char *h = NULL;
  Py_ssize_t hn = 0;
  int64_t t;
  if ((host != Py_None && get_text(host, &h, &hn, "host") < 0) || parse_time(now, &t) < 0)
    return NULL;
  PyObject *seq = PySequence_Fast(chain, "chain must be a sequence of bytes (DER)");
  if (!seq)
    return NULL;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  if (n < 1 || n > SSLVDIR_CERT_CHAIN_MAX) {
    Py_DECREF(seq);
    PyErr_Format(PyExc_ValueError, "chain must hold 1 to %d certificates", SSLVDIR_CERT_CHAIN_MAX);
    return NULL;
  }
  const unsigned char *ders[SSLVDIR_CERT_CHAIN_MAX];
  size_t lens[SSLVDIR_CERT_CHAIN_MAX];
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *b = PySequence_Fast_GET_ITEM(seq, i);
    if (!PyBytes_Check(b)) {
      Py_DECREF(seq);
      PyErr_SetString(PyExc_TypeError, "chain items must be bytes (DER)");
      return NULL;
    }
    ders[i] = (const unsigned char *)PyBytes_AS_STRING(b);
    lens[i] = (size_t)PyBytes_GET_SIZE(b);
  }
  unsigned problems = 0;
  sslvdir_error e = {0};
  int rc = sslvdir_trust_verify_der(o->t, ders, lens, (size_t)n, h, (size_t)hn, t, &problems, &e);
  Py_DECREF(seq);
  if (rc)
    return raise_code(rc, &e);
  return verdict(problems, &e, explain.value);
}
static PyMethodDef trust_methods[] = {
    {"add_system", (PyCFunction)trust_add_system, METH_NOARGS,
     SIG("add_system($self, /)", "-> int: add the system's CAs; returns how many.")},
    {"add_ca", (PyCFunction)trust_add_ca, METH_O,
     SIG("add_ca($self, data, /)", "-> int: CAs from bytes (PEM or DER).")},
    {"add_ca_file", (PyCFunction)trust_add_ca_file, METH_O,
     SIG("add_ca_file($self, filename, /)", "-> int: CAs from a file.")},
    {"add_crl", (PyCFunction)trust_add_crl, METH_O,
     SIG("add_crl($self, data, /)", "-> int: refused unless a CA of the store signed it.")},
    {"add_crl_file", (PyCFunction)trust_add_crl_file, METH_O,
     SIG("add_crl_file($self, filename, /)", "-> int: CRLs from a file.")},
    {"verify", (PyCFunction)(void (*)(void))trust_verify, METH_VARARGS | METH_KEYWORDS,
     SIG("verify($self, cert, host=None, now=None, *, explain=False)",
         "-> frozenset of problems\n"
         "('untrusted', 'invalid', 'expired', 'not-yet-valid', 'revoked', 'name'); empty when the\n"
         "chain is good. With explain=True: (problems, sentence).")},
    {"verify_der", (PyCFunction)(void (*)(void))trust_verify_der, METH_VARARGS | METH_KEYWORDS,
     SIG("verify_der($self, chain, host=None, now=None, *, explain=False)",
         "-> frozenset: chain is [bytes] (DER), leaf first.")},
    {"close", (PyCFunction)trust_close, METH_NOARGS, SIG("close($self, /)", "Free the store now.")},
    CM_METHODS,
    {NULL, NULL, 0, NULL}};

static const struct name_value problem_bits[] = {
    {"untrusted", SSLVDIR_CERT_PROBLEM_UNTRUSTED},   {"invalid", SSLVDIR_CERT_PROBLEM_INVALID},
    {"expired", SSLVDIR_CERT_PROBLEM_EXPIRED},       {"not-yet-valid", SSLVDIR_CERT_PROBLEM_NOT_YET_VALID},
    {"revoked", SSLVDIR_CERT_PROBLEM_REVOKED},       {"name", SSLVDIR_CERT_PROBLEM_NAME},
    {NULL, 0}};

static PyObject *problem_names(unsigned problems) {
  PyObject *s = PySet_New(NULL);
  for (const struct name_value *p = problem_bits; s && p->name; p++)
    if (problems & (unsigned)p->value) {
      PyObject *n = PyUnicode_FromString(p->name);
      if (!n || PySet_Add(s, n) < 0)
        Py_CLEAR(s);
      Py_XDECREF(n);
    }
  if (!s)
    return NULL;
  PyObject *f = PyFrozenSet_New(s);
  Py_DECREF(s);
  return f;
}

static int problem_bits_of(PyObject *obj, unsigned *out) {
  *out = 0;
  if (PyLong_Check(obj)) {
    unsigned long long v;
    if (get_uint(obj, 0x3f, "certificate problem bits", &v) < 0)
      return -1;
    *out = (unsigned)v;
    return 0;
  }
  PyObject *it = PyObject_GetIter(obj);
  if (!it)
    return -1;
  PyObject *item;
  while ((item = PyIter_Next(it))) {
    int v;
    int r = parse_name(item, problem_bits, &v, "problem");
    Py_DECREF(item);
    if (r < 0) {
      Py_DECREF(it);
      return -1;
    }
    *out |= (unsigned)v;
  }
  Py_DECREF(it);
  return PyErr_Occurred() ? -1 : 0;
}

/* ------------------------------------------------------------ Audit */

typedef struct {
  PyObject_HEAD sslvdir_audit *a;
  IISConfigObject *config;
  SettingsObject *registry;
  sslvdir_settings *own_registry;
  PolicyObject *policy;
  CertObject *cert;
  TrustObject *trust;
} AuditObject;
static PyTypeObject AuditType, FindingType;
#define AUDIT_OPEN(o)                          \
  if (!(o)->a)                                 \
    return closed_error("Audit");

static PyStructSequence_Field finding_fields[] = {
    {"severity", "\"error\", \"warning\" or \"info\""},
    {"code", "stable code (doc/audit.md)"},
    {"object", "what it is about: a vdir, a host, a registry value, a thumbprint"},
    {"explanation", "why it matters, citing its source"},
    {"fix", "the commands that fix it"},
    {NULL, NULL}};
static PyStructSequence_Desc finding_desc = {"sslvdir.Finding", "One finding of an Audit.",
                                             finding_fields, 5};

DEFINE_NEW_NOARGS(audit, AuditObject, "Audit() takes no arguments; use the set_* methods",
                  sslvdir_audit_new(&o->a, &e))
static void audit_unpin(AuditObject *o) {
  if (o->config)
    o->config->pins--;
  if (o->registry)
    o->registry->pins--;
  if (o->cert)
    o->cert->pins--;
  if (o->trust)
    o->trust->pins--;
  Py_CLEAR(o->config);
  Py_CLEAR(o->registry);
  Py_CLEAR(o->cert);
  Py_CLEAR(o->trust);
  Py_CLEAR(o->policy);
  sslvdir_settings_free(o->own_registry);
  o->own_registry = NULL;
}
static void audit_dealloc(AuditObject *o) {
  sslvdir_audit_free(o->a); /* drops its policy reference before ours goes */
  o->a = NULL;
  audit_unpin(o);
  Py_TYPE(o)->tp_free(o);
}
static PyObject *audit_close(AuditObject *o, PyObject *Py_UNUSED(a)) {
  sslvdir_audit_free(o->a);
  o->a = NULL;
  audit_unpin(o);
  Py_RETURN_NONE;
}
static PyObject *audit_set_config(AuditObject *o, PyObject *arg) {
  AUDIT_OPEN(o);
  IISConfigObject *pin;
  const sslvdir_iisconfig *c;
  if (config_arg(arg, &pin, &c) < 0)
    return NULL;
  int rc = sslvdir_audit_set_config(o->a, c);
  if (rc) {
    if (pin) {
      pin->pins--;
      Py_DECREF(pin);
    }
    return raise_code(rc, NULL);
  }
  if (o->config)
    o->config->pins--;
  Py_XSETREF(o->config, pin);
  Py_RETURN_NONE;
}
static PyObject *audit_set_registry(AuditObject *o, PyObject *arg) {
  AUDIT_OPEN(o);
  SettingsObject *pin;
  sslvdir_settings *owned;
  const sslvdir_settings *r;
  if (registry_arg(arg, &pin, &owned, &r) < 0)
    return NULL;
  int rc = sslvdir_audit_set_registry(o->a, r);
  if (rc) {
    if (pin) {
      pin->pins--;
      Py_DECREF(pin);
    }
    sslvdir_settings_free(owned);
    return raise_code(rc, NULL);
  }
  if (o->registry)
    o->registry->pins--;
  Py_XSETREF(o->registry, pin);
  sslvdir_settings_free(o->own_registry);
  o->own_registry = owned;
  Py_RETURN_NONE;
}
static PyObject *audit_set_policy(AuditObject *o, PyObject *arg) {
  AUDIT_OPEN(o);
  if (arg != Py_None && !PyObject_TypeCheck(arg, &PolicyType)) {
    PyErr_SetString(PyExc_TypeError, "set_policy() takes a Policy or None");
    return NULL;
  }
  int rc = sslvdir_audit_set_policy(o->a, arg == Py_None ? NULL : ((PolicyObject *)arg)->p);
  if (rc)
    return raise_code(rc, NULL);
  Py_XSETREF(o->policy, arg == Py_None ? NULL : (PolicyObject *)Py_NewRef(arg));
  Py_RETURN_NONE;
}
/* Cert and Trust objects share this layout: a pointer, then the pin count. */
typedef struct {
  PyObject_HEAD void *ptr;
  int pins;
} PinnedObject;

/* Give the audit a Cert or a Trust (or None), pinning the new one and
 * releasing the old one once the library has accepted the change. */
static PyObject *audit_set_pinned(AuditObject *o, PyObject *arg, PyTypeObject *type,
                                  PyObject **slot) {
  AUDIT_OPEN(o);
  PinnedObject *po = NULL;
  if (arg != Py_None) {
    if (!PyObject_TypeCheck(arg, type)) {
      PyErr_Format(PyExc_TypeError, "expected %s or None, not %.100s", type->tp_name,
                   Py_TYPE(arg)->tp_name);
      return NULL;
    }
    po = (PinnedObject *)arg;
    if (!po->ptr)
      return closed_error(type->tp_name);
    if (type == &TrustType)
      REFUSE_BUSY((TrustObject *)arg, "Trust");
  }
  int rc = type == &CertType ? sslvdir_audit_set_cert(o->a, po ? po->ptr : NULL)
                             : sslvdir_audit_set_trust(o->a, po ? po->ptr : NULL);
  if (rc)
    return raise_code(rc, NULL);
  if (*slot)
    ((PinnedObject *)*slot)->pins--;
  if (po)
    po->pins++;
  Py_XSETREF(*slot, po ? Py_NewRef(arg) : NULL);
  Py_RETURN_NONE;
}
static PyObject *audit_set_cert(AuditObject *o, PyObject *arg) {
  return audit_set_pinned(o, arg, &CertType, (PyObject **)&o->cert);
}
static PyObject *audit_set_trust(AuditObject *o, PyObject *arg) {
  return audit_set_pinned(o, arg, &TrustType, (PyObject **)&o->trust);
}
static PyObject *audit_add_namespace(AuditObject *o, PyObject *args) {
  const char *host;
  AUDIT_OPEN(o);
  if (!PyArg_ParseTuple(args, "s:add_namespace", &host))
    return NULL;
  BRC(sslvdir_audit_add_namespace(o->a, host, &e));
}
static PyObject *audit_set_version(AuditObject *o, PyObject *arg) {
  AUDIT_OPEN(o);
  unsigned v;
  if (get_version(arg, &v) < 0)
    return NULL;
  int rc = sslvdir_audit_set_exchange_version(o->a, v);
  if (rc)
    return raise_code(rc, NULL);
  Py_RETURN_NONE;
}
static PyObject *audit_set_time(AuditObject *o, PyObject *arg) {
  AUDIT_OPEN(o);
  int64_t t;
  if (parse_time(arg, &t) < 0)
    return NULL;
  int rc = sslvdir_audit_set_time(o->a, t);
  if (rc)
    return raise_code(rc, NULL);
  Py_RETURN_NONE;
}
static const struct name_value severity_names[] = {{"info", SSLVDIR_SEVERITY_INFO},
                                                   {"warning", SSLVDIR_SEVERITY_WARNING},
                                                   {"error", SSLVDIR_SEVERITY_ERROR},
                                                   {NULL, 0}};
static PyObject *audit_findings(AuditObject *o) {
  size_t n = sslvdir_audit_finding_count(o->a);
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    int sev = 0;
    const char *code, *object, *expl, *fix;
    int rc = sslvdir_audit_finding(o->a, i, &sev, &code, &object, &expl, &fix);
    if (rc) {
      Py_CLEAR(t);
      return raise_code(rc, NULL);
    }
    PyObject *f = PyStructSequence_New(&FindingType);
    PyObject *items[5] = {PyUnicode_FromString(value_name(severity_names, sev)), str_or_none(code),
                          str_or_none(object), str_or_none(expl), str_or_none(fix)};
    if (!f || !items[0] || !items[1] || !items[2] || !items[3] || !items[4]) {
      for (int k = 0; k < 5; k++)
        Py_XDECREF(items[k]);
      Py_XDECREF(f);
      Py_CLEAR(t);
      break;
    }
    for (int k = 0; k < 5; k++)
      PyStructSequence_SET_ITEM(f, k, items[k]);
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, f);
  }
  return t;
}
static PyObject *audit_run(AuditObject *o, PyObject *Py_UNUSED(a)) {
  AUDIT_OPEN(o);
  /* The inputs are pinned (they cannot be closed or edited meanwhile);
   * the GIL stays held because a Policy or Settings could still be read
   * elsewhere, which is fine, but nothing here is slow enough to matter. */
  sslvdir_error e = {0};
  int rc = sslvdir_audit_run(o->a, &e);
  if (rc)
    return raise_code(rc, &e);
  return audit_findings(o);
}
static PyObject *audit_get_findings(AuditObject *o, void *c) {
  (void)c;
  AUDIT_OPEN(o);
  return audit_findings(o);
}
static PyObject *audit_get_worst(AuditObject *o, void *c) {
  (void)c;
  AUDIT_OPEN(o);
  int w = sslvdir_audit_worst(o->a);
  if (w <= 0)
    Py_RETURN_NONE;
  return PyUnicode_FromString(value_name(severity_names, w));
}
static PyObject *audit_iter(AuditObject *o) {
  AUDIT_OPEN(o);
  PyObject *t = audit_findings(o);
  if (!t)
    return NULL;
  PyObject *it = PyObject_GetIter(t);
  Py_DECREF(t);
  return it;
}
static PyMethodDef audit_methods[] = {
    {"set_config", (PyCFunction)audit_set_config, METH_O,
     SIG("set_config($self, config, /)", "An IISConfig, or None.")},
    {"set_registry", (PyCFunction)audit_set_registry, METH_O,
     SIG("set_registry($self, registry, /)", "Settings, a RegFile, or None.")},
    {"set_policy", (PyCFunction)audit_set_policy, METH_O,
     SIG("set_policy($self, policy, /)", "A Policy, or None.")},
    {"set_cert", (PyCFunction)audit_set_cert, METH_O,
     SIG("set_cert($self, cert, /)", "A Cert, or None.")},
    {"set_trust", (PyCFunction)audit_set_trust, METH_O,
     SIG("set_trust($self, trust, /)", "A Trust, or None.")},
    {"add_namespace", (PyCFunction)audit_add_namespace, METH_VARARGS,
     SIG("add_namespace($self, host, /)", "A host name clients connect to.")},
    {"set_exchange_version", (PyCFunction)audit_set_version, METH_O,
     SIG("set_exchange_version($self, year, /)", "A year, or \"SE\" (2025).")},
    {"set_time", (PyCFunction)audit_set_time, METH_O,
     SIG("set_time($self, now, /)", "Seconds since the epoch, or None for now.")},
    {"run", (PyCFunction)audit_run, METH_NOARGS,
     SIG("run($self, /)",
         "-> tuple of Finding, most severe first. Iterating the audit gives them too.")},
    {"close", (PyCFunction)audit_close, METH_NOARGS,
     SIG("close($self, /)", "Free the audit and release its inputs.")},
    CM_METHODS,
    {NULL, NULL, 0, NULL}};
static PyGetSetDef audit_getset[] = {
    {"findings", (getter)audit_get_findings, NULL, "Findings of the last run().", NULL},
    {"worst", (getter)audit_get_worst, NULL, "Worst severity of the last run(), or None.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

/* ------------------------------------------------------------ Rewriter */

typedef struct {
  PyObject_HEAD sslvdir_rewriter *r;
  PolicyObject *policy;
} RewriterObject;
static PyTypeObject RewriterType;
#define RW_OPEN(o)                             \
  if (!(o)->r)                                 \
    return closed_error("Rewriter");

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
  PyObject *r = NULL;
  if (rc == SSLVDIR_E_CALLBACK && PyErr_Occurred())
    ;
  else if (rc)
    raise_code(rc, NULL);
  else
    r = collect_join(&c);
  Py_DECREF(c.chunks);
  return r;
}
static PyObject *rewriter_finish(RewriterObject *o, PyObject *Py_UNUSED(a)) {
  RW_OPEN(o);
  struct collect c = {PyList_New(0)};
  if (!c.chunks)
    return NULL;
  int rc = sslvdir_rewriter_finish(o->r, collect_write, &c);
  PyObject *r = NULL;
  if (rc == SSLVDIR_E_CALLBACK && PyErr_Occurred())
    ;
  else if (rc)
    raise_code(rc, NULL);
  else
    r = collect_join(&c);
  Py_DECREF(c.chunks);
  return r;
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

/* ------------------------------------------------------------ AutodiscoverChain */

typedef struct {
  PyObject_HEAD sslvdir_autodiscover_chain *c;
} ChainObject;
static PyTypeObject ChainType;
#define CHAIN_OPEN(o)                          \
  if (!(o)->c)                                 \
    return closed_error("AutodiscoverChain");

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
  BRC(sslvdir_autodiscover_chain_url(o->c, status, u, (size_t)n, &e));
}
static PyObject *chain_addr(ChainObject *o, PyObject *args) {
  const char *addr;
  CHAIN_OPEN(o);
  if (!PyArg_ParseTuple(args, "s:follow_address", &addr))
    return NULL;
  BRC(sslvdir_autodiscover_chain_addr(o->c, addr, &e));
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

static PyObject *m_strerror(PyObject *m, PyObject *arg) {
  (void)m;
  long code = PyLong_AsLong(arg);
  if (code == -1 && PyErr_Occurred())
    return NULL;
  return str_or_none(sslvdir_strerror(code < INT_MIN || code > INT_MAX ? INT_MIN : (int)code));
}
static PyObject *m_version(PyObject *m, PyObject *Py_UNUSED(a)) {
  (void)m;
  unsigned num = 0;
  const char *v = sslvdir_version(&num);
  return Py_BuildValue("(sI)", v, num);
}
static PyObject *m_reason(PyObject *m, PyObject *arg) {
  (void)m;
  long r = PyLong_AsLong(arg);
  if (r == -1 && PyErr_Occurred())
    return NULL;
  const char *name = r < INT_MIN || r > INT_MAX ? NULL : sslvdir_reason_name((int)r);
  if (!name) {
    PyErr_Format(PyExc_ValueError, "unknown reason %ld", r);
    return NULL;
  }
  int status = 0, sub = -1;
  if (sslvdir_reason_status((int)r, &status, &sub))
    status = 0, sub = -1;
  return Py_BuildValue("(ssii)", name, sslvdir_reason_string((int)r), status, sub);
}
static PyObject *m_reasons(PyObject *m, PyObject *Py_UNUSED(a)) {
  (void)m;
  PyObject *d = PyDict_New();
  for (int r = 0; d && r < 256; r++) {
    const char *name = sslvdir_reason_name(r);
    if (!name)
      continue;
    int status = 0, sub = -1;
    if (sslvdir_reason_status(r, &status, &sub))
      status = 0, sub = -1;
    PyObject *t = Py_BuildValue("(isii)", r, sslvdir_reason_string(r), status, sub);
    if (!t || PyDict_SetItemString(d, name, t) < 0)
      Py_CLEAR(d);
    Py_XDECREF(t);
  }
  return d;
}
static PyObject *m_flags_parse(PyObject *m, PyObject *arg) {
  (void)m;
  unsigned f;
  if (parse_flags(arg, &f) < 0)
    return NULL;
  return PyLong_FromUnsignedLong(f);
}
static PyObject *m_flags_format(PyObject *m, PyObject *arg) {
  (void)m;
  unsigned f;
  if (!PyLong_Check(arg)) {
    PyErr_SetString(PyExc_TypeError, "flags_format() takes an int");
    return NULL;
  }
  if (parse_flags(arg, &f) < 0)
    return NULL;
  return flags_text(f);
}
static PyObject *m_path_canonicalize(PyObject *m, PyObject *arg) {
  (void)m;
  const char *t;
  Py_ssize_t n;
  if (get_text(arg, &t, &n, "target") < 0)
    return NULL;
  static char out[SSLVDIR_PATH_BUFSZ]; /* GIL held: one caller at a time */
  size_t len = 0;
  int reason = 0;
  int rc = sslvdir_path_canonicalize(out, sizeof out, &len, t, (size_t)n, &reason);
  if (rc == SSLVDIR_OK)
    return Py_BuildValue("(Ns)", str_n(out, len), sslvdir_reason_name(reason));
  if (rc == SSLVDIR_E_SYNTAX || rc == SSLVDIR_E_RANGE || rc == SSLVDIR_E_REFUSED)
    return Py_BuildValue("(Os)", Py_None, sslvdir_reason_name(reason));
  return raise_code(rc, NULL);
}
/* build_policy(spellings, options) -> Policy: sslvdir_policy_options_build()
 * for load_policy(). Both are sequences of (name, text) tuples: spellings
 * say how Python names each option in messages, options are the values
 * (str, bytes or os.PathLike; encoded as the file system's names are). */
static PyObject *m_build_policy(PyObject *Py_UNUSED(m), PyObject *args) {
  PyObject *lists[2];
  if (!PyArg_ParseTuple(args, "OO:build_policy", &lists[0], &lists[1]))
    return NULL;
  sslvdir_policy_options *po;
  sslvdir_error e = {0};
  int rc = sslvdir_policy_options_new(&po);
  if (rc)
    return raise_code(rc, NULL);
  PyObject *result = NULL;
  for (int pass = 0; pass < 2; pass++) {
    PyObject *seq = PySequence_Fast(lists[pass], "build_policy() takes sequences of pairs");
    if (!seq)
      goto out;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
      PyObject *item = PySequence_Fast_GET_ITEM(seq, i), *value = NULL;
      const char *name;
      if (!PyTuple_Check(item) ||
          !PyArg_ParseTuple(item, "sO&:build_policy", &name, PyUnicode_FSConverter, &value)) {
        if (!PyErr_Occurred())
          PyErr_SetString(PyExc_TypeError, "build_policy() takes (name, value) tuples");
        Py_DECREF(seq);
        goto out;
      }
      rc = pass ? sslvdir_policy_options_set(po, name, PyBytes_AS_STRING(value), &e)
                : sslvdir_policy_options_spell(po, name, PyBytes_AS_STRING(value), &e);
      Py_DECREF(value);
      if (rc) {
        Py_DECREF(seq);
        raise_code(rc, &e);
        goto out;
      }
    }
    Py_DECREF(seq);
  }
  sslvdir_policy *p = NULL;
  /* Files are read: without the GIL (the options object is ours alone). */
  Py_BEGIN_ALLOW_THREADS rc = sslvdir_policy_options_build(po, &p, &e);
  Py_END_ALLOW_THREADS
  if (rc)
    raise_code(rc, &e);
  else
    result = policy_wrap(p);
out:
  sslvdir_policy_options_free(po);
  return result;
}
static PyObject *m_presets(PyObject *m, PyObject *Py_UNUSED(a)) {
  (void)m;
  size_t n = sslvdir_preset_count();
  PyObject *d = PyDict_New();
  for (size_t i = 0; d && i < n; i++) {
    PyObject *v = str_or_none(sslvdir_preset_description(i));
    if (!v || PyDict_SetItemString(d, sslvdir_preset_name(i), v) < 0)
      Py_CLEAR(d);
    Py_XDECREF(v);
  }
  return d;
}
static PyObject *m_kinds(PyObject *m, PyObject *Py_UNUSED(a)) {
  (void)m;
  PyObject *l = PyList_New(0);
  for (int k = 0; l && k < 64; k++) {
    const char *name = sslvdir_kind_name(k);
    if (!name)
      continue;
    PyObject *s = PyUnicode_FromString(name);
    if (!s || PyList_Append(l, s) < 0)
      Py_CLEAR(l);
    Py_XDECREF(s);
  }
  return l;
}
static PyObject *m_header_kind(PyObject *m, PyObject *arg) {
  (void)m;
  const char *s;
  Py_ssize_t n;
  if (get_text(arg, &s, &n, "name") < 0)
    return NULL;
  static const char *const names[] = {"other", "location", "content-location", "refresh",
                                      "set-cookie"};
  unsigned k = (unsigned)sslvdir_rewrite_header_kind(s, (size_t)n);
  return PyUnicode_FromString(k < 5 ? names[k] : "other");
}
static PyObject *m_cipher_bits(PyObject *m, PyObject *arg) {
  (void)m;
  const char *s;
  Py_ssize_t n;
  if (get_text(arg, &s, &n, "suite") < 0)
    return NULL;
  unsigned bits = 0;
  int rc = sslvdir_tls_cipher_bits(s, (size_t)n, &bits);
  if (rc == SSLVDIR_E_NOT_FOUND || rc == SSLVDIR_E_UNKNOWN_NAME)
    Py_RETURN_NONE;
  if (rc)
    return raise_code(rc, NULL);
  return PyLong_FromUnsignedLong(bits);
}
static PyObject *m_trust_status(PyObject *m, PyObject *arg) {
  (void)m;
  unsigned p;
  if (problem_bits_of(arg, &p) < 0)
    return NULL;
  return PyUnicode_FromString(value_name(cert_status_names, sslvdir_trust_status(p)));
}
static PyObject *m_ad_parse_request(PyObject *m, PyObject *arg) {
  (void)m;
  const char *b;
  Py_ssize_t n;
  if (get_text(arg, &b, &n, "body") < 0)
    return NULL;
  sslvdir_autodiscover_request rq;
  rq.version = SSLVDIR_AUTODISCOVER_REQUEST_VERSION;
  sslvdir_error e = {0};
  int rc;
  Py_BEGIN_ALLOW_THREADS rc = sslvdir_autodiscover_parse_request(&rq, b, (size_t)n, &e);
  Py_END_ALLOW_THREADS if (rc && rc != SSLVDIR_E_SYNTAX && rc != SSLVDIR_E_UNKNOWN_NAME &&
                           rc != SSLVDIR_E_REFUSED && rc != SSLVDIR_E_RANGE) return raise_code(rc,
                                                                                               &e);
  return Py_BuildValue("{s:s,s:i,s:N,s:N,s:N}", "schema", value_name(schema_names_all, rq.schema),
                       "error", rq.error, "email", rq.email[0] ? str_or_none(rq.email) : Py_NewRef(Py_None),
                       "legacy_dn", rq.legacy_dn[0] ? str_or_none(rq.legacy_dn) : Py_NewRef(Py_None),
                       "message", rc ? str_or_none(e.message[0] ? e.message : sslvdir_strerror(rc))
                                     : Py_NewRef(Py_None));
}
static PyObject *m_ad_redirect_addr(PyObject *m, PyObject *args, PyObject *kw) {
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
static PyObject *m_ad_redirect_url(PyObject *m, PyObject *args, PyObject *kw) {
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
static PyTypeObject CandidateType;
static PyStructSequence_Field candidate_fields[] = {
    {"method", "\"post\", \"get-redirect\" or \"srv\""},
    {"url", "the URL, or the SRV name for \"srv\""},
    {NULL, NULL}};
static PyStructSequence_Desc candidate_desc = {
    "sslvdir.Candidate", "Where a client tries Autodiscover, in order.", candidate_fields, 2};
static PyObject *m_ad_candidates(PyObject *m, PyObject *arg) {
  (void)m;
  const char *email;
  if (get_cstr(arg, &email, "email") < 0)
    return NULL;
  sslvdir_autodiscover_candidate c[8];
  size_t n = 0;
  int rc = sslvdir_autodiscover_candidates(email, c, 8, &n);
  if (rc)
    return raise_code(rc, NULL);
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    PyObject *s = PyStructSequence_New(&CandidateType);
    PyObject *a = PyUnicode_FromString(value_name(ad_method_names, c[i].method));
    PyObject *b = str_or_none(c[i].url);
    if (!s || !a || !b) {
      Py_XDECREF(s), Py_XDECREF(a), Py_XDECREF(b);
      Py_CLEAR(t);
      break;
    }
    PyStructSequence_SET_ITEM(s, 0, a);
    PyStructSequence_SET_ITEM(s, 1, b);
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
  }
  return t;
}
static PyObject *m_srv_select(PyObject *m, PyObject *arg) {
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
  int rc = sslvdir_autodiscover_srv_select(r, (size_t)n, &idx, url, sizeof url);
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
static PyObject *m_cert_status_parse(PyObject *m, PyObject *arg) {
  (void)m;
  const char *s;
  Py_ssize_t n;
  if (get_text(arg, &s, &n, "name") < 0)
    return NULL;
  sslvdir_cert_status st;
  if (sslvdir_cert_status_parse(&st, s, (size_t)n)) {
    PyErr_Format(PyExc_ValueError, "unknown client certificate status %R", arg);
    return NULL;
  }
  return PyUnicode_FromString(sslvdir_cert_status_name(st));
}

static PyMethodDef module_methods[] = {
    {"strerror", m_strerror, METH_O, SIG("strerror($module, code, /)", "-> str")},
    {"version", m_version, METH_NOARGS,
     SIG("version($module, /)", "-> (text, number) of the C library")},
    {"reason", m_reason, METH_O,
     SIG("reason($module, number, /)", "-> (name, text, status, substatus)")},
    {"reasons", m_reasons, METH_NOARGS,
     SIG("reasons($module, /)", "-> {name: (number, text, status, substatus)}")},
    {"flags_parse", m_flags_parse, METH_O,
     SIG("flags_parse($module, flags, /)", "'Ssl,Ssl128' -> int")},
    {"flags_format", m_flags_format, METH_O,
     SIG("flags_format($module, flags, /)", "int -> 'Ssl, Ssl128'")},
    {"path_canonicalize", m_path_canonicalize, METH_O,
     SIG("path_canonicalize($module, target, /)",
         "-> (path or None, reason): IIS's view of a request target")},
    {"presets", m_presets, METH_NOARGS, SIG("presets($module, /)", "-> {name: description}")},
    {"build_policy", m_build_policy, METH_VARARGS,
     SIG("build_policy($module, spellings, options, /)",
         "-> Policy: the library's policy options (see load_policy())")},
    {"kinds", m_kinds, METH_NOARGS, SIG("kinds($module, /)", "-> [vdir kind names]")},
    {"rewrite_header_kind", m_header_kind, METH_O,
     SIG("rewrite_header_kind($module, name, /)", "-> 'location', 'refresh', ... or 'other'")},
    {"cipher_bits", m_cipher_bits, METH_O,
     SIG("cipher_bits($module, suite, /)",
         "-> int or None: key size of an OpenSSL, IANA or GnuTLS suite name")},
    {"trust_status", m_trust_status, METH_O,
     SIG("trust_status($module, problems, /)",
         "-> 'ok', 'untrusted', 'expired' or 'revoked' (IIS 403.16/17/13)")},
    {"cert_status_parse", m_cert_status_parse, METH_O,
     SIG("cert_status_parse($module, name, /)", "-> canonical name")},
    {"autodiscover_parse_request", m_ad_parse_request, METH_O,
     SIG("autodiscover_parse_request($module, body, /)",
         "-> {'schema', 'error', 'email', 'legacy_dn', 'message'}")},
    {"autodiscover_redirect_addr", (PyCFunction)(void (*)(void))m_ad_redirect_addr,
     METH_VARARGS | METH_KEYWORDS,
     SIG("autodiscover_redirect_addr($module, schema, address, *, time_us=0)", "-> bytes")},
    {"autodiscover_redirect_url", (PyCFunction)(void (*)(void))m_ad_redirect_url,
     METH_VARARGS | METH_KEYWORDS,
     SIG("autodiscover_redirect_url($module, url, *, spec_spelling=False)", "-> bytes")},
    {"autodiscover_candidates", m_ad_candidates, METH_O,
     SIG("autodiscover_candidates($module, email, /)",
         "-> (Candidate, ...) in the order clients try them")},
    {"srv_select", m_srv_select, METH_O,
     SIG("srv_select($module, records, /)",
         "[(priority, weight, port, target)] -> (index, url) or None")},
    {NULL, NULL, 0, NULL}};

/* ------------------------------------------------------------ types */

#define TYPE(var, name, objtype, doc, ...)                               \
  static PyTypeObject var = {PyVarObject_HEAD_INIT(NULL, 0).tp_name = "sslvdir." name, \
                             .tp_basicsize = sizeof(objtype), .tp_doc = doc, __VA_ARGS__};

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
TYPE(SettingsType, "Settings", SettingsObject,
     SIG("Settings()",
         "Registry-style settings: a read-only mapping of path -> int (DWORD) or str.\n"
         "Values go in with set() and unset(), RegFile.apply() or Builder."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = settings_new,
     .tp_dealloc = (destructor)settings_dealloc, .tp_as_mapping = &settings_mapping,
     .tp_as_sequence = &settings_sequence,
     .tp_methods = settings_methods, .tp_getset = settings_getset,
     .tp_iter = (getiterfunc)settings_iter)
TYPE(IISConfigType, "IISConfig", IISConfigObject,
     "An applicationHost.config, read with hardened libxml2; editable and savable.",
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = no_direct_new,
     .tp_dealloc = (destructor)iisconfig_dealloc, .tp_methods = iisconfig_methods,
     .tp_getset = iisconfig_getset)
TYPE(RegFileType, "RegFile", RegFileObject, "A .reg export.", .tp_flags = Py_TPFLAGS_DEFAULT,
     .tp_new = no_direct_new, .tp_dealloc = (destructor)regfile_dealloc,
     .tp_methods = regfile_methods, .tp_getset = regfile_getset)
TYPE(PlanType, "Plan", PlanObject,
     SIG("Plan(config=None, registry=None, *, exchange_version=0)",
         "The commands that move a server to the wanted offload/bridge state (Configuring\n"
         "SSL offloading in Exchange 2013's scripts)."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = plan_new_obj, .tp_dealloc = (destructor)plan_dealloc,
     .tp_methods = plan_methods)
TYPE(BuilderType, "Builder", BuilderObject,
     SIG("Builder()", "Collects a policy, then build()."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = builder_new,
     .tp_dealloc = (destructor)builder_dealloc, .tp_methods = builder_methods)
TYPE(CertType, "Cert", CertObject,
     "Certificates read from PEM, DER or PKCS#12; a sequence of CertInfo, server first.",
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = no_direct_new,
     .tp_dealloc = (destructor)cert_dealloc, .tp_as_sequence = &cert_sequence,
     .tp_iter = (getiterfunc)cert_iter,
     .tp_methods = cert_methods, .tp_getset = cert_getset)
TYPE(TrustType, "Trust", TrustObject,
     SIG("Trust()", "A store of CAs and CRLs to verify chains with."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = trust_new, .tp_dealloc = (destructor)trust_dealloc,
     .tp_methods = trust_methods)
TYPE(AuditType, "Audit", AuditObject,
     SIG("Audit()", "Finds the misconfigurations the Exchange documents warn about.\n"
                    "Set inputs, run(), then iterate the findings."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = audit_new, .tp_dealloc = (destructor)audit_dealloc,
     .tp_methods = audit_methods, .tp_getset = audit_getset, .tp_iter = (getiterfunc)audit_iter)
TYPE(RewriterType, "Rewriter", RewriterObject,
     SIG("Rewriter(policy=None)", "Rewrites http:// links of the policy's hosts in bodies."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = rewriter_new,
     .tp_dealloc = (destructor)rewriter_dealloc, .tp_methods = rewriter_methods,
     .tp_getset = rewriter_getset)
TYPE(ChainType, "AutodiscoverChain", ChainObject,
     SIG("AutodiscoverChain(email)",
         "The client-side rules for following Autodiscover redirects."),
     .tp_flags = Py_TPFLAGS_DEFAULT, .tp_new = chain_new, .tp_dealloc = (destructor)chain_dealloc,
     .tp_methods = chain_methods, .tp_getset = chain_getset)

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "sslvdir._sslvdir",
    "Low-level binding of libsslvdir. Use the sslvdir package.", -1, module_methods,
    NULL, NULL, NULL, NULL};

static const struct {
  int code;
  const char *name;
  const char *doc;
  PyObject **extra;
} error_defs[] = {
    {SSLVDIR_E_INVALID_ARGUMENT, "InvalidArgumentError", "An argument the library refuses.", &PyExc_ValueError},
    {SSLVDIR_E_NOMEM, "NoMemoryError", "An allocation failed.", &PyExc_MemoryError},
    {SSLVDIR_E_SYNTAX, "ParseError", "Input does not follow its grammar.", &PyExc_ValueError},
    {SSLVDIR_E_UNKNOWN_NAME, "UnknownNameError", "Unknown keyword, preset, kind or element.", &PyExc_ValueError},
    {SSLVDIR_E_DUPLICATE, "DuplicateError", "A name that must be unique is repeated.", &PyExc_ValueError},
    {SSLVDIR_E_NOT_FOUND, "NotFoundError", "A named site, vdir or key does not exist.", &PyExc_LookupError},
    {SSLVDIR_E_RANGE, "RangeError", "A number or a length is out of range.", &PyExc_ValueError},
    {SSLVDIR_E_INCONSISTENT, "InconsistentError", "Values contradict each other.", &PyExc_ValueError},
    {SSLVDIR_E_IO, "FileError", "Reading or writing a file failed.", &PyExc_OSError},
    {SSLVDIR_E_REFUSED, "RefusedError", "Input refused by policy.", &PyExc_ValueError},
    {SSLVDIR_E_BUFFER_TOO_SMALL, "BufferTooSmallError", "A result did not fit.", NULL},
    {SSLVDIR_E_TYPE, "TypeMismatchError", "A value exists with another type.", &PyExc_TypeError},
    {SSLVDIR_E_CALLBACK, "CallbackError", "A callback asked to stop.", NULL},
    {SSLVDIR_E_PASSWORD, "PasswordError", "A PKCS#12 password is wrong or missing.", &PyExc_ValueError},
};

static int add_int(PyObject *m, const char *name, long v) {
  return PyModule_AddIntConstant(m, name, v);
}

PyMODINIT_FUNC PyInit__sslvdir(void);
PyMODINIT_FUNC PyInit__sslvdir(void) {
  if (PyStructSequence_InitType2(&DecisionType, &decision_desc) < 0 ||
      PyStructSequence_InitType2(&FindingType, &finding_desc) < 0 ||
      PyStructSequence_InitType2(&CertInfoType, &certinfo_desc) < 0 ||
      PyStructSequence_InitType2(&PlanStepType, &plan_step_desc) < 0 ||
      PyStructSequence_InitType2(&CandidateType, &candidate_desc) < 0)
    return NULL;
  PyTypeObject *types[] = {&PolicyType, &SiteType,  &VDirType,  &SettingsType, &IISConfigType,
                           &RegFileType, &PlanType, &BuilderType, &CertType,   &TrustType,
                           &AuditType,  &RewriterType, &ChainType};
  for (size_t i = 0; i < sizeof types / sizeof *types; i++)
    if (PyType_Ready(types[i]) < 0)
      return NULL;
  PyObject *m = PyModule_Create(&module_def);
  if (!m)
    return NULL;
  Error = PyErr_NewExceptionWithDoc(
      "sslvdir.Error",
      "Base of every error libsslvdir reports. .code is the SSLVDIR_E_* value,\n"
      ".message the text, .line/.column/.offset where a parser stopped (0 if none).",
      NULL, NULL);
  if (!Error || PyModule_AddObjectRef(m, "Error", Error) < 0)
    goto fail;
  for (size_t i = 0; i < sizeof error_defs / sizeof *error_defs; i++) {
    char qual[64];
    snprintf(qual, sizeof qual, "sslvdir.%s", error_defs[i].name);
    PyObject *bases = error_defs[i].extra ? PyTuple_Pack(2, Error, *error_defs[i].extra)
                                          : PyTuple_Pack(1, Error);
    if (!bases)
      goto fail;
    PyObject *cls = PyErr_NewExceptionWithDoc(qual, error_defs[i].doc, bases, NULL);
    Py_DECREF(bases);
    if (!cls || PyModule_AddObjectRef(m, error_defs[i].name, cls) < 0) {
      Py_XDECREF(cls);
      goto fail;
    }
    code_errors[-error_defs[i].code] = cls;
  }
  PyObject *objs[] = {(PyObject *)&DecisionType, (PyObject *)&FindingType,
                      (PyObject *)&CertInfoType, (PyObject *)&PlanStepType,
                      (PyObject *)&CandidateType};
  const char *names[] = {"Decision", "Finding", "CertInfo", "PlanStep", "Candidate"};
  for (size_t i = 0; i < 5; i++)
    if (PyModule_AddObjectRef(m, names[i], objs[i]) < 0)
      goto fail;
  for (size_t i = 0; i < sizeof types / sizeof *types; i++)
    if (PyModule_AddObjectRef(m, strrchr(types[i]->tp_name, '.') + 1, (PyObject *)types[i]) < 0)
      goto fail;
  if (add_int(m, "SSL_NONE", SSLVDIR_SSL_NONE) || add_int(m, "SSL", SSLVDIR_SSL) ||
      add_int(m, "SSL128", SSLVDIR_SSL_128) ||
      add_int(m, "SSL_NEGOTIATE_CERT", SSLVDIR_SSL_NEGOTIATE_CERT) ||
      add_int(m, "SSL_REQUIRE_CERT", SSLVDIR_SSL_REQUIRE_CERT) ||
      add_int(m, "SSL_MAP_CERT", SSLVDIR_SSL_MAP_CERT) ||
      add_int(m, "VERSION_NUM", SSLVDIR_VERSION_NUM) ||
      PyModule_AddStringConstant(m, "VERSION", SSLVDIR_VERSION) ||
      PyModule_AddStringConstant(m, "KEY_SSL_OFFLOADED", SSLVDIR_KEY_SSL_OFFLOADED) ||
      PyModule_AddStringConstant(m, "KEY_ALLOW_INTERNAL_UNTRUSTED",
                                 SSLVDIR_KEY_ALLOW_INTERNAL_UNTRUSTED) ||
      PyModule_AddStringConstant(m, "KEY_ALLOW_EXTERNAL_UNTRUSTED",
                                 SSLVDIR_KEY_ALLOW_EXTERNAL_UNTRUSTED) ||
      PyModule_AddStringConstant(m, "KEY_ALLOW_PROXYING_WITHOUT_SSL",
                                 SSLVDIR_KEY_ALLOW_PROXYING_WITHOUT_SSL) ||
      PyModule_AddStringConstant(m, "KEY_OA_SSL_OFFLOADING", SSLVDIR_KEY_OA_SSL_OFFLOADING))
    goto fail;
  return m;
fail:
  Py_DECREF(m);
  return NULL;
}
