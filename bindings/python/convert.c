/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir Python extension: Conversions shared by every type: Python
 * arguments to library values (text, numbers, yes/no flags, enum names,
 * sslFlags, times) and library results to Python objects (strings, tuples,
 * struct sequences, bytes of a length the library reports).
 */
#include "_sslvdir.h"

/* ------------------------------------------------------------ helpers */

/* Text arguments: str (encoded as UTF-8) or a bytes-like object. The
 * pointer stays valid while obj lives (Py_buffer released at once is safe
 * only for bytes; so take bytes and str only). */
int get_text(PyObject *obj, const char **s, Py_ssize_t *n, const char *what) {
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
int get_cstr(PyObject *obj, const char **s, const char *what) {
  Py_ssize_t n;
  if (get_text(obj, s, &n, what) < 0)
    return -1;
  if ((size_t)n != strlen(*s)) {
    PyErr_Format(PyExc_ValueError, "%s must not contain NUL", what);
    return -1;
  }
  return 0;
}

int get_opt_cstr(PyObject *obj, const char **s, const char *what) {
  if (!obj || obj == Py_None) {
    *s = NULL;
    return 0;
  }
  return get_cstr(obj, s, what);
}

PyObject *str_or_none(const char *s) {
  if (!s)
    Py_RETURN_NONE;
  return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

PyObject *str_n(const char *s, size_t n) {
  return PyUnicode_DecodeUTF8(s, (Py_ssize_t)n, "surrogateescape");
}

/* A non-negative int up to max: TypeError for other types, ValueError when
 * out of range. A bool is an int to Python but never a number here:
 * cipher_bits=True would otherwise be 1 bit, client_cert=True status 1. */
int get_uint(PyObject *obj, unsigned long long max, const char *what,
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
int get_version(PyObject *obj, unsigned *out) {
  unsigned long long v;
  if (PyUnicode_Check(obj)) {
    /* get_cstr, not strlen of the UTF-8: "2016\0junk" must not read as 2016. */
    const char *s;
    if (get_cstr(obj, &s, "exchange_version") < 0)
      return -1;
    sslvdir_error e = {0};
    if (sslvdir_exchange_version_parse(s, strlen(s), out, &e)) {
      PyErr_Format(PyExc_ValueError, "exchange_version: %s", e.message);
      return -1;
    }
    return 0;
  }
  if (get_uint(obj, UINT_MAX, "exchange_version", &v) < 0)
    return -1;
  *out = (unsigned)v;
  return 0;
}
int conv_version(PyObject *obj, void *out) {
  return get_version(obj, out) < 0 ? 0 : 1;
}

/* PyArg "O&" converters that never wrap around silently. */
int conv_uint(PyObject *obj, void *out) {
  unsigned long long v;
  if (get_uint(obj, UINT_MAX, "argument", &v) < 0)
    return 0;
  *(unsigned int *)out = (unsigned int)v;
  return 1;
}

int conv_flag(PyObject *obj, void *out) {
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

int conv_int(PyObject *obj, void *out) {
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

/* Only the names are documented: a number (True among them, an int to
 * Python) is a TypeError, or client_cert=True would be status 1, "ok". */
int parse_name(PyObject *obj, const struct name_value *table, int *out, const char *what) {
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

const char *value_name(const struct name_value *table, int v) {
  for (const struct name_value *t = table; t->name; t++)
    if (t->value == v)
      return t->name;
  return "unknown";
}

const struct name_value side_names[] = {
    {"internal", SSLVDIR_URL_INTERNAL}, {"external", SSLVDIR_URL_EXTERNAL}, {NULL, 0}};
const struct name_value upstream_names[] = {{"auto", SSLVDIR_UPSTREAM_AUTO},
                                                   {"offload", SSLVDIR_UPSTREAM_OFFLOAD},
                                                   {"bridge", SSLVDIR_UPSTREAM_BRIDGE},
                                                   {NULL, 0}};
const struct name_value schema_names[] = {{"outlook", SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK},
                                                 {"mobilesync", SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC},
                                                 {NULL, 0}};
const struct name_value schema_names_all[] = {
    {"unknown", SSLVDIR_AUTODISCOVER_SCHEMA_UNKNOWN},
    {"outlook", SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK},
    {"mobilesync", SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC},
    {NULL, 0}};
const struct name_value ad_action_names[] = {
    {"none", SSLVDIR_AUTODISCOVER_ACTION_NONE},
    {"settings", SSLVDIR_AUTODISCOVER_ACTION_SETTINGS},
    {"redirect-addr", SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR},
    {"redirect-url", SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_URL},
    {NULL, 0}};
const struct name_value ad_method_names[] = {
    {"post", SSLVDIR_AUTODISCOVER_METHOD_POST},
    {"get-redirect", SSLVDIR_AUTODISCOVER_METHOD_GET_REDIRECT},
    {"srv", SSLVDIR_AUTODISCOVER_METHOD_SRV},
    {NULL, 0}};
const struct name_value plan_form_names[] = {
    {"appcmd", SSLVDIR_PLAN_FORM_APPCMD}, {"powershell", SSLVDIR_PLAN_FORM_POWERSHELL}, {NULL, 0}};
const struct name_value step_kind_names[] = {{"exchange", SSLVDIR_STEP_EXCHANGE},
                                                    {"registry", SSLVDIR_STEP_REGISTRY},
                                                    {"sslflags", SSLVDIR_STEP_SSLFLAGS},
                                                    {"recycle", SSLVDIR_STEP_RECYCLE},
                                                    {NULL, 0}};
const struct name_value encoding_names[] = {{"utf-8", SSLVDIR_ENCODING_UTF8},
                                                   {"utf-8-bom", SSLVDIR_ENCODING_UTF8_BOM},
                                                   {"utf-16le", SSLVDIR_ENCODING_UTF16LE},
                                                   {"utf-16be", SSLVDIR_ENCODING_UTF16BE},
                                                   {NULL, 0}};
const struct name_value token_names[] = {{"none", SSLVDIR_TOKEN_CHECKING_NONE},
                                                {"allow", SSLVDIR_TOKEN_CHECKING_ALLOW},
                                                {"require", SSLVDIR_TOKEN_CHECKING_REQUIRE},
                                                {NULL, 0}};
const struct name_value format_names[] = {{"pem", SSLVDIR_CERT_FORMAT_PEM},
                                                 {"der", SSLVDIR_CERT_FORMAT_DER},
                                                 {"pkcs12", SSLVDIR_CERT_FORMAT_PKCS12},
                                                 {NULL, 0}};
const struct name_value reg_type_names[] = {
    {"REG_NONE", SSLVDIR_REG_NONE},     {"REG_SZ", SSLVDIR_REG_SZ},
    {"REG_EXPAND_SZ", SSLVDIR_REG_EXPAND_SZ}, {"REG_BINARY", SSLVDIR_REG_BINARY},
    {"REG_DWORD", SSLVDIR_REG_DWORD},   {"REG_MULTI_SZ", SSLVDIR_REG_MULTI_SZ},
    {"REG_QWORD", SSLVDIR_REG_QWORD},   {NULL, 0}};
const struct name_value reg_entry_names[] = {{"key", SSLVDIR_REG_ENTRY_KEY},
                                                    {"key-delete", SSLVDIR_REG_ENTRY_KEY_DELETE},
                                                    {"value", SSLVDIR_REG_ENTRY_VALUE},
                                                    {"value-delete", SSLVDIR_REG_ENTRY_VALUE_DELETE},
                                                    {NULL, 0}};

int parse_kind(PyObject *obj, sslvdir_kind *out) {
  const char *s;
  Py_ssize_t n;
  if (get_text(obj, &s, &n, "kind") < 0)
    return -1;
  if (sslvdir_kind_parse(s, (size_t)n, out) != SSLVDIR_OK) {
    PyErr_Format(PyExc_ValueError, "unknown vdir kind %R", obj);
    return -1;
  }
  return 0;
}

/* sslFlags as an int or as IIS writes them ("Ssl,Ssl128"). */
int parse_flags(PyObject *obj, unsigned *out) {
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
  int rc = sslvdir_flags_parse(s, (size_t)n, out, &e);
  if (rc)
    return raise_code(rc, &e), -1;
  return 0;
}

PyObject *flags_text(unsigned flags) {
  char buf[SSLVDIR_FLAGS_TEXT_MAX];
  size_t len = 0;
  int rc = sslvdir_flags_format(flags, buf, sizeof buf, &len);
  if (rc)
    return raise_code(rc, NULL);
  return PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
}

PyObject *fill_bytes(fill_fn f, void *ctx, int *rc_out, int release_gil) {
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

PyObject *bytes_to_str(PyObject *b) {
  if (!b)
    return NULL;
  PyObject *s = PyUnicode_DecodeUTF8(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b), "surrogateescape");
  Py_DECREF(b);
  return s;
}

/* Seconds since the epoch, None for now: an int, not a bool (now=True
 * would be one second after 1970, and every certificate not yet valid). */
int parse_time(PyObject *obj, int64_t *out) {
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
PyObject *generic_enter(PyObject *self, PyObject *Py_UNUSED(arg)) {
  return Py_NewRef(self);
}

PyObject *generic_exit(PyObject *self, PyObject *args) {
  PyObject *t, *v, *tb;
  if (!PyArg_UnpackTuple(args, "__exit__", 3, 3, &t, &v, &tb))
    return NULL;
  PyObject *r = PyObject_CallMethod(self, "close", NULL);
  if (!r)
    return NULL;
  Py_DECREF(r);
  Py_RETURN_FALSE;
}

PyObject *no_direct_new(PyTypeObject *t, PyObject *a, PyObject *k) {
  (void)a, (void)k;
  PyErr_Format(PyExc_TypeError, "use %s.load() or %s.parse()", t->tp_name, t->tp_name);
  return NULL;
}

/* A tuple of the n items item(ctx, i) makes (new references); the first
 * that fails fails it. */
PyObject *tuple_of(size_t n, item_fn item, const void *ctx) {
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; t && i < n; i++) {
    PyObject *v = item(ctx, i);
    if (!v) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, v);
  }
  return t;
}

/* A tuple of the n strings f(obj, i) (hosts, warnings, offloaders). */
struct str_item {
  const void *obj;
  indexed_str_fn f;
};
static PyObject *str_item(const void *ctx, size_t i) {
  const struct str_item *c = ctx;
  return str_or_none(c->f(c->obj, i));
}
PyObject *str_tuple(const void *obj, size_t n, indexed_str_fn f) {
  struct str_item c = {obj, f};
  return tuple_of(n, str_item, &c);
}

/* Appends item (a new reference, or NULL when making it failed) to *list
 * and drops the reference; on failure *list is cleared, which ends loops
 * written "for (...; list && ...; ...)". */
void list_take(PyObject **list, PyObject *item) {
  if (!item || PyList_Append(*list, item) < 0)
    Py_CLEAR(*list);
  Py_XDECREF(item);
}

/* A struct sequence of type from n new references, which it takes, also
 * when it fails: a NULL among them (a conversion that failed) fails it. */
PyObject *struct_seq(PyTypeObject *type, PyObject **items, int n) {
  PyObject *r = PyStructSequence_New(type);
  int ok = r != NULL;
  for (int k = 0; k < n; k++)
    ok = ok && items[k];
  if (!ok) {
    for (int k = 0; k < n; k++)
      Py_XDECREF(items[k]);
    Py_XDECREF(r);
    return NULL;
  }
  for (int k = 0; k < n; k++)
    PyStructSequence_SET_ITEM(r, k, items[k]);
  return r;
}
