#!/usr/bin/env bash
# demo_lab.sh HERE WORK PYTHON - the lab part of the demo (called by demo.sh with moto running):
# the training lab example through validate -> plan -> apply -> plan (no changes) -> output ->
# rotate -> destroy, with the live resources checked by boto3 (examples/run-on-moto.sh).
set -euo pipefail
here=$1
export DMSPROV="$here/build/dmsprov"
"$here/examples/run-on-moto.sh" --rotate lab-20.1
