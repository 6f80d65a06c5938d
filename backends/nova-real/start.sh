#!/usr/bin/env bash
# Start a real OpenStack Nova API behind a real Keystone, plus a read-only
# Neutron stand-in, all on 127.0.0.1. NOVA_REAL_RELEASE picks the release:
#   zed (default)  Debian bookworm python3-nova = Zed 26.2.2 (microversions
#                  2.1-2.93) + python3-keystone, sqlite/WAL, eventlet nova-api
#   2026.2         nova 34.0.0 (2.1-2.104) + keystone 30.0.0 +
#                  keystonemiddleware 13.0.1 from PyPI in a cached virtualenv,
#                  on a PostgreSQL server of its own, the API served by gunicorn
#                  (nova.wsgi.osapi_compute:application, 4 sync workers;
#                  [api] response_validation = ignore)
#
# Idempotent: installs only what is missing, initialises only what is not
# initialised, reuses servers it already started, re-seeds without duplicates.
#
# stdout: KEY=VALUE lines (also written to backends/.state/nova-real.env)
# stderr: human messages
#
# Env knobs: NOVA_REAL_KEYSTONE_PORT (25000), NOVA_REAL_NOVA_PORT (28774),
#            NOVA_REAL_POOL_SIZE (8: plain ACTIVE servers in NOVA_SERVER_IDS, 4-60),
#            NOVA_REAL_API_WORKERS (4: gunicorn sync workers, 2026.2 only),
#            NOVA_REAL_NEUTRON_PORT (29696), NOVA_REAL_READY_TIMEOUT (90 s),
#            NOVA_REAL_POSTGRES_PORT (25432, 2026.2 only),
#            NOVA_REAL_ENFORCE_NEW_DEFAULTS (0|1; 1 = oslo.policy
#            enforce_new_defaults, which makes a reader-only user get 403;
#            default: the release's own, false on Zed, true from 2023.1),
#            NOVA_REAL_AUTH (keystone | noauth2: Zed's [api] auth_strategy =
#            noauth2, reached with OS_AUTH_TYPE=none and a "user:project" token)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BACKENDS="$(cd "$HERE/.." && pwd)"
RELEASE="${NOVA_REAL_RELEASE:-zed}"
AUTH="${NOVA_REAL_AUTH:-keystone}"
case "$RELEASE" in
  zed) SUFFIX=""; MAX_MV=2.93 ;;
  2026.2) SUFFIX="-2026.2"; MAX_MV=2.104 ;;
  *) printf '[nova-real] unknown NOVA_REAL_RELEASE %s (zed or 2026.2)\n' "$RELEASE" >&2; exit 1 ;;
esac
case "$AUTH" in
  keystone) ;;
  noauth2) [[ "$RELEASE" == zed ]] || { printf '[nova-real] noauth2 exists only on zed (removed upstream later)\n' >&2; exit 1; } ;;
  *) printf '[nova-real] unknown NOVA_REAL_AUTH %s (keystone or noauth2)\n' "$AUTH" >&2; exit 1 ;;
esac
STATE="$BACKENDS/.state/nova-real$SUFFIX"
ENV_OUT="$BACKENDS/.state/nova-real$SUFFIX.env"
export NOVA_REAL_STATE_DIR="$STATE"

KS_PORT="${NOVA_REAL_KEYSTONE_PORT:-25000}"
NOVA_PORT="${NOVA_REAL_NOVA_PORT:-28774}"
NEUTRON_PORT="${NOVA_REAL_NEUTRON_PORT:-29696}"
PG_PORT="${NOVA_REAL_POSTGRES_PORT:-25432}"
READY_TIMEOUT="${NOVA_REAL_READY_TIMEOUT:-90}"
POOL_SIZE="${NOVA_REAL_POOL_SIZE:-8}"
NEW_DEFAULTS="${NOVA_REAL_ENFORCE_NEW_DEFAULTS:-}"
HOST=127.0.0.1
REGION=RegionOne

