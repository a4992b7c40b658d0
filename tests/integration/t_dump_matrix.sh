#!/usr/bin/env bash
# t_dump_matrix — dumps from every engine restore into every engine
# (issue: portable dumps). The edge-value table of t_matrix
# (tests/lib/matrix.sh: every logical type at its limits, a 1 MiB blob,
# 4-byte UTF-8, ±Infinity/NaN/-0 where the source holds them, ...) is built
# natively in SQLite, PostgreSQL and MariaDB, with a second table that
# references it (a foreign key, an index, a view on top). Each source is
# dumped (`ferry dump`), checked alone (`ferry verify DIR`), then restored
# into each of the three engines (`ferry restore`). A restore must give
# exactly what a live `ferry copy` of the same source gives: the same
# values (canonical dumps compared value by value), the same column
# types, the same exit code and rejects; and `ferry verify SOURCE TARGET`
# says equal where the pair loses nothing. t_matrix checks the live copy
# against the source, so together they check the restore against it.
source "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=../lib/matrix.sh
source "$TLIB/matrix.sh"
require_ferry
require_mariadb

mx_engines
eng_sql() {
    case $1 in
        sqlite) sqlite3 -batch "$TEST_TMP/$2.db" "$3" ;;
        pg) pg_sql "$2" "$3" ;;
        my) my_sql "$2" "$3" ;;
    esac
}
eng_dump() {
    local e=$1 n=$2 t=$3
    shift 3
    case $e in
        sqlite) dump_sqlite "$TEST_TMP/$n.db" "$t" "$@" ;;
        pg) dump_pg "$n" "$t" "$@" ;;
        my) dump_my "$n" "\"$t\"" "$@" ;;
    esac
}
# eng_schema ENGINE NAME — columns with their types, indexes and foreign
# keys of the user tables, one a line (ferry's state tables left out).
eng_schema() {
    case $1 in
        sqlite) sqlite_q "$TEST_TMP/$2.db" "SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' || p.pk
                 FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE '_ferry%' AND m.name <> 'sqlite_sequence'
                 UNION ALL SELECT 'index ' || name || ' ' || tbl_name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' AND tbl_name NOT LIKE '_ferry%'
                 UNION ALL SELECT 'view ' || name FROM sqlite_master WHERE type = 'view'
                 UNION ALL SELECT 'fk ' || m.name || ' ' || f.\"from\" || ' ' || f.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'" | sort ;;
        pg) pg_sql "$2" "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped
                 UNION ALL SELECT 'index ' || indexname || ' ' || tablename FROM pg_indexes WHERE schemaname = 'public'
                 UNION ALL SELECT 'constraint ' || conname || ' ' || contype FROM pg_constraint WHERE connamespace = 'public'::regnamespace" | sort ;;
        my) my_sql "$2" "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IS_NULLABLE) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE '\\_ferry%'
                 UNION ALL SELECT CONCAT('index ', INDEX_NAME, ' ', TABLE_NAME, ' ', COLUMN_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE '\\_ferry%'
                 UNION ALL SELECT CONCAT('fk ', CONSTRAINT_NAME, ' ', TABLE_NAME, ' ', REFERENCED_TABLE_NAME) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()" | sort ;;
    esac
}

# A second table referencing m, an index on it and a view: what a dump
# must carry besides the data (keys, foreign keys, indexes, views).
add_child() {
    local e=$1 n=$2 ids
    ids=$(mx_ids "$e" | head -n 5 | tr '\n' ' ')
    eng_sql "$e" "$n" "CREATE TABLE child (cid INTEGER NOT NULL PRIMARY KEY, m_id BIGINT REFERENCES m(id), label VARCHAR(40) NOT NULL DEFAULT 'none')"
    eng_sql "$e" "$n" "CREATE INDEX child_label ON child (label)"
    local i=0 id
    for id in $ids; do
        i=$((i + 1))
        eng_sql "$e" "$n" "INSERT INTO child (cid, m_id, label) VALUES ($i, $id, 'row $i')"
    done
    eng_sql "$e" "$n" "CREATE VIEW child_view AS SELECT cid, label FROM child WHERE cid > 1"
}

