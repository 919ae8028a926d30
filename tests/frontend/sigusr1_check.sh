#!/usr/bin/env bash
# SIGUSR1 makes a running trapeze save --screen-text and --screenshot, and it keeps
# running: the files appear while the process is alive, and show the guest's screen.
#   sigusr1_check.sh TRAPEZE CONSOLE_DISK OUT_PREFIX
set -u
trapeze=$1 disk=$2 out=$3
rm -f "$out.txt" "$out.png"
"$trapeze" --headless --hda "$disk" --snapshot --serial none --timeout 120 \
  --screen-text "$out.txt" --screenshot "$out.png" &
pid=$!
sleep 0.5  # trapeze catches SIGUSR1 from its first moments, but not before exec
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 1 200); do
  kill -USR1 $pid || { echo "trapeze exited before the screen showed 'ready'"; exit 1; }
  sleep 0.1
  if grep -q 'screen: ready' "$out.txt" 2>/dev/null; then
    if ! kill -0 $pid 2>/dev/null; then echo "trapeze stopped: not a save on the signal"; exit 1; fi
    if [ ! -s "$out.png" ]; then echo "no screenshot written"; exit 1; fi
    echo "screen saved on SIGUSR1 while running"
    exit 0
  fi
done
echo "the screen text never showed 'screen: ready'"
exit 1
