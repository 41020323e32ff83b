/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * applicationHost.config: the Exchange 2016 fixture of tests/data/config in
 * UTF-8 and UTF-16LE (same model), byte-exact edits checked by diffing the
 * files before and after, the atomic save, hostile documents with their
 * exact errors, and the backend state put into a builder.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char *fixture8, *fixture16;
static size_t len8, len16;

static int setup(void) {
  fixture8 = read_file(srcpath("tests/data/config/exchange2016.config"), &len8);
  fixture16 = read_file(srcpath("tests/data/config/exchange2016-utf16.config"), &len16);
  return fixture8 && fixture16 ? 0 : 1;
}

static int cleanup(void) {
  free(fixture8);
  free(fixture16);
  return 0;
}

static sslvdir_iisconfig *parse(const char *d, size_t n) {
  sslvdir_iisconfig *c = NULL;
  sslvdir_error e;
  if (sslvdir_iisconfig_parse(&c, d, n, &e)) {
    fprintf(stderr, "parse: %s\n", e.message);
    return NULL;
  }
  return c;
}

static unsigned flags_at(const sslvdir_iisconfig *c, const char *path) {
  unsigned f = 99;
  if (sslvdir_iisconfig_ssl_flags(c, path, &f, NULL))
    return 98;
  return f;
}

#define SSL_128 (SSLVDIR_SSL | SSLVDIR_SSL_128)

static void check_model(sslvdir_iisconfig *c) {
  CU_ASSERT_EQUAL(sslvdir_iisconfig_site_count(c), 2);
  /* Exchange 2016: 14 applications on the front end, 15 on the back end. */
  CU_ASSERT_EQUAL(sslvdir_iisconfig_app_count(c), 29);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_warning_count(c), 0);
  const char *name, *hosts;
  unsigned port;
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_site(c, 0, &name, &hosts, &port), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(name, "Default Web Site");
  CU_ASSERT_STRING_EQUAL(hosts, "mail.contoso.com,autodiscover.contoso.com");
  CU_ASSERT_EQUAL(port, 443);
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_site(c, 1, &name, &hosts, &port), SSLVDIR_OK);
  CU_ASSERT(!strcmp(name, "Exchange Back End") && !strcmp(hosts, "") && port == 444);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_site(c, 2, &name, NULL, NULL), SSLVDIR_E_NOT_FOUND);
  const char *from;
  unsigned f;
  /* Set at the site root and inherited by owa (no access section of its
   * own, as Exchange ships it) and a folder below; None set at /Rpc; the
   * server's None where no location says anything. */
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site/owa"), SSL_128);
  CU_ASSERT_EQUAL(flags_at(c, "default web site/OWA/"), SSL_128);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "Default Web Site/owa/auth/logon.aspx", &f, &from), 0);
  CU_ASSERT(f == SSL_128 && !strcmp(from, "Default Web Site"));
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "Default Web Site/owa/Calendar", &f, &from), 0);
  CU_ASSERT(f == SSLVDIR_SSL_NONE && !strcmp(from, "Default Web Site/owa/Calendar"));
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "Default Web Site/Rpc", &f, &from), 0);
  CU_ASSERT(f == SSLVDIR_SSL_NONE && !strcmp(from, "Default Web Site/Rpc"));
  /* The server level answers for "" (and "/", "."), never for a site the
   * configuration does not have: a misspelled site is an error, not the
   * server level's None. */
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "", &f, &from), 0);
  CU_ASSERT(f == SSLVDIR_SSL_NONE && !strcmp(from, ""));
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "/", &f, &from), 0);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "Nowhere/at/all", &f, &from), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "Default Website/owa", &f, &from), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "Default Web Sitex", &f, &from), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_redirect(c, "Default Website/owa", NULL, NULL, NULL),
                  SSLVDIR_E_NOT_FOUND);
  int tcheck;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_extended_protection(c, "Default Website/owa", &tcheck, NULL),
                  SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_extended_protection(c, "default web site/owa", &tcheck, NULL),
                  SSLVDIR_OK);
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site/PowerShell"), SSLVDIR_SSL_NEGOTIATE_CERT);
  CU_ASSERT_EQUAL(flags_at(c, "Exchange Back End/mapi/emsmdb"), SSLVDIR_SSL);
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site/owa/oma"), SSL_128); /* single quotes */
  CU_ASSERT_EQUAL(flags_at(c, "Exchange Back End/PowerShell"),
                  SSL_128 | SSLVDIR_SSL_NEGOTIATE_CERT);
  int en, st;
  const char *dest;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_redirect(c, "Default Web Site/owa", &en, &dest, &st), 0);
  CU_ASSERT(en == 0 && !strcmp(dest, "") && st == 302);
  /* Applications and their pools. */
  int seen = 0;
  for (size_t i = 0; i < sslvdir_iisconfig_app_count(c); i++) {
    const char *path, *pool;
    CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_app(c, i, &path, &pool), SSLVDIR_OK);
    if (!strcmp(path, "Default Web Site/Microsoft-Server-ActiveSync"))
      seen += !strcmp(pool, "MSExchangeSyncAppPool");
    if (!strcmp(path, "Default Web Site"))
      seen += !strcmp(pool, "DefaultAppPool");
  }
  CU_ASSERT_EQUAL(seen, 2);
}

static void test_fixture(void) {
  sslvdir_iisconfig *c8 = parse(fixture8, len8), *c16 = parse(fixture16, len16);
  CU_ASSERT_FATAL(c8 && c16);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_encoding(c8), SSLVDIR_ENCODING_UTF8);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_encoding(c16), SSLVDIR_ENCODING_UTF16LE);
  check_model(c8);
  check_model(c16);
  /* Unchanged, the bytes written are the bytes read. */
  const char *d;
  size_t n;
  CU_ASSERT(!sslvdir_iisconfig_bytes(c8, &d, &n) && n == len8 && !memcmp(d, fixture8, n));
  CU_ASSERT(!sslvdir_iisconfig_bytes(c16, &d, &n) && n == len16 && !memcmp(d, fixture16, n));
  sslvdir_iisconfig_free(c8);
  sslvdir_iisconfig_free(c16);
  /* A UTF-8 BOM is kept too. */
  char *bom = malloc(len8 + 3);
  memcpy(bom, "\xef\xbb\xbf", 3);
  memcpy(bom + 3, fixture8, len8);
  sslvdir_iisconfig *cb = parse(bom, len8 + 3);
  CU_ASSERT_FATAL(cb != NULL);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_encoding(cb), SSLVDIR_ENCODING_UTF8_BOM);
  CU_ASSERT(!sslvdir_iisconfig_bytes(cb, &d, &n) && n == len8 + 3 && !memcmp(d, bom, n));
  sslvdir_iisconfig_free(cb);
  free(bom);
}

/* The text of a file, as UTF-8 (the fixture is ASCII: UTF-16LE is every
 * other byte after the BOM). */
static char *as_text(const char *d, size_t n, int utf16, size_t *tl) {
  char *t = malloc(n + 1);
  size_t k = 0;
  if (utf16)
    for (size_t i = 2; i + 1 < n; i += 2)
      t[k++] = d[i];
  else
    memcpy(t, d, k = n);
  t[k] = '\0';
  *tl = k;
  return t;
}

/* Edits path to flags and checks that the only difference between the
 * files is old_part replaced by new_part, and that the model reads back. */
