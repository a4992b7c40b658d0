#!/usr/bin/env bash
# t_schema_features — the parts of a schema beyond types, keys and indexes,
# across engines: enums (labels enforced: MySQL enum(...), a PostgreSQL enum
# type between PostgreSQL servers, text + CHECK elsewhere), MySQL ON UPDATE
# CURRENT_TIMESTAMP (kept on MySQL, a trigger on PostgreSQL, a named warning
# on SQLite), generated columns (recreated between same-dialect engines,
# plain columns with a warning otherwise), table and column comments,
# PostgreSQL arrays (native between PostgreSQL servers, JSON elsewhere),
# inet kept as inet between PostgreSQL servers, and a MySQL latin1 column
# read correctly into UTF-8.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
require_mariadb

MYS=${PGTEST_DB}_ms; MYD=${PGTEST_DB}_md; MYP=${PGTEST_DB}_mp
for d in "$MYS" "$MYD" "$MYP"; do my_dropdb "$d" >/dev/null 2>&1; my_createdb "$d"; done
PGS=${PGTEST_DB}_ps; PGD=${PGTEST_DB}_pd; PGM=${PGTEST_DB}_pm
for d in "$PGS" "$PGD" "$PGM"; do pg_dropdb "$d" >/dev/null 2>&1; pg_createdb "$d" >/dev/null; done

my_sql "$MYS" "
CREATE TABLE e (
  id int PRIMARY KEY AUTO_INCREMENT,
  st enum('new','it''s','done') NOT NULL DEFAULT 'new' COMMENT 'state of it',
  tags set('a','b'),
  qty int,
  total int AS (qty * 2) STORED,
  half int AS (qty DIV 2) VIRTUAL,
  l1 varchar(20) CHARACTER SET latin1,
  changed timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
) COMMENT='events table';
INSERT INTO e (st, tags, qty, l1, changed) VALUES
  ('it''s', 'a,b', 5, 'café ß', '2024-01-02 03:04:05.678'),
  ('done', NULL, 7, NULL, '2024-01-02 03:04:05.678');" >/dev/null || fail "MariaDB source"

pg_sql "$PGS" "
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE t (id int PRIMARY KEY, m mood, a int[], ta text[], ip inet,
                g int GENERATED ALWAYS AS (id * 2) STORED);
COMMENT ON TABLE t IS 'the t table';
COMMENT ON COLUMN t.m IS 'how it feels';
INSERT INTO t (id, m, a, ta, ip) VALUES
  (1, 'ok', '{1,2,NULL}', ARRAY['a b', NULL, 'c\"d'], '10.0.0.1/8'),
  (2, NULL, '{{1,2},{3,4}}', '{}', NULL);" >/dev/null || fail "PostgreSQL source"

section "MariaDB -> PostgreSQL"
run_ferry copy "$(my_url "$MYS")" "$(pg_url "$PGD")" --report "$TEST_TMP/r1.json"
check_rc "copy" 0
check_eq "enum as text with a CHECK of its labels" "text|1" \
    "$(qdb "$PGD" "SELECT data_type FROM information_schema.columns WHERE table_name = 'e' AND column_name = 'st'")|$(qdb "$PGD" "SELECT count(*) FROM pg_constraint WHERE conname = 'e_st_enum'")"
check_match "a label outside the enum is refused" "violates check constraint" \
    "$(qdb "$PGD" "INSERT INTO e (st) VALUES ('bad')")"
check_eq "labels with a quote and the latin1 text arrive intact" "it's|café ß" \
    "$(qdb "$PGD" "SELECT st || '|' || l1 FROM e WHERE id = 1")"
check_eq "ON UPDATE CURRENT_TIMESTAMP: an UPDATE moves the column (trigger)" "t" \
    "$(qdb "$PGD" "UPDATE e SET qty = 9 WHERE id = 1; SELECT changed > '2025-01-01' FROM e WHERE id = 1")"
