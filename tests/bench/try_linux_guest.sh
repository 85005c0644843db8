#!/bin/bash
# tests/bench/try_linux_guest.sh [OUTDIR] - try the Linux guest of `make
# bench` (scripts/linux-guest.sh OUTDIR, default build/linux) by hand, in a
# network namespace of its own (uk-lg-PID, tap0 = 192.0.2.1/24, deleted on
# every exit path):
#   1. send mode, one run (COUNT datagrams of SIZE bytes, BATCH per call),
#      every datagram checked by build/host/udp_receiver;
#   2. send mode with several runs (bench.runs), @lat lines counted;
#   3. echo mode: a UDP ping-pong from the namespace checks the replies.
# Prints the guest's serial output with seconds since QEMU started, so the
# time to "@linux up" can be read off.  Environment: COUNT (2000), SIZE
# (18), BATCH (1), RUNS ("18:1 1472:1 18:32").  Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=${1:-build/linux}
COUNT=${COUNT:-2000} SIZE=${SIZE:-18} BATCH=${BATCH:-1}
RUNS=${RUNS:-18:1 1472:1 18:32}
NS=uk-lg-$$
BASE="console=ttyS0 loglevel=1 bench.ip=192.0.2.2/24 bench.dst=192.0.2.1 bench.port=9000"
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT

setup_netns() {
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" tuntap add dev tap0 mode tap
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.tap0.disable_ipv6=1
	ip -n "$NS" addr add 192.0.2.1/24 dev tap0
	ip -n "$NS" link set tap0 up
}

# The guest on tap0, in the namespace, for at most 15 minutes; append
# -append "...".  (timeout passes a SIGTERM it receives on to QEMU.)
# shellcheck disable=SC2054	# the commas belong to QEMU's options
QEMU=(timeout 900 ip netns exec "$NS" qemu-system-x86_64 -machine pc -accel tcg
	-m 256 -display none -serial stdio -monitor none
	-kernel "$OUT/vmlinux" -initrd "$OUT/initramfs.cpio.gz"
	-netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device e1000,netdev=n0)

# Each line prefixed with seconds since the function started.
stamp() {
	local t0=${EPOCHREALTIME/./} line ms
	while IFS= read -r line; do
		line=${line%$'\r'}
		ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
		printf '%4d.%03d %s\n' $((ms / 1000)) $((ms % 1000)) "$line"
	done
}

try_send() {
	local log=build/try_linux_send.log recv
	echo "== send: count=$COUNT size=$SIZE batch=$BATCH"
	ip netns exec "$NS" build/host/udp_receiver -n "$COUNT" -s "$SIZE" -p 9000 -t 600 \
		> build/try_linux_recv.out 2> build/try_linux_recv.err &
	recv=$!
	pids+=("$recv")
	for _ in $(seq 50); do grep -q ready build/try_linux_recv.err && break; sleep 0.1; done
	"${QEMU[@]}" -append "$BASE bench.mode=send bench.count=$COUNT bench.runs=$SIZE:$BATCH" </dev/null |
		stamp | tee "$log"
	sleep 0.5
	kill -TERM "$recv" 2>/dev/null || true
	wait "$recv" || true
	cat build/try_linux_recv.out
	grep -q "^ *[0-9.]* @done mode=send sent=$COUNT failed=0" "$log" || echo "FAIL: @done"
}

try_runs() {
	local log=build/try_linux_runs.log n
	echo "== send, runs \"$RUNS\", count=$COUNT (not checked by a receiver)"
	"${QEMU[@]}" -append "$BASE bench.mode=send bench.count=$COUNT bench.runs=\"$RUNS\"" </dev/null |
		stamp | grep -v '@samples' | tee "$log"
	n=$(grep -c '@lat ' "$log" || true)
	[ "$n" = "$(wc -w <<< "$RUNS")" ] && echo "runs: $n @lat lines" || echo "FAIL: $n @lat lines"
}

try_echo() {
	local log=build/try_linux_echo.log q
	echo "== echo"
	"${QEMU[@]}" -append "$BASE bench.mode=echo" </dev/null > "$log" 2>&1 &
	q=$!
	pids+=("$q")
	for _ in $(seq 600); do grep -q '@linux up' "$log" && break; sleep 0.2; done
	cat "$log"
	grep -q '@linux up' "$log" || { echo "FAIL: no @linux up in 120 s"; return 1; }
	ip netns exec "$NS" python3 - <<'EOF'
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
rtts, bad = [], 0
for seq in range(200):
    size = 18 if seq % 2 == 0 else 1472
    p = seq.to_bytes(8, "big") + bytes((seq + i) & 0xff for i in range(8, size))
    t0 = time.perf_counter()
    s.sendto(p, ("192.0.2.2", 9000))
    try:
        r, peer = s.recvfrom(2048)
    except socket.timeout:
        bad += 1
        continue
    rtts.append((time.perf_counter() - t0) * 1e6)
    bad += r != p
rtts.sort()
print(f"echo: {len(rtts)}/200 replies, {bad} bad or missing, "
      f"rtt p50 {rtts[len(rtts)//2]:.0f} us, max {rtts[-1]:.0f} us")
EOF
	kill "$q"
	wait "$q" 2>/dev/null || true
}

[ "$(id -u)" -eq 0 ] || { echo "needs root (namespaces, taps)" >&2; exit 1; }
scripts/linux-guest.sh "$OUT"
[ -x build/host/udp_receiver ] || make host
setup_netns
try_send
try_runs
try_echo
