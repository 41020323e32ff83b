/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: the Lua module "sslvdir" (Lua 5.3 and 5.4).
 *
 * Built once per Lua version against that version's headers and without
 * -llua: the interpreter (lua5.3, lua5.4, or HAProxy) provides the Lua API.
 *
 * Conventions: a wrong argument type is an error (luaL_check*); anything
 * the input can make fail (a bad policy file, an unknown preset, a header
 * value with CR or LF) returns nil, message, code, code being the library's
 * SSLVDIR_E_* value. Policies are userdata of metatable "sslvdir.policy"
 * with __gc and __close, immutable and safe to use from any Lua state of
 * any thread. The decision path does not allocate in C; decide() builds
 * (or refills) one Lua table, decide_fast() none.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <sslvdir/sslvdir.h>

#if LUA_VERSION_NUM < 503
#error "Lua 5.3 or later is needed"
#endif

#define POLICY_MT "sslvdir.policy"
#define REWRITER_MT "sslvdir.rewriter"

/* A method may allocate Lua values while it still uses its library object,
 * and an allocation may run finalizers (__gc of any garbage): one of them
 * may close the object. A method therefore marks its object in use
 * (use_*()/done_*()); close() (and __close) of an object in use only marks
 * it, and the last method using it frees it when done. A Lua error between
 * the two leaves it marked: __gc frees it then, since a userdata is only
 * collected when no running method has it on its stack.
 * Any other method called on an object in use (from such a finalizer)
 * raises "... in use": a rewriter's feed() hands the library a luaL_Buffer
 * on its own C stack, and a nested feed(), finish(), reset() or begin()
 * would replace it and the rewriter's state under the outer call, which
 * would then write into a dead stack frame. The policy is immutable, but
 * keeps the same rule so that no method runs inside another of its own. */
typedef struct {
  sslvdir_policy *p;
  int in_use;  /* methods using p now */
  int closing; /* close() came meanwhile: p is freed when they are done */
} lpolicy;

typedef struct {
  sslvdir_rewriter *r;
  int in_use;
  int closing;
} lrewriter;

/* nil, message, code */
static int fail(lua_State *L, int code, const sslvdir_error *e) {
  lua_pushnil(L);
  lua_pushstring(L, e && e->message[0] ? e->message : sslvdir_strerror(code));
  lua_pushinteger(L, code);
  return 3;
}

static lpolicy *policy_usable(lua_State *L, int idx, lpolicy *u) {
  if (!u->p || u->closing)
    luaL_argerror(L, idx, "policy is closed");
  if (u->in_use)
    luaL_error(L, "policy in use: called from a finalizer during one of its methods");
  return u;
}

static lpolicy *check_policy(lua_State *L, int idx) {
  return policy_usable(L, idx, luaL_checkudata(L, idx, POLICY_MT));
}

static lpolicy *check_policy_fast(lua_State *L);

/* After the arguments are read (reading them may allocate): from here to
 * done_policy(), nothing may raise a Lua error but a memory error. */
static const sslvdir_policy *use_policy(lua_State *L, lpolicy **u) {
  *u = check_policy_fast(L);
  (*u)->in_use++;
  return (*u)->p;
}

static void done_policy(lpolicy *u) {
  if (--u->in_use == 0 && u->closing) {
    sslvdir_policy_unref(u->p);
    u->p = NULL;
    u->closing = 0;
  }
}

/* Fields of the tables we are given (requests, load{} specs, options) are
 * read raw: a metamethod (__index) would run Lua code in the middle of a
 * read, and could hand back a string that nothing else references, freed by
 * the next collection while the library still reads it. Pushes t[name] and
 * returns its type; t is an absolute index. */
static int push_field(lua_State *L, int t, const char *name) {
  t = lua_absindex(L, t);
  if (!lua_getmetatable(L, t))
    return lua_getfield(L, t, name); /* raw without a metatable, and faster (see set_top()) */
  lua_pop(L, 1);
  lua_pushstring(L, name);
  return lua_rawget(L, t);
}

/* Optional string field; NULL when absent or nil. The value is LEFT ON THE
 * STACK, and must stay there while the pointer is used: the table's own
 * reference may go (a finalizer run by a collection can change the table),
 * the stack's cannot. The caller leaves room (luaL_checkstack). */
static const char *opt_field(lua_State *L, int t, const char *name, size_t *len) {
  int type = push_field(L, t, name);
  if (type == LUA_TNIL) {
    if (len)
      *len = 0;
    return NULL;
  }
  if (type != LUA_TSTRING)
    luaL_error(L, "field '%s' must be a string", name);
  return lua_tolstring(L, -1, len);
}

/* Optional boolean field: absent or nil is false. Anything but a boolean is
 * an error rather than Lua's truthiness: tls = 0 (an ssl_fc read as a
 * number) or tls = "0" would otherwise mean TLS and let plain HTTP
 * through. */
static int opt_bool_field(lua_State *L, int t, const char *name) {
  int type = push_field(L, t, name);
  if (type != LUA_TNIL && type != LUA_TBOOLEAN)
    luaL_error(L, "field '%s' must be a boolean", name);
  int v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

/* Optional integer field: a number with an integer value (256 or 256.0),
 * not a string Lua would convert ("256"). */
static lua_Integer opt_int_field(lua_State *L, int t, const char *name, lua_Integer dflt,
                                 lua_Integer min, lua_Integer max) {
  int type = push_field(L, t, name);
  lua_Integer v = dflt;
  if (type != LUA_TNIL) {
    int ok = 0;
    if (type == LUA_TNUMBER)
      v = lua_tointegerx(L, -1, &ok);
    if (!ok)
      luaL_error(L, "field '%s' must be an integer", name);
    if (v < min || v > max)
      luaL_error(L, "field '%s' out of range", name);
  }
  lua_pop(L, 1);
  return v;
}

/* ------------------------------------------------------------ loading */

static int push_policy(lua_State *L, sslvdir_policy *p) {
  lpolicy *u = lua_newuserdata(L, sizeof *u);
  u->p = p;
  u->in_use = u->closing = 0;
  luaL_setmetatable(L, POLICY_MT);
  lua_newtable(L); /* the strings its decisions give (push_cached()) */
  lua_setuservalue(L, -2);
  return 1;
}

/* A field that may be a string or an array of strings: a wrong type raises
 * a Lua error (so before anything is allocated). */
static void check_string_list(lua_State *L, int t, const char *name) {
  if (push_field(L, t, name) == LUA_TTABLE) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
      if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
        luaL_error(L, "field '%s' must hold strings", name);
      lua_pop(L, 1);
    }
    /* Only keys 1..n are read: any other key (a hole, 1.5, a name) would be
     * a value silently left out, an offloader or a .reg file not applied. */
    lua_Integer count = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      count++;
    }
    if (count != n)
      luaL_error(L, "field '%s' must be an array of strings (keys 1 to n, no holes)", name);
  } else if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING) {
    luaL_error(L, "field '%s' must be a string or an array of strings", name);
  }
  lua_pop(L, 1);
}

/* load{}'s fields and the library's policy options they set (sslvdir.h's
 * sslvdir_policy_options_set()); list: a string or an array of strings. */
