#!/usr/bin/env python3
"""The backend of tests/nginx.sh's body tests: serves the files of a
directory in pieces, so that nginx receives a page in several buffers, cut
where the test says.

Usage: nginx-body.py PORT DIR

GET or HEAD /<any path>/<name>?<query> answers the file DIR/<name> with
  split=K      a cut K bytes after the start of every "http" (any case) in
               the file: inside the scheme, the host, right after the host...
  every=N      a cut every N bytes as well
  te=chunked   sent chunked, a chunk a piece (else with Content-Length)
  type=T       the Content-Type (default text/html; charset=utf-8)
  enc=E        a Content-Encoding header (the file is sent as it is)
Each piece is written and flushed on its own, a few milliseconds apart, so
that nginx reads them one by one; the last one with the end of the chunked
body, so that nginx learns of the end with the last bytes. Every answer has an ETag and
Accept-Ranges: bytes.
"""

import http.server
import os
import re
import socketserver
import sys
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _handle(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        name = os.path.basename(url.path)
        path = os.path.join(self.server.root, name)
        if not name or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            body = f.read()

        cuts = set()
        if "split" in query:
            k = int(query["split"])
            cuts.update(m.start() + k for m in re.finditer(rb"(?i)http", body))
        if "every" in query:
            cuts.update(range(0, len(body), int(query["every"])))
        cuts = sorted(c for c in cuts if 0 < c < len(body))
        pieces = [body[a:b] for a, b in zip([0] + cuts, cuts + [len(body)])]

        chunked = query.get("te") == "chunked"
        self.send_response(200)
        self.send_header("Content-Type", query.get("type", "text/html; charset=utf-8"))
        if "enc" in query:
            self.send_header("Content-Encoding", query["enc"])
        self.send_header("ETag", '"sslvdir-test"')
        self.send_header("Accept-Ranges", "bytes")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        pause = 0.003 if len(pieces) < 200 else 0
        for i, piece in enumerate(pieces):
            if chunked:
                piece = b"%x\r\n%s\r\n" % (len(piece), piece)
                if i == len(pieces) - 1:
                    piece += b"0\r\n\r\n"
            self.wfile.write(piece)
            self.wfile.flush()
            if pause and i < len(pieces) - 1:
                time.sleep(pause)

    do_GET = do_HEAD = _handle


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    server.root = sys.argv[2]
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
