/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Autodiscover, driven by tests/data/autodiscover:
 * - golden/NAME.req answered must give golden/NAME.resp, compared element by
 *   element (the first difference is named) and then byte for byte;
 * - hostile/NAME.xml starts with <!-- expect CODE --> (600, 601, 500 or
 *   "settings"); the answer must carry that code, or echo the address;
 * and every document generated here is parsed back with libxml2 and
 * validated against doc/autodiscover/responseschema-2006.xsd.
 */
#include "config.h"

#include <dirent.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "unit.h"

#define T_US 1700000000123456ull /* 22:13:20.1234560 */

static sslvdir_policy *policy;
static xmlSchemaPtr schema;
static char *doc_buf;
#define DOC_MAX (256 * 1024)

static int setup(void) {
  policy = test_policy("autodiscover/policy");
  xmlSchemaParserCtxtPtr pc =
      xmlSchemaNewParserCtxt(srcpath("doc/autodiscover/responseschema-2006.xsd"));
  schema = pc ? xmlSchemaParse(pc) : NULL;
  xmlSchemaFreeParserCtxt(pc);
  doc_buf = malloc(DOC_MAX);
  return policy && schema && doc_buf ? 0 : 1;
}

static int cleanup(void) {
  sslvdir_policy_unref(policy);
  xmlSchemaFree(schema);
  free(doc_buf);
  return 0;
}

static void quiet(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
}

/* Parses a generated document and validates it; NULL (and a message) when
 * it is not well-formed or not valid. The caller frees the document. */
static xmlDocPtr parse_valid(const char *doc, size_t len, const char *what) {
  xmlDocPtr d = xmlReadMemory(doc, (int)len, "generated.xml", NULL, XML_PARSE_NONET |
                              XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!d) {
    fprintf(stderr, "%s: the generated document is not well-formed\n", what);
    return NULL;
  }
  xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidErrors(vc, quiet, quiet, NULL);
  int rc = xmlSchemaValidateDoc(vc, d);
  xmlSchemaFreeValidCtxt(vc);
  if (rc) {
    fprintf(stderr, "%s: the generated document does not validate:\n%.*s\n", what, (int)len, doc);
    xmlFreeDoc(d);
    return NULL;
  }
  return d;
}

/* The text of the first element called name (any namespace), or NULL. */
static xmlNodePtr find(xmlNodePtr n, const char *name) {
  for (; n; n = n->next) {
    if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name))
      return n;
    xmlNodePtr k = find(n->children, name);
    if (k)
      return k;
  }
  return NULL;
}

static int text_is(xmlDocPtr d, const char *name, const char *want) {
  xmlNodePtr n = find(xmlDocGetRootElement(d), name);
  if (!n)
    return 0;
  xmlChar *t = xmlNodeGetContent(n);
  int ok = t && !strcmp((const char *)t, want);
  xmlFree(t);
  return ok;
}

/* Element by element: names, namespaces, attributes and trimmed text. */
static int same_tree(xmlNodePtr a, xmlNodePtr b, char *where, size_t wsize) {
  while (a && a->type != XML_ELEMENT_NODE)
    a = a->next;
  while (b && b->type != XML_ELEMENT_NODE)
    b = b->next;
  for (; a || b;) {
    if (!a || !b) {
      snprintf(where, wsize, "%s element <%s>", a ? "extra" : "missing",
               (const char *)(a ? a->name : b->name));
      return 0;
    }
    const char *na = a->ns ? (const char *)a->ns->href : "", *nb = b->ns ? (const char *)b->ns->href : "";
    if (strcmp((const char *)a->name, (const char *)b->name) || strcmp(na, nb)) {
      snprintf(where, wsize, "<%s> where <%s> was expected", a->name, b->name);
      return 0;
    }
    for (xmlAttrPtr at = b->properties; at; at = at->next) {
      xmlChar *va = xmlGetProp(a, at->name), *vb = xmlGetProp(b, at->name);
      int ok = va && vb && !xmlStrcmp(va, vb);
      xmlFree(va);
      xmlFree(vb);
      if (!ok) {
        snprintf(where, wsize, "<%s> attribute %s differs", a->name, at->name);
        return 0;
      }
    }
    int leaf_a = 1, leaf_b = 1;
    for (xmlNodePtr k = a->children; k; k = k->next)
      leaf_a &= k->type != XML_ELEMENT_NODE;
    for (xmlNodePtr k = b->children; k; k = k->next)
      leaf_b &= k->type != XML_ELEMENT_NODE;
    if (leaf_a && leaf_b) {
      xmlChar *ta = xmlNodeGetContent(a), *tb = xmlNodeGetContent(b);
      int ok = !xmlStrcmp(ta, tb);
      if (!ok)
        snprintf(where, wsize, "<%s> is '%s', expected '%s'", a->name, ta, tb);
      xmlFree(ta);
      xmlFree(tb);
      if (!ok)
        return 0;
    } else if (!same_tree(a->children, b->children, where, wsize)) {
      return 0;
    }
    do
      a = a->next;
    while (a && a->type != XML_ELEMENT_NODE);
    do
      b = b->next;
    while (b && b->type != XML_ELEMENT_NODE);
  }
  return 1;
}

static void test_golden(void) {
  const char *dir = srcpath("tests/data/autodiscover/golden");
  DIR *d = opendir(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  int cases = 0, failed = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t nl = strlen(e->d_name);
    if (nl < 5 || strcmp(e->d_name + nl - 4, ".req"))
      continue;
    char path[1024], want_path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    snprintf(want_path, sizeof want_path, "%s/%.*s.resp", dir, (int)(nl - 4), e->d_name);
    size_t blen, wlen, n = 0;
    char *body = read_file(path, &blen), *want = read_file(want_path, &wlen);
    if (!body || !want) {
      fprintf(stderr, "%s: missing .req or .resp\n", e->d_name);
      failed++;
      free(body);
      free(want);
      continue;
    }
    cases++;
    sslvdir_autodiscover_params p = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
    p.time_us = T_US;
    if (strstr(e->d_name, "internal"))
      p.side = SSLVDIR_URL_INTERNAL;
    int rc = sslvdir_autodiscover_respond(policy, body, blen, &p, doc_buf, DOC_MAX, &n);
    xmlDocPtr got = rc ? NULL : parse_valid(doc_buf, n, e->d_name);
    xmlDocPtr exp = xmlReadMemory(want, (int)wlen, "want.xml", NULL, XML_PARSE_NONET);
    char where[300] = "";
    if (!got || !exp || !same_tree(xmlDocGetRootElement(got), xmlDocGetRootElement(exp), where,
                                   sizeof where)) {
      fprintf(stderr, "%s: %s\n", e->d_name, where[0] ? where : "no document");
      failed++;
    } else if (n != wlen || memcmp(doc_buf, want, n)) {
      fprintf(stderr, "%s: same elements, different bytes\n", e->d_name);
      failed++;
    }
    xmlFreeDoc(got);
    xmlFreeDoc(exp);
    free(body);
    free(want);
  }
  closedir(d);
  CU_ASSERT_EQUAL(failed, 0);
  CU_ASSERT(cases >= 15);
}

