#!/usr/bin/env bash
# bench/run.sh — ferry SQLite → PostgreSQL side by side with the engine's own
# ingest path (psql \copy of a CSV export into a table without keys, then the
# primary key added), on the same generated data, in one run on one machine.
# Prints wall seconds (median of RUNS) and peak RSS for each, and the ratio.
#
#   bash bench/run.sh [ROWS] [RUNS]     default 1000000 rows, 3 runs
#   FERRY_BENCH_JOBS=4                  ferry --jobs (default 4)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-1000000}
runs=${2:-3}
jobs=${FERRY_BENCH_JOBS:-4}
ferry=${FERRY:-$here/build/ferry}
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)"; exit 1; }
source "$here/tests/lib/pg.sh"
source "$here/tests/lib/gen_sample.sh"

work=$(mktemp -d /tmp/ferry-bench.XXXXXX)
trap 'pg_stop; rm -rf "$work"' EXIT
pg_start
db=$work/bench.db
echo "bench: generating $rows rows ..."
gen_big "$db" "$rows"
size=$(du -h "$db" | cut -f1)

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# CSV export for psql (blob as bytea hex), done once, not timed in the load.
sqlite3 -csv "$db" "SELECT id, user_id, kind, amount_cents, score, code, body, note, created_at,
                    is_active, '\\x' || hex(digest) FROM events" > "$work/events.csv"

ferry_t=(); ferry_m=(); psql_t=(); psql_m=()
for i in $(seq "$runs"); do
    pg_createdb "bf$i"; pg_createdb "bp$i"
    /usr/bin/time -f "%e %M" -o "$work/t" "$ferry" copy "$db" "$(pg_url "bf$i")" --jobs "$jobs" --quiet
    read -r t m < "$work/t"; ferry_t+=("$t"); ferry_m+=("$m")
    pg_sql "bp$i" "CREATE TABLE events (id bigint, user_id bigint, kind bigint, amount_cents bigint,
        score double precision, code varchar(16), body text, note text, created_at timestamp,
        is_active boolean, digest bytea)"
    /usr/bin/time -f "%e %M" -o "$work/t" bash -c "psql -X -q -h '$PGTEST_HOST' -p '$PGTEST_PORT' -U postgres bp$i \
        -c \"\\copy events FROM '$work/events.csv' WITH (FORMAT csv)\" \
        -c 'ALTER TABLE events ADD PRIMARY KEY (id)'"
    read -r t m < "$work/t"; psql_t+=("$t"); psql_m+=("$m")
    n=$(pg_sql "bf$i" "SELECT count(*) FROM events")
    [ "$n" = "$rows" ] || { echo "bench: ferry copied $n rows, expected $rows"; exit 1; }
done
ft=$(printf '%s\n' "${ferry_t[@]}" | median); fm=$(printf '%s\n' "${ferry_m[@]}" | median)
pt=$(printf '%s\n' "${psql_t[@]}" | median); pm=$(printf '%s\n' "${psql_m[@]}" | median)
echo
echo "SQLite ($size, $rows events rows x 11 columns + 1000 users) -> PostgreSQL $(pg_sql postgres 'SHOW server_version'), median of $runs"
printf '%-52s %8s s  %6s MB\n' "ferry copy --jobs $jobs (schema, data, PK, indexes, FK)" "$ft" "$((fm / 1024))"
printf '%-52s %8s s  %6s MB\n' "psql \\copy of a CSV export (no PK), then PK added" "$pt" "$((pm / 1024))"
awk -v a="$ft" -v b="$pt" 'BEGIN { printf "ratio ferry / psql \\copy: %.2f\n", a / b }'
echo "runs: ferry ${ferry_t[*]}; psql ${psql_t[*]}"
