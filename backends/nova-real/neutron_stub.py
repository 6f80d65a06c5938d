#!/usr/bin/python3
"""A tiny read-only Neutron stand-in for Nova's API view builder.

Usage: /usr/bin/python3 neutron_stub.py <seed.json> <port> [<host>]

It answers:
  GET /                      -> versions document
  GET /v2.0/ports            -> ports of the seeded servers (filter device_id, id,
                                tenant_id/project_id, network_id)
  GET /v2.0/security-groups  -> one "default" group per seeded project (filter id,
                                tenant_id/project_id; fields=... honoured)
  GET /v2.0/<collection>     -> {"<collection>": []}   (extensions, networks, ...)
  GET /v2.0/<collection>/<id> (ports, security-groups) -> object or 404
Anything that is not GET gets 405 (the stand-in is read-only).

The seed file (written by seed.py) is re-read whenever its mtime changes.
"""
import json
import os
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SEED_PATH = None
_cache = {"mtime": None, "ports": [], "sgs": []}


def _load():
    try:
        mtime = os.stat(SEED_PATH).st_mtime
    except OSError:
        return _cache
    if mtime != _cache["mtime"]:
        with open(SEED_PATH) as f:
            seed = json.load(f)
        ports, sgs = [], {}
        for srv in seed.get("servers", []):
            proj = srv["project_id"]
            sg_id = seed["security_groups"][proj]
            sgs[sg_id] = {
                "id": sg_id,
                "name": "default",
                "description": "Default security group",
                "tenant_id": proj,
                "project_id": proj,
                "security_group_rules": [],
                "stateful": True,
                "tags": [],
            }
            ports.append(
                {
                    "id": srv["port_id"],
                    "name": "",
                    "network_id": seed["network_id"],
                    "tenant_id": proj,
                    "project_id": proj,
                    "mac_address": srv["mac"],
                    "admin_state_up": True,
                    "status": "ACTIVE",
                    "device_id": srv["id"],
                    "device_owner": "compute:nova",
                    "fixed_ips": [
                        {"subnet_id": seed["subnet_id"], "ip_address": srv["fixed_ip"]}
                    ],
                    "security_groups": [sg_id],
                    "binding:vif_type": "ovs",
                    "binding:vnic_type": "normal",
                    "binding:host_id": srv.get("host", ""),
                    "tags": [],
                }
            )
        _cache.update(mtime=mtime, ports=ports, sgs=list(sgs.values()))
    return _cache


def _filter(items, query, keys):
    out = items
    for k in keys:
        if k in query:
            wanted = set(query[k])
            out = [i for i in out if str(i.get(k)) in wanted]
    return out


def _fields(items, query):
    fields = query.get("fields")
    if not fields:
        return items
    return [{k: v for k, v in i.items() if k in fields} for i in items]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "neutron-standin/1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        pass

    def _send(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _not_allowed(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._send(405, {"NeutronError": {"type": "HTTPMethodNotAllowed",
                                          "message": "read-only stand-in", "detail": ""}})

    do_POST = do_PUT = do_DELETE = do_PATCH = _not_allowed

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        parts = [p for p in url.path.split("/") if p]
        if parts and parts[-1].endswith(".json"):
            parts[-1] = parts[-1][:-5]
        if not parts:
            return self._send(200, {"versions": [{"id": "v2.0", "status": "CURRENT",
                                                   "links": []}]})
        if parts[0] != "v2.0":
            return self._send(404, {"NeutronError": {"type": "HTTPNotFound",
                                                     "message": "not found", "detail": ""}})
        data = _load()
        if len(parts) == 1:
            return self._send(200, {"resources": []})
        coll = parts[1]
        if coll == "ports":
            items = _filter(data["ports"], query,
                            ["id", "device_id", "tenant_id", "project_id", "network_id"])
            key_one = "port"
        elif coll == "security-groups":
            items = _filter(data["sgs"], query, ["id", "tenant_id", "project_id", "name"])
            key_one = "security_group"
        else:
            if len(parts) == 2:
                return self._send(200, {coll.replace("-", "_"): []})
            return self._send(404, {"NeutronError": {"type": "NotFound",
                                                     "message": "%s not found" % coll,
                                                     "detail": ""}})
        if len(parts) == 2:
            return self._send(200, {coll.replace("-", "_"): _fields(items, query)})
        match = [i for i in items if i["id"] == parts[2]]
        if not match:
            return self._send(404, {"NeutronError": {"type": "NotFound",
                                                     "message": "%s %s not found" % (key_one, parts[2]),
                                                     "detail": ""}})
        return self._send(200, {key_one: _fields(match, query)[0]})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # SO_REUSEADDR (TIME_WAIT leftovers) but never SO_REUSEPORT
    allow_reuse_address = True


def main():
    global SEED_PATH
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    SEED_PATH = sys.argv[1]
    port = int(sys.argv[2])
    host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    httpd = Server((host, port), Handler)
    sys.stderr.write("neutron stand-in listening on http://%s:%d\n" % (host, port))
    sys.stderr.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
