#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# The HAProxy plugin as it is deployed: a real HAProxy in master-worker mode
# (a reload picks up a changed policy; a broken one leaves the old workers
# serving), the Autodiscover service over HTTP/2 with a body it does not
# want, and the example configuration bindings/haproxy/exchange2016.cfg run
# in front of bindings/haproxy/tests/backend.py: per-protocol health checks,
# Outlook's POX settings forwarded to Exchange while redirects, errors and
# JSON are answered by the proxy, the opt-in rules against the ProxyShell and
# ProxyNotShell request shapes, and zero-warning refusing a frontend in mode
# tcp. tests/haproxy.sh covers the decisions themselves.
#
# Skips (77) without haproxy, curl or the Lua 5.3 module, unless
# SSLVDIR_REQUIRE_READERS=1 (CI), where that fails.
set -eu
: "${top_srcdir:=.}"
me=haproxy-deploy.sh
# The preamble every HAProxy test shares (tools checked, skips, $work,
# the Lua module copied, cleanup at exit): tests/e2e-lib.sh.
# shellcheck source=tests/e2e-lib.sh
. "$top_srcdir/tests/e2e-lib.sh"
"$CURL" -V | grep -q HTTP2 || need "curl without HTTP/2"

# shellcheck disable=SC2046
set -- $(free_ports 5)
H=$1 S=$2 BH=$3 BS=$4 S2=$5

cat "$certs/server.pem" "$certs/server.key" > "$work/haproxy.pem"

BACKEND_DOWN_FILE="$work/down" "$PY" "$top_srcdir/bindings/haproxy/tests/backend.py" "$BH" "$BS" \
  "$certs/server.pem" "$certs/server.key" > "$work/backend.log" 2>&1 &
pids="$pids $!"

fails=0
pass=0
resolve="--resolve mail.contoso.com:$H:127.0.0.1 --resolve mail.contoso.com:$S:127.0.0.1 --resolve mail.contoso.com:$S2:127.0.0.1"
# req NAME CURL-ARGS...: headers to $work/h, body to $work/b
req() {
  name=$1
  shift
  # shellcheck disable=SC2086
  "$CURL" -s -S --max-time 20 $resolve --cacert "$certs/ca.pem" -D "$work/h" -o "$work/b" "$@" ||
    { echo "FAIL $name: curl failed"; fails=$((fails + 1)); return 1; }
  tr -d '\r' < "$work/h" > "$work/h2"
}
# (returns 0: under set -e a failed test must not end the run)
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
expect_status() {
  got=$(head -n1 "$work/h2" | awk '{print $2}')
  if [ "$got" = "$2" ]; then return 0; fi
  echo "FAIL $1: status $got, want $2"; sed 's/^/    /' "$work/h2"; fails=$((fails + 1)); return 1
}
expect_header() {
  if grep -Eiq "$2" "$work/h2"; then return 0; fi
  echo "FAIL $1: no header matching '$2'"; sed 's/^/    /' "$work/h2"; fails=$((fails + 1)); return 1
}
no_header() {
  if ! grep -Eiq "$2" "$work/h2"; then return 0; fi
  echo "FAIL $1: unexpected header matching '$2'"; sed 's/^/    /' "$work/h2"; fails=$((fails + 1)); return 1
}
expect_body() {
  if grep -Eq "$2" "$work/b"; then return 0; fi
  echo "FAIL $1: body does not match '$2'"; head -c 600 "$work/b" | sed 's/^/    /'; fails=$((fails + 1)); return 1
}
ok() { echo "ok   $1"; pass=$((pass + 1)); }
# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
  limit=$(($1 * 10))
  shift
  i=0
  until "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -le "$limit" ] || return 1
    sleep 0.1
  done
}
answers() { "$CURL" -s -o /dev/null "$1"; }
# status_is URL CODE: the status of a GET to URL is CODE
status_is() {
  # shellcheck disable=SC2086
  [ "$("$CURL" -s $resolve --cacert "$certs/ca.pem" -o /dev/null -w '%{http_code}' "$1")" = "$2" ]
}
# master CLI: one command, its answer on stdout
master() {
  "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(sys.argv[2].encode() + b"\n")
s.shutdown(socket.SHUT_WR)  # one command: the CLI answers and closes
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b: break
        out += b
except socket.timeout:
    pass
sys.stdout.write(out.decode())' "$work/master.sock" "$1"
}
wait_for 10 answers "http://127.0.0.1:$BH/" || { echo "the backend does not start"; cat "$work/backend.log"; exit 1; }

