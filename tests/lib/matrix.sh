# shellcheck shell=bash
# matrix.sh — the fixture of t_matrix: one table `m` holding every logical
# type with its edge values, built natively in SQLite, PostgreSQL and
# MySQL/MariaDB from one list of rows (bash, sourced after testlib.sh).
#
#   mx_make_sqlite FILE     create FILE with table m
#   mx_make_pg DB           create table m in PostgreSQL database DB
#   mx_make_my DB           create table m in MariaDB database DB
#   mx_ids ENGINE           the ids of the rows ENGINE holds, one a line
#   MX_COLS / MX_KINDS      the common columns and their compare.sh kinds
#   MX_MY_COLS / MX_MY_KINDS  MySQL's extra columns (unsigned ints, zero date)
#
# Every engine holds the same logical content in its own native types,
# except the rows a source cannot hold (ENGINES column of the row list):
# SQLite stores no NaN, no -0 and no decimal beyond a double's 15 digits;
# MySQL stores no NaN, Infinity nor -0, and its TIMESTAMP spans only
# 1970-2038 (so the timestamptz rows at year 1 and 9999 are not in it).
# MySQL alone has unsigned integers, the zero date and TIME values beyond
# 24 hours (a duration: 838:59:59), each of the last two in a row of its own.
#
# Values, as written in the row list:
#   @N                   NULL
#   f64: "TEXT=HEX"      the text PostgreSQL and MariaDB parse, and the
#                        IEEE-754 bits SQLite gets (ieee754_from_blob: the
#                        SQLite shell's float parser is not exact)
#   byt: x:HEX, @ALLBYTES (00..ff), @MIB (00..ff 4096 times: 1 MiB)
#   tz:  ISO text with an offset (Z, +hh:mm); MySQL gets the UTC time
#   others: the literal text (quoted per engine)

MX_COLS=(id b i16 i32 i64 f64 d38 txt vc byt dt tm ts tz uu js)
# shellcheck disable=SC2034   # used by the tests that source this file
MX_KINDS=(int bool int int int f64 num10 text text blob date timeus tsus tsus uuid json)
MX_MY_COLS=(u8 u16 u32 u64 zd)
# shellcheck disable=SC2034
MX_MY_KINDS=(int int int int date)

# The text edge values.
MX_TXT=$'tab\there\nnewline\r\nCRLF back\\slash \'single\' "double" emoji \xf0\x9f\x98\x80 clef \xf0\x9d\x84\x9e \xc3\xbcn\xc3\xafc\xc3\xb6d\xc3\xa9 \xe6\xbc\xa2\xe5\xad\x97 %_ end'
MX_VC20=$'\xc3\xb1\xf0\x9f\x98\x80abcdefghijklmnopqr'       # 20 characters, 2 of them multibyte
MX_JSON3='{"a": [1, 2.5, "x"], "b": {"c": null, "d": true}, "e": "é😀 \"q\" \\ /"}'

