#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# End to end: the nginx module's Autodiscover content handler
# (sslvdir_autodiscover) in a real nginx (Debian's), in front of
# bindings/haproxy/tests/backend.py, with curl as the client: POX answers
# (settings, redirectAddr, redirectUrl, errors 500, 600, 601), the same bytes
# as the library's own (the sslvdir command), autodiscover.json in the path
# and query forms, the port-80 redirect site, bodies that are too large,
# malformed, chunked or of the wrong content type, other methods, and the
# routing mode that leaves Outlook's POX settings to Exchange. In a
# sanitizer build the module runs under AddressSanitizer and UBSan.
#
# Skips (77) without the module (nginx-dev absent), nginx or curl, unless
# SSLVDIR_REQUIRE_READERS=1 (CI), where that fails.
set -eu
me=nginx-autodiscover
e2e_proxy=nginx
. "${top_srcdir:-.}/tests/e2e-lib.sh"

SSLVDIR="$top_builddir/tools/sslvdir"
[ -x "$SSLVDIR" ] || need "the sslvdir command is not built"

# shellcheck disable=SC2046 # the ports are words
set -- $(free_ports 5)
H=$1 S=$2 R=$3 BH=$4 BS=$5
mkdir "$work/tmp" "$work/logs"

cat > "$work/policy.xml" <<'POLICY'
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2016-offload">
    <host name="mail.contoso.com" canonical="true"/>
    <host name="autodiscover.contoso.com"/>
  </site>
  <site name="Autodiscover Redirect" autodiscover-redirect="mail.contoso.com">
    <host name="autodiscover.fabrikam.com"/>
    <vdir path="/Autodiscover" kind="other"/>
  </site>
  <autodiscover auth-package="Ntlm">
    <domain name="contoso.com" site="Default Web Site"/>
    <domain name="fabrikam.com" redirect-addr="contoso.com"/>
    <domain name="adatum.com" redirect-url="https://ex.adatum.com/autodiscover/autodiscover.xml"/>
  </autodiscover>
</policy>
POLICY

# S: every Autodiscover request answered here (with room for a body over
# the library's 64 KiB, which it answers with 600); R: Outlook's POX
# settings and what the policy does not know go to Exchange (@exchange).
cat > "$work/nginx.conf" <<CFG
load_module $nginx_module;
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log info;
events { worker_connections 256; }
http {
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    log_format sslvdir '\$server_port "\$request" \$status host=\$host sslvdir=\$sslvdir_status reason=\$sslvdir_reason vdir="\$sslvdir_vdir" ad=\$sslvdir_autodiscover';
    access_log $work/logs/access.log sslvdir;

    sslvdir_policy $work/policy.xml;
    sslvdir_debug_headers on;

    server {
        listen 127.0.0.1:$H;
        listen 127.0.0.1:$S ssl http2;
        ssl_certificate $certs/server.pem;
        ssl_certificate_key $certs/server.key;
        sslvdir on;
        location ~* ^/autodiscover/ {
            client_max_body_size 128k;
            sslvdir_autodiscover;
        }
        location / {
            proxy_pass http://127.0.0.1:$BH;
        }
    }
    server {
        listen 127.0.0.1:$R ssl http2;
        ssl_certificate $certs/server.pem;
        ssl_certificate_key $certs/server.key;
        client_max_body_size 0;
        location ~* ^/autodiscover/ {
            client_max_body_size 64k;
            sslvdir_autodiscover @exchange;
        }
        location @exchange {
            proxy_pass http://127.0.0.1:$BH;
            proxy_set_header Host \$http_host;
        }
    }
}
CFG

"$PY" "$top_srcdir/bindings/haproxy/tests/backend.py" "$BH" "$BS" "$certs/server.pem" \
  "$certs/server.key" > "$work/backend.log" 2>&1 &
pids="$pids $!"
run_nginx -t -q -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" > "$work/t.log" 2>&1 ||
  { echo "$me: nginx -t refuses the test configuration:"; cat "$work/t.log"; exit 1; }
start_nginx "$work/nginx.out" -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log"
wait_up "http://127.0.0.1:$BH/" "$work/backend.log"
wait_up "https://127.0.0.1:$S/autodiscover/autodiscover.xml" "$work/logs/error.log" "$work/nginx.out"

