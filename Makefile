# SPDX-License-Identifier: GPL-2.0
#
#   make			module for the running kernel (or KDIR=...), library, CLI,
#				examples, bpf_conformance_plugin
#   make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=...	cross-build
#   make check [KERNELS="6.1-amd64 ..."]	unit tests + VM suite on each kernel
#   make vm-test KERNEL=6.1-amd64 [EXTRA=/abs/a,/abs/b]	one VM run, extra tests
#   make demo			boot Debian's 6.1 in QEMU and show the device at work
#   make fuzz [FUZZ_SECONDS=60]	each libFuzzer target (tests/fuzz) for that long
#   make stress [KERNEL=...] [STRESS_SCALE=10]	the VM's stress suite, counts multiplied
#   make bench [BENCH_KERNEL=6.12-amd64]	ours against the kernel's BPF arena, ring and programs, in QEMU
#   make bench-report		plots (gnuplot) and tables of the newest results into docs/performance.md
#   make deps			install the Debian packages all this needs (root)
#   make kernels		fetch the test kernels into ~/.cache/arena-kmod, build the debug one
#				(done on demand)
#   make dist			build/arena-kmod-<version>.tar.gz of HEAD, with the RPM spec
#   make deb			the Debian packages, into build/deb/
#   make rpm			the RPM packages from the dist tarball, into build/rpm/RPMS/
#
# The module itself is described in Kbuild; this file only drives builds.

KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD ?= $(CURDIR)/build
# 6.12-amd64-debug: KASAN, lockdep and more, built from Debian's sources
# on first use, once per machine (scripts/build-debug-kernel.sh).
KERNELS ?= 6.1-amd64 6.12-amd64 6.1-arm64 6.12-arm64 6.12-amd64-debug
KERNEL ?= 6.1-amd64
BENCH_KERNEL ?= $(if $(filter arm64,$(ARCH)),6.12-arm64,6.12-amd64)

# User space follows the kernel build's ARCH/CROSS_COMPILE, into its own
# output directory.
USER_ARCH := $(if $(ARCH),$(ARCH),host)
USER_OUT := $(BUILD)/$(USER_ARCH)
USER_CC := $(CROSS_COMPILE)gcc

comma := ,

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DIST := arena-kmod-$(VERSION)

all: module userspace examples conformance-plugin

module:
	@test -d $(KDIR) || { echo "No kernel build directory at $(KDIR):" \
		"install the kernel headers or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace O=$(USER_OUT) CC=$(USER_CC)

# examples/: build/<arch>/bin/linked-list, shared-htab, event-stream.
examples:
	$(MAKE) -C examples O=$(USER_OUT) CC=$(USER_CC)

# The engine for bpf_conformance's runner: build/<arch>/bin/bpf_conformance_plugin.
conformance-plugin:
	$(MAKE) -C tests/conformance O=$(USER_OUT) CC=$(USER_CC)

install: userspace
	$(MAKE) -C userspace O=$(USER_OUT) CC=$(USER_CC) install

modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

check: deps-present
	ARENA_BUILD=$(BUILD) tests/check.sh $(KERNELS)

vm-test: deps-present
	ARENA_BUILD=$(BUILD) tests/vm/run-vm.sh \
		$(foreach x,$(subst $(comma), ,$(EXTRA)),--extra $(x)) $(KERNEL)

demo: deps-present
	ARENA_BUILD=$(BUILD) scripts/demo.sh $(KERNEL)

bench: deps-present
	ARENA_BUILD=$(BUILD) bench/run.sh $(BENCH_KERNEL)

# The stress suite alone (tests/vm/stress.c), STRESS_SCALE times the counts
# make check runs, with room for it: under TCG a scale of 10 takes minutes.
STRESS_SCALE ?= 10
stress: deps-present
	STRESS_SCALE=$(STRESS_SCALE) ARENA_BUILD=$(BUILD) tests/vm/run-vm.sh --only stress \
		--timeout $$((600 + 300 * $(STRESS_SCALE))) $(KERNEL)

# Not behind deps-present: without gnuplot it still writes the tables.
bench-report:
	bench/report.sh

FUZZ_SECONDS ?= 60
fuzz: deps-present
	$(MAKE) -C tests/fuzz O=$(BUILD)/host FUZZ_SECONDS=$(FUZZ_SECONDS) run

kernels: deps-present
	scripts/fetch-kernels.sh $(filter-out %-debug,$(KERNELS))
	$(if $(filter %-debug,$(KERNELS)),scripts/build-debug-kernel.sh)

deps:
	scripts/deps.sh

# Installs what is missing, so that a fresh machine needs no other step.
deps-present:
	@scripts/deps.sh --check-only || scripts/deps.sh

# The tarball carries the spec with its version filled in, so that
# `rpmbuild -tb` works on it as well.
dist:
	@mkdir -p $(BUILD)/dist
	sed 's/@VERSION@/$(VERSION)/' rpm/arena-kmod.spec.in >$(BUILD)/dist/arena-kmod.spec
	git archive --format=tar.gz --prefix=$(DIST)/ \
		--add-file=$(BUILD)/dist/arena-kmod.spec -o $(BUILD)/$(DIST).tar.gz HEAD

# From a copy of the working tree (tracked and new files), because
# dpkg-buildpackage writes its results next to the source directory.
deb:
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/$(DIST)
	git ls-files -z --cached --others --exclude-standard -- . ':!.cache' | \
		tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(BUILD)/deb/$(DIST)
	cd $(BUILD)/deb/$(DIST) && dpkg-buildpackage -us -uc -b

# On Debian the RPM database knows none of the build dependencies, and
# there is no debuginfo tooling.
RPMBUILD_FLAGS := $(if $(wildcard /etc/debian_version),--nodeps --define 'debug_package %{nil}')

rpm: dist
	rm -rf $(BUILD)/rpm
	mkdir -p $(BUILD)/rpm/SOURCES $(BUILD)/rpm/SPECS
	cp $(BUILD)/$(DIST).tar.gz $(BUILD)/rpm/SOURCES/
	cp $(BUILD)/dist/arena-kmod.spec $(BUILD)/rpm/SPECS/
	rpmbuild -bb $(RPMBUILD_FLAGS) --define '_topdir $(BUILD)/rpm' \
		$(BUILD)/rpm/SPECS/arena-kmod.spec

clean:
	rm -rf $(BUILD)
	if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi


.PHONY: all module userspace examples conformance-plugin install modules_install check vm-test demo \
	bench bench-report stress fuzz kernels deps deps-present dist deb rpm clean
