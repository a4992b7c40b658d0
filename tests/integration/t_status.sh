#!/usr/bin/env bash
# t_status — `ferry status TARGET [--json]` on PostgreSQL, SQLite and MariaDB
# targets: after a finished job (done, chunks N/N, rows as in the target), while
# a job runs (running, its pid), after a kill -9 (unfinished, chunks done <
# total, a resume command that really resumes the job); the --json fields;
# no password anywhere in the output (password users on PostgreSQL and
# MariaDB); "no ferry jobs in TARGET" for a target without ferry state; the
# usual error exit for an unreachable target; state tables made by an older
# ferry (without the newer columns) are read as they are, and upgraded by the
# next copy.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
have_jq || skip "jq is needed (tests/lib/deps.sh installs it)"

case $FERRY in *build-asan/*|*build-tsan/*) N=${STATUS_ROWS:-100000} ;; *) N=${STATUS_ROWS:-300000} ;; esac
CHUNK=2000
TOTAL_CHUNKS=$(( (N + CHUNK - 1) / CHUNK + 1 ))    # events chunks + the users chunk
B=$TEST_TMP/big.db
gen_big "$B" "$N" || { fail "generate $N rows"; finish; }
SMALL=$TEST_TMP/small.db
gen_big "$SMALL" 20000 || { fail "generate the small source"; finish; }
SMALL_CHUNKS=$(( 20000 / CHUNK + 1 ))
PW='St4tus-S3cret'
P=$PGTEST_PORT

# A command that resumes a job: the hint with the password put back and the
# binary under test for "ferry".
ferry() { "$FERRY" "$@"; }

# start_bg SOURCE TARGET PROGRESS — a copy in the background (testlib's bg_start).
start_bg() { bg_start "$3" copy "$1" "$2" --chunk-rows "$CHUNK" --jobs 2; }

# status_json TARGET — ferry status --json into $TEST_TMP/st.json.
status_json() {
    run_ferry status "$1" --json
    cp "$OUT" "$TEST_TMP/st.json"
}
J() { jqf "$TEST_TMP/st.json" "$1"; }

# no_secret LABEL — the last run's output holds no password.
no_secret() { check_nomatch "$1: no password in the output" "$PW" "$(ferry_output)"; }

# not_running TARGET — status says the first job is not running (the server
# may take a moment to notice that a killed client is gone).
not_running() { [ "$("$FERRY" status "$1" --json 2>/dev/null | jq -r '.jobs[0].running')" = false ]; }

# killed_job LABEL SOURCE TARGET DISPLAY COUNT_FN — run a copy, look at it
# running, kill -9 it after a few chunks; then status must show it
# unfinished with a resume command, and that command must finish the job.
# COUNT_FN TARGET prints the rows in the target's events and users.
killed_job() {
    local label=$1 src=$2 tgt=$3 disp=$4 count_fn=$5
    start_bg "$src" "$tgt" "$TEST_TMP/k.ndjson"
    if ! wait_for 120 until_or_exit chunks_at_least "$TEST_TMP/k.ndjson" 3 || ! bg_running; then
        fail "$label: the copy could not be caught running"
        kill -9 "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null
        return
    fi
    status_json "$tgt"
    check_rc "$label: status while the copy runs" 0
    check_eq "$label: it is running, by the copying process" "running|true|$BG_PID" \
        "$(J '.jobs[0] | "\(.status)|\(.running)|\(.owner.pid)"')"
    run_ferry status "$tgt"
    check_match "$label: the table says who runs it" "run by: pid $BG_PID on host" "$(ferry_output)"
    kill -9 "$BG_PID" 2>/dev/null
    wait "$BG_PID" 2>/dev/null
    echo "  killed the copy (kill -9)"
    wait_for 15 not_running "$tgt" || fail "$label: still running 15 s after the kill"
    status_json "$tgt"
    check_rc "$label: status after the kill" 0
    no_secret "$label after the kill (--json)"
    check_eq "$label: not finished, not running, nobody owns it" "unfinished|false|false|null" \
        "$(J '.jobs[0] | "\(.status)|\(.finished)|\(.running)|\(.owner)"')"
    local done total
    done=$(J '.jobs[0].chunks_done'); total=$(J '.jobs[0].chunks_total')
    check "$label: chunks done ($done) < total ($total), total $TOTAL_CHUNKS" \
        test "${done:-0}" -ge 1 -a "${done:-0}" -lt "${total:-0}" -a "${total:-0}" -eq "$TOTAL_CHUNKS"
    check_eq "$label: rows committed = rows in the target" "$("$count_fn" "$tgt")" "$(J '.jobs[0].rows_committed')"
    check_eq "$label: source shown as stored" "$disp" "$(J '.jobs[0].source')"
    local resume
    resume=$(J '.jobs[0].resume_command')
    check_match "$label: a resume command" "^(cd .* && )?ferry copy " "$resume"
    run_ferry status "$tgt"
    check_match "$label: the table shows it unfinished" "unfinished +$done/$total" "$(ferry_output)"
    check_match "$label: ... with the resume command" "resume: (cd .* && )?ferry copy" "$(ferry_output)"
    no_secret "$label after the kill (table)"
    # The hint is honest: with the password typed in place of ***, it
    # resumes the job (and does not start another one).
    local cmd=${resume//\*\*\*/$PW}
    echo "  \$ ${resume}   (password typed in)"
    ( eval "$cmd" ) >"$TEST_TMP/resume.out" 2>&1
    local rrc=$?
    check_eq "$label: the resume command finishes the job" 0 "$rrc"
    check_match "$label: ... by resuming it" "resuming job" "$(cat "$TEST_TMP/resume.out")"
    check_nomatch "$label: ... its output shows no password" "$PW" "$(cat "$TEST_TMP/resume.out")"
    status_json "$tgt"
    check_eq "$label: one job, now done, all chunks" "1|done|true|$total/$total|$(( N + 1000 ))|null" \
        "$(J '"\(.jobs | length)|\(.jobs[0].status)|\(.jobs[0].finished)|\(.jobs[0].chunks_done)/\(.jobs[0].chunks_total)|\(.jobs[0].rows_committed)|\(.jobs[0].resume_command)"')"
}