static int edit_case(const char *path, unsigned flags, const char *old_part, const char *new_part,
                     int utf16) {
  const char *orig = utf16 ? fixture16 : fixture8;
  size_t olen = utf16 ? len16 : len8;
  sslvdir_iisconfig *c = parse(orig, olen);
  if (!c)
    return 1;
  int bad = 0;
  sslvdir_error e;
  /* Everything else must keep its effective flags. */
  unsigned before[64];
  size_t napps = sslvdir_iisconfig_app_count(c);
  for (size_t i = 0; i < napps && i < 64; i++) {
    const char *p;
    bad |= sslvdir_iisconfig_app(c, i, &p, NULL) != 0;
    before[i] = flags_at(c, p);
  }
  if (sslvdir_iisconfig_set_ssl_flags(c, path, flags, &e)) {
    fprintf(stderr, "set %s: %s\n", path, e.message);
    sslvdir_iisconfig_free(c);
    return 1;
  }
  const char *d;
  size_t n;
  bad |= sslvdir_iisconfig_bytes(c, &d, &n) != 0;
  size_t al, bl;
  char *a = as_text(orig, olen, utf16, &al), *b = as_text(d, n, utf16, &bl);
  size_t ol = strlen(old_part), nl = strlen(new_part);
  if (ol) {
    /* A replacement: the original with old_part (first occurrence) replaced. */
    const char *at = strstr(a, old_part);
    if (!at || bl != al - ol + nl) {
      bad = 1;
    } else {
      size_t off = (size_t)(at - a);
      bad |= memcmp(b, a, off) || memcmp(b + off, new_part, nl) ||
             memcmp(b + off + nl, at + ol, al - off - ol);
    }
  } else {
    /* An insertion: removing new_part somewhere in b gives a back. */
    int found = 0;
    for (const char *k = strstr(b, new_part); k && !found; k = strstr(k + 1, new_part)) {
      size_t off = (size_t)(k - b);
      found = bl == al + nl && !memcmp(b, a, off) && !memcmp(b + off + nl, a + off, al - off);
    }
    bad |= !found;
  }
  /* Bytes outside the change are the original bytes (both encodings). */
  size_t bpre = 0, bsuf = 0;
  while (bpre < olen && bpre < n && orig[bpre] == d[bpre])
    bpre++;
  while (bsuf < olen - bpre && bsuf < n - bpre && orig[olen - 1 - bsuf] == d[n - 1 - bsuf])
    bsuf++;
  size_t unit = utf16 ? 2 : 1;
  bad |= (olen - bpre - bsuf) > ol * unit + unit || (n - bpre - bsuf) > nl * unit + unit;
  if (bad)
    fprintf(stderr, "edit %s (%s): not the expected change\n", path, utf16 ? "UTF-16" : "UTF-8");
  /* Reads back: the flags set, nothing else changed (outside the subtree). */
  sslvdir_iisconfig *c2 = parse(d, n);
  bad |= !c2 || flags_at(c2, path) != flags;
  for (size_t i = 0; c2 && i < napps && i < 64; i++) {
    const char *p;
    if (sslvdir_iisconfig_app(c2, i, &p, NULL))
      continue;
    size_t pl = strlen(path);
    int under = !pl || (!strncasecmp(p, path, pl) && (p[pl] == '\0' || p[pl] == '/'));
    if (!under && flags_at(c2, p) != before[i]) {
      fprintf(stderr, "edit %s changed %s\n", path, p);
      bad = 1;
    }
  }
  sslvdir_iisconfig_free(c2);
  free(a);
  free(b);
  sslvdir_iisconfig_free(c);
  return bad;
}

static void test_edits(void) {
  for (int utf16 = 0; utf16 <= 1; utf16++) {
    /* The attribute, in place, its quotes kept. */
    CU_ASSERT_EQUAL(edit_case("Default Web Site/OAB", SSLVDIR_SSL_NONE,
                              "<location path=\"Default Web Site/OAB\">\r\n        <system.webServer>\r\n            <security>\r\n                <access sslFlags=\"Ssl, Ssl128\" />",
                              "<location path=\"Default Web Site/OAB\">\r\n        <system.webServer>\r\n            <security>\r\n                <access sslFlags=\"None\" />",
                              utf16), 0);
    CU_ASSERT_EQUAL(edit_case("Default Web Site/owa/oma", SSLVDIR_SSL | SSLVDIR_SSL_NEGOTIATE_CERT,
                              "<access sslFlags='Ssl, Ssl128' />",
                              "<access sslFlags='Ssl, SslNegotiateCert' />", utf16), 0);
    /* The server level. */
    CU_ASSERT_EQUAL(edit_case("", SSLVDIR_SSL,
                              "<security>\r\n            <access sslFlags=\"None\" />",
                              "<security>\r\n            <access sslFlags=\"Ssl\" />", utf16), 0);
    /* <security> without <access> (owa inherits the site root's): the
     * element is added under it. */
    CU_ASSERT_EQUAL(edit_case("Default Web Site/owa", SSLVDIR_SSL,
                              "", "                <access sslFlags=\"Ssl\" />\r\n", utf16), 0);
    /* <system.webServer> without <security>: both are added. */
    CU_ASSERT_EQUAL(edit_case("Default Web Site/ecp/auth", SSLVDIR_SSL,
                              "", "            <security>\r\n                <access sslFlags=\"Ssl\" />\r\n            </security>\r\n",
                              utf16), 0);
    /* No location for the path: a whole block after the last location. */
    CU_ASSERT_EQUAL(edit_case("Default Web Site/owa/auth/Current", SSLVDIR_SSL_NONE,
                              "", "    <location path=\"Default Web Site/owa/auth/Current\">\r\n        <system.webServer>\r\n            <security>\r\n                <access sslFlags=\"None\" />\r\n            </security>\r\n        </system.webServer>\r\n    </location>\r\n",
                              utf16), 0);
  }
  /* Setting what is there changes no byte; bad input changes nothing. */
  sslvdir_iisconfig *c = parse(fixture8, len8);
  CU_ASSERT_FATAL(c != NULL);
  sslvdir_error e;
  const char *d;
  size_t n;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/OAB", SSL_128, &e), SSLVDIR_OK);
  CU_ASSERT(!sslvdir_iisconfig_bytes(c, &d, &n) && n == len8 && !memcmp(d, fixture8, n));
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Nope/owa", 0, &e), SSLVDIR_E_NOT_FOUND);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/o\"wa", 0, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/owa", SSLVDIR_SSL_REQUIRE_CERT, &e),
                  SSLVDIR_E_INCONSISTENT);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/owa", 0x10000, &e), SSLVDIR_E_RANGE);
  CU_ASSERT(!sslvdir_iisconfig_bytes(c, &d, &n) && n == len8 && !memcmp(d, fixture8, n));
  /* Two edits in a row: each sees the other's result. */
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/New", SSLVDIR_SSL, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/New", SSL_128, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site/New"), SSL_128);
  CU_ASSERT(!sslvdir_iisconfig_bytes(c, &d, &n) && n > len8);
  /* The bytes carry no NUL: search within their length. */
  const char *p = mem_find(d, n, "Default Web Site/New");
  CU_ASSERT(p && !mem_find(p + 1, n - (size_t)(p + 1 - d), "Default Web Site/New")); /* one location, not two */
  sslvdir_iisconfig_free(c);
  /* A self-closing location gets children. */
  static const char small[] = "<configuration>\n  <system.applicationHost><sites><site name=\"S\" id=\"1\"/></sites></system.applicationHost>\n  <location path=\"S/a\" />\n</configuration>\n";
  c = parse(small, sizeof small - 1);
  CU_ASSERT_FATAL(c != NULL);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "S/a", SSLVDIR_SSL, &e), SSLVDIR_OK);
  static const char grown[] = "<configuration>\n  <system.applicationHost><sites><site name=\"S\" id=\"1\"/></sites></system.applicationHost>\n  <location path=\"S/a\">\n    <system.webServer>\n      <security>\n        <access sslFlags=\"Ssl\" />\n      </security>\n    </system.webServer>\n  </location>\n</configuration>\n";
  /* The whole file, not a prefix of it (a strncmp within n would accept a
   * truncated one). */
  CU_ASSERT(!sslvdir_iisconfig_bytes(c, &d, &n) && n == sizeof grown - 1 && !memcmp(d, grown, n));
  sslvdir_iisconfig_free(c);
}

