#!/usr/bin/env bash
# t_autoincrement — an app whose SQLite tables use AUTOINCREMENT keeps its
# promise on PostgreSQL: ids are never reused, even the deleted ones above
# the current max(id); a plain INTEGER PRIMARY KEY continues at max(id)+1.
# A virtual table (FTS5) is not copied and is reported as skipped, with its
# text, rather than left out silently.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

S=$TEST_TMP/autoinc.db
sqlite3 -batch -bail "$S" <<'SQL'
CREATE TABLE tickets (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL);
INSERT INTO tickets (title) VALUES ('a'), ('b'), ('c'), ('d'), ('e');
DELETE FROM tickets WHERE id IN (4, 5);
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO notes (body) VALUES ('x'), ('y'), ('z');
DELETE FROM notes WHERE id = 3;
CREATE TABLE empty_auto (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);
CREATE VIRTUAL TABLE docs USING fts5(title, body);
INSERT INTO docs VALUES ('hello', 'world');
SQL
check_eq "source: AUTOINCREMENT high-water mark is 5 while max(id) is 3" "5|3" \
    "$(sqlite_q "$S" "SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'tickets'), max(id) FROM tickets")"

run_ferry copy "sqlite:///$S" "$PGTEST_URL_DB" --report "$TEST_TMP/report.json"
check_rc "copy" 0
check_eq "3 tickets copied" 3 "$(pg_count "$PGTEST_DB" tickets)"
check_eq "AUTOINCREMENT: the next ticket gets 6, never a deleted id" 6 \
    "$(q "INSERT INTO tickets (title) VALUES ('f') RETURNING id")"
check_eq "INTEGER PRIMARY KEY: the next note gets max(id)+1 = 3, as SQLite would" 3 \
    "$(q "INSERT INTO notes (body) VALUES ('w') RETURNING id")"
check_eq "an empty AUTOINCREMENT table starts at 1" 1 \
    "$(q "INSERT INTO empty_auto (v) VALUES ('v') RETURNING id")"
check_eq "the FTS5 virtual table and its shadow tables are not created" "" \
    "$(q "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'docs%'")"
if have_jq; then
    check_eq "the report lists the virtual table as skipped, with its text" "table|docs|1" \
        "$(jqf "$TEST_TMP/report.json" '.skipped[] | select(.name == "docs") | "\(.kind)|\(.name)|\(.text | test("fts5"; "i") | if . then 1 else 0 end)"')"
else
    fail "jq is needed for the report check (tests/lib/deps.sh installs it)"
fi
finish
