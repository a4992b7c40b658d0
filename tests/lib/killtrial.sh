# shellcheck shell=bash
# killtrial.sh — random-kill fault trials of `ferry copy` (bash, sourced).
#
# A trial copies a generated database from one engine to another, SIGKILLs
# ferry at a random moment (sometimes twice), reruns the same command until
# it exits 0, and then checks that the target equals the source exactly.
# Used by tests/integration/t_kill_trials.sh (a few trials, in `make test`)
# and tests/torture/run.sh (`make torture`, 100 trials).
#
#   source tests/lib/killtrial.sh        # after the servers are up (pg.sh, mariadb.sh)
#   kt_setup DIR PREFIX ROWS "PAIRS"     # scratch dir, database name prefix, events rows
#   kt_make_sources                      # the source of every pair, checked equal
#   kt_calibrate PAIR                    # one uninterrupted run: its time and phase timeline
#   kt_trial N PAIR                      # one trial: prints one line; 0 when the target is right
#   kt_summary                           # phases the kills landed in, rows lost/extra, reruns
#   kt_teardown                          # drop what kt_setup/kt_make_sources made
#
# PAIRS: sqlite-pg, my-pg, pg-my, pg-sqlite (source-target; any SRC-TGT of
# sqlite, pg, my works). Settings (environment, read by kt_setup):
#   KT_SEED        the seed of every random choice (default 1); trial N draws
#                  from (KT_SEED, N) alone (--jobs, where to aim, the delay as a
#                  point of the pair's measured timeline, whether to kill twice),
#                  so one trial replays by itself
#   KT_CHUNK       --chunk-rows (default 2000)
#   KT_JOBS_MIN/MAX  --jobs drawn per trial between them (default 2..4)
#   KT_TWICE_PCT   percentage of trials killed a second time, during the first rerun (25)
#   KT_RERUNS      reruns at most after the kills (3)
#   KT_TIMEOUT     seconds a ferry run may take (default $FERRY_TIMEOUT or 300)
#   KT_KEEP_FAILED how many failed trials keep their target (default 3; the
#                  server databases go when the caller stops its servers)
#
# The source (made once): tests/lib/gen_sample.sh gen_big — users (1000
# rows, unique email) and events (ROWS rows, 11 columns, a foreign key to
# users, two secondary indexes), with deterministic digests — plus
# audit_log (no key at all, every row twice, a foreign key, a composite
# index; ROWS/10+1 rows) and tags (a text primary key: copied whole,
# WITHOUT ROWID in SQLite). With --chunk-rows 2000, events is cut into
# ROWS/2000 chunks. The PostgreSQL and MariaDB sources are real databases
# made from the SQLite one by ferry itself (its state tables dropped after),
# and checked equal to it value by value before any trial.
#
# A trial: a fresh target; `ferry copy SRC TGT --chunk-rows C --jobs J
# --progress FILE` in the background, SIGKILLed after a random delay drawn
# from the calibrated timeline (aimed at the start/schema, the data phase,
# the index/constraint phases, or anywhere; the timeline is stretched or
# shrunk as kills come out later or earlier than aimed, since a loaded
# machine runs slower or faster than at calibration); right after the kill, the
# target must hold whole chunks only; then the same command again (killed a
# second time in KT_TWICE_PCT % of the trials), then reruns until exit 0.
# The trial passes when the first rerun after the last kill exits 0 and
# the target equals the source: row counts per table, no duplicate key,
# every row value by value (compare.sh's canonical dumps: lost and extra
# rows are counted), the same primary keys, unique and plain indexes and
# foreign keys (validated), the next auto-assigned id is max(id)+1, no
# chunk committed by a killed run written again, and `ferry verify`
# exits 0 (a placeholder verify — "not built yet" — is noted, not failed).
# The phase a kill landed in is the last one the progress file names
# (init: no event yet; start: job_start but no phase; finished: job_done).

_KT_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=pg.sh
declare -F pg_sql >/dev/null || source "$_KT_LIB/pg.sh"
# shellcheck source=mariadb.sh
declare -F my_sql >/dev/null || source "$_KT_LIB/mariadb.sh"
# shellcheck source=compare.sh
declare -F dump_pg >/dev/null || source "$_KT_LIB/compare.sh"
# shellcheck source=gen_sample.sh
declare -F gen_big >/dev/null || source "$_KT_LIB/gen_sample.sh"

KT_TABLES=(users events audit_log tags)
declare -A KT_SPEC=(
    [users]="int:id text:name text:email ts:created_at"
    [events]="int:id int:user_id int:kind int:amount_cents f64:score text:code text:body text:note ts:created_at bool:is_active blob:digest"
    [audit_log]="ts:at int:user_id text:action text:detail"
    [tags]="text:name int:weight text:label"
)
declare -A KT_KEYCOL=([users]=id [events]=id [tags]=name)   # audit_log has none

# Per pair, from kt_calibrate: full-run time, phase offsets (ms from the
# start of the process), chunks in all.
declare -A KT_CAL_T KT_CAL_SCHEMA KT_CAL_DATA KT_CAL_IDX KT_CAL_CHUNKS KT_CAL_BROKEN KT_SCALE
# Totals for kt_summary.
declare -A KT_PHASES
KT_N=0; KT_NPASS=0; KT_NFAIL=0; KT_LOST=0; KT_EXTRA=0; KT_TWICE=0
KT_RERUN_RUNS=0; KT_RERUN_BAD=0; KT_VERIFY_OK=0; KT_VERIFY_NA=0; KT_KEPT=0
KT_LAST_LINE=
KT_BG_PID=