log() { printf '[nova-real] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ "$POOL_SIZE" =~ ^[0-9]+$ ]] && (( POOL_SIZE >= 4 && POOL_SIZE <= 60 )) || die "NOVA_REAL_POOL_SIZE must be 4-60, not '$POOL_SIZE'"
# One request at a time per worker: 4 keep the 2 cores of CI busy while others wait for the database or Neutron.
API_WORKERS="${NOVA_REAL_API_WORKERS:-4}"
[[ "$API_WORKERS" =~ ^[0-9]+$ ]] && (( API_WORKERS >= 1 && API_WORKERS <= 32 )) || die "NOVA_REAL_API_WORKERS must be 1-32, not '$API_WORKERS'"

t0=$(date +%s.%N)
mkdir -p "$STATE"/{logs,run,nova/locks}

# ---------------------------------------------------------------- packages
if [[ "$RELEASE" == zed ]]; then
  "$HERE/install.sh"
  PY=/usr/bin/python3
else
  PY="$("$HERE/install.sh")"
fi

# ---------------------------------------------------------------- secrets
SECRETS="$STATE/secrets.env"
if [[ ! -s "$SECRETS" ]]; then
  gen() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
  umask 077
  {
    echo "ADMIN_PASSWORD=$(gen)"
    echo "MEMBER_A_PASSWORD=$(gen)"
    echo "MEMBER_B_PASSWORD=$(gen)"
    echo "READER_A_PASSWORD=$(gen)"
    echo "NOVA_SERVICE_PASSWORD=$(gen)"
    echo "DB_PASSWORD=$(gen)"
  } >"$SECRETS"
  umask 022
fi
# shellcheck disable=SC1090
source "$SECRETS"

# ---------------------------------------------------------------- process helpers
pidfile() { echo "$STATE/run/$1.pid"; }

# running NAME MARKER: true if the recorded pid is alive and its command line
# contains MARKER (guards against pid reuse).
running() {
  local pf pid
  pf="$(pidfile "$1")"
  [[ -s "$pf" ]] || return 1
  pid="$(cat "$pf")"
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"
}

port_in_use() {
  "$PY" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.settimeout(0.5)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
sys.exit(0)
EOF
}

# launch NAME LOGFILE CMD...: start CMD in its own session (pgid == pid)
launch() {
  local name="$1" logf="$2"; shift 2
  setsid "$@" </dev/null >>"$logf" 2>&1 &
  echo $! >"$(pidfile "$name")"
}

# wait_http NAME URL EXPECTED_STATUS LOGFILE
wait_http() {
  local name="$1" url="$2" want="$3" logf="$4" deadline code
  deadline=$(( $(date +%s) + READY_TIMEOUT ))
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)"
    [[ "$code" == "$want" ]] && return 0
    if ! kill -0 "$(cat "$(pidfile "$name")")" 2>/dev/null; then
      log "$name exited during start-up; last log lines:"
      tail -n 40 "$logf" >&2 || true
      exit 1
    fi
    if (( $(date +%s) >= deadline )); then
      log "$name not ready after ${READY_TIMEOUT}s (last HTTP status '$code'); last log lines:"
      tail -n 40 "$logf" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

# ensure_free NAME PORT: refuse when someone else listens on PORT
# (nova-api/eventlet binds with SO_REUSEPORT, so a bind would not fail).
ensure_free() {
  if port_in_use "$2"; then
    die "port $2 (for $1) is in use by a process this script did not start; stop it or set NOVA_REAL_*_PORT"
  fi
}

# Reuse a running service of ours, or check its port is free and launch it: start_service NAME PORT URL LOG CMD…
start_service() {
  local name="$1" port="$2" url="$3" logfile="$4"
  shift 4
  if running "$name" "$STATE"; then
    log "$name already running (pid $(cat "$(pidfile "$name")"))"
  else
    ensure_free "$name" "$port"
    log "starting $name on $url"
    launch "$name" "$logfile" "$@"
  fi
}

# Refuse to mix ports with an already-running set.
PORTS_FILE="$STATE/ports.env"
now="KS_PORT=$KS_PORT NOVA_PORT=$NOVA_PORT NEUTRON_PORT=$NEUTRON_PORT PG_PORT=$PG_PORT NEW_DEFAULTS=$NEW_DEFAULTS AUTH=$AUTH API_WORKERS=$API_WORKERS"
if [[ -s "$PORTS_FILE" ]] && { running keystone "$STATE" || running nova-api "$STATE" || running neutron "$STATE" || running postgres "$STATE"; }; then
  prev="$(cat "$PORTS_FILE")"
  [[ "$prev" == "$now" ]] || die "already running with '$prev'; run stop.sh first to use '$now'"
fi
echo "$now" >"$PORTS_FILE"

SERVICES=("keystone:$KS_PORT" "neutron:$NEUTRON_PORT" "nova-api:$NOVA_PORT")
[[ "$RELEASE" == zed ]] || SERVICES+=("postgres:$PG_PORT")
# Check every port up front so that nothing is started when one is taken.
for pair in "${SERVICES[@]}"; do
  running "${pair%%:*}" "$STATE" || ensure_free "${pair%%:*}" "${pair##*:}"
done

KS_URL="http://$HOST:$KS_PORT"
NOVA_URL="http://$HOST:$NOVA_PORT"
NEUTRON_URL="http://$HOST:$NEUTRON_PORT"
COMPUTE_ENDPOINT="$NOVA_URL/v2.1"

# ---------------------------------------------------------------- database server
# Zed keeps sqlite (WAL) and a one-worker eventlet API; 2026.2 runs a PostgreSQL server of its own so the
# API's workers and threads write concurrently as in production (sqlite answers "database is locked").
if [[ "$RELEASE" == zed ]]; then
  DB_KEYSTONE="sqlite:///$STATE/keystone.db"
  DB_NOVA_API="sqlite:///$STATE/nova_api.db"
  DB_CELL0="sqlite:///$STATE/nova_cell0.db"
  DB_CELL1="sqlite:///$STATE/nova_cell1.db"
else
  PGBIN=/usr/lib/postgresql/15/bin
  PGDATA="$STATE/pg"
  # postgres refuses to run as root: the cluster belongs to Debian's postgres user.
  as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
  if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
    log "initialising PostgreSQL in $PGDATA"
    rm -rf "$PGDATA"
    install -d -o postgres -g postgres -m 700 "$PGDATA"
    printf '%s\n' "$DB_PASSWORD" >"$STATE/pg.pw"
    chown postgres "$STATE/pg.pw"
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
      --pwfile="$STATE/pg.pw" -E UTF8 --locale=C.UTF-8 >>"$STATE/logs/postgres-init.log" 2>&1
    rm -f "$STATE/pg.pw"
  fi
  # fsync off: a throw-away test database; durability costs time and buys nothing here.
  start_service postgres "$PG_PORT" "postgresql://$HOST:$PG_PORT" "$STATE/logs/postgres.log" \
    setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/postgres" -D "$PGDATA" \
    -c listen_addresses="$HOST" -p "$PG_PORT" -c unix_socket_directories="$PGDATA" -c max_connections=200 \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off
  deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until as_pg "$PGBIN/pg_isready" -q -h "$PGDATA" -p "$PG_PORT"; do
    kill -0 "$(cat "$(pidfile postgres)")" 2>/dev/null || { tail -n 20 "$STATE/logs/postgres.log" >&2; die "postgres exited"; }
    (( $(date +%s) < deadline )) || die "postgres not ready after ${READY_TIMEOUT}s"
    sleep 0.2
  done
  for db in keystone nova_api nova_cell0 nova_cell1; do
    as_pg "$PGBIN/psql" -h "$PGDATA" -p "$PG_PORT" -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
      || as_pg "$PGBIN/psql" -h "$PGDATA" -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $db" >&2
  done
  DBU="postgresql+psycopg2://postgres:$DB_PASSWORD@$HOST:$PG_PORT"
  DB_KEYSTONE="$DBU/keystone"
  DB_NOVA_API="$DBU/nova_api"
  DB_CELL0="$DBU/nova_cell0"
  DB_CELL1="$DBU/nova_cell1"
fi

# ---------------------------------------------------------------- configs
KS_CONF="$STATE/keystone.conf"
cat >"$KS_CONF" <<EOF
[DEFAULT]
log_file = $STATE/logs/keystone.log
use_stderr = false
debug = false

[database]
connection = $DB_KEYSTONE

[token]
provider = fernet
expiration = 43200

[fernet_tokens]
key_repository = $STATE/fernet-keys

[fernet_receipts]
key_repository = $STATE/fernet-keys

[credential]
key_repository = $STATE/credential-keys

[identity]
password_hash_rounds = 4

[cache]
# in-process cache: without it every token validation costs ~400 SQL queries
# (~0.25 s per request on this machine)
enabled = true
backend = dogpile.cache.memory
EOF

if [[ "$RELEASE" == zed ]]; then
  cp "$STATE/nova-common/usr/share/nova-common/api-paste.ini" "$STATE/api-paste.ini"
else
  cp "$(dirname "$PY")/../etc/nova/api-paste.ini" "$STATE/api-paste.ini"
fi
# Unset: the release's own default (Zed false, 2023.1 on true).
POLICY_LINE=""
[[ -z "$NEW_DEFAULTS" ]] || POLICY_LINE="enforce_new_defaults = $([[ "$NEW_DEFAULTS" == 1 ]] && echo true || echo false)"
# Nova 34 checks each of its own responses against its schemas and, by default ('warn'), only logs a mismatch:
# nothing a client sees changes, and it costs ~10 % of the API's CPU per request (py-spy). Zed has no such check.
RESPONSE_VALIDATION=""
[[ "$RELEASE" == zed ]] || RESPONSE_VALIDATION="response_validation = ignore"
NOVA_CONF="$STATE/nova.conf"
cat >"$NOVA_CONF" <<EOF
[DEFAULT]
host = conf-api
my_ip = $HOST
state_path = $STATE/nova
log_file = $STATE/logs/nova-api.log
use_stderr = false
debug = false
transport_url = fake://
enabled_apis = osapi_compute
osapi_compute_listen = $HOST
osapi_compute_listen_port = $NOVA_PORT
osapi_compute_workers = 1
service_down_time = 315360000

[api]
auth_strategy = $AUTH
$RESPONSE_VALIDATION

[wsgi]
api_paste_config = $STATE/api-paste.ini

[api_database]
connection = $DB_NOVA_API

[database]
connection = $DB_CELL1

[oslo_messaging_notifications]
driver = noop

[oslo_concurrency]
lock_path = $STATE/nova/locks

[oslo_policy]
$POLICY_LINE

[keystone_authtoken]
www_authenticate_uri = $KS_URL/v3
auth_url = $KS_URL/v3
auth_type = password
username = nova
password = $NOVA_SERVICE_PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = $REGION
interface = public

[neutron]
auth_type = none
endpoint_override = $NEUTRON_URL
http_retries = 0
region_name = $REGION

[glance]
# only used to build URLs; never contacted by show/update
endpoint_override = http://$HOST:9292
EOF

# ---------------------------------------------------------------- keystone
KS_LOG="$STATE/logs/keystone.log"
ksm() { "$PY" -c 'from keystone.cmd.manage import main; main()' --config-file "$KS_CONF" "$@"; }
if [[ ! -e "$STATE/keystone.initialised" ]]; then
  log "initialising keystone (fernet)"
  if [[ "$RELEASE" == zed ]]; then
    rm -f "$STATE"/keystone.db*
    "$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=WAL"); c.close()' "$STATE/keystone.db"
  fi
  ksm db_sync >>"$STATE/logs/keystone-manage.log" 2>&1
  mkdir -p "$STATE/fernet-keys" "$STATE/credential-keys"
  ksm fernet_setup --keystone-user root --keystone-group root >>"$STATE/logs/keystone-manage.log" 2>&1
  ksm credential_setup --keystone-user root --keystone-group root >>"$STATE/logs/keystone-manage.log" 2>&1
  ksm bootstrap --bootstrap-password "$ADMIN_PASSWORD" --bootstrap-username admin \
    --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id "$REGION" \
    --bootstrap-admin-url "$KS_URL/v3" --bootstrap-public-url "$KS_URL/v3" \
    --bootstrap-internal-url "$KS_URL/v3" >>"$STATE/logs/keystone-manage.log" 2>&1
  touch "$STATE/keystone.initialised"
