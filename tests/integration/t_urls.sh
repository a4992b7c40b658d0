#!/usr/bin/env bash
# t_urls — every accepted way to name the source and the target: SQLite
# URLs (relative, absolute, +aiosqlite), plain paths; PostgreSQL URLs
# (postgresql://, postgres://, +asyncpg, ?ssl=..., empty host + PG* env),
# libpq keyword strings; passwords in the URL (percent-encoded too), in
# PGPASSWORD, wrong ones; and no password ever shown in any output, report,
# progress file or the _ferry state tables.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

mkdir -p "$TEST_TMP/work/sub"
S=$TEST_TMP/work/sub/src.db
gen_small "$S" 0
SPEC_ALPHA="int:id text:name f64:score ts:created"
P=$PGTEST_PORT
SECRET=s3cr3tpw
SECRET2='p@ss:w/rd'              # in a URL: p%40ss%3Aw%2Frd
SECRET2_ENC='p%40ss%3Aw%2Frd'
WRONG=wr0ngpassw0rd

n=0
DBS=()
# newdb [OWNER] — a fresh database; prints its name.
newdb() { n=$((n + 1)); local d="${PGTEST_DB}_$n"; pg_dropdb "$d"; pg_createdb "$d" "${1:-}"; echo "$d"; }

# copied DB DESC — the copy exited 0 and alpha equals the source.
copied() {
    check_rc "$2" 0
    # shellcheck disable=SC2086
    check "$2: alpha equals the source" compare_table "$S" alpha "$1" alpha $SPEC_ALPHA
    check_eq "$2: four tables" 4 "$(qdb "$1" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
}

# keep_outputs — save the last run's outputs for the secrets scan.
k=0
keep_outputs() { k=$((k + 1)); cp "$OUT" "$TEST_TMP/scan.out.$k"; cp "$ERR" "$TEST_TMP/scan.err.$k"; }

section "source forms"
cd "$TEST_TMP/work" || exit 1
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite:///sub/src.db" "$(pg_url "$D")"
copied "$D" "sqlite:///relative/path.db (from the current directory)"
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite:///$S" "$(pg_url "$D")"
copied "$D" "sqlite:////absolute/path.db"
D=$(newdb); DBS+=("$D")
run_ferry copy "$S" "$(pg_url "$D")"
copied "$D" "a plain absolute path"
D=$(newdb); DBS+=("$D")
run_ferry copy "sub/src.db" "$(pg_url "$D")"
copied "$D" "a plain relative path"
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite+aiosqlite:///sub/src.db" "$(pg_url "$D")"
copied "$D" "sqlite+aiosqlite:///relative/path.db"
cd "$TEST_TMP" || exit 1

section "target forms"
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite:///$S" "postgresql://postgres@127.0.0.1:$P/$D"
copied "$D" "postgresql://"
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite:///$S" "postgres://postgres@127.0.0.1:$P/$D"
copied "$D" "postgres://"
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite:///$S" "postgresql+asyncpg://postgres@127.0.0.1:$P/$D"
copied "$D" "postgresql+asyncpg://"
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite:///$S" "host=127.0.0.1 port=$P dbname=$D user=postgres"
copied "$D" "libpq keyword string"
D=$(newdb); DBS+=("$D")
run_ferry_env "PGHOST=$PGTEST_HOST PGPORT=$P PGUSER=postgres" copy "sqlite:///$S" "postgresql:///$D"
copied "$D" "postgresql:///db with PGHOST/PGPORT/PGUSER (unix socket)"
D=$(newdb); DBS+=("$D")
run_ferry_env "PGHOST=127.0.0.1 PGPORT=$P PGUSER=postgres PGDATABASE=$D" copy "sqlite:///$S" "postgresql://"
copied "$D" "postgresql:// with everything from PG* env"
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite:///$S" "postgresql://postgres@127.0.0.1:$P/$D?ssl=disable"
copied "$D" "?ssl=disable"
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite:///$S" "postgresql://postgres@127.0.0.1:$P/$D?sslmode=disable&application_name=ferrytest"
copied "$D" "?sslmode=disable&application_name=..."
D=$(newdb); DBS+=("$D")
run_ferry copy "sqlite:///$S" "postgresql://postgres@127.0.0.1:$P/$D?ssl=require"
check_rc "?ssl=require against a server without SSL fails as a target error" 4
check_match "... and says SSL" "ssl" "$(ferry_output)"
check_eq "... creating nothing" 0 "$(qdb "$D" "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"