# --- setup -------------------------------------------------------------------

# kt_setup DIR PREFIX ROWS "PAIRS"
kt_setup() {
    KT_DIR=$1 KT_PREFIX=$2 KT_ROWS=$3
    read -r -a KT_PAIRS <<<"$4"
    KT_SEED=${KT_SEED:-1}
    KT_CHUNK=${KT_CHUNK:-2000}
    KT_JOBS_MIN=${KT_JOBS_MIN:-2}
    KT_JOBS_MAX=${KT_JOBS_MAX:-4}
    KT_TWICE_PCT=${KT_TWICE_PCT:-25}
    KT_RERUNS=${KT_RERUNS:-3}
    KT_TIMEOUT=${KT_TIMEOUT:-${FERRY_TIMEOUT:-300}}
    KT_KEEP_FAILED=${KT_KEEP_FAILED:-3}
    KT_AUDIT_ROWS=$(( KT_ROWS / 10 + 1 ))
    KT_TAGS_ROWS=3000
    mkdir -p "$KT_DIR"
    # Which engines serve as a source.
    KT_SRC_ENGINES=" sqlite "
    local p
    for p in "${KT_PAIRS[@]}"; do
        case " $KT_SRC_ENGINES " in *" ${p%-*} "*) ;; *) KT_SRC_ENGINES+="${p%-*} " ;; esac
    done
}

# _kt_ref ENGINE NAME — a SQLite file path or a database name.
_kt_ref() {
    case $1 in sqlite) echo "$KT_DIR/$2.db" ;; *) echo "${KT_PREFIX}_$2" ;; esac
}
# _kt_url ENGINE NAME
_kt_url() {
    case $1 in
        sqlite) echo "sqlite:///$KT_DIR/$2.db" ;;
        pg) pg_url "${KT_PREFIX}_$2" ;;
        my) my_url "${KT_PREFIX}_$2" ;;
    esac
}
# _kt_drop ENGINE NAME / _kt_fresh ENGINE NAME
_kt_drop() {
    case $1 in
        sqlite) rm -f "$KT_DIR/$2.db" "$KT_DIR/$2.db-wal" "$KT_DIR/$2.db-shm" "$KT_DIR/$2.db-journal" ;;
        pg) pg_dropdb "${KT_PREFIX}_$2" >/dev/null 2>&1 ;;
        my) my_dropdb "${KT_PREFIX}_$2" >/dev/null 2>&1 ;;
    esac
}
_kt_fresh() {
    _kt_drop "$1" "$2"
    case $1 in
        pg) pg_createdb "${KT_PREFIX}_$2" ;;
        my) my_createdb "${KT_PREFIX}_$2" ;;
    esac
}

# _kt_q ENGINE REF SQL — run SQL, print the result (tab-separated), errors
# to stderr. SQLite is opened read-write (next-id check) unless KT_RO=1.
_kt_q() {
    case $1 in
        sqlite) if [ "${KT_RO:-0}" = 1 ]; then sqlite3 -batch -readonly -noheader -separator $'\t' "$2" "$3"
                else sqlite3 -batch -noheader -separator $'\t' "$2" "$3"; fi ;;
        pg) pg_sql "$2" "$3" | tr '|' '\t' ;;
        my) my_sql "$2" "$3" ;;
    esac
}

# _kt_dump ENGINE REF TABLE — compare.sh's canonical dump of TABLE.
_kt_dump() {
    local spec
    read -r -a spec <<<"${KT_SPEC[$3]}"
    case $1 in
        sqlite) dump_sqlite "$2" "$3" "${spec[@]}" ;;
        pg) dump_pg "$2" "$3" "${spec[@]}" ;;
        my) dump_my "$2" "\"$3\"" "${spec[@]}" ;;
    esac
}

# kt_struct ENGINE REF [target] — the keys, indexes and foreign keys of the
# four tables, one a line, sorted: "pk T cols", "unique T cols", "index T
# cols", "fk T cols -> R(cols)". With "target" on MySQL, the index MySQL
# makes by itself for a foreign key (named after it) is left out.
kt_struct() {
    local e=$1 ref=$2 role=${3:-} list
    list=$(printf "'%s'," "${KT_TABLES[@]}")
    list=${list%,}
    case $e in
    sqlite)
        sqlite3 -batch -readonly -noheader -list "$ref" "
SELECT 'pk ' || m.name || ' ' || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk))
  FROM sqlite_master m WHERE m.type = 'table' AND m.name IN ($list)
   AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE pk > 0);
SELECT CASE WHEN il.\"unique\" THEN 'unique ' ELSE 'index ' END || m.name || ' ' ||
       (SELECT group_concat(coalesce(name, '<expr>'), ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno))
  FROM sqlite_master m, pragma_index_list(m.name) il
 WHERE m.type = 'table' AND m.name IN ($list) AND il.origin <> 'pk';
SELECT 'fk ' || m.name || ' ' || group_concat(f.\"from\", ',') || ' -> ' || f.\"table\" || '(' || group_concat(f.\"to\", ',') || ')'
  FROM sqlite_master m, pragma_foreign_key_list(m.name) f
 WHERE m.type = 'table' AND m.name IN ($list) GROUP BY m.name, f.id;" ;;
    pg)
        pg_sql "$ref" "