static void test_save(void) {
  char dir[] = "/tmp/sslvdir-test-XXXXXX", path[256], bak[300];
  CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/applicationHost.config", dir);
  snprintf(bak, sizeof bak, "%s.bak", path);
  FILE *f = fopen(path, "wb");
  CU_ASSERT_FATAL(f != NULL);
  fwrite(fixture16, 1, len16, f);
  fclose(f);
  chmod(path, 0640);
  sslvdir_iisconfig *c;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_iisconfig_load(&c, path, &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/EWS", 0, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_save(c, path, &e), SSLVDIR_OK);
  size_t n, bn;
  char *now = read_file(path, &n), *old = read_file(bak, &bn);
  const char *d;
  size_t dn;
  CU_ASSERT(!sslvdir_iisconfig_bytes(c, &d, &dn) && now && dn == n && !memcmp(now, d, n));
  CU_ASSERT(old && bn == len16 && !memcmp(old, fixture16, bn));
  struct stat st;
  CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
  free(now);
  free(old);
  /* No temporary file is left behind. */
  DIR *dd = opendir(dir);
  int files = 0;
  for (struct dirent *de; dd && (de = readdir(dd));)
    files += de->d_name[0] != '.';
  if (dd)
    closedir(dd);
  CU_ASSERT_EQUAL(files, 2);
  /* A failed save (the target is a directory) changes nothing and leaves nothing. */
  char sub[256];
  snprintf(sub, sizeof sub, "%s/adir", dir);
  CU_ASSERT_FATAL(mkdir(sub, 0755) == 0);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_save(c, sub, &e), SSLVDIR_E_IO);
  CU_ASSERT(strstr(e.message, "adir") != NULL);
  CU_ASSERT(stat(sub, &st) == 0 && S_ISDIR(st.st_mode));
  char nodir[256];
  snprintf(nodir, sizeof nodir, "%s/missing/applicationHost.config", dir);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_save(c, nodir, &e), SSLVDIR_E_IO);
  dd = opendir(dir);
  files = 0;
  for (struct dirent *de; dd && (de = readdir(dd));)
    files += de->d_name[0] != '.';
  if (dd)
    closedir(dd);
  CU_ASSERT_EQUAL(files, 3); /* the file, its .bak and adir: no temporary file */
  sslvdir_iisconfig_free(c);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_load(&c, nodir, &e), SSLVDIR_E_IO);
  unlink(path);
  unlink(bak);
  rmdir(sub);
  rmdir(dir);
}

static const char site_s[] =
    "<system.applicationHost><sites><site name=\"S\" id=\"1\"><bindings>"
    "<binding protocol=\"https\" bindingInformation=\"*:443:s.example\"/></bindings>"
    "</site></sites></system.applicationHost>";

static void test_hostile(void) {
  static const struct {
    const char *doc;
    int code;
    unsigned line;
    const char *msg;
  } cases[] = {
    {"<!DOCTYPE configuration [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><configuration>&x;</configuration>",
     SSLVDIR_E_REFUSED, 0, "DOCTYPE"},
    {"<!DOCTYPE c [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><configuration>&b;</configuration>",
     SSLVDIR_E_REFUSED, 0, "DOCTYPE"},
    {"<configuration>\n<location path=\"S\">\n", SSLVDIR_E_SYNTAX, 0, "not well-formed"},
    {"<policy/>", SSLVDIR_E_SYNTAX, 0, "<configuration>"},
    {"<configuration>\n<location path=\"T/x\"><system.webServer><security><access sslFlags=\"Ssl\"/></security></system.webServer></location>\n</configuration>",
     SSLVDIR_E_NOT_FOUND, 2, "site 'T'"},
    {"<configuration>\n<system.webServer>\n<security><access sslFlags=\"Ssl, Sl128\"/></security></system.webServer>\n</configuration>",
     SSLVDIR_E_UNKNOWN_NAME, 3, "Sl128"},
    {"<configuration>\n<location path=\"\"><system.webServer><security><access sslFlags=\"Ssl\"/></security></system.webServer></location>\n"
     "<location path=\".\"><system.webServer><security>\n<access sslFlags=\"None\"/></security></system.webServer></location>\n</configuration>",
     SSLVDIR_E_DUPLICATE, 4, "set twice"},
    {"<configuration>\n<system.webServer><httpRedirect enabled=\"true\" httpResponseStatus=\"Moved\"/></system.webServer>\n</configuration>",
     SSLVDIR_E_UNKNOWN_NAME, 2, "Moved"},
    {"<configuration>\n<system.applicationHost><sites><site name=\"A\" id=\"1\"/>\n<site name=\"a\" id=\"2\"/></sites></system.applicationHost>\n</configuration>",
     SSLVDIR_E_DUPLICATE, 3, "twice"},
    {"<configuration>\n<system.webServer><security><authentication><windowsAuthentication>\n"
     "<extendedProtection tokenChecking=\"Always\"/></windowsAuthentication></authentication></security>"
     "</system.webServer>\n</configuration>",
     SSLVDIR_E_UNKNOWN_NAME, 3, "tokenChecking=\"Always\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sslvdir_iisconfig *c = NULL;
    sslvdir_error e = {0};
    int rc = sslvdir_iisconfig_parse(&c, cases[i].doc, strlen(cases[i].doc), &e);
    int ok = rc == cases[i].code && !c && e.code == rc && strstr(e.message, cases[i].msg) &&
             (!cases[i].line || e.line == cases[i].line);
    if (!ok)
      fprintf(stderr, "hostile %zu: %d line %u: %s\n", i, rc, e.line, e.message);
    CU_ASSERT(ok);
  }
  /* Encodings gone wrong. */
  sslvdir_iisconfig *c;
  sslvdir_error e;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, fixture16, len16 - 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT(strstr(e.message, "odd number") != NULL);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, fixture16 + 2, len16 - 2, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT(strstr(e.message, "byte order mark") != NULL);
  static const char lone[] = "\xff\xfe<\0c\0\x00\xd8/\0>\0";
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, lone, sizeof lone - 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT(strstr(e.message, "surrogate") != NULL);
  static const char nul[] = "<configuration>\0</configuration>";
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, nul, sizeof nul - 1, &e), SSLVDIR_E_SYNTAX);
  static const char latin1[] = "<configuration><!-- caf\xe9 --></configuration>";
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, latin1, sizeof latin1 - 1, &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, "", 0, &e), SSLVDIR_E_SYNTAX);
  /* IIS writes UTF-8 or UTF-16: a declaration naming another encoding, or
   * not the file's, is refused, and nothing reaches stderr (libxml2 wrote
   * iconv's failures there). utf16: the text as UTF-16LE with a BOM. */
  static const struct {
    int utf16;
    const char *decl;
    int rc;
    const char *msg;
  } encs[] = {
    {0, "utf-8", SSLVDIR_OK, ""},
    {1, "utf-16", SSLVDIR_OK, ""},
    {1, "UTF-16LE", SSLVDIR_OK, ""},
    {0, "ISO-8859-1", SSLVDIR_E_REFUSED, "encoding \"ISO-8859-1\" is refused: only UTF-8 and UTF-16"},
    {0, "UTF-7", SSLVDIR_E_REFUSED, "\"UTF-7\" is refused"},
    {0, "ISO-2022-JP", SSLVDIR_E_REFUSED, "\"ISO-2022-JP\" is refused"},
    {1, "windows-1252", SSLVDIR_E_REFUSED, "\"windows-1252\" is refused"},
    {1, "UTF-7", SSLVDIR_E_REFUSED, "\"UTF-7\" is refused"},
    {1, "UTF-8", SSLVDIR_E_SYNTAX, "says encoding \"UTF-8\" but the document is UTF-16LE"},
    {1, "UTF-16BE", SSLVDIR_E_SYNTAX, "the document is UTF-16LE"},
    {0, "UTF-16", SSLVDIR_E_SYNTAX, "says encoding \"UTF-16\" but the document is UTF-8"},
  };
  for (size_t i = 0; i < sizeof encs / sizeof encs[0]; i++) {
    char text[256], bytes[520], spill[256];
    int tl = snprintf(text, sizeof text, "<?xml version=\"1.0\" encoding=\"%s\"?>\r\n<configuration>"
                      "<!-- caf%s --></configuration>", encs[i].decl,
                      encs[i].utf16 ? "\xe9" : "\xc3\xa9");
    size_t bl = 0;
    if (encs[i].utf16) {
      bytes[bl++] = (char)0xff;
      bytes[bl++] = (char)0xfe;
      for (int k = 0; k < tl; k++) { /* the text is Latin-1: each byte is its code point */
        bytes[bl++] = text[k];
        bytes[bl++] = 0;
      }
    } else {
      memcpy(bytes, text, (size_t)tl);
      bl = (size_t)tl;
    }
    CU_ASSERT_EQUAL_FATAL(stderr_begin(), 0);
    int rc = sslvdir_iisconfig_parse(&c, bytes, bl, &e);
    long spilled = stderr_end(spill, sizeof spill);
    int ok = spilled == 0 && rc == encs[i].rc && (!rc || strstr(e.message, encs[i].msg));
    if (!ok)
      fprintf(stderr, "config encoding %zu: %d %s, stderr %ld bytes: %s\n", i, rc,
              rc ? e.message : "", spilled, spill);
    CU_ASSERT(ok);
    if (!rc)
      sslvdir_iisconfig_free(c);
  }
  /* Deep nesting, and a file over the limit. */
  size_t depth = 200, o = 0;
  char *deep = malloc(depth * 8 + 64);
  o += (size_t)sprintf(deep, "<configuration>");
  for (size_t i = 0; i < depth; i++)
    o += (size_t)sprintf(deep + o, "<a>");
  for (size_t i = 0; i < depth; i++)
    o += (size_t)sprintf(deep + o, "</a>");
  o += (size_t)sprintf(deep + o, "</configuration>");
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, deep, o, &e), SSLVDIR_E_RANGE);
  free(deep);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, fixture8, SSLVDIR_IISCONFIG_MAX + 1u, &e), SSLVDIR_E_RANGE);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(NULL, "x", 1, &e), SSLVDIR_E_INVALID_ARGUMENT);
  /* Legal but suspicious: warnings. */
  char doc[2048];
  snprintf(doc, sizeof doc, "<configuration>\n%s\n<location path=\"S/folder\"><system.webServer><security>"
           "<access sslFlags=\"Ssl128\"/></security></system.webServer></location>\n</configuration>", site_s);
  CU_ASSERT_FATAL(sslvdir_iisconfig_parse(&c, doc, strlen(doc), &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_warning_count(c), 2);
  CU_ASSERT(strstr(sslvdir_iisconfig_warning(c, 0), "Ssl128 without Ssl") != NULL);
  CU_ASSERT(strstr(sslvdir_iisconfig_warning(c, 1), "names no application") != NULL);
  CU_ASSERT_PTR_NULL(sslvdir_iisconfig_warning(c, 2));
  sslvdir_iisconfig_free(c);
}

