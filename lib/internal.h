/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir internals shared between the source files. Nothing here is
 * exported; the public view is include/sslvdir/.
 */
#ifndef SSLVDIR_INTERNAL_H
#define SSLVDIR_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sslvdir/sslvdir.h>

#include "utf8.h"

#define SV_UNUSED(x) ((void)(x))

/* Byte tables in standard C: R256(F) expands F(0) ... F(255). */
#define SV_R4(F, b) F((b)), F((b) + 1), F((b) + 2), F((b) + 3)
#define SV_R16(F, b) SV_R4(F, (b)), SV_R4(F, (b) + 4), SV_R4(F, (b) + 8), SV_R4(F, (b) + 12)
#define SV_R64(F, b) SV_R16(F, (b)), SV_R16(F, (b) + 16), SV_R16(F, (b) + 32), SV_R16(F, (b) + 48)
#define SV_R256(F) SV_R64(F, 0), SV_R64(F, 64), SV_R64(F, 128), SV_R64(F, 192)
#define SV_ALNUM(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || ((c) >= '0' && (c) <= '9'))
/* '| 0x20' rather than '+ 32': the same for letters, and a table entry for
 * any byte stays a byte even in the branch not taken (clang warns). */
#define SV_LOWER(c) ((c) >= 'A' && (c) <= 'Z' ? (c) | 0x20 : (c))
extern const unsigned char sv_lower_table[256];

/* Allocation (lib/mem.c): every allocation of ours goes through the hook. */
void *sv_malloc(size_t size);
void *sv_calloc(size_t n, size_t size);
void *sv_realloc(void *ptr, size_t size);
void sv_free(void *ptr);
/* Grow *arr (of *cap elements of elsize) to hold need elements. */
int sv_grow(void **arr, size_t *cap, size_t need, size_t elsize);

/* Strings (lib/str.c). */
char *sv_strdup(const char *s);
char *sv_strndup(const char *s, size_t n);
/* A formatted string of any length, or NULL when out of memory. */
char *sv_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The bounded writer: appends into out[0..size) and counts every byte, so
 * that a first pass with size 0 measures, and len > size afterwards says
 * the output did not fit (nothing is written past size). */
typedef struct sv_bw {
  char *out;
  size_t size, len;
} sv_bw;
static inline void sv_bw_put(sv_bw *w, const char *s, size_t n) {
  if (n && w->len <= w->size && n <= w->size - w->len)
    memcpy(w->out + w->len, s, n);
  w->len += n;
}

/* An index of the entries of a caller's array by a string key (lib/index.c):
 * open addressing over entry numbers, with each key's hash. key_of(base, i)
 * is entry i's key, NUL-terminated; ci compares keys ignoring ASCII case.
 * A zeroed sv_ix is an empty index. */
typedef struct sv_ix_slot {
  uint32_t ent; /* entry number + 1; 0 = empty */
  uint32_t hash;
} sv_ix_slot;
typedef struct sv_ix {
  sv_ix_slot *slots;
  size_t mask, n;
} sv_ix;
typedef const char *(*sv_ix_key)(const void *base, size_t i);
void sv_ix_free(sv_ix *x);
/* The entry whose key is key[0..len), or -1. */
long sv_ix_find(const sv_ix *x, const char *key, size_t len, int ci, sv_ix_key key_of,
                const void *base);
/* Adds entry i, already in the caller's array. */
int sv_ix_add(sv_ix *x, size_t i, sv_ix_key key_of, const void *base);
/* The same with a hash of the caller's (an index of these only, which is
 * never rebuilt and whose entries are never removed). */
long sv_ix_find_hash(const sv_ix *x, const char *key, size_t len, uint32_t hash, int ci,
                     sv_ix_key key_of, const void *base);
