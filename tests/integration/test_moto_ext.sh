#!/usr/bin/env bash
# test_moto_ext.sh - runs tests/moto/test_ext.py (the moto extension's own tests) against the
# fixture's shared moto server.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
"$PY" "$DP_SOURCE_DIR/tests/moto/test_ext.py"
