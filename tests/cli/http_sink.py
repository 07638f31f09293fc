#!/usr/bin/env python3
"""A real HTTP receiver on 127.0.0.1 for tests/cli/test_notify.sh.

Every POST is written to DIR as NNN.body (the exact bytes received),
NNN.headers.json (the request headers) and NNN.path.  The first --fail N
requests are answered 500, the rest 200.  The port is written to PORTFILE
once it listens.  Runs until SIGTERM.

    http_sink.py --dir DIR --port-file FILE [--fail N]
"""
import argparse
import json
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', required=True)
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--fail', type=int, default=0)
    args = ap.parse_args()
    state = {'n': 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length)
            with lock:
                state['n'] += 1
                n = state['n']
            base = os.path.join(args.dir, '%03d' % n)
            with open(base + '.headers.json', 'w') as f:
                json.dump({k: v for k, v in self.headers.items()}, f)
            with open(base + '.path', 'w') as f:
                f.write(self.path)
            with open(base + '.body.tmp', 'wb') as f:
                f.write(body)
            os.rename(base + '.body.tmp', base + '.body')
            status = 500 if n <= args.fail else 200
            reply = b'{"ok":false}' if status != 200 else b'{"ok":true}'
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    with open(args.port_file + '.tmp', 'w') as f:
        f.write('%d\n' % srv.server_address[1])
    os.rename(args.port_file + '.tmp', args.port_file)
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(
        target=srv.shutdown).start())
    srv.serve_forever()


if __name__ == '__main__':
    main()
