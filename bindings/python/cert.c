/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir Python extension: Certificates and the audit: Cert and
 * CertInfo, Trust (CAs, CRLs, verification) and Audit with its Findings.
 */
#include "_sslvdir.h"

/* ------------------------------------------------------------ Cert */

PyTypeObject CertInfoType;

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
PyStructSequence_Desc certinfo_desc = {"sslvdir.CertInfo", "One certificate of a Cert.",
                                              certinfo_fields, 12};

DEFINE_FROM(cert, CertObject, sslvdir_cert, sslvdir_cert_free, c)
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
  REFUSE_PINNED(o, "Cert still in use by an Audit");
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
  return struct_seq(&CertInfoType, items, 12);
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
  int covered;
  int rc = sslvdir_cert_covers(o->c, host, (size_t)n, &covered, &by);
  if (rc < 0)
    return raise_code(rc, NULL);
  if (!covered)
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

DEFINE_NEW_NOARGS(trust, TrustObject, "Trust() takes no arguments", sslvdir_trust_new(&o->t, &e))
DEFINE_DEALLOC(trust, TrustObject, sslvdir_trust_free, t)
static PyObject *trust_close(TrustObject *o, PyObject *Py_UNUSED(a)) {
  REFUSE_BUSY(o, "Trust");
  REFUSE_PINNED(o, "Trust still in use by an Audit");
  sslvdir_trust_free(o->t);
  o->t = NULL;
  Py_RETURN_NONE;
}
#define TRUST_MUTABLE(o)                                                  \
  TRUST_OPEN(o);                                                          \
  REFUSE_PINNED(o, "Trust is read by an Audit")
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

int problem_bits_of(PyObject *obj, unsigned *out) {
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

PyTypeObject FindingType;

static PyStructSequence_Field finding_fields[] = {
    {"severity", "\"error\", \"warning\" or \"info\""},
    {"code", "stable code (doc/audit.md)"},
    {"object", "what it is about: a vdir, a host, a registry value, a thumbprint"},
    {"explanation", "why it matters, citing its source"},
    {"fix", "the commands that fix it"},
    {NULL, NULL}};
PyStructSequence_Desc finding_desc = {"sslvdir.Finding", "One finding of an Audit.",
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
    PyObject *f = STRUCT_SEQ(&FindingType, PyUnicode_FromString(value_name(severity_names, sev)),
                             str_or_none(code), str_or_none(object), str_or_none(expl),
                             str_or_none(fix));
    if (!f) {
      Py_CLEAR(t);
      break;
    }
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