# The rows: ENGINES, then id, the 15 common columns and MySQL's 5 extras
# (missing trailing values are NULL). Fields separated by \x1f.
MX_ROWS=()
_mx_row() {
    local IFS=$'\x1f'
    MX_ROWS+=("$*")
}
N=@N
#       engines        id  b  i16    i32          i64                   f64                                          d38        txt                 vc        byt        dt         tm                ts                            tz                                  uu                                     js            u8  u16   u32        u64                  zd
_mx_row sqlite,pg,my   1   $N $N     $N           $N                    $N                                           $N         $N                  $N        $N         $N         $N                $N                            $N                                  $N                                     $N
_mx_row sqlite,pg,my   2   f  -32768 -2147483648  -9223372036854775808  "-1.7976931348623157e308=ffefffffffffffff"   -12345.6789 ''                 ''        x:         0001-01-01 00:00:00          '0001-01-01 00:00:00'         '1970-01-01 00:00:01+00:00'         00000000-0000-0000-0000-000000000000   '[]'          0   0     0          0                    0001-01-01
_mx_row sqlite,pg,my   3   t  32767  2147483647   9223372036854775807   "1.7976931348623157e308=7fefffffffffffff"    99999.99999 "$MX_TXT"          "$MX_VC20" @ALLBYTES 9999-12-31 23:59:59.999999   '9999-12-31 23:59:59.999999'  '2038-01-19T03:14:07.999999Z'       ffffffff-ffff-ffff-ffff-ffffffffffff   "$MX_JSON3"   255 65535 4294967295 18446744073709551615 9999-12-31
_mx_row sqlite,pg,my   4   t  0      0            0                     "0.1=3fb999999999999a"                       0.0000000001 'NULL'            'abc'     x:00       2024-02-29 12:34:56.789012   '2024-02-29 12:34:56.789012'  '2024-02-29T12:34:56.789012+02:00'  A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11   '{"a": 1, "b": "x"}' 1 1 1      1                    2024-02-29
_mx_row sqlite,pg,my   5   $N $N     $N           $N                    $N                                           $N         'one MiB blob'      $N        @MIB       $N         $N                $N                            $N                                  $N                                     $N
_mx_row sqlite,pg,my   6   f  -1     -1           -1                    "5e-324=0000000000000001"                    -0.5       ' spaces around '   '\N'      x:ff       1970-01-01 00:00:00.000001   '1970-01-01 00:00:00.000001'  '1999-12-31T19:00:00-05:00'         123e4567-e89b-12d3-a456-426614174000   'null'        $N  $N    $N         $N                   1970-01-01
_mx_row sqlite,pg      7   $N $N     $N           $N                    "Infinity=7ff0000000000000"
_mx_row sqlite,pg      8   $N $N     $N           $N                    "-Infinity=fff0000000000000"
_mx_row pg             9   $N $N     $N           $N                    "NaN=7ff8000000000000"
_mx_row pg             10  $N $N     $N           $N                    "-0=8000000000000000"
_mx_row pg,my          11  $N $N     $N           $N                    $N                                           9999999999999999999999999999.9999999999
_mx_row pg,my          12  $N $N     $N           $N                    $N                                           -9999999999999999999999999999.9999999999
_mx_row pg,my          13  $N $N     $N           $N                    $N                                           1234567890123456789012345678.0123456789
_mx_row sqlite,pg      14  $N $N     $N           $N                    $N                                           $N         $N                  $N        $N         $N         $N                $N                            '0001-01-01 00:00:00+00:00'
_mx_row sqlite,pg      15  $N $N     $N           $N                    $N                                           $N         $N                  $N        $N         $N         $N                $N                            '9999-12-31 23:59:59.999999+00:00'
_mx_row my             16  $N $N     $N           $N                    $N                                           $N         $N                  $N        $N         $N         $N                $N                            $N                                  $N                                     $N            $N  $N    $N         $N                   0000-00-00
_mx_row my             17  $N $N     $N           $N                    $N                                           $N         $N                  $N        $N         $N         838:59:59         $N
unset N

MX_ALLHEX=$(for ((i = 0; i < 256; i++)); do printf '%02x' "$i"; done)

# _mx_str ENGINE TEXT — TEXT as a string literal of ENGINE. Carriage
# returns never appear raw (the sqlite3 and mariadb clients drop a CR at the
# end of an input line).
_mx_str() {
    local s=$2
    case $1 in
        my)     s=${s//\\/\\\\}; s=${s//\'/\'\'}; s=${s//$'\r'/\\r} ;;   # backslash escapes are on
        pg)     s=${s//\\/\\\\}; s=${s//\'/\'\'}; s=${s//$'\r'/\\r}; printf 'E' ;;
        sqlite) s=${s//\'/\'\'}; s=${s//$'\r'/\'||char(13)||\'} ;;
    esac
    printf "'%s'" "$s"
}

