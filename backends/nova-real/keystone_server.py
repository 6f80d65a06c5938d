#!/usr/bin/python3
"""Serve Debian's Keystone WSGI application on 127.0.0.1 with a small
single-threaded wsgiref server.

Usage: /usr/bin/python3 keystone_server.py <keystone.conf> <port> [<host>]

The Keystone flask app reads its config files from OS_KEYSTONE_CONFIG_FILES
and parses sys.argv, so both are set before the app is built.
"""
import os
import socket
import sys
from wsgiref import simple_server


class QuietHandler(simple_server.WSGIRequestHandler):
    # Keystone writes its own log; keep stderr for errors only.
    def log_message(self, fmt, *args):  # noqa: D401
        pass

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


class SerialWSGIServer(simple_server.WSGIServer):
    # One request at a time: keystone's sqlite connections must stay in the
    # thread that created them (a threaded server logs
    # "SQLite objects created in a thread can only be used in that same thread").
    # SO_REUSEADDR only (binding over TIME_WAIT leftovers); never SO_REUSEPORT,
    # so a second listener on the same port fails instead of sharing traffic.
    allow_reuse_address = True
    request_queue_size = 64


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    conf, port = sys.argv[1], int(sys.argv[2])
    host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    os.environ["OS_KEYSTONE_CONFIG_FILES"] = os.path.abspath(conf)
    # keystone's flask core runs oslo.config over sys.argv
    sys.argv = ["keystone-wsgi-public"]
    from keystone.server import wsgi as ks_wsgi

    app = ks_wsgi.initialize_public_application()
    httpd = simple_server.make_server(
        host, port, app, server_class=SerialWSGIServer, handler_class=QuietHandler
    )
    sys.stderr.write("keystone listening on http://%s:%d\n" % (host, port))
    sys.stderr.flush()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
