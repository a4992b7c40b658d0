# shellcheck shell=bash
# report.sh — assemble the results JSON and print the table (bash, sourced
# by bench/run.sh). Inputs in $BENCH_WORK: meta.json (the run's settings),
# scenarios.ndjson (one line per scenario), runs.ndjson (one line per run).
#
#   br_assemble OUT.json    write the results document (format: bench/README.md)
#   br_table OUT.json       print the summary table from it

_BR_JQ_LIB='
def median: map(select(. != null)) | sort
  | if length == 0 then null elif length % 2 == 1 then .[(length - 1) / 2]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def rnd(n): if . == null then null else (. * n | round) / n end;
'

br_assemble() {
    jq -n --slurpfile meta "$BENCH_WORK/meta.json" \
          --slurpfile scen "$BENCH_WORK/scenarios.ndjson" \
          --slurpfile runs "$BENCH_WORK/runs.ndjson" "$_BR_JQ_LIB"'
($runs) as $runs
| [ $scen[] as $s
    | ($runs | map(select(.scenario == $s.name))) as $sr
    | $s + {contenders: [ $s.contenders[] as $c
        | ($sr | map(select(.contender == $c.name))) as $cr
        | ($cr | map(select(.ok == true))) as $ok
        | ($ok | map(.wall_s) | median) as $w
        | $c + {runs: $cr, summary: (if ($ok | length) == 0 then {ok_runs: 0, runs: ($cr | length)} else {
              ok_runs: ($ok | length), runs: ($cr | length),
              wall_s: {median: ($w | rnd(100)), min: ($ok | map(.wall_s) | min), max: ($ok | map(.wall_s) | max)},
              rows_per_s: (if $w > 0 then ($s.rows / $w | round) else null end),
              mb_per_s: (if $w > 0 then ($s.bytes / 1e6 / $w | rnd(10)) else null end),
              rss_mb: {median: ($ok | map(.rss_mb) | median | rnd(10)), max: ($ok | map(.rss_mb) | max)},
              cpu_s: {median: ($ok | map(.cpu_s) | median | rnd(100))},
              server_cpu_s: {median: ($ok | map(.server_cpu_s.postgresql + .server_cpu_s.mariadb) | median | rnd(100))},
              total_cpu_s: {median: ($ok | map(.total_cpu_s) | median | rnd(100))}
            } + (if ($ok | map(.check.dump_bytes? // empty) | length) > 0
                 then {dump_mb: ($ok | map(.check.dump_bytes) | median / 1e6 | rnd(10))} else {} end)
            end)} ] }
    | . as $S
    | ($S.contenders | map(select(.name == $S.subject))[0]) as $subj
    | $S + {ratios: [ $S.contenders[] | select(.name != $S.subject and .available and ($subj.available // false)) as $ref
        | [ $subj.runs[] as $a | $ref.runs[] | select(.round == $a.round and .ok == true and $a.ok == true and .wall_s > 0)
            | {round, wall: ($a.wall_s / .wall_s), cpu: (if .total_cpu_s > 0 then $a.total_cpu_s / .total_cpu_s else null end),
               rss: (if .rss_mb > 0 then $a.rss_mb / .rss_mb else null end)} ] as $p
        | {subject: $S.subject, reference: $ref.name,
           wall_ratio_per_round: ($p | map({round, ratio: (.wall | rnd(1000))})),
           wall_ratio_median: ($p | map(.wall) | median | rnd(1000)),
           total_cpu_ratio_median: ($p | map(.cpu) | median | rnd(1000)),
           rss_ratio_median: ($p | map(.rss) | median | rnd(1000))} ]}
  ] as $scenarios
| ($scenarios | map(select(.group == "size")) | sort_by(.size_rows)) as $sz
| $meta[0] + {scenarios: $scenarios}
+ (if ($sz | length) == 2 then {size_growth: {
      rows: ($sz | map(.size_rows)),
      contenders: [ $sz[0].contenders[] | .name as $n
        | ($sz | map(.contenders[] | select(.name == $n) | .summary)) as $m
        | {name: $n,
           wall_s_median: ($m | map(.wall_s.median)), rss_mb_median: ($m | map(.rss_mb.median)),
           time_factor: (if $m[0].wall_s.median > 0 and $m[1].wall_s.median != null then ($m[1].wall_s.median / $m[0].wall_s.median | rnd(100)) else null end),
           rss_factor: (if $m[0].rss_mb.median > 0 and $m[1].rss_mb.median != null then ($m[1].rss_mb.median / $m[0].rss_mb.median | rnd(100)) else null end)} ]}}
   else {} end)' >"$1"
}

br_table() {
    local f=$1 n i
    echo
    jq -r '"ferry benchmark  \(.started)  rows=\(.options.rows) runs=\(.options.runs) jobs=\(.options.jobs) settings=\(.options.settings)  load at start \(.host.loadavg_start)"' "$f"
    n=$(jq '.scenarios | length' "$f")
    for ((i = 0; i < n; i++)); do
        echo
        jq -r --argjson i "$i" '.scenarios[$i] | "\(.name): \(.title) — \(.rows) rows, \((.bytes / 1e6 * 10 | round) / 10) MB payload"' "$f"
        jq -r --argjson i "$i" '
          ["", "ok", "wall med s", "min", "max", "rows/s", "MB/s", "RSS MB", "CPU s", "server CPU s", "total CPU s"],
          (.scenarios[$i].contenders[] | if .available then
              ([.name, "\(.summary.ok_runs)/\(.summary.runs)"] +
               (.summary | [.wall_s.median, .wall_s.min, .wall_s.max, .rows_per_s, .mb_per_s, .rss_mb.median,
                            .cpu_s.median, .server_cpu_s.median, .total_cpu_s.median] | map(if . == null then "-" else tostring end)))
            else [.name, "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"] end)
          | @tsv' "$f" | column -t -s $'\t' | sed 's/^/  /'
        jq -r --argjson i "$i" '.scenarios[$i].contenders[] | select(.available | not) | "  \(.name): \(.reason)"' "$f"
        jq -r --argjson i "$i" '.scenarios[$i].contenders[] | select(.summary.dump_mb) | "  \(.name): dump \(.summary.dump_mb) MB"' "$f"
        jq -r --argjson i "$i" '.scenarios[$i] | select(.name == "resume") | .contenders[] | select(.name == "ferry-resume") | .runs[]
          | select(.extra.killed_after_s) | "  round \(.round): killed after \(.extra.killed_after_s) s with \(.extra.chunks_before_kill)/\(.extra.chunks_full_run) chunks committed; the rerun wrote \(.extra.chunks_in_rerun)"' "$f"
        jq -r --argjson i "$i" '.scenarios[$i].ratios[]
          | "  ratio \(.subject) / \(.reference): per round \([.wall_ratio_per_round[] | .ratio] | map(tostring) | join(" "))  -> median \(.wall_ratio_median)  (total CPU \(.total_cpu_ratio_median), RSS \(.rss_ratio_median))"' "$f"
    done
    jq -r 'select(.size_growth) | .size_growth | "\nsize growth \(.rows[0]) -> \(.rows[1]) rows:",
        (.contenders[] | "  \(.name): wall \(.wall_s_median[0]) -> \(.wall_s_median[1]) s (x\(.time_factor)), RSS \(.rss_mb_median[0]) -> \(.rss_mb_median[1]) MB (x\(.rss_factor))")' "$f"
}