# _mx_lit ENGINE COLUMN VALUE — VALUE as an SQL expression of ENGINE.
_mx_lit() {
    local e=$1 c=$2 v=$3
    if [ "$v" = @N ]; then printf 'NULL'; return; fi
    case $c in
        id|i16|i32|i64|d38|u8|u16|u32|u64) printf '%s' "$v" ;;
        b)  case $e in pg) [ "$v" = t ] && printf true || printf false ;;
                       *)  [ "$v" = t ] && printf 1 || printf 0 ;; esac ;;
        f64)
            case $e in
                sqlite) printf "ieee754_from_blob(x'%s')" "${v#*=}" ;;
                pg)     printf "'%s'::float8" "${v%=*}" ;;
                my)     printf '%se0' "${v%=*}" | sed 's/e\([-0-9]*\)e0$/e\1/' ;;
            esac ;;
        byt)
            local hex=${v#x:} rep=1
            [ "$v" = @ALLBYTES ] && hex=$MX_ALLHEX
            [ "$v" = @MIB ] && { hex=$MX_ALLHEX; rep=4096; }
            case $e in
                sqlite) if [ "$rep" = 1 ]; then printf "x'%s'" "$hex"
                        else printf "x'"; for ((i = 0; i < rep; i++)); do printf '%s' "$hex"; done; printf "'"; fi ;;
                pg)     printf "decode(repeat('%s', %d), 'hex')" "$hex" "$rep" ;;
                my)     printf "REPEAT(UNHEX('%s'), %d)" "$hex" "$rep" ;;
            esac ;;
        tz)
            if [ "$e" = my ]; then
                # MySQL's TIMESTAMP takes no offset: the UTC time (session +00:00).
                local dt=${v%Z} off=+00:00
                case $v in *Z) ;; *[+-][0-9][0-9]:[0-9][0-9]) dt=${v:0:${#v}-6}; off=${v: -6} ;; esac
                printf "CONVERT_TZ('%s', '%s', '+00:00')" "${dt/T/ }" "$off"
            else
                _mx_str "$e" "$v"
            fi ;;
        *) _mx_str "$e" "$v" ;;
    esac
}

# _mx_inserts ENGINE — the INSERT statements of ENGINE's rows.
_mx_inserts() {
    local e=$1 row engines i n cols vals
    local -a f
    local -a all=("${MX_COLS[@]}")
    [ "$e" = my ] && all+=("${MX_MY_COLS[@]}")
    for row in "${MX_ROWS[@]}"; do
        IFS=$'\x1f' read -r -d '' -a f < <(printf '%s\0' "$row")
        engines=${f[0]}
        case ",$engines," in *",$e,"*) ;; *) continue ;; esac
        cols=; vals=
        n=${#all[@]}
        for ((i = 0; i < n; i++)); do
            cols+="${cols:+, }${all[i]}"
            vals+="${vals:+, }$(_mx_lit "$e" "${all[i]}" "${f[i + 1]:-@N}")"
        done
        printf 'INSERT INTO m (%s) VALUES (%s);\n' "$cols" "$vals"
    done
}

# mx_ids ENGINE — the ids of ENGINE's rows.
mx_ids() {
    local row
    local -a f
    for row in "${MX_ROWS[@]}"; do
        IFS=$'\x1f' read -r -d '' -a f < <(printf '%s\0' "$row")
        case ",${f[0]}," in *",$1,"*) echo "${f[1]}" ;; esac
    done
}

mx_make_sqlite() {
    rm -f "$1"
    {
        echo "BEGIN;"
        echo "CREATE TABLE m (id INTEGER PRIMARY KEY, b BOOLEAN, i16 SMALLINT, i32 INT, i64 BIGINT, f64 DOUBLE,
  d38 NUMERIC(38,10), txt TEXT, vc VARCHAR(20), byt BLOB, dt DATE, tm TIME, ts DATETIME, tz TIMESTAMPTZ,
  uu UUID, js JSON);"
        _mx_inserts sqlite
        echo "COMMIT;"
    } | sqlite3 -batch -bail "$1"
}

