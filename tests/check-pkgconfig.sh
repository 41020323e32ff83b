#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Installs into a temporary prefix, then compiles and runs a program against
# the installed headers and library found through pkg-config alone.
set -eu
top_builddir=${top_builddir:-.}
so=$(ls "$top_builddir"/lib/.libs/libsslvdir.so.[0-9]* | head -n 1)
if nm -D "$so" | grep -q '__asan_init\|__ubsan_handle'; then
  echo "check-pkgconfig: skipped for a sanitizer build (the program below is linked plainly)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -C "$top_builddir" install DESTDIR="$tmp" >/dev/null
prefix=$(sed -n 's/^prefix=//p' "$top_builddir/sslvdir.pc")
root="$tmp$prefix"
libdir=$(sed -n 's/^libdir=//p' "$top_builddir/sslvdir.pc" | sed "s|\${exec_prefix}|$prefix|;s|\${prefix}|$prefix|")
pcdir="$tmp$libdir/pkgconfig"
# No placeholder a user would follow (the project has no home page: no URL).
if grep -n 'example\.invalid' "$pcdir/sslvdir.pc"; then
  echo "check-pkgconfig: sslvdir.pc names a placeholder address"; exit 1
fi
cat > "$tmp/use.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <sslvdir/sslvdir.h>
int main(void) {
  sslvdir_builder *b;
  sslvdir_policy *p;
  if (sslvdir_builder_new(&b, NULL) || sslvdir_preset_apply_opts(b, "exchange2016", "Default Web Site", SSLVDIR_PRESET_REDIRECT, NULL) ||
      sslvdir_builder_add_host(b, "Default Web Site", "mail.contoso.com", NULL) ||
      sslvdir_builder_build(b, &p, NULL))
    return 1;
  sslvdir_builder_free(b);
  sslvdir_request r = SSLVDIR_REQUEST_INIT;
  r.method = "GET"; r.method_len = 3;
  r.target = "/owa/"; r.target_len = 5;
  sslvdir_decision d;
  static char loc[SSLVDIR_LOCATION_BUFSZ];
  d.version = SSLVDIR_DECISION_VERSION;
  if (sslvdir_decide(p, &r, &d) || sslvdir_decision_location(&d, &r, loc, sizeof loc, NULL)) return 1;
  printf("%s %d %s (%s, header %s)\n", sslvdir_action_name(d.action), d.status, loc,
         sslvdir_version(NULL), SSLVDIR_VERSION);
  sslvdir_policy_unref(p);
  return strcmp(loc, "https://mail.contoso.com/owa/") != 0;
}
C
# Compiling needs sslvdir.pc alone: no public header includes GnuTLS's or
# libxml2's, so --cflags must not need their .pc files (PKG_CONFIG_LIBDIR
# hides the system's). Static linking gets them all from Libs.private.
if ! PKG_CONFIG_SYSROOT_DIR="$tmp" PKG_CONFIG_LIBDIR="$pcdir" pkg-config --cflags sslvdir >/dev/null; then
  echo "check-pkgconfig: pkg-config --cflags sslvdir needs other packages' .pc files"; echo "0 passed, 1 failed"; exit 1
fi
if grep -rlE '#[[:space:]]*include[[:space:]]*<(gnutls|libxml)/' "$root/include/sslvdir"; then
  echo "check-pkgconfig: an installed header includes GnuTLS's or libxml2's: sslvdir.pc must require them"; echo "0 passed, 1 failed"; exit 1
fi
static=$(PKG_CONFIG_SYSROOT_DIR="$tmp" PKG_CONFIG_LIBDIR="$pcdir" pkg-config --static --libs sslvdir)
case " $static " in
  *" -lgnutls "*" -lxml2 "*) ;;
  *) echo "check-pkgconfig: pkg-config --static --libs sslvdir lacks -lgnutls or -lxml2: $static"; echo "0 passed, 1 failed"; exit 1 ;;
esac
cflags=$(PKG_CONFIG_SYSROOT_DIR="$tmp" PKG_CONFIG_PATH="$pcdir" pkg-config --cflags sslvdir)
libs=$(PKG_CONFIG_SYSROOT_DIR="$tmp" PKG_CONFIG_PATH="$pcdir" pkg-config --libs sslvdir)
${CC:-cc} -std=c11 -Wall -Werror $cflags -o "$tmp/use" "$tmp/use.c" $libs
LD_LIBRARY_PATH="$tmp$libdir" "$tmp/use"
for f in "$root/bin/sslvdir" "$root/include/sslvdir/sslvdir.h" "$root/include/sslvdir/version.h" \
         "$root/share/man/man1/sslvdir.1" "$root/share/man/man3/sslvdir_decide.3"; do
  [ -e "$f" ] || { echo "check-pkgconfig: $f not installed"; echo "0 passed, 1 failed"; exit 1; }
done
passed=1

