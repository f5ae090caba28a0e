// The runtime and the demo checkpoint that integration suites share, made once per suite, and a
// custom unit put into a graph.
#pragma once

#include "golden.hpp"

#include <strata/checkpoint.hpp>
#include <strata/model_graph.hpp>
#include <strata/runtime.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <string>

namespace strata::test {

// Two simulated GPUs of 1 GiB for the "sim" and "all" placements (STRATA_SIM_DEVICES), unless the
// environment describes its own.
inline void describe_simulated_gpus() {
  ::setenv("STRATA_SIM_DEVICES", R"({"devices": [{"name": "simulated GPU", "memory_gib": 1, "count": 2}]})", 0);
}

// Inserts a custom unit called `name`, with no parameters, before unit `index` of `graph`; its
// executor goes in SessionOptions::custom_units under the same name.
inline void insert_custom_unit(ModelGraph& graph, std::size_t index, std::string name) {
  Unit unit;
  unit.name = std::move(name);
  unit.kind = UnitKind::custom;
  graph.units.insert(graph.units.begin() + static_cast<std::ptrdiff_t>(index), std::move(unit));
}

// A suite base (testing::Test, or testing::TestWithParam<T>) holding a Runtime of every device
// found, the simulated GPUs above included, and the demo checkpoint (tiny-llama-pystdlib).
template <class Base = testing::Test>
class WithDemoModel : public Base {
 protected:
  static void SetUpTestSuite() {
    describe_simulated_gpus();
    runtime_ = std::make_unique<Runtime>();
    checkpoint_ = std::make_unique<Checkpoint>(Checkpoint::open(sample_model("tiny-llama-pystdlib")));
  }
  static void TearDownTestSuite() {
    checkpoint_.reset();
    runtime_.reset();
  }
  static inline std::unique_ptr<Runtime> runtime_;
  static inline std::unique_ptr<Checkpoint> checkpoint_;
};

}  // namespace strata::test
