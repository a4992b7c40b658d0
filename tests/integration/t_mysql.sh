#!/usr/bin/env bash
# t_mysql — MySQL/MariaDB as a target and as a source, against a throwaway
# MariaDB: an app's SQLite database moved to MariaDB (every type, keys,
# AUTO_INCREMENT positioned) and read back value by value; the Chinook MySQL
# form copied to PostgreSQL and to SQLite equals the Chinook SQLite form
# (except the 4 track names the mariadb client loses a backslash from, as the
# fixture's README says); MariaDB -> MariaDB; a SIGKILL mid-copy into MariaDB
# and a rerun give exactly the source's rows; the Chinook SQLite form moved
# to MariaDB equals its source; a wrong password says so without printing it.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
require_mariadb

MYA=${PGTEST_DB}_a
my_dropdb "$MYA" >/dev/null 2>&1; my_createdb "$MYA"
SRC=$TEST_TMP/src.db
gen_all_types "$SRC" || { fail "generate"; finish; }

section "SQLite -> MariaDB -> SQLite: every value survives the trip"
run_ferry copy "sqlite:///$SRC" "$(my_url "$MYA")" --report "$TEST_TMP/r1.json"
check_rc "SQLite -> MariaDB" 0
check_eq "MariaDB column types (bigint, bool, numeric, blob, datetime, json)" "bigint(20)|tinyint(1)|decimal(10,2)|longblob|datetime(6)|json" \
    "$(my_sql "$MYA" "SELECT GROUP_CONCAT(COLUMN_TYPE ORDER BY ORDINAL_POSITION SEPARATOR '|') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'all_types' AND COLUMN_NAME IN ('c_bool','c_bigint','c_numeric','c_datetime','c_blob','c_json')" | sed 's/longtext/json/')"
check_eq "AUTO_INCREMENT continues after the source's high-water mark" \
    "$(( $(sqlite_q "$SRC" "SELECT seq FROM sqlite_sequence WHERE name = 'all_types'") + 1 ))" \
    "$(my_sql "$MYA" "INSERT INTO all_types (c_int) VALUES (1); SELECT LAST_INSERT_ID();" | tail -n 1)"
