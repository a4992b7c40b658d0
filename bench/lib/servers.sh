# shellcheck shell=bash
# servers.sh — the benchmark's throwaway PostgreSQL and MariaDB servers
# (bash, sourced by bench/run.sh).
#
# They are made by the test helpers (tests/lib/pg.sh pg_start,
# tests/lib/mariadb.sh mariadb_start: a private data dir, loopback only),
# which start them with durability off. With BENCH_SETTINGS=stock (the
# default) each server is then restarted on the same data dir and port with
# the engine's stock settings, as a packaged server runs: fsync on, and so on
# (see bs_pg_restart_stock / bs_my_restart_stock for the exact options). With
# BENCH_SETTINGS=test they keep the test settings (fsync off, flush at commit
# off, doublewrite off, 256M buffer pool).
#
#   bs_start_pg / bs_start_my      start (and restart with the settings)
#   bs_stop_all                    stop whatever was started
#   bs_pg_settings_json / bs_my_settings_json   the settings in force, as JSON
#   bs_server_cpu                  "PG_SECONDS MY_SECONDS": CPU used so far by each server
#   bs_settle                      before a timed run: CHECKPOINT, sync

BS_PG_UP='' BS_MY_UP=''

bs_start_pg() {
    pg_start || return 1
    BS_PG_UP=1
    [ "${BENCH_SETTINGS:-stock}" = stock ] || return 0
    bs_pg_restart_stock
}

# bs_pg_restart_stock — the same cluster and port, only what a test harness
# needs on the command line (port, private socket dir, loopback, 100
# connections, log to a file): everything else is initdb's postgresql.conf,
# i.e. PostgreSQL's defaults (fsync on, synchronous_commit on,
# full_page_writes on, shared_buffers 128MB, max_wal_size 1GB).
bs_pg_restart_stock() {
    local d=$PGTEST_DIR
    _pg_as_owner "$PGTEST_BIN/pg_ctl" -D "$d/data" -m fast -w -t 60 stop >/dev/null 2>&1 || {
        echo "bench: cannot stop the PostgreSQL test server to restart it" >&2; return 1; }
    if ! _pg_as_owner "$PGTEST_BIN/pg_ctl" -D "$d/data" -l "$d/log" -w -t 60 \
            -o "-p $PGTEST_PORT -k $d -c listen_addresses=127.0.0.1 -c max_connections=100 -c logging_collector=off" \
            start >"$d/pg_ctl.log" 2>&1; then
        echo "bench: PostgreSQL did not restart with the stock settings:" >&2
        cat "$d/pg_ctl.log" "$d/log" >&2 2>/dev/null
        return 1
    fi
    local i
    for ((i = 0; i < 100; i++)); do
        pg_sql postgres 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "bench: PostgreSQL does not answer after the restart" >&2
    return 1
}

bs_start_my() {
    mariadb_start || return 1
    BS_MY_UP=1
    [ "${BENCH_SETTINGS:-stock}" = stock ] || return 0
    bs_my_restart_stock
}

# bs_my_restart_stock — the same data dir and port; on the command line only
# what the harness needs (socket, port, loopback, pid and log files, the
# mysql user, 200 connections, LOAD DATA LOCAL allowed, no name resolution)
# and what Debian's packaged configuration sets (utf8mb4); everything else
# is MariaDB's default: innodb_flush_log_at_trx_commit=1, doublewrite on,
# buffer pool 128M, redo log 96M, no binary log.
bs_my_restart_stock() {
    local d=$MYTEST_DIR pid=$MYTEST_PID i
    _my_admin shutdown >/dev/null 2>&1
    if ! _my_wait_gone "$pid" 60; then
        echo "bench: the MariaDB test server does not shut down" >&2
        return 1
    fi
    wait "$pid" 2>/dev/null
    local userarg=()
    [ "$(id -u)" = 0 ] && userarg=(--user=mysql)
    "$MYTEST_SERVER" --no-defaults --datadir="$d/data" "${userarg[@]}" \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
        --socket="$MYTEST_SOCK" --port="$MYTEST_PORT" --bind-address=127.0.0.1 \
        --log-error="$d/err.log" --pid-file="$d/mariadbd.pid" \
        --max-connections=200 --local-infile=1 --skip-name-resolve \
        >"$d/server.out" 2>&1 </dev/null &
    pid=$!
    for ((i = 0; i < 600; i++)); do
        if _my_admin ping >/dev/null 2>&1; then
            export MYTEST_PID=$pid
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench: MariaDB did not restart with the stock settings:" >&2
    tail -n 30 "$d/err.log" >&2 2>/dev/null
    return 1
}

