# Thin front-end over CMake presets. `make` builds build/evacsim,
# `make demo` runs the sample building, `make test` runs every test.
# Each installs missing Debian packages first (.ci/deps.sh).
PRESET ?= release
BUILD := $(if $(filter release,$(PRESET)),build,build-$(subst asan-ubsan,asan,$(PRESET)))
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_OUT ?= demo-out

.PHONY: all deps build demo test bench format clean

all: build

deps:
	@./.ci/deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/evacsim check scenarios/ward-block.scenario.json
	@mkdir -p $(DEMO_OUT)
	$(BUILD)/evacsim run scenarios/ward-block.scenario.json -o $(DEMO_OUT)/ward-block.h5
	@echo "--- the same building with hazard H-02 (the wedged fire door) fixed:"
	$(BUILD)/evacsim run scenarios/ward-block.scenario.json --fix H-02 -o $(DEMO_OUT)/ward-block-fixed.h5
	$(BUILD)/evacsim info $(DEMO_OUT)/ward-block.h5

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/bench/bench_tower
	$(BUILD)/bench/bench_fire

format:
	clang-format -i sim/*.[ch] models/*/*.[ch] tests/*.[ch] tests/*/*.c bench/*.c

clean:
	rm -rf build build-dev build-asan $(DEMO_OUT)