my_sql "$MYA" "DELETE FROM all_types WHERE c_int = 1 AND c_text IS NULL AND c_bigint IS NULL" >/dev/null
check_eq "foreign keys created on MariaDB" "$(sqlite_q "$SRC" "SELECT count(*) FROM (SELECT DISTINCT m.name, f.id FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table')")" \
    "$(my_sql "$MYA" "SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()")"
BACK=$TEST_TMP/back.db
run_ferry copy "$(my_url "$MYA")" "sqlite:///$BACK" --exclude '_ferry*'
check_rc "MariaDB -> SQLite" 0
cmp_sq() {
    local rel=$1; shift
    dump_sqlite "$SRC" "$rel" "$@" >"$TEST_TMP/a.dump" && dump_sqlite "$BACK" "$rel" "$@" >"$TEST_TMP/b.dump" &&
        compare_files "$rel" "$TEST_TMP/a.dump" "$TEST_TMP/b.dump"
}
check "all_types content after the round trip" cmp_sq all_types \
    int:id int:c_int int:c_bigint int:c_smallint bool:c_bool f64:c_real f64:c_double f64:c_float \
    dec2:c_numeric dec4:c_decimal text:c_text text:c_varchar text:c_nvarchar text:c_char text:c_clob \
    blob:c_blob date:c_date ts:c_datetime ts:c_timestamp time:c_time json:c_json uuid:c_uuid text:c_untyped
check '"Order Details" (odd names) after the round trip' cmp_sq '"Order Details"' \
    int:id int:OrderID 'dec2:Unit "Price"' text:select text:ünïcödé
check "event_log (keyless) after the round trip" cmp_sq event_log ts:ts text:level text:message
check "alembic_version after the round trip" cmp_sq alembic_version text:version_num

FIX=$(cd "$REPO/.." && pwd)/shared/fixtures/chinook
if [ -f "$FIX/Chinook_MySql_AutoIncrementPKs.sql" ] && [ -f "$FIX/Chinook_Sqlite.sqlite" ]; then
    section "Chinook, MySQL form (AUTO_INCREMENT ids) -> PostgreSQL and -> SQLite, equal to the SQLite form"
    MYC=${PGTEST_DB}_chinook
    sed "s/\`Chinook_AutoIncrement\`/\`$MYC\`/g" "$FIX/Chinook_MySql_AutoIncrementPKs.sql" | my_sql "" - >/dev/null 2>"$TEST_TMP/load.err" ||
        { fail "load Chinook_MySql.sql"; cat "$TEST_TMP/load.err"; }
    declare -A SPEC=(
      [Album]="int:AlbumId text:Title int:ArtistId"
      [Artist]="int:ArtistId text:Name"
      [Customer]="int:CustomerId text:FirstName text:LastName text:Company text:Address text:City text:State text:Country text:PostalCode text:Phone text:Fax text:Email int:SupportRepId"
      [Employee]="int:EmployeeId text:LastName text:FirstName text:Title int:ReportsTo ts:BirthDate ts:HireDate text:Address text:City text:State text:Country text:PostalCode text:Phone text:Fax text:Email"
      [Genre]="int:GenreId text:Name"
      [Invoice]="int:InvoiceId int:CustomerId ts:InvoiceDate text:BillingAddress text:BillingCity text:BillingState text:BillingCountry text:BillingPostalCode dec2:Total"
      [InvoiceLine]="int:InvoiceLineId int:InvoiceId int:TrackId dec2:UnitPrice int:Quantity"
      [MediaType]="int:MediaTypeId text:Name"
      [Playlist]="int:PlaylistId text:Name"
      [PlaylistTrack]="int:PlaylistId int:TrackId"
      [Track]="int:TrackId text:Name int:AlbumId int:MediaTypeId int:GenreId text:Composer int:Milliseconds int:Bytes dec2:UnitPrice"
    )
    CSQ=$TEST_TMP/chinook_from_mysql.db
    run_ferry copy "$(my_url "$MYC")" "sqlite:///$CSQ"
    check_rc "MariaDB Chinook -> SQLite" 0
    PGC=${PGTEST_DB}_chinook; pg_dropdb "$PGC"; pg_createdb "$PGC"
    run_ferry copy "$(my_url "$MYC")" "$(pg_url "$PGC")" --jobs 3
    check_rc "MariaDB Chinook -> PostgreSQL" 0
    for t in "${!SPEC[@]}"; do
        # The 4 track names with a backslash lost it when the script went
        # through the mariadb client (fixture README): backslashes (escaped
        # as \\ in the dumps) are left out of this comparison on every side.
        # shellcheck disable=SC2086
        dump_sqlite "$FIX/Chinook_Sqlite.sqlite" "\"$t\"" ${SPEC[$t]} | sed 's/\\\\//g' >"$TEST_TMP/ref"
        # shellcheck disable=SC2086
        dump_sqlite "$CSQ" "\"$t\"" ${SPEC[$t]} | sed 's/\\\\//g' >"$TEST_TMP/sq"
        # shellcheck disable=SC2086
        dump_pg "$PGC" "\"$t\"" ${SPEC[$t]} | sed 's/\\\\//g' >"$TEST_TMP/pg"
        check "$t: MySQL form -> SQLite equals the SQLite form" compare_files "$t" "$TEST_TMP/ref" "$TEST_TMP/sq"
        check "$t: MySQL form -> PostgreSQL equals the SQLite form" compare_files "$t" "$TEST_TMP/ref" "$TEST_TMP/pg"
    done
    check_eq "PostgreSQL: 11 primary keys and 11 foreign keys" "11|11" \
        "$(qdb "$PGC" "SELECT count(*) FILTER (WHERE contype = 'p'), count(*) FILTER (WHERE contype = 'f') FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'")"
    check_eq "PostgreSQL: the next Artist gets max+1" 276 \
        "$(qdb "$PGC" "INSERT INTO \"Artist\" (\"Name\") VALUES ('x') RETURNING \"ArtistId\"")"

    section "MariaDB -> MariaDB"
    MYD=${PGTEST_DB}_copy; my_dropdb "$MYD" >/dev/null 2>&1; my_createdb "$MYD"
    run_ferry copy "$(my_url "$MYC")" "$(my_url "$MYD")" --jobs 2
    check_rc "MariaDB -> MariaDB" 0
    # Read the copy back into SQLite and compare it with the reference too.
    CSQ2=$TEST_TMP/chinook_mysql_copy.db
    run_ferry copy "$(my_url "$MYD")" "sqlite:///$CSQ2" --exclude '_ferry*'
    check_rc "the copy, read back into SQLite" 0
    for t in Album Customer Invoice InvoiceLine Track; do
        # shellcheck disable=SC2086
        dump_sqlite "$FIX/Chinook_Sqlite.sqlite" "\"$t\"" ${SPEC[$t]} | sed 's/\\\\//g' >"$TEST_TMP/ref"
        # shellcheck disable=SC2086
        dump_sqlite "$CSQ2" "\"$t\"" ${SPEC[$t]} | sed 's/\\\\//g' >"$TEST_TMP/sq"
        check "$t: MariaDB -> MariaDB keeps every value" compare_files "$t" "$TEST_TMP/ref" "$TEST_TMP/sq"
    done
    section "Chinook, SQLite form -> MariaDB, equal to the SQLite source"
    MYS=${PGTEST_DB}_from_sqlite; my_dropdb "$MYS" >/dev/null 2>&1; my_createdb "$MYS"
    run_ferry copy "sqlite:///$FIX/Chinook_Sqlite.sqlite" "$(my_url "$MYS")" --jobs 3
    check_rc "SQLite Chinook -> MariaDB" 0
    CSQ3=$TEST_TMP/chinook_sqlite_via_mariadb.db
    run_ferry copy "$(my_url "$MYS")" "sqlite:///$CSQ3" --exclude '_ferry*'
    check_rc "... read back into SQLite" 0
    for t in "${!SPEC[@]}"; do
        # shellcheck disable=SC2086
        dump_sqlite "$FIX/Chinook_Sqlite.sqlite" "\"$t\"" ${SPEC[$t]} >"$TEST_TMP/ref"
        # shellcheck disable=SC2086
        dump_sqlite "$CSQ3" "\"$t\"" ${SPEC[$t]} >"$TEST_TMP/sq"
        check "$t: SQLite form -> MariaDB equals the source (backslashes included)" compare_files "$t" "$TEST_TMP/ref" "$TEST_TMP/sq"
    done
    check_eq "MariaDB: 11 foreign keys" 11 \
        "$(my_sql "$MYS" "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()")"
    my_dropdb "$MYS" >/dev/null 2>&1
    my_dropdb "$MYC" >/dev/null 2>&1; my_dropdb "$MYD" >/dev/null 2>&1; pg_dropdb "$PGC"
