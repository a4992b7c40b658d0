# shellcheck shell=bash
# compare.sh — compare a table's content between SQLite and PostgreSQL (or
# between two PostgreSQL tables) value by value (bash, sourced; needs pg.sh).
#
# Both sides are dumped to a canonical text, one line per row, fields
# separated by a tab, NULL as \N, lines sorted bytewise; then diffed. The
# formatting of each column depends on its KIND, and each KIND is written so
# that the SQLite form of a value and the PostgreSQL form of the same value
# come out byte-identical:
#
#   int      integer digits
#   text     text with \ tab newline CR escaped as \\ \t \n \r
#   raw      like text, but of CAST(x AS TEXT) / x::text (any type)
#   bool     t / f (SQLite: truthiness of the stored number)
#   f64      the 8 IEEE-754 bytes in hex: exact (SQLite CLI ieee754_to_blob,
#            PostgreSQL float8send)
#   decN     fixed-point with N decimals, e.g. dec2 (SQLite printf('%.2f'),
#            PostgreSQL round(x, 2)); for NUMERIC(p,N) columns
#   ts       YYYY-MM-DD HH:MM:SS.mmm; SQLite side accepts ISO text (with T,
#            fractions, Z or +hh:mm offsets: converted to UTC), integer Unix
#            seconds, integer Unix milliseconds (|x| >= 1e11) and real Julian
#            days — the representations ferry reads as timestamps
#   date     YYYY-MM-DD (same inputs as ts)
#   time     HH:MM:SS.mmm
#   uuid     lower-case 8-4-4-4-12; SQLite side: 16-byte blob or text
#   json     the text as stored (SQLite) / x::text (PostgreSQL); sample JSON
#            is written in jsonb's canonical form so that both agree
#   blob     lower-case hex of the bytes (SQLite hex(), PostgreSQL encode)
#
# Kinds with full precision (for comparisons across all three engines):
#
#   numN     exact fixed-point with N decimals, e.g. num10: like decN, but
#            the SQLite side formats TEXT and INTEGER values digit by digit
#            (never through a float), so 38-digit decimals and
#            18446744073709551615 compare exactly; REAL values as decN
#   tsus     YYYY-MM-DD HH:MM:SS.ffffff (microseconds; timestamptz as UTC);
#            SQLite side: the fraction is taken from ISO text as written
#            (other representations as ts, with 3 more zeros)
#   timeus   HH:MM:SS.ffffff
#
# dump_my (MySQL/MariaDB, over $MYTEST_SOCK from mariadb.sh) produces the
# same canonical text for every kind; its f64 is the IEEE-754 bits computed
# exactly with power-of-two arithmetic (MySQL has no float8send).
#
# A column SPEC is KIND:NAME (NAME may contain anything, spaces and colons
# included: the kind ends at the first colon).
#
#   dump_sqlite DBFILE REL SPEC...   canonical dump of SQLite relation REL
#   dump_pg     DBNAME REL SPEC...   canonical dump of PostgreSQL relation REL
#   dump_my     DBNAME REL SPEC...   canonical dump of MySQL/MariaDB relation REL
#                                    (REL quoted with double quotes: the
#                                    session runs with ANSI_QUOTES)
#   compare_table SQLITE_DB SQLITE_REL PG_DB PG_REL SPEC...
#   compare_pg_tables DB1 REL1 "SPEC..." DB2 REL2 "SPEC..."  (specs as one
#                     newline-separated string each)
#   compare_files LABEL FILE_A FILE_B   diff two dumps; 0 when equal
#
# REL is SQL text inserted verbatim after FROM: quote it yourself, e.g.
# "$(sq_ident 'Order Details')" or '"public"."Order Details"', or use a
# subquery. sq_ident / pg_ident quote a name with double quotes.
#
# Ms precision: ts/time compare milliseconds, since SQLite's date functions
# keep no more; check finer fractions with a targeted query.