# An app's table every engine holds exactly (no edge value any engine
# lacks): verify must find the restore equal to the source for all 9 pairs.
add_app() {
    case $1 in
        sqlite) eng_sql sqlite "$2" "CREATE TABLE app (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(10,2), created TIMESTAMP, flag BOOLEAN, data BLOB);
                 WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200)
                 INSERT INTO app SELECT x, 'name ' || x || ' é', x * 1.25, datetime(1700000000 + x * 3607, 'unixepoch'), x % 2, CASE WHEN x % 7 = 0 THEN NULL ELSE randomblob(12) END FROM c" ;;
        pg) eng_sql pg "$2" "CREATE TABLE app (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(10,2), created timestamp, flag boolean, data bytea);
                 INSERT INTO app SELECT x, 'name ' || x || ' é', x * 1.25, to_timestamp(1700000000 + x * 3607) AT TIME ZONE 'UTC', x % 2 = 1, CASE WHEN x % 7 = 0 THEN NULL ELSE decode(md5(x::text), 'hex') END FROM generate_series(1, 200) x" ;;
        my) eng_sql my "$2" "CREATE TABLE app (id bigint PRIMARY KEY, name varchar(100) NOT NULL, amount decimal(10,2), created datetime, flag boolean, data blob);
                 INSERT INTO app WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200)
                 SELECT x, CONCAT('name ', x, ' é'), x * 1.25, FROM_UNIXTIME(1700000000 + x * 3607), x % 2, CASE WHEN x % 7 = 0 THEN NULL ELSE UNHEX(MD5(x)) END FROM c" ;;
    esac
}

section "the sources, built natively"
SRC=${PGTEST_DB}_dsrc
for s in "${ENGINES[@]}"; do
    eng_fresh "$s" "$SRC" >/dev/null 2>&1
    check "build the fixture in ${LONG[$s]}" mx_make_"$s" "$(case $s in sqlite) echo "$TEST_TMP/$SRC.db" ;; *) echo "$SRC" ;; esac)"
    check "add the child table, its index and a view in ${LONG[$s]}" add_child "$s" "$SRC"
    check "add the app table in ${LONG[$s]}" add_app "$s" "$SRC"
done
[ "$(my_sql "$SRC" "SELECT @@time_zone")" = SYSTEM ] || note "MariaDB time zone: $(my_sql "$SRC" "SELECT @@time_zone")"

