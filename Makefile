# Thin front-end over CMake presets. `make` builds build/evacsim,
# `make demo` ranks the sample building's hazards, `make test` runs every test.
# Each installs missing Debian packages first (.ci/deps.sh).
# `make install PREFIX=DIR` installs the binary, the Python report and
# import, the man page, bash completion and the sample scenarios under DIR
# (default /usr/local; DESTDIR is honoured). `make deb` packs the same
# files into $(BUILD)/evacsim_VERSION_ARCH.deb.
# `make fuzz` builds the libFuzzer targets with clang in build-fuzz/ and
# runs each for FUZZ_SECONDS (docs/reliability.md, "Fuzzing").
PRESET ?= release
BUILD := $(if $(filter release,$(PRESET)),build,build-$(subst asan-ubsan,asan,$(PRESET)))
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_OUT ?= demo-out
# demo ranking of the sample's 3 hazards: adaptive from 2 replications a fire
# up to 40 a variant, no new round after 150 s (<= 5 min on 2 cores;
# docs/ranking.md)
DEMO_RANK ?= --reps 40 --budget-s 150
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build-fuzz
FUZZ_TARGETS ?= plan scenario manifest result

.PHONY: all deps build demo test install deb bench bench-check fuzz format clean

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
	$(BUILD)/evacsim info $(DEMO_OUT)/ward-block.h5
	$(BUILD)/evacsim report $(DEMO_OUT)/ward-block.h5 -o $(DEMO_OUT)/report
	@echo "--- ranking the sample's inspection list, fire by fire (docs/ranking.md):"
	$(BUILD)/evacsim rank scenarios/ward-block.scenario.json $(DEMO_RANK) \
	  -o $(DEMO_OUT)/rank.h5 --csv $(DEMO_OUT)/rank.csv
	$(BUILD)/evacsim report $(DEMO_OUT)/rank.h5 -o $(DEMO_OUT)/rank-report

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# A Debian package (prefix /usr) in $(BUILD)/; needs dpkg-dev
deb: build
	cd $(BUILD) && cpack -G DEB

bench: build
	$(BUILD)/bench/bench_crowd
	$(BUILD)/bench/bench_reference
	$(BUILD)/bench/bench_tower
	$(BUILD)/bench/bench_fire
	$(BUILD)/bench/bench_rank
	bench/bench_batch.sh $(BUILD)/evacsim

# CI: events/s of the movement loop over a same-process STREAM triad must
# not drop below half of bench/baseline.json (bench/README.md); the
# reference case must still build and run (at 11 floors).
bench-check: build
	$(BUILD)/bench/bench_crowd --baseline bench/baseline.json
	$(BUILD)/bench/bench_reference --reps 1 --threads 0 --floors 11 --no-triad

# New inputs go to $(FUZZ_BUILD)/corpus_*; crashes to $(FUZZ_BUILD)/artifacts.
fuzz:
	@./.ci/deps.sh fuzz
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DEVAC_FUZZ=ON -DEVAC_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) \
	  $(foreach t,$(FUZZ_TARGETS),--target fuzz_$(t))
	@mkdir -p $(FUZZ_BUILD)/artifacts
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus_$$t; \
	  echo "--- fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  slow=10; [ $$t != result ] || slow=30; \
	  UBSAN_OPTIONS=print_stacktrace=1 $(FUZZ_BUILD)/fuzz_$$t \
	    -dict=tests/fuzz/json.dict -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=$$slow -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/ $(FUZZ_BUILD)/corpus_$$t \
	    tests/fuzz/corpus_$$t tests/fuzz/regressions/$$t; \
	done

format:
	clang-format -i sim/*.h sim/*/*.[ch] models/*/*.[ch] tests/*.[ch] tests/*/*.[ch] bench/*.c

clean:
	rm -rf build build-dev build-asan $(FUZZ_BUILD) $(DEMO_OUT)
