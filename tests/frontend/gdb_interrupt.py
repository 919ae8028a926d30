#!/usr/bin/env python3
"""The GDB stub's Ctrl-C: continue a guest that spins forever, send 0x03, expect a
SIGINT stop reply (T02) with the guest's EIP inside the spin loop, then kill it.
Usage: gdb_interrupt.py TRAPEZE SPIN_ROM PORT"""
import socket
import subprocess
import sys
import time

trapeze, rom, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
proc = subprocess.Popen([trapeze, "--bios", rom, "--headless", "--gdb", str(port), "--gdb-wait"])
for _ in range(100):
    try:
        sock = socket.create_connection(("127.0.0.1", port))
        break
    except OSError:
        time.sleep(0.05)
else:
    sys.exit("the stub never listened")
buffer = b""


def send(body):
    sock.sendall(b"$%s#%02x" % (body.encode(), sum(body.encode()) & 0xFF))


def reply():
    """The next packet's payload, skipping acknowledgements."""
    global buffer
    while True:
        start = buffer.find(b"$")
        end = buffer.find(b"#", start)
        if start >= 0 and end >= 0 and len(buffer) >= end + 3:
            payload, buffer = buffer[start + 1:end], buffer[end + 3:]
            return payload.decode()
        buffer += sock.recv(4096)


def check(what, got, want):
    if got != want:
        proc.kill()
        sys.exit(f"{what}: got {got!r}, want {want!r}")


send("?")
check("initial stop", reply(), "T05")
send("c")
time.sleep(0.3)
sock.sendall(b"\x03")
check("stop after Ctrl-C", reply(), "T02")
send("p8")
eip = int.from_bytes(bytes.fromhex(reply()), "little")
check("eip in the spin loop (jmp start at 0)", eip, 0)
send("k")
check("trapeze exit status after kill", proc.wait(timeout=10), 0)
print("PASS")
