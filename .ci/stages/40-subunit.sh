#!/usr/bin/env bash
# The OpenStack test tooling reads our subunit stream: python-subunit's subunit2junitxml converts it and
# stestr loads it into a repository (both from PyPI, in a venv). The stream comes from a run against the reference
# Nova with a fault switched on, so it holds passes and failures (with their tracebacks).
set -uo pipefail
cd "$(dirname "$0")/../.."
venv=backends/.state/subunit-venv
out=reports/subunit-check
rm -rf "$out" && mkdir -p "$out"
if [ ! -x "$venv/bin/stestr" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q python-subunit junitxml stestr >&2 || { echo "subunit: could not install python-subunit/stestr"; exit 1; }
fi
"$venv/bin/pip" list 2>/dev/null | grep -iE '^(python-subunit|stestr|junitxml) '
status=0
# The backends print their settings, tokens among them: kept in a private directory, never under reports/.
secrets=$(mktemp -d)
node --import tsx backends/nova-reference/main.ts > "$secrets/nova.env" 2> "$out/nova.log" &
nova=$!
trap 'kill "$nova" 2>/dev/null; rm -rf "$secrets"' EXIT
for _ in $(seq 1 100); do grep -q '^NOVA_SERVER_IDS=' "$secrets/nova.env" 2>/dev/null && break; sleep 0.2; done
# The faulty backend is a second one, so the stream also carries failures.
NOVA_REFERENCE_FAULTS=drop-allowed-change node --import tsx backends/nova-reference/main.ts > "$secrets/nova-faulty.env" 2>> "$out/nova.log" &
faulty=$!
trap 'kill "$nova" "$faulty" 2>/dev/null; rm -rf "$secrets"' EXIT
for _ in $(seq 1 100); do grep -q '^NOVA_SERVER_IDS=' "$secrets/nova-faulty.env" 2>/dev/null && break; sleep 0.2; done
run() { # env file, report dir
  env $(grep -E '^[A-Z_]+=' "$1" | xargs) CONFORMANCE_ENV_FILE=selftest/support/empty.env \
    node dist/cli/bin.js run --suite nova --case 'nova.servers.update.rename*,nova.servers.update.access-ips,nova.servers.update.name-empty,nova.servers.update.name-256-chars,nova.servers.update.unknown-server' \
    --report subunit --report-dir "$2" > "$2.log" 2>&1
  local code=$?
  echo "run against $(basename "$1" .env): exit $code (log $2.log)"
}
run "$secrets/nova-faulty.env" "$out/faulty"
run "$secrets/nova.env" "$out/clean"
for d in faulty clean; do
  stream="$out/$d/results.subunit"
  expected=$(node -e "const r=require('./$out/$d/results.json').results; console.log(r.length, r.filter(x=>x.verdict==='fail'||x.verdict==='error').length)")
  "$venv/bin/subunit2junitxml" < "$stream" > "$out/$d/from-subunit.xml"
  tests=$(grep -c '<testcase ' "$out/$d/from-subunit.xml"); failures=$(grep -c '<failure ' "$out/$d/from-subunit.xml")
  if [ "$tests $failures" = "$expected" ]; then echo "✓ subunit2junitxml ($d): $tests test cases, $failures failures, as results.json"; else echo "✗ subunit2junitxml ($d): $tests/$failures, results.json says $expected"; status=1; fi
  repo="$out/$d/stestr"; mkdir -p "$repo"
  (cd "$repo" && "../../../../$venv/bin/stestr" init >/dev/null && "../../../../$venv/bin/stestr" load < ../results.subunit > ../stestr-load.txt 2>&1)
  ran=$(grep -oE '^Ran [0-9]+ tests' "$out/$d/stestr-load.txt" | grep -oE '[0-9]+')
  if [ "$ran" = "${expected%% *}" ]; then echo "✓ stestr load ($d): $(tail -n 2 "$out/$d/stestr-load.txt" | tr '\n' ' ')"; else echo "✗ stestr load ($d): $(tail -n 3 "$out/$d/stestr-load.txt")"; status=1; fi
done
head -c 1200 "$out/faulty/from-subunit.xml"; echo
exit $status
