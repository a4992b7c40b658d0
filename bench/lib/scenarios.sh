# shellcheck shell=bash
# scenarios.sh — the benchmark scenarios and their contenders (bash,
# sourced by bench/run.sh; see bench/README.md for what each measures).
#
# A scenario runs its contenders in rounds: round 1 runs ferry, then each
# reference; round 2 the same; … (ferry and the references alternate in one
# run, so slow drifts of the machine hit both). Every run gets a fresh
# target (a new database, or a new dump directory), is timed by bm_run,
# checked (row counts, indexes, foreign keys) and its target dropped.
#
# A contender C is four functions: ct_C_avail (prints why it cannot run,
# returns 1), ct_C_script SCRIPT SRC TGT TARGETNAME (writes the timed
# command as a bash script: that text is recorded in the JSON as the exact
# command), and optionally ct_C_extra TARGETNAME (extra JSON for the record).
#
# Globals from run.sh: FERRY_BIN BENCH_WORK JOBS RUNS; from dataset.sh BD_*.

SC_SRC_DB=bsrc             # the source databases on both servers

# --- helpers ------------------------------------------------------------------

# _sc_url ENGINE DBNAME — the URL ferry gets.
_sc_url() {
    case $1 in
        sqlite) echo "sqlite:///$BD_DB" ;;
        pg) pg_url "$2" ;;
        my) my_url "$2" ;;
    esac
}

# _sc_fresh ENGINE NAME / _sc_drop ENGINE NAME — a target: database or directory.
_sc_fresh() {
    _sc_drop "$1" "$2"
    case $1 in
        pg) pg_createdb "$2" ;;
        my) my_createdb "$2" >/dev/null ;;
        dir) mkdir -p "$BENCH_WORK/targets" ;;
    esac
}
_sc_drop() {
    case $1 in
        pg) pg_dropdb "$2" >/dev/null 2>&1 ;;
        my) my_dropdb "$2" >/dev/null 2>&1 ;;
        dir) rm -rf "${BENCH_WORK:?}/targets/$2" ;;
    esac
    return 0
}

# _sc_check ENGINE NAME — prints the check JSON; returns 0 when the target
# holds every row, the 3 indexes of events (primary key and two) and its
# foreign key.
_sc_check() {
    local j
    case $1 in
        pg) j=$(pg_sql "$2" "SELECT json_build_object(
                  'events', (SELECT count(*) FROM public.events),
                  'users', (SELECT count(*) FROM public.users),
                  'events_indexes', (SELECT count(*) FROM pg_index WHERE indrelid = 'public.events'::regclass),
                  'events_fks', (SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.events'::regclass AND contype = 'f'))" 2>/dev/null) ;;
        my) j=$(my_sql "$2" "SELECT JSON_OBJECT(
                  'events', (SELECT COUNT(*) FROM events), 'users', (SELECT COUNT(*) FROM users),
                  'events_indexes', (SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS
                                      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'events'),
                  'events_fks', (SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS
                                  WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'events'))" 2>/dev/null) ;;
        dir) local b f
             b=$(du -sb "$BENCH_WORK/targets/$2" 2>/dev/null | cut -f1)
             f=$(find "$BENCH_WORK/targets/$2" -type f 2>/dev/null | wc -l)
             j=$(jq -cn --argjson b "${b:-0}" --argjson f "${f:-0}" '{dump_bytes: $b, files: $f}') ;;
    esac
    [ -n "$j" ] || j=null
    echo "$j"
    case $1 in
        dir) jq -e '.dump_bytes > 0' >/dev/null 2>&1 <<<"$j" ;;
        *) jq -e --argjson n "$BD_ROWS" --argjson u "$BD_USERS" \
               '.events == $n and .users == $u and .events_indexes >= 3 and .events_fks >= 1' >/dev/null 2>&1 <<<"$j" ;;
    esac
}

_sc_pg_conn() { echo "-h 127.0.0.1 -p $PGTEST_PORT -U postgres"; }
_sc_my_conn() { echo "--no-defaults -h 127.0.0.1 -P $MYTEST_PORT -u root"; }

# --- contenders ------------------------------------------------------------------