static const struct {
  const char *field, *option;
  enum { F_STRING, F_LIST, F_SWITCH, F_INT } type;
} load_fields[] = {
  {"policy", "policy", F_STRING},
  {"policy_xml", "policy-xml", F_STRING},
  {"preset", "preset", F_STRING},
  {"hosts", "host", F_LIST},
  {"autodiscover_domains", "ad-domain", F_LIST},
  {"site", "site", F_STRING},
  {"redirect", "redirect", F_SWITCH},
  {"extended_protection", "extended-protection", F_SWITCH},
  {"iisconfig", "iisconfig", F_STRING},
  {"reg", "reg", F_LIST},
  {"offloaders", "offloader", F_LIST},
  {"offloader_cipher_bits", "offloader-cipher-bits", F_INT},
  {"offloader_cipher_header", "offloader-cipher-header", F_STRING},
};
#define NLOAD_FIELDS (sizeof load_fields / sizeof load_fields[0])

/* A string handed to the library, which takes C strings: one with a NUL
 * inside would be cut short there, and mean something else. */
static int set_string(sslvdir_policy_options *po, const char *option, const char *field,
                      lua_State *L, int idx, sslvdir_error *e) {
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  if (strlen(s) != len) {
    snprintf(e->message, sizeof e->message, "%s must not contain a NUL byte", field);
    return SSLVDIR_E_SYNTAX;
  }
  return sslvdir_policy_options_set(po, option, s, e);
}

/* The types of every field, checked before anything is allocated: a wrong
 * type raises a Lua error, which must not leave an options object behind.
 * The values stay on the stack (room made by the caller) while they are
 * read: a finalizer could drop the table's own references. */
static void check_load_fields(lua_State *L, int t) {
  for (size_t i = 0; i < NLOAD_FIELDS; i++) {
    const char *f = load_fields[i].field;
    int type = push_field(L, t, f);
    switch (load_fields[i].type) {
    case F_STRING:
      if (type != LUA_TNIL && type != LUA_TSTRING)
        luaL_error(L, "field '%s' must be a string", f);
      break;
    case F_SWITCH:
      if (type != LUA_TNIL && type != LUA_TBOOLEAN)
        luaL_error(L, "field '%s' must be a boolean", f);
      break;
    case F_INT: {
      /* 256 or 256.0, not "256" (which Lua would convert) */
      int ok = 0;
      if (type == LUA_TNUMBER)
        (void)lua_tointegerx(L, -1, &ok);
      if (type != LUA_TNIL && !ok)
        luaL_error(L, "field '%s' must be an integer", f);
      break;
    }
    case F_LIST:
      check_string_list(L, t, f);
      break;
    }
    lua_pop(L, 1);
  }
}

/* Edits (insert, delete, replace a byte) from a to b, for "did you mean";
 * a is at most 64 bytes (longer keys get no suggestion). */
static size_t distance(const char *a, size_t na, const char *b) {
  size_t nb = strlen(b), row[64 + 1];
  for (size_t j = 0; j <= nb; j++)
    row[j] = j;
  for (size_t i = 1; i <= na; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      diag = up;
      row[j] = best;
    }
  }
  return row[nb];
}

/* Every key of table t is one of load{}'s fields: a misspelt one
 * (redirct = true, offloader = ...) would otherwise be silently not
 * applied, where the command, Python and the HAProxy plugin refuse or name
 * it. Raised, as a wrong type is, before anything is allocated. */
static void check_load_keys(lua_State *L, int t, const char *table) {
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "%s takes named fields, not a %s key", table, luaL_typename(L, -1));
    size_t len;
    const char *k = lua_tolstring(L, -1, &len);
    const char *best = NULL;
    size_t best_d = 4; /* as the plugin: at most 3 edits away */
    for (size_t i = 0; i < NLOAD_FIELDS; i++) {
      if (strlen(load_fields[i].field) == len && !memcmp(load_fields[i].field, k, len)) {
        best = NULL;
        best_d = 0;
        break;
      }
      size_t d = len <= 64 && strlen(load_fields[i].field) <= 64
                   ? distance(k, len, load_fields[i].field) : best_d;
      if (d < best_d) {
        best = load_fields[i].field;
        best_d = d;
      }
    }
    if (best_d == 0)
      continue;
    if (best)
      luaL_error(L, "%s: unknown field '%s' (did you mean '%s'?)", table, k, best);
    luaL_error(L, "%s: unknown field '%s'", table, k);
  }
}

/* One field into the options; the value at the top of the stack. */
static int set_field(lua_State *L, sslvdir_policy_options *po, size_t i, sslvdir_error *e) {
  const char *f = load_fields[i].field, *opt = load_fields[i].option;
  int type = lua_type(L, -1);
  if (type == LUA_TNIL)
    return SSLVDIR_OK;
  switch (load_fields[i].type) {
  case F_SWITCH:
    if (type != LUA_TBOOLEAN)
      break;
    /* redirect = false is the default, not a setting: it goes with any source. */
    if (!lua_toboolean(L, -1) && !strcmp(opt, "redirect"))
      return SSLVDIR_OK;
    return sslvdir_policy_options_set(po, opt, lua_toboolean(L, -1) ? "on" : "off", e);
  case F_INT: {
    int ok = 0;
    lua_Integer v = type == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
    if (!ok)
      break;
    /* The library reads the number: a negative or huge one gets its message. */
    char num[32];
    snprintf(num, sizeof num, LUA_INTEGER_FMT, v);
    return sslvdir_policy_options_set(po, opt, num, e);
  }
  case F_STRING:
    if (type != LUA_TSTRING)
      break;
    return set_string(po, opt, f, L, -1, e);
  case F_LIST:
    if (type == LUA_TSTRING)
      return set_string(po, opt, f, L, -1, e);
    if (type != LUA_TTABLE)
      break;
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    int rc = SSLVDIR_OK;
    for (lua_Integer k = 1; k <= n && rc == SSLVDIR_OK; k++) {
      if (lua_rawgeti(L, -1, k) != LUA_TSTRING) {
        lua_pop(L, 1);
        break;
      }
      rc = set_string(po, opt, f, L, -1, e);
      lua_pop(L, 1);
    }
    return rc;
  }
  /* A finalizer changed the table after check_load_fields(). */
  snprintf(e->message, sizeof e->message, "field '%s' changed type while being read", f);
  return SSLVDIR_E_INVALID_ARGUMENT;
}

/* sslvdir.load({preset=, policy=, policy_xml=, hosts=, autodiscover_domains=, site=,
 *               redirect=, extended_protection=, iisconfig=, reg=, offloaders=,
 *               offloader_cipher_bits=, offloader_cipher_header=} [, names])
 *   -> policy | nil, msg, code
 * The library's policy options (sslvdir_policy_options_build()), the rules
 * of the sslvdir command and Python's load_policy(): nothing is guessed. A
 * preset needs hosts (or an iisconfig whose bindings name them) and
 * autodiscover_domains; redirect = true is Microsoft's http->https recipe
 * for the preset; extended_protection = true or false says what the server
 * has (nil: what the version's Setup leaves); offloader_cipher_bits and
 * offloader_cipher_header say what every offloader guarantees about the
 * cipher. Messages name the fields as load{} does, or as names says
 * (names.hosts = "SSLVDIR_HOSTS": a caller that took them elsewhere). */
