#!/usr/bin/env bash
# run.sh — `make torture`: random-kill trials of ferry copy.
#
#   FERRY=/abs/path/to/ferry bash tests/torture/run.sh
#
# Starts a throwaway PostgreSQL and MariaDB server (tests/lib/pg.sh,
# mariadb.sh), makes the sources once (tests/lib/killtrial.sh), measures one
# uninterrupted run per pair, then runs TRIALS trials, round-robin over the
# pairs sqlite-pg, my-pg, pg-my, pg-sqlite: each SIGKILLs ferry at a random
# moment (some twice), reruns the same command until it exits 0, and checks
# that the target equals the source exactly (counts, no duplicate keys,
# every value, keys/indexes/foreign keys, next id, ferry verify). One line a
# trial, a summary, and last exactly "N passed, N failed"; exit 0 only when
# none failed.
#
# Environment:
#   TRIALS   number of trials (default 100)
#   SEED     the seed of every random choice (default: the time; printed);
#            SEED=... make torture replays the same draws: pairs, --jobs,
#            kill points (as points of each pair's measured timeline: the
#            phase hit still depends on the machine's speed at the time)
#   ROWS     rows of the events table (default 200000)
#   CHUNK_ROWS  --chunk-rows (default 2000)
#   PAIRS    the pairs, space-separated (default "sqlite-pg my-pg pg-my pg-sqlite")
#   ONLY     run only these trial numbers (space-separated), e.g. a failed one
#   KEEP=1   keep the scratch dir (kept anyway when a trial failed)
#   FERRY_TIMEOUT  seconds one ferry run may take (default 300)

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FERRY=${FERRY:-$REPO/build/ferry}
case $FERRY in /*) ;; *) FERRY=$(cd "$(dirname "$FERRY")" 2>/dev/null && pwd)/$(basename "$FERRY") ;; esac
export FERRY REPO

TRIALS=${TRIALS:-100}
SEED=${SEED:-$(date +%s)}
ROWS=${ROWS:-200000}
PAIRS=${PAIRS:-"sqlite-pg my-pg pg-my pg-sqlite"}
ONLY=${ONLY:-}
export KT_SEED=$SEED KT_CHUNK=${CHUNK_ROWS:-2000}

# shellcheck source=../lib/pg.sh
source "$REPO/tests/lib/pg.sh"
# shellcheck source=../lib/mariadb.sh
source "$REPO/tests/lib/mariadb.sh"
# shellcheck source=../lib/killtrial.sh
source "$REPO/tests/lib/killtrial.sh"

if [ ! -x "$FERRY" ]; then
    echo "ferry binary not found or not executable: $FERRY (make builds it)"
    echo "0 passed, $TRIALS failed"
    exit 1
fi

RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ferry-torture.XXXXXX")
chmod 755 "$RUN_TMP"
# The binary under test, copied: a rebuild during the run changes nothing.
cp "$FERRY" "$RUN_TMP/ferry" && FERRY_BUILT=$FERRY && FERRY=$RUN_TMP/ferry
need_my=
case " $PAIRS " in *" my-"*|*"-my "*) need_my=1 ;; esac

cleanup() {
    kt_teardown >/dev/null 2>&1
    pg_stop
    [ -n "${MYTEST_PORT:-}" ] && mariadb_stop
    if [ "${KEEP:-0}" != 1 ] && [ "$KT_NFAIL" -eq 0 ]; then rm -rf "$RUN_TMP"; fi
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

if ! pg_start; then
    echo "cannot start PostgreSQL"
    echo "0 passed, $TRIALS failed"
    exit 1
fi
if [ -n "$need_my" ] && ! mariadb_start >"$RUN_TMP/mariadb-start.log" 2>&1; then
    echo "cannot start MariaDB (the pairs my-pg and pg-my need it; PAIRS=\"sqlite-pg pg-sqlite\" leaves them out):"
    tail -n 5 "$RUN_TMP/mariadb-start.log"
    echo "0 passed, $TRIALS failed"
    exit 1
fi

echo "# torture: $TRIALS trials, SEED=$SEED, ROWS=$ROWS, chunk rows $KT_CHUNK, pairs: $PAIRS"
echo "# replay: SEED=$SEED TRIALS=$TRIALS ROWS=$ROWS make torture   (one trial: add ONLY=N)"
echo "# ferry: ${FERRY_BUILT:-$FERRY} (copied to $FERRY); PostgreSQL on 127.0.0.1:$PGTEST_PORT${MYTEST_PORT:+, MariaDB on 127.0.0.1:$MYTEST_PORT}; scratch: $RUN_TMP"
start=$(date +%s)

kt_setup "$RUN_TMP" torture "$ROWS" "$PAIRS"
if ! kt_make_sources; then
    echo "0 passed, $TRIALS failed"
    exit 1
fi
read -r -a pairs <<<"$PAIRS"
for p in "${pairs[@]}"; do kt_calibrate "$p"; done

for ((n = 1; n <= TRIALS; n++)); do
    if [ -n "$ONLY" ]; then
        case " $ONLY " in *" $n "*) ;; *) continue ;; esac
    fi
    kt_trial "$n" "${pairs[(n - 1) % ${#pairs[@]}]}"
done

echo "# summary"
kt_summary | sed 's/^/# /'
for p in "${pairs[@]}"; do
    [ -n "${KT_CAL_BROKEN[$p]:-}" ] && echo "# $p: ${KT_CAL_BROKEN[$p]}"
done
echo "# total $(( $(date +%s) - start ))s"
[ "$KT_NFAIL" -gt 0 ] && echo "# logs and kept targets in $RUN_TMP (replay: SEED=$SEED ROWS=$ROWS TRIALS=$TRIALS ONLY=\"...\" make torture)"
echo "$KT_NPASS passed, $KT_NFAIL failed"
[ "$KT_NFAIL" -eq 0 ]
