#!/usr/bin/env bash
# t_matrix — the whole matrix: each of the 9 pairs (SQLite, PostgreSQL,
# MySQL/MariaDB) -> (SQLite, PostgreSQL, MySQL/MariaDB) copies one table
# holding every logical type with its edge values (tests/lib/matrix.sh:
# min/max of each integer width, the largest and the smallest subnormal
# double, ±Infinity, NaN and -0 where the source holds them, 38-digit
# decimals, empty text vs NULL, 4-byte UTF-8, tab/CR/LF/backslash/quotes, a
# full varchar(20), all 256 byte values and a 1 MiB blob, dates
# 0001-01-01/9999-12-31/2024-02-29, times and timestamps with microseconds,
# timestamptz with offsets, uuids, JSON; on MySQL also unsigned maxima, a
# zero date and a TIME of 838:59:59), built natively in each source engine. Source and target are
# compared value by value, column by column, after normalising to logical
# types (compare.sh: microseconds, doubles as IEEE bits, exact decimals).
# Where the target cannot hold a value, the copy must have declared the
# column lossy (report and plan agree) or rejected the row naming the
# column and counted it; never changed or dropped it silently. Same-engine
# copies keep the native types. Ends with a one-line-per-pair summary.
source "$(dirname "$0")/../lib/testlib.sh"
# shellcheck source=../lib/matrix.sh
source "$TLIB/matrix.sh"
require_ferry
require_mariadb
have_jq || { fail "jq is missing (sh tests/lib/deps.sh installs it)"; finish; }
T_START=$(date +%s)

mx_engines
eng_drop() {
    case $1 in sqlite) rm -f "$TEST_TMP/$2.db" ;; pg) pg_dropdb "$2" ;; my) my_dropdb "$2" ;; esac
}
# eng_dump ENGINE NAME SPEC... — compare.sh's canonical dump of table m.
eng_dump() {
    local e=$1 n=$2
    shift 2
    case $e in
        sqlite) dump_sqlite "$TEST_TMP/$n.db" m "$@" ;;
        pg) dump_pg "$n" m "$@" ;;
        my) dump_my "$n" '"m"' "$@" ;;
    esac
}
# eng_types ENGINE NAME — "column<TAB>declared type" of table m, in order.
eng_types() {
    case $1 in
        sqlite) sqlite_q "$TEST_TMP/$2.db" "SELECT name || char(9) || type FROM pragma_table_info('m') ORDER BY cid" ;;
        pg) pg_sql "$2" "SELECT attname || E'\\t' || format_type(atttypid, atttypmod) FROM pg_attribute
                WHERE attrelid = 'public.m'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum" ;;
        my) my_sql "$2" "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS
                WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'm' ORDER BY ORDINAL_POSITION" ;;
    esac
}
# has WORD LIST — WORD is one of the space-separated LIST.
has() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }

# --- what each pair cannot hold (everything else must arrive equal) -------
# REQ_REJ: rows that must be rejected, as ID:COLUMN. OK_REJ: rows that may
# be rejected instead of arriving equal (-0: SQLite and MySQL keep no
# negative zero). DIFF_OK: columns whose values may change, provided the
# column is declared lossy. LOSSY_REQ: columns that must be declared lossy.
declare -A REQ_REJ=(
    [sqlite:my]="7:f64 8:f64"                       # ±Infinity: MySQL has none
    [pg:my]="7:f64 8:f64 9:f64"                     # ±Infinity, NaN
    [pg:sqlite]="9:f64"                             # NaN: SQLite reads it back as NULL
    [my:sqlite]="16:zd 17:tm" [my:pg]="16:zd 17:tm"       # the zero date (by default); TIME
    [my:my]="16:zd"                                       # 838:59:59 is no time of day, but
)                                                         # MySQL -> MySQL must keep it
declare -A OK_REJ=([pg:sqlite]="10:f64" [pg:my]="10:f64")
declare -A DIFF_OK=([pg:sqlite]="d38" [my:sqlite]="d38 u64")   # SQLite has no 38-digit decimal
# SQLite and MariaDB store -0.0 as 0 (declared lossy in their type tables):
# for these pairs exactly that change, and no other, is accepted in f64.
declare -A NEGZERO_OK=([pg:sqlite]="f64" [pg:my]="f64")
declare -A LOSSY_REQ=(
    [sqlite:my]="tz" [pg:my]="tz"                   # timestamptz -> datetime(6), as UTC
    [pg:sqlite]="d38 tz" [my:sqlite]="d38 tz tm"    # decimal(38,10) -> NUMERIC; tz -> DATETIME
    [my:pg]="tm"                                    # MySQL TIME is a duration (mysql.map)
)
SUMMARY=()

