#!/usr/bin/env bash
# test_cli.sh - the command line's contract: --help on every command (exit 0, a Usage line),
# usage errors as one line with exit 64, version, and global options before or after the command.
source "$DP_SOURCE_DIR/tests/integration/lib.sh"
for c in validate graph plan apply destroy output rotate task whoami version; do
  out=$("$DMSPROV" "$c" --help) || fail "dmsprov $c --help exited $?"
  expect_contains "$out" "Usage: dmsprov"
done
for v in start stop status wait recover; do
  "$DMSPROV" task "$v" --help >/dev/null || fail "dmsprov task $v --help exited $?"
done
out=$("$DMSPROV" --help)
for c in validate graph plan apply destroy output rotate task whoami version; do expect_contains "$out" "  $c "; done
"$DMSPROV" >/dev/null 2>&1 && fail "no command should be a usage error"
[ "$("$DMSPROV" >/dev/null 2>&1; echo $?)" = 64 ] || fail "no command: exit 64 expected"
set +e
"$DMSPROV" bogus 2>"$TMP/err"; rc=$?
set -e
[ "$rc" = 64 ] || fail "unknown command: exit $rc, expected 64"
[ "$(cat "$TMP/err")" = "dmsprov: usage error: unknown command \"bogus\" (see 'dmsprov --help')" ] || fail "$(cat "$TMP/err")"
set +e
"$DMSPROV" plan --nope 2>"$TMP/err"; rc=$?
"$DMSPROV" whoami --region 2>"$TMP/err2"; rc2=$?
set -e
[ "$rc" = 64 ] || fail "unknown option: exit $rc"
expect_contains "$(cat "$TMP/err")" "see 'dmsprov plan --help'"
[ "$(wc -l <"$TMP/err")" = 1 ] || fail "one line expected: $(cat "$TMP/err")"
[ "$rc2" = 64 ] || fail "missing option value: exit $rc2"
expect_contains "$("$DMSPROV" version)" "dmsprov 0."
expect_contains "$("$DMSPROV" --version)" "dmsprov 0."
# Global options are accepted after the command too.
out=$("$DMSPROV" whoami --region eu-north-1)
expect_contains "$out" "Region:      eu-north-1"
echo "cli: ok"
