#!/usr/bin/env bash
# start.sh DIR - starts a fresh moto server (with dmsprov's test extension, tests/moto/server.py)
# on a free loopback port. Writes DIR/endpoint (http://127.0.0.1:PORT), DIR/pid and DIR/log.
set -eu
dir=${1:?usage: start.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
[ -f "$dir/pid" ] && "$here/stop.sh" "$dir" || true
py=$("$here/find_python.sh")
port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$py" "$here/server.py" --host 127.0.0.1 --port "$port" >"$dir/log" 2>&1 &
echo $! >"$dir/pid"
for _ in $(seq 1 300); do
  if curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then
    echo "http://127.0.0.1:$port" >"$dir/endpoint"
    echo "$py" >"$dir/python"
    echo "moto listening on http://127.0.0.1:$port"
    exit 0
  fi
  kill -0 "$(cat "$dir/pid")" 2>/dev/null || { cat "$dir/log" >&2; echo "moto server exited" >&2; exit 1; }
  sleep 0.1
done
echo "moto server did not answer within 30s; log: $dir/log" >&2
exit 1
