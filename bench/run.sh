#!/usr/bin/env bash
# bench/run.sh — ferry side by side with the reference tools (pgloader, the
# engines' own bulk loads, mydumper, pg_dump) on one generated data set, on
# throwaway servers, in one run on one machine. See bench/README.md.
#
#   bash bench/run.sh [--rows N] [--runs R] [--scenarios a,b,c] [--jobs J]
#                     [--settings stock|test] [--out DIR] [--note TEXT]
#                     [--no-install] [--keep] [--list]
#   make bench BENCH_ARGS="--rows 200000 --runs 1"
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

ALL_SCENARIOS="sqlite-pg my-pg sqlite-my pg-my resume dump-my dump-pg restore-pg size"
DEFAULT_SCENARIOS="sqlite-pg,my-pg,sqlite-my,pg-my,resume,dump-my,dump-pg,restore-pg"

usage() {
    cat <<EOF
usage: bash bench/run.sh [options]        (make bench BENCH_ARGS="...")
  --rows N            events rows in the data set (default 1000000; plus 10000 users)
  --runs R            rounds per scenario; each round runs ferry then every reference (default 3)
  --scenarios LIST    comma-separated, or "all" (default: $DEFAULT_SCENARIOS)
  --jobs J            ferry --jobs (default 4)
  --settings S        stock: the servers restarted with their stock settings, fsync on (default)
                      test: the test suite's settings (fsync off, no flush at commit)
  --out DIR           where the results JSON goes (default bench/results)
  --note TEXT         a note stored in the JSON (e.g. "machine busy")
  --no-install        do not apt-get install missing reference tools: skip them
  --keep              keep the work dir and the targets of failed runs
  --list              list the scenarios and exit
scenarios:
  sqlite-pg   SQLite -> PostgreSQL: ferry vs pgloader vs psql \\copy + keys (the limit)
  my-pg       MariaDB -> PostgreSQL: ferry vs pgloader
  sqlite-my   SQLite -> MariaDB: ferry vs LOAD DATA LOCAL INFILE + keys (the limit)
  pg-my       PostgreSQL -> MariaDB: ferry vs psql \\copy TO STDOUT | LOAD DATA + keys
  resume      ferry SQLite -> PostgreSQL killed (SIGKILL) at ~50% of the chunks: the rerun vs a full run
  dump-my     MariaDB -> dump: ferry dump vs mydumper -t 2 plain and compressed
  dump-pg     PostgreSQL -> dump: ferry dump vs pg_dump -Fd -j 2
  restore-pg  dump -> PostgreSQL: ferry restore vs pg_restore -j 2
  size        (opt-in) ferry and psql \\copy at N and 10 x N rows: growth of time and memory
EOF
}

ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
JOBS=${FERRY_BENCH_JOBS:-4}
SCENARIOS=$DEFAULT_SCENARIOS
BENCH_SETTINGS=stock
OUT=$here/bench/results
NOTE=
INSTALL=1
BENCH_KEEP=
while [ $# -gt 0 ]; do
    case $1 in
        --rows) ROWS=${2:?}; shift ;;
        --runs) RUNS=${2:?}; shift ;;
        --scenarios) SCENARIOS=${2:?}; shift ;;
        --jobs) JOBS=${2:?}; shift ;;
        --settings) BENCH_SETTINGS=${2:?}; shift ;;
        --out) OUT=${2:?}; shift ;;
        --note) NOTE=${2:?}; shift ;;
        --no-install) INSTALL= ;;
        --keep) BENCH_KEEP=1 ;;
        --list) usage | sed -n '/^scenarios:/,$p'; exit 0 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case $ROWS in ''|*[!0-9]*) echo "bench: --rows needs a number" >&2; exit 2 ;; esac
case $RUNS in ''|*[!0-9]*|0) echo "bench: --runs needs a number >= 1" >&2; exit 2 ;; esac
case $JOBS in ''|*[!0-9]*|0) echo "bench: --jobs needs a number >= 1" >&2; exit 2 ;; esac
(( ROWS >= 1000 )) || { echo "bench: --rows must be at least 1000" >&2; exit 2; }
case $BENCH_SETTINGS in stock|test) ;; *) echo "bench: --settings stock|test" >&2; exit 2 ;; esac
[ "$SCENARIOS" = all ] && SCENARIOS=${ALL_SCENARIOS// /,}
declare -A WANT=()
for s in ${SCENARIOS//,/ }; do
    case " $ALL_SCENARIOS " in *" $s "*) WANT[$s]=1 ;; *) echo "bench: unknown scenario $s (see --list)" >&2; exit 2 ;; esac
