# SPDX-License-Identifier: GPL-2.0
#
# vmalock-bench. The two set-up-free commands README names:
#   make bench   set up, boot the default kernel in qemu, run the default suite
#   make check   set up, run every host check and the in-VM tests on 6.12 and 6.1
# The kernel A/B report (also sets up what it needs):
#   make ab      6.1, 6.12 and 7.2 (Debian's newest, fetched if missing), each
#                with the VMA lock off too where it can; report.md + plots
#   make ab-seeds  one pair of kernels per seed (plain vs patched 6.12,
#                built and cached on first use: slow), A/B of each pair
# Building blocks:
#   make setup         install packages and test kernels (scripts/setup)
#   make all           the tool and the in-VM tests (user/)
#   make module        the module for KERNEL=6.12|6.1|RELEASE, W=1
#   make dkms-install  register with DKMS, build for every installed kernel
#   make check-host    only the host-side checks
#   make check-debug   the in-VM suite on a lockdep + KASAN kernel (built once)
#   make newest        fetch Debian's newest kernel (sid) into build/newest/
#   make check-newest  the host checks and in-VM suite on Debian's newest kernel
#   make kselftest-install [KSFT_INSTALL=DIR]  the in-VM tests as a kselftest
#                      collection: DIR/run_kselftest.sh -c vmalock_bench
#   make kselftest-tar the same, packed: build/kselftest-vmalock_bench.tar.gz
#   make probes        build/samevma (scripts/probes/): for vm-run --add
#   KERNEL=6.1|RELEASE|DIR selects the kernel of bench, module and check
#   make clean
#
# Kbuild (next to this file) describes the module; kbuild reads it, not this
# Makefile, when it builds with M=. The guard keeps a stray include harmless.
ifeq ($(KBUILD_MODULES),)

SHELL := /bin/bash
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
BUILD := build
# KERNEL: 6.12 (the default), 6.1, an installed release, or a configured and
# built kernel tree (a directory; see scripts/build-kernel).
KERNEL ?= 6.12
# make check runs both Debian kernels unless KERNEL is given.
CHECK_KERNELS := $(if $(filter command line environment,$(origin KERNEL)),$(KERNEL),6.12,6.1)

CC ?= gcc
AR ?= ar
CFLAGS_COMMON := -O2 -g -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
	-Iuser -Imodule -I$(BUILD)/ksft -DVMB_VERSION='"$(VERSION)"'
# Static binaries: the VM's initramfs has busybox and little else.
LDFLAGS_STATIC := -static -pthread
LDLIBS := -lm

