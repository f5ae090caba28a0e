// A checkpoint's generation_config.json: how its publisher meant it to generate (end-of-sequence
// ids, sampling settings). Read strictly; turned into GenerateOptions that the caller then
// overrides field by field.
#pragma once

#include <strata/export.hpp>
#include <strata/generate.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace strata {

// The fields Strata uses; any other field of the file is ignored. An absent field (or null)
// stays unset, so that the defaults below (transformers' own) apply.
struct STRATA_API GenerationConfig {
  static constexpr std::uint64_t max_file_bytes = 1u << 20;

  std::vector<std::int32_t> eos_token_ids;  // "eos_token_id": one id or a list
  std::optional<std::int32_t> bos_token_id;
  std::optional<std::int32_t> pad_token_id;
  std::optional<bool> do_sample;               // unset: false (greedy)
  std::optional<float> temperature;            // >= 0; unset: 1
  std::optional<std::int32_t> top_k;           // >= 0; unset: 50
  std::optional<float> top_p;                  // (0, 1]; unset: 1
  std::optional<float> min_p;                  // [0, 1]; unset: off
  std::optional<float> repetition_penalty;     // > 0; unset: 1
  std::optional<std::int64_t> max_new_tokens;  // >= 0; unset: GenerateOptions' default

  // Throws Error(invalid_argument) naming the file and the field when the file cannot be read,
  // is not a JSON object, or gives a field of the wrong type or out of range.
  static GenerationConfig from_file(const std::filesystem::path& path);
  // `source` names the text in errors.
  static GenerationConfig from_json(std::string_view json_text, std::string_view source = "generation_config.json");
  // DIR/generation_config.json, or nullopt when the folder has none (a broken one throws).
  static std::optional<GenerationConfig> from_model_dir(const std::filesystem::path& dir);

  // What transformers' generate() does with this config: greedy unless do_sample, the stop
  // tokens from the EOS ids. Change any field of the result to override it.
  GenerateOptions generate_options() const;
};

}  // namespace strata
