#!/usr/bin/env python3
"""Run the PATCH cases of k8s-pod-patch-cases.json against a real kube-apiserver
and record what it answered (status, body, headers, before/after state).

Usage:
  eval "$(backends/k8s-real/start.sh)"   # or export K8S_SERVER/K8S_TOKEN/K8S_CA_FILE
  python3 backends/k8s-real/probe.py [--cases FILE] [--out FILE]

Python 3 standard library only. Each case gets a fresh pod "p" in a namespace
created for this run; the namespace is deleted at the end.
"""
import argparse
import copy
import datetime
import http.client
import json
import os
import re
import ssl
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CASES = os.path.join(HERE, "..", "..", "..", "shared", "reference", "k8s-pod-patch-cases.json")
BODY_LIMIT = 20000  # bodies longer than this are truncated in the output file


class Client:
    def __init__(self, server, token, ca_file):
        u = urllib.parse.urlparse(server)
        self.host, self.port = u.hostname, u.port or 443
        self.token = token
        self.ctx = ssl.create_default_context(cafile=ca_file)

    def request(self, method, path, body=None, content_type=None):
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=60)
        headers = {"Authorization": "Bearer " + self.token, "Accept": "application/json"}
        if body is not None:
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode()
            headers["Content-Type"] = content_type or "application/json"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        raw = resp.read().decode("utf-8", "replace")
        hdrs = resp.getheaders()
        conn.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return resp.status, hdrs, raw, parsed


CUSTOM_TOLERATION = {"key": "example.com/custom", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}

# Extra probes (not in the cases file): the same questions asked in a way that
# the DefaultTolerationSeconds admission plugin cannot "heal", plus a few
# combinations that clarify ordering. "extraPrecondition" is handled here only.
EXTRA_CASES = [
    {"id": "extra-jp-modify-custom-toleration-key",
     "description": "modify the key of a NON-default toleration (tolerations[0] = example.com/custom)",
     "contentType": "application/json-patch+json",
     "patch": [{"op": "replace", "path": "/spec/tolerations/0/key", "value": "other"}],
     "extraPrecondition": "custom-toleration-first", "expectStatus": 422, "expectReason": "Invalid",
     "expectCauses": [{"reason": "FieldValueForbidden", "field": "spec.tolerations",
                       "messageContains": "existing toleration can not be modified except its tolerationSeconds"}]},
    {"id": "extra-mp-remove-all-tolerations-custom",
     "description": "remove all tolerations when one of them is a NON-default toleration",
     "contentType": "application/merge-patch+json", "patch": {"spec": {"tolerations": []}},
     "extraPrecondition": "custom-toleration-first", "expectStatus": 422, "expectReason": "Invalid",
     "expectCauses": [{"reason": "FieldValueForbidden", "field": "spec.tolerations"}]},
    {"id": "extra-mp-remove-default-tolerations-only",
     "description": "drop only the two default tolerations (admission re-adds them on update)",
     "contentType": "application/json-patch+json",
     "patch": [{"op": "remove", "path": "/spec/tolerations/1"}, {"op": "remove", "path": "/spec/tolerations/0"}],
     "expectStatus": 200, "expectReason": None},
    {"id": "extra-mp-unknown-field-strict",
     "description": "unknown spec field with fieldValidation=Strict",
     "contentType": "application/merge-patch+json", "patch": {"spec": {"foo": 1}},
     "query": "fieldValidation=Strict", "expectStatus": 422, "expectReason": "Invalid",
     "expectCauses": [{"reason": "FieldValueInvalid", "field": "patch", "messageContains": "unknown field \"spec.foo\""}]},
    {"id": "extra-mp-unknown-field-ignore",
     "description": "unknown spec field with fieldValidation=Ignore (no Warning expected)",
     "contentType": "application/merge-patch+json", "patch": {"spec": {"foo": 1}},
     "query": "fieldValidation=Ignore", "expectStatus": 200, "expectReason": None},
    {"id": "extra-mp-fieldvalidation-bad",
     "description": "invalid fieldValidation value",
     "contentType": "application/merge-patch+json", "patch": {"metadata": {"labels": {"a": "b"}}},
     "query": "fieldValidation=Bogus", "expectStatus": 422, "expectReason": "Invalid"},
    {"id": "extra-mp-dryrun-invalid",
     "description": "dryRun=All with a patch that fails validation (validation still runs)",
     "contentType": "application/merge-patch+json", "patch": {"spec": {"activeDeadlineSeconds": 0}},
     "query": "dryRun=All", "expectStatus": 422, "expectReason": "Invalid"},
    {"id": "extra-smp-dryrun-image",
     "description": "dryRun=All with an SMP image change",
     "contentType": "application/strategic-merge-patch+json",
     "patch": {"spec": {"containers": [{"name": "c", "image": "nginx:9"}]}},
     "query": "dryRun=All", "expectStatus": 200, "expectReason": None},
    {"id": "extra-ct-json-empty-body",
     "description": "unsupported Content-Type application/json with an empty body",
     "contentType": "application/json", "patch": "", "patchIsRaw": True, "expectStatus": 415,
     "expectReason": "UnsupportedMediaType"},
    {"id": "extra-mp-labels-null-all",
     "description": "merge patch metadata.labels=null on a labelled pod",
     "contentType": "application/merge-patch+json", "patch": {"metadata": {"labels": None}},
     "precondition": 'labels.a=="b" already', "expectStatus": 200, "expectReason": None},
    {"id": "extra-mp-tgps-negative-to-1",
     "description": "terminationGracePeriodSeconds 30 -> 1 (only negative->1 is allowed)",
     "contentType": "application/merge-patch+json", "patch": {"spec": {"terminationGracePeriodSeconds": 1}},
     "expectStatus": 422, "expectReason": "Invalid"},
]


