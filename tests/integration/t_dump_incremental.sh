#!/usr/bin/env bash
# t_dump_incremental — `ferry dump --incremental` of a PostgreSQL source,
# and `ferry restore` of a base plus its increments into each engine.
# Tables cover the three ways a table is dumped (engine/incr.c):
#   accounts  --updated-at updated_at: new and changed rows
#   events    integer key (bigserial): new rows
#   tags      text primary key, no updated_at: all rows each time, merged
#             by primary key on restore
#   settings  no key at all: all rows each time, replacing the table's
# Checks: each increment holds just the rows it should (counts from the
# manifest), the restored chain equals the source (ferry verify) in
# SQLite, PostgreSQL and MariaDB, a rerun of the restore does nothing,
# and --keep never removes a dump a kept increment builds on.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
require_mariadb

SRC=${PGTEST_DB}_isrc
pg_dropdb "$SRC" >/dev/null 2>&1; pg_createdb "$SRC"
src() { pg_sql "$SRC" "$1"; }
src "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, balance numeric(12,2),
       updated_at timestamptz NOT NULL DEFAULT now());
     CREATE TABLE events (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts(id), kind text);
     CREATE TABLE tags (name text PRIMARY KEY, n integer);
     CREATE TABLE settings (k text, v text);
     INSERT INTO accounts SELECT x, 'acct ' || x, x * 10.5, '2024-01-01 00:00:00+00' FROM generate_series(1, 2000) x;
     INSERT INTO events (account_id, kind) SELECT 1 + x % 2000, 'k' || (x % 7) FROM generate_series(1, 5000) x;
     INSERT INTO tags VALUES ('red', 1), ('green', 2);
     INSERT INTO settings VALUES ('mode', 'a'), ('level', '1');" >/dev/null || fail "build the source"
BK=$TEST_TMP/bk
mkdir -p "$BK"
PAT="$BK/%Y%m%d-%H%M%S"
man() { jq -r "$2" "$BK/$1/manifest.json" 2>/dev/null; }
rows_of() { man "$1" "[.chunks[] | select(.table == \"$2\") | .rows] | add // 0"; }

section "the base: the first --incremental run of the series is a full dump"
run_ferry dump "$(pg_url "$SRC")" "$PAT" --incremental --updated-at updated_at --chunk-rows 1000
check_rc "base dump" 0
check_match "says it is the base" "full dump, the base" "$(ferry_output)"
BASE=$(readlink "$BK/latest")
check_eq "base: every row" 7004 "$(man "$BASE" .totals.rows)"
check_eq "base: accounts by updated_at, events by key, tags and settings whole" \
    "updated_at key full full" \
    "$(man "$BASE" '[.job.incremental.tables | .accounts.mode, .events.mode, .tags.mode, .settings.mode] | join(" ")')"
sleep 1.1

section "first increment"
src "UPDATE accounts SET balance = balance + 1, updated_at = '2024-02-01 00:00:00+00' WHERE id % 100 = 0;
     INSERT INTO accounts VALUES (2001, 'new one', 1, '2024-02-01 00:00:00+00');
     INSERT INTO events (account_id, kind) SELECT 2001, 'new' FROM generate_series(1, 30);
     UPDATE tags SET n = 20 WHERE name = 'green'; INSERT INTO tags VALUES ('blue', 3);
     UPDATE settings SET v = 'b' WHERE k = 'mode';" >/dev/null
run_ferry dump "$(pg_url "$SRC")" "$PAT" --incremental --updated-at updated_at --chunk-rows 1000
check_rc "first increment" 0
INC1=$(readlink "$BK/latest")
check_eq "it builds on the base" "$BASE $BASE" "$(man "$INC1" '"\(.job.incremental.previous) \(.job.incremental.base)"')"
check_eq "accounts: the 20 changed rows and the new one" 21 "$(rows_of "$INC1" accounts)"
check_eq "events: the 30 new rows" 30 "$(rows_of "$INC1" events)"
check_eq "tags: all rows" 3 "$(rows_of "$INC1" tags)"
check_eq "settings: all rows" 2 "$(rows_of "$INC1" settings)"
run_ferry verify "$BK/$INC1"
check_rc "verify DIR on the increment" 0
sleep 1.1

section "second increment"
src "UPDATE accounts SET name = 'renamed', updated_at = '2024-03-01 00:00:00+00' WHERE id = 7;
     INSERT INTO events (account_id, kind) VALUES (7, 'renamed');
     DELETE FROM settings WHERE k = 'level'; INSERT INTO settings VALUES ('extra', 'x');" >/dev/null
run_ferry dump "$(pg_url "$SRC")" "$PAT" --incremental --updated-at updated_at --chunk-rows 1000
check_rc "second increment" 0
INC2=$(readlink "$BK/latest")
check_eq "it builds on the first increment, same base" "$INC1 $BASE" "$(man "$INC2" '"\(.job.incremental.previous) \(.job.incremental.base)"')"
check_eq "accounts: the one changed row" 1 "$(rows_of "$INC2" accounts)"
check_eq "events: the one new row" 1 "$(rows_of "$INC2" events)"
check "no more chunk files than needed (events: chunks below the mark dropped)" \
    test "$(man "$INC2" '[.chunks[] | select(.table == "events")] | length')" -le 2

for t in sqlite pg my; do
    section "restore the chain into $t"
    case $t in
        sqlite) url="sqlite:///$TEST_TMP/chain.db" ;;
        pg) db=${PGTEST_DB}_chain; pg_dropdb "$db" >/dev/null 2>&1; pg_createdb "$db"; url=$(pg_url "$db") ;;
        my) db=${PGTEST_DB}_chain; my_dropdb "$db" >/dev/null 2>&1; my_createdb "$db"; url=$(my_url "$db") ;;
    esac
    run_ferry restore "$BK/latest" "$url"
    check_rc "$t: restore latest (base + 2 increments)" 0
    check_match "$t: the base first, then the increments in order" \
        "restoring the base dump .*$BASE.*applying the increment .*$INC1.*applying the increment .*$INC2" \
        "$(ferry_output | tr '\n' ' ')"
    run_ferry verify "$(pg_url "$SRC")" "$url"
    check_rc "$t: ferry verify source vs restored: equal" 0
    run_ferry restore "$BK/latest" "$url"
    check_rc "$t: restore again: nothing to do" 0
    check_eq "$t: every step already finished" 3 "$(ferry_output | grep -c 'already finished')"
done

section "--keep keeps what increments build on"
sleep 1.1
run_ferry dump "$(pg_url "$SRC")" "$PAT" --incremental --updated-at updated_at --keep 1 --quiet
check_rc "a third increment with --keep 1" 0
for d in "$BASE" "$INC1" "$INC2"; do
    check "$d is kept: the newest increment builds on it" test -f "$BK/$d/manifest.json"
done
run_ferry restore "$BK/latest" "sqlite:///$TEST_TMP/chain2.db" --quiet
check_rc "the whole chain still restores" 0
run_ferry verify "$(pg_url "$SRC")" "sqlite:///$TEST_TMP/chain2.db" --quiet
check_rc "and equals the source" 0

section "usage"
run_ferry dump "$(pg_url "$SRC")" "$TEST_TMP/plain" --incremental
check_rc "--incremental without a series is refused" 2
finish
