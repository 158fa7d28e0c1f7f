# SPDX-License-Identifier: Apache-2.0
# One Makefile for the library, the CLI, the test firmware, the tests and the
# fuzzers.  Sources are found by folder so each module owns its directory.
#
#   make            library (build/libvmm.a), CLI (build/vmm), test firmware, tests
#   make check      every test: unit + fuzz-corpus replay (ASan+UBSan),
#                   test-firmware suite, OVMF end to end; without /dev/kvm
#                   the KVM suites run on a nested KVM (tests/nested/run.sh)
#   make check-unit unit tests and corpus replay only (no KVM needed)
#   make check-fw   test firmware, SEV sim, valgrind on real KVM (minutes)
#   make check-ovmf real OVMF boots
#   make fuzz       libFuzzer binaries (clang), FUZZ_SECONDS=N runs each
#   make bench      side-by-side performance ratios
#   make install    CLI, libvmm.so.0 + libvmm.a, <vmm/vmm.h>, libvmm.pc, man
#                   pages under $(DESTDIR)$(PREFIX) (PREFIX=/usr/local)

CC       ?= gcc
CLANG    ?= clang
O        ?= build
WERROR   ?= 1

WARNINGS := -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	    -Wold-style-definition -Wundef -Wwrite-strings -Wshadow \
	    -Wno-unused-parameter -Wvla
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

CPPFLAGS := -D_GNU_SOURCE -I. -Ivmm/include
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -fno-strict-aliasing $(WARNINGS) -fvisibility=hidden
# Library objects go into libvmm.so too.
LIB_CFLAGS := -fPIC

VERSION  := $(shell sed -n 's/^\#define VMM_VERSION_STRING "\(.*\)"/\1/p' vmm/include/vmm.h)
SOMAJOR  := $(firstword $(subst ., ,$(VERSION)))
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR   ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer
# The CLI never links libcrypto: sev/ loads it on first use (crypto_dl.h).
# libseccomp is used at build time only (vmm/gen/sandbox_gen.c).
LDLIBS   := -lfdt -ljson-c -lm
# The CLI takes only the objects it uses of Debian's libfdt.a and
# libjson-c.a: no shared objects to map and relocate at every start
# (about 0.1 ms and 100 KiB resident on PVM).
CLI_LDLIBS := -Wl,-Bstatic -lfdt -ljson-c -Wl,-Bdynamic -lm
TEST_LDLIBS := -lcrypto $(LDLIBS)
CPPFLAGS += -I$(O)/gen

