/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * bench/config: read and index an applicationHost.config with 1,000
 * <location> blocks (built here in the shape of the Exchange fixture), beside
 * the time libxml2 alone takes to parse the same bytes into a tree (the
 * peer: the least a reader built on it can take). Then the cost of one
 * sslFlags edit on that file, and of asking the effective sslFlags of every
 * location. Median of 9 runs.
 *
 * Then every loader (tests/loadgen.h: a .reg file, a policy file, an
 * applicationHost.config, builder calls) at 1x, 2x, 4x and 8x its input,
 * min/median/max of 7 rounds and the ratio of the medians to 1x: linear
 * loading doubles with the input. Last, the two inputs bench/README.md
 * quotes: a 1 MB .reg file and a 2 MB policy file of 40,000 settings.
 * `bench/config scale` runs only the loaders. Never run by CI for timing;
 * `make bench`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <sslvdir/sslvdir.h>

#include "bench.h"
#include "../tests/loadgen.h"

#define RUNS 9
#define LOCATIONS 1000

static char *make_config(size_t *len) {
  size_t cap = 1u << 20, n = 0;
  char *t = malloc(cap);
  n += (size_t)snprintf(t + n, cap - n,
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n"
                        "    <system.applicationHost>\r\n        <sites>\r\n"
                        "            <site name=\"Default Web Site\" id=\"1\">\r\n");
  for (int i = 0; i < LOCATIONS; i++) {
    if (cap - n < 4096)
      t = realloc(t, cap *= 2);
    n += (size_t)snprintf(t + n, cap - n,
                          "                <application path=\"/app%04d\" applicationPool=\"Pool%d\">\r\n"
                          "                    <virtualDirectory path=\"/\" physicalPath=\"C:\\inetpub\\app%04d\" />\r\n"
                          "                </application>\r\n", i, i % 20, i);
  }
  n += (size_t)snprintf(t + n, cap - n,
                        "                <bindings>\r\n                    <binding protocol=\"https\" "
                        "bindingInformation=\"*:443:mail.contoso.com\" />\r\n                </bindings>\r\n"
                        "            </site>\r\n        </sites>\r\n    </system.applicationHost>\r\n");
  for (int i = 0; i < LOCATIONS; i++) {
    if (cap - n < 4096)
      t = realloc(t, cap *= 2);
    n += (size_t)snprintf(t + n, cap - n,
                          "    <location path=\"Default Web Site/app%04d\">\r\n        <system.webServer>\r\n"
                          "            <security>\r\n                <access sslFlags=\"%s\" />\r\n"
                          "                <authentication>\r\n                    <anonymousAuthentication enabled=\"false\" />\r\n"
                          "                    <windowsAuthentication enabled=\"true\" />\r\n"
                          "                </authentication>\r\n            </security>\r\n"
                          "        </system.webServer>\r\n    </location>\r\n",
                          i, i % 3 ? "Ssl, Ssl128" : "None");
  }
  n += (size_t)snprintf(t + n, cap - n, "</configuration>\r\n");
  *len = n;
  return t;
}

#define SCALE_RUNS 7

/* Min, median and max of n times, in milliseconds. */
static void print_times(const char *what, double *t, int n, double ratio) {
  qsort(t, (size_t)n, sizeof *t, cmp_double);
  printf("  %-42s %9.2f %9.2f %9.2f ms", what, t[0] * 1e3, t[n / 2] * 1e3, t[n - 1] * 1e3);
  if (ratio > 0)
    printf("  %5.2fx", ratio);
  putchar('\n');
}

