/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The one hardened way libsslvdir reads XML with libxml2: no network, no DTD
 * loading, no entity substitution, no XInclude; a DOCTYPE or an entity
 * declaration is refused before parsing, NUL bytes and oversized inputs are
 * refused, the first libxml2 error (not the last) is reported with its line,
 * and the element depth is bounded.
 *
 * Encodings: UTF-8, and where the caller allows it UTF-16, are decoded and
 * checked here, and libxml2 is told to ignore the XML declaration's
 * encoding. Any other encoding libxml2 would hand to iconv (EBCDIC, UTF-7,
 * ISO-2022-JP, Latin-1...), and iconv's failures are what libxml2 2.9
 * reports on stderr, outside any parser context; no client or IIS writes
 * them, so they are refused with a message instead.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "internal.h"
#include "textcodec.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

/* libxml2 keeps only its last error; the first one is the one to report. */
typedef struct first_error {
  int set;
  int line;
  int column;
  char message[200];
} first_error;

static void keep_first_error(void *ctx, xmlErrorPtr e) {
  xmlParserCtxtPtr ctxt = ctx;
  first_error *fe = ctxt ? ctxt->_private : NULL;
  if (!fe || fe->set || !e || e->level < XML_ERR_ERROR)
    return;
  fe->set = 1;
  fe->line = e->line;
  fe->column = e->int2;
  snprintf(fe->message, sizeof fe->message, "%s", e->message ? e->message : "parse error");
  size_t n = strlen(fe->message);
  while (n && (fe->message[n - 1] == '\n' || fe->message[n - 1] == ' '))
    fe->message[--n] = '\0';
}

static int find_decl(const char *data, size_t len, const char *needle) {
  size_t nl = strlen(needle);
  for (const char *p = memchr(data, '<', len); p; p = memchr(p + 1, '<', len - (size_t)(p + 1 - data)))
    if ((size_t)(data + len - p) >= nl && sv_eq_ci(p, nl, needle, nl))
      return 1;
  return 0;
}

/* Deepest element nesting under n (n itself counts 1), stopping past max. */
static int depth_over(xmlNodePtr n, int depth, int max) {
  if (depth > max)
    return 1;
  for (xmlNodePtr k = n->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && depth_over(k, depth + 1, max))
      return 1;
  return 0;
}

/* libxml2 2.9 reports what happens outside a parser context (iconv's
 * errors, I/O) through the thread's generic and structured handlers, which
 * write to stderr by default: in HAProxy, its log. For the time of one
 * parse they go to the parse's first_error; the caller's handlers (an
 * application may have set its own) come back afterwards. libxml2's
 * handlers are per thread, so this is thread-safe. */
static void ignore_generic(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
}

typedef struct saved_handlers {
  xmlGenericErrorFunc generic;
  void *generic_ctx;
  xmlStructuredErrorFunc structured;
  void *structured_ctx;
} saved_handlers;

static void catch_errors(saved_handlers *s, xmlParserCtxtPtr ctxt) {
  s->generic = xmlGenericError;
  s->generic_ctx = xmlGenericErrorContext;
  s->structured = xmlStructuredError;
  s->structured_ctx = xmlStructuredErrorContext;
  xmlSetGenericErrorFunc(NULL, ignore_generic);
  xmlSetStructuredErrorFunc(ctxt, keep_first_error);
}

static void restore_errors(const saved_handlers *s) {
  xmlSetGenericErrorFunc(s->generic_ctx, s->generic);
  xmlSetStructuredErrorFunc(s->structured_ctx, s->structured);
}

static int is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The encoding named by the XML declaration at the very start of t, copied
 * to name; "" when there is no declaration or it names none. A declaration
 * this reading cannot follow is left to libxml2, which reports it (and
 * ignores its encoding either way, since XML_PARSE_IGNORE_ENC is set). */
