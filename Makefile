# Quick start: `make run` and `make test` do the whole set-up on a fresh Debian 12 machine:
# they install missing packages (when run as root), configure, build, then run.
SHELL := /bin/bash
JOBS ?= $(shell nproc)

.PHONY: all deps build run test test-asan test-tsan install gpu-pack clean

all: build

deps:
	@tools/install-deps

build: deps
	cmake --preset default
	cmake --build --preset default -j $(JOBS)

# The demo model, placed over every device found by the latency planner: the fastest plan for the
# one sequence `strata run` generates, from each device's measured speed (the first run measures
# the devices and caches the figures), never slower than the best single device.
run: build
	build/default/bin/strata run --device-map latency

test: build
	ctest --preset default

test-asan: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan

# ThreadSanitizer over the whole suite (drivers and BLAS are not instrumented: see
# tests/sanitizers/tsan.supp). Not in CI, for time: run before each release (docs/security.md).
test-tsan: deps
	cmake --preset tsan
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan

install: build
	cmake --install build/default --prefix $(or $(PREFIX),/usr/local)

# The Release install tree for the GPU machine (see docs/benchmarks.md).
gpu-pack: deps
	cmake --preset gpu
	cmake --build --preset gpu -j $(JOBS)
	cmake --install build/gpu

clean:
	rm -rf build
