"""The bare paths that give the figures their floors: the frames of the
frame-carrying floor are well-formed datagrams to the discard port (on the
rootless wire), mode=blast's datagrams arrive whole at a Linux socket and
mode=reflect sends back what a Linux socket sent (on a tap); and the static
neighbour (arp=IP@MAC) sends the first datagram with no ARP exchange and is
never replaced (on the wire)."""
import time

import pytest
from scapy.all import ARP, IP, UDP, Ether

from kernel import STATUS_CMDLINE, STATUS_OK, boot
from netns import HOST_MAC
from test_udp import assert_echoes, assert_headers_valid, payload, send_stream, udp_frames, \
    udp_payload
from wire import Wire


@pytest.mark.parametrize("size", [18, 1472])
def test_floor_frames_are_sendmsg_datagrams_to_the_discard_port(size):
    with Wire() as w:
        b = w.boot(f"count=10 size={size}").finish()
        frames = udp_frames(w.quiet(), floor=True)
    assert b.status == STATUS_OK, b.out
    lat = {l["stage"]: l for l in (dict(f.split("=", 1) for f in x.split()[1:])
                                   for x in b.lines("@lat "))}
    n = int(lat["floor_xmit"]["n"])
    assert n == 1000
    assert int(lat["floor_xmit"]["p50_ns"]) > int(lat["floor_tail"]["p50_ns"])
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


def test_reflect_sends_back_what_came():
    assert_echoes("reflect", 40, seed=7, static_neighbour=True)    # it answers no ARP


def test_static_neighbour_needs_no_arp():
    """arp=192.0.2.1@HOST_MAC: the kernel never asks for 192.0.2.1 (the
    peer would not answer), and the first frame after its own announcement
    is already a datagram."""
    with Wire(answer_arp=False) as w:
        b = w.boot(f"count=50 arp=192.0.2.1@{HOST_MAC}").finish()
        ours = [Ether(f) for f in w.quiet()]
    assert b.status == STATUS_OK, b.out
    assert len(udp_frames([bytes(p) for p in ours])) == 50
    asked = [p for p in ours if p.haslayer(ARP) and p[ARP].pdst == "192.0.2.1"]
    assert not asked, asked[0].summary()
    assert ours[0].haslayer(ARP) and ours[0][ARP].pdst == "192.0.2.2"   # the announcement
    assert ours[1].haslayer(UDP) and ours[1][Ether].dst == HOST_MAC


def test_static_neighbour_is_used_even_when_wrong():
    """A static entry is never replaced by what ARP says: 192.0.2.1 asks for
    the guest's MAC in the middle of the run (its request carries the right
    MAC), the guest answers, and still every frame goes to the MAC given."""
    wrong = "02:00:00:00:00:77"
    with Wire() as w:
        k = w.boot(f"count=30 rate=10 arp=192.0.2.1@{wrong}")
        k.wait_for("send: ")
        time.sleep(1.2)                 # QEMU takes no frame for 1 s after RCTL is set
        w.send(bytes(Ether(src=HOST_MAC, dst="ff:ff:ff:ff:ff:ff") /
                     ARP(op=1, hwsrc=HOST_MAC, psrc="192.0.2.1", pdst="192.0.2.2")))
        b = k.finish()
        got = [Ether(f) for f in w.quiet()]
    assert b.status == STATUS_OK, b.out
    replies = [p for p in got if p.haslayer(ARP) and p[ARP].op == 2]
    assert [p[Ether].dst for p in replies] == [HOST_MAC], "the guest did not answer"
    frames = udp_frames([bytes(p) for p in got]) + udp_frames([bytes(p) for p in got], floor=True)
    assert len(frames) == 30 + 1000
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
