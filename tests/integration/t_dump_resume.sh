#!/usr/bin/env bash
# t_dump_resume — dumps and restores survive kill -9 and a full disk:
#   - `ferry dump` killed (SIGKILL) in the middle: the dump is marked
#     incomplete (verify DIR says so, restore refuses it and writes nothing);
#     the same command again finishes it, keeping the chunk files already
#     recorded (not rewritten), and the result restores to exactly the
#     source's rows;
#   - `ferry restore` killed in the middle: rerun finishes with exactly the
#     source's rows (no row lost, none twice);
#   - a PostgreSQL source dumped by parallel readers, killed and resumed;
#   - the dump's disk fills up (a small tmpfs; root only): a clear error,
#     the incomplete dump is not taken for a complete one, and after space
#     is freed the rerun finishes it.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

case $FERRY in *build-asan/*|*build-tsan/*) N=${RESUME_ROWS:-100000} ;; *) N=${RESUME_ROWS:-300000} ;; esac
CHUNK=5000
B=$TEST_TMP/big.db
gen_big "$B" "$N" || { fail "generate $N rows"; finish; }
EV_SPEC="int:id int:user_id int:kind int:amount_cents f64:score text:code text:body text:note ts:created_at bool:is_active blob:digest"
US_SPEC="int:id text:name text:email ts:created_at"
# shellcheck disable=SC2086
dump_sqlite "$B" events $EV_SPEC >"$TEST_TMP/src.events"
# shellcheck disable=SC2086
dump_sqlite "$B" users $US_SPEC >"$TEST_TMP/src.users"

# kill_bg_when WHAT CMD... — SIGKILL once CMD succeeds (testlib's
# bg_signal_when); 0 when the kill hit a running ferry.
kill_bg_when() { bg_signal_when KILL "$@"; }
# restored_equal DBFILE LABEL — a SQLite restore holds exactly the source.
restored_equal() {
    local db=$1 label=$2
    # shellcheck disable=SC2086
    dump_sqlite "$db" events $EV_SPEC >"$TEST_TMP/r.events"
    # shellcheck disable=SC2086
    dump_sqlite "$db" users $US_SPEC >"$TEST_TMP/r.users"
    check "$label: events equal the source, value by value" compare_files events "$TEST_TMP/src.events" "$TEST_TMP/r.events"
    check "$label: users equal the source" compare_files users "$TEST_TMP/src.users" "$TEST_TMP/r.users"
}
man() { jq -r "$2" "$1/manifest.json" 2>/dev/null; }

section "kill -9 while dumping, then the same command again"
D=$TEST_TMP/d1
bg_start "$TEST_TMP/p1" dump "sqlite:///$B" "$D" --chunk-rows "$CHUNK" --jobs 2
if kill_bg_when "after 8 chunks" chunks_at_least "$TEST_TMP/p1" 8; then
    check_eq "the killed dump is not complete" false "$(man "$D" .complete)"
    recorded=$(man "$D" '.chunks[].file' | sort)
    check "the killed dump recorded some chunks" test -n "$recorded"
    for f in $recorded; do stat -c '%n %i %Y' "$D/$f"; done >"$TEST_TMP/before.stat"
    run_ferry verify "$D"
    check_rc "verify DIR on the interrupted dump" 8
    check_match "verify says it is not complete" "not complete" "$(ferry_output)"
    run_ferry restore "$D" "sqlite:///$TEST_TMP/never.db"
    check_rc "restore refuses an incomplete dump" 3
    check_match "and says why and what to do" "not complete.*rerun the dump" "$(ferry_output)"
    check "and wrote nothing" test ! -s "$TEST_TMP/never.db" -o -z "$(sqlite_q "$TEST_TMP/never.db" "SELECT name FROM sqlite_master WHERE name IN ('events','users')" 2>/dev/null)"
    run_ferry dump "sqlite:///$B" "$D" --chunk-rows "$CHUNK" --jobs 2
    check_rc "the rerun finishes the dump" 0
    check_match "the rerun resumed the job" "resuming job" "$(ferry_output)"
    check_eq "the dump is complete" true "$(man "$D" .complete)"
    check_eq "every row is in the dump once" "$((N + 1000))" "$(man "$D" .totals.rows)"
    check_eq "one chunk file per recorded chunk, nothing else" "$(man "$D" '.chunks | length')" "$(ls "$D/data" | wc -l)"
    changed=0
    while read -r f ino mt; do
        [ "$(stat -c '%i %Y' "$f")" = "$ino $mt" ] || changed=$((changed + 1))
    done <"$TEST_TMP/before.stat"
    check_eq "chunk files recorded before the kill were kept, not rewritten" 0 "$changed"
    run_ferry verify "$D"
    check_rc "verify DIR after the resumed dump" 0
    run_ferry restore "$D" "sqlite:///$TEST_TMP/r1.db"
    check_rc "restore the resumed dump" 0
    restored_equal "$TEST_TMP/r1.db" "resumed dump, restored"
fi

section "kill -9 while restoring into PostgreSQL, then the same command again"
RDB=${PGTEST_DB}_restore
pg_dropdb "$RDB" >/dev/null 2>&1; pg_createdb "$RDB"
bg_start "$TEST_TMP/p2" restore "$D" "$(pg_url "$RDB")" --jobs 2
if kill_bg_when "after 10 chunks" chunks_at_least "$TEST_TMP/p2" 10; then
    run_ferry restore "$D" "$(pg_url "$RDB")" --jobs 2
    check_rc "the rerun finishes the restore" 0
    check_match "the rerun resumed" "resuming job" "$(ferry_output)"
    check_eq "events: every row once" "$N|$N" "$(qdb "$RDB" 'SELECT count(*), count(DISTINCT id) FROM events')"
    # shellcheck disable=SC2086
    dump_pg "$RDB" events $EV_SPEC >"$TEST_TMP/pg.events"
    check "events equal the source, value by value" compare_files events "$TEST_TMP/src.events" "$TEST_TMP/pg.events"
    run_ferry verify "sqlite:///$B" "$(pg_url "$RDB")" --quiet
    check_rc "ferry verify source vs the restored database" 0
fi

section "a PostgreSQL source (parallel readers on one snapshot), killed and resumed"
PSRC=${PGTEST_DB}_psrc
pg_dropdb "$PSRC" >/dev/null 2>&1; pg_createdb "$PSRC"
run_ferry copy "sqlite:///$B" "$(pg_url "$PSRC")" --quiet
check_rc "load the PostgreSQL source" 0
D2=$TEST_TMP/d2
bg_start "$TEST_TMP/p3" dump "$(pg_url "$PSRC")" "$D2" --chunk-rows "$CHUNK" --jobs 3
if kill_bg_when "after 6 chunks" chunks_at_least "$TEST_TMP/p3" 6; then
    run_ferry dump "$(pg_url "$PSRC")" "$D2" --chunk-rows "$CHUNK" --jobs 3
    check_rc "the rerun finishes the PostgreSQL dump" 0
    check_eq "the manifest records the snapshot the readers shared" true \
        "$(man "$D2" '.source.snapshot != null')"
    run_ferry restore "$D2" "sqlite:///$TEST_TMP/r2.db"
    check_rc "restore it into SQLite" 0
    restored_equal "$TEST_TMP/r2.db" "PostgreSQL dump resumed, restored"
fi

section "the disk fills up while dumping"
if [ "$(id -u)" != 0 ]; then
    note "skipped: needs root to mount a small tmpfs"
else
    SMALL=$TEST_TMP/small
    mkdir -p "$SMALL"
    if ! mount -t tmpfs -o size=3M,mode=0755 tmpfs "$SMALL" 2>/dev/null; then
        note "skipped: cannot mount a tmpfs here (no CAP_SYS_ADMIN)"
    else
        run_ferry dump "sqlite:///$B" "$SMALL/d3" --chunk-rows "$CHUNK" --jobs 2
        check_rc "a full disk stops the dump (cannot write the target)" 4
        check_match "the error says the disk is full and names a file" "No space left on device|out of disk space" "$(ferry_output)"
        check_match "and that the rerun resumes" "resumable|rerun" "$(ferry_output)"
        check_eq "the dump is not marked complete" false "$(man "$SMALL/d3" .complete)"
        run_ferry verify "$SMALL/d3"
        check_rc "verify DIR: the incomplete dump is not taken for a complete one" 8
        run_ferry restore "$SMALL/d3" "sqlite:///$TEST_TMP/never2.db"
        check_rc "restore refuses it" 3
        mount -o remount,size=256M "$SMALL" || fail "grow the tmpfs"
        run_ferry dump "sqlite:///$B" "$SMALL/d3" --chunk-rows "$CHUNK" --jobs 2
        check_rc "after space is freed the rerun finishes the dump" 0
        run_ferry verify "$SMALL/d3" --quiet
        check_rc "verify DIR: the finished dump is whole" 0
        run_ferry restore "$SMALL/d3" "sqlite:///$TEST_TMP/r3.db"
        check_rc "restore it" 0
        restored_equal "$TEST_TMP/r3.db" "dump after a full disk, restored"
        umount "$SMALL" 2>/dev/null
    fi
fi
finish
