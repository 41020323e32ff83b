/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * rewrite-stream: a response body from stdin to stdout, rewritten in small
 * chunks as a proxy streams it.
 *
 * Shows the streaming body rewriter (sslvdir_rewriter): the http:// links
 * to the given hosts become https://, in chunks of any size (CHUNK bytes,
 * default 7, so that links are cut across chunks: the rewriter holds back
 * the bytes that may start a link until the next chunk decides), and the
 * output is the same whatever the chunking. Links to other hosts, and to
 * look-alikes such as "http://mail.contoso.com.evil.example/", are left as
 * they are. A content type the rewriter does not handle, or a compressed
 * body (ENCODING other than identity), is passed through unchanged.
 *
 * Usage: rewrite-stream [--chunk CHUNK] [--type CONTENT_TYPE] [--encoding ENCODING]
 *                       HOST[:HTTPS_PORT]... < body > rewritten
 *
 *   $ echo '<a href="http://mail.contoso.com/owa/">' | ./rewrite-stream mail.contoso.com
 *   <a href="https://mail.contoso.com/owa/">
 *
 * Exit status: 0, 1 when the body could not be read or written, 2 for a
 * usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sslvdir/sslvdir.h>

#define MAX_CHUNK 65536

/* The rewriter's output goes to stdout; non-zero stops the stream. */
static int write_out(const char *data, size_t len, void *user_data) {
  return fwrite(data, 1, len, (FILE *)user_data) == len ? 0 : -1;
}

static int usage(void) {
  fprintf(stderr, "usage: rewrite-stream [--chunk CHUNK] [--type CONTENT_TYPE] "
                  "[--encoding ENCODING] HOST[:HTTPS_PORT]...\n");
  return 2;
}

int main(int argc, char **argv) {
  size_t chunk = 7;
  const char *type = "text/html", *encoding = NULL;
  sslvdir_rewriter *rw = NULL;
  sslvdir_error err = {0};
  /* No policy: the hosts are given one by one. */
  if (sslvdir_rewriter_new(&rw, NULL, &err) != SSLVDIR_OK) {
    fprintf(stderr, "rewrite-stream: %s\n", err.message);
    return 1;
  }
  int hosts = 0, rc = SSLVDIR_OK;
  for (int i = 1; i < argc && rc == SSLVDIR_OK; i++) {
    if (!strcmp(argv[i], "--chunk") && i + 1 < argc) {
      char *end;
      unsigned long n = strtoul(argv[++i], &end, 10);
      if (*end || end == argv[i] || n < 1 || n > MAX_CHUNK) {
        fprintf(stderr, "rewrite-stream: --chunk is 1 to %d bytes\n", MAX_CHUNK);
        sslvdir_rewriter_free(rw);
        return 2;
      }
      chunk = n;
    } else if (!strcmp(argv[i], "--type") && i + 1 < argc) {
      type = argv[++i];
    } else if (!strcmp(argv[i], "--encoding") && i + 1 < argc) {
      encoding = argv[++i];
    } else if (argv[i][0] == '-') {
      sslvdir_rewriter_free(rw);
      return usage();
    } else {
      /* HOST or HOST:PORT (a bracketed IPv6 literal keeps its colons). */
      char host[300];
      unsigned long port = 443;
      const char *colon = strrchr(argv[i], ':');
      if (colon && strchr(colon, ']'))
        colon = NULL;
      size_t hl = colon ? (size_t)(colon - argv[i]) : strlen(argv[i]);
      if (hl >= sizeof host) {
        fprintf(stderr, "rewrite-stream: host name too long\n");
        sslvdir_rewriter_free(rw);
        return 2;
      }
      memcpy(host, argv[i], hl);
      host[hl] = '\0';
      if (colon) {
        char *end;
        port = strtoul(colon + 1, &end, 10);
        if (*end || end == colon + 1)
          port = 0; /* refused below, with the library's reason */
      }
      rc = sslvdir_rewriter_add_host(rw, host, port > 65535 ? 0 : (unsigned)port, &err);
      hosts++;
    }
  }
  if (rc != SSLVDIR_OK || !hosts) {
    if (rc != SSLVDIR_OK)
      fprintf(stderr, "rewrite-stream: %s\n", err.message);
    sslvdir_rewriter_free(rw);
    return rc != SSLVDIR_OK ? 2 : usage();
  }

  int mode = sslvdir_rewriter_begin(rw, type, strlen(type), encoding,
                                    encoding ? strlen(encoding) : 0);
  if (mode < 0) {
    fprintf(stderr, "rewrite-stream: %s\n", sslvdir_strerror(mode));
    sslvdir_rewriter_free(rw);
    return 1;
  }
  if (mode != SSLVDIR_BODY_REWRITE)
    fprintf(stderr, "rewrite-stream: %s: passed through unchanged\n",
            mode == SSLVDIR_BODY_PASS_ENCODED ? "an encoded body" : "a content type not handled");
  static char buf[MAX_CHUNK];
  size_t n;
  while (rc == SSLVDIR_OK && (n = fread(buf, 1, chunk, stdin)) > 0)
    rc = sslvdir_rewriter_feed(rw, buf, n, write_out, stdout);
  if (rc == SSLVDIR_OK)
    rc = sslvdir_rewriter_finish(rw, write_out, stdout); /* what was held back */
  int failed = rc != SSLVDIR_OK || ferror(stdin) || fflush(stdout) != 0;
  if (failed)
    fprintf(stderr, "rewrite-stream: %s\n",
            rc != SSLVDIR_OK ? sslvdir_strerror(rc) : "cannot read or write the body");
  sslvdir_rewriter_free(rw);
  return failed ? 1 : 0;
}