/* Answers body and checks the document carries want ("600", "settings"...). */
static int check_answer_in(const sslvdir_policy *pol, const char *what, const char *body,
                           size_t len, const char *want) {
  sslvdir_autodiscover_params p = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  p.time_us = T_US;
  size_t n = 0;
  if (sslvdir_autodiscover_respond(pol, body, len, &p, doc_buf, DOC_MAX, &n)) {
    fprintf(stderr, "%s: no answer\n", what);
    return 1;
  }
  xmlDocPtr d = parse_valid(doc_buf, n, what);
  if (!d)
    return 1;
  int bad = 0;
  sslvdir_autodiscover_request req = SSLVDIR_AUTODISCOVER_REQUEST_INIT;
  int prc = sslvdir_autodiscover_parse_request(body, len, &req, NULL);
  if (!strcmp(want, "settings")) {
    /* The address comes back as the request carried it, escaped on the way. */
    bad = prc != SSLVDIR_OK || req.error || !text_is(d, "Action", "settings") ||
          !text_is(d, "AutoDiscoverSMTPAddress", req.email);
  } else {
    int code = atoi(want);
    bad = !text_is(d, "ErrorCode", want) || (code >= 600 ? prc >= 0 || req.error != code : prc != 0);
  }
  if (bad)
    fprintf(stderr, "%s: expected %s, got:\n%.*s\n", what, want, (int)n, doc_buf);
  xmlFreeDoc(d);
  return bad;
}

static int check_answer(const char *what, const char *body, size_t len, const char *want) {
  return check_answer_in(policy, what, body, len, want);
}

static void test_hostile_files(void) {
  const char *dir = srcpath("tests/data/autodiscover/hostile");
  DIR *d = opendir(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  int cases = 0, failed = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strstr(e->d_name, ".xml"))
      continue;
    char path[1024], want[16];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t len;
    char *body = read_file(path, &len);
    if (!body || sscanf(body, "<!-- expect %15s -->", want) != 1) {
      fprintf(stderr, "%s: no '<!-- expect CODE -->' line\n", e->d_name);
      failed++;
      free(body);
      continue;
    }
    cases++;
    failed += check_answer(e->d_name, body, len, want);
    free(body);
  }
  closedir(d);
  CU_ASSERT_EQUAL(failed, 0);
  CU_ASSERT(cases >= 25);
}

#define OREQ_HEAD "<Autodiscover xmlns=\"" SSLVDIR_AD_NS_OUTLOOK_REQUEST "\"><Request>"
#define OREQ_TAIL "<AcceptableResponseSchema>" SSLVDIR_AD_NS_OUTLOOK_RESPONSE \
                  "</AcceptableResponseSchema></Request></Autodiscover>"

static void test_hostile_generated(void) {
  /* Empty (a GET), NUL inside, 10 MB, nested 100 deep (our bound) and 5,000
   * deep (libxml2's own bound of 256 stops it first). */
  CU_ASSERT_EQUAL(check_answer("empty body", "", 0, "600"), 0);
  static const char nul[] = OREQ_HEAD "<EMailAddress>a\0b@contoso.com</EMailAddress>" OREQ_TAIL;
  CU_ASSERT_EQUAL(check_answer("NUL byte", nul, sizeof nul - 1, "600"), 0);
  size_t big = 10u << 20;
  char *b = malloc(big);
  memset(b, ' ', big);
  memcpy(b, OREQ_HEAD, sizeof OREQ_HEAD - 1);
  CU_ASSERT_EQUAL(check_answer("10 MB body", b, big, "600"), 0);
  sslvdir_autodiscover_request req = SSLVDIR_AUTODISCOVER_REQUEST_INIT;
  sslvdir_error e;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_parse_request(b, big, &req, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(req.error, 600);
  CU_ASSERT(strstr(e.message, "65536") != NULL);
  for (int depth = 100; depth <= 5000; depth *= 50) {
    size_t o = 0;
    o += (size_t)sprintf(b + o, "%s", OREQ_HEAD "<EMailAddress>a@contoso.com</EMailAddress>");
    for (int i = 0; i < depth; i++)
      o += (size_t)sprintf(b + o, "<x>");
    for (int i = 0; i < depth; i++)
      o += (size_t)sprintf(b + o, "</x>");
    o += (size_t)sprintf(b + o, "%s", OREQ_TAIL);
    CU_ASSERT_EQUAL(check_answer("deep nesting", b, o, "600"), 0);
    CU_ASSERT_EQUAL(sslvdir_autodiscover_parse_request(b, o, &req, &e),
                    depth == 100 ? SSLVDIR_E_RANGE : SSLVDIR_E_SYNTAX);
  }
  free(b);
  /* Arguments. */
  sslvdir_autodiscover_params p = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  size_t n;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_respond(NULL, "", 0, &p, doc_buf, DOC_MAX, &n),
                  SSLVDIR_E_INVALID_ARGUMENT);
  p.version = 99;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_respond(policy, "", 0, &p, doc_buf, DOC_MAX, &n),
                  SSLVDIR_E_INVALID_ARGUMENT);
  req.version = 7;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_parse_request("x", 1, &req, NULL),
                  SSLVDIR_E_INVALID_ARGUMENT);
}

/* A request in UTF-8 (decl NULL: no XML declaration), converted by iconv
 * to charset; *len receives its length. The caller frees it. */
static char *encoded_request(const char *decl, const char *email, const char *charset,
                             const char *bom, size_t *len) {
  char text[1024];
  int tl = snprintf(text, sizeof text,
                    "%s%s%s" OREQ_HEAD "<EMailAddress>%s</EMailAddress>" OREQ_TAIL,
                    decl ? "<?xml version=\"1.0\" encoding=\"" : "", decl ? decl : "",
                    decl ? "\"?>" : "", email);
  size_t bl = strlen(bom), cap = (size_t)tl * 8 + 16, left = cap - bl;
  char *out = malloc(cap), *in = text, *o = out + bl;
  memcpy(out, bom, bl);
  size_t inleft = (size_t)tl;
  iconv_t cd = iconv_open(charset, "UTF-8");
  if (cd == (iconv_t)-1 || iconv(cd, &in, &inleft, &o, &left) == (size_t)-1 ||
      iconv(cd, NULL, NULL, &o, &left) == (size_t)-1) {
    fprintf(stderr, "iconv to %s failed\n", charset);
    free(out);
    out = NULL;
  }
  if (cd != (iconv_t)-1)
    iconv_close(cd);
  *len = (size_t)(o - out);
  return out;
}

/* Every encoding a request may declare: UTF-8 and UTF-16 are read, the rest
 * are refused with 600 and a message, and nothing (libxml2's iconv errors
 * were) is written on stderr, the proxy's log. */
