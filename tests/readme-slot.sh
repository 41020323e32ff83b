#!/bin/sh
# The README's C snippet for reloading a policy (the one that declares a
# sslvdir_policy_slot) compiles against the public headers, with the
# warnings the library is built with, once its three parts -- at startup,
# per request, on reload -- are put into functions of their own.
set -eu
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "readme-slot: $*"; echo "0 passed, 1 failed"; exit 1; }

awk '/^```c$/ { inblock = 1; buf = ""; next }
     /^```$/ && inblock { if (buf ~ /sslvdir_policy_slot \*slot;/) { printf "%s", buf; found = 1 }
                          inblock = 0; next }
     inblock { buf = buf $0 "\n" }
     END { exit !found }' "$top_srcdir/README.md" > "$tmp/snippet" \
  || fail "README.md has no C snippet that declares a sslvdir_policy_slot"
grep -q '^/\* per request' "$tmp/snippet" && grep -q '^/\* on reload' "$tmp/snippet" \
  || fail "the snippet no longer has its '/* per request' and '/* on reload' parts"

{
  cat <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <sslvdir/sslvdir.h>
void send_redirect(int status, const char *location);
void at_startup(sslvdir_policy *policy);
void per_request(sslvdir_request req);
void on_reload(void);
EOF
  sed -n '1p' "$tmp/snippet"
  echo 'void at_startup(sslvdir_policy *policy) {'
  sed -n '2,/^\/\* per request/p' "$tmp/snippet" | sed '$d'
  echo '}'
  echo 'void per_request(sslvdir_request req) {'
  echo '  static _Thread_local sslvdir_decision d;'
  echo '  static _Thread_local char location[SSLVDIR_LOCATION_BUFSZ];'
  echo '  d.version = SSLVDIR_DECISION_VERSION;'
  sed -n '/^\/\* per request/,/^\/\* on reload/p' "$tmp/snippet" | sed '$d'
  echo '}'
  echo 'void on_reload(void) {'
  sed -n '/^\/\* on reload/,$p' "$tmp/snippet"
  echo '}'
} > "$tmp/readme.c"

if ! $cc -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
    -I"$top_builddir/include" -I"$top_srcdir/include" -c "$tmp/readme.c" -o "$tmp/readme.o" \
    2> "$tmp/errors"; then
  cat "$tmp/errors"
  echo "readme-slot: the program it was compiled as:"
  cat -n "$tmp/readme.c"
  fail "README.md's policy slot snippet does not compile"
fi
echo "readme-slot: README.md's policy slot snippet compiles"
echo "1 passed, 0 failed"
