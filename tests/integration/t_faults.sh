#!/usr/bin/env bash
# t_faults — faults during a run (issue 4): a lost connection to the target
# or the source is reconnected with backoff and the chunk (or step) redone,
# a bounded number of times (--retries); after that ferry exits non-zero
# saying the job is resumable, with the exact command (password masked);
# SIGINT stops with exit 6 and the resume command, a second SIGINT quits at
# once. Every case ends with exactly the source's rows (count, no duplicate,
# content value by value), after the rerun where there is one.
#
#   A   PostgreSQL target: ferry's backends terminated mid-copy
#   A2  PostgreSQL target: the server restarted (pg_ctl restart -m fast)
#   A3  PostgreSQL target: backends terminated during the index phase
#   B   MariaDB target: ferry's connections killed (KILL CONNECTION)
#   C1  PostgreSQL source: the secondary readers terminated (same snapshot)
#   C2  PostgreSQL source: every reader terminated (new snapshot, warning)
#   D   --retries 0: exit 4, resumable + command without the password; rerun
#   D2  retries spent (the database refuses connections): exit 4; rerun
#   E1  SIGINT once: exit 6 with the resume command; rerun
#   E2  SIGINT twice while a chunk is stuck on a lock: quits at once; rerun
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

case $FERRY in *build-asan/*|*build-tsan/*) N=${FAULT_ROWS:-100000} ;; *) N=${FAULT_ROWS:-200000} ;; esac
NMY=${FAULT_MY_ROWS:-60000}
CHUNK=5000
CHUNKS=$(( (N + CHUNK - 1) / CHUNK + 1 ))      # events chunks + the users chunk
B=$TEST_TMP/big.db
gen_big "$B" "$N" || { fail "generate $N rows"; finish; }
EV_SPEC="int:id int:user_id int:kind int:amount_cents f64:score text:code text:body text:note ts:created_at bool:is_active blob:digest"
US_SPEC="int:id text:name text:email ts:created_at"
# shellcheck disable=SC2086
dump_sqlite "$B" events $EV_SPEC >"$TEST_TMP/src.events"
# shellcheck disable=SC2086
dump_sqlite "$B" users $US_SPEC >"$TEST_TMP/src.users"

PW=Fault-S3cret-pw
PWUSER=ferry_fault_pw
pg_add_password_user "$PWUSER" "$PW" 2>/dev/null || true

# --- background runs -----------------------------------------------------------

# (the background run: testlib's bg_start, bg_running, bg_output ...)
# reach WHAT CMD... — wait (at most 120 s) until CMD succeeds while ferry
# runs; 0 when ferry is still running then.
reach() {
    local what=$1
    shift
    if ! wait_for 120 until_or_exit "$@"; then
        fail "$what: not reached within 120 s"
        return 1
    fi
    if ! bg_running; then
        note "ferry ended before '$what': the fault could not be injected this time"
        return 1
    fi
    return 0
}
# bg_wait — wait for the background ferry (at most FERRY_TIMEOUT s); BG_RC.
bg_wait() {
    if ! wait_for "$FERRY_TIMEOUT" eval '! bg_running'; then
        kill -9 "$BG_PID" 2>/dev/null
        fail "ferry did not end within ${FERRY_TIMEOUT}s"
    fi
    wait "$BG_PID"
    BG_RC=$?
    echo "  exit $BG_RC"
    sed -n '1,25p' "$BG_ERR" | cut -c1-400 | sed 's/^/  | /'
}

# pg_kill_ferry DB [EXTRA_WHERE] — terminate ferry's backends on DB.
pg_kill_ferry() {
    qdb postgres "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
        WHERE datname = '$1' AND application_name = 'ferry' ${2:-}"
}

# --- verification -------------------------------------------------------------

# verify_pg DB LABEL — DB holds exactly the source's rows.
verify_pg() {
    local db=$1 label=$2
    check_eq "$label: events count, no duplicates" "$N|$N" "$(qdb "$db" 'SELECT count(*), count(DISTINCT id) FROM events')"
    # shellcheck disable=SC2086
    dump_pg "$db" events $EV_SPEC >"$TEST_TMP/pg.events"
    check "$label: events equal the source, value by value" compare_files events "$TEST_TMP/src.events" "$TEST_TMP/pg.events"
    # shellcheck disable=SC2086
    dump_pg "$db" users $US_SPEC >"$TEST_TMP/pg.users"
    check "$label: users equal the source" compare_files users "$TEST_TMP/src.users" "$TEST_TMP/pg.users"
    check_eq "$label: every chunk recorded done once" "$CHUNKS|$CHUNKS" \
        "$(qdb "$db" 'SELECT count(*), count(*) FILTER (WHERE done) FROM _ferry.chunks')"
}

# retries_seen FILE SIDE — retry events of that side in a progress file.
retries_seen() {
    [ -f "$1" ] || { echo 0; return; }
    grep '"event":"retry"' "$1" | grep -c "\"side\":\"$2\"" || true
}

# committed_once FILE — every chunk_done of the run is for a distinct chunk.
committed_once() {
    local all distinct
    all=$(grep -c '"event":"chunk_done"' "$1")
    distinct=$(grep '"event":"chunk_done"' "$1" | jq -r '.table + ":" + (.chunk|tostring)' | sort -u | wc -l)
    [ "$all" = "$distinct" ]
}

# rerun LABEL ARGS... — run ferry ARGS (the same command) to the end: exit 0.
rerun() {
    local label=$1
    shift
    run_ferry "$@"
    check_rc "$label: rerun of the same command" 0
}

SRCURL="sqlite:///$B"

section "A: PostgreSQL target, ferry's backends terminated mid-copy"
DA=${PGTEST_DB}_a; pg_dropdb "$DA"; pg_createdb "$DA"
bg_start "$TEST_TMP/a.ndjson" copy "$SRCURL" "$(pg_url "$DA")" --chunk-rows $CHUNK --jobs 3 --report "$TEST_TMP/a.json"
if reach "3 chunks" chunks_at_least "$TEST_TMP/a.ndjson" 3; then
    echo "  terminated $(pg_kill_ferry "$DA") backend(s)"
    bg_wait
    check_eq "A: ferry retried and finished" 0 "$BG_RC"
    check "A: retry events for the target" test "$(retries_seen "$TEST_TMP/a.ndjson" target)" -ge 1
    check "A: no chunk committed twice (chunk_done events)" committed_once "$TEST_TMP/a.ndjson"
    check_match "A: a retry event names side, chunk, attempt and delay" \
        '"event":"retry","side":"target","table":"events","chunk":[0-9]+,"step":null,"attempt":1,"retries":5,"delay_s":0.5' \
        "$(cat "$TEST_TMP/a.ndjson")"
    check_match "A: it said so on stderr" "target connection lost.*reconnecting in 0.5s \(attempt 1 of 5\)" "$(bg_output)"
    check_eq "A: the report records the redone chunks" true \
        "$(jq -r '[.warnings[] | select(.kind == "retry")] | length > 0' "$TEST_TMP/a.json")"
else
    bg_wait
fi
[ "$BG_RC" = 0 ] || rerun "A" copy "$SRCURL" "$(pg_url "$DA")" --chunk-rows $CHUNK --jobs 3
verify_pg "$DA" "A"
pg_dropdb "$DA"

section "A2: PostgreSQL target restarted mid-copy (pg_ctl restart -m fast)"
DA2=${PGTEST_DB}_a2; pg_dropdb "$DA2"; pg_createdb "$DA2"
bg_start "$TEST_TMP/a2.ndjson" copy "$SRCURL" "$(pg_url "$DA2")" --chunk-rows $CHUNK --jobs 3
if reach "3 chunks" chunks_at_least "$TEST_TMP/a2.ndjson" 3; then
    if _pg_as_owner "$PGTEST_BIN/pg_ctl" -D "$PGTEST_DIR/data" -m fast -w -t 60 restart >"$TEST_TMP/restart.log" 2>&1; then
        echo "  the server restarted"
    else
        fail "A2: pg_ctl restart"; cat "$TEST_TMP/restart.log"
    fi
    bg_wait
    check_eq "A2: ferry reconnected and finished" 0 "$BG_RC"
    check "A2: retry events for the target" test "$(retries_seen "$TEST_TMP/a2.ndjson" target)" -ge 1
    check "A2: no chunk committed twice" committed_once "$TEST_TMP/a2.ndjson"
else
    bg_wait
fi
wait_for 30 pg_sql postgres "SELECT 1" >/dev/null 2>&1
[ "$BG_RC" = 0 ] || rerun "A2" copy "$SRCURL" "$(pg_url "$DA2")" --chunk-rows $CHUNK --jobs 3
verify_pg "$DA2" "A2"
pg_dropdb "$DA2"

section "A3: PostgreSQL target, backends terminated during the index phase"
DA3=${PGTEST_DB}_a3; pg_dropdb "$DA3"; pg_createdb "$DA3"
bg_start "$TEST_TMP/a3.ndjson" copy "$SRCURL" "$(pg_url "$DA3")" --chunk-rows $CHUNK --jobs 3
if reach "phase indexes" has_phase "$TEST_TMP/a3.ndjson" indexes; then
    echo "  terminated $(pg_kill_ferry "$DA3") backend(s)"
    bg_wait
    check_eq "A3: ferry retried the steps and finished" 0 "$BG_RC"
    if grep '"event":"retry"' "$TEST_TMP/a3.ndjson" | grep -q '"step":"'; then
        pass "A3: a retry event names the step"
    else
        note "A3: the steps had finished before the backends were terminated"
    fi
else
    bg_wait
fi
[ "$BG_RC" = 0 ] || rerun "A3" copy "$SRCURL" "$(pg_url "$DA3")" --chunk-rows $CHUNK --jobs 3
verify_pg "$DA3" "A3"
check_eq "A3: primary keys, FK and the two indexes" "2|1|2" "$(qdb "$DA3" "SELECT
    (SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('public.events'::regclass, 'public.users'::regclass)),
    (SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'public.events'::regclass AND convalidated),
    (SELECT count(*) FROM pg_indexes WHERE tablename = 'events' AND indexname LIKE 'ix_events_%')")"
pg_dropdb "$DA3"

section "B: MariaDB target, ferry's connections killed mid-copy"
if [ -n "${MYTEST_UNAVAILABLE:-}" ]; then
    note "B skipped: $MYTEST_UNAVAILABLE"
else
    require_mariadb
    BM=$TEST_TMP/my.db
    gen_big "$BM" "$NMY" || fail "generate $NMY rows"
    # shellcheck disable=SC2086
    dump_sqlite "$BM" events $EV_SPEC >"$TEST_TMP/srcmy.events"
    MB=${PGTEST_DB}_b; my_dropdb "$MB" >/dev/null 2>&1; my_createdb "$MB"
    bg_start "$TEST_TMP/b.ndjson" copy "sqlite:///$BM" "$(my_url "$MB")" --chunk-rows $CHUNK --jobs 3
    if reach "3 chunks" chunks_at_least "$TEST_TMP/b.ndjson" 3; then
        k=0
        for id in $(my_sql "" "SELECT id FROM information_schema.PROCESSLIST WHERE db = '$MB' AND id <> CONNECTION_ID()"); do
            my_sql "" "KILL CONNECTION $id" >/dev/null 2>&1 && k=$((k + 1))
        done
        echo "  killed $k connection(s)"
        bg_wait
        check_eq "B: ferry retried and finished" 0 "$BG_RC"
        check "B: retry events for the target" test "$(retries_seen "$TEST_TMP/b.ndjson" target)" -ge 1
        check "B: no chunk committed twice" committed_once "$TEST_TMP/b.ndjson"
    else
        bg_wait
    fi
    [ "$BG_RC" = 0 ] || rerun "B" copy "sqlite:///$BM" "$(my_url "$MB")" --chunk-rows $CHUNK --jobs 3
    check_eq "B: events count, no duplicates" "$NMY	$NMY" "$(my_sql "$MB" 'SELECT COUNT(*), COUNT(DISTINCT id) FROM events')"
    # shellcheck disable=SC2086
    dump_my "$MB" events $EV_SPEC >"$TEST_TMP/my.events"
    check "B: events equal the source, value by value" compare_files events "$TEST_TMP/srcmy.events" "$TEST_TMP/my.events"
    my_dropdb "$MB" >/dev/null 2>&1
fi

# A PostgreSQL source for C: the big table, loaded once.
DS=${PGTEST_DB}_src; pg_dropdb "$DS"; pg_createdb "$DS"
run_ferry copy "$SRCURL" "$(pg_url "$DS")" --quiet
check_rc "load the PostgreSQL source" 0

section "C1: PostgreSQL source, the secondary readers terminated (the snapshot stays)"
DC=${PGTEST_DB}_c1; pg_dropdb "$DC"; pg_createdb "$DC"
bg_start "$TEST_TMP/c1.ndjson" copy "$(pg_url "$DS")" "$(pg_url "$DC")" --chunk-rows $CHUNK --jobs 3 --report "$TEST_TMP/c1.json"
if reach "3 chunks" chunks_at_least "$TEST_TMP/c1.ndjson" 3; then
    # The oldest of ferry's source backends is the session's: it exported the snapshot.
    echo "  terminated $(pg_kill_ferry "$DS" "AND backend_start > (SELECT min(backend_start) FROM pg_stat_activity
        WHERE datname = '$DS' AND application_name = 'ferry')") reader backend(s)"
    bg_wait
    check_eq "C1: ferry reconnected the readers and finished" 0 "$BG_RC"
    check "C1: retry events for the source" test "$(retries_seen "$TEST_TMP/c1.ndjson" source)" -ge 1
    check_eq "C1: the shared snapshot was imported again: no snapshot warning" 0 \
        "$(jq -r '[.warnings[] | select(.kind == "snapshot")] | length' "$TEST_TMP/c1.json")"
else
    bg_wait
fi
[ "$BG_RC" = 0 ] || rerun "C1" copy "$(pg_url "$DS")" "$(pg_url "$DC")" --chunk-rows $CHUNK --jobs 3
verify_pg "$DC" "C1"
pg_dropdb "$DC"

section "C2: PostgreSQL source, every reader terminated (a new snapshot, said so)"
DC2=${PGTEST_DB}_c2; pg_dropdb "$DC2"; pg_createdb "$DC2"
bg_start "$TEST_TMP/c2.ndjson" copy "$(pg_url "$DS")" "$(pg_url "$DC2")" --chunk-rows $CHUNK --jobs 3 --report "$TEST_TMP/c2.json"
if reach "3 chunks" chunks_at_least "$TEST_TMP/c2.ndjson" 3; then
    echo "  terminated $(pg_kill_ferry "$DS") reader backend(s)"
    bg_wait
    check_eq "C2: ferry reconnected the readers and finished" 0 "$BG_RC"
    check "C2: retry events for the source" test "$(retries_seen "$TEST_TMP/c2.ndjson" source)" -ge 1
    check_match "C2: a warning event says the source was read on from a new snapshot" \
        '"event":"warning".*"kind":"snapshot".*new snapshot' "$(cat "$TEST_TMP/c2.ndjson")"
    check "C2: ... and the report's warnings too" test \
        "$(jq -r '[.warnings[] | select(.kind == "snapshot")] | length' "$TEST_TMP/c2.json")" -ge 1
else
    bg_wait
fi
[ "$BG_RC" = 0 ] || rerun "C2" copy "$(pg_url "$DS")" "$(pg_url "$DC2")" --chunk-rows $CHUNK --jobs 3
verify_pg "$DC2" "C2"
pg_dropdb "$DC2"
pg_dropdb "$DS"

section "D: --retries 0 and a killed connection: exit 4, resumable, the command without the password"
DD=${PGTEST_DB}_d; pg_dropdb "$DD"; pg_createdb "$DD" "$PWUSER"
PWURL="postgresql://$PWUSER:$PW@127.0.0.1:$PGTEST_PORT/$DD"
bg_start "$TEST_TMP/d.ndjson" copy "$SRCURL" "$PWURL" --chunk-rows $CHUNK --jobs 3 --retries 0 --report "$TEST_TMP/d.json"
if reach "3 chunks" chunks_at_least "$TEST_TMP/d.ndjson" 3; then
    echo "  terminated $(pg_kill_ferry "$DD") backend(s)"
    bg_wait
    check_eq "D: not retried: target error" 4 "$BG_RC"
    check_eq "D: no retry event" 0 "$(retries_seen "$TEST_TMP/d.ndjson" target)"
    check_match "D: one line: what failed, resumable, the exact command" \
        "error: table \"events\" chunk [0-9]+: .*lost the connection.*not retried \(--retries 0\): the job is resumable: rerun [^ ]*ferry copy sqlite:///[^ ]*big.db 'postgresql://$PWUSER:\*\*\*@127.0.0.1:$PGTEST_PORT/$DD' --chunk-rows $CHUNK --jobs 3 --retries 0 --report [^ ]*d.json --progress [^ ]*d.ndjson" \
        "$(bg_output)"
    check_nomatch "D: the password is never printed" "$PW" "$(bg_output)"
    check_nomatch "D: ... nor in the progress events" "$PW" "$(cat "$TEST_TMP/d.ndjson")"
    check_nomatch "D: ... nor in the report" "$PW" "$(cat "$TEST_TMP/d.json")"
else
    bg_wait
fi
rm -f "$TEST_TMP/d.ndjson"
rerun "D" copy "$SRCURL" "$PWURL" --chunk-rows $CHUNK --jobs 3 --retries 0 --report "$TEST_TMP/d.json" --progress "$TEST_TMP/d.ndjson"
check_match "D: the rerun resumed the job" "resuming job" "$(ferry_output)"
verify_pg "$DD" "D"

section "D2: retries spent (the database refuses connections meanwhile): exit 4; rerun"
DD2=${PGTEST_DB}_d2; pg_dropdb "$DD2"; pg_createdb "$DD2"
bg_start "$TEST_TMP/d2.ndjson" copy "$SRCURL" "$(pg_url "$DD2")" --chunk-rows $CHUNK --jobs 3 --retries 2
if reach "3 chunks" chunks_at_least "$TEST_TMP/d2.ndjson" 3; then
    qdb postgres "ALTER DATABASE \"$DD2\" ALLOW_CONNECTIONS false" >/dev/null
    echo "  refused new connections, terminated $(pg_kill_ferry "$DD2") backend(s)"
    bg_wait
    qdb postgres "ALTER DATABASE \"$DD2\" ALLOW_CONNECTIONS true" >/dev/null
    check_eq "D2: target error after the retries" 4 "$BG_RC"
    check_match "D2: attempts 1 and 2, backing off 0.5 s then 1 s" \
        '"attempt":1,"retries":2,"delay_s":0.5.*"attempt":2,"retries":2,"delay_s":1' \
        "$(grep '"event":"retry"' "$TEST_TMP/d2.ndjson" | tr '\n' ' ')"
    check_match "D2: it says it gave up, resumable, with the command" \
        "gave up after 2 reconnect attempts \(--retries 2\): the job is resumable: rerun [^ ]*ferry copy" "$(bg_output)"
else
    bg_wait
    qdb postgres "ALTER DATABASE \"$DD2\" ALLOW_CONNECTIONS true" >/dev/null
fi
rerun "D2" copy "$SRCURL" "$(pg_url "$DD2")" --chunk-rows $CHUNK --jobs 3 --retries 2
verify_pg "$DD2" "D2"
pg_dropdb "$DD2"

section "E1: SIGINT once: exit 6, the resume command; rerun"
DE=${PGTEST_DB}_e; pg_dropdb "$DE"; pg_createdb "$DE" "$PWUSER"
PWURL="postgresql://$PWUSER:$PW@127.0.0.1:$PGTEST_PORT/$DE"
bg_start "$TEST_TMP/e.ndjson" copy "$SRCURL" "$PWURL" --chunk-rows $CHUNK --jobs 3
if reach "3 chunks" chunks_at_least "$TEST_TMP/e.ndjson" 3; then
    kill -INT "$BG_PID"
    bg_wait
    check_eq "E1: interrupted: exit 6" 6 "$BG_RC"
    check_match "E1: the resume command, password masked" \
        "to resume, run: [^ ]*ferry copy sqlite:///[^ ]*big.db 'postgresql://$PWUSER:\*\*\*@127.0.0.1:$PGTEST_PORT/$DE' --chunk-rows $CHUNK --jobs 3 --progress" "$(bg_output)"
    check_nomatch "E1: the password is never printed" "$PW" "$(bg_output)"
    check_eq "E1: job_done says interrupted" interrupted "$(grep '"event":"job_done"' "$TEST_TMP/e.ndjson" | jq -r .status)"
    c=$(qdb "$DE" 'SELECT count(*) FROM events' 2>/dev/null)
    check "E1: only whole chunks were committed (${c:-?} rows)" test $(( ${c:-1} % CHUNK )) -eq 0
else
    bg_wait
fi
rerun "E1" copy "$SRCURL" "$PWURL" --chunk-rows $CHUNK --jobs 3
verify_pg "$DE" "E1"

section "E2: SIGINT twice while a chunk is stuck on a lock: ferry quits at once (exit 6); rerun"
DE2=${PGTEST_DB}_e2; pg_dropdb "$DE2"; pg_createdb "$DE2"
bg_start "$TEST_TMP/e2.ndjson" copy "$SRCURL" "$(pg_url "$DE2")" --chunk-rows $CHUNK --jobs 3
if reach "3 chunks" chunks_at_least "$TEST_TMP/e2.ndjson" 3; then
    # Another session holds the table: ferry's next COPY waits for it.
    pg_sql "$DE2" "BEGIN; LOCK TABLE events IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
    LOCKER=$!
    T_BG_PIDS+=("$LOCKER")
    locked() { [ "$(qdb "$DE2" "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DE2' AND application_name = 'ferry' AND wait_event_type = 'Lock'")" -ge 1 ]; }
    if reach "a writer waiting for the lock" locked; then
        kill -INT "$BG_PID"
        sleep 1
        check "E2: after one SIGINT ferry waits for its chunk in flight" bg_running
        t0=$(date +%s.%N)
        kill -INT "$BG_PID"
        bg_wait
        secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
        check_eq "E2: the second SIGINT: exit 6" 6 "$BG_RC"
        check "E2: ... at once (${secs}s)" awk -v s="$secs" 'BEGIN { exit !(s < 3) }'
        check_match "E2: ... saying how to resume" "second interrupt: exiting now.*to resume, run: [^ ]*ferry copy" "$(bg_output)"
    else
        bg_wait
    fi
    qdb "$DE2" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$DE2' AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
    wait "$LOCKER" 2>/dev/null
else
    bg_wait
fi
rerun "E2" copy "$SRCURL" "$(pg_url "$DE2")" --chunk-rows $CHUNK --jobs 3
verify_pg "$DE2" "E2"
pg_dropdb "$DE2"
pg_dropdb "$DE"
pg_dropdb "$DD"

finish
