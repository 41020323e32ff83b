/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Fuzz target: the Autodiscover request parser and the answer built from it.
 * Whatever the body: the parser fills the request (an error code, or a
 * schema and an address), the answer is a whole, well-formed document whose
 * Autodiscover root is in the right namespace, measuring agrees with
 * writing, and an address echoed back survives the round trip. The same
 * bytes as an autodiscover.json query give valid UTF-8 JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <sslvdir/sslvdir.h>

#include "../../lib/utf8.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char policy_xml[] =
    "<policy xmlns='urn:libsslvdir:policy:1' version='1'>"
    "<site name='Default Web Site' preset='exchange2016-offload'>"
    "<host name='mail.contoso.com' canonical='true'/></site>"
    "<autodiscover><domain name='contoso.com' site='Default Web Site'/>"
    "<domain name='fabrikam.com' redirect-addr='hosted.example'/>"
    "<domain name='tailspin.com' redirect-url='https://x.example/autodiscover/autodiscover.xml'/>"
    "</autodiscover></policy>";

static sslvdir_policy *get_policy(void) {
  static sslvdir_policy *p;
  return fuzz_policy(&p, policy_xml, sizeof policy_xml - 1);
}

static char out[1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const sslvdir_policy *p = get_policy();
  const char *body = (const char *)data;
  sslvdir_autodiscover_request req = SSLVDIR_AUTODISCOVER_REQUEST_INIT;
  sslvdir_error e;
  int rc = sslvdir_autodiscover_parse_request(body, size, &req, &e);
  if (rc == SSLVDIR_E_NOMEM)
    return 0;
  if ((rc == SSLVDIR_OK) != (req.error == 0) || (rc && (e.code != rc || !e.message[0])))
    abort();
  if (req.error && req.error != 600 && req.error != 601)
    abort();
  if (!req.error && req.schema != SSLVDIR_AUTODISCOVER_SCHEMA_OUTLOOK &&
      req.schema != SSLVDIR_AUTODISCOVER_SCHEMA_MOBILESYNC)
    abort();
  sslvdir_autodiscover_params params = SSLVDIR_AUTODISCOVER_PARAMS_INIT;
  params.time_us = 1;
  params.side = (size & 1) ? SSLVDIR_URL_INTERNAL : SSLVDIR_URL_EXTERNAL;
  size_t n = 0, m = 0;
  int status = 0;
  if (sslvdir_autodiscover_json(p, body, size, &params, &status, out, sizeof out, &n) ||
      n < 2 || out[0] != '{' || out[n - 1] != '}' ||
      !sv_utf8_valid((unsigned char *)out, n, NULL) ||
      (status != 200 && status != 400 && status != 404))
    abort();
  /* The same bytes as a whole request target (path form, decoded paths). */
  if (sslvdir_autodiscover_json_target(p, body, size, &params, &status, out, sizeof out, &n) ||
      n < 2 || out[0] != '{' || out[n - 1] != '}' ||
      !sv_utf8_valid((unsigned char *)out, n, NULL) ||
      (status != 200 && status != 400 && status != 404))
    abort();
  if (sslvdir_autodiscover_respond(p, body, size, &params, out, sizeof out, &n))
    return 0;
  if (sslvdir_autodiscover_respond(p, body, size, &params, NULL, 0, &m) !=
          SSLVDIR_E_BUFFER_TOO_SMALL || m != n)
    abort();
  xmlDocPtr d = xmlReadMemory(out, (int)n, "answer.xml", NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!d)
    abort(); /* the answer must always parse */
  xmlNodePtr root = xmlDocGetRootElement(d);
  if (!root || strcmp((const char *)root->name, "Autodiscover") || !root->ns ||
      strcmp((const char *)root->ns->href, SSLVDIR_AD_NS))
    abort();
  if (!req.error && req.email[0]) {
    /* An address echoed back is the address parsed. */
    for (xmlNodePtr k = root->children; k; k = k->next)
      for (xmlNodePtr r = k->children; r; r = r->next)
        for (xmlNodePtr u = r->children; u; u = u->next)
          if (u->type == XML_ELEMENT_NODE &&
              (!strcmp((const char *)u->name, "AutoDiscoverSMTPAddress") ||
               !strcmp((const char *)u->name, "EMailAddress"))) {
            xmlChar *t = xmlNodeGetContent(u);
            if (!t || strcmp((const char *)t, req.email))
              abort();
            xmlFree(t);
          }
  }
  xmlFreeDoc(d);
  return 0;
}
