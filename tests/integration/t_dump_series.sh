#!/usr/bin/env bash
# t_dump_series — scheduled dumps: DIR with a strftime pattern, --keep,
# the "latest" link, --quiet for cron, and a killed run of the series
# finished by the next one.
#   - run 5 times with --keep 3: exactly the 3 newest complete dumps of the
#     source remain; never removed: a directory the pattern matches that
#     holds other files, a directory it does not match, an incomplete dump,
#     a dump of another source;
#   - "latest" points to the newest complete dump and restores;
#   - a dump of the series killed with SIGKILL is finished (same directory)
#     by the next run instead of being left behind.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

S=$TEST_TMP/app.db
gen_small "$S"
BK=$TEST_TMP/backups/app
mkdir -p "$BK"
PAT="$BK/%Y%m%d-%H%M%S"
# What --keep must never touch:
mkdir -p "$BK/20000101-000000" "$BK/notes"
echo "not a dump" >"$BK/20000101-000000/readme.txt"

section "five scheduled runs with --keep 3"
names=()
for i in 1 2 3 4 5; do
    run_ferry dump "sqlite:///$S" "$PAT" --keep 3 --quiet
    check_rc "run $i" 0
    check_eq "run $i: --quiet prints nothing" "" "$(ferry_output)"
    names+=("$(readlink "$BK/latest")")
    sleep 1.1            # the pattern has one-second resolution
done
check_eq "each run made a new dump" 5 "$(printf '%s\n' "${names[@]}" | sort -u | grep -c .)"
complete=$(for d in "$BK"/*/; do
    d=${d%/}
    [ -L "$d" ] && continue
    [ "$(jq -r .complete "$d/manifest.json" 2>/dev/null)" = true ] && basename "$d"
done | sort | tr '\n' ' ')
check_eq "exactly the 3 newest complete dumps remain" "${names[2]} ${names[3]} ${names[4]} " "$complete"
check "the matching directory holding other files is untouched" test -f "$BK/20000101-000000/readme.txt"
check "the directory the pattern does not match is untouched" test -d "$BK/notes"
check_eq "latest points to the newest dump" "${names[4]}" "$(readlink "$BK/latest")"
run_ferry restore "$BK/latest" "sqlite:///$TEST_TMP/restored.db"
check_rc "restore latest" 0
run_ferry verify "sqlite:///$S" "sqlite:///$TEST_TMP/restored.db" --quiet
check_rc "the restored latest dump equals the source" 0

section "a killed dump of the series is finished by the next run"
BIG=$TEST_TMP/big.db
gen_big "$BIG" 200000 || fail "generate the big source"
"$FERRY" dump "sqlite:///$BIG" "$PAT" --chunk-rows 5000 --jobs 2 --progress "$TEST_TMP/p" \
    >"$TEST_TMP/bg.out" 2>&1 </dev/null &
pid=$!
T_BG_PIDS+=("$pid")
wait_for 60 sh -c "[ \"\$(grep -c chunk_done '$TEST_TMP/p' 2>/dev/null)\" -ge 4 ] || ! kill -0 $pid 2>/dev/null"
if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"; wait "$pid" 2>/dev/null
    killed=$(for d in "$BK"/*/; do
        d=${d%/}
        [ -L "$d" ] && continue
        [ "$(jq -r .complete "$d/manifest.json" 2>/dev/null)" = false ] && basename "$d"
    done)
    check "the killed dump left an incomplete dump in the series" test -n "$killed"
    check_eq "latest still points to the newest complete dump" "${names[4]}" "$(readlink "$BK/latest")"
    sleep 1.1
    run_ferry dump "sqlite:///$S" "$PAT" --keep 1 --quiet
    check_rc "another source's run with --keep 1" 0
    check "--keep never removes an incomplete dump (nor another source's)" test -d "$BK/$killed"
    sleep 1.1
    run_ferry dump "sqlite:///$BIG" "$PAT" --chunk-rows 5000 --jobs 2
    check_rc "the next run of the big source" 0
    check_match "finishes the interrupted dump first" "finishing the interrupted dump .*$killed" "$(ferry_output)"
    check_eq "in the same directory, now complete" true "$(jq -r .complete "$BK/$killed/manifest.json")"
    check_eq "latest points to it" "$killed" "$(readlink "$BK/latest")"
    check_eq "it holds every row" 201000 "$(jq -r .totals.rows "$BK/$killed/manifest.json")"
    left=$(for d in "$BK"/*/; do
        d=${d%/}
        [ -L "$d" ] && continue
        [ "$(jq -r .source.url "$d/manifest.json" 2>/dev/null)" = "sqlite:///$S" ] && basename "$d"
    done | grep -c .)
    check_eq "--keep 1 left one complete dump of the small source" 1 "$left"
else
    note "the big dump finished before the kill point; the resume part was not exercised"
fi

section "usage"
run_ferry dump "sqlite:///$S" "$TEST_TMP/plain" --keep 2
check_rc "--keep without a date pattern is refused" 2
run_ferry dump "sqlite:///$S" "$BK/%Y-%Q"
check_rc "an unsupported pattern is refused" 2
finish