# ferry copy, with the job's --jobs, a progress file (phases in the JSON)
# and a report.
ct_ferry_avail() { return 0; }
ct_ferry_script() {
    local tgt_url
    tgt_url=$(_sc_url "$3" "$4")
    bm_script "$1" <<SH
exec "$FERRY_BIN" copy "$(_sc_url "$2" "$SC_SRC_DB")" "$tgt_url" --jobs $JOBS ${FERRY_ARGS:-} \\
    --quiet --progress "$BENCH_WORK/$4.progress.ndjson" --report "$BENCH_WORK/$4.report.json"
SH
}
ct_ferry_extra() { jq -cn --argjson p "$(bm_ferry_phases "$BENCH_WORK/$1.progress.ndjson")" '{phases_s: $p}'; }

# pgloader with a load file that does the same job as ferry: schema, data,
# indexes, primary keys, foreign keys, sequences (pgloader's defaults made
# explicit), its default parallelism (workers = 4, concurrency = 1).
ct_pgloader_avail() {
    command -v pgloader >/dev/null 2>&1 && return 0
    echo "pgloader is not installed (apt-get install pgloader)"
    return 1
}
ct_pgloader_script() {
    local from
    case $2 in
        sqlite) from="sqlite://$BD_DB" ;;
        my) from="mysql://root@127.0.0.1:$MYTEST_PORT/$SC_SRC_DB" ;;
        *) echo "pgloader: no source $2" >&2; return 1 ;;
    esac
    {
        echo "cat > \"$BENCH_WORK/$4.load\" <<'LOAD'"
        echo "LOAD DATABASE"
        echo "  FROM $from"
        echo "  INTO pgsql://postgres@127.0.0.1:$PGTEST_PORT/$4"
        echo "  WITH include drop, create tables, create indexes, reset sequences, foreign keys"
        [ "$2" = my ] && echo "  ALTER SCHEMA '$SC_SRC_DB' RENAME TO 'public'"
        echo ";"
        echo "LOAD"
        echo "exec pgloader --logfile \"$BENCH_WORK/$4.pgloader.log\" \"$BENCH_WORK/$4.load\""
    } | bm_script "$1"
}

# The PostgreSQL limit: psql \copy of the tab-separated export (made once,
# not timed) into tables without keys, then the same keys, indexes, foreign
# key and sequence positions as ferry makes; one psql session over TCP.
ct_psql_copy_avail() { return 0; }
ct_psql_copy_script() {
    {
        echo "psql -X -q -v ON_ERROR_STOP=1 $(_sc_pg_conn) -d $4 -f - >/dev/null <<'SQL'"
        bd_pg_tables_sql
        echo "\\copy users FROM '$BD_USERS_TSV'"
        echo "\\copy events FROM '$BD_EVENTS_TSV'"
        bd_pg_keys_sql
        echo "SQL"
    } | bm_script "$1"
}

# The MariaDB limit: LOAD DATA LOCAL INFILE of the same export (not timed)
# into keyed tables (InnoDB clusters by the primary key; rows come in key
# order), then the secondary indexes (one ALTER) and the foreign key.
ct_load_data_avail() { return 0; }
ct_load_data_script() {
    {
        echo "mariadb $(_sc_my_conn) --local-infile=1 $4 <<'SQL'"
        bd_my_tables_sql
        bd_my_load_sql "$BD_USERS_TSV" "$BD_EVENTS_TSV"
        bd_my_keys_sql
        echo "SQL"
    } | bm_script "$1"
}

# PostgreSQL -> MariaDB with the engines' own bulk paths, streamed: the
# tables (keyed), then per table psql \copy (SELECT …) TO STDOUT piped into
# LOAD DATA LOCAL INFILE '/dev/stdin', then the indexes and foreign key.
ct_copy_pipe_avail() { return 0; }
ct_copy_pipe_script() {
    local pg my
    pg="psql -X -q -v ON_ERROR_STOP=1 $(_sc_pg_conn) -d $SC_SRC_DB"
    my="mariadb $(_sc_my_conn) --local-infile=1 $4"
    {
        echo "$my <<'SQL'"; bd_my_tables_sql; echo "SQL"
        echo "$pg -c '\\copy (SELECT id, name, email, created_at FROM users) TO STDOUT' |"
        echo "    $my -e \"\$(cat <<'SQL'"; bd_my_load_sql /dev/stdin /dev/null | sed -n 1,3p; echo "SQL"
        echo ")\""
        echo "$pg -c '\\copy (SELECT id, user_id, kind, amount_cents, score, code, body, note, created_at, is_active::int, digest FROM events) TO STDOUT' |"
        echo "    $my -e \"\$(cat <<'SQL'"; bd_my_load_sql /dev/null /dev/stdin | sed -n '4,$p'; echo "SQL"
        echo ")\""
        echo "$my <<'SQL'"; bd_my_keys_sql; echo "SQL"
    } | bm_script "$1"
}