static void test_apply(void) {
  sslvdir_iisconfig *c = parse(fixture8, len8);
  CU_ASSERT_FATAL(c != NULL);
  sslvdir_builder *b;
  sslvdir_error e;
  sslvdir_policy *p;
  CU_ASSERT_FATAL(sslvdir_builder_new(&b, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_apply(c, b, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_OK);
  const sslvdir_site *s = sslvdir_policy_find_site(p, "mail.contoso.com", 16);
  CU_ASSERT_FATAL(s != NULL);
  CU_ASSERT_STRING_EQUAL(sslvdir_site_canonical_host(s), "mail.contoso.com");
  const sslvdir_vdir *v = sslvdir_policy_find_vdir(p, "Default Web Site/owa");
  CU_ASSERT(v && sslvdir_vdir_kind(v) == SSLVDIR_KIND_OWA &&
            sslvdir_vdir_backend_flags(v) == SSL_128 && sslvdir_vdir_edge_flags(v) == SSL_128 &&
            sslvdir_vdir_upstream(v) == SSLVDIR_UPSTREAM_BRIDGE);
  v = sslvdir_policy_find_vdir(p, "Default Web Site/Rpc");
  CU_ASSERT(v && sslvdir_vdir_kind(v) == SSLVDIR_KIND_RPC && sslvdir_vdir_backend_flags(v) == 0);
  v = sslvdir_policy_find_vdir(p, "Exchange Back End/RpcWithCert");
  CU_ASSERT(v && sslvdir_vdir_backend_flags(v) == SSLVDIR_SSL_NONE);
  v = sslvdir_policy_find_vdir(p, "Exchange Back End/PowerShell");
  CU_ASSERT(v && sslvdir_vdir_backend_flags(v) == (SSL_128 | SSLVDIR_SSL_NEGOTIATE_CERT));
  CU_ASSERT_EQUAL(sslvdir_policy_site_count(p), 2);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  /* Over a preset: the vdirs it made keep their edge flags. */
  CU_ASSERT_FATAL(sslvdir_builder_new(&b, NULL) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_preset_apply(b, "exchange2016-offload", "Default Web Site", &e) == SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_apply(c, b, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_OK);
  v = sslvdir_policy_find_vdir(p, "Default Web Site/owa");
  CU_ASSERT(v && sslvdir_vdir_edge_flags(v) == SSL_128 && sslvdir_vdir_backend_flags(v) == SSL_128);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  sslvdir_iisconfig_free(c);
}

/* Extended Protection: read with inheritance, and a vdir that has it is
 * bridged whatever its sslFlags. */
/* Bindings as Exchange and IIS 10 write them: an address binding (the
 * 127.0.0.1 Exchange adds) is a host header but never the canonical name;
 * a wildcard binding is read and shown; a host name that merely contains
 * another is not a duplicate of it. */
static void test_bindings(void) {
  static const char doc[] =
      "<configuration><system.applicationHost><sites><site name=\"Default Web Site\" id=\"1\">"
      "<application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"c:\\x\" /></application>"
      "<bindings>"
      "<binding protocol=\"http\" bindingInformation=\"127.0.0.1:80:127.0.0.1\" />"
      "<binding protocol=\"https\" bindingInformation=\"127.0.0.1:443:127.0.0.1\" />"
      "<binding protocol=\"https\" bindingInformation=\"*:443:*.contoso.com\" />"
      "<binding protocol=\"https\" bindingInformation=\"*:443:webmail.contoso.com\" />"
      "<binding protocol=\"https\" bindingInformation=\"*:443:mail.contoso.com\" />"
      "<binding protocol=\"https\" bindingInformation=\"*:443:*.com\" />"
      "</bindings></site></sites></system.applicationHost></configuration>";
  sslvdir_iisconfig *c = parse(doc, sizeof doc - 1);
  CU_ASSERT_FATAL(c != NULL);
  const char *name, *hosts;
  unsigned port;
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_site(c, 0, &name, &hosts, &port), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(hosts, "127.0.0.1,*.contoso.com,webmail.contoso.com,mail.contoso.com");
  CU_ASSERT_EQUAL(sslvdir_iisconfig_warning_count(c), 1); /* "*.com" is no host name */
  CU_ASSERT_PTR_NOT_NULL(strstr(sslvdir_iisconfig_warning(c, 0), "'*.com'"));
  sslvdir_builder *b;
  sslvdir_policy *p;
  sslvdir_error e;
  CU_ASSERT_FATAL(sslvdir_builder_new(&b, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_apply(c, b, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_OK);
  const sslvdir_site *s = sslvdir_policy_site(p, 0);
  CU_ASSERT_EQUAL(sslvdir_site_host_count(s), 3);
  CU_ASSERT_STRING_EQUAL(sslvdir_site_canonical_host(s), "webmail.contoso.com");
  CU_ASSERT_PTR_EQUAL(sslvdir_policy_find_site(p, "mail.contoso.com", 16), s);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  sslvdir_iisconfig_free(c);
}

static void test_extended_protection(void) {
  char doc[4096];
  snprintf(doc, sizeof doc,
           "<configuration>\n%s\n"
           "<location path=\"S\"><system.webServer><security><authentication><windowsAuthentication>"
           "<extendedProtection tokenChecking=\"allow\"/></windowsAuthentication></authentication>"
           "</security></system.webServer></location>\n"
           "<location path=\"S/owa\"><system.webServer><security><access sslFlags=\"None\"/>"
           "<authentication><windowsAuthentication><extendedProtection tokenChecking=\"None\"/>"
           "</windowsAuthentication></authentication></security></system.webServer></location>\n"
           "<location path=\"S/ews\"><system.webServer><security><access sslFlags=\"None\"/>"
           "</security></system.webServer></location>\n</configuration>", site_s);
  sslvdir_iisconfig *c;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_parse(&c, doc, strlen(doc), &e), SSLVDIR_OK);
  int tc = -1;
  const char *from = "x";
  CU_ASSERT_EQUAL(sslvdir_iisconfig_extended_protection(c, "S/ews/sub", &tc, &from), SSLVDIR_OK);
  CU_ASSERT_EQUAL(tc, SSLVDIR_TOKEN_CHECKING_ALLOW);
  CU_ASSERT_STRING_EQUAL(from, "S");
  CU_ASSERT_EQUAL(sslvdir_iisconfig_extended_protection(c, "S/OWA", &tc, &from), SSLVDIR_OK);
  CU_ASSERT_EQUAL(tc, SSLVDIR_TOKEN_CHECKING_NONE);
  CU_ASSERT_STRING_EQUAL(from, "S/owa");
  CU_ASSERT_EQUAL(sslvdir_iisconfig_extended_protection(c, "", &tc, &from), SSLVDIR_OK);
  CU_ASSERT_EQUAL(tc, SSLVDIR_TOKEN_CHECKING_NONE);
  CU_ASSERT_PTR_NULL(from);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_extended_protection(c, "S", NULL, NULL),
                  SSLVDIR_E_INVALID_ARGUMENT);
  sslvdir_builder *b;
  sslvdir_policy *p;
  CU_ASSERT_FATAL(sslvdir_builder_new(&b, NULL) == SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_apply(c, b, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL_FATAL(sslvdir_builder_build(b, &p, &e), SSLVDIR_OK);
  const sslvdir_vdir *v = sslvdir_policy_find_vdir(p, "S/ews");
  CU_ASSERT(v && sslvdir_vdir_extended_protection(v) == 1 &&
            sslvdir_vdir_upstream(v) == SSLVDIR_UPSTREAM_BRIDGE);
  v = sslvdir_policy_find_vdir(p, "S/owa");
  CU_ASSERT(v && sslvdir_vdir_extended_protection(v) == 0 &&
            sslvdir_vdir_upstream(v) == SSLVDIR_UPSTREAM_OFFLOAD);
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
  sslvdir_iisconfig_free(c);
  /* The fixture's tokenChecking="None" everywhere changes nothing. */
  c = parse(fixture8, len8);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_extended_protection(c, "Default Web Site/ecp", &tc, &from),
                  SSLVDIR_OK);
  CU_ASSERT_EQUAL(tc, SSLVDIR_TOKEN_CHECKING_NONE);
  CU_ASSERT_STRING_EQUAL(from, "Default Web Site/ecp");
  sslvdir_iisconfig_free(c);
}

/* ---------------------------------------------------------------- read as IIS reads it */

/* A policy from a configuration alone, as `sslvdir eval --iisconfig` makes it. */
static sslvdir_policy *policy_of(const char *doc) {
  sslvdir_iisconfig *c;
  sslvdir_builder *b;
  sslvdir_policy *p = NULL;
  sslvdir_error e;
  if (sslvdir_iisconfig_parse(&c, doc, strlen(doc), &e)) {
    fprintf(stderr, "parse: %s\n", e.message);
    return NULL;
  }
  if (sslvdir_builder_new(&b, NULL) == SSLVDIR_OK) {
    if (sslvdir_iisconfig_apply(c, b, &e) || sslvdir_builder_build(b, &p, &e))
      fprintf(stderr, "policy: %s\n", e.message);
    sslvdir_builder_free(b);
  }
  sslvdir_iisconfig_free(c);
  return p;
}

/* What a GET gets: "allow", "deny 403.4", "deny 400"..., and the site. */
static const char *get(const sslvdir_policy *p, int https, const char *host, const char *target,
                       const char **site) {
  static char out[64];
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  sslvdir_decision d;
  memset(&d, 0, sizeof d);
  d.version = SSLVDIR_DECISION_VERSION;
  r.method = "GET";
  r.method_len = 3;
  r.target = target;
  r.target_len = strlen(target);
  r.host = host;
  r.host_len = host ? strlen(host) : 0;
  r.scheme = https ? SSLVDIR_SCHEME_HTTPS : SSLVDIR_SCHEME_HTTP;
  r.cipher_bits = 256;
  if (!p || sslvdir_decide(p, &r, &d))
    return "error";
  if (site)
    *site = d.site ? sslvdir_site_name(d.site) : "-";
  if (d.action == SSLVDIR_ACTION_DENY)
    snprintf(out, sizeof out, "deny %d%s%.0d", d.status, d.substatus >= 0 ? "." : "",
             d.substatus >= 0 ? d.substatus : 0);
  else
    snprintf(out, sizeof out, "%s", sslvdir_action_name(d.action));
  return out;
}

#define DWS_APPS                                                                            \
  "<application path=\"/\"/><application path=\"/owa\"/><application path=\"/owa/Calendar\"/>" \
  "<application path=\"/ecp\"/><application path=\"/mapi\"/>"

#define LOC(path, body) \
  "<location path=\"" path "\"><system.webServer>" body "</system.webServer></location>\n"

#define ACCESS(flags) "<security><access sslFlags=\"" flags "\"/></security>"

/* An element that leaves an attribute out sets nothing: the value inherited
 * from above stays (an <access /> without sslFlags is not None). */
static void test_unset_attributes(void) {
  static const char doc[] =
      "<configuration><system.applicationHost><sites><site name=\"Default Web Site\">" DWS_APPS
      "<bindings><binding protocol=\"http\" bindingInformation=\"*:80:\"/>"
      "<binding protocol=\"https\" bindingInformation=\"*:443:mail.contoso.com\"/></bindings>"
      "</site></sites></system.applicationHost>\n"
      "<system.webServer>" ACCESS("None") "</system.webServer>\n"
      LOC("Default Web Site", "<security><access sslFlags=\"Ssl, Ssl128\"/>"
          "<authentication><windowsAuthentication>"
          "<extendedProtection tokenChecking=\"Require\"/></windowsAuthentication></authentication>"
          "</security><httpRedirect enabled=\"true\" destination=\"/owa\"/>")
      LOC("Default Web Site/owa", "<security><access /><authentication><windowsAuthentication>"
          "<extendedProtection flags=\"None\"/></windowsAuthentication></authentication>"
          "</security><httpRedirect httpResponseStatus=\"Permanent\"/>")
      LOC("Default Web Site/owa/Calendar", ACCESS("None"))
      "</configuration>";
  sslvdir_iisconfig *c;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_parse(&c, doc, strlen(doc), &e), SSLVDIR_OK);
  unsigned f = 99;
  const char *from = NULL;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "Default Web Site/owa", &f, &from), SSLVDIR_OK);
  CU_ASSERT_EQUAL(f, SSL_128);
  CU_ASSERT_STRING_EQUAL(from, "Default Web Site");
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site/owa/Calendar"), SSLVDIR_SSL_NONE);
  int tc = -1;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_extended_protection(c, "Default Web Site/owa", &tc, &from),
                  SSLVDIR_OK);
  CU_ASSERT_EQUAL(tc, SSLVDIR_TOKEN_CHECKING_REQUIRE);
  CU_ASSERT_STRING_EQUAL(from, "Default Web Site");
  int en = -1, st = -1;
  const char *dest = NULL;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_redirect(c, "Default Web Site/owa", &en, &dest, &st),
                  SSLVDIR_OK);
  CU_ASSERT(en == 1 && dest && !strcmp(dest, "/owa") && st == 301);
  sslvdir_iisconfig_free(c);
  /* What a client sees: plain HTTP to /owa is refused as IIS refuses it. */
  sslvdir_policy *p = policy_of(doc);
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "mail.contoso.com", "/owa/", NULL), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(get(p, 0, "mail.contoso.com", "/owa/Calendar/x", NULL), "allow");
  const sslvdir_vdir *v = sslvdir_policy_find_vdir(p, "Default Web Site/owa");
  CU_ASSERT(v && sslvdir_vdir_extended_protection(v) == 1 &&
            sslvdir_vdir_upstream(v) == SSLVDIR_UPSTREAM_BRIDGE);
  sslvdir_policy_unref(p);
}

