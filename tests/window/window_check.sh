#!/usr/bin/env bash
# Runs inside xvfb-run: opens the trapeze window on the console boot disk, types into
# the X window with xdotool, dumps the window with xwd and lets the guest's echo end
# the run; then compares the X picture with the emulator's --screenshot.
#   window_check.sh TRAPEZE CONSOLE_DISK XWD_COMPARE OUT_PREFIX
set -u
trapeze=$1 disk=$2 compare=$3 out=$4
rm -f "$out.png" "$out.xwd"
# Integer scaling: the 720x400 text screen is shown 1:1 (nearest) in the 720x540 window,
# so the X picture holds the framebuffer's pixels exactly.
"$trapeze" --hda "$disk" --snapshot --serial none --integer-scaling --timeout 60 \
  --screenshot "$out.png" --exit-on "typed by X." &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
window=
for _ in $(seq 1 100); do
  window=$(xdotool search --name '^trapeze' 2>/dev/null | head -1)
  [ -n "$window" ] && break
  sleep 0.1
done
[ -n "$window" ] || { echo "no trapeze window appeared"; exit 1; }
# The window appears before its first title update (twice a second): wait for it.
for _ in $(seq 1 50); do
  title=$(xdotool getwindowname "$window")
  case $title in "trapeze - running"*) break ;; esac
  sleep 0.1
done
echo "window title: $title"
case $title in
  "trapeze - running"*) ;;
  *) echo "the title does not show the running state"; exit 1 ;;
esac
# SeaBIOS needs well under a second of guest time to reach the keyboard wait.
sleep 3
xdotool windowfocus --sync "$window" 2>/dev/null || true
xdotool type --delay 30 "typed by X"
sleep 1
xwd -id "$window" -silent > "$out.xwd"
# The full stop completes the --exit-on text: the run ends with its screenshot.
xdotool type "."
wait $pid
status=$?
trap - EXIT
[ $status -eq 0 ] || { echo "trapeze exited with $status, not 0 (--exit-on)"; exit 1; }
"$compare" "$out.xwd" "$out.png"
