#!/usr/bin/env bash
# Pipelined micro-batches on a GPU machine, over an installed tree: the 1.1B Llama shape split
# over the CPU (the first layers) and a GPU (the rest): one sequence, then 4 sequences as 4
# micro-batches of 1, 2 of 2, and 1 batch of 4 (no pipeline), and 2 in 2 micro-batches, each
# beside the planner's prediction (strata-bench-placement --split).
#   bench/gpu/run-pipelined.sh PREFIX OUTDIR [GPU] [CPU_LAYERS]
# With the packed tree of shared GPU.md: bash .gpu/env.sh bench/gpu/run-pipelined.sh .gpu/root/gpu-install "$OUT"
set -uo pipefail
prefix=$(cd "$1" && pwd)
out=$2
gpu=${3:-vulkan:0}
cpu_layers=${4:-7}
mkdir -p "$out"
bin=$prefix/bin
log() { echo "== $*"; }
demo=$(cd "$(dirname "$0")/../.." && pwd)/samples/models/tiny-llama-pystdlib
export STRATA_CACHE_DIR=$out/cache
export OCL_ICD_VENDORS=/etc/OpenCL/vendors/nvidia.icd

log "strata calibrate --device cpu,$gpu"
"$bin/strata" calibrate --device cpu --device "$gpu" 2>&1 | tail -3
for shape in 1x1 1x2 1x4 2x2 4x1; do
  batch=${shape%x*}
  micro=${shape#*x}
  log "strata-bench-placement: cpu x$cpu_layers layers + $gpu, $micro micro-batch(es) of $batch sequence(s)"
  timeout 110 "$bin/strata-bench-placement" --model "$demo" --random 1.1b --devices "cpu,$gpu" \
    --strategies latency --batch "$batch" --micro-batches "$micro" --tokens 16 --repeats 1 \
    --split "cpu=$cpu_layers,$gpu=$((16 - cpu_layers))" --json "$out/pipelined-$shape.json" 2>&1 |
    tee "$out/pipelined-$shape.txt"
done
rm -rf "$out/cache"