SELECT CASE WHEN i.indisprimary THEN 'pk ' WHEN i.indisunique THEN 'unique ' ELSE 'index ' END || c.relname || ' ' ||
       (SELECT string_agg(coalesce(a.attname, '<expr>'), ',' ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
          LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum) ||
       CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relname IN ($list);
SELECT 'fk ' || c.relname || ' ' ||
       (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(f.conkey) WITH ORDINALITY k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.attnum) || ' -> ' || r.relname || '(' ||
       (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(f.confkey) WITH ORDINALITY k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.attnum) || ')' ||
       CASE WHEN f.convalidated THEN '' ELSE ' (not valid)' END
  FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class r ON r.oid = f.confrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE f.contype = 'f' AND n.nspname = 'public' AND c.relname IN ($list)" ;;
    my)
        local skip_fk_index=
        [ "$role" = target ] && skip_fk_index="AND NOT EXISTS (SELECT 1 FROM information_schema.REFERENTIAL_CONSTRAINTS r
                    WHERE r.CONSTRAINT_SCHEMA = s.TABLE_SCHEMA AND r.TABLE_NAME = s.TABLE_NAME AND r.CONSTRAINT_NAME = s.INDEX_NAME)"
        my_sql "$ref" "
SELECT CONCAT(CASE WHEN s.INDEX_NAME = 'PRIMARY' THEN 'pk ' WHEN s.NON_UNIQUE = 0 THEN 'unique ' ELSE 'index ' END,
              s.TABLE_NAME, ' ', GROUP_CONCAT(COALESCE(s.COLUMN_NAME, '<expr>') ORDER BY s.SEQ_IN_INDEX SEPARATOR ','))
  FROM information_schema.STATISTICS s
 WHERE s.TABLE_SCHEMA = DATABASE() AND s.TABLE_NAME IN ($list) $skip_fk_index
 GROUP BY s.TABLE_NAME, s.INDEX_NAME;
SELECT CONCAT('fk ', k.TABLE_NAME, ' ', GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ','), ' -> ',
              k.REFERENCED_TABLE_NAME, '(', GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ','), ')')
  FROM information_schema.KEY_COLUMN_USAGE k
 WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME IN ($list) AND k.REFERENCED_TABLE_NAME IS NOT NULL
 GROUP BY k.TABLE_NAME, k.CONSTRAINT_NAME" ;;
    esac | LC_ALL=C sort
}

# _kt_gen_sqlite FILE — the SQLite source (see the header).
_kt_gen_sqlite() {
    local db=$1
    gen_big "$db" "$KT_ROWS" || return 1
    sqlite3 -batch -bail "$db" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
-- gen_big's digests are random blobs: make them a function of the id.
UPDATE events SET digest = sha3(id, 256);
CREATE TABLE audit_log (           -- no key at all: every row twice
    at      DATETIME NOT NULL,
    user_id INTEGER REFERENCES users(id),
    action  VARCHAR(20) NOT NULL,
    detail  TEXT
);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $KT_AUDIT_ROWS - 1)
INSERT INTO audit_log
SELECT strftime('%Y-%m-%d %H:%M:%S', 1650000000 + (i / 2) * 61, 'unixepoch'),
       1 + ((i / 2) * 389) % 1000,
       CASE (i / 2) % 4 WHEN 0 THEN 'login' WHEN 1 THEN 'logout' WHEN 2 THEN 'update' ELSE 'delete' END,
       CASE WHEN (i / 2) % 7 = 0 THEN NULL ELSE 'detail ' || ((i / 2) % 11) || char(9) || 'tab' END
FROM c;
CREATE INDEX ix_audit_action_at ON audit_log (action, at);
CREATE TABLE tags (                -- a text key: one chunk, reloaded whole
    name   TEXT PRIMARY KEY,
    weight INTEGER NOT NULL,
    label  TEXT
) WITHOUT ROWID;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $KT_TAGS_ROWS)
INSERT INTO tags SELECT 'tag-' || printf('%05d', (i * 7) % 10007), i % 100, 'label ' || i FROM c;
COMMIT;
SQL
}

