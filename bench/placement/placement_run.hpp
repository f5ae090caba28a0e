// One placement measured as `strata run` runs it: the model loaded on its targets, warmed up, a
// prompt prefilled, then tokens decoded one by one.
#pragma once

#include <strata/model.hpp>
#include <strata/runtime.hpp>

#include <string>
#include <vector>

namespace strata::bench {

struct Measured {
  double prefill_tokens_per_second = 0;  // median of the repeats
  double decode_tokens_per_second = 0;   // the median step
  std::string error;                     // the run failed: why
};

struct RunShape {
  std::int64_t prompt_tokens = 64;
  std::int64_t decode_tokens = 32;
  int repeats = 3;
  double warm_up_seconds = 1.5;
};

Measured measure_placement(const Runtime& runtime, const ModelGraph& graph, const WeightSource& weights,
                           const std::vector<std::string>& targets, const RunShape& shape);

}  // namespace strata::bench