static int l_load(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (!lua_isnoneornil(L, 2))
    luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  luaL_checkstack(L, 8, NULL);
  check_load_keys(L, 1, "load");
  check_load_fields(L, 1);
  int names = lua_istable(L, 2);
  if (names)
    check_load_keys(L, 2, "load's names");
  for (size_t i = 0; names && i < NLOAD_FIELDS; i++) {
    int type = push_field(L, 2, load_fields[i].field);
    if (type != LUA_TNIL && type != LUA_TSTRING)
      luaL_error(L, "names.%s must be a string", load_fields[i].field);
    lua_pop(L, 1);
  }
  sslvdir_policy_options *po;
  sslvdir_error e = {0};
  int rc = sslvdir_policy_options_new(&po, &e);
  if (rc)
    return fail(L, rc, &e);
  /* Each spelling is on the stack while the library copies it. */
  for (size_t i = 0; !rc && i < NLOAD_FIELDS; i++) {
    const char *sp = load_fields[i].field;
    if (names && push_field(L, 2, load_fields[i].field) == LUA_TSTRING)
      sp = lua_tostring(L, -1);
    rc = sslvdir_policy_options_spell(po, load_fields[i].option, sp, &e);
    if (names)
      lua_pop(L, 1);
  }
  for (size_t i = 0; !rc && i < NLOAD_FIELDS; i++) {
    push_field(L, 1, load_fields[i].field);
    rc = set_field(L, po, i, &e);
    lua_pop(L, 1);
  }
  sslvdir_policy *p = NULL;
  if (!rc)
    rc = sslvdir_policy_options_build(po, &p, &e);
  sslvdir_policy_options_free(po);
  if (rc)
    return fail(L, rc, &e);
  return push_policy(L, p);
}

/* sslvdir.environ(prefix) -> { names } of the process's environment
 * variables that start with prefix, sorted: for the HAProxy plugin to name
 * the SSLVDIR_* variables it does not know (a misspelt SSLVDIR_HOST), since
 * Lua can read a variable but not list them. */
extern char **environ;
static int l_environ(lua_State *L) {
  size_t plen;
  const char *prefix = luaL_checklstring(L, 1, &plen);
  lua_newtable(L);
  lua_Integer n = 0;
  for (char **env = environ; env && *env; env++) {
    const char *eq = strchr(*env, '=');
    if (!eq || strncmp(*env, prefix, plen))
      continue;
    lua_pushlstring(L, *env, (size_t)(eq - *env));
    lua_rawseti(L, -2, ++n);
  }
  lua_getglobal(L, "table");
  if (lua_istable(L, -1) && lua_getfield(L, -1, "sort") == LUA_TFUNCTION) {
    lua_pushvalue(L, -3);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
  } else {
    lua_pop(L, 2);
  }
  return 1;
}

/* ------------------------------------------------------------ policy methods */

static int l_policy_gc(lua_State *L) {
  lpolicy *u = luaL_checkudata(L, 1, POLICY_MT);
  sslvdir_policy_unref(u->p);
  u->p = NULL;
  return 0;
}

/* close() and __close: deferred while a method uses the policy. */
static int l_policy_close(lua_State *L) {
  lpolicy *u = luaL_checkudata(L, 1, POLICY_MT);
  if (u->in_use)
    u->closing = 1;
  else
    l_policy_gc(L);
  return 0;
}

static int l_policy_tostring(lua_State *L) {
  lpolicy *u = luaL_checkudata(L, 1, POLICY_MT);
  if (!u->p || u->closing)
    lua_pushliteral(L, "sslvdir.policy (closed)");
  else
    lua_pushfstring(L, "sslvdir.policy (%d site(s), Exchange %d)",
                    (int)sslvdir_policy_site_count(u->p), (int)sslvdir_policy_exchange_version(u->p));
  return 1;
}

static const char *const cert_names[] = {"none", "ok", "untrusted", "expired", "revoked", NULL};

/* Results are written raw as well: a caller's table with __newindex would
 * otherwise run Lua code between two fields. t is an absolute index; the
 * value is on top of the stack. Without a metatable, lua_setfield() is a raw
 * write, and cheaper than a key pushed from a C string for lua_rawset() (the
 * decision uses keys made once instead: put()). No collection step runs
 * between the check and the write, so no finalizer can give t a metatable
 * meanwhile. */
static void set_top(lua_State *L, int t, const char *k) {
  if (!lua_getmetatable(L, t)) {
    lua_setfield(L, t, k);
    return;
  }
  lua_pop(L, 1);
  lua_pushstring(L, k);
  lua_insert(L, -2);
  lua_rawset(L, t);
}
static void set_str(lua_State *L, int t, const char *k, const char *v) {
  if (v)
    lua_pushstring(L, v);
  else
    lua_pushnil(L);
  set_top(L, t, k);
}
static void set_int(lua_State *L, int t, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  set_top(L, t, k);
}

/* The decision path's strings, made once. Every lua_pushstring() and
 * lua_setfield() of a C string hashes it and compares it with the string it
 * may already be (strcmp() alone was a fifth of a decision); a field name
 * taken from this table (an upvalue of the policy methods) by its number
 * costs an array read. Keys are read and written raw with them: metamethods
 * never run, with or without a metatable. */
enum {
  K_METHOD = 1, K_TARGET, K_HOST, K_TLS, K_PEER, K_CIPHER_BITS, K_CLIENT_CERT, K_X_FORWARDED_PROTO,
  K_FRONT_END_HTTPS, K_OFFLOAD_CIPHER, /* the request, in decide_fast()'s argument order */
  K_ACTION, K_STATUS, K_SUBSTATUS, K_REASON, K_REASON_TEXT, K_UPSTREAM, K_SITE, K_VDIR, K_KIND,
  K_PATH, K_LOCATION, K_REMOVE_XFP, K_REMOVE_FEH, K_REMOVE_OC, K_SET_XFP, K_SET_FEH, K_END
};
static const char *const key_names[K_END] = {
  NULL, "method", "target", "host", "tls", "peer", "cipher_bits", "client_cert",
  "x_forwarded_proto", "front_end_https", "offload_cipher", "action", "status", "substatus",
  "reason", "reason_text", "upstream", "site", "vdir", "kind", "path", "location",
  "remove_x_forwarded_proto", "remove_front_end_https", "remove_offload_cipher",
  "set_x_forwarded_proto", "set_front_end_https"};
#define KEYS lua_upvalueindex(1)
#define NREQ (K_OFFLOAD_CIPHER - K_METHOD + 1)
/* After the keys, in the same array: the policy metatable (check_policy()
 * without looking its name up in the registry) and the names of actions,
 * upstreams and reasons by value (false where there is none). */
#define NNAMES 256 /* reasons: l_reason_status() looks at as many */
enum {
  N_POLICY_MT = K_END,
  N_ACTION = N_POLICY_MT + 1,
  N_UPSTREAM = N_ACTION + 3,
  N_REASON = N_UPSTREAM + 3,
  N_REASON_TEXT = N_REASON + NNAMES,
  N_END = N_REASON_TEXT + NNAMES
};

static void push_names(lua_State *L, int base, int n, const char *(*name)(int)) {
  for (int i = 0; i < n; i++) {
    const char *s = name(i);
    if (s)
      lua_pushstring(L, s);
    else
      lua_pushboolean(L, 0);
    lua_rawseti(L, -2, base + i);
  }
}

