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
[ "${1:-}" = bench ] && PACKAGES="$PACKAGES $BENCH_PACKAGES"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
