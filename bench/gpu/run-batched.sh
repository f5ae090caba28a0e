#!/usr/bin/env bash
# Batched decode on a GPU machine, over an installed tree: strata_decode_bench on each GPU device
# and on the CPU (one sequence against 2 to 32 decoded together), strata_matmul_rows_bench (one
# weight matrix times 1 to 32 rows of x) on each GPU device, and strata serve under load.
#   bench/gpu/run-batched.sh PREFIX OUTDIR
# With the packed tree of shared GPU.md: bash .gpu/env.sh bench/gpu/run-batched.sh .gpu/root/gpu-install "$OUT"
set -uo pipefail
prefix=$(cd "$1" && pwd)
out=$2
mkdir -p "$out"
bin=$prefix/bin
model=$(cd "$(dirname "$0")/../.." && pwd)/samples/models/tiny-llama-pystdlib
log() { echo "== $*"; }

log "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | tee "$out/machine.txt"
"$bin/strata" devices --json > "$out/devices.json"
devices=$(python3 -c '
import json, sys
for d in json.load(open(sys.argv[1]))["devices"]:
    if d["kind"] in ("gpu", "cpu"): print(d["name"])' "$out/devices.json")
for device in $devices; do
  tag=${device/:/}
  layers=16
  [[ $device == cpu ]] && layers=4  # the host decodes the whole shape too slowly for the time box
  log "strata_decode_bench --device $device --layers $layers --sequences 1,2,4,8,16,32"
  timeout 400 "$bin/strata_decode_bench" --device "$device" --layers "$layers" --dtype f16 --tokens 32 \
    --sequences 1,2,4,8,16,32 --model "$model" 2>&1 | tee "$out/batched-$tag.txt"
done

for device in $devices; do
  [[ $device == cpu ]] && continue
  tag=${device/:/}
  log "strata_matmul_rows_bench --device $device (the 1.1B shape's gate/up product, f16 and f32)"
  for dtype in f16 f32; do
    timeout 120 "$bin/strata_matmul_rows_bench" --device "$device" --n 5632 --k 2048 --dtype "$dtype" 2>&1 |
      tee "$out/matmul-rows-$tag-$dtype.txt"
  done
done

gpu=$(grep -m1 -o 'vulkan:0' <<< "$devices" || true)
if [[ -n $gpu && -x $bin/strata_serve_bench ]]; then
  log "strata_serve_bench on $gpu: 1, 4, 16 and 64 streams"
  STRATA_CACHE_DIR=$out/serve-cache timeout 300 "$bin/strata_serve_bench" --strata "$bin/strata" \
    --model "$model" --device-map "$gpu" --parallel 64 --streams 1,4,16,64 --seconds 20 --max-tokens 64 2>&1 |
    tee "$out/serve-$gpu.txt"
  rm -rf "$out/serve-cache"
fi
