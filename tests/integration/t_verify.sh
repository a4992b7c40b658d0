#!/usr/bin/env bash
# t_verify — `ferry verify SOURCE TARGET` (docs/verify.md):
#  1. SQLite -> PostgreSQL, 200k rows in chunks of 50k: equal (exit 0), JSON
#     with the documented fields; then one changed value, one deleted row and
#     one extra row in the target: exit 8, each named by table, chunk key
#     range, key and (for a changed row) column; a dropped target table
#     reported missing, an unplanned target table listed as extra; --quiet,
#     --json, no password printed.
#  2. Every pair of different engines among SQLite, PostgreSQL and MariaDB,
#     with the t_matrix fixture (bools, 16/32/64-bit extremes, doubles down to subnormals and
#     +-Infinity, 38-digit decimals, text with emoji and control characters,
#     blobs of all 256 bytes and 1 MiB, dates, times and timestamps with
#     microseconds, timestamptz with offsets, uuids, JSON, NULLs): verify
#     names exactly the rows the copy rejected, and once those rows are
#     deleted from the source it finds the copy equal — no false difference
#     from a change of engine, and a changed bool, double or JSON value in
#     a target still found.
#  3. --zero-dates null as the copy had it; errors: missing source (3),
#     missing target file (4, and no file created), usage (2).
# MariaDB: run.sh starts one for tests that call require_mariadb; this test
# uses a softer variant (MY_OK below) so that the PostgreSQL and SQLite
# checks still run when it cannot start.
source "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=../lib/matrix.sh
source "$TLIB/matrix.sh"
require_ferry
have_jq || { fail "jq is missing (sh tests/lib/deps.sh installs it)"; finish; }
T_START=$(date +%s)

# MY_OK — MariaDB is there; like require_mariadb, without skipping the whole test.
MY_OK=
if [ -n "${MYTEST_UNAVAILABLE:-}" ]; then
    note "MariaDB checks skipped: $MYTEST_UNAVAILABLE"
elif [ -n "${MYTEST_PORT:-}" ]; then
    MY_OK=1
elif mariadb_start >/dev/null 2>&1; then
    MY_OK=1
    _T_OWN_MARIADB=1
else
    note "MariaDB checks skipped: MariaDB could not start"
fi

# at — the seconds since the test started, for the section titles.
at() { echo "at $(( $(date +%s) - T_START ))s"; }

# verify_json ARGS... — run verify --json into v.json.
verify_json() { run_ferry verify "$@" --json; cp "$OUT" v.json; }

# ---------------------------------------------------------------------------
section "SQLite -> PostgreSQL, 200k rows: equal ($(at))"
gen_big big.db 200000
SRC=sqlite:///$TEST_TMP/big.db
DB=$PGTEST_DB          # q runs its SQL here
TGT=$PGTEST_URL_DB
run_ferry copy "$SRC" "$TGT" --quiet
check_rc "copy" 0
run_ferry verify "$SRC" "$TGT"
check_rc "verify after a clean copy" 0
check_match "events equal, 4 chunks" 'ok +events: 200000 rows equal \(4 chunk' "$(ferry_output)"
check_match "summary says equal" '^equal: 2 table' "$(cat "$OUT")"

verify_json "$SRC" "$TGT"
check_rc "verify --json" 0
if json_valid v.json; then pass "--json output is one JSON document"; else fail "--json output is not JSON"; fi
check_eq "json status" equal "$(jqf v.json .status)"
check_eq "json schema_version" 1 "$(jqf v.json .schema_version)"
check_eq "json target_schema" public "$(jqf v.json .target_schema)"
check_eq "json events rows" "200000 200000" "$(jqf v.json '.tables[] | select(.table == "events") | "\(.rows.source) \(.rows.target)"')"
check_eq "json events key and chunks" "id 4 0" "$(jqf v.json '.tables[] | select(.table == "events") | "\(.key) \(.chunks) \(.chunks_different)"')"
check_match "json checksums: 16 hex digits, equal" '^([0-9a-f]{16}) \1$' "$(jqf v.json '.tables[] | select(.table == "events") | "\(.checksum.source) \(.checksum.target)"')"
check_eq "json summary" "2 2 0 0 201000 201000" "$(jqf v.json '.summary | "\(.tables) \(.equal) \(.different) \(.missing) \(.rows_source) \(.rows_target)"')"

