# Exercises what a Python service does: http.server and urllib, open(), os.stat, os.listdir and subprocess.
# `python-app.py PATH` reads PATH instead of itself.
import http.server
import os
import subprocess
import sys
import threading
import urllib.request

path = sys.argv[1] if len(sys.argv) > 1 else __file__
with open(path, "rb") as f:
    print("open bytes=%d" % len(f.read()))
print("stat size=%d" % os.stat(path).st_size)
print("listdir has this file=%s" % (os.path.basename(__file__) in os.listdir(os.path.dirname(os.path.abspath(__file__)))))
print("subprocess says %s" % subprocess.check_output(["/bin/sh", "-c", "echo child $((6 * 7))"]).decode().strip())


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("hello %s" % self.path).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
threading.Thread(target=server.serve_forever, daemon=True).start()
with urllib.request.urlopen("http://127.0.0.1:%d/python" % server.server_address[1]) as response:
    print("http %d %s" % (response.status, response.read().decode()))
server.shutdown()