# Dumps: mydumper -t 2 (plain, and compressed with -c), pg_dump -Fd -j 2.
ct_mydumper_avail() {
    command -v mydumper >/dev/null 2>&1 && return 0
    echo "mydumper is not installed (apt-get install mydumper)"
    return 1
}
ct_mydumper_script() {
    bm_script "$1" <<SH
exec mydumper -h 127.0.0.1 -P $MYTEST_PORT -u root -B $SC_SRC_DB -t 2 -r 50000 -v 1 -o "$BENCH_WORK/targets/$4"
SH
}
ct_mydumper_c_avail() { ct_mydumper_avail; }
ct_mydumper_c_script() {
    bm_script "$1" <<SH
exec mydumper -h 127.0.0.1 -P $MYTEST_PORT -u root -B $SC_SRC_DB -t 2 -r 50000 -c -v 1 -o "$BENCH_WORK/targets/$4"
SH
}
ct_pg_dump_avail() { command -v pg_dump >/dev/null 2>&1 || { echo "pg_dump is not installed (postgresql-client)"; return 1; }; }
ct_pg_dump_script() {
    bm_script "$1" <<SH
exec pg_dump $(_sc_pg_conn) -Fd -j 2 -f "$BENCH_WORK/targets/$4" $SC_SRC_DB
SH
}
# pg_restore -j 2 of a pg_dump -Fd directory made once, not timed.
ct_pg_restore_avail() { command -v pg_restore >/dev/null 2>&1 || { echo "pg_restore is not installed (postgresql-client)"; return 1; }; }
ct_pg_restore_script() {
    bm_script "$1" <<SH
exec pg_restore $(_sc_pg_conn) -d $4 -j 2 "$BENCH_WORK/pgdump-src"
SH
}

# ferry's side of the dump scenarios: ferry dump (zstd level 3, the
# default) into a fresh directory; ferry restore of a ferry dump made once
# (not timed) by sc_restore_pg.
ct_ferry_dump_avail() {
    "$FERRY_BIN" help dump >/dev/null 2>&1 && return 0
    echo "this ferry has no dump command"
    return 1
}
ct_ferry_dump_script() {
    bm_script "$1" <<SH
exec "$FERRY_BIN" dump "$(_sc_url "$2" "$SC_SRC_DB")" "$BENCH_WORK/targets/$4" --jobs $JOBS ${FERRY_ARGS:-} \\
    --quiet --progress "$BENCH_WORK/$4.progress.ndjson" --report "$BENCH_WORK/$4.report.json"
SH
}
ct_ferry_dump_extra() { ct_ferry_extra "$1"; }
ct_ferry_restore_avail() { ct_ferry_dump_avail; }
ct_ferry_restore_script() {
    bm_script "$1" <<SH
exec "$FERRY_BIN" restore "$BENCH_WORK/ferrydump-src" "$(_sc_url "$3" "$4")" --jobs $JOBS ${FERRY_ARGS:-} \\
    --quiet --progress "$BENCH_WORK/$4.progress.ndjson" --report "$BENCH_WORK/$4.report.json"
SH
}
ct_ferry_restore_extra() { ct_ferry_extra "$1"; }

# --- the generic runner ---------------------------------------------------------------

# sc_meta NAME TITLE SRC TGT SUBJECT CONTENDERS [EXTRA_JSON] — the scenario's record.
_sc_meta() {
    jq -cn --arg n "$1" --arg t "$2" --arg s "$3" --arg g "$4" --arg subj "$5" \
        --argjson rows "$(( BD_ROWS + BD_USERS ))" --argjson bytes "$BD_BYTES" \
        --argjson cont "$6" --argjson x "${7:-null}" \
        '{name: $n, title: $t, source: $s, target: $g, rows: $rows, bytes: $bytes,
          subject: $subj, contenders: $cont} + ($x // {})' >>"$BENCH_WORK/scenarios.ndjson"
}

