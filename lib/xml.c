/*
 * The one hardened way libsslvdir reads XML with libxml2: no network, no DTD
 * loading, no entity substitution, no XInclude; a DOCTYPE or an entity
 * declaration is refused before parsing, NUL bytes and oversized inputs are
 * refused, the first libxml2 error (not the last) is reported with its line,
 * and the element depth is bounded.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "internal.h"

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

int sv_xml_read(const char *data, size_t len, const char *what, size_t max_len, int max_depth,
                const char *encoding, xmlDocPtr *out, sslvdir_error *err) {
  *out = NULL;
  if (len > max_len)
    return sv_err(err, SSLVDIR_E_RANGE, "%s: %zu bytes, more than the %zu allowed", what, len,
                  max_len);
  if (len == 0)
    return sv_err(err, SSLVDIR_E_SYNTAX, "%s: empty document", what);
  if (len > (size_t)INT32_MAX || memchr(data, '\0', len))
    return sv_err(err, SSLVDIR_E_SYNTAX, "%s: NUL byte (expected UTF-8 XML)", what);
  if (find_decl(data, len, "<!DOCTYPE") || find_decl(data, len, "<!ENTITY"))
    return sv_err(err, SSLVDIR_E_REFUSED, "%s: a DOCTYPE or entity declaration is refused", what);
  pthread_once(&xml_once, xml_init);
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt)
    return sv_err(err, SSLVDIR_E_NOMEM, "out of memory");
  first_error fe = {0};
  ctxt->_private = &fe;
  /* Errors go to our handler, never to stderr; the flags keep libxml2's
   * generic error and warning callbacks quiet. */
  ctxt->sax->serror = keep_first_error;
  int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
#ifdef XML_PARSE_IGNORE_ENC
  if (encoding) /* the text was converted: its declaration no longer applies */
    opts |= XML_PARSE_IGNORE_ENC;
#endif
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, what, encoding, opts);
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
