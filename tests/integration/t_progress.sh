#!/usr/bin/env bash
# t_progress — observability: --progress FILE and --progress - write NDJSON
# events (schema_version, run, seq strictly increasing, ts, event; job_start,
# table_start, chunk_done, phase, table_done, job_done; warning and reject
# when there are some); --report writes one JSON document with per-table
# numbers; --quiet prints nothing on success and still prints errors.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
have_jq || { fail "jq is missing (sh tests/lib/deps.sh installs it)"; finish; }

B=$TEST_TMP/big.db
gen_big "$B" 20000
P=$TEST_TMP/progress.ndjson
R=$TEST_TMP/report.json

section "--progress FILE and --report FILE"
run_ferry copy "sqlite:///$B" "$PGTEST_URL_DB" --chunk-rows 2000 --jobs 2 --progress "$P" --report "$R"
check_rc "copy with --progress and --report" 0
check "every progress line is a JSON object" ndjson_valid "$P"
check_eq "every event has schema_version 1, run, seq, ts, event" "0" \
    "$(jq -c 'select(.schema_version != 1 or (.run | type) != "string" or (.run | length) == 0
                     or (.seq | type) != "number" or (.ts | type) != "string" or (.event | type) != "string")' "$P" | wc -l)"
check_eq "one run id in all events" 1 "$(jq -r .run "$P" | sort -u | wc -l)"
check_eq "seq strictly increasing" "ok" \
    "$(jq -s -r 'if length > 1 and ([range(1; length) as $i | .[$i].seq > .[$i - 1].seq] | all) then "ok" else "not increasing" end' "$P")"
check "ts looks like ISO 8601" test "$(jq -r .ts "$P" | grep -Evc '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}')" -eq 0
check_eq "the first event is job_start" job_start "$(head -n 1 "$P" | jq -r .event)"
check_eq "the last event is job_done" job_done "$(tail -n 1 "$P" | jq -r .event)"
check_eq "one job_start" 1 "$(count_events "$P" job_start)"
check_eq "one job_done" 1 "$(count_events "$P" job_done)"
check "table_start for each table" test "$(count_events "$P" table_start)" -ge 2
check "table_done for each table" test "$(count_events "$P" table_done)" -ge 2
check "chunk_done for each chunk (>= 10 + 1)" test "$(count_events "$P" chunk_done)" -ge 11
check_eq "chunk_done has table, chunk, rows, bytes, rejected, ms, writer" "0" \
    "$(jq -c 'select(.event == "chunk_done") | select((.table | type) != "string" or (.chunk | type) != "number"
              or (.rows | type) != "number" or (.bytes | type) != "number" or (.rejected | type) != "number"
              or (.ms | type) != "number" or (.writer | type) != "number")' "$P" | wc -l)"
check_eq "chunk_done rows add up to the events table" 20000 \
    "$(jq -s '[.[] | select(.event == "chunk_done" and ((.table | tostring) | test("(^|\\.)events$"))) | .rows] | add' "$P")"
phases=$(jq -r 'select(.event == "phase") | .phase' "$P" | tr '\n' ' ')
for ph in schema data indexes "done"; do
    check_match "phase $ph announced" "(^| )$ph( |$)" "$phases"
done
check_eq "phases are known names" "" \
    "$(jq -r 'select(.event == "phase") | .phase | select(IN("schema", "data", "indexes", "constraints", "sequences", "views", "done") | not)' "$P")"

check "the report is one JSON document" json_valid "$R"
check_eq "report schema_version" 1 "$(jqf "$R" .schema_version)"
check_eq "report run id = progress run id" "$(head -n 1 "$P" | jq -r .run)" "$(jqf "$R" .run)"
check_eq "report status" ok "$(jqf "$R" .status)"
check_eq "report: two tables" 2 "$(jqf "$R" '.tables | length')"
check_eq "report: every table has name, target, rows_read/written/rejected, bytes, seconds" 0 \
    "$(jqf "$R" '[.tables[] | select((.name | type) != "string" or (.target | type) != "string"
                  or (.rows_read | type) != "number" or (.rows_written | type) != "number"
                  or (.rows_rejected | type) != "number" or (.bytes | type) != "number"
                  or (.seconds | type) != "number")] | length')"
check_eq "report: events numbers" "20000 20000 0 true" \
    "$(jqf "$R" '.tables[] | select(.name == "events") | "\(.rows_read) \(.rows_written) \(.rows_rejected) \(.bytes > 0)"')"
