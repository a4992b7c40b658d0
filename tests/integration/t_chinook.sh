#!/usr/bin/env bash
# t_chinook — the Chinook sample (11 tables, ~15,600 rows) from SQLite to
# PostgreSQL, compared value by value with the SQLite source and with
# Chinook's own native PostgreSQL form (which differs only in the 8
# documented "Edinburgh " rows); keys, foreign keys, identity positions. The
# AUTOINCREMENT variant of the SQLite file is copied and compared too.
source "$(dirname "$0")/../lib/testlib.sh"

FIX=$(cd "$REPO/.." && pwd)/shared/fixtures/chinook
[ -f "$FIX/Chinook_Sqlite.sqlite" ] || skip "fixture not present ($FIX)"
require_ferry

DB=$PGTEST_DB
SRC=$TEST_TMP/Chinook_Sqlite.sqlite
cp "$FIX/Chinook_Sqlite.sqlite" "$SRC"      # the fixture dir is read-only
chmod u+w "$SRC"

# Column specs per table, in SQLite names (see compare.sh for the kinds).
declare -A SPEC=(
  [Album]="int:AlbumId text:Title int:ArtistId"
  [Artist]="int:ArtistId text:Name"
  [Customer]="int:CustomerId text:FirstName text:LastName text:Company text:Address text:City text:State text:Country text:PostalCode text:Phone text:Fax text:Email int:SupportRepId"
  [Employee]="int:EmployeeId text:LastName text:FirstName text:Title int:ReportsTo ts:BirthDate ts:HireDate text:Address text:City text:State text:Country text:PostalCode text:Phone text:Fax text:Email"
  [Genre]="int:GenreId text:Name"
  [Invoice]="int:InvoiceId int:CustomerId ts:InvoiceDate text:BillingAddress text:BillingCity text:BillingState text:BillingCountry text:BillingPostalCode dec2:Total"
  [InvoiceLine]="int:InvoiceLineId int:InvoiceId int:TrackId dec2:UnitPrice int:Quantity"
  [MediaType]="int:MediaTypeId text:Name"
  [Playlist]="int:PlaylistId text:Name"
  [PlaylistTrack]="int:PlaylistId int:TrackId"
  [Track]="int:TrackId text:Name int:AlbumId int:MediaTypeId int:GenreId text:Composer int:Milliseconds int:Bytes dec2:UnitPrice"
)
TABLES="Album Artist Customer Employee Genre Invoice InvoiceLine MediaType Playlist PlaylistTrack Track"