# ------------------------------------------------------------------ reload
policy() { # EDGE of /OAB, to $work/policy.xml
  cat > "$work/policy.xml" <<POLICY
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2016-offload">
    <host name="mail.contoso.com" canonical="true" https-port="$S2"/>
    <vdir path="/OAB" edge="$1"/>
  </site>
  <autodiscover>
    <domain name="contoso.com" site="Default Web Site"/>
  </autodiscover>
</policy>
POLICY
}
policy Ssl
cat > "$work/deploy.cfg" <<CFG
global
    setenv SSLVDIR_POLICY $work/policy.xml
    setenv SSLVDIR_DEBUG_HEADERS 1
    log stderr format raw local0
    lua-prepend-path $work/lua/?.so cpath
    lua-load-per-thread $top_srcdir/bindings/haproxy/sslvdir.lua
defaults
    mode http
    log global
    log-format "%ci %ft %ST %Ta %{+Q}r sslvdir=%[var(txn.sslvdir_status)]"
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend http_in
    bind 127.0.0.1:$H
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain string "passed"
frontend h2_in
    bind 127.0.0.1:$S2 ssl crt $work/haproxy.pem alpn h2,http/1.1
    http-request use-service lua.sslvdir-autodiscover if { path_beg -i /autodiscover/ }
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request return status 200 content-type text/plain string "passed"
CFG
"$HAPROXY" -W -db -S "$work/master.sock" -f "$work/deploy.cfg" > "$work/deploy.log" 2>&1 &
master_pid=$!
pids="$pids $master_pid"
wait_for 10 answers "http://127.0.0.1:$H/" || { echo "HAProxy does not start"; cat "$work/deploy.log"; exit 1; }

oab="http://mail.contoso.com:$H/OAB/oab.xml"
t="master-worker: the policy's decision (OAB over http: 403.4)"
req "$t" "$oab" && expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.4$" && ok "$t"

t="a changed policy file is picked up by a reload (SIGUSR2 to the master)"
policy None
kill -USR2 "$master_pid"
# the old worker answers until the new one has taken over
if wait_for 10 status_is "$oab" 200; then
  req "$t" "$oab" && expect_status "$t" 200 && expect_body "$t" "^passed$" && ok "$t"
else fail "$t: not after 10 s"; sed 's/^/    /' "$work/deploy.log"; fi

t="a policy that cannot be loaded: the reload fails and the old workers keep serving"
echo "<broken" >> "$work/policy.xml"
kill -USR2 "$master_pid"
if wait_for 10 grep -q "Loading failure" "$work/deploy.log"; then
  req "$t" "$oab" && expect_status "$t" 200 && expect_body "$t" "^passed$" && ok "$t"
else fail "$t: no 'Loading failure' in the log"; sed 's/^/    /' "$work/deploy.log"; fi
t="... the failure is logged with the plugin's reason"
if grep -q "sslvdir: cannot load the policy: .*not well-formed" "$work/deploy.log"; then ok "$t"
else fail "$t"; sed 's/^/    /' "$work/deploy.log"; fi
t="... and the master CLI counts it (show proc: failed: 1), with one worker"
master "show proc" > "$work/proc"
if grep -q "master .*\[failed: 1\]" "$work/proc" && [ "$(grep -c ' worker ' "$work/proc")" = 1 ]; then ok "$t"
else fail "$t"; sed 's/^/    /' "$work/proc"; fi
t="a repaired policy loads with the master CLI's reload"
policy Ssl
master reload > /dev/null
if wait_for 10 status_is "$oab" 403; then ok "$t"
else fail "$t: not after 10 s"; sed 's/^/    /' "$work/deploy.log"; fi

# ------------------------------------------------------- HTTP/2 and drain
# A body the Autodiscover service does not want (2 MB: over the 64 KiB it
# reads) must not keep the stream open: the answer, then the connection
# serves the next request (num_connects 0).
head -c 2000000 /dev/zero | tr '\0' 'a' > "$work/big"
ad="https://mail.contoso.com:$S2/autodiscover"
for proto in --http2 --http1.1; do
  t="$proto: a 2 MB Autodiscover POST gets error 600 at once, and the connection serves the next request"
  # shellcheck disable=SC2086
  if out=$("$CURL" -s -S --max-time 8 $resolve --cacert "$certs/ca.pem" "$proto" -X POST \
       -H "Content-Type: text/xml" --data-binary "@$work/big" \
       -w '%{http_code} %{num_connects} %{time_total} %{http_version}\n' \
       -o "$work/b1" "$ad/autodiscover.xml" -o "$work/b2" "$ad/autodiscover.json?Email=alice%40contoso.com&Protocol=AutodiscoverV1" 2>&1); then
    set -- $out
    want=2; [ "$proto" = --http1.1 ] && want=1.1
    if [ "$1 $2 $5 $6" = "200 1 200 0" ] && [ "$4" = "$want" ] && [ "${3%%.*}" -lt 4 ] && [ "${7%%.*}" -lt 4 ] &&
       grep -q "<ErrorCode>600</ErrorCode>" "$work/b1" && grep -q '"Protocol":"AutodiscoverV1"' "$work/b2"; then ok "$t"
    else fail "$t: $out"; fi
  else fail "$t: curl: $out"; fi
