# The unikernel: a flat Makefile with explicit object lists.
#
#   make            build/kernel.elf and build/unikernel.iso
#   make run        the main job: send, and verify on the host (scripts/run.sh)
#   make test       unit tests and QEMU tests, then one "N passed, N failed, N skipped" line
#   make iso ARGS="count=10"   an ISO with another default command line
#   make bench      this kernel beside a Linux guest and DPDK on the same QEMU (docs/performance.md)
#   make bare       build/bare/kernel.elf: the same kernel without any instrument hooks
#   make gdb        QEMU waiting for gdb, and gdb attached with symbols
#   make lab N=3 DEST=dir   the student tree of lab 3 (docs/labs/)
#   make grade [N=3]        grade the labs (all, or lab 3), offline, no root

BUILD    := build
NEWLIB   := $(BUILD)/newlib/install/x86_64-elf
LIBC     := $(NEWLIB)/lib/libc.a
GCCINC   := $(shell gcc -print-file-name=include)
LIBGCC   := $(shell gcc -print-libgcc-file-name)
ARGS     ?=
PYTHON   := /usr/bin/python3
QEMU     := qemu-system-x86_64

CC       := gcc
# -fbuiltin after -ffreestanding: newlib is the C library, so gcc may put a
# small memcpy or memset inline instead of calling it.
KCFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	    -ffreestanding -fbuiltin -mno-red-zone -fno-pic -fno-pie -fno-stack-protector \
	    -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	    --param=min-pagesize=0 \
	    -nostdinc -isystem $(NEWLIB)/include -isystem $(GCCINC) -I. -MMD -MP
KLDFLAGS := -nostdlib -static -no-pie -T linker.ld \
	    -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none \
	    -Wl,--no-warn-rwx-segments -Wl,--no-warn-execstack

# The layers, bottom to top: boot/, kernel/, drivers/, net/, app/.  Between
# folders every include and call points down; inside one, files call each
# other.
KOBJS := \
	boot/boot.o \
	kernel/console.o \
	kernel/exit.o \
	kernel/trap.o \
	kernel/vectors.o \
	kernel/acpi.o \
	kernel/apic.o \
	kernel/bootinfo.o \
	kernel/mem.o \
	kernel/time.o \
	kernel/cmdline.o \
	kernel/hist.o \
	kernel/lat.o \
	kernel/patch.o \
	kernel/ksyms.o \
	kernel/ftrace.o \
	kernel/ftrace_entry.o \
	kernel/trace_fmt.o \
	drivers/pci.o \
	drivers/e1000_hw.o \
	drivers/e1000_ring.o \
	drivers/e1000_intr.o \
	drivers/e1000.o \
	drivers/e1000_rawtest.o \
	net/netif.o \
	net/checksum.o \
	net/eth.o \
	net/arp.o \
	net/ip.o \
	net/udp.o \
	net/icmp.o \
	net/socket.o \
	net/send.o \
	net/recv.o \
	app/bare.o \
	app/app.o \
	app/syscalls.o \
	app/main.o

KOBJS := $(addprefix $(BUILD)/obj/,$(KOBJS))

# Traced: everything but the instruments themselves, the driver's self-test
# and app/ on top.  gcc starts each of their functions with a 5-byte nop and lists the
# nops in __mcount_loc; trace=1 patches them into calls (kernel/ftrace.h).
# The tracer's C part may not touch the SSE registers it does not save.
TRACED := kernel/console.o kernel/exit.o kernel/trap.o kernel/acpi.o kernel/apic.o \
	  kernel/bootinfo.o kernel/mem.o kernel/time.o kernel/cmdline.o \
	  drivers/pci.o drivers/e1000.o drivers/e1000_hw.o drivers/e1000_ring.o drivers/e1000_intr.o \
	  net/netif.o net/checksum.o net/eth.o net/arp.o net/ip.o net/udp.o net/icmp.o \
	  net/socket.o net/send.o net/recv.o
TRACEFLAGS := -pg -mfentry -mnop-mcount -mrecord-mcount
$(addprefix $(BUILD)/obj/,$(TRACED)): KCFLAGS += $(TRACEFLAGS)
$(BUILD)/obj/kernel/ftrace.o $(BUILD)/bare/kernel/ftrace.o: KCFLAGS += -mgeneral-regs-only

# The same kernel with no instrument hooks at all: no tracing nops, no
# stamp points (LAT_NO_STAMPS).  make bench runs it beside the shipped one
# to show what the nops cost.  Its trace=1 and stages=1 record nothing.
BARE_OBJS := $(patsubst $(BUILD)/obj/%,$(BUILD)/bare/%,$(KOBJS))