def pod_template(pre):
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "terminationGracePeriodSeconds": 30,
            "containers": [{"name": "c", "image": "nginx:1"}],
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            ],
        },
    }
    applied = None
    if pre == "custom-toleration-first":
        pod["spec"]["tolerations"].insert(0, dict(CUSTOM_TOLERATION))
        return pod, "created with tolerations[0] = " + json.dumps(CUSTOM_TOLERATION) + " before the two default ones"
    if pre:
        if "activeDeadlineSeconds==30" in pre:
            pod["spec"]["activeDeadlineSeconds"] = 30
            applied = "created with spec.activeDeadlineSeconds=30"
        elif "activeDeadlineSeconds==20" in pre:
            pod["spec"]["activeDeadlineSeconds"] = 20
            applied = "created with spec.activeDeadlineSeconds=20"
        elif 'labels.a=="b"' in pre:
            pod["metadata"]["labels"] = {"a": "b"}
            applied = "created with metadata.labels.a=b"
        elif "schedulingGates" in pre:
            pod["spec"]["schedulingGates"] = [{"name": "g1"}]
            applied = "created with spec.schedulingGates=[{name: g1}]"
        else:
            applied = "satisfied by the base template (" + pre + ")"
    return pod, applied


def fill(value, repl):
    """Replace placeholder strings (<stale>, <current>, <262144+ bytes>) recursively."""
    if isinstance(value, dict):
        return {k: fill(v, repl) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, repl) for v in value]
    if isinstance(value, str) and value in repl:
        return repl[value]
    return value


def trunc(s):
    if s is not None and len(s) > BODY_LIMIT:
        return s[:BODY_LIMIT] + "...[truncated, %d chars total]" % len(s)
    return s


def check_details(case, resp):
    """Compare the Status body with expectMessage/expectMessageContains/expectDetails/expectCauses."""
    problems = []
    is_status = isinstance(resp, dict) and resp.get("kind") == "Status"
    msg = resp.get("message") if is_status else None
    details = resp.get("details") if is_status else None
    if "expectMessage" in case and msg != case["expectMessage"]:
        problems.append("message %r != expected %r" % (msg, case["expectMessage"]))
    if "expectMessageContains" in case and (msg is None or case["expectMessageContains"] not in msg):
        problems.append("message %r does not contain %r" % (msg, case["expectMessageContains"]))
    if "expectDetails" in case:
        want = case["expectDetails"]
        got = details if details is not None else {}
        if want == {}:
            if got != {}:
                problems.append("details %r != {}" % (got,))
        else:
            for k, v in want.items():
                if got.get(k) != v:
                    problems.append("details.%s %r != expected %r" % (k, got.get(k), v))
    causes = (details or {}).get("causes") or []
    for ec in case.get("expectCauses") or []:
        def ok(c):
            if "reason" in ec and c.get("reason") != ec["reason"]:
                return False
            if "field" in ec and c.get("field") != ec["field"]:
                return False
            if "fieldPattern" in ec and not re.search(ec["fieldPattern"], c.get("field") or ""):
                return False
            if "messageContains" in ec and ec["messageContains"] not in (c.get("message") or ""):
                return False
            return True
        if not any(ok(c) for c in causes):
            problems.append("no cause matches %s; got %s" % (json.dumps(ec), json.dumps(
                [{"reason": c.get("reason"), "field": c.get("field"), "message": (c.get("message") or "")[:160]} for c in causes])))
    dup = len(causes) - len({json.dumps(c, sort_keys=True) for c in causes})
    return problems, dup


