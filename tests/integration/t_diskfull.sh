#!/usr/bin/env bash
# t_diskfull — the PostgreSQL server runs out of disk space in the middle of
# a copy: ferry stops with one clear line (exit 4) that says the server is
# out of space and that rerunning resumes; only whole chunks are in the
# target; after space is freed, the same command finishes with exactly the
# source's rows. The "disk" is a small tmpfs holding the target database's
# tablespace (needs root and permission to mount; skipped otherwise).
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
SMALL=$TEST_TMP/small
mkdir -p "$SMALL"
mount -t tmpfs -o size=6M,mode=0700 tmpfs "$SMALL" 2>/dev/null || skip "cannot mount a tmpfs here (no CAP_SYS_ADMIN)"
cleanup_small() {
    pg_dropdb "${PGTEST_DB}_full" >/dev/null 2>&1
    pg_sql postgres "DROP TABLESPACE IF EXISTS ${PGTEST_DB}_ts" >/dev/null 2>&1
    umount "$SMALL" 2>/dev/null
}
trap 'cleanup_small; t_cleanup' EXIT
chown postgres "$SMALL"
mkdir "$SMALL/ts" && chown postgres "$SMALL/ts"
pg_sql postgres "CREATE TABLESPACE ${PGTEST_DB}_ts LOCATION '$SMALL/ts'" || { fail "create tablespace"; finish; }
DBF=${PGTEST_DB}_full
pg_sql postgres "CREATE DATABASE $DBF TABLESPACE ${PGTEST_DB}_ts" || { fail "create database"; finish; }

N=60000                               # about 15 MB of rows: does not fit in 6 MB
B=$TEST_TMP/big.db
gen_big "$B" "$N" || { fail "generate"; finish; }

section "the server's disk fills up during the data phase"
run_ferry copy "sqlite:///$B" "$(pg_url "$DBF")" --chunk-rows 5000 --jobs 2
check_rc "out of disk space on the server: target error" 4
check_match "... the message says the server is out of disk space" "out of disk space|No space left" "$(ferry_output)"
check_match "... and that rerunning resumes" "rerun the same command" "$(ferry_output)"
check_eq "... it is one error line, not a dump" 1 "$(grep -c 'error:' "$ERR")"
c=$(qdb "$DBF" 'SELECT count(*) FROM events' 2>/dev/null)
case $c in
    ''|*[!0-9]*) fail "events table not readable after the failure: $c" ;;
    *) check "only whole chunks were committed ($c rows)" test $(( c % 5000 )) -eq 0 -a "$c" -lt "$N" ;;
esac

section "space is freed: the same command finishes the job"
mount -o remount,size=256M "$SMALL" || { fail "grow the tmpfs"; finish; }
run_ferry copy "sqlite:///$B" "$(pg_url "$DBF")" --chunk-rows 5000 --jobs 2
check_rc "rerun after freeing space" 0
check_match "... it resumed the job" "resuming job" "$(ferry_output)"
check_eq "exactly the source's rows, no duplicates" "$N|$N|$(sqlite_q "$B" 'SELECT sum(id) FROM events')" \
    "$(qdb "$DBF" 'SELECT count(*), count(DISTINCT id), sum(id) FROM events')"
EV_SPEC="int:id int:user_id int:kind int:amount_cents f64:score text:code text:body text:note ts:created_at bool:is_active blob:digest"
# shellcheck disable=SC2086
dump_sqlite "$B" events $EV_SPEC >"$TEST_TMP/src.events"
# shellcheck disable=SC2086
dump_pg "$DBF" events $EV_SPEC >"$TEST_TMP/pg.events"
check "events equal the source, value by value" compare_files events "$TEST_TMP/src.events" "$TEST_TMP/pg.events"
finish
