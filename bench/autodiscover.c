/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * bench/autodiscover: how fast Autodiscover answers are written.
 *
 * For a redirectUrl document, a settings document (Exchange 2016, internal
 * side: EXCH, EXPR and WEB blocks) and a whole answer to a POX request
 * (parse with libxml2, look up the domain, write the settings), the time per
 * document and documents per second; beside each document, the time libxml2
 * takes to serialise the same document held as a tree (xmlDocDumpMemory),
 * and to build that tree and serialise it, in the same run. Median of 9 runs
 * of 20,000 documents each. Never run by CI for timing; `make bench`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <sslvdir/sslvdir.h>

#include "bench.h"

#define RUNS 9
#define ITERS 20000


static char doc[65536];

typedef int (*make_fn)(const sslvdir_policy *p, size_t *n);

static const char *redirect_url = "https://autodiscover.hoster.example/autodiscover/autodiscover.xml";
static sslvdir_autodiscover_params params = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
static const char request[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Autodiscover xmlns=\""
    SSLVDIR_AD_NS_OUTLOOK_REQUEST "\">\n  <Request>\n    <EMailAddress>kwekua@contoso.com"
    "</EMailAddress>\n    <AcceptableResponseSchema>" SSLVDIR_AD_NS_OUTLOOK_RESPONSE
    "</AcceptableResponseSchema>\n  </Request>\n</Autodiscover>\n";

static int make_redirect(const sslvdir_policy *p, size_t *n) {
  (void)p;
  return sslvdir_autodiscover_redirect_url(redirect_url, &params, doc, sizeof doc, n);
}
static int make_settings(const sslvdir_policy *p, size_t *n) {
  return sslvdir_autodiscover_settings(p, sslvdir_policy_site(p, 0), SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK,
                                       "kwekua@contoso.com", NULL, &params, doc, sizeof doc, n);
}
static int make_answer(const sslvdir_policy *p, size_t *n) {
  return sslvdir_autodiscover_respond(p, request, sizeof request - 1, &params, doc, sizeof doc, n);
}

/* The same document built as a libxml2 tree: the redirectUrl one by hand,
 * others by parsing our output (only the serialisation is timed then). */
static xmlDocPtr build_redirect_tree(void) {
  xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "Autodiscover");
  xmlNsPtr ns = xmlNewNs(root, BAD_CAST SSLVDIR_AD_NS, NULL);
  xmlSetNs(root, ns);
  xmlDocSetRootElement(d, root);
  xmlNodePtr resp = xmlNewChild(root, NULL, BAD_CAST "Response", NULL);
  xmlSetNs(resp, xmlNewNs(resp, BAD_CAST SSLVDIR_AD_NS_OUTLOOK_RESPONSE, NULL));
  xmlNodePtr acc = xmlNewChild(resp, NULL, BAD_CAST "Account", NULL);
  xmlNewTextChild(acc, NULL, BAD_CAST "Action", BAD_CAST "redirectUrl");
  xmlNewTextChild(acc, NULL, BAD_CAST "RedirectUrl", BAD_CAST redirect_url);
  xmlNewTextChild(acc, NULL, BAD_CAST "RedirectURL", BAD_CAST redirect_url);
  return d;
}

static double median(double *t) {
  qsort(t, RUNS, sizeof *t, cmp_double);
  return t[RUNS / 2];
}

static void bench(const char *name, const sslvdir_policy *p, make_fn make, int build_by_hand) {
  size_t n = 0;
  if (make(p, &n)) {
    fprintf(stderr, "bench: %s failed\n", name);
    exit(1);
  }
  xmlDocPtr tree = xmlReadMemory(doc, (int)n, "x.xml", NULL, XML_PARSE_NONET);
  double ours[RUNS], dump[RUNS], built[RUNS];
  for (int r = 0; r < RUNS; r++) {
    double t0 = now();
    for (int i = 0; i < ITERS; i++)
      if (make(p, &n))
        exit(1);
    ours[r] = (now() - t0) / ITERS;
    t0 = now();
    for (int i = 0; i < ITERS; i++) {
      xmlChar *mem;
      int sz;
      xmlDocDumpMemory(tree, &mem, &sz);
      xmlFree(mem);
    }
    dump[r] = (now() - t0) / ITERS;
    t0 = now();
    for (int i = 0; i < ITERS; i++) {
      xmlDocPtr d = build_by_hand ? build_redirect_tree() : xmlCopyDoc(tree, 1);
      xmlChar *mem;
      int sz;
      xmlDocDumpMemory(d, &mem, &sz);
      xmlFree(mem);
      xmlFreeDoc(d);
    }
    built[r] = (now() - t0) / ITERS;
  }
  double o = median(ours), dm = median(dump), b = median(built);
  printf("%-34s %6zu bytes  %7.0f ns  %9.0f/s | libxml2 serialise %7.0f ns (%.2fx)  %s %7.0f ns (%.2fx)\n",
         name, n, o * 1e9, 1 / o, dm * 1e9, o / dm, build_by_hand ? "build+serialise" : "copy+serialise ",
         b * 1e9, o / b);
  xmlFreeDoc(tree);
}

int main(void) {
  sslvdir_builder *b;
  sslvdir_policy *p;
  if (sslvdir_builder_new(&b, NULL) || sslvdir_preset_apply(b, "exchange2016-offload", "S", NULL) ||
      sslvdir_builder_add_host(b, "S", "mail.contoso.com", NULL) ||
      sslvdir_builder_add_autodiscover_domain(b, "contoso.com", SSLVDIR_AUTODISCOVER_ACTION_SETTINGS, "S", NULL) ||
      sslvdir_builder_build(b, &p, NULL))
    return 1;
  sslvdir_builder_free(b);
  xmlInitParser();
  params.time_us = 1;
  params.side = SSLVDIR_URL_INTERNAL;
  printf("median of %d runs of %d documents; ratio = our time / libxml2's time\n", RUNS, ITERS);
  bench("redirectUrl document", p, make_redirect, 1);
  bench("settings document (internal)", p, make_settings, 0);
  bench("whole answer: parse + settings", p, make_answer, 0);
  sslvdir_policy_unref(p);
  return 0;
}