static void test_encodings(void) {
  static const struct {
    const char *decl, *charset, *bom, *email;
    int rc; /* of sslvdir_autodiscover_parse_request() */
    const char *msg;
  } cases[] = {
    {"UTF-8", "UTF-8", "", "caf\u00e9@contoso.com", 0, NULL},
    {"utf-8", "UTF-8", "\xef\xbb\xbf", "caf\u00e9@contoso.com", 0, NULL},
    {NULL, "UTF-8", "", "caf\u00e9@contoso.com", 0, NULL},
    {"UTF-16", "UTF-16LE", "\xff\xfe", "caf\u00e9\U0001F600@contoso.com", 0, NULL},
    {"UTF-16", "UTF-16BE", "\xfe\xff", "caf\u00e9@contoso.com", 0, NULL},
    {"utf-16", "UTF-16LE", "", "caf\u00e9@contoso.com", 0, NULL},
    {"UTF-16BE", "UTF-16BE", "", "caf\u00e9@contoso.com", 0, NULL},
    {"UTF-16LE", "UTF-16LE", "", "caf\u00e9@contoso.com", 0, NULL},
    {NULL, "UTF-16LE", "\xff\xfe", "caf\u00e9@contoso.com", 0, NULL},
    {NULL, "UTF-16BE", "", "caf\u00e9@contoso.com", 0, NULL},
    /* Real text in encodings no client sends. */
    {"UTF-7", "UTF-8", "", "caf+AOk-@contoso.com", SSLVDIR_E_REFUSED, "\"UTF-7\" is refused"},
    {"ISO-2022-JP", "ISO-2022-JP", "", "\u65e5\u672c@contoso.com", SSLVDIR_E_REFUSED,
     "\"ISO-2022-JP\" is refused"},
    {"IBM037", "IBM037", "", "a@contoso.com", SSLVDIR_E_REFUSED, "EBCDIC is refused"},
    {"ISO-8859-1", "ISO-8859-1", "", "caf\u00e9@contoso.com", SSLVDIR_E_REFUSED,
     "\"ISO-8859-1\" is refused"},
    {"ISO-8859-1", "ISO-8859-1", "", "a@contoso.com", SSLVDIR_E_REFUSED,
     "\"ISO-8859-1\" is refused"},
    {"windows-1252", "UTF-8", "", "a@contoso.com", SSLVDIR_E_REFUSED,
     "\"windows-1252\" is refused"},
    {"UTF-32", "UTF-32", "", "a@contoso.com", SSLVDIR_E_REFUSED, "UCS-4 (UTF-32) is refused"},
    {"UTF-32BE", "UTF-32BE", "", "a@contoso.com", SSLVDIR_E_REFUSED, "UCS-4 (UTF-32) is refused"},
    /* Labels that do not fit the bytes: iconv failed on these, on stderr. */
    {"UTF-7", "ISO-8859-1", "", "caf\u00e9@contoso.com", SSLVDIR_E_REFUSED, "\"UTF-7\" is refused"},
    {"ISO-2022-JP", "UTF-8", "", "caf\u00e9@contoso.com", SSLVDIR_E_REFUSED,
     "\"ISO-2022-JP\" is refused"},
    {"IBM037", "UTF-8", "", "a@contoso.com", SSLVDIR_E_REFUSED, "\"IBM037\" is refused"},
    {"EBCDIC-US", "IBM037", "", "a@contoso.com", SSLVDIR_E_REFUSED, "EBCDIC is refused"},
    {"UTF-8", "ISO-8859-1", "", "caf\u00e9@contoso.com", SSLVDIR_E_SYNTAX, "is not UTF-8"},
    {"UTF-8", "UTF-16LE", "\xff\xfe", "a@contoso.com", SSLVDIR_E_SYNTAX,
     "says encoding \"UTF-8\" but the document is UTF-16LE"},
    {"UTF-16", "UTF-8", "", "a@contoso.com", SSLVDIR_E_SYNTAX,
     "says encoding \"UTF-16\" but the document is UTF-8"},
    {"UTF-16LE", "UTF-16BE", "", "a@contoso.com", SSLVDIR_E_SYNTAX, "the document is UTF-16BE"},
    {"UTF-16", "UTF-16LE", "", "\xd8\x80@contoso.com", SSLVDIR_E_SYNTAX, "lone surrogate"},
    /* Garbage. */
    {"x-no-such-encoding", "UTF-8", "", "a@contoso.com", SSLVDIR_E_REFUSED,
     "\"x-no-such-encoding\" is refused"},
    {"", "UTF-8", "", "a@contoso.com", SSLVDIR_E_SYNTAX, "not well-formed"},
    {"\x01\x02", "UTF-8", "", "a@contoso.com", SSLVDIR_E_SYNTAX, "not an encoding name"},
    {"UTF-8\" encoding=\"UTF-7", "UTF-8", "", "a@contoso.com", SSLVDIR_E_SYNTAX, "not well-formed"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len, n = 0;
    char *body = encoded_request(cases[i].decl, cases[i].email, cases[i].charset, cases[i].bom,
                                 &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(body);
    char *sur = cases[i].msg && strstr(cases[i].msg, "surrogate") ? memchr(body, 0x06, len) : NULL;
    if (sur) /* U+0600 (00 06) made a lone high surrogate (00 D8) */
      *sur = (char)0xd8;
    sslvdir_autodiscover_params p = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
    sslvdir_autodiscover_request req = SSLVDIR_AUTODISCOVER_REQUEST_INIT;
    sslvdir_error e = {0};
    char spill[512];
    CU_ASSERT_EQUAL_FATAL(stderr_begin(), 0);
    int prc = sslvdir_autodiscover_parse_request(body, len, &req, &e);
    int rc = sslvdir_autodiscover_respond(policy, body, len, &p, doc_buf, DOC_MAX, &n);
    long spilled = stderr_end(spill, sizeof spill);
    xmlDocPtr d = rc ? NULL : parse_valid(doc_buf, n, "encoding");
    int ok = spilled == 0 && d && prc == cases[i].rc;
    if (ok && cases[i].rc == SSLVDIR_OK)
      ok = !strcmp(req.email, cases[i].email) &&
           text_is(d, "AutoDiscoverSMTPAddress", cases[i].email);
    else if (ok)
      ok = req.error == 600 && text_is(d, "ErrorCode", "600") && strstr(e.message, cases[i].msg);
    if (!ok)
      fprintf(stderr, "encoding case %zu (%s as %s): parse %d (%s), stderr %ld bytes: %s\n", i,
              cases[i].decl ? cases[i].decl : "no declaration", cases[i].charset, prc,
              prc ? e.message : req.email, spilled, spill);
    CU_ASSERT(ok);
    xmlFreeDoc(d);
    free(body);
  }
}

static void test_documents(void) {
  sslvdir_autodiscover_params p = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  p.time_us = T_US;
  size_t n = 0, m = 0;
  const char *url = "https://autodiscover.hoster.example/autodiscover/autodiscover.xml";
  /* Both spellings by default, one with SPEC_SPELLING. */
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_redirect_url(url, &p, doc_buf, DOC_MAX, &n), SSLVDIR_OK);
  xmlDocPtr d = parse_valid(doc_buf, n, "redirectUrl");
  CU_ASSERT(d && text_is(d, "RedirectUrl", url) && text_is(d, "RedirectURL", url));
  xmlFreeDoc(d);
  p.flags = SSLVDIR_AUTODISCOVER_FLAG_SPEC_SPELLING;
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_redirect_url(url, &p, doc_buf, DOC_MAX, &n), SSLVDIR_OK);
  d = parse_valid(doc_buf, n, "redirectUrl spec");
  CU_ASSERT(d && text_is(d, "RedirectUrl", url) && !find(xmlDocGetRootElement(d), "RedirectURL"));
  xmlFreeDoc(d);
  p.flags = 0;
  /* A client would not follow these, so they are not written. */
  CU_ASSERT_EQUAL(sslvdir_autodiscover_redirect_url("http://x.example/autodiscover/autodiscover.xml",
                                                    &p, doc_buf, DOC_MAX, &n), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_redirect_url("https://x.example/owa/", &p, doc_buf,
                                                    DOC_MAX, &n), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_redirect_addr(SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, "nobody", &p,
                                                     doc_buf, DOC_MAX, &n), SSLVDIR_E_SYNTAX);
  /* Escaping in a redirectAddr. */
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_redirect_addr(SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK,
                                                           "\"a<b>&'c\"@fabrikam.com", &p,
                                                           doc_buf, DOC_MAX, &n), SSLVDIR_OK);
  d = parse_valid(doc_buf, n, "redirectAddr");
  CU_ASSERT(d && text_is(d, "RedirectAddr", "\"a<b>&'c\"@fabrikam.com"));
  xmlFreeDoc(d);
  /* Every error code, in its namespace. */
  static const int codes[] = {500, 501, 600, 601, 602, 603};
  for (size_t i = 0; i < 6; i++) {
    char num[8];
    snprintf(num, sizeof num, "%d", codes[i]);
    CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_error(policy, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK,
                                                     codes[i], &p, doc_buf, DOC_MAX, &n),
                          SSLVDIR_OK);
    d = parse_valid(doc_buf, n, num);
    CU_ASSERT(d && text_is(d, "ErrorCode", num));
    xmlNodePtr r = d ? find(xmlDocGetRootElement(d), "Response") : NULL;
    CU_ASSERT(r && !strcmp((const char *)r->ns->href, SSLVDIR_AD_NS));
    xmlFreeDoc(d);
    CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_error(policy, SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC,
                                                     codes[i], &p, doc_buf, DOC_MAX, &n),
                          SSLVDIR_OK);
    d = parse_valid(doc_buf, n, num);
    r = d ? find(xmlDocGetRootElement(d), "Response") : NULL;
    int provider = codes[i] >= 600 && codes[i] <= 601;
    CU_ASSERT(r && !strcmp((const char *)r->ns->href, provider ? SSLVDIR_AD_NS
                                                               : SSLVDIR_AD_NS_MOBILESYNC_RESPONSE));
    /* [MS-ASCMD] 4.2.2: a user-level error is Action/Error/Status, with no
     * ErrorCode; 600 and 601 keep ErrorCode. */
    xmlNodePtr st = d ? find(xmlDocGetRootElement(d), "Status") : NULL;
    CU_ASSERT(d && (provider ? text_is(d, "ErrorCode", num) && !st
                             : !find(xmlDocGetRootElement(d), "ErrorCode") && st &&
                                   text_is(d, "Status", "2") && text_is(d, "Culture", "en:us") &&
                                   !strcmp((const char *)st->parent->parent->name, "Action")));
    xmlFreeDoc(d);
  }
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_error(policy, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, 603, &p,
                                                   doc_buf, DOC_MAX, &n), SSLVDIR_OK);
  CU_ASSERT(mem_find(doc_buf, n, "Time=\"22:13:20.1234560\" Id=\"1054084152\"") != NULL);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_error(policy, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, 404, &p,
                                             doc_buf, DOC_MAX, &n), SSLVDIR_E_RANGE);
  /* Measuring, and a buffer one byte short. */
  CU_ASSERT_EQUAL(sslvdir_autodiscover_error(NULL, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, 600, &p, NULL, 0,
                                             &m), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_error(NULL, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, 600, &p, doc_buf,
                                             m - 1, &n), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_error(NULL, SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK, 600, &p, doc_buf,
                                             m, &n), SSLVDIR_OK);
  CU_ASSERT(mem_find(doc_buf, n, "Id=\"0\"") != NULL);
  /* The settings of a site without a canonical host cannot be written. */
  const sslvdir_site *eu = sslvdir_policy_site(policy, 1);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_settings(policy, eu, SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC,
                                                "a@eu.contoso.com", NULL, &p, doc_buf, DOC_MAX,
                                                &n), SSLVDIR_OK);
}

