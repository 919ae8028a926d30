#!/usr/bin/env bash
# Runs inside xvfb-run (issue 8, check 1 with the demo guest): opens the trapeze window
# on the demo Linux disk with no serial line, waits for the shell's prompt on the VGA
# console (SIGUSR1 saves the screen text to look at), types a command into the X window
# with xdotool, waits for its answer on the screen, then dumps the X window with xwd
# and, at the same moment, the emulator's framebuffer (SIGUSR1) and compares the two;
# finally types `poweroff`, which must end trapeze with status 0.
#   linux_window_check.sh TRAPEZE DISK XWD_COMPARE OUT_PREFIX
set -u
trapeze=$1 disk=$2 compare=$3 out=$4
rm -f "$out.png" "$out.txt" "$out.xwd"
"$trapeze" --hda "$disk" --snapshot --serial none --integer-scaling --timeout 1200 \
  --screenshot "$out.png" --screen-text "$out.txt" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT

# Waits up to $2 seconds for the screen text to match the regex $1.
wait_for_screen() {
  for _ in $(seq 1 "$2"); do
    kill -USR1 $pid 2>/dev/null || { echo "trapeze ended early"; exit 1; }
    sleep 1
    grep -Eq "$1" "$out.txt" 2>/dev/null && return 0
  done
  echo "timed out waiting for '$1' on the screen; last screen:"
  cat "$out.txt" 2>/dev/null
  exit 1
}

window=
for _ in $(seq 1 100); do
  window=$(xdotool search --name '^trapeze' 2>/dev/null | head -1)
  [ -n "$window" ] && break
  sleep 0.1
done
[ -n "$window" ] || { echo "no trapeze window appeared"; exit 1; }
wait_for_screen 'root@trapeze:[^ ]*# ?$' 900
xdotool windowfocus --sync "$window" 2>/dev/null || true
xdotool type --delay 40 'echo $((6*7))x$((3*3))'
xdotool key Return
wait_for_screen '^42x9$' 120
# The screen is still now (the prompt waits): the X picture and the framebuffer agree,
# but for the blinking cursor.
sleep 1
xwd -id "$window" -silent > "$out.xwd"
kill -USR1 $pid
sleep 1
"$compare" "$out.xwd" "$out.png" || exit 1
xdotool type --delay 40 'poweroff'
xdotool key Return
wait $pid
status=$?
trap - EXIT
[ $status -eq 0 ] || { echo "trapeze exited with $status after poweroff, not 0"; exit 1; }
echo "PASS"