#define SITE(name, bindings, apps)                                                   \
  "<site name=\"" name "\">" apps "<bindings>" bindings "</bindings></site>"
#define BIND(proto, info) "<binding protocol=\"" proto "\" bindingInformation=\"" info "\"/>"
#define CONFIG(sites, locations)                                                     \
  "<configuration><system.applicationHost><sites>" sites                             \
  "</sites></system.applicationHost>\n" locations "</configuration>"

/* IIS Express: two sites on localhost, told apart by port. IIS routes by
 * address, port and host; the policy sees the Host only, so the shared
 * name is no site's: 400, with a warning naming the sites and ports. */
static const char iisexpress[] = CONFIG(
    SITE("WebSite1", BIND("http", "*:8080:localhost") BIND("https", "*:44300:localhost"),
         "<application path=\"/\"/>")
    SITE("WebSite2", BIND("http", "*:8081:localhost") BIND("http", "*:8081:app.local")
         BIND("https", "*:44301:LOCALHOST"), "<application path=\"/\"/>"),
    LOC("WebSite1", ACCESS("None")) LOC("WebSite2", ACCESS("Ssl")));

static void test_shared_host(void) {
  sslvdir_iisconfig *c;
  sslvdir_error e;
  const char *site = NULL;
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_parse(&c, iisexpress, strlen(iisexpress), &e), SSLVDIR_OK);
  /* Once for WebSite2, however many of its bindings share the name. */
  CU_ASSERT_EQUAL(sslvdir_iisconfig_warning_count(c), 1);
  const char *w = sslvdir_iisconfig_warning(c, 0);
  CU_ASSERT_FATAL(w != NULL);
  CU_ASSERT_PTR_NOT_NULL(strstr(w, "'localhost'"));
  CU_ASSERT_PTR_NOT_NULL(strstr(w, "'WebSite1' (port 8080)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(w, "'WebSite2' (port 8081)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(w, "400"));
  sslvdir_iisconfig_free(c);
  sslvdir_policy *p = policy_of(iisexpress);
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "localhost", "/", &site), "deny 400");
  CU_ASSERT_STRING_EQUAL(site, "-");
  /* The port in the Host is the client's word, not the port it reached. */
  CU_ASSERT_STRING_EQUAL(get(p, 0, "localhost:8080", "/", &site), "deny 400");
  CU_ASSERT_STRING_EQUAL(get(p, 1, "LocalHost:44300", "/", &site), "deny 400");
  CU_ASSERT_PTR_NULL(sslvdir_policy_find_site(p, "localhost", 9));
  /* A name only one site binds is still that site's. */
  CU_ASSERT_STRING_EQUAL(get(p, 0, "app.local:8081", "/", &site), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(site, "WebSite2");
  sslvdir_policy_unref(p);
  /* With a site bound without a host name, the shared name does not fall
   * to it (on the other ports IIS gives it a sharing site, which may be
   * stricter): no default site, as with another site's wildcard. */
  p = policy_of(CONFIG(
      SITE("Open", BIND("http", "*:80:"), "<application path=\"/\"/>")
      SITE("A", BIND("https", "*:8443:shared.contoso.com"), "<application path=\"/\"/>")
      SITE("B", BIND("https", "*:9443:shared.contoso.com"), "<application path=\"/\"/>"),
      LOC("Open", ACCESS("None")) LOC("A", ACCESS("Ssl")) LOC("B", ACCESS("Ssl, Ssl128"))));
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "shared.contoso.com", "/", &site), "deny 400");
  CU_ASSERT_STRING_EQUAL(get(p, 0, "unknown.example", "/", &site), "deny 400");
  sslvdir_policy_unref(p);
}