section "the fixture, built natively in each engine"
SRC=${PGTEST_DB}_src
for e in "${ENGINES[@]}"; do
    eng_fresh "$e" "$SRC" >/dev/null 2>&1
    check "build table m in ${LONG[$e]}" mx_make_"$e" "$(case $e in sqlite) echo "$TEST_TMP/$SRC.db" ;; *) echo "$SRC" ;; esac)"
    spec=("${SPEC_COMMON[@]}"); [ "$e" = my ] && spec=("${SPEC_MY[@]}")
    eng_dump "$e" "$SRC" "${spec[@]}" >"$TEST_TMP/src.$e.dump" || fail "dump the ${LONG[$e]} fixture"
    eng_dump "$e" "$SRC" "${SPEC_COMMON[@]}" >"$TEST_TMP/src.$e.common" || fail "dump the ${LONG[$e]} fixture"
    check_eq "every value of the ${LONG[$e]} fixture reads back in canonical form" 0 "$(grep -c '<unreadable>' "$TEST_TMP/src.$e.dump")"
    check_eq "${LONG[$e]} holds its rows" "$(mx_ids "$e" | sort -n | tr '\n' ' ')" \
        "$(cut -f1 "$TEST_TMP/src.$e.dump" | sort -n | tr '\n' ' ')"