/* The upvalue of the policy methods; new_class() sets its N_POLICY_MT. */
static void push_keys(lua_State *L) {
  lua_createtable(L, N_END - 1, 0);
  for (int k = 1; k < K_END; k++) {
    lua_pushstring(L, key_names[k]);
    lua_rawseti(L, -2, k);
  }
  lua_pushboolean(L, 0);
  lua_rawseti(L, -2, N_POLICY_MT);
  push_names(L, N_ACTION, 3, sslvdir_action_name);
  push_names(L, N_UPSTREAM, 3, sslvdir_upstream_name);
  push_names(L, N_REASON, NNAMES, sslvdir_reason_name);
  push_names(L, N_REASON_TEXT, NNAMES, sslvdir_reason_string);
}

/* The policy at index 1, as check_policy(), with the metatable compared to
 * the upvalue's copy instead of looked up by name in the registry (which
 * interns the name again on every call). Only for the policy's methods
 * (use_policy() included): they have the upvalue. */
static lpolicy *check_policy_fast(lua_State *L) {
  lpolicy *u = lua_touserdata(L, 1);
  if (u && lua_type(L, 1) == LUA_TUSERDATA && lua_getmetatable(L, 1)) { /* not a light one */
    lua_rawgeti(L, KEYS, N_POLICY_MT);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    if (same)
      return policy_usable(L, 1, u);
  }
  return check_policy(L, 1); /* not a policy: luaL_checkudata()'s error */
}

/* A string of the decision (a name of the library's, the site's, the
 * vdir's): pushed from the policy's own cache (its user value), keyed by
 * the C pointer. The pointers are static or the policy's, which is
 * immutable and outlives its cache, so a pointer always means the same
 * bytes; the cache holds at most one entry per name the policy can give. */
static void push_cached(lua_State *L, int cache, const char *s) {
  if (!s) {
    lua_pushnil(L);
    return;
  }
  if (lua_rawgetp(L, cache, s) == LUA_TSTRING)
    return;
  lua_pop(L, 1);
  lua_pushstring(L, s);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, cache, s);
}

/* A name of the library's by its value: from the upvalue's array, or (a
 * value it does not have) as push_cached() would. */
static void push_name(lua_State *L, int cache, int base, int n, int v, const char *s) {
  if (v >= 0 && v < n && lua_rawgeti(L, KEYS, base + v) == LUA_TSTRING)
    return;
  if (v >= 0 && v < n)
    lua_pop(L, 1);
  push_cached(L, cache, s);
}

/* A bad request value: a field of decide()'s table (arg 0), or an argument
 * of decide_fast(). */
static int bad_request(lua_State *L, int arg, int k, const char *what) {
  if (arg)
    return luaL_argerror(L, arg, lua_pushfstring(L, "%s must be %s", key_names[k], what));
  return luaL_error(L, "field '%s' must be %s", key_names[k], what);
}

/* Raises for the request table's key at the top of the stack, which is no
 * request field, naming the nearest one. */
static void unknown_request_field(lua_State *L) {
  if (lua_type(L, -1) != LUA_TSTRING)
    luaL_error(L, "request takes named fields, not a %s key", luaL_typename(L, -1));
  size_t len;
  const char *k = lua_tolstring(L, -1, &len), *best = NULL;
  size_t best_d = 4; /* as load{}: at most 3 edits away */
  for (int i = K_METHOD; len <= 64 && i <= K_OFFLOAD_CIPHER; i++) {
    size_t d = distance(k, len, key_names[i]);
    if (d < best_d) {
      best = key_names[i];
      best_d = d;
    }
  }
  if (best)
    luaL_error(L, "request: unknown field '%s' (did you mean '%s'?)", k, best);
  luaL_error(L, "request: unknown field '%s'", k);
}

/* The request, from the table at t (read raw, each value LEFT ON THE STACK
 * while the library reads it: a finalizer may drop the table's own
 * reference) or, when t is 0, from the arguments base .. base + NREQ - 1
 * (nil or none: absent). The same types and rules either way. */
static void read_request(lua_State *L, sslvdir_request *rq, int t, int base) {
  for (int k = K_METHOD; k <= K_OFFLOAD_CIPHER; k++) {
    int idx = base + k - K_METHOD, arg = idx;
    if (t) {
      lua_rawgeti(L, KEYS, k);
      lua_rawget(L, t);
      idx = lua_gettop(L);
      arg = 0;
    }
    int type = lua_type(L, idx);
    if (type == LUA_TNIL || type == LUA_TNONE)
      continue; /* SSLVDIR_REQUEST_INIT: absent, HTTP, unknown key size, no certificate */
    size_t len = 0;
    const char *s = NULL;
    switch (k) {
    case K_TLS:
      /* not Lua's truthiness: tls = 0 (an ssl_fc read as a number) or
       * "0" would otherwise mean TLS and let plain HTTP through */
      if (type != LUA_TBOOLEAN)
        bad_request(L, arg, k, "a boolean");
      rq->scheme = lua_toboolean(L, idx) ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
      continue;
    case K_CIPHER_BITS: {
      /* 256 or 256.0, not "256" (which Lua would convert) */
      int ok = 0;
      lua_Integer v = type == LUA_TNUMBER ? lua_tointegerx(L, idx, &ok) : 0;
      if (!ok)
        bad_request(L, arg, k, "an integer");
      if (v < 0 || (lua_Unsigned)v > UINT_MAX) {
        if (arg)
          luaL_argerror(L, arg, "cipher_bits out of range");
        luaL_error(L, "field 'cipher_bits' out of range");
      }
      rq->cipher_bits = (unsigned)v;
      continue;
    }
    case K_CLIENT_CERT: {
      if (type == LUA_TSTRING)
        s = lua_tolstring(L, idx, &len);
      int v = 0;
      for (; s && cert_names[v] && (strlen(cert_names[v]) != len || memcmp(cert_names[v], s, len)); v++)
        ; /* with the length: "ok\0..." is not "ok" */
      if (!s || !cert_names[v])
        bad_request(L, arg, k, "one of 'none', 'ok', 'untrusted', 'expired', 'revoked'");
      rq->client_cert = (sslvdir_cert_status)v;
      continue;
    }
    default:
      break;
    }
    if (type != LUA_TSTRING)
      bad_request(L, arg, k, "a string");
    s = lua_tolstring(L, idx, &len);
    switch (k) {
    case K_METHOD: rq->method = s; rq->method_len = len; break;
    case K_TARGET: rq->target = s; rq->target_len = len; break;
    case K_HOST: rq->host = s; rq->host_len = len; break;
    case K_PEER: rq->peer = s; rq->peer_len = len; break;
    case K_X_FORWARDED_PROTO: rq->x_forwarded_proto = s; rq->x_forwarded_proto_len = len; break;
    case K_FRONT_END_HTTPS: rq->front_end_https = s; rq->front_end_https_len = len; break;
    default: rq->offload_cipher = s; rq->offload_cipher_len = len; break;
    }
  }
  if (t) {
    /* Every key is a request field: a misspelt one (TLS = true,
     * cipherbits = 256) would otherwise be silently absent, as load{}
     * refuses its own. Compared with the interned names: no hashing. */
    lua_pushnil(L);
    while (lua_next(L, t)) {
      lua_pop(L, 1);
      int known = 0;
      for (int k = K_METHOD; k <= K_OFFLOAD_CIPHER && !known; k++) {
        lua_rawgeti(L, KEYS, k);
        known = lua_rawequal(L, -1, -2);
        lua_pop(L, 1);
      }
      if (!known)
        unknown_request_field(L);
    }
  }
  if (!rq->method || !rq->target)
    luaL_error(L, "request needs method and target");
}

