#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The release notes of a version: its NEWS entry, then the tarball's
# SHA-256 line (sha256sum's format, for `sha256sum -c`).
#
#   release-notes.sh --check NEWS VERSION
#       NEWS's first entry is VERSION, "(unreleased)" or dated YYYY-MM-DD.
#   release-notes.sh NEWS VERSION TARBALL.sha256
#       print the notes; refuses an undated entry or a checksum file that
#       does not name libsslvdir-VERSION.tar.xz.
set -eu
die() { echo "release-notes: $*" >&2; exit 1; }
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
[ $# -ge 2 ] || die "usage: release-notes.sh [--check] NEWS VERSION [TARBALL.sha256]"
news=$1 version=$2
[ -f "$news" ] || die "no $news"
first=$(grep -m1 -E '^[0-9]+\.[0-9]+\.[0-9]+ ' "$news" || true)
[ -n "$first" ] || die "$news has no entry of the form 'X.Y.Z (date)'"
case $first in
  "$version (unreleased)") dated=0 ;;
  "$version ("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]")") dated=1 ;;
  *) die "$news's first entry is '$first', not '$version (YYYY-MM-DD)' or '$version (unreleased)'" ;;
esac
[ $check = 1 ] && exit 0
[ $dated = 1 ] || die "$news's entry for $version is not dated: write '$version (YYYY-MM-DD)'"
[ $# -ge 3 ] || die "no checksum file: run make distcheck and make dist-checksum first"
sum=$3
[ -f "$sum" ] || die "no $sum: run make dist-checksum first"
grep -Eq "^[0-9a-f]{64}  libsslvdir-$version\.tar\.xz\$" "$sum" ||
  die "$sum does not hold the SHA-256 of libsslvdir-$version.tar.xz"
echo "libsslvdir $version"
echo
# The entry: from its heading to the next version heading.
awk -v first="$first" '
  $0 == first { on = 1; next }
  on && /^[0-9]+\.[0-9]+\.[0-9]+ / { exit }
  on { print }' "$news" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
echo
echo "SHA-256 of the tarball (check with: sha256sum -c libsslvdir-$version.tar.xz.sha256):"
echo
cat "$sum"