/* A Host that no binding names goes to the site IIS sends it to: the one
 * bound without a host name, not the first in the file; with none, 400. */
static void test_default_site(void) {
  const char *site = NULL;
  sslvdir_error e;
  /* The lenient site first, the catch-all second. */
  sslvdir_policy *p = policy_of(CONFIG(
      SITE("Calendars", BIND("http", "*:80:calendar.contoso.com")
           BIND("https", "*:443:calendar.contoso.com"), "<application path=\"/\"/>")
      SITE("Default Web Site", BIND("http", "*:80:") BIND("https", "*:443:")
           BIND("https", "*:443:mail.contoso.com"), DWS_APPS),
      LOC("Calendars", ACCESS("None")) LOC("Default Web Site", ACCESS("Ssl, Ssl128"))));
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "unknown.example", "/owa/", &site), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(site, "Default Web Site");
  CU_ASSERT_STRING_EQUAL(get(p, 0, "192.0.2.7", "/ecp/", &site), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(site, "Default Web Site");
  CU_ASSERT_STRING_EQUAL(get(p, 0, NULL, "/owa/", &site), "deny 403.4"); /* HTTP/1.0, no Host */
  CU_ASSERT_STRING_EQUAL(site, "Default Web Site");
  CU_ASSERT_STRING_EQUAL(get(p, 0, "calendar.contoso.com", "/x", &site), "allow");
  CU_ASSERT_STRING_EQUAL(site, "Calendars");
  sslvdir_policy_unref(p);
  /* No binding without a host name: HTTP.sys's 400, not the first site's rules. */
  p = policy_of(CONFIG(
      SITE("Calendars", BIND("http", "*:80:calendar.contoso.com"), "<application path=\"/\"/>")
      SITE("Default Web Site", BIND("https", "*:443:mail.contoso.com"), DWS_APPS),
      LOC("Calendars", ACCESS("None")) LOC("Default Web Site", ACCESS("Ssl"))));
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "unknown.example", "/owa/", &site), "deny 400");
  CU_ASSERT_STRING_EQUAL(site, "-");
  CU_ASSERT_STRING_EQUAL(get(p, 1, NULL, "/owa/", &site), "deny 400");
  CU_ASSERT_STRING_EQUAL(get(p, 0, "mail.contoso.com", "/owa/", &site), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(get(p, 0, "calendar.contoso.com", "/", &site), "allow");
  sslvdir_policy_unref(p);
  /* Catch-alls in two sites on the standard ports (which one IIS picks
   * depends on the port the proxy forwards to): 400 rather than a guess. */
  p = policy_of(CONFIG(
      SITE("Redirect", BIND("http", "*:80:"), "<application path=\"/\"/>")
      SITE("Default Web Site", BIND("https", "*:443:"), DWS_APPS),
      LOC("Redirect", ACCESS("None")) LOC("Default Web Site", ACCESS("Ssl"))));
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "unknown.example", "/owa/", &site), "deny 400");
  sslvdir_policy_unref(p);
  /* Exchange: the front end's *:80: and *:443: outrank the back end's
   * *:81: and *:444:, whichever comes first. */
  p = policy_of(CONFIG(
      SITE("Exchange Back End", BIND("http", "*:81:") BIND("https", "*:444:"),
           "<application path=\"/\"/><application path=\"/owa\"/>")
      SITE("Default Web Site", BIND("http", "*:80:") BIND("https", "*:443:"), DWS_APPS),
      LOC("Exchange Back End", ACCESS("None")) LOC("Default Web Site", ACCESS("Ssl"))));
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "unknown.example", "/owa/", &site), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(site, "Default Web Site");
  sslvdir_policy_unref(p);
  /* An IIS 10 wildcard binding in another site: a Host under it is that
   * site's in IIS, so the catch-all site must not take it. */
  static const char wild[] = CONFIG(
      SITE("Wild", BIND("https", "*:443:*.contoso.com"), "<application path=\"/\"/>")
      SITE("Default Web Site", BIND("http", "*:80:") BIND("https", "*:443:"), DWS_APPS),
      LOC("Wild", ACCESS("Ssl, Ssl128"))
      LOC("Default Web Site", ACCESS("None")));
  sslvdir_iisconfig *c;
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_parse(&c, wild, strlen(wild), &e), SSLVDIR_OK);
  const char *hosts = NULL;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_site(c, 0, NULL, &hosts, NULL), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(hosts, "*.contoso.com");
  sslvdir_iisconfig_free(c);
  p = policy_of(wild);
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(get(p, 1, "private.contoso.com", "/", &site), "deny 400");
  sslvdir_policy_unref(p);
  /* The catch-all site's own wildcard changes nothing. */
  p = policy_of(CONFIG(
      SITE("Default Web Site", BIND("http", "*:80:") BIND("https", "*:443:*.contoso.com"),
           DWS_APPS), LOC("Default Web Site", ACCESS("Ssl"))));
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "private.contoso.com", "/owa/", &site), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(site, "Default Web Site");
  sslvdir_policy_unref(p);
  /* A policy made without a configuration keeps its first site. */
  sslvdir_builder *b;
  CU_ASSERT_FATAL(sslvdir_builder_new(&b, NULL) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_preset_apply(b, "exchange2016", "Default Web Site", &e) == SSLVDIR_OK);
  CU_ASSERT_FATAL(sslvdir_builder_build(b, &p, &e) == SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "unknown.example", "/owa/", &site), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(site, "Default Web Site");
  sslvdir_policy_unref(p);
  sslvdir_builder_free(b);
}