/* The decision's canonical path or Location: the decision holds their
 * lengths, and the bytes are written from the request straight into a Lua
 * string of that size (nil when empty). Returns an sslvdir status; pushes
 * the string only on success. */
static int push_decision_text(lua_State *L, const sslvdir_decision *d, const sslvdir_request *rq,
                              int location) {
  size_t n = location ? d->location_len : d->path_len, got = 0;
  if (!n) {
    lua_pushnil(L);
    return SSLVDIR_OK;
  }
  luaL_Buffer b;
  char *buf = luaL_buffinitsize(L, &b, n + 1);
  int rc = location ? sslvdir_decision_location(d, rq, buf, n + 1, &got)
                    : sslvdir_path_canonicalize(rq->target, rq->target_len, NULL, buf, n + 1, &got);
  if (rc == SSLVDIR_OK && got != n)
    rc = SSLVDIR_E_INCONSISTENT;
  luaL_pushresultsize(&b, rc ? 0 : n);
  if (rc)
    lua_pop(L, 1);
  return rc;
}

/* Decides rq with the policy at index 1; returns its cache's index (pushed),
 * or 0 with nil, msg, code pushed. The policy is in use (use_policy()) from
 * here to done_policy(): the site and vdir names are the policy's. */
static int run_decide(lua_State *L, lpolicy **u, const sslvdir_request *rq, sslvdir_decision *d) {
  const sslvdir_policy *p = use_policy(L, u);
  d->version = SSLVDIR_DECISION_VERSION;
  int rc = sslvdir_decide(p, rq, d);
  if (rc) {
    done_policy(*u);
    fail(L, rc, NULL);
    return 0;
  }
  lua_getuservalue(L, 1);
  return lua_gettop(L);
}

/* out[key] = the value on top of the stack (popped), raw. A nil is only
 * written over a value: stored where there is none, it would be a new key
 * with a nil value, which the next rehash drops (it counts the live keys
 * only) and the next such write adds again, rehashing the table, in a
 * table reused for every request, on every request: that was a third of
 * a decision. Either way out[key] reads nil afterwards. */
static void put(lua_State *L, int t, int k) {
  if (lua_isnil(L, -1)) {
    lua_rawgeti(L, KEYS, k);
    if (lua_rawget(L, t) == LUA_TNIL) {
      lua_pop(L, 2);
      return;
    }
    lua_pop(L, 1);
  }
  lua_rawgeti(L, KEYS, k);
  lua_insert(L, -2);
  lua_rawset(L, t);
}

/* policy:decide(request [, out]) -> decision table
 * request: {method=, target=, host=, tls=, cipher_bits=, peer=, client_cert=,
 *           x_forwarded_proto=, front_end_https=, offload_cipher=}
 * offload_cipher is the value of the header policy:cipher_header() names.
 * out (optional) is refilled instead of a new table. Every field of the
 * decision is set (nil where it does not apply), so a reused table never
 * keeps a stale value. Request and out are read and written raw. */
static int l_decide(lua_State *L) {
  check_policy_fast(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  int have_out = lua_type(L, 3) == LUA_TTABLE;
  if (!have_out && !lua_isnoneornil(L, 3))
    luaL_argerror(L, 3, "table or nil expected");
  lua_settop(L, 3);
  luaL_checkstack(L, NREQ + 12, NULL); /* the request's strings stay on the stack until we return */
  sslvdir_request rq = SSLVDIR_REQUEST_INIT;
  read_request(L, &rq, 2, 0);
  lpolicy *u;
  sslvdir_decision d;
  int c = run_decide(L, &u, &rq, &d);
  if (!c)
    return 3;
  if (have_out)
    lua_pushvalue(L, 3);
  else
    lua_createtable(L, 0, K_END - K_ACTION);
  int t = lua_gettop(L);
  push_name(L, c, N_ACTION, 3, d.action, sslvdir_action_name(d.action));
  put(L, t, K_ACTION);
  lua_pushinteger(L, d.status);
  put(L, t, K_STATUS);
  if (d.substatus >= 0)
    lua_pushinteger(L, d.substatus);
  else
    lua_pushnil(L);
  put(L, t, K_SUBSTATUS);
  push_name(L, c, N_REASON, NNAMES, d.reason, sslvdir_reason_name(d.reason));
  put(L, t, K_REASON);
  push_name(L, c, N_REASON_TEXT, NNAMES, d.reason, sslvdir_reason_string(d.reason));
  put(L, t, K_REASON_TEXT);
  push_name(L, c, N_UPSTREAM, 3, (int)d.upstream, sslvdir_upstream_name(d.upstream));
  put(L, t, K_UPSTREAM);
  lua_pushboolean(L, d.tls);
  put(L, t, K_TLS);
  push_cached(L, c, d.site ? sslvdir_site_name(d.site) : NULL);
  put(L, t, K_SITE);
  push_cached(L, c, d.vdir ? sslvdir_vdir_config_path(d.vdir) : NULL);
  put(L, t, K_VDIR);
  push_cached(L, c, d.vdir ? sslvdir_kind_name(sslvdir_vdir_kind(d.vdir)) : NULL);
  put(L, t, K_KIND);
  int rc;
  if ((rc = push_decision_text(L, &d, &rq, 0))) {
    done_policy(u);
    return fail(L, rc, NULL);
  }
  put(L, t, K_PATH);
  if ((rc = push_decision_text(L, &d, &rq, 1))) {
    done_policy(u);
    return fail(L, rc, NULL);
  }
  put(L, t, K_LOCATION);
  lua_pushboolean(L, (d.remove_headers & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO) != 0);
  put(L, t, K_REMOVE_XFP);
  lua_pushboolean(L, (d.remove_headers & SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS) != 0);
  put(L, t, K_REMOVE_FEH);
  /* The policy's cipher header (policy:cipher_header()), when it has one. */
  lua_pushboolean(L, (d.remove_headers & SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER) != 0);
  put(L, t, K_REMOVE_OC);
  push_cached(L, c, (d.set_headers & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO) ? d.x_forwarded_proto : NULL);
  put(L, t, K_SET_XFP);
  push_cached(L, c, (d.set_headers & SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS) ? d.front_end_https : NULL);
  put(L, t, K_SET_FEH);
  done_policy(u);
  return 1;
}

/* policy:decide_fast(method, target, host, tls, peer, cipher_bits, client_cert,
 *                    x_forwarded_proto, front_end_https, offload_cipher)
 *   -> action, status, substatus, reason, vdir, upstream, location, tls,
 *      remove, set_x_forwarded_proto, set_front_end_https, reason_text
 * decide() without tables: the request as arguments (nil: absent; the same
 * types and rules as decide()'s fields), the decision as values: substatus,
 * vdir, location and the set_ values nil where they do not apply, remove
 * the SSLVDIR_REQUEST_HEADER_* bits (sslvdir.REQUEST_HEADER_*) of the headers to strip.
 * No table is read or made, and neither the canonical path (not returned)
 * nor the Location of anything but a redirect is written. */
static int l_decide_fast(lua_State *L) {
  check_policy_fast(L);
  lua_settop(L, 1 + NREQ);
  luaL_checkstack(L, 20, NULL); /* the cache, 12 values, push_cached()'s and a buffer's room */
  sslvdir_request rq = SSLVDIR_REQUEST_INIT;
  read_request(L, &rq, 0, 2);
  lpolicy *u;
  sslvdir_decision d;
  int c = run_decide(L, &u, &rq, &d);
  if (!c)
    return 3;
  push_name(L, c, N_ACTION, 3, d.action, sslvdir_action_name(d.action));
  lua_pushinteger(L, d.status);
  if (d.substatus >= 0)
    lua_pushinteger(L, d.substatus);
  else
    lua_pushnil(L);
  push_name(L, c, N_REASON, NNAMES, d.reason, sslvdir_reason_name(d.reason));
  push_cached(L, c, d.vdir ? sslvdir_vdir_config_path(d.vdir) : NULL);
  push_name(L, c, N_UPSTREAM, 3, (int)d.upstream, sslvdir_upstream_name(d.upstream));
  int rc = push_decision_text(L, &d, &rq, 1);
  if (rc) {
    done_policy(u);
    return fail(L, rc, NULL);
  }
  lua_pushboolean(L, d.tls);
  lua_pushinteger(L, (lua_Integer)d.remove_headers);
  push_cached(L, c, (d.set_headers & SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO) ? d.x_forwarded_proto : NULL);
  push_cached(L, c, (d.set_headers & SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS) ? d.front_end_https : NULL);
  push_name(L, c, N_REASON_TEXT, NNAMES, d.reason, sslvdir_reason_string(d.reason));
  done_policy(u);
  return 12;
}

/* A result that may not fit a stack buffer: measure, then fill a Lua buffer. */
typedef int (*fill_fn)(void *ctx, char *out, size_t size, size_t *len);

static int push_filled(lua_State *L, fill_fn f, void *ctx, int *rc_out) {
  char stack[4096];
  size_t len = 0;
  int rc = f(ctx, stack, sizeof stack, &len);
  if (rc == SSLVDIR_E_BUFFER_TOO_SMALL && len > sizeof stack) {
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, len);
    size_t len2 = 0;
    rc = f(ctx, out, len, &len2);
    if (rc < 0) {
      *rc_out = rc;
      return 0;
    }
    luaL_pushresultsize(&b, len2);
    *rc_out = rc;
    return 1;
  }
  *rc_out = rc;
  if (rc < 0)
    return 0;
  lua_pushlstring(L, stack, len);
  return 1;
}

