#!/usr/bin/env bash
# pg_start.sh DIR USER PASSWORD_FILE - starts a throw-away PostgreSQL 15 server for tests.
# initdb runs as the `postgres` OS user (initdb refuses root) in a fresh directory of its own
# (/tmp/dp-pg.XXXXXX, written to DIR/base: the caller's DIR may be closed to other users);
# the server listens on a free loopback port (written to DIR/port) with scram-sha-256
# password auth for TCP, and on a private socket directory (trust; only `postgres` can reach
# it) used here to create USER (LOGIN CREATEROLE CREATEDB) with the password read from
# PASSWORD_FILE.
# Stop it with pg_stop.sh DIR. Exits 77 (skip) when PostgreSQL 15 or root is not available.
set -eu
dir=${1:?usage: pg_start.sh DIR USER PASSWORD_FILE}
user=${2:?usage: pg_start.sh DIR USER PASSWORD_FILE}
pwfile=${3:?usage: pg_start.sh DIR USER PASSWORD_FILE}
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed ($bin/initdb)" >&2; exit 77; }
[ "$(id -u)" = 0 ] || { echo "pg_start.sh needs root (to run initdb as the postgres user)" >&2; exit 77; }
id postgres >/dev/null 2>&1 || { echo "no postgres OS user" >&2; exit 77; }
as_pg() { runuser -u postgres -- "$@"; }

mkdir -p "$dir"
base=$(mktemp -d /tmp/dp-pg.XXXXXX)
chmod 0755 "$base"
echo "$base" >"$dir/base"
install -d -o postgres -m 0700 "$base/data" "$base/sock"
as_pg "$bin/initdb" -D "$base/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  --encoding=UTF8 --no-instructions >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
touch "$base/server.log" && chown postgres "$base/server.log"
as_pg "$bin/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 60 \
  -o "-p $port -k $base/sock -c listen_addresses=127.0.0.1 -c password_encryption=scram-sha-256" start >/dev/null \
  || { cat "$base/server.log" >&2; exit 1; }
echo "$port" >"$dir/port"
# The password goes through psql's variable quoting (:'pw'), not through the command line.
as_pg "$bin/psql" -h "$base/sock" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
  -v user="$user" -v pw="$(cat "$pwfile")" >/dev/null <<'SQL'
CREATE ROLE :"user" LOGIN CREATEROLE CREATEDB PASSWORD :'pw';
SQL
echo "postgres listening on 127.0.0.1:$port"