done
t="a GET with no body still answers over HTTP/2"
req "$t" --http2 "$ad/autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1" && expect_status "$t" 200 &&
  expect_body "$t" '"Protocol":"AutodiscoverV1"' && ok "$t"

kill "$master_pid" 2>/dev/null || true
wait "$master_pid" 2>/dev/null || true

# ----------------------------------------------------------- the example
# The example with its paths pointed at the build, the test policy and the
# test backend, health checks every 200 ms.
cat > "$work/example-policy.xml" <<POLICY
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2016-offload">
    <host name="mail.contoso.com" canonical="true" https-port="$S"/>
  </site>
  <autodiscover>
    <domain name="contoso.com" site="Default Web Site"/>
    <domain name="hosted.contoso.com" redirect-addr="contoso.onmicrosoft.com"/>
    <domain name="migrated.contoso.com" redirect-url="https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml"/>
  </autodiscover>
</policy>
POLICY
sed -e "s|/usr/local/lib/lua/5.3/?.so|$work/lua/?.so|" \
    -e "s|/usr/local/share/libsslvdir/haproxy/sslvdir.lua|$top_srcdir/bindings/haproxy/sslvdir.lua|" \
    -e "s|/etc/haproxy/mail.contoso.com.pem|$work/haproxy.pem|" \
    -e "s|/etc/haproxy/client-ca.pem|$certs/ca.pem|" -e "s|/etc/haproxy/exchange-ca.pem|$certs/ca.pem|" \
    -e "s|/etc/haproxy/client-ca-crl.pem|$certs/crl.pem|" \
    -e "s|log /dev/log local0|log stderr local0|" -e "s|bind :80|bind 127.0.0.1:$H|" -e "s|bind :443|bind 127.0.0.1:$S|" \
    -e "s|^    setenv SSLVDIR_PRESET .*|    setenv SSLVDIR_POLICY $work/example-policy.xml|" \
    -e "/setenv SSLVDIR_HOSTS/d" -e "/setenv SSLVDIR_AD_DOMAINS/d" -e "/setenv SSLVDIR_REDIRECT/d" \
    -e "s|10.0.0.10:80 check|127.0.0.1:$BH check inter 200 fall 1 rise 1|" \
    -e "s|10.0.0.10:443 ssl\(.*\) check |127.0.0.1:$BS ssl\1 check inter 200 fall 1 rise 1 |" \
    "$top_srcdir/bindings/haproxy/exchange2016.cfg" > "$work/example.cfg"
t="the example passes haproxy -c with no warning"
if "$HAPROXY" -c -f "$work/example.cfg" > "$work/example-c.log" 2>&1 && ! grep -q WARNING "$work/example-c.log"; then ok "$t"
else fail "$t"; sed 's/^/    /' "$work/example-c.log"; fi

# start_example LOG [ENV...]; $cfg names another configuration
start_example() {
  log=$1
  shift
  env "$@" "$HAPROXY" -db -f "${cfg:-$work/example.cfg}" > "$log" 2>&1 &
  example_pid=$!
  pids="$pids $example_pid"
  wait_for 10 answers "http://127.0.0.1:$H/" || { echo "the example does not start"; cat "$log"; exit 1; }
}
stop_example() {
  kill "$example_pid" 2>/dev/null || true
  wait "$example_pid" 2>/dev/null || true
}
echo EWS > "$work/down"
start_example "$work/example.log"

t="health: EWS down on the server (its healthcheck.htm fails) takes EWS out: 503"
ews="https://mail.contoso.com:$S/EWS/Exchange.asmx"
if wait_for 10 status_is "$ews" 503; then
  req "$t" "$ews" && expect_status "$t" 503 && no_header "$t" "^x-backend-saw" && ok "$t"
else fail "$t"; grep -i "ews\|down" "$work/example.log" | head -5 | sed 's/^/    /'; fi
t="... while OWA, checked on its own page, still reaches the same server"
req "$t" "https://mail.contoso.com:$S/owa/" && expect_status "$t" 302 && expect_header "$t" "^x-backend-saw:" && ok "$t"
t="... and EWS comes back when its page answers again"
: > "$work/down"
if wait_for 10 status_is "$ews" 200; then ok "$t"
else fail "$t"; fi
t="ActiveSync goes to its own backend (65 minutes for Ping)"
req "$t" -X POST -d x "https://mail.contoso.com:$S/Microsoft-Server-ActiveSync?Cmd=Ping&User=alice&DeviceId=X&DeviceType=iPhone" &&
  expect_status "$t" 200 && expect_header "$t" '^x-backend-saw: .*"path":"/Microsoft-Server-ActiveSync' && ok "$t"