run_ferry verify "$SRC" "$TGT" --quiet --tables users
check_rc "--quiet, equal" 0
check_eq "--quiet prints nothing" "" "$(ferry_output)"

# ---------------------------------------------------------------------------
section "one changed value: the chunk and the key are named ($(at))"
q "UPDATE events SET note = 'changed' WHERE id = 123457" >/dev/null
run_ferry verify "$SRC" "$TGT"
check_rc "verify finds the change" 8
check_match "names the table" 'DIFF +events: rows 200000 source / 200000 target' "$(cat "$OUT")"
check_match "names the chunk's key range" 'chunk [0-9]+ \(100001 <= id < 150001\)' "$(cat "$OUT")"
check_match "names the key and the column" 'id=123457 changed \("note"\)' "$(cat "$OUT")"
check_match "users still equal" 'ok +users: 1000 rows equal' "$(cat "$OUT")"
check_match "summary says DIFFERENT" '^DIFFERENT: 1 of 2 table' "$(cat "$OUT")"
verify_json "$SRC" "$TGT"
check_rc "verify --json, different" 8
check_eq "json status different" different "$(jqf v.json .status)"
check_eq "json: one differing chunk, its range" "1 [100001,150001]" "$(jqf v.json '.tables[] | select(.table == "events") | "\(.differing_chunks | length) \(.differing_chunks[0].key_range | tojson)"')"
check_eq "json: the changed key and column" "123457 changed note 1" "$(jqf v.json '.tables[] | select(.table == "events") | .differing_chunks[0].keys[0] | "\(.key) \(.change) \(.columns | join(",")) \(.columns_different)"')"
check_ne "json: the chunk's checksums differ" "$(jqf v.json '.tables[1].differing_chunks[0].checksum.source')" "$(jqf v.json '.tables[1].differing_chunks[0].checksum.target')"

section "a deleted row and an extra row: counts differ ($(at))"
q "DELETE FROM events WHERE id = 7; INSERT INTO events SELECT 250000, user_id, kind, amount_cents, score, code, body, note, created_at, is_active, digest FROM events WHERE id = 8" >/dev/null
verify_json "$SRC" "$TGT"
check_rc "verify finds them" 8
check_eq "json rows differ" "200000 200000" "$(jqf v.json '.tables[] | select(.table == "events") | "\(.rows.source) \(.rows.target)"')"
check_eq "json: three chunks differ" 3 "$(jqf v.json '.tables[] | select(.table == "events") | .chunks_different')"
check_eq "json: keys and changes" "7:missing_in_target 123457:changed 250000:extra_in_target" \
    "$(jqf v.json '[.tables[] | select(.table == "events") | .differing_chunks[].keys[] | "\(.key):\(.change)"] | join(" ")')"
check_eq "json: open ranges are null" "[null,50001] [150001,null]" \
    "$(jqf v.json '[.tables[] | select(.table == "events") | .differing_chunks[] | .key_range | tojson] | [first, last] | join(" ")')"
run_ferry verify "$SRC" "$TGT"
check_match "human: missing row" 'id=7 missing in the target' "$(cat "$OUT")"
check_match "human: extra row" 'id >= 150001.*' "$(cat "$OUT")"
check_match "human: extra key" 'id=250000 only in the target' "$(cat "$OUT")"

section "a missing target table, an extra one ($(at))"
q "DROP TABLE users CASCADE; CREATE TABLE zz_extra (a int)" >/dev/null
verify_json "$SRC" "$TGT" --tables users
check_rc "verify: table missing" 8
check_eq "json: users missing" "missing 1000 null" "$(jqf v.json '.tables[] | select(.table == "users") | "\(.status) \(.rows.source) \(.rows.target)"')"
check_eq "json: target tables not selected are listed" '["events","zz_extra"]' "$(jqf v.json '.extra_target_tables | sort | tojson')"
check_eq "json: summary" "0 1" "$(jqf v.json '.summary | "\(.different) \(.missing)"')"
run_ferry verify "$SRC" "$TGT" --tables users
check_rc "verify --tables users" 8
check_match "human: missing" 'MISSING +users: not in the target' "$(cat "$OUT")"
check_match "human: extra listed" 'not in the source selection\): .*zz_extra' "$(cat "$OUT")"

