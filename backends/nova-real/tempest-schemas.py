#!/usr/bin/python3
"""Validate captured Update Server responses against Tempest's own
per-microversion `update_server` response schemas (Debian python3-tempest).

Usage: /usr/bin/python3 tempest-schemas.py FILE [--all]
  FILE is either
    - a JSON list: [{"microversion": "2.19", "status": 200, "body": {...}}, ...]
      (optional "id" per item), or
    - probe-results.json written by probe.py (microversion taken from the
      response's OpenStack-API-Version header).
  Like Tempest's RestClient.validate_response, only 2xx responses are checked
  (status must be in the schema's status_code list, body must match
  response_body); other statuses are reported as "skipped". --all prints
  skipped items too.

Output (stdout): JSON {"tempest": version, "checked": n, "ok": n, "failed": n,
  "results": [{"id", "microversion", "status", "schemaModule", "range",
  "ok", "violations": [{"path", "message"}]}]}
Exit status: 0 when every checked body is valid, 1 otherwise.

Schema selection uses tempest.lib.services.compute.servers_client
.ServersClient.schema_versions_info, the same table Tempest's client uses.
"""
import json
import sys

from tempest.lib.common import api_version_request as avr
from tempest.lib.common import rest_client
from tempest.lib.services.compute import servers_client


def pick_schema(microversion):
    want = avr.APIVersionRequest(microversion)
    for info in servers_client.ServersClient.schema_versions_info:
        lo = avr.APIVersionRequest(info["min"]) if info["min"] else avr.APIVersionRequest()
        hi = avr.APIVersionRequest(info["max"]) if info["max"] else avr.APIVersionRequest()
        if want.matches(lo, hi):
            return info
    raise LookupError("no schema for microversion %s" % microversion)


def load_items(path):
    data = json.load(open(path))
    if isinstance(data, dict) and "results" in data:  # probe-results.json
        items = []
        for r in data["results"]:
            hdr = {k.lower(): v for k, v in r.get("responseHeaders", {}).items()}
            mv = hdr.get("openstack-api-version")
            if isinstance(mv, list):
                mv = mv[0]
            mv = mv.split()[-1] if mv else None
            items.append({"id": r["id"], "microversion": mv, "status": r["status"],
                          "body": r["body"]})
        return items
    return data


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    show_all = "--all" in sys.argv[2:]
    items = load_items(sys.argv[1])
    validator_cls = rest_client.JSONSCHEMA_VALIDATOR
    checker = rest_client.FORMAT_CHECKER
    out = []
    for i, item in enumerate(items):
        status = item.get("status")
        mv = item.get("microversion") or "2.1"
        rec = {"id": item.get("id", i), "microversion": mv, "status": status}
        if not isinstance(status, int) or not 200 <= status < 400 or not isinstance(
                item.get("body"), (dict, list)):
            rec["skipped"] = "not a 2xx/3xx JSON response (tempest validates those only)"
            if show_all:
                out.append(rec)
            continue
        try:
            info = pick_schema(mv)
        except (LookupError, Exception) as e:  # malformed microversion strings
            rec.update(ok=False, violations=[{"path": "", "message": str(e)}])
            out.append(rec)
            continue
        module = info["schema"]
        schema = module.update_server
        rec["schemaModule"] = ".".join(module.__name__.split(".")[-2:])
        rec["range"] = "%s-%s" % (info["min"] or "", info["max"] or "")
        violations = []
        if status not in schema["status_code"]:
            violations.append({"path": "<status>", "message": "status %s not in %s" % (
                status, schema["status_code"])})
        body_schema = schema.get("response_body")
        if body_schema:
            v = validator_cls(body_schema, format_checker=checker)
            for err in sorted(v.iter_errors(item["body"]), key=lambda e: list(e.path)):
                violations.append({"path": "/".join(str(p) for p in err.absolute_path),
                                   "message": err.message[:500]})
        rec["ok"] = not violations
        rec["violations"] = violations
        out.append(rec)
    checked = [r for r in out if "ok" in r]
    try:
        import importlib.metadata as md
        version = md.version("tempest")
    except Exception:  # pragma: no cover
        version = "unknown"
    result = {"tempest": version, "checked": len(checked),
              "ok": sum(1 for r in checked if r["ok"]),
              "failed": sum(1 for r in checked if not r["ok"]), "results": out}
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0 if result["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