# kt_make_sources — the SQLite source, and the PostgreSQL / MariaDB ones the
# pairs need (copied from it by ferry, state tables dropped); each dumped
# and checked equal to the SQLite source. Prints what it did; 1 on failure.
kt_make_sources() {
    local t e s0 ref out
    s0=$(date +%s.%N)
    _kt_gen_sqlite "$KT_DIR/src.db" || { echo "cannot generate the SQLite source"; return 1; }
    for t in "${KT_TABLES[@]}"; do
        _kt_dump sqlite "$KT_DIR/src.db" "$t" >"$KT_DIR/src.sqlite.$t" || { echo "cannot dump the SQLite source"; return 1; }
    done
    kt_struct sqlite "$KT_DIR/src.db" >"$KT_DIR/struct.sqlite"
    for e in pg my; do
        case $KT_SRC_ENGINES in *" $e "*) ;; *) continue ;; esac
        ref=$(_kt_ref "$e" src)
        _kt_fresh "$e" src >/dev/null 2>&1 || { echo "cannot create the $e source database $ref"; return 1; }
        if ! out=$(timeout -k 5 "$KT_TIMEOUT" "$FERRY" copy "sqlite:///$KT_DIR/src.db" "$(_kt_url "$e" src)" \
                --chunk-rows 50000 --quiet 2>&1 </dev/null); then
            echo "building the $e source with ferry failed: $out"
            return 1
        fi
        case $e in
            pg) pg_sql "$ref" "DROP SCHEMA _ferry CASCADE" >/dev/null 2>&1 ;;
            my) for t in $(my_sql "$ref" "SELECT TABLE_NAME FROM information_schema.TABLES
                                         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE '\\_ferry%'"); do
                    my_sql "$ref" "DROP TABLE \`$t\`"
                done ;;
        esac
        for t in "${KT_TABLES[@]}"; do
            _kt_dump "$e" "$ref" "$t" >"$KT_DIR/src.$e.$t" || { echo "cannot dump the $e source"; return 1; }
            if ! compare_files "$e source $t vs the SQLite source" "$KT_DIR/src.sqlite.$t" "$KT_DIR/src.$e.$t"; then
                echo "the $e source made by ferry differs from the SQLite source (table $t): a plain copy is wrong"
                return 1
            fi
        done
        kt_struct "$e" "$ref" >"$KT_DIR/struct.$e"
    done
    local engines=${KT_SRC_ENGINES# }
    echo "sources: ${engines% } ($KT_ROWS events in chunks of $KT_CHUNK, 1000 users, $KT_AUDIT_ROWS keyless audit_log rows, $KT_TAGS_ROWS tags) made in $(awk -v a="$s0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"
}

# --- randomness: a 64-bit LCG, the same on every machine ---------------------

# _kt_seed N — the generator for trial N.
_kt_seed() {
    KT_RNG=$(( (KT_SEED * 1000003 + $1) * 2862933555777941757 + 3037000493 ))
    _kt_rand 2; _kt_rand 2
}
# _kt_rand N — KT_R is uniform in [0, N).
_kt_rand() {
    KT_RNG=$(( KT_RNG * 6364136223846793005 + 1442695040888963407 ))
    KT_R=$(( ((KT_RNG >> 33) & 0x7fffffff) % $1 ))
}

# _kt_one TEXT — TEXT on one line, white space squeezed, at most 200 bytes.
_kt_one() { printf '%s' "$1" | grep -v '^-*$' | tr '\t\n' '  ' | tr -s ' ' | head -c 200; }

_kt_now_ms() { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }
_kt_secs() { printf '%d.%02d' $(( $1 / 1000 )) $(( ($1 % 1000) / 10 )); }

# --- progress files ------------------------------------------------------------

# _kt_phase FILE — where a run stood when it stopped (see the header).
_kt_phase() {
    local f=$1 p
    if [ ! -s "$f" ]; then echo init; return; fi
    if grep -q '"event":"job_done"' "$f"; then echo finished; return; fi
    p=$(grep -o '"phase":"[a-z_]*"' "$f" | tail -n 1 | cut -d'"' -f4)
    if [ -n "$p" ]; then echo "$p"; return; fi
    if grep -q '"event":"job_start"' "$f"; then echo start; else echo init; fi
}
# _kt_chunks FILE... — "table chunk" of every chunk_done, one a line.
_kt_chunks() {
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        sed -n 's/.*"event":"chunk_done","table":"\([^"]*\)","chunk":\([0-9]*\).*/\1 \2/p' "$f"
    done
}

# --- one run ---------------------------------------------------------------------

# _kt_start SRC_URL TGT_URL JOBS PROGRESS LOG — ferry copy in the background.
_kt_start() {
    rm -f "$4"
    "$FERRY" copy "$1" "$2" --chunk-rows "$KT_CHUNK" --jobs "$3" --progress "$4" >"$5" 2>&1 </dev/null &
    KT_BG_PID=$!
    if declare -p T_BG_PIDS >/dev/null 2>&1; then T_BG_PIDS+=("$KT_BG_PID"); fi
}

# _kt_kill_after MS — SIGKILL the background run after MS ms (if it still
# runs); sets KT_KRC (its exit status: 137 when killed, 0 when it had
# finished) and KT_KAT (ms from its start to the kill).
_kt_kill_after() {
    local t0 t1
    t0=$(_kt_now_ms)
    sleep "$(printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )))"
    # bash reports a child killed by a signal ("Killed") on its stderr
    # whenever it reaps it: silence it for the moment.
    exec 8>&2 2>/dev/null
    kill -9 "$KT_BG_PID"
    t1=$(_kt_now_ms)
    wait "$KT_BG_PID"
    KT_KRC=$?
    exec 2>&8 8>&-
    KT_KAT=$(( t1 - t0 ))
    KT_BG_PID=
}

# _kt_run_fg SRC_URL TGT_URL JOBS PROGRESS LOG — ferry copy, bounded in
# time; sets KT_RC.
_kt_run_fg() {
    rm -f "$4"
    timeout -k 5 "$KT_TIMEOUT" "$FERRY" copy "$1" "$2" --chunk-rows "$KT_CHUNK" --jobs "$3" \
        --progress "$4" >"$5" 2>&1 </dev/null
    KT_RC=$?
}

# --- checks ---------------------------------------------------------------------

# _kt_int_div ENGINE EXPR N — integer division in ENGINE's SQL.
_kt_int_div() { if [ "$1" = my ]; then echo "($2) DIV $3"; else echo "($2) / $3"; fi; }

# _kt_check_partial ENGINE REF — after a kill: the target holds whole
# chunks only. Prints one problem a line (nothing when fine).
_kt_check_partial() {
    local e=$1 ref=$2 c d n exp last lastn
    # events: chunks of KT_CHUNK consecutive ids from 1 (dense keys are cut by arithmetic).
    last=$(( (KT_ROWS - 1) / KT_CHUNK ))
    lastn=$(( KT_ROWS - last * KT_CHUNK ))
    d=$(_kt_int_div "$e" "id - 1" "$KT_CHUNK")
    c=$(KT_RO=1 _kt_q "$e" "$ref" "SELECT count(*), count(DISTINCT id) FROM events" 2>/dev/null)
    if [ -n "$c" ]; then
        n=${c%%$'\t'*}
        [ "$n" = "${c#*$'\t'}" ] || echo "after the kill: events has duplicate ids ($c)"
        c=$(KT_RO=1 _kt_q "$e" "$ref" "SELECT count(*) FROM (SELECT $d AS k, count(*) AS n FROM events GROUP BY $d) g
                                  WHERE n <> CASE WHEN k = $last THEN $lastn ELSE $KT_CHUNK END" 2>/dev/null)
        [ "${c:-0}" = 0 ] || echo "after the kill: $c chunk(s) of events are partly in the target ($n rows)"
    fi
    for t in users audit_log tags; do
        c=$(KT_RO=1 _kt_q "$e" "$ref" "SELECT count(*) FROM $t" 2>/dev/null)
        [ -n "$c" ] || continue
        case $t in users) exp=1000 ;; audit_log) exp=$KT_AUDIT_ROWS ;; tags) exp=$KT_TAGS_ROWS ;; esac
        # audit_log from SQLite is cut by rowid into chunks of KT_CHUNK rows,
        # the last one shorter: any of them may be in.
        if [ "$c" != 0 ] && [ "$c" != "$exp" ] &&
           { [ "$t" != audit_log ] || { [ $(( c % KT_CHUNK )) != 0 ] && [ $(( c % KT_CHUNK )) != $(( exp % KT_CHUNK )) ]; }; }; then
            echo "after the kill: $t holds $c of $exp rows (not whole chunks)"
        fi
    done
}