# sc_run NAME TITLE SRC TGT "CONTENDER[:LABEL] …" [EXTRA_JSON]
# SRC: sqlite|pg|my; TGT: pg|my|dir. The first contender is the subject
# (ferry), the others the references; ratios are subject / reference.
sc_run() {
    local name=$1 title=$2 src=$3 tgt=$4 list=$5 extra=${6:-}
    local -a conts=() labels=() avail=() why=()
    local c i r t script log ok check xj cj='[]' reason
    for c in $list; do
        conts+=("${c%%:*}")
        if [ "$c" != "${c#*:}" ]; then labels+=("${c#*:}"); else labels+=("${c%%:*}"); fi
    done
    echo
    echo "== $name: $title ($(( BD_ROWS )) events rows, $RUNS round(s))"
    for i in "${!conts[@]}"; do
        c=${conts[$i]}
        if reason=$("ct_${c//-/_}_avail"); then avail+=(1); why+=(""); else
            avail+=(0); why+=("$reason")
            echo "   ${labels[$i]}: skipped: $reason"
        fi
    done
    for ((r = 1; r <= RUNS; r++)); do
        for i in "${!conts[@]}"; do
            c=${conts[$i]}
            if [ "${avail[$i]}" = 0 ]; then
                bm_record_missing "$name" "${labels[$i]}" "$r" "${why[$i]}"
                continue
            fi
            t="b_${name//-/_}_${c//-/_}_$r"
            script=$BENCH_WORK/$t.sh
            log=$BENCH_WORK/$t.log
            _sc_fresh "$tgt" "$t" || { echo "bench: cannot create the target $t" >&2; return 1; }
            "ct_${c//-/_}_script" "$script" "$src" "$tgt" "$t" || return 1
            [ "$src" = sqlite ] && cat "$BD_DB" >/dev/null     # the source file in the page cache, for every run
            bm_run "$name" "${labels[$i]}" "$r" "$script" "$log"
            check=$(_sc_check "$tgt" "$t") && ok=true || ok=false
            [ "$BM_RC" = 0 ] || ok=false
            xj=null
            declare -F "ct_${c//-/_}_extra" >/dev/null && xj=$("ct_${c//-/_}_extra" "$t")
            bm_record "$name" "${labels[$i]}" "$r" "$ok" "$check" "$xj"
            printf '   round %d  %-14s %8.2f s  %7.1f MB  cpu %6.2f s  %s\n' "$r" "${labels[$i]}" "$BM_WALL" \
                "$(awk -v k="$BM_RSS_KB" 'BEGIN { print k / 1024 }')" \
                "$(awk -v a="$BM_USER" -v b="$BM_SYS" 'BEGIN { print a + b }')" \
                "$([ "$ok" = true ] && echo ok || echo "FAILED (exit $BM_RC; check $check; log $log)")"
            if [ "$ok" = true ] || [ -z "${BENCH_KEEP:-}" ]; then _sc_drop "$tgt" "$t"; fi
        done
    done
    for i in "${!conts[@]}"; do
        c=${conts[$i]}
        t="b_${name//-/_}_${c//-/_}_1"
        cj=$(jq -c --arg n "${labels[$i]}" --argjson a "$([ "${avail[$i]}" = 1 ] && echo true || echo false)" \
                 --arg why "${why[$i]}" --rawfile cmd <(cat "$BENCH_WORK/$t.sh" 2>/dev/null) \
                 '. + [{name: $n, available: $a} + (if $a then {command: $cmd} else {reason: $why} end)]' <<<"$cj")
    done
    _sc_meta "$name" "$title" "$src" "$tgt" "${labels[0]}" "$cj" "$extra"
}

# --- the scenarios ---------------------------------------------------------------