bs_stop_all() {
    [ -n "$BS_PG_UP" ] && pg_stop
    [ -n "$BS_MY_UP" ] && mariadb_stop
    BS_PG_UP='' BS_MY_UP=''
    return 0
}

# bs_pg_settings_json — the settings that matter for bulk loads, as a JSON object.
bs_pg_settings_json() {
    [ -n "$BS_PG_UP" ] || { echo null; return; }
    pg_sql postgres "SELECT json_object_agg(name, current_setting(name))
        FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes',
        'wal_level', 'shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'work_mem',
        'maintenance_work_mem', 'max_parallel_maintenance_workers', 'max_worker_processes',
        'wal_compression', 'effective_io_concurrency')"
}

# bs_my_settings_json — the same for MariaDB.
bs_my_settings_json() {
    [ -n "$BS_MY_UP" ] || { echo null; return; }
    my_sql "" "SELECT JSON_OBJECTAGG(LOWER(VARIABLE_NAME), VARIABLE_VALUE) FROM information_schema.GLOBAL_VARIABLES
        WHERE VARIABLE_NAME IN ('VERSION', 'INNODB_FLUSH_LOG_AT_TRX_COMMIT', 'INNODB_DOUBLEWRITE',
        'INNODB_BUFFER_POOL_SIZE', 'INNODB_LOG_FILE_SIZE', 'INNODB_FLUSH_METHOD', 'LOG_BIN', 'SYNC_BINLOG',
        'MAX_ALLOWED_PACKET', 'INNODB_IO_CAPACITY', 'CHARACTER_SET_SERVER', 'COLLATION_SERVER')"
}

# _bs_proc_cpu_ticks PID [children] — utime+stime (and cutime+cstime) of PID.
_bs_proc_cpu_ticks() {
    local f mode=${2:-}
    f=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    f=${f##*) }                      # after the command name: field 3 onwards
    # shellcheck disable=SC2086
    set -- $f
    if [ "$mode" = children ]; then echo $(( ${12} + ${13} + ${14} + ${15} )); else echo $(( ${12} + ${13} )); fi
}

# bs_server_cpu — "PG MY" CPU seconds used so far: the postmaster, its live
# children, and the children it has reaped (backends of finished sessions);
# the whole mariadbd process. 0 for a server that is not running.
bs_server_cpu() {
    local hz t pg=0 my=0 pm c
    hz=$(getconf CLK_TCK)
    if [ -n "$BS_PG_UP" ] && [ -f "$PGTEST_DIR/data/postmaster.pid" ]; then
        pm=$(head -n 1 "$PGTEST_DIR/data/postmaster.pid")
        t=$(_bs_proc_cpu_ticks "$pm" children)
        for c in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do
            t=$(( t + $(_bs_proc_cpu_ticks "$c") ))
        done
        pg=$t
    fi
    if [ -n "$BS_MY_UP" ] && [ -n "${MYTEST_PID:-}" ]; then
        my=$(_bs_proc_cpu_ticks "$MYTEST_PID" children)
    fi
    awk -v a="$pg" -v b="$my" -v hz="$hz" 'BEGIN { printf "%.2f %.2f\n", a / hz, b / hz }'
}

# bs_settle — before a timed run: PostgreSQL writes its dirty pages out
# (CHECKPOINT) so that one run does not pay for the previous one's, and the
# OS writes its dirty pages (sync).
# For MariaDB, InnoDB is made to flush its dirty pages (max_dirty_pages_pct
# 0 for at most 60 s, then back to its value).
bs_settle() {
    [ -n "$BS_PG_UP" ] && pg_sql postgres CHECKPOINT >/dev/null 2>&1
    if [ -n "$BS_MY_UP" ]; then
        local pct i dirty
        pct=$(my_sql "" "SELECT @@GLOBAL.innodb_max_dirty_pages_pct" 2>/dev/null)
        my_sql "" "SET GLOBAL innodb_max_dirty_pages_pct = 0" >/dev/null 2>&1
        for ((i = 0; i < 600; i++)); do
            dirty=$(my_sql "" "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
                               WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'" 2>/dev/null)
            [ "${dirty:-0}" -le 64 ] 2>/dev/null && break
            sleep 0.1
        done
        [ -n "$pct" ] && my_sql "" "SET GLOBAL innodb_max_dirty_pages_pct = $pct" >/dev/null 2>&1
    fi
    sync
    return 0
}
