#!/bin/bash
# The user's disk (issue 11, check 3), with disk_writer.asm writing a 1 MiB image as fast
# as it can and trapeze-sector-check judging the image afterwards.
#
#   disk_safety.sh CHECK TRAPEZE ROM NO_FLUSH_ROM SECTOR_CHECK WORKDIR
# CHECK is one of:
#   kill9     SIGKILL at random moments of the writing, several rounds on one image: only
#             whole sectors, and every write the guest saw finish is there
#   signals   SIGTERM and SIGINT stop a headless run cleanly: status 143 and 130, the
#             image flushed (fdatasync) after the stop, whole sectors
#   lock      a second trapeze cannot open an image that one is writing, not even as a
#             snapshot or CD-ROM; snapshots share; the lock goes with the process
#   snapshot  with --snapshot the guest reads back what it wrote, and the file's checksum
#             does not change
# Prints PASS and exits 0, or prints why and exits 1.
set -u
check=$1 trapeze=$2 rom=$3 no_flush_rom=$4 sector_check=$5 work=$6
rm -rf "$work"
mkdir -p "$work"
image=$work/disk.img

fail() {
  echo "FAIL: $*"
  exit 1
}

fresh_image() {
  rm -f "$image"
  truncate -s 1M "$image"
}

# start_writer LOG ROM [trapeze options...]: the writer in the background (pid in
# $writer); waits until it has finished a generation.
start_writer() {
  local log=$1 writer_rom=$2
  shift 2
  rm -f "$log"
  "$trapeze" --headless --bios "$writer_rom" --serial none --debugcon "file:$log" \
    --timeout 120 "$@" 2>"$log.stderr" &
  writer=$!
  for _ in $(seq 1 400); do
    grep -q "^gen" "$log" 2>/dev/null && return 0
    kill -0 "$writer" 2>/dev/null || fail "the writer ended early: $(cat "$log.stderr")"
    sleep 0.05
  done
  fail "the writer finished no generation in 20 s"
}

# stop_writer SIGNAL EXPECTED_STATUS
stop_writer() {
  kill "-$1" "$writer"
  wait "$writer"
  local status=$?
  [ "$status" -eq "$2" ] || fail "after SIG$1 the writer exited with $status, expected $2"
}

random_sleep() {
  sleep "$(printf '0.%03d' $((RANDOM % 1000)))"
}

case $check in
kill9)
  fresh_image
  for round in 1 2 3 4 5 6; do
    log=$work/round$round.log
    start_writer "$log" "$rom" --hda "$image"
    random_sleep
    stop_writer KILL 137
    ! grep -q BAD "$log" || fail "round $round: the guest read back a wrong generation"
    echo "round $round: $(tail -n 1 "$log") before the kill"
    "$sector_check" "$image" || fail "round $round: the image is damaged"
  done
  ;;

signals)
  for signal in TERM:143 INT:130; do
    name=${signal%:*} status=${signal#*:}
    fresh_image
    log=$work/$name.log
    # No FLUSH CACHE from the guest: any flush after the stop is trapeze's own.
    start_writer "$log" "$no_flush_rom" --hda "$image" --log disk=debug
    random_sleep
    stop_writer "$name" "$status"
    stderr=$(cat "$log.stderr")
    grep -q "stopped: SIG$name" <<<"$stderr" || fail "no 'stopped: SIG$name' line: $stderr"
    sed -n "/stopped: SIG$name/,\$p" <<<"$stderr" | grep -q "flushed (fdatasync)" ||
      fail "the image was not flushed after SIG$name: $stderr"
    "$sector_check" "$image" || fail "the image is damaged after SIG$name"
  done
  ;;

lock)
  fresh_image
  start_writer "$work/writer.log" "$rom" --hda "$image"
  for how in "--hda $image" "--hdb $image --snapshot" "--cdrom $image" "$image"; do
    # shellcheck disable=SC2086 # $how is words on purpose
    err=$("$trapeze" --headless --bios "$rom" --serial none $how 2>&1 >/dev/null)
    status=$?
    [ "$status" -eq 2 ] || fail "a second trapeze with '$how' exited with $status, expected 2"
    [ "$(wc -l <<<"$err")" -eq 1 ] || fail "more than one line from the second trapeze: $err"
    grep -q "^trapeze: disk image '.*' is in use" <<<"$err" || fail "unexpected message: $err"
  done
  stop_writer TERM 143
  "$sector_check" "$image" || fail "the image is damaged"
  # The lock went with the first process: the image opens again.
  "$trapeze" --headless --bios "$rom" --serial none --hda "$image" --max-instructions 100000
  [ $? -eq 124 ] || fail "the image did not open after the first trapeze ended"
  # Snapshots only read the file: two at once are fine.
  start_writer "$work/snapshot.log" "$rom" --hda "$image" --snapshot
  "$trapeze" --headless --bios "$rom" --serial none --hda "$image" --snapshot \
    --max-instructions 100000
  status=$?
  stop_writer TERM 143
  [ "$status" -eq 124 ] || fail "a second snapshot of the image exited with $status"
  ;;

snapshot)
  fresh_image
  "$trapeze" --headless --bios "$rom" --serial none --hda "$image" --max-instructions 3000000
  "$sector_check" "$image" >/dev/null || fail "the writer did not write the image"
  before=$(sha256sum <"$image")
  start_writer "$work/snapshot.log" "$rom" --hda "$image" --snapshot
  sleep 1
  stop_writer TERM 143
  grep -q "^gen [0-9]* ok" "$work/snapshot.log" || fail "the guest wrote no generation"
  ! grep -q BAD "$work/snapshot.log" || fail "the guest did not read back what it wrote"
  [ "$(sha256sum <"$image")" = "$before" ] || fail "--snapshot changed the image"
  echo "$(tail -n 1 "$work/snapshot.log") with --snapshot; the image is unchanged"
  ;;

*)
  fail "unknown check '$check'"
  ;;
esac
echo PASS