sc_sqlite_pg() {
    sc_run sqlite-pg "SQLite -> PostgreSQL" sqlite pg "ferry pgloader psql-copy:psql-copy+keys"
}
sc_my_pg() {
    sc_run my-pg "MariaDB -> PostgreSQL" my pg "ferry pgloader"
}
sc_sqlite_my() {
    sc_run sqlite-my "SQLite -> MariaDB" sqlite my "ferry load-data:load-data+keys"
}
sc_pg_my() {
    sc_run pg-my "PostgreSQL -> MariaDB" pg my "ferry copy-pipe:copy|load-data"
}
sc_dump_my() {
    sc_run dump-my "MariaDB -> dump directory" my dir "ferry-dump:ferry-dump mydumper:mydumper-t2 mydumper-c:mydumper-t2-c"
}
sc_dump_pg() {
    sc_run dump-pg "PostgreSQL -> dump directory" pg dir "ferry-dump:ferry-dump pg-dump:pg_dump-Fd-j2"
}
sc_restore_pg() {
    rm -rf "$BENCH_WORK/pgdump-src"
    # shellcheck disable=SC2046   # the connection options, split on purpose
    pg_dump $(_sc_pg_conn) -Fd -j 2 -f "$BENCH_WORK/pgdump-src" "$SC_SRC_DB" || { echo "bench: pg_dump of the source failed" >&2; return 1; }
    rm -rf "$BENCH_WORK/ferrydump-src"
    "$FERRY_BIN" dump "$(_sc_url pg "$SC_SRC_DB")" "$BENCH_WORK/ferrydump-src" --jobs "$JOBS" --quiet ||
        { echo "bench: ferry dump of the source failed" >&2; return 1; }
    sc_run restore-pg "dump directory -> PostgreSQL" pg pg "ferry-restore:ferry-restore pg-restore:pg_restore-j2"
    rm -rf "$BENCH_WORK/pgdump-src" "$BENCH_WORK/ferrydump-src"
}

