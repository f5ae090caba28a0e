// One placement measured as `strata run` runs it: the model loaded on its targets, warmed up, a
// prompt prefilled, then tokens decoded one by one; with a batch, as many sequences prefilled one
// after the other, then decoded together (Session::decode), one token of each per step; with
// micro-batches, batch x micro-batches sequences decoded together, pipelined over the devices.
#pragma once

#include <strata/model.hpp>
#include <strata/runtime.hpp>

#include <string>
#include <vector>

namespace strata::bench {

struct Measured {
  double prefill_tokens_per_second = 0;  // median of the repeats, every sequence's prompt
  double decode_tokens_per_second = 0;   // every sequence together, the median step
  std::string error;                     // the run failed: why
};

struct RunShape {
  std::int64_t prompt_tokens = 64;
  std::int64_t decode_tokens = 32;
  int repeats = 3;
  double warm_up_seconds = 1.5;
  std::int64_t sequences = 1;      // the workload's batch size
  std::int64_t micro_batches = 1;  // batches in flight (SessionOptions::micro_batches)
};

Measured measure_placement(const Runtime& runtime, const ModelGraph& graph, const WeightSource& weights,
                           const std::vector<std::string>& targets, const RunShape& shape);

}  // namespace strata::bench