# Host unit tests (cmocka): each test_X links the modules it tests.
HOSTCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -fsanitize=address,undefined
UNIT_TESTS := test_console test_pci test_e1000_hw test_e1000_ring test_e1000_intr test_cmdline \
	      test_checksum test_net test_hist test_trace_fmt test_lat test_patch
UNIT_BINS  := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

# Host programs: the receiver of `make run` and of the tests.
HOST_BINS  := $(BUILD)/host/udp_receiver $(BUILD)/host/udp_pingpong $(BUILD)/host/tap_blast

.PHONY: all iso run test unit host fuzzers fuzz bench soak bare lab grade gdb deps clean distclean
all: $(BUILD)/kernel.elf $(BUILD)/unikernel.iso $(HOST_BINS)

deps:
	@scripts/deps.sh

$(LIBC):
	scripts/build-newlib.sh $(BUILD)/newlib

$(BUILD)/obj/%.o: %.c $(LIBC)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/bare/%.o: %.c $(LIBC)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -DLAT_NO_STAMPS -c $< -o $@

$(BUILD)/bare/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

# The 64-bit kernel with symbols (for gdb), linked twice: the first link
# gives the addresses for the tracer's symbol table (build/ksyms.c), the
# second links that table in.  The table is in .rodata, after .text, so no
# function moves; the check after the second link makes sure of it.
$(BUILD)/ksyms0.c: scripts/gen-ksyms.sh
	@mkdir -p $(BUILD)
	scripts/gen-ksyms.sh > $@

$(BUILD)/ksyms.c: $(BUILD)/kernel64.pass1.elf scripts/gen-ksyms.sh
	scripts/gen-ksyms.sh $< > $@

$(BUILD)/obj/ksyms0.o: $(BUILD)/ksyms0.c $(LIBC)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/obj/ksyms.o: $(BUILD)/ksyms.c $(LIBC)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/kernel64.pass1.elf: $(KOBJS) $(BUILD)/obj/ksyms0.o linker.ld $(LIBC)
	$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/obj/ksyms0.o $(LIBC) $(LIBGCC)

$(BUILD)/kernel64.elf: $(KOBJS) $(BUILD)/obj/ksyms.o linker.ld $(LIBC)
	$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/obj/ksyms.o $(LIBC) $(LIBGCC)
	@scripts/gen-ksyms.sh $@ | cmp -s - $(BUILD)/ksyms.c || \
		{ echo "ksyms: functions moved between the two links" >&2; rm -f $@; exit 1; }

$(BUILD)/kernel.elf: $(BUILD)/kernel64.elf
	objcopy -O elf32-i386 $< $@

# No symbol table: nothing is traced in it.
$(BUILD)/bare/kernel64.elf: $(BARE_OBJS) $(BUILD)/obj/ksyms0.o linker.ld $(LIBC)
	$(CC) $(KLDFLAGS) -o $@ $(BARE_OBJS) $(BUILD)/obj/ksyms0.o $(LIBC) $(LIBGCC)

$(BUILD)/bare/kernel.elf: $(BUILD)/bare/kernel64.elf
	objcopy -O elf32-i386 $< $@

bare: $(BUILD)/bare/kernel.elf

# The ISO's command line is remembered so that a change of ARGS rebuilds it.
$(BUILD)/iso-args: FORCE
	@mkdir -p $(BUILD)
	@echo '$(ARGS)' | cmp -s - $@ || echo '$(ARGS)' > $@

$(BUILD)/unikernel.iso: $(BUILD)/kernel.elf $(BUILD)/iso-args scripts/mkiso.sh
	scripts/mkiso.sh $@ $(BUILD)/kernel.elf "$(ARGS)"

iso: $(BUILD)/unikernel.iso

$(BUILD)/unit/test_cmdline: tests/unit/test_cmdline.c kernel/cmdline.c kernel/cmdline.h
	@mkdir -p $(dir $@)
	$(CC) $(HOSTCFLAGS) -o $@ tests/unit/test_cmdline.c kernel/cmdline.c -lcmocka

$(BUILD)/unit/test_e1000_ring: tests/unit/test_e1000_ring.c tests/unit/nic_model.c \
		tests/unit/nic_model.h drivers/e1000_ring.c drivers/e1000.h drivers/e1000_regs.h
	@mkdir -p $(dir $@)
	$(CC) $(HOSTCFLAGS) -o $@ tests/unit/test_e1000_ring.c tests/unit/nic_model.c \
		drivers/e1000_ring.c -lcmocka