done
export BENCH_SETTINGS BENCH_KEEP
wants() { local s; for s in "$@"; do [ -n "${WANT[$s]:-}" ] && return 0; done; return 1; }

# --- tools ------------------------------------------------------------------

# need_pkg COMMAND PACKAGE — install PACKAGE when COMMAND is missing (as root,
# unless --no-install); 1 when it is still missing.
need_pkg() {
    command -v "$1" >/dev/null 2>&1 && return 0
    [ -x "$1" ] && return 0
    if [ -n "$INSTALL" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing $2 (Debian package) ..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends "$2" >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "$2" >/dev/null 2>&1; } ||
            echo "bench: apt-get install $2 failed" >&2
    fi
    command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]
}
need_pkg /usr/bin/time time || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
for t in jq sqlite3 psql; do
    command -v "$t" >/dev/null 2>&1 || { echo "bench: needs $t (run: make deps)" >&2; exit 1; }
done
if wants sqlite-pg my-pg; then need_pkg pgloader pgloader || echo "bench: pgloader is missing: its runs are skipped"; fi
if wants dump-my; then need_pkg mydumper mydumper || echo "bench: mydumper is missing: its runs are skipped"; fi

FERRY=${FERRY:-$here/build/ferry}
[ -x "$FERRY" ] || { echo "bench: no ferry binary at $FERRY (run make)" >&2; exit 1; }

source "$here/tests/lib/pg.sh"
source "$here/tests/lib/mariadb.sh"
source "$here/tests/lib/gen_sample.sh"
source "$here/bench/lib/servers.sh"
source "$here/bench/lib/dataset.sh"
source "$here/bench/lib/measure.sh"
source "$here/bench/lib/scenarios.sh"
source "$here/bench/lib/report.sh"

BENCH_WORK=$(mktemp -d /tmp/ferry-bench.XXXXXX)
chmod 755 "$BENCH_WORK"
export BENCH_WORK
cleanup() {
    bs_stop_all
    if [ -n "$BENCH_KEEP" ]; then echo "bench: work dir kept: $BENCH_WORK"; else rm -rf "$BENCH_WORK"; fi
}
trap cleanup EXIT
trap 'echo "bench: interrupted"; exit 130' INT TERM

# A private copy of the binary: a rebuild during the run does not change it.
FERRY_BIN=$BENCH_WORK/ferry
cp "$FERRY" "$FERRY_BIN"
export FERRY_BIN

# --- servers and data ---------------------------------------------------------------

need_pg="" need_my=""
wants sqlite-pg my-pg pg-my resume dump-pg restore-pg size && need_pg=1
wants my-pg sqlite-my pg-my dump-my && need_my=1
if [ -n "$need_pg" ]; then bs_start_pg || exit 1; fi
if [ -n "$need_my" ]; then bs_start_my || exit 1; fi
echo "bench: servers up ($BENCH_SETTINGS settings)${need_pg:+, PostgreSQL on 127.0.0.1:$PGTEST_PORT}${need_my:+, MariaDB on 127.0.0.1:$MYTEST_PORT}"

bd_make "$ROWS" || { echo "bench: generating the data set failed" >&2; exit 1; }
if wants pg-my dump-pg restore-pg; then
    echo "bench: loading the PostgreSQL copy of the data set ..."
    bd_pg_source "$SC_SRC_DB" || { echo "bench: loading the PostgreSQL source failed" >&2; exit 1; }
fi
if wants my-pg dump-my; then
    echo "bench: loading the MariaDB copy of the data set ..."
    bd_my_source "$SC_SRC_DB" || { echo "bench: loading the MariaDB source failed" >&2; exit 1; }
fi

# --- the run's description ---------------------------------------------------------------

