#!/bin/sh
# Builds newlib (Debian's newlib-source) for x86_64-elf into $1 (build/newlib).
#
# There is no x86_64-elf cross compiler in Debian, and none is needed: the host
# gcc and binutils emit x86-64 code already.  Thin wrappers named
# x86_64-elf-* put the kernel's code-generation flags on every compile and
# keep the host's (Linux) headers and defines out, so newlib's configure sees
# a bare-metal target.
set -eu

out=$(realpath -m "$1")
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
[ -f "$tarball" ] || { echo "build-newlib: $tarball missing (apt-get install newlib-source)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/bin" "$out/src" "$out/obj"

gccinc=$(gcc -print-file-name=include)
cat > "$out/bin/x86_64-elf-gcc" <<WRAP
#!/bin/sh
exec gcc -ffreestanding -mno-red-zone -fno-pic -fno-pie -fno-stack-protector \\
	-fno-asynchronous-unwind-tables -nostdinc -isystem $gccinc \\
	-U__linux__ -U__linux -Ulinux -U__unix__ -U__unix -Uunix -U__gnu_linux__ \\
	"\$@"
WRAP
chmod +x "$out/bin/x86_64-elf-gcc"
for t in ar as ld nm ranlib objcopy objdump strip readelf; do
	ln -sf "$(command -v $t)" "$out/bin/x86_64-elf-$t"
done
ln -sf x86_64-elf-gcc "$out/bin/x86_64-elf-cc"

tar -xJf "$tarball" -C "$out/src" --strip-components=1

cd "$out/obj"
PATH="$out/bin:$PATH" "$out/src/newlib/configure" \
	--target=x86_64-elf --host=x86_64-elf --build="$(gcc -dumpmachine)" \
	--prefix="$out/install" \
	--disable-multilib \
	--disable-newlib-supplied-syscalls \
	--disable-newlib-multithread \
	--enable-newlib-io-long-long \
	--enable-newlib-io-c99-formats \
	--enable-newlib-nano-malloc \
	CC=x86_64-elf-gcc AR=x86_64-elf-ar RANLIB=x86_64-elf-ranlib AS=x86_64-elf-as \
	CFLAGS="-O2 -g" > "$out/configure.log" 2>&1 ||
	{ tail -30 "$out/configure.log" >&2; exit 1; }
PATH="$out/bin:$PATH" make -j"$(nproc)" > "$out/make.log" 2>&1 ||
	{ tail -30 "$out/make.log" >&2; exit 1; }
PATH="$out/bin:$PATH" make install > "$out/install.log" 2>&1 ||
	{ tail -30 "$out/install.log" >&2; exit 1; }
echo "build-newlib: $(find "$out/install" -name libc.a)"
