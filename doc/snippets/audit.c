/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * README.md, the audit: a server's configuration, registry values and
 * certificate, loaded beforehand (as the snippet's comments say how). */
#include <stdio.h>
#include <stdlib.h>
#include <sslvdir/sslvdir.h>

void audit_server(const sslvdir_iisconfig *config, const sslvdir_settings *registry,
                  const sslvdir_cert *cert);

void audit_server(const sslvdir_iisconfig *config, const sslvdir_settings *registry,
                  const sslvdir_cert *cert) {
  /* @SNIPPET@ */
}
