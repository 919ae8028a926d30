#!/bin/sh
# trapeze and QEMU run debug_rom.asm; trace-diff must find them in step for all 51
# instructions. EDX (the CPUID signature at reset) and EAX (port 61h's refresh bit,
# which toggles with each emulator's own notion of time) are not compared.
set -u
trapeze=$1 qemu=$2 rom=$3 python=$4 trace_diff=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$trapeze" --headless --bios "$rom" --trace "$work/trapeze.trace"
timeout 30 "$qemu" -bios "$rom" -m 16 -nodefaults -display none -d exec,cpu,nochain -singlestep \
  -D "$work/qemu.log" -device isa-debug-exit,iobase=0xf4,iosize=1
"$python" "$trace_diff" --ignore edx,eax "$work/trapeze.trace" "$work/qemu.log"
