#!/usr/bin/env bash
# find_python.sh - prints the path of a Python that can import moto, boto3 and botocore.
# Looks at $DP_PYTHON, python3 on PATH, then the pyenv versions under /root/.pyenv.
set -u
for py in "${DP_PYTHON:-}" "$(command -v python3 2>/dev/null)" /root/.pyenv/versions/*/bin/python3 \
          "$HOME"/.pyenv/versions/*/bin/python3; do
  [ -n "$py" ] && [ -x "$py" ] || continue
  if "$py" -c 'import moto.server, boto3, botocore' >/dev/null 2>&1; then
    echo "$py"; exit 0
  fi
done
echo "moto is not installed: install it with 'python3 -m pip install \"moto[server]\" boto3 awscli cfn-lint'" \
     "(or set DP_PYTHON to a Python that has it)" >&2
exit 1
