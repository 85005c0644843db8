#!/bin/bash
# scripts/linux-guest.sh OUTDIR - build the Linux guest that `make bench`
# runs beside the unikernel, from Debian packages and the C programs in
# tests/bench/guest/.  Nothing is installed on the host: the packages are
# downloaded (apt-get download) into OUTDIR/debs and unpacked (dpkg-deb -x)
# into OUTDIR.  Each step is skipped when its output exists and is newer
# than its inputs, so running it again is cheap.
#
# Outputs:
#   OUTDIR/vmlinux              the uncompressed kernel, an ELF with a PVH
#                               entry note, which QEMU's -kernel boots
#                               directly (fast under TCG: no bzImage
#                               decompressor running in the guest)
#   OUTDIR/initramfs.cpio.gz    busybox-static, e1000.ko, e1000e.ko, lsend, lecho and
#                               /init (tests/bench/guest/init.sh)
#   OUTDIR/versions.txt         the Debian packages used, with versions
#
# Boot it with, for example:
#   qemu-system-x86_64 -machine pc -accel tcg -m 256 -display none \
#     -serial stdio -kernel OUTDIR/vmlinux -initrd OUTDIR/initramfs.cpio.gz \
#     -append "console=ttyS0 loglevel=1 bench.mode=send bench.count=1000" \
#     -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
#     -device e1000,netdev=n0
# The bench.* keys are described at the top of tests/bench/guest/init.sh.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
SRC=$(cd "$(dirname "$0")/.." && pwd)/tests/bench/guest
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
DEBS=$OUT/debs

say() { echo "linux-guest: $*"; }
die() { echo "linux-guest: $*" >&2; exit 1; }

# shellcheck source=scripts/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

check_tools() {
	local t
	for t in apt-get apt-cache dpkg-deb gcc xz file readelf od dd gzip; do
		command -v "$t" >/dev/null || die "needs $t (apt-get install it)"
	done
	[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || die "needs libc6-dev (static libc)"
}

# The concrete kernel package behind linux-image-amd64, e.g.
# linux-image-6.1.0-57-amd64.  One already downloaded wins, so that a
# newer kernel in the archive does not silently change the guest.
kernel_package() {
	local deb name
	for deb in "$DEBS"/linux-image-6.1.0-*-amd64_*.deb; do
		[ -e "$deb" ] && { dpkg-deb -f "$deb" Package; return; }
	done
	name=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
	if [ -z "$name" ]; then
		say "apt-cache knows no linux-image-amd64: apt-get update"
		apt-get update -q >&2
		name=$(apt-cache depends linux-image-amd64 |
			sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
	fi
	[ -n "$name" ] || die "cannot resolve linux-image-amd64 to a kernel package"
	echo "$name"
}

# extract DEB: unpack into OUTDIR once (a stamp file remembers it).
extract() {
	local deb=$1 stamp=$1.unpacked
	up_to_date "$stamp" "$deb" && return 0
	say "unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$OUT"
	touch "$stamp"
}

# le32 FILE OFFSET / u8 FILE OFFSET: little-endian numbers in a file.
le32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u8()   { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }

# extract_vmlinux BZIMAGE OUTPUT: cut the compressed kernel out of the
# bzImage and decompress it.  The x86 boot protocol (Documentation/x86/
# boot.rst) gives its place: setup_sects (0x1f1) sectors of real-mode
# setup follow the boot sector, and payload_offset (0x248) and
# payload_length (0x24c) locate the payload within the protected-mode
# part that comes after them.  Its magic says the compressor.  xz and
# zstd payloads end with 4 bytes of the decompressed size (the kernel's
# size_append), which also checks the result; gzip carries its own.
extract_vmlinux() {
	local bz=$1 out=$2 sects off len magic tool name trim=4
	[ "$(od -An -c -j $((0x202)) -N4 "$bz" | tr -d ' ')" = HdrS ] ||
		die "$bz: not a bzImage (no HdrS)"
	sects=$(u8 "$bz" $((0x1f1)))
	[ "$sects" = 0 ] && sects=4
	off=$(( (sects + 1) * 512 + $(le32 "$bz" $((0x248))) ))
	len=$(le32 "$bz" $((0x24c)))
	magic=$(od -An -tx1 -j "$off" -N6 "$bz" | tr -d ' ')
	case $magic in
	fd377a585a00) tool="xz -dc" name=xz ;;
	28b52ffd*)    tool="zstd -dcq" name=zstd ;;
	1f8b08*)      tool="gzip -dc" name=gzip trim=0 ;;
	*)            die "$bz: payload magic $magic: not xz, zstd or gzip" ;;
	esac
	say "bzImage payload: $name, $len bytes at offset $off"
	dd if="$bz" iflag=skip_bytes,count_bytes skip="$off" count=$((len - trim)) \
		status=none | $tool > "$out.tmp"
	if [ $trim = 4 ]; then
		local want
		want=$(le32 "$bz" $((off + len - 4)))
		[ "$(stat -c %s "$out.tmp")" = "$want" ] ||
			die "vmlinux: $(stat -c %s "$out.tmp") bytes, the bzImage says $want"
	fi
	check_pvh "$out.tmp"
	mv "$out.tmp" "$out"
}

