#!/bin/sh
# GDB in batch mode against `trapeze --gdb PORT --gdb-wait` on the debug ROM
# (debug_rom.asm): attach, break, read registers and memory, step, watch a write,
# continue to the guest's exit. Usage: gdb_session.sh TRAPEZE ROM PORT
set -u
trapeze=$1 rom=$2 port=$3
command -v gdb >/dev/null 2>&1 || { echo "gdb not installed (tools/setup installs it): skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/script.gdb" <<GDB
set architecture i386
set confirm off
target remote 127.0.0.1:$port
break *0xf0120
continue
info registers eip ecx
x/4xb 0xf0120
stepi
p/x \$eip
watch *(int*)0x500
continue
p/x \$ecx
delete
continue
GDB
"$trapeze" --bios "$rom" --headless --gdb "$port" --gdb-wait > "$work/trapeze.out" 2>&1 &
pid=$!
# Wait until the port listens (connecting to test it would count as the debugger).
hexport=$(printf '%04X' "$port")
for i in $(seq 100); do
  grep -q ":$hexport 00000000:0000 0A" /proc/net/tcp 2>/dev/null && break
  sleep 0.1
done
timeout 60 gdb -batch -nx -x "$work/script.gdb" > "$work/gdb.out" 2>&1
gdb_status=$?
wait $pid
status=$?
cat "$work/gdb.out"
fail() { echo "FAIL: $1"; echo "--- trapeze:"; cat "$work/trapeze.out"; exit 1; }
[ $gdb_status -eq 0 ] || fail "gdb exited with $gdb_status"
[ $status -eq 33 ] || fail "trapeze exited with $status, not 33"
grep -q "^Breakpoint 1, 0x000f0120" "$work/gdb.out" || fail "breakpoint not hit"
grep -Eq "^eip +0xf0120" "$work/gdb.out" || fail "eip not read"
grep -Eq "^ecx +0x0 " "$work/gdb.out" || fail "ecx not read"
grep -q "0xf0120:.0x41.0x89.0x0d.0x00" "$work/gdb.out" || fail "memory not read"
grep -q '^\$1 = 0xf0121' "$work/gdb.out" || fail "stepi did not step one instruction"
grep -q "^Old value = 0" "$work/gdb.out" || fail "watchpoint not hit"
grep -q "^New value = 1" "$work/gdb.out" || fail "watchpoint value"
grep -q '^\$2 = 0x1' "$work/gdb.out" || fail "ecx after the watchpoint"
grep -q "exited with code 041" "$work/gdb.out" || fail "guest exit not reported"
echo PASS