if grep -q "exchange_eas/ex01" "$work/example.log"; then ok "... logged as exchange_eas"; else
  fail "ActiveSync not logged as exchange_eas"; grep Microsoft-Server "$work/example.log" | sed 's/^/    /'; fi
t="RPC over HTTP streams: RPC_IN_DATA announcing 1 GB reaches Exchange with its first bytes"
if "$PY" - "$S" "$certs/ca.pem" > "$work/rpc.out" 2>&1 <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5),
                    server_hostname="mail.contoso.com")
s.sendall(b"RPC_IN_DATA /rpc/rpcproxy.dll?ex01.contoso.com:6001 HTTP/1.1\r\n"
          b"Host: mail.contoso.com\r\nContent-Length: 1073741824\r\n\r\n" + b"R" * 16)
got = b""
try:
    while b"\r\n\r\n" not in got:
        b = s.recv(4096)
        if not b: break
        got += b
except socket.timeout:
    sys.exit("no answer in 5 s: the body was buffered")
head = got.split(b"\r\n\r\n")[0].decode("latin-1")
print(head)
assert head.startswith("HTTP/1.1 200"), head
assert '"rpc_first": "RRRRRRRRRRRRRRRR"' in head, head
PY
then ok "$t"; else fail "$t"; sed 's/^/    /' "$work/rpc.out"; fi
t="the example offers no HTTP/2 (NTLM and Negotiate authenticate connections)"
# shellcheck disable=SC2086
v=$("$CURL" -s $resolve --cacert "$certs/ca.pem" --http2 -o /dev/null -w '%{http_version}' "https://mail.contoso.com:$S/owa/")
if [ "$v" = 1.1 ]; then ok "$t"; else fail "$t: HTTP/$v"; fi

# Autodiscover: POX settings forwarded, the rest answered by the proxy.
pox() { # ADDRESS -> $work/pox.xml
  cat > "$work/pox.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>$1</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>
XML
}
adx="https://mail.contoso.com:$S/Autodiscover/Autodiscover.xml"
pox alice@contoso.com
t="Outlook's POX request for a domain Exchange serves goes to Exchange"
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox.xml" "$adx" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"path":"/Autodiscover/Autodiscover.xml".*"x_forwarded_proto":\["https"\]' && ok "$t"
pox bob@hosted.contoso.com
t="a hosted domain's redirectAddr is answered by the proxy"
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox.xml" "$adx" && expect_status "$t" 200 &&
  no_header "$t" "^x-backend-saw" && expect_body "$t" "<RedirectAddr>bob@contoso.onmicrosoft.com</RedirectAddr>" && ok "$t"
pox carol@migrated.contoso.com
t="a migrated domain's redirectUrl is answered by the proxy"
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox.xml" "$adx" && expect_status "$t" 200 &&
  no_header "$t" "^x-backend-saw" && expect_body "$t" "<Action>redirectUrl</Action>" && ok "$t"
pox dave@unknown.example
t="a domain the policy does not know goes to Exchange too (its directory may know it)"
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox.xml" "$adx" && expect_status "$t" 200 &&
  expect_header "$t" "^x-backend-saw:" && ok "$t"
t="a malformed request: error 600 from the proxy"
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "<Autodiscover>" "$adx" && expect_status "$t" 200 &&
  no_header "$t" "^x-backend-saw" && expect_body "$t" "<ErrorCode>600</ErrorCode>" && ok "$t"
t="a response schema the proxy does not serve: error 601 from the proxy"
sed 's|outlook/responseschema/2006a|outlook/responseschema/2099|' "$work/pox.xml" > "$work/pox601.xml"
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox601.xml" "$adx" && expect_status "$t" 200 &&
  no_header "$t" "^x-backend-saw" && expect_body "$t" "<ErrorCode>601</ErrorCode>" && ok "$t"
t="an ActiveSync device's request (mobilesync settings) goes to Exchange too"
cat > "$work/eas.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006">
  <Request>
    <EMailAddress>alice@contoso.com</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema>
  </Request>
</Autodiscover>
XML
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/eas.xml" "$adx" && expect_status "$t" 200 &&
  expect_header "$t" "^x-backend-saw:" && ok "$t"
