#!/usr/bin/env bash
# Encoding speed, Strata beside Hugging Face's Rust tokenizers, on this machine, same text, one
# thread each. Needs the build (strata_tokenizer_bench) and tools/fetch-tokenizers' folder.
#   bench/tokenizer/compare.sh [BUILD_DIR] [DEST] [megabytes] [runs]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build/default}
dest=${2:-${STRATA_TOKENIZER_REFERENCE_DIR:-${HOME}/.cache/strata/tokenizer-reference}}
megabytes=${3:-4}
runs=${4:-5}
[ -d "$dest/node_modules/@anush008/tokenizers" ] || { echo "compare.sh: run tools/fetch-tokenizers $dest first" >&2; exit 2; }

strata=$("$build/bin/strata_tokenizer_bench" --megabytes "$megabytes" --runs "$runs")
# One thread for the Rust library too (it parallelizes batches only, but say so).
rust=$(RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false UV_THREADPOOL_SIZE=1 \
  node "$root/bench/tokenizer/rust_encode_speed.js" "$dest" "$root/tests/data/tokenizers/corpus.json" "$megabytes" "$runs")

printf '%s\n%s\n' "$strata" "$rust" | node -e '
const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
const find = (impl, name, mode) => rows.find((r) => r.implementation === impl && r.tokenizer === name && r.mode === mode);
console.log(`the ~9 KB corpus document encoded ${(rows[0].bytes / 1e6).toFixed(1)} MB worth ("documents"), and those ` +
  "copies as one string (\"whole\"); no special tokens; one thread; best of the runs");
console.log("| tokenizer | mode | Strata MB/s | HF Rust MB/s | Strata / Rust | tokens (Strata, Rust) | load s (Strata, Rust) |");
console.log("|---|---|---:|---:|---:|---|---|");
for (const name of ["qwen3", "llama3", "llama2"]) {
  for (const mode of ["documents", "whole"]) {
    const s = find("strata", name, mode), r = find("huggingface-rust", name, mode);
    const same = s.tokens === r.tokens ? "" : " MISMATCH";
    console.log(`| ${name} | ${mode} | ${s.megabytes_per_second.toFixed(2)} | ${r.megabytes_per_second.toFixed(2)} | ` +
      `${(s.megabytes_per_second / r.megabytes_per_second).toFixed(2)}x | ${s.tokens}, ${r.tokens}${same} | ` +
      `${s.load_seconds.toFixed(2)}, ${r.load_seconds.toFixed(2)} |`);
  }
}'
