#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# Makes the certificates the tests use, with GnuTLS's certtool, into DIR
# (default tests/certs). Nothing here is committed: every run makes fresh
# keys and certificates, dated from today, so none expires during the
# project's life.
#
#   ca          a CA (RSA 2048)
#   server      mail.contoso.com, autodiscover.contoso.com,
#               server01.contoso.local, server01, 192.0.2.10 (RSA 2048, by ca)
#   wildcard    *.contoso.com (by ca)
#   partial     f*.contoso.com (by ca)
#   cnonly      no SAN, CN=mail.contoso.com (by ca)
#   cnip        CN=mail.contoso.com, one IP SAN 192.0.2.10, no DNS SAN (by ca)
#   badwild     wildcards RFC 9525 refuses: *.com, *, a.*.contoso.com,
#               *.*.fabrikam.com, **.example.org; and *.example.net. (by ca)
#   expired     valid 2020-01-01 to 2021-01-01 (by ca)
#   future      valid from 2099 (by ca)
#   soon        expires in 10 days (by ca)
#   weak        RSA 1024 (by ca)
#   sha1        signed with SHA-1 (by ca)
#   selfsigned  Exchange's own: CN=SERVER01, SANs SERVER01 and
#               server01.contoso.local, signed by itself
#   revoked     by ca, listed in crl.pem
#   client      a client certificate (by ca)
#   other-ca    a second CA nobody trusts, and stranger (by other-ca)
#   server.p12  server, its key and ca, password "P@ss w0rd"
#   nopass.p12  server and its key, no password
#   certonly.p12  server and ca without a key, password "P@ss w0rd"
set -eu
dir=${1:-tests/certs}
mkdir -p "$dir"
cd "$dir"
command -v certtool >/dev/null 2>&1 || { echo "gen-certs: certtool (gnutls-bin) is missing" >&2; exit 77; }

quiet() { "$@" >/dev/null 2>&1 || { echo "gen-certs: failed: $*" >&2; "$@" >&2; exit 1; }; }

key() { quiet certtool --generate-privkey --key-type rsa --bits "${2:-2048}" --outfile "$1.key"; }

# leaf NAME TEMPLATE-LINES [ISSUER]; $BITS and $HASH change the defaults.
leaf() {
  name=$1 lines=$2 issuer=${3:-ca}
  printf '%s\n' "$lines" > "$name.tmpl"
  key "$name" "${BITS:-2048}"
  quiet certtool --generate-certificate --hash "${HASH:-SHA256}" --load-privkey "$name.key" \
    --load-ca-certificate "$issuer.pem" --load-ca-privkey "$issuer.key" \
    --template "$name.tmpl" --outfile "$name.pem"
}

ca() {
  name=$1 cn=$2
  printf 'cn = "%s"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 3650\n' "$cn" > "$name.tmpl"
  key "$name"
  quiet certtool --generate-self-signed --load-privkey "$name.key" --template "$name.tmpl" \
    --outfile "$name.pem"
}

WWW='tls_www_server
signing_key
encryption_key'

ca ca "libsslvdir test CA"
ca other-ca "Someone else's CA"
leaf server "cn = \"mail.contoso.com\"
organization = \"Contoso\"
dns_name = \"mail.contoso.com\"
dns_name = \"autodiscover.contoso.com\"
dns_name = \"server01.contoso.local\"
dns_name = \"server01\"
ip_address = \"192.0.2.10\"
expiration_days = 365
$WWW"
leaf wildcard "cn = \"*.contoso.com\"
dns_name = \"*.contoso.com\"
expiration_days = 365
$WWW"
leaf partial "cn = \"f*.contoso.com\"
dns_name = \"f*.contoso.com\"
expiration_days = 365
$WWW"
leaf badwild "cn = \"bad wildcards\"
dns_name = \"*.com\"
dns_name = \"*\"
dns_name = \"a.*.contoso.com\"
dns_name = \"*.*.fabrikam.com\"
dns_name = \"**.example.org\"
dns_name = \"*.example.net.\"
expiration_days = 365
$WWW"
leaf cnonly "cn = \"mail.contoso.com\"
expiration_days = 365
$WWW"
leaf cnip "cn = \"mail.contoso.com\"
ip_address = \"192.0.2.10\"
expiration_days = 365
$WWW"
leaf expired "cn = \"mail.contoso.com\"
dns_name = \"mail.contoso.com\"
activation_date = \"2020-01-01 00:00:00 UTC\"
expiration_date = \"2021-01-01 00:00:00 UTC\"
$WWW"
leaf future "cn = \"mail.contoso.com\"
dns_name = \"mail.contoso.com\"
activation_date = \"2099-01-01 00:00:00 UTC\"
expiration_date = \"2100-01-01 00:00:00 UTC\"
$WWW"
leaf soon "cn = \"mail.contoso.com\"
dns_name = \"mail.contoso.com\"
dns_name = \"autodiscover.contoso.com\"
expiration_days = 10
$WWW"
BITS=1024 leaf weak "cn = \"mail.contoso.com\"
dns_name = \"mail.contoso.com\"
dns_name = \"autodiscover.contoso.com\"
expiration_days = 365
$WWW"
HASH=SHA1 leaf sha1 "cn = \"mail.contoso.com\"
dns_name = \"mail.contoso.com\"
dns_name = \"autodiscover.contoso.com\"
expiration_days = 365
$WWW"
leaf revoked "cn = \"mail.contoso.com\"
dns_name = \"mail.contoso.com\"
serial = 4242
expiration_days = 365
$WWW"
leaf client "cn = \"alice\"
email = \"alice@contoso.com\"
tls_www_client
signing_key
expiration_days = 365"
leaf stranger "cn = \"mail.contoso.com\"
dns_name = \"mail.contoso.com\"
expiration_days = 365
$WWW" other-ca

printf '%s\n' 'cn = "SERVER01"' 'dns_name = "SERVER01"' 'dns_name = "server01.contoso.local"' \
  'expiration_days = 365' "$WWW" > selfsigned.tmpl
key selfsigned
quiet certtool --generate-self-signed --load-privkey selfsigned.key --template selfsigned.tmpl \
  --outfile selfsigned.pem

printf 'crl_next_update = 30\ncrl_number = 1\n' > crl.tmpl
quiet certtool --generate-crl --load-ca-privkey ca.key --load-ca-certificate ca.pem \
  --load-certificate revoked.pem --template crl.tmpl --outfile crl.pem

for n in ca server selfsigned; do
  quiet certtool --certificate-info --infile "$n.pem" --outder --outfile "$n.der"
done
cat server.pem ca.pem > server-chain.pem
cat server.key server.pem > server-with-key.pem
quiet certtool --to-p12 --load-privkey server.key --load-certificate server.pem \
  --load-ca-certificate ca.pem --p12-name server --password 'P@ss w0rd' --outder \
  --outfile server.p12
quiet certtool --to-p12 --load-privkey server.key --load-certificate server.pem \
  --p12-name server --null-password --outder --outfile nopass.p12
quiet certtool --to-p12 --load-certificate server-chain.pem --p12-name chain \
  --password 'P@ss w0rd' --outder --outfile certonly.p12
touch stamp
