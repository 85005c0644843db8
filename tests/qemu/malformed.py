"""Malformed and unwanted frames, in classes, and where each must end.

Every class is a list of frames that the host sends to the guest (MAC
02:00:00:00:00:42, 192.0.2.2) and the counter that must rise by exactly
their number: one of the kernel's @drops reasons, `arp` of @received (taken in,
not answered), or `nic` (the NIC itself refuses it and no counter of the
stack sees it).  README's table "Where a received frame ends" is this
list in words.

    malformed.py IFACE PER_CLASS    send PER_CLASS frames of every class on
                                    IFACE (a raw socket), paced; print the
                                    counts sent per class as JSON
"""
import json
import socket
import struct
import sys
import time

GUEST_MAC = bytes.fromhex("020000000042")
HOST_MAC = bytes.fromhex("020000000001")
OTHER_MAC = bytes.fromhex("0200000000ee")
BCAST_MAC = b"\xff" * 6
MCAST_MAC = bytes.fromhex("01005e000001")
GUEST_IP = bytes([192, 0, 2, 2])
HOST_IP = bytes([192, 0, 2, 1])
OTHER_IP = bytes([192, 0, 2, 77])
BCAST_IP = bytes([192, 0, 2, 255])
MCAST_IP = bytes([224, 0, 0, 1])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, ethertype, payload, src=HOST_MAC):
    return dst + src + struct.pack("!H", ethertype) + payload


def ipv4(payload, proto=17, dst=GUEST_IP, src=HOST_IP, total=None, frag=0x4000,
         options=b"", bad_sum=False):
    """An IPv4 header (with options, if any) and payload; total= lies about
    the length, bad_sum= breaks the header checksum."""
    hlen = 20 + len(options)
    total = hlen + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hlen // 4, 0, total, 1, frag, 64, proto, 0,
                    src, dst) + options
    s = csum(h) ^ (0x5555 if bad_sum else 0)
    return h[:10] + struct.pack("!H", s) + h[12:] + payload


def udp(dport, data, sport=5555, src=HOST_IP, dst=GUEST_IP, ulen=None, bad_sum=False):
    ulen = 8 + len(data) if ulen is None else ulen
    pseudo = src + dst + struct.pack("!BBH", 0, 17, 8 + len(data))
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    s = csum(pseudo + u) or 0xFFFF
    if bad_sum:
        s ^= 0x00F0
    return struct.pack("!HHHH", sport, dport, ulen, s) + data


def icmp(icmp_type, data=b"abcdefgh", bad_sum=False):
    h = struct.pack("!BBHHH", icmp_type, 0, 0, 7, 1) + data
    s = csum(h) ^ (0x0101 if bad_sum else 0)
    return h[:2] + struct.pack("!H", s) + h[4:]


def arp(op=1, tpa=GUEST_IP, hlen=6, plen=4):
    return struct.pack("!HHBBH", 1, 0x0800, hlen, plen, op) + HOST_MAC + HOST_IP + \
        b"\0" * 6 + tpa


def ping(dst_mac, dst_ip):
    return eth(dst_mac, 0x0800, ipv4(icmp(8), proto=1, dst=dst_ip))


def datagram(dport=7777, **kw):
    return eth(GUEST_MAC, 0x0800, ipv4(udp(dport, b"x" * 18, **kw)))