mx_make_pg() {
    {
        echo "BEGIN;"
        echo "CREATE TABLE m (id bigint PRIMARY KEY, b boolean, i16 smallint, i32 integer, i64 bigint,
  f64 double precision, d38 numeric(38,10), txt text, vc varchar(20), byt bytea, dt date, tm time,
  ts timestamp, tz timestamptz, uu uuid, js jsonb);"
        _mx_inserts pg
        echo "COMMIT;"
    } | pg_sql "$1" - >/dev/null
}

mx_make_my() {
    {
        # Zero dates need a mode without NO_ZERO_DATE; TIMESTAMP values are UTC.
        echo "SET SESSION sql_mode = 'STRICT_TRANS_TABLES'; SET SESSION time_zone = '+00:00';"
        echo "CREATE TABLE m (id bigint PRIMARY KEY, b tinyint(1), i16 smallint, i32 int, i64 bigint,
  f64 double, d38 decimal(38,10), txt longtext, vc varchar(20), byt longblob, dt date, tm time(6),
  ts datetime(6), tz timestamp(6) NULL, uu uuid, js json,
  u8 tinyint unsigned, u16 smallint unsigned, u32 int unsigned, u64 bigint unsigned, zd date);"
        _mx_inserts my
    } | my_sql "$1" -
}

# mx_diff NAMES SRC_DUMP TGT_DUMP — compare two canonical dumps (compare.sh,
# first field the id) column by column. NAMES: the column names, id first,
# space-separated. Prints one line per difference, sorted:
#   -row ID                      a source row missing from the target
#   +row ID                      a target row that is not in the source
#   COLUMN ID SRC_VALUE TGT_VALUE   (tab-separated; values cut at 120 bytes)
mx_diff() {
    LC_ALL=C awk -F'\t' -v names="$1" '
        NR == FNR { s[$1] = $0; next }
        { t[$1] = $0 }
        END {
            n = split(names, nm, " ")
            for (id in s) if (!(id in t)) print "-row\t" id
            for (id in t) if (!(id in s)) print "+row\t" id
            for (id in t) if (id in s) {
                split(s[id], a, "\t"); split(t[id], b, "\t")
                for (j = 2; j <= n; j++)
                    if ((a[j] "") != (b[j] ""))      # as strings: never as numbers
                        print nm[j] "\t" id "\t" substr(a[j], 1, 120) "\t" substr(b[j], 1, 120)
            }
        }' "$2" "$3" | LC_ALL=C sort
}

# mx_engines — what t_matrix and t_dump_matrix share: ENGINES, LONG (their
# names), SPEC_COMMON/SPEC_MY (compare.sh specs of table m), and per-engine
# helpers where a database NAME is a file in SQLite ($TEST_TMP/NAME.db), a
# database on the run's PostgreSQL or MariaDB server otherwise:
#   eng_url ENGINE NAME     its URL
#   eng_fresh ENGINE NAME   an empty one (dropped first)
mx_engines() {
    ENGINES=(sqlite pg my)
    declare -gA LONG=([sqlite]=sqlite [pg]=postgresql [my]=mysql)
    SPEC_COMMON=()
    local i
    for i in "${!MX_COLS[@]}"; do SPEC_COMMON+=("${MX_KINDS[i]}:${MX_COLS[i]}"); done
    SPEC_MY=("${SPEC_COMMON[@]}")
    for i in "${!MX_MY_COLS[@]}"; do SPEC_MY+=("${MX_MY_KINDS[i]}:${MX_MY_COLS[i]}"); done
}
eng_url() {
    case $1 in sqlite) echo "sqlite:///$TEST_TMP/$2.db" ;; pg) pg_url "$2" ;; my) my_url "$2" ;; esac
}
eng_fresh() {
    case $1 in
        sqlite) rm -f "$TEST_TMP/$2.db" ;;
        pg) pg_dropdb "$2" && pg_createdb "$2" ;;
        my) my_dropdb "$2" && my_createdb "$2" ;;
    esac
}
