// The input data of a case: values chosen per op so that mistakes show (layer_norm inputs
// far from zero mean, attention caches with NaN past the rows the op may read, ...).
#pragma once

#include "op_case.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace strata_cts {

// A small, portable generator: the same seed gives the same data on every platform.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform(double low, double high);
  std::int64_t integer(std::int64_t low, std::int64_t high_exclusive);

 private:
  std::uint64_t state_;
};

// Stable across runs and filters: a case's data depends only on its name and the seed.
std::uint64_t case_seed(std::string_view case_name, std::uint64_t seed);

std::vector<HostTensor> make_inputs(const OpSpec& spec, std::uint64_t seed);

}  // namespace strata_cts
