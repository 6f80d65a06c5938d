#!/usr/bin/env python3
"""Run the 68 reference cases (plus a few variants taken from their
descriptions/notes) against the real Nova started by start.sh and save the raw
answers.

Usage: python3 probe.py [--cases FILE] [--env FILE] [--out FILE]
  defaults: /work/shared/reference/nova-update-server-cases.json,
            backends/.state/nova-real.env, backends/nova-real/probe-results.json

Standard library only. Each case runs as conf-member-a on a project-A server
(the SHUTOFF / locked seeds where the case needs them); the other-tenant case
runs as conf-member-b; the policy case as conf-reader-a (reader role only).
Before each case the server is read (admin, 2.93); afterwards it is read again
and every user-editable field is restored with a PUT at 2.90.
Master-only cases (2.94+, 2.104 pinned AZ) are sent too, flagged masterOnly:
they document what Zed answers (406).
"""
import argparse
import http.client
import json
import os
import sys
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
DEF_CASES = "/work/shared/reference/nova-update-server-cases.json"
DEF_ENV = os.path.join(HERE, "..", ".state", "nova-real.env")
DEF_OUT = os.path.join(HERE, "probe-results.json")
EDITABLE = ("name", "description", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig",
            "OS-EXT-SRV-ATTR:hostname")
KEEP_HEADERS = ("openstack-api-version", "x-openstack-nova-api-version", "content-type",
                "vary", "www-authenticate")


def load_env(path):
    env = {}
    for line in open(path):
        line = line.strip()
        if line and "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k] = v
    return env


def http_call(method, url, headers=None, body=None):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    path = u.path + ("?" + u.query if u.query else "")
    # skip_accept_encoding etc. not needed; http.client adds Host and
    # Content-Length (only when a body is given) and nothing else.
    t0 = time.monotonic()
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    raw = resp.read()
    elapsed = time.monotonic() - t0
    hdrs = resp.getheaders()
    conn.close()
    return resp.status, hdrs, raw, elapsed



def token(env, user, password, project):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": env.get("OS_USER_DOMAIN_NAME", "Default")},
        "password": password}}},
        "scope": {"project": {"name": project,
                              "domain": {"name": env.get("OS_PROJECT_DOMAIN_NAME", "Default")}}}}}
    st, hdrs, raw, _ = http_call("POST", env["OS_AUTH_URL"] + "/auth/tokens",
                                 {"Content-Type": "application/json"}, json.dumps(body))
    if st != 201:
        raise SystemExit("token for %s: %s %s" % (user, st, raw[:300]))
    h = {k.lower(): v for k, v in hdrs}
    cat = json.loads(raw)["token"]["catalog"]
    compute = [e["url"] for c in cat if c["type"] == "compute" for e in c["endpoints"]
               if e["interface"] == env.get("OS_INTERFACE", "public")]
    return h["x-subject-token"], compute[0]


