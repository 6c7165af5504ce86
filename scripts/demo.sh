#!/usr/bin/env bash
# demo.sh - sets up, builds, starts a local moto server and runs dmsprov's main job against it:
# whoami, then the training lab (examples/lab-20.1) through validate -> plan -> apply ->
# plan (no changes) -> output -> destroy, checked with the AWS CLI.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
"$here/scripts/setup.sh"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
work=$(mktemp -d)
"$here/tests/moto/start.sh" "$work/moto" >/dev/null
trap '"$here/tests/moto/stop.sh" "$work/moto"; rm -rf "$work"' EXIT
py=$(cat "$work/moto/python")
export AWS_ENDPOINT_URL=$(cat "$work/moto/endpoint")
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
dmsprov() { "$here/build/dmsprov" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "dmsprov whoami (local moto at $AWS_ENDPOINT_URL)"
dmsprov whoami
"$here/scripts/demo_lab.sh" "$here" "$work" "$py"
