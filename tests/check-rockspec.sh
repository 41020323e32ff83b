#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The rockspec at the top (sslvdir-VERSION-1.rockspec) is what `luarocks
# make` can use: valid Lua, with the fields LuaRocks requires of a
# rockspec_format 3.0 builtin build, the release's version, and sources that
# exist. Then the module is built as the builtin backend builds it (each
# source with -O2 -fPIC and the rockspec's incdirs, linked -shared with its
# libdirs and libraries), with the external dependency SSLVDIR pointed at
# this tree's headers and library laid out as an install lays them, and
# each Lua built for loads it and decides. LuaRocks itself is not needed.
# Skips (77) without lua5.3/lua5.4 and their headers.
set -eu
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
me=check-rockspec
fail() { echo "$me: $*"; echo "0 passed, 1 failed"; exit 1; }
version=$(sed -n 's/^Version: *//p' "$top_builddir/sslvdir.pc")
spec="$top_srcdir/sslvdir-$version-1.rockspec"
[ -f "$spec" ] || fail "no sslvdir-$version-1.rockspec at the top for release $version"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# What an install of the library puts in SSLVDIR_INCDIR/sslvdir.
mkdir -p "$tmp/inc/sslvdir"
cp "$top_srcdir"/include/sslvdir/*.h "$tmp/inc/sslvdir/"
cp "$top_builddir/include/sslvdir/version.h" "$tmp/inc/sslvdir/"
libdir=$(cd "$top_builddir/lib/.libs" && pwd)

so=$(ls "$libdir"/libsslvdir.so.[0-9]* | head -n 1)
if nm -D "$so" | grep -q '__asan_init\|__ubsan_handle'; then
  echo "$me: a sanitizer build (the module below is linked plainly); skipped"; exit 77
fi

passed=0
for v in 5.3 5.4; do
  lua=$(command -v "lua$v" || true)
  [ -n "$lua" ] && luainc=$(pkg-config --cflags "lua$v" 2>/dev/null) || continue
  # The rockspec, read as LuaRocks reads it: a chunk of assignments run in
  # an empty environment. Prints the build's commands' parts, one a line.
  parts=$("$lua" - "$spec" "$version" "$tmp/inc" "$libdir" <<'LUA'
local spec, version, incdir, libdir = ...
local r = {}
local chunk, err = loadfile(spec, "t", r)
if not chunk then io.stderr:write("not valid Lua: ", err, "\n") os.exit(1) end
local ok, e = pcall(chunk)
if not ok then io.stderr:write("does not run: ", e, "\n") os.exit(1) end
local function need(cond, what) if not cond then io.stderr:write(what, "\n") os.exit(1) end end
need(r.rockspec_format == "3.0", "rockspec_format is not \"3.0\"")
need(r.package == "sslvdir", "package is not \"sslvdir\"")
need(r.version == version .. "-1", "version is not \"" .. version .. "-1\" (the release's, revision 1)")
need(spec:match("([^/]+)$") == r.package .. "-" .. r.version .. ".rockspec", "file name is not PACKAGE-VERSION.rockspec")
need(type(r.source) == "table" and type(r.source.url) == "string" and r.source.url ~= "", "no source.url")
need(r.source.dir == "libsslvdir-" .. version, "source.dir is not the tarball's directory libsslvdir-" .. version)
need(r.source.url:find("libsslvdir-" .. version, 1, true), "source.url does not name this release")
need(type(r.description) == "table" and r.description.license == "MIT", "description.license is not MIT")
local luadep = false
for _, d in ipairs(r.dependencies or {}) do luadep = luadep or d:match("^lua ") ~= nil end
need(luadep, "no dependency on lua")
local ext = (r.external_dependencies or {}).SSLVDIR
need(ext and ext.header == "sslvdir/decide.h" and ext.library == "sslvdir",
     "external_dependencies.SSLVDIR is not { header = \"sslvdir/decide.h\", library = \"sslvdir\" }")
need(type(r.build) == "table" and r.build.type == "builtin", "build.type is not \"builtin\"")
local m = (r.build.modules or {}).sslvdir
need(type(m) == "table" and type(m.sources) == "table" and #m.sources > 0, "build.modules.sslvdir has no sources")
local function subst(s)
  return (s:gsub("%$%(SSLVDIR_INCDIR%)", incdir):gsub("%$%(SSLVDIR_LIBDIR%)", libdir))
end
for _, s in ipairs(m.sources) do print("src " .. s) end
for _, s in ipairs(m.incdirs or {}) do print("inc " .. subst(s)) end
for _, s in ipairs(m.libdirs or {}) do print("libdir " .. subst(s)) end
for _, s in ipairs(m.libraries or {}) do print("lib " .. s) end
LUA
  ) || fail "$spec: see above"
  incs=$(printf '%s\n' "$parts" | sed -n 's/^inc /-I/p')
  ldirs=$(printf '%s\n' "$parts" | sed -n 's/^libdir /-L/p')
  libs=$(printf '%s\n' "$parts" | sed -n 's/^lib /-l/p')
  mkdir -p "$tmp/$v"
  objs=
  for s in $(printf '%s\n' "$parts" | sed -n 's/^src //p'); do
    [ -f "$top_srcdir/$s" ] || fail "source $s is not in the tree"
    o="$tmp/$v/$(basename "$s" .c).o"
    # shellcheck disable=SC2086
    ${CC:-cc} -O2 -fPIC $luainc $incs -c "$top_srcdir/$s" -o "$o" || fail "$s does not compile for Lua $v"
    objs="$objs $o"
  done
  # shellcheck disable=SC2086
  ${CC:-cc} -shared -o "$tmp/$v/sslvdir.so" $objs $ldirs $libs || fail "the module does not link for Lua $v"
  LD_LIBRARY_PATH="$libdir" "$lua" -e "
    package.cpath = '$tmp/$v/?.so'
    local s = require('sslvdir')
    local p = assert(s.load{preset = 'exchange2016', hosts = 'mail.contoso.com',
                            autodiscover_domains = 'contoso.com', redirect = true})
    local d = p:decide{method = 'GET', target = '/owa/', host = 'mail.contoso.com'}
    assert(d.status == 302, d.status)" || fail "the module built from the rockspec does not decide in Lua $v"
  passed=$((passed + 1))
done
[ "$passed" -gt 0 ] || { echo "$me: neither lua5.3 nor lua5.4 with its headers; skipped"; exit 77; }
echo "$passed passed, 0 failed"
