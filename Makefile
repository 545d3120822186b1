# virt-matrix: one Makefile.
#   make                 build ./virt-matrix
#   make check           fuzz seeds and crashes replayed, unit tests, then
#                        integration tests (real things)
#   make check-unit      only the fast cmocka unit tests
#   make deps            install every dependency with apt-get (root)
#   make install PREFIX=/usr/local
#   make bench           benchmarks; figures go to bench/out/
# DEVELOPER=1 adds -Werror; SANITIZE=address,undefined builds with sanitizers.

PREFIX ?= /usr/local
CC ?= cc
PKGS = libcurl libarchive libvirt sqlite3 json-c libxml-2.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread

WARN = -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
       -Wshadow -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) -Ilib -Iark -Imatrix -Irunner -Ireports -Isweep -Imigrate -Icorpus -I. \
	     $(PKG_CFLAGS) -MMD -MP
ifdef DEVELOPER
ALL_CFLAGS += -Werror
endif
ifdef SANITIZE
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# The zygote preload runs inside QEMU, not in virt-matrix: built apart.
ZYGOTE_SRC = lib/zygote-preload.c
ZYGOTE = virt-matrix-zygote.so
LIB_SRC = $(filter-out $(ZYGOTE_SRC),$(wildcard lib/*.c)) $(wildcard ark/*.c) $(wildcard matrix/*.c) \
	  $(wildcard runner/*.c) $(wildcard reports/*.c) $(wildcard sweep/*.c) \
	  $(wildcard migrate/*.c) $(wildcard corpus/*.c)
LIB_OBJ = $(LIB_SRC:.c=.o)
LIB = libvirt-matrix.a

UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(patsubst tests/unit/%.c,tests/bin/%,$(UNIT_SRC))
INTEG_SRC = $(wildcard tests/integration/test_*.c)
INTEG_BIN = $(patsubst tests/integration/%.c,tests/bin/%,$(INTEG_SRC))
HELPER_BIN = tests/bin/vm-httpd tests/bin/fake-qemu tests/bin/vm-map-caps
# A unit and an integration test of one name would both be tests/bin/NAME,
# and only the unit one would ever be built and run.
ifneq ($(filter $(UNIT_BIN),$(INTEG_BIN)),)
$(error tests in both tests/unit and tests/integration: $(notdir $(filter $(UNIT_BIN),$(INTEG_BIN))))
endif

all: virt-matrix $(ZYGOTE)

virt-matrix: main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ main.o $(LIB) $(PKG_LIBS)

# No sanitizer here: it would have to be loaded before QEMU's libraries.
$(ZYGOTE): $(ZYGOTE_SRC) lib/zygote-proto.h
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(if $(DEVELOPER),-Werror) \
		-Ilib -fPIC -shared -o $@ $(ZYGOTE_SRC)

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

%.o: %.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The lab VM's /init is embedded in lab.o (.incbin): -MMD does not see it.
runner/lab.o fuzz/build/runner/lab.o: runner/lab-init.sh

# The guest-view boot sector (matrix/guestcpu-boot.S): assembled, then
# linked at 0x7c00, where the BIOS loads it, as a flat image that must be
# exactly 512 bytes; guestcpu.o embeds it (.incbin).
BOOT_BIN = matrix/guestcpu-boot.bin
$(BOOT_BIN): matrix/guestcpu-boot.S matrix/guestcpu-layout.h
	$(CC) -c -o $@.o $<
	$(LD) -Ttext=0x7c00 --oformat=binary -o $@ $@.o
	rm -f $@.o
	@test "$$(wc -c <$@)" -eq 512 || { echo "$@ is not 512 bytes"; exit 1; }
matrix/guestcpu.o fuzz/build/matrix/guestcpu.o: $(BOOT_BIN)

# virt-matrix's own version (release + commit), rewritten only when it
# changes: every run records it (runs.tool).
lib/vmversion-gen.h: FORCE
	@scripts/gen-vmversion.sh $@
lib/vmversion.o fuzz/build/lib/vmversion.o: lib/vmversion-gen.h
FORCE:

tests/bin/%: tests/unit/%.c $(LIB)
	@mkdir -p tests/bin
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(LIB) $(PKG_LIBS) -lcmocka

tests/bin/%: tests/integration/%.c $(LIB)
	@mkdir -p tests/bin
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(LIB) $(PKG_LIBS) -lcmocka

tests/bin/%: tests/helpers/%.c $(LIB)
	@mkdir -p tests/bin
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# One run, one closing "N passed, N failed" line: unit tests first.
# Test programs find the virt-matrix under test (and its internal
# supervisor) through VIRT_MATRIX_BIN.
TEST_ENV = VIRT_MATRIX_BIN=$(CURDIR)/virt-matrix

# The fuzzers' seeds and saved crashes are replayed first (fuzz-regress):
# a crash found once stays fixed.
check: fuzz-regress virt-matrix $(ZYGOTE) $(UNIT_BIN) $(INTEG_BIN) $(HELPER_BIN)
	@$(TEST_ENV) tests/run-tests.sh check $(UNIT_BIN) $(INTEG_BIN)

check-unit: $(UNIT_BIN)
	@$(TEST_ENV) tests/run-tests.sh unit $(UNIT_BIN)

check-integration: virt-matrix $(ZYGOTE) $(INTEG_BIN) $(HELPER_BIN)
	@$(TEST_ENV) tests/run-tests.sh integration $(INTEG_BIN)

deps:
	scripts/install-deps.sh

# Re-record the QMP transcripts the unit tests replay (needs the ark
# builds of QEMU 7.2.0, 10.0.2 and 10.2.2 in the store).
record-transcripts: virt-matrix
	tests/record-transcripts.sh

# Re-record what the mapper knows of each probed QEMU in the default store
# (tests/data/mapper/caps/), then the mapper's expected argv files.
record-mapper: tests/bin/vm-map-caps tests/bin/test_mapper
	tests/bin/vm-map-caps "$${VIRT_MATRIX_DB:-/var/lib/virt-matrix/matrix.db}" tests/data/mapper/caps
	REGENERATE=1 tests/bin/test_mapper

install: virt-matrix $(ZYGOTE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/virt-matrix \
		$(DESTDIR)$(PREFIX)/lib/virt-matrix
	install -m 0755 virt-matrix $(DESTDIR)$(PREFIX)/bin/virt-matrix
	install -m 0644 $(ZYGOTE) $(DESTDIR)$(PREFIX)/lib/virt-matrix/$(ZYGOTE)
	cp -R specs patches scenarios $(DESTDIR)$(PREFIX)/share/virt-matrix/

bench: virt-matrix $(ZYGOTE) tests/bin/vm-bench
	@mkdir -p bench/out
	$(TEST_ENV) tests/bin/vm-bench bench/out/results.txt $(BENCH)

BENCH_SRC = $(wildcard bench/*.c)
tests/bin/vm-bench: $(BENCH_SRC) bench/bench.h $(LIB)
	@mkdir -p tests/bin
	$(CC) $(ALL_CFLAGS) -Ibench -o $@ $(BENCH_SRC) $(LIB) $(PKG_LIBS) -lm

# The simulated large lab's generator is the bench's; its unit test links it.
tests/bin/test_scale_gen: tests/unit/test_scale_gen.c bench/scale-gen.c bench/scale-gen.h $(LIB)
	@mkdir -p tests/bin
	$(CC) $(ALL_CFLAGS) -Itests -Ibench -o $@ $< bench/scale-gen.c $(LIB) $(PKG_LIBS) -lcmocka

clean:
	rm -f virt-matrix $(ZYGOTE) main.o $(LIB) $(LIB_OBJ) $(LIB_OBJ:.o=.d) main.d lib/vmversion-gen.h \
		$(BOOT_BIN)
	rm -rf tests/bin tests/out

.PHONY: all check check-unit check-integration deps install bench clean record-transcripts record-mapper FORCE
.DELETE_ON_ERROR:

-include $(LIB_OBJ:.o=.d) main.d
# The headers each test program includes (tests/*.h and lib's), from -MMD.
-include $(addsuffix .d,$(UNIT_BIN) $(INTEG_BIN) $(HELPER_BIN) tests/bin/vm-bench)

# ---- Fuzzing: the libFuzzer harnesses of fuzz/, listed in fuzz/harnesses.
# Built with clang and ASan+UBSan in fuzz/build/, apart from the build
# above (make clean leaves it; make fuzz-clean removes it).
#   make fuzz                    every harness into fuzz/bin/
#   make fuzz-run FUZZ_TIME=600  each harness FUZZ_TIME seconds, one at a
#                                time; findings in fuzz/out/<name>/
#   make fuzz-regress            every seed and reproducer once
# FUZZ_NAMES="qmp abi" limits any of them to those harnesses; FUZZ_FLAGS
# adds libFuzzer flags to fuzz-run ("-fork=1 -ignore_crashes=1" goes on
# past a known crash).
FUZZ_CC = clang
FUZZ_TIME = 60
FUZZ_FLAGS =
FUZZ_NAMES := $(shell awk '!/^\#/ && NF { print $$1 }' fuzz/harnesses)
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
# clang, unlike gcc, warns on the v*printf wrappers (strbuf_vaddf, error).
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) -Wno-format-nonliteral \
	      -g -O1 $(FUZZ_SAN) \
	      -fsanitize=fuzzer-no-link $(filter -I%,$(ALL_CFLAGS)) \
	      $(PKG_CFLAGS) -Ifuzz -MMD -MP
FUZZ_OBJ = $(LIB_SRC:%.c=fuzz/build/%.o)
FUZZ_LIB = fuzz/build/libvirt-matrix.a
FUZZ_BIN = $(FUZZ_NAMES:%=fuzz/bin/fuzz_%)

fuzz: $(FUZZ_BIN)

fuzz/build/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

fuzz/bin/fuzz_%: fuzz/build/fuzz/fuzz_%.o $(FUZZ_LIB)
	@mkdir -p fuzz/bin
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FUZZ_LIB) $(PKG_LIBS)

fuzz-run: fuzz
	FUZZ_FLAGS="$(FUZZ_FLAGS)" fuzz/run.sh run $(FUZZ_TIME) $(FUZZ_NAMES)

fuzz-regress: fuzz
	fuzz/run.sh regress $(FUZZ_NAMES)

fuzz-clean:
	rm -rf fuzz/build fuzz/bin

.PHONY: fuzz fuzz-run fuzz-regress fuzz-clean
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_NAMES:%=fuzz/build/fuzz/fuzz_%.d)