section "PostgreSQL target without ferry state; unreachable target"
DE=${PGTEST_DB}_empty; pg_dropdb "$DE"; pg_createdb "$DE"
run_ferry status "$(pg_url "$DE")"
check_rc "status of an empty database" 0
check_match "it says there are no ferry jobs" "^no ferry jobs in postgresql://" "$(ferry_output)"
run_ferry status "$(pg_url "$DE")" --json
check_eq "--json: an empty list" "0|1" "$(jq -r '"\(.jobs | length)|\(.schema_version)"' "$OUT" 2>/dev/null)"
run_ferry status "postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=3"
check_rc "unreachable PostgreSQL: target error" 4
check_match "... saying it cannot connect" "connect|refused" "$(ferry_output)"

section "PostgreSQL target with a password user: finished job"
pg_sql postgres "DROP ROLE IF EXISTS st_pw" >/dev/null 2>&1
pg_add_password_user st_pw "$PW"
DF=${PGTEST_DB}_fin; pg_dropdb "$DF"; pg_createdb "$DF" st_pw
PGF="postgresql://st_pw:$PW@127.0.0.1:$P/$DF"
run_ferry copy "sqlite:///$SMALL" "$PGF" --chunk-rows "$CHUNK"
check_rc "copy" 0
run_ferry status "$PGF"
check_rc "status" 0
no_secret "PostgreSQL table"
check_match "the table lists the job as done, all chunks" "done +$SMALL_CHUNKS/$SMALL_CHUNKS +21000 +0" "$(ferry_output)"
check_match "the target is shown masked" "postgresql://st_pw:\*\*\*@" "$(ferry_output)"
status_json "$PGF"
no_secret "PostgreSQL --json"
check "--json is one JSON document" json_valid "$TEST_TMP/st.json"
check_eq "--json: target masked" "postgresql://st_pw:***@127.0.0.1:$P/$DF" "$(J .target)"
check_eq "--json: job fields" "done|true|false|$SMALL_CHUNKS|$SMALL_CHUNKS|21000|0|sqlite:///$SMALL|null|null" \
    "$(J '.jobs[0] | "\(.status)|\(.finished)|\(.running)|\(.chunks_done)|\(.chunks_total)|\(.rows_committed)|\(.rejected_rows)|\(.source)|\(.owner)|\(.resume_command)"')"