fi

start_service keystone "$KS_PORT" "$KS_URL" "$STATE/logs/keystone-server.log" "$PY" "$HERE/keystone_server.py" "$KS_CONF" "$KS_PORT" "$HOST"
wait_http keystone "$KS_URL/v3" 200 "$STATE/logs/keystone.log"

cat >"$STATE/ks-spec.json" <<EOF
{"auth_url": "$KS_URL/v3", "region": "$REGION", "compute_url": "$COMPUTE_ENDPOINT",
 "admin": {"username": "admin", "password": "$ADMIN_PASSWORD", "project": "admin"},
 "users": [
  {"name": "conf-member-a", "password": "$MEMBER_A_PASSWORD", "project": "conformance-a", "roles": ["member"]},
  {"name": "conf-member-b", "password": "$MEMBER_B_PASSWORD", "project": "conformance-b", "roles": ["member"]},
  {"name": "conf-reader-a", "password": "$READER_A_PASSWORD", "project": "conformance-a", "roles": ["reader"]},
  {"name": "nova", "password": "$NOVA_SERVICE_PASSWORD", "project": "service", "roles": ["admin", "service"]}
 ]}
EOF
"$PY" "$HERE/ks_setup.py" "$STATE/ks-spec.json" >"$STATE/ks-ids.json" 2>>"$STATE/logs/ks-setup.log" \
  || { tail -n 20 "$STATE/logs/ks-setup.log" >&2; die "keystone setup failed"; }