resolve="--resolve mail.contoso.com:$S:127.0.0.1 --resolve mail.contoso.com:$R:127.0.0.1 --resolve autodiscover.fabrikam.com:$H:127.0.0.1"
ad="https://mail.contoso.com:$S/autodiscover/autodiscover.xml"
route="https://mail.contoso.com:$R/autodiscover/autodiscover.xml"

# pox EMAIL [SCHEMA]: an Outlook request, as Outlook writes it.
pox() {
  printf '<?xml version="1.0" encoding="utf-8"?>\n<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>%s</EMailAddress><AcceptableResponseSchema>%s</AcceptableResponseSchema></Request></Autodiscover>\n' \
    "$1" "${2:-http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"
}
pox alice@contoso.com > "$work/alice.xml"
pox bob@fabrikam.com > "$work/bob.xml"
pox carol@adatum.com > "$work/carol.xml"
pox erin@litware.com > "$work/erin.xml"
pox alice@contoso.com http://example.com/other/schema > "$work/schema.xml"
printf '<Autodiscover><Request><EMailAddress>alice@contoso.com' > "$work/broken.xml"
# a valid request padded past the library's 64 KiB with XML whitespace
{ pox alice@contoso.com; head -c 70000 /dev/zero | tr '\0' ' '; } > "$work/big.xml"

# same_as_library NAME: the body is what the sslvdir command answers for the
# same policy and request ($work/in), byte for byte.
same_as_library() {
  if "$SSLVDIR" autodiscover respond --policy "$work/policy.xml" < "$work/in" > "$work/lib.xml" &&
     cmp -s "$work/lib.xml" "$work/b"; then return 0; fi
  fail "$1" "not the library's answer"; diff "$work/lib.xml" "$work/b" | head -10 | sed 's/^/    /'; return 1
}
post() { # NAME URL FILE [CURL-ARGS...]
  n=$1 u=$2 f=$3
  shift 3
  cp "$f" "$work/in"
  req "$n" -X POST -H "Content-Type: text/xml" --data-binary "@$f" "$@" "$u"
}
not_forwarded() { no_header "$1" "^x-backend-saw"; }

t="POX settings for a served domain: the library's document, byte for byte"
post "$t" "$ad" "$work/alice.xml" && expect_status "$t" 200 &&
  expect_header "$t" "^content-type: text/xml; charset=utf-8$" &&
  expect_body "$t" "<EwsUrl>https://mail.contoso.com/EWS/Exchange.asmx</EwsUrl>" &&
  expect_body "$t" "<AuthPackage>Ntlm</AuthPackage>" && not_forwarded "$t" && same_as_library "$t" && ok "$t"
t="POX redirectAddr for a moved domain"
post "$t" "$ad" "$work/bob.xml" && expect_status "$t" 200 &&
  expect_body "$t" "<RedirectAddr>bob@contoso.com</RedirectAddr>" && same_as_library "$t" && ok "$t"
t="POX redirectUrl for a domain on another server"
post "$t" "$ad" "$work/carol.xml" && expect_status "$t" 200 &&
  expect_body "$t" "<RedirectUrl>https://ex.adatum.com/autodiscover/autodiscover.xml</RedirectUrl>" &&
  same_as_library "$t" && ok "$t"
t="POX for a domain without a rule: error 500"
post "$t" "$ad" "$work/erin.xml" && expect_status "$t" 200 &&
  expect_body "$t" "<ErrorCode>500</ErrorCode>" && expect_body "$t" "The e-mail address cannot be found\." && ok "$t"
t="POX asking for a schema that is not served: error 601"
post "$t" "$ad" "$work/schema.xml" && expect_status "$t" 200 && expect_body "$t" "<ErrorCode>601</ErrorCode>" && ok "$t"
t="malformed XML: error 600"
post "$t" "$ad" "$work/broken.xml" && expect_status "$t" 200 && expect_body "$t" "<ErrorCode>600</ErrorCode>" && ok "$t"
t="a DOCTYPE with an entity: error 600, nothing expanded"
printf '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>\n' > "$work/doctype.xml"
post "$t" "$ad" "$work/doctype.xml" && expect_status "$t" 200 && expect_body "$t" "<ErrorCode>600</ErrorCode>" &&
  if grep -q 'root:' "$work/b"; then fail "$t" "the entity was expanded"; else ok "$t"; fi
