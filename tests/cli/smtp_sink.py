#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for tests/cli/test_notify.sh (aiosmtpd).

Every message it accepts is written to DIR as NNN.eml (the bytes as
received) and NNN.json (envelope sender and recipients, whether the session
was TLS and which login authenticated).  The port it listens on is written
to PORTFILE once it accepts connections.

    smtp_sink.py --dir DIR --port-file FILE [--port N]
                 [--tls-cert CERT --tls-key KEY [--require-starttls]]
                 [--user NAME --password SECRET]

With --user, AUTH (PLAIN, LOGIN) is offered only after STARTTLS and
required before MAIL FROM.  Runs until SIGTERM.
"""
import argparse
import json
import os
import signal
import socket
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.n = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            n = self.n
        base = os.path.join(self.outdir, '%03d' % n)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode('utf-8', 'surrogateescape')
        with open(base + '.eml.tmp', 'wb') as f:
            f.write(data)
        login = getattr(session, 'fl_login', None)
        meta = {
            'mail_from': envelope.mail_from,
            'rcpt_tos': list(envelope.rcpt_tos),
            'tls': bool(session.ssl),
            'authenticated': bool(session.authenticated),
            'login': login,
        }
        with open(base + '.json', 'w') as f:
            json.dump(meta, f)
        # the .eml appears last: a reader that sees it sees everything
        os.rename(base + '.eml.tmp', base + '.eml')
        return '250 OK stored as %03d' % n


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', required=True)
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--tls-cert')
    ap.add_argument('--tls-key')
    ap.add_argument('--require-starttls', action='store_true')
    ap.add_argument('--user')
    ap.add_argument('--password')
    args = ap.parse_args()

    kw = {}
    if args.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        kw['tls_context'] = ctx
        kw['require_starttls'] = args.require_starttls
    if args.user:
        want = (args.user.encode(), args.password.encode())

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login, auth_data.password) == want
            if ok:
                session.fl_login = auth_data.login.decode('utf-8', 'replace')
            return AuthResult(success=ok, handled=False)

        kw['authenticator'] = authenticator
        kw['auth_required'] = True
        kw['auth_require_tls'] = True
    port = args.port or free_port()
    controller = Controller(Sink(args.dir), hostname='127.0.0.1', port=port,
                            **kw)
    controller.start()
    with open(args.port_file + '.tmp', 'w') as f:
        f.write('%d\n' % port)
    os.rename(args.port_file + '.tmp', args.port_file)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    while not done.wait(0.5):
        pass
    controller.stop()


if __name__ == '__main__':
    main()