static void declared_encoding(const char *t, size_t n, char *name, size_t size) {
  name[0] = '\0';
  if (n < 6 || memcmp(t, "<?xml", 5) || !is_xml_space(t[5]))
    return;
  for (size_t i = 5;;) {
    while (i < n && is_xml_space(t[i]))
      i++;
    size_t k = i;
    while (i < n && ((t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'z'))
      i++;
    size_t kl = i - k;
    while (i < n && is_xml_space(t[i]))
      i++;
    if (!kl || i >= n || t[i] != '=')
      return; /* "?>", or not a pseudo-attribute */
    for (i++; i < n && is_xml_space(t[i]); i++)
      ;
    if (i >= n || (t[i] != '"' && t[i] != '\''))
      return;
    const char *v = t + i + 1, *e = memchr(v, t[i], n - (size_t)(v - t));
    if (!e)
      return;
    if (kl == 8 && !memcmp(t + k, "encoding", 8)) {
      size_t vl = (size_t)(e - v) < size - 1 ? (size_t)(e - v) : size - 1;
      memcpy(name, v, vl);
      name[vl] = '\0';
      return;
    }
    i = (size_t)(e - t) + 1;
  }
}

/* An EncName of the XML grammar: [A-Za-z] ([A-Za-z0-9._] | '-')*. */
static int is_enc_name(const char *s) {
  if (!((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))
    return 0;
  for (; *s; s++)
    if (!SV_ALNUM(*s) && *s != '.' && *s != '_' && *s != '-')
      return 0;
  return 1;
}

/* The declaration must agree with the bytes: "UTF-8" (or none) for UTF-8;
 * "UTF-16" or the "UTF-16LE"/"UTF-16BE" that matches (or none) for UTF-16
 * (utf16: 0 UTF-8, 1 UTF-16LE, 2 UTF-16BE). Names compare as in XML 1.0
 * 4.3.3, case-insensitively. */
static int check_declaration(const char *t, size_t n, int utf16, int allow_utf16,
                             sslvdir_error *err) {
  static const char *const actual[] = {"UTF-8", "UTF-16LE", "UTF-16BE"};
  char name[48];
  declared_encoding(t, n, name, sizeof name);
  if (!name[0])
    return SSLVDIR_OK;
  int ok = utf16 ? sv_streq_ci(name, "UTF-16") || sv_streq_ci(name, actual[utf16])
                 : sv_streq_ci(name, "UTF-8");
  if (ok)
    return SSLVDIR_OK;
  if (sv_streq_ci(name, "UTF-8") || (allow_utf16 && (sv_streq_ci(name, "UTF-16") ||
                                                      sv_streq_ci(name, "UTF-16LE") ||
                                                      sv_streq_ci(name, "UTF-16BE"))))
    return sv_err_line(err, SSLVDIR_E_SYNTAX, 1, "the XML declaration says encoding "
                       "\"%s\" but the document is %s", name, actual[utf16]);
  if (!is_enc_name(name))
    return sv_err_line(err, SSLVDIR_E_SYNTAX, 1, "the XML declaration's encoding is not "
                       "an encoding name");
  return sv_err_line(err, SSLVDIR_E_REFUSED, 1, "encoding \"%s\" is refused: %s",
                     name, allow_utf16 ? "only UTF-8 and UTF-16 are read" : "only UTF-8 is read");
}

/* libxml2 on UTF-8 text we have checked: the declaration's encoding is
 * ignored, so libxml2 never converts anything. */
static int parse(const char *t, size_t n, const char *what, int max_depth, xmlDocPtr *out,
                 sslvdir_error *err) {
  pthread_once(&xml_once, xml_init);
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  first_error fe = {0};
  ctxt->_private = &fe;
  /* Errors go to our handler, never to stderr; the flags keep libxml2's
   * generic error and warning callbacks quiet. */
  ctxt->sax->serror = keep_first_error;
  int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC;
  saved_handlers saved;
  catch_errors(&saved, ctxt);
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, t, (int)n, what, "UTF-8", opts);
  restore_errors(&saved);
  if (!doc || !ctxt->wellFormed || fe.set) {
    if (!fe.set) {
      const xmlError *e = xmlCtxtGetLastError(ctxt);
      fe.line = e ? e->line : 0;
      fe.column = e ? e->int2 : 0;
      snprintf(fe.message, sizeof fe.message, "%s", e && e->message ? e->message : "parse error");
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return sv_err_at(err, SSLVDIR_E_SYNTAX, (unsigned)fe.line, (unsigned)fe.column, SIZE_MAX,
                     "line %d: not well-formed XML: %s", fe.line, fe.message);
  }
  xmlFreeParserCtxt(ctxt);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (doc->intSubset || doc->extSubset) {
    xmlFreeDoc(doc);
    return sv_err(err, SSLVDIR_E_REFUSED, "%s: a DOCTYPE is refused", what);
  }
  if (!root) {
    xmlFreeDoc(doc);
    return sv_err(err, SSLVDIR_E_SYNTAX, "%s: no root element", what);
  }
  if (depth_over(root, 1, max_depth)) {
    xmlFreeDoc(doc);
    return sv_err(err, SSLVDIR_E_RANGE, "%s: elements nested deeper than %d", what, max_depth);
  }
  *out = doc;
  return SSLVDIR_OK;
}

/* XML 1.0 appendix F's other first four bytes: a byte order mark or '<' in
 * an encoding we do not read, named in the refusal. */
static const struct {
  char bytes[4];
  const char *name;
} signatures[] = {
  {"\x00\x00\xfe\xff", "UCS-4 (UTF-32)"}, {"\xff\xfe\x00\x00", "UCS-4 (UTF-32)"},
  {"\x00\x00\x00\x3c", "UCS-4 (UTF-32)"}, {"\x3c\x00\x00\x00", "UCS-4 (UTF-32)"},
  {"\x00\x00\x3c\x00", "UCS-4"}, {"\x00\x3c\x00\x00", "UCS-4"},
  {"\x4c\x6f\xa7\x94", "EBCDIC"},
};

int sv_xml_read(const char *data, size_t len, const char *what, size_t max_len, int max_depth,
                sv_xml_text text, xmlDocPtr *out, sslvdir_error *err) {
  *out = NULL;
  if (len > max_len)
    return sv_err(err, SSLVDIR_E_RANGE, "%s: %zu bytes, more than the %zu allowed", what, len,
                  max_len);
  if (len == 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "%s: empty document", what);
  if (len > (size_t)INT32_MAX / 2) /* UTF-16 grows by half as UTF-8 */
    return sv_err(err, SSLVDIR_E_RANGE, "%s: %zu bytes, more than libxml2 reads", what, len);
  const unsigned char *d = (const unsigned char *)data;
  /* utf16: 0 UTF-8, 1 UTF-16LE, 2 UTF-16BE; from the caller, or from the
   * byte order mark, else from the first character '<' (XML 1.0 appendix F). */
  int utf16 = text == SV_XML_FROM_UTF16LE ? 1 : text == SV_XML_FROM_UTF16BE ? 2 : 0;
  int raw16 = 0; /* the bytes are UTF-16, to be decoded here */
  size_t skip = 0;
  if (text == SV_XML_UTF8 || text == SV_XML_UTF8_OR_UTF16) {
    for (size_t i = 0; i < sizeof signatures / sizeof signatures[0]; i++)
      if (len >= 4 && !memcmp(d, signatures[i].bytes, 4))
        return sv_err(err, SSLVDIR_E_REFUSED, "%s: %s is refused: only UTF-8 %s", what,
                      signatures[i].name, text == SV_XML_UTF8 ? "is read" : "and UTF-16 are read");
    if (len >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff))) {
      utf16 = d[0] == 0xff ? 1 : 2;
      skip = 2;
    } else if (len >= 2 && ((d[0] == '<' && d[1] == 0) || (d[0] == 0 && d[1] == '<'))) {
      utf16 = d[0] ? 1 : 2;
    } else if (len >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf) {
      skip = 3;
    }
    if (utf16 && text == SV_XML_UTF8)
      return sv_err(err, SSLVDIR_E_SYNTAX, "%s: UTF-16 (expected UTF-8 XML)", what);
    raw16 = utf16 != 0;
  }
  char *conv = NULL;
  const char *t = data + skip;
  size_t n = len - skip, bad;
  if (raw16) {
    int rc = sv_utf16_decode(d + skip, n, skip, utf16 == 2, what, &conv, &n, err);
    if (rc)
      return rc;
    t = conv;
  } else if (memchr(t, '\0', n)) {
    return sv_err(err, SSLVDIR_E_SYNTAX, "%s: NUL byte (expected %s XML)", what,
                  text == SV_XML_UTF8_OR_UTF16 ? "UTF-8 or UTF-16" : "UTF-8");
  }
  /* The declaration first: "encoding ISO-8859-1 is refused" says more than
   * "byte 300 is not UTF-8". */
  int rc = check_declaration(t, n, utf16, text != SV_XML_UTF8, err);
  if (!rc && !raw16 && !sv_utf8_valid((const unsigned char *)t, n, &bad)) {
    unsigned line = 1, column = 1;
    for (size_t i = 0; i < bad; i++, column++)
      if (t[i] == '\n')
        line++, column = 0;
    rc = sv_err_at(err, SSLVDIR_E_SYNTAX, line, column, skip + bad, "line %u, column %u: byte "
                   "0x%02x is not UTF-8", line, column, (unsigned char)t[bad]);
  }
  if (!rc && (find_decl(t, n, "<!DOCTYPE") || find_decl(t, n, "<!ENTITY")))
    rc = sv_err(err, SSLVDIR_E_REFUSED, "%s: a DOCTYPE or entity declaration is refused", what);
  if (!rc)
    rc = parse(t, n, what, max_depth, out, err);
  sv_free(conv);
  return rc;
}