check_eq "... but not when the UPDATE sets it" "2020-01-01 00:00:00+00" \
    "$(qdb "$PGD" "SET TIME ZONE 'UTC'; UPDATE e SET qty = 1, changed = '2020-01-01' WHERE id = 2; SELECT changed FROM e WHERE id = 2" | tail -n 1)"
check_eq "comments on the table and the column" "events table|state of it" \
    "$(qdb "$PGD" "SELECT obj_description('e'::regclass) || '|' || col_description('e'::regclass, 2)")"
check_eq "generated columns copied with their values" "10|2" \
    "$(qdb "$PGD" "SELECT total || '|' || half FROM e WHERE id = 1" )"
if have_jq; then
    check_match "the plain-column warning is in the report" "generated column copied as a plain column" \
        "$(jq -r '.warnings[]?.message' "$TEST_TMP/r1.json" 2>/dev/null)"
fi

section "MariaDB -> MariaDB"
run_ferry copy "$(my_url "$MYS")" "$(my_url "$MYD")"
check_rc "copy" 0
DDL=$(my_sql "$MYD" "SHOW CREATE TABLE e" | tr '\t' '\n')
check_match "enum kept" "enum\\('new','it''s','done'\\)" "$DDL"
check_match "set kept" "set\\('a','b'\\)" "$DDL"
check_match "stored generated column recreated" 'GENERATED ALWAYS AS \(`qty` \* 2\) STORED' "$DDL"
check_match "virtual generated column recreated" "VIRTUAL" "$DDL"
check_match "ON UPDATE kept, default as written" "DEFAULT current_timestamp\(3\) ON UPDATE current_timestamp\(3\)" "$DDL"
check_match "column comment" "COMMENT 'state of it'" "$DDL"
check_match "table comment" "COMMENT='events table'" "$DDL"
check_eq "rows, generated values computed by the target" "$(my_sql "$MYS" "SELECT id, st, tags, qty, total, half, l1, changed FROM e ORDER BY id")" \
    "$(my_sql "$MYD" "SELECT id, st, tags, qty, total, half, l1, changed FROM e ORDER BY id")"

section "MariaDB -> SQLite"
SQ=$TEST_TMP/m.db
run_ferry copy "$(my_url "$MYS")" "sqlite:///$SQ" --report "$TEST_TMP/r3.json"
check_rc "copy" 0
check_match "enum CHECK inline" "CHECK \(\"st\" IN \('new', 'it''s', 'done'\)\)" "$(sqlite_q "$SQ" ".schema e")"
check_match "comments kept in the schema text" "/\* state of it \*/" "$(sqlite_q "$SQ" ".schema e")"
check_match "a bad label is refused" "CHECK constraint failed" "$(sqlite3 "$SQ" "INSERT INTO e (st, changed) VALUES ('bad', '2024-01-01')" 2>&1)"
if have_jq; then
    check_match "ON UPDATE not kept: named warning" "ON UPDATE current_timestamp\(3\) not kept" \
        "$(jq -r '.warnings[]?.message' "$TEST_TMP/r3.json" 2>/dev/null)"
fi

section "PostgreSQL -> PostgreSQL"
run_ferry copy "$(pg_url "$PGS")" "$(pg_url "$PGM")"
check_rc "copy" 0
check_eq "enum type recreated, arrays and inet native, generated recreated" \
    "m:mood a:integer[] ta:text[] ip:inet g:integer:s" \
    "$(qdb "$PGM" "SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod) || CASE WHEN attgenerated = 's' THEN ':s' ELSE '' END, ' ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 1")"
check_eq "rows equal" "$(qdb "$PGS" "SELECT t::text FROM t ORDER BY id")" "$(qdb "$PGM" "SELECT t::text FROM t ORDER BY id")"
check_eq "comments" "the t table|how it feels" \
    "$(qdb "$PGM" "SELECT obj_description('t'::regclass) || '|' || col_description('t'::regclass, 2)")"
