#!/bin/sh
# Installs the Debian 12 packages this project needs, and only the missing ones.
# Called by `make run`, `make test` and `make bench`; safe to run again.
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
