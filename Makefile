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

.PHONY: all deps build run test unit api test-asan bench clean

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

unit: build
	meson test -C $(BUILD) --print-errorlogs

api: build
	TALI_BIN=$(abspath $(BUILD)/tali) $(PYTHON) -m pytest -q tests/api

test: unit api

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan:
	$(MAKE) test BUILD=build-asan SANITIZE=address,undefined

bench: build
	bench/run-all

clean:
	rm -rf build build-asan