_ver() { "$@" 2>/dev/null | head -n 1; }
git_commit=$(git -C "$here" rev-parse HEAD 2>/dev/null || echo unknown)
git_dirty=$( [ -n "$(git -C "$here" status --porcelain --untracked-files=no 2>/dev/null)" ] && echo true || echo false)
jq -n --arg started "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg note "$NOTE" \
    --argjson rows "$ROWS" --argjson runs "$RUNS" --argjson jobs "$JOBS" \
    --arg scen "$SCENARIOS" --arg settings "$BENCH_SETTINGS" \
    --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
    --argjson cores "$(nproc)" --argjson mem "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)" \
    --arg kernel "$(uname -r)" --arg os "$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}")" \
    --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --arg fv "$("$FERRY_BIN" --version 2>/dev/null | head -n 1)" --arg commit "$git_commit" --argjson dirty "$git_dirty" \
    --arg pgv "$([ -n "$need_pg" ] && pg_sql postgres 'SHOW server_version')" \
    --arg myv "$([ -n "$need_my" ] && my_sql '' 'SELECT VERSION()')" \
    --arg pgl "$(_ver pgloader --version)" --arg myd "$(_ver mydumper --version)" \
    --arg pgd "$(_ver pg_dump --version)" --arg sq "$(_ver sqlite3 --version | cut -d' ' -f1)" \
    --argjson pgs "$(bs_pg_settings_json)" --argjson mys "$(bs_my_settings_json)" \
    --argjson ev "$BD_ROWS" --argjson us "$BD_USERS" --argjson bytes "$BD_BYTES" --argjson fbytes "$BD_FILE_BYTES" \
    '{schema_version: 1, started: $started, note: (if $note == "" then null else $note end),
      options: {rows: $rows, runs: $runs, jobs: $jobs, scenarios: ($scen | split(",")), settings: $settings},
      host: {cpu: $cpu, cores: $cores, mem_gb: (($mem / 1048576 * 10 | round) / 10), kernel: $kernel, os: $os,
             loadavg_start: $load},
      ferry: {version: $fv, commit: $commit, dirty: $dirty},
      versions: {postgresql: $pgv, mariadb: $myv, pgloader: $pgl, mydumper: $myd, pg_dump: $pgd, sqlite3: $sq},
      servers: {postgresql: $pgs, mariadb: $mys},
      dataset: {events_rows: $ev, users_rows: $us, payload_bytes: $bytes, sqlite_file_bytes: $fbytes,
                generator: "tests/lib/gen_sample.sh gen_big + bench/lib/dataset.sh (deterministic digests, 10000 users)"}}' \
    >"$BENCH_WORK/meta.json" || { echo "bench: cannot write the run description" >&2; exit 1; }
: >"$BENCH_WORK/scenarios.ndjson"
: >"$BENCH_WORK/runs.ndjson"

echo "bench: $("$FERRY_BIN" --version 2>/dev/null | head -n 1) (commit ${git_commit:0:12}$([ "$git_dirty" = true ] && echo ", uncommitted changes")), $ROWS events rows ($(( BD_BYTES / 1000000 )) MB payload), $RUNS round(s), --jobs $JOBS"

# --- the scenarios, in a fixed order (size last: it switches data sets) ------------------

errors=()
for s in $ALL_SCENARIOS; do
    [ -n "${WANT[$s]:-}" ] || continue
    "sc_${s//-/_}" || errors+=("$s")
done

# --- results ----------------------------------------------------------------------------

mkdir -p "$OUT"
out="$OUT/$(date -u +%Y%m%dT%H%M%SZ)-$(hostname -s 2>/dev/null || echo host)-$ROWS.json"
jq --arg fin "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
   --argjson err "$(printf '%s\n' "${errors[@]}" | jq -R . | jq -sc 'map(select(. != ""))')" \
   '. + {finished: $fin, scenarios_failed: $err} | .host.loadavg_end = $load' \
   "$BENCH_WORK/meta.json" >"$BENCH_WORK/meta.json.new" && mv "$BENCH_WORK/meta.json.new" "$BENCH_WORK/meta.json"
br_assemble "$out" || { echo "bench: assembling the results failed" >&2; exit 1; }
br_table "$out"
echo
echo "bench: results in $out"
if [ ${#errors[@]} -gt 0 ]; then
    echo "bench: scenarios that could not run to the end: ${errors[*]}" >&2
    exit 1
fi
if jq -e '[.scenarios[].contenders[] | select(.available) | .runs[] | select(.ok != true)] | length > 0' "$out" >/dev/null; then
    echo "bench: some runs failed their check (see \"ok\": false in the JSON)" >&2
    exit 1
fi
exit 0