# _kt_check_target SRC_ENGINE TGT_ENGINE TGT_REF LOGPREFIX — the target
# equals the source. Prints one problem a line; adds to KT_T_LOST/EXTRA.
_kt_check_target() {
    local se=$1 te=$2 ref=$3 lp=$4 t c n k lost extra
    for t in "${KT_TABLES[@]}"; do
        n=$(wc -l <"$KT_DIR/src.$se.$t")
        k=${KT_KEYCOL[$t]:-}
        if [ -n "$k" ]; then
            c=$(KT_RO=1 _kt_q "$te" "$ref" "SELECT count(*), count(DISTINCT $k) FROM $t" 2>&1)
            [ "$c" = "$n"$'\t'"$n" ] || echo "$t: count(*), count(DISTINCT $k) = $(_kt_one "${c/$'\t'//}"), expected $n/$n"
        else
            c=$(KT_RO=1 _kt_q "$te" "$ref" "SELECT count(*) FROM $t" 2>&1)
            [ "$c" = "$n" ] || echo "$t: count(*) = $(_kt_one "$c"), expected $n"
        fi
        if ! _kt_dump "$te" "$ref" "$t" >"$lp.$t" 2>"$lp.$t.err"; then
            echo "$t: cannot dump the target: $(_kt_one "$(grep -v '^-*$' "$lp.$t.err" | tail -n 2)")"
            continue
        fi
        lost=$(LC_ALL=C comm -23 "$KT_DIR/src.$se.$t" "$lp.$t" | wc -l)
        extra=$(LC_ALL=C comm -13 "$KT_DIR/src.$se.$t" "$lp.$t" | wc -l)
        KT_T_LOST=$(( KT_T_LOST + lost ))
        KT_T_EXTRA=$(( KT_T_EXTRA + extra ))
        if [ "$lost" != 0 ] || [ "$extra" != 0 ]; then
            echo "$t: $lost source row(s) missing or different, $extra target row(s) extra or different"
            compare_files "$t" "$KT_DIR/src.$se.$t" "$lp.$t" >"$lp.$t.diff"
        fi
        rm -f "$lp.$t" "$lp.$t.err"
    done
    kt_struct "$te" "$ref" target >"$lp.struct" 2>&1
    if ! cmp -s "$KT_DIR/struct.$se" "$lp.struct"; then
        LC_ALL=C comm -23 "$KT_DIR/struct.$se" "$lp.struct" | sed 's/^/missing in the target: /'
        LC_ALL=C comm -13 "$KT_DIR/struct.$se" "$lp.struct" | sed 's/^/not in the source: /'
    fi
}

# _kt_check_next_id ENGINE REF — a new event gets max(id)+1 (the
# auto-increment was positioned); the row is deleted again.
_kt_check_next_id() {
    local e=$1 ref=$2 got cols="user_id, kind, amount_cents, code, body, created_at, is_active, digest"
    case $e in
        pg) got=$(pg_sql "$ref" "INSERT INTO events ($cols) VALUES (1, 1, 1, 'x', 'x', '2020-01-01 00:00:00', true, '\\x00') RETURNING id" 2>&1)
            pg_sql "$ref" "DELETE FROM events WHERE id > $KT_ROWS" >/dev/null 2>&1 ;;
        my) got=$(my_sql "$ref" "INSERT INTO events ($cols) VALUES (1, 1, 1, 'x', 'x', '2020-01-01 00:00:00', 1, x'00');
                                SELECT LAST_INSERT_ID(); DELETE FROM events WHERE id > $KT_ROWS" 2>&1) ;;
        sqlite) got=$(sqlite3 -batch "$ref" "INSERT INTO events ($cols) VALUES (1, 1, 1, 'x', 'x', '2020-01-01 00:00:00', 1, x'00');
                                SELECT last_insert_rowid(); DELETE FROM events WHERE id > $KT_ROWS" 2>&1) ;;
    esac
    [ "$got" = $(( KT_ROWS + 1 )) ] || echo "next events id: $(_kt_one "$(printf '%s' "$got" | grep -v '^-*$' | tail -n 2)"), expected $(( KT_ROWS + 1 ))"
}

