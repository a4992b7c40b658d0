#!/usr/bin/env bash
# t_sqlite_target — SQLite as a target: an app's SQLite database copied into
# a fresh SQLite file (the "local debugging copy" job) keeps every value
# (compared value by value after normalising to logical types), its keys,
# foreign keys and CHECKs inside CREATE TABLE (SQLite cannot add them later),
# indexes, AUTOINCREMENT high-water marks, views; values land with the
# storage class of their logical type; rows that violate a foreign key are
# reported; a SIGKILL mid-copy and a rerun give exactly the source's rows.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

SRC=$TEST_TMP/src.db
DST=$TEST_TMP/dst.db
gen_all_types "$SRC" || { fail "generate"; finish; }

# cmp_sq REL SPEC... — the relation equals in source and target.
cmp_sq() {
    local rel=$1; shift
    dump_sqlite "$SRC" "$rel" "$@" >"$TEST_TMP/a.dump" && dump_sqlite "$DST" "$rel" "$@" >"$TEST_TMP/b.dump" &&
        compare_files "$rel" "$TEST_TMP/a.dump" "$TEST_TMP/b.dump"
}

section "every type, into a new SQLite file"
run_ferry copy "sqlite:///$SRC" "sqlite:///$DST" --report "$TEST_TMP/report.json"
check_rc "copy SQLite -> SQLite" 0
check "all_types content" cmp_sq all_types \
    int:id int:c_int int:c_bigint int:c_smallint bool:c_bool f64:c_real f64:c_double f64:c_float \
    dec2:c_numeric dec4:c_decimal text:c_text text:c_varchar text:c_nvarchar text:c_char text:c_clob \
    blob:c_blob date:c_date ts:c_datetime ts:c_timestamp time:c_time json:c_json uuid:c_uuid text:c_untyped
check '"Order Details" content (odd names)' cmp_sq '"Order Details"' \
    int:id int:OrderID 'dec2:Unit "Price"' text:select text:ünïcödé
check "regions content (WITHOUT ROWID)" cmp_sq regions text:country text:code text:name
check "event_log content (keyless)" cmp_sq event_log ts:ts text:level text:message
check "alembic_version content" cmp_sq alembic_version text:version_num
check_eq "storage classes follow the logical types" "integer|integer|real|blob|text|text" \
    "$(sqlite_q "$DST" "SELECT typeof(c_bigint), typeof(c_bool), typeof(c_double), typeof(c_blob), typeof(c_datetime), typeof(c_uuid) FROM all_types WHERE id = 1")"
check_eq "timestamps stored in one canonical ISO form" "0" \
    "$(sqlite_q "$DST" "SELECT count(*) FROM all_types WHERE c_datetime IS NOT NULL AND c_datetime NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*'")"
check_match "the primary key is declared in CREATE TABLE" "PRIMARY KEY" \
    "$(sqlite_q "$DST" "SELECT sql FROM sqlite_master WHERE name = 'order_items'")"
check_match "foreign keys are declared in CREATE TABLE, with their actions" "REFERENCES .*ON DELETE CASCADE" \
    "$(sqlite_q "$DST" "SELECT group_concat(sql, ' ') FROM sqlite_master WHERE type = 'table'")"
check "PRAGMA foreign_key_check finds nothing" test -z "$(sqlite_q "$DST" 'PRAGMA foreign_key_check')"
check_eq "indexes of the source exist in the target" \
    "$(sqlite_q "$SRC" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")" \
    "$(sqlite_q "$DST" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")"
check_eq "AUTOINCREMENT continues after the source's high-water mark" \
    "$(sqlite_q "$SRC" "SELECT seq FROM sqlite_sequence WHERE name = 'all_types'")" \
    "$(sqlite_q "$DST" "SELECT seq FROM sqlite_sequence WHERE name = 'all_types'")"
check_eq "every view is recreated (same dialect)" \
    "$(sqlite_q "$SRC" "SELECT count(*) FROM sqlite_master WHERE type = 'view'")" \
    "$(sqlite_q "$DST" "SELECT count(*) FROM sqlite_master WHERE type = 'view'")"
check "ferry's state lives in _ferry_* tables of the target" test -n "$(sqlite_q "$DST" "SELECT job_id FROM _ferry_jobs WHERE status = 'done'")"

section "rerun: already finished, nothing changes"
run_ferry copy "sqlite:///$SRC" "sqlite:///$DST"
check_rc "rerun" 0
check_match "it says so" "already finished" "$(ferry_output)"

section "foreign key violations already in the source are reported, not dropped"
FKS=$TEST_TMP/fk.db; FKD=$TEST_TMP/fk_out.db
sqlite3 -batch "$FKS" "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id)); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1), (2, 99);"
run_ferry copy "sqlite:///$FKS" "sqlite:///$FKD"
check_rc "copy with a dangling reference" 0
check_match "a warning names the tables" 'warning: 1 existing row\(s\) of "c" -> "p"' "$(ferry_output)"
check_eq "both child rows copied" 2 "$(sqlite_q "$FKD" 'SELECT count(*) FROM c')"

section "SIGKILL mid-copy, then rerun: exactly the source's rows"
B=$TEST_TMP/big.db; BD=$TEST_TMP/big_out.db
gen_big "$B" 200000 || { fail "generate"; finish; }
rm -f "$TEST_TMP/k.ndjson"
"$FERRY" copy "sqlite:///$B" "sqlite:///$BD" --chunk-rows 5000 --progress "$TEST_TMP/k.ndjson" >/dev/null 2>&1 &
pid=$!; T_BG_PIDS+=("$pid")
wait_for 60 test "$(count_events "$TEST_TMP/k.ndjson" chunk_done)" -ge 5
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
c=$(sqlite_q "$BD" 'SELECT count(*) FROM events' 2>/dev/null)
note "after the kill: ${c:-?} event rows"
check "only whole chunks were committed" test $(( ${c:-0} % 5000 )) -eq 0 -o "${c:-0}" -eq 200000
run_ferry copy "sqlite:///$B" "sqlite:///$BD" --chunk-rows 5000
check_rc "rerun" 0
check_eq "exactly the source's rows" "$(sqlite_q "$B" 'SELECT count(*), sum(id), sum(length(body)) FROM events')" \
    "$(sqlite_q "$BD" 'SELECT count(*), sum(id), sum(length(body)) FROM events')"
finish
