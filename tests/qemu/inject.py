"""inject.py IFACE DST_MAC FIRST COUNT [PER_MS]: send the raw self-test
frames FIRST .. FIRST+COUNT-1 (rawframes.py, lengths 60 to 1514) from the
host's MAC to DST_MAC on IFACE through a raw socket: at most PER_MS frames
a millisecond, or as fast as the socket takes them (PER_MS 0).  Run inside
the test's namespace."""
import random
import socket
import sys
import time

from rawframes import MAX_FRAME, MIN_FRAME, frame, mac_bytes

HOST_MAC = mac_bytes("02:00:00:00:00:01")


def main(iface, dst, first, count, per_ms=0):
    rng = random.Random(first)
    frames = [frame(k, HOST_MAC, mac_bytes(dst), rng.randint(MIN_FRAME, MAX_FRAME))
              for k in range(first, first + count)]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for i, f in enumerate(frames):
        s.send(f)
        if per_ms and i % per_ms == per_ms - 1:
            time.sleep(0.001)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
         int(sys.argv[5]) if len(sys.argv) > 5 else 0)