# sq_ident NAME / pg_ident NAME — NAME as a double-quoted identifier.
sq_ident() { local s=${1//\"/\"\"}; printf '"%s"' "$s"; }
pg_ident() { sq_ident "$1"; }

CMP_MAX_DIFF_LINES=${CMP_MAX_DIFF_LINES:-40}

# _cmp_sqlite_expr KIND COLSQL — the SQLite expression for one field.
_cmp_sqlite_expr() {
    local k=$1 x=$2 v
    # dtarg: the date/time function arguments that read x as ferry does.
    local dtarg="CASE WHEN typeof($x)='integer' AND abs($x) >= 100000000000 THEN $x/1000.0 ELSE $x END, CASE WHEN typeof($x)='integer' THEN 'unixepoch' ELSE '+0 seconds' END"
    case $k in
        int)  v="CAST($x AS TEXT)" ;;
        text|raw|json)
              v="replace(replace(replace(replace(CAST($x AS TEXT),'\\','\\\\'),char(9),'\\t'),char(10),'\\n'),char(13),'\\r')" ;;
        bool) v="CASE WHEN $x THEN 't' ELSE 'f' END" ;;
        f64)  v="lower(hex(ieee754_to_blob($x)))" ;;
        dec[0-9]*) v="printf('%.${k#dec}f', $x)" ;;
        ts)   v="strftime('%Y-%m-%d %H:%M:%f', $dtarg)" ;;
        date) v="strftime('%Y-%m-%d', $dtarg)" ;;
        time) v="strftime('%H:%M:%f', $x)" ;;
        uuid) v="CASE WHEN typeof($x)='blob' THEN lower(substr(hex($x),1,8)||'-'||substr(hex($x),9,4)||'-'||substr(hex($x),13,4)||'-'||substr(hex($x),17,4)||'-'||substr(hex($x),21,12)) ELSE lower($x) END" ;;
        blob) v="lower(hex($x))" ;;
        num[0-9]*)
              local n=${k#num} z ip fp t="CAST($x AS TEXT)"
              z=$(printf '%*s' "$n" '' | tr ' ' 0)
              ip="CASE WHEN instr($t,'.') > 0 THEN substr($t, 1, instr($t,'.') - 1) ELSE $t END"
              fp="CASE WHEN instr($t,'.') > 0 THEN substr($t, instr($t,'.') + 1) ELSE '' END"
              if [ "$n" -gt 0 ]; then
                  v="CASE typeof($x) WHEN 'integer' THEN $t || '.$z' WHEN 'text' THEN ($ip) || '.' || substr(($fp) || '$z', 1, $n) ELSE printf('%.${n}f', $x) END"
              else
                  v="CASE typeof($x) WHEN 'integer' THEN $t WHEN 'text' THEN ($ip) ELSE printf('%.0f', $x) END"
              fi ;;
        tsus|timeus)
              # The fraction as written (SQLite's date functions round it to
              # milliseconds), the rest through strftime (offsets to UTC).
              local dot=20 fmt='%Y-%m-%d %H:%M:%S' f nd base
              if [ "$k" = timeus ]; then dot="(CASE WHEN substr($x,3,1) = ':' THEN 9 ELSE 20 END)"; fmt='%H:%M:%S'; fi
              f="substr($x, $dot + 1)"
              nd="(length($f) - length(ltrim($f, '0123456789')))"
              base="CASE WHEN substr($x, $dot, 1) = '.' THEN substr($x, 1, $dot - 1) || substr($x, $dot + 1 + $nd) ELSE $x END"
              f="CASE WHEN substr($x, $dot, 1) = '.' THEN substr($x, $dot + 1, $nd) ELSE '' END"
              if [ "$k" = tsus ]; then
                  v="CASE WHEN typeof($x) = 'text' THEN strftime('$fmt', $base) || '.' || substr(($f) || '000000', 1, 6) ELSE strftime('%Y-%m-%d %H:%M:%f', $dtarg) || '000' END"
              else
                  v="strftime('$fmt', $base) || '.' || substr(($f) || '000000', 1, 6)"
              fi ;;
        *) echo "compare.sh: unknown kind '$k'" >&2; return 1 ;;
    esac
    printf "CASE WHEN %s IS NULL THEN '\\\\N' ELSE coalesce(%s, '<unreadable>') END" "$x" "$v"
}

# _cmp_pg_expr KIND COLSQL — the PostgreSQL expression for one field.
_cmp_pg_expr() {
    local k=$1 x=$2 v
    case $k in
        int)  v="($x)::text" ;;
        text|raw|json)
              v="replace(replace(replace(replace(($x)::text,'\\','\\\\'),E'\\t','\\t'),E'\\n','\\n'),E'\\r','\\r')" ;;
        bool) v="CASE WHEN $x THEN 't' ELSE 'f' END" ;;
        f64)  v="encode(float8send(($x)::float8),'hex')" ;;
        dec[0-9]*) v="round(($x)::numeric, ${k#dec})::text" ;;
        ts)   v="to_char(($x)::timestamp, 'YYYY-MM-DD HH24:MI:SS.MS')" ;;
        date) v="to_char(($x)::date, 'YYYY-MM-DD')" ;;
        time) v="to_char(date '2000-01-01' + ($x)::time, 'HH24:MI:SS.MS')" ;;
        uuid) v="lower(($x)::text)" ;;
        blob) v="encode(($x)::bytea,'hex')" ;;
        num[0-9]*) v="round(($x)::numeric, ${k#num})::text" ;;
        tsus) v="to_char(($x)::timestamp, 'YYYY-MM-DD HH24:MI:SS.US')" ;;
        timeus) v="to_char(date '2000-01-01' + ($x)::time, 'HH24:MI:SS.US')" ;;
        *) echo "compare.sh: unknown kind '$k'" >&2; return 1 ;;
    esac
    printf "CASE WHEN %s IS NULL THEN '\\\\N' ELSE %s END" "$x" "$v"
}