else
    note "skipped the Chinook part: fixture not present ($FIX)"
fi

section "SIGKILL mid-copy into MariaDB, then rerun"
B=$TEST_TMP/big.db
gen_big "$B" 100000 || { fail "generate"; finish; }
MYK=${PGTEST_DB}_kill; my_dropdb "$MYK" >/dev/null 2>&1; my_createdb "$MYK"
rm -f "$TEST_TMP/k.ndjson"
"$FERRY" copy "sqlite:///$B" "$(my_url "$MYK")" --chunk-rows 5000 --jobs 3 --progress "$TEST_TMP/k.ndjson" >/dev/null 2>&1 &
pid=$!; T_BG_PIDS+=("$pid")
wait_for 120 test "$(count_events "$TEST_TMP/k.ndjson" chunk_done)" -ge 4
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
c=$(my_sql "$MYK" "SELECT COUNT(*) FROM events" 2>/dev/null)
note "after the kill: ${c:-?} event rows"
check "only whole chunks were committed" test $(( ${c:-0} % 5000 )) -eq 0 -o "${c:-0}" -eq 100000
run_ferry copy "sqlite:///$B" "$(my_url "$MYK")" --chunk-rows 5000 --jobs 3
check_rc "rerun" 0
check_eq "exactly the source's rows" "$(sqlite_q "$B" 'SELECT count(*), count(DISTINCT id), sum(id), sum(length(body)) FROM events' | tr '|' '\t')" \
    "$(my_sql "$MYK" 'SELECT COUNT(*), COUNT(DISTINCT id), SUM(id), SUM(CHAR_LENGTH(body)) FROM events')"
my_dropdb "$MYK" >/dev/null 2>&1