check_eq "--json: the job id is 16 hex digits" 1 "$(J '.jobs[0].job' | grep -Ec '^[0-9a-f]{16}$')"
check_eq "--json: rows committed = rows in the target" "$(qdb "$DF" 'SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM users)')" "$(J '.jobs[0].rows_committed')"
check_match "--json: started_at, finished_at, last_activity are UTC ISO times" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\|[0-9]{4}-[0-9-]+T[0-9:]{8}Z\|[0-9]{4}-[0-9-]+T[0-9:]{8}Z$' \
    "$(J '.jobs[0] | "\(.started_at)|\(.finished_at)|\(.last_activity)"')"
check_eq "--json: last activity is not before the start" true "$(J '.jobs[0] | .last_activity >= .started_at')"
check_eq "--json: the options the job ran with" "public|2000" "$(J '.jobs[0].options | "\(.target_schema)|\(.chunk_rows)"')"
check_nomatch "the password is not in the state tables" "$PW" "$(qdb "$DF" "SELECT source || target || coalesce(command, '') || coalesce(options, '') FROM _ferry.jobs")"

section "PostgreSQL target whose state an older ferry made"
qdb "$DF" "ALTER TABLE _ferry.jobs DROP COLUMN plan_desc, DROP COLUMN command; DROP TABLE _ferry.owners" >/dev/null
status_json "$PGF"
check_rc "status reads the older layout" 0
check_eq "... the job as before" "done|$SMALL_CHUNKS/$SMALL_CHUNKS|21000" \
    "$(J '.jobs[0] | "\(.status)|\(.chunks_done)/\(.chunks_total)|\(.rows_committed)"')"
run_ferry copy "sqlite:///$SMALL" "$PGF" --chunk-rows "$CHUNK"
check_rc "the same copy again (already finished)" 0
check_eq "... added the newer columns and the owners table back" "2|1" \
    "$(qdb "$DF" "SELECT (SELECT count(*) FROM information_schema.columns WHERE table_schema = '_ferry' AND table_name = 'jobs' AND column_name IN ('plan_desc', 'command')), (SELECT count(*) FROM pg_tables WHERE schemaname = '_ferry' AND tablename = 'owners')")"

section "PostgreSQL target with a password user: a running, then killed job"
DK=${PGTEST_DB}_kill; pg_dropdb "$DK"; pg_createdb "$DK" st_pw
pg_rows() { qdb "$DK" 'SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM users)'; }
killed_job "PostgreSQL" "sqlite:///$B" "postgresql://st_pw:$PW@127.0.0.1:$P/$DK" "sqlite:///$B" pg_rows

section "SQLite target"
SE=$TEST_TMP/empty.db
sqlite3 "$SE" "CREATE TABLE app (id INTEGER PRIMARY KEY)"
run_ferry status "sqlite:///$SE"
check_rc "SQLite without ferry state" 0
check_match "... no ferry jobs" "^no ferry jobs in sqlite:///" "$(ferry_output)"
run_ferry status "sqlite:///$TEST_TMP/missing.db"
check_rc "a SQLite file that does not exist: target error" 4
check_match "... saying so" "no such file" "$(ferry_output)"
check "... and not created" test ! -e "$TEST_TMP/missing.db"
SF=$TEST_TMP/fin.db
run_ferry copy "sqlite:///$SMALL" "sqlite:///$SF" --chunk-rows "$CHUNK"
check_rc "copy into SQLite" 0
status_json "sqlite:///$SF"
check_eq "SQLite --json: done, all chunks, all rows" "done|$SMALL_CHUNKS/$SMALL_CHUNKS|21000" \
    "$(J '.jobs[0] | "\(.status)|\(.chunks_done)/\(.chunks_total)|\(.rows_committed)"')"