done
for p in sqlite:pg pg:my sqlite:my; do
    a=${p%:*} b=${p#*:}
    d=$(mx_diff "${MX_COLS[*]}" "$TEST_TMP/src.$a.common" "$TEST_TMP/src.$b.common" | grep -v '^[-+]row')
    check "the ${LONG[$a]} and ${LONG[$b]} fixtures agree on the rows they share" test -z "$d"
    [ -n "$d" ] && printf '%s\n' "$d" | head -n 10 | sed 's/^/    /'
done

for s in "${ENGINES[@]}"; do
    for t in "${ENGINES[@]}"; do
        pair=$s:$t
        label="${LONG[$s]} -> ${LONG[$t]}"
        section "$label"
        DST=${PGTEST_DB}_${s}_to_$t
        eng_fresh "$t" "$DST" >/dev/null 2>&1
        R=$TEST_TMP/$s-$t.report.json
        J=$TEST_TMP/$s-$t.rejects.ndjson
        rm -f "$R" "$J"
        names="${MX_COLS[*]}"; spec=("${SPEC_COMMON[@]}")
        [ "$s" = my ] && { names="${MX_COLS[*]} ${MX_MY_COLS[*]}"; spec=("${SPEC_MY[@]}"); }

        # The plan (its JSON kept out of the log: run_ferry would print it).
        P=$TEST_TMP/$s-$t.plan.json
        echo "  \$ ferry plan $(eng_url "$s" "$SRC") $(eng_url "$t" "$DST") --json >$P"
        timeout -k 5 "$FERRY_TIMEOUT" "$FERRY" plan "$(eng_url "$s" "$SRC")" "$(eng_url "$t" "$DST")" --json >"$P" 2>"$ERR" </dev/null
        # shellcheck disable=SC2034   # RC: read by check_rc
        RC=$?
        check_rc "$label: plan" 0
        check "$label: the plan is JSON" json_valid "$P"
        run_ferry copy "$(eng_url "$s" "$SRC")" "$(eng_url "$t" "$DST")" --report "$R" --rejects "$J"
        if [ -n "${REQ_REJ[$pair]:-}" ]; then check_rc "$label: copy (rows rejected)" 5; else check_rc "$label: copy" 0; fi
        if ! json_valid "$R"; then
            fail "$label: report is valid JSON"
            SUMMARY+=("$(printf '%-24s  no report' "$label")")
            continue
        fi
        eng_dump "$t" "$DST" "${spec[@]}" >"$TEST_TMP/$s-$t.dump" || fail "dump the target"
        check_eq "$label: every target value reads back in canonical form" 0 "$(grep -c '<unreadable>' "$TEST_TMP/$s-$t.dump")"
        diffs=$(mx_diff "$names" "$TEST_TMP/src.$s.dump" "$TEST_TMP/$s-$t.dump")

        # Declared lossy: the plan and the report say the same.
        lossy=$(jqf "$R" '.tables[] | select(.name == "m") | .columns[] | select(.lossy != null) | "\(.name)\t\(.lossy)"')
        lossy_names=$(printf '%s\n' "$lossy" | cut -f1 | grep . | sort | tr '\n' ' ')
        check_eq "$label: the plan declares the same lossy columns as the report" "$lossy_names" \
            "$(jqf "$P" '.tables[] | select(.name == "m") | .columns[] | select(.lossy != null) | .name' | sort | tr '\n' ' ')"
        [ -n "$lossy" ] && printf '%s\n' "$lossy" | sed 's/^/  lossy: /; s/\t/: /'
        for c in ${LOSSY_REQ[$pair]:-}; do
            check "$label: $c is declared lossy" test -n "$(printf '%s\n' "$lossy" | awk -F'\t' -v c="$c" '$1 == c')"
        done
        # ... and counted: each lossy column's values that went through its
        # mapping (every column of the fixture holds non-NULL values).
        uncounted=$(jqf "$R" '.tables[] | select(.name == "m") | .columns[] | select(.lossy != null and ((.lossy_values // 0) == 0)) | .name' | tr '\n' ' ')
        check_eq "$label: the report counts the values of every lossy column" "" "$uncounted"

        # Rejected rows: each names its row and its column, each is expected,
        # and they are counted in the report.
        rej_ids=""; rej_cols=""; rej_pairs=""
        if [ -s "$J" ]; then
            check "$label: the rejects file is NDJSON" ndjson_valid "$J"
            badkey=$(jq -r 'select(.key != null and (.key | tostring) != (.row.id | tostring)) | "row \(.row.id): key \(.key)"' "$J" 2>&1 | head -n 3 | tr '\n' ';')
            check_eq "$label: every reject carries its row's key (or null, as docs/report.md says)" "" "$badkey"
            while IFS=$'\t' read -r rid col reason; do
                if [ "$col" = null ] || [ -z "$col" ]; then
                    # No column field: the reason must name it (target refusals).
                    col='?'
                    for c in $names; do
                        case $reason in *"\`$c\`"*|*"\"$c\""*|*"column $c "*) col=$c; break ;; esac
                    done
                    note "row $rid: no column field; the reason names column '$col'"
                fi
                note "row $rid rejected ($col): $reason"
                rej_ids+="$rid "; rej_pairs+="$rid:$col "
                has "$col" "$rej_cols" || rej_cols+="$col "
                if ! has "$rid:$col" "${REQ_REJ[$pair]:-} ${OK_REJ[$pair]:-}"; then
                    fail "$label: unexpected reject of row $rid (column $col): $reason"
                fi
            done < <(jq -r '[(.row.id // .key | tostring), (.column // "null" | tostring), (.reason | tostring)] | @tsv' "$J")
        fi
        for x in ${REQ_REJ[$pair]:-}; do
            check "$label: row ${x%%:*} is rejected, naming column ${x#*:}" has "$x" "$rej_pairs"
        done
        nrej=$(printf '%s' "$rej_ids" | wc -w)
        check_eq "$label: report: rows_rejected and rejects count the rejects file's rows" "$nrej $nrej" \
            "$(jqf "$R" '"\(.tables[] | select(.name == "m") | .rows_rejected) \(.rejects)"')"
        check_eq "$label: report: rows_written is the target's row count" "$(grep -c . "$TEST_TMP/$s-$t.dump")" \
            "$(jqf "$R" '.tables[] | select(.name == "m") | .rows_written')"

        # Every source row is in the target or rejected; nothing else is there.
        for id in $(printf '%s\n' "$diffs" | awk -F'\t' '$1 == "-row" { print $2 }'); do
            has "$id" "$rej_ids" || fail "$label: row $id is missing from the target and was not rejected"
        done
        for id in $(printf '%s\n' "$diffs" | awk -F'\t' '$1 == "+row" { print $2 }'); do
            fail "$label: row $id is in the target but not in the source"
        done
        for id in $rej_ids; do
            printf '%s\n' "$diffs" | grep -q "^-row	$id\$" || fail "$label: row $id was rejected but is in the target"
        done

        # Column by column.
        equal=0 total=0 changed=""
        for c in $names; do
            total=$((total + 1))
            coldiff=$(printf '%s\n' "$diffs" | awk -F'\t' -v c="$c" '$1 == c')
            if [ -z "$coldiff" ]; then
                equal=$((equal + 1))
                continue
            fi
            if has "$c" "${DIFF_OK[$pair]:-}" && has "$c" "$lossy_names"; then
                changed+="$c "
                note "$c changed as declared lossy:"
                printf '%s\n' "$coldiff" | head -n 5 | sed 's/^/    /'
                # ... but only beyond a double's precision.
                far=$(printf '%s\n' "$coldiff" | awk -F'\t' '{ a = $3 + 0; b = $4 + 0; d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; if (d > 1e-14 * m) print }')
                check "$label: $c: the lossy values agree to 15 significant digits" test -z "$far"
            elif has "$c" "${NEGZERO_OK[$pair]:-}" && has "$c" "$lossy_names"; then
                changed+="$c "
                other=$(printf '%s\n' "$coldiff" | awk -F'\t' '!($3 == "8000000000000000" && $4 == "0000000000000000")')
                check "$label: $c: the only change is -0 stored as 0 (declared)" test -z "$other"
            elif has "$c" "$lossy_names"; then
                fail "$label: column $c changed; it is declared lossy, but this pair must keep it exactly: row, source value, target value:"
                printf '%s\n' "$coldiff" | head -n 5 | sed 's/^/    /'
            else
                fail "$label: column $c changed silently (not declared lossy, not rejected): row, source value, target value:"
                printf '%s\n' "$coldiff" | head -n 5 | sed 's/^/    /'
            fi
        done
        check_eq "$label: every column equal (except declared lossy changes)" "$total" "$((equal + $(printf '%s' "$changed" | wc -w)))"

        # A same-engine copy keeps the native types.
        if [ "$s" = "$t" ]; then
            td=$(join -t $'\t' <(eng_types "$s" "$SRC" | sort) <(eng_types "$t" "$DST" | sort) |
                 awk -F'\t' '$2 != $3 { printf "%s: %s -> %s; ", $1, $2, $3 }')
            check_eq "$label: same engine: every column keeps its native type" "" "$td"
            check_eq "$label: same engine: nothing is declared lossy" "" "$lossy_names"
        fi
        nlossy=$(printf '%s' "$lossy_names" | wc -w)
        SUMMARY+=("$(printf '%-24s %2d/%d columns equal, %d lossy-declared%s, %d rejected%s' "$label" "$equal" "$total" \
            "$nlossy" "${lossy_names:+ (${lossy_names% })}" "$(printf '%s' "$rej_cols" | wc -w)" \
            "${rej_cols:+ (${rej_cols% }: $nrej row(s))}")")
    done
