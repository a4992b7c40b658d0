#!/usr/bin/env bash
# t_resume_kill — the resume contract: ferry is killed with SIGKILL at
# different moments (during the schema phase, twice during the data phase,
# during the index phase) and stopped with SIGTERM (exit 6); rerunning the
# same command always ends with exactly the source's rows (count, no
# duplicates, content value by value), committed chunks are not redone, a
# finished job is left alone, --restart redoes it, and a changed source
# refuses to resume (exit 7) until --restart.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

# Sanitizer builds run several times slower: a smaller table keeps the test short.
case $FERRY in *build-asan/*|*build-tsan/*) N=${RESUME_ROWS:-100000} ;; *) N=${RESUME_ROWS:-300000} ;; esac
CHUNK=5000
CHUNKS=$(( (N + CHUNK - 1) / CHUNK + 1 ))     # events chunks + the users chunk
B=$TEST_TMP/big.db
gen_big "$B" "$N" || { fail "generate $N rows"; finish; }
EV_SPEC="int:id int:user_id int:kind int:amount_cents f64:score text:code text:body text:note ts:created_at bool:is_active blob:digest"
US_SPEC="int:id text:name text:email ts:created_at"
# The source never changes: dump it once.
# shellcheck disable=SC2086
dump_sqlite "$B" events $EV_SPEC >"$TEST_TMP/src.events"
# shellcheck disable=SC2086
dump_sqlite "$B" users $US_SPEC >"$TEST_TMP/src.users"

# start_bg DB PROGRESS [ARGS...] — start the copy in the background (testlib's
# bg_start; bg_signal_when stops it).
start_bg() {
    local db=$1 prog=$2
    shift 2
    bg_start "$prog" copy "sqlite:///$B" "$(pg_url "$db")" --chunk-rows "$CHUNK" --jobs 3 "$@"
}

# verify DB LABEL — the target holds exactly the source's rows.
verify() {
    local db=$1 label=$2
    check_eq "$label: events count, no duplicates" "$N|$N" "$(qdb "$db" 'SELECT count(*), count(DISTINCT id) FROM events')"
    # shellcheck disable=SC2086
    dump_pg "$db" events $EV_SPEC >"$TEST_TMP/pg.events"
    check "$label: events equal the source, value by value" compare_files events "$TEST_TMP/src.events" "$TEST_TMP/pg.events"
    # shellcheck disable=SC2086
    dump_pg "$db" users $US_SPEC >"$TEST_TMP/pg.users"
    check "$label: users equal the source" compare_files users "$TEST_TMP/src.users" "$TEST_TMP/pg.users"
    check_eq "$label: primary keys, FK, the two indexes and users.email unique" "2|1|t|t|t" "$(qdb "$db" "SELECT
        (SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('public.events'::regclass, 'public.users'::regclass)),
        (SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'public.events'::regclass AND convalidated),
        EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = 'events' AND indexdef LIKE '%(user_id)%'),
        EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = 'events' AND indexdef LIKE '%(created_at)%'),
        EXISTS (SELECT 1 FROM pg_index WHERE indrelid = 'public.users'::regclass AND indisunique AND NOT indisprimary)")"
    check_eq "$label: a new event gets max(id)+1" $((N + 1)) \
        "$(qdb "$db" "INSERT INTO events (user_id, kind, amount_cents, code, body, created_at, is_active, digest) VALUES (1, 1, 1, 'x', 'x', now(), true, '\\x00') RETURNING id")"
    qdb "$db" "DELETE FROM events WHERE id = $((N + 1))" >/dev/null
}

# whole_chunks DB LABEL — after a kill: only whole chunks are in the target.
whole_chunks() {
    local c
    c=$(qdb "$1" 'SELECT count(*) FROM events' 2>/dev/null)
    case $c in
        ''|*[!0-9]*) note "$2: events not readable yet ($c)" ;;
        *) echo "  $2: $c event rows committed"
           check "$2: committed rows are whole chunks ($c rows, chunks of $CHUNK)" \
               test $(( c % CHUNK )) -eq 0 -o "$c" -eq "$N" ;;
    esac
}

# rerun DB LABEL — run the same command to the end; expect exit 0.
rerun() {
    rm -f "$TEST_TMP/rerun.ndjson"      # ferry appends to an existing progress file
    run_ferry copy "sqlite:///$B" "$(pg_url "$1")" --chunk-rows "$CHUNK" --jobs 3 --progress "$TEST_TMP/rerun.ndjson"
    check_rc "$2: rerun of the same command" 0
}

section "A: SIGKILL during the schema phase"
DA=${PGTEST_DB}_a; pg_dropdb "$DA"; pg_createdb "$DA"
start_bg "$DA" "$TEST_TMP/a.ndjson"
bg_signal_when KILL "at phase schema" has_phase "$TEST_TMP/a.ndjson" schema
rerun "$DA" "A"
verify "$DA" "A"

section "B: SIGKILL twice during the data phase"
DB_=${PGTEST_DB}_b; pg_dropdb "$DB_"; pg_createdb "$DB_"
start_bg "$DB_" "$TEST_TMP/b1.ndjson"
if bg_signal_when KILL "after 3 chunks" chunks_at_least "$TEST_TMP/b1.ndjson" 3; then
    check "B: the killed run had not finished" test "$(count_events "$TEST_TMP/b1.ndjson" job_done)" -eq 0
    whole_chunks "$DB_" "B first kill"
    done1=$(count_events "$TEST_TMP/b1.ndjson" chunk_done)
    start_bg "$DB_" "$TEST_TMP/b2.ndjson"
    if bg_signal_when KILL "after 3 more chunks" chunks_at_least "$TEST_TMP/b2.ndjson" 3; then
        whole_chunks "$DB_" "B second kill"
    fi
    rerun "$DB_" "B"
    redone=$(count_events "$TEST_TMP/rerun.ndjson" chunk_done)
    check "B: the rerun did not redo committed chunks ($redone written, $CHUNKS in all, >= $done1 done before)" \
        test "$redone" -le $(( CHUNKS - done1 ))
else
    fail "B: ferry could not be killed during the data phase"
    rerun "$DB_" "B"
fi
verify "$DB_" "B"

section "C: SIGKILL during the index phase"
DC=${PGTEST_DB}_c; pg_dropdb "$DC"; pg_createdb "$DC"
start_bg "$DC" "$TEST_TMP/c.ndjson"
if bg_signal_when KILL "at phase indexes" has_phase "$TEST_TMP/c.ndjson" indexes; then
    check_eq "C: all rows were in before the index phase" "$N" "$(qdb "$DC" 'SELECT count(*) FROM events')"
fi
rerun "$DC" "C"
verify "$DC" "C"

section "D: SIGTERM during the data phase (exit 6, resumable)"
DD=${PGTEST_DB}_d; pg_dropdb "$DD"; pg_createdb "$DD"
start_bg "$DD" "$TEST_TMP/d.ndjson"
if bg_signal_when TERM "after 3 chunks" chunks_at_least "$TEST_TMP/d.ndjson" 3; then
    check_eq "D: stopped by SIGTERM: exit 6 (interrupted)" 6 "$BG_RC"
    check_match "D: it says how to resume" "resum|rerun|run .*again" "$(bg_output)"
    whole_chunks "$DD" "D"
fi
rerun "$DD" "D"
verify "$DD" "D"

section "E: a finished job is left alone"
xmins=$(qdb "$DD" "SELECT md5(string_agg(xmin::text, ',' ORDER BY id)) FROM events")
run_ferry copy "sqlite:///$B" "$(pg_url "$DD")" --chunk-rows "$CHUNK" --jobs 3
check_rc "E: run once more" 0
check_match "E: it says the job is already finished" "already finished" "$(ferry_output)"
check_eq "E: no row rewritten" "$xmins" "$(qdb "$DD" "SELECT md5(string_agg(xmin::text, ',' ORDER BY id)) FROM events")"

section "F: --restart redoes a finished job"
run_ferry copy "sqlite:///$B" "$(pg_url "$DD")" --chunk-rows "$CHUNK" --jobs 3 --restart
check_rc "F: --restart" 0
check_ne "F: the rows were written again" "$xmins" "$(qdb "$DD" "SELECT md5(string_agg(xmin::text, ',' ORDER BY id)) FROM events")"
verify "$DD" "F"

section "G: a changed source refuses to resume (exit 7) until --restart"
B2=$TEST_TMP/changing.db
cp "$B" "$B2"
DG=${PGTEST_DB}_g; pg_dropdb "$DG"; pg_createdb "$DG"
bg_start "$TEST_TMP/g.ndjson" copy "sqlite:///$B2" "$(pg_url "$DG")" --chunk-rows "$CHUNK" --jobs 3
if bg_signal_when KILL "after 3 chunks" chunks_at_least "$TEST_TMP/g.ndjson" 3; then
    sqlite3 "$B2" "ALTER TABLE users ADD COLUMN nickname TEXT"
    run_ferry copy "sqlite:///$B2" "$(pg_url "$DG")" --chunk-rows "$CHUNK" --jobs 3
    check_rc "G: resume after the source schema changed" 7
    check_match "G: the message says to use --restart" "--restart" "$(ferry_output)"
    run_ferry copy "sqlite:///$B2" "$(pg_url "$DG")" --chunk-rows "$CHUNK" --jobs 3 --restart
    check_rc "G: --restart" 0
    check_eq "G: the new column is there" "text" "$(pg_type "$DG" users nickname)"
    check_eq "G: events count, no duplicates" "$N|$N" "$(qdb "$DG" 'SELECT count(*), count(DISTINCT id) FROM events')"
else
    fail "G: ferry could not be killed during the data phase"
fi

for d in "$DA" "$DB_" "$DC" "$DD" "$DG"; do pg_dropdb "$d"; done
finish