static void test_json(void) {
  static const struct {
    const char *query;
    int status;
    const char *body;
  } cases[] = {
    {"Email=kwekua%40contoso.com&Protocol=AutodiscoverV1", 200,
     "{\"Protocol\":\"AutodiscoverV1\",\"Url\":\"https://mail.contoso.com/Autodiscover/Autodiscover.xml\"}"},
    {"protocol=autodiscoverv1&email=dana@eu.contoso.com", 200,
     "{\"Protocol\":\"AutodiscoverV1\",\"Url\":\"https://mail.eu.contoso.com:8443/Autodiscover/Autodiscover.xml\"}"},
    {"Email=a@eu.contoso.com&Protocol=ActiveSync", 200,
     "{\"Protocol\":\"ActiveSync\",\"Url\":\"https://mail.eu.contoso.com:8443/Microsoft-Server-ActiveSync\"}"},
    {"Email=a@contoso.com&Protocol=Ews", 200,
     "{\"Protocol\":\"Ews\",\"Url\":\"https://mail.contoso.com/EWS/Exchange.asmx\"}"},
    {"Email=a@tailspin.com&Protocol=AutodiscoverV1", 200,
     "{\"Protocol\":\"AutodiscoverV1\",\"Url\":\"https://autodiscover.hoster.example/autodiscover/autodiscover.xml\"}"},
    {"Email=a@fabrikam.com&Protocol=AutodiscoverV1", 200,
     "{\"Protocol\":\"AutodiscoverV1\",\"Url\":\"https://autodiscover.fabrikam.hosted.example/Autodiscover/Autodiscover.xml\"}"},
    {"Email=a@example.org&Protocol=AutodiscoverV1", 404,
     "{\"ErrorCode\":\"NotFound\",\"ErrorMessage\":\"The e-mail address cannot be found.\"}"},
    {"Email=a@contoso.com&Protocol=Rest\"<x>", 400,
     "{\"ErrorCode\":\"InvalidProtocol\",\"ErrorMessage\":\"The given protocol value 'Rest\\\"\\u003cx\\u003e' is invalid. Supported values are 'AutodiscoverV1, ActiveSync, Ews'.\"}"},
    {"Email=a@contoso.com", 400,
     "{\"ErrorCode\":\"InvalidProtocol\",\"ErrorMessage\":\"The given protocol value '' is invalid. Supported values are 'AutodiscoverV1, ActiveSync, Ews'.\"}"},
    {"Protocol=AutodiscoverV1", 400,
     "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The Email parameter is missing.\"}"},
    {"Email=nobody&Protocol=AutodiscoverV1", 400,
     "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The Email parameter is not an address.\"}"},
    {"Email=a%00@contoso.com&Protocol=AutodiscoverV1", 400,
     "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The Email parameter is not an address.\"}"},
    {"Email=a%zz@contoso.com&Protocol=AutodiscoverV1", 400,
     "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The Email parameter is not an address.\"}"},
    /* C1 controls (U+0085 NEL), U+2028/U+2029 and bytes that are not UTF-8
     * are no address either. */
    {"Email=a%C2%85@contoso.com&Protocol=AutodiscoverV1", 400,
     "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The Email parameter is not an address.\"}"},
    {"Email=a%E2%80%A8@contoso.com&Protocol=Ews", 400,
     "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The Email parameter is not an address.\"}"},
    {"Email=a%85@contoso.com&Protocol=Ews", 400,
     "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The Email parameter is not an address.\"}"},
    /* U+2028 and U+2029 end a JavaScript string literal: escaped. */
    {"Email=a@contoso.com&Protocol=%E2%80%A8%E2%80%A9</script>", 400,
     "{\"ErrorCode\":\"InvalidProtocol\",\"ErrorMessage\":\"The given protocol value "
     "'\\u2028\\u2029\\u003c/script\\u003e' is invalid. "
     "Supported values are 'AutodiscoverV1, ActiveSync, Ews'.\"}"},
    /* Bytes that are not UTF-8 come back as U+FFFD, one per maximal
     * subpart (FF; FE; F0 9F 98 cut short; ED A0 80 a surrogate, 3; C0 AF
     * overlong, 2); UTF-8 comes back as it was. */
    {"Email=a@contoso.com&Protocol=%FF%FE%F0%9F%98x%ED%A0%80%C0%AF%C3%A9%F0%9F%98%80", 400,
     "{\"ErrorCode\":\"InvalidProtocol\",\"ErrorMessage\":\"The given protocol value "
     "'\\ufffd\\ufffd\\ufffdx\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\xc3\xa9\xf0\x9f\x98\x80' "
     "is invalid. "
     "Supported values are 'AutodiscoverV1, ActiveSync, Ews'.\"}"},
  };
  sslvdir_autodiscover_params p = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = 0;
    int status = 0;
    int rc = sslvdir_autodiscover_json(policy, cases[i].query, strlen(cases[i].query), &p, &status,
                                       doc_buf, DOC_MAX, &n);
    int ok = rc == SSLVDIR_OK && status == cases[i].status && n == strlen(cases[i].body) &&
             !memcmp(doc_buf, cases[i].body, n);
    if (!ok)
      fprintf(stderr, "json %s: %d %.*s\n", cases[i].query, status, (int)n, doc_buf);
    CU_ASSERT(ok);
  }
}