done

section "values that need a closer look"
# bigint unsigned max: exactly, as decimal(20,0) on PostgreSQL; on SQLite
# (no integer above 2^63-1, no exact decimal) declared lossy and equal to 15
# significant digits (compared above).
check_eq "mysql -> postgresql: bigint unsigned is numeric(20,0)" "numeric(20,0)" "$(pg_type "${PGTEST_DB}_my_to_pg" m u64)"
check_eq "mysql -> postgresql: 18446744073709551615 exactly" "18446744073709551615" \
    "$(qdb "${PGTEST_DB}_my_to_pg" "SELECT u64 FROM m WHERE id = 3")"
check_match "mysql -> sqlite: bigint unsigned is declared lossy (SQLite has no exact 20-digit number)" "." \
    "$(jq -r '.tables[] | select(.name == "m") | .columns[] | select(.name == "u64") | .lossy // empty' "$TEST_TMP/my-sqlite.report.json" 2>/dev/null)"
for t in "${ENGINES[@]}"; do
    check_match "mysql -> ${LONG[$t]}: the zero date's reject says why" "0000-00-00" \
        "$(jq -r 'select(.column == "zd") | .reason' "$TEST_TMP/my-$t.rejects.ndjson" 2>/dev/null)"
done
check_eq "postgresql -> mysql: timestamptz arrives as its UTC time in datetime(6)" "datetime(6)|2024-02-29 10:34:56.789012" \
    "$(my_sql "${PGTEST_DB}_pg_to_my" "SELECT (SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'm' AND COLUMN_NAME = 'tz'), tz FROM m WHERE id = 4" | tr '\t' '|')"
for t in "${ENGINES[@]}"; do
    for s in "${ENGINES[@]}"; do
        n=$(grep '^5	' "$TEST_TMP/$s-$t.dump" 2>/dev/null | cut -f10 | tr -d '\n' | wc -c)
        check_eq "${LONG[$s]} -> ${LONG[$t]}: the 1 MiB blob arrives whole" $((2 * 1048576)) "$n"
    done
done

section "summary"
for l in "${SUMMARY[@]}"; do echo "  $l"; done
note "t_matrix took $(( $(date +%s) - T_START ))s"

for e in "${ENGINES[@]}"; do
    eng_drop "$e" "$SRC" >/dev/null 2>&1
    for t in "${ENGINES[@]}"; do eng_drop "$t" "${PGTEST_DB}_${e}_to_$t" >/dev/null 2>&1; done
done
finish