def decode(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def pick_headers(hdrs):
    out = {}
    for k, v in hdrs:
        lk = k.lower()
        if lk in KEEP_HEADERS:
            out.setdefault(k, [])
            out[k].append(v)
    return {k: (v[0] if len(v) == 1 else v) for k, v in out.items()}


def get_server(compute, tok, sid):
    st, _, raw, _ = http_call("GET", "%s/servers/%s" % (compute, sid),
                              {"X-Auth-Token": tok, "OpenStack-API-Version": "compute 2.93"})
    if st != 200:
        return None
    return json.loads(raw)["server"]


def restore(compute, tok, sid, before, after):
    if before is None or after is None:
        return None
    changed = {k: before.get(k) for k in EDITABLE if before.get(k) != after.get(k)}
    if not changed:
        return {}
    body = {}
    for k, v in changed.items():
        if k == "OS-EXT-SRV-ATTR:hostname":
            body["hostname"] = v
        elif k in ("accessIPv4", "accessIPv6") and not v:
            continue  # cannot be cleared through update
        else:
            body[k] = v
    st, _, raw, _ = http_call("PUT", "%s/servers/%s" % (compute, sid),
                              {"X-Auth-Token": tok, "Content-Type": "application/json",
                               "OpenStack-API-Version": "compute 2.90"},
                              json.dumps({"server": body}))
    return {"restored": sorted(changed), "status": st}


def build_variants(cases):
    """Extra inputs named in the cases' descriptions/notes (same expectation)."""
    by_id = {c["id"]: c for c in cases}
    v = []

    def add(base, suffix, **over):
        c = dict(by_id[base])
        c["id"] = base + "#" + suffix
        c["variantOf"] = base
        c.update(over)
        v.append(c)

    add("ok-hostname-edge-2.90", "63", body={"server": {"hostname": "h" * 63}})
    add("ok-hostname-edge-2.90", "digits", body={"server": {"hostname": "12345"}})
    add("ok-hostname-edge-2.90", "mixedcase", body={"server": {"hostname": "MyHost"}})
    add("ok-desc-255-spaces", "255", body={"server": {"description": "d" * 255}})
    add("ok-no-content-type", "text-plain", contentType="text/plain")
    for n in ("a\nb", "a\u0000b"):
        add("err-name-control", repr(n), body={"server": {"name": n}})
    add("err-name-type", "null", body={"server": {"name": None}})
    add("err-name-leading-space", "nbsp", body={"server": {"name": "\u00a0ab"}})
    for ip in ("256.1.1.1", "01.2.3.4", "::1", "10.0.0.1/24", "example.com"):
        add("err-ipv4-format", ip, body={"server": {"accessIPv4": ip}})
    for ip in ("1.2.3.4", "2001:db8:::1", "[2001:db8::1]", ""):
        add("err-ipv6-format", ip or "empty", body={"server": {"accessIPv6": ip}})
    add("err-diskconfig-case", "SEMI", body={"server": {"OS-DCF:diskConfig": "SEMI"}})
    add("err-diskconfig-case", "null", body={"server": {"OS-DCF:diskConfig": None}})
    for d in ("a\nb", "a\tb"):
        add("err-desc-control", repr(d), body={"server": {"description": d}})
    for h in ("a", "", "-host", "host-", "my host", None):
        add("err-hostname-misc-2.90", repr(h), body={"server": {"hostname": h}})
    add("err-hostname-misc-2.90", "2.93-a", microversion="2.93", body={"server": {"hostname": "a"}})
    add("err-server-not-object", "null", body={"server": None})
    for mv in ("2.0", "3.0", "1.1"):
        add("err-406-mv-too-high", mv, microversion=mv)
    add("err-406-mv-too-high", "legacy-2.999", microversion="2.999 (legacy header)")
    for mv in ("2", "2.01", "2.19.1"):
        add("err-400-mv-malformed", mv, microversion=mv)
    add("ok-name-2.1", "header-without-service", microversion="RAW:2.19",
        expectBodyGist=None,
        note="OpenStack-API-Version: 2.19 (no service token) is ignored -> 2.1")
    add("ok-name-2.1", "other-service-only", microversion="RAW:volume 3.5",
        note="header naming only another service -> 2.1")
    add("ok-legacy-header", "both-headers", microversion="BOTH:2.26/2.19",
        note="standard header wins over legacy")
    add("err-patch-method", "POST", method="POST")
    add("err-401-no-token", "bogus-token", authAs="bogus")
    add("err-404-other-tenant", "alt-project-in-url", authAs="alt", urlForm="alt-project-in-url")
    add("ok-name-2.1", "url-project-mismatch", urlForm="alt-project-in-url", expectStatus=400,
        note="member A, project B's id in the URL -> 400 'Malformed request URL' (expectation "
             "set by this probe, not by the reference cases)")
    add("ok-name-2.1", "project-id-url", urlForm="project-in-url")
    add("ok-name-2.1", "admin", authAs="admin")
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default=DEF_CASES)
    ap.add_argument("--env", default=DEF_ENV)
    ap.add_argument("--out", default=DEF_OUT)
    ap.add_argument("--no-variants", action="store_true")
    ap.add_argument("--only", help="comma-separated case ids (variants included by prefix)")
    args = ap.parse_args()

    env = load_env(args.env)
    cases = json.load(open(args.cases))
    if not args.no_variants:
        cases = cases + build_variants(cases)
    if args.only:
        wanted = args.only.split(",")
        cases = [c for c in cases if c["id"] in wanted or c.get("variantOf") in wanted]

    tok_a, compute = token(env, env["OS_USERNAME"], env["OS_PASSWORD"], env["OS_PROJECT_NAME"])
    tok_b, _ = token(env, env["OS_ALT_USERNAME"], env["OS_ALT_PASSWORD"], env["OS_ALT_PROJECT_NAME"])
    tok_adm, _ = token(env, env["NOVA_REAL_ADMIN_USERNAME"], env["NOVA_REAL_ADMIN_PASSWORD"],
                       env["NOVA_REAL_ADMIN_PROJECT_NAME"])
    tok_r, _ = token(env, env["NOVA_REAL_READER_USERNAME"], env["NOVA_REAL_READER_PASSWORD"],
                     env["NOVA_REAL_READER_PROJECT_NAME"])
    tokens = {"member-a": tok_a, "alt": tok_b, "admin": tok_adm, "reader": tok_r,
              "bogus": "gAAAAABbogus-token", "none": None}
    a_ids = env["NOVA_SERVER_IDS"].split(",")
    default_sid = a_ids[0]
    st, _, raw, _ = http_call("GET", compute.split("/v2.1")[0] + "/")
    versions = json.loads(raw)

    results = []
    for c in cases:
        cid = c["id"]
        base = c.get("variantOf", cid)
        master_only = base.startswith("master-") or str(c["microversion"]).startswith("2.104")
        sid = default_sid
        if base == "ok-name-shutoff":
            sid = env["NOVA_SHUTOFF_SERVER_ID"]
        elif base == "ok-locked-server":
            sid = env["NOVA_REAL_LOCKED_SERVER_ID"]
        elif base == "err-404-unknown":
            sid = str(uuid.uuid4())
        auth_as = c.get("authAs") or {"err-404-other-tenant": "alt", "err-403-policy": "reader",
                                      "err-401-no-token": "none"}.get(base, "member-a")
        method = c.get("method") or ("PATCH" if base == "err-patch-method" else "PUT")

        headers = {}
        if tokens[auth_as]:
            headers["X-Auth-Token"] = tokens[auth_as]
        ctype = c.get("contentType")
        if ctype is None:
            ctype = {"err-415-xml": "application/xml", "ok-no-content-type": ""}.get(
                base, "application/json")
        if ctype:
            headers["Content-Type"] = ctype
        mv = c["microversion"]
        if mv is None:
            pass
        elif mv.startswith("RAW:"):
            headers["OpenStack-API-Version"] = mv[4:]
        elif mv.startswith("BOTH:"):
            std, legacy = mv[5:].split("/")
            headers["OpenStack-API-Version"] = "compute " + std
            headers["X-OpenStack-Nova-API-Version"] = legacy
        elif mv.endswith("(legacy header)"):
            headers["X-OpenStack-Nova-API-Version"] = mv.split()[0]
        else:
            headers["OpenStack-API-Version"] = "compute " + mv

        b = c["body"]
        if b is None:
            data = None
        elif isinstance(b, str) and b.startswith("<raw: "):
            data = b[len("<raw: "):-1].encode()
        else:
            if base == "master-2.104-repin-same":
                b = {"server": {"pinned_availability_zone": "nova"}}
            data = json.dumps(b).encode()

        url_form = c.get("urlForm", "no-project-id")
        if url_form == "project-in-url":
            url = "%s/%s/servers/%s" % (compute, env["NOVA_REAL_PROJECT_ID"], sid)
        elif url_form == "alt-project-in-url":
            url = "%s/%s/servers/%s" % (compute, env["NOVA_REAL_ALT_PROJECT_ID"], sid)
        else:
            url = "%s/servers/%s" % (compute, sid)

        before = get_server(compute, tok_adm, sid)
        if base == "ok-diskconfig-manual":
            # the case is AUTO -> MANUAL; seeds are MANUAL, so flip to AUTO first
            http_call("PUT", "%s/servers/%s" % (compute, sid),
                      {"X-Auth-Token": tok_adm, "Content-Type": "application/json"},
                      json.dumps({"server": {"OS-DCF:diskConfig": "AUTO"}}))
            original, before = before, get_server(compute, tok_adm, sid)
        else:
            original = before
        status, hdrs, raw, elapsed = http_call(method, url, headers, data)
        after = get_server(compute, tok_adm, sid)
        post = None
        if before is not None and after is not None:
            post = {k: {"before": before.get(k), "after": after.get(k)}
                    for k in EDITABLE + ("status", "locked") if before.get(k) != after.get(k)}
            if base in ("ok-name-shutoff",):
                post["_status"] = after.get("status")
                post["_progress_key_in_GET"] = "progress" in after
            if base == "ok-name-no-desc-change-2.1":
                post["_description"] = after.get("description")
        rest = restore(compute, tok_adm, sid, original, after)
        rec = {
            "id": cid,
            "variantOf": c.get("variantOf"),
            "masterOnly": master_only,
            "evidence": c.get("evidence"),
            "expectStatus": c["expectStatus"],
            "status": status,
            "match": status == c["expectStatus"],
            "request": {"method": method, "url": url.replace(compute, "{compute}"),
                        "as": auth_as,
                        "headers": {k: v for k, v in headers.items() if k != "X-Auth-Token"},
                        "body": data.decode("utf-8", "replace") if data is not None else None},
            "responseHeaders": pick_headers(hdrs),
            "body": decode(raw),
            "postState": post,
            "restore": rest,
            "ms": round(elapsed * 1000, 1),
        }
        if base == "ok-diskconfig-manual":
            rec["setup"] = "PUT OS-DCF:diskConfig AUTO (as admin) before the case"
        if c.get("note") and c.get("variantOf"):
            rec["note"] = c["note"]
        results.append(rec)

    summary = {
        "total": len(results),
        "referenceCases": sum(1 for r in results if not r["variantOf"]),
        "variants": sum(1 for r in results if r["variantOf"]),
        "mismatches": [{"id": r["id"], "expect": r["expectStatus"], "real": r["status"],
                        "masterOnly": r["masterOnly"]}
                       for r in results if not r["match"]],
        "inferenceOrSimulated": [{"id": r["id"], "evidence": r["evidence"],
                                  "expect": r["expectStatus"], "real": r["status"]}
                                 for r in results if not r["variantOf"] and r["evidence"]
                                 and not str(r["evidence"]).startswith("fact")],
    }
    out = {
        "meta": {
            "generatedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "target": "Debian bookworm python3-nova 2:26.2.2-1~deb12u5 (Zed) + python3-keystone 22.0.2, "
                      "keystone pipeline (keystonemiddleware), sqlite, seeded servers",
            "compute": compute,
            "versions": versions,
            "defaultServer": default_sid,
            "users": {"member-a": env["OS_USERNAME"], "alt": env["OS_ALT_USERNAME"],
                      "reader": env["NOVA_REAL_READER_USERNAME"],
                      "admin": env["NOVA_REAL_ADMIN_USERNAME"]},
        },
        "summary": summary,
        "results": results,
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