# snake NAME — Chinook's native PostgreSQL naming: InvoiceLineId -> invoice_line_id.
snake() { printf '%s' "$1" | sed -E 's/([a-z0-9])([A-Z])/\1_\2/g' | tr 'A-Z' 'a-z'; }
# snake_specs "kind:Name ..." — the same specs in native names, one a line.
snake_specs() { local s; for s in $1; do echo "${s%%:*}:$(snake "${s#*:}")"; done; }
# camel_specs "kind:Name ..." — one a line.
camel_specs() { local s; for s in $1; do echo "$s"; done; }

section "copy Chinook_Sqlite.sqlite"
run_ferry copy "sqlite:///$SRC" "$PGTEST_URL_DB" --report "$TEST_TMP/report.json"
check_rc "ferry copy chinook" 0

section "schema"
check_eq "11 tables" "$(printf '%s\n' $TABLES | LC_ALL=C sort)" "$(user_tables "$DB")"
check_eq "11 primary keys" 11 "$(q "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND contype = 'p'")"
check_eq "PlaylistTrack has a 2-column primary key" 2 "$(q "SELECT array_length(conkey, 1) FROM pg_constraint WHERE conrelid = 'public.\"PlaylistTrack\"'::regclass AND contype = 'p'")"
check_eq "11 foreign keys, all validated" "11|11" "$(q "SELECT count(*), count(*) FILTER (WHERE convalidated) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND contype = 'f'")"
check_eq "self-referencing FK Employee.ReportsTo" 1 "$(q "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'public.\"Employee\"'::regclass AND confrelid = conrelid")"
check "the 11 IFK_ indexes (at least 11 non-primary indexes)" test "$(q "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT i.indisprimary")" -ge 11
check_eq '"Invoice"."Total" type' "numeric(10,2)" "$(pg_type "$DB" Invoice Total)"
check_eq '"Invoice"."InvoiceDate" type' "timestamp without time zone" "$(pg_type "$DB" Invoice InvoiceDate)"
check_eq '"Track"."Name" type' "character varying(200)" "$(pg_type "$DB" Track Name)"

section "content equals the SQLite source"
for t in $TABLES; do
    # shellcheck disable=SC2086
    check "$t equals SQLite" compare_table "$SRC" "\"$t\"" "$DB" "\"$t\"" ${SPEC[$t]}
done
check_eq "row total" 15607 "$(q "SELECT (SELECT count(*) FROM \"Album\") + (SELECT count(*) FROM \"Artist\") + (SELECT count(*) FROM \"Customer\") + (SELECT count(*) FROM \"Employee\") + (SELECT count(*) FROM \"Genre\") + (SELECT count(*) FROM \"Invoice\") + (SELECT count(*) FROM \"InvoiceLine\") + (SELECT count(*) FROM \"MediaType\") + (SELECT count(*) FROM \"Playlist\") + (SELECT count(*) FROM \"PlaylistTrack\") + (SELECT count(*) FROM \"Track\")")"
check_eq "backslashes in track names kept" 4 "$(q "SELECT count(*) FROM \"Track\" WHERE position(chr(92) IN \"Name\") > 0")"

section "content equals Chinook's native PostgreSQL form (except the Edinburgh rows)"
if ! psql -X -q -v ON_ERROR_STOP=1 -h "$PGTEST_HOST" -p "$PGTEST_PORT" -U postgres -d postgres \
        -f "$FIX/Chinook_PostgreSql.sql" >"$TEST_TMP/native.log" 2>&1; then
    fail "load Chinook_PostgreSql.sql"; sed 's/^/    /' "$TEST_TMP/native.log" | tail -n 20
else
    pass "load Chinook_PostgreSql.sql (database chinook)"
    edinburgh=0
    for t in $TABLES; do
        a=$TEST_TMP/ferry.$t.dump b=$TEST_TMP/native.$t.dump
        mapfile -t s1 < <(camel_specs "${SPEC[$t]}")
        mapfile -t s2 < <(snake_specs "${SPEC[$t]}")
        dump_pg "$DB" "\"$t\"" "${s1[@]}" >"$a.raw"
        dump_pg chinook "$(snake "$t")" "${s2[@]}" >"$b"
        # The documented difference: native PostgreSQL has "Edinburgh" where the source has "Edinburgh ".
        sed 's/\tEdinburgh \t/\tEdinburgh\t/' "$a.raw" >"$a"
        edinburgh=$(( edinburgh + $(diff "$a.raw" "$a" | grep -c '^>') ))
        check "$t equals native $(snake "$t")" compare_files "$t vs native" "$a" "$b"
    done
    check_eq "exactly the 8 documented Edinburgh rows differ" 8 "$edinburgh"
    pg_dropdb chinook
fi

section "identity positions"
check_eq 'INSERT INTO "Artist" gets max+1' 276 "$(q "INSERT INTO \"Artist\" (\"Name\") VALUES ('x') RETURNING \"ArtistId\"")"
check_eq 'INSERT INTO "Track" gets max+1' 3504 "$(q "INSERT INTO \"Track\" (\"Name\", \"MediaTypeId\", \"Milliseconds\", \"UnitPrice\") VALUES ('x', 1, 1, 0.99) RETURNING \"TrackId\"")"

section "report"
if have_jq && json_valid "$TEST_TMP/report.json"; then
    pass "report is valid JSON"
    check_eq "report: Track rows read/written" "3503 3503" "$(jqf "$TEST_TMP/report.json" '.tables[] | select(.name == "Track") | "\(.rows_read) \(.rows_written)"')"
    check_eq "report status" ok "$(jqf "$TEST_TMP/report.json" .status)"
else
    fail "report is valid JSON"
fi

section "the AUTOINCREMENT variant"
if [ -f "$FIX/Chinook_Sqlite_AutoIncrementPKs.sqlite" ]; then
    SRC2=$TEST_TMP/Chinook_Sqlite_AutoIncrementPKs.sqlite
    cp "$FIX/Chinook_Sqlite_AutoIncrementPKs.sqlite" "$SRC2"
    chmod u+w "$SRC2"
    DB2=${DB}_autoinc
    pg_dropdb "$DB2"; pg_createdb "$DB2"
    run_ferry copy "sqlite:///$SRC2" "$(pg_url "$DB2")" --quiet
    check_rc "ferry copy the AUTOINCREMENT variant" 0
    for t in $TABLES; do
        # shellcheck disable=SC2086
        check "$t equals SQLite (AUTOINCREMENT variant)" compare_table "$SRC2" "\"$t\"" "$DB2" "\"$t\"" ${SPEC[$t]}
    done
    check_eq 'AUTOINCREMENT variant: INSERT INTO "Invoice" gets max+1' 413 \
        "$(qdb "$DB2" "INSERT INTO \"Invoice\" (\"CustomerId\", \"InvoiceDate\", \"Total\") VALUES (1, now(), 1) RETURNING \"InvoiceId\"")"
    pg_dropdb "$DB2"
else
    note "Chinook_Sqlite_AutoIncrementPKs.sqlite not present; variant not tested"
fi

finish
