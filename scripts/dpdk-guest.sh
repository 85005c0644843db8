#!/bin/bash
# scripts/dpdk-guest.sh LINUXDIR OUTDIR - build the DPDK guest of `make
# bench`: the Linux guest's kernel (LINUXDIR, from scripts/linux-guest.sh)
# with an initramfs of its own that runs tests/bench/guest/dudp.c over
# DPDK's e1000 poll mode driver.  dudp is compiled on the host against
# libdpdk (pkg-config); the shared libraries it and the driver load are
# found with ldd, their Debian packages fetched with apt-get download into
# OUTDIR/debs (the host's versions) and unpacked into OUTDIR/root, not
# installed.  Each step is skipped when its output is newer than its inputs.
#
# Outputs:
#   OUTDIR/initramfs.cpio.gz   busybox, uio.ko and uio_pci_generic.ko, dudp,
#                              the libraries under /lib, the drivers under
#                              /lib/dpdk, /init (tests/bench/guest/init.sh)
#   OUTDIR/versions.txt        the DPDK packages used, with versions
#
# Boot it with the Linux guest's command line, its vmlinux and this
# initramfs, -cpu with SSE4.2 (Debian builds DPDK for corei7) and memory for
# the hugepages; bench.mode=dpdk-send or dpdk-echo (init.sh says how).
# Exits 3 with a reason on stderr where it cannot be built (no libdpdk-dev).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 LINUXDIR OUTDIR" >&2; exit 2; }
SRC=$(cd "$(dirname "$0")/.." && pwd)/tests/bench/guest
LINUX=$(cd "$1" && pwd)
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
DEBS=$OUT/debs
PMDS=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0
# The drivers dudp asks EAL to load (-d): PCI bus and e1000 PMD, and the
# ring-based mempool handler.  Nothing else is loaded.
DRIVERS="librte_net_e1000.so.23 librte_mempool_ring.so.23"

say() { echo "dpdk-guest: $*"; }
cannot() { echo "dpdk-guest: $*" >&2; exit 3; }

# shellcheck source=scripts/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

check() {
	pkg-config --exists libdpdk 2>/dev/null ||
		cannot "no libdpdk (apt-get install libdpdk-dev: make bench installs it)"
	[ -e "$LINUX/vmlinux" ] && [ -e "$LINUX/bin/busybox" ] ||
		cannot "no Linux guest in $LINUX (scripts/linux-guest.sh makes it)"
	local d
	for d in $DRIVERS; do
		[ -e "$PMDS/$d" ] || cannot "no $PMDS/$d"
	done
}

build_dudp() {
	local bin=$OUT/dudp
	up_to_date "$bin" "$SRC/dudp.c" "$SRC/stats.h" && return 0
	say "compiling dudp against libdpdk $(pkg-config --modversion libdpdk)"
	# shellcheck disable=SC2046
	gcc -O2 -Wall -Wextra -Werror $(pkg-config --cflags libdpdk) -o "$bin" "$SRC/dudp.c" \
		-Wl,--as-needed -lrte_ethdev -lrte_mbuf -lrte_mempool -lrte_net -lrte_eal
}

# The shared libraries FILE... need, as real paths, one a line.
needed_libs() {
	ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' |
		xargs -r readlink -f | sort -u
}

# unpack PACKAGE: the host's version of it, fetched and unpacked once.
unpack() {
	local pkg=$1 ver deb
	ver=$(dpkg-query -W -f '${Version}' "$pkg")
	deb=$(fetch_deb "$pkg" "$ver")
	up_to_date "$deb.unpacked" "$deb" || { dpkg-deb -x "$deb" "$OUT/root"; touch "$deb.unpacked"; }
	echo "$pkg $ver" >> "$OUT/versions.tmp"
}

# stage_lib PATH DIR: the file that PATH is on the host, from its unpacked
# package, into the initramfs under DIR with its soname and its real name.
stage_lib() {
	local path=$1 dir=$2 pkg file soname
	# dpkg knows some libraries by /lib, some by /usr/lib (merged /usr)
	pkg=$({ dpkg -S "$path" 2>/dev/null || dpkg -S "${path#/usr}"; } | head -n 1 | cut -d: -f1)
	unpack "$pkg"
	file=$OUT/root$path
	[ -e "$file" ] || file=$OUT/root${path#/usr}	# /lib vs /usr/lib
	[ -e "$file" ] || cannot "$pkg does not hold $path"
	soname=$(readelf -d "$file" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	mkdir -p "$STAGE$dir"
	cp "$file" "$STAGE$dir/${soname:-$(basename "$path")}"
}

build_initramfs() {
	local img=$OUT/initramfs.cpio.gz kver mods lib d
	kver=$(basename "$(ls -d "$LINUX"/lib/modules/*/)")
	mods=$LINUX/lib/modules/$kver/kernel/drivers/uio
	up_to_date "$img" "$OUT/dudp" "$SRC/init.sh" "$LINUX/bin/busybox" && return 0
	say "packing initramfs"
	STAGE=$OUT/initramfs
	rm -rf "$STAGE" "$OUT/versions.tmp"
	mkdir -p "$DEBS" "$OUT/root" "$STAGE"/{bin,sbin,usr/bin,usr/sbin,lib/dpdk,lib64,proc,sys,dev,tmp,mnt/huge}
	cp "$LINUX/bin/busybox" "$OUT/dudp" "$STAGE/bin/"
	cp "$mods/uio.ko" "$mods/uio_pci_generic.ko" "$STAGE/lib/"
	install -m 755 "$SRC/init.sh" "$STAGE/init"
	for d in $DRIVERS; do
		stage_lib "$(readlink -f "$PMDS/$d")" /lib/dpdk
	done
	for lib in $(needed_libs "$OUT/dudp" $(for d in $DRIVERS; do echo "$PMDS/$d"; done)); do
		case $lib in
		*/ld-linux-x86-64.so.2) stage_lib "$lib" /lib64 ;;
		*) stage_lib "$lib" /lib/x86_64-linux-gnu ;;
		esac
	done
	sort -u "$OUT/versions.tmp" > "$OUT/versions.txt"
	rm -f "$OUT/versions.tmp"
	(cd "$STAGE" && find . -mindepth 1 | sort | "$LINUX/bin/busybox" cpio -o -H newc -R 0:0) |
		gzip -9 > "$img.tmp"
	mv "$img.tmp" "$img"
}

check
build_dudp
build_initramfs
say "ready: $OUT/initramfs.cpio.gz ($(wc -l < "$OUT/versions.txt") packages, $(du -h "$OUT/initramfs.cpio.gz" | cut -f1))"
