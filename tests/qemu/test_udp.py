"""The minimal send path, judged from the host: every datagram arrives once
at a plain Linux UDP socket, and a parser this project did not write
(scapy) finds its IPv4 and UDP headers right; Linux's ping and a Linux
socket talking to mode=echo (these on a tap, as root).  On the rootless
wire: routing through a gateway, a destination nobody answers for, and a
link that flaps."""
import os
import socket
import subprocess
import time

import pytest
from scapy.all import IP, UDP, Ether, rdpcap

from kernel import BUILD, STATUS_FAILED, STATUS_OK, Running, tap_nic
from netns import HOST_MAC as HOST_MAC_TEXT, NetNS, need_root
from wire import Wire

HERE = os.path.dirname(os.path.abspath(__file__))
RECEIVER = os.path.join(BUILD, "host", "udp_receiver")
MAC = "02:00:00:00:00:42"


def payload(seq, size):
    """docs/interface.md: seq big-endian in bytes 0-7, then (seq + i) & 0xff."""
    return seq.to_bytes(8, "big") + bytes((seq + i) & 0xFF for i in range(8, size))


FLOOR_PORT = 9           # the discard port: the frames of the floor_xmit measurement


def udp_frames(frames, mac=MAC, floor=False):
    """The guest's UDP frames among frames (a pcap's path or a wire's frames,
    as bytes), parsed: the stream's, or (floor=True) the floor's."""
    pkts = rdpcap(frames) if isinstance(frames, str) else [Ether(f) for f in frames]
    return [p for p in pkts if p.haslayer(UDP) and p[Ether].src == mac
            and (p[UDP].dport == FLOOR_PORT) == floor]


def udp_payload(p):
    """The UDP payload without the Ethernet padding scapy keeps after it."""
    return bytes(p[UDP])[8:p[UDP].len]


def assert_headers_valid(p):
    """scapy recomputes what we sent; every field must agree."""
    ip, udp = p[IP], p[UDP]
    fresh = Ether(bytes(p))
    del fresh[IP].chksum, fresh[UDP].chksum
    fresh = Ether(bytes(fresh))
    assert ip.version == 4 and ip.ihl == 5 and ip.flags == "DF" and ip.ttl == 64
    assert ip.chksum == fresh[IP].chksum, "IPv4 header checksum"
    assert udp.chksum == (fresh[UDP].chksum or 0xFFFF), "UDP checksum"
    assert ip.len == 20 + udp.len and len(bytes(ip)) >= ip.len


