#!/usr/bin/env bash
# t_options — the copy options: --tables/--exclude globs, --target-schema,
# --if-exists fail|drop|truncate|append, --schema-only then --data-only,
# --data-only into tables made by hand, --chunk-rows/--jobs, --lower-case,
# and `ferry plan` (text and --json) touching nothing.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

S1=$TEST_TMP/src1.db; gen_small "$S1" 0      # ids 1..10
S2=$TEST_TMP/src2.db; gen_small "$S2" 100    # ids 101..110
S3=$TEST_TMP/src3.db; gen_small "$S3" 200    # ids 201..210
S4=$TEST_TMP/src4.db; gen_small "$S4" 300    # ids 301..310

declare -A SPEC=(
  [alpha]="int:id text:name f64:score ts:created"
  [beta]="int:id text:label bool:flag"
  [beta_log]="int:id int:beta_id text:message"
  [gamma]="int:id dec2:amount blob:payload"
)

# newdb SUFFIX — a fresh database named after the test; prints its name.
newdb() { local d="${PGTEST_DB}_$1"; pg_dropdb "$d"; pg_createdb "$d"; echo "$d"; }
DBS=()

# same_as DB SQLITE TABLE... [-- SCHEMA] — each table equals the source.
same_as() {
    local db=$1 src=$2 schema=public t
    shift 2
    local tables=()
    while [ $# -gt 0 ]; do
        if [ "$1" = -- ]; then schema=$2; shift 2; continue; fi
        tables+=("$1"); shift
    done
    for t in "${tables[@]}"; do
        # shellcheck disable=SC2086
        check "$t equals $(basename "$src")" compare_table "$src" "$t" "$db" "\"$schema\".\"$t\"" ${SPEC[$t]}
    done
}

# tables_of DB [SCHEMA] — table names on one line.
tables_of() { user_tables "$1" "${2:-public}" | tr '\n' ' ' | sed 's/ $//'; }

section "--tables"
D=$(newdb tables); DBS+=("$D")
run_ferry copy "sqlite:///$S1" "$(pg_url "$D")" --tables 'beta*,gamma'
check_rc "--tables 'beta*,gamma'" 0
check_eq "only the selected tables" "beta beta_log gamma" "$(tables_of "$D")"
same_as "$D" "$S1" beta beta_log gamma

section "--exclude"
D=$(newdb exclude); DBS+=("$D")
run_ferry copy "sqlite:///$S1" "$(pg_url "$D")" --exclude 'beta_*'
check_rc "--exclude 'beta_*'" 0
check_eq "all but the excluded" "alpha beta gamma" "$(tables_of "$D")"
same_as "$D" "$S1" alpha beta gamma

D=$(newdb both); DBS+=("$D")
run_ferry copy "sqlite:///$S1" "$(pg_url "$D")" --tables 'beta*' --exclude beta_log
check_rc "--tables 'beta*' --exclude beta_log" 0
check_eq "--exclude applies after --tables" "beta" "$(tables_of "$D")"

section "--target-schema"
D=$(newdb schema); DBS+=("$D")
run_ferry copy "sqlite:///$S1" "$(pg_url "$D")" --target-schema staging
check_rc "--target-schema staging" 0
check_eq "schema staging holds the tables" "alpha beta beta_log gamma" "$(tables_of "$D" staging)"
check_eq "public holds none" "" "$(tables_of "$D" public)"
same_as "$D" "$S1" alpha gamma -- staging

section "--if-exists"
D=$(newdb ifexists); DBS+=("$D")
run_ferry copy "sqlite:///$S1" "$(pg_url "$D")"
check_rc "first job" 0
run_ferry copy "sqlite:///$S2" "$(pg_url "$D")"
check_ne "another job into existing tables fails by default (--if-exists fail)" 0 "$RC"
check_match "... and the message names --if-exists" "if-exists" "$(ferry_output)"
check_match "... and its choices" "drop" "$(ferry_output)"
check_eq "... leaving the tables as they were" "1 10" "$(qdb "$D" 'SELECT min(id), max(id) FROM alpha' | tr '|' ' ')"

oid_before=$(qdb "$D" "SELECT 'public.alpha'::regclass::oid")
run_ferry copy "sqlite:///$S2" "$(pg_url "$D")" --if-exists drop
check_rc "--if-exists drop" 0
same_as "$D" "$S2" alpha beta beta_log gamma
oid_drop=$(qdb "$D" "SELECT 'public.alpha'::regclass::oid")
check_ne "drop made new tables" "$oid_before" "$oid_drop"

run_ferry copy "sqlite:///$S4" "$(pg_url "$D")" --if-exists truncate
check_rc "--if-exists truncate" 0
same_as "$D" "$S4" alpha beta beta_log gamma
check_eq "truncate kept the tables" "$oid_drop" "$(qdb "$D" "SELECT 'public.alpha'::regclass::oid")"

run_ferry copy "sqlite:///$S3" "$(pg_url "$D")" --if-exists append
check_rc "--if-exists append" 0
for t in alpha beta beta_log gamma; do
    # shellcheck disable=SC2086
    { dump_sqlite "$S4" "$t" ${SPEC[$t]}; dump_sqlite "$S3" "$t" ${SPEC[$t]}; } | LC_ALL=C sort >"$TEST_TMP/union.$t"
    # shellcheck disable=SC2086
    dump_pg "$D" "$t" ${SPEC[$t]} >"$TEST_TMP/appended.$t"
    check "append: $t holds the old rows and the new ones" compare_files "$t" "$TEST_TMP/union.$t" "$TEST_TMP/appended.$t"
done
check_eq "append: alpha has 20 rows" 20 "$(pg_count "$D" alpha)"
check_eq "append: a new row gets max(id)+1" 311 "$(qdb "$D" "INSERT INTO alpha (name) VALUES ('x') RETURNING id")"

section "--schema-only, then --data-only"
D=$(newdb phases); DBS+=("$D")
run_ferry copy "sqlite:///$S1" "$(pg_url "$D")" --schema-only
check_rc "--schema-only" 0
check_eq "--schema-only: the tables exist" "alpha beta beta_log gamma" "$(tables_of "$D")"
check_eq "--schema-only: no rows" "0 0 0 0" "$(qdb "$D" "SELECT (SELECT count(*) FROM alpha) || ' ' || (SELECT count(*) FROM beta) || ' ' || (SELECT count(*) FROM beta_log) || ' ' || (SELECT count(*) FROM gamma)")"
check_eq "--schema-only: primary keys exist" 4 "$(qdb "$D" "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND contype = 'p'")"
run_ferry copy "sqlite:///$S1" "$(pg_url "$D")" --data-only
check_rc "--data-only into the tables --schema-only made" 0
same_as "$D" "$S1" alpha beta beta_log gamma
check_eq "--data-only: a new row gets max(id)+1" 11 "$(qdb "$D" "INSERT INTO alpha (name) VALUES ('x') RETURNING id")"

section "--data-only into tables made by hand"
D=$(newdb handmade); DBS+=("$D")
qdb "$D" "CREATE TABLE alpha (id bigint PRIMARY KEY, name varchar(100) NOT NULL, score double precision, created timestamp);
          CREATE TABLE beta (id bigint PRIMARY KEY, label text, flag boolean);
          CREATE TABLE beta_log (id bigint PRIMARY KEY, beta_id bigint, message text);
          CREATE TABLE gamma (id bigint PRIMARY KEY, amount numeric(12,2), payload bytea)" >/dev/null
run_ferry copy "sqlite:///$S1" "$(pg_url "$D")" --data-only
check_rc "--data-only into pre-created tables" 0
same_as "$D" "$S1" alpha beta beta_log gamma
check_eq "the hand-made types were kept" "character varying(100)" "$(pg_type "$D" alpha name)"

section "--chunk-rows 7 --jobs 4"
B=$TEST_TMP/big.db
gen_big "$B" 2000
D=$(newdb chunks); DBS+=("$D")
run_ferry copy "sqlite:///$B" "$(pg_url "$D")" --chunk-rows 7 --jobs 4 --progress "$TEST_TMP/chunks.ndjson"
check_rc "--chunk-rows 7 --jobs 4" 0
check "events equal the source" compare_table "$B" events "$D" events \
    int:id int:user_id int:kind int:amount_cents f64:score text:code text:body text:note ts:created_at bool:is_active blob:digest
check "users equal the source" compare_table "$B" users "$D" users int:id text:name text:email ts:created_at
check "at least 2000/7 chunks were written" test "$(count_events "$TEST_TMP/chunks.ndjson" chunk_done)" -ge 286
writers=$(grep '"event":"chunk_done"' "$TEST_TMP/chunks.ndjson" 2>/dev/null | jq -r '.writer' 2>/dev/null | sort -u | wc -l)
check "more than one writer wrote chunks" test "$writers" -ge 2

section "--lower-case"
A=$TEST_TMP/all_types.db
gen_all_types "$A"
D=$(newdb lower); DBS+=("$D")
run_ferry copy "sqlite:///$A" "$(pg_url "$D")" --lower-case --tables 'Order Details,order,customers'
check_rc "--lower-case" 0
check_eq "three tables" 3 "$(qdb "$D" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
check_eq "no upper-case table names" 0 "$(qdb "$D" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> lower(tablename)")"
check_eq "no upper-case column names" 0 "$(qdb "$D" "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND column_name <> lower(column_name)")"
od=$(qdb "$D" "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'order%details'")
check_eq "the Order Details rows are there" 3 "$( [ -n "$od" ] && pg_count "$D" "$od")"

section "ferry plan touches nothing"
D=$(newdb plan); DBS+=("$D")
run_ferry plan "sqlite:///$S1" "$(pg_url "$D")"
check_rc "ferry plan" 0
check_match "plan prints CREATE TABLE" "CREATE TABLE" "$(cat "$OUT")"
check_match "plan names the tables" "alpha" "$(cat "$OUT")"
check_eq "plan created no table" "" "$(tables_of "$D")"
check_eq "plan created no _ferry schema" 0 "$(qdb "$D" "SELECT count(*) FROM pg_namespace WHERE nspname = '_ferry'")"
run_ferry plan "sqlite:///$S1" "$(pg_url "$D")" --json
check_rc "ferry plan --json" 0
if have_jq; then
    check "plan --json prints valid JSON" jq -e . "$OUT"
elif command -v python3 >/dev/null 2>&1; then
    check "plan --json prints valid JSON" python3 -m json.tool "$OUT"
else
    note "neither jq nor python3: JSON validity not checked"
fi
check_match "plan --json names the tables" "alpha" "$(cat "$OUT")"
check_eq "plan --json created nothing" "0" "$(qdb "$D" "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"

for d in "${DBS[@]}"; do pg_dropdb "$d"; done
finish
