# SPDX-License-Identifier: GPL-2.0-only
# vpmc: two-mode Makefile (as lttng-modules). Inside kbuild it reads Kbuild;
# from a shell it builds the modules against KDIR and drives tests and demo.

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

VPMC_ARCH := $(if $(filter arm64 aarch64,$(ARCH)),arm64,x86_64)
ifeq ($(VPMC_ARCH),arm64)
CROSS_COMPILE ?= aarch64-linux-gnu-
# Debian's arm64 headers, fixed up for cross builds by scripts/kernel.sh.
KDIR ?= $(shell scripts/kernel.sh stock arm64 | cut -d' ' -f1)
else
KDIR ?= /lib/modules/6.1.0-56-amd64/build
endif
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) ARCH=$(VPMC_ARCH) CROSS_COMPILE=$(CROSS_COMPILE)

modules:
	$(KBUILD) modules

modules_install:
	$(KBUILD) modules_install

tools:
	$(MAKE) -C tools O=$(CURDIR)/build/tools/$(VPMC_ARCH) CROSS_COMPILE=$(CROSS_COMPILE)

check:
	scripts/check.sh

run:
	scripts/run.sh $(VPMC_ARCH)

bench:
	scripts/bench.sh

fuzz:
	scripts/fuzz.sh

itrace:
	scripts/setup.sh
	scripts/itrace.sh

clean:
	-$(KBUILD) clean
	rm -rf build tools/out

help:
	@echo 'vpmc - virtual performance-monitoring counters for Linux 6.1'
	@echo
	@echo '  make [modules]        build the modules against KDIR (default: Debian 6.1 headers)'
	@echo '  make modules_install  install them into KDIR'\''s kernel'
	@echo '  make tools            build the user-space tools and test programs'
	@echo '  make check            set up, build for all four kernels, lint, run every test'
	@echo '                        in QEMU guests; last line "N passed, N failed"'
	@echo '  make run [ARCH=arm64] set up and show the demo in a stock-kernel guest'
	@echo '  make bench            vpmc against perf events in x86_64 and arm64 guests: table, CSV, PNG'
	@echo '  make itrace           instruction-exact call trees of the x86 benchmarks (part of bench)'
	@echo '  make fuzz             the fuzzers, long, in a guest of each kernel (FUZZ_SEED, FUZZ_SECONDS,'
	@echo '                        FUZZ_KOPS, FUZZ_KERNELS: Documentation/testing.rst)'
	@echo '  make clean            remove build products'
	@echo
	@echo '  KDIR=<dir>            kernel build tree to build the modules against'
	@echo '  ARCH=arm64            cross-build for arm64 (aarch64-linux-gnu-gcc)'
	@echo '  VPMC_CACHE=<dir>      where kernels and packages are cached (~/.cache/vpmc)'

.PHONY: modules modules_install tools check run bench fuzz itrace clean help

endif