# _cmp_my_expr KIND COLSQL — the MySQL/MariaDB expression for one field.
# dump_my's session has sql_mode ANSI_QUOTES, PIPES_AS_CONCAT and
# NO_BACKSLASH_ESCAPES (string literals as in standard SQL) and time_zone
# +00:00 (TIMESTAMP columns read as UTC).
_cmp_my_expr() {
    local k=$1 x=$2 v
    local tab="CHAR(9 USING utf8mb4)" nl="CHAR(10 USING utf8mb4)" cr="CHAR(13 USING utf8mb4)"
    case $k in
        int)  v="CAST($x AS CHAR)" ;;
        text|raw|json)
              v="REPLACE(REPLACE(REPLACE(REPLACE(CAST($x AS CHAR),'\\','\\\\'),$tab,'\\t'),$nl,'\\n'),$cr,'\\r')" ;;
        bool) v="CASE WHEN $x THEN 't' ELSE 'f' END" ;;
        f64)
              # The IEEE-754 bits, exactly: |x| = 2^e * (1 + m/2^52) for a
              # normal number (LOG2 can be off by one: corrected against
              # POW(2, e), which like every step here is exact), m * 2^-1074
              # for a subnormal. MySQL keeps no -0, Inf nor NaN.
              local ax="ABS($x)" e0 e
              e0="LEAST(FLOOR(LOG2(ABS($x))), 1023)"
              e="($e0 - ($ax < POW(2, $e0)) + ($ax / 2 >= POW(2, $e0)))"
              v="CASE WHEN $x = 0 THEN IF(CAST($x AS CHAR) LIKE '-%', '8000000000000000', '0000000000000000') ELSE LPAD(LOWER(HEX((($x < 0) << 63) | IF($ax < POW(2, -1022), CAST($ax / POW(2, -1074) AS UNSIGNED), (($e + 1023) << 52) | CAST(($ax / POW(2, $e) - 1) * POW(2, 52) AS UNSIGNED)))), 16, '0') END" ;;
        dec[0-9]*|num[0-9]*)
              v="CAST(CAST($x AS DECIMAL(65, ${k#???})) AS CHAR)" ;;
        ts)   v="LEFT(DATE_FORMAT($x, '%Y-%m-%d %H:%i:%s.%f'), 23)" ;;
        tsus) v="DATE_FORMAT($x, '%Y-%m-%d %H:%i:%s.%f')" ;;
        date) v="DATE_FORMAT($x, '%Y-%m-%d')" ;;
        time) v="LEFT(TIME_FORMAT($x, '%H:%i:%s.%f'), 12)" ;;
        timeus) v="TIME_FORMAT($x, '%H:%i:%s.%f')" ;;
        uuid) v="CASE WHEN LENGTH($x) = 16 THEN LOWER(INSERT(INSERT(INSERT(INSERT(HEX($x), 21, 0, '-'), 17, 0, '-'), 13, 0, '-'), 9, 0, '-')) ELSE LOWER(CAST($x AS CHAR)) END" ;;
        blob) v="LOWER(HEX($x))" ;;
        *) echo "compare.sh: unknown kind '$k'" >&2; return 1 ;;
    esac
    printf "CASE WHEN %s IS NULL THEN '\\\\N' ELSE COALESCE(%s, '<unreadable>') END" "$x" "$v"
}

