#!/usr/bin/env bash
# Load test on loopback against the production server set-up (gunicorn + PostgreSQL).
#
#   loadtest/run.sh [extra locust options]          (or: make loadtest)
#
# 1. starts a throwaway PostgreSQL 15 cluster (scripts/with-postgres.sh),
# 2. migrates, loads the demo (manage.py seed_demo) and prepares it (loadtest/prepare.py:
#    the demo judge gets score sheets, more applicant logins on demo organisations),
# 3. starts gunicorn with deploy/gunicorn.conf.py and production settings (DEBUG=0,
#    argon2, XINBAN_REQUIRE_2FA=0 so the staff login needs no TOTP app, ALLOWED_HOSTS=127.0.0.1),
# 4. runs locust headless (loadtest/locustfile.py) and writes its CSV statistics,
#    once per user count in LOADTEST_USERS (100 then 300), each against a fresh gunicorn,
# 5. prints the failed requests (target 0), every page's and API call's p95 latency as a
#    ratio to the minimal view /_minimal/ measured under the same load (the runs side by
#    side, one `loadtest_<name>_p95_vs_minimal ratio=R target<=3` line each), and where the
#    time goes (database, Python, template) for the slowest pages (loadtest/wsgi.py).
#
# Settings (environment):
#   LOADTEST_USERS=100,300 (one run per count, printed side by side)
#   LOADTEST_SPAWN_RATE (default users/10 per second, at least 10)
#   LOADTEST_RUN_TIME=60s (each run)  LOADTEST_PROFILE=1 (database/Python/template breakdown)
#   LOADTEST_WORKERS=4 (gunicorn workers)  LOADTEST_APPLICANTS=80 (extra applicant logins)
#   LOADTEST_OUT=var/loadtest (summary.txt, summary.json; u<users>/ per run: CSV, logs, profile)
#   DB_CONN_MAX_AGE=60 (persistent database connections, as in production)
# Exit status: 0 when no request failed and the server answered no 5xx; 1 otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV_BIN="${VENV_BIN:-$ROOT/.venv/bin}"
PY="$VENV_BIN/python"

# PostgreSQL when its server binaries are installed (as in production); otherwise, or with
# LOADTEST_DB=sqlite, SQLite with a printed note (the figures are then not production's).
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
LOADTEST_DB_KIND=postgresql
if [[ "${XINBAN_LOADTEST_INSIDE_PG:-}" != 1 ]]; then
    if [[ "${LOADTEST_DB:-}" != sqlite && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]]; then
        exec env XINBAN_LOADTEST_INSIDE_PG=1 "$ROOT/scripts/with-postgres.sh" "$ROOT/loadtest/run.sh" "$@"
    fi
    LOADTEST_DB_KIND=sqlite
    echo "note: load run on SQLite, not PostgreSQL ($PG_BIN/initdb not found or LOADTEST_DB=sqlite):" \
        "the figures are not those of the production set-up" >&2
fi

