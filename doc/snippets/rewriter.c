/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * README.md, body rewriting: one response of a connection, with the
 * policy, the response's Content-Type and Content-Encoding, one chunk of
 * its body, and the proxy's own output function and connection. A
 * connection handler that returns -1 when the connection must be closed. */
#include <stdio.h>
#include <stdlib.h>
#include <sslvdir/sslvdir.h>

struct conn;                                                   /* the proxy's */
int write_cb(const char *data, size_t len, void *conn);        /* sends to the client */
void drop_content_length_and_send_chunked(void);
int on_response(const sslvdir_policy *policy, const char *ctype, size_t ctype_len,
                const char *cenc, size_t cenc_len, const char *chunk, size_t chunk_len,
                struct conn *conn);

int on_response(const sslvdir_policy *policy, const char *ctype, size_t ctype_len,
                const char *cenc, size_t cenc_len, const char *chunk, size_t chunk_len,
                struct conn *conn) {
  sslvdir_error err = {0};
  /* @SNIPPET@ */
  return 0;
}