def strip_managed(obj):
    """GET result without metadata.managedFields (keeps the output file small)."""
    if not isinstance(obj, dict) or "metadata" not in obj:
        return obj
    obj = copy.deepcopy(obj)
    obj["metadata"].pop("managedFields", None)
    return obj


def meta(obj, key):
    return (obj or {}).get("metadata", {}).get(key)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default=os.path.normpath(DEFAULT_CASES))
    ap.add_argument("--out", default=os.path.join(HERE, "probe-results.json"))
    ap.add_argument("--only", help="comma-separated case ids")
    ap.add_argument("--no-extra", action="store_true", help="skip the extra probes defined in this script")
    args = ap.parse_args()
    for k in ("K8S_SERVER", "K8S_TOKEN", "K8S_CA_FILE"):
        if not os.environ.get(k):
            sys.exit("probe.py: %s is not set (run start.sh first)" % k)
    cl = Client(os.environ["K8S_SERVER"], os.environ["K8S_TOKEN"], os.environ["K8S_CA_FILE"])
    cases = json.load(open(args.cases))
    if not args.no_extra:
        cases = cases + [dict(c, extra=True) for c in EXTRA_CASES]
    if args.only:
        keep = set(args.only.split(","))
        cases = [c for c in cases if c["id"] in keep]

    _, _, _, version = cl.request("GET", "/version")
    ns = "probe-%d" % int(time.time())
    st, _, raw, _ = cl.request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    if st != 201:
        sys.exit("probe.py: cannot create namespace: %d %s" % (st, raw))
    pod_path = "/api/v1/namespaces/%s/pods/p" % ns

    def teardown():
        st, _, _, _ = cl.request("GET", pod_path)
        if st == 404:
            return
        cl.request("PATCH", pod_path, {"metadata": {"finalizers": None}}, "application/merge-patch+json")
        cl.request("DELETE", pod_path + "?gracePeriodSeconds=0")
        for _ in range(100):
            if cl.request("GET", pod_path)[0] == 404:
                return
            time.sleep(0.1)
        raise SystemExit("probe.py: pod p was not deleted")

    results = []
    for case in cases:
        teardown()
        pod, applied = pod_template(case.get("extraPrecondition") or case.get("precondition"))
        st, _, raw, created = cl.request("POST", "/api/v1/namespaces/%s/pods" % ns, pod)
        if st != 201:
            sys.exit("probe.py: pod creation failed for %s: %d %s" % (case["id"], st, raw))
        notes = []
        repl = {"<262144+ bytes>": "x" * 262145}
        if json.dumps(case["patch"]).find("<stale>") >= 0:
            stale = meta(created, "resourceVersion")
            cl.request("PATCH", pod_path, {"metadata": {"labels": {"bump": "1"}}}, "application/merge-patch+json")
            repl["<stale>"] = stale
            notes.append("<stale> = resourceVersion at creation (%s); a label patch then moved the pod on" % stale)
        _, _, _, before = cl.request("GET", pod_path)
        if json.dumps(case["patch"]).find("<current>") >= 0:
            repl["<current>"] = meta(before, "resourceVersion")
            notes.append("<current> = %s" % repl["<current>"])

        if case["id"] == "jp-too-many-ops":
            body = json.dumps([{"op": "test", "path": "/kind", "value": "Pod"}] * 10001)
            notes.append("body = 10001 x test /kind == Pod")
        elif case.get("patchIsRaw"):
            body = case["patch"]
        else:
            body = json.dumps(fill(case["patch"], repl))
        path = case.get("path") or pod_path
        path = path.replace("/namespaces/t/", "/namespaces/%s/" % ns)
        if case.get("query"):
            path += "?" + case["query"]

        st, hdrs, raw, resp = cl.request("PATCH", path, body, case["contentType"])
        _, _, _, after = cl.request("GET", pod_path)

        hmap = {}
        for k, v in hdrs:
            if k.lower() in ("warning", "content-type", "audit-id", "x-kubernetes-pf-flowschema-uid") or k.lower().startswith("x-"):
                hmap.setdefault(k, []).append(v)
        is_status = isinstance(resp, dict) and resp.get("kind") == "Status"
        rec = {
            "id": case["id"],
            "extra": bool(case.get("extra")),
            "description": case.get("description"),
            "inferred": bool(case.get("inferred")),
            "precondition": case.get("precondition"),
            "preconditionApplied": applied,
            "notes": notes,
            "request": {
                "method": "PATCH",
                "path": path,
                "contentType": case["contentType"],
                "body": trunc(body),
            },
            "expected": {"status": case["expectStatus"], "reason": case.get("expectReason")},
            "response": {
                "status": st,
                "headers": hmap,
                "reason": resp.get("reason") if is_status else None,
                "message": resp.get("message") if is_status else None,
                "details": resp.get("details") if is_status else None,
                "body": trunc(raw),
            },
            "state": {
                "resourceVersionBefore": meta(before, "resourceVersion"),
                "resourceVersionInResponse": None if is_status else meta(resp, "resourceVersion"),
                "resourceVersionAfter": meta(after, "resourceVersion"),
                "resourceVersionChanged": meta(before, "resourceVersion") != meta(after, "resourceVersion"),
                "generationBefore": meta(before, "generation"),
                "generationInResponse": None if is_status else meta(resp, "generation"),
                "generationAfter": meta(after, "generation"),
                "selfLinkInResponse": None if is_status else meta(resp, "selfLink"),
                "selfLinkAfter": meta(after, "selfLink"),
                "getAfter": strip_managed(after),
            },
        }
        rec["matchesExpected"] = (st == case["expectStatus"]) and (rec["response"]["reason"] == case.get("expectReason"))
        problems, dup = check_details(case, resp)
        rec["detailProblems"] = problems
        rec["duplicateCauses"] = dup
        results.append(rec)
        w = " W:" + "|".join(hmap.get("Warning", [])) if hmap.get("Warning") else ""
        print("%-28s exp %s %-22s got %s %-22s rvChanged=%s gen %s->%s%s" % (
            case["id"], case["expectStatus"], case.get("expectReason"), st, rec["response"]["reason"],
            rec["state"]["resourceVersionChanged"], rec["state"]["generationBefore"], rec["state"]["generationAfter"], w), file=sys.stderr)

    teardown()
    cl.request("DELETE", "/api/v1/namespaces/" + ns)
    out = {
        "generatedAt": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "server": {
            "version": version,
            "note": "kube-apiserver built from k8s.io/kubernetes (see go.mod) with embedded etcd; "
                    "admission = upstream defaults minus ServiceAccount; authz Node,RBAC; "
                    "token user in group system:masters",
        },
        "namespace": ns,
        "podTemplate": pod_template(None)[0],
        "casesFile": os.path.relpath(args.cases, os.getcwd()),
        "extraCases": "ids starting with extra- are not in the cases file; their expectStatus is this script's guess",
        "mismatches": [r["id"] for r in results if not r["matchesExpected"]],
        "detailMismatches": {r["id"]: r["detailProblems"] for r in results if r["detailProblems"]},
        "casesWithDuplicateCauses": [r["id"] for r in results if r["duplicateCauses"]],
        "results": results,
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=2, sort_keys=False)
        f.write("\n")
    for cid, probs in out["detailMismatches"].items():
        for pr in probs:
            print("DETAIL %-26s %s" % (cid, pr[:600]), file=sys.stderr)
    print("probe.py: %d cases, %d status/reason mismatches, %d with detail mismatches -> %s" % (
        len(results), len(out["mismatches"]), len(out["detailMismatches"]), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
