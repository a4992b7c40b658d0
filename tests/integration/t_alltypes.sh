#!/usr/bin/env bash
# t_alltypes — every SQLite type and schema feature ferry maps, copied to
# PostgreSQL: target types, row contents value by value, keys, indexes,
# foreign keys, checks, defaults, identity positions, views, alembic_version,
# and what the report says about what could not be translated.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

SRC=$TEST_TMP/all_types.db
gen_all_types "$SRC" || { fail "generate the sample"; finish; }
DB=$PGTEST_DB
# A session time zone other than UTC: SQLite's CURRENT_TIMESTAMP is UTC, so
# must be the translated defaults, whatever the server's zone.
qdb postgres "ALTER DATABASE \"$DB\" SET timezone = 'Asia/Tokyo'" >/dev/null

section "copy"
run_ferry copy "sqlite:///$SRC" "$PGTEST_URL_DB" --report "$TEST_TMP/report.json"
check_rc "ferry copy all_types sample" 0

section "tables"
expected_tables=$(printf '%s\n' "Order Details" alembic_version all_types customers defaults_demo empty_table event_log order order_items regions stores | LC_ALL=C sort)
check_eq "the 11 tables, with their names as in SQLite" "$expected_tables" "$(user_tables "$DB")"
check "state schema _ferry exists" test "$(q "SELECT count(*) FROM pg_namespace WHERE nspname = '_ferry'")" = 1

section "column types"
while IFS='|' read -r col want; do
    check_eq "all_types.$col type" "$want" "$(pg_type "$DB" all_types "$col")"
