/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir Python extension: The files of an Exchange server: Settings
 * (registry values), IISConfig (applicationHost.config), RegFile (.reg
 * exports) and Plan, the commands that move a server to the wanted state.
 */
#include "_sslvdir.h"

/* ------------------------------------------------------------ Settings */

DEFINE_NEW_NOARGS(settings, SettingsObject, "Settings() takes no arguments", sslvdir_settings_new(&o->s, &e))
DEFINE_DEALLOC(settings, SettingsObject, sslvdir_settings_free, s)
static PyObject *settings_close(SettingsObject *o, PyObject *Py_UNUSED(a)) {
  REFUSE_PINNED(o, "Settings still in use by a Plan or an Audit");
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
int settings_store(SettingsObject *o, PyObject *key, PyObject *value) {
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

/* ------------------------------------------------------------ IISConfig */

DEFINE_FROM(iisconfig, IISConfigObject, sslvdir_iisconfig, sslvdir_iisconfig_free, c)
DEFINE_LOAD_PARSE(iisconfig, sslvdir_iisconfig, sslvdir_iisconfig_parse, sslvdir_iisconfig_load,
                  iisconfig_from)
DEFINE_DEALLOC(iisconfig, IISConfigObject, sslvdir_iisconfig_free, c)
static PyObject *iisconfig_close(IISConfigObject *o, PyObject *Py_UNUSED(a)) {
  REFUSE_PINNED(o, "IISConfig still in use by a Plan or an Audit");
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
    list_take(&l, t);
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
    list_take(&l, t);
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
  REFUSE_PINNED(o, "IISConfig is read by a Plan or an Audit");
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

DEFINE_FROM(regfile, RegFileObject, sslvdir_regfile, sslvdir_regfile_free, r)
DEFINE_LOAD_PARSE(regfile, sslvdir_regfile, sslvdir_regfile_parse, sslvdir_regfile_load,
                  regfile_from)
static PyObject *regfile_from_settings(PyObject *cls, PyObject *arg) {
  REQUIRE_TYPE(arg, &SettingsType, "from_settings() takes a Settings");
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
    if (kind != SSLVDIR_REG_ENTRY_VALUE)
      value = Py_NewRef(Py_None);
    else if (type == SSLVDIR_REG_DWORD && len == 4)
      value = PyLong_FromUnsignedLong((unsigned long)data[0] | (unsigned long)data[1] << 8 |
                                      (unsigned long)data[2] << 16 | (unsigned long)data[3] << 24);
    else
      value = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)len);
    /* A type without a REG_ name is given as the file writes it, hex(N). */
    char tname[24];
    snprintf(tname, sizeof tname, "%s", kind == SSLVDIR_REG_ENTRY_VALUE ?
             value_name(reg_type_names, (int)type) : "");
    if (!strcmp(tname, "unknown"))
      snprintf(tname, sizeof tname, "hex(%x)", type);
    PyObject *t = Py_BuildValue("(sNNsN)", value_name(reg_entry_names, kind), str_or_none(key),
                                str_or_none(name), tname, value);
    list_take(&l, t);
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
  REQUIRE_TYPE(arg, &SettingsType, "apply() takes a Settings");
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
int registry_arg(PyObject *obj, SettingsObject **pinned, sslvdir_settings **owned,
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
    int rc = sslvdir_settings_new(owned, &e);
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

int config_arg(PyObject *obj, IISConfigObject **pinned, const sslvdir_iisconfig **out) {
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
PyTypeObject PlanStepType;
static PyStructSequence_Field plan_step_fields[] = {
    {"kind", "\"exchange\", \"registry\", \"sslflags\" or \"recycle\""},
    {"target", "what it changes"},
    {"command", "the command line"},
    {"why", "why the step is there"},
    {NULL, NULL}};
PyStructSequence_Desc plan_step_desc = {"sslvdir.PlanStep", "One step of a Plan.",
                                               plan_step_fields, 4};
static PyObject *plan_steps(PlanObject *o, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"form", NULL};
  PyObject *form = NULL;
  int f = SSLVDIR_PLAN_FORM_POWERSHELL;
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
    PyObject *s = STRUCT_SEQ(&PlanStepType, PyUnicode_FromString(value_name(step_kind_names, kind)),
                             str_or_none(target), str_or_none(text), str_or_none(why));
    list_take(&l, s);
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
