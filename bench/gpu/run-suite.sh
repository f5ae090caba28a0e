#!/usr/bin/env bash
# Runs the measurements of docs/benchmarks.md on a GPU machine, over an installed tree.
#   bench/gpu/run-suite.sh PREFIX OUTDIR
# With the packed tree of shared GPU.md: bash .gpu/env.sh bench/gpu/run-suite.sh .gpu/root/gpu-install "$OUT"
set -uo pipefail
prefix=$(cd "$1" && pwd)
out=$2
mkdir -p "$out"
bin=$prefix/bin
log() { echo "== $*"; }

log "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | tee "$out/machine.txt"
log "strata devices"
"$bin/strata" devices --verbose 2>&1 | tee "$out/devices.txt"
"$bin/strata" devices --json > "$out/devices.json"

# The GPU devices, by Strata name (one per backend that sees the GPU).
gpus=$(python3 -c '
import json, sys
for d in json.load(open(sys.argv[1]))["devices"]:
    if d["kind"] == "gpu": print(d["name"])' "$out/devices.json")
log "GPU devices: $gpus"

for device in $gpus; do
  tag=${device/:/}
  log "strata-bench-device --device $device"
  extra=()
  [[ $device == opencl:* ]] && extra=(--opencl-matmul own,clblast)
  timeout 300 "$bin/strata-bench-device" --device "$device" "${extra[@]}" --json "$out/bench-$tag.json" 2>&1 |
    tee "$out/bench-$tag.txt"
  log "strata_decode_bench --device $device --layers 16 (the whole 1.1B shape through the Session)"
  timeout 300 "$bin/strata_decode_bench" --device "$device" --layers 16 --dtype f16 --tokens 64 \
    --model "$prefix/share/strata/models/tiny-llama-pystdlib" 2>&1 | tee "$out/decode-$tag.txt"
  if [[ $device == vulkan:* ]]; then
    log "the same decode with push descriptors instead of descriptor pools (side by side)"
    STRATA_VULKAN_PUSH_DESCRIPTORS=1 timeout 300 "$bin/strata-bench-device" --device "$device" \
      --sections copy,decode --json "$out/bench-$tag-push.json" 2>&1 | tee "$out/bench-$tag-push.txt"
    STRATA_VULKAN_PUSH_DESCRIPTORS=1 timeout 300 "$bin/strata_decode_bench" --device "$device" --layers 16 \
      --dtype f16 --tokens 64 --model "$prefix/share/strata/models/tiny-llama-pystdlib" 2>&1 |
      tee "$out/decode-$tag-push.txt"
  fi
  if [ -x "$bin/strata-cts" ]; then
    log "strata-cts --device $device"
    timeout 300 "$bin/strata-cts" --device "$device" --quick --json "$out/cts-$tag.json" > "$out/cts-$tag.txt" 2>&1
    echo "strata-cts exit $?"; tail -5 "$out/cts-$tag.txt"
    log "strata-cts --device $device --full --filter 'matmul/*' (the large matmuls, matrix-unit shaders included)"
    timeout 300 "$bin/strata-cts" --device "$device" --full --filter 'matmul/*' --json "$out/cts-matmul-$tag.json" \
      > "$out/cts-matmul-$tag.txt" 2>&1
    echo "strata-cts exit $?"; tail -5 "$out/cts-matmul-$tag.txt"
  fi
done

log "strata run (demo model, device map auto)"
timeout 120 "$bin/strata" run 2>&1 | tee "$out/run.txt"
log "strata run (demo model, device map latency: what make run does)"
timeout 120 "$bin/strata" run --device-map latency 2>&1 | tee "$out/run-latency.txt"
