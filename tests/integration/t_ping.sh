#!/usr/bin/env bash
# t_ping — `ferry ping` on each engine, every value checked against what
# the engine itself states: SQLite (file, size, journal mode, page size,
# user_version; the file left untouched; a missing file or one that is not
# a database exits 3), PostgreSQL (over the socket named by PGHOST),
# MariaDB (server, user, database, host and port or socket, TLS, settings;
# the MySQL client environment MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_UNIX_PORT
# and MYSQL_PWD filling what the URL leaves out, for ping and for copy; a
# wrong password exits 3); usage errors exit 2; help; and the password in
# no output.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
require_mariadb
have_jq || skip "jq is needed (tests/lib/deps.sh installs it)"

MY_PW='Pw-4-ping!x'
k=0
keep() { k=$((k + 1)); cp "$OUT" "$TEST_TMP/scan.out.$k"; cp "$ERR" "$TEST_TMP/scan.err.$k"; }

section "SQLite"
S=$TEST_TMP/app.db
gen_small "$S"
sqlite3 -batch "$S" "PRAGMA journal_mode = wal; PRAGMA user_version = 42;" >/dev/null
sum_before=$(sha256sum "$S" | cut -d' ' -f1)
run_ferry ping "sqlite:///$S" --json
check_rc "ping sqlite:///FILE --json" 0
J=$TEST_TMP/sqlite.json
cp "$OUT" "$J"
check_eq "engine and server" "sqlite|SQLite $(sqlite3 -batch :memory: 'SELECT sqlite_version()')" \
    "$(jqf "$J" '"\(.engine)|\(.server)"')"
check_eq "file (absolute)" "$(realpath "$S")" "$(jqf "$J" .file)"
check_eq "file_bytes" "$(stat -c %s "$S")" "$(jqf "$J" .file_bytes)"
check_eq "opened read-only" true "$(jqf "$J" .read_only)"
check_eq "no host, port, socket, TLS for a file" "null|null|null|null" \
    "$(jqf "$J" '"\(.host)|\(.port)|\(.socket)|\(.tls)"')"
for p in journal_mode page_size page_count user_version encoding; do
    check_eq "settings.$p as sqlite3 states it" "$(sqlite3 -batch "$S" "PRAGMA $p")" "$(jqf "$J" ".settings.$p")"
done
check_eq "the file is not changed by a ping" "$sum_before" "$(sha256sum "$S" | cut -d' ' -f1)"
run_ferry ping "$S"
check_rc "ping a plain path" 0
check_match "text: journal mode" "journal_mode +wal" "$(cat "$OUT")"
check_match "text: no TLS for a file" "tls +n/a" "$(cat "$OUT")"
run_ferry ping "sqlite:///$TEST_TMP/missing.db"
check_rc "a missing file: cannot connect" 3
check_match "... says no such file" "no such file" "$(ferry_output)"
check "... and does not create it" test ! -e "$TEST_TMP/missing.db"
echo "not a database at all, just text" >"$TEST_TMP/text.db"
run_ferry ping "sqlite:///$TEST_TMP/text.db"
check_rc "a file that is not a database: cannot connect" 3
check_match "... says so" "not a SQLite database" "$(ferry_output)"

section "PostgreSQL over the socket named by PGHOST"
run_ferry_env "PGHOST=$PGTEST_HOST PGPORT=$PGTEST_PORT PGUSER=postgres" ping "postgresql:///$PGTEST_DB" --json
check_rc "ping postgresql:///DB" 0
check_eq "socket, database, user, no TLS on a socket" \
    "$PGTEST_HOST/.s.PGSQL.$PGTEST_PORT|$PGTEST_DB|postgres|false" \
    "$(jqf "$OUT" '"\(.socket)|\(.database)|\(.user)|\(.tls.in_use)"')"
check_eq "settings.max_connections" "$(q "SHOW max_connections")" "$(jqf "$OUT" .settings.max_connections)"

section "MariaDB"
my_dropdb pingdb
my_createdb pingdb
my_add_password_user pinguser "$MY_PW"
run_ferry ping "mysql://root@127.0.0.1:$MYTEST_PORT/pingdb" --json
keep
check_rc "ping mysql://root@127.0.0.1:PORT/pingdb --json" 0
J=$TEST_TMP/my.json
cp "$OUT" "$J"
check_eq "engine and server" "mysql|MariaDB $(my_sql "" "SELECT SUBSTRING_INDEX(VERSION(), '-', 1)")" \
    "$(jqf "$J" '"\(.engine)|\(.server)"')"
check_eq "user, database, host, port" "root|pingdb|127.0.0.1|$MYTEST_PORT" \
    "$(jqf "$J" '"\(.user)|\(.database)|\(.host)|\(.port)"')"