USERS="${LOADTEST_USERS:-100,300}"
PROFILE="${LOADTEST_PROFILE:-1}"
SPAWN_RATE="${LOADTEST_SPAWN_RATE:-}"  # default: users/10 per second, at least 10
RUN_TIME="${LOADTEST_RUN_TIME:-60s}"
WORKERS="${LOADTEST_WORKERS:-4}"
APPLICANTS="${LOADTEST_APPLICANTS:-80}"
OUT="${LOADTEST_OUT:-$ROOT/var/loadtest}"
case "$OUT" in /*) ;; *) OUT="$ROOT/$OUT" ;; esac

rm -rf "$OUT"
mkdir -p "$OUT/var"
if [[ "$LOADTEST_DB_KIND" == sqlite ]]; then
    export DATABASE_URL="sqlite:///$OUT/var/loadtest.sqlite3"
fi

# Production settings, isolated data directory (media, static) for this run.
export DEBUG=0 XINBAN_HTTPS=0 XINBAN_REQUIRE_2FA=0 XINBAN_FAST_HASHER=0
export ALLOWED_HOSTS=127.0.0.1
export SITE_URL="${SITE_URL:-http://127.0.0.1}"  # required without DEBUG
export SECRET_KEY="loadtest-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export XINBAN_VAR_DIR="$OUT/var"
export MEDIA_ROOT="$OUT/var/media"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export DB_CONN_MAX_AGE="${DB_CONN_MAX_AGE:-60}"
export LOG_LEVEL=WARNING

step() { printf '\n== %s\n' "$*" >&2; }

step "migrate, seed the demo, prepare logins and score sheets"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo >"$OUT/seed_demo.log" 2>&1 || { cat "$OUT/seed_demo.log" >&2; exit 1; }
"$PY" loadtest/prepare.py "$OUT/accounts.json" --applicants "$APPLICANTS"

PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
HOST_URL="http://127.0.0.1:$PORT"
# LOADTEST_PROFILE=1: gunicorn serves loadtest/wsgi.py (config.wsgi + a per-request
# database / Python / template time breakdown written to RUN_DIR/profile/).
WSGI_APP=config.wsgi
[[ "$PROFILE" == 1 ]] && WSGI_APP=loadtest.wsgi

GUNICORN_PID=
stop_gunicorn() {
    [[ -n "$GUNICORN_PID" ]] || return 0
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
    GUNICORN_PID=
}
trap stop_gunicorn EXIT
ulimit -n 10000 2>/dev/null || true

# One run per user count (LOADTEST_USERS=100,300), each with a fresh gunicorn, on the same
# database: RUN_DIR = $OUT/u<users>.
locust_rc=0
server_errors=0
RUN_SPECS=()
: >"$OUT/server_errors.txt"
IFS=',' read -r -a USER_COUNTS <<<"$USERS"
for users in "${USER_COUNTS[@]}"; do
    RUN_DIR="$OUT/u$users"
    mkdir -p "$RUN_DIR/profile"
    RUN_SPECS+=("$users:$RUN_DIR")
    step "gunicorn: $WORKERS workers on $HOST_URL (deploy/gunicorn.conf.py, $WSGI_APP)"
    profile_dir=
    [[ "$PROFILE" == 1 ]] && profile_dir="$RUN_DIR/profile"
    XINBAN_LOADTEST_PROFILE="$profile_dir" GUNICORN_BIND="127.0.0.1:$PORT" \
        GUNICORN_WORKERS="$WORKERS" GUNICORN_ACCESS_LOG="$RUN_DIR/access.log" \
        GUNICORN_ERROR_LOG="$RUN_DIR/gunicorn.log" GUNICORN_MAX_REQUESTS=0 \
        "$VENV_BIN/gunicorn" "$WSGI_APP" -c deploy/gunicorn.conf.py &
    GUNICORN_PID=$!

    "$PY" - "$HOST_URL" <<'EOF'
import sys, time, urllib.request
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(sys.argv[1] + "/_minimal/", timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("gunicorn did not answer /_minimal/ within 60 s")
    time.sleep(0.2)
EOF

    # Warm every worker (first-request costs: URL patterns, translations, templates) so
    # the short run does not measure them.
    "$PY" - "$HOST_URL" "$WORKERS" <<'EOF'
import sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
def get(path):
    with urllib.request.urlopen(sys.argv[1] + path, timeout=30) as r:
        r.read()
with ThreadPoolExecutor(int(sys.argv[2]) * 2) as pool:
    list(pool.map(get, ["/_minimal/", "/accounts/login/"] * int(sys.argv[2]) * 4))
EOF

    spawn_rate="${SPAWN_RATE:-$(( users / 10 > 10 ? users / 10 : 10 ))}"
    step "locust: $users users (spawn $spawn_rate/s) for $RUN_TIME, statistics from when all run"
    rc=0
    XINBAN_LOADTEST_ACCOUNTS="$OUT/accounts.json" "$VENV_BIN/locust" \
        -f loadtest/locustfile.py --headless --reset-stats \
        -u "$users" -r "$spawn_rate" -t "$RUN_TIME" --stop-timeout 10 \
        --host "$HOST_URL" --csv "$RUN_DIR/xinban" --only-summary \
        "$@" >"$RUN_DIR/locust.log" 2>&1 || rc=$?
    stop_gunicorn
    if [[ $rc -ne 0 ]]; then
        locust_rc=$rc
        echo "locust exited with $rc at $users users (see $RUN_DIR/locust.log)" >&2
        tail -5 "$RUN_DIR/locust.log" >&2
    fi
    errors="$(awk '{ for (i = 1; i < NF; i++) if ($i ~ /"$/ && $(i+1) ~ /^5[0-9][0-9]$/) n++ } END { print n + 0 }' "$RUN_DIR/access.log")"
    echo "server 5xx answers at $users users (access log): $errors" >>"$OUT/server_errors.txt"
    server_errors=$((server_errors + errors))
    if grep -q "Traceback" "$RUN_DIR/gunicorn.log"; then
        echo "tracebacks in $RUN_DIR/gunicorn.log:" >&2
        grep -A 3 "Traceback" "$RUN_DIR/gunicorn.log" | tail -40 >&2
    fi
done
trap - EXIT

step "results ($OUT; database: $LOADTEST_DB_KIND)"
report_rc=0
"$PY" loadtest/report.py "${RUN_SPECS[@]}" --json "$OUT/summary.json" | tee "$OUT/summary.txt" \
    || report_rc=$?
tee -a "$OUT/summary.txt" <"$OUT/server_errors.txt"
echo "database: $LOADTEST_DB_KIND; users: $USERS; run time: $RUN_TIME each; $WORKERS gunicorn workers" \
    | tee -a "$OUT/summary.txt"
[[ $report_rc -eq 0 && $locust_rc -eq 0 && $server_errors -eq 0 ]]