run_ferry status "$SF"
check_match "SQLite table: done" "done +$SMALL_CHUNKS/$SMALL_CHUNKS" "$(ferry_output)"
SK=$TEST_TMP/kill.db
sq_rows() { sqlite_q "$SK" 'SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM users)'; }
killed_job "SQLite" "sqlite:///$B" "sqlite:///$SK" "sqlite:///$B" sq_rows

section "SQLite target with state tables made by an older ferry"
SO=$TEST_TMP/old.db
sqlite3 "$SO" "
CREATE TABLE _ferry_jobs (job_id TEXT PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL,
  fingerprint TEXT NOT NULL, options TEXT, status TEXT NOT NULL DEFAULT 'running',
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), finished_at TEXT);
CREATE TABLE _ferry_chunks (job_id TEXT NOT NULL, chunk_id INTEGER NOT NULL, table_name TEXT NOT NULL,
  lo INTEGER, hi INTEGER, done INTEGER NOT NULL DEFAULT 0, row_count INTEGER, rejected INTEGER,
  bytes INTEGER, run TEXT, done_at TEXT, PRIMARY KEY (job_id, chunk_id));
CREATE TABLE _ferry_steps (job_id TEXT NOT NULL, step TEXT NOT NULL,
  done_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), PRIMARY KEY (job_id, step));
CREATE TABLE _ferry_rejects (job_id TEXT NOT NULL, chunk_id INTEGER NOT NULL, table_name TEXT NOT NULL,
  row_key INTEGER, column_name TEXT, reason TEXT NOT NULL, row_json TEXT);
INSERT INTO _ferry_jobs (job_id, source, target, fingerprint, status, started_at, updated_at) VALUES
  ('00000000000000aa', 'postgresql://old:***@h/app', 'sqlite:///old.db', '1234', 'running',
   '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000');
INSERT INTO _ferry_chunks (job_id, chunk_id, table_name, done, row_count, rejected, done_at) VALUES
  ('00000000000000aa', 0, 't', 1, 10, 0, '2026-01-02 03:04:05.000'), ('00000000000000aa', 1, 't', 0, NULL, NULL, NULL);
INSERT INTO _ferry_rejects (job_id, chunk_id, table_name, reason) VALUES ('00000000000000aa', 0, 't', 'x');"
before=$(sqlite3 "$SO" "SELECT group_concat(name) FROM pragma_table_info('_ferry_jobs')")
status_json "sqlite:///$SO"
check_rc "status reads the older layout" 0
check_eq "... the old job: unfinished, 1/2 chunks, 10 rows, 1 reject, no resume command" \
    "00000000000000aa|unfinished|1/2|10|1|null|2026-01-02T03:04:05Z" \
    "$(J '.jobs[0] | "\(.job)|\(.status)|\(.chunks_done)/\(.chunks_total)|\(.rows_committed)|\(.rejected_rows)|\(.resume_command)|\(.last_activity)"')"
check_eq "... and changes nothing in the target" "$before" "$(sqlite3 "$SO" "SELECT group_concat(name) FROM pragma_table_info('_ferry_jobs')")"
run_ferry copy "sqlite:///$SMALL" "sqlite:///$SO" --chunk-rows "$CHUNK"
check_rc "a copy into it" 0
check_eq "... adds the new columns to the old jobs table" "1|1" \
    "$(sqlite3 "$SO" "SELECT count(*) FILTER (WHERE name = 'plan_desc'), count(*) FILTER (WHERE name = 'command') FROM pragma_table_info('_ferry_jobs')")"