struct hdr_ctx {
  const sslvdir_policy *p;
  const sslvdir_vdir *v;
  sslvdir_response_header kind;
  const char *value;
  size_t len;
};
static int hdr_fill(void *c, char *out, size_t size, size_t *len) {
  struct hdr_ctx *x = c;
  int rc = sslvdir_rewrite_header(x->p, x->v, x->kind, x->value, x->len, out, size, len);
  /* Unchanged, *len is the value's length but out was never written:
   * push_filled() would copy that many bytes out of its stack buffer, past
   * its end for a value longer than the buffer. There is nothing to copy. */
  if (rc == SSLVDIR_REWRITE_UNCHANGED)
    *len = 0;
  return rc;
}

/* policy:rewrite_header(name, value [, vdir_config_path]) -> new value, or false when
 * unchanged; nil, msg, code for a value that must not be sent (CR, LF, NUL). */
static int l_rewrite_header(lua_State *L) {
  check_policy(L, 1);
  size_t nlen;
  const char *name = luaL_checklstring(L, 2, &nlen);
  struct hdr_ctx x = {NULL, NULL, sslvdir_rewrite_header_kind(name, nlen), NULL, 0};
  x.value = luaL_checklstring(L, 3, &x.len);
  const char *vdir = luaL_optstring(L, 4, NULL);
  if (x.kind == SSLVDIR_RESPONSE_HEADER_OTHER && !vdir) {
    lua_pushboolean(L, 0);
    return 1;
  }
  lpolicy *u;
  x.p = use_policy(L, &u);
  if (vdir && !(x.v = sslvdir_policy_find_vdir(x.p, vdir))) {
    done_policy(u);
    sslvdir_error e = {0};
    snprintf(e.message, sizeof e.message, "no vdir '%.200s' in the policy", vdir);
    return fail(L, SSLVDIR_E_NOT_FOUND, &e);
  }
  if (x.kind == SSLVDIR_RESPONSE_HEADER_OTHER) {
    done_policy(u);
    lua_pushboolean(L, 0);
    return 1;
  }
  int rc;
  int ok = push_filled(L, hdr_fill, &x, &rc);
  done_policy(u);
  if (!ok)
    return fail(L, rc, NULL);
  if (rc == SSLVDIR_REWRITE_UNCHANGED) {
    lua_pop(L, 1);
    lua_pushboolean(L, 0);
  }
  return 1;
}

static int l_is_offloader(lua_State *L) {
  check_policy(L, 1);
  size_t n;
  const char *a = luaL_checklstring(L, 2, &n);
  lpolicy *u;
  int trusted = sslvdir_policy_is_offloader(use_policy(L, &u), a, n) == 1;
  done_policy(u);
  lua_pushboolean(L, trusted);
  return 1;
}

static int ad_params(lua_State *L, int idx, sslvdir_autodiscover_params *pr) {
  sslvdir_autodiscover_params init = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  *pr = init;
  if (lua_isnoneornil(L, idx))
    return 0;
  luaL_checktype(L, idx, LUA_TTABLE);
  const char *side = opt_field(L, idx, "side", NULL);
  if (side) {
    if (!strcmp(side, "internal"))
      pr->side = SSLVDIR_URL_INTERNAL;
    else if (strcmp(side, "external"))
      return luaL_error(L, "side must be 'internal' or 'external'");
  }
  pr->time_us = (uint64_t)opt_int_field(L, idx, "time_us", 0, 0, LUA_MAXINTEGER);
  if (opt_bool_field(L, idx, "spec_spelling"))
    pr->flags |= SSLVDIR_AUTODISCOVER_FLAG_SPEC_SPELLING;
  return 0;
}

struct ad_ctx {
  const sslvdir_policy *p;
  const char *body;
  size_t len;
  sslvdir_autodiscover_params params;
  int status;
};
static int respond_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_respond(x->p, x->body, x->len, &x->params, out, size, len);
}
static int json_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_json(x->p, x->body, x->len, &x->params, &x->status, out, size, len);
}

static int json_target_fill(void *c, char *out, size_t size, size_t *len) {
  struct ad_ctx *x = c;
  return sslvdir_autodiscover_json_target(x->p, x->body, x->len, &x->params, &x->status, out, size,
                                          len);
}

/* policy:autodiscover_respond(body [, {side=, time_us=, spec_spelling=}]) -> xml */
static int l_ad_respond(lua_State *L) {
  check_policy(L, 1);
  struct ad_ctx x = {NULL, NULL, 0, SSLVDIR_AUTODISCOVER_PARAMS_INIT, 0};
  x.body = luaL_checklstring(L, 2, &x.len);
  ad_params(L, 3, &x.params);
  lpolicy *u;
  x.p = use_policy(L, &u);
  int rc;
  int ok = push_filled(L, respond_fill, &x, &rc);
  done_policy(u);
  if (!ok)
    return fail(L, rc, NULL);
  return 1;
}

/* policy:autodiscover_json(query [, opts]) -> http_status, body
 * opts.path: the request path, for the form with the address in it
 * (/autodiscover/autodiscover.json/v1.0/ADDRESS): PATH?QUERY is answered
 * as the whole request target. */
