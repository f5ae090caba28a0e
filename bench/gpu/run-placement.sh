#!/usr/bin/env bash
# The placement measurements of docs/benchmarks.md on a GPU machine, over an installed tree:
# every device measured, `make run`'s command, and strata-bench-placement on the demo model and
# the 1.1B Llama shape.
#   bench/gpu/run-placement.sh PREFIX OUTDIR [BATCH]
# With BATCH the benchmark plans and measures BATCH sequences decoded together (--batch).
# With the packed tree of shared GPU.md: bash .gpu/env.sh bench/gpu/run-placement.sh .gpu/root/gpu-install "$OUT"
set -uo pipefail
prefix=$(cd "$1" && pwd)
out=$2
batch=${3:-1}
mkdir -p "$out"
bin=$prefix/bin
log() { echo "== $*"; }
# The demo model: installed with the tree, or the source tree's (a packed tree may leave it out to
# stay small).
demo=$prefix/share/strata/models/tiny-llama-pystdlib
[ -d "$demo" ] || demo=$(cd "$(dirname "$0")/../.." && pwd)/samples/models/tiny-llama-pystdlib
# A cache of this run's own: every device is measured here, on this machine.
export STRATA_CACHE_DIR=$out/cache
# PoCL 5.0 (Ubuntu 24.04's) aborts the process on an assertion of its kernel compiler when it
# builds Strata's OpenCL program: only NVIDIA's OpenCL driver is loaded here.
export OCL_ICD_VENDORS=/etc/OpenCL/vendors/nvidia.icd

{
  log "machine"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  nproc
  log "strata calibrate (every device, timed)"
  time "$bin/strata" calibrate
  log "strata devices --verbose"
  "$bin/strata" devices --verbose
  log "make run's command: strata run --device-map latency"
  timeout 300 "$bin/strata" run --model "$demo" --device-map latency
  timeout 300 "$bin/strata" run --model "$demo" --device-map latency --json > "$out/run-latency.json"
} 2>&1 | tee "$out/placement-setup.txt"

log "strata-bench-placement (demo model and the 1.1B Llama shape, f16, batch $batch)"
timeout 560 "$bin/strata-bench-placement" --model "$demo" --random 1.1b --batch "$batch" --json "$out/placement.json" 2>&1 |
  tee "$out/placement.txt"
rm -rf "$out/cache"