# The bindings, as installed: "import sslvdir" where the interpreter looks,
# the Lua modules where each Lua's package.cpath looks, the HAProxy plugin.
dirs=$(make -s -C "$top_builddir" print-install-dirs)
get() { printf '%s\n' "$dirs" | sed -n "s/^$1=//p"; }
if [ "$(get python)" = yes ]; then
  pyexecdir=$(get pyexecdir)
  py=$(get PYTHON)
  # With the default prefix, an interpreter that reads a directory under
  # /usr/local/lib/pythonX.Y (Debian's: dist-packages) must find the package
  # there. One that reads none (pyenv, a venv) needs PYTHONPATH: configure
  # said so; the import below uses PYTHONPATH either way.
  if [ "$prefix" = /usr/local ]; then
    reads=$("$py" -c 'import sys; print(" ".join(p for p in sys.path if p.startswith(sys.argv[1] + "/lib/python")))' "$prefix")
    if [ -z "$reads" ]; then
      echo "check-pkgconfig: note: $py reads nothing under $prefix/lib/python*; installed in $pyexecdir (PYTHONPATH)"
    else
      case " $reads " in
        *" $pyexecdir "*) ;;
        *) echo "check-pkgconfig: $pyexecdir is not on $py's sys.path ($reads)"; echo "$passed passed, 1 failed"; exit 1 ;;
      esac
    fi
  fi
  PYTHONPATH="$tmp$pyexecdir" LD_LIBRARY_PATH="$tmp$libdir" "$py" -c '
import sslvdir, sys
ns = dict(preset="exchange2016", hosts="mail.contoso.com", autodiscover_domains="contoso.com")
p = sslvdir.load_policy(redirect=True, **ns)
d = p.decide("GET", "/owa/", "mail.contoso.com")
assert d.location == "https://mail.contoso.com/owa/", d
assert sslvdir.load_policy(**ns).decide("GET", "/owa/", "mail.contoso.com").iis_status == "403.4"
assert sslvdir.__file__.startswith(sys.argv[1]), sslvdir.__file__
' "$tmp"
  for f in __init__.py __init__.pyi py.typed; do
    [ -e "$tmp$pyexecdir/sslvdir/$f" ] || { echo "check-pkgconfig: sslvdir/$f not installed"; exit 1; }
  done
  passed=$((passed + 1))
fi
for v in 53 54; do
  bin=$(get "lua${v}_bin")
  [ -n "$bin" ] || continue
  dir=$(get "lua${v}dir")
  # With the default prefix, the interpreter's own package.cpath finds it.
  if [ "$prefix" = /usr/local ]; then
    "$bin" -e "os.exit(package.cpath:find('$dir/?.so', 1, true) and 0 or 1)" ||
      { echo "check-pkgconfig: $dir/?.so is not on $bin's package.cpath"; exit 1; }
  fi
  LD_LIBRARY_PATH="$tmp$libdir" "$bin" -e "
    package.cpath = '$tmp$dir/?.so'
    local s = require('sslvdir')
    local function ns(t)
      t.preset, t.hosts, t.autodiscover_domains = 'exchange2016', 'mail.contoso.com', 'contoso.com'
      return t
    end
    local p = assert(s.load(ns{redirect = true}))
    assert(p:decide{method = 'GET', target = '/owa/', host = 'mail.contoso.com'}.status == 302)
    p = assert(s.load(ns{}))
    assert(p:decide{method = 'GET', target = '/owa/', host = 'mail.contoso.com'}.substatus == 4)"
  passed=$((passed + 1))
done
plugin="$tmp$(get haproxydir)/sslvdir.lua"
[ -f "$plugin" ] && [ -f "$(dirname "$plugin")/exchange2016.cfg" ] ||
  { echo "check-pkgconfig: the HAProxy plugin is not installed at $plugin"; exit 1; }
# The installed example names where this install put the module and the
# plugin, for any prefix (here another one, given to make install).
make -s -C "$top_builddir" install-haproxy-example DESTDIR="$tmp/other" \
  haproxydir=/opt/sv/share/libsslvdir/haproxy lua53dir=/opt/sv/lib/lua/5.3 >/dev/null
cfg="$tmp/other/opt/sv/share/libsslvdir/haproxy/exchange2016.cfg"
if ! grep -q '^    lua-prepend-path /opt/sv/lib/lua/5.3/?.so cpath$' "$cfg" ||
   ! grep -q '^    lua-load-per-thread /opt/sv/share/libsslvdir/haproxy/sslvdir.lua$' "$cfg" ||
   grep -n '/usr/local' "$cfg"; then
  echo "check-pkgconfig: the installed exchange2016.cfg does not name the install's paths"; exit 1
fi
# README's settings for a private prefix, against this install: its
# PKG_CONFIG_PATH finds sslvdir.pc, LD_LIBRARY_PATH the library, LUA_CPATH
# the module; PYTHONPATH is the directory configure uses for a prefix its
# Python does not read (automake's site-packages, which its warning names).
# They describe configure's default layout (libraries in PREFIX/lib); a
# build given another --libdir (Debian's packages: /usr/lib/<triplet>) has
# other paths, so they are checked only against that layout.
readme=$(awk '/^<!-- install: a private prefix -->/ { f = 1; next } f && /^```sh/ { b = 1; next } b && /^```/ { exit } b' \
  "$top_srcdir/README.md" | sed -n 's/^export \([A-Z_]*=[^ ]*\).*/\1/p')