# ---------------------------------------------------------------- nova databases
NM_LOG="$STATE/logs/nova-manage.log"
nm() { "$PY" -c 'from nova.cmd.manage import main; main()' --config-file "$NOVA_CONF" "$@"; }
if [[ ! -e "$STATE/nova.initialised" ]]; then
  log "initialising nova databases"
  if [[ "$RELEASE" == zed ]]; then
    rm -f "$STATE"/nova_api.db* "$STATE"/nova_cell0.db* "$STATE"/nova_cell1.db*
    for db in nova_api nova_cell0 nova_cell1; do
      "$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=WAL"); c.close()' "$STATE/$db.db"
    done
  fi
  nm api_db sync >>"$NM_LOG" 2>&1
  nm cell_v2 map_cell0 --database_connection "$DB_CELL0" >>"$NM_LOG" 2>&1
  nm cell_v2 create_cell --name cell1 --database_connection "$DB_CELL1" \
    --transport-url fake:// >>"$NM_LOG" 2>&1
  nm db sync >>"$NM_LOG" 2>&1
  touch "$STATE/nova.initialised"
fi

# ---------------------------------------------------------------- seed servers
"$PY" - "$STATE/ks-ids.json" "$STATE/seed-spec.json" "$POOL_SIZE" <<'EOF'
import json, sys
ids = json.load(open(sys.argv[1]))
P, U = ids["projects"], ids["users"]
servers = []
def add(key, proj, user, **kw):
    n = len(servers) + 10
    s = {"key": key, "project_id": P[proj], "user_id": U[user],
         "name": "conf-seed-" + key, "hostname": "conf-seed-" + key,
         "description": "conformance seed server " + key,
         "accessIPv4": "192.0.2.%d" % n, "accessIPv6": "2001:db8::%x" % n}
    s.update(kw)
    servers.append(s)
