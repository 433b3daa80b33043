"""The Python probe app run under the layer by the end-to-end tests. Every result is one JSON line on stdout.

  python3 probe.py serve PORT LABEL         http.server; answers "LABEL /path", reports {"served": "/path"}
  python3 probe.py probe URL HOST FILE VAR  urllib + raw socket (getpeername), UDP echo, gethostbyname, open(), env,
                                            and the same checks again from a subprocess (sh -c → curl)
"""
import json
import os
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


# What every child checks again: the pod file, the pod variable, and an outgoing request by DNS name (curl).
CHILD_SCRIPT = 'cat "$1"; printf \' %s \' "$(printenv "$2")"; curl -s "$3"'


def report(result):
    print(json.dumps(result), flush=True)


def attempt(job):
    try:
        return job()
    except Exception as error:  # the probe reports failures instead of dying, so one run shows every check
        return f"error: {error}"


def serve(port, label):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            report({"served": self.path})
            body = f"{label} {self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("0.0.0.0", int(port)), Handler)
    report({"listening": int(port)})
    server.serve_forever()


def peer_of(url):
    parsed = urllib.parse.urlsplit(url)
    with socket.create_connection((parsed.hostname, parsed.port or 80)) as sock:
        host, port = sock.getpeername()[:2]
        return f"{host}:{port}"


def udp_echo(url):
    parsed = urllib.parse.urlsplit(url)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(10)
        sock.sendto(b"ping", (parsed.hostname, parsed.port or 80))
        return sock.recvfrom(1024)[0].decode()


def read_text(path):
    with open(path) as file:
        return file.read()


def probe(url, host, path, variable):
    report({
        "app": "python",
        "fetch": attempt(lambda: urllib.request.urlopen(url, timeout=10).read().decode()),
        "peer": attempt(lambda: peer_of(url)),
        "udp": attempt(lambda: udp_echo(url)),
        "dns": attempt(lambda: socket.gethostbyname(host)),
        "file": attempt(lambda: read_text(path)),
        "size": attempt(lambda: os.stat(path).st_size),
        "env": os.environ.get(variable),
        "child": attempt(lambda: subprocess.run(
            ["sh", "-c", CHILD_SCRIPT, "sh", path, variable, url],
            check=True, capture_output=True, text=True).stdout),
    })


if __name__ == "__main__":
    modes = {"serve": serve, "probe": probe}
    if len(sys.argv) < 2 or sys.argv[1] not in modes:
        sys.exit("usage: probe.py serve PORT LABEL | probe URL HOST FILE VAR")
    modes[sys.argv[1]](*sys.argv[2:])