# resume: ferry SQLite -> PostgreSQL; per round a full run on a fresh target,
# then on another fresh target the same command SIGKILLed once the progress
# file shows half of the chunks committed, and the rerun (timed) that
# finishes the job. The rerun is compared with the full run.
sc_resume() {
    local name=resume r t tf script log ok check total half n pid t0 kill_s chunk pre post
    chunk=50000
    (( BD_ROWS / chunk < 10 )) && chunk=$(( BD_ROWS / 20 > 100 ? BD_ROWS / 20 : 100 ))
    echo
    echo "== $name: ferry SQLite -> PostgreSQL, SIGKILL at ~50% of the chunks, rerun vs a full run ($BD_ROWS events rows, --chunk-rows $chunk, $RUNS round(s))"
    for ((r = 1; r <= RUNS; r++)); do
        # The full run.
        tf="b_resume_full_$r"
        _sc_fresh pg "$tf"
        FERRY_ARGS="--chunk-rows $chunk" ct_ferry_script "$BENCH_WORK/$tf.sh" sqlite pg "$tf"
        cat "$BD_DB" >/dev/null
        bm_run "$name" ferry-full "$r" "$BENCH_WORK/$tf.sh" "$BENCH_WORK/$tf.log"
        check=$(_sc_check pg "$tf") && ok=true || ok=false
        [ "$BM_RC" = 0 ] || ok=false
        total=$(grep -c '"event":"chunk_done"' "$BENCH_WORK/$tf.progress.ndjson" 2>/dev/null)
        bm_record "$name" ferry-full "$r" "$ok" "$check" "$(jq -cn --argjson p "$(ct_ferry_extra "$tf")" --argjson c "${total:-0}" '$p + {chunks: $c}')"
        printf '   round %d  %-14s %8.2f s  %7.1f MB  %s\n' "$r" ferry-full "$BM_WALL" "$(awk -v k="$BM_RSS_KB" 'BEGIN { print k / 1024 }')" \
            "$([ "$ok" = true ] && echo "ok, $total chunks" || echo "FAILED (check $check)")"
        _sc_drop pg "$tf"

        # The killed run and its rerun (same command, same progress file).
        t="b_resume_kill_$r"
        script=$BENCH_WORK/$t.sh
        log=$BENCH_WORK/$t.log
        _sc_fresh pg "$t"
        FERRY_ARGS="--chunk-rows $chunk" ct_ferry_script "$script" sqlite pg "$t"
        half=$(( (${total:-2} + 1) / 2 ))
        cat "$BD_DB" >/dev/null
        bs_settle
        t0=$(date +%s.%N)
        bash "$script" >"$BENCH_WORK/$t.killed.log" 2>&1 </dev/null &
        pid=$!
        n=0
        while kill -0 "$pid" 2>/dev/null; do
            n=$(grep -c '"event":"chunk_done"' "$BENCH_WORK/$t.progress.ndjson" 2>/dev/null)
            (( ${n:-0} >= half )) && break
            sleep 0.02
        done
        if kill -9 "$pid" 2>/dev/null; then
            kill_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
            wait "$pid" 2>/dev/null
            pre=$(grep -c '"event":"chunk_done"' "$BENCH_WORK/$t.progress.ndjson" 2>/dev/null)
        else
            wait "$pid" 2>/dev/null
            kill_s=null pre=$(grep -c '"event":"chunk_done"' "$BENCH_WORK/$t.progress.ndjson" 2>/dev/null)
        fi
        cp "$BENCH_WORK/$t.progress.ndjson" "$BENCH_WORK/$t.progress.killed.ndjson" 2>/dev/null
        : >"$BENCH_WORK/$t.progress.ndjson"
        bm_run "$name" ferry-resume "$r" "$script" "$log"
        check=$(_sc_check pg "$t") && ok=true || ok=false
        [ "$BM_RC" = 0 ] || ok=false
        [ "$kill_s" = null ] && ok=false              # it finished before the kill: nothing resumed
        post=$(grep -c '"event":"chunk_done"' "$BENCH_WORK/$t.progress.ndjson" 2>/dev/null)
        bm_record "$name" ferry-resume "$r" "$ok" "$check" "$(jq -cn --argjson p "$(ct_ferry_extra "$t")" \
            --argjson k "$kill_s" --argjson pre "${pre:-0}" --argjson post "${post:-0}" --argjson tot "${total:-0}" \
            '$p + {killed_after_s: $k, chunks_before_kill: $pre, chunks_in_rerun: $post, chunks_full_run: $tot}')"
        printf '   round %d  %-14s %8.2f s  %7.1f MB  %s\n' "$r" ferry-resume "$BM_WALL" "$(awk -v k="$BM_RSS_KB" 'BEGIN { print k / 1024 }')" \
            "$([ "$ok" = true ] && echo "ok: killed after ${kill_s}s with $pre/$total chunks, rerun wrote $post" ||
               echo "FAILED (exit $BM_RC, killed after ${kill_s}s, check $check; log $log)")"
        [ "$ok" = true ] || [ -z "${BENCH_KEEP:-}" ] && _sc_drop pg "$t"
    done
    local cj
    cj=$(jq -cn --rawfile cmd "$BENCH_WORK/b_resume_kill_1.sh" \
        '[{name: "ferry-resume", available: true, command: ("# SIGKILLed at ~50% of the chunks, then run again (timed):\n" + $cmd)},
          {name: "ferry-full", available: true, command: $cmd}]')
    _sc_meta "$name" "resume after SIGKILL at ~50% vs a full run (SQLite -> PostgreSQL)" sqlite pg ferry-resume "$cj" \
        "$(jq -cn --argjson c "$chunk" '{chunk_rows: $c}')"
}

# size: ferry and the psql \copy limit at N and 10 x N rows (SQLite ->
# PostgreSQL): how time and memory grow with size. Opt-in: 10M rows take
# a few minutes to generate and to copy.
sc_size() {
    local n=$BD_ROWS big=$(( BD_ROWS * 10 ))
    sc_run "size-$n" "SQLite -> PostgreSQL at $n rows (size growth, 1x)" sqlite pg "ferry psql-copy:psql-copy+keys" \
        "$(jq -cn --argjson n "$n" '{group: "size", size_rows: $n}')"
    bd_make "$big" || return 1
    sc_run "size-$big" "SQLite -> PostgreSQL at $big rows (size growth, 10x)" sqlite pg "ferry psql-copy:psql-copy+keys" \
        "$(jq -cn --argjson n "$big" '{group: "size", size_rows: $n}')"
    bd_make "$n"
}
