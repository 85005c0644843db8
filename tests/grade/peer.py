"""The rootless network of the grader (and of any test that needs no tap):
QEMU's `-netdev socket,udp=127.0.0.1:P,localaddr=127.0.0.1:Q` carries each
Ethernet frame as one UDP datagram on loopback.  Peer is the other end: it
receives every frame the guest sends (port P), can send frames to the guest
(to port Q), and answers ARP for the host's address, as the tap's Linux
would.  No root, no tap, no Internet.

There is no back-pressure on loopback: the peer drains with a thread into a
big socket buffer, so a burst of a few thousand frames is not lost.
"""
import socket
import struct
import threading
import time

HOST_MAC = bytes.fromhex("020000000001")
HOST_IP = bytes([192, 0, 2, 1])
GUEST_IP = bytes([192, 0, 2, 2])


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Peer:
    def __init__(self, answer_arp=True):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.qemu_port = free_udp_port()
        self.answer_arp = answer_arp
        self.frames = []                # (seconds since start, bytes), in order
        self.t0 = time.time()
        self.lock = threading.Lock()
        self.closed = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def netdev(self, model="e1000", mac="52:54:00:12:34:56", pcap=None):
        """QEMU's arguments for one NIC on this peer."""
        args = ["-netdev", f"socket,id=n0,udp=127.0.0.1:{self.port},"
                           f"localaddr=127.0.0.1:{self.qemu_port}",
                "-device", f"{model},netdev=n0,mac={mac},romfile="]
        if pcap:
            args += ["-object", f"filter-dump,id=f0,netdev=n0,file={pcap}"]
        return args

    def send(self, frame):
        self.sock.sendto(frame, ("127.0.0.1", self.qemu_port))

    def _run(self):
        self.sock.settimeout(0.2)
        while not self.closed:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.frames.append((time.time() - self.t0, data))
            if self.answer_arp:
                self._arp(data)

    def _arp(self, f):
        """A request for the host's address gets the host's MAC."""
        if len(f) < 42 or f[12:14] != b"\x08\x06" or f[20:22] != b"\x00\x01" or \
                f[38:42] != HOST_IP:
            return
        sha, spa = f[22:28], f[28:32]
        reply = sha + HOST_MAC + b"\x08\x06" + struct.pack(">HHBBH", 1, 0x0800, 6, 4, 2) + \
            HOST_MAC + HOST_IP + sha + spa
        self.send(reply + bytes(60 - len(reply)))

    def received(self):
        with self.lock:
            return [f for _, f in self.frames]

    def wait_for(self, count, pred=lambda f: True, timeout=10):
        """Wait until count frames that pred accepts have come; the frames."""
        end = time.time() + timeout
        while time.time() < end:
            got = [f for f in self.received() if pred(f)]
            if len(got) >= count:
                return got
            time.sleep(0.05)
        return [f for f in self.received() if pred(f)]

    def close(self):
        self.closed = True
        self.thread.join(timeout=2)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