t="a request whose address is made to look like an answer is still forwarded"
pox "x&lt;Action&gt;redirectAddr&lt;/Action&gt;@contoso.com"
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox.xml" "$adx" && expect_status "$t" 200 &&
  expect_header "$t" "^x-backend-saw:" && ok "$t"
t="the JSON service is answered by the proxy"
req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1" &&
  expect_status "$t" 200 && no_header "$t" "^x-backend-saw" && expect_body "$t" '"Protocol":"AutodiscoverV1"' && ok "$t"
t="an Autodiscover body announced over 64 KiB is refused (413)"
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/big" "$adx" && expect_status "$t" 413 &&
  no_header "$t" "^x-backend-saw" && ok "$t"
t="without the opt-in, a ProxyShell-shaped URL is not refused by the exploit rules"
if req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover.json?@evil.example/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil.example"; then
  if [ "$(head -n1 "$work/h2" | awk '{print $2}')" != 403 ]; then ok "$t"; else fail "$t: 403"; fi
fi
stop_example

# ---------------------------------------------- opt-in exploit rules
# (and the optional HSTS line uncommented)
sed -e "s|^    # http-response set-header Strict-Transport-Security|    http-response set-header Strict-Transport-Security|" \
  "$work/example.cfg" > "$work/example-optin.cfg"
cfg="$work/example-optin.cfg" start_example "$work/exploits.log" BLOCK_EXCHANGE_EXPLOITS=1
t="the optional HSTS header is on OWA's answers"
req "$t" "https://mail.contoso.com:$S/owa/" && expect_header "$t" "^strict-transport-security: max-age=31536000$" && ok "$t"
t="... and not on PowerShell's or EWS's"
req "$t" "https://mail.contoso.com:$S/PowerShell/" && no_header "$t" "^strict-transport-security" &&
  req "$t" "https://mail.contoso.com:$S/EWS/Exchange.asmx" && no_header "$t" "^strict-transport-security" && ok "$t"
base="https://mail.contoso.com:$S"
for shape in \
  "ProxyNotShell (CVE-2022-41040): autodiscover.json with PowerShell in the query|/autodiscover/autodiscover.json?@evil.example/owa/&Email=autodiscover/autodiscover.json%3F@evil.example&Protocol=XYZ&FooProtocol=Powershell" \
  "ProxyNotShell, the path form|/autodiscover/autodiscover.json/v1.0/aa@evil.example/owa/?&Email=autodiscover/autodiscover.json?a@evil.example&Protocol=Autodiscoverv1&Protocol=%50owershell" \
  "ProxyShell (CVE-2021-34473): SSRF into /mapi/nspi|/autodiscover/autodiscover.json?@evil.example/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil.example" \
  "ProxyShell, percent-encoded|/autodiscover/autodiscover%2ejson?%40evil.example/%6dapi/nspi/" \
  "ProxyShell: a query that starts with @|/autodiscover/autodiscover.json?@evil.example/ews/exchange.asmx" \
  "ProxyShell (CVE-2021-34523): /powershell with X-Rps-CAT via autodiscover|/autodiscover/autodiscover.json?@evil.example/powershell/?X-Rps-CAT=VgEAVAdXaW5kb3dzQwBBCE&Email=autodiscover/autodiscover.json%3F@evil.example" \
  "the X-Rps-CAT token on /PowerShell|/PowerShell/?X-Rps-CAT=VgEAVAdXaW5kb3dzQwBBCE" \
  "the X-Rps-CAT token with an escape url_dec cannot decode after it|/PowerShell/?X-Rps-CAT=VgEAVAdXaW5kb3dzQwBBCE&x=%zz" \
  "OWASSRF (CVE-2022-41080): PowerShell behind OWA|/owa/mastermail/powershell" \
  "OWASSRF, percent-encoded|/owa/mastermail/%50ower%53hell" \
  "OWASSRF behind a dot segment (IIS and the library resolve it to /owa/)|/./owa/mastermail/powershell" \
  "OWASSRF behind an encoded dot segment|/%2e/owa/mastermail/powershell" \
  "OWASSRF behind a doubled slash|//owa/mastermail/powershell" \
  "OWASSRF behind a dot-dot segment|/ecp/../owa/mastermail/powershell" \
  "OWASSRF with a %u escape (IIS decodes %uNNNN, HAProxy's url_dec does not)|/owa/mastermail/power%u0073hell" \
  "ProxyShell with a %u escape in autodiscover.json|/autodiscover/autodiscover.js%u006fn?@evil.example/mapi/nspi/?&Email=autodiscover/autodiscover.js%u006fn%3F@evil.example"; do
  t="exploit rules refuse ${shape%%|*}"
  req "$t" --path-as-is "$base${shape#*|}" && expect_status "$t" 403 && no_header "$t" "^x-backend-saw" && ok "$t"
