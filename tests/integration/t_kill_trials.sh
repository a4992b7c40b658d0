#!/usr/bin/env bash
# t_kill_trials — random SIGKILL trials, the short version of `make
# torture` (tests/lib/killtrial.sh): for SQLite -> PostgreSQL, MySQL ->
# PostgreSQL, PostgreSQL -> MySQL and PostgreSQL -> SQLite, a few trials
# each that kill ferry with SIGKILL at a random moment (start, schema,
# data, indexes, constraints; some twice), rerun the same command, and
# check that the target equals the source exactly: whole chunks only right
# after each kill, the rerun exits 0, counts and no duplicate keys, every
# value (canonical dumps), keys, indexes and foreign keys, the next id, no
# committed chunk written twice, and `ferry verify` (noted while it is a
# placeholder). Seeded: KILL_SEED, KILL_TRIALS (per pair), KILL_ROWS.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

PAIRS="sqlite-pg my-pg pg-my pg-sqlite"
if [ -n "${MYTEST_UNAVAILABLE:-}" ]; then
    note "$MYTEST_UNAVAILABLE: the pairs my-pg and pg-my are left out"
    PAIRS="sqlite-pg pg-sqlite"
else
    require_mariadb
fi

# Sanitizer builds run several times slower: fewer rows keep the test short.
case $FERRY in *build-asan/*|*build-tsan/*) ROWS=${KILL_ROWS:-20000} ;; *) ROWS=${KILL_ROWS:-60000} ;; esac
PER_PAIR=${KILL_TRIALS:-3}
export KT_SEED=${KILL_SEED:-20261122}
export KT_KEEP_FAILED=${KT_KEEP_FAILED:-4}
# shellcheck source=../lib/killtrial.sh
source "$TLIB/killtrial.sh"
T_START=$(date +%s)

section "sources and one uninterrupted run per pair"
echo "  seed $KT_SEED, $PER_PAIR trials per pair ($PAIRS), $ROWS events rows"
kt_setup "$TEST_TMP/kt" "$PGTEST_DB" "$ROWS" "$PAIRS"
if out=$(kt_make_sources); then
    pass "$out"
else
    fail "$out"
    kt_teardown
    finish
fi
read -r -a pairs <<<"$PAIRS"
for p in "${pairs[@]}"; do
    # In this shell, not in $(...): it records the pair's timeline.
    kt_calibrate "$p" >"$TEST_TMP/cal.out" 2>&1
    if [ -z "${KT_CAL_BROKEN[$p]:-}" ]; then pass "$(cat "$TEST_TMP/cal.out")"
    else fail "$(cat "$TEST_TMP/cal.out")"; fi
done

section "trials"
n=0
for ((r = 0; r < PER_PAIR; r++)); do
    for p in "${pairs[@]}"; do
        n=$((n + 1))
        if kt_trial "$n" "$p" >"$TEST_TMP/trial.out" 2>&1; then
            pass "$KT_LAST_LINE"
        else
            fail "$KT_LAST_LINE"
            tail -n +2 "$TEST_TMP/trial.out"
            echo "    replay: KILL_SEED=$KT_SEED KILL_ROWS=$ROWS bash tests/integration/run.sh t_kill_trials"
        fi
    done
done

section "summary"
kt_summary | while IFS= read -r l; do note "$l"; done
check_eq "rows lost over all trials" 0 "$KT_LOST"
check_eq "rows extra or duplicated over all trials" 0 "$KT_EXTRA"
note "t_kill_trials took $(( $(date +%s) - T_START ))s"
kt_teardown
finish
