#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
"""A test backend that behaves like an Exchange front end behind an offloader.

Usage: backend.py HTTP_PORT TLS_PORT CERT KEY

Plain HTTP (offloaded vdirs): Exchange, told that SSL is offloaded, still
needs the offloader's headers; without X-Forwarded-Proto: https it refuses
(403). With them it renders http:// links (it believes the client uses
http), as an offloaded OWA does: a redirect to its logon page with an http
Location, a cookie without Secure, and http:// links in the page.

TLS (bridged vdirs such as /EWS/mrsproxy.svc): answers 200 and says so.

RPC_IN_DATA: answered once its first 16 bytes arrive, whatever length it
announces (RPC over HTTP streams its body).

/<vdir>/healthcheck.htm answers 200 on both ports without any header, as
Exchange's does, unless the file named by $BACKEND_DOWN_FILE lists that
vdir (one name a line, any case): then 503, that protocol being "down".

Every answer carries X-Backend-Saw: a JSON summary of what arrived.
"""

import http.server
import json
import os
import socketserver
import ssl
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _read_chunked(self):
        # As IIS does: the whole chunked body is read before answering (left
        # unread, it would be taken for the next request on the connection).
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return
            self.rfile.read(size)
            self.rfile.readline()  # the CRLF after the chunk

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        if self.command == "RPC_IN_DATA":
            # RPC over HTTP announces a 1 GB body and streams it ([MS-RPCH]):
            # answer as soon as the first bytes arrive, which only an
            # unbuffered proxy lets happen, and close.
            first = self.rfile.read(min(length, 16))
            self.close_connection = True
            return self._send(200, [("X-Backend-Saw", json.dumps({"rpc_first": first.decode("latin-1")}))],
                              b"")
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._read_chunked()
        elif length:
            self.rfile.read(length)
        tls = isinstance(self.connection, ssl.SSLSocket)
        saw = {
            "tls": tls,
            "path": self.path,
            "x_forwarded_proto": self.headers.get_all("X-Forwarded-Proto"),
            "front_end_https": self.headers.get_all("Front-End-Https"),
            "ssl_cipher": self.headers.get_all("X-SSL-Cipher"),
        }
        common = [("X-Backend-Saw", json.dumps(saw, separators=(",", ":")))]
        path = self.path.lower()
        if path.endswith("/healthcheck.htm"):
            vdir = path.strip("/").split("/")[0]
            down = []
            name = os.environ.get("BACKEND_DOWN_FILE")
            if name and os.path.exists(name):
                with open(name, encoding="utf-8") as f:
                    down = [line.strip().lower() for line in f]
            if vdir in down:
                return self._send(503, [("Content-Type", "text/plain")], b"down\n")
            return self._send(200, [("Content-Type", "text/html")], b"200 OK<br/>EX01")
        if tls:
            return self._send(200, common + [("Content-Type", "application/json")],
                              b'{"bridged": true}')
        if self.headers.get("X-Forwarded-Proto") != "https":
            return self._send(403, common + [("Content-Type", "text/plain")],
                              b"offloaded request without X-Forwarded-Proto: https\n")
        if path.startswith("/owa/") and "auth" not in path:
            return self._send(302, common + [
                ("Location", "http://mail.contoso.com/owa/auth/logon.aspx?url=http%3a%2f%2fmail.contoso.com%2fowa%2f"),
                ("Set-Cookie", "ClientId=ABCDEF; path=/"),
                ("Set-Cookie", "X-OWA-CANARY=1; path=/; HttpOnly"),
                ("Content-Type", "text/html")],
                b"<a href='http://mail.contoso.com/owa/auth/logon.aspx'>logon</a>")
        return self._send(200, common + [("Content-Type", "text/html")],
                          b"<a href='http://mail.contoso.com/owa/'>owa</a>")

    do_GET = do_POST = do_HEAD = do_RPC_IN_DATA = _handle


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    http_port, tls_port, cert, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    plain = Server(("127.0.0.1", http_port), Handler)
    tls = Server(("127.0.0.1", tls_port), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
    threading.Thread(target=tls.serve_forever, daemon=True).start()
    print("ready", flush=True)
    plain.serve_forever()


if __name__ == "__main__":
    main()
