# The two commands of the README:
#   make run    install what is missing, build, migrate and serve on SQLite
#   make test   install what is missing, build, run every test
# Meson + Ninja do the building; this file only wraps them.

BUILD    ?= build
SANITIZE ?=
PYTHON   ?= /usr/bin/python3
MESON_OPTS ?=

ifneq ($(SANITIZE),)
MESON_OPTS += -Db_sanitize=$(SANITIZE) -Db_lundef=false -Dbuildtype=debug
endif

.PHONY: all deps build run test unit api unit-only api-only test-asan build-release fuzz bench clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	./$(BUILD)/tali migrate
	exec ./$(BUILD)/tali serve

# Unit tests (cmocka) and API tests (pytest against the real binary, on
# SQLite and on a throw-away PostgreSQL cluster that tests/with-postgres
# starts and removes).
test: build
	tests/with-postgres $(MAKE) --no-print-directory unit-only api-only BUILD=$(BUILD)

unit: build
	tests/with-postgres $(MAKE) --no-print-directory unit-only BUILD=$(BUILD)

api: build
	tests/with-postgres $(MAKE) --no-print-directory api-only BUILD=$(BUILD)

unit-only:
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

api-only:
	TALI_BIN=$(abspath $(BUILD)/tali) $(PYTHON) -m pytest -q tests/api

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan:
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	  $(MAKE) test BUILD=build-asan SANITIZE=address,undefined

# The release configuration (-O3) compiles with warnings the debug build
# never sees (format truncation, for one): CI builds it too, without tests.
build-release: deps
	test -f build-rel/build.ninja || meson setup build-rel -Dbuildtype=release
	ninja -C build-rel

# Every fuzz target (tests/fuzz) for FUZZ_SECONDS seconds each, with clang,
# libFuzzer, ASan and UBSan in build-fuzz; fails on a crash, leak or hang.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-fuzz

bench: build
	bench/run-all

clean:
	rm -rf build build-asan build-rel build-fuzz