done
t="exploit rules refuse an X-Rps-CAT header"
req "$t" -H "X-Rps-CAT: VgEAVAdXaW5kb3dzQwBBCE" "$base/PowerShell/" && expect_status "$t" 403 && ok "$t"
for legit in \
  "Outlook's JSON request, address in the path|/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1|200" \
  "the JSON request with Email in the query|/autodiscover/autodiscover.json?Email=alice%40contoso.com&Protocol=AutodiscoverV1|200" \
  "OWA|/owa/|302" \
  "ECP|/ecp/|200"; do
  rest=${legit#*|}; path=${rest%|*}; want=${rest##*|}
  t="exploit rules let through ${legit%%|*}"
  req "$t" "$base$path" && expect_status "$t" "$want" && ok "$t"
done
pox alice@contoso.com
t="exploit rules let Outlook's POX request through to Exchange"
req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox.xml" "$adx" && expect_status "$t" 200 &&
  expect_header "$t" "^x-backend-saw:" && ok "$t"
stop_example

# ------------------------------------- a deleted setenv line and a reload
# The master re-executes itself with the environment setenv left: the
# example's unsetenv line makes a deleted setenv line go with the reload.
# Here the offloader 127.0.0.1 is trusted, its lines deleted, the master
# sent SIGUSR2: its X-Forwarded-Proto must be refused from then on.
t="the example's unsetenv line names every SSLVDIR_* variable the plugin reads"
vars=$(grep -o '"SSLVDIR_[A-Z_]*[A-Z]"' "$top_srcdir/bindings/haproxy/sslvdir.lua" | tr -d '"' | sort -u)
unset_line=$(grep '^    unsetenv ' "$top_srcdir/bindings/haproxy/exchange2016.cfg" || true)
missing=""
for v in $vars; do
  case " ${unset_line#*unsetenv} " in *" $v "*) ;; *) missing="$missing $v" ;; esac
done
if [ -n "$unset_line" ] && [ -z "$missing" ]; then ok "$t"; else fail "$t: missing$missing"; fi
sed -e "s|^    setenv SSLVDIR_POLICY .*|&\n    setenv SSLVDIR_OFFLOADERS 127.0.0.1\n    setenv SSLVDIR_OFFLOADER_CIPHER_BITS 128|" \
  "$work/example.cfg" > "$work/reload-env.cfg"
"$HAPROXY" -W -db -S "$work/master-env.sock" -f "$work/reload-env.cfg" > "$work/reload-env.log" 2>&1 &
env_master=$!
pids="$pids $env_master"
wait_for 10 answers "http://127.0.0.1:$H/" || { echo "HAProxy does not start"; cat "$work/reload-env.log"; exit 1; }
owa="http://mail.contoso.com:$H/owa/healthcheck.htm"
# xfp_status CODE: a GET of OWA over plain HTTP saying X-Forwarded-Proto: https gets CODE
xfp_status() {
  # shellcheck disable=SC2086
  [ "$("$CURL" -s $resolve -H "X-Forwarded-Proto: https" -o /dev/null -w '%{http_code}' "$owa")" = "$1" ]
}
t="master-worker: the trusted offloader's X-Forwarded-Proto: https is believed (OWA reaches Exchange)"
if xfp_status 200; then ok "$t"; else fail "$t"; sed 's/^/    /' "$work/reload-env.log"; fi
t="... the plugin logs the SSLVDIR_* values it read"
if grep -q "sslvdir: policy loaded from .*SSLVDIR_OFFLOADERS=127.0.0.1" "$work/reload-env.log"; then ok "$t"
else fail "$t"; sed 's/^/    /' "$work/reload-env.log"; fi
sed -i -e "/setenv SSLVDIR_OFFLOADER/d" "$work/reload-env.cfg"
kill -USR2 "$env_master"
t="the offloader's setenv lines deleted and reloaded: its X-Forwarded-Proto is refused (403.4)"
# the old worker answers until the new one has taken over; without the
# unsetenv line the new one still trusts 127.0.0.1 and this never comes
if wait_for 10 xfp_status 403; then ok "$t"
else fail "$t: still believed 10 s after the reload"; sed 's/^/    /' "$work/reload-env.log"; fi
t="... and the plugin's log line after the reload has no SSLVDIR_OFFLOADERS"
if [ "$(grep -c "sslvdir: policy loaded from" "$work/reload-env.log")" -ge 2 ] &&
   ! grep "sslvdir: policy loaded from" "$work/reload-env.log" | tail -n 1 | grep -q SSLVDIR_OFFLOADERS; then ok "$t"