for k in ("a1", "a2", "a3", "a4"):
    add(k, "conformance-a", "conf-member-a")
add("a5-shutoff", "conformance-a", "conf-member-a", state="SHUTOFF")
add("a6-locked", "conformance-a", "conf-member-a", locked=True)
for k in ("b1", "b2"):
    add(k, "conformance-b", "conf-member-b")
# More plain ACTIVE servers for the pool, appended so the ones above keep their addresses.
for i in range(4, int(sys.argv[3])):
    add("a%d" % (i + 3), "conformance-a", "conf-member-a")
json.dump({"servers": servers}, open(sys.argv[2], "w"), indent=1)
EOF
"$PY" "$HERE/seed.py" "$NOVA_CONF" "$STATE/seed-spec.json" "$STATE/seed.json" \
  >"$STATE/logs/seed.out" 2>>"$STATE/logs/seed.log" \
  || { tail -n 30 "$STATE/logs/seed.log" >&2; die "seeding failed"; }

# ---------------------------------------------------------------- neutron stand-in
start_service neutron "$NEUTRON_PORT" "$NEUTRON_URL" "$STATE/logs/neutron.log" "$PY" "$HERE/neutron_stub.py" "$STATE/seed.json" "$NEUTRON_PORT" "$HOST"
wait_http neutron "$NEUTRON_URL/" 200 "$STATE/logs/neutron.log"

