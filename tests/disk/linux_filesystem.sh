#!/bin/bash
# disk.linux-fsck: the demo Linux guest writes files to its boot disk (a writable copy of
# guests/linux/disk.img: FAT16 in partition 1), syncs, unmounts and powers off; then the
# partition must check clean with fsck.fat -n, and hold what the guest wrote.
#
#   linux_filesystem.sh EXPECT_SCRIPT GUEST_DISK WORKDIR trapeze [args...]
# Exits 0 when all holds, 77 without dosfstools or mtools, 1 otherwise.
set -u
script=$1 guest_disk=$2 work=$3
shift 3
for tool in fsck.fat mcopy; do
  if ! command -v "$tool" >/dev/null && ! [ -x "/usr/sbin/$tool" ]; then
    echo "SKIP: $tool missing (tools/setup installs dosfstools and mtools)"
    exit 77
  fi
done
PATH=$PATH:/usr/sbin

fail() {
  echo "FAIL: $*"
  exit 1
}

rm -rf "$work"
mkdir -p "$work"
disk=$work/disk.img
cp "$guest_disk" "$disk"
expect -f "$script" "$work/session.log" "$work/guest.md5" "$@" --hda "$disk" ||
  fail "the guest session failed (see $work/session.log)"

# Partition 1's first sector and length, from the MBR (little-endian at 446 + 8 and + 12).
read -r start sectors < <(od -An -tu4 -j454 -N8 "$disk")
[ "$start" -gt 0 ] && [ "$sectors" -gt 0 ] || fail "no partition 1 in the image"
partition=$work/partition.img
dd if="$disk" of="$partition" bs=512 skip="$start" count="$sectors" status=none
fsck.fat -n "$partition" >"$work/fsck.txt" 2>&1
status=$?
cat "$work/fsck.txt"
[ "$status" -eq 0 ] || fail "fsck.fat -n exited with $status"
! grep -qi "dirty\|corrupt\|lost\|mismatch" "$work/fsck.txt" || fail "fsck.fat found problems"

export MTOOLS_SKIP_CHECK=1
numbers_md5=$(mcopy -n -i "$partition" ::/numbers.txt - | md5sum | cut -d' ' -f1)
[ "$numbers_md5" = "$(seq 1 200000 | md5sum | cut -d' ' -f1)" ] ||
  fail "numbers.txt in the image is not what the guest wrote"
random_md5=$(mcopy -n -i "$partition" ::/random.bin - | md5sum | cut -d' ' -f1)
[ "$random_md5" = "$(cat "$work/guest.md5")" ] ||
  fail "random.bin in the image ($random_md5) is not what the guest wrote ($(cat "$work/guest.md5"))"
files=$(mdir -b -i "$partition" ::/many | wc -l)
[ "$files" -eq 90 ] || fail "the image holds $files files in /many, not 90"
echo PASS