else fail "$t"; grep "sslvdir: policy loaded" "$work/reload-env.log" | sed 's/^/    /'; fi
kill "$env_master" 2>/dev/null || true
wait "$env_master" 2>/dev/null || true

# ------------------------------------------------------------- mode tcp
# The plugin cannot see a frontend's mode when it loads, and HAProxy 2.6
# only warns that http-request rules are ignored in mode tcp: the example's
# zero-warning turns that warning into a refusal to start. (The example's
# own frontends cannot be switched to tcp anyway: its log-format is HTTP
# only, a fatal error there.) A frontend added in mode tcp with its own log
# format, under the example's global section:
sed -n '/^global/,/^defaults/p' "$work/example.cfg" | sed '$d' > "$work/tcp.cfg"
cat >> "$work/tcp.cfg" <<CFG
defaults
    mode tcp
    log global
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend exchange_https
    bind 127.0.0.1:$S ssl crt $work/haproxy.pem
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    default_backend exchange
backend exchange
    server ex01 127.0.0.1:$BH
CFG
t="a frontend in mode tcp using the plugin does not start (the example's zero-warning)"
if "$HAPROXY" -c -f "$work/tcp.cfg" > "$work/tcp.log" 2>&1; then fail "$t: haproxy -c accepted it"
elif grep -q "'http-request' rules ignored for frontend 'exchange_https' as they require HTTP mode" "$work/tcp.log" &&
     grep -q "zero-warning" "$work/tcp.log"; then ok "$t"
else fail "$t: not for that reason"; sed 's/^/    /' "$work/tcp.log"; fi
t="... where without zero-warning HAProxy 2.6 accepts it, the rules ignored"
sed -e "/^    zero-warning/d" "$work/tcp.cfg" > "$work/tcp-nozw.cfg"
if "$HAPROXY" -c -f "$work/tcp-nozw.cfg" > "$work/tcp-nozw.log" 2>&1 &&
   grep -q "'http-request' rules ignored" "$work/tcp-nozw.log"; then ok "$t"
else fail "$t"; sed 's/^/    /' "$work/tcp-nozw.log"; fi

# ------------------------------- Autodiscover bodies of unknown length
# A chunked body (or an HTTP/2 body without Content-Length) has no size
# before it is read, and after wait-for-body HAProxy cannot tell a whole
# body from the first bufferful of a longer one: the example refuses it
# (411), promptly and every time, whatever its size; the 64 KiB limit cannot
# be got round by leaving Content-Length out. The example with HTTP/2
# offered, to try both protocols, and the opt-in rules on.
sed -e "s|alpn http/1.1|alpn h2,http/1.1|" "$work/example.cfg" > "$work/example-h2.cfg"
cfg="$work/example-h2.cfg" start_example "$work/unknown-length.log" BLOCK_EXCHANGE_EXPLOITS=1
# pox_padded BYTES: Outlook's POX request padded with a comment to BYTES
pox_padded() {
  pox alice@contoso.com
  { sed -n 1p "$work/pox.xml"; printf '<!--'; head -c "$1" /dev/zero | tr '\0' x; printf -- '-->\n'
    sed 1d "$work/pox.xml"; } > "$work/poxpad.xml"
}
# refusals_411: how many requests the example has logged as refused with 411
# before any server (<NOSRV>)
refusals_411() { grep -c '<NOSRV> .* 411 ' "$work/unknown-length.log" || true; }
# unknown_len NAME PROTO FILE URL: within 4 s, the 411 (or, when HAProxy
# closes while curl is still sending, a reset of the connection or the
# HTTP/2 stream); the refusal logged, Exchange never reached.
unknown_len() {
  before=$(refusals_411)
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  out=$("$CURL" -s -S --max-time 10 $resolve --cacert "$certs/ca.pem" "$2" -X POST \
       -H "Transfer-Encoding: chunked" -H "Content-Type: text/xml" --data-binary "@$3" \
       -D "$work/h" -o "$work/b" -w '%{http_code}' "$4" 2>&1)
  rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  case "$rc $out" in
    "0 411") ;;
    "55 "*|"56 "*|"92 "*|"16 "*) ;; # send failure, receive failure, HTTP/2 stream reset
    *) fail "$1: curl exit $rc: $out"; return 1 ;;
  esac
  if [ "$ms" -ge 4000 ]; then fail "$1: $ms ms"; return 1; fi
  if grep -qi '^x-backend-saw' "$work/h"; then fail "$1: reached Exchange"; return 1; fi
  if ! wait_for 2 more_411; then fail "$1: no 411 in the log"; return 1; fi
}
more_411() { [ "$(refusals_411)" -gt "$before" ]; }
for proto in --http1.1 --http2; do
  for size in 24000 40000 100000; do
    pox_padded "$size"
    t="$proto: a chunked POX body of $size bytes is refused (411), 5 times out of 5"
    n=0
    while [ $n -lt 5 ] && unknown_len "$t" "$proto" "$work/poxpad.xml" "$adx"; do n=$((n + 1)); done
    [ $n = 5 ] && ok "$t"
  done
  for u in "$adx" "https://mail.contoso.com:$S/autodiscover/autodiscover.json?Email=alice%40contoso.com&Protocol=AutodiscoverV1"; do
    t="$proto: a 2 MB chunked body to ${u##*/} is refused within 4 s"
    unknown_len "$t" "$proto" "$work/big" "$u" && ok "$t"
  done