# class name -> (where it must end, a function of k giving the k-th frame)
CLASSES = {
    # QEMU pads every frame to 60 bytes with zeros: a runt arrives as a
    # frame whose IPv4 total length its bytes cannot hold.
    "runt": ("ip_len", lambda k: eth(GUEST_MAC, 0x0800, bytes([0x45, 0, 0, 84]))),
    "ip_len_lies": ("ip_len", lambda k: eth(GUEST_MAC, 0x0800, ipv4(
        udp(7777, b"y" * 18), total=(200 + k % 1000) if k % 2 else 12 + k % 8))),
    "ip_truncated": ("ip_len", lambda k: eth(GUEST_MAC, 0x0800, ipv4(
        udp(7777, b"z" * 600))[:100 + k % 400])),
    "ip_bad_sum": ("ip_csum", lambda k: eth(GUEST_MAC, 0x0800, ipv4(
        udp(7777, b"s" * 18), bad_sum=True))),
    "ip_version": ("ip_version", lambda k: eth(GUEST_MAC, 0x0800, bytes([0x65 if k % 2 else 0x44])
                                               + ipv4(udp(7777, b"v" * 18))[1:])),
    "ip_options": ("ip_options", lambda k: eth(GUEST_MAC, 0x0800, ipv4(
        udp(7777, b"o" * 18), options=b"\x01\x01\x01\x00" * (1 + k % 10)))),
    "ip_fragment": ("ip_fragment", lambda k: eth(GUEST_MAC, 0x0800, ipv4(
        udp(7777, b"f" * 18), frag=0x2000 if k % 2 else 0x0000 | (1 + k % 100)))),
    "ethertype": ("ethertype", lambda k: eth(GUEST_MAC, (0x86DD, 0x88CC, 0x1234, 0x8100)[k % 4],
                                             b"e" * 46)),
    "ip_proto": ("ip_proto", lambda k: eth(GUEST_MAC, 0x0800, ipv4(b"p" * 20,
                                                                   proto=(6, 47, 132)[k % 3]))),
    "arp_bad": ("arp_bad", lambda k: eth(GUEST_MAC, 0x0806, (
        arp(hlen=8), arp(plen=16), arp(op=3), arp(op=0))[k % 4])),
    "icmp_type": ("icmp_type", lambda k: eth(GUEST_MAC, 0x0800, ipv4(
        icmp((13, 17, 3, 0)[k % 4]), proto=1))),
    "icmp_bad_sum": ("icmp_csum", lambda k: eth(GUEST_MAC, 0x0800, ipv4(
        icmp(8, bad_sum=True), proto=1))),
    "udp_bad_sum": ("udp_csum", lambda k: datagram(bad_sum=True)),
    "udp_len_lies": ("udp_len", lambda k: datagram(ulen=(4, 200, 27)[k % 3])),
    "udp_closed_port": ("udp_no_socket", lambda k: datagram(dport=1 + k % 8000)),
    "ip_not_us": ("ip_not_us", lambda k: eth(GUEST_MAC, 0x0800, ipv4(
        udp(7777, b"n" * 18, dst=OTHER_IP), dst=OTHER_IP))),
    "ping_bcast_ip": ("ip_not_us", lambda k: ping(GUEST_MAC, BCAST_IP)),
    "ping_bcast": ("ip_bcast", lambda k: ping(BCAST_MAC, BCAST_IP)),
    "ping_bcast_mac": ("ip_bcast", lambda k: ping(BCAST_MAC, GUEST_IP)),
    "arp_not_ours": ("arp", lambda k: eth(BCAST_MAC, 0x0806, arp(tpa=OTHER_IP))),
    # The NIC's own filter: neither our MAC, nor broadcast, nor a multicast
    # address it was told of; and longer than 1522 bytes (RCTL.LPE off).
    "other_mac": ("nic", lambda k: eth(OTHER_MAC, 0x0800, ipv4(udp(7777, b"m" * 18)))),
    "ping_mcast": ("nic", lambda k: ping(MCAST_MAC, MCAST_IP)),
    "oversized": ("nic", lambda k: eth(GUEST_MAC, 0x0800, b"\x45" + b"O" * (1600 + k % 400))),
}


def main(iface, per_class):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    frames = [(name, make(k)) for k in range(per_class) for name, (_, make) in CLASSES.items()]
    sent = {name: 0 for name in CLASSES}
    # Paced: the tap's queue must never overflow, or the books cannot balance.
    for i, (name, f) in enumerate(frames):
        s.send(f)
        sent[name] += 1
        if i % 32 == 31:
            time.sleep(0.001)
    print(json.dumps(sent))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
