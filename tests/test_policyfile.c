/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The policy file reader: good files, bad files with their exact errors, the
 * schema, and all-or-nothing loading. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "unit.h"

static const struct { const char *name; int code; } codes[] = {
  {"syntax", SSLVDIR_E_SYNTAX}, {"refused", SSLVDIR_E_REFUSED},
  {"unknown-name", SSLVDIR_E_UNKNOWN_NAME}, {"duplicate", SSLVDIR_E_DUPLICATE},
  {"range", SSLVDIR_E_RANGE}, {"inconsistent", SSLVDIR_E_INCONSISTENT},
  {"type", SSLVDIR_E_TYPE}, {"not-found", SSLVDIR_E_NOT_FOUND},
};

static int list_dir(const char *rel, char names[][256], int max) {
  DIR *d = opendir(srcpath(rel));
  int n = 0;
  struct dirent *de;
  if (!d)
    return -1;
  while ((de = readdir(d)) && n < max) {
    size_t l = strlen(de->d_name);
    if (l > 4 && !strcmp(de->d_name + l - 4, ".xml"))
      snprintf(names[n++], 256, "%.60s/%.190s", rel, de->d_name);
  }
  closedir(d);
  return n;
}

static int build_count_sites(sslvdir_builder *b) {
  sslvdir_policy *p;
  if (sslvdir_builder_build(b, &p, NULL))
    return -1;
  int n = (int)sslvdir_policy_site_count(p);
  sslvdir_policy_unref(p);
  return n;
}

static void test_bad_files(void) {
  char names[64][256];
  int n = list_dir("tests/data/policy/bad", names, 64);
  CU_ASSERT_FATAL(n >= 20);
  for (int i = 0; i < n; i++) {
    size_t len;
    char *data = read_file(srcpath(names[i]), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    char want[32] = "";
    unsigned line = 0;
    CU_ASSERT_FATAL(sscanf(data, "<!-- expect %31s %u", want, &line) == 2);
    int code = 0;
    for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++)
      if (!strcmp(codes[k].name, want))
        code = codes[k].code;
    CU_ASSERT_FATAL(code != 0);
    /* Load over a preset: a failure leaves the builder as it was. */
    sslvdir_builder *b;
    sslvdir_error e;
    memset(&e, 0, sizeof e);
    CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_preset_apply(b, "exchange2016", "Default Web Site", NULL), SSLVDIR_OK);
    int rc = sslvdir_policyfile_parse(b, data, len, &e);
    int ok = rc == code && e.code == code && (line == 0 || e.line == line) && e.message[0];
    if (!ok)
      fprintf(stderr, "\n%s: want %s line %u, got %d line %u: %s\n", names[i], want, line, rc,
              e.line, e.message);
    CU_ASSERT(ok);
    CU_ASSERT_EQUAL(build_count_sites(b), 1);
    sslvdir_policy *p;
    CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, NULL), SSLVDIR_OK);
    CU_ASSERT_EQUAL(sslvdir_policy_offloader_count(p), 0);
    CU_ASSERT_EQUAL(sslvdir_settings_count(sslvdir_policy_settings(p)), 0);
    sslvdir_policy_unref(p);
    sslvdir_builder_free(b);
    free(data);
  }
}

static xmlSchemaPtr load_schema(void) {
  xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(srcpath("doc/policy.xsd"));
  xmlSchemaPtr s = pc ? xmlSchemaParse(pc) : NULL;
  xmlSchemaFreeParserCtxt(pc);
  return s;
}