/* The request target as Outlook 2016 and later send it first: the address
 * in the path. */
static void test_json_target(void) {
  static const char v1[] =
      "{\"Protocol\":\"AutodiscoverV1\",\"Url\":\"https://mail.contoso.com/Autodiscover/Autodiscover.xml\"}";
  static const char bad_path[] =
      "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The path is not autodiscover.json, "
      "alone or followed by /v1.0/ and an address.\"}";
  static const char disagree[] =
      "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The address in the path and the Email "
      "parameter disagree.\"}";
  static const struct {
    const char *target;
    int status;
    const char *body;
  } cases[] = {
    {"/autodiscover/autodiscover.json/v1.0/kwekua@contoso.com?Protocol=AutodiscoverV1", 200, v1},
    {"/autodiscover/autodiscover.json/v1.0/kwekua%40contoso.com?Protocol=AutodiscoverV1", 200, v1},
    {"/AutoDiscover/AutoDiscover.JSON/V1.0/kwekua%40Contoso.com?protocol=autodiscoverv1", 200, v1},
    {"/autodiscover/autodiscover%2ejson/v1.0/a@contoso.com?Protocol=AutodiscoverV1", 200, v1},
    {"/autodiscover/autodiscover.json/v1.0/a@eu.contoso.com?Protocol=ActiveSync", 200,
     "{\"Protocol\":\"ActiveSync\",\"Url\":\"https://mail.eu.contoso.com:8443/Microsoft-Server-ActiveSync\"}"},
    /* the query form, through the same function */
    {"/autodiscover/autodiscover.json?Email=a%40contoso.com&Protocol=AutodiscoverV1", 200, v1},
    {"/autodiscover/autodiscover.json/v1.0?Email=a%40contoso.com&Protocol=AutodiscoverV1", 200, v1},
    {"/autodiscover/autodiscover.json/?Email=a%40contoso.com&Protocol=AutodiscoverV1", 200, v1},
    /* both forms: the same address (any case) or 400 */
    {"/autodiscover/autodiscover.json/v1.0/a@contoso.com?Email=A%40CONTOSO.COM&Protocol=AutodiscoverV1", 200, v1},
    {"/autodiscover/autodiscover.json/v1.0/a@contoso.com?Email=a%40example.org&Protocol=AutodiscoverV1", 400, disagree},
    {"/autodiscover/autodiscover.json/v1.0/a@example.org?Email=a%40contoso.com&Protocol=AutodiscoverV1", 400, disagree},
    {"/autodiscover/autodiscover.json/v1.0/a@contoso.com?Email=a%zz&Protocol=AutodiscoverV1", 400, disagree},
    /* more segments after the address, an encoded '/' included */
    {"/autodiscover/autodiscover.json/v1.0/a@contoso.com/x?Protocol=AutodiscoverV1", 400, bad_path},
    {"/autodiscover/autodiscover.json/v1.0/a@contoso.com/?Protocol=AutodiscoverV1", 400, bad_path},
    {"/autodiscover/autodiscover.json/v1.0/x%2fa@contoso.com?Protocol=AutodiscoverV1", 400, bad_path},
    {"/autodiscover/autodiscover.json/v2.0/a@contoso.com?Protocol=AutodiscoverV1", 400, bad_path},
    {"/autodiscover/autodiscover.jsonx/v1.0/a@contoso.com?Protocol=AutodiscoverV1", 400, bad_path},
    {"/autodiscover/autodiscover.json/v1.0/a%00@contoso.com?Protocol=AutodiscoverV1", 400, bad_path},
    {"/autodiscover/autodiscover.json/v1.0/a%4@contoso.com?Protocol=AutodiscoverV1", 400, bad_path},
    {"/autodiscover/autodiscover.xml?Email=a%40contoso.com&Protocol=AutodiscoverV1", 400, bad_path},
    {"", 400, bad_path},
    /* the path's address is checked as the Email parameter is */
    {"/autodiscover/autodiscover.json/v1.0/nobody?Protocol=AutodiscoverV1", 400,
     "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The path does not hold an address.\"}"},
    {"/autodiscover/autodiscover.json/v1.0/a@example.org?Protocol=AutodiscoverV1", 404,
     "{\"ErrorCode\":\"NotFound\",\"ErrorMessage\":\"The e-mail address cannot be found.\"}"},
    {"/autodiscover/autodiscover.json/v1.0/a@contoso.com", 400,
     "{\"ErrorCode\":\"InvalidProtocol\",\"ErrorMessage\":\"The given protocol value '' is invalid. "
     "Supported values are 'AutodiscoverV1, ActiveSync, Ews'.\"}"},
    {"/autodiscover/autodiscover.json/v1.0?Protocol=AutodiscoverV1", 400,
     "{\"ErrorCode\":\"InvalidRequest\",\"ErrorMessage\":\"The Email parameter is missing.\"}"},
  };
  sslvdir_autodiscover_params p = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = 0;
    int status = 0;
    int rc = sslvdir_autodiscover_json_target(policy, cases[i].target, strlen(cases[i].target), &p,
                                              &status, doc_buf, DOC_MAX, &n);
    int ok = rc == SSLVDIR_OK && status == cases[i].status && n == strlen(cases[i].body) &&
             !memcmp(doc_buf, cases[i].body, n);
    if (!ok)
      fprintf(stderr, "json target %s: %d %.*s\n", cases[i].target, status, (int)n, doc_buf);
    CU_ASSERT(ok);
  }
  /* An address as long as the path allows, and one byte longer. */
  char t[600], addr[SSLVDIR_AUTODISCOVER_MAX_EMAIL + 2];
  memset(addr, 'a', sizeof addr - 1);
  addr[sizeof addr - 1] = '\0';
  memcpy(addr + sizeof addr - 1 - strlen("@contoso.com"), "@contoso.com", strlen("@contoso.com"));
  for (int extra = 0; extra < 2; extra++) {
    snprintf(t, sizeof t, "/autodiscover/autodiscover.json/v1.0/%s?Protocol=AutodiscoverV1",
             addr + 1 - extra);
    size_t n = 0;
    int status = 0;
    CU_ASSERT_EQUAL(sslvdir_autodiscover_json_target(policy, t, strlen(t), &p, &status, doc_buf,
                                                     DOC_MAX, &n), SSLVDIR_OK);
    CU_ASSERT_EQUAL(status, extra ? 400 : 200);
  }
  size_t n;
  int status;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_json_target(policy, NULL, 1, &p, &status, doc_buf, DOC_MAX,
                                                   &n), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_json_target(NULL, "/", 1, &p, &status, doc_buf, DOC_MAX,
                                                   &n), SSLVDIR_E_INVALID_ARGUMENT);
  /* (NULL, 0) measures, the status included; the document is not
   * NUL-terminated, so out_len bytes are enough. */
  const char *q = "/autodiscover/autodiscover.json/v1.0/a@contoso.com?Protocol=AutodiscoverV1";
  size_t m = 0;
  status = 0;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_json_target(policy, q, strlen(q), &p, &status, NULL, 0, &m),
                  SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(status, 200);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_json_target(policy, q, strlen(q), &p, &status, doc_buf, m,
                                                   &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(n, m);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_json(policy, "Email=a@contoso.com", 19, &p, &status, NULL,
                                            0, &m), SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(status, 400); /* no Protocol */
  CU_ASSERT_EQUAL(sslvdir_autodiscover_json(policy, "Email=a@contoso.com", 19, &p, &status,
                                            doc_buf, m, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(n, m);
}

/* A JSON string at *p (RFC 8259 7: no raw control character, only the
 * listed escapes); advances *p past it. */
static int json_str(const char **p, const char *end) {
  const char *s = *p;
  if (s >= end || *s++ != '"')
    return 0;
  while (s < end && *s != '"') {
    if ((unsigned char)*s < 0x20)
      return 0;
    if (*s++ != '\\')
      continue;
    if (s >= end)
      return 0;
    if (*s == 'u') {
      for (int k = 1; k <= 4; k++)
        if (s + k >= end || !strchr("0123456789abcdefABCDEF", s[k]) || !s[k])
          return 0;
      s += 5;
    } else if (strchr("\"\\/bfnrt", *s) && *s) {
      s++;
    } else {
      return 0;
    }
  }
  if (s >= end)
    return 0;
  *p = s + 1;
  return 1;
}

/* {"name":"value",...}: what autodiscover.json answers hold. */
static int json_object_of_strings(const char *s, size_t n) {
  const char *p = s, *end = s + n;
  if (p >= end || *p++ != '{')
    return 0;
  do {
    if (!json_str(&p, end) || p >= end || *p++ != ':' || !json_str(&p, end))
      return 0;
  } while (p < end && *p == ',' && p++);
  return p < end && *p == '}' && p + 1 == end;
}

/* Valid UTF-8 by glibc's decoder (not ours: that would check itself). */
static int iconv_utf8_ok(const char *s, size_t n) {
  iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
  char out[4096], *in = (char *)s, *o = out;
  size_t inleft = n, left = sizeof out;
  size_t r = cd == (iconv_t)-1 ? (size_t)-1 : iconv(cd, &in, &inleft, &o, &left);
  if (cd != (iconv_t)-1)
    iconv_close(cd);
  return r != (size_t)-1 && inleft == 0;
}

/* Random bytes in the Protocol value (seeded, so a failure repeats): every
 * answer is a JSON object of strings in valid UTF-8. Bytes are drawn mostly
 * from the ranges where UTF-8 goes wrong: lead bytes, continuation bytes,
 * E0/ED/F0/F4 and their second bytes. */
static void test_json_random(void) {
  static const unsigned char interesting[] = {0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2,
                                              0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xc3,
                                              0xa9, 0x22, 0x5c, 0x3c, 0x26, 0x01, 0x7f, 'a'};
  uint32_t x = 20261127;
  sslvdir_autodiscover_params p = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  int bad = 0;
  for (int i = 0; i < 4000 && bad < 5; i++) {
    char q[256] = "Email=a@contoso.com&Protocol=";
    size_t ql = strlen(q);
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    int len = 1 + (int)(x % 60);
    for (int k = 0; k < len; k++) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      unsigned b = x % 3 ? interesting[(x >> 8) % sizeof interesting] : 1 + (x >> 8) % 255;
      ql += (size_t)snprintf(q + ql, sizeof q - ql, "%%%02X", b);
    }
    size_t n = 0;
    int status = 0;
    int rc = sslvdir_autodiscover_json(policy, q, ql, &p, &status, doc_buf, DOC_MAX, &n);
    if (rc || status != 400 || !iconv_utf8_ok(doc_buf, n) || !json_object_of_strings(doc_buf, n)) {
      fprintf(stderr, "json random %d: %s -> %d %d %.*s\n", i, q, rc, status, (int)n, doc_buf);
      bad++;
    }
  }
  CU_ASSERT_EQUAL(bad, 0);
}

static void test_client(void) {
  sslvdir_autodiscover_candidate c[4];
  size_t n;
  CU_ASSERT_EQUAL_FATAL(sslvdir_autodiscover_candidates("Kwekua@Contoso.COM", c, 4, &n), SSLVDIR_OK);
  CU_ASSERT_EQUAL(n, 4);
  CU_ASSERT(c[0].method == SSLVDIR_AUTODISCOVER_METHOD_POST &&
            !strcmp(c[0].url, "https://contoso.com/autodiscover/autodiscover.xml"));
  CU_ASSERT(c[1].method == SSLVDIR_AUTODISCOVER_METHOD_POST &&
            !strcmp(c[1].url, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"));
  CU_ASSERT(c[2].method == SSLVDIR_AUTODISCOVER_METHOD_GET_REDIRECT &&
            !strcmp(c[2].url, "http://autodiscover.contoso.com/autodiscover/autodiscover.xml"));
  CU_ASSERT(c[3].method == SSLVDIR_AUTODISCOVER_METHOD_SRV && !strcmp(c[3].url, "_autodiscover._tcp.contoso.com"));
  CU_ASSERT_EQUAL(sslvdir_autodiscover_candidates("nobody", c, 4, &n), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_candidates("a@evil/x", c, 4, &n), SSLVDIR_E_SYNTAX);
  /* Too small: *count says how many there are, so max 0 measures. */
  n = 0;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_candidates("a@contoso.com", c, 3, &n),
                  SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(n, 4);
  n = 0;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_candidates("a@contoso.com", NULL, 0, &n),
                  SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(n, 4);

  /* SRV: 443 only, lowest priority, then highest weight, then first. */
  const sslvdir_srv_record recs[] = {
    {0, 100, 80, "plain.contoso.com"},    {10, 5, 443, "b.contoso.com."},
    {10, 50, 443, "a.contoso.com."},      {20, 100, 443, "c.contoso.com"},
    {10, 50, 443, "second.contoso.com"},
  };
  size_t idx, ul;
  char url[256];
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(recs, 5, &idx, url, sizeof url, &ul), SSLVDIR_OK);
  CU_ASSERT_EQUAL(idx, 2);
  CU_ASSERT_STRING_EQUAL(url, "https://a.contoso.com/autodiscover/autodiscover.xml");
  CU_ASSERT_EQUAL(ul, strlen(url));
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(recs, 1, &idx, url, sizeof url, NULL),
                  SSLVDIR_E_NOT_FOUND);
  const sslvdir_srv_record bad[] = {{0, 0, 443, "bad host/"}};
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(bad, 1, &idx, url, sizeof url, NULL),
                  SSLVDIR_E_SYNTAX);
  /* Too small: the URL's length (without its NUL) in *out_len, so (NULL, 0)
   * measures, and never a cut URL in out (it would name another host). */
  size_t want = strlen("https://a.contoso.com/autodiscover/autodiscover.xml");
  idx = ul = 0;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(recs, 5, &idx, NULL, 0, &ul),
                  SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(ul, want);
  CU_ASSERT_EQUAL(idx, 2);
  ul = 0;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(recs, 5, &idx, url, want, &ul),
                  SSLVDIR_E_BUFFER_TOO_SMALL);
  CU_ASSERT_EQUAL(ul, want);
  CU_ASSERT_STRING_EQUAL(url, "");
  CU_ASSERT_EQUAL(sslvdir_autodiscover_srv_select(recs, 5, &idx, url, want + 1, &ul), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(url, "https://a.contoso.com/autodiscover/autodiscover.xml");

  /* Redirect rules. */
  static const struct {
    int status;
    const char *url;
    int ok;
  } urls[] = {
    {302, "https://mail.contoso.com/autodiscover/autodiscover.xml", 1},
    {301, "https://mail.contoso.com/Autodiscover/AutoDiscover.XML", 1},
    {303, "https://mail.contoso.com:8443/autodiscover/eu/autodiscover.xml", 1},
    {307, "HTTPS://mail.contoso.com/autodiscover/a/b/autodiscover.xml?x=1", 1},
    {0, "https://mail.contoso.com/autodiscover/autodiscover.xml", 1},
    {308, "https://mail.contoso.com/autodiscover/autodiscover.xml", 0},
    {300, "https://mail.contoso.com/autodiscover/autodiscover.xml", 0},
    {200, "https://mail.contoso.com/autodiscover/autodiscover.xml", 0},
    {302, "http://mail.contoso.com/autodiscover/autodiscover.xml", 0},
    {302, "https://user@mail.contoso.com/autodiscover/autodiscover.xml", 0},
    {302, "https://mail.contoso.com/autodiscover/autodiscover.xml.evil", 0},
    {302, "https://mail.contoso.com/owa/autodiscover.xml", 0},
    {302, "https://mail.contoso.com/autodiscover/../owa/autodiscover.xml", 0},
    {302, "https://mail.contoso.com/autodiscover//autodiscover.xml", 0},
    {302, "https://mail.contoso.com/autodiscover/autodiscover%2exml", 0},
    {302, "https://mail.contoso.com/autodiscover/autodiscover.xml#x", 0},
    {302, "https://mail.contoso.com\\@evil/autodiscover/autodiscover.xml", 0},
    {302, "https:///autodiscover/autodiscover.xml", 0},
    {302, "https://mail.contoso.com/autodiscover.xml", 0},
    {302, "https://mail.contoso.com/autodiscover/autodiscover.xml\r\nX: y", 0},
  };
  for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
    sslvdir_autodiscover_chain *ch;
    sslvdir_error e;
    CU_ASSERT_FATAL(sslvdir_autodiscover_chain_new(&ch, "a@contoso.com", &e) == SSLVDIR_OK);
    int rc = sslvdir_autodiscover_chain_follow_url(ch, urls[i].status, urls[i].url, strlen(urls[i].url), &e);
    if ((rc == SSLVDIR_OK) != urls[i].ok)
      fprintf(stderr, "chain_url %d %s: %d\n", urls[i].status, urls[i].url, rc);
    CU_ASSERT_EQUAL(rc == SSLVDIR_OK, urls[i].ok);
    CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_count(ch), urls[i].ok ? 1u : 0u);
    if (!urls[i].ok)
      CU_ASSERT(rc == SSLVDIR_E_REFUSED && e.message[0]);
    sslvdir_autodiscover_chain_free(ch);
  }

  /* Ten redirects, addresses and URLs together; the 11th is refused. */
  sslvdir_autodiscover_chain *ch;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_autodiscover_chain_new(&ch, "a@contoso.com", &e) == SSLVDIR_OK);
  for (int i = 0; i < 10; i++) {
    char addr[64];
    snprintf(addr, sizeof addr, "a@d%d.example", i);
    const char *u = "https://x.example/autodiscover/autodiscover.xml";
    int rc = i % 2 ? sslvdir_autodiscover_chain_follow_addr(ch, addr, strlen(addr), &e)
                   : sslvdir_autodiscover_chain_follow_url(ch, 302, u, strlen(u), &e);
    CU_ASSERT_EQUAL(rc, SSLVDIR_OK);
  }
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_count(ch), 10);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_follow_addr(ch, "a@eleventh.example", 18, &e), SSLVDIR_E_REFUSED);
  CU_ASSERT(strstr(e.message, "at most 10") != NULL);
  CU_ASSERT_STRING_EQUAL(sslvdir_autodiscover_chain_address(ch), "a@d9.example");
  sslvdir_autodiscover_chain_free(ch);
  /* A loop, back to the first address in another case. */
  CU_ASSERT_FATAL(sslvdir_autodiscover_chain_new(&ch, "a@contoso.com", &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_follow_addr(ch, "b@fabrikam.com", 14, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_follow_addr(ch, "A@Contoso.com", 13, &e), SSLVDIR_E_REFUSED);
  CU_ASSERT(strstr(e.message, "loop") != NULL);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_follow_addr(ch, "no address", 10, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_count(ch), 1);
  /* The address is len bytes of a larger buffer (a response body), read
   * to len, not to a NUL; the loop check compares lengths too. */
  const char body[] = "<RedirectAddr>c@example.net</RedirectAddr>";
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_follow_addr(ch, body + 14, 13, &e), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(sslvdir_autodiscover_chain_address(ch), "c@example.net");
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_follow_addr(ch, "C@EXAMPLE.NET, again", 13, &e),
                  SSLVDIR_E_REFUSED);
  CU_ASSERT(strstr(e.message, "loop") != NULL);
  /* A NUL among the len bytes: refused, not cut there (the part before it
   * alone is an address the chain would accept), and the chain unchanged. */
  static const char nul[] = "d@example.net\0@evil.example";
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_follow_addr(ch, nul, sizeof nul - 1, &e),
                  SSLVDIR_E_SYNTAX);
  CU_ASSERT(strstr(e.message, "NUL") != NULL);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_count(ch), 2);
  CU_ASSERT_STRING_EQUAL(sslvdir_autodiscover_chain_address(ch), "c@example.net");
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_follow_addr(ch, nul, 13, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_follow_addr(ch, NULL, 0, &e),
                  SSLVDIR_E_INVALID_ARGUMENT);
  sslvdir_autodiscover_chain_free(ch);
  sslvdir_autodiscover_chain_free(NULL);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_chain_new(&ch, "x", &e), SSLVDIR_E_SYNTAX);
}