# ---------------------------------------------------------------- nova-api
if [[ "$RELEASE" == zed ]]; then
  start_service nova-api "$NOVA_PORT" "$NOVA_URL" "$STATE/logs/nova-api.out" "$PY" -c 'from nova.cmd.api import main; main()' \
    --config-file "$NOVA_CONF"
else
  # Nova 34 has no nova-api command: gunicorn serves its WSGI entry point with the unmodified api-paste.ini.
  # Nova's init_application hands sys.argv to oslo.config, so the config file clears gunicorn's arguments.
  # Sync workers, one request at a time each, each closing its connection: a threaded worker keeps the client's
  # keep-alive connections for itself, and with a handful of them the kernel may give all to one worker, which
  # then serves the whole run on one core (the GIL) while the other idles.
  printf '%s\n' 'import sys' 'sys.argv[1:] = []' "bind = '$HOST:$NOVA_PORT'" "workers = $API_WORKERS" \
    "worker_class = 'sync'" 'timeout = 120' >"$STATE/gunicorn.conf.py"
  start_service nova-api "$NOVA_PORT" "$NOVA_URL" "$STATE/logs/nova-api.out" env OS_NOVA_CONFIG_DIR="$STATE" \
    "$(dirname "$PY")/gunicorn" -c "$STATE/gunicorn.conf.py" nova.wsgi.osapi_compute:application
fi
wait_http nova-api "$NOVA_URL/" 200 "$STATE/logs/nova-api.log"

# ---------------------------------------------------------------- env + smoke test
"$PY" - "$STATE" "$KS_URL/v3" "$COMPUTE_ENDPOINT" "$ENV_OUT" "$MAX_MV" "$AUTH" "$RELEASE" <<'EOF'
import json, os, sys, urllib.request, urllib.error
state, auth_url, compute, env_out, max_mv, auth, release = sys.argv[1:8]
sec = dict(l.strip().split("=", 1) for l in open(os.path.join(state, "secrets.env")) if "=" in l)
ids = json.load(open(os.path.join(state, "ks-ids.json")))
seed = json.load(open(os.path.join(state, "seed.json")))
P = ids["projects"]
def order(s):  # plain ACTIVE servers first, special ones last
    return (s["state"] != "ACTIVE", s["locked"], s["key"])
