#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Writes the seed corpus of fuzz_cert (tests/fuzz/corpus/cert) with
# certtool. The certificates never expire (expiration 9999-12-31, "no
# well-defined expiration"), and no private key is kept: the keys are made
# in a temporary directory and deleted. Each seed starts with the byte that
# selects fuzz_cert's mode.
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus/cert
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
cd "$tmp"
q() { "$@" >/dev/null 2>&1; }
q certtool --generate-privkey --key-type ecdsa --outfile ca.key
printf 'cn = "Fuzz CA"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = -1\n' > ca.t
q certtool --generate-self-signed --load-privkey ca.key --template ca.t --outfile ca.pem
q certtool --generate-privkey --key-type ecdsa --outfile leaf.key
printf '%s\n' 'cn = "mail.contoso.com"' 'dns_name = "mail.contoso.com"' \
  'dns_name = "*.contoso.com"' 'dns_name = "server01"' 'ip_address = "192.0.2.1"' \
  'ip_address = "2001:db8::1"' 'expiration_days = -1' 'tls_www_server' > leaf.t
q certtool --generate-certificate --load-privkey leaf.key --load-ca-certificate ca.pem \
  --load-ca-privkey ca.key --template leaf.t --outfile leaf.pem
q certtool --certificate-info --infile leaf.pem --outder --outfile leaf.der
cat leaf.pem ca.pem > chain.pem
q certtool --to-p12 --load-certificate chain.pem --p12-name fuzz --password fuzz --outder \
  --outfile chain.p12
printf 'crl_next_update = 36500\ncrl_number = 1\n' > crl.t
q certtool --generate-crl --load-ca-privkey ca.key --load-ca-certificate ca.pem \
  --load-certificate leaf.pem --template crl.t --outfile crl.pem
seed() { { printf "$1"; cat "$2"; } > "$out/$3"; }
seed '\000' leaf.pem pem-leaf
seed '\000' leaf.der der-leaf
seed '\000' chain.pem pem-chain
seed '\000' chain.p12 pkcs12-chain
seed '\001' leaf.der peer-der
seed '\003' crl.pem crl
printf '\002ECDHE-RSA-AES128-GCM-SHA256' > "$out/cipher-openssl"
printf '\002TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA' > "$out/cipher-iana"
printf '\002DES-CBC3-SHA' > "$out/cipher-3des"
printf '\000-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' > "$out/pem-truncated"
echo "gen-cert-seeds: $(ls "$out" | wc -l) seeds in $out"