$(BUILD)/unit/test_hist: tests/unit/test_hist.c kernel/hist.c kernel/hist.h
	@mkdir -p $(dir $@)
	$(CC) $(HOSTCFLAGS) -o $@ tests/unit/test_hist.c kernel/hist.c -lcmocka

$(BUILD)/unit/test_trace_fmt: tests/unit/test_trace_fmt.c kernel/trace_fmt.c kernel/trace_fmt.h
	@mkdir -p $(dir $@)
	$(CC) $(HOSTCFLAGS) -o $@ tests/unit/test_trace_fmt.c kernel/trace_fmt.c -lcmocka

# Kernel code on the host: tests/unit/shim comes before -I. so that the
# kernel-only headers it includes (kernel/x86.h, kernel/time.h) are the
# shims, whose port I/O and clock the test itself provides.
SHIM     := -Itests/unit/shim
SHIMS    := tests/unit/shim/kernel/x86.h tests/unit/shim/kernel/time.h
E1000_HOST := tests/unit/nic_model.c drivers/e1000_hw.c drivers/e1000_intr.c \
	      drivers/e1000_ring.c kernel/lat.c kernel/hist.c kernel/patch.c
E1000_HDRS := tests/unit/nic_model.h drivers/e1000.h drivers/e1000_regs.h kernel/lat.h $(SHIMS)

$(BUILD)/unit/test_console: tests/unit/test_console.c kernel/console.c kernel/console.h $(SHIMS)
	@mkdir -p $(dir $@)
	$(CC) $(SHIM) $(HOSTCFLAGS) -o $@ tests/unit/test_console.c kernel/console.c -lcmocka

$(BUILD)/unit/test_pci: tests/unit/test_pci.c drivers/pci.c drivers/pci.h kernel/acpi.h kernel/mem.h $(SHIMS)
	@mkdir -p $(dir $@)
	$(CC) $(SHIM) $(HOSTCFLAGS) -o $@ tests/unit/test_pci.c drivers/pci.c -lcmocka

$(BUILD)/unit/test_e1000_hw: tests/unit/test_e1000_hw.c $(E1000_HOST) $(E1000_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(SHIM) $(HOSTCFLAGS) -o $@ tests/unit/test_e1000_hw.c $(E1000_HOST) -lcmocka

$(BUILD)/unit/test_e1000_intr: tests/unit/test_e1000_intr.c $(E1000_HOST) $(E1000_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(SHIM) $(HOSTCFLAGS) -o $@ tests/unit/test_e1000_intr.c $(E1000_HOST) -lcmocka

$(BUILD)/unit/test_lat: tests/unit/test_lat.c kernel/lat.c kernel/hist.c kernel/patch.c kernel/lat.h $(SHIMS)
	@mkdir -p $(dir $@)
	$(CC) $(SHIM) $(HOSTCFLAGS) -o $@ tests/unit/test_lat.c kernel/lat.c kernel/hist.c kernel/patch.c -lcmocka

$(BUILD)/unit/test_patch: tests/unit/test_patch.c kernel/patch.c kernel/patch.h
	@mkdir -p $(dir $@)
	$(CC) $(HOSTCFLAGS) -o $@ tests/unit/test_patch.c kernel/patch.c -lcmocka

$(BUILD)/unit/test_checksum: tests/unit/test_checksum.c net/checksum.c net/checksum.h
	@mkdir -p $(dir $@)
	$(CC) $(HOSTCFLAGS) -o $@ tests/unit/test_checksum.c net/checksum.c -lcmocka

# The network stack against a model NIC.  tests/unit/shim comes before -I.
# so that the kernel-only headers the net code includes (kernel/x86.h,
# kernel/time.h) are the host shims, not the real ones.
# socket(), sendmsg() ... are defined in the binary itself and take
# precedence over libc's (and ASan's interceptors), so the sanitizers stay.
NET_STACK_SRCS := tests/unit/net_model.c tests/unit/nic_model.c \
		 net/netif.c net/checksum.c net/eth.c \
		 net/arp.c net/ip.c net/udp.c net/icmp.c net/socket.c net/send.c net/recv.c \
		 drivers/e1000_ring.c kernel/cmdline.c kernel/lat.c kernel/hist.c kernel/patch.c
NET_TEST_SRCS := tests/unit/test_net.c $(NET_STACK_SRCS)
NET_TEST_HDRS := net/net.h net/socket.h net/sock.h net/checksum.h net/byteorder.h \
		 drivers/e1000.h drivers/e1000_regs.h kernel/cmdline.h kernel/lat.h kernel/patch.h \
		 tests/unit/net_model.h tests/unit/nic_model.h \
		 tests/unit/shim/kernel/x86.h tests/unit/shim/kernel/time.h

$(BUILD)/unit/test_net: $(NET_TEST_SRCS) $(NET_TEST_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -Itests/unit/shim $(HOSTCFLAGS) -o $@ $(NET_TEST_SRCS) -lcmocka

unit: $(UNIT_BINS)

# libFuzzer harnesses (tests/fuzz/): clang with its sanitizers, the stack
# on the unit tests' model NIC.  make fuzz runs each for FUZZ_TIME seconds.
FUZZERS    := eth rx arp ip udp icmp cmdline
FUZZ_BINS  := $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZERS))
FUZZ_CC    := clang
FUZZCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
	      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TIME  ?= 60

$(BUILD)/fuzz/fuzz_cmdline: tests/fuzz/fuzz_cmdline.c kernel/cmdline.c kernel/cmdline.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZCFLAGS) -o $@ tests/fuzz/fuzz_cmdline.c kernel/cmdline.c

