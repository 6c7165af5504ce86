#!/usr/bin/env bash
# test_cli.sh - the command line's contract: --help on every command (exit 0, a Usage line),
# usage errors as one line with exit 64, did-you-mean, 'help COMMAND', examples in every help,
# version (--json), durations, and global options before or after the command.
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

# did-you-mean: a mistyped command, option, task verb or global option is one usage line, exit 64
one_line() { [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "one line expected: $out"; }
run "$DMSPROV" plna
expect_rc 64
[ "$out" = "dmsprov: usage error: unknown command \"plna\" (did you mean \"plan\"?) (see 'dmsprov --help')" ] || fail "$out"
run "$DMSPROV" plan --jsno
expect_rc 64
one_line
expect_contains "$out" "dmsprov: usage error: unknown option \"--jsno\" (did you mean \"--json\"?) (see 'dmsprov plan --help')"
run "$DMSPROV" task strat X
expect_rc 64
one_line
expect_contains "$out" "unknown task verb \"strat\" (did you mean \"start\"?)"
run "$DMSPROV" --regoin us-east-1 whoami
expect_rc 64
one_line
expect_contains "$out" "unknown option \"--regoin\" (did you mean \"--region\"?)"
run "$DMSPROV" whoami --regoin us-east-1
expect_rc 64
expect_contains "$out" "unknown option \"--regoin\" (did you mean \"--region\"?)"
run "$DMSPROV" task wait X --until runing
expect_rc 64
expect_contains "$out" "(did you mean \"running\"?)"

# help: 'help COMMAND' is 'COMMAND --help'; every help has examples
for c in validate graph plan apply destroy output rotate task whoami version; do
  [ "$("$DMSPROV" help "$c")" = "$("$DMSPROV" "$c" --help)" ] || fail "help $c differs from $c --help"
  expect_contains "$("$DMSPROV" "$c" --help)" "Example"
done
for v in start stop status wait recover; do
  [ "$("$DMSPROV" help task "$v")" = "$("$DMSPROV" task "$v" --help)" ] || fail "help task $v differs"
  expect_contains "$("$DMSPROV" task "$v" --help)" "Example"
done
[ "$("$DMSPROV" help)" = "$("$DMSPROV" --help)" ] || fail "help differs from --help"
expect_contains "$("$DMSPROV" help)" "Example"
expect_contains "$("$DMSPROV" rotate --help)" "--wait DURATION"
run "$DMSPROV" help plna
expect_rc 64
expect_contains "$out" "did you mean \"plan\"?"

# version: commit and build type, --json with the three keys
expect_contains "$("$DMSPROV" version)" "commit "
for args in "version --json" "--version --json"; do
  # shellcheck disable=SC2086
  "$DMSPROV" $args | "$PY" -c 'import json, sys; j = json.load(sys.stdin)
assert set(j) == {"version", "commit", "build_type"} and j["version"].startswith("0.") and j["commit"], j' \
    || fail "$args: not the version document"
done

# apply names what is missing first: the template (or a saved plan), not the stack
run "$DMSPROV" apply
expect_rc 64
expect_contains "$out" "-t FILE is required"

# durations: rotate --wait and task --timeout/--interval take 90s, 10m, 1h30m (parsed before the
# usage error later on the line, so no AWS call)
run "$DMSPROV" rotate --wait 10m
expect_rc 64
expect_contains "$out" "--stack NAME is required"
run "$DMSPROV" rotate --wait 1800 --method ftp
expect_rc 64
expect_contains "$out" "--method must be api or sql"
run "$DMSPROV" rotate --stack s --wait 10x
expect_rc 64
expect_contains "$out" "--wait \"10x\" is not a duration"
run "$DMSPROV" task wait --until running --timeout 90s --interval 1h30m
expect_rc 64
expect_contains "$out" "TASK is required"
run "$DMSPROV" task start X --timeout 90s --cdc-start-time 2024-03-08T12:12:12 --cdc-start-position cp
expect_rc 64
expect_contains "$out" "mutually exclusive"
run "$DMSPROV" task wait X --until running --timeout 1h-5m
expect_rc 64
expect_contains "$out" "is not a duration"
echo "cli: ok"