t="an empty POST: error 600"
req "$t" -X POST -H "Content-Length: 0" "$ad" && expect_status "$t" 200 && expect_body "$t" "<ErrorCode>600</ErrorCode>" && ok "$t"
t="a body over 64 KiB (within client_max_body_size, read from nginx's temporary file): error 600"
post "$t" "$ad" "$work/big.xml" && expect_status "$t" 200 && expect_body "$t" "<ErrorCode>600</ErrorCode>" && ok "$t"
t="a body over client_max_body_size: nginx's 413, nothing read"
head -c 200000 /dev/zero | tr '\0' ' ' > "$work/huge.xml"
post "$t" "$ad" "$work/huge.xml" && expect_status "$t" 413 && ok "$t"
t="a chunked body over client_max_body_size: 413 as well"
post "$t" "$ad" "$work/huge.xml" -H "Transfer-Encoding: chunked" && expect_status "$t" 413 && ok "$t"
t="a chunked POX request is read whole and answered as with Content-Length"
post "$t" "$ad" "$work/alice.xml" -H "Transfer-Encoding: chunked" && expect_status "$t" 200 &&
  same_as_library "$t" && ok "$t"
t="... over HTTP/2 without Content-Length too"
post "$t" "$ad" "$work/bob.xml" --http2 -H "Content-Length:" && expect_status "$t" 200 &&
  expect_body "$t" "<RedirectAddr>bob@contoso.com</RedirectAddr>" && ok "$t"
t="the content type is not what decides (as the plugin): a text/plain POX body is answered"
post "$t" "$ad" "$work/alice.xml" -H "Content-Type: text/plain" && expect_status "$t" 200 &&
  same_as_library "$t" && ok "$t"
t="a JSON body where XML is expected: error 600"
printf '{"EMailAddress":"alice@contoso.com"}' > "$work/json-body"
post "$t" "$ad" "$work/json-body" -H "Content-Type: application/json" && expect_status "$t" 200 &&
  expect_body "$t" "<ErrorCode>600</ErrorCode>" && ok "$t"

t="GET of the XML URL: 405 with Allow: POST"
req "$t" "$ad" && expect_status "$t" 405 && expect_header "$t" "^allow: POST$" &&
  expect_body "$t" "^Autodiscover takes a POST$" && not_forwarded "$t" && ok "$t"
t="HEAD of the XML URL: 405 too"
req "$t" -I "$ad" && expect_status "$t" 405 && expect_header "$t" "^allow: POST$" && ok "$t"

# same_json NAME TARGET: the body is the sslvdir command's answer to TARGET
json_same() {
  # (the command ends its answer with a newline)
  if "$SSLVDIR" autodiscover json --policy "$work/policy.xml" "$2" > "$work/lib.json" 2>/dev/null; [ -s "$work/lib.json" ] &&
     [ "$(cat "$work/lib.json")" = "$(cat "$work/b")" ] && [ "$(tail -c 1 "$work/b")" = "}" ]; then return 0; fi
  fail "$1" "not the library's answer"; cat "$work/lib.json" "$work/b" | sed 's/^/    /'; return 1
}
v1='{"Protocol":"AutodiscoverV1","Url":"https://mail.contoso.com/Autodiscover/Autodiscover.xml"}'
tgt="/autodiscover/autodiscover.json?Email=alice%40contoso.com&Protocol=AutodiscoverV1"
t="autodiscover.json, query form: the Autodiscover XML URL"
req "$t" "https://mail.contoso.com:$S$tgt" && expect_status "$t" 200 &&
  expect_header "$t" "^content-type: application/json; charset=utf-8$" && expect_body "$t" "^$v1\$" &&
  json_same "$t" "$tgt" && ok "$t"
# The body filter (on by default) leaves the handler's own documents alone:
# they keep the Content-Length nginx gives them.
t="autodiscover.json over TLS keeps its Content-Length (not sent through the body rewriter)"
req "$t" "https://mail.contoso.com:$S$tgt" && expect_status "$t" 200 &&
  expect_header "$t" "^content-length: ${#v1}$" && ok "$t"
tgt="/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1"
t="autodiscover.json, path form (Outlook 2016 and later), over HTTP/2"
req "$t" --http2 "https://mail.contoso.com:$S$tgt" && expect_status "$t" 200 && expect_body "$t" "^$v1\$" &&
  json_same "$t" "$tgt" && ok "$t"
tgt="/Autodiscover/Autodiscover.json/v1.0/alice%40contoso.com?Protocol=ActiveSync"
t="autodiscover.json, path form with the address percent-encoded, ActiveSync"
req "$t" "https://mail.contoso.com:$S$tgt" && expect_status "$t" 200 &&
  expect_body "$t" '"Protocol":"ActiveSync"' && json_same "$t" "$tgt" && ok "$t"
