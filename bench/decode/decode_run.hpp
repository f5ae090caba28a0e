// One decode measurement: load a graph on a device, prefill a prompt, then time single-token
// steps with the KV cache, as generation runs them.
#pragma once

#include <strata/model.hpp>
#include <strata/runtime.hpp>

#include <span>
#include <string>
#include <vector>

namespace strata::bench {

struct DecodeResult {
  std::string model;
  std::string device;
  std::uint64_t weight_bytes_per_token = 0;  // what the graph says one token reads
  double load_seconds = 0;
  double prefill_tokens_per_second = 0;
  double decode_tokens_per_second = 0;  // median step
  double best_tokens_per_second = 0;    // fastest step
};

DecodeResult measure_decode(const Runtime& runtime, const std::string& model, const ModelGraph& graph,
                            const WeightSource& weights, const std::string& device, std::int64_t prompt_tokens,
                            std::int64_t decode_tokens);

// Batched decode: `sequences` sequences, each prefilled with a prompt of its own, decoded together
// one token each per step (Session::decode).
struct BatchedResult {
  std::int64_t sequences = 0;
  double tokens_per_second = 0;  // all sequences together, median step
};

std::vector<BatchedResult> measure_batched_decode(const Runtime& runtime, const ModelGraph& graph,
                                                  const WeightSource& weights, const std::string& device,
                                                  std::span<const std::int64_t> sequence_counts,
                                                  std::int64_t prompt_tokens, std::int64_t decode_tokens);

}  // namespace strata::bench