check_eq "enum labels in order" "sad,ok,happy" "$(qdb "$PGM" "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'mood'::regtype")"

section "PostgreSQL -> MariaDB"
run_ferry copy "$(pg_url "$PGS")" "$(my_url "$MYP")"
check_rc "copy" 0
DDL=$(my_sql "$MYP" "SHOW CREATE TABLE t" | tr '\t' '\n')
check_match "enum type -> enum(...) with its labels" "enum\\('sad','ok','happy'\\)" "$DDL"
check_match "column comment" "COMMENT 'how it feels'" "$DDL"
check_eq "arrays as JSON" '[1, 2, null]|1|1' \
    "$(my_sql "$MYP" "SELECT CONCAT(JSON_COMPACT(a), '|', JSON_VALUE(ta, '\$[2]') = 'c\"d', '|', JSON_TYPE(JSON_EXTRACT(ta, '\$[1]')) = 'NULL') FROM t WHERE id = 1" | sed 's/,\([^ ]\)/, \1/g')"
check_eq "nested array" "[[1, 2], [3, 4]]" "$(my_sql "$MYP" "SELECT JSON_COMPACT(a) FROM t WHERE id = 2" | sed 's/,\([^ ]\)/, \1/g')"

section "PostgreSQL -> SQLite"
SP=$TEST_TMP/p.db
run_ferry copy "$(pg_url "$PGS")" "sqlite:///$SP"
check_rc "copy" 0
check_eq "arrays as JSON text" '[1,2,null]|["a b",null,"c\"d"]' "$(sqlite_q "$SP" "SELECT a || '|' || ta FROM t WHERE id = 1")"
check_match "enum CHECK" "CHECK \(\"m\" IN \('sad', 'ok', 'happy'\)\)" "$(sqlite_q "$SP" ".schema t")"

section "SQLite -> SQLite: generated columns recreated"
SS=$TEST_TMP/s.db; SD=$TEST_TMP/d.db
sqlite3 "$SS" "CREATE TABLE g (id INTEGER PRIMARY KEY, a INT, v INT GENERATED ALWAYS AS (a * 3) VIRTUAL, s TEXT GENERATED ALWAYS AS ('x' || a) STORED); INSERT INTO g (a) VALUES (1), (2);"
run_ferry copy "sqlite:///$SS" "sqlite:///$SD"
check_rc "copy" 0
check_match "expressions in the target schema" "GENERATED ALWAYS AS \(a \* 3\) VIRTUAL" "$(sqlite_q "$SD" ".schema g")"
check_eq "values computed by the target" "1|1|3|x1 2|2|6|x2" "$(sqlite_q "$SD" "SELECT id, a, v, s FROM g ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"

section "SQLite -> MariaDB: a foreign key that existing rows violate"
FKS=$TEST_TMP/fk.db; MYF=${PGTEST_DB}_mf
my_dropdb "$MYF" >/dev/null 2>&1; my_createdb "$MYF"
sqlite3 "$FKS" "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, pid INT REFERENCES p (id));
INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (1, 1), (2, 2), (3, 99), (4, NULL);"
run_ferry copy "sqlite:///$FKS" "$(my_url "$MYF")" --report "$TEST_TMP/fk.json"
check_rc "copy" 0
check_eq "all rows, the orphan included (never dropped)" "4" "$(my_sql "$MYF" "SELECT count(*) FROM c")"
check_match "the key exists" "FOREIGN KEY" "$(my_sql "$MYF" "SHOW CREATE TABLE c")"
check_match "and is enforced for new rows" "foreign key constraint fails" "$(my_sql "$MYF" "INSERT INTO c VALUES (5, 77)" 2>&1)"
if have_jq; then
    check_match "the violation is a warning in the report" "existing rows violate this foreign key" \
        "$(jq -r '.warnings[]?.message' "$TEST_TMP/fk.json" 2>/dev/null)"
fi

finish
