/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * README.md, the policy slot: the three parts (at startup, per request, on
 * reload) in one function, with the policy the first snippet built and a
 * request and decision as it declares them. */
#include <stdio.h>
#include <stdlib.h>
#include <sslvdir/sslvdir.h>

void send_redirect(int status, const char *location); /* the proxy's */
void with_slot(sslvdir_policy *policy, const sslvdir_request *request);

void with_slot(sslvdir_policy *policy, const sslvdir_request *request) {
  sslvdir_request req = *request;
  static _Thread_local sslvdir_decision d;
  static _Thread_local char location[SSLVDIR_LOCATION_BUFSZ];
  d.version = SSLVDIR_DECISION_VERSION;
  /* @SNIPPET@ */
}