section "MySQL zero dates: rejected by default, NULL with --zero-dates null (counted)"
MYZ=${PGTEST_DB}_zd; my_dropdb "$MYZ" >/dev/null 2>&1; my_createdb "$MYZ"
my_sql "$MYZ" "SET SESSION sql_mode = ''; CREATE TABLE ev (id INT PRIMARY KEY, d DATE, t DATETIME);
INSERT INTO ev VALUES (1, '2024-01-02', '2024-01-02 03:04:05'), (2, '0000-00-00', '0000-00-00 00:00:00'),
                      (3, '2024-00-10', '2024-01-02 00:00:00');"
PZ1=${PGTEST_DB}_zd1; pg_dropdb "$PZ1"; pg_createdb "$PZ1"
run_ferry copy "$(my_url "$MYZ")" "$(pg_url "$PZ1")" --rejects "$TEST_TMP/zd.ndjson"
check_rc "by default: finished with rejected rows" 5
check_eq "... the two rows with zero dates are rejected, the good one copied" "1|2" \
    "$(qdb "$PZ1" 'SELECT count(*) FROM ev')|$(grep -c . "$TEST_TMP/zd.ndjson")"
check_match "... the reason names the zero date" "0000-00-00|2024-00-10" "$(cat "$TEST_TMP/zd.ndjson")"
PZ2=${PGTEST_DB}_zd2; pg_dropdb "$PZ2"; pg_createdb "$PZ2"
run_ferry copy "$(my_url "$MYZ")" "$(pg_url "$PZ2")" --zero-dates null --report "$TEST_TMP/zd.json"
check_rc "--zero-dates null" 0
check_eq "... every row copied, zero dates as NULL, real dates kept" "1|2024-01-02|2024-01-02 03:04:05;2||;3||2024-01-02 00:00:00" \
    "$(qdb "$PZ2" "SELECT string_agg(id || '|' || coalesce(d::text, '') || '|' || coalesce(t::text, ''), ';' ORDER BY id) FROM ev")"
check_eq "... and the report counts them per column" "2|1" \
    "$(jq -r '[.tables[] | select(.name == "ev") | .columns[] | select(.name == "d" or .name == "t") | .conversions.zero_date_to_null // 0] | map(tostring) | join("|")' "$TEST_TMP/zd.json")"
pg_dropdb "$PZ1"; pg_dropdb "$PZ2"; my_dropdb "$MYZ" >/dev/null 2>&1

section "MariaDB native types: the binary protocol reads what the text protocol reads"
# ferry reads MySQL rows over the binary protocol (prepared statements);
# FERRY_MYSQL_TEXT_PROTOCOL=1 makes it read over the text protocol. Dumps of
# the same snapshot through both must hold the same bytes (the chunks'
# payload checksums), and a MariaDB -> MariaDB copy must show the same
# values as its source through the server's own text.
MYN=${PGTEST_DB}_nat; my_dropdb "$MYN" >/dev/null 2>&1; my_createdb "$MYN"
MYN2=${PGTEST_DB}_nat2; my_dropdb "$MYN2" >/dev/null 2>&1; my_createdb "$MYN2"
my_sql "$MYN" "SET SESSION sql_mode = '';
CREATE TABLE nat (id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED, f FLOAT, f73 FLOAT(7,3), d DOUBLE, d52 DOUBLE(5,2),
  dec1 DECIMAL(65,30), dec2 DECIMAL(10,2), dt DATE, dtm DATETIME, dtm3 DATETIME(3),
  dtm6 DATETIME(6), ts TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL,
  tm TIME, tm2 TIME(2), y YEAR, b1 BIT(1), b13 BIT(13), c CHAR(10), vc VARCHAR(300),
  tx TEXT, lt LONGTEXT, bin BINARY(4), vb VARBINARY(10), bl BLOB, lb LONGBLOB,
  e ENUM('a','b','c'), st SET('x','y','z'), j JSON, bo BOOLEAN);
