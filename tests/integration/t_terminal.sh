#!/usr/bin/env bash
# t_terminal — a person watching a copy in a terminal sees a live status line
# on stderr (rows, rate, ETA, redrawn in place); --quiet shows nothing on
# success, and output that is not a terminal gets no status line. ferry runs
# under script(1), which gives it a pseudo-terminal.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry
command -v script >/dev/null || skip "script(1) not installed (Debian package bsdutils)"

B=$TEST_TMP/big.db
gen_big "$B" 400000 || { fail "generate"; finish; }
DB1=${PGTEST_DB}_tty; pg_dropdb "$DB1"; pg_createdb "$DB1"
DB2=${PGTEST_DB}_quiet; pg_dropdb "$DB2"; pg_createdb "$DB2"

section "on a terminal: a live status line"
script -qefc "$FERRY copy sqlite:///$B $(pg_url "$DB1") --jobs 1" "$TEST_TMP/tty.out" >/dev/null 2>&1 </dev/null
check_eq "copy under a terminal exits 0" 0 "$?"
check_match "the status line shows rows, rate and ETA" "data: [0-9]+/[0-9]+ rows \\([0-9]+%\\) +[0-9]+ rows/s +ETA" "$(cat "$TEST_TMP/tty.out")"
check "it is redrawn in place (carriage return + erase line)" grep -q $'\r\033\\[K' "$TEST_TMP/tty.out"
check_match "the closing line is printed" "done: 2 table" "$(cat "$TEST_TMP/tty.out")"

section "--quiet on a terminal: nothing"
script -qefc "$FERRY copy sqlite:///$B $(pg_url "$DB2") --jobs 1 --quiet" "$TEST_TMP/quiet.out" >/dev/null 2>&1 </dev/null
check_eq "quiet copy exits 0" 0 "$?"
check_eq "no output at all" "" "$(tr -d '\r\n' <"$TEST_TMP/quiet.out" | sed 's/^Script started.*//')"

section "not a terminal: no status line"
run_ferry copy "sqlite:///$B" "$(pg_url "$DB1")" --jobs 1 --restart
check_rc "copy with output to files" 0
check_nomatch "no status line in redirected output" "rows/s" "$(ferry_output)"
pg_dropdb "$DB1"; pg_dropdb "$DB2"
finish
