#!/usr/bin/env bash
# t_source_locked — a source table locked or dropped by another session
# while ferry copies. Locked: ferry waits --lock-timeout seconds, then stops
# with exit 3 and one line naming the table and what to do; once the lock is
# gone the same command finishes with exactly the source's rows. Dropped
# mid-copy: ferry's read transaction holds the table (PostgreSQL
# AccessShareLock, MariaDB metadata lock), so the DROP waits while ferry
# reads it (or goes through once ferry has read it all); either way the copy
# finishes complete and exact. For PostgreSQL and MariaDB sources.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
require_mariadb

N=${LOCK_ROWS:-120000}
SQ=$TEST_TMP/src.db
gen_big "$SQ" "$N" || { fail "generate"; finish; }
PGS=${PGTEST_DB}_src; MYS=${PGTEST_DB}_src
pg_dropdb "$PGS" >/dev/null 2>&1; pg_createdb "$PGS" >/dev/null
my_dropdb "$MYS" >/dev/null 2>&1; my_createdb "$MYS"
run_ferry copy "sqlite:///$SQ" "$(pg_url "$PGS")" --quiet
check_rc "PostgreSQL source prepared" 0
run_ferry copy "sqlite:///$SQ" "$(my_url "$MYS")" --quiet
check_rc "MariaDB source prepared" 0
# the sources must not carry ferry's state of those copies
qdb "$PGS" "DROP SCHEMA _ferry CASCADE" >/dev/null
my_sql "$MYS" "DROP TABLE _ferry_rejects, _ferry_steps, _ferry_chunks, _ferry_jobs" >/dev/null

counts_pg() { qdb "$1" "SELECT (SELECT count(*) FROM events) || '|' || (SELECT count(DISTINCT id) FROM events) || '|' || (SELECT count(*) FROM users)"; }
WANT="$N|$N|$(sqlite_q "$SQ" "SELECT count(*) FROM users")"

# hold_lock_pg SECONDS SQL... — a session holding a lock in the background.
LOCK_PID=
hold_lock_pg() {
    local secs=$1; shift
    psql -X -q -h "$PGTEST_HOST" -p "$PGTEST_PORT" -U postgres "$PGS" \
        -c "BEGIN; $*; SELECT pg_sleep($secs); COMMIT;" >/dev/null 2>&1 &
    LOCK_PID=$!; T_BG_PIDS+=("$LOCK_PID")
}
hold_lock_my() {
    local secs=$1; shift
    mariadb -S "$MYTEST_SOCK" -u root "$MYS" -e "$*; SELECT SLEEP($secs); UNLOCK TABLES;" >/dev/null 2>&1 &
    LOCK_PID=$!; T_BG_PIDS+=("$LOCK_PID")
}
wait_lock_pg() { wait_for 10 sh -c "[ \"\$(psql -X -At -h '$PGTEST_HOST' -p '$PGTEST_PORT' -U postgres '$PGS' -c \"SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND relation = 'users'::regclass\")\" = 1 ]"; }
wait_lock_my() { wait_for 10 sh -c "mariadb -N -S '$MYTEST_SOCK' -u root -e \"SHOW OPEN TABLES FROM \\\`$MYS\\\` WHERE In_use > 0\" | grep -q users"; }

section "PostgreSQL source: a table locked by another session"
D1=${PGTEST_DB}_d1; pg_createdb "$D1" >/dev/null
hold_lock_pg 8 "LOCK TABLE users IN ACCESS EXCLUSIVE MODE"
wait_lock_pg || note "lock not seen in pg_locks in time"
run_ferry copy "$(pg_url "$PGS")" "$(pg_url "$D1")" --lock-timeout 2
check_rc "stops with a source error" 3
check_match "names the table, the lock and the option" 'lock timeout.*another session holds a lock on (public.)?users.*--lock-timeout 2 s' "$(ferry_output)"
wait "$LOCK_PID" 2>/dev/null
run_ferry copy "$(pg_url "$PGS")" "$(pg_url "$D1")" --lock-timeout 2
check_rc "the lock gone, the same command finishes" 0
check_eq "exactly the source's rows" "$WANT" "$(counts_pg "$D1")"

