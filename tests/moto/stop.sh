#!/usr/bin/env bash
# stop.sh DIR - stops the moto server started by start.sh DIR.
set -u
dir=${1:?usage: stop.sh DIR}
if [ -f "$dir/pid" ]; then
  kill "$(cat "$dir/pid")" 2>/dev/null || true
  rm -f "$dir/pid" "$dir/endpoint"
fi
exit 0
