#!/bin/bash
# scripts/run.sh [KEY=VALUE ...] - the main job (`make run`): boot the GRUB
# ISO (whose command line `make run ARGS=...` baked in) on a tap in a
# network namespace of its own, receive on the host with a plain Linux UDP
# socket, check every datagram, and say what arrived.  Exit status 0 only
# if the kernel succeeded and every datagram arrived once and intact.
#
# As root: namespace uk-run-PID, tap0 = 192.0.2.1/24 with MAC
# 02:00:00:00:00:01 (so ARGS="arp=192.0.2.1@02:00:00:00:00:01" can skip
# ARP), guest 192.0.2.2.
# Not root (or NET=user): no namespace or tap, so QEMU's -netdev user
# stands in (guest 10.0.2.15, dst=10.0.2.2:9000 -> host 127.0.0.1:9000).
# ACCEL=kvm uses KVM instead of TCG.
set -euo pipefail
cd "$(dirname "$0")/.."

count=1000 size=18 port=9000 mode=send
for kv in "$@"; do
	case $kv in
	count=*) count=${kv#count=} ;;
	size=*)  size=${kv#size=} ;;
	mode=*)  mode=${kv#mode=} ;;
	dst=*)   port=${kv##*:} ;;
	esac
done
if [ "$mode" != send ] || [ "$count" = 0 ]; then
	echo "run: mode=$mode count=$count: nothing to verify; booting only (Ctrl-A X quits QEMU)"
fi

pcap=build/run.pcap
exit_dev=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
pids=() ns=""
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT

start_receiver() {	# BIND_ADDR [COMMAND PREFIX...]
	local ready=build/run.receiver.err bind=$1
	shift
	"$@" build/host/udp_receiver -b "$bind" -n "$count" -s "$size" -p "$port" -t 3600 \
		> build/run.receiver.out 2> "$ready" &
	pids+=($!)
	for _ in $(seq 50); do grep -q ready "$ready" && return 0; sleep 0.1; done
	cat "$ready" >&2
	exit 1
}

accel=${ACCEL:-tcg}
if [ "$(id -u)" -eq 0 ] && [ "${NET:-tap}" != user ]; then
	ns=uk-run-$$
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" tuntap add dev tap0 mode tap
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.tap0.disable_ipv6=1
	ip -n "$ns" link set tap0 address 02:00:00:00:00:01
	ip -n "$ns" addr add 192.0.2.1/24 dev tap0
	ip -n "$ns" link set tap0 up
	echo "run: namespace $ns, tap0 192.0.2.1/24, pcap in $pcap"
	[ "$mode" = send ] && [ "$count" != 0 ] && start_receiver 0.0.0.0 ip netns exec "$ns"
	set +e
	ip netns exec "$ns" qemu-system-x86_64 -machine pc -accel "$accel" -m 64 -display none \
		-serial stdio -cdrom build/unikernel.iso -boot d "${exit_dev[@]}" \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device e1000,netdev=n0 -object filter-dump,id=f0,netdev=n0,file=$pcap \
		| tee build/run.log
	status=${PIPESTATUS[0]}
	set -e
else
	echo "run: no root (or NET=user), so no network namespace or tap: using -netdev user"
	echo "run: guest 10.0.2.15, dst=10.0.2.2:9000, receiving on 127.0.0.1:9000"
	port=9000
	[ "$mode" = send ] && [ "$count" != 0 ] && start_receiver 127.0.0.1
	set +e
	qemu-system-x86_64 -machine pc -accel "$accel" -m 64 -display none -serial stdio \
		-kernel build/kernel.elf -append "ip=10.0.2.15/24 dst=10.0.2.2:9000 $*" \
		"${exit_dev[@]}" -netdev user,id=n0 -device e1000,netdev=n0 \
		-object filter-dump,id=f0,netdev=n0,file=$pcap | tee build/run.log
	status=${PIPESTATUS[0]}
	set -e
fi

echo "run: QEMU exited with status $status (kernel exit code $(( (status - 1) / 2 )))"
if grep -q '^@json ' build/run.log; then	# trace=1: the Chrome trace, for Perfetto
	sed -n 's/^@json //p' build/run.log | tr -d '\r' > build/trace.json
	echo "run: trace in build/trace.json (open it in ui.perfetto.dev or chrome://tracing)"
fi
[ "$mode" = send ] && [ "$count" != 0 ] || exit 0
sleep 0.5			# the last datagrams may still be in the host's queue
kill -TERM "${pids[0]}" 2>/dev/null || true
wait "${pids[0]}" && recv=0 || recv=$?
pids=()
cat build/run.receiver.out

# The summary a person reads first: what arrived, how fast, what a call cost.
field() {	# FILE TAG-AND-FIRST-FIELD KEY: the value of KEY= on the last such line
	{ tr -d '\r' < "$1" | grep "^$2" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$3=//p"; } || true
}
us() { [ -n "$1" ] && awk -v ns="$1" 'BEGIN { printf "%.1f us", ns / 1000 }' || echo "-"; }
sent=$(field build/run.log "@done " sent)
valid=$(sed -n 's|^received \([0-9]*\)/.*|\1|p' build/run.receiver.out)
echo
echo "== summary =="
echo "datagrams: ${valid:-0} verified by the host, of ${sent:-0} the kernel sent (count=$count)"
echo "rate:      $(field build/run.receiver.out "@rx " pps) packets/s, as the host received them"
echo "send call: p50 $(us "$(field build/run.log "@lat stage=call " p50_ns)")," \
	"p99 $(us "$(field build/run.log "@lat stage=call " p99_ns)");" \
	"floor (a tail write that carries a frame) p50" \
	"$(us "$(field build/run.log "@lat stage=floor_xmit " p50_ns)")"
if [ "$status" -eq 1 ] && [ "$recv" -eq 0 ]; then
	echo "result:    OK: every datagram arrived once and intact"
else
	echo "result:    FAILED: kernel exit code $(( (status - 1) / 2 )), receiver status $recv"
	exit 1
fi
