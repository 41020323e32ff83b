# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Shared by the tests that run HAProxy with the plugin (tests/haproxy.sh,
# tests/haproxy-deploy.sh, tests/e2e-exchangelib.sh, tests/curl-e2e.sh) or
# nginx with the module (tests/nginx-autodiscover.sh, and
# tests/e2e-exchangelib.sh with E2E_PROXY=nginx): sourced, not run. A test
# may define its own checks after sourcing it. The caller sets $me (its
# name, for messages) before sourcing it, and e2e_proxy=nginx for nginx.
# shellcheck disable=SC2154 # $me is the caller's
#
# Gives: top_srcdir and top_builddir made absolute; need MESSAGE (a missing
# tool: skip, 77, or a failure with SSLVDIR_REQUIRE_READERS=1, as CI runs);
# $CURL $PY $certs, checked; for HAProxy $HAPROXY $module and
# $work/lua/sslvdir.so; for nginx $NGINX, $nginx_module, run_nginx ARGS...
# and start_nginx LOG ARGS... (nginx with the sanitizer runtimes preloaded
# in a sanitizer build, which nginx runs the module under); $work (removed at exit, kept
# with KEEP=1); free_ports N; start NAME CMD...
# (in the background, killed at exit); wait_up URL LOG...; and the checks
# req, expect_status, expect_header, no_header, expect_body, ok, fail, with
# the counters pass and fails, and finish (the summary and exit status).

: "${top_srcdir:=.}" "${top_builddir:=.}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)

need() {
  if [ "${SSLVDIR_REQUIRE_READERS:-0}" = 1 ]; then
    echo "$me: $1 (required here: SSLVDIR_REQUIRE_READERS=1)" >&2
    exit 1
  fi
  echo "$me: skipped: $1" >&2
  exit 77
}

CURL=${CURL:-$(command -v curl || true)}
PY=${PYTHON3:-${PYTHON:-python3}}
[ -n "$CURL" ] || need "curl not installed"
certs="$top_builddir/tests/certs"
[ -f "$certs/server.pem" ] || need "no test certificates ($certs)"
if [ "${e2e_proxy:-haproxy}" = nginx ]; then
  NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
  nginx_module="$top_builddir/bindings/nginx/ngx_http_sslvdir_module.so"
  [ -f "$nginx_module" ] || need "the nginx module is not built (nginx-dev not installed, or configure --without-nginx-src)"
  [ -x "$NGINX" ] || need "nginx not installed"
  # shellcheck source=tests/sanitizer-preload.sh
  . "$top_srcdir/tests/sanitizer-preload.sh"
  sanitizer_preload "$nginx_module"
  # nginx is not instrumented: the runtimes go first, and nginx's own
  # memory (never freed at exit) is not the module's leak. `env` execs
  # nginx, so that `start LOG run_nginx ...` would not leave it behind:
  # start_nginx LOG ARGS... runs it in the background.
  nginx_env=""
  [ -z "$preload" ] || nginx_env="LD_PRELOAD=$preload ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  # shellcheck disable=SC2086 # nginx_env is words
  run_nginx() { env $nginx_env "$NGINX" "$@"; }
  # shellcheck disable=SC2086
  start_nginx() { log=$1; shift; start "$log" env $nginx_env "$NGINX" "$@"; }
else
  HAPROXY=${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}
  [ -x "$HAPROXY" ] || need "haproxy not installed"
  module="$top_builddir/bindings/lua/5.3/.libs/sslvdir.so"
  [ -f "$module" ] || need "the Lua 5.3 module is not built (liblua5.3-dev)"
  if ldd "$module" 2>/dev/null | grep -q 'libasan'; then
    echo "$me: skipped: sanitizer build (HAProxy is not instrumented; the Lua tests cover the module)" >&2
    exit 77
  fi
fi

work=$(mktemp -d)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  sleep 0.2
  for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
if [ "${e2e_proxy:-haproxy}" = haproxy ]; then
  mkdir "$work/lua"
  cp "$module" "$work/lua/sslvdir.so"
fi
export LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# free_ports N: N TCP ports free on 127.0.0.1 now.
free_ports() {
  "$PY" -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# start LOG CMD...: runs CMD in the background, output to LOG; its pid in $last.
start() {
  log=$1
  shift
  "$@" > "$log" 2>&1 &
  last=$!
  pids="$pids $last"
}

# stop PID: ends one process this test started.
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# wait_up URL LOG...: until URL answers (any status), at most 10 s.
wait_up() {
  url=$1
  shift
  i=0
  until "$CURL" -sk --noproxy '*' -o /dev/null "$url" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
      echo "$me: nothing answers $url" >&2
      cat "$@" >&2
      exit 1
    fi
    sleep 0.1
  done
}

fails=0
pass=0
resolve=""
# req NAME CURL-ARGS...: headers to $work/h2 (no CR), body to $work/b;
# $resolve holds the caller's --resolve options.
req() {
  name=$1
  shift
  # shellcheck disable=SC2086
  "$CURL" -s -S --noproxy '*' --max-time 20 $resolve --cacert "$certs/ca.pem" -D "$work/h" -o "$work/b" "$@" ||
    { fail "$name" "curl failed"; return 1; }
  tr -d '\r' < "$work/h" > "$work/h2"
}
fail() { # NAME WHY
  echo "FAIL $1: $2"
  fails=$((fails + 1))
}
expect_status() {
  got=$(head -n1 "$work/h2" | awk '{print $2}')
  [ "$got" = "$2" ] && return 0
  fail "$1" "status $got, want $2"; sed 's/^/    /' "$work/h2"; head -c 600 "$work/b" | sed 's/^/    /'; return 1
}
expect_header() { # NAME HEADER-LINE-REGEX
  grep -Eiq "$2" "$work/h2" && return 0
  fail "$1" "no header matching '$2'"; sed 's/^/    /' "$work/h2"; return 1
}
no_header() {
  grep -Eiq "$2" "$work/h2" || return 0
  fail "$1" "unexpected header matching '$2'"; sed 's/^/    /' "$work/h2"; return 1
}
expect_body() {
  grep -Eq "$2" "$work/b" && return 0
  fail "$1" "body does not match '$2'"; head -c 600 "$work/b" | sed 's/^/    /'; return 1
}
ok() { echo "ok   $1"; pass=$((pass + 1)); }
finish() {
  echo "$me: $pass passed, $fails failed"
  [ "$fails" = 0 ]
}