static void test_good_files(void) {
  char names[64][256];
  int n = 0, k;
  const char *dirs[] = {"tests/data/policy/good", "doc/examples", "tests/data/decide"};
  for (int d = 0; d < 3; d++) {
    k = list_dir(dirs[d], names + n, 64 - n);
    CU_ASSERT_FATAL(k > 0);
    n += k;
  }
  xmlSchemaPtr schema = load_schema();
  CU_ASSERT_PTR_NOT_NULL_FATAL(schema);
  for (int i = 0; i < n; i++) {
    sslvdir_builder *b;
    sslvdir_error e;
    CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
    int rc = sslvdir_policyfile_load(b, srcpath(names[i]), &e);
    if (rc)
      fprintf(stderr, "\n%s: %s\n", names[i], e.message);
    CU_ASSERT_EQUAL(rc, SSLVDIR_OK);
    CU_ASSERT(build_count_sites(b) >= 1);
    sslvdir_builder_free(b);
    /* Every example the library accepts is valid against doc/policy.xsd. */
    xmlDocPtr doc = xmlReadFile(srcpath(names[i]), NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int valid = xmlSchemaValidateDoc(vc, doc);
    if (valid)
      fprintf(stderr, "\n%s: not valid against doc/policy.xsd\n", names[i]);
    CU_ASSERT_EQUAL(valid, 0);
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(doc);
  }
  xmlSchemaFree(schema);
}

/* exchange="SE" is Exchange SE, numbered 2025 as the table numbers it,
 * whose Setup leaves /Rpc requiring SSL. */
static void test_exchange_se(void) {
  sslvdir_builder *b;
  sslvdir_policy *p;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_policyfile_load(b, srcpath("tests/data/policy/good/exchange-se.xml"), NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_exchange_version(p), 2025);
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(sslvdir_policy_find_vdir(p, "Default Web Site/Rpc")),
                  SSLVDIR_SSL | SSLVDIR_SSL_128);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
}

static void test_content(void) {
  sslvdir_builder *b;
  sslvdir_policy *p;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_policyfile_load(b, srcpath("tests/data/policy/good/bom-crlf.xml"), NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policy_exchange_version(p), 2019);
  const sslvdir_vdir *owa = sslvdir_policy_find_vdir(p, "Default Web Site/owa");
  CU_ASSERT_EQUAL(sslvdir_vdir_edge_flags(owa), SSLVDIR_SSL);
  CU_ASSERT_EQUAL(sslvdir_vdir_backend_flags(owa), 0);
  CU_ASSERT_EQUAL(sslvdir_vdir_upstream(owa), SSLVDIR_UPSTREAM_OFFLOAD);
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_vdir_upstream_reason(owa), "asked for"));
  const char *s;
  uint32_t v;
  CU_ASSERT_EQUAL(sslvdir_settings_get_string(sslvdir_policy_settings(p), "HKLM\\Software\\Contoso\\Note", &s), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(s, "kept & reported");
  CU_ASSERT_EQUAL(sslvdir_policy_get_dword(p, "HKLM\\Software\\Contoso\\Count", &v), SSLVDIR_OK);
  CU_ASSERT_EQUAL(v, 16);
  sslvdir_policy_unref(p);
  /* A vdir forced to offload that cannot be: the file loads, the build says why. */
  static const char forced[] =
      "<policy xmlns='urn:libsslvdir:policy:1' version='1'>"
      "<site name='Default Web Site'><vdir path='/EWS/mrsproxy.svc' upstream='offload'/></site></policy>";
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, forced, sizeof forced - 1, NULL), SSLVDIR_OK);
  sslvdir_error e;
  CU_ASSERT_EQUAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "mrsproxy"));
  sslvdir_builder_free(b);
}

static int app_generic_calls, app_structured_calls;
static void app_generic(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
  app_generic_calls++;
}
static void app_structured(void *ctx, xmlErrorPtr e) {
  (void)ctx;
  (void)e;
  app_structured_calls++;
}

/* An application's own libxml2 error handlers (lxml in the Python binding's
 * process, say) neither hear of our parses nor are lost to them. */
