// golden.json of the sample and reference checkpoints: what transformers computes, in float32, on
// the CPU.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace strata::test {

struct GoldenCase {
  std::string prompt;
  std::vector<std::int32_t> prompt_ids;
  std::vector<float> first_logits;  // at the first prompt position
  std::vector<float> last_logits;   // at the last prompt position
  std::vector<std::int32_t> greedy_new_ids;
  std::optional<std::string> greedy_text;
};

std::vector<GoldenCase> read_golden(const std::filesystem::path& model_dir);

// The sample checkpoints in the source tree.
std::filesystem::path sample_model(const std::string& name);

// A sample checkpoint, or else one of the random-weight checkpoints of tests/data/models (one
// per architecture).
std::filesystem::path model_dir(const std::string& name);

// Largest absolute difference; the sizes must agree.
float max_abs_difference(const std::vector<float>& a, const float* b, std::size_t count);

}  // namespace strata::test
