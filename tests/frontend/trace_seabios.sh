#!/bin/sh
# Traces SeaBIOS's first 100,000 instructions and checks the trace: one line per
# instruction, every one decoded, the first the far jump at F000:FFF0; then checks that
# --trace-from, --trace-range and --trace-limit select what they say.
# Usage: trace_seabios.sh TRAPEZE BIOS
set -u
trapeze=$1 bios=$2
[ -r "$bios" ] || { echo "$bios not found (Debian's seabios package): skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; exit 1; }

"$trapeze" --headless --bios "$bios" --serial none --max-instructions 100000 --trace "$work/all" 2>/dev/null
[ $? -eq 124 ] || fail "the run did not end on the instruction budget"
lines=$(grep -c '^[0-9]' "$work/all")
[ "$lines" -eq 100000 ] || fail "$lines instruction lines, not 100000"
grep -q '(bad)' "$work/all" && fail "undecoded instructions: $(grep -m1 '(bad)' "$work/all")"
first=$(grep -m1 '^[0-9]' "$work/all")
echo "$first" | grep -Eq '^0 f000:0000fff0 Lfffffff0 Pfffffff0 ea5be000f0 +jmp far 0xF000:0xE05B' ||
  fail "first line: $first"
# Counts are consecutive.
awk '/^[0-9]/ { if ($1 != n) { print "gap at " n ": " $0; exit 1 } n++ }' "$work/all" || fail "count gap"

"$trapeze" --headless --bios "$bios" --serial none --max-instructions 100000 --trace "$work/from" \
  --trace-from 50000 --trace-limit 1000 2>/dev/null
[ "$(grep -c '^[0-9]' "$work/from")" -eq 1000 ] || fail "--trace-limit 1000"
awk '/^[0-9]/ && $1 < 50000 { exit 1 }' "$work/from" || fail "--trace-from 50000"
[ "$(grep -m1 '^[0-9]' "$work/from" | cut -d' ' -f1)" -eq 50000 ] || fail "--trace-from starts late"

"$trapeze" --headless --bios "$bios" --serial none --max-instructions 100000 --trace "$work/range" \
  --trace-range f0000-fffff 2>/dev/null
n=$(grep -c '^[0-9]' "$work/range")
[ "$n" -gt 0 ] || fail "--trace-range selected nothing"
awk '/^[0-9]/ { l = substr($3, 2); if (l < "000f0000" || l > "000fffff") { print; exit 1 } }' \
  "$work/range" || fail "--trace-range let an address outside through"
# The range trace is the full trace's lines in that range, exactly.
grep '^[0-9]' "$work/all" | awk '{ l = substr($3, 2); if (l >= "000f0000" && l <= "000fffff") print }' \
  > "$work/expected"
grep '^[0-9]' "$work/range" | cmp -s - "$work/expected" || fail "--trace-range differs from the filtered full trace"
echo "PASS: $lines lines, $n in f0000-fffff"