# check_pvh ELF: a 64-bit ELF with XEN_ELFNOTE_PHYS32_ENTRY (Xen note type
# 18 = 0x12), the entry QEMU uses to boot an ELF kernel by PVH.
check_pvh() {
	file -b "$1" | grep -q '^ELF 64-bit LSB executable, x86-64' ||
		die "$1: not an x86-64 ELF executable: $(file -b "$1")"
	readelf -n "$1" | grep -Eq '^ +Xen +0x[0-9a-f]+[[:space:]]+(Unknown note type: \(0x00000012\)|.*PHYS32_ENTRY)' ||
		die "$1: no Xen PHYS32_ENTRY (PVH) note: QEMU -kernel cannot boot it"
	say "vmlinux: $(stat -c %s "$1") bytes, ELF x86-64 with a PVH entry note"
}

# find_module KVER NAME: the path of drivers/net/ethernet/intel/NAME/NAME.ko;
# check it needs no other module and was built for this kernel.
find_module() {
	local kver=$1 name=$2 ko info
	ko=$OUT/lib/modules/$kver/kernel/drivers/net/ethernet/intel/$name/$name.ko
	[ -e "$ko" ] || die "no $ko (compressed modules are not handled)"
	info=$(tr '\0' '\n' < "$ko" | grep -a -E '^(depends|vermagic)=')
	grep -qx 'depends=' <<< "$info" || die "$name.ko needs other modules: $info"
	grep -q "^vermagic=$kver " <<< "$info" || die "$name.ko is not for $kver: $info"
	echo "$ko"
}

# build_program NAME: a static binary from tests/bench/guest/NAME.c.
build_program() {
	local bin=$OUT/guest/$1 src=$SRC/$1.c
	up_to_date "$bin" "$src" && return 0
	say "compiling $1"
	mkdir -p "$OUT/guest"
	gcc -static -O2 -Wall -Wextra -Werror -o "$bin" "$src"
}

# build_initramfs E1000_KO E1000E_KO: stage the tree and pack it (cpio newc
# by busybox's own cpio, so the host needs no cpio package; files owned by root).
build_initramfs() {
	local ko=$1 koe=$2 img=$OUT/initramfs.cpio.gz stage=$OUT/initramfs
	local bb=$OUT/bin/busybox
	local inputs=("$bb" "$ko" "$koe" "$SRC/init.sh" "$OUT/guest/lsend" "$OUT/guest/lecho")
	up_to_date "$img" "${inputs[@]}" && return 0
	say "packing initramfs"
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib,proc,sys,dev,tmp}
	cp "$bb" "$OUT/guest/lsend" "$OUT/guest/lecho" "$stage/bin/"
	cp "$ko" "$stage/lib/e1000.ko"
	cp "$koe" "$stage/lib/e1000e.ko"
	install -m 755 "$SRC/init.sh" "$stage/init"
	(cd "$stage" && find . -mindepth 1 | sort | "$bb" cpio -o -H newc -R 0:0) |
		gzip -9 > "$img.tmp"
	mv "$img.tmp" "$img"
}

write_versions() {
	local deb
	for deb in "$@"; do
		echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"
	done > "$OUT/versions.txt"
}

main() {
	local kpkg kver kdeb bbdeb ko koe
	check_tools
	mkdir -p "$DEBS"
	kpkg=$(kernel_package)
	kver=${kpkg#linux-image-}
	kdeb=$(fetch_deb "$kpkg")
	bbdeb=$(fetch_deb busybox-static)
	extract "$kdeb"
	extract "$bbdeb"
	write_versions "$kdeb" "$bbdeb"

	up_to_date "$OUT/vmlinux" "$OUT/boot/vmlinuz-$kver" ||
		extract_vmlinux "$OUT/boot/vmlinuz-$kver" "$OUT/vmlinux"
	ko=$(find_module "$kver" e1000)
	koe=$(find_module "$kver" e1000e)
	build_program lsend
	build_program lecho
	build_initramfs "$ko" "$koe"
	say "ready: $OUT/vmlinux, $OUT/initramfs.cpio.gz ($(paste -sd, "$OUT/versions.txt" | sed 's/,/, /g'))"
}

main
