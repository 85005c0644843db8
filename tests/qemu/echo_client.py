"""echo_client.py ADDR PORT COUNT SEED: send COUNT datagrams of random
sizes (1..1472) and random bytes to ADDR:PORT, one at a time, and check
each reply is the same payload from the same address.  Prints one line:
"echo: N sent, N ok, N wrong, N lost" and exits 0 only if all came back."""
import random
import socket
import sys


def main(addr, port, count, seed):
    rng = random.Random(seed)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5.0)
    ok = wrong = lost = 0
    for _ in range(count):
        payload = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 1472)))
        s.sendto(payload, (addr, port))
        try:
            data, src = s.recvfrom(2048)
        except socket.timeout:
            lost += 1
            continue
        if data == payload and src == (addr, port):
            ok += 1
        else:
            wrong += 1
    print(f"echo: {count} sent, {ok} ok, {wrong} wrong, {lost} lost")
    return 0 if ok == count else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
