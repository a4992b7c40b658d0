# shellcheck shell=bash
# testlib.sh — what every integration test sources first (bash).
#
#   source "$(dirname "$0")/../lib/testlib.sh"
#
# Under tests/integration/run.sh the server and the test's database exist
# already; run alone (bash tests/integration/t_x.sh) the test starts its own
# throwaway server and database. Either way the test gets:
#
#   FERRY          the binary under test (default: build/ferry in the repo)
#   REPO           the repository root;  TLIB: tests/lib
#   TEST_NAME      e.g. t_alltypes
#   TEST_TMP       a scratch dir, also the current directory
#   PGTEST_DB      a fresh database for this test
#   PGTEST_URL_DB  postgresql://postgres@127.0.0.1:PORT/$PGTEST_DB
#   PGTEST_*       see pg.sh;  and compare.sh and gen_sample.sh loaded
#
# Assertions record a failure and go on (so that one run shows every
# problem); `finish` ends the test: exit 0, or 1 if anything failed. `skip`
# ends it as skipped (exit 77). Every ferry run is logged with its output.

set -u

TLIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=${REPO:-$(cd "$TLIB/../.." && pwd)}
export REPO TLIB
FERRY=${FERRY:-$REPO/build/ferry}
case $FERRY in /*) ;; *) FERRY=$(cd "$(dirname "$FERRY")" && pwd)/$(basename "$FERRY") ;; esac
export FERRY
# How long one ferry run may take before it is killed (sanitizer builds are slow).
FERRY_TIMEOUT=${FERRY_TIMEOUT:-300}

# shellcheck source=pg.sh
source "$TLIB/pg.sh"
# shellcheck source=compare.sh
source "$TLIB/compare.sh"
# shellcheck source=gen_sample.sh
source "$TLIB/gen_sample.sh"
# shellcheck source=mariadb.sh
source "$TLIB/mariadb.sh"

# require_mariadb — the test needs the run's MariaDB server (run.sh starts
# one when a test calls this); run alone, the test starts its own.
require_mariadb() {
    if [ -n "${MYTEST_UNAVAILABLE:-}" ]; then skip "$MYTEST_UNAVAILABLE"; fi
    if [ -z "${MYTEST_PORT:-}" ]; then
        mariadb_start >/dev/null 2>&1 || skip "MariaDB could not start"
        _T_OWN_MARIADB=1
    fi
}

TEST_NAME=${TEST_NAME:-$(basename "${0%.sh}")}
T_FAILED=0
T_CHECKS=0
_T_STANDALONE=

if [ -z "${PGTEST_PORT:-}" ]; then
    # Run alone: own server, own database, own scratch dir.
    _T_STANDALONE=1
    pg_start || { echo "not ok - cannot start PostgreSQL"; exit 1; }
    TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ferry-$TEST_NAME.XXXXXX")
    trap 't_cleanup; pg_stop; rm -rf "$TEST_TMP"' EXIT
    PGTEST_DB=$TEST_NAME
    pg_createdb "$PGTEST_DB" || exit 1
else
    trap 't_cleanup' EXIT
fi
TEST_TMP=${TEST_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/ferry-$TEST_NAME.XXXXXX")}
PGTEST_DB=${PGTEST_DB:-$TEST_NAME}
PGTEST_URL_DB=${PGTEST_URL_DB:-$(pg_url "$PGTEST_DB")}
export TEST_TMP PGTEST_DB PGTEST_URL_DB
export CMP_TMP=$TEST_TMP
cd "$TEST_TMP" || exit 1

# Background processes a test started; killed at exit (by pid only).
T_BG_PIDS=()
t_cleanup() {
    [ -n "${_T_OWN_MARIADB:-}" ] && mariadb_stop
    local p
    for p in "${T_BG_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    return 0
}

# --- reporting ---------------------------------------------------------------

pass() { T_CHECKS=$((T_CHECKS + 1)); echo "  ok: $*"; }
fail() { T_CHECKS=$((T_CHECKS + 1)); T_FAILED=$((T_FAILED + 1)); echo "  FAIL: $*"; }
note() { echo "  note: $*"; }
section() { echo; echo "== $*"; }

# skip REASON — end the test as skipped.
skip() { echo "skipped: $*"; exit 77; }

# finish — end the test.
finish() {
    echo
    if [ "$T_FAILED" -gt 0 ]; then
        echo "$TEST_NAME: $T_FAILED of $T_CHECKS checks failed"
        exit 1
    fi
    echo "$TEST_NAME: all $T_CHECKS checks passed"
    exit 0
}

# check DESC CMD... — pass if CMD succeeds.
check() {
    local desc=$1
    shift
    if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
    if [ "$2" == "$3" ]; then pass "$1"
    else fail "$1: expected [$2], got [$3]"; fi
}

# check_ne DESC UNEXPECTED ACTUAL
check_ne() {
    if [ "$2" != "$3" ]; then pass "$1"
    else fail "$1: got [$3], which it must not be"; fi
}

# check_match DESC EXTENDED_REGEX TEXT — case-insensitive grep -E.
check_match() {
    if printf '%s' "$3" | grep -Eqi -- "$2"; then pass "$1"
    else fail "$1: /$2/ not found in: $(printf '%s' "$3" | head -c 600)"; fi
}

# check_nomatch DESC FIXED_STRING TEXT
check_nomatch() {
    if printf '%s' "$3" | grep -Fq -- "$2"; then fail "$1: found [$2]"
    else pass "$1"; fi
}

# --- running ferry -----------------------------------------------------------

# The last run: exit code, and files holding its stdout and stderr.
RC=
OUT=$TEST_TMP/ferry.out
ERR=$TEST_TMP/ferry.err

# ferry_output — stdout and stderr of the last run.
ferry_output() { cat "$OUT" "$ERR"; }

# _t_show_run — log the last run (bounded).
_t_show_run() {
    echo "  exit $RC"
    if [ -s "$OUT" ]; then echo "  --- stdout:"; head -n 40 "$OUT" | sed 's/^/  | /'; fi
    if [ -s "$ERR" ]; then echo "  --- stderr:"; head -n 40 "$ERR" | sed 's/^/  | /'; fi
}

# run_ferry ARGS... — run the binary (bounded in time); sets RC, OUT, ERR.
run_ferry() {
    echo "  \$ ferry $*"
    if [ ! -x "$FERRY" ]; then
        RC=127
        echo "ferry binary not found or not executable: $FERRY" >"$ERR"
        : >"$OUT"
        _t_show_run
        return 0
    fi
    timeout -k 5 "$FERRY_TIMEOUT" "$FERRY" "$@" >"$OUT" 2>"$ERR" </dev/null
    RC=$?
    [ "$RC" = 124 ] && echo "(killed: ferry ran longer than ${FERRY_TIMEOUT}s)" >>"$ERR"
    _t_show_run
    return 0
}

# run_ferry_env "VAR=value ..." ARGS... — like run_ferry with extra environment.
run_ferry_env() {
    local envs=$1
    shift
    echo "  \$ $envs ferry $*"
    if [ ! -x "$FERRY" ]; then
        RC=127; echo "ferry binary not found: $FERRY" >"$ERR"; : >"$OUT"; _t_show_run; return 0
    fi
    # shellcheck disable=SC2086
    env $envs timeout -k 5 "$FERRY_TIMEOUT" "$FERRY" "$@" >"$OUT" 2>"$ERR" </dev/null
    RC=$?
    _t_show_run
    return 0
}

# check_rc DESC EXPECTED — the last run's exit code.
check_rc() {
    if [ "$RC" == "$2" ]; then pass "$1 (exit $RC)"
    else fail "$1: expected exit $2, got $RC"; fi
}

# require_ferry — skip nothing, but stop early when the binary is missing:
# every check would fail the same way.
require_ferry() {
    if [ ! -x "$FERRY" ]; then
        fail "ferry binary not found or not executable: $FERRY (build it with make)"
        finish
    fi
}

# --- PostgreSQL helpers ------------------------------------------------------

# q SQL — one query on the test database (psql -At), errors to the log.
q() { pg_sql "$PGTEST_DB" "$1" 2>&1; }
# qdb DB SQL
qdb() { pg_sql "$1" "$2" 2>&1; }

# pg_type DB TABLE COLUMN [SCHEMA] — format_type of a column, "" if absent.
pg_type() {
    pg_sql "$1" "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = '${4:-public}' AND c.relname = \$q\$$2\$q\$ AND a.attname = \$q\$$3\$q\$
          AND a.attnum > 0 AND NOT a.attisdropped" 2>/dev/null
}

# pg_table_exists DB TABLE [SCHEMA]
pg_table_exists() {
    [ "$(pg_sql "$1" "SELECT count(*) FROM pg_tables WHERE schemaname = '${3:-public}' AND tablename = \$q\$$2\$q\$" 2>/dev/null)" = 1 ]
}

# pg_count DB RELSQL — count(*) of a relation (SQL text, quote it yourself).
pg_count() { pg_sql "$1" "SELECT count(*) FROM $2" 2>&1; }

# user_tables DB [SCHEMA] — the tables of a schema, sorted, one a line.
user_tables() {
    pg_sql "$1" "SELECT tablename FROM pg_tables WHERE schemaname = '${2:-public}' ORDER BY tablename COLLATE \"C\"" 2>/dev/null
}

# sqlite_q DB SQL — one query on a SQLite file (list mode, '|' separated).
sqlite_q() { sqlite3 -batch -readonly "$1" "$2"; }

# --- JSON helpers (jq is installed by tests/lib/deps.sh) ---------------------

have_jq() { command -v jq >/dev/null 2>&1; }

# json_valid FILE — the file is one JSON document.
json_valid() { jq -e . "$1" >/dev/null 2>&1; }

# jqf FILE FILTER — jq -r on a file; empty on error.
jqf() { jq -r "$2" "$1" 2>/dev/null; }

# ndjson_valid FILE — every non-empty line is a JSON object.
ndjson_valid() {
    local bad
    bad=$(grep -v '^[[:space:]]*$' "$1" | jq -c 'if type == "object" then empty else "not an object" end' 2>&1 | head -n 3)
    [ -z "$bad" ] && [ -s "$1" ]
}

# count_events FILE EVENT — how many progress events of a kind a file holds.
count_events() {
    [ -f "$1" ] || { echo 0; return; }
    grep -c "\"event\":[[:space:]]*\"$2\"" "$1" 2>/dev/null || true
}

# wait_for TIMEOUT_S CMD... — poll CMD every 20 ms; 0 when it succeeded.
wait_for() {
    local limit=$1 i n
    shift
    n=$(( limit * 50 ))
    for ((i = 0; i < n; i++)); do
        "$@" && return 0
        sleep 0.02
    done
    return 1
}

# --- one ferry in the background (the kill and fault tests) -------------------
# bg_start PROGRESS ARGS... — ferry ARGS --progress PROGRESS in the background:
# BG_PID, output in BG_OUT / BG_ERR; killed by finish if still running.
BG_PID=
BG_RC=
BG_OUT=$TEST_TMP/bg.out
BG_ERR=$TEST_TMP/bg.err
bg_start() {
    local prog=$1
    shift
    rm -f "$prog"
    echo "  \$ ferry $* --progress $prog &"
    "$FERRY" "$@" --progress "$prog" >"$BG_OUT" 2>"$BG_ERR" </dev/null &
    BG_PID=$!
    T_BG_PIDS+=("$BG_PID")
}
bg_running() { kill -0 "$BG_PID" 2>/dev/null; }
bg_output() { cat "$BG_OUT" "$BG_ERR"; }
# chunks_at_least PROGRESS N / has_phase PROGRESS PHASE — how far it got.
chunks_at_least() { [ "$(count_events "$1" chunk_done)" -ge "$2" ]; }
has_phase() { grep -Eq "\"phase\":[[:space:]]*\"$2\"" "$1" 2>/dev/null; }
# until_or_exit CMD... — CMD succeeded, or the background ferry is gone.
until_or_exit() { "$@" || ! bg_running; }
# bg_signal_when SIGNAL WHAT CMD... — send SIGNAL once CMD succeeds (polling,
# at most 120 s). 0 when the signal hit a running ferry; 1 when it had ended
# already (a note says so) or the point was not reached (a failure). BG_RC
# gets its exit status.
bg_signal_when() {
    local sig=$1 what=$2
    shift 2
    if ! wait_for 120 until_or_exit "$@"; then
        fail "$what: not reached within 120 s"
        kill -9 "$BG_PID" 2>/dev/null
        wait "$BG_PID" 2>/dev/null
        BG_RC=killed
        return 1
    fi
    if bg_running; then
        kill "-$sig" "$BG_PID" 2>/dev/null
        wait "$BG_PID"
        BG_RC=$?
        echo "  sent SIG$sig $what (exit $BG_RC)"
        return 0
    fi
    wait "$BG_PID"
    BG_RC=$?
    note "ferry ended (exit $BG_RC) before '$what'; nothing to interrupt this time"
    return 1
}
