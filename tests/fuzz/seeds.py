#!/usr/bin/python3
"""Write the fuzzers' seed corpus, tests/fuzz/corpus/<fuzzer>/: a good
frame of each kind the stack takes (a datagram for the open port, an echo
request, ARP requests and replies) and two frames of every malformed class
of tests/qemu/malformed.py, cut to what each harness is handed; command
lines from README.  Run it again after changing those classes."""
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "qemu"))

import malformed as m  # noqa: E402

CMDLINES = [
    "", "count=10", "count=1000000 size=18 batch=32", "mode=echo count=5", "mode=idle",
    "mode=raw count=40 txring=8 batch=8 rxring=8", "ip=10.0.2.15/24 dst=10.0.2.2:9000",
    "dst=198.51.100.7:9000 gw=192.0.2.1", "arp=192.0.2.1@02:00:00:00:00:01",
    "trace=1 stages=1 samples=1 rate=3000", "fault=pf", "mode=blast batch=32 size=1472",
    "sport=5555 txring=4096 rxring=4096", "size=1473", "bogus=1", "count=1 count=2",
]


def frames():
    good = {
        "udp_open_port": m.datagram(dport=9000),
        "udp_no_sum": m.eth(m.GUEST_MAC, 0x0800, m.ipv4(
            m.udp(9000, b"q" * 30)[:6] + b"\0\0" + b"q" * 30)),
        "echo_request": m.eth(m.GUEST_MAC, 0x0800, m.ipv4(m.icmp(8), proto=1)),
        "arp_request": m.eth(m.BCAST_MAC, 0x0806, m.arp(op=1)),
        "arp_reply": m.eth(m.GUEST_MAC, 0x0806, m.arp(op=2)),
    }
    for name, (_, make) in m.CLASSES.items():
        for k in range(2):
            good[f"{name}_{k}"] = make(k)
    return good


def write(fuzzer, name, data):
    d = os.path.join(HERE, "corpus", fuzzer)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    shutil.rmtree(os.path.join(HERE, "corpus"), ignore_errors=True)
    fs = frames()
    for name, f in fs.items():
        if len(f) > 2048:
            continue
        write("eth", name, f)
        write("rx", name, b"\0" + struct.pack("<H", len(f)) + f)
        payload = f[14:]
        if f[12:14] == b"\x08\x06":
            write("arp", name, payload)
        elif f[12:14] == b"\x08\x00":
            write("ip", name, payload)
            hlen = (payload[0] & 0x0F) * 4 if payload else 0
            if len(payload) >= 20 and hlen >= 20 and payload[9] in (17, 1):
                write({17: "udp", 1: "icmp"}[payload[9]], name, payload[hlen:])
    # Several frames in one input, and the two faults of the model NIC.
    write("rx", "run_of_three", b"".join(
        bytes([fault]) + struct.pack("<H", len(f)) + f
        for fault, f in ((0, fs["udp_open_port"]), (2, fs["echo_request"]),
                         (1, fs["arp_request"]))))
    for i, c in enumerate(CMDLINES):
        write("cmdline", f"cmdline_{i}", c.encode())


if __name__ == "__main__":
    main()
