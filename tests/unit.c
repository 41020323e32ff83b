/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The CUnit runner: every suite, one binary, exit status = failures. */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "unit.h"

const char *srcpath(const char *rel) {
  static char buf[4][4096];
  static int k;
  const char *top = getenv("top_srcdir");
  char *b = buf[k++ & 3];
  snprintf(b, sizeof buf[0], "%s/%s", top && *top ? top : ".", rel);
  return b;
}

const char *certpath(const char *name) {
  static char buf[4][4096];
  static int k;
  const char *top = getenv("top_builddir");
  char *b = buf[k++ & 3];
  snprintf(b, sizeof buf[0], "%s/tests/certs/%s", top && *top ? top : ".", name);
  return b;
}

char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *nb = realloc(buf, cap * 2 + 1);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    if (len)
      *len = n;
  }
  return buf;
}

const char *mem_find(const char *data, size_t len, const char *needle) {
  /* memmem, not strstr: the library's (pointer, length) results carry no
   * NUL, and strstr would read past them. */
  return data ? memmem(data, len, needle, strlen(needle)) : NULL;
}

static int hexv(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t unescape(char *s) {
  size_t o = 0;
  for (size_t i = 0; s[i]; i++) {
    if (s[i] == '\\' && s[i + 1] == 'x' && hexv(s[i + 2]) >= 0 && hexv(s[i + 3]) >= 0) {
      s[o++] = (char)(hexv(s[i + 2]) * 16 + hexv(s[i + 3]));
      i += 3;
    } else if (s[i] == '\\' && s[i + 1] == 's') {
      s[o++] = ' ';
      i++;
    } else if (s[i] == '\\' && s[i + 1] == '\\') {
      s[o++] = '\\';
      i++;
    } else {
      s[o++] = s[i];
    }
  }
  s[o] = '\0';
  return o;
}

int split_fields(char *line, char **fields, int max) {
  int n = 0;
  char *save = NULL;
  for (char *t = strtok_r(line, " \t\r\n", &save); t && n < max; t = strtok_r(NULL, " \t\r\n", &save))
    fields[n++] = t;
  return n;
}

static int saved_fd2 = -1;
static FILE *capture;

int stderr_begin(void) {
  fflush(stderr);
  capture = tmpfile();
  saved_fd2 = dup(2);
  if (!capture || saved_fd2 < 0 || dup2(fileno(capture), 2) < 0)
    return -1;
  return 0;
}

long stderr_end(char *buf, size_t size) {
  fflush(stderr);
  if (saved_fd2 < 0 || dup2(saved_fd2, 2) < 0)
    return -1;
  close(saved_fd2);
  saved_fd2 = -1;
  long n = (long)lseek(fileno(capture), 0, SEEK_END);
  rewind(capture);
  size_t got = size ? fread(buf, 1, size - 1, capture) : 0;
  if (size)
    buf[got] = '\0';
  fclose(capture);
  capture = NULL;
  return n;
}

sslvdir_policy *test_policy(const char *name) {
  char rel[256];
  sslvdir_builder *b;
  sslvdir_policy *p = NULL;
  sslvdir_error e;
  if (sslvdir_builder_new(&b, NULL))
    return NULL;
  snprintf(rel, sizeof rel, strchr(name, '/') ? "tests/data/%s.xml" : "tests/data/decide/%s.xml",
           name);
  FILE *f = fopen(srcpath(rel), "r");
  int rc;
  if (f) {
    fclose(f);
    rc = sslvdir_policyfile_load(b, srcpath(rel), &e);
  } else {
    static const struct { const char *n, *preset; } map[] = {
      {"e07", "exchange2007"}, {"e07o", "exchange2007-offload"}, {"e10", "exchange2010"},
      {"e10o", "exchange2010-offload"}, {"e13", "exchange2013"}, {"e13o", "exchange2013-offload"},
      {"e16", "exchange2016"}, {"e16o", "exchange2016-offload"}, {"e19", "exchange2019"},
      {"e19o", "exchange2019-offload"}, {"ese", "exchangese"}, {"eseo", "exchangese-offload"},
    };
    /* NAME[+redirect][+ep][+noep]: the preset with those options. */
    static const struct { const char *n; unsigned opt; } opts[] = {
      {"redirect", SSLVDIR_PRESET_REDIRECT}, {"ep", SSLVDIR_PRESET_EP_ON},
      {"noep", SSLVDIR_PRESET_EP_OFF},
    };
    const char *preset = NULL;
    size_t base = strcspn(name, "+");
    unsigned options = 0;
    int bad = 0;
    for (const char *o = name + base; *o; o += strcspn(o + 1, "+") + 1) {
      size_t n = strcspn(o + 1, "+"), k = 0;
      while (k < sizeof opts / sizeof opts[0] && !(strlen(opts[k].n) == n && !strncmp(opts[k].n, o + 1, n)))
        k++;
      if (k == sizeof opts / sizeof opts[0])
        bad = 1;
      else
        options |= opts[k].opt;
    }
    for (size_t i = 0; !bad && i < sizeof map / sizeof map[0]; i++)
      if (strlen(map[i].n) == base && !strncmp(map[i].n, name, base))
        preset = map[i].preset;
    rc = preset ? sslvdir_preset_apply_opts(b, preset, "Default Web Site", options, &e)
                : SSLVDIR_E_NOT_FOUND;
    if (!rc) rc = sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", &e);
    if (!rc) rc = sslvdir_builder_add_host(b, "Default Web Site", "autodiscover.contoso.com", &e);
    if (!rc) rc = sslvdir_builder_add_offloader(b, "10.0.0.5", &e);
    if (!rc) rc = sslvdir_builder_add_offloader(b, "2001:db8:5::/48", &e);
  }
  if (!rc)
    rc = sslvdir_builder_build(b, &p, &e);
  if (rc)
    fprintf(stderr, "test policy %s: %s\n", name, e.message);
  sslvdir_builder_free(b);
  return p;
}

int main(void) {
  if (CU_initialize_registry() != CUE_SUCCESS)
    return 2;
  suite_flags();
  suite_path();
  suite_settings();
  suite_policy();
  suite_policyfile();
  suite_options();
  suite_decide();
  suite_rewrite();
  suite_autodiscover();
  suite_iisconfig();
  suite_registry();
  suite_plan();
  suite_cert();
  suite_trust();
  suite_tls();
  suite_audit();
  suite_mem();
  suite_ownership();
  suite_hostile_api();
  suite_layout();
  CU_basic_set_mode(CU_BRM_NORMAL);
  CU_basic_run_tests();
  unsigned failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures();
  unsigned run = CU_get_number_of_tests_run();
  CU_cleanup_registry();
  if (run == 0)
    return 1;
  return failed ? 1 : 0;
}
