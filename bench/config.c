/*
 * bench/config: read and index an applicationHost.config with 1,000
 * <location> blocks (built here in the shape of the Exchange fixture), beside
 * the time libxml2 alone takes to parse the same bytes into a tree (the
 * peer: the least a reader built on it can take). Then the cost of one
 * sslFlags edit on that file, and of asking the effective sslFlags of every
 * location. Median of 9 runs. Never run by CI for timing; `make bench`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <sslvdir/sslvdir.h>

#include "bench.h"

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

int main(void) {
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
  return 0;
}
