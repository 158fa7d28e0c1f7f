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
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer
# The CLI never links libcrypto: sev/ loads it on first use (crypto_dl.h).
LDLIBS   := -lm
TEST_LDLIBS := -lcrypto -lm

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

all: $(O)/libvmm.a $(O)/vmm $(UNIT_BINS) $(REPLAY_BINS) $(FW_IMAGE)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(O)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@

$(O)/libvmm.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/san/libvmm.a: $(SAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

CLI_OBJS := $(patsubst %.c,$(O)/obj/%.o,vmm/main.c $(wildcard vmm/cli_*.c))

$(O)/vmm: $(CLI_OBJS) $(O)/libvmm.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# A unit test may ask for extra link flags (e.g. -Wl,--wrap=ioctl) in a
# sibling file tests/unit/test_X.ldflags.
$(O)/tests/test_%: tests/unit/test_%.c $(O)/san/libvmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -Wno-missing-prototypes -o $@ $< \
		$(O)/san/libvmm.a $(shell cat tests/unit/test_$*.ldflags 2>/dev/null) \
		-lcmocka $(TEST_LDLIBS)

$(O)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(O)/san/libvmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -Wno-missing-prototypes -o $@ \
		tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(O)/san/libvmm.a $(TEST_LDLIBS)

$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined \
		-Wno-missing-prototypes -o $@ $< $(LIB_SRCS) $(TEST_LDLIBS)

# The in-tree test firmware: flat image that ends at 4 GiB.
$(FW_IMAGE): $(FW_SRCS) firmware/testfw/testfw.ld
	@mkdir -p $(O)/fw
	$(CC) -c -nostdlib -o $(O)/fw/testfw.o firmware/testfw/testfw.S
	ld -T firmware/testfw/testfw.ld -o $(O)/fw/testfw.elf $(O)/fw/testfw.o
	objcopy -O binary $(O)/fw/testfw.elf $@

check: all
	tests/run-checks.sh all

check-unit: $(UNIT_BINS) $(REPLAY_BINS)
	tests/run-checks.sh unit

check-fw: all
	tests/run-checks.sh fw

check-ovmf: all
	tests/run-checks.sh ovmf

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do n=$${f##*/fuzz_}; mkdir -p $(O)/fuzz/corpus-$$n; \
		$$f -max_total_time=$${FUZZ_SECONDS:-60} $(O)/fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; done

BENCH_N ?= 20000
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
	$(O)/bench/fw-pflash.bin
	BENCH_N=$(BENCH_N) tests/bench/bench.py $(O)

clean:
	rm -rf $(O)

.PHONY: all check check-unit check-fw check-ovmf fuzz bench clean
.SECONDARY:
-include $(shell find $(O) -name '*.d' 2>/dev/null)
