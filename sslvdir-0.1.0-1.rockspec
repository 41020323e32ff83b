-- SPDX-License-Identifier: MIT
-- Copyright (c) 2026 The libsslvdir authors
--
-- The Lua module "sslvdir" for LuaRocks, built against an installed
-- libsslvdir (the external dependency SSLVDIR: its header and library).
-- In an unpacked release or a checkout, at the top: `luarocks make`
-- (doc/lua.md). tests/check-rockspec.sh checks the fields and builds the
-- module as the builtin backend would.
rockspec_format = "3.0"
package = "sslvdir"
version = "0.1.0-1"
source = {
   -- The release tarball (make dist). The project publishes no download
   -- address: luarocks make builds the unpacked tree and fetches nothing.
   url = "file://libsslvdir-0.1.0.tar.xz",
   dir = "libsslvdir-0.1.0",
}
description = {
   summary = "The SSL policy of IIS/Exchange virtual directories, for Lua and HAProxy",
   detailed = [[
What IIS would do with a request to an Exchange virtual directory (allow,
redirect to https, or deny with its 403.x), decided at the reverse proxy
by libsslvdir; also the rewriting of http:// links in offloaded responses
and Autodiscover answers. For Lua 5.3 (HAProxy's) and 5.4.]],
   license = "MIT",
}
dependencies = {
   "lua >= 5.3, < 5.5",
}
external_dependencies = {
   SSLVDIR = {
      header = "sslvdir/decide.h",
      library = "sslvdir",
   },
}
build = {
   type = "builtin",
   modules = {
      sslvdir = {
         sources = { "bindings/lua/sslvdir.c" },
         libraries = { "sslvdir" },
         incdirs = { "$(SSLVDIR_INCDIR)" },
         libdirs = { "$(SSLVDIR_LIBDIR)" },
      },
   },
}
