#!/bin/busybox sh
# tests/bench/guest/init.sh - /init of the Linux guest of `make bench`
# (packed by scripts/linux-guest.sh): bring eth0 (e1000) up, then send with
# lsend or echo with lecho, as the kernel command line says.  Output goes to
# the console (console=ttyS0); lines for programs begin with @:
#   @linux up                     the network is ready (ARP resolved)
#   (lsend's @lat, @samples, @linux, @done lines, once per run)
#   @ftrace begin ... @ftrace end  (bench.mode=trace) Linux's function_graph
#                                  of one udp_sendmsg, lines in between
#   @dpdk up                       (dpdk-*) hugepages, the NIC bound to uio
#   (dudp's @lat, @samples, @dpdk, @done lines; "@dpdk echo ready")
#   @error linux: REASON          something failed; the guest powers off
#
# Keys on the kernel command line (defaults in brackets):
#   bench.ip=ADDR/PREFIX [192.0.2.2/24]
#   bench.mode=send|echo|trace|dpdk-send|dpdk-echo [send]
#   bench.dst=ADDR [192.0.2.1]            bench.port=N [9000]
#   bench.count=N [1000]  bench.size=N [18]  bench.batch=N [1]
#   bench.runs="SIZE:BATCH ..."  several sends in order, same count
#                                  [bench.size:bench.batch]
#   bench.neigh=IP@MAC  a permanent ARP entry (as the unikernel's arp=), so
#                       nothing is resolved before the first datagram;
#                       dpdk-send needs it (DPDK has no ARP)
#   bench.hugepages=N [64]  2 MiB pages for DPDK
# Send mode powers off when done (poweroff -f: QEMU exits with status 0);
# echo mode answers on bench.port until QEMU is killed.

/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

# Wait until the console has sent what we wrote: stty sets the mode with
# tcsetattr(TCSADRAIN), which returns once the output queue is empty.
drain() {
	stty -F /dev/console "$(stty -F /dev/console -g)" 2>/dev/null
}

fail() {
	echo "@error linux: $*"
	drain
	poweroff -f
}

# param KEY DEFAULT: the value of bench.KEY on /proc/cmdline, quoted
# ("a b c") or not; the last one wins.
CMDLINE=$(cat /proc/cmdline)
param() {
	v=$(echo "$CMDLINE" | sed -nE 's/(^|.* )bench\.'"$1"'="([^"]*)".*/\2/p')
	[ -z "$v" ] && v=$(echo "$CMDLINE" | sed -nE 's/(^|.* )bench\.'"$1"'=([^ "]*).*/\2/p')
	echo "${v:-$2}"
}