LIB_SRCS := $(filter-out vmm/main.c vmm/cli_%.c,$(wildcard vmm/*.c vmm/emu/*.c \
	    devices/*/*.c firmware/*.c sev/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/obj/%.o)
SAN_OBJS := $(LIB_SRCS:%.c=$(O)/san/%.o)

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BINS := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(O)/tests/replay_%)
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(O)/fuzz/fuzz_%)

FW_SRCS  := $(wildcard firmware/testfw/*.S)
FW_IMAGE := $(O)/testfw.bin

SONAME   := libvmm.so.$(SOMAJOR)
SHLIB    := $(O)/libvmm.so.$(VERSION)

all: $(O)/libvmm.a $(SHLIB) $(O)/vmm $(UNIT_BINS) $(REPLAY_BINS) \
	$(O)/tests/kvm_replay_vm $(O)/tests/restore_test $(O)/tests/fdt_check $(FW_IMAGE)

# The sandbox's seccomp program, compiled by libseccomp at build time.
SANDBOX_FILTER := $(O)/gen/sandbox_filter.h
$(O)/gen/sandbox_gen: vmm/gen/sandbox_gen.c vmm/kvm.c vmm/kvm.h vmm/sandbox.h \
		vmm/include/vmm.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -O2 -std=gnu11 $(WARNINGS) -o $@ vmm/gen/sandbox_gen.c \
		vmm/kvm.c -lseccomp

$(SANDBOX_FILTER): $(O)/gen/sandbox_gen
	$< > $@.tmp && mv $@.tmp $@

$(O)/obj/vmm/sandbox.o $(O)/san/vmm/sandbox.o: $(SANDBOX_FILTER)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

$(O)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@

$(O)/libvmm.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# Only vmm_* is exported (vmm/libvmm.map); -z defs: no undefined symbol.
$(SHLIB): $(LIB_OBJS) vmm/libvmm.map
	$(CC) $(CFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=vmm/libvmm.map -Wl,-z,defs -Wl,-z,now \
		-Wl,-z,relro -o $@ $(LIB_OBJS) $(LDLIBS)
	ln -sf $(notdir $@) $(O)/$(SONAME)
	ln -sf $(SONAME) $(O)/libvmm.so

# Written at install time: its paths are the install's PREFIX and LIBDIR.
PC_SED := sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@LIBS_PRIVATE@|$(LDLIBS)|'

install: $(O)/vmm $(O)/libvmm.a $(SHLIB)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR)/vmm $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 755 $(O)/vmm $(DESTDIR)$(BINDIR)/vmm
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libvmm.so
	install -m 644 $(O)/libvmm.a $(DESTDIR)$(LIBDIR)/
	install -m 644 vmm/include/vmm.h $(DESTDIR)$(INCLUDEDIR)/vmm/vmm.h
	$(PC_SED) vmm/libvmm.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libvmm.pc
	install -m 644 man/vmm.1 $(DESTDIR)$(MANDIR)/man1/vmm.1
	install -m 644 man/libvmm.3 $(DESTDIR)$(MANDIR)/man3/libvmm.3

$(O)/san/libvmm.a: $(SAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

CLI_OBJS := $(patsubst %.c,$(O)/obj/%.o,vmm/main.c $(wildcard vmm/cli_*.c))

$(O)/vmm: $(CLI_OBJS) $(O)/libvmm.a
	$(CC) $(CFLAGS) -o $@ $^ $(CLI_LDLIBS)

# A unit test may ask for extra link flags (e.g. -Wl,--wrap=ioctl) in a
# sibling file tests/unit/test_X.ldflags.
$(O)/tests/test_%: tests/unit/test_%.c $(O)/san/libvmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -Wno-missing-prototypes -o $@ $< \
		$(O)/san/libvmm.a $(shell cat tests/unit/test_$*.ldflags 2>/dev/null) \
		-lcmocka $(TEST_LDLIBS)

# A fuzz target may ask for extra link flags the same way, in
# tests/fuzz/fuzz_X.ldflags (both its replay and its libFuzzer binary).
$(O)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(O)/san/libvmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -Wno-missing-prototypes -o $@ \
		tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(O)/san/libvmm.a \
		$(shell cat tests/fuzz/fuzz_$*.ldflags 2>/dev/null) $(TEST_LDLIBS)

$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) $(SANDBOX_FILTER)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined \
		-Wno-missing-prototypes -o $@ $< $(LIB_SRCS) \
		$(shell cat tests/fuzz/fuzz_$*.ldflags 2>/dev/null) $(TEST_LDLIBS)

# The in-tree test firmware: flat image that ends at 4 GiB.
$(FW_IMAGE): $(FW_SRCS) firmware/testfw/testfw.ld
	@mkdir -p $(O)/fw
	$(CC) -c -nostdlib -o $(O)/fw/testfw.o firmware/testfw/testfw.S
	ld -T firmware/testfw/testfw.ld -o $(O)/fw/testfw.elf $(O)/fw/testfw.o
	objcopy -O binary $(O)/fw/testfw.elf $@

check: all
	tests/run-checks.sh all

check-unit: $(UNIT_BINS) $(REPLAY_BINS) $(O)/vmm $(O)/libvmm.a $(SHLIB)
	tests/run-checks.sh unit

check-fw: all
	tests/run-checks.sh fw

check-ovmf: all
	tests/run-checks.sh ovmf

# The whole-VM target needs KVM: its corpus is replayed by the fw suite.
VMFUZZ_SRCS := tests/fuzz/vm/fuzz_vm.c tests/fuzz/vm/harness.c
VMFUZZ_HDRS := tests/fuzz/vm/harness.h vmm/include/vmm.h

$(O)/tests/kvm_replay_vm: $(VMFUZZ_SRCS) $(VMFUZZ_HDRS) tests/fuzz/replay.c $(O)/san/libvmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -DFUZZ_VM_TWICE -o $@ \
		$(VMFUZZ_SRCS) tests/fuzz/replay.c $(O)/san/libvmm.a $(TEST_LDLIBS)

$(O)/tests/restore_test: tests/fuzz/vm/restore_test.c tests/fuzz/vm/harness.c $(VMFUZZ_HDRS) \
		$(O)/san/libvmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -o $@ tests/fuzz/vm/restore_test.c \
		tests/fuzz/vm/harness.c $(O)/san/libvmm.a $(TEST_LDLIBS)

$(O)/tests/fdt_check: tests/fw/fdt_check.c $(O)/san/libvmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -o $@ $< $(O)/san/libvmm.a $(TEST_LDLIBS)

$(O)/fuzz/fuzz_vm: $(VMFUZZ_SRCS) $(VMFUZZ_HDRS) $(LIB_SRCS) $(SANDBOX_FILTER)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined \
		-o $@ $(VMFUZZ_SRCS) $(LIB_SRCS) $(TEST_LDLIBS)

fuzz: $(FUZZ_BINS) $(O)/fuzz/fuzz_vm $(FW_IMAGE)
	@for f in $(FUZZ_BINS) $(O)/fuzz/fuzz_vm; do n=$${f##*/fuzz_}; \
		if [ $$n = vm ] && [ ! -w /dev/kvm ]; then echo "SKIP fuzz vm: no usable /dev/kvm"; continue; fi; \
		mkdir -p $(O)/fuzz/corpus-$$n; \
		VMM_FUZZ_FIRMWARE=$(FW_IMAGE) $$f -max_total_time=$${FUZZ_SECONDS:-60} \
			$(O)/fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; done

BENCH_N ?= 20000
$(O)/bench/fuzzbench: tests/bench/fuzzbench.c tests/fuzz/vm/harness.c \
		$(VMFUZZ_HDRS) $(O)/libvmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ tests/bench/fuzzbench.c \
		tests/fuzz/vm/harness.c $(O)/libvmm.a $(LDLIBS)

$(O)/bench/bare: tests/bench/bare.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $<

$(O)/bench/fw-%.bin: tests/bench/fw.S tests/bench/fw.ld
	@mkdir -p $(dir $@)
	$(CC) -c $(if $(filter io,$*),-DBENCH_IO) $(if $(filter pflash,$*),-DBENCH_PFLASH) \
		-DBENCH_N=$(BENCH_N) -o $(O)/bench/fw-$*.o $<
	ld -T tests/bench/fw.ld -o $(O)/bench/fw-$*.elf $(O)/bench/fw-$*.o
	objcopy -O binary $(O)/bench/fw-$*.elf $@

bench: $(O)/vmm $(O)/bench/bare $(O)/bench/fw-start.bin $(O)/bench/fw-io.bin \
	$(O)/bench/fw-pflash.bin $(O)/bench/fuzzbench $(FW_IMAGE)
	BENCH_N=$(BENCH_N) tests/bench/bench.py $(O)

clean:
	rm -rf $(O)

.PHONY: all check check-unit check-fw check-ovmf fuzz bench clean install
.SECONDARY:
-include $(shell find $(O) -name '*.d' 2>/dev/null)
