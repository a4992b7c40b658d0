#!/usr/bin/env bash
# profile-size.sh — where the time of SQLite -> PostgreSQL goes at N and at
# 10 x N rows: ferry under `perf record` (its CPU by library and function),
# ferry's phases (data, indexes, constraints) from its progress events, and
# the temporary files PostgreSQL writes (log_temp_files = 0: the index
# sorts that spill past maintenance_work_mem). The README's size-growth
# explanation quotes its output; bench/results/*-profile-*.txt keeps one.
#
#   bash bench/profile-size.sh [N]            (default 1000000; needs perf, root for it)
#
# Starts a throwaway PostgreSQL with stock settings as bench/run.sh does;
# data sets come from BENCH_CACHE (generated when missing: ~3 min for 10M).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-1000000}
FERRY=${FERRY:-$here/build/ferry}
command -v perf >/dev/null 2>&1 || { echo "profile-size: needs perf (apt-get install linux-perf)" >&2; exit 1; }
[ -x "$FERRY" ] || { echo "profile-size: no ferry binary at $FERRY (run make)" >&2; exit 1; }
source "$here/tests/lib/pg.sh"
source "$here/tests/lib/mariadb.sh"
source "$here/tests/lib/gen_sample.sh"
source "$here/bench/lib/servers.sh"
source "$here/bench/lib/dataset.sh"
WORK=$(mktemp -d /tmp/ferry-profile.XXXXXX)
trap 'bs_stop_all; rm -rf "$WORK"' EXIT
BENCH_SETTINGS=stock bs_start_pg || exit 1
pg_sql postgres "ALTER SYSTEM SET log_temp_files = 0" >/dev/null && pg_sql postgres "SELECT pg_reload_conf()" >/dev/null
echo "# SQLite -> PostgreSQL at $N and $((N * 10)) rows: where the time goes ($(date -u +%Y-%m-%dT%H:%MZ), $("$FERRY" --version | head -n 1))"
echo "# ferry copy --jobs 4 under perf record -F 499; PostgreSQL $(pg_sql postgres 'SHOW server_version') stock settings"
echo "# (maintenance_work_mem $(pg_sql postgres 'SHOW maintenance_work_mem')), log_temp_files = 0"
for n in "$N" $((N * 10)); do
    bd_make "$n" >&2 || exit 1
    db=prof_$n
    pg_dropdb "$db" >/dev/null 2>&1; pg_createdb "$db" || exit 1
    pg_sql postgres "CHECKPOINT" >/dev/null; sync
    before=$(wc -l <"$PGTEST_DIR/log")
    perf record -F 499 -g -o "$WORK/perf.$n" "$FERRY" copy "sqlite:///$BD_DB" \
        "postgresql://postgres@127.0.0.1:$PGTEST_PORT/$db" --jobs 4 --quiet \
        --progress "$WORK/p.$n.ndjson" 2>"$WORK/perf.$n.err" || { cat "$WORK/perf.$n.err" >&2; exit 1; }
    echo
    echo "== $n rows: phases (seconds)"
    jq -r 'select(.event == "phase" or .event == "job_done") | [.phase // "end", .ts] | @tsv' "$WORK/p.$n.ndjson" |
        awk -F'\t' '{ split($2, t, "T"); split(t[2], h, ":"); s = h[1] * 3600 + h[2] * 60 + h[3];
                      if (prev != "") printf "  %s %.2f", prev, s - ps; prev = $1; ps = s } END { print "" }'
    echo "  ferry CPU samples at 499 Hz: $(sed -n 's/.*(\([0-9]*\) samples).*/\1/p' "$WORK/perf.$n.err")"
    tail -n +$((before + 1)) "$PGTEST_DIR/log" | grep "temporary file" |
        awk '{ for (i = 1; i <= NF; i++) if ($i == "size") s += $(i + 1) } END { printf "  PostgreSQL temporary files: %d, %.0f MB\n", NR, s / 1048576 }'
    echo "  ferry by library:"
    perf report -i "$WORK/perf.$n" --no-children --sort dso -g none 2>/dev/null | grep '%' | grep -v '^#' | head -5
    echo "  ferry's top functions:"
    perf report -i "$WORK/perf.$n" --no-children --sort symbol -g none 2>/dev/null | grep '%' | grep -v '^#' | head -10 | sed 's/ *- *- *$//'
    pg_dropdb "$db" >/dev/null 2>&1
done