INSERT INTO nat VALUES
 (1, -128, 0, -32768, -8388608, -2147483648, 0, -9223372036854775808, 0, -3.40282e38, -9999.999,
  -1.7976931348623157e308, -999.99, '-99999999999999999999999999999999999.999999999999999999999999999999',
  -99999999.99, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.001', '2024-02-29 23:59:59.999999',
  '1970-01-01 00:00:01', '2038-01-19 03:14:07.999999', '-838:59:59', '-00:00:01.5', 1901, b'0', b'1010101010101',
  'abc', 'héllo wörld 🎉', '', REPEAT('x', 200000), UNHEX('00010203'), UNHEX('00'), '', REPEAT(UNHEX('FF'), 70000),
  'a', 'x,z', '{\"a\": [1, 2.5, \"x\"]}', 0),
 (2, 127, 255, 32767, 8388607, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
  3.40282e38, 9999.999, 1.7976931348623157e308, 999.99, '0.000000000000000000000000000001', 0.01,
  '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999', '0001-01-01 00:00:00.000001',
  '2024-01-02 03:04:05', '2024-01-02 03:04:05.000100', '838:59:59', '12:34:56.78', 2155, b'1', b'1111111111111',
  'trail  ', REPEAT('é', 300), REPEAT('t', 65535), 'lt', UNHEX('FFFFFFFF'), UNHEX('00FF00'), UNHEX('000A0D09'), UNHEX('00'),
  'c', 'x,y,z', '[]', 1),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 1, 0, 0, 0, 1, 0, 9223372036854775808, 1.1, 1.235, 0.1, 1.1, '0.5', 0, '0000-00-00', '0000-00-00 00:00:00',
  '2024-01-02 03:04:05.100', '2024-01-02 03:04:05.000000', NULL, NULL, '100:00:00', '00:00:00.05', 2024, b'0', b'0',
  '', '', 'line1\nline2\ttab', '', UNHEX('00000000'), '', NULL, '', 'b', '', '{}', 0);" >/dev/null
check_eq "the native-types table holds its 4 rows" 4 "$(my_sql "$MYN" 'SELECT COUNT(*) FROM nat')"
run_ferry dump "$(my_url "$MYN")" "$TEST_TMP/nat-bin" --zero-dates null
check_rc "dump over the binary protocol" 0
FERRY_MYSQL_TEXT_PROTOCOL=1 run_ferry dump "$(my_url "$MYN")" "$TEST_TMP/nat-txt" --zero-dates null
check_rc "dump over the text protocol" 0
sums() { jq -r '[.. | objects | select(has("checksum")) | "\(.rows) \(.checksum)"] | sort | .[]' "$1/manifest.json"; }
check_eq "... both dumps hold the same bytes" "$(sums "$TEST_TMP/nat-txt")" "$(sums "$TEST_TMP/nat-bin")"
check_match "... and hold the 4 rows" "^4 " "$(sums "$TEST_TMP/nat-bin")"
run_ferry copy "$(my_url "$MYN")" "$(my_url "$MYN2")" --zero-dates null
check_rc "MariaDB -> MariaDB over the binary protocol" 0
# BIT(13) comes back as bytes (mappings/mysql.map): compared as a number;
# TIME by seconds and microseconds.
natq="SELECT id, ti, tiu, si, mi, i, iu, bi, biu, f, f73, d, d52, dec1, dec2, dt, dtm, dtm3, dtm6, ts, ts6,
  CONCAT(TRUNCATE(TIME_TO_SEC(tm), 0), '/', MICROSECOND(tm)), CONCAT(TRUNCATE(TIME_TO_SEC(tm2), 0), '/', MICROSECOND(tm2)), y,
  HEX(b1), CONV(HEX(b13), 16, 10), c, vc, MD5(tx), MD5(lt), HEX(bin), HEX(vb), HEX(bl), MD5(lb), e, st, j, bo FROM nat ORDER BY id"
# the zero dates became NULL (--zero-dates null): the source shows them as NULL for the comparison
natsrc="SELECT id, ti, tiu, si, mi, i, iu, bi, biu, f, f73, d, d52, dec1, dec2, NULLIF(dt, '0000-00-00'),
  NULLIF(dtm, '0000-00-00 00:00:00'), dtm3, dtm6, ts, ts6,
  CONCAT(TRUNCATE(TIME_TO_SEC(tm), 0), '/', MICROSECOND(tm)), CONCAT(TRUNCATE(TIME_TO_SEC(tm2), 0), '/', MICROSECOND(tm2)), y,
  HEX(b1), CONV(HEX(b13), 16, 10), c, vc, MD5(tx), MD5(lt), HEX(bin), HEX(vb), HEX(bl), MD5(lb), e, st, j, bo FROM nat ORDER BY id"