t="autodiscover.json with an unknown protocol: 400 InvalidProtocol"
req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover.json?Email=alice@contoso.com&Protocol=Nope" &&
  expect_status "$t" 400 && expect_body "$t" '"ErrorCode":"InvalidProtocol"' && ok "$t"
t="autodiscover.json for a domain without a rule: 404"
req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover.json/v1.0/erin@litware.com?Protocol=AutodiscoverV1" &&
  expect_status "$t" 404 && expect_body "$t" '"ErrorCode":"NotFound"' && ok "$t"
t="autodiscover.json with two different addresses: 400, neither picked"
req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Email=mallory@contoso.com&Protocol=AutodiscoverV1" &&
  expect_status "$t" 400 && expect_body "$t" '"ErrorCode":"InvalidRequest"' && ok "$t"
t="a 100 KB body sent to autodiscover.json is dropped, the answer given, the connection kept"
head -c 100000 /dev/zero | tr '\0' x > "$work/junk"
# shellcheck disable=SC2086 # $resolve is words
if "$CURL" -s -S --max-time 20 $resolve --cacert "$certs/ca.pem" -o "$work/b1" -w '%{http_code} %{num_connects}\n' \
     -X POST --data-binary "@$work/junk" "https://mail.contoso.com:$S/autodiscover/autodiscover.json?Email=alice@contoso.com&Protocol=AutodiscoverV1" \
     --next -s -o "$work/b2" -w '%{http_code} %{num_connects}\n' --cacert "$certs/ca.pem" $resolve \
     "https://mail.contoso.com:$S/autodiscover/autodiscover.json?Email=alice@contoso.com&Protocol=AutodiscoverV1" > "$work/w" 2>&1 &&
   [ "$(cat "$work/w")" = "200 1
200 0" ]; then ok "$t"; else fail "$t" "$(cat "$work/w")"; fi

t="the port-80 redirect site: the library's 302 to the https Autodiscover URL"
req "$t" "http://autodiscover.fabrikam.com:$H/Autodiscover/Autodiscover.xml" && expect_status "$t" 302 &&
  expect_header "$t" "^location: https://mail\.contoso\.com/autodiscover/autodiscover\.xml$" && not_forwarded "$t" && ok "$t"
t="a POST to the port-80 redirect site: 403.4, the body never read into an answer"
post "$t" "http://autodiscover.fabrikam.com:$H/Autodiscover/Autodiscover.xml" "$work/alice.xml" &&
  expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.4$" && ok "$t"
t="POX over plain HTTP to the Exchange site: 403.4, as IIS (the policy decides first)"
req "$t" -X POST --data-binary "@$work/alice.xml" --resolve "mail.contoso.com:$H:127.0.0.1" \
  "http://mail.contoso.com:$H/autodiscover/autodiscover.xml" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.4$" && ok "$t"
t="the redirect is in the log with the policy's reason"
sleep 0.2
if grep -q "\"GET /Autodiscover/Autodiscover.xml HTTP/1.1\" 302 host=autodiscover.fabrikam.com sslvdir=302 reason=autodiscover-redirect" "$work/logs/access.log"; then
  ok "$t"; else fail "$t" "no such line"; sed 's/^/    /' "$work/logs/access.log" | tail -5; fi

# Routing (sslvdir_autodiscover @exchange): what the proxy answers as well as
# Exchange is answered, the rest goes to Exchange (backend.py says so).
t="routing: POX settings go to Exchange, with the body"
post "$t" "$route" "$work/alice.xml" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"path":"/autodiscover/autodiscover.xml".*"x_forwarded_proto":\["https"\]' && ok "$t"
t="routing: an address the policy does not know goes to Exchange (its directory may know it)"
post "$t" "$route" "$work/erin.xml" && expect_status "$t" 200 && expect_header "$t" "^x-backend-saw:" && ok "$t"
t="routing: redirectAddr is answered by the proxy"
post "$t" "$route" "$work/bob.xml" && expect_status "$t" 200 && not_forwarded "$t" &&
  expect_body "$t" "<RedirectAddr>bob@contoso.com</RedirectAddr>" && ok "$t"
t="routing: redirectUrl is answered by the proxy"
post "$t" "$route" "$work/carol.xml" && expect_status "$t" 200 && not_forwarded "$t" &&
  expect_body "$t" "<Action>redirectUrl</Action>" && ok "$t"
t="routing: malformed XML (600) and an unserved schema (601) are answered by the proxy"
post "$t" "$route" "$work/broken.xml" && expect_status "$t" 200 && not_forwarded "$t" &&
  expect_body "$t" "<ErrorCode>600</ErrorCode>" &&
  post "$t" "$route" "$work/schema.xml" && not_forwarded "$t" && expect_body "$t" "<ErrorCode>601</ErrorCode>" && ok "$t"
t="routing: a chunked settings request goes to Exchange, whole"
post "$t" "$route" "$work/alice.xml" -H "Transfer-Encoding: chunked" && expect_status "$t" 200 &&
  expect_header "$t" "^x-backend-saw:" && ok "$t"
t="routing: autodiscover.json is answered by the proxy"
req "$t" "https://mail.contoso.com:$R/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1" &&
  expect_status "$t" 200 && expect_body "$t" "^$v1\$" && not_forwarded "$t" && ok "$t"
t="routing: a GET goes to Exchange"
req "$t" "$route" && expect_status "$t" 200 && expect_header "$t" "^x-backend-saw:" && ok "$t"
t="routing: a body over the location's 64k is nginx's 413"
post "$t" "$route" "$work/big.xml" && expect_status "$t" 413 && ok "$t"

# Configurations nginx -t refuses, the location named.
refuses() { # NAME SED-EXPRESSION PATTERN
  t=$1
  sed "$2" "$work/nginx.conf" > "$work/bad.conf"
  if run_nginx -t -p "$work" -c "$work/bad.conf" -e "$work/logs/bad.log" > "$work/bad.log" 2>&1; then
    fail "$t" "nginx -t accepted it"; return; fi
  if grep -q -- "$3" "$work/bad.log"; then ok "$t"; else fail "$t" "no '$3'"; sed 's/^/    /' "$work/bad.log"; fi
}
refuses "sslvdir_autodiscover where client_max_body_size is unlimited fails nginx -t" \
  "s|client_max_body_size 64k;|client_max_body_size 0;|" 'in location "^/autodiscover/" with client_max_body_size 0'
refuses "sslvdir_autodiscover with sslvdir off fails nginx -t" \
  "s|sslvdir_autodiscover @exchange;|sslvdir off; &|" "needs the policy's decision"
refuses "sslvdir_autodiscover with something other than a named location fails nginx -t" \
  "s|sslvdir_autodiscover @exchange;|sslvdir_autodiscover /exchange;|" "is not a named location"
refuses "sslvdir_autodiscover naming a location that does not exist fails nginx -t" \
  "s|sslvdir_autodiscover @exchange;|sslvdir_autodiscover @nosuch;|" \
  'names "@nosuch", which is not a named location of its server'
refuses "sslvdir_autodiscover naming another server's named location fails nginx -t" \
  "s|sslvdir_autodiscover;|sslvdir_autodiscover @exchange;|" \
  'names "@exchange", which is not a named location of its server'

# $sslvdir_autodiscover tells the log what the handler did.
t="\$sslvdir_autodiscover: answered, routed, or empty"
sleep 0.2
if grep -q "^$R \"GET /autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1 HTTP/[0-9.]*\" 200 .* ad=answered\$" "$work/logs/access.log" &&
   grep -q "^$R \"POST /autodiscover/autodiscover.xml HTTP/[0-9.]*\" 200 .* ad=routed\$" "$work/logs/access.log" &&
   grep -q '" 403 .*sslvdir=403.4 .* ad=$' "$work/logs/access.log"; then
  ok "$t"; else fail "$t" "no such lines"; sed 's/^/    /' "$work/logs/access.log" | tail -8; fi

if grep -q "AddressSanitizer\|runtime error" "$work/nginx.out" "$work/logs/"*.log 2>/dev/null; then
  fail "the sanitizers" "errors reported"; grep -h -A20 "AddressSanitizer\|runtime error" "$work/nginx.out" "$work/logs/"*.log | head -40
fi
if grep -q "\[alert\]\|\[crit\]\|\[emerg\]\|signal 11\|core dumped" "$work/logs/error.log"; then
  fail "the error log" "alerts"; grep -h "\[alert\]\|\[crit\]\|\[emerg\]\|signal" "$work/logs/error.log" | head
fi

finish
