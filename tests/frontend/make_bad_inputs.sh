#!/bin/sh
# Makes the files the bad-input table (bad_input.cmake) hands to trapeze: empty,
# truncated, oversized, unreadable and wrongly typed images, each built byte by byte here
# so the table needs no fixtures in the source tree and no assembler.
#
#   make_bad_inputs.sh DIR
set -eu
dir=$1
if [ -d "$dir" ]; then chmod -R u+rwx "$dir"; fi
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"

# put FILE OFFSET BYTES: writes BYTES (printf escapes, octal) at OFFSET, keeping the rest.
put() {
  printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# zeros FILE BYTES: a file of BYTES zero bytes (sparse where the file system allows).
zeros() {
  : >"$1"
  truncate -s "$2" "$1"
}

: >empty.img
mkdir directory
mkfifo fifo.img
zeros blank.img 1048576  # a usable disk: 2048 zero sectors, no partition table

# A usable ROM: 64 KiB of HLT; the reset vector halts at once with interrupts off.
head -c 65536 /dev/zero | tr '\000' '\364' >halt.rom
head -c 1000 /dev/zero | tr '\000' '\364' >odd-size.rom  # not a multiple of 64 KiB
zeros too-large.rom 17825792                               # 17 MiB: more than 16

printf 'x' >unreadable.img
chmod 000 unreadable.img

# A disk whose MBR lists partition 1 (FAT16, active) at sectors 2048..65535, cut to 64
# sectors as an interrupted copy leaves it.
zeros truncated-disk.img 32768
put truncated-disk.img 446 '\200\000\000\000\006\000\000\000\000\010\000\000\000\370\000\000'
put truncated-disk.img 510 '\125\252'

# An ISO 9660 volume of 100 blocks (its primary volume descriptor in sector 16 says so)
# cut to 20 blocks.
zeros truncated.iso 40960
put truncated.iso 32768 '\001CD001\001'
put truncated.iso 32848 '\144\000\000\000\000\000\000\144'  # volume space size, LE and BE
put truncated.iso 32896 '\000\010\010\000'                  # logical block size 2048

# bzimage FILE SYSSIZE_BYTES: a Linux boot protocol 2.15 header (setup_sects 4, LOADED_HIGH,
# a 255-byte command line) whose syssize field says the given octal bytes, followed by a
# 16-byte protected-mode part.
bzimage() {
  zeros "$1" $((5 * 512 + 16))
  put "$1" 497 '\004'                      # 0x1F1 setup_sects
  put "$1" 500 "$2"                        # 0x1F4 syssize (16-byte units)
  put "$1" 510 '\125\252'                  # 0x1FE boot flag
  put "$1" 512 '\353\146HdrS\017\002'      # 0x200 jump, "HdrS", protocol 2.15
  put "$1" 529 '\001'                      # 0x211 loadflags: LOADED_HIGH
  put "$1" 556 '\377\377\377\067'          # 0x22C initrd_addr_max
  put "$1" 568 '\377\000\000\000'          # 0x238 cmdline_size
}
bzimage tiny.bzImage '\001\000\000\000'       # syssize 16 bytes: whole
bzimage truncated.bzImage '\000\020\000\000'  # syssize 64 KiB: cut short
head -c 1000 tiny.bzImage >setup-cut.bzImage  # cut inside the setup code
head -c 4096 /dev/zero | tr '\000' 'x' >not-a-kernel.bin
zeros too-large.initrd 20000000

