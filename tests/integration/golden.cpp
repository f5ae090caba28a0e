#include "golden.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

namespace strata::test {

std::vector<GoldenCase> read_golden(const std::filesystem::path& model_dir) {
  std::ifstream stream(model_dir / "golden.json");
  if (!stream) throw std::runtime_error("no golden.json in " + model_dir.string());
  const nlohmann::json root = nlohmann::json::parse(stream);
  std::vector<GoldenCase> cases;
  for (const nlohmann::json& item : root.at("cases")) {
    GoldenCase golden;
    // The reference checkpoints of tests/data/models have token-id prompts only.
    golden.prompt = item.at("prompt").is_string() ? item["prompt"].get<std::string>() : std::string("(token ids)");
    golden.prompt_ids = item.at("prompt_ids").get<std::vector<std::int32_t>>();
    golden.first_logits = item.at("first_logits").get<std::vector<float>>();
    golden.last_logits = item.at("last_logits").get<std::vector<float>>();
    golden.greedy_new_ids = item.at("greedy_new_ids").get<std::vector<std::int32_t>>();
    if (item.contains("greedy_text") && item["greedy_text"].is_string())
      golden.greedy_text = item["greedy_text"].get<std::string>();
    cases.push_back(std::move(golden));
  }
  return cases;
}

std::filesystem::path sample_model(const std::string& name) {
  return std::filesystem::path(STRATA_SAMPLE_MODELS_DIR) / name;
}

std::filesystem::path model_dir(const std::string& name) {
  const std::filesystem::path sample = sample_model(name);
  return std::filesystem::exists(sample) ? sample : std::filesystem::path(STRATA_REFERENCE_MODELS_DIR) / name;
}

float max_abs_difference(const std::vector<float>& a, const float* b, std::size_t count) {
  if (a.size() != count) throw std::runtime_error("logit vectors of different sizes");
  float worst = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const float difference = std::fabs(a[i] - b[i]);
    if (std::isnan(difference)) return INFINITY;  // a NaN anywhere is a failure
    worst = std::max(worst, difference);
  }
  return worst;
}

}  // namespace strata::test
