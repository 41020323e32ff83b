#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The applicationHost.config fixtures of every Exchange version and variant:
# they are what tests/data/config/gen-exchange.py makes of the table
# lib/exchange_defaults.def, and `sslvdir audit`, `config show` and `eval`
# say of each exactly what tests/data/config/fixtures.txt expects.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
sv="$top_builddir/tools/sslvdir"
data="$top_srcdir/tests/data/config"
python=${PYTHON3:-${PYTHON:-python3}}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT

# 1. The committed fixtures are the generator's output, byte for byte.
if "$python" "$data/gen-exchange.py" "$work" >/dev/null; then
  n=0
  for f in "$work"/*.config; do
    n=$((n + 1))
    if cmp -s "$f" "$data/$(basename "$f")"; then ok; else
      ko "tests/data/config/$(basename "$f") is not what gen-exchange.py writes: run it there"; fi
  done
  [ $n -ge 18 ] && ok || ko "gen-exchange.py wrote $n fixtures"
else
  ko "gen-exchange.py failed"
fi

# 2. What the command says of each.
findings() { grep -E '^(error|warning|info) \[' | sed -E 's/^([a-z]+) \[([^]]*)\] /\1 \2 /'; }
check_fixture() { # name version: compares the collected expectations
  cfg="$data/$1.config"
  [ -f "$cfg" ] || { ko "$1: no such fixture"; return; }
  got=$("$sv" audit --config "$cfg" --exchange-version "$2" | findings)
  if [ "$got" = "$want_audit" ]; then ok; else
    ko "audit of $1 as $2"; printf '  want:\n%s\n  got:\n%s\n' "$want_audit" "$got"; fi
  if [ "$quiet" = 1 ]; then
    loud=$("$sv" audit --config "$cfg" | findings | grep -v '^info ')
    [ -z "$loud" ] && ok || { ko "audit of $1 without a version"; printf '%s\n' "$loud"; }
  fi
  warns=$("$sv" config show "$cfg" | sed -n 's/^warning: line [0-9]*: //p')
  nw=$(printf '%s' "$warns" | grep -c . || true)
  if [ "$nw" -eq "$nwarn" ]; then ok; else ko "config show $1: $nw warnings, want $nwarn"; printf '%s\n' "$warns"; fi
  missing=$(printf '%s\n' "$want_warn" | while IFS= read -r w; do
    [ -z "$w" ] || printf '%s\n' "$warns" | grep -qF -- "$w" || echo "$w"
  done)
  [ -z "$missing" ] && ok || ko "config show $1: no warning '$missing'"
}
name=
while IFS= read -r line; do
  case $line in
    '#'*|'') ;;
    'fixture '*)
      set -- $line; name=$2; version=$3
      want_audit=; want_warn=; nwarn=0; quiet=0 ;;
    'audit '*)
      a=${line#audit }
      want_audit=$(printf '%s%s%s' "$want_audit" "${want_audit:+
}" "$a") ;;
    quiet) quiet=1 ;;
    'warn '*)
      nwarn=$((nwarn + 1)); want_warn=$(printf '%s\n%s' "$want_warn" "${line#warn }") ;;
    'eval '*)
      req=${line#eval }; want=${req##*=> }; req=${req% =>*}
      # shellcheck disable=SC2086
      got=$("$sv" eval --iisconfig "$data/$name.config" $req | sed -n 's/^action: *//p')
      if [ "$got" = "$want" ]; then ok; else ko "$name: eval $req: want '$want', got '$got'"; fi ;;
    end) check_fixture "$name" "$version" ;;
    *) ko "fixtures.txt: cannot read '$line'" ;;
  esac
done < "$data/fixtures.txt"

# 3. Every fixture the generator writes is described.
for f in "$work"/*.config; do
  b=$(basename "$f" .config)
  grep -q "^fixture $b " "$data/fixtures.txt" && ok || ko "fixtures.txt does not describe $b"
done

echo "exchange-fixtures.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