[ "$(printf '%s\n' "$readme" | wc -l)" = 4 ] || { echo "check-pkgconfig: README's install settings not found: $readme"; exit 1; }
if [ "$libdir" != "$prefix/lib" ]; then
  echo "check-pkgconfig: note: libdir is $libdir, not PREFIX/lib: README's settings for a private prefix not checked"
else (
  PREFIX="$tmp$prefix"
  eval "export $(printf '%s\n' "$readme" | grep -v '^PYTHONPATH=' | tr '\n' ' ')"
  pkg-config --exists sslvdir || { echo "check-pkgconfig: README's PKG_CONFIG_PATH=$PKG_CONFIG_PATH finds no sslvdir.pc"; exit 1; }
  "$tmp/use" >/dev/null || { echo "check-pkgconfig: README's LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; exit 1; }
  if [ -n "$(get lua53_bin)" ] && [ "$(get lua53dir)" = "$prefix/lib/lua/5.3" ]; then
    "$(get lua53_bin)" -e 'require("sslvdir")' || { echo "check-pkgconfig: README's LUA_CPATH=$LUA_CPATH"; exit 1; }
  fi
  if [ "$(get python)" = yes ]; then
    want=$PREFIX/lib/python$("$(get PYTHON)" -c 'import sys; print("%d.%d" % sys.version_info[:2])')/site-packages
    eval "$(printf '%s\n' "$readme" | grep '^PYTHONPATH=')"
    [ "$PYTHONPATH" = "$want" ] || { echo "check-pkgconfig: README's PYTHONPATH=$PYTHONPATH, configure's $want"; exit 1; }
  fi
) || exit 1; fi
# The example policies the documentation names, under docdir/examples, and
# the licence beside the documentation.
docdir=$(get docdir)
[ -f "$tmp$docdir/LICENSE" ] || { echo "check-pkgconfig: $docdir/LICENSE not installed"; exit 1; }
for f in exchange2016-offload.xml autodiscover.xml hand-written.xml; do
  [ -f "$tmp$docdir/examples/$f" ] || { echo "check-pkgconfig: $docdir/examples/$f not installed"; exit 1; }
done
LD_LIBRARY_PATH="$tmp$libdir" "$root/bin/sslvdir" show --policy "$tmp$docdir/examples/exchange2016-offload.xml" >/dev/null ||
  { echo "check-pkgconfig: the installed example policy does not load"; exit 1; }
passed=$((passed + 1))

# The nginx module, installed: nginx loads it with no LD_LIBRARY_PATH. The
# DESTDIR install above cannot show it (the module's RUNPATH names libdir,
# not the staging directory), so the library and the module go into a
# private prefix for real, as `./configure --prefix=$HOME/x && make install`
# puts them. Into a libdir the dynamic linker searches (Debian's package),
# the module goes without RUNPATH (lintian refuses an RPATH there).
if [ -f "$top_builddir/bindings/nginx/ngx_http_sslvdir_module.so" ]; then
  NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
  [ -x "$NGINX" ] || { echo "check-pkgconfig: nginx module built but no nginx to load it"; exit 1; }
  p="$tmp/private"
  make -s -C "$top_builddir" install-libLTLIBRARIES install-nginx-module prefix="$p" exec_prefix="$p" \
    libdir="$p/lib" nginxmoddir="$p/lib/nginx/modules" >/dev/null
  mkdir -p "$tmp/ngx/logs"
  cat > "$tmp/ngx/nginx.conf" <<CFG
load_module $p/lib/nginx/modules/ngx_http_sslvdir_module.so;
pid $tmp/ngx/nginx.pid;
events {}
http {
    sslvdir_preset exchange2016;
    sslvdir_host mail.contoso.com;
    sslvdir_ad_domain contoso.com;
}
CFG
  if ! env -u LD_LIBRARY_PATH "$NGINX" -t -q -p "$tmp/ngx" -c "$tmp/ngx/nginx.conf" -e "$tmp/ngx/logs/error.log" \
       > "$tmp/ngx/t.log" 2>&1; then
    echo "check-pkgconfig: nginx cannot load the module installed in $p:"; cat "$tmp/ngx/t.log"
    echo "$passed passed, 1 failed"; exit 1
  fi
  make -s -C "$top_builddir" install-nginx-module DESTDIR="$tmp/system" libdir=/usr/lib \
    nginxmoddir=/usr/lib/nginx/modules >/dev/null
  if readelf -d "$tmp/system/usr/lib/nginx/modules/ngx_http_sslvdir_module.so" | grep -E 'RPATH|RUNPATH'; then
    echo "check-pkgconfig: the nginx module installed for libdir /usr/lib has an RPATH"
    echo "$passed passed, 1 failed"; exit 1
  fi
  passed=$((passed + 1))
fi
echo "$passed passed, 0 failed"