# user/lib: the module's interface, one library for the tool, the in-VM
# tests and the host tests (README, "map of the code").
LIB := $(BUILD)/user/libvmb.a
LIB_SRCS := $(sort $(wildcard user/lib/*.c))
LIB_OBJS := $(LIB_SRCS:user/%.c=$(BUILD)/user/%.o)
UAPI := module/vmalock_bench_uapi.h
LIB_HDRS := $(wildcard user/lib/*.h) $(UAPI)

# The tool: the in-VM runner (user/run) and the host-side analysis
# (user/report), one binary.
TOOL := user/vmalock-bench
TOOL_SRCS := $(sort $(wildcard user/run/*.c user/report/*.c))
TOOL_HDRS := $(wildcard user/run/*.h user/report/*.h) $(LIB_HDRS)
# In-VM tests: one binary per user/tests/*_test.c, linked with the other
# user/tests/*.c (what tests share beyond the library) and the library.
TEST_SRCS := $(sort $(wildcard user/tests/*_test.c))
TEST_HELPERS := $(filter-out $(TEST_SRCS),$(sort $(wildcard user/tests/*.c)))
TESTS := $(TEST_SRCS:.c=)
# Programs the in-VM tests run under "vmalock-bench exec" (static), and
# libraries they preload into other programs (lib*.c: shared).
PROGS := $(patsubst %.c,%,$(sort $(wildcard user/tests/progs/vmb-*.c))) \
	$(patsubst %.c,%.so,$(sort $(wildcard user/tests/progs/lib*.c)))
# Host-side tests of the tool (no kernel module needed): one binary per
# user/hosttests/*_test.c, linked with the other user/hosttests/*.c (what
# they share, common.h) and the tool's sources.
HTEST_SRCS := $(sort $(wildcard user/hosttests/*_test.c))
HTEST_HELPERS := $(filter-out $(HTEST_SRCS),$(sort $(wildcard user/hosttests/*.c)))
HTESTS := $(HTEST_SRCS:.c=)

.PHONY: all setup tool tests hosttests module modules dkms-install ksft \
	kselftest-install kselftest-tar \
	bench ab ab-seeds check check-debug check-host newest check-newest \
	probes clean help

all: tool tests

help:
	@sed -n 's/^#   //p' Makefile

setup:
	scripts/setup

# kselftest_harness.h comes from Debian's linux-source-6.12 at build time.
ksft: $(BUILD)/ksft/kselftest_harness.h
$(BUILD)/ksft/kselftest_harness.h:
	scripts/ksrc-extract $(BUILD)/ksft

$(BUILD)/user/%.o: user/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

tool: $(TOOL)
$(TOOL): $(TOOL_SRCS) $(TOOL_HDRS) $(LIB)
	$(CC) $(CFLAGS_COMMON) -o $@ $(TOOL_SRCS) $(LIB) $(LDFLAGS_STATIC) $(LDLIBS)

# Tests at -O0: kselftest_harness.h (6.12) longjmp()s out of a failed
# ASSERT into a wrapper whose non-volatile "pid_t child" gcc -O2 keeps in a
# register; it comes back clobbered and the child skips FIXTURE_TEARDOWN
# (a knob left armed, swap left on). At -O0 it lives in memory.
CFLAGS_TESTS := $(CFLAGS_COMMON) -O0
tests: $(TESTS) $(PROGS)
user/tests/progs/vmb-%: user/tests/progs/vmb-%.c
	$(CC) $(CFLAGS_COMMON) -o $@ $< $(LDFLAGS_STATIC)
user/tests/progs/lib%.so: user/tests/progs/lib%.c
	$(CC) $(CFLAGS_COMMON) -shared -fPIC -o $@ $< -pthread
user/tests/%_test: user/tests/%_test.c $(TEST_HELPERS) $(wildcard user/tests/*.h) \
		$(LIB) $(LIB_HDRS) $(BUILD)/ksft/kselftest_harness.h
	$(CC) $(CFLAGS_TESTS) -Iuser/tests -o $@ $< $(TEST_HELPERS) $(LIB) \
		$(LDFLAGS_STATIC) $(LDLIBS)

# Measurements the tool has no scenario for yet, static for vm-run --add.
probes: $(BUILD)/samevma
$(BUILD)/samevma: scripts/probes/samevma.c $(LIB) $(LIB_HDRS)
	$(CC) $(CFLAGS_COMMON) -o $@ $< $(LIB) $(LDFLAGS_STATIC) $(LDLIBS)

hosttests: $(HTESTS) $(TOOL)
user/hosttests/%_test: user/hosttests/%_test.c $(HTEST_HELPERS) \
		$(wildcard user/hosttests/*.h) \
		$(filter-out user/run/main.c,$(TOOL_SRCS)) \
		$(TOOL_HDRS) $(LIB) $(BUILD)/ksft/kselftest_harness.h
	$(CC) $(CFLAGS_TESTS) -Iuser/hosttests -o $@ $< $(HTEST_HELPERS) \
		$(filter-out user/run/main.c,$(TOOL_SRCS)) $(LIB) -pthread $(LDLIBS)

# The in-VM tests as the kselftest collection vmalock_bench, laid out as
# tools/testing/selftests' "make install" lays out its own: the runner
# (run_kselftest.sh, kselftest/) from linux-source-6.12, kept if DIR has
# one already; DIR/vmalock_bench/ with the tests, the tool they run,
# "config" and "settings" (the timeout of each test binary); and our lines
# of DIR/kselftest-list.txt. On a machine with the module installed (make
# dkms-install): DIR/run_kselftest.sh -c vmalock_bench.
KSFT_INSTALL ?= $(BUILD)/kselftest
KSFT_COLLECTION := vmalock_bench
KSFT_RUNNER := $(BUILD)/ksft/run_kselftest.sh
$(KSFT_RUNNER):
	scripts/ksrc-extract $(BUILD)/ksft

kselftest-install: $(TOOL) $(TESTS) $(PROGS) $(KSFT_RUNNER)
	mkdir -p $(KSFT_INSTALL)/$(KSFT_COLLECTION)
	[ -e $(KSFT_INSTALL)/run_kselftest.sh ] || { \
		install -m 744 $(KSFT_RUNNER) $(KSFT_INSTALL)/ && \
		mkdir -p $(KSFT_INSTALL)/kselftest && \
		install -m 744 $(BUILD)/ksft/kselftest/* $(KSFT_INSTALL)/kselftest/; }
	install -m 755 $(TESTS) $(PROGS) $(TOOL) $(KSFT_INSTALL)/$(KSFT_COLLECTION)/
	install -m 644 user/tests/config user/tests/settings \
		$(KSFT_INSTALL)/$(KSFT_COLLECTION)/
	touch $(KSFT_INSTALL)/kselftest-list.txt
	{ grep -v '^$(KSFT_COLLECTION):' $(KSFT_INSTALL)/kselftest-list.txt; \
	  for t in $(notdir $(TESTS)); do echo "$(KSFT_COLLECTION):$$t"; done; \
	} > $(KSFT_INSTALL)/kselftest-list.txt.new
	mv $(KSFT_INSTALL)/kselftest-list.txt.new $(KSFT_INSTALL)/kselftest-list.txt

# gen_tar: the install, packed (the tests and the tool are static).
kselftest-tar: kselftest-install
	tar -czf $(BUILD)/kselftest-$(KSFT_COLLECTION).tar.gz -C $(KSFT_INSTALL) .
	@echo "$(BUILD)/kselftest-$(KSFT_COLLECTION).tar.gz"

# The module for one kernel (KERNEL=6.12, 6.1 or a release), with W=1, in
# a private copy of the sources so that two kernels never share objects.
module modules:
	scripts/build-module --kernel $(KERNEL)

dkms-install:
	scripts/dkms-install

bench: setup
	scripts/bench --kernel $(KERNEL)

# The A/B suite on 6.1, 6.12 and 7.2, 6.12 and 7.2 also with
# force_mmap_lock=1 (scripts/ab --help); 7.2 is fetched (scripts/newest-
# kernel) when it is not set up, and left out, said in the report, when it
# cannot be. The report goes to build/results/ab-DATE/report.md.
ab: setup
	scripts/ab

check: setup
	scripts/check --kernels $(CHECK_KERNELS)

# Each seed on its own pair of kernels (scripts/patches/pairs): kernels not
# in the cache are built first (scripts/build-kernel, ccache).
ab-seeds: setup
	scripts/ab-seeds

# Debian's newest kernel (sid), in a root of its own under build/newest/
# (scripts/newest-kernel): never installed on the host.
newest:
	scripts/newest-kernel

check-newest: setup newest
	scripts/check --kernels newest

# The whole in-VM suite on a lockdep + KASAN kernel built from
# linux-source-6.12 (cached after the first build).
check-debug: setup
	set -o pipefail; dir=$$(scripts/build-kernel --debug | tail -n 1) && \
		scripts/check --kernels "$$dir"

check-host:
	scripts/check --host-only

clean-user:
	rm -f $(TOOL) $(TESTS) $(HTESTS) $(PROGS)
	rm -rf $(BUILD)/user

clean: clean-user
	rm -rf $(BUILD)
	find module -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \
		| xargs -r rm -f

endif
