#!/bin/sh
# mkiso.sh OUT.iso KERNEL.elf "ARGS": a GRUB rescue image that boots KERNEL
# with ARGS, GRUB on COM1 at 115200 and no menu delay.
set -eu
out=$1 kernel=$2 args=${3:-}

dir=$(mktemp -d) log=$(mktemp)	# the log outside the tree being packed
trap 'rm -rf "$dir" "$log"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/kernel.elf"
cat > "$dir/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
terminal_input serial
terminal_output serial
set timeout=0
set default=0
menuentry "unikernel" {
	multiboot /boot/kernel.elf $args
	boot
}
CFG
grub-mkrescue -o "$out" "$dir" 2>"$log" || { cat "$log" >&2; exit 1; }