static int l_ad_json(lua_State *L) {
  check_policy(L, 1);
  struct ad_ctx x = {NULL, NULL, 0, SSLVDIR_AUTODISCOVER_PARAMS_INIT, 0};
  x.body = luaL_checklstring(L, 2, &x.len);
  ad_params(L, 3, &x.params);
  int target = 0;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checkstack(L, 4, NULL);
    size_t pl;
    const char *path = opt_field(L, 3, "path", &pl); /* left on the stack */
    if (path) {
      if (memchr(path, '?', pl))
        return luaL_error(L, "path holds a '?' (pass the query separately)");
      lua_pushliteral(L, "?");
      lua_pushvalue(L, 2);
      lua_concat(L, 3);
      x.body = lua_tolstring(L, -1, &x.len); /* kept on the stack while used */
      target = 1;
    } else {
      lua_pop(L, 1);
    }
  }
  lpolicy *u;
  x.p = use_policy(L, &u);
  int rc;
  int ok = push_filled(L, target ? json_target_fill : json_fill, &x, &rc);
  done_policy(u);
  if (!ok)
    return fail(L, rc, NULL);
  lua_pushinteger(L, x.status);
  lua_insert(L, -2);
  return 2;
}

/* policy:sites() -> array of {name=, hosts={...}, canonical_host=, https_port=,
 *                             vdirs={{path=, config_path=, kind=, upstream=,
 *                                      redirect_status=, edge_flags=, wants_client_cert=}, ...}} */