# --- calibration ------------------------------------------------------------------

# _kt_iso_ms TS — ISO 8601 UTC time to Unix ms.
_kt_iso_ms() { date -u -d "$1" +%s%3N 2>/dev/null; }

# kt_calibrate PAIR — one uninterrupted run: its time, its phase offsets,
# its chunk count, and its target checked like a trial's. Prints one line.
kt_calibrate() {
    local pair=$1 se=${1%-*} te=${1#*-} p=$KT_DIR/cal-$1 start end ts off_schema off_data off_idx nch probs
    _kt_fresh "$te" "cal_$se$te" >/dev/null 2>&1
    start=$(_kt_now_ms)
    _kt_run_fg "$(_kt_url "$se" src)" "$(_kt_url "$te" "cal_$se$te")" 3 "$p.ndjson" "$p.log"
    end=$(_kt_now_ms)
    if [ "$KT_RC" != 0 ]; then
        KT_CAL_BROKEN[$pair]="an uninterrupted copy exits $KT_RC: $(tail -n 3 "$p.log" | tr '\n' ' ' | head -c 400)"
        KT_CAL_T[$pair]=1000 KT_CAL_SCHEMA[$pair]=40 KT_CAL_DATA[$pair]=50 KT_CAL_IDX[$pair]=800 KT_CAL_CHUNKS[$pair]=0
        echo "calibrate $pair: FAILED: ${KT_CAL_BROKEN[$pair]}"
        return 1
    fi
    KT_CAL_T[$pair]=$(( end - start ))
    ts=$(grep '"event":"phase","phase":"schema"' "$p.ndjson" | head -n 1 | sed 's/.*"ts":"\([^"]*\)".*/\1/')
    off_schema=$(( $(_kt_iso_ms "$ts") - start ))
    ts=$(grep '"phase":"data"' "$p.ndjson" | head -n 1 | sed 's/.*"ts":"\([^"]*\)".*/\1/')
    off_data=$(( $(_kt_iso_ms "$ts") - start ))
    ts=$(grep '"event":"phase","phase":"indexes"' "$p.ndjson" | head -n 1 | sed 's/.*"ts":"\([^"]*\)".*/\1/')
    off_idx=$(( $(_kt_iso_ms "$ts") - start ))
    # Clocks of a second process: keep the offsets inside [0, T].
    (( off_schema < 0 )) && off_schema=0
    (( off_data < off_schema )) && off_data=$off_schema
    (( off_idx < off_data )) && off_idx=$off_data
    (( off_idx > KT_CAL_T[$pair] )) && off_idx=${KT_CAL_T[$pair]}
    KT_CAL_SCHEMA[$pair]=$off_schema
    KT_CAL_DATA[$pair]=$off_data
    KT_CAL_IDX[$pair]=$off_idx
    nch=$(_kt_chunks "$p.ndjson" | wc -l)
    KT_CAL_CHUNKS[$pair]=$nch
    KT_T_LOST=0 KT_T_EXTRA=0
    _kt_check_target "$se" "$te" "$(_kt_ref "$te" "cal_$se$te")" "$p" >"$p.problems"
    probs=$(cat "$p.problems")
    echo "calibrate $pair: full run $(_kt_secs "${KT_CAL_T[$pair]}")s, schema from $(_kt_secs "$off_schema")s, data from $(_kt_secs "$off_data")s," \
         "indexes from $(_kt_secs "$off_idx")s, $nch chunks${probs:+; FAILED: $(printf '%s' "$probs" | tr '\n' ';')}"
    if [ -n "$probs" ]; then
        KT_CAL_BROKEN[$pair]="an uninterrupted copy is wrong: $(printf '%s' "$probs" | tr '\n' ';')"
        return 1
    fi
    _kt_drop "$te" "cal_$se$te"
    return 0
}

# _kt_pick_delay PAIR — KT_DELAY (ms) and KT_AIM for a first kill: aimed
# at the start (connect, plan, job creation), the schema phase (a few ms
# on PostgreSQL: aimed at, seldom hit), the data phase,
# the phases after it (indexes, constraints, sequences), or anywhere; the
# later windows stop short of the measured end, as runs vary.
_kt_pick_delay() {
    local pair=$1 lo hi T=${KT_CAL_T[$1]} sc=${KT_CAL_SCHEMA[$1]} d=${KT_CAL_DATA[$1]} x=${KT_CAL_IDX[$1]}
    _kt_rand 100
    if   (( KT_R < 10 )); then KT_AIM=start;  lo=0;  hi=$sc
    elif (( KT_R < 20 )); then KT_AIM=schema; lo=$(( sc > 5 ? sc - 5 : 0 )); hi=$(( d + 5 ))
    elif (( KT_R < 55 )); then KT_AIM=data;   lo=$d; hi=$x
    elif (( KT_R < 85 )); then KT_AIM=finish; lo=$x; hi=$(( x + (T - x) * 85 / 100 ))
    else                       KT_AIM=any;    lo=0;  hi=$(( T * 90 / 100 ))
    fi
    (( hi <= lo )) && hi=$(( lo + 1 ))
    _kt_rand $(( hi - lo ))
    KT_DELAY=$(( (lo + KT_R) * ${KT_SCALE[$pair]:-100} / 100 ))
}

# _kt_adapt PAIR PHASE — runs get faster or slower as the machine's load
# changes: a first kill that came after the end shrinks the pair's
# timeline by 10 %, one that came before the phase it was aimed at
# (data, or after the data) stretches it by 5 % (within 40-200 %).
_kt_adapt() {
    local s=${KT_SCALE[$1]:-100}
    case $2 in
        finished) s=$(( s * 90 / 100 )) ;;
        init|start|schema) case $KT_AIM in data|finish) s=$(( s * 105 / 100 )) ;; esac ;;
        data) [ "$KT_AIM" = finish ] && s=$(( s * 105 / 100 )) ;;
    esac
    (( s < 40 )) && s=40
    (( s > 200 )) && s=200
    KT_SCALE[$1]=$s
}