# Up to 5 s for the link (QEMU reports it once the driver has reset the MAC).
wait_carrier() {
	for _ in $(seq 50); do
		[ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# Resolve DST's MAC before the clock starts.  The first reply may wait ~1 s
# in QEMU (its e1000 holds received frames for 1 s after each RCTL write).
resolve() {
	for _ in 1 2 3; do
		ping -c 1 -W 2 "$1" >/dev/null 2>&1 && return 0
	done
	return 1
}

net_up() {
	# the 8254x's driver, or the 82574L's (QEMU's e1000e): whichever binds
	if grep -q 0x10d3 /sys/bus/pci/devices/*/device; then
		insmod /lib/e1000e.ko || fail "insmod e1000e.ko failed"
	else
		insmod /lib/e1000.ko || fail "insmod e1000.ko failed"
	fi
	[ -d /sys/class/net/eth0 ] || fail "no eth0 after insmod"
	echo 1 > /proc/sys/net/ipv6/conf/eth0/disable_ipv6	# no IPv6 chatter
	ip addr add "$IP" dev eth0 || fail "bad bench.ip=$IP"
	ip link set eth0 up
	wait_carrier || fail "eth0: no carrier after 5 s"
	if [ -n "$NEIGH" ]; then
		arp -i eth0 -s "${NEIGH%@*}" "${NEIGH#*@}" || fail "bad bench.neigh=$NEIGH"
	else
		resolve "$DST" || [ "$MODE" = echo ] || fail "no answer from $DST (ARP/ping)"
	fi
}

# Linux's function_graph tracer on udp_sendmsg, with the closing braces
# named (funcgraph-tail), as the unikernel's trace=1 prints.  Enabling the
# tracer patches every traced function; three sends first run the patched
# code once (under TCG its first run pays for its translation), then the
# trace is cleared and one send is traced.
trace_send() {
	local t=/sys/kernel/tracing
	mount -t tracefs nodev $t || fail "cannot mount tracefs"
	echo udp_sendmsg > $t/set_graph_function || fail "no udp_sendmsg to trace"
	echo 1 > $t/options/funcgraph-tail
	echo function_graph > $t/current_tracer || fail "no function_graph tracer"
	lsend "$DST" "$PORT" 3 18 1 >/dev/null
	echo > $t/trace
	lsend "$DST" "$PORT" 1 18 1 >/dev/null
	echo 0 > $t/tracing_on
	echo "@ftrace begin"
	grep -v '^ *$' $t/trace
	echo "@ftrace end"
}

run_sends() {
	for run in $RUNS; do
		lsend "$DST" "$PORT" "$COUNT" "${run%:*}" "${run#*:}"
	done
}

# DPDK: hugepages, then the NIC from its kernel driver (there is none:
# e1000.ko is not loaded) to uio_pci_generic; prints the EAL arguments.
DPDK_DRIVERS="-d /lib/dpdk/librte_mempool_ring.so.23 -d /lib/dpdk/librte_net_e1000.so.23"
dpdk_up() {
	local d dev=""
	# EAL wants a runtime directory, and refuses plugins under a
	# world-writable directory (the initramfs' root is one).
	mkdir -p /var/run
	chmod 755 /
	mount -t hugetlbfs nodev /mnt/huge || fail "cannot mount hugetlbfs"
	echo "$(param hugepages 64)" > /proc/sys/vm/nr_hugepages
	[ "$(cat /proc/sys/vm/nr_hugepages)" -gt 0 ] || fail "no hugepages"
	insmod /lib/uio.ko && insmod /lib/uio_pci_generic.ko || fail "insmod uio failed"
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x8086 ] || continue
		case $(cat "$d/device") in 0x100e|0x100c|0x100f) dev=${d##*/} ;; esac
	done
	[ -n "$dev" ] || fail "no e1000 on PCI"
	echo "8086 $(cut -c3- "/sys/bus/pci/devices/$dev/device")" \
		> /sys/bus/pci/drivers/uio_pci_generic/new_id
	[ -e "/sys/bus/pci/drivers/uio_pci_generic/$dev" ] || fail "$dev not bound to uio_pci_generic"
	echo "@dpdk up $dev $(cat /proc/sys/vm/nr_hugepages) hugepages" >&2
	EAL="-l 0 -n 1 --in-memory --iova-mode=pa --no-telemetry --log-level=lib.*:warning $DPDK_DRIVERS -a $dev"
}

dpdk_sends() {
	[ -n "$NEIGH" ] || fail "dpdk-send needs bench.neigh=IP@MAC"
	for run in $RUNS; do
		# shellcheck disable=SC2086
		dudp $EAL -- send "${IP%/*}" "$DST" "${NEIGH#*@}" "$PORT" "$COUNT" \
			"${run%:*}" "${run#*:}"
	done
}

IP=$(param ip 192.0.2.2/24)
MODE=$(param mode send)
DST=$(param dst 192.0.2.1)
PORT=$(param port 9000)
COUNT=$(param count 1000)
RUNS=$(param runs "$(param size 18):$(param batch 1)")
NEIGH=$(param neigh "")

case $MODE in
dpdk-send)
	dpdk_up
	dpdk_sends
	drain
	poweroff -f ;;
dpdk-echo)
	dpdk_up
	# shellcheck disable=SC2086
	dudp $EAL -- echo "${IP%/*}" "$PORT"
	fail "dudp exited" ;;
esac

net_up
echo "linux: $(uname -r), eth0 $IP, qdisc $(tc qdisc show dev eth0 | cut -d' ' -f2)," \
	"up $(cut -d' ' -f1 /proc/uptime) s after kernel start"
echo "@linux up"
case $MODE in
send)	run_sends ;;
trace)	trace_send ;;
echo)	lecho "$PORT"; fail "lecho exited" ;;
*)	fail "bad bench.mode=$MODE" ;;
esac
drain
poweroff -f
