"""The bare paths that give the figures their floors, judged from the host:
the frames of the frame-carrying floor are well-formed datagrams to the
discard port, mode=blast's datagrams arrive whole at a Linux socket,
mode=reflect sends back what the host sent; and the static neighbour
(arp=IP@MAC) sends the first datagram with no ARP exchange."""
import os

import pytest
from scapy.all import ARP, IP, UDP, Ether, rdpcap

from kernel import STATUS_CMDLINE, STATUS_OK, Running, boot, tap_nic
from netns import HOST_MAC, NetNS, need_root
from test_udp import FLOOR_PORT, MAC, assert_headers_valid, payload, send_stream, udp_frames, \
    udp_payload

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.parametrize("size", [18, 1472])
def test_floor_frames_are_sendmsg_datagrams_to_the_discard_port(tmp_path, size):
    need_root()
    pcap = str(tmp_path / "floor.pcap")
    with NetNS() as ns:
        cap = ns.capture(pcap, f"udp dst port {FLOOR_PORT}")
        b = Running(ns, f"count=10 size={size}", tap_nic(mac=MAC)).finish()
        ns.stop(cap)
    assert b.status == STATUS_OK, b.out
    lat = {l["stage"]: l for l in (dict(f.split("=", 1) for f in x.split()[1:])
                                   for x in b.lines("@lat "))}
    n = int(lat["floor_xmit"]["n"])
    assert n == 1000
    assert int(lat["floor_xmit"]["p50_ns"]) > int(lat["floor_tail"]["p50_ns"])
    frames = udp_frames(pcap, floor=True)
    assert len(frames) == n
    for i, p in enumerate(frames):
        assert_headers_valid(p)
        assert (p[IP].dst, p[UDP].sport) == ("192.0.2.1", 9000)
        assert udp_payload(p) == payload(i, size)


@pytest.mark.parametrize("batch", [1, 32])
def test_blast_arrives_whole(tmp_path, batch):
    count = 3000
    b, summary, frames = send_stream(tmp_path, f"mode=blast batch={batch}", count, 18)
    assert b.tagged("done") == {"mode": "blast", "sent": str(count), "failed": "0"}
    assert summary == f"received {count}/{count} valid, 0 lost, 0 duplicated, 0 corrupt"
    assert int(b.tagged("stats")["tx_kicks"]) >= count // batch
    assert len(frames) == count
    for p in frames[:50]:
        assert_headers_valid(p)


def test_reflect_sends_back_what_came(tmp_path):
    need_root()
    count = 40
    with NetNS() as ns:
        ns.neighbour("192.0.2.2", MAC)      # the reflector answers no ARP
        k = Running(ns, f"mode=reflect count={count}", tap_nic(mac=MAC), timeout=120)
        k.wait_for("reflect: ")
        r = ns.run("/usr/bin/python3", os.path.join(HERE, "echo_client.py"),
                   "192.0.2.2", "9000", str(count), "7", check=False, timeout=100)
        b = k.finish()
    assert r.stdout.strip() == f"echo: {count} sent, {count} ok, 0 wrong, 0 lost", \
        r.stdout + r.stderr
    assert b.status == STATUS_OK, b.out
    assert b.tagged("done") == {"mode": "reflect", "sent": str(count), "failed": "0"}


def test_static_neighbour_needs_no_arp(tmp_path):
    """arp=192.0.2.1@HOST_MAC: the kernel never asks for 192.0.2.1, and the
    first frame after its own announcement is already a datagram."""
    b, summary, _ = send_stream(tmp_path, f"arp=192.0.2.1@{HOST_MAC}", 50, 18,
                                bpf="arp or udp")
    assert summary == "received 50/50 valid, 0 lost, 0 duplicated, 0 corrupt"
    ours = [p for p in rdpcap(str(tmp_path / "udp.pcap")) if p[Ether].src == MAC]
    asked = [p for p in ours if p.haslayer(ARP) and p[ARP].pdst == "192.0.2.1"]
    assert not asked, asked[0].summary()
    assert ours[0].haslayer(ARP) and ours[0][ARP].pdst == "192.0.2.2"   # the announcement
    assert ours[1].haslayer(UDP) and ours[1][Ether].dst == HOST_MAC


def test_static_neighbour_is_used_even_when_wrong(tmp_path):
    """A static entry is never replaced by what ARP says: frames go to the
    MAC given, and the host (another MAC) receives none of them."""
    need_root()
    wrong = "02:00:00:00:00:77"
    pcap = str(tmp_path / "wrong.pcap")
    with NetNS() as ns:
        cap = ns.capture(pcap, "udp")
        b = Running(ns, f"count=20 arp=192.0.2.1@{wrong}", tap_nic(mac=MAC)).finish()
        ns.stop(cap)
    assert b.status == STATUS_OK, b.out
    frames = udp_frames(pcap) + udp_frames(pcap, floor=True)
    assert len(frames) == 20 + 1000
    assert {p[Ether].dst for p in frames} == {wrong}


@pytest.mark.parametrize("value,reason", [
    ("192.0.2.1", "needs IP@MAC"),
    ("192.0.2.1@02:00:00:00:00", "not a MAC address"),
    ("192.0.2.1@01:00:5e:00:00:01", "not a unicast MAC address"),
    ("198.51.100.1@02:00:00:00:00:01", "not on the local network"),
])
def test_bad_static_neighbour_exits_5(value, reason):
    b = boot(f"arp={value}")
    assert b.status == STATUS_CMDLINE, b.out
    assert any(l.startswith("@error cmdline: arp: ") and reason in l
               for l in b.lines("@error")), b.out