check_eq "TLS in use as the server offers it (have_ssl)" \
    "$([ "$(my_sql "" "SELECT @@have_ssl")" = YES ] && echo true || echo false)" "$(jqf "$J" .tls.in_use)"
check_eq "session_id is this connection's id" true "$(jqf "$J" '.session_id | numbers | . > 0')"
for v in max_allowed_packet local_infile sql_mode innodb_flush_log_at_trx_commit max_connections; do
    check_eq "settings.$v as the server states it (GLOBAL)" \
        "$(my_sql "" "SHOW GLOBAL VARIABLES LIKE '$v'" | cut -f2)" "$(jqf "$J" ".settings.$v")"
done
run_ferry ping "mariadb+mariadbconnector://root@127.0.0.1:$MYTEST_PORT/pingdb"
keep
check_rc "ping, text" 0
check_match "text: server" "server +MariaDB [0-9]" "$(cat "$OUT")"
check_match "text: max_allowed_packet" "max_allowed_packet +[0-9]+" "$(cat "$OUT")"

section "MySQL client environment"
run_ferry_env "MYSQL_HOST=127.0.0.1 MYSQL_TCP_PORT=$MYTEST_PORT MYSQL_PWD=$MY_PW" ping "mysql://pinguser@/pingdb" --json
keep
check_rc "MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD fill host, port and password" 0
check_eq "... host, port, user as resolved" "127.0.0.1|$MYTEST_PORT|pinguser" \
    "$(jqf "$OUT" '"\(.host)|\(.port)|\(.user)"')"
run_ferry_env "MYSQL_UNIX_PORT=$MYTEST_SOCK" ping "mysql://root@/pingdb" --json
keep
check_rc "MYSQL_UNIX_PORT names the socket when the URL has no host" 0
check_eq "... socket, no host" "$MYTEST_SOCK|null" "$(jqf "$OUT" '"\(.socket)|\(.host)"')"
run_ferry_env "MYSQL_UNIX_PORT=$MYTEST_SOCK" ping "mysql://root@localhost/pingdb" --json
keep
check_rc "... and for host localhost" 0
check_eq "... socket" "$MYTEST_SOCK" "$(jqf "$OUT" .socket)"
run_ferry_env "MYSQL_HOST=127.0.0.2 MYSQL_TCP_PORT=1 MYSQL_UNIX_PORT=/nonexistent" ping "mysql://root@127.0.0.1:$MYTEST_PORT/pingdb"
keep
check_rc "what the URL says wins over the environment" 0
run_ferry_env "MYSQL_HOST=127.0.0.1 MYSQL_TCP_PORT=$MYTEST_PORT MYSQL_PWD=wrong-$MY_PW" ping "mysql://pinguser@/pingdb"
keep
check_rc "a wrong MYSQL_PWD: cannot connect" 3
check_match "... access denied" "access denied" "$(ferry_output)"
gen_small "$TEST_TMP/small.db"
run_ferry_env "MYSQL_HOST=127.0.0.1 MYSQL_TCP_PORT=$MYTEST_PORT MYSQL_PWD=$MY_PW" \
    copy "sqlite:///$TEST_TMP/small.db" "mysql://pinguser@/pingdb" --report "$TEST_TMP/scan.report.json"
keep
check_rc "ferry copy into mysql://pinguser@/pingdb with the MYSQL_* environment" 0
check_eq "... rows arrived" 10 "$(my_sql pingdb "SELECT count(*) FROM alpha")"

section "usage"
run_ferry ping
check_rc "no URL" 2
run_ferry ping a b
check_rc "two URLs" 2
mkdir -p "$TEST_TMP/dumpdir"
run_ferry ping "dump:$TEST_TMP/dumpdir"
check_rc "a dump directory" 2
run_ferry ping "postgresql://u:$MY_PW@h:99999/db"
keep
check_rc "a URL that does not parse" 2
check_match "... names the problem" "invalid port" "$(ferry_output)"
run_ferry ping --bogus "$S"
check_rc "an unknown option" 2
run_ferry help ping
check_rc "ferry help ping" 0
cp "$OUT" "$TEST_TMP/help1"
check_match "... documents --json and the exit codes" "--json.*Exit codes" "$(tr '\n' ' ' <"$OUT")"
run_ferry ping --help
check_eq "ferry ping --help prints the same" "$(cat "$TEST_TMP/help1")" "$(cat "$OUT")"
run_ferry --help
check_match "ferry --help lists ping and env:NAME" "ferry ping URL.*env:NAME" "$(tr '\n' ' ' <"$OUT")"

section "the password appears nowhere"
check_eq "'$MY_PW' is in no output or report" "" \
    "$(grep -lF -- "$MY_PW" "$TEST_TMP"/scan.* | xargs -r -n1 basename | tr '\n' ' ')"

my_dropdb pingdb
finish
