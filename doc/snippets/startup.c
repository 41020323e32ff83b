/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * README.md, "Use it from C": a policy built at startup, then one request
 * decided with it, its fields taken from the proxy's own buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <sslvdir/sslvdir.h>

void send_redirect(int status, const char *location); /* the proxy's */
void on_request(const char *method, size_t method_len, const char *target, size_t target_len,
                const char *host, size_t host_len);

void on_request(const char *method, size_t method_len, const char *target, size_t target_len,
                const char *host, size_t host_len) {
  /* @SNIPPET@ */
}