for s in "${ENGINES[@]}"; do
    D=$TEST_TMP/dump-$s
    section "dump ${LONG[$s]}"
    run_ferry dump "$(eng_url "$s" "$SRC")" "$D" --report "$TEST_TMP/dump-$s.json" --chunk-rows 4 \
        --rejects "$TEST_TMP/dump-$s.rej"
    # MySQL's zero date is no date: rejected when dumped, as a live copy
    # rejects it (--zero-dates null would keep it as NULL).
    if [ "$s" = my ]; then
        check_rc "dump ${LONG[$s]} (the zero date rejected)" 5
        check_eq "the dump's rejects name the zero date's row and column" '["m",16,"zd"]' \
            "$(jq -c '[.table, .key, .column]' "$TEST_TMP/dump-$s.rej" 2>&1)"
    else
        check_rc "dump ${LONG[$s]}" 0
    fi
    check "the dump has its manifest" test -s "$D/manifest.json"
    check_eq "the manifest says complete" true "$(jqf "$D/manifest.json" .complete)"
    check_eq "the manifest names the source engine" "${LONG[$s]}" "$(jqf "$D/manifest.json" .source.engine)"
    check_eq "the manifest holds the three tables" "app child m" "$(jqf "$D/manifest.json" '[.schema.tables[].name] | sort | join(" ")')"
    check_eq "the manifest holds the view" child_view "$(jqf "$D/manifest.json" '.schema.views[].name')"
    nrows=$(( $(mx_ids "$s" | wc -l) + 5 + 200 - $(cat "$TEST_TMP/dump-$s.rej" 2>/dev/null | wc -l) ))
    check_eq "the manifest counts every row" "$nrows" "$(jqf "$D/manifest.json" .totals.rows)"
    check "several chunk files (--chunk-rows 4)" test "$(ls "$D/data" | grep -c '\.fdc$')" -gt 2
    check "no password or temp file left behind" test -z "$(ls "$D/data" | grep -v '\.fdc$')"
    run_ferry verify "$D"
    check_rc "ferry verify DIR" 0
    check_match "verify DIR reports OK" "^OK: " "$(cat "$OUT")"

    for t in "${ENGINES[@]}"; do
        label="${LONG[$s]} dump -> ${LONG[$t]}"
        section "$label"
        LIVE=${PGTEST_DB}_live_${s}_$t
        REST=${PGTEST_DB}_rest_${s}_$t
        eng_fresh "$t" "$LIVE" >/dev/null 2>&1
        eng_fresh "$t" "$REST" >/dev/null 2>&1
        run_ferry copy "$(eng_url "$s" "$SRC")" "$(eng_url "$t" "$LIVE")" --rejects "$TEST_TMP/live.rej"
        live_rc=$RC
        run_ferry restore "$D" "$(eng_url "$t" "$REST")" --rejects "$TEST_TMP/rest.rej" --report "$TEST_TMP/rest-$s-$t.json"
        # Rows the dump rejected are not in it: the dump's rejects and the
        # restore's together are the live copy's.
        if [ -s "$TEST_TMP/rest.rej" ]; then check_rc "$label: restore (rows rejected)" 5
        else check_rc "$label: restore" 0; fi
        cat "$TEST_TMP/dump-$s.rej" >>"$TEST_TMP/rest.rej" 2>/dev/null
        check "$label: the report is JSON" json_valid "$TEST_TMP/rest-$s-$t.json"
        spec=("${SPEC_COMMON[@]}"); [ "$s" = my ] && spec=("${SPEC_MY[@]}")
        eng_dump "$t" "$LIVE" m "${spec[@]}" >"$TEST_TMP/live.m" 2>&1
        eng_dump "$t" "$REST" m "${spec[@]}" >"$TEST_TMP/rest.m" 2>&1
        check "$label: table m restored value by value as the live copy has it" \
            cmp -s "$TEST_TMP/live.m" "$TEST_TMP/rest.m"
        cmp -s "$TEST_TMP/live.m" "$TEST_TMP/rest.m" || diff "$TEST_TMP/live.m" "$TEST_TMP/rest.m" | head -n 8 | sed 's/^/    /'
        check "$label: table m has its rows" test "$(wc -l <"$TEST_TMP/rest.m")" -ge 5
        eng_dump "$t" "$LIVE" child int:cid int:m_id text:label >"$TEST_TMP/live.c" 2>&1
        eng_dump "$t" "$REST" child int:cid int:m_id text:label >"$TEST_TMP/rest.c" 2>&1
        check "$label: table child restored as the live copy has it" cmp -s "$TEST_TMP/live.c" "$TEST_TMP/rest.c"
        check_eq "$label: child has its 5 rows" 5 "$(wc -l <"$TEST_TMP/rest.c")"
        eng_schema "$t" "$LIVE" >"$TEST_TMP/live.s"
        eng_schema "$t" "$REST" >"$TEST_TMP/rest.s"
        check "$label: same column types, keys, indexes, foreign keys and view as the live copy" \
            cmp -s "$TEST_TMP/live.s" "$TEST_TMP/rest.s"
        cmp -s "$TEST_TMP/live.s" "$TEST_TMP/rest.s" || diff "$TEST_TMP/live.s" "$TEST_TMP/rest.s" | head -n 8 | sed 's/^/    /'
        check_eq "$label: the same rows rejected (by the dump or the restore) as by the live copy" \
            "$(jq -c '[.table, .key, .column]' "$TEST_TMP/live.rej" 2>/dev/null | sort)" \
            "$(jq -c '[.table, .key, .column]' "$TEST_TMP/rest.rej" 2>/dev/null | sort)"
        # verify where nothing was rejected and no column is lossy (SQLite
        # keeps no 38-digit decimal): every row must then compare equal
        if [ "$live_rc" = 0 ] && [ "$s:$t" != my:sqlite ] && [ "$s:$t" != pg:sqlite ]; then
            run_ferry verify "$(eng_url "$s" "$SRC")" "$(eng_url "$t" "$REST")" --quiet
            check_rc "$label: ferry verify SOURCE RESTORED says equal" 0
        fi
        run_ferry verify "$(eng_url "$s" "$SRC")" "$(eng_url "$t" "$REST")" --tables app
        check_rc "$label: ferry verify SOURCE RESTORED: table app equal" 0
        check_match "$label: verify compared app's 200 rows" "app: 200 rows equal" "$(cat "$OUT")"
        rm -f "$TEST_TMP/live.rej" "$TEST_TMP/rest.rej"
    done
done
finish