static void scale(void) {
  printf("loaders at 1x to 8x their input: min, median, max of %d rounds, ms; median / 1x median\n",
         SCALE_RUNS);
  for (int w = 0; w < LG_NLOADERS; w++) {
    double med1 = 0;
    for (unsigned f = 1; f <= 8; f *= 2) {
      unsigned n = f * lg_base[w];
      size_t len;
      char *d = lg_make(w, n, &len);
      double t[SCALE_RUNS];
      lg_load(w, d, len, n); /* warm up */
      for (int r = 0; r < SCALE_RUNS; r++) {
        double t0 = now();
        lg_load(w, d, len, n);
        t[r] = now() - t0;
      }
      char what[96];
      if (len)
        snprintf(what, sizeof what, "%s %ux (%.0f KB)", lg_names[w], f, (double)len / 1024);
      else
        snprintf(what, sizeof what, "%s %ux (%u sites)", lg_names[w], f, n);
      qsort(t, SCALE_RUNS, sizeof *t, cmp_double);
      if (f == 1)
        med1 = t[SCALE_RUNS / 2];
      print_times(what, t, SCALE_RUNS, t[SCALE_RUNS / 2] / med1);
      free(d);
    }
  }
  /* The inputs bench/README.md gives figures for. */
  size_t len;
  char *d = lg_reg(6000, &len);
  double t[3];
  for (int r = 0; r < 3; r++) {
    double t0 = now();
    lg_load(LG_REG, d, len, 0);
    t[r] = now() - t0;
  }
  char what[96];
  snprintf(what, sizeof what, ".reg file of %.2f MB", (double)len / 1048576);
  print_times(what, t, 3, 0);
  free(d);
  d = lg_policy(40000, 0, &len);
  for (int r = 0; r < 3; r++) {
    double t0 = now();
    lg_load(LG_POLICY, d, len, 0);
    t[r] = now() - t0;
  }
  snprintf(what, sizeof what, "policy file of %.2f MB, 40,000 settings", (double)len / 1048576);
  print_times(what, t, 3, 0);
  free(d);
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "scale")) {
    scale();
    return 0;
  }
  size_t len;
  char *data = make_config(&len);
  xmlInitParser();
  double ours[RUNS], peer[RUNS], edit[RUNS], query[RUNS];
  sslvdir_error e;
  for (int r = 0; r < RUNS; r++) {
    double t0 = now();
    xmlDocPtr d = xmlReadMemory(data, (int)len, "x.xml", NULL, XML_PARSE_NONET);
    peer[r] = now() - t0;
    if (!d)
      return 1;
    xmlFreeDoc(d);
    sslvdir_iisconfig *c;
    t0 = now();
    if (sslvdir_iisconfig_parse(&c, data, len, &e)) {
      fprintf(stderr, "bench: %s\n", e.message);
      return 1;
    }
    ours[r] = now() - t0;
    t0 = now();
    unsigned acc = 0;
    for (int i = 0; i < LOCATIONS; i++) {
      char path[64];
      unsigned f;
      snprintf(path, sizeof path, "Default Web Site/app%04d/sub", i);
      if (sslvdir_iisconfig_ssl_flags(c, path, &f, NULL))
        return 1;
      acc += f;
    }
    query[r] = (now() - t0) / LOCATIONS;
    t0 = now();
    if (sslvdir_iisconfig_set_ssl_flags(c, "Default Web Site/app0500", 0, &e))
      return 1;
    edit[r] = now() - t0;
    sslvdir_iisconfig_free(c);
    if (acc == 12345678)
      puts("");
  }
  qsort(ours, RUNS, sizeof(double), cmp_double);
  qsort(peer, RUNS, sizeof(double), cmp_double);
  qsort(edit, RUNS, sizeof(double), cmp_double);
  qsort(query, RUNS, sizeof(double), cmp_double);
  printf("applicationHost.config: %.1f KB, %d applications, %d <location> blocks\n",
         (double)len / 1024, LOCATIONS, LOCATIONS);
  printf("  %-44s %8.2f ms\n", "libxml2 parse alone (peer)", peer[RUNS / 2] * 1e3);
  printf("  %-44s %8.2f ms  %.2fx the peer\n", "sslvdir_iisconfig_parse (read and index)",
         ours[RUNS / 2] * 1e3, ours[RUNS / 2] / peer[RUNS / 2]);
  printf("  %-44s %8.2f us\n", "effective sslFlags of a path (inherited)", query[RUNS / 2] * 1e6);
  printf("  %-44s %8.2f ms\n", "one sslFlags edit (scan, splice, read back)", edit[RUNS / 2] * 1e3);
  free(data);
  scale();
  return 0;
}