section "MariaDB source: a table locked by another session"
D2=${PGTEST_DB}_d2; pg_createdb "$D2" >/dev/null
hold_lock_my 8 "LOCK TABLES users WRITE"
wait_lock_my || note "lock not seen in SHOW OPEN TABLES in time"
run_ferry copy "$(my_url "$MYS")" "$(pg_url "$D2")" --lock-timeout 2
check_rc "stops with a source error" 3
check_match "names the table, the lock and the option" 'users.*Lock wait timeout.*another session holds a lock.*--lock-timeout 2 s' "$(ferry_output)"
wait "$LOCK_PID" 2>/dev/null
run_ferry copy "$(my_url "$MYS")" "$(pg_url "$D2")" --lock-timeout 2
check_rc "the lock gone, the same command finishes" 0
check_eq "exactly the source's rows" "$WANT" "$(counts_pg "$D2")"

# start_copy SRC_URL DB PROG — a slow-ish copy in the background.
BG=
start_copy() {
    rm -f "$3"
    "$FERRY" copy "$1" "$(pg_url "$2")" --jobs 1 --chunk-rows 4000 --progress "$3" --quiet \
        >"$TEST_TMP/bg.out" 2>"$TEST_TMP/bg.err" </dev/null &
    BG=$!; T_BG_PIDS+=("$BG")
}
first_chunk() { [ "$(count_events "$1" chunk_done)" -ge 1 ] || ! kill -0 "$BG" 2>/dev/null; }

section "PostgreSQL source: DROP TABLE while ferry copies it"
D3=${PGTEST_DB}_d3; pg_createdb "$D3" >/dev/null
start_copy "$(pg_url "$PGS")" "$D3" "$TEST_TMP/p3.ndjson"
wait_for 60 first_chunk "$TEST_TMP/p3.ndjson"
if kill -0 "$BG" 2>/dev/null; then
    DROP_OUT=$(psql -X -h "$PGTEST_HOST" -p "$PGTEST_PORT" -U postgres "$PGS" \
        -c "SET lock_timeout = '1s'; DROP TABLE events CASCADE" 2>&1)
    # Either the DROP waits (ferry still reads the table) or ferry had read
    # everything already (a quiet machine is fast): then the copy below must
    # still be complete and exact, which is what matters.
    if printf '%s' "$DROP_OUT" | grep -q "lock timeout"; then pass "the DROP waits for the copy (ferry holds the table)"
    else note "the DROP went through: ferry had finished reading the table (${DROP_OUT:-no output})"; fi
else
    note "the copy ended before the DROP could be tried"
fi
wait "$BG"; RC=$?
check_rc "the copy finishes" 0
check_eq "complete and exact" "$WANT" "$(counts_pg "$D3")"

section "MariaDB source: DROP TABLE while ferry copies it"
D4=${PGTEST_DB}_d4; pg_createdb "$D4" >/dev/null
start_copy "$(my_url "$MYS")" "$D4" "$TEST_TMP/p4.ndjson"
wait_for 60 first_chunk "$TEST_TMP/p4.ndjson"
if kill -0 "$BG" 2>/dev/null; then
    DROP_OUT=$(mariadb -S "$MYTEST_SOCK" -u root "$MYS" \
        -e "SET SESSION lock_wait_timeout = 1; DROP TABLE events" 2>&1)
    if printf '%s' "$DROP_OUT" | grep -q "Lock wait timeout"; then pass "the DROP waits for the copy (metadata lock)"
    else note "the DROP went through: ferry had finished reading the table (${DROP_OUT:-no output})"; fi
else
    note "the copy ended before the DROP could be tried"
fi
wait "$BG"; RC=$?
check_rc "the copy finishes" 0
check_eq "complete and exact" "$WANT" "$(counts_pg "$D4")"

finish
