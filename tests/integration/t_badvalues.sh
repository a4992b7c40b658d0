#!/usr/bin/env bash
# t_badvalues — values that do not fit their columns: each bad row is
# rejected alone (with table, key, column, reason, row) while its chunk's
# good rows commit; exit code 5; a rerun changes nothing; --widen instead
# widens the columns and copies every row.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

SRC=$TEST_TMP/bad_values.db
gen_bad_values "$SRC" || { fail "generate the sample"; finish; }
DB=$PGTEST_DB
REJ=$TEST_TMP/rejects.ndjson
GOOD_IDS="1 2 3 4 5 6 7 8 9 10"

section "copy with rejects"
run_ferry copy "sqlite:///$SRC" "$PGTEST_URL_DB" --rejects "$REJ" --report "$TEST_TMP/report.json"
check_rc "finished with rejected rows" 5
check_eq "the good rows are in PostgreSQL" "$GOOD_IDS" "$(q 'SELECT id FROM bad ORDER BY id' | tr '\n' ' ' | sed 's/ $//')"
check "good rows equal the source" compare_table "$SRC" "(SELECT * FROM bad WHERE id <= 10)" "$DB" bad \
    int:id int:n text:t ts:d text:v dec2:m
check_eq "the good columns keep their types (v)" "character varying(5)" "$(pg_type "$DB" bad v)"

if ! have_jq; then
    fail "jq is missing (sh tests/lib/deps.sh installs it)"
elif [ ! -s "$REJ" ]; then
    fail "reject file $REJ written"
else
    pass "reject file written"
    check "every line of the reject file is a JSON object" ndjson_valid "$REJ"
    check_eq "one line per rejected row" 6 "$(grep -c . "$REJ")"
    # For each bad row: its line names the table, the key, the column and a reason.
    while read -r id col what; do
        line=$(jq -c --arg id "$id" 'select((.key | tostring) | test("(^|[^0-9])" + $id + "([^0-9]|$)"))' "$REJ" 2>/dev/null | head -n 1)
        if [ -z "$line" ]; then
            fail "row $id ($what) is in the reject file"
            continue
        fi
        check_eq "row $id ($what): table" "bad" "$(printf '%s' "$line" | jq -r '.table | tostring | sub("^.*\\."; "")')"
        check_eq "row $id ($what): column" "$col" "$(printf '%s' "$line" | jq -r '.column')"
        check_ne "row $id ($what): a reason" "" "$(printf '%s' "$line" | jq -r '.reason // "" | tostring')"
        check_ne "row $id ($what): the row" "null" "$(printf '%s' "$line" | jq -c '.row')"
    done <<'EOF'
101 n text in an INTEGER column
102 t invalid UTF-8
103 t NUL byte in text
104 d not a date
105 v too long for VARCHAR(5)
106 m too many decimals for NUMERIC(10,2)
EOF
    check_match "the reason for 'abc' in an integer column mentions the value or the type" "abc|integer|int" \
        "$(jq -r 'select(.column == "n") | .reason' "$REJ")"
fi
if have_jq && json_valid "$TEST_TMP/report.json"; then
    R=$TEST_TMP/report.json
    check_eq "report status" rejects "$(jqf "$R" .status)"
    check_eq "report: rejects" 6 "$(jqf "$R" .rejects)"
    check_eq "report: bad rows read/written/rejected" "16 10 6" \
        "$(jqf "$R" '.tables[] | select(.name == "bad") | "\(.rows_read) \(.rows_written) \(.rows_rejected)"')"
else
    fail "report is valid JSON"
fi
check_eq "state: _ferry.rejects holds the 6 rejects" 6 "$(q 'SELECT count(*) FROM _ferry.rejects')"

section "rerun: the job is finished"
cp "$REJ" "$TEST_TMP/rejects.first"
xmins=$(q "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM bad")
run_ferry copy "sqlite:///$SRC" "$PGTEST_URL_DB" --rejects "$REJ"
case $RC in 0|5) pass "rerun exits 0 or 5 (exit $RC)" ;; *) fail "rerun exits 0 or 5, got $RC" ;; esac
check_match "rerun says the job is already finished" "already finished" "$(ferry_output)"
check_eq "rerun: row count unchanged" 10 "$(q 'SELECT count(*) FROM bad')"
check_eq "rerun: rows untouched" "$xmins" "$(q "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM bad")"
check_eq "rerun: rejects not duplicated in the file" 6 "$(grep -c . "$REJ" 2>/dev/null || echo 0)"
check_eq "rerun: rejects not duplicated in _ferry.rejects" 6 "$(q 'SELECT count(*) FROM _ferry.rejects')"

section "--max-errors"
DB3=${DB}_maxerr
pg_dropdb "$DB3"; pg_createdb "$DB3"
run_ferry copy "sqlite:///$SRC" "$(pg_url "$DB3")" --rejects "$TEST_TMP/rejects3.ndjson" --max-errors 2
check_ne "more rejects than --max-errors 2 stops the job with a failure" 0 "$RC"
check_ne "... and not as 'finished with rejects'" 5 "$RC"
check_match "... saying why" "max-errors|too many|errors" "$(ferry_output)"
pg_dropdb "$DB3"

section "--widen"
DB2=${DB}_widen
pg_dropdb "$DB2"; pg_createdb "$DB2"
run_ferry copy "sqlite:///$SRC" "$(pg_url "$DB2")" --widen --rejects "$TEST_TMP/rejects2.ndjson" --report "$TEST_TMP/report2.json"
check_rc "--widen copies every row" 0
check_eq "--widen: all 16 rows" 16 "$(pg_count "$DB2" bad)"
check_eq "--widen: VARCHAR(5) column became text" "text" "$(pg_type "$DB2" bad v)"
check_eq "--widen: INTEGER column holding 'abc' became text" "text" "$(pg_type "$DB2" bad n)"
check_eq "--widen: NUMERIC(10,2) column holding 1.234 became numeric" "numeric" "$(pg_type "$DB2" bad m)"
check_eq "--widen: 'abc' kept" "abc" "$(qdb "$DB2" 'SELECT n FROM bad WHERE id = 101')"
check_eq "--widen: 'too long for five' kept" "too long for five" "$(qdb "$DB2" 'SELECT v FROM bad WHERE id = 105')"
check_eq "--widen: 'not a date' kept" "not a date" "$(qdb "$DB2" 'SELECT d FROM bad WHERE id = 104')"
check_eq "--widen: 1.234 kept exactly" "1.234" "$(qdb "$DB2" 'SELECT m FROM bad WHERE id = 106')"
check_eq "--widen: invalid UTF-8 and NUL kept as bytes" "c328 610062" \
    "$(qdb "$DB2" "SELECT encode(t::bytea, 'hex') FROM bad WHERE id IN (102, 103) ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
check_eq "--widen: good rows unchanged" "good 1|2024-01-01 12:00:00|v1|1.25" \
    "$(qdb "$DB2" "SELECT t::text, d::text, v, m::text FROM bad WHERE id = 1" | sed 's/^\\x676f6f642031/good 1/')"
check "--widen: no reject file" test ! -s "$TEST_TMP/rejects2.ndjson"
if have_jq && json_valid "$TEST_TMP/report2.json"; then
    check "--widen: the report marks widened columns" test \
        "$(jqf "$TEST_TMP/report2.json" '[.tables[] | select(.name == "bad") | .columns[] | select(.widened == true or (.widened | type) == "string")] | length')" -ge 4
else
    fail "--widen: report is valid JSON"
fi
pg_dropdb "$DB2"

finish
