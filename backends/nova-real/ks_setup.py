#!/usr/bin/python3
"""Create (idempotently) the conformance identities and the compute catalog
entry through the Keystone v3 API.

Usage: /usr/bin/python3 ks_setup.py <spec.json>   (prints a result JSON on stdout)

spec.json: {"auth_url": "http://127.0.0.1:P/v3", "admin": {"username", "password",
            "project"}, "region": "RegionOne", "compute_url": "...",
            "users": [{"name", "password", "project", "roles": [...]}]}
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request


class KS:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.token = None

    def call(self, method, path, body=None, expect=(200, 201, 204), token=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        tok = token or self.token
        if tok:
            req.add_header("X-Auth-Token", tok)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                raw = resp.read()
                status, headers = resp.status, resp.headers
        except urllib.error.HTTPError as e:
            raw, status, headers = e.read(), e.code, e.headers
        if status not in expect:
            raise RuntimeError("%s %s -> %s %s" % (method, path, status, raw[:500]))
        return status, headers, (json.loads(raw) if raw else None)

    def login(self, user, password, project):
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": "default"}, "password": password}}},
            "scope": {"project": {"name": project, "domain": {"id": "default"}}}}}
        _, headers, _ = self.call("POST", "/auth/tokens", body, expect=(201,))
        self.token = headers["X-Subject-Token"]

    def find(self, coll, key, **filters):
        q = urllib.parse.urlencode(filters)
        _, _, body = self.call("GET", "/%s?%s" % (coll, q))
        return body[key]

    def ensure(self, coll, key_many, key_one, name, extra=None, filters=None):
        found = self.find(coll, key_many, name=name, **(filters or {}))
        if found:
            return found[0]
        obj = {"name": name}
        obj.update(extra or {})
        _, _, body = self.call("POST", "/" + coll, {key_one: obj})
        return body[key_one]


def main():
    spec = json.load(open(sys.argv[1]))
    ks = KS(spec["auth_url"])
    adm = spec["admin"]
    ks.login(adm["username"], adm["password"], adm["project"])

    roles = {}
    for r in ("admin", "member", "reader", "service"):
        roles[r] = ks.ensure("roles", "roles", "role", r)["id"]

    projects = {}
    wanted_projects = {u["project"] for u in spec["users"]} | {adm["project"]}
    for p in sorted(wanted_projects):
        projects[p] = ks.ensure("projects", "projects", "project", p,
                                {"domain_id": "default", "description": "conformance"},
                                {"domain_id": "default"})["id"]

    users = {}
    for u in spec["users"]:
        existing = ks.find("users", "users", name=u["name"], domain_id="default")
        if existing:
            uid = existing[0]["id"]
            # keep the password in step with the state directory's secrets
            ks.call("PATCH", "/users/" + uid, {"user": {"password": u["password"],
                                                         "enabled": True}})
        else:
            _, _, body = ks.call("POST", "/users", {"user": {
                "name": u["name"], "password": u["password"], "domain_id": "default",
                "default_project_id": projects[u["project"]], "enabled": True}})
            uid = body["user"]["id"]
        users[u["name"]] = uid
        for r in u["roles"]:
            ks.call("PUT", "/projects/%s/users/%s/roles/%s" % (projects[u["project"]], uid,
                                                                 roles[r]))
    admin_user = ks.find("users", "users", name=adm["username"], domain_id="default")[0]
    users[adm["username"]] = admin_user["id"]

    # compute service + endpoints
    svcs = [s for s in ks.find("services", "services", type="compute")]
    if svcs:
        svc = svcs[0]
    else:
        _, _, body = ks.call("POST", "/services", {"service": {
            "type": "compute", "name": "nova", "description": "OpenStack Compute (conformance)",
            "enabled": True}})
        svc = body["service"]
    eps = ks.find("endpoints", "endpoints", service_id=svc["id"])
    for iface in ("public", "internal"):
        mine = [e for e in eps if e["interface"] == iface and e.get("region_id") == spec["region"]]
        if mine:
            if mine[0]["url"] != spec["compute_url"]:
                ks.call("PATCH", "/endpoints/" + mine[0]["id"],
                        {"endpoint": {"url": spec["compute_url"]}})
            for extra in mine[1:]:
                ks.call("DELETE", "/endpoints/" + extra["id"])
        else:
            ks.call("POST", "/endpoints", {"endpoint": {
                "service_id": svc["id"], "interface": iface, "region_id": spec["region"],
                "url": spec["compute_url"], "enabled": True}})

    json.dump({"projects": projects, "users": users, "roles": roles,
               "compute_service_id": svc["id"]}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