$(BUILD)/fuzz/fuzz_udp $(BUILD)/fuzz/fuzz_icmp: tests/fuzz/fuzz_l4.c tests/fuzz/fuzz_l4.h

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.c tests/fuzz/fuzz.h \
		      $(NET_STACK_SRCS) $(NET_TEST_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -Itests/unit/shim $(FUZZCFLAGS) -o $@ $< tests/fuzz/fuzz_common.c \
		$(if $(filter fuzz_udp fuzz_icmp,$(notdir $@)),tests/fuzz/fuzz_l4.c) \
		$(NET_STACK_SRCS) -lcmocka

fuzzers: $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzzers
	@$(PYTHON) tests/fuzz/run.py --time $(FUZZ_TIME)

# Host programs
$(BUILD)/host/%: tests/host/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

host: $(HOST_BINS)

test: deps
	@$(MAKE) --no-print-directory all bare unit host fuzzers
	@$(PYTHON) tests/run.py $(UNIT_BINS)

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh $(ARGS)

# This kernel, its bare build, Linux and DPDK side by side; report in
# build/bench, copied to docs/performance.md.
bench: deps
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all host bare
	@scripts/linux-guest.sh $(BUILD)/linux
	@$(PYTHON) tests/bench/bench.py --publish docs

# docs/reliability.md: ten million datagrams through the tap, then a sweep
# of rings, batches and sizes, every datagram checked (build/soak/report.md).
SOAK_COUNT ?= 10000000
soak: deps
	@$(MAKE) --no-print-directory all host
	@$(PYTHON) tests/soak/soak.py --count $(SOAK_COUNT)

# The labs (docs/labs/): a student tree for lab N, and the grader.
lab:
	@test -n "$(N)" -a -n "$(DEST)" || { echo "usage: make lab N=1..6 DEST=dir"; exit 2; }
	@$(PYTHON) scripts/mklab.py $(N) $(DEST)

grade: deps
	@$(PYTHON) tests/grade/grade.py $(if $(N),--lab $(N))

# An e1000 on QEMU's user network: the driver can be debugged without root.
GDB_NET ?= -netdev user,id=n0 -device e1000,netdev=n0
gdb: $(BUILD)/kernel.elf
	$(QEMU) -kernel $(BUILD)/kernel.elf -append "$(ARGS)" $(GDB_NET) \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -display none \
		-serial mon:stdio -S -gdb tcp:127.0.0.1:1234 & \
	gdb -q -ex 'target remote 127.0.0.1:1234' -ex 'hbreak kmain' -ex continue \
		$(BUILD)/kernel64.elf

clean:
	rm -rf $(BUILD)/obj $(BUILD)/bare $(BUILD)/unit $(BUILD)/host $(BUILD)/*.elf $(BUILD)/*.iso $(BUILD)/iso*

distclean:
	rm -rf $(BUILD)

.PHONY: FORCE
FORCE:

# Flags live here: a change to the Makefile rebuilds the kernel.
$(KOBJS) $(BARE_OBJS): Makefile

-include $(KOBJS:.o=.d) $(BARE_OBJS:.o=.d)

linux-guest: ; scripts/linux-guest.sh build/linux
dpdk-guest: linux-guest ; scripts/dpdk-guest.sh build/linux build/dpdk