done
pox alice@contoso.com
t="... while Outlook's POX request with Content-Length still goes to Exchange, over HTTP/2 too"
req "$t" --http2 -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox.xml" "$adx" && expect_status "$t" 200 &&
  expect_header "$t" "^x-backend-saw:" && ok "$t"
t="... and a hosted domain's redirectAddr with Content-Length is still answered by the proxy"
pox bob@hosted.contoso.com
req "$t" --http2 -X POST -H "Content-Type: text/xml" --data-binary "@$work/pox.xml" "$adx" && expect_status "$t" 200 &&
  no_header "$t" "^x-backend-saw" && expect_body "$t" "<RedirectAddr>bob@contoso.onmicrosoft.com</RedirectAddr>" && ok "$t"

# ProxyShell's "autodiscover.json?@host" with a segment parameter between
# them: the library (as IIS) routes autodiscover.json;x to the Autodiscover
# vdir, and the rule reads what the plugin decided.
for shape in \
  "a ; parameter|/autodiscover/autodiscover.json;x?@evil.example/ews/exchange.asmx" \
  "an encoded %3b parameter|/autodiscover/autodiscover.json%3bx?@evil.example/ews/exchange.asmx" \
  "a ; parameter, a segment after it and %40|/autodiscover/autodiscover.json;x/y?%40evil.example/ews/exchange.asmx" \
  "an empty ; parameter|/Autodiscover/Autodiscover.JSON;?@evil.example/ews/exchange.asmx"; do
  t="exploit rules refuse ProxyShell with ${shape%%|*}"
  req "$t" --path-as-is "$base${shape#*|}" && expect_status "$t" 403 && no_header "$t" "^x-backend-saw" && ok "$t"
done
t="exploit rules still let Outlook's JSON request through"
req "$t" "$base/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1" && expect_status "$t" 200 && ok "$t"
stop_example

# The route action on its own (a configuration without the 411 rules): a body
# without Content-Length is not known to be whole, so it goes to Exchange
# rather than being answered from its first bufferful.
sed -e "/deny status 411/d" "$work/example-h2.cfg" > "$work/example-no411.cfg"
cfg="$work/example-no411.cfg" start_example "$work/no411.log"
for proto in --http1.1 --http2; do
  for size in 0 24000; do
  pox_padded $size
  t="$proto: without the 411 rules, a chunked POX request of $size bytes of padding goes to Exchange, 3 times out of 3"
  n=0
  while [ $n -lt 3 ] && req "$t" "$proto" -X POST -H "Transfer-Encoding: chunked" -H "Content-Type: text/xml" \
          --data-binary "@$work/poxpad.xml" "$adx" && expect_status "$t" 200 && expect_header "$t" "^x-backend-saw:"; do
    n=$((n + 1))
  done
  [ $n = 3 ] && ok "$t"
  done
done
# The service drains up to 16 MiB of a body it answers; past that it closes
# the stream rather than leave it to `timeout client` (65 minutes here).
head -c 20000000 /dev/zero | tr '\0' a > "$work/huge"
for proto in --http1.1 --http2; do
  t="$proto: without the 411 rules, a 20 MB chunked body to autodiscover.json ends within 4 s (answer or reset)"
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  out=$("$CURL" -s -S --max-time 15 $resolve --cacert "$certs/ca.pem" "$proto" -X POST -H "Transfer-Encoding: chunked" \
        --data-binary "@$work/huge" -o /dev/null -w '%{http_code}' \
        "https://mail.contoso.com:$S/autodiscover/autodiscover.json?Email=alice%40contoso.com&Protocol=AutodiscoverV1" 2>&1) &&
    rc=0 || rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  case "$rc $out" in
    "0 200"|"55 "*|"56 "*|"92 "*|"16 "*) if [ "$ms" -lt 4000 ]; then ok "$t"; else fail "$t: $ms ms"; fi ;;
    *) fail "$t: curl exit $rc after $ms ms: $out" ;;
  esac
done
stop_example

echo "$pass passed, $fails failed"
[ "$fails" = 0 ]
