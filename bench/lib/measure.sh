# shellcheck shell=bash
# measure.sh — time one run and record it (bash, sourced by bench/run.sh).
#
#   bm_script FILE <<'SH' ... SH    write a run's command as a bash script
#   bm_run SCEN CONTENDER ROUND SCRIPT LOG
#       runs `bash SCRIPT` under /usr/bin/time after bs_settle; sets
#       BM_WALL BM_USER BM_SYS BM_RSS_KB BM_RC BM_SCPU_PG BM_SCPU_MY
#   bm_record SCEN CONTENDER ROUND OK CHECK_JSON [EXTRA_JSON]
#       appends the last bm_run's figures as one line to $BENCH_WORK/runs.ndjson
#   bm_record_missing SCEN CONTENDER ROUND REASON   a run that did not happen
#   bm_ferry_phases PROGRESS_FILE   seconds per phase of a ferry run, as JSON
#
# What is measured (GNU time, -f '%e %U %S %M'):
#   wall   elapsed seconds of the whole command
#   cpu    user + system seconds of the command and every process it waited
#          for (the client side: ferry, pgloader, psql, mariadb, mydumper…)
#   rss    the peak resident set of the largest of those processes (KB)
#   server CPU seconds used by each server during the run (servers.sh
#          bs_server_cpu: /proc accounting of the server processes)
#   total  cpu + server CPU: all the work the job cost the machine

bm_script() {
    { echo '#!/usr/bin/env bash'; echo 'set -eo pipefail'; cat; } >"$1"
}

bm_run() {
    local script=$4 log=$5 tf c0 c1 line      # $1-$3 (scenario, contender, round): for the reader
    tf=$BENCH_WORK/time.$$
    bs_settle
    c0=$(bs_server_cpu)
    /usr/bin/time -f '%e %U %S %M' -o "$tf" bash "$script" >"$log" 2>&1 </dev/null
    BM_RC=$?
    sleep 0.2                  # let the servers reap the sessions that just ended
    c1=$(bs_server_cpu)
    line=$(tail -n 1 "$tf")
    read -r BM_WALL BM_USER BM_SYS BM_RSS_KB <<<"$line"
    read -r BM_SCPU_PG BM_SCPU_MY < <(awk -v a="$c0" -v b="$c1" 'BEGIN {
        split(a, x, " "); split(b, y, " "); printf "%.2f %.2f\n", y[1] - x[1], y[2] - x[2] }')
    rm -f "$tf"
}

# bm_record SCEN CONTENDER ROUND OK CHECK_JSON [EXTRA_JSON]
bm_record() {
    jq -cn --arg s "$1" --arg c "$2" --argjson r "$3" --argjson ok "$4" \
        --argjson check "${5:-null}" --argjson extra "${6:-null}" \
        --argjson wall "$BM_WALL" --argjson user "$BM_USER" --argjson sys "$BM_SYS" \
        --argjson rss "$BM_RSS_KB" --argjson rc "$BM_RC" \
        --argjson spg "$BM_SCPU_PG" --argjson smy "$BM_SCPU_MY" \
        '{scenario: $s, contender: $c, round: $r, ok: $ok, exit: $rc,
          wall_s: $wall, user_s: $user, sys_s: $sys, cpu_s: (($user + $sys) * 100 | round / 100),
          rss_mb: (($rss / 1024) * 10 | round / 10),
          server_cpu_s: {postgresql: $spg, mariadb: $smy},
          total_cpu_s: (($user + $sys + $spg + $smy) * 100 | round / 100), check: $check, extra: $extra}' \
        >>"$BENCH_WORK/runs.ndjson"
}

bm_record_missing() {
    jq -cn --arg s "$1" --arg c "$2" --argjson r "$3" --arg why "$4" \
        '{scenario: $s, contender: $c, round: $r, ok: false, missing: $why}' >>"$BENCH_WORK/runs.ndjson"
}

# bm_ferry_phases FILE — {"schema": s, "data": s, ...}: from each phase
# event to the next (the last one to job_done); "start" is from the first
# event (job_start) to the first phase. Plus queue_peak_bytes.
bm_ferry_phases() {
    [ -s "$1" ] || { echo null; return; }
    jq -cs '
      def ms: (sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 * 1000)
              + ((capture("\\.(?<f>[0-9]+)Z$").f // "0") | (. + "000")[:3] | tonumber);
      . as $all
      | (map(select(.event == "job_start" or .event == "phase" or .event == "job_done"))) as $ev
      | [range(0; ($ev | length) - 1) as $i
         | {k: (if $ev[$i].event == "phase" then $ev[$i].phase else "start" end),
            v: ((($ev[$i + 1].ts | ms) - ($ev[$i].ts | ms)) / 1000)}]
      | map(select(.k != "done")) | group_by(.k) | map({key: .[0].k, value: (map(.v) | add)})
      | from_entries
      | .queue_peak_bytes = ([$all[] | select(.event == "data_done") | .queue_peak_bytes] | max)' "$1" 2>/dev/null || echo null
}