check_eq "... every value as the source shows it" "$(my_sql "$MYN" "$natsrc")" "$(my_sql "$MYN2" "$natq")"
check_eq "... TIME columns keep their type (durations, fraction digits)" "time|time(2)" \
    "$(my_sql "$MYN2" "SELECT GROUP_CONCAT(COLUMN_TYPE ORDER BY ORDINAL_POSITION SEPARATOR '|') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'nat' AND COLUMN_NAME IN ('tm', 'tm2')")"
MYN3=${PGTEST_DB}_nat3; my_dropdb "$MYN3" >/dev/null 2>&1; my_createdb "$MYN3"
run_ferry restore "$TEST_TMP/nat-bin" "$(my_url "$MYN3")"
check_rc "the dump restored into MariaDB" 0
check_eq "... every value as the source shows it" "$(my_sql "$MYN" "$natsrc")" "$(my_sql "$MYN3" "$natq")"
check_eq "... TIME columns keep their type there too" "time|time(2)" \
    "$(my_sql "$MYN3" "SELECT GROUP_CONCAT(COLUMN_TYPE ORDER BY ORDINAL_POSITION SEPARATOR '|') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'nat' AND COLUMN_NAME IN ('tm', 'tm2')")"
my_dropdb "$MYN" >/dev/null 2>&1; my_dropdb "$MYN2" >/dev/null 2>&1; my_dropdb "$MYN3" >/dev/null 2>&1

section "large MariaDB tables: chunks sized from the server's estimates, every row read"
# Above 250,000 rows the MySQL driver does not count a table with a NOT NULL
# key (an InnoDB scan): it takes MIN/MAX and the server's row estimate. A
# dense key is cut by arithmetic, a key with a far outlier streams its split
# points; the open-ended first and last chunks read every row either way.
MYE=${PGTEST_DB}_est; my_dropdb "$MYE" >/dev/null 2>&1; my_createdb "$MYE"
my_sql "$MYE" "SET SESSION max_recursive_iterations = 1000000;
CREATE TABLE dense (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL);
INSERT INTO dense WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 300000) SELECT n, n % 97 FROM s;
CREATE TABLE sparse (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL);
INSERT INTO sparse SELECT id, v FROM dense WHERE id <= 280000;
INSERT INTO sparse VALUES (-5000000000000, 1), (9000000000000000000, 2);
ANALYZE TABLE dense, sparse;" >/dev/null
PE=${PGTEST_DB}_est; pg_dropdb "$PE"; pg_createdb "$PE"
run_ferry copy "$(my_url "$MYE")" "$(pg_url "$PE")" --chunk-rows 40000 --jobs 3 --progress "$TEST_TMP/est.ndjson"
check_rc "MariaDB (300,000 and 280,002 rows) -> PostgreSQL" 0
for t in dense sparse; do
    check_eq "$t: every row, once" "$(my_sql "$MYE" "SELECT COUNT(*), COUNT(DISTINCT id), SUM(id), SUM(v) FROM $t")" \
        "$(qdb "$PE" "SELECT count(*), count(DISTINCT id), sum(id), sum(v) FROM $t" | tr '|' '\t')"
    n=$(jq -r --arg t "$t" 'select(.event == "table_start" and .table == $t) | .chunks' "$TEST_TMP/est.ndjson")
    check "$t: cut into several chunks (got ${n:-none})" test "${n:-0}" -ge 5
done
pg_dropdb "$PE"; my_dropdb "$MYE" >/dev/null 2>&1

section "a wrong password says so, and never shows it"
my_add_password_user ferrypw 'Right-Pw-1' >/dev/null 2>&1
run_ferry copy "sqlite:///$SRC" "mysql://ferrypw:Wr0ngS3cret@127.0.0.1:$MYTEST_PORT/$MYA"
check_rc "wrong password: target error" 4
check_match "... says authentication failed / access denied" "ccess denied|authentication|password" "$(ferry_output)"
check_nomatch "... and never prints the password" "Wr0ngS3cret" "$(ferry_output)"
my_dropdb "$MYA" >/dev/null 2>&1
finish