# --- a trial --------------------------------------------------------------------

# _kt_check_end SRC_ENGINE TGT_ENGINE SRC_URL TGT_URL TGT_REF P LAST_PROGRESS
# KILLED_PROGRESS... — after the rerun that exited 0: no chunk a killed run
# reported committed was written again, the target equals the source,
# ferry verify agrees (KT_VERIFY: ok, n/a for a placeholder, exit:N), and
# the next id follows the last. Prints one problem a line.
_kt_check_end() {
    local se=$1 te=$2 src=$3 tgt=$4 ref=$5 p=$6 last=$7 again vout vrc
    shift 7
    again=$(LC_ALL=C comm -12 <(_kt_chunks "$@" | LC_ALL=C sort) <(_kt_chunks "$last" | LC_ALL=C sort) |
            head -n 5 | tr '\n' ';')
    [ -n "$again" ] && echo "chunks committed by a killed run were written again by the rerun: $again"

    _kt_check_target "$se" "$te" "$ref" "$p.tgt"
    KT_LOST=$(( KT_LOST + KT_T_LOST ))
    KT_EXTRA=$(( KT_EXTRA + KT_T_EXTRA ))

    vout=$(timeout -k 5 "$KT_TIMEOUT" "$FERRY" verify "$src" "$tgt" --chunk-rows "$KT_CHUNK" 2>&1 </dev/null)
    vrc=$?
    { echo "\$ ferry verify $src $tgt --chunk-rows $KT_CHUNK: exit $vrc"; printf '%s\n' "$vout" | head -n 30 | sed 's/^/  | /'; } >>"$p.log"
    if [ "$vrc" = 1 ] && printf '%s' "$vout" | grep -q 'not built yet'; then
        KT_VERIFY=n/a
        KT_VERIFY_NA=$(( KT_VERIFY_NA + 1 ))
    elif [ "$vrc" = 0 ]; then
        KT_VERIFY=ok
        KT_VERIFY_OK=$(( KT_VERIFY_OK + 1 ))
    else
        KT_VERIFY="exit:$vrc"
        echo "ferry verify exited $vrc: $(_kt_one "$(printf '%s' "$vout" | grep -v '^ *$' | tail -n 3)")"
    fi

    # The auto-increment continues after the last id (changes the target: last).
    _kt_check_next_id "$te" "$ref"
}