section "passwords are never printed ($(at))"
PWURL="postgresql://postgres:s3cr3tpw@127.0.0.1:$PGTEST_PORT/$DB"   # trust auth: any password works
verify_json "$SRC" "$PWURL" --tables users
check_rc "verify with a password in the URL" 8
check_nomatch "no password in the JSON or errors" s3cr3tpw "$(ferry_output)"
check_eq "json target is masked" "postgresql://postgres:***@127.0.0.1:$PGTEST_PORT/$DB" "$(jqf v.json .target)"

# ---------------------------------------------------------------------------
section "every pair of engines, the matrix fixture ($(at))"
ENGINES=(sqlite pg)
[ -n "$MY_OK" ] && ENGINES+=(my)
eng_url() {
    case $1 in sqlite) echo "sqlite:///$TEST_TMP/$2.db" ;; pg) pg_url "$2" ;; my) my_url "$2" ;; esac
}
eng_fresh() {
    case $1 in
        sqlite) rm -f "$TEST_TMP/$2.db" ;;
        pg) pg_dropdb "$2" >/dev/null 2>&1; pg_createdb "$2" >/dev/null ;;
        my) my_dropdb "$2" >/dev/null 2>&1; my_createdb "$2" >/dev/null ;;
    esac
}
eng_drop() { case $1 in sqlite) rm -f "$TEST_TMP/$2.db" ;; pg) pg_dropdb "$2" ;; my) my_dropdb "$2" ;; esac; }
eng_make() {
    eng_fresh "$1" "$2"
    case $1 in sqlite) mx_make_sqlite "$TEST_TMP/$2.db" ;; pg) mx_make_pg "$2" ;; my) mx_make_my "$2" >/dev/null ;; esac
}
# eng_exec ENGINE DB SQL — run a statement.
eng_exec() {
    case $1 in
        sqlite) sqlite3 -batch "$TEST_TMP/$2.db" "$3" ;;
        pg) pg_sql "$2" "$3" >/dev/null ;;
        my) my_sql "$2" "$3" >/dev/null ;;
    esac
}
declare -A SUMMARY=()
for s in "${ENGINES[@]}"; do
    for t in "${ENGINES[@]}"; do
        # Same-engine copies keep the native types (t_matrix covers them);
        # the pairs that change engine are where values could drift.
        [ "$s" = "$t" ] && continue
        pair="$s->$t"
        src=vs_$s$t
        dst=vd_$s$t
        eng_make "$s" "$src"
        eng_fresh "$t" "$dst"
        rm -f rejects.ndjson
        run_ferry copy "$(eng_url "$s" "$src")" "$(eng_url "$t" "$dst")" --quiet --rejects rejects.ndjson
        if [ "$RC" != 0 ] && [ "$RC" != 5 ]; then fail "$pair: copy failed (exit $RC)"; continue; fi
        rejected=
        [ -f rejects.ndjson ] && rejected=$(jq -r '.key' rejects.ndjson | sort -n | tr '\n' ' ' | sed 's/ $//')
        verify_json "$(eng_url "$s" "$src")" "$(eng_url "$t" "$dst")"
        found=$(jqf v.json '[.tables[0].differing_chunks[].keys[] | .key] | sort | map(tostring) | join(" ")')
        if [ -n "$rejected" ]; then
            check_rc "$pair: the rejected rows are a difference" 8
            check_eq "$pair: verify names exactly the rejected rows" "$rejected" "$found"
            check_eq "$pair: as missing in the target" "" "$(jqf v.json '[.tables[0].differing_chunks[].keys[] | select(.change != "missing_in_target")] | map(.key) | join(" ")')"
            eng_exec "$s" "$src" "DELETE FROM m WHERE id IN (${rejected// /,})"
            verify_json "$(eng_url "$s" "$src")" "$(eng_url "$t" "$dst")"
        fi
        check_rc "$pair: equal (rejected rows: ${rejected:-none})" 0
        [ "$RC" = 0 ] || sed -n '1,60p' v.json
        SUMMARY[$pair]="rejected ${rejected:-none}, then $(jqf v.json .status)"
        # A change after normalisation is still a change: a bool, a
        # double, a JSON value.
        case $t in
            pg) eng_exec pg "$dst" "UPDATE m SET b = NOT b WHERE id = 3; UPDATE m SET f64 = 0.30000000000000004 WHERE id = 4; UPDATE m SET js = '{\"a\": 1, \"b\": \"y\"}' WHERE id = 4" ;;
            my) eng_exec my "$dst" "UPDATE m SET b = 1 - b WHERE id = 3; UPDATE m SET f64 = 0.30000000000000004 WHERE id = 4; UPDATE m SET js = '{\"a\": 1, \"b\": \"y\"}' WHERE id = 4" ;;
            sqlite) eng_exec sqlite "$dst" "UPDATE m SET b = 1 - b WHERE id = 3; UPDATE m SET f64 = 0.30000000000000004 WHERE id = 4; UPDATE m SET js = '{\"a\": 1, \"b\": \"y\"}' WHERE id = 4" ;;
        esac
        verify_json "$(eng_url "$s" "$src")" "$(eng_url "$t" "$dst")"
        check_eq "$pair: changed bool / double / JSON found, columns named" "3:changed:b 4:changed:f64+js" \
            "$(jqf v.json '[.tables[0].differing_chunks[].keys[] | "\(.key):\(.change):\(.columns | join("+"))"] | join(" ")')"
        eng_drop "$s" "$src"
        eng_drop "$t" "$dst"
    done