/* Binding host names are compared whole: contoso.com is not a part of
 * mail.contoso.com; and a site may have as many as it has bindings. */
static void test_binding_hosts(void) {
  static const char doc[] = CONFIG(
      SITE("Public", BIND("http", "*:80:www.fabrikam.com") BIND("http", "*:80:"),
           "<application path=\"/\"/>")
      SITE("Default Web Site", BIND("http", "*:80:mail.contoso.com")
           BIND("http", "*:80:contoso.com") BIND("https", "*:443:mail.contoso.com")
           BIND("https", "*:443:contoso.com") BIND("https", "*:443:CONTOSO.com"), DWS_APPS),
      LOC("Public", ACCESS("None")) LOC("Default Web Site", ACCESS("Ssl, Ssl128")));
  sslvdir_iisconfig *c;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_parse(&c, doc, strlen(doc), &e), SSLVDIR_OK);
  const char *hosts = NULL;
  CU_ASSERT_EQUAL(sslvdir_iisconfig_site(c, 1, NULL, &hosts, NULL), SSLVDIR_OK);
  CU_ASSERT_STRING_EQUAL(hosts, "mail.contoso.com,contoso.com");
  sslvdir_iisconfig_free(c);
  sslvdir_policy *p = policy_of(doc);
  const char *site = NULL;
  CU_ASSERT_STRING_EQUAL(get(p, 0, "contoso.com", "/owa/", &site), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(site, "Default Web Site");
  sslvdir_policy_unref(p);
  /* 400 host names of 19 bytes: near 8 KB, past the 4 KB that used to be kept. */
  size_t cap = 64 * 1024, o = 0;
  char *big = malloc(cap);
  CU_ASSERT_FATAL(big != NULL);
  o += (size_t)snprintf(big + o, cap - o, "<configuration><system.applicationHost><sites>"
                        "<site name=\"S\"><application path=\"/\"/><bindings>");
  for (int i = 0; i < 400; i++)
    o += (size_t)snprintf(big + o, cap - o, BIND("https", "*:443:host%03d.contoso.com"), i);
  o += (size_t)snprintf(big + o, cap - o, "</bindings></site></sites></system.applicationHost>\n"
                        LOC("S", ACCESS("Ssl")) "</configuration>");
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_parse(&c, big, o, &e), SSLVDIR_OK);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_warning_count(c), 0);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_site(c, 0, NULL, &hosts, NULL), SSLVDIR_OK);
  CU_ASSERT_EQUAL(strlen(hosts), 400 * 20 - 1);
  CU_ASSERT(strstr(hosts, ",host399.contoso.com") != NULL);
  sslvdir_iisconfig_free(c);
  p = policy_of(big);
  CU_ASSERT_PTR_NOT_NULL(sslvdir_policy_find_site(p, "host399.contoso.com", 19));
  CU_ASSERT_STRING_EQUAL(get(p, 0, "host399.contoso.com", "/", &site), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(site, "S");
  sslvdir_policy_unref(p);
  free(big);
}

/* A section or section group given twice in one place is IIS's 500.19: the
 * file is refused, naming the line of the second. */