done <<'EOF'
id|bigint
c_bigint|bigint
c_bool|boolean
c_real|double precision
c_double|double precision
c_float|double precision
c_numeric|numeric(10,2)
c_decimal|numeric(12,4)
c_text|text
c_varchar|character varying(50)
c_nvarchar|character varying(160)
c_clob|text
c_blob|bytea
c_date|date
c_datetime|timestamp without time zone
c_timestamp|timestamp without time zone
c_time|time without time zone
c_json|jsonb
c_uuid|uuid
EOF
check_eq "customers.id (INTEGER PRIMARY KEY) type" "bigint" "$(pg_type "$DB" customers id)"
check_eq '"Order Details"."Unit ""Price""" type' "numeric(10,2)" "$(pg_type "$DB" "Order Details" 'Unit "Price"')"
for t in all_types customers; do
    auto=$(q "SELECT a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%'
              FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              WHERE a.attrelid = 'public.$t'::regclass AND a.attname = 'id'")
    check_eq "$t.id generates values (identity or sequence)" "t" "$auto"
done

section "contents, value by value"
untyped_kind=text
[ "$(pg_type "$DB" all_types c_untyped)" = bytea ] && untyped_kind=blob
check "all_types content" compare_table "$SRC" all_types "$DB" all_types \
    int:id int:c_int int:c_bigint int:c_smallint bool:c_bool f64:c_real f64:c_double f64:c_float \
    dec2:c_numeric dec4:c_decimal text:c_text text:c_varchar text:c_nvarchar text:c_char text:c_clob \
    blob:c_blob date:c_date ts:c_datetime ts:c_timestamp time:c_time json:c_json uuid:c_uuid "$untyped_kind:c_untyped"
check "customers content" compare_table "$SRC" customers "$DB" customers \
    int:id text:name text:email int:parent_id ts:created_at
check '"order" content' compare_table "$SRC" '"order"' "$DB" '"order"' \
    int:id int:customer_id text:status int:qty ts:placed_at json:payload
check "order_items content" compare_table "$SRC" order_items "$DB" order_items \
    int:order_id int:line_no text:product int:qty dec2:price
check "regions content (WITHOUT ROWID)" compare_table "$SRC" regions "$DB" regions \
    text:country text:code text:name
check "stores content" compare_table "$SRC" stores "$DB" stores \
    int:id text:name text:country text:region_code int:manager_id
check '"Order Details" content (odd names)' compare_table "$SRC" '"Order Details"' "$DB" '"Order Details"' \
    int:id int:OrderID 'dec2:Unit "Price"' text:select text:ünïcödé
check "event_log content (keyless, duplicate rows kept)" compare_table "$SRC" event_log "$DB" event_log \
    ts:ts text:level text:message
check "empty_table is empty" test "$(pg_count "$DB" empty_table)" = 0
check "defaults_demo content" compare_table "$SRC" defaults_demo "$DB" defaults_demo \
    int:id ts:created_at ts:updated_at ts:stamp int:qty dec2:price f64:ratio text:status \
    bool:active bool:deleted text:token int:kind
check "alembic_version content" compare_table "$SRC" alembic_version "$DB" alembic_version text:version_num
check_eq "alembic_version row" "1a2b3c4d5e6f" "$(q 'SELECT version_num FROM alembic_version')"

# Finer than the comparison's milliseconds, and the representation changes.
check_eq "microseconds kept" "2024-03-04 05:06:07.123456" "$(q "SELECT c_timestamp FROM all_types WHERE id = 5")"
check_eq "+02:00 offset normalised to UTC" "2024-03-04 03:06:07" "$(q "SELECT c_datetime FROM all_types WHERE id = 5")"
check_eq "-05:30 offset normalised to UTC" "2024-03-04 10:36:07" "$(q "SELECT c_datetime FROM all_types WHERE id = 8")"
check_eq "epoch seconds" "2023-11-14 22:13:20" "$(q "SELECT c_datetime FROM all_types WHERE id = 6")"
check_eq "epoch milliseconds" "2023-11-14 22:13:20.123" "$(q "SELECT c_timestamp FROM all_types WHERE id = 6")"
check_eq "2^53+1 stays exact" "9007199254740993" "$(q "SELECT c_bigint FROM all_types WHERE id = 1")"
check_eq "NULL vs empty string" "t|f|t" "$(q "SELECT c_text IS NULL, (SELECT c_text IS NULL FROM all_types WHERE id = 4), (SELECT c_text = '' FROM all_types WHERE id = 4) FROM all_types WHERE id = 2")"
check_eq "CHAR(3) holds 3 characters of unicode" "é日🎉" "$(q "SELECT c_char FROM all_types WHERE id = 3")"
check_eq "uuid from a 16-byte blob" "01234567-89ab-cdef-0123-456789abcdef" "$(q "SELECT c_uuid FROM all_types WHERE id = 1")"
check_eq "uuid from upper-case text" "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12" "$(q "SELECT c_uuid FROM all_types WHERE id = 4")"

section "keys, indexes, foreign keys, checks"
check_eq "primary keys (every table but the keyless one)" 10 \
    "$(q "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype = 'p'")"
check_eq "order_items has a composite primary key" 2 \
    "$(q "SELECT array_length(conkey, 1) FROM pg_constraint WHERE conrelid = 'public.order_items'::regclass AND contype = 'p'")"
check_eq "regions has a composite text primary key" 2 \
    "$(q "SELECT array_length(conkey, 1) FROM pg_constraint WHERE conrelid = 'public.regions'::regclass AND contype = 'p'")"
check_eq "event_log has no primary key" 0 \
    "$(q "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.event_log'::regclass AND contype = 'p'")"
check_eq "unique index on customers(email)" 1 \
    "$(q "SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
          WHERE i.indrelid = 'public.customers'::regclass AND i.indisunique AND NOT i.indisprimary AND i.indnatts = 1 AND a.attname = 'email'")"
idx=$(q "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('customers', 'order')")
check_match "expression index lower(name)" 'lower\(\(?"?name"?\)?' "$idx"
check_match "composite index (customer_id, placed_at)" '\("?customer_id"?, "?placed_at"?\)' "$idx"
check_match "descending index on placed_at" '"?placed_at"? DESC' "$idx"
check_match "partial index WHERE status = 'open'" "WHERE.*status.*=.*'open'" "$idx"
check_eq "foreign keys" 6 \
    "$(q "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype = 'f'")"
fk() { q "SELECT confdeltype::text || confupdtype::text || array_length(conkey, 1) || convalidated::text FROM pg_constraint
          WHERE contype = 'f' AND conrelid = 'public.\"$1\"'::regclass AND confrelid = 'public.\"$2\"'::regclass
          ORDER BY array_length(conkey, 1), conname" | tr '\n' ' '; }
check_eq "self-referencing FK customers.parent_id ON DELETE SET NULL" "na1true " "$(fk customers customers)"
check_eq 'FK "order".customer_id ON DELETE CASCADE' "ca1true " "$(fk order customers)"
check_eq "FK order_items.order_id ON DELETE CASCADE" "ca1true " "$(fk order_items order)"
check_eq "FK stores.manager_id ON DELETE SET NULL ON UPDATE CASCADE" "nc1true " "$(fk stores customers)"
check_eq "multi-column FK stores(country, region_code) ON UPDATE CASCADE" "ac2true " "$(fk stores regions)"
check_eq 'FK "Order Details"."OrderID"' "aa1true " "$(fk "Order Details" order)"
check_match 'CHECK (qty >= 0) on "order"' 'qty"? >= 0' \
    "$(q "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'public.\"order\"'::regclass AND contype = 'c'")"
check "the check is enforced" test "$(q "INSERT INTO \"order\" (id, customer_id, status, qty) VALUES (1000, 1, 'open', -1)" | grep -ci 'violates check')" -ge 1

section "identity positions and defaults"
check_eq "all_types: a new row gets max(id)+1" 11 "$(q "INSERT INTO all_types (c_text) VALUES ('new') RETURNING id")"
check_eq "customers: a new row gets max(id)+1" 6 "$(q "INSERT INTO customers (name) VALUES ('new') RETURNING id")"
check_eq "defaults applied (qty, price, ratio, status, active, deleted)" "0|9.99|-1.5|new|t|f" \
    "$(q "INSERT INTO defaults_demo (id) VALUES (100) RETURNING qty, price, ratio, status, active, deleted")"
check_eq "CURRENT_TIMESTAMP / datetime('now') / strftime(...,'now') defaults give UTC now" "t|t|t" \
    "$(q "SELECT abs(extract(epoch FROM created_at - (now() AT TIME ZONE 'UTC'))) < 120,
                 abs(extract(epoch FROM updated_at - (now() AT TIME ZONE 'UTC'))) < 120,
                 abs(extract(epoch FROM stamp::timestamp - (now() AT TIME ZONE 'UTC'))) < 120
          FROM defaults_demo WHERE id = 100")"
check_eq "the untranslatable default was left out" "" "$(q "SELECT token FROM defaults_demo WHERE id = 100")"
check_eq "the untranslatable CHECK (typeof(kind) = ...) was left out" 0 \
    "$(q "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.defaults_demo'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) ILIKE '%typeof%'")"

section "views"
check_eq "translatable view open_orders exists" 1 "$(q "SELECT count(*) FROM pg_views WHERE schemaname = 'public' AND viewname = 'open_orders'")"
check_eq "open_orders gives the same rows" "1 3 5 " "$(q "SELECT id FROM open_orders ORDER BY id" | tr '\n' ' ')"
check_eq "untranslatable view order_summary was not created" 0 "$(q "SELECT count(*) FROM pg_views WHERE viewname = 'order_summary'")"

section "report"
R=$TEST_TMP/report.json
if ! have_jq; then
    fail "jq is missing (sh tests/lib/deps.sh installs it)"
elif ! json_valid "$R"; then
    fail "--report wrote one valid JSON document"
else
    pass "--report wrote one valid JSON document"
    check_eq "report status" "ok" "$(jqf "$R" .status)"
    check_eq "report schema_version" "1" "$(jqf "$R" .schema_version)"
    check_eq "report: all_types rows read/written/rejected" "10 10 0" \
        "$(jqf "$R" '.tables[] | select(.name == "all_types") | "\(.rows_read) \(.rows_written) \(.rows_rejected)"')"
    check_eq "report: 11 tables" 11 "$(jqf "$R" '.tables | length')"
    check_eq "report: c_numeric column decision" "numeric(10,2)" \
        "$(jqf "$R" '.tables[] | select(.name == "all_types") | .columns[] | select(.name == "c_numeric") | .target_type')"
    objs=$(jqf "$R" '[.warnings[]?, .skipped[]?] | map(tostring) | .[]')
    check_match "report names the untranslatable default (randomblob)" 'randomblob' "$objs"
    check_match "report names the untranslatable check (typeof)" 'typeof' "$objs"
    check_eq "report lists view order_summary as skipped, with its text" "view true" \
        "$(jqf "$R" '.skipped[] | select(.name == "order_summary" or (.name | tostring | endswith(".order_summary"))) | "\(.kind) \(.text | tostring | test("json_extract"))"' | head -n 1)"
    check_eq "report: no rejects" 0 "$(jqf "$R" .rejects)"
fi
check "no reject file when nothing was rejected" test ! -e "$TEST_TMP/ferry-rejects.ndjson"

finish
