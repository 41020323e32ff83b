/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir Python extension: The module: its Error classes (one per
 * SSLVDIR_E_* code), the module-level functions and PyInit__sslvdir, which
 * readies every type the other files define and adds it.
 */
#include "_sslvdir.h"

/* ------------------------------------------------------------ errors */

/* The Error subclass of each SSLVDIR_E_* code, at index -code, counted from
 * the header: SSLVDIR_E_PASSWORD is the last code. A row added past it
 * without moving the anchor, or an anchor moved without its row, fails the
 * build (the assertion); a row missing in between fails the import; a code
 * added to the header past the anchor fails the tests (sslvdir_strerror()
 * names it, no subclass does). */
#define NCODES (1 - SSLVDIR_E_PASSWORD)
static const struct {
  const char *name;
  const char *doc;
  PyObject **extra;
} error_defs[] = {
    [-SSLVDIR_E_INVALID_ARGUMENT] = {"InvalidArgumentError", "An argument the library refuses.", &PyExc_ValueError},
    [-SSLVDIR_E_NOMEM] = {"NoMemoryError", "An allocation failed.", &PyExc_MemoryError},
    [-SSLVDIR_E_SYNTAX] = {"ParseError", "Input does not follow its grammar.", &PyExc_ValueError},
    [-SSLVDIR_E_UNKNOWN_NAME] = {"UnknownNameError", "Unknown keyword, preset, kind or element.", &PyExc_ValueError},
    [-SSLVDIR_E_DUPLICATE] = {"DuplicateError", "A name that must be unique is repeated.", &PyExc_ValueError},
    [-SSLVDIR_E_NOT_FOUND] = {"NotFoundError", "A named site, vdir or key does not exist.", &PyExc_LookupError},
    [-SSLVDIR_E_RANGE] = {"RangeError", "A number or a length is out of range.", &PyExc_ValueError},
    [-SSLVDIR_E_INCONSISTENT] = {"InconsistentError", "Values contradict each other.", &PyExc_ValueError},
    [-SSLVDIR_E_IO] = {"FileError", "Reading or writing a file failed.", &PyExc_OSError},
    [-SSLVDIR_E_REFUSED] = {"RefusedError", "Input refused by policy.", &PyExc_ValueError},
    [-SSLVDIR_E_BUFFER_TOO_SMALL] = {"BufferTooSmallError", "A result did not fit.", NULL},
    [-SSLVDIR_E_TYPE] = {"TypeMismatchError", "A value exists with another type.", &PyExc_TypeError},
    [-SSLVDIR_E_CALLBACK] = {"CallbackError", "A callback asked to stop.", NULL},
    [-SSLVDIR_E_PASSWORD] = {"PasswordError", "A PKCS#12 password is wrong or missing.", &PyExc_ValueError},
};
_Static_assert(sizeof error_defs / sizeof *error_defs == NCODES,
               "error_defs: one row per SSLVDIR_E_* code, SSLVDIR_E_PASSWORD the last");
static PyObject *Error;
static PyObject *code_errors[NCODES];

PyObject *raise_code(int code, const sslvdir_error *e) {
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

PyObject *closed_error(const char *what) {
  PyErr_Format(PyExc_ValueError, "operation on a closed %s", what);
  return NULL;
}

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
  int rc = sslvdir_path_canonicalize(t, (size_t)n, &reason, out, sizeof out, &len);
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
  int rc = sslvdir_policy_options_new(&po, &e);
  if (rc)
    return raise_code(rc, &e);
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
    list_take(&l, s);
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
static PyObject *m_cert_status_parse(PyObject *m, PyObject *arg) {
  (void)m;
  const char *s;
  Py_ssize_t n;
  if (get_text(arg, &s, &n, "name") < 0)
    return NULL;
  sslvdir_cert_status st;
  if (sslvdir_cert_status_parse(s, (size_t)n, &st)) {
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

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "sslvdir._sslvdir",
    "Low-level binding of libsslvdir. Use the sslvdir package.", -1, module_methods,
    NULL, NULL, NULL, NULL};

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
  for (size_t i = 1; i < NCODES; i++) {
    if (!error_defs[i].name) {
      PyErr_Format(PyExc_SystemError, "no Error subclass for code -%zu", i);
      goto fail;
    }
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
    code_errors[i] = cls;
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