check_eq "report: users numbers" "1000 1000 0" \
    "$(jqf "$R" '.tables[] | select(.name == "users") | "\(.rows_read) \(.rows_written) \(.rows_rejected)"')"
check_eq "report: column decisions have name, source_type, logical, target_type" 0 \
    "$(jqf "$R" '[.tables[].columns[] | select((.name | type) != "string" or (.source_type | type) != "string"
                  or (.logical | type) != "string" or (.target_type | type) != "string")] | length')"
check_eq "report: events.score decision" "DOUBLE float64 double precision" \
    "$(jqf "$R" '.tables[] | select(.name == "events") | .columns[] | select(.name == "score") | "\(.source_type) \(.logical) \(.target_type)"')"
check_eq "report: warnings and skipped are arrays, rejects 0, seconds a number" "array array 0 number" \
    "$(jqf "$R" '"\(.warnings | type) \(.skipped | type) \(.rejects) \(.seconds | type)"')"
check_match "report: source and target shown" "sqlite|big\\.db" "$(jqf "$R" .source)"
check_match "report: source and target shown" "127\\.0\\.0\\.1" "$(jqf "$R" .target)"

section "--progress - (stdout)"
D2=${PGTEST_DB}_stdout; pg_dropdb "$D2"; pg_createdb "$D2"
run_ferry copy "sqlite:///$B" "$(pg_url "$D2")" --chunk-rows 5000 --progress -
check_rc "copy with --progress -" 0
grep '^{' "$OUT" >"$TEST_TMP/stdout.ndjson"
check "progress events on stdout" test -s "$TEST_TMP/stdout.ndjson"
check "... each a JSON object" ndjson_valid "$TEST_TMP/stdout.ndjson"
check_eq "... ending with job_done" job_done "$(tail -n 1 "$TEST_TMP/stdout.ndjson" | jq -r .event 2>/dev/null)"
pg_dropdb "$D2"

section "warning and reject events"
A=$TEST_TMP/all_types.db
gen_all_types "$A"
D3=${PGTEST_DB}_warn; pg_dropdb "$D3"; pg_createdb "$D3"
run_ferry copy "sqlite:///$A" "$(pg_url "$D3")" --progress "$TEST_TMP/warn.ndjson" --quiet
check_rc "all_types copy" 0
check "warning events for what could not be translated" test "$(count_events "$TEST_TMP/warn.ndjson" warning)" -ge 1
pg_dropdb "$D3"
V=$TEST_TMP/bad.db
gen_bad_values "$V"
D4=${PGTEST_DB}_rej; pg_dropdb "$D4"; pg_createdb "$D4"
run_ferry copy "sqlite:///$V" "$(pg_url "$D4")" --progress "$TEST_TMP/rej.ndjson" --rejects "$TEST_TMP/rej.rejects" --quiet
check_rc "bad_values copy" 5
check_eq "one reject event per rejected row" 6 "$(count_events "$TEST_TMP/rej.ndjson" reject)"
check_eq "chunk_done counts the rejected rows" 6 \
    "$(jq -s '[.[] | select(.event == "chunk_done") | .rejected] | add' "$TEST_TMP/rej.ndjson")"
pg_dropdb "$D4"

section "--quiet"
D5=${PGTEST_DB}_quiet; pg_dropdb "$D5"; pg_createdb "$D5"
run_ferry copy "sqlite:///$B" "$(pg_url "$D5")" --quiet
check_rc "copy --quiet" 0
check_eq "--quiet: nothing on stdout" "" "$(cat "$OUT")"
check_eq "--quiet: nothing on stderr" "" "$(cat "$ERR")"
check_eq "--quiet: but the rows are there" 20000 "$(pg_count "$D5" events)"
run_ferry copy "sqlite:///$B" "$(pg_url "$D5")" --quiet
check_rc "rerun --quiet of the finished job" 0
check_eq "--quiet: not even 'already finished'" "" "$(ferry_output)"
run_ferry copy "sqlite:///$B" "$(pg_url "$D5")"
check_match "without --quiet it says 'already finished'" "already finished" "$(ferry_output)"
run_ferry copy "sqlite:///$TEST_TMP/missing.db" "$(pg_url "$D5")" --quiet
check_rc "--quiet with an error" 3
check_ne "--quiet still prints the error" "" "$(cat "$ERR")"
pg_dropdb "$D5"

finish