# kt_trial N PAIR — see the header. Prints one line (and the problems
# below it); sets KT_LAST_LINE; returns 0 when the trial passed.
kt_trial() {
    local n=$1 pair=$2 se=${2%-*} te=${2#*-}
    local name="t$n" p="$KT_DIR/trial$n" src tgt ref jobs total line phase i k rc rcs="" runs
    local -a prog=()
    src=$(_kt_url "$se" src)
    tgt=$(_kt_url "$te" "$name")
    ref=$(_kt_ref "$te" "$name")
    total=${KT_CAL_CHUNKS[$pair]:-0}
    local probs=$p.problems
    : >"$probs"
    _kt_seed "$n"
    _kt_rand $(( KT_JOBS_MAX - KT_JOBS_MIN + 1 )); jobs=$(( KT_JOBS_MIN + KT_R ))
    _kt_pick_delay "$pair"
    KT_T_LOST=0 KT_T_EXTRA=0
    _kt_fresh "$te" "$name" >/dev/null 2>&1 || echo "cannot create the target $ref" >>"$probs"
    {
        echo "trial $n $pair seed $KT_SEED jobs $jobs aim $KT_AIM delay ${KT_DELAY}ms (timeline at ${KT_SCALE[$pair]:-100} %)"
        echo "\$ ferry copy $src $tgt --chunk-rows $KT_CHUNK --jobs $jobs --progress FILE"
    } >"$p.log"
    line="trial $n $pair jobs=$jobs"

    # The first run, killed after KT_DELAY; then, sometimes, the first
    # rerun killed too (after a delay anywhere in a full run's time).
    runs=0
    for k in 1 2; do
        if [ "$k" = 2 ]; then
            _kt_rand 100
            (( KT_R < KT_TWICE_PCT )) || break
            # Anywhere in what is left: start-up, the chunks still to do, the rest.
            i=$(_kt_chunks "${prog[@]}" | wc -l)
            _kt_rand $(( KT_CAL_DATA[$pair] + (KT_CAL_IDX[$pair] - KT_CAL_DATA[$pair]) * (total - i) / (total > 0 ? total : 1)
                         + (KT_CAL_T[$pair] - KT_CAL_IDX[$pair]) * 85 / 100 + 1 ))
            KT_DELAY=$(( KT_R * ${KT_SCALE[$pair]:-100} / 100 ))
            KT_TWICE=$(( KT_TWICE + 1 ))
        fi
        runs=$k
        prog+=("$p.run$k.ndjson")
        _kt_start "$src" "$tgt" "$jobs" "$p.run$k.ndjson" "$p.run$k.out"
        _kt_kill_after "$KT_DELAY"
        phase=$(_kt_phase "$p.run$k.ndjson")
        case $KT_KRC in 0) phase=finished ;; 137) ;; *) phase="exit$KT_KRC" ;; esac
        KT_PHASES[$phase]=$(( ${KT_PHASES[$phase]:-0} + 1 ))
        [ "$k" = 1 ] && _kt_adapt "$pair" "$phase"
        line+=" kill$([ "$k" = 2 ] && echo 2)@$(_kt_secs "$KT_KAT")s phase=$phase chunks_done=$(_kt_chunks "${prog[@]}" | wc -l)/$total"
        echo "run $k: exit $KT_KRC, killed after ${KT_KAT}ms, phase $phase" >>"$p.log"
        sed 's/^/  | /' "$p.run$k.out" >>"$p.log"
        case $KT_KRC in
            0|137) ;;
            *) echo "run $k ended by itself with exit $KT_KRC: $(_kt_one "$(grep -v '^ *$' "$p.run$k.out" | tail -n 2)")" >>"$probs" ;;
        esac
        _kt_check_partial "$te" "$ref" >>"$probs"
    done

    # Rerun until exit 0.
    for ((i = 1; i <= KT_RERUNS; i++)); do
        runs=$(( runs + 1 ))
        _kt_run_fg "$src" "$tgt" "$jobs" "$p.run$runs.ndjson" "$p.run$runs.out"
        rc=$KT_RC
        KT_RERUN_RUNS=$(( KT_RERUN_RUNS + 1 ))
        rcs+="${rcs:+,}$rc"
        echo "run $runs (rerun $i): exit $rc" >>"$p.log"
        sed 's/^/  | /' "$p.run$runs.out" >>"$p.log"
        [ "$rc" = 0 ] && break
        KT_RERUN_BAD=$(( KT_RERUN_BAD + 1 ))
        echo "rerun $i exited $rc: $(_kt_one "$(grep -v '^ *$' "$p.run$runs.out" | tail -n 2)")" >>"$probs"
    done
    if [ "$rcs" = 0 ]; then line+=" rerun=ok"; else line+=" rerun=exit:$rcs"; fi

    # Without a run that ended well, the target cannot be complete: say so once.
    if [ "$rc" = 0 ]; then
        _kt_check_end "$se" "$te" "$src" "$tgt" "$ref" "$p" "$p.run$runs.ndjson" "${prog[@]}" >>"$probs"
        line+=" verify=$KT_VERIFY"
    else
        echo "no run ended with exit 0: the target was not compared" >>"$probs"
        line+=" verify=skipped"
    fi

    KT_N=$(( KT_N + 1 ))
    if [ ! -s "$probs" ]; then
        KT_NPASS=$(( KT_NPASS + 1 ))
        KT_LAST_LINE="$line ok"
        echo "$KT_LAST_LINE"
        _kt_drop "$te" "$name"
        rm -f "$p".*
        return 0
    fi
    KT_NFAIL=$(( KT_NFAIL + 1 ))
    KT_LAST_LINE="$line FAILED"
    echo "$KT_LAST_LINE"
    head -n 12 "$probs" | sed 's/^/    /'
    [ "$(wc -l <"$probs")" -gt 12 ] && echo "    ... $(( $(wc -l <"$probs") - 12 )) more problem line(s) in the log"
    cat "$p".tgt.*.diff 2>/dev/null | head -n 20 | sed 's/^/    | /'
    { echo "problems:"; cat "$probs"; } >>"$p.log"
    if (( KT_KEPT < KT_KEEP_FAILED )); then
        KT_KEPT=$(( KT_KEPT + 1 ))
        echo "    kept: target $tgt; log $p.log"
    else
        _kt_drop "$te" "$name"
        echo "    log: $p.log"
    fi
    return 1
}

# kt_summary — the spread of the kills and the totals.
kt_summary() {
    local ph s="" known=" init start schema data indexes constraints sequences views done finished "
    for ph in $known; do
        [ -n "${KT_PHASES[$ph]:-}" ] && s+="${s:+, }$ph ${KT_PHASES[$ph]}"
    done
    for ph in "${!KT_PHASES[@]}"; do      # exitN: runs that ended by themselves
        case $known in *" $ph "*) ;; *) s+="${s:+, }$ph ${KT_PHASES[$ph]}" ;; esac
    done
    echo "kills landed in: $s ($KT_TWICE trials killed twice)"
    echo "rows: $KT_LOST lost, $KT_EXTRA extra or duplicated, over $KT_N trials"
    echo "reruns: $KT_RERUN_RUNS, of which $KT_RERUN_BAD exited non-zero"
    if (( KT_VERIFY_NA > 0 )); then
        echo "note: verify not available (placeholder) in $KT_VERIFY_NA trials; $KT_VERIFY_OK verified ok"
    else
        echo "ferry verify: $KT_VERIFY_OK trials verified ok"
    fi
}

# kt_teardown — drop the sources and the calibration targets (failed
# trials' kept targets stay).
kt_teardown() {
    local e p
    [ -n "$KT_BG_PID" ] && { kill -9 "$KT_BG_PID" 2>/dev/null; wait "$KT_BG_PID" 2>/dev/null; }
    for e in pg my; do
        case ${KT_SRC_ENGINES:-} in *" $e "*) _kt_drop "$e" src ;; esac
    done
    for p in "${KT_PAIRS[@]}"; do
        [ -n "${KT_CAL_BROKEN[$p]:-}" ] || _kt_drop "${p#*-}" "cal_${p%-*}${p#*-}"
    done
    return 0
}
