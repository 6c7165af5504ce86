#!/usr/bin/env bash
# setup.sh - installs what dmsprov needs to build and test, idempotently (Debian/Ubuntu).
# Packages already present are left alone; apt runs only when something is missing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config curl libyaml-dev libcurl4-openssl-dev libssl-dev libxml2-dev
      libcjson-dev libpq-dev postgresql-15 clang valgrind jq openssl util-linux)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
here=$(cd "$(dirname "$0")/.." && pwd)
# moto, boto3, awscli and cfn-lint come from Python (the image's pyenv 3.11).
if ! "$here/tests/moto/find_python.sh" >/dev/null; then
  exit 1
fi
echo "setup: ok"