status_json "sqlite:///$SO"
check_eq "... and status lists both jobs" "2|unfinished|done" "$(J '"\(.jobs | length)|\(.jobs[0].status)|\(.jobs[1].status)"')"

# MariaDB last: it may be unavailable (the test then ends skipped there).
require_mariadb
section "MariaDB target with a password user"
for h in 127.0.0.1 localhost %; do my_sql "" "DROP USER IF EXISTS 'st_pw'@'$h'" >/dev/null 2>&1; done
my_add_password_user st_pw "$PW" >/dev/null
ME=${PGTEST_DB}_empty; my_dropdb "$ME" >/dev/null 2>&1; my_createdb "$ME"
MYE="mysql://st_pw:$PW@127.0.0.1:$MYTEST_PORT/$ME"
run_ferry status "$MYE"
check_rc "MariaDB without ferry state" 0
check_match "... no ferry jobs, target masked" "^no ferry jobs in mysql://st_pw:\*\*\*@" "$(ferry_output)"
no_secret "MariaDB empty"
run_ferry status "mysql://st_pw:$PW@127.0.0.1:1/$ME"
check_rc "unreachable MariaDB: target error" 4
no_secret "MariaDB unreachable"
MF=${PGTEST_DB}_fin; my_dropdb "$MF" >/dev/null 2>&1; my_createdb "$MF"
MYF="mysql://st_pw:$PW@127.0.0.1:$MYTEST_PORT/$MF"
run_ferry copy "sqlite:///$SMALL" "$MYF" --chunk-rows "$CHUNK"
check_rc "copy into MariaDB" 0
status_json "$MYF"
no_secret "MariaDB --json"
check_eq "MariaDB --json: done, all chunks, all rows, masked target" \
    "done|$SMALL_CHUNKS/$SMALL_CHUNKS|21000|mysql://st_pw:***@127.0.0.1:$MYTEST_PORT/$MF" \
    "$(J '.jobs[0] | "\(.status)|\(.chunks_done)/\(.chunks_total)|\(.rows_committed)|\(.target)"')"
check_match "MariaDB --json: UTC times" '^[0-9-]{10}T[0-9:]{8}Z$' "$(J '.jobs[0].last_activity')"
run_ferry status "$MYF"
check_match "MariaDB table: done" "done +$SMALL_CHUNKS/$SMALL_CHUNKS +21000" "$(ferry_output)"
no_secret "MariaDB table"
my_sql "$MF" "ALTER TABLE _ferry_jobs DROP COLUMN plan_desc, DROP COLUMN command; DROP TABLE _ferry_owners"
status_json "$MYF"
check_eq "MariaDB: status reads the older layout" "0|done|21000" "$RC|$(J '.jobs[0] | "\(.status)|\(.rows_committed)"')"
run_ferry copy "sqlite:///$SMALL" "$MYF" --chunk-rows "$CHUNK"
check_rc "MariaDB: the same copy again (already finished)" 0
check_eq "... added the newer columns and the owners table back" "2|1" \
    "$(my_sql "$MF" "SELECT (SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_ferry_jobs' AND COLUMN_NAME IN ('plan_desc', 'command')), (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_ferry_owners')" | tr '\t' '|')"
MK=${PGTEST_DB}_kill; my_dropdb "$MK" >/dev/null 2>&1; my_createdb "$MK"
my_rows() { my_sql "$MK" 'SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM users)'; }
killed_job "MariaDB" "sqlite:///$B" "mysql://st_pw:$PW@127.0.0.1:$MYTEST_PORT/$MK" "sqlite:///$B" my_rows

my_dropdb "$ME" >/dev/null 2>&1; my_dropdb "$MF" >/dev/null 2>&1; my_dropdb "$MK" >/dev/null 2>&1
for d in "$DE" "$DF" "$DK"; do pg_dropdb "$d"; done
finish