def send_stream(tmp_path, args, count, size, expect_status=STATUS_OK, bpf="udp", net=None,
                machine="pc", mac=MAC):
    """Boot with count= size= and args (on net, default an e1000 with MAC on
    the tap); a Linux socket receives, tcpdump captures bpf into
    tmp_path/udp.pcap.  (Boot, the receiver's summary, the stream's UDP
    frames in the capture)."""
    need_root()
    pcap = str(tmp_path / "udp.pcap")
    with NetNS() as ns:
        cap = ns.capture(pcap, bpf)
        rx = ns.popen(RECEIVER, "-n", str(count), "-s", str(size), "-t", "120",
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert "ready" in rx.stderr.readline()
        k = Running(ns, f"count={count} size={size} {args}", net or tap_nic(mac=mac),
                    machine=machine)
        b = k.finish()
        time.sleep(0.3)
        rx.terminate()
        summary = rx.communicate(timeout=10)[0].strip().splitlines()[-1]
        ns.stop(cap)
    assert b.status == expect_status, b.out
    return b, summary, udp_frames(pcap, mac)


@pytest.mark.parametrize("size", [9, 18, 333, 1472])
@pytest.mark.parametrize("batch", [1, 8])
def test_stream_arrives_once_and_valid(tmp_path, size, batch):
    count = 300
    b, summary, frames = send_stream(tmp_path, f"batch={batch}", count, size)
    assert b.tagged("done") == {"mode": "send", "sent": str(count), "failed": "0"}
    assert summary == f"received {count}/{count} valid, 0 lost, 0 duplicated, 0 corrupt"
    assert len(frames) == count
    for seq, p in enumerate(frames):
        assert_headers_valid(p)
        assert (p[IP].src, p[IP].dst) == ("192.0.2.2", "192.0.2.1")
        assert (p[UDP].sport, p[UDP].dport) == (9000, 9000)
        assert udp_payload(p) == payload(seq, size)
        assert len(p) == max(60, 42 + size)      # padded to the Ethernet minimum


def test_smallest_ring_batches_and_wraps(tmp_path):
    b, summary, frames = send_stream(tmp_path, "txring=8 batch=8", 500, 1472)
    assert summary == "received 500/500 valid, 0 lost, 0 duplicated, 0 corrupt"
    assert [udp_payload(p)[:8] for p in frames] == \
           [s.to_bytes(8, "big") for s in range(500)]


def test_offlink_destination_goes_to_gateway_mac():
    with Wire() as w:
        b = w.boot("count=20 dst=198.51.100.7:9000 gw=192.0.2.1").finish()
        frames = udp_frames(w.quiet())
    assert b.status == STATUS_OK, b.out
    assert len(frames) == 20
    for p in frames:
        assert p[Ether].dst == HOST_MAC_TEXT and p[IP].dst == "198.51.100.7"
        assert_headers_valid(p)


def test_unanswered_destination_fails_with_ehostunreach():
    with Wire() as w:
        t0 = time.time()
        b = w.boot("count=50 dst=192.0.2.99:9000", timeout=60).finish()
        took = time.time() - t0
        asked = [f for f in w.quiet()
                 if f[12:14] == b"\x08\x06" and f[38:42] == bytes([192, 0, 2, 99])]
    assert b.status == STATUS_FAILED, b.out
    assert b.tagged("done") == {"mode": "send", "sent": "0", "failed": "50"}
    assert any("Host is unreachable" in l for l in b.lines("send: ")), b.out
    assert len(asked) == 3, asked   # three ARP tries, then the failed entry answers at once
    assert took < 30


def assert_pings(net=None, machine="pc"):
    """Boot mode=idle; Linux's ping gets every answer, small and 1472 bytes."""
    need_root()
    with NetNS() as ns:
        k = Running(ns, "mode=idle", net or tap_nic(mac=MAC), timeout=90, machine=machine)
        k.wait_for("idle: ")
        small = ns.run("ping", "-c", "3", "-i", "0.2", "-W", "5", "192.0.2.2",
                       check=False)
        big = ns.run("ping", "-c", "3", "-i", "0.2", "-W", "5", "-s", "1472",
                     "192.0.2.2", check=False)
        k.proc.kill()
        k.finish()
    assert small.returncode == 0, small.stdout + small.stderr
    assert " 0% packet loss" in small.stdout
    assert big.returncode == 0 and " 0% packet loss" in big.stdout, big.stdout


def test_ping_from_host():
    assert_pings()


def assert_echoes(mode, count, seed, static_neighbour=False, model="e1000", machine="pc"):
    """Boot mode=echo or mode=reflect; a Linux socket (echo_client.py) sends
    count datagrams of random payloads and must get each back unchanged."""
    need_root()
    with NetNS() as ns:
        if static_neighbour:
            ns.neighbour("192.0.2.2", MAC)
        k = Running(ns, f"mode={mode} count={count}", tap_nic(model, MAC), timeout=120,
                    machine=machine)
        k.wait_for(f"{mode}: ")
        r = ns.run("/usr/bin/python3", os.path.join(HERE, "echo_client.py"),
                   "192.0.2.2", "9000", str(count), str(seed), check=False, timeout=100)
        b = k.finish()
    assert r.stdout.strip() == f"echo: {count} sent, {count} ok, 0 wrong, 0 lost", \
        r.stdout + r.stderr
    assert b.status == STATUS_OK, b.out
    assert b.tagged("done") == {"mode": mode, "sent": str(count), "failed": "0"}


def test_udp_echo_of_random_payloads():
    assert_echoes("echo", 60, seed=1)


def flap_link_while_sending(tmp_path, model="e1000", mac=MAC, **kw):
    """6000 datagrams at 3000/s on the wire, the link down for 0.2 s in the
    middle (QEMU's monitor); the run, and the sequence numbers the peer got."""
    mon = str(tmp_path / "monitor.sock")
    with Wire() as w:
        k = w.boot("count=6000 rate=3000", model, mac,
                   extra=["-monitor", f"unix:{mon},server=on,wait=off"], **kw)
        k.wait_for("send: ")                    # the timed run starts now
        time.sleep(0.3)
        with socket.socket(socket.AF_UNIX) as m:
            m.connect(mon)
            m.sendall(b"set_link n0 off\n")
            time.sleep(0.2)
            m.sendall(b"set_link n0 on\n")
            time.sleep(0.1)
        b = k.finish()
        seqs = [int.from_bytes(udp_payload(p)[:8], "big") for p in udp_frames(w.quiet(), mac)]
    return b, seqs


def test_link_flap_counts_exactly_what_arrived(tmp_path):
    """The link goes down and up in the middle of a run: sends fail with
    ENETDOWN meanwhile, @link lines say so, and @done's sent is exactly what
    the peer received (docs/interface.md): nothing counted that went nowhere."""
    b, seqs = flap_link_while_sending(tmp_path)
    assert b.status == STATUS_FAILED, b.out
    assert b.lines("@link") == ["@link up", "@link down", "@link up"], b.out
    done = b.tagged("done")
    sent, failed = int(done["sent"]), int(done["failed"])
    assert sent + failed == 6000 and failed > 0 and sent > 3000, done
    # newlib's words for ENETDOWN
    assert any("Network interface is not configured" in l for l in b.lines("send: ")), b.out
    assert len(seqs) == sent and len(set(seqs)) == sent and max(seqs) == 5999