static void test_app_handlers(void) {
  static int gctx, sctx;
  xmlSetGenericErrorFunc(&gctx, app_generic);
  xmlSetStructuredErrorFunc(&sctx, app_structured);
  sslvdir_builder *b;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  static const char bad[] = "<policy xmlns='urn:libsslvdir:policy:1' version='1'><site></policy>";
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, bad, sizeof bad - 1, NULL), SSLVDIR_E_SYNTAX);
  sslvdir_builder_free(b);
  CU_ASSERT_EQUAL(app_generic_calls, 0);
  CU_ASSERT_EQUAL(app_structured_calls, 0);
  CU_ASSERT(xmlGenericError == app_generic && xmlGenericErrorContext == &gctx);
  CU_ASSERT(xmlStructuredError == app_structured && xmlStructuredErrorContext == &sctx);
  xmlSetGenericErrorFunc(NULL, NULL);
  xmlSetStructuredErrorFunc(NULL, NULL);
}

/* What a proxy's log shows: the file and line to fix, and a fix written
 * the way the file writes it (not the C flag the preset itself names). */
static void test_errors_say_where(void) {
  sslvdir_builder *b;
  sslvdir_error e = {0};
  const char *path = srcpath("tests/data/policy/bad/ad-auth.xml");
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policyfile_load(b, path, &e), SSLVDIR_E_UNKNOWN_NAME);
  CU_ASSERT_EQUAL(e.line, 4);
  CU_ASSERT_EQUAL(strncmp(e.message, path, strlen(path)), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, ": line 4: <autodiscover>: "));
  static const char offload[] =
    "<policy xmlns=\"" SSLVDIR_POLICYFILE_NS "\" version=\"1\">\n"
    "  <site name=\"S\" preset=\"exchangese-offload\"><host name=\"mail.example.net\"/></site>\n"
    "</policy>\n";
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, offload, sizeof offload - 1, &e),
                  SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(e.line, 2);
  if (!strstr(e.message, "set extended-protection=\"false\", or bridge") ||
      strstr(e.message, "SSLVDIR_PRESET_EP_OFF")) {
    fprintf(stderr, "\n  got '%s'\n", e.message);
    CU_FAIL("the advice is the file's attribute");
  }
  sslvdir_builder_free(b);
}

static void test_hostile(void) {
  sslvdir_builder *b;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_new(&b, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_policyfile_load(b, "/nonexistent/policy.xml", &e), SSLVDIR_E_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "/nonexistent/policy.xml"));
  CU_ASSERT_EQUAL(sslvdir_policyfile_load(b, srcpath("tests/data"), &e), SSLVDIR_E_IO);
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, "", 0, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, NULL, 0, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, NULL, 5, &e), SSLVDIR_E_INVALID_ARGUMENT);
  static const char nul[] = "<policy xmlns='urn:libsslvdir:policy:1' version='1'>\0</policy>";
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, nul, sizeof nul - 1, &e), SSLVDIR_E_SYNTAX);
  /* UTF-16 (NUL bytes) is refused with a clear message. */
  static const char u16[] = "\xff\xfe<\0p\0/\0>\0";
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, u16, sizeof u16 - 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "UTF-8"));
  /* The format is UTF-8: another declared encoding is refused, and nothing
   * reaches stderr (libxml2 wrote iconv's failures there). */