section "passwords"
pg_add_password_user pwuser "$SECRET"
pg_add_password_user pwuser2 "$SECRET2"
D=$(newdb pwuser); DBS+=("$D"); PWDBS=("$D")
run_ferry copy "sqlite:///$S" "postgresql://pwuser:$SECRET@127.0.0.1:$P/$D" \
    --progress "$TEST_TMP/scan.progress.1" --report "$TEST_TMP/scan.report.1"
keep_outputs
copied "$D" "password in the URL"
if have_jq && json_valid "$TEST_TMP/scan.report.1"; then
    check_match "report shows the target, masked" 'pwuser(:\*+)?@' "$(jqf "$TEST_TMP/scan.report.1" .target)"
else
    fail "report is valid JSON"
fi

D=$(newdb pwuser2); DBS+=("$D"); PWDBS+=("$D")
run_ferry copy "sqlite:///$S" "postgresql://pwuser2:$SECRET2_ENC@127.0.0.1:$P/$D" \
    --progress "$TEST_TMP/scan.progress.2" --report "$TEST_TMP/scan.report.2"
keep_outputs
copied "$D" "percent-encoded password in the URL"

D=$(newdb pwuser); DBS+=("$D"); PWDBS+=("$D")
run_ferry_env "PGPASSWORD=$SECRET" copy "sqlite:///$S" "postgresql://pwuser@127.0.0.1:$P/$D" \
    --progress "$TEST_TMP/scan.progress.3" --report "$TEST_TMP/scan.report.3"
keep_outputs
copied "$D" "PGPASSWORD"

D=$(newdb pwuser); DBS+=("$D"); PWDBS+=("$D")
run_ferry copy "sqlite:///$S" "host=127.0.0.1 port=$P dbname=$D user=pwuser password=$SECRET" \
    --progress "$TEST_TMP/scan.progress.4" --report "$TEST_TMP/scan.report.4"
keep_outputs
copied "$D" "password= in a keyword string"

D=$(newdb pwuser); DBS+=("$D")
run_ferry copy "sqlite:///$S" "postgresql://pwuser:$WRONG@127.0.0.1:$P/$D" \
    --progress "$TEST_TMP/scan.progress.5" --report "$TEST_TMP/scan.report.5"
keep_outputs
check_rc "a wrong password is a target error" 4
check_match "... and says authentication" "authentication" "$(ferry_output)"
run_ferry copy "sqlite:///$S" "postgresql://pwuser@127.0.0.1:$P/$D"
keep_outputs
check_rc "no password at all is a target error" 4
check_match "... and says password or authentication" "password|authentication" "$(ferry_output)"

section "no secret anywhere"
for d in "${PWDBS[@]}"; do
    pg_dump -h "$PGTEST_HOST" -p "$P" -U postgres --data-only --schema=_ferry "$d" >"$TEST_TMP/scan.state.$d" 2>&1
    check "state tables of $d dumped" test -s "$TEST_TMP/scan.state.$d"
done
files=$(ls "$TEST_TMP"/scan.* 2>/dev/null | wc -l)
check "outputs to scan ($files files)" test "$files" -ge 20
for secret in "$SECRET" "$SECRET2" "$SECRET2_ENC" "$WRONG"; do
    hits=$(grep -lF -- "$secret" "$TEST_TMP"/scan.* 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
    check_eq "'$secret' appears in no output, report, progress file or state table" "" "$hits"
done

for d in "${DBS[@]}"; do pg_dropdb "$d"; done
finish
