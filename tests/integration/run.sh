#!/usr/bin/env bash
# run.sh — the integration test runner.
#
#   FERRY=/abs/path/to/ferry bash tests/integration/run.sh [NAME_PATTERN...]
#
# Starts one throwaway PostgreSQL server for the whole run, then runs each
# tests/integration/t_*.sh (or those whose name contains one of the
# patterns) in its own fresh database and scratch dir, one after the other.
# Prints "ok - NAME" / "not ok - NAME" per test (with the log of each failed
# test), and ends with the line "N passed, N failed" (", N skipped" when some
# were skipped). Exit status 0 only if none failed.
#
# A test exits 0 (pass), 77 (skipped: its first "skipped: ..." line says
# why) or anything else (fail). Environment: FERRY (default build/ferry),
# TEST_TIMEOUT seconds per test (default 900), FERRY_TIMEOUT seconds per
# ferry run (default 300), KEEP=1 to keep the logs and scratch dirs.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FERRY=${FERRY:-$REPO/build/ferry}
case $FERRY in /*) ;; *) FERRY=$(cd "$(dirname "$FERRY")" 2>/dev/null && pwd)/$(basename "$FERRY") ;; esac
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
export FERRY REPO

# shellcheck source=../lib/pg.sh
source "$REPO/tests/lib/pg.sh"
# shellcheck source=../lib/mariadb.sh
source "$REPO/tests/lib/mariadb.sh"

RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ferry-it.XXXXXX")
chmod 755 "$RUN_TMP"
failed=0
passed=0
skipped=0

# cleanup — stop the server; keep the logs when asked or when a test failed.
# Prints nothing: the summary line must stay the last line of the output.
cleanup() {
    pg_stop
    [ -n "${MYTEST_PORT:-}" ] && mariadb_stop
    if [ "${KEEP:-0}" != 1 ] && [ "$failed" -eq 0 ]; then
        rm -rf "$RUN_TMP"
    fi
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

# The tests to run.
tests=()
for t in "$HERE"/t_*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    if [ $# -gt 0 ]; then
        want=
        for p in "$@"; do case $name in *"$p"*) want=1 ;; esac; done
        [ -n "$want" ] || continue
    fi
    tests+=("$t")
done

if [ ! -x "$FERRY" ]; then
    echo "warning: ferry binary not found or not executable: $FERRY (the tests will fail)"
fi

if ! pg_start; then
    echo "not ok - start PostgreSQL"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "# PostgreSQL on 127.0.0.1:$PGTEST_PORT (socket dir $PGTEST_HOST), ferry: $FERRY"
# A MariaDB server for the tests that need one (they skip, saying why, when
# it cannot start); started only when a selected test needs it.
if grep -l 'require_mariadb' "${tests[@]}" >/dev/null 2>&1; then
    if mariadb_start >"$RUN_TMP/mariadb-start.log" 2>&1; then
        echo "# MariaDB on 127.0.0.1:$MYTEST_PORT (socket $MYTEST_SOCK)"
    else
        echo "# MariaDB could not start (tests that need it will say so):"
        sed 's/^/#   /' "$RUN_TMP/mariadb-start.log" | tail -n 5
        export MYTEST_UNAVAILABLE="MariaDB could not start: $(tail -n 1 "$RUN_TMP/mariadb-start.log")"
    fi
fi
echo "# ${#tests[@]} tests"

run_start=$(date +%s)
for t in "${tests[@]}"; do
    name=$(basename "$t" .sh)
    db=$name
    work=$RUN_TMP/$name
    log=$RUN_TMP/$name.log
    mkdir -p "$work"
    chmod 755 "$work"
    pg_dropdb "$db" >/dev/null 2>&1
    if ! pg_createdb "$db" >"$log" 2>&1; then
        echo "not ok - $name (cannot create database $db)"
        sed 's/^/    /' "$log"
        failed=$((failed + 1))
        continue
    fi
    start=$(date +%s.%N)
    (
        cd "$work" &&
        TEST_NAME=$name TEST_TMP=$work PGTEST_DB=$db PGTEST_URL_DB=$(pg_url "$db") \
            exec timeout -k 10 "$TEST_TIMEOUT" bash "$t"
    ) >"$log" 2>&1 </dev/null
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    case $rc in
        0)
            echo "ok - $name (${secs}s)"
            passed=$((passed + 1))
            pg_dropdb "$db" >/dev/null 2>&1
            ;;
        77)
            reason=$(grep -m1 '^skipped:' "$log" | sed 's/^skipped: *//')
            echo "ok - $name # SKIP ${reason:-no reason given}"
            skipped=$((skipped + 1))
            ;;
        *)
            [ "$rc" = 124 ] && echo "(test killed after ${TEST_TIMEOUT}s)" >>"$log"
            echo "not ok - $name (exit $rc, ${secs}s); log:"
            if [ "$(wc -l <"$log")" -gt 300 ]; then
                head -n 100 "$log" | sed 's/^/    /'
                echo "    [... $(( $(wc -l <"$log") - 250 )) lines cut; full log: $log ...]"
                tail -n 150 "$log" | sed 's/^/    /'
            else
                sed 's/^/    /' "$log"
            fi
            failed=$((failed + 1))
            ;;
    esac
done

echo "# total $(( $(date +%s) - run_start ))s"
if [ "${KEEP:-0}" = 1 ] || [ "$failed" -gt 0 ]; then
    echo "# logs and scratch files kept in $RUN_TMP"
fi
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