static int l_sites(lua_State *L) {
  lpolicy *u;
  const sslvdir_policy *p = use_policy(L, &u);
  size_t ns = sslvdir_policy_site_count(p);
  lua_createtable(L, (int)ns, 0);
  for (size_t i = 0; i < ns; i++) {
    const sslvdir_site *s = sslvdir_policy_site(p, i);
    lua_createtable(L, 0, 6);
    set_str(L, lua_gettop(L), "name", sslvdir_site_name(s));
    set_str(L, lua_gettop(L), "canonical_host", sslvdir_site_canonical_host(s));
    set_int(L, lua_gettop(L), "https_port", sslvdir_site_https_port(s));
    set_str(L, lua_gettop(L), "autodiscover_redirect", sslvdir_site_autodiscover_redirect(s));
    size_t nh = sslvdir_site_host_count(s);
    lua_createtable(L, (int)nh, 0);
    for (size_t h = 0; h < nh; h++) {
      lua_pushstring(L, sslvdir_site_host(s, h));
      lua_rawseti(L, -2, (lua_Integer)h + 1);
    }
    lua_setfield(L, -2, "hosts");
    size_t nv = sslvdir_site_vdir_count(s);
    lua_createtable(L, (int)nv, 0);
    for (size_t v = 0; v < nv; v++) {
      const sslvdir_vdir *vd = sslvdir_site_vdir(s, v);
      lua_createtable(L, 0, 5);
      int t = lua_gettop(L);
      set_str(L, t, "path", sslvdir_vdir_path(vd));
      set_str(L, t, "config_path", sslvdir_vdir_config_path(vd));
      set_str(L, t, "kind", sslvdir_kind_name(sslvdir_vdir_kind(vd)));
      set_str(L, t, "upstream", sslvdir_upstream_name(sslvdir_vdir_upstream(vd)));
      set_int(L, t, "redirect_status", sslvdir_vdir_redirect_status(vd));
      unsigned edge = sslvdir_vdir_edge_flags(vd);
      set_int(L, t, "edge_flags", edge);
      lua_pushboolean(L, (edge & (SSLVDIR_SSL_NEGOTIATE_CERT | SSLVDIR_SSL_REQUIRE_CERT)) != 0);
      lua_setfield(L, t, "wants_client_cert");
      lua_rawseti(L, -2, (lua_Integer)v + 1);
    }
    lua_setfield(L, -2, "vdirs");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  done_policy(u);
  return 1;
}

/* policy:cipher_header() -> the header the offloaders fill with the cipher, or nil */
static int l_cipher_header(lua_State *L) {
  lpolicy *u;
  const sslvdir_policy *p = use_policy(L, &u);
  const char *h = sslvdir_policy_cipher_header(p);
  if (h)
    lua_pushstring(L, h);
  else
    lua_pushnil(L);
  done_policy(u);
  return 1;
}

/* policy:warnings() -> a list of what the policy builder warned about */
static int l_warnings(lua_State *L) {
  lpolicy *u;
  const sslvdir_policy *p = use_policy(L, &u);
  size_t n = sslvdir_policy_warning_count(p);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushstring(L, sslvdir_policy_warning(p, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  done_policy(u);
  return 1;
}

static int l_offloaders(lua_State *L) {
  lpolicy *u;
  const sslvdir_policy *p = use_policy(L, &u);
  size_t n = sslvdir_policy_offloader_count(p);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushstring(L, sslvdir_policy_offloader(p, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  done_policy(u);
  return 1;
}

/* ------------------------------------------------------------ rewriter */

static sslvdir_rewriter *check_rewriter(lua_State *L, int idx) {
  lrewriter *u = luaL_checkudata(L, idx, REWRITER_MT);
  if (!u->r || u->closing)
    luaL_argerror(L, idx, "rewriter is closed");
  if (u->in_use)
    luaL_error(L, "rewriter in use: called from a finalizer during one of its methods");
  return u->r;
}

/* As use_policy(), for methods that allocate while the rewriter works. */
static sslvdir_rewriter *use_rewriter(lua_State *L, lrewriter **u) {
  check_rewriter(L, 1);
  *u = lua_touserdata(L, 1);
  (*u)->in_use++;
  return (*u)->r;
}

static void done_rewriter(lrewriter *u) {
  if (--u->in_use == 0 && u->closing) {
    sslvdir_rewriter_free(u->r);
    u->r = NULL;
    u->closing = 0;
  }
}

/* policy:rewriter() -> rewriter | nil, msg, code */
static int l_rewriter(lua_State *L) {
  check_policy(L, 1);
  lrewriter *u = lua_newuserdata(L, sizeof *u);
  u->r = NULL;
  u->in_use = u->closing = 0;
  luaL_setmetatable(L, REWRITER_MT);
  lpolicy *pu;
  const sslvdir_policy *p = use_policy(L, &pu);
  sslvdir_error e = {0};
  int rc = sslvdir_rewriter_new(&u->r, p, &e); /* copies what it needs */
  done_policy(pu);
  if (rc)
    return fail(L, rc, &e);
  return 1;
}

static int l_rewriter_gc(lua_State *L) {
  lrewriter *u = luaL_checkudata(L, 1, REWRITER_MT);
  sslvdir_rewriter_free(u->r);
  u->r = NULL;
  return 0;
}

static int l_rewriter_close(lua_State *L) {
  lrewriter *u = luaL_checkudata(L, 1, REWRITER_MT);
  if (u->in_use)
    u->closing = 1;
  else
    l_rewriter_gc(L);
  return 0;
}

static const char *const body_modes[] = {"rewrite", "pass-type", "pass-encoded"};

/* rw:begin([content_type [, content_encoding]]) -> "rewrite" | "pass-type" | "pass-encoded" */
static int l_rw_begin(lua_State *L) {
  check_rewriter(L, 1);
  size_t cl = 0, el = 0;
  const char *ct = luaL_optlstring(L, 2, NULL, &cl);
  const char *ce = luaL_optlstring(L, 3, NULL, &el);
  int rc = sslvdir_rewriter_begin(check_rewriter(L, 1), ct, cl, ce, el); /* after any allocation */
  if (rc < 0)
    return fail(L, rc, NULL);
  lua_pushstring(L, rc < 3 ? body_modes[rc] : "rewrite");
  return 1;
}

static int buffer_write(const char *data, size_t len, void *user) {
  luaL_addlstring((luaL_Buffer *)user, data, len);
  return 0;
}

/* rw:feed(chunk) -> bytes ready to send (may be "") */
static int l_rw_feed(lua_State *L) {
  check_rewriter(L, 1);
  size_t n;
  const char *data = luaL_checklstring(L, 2, &n);
  lrewriter *u;
  sslvdir_rewriter *r = use_rewriter(L, &u);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  int rc = sslvdir_rewriter_feed(r, data, n, buffer_write, &b);
  /* Still in use while the result is made: making it may run finalizers. */
  luaL_pushresult(&b);
  done_rewriter(u);
  if (rc)
    return fail(L, rc, NULL);
  return 1;
}

/* rw:finish() -> the bytes held back */
static int l_rw_finish(lua_State *L) {
  lrewriter *u;
  sslvdir_rewriter *r = use_rewriter(L, &u);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  int rc = sslvdir_rewriter_finish(r, buffer_write, &b);
  luaL_pushresult(&b); /* as in feed() */
  done_rewriter(u);
  if (rc)
    return fail(L, rc, NULL);
  return 1;
}

/* rw:counts() -> bytes_in, bytes_out, replacements */
static int l_rw_counts(lua_State *L) {
  sslvdir_rewriter *r = check_rewriter(L, 1);
  uint64_t in = 0, out = 0, rep = 0;
  sslvdir_rewriter_counts(r, &in, &out, &rep);
  lua_pushinteger(L, (lua_Integer)in);
  lua_pushinteger(L, (lua_Integer)out);
  lua_pushinteger(L, (lua_Integer)rep);
  return 3;
}

static int l_rw_reset(lua_State *L) {
  sslvdir_rewriter_reset(check_rewriter(L, 1));
  return 0;
}

/* ------------------------------------------------------------ module functions */

static int l_cipher_bits(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  unsigned bits = 0;
  int rc = sslvdir_tls_cipher_bits(s, n, &bits);
  if (rc)
    return fail(L, rc, NULL);
  lua_pushinteger(L, bits);
  return 1;
}

static int l_reason_status(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  for (int r = 0; r < 256; r++) {
    const char *n = sslvdir_reason_name(r);
    if (n && !strcmp(n, name)) {
      int status = 0, sub = -1;
      if (sslvdir_reason_status(r, &status, &sub))
        break;
      lua_pushinteger(L, status);
      if (sub >= 0)
        lua_pushinteger(L, sub);
      else
        lua_pushnil(L);
      return 2;
    }
  }
  sslvdir_error e = {0};
  snprintf(e.message, sizeof e.message, "unknown reason '%.200s'", name);
  return fail(L, SSLVDIR_E_UNKNOWN_NAME, &e);
}

/* sslvdir.canonical_path(target) -> path | nil, msg, code, reason
 * The path a decision matched its vdir with (decide()'s path), from the raw
 * target alone: for a decide_fast() caller that needs it, and only then.
 * A target IIS would refuse is nil, the reason's text, SSLVDIR_E_REFUSED,
 * the reason's name. Written on the C stack: no allocation but the string. */
static int l_canonical_path(lua_State *L) {
  size_t n, len = 0;
  const char *t = luaL_checklstring(L, 1, &n);
  char buf[SSLVDIR_PATH_BUFSZ];
  int reason = SSLVDIR_R_NONE;
  int rc = sslvdir_path_canonicalize(t, n, &reason, buf, sizeof buf, &len);
  if (rc == SSLVDIR_E_REFUSED) {
    sslvdir_error e = {0};
    snprintf(e.message, sizeof e.message, "%s", sslvdir_reason_string(reason));
    fail(L, rc, &e);
    const char *name = sslvdir_reason_name(reason);
    if (name)
      lua_pushstring(L, name);
    else
      lua_pushnil(L);
    return 4;
  }
  if (rc)
    return fail(L, rc, NULL);
  lua_pushlstring(L, buf, len);
  return 1;
}

/* An empty C function, for benchmarks: what a call into C costs. */
static int l_nop(lua_State *L) {
  (void)L;
  return 0;
}

static const luaL_Reg policy_methods[] = {
    {"decide", l_decide},
    {"decide_fast", l_decide_fast},
    {"rewrite_header", l_rewrite_header},
    {"is_offloader", l_is_offloader},
    {"autodiscover_respond", l_ad_respond},
    {"autodiscover_json", l_ad_json},
    {"sites", l_sites},
    {"offloaders", l_offloaders},
    {"cipher_header", l_cipher_header},
    {"warnings", l_warnings},
    {"rewriter", l_rewriter},
    {"close", l_policy_close},
    {NULL, NULL}};

static const luaL_Reg rewriter_methods[] = {
    {"begin", l_rw_begin}, {"feed", l_rw_feed},   {"finish", l_rw_finish},
    {"counts", l_rw_counts}, {"reset", l_rw_reset}, {"close", l_rewriter_close},
    {NULL, NULL}};

static const luaL_Reg module_functions[] = {
    {"load", l_load},
    {"environ", l_environ},
    {"cipher_bits", l_cipher_bits},
    {"reason_status", l_reason_status},
    {"canonical_path", l_canonical_path},
    {"_nop", l_nop},
    {NULL, NULL}};

/* methods get one upvalue: the decision path's keys (push_keys()) */
static void new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction gc,
                      lua_CFunction close, lua_CFunction tostring) {
  luaL_newmetatable(L, name);
  lua_newtable(L);
  push_keys(L);
  luaL_getmetatable(L, POLICY_MT); /* check_policy_fast()'s; made first */
  lua_rawseti(L, -2, N_POLICY_MT);
  luaL_setfuncs(L, methods, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, close);
  lua_setfield(L, -2, "__close");
  if (tostring) {
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

int luaopen_sslvdir(lua_State *L);
int luaopen_sslvdir(lua_State *L) {
  new_class(L, POLICY_MT, policy_methods, l_policy_gc, l_policy_close, l_policy_tostring);
  new_class(L, REWRITER_MT, rewriter_methods, l_rewriter_gc, l_rewriter_close, NULL);
  luaL_newlib(L, module_functions);
  lua_pushstring(L, sslvdir_version(NULL));
  lua_setfield(L, -2, "version");
  lua_pushstring(L, LUA_VERSION_MAJOR "." LUA_VERSION_MINOR);
  lua_setfield(L, -2, "lua_version");
  /* decide_fast()'s remove bits */
  lua_pushinteger(L, SSLVDIR_REQUEST_HEADER_X_FORWARDED_PROTO);
  lua_setfield(L, -2, "REQUEST_HEADER_X_FORWARDED_PROTO");
  lua_pushinteger(L, SSLVDIR_REQUEST_HEADER_FRONT_END_HTTPS);
  lua_setfield(L, -2, "REQUEST_HEADER_FRONT_END_HTTPS");
  lua_pushinteger(L, SSLVDIR_REQUEST_HEADER_OFFLOAD_CIPHER);
  lua_setfield(L, -2, "REQUEST_HEADER_OFFLOAD_CIPHER");
  return 1;
}
