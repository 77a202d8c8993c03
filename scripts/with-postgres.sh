#!/usr/bin/env bash
# Run COMMAND against a throwaway PostgreSQL 15 cluster.
#
#   scripts/with-postgres.sh COMMAND [ARGS...]
#
# Starts a private cluster in a temporary directory, listening on a free port on
# 127.0.0.1 (and a unix socket inside that directory), creates a superuser role and
# the database `xinban`, exports DATABASE_URL (plus PGHOST/PGPORT/PGUSER/PGPASSWORD/
# PGDATABASE for psql), runs COMMAND, then stops the cluster, deletes the directory
# and exits with COMMAND's exit code.
#
# The cluster is tuned for speed, not durability (fsync=off etc.): never point it at
# data you care about. PostgreSQL refuses to run as root, so when run as root the
# server runs as the system user `xinban-pg` (created on first use); COMMAND itself
# still runs as the calling user.
#
# Environment:
#   PG_BIN             PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
#   XINBAN_PG_USER     system user for the server when run as root (default xinban-pg)
#   XINBAN_PG_TMPDIR   parent of the temporary directory (default /tmp)
#   XINBAN_PG_KEEP_LOG=1  print the server log on exit even when COMMAND succeeded
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
for tool in initdb pg_ctl postgres psql; do
    if [[ ! -x "$PG_BIN/$tool" ]]; then
        cat >&2 <<EOF
with-postgres: $PG_BIN/$tool not found.
  The PostgreSQL 15 server binaries come from Debian's 'postgresql' package:
      sudo apt-get install -y postgresql postgresql-contrib
  (or 'make system-deps'). Set PG_BIN if they live elsewhere.
EOF
        exit 127
    fi
done

DB_NAME=xinban
DB_ROLE=xinban
DB_PASSWORD="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

# --- who runs the server -------------------------------------------------------
if [[ "$(id -u)" -eq 0 ]]; then
    PG_OS_USER="${XINBAN_PG_USER:-xinban-pg}"
    if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$PG_OS_USER"
    fi
    as_pg() { runuser -u "$PG_OS_USER" -- "$@"; }
else
    PG_OS_USER="$(id -un)"
    as_pg() { "$@"; }
fi

# --- temporary directory and clean-up ----------------------------------------
PARENT="${XINBAN_PG_TMPDIR:-/tmp}"
WORK="$(mktemp -d "$PARENT/xinban-pg.XXXXXX")"
chmod 700 "$WORK"
DATA="$WORK/data"
SOCK="$WORK/sock"
LOG="$WORK/server.log"
mkdir -p "$SOCK"
if [[ "$(id -u)" -eq 0 ]]; then
    chown -R "$PG_OS_USER" "$WORK"
fi

STARTED=0
CMD_RAN=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [[ $STARTED -eq 1 ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    # The log helps when the set-up failed; a failing COMMAND speaks for itself.
    if [[ ( ( $rc -ne 0 && $CMD_RAN -eq 0 ) || "${XINBAN_PG_KEEP_LOG:-0}" == 1 ) && -f "$LOG" ]]; then
        echo "--- with-postgres: last lines of the server log ---" >&2
        tail -n 30 "$LOG" >&2 || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- initdb --------------------------------------------------------------------
PWFILE="$WORK/pwfile"
printf '%s\n' "$DB_PASSWORD" >"$PWFILE"
if [[ "$(id -u)" -eq 0 ]]; then chown "$PG_OS_USER" "$PWFILE"; fi
chmod 600 "$PWFILE"
as_pg "$PG_BIN/initdb" -D "$DATA" -U "$DB_ROLE" --pwfile="$PWFILE" \
    --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$WORK/initdb.log" 2>&1 || {
    echo "with-postgres: initdb failed:" >&2
    cat "$WORK/initdb.log" >&2
    exit 1
}
rm -f "$PWFILE"

cat >>"$DATA/postgresql.conf" <<EOF

# --- throwaway test cluster (scripts/with-postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 30min
max_wal_size = 2GB
max_connections = 100
shared_buffers = 128MB
log_min_messages = warning
EOF

# --- start on a free port (retry if another process grabs it first) ------------
pick_port() {
    local py
    for py in python3 python3.11 python; do
        if command -v "$py" >/dev/null 2>&1; then
            "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
            return
        fi
    done
    echo $((20000 + RANDOM % 40000))
}

PORT=""
for attempt in 1 2 3 4 5; do
    candidate="$(pick_port)"
    if as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $candidate" -w -t 60 start >/dev/null 2>&1; then
        PORT="$candidate"
        STARTED=1
        break
    fi
    echo "with-postgres: could not start on port $candidate (attempt $attempt), retrying" >&2
done
if [[ -z "$PORT" ]]; then
    echo "with-postgres: PostgreSQL did not start" >&2
    exit 1
fi

as_pg "$PG_BIN/psql" -h "$SOCK" -p "$PORT" -U "$DB_ROLE" -d postgres -v ON_ERROR_STOP=1 -qAt \
    -c "CREATE DATABASE $DB_NAME OWNER $DB_ROLE" >/dev/null

export DATABASE_URL="postgres://$DB_ROLE:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER="$DB_ROLE" PGPASSWORD="$DB_PASSWORD" PGDATABASE="$DB_NAME"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (database $DB_NAME, superuser $DB_ROLE, data in $WORK)" >&2

# --- run the command; the EXIT trap stops the server and keeps its exit code -----
set +e
CMD_RAN=1
"$@"
rc=$?
set -e
exit "$rc"
