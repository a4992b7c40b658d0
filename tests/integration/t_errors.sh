#!/usr/bin/env bash
# t_errors — failures say what failed and exit with the documented code:
# 2 usage, 3 source, 4 target; help and version exit 0.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

S=$TEST_TMP/src.db
gen_small "$S" 0
URL=$PGTEST_URL_DB
nothing_created() {
    check_eq "$1: nothing created in the target" 0 \
        "$(q "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
}

section "source errors (exit 3)"
run_ferry copy "sqlite:///$TEST_TMP/missing.db" "$URL"
check_rc "missing SQLite file" 3
check_match "... the message names the file" "missing\\.db" "$(ferry_output)"
check "... and ferry did not create it" test ! -e "$TEST_TMP/missing.db"
nothing_created "missing SQLite file"

run_ferry copy "$TEST_TMP/missing.db" "$URL"
case $RC in 2|3) pass "missing SQLite file as a plain path: exit $RC" ;; *) fail "missing SQLite file as a plain path: expected exit 3 (or 2), got $RC" ;; esac
check_match "... the message names the file" "missing\\.db" "$(ferry_output)"
check "... not created either" test ! -e "$TEST_TMP/missing.db"

printf 'this is not a database\n%.0s' {1..200} >"$TEST_TMP/text.db"
run_ferry copy "sqlite:///$TEST_TMP/text.db" "$URL"
check_rc "a text file is not a SQLite database" 3
check_match "... the message names the file" "text\\.db" "$(ferry_output)"
nothing_created "text file"

: >"$TEST_TMP/empty.db"
DE=${PGTEST_DB}_empty; pg_dropdb "$DE"; pg_createdb "$DE"
run_ferry copy "sqlite:///$TEST_TMP/empty.db" "$(pg_url "$DE")"
case $RC in
    0) check_eq "an empty file is an empty database: no tables copied" "" "$(user_tables "$DE")" ;;
    3) pass "an empty file: a source error (exit 3)" ;;
    *) fail "an empty file: expected exit 0 (nothing to copy) or 3, got $RC" ;;
esac
pg_dropdb "$DE"

section "target errors (exit 4)"
closed=$(pg_free_port)
run_ferry copy "sqlite:///$S" "postgresql://postgres@127.0.0.1:$closed/postgres"
check_rc "nothing listens on the port" 4
check_match "... says cannot connect" "cannot connect" "$(ferry_output)"
check_match "... and names the server" "127\\.0\\.0\\.1|$closed" "$(ferry_output)"

run_ferry copy "sqlite:///$S" "$(pg_url no_such_database_here)"
check_rc "the target database does not exist" 4
check_match "... names it" "no_such_database_here" "$(ferry_output)"
check_match "... and says to create it (createdb)" "createdb" "$(ferry_output)"

run_ferry copy "sqlite:///$S" "postgresql://nosuchrole@127.0.0.1:$PGTEST_PORT/$PGTEST_DB"
check_rc "the role does not exist" 4
check_match "... names it" "nosuchrole" "$(ferry_output)"

q "DROP ROLE IF EXISTS ferry_nopriv; CREATE ROLE ferry_nopriv LOGIN" >/dev/null
run_ferry copy "sqlite:///$S" "postgresql://ferry_nopriv@127.0.0.1:$PGTEST_PORT/$PGTEST_DB"
check_rc "a user without CREATE permission" 4
check_match "... says permission denied" "permission denied" "$(ferry_output)"
check_match "... and what to do (grant)" "grant|GRANT" "$(ferry_output)"
nothing_created "no permission"
q "DROP ROLE ferry_nopriv" >/dev/null

section "usage errors (exit 2)"
run_ferry copy "sqlite:///$S" "$URL" --bogus-option
check_rc "unknown option" 2
check_match "... names it" "bogus-option" "$(ferry_output)"
run_ferry copy
check_rc "copy without SOURCE and TARGET" 2
check_match "... says what is missing or shows usage" "source|target|usage" "$(ferry_output)"
run_ferry copy "sqlite:///$S"
check_rc "copy without TARGET" 2
run_ferry copy "sqlite:///$S" "$URL" --if-exists maybe
check_rc "--if-exists maybe" 2
out=$(ferry_output)
check_match "... names the value" "maybe" "$out"
for c in fail drop truncate append; do check_match "... names the choice $c" "$c" "$out"; done
run_ferry copy "sqlite:///$S" "$URL" --jobs 0
check_rc "--jobs 0" 2
run_ferry copy "sqlite:///$S" "$URL" --jobs many
check_rc "--jobs many" 2
run_ferry copy "sqlite:///$S" "$URL" --chunk-rows -5
check_rc "--chunk-rows -5" 2
run_ferry copy "sqlite:///$S" "$URL" --tables
check_rc "--tables without a value" 2
run_ferry copy "sqlite:///$S" "$URL" --schema-only --data-only
check_rc "--schema-only with --data-only" 2
run_ferry copy "mysqlx://u@h/db" "$URL"
check_rc "an unknown URL scheme" 2
check_match "... names it" "mysqlx" "$(ferry_output)"
run_ferry frobnicate
check_rc "an unknown command" 2
check_match "... names it" "frobnicate" "$(ferry_output)"
run_ferry
check_rc "no command at all" 2
check_match "... shows usage" "usage" "$(ferry_output)"
nothing_created "usage errors"

section "help and version (exit 0)"
for args in "--help" "help" "help copy" "copy --help" "plan --help" "help plan"; do
    # shellcheck disable=SC2086
    run_ferry $args
    check_rc "ferry $args" 0
    check_match "ferry $args prints usage" "usage" "$(cat "$OUT")"
done
run_ferry --help
check_match "--help names the commands" "copy" "$(cat "$OUT")"
check_match "--help names the commands" "plan" "$(cat "$OUT")"
run_ferry copy --help
help_text=$(cat "$OUT")
for word in --tables --exclude --target-schema --jobs --chunk-rows --if-exists --restart --progress --report --rejects --quiet; do
    check_match "copy --help mentions $word" "$word" "$help_text"
done
check_match "copy --help documents the exit codes" "exit" "$help_text"
run_ferry --version
check_rc "ferry --version" 0
check_match "--version prints a version" "ferry.*[0-9]+\\.[0-9]+" "$(ferry_output)"

finish