# _cmp_select SIDE REL SPEC... — the SELECT producing one text column.
_cmp_select() {
    local side=$1 rel=$2 spec kind name col e sep="" sql=""
    shift 2
    if [ $# -eq 0 ]; then echo "compare.sh: no columns given" >&2; return 1; fi
    local tab="char(9)"
    [ "$side" = pg ] && tab="E'\\t'"
    [ "$side" = my ] && tab="CHAR(9 USING utf8mb4)"
    for spec in "$@"; do
        kind=${spec%%:*}
        name=${spec#*:}
        if [ "$kind" = "$spec" ] || [ -z "$name" ]; then
            echo "compare.sh: bad column spec '$spec' (want KIND:NAME)" >&2; return 1
        fi
        col=$(sq_ident "$name")
        if [ "$side" = pg ]; then e=$(_cmp_pg_expr "$kind" "$col") || return 1
        elif [ "$side" = my ]; then e=$(_cmp_my_expr "$kind" "$col") || return 1
        else e=$(_cmp_sqlite_expr "$kind" "$col") || return 1; fi
        sql="$sql$sep($e)"
        sep=" || $tab || "
    done
    printf 'SELECT %s FROM %s' "$sql" "$rel"
}

# dump_sqlite DBFILE REL SPEC... — canonical sorted dump on stdout.
dump_sqlite() {
    local db=$1 rel=$2 sql
    shift 2
    sql=$(_cmp_select sqlite "$rel" "$@") || return 1
    # Read-only; list mode prints the one column raw.
    sqlite3 -batch -readonly -noheader -list "$db" "$sql" | LC_ALL=C sort
    if [ "${PIPESTATUS[0]}" != 0 ]; then
        echo "compare.sh: sqlite3 failed on $db: $sql" >&2
        return 1
    fi
}

# dump_pg DBNAME REL SPEC... — canonical sorted dump on stdout.
dump_pg() {
    local db=$1 rel=$2 sql
    shift 2
    sql=$(_cmp_select pg "$rel" "$@") || return 1
    PGOPTIONS='-c timezone=UTC -c DateStyle=ISO' pg_sql "$db" "$sql" | LC_ALL=C sort
    if [ "${PIPESTATUS[0]}" != 0 ]; then
        echo "compare.sh: psql failed on $db: $sql" >&2
        return 1
    fi
}

# dump_my DBNAME REL SPEC... — canonical sorted dump on stdout (MariaDB or
# MySQL, as root over $MYTEST_SOCK; REL and column names in double quotes).
dump_my() {
    local db=$1 rel=$2 sql
    shift 2
    sql=$(_cmp_select my "$rel" "$@") || return 1
    # -r: fields raw (the expressions escape what needs it); -N -B: no header, tabs.
    mariadb --no-defaults --socket="$MYTEST_SOCK" -uroot -N -B -r --default-character-set=utf8mb4 \
        --database="$db" -e "SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES';
SET SESSION time_zone = '+00:00'; $sql" | LC_ALL=C sort
    if [ "${PIPESTATUS[0]}" != 0 ]; then
        echo "compare.sh: mariadb failed on $db: $sql" >&2
        return 1
    fi
}

# compare_files LABEL A B — 0 when equal; else print a bounded diff.
compare_files() {
    local label=$1 a=$2 b=$3
    if cmp -s "$a" "$b"; then
        return 0
    fi
    echo "DIFF $label: $(wc -l <"$a") vs $(wc -l <"$b") rows; first differences (- first, + second):"
    diff -u "$a" "$b" | sed -n '3,$p' | grep '^[-+]' | head -n "$CMP_MAX_DIFF_LINES"
    return 1
}

# compare_table SQLITE_DB SQLITE_REL PG_DB PG_REL SPEC... — 0 when equal.
compare_table() {
    local sdb=$1 srel=$2 pdb=$3 prel=$4
    shift 4
    local d=${CMP_TMP:-${TMPDIR:-/tmp}}
    local a="$d/cmp.sqlite.$$" b="$d/cmp.pg.$$" rc
    dump_sqlite "$sdb" "$srel" "$@" >"$a" || { rm -f "$a"; return 1; }
    dump_pg "$pdb" "$prel" "$@" >"$b" || { rm -f "$a" "$b"; return 1; }
    compare_files "$srel (sqlite) vs $prel (pg)" "$a" "$b"
    rc=$?
    rm -f "$a" "$b"
    return $rc
}

# compare_pg_tables DB1 REL1 SPECS1 DB2 REL2 SPECS2 — compare two PostgreSQL
# relations; SPECS are newline-separated KIND:NAME lists (same kinds, same
# order). Prints the diff; 0 when equal.
compare_pg_tables() {
    local db1=$1 rel1=$2 specs1=$3 db2=$4 rel2=$5 specs2=$6
    local d=${CMP_TMP:-${TMPDIR:-/tmp}}
    local a="$d/cmp.pg1.$$" b="$d/cmp.pg2.$$" rc
    local -a s1 s2
    mapfile -t s1 <<<"$specs1"
    mapfile -t s2 <<<"$specs2"
    dump_pg "$db1" "$rel1" "${s1[@]}" >"$a" || { rm -f "$a"; return 1; }
    dump_pg "$db2" "$rel2" "${s2[@]}" >"$b" || { rm -f "$a" "$b"; return 1; }
    compare_files "$rel1 vs $rel2" "$a" "$b"
    rc=$?
    rm -f "$a" "$b"
    return $rc
}