a = sorted([s for s in seed["servers"] if s["project_id"] == P["conformance-a"]], key=order)
b = sorted([s for s in seed["servers"] if s["project_id"] == P["conformance-b"]], key=order)
env = [
    ("OS_AUTH_URL", auth_url), ("OS_AUTH_TYPE", "password"),
    ("OS_USERNAME", "conf-member-a"), ("OS_PASSWORD", sec["MEMBER_A_PASSWORD"]),
    ("OS_PROJECT_NAME", "conformance-a"), ("OS_USER_DOMAIN_NAME", "Default"),
    ("OS_PROJECT_DOMAIN_NAME", "Default"), ("OS_REGION_NAME", "RegionOne"),
    ("OS_INTERFACE", "public"),
    ("OS_ALT_USERNAME", "conf-member-b"), ("OS_ALT_PASSWORD", sec["MEMBER_B_PASSWORD"]),
    ("OS_ALT_PROJECT_NAME", "conformance-b"),
    # The pool holds the plain ACTIVE servers; the SHUTOFF one serves the cases that need one (targets without
    # a compute service cannot stop a server), the locked one is left alone.
    ("NOVA_SERVER_IDS", ",".join(s["id"] for s in a if s["state"] == "ACTIVE" and not s["locked"])),
    ("NOVA_ALT_SERVER_IDS", ",".join(s["id"] for s in b)),
    ("NOVA_SHUTOFF_SERVER_ID", next(s["id"] for s in a if s["state"] == "SHUTOFF")),
    ("NOVA_REAL_LOCKED_SERVER_ID", next(s["id"] for s in a if s["locked"])),
    ("NOVA_REAL_ADMIN_USERNAME", "admin"), ("NOVA_REAL_ADMIN_PASSWORD", sec["ADMIN_PASSWORD"]),
    ("NOVA_REAL_ADMIN_PROJECT_NAME", "admin"),
    ("OS_READER_USERNAME", "conf-reader-a"), ("OS_READER_PASSWORD", sec["READER_A_PASSWORD"]),
    ("OS_READER_PROJECT_NAME", "conformance-a"),
    ("NOVA_REAL_READER_USERNAME", "conf-reader-a"),
    ("NOVA_REAL_READER_PASSWORD", sec["READER_A_PASSWORD"]),
    ("NOVA_REAL_READER_PROJECT_NAME", "conformance-a"),
    ("NOVA_REAL_PROJECT_ID", P["conformance-a"]), ("NOVA_REAL_ALT_PROJECT_ID", P["conformance-b"]),
    ("NOVA_REAL_COMPUTE_URL", compute),
    ("NOVA_REAL_MIN_MICROVERSION", "2.1"), ("NOVA_REAL_MAX_MICROVERSION", max_mv),
    ("NOVA_REAL_RELEASE", release), ("NOVA_REAL_AUTH", auth),
]
if auth == "noauth2":
    # Nova's NoAuthMiddleware takes "user:project" as the token and makes user "admin" an admin (other
    # users get no roles at all): the run is the admin of project A, through the compute URL directly.
    # OS_PROJECT_ID: the token's project, for the seed's /v2.1/{tenant_id}/servers/{id} form (no token body to read it from).
    noauth = [("OS_AUTH_TYPE", "none"), ("OS_TOKEN", "admin:" + P["conformance-a"]),
              ("OS_COMPUTE_ENDPOINT_OVERRIDE", compute), ("OS_PROJECT_ID", P["conformance-a"])]
    # (no reader either: noauth2 gives users no roles)
    keep = ("NOVA_SERVER_IDS", "NOVA_SHUTOFF_SERVER_ID", "NOVA_REAL_LOCKED_SERVER_ID", "NOVA_REAL_ADMIN", "NOVA_REAL_PROJECT",
            "NOVA_REAL_ALT_PROJECT", "NOVA_REAL_COMPUTE", "NOVA_REAL_M", "NOVA_REAL_RELEASE", "NOVA_REAL_AUTH")
    env = noauth + [(k, v) for k, v in env if k.startswith(keep)]
# smoke test: member A (the admin under noauth2) can read its first server through keystone + nova
body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "conf-member-a", "domain": {"name": "Default"},
    "password": sec["MEMBER_A_PASSWORD"]}}},
    "scope": {"project": {"name": "conformance-a", "domain": {"name": "Default"}}}}}
req = urllib.request.Request(auth_url + "/auth/tokens", json.dumps(body).encode(),
                             {"Content-Type": "application/json"})
tok = urllib.request.urlopen(req, timeout=30).headers["X-Subject-Token"]
if auth == "noauth2":
    tok = "admin:" + P["conformance-a"]
req = urllib.request.Request(compute + "/servers/" + a[0]["id"], headers={"X-Auth-Token": tok})
try:
    st = urllib.request.urlopen(req, timeout=30).status
except urllib.error.HTTPError as e:
    st = e.code
if st != 200:
    sys.stderr.write("[nova-real] smoke GET server as conf-member-a -> %s\n" % st)
    sys.exit(1)
tmp = env_out + ".tmp"
with open(tmp, "w") as f:
    for k, v in env:
        f.write("%s=%s\n" % (k, v))
os.replace(tmp, env_out)
EOF
cat "$ENV_OUT"
t1=$(date +%s.%N)
log "ready in $("$PY" -c "print(round($t1-$t0,1))") s; env written to $ENV_OUT"
