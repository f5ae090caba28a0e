// The benchmark's output: per model a Markdown table of every candidate, predicted beside
// measured, and the targets the placement issue sets, as text and as JSON.
#pragma once

#include "candidates.hpp"
#include "placement_run.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace strata::bench {

struct ModelResult {
  std::string model;
  Candidates candidates;
  std::vector<Measured> measured;  // one per distinct placement
};

// Prints the table and the targets; returns them as JSON.
nlohmann::json report_model(const ModelResult& result);

}  // namespace strata::bench
