#!/bin/sh
# Installs the Debian 12 packages this project needs, and only the missing ones.
# Called by `make run` and `make test`; `make bench` calls it as
# `deps.sh bench` for the few more the benchmark needs.  Safe to run again.
set -eu

PACKAGES="
build-essential
qemu-system-x86
grub-pc-bin
grub-common
xorriso
mtools
newlib-source
libcmocka-dev
clang
libclang-rt-14-dev
python3
python3-pytest
python3-scapy
iproute2
iputils-ping
tcpdump
tshark
"

# make bench: plots, gdb (tests/bench/insns.py), and the tools that pack
# the Linux guest (its kernel and busybox are fetched with apt-get download
# into build/, not installed).
BENCH_PACKAGES="
gnuplot-nox
gdb
file
xz-utils
zstd
"
# make bench, if it can: DPDK's headers and libraries, to build the DPDK
# guest's program (scripts/dpdk-guest.sh).  Without them the bench runs
# the rest and its report says why.
OPTIONAL_PACKAGES=""
[ "${1:-}" = bench ] && PACKAGES="$PACKAGES $BENCH_PACKAGES" OPTIONAL_PACKAGES="libdpdk-dev"

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

optional=""
for p in $OPTIONAL_PACKAGES; do
	installed "$p" || optional="$optional $p"
done

missing=""
for p in $PACKAGES; do
	installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] && [ -z "$optional" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	if [ -z "$missing" ]; then
		echo "deps: not root, so not installing$optional; make bench goes on without it" >&2
		exit 0
	fi
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	apt-get install -y -q --no-install-recommends $missing
fi
if [ -n "$optional" ]; then
	echo "deps: installing$optional (optional)"
	apt-get install -y -q --no-install-recommends $optional ||
		echo "deps: could not install$optional; make bench goes on without it" >&2
fi
