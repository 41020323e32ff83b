/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: the SSL policy of IIS/Exchange virtual directories, for the
 * reverse proxies in front of them. Include this header to get all of it.
 */
#ifndef SSLVDIR_SSLVDIR_H
#define SSLVDIR_SSLVDIR_H

#include <sslvdir/version.h>
#include <sslvdir/common.h>
#include <sslvdir/reason.h>
#include <sslvdir/flags.h>
#include <sslvdir/path.h>
#include <sslvdir/settings.h>
#include <sslvdir/vdir.h>
#include <sslvdir/site.h>
#include <sslvdir/policy.h>
#include <sslvdir/builder.h>
#include <sslvdir/preset.h>
#include <sslvdir/policyfile.h>
#include <sslvdir/options.h>
#include <sslvdir/decide.h>
#include <sslvdir/rewrite.h>
#include <sslvdir/autodiscover.h>
#include <sslvdir/iisconfig.h>
#include <sslvdir/registry.h>
#include <sslvdir/plan.h>
#include <sslvdir/cert.h>
#include <sslvdir/trust.h>
#include <sslvdir/tls.h>
#include <sslvdir/audit.h>

#endif /* SSLVDIR_SSLVDIR_H */
