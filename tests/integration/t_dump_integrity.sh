#!/usr/bin/env bash
# t_dump_integrity — a damaged dump is never restored, even in part, and
# `ferry verify DIR` names what is wrong: a flipped byte, a truncated chunk
# file, a missing chunk file, a chunk missing from the manifest, a damaged
# manifest and one from a newer format, each on its own copy of a good
# dump. Also: ferry dumps only into a new, empty or its own directory; a
# restore of something that is no dump says so; verify --json.
source "$(dirname "$0")/../lib/testlib.sh"
require_ferry

B=$TEST_TMP/src.db
gen_big "$B" 20000 || { fail "generate the source"; finish; }
GOOD=$TEST_TMP/good
run_ferry dump "sqlite:///$B" "$GOOD" --chunk-rows 5000
check_rc "dump the source" 0
run_ferry verify "$GOOD"
check_rc "the good dump verifies" 0
check_match "verify DIR: OK line" "^OK: 5 chunk\(s\), 21000 rows" "$(cat "$OUT")"
run_ferry verify "$GOOD" --json
check_rc "verify DIR --json" 0
check_eq "verify --json: ok, rows" "true 21000" "$(jq -r '"\(.ok) \(.rows)"' "$OUT")"
F2=$(jq -r '.chunks[2].file' "$GOOD/manifest.json")

# damaged NAME — a fresh copy of the good dump to break.
damaged() { rm -rf "$TEST_TMP/$1"; cp -a "$GOOD" "$TEST_TMP/$1"; echo "$TEST_TMP/$1"; }
# refused DIR WHAT PATTERN — verify and restore both refuse DIR naming
# PATTERN, and the restore wrote no table.
refused() {
    local dir=$1 what=$2 pat=$3 db=$TEST_TMP/$(basename "$1").restored.db
    run_ferry verify "$dir"
    check_rc "$what: verify DIR finds it" 8
    check_match "$what: verify names it" "$pat" "$(ferry_output)"
    check_match "$what: verify ends with DAMAGED" "DAMAGED" "$(ferry_output)"
    run_ferry restore "$dir" "sqlite:///$db"
    check_rc "$what: restore refuses" 3
    check_match "$what: the restore error names it" "$pat" "$(ferry_output)"
    check_match "$what: and says nothing was restored" "nothing was restored" "$(ferry_output)"
    check_eq "$what: no table was written" "" \
        "$(sqlite_q "$db" "SELECT name FROM sqlite_master WHERE name IN ('events', 'users')" 2>/dev/null)"
}

section "a flipped byte in a chunk file"
D=$(damaged flip)
size=$(stat -c %s "$D/$F2")
# flip every bit of the middle byte (writing a fixed value could write the
# byte that is already there)
old=$(od -An -tu1 -j $((size / 2)) -N1 "$D/$F2" | tr -d ' ')
printf "\\$(printf '%03o' $(( old ^ 255 )))" | dd of="$D/$F2" bs=1 seek=$((size / 2)) conv=notrunc status=none
check "the byte really changed" test "$(od -An -tu1 -j $((size / 2)) -N1 "$D/$F2" | tr -d ' ')" != "$old"
refused "$D" "flipped byte" "$(basename "$F2")"
run_ferry verify "$D" --quick
check_rc "flipped byte: verify --quick (file checksums only) finds it too" 8

section "a truncated chunk file"
D=$(damaged trunc)
truncate -s $(( $(stat -c %s "$D/$F2") - 100 )) "$D/$F2"
refused "$D" "truncated file" "$(basename "$F2")"

section "a missing chunk file"
D=$(damaged missing)
rm -f "$D/$F2"
refused "$D" "missing file" "$(basename "$F2")"

section "a chunk missing from the manifest"
D=$(damaged unrecorded)
jq 'del(.chunks[2])' "$GOOD/manifest.json" >"$D/manifest.json"
refused "$D" "unrecorded chunk" "gap|missing|not cover"

section "a manifest from a newer format"
D=$(damaged newer)
jq '.format_version = 2' "$GOOD/manifest.json" >"$D/manifest.json"
run_ferry verify "$D"
check_rc "newer format: verify cannot read it" 3
check_match "newer format: the message names the file and says to use a newer ferry" "manifest.json.*newer ferry" "$(ferry_output)"
run_ferry restore "$D" "sqlite:///$TEST_TMP/newer.db"
check_rc "newer format: restore refuses" 3
check_match "newer format: restore says so" "newer ferry" "$(ferry_output)"

section "a damaged manifest"
D=$(damaged cut)
head -c 500 "$GOOD/manifest.json" >"$D/manifest.json"
run_ferry verify "$D"
check_rc "damaged manifest: verify" 3
check_match "damaged manifest: named, not valid JSON" "manifest.json: not valid JSON" "$(ferry_output)"
run_ferry restore "$D" "sqlite:///$TEST_TMP/cut.db"
check_rc "damaged manifest: restore refuses" 3

section "what is not a dump"
mkdir -p "$TEST_TMP/empty" "$TEST_TMP/foreign"
run_ferry restore "$TEST_TMP/empty" "sqlite:///$TEST_TMP/e.db"
check_rc "restore of an empty directory" 3
check_match "says it is not a ferry dump" "not a ferry dump" "$(ferry_output)"
echo "keep me" >"$TEST_TMP/foreign/notes.txt"
run_ferry dump "sqlite:///$B" "$TEST_TMP/foreign"
check_rc "dump into a directory holding other files is refused" 4
check_match "naming what it found" "notes.txt" "$(ferry_output)"
check_eq "the other files are untouched, nothing added" "notes.txt" "$(ls -A "$TEST_TMP/foreign" | tr '\n' ' ' | sed 's/ $//')"
gen_small "$TEST_TMP/other.db"
run_ferry dump "sqlite:///$TEST_TMP/other.db" "$GOOD"
check_rc "dump of another source into an existing dump is refused" 7
check_match "saying the directory holds another dump" "already holds a complete dump" "$(ferry_output)"
run_ferry verify "$GOOD" --quiet
check_rc "the existing dump is untouched" 0
run_ferry dump "sqlite:///$B" "$GOOD" --chunk-rows 5000
check_rc "the same dump again: nothing to do" 0
check_match "says it is already finished" "already finished" "$(ferry_output)"
run_ferry status "dump:$GOOD"
check_rc "ferry status dump:DIR" 0
check_match "status shows the dump's job as done" "done" "$(ferry_output)"
finish