static void test_rules(void) {
  const char *name, *target;
  sslvdir_autodiscover_action action;
  const sslvdir_site *site;
  CU_ASSERT_EQUAL(sslvdir_autodiscover_domain_rule(policy, "CONTOSO.com.", 0, &name, &action,
                                                   &target, &site), SSLVDIR_OK);
  CU_ASSERT(action == SSLVDIR_AUTODISCOVER_ACTION_SETTINGS && !target &&
            !strcmp(sslvdir_site_name(site), "Default Web Site"));
  CU_ASSERT_EQUAL(sslvdir_autodiscover_domain_rule(policy, "fabrikam.com", 0, NULL, &action,
                                                   &target, &site), SSLVDIR_OK);
  CU_ASSERT(action == SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR && !strcmp(target, "fabrikam.hosted.example") && !site);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_domain_rule(policy, "example.org", 0, NULL, NULL, NULL,
                                                   NULL), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_autodiscover_domain_rule(policy, NULL, 3, &name, NULL, NULL, NULL), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(name, "tailspin.com");
  CU_ASSERT_EQUAL(sslvdir_autodiscover_domain_rule(policy, NULL, 4, &name, NULL, NULL, NULL),
                  SSLVDIR_E_NOT_FOUND);

  sslvdir_builder *b;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_builder_new(&b, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_site(b, "S", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_autodiscover_domain(b, "contoso.com", SSLVDIR_AUTODISCOVER_ACTION_SETTINGS, "Nope", &e), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_builder_add_autodiscover_domain(b, "contoso.com", SSLVDIR_AUTODISCOVER_ACTION_SETTINGS, "S", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_add_autodiscover_domain(b, "Contoso.COM", SSLVDIR_AUTODISCOVER_ACTION_SETTINGS, "S", &e), SSLVDIR_E_DUPLICATE);
  CU_ASSERT_EQUAL(sslvdir_builder_add_autodiscover_domain(b, "a.example", SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR, "A.example", &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_builder_add_autodiscover_domain(b, "b.example", SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_URL, "http://x/autodiscover/autodiscover.xml", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_autodiscover_domain(b, "bad domain", SSLVDIR_AUTODISCOVER_ACTION_REDIRECT_ADDR, "x.example", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_add_autodiscover_domain(b, "c.example", (sslvdir_autodiscover_action)9, "x", &e), SSLVDIR_E_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(sslvdir_builder_set_autodiscover_option(b, "auth-package", "ntlm", &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_builder_set_autodiscover_option(b, "auth-package", "Digest", &e), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_EQUAL(sslvdir_builder_set_autodiscover_option(b, "server-build", "15.1", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_autodiscover_option(b, "server-build", "64.0.1", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_autodiscover_option(b, "deployment-id", "not-a-guid", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_autodiscover_option(b, "server-id", "4294967296", &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_builder_set_autodiscover_option(b, "colour", "blue", &e), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_EQUAL(sslvdir_builder_set_site_autodiscover_redirect(b, "S", "not a host", &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_builder_set_site_autodiscover_redirect(b, "T", "mail.contoso.com", &e), SSLVDIR_E_NOT_FOUND);
  /* A site without a canonical host cannot be described: the policy warns. */
  sslvdir_policy *p;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_OK);
  int warned = 0;
  for (size_t i = 0; i < sslvdir_policy_warning_count(p); i++)
    warned |= strstr(sslvdir_policy_warning(p, i), "no canonical host") != NULL;
  CU_ASSERT(warned);
  static const char body[] = OREQ_HEAD "<EMailAddress>a@contoso.com</EMailAddress>" OREQ_TAIL;
  CU_ASSERT_EQUAL(check_answer_in(p, "site without host", body, sizeof body - 1, "500"), 0);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
}

void suite_autodiscover(void) {
  CU_pSuite s = CU_add_suite("autodiscover", setup, cleanup);
  CU_add_test(s, "golden responses, element by element", test_golden);
  CU_add_test(s, "hostile requests from files", test_hostile_files);
  CU_add_test(s, "hostile requests generated", test_hostile_generated);
  CU_add_test(s, "declared encodings, nothing on stderr", test_encodings);
  CU_add_test(s, "documents, spellings, errors", test_documents);
  CU_add_test(s, "autodiscover.json", test_json);
  CU_add_test(s, "autodiscover.json: the address in the path", test_json_target);
  CU_add_test(s, "autodiscover.json: random bytes give valid UTF-8 JSON", test_json_random);
  CU_add_test(s, "client: candidates, SRV, redirect chain", test_client);
  CU_add_test(s, "domain rules and options", test_rules);
}
