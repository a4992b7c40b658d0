#!/usr/bin/env bash
# demo.sh — `make demo`: start a throwaway PostgreSQL, make a sample SQLite
# database (every type ferry maps, plus 200,000 events), copy it with ferry
# showing its live output, print the report and a peek at the result, stop
# the server. ROWS=N changes the number of events.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FERRY=${FERRY:-$REPO/ferry}
[ -x "$FERRY" ] || FERRY=$REPO/build/ferry
ROWS=${ROWS:-200000}

# shellcheck source=pg.sh
source "$REPO/tests/lib/pg.sh"
# shellcheck source=gen_sample.sh
source "$REPO/tests/lib/gen_sample.sh"

if [ ! -x "$FERRY" ]; then
    echo "demo: no ferry binary at $REPO/ferry or $REPO/build/ferry; run make first" >&2
    exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-demo.XXXXXX")
trap 'pg_stop; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

echo "== starting a throwaway PostgreSQL"
pg_start || exit 1
pg_createdb demo
URL=$(pg_url demo)
echo "   $URL"

SAMPLE=$WORK/sample.db
echo "== making a sample SQLite database: every type ferry maps + $ROWS events"
gen_all_types "$SAMPLE"
gen_big "$SAMPLE" "$ROWS" add
ls -lh "$SAMPLE" | awk '{ print "   " $NF ": " $5 }'
echo "   tables: $(sqlite3 -batch "$SAMPLE" "SELECT group_concat(name, ', ') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)")"

echo
echo "== ferry copy sqlite:///$SAMPLE $URL --report report.json"
cd "$WORK" || exit 1
start=$(date +%s.%N)
"$FERRY" copy "sqlite:///$SAMPLE" "$URL" --report "$WORK/report.json"
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
case $rc in
    0) echo "== ferry finished in ${secs}s (exit 0)" ;;
    5) echo "== ferry finished in ${secs}s with rejected rows (exit 5): see ferry-rejects.ndjson" ;;
    *) echo "== ferry failed (exit $rc)" ;;
esac

if [ -s "$WORK/report.json" ]; then
    KEEP_REPORT=${TMPDIR:-/tmp}/ferry-demo-report.json
    cp "$WORK/report.json" "$KEEP_REPORT"
    echo
    echo "== the report (in full: $KEEP_REPORT)"
    if command -v jq >/dev/null 2>&1; then
        # The whole document lists every column decision; show the gist.
        jq '{status, source, target, seconds, rejects,
             tables: [.tables[] | "\(.name): \(.rows_written) rows, \(.bytes) bytes, \(.seconds * 1000 | floor) ms"],
             warnings: [.warnings[]? | "\(.object): \(.message)"],
             skipped: [.skipped[]? | "\(.kind) \(.name): \(.reason // .message)"]}' "$WORK/report.json"
    elif command -v python3 >/dev/null 2>&1; then
        python3 -m json.tool "$WORK/report.json"
    else
        cat "$WORK/report.json"
    fi
fi

echo
echo "== a peek at the result"
psql -X -h "$PGTEST_HOST" -p "$PGTEST_PORT" -U postgres -d demo -c '\dt' \
    -c 'SELECT count(*) AS events, min(created_at), max(created_at) FROM events' \
    -c 'SELECT id, c_bool, c_numeric, c_datetime, c_json, c_uuid FROM all_types ORDER BY id LIMIT 5' \
    -c 'SELECT * FROM alembic_version'

echo
echo "== stopping the server"
exit "$rc"
