#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# NEWS's first entry is the configured version (dated, or "unreleased"
# while it is being written), and doc/release-notes.sh makes the release
# notes from it: the entry and a checksum line that sha256sum -c accepts.
set -eu
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
notes="$(cd "$top_srcdir" && pwd)/doc/release-notes.sh"
version=$(sed -n 's/^#define SSLVDIR_VERSION "\(.*\)"$/\1/p' "$top_builddir/include/sslvdir/version.h")
[ -n "$version" ] || { echo "check-news: no SSLVDIR_VERSION in version.h"; exit 1; }
sh "$notes" --check "$top_srcdir/NEWS" "$version"

t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
fail() { echo "check-news: $*"; exit 1; }
cd "$t"
printf 'libsslvdir NEWS\n\n9.8.7 (unreleased)\n- A change.\n\n9.8.6 (2026-01-02)\n- Older.\n' > NEWS
echo tarball > libsslvdir-9.8.7.tar.xz
sha256sum libsslvdir-9.8.7.tar.xz > libsslvdir-9.8.7.tar.xz.sha256
# An undated entry makes no notes, and says what to write.
if sh "$notes" NEWS 9.8.7 libsslvdir-9.8.7.tar.xz.sha256 > out 2> err; then fail "undated entry accepted"; fi
grep -q "9.8.7 (YYYY-MM-DD)" err || fail "undated: $(cat err)"
# Another version than NEWS's first entry is refused, also by --check.
if sh "$notes" --check NEWS 9.8.8 2> err; then fail "--check accepted the wrong version"; fi
sed -i 's/^9.8.7 (unreleased)$/9.8.7 (2026-11-27)/' NEWS
sh "$notes" NEWS 9.8.7 libsslvdir-9.8.7.tar.xz.sha256 > out
grep -qx -- "- A change." out || fail "the entry is not in the notes"
if grep -q "Older" out; then fail "the notes run into the previous entry"; fi
tail -n 1 out > check.sha256
sha256sum -c check.sha256 > /dev/null || fail "the notes' checksum line does not check: $(tail -n 1 out)"
# A checksum of another file is refused.
echo "0000000000000000000000000000000000000000000000000000000000000000  other.tar.xz" > bad.sha256
if sh "$notes" NEWS 9.8.7 bad.sha256 > out 2> err; then fail "a checksum of another file accepted"; fi
echo "check-news: NEWS names $version; release notes checked"