#define P_OPEN "<policy xmlns='urn:libsslvdir:policy:1' version='1'>"
  static const struct {
    const char *doc;
    int rc;
    const char *msg;
  } encs[] = {
    {"<?xml version='1.0' encoding='utf-8'?>" P_OPEN "<!-- caf\xc3\xa9 --></policy>", SSLVDIR_OK, ""},
    {"<?xml version='1.0' encoding='ISO-8859-1'?>" P_OPEN "</policy>", SSLVDIR_E_REFUSED,
     "encoding \"ISO-8859-1\" is refused: only UTF-8 is read"},
    {"<?xml version='1.0' encoding='UTF-7'?>" P_OPEN "<!-- caf\xe9 --></policy>", SSLVDIR_E_REFUSED,
     "\"UTF-7\" is refused"},
    {"<?xml version='1.0' encoding='ISO-2022-JP'?>" P_OPEN "<!-- caf\xc3\xa9 --></policy>",
     SSLVDIR_E_REFUSED, "\"ISO-2022-JP\" is refused"},
    {"<?xml version='1.0' encoding='UTF-16'?>" P_OPEN "</policy>", SSLVDIR_E_REFUSED,
     "\"UTF-16\" is refused"},
    {"<?xml version='1.0' encoding='x-garbage'?>" P_OPEN "</policy>", SSLVDIR_E_REFUSED,
     "\"x-garbage\" is refused"},
    {"\x4c\x6f\xa7\x94\x93\x40\xa5\x85\x99\xa2\x89\x96\x95", SSLVDIR_E_REFUSED,
     "EBCDIC is refused"},
    {P_OPEN "\n<!-- caf\xe9 --></policy>", SSLVDIR_E_SYNTAX,
     "line 2, column 9: byte 0xe9 is not UTF-8"},
  };
  for (size_t i = 0; i < sizeof encs / sizeof encs[0]; i++) {
    char spill[256];
    CU_ASSERT_EQUAL_FATAL(stderr_begin(), 0);
    int rc = sslvdir_policyfile_parse(b, encs[i].doc, strlen(encs[i].doc), &e);
    long spilled = stderr_end(spill, sizeof spill);
    int ok = spilled == 0 && rc == encs[i].rc && (!rc || strstr(e.message, encs[i].msg));
    if (!ok)
      fprintf(stderr, "policy encoding %zu: %d %s, stderr %ld bytes: %s\n", i, rc,
              rc ? e.message : "", spilled, spill);
    CU_ASSERT(ok);
  }
  /* Over the size limit. */
  size_t big = SSLVDIR_POLICYFILE_MAX + 1;
  char *buf = malloc(big);
  CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
  memset(buf, ' ', big);
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, buf, big, &e), SSLVDIR_E_RANGE);
  free(buf);
  /* Deep nesting is refused without recursion trouble. */
  size_t depth = 5000, k = 0;
  buf = malloc(depth * 8 + 200);
  CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
  k += (size_t)sprintf(buf, "<policy xmlns='urn:libsslvdir:policy:1' version='1'>");
  for (size_t i = 0; i < depth; i++)
    k += (size_t)sprintf(buf + k, "<site>");
  CU_ASSERT_NOT_EQUAL(sslvdir_policyfile_parse(b, buf, k, &e), SSLVDIR_OK);
  free(buf);
  /* Lower-case doctype, or one hidden after a comment, is refused too. */
  static const char dt[] = "<!-- x --><!doctype policy [<!entity a 'b'>]><policy/>";
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, dt, sizeof dt - 1, &e), SSLVDIR_E_REFUSED);
  /* XInclude is not processed: the element is simply unknown. */
  static const char xi[] =
      "<policy xmlns='urn:libsslvdir:policy:1' xmlns:xi='http://www.w3.org/2001/XInclude' version='1'>"
      "<xi:include href='/etc/passwd'/></policy>";
  CU_ASSERT_EQUAL(sslvdir_policyfile_parse(b, xi, sizeof xi - 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(e.line, 1);
  sslvdir_builder_free(b);
}

void suite_policyfile(void) {
  CU_pSuite s = CU_add_suite("policyfile", NULL, NULL);
  CU_add_test(s, "bad files: exact error, builder untouched", test_bad_files);
  CU_add_test(s, "good files and examples, valid against the schema", test_good_files);
  CU_add_test(s, "what a file says", test_content);
  CU_add_test(s, "exchange=\"SE\" is Exchange SE", test_exchange_se);
  CU_add_test(s, "hostile input", test_hostile);
  CU_add_test(s, "errors name the file and the file's fix", test_errors_say_where);
  CU_add_test(s, "the application's libxml2 error handlers", test_app_handlers);
}