done
echo
for p in "${!SUMMARY[@]}"; do echo "  $p: ${SUMMARY[$p]}"; done | sort

# ---------------------------------------------------------------------------
if [ -n "$MY_OK" ]; then
    section "--zero-dates null, as the copy had it ($(at))"
    eng_make my vz_src
    eng_fresh pg vz_dst
    run_ferry copy "$(my_url vz_src)" "$(pg_url vz_dst)" --quiet --zero-dates null --rejects rz.ndjson
    check_rc "copy --zero-dates null (the TIME duration row is still rejected)" 5
    verify_json "$(my_url vz_src)" "$(pg_url vz_dst)" --zero-dates null
    check_eq "only the rejected row differs" "17:missing_in_target" "$(jqf v.json '[.tables[0].differing_chunks[].keys[] | "\(.key):\(.change)"] | join(" ")')"
    verify_json "$(my_url vz_src)" "$(pg_url vz_dst)"
    check_eq "without it the zero date row differs too" "16:changed 17:missing_in_target" \
        "$(jqf v.json '[.tables[0].differing_chunks[].keys[] | "\(.key):\(.change)"] | join(" ")')"
    check_eq "and the source values that cannot be read are counted (zero date, TIME 838:59:59)" 2 \
        "$(jqf v.json '.tables[0].unreadable_values.source.count')"
    eng_drop my vz_src
    eng_drop pg vz_dst
fi

# ---------------------------------------------------------------------------
section "errors ($(at))"
run_ferry verify "sqlite:///$TEST_TMP/nope.db" "$TGT"
check_rc "missing source" 3
run_ferry verify "$SRC" "sqlite:///$TEST_TMP/nope-target.db"
check_rc "missing SQLite target" 4
check_match "says no such file" 'no such file' "$(ferry_output)"
check "the missing target file is not created" test ! -e "$TEST_TMP/nope-target.db"
run_ferry verify "$SRC"
check_rc "one argument" 2

section "ferry copy --verify"
CV=${PGTEST_DB}_cv; pg_dropdb "$CV" >/dev/null 2>&1; pg_createdb "$CV" >/dev/null
run_ferry copy "$SRC" "$(pg_url "$CV")" --verify --report "$TEST_TMP/cv.json"
check_rc "copy --verify of an exact copy" 0
check_match "verify's lines follow the copy" "equal: " "$(ferry_output)"
check_eq "the report carries the verify result" "equal" "$(jq -r '.verify.status' "$TEST_TMP/cv.json" 2>/dev/null)"
qdb "$CV" "UPDATE events SET note = 'changed' WHERE id = (SELECT min(id) FROM events)" >/dev/null
run_ferry copy "$SRC" "$(pg_url "$CV")" --verify
check_rc "the finished job rerun with --verify finds the change" 8
check_match "and names the changed column" 'changed \("note"\)' "$(ferry_output)"

note "t_verify took $(( $(date +%s) - T_START ))s"
finish
