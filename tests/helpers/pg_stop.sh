#!/usr/bin/env bash
# pg_stop.sh DIR - stops the server pg_start.sh started for DIR and removes its files.
set -u
dir=${1:?usage: pg_stop.sh DIR}
base=$(cat "$dir/base" 2>/dev/null) || exit 0
case "$base" in /tmp/dp-pg.*) ;; *) echo "pg_stop.sh: unexpected base $base" >&2; exit 1 ;; esac
if [ -f "$base/data/postmaster.pid" ]; then
  runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$base/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
fi
rm -rf "$base" "$dir/base" "$dir/port"