int sv_ix_add_hash(sv_ix *x, size_t i, uint32_t hash);
/* Removes entry i, before its key is freed. */
void sv_ix_remove(sv_ix *x, size_t i, sv_ix_key key_of, const void *base);
/* Indexes entries 0 to n - 1 afresh (after they moved). */
int sv_ix_rebuild(sv_ix *x, size_t n, sv_ix_key key_of, const void *base);

/* Errors (lib/error.c). Returns code, so that "return sv_err(...)" reads well. */
int sv_err(sslvdir_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int sv_err_at(sslvdir_error *err, int code, unsigned line, unsigned column, size_t offset,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* An error in a document: the message starts "line N: ", err->line is N. */
int sv_err_line(sslvdir_error *err, int code, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ASCII helpers (lib/str.c): the protocol elements compared here are ASCII by definition. */
static inline unsigned char sv_lower(unsigned char c) { return sv_lower_table[c]; }
/* The value of a hex digit, or -1. */
static inline int sv_hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
int sv_eq_ci(const char *a, size_t alen, const char *b, size_t blen);
/* An RFC 9110 token character (methods, header names). */
static inline int sv_is_tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}
int sv_streq_ci(const char *a, const char *b);
uint32_t sv_hash_ci(const char *s, size_t n, uint32_t seed);

/* Host names (lib/host.c): validate and lower-case "host[:port]". */
#define SV_HOST_MAX 253
/* Splits host[:port]; writes the lower-cased host without a trailing dot to
 * out (SV_HOST_MAX + 3 bytes). Returns 0 or -1 when malformed. */
int sv_host_normalize(const char *in, size_t len, char *out, size_t *out_len, int allow_port);
/* Checks host[:port] without copying it: *host_len is the length of the
 * name (without port and trailing dot), *hash its sv_hash_ci(). IPv6
 * literals in brackets included. Returns 0 or -1. */
int sv_host_check(const char *in, size_t len, size_t *host_len, uint32_t *hash);
/* The same, also giving sv_hash_ci(out, *out_len, 0). */
int sv_host_normalize_hash(const char *in, size_t len, char *out, size_t *out_len, int allow_port,
                           uint32_t *hash);
/* Whether a host that sv_host_check() or sv_host_normalize() accepted (host_len
 * being the length it gave) was written with the root's trailing dot,
 * "mail.contoso.com.": a request's Host that way names no site (see
 * doc/decisions.md), although configuration and headers ignore the dot. */
static inline int sv_host_rooted(const char *in, size_t len, size_t host_len) {
  return host_len < len && in[host_len] == '.';
}

/* Addresses (lib/addr.c). */
typedef struct sv_net {
  int family; /* 4 or 6 */
  unsigned char addr[16];
  unsigned prefix;
  char text[64];
  /* What a trusted offloader guarantees about the cipher it negotiated with
   * the client, since it forwards nothing about it unless told to: the
   * minimum key size it enforces itself (0: none), and the header in which it
   * names the cipher or the key size ("": none). */
  unsigned min_cipher_bits;
  char cipher_header[64];
} sv_net;
int sv_net_parse(sv_net *out, const char *cidr, sslvdir_error *err);
int sv_addr_parse(const char *s, size_t len, int *family, unsigned char addr[16]);
int sv_net_contains(const sv_net *net, int family, const unsigned char addr[16]);
/* Why a trusted offloader network is too broad to be one, as a sentence
 * naming it, into buf; 0 when it is not (see lib/addr.c). */
int sv_net_too_broad(const sv_net *net, char *buf, size_t size);

/* Paths (lib/path.c). */
typedef struct sv_target {
  const char *path;      /* raw path ("/" for an absolute form without one) */
  size_t path_len;
  const char *query;     /* raw query without '?', NULL when absent */
  size_t query_len;
  const char *authority; /* absolute form only, else NULL */
  size_t authority_len;
  int asterisk;          /* "*" */
} sv_target;
/* Splits and checks the raw target; returns an sslvdir_reason (NONE when fine). */
int sv_target_split(const char *t, size_t n, sv_target *out);
/* Canonicalises a raw path; returns an sslvdir_reason, or -1 when out is
 * too small (SSLVDIR_PATH_BUFSZ bytes never are; *out_len then holds the
 * length out needs without the NUL). */
int sv_path_canon(const char *path, size_t len, char *out, size_t size, size_t *out_len);
/* The normalised path: the canonical path before its percent-encoding (the
 * canonical path is sv_path_encode() of it, and its segments are the
 * encodings of these segments). Decoding never lengthens a raw path (%XX is
 * one byte, %uXXXX three at most, raw non-ASCII is refused) and resolving
 * segments never lengthens it either, so SV_NORM_BUFSZ bytes always hold it
 * and its NUL, while the encoded form can take three times as many (a raw
 * '^' becomes %5E). *canon_len receives the canonical path's length (equal
 * to *out_len when no byte needs encoding). Returns an sslvdir_reason. */
#define SV_NORM_BUFSZ (SSLVDIR_MAX_URL + 1)
int sv_path_norm(const char *path, size_t len, char out[SV_NORM_BUFSZ], size_t *out_len,
                 size_t *canon_len);
/* Percent-encodes a normalised path (or a segment of one) into out, which
 * holds 3 * n bytes, without a NUL; out NULL only counts. Returns the length. */
size_t sv_path_encode(const char *norm, size_t n, char *out);

/* Settings (lib/settings.c). */
typedef struct sv_setting {
  char *path;     /* NULL: removed in a batch, gone at its end */
  sslvdir_value_type type;
  uint32_t dword;
  char *string;
  int known;
  uint64_t stamp; /* when it was added: key deletions after it remove it */
} sv_setting;

/* A key deleted in a batch: the values under it that are older go. */
typedef struct sv_keydel {
  char *key;
  size_t len;
  uint64_t stamp;
} sv_keydel;

struct sslvdir_settings {
  sv_setting *items;
  size_t n, cap;
  sv_ix ix;            /* live items by path, case-folded */
  char **warnings;
  size_t nwarn, capwarn;
  sv_ix warn_ix;
  uint64_t clock;
  int batch;
  size_t ndead;        /* items removed in the batch, still in the array */
  sv_keydel *dels;
  size_t ndels, capdels;
  sv_ix del_ix;        /* dels by key, with lib/settings.c's own prefix hash */
};
int sv_settings_copy_into(sslvdir_settings *dst, const sslvdir_settings *src);
/* A batch of changes (a .reg file applied): between begin and end only
 * set, unset, sv_settings_delete_key and warnings are allowed. Removals are
 * marked and the array is compacted once, at the end; end never fails. */
void sv_settings_batch_begin(sslvdir_settings *s);
void sv_settings_batch_end(sslvdir_settings *s);
/* In a batch: removes every value under key[0..len) (any case), as
 * "[-KEY]" does. */
int sv_settings_delete_key(sslvdir_settings *s, const char *key, size_t len);
int sv_settings_add_warning(sslvdir_settings *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Vdirs and sites: the same structures serve the builder and the policy. */
struct sslvdir_vdir {
  char *path;         /* canonical, original case */
  char *key;          /* canonical, lower case: what matching compares */
  char *config_path;  /* "Default Web Site/owa" (set at build) */
  const sslvdir_site *site;
  sslvdir_kind kind;
  unsigned edge;
  unsigned backend;
  unsigned char edge_set, backend_set; /* builder: set by the caller, else inherited at build */
  int redirect;
  char *url[2];
  int extended_protection;
  int plain_cookies;  /* Set-Cookie is not given Secure */
  sslvdir_upstream upstream;  /* builder: requested; policy: final */
  const char *upstream_reason;
};

/* One edge of a site's path trie: (parent node, segment) -> child node. */
typedef struct sv_edge {
  uint32_t hash;
  uint32_t parent;
  uint32_t child;
  uint32_t seg_len;
  const char *seg; /* points into a vdir key */
} sv_edge;

struct sslvdir_site {
  char *name;
  char **hosts;
  size_t nhosts, caphosts;
  char *canonical;
  unsigned https_port;
  char *ad_redirect;  /* the Autodiscover redirect site's target host, or NULL */
  unsigned ad_redirect_port; /* built policies: the https port of the site
                              * ad_redirect names, 443 when none does */
  const struct sslvdir_site *ad_tls_site; /* built policies, redirect sites:
                              * where their hosts go over TLS (the site
                              * ad_redirect names, else the default site),
                              * NULL for none */
  sslvdir_vdir *vdirs;
  size_t nvdirs, capvdirs;
  sv_ix vdir_ix;      /* vdirs by key (builders; a policy's are sorted instead) */
  /* Built policies only. */
  int32_t *node_vdir; /* per trie node: index into vdirs, or -1 */
  size_t nnodes;
  sv_edge *edges;     /* open addressing, size a power of two */
  size_t edge_mask;
};

typedef struct sv_hostent {
  uint32_t hash;
  uint32_t site;      /* index + 1; 0 = empty slot */
  const char *host;
  size_t len;
} sv_hostent;

/* Autodiscover configuration (lib/autodiscover.c), held alike by builders
 * and policies. */
typedef struct sv_ad_rule {
  char *domain; /* lower case, no trailing dot */
  int action;   /* sslvdir_autodiscover_action */
  char *target; /* SETTINGS: site name; REDIRECT_ADDR: domain; REDIRECT_URL: URL */
} sv_ad_rule;

typedef struct sv_ad_config {
  sv_ad_rule *rules;
  size_t nrules, caprules;
  sv_ix rule_ix; /* rules by domain */
  char *auth_external, *auth_internal, *deployment_id;
  uint32_t server_version; /* 0: derived from the Exchange version */
  uint32_t server_id;
  int has_server_id;
} sv_ad_config;

int sv_ad_config_copy(sv_ad_config *dst, const sv_ad_config *src);
int sv_ad_add_domain(sv_ad_config *c, const char *domain, int action, const char *target,
                     sslvdir_error *err);
int sv_ad_set_option(sv_ad_config *c, const char *name, const char *value, sslvdir_error *err);
/* The offset of an address's domain ("local@domain"), 0 if it is not one. */
size_t sv_ad_address_domain(const char *a, size_t n);
/* Checks an Autodiscover redirect URL (https, host, the autodiscover.xml
 * path); on failure says why. */
int sv_ad_url_check(const char *url, size_t len, char *why, size_t why_size);
void sv_ad_config_clear(sv_ad_config *c);

struct sslvdir_policy {
  atomic_int refs;
  sv_ad_config ad;
  unsigned exchange_version;
  sslvdir_site *sites;
  size_t nsites;
  sslvdir_settings *settings;
  sv_net *offloaders;
  size_t noffloaders;
  const char *cipher_header; /* the offloaders' cipher header (in offloaders), or NULL */
  sv_hostent *hosts;  /* open addressing over every site's hosts */
  size_t host_mask;
  long default_site;  /* the site of a Host in no namespace, or -1: none (400) */
  char **warnings;
  size_t nwarn;
};

/* A host name of a builder's site: sites[site].hosts[host]. */
typedef struct sv_hostref {
  uint32_t site, host;
} sv_hostref;

struct sslvdir_builder {
  unsigned exchange_version;
  sv_ad_config ad;
  sslvdir_site *sites;
  size_t nsites, capsites;
  sv_ix site_ix;      /* sites by name */
  sv_hostref *hosts;  /* every site's hosts, in the order they were added */
  size_t nhosts, caphosts;
  sv_ix host_ix;      /* hosts by name */
  /* The site of a Host in no namespace: 0, the first, unless a loader that
   * knows the bindings says otherwise; -1 for none (HTTP.sys's 400). */
  long default_site;
  sslvdir_settings *settings;
  sv_net *offloaders;
  size_t noffloaders, capoffloaders;
  sv_ix offloader_ix; /* offloaders by their text */
};

/* lib/builder.c */
/* lib/xml.c: the hardened libxml2 reader every XML input goes through.
 * *out is a document the caller frees with xmlFreeDoc(). text says what
 * the bytes may be; an XML declaration naming another encoding is refused. */
#define SV_XML_MAX_DEPTH 64
typedef enum sv_xml_text {
  SV_XML_UTF8,          /* UTF-8, with or without BOM */
  SV_XML_UTF8_OR_UTF16, /* that, or UTF-16LE/BE with or without BOM */
  SV_XML_FROM_UTF16LE,  /* UTF-8 the caller decoded from UTF-16LE */
  SV_XML_FROM_UTF16BE   /* UTF-8 the caller decoded from UTF-16BE */
} sv_xml_text;
typedef struct _xmlDoc *sv_xml_doc;
int sv_xml_read(const char *data, size_t len, const char *what, size_t max_len, int max_depth,
                sv_xml_text text, sv_xml_doc *out, sslvdir_error *err);

/* lib/cert.c: chains built from GnuTLS certificates, for the trust and TLS
 * code. sv_cert_from_crts() takes the certificates over (they are freed on
 * failure too); sv_cert_crts() lends them, into buf (SSLVDIR_CERT_CHAIN_MAX). */
struct gnutls_x509_crt_int;
int sv_cert_from_crts(sslvdir_cert **out, struct gnutls_x509_crt_int **crts, size_t n,
                      int format, sslvdir_error *err);
struct gnutls_x509_crt_int **sv_cert_crts(const sslvdir_cert *c, size_t *n,
                                          struct gnutls_x509_crt_int **buf);
/* Whether the first certificate's CN would name host, had CNs counted (they
 * do not: sslvdir_cert_covers()); for explanations only. */
int sv_cert_cn_names(const sslvdir_cert *c, const char *host, size_t len);

/* lib/iisconfig.c: the model of applicationHost.config, and Exchange vdir names. */
/* A deep copy of a configuration (its current text parsed again). */
int sv_iisconfig_dup(sslvdir_iisconfig **out, const sslvdir_iisconfig *src, sslvdir_error *err);
/* The locations of a configuration that set sslFlags (NULL for others). */
size_t sv_iis_loc_count(const sslvdir_iisconfig *c);
const char *sv_iis_loc(const sslvdir_iisconfig *c, size_t i, unsigned *flags);
/* Whether "Site/vdir" is something the configuration has: a location, or a
 * path at or below an application other than the site's root one. */
int sv_iis_names_vdir(const sslvdir_iisconfig *c, const char *path);
/* "/owa/Calendar" -> SSLVDIR_KIND_OWA, "/EWS/mrsproxy.svc" -> MRSPROXY, ... */
sslvdir_kind sv_kind_from_vdir_name(const char *path);

/* What Exchange ships (lib/exchange_defaults.c, table in
 * lib/exchange_defaults.def). */
enum { SV_XD_FRONT = 0, SV_XD_BACK = 1 };
enum { SV_XD_APP = 0, SV_XD_FILE = 1, SV_XD_REDIRECT = 2 };
#define SV_XD_INHERIT 0xffffffffu /* no access section: the parent's flags */
#define SV_XD_UNKNOWN (-1)        /* not a location Exchange ships */
#define SV_XD_VARIES (-2)         /* the candidate versions ship different flags */
typedef struct sv_xdefault {
  unsigned char site;             /* SV_XD_FRONT or SV_XD_BACK */
  const char *path;               /* "/owa/Calendar"; "/" for the site root */
  sslvdir_kind kind;
  unsigned first, last;           /* versions; 2025 is Exchange SE */
  unsigned flags;                 /* sslFlags, or SV_XD_INHERIT */
  unsigned char form;             /* SV_XD_APP, SV_XD_FILE, SV_XD_REDIRECT */
} sv_xdefault;
/* Whether version is one the table knows: 2007, 2010, 2013, 2016, 2019
 * or 2025, Exchange SE. */
int sv_exchange_version_known(unsigned version);
/* SSLVDIR_OK for 0 (not said) or a known version, else SSLVDIR_E_RANGE
 * with a message, after "what: " when what is not NULL, that lists them. */
int sv_exchange_version_check(unsigned version, const char *what, sslvdir_error *err);
size_t sv_xdefault_count(void);
const sv_xdefault *sv_xdefault_row(size_t i);
/* SV_XD_FRONT for "Default Web Site", SV_XD_BACK for "Exchange Back End", else -1. */
int sv_xdefault_site(const char *name, size_t len);
/* "Exchange Back End/Rpc" -> SV_XD_BACK, "/Rpc"; SV_XD_UNKNOWN for another site. */
int sv_xdefault_site_path(const char *full, int *site, const char **path, size_t *len);
/* Whether path ("/owa/x") of site is at or below a vdir version ships
 * (version 0: any version), the site root aside. */
int sv_xdefault_ships(unsigned version, int site, const char *path, size_t len);
/* The sslFlags version ships at path of site, inheritance resolved. Version
 * 0: every version from "from" on (0: all; 2013: those with a back end) must
 * agree, else SV_XD_VARIES. SV_XD_UNKNOWN for a path Exchange does not ship. */
int sv_xdefault_flags(unsigned version, unsigned from, const char *path, size_t len, int site,
                      unsigned *flags);

int sv_builder_clone(const sslvdir_builder *b, sslvdir_builder **out);
void sv_builder_swap(sslvdir_builder *a, sslvdir_builder *b);
sslvdir_site *sv_builder_find_site(sslvdir_builder *b, const char *name);
/* The site that takes a Host no site names (NULL: none, such a Host gets
 * 400), as IIS's binding without a host name does. */
int sv_builder_set_default_site(sslvdir_builder *b, const char *name);
/* The site a host name (normalized) belongs to, or NULL. */
sslvdir_site *sv_builder_host_owner(sslvdir_builder *b, const char *host);
/* A site's vdir by canonical path (any case), or NULL. */
sslvdir_vdir *sv_builder_find_vdir(sslvdir_builder *b, const char *site, const char *canon);
sslvdir_vdir *sv_builder_vdir_by_path(sslvdir_builder *b, const char *site, const char *path,
                                      size_t *site_ix, size_t *vdir_ix);

/* lib/policy.c */
void sv_policy_destroy(sslvdir_policy *p);
const sslvdir_site *sv_policy_lookup_host(const sslvdir_policy *p, const char *host, size_t len);
/* The trusted offloader network that holds addr (the first), or NULL: the
 * one test behind sslvdir_policy_is_offloader() and sslvdir_decide(). */
const sv_net *sv_policy_offloader_for(const sslvdir_policy *p, const char *addr, size_t len);
const sslvdir_site *sv_policy_lookup_host_hash(const sslvdir_policy *p, const char *host, size_t len,
                                               uint32_t hash);

/* lib/site.c: free a site; build the trie of a policy's site. */
void sv_site_clear(sslvdir_site *s);
int sv_site_index(sslvdir_site *s);
/* The vdir that serves a normalised path (sv_path_norm()), or NULL. as_is:
 * no byte of it needs encoding (its canonical length is its length). */
const sslvdir_vdir *sv_site_match(const sslvdir_site *s, const char *norm, size_t len, int as_is);
/* Whether host (as sv_host_check() delimits it) is one of the site's own
 * names: what sslvdir_decide() found by the policy's host table. */
int sv_site_has_host(const sslvdir_site *s, const char *host, size_t len);

#endif /* SSLVDIR_INTERNAL_H */
