# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Sourced by tests/python.sh and tests/lua.sh. The interpreters are not
# instrumented: in a sanitizer build, the runtimes our libraries link must
# be loaded first. Sets $preload to the LD_PRELOAD value ("" otherwise)
# for the shared objects given as arguments.
sanitizer_preload() {
  preload=""
  command -v ldd >/dev/null 2>&1 || return 0
  for rt in asan ubsan; do
    lib=$(ldd "$@" 2>/dev/null | awk -v rt="lib$rt.so" 'index($1, rt) == 1 { print $3; exit }')
    [ -n "$lib" ] && preload="$preload${preload:+:}$lib"
  done
  return 0
}
