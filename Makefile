# Quick start: `make run` and `make test` do the whole set-up on a fresh Debian 12 machine:
# they install missing packages (when run as root), configure, build, then run.
SHELL := /bin/bash
JOBS ?= $(shell nproc)

.PHONY: all deps build run test test-asan install gpu-pack clean

all: build

deps:
	@tools/install-deps

build: deps
	cmake --preset default
	cmake --build --preset default -j $(JOBS)

# The demo model, its layers spread over the devices found: the throughput planner balances the
# pipeline over all of them (auto, like Hugging Face's, would keep a small model on one device).
run: build
	build/default/bin/strata run --device-map throughput

test: build
	ctest --preset default

test-asan: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan

install: build
	cmake --install build/default --prefix $(or $(PREFIX),/usr/local)

# The Release install tree for the GPU machine (see docs/benchmarks.md).
gpu-pack: deps
	cmake --preset gpu
	cmake --build --preset gpu -j $(JOBS)
	cmake --install build/gpu

clean:
	rm -rf build