static void test_duplicate_sections(void) {
  static const struct {
    const char *loc;
    unsigned line;
  } cases[] = {
      {"<location path=\"S\">\n<system.webServer><httpRedirect enabled=\"false\"/></system.webServer>\n"
       "<system.webServer>" ACCESS("Ssl") "</system.webServer></location>", 4},
      {"<location path=\"S\"><system.webServer>\n<security><authentication/></security>\n"
       "<security><access sslFlags=\"Ssl\"/></security></system.webServer></location>", 4},
      {"<location path=\"S\"><system.webServer><security>\n<access sslFlags=\"None\"/>\n"
       "<access sslFlags=\"Ssl\"/></security></system.webServer></location>", 4},
      {"<location path=\"S\"><system.webServer>\n<httpRedirect enabled=\"true\"/>\n"
       "<httpRedirect enabled=\"false\"/></system.webServer></location>", 4},
      {"<location path=\"S\"><system.webServer><security><authentication><windowsAuthentication>\n"
       "<extendedProtection tokenChecking=\"Require\"/>\n<extendedProtection tokenChecking=\"None\"/>"
       "</windowsAuthentication></authentication></security></system.webServer></location>", 4},
      {"<system.webServer>" ACCESS("Ssl") "</system.webServer>\n\n"
       "<system.webServer>" ACCESS("None") "</system.webServer>", 4},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char doc[2048];
    snprintf(doc, sizeof doc, "<configuration>%s\n%s\n</configuration>", site_s, cases[i].loc);
    sslvdir_iisconfig *c = NULL;
    sslvdir_error e = {0};
    CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, doc, strlen(doc), &e), SSLVDIR_E_DUPLICATE);
    CU_ASSERT_EQUAL(e.line, cases[i].line);
    CU_ASSERT(strstr(e.message, "given twice") != NULL);
    CU_ASSERT_PTR_NULL(c);
    sslvdir_iisconfig_free(c);
  }
  /* Two bindings lists in one site. */
  static const char two[] =
      "<configuration><system.applicationHost><sites><site name=\"S\">\n"
      "<bindings>" BIND("https", "*:443:s.example") "</bindings>\n"
      "<bindings>" BIND("http", "*:80:s.example") "</bindings>"
      "</site></sites></system.applicationHost></configuration>";
  sslvdir_iisconfig *c = NULL;
  sslvdir_error e = {0};
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, two, strlen(two), &e), SSLVDIR_E_DUPLICATE);
  CU_ASSERT_EQUAL(e.line, 3);
}

/* Configuration paths are literal: one that is not (%, '.', '..', '//',
 * '\') is refused with its line, never read as the URL path it spells. */
static void test_literal_paths(void) {
  static const char *const bad[] = {
      "Default Web Site/%65cp", "Default Web Site/owa/../ecp", "Default Web Site/./ecp",
      "Default Web Site//ecp", "Default Web Site/owa\\..\\ecp", "Default Web Site/ecp/.",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char doc[2048];
    snprintf(doc, sizeof doc, CONFIG(SITE("Default Web Site", BIND("https", "*:443:m.example"),
                                          DWS_APPS), "\n<location path=\"%s\"><system.webServer>"
                                     ACCESS("None") "</system.webServer></location>\n"), bad[i]);
    sslvdir_iisconfig *c = NULL;
    sslvdir_error e = {0};
    CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, doc, strlen(doc), &e), SSLVDIR_E_SYNTAX);
    CU_ASSERT_EQUAL(e.line, 3);
    CU_ASSERT(strstr(e.message, "no URL reaches it") != NULL);
    CU_ASSERT_PTR_NULL(c);
  }
  /* An application path is a configuration path too. */
  static const char app[] = CONFIG(SITE("S", BIND("https", "*:443:m.example"),
                                        "<application path=\"/\"/>\n<application path=\"/%65cp\"/>"),
                                   "");
  sslvdir_iisconfig *c = NULL;
  sslvdir_error e = {0};
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, app, strlen(app), &e), SSLVDIR_E_SYNTAX);
  CU_ASSERT_EQUAL(e.line, 2);
  /* Spaces, ';' and a trailing '/' are literal enough. */
  static const char ok[] = CONFIG(SITE("Default Web Site", BIND("https", "*:443:m.example"),
                                       DWS_APPS), LOC("Default Web Site/owa;x/", ACCESS("None")));
  CU_ASSERT_EQUAL(sslvdir_iisconfig_parse(&c, ok, strlen(ok), &e), SSLVDIR_OK);
  sslvdir_iisconfig_free(c);
}

/* A location with inheritInChildApplications="false" holds for its own
 * application and its folders, not for the applications below it: they
 * inherit from above it. */
static void test_own_application(void) {
  static const char doc[] = CONFIG(
      SITE("Default Web Site", BIND("http", "*:80:") BIND("https", "*:443:mail.contoso.com"),
           DWS_APPS),
      "<system.webServer>" ACCESS("Ssl") "</system.webServer>\n"
      "<location path=\"Default Web Site\" inheritInChildApplications=\"false\"><system.webServer>"
      ACCESS("None") "</system.webServer></location>\n"
      "<location path=\"Default Web Site/owa\" inheritInChildApplications=\"False\">"
      "<system.webServer>" ACCESS("Ssl, Ssl128") "</system.webServer></location>\n");
  sslvdir_iisconfig *c;
  sslvdir_error e;
  CU_ASSERT_EQUAL_FATAL(sslvdir_iisconfig_parse(&c, doc, strlen(doc), &e), SSLVDIR_OK);
  const char *from = NULL;
  unsigned f = 99;
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site"), SSLVDIR_SSL_NONE);
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site/aspnet_client/system_web"), SSLVDIR_SSL_NONE);
  CU_ASSERT_EQUAL(sslvdir_iisconfig_ssl_flags(c, "Default Web Site/ecp", &f, &from), SSLVDIR_OK);
  CU_ASSERT(f == SSLVDIR_SSL && from && !strcmp(from, ""));
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site/owa"), SSL_128);
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site/owa/auth"), SSL_128);
  CU_ASSERT_EQUAL(flags_at(c, "Default Web Site/owa/Calendar"), SSLVDIR_SSL); /* an application */
  sslvdir_iisconfig_free(c);
  sslvdir_policy *p = policy_of(doc);
  CU_ASSERT_STRING_EQUAL(get(p, 0, "mail.contoso.com", "/ecp/", NULL), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(get(p, 0, "mail.contoso.com", "/owa/calendar/x", NULL), "deny 403.4");
  CU_ASSERT_STRING_EQUAL(get(p, 0, "mail.contoso.com", "/aspnet_client/x.js", NULL), "allow");
  sslvdir_policy_unref(p);
}

void suite_iisconfig(void) {
  CU_pSuite s = CU_add_suite("iisconfig", setup, cleanup);
  CU_add_test(s, "the Exchange 2016 fixture, UTF-8 and UTF-16", test_fixture);
  CU_add_test(s, "edits change only the intended bytes", test_edits);
  CU_add_test(s, "atomic save with .bak", test_save);
  CU_add_test(s, "hostile documents and their errors", test_hostile);
  CU_add_test(s, "the backend state in a builder", test_apply);
  CU_add_test(s, "Extended Protection", test_extended_protection);
  CU_add_test(s, "address and wildcard bindings", test_bindings);
  CU_add_test(s, "a host name two sites bind on two ports (IIS Express)", test_shared_host);
  CU_add_test(s, "an attribute left out is inherited", test_unset_attributes);
  CU_add_test(s, "IIS's default site for an unknown Host", test_default_site);
  CU_add_test(s, "binding host names compared whole, no 4 KB limit", test_binding_hosts);
  CU_add_test(s, "duplicate sections refused", test_duplicate_sections);
  CU_add_test(s, "configuration paths are literal", test_literal_paths);
  CU_add_test(s, "inheritInChildApplications=\"false\"", test_own_application);
}
